//! The `string` library (manual §6.4): VM bindings over the pure algorithms in
//! [`pattern`](super::pattern), [`format`](super::format) and [`pack`](super::pack).
//!
//! The string metatable has `__index` (the library) and lua5.4's arithmetic
//! metamethods, which only matter when coercion fails.
//!
//! Positions follow lua5.4's rules (`posrelatI` for start positions, `getendpos`
//! for end positions), and error messages are lua5.4's.

use super::args::{arg_error, Args};
use super::format::{self, FmtArg, FormatArgs, FormatError};
use super::pack::{self, PackArgs, PackError, PackVal};
use super::pattern::{self, Capture, GmatchState, Match, Matcher, PatternError, StepMeter};
use super::Work;
use crate::heap::Gc;
use crate::meter::{CostModel, Limit};
use crate::value::{LuaStr, NativeClosure, NativeKind, UserData, Value};
use crate::vm::arith::ArithOp;
use crate::vm::frame::FrameKind;
use crate::vm::{LuaError, Tm, Vm};

/// Charges the work the pattern matcher reports to the State's budget, at
/// `milli` thousandths of a unit per step; keeps the error of a charge that
/// failed, which stops the match.
struct VmMeter<'a> {
    vm: &'a mut Vm,
    milli: u64,
    err: Option<LuaError>,
}

impl<'a> VmMeter<'a> {
    /// A meter for matching steps.
    fn steps(vm: &'a mut Vm) -> Self {
        let milli = vm.cost_model.match_step_milli;
        VmMeter {
            vm,
            milli,
            err: None,
        }
    }

    /// A meter for bytes scanned (plain search).
    fn bytes(vm: &'a mut Vm) -> Self {
        let milli = vm.cost_model.byte_milli;
        VmMeter {
            vm,
            milli,
            err: None,
        }
    }

    /// The VM error for a matching failure: the charge's own error when the
    /// meter stopped the match.
    fn error(&mut self, e: PatternError) -> LuaError {
        match e {
            PatternError::StepLimit => self.err.take().unwrap_or(LuaError::Limit(Limit::Budget)),
            e => pattern_error(e),
        }
    }
}

impl StepMeter for VmMeter<'_> {
    fn take(&mut self, steps: u64) -> bool {
        let units = CostModel::units(steps as usize, self.milli);
        match self.vm.charge(units) {
            Ok(()) => true,
            Err(e) => {
                self.err = Some(e);
                false
            }
        }
    }
}

/// Registers the library and installs the string metatable (`__index` is the
/// library table, so `("x"):rep(3)` works).
pub fn open(vm: &mut Vm) {
    let fns: &[(&'static str, crate::value::NativeFn)] = &[
        ("byte", byte),
        ("char", char),
        ("dump", dump),
        ("find", find),
        ("format", format_),
        ("gmatch", gmatch),
        ("gsub", gsub),
        ("len", len),
        ("lower", lower),
        ("match", match_),
        ("pack", pack_),
        ("packsize", packsize),
        ("rep", rep),
        ("reverse", reverse),
        ("sub", sub),
        ("unpack", unpack),
        ("upper", upper),
    ];
    let lib = super::register_lib(vm, "string", fns);
    let mt = vm.new_table(0, 9);
    let k = vm.new_str(b"__index");
    let mut grown = mt.get_mut().set(k, lib);
    let arith: [(&'static str, crate::value::NativeFn); 8] = [
        ("__add", str_add),
        ("__sub", str_sub),
        ("__mul", str_mul),
        ("__mod", str_mod),
        ("__pow", str_pow),
        ("__div", str_div),
        ("__idiv", str_idiv),
        ("__unm", str_unm),
    ];
    for (name, f) in arith {
        let k = vm.new_str(name.as_bytes());
        let v = vm.new_native(name, f);
        grown += mt.get_mut().set(k, v);
    }
    vm.heap.account(grown as isize);
    vm.string_meta = Some(mt);
}

/// The string metatable's arithmetic metamethods (lua5.4's
/// `stringmetamethods`). The VM coerces numeric strings itself, so these run
/// when an operand is not numeric (or when called directly): they convert what
/// they can, else defer to the other operand's metamethod, else raise lua5.4's
/// `attempt to add a 'string' with a 'table'`.
fn string_arith(
    vm: &mut Vm,
    base: usize,
    n: usize,
    op: ArithOp,
    tm: Tm,
) -> Result<usize, LuaError> {
    let a = if n >= 1 { vm.stack[base] } else { Value::Nil };
    let b = if n >= 2 {
        vm.stack[base + 1]
    } else {
        Value::Nil
    };
    vm.charge_coercion(a)?;
    vm.charge_coercion(b)?;
    let tonum = |vm: &Vm, v: Value| match v {
        Value::Int(_) | Value::Num(_) => Some(v),
        Value::Str(_) => vm.to_number_coerce(v),
        _ => None,
    };
    if let (Some(x), Some(y)) = (tonum(vm, a), tonum(vm, b)) {
        if let Some(r) = crate::vm::arith::arith_numbers(op, x, y) {
            let v = r.map_err(LuaError::msg)?;
            vm.push(v);
            return Ok(1);
        }
    }
    if !matches!(b, Value::Str(_)) {
        let h = vm.metamethod(b, tm);
        if !h.is_nil() {
            let v = vm.call1(h, &[a, b])?;
            vm.push(v);
            return Ok(1);
        }
    }
    Err(LuaError::msg(format!(
        "attempt to {} a '{}' with a '{}'",
        &op.event()[2..],
        a.type_name(),
        b.type_name()
    )))
}

macro_rules! string_arith_fn {
    ($name:ident, $op:ident) => {
        fn $name(vm: &mut Vm, base: usize, n: usize) -> Result<usize, LuaError> {
            string_arith(vm, base, n, ArithOp::$op, Tm::$op)
        }
    };
}

string_arith_fn!(str_add, Add);
string_arith_fn!(str_sub, Sub);
string_arith_fn!(str_mul, Mul);
string_arith_fn!(str_mod, Mod);
string_arith_fn!(str_pow, Pow);
string_arith_fn!(str_div, Div);
string_arith_fn!(str_idiv, IDiv);
string_arith_fn!(str_unm, Unm);

/// An error from a pure helper, converted to a VM error with lua5.4's text.
/// Used as the error type of the helper traits (`FormatArgs`, `PackArgs`).
pub(crate) struct LibErr(pub LuaError);

impl From<LuaError> for LibErr {
    fn from(e: LuaError) -> Self {
        LibErr(e)
    }
}

/// The error type of the `gsub` driver: a matching failure (converted with
/// the meter, which knows why it stopped a match) or a VM error.
enum GsubErr {
    Pattern(PatternError),
    Lua(LuaError),
}

impl From<PatternError> for GsubErr {
    fn from(e: PatternError) -> Self {
        GsubErr::Pattern(e)
    }
}

impl From<LuaError> for GsubErr {
    fn from(e: LuaError) -> Self {
        GsubErr::Lua(e)
    }
}

impl From<FormatError> for LibErr {
    fn from(e: FormatError) -> Self {
        LibErr(match e {
            FormatError::Arg(n, m) => arg_error("format", n, m),
            FormatError::Msg(m) => LuaError::msg(m),
        })
    }
}

impl From<PackError> for LibErr {
    fn from(e: PackError) -> Self {
        LibErr(pack_error("pack", e))
    }
}

/// Converts a pattern-matching failure (a stop by the meter is converted by
/// [`VmMeter::error`], which holds the reason).
pub(crate) fn pattern_error(e: PatternError) -> LuaError {
    match e {
        PatternError::Msg(m) => LuaError::msg(m),
        PatternError::StepLimit => LuaError::Limit(Limit::Budget),
    }
}

fn pack_error(name: &str, e: PackError) -> LuaError {
    match e {
        PackError::Arg(n, m) => arg_error(name, n, m),
        PackError::Msg(m) => LuaError::msg(m),
    }
}

/// lua5.4's `posrelatI`: a 1-based start position; 0 and positions before the
/// start of the string become 1. The result may exceed `len`.
pub(crate) fn start_pos(pos: i64, len: usize) -> usize {
    if pos > 0 {
        pos as u64 as usize
    } else if pos == 0 || pos.unsigned_abs() > len as u64 {
        1
    } else {
        (len as i64 + pos + 1) as usize
    }
}

/// lua5.4's `getendpos`: a 1-based end position clamped to `0..=len`.
pub(crate) fn end_pos(pos: i64, len: usize) -> usize {
    if pos > len as i64 {
        len
    } else if pos >= 0 {
        pos as usize
    } else if pos.unsigned_abs() > len as u64 {
        0
    } else {
        (len as i64 + pos + 1) as usize
    }
}

/// `check_str` that stores a converted number back into its argument slot (as
/// lua5.4's `lua_tolstring` does), so the string stays rooted while Lua code
/// runs.
pub(crate) fn check_str_rooted(vm: &mut Vm, a: &Args, i: usize) -> Result<Gc<LuaStr>, LuaError> {
    let s = a.check_str(vm, i)?;
    if i <= a.n {
        vm.stack[a.base + i - 1] = Value::Str(s);
    }
    Ok(s)
}

/// The closure of the running native function (for natives with upvalues).
pub(crate) fn running_native(vm: &Vm) -> Gc<NativeClosure> {
    match vm.frames.last().map(|f| f.kind) {
        Some(FrameKind::Native(nc)) => nc,
        _ => unreachable!("a native function runs in a native frame"),
    }
}

fn str_arg(v: Value) -> Gc<LuaStr> {
    match v {
        Value::Str(s) => s,
        _ => unreachable!("string upvalue"),
    }
}

fn len(vm: &mut Vm, base: usize, n: usize) -> Result<usize, LuaError> {
    let s = Args::new(base, n, "len").check_str(vm, 1)?;
    vm.push(Value::Int(s.len() as i64));
    Ok(1)
}

fn sub(vm: &mut Vm, base: usize, n: usize) -> Result<usize, LuaError> {
    let a = Args::new(base, n, "sub");
    let s = a.check_str(vm, 1)?;
    let l = s.len();
    let i = start_pos(a.check_int(vm, 2)?, l);
    let j = end_pos(a.opt_int(vm, 3, -1)?, l);
    let v = if i > j {
        vm.new_str(b"")
    } else if i == 1 && j == l {
        Value::Str(s)
    } else {
        vm.charge_new_str(j + 1 - i)?;
        vm.new_str(&s.as_bytes()[i - 1..j])
    };
    vm.push(v);
    Ok(1)
}

fn map_bytes(
    vm: &mut Vm,
    base: usize,
    n: usize,
    name: &'static str,
    f: fn(&[u8]) -> Vec<u8>,
) -> Result<usize, LuaError> {
    let s = Args::new(base, n, name).check_str(vm, 1)?;
    vm.charge_new_str(s.len())?;
    let out = f(s.as_bytes());
    let v = vm.new_str_vec(out);
    vm.push(v);
    Ok(1)
}

fn lower(vm: &mut Vm, base: usize, n: usize) -> Result<usize, LuaError> {
    map_bytes(vm, base, n, "lower", |b| b.to_ascii_lowercase())
}

fn upper(vm: &mut Vm, base: usize, n: usize) -> Result<usize, LuaError> {
    map_bytes(vm, base, n, "upper", |b| b.to_ascii_uppercase())
}

fn reverse(vm: &mut Vm, base: usize, n: usize) -> Result<usize, LuaError> {
    map_bytes(vm, base, n, "reverse", |b| {
        b.iter().rev().copied().collect()
    })
}

fn rep(vm: &mut Vm, base: usize, n: usize) -> Result<usize, LuaError> {
    let a = Args::new(base, n, "rep");
    let s = a.check_str(vm, 1)?;
    let count = a.check_int(vm, 2)?;
    let sep = a.opt_str(vm, 3)?;
    let sep: &[u8] = sep.as_ref().map_or(b"", |s| s.as_bytes());
    if count <= 0 || (s.is_empty() && sep.is_empty()) {
        let v = vm.new_str(b"");
        vm.push(v);
        return Ok(1);
    }
    let count = count as u64;
    let total = (s.len() as u64)
        .checked_mul(count)
        .and_then(|t| t.checked_add((sep.len() as u64).checked_mul(count - 1)?));
    match total {
        Some(t) if t <= vm.max_string as u64 => {
            vm.charge_new_str(t as usize)?;
            let mut out = Vec::with_capacity(t as usize);
            for k in 0..count {
                if k > 0 {
                    out.extend_from_slice(sep);
                }
                out.extend_from_slice(s.as_bytes());
            }
            let v = vm.new_str_vec(out);
            vm.push(v);
            Ok(1)
        }
        _ => Err(LuaError::msg("resulting string too large")),
    }
}

fn byte(vm: &mut Vm, base: usize, n: usize) -> Result<usize, LuaError> {
    let a = Args::new(base, n, "byte");
    let s = a.check_str(vm, 1)?;
    let l = s.len();
    let pi = a.opt_int(vm, 2, 1)?;
    let pose = end_pos(a.opt_int(vm, 3, pi)?, l);
    let posi = start_pos(pi, l);
    if posi > pose {
        return Ok(0);
    }
    let cnt = pose - posi + 1;
    if cnt >= i32::MAX as usize || vm.top + cnt >= crate::vm::MAX_STACK {
        return Err(LuaError::msg("string slice too long"));
    }
    vm.charge_results(cnt)?;
    for &b in &s.as_bytes()[posi - 1..pose] {
        vm.push(Value::Int(b as i64));
    }
    Ok(cnt)
}

fn char(vm: &mut Vm, base: usize, n: usize) -> Result<usize, LuaError> {
    let a = Args::new(base, n, "char");
    vm.check_alloc(n)?;
    vm.charge_elements(n)?;
    let mut out = Vec::with_capacity(n);
    for i in 1..=n {
        let c = a.check_int(vm, i)?;
        if c as u64 > u8::MAX as u64 {
            return Err(arg_error("char", i, "value out of range"));
        }
        out.push(c as u8);
    }
    let v = vm.new_str_vec(out);
    vm.push(v);
    Ok(1)
}

/// Takes `string.dump` out of the string library (the sandbox profile).
pub(crate) fn remove_dump(vm: &mut Vm) {
    if let Value::Table(lib) = vm.get_global("string") {
        let k = vm.new_str(b"dump");
        let _ = lib.get_mut().set(k, Value::Nil);
    }
}

/// `string.dump(f [, strip])`: a binary chunk of `f` (see `bytecode::dump` for what
/// it holds).
fn dump(vm: &mut Vm, base: usize, n: usize) -> Result<usize, LuaError> {
    let a = Args::new(base, n, "dump");
    let strip = a.get(vm, 2).is_truthy();
    match a.get(vm, 1) {
        Value::LuaFn(cl) => {
            let Some(bytes) = crate::bytecode::dump(&cl.get().p.get().proto, strip) else {
                return Err(LuaError::msg("unable to dump given function"));
            };
            vm.charge_new_str(bytes.len())?;
            let v = vm.new_str_vec(bytes);
            vm.push(v);
            Ok(1)
        }
        Value::NatFn(_) => Err(LuaError::msg("unable to dump given function")),
        _ => Err(a.expected(vm, 1, "function")),
    }
}

/// The Lua value of capture `i` of `m` over subject `s` (a new string is
/// charged by its length).
fn capture_value(vm: &mut Vm, s: &[u8], m: &Match, i: usize) -> Result<Value, LuaError> {
    Ok(match m.capture(i).map_err(pattern_error)? {
        Capture::Span(a, b) => {
            vm.charge_new_str(b - a)?;
            vm.new_str(&s[a..b])
        }
        Capture::Pos(p) => Value::Int(p as i64),
        Capture::Unfinished => unreachable!("rejected by Match::capture"),
    })
}

/// Pushes captures `0..count` of `m`; returns `count`.
fn push_captures(vm: &mut Vm, s: &[u8], m: &Match, count: usize) -> Result<usize, LuaError> {
    for i in 0..count {
        let v = capture_value(vm, s, m, i)?;
        vm.push(v);
    }
    Ok(count)
}

fn find_aux(vm: &mut Vm, base: usize, n: usize, find: bool) -> Result<usize, LuaError> {
    let a = Args::new(base, n, if find { "find" } else { "match" });
    let s = a.check_str(vm, 1)?;
    let p = a.check_str(vm, 2)?;
    let (sb, pb) = (s.as_bytes(), p.as_bytes());
    let init = start_pos(a.opt_int(vm, 3, 1)?, sb.len()) - 1;
    if init > sb.len() {
        vm.push(Value::Nil);
        return Ok(1);
    }
    if find && (a.get(vm, 4).is_truthy() || pattern::no_specials(pb)) {
        let mut meter = VmMeter::bytes(vm);
        let found = pattern::find_plain(&mut meter, sb, pb, init).map_err(|e| meter.error(e))?;
        return Ok(match found {
            Some((st, en)) => {
                vm.push(Value::Int(st as i64 + 1));
                vm.push(Value::Int(en as i64));
                2
            }
            None => {
                vm.push(Value::Nil);
                1
            }
        });
    }
    let mut m = Matcher::new(VmMeter::steps(vm));
    let found = m.find(sb, pb, init).map_err(|e| m.meter().error(e))?;
    match found {
        Some(mt) if find => {
            vm.push(Value::Int(mt.start as i64 + 1));
            vm.push(Value::Int(mt.end as i64));
            Ok(2 + push_captures(vm, sb, &mt, mt.captures.len())?)
        }
        Some(mt) => push_captures(vm, sb, &mt, mt.value_count()),
        None => {
            vm.push(Value::Nil);
            Ok(1)
        }
    }
}

fn find(vm: &mut Vm, base: usize, n: usize) -> Result<usize, LuaError> {
    find_aux(vm, base, n, true)
}

fn match_(vm: &mut Vm, base: usize, n: usize) -> Result<usize, LuaError> {
    find_aux(vm, base, n, false)
}

fn gmatch(vm: &mut Vm, base: usize, n: usize) -> Result<usize, LuaError> {
    let a = Args::new(base, n, "gmatch");
    let s = a.check_str(vm, 1)?;
    let p = a.check_str(vm, 2)?;
    let ls = s.len();
    let init = (start_pos(a.opt_int(vm, 3, 1)?, ls) - 1).min(ls + 1);
    // The iteration state lives in a userdata upvalue of the iterator.
    let state = vm.heap.alloc(UserData {
        data: Box::new(GmatchState::new(init)),
        host: false,
        user_value: Value::Nil,
        meta: None,
    });
    let f = vm.heap.alloc(NativeClosure {
        kind: NativeKind::Plain(gmatch_step),
        name: "gmatch_aux",
        upvals: Box::new([Value::Str(s), Value::Str(p), Value::UData(state)]),
        host: None,
    });
    vm.push(Value::NatFn(f));
    Ok(1)
}

fn gmatch_step(vm: &mut Vm, _base: usize, _n: usize) -> Result<usize, LuaError> {
    let nc = running_native(vm);
    let (s, p) = (str_arg(nc.upvals[0]), str_arg(nc.upvals[1]));
    let Value::UData(ud) = nc.upvals[2] else {
        unreachable!("gmatch state upvalue")
    };
    let (sb, pb) = (s.as_bytes(), p.as_bytes());
    let found = {
        let state = ud
            .get_mut()
            .data
            .downcast_mut::<GmatchState>()
            .expect("gmatch state");
        let mut m = Matcher::new(VmMeter::steps(vm));
        state.next(&mut m, sb, pb).map_err(|e| m.meter().error(e))?
    };
    match found {
        Some(mt) => push_captures(vm, sb, &mt, mt.value_count()),
        None => Ok(0),
    }
}

fn gsub(vm: &mut Vm, base: usize, n: usize) -> Result<usize, LuaError> {
    let a = Args::new(base, n, "gsub");
    let s = check_str_rooted(vm, &a, 1)?;
    let p = check_str_rooted(vm, &a, 2)?;
    let repl = a.get(vm, 3);
    let max_s = a.opt_int(vm, 4, s.len() as i64 + 1)?;
    let max_n = max_s.max(0) as u64 as usize;
    let (sb, pb) = (s.as_bytes(), p.as_bytes());
    let rs = match repl {
        Value::Str(_) | Value::Int(_) | Value::Num(_) => Some(a.check_str(vm, 3)?),
        Value::Table(_) | Value::LuaFn(_) | Value::NatFn(_) => None,
        _ => return Err(a.expected(vm, 3, "string/function/table")),
    };
    let rb: &[u8] = rs.as_ref().map_or(b"", |r| r.as_bytes());
    let has_esc = rb.contains(&b'%');
    let is_table = matches!(repl, Value::Table(_));
    // Matching steps are charged by the matcher; the bytes each replacement
    // appends are charged (and the string cap and memory quota checked) before
    // it is appended.
    let mut work = Work::default();
    let mut out = Vec::new();
    let mut m = Matcher::new(VmMeter::steps(vm));
    let r = pattern::gsub(
        &mut m,
        sb,
        pb,
        max_n,
        &mut out,
        |meter, mt, out| -> Result<bool, GsubErr> {
            let vm = &mut *meter.vm;
            if rs.is_some() {
                let add = if has_esc {
                    pattern::expansion_len(rb, mt)?
                } else {
                    rb.len()
                };
                grow_result(vm, &mut work, out.len(), add)?;
                pattern::expand_replacement(rb, mt, sb, out)?;
                return Ok(true);
            }
            let v = if is_table {
                let k = capture_value(vm, sb, mt, 0)?;
                vm.index(repl, k)?
            } else {
                let mut caps = Vec::with_capacity(mt.value_count());
                for i in 0..mt.value_count() {
                    caps.push(capture_value(vm, sb, mt, i)?);
                }
                vm.call1(repl, &caps)?
            };
            match v {
                Value::Nil | Value::Bool(false) => {
                    grow_result(vm, &mut work, out.len(), mt.end - mt.start)?;
                    out.extend_from_slice(&sb[mt.start..mt.end]);
                    Ok(false)
                }
                Value::Str(r) => {
                    grow_result(vm, &mut work, out.len(), r.len())?;
                    out.extend_from_slice(r.as_bytes());
                    Ok(true)
                }
                Value::Int(_) | Value::Num(_) => {
                    // At most a few dozen bytes: checked once written.
                    let len = out.len();
                    vm.append_strnum(out, v);
                    grow_result(vm, &mut work, len, out.len() - len)?;
                    Ok(true)
                }
                _ => Err(
                    LuaError::msg(format!("invalid replacement value (a {})", v.type_name()))
                        .into(),
                ),
            }
        },
    );
    let r = match r {
        Ok(r) => r,
        Err(GsubErr::Pattern(e)) => return Err(m.meter().error(e)),
        Err(GsubErr::Lua(e)) => return Err(e),
    };
    let v = if r.changed {
        let tail = &sb[r.end..];
        grow_result(vm, &mut work, out.len(), tail.len())?;
        work.finish(vm)?;
        out.extend_from_slice(tail);
        vm.new_str_vec(out)
    } else {
        work.finish(vm)?;
        Value::Str(s)
    };
    vm.push(v);
    vm.push(Value::Int(r.count as i64));
    Ok(2)
}

/// Before `add` bytes are appended to a `gsub` result of `len` bytes: the
/// State's string cap, the memory quota, and the charge for the bytes.
fn grow_result(vm: &mut Vm, work: &mut Work, len: usize, add: usize) -> Result<(), LuaError> {
    let total = len.saturating_add(add);
    if total > vm.max_string {
        return Err(LuaError::msg("resulting string too large"));
    }
    work.grow(vm, add, total)
}

/// Argument access for `string.format`.
struct FormatVm<'a> {
    vm: &'a mut Vm,
    a: Args,
    /// Bytes of the result not charged yet.
    work: Work,
}

/// A string argument lent to `format` or `pack`: a string object (rooted in
/// the argument slots) or the text of a number.
enum StrArg {
    Lua(Gc<LuaStr>),
    Num(Vec<u8>),
}

impl AsRef<[u8]> for StrArg {
    fn as_ref(&self) -> &[u8] {
        match self {
            StrArg::Lua(s) => s.as_bytes(),
            StrArg::Num(b) => b,
        }
    }
}

impl FormatArgs for FormatVm<'_> {
    type Error = LibErr;
    type Str = StrArg;

    fn top(&self) -> usize {
        self.a.n
    }

    fn int(&mut self, n: usize) -> Result<i64, LibErr> {
        Ok(self.a.check_int(self.vm, n)?)
    }

    fn num(&mut self, n: usize) -> Result<f64, LibErr> {
        Ok(self.a.check_f64(self.vm, n)?)
    }

    fn tostr(&mut self, n: usize) -> Result<StrArg, LibErr> {
        let v = self.a.get(self.vm, n);
        let s = match v {
            Value::Str(s) => s,
            Value::Int(_) | Value::Num(_) => {
                let mut b = Vec::new();
                self.vm.append_strnum(&mut b, v);
                return Ok(StrArg::Num(b));
            }
            _ => match self.vm.tostring(v)? {
                Value::Str(s) => s,
                _ => return Err(LuaError::msg("'__tostring' must return a string").into()),
            },
        };
        // A `__tostring` result is rooted in the argument's slot (each argument
        // is used by one conversion), as lua5.4 keeps it on the stack.
        self.vm.stack[self.a.base + n - 1] = Value::Str(s);
        Ok(StrArg::Lua(s))
    }

    fn raw(&mut self, n: usize) -> FmtArg<StrArg> {
        match self.a.get(self.vm, n) {
            Value::Nil => FmtArg::Nil,
            Value::Bool(b) => FmtArg::Bool(b),
            Value::Int(i) => FmtArg::Int(i),
            Value::Num(f) => FmtArg::Float(f),
            Value::Str(s) => FmtArg::Str(StrArg::Lua(s)),
            _ => FmtArg::Other,
        }
    }

    fn pointer(&mut self, n: usize) -> Option<usize> {
        // Identity numbers instead of addresses keep output deterministic.
        let id = match self.a.get(self.vm, n) {
            Value::Str(g) => self.vm.object_id(g),
            Value::Table(g) => self.vm.object_id(g),
            Value::LuaFn(g) => self.vm.object_id(g),
            Value::NatFn(g) => self.vm.object_id(g),
            Value::UData(g) => self.vm.object_id(g),
            Value::Thread(g) => self.vm.object_id(g),
            Value::LightUd(p) => return Some(p),
            _ => return None,
        };
        Some(id as usize)
    }

    fn grow(&mut self, len: usize, add: usize) -> Result<(), LibErr> {
        let total = len.saturating_add(add);
        if total > self.vm.max_string {
            return Err(LuaError::msg("resulting string too large").into());
        }
        Ok(self.work.grow(self.vm, add, total)?)
    }
}

fn format_(vm: &mut Vm, base: usize, n: usize) -> Result<usize, LuaError> {
    let a = Args::new(base, n, "format");
    let f = a.check_str(vm, 1)?;
    let mut out = Vec::new();
    let mut fa = FormatVm {
        vm,
        a,
        work: Work::default(),
    };
    format::format(f.as_bytes(), &mut fa, &mut out).map_err(|e| e.0)?;
    fa.work.finish(fa.vm)?;
    let v = vm.new_str_vec(out);
    vm.push(v);
    Ok(1)
}

/// Argument access for `string.pack`.
struct PackVm<'a> {
    vm: &'a mut Vm,
    a: Args,
    /// Bytes of the result not charged yet.
    work: Work,
}

impl PackArgs for PackVm<'_> {
    type Error = LibErr;
    type Str = StrArg;

    fn int(&mut self, n: usize) -> Result<i64, LibErr> {
        Ok(self.a.check_int(self.vm, n)?)
    }

    fn num(&mut self, n: usize) -> Result<f64, LibErr> {
        Ok(self.a.check_f64(self.vm, n)?)
    }

    fn str(&mut self, n: usize) -> Result<StrArg, LibErr> {
        Ok(StrArg::Lua(check_str_rooted(self.vm, &self.a, n)?))
    }

    fn grow(&mut self, len: usize, add: usize) -> Result<(), LibErr> {
        let total = len.saturating_add(add);
        if total > self.vm.max_string {
            return Err(LuaError::msg("resulting string too large").into());
        }
        Ok(self.work.grow(self.vm, add, total)?)
    }
}

fn pack_(vm: &mut Vm, base: usize, n: usize) -> Result<usize, LuaError> {
    let a = Args::new(base, n, "pack");
    let f = a.check_str(vm, 1)?;
    // Reading the format is charged by its length, the result by its bytes.
    vm.charge_bytes(f.len())?;
    let mut out = Vec::new();
    let mut pa = PackVm {
        vm,
        a,
        work: Work::default(),
    };
    pack::pack(f.as_bytes(), &mut pa, &mut out).map_err(|e| e.0)?;
    pa.work.finish(pa.vm)?;
    let v = vm.new_str_vec(out);
    vm.push(v);
    Ok(1)
}

fn packsize(vm: &mut Vm, base: usize, n: usize) -> Result<usize, LuaError> {
    let f = Args::new(base, n, "packsize").check_str(vm, 1)?;
    vm.charge_bytes(f.len())?;
    let size = pack::packsize(f.as_bytes()).map_err(|e| pack_error("packsize", e))?;
    vm.push(Value::Int(size));
    Ok(1)
}

fn unpack(vm: &mut Vm, base: usize, n: usize) -> Result<usize, LuaError> {
    let a = Args::new(base, n, "unpack");
    let f = a.check_str(vm, 1)?;
    let d = a.check_str(vm, 2)?;
    let init = a.opt_int(vm, 3, 1)?;
    // Reading the format is charged by its length (the values it yields are at
    // most one per format byte), then the results and the strings they hold.
    vm.charge_bytes(f.len())?;
    let mut vals = Vec::new();
    let pos = pack::unpack(f.as_bytes(), d.as_bytes(), init, &mut vals)
        .map_err(|e| pack_error("unpack", e))?;
    let count = vals.len();
    if vm.top + count + 1 >= crate::vm::MAX_STACK {
        return Err(LuaError::msg("too many results"));
    }
    let bytes: usize = vals
        .iter()
        .map(|v| match v {
            PackVal::Str(s) => s.len(),
            _ => 0,
        })
        .sum();
    vm.check_alloc(bytes)?;
    vm.charge_bytes(bytes)?;
    vm.charge_results(count + 1)?;
    for v in vals {
        let v = match v {
            PackVal::Int(i) => Value::Int(i),
            PackVal::Float(f) => Value::Num(f),
            PackVal::Str(s) => vm.new_str(s),
        };
        vm.push(v);
    }
    vm.push(Value::Int(pos));
    Ok(count + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_follow_lua() {
        assert_eq!(start_pos(0, 5), 1);
        assert_eq!(start_pos(-2, 5), 4);
        assert_eq!(start_pos(-9, 5), 1);
        assert_eq!(start_pos(9, 5), 9);
        assert_eq!(end_pos(-1, 5), 5);
        assert_eq!(end_pos(-9, 5), 0);
        assert_eq!(end_pos(9, 5), 5);
        assert_eq!(end_pos(i64::MIN, 5), 0);
        assert_eq!(start_pos(i64::MIN, 5), 1);
    }
}
