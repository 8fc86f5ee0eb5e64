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

/// A captured variable shared between closures (lua5.4's `UpVal`): while open, a
/// slot of its thread's stack, read and written through a pointer; once closed, a
/// value of its own.
pub struct UpVal {
    /// SAFETY invariant: null once closed; while open, the address of slot `idx` of
    /// the stack of `thread`. That stack outlives the upvalue (the upvalue keeps the
    /// thread reachable, and stacks never shrink), and its buffer moves only in
    /// `Stack::grow`, which calls [`UpVal::rebase`] on the thread's open upvalues; a
    /// coroutine switch moves stacks without moving their buffers.
    slot: *mut Value,
    /// The stack slot, while open.
    idx: usize,
    /// The thread owning the stack, while open (traced by the collector).
    thread: Option<Gc<Thread>>,
    /// The value, once closed.
    closed: Value,
}

impl UpVal {
    /// A closed upvalue holding `v`.
    pub(crate) fn closed(v: Value) -> Self {
        UpVal {
            slot: std::ptr::null_mut(),
            idx: 0,
            thread: None,
            closed: v,
        }
    }

    /// An open upvalue for slot `idx` of `thread`'s stack, whose buffer starts at
    /// `base`.
    ///
    /// # Safety
    /// `base` is the current buffer of `thread`'s stack and `idx` is below its
    /// length; the upvalue joins that thread's open list, so that the stack's growth
    /// rebases it.
    pub(crate) unsafe fn open(thread: Gc<Thread>, idx: usize, base: *mut Value) -> Self {
        UpVal {
            // SAFETY: in bounds by the caller's contract.
            slot: unsafe { base.add(idx) },
            idx,
            thread: Some(thread),
            closed: Value::Nil,
        }
    }

    /// The variable's value.
    #[inline(always)]
    pub(crate) fn get(&self) -> Value {
        if self.slot.is_null() {
            self.closed
        } else {
            // SAFETY: an open upvalue's slot is a live stack slot (type invariant).
            unsafe { *self.slot }
        }
    }

    /// Assigns the variable.
    #[inline(always)]
    pub(crate) fn set(&mut self, v: Value) {
        if self.slot.is_null() {
            self.closed = v
        } else {
            // SAFETY: as in `get`.
            unsafe { *self.slot = v }
        }
    }

    /// The stack slot of an open upvalue.
    #[inline]
    pub(crate) fn open_slot(&self) -> Option<usize> {
        (!self.slot.is_null()).then_some(self.idx)
    }

    /// The thread whose stack an open upvalue reads (for the collector).
    pub(crate) fn open_thread(&self) -> Option<Gc<Thread>> {
        self.thread
    }

    /// The value of a closed upvalue.
    pub(crate) fn closed_value(&self) -> Option<Value> {
        self.slot.is_null().then_some(self.closed)
    }

    /// Closes the upvalue: it keeps the variable's current value.
    pub(crate) fn close(&mut self) {
        self.closed = self.get();
        self.slot = std::ptr::null_mut();
        self.thread = None;
    }

    /// Points an open upvalue into its stack's new buffer `base`.
    ///
    /// # Safety
    /// `base` is the new buffer of the stack this upvalue's slot belongs to, which
    /// still has more than `idx` slots.
    pub(crate) unsafe fn rebase(&mut self, base: *mut Value) {
        if !self.slot.is_null() {
            // SAFETY: in bounds by the caller's contract.
            self.slot = unsafe { base.add(self.idx) };
        }
    }
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
