//! The tracing collector: marks everything reachable from the State's roots, then
//! sweeps. Collection runs only at the interpreter's safe points (see `gc.rs`).

use super::ObjRef;
use crate::value::Value;
use crate::vm::{LuaError, Vm};

impl Vm {
    /// Runs a full collection. `live_top` bounds the live part of the running stack;
    /// slots above it are cleared so they cannot keep dead objects alive.
    ///
    /// Fails only if a finalizer hit a limit (limits pass through finalizers; their
    /// ordinary errors are ignored).
    pub fn collect_garbage_at(&mut self, live_top: usize) -> Result<(), LuaError> {
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
        gray.extend(self.type_metas.iter().flatten().map(|t| ObjRef::Table(*t)));
        gray.extend(self.tm_names.iter().map(|s| ObjRef::Str(*s)));
        gray.push(ObjRef::Thread(self.main_thread));
        gray.push(ObjRef::Thread(self.current));
        gray.extend(self.resumers.iter().map(|t| ObjRef::Thread(*t)));
        gray.extend(self.stack[..live_top].iter().filter_map(|v| v.obj_ref()));
        for f in &self.frames {
            f.trace(&mut gray);
        }
        gray.extend(self.open_upvals.iter().map(|u| ObjRef::UpVal(*u)));
        gray.extend(self.tobefnz.iter().filter_map(|v| v.obj_ref()));
        crate::api::state::trace_roots(self, &mut gray);
        gray.extend(self.ud_metas.values().map(|t| ObjRef::Table(*t)));
        self.weak_tables.clear();
        self.mark(&mut gray);
        // Ephemerons: values of weak-keyed entries become reachable with their keys.
        loop {
            let mut more = false;
            for i in 0..self.weak_tables.len() {
                let (t, wk, wv) = self.weak_tables[i];
                if wk && t.get().trace_ephemerons(wv, &mut gray) {
                    more = true;
                }
            }
            if !more {
                break;
            }
            self.mark(&mut gray);
        }
        // Unreachable objects with finalizers are resurrected until their `__gc` runs,
        // newest registration first (as lua5.4 orders them).
        let mut dead = Vec::new();
        self.finobj.retain(|v| {
            let live = match v {
                Value::Table(t) => t.is_marked(),
                Value::UData(u) => u.is_marked(),
                _ => true,
            };
            if !live {
                dead.push(*v);
            }
            live
        });
        if !dead.is_empty() {
            for v in dead.iter().rev() {
                self.tobefnz.push_back(*v);
                gray.extend(v.obj_ref());
            }
            self.mark(&mut gray);
        }
        for (t, wk, wv) in std::mem::take(&mut self.weak_tables) {
            t.get_mut().clear_dead(wk, wv);
        }
        self.heap.gray = gray;
        self.strings.remove_unmarked();
        // The running thread's stacks are held outside its thread object while it
        // runs; they count towards the heap like a suspended thread's.
        let running = self.stack.capacity() * std::mem::size_of::<Value>()
            + self.frames.capacity() * std::mem::size_of::<crate::vm::frame::Frame>();
        self.heap.sweep(running);
        if !self.tobefnz.is_empty() {
            let saved = self.top;
            self.top = live_top;
            let r = self.run_finalizers();
            self.top = saved;
            r?;
        }
        Ok(())
    }

    /// A collection at an interpreter safe point when one is due; afterwards the
    /// heap must fit the memory quota, or the run stops with `not enough memory`.
    #[inline(never)]
    pub fn gc_poll(&mut self, live_top: usize) -> Result<(), LuaError> {
        self.collect_garbage_at(live_top)?;
        if self.heap.over_limit() {
            return Err(LuaError::Limit(crate::meter::Limit::Memory));
        }
        Ok(())
    }

    /// Fails with `not enough memory` if `n` more bytes would exceed the quota. Used
    /// before large allocations (long strings, stack and table growth) so that they
    /// never happen over the quota.
    #[inline]
    pub fn check_alloc(&self, n: usize) -> Result<(), LuaError> {
        if self.heap.would_exceed(n) {
            return Err(LuaError::Limit(crate::meter::Limit::Memory));
        }
        Ok(())
    }

    /// Calls the pending `__gc` metamethods. Errors in finalizers are ignored (lua5.4
    /// turns them into warnings, which are off by default).
    pub fn run_finalizers(&mut self) -> Result<(), LuaError> {
        let outer = std::mem::replace(&mut self.finalizing, true);
        let r = self.run_finalizers_inner();
        self.finalizing = outer;
        r
    }

    fn run_finalizers_inner(&mut self) -> Result<(), LuaError> {
        while let Some(v) = self.tobefnz.pop_front() {
            let tm = self.metamethod(v, crate::vm::Tm::Gc);
            if matches!(tm, Value::LuaFn(_) | Value::NatFn(_)) {
                // Keep the object rooted on the stack while its finalizer runs.
                self.push(v);
                let here = Some((self.current, self.frames.len()));
                let floor = std::mem::replace(&mut self.handler_floor, here);
                let r = self.call_raw_as(tm, &[v], 0, crate::vm::CallAs::Finalizer);
                self.handler_floor = floor;
                self.top -= 1;
                if let Err(e) = r {
                    if e.is_uncatchable() {
                        return Err(e);
                    }
                    // lua5.4 reports it as a warning.
                    if self.warn_on {
                        let ev = self.error_value(e);
                        let text = match ev {
                            Value::Str(s) => String::from_utf8_lossy(s.as_bytes()).into_owned(),
                            _ => "error object is not a string".to_string(),
                        };
                        self.warning(format!("error in __gc ({text})").as_bytes());
                    }
                }
            }
        }
        Ok(())
    }

    /// Registers `v` for finalization if its metatable has `__gc` (lua5.4 checks this
    /// when the metatable is set).
    pub fn check_finalizer(&mut self, v: Value) {
        let has_gc = !self.metamethod(v, crate::vm::Tm::Gc).is_nil();
        let fresh = match v {
            Value::Table(t) if has_gc => t.set_finalizable(),
            Value::UData(u) if has_gc => u.set_finalizable(),
            _ => false,
        };
        if fresh {
            self.finobj.push(v);
        }
    }

    /// Closing the state: runs every pending finalizer, newest first.
    pub fn close_state(&mut self) {
        self.top = self.frames_top();
        while let Some(v) = self.finobj.pop() {
            self.tobefnz.push_back(v);
        }
        // A limit stops the remaining finalizers (the state is closing anyway).
        let _ = self.run_finalizers();
    }

    /// Full collection from outside the interpreter loop (`collectgarbage`).
    pub fn collect_garbage(&mut self) -> Result<(), LuaError> {
        let top = self.frames_top();
        self.collect_garbage_at(top)
    }

    /// The `__mode` of a table's metatable as (weak keys, weak values).
    fn weak_mode(&self, t: crate::heap::Gc<crate::value::Table>) -> Option<(bool, bool)> {
        let mt = t.meta?;
        match mt.get().get_str(self.tm_name(crate::vm::Tm::Mode)) {
            Value::Str(s) => {
                let b = s.as_bytes();
                let (k, v) = (b.contains(&b'k'), b.contains(&b'v'));
                (k || v).then_some((k, v))
            }
            _ => None,
        }
    }

    fn mark(&mut self, gray: &mut Vec<ObjRef>) {
        while let Some(o) = gray.pop() {
            match o {
                ObjRef::Str(g) => {
                    g.mark();
                }
                ObjRef::Table(g) => {
                    if g.mark() {
                        match self.weak_mode(g) {
                            None => g.get().trace(gray),
                            Some((wk, wv)) => {
                                g.get().trace_weak(wk, wv, gray);
                                self.weak_tables.push((g, wk, wv));
                            }
                        }
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
                        if let Some(t) = g.open_thread() {
                            gray.push(ObjRef::Thread(t));
                        }
                        gray.extend(g.closed_value().and_then(|v| v.obj_ref()));
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
                        gray.extend(g.user_value.obj_ref());
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
