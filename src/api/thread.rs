//! [`Thread`]: a handle to a coroutine.

use super::multi::{ValBuf, ValIter};
use super::value::{to_public, Ref};
use super::{Error, FromLuaMulti, IntoLuaMulti, Result};
use crate::value::Value as Raw;
use crate::vm::task::TaskRun;
use crate::vm::thread::ThreadStatus as RawStatus;

/// The state of a coroutine, as mlua reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ThreadStatus {
    /// Can be resumed (not started, or suspended in `yield`).
    Resumable,
    /// Running now (it called the host).
    Running,
    /// Resumed another coroutine and waits for it.
    Normal,
    /// mani: a task stopped by its budget; [`Task::resume`](crate::Task::resume)
    /// continues it.
    Paused,
    /// Returned from its function.
    Finished,
    /// Died with an error.
    Error,
}

/// A handle to a coroutine.
///
/// ```
/// use mani::{Lua, Thread, ThreadStatus};
/// let lua = Lua::new();
/// let co: Thread = lua.load("coroutine.create(function(a) local b = coroutine.yield(a + 1) return b * 2 end)").eval().unwrap();
/// assert_eq!(co.resume::<i64>(1).unwrap(), 2);
/// assert_eq!(co.resume::<i64>(10).unwrap(), 20);
/// assert_eq!(co.status(), ThreadStatus::Finished);
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Thread(pub(crate) Ref);

impl Thread {
    fn thread(&self) -> crate::heap::Gc<crate::vm::thread::Thread> {
        match self.0.raw() {
            Raw::Thread(t) => t,
            _ => unreachable!("a Thread handle holds a thread"),
        }
    }

    /// Resumes the coroutine with `args`; returns what it yields or returns. An error
    /// inside it comes back as `Err` (the coroutine is then dead).
    ///
    /// The coroutine runs under the State's budget, step limit and memory quota.
    /// Under [`Policy::Pause`](crate::meter::Policy::Pause), running out of budget
    /// returns [`Error::Paused`] with the coroutine [`ThreadStatus::Paused`]; after
    /// [`Lua::add_budget`](crate::Lua::add_budget), `resume` continues it where it
    /// stopped (`args` are then ignored). For many budgeted runs at once, see
    /// [`Task`](crate::Task).
    pub fn resume<R: FromLuaMulti>(&self, args: impl IntoLuaMulti) -> Result<R> {
        let lua = self.0.lua();
        let co = self.thread();
        let resumable = matches!(
            self.status(),
            ThreadStatus::Resumable | ThreadStatus::Paused
        );
        // A task's thread runs only through its `Task` (and its budget).
        if !resumable || lua.with(|_| co.get().task) {
            return Err(Error::CoroutineUnresumable);
        }
        let mut buf = ValBuf::new();
        args.push_into(lua, &mut buf)?;
        let mut out = ValBuf::new();
        lua.with(|vm| {
            if vm.native_depth == 0 {
                vm.last_traceback = None;
                vm.limit_where = None;
            }
            let (saved, raw) = super::task::push_args(vm, &lua.s, &mut buf)?;
            let r = vm.run_task(co, None, &raw, true);
            vm.top = saved;
            match r {
                Ok((TaskRun::Done(vals) | TaskRun::Yielded(vals), _)) => {
                    out.0.extend(vals.into_iter().map(|v| to_public(&lua.s, v)));
                    Ok(())
                }
                Ok((TaskRun::Paused, _)) => Err(Error::Paused),
                Ok((TaskRun::Failed(e), _)) => {
                    Err(lua.convert_error(vm, crate::vm::LuaError::Value(e)))
                }
                Err(e) => Err(lua.convert_error(vm, e)),
            }
        })?;
        let r = R::from_buf(&mut ValIter(out.0.drain(..)), lua);
        r
    }

    /// The coroutine's status.
    pub fn status(&self) -> ThreadStatus {
        let _g = self.0.lua.s.lock();
        let t = self.thread();
        let th = t.get();
        match th.status {
            RawStatus::Suspended => ThreadStatus::Resumable,
            RawStatus::Running => ThreadStatus::Running,
            RawStatus::Normal => ThreadStatus::Normal,
            RawStatus::Paused => ThreadStatus::Paused,
            RawStatus::Dead if th.error.is_some() => ThreadStatus::Error,
            RawStatus::Dead => ThreadStatus::Finished,
        }
    }

    /// True if the coroutine can be resumed.
    pub fn is_resumable(&self) -> bool {
        self.status() == ThreadStatus::Resumable
    }

    /// True if the coroutine finished normally.
    pub fn is_finished(&self) -> bool {
        self.status() == ThreadStatus::Finished
    }

    /// True if the coroutine died with an error.
    pub fn is_error(&self) -> bool {
        self.status() == ThreadStatus::Error
    }
}
