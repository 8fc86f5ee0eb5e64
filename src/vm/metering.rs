//! Charging budgets and steps, and pausing and resuming host calls.
//!
//! Lua code is charged per segment by the interpreter (see [`crate::meter::segments`]);
//! this module holds the slow paths: what happens when a charge does not fit, how
//! natives charge their work, and how a paused call continues.
//!
//! A pause unwinds the Rust stack to the host like an error, but leaves every frame
//! of every thread in place: the paused point is always the first pc of a segment
//! that has not been charged yet, in the top frame of the innermost running thread.
//! Coroutines between the host and that point are entered again on resume, so pausing
//! works inside them. A native function (a `table.sort` comparator, a `gsub`
//! callback, a finalizer) between the host and the running code cannot be unwound
//! and re-entered: there the budget goes into debt (up to `Meter::max_debt`) and the
//! pause takes effect at the first segment after the native call returns.

use super::frame::FrameKind;
use super::interp::{METER_HOOK, METER_OFF, METER_ON, METER_PROFILE};
use super::{LuaError, Vm};
use crate::meter::{CostModel, Limit, Policy, Seg};
use crate::value::{NativeKind, Value};

/// How a host call that may pause ended.
#[derive(Debug, Clone)]
pub enum CallState {
    /// The function returned these values.
    Done(Vec<Value>),
    /// The budget ran out under [`Policy::Pause`]; resume with
    /// [`Vm::resume_call`] after adding budget.
    Paused,
}

/// A host call waiting to be resumed.
#[derive(Debug, Clone, Copy)]
pub struct PausedCall {
    /// Frame depth below the call (frames of the host's caller, if any).
    depth: usize,
    /// Stack slot of the called function (results are delivered there).
    func: usize,
    /// `top` to restore when the call ends.
    saved_top: usize,
}

impl Vm {
    /// The interpreter mode for the current metering settings.
    #[inline]
    pub(crate) fn meter_mode(&self) -> u8 {
        if self.hook_active {
            METER_HOOK
        } else if !self.meter.enabled {
            METER_OFF
        } else if self.profile.is_some() {
            METER_PROFILE
        } else {
            METER_ON
        }
    }

    /// Runs the interpreter loop for the current mode.
    #[inline]
    pub(crate) fn run_mode(&mut self, entry_depth: usize) -> Result<(), LuaError> {
        match self.meter_mode() {
            METER_OFF => self.run::<METER_OFF>(entry_depth),
            METER_ON => self.run::<METER_ON>(entry_depth),
            METER_HOOK => self.run::<METER_HOOK>(entry_depth),
            _ => self.run::<METER_PROFILE>(entry_depth),
        }
    }

    /// Charges the segment at the top Lua frame's pc: a function's entry, or the
    /// segment a paused call stopped before.
    pub(crate) fn charge_top(&mut self) -> Result<(), LuaError> {
        if !self.meter.enabled {
            return Ok(());
        }
        let Some(f) = self.frames.last() else {
            return Ok(());
        };
        let FrameKind::Lua(cl) = f.kind else {
            return Ok(());
        };
        let pc = f.pc;
        self.charge_segment(cl.p.get_static(), pc)
    }

    /// Charges the segment of `p` that starts at `pc` (metering is on).
    #[inline(always)]
    pub(crate) fn charge_segment(
        &mut self,
        p: &crate::value::ProtoInst,
        pc: usize,
    ) -> Result<(), LuaError> {
        let s = p.segs[pc];
        if !self.meter.try_charge(s) {
            self.out_of_budget(s)?;
        }
        if self.profile.is_some() {
            self.profile_segment(&p.proto, pc);
        }
        Ok(())
    }

    /// The slow path of a segment charge that did not fit: a limit error, a pause,
    /// or (inside a native call under the Pause policy) a charge into debt.
    #[cold]
    #[inline(never)]
    pub(crate) fn out_of_budget(&mut self, s: Seg) -> Result<(), LuaError> {
        if self.meter.steps < s.steps as i64 {
            return Err(LuaError::Limit(Limit::Steps));
        }
        match self.meter.policy {
            Policy::Error => Err(LuaError::Limit(Limit::Budget)),
            Policy::Pause if self.native_depth == self.meter.pause_depth => Err(LuaError::Pause),
            Policy::Pause => {
                self.debit(s.cost as i64)?;
                self.meter.steps -= s.steps as i64;
                Ok(())
            }
        }
    }

    /// Takes `units` from the budget, into debt if need be, up to the allowed debt.
    fn debit(&mut self, units: i64) -> Result<(), LuaError> {
        let b = self.meter.budget.saturating_sub(units);
        if b < -self.meter.max_debt {
            return Err(LuaError::Limit(Limit::Budget));
        }
        self.meter.budget = b;
        Ok(())
    }

    /// Charges native work: `units` from the budget, before the work is done. The
    /// same number of steps counts toward the step limit.
    ///
    /// Under [`Policy::Error`] a charge that does not fit fails with `budget
    /// exhausted` and nothing is taken. Under [`Policy::Pause`] a native call cannot
    /// be paused, so the charge goes into debt and the pause happens after the call.
    pub fn charge(&mut self, units: u64) -> Result<(), LuaError> {
        if !self.meter.enabled || units == 0 {
            return Ok(());
        }
        let u = units.min(i64::MAX as u64 / 2) as i64;
        // Native work counts toward the step limit too (one step per unit), so a
        // step limit alone stops any script, natives included.
        if u > self.meter.steps {
            return Err(LuaError::Limit(Limit::Steps));
        }
        if u <= self.meter.budget {
            self.meter.budget -= u;
        } else if self.meter.policy == Policy::Error {
            return Err(LuaError::Limit(Limit::Budget));
        } else {
            self.debit(u)?;
        }
        self.meter.steps -= u;
        if self.profile.is_some() {
            self.profile_native(units);
        }
        Ok(())
    }

    /// Charges `n` bytes of string work.
    #[inline]
    pub fn charge_bytes(&mut self, n: usize) -> Result<(), LuaError> {
        self.charge(CostModel::units(n, self.cost_model.byte_milli))
    }

    /// Charges `n` table elements visited or moved.
    #[inline]
    pub fn charge_elements(&mut self, n: usize) -> Result<(), LuaError> {
        self.charge(CostModel::units(n, self.cost_model.element_milli))
    }

    /// Attributes a charged segment to source lines.
    pub(crate) fn profile_segment(&mut self, p: &crate::bytecode::Proto, pc: usize) {
        if let Some(prof) = self.profile.as_deref_mut() {
            prof.add_segment(p, pc, &self.cost_model);
        }
    }

    /// Attributes native work to the line of the Lua code that called it.
    fn profile_native(&mut self, units: u64) {
        let at = self.frames.iter().rev().find_map(|f| match f.kind {
            FrameKind::Lua(cl) => {
                let p = &cl.p.get_static().proto;
                let line = p.lines.get(f.pc.saturating_sub(1)).copied().unwrap_or(0);
                Some((p.source.clone(), line))
            }
            _ => None,
        });
        if let (Some(prof), Some((src, line))) = (self.profile.as_deref_mut(), at) {
            prof.add(&src, line, units);
        }
    }

    /// Records where a limit stopped the run (position and traceback), the first
    /// time it is seen on its way to the host.
    pub(crate) fn note_limit(&mut self, e: &LuaError) {
        if self.limit_where.is_some() {
            return;
        }
        let lua_top = matches!(self.frames.last().map(|f| f.kind), Some(FrameKind::Lua(_)));
        // A segment charge stops before the instruction at the frame's pc, where
        // positions are otherwise computed from the instruction before the pc.
        let at_landing = lua_top
            && matches!(
                e,
                LuaError::Limit(Limit::Budget) | LuaError::Limit(Limit::Steps)
            );
        if at_landing {
            self.frames.last_mut().expect("frame").pc += 1;
        }
        let pos = if lua_top {
            self.where_(1)
        } else {
            String::new()
        };
        self.limit_where = Some(pos);
        if self.last_traceback.is_none() {
            self.last_traceback = Some(self.traceback());
        }
        if at_landing {
            self.frames.last_mut().expect("frame").pc -= 1;
        }
    }

    /// True while a host call is paused.
    pub fn is_paused(&self) -> bool {
        self.paused.is_some()
    }

    /// Calls `f` from the host under the current budget and policy. Under
    /// [`Policy::Pause`] the call may come back [`CallState::Paused`].
    pub fn start_call(&mut self, f: Value, args: &[Value]) -> Result<CallState, LuaError> {
        let func = self.top;
        self.check_stack(func + args.len() + 1)?;
        self.stack[func] = f;
        self.stack[func + 1..func + 1 + args.len()].copy_from_slice(args);
        self.top = func + 1 + args.len();
        if !self.call_in_place(func, args.len())? {
            return Ok(CallState::Paused);
        }
        let out = self.stack[func..self.top].to_vec();
        self.top = func;
        Ok(CallState::Done(out))
    }

    /// Calls the function at `stack[func]` with the `nargs` values above it (the
    /// stack's `top` is just after them) under the current budget and policy,
    /// leaving the results in place: on
    /// `Ok(true)` they are `stack[func..top]` and the caller resets `top`; `Ok(false)`
    /// means the call paused (resume with [`resume_call`](Self::resume_call)).
    pub(crate) fn call_in_place(&mut self, func: usize, nargs: usize) -> Result<bool, LuaError> {
        // Only the host's own calls pause (see below): one waiting blocks another.
        if self.paused.is_some() && self.native_depth == 0 {
            self.top = func;
            return Err(LuaError::msg(
                "a paused call is pending (resume or cancel it)",
            ));
        }
        let call = PausedCall {
            depth: self.frames.len(),
            func,
            saved_top: func,
        };
        // Only a call from the host itself (not from a callback inside a running
        // call) may pause; nested ones run like any native's callee.
        let outermost = self.native_depth == 0;
        self.native_depth += 1;
        let saved_pd = self.meter.pause_depth;
        if outermost {
            self.meter.pause_depth = self.native_depth;
        }
        let saved_hd = std::mem::replace(&mut self.host_depth, call.depth);
        let r = match self.precall(func, nargs, -1) {
            Ok(true) => self.execute(call.depth),
            Ok(false) => Ok(()),
            Err(e) => Err(e),
        };
        self.host_depth = saved_hd;
        self.meter.pause_depth = saved_pd;
        self.native_depth -= 1;
        match r {
            Ok(()) => Ok(true),
            Err(LuaError::Pause) => {
                self.paused = Some(call);
                Ok(false)
            }
            Err(e) => {
                self.unwind_to(call.depth, call.func);
                self.top = call.saved_top;
                Err(e)
            }
        }
    }

    /// Continues a paused host call (after [`Meter::add_budget`](crate::meter::Meter::add_budget)).
    pub fn resume_call(&mut self) -> Result<CallState, LuaError> {
        let Some(call) = self.paused.take() else {
            return Err(LuaError::msg("no paused call to resume"));
        };
        self.native_depth += 1;
        let saved_pd = self.meter.pause_depth;
        self.meter.pause_depth = self.native_depth;
        let r = self.continue_thread(call.depth);
        self.meter.pause_depth = saved_pd;
        self.native_depth -= 1;
        self.end_call(r, call)
    }

    /// Abandons a paused call: its frames are dropped (no `__close` runs) and the
    /// coroutines it was running in are left dead.
    pub fn cancel_call(&mut self) {
        if let Some(call) = self.paused.take() {
            self.kill_paused_threads();
            self.end_call(Err(LuaError::Limit(Limit::Budget)), call)
                .ok();
        }
    }

    fn kill_paused_threads(&mut self) {
        let mut next = self
            .frames
            .last()
            .and_then(|f| Self::paused_child(f, &self.stack));
        while let Some(co) = next {
            let th = co.get_mut();
            th.status = super::thread::ThreadStatus::Dead;
            next = th
                .frames
                .last()
                .and_then(|f| Self::paused_child(f, &th.stack));
            th.frames.clear();
            th.tbc.clear();
        }
    }

    /// The coroutine a paused `coroutine.resume`/`wrap` native frame is running
    /// (`stack` is the stack of the thread that holds the frame).
    fn paused_child(
        f: &super::frame::Frame,
        stack: &[Value],
    ) -> Option<crate::heap::Gc<super::thread::Thread>> {
        let FrameKind::Native(nc) = f.kind else {
            return None;
        };
        let v = match nc.kind {
            NativeKind::CoWrapCall => nc.upvals[0],
            NativeKind::CoResume => *stack.get(f.base)?,
            _ => return None,
        };
        match v {
            Value::Thread(t) => Some(t),
            _ => None,
        }
    }

    fn end_call(
        &mut self,
        r: Result<(), LuaError>,
        call: PausedCall,
    ) -> Result<CallState, LuaError> {
        match r {
            Ok(()) => {
                let out = self.stack[call.func..self.top].to_vec();
                self.top = call.saved_top;
                Ok(CallState::Done(out))
            }
            Err(LuaError::Pause) => {
                self.paused = Some(call);
                Ok(CallState::Paused)
            }
            Err(e) => {
                self.unwind_to(call.depth, call.func);
                self.top = call.saved_top;
                Err(e)
            }
        }
    }

    /// Continues the running thread from where it paused, until its frames drop to
    /// `entry_depth`.
    pub(crate) fn continue_thread(&mut self, entry_depth: usize) -> Result<(), LuaError> {
        let Some(f) = self.frames.last().copied() else {
            return Ok(());
        };
        match f.kind {
            FrameKind::Lua(_) => {
                self.charge_top()?;
                self.execute(entry_depth)
            }
            FrameKind::Native(nc)
                if matches!(
                    nc.kind,
                    NativeKind::CoResume | NativeKind::CoWrapCall | NativeKind::HostAsync
                ) =>
            {
                let r = if let NativeKind::HostAsync = nc.kind {
                    // The parked future waits in the frame's last slot.
                    self.async_resume = true;
                    let r = self.call_host(nc, f.base, self.top - f.base);
                    self.async_resume = false;
                    r
                } else {
                    let co = Self::paused_child(&f, &self.stack)
                        .expect("paused resume frame holds its coroutine");
                    self.resume_native_with(nc, co, None)
                };
                match r {
                    Ok(n) => {
                        self.frames.pop();
                        let src = self.top - n;
                        self.finish_results(f.func, src, n, f.nresults);
                        if self.after_return(entry_depth) {
                            return Ok(());
                        }
                    }
                    Err(e @ (LuaError::Pause | LuaError::Yield)) => return Err(e),
                    // As if raised by the native call in the interpreter loop: a
                    // pcall below may catch it.
                    Err(e) => {
                        if self.handle_error(e, entry_depth)? {
                            return Ok(());
                        }
                    }
                }
                self.execute(entry_depth)
            }
            _ => Err(LuaError::msg(
                "cannot resume: the call did not pause in Lua code",
            )),
        }
    }
}
