//! A thread's value stack: registers of every active frame, arguments and results.
//!
//! It reads and writes like a slice, but it grows only through [`Stack::grow`], which
//! moves the thread's open upvalues along with the buffer: an open upvalue reads its
//! variable through a pointer into this buffer (see [`UpVal`]), so a growth that
//! forgot them would leave them dangling. Nothing shrinks a stack.

use std::ops::{Deref, DerefMut};

use crate::heap::Gc;
use crate::value::{UpVal, Value};

/// The slots of one thread's stack.
#[derive(Default)]
pub struct Stack(Vec<Value>);

impl Stack {
    /// An empty stack.
    pub fn new() -> Self {
        Stack(Vec::new())
    }

    /// The slots allocated, used or not (for memory accounting).
    pub fn capacity(&self) -> usize {
        self.0.capacity()
    }

    /// Grows to `len` slots (the new ones nil; no-op when already that long).
    /// `open` must be the open upvalues of the thread that owns this stack: if the
    /// buffer moves, their slot pointers move with it.
    pub fn grow(&mut self, len: usize, open: &[Gc<UpVal>]) {
        if len <= self.0.len() {
            return;
        }
        let old = self.0.as_ptr();
        self.0.resize(len, Value::Nil);
        let new = self.0.as_mut_ptr();
        if !std::ptr::eq(old, new) {
            for u in open {
                // SAFETY: `open` holds this stack's open upvalues (the caller's
                // contract), whose slots are below the old length; `new` is the
                // buffer they now live in.
                unsafe { u.get_mut().rebase(new) };
            }
        }
    }
}

impl Deref for Stack {
    type Target = [Value];
    #[inline(always)]
    fn deref(&self) -> &[Value] {
        &self.0
    }
}

impl DerefMut for Stack {
    #[inline(always)]
    fn deref_mut(&mut self) -> &mut [Value] {
        &mut self.0
    }
}

#[cfg(test)]
mod tests {
    use crate::value::Value;
    use crate::vm::Vm;

    // The unsafe slot pointers: an open upvalue still reads and writes its slot
    // after the stack's buffer moved many times, and keeps its value once closed.
    #[test]
    fn open_upvalues_follow_the_buffer() {
        let mut vm = Vm::new();
        vm.check_stack(8).unwrap();
        vm.stack[3] = Value::Int(42);
        let u = vm.find_upval(3);
        let w = vm.find_upval(5);
        assert_eq!(u, vm.find_upval(3), "one upvalue per slot");
        let mut moved = false;
        // Small steps, each followed by an allocation that keeps the allocator from
        // extending the buffer in place, then large ones.
        let mut blockers = Vec::new();
        let sizes = (6..13).map(|k| 1usize << k).chain([10_000, 200_000]);
        for n in sizes {
            let before = vm.stack.as_ptr();
            vm.check_stack(n.max(vm.stack.len() + 1)).unwrap();
            blockers.push(vec![0u8; 64]);
            assert!(vm.stack.len() >= n);
            moved |= !std::ptr::eq(before, vm.stack.as_ptr());
            assert!(matches!(u.get().get(), Value::Int(42)));
            w.get_mut().set(Value::Int(n as i64));
            assert!(matches!(vm.stack[5], Value::Int(m) if m == n as i64));
        }
        assert!(moved, "the test must move the buffer");
        vm.stack[3] = Value::Int(7);
        assert!(matches!(u.get().get(), Value::Int(7)));
        vm.close_upvals(0);
        vm.stack[3] = Value::Nil;
        assert!(
            matches!(u.get().get(), Value::Int(7)),
            "closed: its own value"
        );
        assert_eq!(u.get().open_slot(), None);
        assert!(vm.open_upvals.is_empty());
    }
}
