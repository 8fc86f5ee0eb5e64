//! Coroutines: each thread owns its stacks; `resume` swaps them into the VM and runs
//! the interpreter on them, `yield` unwinds back to that `resume` leaving the thread's
//! frames intact as data, so the thread continues exactly where it stopped.

use super::frame::Cont;
use super::thread::{Thread, ThreadStatus};
use super::{LuaError, Vm, MAX_NATIVE_DEPTH, MAX_STACK};
use crate::heap::Gc;
use crate::value::{NativeClosure, NativeKind, Value};

/// Where a suspended thread's pending `yield` call wants its results.
#[derive(Debug, Clone, Copy, Default)]
pub struct YieldSite {
    pub func: usize,
    pub nresults: i32,
    /// The yield's frame continuation: a `coroutine.yield` used as a `__close`
    /// handler lets its CLOSE or RETURN run again on resume.
    pub cont: Cont,
}

/// Where a resume's arguments come from.
#[derive(Clone, Copy)]
pub(crate) enum ResumeArgs<'a> {
    /// A host's values.
    Values(&'a [Value]),
    /// `n` values at slot `at` of the resumer's stack (`coroutine.resume` and the
    /// functions made by `coroutine.wrap` pass their own arguments without copying
    /// them out first).
    Resumer { at: usize, n: usize },
}

/// What a resume produced: the values a coroutine yielded or returned, as the
/// slots `start..end` of its stack (read them before it runs again), or the error
/// value it died with.
pub(crate) type Resumed = Result<(usize, usize), Value>;

impl Vm {
    /// Swaps the running thread's stacks with those stored in `t`.
    fn swap_thread(&mut self, t: Gc<Thread>) {
        let th = t.get_mut();
        std::mem::swap(&mut self.stack, &mut th.stack);
        std::mem::swap(&mut self.frames, &mut th.frames);
        std::mem::swap(&mut self.open_upvals, &mut th.open_upvals);
        std::mem::swap(&mut self.tbc, &mut th.tbc);
        std::mem::swap(&mut self.top, &mut th.top);
    }

    /// True for the main thread and for tasks, which run like it: the host is
    /// their resumer, so they cannot yield.
    pub fn is_main(&self, t: Gc<Thread>) -> bool {
        t == self.main_thread || t.get().task
    }

    /// Creates a suspended coroutine that will run `f`.
    pub fn new_thread(&mut self, f: Value) -> Gc<Thread> {
        let mut t = Thread::new();
        t.stack.grow(1, &[]);
        t.stack[0] = f;
        t.top = 1;
        self.heap.alloc(t)
    }

    /// Creates a task's thread (see [`Vm::run_task`]).
    pub fn new_task(&mut self, f: Value) -> Gc<Thread> {
        let t = self.new_thread(f);
        t.get_mut().task = true;
        t
    }

    /// Resumes `co` with `args`. `Ok(Ok(values))`: yielded or finished with values;
    /// `Ok(Err(value))`: the coroutine raised an error (it is now dead).
    pub fn resume(
        &mut self,
        co: Gc<Thread>,
        args: &[Value],
    ) -> Result<Result<Vec<Value>, Value>, LuaError> {
        let r = self.resume_in(co, ResumeArgs::Values(args))?;
        Ok(Self::resumed_values(co, r))
    }

    /// [`resume`](Self::resume) leaving the results in the coroutine's stack.
    pub(crate) fn resume_in(
        &mut self,
        co: Gc<Thread>,
        args: ResumeArgs,
    ) -> Result<Resumed, LuaError> {
        match co.status {
            ThreadStatus::Suspended => {}
            ThreadStatus::Dead => {
                return Ok(Err(self.new_str(b"cannot resume dead coroutine")));
            }
            _ => return Ok(Err(self.new_str(b"cannot resume non-suspended coroutine"))),
        }
        if self.native_depth >= MAX_NATIVE_DEPTH {
            return Err(LuaError::msg("C stack overflow"));
        }
        let saved = self.enter_thread(co);
        let first = self.frames.is_empty();
        let nargs = match args {
            ResumeArgs::Values(v) => v.len(),
            ResumeArgs::Resumer { n, .. } => n,
        };
        // Copies the arguments to slot `dst` of the coroutine's stack (which has room).
        let put_args = |vm: &mut Vm, dst: usize| {
            let to = &mut vm.stack[dst..dst + nargs];
            match args {
                ResumeArgs::Values(v) => to.copy_from_slice(v),
                // The resumer's stack is parked in its thread while `co` runs.
                ResumeArgs::Resumer { at, n } => {
                    to.copy_from_slice(&saved.0.get().stack[at..at + n])
                }
            }
        };
        let r = (|| -> Result<(), LuaError> {
            if first {
                self.check_stack(nargs + 1)?;
                put_args(self, 1);
                self.top = 1 + nargs;
                if self.precall(0, nargs, -1)? {
                    self.execute(0)?;
                }
            } else {
                let site = co.get().yield_site;
                if self.hook_active {
                    // The pending `coroutine.yield` returns now.
                    let top = self.top;
                    self.hook_return(top, 0)?;
                }
                let at = self.top;
                self.check_stack(at + nargs)?;
                put_args(self, at);
                self.finish_results(site.func, at, nargs, site.nresults);
                if let Cont::Close { .. } | Cont::Unwind = site.cont {
                    self.apply_cont(site.cont, Value::Nil)?;
                }
                if !self.frames.is_empty() && !self.after_return(0) {
                    self.execute(0)?;
                }
            }
            Ok(())
        })();
        self.leave_thread(co, saved, r)
    }

    /// Continues a coroutine that paused (see [`Vm::resume_call`]) until it yields,
    /// finishes, fails or pauses again.
    pub(crate) fn resume_paused_thread(
        &mut self,
        co: Gc<Thread>,
    ) -> Result<Result<Vec<Value>, Value>, LuaError> {
        let r = self.resume_paused_in(co)?;
        Ok(Self::resumed_values(co, r))
    }

    /// The values of a resume, copied out of `co`'s stack.
    fn resumed_values(co: Gc<Thread>, r: Resumed) -> Result<Vec<Value>, Value> {
        r.map(|(start, end)| co.get().stack[start..end].to_vec())
    }

    /// [`resume_paused_thread`](Self::resume_paused_thread) leaving the results in
    /// the coroutine's stack.
    fn resume_paused_in(&mut self, co: Gc<Thread>) -> Result<Resumed, LuaError> {
        let saved = self.enter_thread(co);
        let r = self.continue_thread(0);
        self.leave_thread(co, saved, r)
    }

    /// Makes `co` the running thread; returns what [`leave_thread`] restores.
    fn enter_thread(&mut self, co: Gc<Thread>) -> (Gc<Thread>, usize, usize) {
        let prev = self.current;
        prev.get_mut().status = ThreadStatus::Normal;
        self.resumers.push(prev);
        // Park the resumer's stacks in its thread object and bring in the coroutine's.
        self.swap_thread(prev);
        self.swap_thread(co);
        self.current = co;
        self.refresh_hook();
        co.get_mut().status = ThreadStatus::Running;
        let saved = (prev, self.yield_depth, self.meter.pause_depth);
        // The coroutine can pause exactly when its resumer could.
        if self.native_depth == self.meter.pause_depth {
            self.meter.pause_depth += 1;
        }
        self.native_depth += 1;
        self.yield_depth = self.native_depth;
        saved
    }

    /// Switches back to the resumer after `co` stopped with `r`.
    fn leave_thread(
        &mut self,
        co: Gc<Thread>,
        (prev, yield_depth, pause_depth): (Gc<Thread>, usize, usize),
        r: Result<(), LuaError>,
    ) -> Result<Resumed, LuaError> {
        self.native_depth -= 1;
        self.yield_depth = yield_depth;
        self.meter.pause_depth = pause_depth;
        let outcome = match r {
            Ok(()) => {
                co.get_mut().status = ThreadStatus::Dead;
                // The body's results were delivered to its own slot, 0.
                Ok(Ok((0, self.top)))
            }
            Err(LuaError::Yield) => {
                // The yield's native frame is on top: its arguments are the values.
                let f = self.frames.pop().expect("yield frame");
                let vals = (f.base, self.top);
                co.get_mut().yield_site = YieldSite {
                    func: f.func,
                    nresults: f.nresults,
                    cont: f.cont,
                };
                co.get_mut().status = ThreadStatus::Suspended;
                Ok(Ok(vals))
            }
            // Paused: everything stays as it is, to be entered again on resume.
            Err(LuaError::Pause) => Err(LuaError::Pause),
            Err(e) if e.is_uncatchable() => {
                self.note_limit(&e);
                co.get_mut().status = ThreadStatus::Dead;
                self.frames.clear();
                self.tbc.clear();
                Err(e)
            }
            Err(e) => {
                co.get_mut().status = ThreadStatus::Dead;
                let v = self.error_value(e);
                // Pending to-be-closed variables wait for `coroutine.close`, as in
                // lua5.4, and the frames stay for `debug.traceback(co)` (lua5.4 keeps
                // a dead coroutine's stack); `coroutine.close` clears them.
                co.get_mut().error = Some(v);
                Ok(Err(v))
            }
        };
        self.swap_thread(co);
        self.swap_thread(prev);
        self.current = prev;
        self.refresh_hook();
        self.resumers.pop();
        prev.get_mut().status = ThreadStatus::Running;
        outcome
    }

    /// `coroutine.close`: closes the pending to-be-closed variables of a suspended or
    /// dead coroutine. Returns the error object if the coroutine had died by an error
    /// or a `__close` raised one.
    pub fn close_coroutine(&mut self, co: Gc<Thread>) -> Result<Option<Value>, LuaError> {
        let prev = self.current;
        self.resumers.push(prev);
        self.swap_thread(prev);
        self.swap_thread(co);
        self.current = co;
        // Its `__close` handlers run in it: it is running (a second close from one
        // of them fails instead of clearing the frames being closed), its closer is
        // normal.
        co.get_mut().status = ThreadStatus::Running;
        prev.get_mut().status = ThreadStatus::Normal;
        self.refresh_hook();
        let err = co.get_mut().error.take();
        self.top = self.top.max(self.stack.len().min(self.top + 1));
        self.close_upvals(0);
        let r = self.close_tbc(0, err);
        self.frames.clear();
        self.tbc.clear();
        self.swap_thread(co);
        self.swap_thread(prev);
        self.current = prev;
        self.resumers.pop();
        co.get_mut().status = ThreadStatus::Dead;
        prev.get_mut().status = ThreadStatus::Running;
        self.refresh_hook();
        Ok(match r {
            Ok(v) if err.is_some() => Some(v),
            Ok(_) => None,
            Err(LuaError::Value(e)) => Some(e),
            Err(e) => return Err(e),
        })
    }

    /// Body of `coroutine.yield`: checks that yielding is allowed, then unwinds.
    pub(crate) fn yield_now(&mut self) -> Result<(), LuaError> {
        if self.is_main(self.current) {
            return Err(LuaError::rt("attempt to yield from outside a coroutine"));
        }
        if self.native_depth != self.yield_depth {
            return Err(LuaError::rt("attempt to yield across a C-call boundary"));
        }
        Err(LuaError::Yield)
    }

    /// `coroutine.resume` and the functions made by `coroutine.wrap`.
    pub(crate) fn resume_native(
        &mut self,
        nc: Gc<NativeClosure>,
        base: usize,
        nargs: usize,
    ) -> Result<usize, LuaError> {
        let wrap = matches!(nc.kind, NativeKind::CoWrapCall);
        let co = if wrap {
            nc.upvals[0]
        } else {
            if nargs == 0 {
                return Err(LuaError::Arg(1, "thread expected, got no value".into()));
            }
            self.stack[base]
        };
        let Value::Thread(co) = co else {
            let got = if !wrap && nargs == 0 {
                "no value".to_string()
            } else {
                self.type_name_of(co)
            };
            return Err(LuaError::Arg(1, format!("thread expected, got {got}")));
        };
        let at = base + !wrap as usize;
        let n = nargs - !wrap as usize;
        self.resume_native_with(nc, co, Some(ResumeArgs::Resumer { at, n }))
    }

    /// Resumes `co` (with `args`, or continuing after a pause when `None`) for the
    /// `coroutine.resume`/`wrap` native `nc` and pushes what it returns.
    pub(crate) fn resume_native_with(
        &mut self,
        nc: Gc<NativeClosure>,
        co: Gc<Thread>,
        args: Option<ResumeArgs>,
    ) -> Result<usize, LuaError> {
        let wrap = matches!(nc.kind, NativeKind::CoWrapCall);
        let mut r = match args {
            // Only the host runs a task.
            Some(_) if co.get().task => Err(self.new_str(b"cannot resume non-suspended coroutine")),
            Some(args) => self.resume_in(co, args)?,
            None => self.resume_paused_in(co)?,
        };
        if let Ok((start, end)) = r {
            if self.top + (end - start) + 1 > MAX_STACK {
                r = Err(self.new_str(b"too many results to resume"));
            }
        }
        match r {
            Ok((start, end)) => {
                if !wrap {
                    self.push(Value::Bool(true));
                }
                let n = end - start;
                self.check_stack(self.top + n)?;
                let top = self.top;
                self.stack[top..top + n].copy_from_slice(&co.get().stack[start..end]);
                self.top = top + n;
                Ok(n + !wrap as usize)
            }
            Err(mut e) => {
                if wrap {
                    // Like lua5.4's auxwrap: a body that died by an error has its
                    // pending to-be-closed variables closed (an error there replaces
                    // the first), then string errors get position information.
                    if co.get().status == ThreadStatus::Dead && !co.get().tbc.is_empty() {
                        if let Some(v) = self.close_coroutine(co)? {
                            e = v;
                        }
                    }
                    if let Value::Str(s) = e {
                        let mut b = self.where_(1).into_bytes();
                        b.extend_from_slice(s.as_bytes());
                        return Err(LuaError::Value(self.new_str_vec(b)));
                    }
                    return Err(LuaError::Value(e));
                }
                self.push(Value::Bool(false));
                self.push(e);
                Ok(2)
            }
        }
    }
}
