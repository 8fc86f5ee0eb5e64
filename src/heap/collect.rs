//! The tracing collector: marks everything reachable from the State's roots, then
//! sweeps. Collection runs only at the interpreter's safe points (see `gc.rs`).

use super::ObjRef;
use crate::value::{UpValState, Value};
use crate::vm::Vm;

impl Vm {
    /// Runs a full collection. `live_top` bounds the live part of the running stack;
    /// slots above it are cleared so they cannot keep dead objects alive.
    pub fn collect_garbage_at(&mut self, live_top: usize) {
        let live_top = live_top.max(self.top).min(self.stack.len());
        for v in &mut self.stack[live_top..] {
            *v = Value::Nil;
        }
        let mut gray = std::mem::take(&mut self.heap.gray);
        gray.clear();
        gray.push(ObjRef::Table(self.globals));
        gray.push(ObjRef::Table(self.registry));
        if let Some(m) = self.string_meta {
            gray.push(ObjRef::Table(m));
        }
        gray.extend(self.tm_names.iter().map(|s| ObjRef::Str(*s)));
        gray.push(ObjRef::Thread(self.main_thread));
        gray.push(ObjRef::Thread(self.current));
        gray.extend(self.resumers.iter().map(|t| ObjRef::Thread(*t)));
        gray.extend(self.stack[..live_top].iter().filter_map(|v| v.obj_ref()));
        for f in &self.frames {
            f.trace(&mut gray);
        }
        gray.extend(self.open_upvals.iter().map(|u| ObjRef::UpVal(*u)));
        self.mark(&mut gray);
        self.heap.gray = gray;
        self.strings.remove_unmarked();
        self.heap.sweep();
    }

    /// Full collection from outside the interpreter loop (`collectgarbage`).
    pub fn collect_garbage(&mut self) {
        let top = self.frames_top();
        self.collect_garbage_at(top);
    }

    fn mark(&mut self, gray: &mut Vec<ObjRef>) {
        while let Some(o) = gray.pop() {
            match o {
                ObjRef::Str(g) => {
                    g.mark();
                }
                ObjRef::Table(g) => {
                    if g.mark() {
                        g.get().trace(gray);
                    }
                }
                ObjRef::LuaFn(g) => {
                    if g.mark() {
                        gray.push(ObjRef::Proto(g.p));
                        gray.extend(g.upvals.iter().map(|u| ObjRef::UpVal(*u)));
                    }
                }
                ObjRef::NatFn(g) => {
                    if g.mark() {
                        gray.extend(g.upvals.iter().filter_map(|v| v.obj_ref()));
                    }
                }
                ObjRef::UpVal(g) => {
                    if g.mark() {
                        match g.state {
                            UpValState::Closed(v) => gray.extend(v.obj_ref()),
                            UpValState::Open { thread, .. } => gray.push(ObjRef::Thread(thread)),
                        }
                    }
                }
                ObjRef::Proto(g) => {
                    if g.mark() {
                        gray.extend(g.consts.iter().filter_map(|v| v.obj_ref()));
                        gray.extend(g.children.iter().map(|c| ObjRef::Proto(*c)));
                    }
                }
                ObjRef::UData(g) => {
                    if g.mark() {
                        if let Some(m) = g.meta {
                            gray.push(ObjRef::Table(m));
                        }
                    }
                }
                ObjRef::Thread(g) => {
                    if g.mark() {
                        g.get().trace(gray);
                    }
                }
            }
        }
    }
}

