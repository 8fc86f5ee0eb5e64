//! The call protocol: entering functions, delivering results, protected calls and
//! error unwinding. Lua-to-Lua calls push a frame and return to the interpreter loop;
//! only natives that call back into Lua nest on the native stack (bounded by
//! [`MAX_NATIVE_DEPTH`]).

use super::frame::{Cont, Frame, FrameKind};
use super::{LuaError, Tm, Vm, MAX_NATIVE_DEPTH, MAX_STACK};
use crate::heap::Gc;
use crate::value::{NativeKind, UpVal, Value};

/// What made a call from native code, for the name of its frame.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum CallAs {
    Plain,
    /// A debug hook: `hook '?'`.
    Hook,
    /// A `__gc` finalizer: `metamethod '__gc'`.
    Finalizer,
}

/// Stack slots a message handler may use beyond [`MAX_STACK`] after a stack
/// overflow (lua5.4's `ERRORSTACKSIZE` minus `LUAI_MAXSTACK`).
const ERROR_ROOM: usize = 200;

/// Longest chain of `__call` handlers followed for one call (handlers that are
/// themselves callable values with a `__call`).
const MAX_CALL_CHAIN: usize = 100;

impl Vm {
    /// Starts a call of `stack[func]` with `nargs` arguments above it.
    ///
    /// Returns `true` if a Lua frame was pushed (the interpreter continues in it), or
    /// `false` if the call completed (a native) and its results are in place.
    pub(crate) fn precall(
        &mut self,
        func: usize,
        nargs: usize,
        nresults: i32,
    ) -> Result<bool, LuaError> {
        let mut nargs = nargs;
        let mut hops = 0;
        loop {
            match self.stack[func] {
                Value::LuaFn(cl) => {
                    let p = cl.p.get();
                    let np = p.num_params as usize;
                    let frame_size = p.max_stack as usize;
                    let (base, nvar) = if p.is_vararg && nargs > np {
                        let base = func + 1 + nargs;
                        self.check_stack(base + frame_size)?;
                        for i in 0..np {
                            self.stack[base + i] = self.stack[func + 1 + i];
                        }
                        (base, nargs - np)
                    } else {
                        let base = func + 1;
                        self.check_stack(base + frame_size)?;
                        for i in nargs..np {
                            self.stack[base + i] = Value::Nil;
                        }
                        (base, 0)
                    };
                    self.frames
                        .push(Frame::lua(func, base, nresults, nvar, cl, self.pdepth()));
                    if self.hook_active && !self.in_hook {
                        self.hook_new_frame = true;
                    }
                    // Metering: the entry segment is charged with the call. Out of
                    // budget, the new frame waits at pc 0 to be charged on resume.
                    if self.meter.enabled {
                        self.charge_segment(p, 0)?;
                    }
                    return Ok(true);
                }
                Value::NatFn(nc) => {
                    if let NativeKind::Pcall | NativeKind::Xpcall = nc.kind {
                        return self.protected_call(nc, func, nargs, nresults);
                    }
                    self.frames
                        .push(Frame::native(func, nresults, nc, self.pdepth()));
                    self.top = func + 1 + nargs;
                    if self.hook_active {
                        self.hook_native_call(nargs)?;
                    }
                    let n = match nc.kind {
                        NativeKind::Plain(f) => f(self, func + 1, nargs)?,
                        NativeKind::Forward(f) => match f(self, func + 1, nargs, nresults)? {
                            Some(n) => n,
                            None => {
                                // Its callee takes its place, like a tail call.
                                // (`__pairs = pairs` would forward forever.)
                                hops += 1;
                                if hops > MAX_CALL_CHAIN {
                                    return Err(LuaError::rt("C stack overflow"));
                                }
                                self.frames.pop();
                                nargs = self.top - func - 1;
                                continue;
                            }
                        },
                        // Always unwinds with `LuaError::Yield` (or an error).
                        NativeKind::CoYield => return self.yield_now().map(|_| false),
                        NativeKind::Host | NativeKind::HostAsync => {
                            self.call_host(nc, func + 1, nargs)?
                        }
                        _ => self.resume_native(nc, func + 1, nargs)?,
                    };
                    if self.hook_active {
                        // The results stay above the hook's own call.
                        self.hook_return(self.top - n, n)?;
                    }
                    self.frames.pop();
                    let src = self.top - n;
                    self.finish_results(func, src, n, nresults);
                    return Ok(false);
                }
                v => {
                    // `__call`: insert the handler as the function, the value as arg 1.
                    let tm = self.metamethod(v, Tm::Call);
                    if tm.is_nil() {
                        let mut info = self.reg_info(func);
                        if info.is_empty() {
                            info = self.metamethod_call_info();
                        }
                        return Err(LuaError::rt(format!(
                            "attempt to call a {} value{}",
                            self.type_name_of(v),
                            info
                        )));
                    }
                    // Each hop moves the arguments up one slot: a value whose
                    // `__call` is itself would otherwise loop until the stack is
                    // full, quadratically, without charging anything.
                    hops += 1;
                    if hops > MAX_CALL_CHAIN {
                        return Err(LuaError::rt("'__call' chain too long"));
                    }
                    self.check_stack(func + nargs + 2)?;
                    for i in (func..=func + nargs).rev() {
                        self.stack[i + 1] = self.stack[i];
                    }
                    self.stack[func] = tm;
                    nargs += 1;
                }
            }
        }
    }

    /// Calls a host closure. Its native frame (pushed by the caller) keeps the
    /// closure alive for the call, and a scope destroys its closures only after every
    /// call into them has returned.
    #[inline(never)]
    pub(crate) fn call_host(
        &mut self,
        nc: Gc<crate::value::NativeClosure>,
        base: usize,
        nargs: usize,
    ) -> Result<usize, LuaError> {
        match &nc.get_static().host {
            Some(h) => h(self, base, nargs),
            None => Err(LuaError::rt(
                "a destructed callback or destructed userdata method was called",
            )),
        }
    }

    /// Runs the call a prepared metamethod operation asks for. A Lua handler becomes a
    /// frame with continuation `cont` (so it can yield or pause like any Lua code) and
    /// `None` is returned; other handlers run to completion and their (possibly
    /// negated) result is returned.
    pub(crate) fn run_meta(
        &mut self,
        m: crate::vm::meta::Meta,
        cont: Cont,
    ) -> Result<Option<Value>, LuaError> {
        use crate::vm::meta::Meta;
        let (f, args, n, negate) = match m {
            Meta::Done(v) => return Ok(Some(v)),
            Meta::Call(f, args, n, negate) => (f, args, n, negate),
        };
        if let Value::LuaFn(_) = f {
            let func = self.top;
            self.check_stack(func + n + 1)?;
            self.stack[func] = f;
            self.stack[func + 1..func + 1 + n].copy_from_slice(&args[..n]);
            self.top = func + 1 + n;
            let r = self.precall(func, n, 1);
            let cont = match cont {
                Cont::Cond { k, .. } => Cont::Cond { k, negate },
                c => c,
            };
            // The frame exists unless the call failed before pushing it; a pause at
            // its entry keeps it, so it needs its continuation either way.
            if r.is_ok() || matches!(r, Err(LuaError::Pause)) {
                if let Some(fr) = self.frames.last_mut() {
                    fr.cont = cont;
                }
            }
            r?;
            return Ok(None);
        }
        let v = self.call1(f, &args[..n])?;
        Ok(Some(if negate {
            Value::Bool(!v.is_truthy())
        } else {
            v
        }))
    }

    /// Applies a metamethod frame's continuation to its result, in the caller's frame
    /// (now on top). May start another metamethod frame (`__concat` chains).
    pub(crate) fn apply_cont(&mut self, cont: Cont, v: Value) -> Result<(), LuaError> {
        match cont {
            Cont::None | Cont::Discard => {}
            // (The caller then finishes protected calls below, if it completed.)
            Cont::Unwind => {
                self.close_unwinding()?;
            }
            Cont::Close { top } => {
                self.top = top as usize;
                // The CLOSE or RETURN that ran the handler runs again.
                if let Some(f) = self.frames.last_mut() {
                    f.pc -= 1;
                }
            }
            Cont::Reg(slot) => self.stack[slot as usize] = v,
            Cont::Cond { k, negate } => {
                let taken = v.is_truthy() != negate;
                if let Some(f) = self.frames.last_mut() {
                    if let FrameKind::Lua(cl) = f.kind {
                        let jmp = cl.p.get().proto.code[f.pc];
                        f.pc = if taken == k {
                            (f.pc as i64 + 1 + jmp.sj() as i64) as usize
                        } else {
                            f.pc + 1
                        };
                        // Control landed on a new segment, as after any branch.
                        self.charge_top()?;
                    }
                }
            }
            Cont::Concat { first, m } => {
                let (first, m) = (first as usize, m as usize);
                self.stack[first + m - 2] = v;
                self.top = self.frames_top().max(first + m);
                self.concat_from(first, m - 1)?;
            }
        }
        Ok(())
    }

    /// Protected calls active in the running thread (see [`Frame::pdepth`]).
    #[inline(always)]
    pub(crate) fn pdepth(&self) -> u16 {
        self.frames.last().map_or(0, |f| f.pdepth)
    }

    /// Concatenates `stack[first..first+n]` into `stack[first]`; a Lua `__concat`
    /// handler runs as a frame whose continuation finishes the job. Returns true if
    /// such a frame was started.
    pub(crate) fn concat_from(&mut self, first: usize, n: usize) -> Result<bool, LuaError> {
        let mut n = n;
        while let Some((f, a, b, m)) = self.concat_prep(first, n)? {
            let call = crate::vm::meta::Meta::Call(f, [a, b, Value::Nil], 2, false);
            let cont = Cont::Concat {
                first: first as u32,
                m: m as u32,
            };
            match self.run_meta(call, cont)? {
                Some(r) => {
                    self.stack[first + m - 2] = r;
                    n = m - 1;
                }
                None => return Ok(true),
            }
        }
        Ok(false)
    }

    /// Grows the stack to `n` slots or fails with lua5.4's `stack overflow`.
    #[inline(always)]
    pub(crate) fn check_stack(&mut self, n: usize) -> Result<(), LuaError> {
        if n > self.stack.len() {
            return self.grow_stack(n);
        }
        Ok(())
    }

    /// [`check_stack`](Self::check_stack) as a call, for the interpreter loop, whose
    /// register allocation suffers from every line inlined into it.
    #[inline(never)]
    pub(crate) fn check_stack_outlined(&mut self, n: usize) -> Result<(), LuaError> {
        self.check_stack(n)
    }

    /// The growing half of [`check_stack`](Self::check_stack), out of line.
    #[cold]
    #[inline(never)]
    fn grow_stack(&mut self, n: usize) -> Result<(), LuaError> {
        // After an overflow, message handlers get lua5.4's extra room
        // (ERRORSTACKSIZE); overflowing that too is an error in error handling.
        let limit = MAX_STACK + if self.stack_overflowed { ERROR_ROOM } else { 0 };
        if n > limit {
            if self.stack_overflowed {
                return Err(LuaError::msg("error in error handling"));
            }
            self.stack_overflowed = true;
            return Err(LuaError::msg("stack overflow"));
        }
        let new_len = (n + n / 2).clamp(n, limit);
        let grow = (new_len - self.stack.len()) * std::mem::size_of::<Value>();
        self.check_alloc(grow)?;
        self.heap.account(grow as isize);
        self.stack.grow(new_len, &self.open_upvals);
        Ok(())
    }

    /// A call of a plain native function `f` (closure `nc`; `None`: its host
    /// closure) at `func` with `nargs` arguments, made by the interpreter without
    /// [`precall`](Self::precall)'s cases (see `Vm::plain_native`). On an error its
    /// frame stays for the unwinder, as in `precall`.
    #[inline(always)]
    pub(crate) fn call_plain_native(
        &mut self,
        nc: Gc<crate::value::NativeClosure>,
        f: Option<crate::value::NativeFn>,
        func: usize,
        nargs: usize,
        nresults: i32,
        pdepth: u16,
    ) -> Result<(), LuaError> {
        self.frames.push(Frame::native(func, nresults, nc, pdepth));
        self.top = func + 1 + nargs;
        let n = match f {
            Some(f) => f(self, func + 1, nargs)?,
            None => self.call_host(nc, func + 1, nargs)?,
        };
        if self.hook_active {
            // `debug.sethook` itself: its return is the hook's first event.
            self.hook_return(self.top - n, n)?;
        }
        self.frames.pop();
        let src = self.top - n;
        if nresults == 1 && n >= 1 {
            self.stack[func] = self.stack[src];
            self.top = func + 1;
        } else if nresults == 0 {
            self.top = func;
        } else {
            self.finish_results(func, src, n, nresults);
        }
        Ok(())
    }

    /// Moves `n` results from `src` to `dst` and adjusts them to `wanted`.
    #[inline]
    pub(crate) fn finish_results(&mut self, dst: usize, src: usize, n: usize, wanted: i32) {
        if wanted < 0 {
            if src != dst {
                self.move_values(src, dst, n);
            }
            self.top = dst + n;
        } else {
            let wanted = wanted as usize;
            let m = n.min(wanted);
            if src != dst && m > 0 {
                self.move_values(src, dst, m);
            }
            if wanted > m {
                self.stack.grow(dst + wanted, &self.open_upvals);
                for v in &mut self.stack[dst + m..dst + wanted] {
                    *v = Value::Nil;
                }
            }
            self.top = dst + wanted;
        }
    }

    /// Copies `n` stack values from `src` down to `dst` (`dst < src`); a plain loop
    /// beats `memmove` for the handful of values calls usually return.
    #[inline]
    fn move_values(&mut self, src: usize, dst: usize, n: usize) {
        if n <= 4 {
            for j in 0..n {
                self.stack[dst + j] = self.stack[src + j];
            }
        } else {
            self.stack.copy_within(src..src + n, dst);
        }
    }

    /// `pcall(f, ...)` / `xpcall(f, h, ...)`: pushes a protected frame and calls `f`.
    fn protected_call(
        &mut self,
        nc: Gc<crate::value::NativeClosure>,
        func: usize,
        nargs: usize,
        nresults: i32,
    ) -> Result<bool, LuaError> {
        let x = matches!(nc.kind, NativeKind::Xpcall);
        let bad_handler = x
            && nargs >= 1
            && !matches!(
                self.stack.get(func + 2),
                Some(Value::LuaFn(_) | Value::NatFn(_))
            );
        if nargs == 0 || bad_handler {
            // Raised from inside pcall itself, outside its protection.
            self.frames
                .push(Frame::native(func, nresults, nc, self.pdepth()));
            let name = if x { "xpcall" } else { "pcall" };
            return Err(LuaError::Rt(if nargs == 0 {
                format!("bad argument #1 to '{name}' (value expected)")
            } else {
                let got = if nargs < 2 {
                    "no value".to_string()
                } else {
                    self.type_name_of(self.stack[func + 2])
                };
                format!("bad argument #2 to '{name}' (function expected, got {got})")
            }));
        }
        let kind = if x {
            // The handler waits in xpcall's own slot (overwritten by the results);
            // the arguments shift over its old place so f sits at func+1.
            self.stack[func] = self.stack[func + 2];
            self.stack.copy_within(func + 3..func + 1 + nargs, func + 2);
            FrameKind::Xpcall
        } else {
            FrameKind::Pcall
        };
        let fargs = if x { nargs - 2 } else { nargs - 1 };
        let pdepth = self.pdepth() + 1;
        if pdepth as usize + self.native_depth > MAX_NATIVE_DEPTH {
            // Raised from inside this pcall (no position), caught by an outer one.
            // Its arguments are live up to here: a handler must run above them.
            self.top = func + 1 + nargs;
            self.frames
                .push(Frame::native(func, nresults, nc, pdepth - 1));
            return Err(LuaError::rt("C stack overflow"));
        }
        self.frames.push(Frame {
            func,
            base: func + 1,
            pc: 0,
            nresults,
            nvarargs: 0,
            kind,
            cont: Cont::None,
            pdepth,
            tail: false,
            by: CallAs::Plain,
        });
        // `f` runs at the caller's native depth: a yield or a pause inside it (or by
        // it, as in `pcall(coroutine.yield, v)`) leaves the protected frame as data,
        // finished by `after_return` when the thread continues.
        if self.precall(func + 1, fargs, -1)? {
            return Ok(true);
        }
        self.finish_pcall();
        Ok(false)
    }

    /// Completes a protected call whose function returned normally: results are at
    /// `func+1 .. top`; prepends `true` and delivers them to the caller.
    pub(crate) fn finish_pcall(&mut self) {
        let f = self.frames.pop().expect("pcall frame");
        self.stack[f.func] = Value::Bool(true);
        let n = self.top - f.func;
        self.finish_results(f.func, f.func, n, f.nresults);
    }

    /// After a frame returned: finishes pending protected calls. Returns true when the
    /// interpreter must return to its native caller.
    #[inline]
    pub(crate) fn after_return(&mut self, entry_depth: usize) -> bool {
        loop {
            if self.frames.len() <= entry_depth {
                return true;
            }
            match self.frames.last().map(|f| f.kind) {
                Some(FrameKind::Pcall) | Some(FrameKind::Xpcall) => self.finish_pcall(),
                _ => return false,
            }
        }
    }

    /// Calls `f` with `args` from native code; returns the index of the first of
    /// `nresults` results (`top` is left after them).
    pub fn call_raw(&mut self, f: Value, args: &[Value], nresults: i32) -> Result<usize, LuaError> {
        self.call_raw_as(f, args, nresults, CallAs::Plain)
    }

    /// [`call_raw`](Self::call_raw) for a call that `debug.getinfo` and tracebacks
    /// name by what made it (see [`CallAs`]), as lua5.4 does.
    pub(crate) fn call_raw_as(
        &mut self,
        f: Value,
        args: &[Value],
        nresults: i32,
        by: CallAs,
    ) -> Result<usize, LuaError> {
        if self.native_depth >= MAX_NATIVE_DEPTH {
            return Err(LuaError::msg("C stack overflow"));
        }
        let func = self.top;
        self.check_stack(func + args.len() + 1)?;
        self.stack[func] = f;
        self.stack[func + 1..func + 1 + args.len()].copy_from_slice(args);
        self.top = func + 1 + args.len();
        let depth = self.frames.len();
        self.native_depth += 1;
        let r = match self.precall(func, args.len(), nresults) {
            Ok(true) => {
                self.frames[depth].by = by;
                self.execute(depth)
            }
            Ok(false) => Ok(()),
            Err(e) => Err(e),
        };
        self.native_depth -= 1;
        let r = match r {
            // The raise point of a native's error, its frame still there: the
            // message is worded here, so a native called by a native is named by
            // where it lives (`table.sort`), not by the Lua call left below, and an
            // xpcall's handler sees the frame, as in lua5.4.
            Err(e @ (LuaError::Arg(..) | LuaError::Msg(..) | LuaError::Rt(..)))
                if self.frames.len() == depth + 1
                    && matches!(self.frames[depth].kind, FrameKind::Native(_)) =>
            {
                let errv = self.error_value(e);
                let here = self.frames.len();
                self.handle_at_raise(errv, here)
                    .and_then(|v| Err(LuaError::Value(v)))
            }
            r => r,
        };
        if r.is_err() {
            self.frames.truncate(depth);
        }
        r.map(|_| func)
    }

    /// Calls `f` and returns its first result.
    pub fn call1(&mut self, f: Value, args: &[Value]) -> Result<Value, LuaError> {
        let saved = self.top;
        let at = self.call_raw(f, args, 1)?;
        let v = self.stack[at];
        self.top = saved;
        Ok(v)
    }

    /// Calls `f` and returns all its results.
    pub fn call(&mut self, f: Value, args: &[Value]) -> Result<Vec<Value>, LuaError> {
        let saved = self.top;
        let at = self.call_raw(f, args, -1)?;
        let out = self.stack[at..self.top].to_vec();
        self.top = saved;
        Ok(out)
    }

    /// Runs the interpreter until the frame stack drops back to `entry_depth`,
    /// handling errors caught by protected frames above that depth.
    pub(crate) fn execute(&mut self, entry_depth: usize) -> Result<(), LuaError> {
        loop {
            match self.run_mode(entry_depth) {
                Ok(()) if self.mode_restart => self.mode_restart = false,
                Ok(()) => return Ok(()),
                Err(LuaError::Yield) => return Err(LuaError::Yield),
                Err(LuaError::Pause) => return Err(LuaError::Pause),
                Err(e) => {
                    if self.handle_error(e, entry_depth)? {
                        return Ok(());
                    }
                }
            }
        }
    }

    /// Turns an error into its Lua value, adding the position for runtime messages.
    pub(crate) fn error_value(&mut self, e: LuaError) -> Value {
        match e {
            LuaError::Value(v) => v,
            LuaError::Yield => self.new_str(b"attempt to yield across a C-call boundary"),
            LuaError::Limit(l) => {
                let pos = self.limit_where.clone().unwrap_or_default();
                self.new_str_vec(format!("{pos}{}", l.message()).into_bytes())
            }
            LuaError::Pause => self.new_str(b"paused"),
            LuaError::HostPanic => self.new_str(b"a host callback panicked"),
            LuaError::Arg(n, m) => {
                let msg = self.arg_error_message(n, &m);
                let pos = self.where_(1);
                self.new_str_vec(format!("{pos}{msg}").into_bytes())
            }
            LuaError::Msg(m) => {
                let pos = self.where_(1);
                self.new_str_vec(format!("{pos}{m}").into_bytes())
            }
            LuaError::Rt(m) => {
                let pos = match self.frames.last().map(|f| f.kind) {
                    Some(FrameKind::Lua(_)) => self.where_(1),
                    _ => String::new(),
                };
                self.new_str_vec(format!("{pos}{m}").into_bytes())
            }
        }
    }

    /// Unwinds to the nearest protected frame above `entry_depth`. `Ok(true)`: the
    /// protected call completed and the interpreter must return to its caller;
    /// `Ok(false)`: continue running; `Err`: no protected frame, propagate.
    pub(crate) fn handle_error(
        &mut self,
        e: LuaError,
        entry_depth: usize,
    ) -> Result<bool, LuaError> {
        if e.is_uncatchable() {
            // Limits pass every pcall: unwind to the caller without running handlers.
            self.note_limit(&e);
            self.unwind_to(entry_depth, 0);
            return Err(e);
        }
        let mut errv = self.error_value(e);
        let found = (entry_depth..self.frames.len())
            .rev()
            .find(|&i| matches!(self.frames[i].kind, FrameKind::Pcall | FrameKind::Xpcall));
        let Some(i) = found else {
            // lua5.4 runs an xpcall's message handler where the error is raised, with
            // every frame still there (its traceback shows them), even when the error
            // then unwinds through native calls (a comparator of table.sort, a
            // `__close` handler) before it reaches the xpcall.
            errv = self.handle_at_raise(errv, entry_depth)?;
            let in_coroutine = self.current != self.main_thread;
            // Escaping to the host: keep the traceback for its error (a coroutine's
            // error goes to its resumer instead, unless it is a task the host runs).
            let at_host = self.current == self.host_thread && entry_depth == self.host_depth;
            if at_host && self.last_traceback.is_none() {
                self.last_traceback = Some(self.traceback());
            }
            if at_host || (in_coroutine && entry_depth == 0) {
                self.stack_overflowed = false;
            }
            if in_coroutine && entry_depth == 0 {
                // The coroutine dies: its pending to-be-closed variables wait for
                // `coroutine.close`, which runs them with the error, as in lua5.4.
                // Its frames stay (dead) for `debug.traceback(co)`, as lua5.4 keeps
                // a dead coroutine's stack, until `coroutine.close` clears them.
                let level = self.frames.first().map_or(0, |f| f.func);
                self.close_upvals(level);
            } else if let Some(level) = self.frames.get(entry_depth).map(|f| f.func) {
                // Leaving through a native call or to the host: the dropped frames'
                // to-be-closed variables are closed now, innermost first, as the
                // pcall (or host call) they unwind to would close them.
                self.close_upvals(level);
                self.frames.truncate(entry_depth);
                if self.tbc.last().is_some_and(|&s| s >= level) {
                    errv = match self.close_tbc(level, Some(errv)) {
                        Ok(v) | Err(LuaError::Value(v)) => v,
                        Err(e) => return Err(e),
                    };
                }
            }
            return Err(LuaError::Value(errv));
        };
        if let FrameKind::Xpcall = self.frames[i].kind {
            // (The recorded value is only compared by identity, never read: it
            // may be stale.)
            errv = match self.handled_error.take() {
                Some((at, v)) if at == i && v.identical(&errv) => errv,
                _ => self.message_handler(i, errv, entry_depth)?,
            };
        }
        let f = self.frames[i];
        self.close_upvals(f.func + 1);
        self.frames.truncate(i + 1);
        // The error waits in the protected function's slot (rooted, below every
        // handler) while the pending `__close` handlers run.
        self.stack[f.func + 1] = errv;
        self.top = self.top.max(f.func + 2);
        match self.close_unwinding() {
            Ok(true) => Ok(false),
            Ok(false) => Ok(self.after_return(entry_depth)),
            Err(e @ (LuaError::Yield | LuaError::Pause)) => Err(e),
            Err(e) => self.handle_error(e, entry_depth),
        }
    }

    /// Runs the next `__close` handler pending above the protected frame on top
    /// of the frame stack, whose error waits in its function slot. A Lua handler
    /// (or `coroutine.yield` itself) runs as a frame with continuation
    /// [`Cont::Unwind`], so it may yield or pause, and true is returned; native
    /// handlers run here, an error of theirs replacing the error, as in lua5.4.
    /// With none left, the protected call returns `false` and the error (false).
    pub(crate) fn close_unwinding(&mut self) -> Result<bool, LuaError> {
        let i = self.frames.len() - 1;
        let f = self.frames[i];
        while let Some(&slot) = self.tbc.last() {
            if slot <= f.func + 1 {
                break;
            }
            self.tbc.pop();
            let v = self.stack[slot];
            let tm = self.metamethod(v, Tm::Close);
            let errv = self.stack[f.func + 1];
            let func = self.top.max(slot + 1);
            if !close_as_frame(tm) {
                self.top = func;
                match self.call_raw(tm, &[v, errv], 0) {
                    Ok(_) => {}
                    Err(e) if e.is_uncatchable() => return Err(e),
                    Err(e) => self.stack[f.func + 1] = self.error_value(e),
                }
                self.top = func;
                continue;
            }
            self.start_close_frame(func, [tm, v, errv], i, Cont::Unwind)?;
            return Ok(true);
        }
        self.frames.truncate(i);
        // The stack is unwound to the protected call: the extra room is closed.
        self.stack_overflowed = false;
        self.stack[f.func] = Value::Bool(false);
        self.finish_results(f.func, f.func, 2, f.nresults);
        Ok(false)
    }

    /// Runs the message handler that applies to an error raised now (see
    /// [`raise_handler`](Self::raise_handler)) on `errv` and records that it ran, so
    /// its xpcall does not run it again. Returns the error value to propagate.
    fn handle_at_raise(&mut self, errv: Value, entry_depth: usize) -> Result<Value, LuaError> {
        let Some(x) = self.raise_handler(entry_depth) else {
            return Ok(errv);
        };
        let saved = self.top;
        let v = self.message_handler(x, errv, entry_depth)?;
        self.top = saved;
        self.handled_error = Some((x, v));
        Ok(v)
    }

    /// The xpcall frame below `entry_depth` whose message handler applies to an
    /// error raised now: the innermost protected frame of this thread within the
    /// host call's frames, if it is an xpcall (a pcall has no handler).
    fn raise_handler(&self, entry_depth: usize) -> Option<usize> {
        let host = if self.current == self.host_thread {
            self.host_depth
        } else {
            0
        };
        let floor = match self.handler_floor {
            Some((t, depth)) if t == self.current => host.max(depth),
            _ => host,
        };
        let i = (floor..entry_depth.min(self.frames.len()))
            .rev()
            .find(|&i| matches!(self.frames[i].kind, FrameKind::Pcall | FrameKind::Xpcall))?;
        matches!(self.frames[i].kind, FrameKind::Xpcall).then_some(i)
    }

    /// Runs the message handler of the xpcall frame `i` on `errv` and returns its
    /// result. The handler runs above every frame still on the stack (they unwind
    /// only after it returns), Lua frames up to their register windows.
    fn message_handler(
        &mut self,
        i: usize,
        mut errv: Value,
        entry_depth: usize,
    ) -> Result<Value, LuaError> {
        let h = self.stack[self.frames[i].func];
        let lua_top = self.frames[i..]
            .iter()
            .filter_map(|f| match f.kind {
                FrameKind::Lua(cl) => Some(f.base + cl.p.get().proto.max_stack as usize),
                _ => None,
            })
            .max()
            .unwrap_or(0);
        self.top = self.frames_top().max(lua_top);
        // An error inside the handler is handled by the handler too, as in lua5.4,
        // until the nesting limit turns it into "error in error handling" (here, in
        // this loop: the handler's own errors do not call it where they are raised).
        let here = Some((self.current, self.frames.len()));
        let floor = std::mem::replace(&mut self.handler_floor, here);
        let r = (|| {
            for _ in 0..MAX_NATIVE_DEPTH {
                match self.call1(h, &[errv]) {
                    Ok(v) => return Ok(Some(v)),
                    Err(e) if e.is_uncatchable() => return Err(e),
                    Err(e) => errv = self.error_value(e),
                }
            }
            Ok(None)
        })();
        self.handler_floor = floor;
        match r {
            Ok(Some(v)) => Ok(v),
            Ok(None) => Ok(self.new_str(b"error in error handling")),
            Err(e) => self.handle_error(e, entry_depth).map(|_| Value::Nil),
        }
    }

    /// Drops the frames above `depth` without running handlers: closes their
    /// upvalues and forgets their to-be-closed variables (the stack level is the
    /// first dropped frame's function slot, or `level` if there is none).
    pub(crate) fn unwind_to(&mut self, depth: usize, level: usize) {
        let level = self.frames.get(depth).map_or(level, |f| f.func);
        self.close_upvals(level);
        self.tbc.retain(|&s| s < level);
        self.frames.truncate(depth);
    }

    /// The highest stack slot any active frame may use (where nested calls can start).
    pub(crate) fn frames_top(&self) -> usize {
        let mut t = self.top;
        if let Some(f) = self.frames.last() {
            if let FrameKind::Lua(cl) = f.kind {
                t = t.max(f.base + cl.p.get().proto.max_stack as usize);
            }
        }
        t
    }

    /// Finds or creates the open upvalue for stack slot `idx`.
    pub(crate) fn find_upval(&mut self, idx: usize) -> Gc<UpVal> {
        let slot = |u: &Gc<UpVal>| u.open_slot().expect("closed upvalue in the open list");
        let pos = self.open_upvals.partition_point(|u| slot(u) < idx);
        if let Some(u) = self.open_upvals.get(pos) {
            if slot(u) == idx {
                return *u;
            }
        }
        assert!(
            idx < self.stack.len(),
            "upvalue for a slot outside the stack"
        );
        // SAFETY: `idx` is a slot of the running thread's stack (checked above), whose
        // buffer this is, and the upvalue joins that thread's open list.
        let u = unsafe { UpVal::open(self.current, idx, self.stack.as_mut_ptr()) };
        let u = self.heap.alloc(u);
        self.open_upvals.insert(pos, u);
        u
    }

    /// Closes every open upvalue at or above stack slot `level`.
    pub(crate) fn close_upvals(&mut self, level: usize) {
        while let Some(u) = self.open_upvals.last() {
            let idx = u.open_slot().expect("closed upvalue in the open list");
            if idx < level {
                break;
            }
            u.get_mut().close();
            self.open_upvals.pop();
        }
    }

    /// Calls `__close` on to-be-closed variables at or above `level`, newest first.
    /// With `err`, runs in error mode and returns the (possibly replaced) error value.
    /// Errors come back as `LuaError::Value`, or as a limit that must pass through.
    /// Closes the pending to-be-closed variables at or above `level` for a CLOSE or
    /// RETURN of frame `fi` (whose saved pc is after that instruction) on a normal
    /// exit. A Lua `__close` handler runs as a frame of its own, so it may yield or
    /// pause like any Lua code; when it returns, the instruction runs again with
    /// `top` back at `keep_top` (`Cont::Close`), and true is returned. Native
    /// handlers run here. False: nothing is pending any more.
    pub(crate) fn close_pending(
        &mut self,
        level: usize,
        fi: usize,
        keep_top: usize,
    ) -> Result<bool, LuaError> {
        loop {
            let Some(&slot) = self.tbc.last() else {
                return Ok(false);
            };
            if slot < level {
                return Ok(false);
            }
            let v = self.stack[slot];
            let tm = self.metamethod(v, Tm::Close);
            if !close_as_frame(tm) {
                // Only this slot: it is the newest pending one.
                self.top = keep_top.max(self.frames_top());
                self.close_tbc(slot, None)?;
                continue;
            }
            self.tbc.pop();
            let func = keep_top.max(self.frames_top()).max(slot + 1);
            let cont = Cont::Close {
                top: keep_top as u32,
            };
            self.start_close_frame(func, [tm, v, Value::Nil], fi, cont)?;
            return Ok(true);
        }
    }

    /// Calls `__close` handler `h` with `(value, error)` at stack slot `func` as a
    /// frame above frame `below`, with continuation `cont` (also when it paused at
    /// its entry, or is `coroutine.yield` itself and yielded).
    fn start_close_frame(
        &mut self,
        func: usize,
        [h, v, errv]: [Value; 3],
        below: usize,
        cont: Cont,
    ) -> Result<(), LuaError> {
        self.check_stack(func + 3)?;
        self.stack[func] = h;
        self.stack[func + 1] = v;
        self.stack[func + 2] = errv;
        self.top = func + 3;
        let r = self.precall(func, 2, 0);
        if matches!(r, Ok(true) | Err(LuaError::Pause | LuaError::Yield))
            && self.frames.len() > below + 1
        {
            self.frames[below + 1].cont = cont;
        }
        r.map(|_| ())
    }

    pub(crate) fn close_tbc(
        &mut self,
        level: usize,
        err: Option<Value>,
    ) -> Result<Value, LuaError> {
        let mut errv = err;
        while let Some(&slot) = self.tbc.last() {
            if slot < level {
                break;
            }
            self.tbc.pop();
            let v = self.stack[slot];
            let tm = self.metamethod(v, Tm::Close);
            let saved = self.top;
            // The error value is held in a stack slot below the handler's call: as
            // an argument only, a handler that ignores it (and collects garbage)
            // would leave it unrooted for the next handler and the caller.
            let hold = self.top.max(self.frames_top()).max(slot + 1);
            self.check_stack(hold + 1)?;
            let ev = errv.unwrap_or(Value::Nil);
            self.stack[hold] = ev;
            self.top = hold + 1;
            let r = self.call_raw(tm, &[v, ev], 0);
            self.top = saved;
            if let Err(e) = r {
                if e.is_uncatchable() {
                    return Err(e);
                }
                let ev = self.error_value(e);
                if errv.is_none() {
                    // Normal exit: the error propagates, after closing the rest.
                    return match self.close_tbc(level, Some(ev)) {
                        Ok(v) => Err(LuaError::Value(v)),
                        Err(e) => Err(e),
                    };
                }
                errv = Some(ev);
            }
        }
        match errv {
            Some(v) if err.is_some() => Ok(v),
            _ => Ok(Value::Nil),
        }
    }
}

/// Whether a `__close` handler runs as a frame of its own (so it may yield or
/// pause): a Lua function, or `coroutine.yield` itself. Other natives are called in
/// place.
fn close_as_frame(h: Value) -> bool {
    match h {
        Value::LuaFn(_) => true,
        Value::NatFn(nc) => matches!(nc.kind, NativeKind::CoYield),
        _ => false,
    }
}
