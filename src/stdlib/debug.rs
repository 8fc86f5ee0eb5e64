//! The `debug` library (§6.10). The trusted profile gets all of it (hooks: see
//! `vm::hook`);
//! every profile gets `debug.traceback` and `debug.getinfo`, which only read
//! (they cannot reach another function's locals or upvalues, change metatables or
//! open the registry).
//!
//! Levels count the running thread's frames from the top: level 0 is the debug
//! function itself, 1 its caller; `pcall`/`xpcall` are C levels as in lua5.4.

use super::args::Args;
use crate::heap::Gc;
use crate::value::{LuaClosure, Table, Value};
use crate::vm::frame::{Frame, FrameKind};
use crate::vm::thread::Thread;
use crate::vm::{LuaError, Vm};

/// Installs the whole library (trusted profile).
pub fn open(vm: &mut Vm) {
    super::register_lib(
        vm,
        "debug",
        &[
            ("traceback", traceback),
            ("getinfo", getinfo),
            ("getlocal", getlocal),
            ("setlocal", setlocal),
            ("getupvalue", getupvalue),
            ("setupvalue", setupvalue),
            ("upvalueid", upvalueid),
            ("upvaluejoin", upvaluejoin),
            ("getmetatable", getmetatable),
            ("setmetatable", setmetatable),
            ("getregistry", getregistry),
            ("getuservalue", getuservalue),
            ("setuservalue", setuservalue),
            ("sethook", sethook),
            ("gethook", gethook),
        ],
    );
}

/// Installs the read-only part: `traceback` and `getinfo`.
pub fn open_readonly(vm: &mut Vm) {
    super::register_lib(
        vm,
        "debug",
        &[("traceback", traceback), ("getinfo", getinfo)],
    );
}

/// An optional leading thread argument: (thread, index of the next argument).
fn thread_arg(vm: &Vm, a: &Args) -> (Gc<Thread>, usize) {
    match a.get(vm, 1) {
        Value::Thread(t) => (t, 2),
        _ => (vm.current, 1),
    }
}

/// The frames and stack of thread `t` (the VM's own while `t` runs).
fn thread_view<'a>(vm: &'a Vm, t: &'a Gc<Thread>) -> (&'a [Frame], &'a [Value]) {
    if *t == vm.current {
        (&vm.frames, &vm.stack)
    } else {
        let th = t.get();
        (&th.frames, &th.stack)
    }
}

/// Index into `frames` of `level` (0 = top), if that level exists.
fn frame_at(frames: &[Frame], level: i64) -> Option<usize> {
    let l = usize::try_from(level).ok()?;
    frames.len().checked_sub(l + 1)
}

/// `coroutine.yield`, as the function of a suspended coroutine's level 0.
fn yield_function(vm: &mut Vm) -> Value {
    let loaded = super::loaded_table(vm);
    let k = vm.new_str(b"coroutine");
    match loaded.get().get(k) {
        Value::Table(co) => {
            let y = vm.new_str(b"yield");
            co.get().get(y)
        }
        _ => Value::Nil,
    }
}

/// What a level of a thread's stack is (see [`Vm::in_yield`]).
enum Level {
    Frame(usize),
    /// A suspended coroutine's level 0: its `coroutine.yield` call.
    InYield,
    OutOfRange,
}

fn level_of(vm: &Vm, t: &crate::heap::Gc<crate::vm::thread::Thread>, level: i64) -> Level {
    let frames = thread_view(vm, t).0;
    let fi = match (vm.in_yield(*t), level) {
        (true, 0) => return Level::InYield,
        (true, l) => frame_at(frames, l - 1),
        (false, l) => frame_at(frames, l),
    };
    fi.map_or(Level::OutOfRange, Level::Frame)
}

fn traceback(vm: &mut Vm, base: usize, n: usize) -> Result<usize, LuaError> {
    let a = Args::new(base, n, "traceback");
    let (t, i) = thread_arg(vm, &a);
    let msg = a.get(vm, i);
    if !matches!(
        msg,
        Value::Nil | Value::Str(_) | Value::Int(_) | Value::Num(_)
    ) {
        vm.push(msg);
        return Ok(1);
    }
    let own = t == vm.current;
    let level = a.opt_int(vm, i + 1, if own { 1 } else { 0 })?;
    let mut out = match vm.tostring(msg)? {
        Value::Str(s) if !msg.is_nil() => {
            let mut m = s.as_bytes().to_vec();
            m.push(b'\n');
            m
        }
        _ => Vec::new(),
    };
    let tb = vm.traceback_of(t, level.max(0) as usize);
    out.extend_from_slice(tb.as_bytes());
    let s = vm.new_str_vec(out);
    vm.push(s);
    Ok(1)
}

fn set(vm: &mut Vm, t: Gc<Table>, k: &str, v: Value) {
    let k = vm.new_str(k.as_bytes());
    let _ = t.get_mut().set(k, v);
}

fn getinfo(vm: &mut Vm, base: usize, n: usize) -> Result<usize, LuaError> {
    let a = Args::new(base, n, "getinfo");
    let (t, i) = thread_arg(vm, &a);
    let what = match a.opt_str(vm, i + 1)? {
        Some(s) => String::from_utf8_lossy(s.as_bytes()).into_owned(),
        None => "flnSrtu".to_string(),
    };
    if what.starts_with('>') {
        return Err(LuaError::Arg(i + 1, "invalid option '>'".into()));
    }
    if what.chars().any(|c| !"SlnrutfL".contains(c)) {
        return Err(LuaError::Arg(i + 1, "invalid option".into()));
    }
    // The function and, for a level, its frame.
    let (func, frame) = match a.get(vm, i) {
        f @ (Value::LuaFn(_) | Value::NatFn(_)) => (f, None),
        Value::Int(_) | Value::Num(_) | Value::Str(_) => {
            let level = a.check_int(vm, i)?;
            match level_of(vm, &t, level) {
                Level::Frame(fi) => {
                    let (frames, stack) = thread_view(vm, &t);
                    (
                        stack.get(frames[fi].func).copied().unwrap_or_default(),
                        Some(fi),
                    )
                }
                // Inside `coroutine.yield`: a C function.
                Level::InYield => (yield_function(vm), None),
                Level::OutOfRange => {
                    vm.push(Value::Nil);
                    return Ok(1);
                }
            }
        }
        _ => return Err(LuaError::Arg(i, "function or level expected".into())),
    };
    let info = vm.new_table(0, 16);
    let lua = match func {
        Value::LuaFn(cl) => Some(cl),
        _ => None,
    };
    // A frame's kind decides what it is when the slot no longer holds a function.
    let frame_kind = frame.map(|fi| thread_view(vm, &t).0[fi].kind);
    let is_c = lua.is_none()
        || matches!(
            frame_kind,
            Some(FrameKind::Native(_) | FrameKind::Pcall | FrameKind::Xpcall)
        );
    for c in what.chars() {
        match c {
            'S' => {
                if let (Some(cl), false) = (lua, is_c) {
                    let p = &cl.p.get().proto;
                    let src = vm.new_str(p.chunk.as_bytes());
                    set(vm, info, "source", src);
                    let short = vm.new_str(p.source.as_bytes());
                    set(vm, info, "short_src", short);
                    let main = p.line_defined == 0;
                    set(vm, info, "linedefined", Value::Int(p.line_defined as i64));
                    set(
                        vm,
                        info,
                        "lastlinedefined",
                        Value::Int(p.last_line_defined as i64),
                    );
                    let w = vm.new_str(if main { b"main" } else { b"Lua" });
                    set(vm, info, "what", w);
                } else {
                    let src = vm.new_str(b"=[C]");
                    set(vm, info, "source", src);
                    let short = vm.new_str(b"[C]");
                    set(vm, info, "short_src", short);
                    set(vm, info, "linedefined", Value::Int(-1));
                    set(vm, info, "lastlinedefined", Value::Int(-1));
                    let w = vm.new_str(b"C");
                    set(vm, info, "what", w);
                }
            }
            'l' => {
                let line = match (frame, lua, is_c) {
                    (Some(fi), Some(cl), false) => {
                        let pc = thread_view(vm, &t).0[fi].pc;
                        let p = &cl.p.get().proto;
                        p.line_before(pc)
                    }
                    _ => -1,
                };
                set(vm, info, "currentline", Value::Int(line));
            }
            'u' => {
                let (nups, np, va) = match func {
                    Value::LuaFn(cl) => {
                        let p = cl.p.get();
                        (cl.upvals.len(), p.num_params as i64, p.is_vararg)
                    }
                    Value::NatFn(nc) => (nc.upvals.len(), 0, true),
                    _ => (0, 0, true),
                };
                set(vm, info, "nups", Value::Int(nups as i64));
                set(vm, info, "nparams", Value::Int(np));
                set(vm, info, "isvararg", Value::Bool(va));
            }
            'n' => {
                let name = frame.and_then(|fi| {
                    let (frames, _) = thread_view(vm, &t);
                    // A tail-called function's caller is gone: it has no name.
                    if frames[fi].tail {
                        return None;
                    }
                    crate::vm::debug::call_name(frames, fi)
                });
                if let Some((kind, name)) = name {
                    let nv = vm.new_str(name.as_bytes());
                    set(vm, info, "name", nv);
                    let k = vm.new_str(kind.as_bytes());
                    set(vm, info, "namewhat", k);
                } else {
                    let k = vm.new_str(b"");
                    set(vm, info, "namewhat", k);
                }
            }
            'r' => {
                // Set only for the frame of a running call or return hook.
                let (first, n) = match (vm.hook_transfer, frame) {
                    (Some((hf, first, n)), Some(fi)) if hf == fi && t == vm.current => {
                        (first as i64, n as i64)
                    }
                    _ => (0, 0),
                };
                set(vm, info, "ftransfer", Value::Int(first));
                set(vm, info, "ntransfer", Value::Int(n));
            }
            't' => {
                let tail = frame.is_some_and(|fi| thread_view(vm, &t).0[fi].tail);
                set(vm, info, "istailcall", Value::Bool(tail));
            }
            'f' => set(vm, info, "func", func),
            'L' => {
                if let (Some(cl), false) = (lua, is_c) {
                    let p = cl.p.get().proto.clone();
                    let lines = vm.new_table(0, p.lines.len());
                    // A vararg function's first instruction (VARARGPREP) has no line.
                    let skip = usize::from(p.is_vararg);
                    for &l in p.lines.iter().skip(skip) {
                        let _ = lines.get_mut().set(Value::Int(l as i64), Value::Bool(true));
                    }
                    set(vm, info, "activelines", Value::Table(lines));
                }
            }
            _ => {}
        }
    }
    vm.push(Value::Table(info));
    Ok(1)
}

/// Where local `n` of frame `fi` lives and its name: registers by the function's
/// debug information (or `(temporary)` / `(C temporary)` slots in use), negative
/// `n` for the extra arguments of a vararg function.
fn local_slot(frames: &[Frame], stack_top: usize, fi: usize, n: i64) -> Option<(String, usize)> {
    let f = &frames[fi];
    // The frame's slots end where the next frame's function is (or at `top`).
    let limit = frames.get(fi + 1).map_or(stack_top, |g| g.func);
    match f.kind {
        FrameKind::Lua(cl) => {
            let p = &cl.p.get().proto;
            if n < 0 {
                let k = usize::try_from(-n).ok()?;
                if !p.is_vararg || k > f.nvarargs {
                    return None;
                }
                return Some(("(vararg)".into(), f.base - f.nvarargs + k - 1));
            }
            let reg = usize::try_from(n).ok()?.checked_sub(1)?;
            let pc = f.pc.saturating_sub(1);
            if let Some(name) = p.local_name(reg, pc) {
                return Some((name.to_string(), f.base + reg));
            }
            let slot = f.base + reg;
            (slot < limit).then(|| ("(temporary)".to_string(), slot))
        }
        _ => {
            let reg = usize::try_from(n).ok()?.checked_sub(1)?;
            let slot = f.func + 1 + reg;
            (slot < limit).then(|| ("(C temporary)".to_string(), slot))
        }
    }
}

fn getlocal(vm: &mut Vm, base: usize, n: usize) -> Result<usize, LuaError> {
    let a = Args::new(base, n, "getlocal");
    let (t, i) = thread_arg(vm, &a);
    let idx = a.check_int(vm, i + 1)?;
    if let f @ (Value::LuaFn(_) | Value::NatFn(_)) = a.get(vm, i) {
        // A function, not a level: only its parameters have names.
        let name = match f {
            Value::LuaFn(cl) => {
                let p = &cl.p.get().proto;
                usize::try_from(idx)
                    .ok()
                    .and_then(|k| k.checked_sub(1))
                    .filter(|&k| k < p.num_params as usize)
                    .and_then(|k| p.local_name(k, 0).map(str::to_string))
            }
            _ => None,
        };
        match name {
            Some(s) => {
                let v = vm.new_str(s.as_bytes());
                vm.push(v);
            }
            None => vm.push(Value::Nil),
        }
        return Ok(1);
    }
    let level = a.check_int(vm, i)?;
    match local_at(vm, &t, level, idx, i)? {
        Some((name, slot)) => {
            let (_, stack) = thread_view(vm, &t);
            let v = stack.get(slot).copied().unwrap_or_default();
            let nv = vm.new_str(name.as_bytes());
            vm.push(nv);
            vm.push(v);
            Ok(2)
        }
        None => {
            vm.push(Value::Nil);
            Ok(1)
        }
    }
}

/// The name and stack slot of local `idx` of the function at `level` of thread
/// `t` (the level is argument `i`), or `None` when it has none, as at
/// `coroutine.yield`'s own level.
fn local_at(
    vm: &Vm,
    t: &Gc<Thread>,
    level: i64,
    idx: i64,
    i: usize,
) -> Result<Option<(String, usize)>, LuaError> {
    let fi = match level_of(vm, t, level) {
        Level::Frame(fi) => fi,
        Level::InYield => return Ok(None),
        Level::OutOfRange => return Err(LuaError::Arg(i, "level out of range".into())),
    };
    let top = if *t == vm.current {
        vm.top
    } else {
        t.get().top
    };
    let (frames, _) = thread_view(vm, t);
    Ok(local_slot(frames, top, fi, idx))
}

fn setlocal(vm: &mut Vm, base: usize, n: usize) -> Result<usize, LuaError> {
    let a = Args::new(base, n, "setlocal");
    let (t, i) = thread_arg(vm, &a);
    let level = a.check_int(vm, i)?;
    let idx = a.check_int(vm, i + 1)?;
    let v = a.check_any(vm, i + 2)?;
    match local_at(vm, &t, level, idx, i)? {
        Some((name, slot)) => {
            if t == vm.current {
                vm.stack[slot] = v;
            } else if let Some(s) = t.get_mut().stack.get_mut(slot) {
                *s = v;
            }
            let nv = vm.new_str(name.as_bytes());
            vm.push(nv);
        }
        None => vm.push(Value::Nil),
    }
    Ok(1)
}

/// Function argument `i` (any function), or the lua5.4 type error.
fn check_function(vm: &Vm, a: &Args, i: usize) -> Result<Value, LuaError> {
    match a.get(vm, i) {
        f @ (Value::LuaFn(_) | Value::NatFn(_)) => Ok(f),
        _ => Err(a.expected(vm, i, "function")),
    }
}

/// The name lua5.4 shows for upvalue `k` of a Lua closure.
fn upvalue_name(cl: Gc<LuaClosure>, k: usize) -> String {
    match cl.p.get().proto.upvals.get(k).map(|d| d.name.as_str()) {
        Some("") | None => "(no name)".to_string(),
        Some(s) => s.to_string(),
    }
}

/// 0-based index of upvalue `n` of `f`, if it has one.
fn upvalue_index(f: Value, n: i64) -> Option<usize> {
    let count = match f {
        Value::LuaFn(cl) => cl.upvals.len(),
        Value::NatFn(nc) => nc.upvals.len(),
        _ => 0,
    };
    let k = usize::try_from(n).ok()?.checked_sub(1)?;
    (k < count).then_some(k)
}

fn getupvalue(vm: &mut Vm, base: usize, n: usize) -> Result<usize, LuaError> {
    let a = Args::new(base, n, "getupvalue");
    let f = check_function(vm, &a, 1)?;
    let up = a.check_int(vm, 2)?;
    let Some(k) = upvalue_index(f, up) else {
        return Ok(0);
    };
    let (name, v) = match f {
        Value::LuaFn(cl) => (upvalue_name(cl, k), vm.upval_get(cl.get(), k)),
        Value::NatFn(nc) => (String::new(), nc.upvals[k]),
        _ => unreachable!("checked to be a function"),
    };
    let nv = vm.new_str(name.as_bytes());
    vm.push(nv);
    vm.push(v);
    Ok(2)
}

fn setupvalue(vm: &mut Vm, base: usize, n: usize) -> Result<usize, LuaError> {
    let a = Args::new(base, n, "setupvalue");
    let f = check_function(vm, &a, 1)?;
    let up = a.check_int(vm, 2)?;
    let v = a.check_any(vm, 3)?;
    // Native functions' upvalues are the library's own state: not writable.
    let (Value::LuaFn(cl), Some(k)) = (f, upvalue_index(f, up)) else {
        return Ok(0);
    };
    vm.upval_set(cl.get(), k, v);
    let name = upvalue_name(cl, k);
    let nv = vm.new_str(name.as_bytes());
    vm.push(nv);
    Ok(1)
}

fn upvalueid(vm: &mut Vm, base: usize, n: usize) -> Result<usize, LuaError> {
    let a = Args::new(base, n, "upvalueid");
    let f = check_function(vm, &a, 1)?;
    let up = a.check_int(vm, 2)?;
    // A light userdata equal exactly when two closures share the upvalue: the
    // upvalue's identity number (a native's upvalues are its own: its number and
    // the index), never an address, so output stays deterministic.
    let id = match (f, upvalue_index(f, up)) {
        (Value::LuaFn(cl), Some(k)) => Value::LightUd(vm.object_id(cl.upvals[k]) as usize),
        (Value::NatFn(nc), Some(k)) => Value::LightUd(((vm.object_id(nc) as usize) << 8) | k),
        _ => Value::Nil,
    };
    vm.push(id);
    Ok(1)
}

fn upvaluejoin(vm: &mut Vm, base: usize, n: usize) -> Result<usize, LuaError> {
    let a = Args::new(base, n, "upvaluejoin");
    let mut picked = [(None, 0usize); 2];
    for (j, (fi, ni)) in [(1usize, 2usize), (3, 4)].into_iter().enumerate() {
        let f = check_function(vm, &a, fi)?;
        let up = a.check_int(vm, ni)?;
        let Some(k) = upvalue_index(f, up) else {
            return Err(LuaError::Arg(ni, "invalid upvalue index".into()));
        };
        picked[j] = (Some(f), k);
    }
    let mut cls = [None; 2];
    for (j, fi) in [1usize, 3].into_iter().enumerate() {
        let (Some(Value::LuaFn(cl)), k) = picked[j] else {
            return Err(LuaError::Arg(fi, "Lua function expected".into()));
        };
        cls[j] = Some((cl, k));
    }
    let (Some((c1, k1)), Some((c2, k2))) = (cls[0], cls[1]) else {
        unreachable!("set above")
    };
    let u = c2.upvals[k2];
    c1.get_mut().upvals[k1] = u;
    Ok(0)
}

fn getmetatable(vm: &mut Vm, base: usize, n: usize) -> Result<usize, LuaError> {
    let a = Args::new(base, n, "getmetatable");
    let v = a.check_any(vm, 1)?;
    let mt = vm.metatable(v).map_or(Value::Nil, Value::Table);
    vm.push(mt);
    Ok(1)
}

fn setmetatable(vm: &mut Vm, base: usize, n: usize) -> Result<usize, LuaError> {
    let a = Args::new(base, n, "setmetatable");
    let v = a.get(vm, 1);
    let mt = match a.get(vm, 2) {
        Value::Nil => None,
        Value::Table(m) => Some(m),
        _ => return Err(a.expected(vm, 2, "nil or table")),
    };
    match v {
        Value::Table(t) => t.get_mut().meta = mt,
        Value::UData(u) => u.get_mut().meta = mt,
        Value::Str(_) => vm.string_meta = mt,
        other => vm.set_type_metatable(other, mt),
    }
    vm.check_finalizer(v);
    vm.push(v);
    Ok(1)
}

fn getregistry(vm: &mut Vm, _base: usize, _n: usize) -> Result<usize, LuaError> {
    vm.push(Value::Table(vm.registry));
    Ok(1)
}

fn getuservalue(vm: &mut Vm, _base: usize, _n: usize) -> Result<usize, LuaError> {
    // mani's userdata carry no user values: every index is absent.
    vm.push(Value::Nil);
    Ok(1)
}

fn setuservalue(vm: &mut Vm, base: usize, n: usize) -> Result<usize, LuaError> {
    let a = Args::new(base, n, "setuservalue");
    if !matches!(a.get(vm, 1), Value::UData(_)) {
        return Err(a.expected(vm, 1, "userdata"));
    }
    a.check_any(vm, 2)?;
    vm.push(Value::Nil);
    Ok(1)
}

fn sethook(vm: &mut Vm, base: usize, n: usize) -> Result<usize, LuaError> {
    use crate::vm::hook::{Hook, MASK_CALL, MASK_COUNT, MASK_LINE, MASK_RET};
    let a = Args::new(base, n, "sethook");
    let (t, i) = thread_arg(vm, &a);
    let f = a.get(vm, i);
    if f.is_nil() || i > n {
        vm.set_hook(t, None);
        hook_table(vm, t, Value::Nil);
        return Ok(0);
    }
    let mask = a.check_str(vm, i + 1)?;
    let count = a.opt_int(vm, i + 2, 0)?;
    if !matches!(f, Value::LuaFn(_) | Value::NatFn(_)) {
        return Err(a.expected(vm, i, "function"));
    }
    let mut m = 0;
    for &c in mask.as_bytes() {
        m |= match c {
            b'c' => MASK_CALL,
            b'r' => MASK_RET,
            b'l' => MASK_LINE,
            _ => 0,
        };
    }
    let count = u32::try_from(count.max(0)).unwrap_or(u32::MAX);
    if count > 0 {
        m |= MASK_COUNT;
    }
    let h = (m != 0).then_some(Hook {
        func: f,
        mask: m,
        count,
    });
    vm.set_hook(t, h);
    hook_table(vm, t, f);
    Ok(0)
}

/// Mirrors the hooks in `registry._HOOKKEY`, a table with weak keys from thread to
/// hook function, where lua5.4 keeps them (scripts that inspect the registry
/// find it; the hooks themselves live in the threads).
fn hook_table(vm: &mut Vm, t: crate::heap::Gc<crate::vm::thread::Thread>, f: Value) {
    let key = vm.new_str(b"_HOOKKEY");
    let table = match vm.registry.get().get(key) {
        Value::Table(h) => h,
        _ => {
            let h = vm.new_table(0, 1);
            let mt = vm.new_table(0, 1);
            let (mode, k) = (vm.new_str(b"__mode"), vm.new_str(b"k"));
            let _ = mt.get_mut().set(mode, k);
            h.get_mut().meta = Some(mt);
            let _ = vm.registry.get_mut().set(key, Value::Table(h));
            h
        }
    };
    let _ = table.get_mut().set(Value::Thread(t), f);
}

fn gethook(vm: &mut Vm, base: usize, n: usize) -> Result<usize, LuaError> {
    use crate::vm::hook::{MASK_CALL, MASK_LINE, MASK_RET};
    let a = Args::new(base, n, "gethook");
    let (t, _) = thread_arg(vm, &a);
    let Some(h) = t.get().hook else {
        vm.push(Value::Nil);
        return Ok(1);
    };
    let mut mask = String::new();
    for (bit, c) in [(MASK_CALL, 'c'), (MASK_RET, 'r'), (MASK_LINE, 'l')] {
        if h.mask & bit != 0 {
            mask.push(c);
        }
    }
    vm.push(h.func);
    let m = vm.new_str(mask.as_bytes());
    vm.push(m);
    vm.push(Value::Int(h.count as i64));
    Ok(3)
}
