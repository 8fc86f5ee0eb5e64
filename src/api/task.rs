//! [`Task`]: a run of a function that the host drives in budgeted slices, any number
//! of them paused at once in one State.

use super::multi::ValBuf;
use super::value::{into_raw, to_public};
use super::{Function, IntoLuaMulti, Lua, MultiValue, Result, Thread, ThreadStatus};
use crate::value::Value as Raw;
use crate::vm::task::TaskRun;
use crate::vm::Writer;

/// How a slice of a [`Task`] ended.
#[derive(Debug, Clone)]
pub enum TaskState {
    /// The function returned these values; the task is finished.
    Done(MultiValue),
    /// The slice's budget ran out; [`Task::resume`] continues where it stopped.
    Paused,
}

impl TaskState {
    /// True for [`TaskState::Done`].
    pub fn is_done(&self) -> bool {
        matches!(self, TaskState::Done(_))
    }
}

/// A run of a function in its own coroutine, driven by the host in slices, each
/// with a budget of cost units. A slice that runs out of budget pauses the task
/// wherever its Lua code is (inside `pcall`, metamethods, iterators, coroutines);
/// the next slice continues it exactly there. Any number of tasks of one State can
/// be paused at once and resumed in any order. A task's results, output and total
/// [`cost`](Task::cost) are those of the same call run unpaused.
///
/// This is mani's addition next to mlua's [`Thread`] (a coroutine the host resumes
/// with values): a task is resumed with a budget. Inside, the task runs as the main
/// thread does (`coroutine.running()` says it is the main one; it cannot yield), so
/// the same code behaves the same as a task or as a plain call.
///
/// Code that cannot be unwound — a plain Rust callback, a `table.sort` comparator,
/// a `string.gsub` function — runs to its end past an exhausted budget (into debt,
/// up to [`Lua::set_max_debt`]); the task pauses right after it and the debt is
/// paid from the next slice. Lua called from an async Rust function
/// ([`Lua::create_async_function`]) pauses where it is.
///
/// ```
/// use mani::{Lua, TaskState};
/// let lua = Lua::new();
/// let f = lua.load("local n = ... local s = 0 for i = 1, n do s = s + i end return s")
///     .into_function().unwrap();
/// let mut a = lua.spawn(&f, 1000).unwrap();
/// let mut b = lua.spawn(&f, 10).unwrap();
/// // Frame after frame, each task gets 200 units.
/// let (mut ra, mut rb) = (None, None);
/// while ra.is_none() || rb.is_none() {
///     for (t, r) in [(&mut a, &mut ra), (&mut b, &mut rb)] {
///         if r.is_none() {
///             if let TaskState::Done(v) = t.resume(200).unwrap() {
///                 *r = v[0].as_integer();
///             }
///         }
///     }
/// }
/// assert_eq!((ra, rb), (Some(500500), Some(55)));
/// assert!(a.cost() > b.cost());
/// ```
pub struct Task {
    thread: Thread,
    /// The arguments of the first slice (rooted until it starts).
    args: Option<MultiValue>,
    /// Units left from the slices so far (negative: debt to pay first).
    balance: i64,
    cost: u64,
    out: Option<Writer>,
}

impl std::fmt::Debug for Task {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Task")
            .field("thread", &self.thread)
            .field("balance", &self.balance)
            .field("cost", &self.cost)
            .finish_non_exhaustive()
    }
}

/// Converts `args` and puts them on the stack above its top, where they stay
/// reachable until a thread has copied them onto its own; returns the top to
/// restore afterwards and the values.
pub(crate) fn push_args(
    vm: &mut crate::vm::Vm,
    s: &std::sync::Arc<super::state::Shared>,
    args: &mut ValBuf,
) -> Result<(usize, Vec<Raw>)> {
    let mut raw = Vec::with_capacity(args.0.len());
    for v in args.0.drain(..) {
        raw.push(into_raw(vm, s, v)?);
    }
    let top = vm.top;
    vm.check_stack(top + raw.len())
        .map_err(|e| super::lua::convert_error(vm, s, e))?;
    vm.stack[top..top + raw.len()].copy_from_slice(&raw);
    vm.top = top + raw.len();
    Ok((top, raw))
}

impl Lua {
    /// Creates a [`Task`] that will call `func` with `args`; nothing runs until
    /// [`Task::resume`].
    pub fn spawn(&self, func: &Function, args: impl IntoLuaMulti) -> Result<Task> {
        let args = args.into_lua_multi(self)?;
        let f = func.0.raw_in(&self.s)?;
        let t = self.with(|vm| vm.new_task(f));
        let thread = Thread(super::value::Ref::new(&self.s, Raw::Thread(t)));
        Ok(Task {
            thread,
            args: Some(args),
            balance: 0,
            cost: 0,
            out: None,
        })
    }
}

impl Task {
    /// Runs the task with `budget` more units (after paying any debt of its last
    /// slice) until it finishes, yields, or runs out. Errors end the task: a Lua
    /// error as [`Error::RuntimeError`](super::Error::RuntimeError) (with its traceback) or
    /// [`Error::LuaValue`](super::Error::LuaValue), a limit of the State (steps, memory) as its error.
    /// A budget set on the State ([`Lua::set_budget`]) is a total over every run,
    /// slices included: when it runs out before the slice's `budget`, the task ends
    /// with `budget exhausted` as a call would.
    pub fn resume(&mut self, budget: u64) -> Result<TaskState> {
        let args = self.args.take().unwrap_or_default();
        let lua = self.thread.0.lua();
        let co = match self.thread.0.raw_in(&lua.s)? {
            Raw::Thread(t) => t,
            _ => unreachable!("a task holds a thread"),
        };
        let add = budget.min(crate::meter::UNLIMITED as u64) as i64;
        self.balance = self
            .balance
            .saturating_add(add)
            .min(crate::meter::UNLIMITED);
        let mut buf = ValBuf::new();
        buf.0.extend(args);
        let out = self.out.take();
        let (r, out) = lua.with(|vm| {
            // As for any host call: a new run's error reports start afresh.
            if vm.native_depth == 0 {
                vm.last_traceback = None;
                vm.limit_where = None;
            }
            let (top, raw) = match push_args(vm, &lua.s, &mut buf) {
                Ok(a) => a,
                Err(e) => return (Err(e), out),
            };
            let saved_out = out.map(|w| std::mem::replace(&mut vm.out, w));
            let r = vm.run_task(co, Some(&mut self.balance), &raw, true);
            vm.top = top;
            let out = saved_out.map(|w| std::mem::replace(&mut vm.out, w));
            let r = match r {
                Ok((run, used)) => {
                    self.cost += used;
                    Ok(match run {
                        TaskRun::Done(v) => {
                            TaskState::Done(v.into_iter().map(|v| to_public(&lua.s, v)).collect())
                        }
                        // A task cannot yield (it runs like the main thread).
                        TaskRun::Yielded(_) => unreachable!("a task yielded"),
                        TaskRun::Paused => TaskState::Paused,
                        TaskRun::Failed(e) => {
                            return (
                                Err(lua.convert_error(vm, crate::vm::LuaError::Value(e))),
                                out,
                            )
                        }
                    })
                }
                Err(e) => Err(lua.convert_error(vm, e)),
            };
            (r, out)
        });
        self.out = out;
        r
    }

    /// Total cost units charged to this task so far: what the same call run
    /// unpaused costs, once it is done.
    pub fn cost(&self) -> u64 {
        self.cost
    }

    /// Units left over from the slices so far; negative while the task owes
    /// units that a Rust callback or native function ran past its budget.
    pub fn balance(&self) -> i64 {
        self.balance
    }

    /// The task's status ([`ThreadStatus::Paused`] between slices that ran out).
    pub fn status(&self) -> ThreadStatus {
        self.thread.status()
    }

    /// True once the task finished or failed.
    pub fn is_finished(&self) -> bool {
        matches!(self.status(), ThreadStatus::Finished | ThreadStatus::Error)
    }

    /// The coroutine the task runs in.
    pub fn thread(&self) -> &Thread {
        &self.thread
    }

    /// Sends the task's `print` and `io.write` output to `out` instead of the
    /// State's writer (only while the task runs).
    pub fn set_output(&mut self, out: Box<dyn std::io::Write + Send>) {
        self.out = Some(out);
    }
}
