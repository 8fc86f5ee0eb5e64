//! Functions: per-State prototype instances, Lua closures, native closures, upvalues.

use super::Value;
use crate::bytecode::Proto;
use crate::heap::{Gc, HeapObject, ObjRef};
use crate::vm::thread::Thread;
use crate::vm::{LuaError, Vm};
use std::sync::Arc;

/// A prototype loaded into one State: the shared code plus this State's constants.
///
/// All closures of one prototype share it, so per-prototype caches belong here.
pub struct ProtoInst {
    pub proto: Arc<Proto>,
    pub consts: Box<[Value]>,
    pub children: Box<[Gc<ProtoInst>]>,
    /// Copies of the prototype's frame shape, read on every call.
    pub num_params: u8,
    pub max_stack: u8,
    pub is_vararg: bool,
    /// Inline caches, one per instruction: the hash-part position where the last
    /// field lookup of that instruction found its key.
    pub caches: Box<[std::cell::Cell<u32>]>,
    /// The metering charge for landing on each pc (see [`crate::meter::segments`]).
    pub segs: Box<[crate::meter::Seg]>,
}

impl HeapObject for ProtoInst {
    fn erase(gc: Gc<Self>) -> ObjRef {
        ObjRef::Proto(gc)
    }
    fn size(&self) -> usize {
        self.consts.len() * 16 + self.children.len() * 8 + self.caches.len() * 12
    }
}

/// A Lua function value: a prototype plus its captured upvalues.
pub struct LuaClosure {
    pub p: Gc<ProtoInst>,
    pub upvals: Box<[Gc<UpVal>]>,
}

impl HeapObject for LuaClosure {
    fn erase(gc: Gc<Self>) -> ObjRef {
        ObjRef::LuaFn(gc)
    }
    fn size(&self) -> usize {
        self.upvals.len() * 8
    }
}

/// Where an upvalue's value lives.
#[derive(Clone, Copy, Debug)]
pub enum UpValState {
    /// Still a register: slot `idx` of `thread`'s stack.
    Open { thread: Gc<Thread>, idx: usize },
    /// The variable went out of scope; the upvalue owns the value.
    Closed(Value),
}

/// A captured variable shared between closures.
pub struct UpVal {
    pub state: UpValState,
}

impl HeapObject for UpVal {
    fn erase(gc: Gc<Self>) -> ObjRef {
        ObjRef::UpVal(gc)
    }
    fn size(&self) -> usize {
        0
    }
}

/// A native function: arguments are `vm.stack[base..base+nargs]`; it pushes its results
/// with [`Vm::push`] and returns how many it pushed.
pub type NativeFn = fn(vm: &mut Vm, base: usize, nargs: usize) -> Result<usize, LuaError>;

/// A host (Rust closure) function installed through the embedding API: same calling
/// convention as [`NativeFn`]. `Send` so that a State can move between threads.
pub type HostFn = dyn Fn(&mut Vm, usize, usize) -> Result<usize, LuaError> + Send;

/// A native that may end by calling a function in its own place, so that the callee
/// runs as an ordinary frame (it can yield and pause). It gets its caller's wanted
/// result count; `Some(n)`: it returned `n` values at the top as a plain native;
/// `None`: it left a callable in its own slot (`base - 1`) and the arguments above it
/// up to `top`, to be called with the caller's wanted results.
pub type ForwardFn =
    fn(vm: &mut Vm, base: usize, nargs: usize, nresults: i32) -> Result<Option<usize>, LuaError>;

/// Natives that the interpreter handles itself because they manipulate frames.
#[derive(Clone, Copy, Debug)]
pub enum NativeKind {
    Plain(NativeFn),
    /// See [`ForwardFn`] (`pairs` with `__pairs`, `dofile`).
    Forward(ForwardFn),
    Pcall,
    Xpcall,
    CoResume,
    CoYield,
    CoWrapCall,
    /// A host closure: [`NativeClosure::host`] (`None` once a scope destroyed it).
    Host,
    /// An async host closure: it may park its future in its frame and pause; the
    /// frame is continued by calling the closure again with `Vm::async_resume` set.
    HostAsync,
}

/// A native function value, optionally with upvalues.
pub struct NativeClosure {
    pub kind: NativeKind,
    pub name: &'static str,
    pub upvals: Box<[Value]>,
    /// The closure of a [`NativeKind::Host`] function.
    pub host: Option<Box<HostFn>>,
}

impl HeapObject for NativeClosure {
    fn erase(gc: Gc<Self>) -> ObjRef {
        ObjRef::NatFn(gc)
    }
    fn size(&self) -> usize {
        self.upvals.len() * 16
    }
    fn freezable(&self) -> bool {
        // Library functions: nothing in them changes once made. Upvalues may be
        // plain values or objects frozen before (always marked).
        self.host.is_none()
            && self.upvals.iter().all(|v| match v {
                Value::Str(s) => s.is_marked(),
                Value::NatFn(f) => f.is_marked(),
                Value::Nil | Value::Bool(_) | Value::Int(_) | Value::Num(_) => true,
                _ => false,
            })
    }
}
