//! Threads (coroutines): each owns a value stack and a call-frame stack.

use crate::heap::{Gc, HeapObject, ObjRef};
use crate::value::{UpVal, Value};
use crate::vm::frame::Frame;

/// Status of a coroutine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ThreadStatus {
    Suspended,
    Running,
    Normal,
    /// A task stopped by its budget (it continues when the host runs it again).
    Paused,
    Dead,
}

/// A Lua thread. While it runs, its stacks are moved into the [`Vm`](crate::vm::Vm).
pub struct Thread {
    pub stack: crate::vm::stack::Stack,
    pub frames: Vec<Frame>,
    pub open_upvals: Vec<Gc<UpVal>>,
    pub tbc: Vec<usize>,
    pub top: usize,
    pub status: ThreadStatus,
    /// The error that killed the coroutine, until `coroutine.close` reports it.
    pub error: Option<Value>,
    /// Where the pending `yield` of a suspended coroutine delivers resume values.
    pub yield_site: crate::vm::coroutine::YieldSite,
    /// A task: run by the host, like the main thread (it cannot yield).
    pub task: bool,
    /// Its debug hook (`debug.sethook`).
    pub hook: Option<crate::vm::hook::Hook>,
}

impl Thread {
    /// A fresh thread with an empty stack.
    pub fn new() -> Self {
        Thread {
            stack: crate::vm::stack::Stack::new(),
            frames: Vec::new(),
            open_upvals: Vec::new(),
            tbc: Vec::new(),
            top: 0,
            status: ThreadStatus::Suspended,
            yield_site: Default::default(),
            error: None,
            task: false,
            hook: None,
        }
    }

    /// References held by a suspended thread.
    pub fn trace(&self, out: &mut Vec<ObjRef>) {
        out.extend(self.stack.iter().filter_map(|v| v.obj_ref()));
        for f in &self.frames {
            f.trace(out);
        }
        out.extend(self.open_upvals.iter().map(|u| ObjRef::UpVal(*u)));
        if let Some(e) = self.error {
            out.extend(e.obj_ref());
        }
        if let Some(h) = self.hook {
            out.extend(h.func.obj_ref());
        }
    }
}

impl Default for Thread {
    fn default() -> Self {
        Self::new()
    }
}

impl HeapObject for Thread {
    fn erase(gc: Gc<Self>) -> ObjRef {
        ObjRef::Thread(gc)
    }
    fn size(&self) -> usize {
        self.stack.capacity() * 16 + self.frames.capacity() * std::mem::size_of::<Frame>()
    }
}
