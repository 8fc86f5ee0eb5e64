//! Rust closures as Lua functions: argument and result conversion at the boundary,
//! errors into Lua errors, panics caught and resumed at the API boundary.

use super::conv::VmCx;
use super::multi::{RawArgs, RawBuf, ValBuf};
use super::state;
use super::value::into_raw;
use super::{Error, FromLuaMulti, IntoLuaMulti, Lua, Result};
use crate::meter::Limit;
use crate::value::HostFn;
use crate::vm::{LuaError, Vm};
use smallvec::SmallVec;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Arc;

/// The host function for a typed Rust closure.
pub(crate) fn wrap<F, A, R>(func: F) -> Box<HostFn>
where
    F: Fn(&Lua, A) -> Result<R> + Send + 'static,
    A: FromLuaMulti,
    R: IntoLuaMulti,
{
    Box::new(move |vm: &mut Vm, base, nargs| {
        call_host(vm, base, nargs, |lua, args| {
            let a = A::from_raw_args(args, lua)?;
            func(lua, a)
        })
    })
}

/// Like [`wrap`] for `FnMut` (a recursive call is `RecursiveMutCallback`).
pub(crate) fn wrap_mut<F, A, R>(func: F) -> Box<HostFn>
where
    F: FnMut(&Lua, A) -> Result<R> + Send + 'static,
    A: FromLuaMulti,
    R: IntoLuaMulti,
{
    let func = std::sync::Mutex::new(func);
    wrap(move |lua, a| {
        let mut f = func.try_lock().map_err(|_| Error::RecursiveMutCallback)?;
        (*f)(lua, a)
    })
}

impl RawArgs {
    /// The first argument (`self` of a method); the rest follow it.
    pub(crate) fn take_first(&mut self) -> crate::value::Value {
        self.pos = 1;
        self.vals.first().copied().unwrap_or_default()
    }
}

/// Runs a host callback on the arguments `stack[base..base+nargs]` and pushes its
/// results (the native calling convention). The arguments stay in their stack slots,
/// which keep them alive while the callback runs.
pub(crate) fn call_host<R: IntoLuaMulti>(
    vm: &mut Vm,
    base: usize,
    nargs: usize,
    f: impl FnOnce(&Lua, &mut RawArgs) -> Result<R>,
) -> std::result::Result<usize, LuaError> {
    if !state::has_host(vm) {
        return Err(LuaError::rt("host function called outside its State"));
    }
    let mut args = RawArgs {
        vals: SmallVec::from_slice(&vm.stack[base..base + nargs]),
        pos: 0,
    };
    let r = state::in_callback(vm, |lua| {
        catch_unwind(AssertUnwindSafe(|| f(lua, &mut args)))
    });
    let v = match r {
        Ok(Ok(v)) => v,
        Ok(Err(e)) => return Err(to_lua_error(vm, e)),
        Err(panic) => return Err(host_panic(vm, panic)),
    };
    vm.top = base + nargs;
    if R::DIRECT {
        // Built-in result types convert right here, with the Vm.
        let mut raw = RawBuf(SmallVec::new());
        v.push_direct(&mut VmCx { vm }, &mut raw)
            .map_err(|e| to_lua_error(vm, e))?;
        let n = raw.0.len();
        vm.check_stack(vm.top + n)?;
        for r in raw.0 {
            vm.push(r);
        }
        return Ok(n);
    }
    // Other types may use the API to convert: back to the host side for that.
    let mut out = ValBuf::new();
    let r = state::in_callback(vm, |lua| {
        catch_unwind(AssertUnwindSafe(|| v.push_into(lua, &mut out)))
    });
    match r {
        Ok(Ok(())) => {}
        Ok(Err(e)) => return Err(to_lua_error(vm, e)),
        Err(panic) => return Err(host_panic(vm, panic)),
    }
    let n = out.0.len();
    vm.check_stack(vm.top + n)?;
    let s = state::shared_ptr(vm);
    for v in out.0.drain(..) {
        let raw = into_raw(vm, s, v).map_err(|e| to_lua_error(vm, e))?;
        vm.push(raw);
    }
    Ok(n)
}

/// Keeps a callback's panic for the API boundary, where it resumes.
pub(crate) fn host_panic(vm: &mut Vm, panic: Box<dyn std::any::Any + Send>) -> LuaError {
    let s = state::shared_of(vm);
    *s.lock().panic.borrow_mut() = Some(panic);
    LuaError::HostPanic
}

/// How a callback's error travels through Lua: limits stay limits (uncatchable);
/// a Lua error value keeps its value; anything else becomes an error object carrying
/// the host error with the traceback where it was raised.
pub(crate) fn to_lua_error(vm: &mut Vm, e: Error) -> LuaError {
    match e {
        Error::BudgetExhausted(_) | Error::Paused => LuaError::Limit(Limit::Budget),
        Error::StepLimit(_) => LuaError::Limit(Limit::Steps),
        Error::MemoryError(_) => LuaError::Limit(Limit::Memory),
        Error::LuaValue { value, .. } => {
            let s = state::shared_of(vm);
            match into_raw(vm, &s, value) {
                Ok(v) => LuaError::Value(v),
                Err(e) => wrap_error(vm, e),
            }
        }
        e @ Error::CallbackError { .. } => LuaError::Value(super::userdata::error_value(vm, e)),
        e => wrap_error(vm, e),
    }
}

fn wrap_error(vm: &mut Vm, e: Error) -> LuaError {
    let traceback = vm.traceback();
    let e = Error::CallbackError {
        traceback,
        cause: Arc::new(e),
    };
    LuaError::Value(super::userdata::error_value(vm, e))
}
