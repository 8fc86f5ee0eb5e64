//! Debug hooks (`debug.sethook`): call, return, line and count events. A thread
//! with a hook runs in its own copy of the interpreter loop ([`super::interp`]'s
//! `METER_HOOK` mode), so runs without hooks pay nothing for them. Hooks are
//! ordinary Lua calls: charged to the budget like any code; no hook fires while
//! one runs.

use super::frame::FrameKind;
use super::{LuaError, Vm};
use crate::value::Value;

/// Event bits of a hook's mask.
pub const MASK_CALL: u8 = 1;
pub const MASK_RET: u8 = 2;
pub const MASK_LINE: u8 = 4;
pub const MASK_COUNT: u8 = 8;

/// A thread's hook, as `debug.sethook` set it.
#[derive(Clone, Copy, Debug)]
pub struct Hook {
    pub func: Value,
    pub mask: u8,
    pub count: u32,
}

/// Where the line hook last looked: a frame (its index and base) and its pc.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct HookPos {
    pub frame: usize,
    pub base: usize,
    pub pc: usize,
}

impl Vm {
    /// Sets (or with `None` removes) the hook of thread `t`; a running loop
    /// switches to or from the hooked loop at its next native call return.
    pub(crate) fn set_hook(&mut self, t: crate::heap::Gc<super::thread::Thread>, h: Option<Hook>) {
        t.get_mut().hook = h;
        self.hook_count = h.map_or(0, |h| h.count);
        self.hook_pos = HookPos {
            frame: usize::MAX,
            ..HookPos::default()
        };
        self.refresh_hook();
    }

    /// Recomputes `hook_active` for the running thread (after a thread switch or
    /// `set_hook`) and asks a running loop to re-select its mode if it changed.
    pub(crate) fn refresh_hook(&mut self) {
        let active = self.current.get().hook.is_some();
        if active != self.hook_active {
            self.hook_active = active;
            self.hook_switch = true;
        }
    }

    /// Calls the running thread's hook with `event` (and a line number).
    pub(crate) fn call_hook(&mut self, event: &[u8], line: Option<i64>) -> Result<(), LuaError> {
        let Some(h) = self.current.get().hook else {
            return Ok(());
        };
        if self.in_hook {
            return Ok(());
        }
        let ev = self.new_str(event);
        let args = [ev, line.map_or(Value::Nil, Value::Int)];
        let n = if line.is_some() { 2 } else { 1 };
        let saved = self.top;
        self.top = self.frames_top();
        self.in_hook = true;
        // A mode switch requested for the interrupted loop (the hook was just set)
        // belongs to that loop: the hook function's own run must not take it.
        let pending = std::mem::take(&mut self.hook_switch);
        let r = self.call_raw_as(h.func, &args[..n], 0, super::call::CallAs::Hook);
        self.hook_switch |= pending;
        self.in_hook = false;
        self.top = saved;
        r.map(|_| ())
    }

    /// The per-instruction part of the hooked loop: the count event, then call
    /// and line events for the Lua frame `fi` about to run the instruction `pc`.
    #[inline(never)]
    pub(crate) fn hook_instr(&mut self, fi: usize, pc: usize) -> Result<(), LuaError> {
        let Some(h) = self.current.get().hook else {
            return Ok(());
        };
        if self.in_hook {
            return Ok(());
        }
        let (base, cl) = match self.frames[fi].kind {
            FrameKind::Lua(cl) => (self.frames[fi].base, cl),
            _ => return Ok(()),
        };
        // While the hook runs, the frame reports the instruction's line.
        self.frames[fi].pc = pc + 1;
        if h.mask & MASK_COUNT != 0 && h.count > 0 {
            self.hook_count = self.hook_count.saturating_sub(1);
            if self.hook_count == 0 {
                self.hook_count = h.count;
                self.call_hook(b"count", None)?;
            }
        }
        let p = cl.p.get().proto.clone();
        // A vararg function's events start after its VARARGPREP.
        let start = usize::from(p.is_vararg);
        if pc < start {
            return Ok(());
        }
        let last = self.hook_pos;
        let entered = std::mem::take(&mut self.hook_new_frame);
        let same = !entered && last.frame == fi && last.base == base;
        self.hook_pos = HookPos {
            frame: fi,
            base,
            pc,
        };
        if entered && h.mask & MASK_CALL != 0 {
            let ev: &[u8] = if self.frames[fi].tail {
                b"tail call"
            } else {
                b"call"
            };
            let np = p.num_params as usize;
            self.with_transfer(fi, 1, np, |vm| vm.call_hook(ev, None))?;
        }
        // The call hook may have set another hook (a line hook, say): it applies
        // from this instruction on, as in lua5.4.
        let Some(h) = self.current.get().hook else {
            return Ok(());
        };
        if h.mask & MASK_LINE != 0 {
            let line = |i: usize| p.lines.get(i).copied().unwrap_or(0);
            let fire = if p.lines.is_empty() {
                // No line information (a stripped binary chunk): one event with a
                // nil line when the function starts, none after, as in lua5.4.
                entered
            } else if same {
                pc <= last.pc || line(pc) != line(last.pc)
            } else if entered {
                true
            } else {
                // Back in a caller after a call: a new line only if it moved on.
                pc == 0 || line(pc) != line(pc - 1)
            };
            if fire {
                let l = (!p.lines.is_empty()).then(|| line(pc) as i64);
                self.call_hook(b"line", l)?;
            }
        }
        Ok(())
    }

    /// A return event for the top frame (Lua or native), whose `n` results start at stack slot
    /// `first`.
    pub(crate) fn hook_return(&mut self, first: usize, n: usize) -> Result<(), LuaError> {
        match self.current.get().hook {
            Some(h) if h.mask & MASK_RET != 0 => {
                let fi = self.frames.len() - 1;
                let f = &self.frames[fi];
                // Local indices count from the frame's first slot.
                let start = match f.kind {
                    FrameKind::Lua(_) => f.base,
                    _ => f.func + 1,
                };
                let ftransfer = first.saturating_sub(start) + 1;
                self.with_transfer(fi, ftransfer, n, |vm| vm.call_hook(b"return", None))
            }
            _ => Ok(()),
        }
    }

    /// A call event for a native function whose frame was just pushed with
    /// `nargs` arguments.
    pub(crate) fn hook_native_call(&mut self, nargs: usize) -> Result<(), LuaError> {
        match self.current.get().hook {
            Some(h) if h.mask & MASK_CALL != 0 => {
                let fi = self.frames.len() - 1;
                self.with_transfer(fi, 1, nargs, |vm| vm.call_hook(b"call", None))
            }
            _ => Ok(()),
        }
    }

    /// Runs `f` (a call or return hook) with `debug.getinfo`'s `ftransfer` and
    /// `ntransfer` of frame `fi` set: the values moved by the call or return, as
    /// local indices of that frame.
    fn with_transfer(
        &mut self,
        fi: usize,
        first: usize,
        n: usize,
        f: impl FnOnce(&mut Self) -> Result<(), LuaError>,
    ) -> Result<(), LuaError> {
        let saved = self.hook_transfer.replace((fi, first, n));
        let r = f(self);
        self.hook_transfer = saved;
        r
    }
}
