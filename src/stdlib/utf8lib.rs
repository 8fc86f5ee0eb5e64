//! The `utf8` library (manual §6.5): VM bindings over [`super::utf8`].
//!
//! Costs: `char` charges its arguments, `codepoint` and `len` the bytes of
//! their range (and `codepoint` the values it returns) before decoding;
//! `offset` and the `codes` iterator charge the bytes they pass over beyond
//! one character (a constant step), which they only know after the scan (a
//! single pass over an existing string).

use super::args::{arg_error, Args};
use super::utf8::{self, Utf8Error, CHARPATTERN};
use crate::value::{NativeClosure, NativeKind, Value};
use crate::vm::{LuaError, Vm};

/// Bytes of one character: passing over them is a constant step, not charged.
const CHAR_BYTES: usize = 4;

/// Registers the library.
pub fn open(vm: &mut Vm) {
    let lib = super::register_lib(
        vm,
        "utf8",
        &[
            ("char", char),
            ("codepoint", codepoint),
            ("len", len),
            ("offset", offset),
        ],
    );
    let Value::Table(t) = lib else { unreachable!() };
    // `codes` hands out one of two iterators (strict or lax), created once.
    let strict = vm.new_native("for iterator", codes_strict);
    let lax = vm.new_native("for iterator", codes_lax);
    let codes = vm.heap.alloc(NativeClosure {
        kind: NativeKind::Plain(codes),
        name: "codes",
        upvals: Box::new([strict, lax]),
        host: None,
    });
    let cp = vm.new_str(CHARPATTERN);
    for (name, v) in [("codes", Value::NatFn(codes)), ("charpattern", cp)] {
        let k = vm.new_str(name.as_bytes());
        let grown = t.get_mut().set(k, v);
        vm.heap.account(grown as isize);
    }
}

fn utf8_error(name: &str, e: Utf8Error) -> LuaError {
    match e {
        Utf8Error::Arg(n, m) => arg_error(name, n, m),
        Utf8Error::Msg(m) => LuaError::msg(m),
    }
}

fn char(vm: &mut Vm, base: usize, n: usize) -> Result<usize, LuaError> {
    let a = Args::new(base, n, "char");
    // At most 6 bytes per code point.
    vm.check_alloc(n.saturating_mul(6))?;
    vm.charge_elements(n)?;
    let mut out = Vec::with_capacity(n);
    for i in 1..=n {
        let c = a.check_int(vm, i)?;
        let cp = utf8::checked_code(c).ok_or_else(|| arg_error("char", i, "value out of range"))?;
        utf8::encode(cp, &mut out);
    }
    vm.charge_bytes(out.len())?;
    let v = vm.new_str_vec(out);
    vm.push(v);
    Ok(1)
}

fn codepoint(vm: &mut Vm, base: usize, n: usize) -> Result<usize, LuaError> {
    let a = Args::new(base, n, "codepoint");
    let s = a.check_str(vm, 1)?;
    let i = a.opt_int(vm, 2, 1)?;
    let j = a.opt_int(vm, 3, i)?;
    let lax = a.get(vm, 4).is_truthy();
    vm.charge_bytes(utf8::span(s.len(), i, j))?;
    let mut out = Vec::new();
    utf8::codepoints(s.as_bytes(), i, j, lax, &mut out).map_err(|e| utf8_error("codepoint", e))?;
    if vm.top + out.len() >= crate::vm::MAX_STACK {
        return Err(LuaError::msg("string slice too long"));
    }
    vm.charge_results(out.len())?;
    for &c in &out {
        vm.push(Value::Int(c));
    }
    Ok(out.len())
}

fn len(vm: &mut Vm, base: usize, n: usize) -> Result<usize, LuaError> {
    let a = Args::new(base, n, "len");
    let s = a.check_str(vm, 1)?;
    let i = a.opt_int(vm, 2, 1)?;
    let j = a.opt_int(vm, 3, -1)?;
    let lax = a.get(vm, 4).is_truthy();
    vm.charge_bytes(utf8::span(s.len(), i, j))?;
    match utf8::len(s.as_bytes(), i, j, lax).map_err(|e| utf8_error("len", e))? {
        Ok(count) => {
            vm.push(Value::Int(count));
            Ok(1)
        }
        Err(pos) => {
            vm.push(Value::Nil);
            vm.push(Value::Int(pos));
            Ok(2)
        }
    }
}

fn offset(vm: &mut Vm, base: usize, n: usize) -> Result<usize, LuaError> {
    let a = Args::new(base, n, "offset");
    let s = a.check_str(vm, 1)?;
    let k = a.check_int(vm, 2)?;
    let i = if a.get(vm, 3).is_nil() {
        None
    } else {
        Some(a.check_int(vm, 3)?)
    };
    let (r, scanned) = utf8::offset(s.as_bytes(), k, i).map_err(|e| utf8_error("offset", e))?;
    vm.charge_bytes(scanned.saturating_sub(CHAR_BYTES))?;
    vm.push(r.map_or(Value::Nil, Value::Int));
    Ok(1)
}

fn codes(vm: &mut Vm, base: usize, n: usize) -> Result<usize, LuaError> {
    let a = Args::new(base, n, "codes");
    let s = a.check_str(vm, 1)?;
    let lax = a.get(vm, 2).is_truthy();
    let nc = super::string::running_native(vm);
    let iter = nc.upvals[usize::from(lax)];
    vm.push(iter);
    vm.push(Value::Str(s));
    vm.push(Value::Int(0));
    Ok(3)
}

fn codes_step(vm: &mut Vm, base: usize, n: usize, strict: bool) -> Result<usize, LuaError> {
    let a = Args::new(base, n, "for iterator");
    let s = a.check_str(vm, 1)?;
    let control = match a.get(vm, 2) {
        Value::Int(i) => i,
        v => crate::vm::arith::to_int_exact(vm.to_number_coerce(v).unwrap_or(Value::Int(0)))
            .unwrap_or(0),
    };
    let next = utf8::codes_next(s.as_bytes(), control, strict);
    // Continuation bytes skipped before the next character (those of the
    // previous character are part of the step).
    let from = (control.max(0) as u64).min(s.len() as u64);
    let to = match next {
        Ok(Some((pos, _))) => pos as u64 - 1,
        _ => s.len() as u64,
    };
    vm.charge_bytes((to.saturating_sub(from) as usize).saturating_sub(CHAR_BYTES))?;
    match next.map_err(|e| utf8_error("for iterator", e))? {
        Some((pos, code)) => {
            vm.push(Value::Int(pos));
            vm.push(Value::Int(code as i64));
            Ok(2)
        }
        None => Ok(0),
    }
}

fn codes_strict(vm: &mut Vm, base: usize, n: usize) -> Result<usize, LuaError> {
    codes_step(vm, base, n, true)
}

fn codes_lax(vm: &mut Vm, base: usize, n: usize) -> Result<usize, LuaError> {
    codes_step(vm, base, n, false)
}
