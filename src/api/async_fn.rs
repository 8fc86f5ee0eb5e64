//! Async Rust functions: host callbacks that can wait without holding the VM.
//!
//! A plain Rust callback cannot be unwound and re-entered, so Lua it calls runs to
//! the end past an exhausted budget. An async one can: its future is polled by the
//! interpreter, and when it is not ready (because Lua it runs with
//! [`Function::call_async`] paused, or because it awaits something of the host's)
//! the future is parked in the callback's frame and the task pauses. The next slice
//! polls it again. No executor is involved: the future is polled whenever its task
//! is resumed, so it needs no waker.

use super::callback::{host_panic, to_lua_error};
use super::multi::{RawArgs, ValBuf};
use super::state;
use super::task::push_args;
use super::value::{into_raw, to_public};
use super::{Error, FromLuaMulti, Function, IntoLuaMulti, Lua, MultiValue, Result, Thread};
use crate::value::{HostFn, UserData, Value as Raw};
use crate::vm::task::TaskRun;
use crate::vm::{LuaError, Vm};
use smallvec::SmallVec;
use std::future::Future;
use std::marker::PhantomData;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::pin::Pin;
use std::task::{Context, Poll, Waker};

type BoxFuture = Pin<Box<dyn Future<Output = Result<MultiValue>> + Send>>;

/// A future parked in its frame (the payload of a host userdata in the frame's
/// last stack slot, which keeps it alive while the frame waits).
struct Parked(Option<BoxFuture>);

/// The host function for an async Rust closure.
pub(crate) fn wrap_async<F, A, FR, R>(func: F) -> Box<HostFn>
where
    F: Fn(Lua, A) -> FR + Send + 'static,
    A: FromLuaMulti,
    FR: Future<Output = Result<R>> + Send + 'static,
    R: IntoLuaMulti,
{
    Box::new(move |vm: &mut Vm, base, nargs| {
        if !state::has_host(vm) {
            return Err(LuaError::rt("host function called outside its State"));
        }
        let (mut fut, parked_in, nargs) = if std::mem::take(&mut vm.async_resume) {
            let (f, ud) = unpark(vm, base, nargs)?;
            (f, Some(ud), nargs - 1)
        } else {
            let mut args = RawArgs {
                vals: SmallVec::from_slice(&vm.stack[base..base + nargs]),
                pos: 0,
            };
            let r = state::in_callback(vm, |lua| {
                catch_unwind(AssertUnwindSafe(|| -> Result<BoxFuture> {
                    let a = A::from_raw_args(&mut args, lua)?;
                    // Uncounted handles: a parked future lives in the State, so it
                    // must not keep the State open.
                    let fut = func(Lua::uncounted(lua.s.clone()), a);
                    let lua = Lua::uncounted(lua.s.clone());
                    Ok(Box::pin(async move { fut.await?.into_lua_multi(&lua) }))
                }))
            });
            match r {
                Ok(Ok(f)) => (f, None, nargs),
                Ok(Err(e)) => return Err(to_lua_error(vm, e)),
                Err(p) => return Err(host_panic(vm, p)),
            }
        };
        // Parking is possible where a pause is: called by the interpreter at the
        // level that can unwind to the host (not from a native or a pcall).
        let parkable = vm.native_depth == vm.meter.pause_depth;
        let saved = std::mem::replace(&mut vm.park_ok, parkable);
        let r = state::in_callback(vm, |_| {
            catch_unwind(AssertUnwindSafe(|| {
                fut.as_mut().poll(&mut Context::from_waker(Waker::noop()))
            }))
        });
        vm.park_ok = saved;
        match r {
            Err(p) => Err(host_panic(vm, p)),
            Ok(Poll::Ready(Err(e))) => Err(to_lua_error(vm, e)),
            Ok(Poll::Ready(Ok(vals))) => {
                vm.top = base + nargs;
                vm.check_stack(vm.top + vals.len())?;
                let s = state::shared_ptr(vm);
                let n = vals.len();
                for v in vals {
                    let raw = into_raw(vm, s, v).map_err(|e| to_lua_error(vm, e))?;
                    vm.push(raw);
                }
                Ok(n)
            }
            Ok(Poll::Pending) if parkable => {
                match parked_in {
                    Some(ud) => {
                        ud.get_mut().data = Box::new(Parked(Some(fut)));
                    }
                    None => {
                        vm.top = base + nargs;
                        vm.check_stack(vm.top + 1)?;
                        let ud = vm.heap.alloc(UserData {
                            data: Box::new(Parked(Some(fut))),
                            meta: None,
                            host: true,
                            user_value: Raw::Nil,
                        });
                        vm.push(Raw::UData(ud));
                    }
                }
                Err(LuaError::Pause)
            }
            Ok(Poll::Pending) => Err(LuaError::rt(
                "an async function cannot wait here (it was called by a native function)",
            )),
        }
    })
}

/// Takes the future a frame parked in its last argument slot.
fn unpark(
    vm: &mut Vm,
    base: usize,
    nargs: usize,
) -> std::result::Result<(BoxFuture, crate::heap::Gc<UserData>), LuaError> {
    let lost = || LuaError::rt("mani: an async call lost its future");
    let slot = (base + nargs)
        .checked_sub(1)
        .filter(|&s| s >= base)
        .ok_or_else(lost)?;
    let Raw::UData(ud) = vm.stack[slot] else {
        return Err(lost());
    };
    let fut = ud
        .get_mut()
        .data
        .downcast_mut::<Parked>()
        .and_then(|p| p.0.take())
        .ok_or_else(lost)?;
    Ok((fut, ud))
}

impl Lua {
    /// Wraps an async Rust closure as a Lua function (mlua's shape). The future
    /// may await [`Function::call_async`]: Lua called that way pauses with the
    /// task it runs in, where Lua called from a plain callback cannot. A future
    /// that is not ready parks the call until the task is resumed; it is polled
    /// again then (there is no waker to wait for).
    ///
    /// ```
    /// use mani::{Function, Lua, TaskState};
    /// let lua = Lua::new();
    /// let each = lua.create_async_function(|_, (f, n): (Function, i64)| async move {
    ///     let mut sum = 0;
    ///     for i in 1..=n {
    ///         sum += f.call_async::<i64>(i).await?;
    ///     }
    ///     Ok(sum)
    /// }).unwrap();
    /// lua.globals().set("each", each).unwrap();
    /// let f = lua.load("return each(function(x) for i = 1, 100 do end return x * x end, 10)")
    ///     .into_function().unwrap();
    /// let mut task = lua.spawn(&f, ()).unwrap();
    /// let mut slices = 1;
    /// let v = loop {
    ///     match task.resume(50).unwrap() {
    ///         TaskState::Done(v) => break v,
    ///         TaskState::Paused => slices += 1,
    ///     }
    /// };
    /// assert_eq!(v[0].as_integer(), Some(385));
    /// assert!(slices > 10); // it paused inside the Lua function the callback called
    /// ```
    pub fn create_async_function<F, A, FR, R>(&self, func: F) -> Result<Function>
    where
        F: Fn(Lua, A) -> FR + Send + 'static,
        A: FromLuaMulti,
        FR: Future<Output = Result<R>> + Send + 'static,
        R: IntoLuaMulti,
    {
        let host = wrap_async(func);
        let f =
            self.with(|vm| vm.new_host_kind(host, Vec::new(), crate::value::NativeKind::HostAsync));
        Ok(Function(super::value::Ref::new(&self.s, f)))
    }
}

/// The future of [`Function::call_async`].
#[must_use = "futures do nothing unless polled"]
pub struct AsyncCallFuture<R> {
    func: Function,
    args: Option<Result<MultiValue>>,
    /// The coroutine the call runs in, once started.
    thread: Option<Thread>,
    _r: PhantomData<fn() -> R>,
}

impl<R> std::fmt::Debug for AsyncCallFuture<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AsyncCallFuture")
            .field("func", &self.func)
            .field("thread", &self.thread)
            .finish_non_exhaustive()
    }
}

impl Function {
    /// Calls the function from an async Rust function, so that the call can pause
    /// with its task: when the budget runs out inside it, the future is not
    /// ready, the async function's frame parks, and the next slice continues the
    /// call where it stopped. Outside an async function (or where it cannot park)
    /// it runs like [`call`](Function::call), into debt if need be.
    pub fn call_async<R: FromLuaMulti>(&self, args: impl IntoLuaMulti) -> AsyncCallFuture<R> {
        AsyncCallFuture {
            func: self.clone(),
            args: Some(args.into_lua_multi(self.0.lua())),
            thread: None,
            _r: PhantomData,
        }
    }
}

impl<R: FromLuaMulti> Future for AsyncCallFuture<R> {
    type Output = Result<R>;

    fn poll(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<Result<R>> {
        let this = self.get_mut();
        let lua = this.func.0.lua();
        let args = match this.args.take() {
            Some(a) => a?,
            None if this.thread.is_some() => MultiValue::new(),
            None => return Poll::Ready(Err(Error::runtime("async call polled after it ended"))),
        };
        let co = match &this.thread {
            Some(t) => t.clone(),
            None => {
                let f = this.func.0.raw_in(&lua.s)?;
                // A thread of its own, run like the main thread (it cannot yield).
                let t = lua.with(|vm| vm.new_task(f));
                let t = Thread(super::value::Ref::new(&lua.s, Raw::Thread(t)));
                this.thread = Some(t.clone());
                t
            }
        };
        let Raw::Thread(th) = co.0.raw_in(&lua.s)? else {
            unreachable!("a thread handle holds a thread")
        };
        let mut buf = ValBuf::new();
        buf.0.extend(args);
        let r = lua.with(|vm| {
            // Only an async function that can park its frame lets the call pause.
            let pausable = std::mem::take(&mut vm.park_ok);
            let raw = push_args(vm, &lua.s, &mut buf)?;
            let r = vm.run_task(th, None, &raw.1, pausable);
            vm.top = raw.0;
            vm.park_ok = pausable;
            match r {
                Ok((TaskRun::Done(v) | TaskRun::Yielded(v), _)) => Ok(Some(
                    v.into_iter()
                        .map(|v| to_public(&lua.s, v))
                        .collect::<MultiValue>(),
                )),
                Ok((TaskRun::Paused, _)) => Ok(None),
                Ok((TaskRun::Failed(e), _)) => Err(lua.convert_error(vm, LuaError::Value(e))),
                Err(e) => Err(lua.convert_error(vm, e)),
            }
        });
        match r {
            Ok(None) => Poll::Pending,
            Ok(Some(v)) => {
                this.thread = None;
                Poll::Ready(R::from_lua_multi(v, lua))
            }
            Err(e) => {
                this.thread = None;
                Poll::Ready(Err(e))
            }
        }
    }
}
