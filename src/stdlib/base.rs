//! The basic library (§6.1 of the manual).
//!
//! Costs: `print` charges the bytes it writes, `load` the source it compiles,
//! `tonumber` the string it reads, `select` and `assert` the values they
//! return, and `error` and `assert` the message they copy. `next`, `pairs`,
//! `ipairs` and `tostring` do constant work; `collectgarbage` is not charged
//! by the heap's size (see there).

use super::args::{arg_error, Args};
use super::Work;
use crate::value::{NativeClosure, NativeKind, Value};
use crate::vm::{LuaError, Tm, Vm};

/// Registers the basic functions in the globals table.
pub fn open(vm: &mut Vm) {
    let g = Value::Table(vm.globals);
    vm.set_global("_G", g);
    let v = vm.new_str(b"Lua 5.4");
    vm.set_global("_VERSION", v);
    let fns: &[(&'static str, crate::value::NativeFn)] = &[
        ("assert", assert),
        ("collectgarbage", collectgarbage),
        ("error", error),
        ("getmetatable", getmetatable),
        ("ipairs", ipairs),
        ("load", load),
        ("next", next),
        ("print", print),
        ("rawequal", rawequal),
        ("rawget", rawget),
        ("rawlen", rawlen),
        ("rawset", rawset),
        ("select", select),
        ("setmetatable", setmetatable),
        ("tonumber", tonumber),
        ("tostring", tostring),
        ("warn", warn),
        ("type", type_),
    ];
    for (name, f) in fns {
        let v = vm.new_native(name, *f);
        vm.set_global(name, v);
    }
    let p = vm.new_forward("pairs", pairs);
    vm.set_global("pairs", p);
    // `pairs` returns this very `next` function, as in lua5.4 (`pairs(t) == next`).
    let next_fn = vm.get_global("next");
    let k = vm.new_str(b"next");
    let reg = vm.registry;
    let _ = reg.get_mut().set(k, next_fn);
    for (name, kind) in [("pcall", NativeKind::Pcall), ("xpcall", NativeKind::Xpcall)] {
        let f = vm.heap.alloc(NativeClosure {
            kind,
            name,
            upvals: Box::new([]),
            host: None,
        });
        vm.set_global(name, Value::NatFn(f));
    }
}

fn assert(vm: &mut Vm, base: usize, n: usize) -> Result<usize, LuaError> {
    let a = Args::new(base, n, "assert");
    let v = a.check_any(vm, 1)?;
    if v.is_truthy() {
        // Return all arguments.
        vm.charge_results(n)?;
        for i in 0..n {
            let v = vm.stack[base + i];
            vm.push(v);
        }
        return Ok(n);
    }
    // Like `error(msg)`: string messages get the caller's position.
    let msg = if n >= 2 {
        a.get(vm, 2)
    } else {
        vm.new_str(b"assertion failed!")
    };
    match msg {
        Value::Str(s) => {
            let mut b = vm.where_(1).into_bytes();
            vm.charge_new_str(b.len() + s.len())?;
            b.extend_from_slice(s.as_bytes());
            Err(LuaError::Value(vm.new_str_vec(b)))
        }
        v => Err(LuaError::Value(v)),
    }
}

fn collectgarbage(vm: &mut Vm, base: usize, n: usize) -> Result<usize, LuaError> {
    let a = Args::new(base, n, "collectgarbage");
    let opt = match a.opt_str(vm, 1)? {
        Some(s) => String::from_utf8_lossy(s.as_bytes()).into_owned(),
        None => "collect".into(),
    };
    match opt.as_str() {
        "collect" | "step" if vm.finalizing => {
            // Inside a finalizer: no collection (lua5.4 answers fail).
            vm.push(Value::Nil);
        }
        "collect" | "step" => {
            // Charged by what the collection marked (1 unit per 64 bytes of live
            // objects), so a loop of collections over a large heap meets its
            // budget. Live data, unlike garbage, does not depend on when earlier
            // automatic collections ran, and threads are left out (a task runs in
            // a thread of its own): sliced and whole runs pay the same.
            vm.collect_garbage()?;
            let live = vm.heap.swept_live;
            vm.charge_bytes(live / 4)?;
            vm.push(if opt == "step" {
                Value::Bool(true)
            } else {
                Value::Int(0)
            });
        }
        "count" => {
            let b = vm.heap.bytes as f64;
            vm.push(Value::Num(b / 1024.0));
        }
        "isrunning" => vm.push(Value::Bool(vm.heap.running)),
        "incremental" | "generational" => {
            // The collector has one mode: the name and the parameters are only
            // recorded, so scripts see lua5.4's answers.
            let gen = opt == "generational";
            let (p1, p2) = (a.opt_int(vm, 2, 0)?, a.opt_int(vm, 3, 0)?);
            if !gen {
                a.opt_int(vm, 4, 0)?; // stepsize
                if p1 as i32 != 0 {
                    set_gc_param(vm, GC_PAUSE, p1);
                }
                if p2 as i32 != 0 {
                    set_gc_param(vm, GC_STEPMUL, p2);
                }
            }
            let key = vm.new_str(GC_MODE.as_bytes());
            let old = vm.registry.get().get(key);
            let old = if old.is_nil() {
                vm.new_str(b"incremental")
            } else {
                old
            };
            let mode = vm.new_str(opt.as_bytes());
            vm.registry.get_mut().set(key, mode);
            vm.push(old);
        }
        "stop" | "restart" => {
            vm.heap.running = opt == "restart";
            vm.push(Value::Int(0));
        }
        "setpause" | "setstepmul" => {
            let v = a.opt_int(vm, 2, 0)?;
            let key = if opt == "setpause" {
                GC_PAUSE
            } else {
                GC_STEPMUL
            };
            let old = gc_param(vm, key);
            set_gc_param(vm, key, v);
            vm.push(Value::Int(old));
        }
        _ => {
            return Err(arg_error(
                "collectgarbage",
                1,
                &format!("invalid option '{opt}'"),
            ))
        }
    }
    Ok(1)
}

/// Registry keys of the recorded collector mode and parameters.
const GC_MODE: &str = "_GCMODE";
const GC_PAUSE: (&str, i64) = ("_GCPAUSE", 200);
const GC_STEPMUL: (&str, i64) = ("_GCSTEPMUL", 100);

fn gc_param(vm: &mut Vm, (key, default): (&str, i64)) -> i64 {
    let k = vm.new_str(key.as_bytes());
    match vm.registry.get().get(k) {
        Value::Int(i) => i,
        _ => default,
    }
}

/// Stores `v` as lua5.4 does: an `int`, kept divided by 4 in one byte.
fn set_gc_param(vm: &mut Vm, (key, _): (&str, i64), v: i64) {
    let stored = ((v as i32) / 4) as u8 as i64 * 4;
    let k = vm.new_str(key.as_bytes());
    vm.registry.get_mut().set(k, Value::Int(stored));
}

fn error(vm: &mut Vm, base: usize, n: usize) -> Result<usize, LuaError> {
    let a = Args::new(base, n, "error");
    let v = a.get(vm, 1);
    let level = a.opt_int(vm, 2, 1)?;
    if let (Value::Str(s), true) = (v, level > 0) {
        let pos = vm.where_level(level as usize);
        if !pos.is_empty() {
            vm.charge_new_str(pos.len() + s.len())?;
            let mut b = pos.into_bytes();
            b.extend_from_slice(s.as_bytes());
            return Err(LuaError::Value(vm.new_str_vec(b)));
        }
    }
    Err(LuaError::Value(v))
}

fn getmetatable(vm: &mut Vm, base: usize, n: usize) -> Result<usize, LuaError> {
    let a = Args::new(base, n, "getmetatable");
    let v = a.check_any(vm, 1)?;
    match vm.metatable(v) {
        Some(mt) => {
            let protected = mt.get().get_str(vm.tm_name(Tm::Metatable));
            vm.push(if protected.is_nil() {
                Value::Table(mt)
            } else {
                protected
            });
        }
        None => vm.push(Value::Nil),
    }
    Ok(1)
}

fn setmetatable(vm: &mut Vm, base: usize, n: usize) -> Result<usize, LuaError> {
    let a = Args::new(base, n, "setmetatable");
    let t = a.check_table(vm, 1)?;
    let mt = match a.get(vm, 2) {
        Value::Nil if n >= 2 => None,
        Value::Table(m) => Some(m),
        _ => return Err(a.expected(vm, 2, "nil or table")),
    };
    if let Some(old) = t.meta {
        if !old.get().get_str(vm.tm_name(Tm::Metatable)).is_nil() {
            return Err(LuaError::msg("cannot change a protected metatable"));
        }
    }
    t.get_mut().meta = mt;
    vm.check_finalizer(Value::Table(t));
    vm.push(Value::Table(t));
    Ok(1)
}

pub(crate) fn ipairs_aux(vm: &mut Vm, base: usize, _n: usize) -> Result<usize, LuaError> {
    let t = vm.stack[base];
    let i = match vm.stack[base + 1] {
        Value::Int(i) => i.wrapping_add(1),
        _ => 1,
    };
    let v = match t {
        Value::Table(tb) if tb.meta.is_none() => tb.get().get_int(i),
        _ => vm.index(t, Value::Int(i))?,
    };
    if v.is_nil() {
        vm.push(Value::Nil);
        Ok(1)
    } else {
        vm.push(Value::Int(i));
        vm.push(v);
        Ok(2)
    }
}

fn ipairs(vm: &mut Vm, base: usize, n: usize) -> Result<usize, LuaError> {
    let a = Args::new(base, n, "ipairs");
    let t = a.check_any(vm, 1)?;
    let f = vm.get_registry_fn("ipairs_aux", ipairs_aux);
    vm.push(f);
    vm.push(t);
    vm.push(Value::Int(0));
    Ok(3)
}

fn next(vm: &mut Vm, base: usize, n: usize) -> Result<usize, LuaError> {
    let a = Args::new(base, n, "next");
    let t = a.check_table(vm, 1)?;
    let k = a.get(vm, 2);
    match t.get().next(k) {
        Ok(Some((k, v))) => {
            vm.push(k);
            vm.push(v);
            Ok(2)
        }
        Ok(None) => {
            vm.push(Value::Nil);
            Ok(1)
        }
        Err(()) => Err(LuaError::msg("invalid key to 'next'")),
    }
}

fn pairs(vm: &mut Vm, base: usize, n: usize, nresults: i32) -> Result<Option<usize>, LuaError> {
    let a = Args::new(base, n, "pairs");
    let t = a.check_any(vm, 1)?;
    let tm = vm.metamethod(t, Tm::Pairs);
    if !tm.is_nil() {
        if (0..=4).contains(&nresults) {
            // Called in pairs' place (so `__pairs` may yield). The caller keeps at
            // most three results, as pairs returns, except a generic `for` (four):
            // a fourth result of `__pairs` becomes its closing value.
            vm.stack[base - 1] = tm;
            vm.stack[base] = t;
            vm.top = base + 1;
            return Ok(None);
        }
        let r = vm.call(tm, &[t])?;
        for i in 0..3 {
            vm.push(r.get(i).copied().unwrap_or(Value::Nil));
        }
        return Ok(Some(3));
    }
    // Like lua5.4, any value is accepted here; `next` complains when iterating.
    let f = vm.get_global_fn_next();
    vm.push(f);
    vm.push(t);
    vm.push(Value::Nil);
    Ok(Some(3))
}

/// `warn(msg, ...)`: `@on`/`@off` switch warnings (off at start, as in lua5.4);
/// when on, the pieces go to standard error as one `Lua warning: ` line.
fn warn(vm: &mut Vm, base: usize, n: usize) -> Result<usize, LuaError> {
    let a = Args::new(base, n, "warn");
    a.check_str(vm, 1)?;
    let mut msg = Vec::new();
    for i in 1..=n {
        msg.extend_from_slice(a.check_str(vm, i)?.as_bytes());
    }
    vm.charge_bytes(msg.len())?;
    if n == 1 && msg.first() == Some(&b'@') {
        match &msg[..] {
            b"@on" => vm.warn_on = true,
            b"@off" => vm.warn_on = false,
            _ => {}
        }
        return Ok(0);
    }
    vm.warning(&msg);
    Ok(0)
}

fn print(vm: &mut Vm, base: usize, n: usize) -> Result<usize, LuaError> {
    // The line is built, then written at once; each piece is checked against
    // the memory quota and charged before it is appended.
    let mut work = Work::default();
    let mut out = Vec::new();
    for i in 0..n {
        if i > 0 {
            out.push(b'\t');
        }
        let v = vm.stack[base + i];
        let s = match v {
            Value::Int(_) | Value::Num(_) => {
                // At most a few dozen bytes: charged once written.
                let len = out.len();
                vm.append_strnum(&mut out, v);
                work.bytes(vm, out.len() - len)?;
                continue;
            }
            Value::Str(s) => s,
            _ => match vm.tostring(v)? {
                Value::Str(s) => s,
                other => {
                    let len = out.len();
                    vm.append_strnum(&mut out, other);
                    work.bytes(vm, out.len() - len)?;
                    continue;
                }
            },
        };
        work.grow(vm, s.len(), out.len() + s.len())?;
        out.extend_from_slice(s.as_bytes());
    }
    out.push(b'\n');
    work.bytes(vm, n)?;
    work.finish(vm)?;
    use std::io::Write;
    let _ = vm.out.write_all(&out);
    Ok(0)
}

fn rawequal(vm: &mut Vm, base: usize, n: usize) -> Result<usize, LuaError> {
    let a = Args::new(base, n, "rawequal");
    let x = a.check_any(vm, 1)?;
    let y = a.check_any(vm, 2)?;
    vm.push(Value::Bool(x.raw_eq(&y)));
    Ok(1)
}

fn rawget(vm: &mut Vm, base: usize, n: usize) -> Result<usize, LuaError> {
    let a = Args::new(base, n, "rawget");
    let t = a.check_table(vm, 1)?;
    let k = a.check_any(vm, 2)?;
    let v = t.get().get(k);
    vm.push(v);
    Ok(1)
}

fn rawlen(vm: &mut Vm, base: usize, n: usize) -> Result<usize, LuaError> {
    let a = Args::new(base, n, "rawlen");
    let len = match a.get(vm, 1) {
        Value::Table(t) => t.len(),
        Value::Str(s) => s.len(),
        _ => return Err(a.expected(vm, 1, "table or string")),
    };
    vm.push(Value::Int(len as i64));
    Ok(1)
}

fn rawset(vm: &mut Vm, base: usize, n: usize) -> Result<usize, LuaError> {
    let a = Args::new(base, n, "rawset");
    let t = a.check_table(vm, 1)?;
    let k = a.check_any(vm, 2)?;
    let v = a.check_any(vm, 3)?;
    vm.raw_set(t, k, v)?;
    vm.push(Value::Table(t));
    Ok(1)
}

fn select(vm: &mut Vm, base: usize, n: usize) -> Result<usize, LuaError> {
    let a = Args::new(base, n, "select");
    if let Value::Str(s) = a.get(vm, 1) {
        if s.as_bytes().first() == Some(&b'#') {
            vm.push(Value::Int(n as i64 - 1));
            return Ok(1);
        }
    }
    let i = a.check_int(vm, 1)?;
    let count = n as i64 - 1;
    let start = if i < 0 {
        // `i < -count` rather than `-i > count`: `-i` overflows for mininteger.
        if i < -count {
            return Err(arg_error("select", 1, "index out of range"));
        }
        count + i
    } else if i == 0 {
        return Err(arg_error("select", 1, "index out of range"));
    } else {
        (i - 1).min(count)
    };
    // Results are the arguments from `start+2` on: they are already on the stack.
    let from = base + 1 + start as usize;
    let k = (count - start) as usize;
    vm.charge_results(k)?;
    for j in 0..k {
        let v = vm.stack[from + j];
        vm.push(v);
    }
    Ok(k)
}

fn tonumber(vm: &mut Vm, base: usize, n: usize) -> Result<usize, LuaError> {
    let a = Args::new(base, n, "tonumber");
    if a.get(vm, 2).is_nil() {
        let v = a.check_any(vm, 1)?;
        vm.charge_coercion(v)?;
        let r = match v {
            Value::Int(_) | Value::Num(_) => v,
            Value::Str(_) => vm.to_number_coerce(v).unwrap_or(Value::Nil),
            _ => Value::Nil,
        };
        vm.push(r);
        return Ok(1);
    }
    let b = a.check_int(vm, 2)?;
    let s = match a.get(vm, 1) {
        Value::Str(s) => s,
        _ => return Err(a.expected(vm, 1, "string")),
    };
    if !(2..=36).contains(&b) {
        return Err(arg_error("tonumber", 2, "base out of range"));
    }
    vm.charge_bytes(s.len())?;
    let txt = s.as_bytes();
    let trimmed = trim_ascii(txt);
    let (neg, digits) = match trimmed.first() {
        Some(b'-') => (true, &trimmed[1..]),
        Some(b'+') => (false, &trimmed[1..]),
        _ => (false, trimmed),
    };
    let mut acc: i64 = 0;
    let mut ok = !digits.is_empty();
    for &c in digits {
        let d = match c {
            b'0'..=b'9' => (c - b'0') as i64,
            b'a'..=b'z' => (c - b'a') as i64 + 10,
            b'A'..=b'Z' => (c - b'A') as i64 + 10,
            _ => {
                ok = false;
                break;
            }
        };
        if d >= b {
            ok = false;
            break;
        }
        acc = acc.wrapping_mul(b).wrapping_add(d);
    }
    vm.push(if ok {
        Value::Int(if neg { acc.wrapping_neg() } else { acc })
    } else {
        Value::Nil
    });
    Ok(1)
}

fn trim_ascii(b: &[u8]) -> &[u8] {
    let is_sp = |c: &u8| matches!(c, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c);
    let start = b.iter().position(|c| !is_sp(c)).unwrap_or(b.len());
    let end = b
        .iter()
        .rposition(|c| !is_sp(c))
        .map(|p| p + 1)
        .unwrap_or(start);
    &b[start..end.max(start)]
}

fn tostring(vm: &mut Vm, base: usize, n: usize) -> Result<usize, LuaError> {
    let a = Args::new(base, n, "tostring");
    let v = a.check_any(vm, 1)?;
    let s = vm.tostring(v)?;
    vm.push(s);
    Ok(1)
}

fn type_(vm: &mut Vm, base: usize, n: usize) -> Result<usize, LuaError> {
    let a = Args::new(base, n, "type");
    let v = a.check_any(vm, 1)?;
    let s = vm.new_str(v.type_name().as_bytes());
    vm.push(s);
    Ok(1)
}

/// Why a loader's `mode` (`"b"`, `"t"`, `"bt"`) refuses the chunk `src`, in
/// lua5.4's words, if it does.
pub(crate) fn mode_refusal(src: &[u8], mode: &str) -> Option<String> {
    let (kind, letter) = if src.first() == Some(&0x1b) {
        ("binary", 'b')
    } else {
        ("text", 't')
    };
    (!mode.contains(letter)).then(|| format!("attempt to load a {kind} chunk (mode is '{mode}')"))
}

fn load(vm: &mut Vm, base: usize, n: usize) -> Result<usize, LuaError> {
    let a = Args::new(base, n, "load");
    let mut chunk = a.get(vm, 1);
    if matches!(chunk, Value::Int(_) | Value::Num(_)) {
        chunk = Value::Str(a.check_str(vm, 1)?);
    }
    // The source is charged by its length before it is compiled; pieces from
    // a reader function are checked against the memory quota as they come.
    let src: Vec<u8> = match chunk {
        Value::Str(s) => {
            vm.check_alloc(s.len())?;
            vm.charge_bytes(s.len())?;
            s.as_bytes().to_vec()
        }
        Value::LuaFn(_) | Value::NatFn(_) => {
            let mut buf = Vec::new();
            loop {
                let piece = match vm.call1(chunk, &[]) {
                    Ok(p) => p,
                    // Limits (and pauses, panics) pass through `load` like any native.
                    Err(e) if e.is_uncatchable() => return Err(e),
                    Err(e) => {
                        let v = vm.error_value(e);
                        vm.push(Value::Nil);
                        vm.push(v);
                        return Ok(2);
                    }
                };
                match piece {
                    Value::Nil => break,
                    Value::Str(s) if s.is_empty() => break,
                    Value::Str(s) => {
                        vm.check_alloc(buf.len() + s.len())?;
                        vm.charge_bytes(s.len())?;
                        buf.extend_from_slice(s.as_bytes());
                    }
                    _ => {
                        return Ok(vm.push_fail("reader function must return a string"));
                    }
                }
            }
            buf
        }
        _ => return Err(a.expected(vm, 1, "string")),
    };
    // The chunk name as lua5.4 defaults it: the source text itself for a string.
    let chunkname = match a.opt_str(vm, 2)? {
        Some(s) => String::from_utf8_lossy(s.as_bytes()).into_owned(),
        None => match chunk {
            Value::Str(_) => String::from_utf8_lossy(&src).into_owned(),
            _ => "=(load)".to_string(),
        },
    };
    let mode = match a.opt_str(vm, 3)? {
        Some(s) => String::from_utf8_lossy(s.as_bytes()).into_owned(),
        None => "bt".to_string(),
    };
    if let Some(m) = mode_refusal(&src, &mode) {
        return Ok(vm.push_fail(m));
    }
    let env = if n >= 4 {
        a.get(vm, 4)
    } else {
        Value::Table(vm.globals)
    };
    match vm.load_with_env(&src, &chunkname, env)? {
        Ok(f) => {
            vm.push(f);
            Ok(1)
        }
        Err(msg) => Ok(vm.push_fail(msg)),
    }
}

/// The display name of a chunk name given to `load` (`=name` shows `name`; `@file`
/// shows `file`; anything else is shown as `[string "..."]`).
pub fn chunk_display_name(name: &[u8]) -> String {
    // Names fit lua5.4's LUA_IDSIZE (60 bytes with the terminator): `=name` is cut
    // at the end, `@file` keeps its end after "...".
    const ROOM: usize = 59;
    match name.first() {
        Some(b'=') => {
            let rest = &name[1..];
            String::from_utf8_lossy(&rest[..rest.len().min(ROOM)]).into_owned()
        }
        Some(b'@') => {
            let rest = &name[1..];
            if rest.len() <= ROOM {
                String::from_utf8_lossy(rest).into_owned()
            } else {
                format!(
                    "...{}",
                    String::from_utf8_lossy(&rest[rest.len() - (ROOM - 3)..])
                )
            }
        }
        _ => string_chunkname(name),
    }
}

/// `[string "first line..."]` as lua5.4 abbreviates source strings (LUA_IDSIZE 60).
pub fn string_chunkname(src: &[u8]) -> String {
    const IDSIZE: usize = 60;
    let first_line_end = src.iter().position(|&c| c == b'\n' || c == b'\r');
    let max = IDSIZE - "[string \"...\"]".len() - 1;
    let s = String::from_utf8_lossy(src);
    match first_line_end {
        None if src.len() <= max => format!("[string \"{s}\"]"),
        _ => {
            let end = first_line_end.unwrap_or(src.len()).min(max);
            format!("[string \"{}...\"]", String::from_utf8_lossy(&src[..end]))
        }
    }
}

impl Vm {
    /// A native function cached in the registry under `key` (used for iterators).
    pub fn get_registry_fn(&mut self, key: &str, f: crate::value::NativeFn) -> Value {
        let k = self.new_str(key.as_bytes());
        let reg = self.registry;
        let v = reg.get().get(k);
        if !v.is_nil() {
            return v;
        }
        let leaked: &'static str = match key {
            "ipairs_aux" => "ipairs_aux",
            _ => "?",
        };
        let nf = self.new_native(leaked, f);
        let _ = reg.get_mut().set(k, nf);
        nf
    }

    /// The `next` function used by `pairs`.
    fn get_global_fn_next(&mut self) -> Value {
        self.get_registry_fn("next", next)
    }
}
