//! The coroutine library (§6.2).

use super::args::Args;
use crate::value::{NativeClosure, NativeKind, Value};
use crate::vm::thread::ThreadStatus;
use crate::vm::{LuaError, Vm};

/// Registers the library.
pub fn open(vm: &mut Vm) {
    let t = super::register_lib(
        vm,
        "coroutine",
        &[
            ("create", create),
            ("status", status),
            ("running", running),
            ("isyieldable", isyieldable),
            ("wrap", wrap),
            ("close", close),
        ],
    );
    let Value::Table(t) = t else { return };
    for (name, kind) in [
        ("resume", NativeKind::CoResume),
        ("yield", NativeKind::CoYield),
    ] {
        let f = vm.heap.alloc(NativeClosure {
            kind,
            name,
            upvals: Box::new([]),
            host: None,
        });
        let k = vm.new_str(name.as_bytes());
        let _ = t.get_mut().set(k, Value::NatFn(f));
    }
}

fn check_fn(vm: &Vm, a: &Args, i: usize) -> Result<Value, LuaError> {
    match a.get(vm, i) {
        v @ (Value::LuaFn(_) | Value::NatFn(_)) => Ok(v),
        _ => Err(a.expected(vm, i, "function")),
    }
}

fn check_co(
    vm: &Vm,
    a: &Args,
    i: usize,
) -> Result<crate::heap::Gc<crate::vm::thread::Thread>, LuaError> {
    match a.get(vm, i) {
        Value::Thread(t) => Ok(t),
        _ => Err(a.expected(vm, i, "thread")),
    }
}

fn create(vm: &mut Vm, base: usize, n: usize) -> Result<usize, LuaError> {
    let a = Args::new(base, n, "create");
    let f = check_fn(vm, &a, 1)?;
    let t = vm.new_thread(f);
    vm.push(Value::Thread(t));
    Ok(1)
}

fn status(vm: &mut Vm, base: usize, n: usize) -> Result<usize, LuaError> {
    let a = Args::new(base, n, "status");
    let co = check_co(vm, &a, 1)?;
    let s: &[u8] = match co.status {
        ThreadStatus::Suspended => b"suspended",
        ThreadStatus::Running => b"running",
        // A paused task is active, like a coroutine that resumed another.
        ThreadStatus::Normal | ThreadStatus::Paused => b"normal",
        ThreadStatus::Dead => b"dead",
    };
    let v = vm.new_str(s);
    vm.push(v);
    Ok(1)
}

fn running(vm: &mut Vm, _base: usize, _n: usize) -> Result<usize, LuaError> {
    let t = vm.current;
    vm.push(Value::Thread(t));
    vm.push(Value::Bool(vm.is_main(t)));
    Ok(2)
}

fn isyieldable(vm: &mut Vm, base: usize, n: usize) -> Result<usize, LuaError> {
    let a = Args::new(base, n, "isyieldable");
    let t = match a.get(vm, 1) {
        Value::Thread(t) => t,
        _ => vm.current,
    };
    // The running coroutine can yield only where no native call (a `gsub`
    // callback, a metamethod run by a library function) sits between it and its
    // resume; another thread only if it is a coroutine.
    let native_between = t == vm.current && vm.native_depth != vm.yield_depth;
    vm.push(Value::Bool(!vm.is_main(t) && !native_between));
    Ok(1)
}

fn wrap(vm: &mut Vm, base: usize, n: usize) -> Result<usize, LuaError> {
    let a = Args::new(base, n, "wrap");
    let f = check_fn(vm, &a, 1)?;
    let t = vm.new_thread(f);
    let w = vm.heap.alloc(NativeClosure {
        kind: NativeKind::CoWrapCall,
        name: "wrap",
        host: None,
        upvals: vec![Value::Thread(t)].into_boxed_slice(),
    });
    vm.push(Value::NatFn(w));
    Ok(1)
}

fn close(vm: &mut Vm, base: usize, n: usize) -> Result<usize, LuaError> {
    let a = Args::new(base, n, "close");
    let co = check_co(vm, &a, 1)?;
    match co.status {
        ThreadStatus::Suspended if co.get().task => {
            Err(LuaError::msg("cannot close a normal coroutine"))
        }
        ThreadStatus::Suspended | ThreadStatus::Dead => match vm.close_coroutine(co)? {
            None => {
                vm.push(Value::Bool(true));
                Ok(1)
            }
            Some(e) => {
                vm.push(Value::Bool(false));
                vm.push(e);
                Ok(2)
            }
        },
        ThreadStatus::Running => Err(LuaError::msg("cannot close a running coroutine")),
        ThreadStatus::Normal | ThreadStatus::Paused => {
            Err(LuaError::msg("cannot close a normal coroutine"))
        }
    }
}
