//! Metatables and the operations that consult them: indexing, arithmetic fallbacks,
//! comparison, concatenation, length, `tostring`.

use super::arith::{self, ArithOp};
use super::{LuaError, Tm, Vm};
use crate::heap::Gc;
use crate::value::{Table, Value};

/// The outcome of preparing a metamethod-aware operation: a finished value, or a
/// handler to call with up to three arguments (the flag negates a comparison
/// result). The interpreter runs such calls as frames, so they can yield.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Meta {
    Done(Value),
    Call(Value, [Value; 3], usize, bool),
}

/// A metamethod-aware operation the interpreter hands to its slow path
/// ([`Vm::meta_slow`]): what to prepare with the `*_prep` functions below.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Prep {
    /// `a op b` (unary operations repeat the operand).
    Arith(ArithOp, Value, Value),
    /// `obj[key]`.
    Index(Value, Value),
    /// `#v`.
    Len(Value),
    /// `a == b`.
    Eq(Value, Value),
    /// `a < b`, or `a <= b` with the flag.
    Less(Value, Value, bool),
}

/// Slot in `Vm::type_metas` of a value's type.
#[inline]
fn type_meta_index(v: Value) -> usize {
    match v {
        Value::Nil => 0,
        Value::Bool(_) => 1,
        Value::Int(_) | Value::Num(_) => 2,
        Value::LuaFn(_) | Value::NatFn(_) => 3,
        Value::LightUd(_) => 5,
        _ => 4,
    }
}

/// Bound on `__index`/`__newindex` chains (lua5.4's MAXTAGLOOP).
const MAX_TAG_LOOP: usize = 2000;

impl Vm {
    /// The metatable of any value.
    #[inline]
    pub fn metatable(&self, v: Value) -> Option<Gc<Table>> {
        match v {
            Value::Table(t) => t.meta,
            Value::UData(u) => u.meta,
            Value::Str(_) => self.string_meta,
            v => self.type_metas[type_meta_index(v)],
        }
    }

    /// Sets the metatable shared by all values of `v`'s type (not tables, userdata
    /// or strings, which have their own).
    pub(crate) fn set_type_metatable(&mut self, v: Value, mt: Option<Gc<Table>>) {
        self.type_metas[type_meta_index(v)] = mt;
    }

    /// The metamethod `tm` of `v`, or nil.
    #[inline]
    pub fn metamethod(&self, v: Value, tm: Tm) -> Value {
        match self.metatable(v) {
            Some(mt) => mt.get().get_str(self.tm_name(tm)),
            None => Value::Nil,
        }
    }

    /// Type name honouring `__name` (used in error messages).
    pub fn type_name_of(&self, v: Value) -> String {
        match v {
            Value::Table(_) | Value::UData(_) => self.lib_type_name(v),
            _ => v.type_name().to_string(),
        }
    }

    /// Type name as the auxiliary library gives it (`tostring`, argument errors):
    /// the `__name` of any value's metatable, else the type.
    pub fn lib_type_name(&self, v: Value) -> String {
        self.name_field(v)
            .unwrap_or_else(|| v.type_name().to_string())
    }

    /// The `__name` string of `v`'s metatable, if it has one.
    pub(crate) fn name_field(&self, v: Value) -> Option<String> {
        match self.metatable(v)?.get().get_str(self.tm_name(Tm::Name)) {
            Value::Str(s) => Some(String::from_utf8_lossy(s.as_bytes()).into_owned()),
            _ => None,
        }
    }

    /// The interpreter's slow path for an operation that may call a metamethod,
    /// out of its loop: saves frame `fi`'s pc, sets `top` past the frame's
    /// registers, prepares `prep` and runs the handler as a frame whose result goes
    /// to `cont`. `Some`: the finished result; `None`: a Lua handler's frame was
    /// pushed, to run next.
    #[inline(never)]
    pub(crate) fn meta_slow(
        &mut self,
        fi: usize,
        pc: usize,
        top: usize,
        cont: super::frame::Cont,
        prep: Prep,
    ) -> Result<Option<Value>, LuaError> {
        self.frames[fi].pc = pc;
        self.top = top;
        let m = match prep {
            Prep::Arith(op, a, b) => self.arith_prep(op, a, b),
            Prep::Index(obj, key) => self.index_prep(obj, key),
            Prep::Len(v) => self.len_prep(v),
            Prep::Eq(a, b) => self.equals_prep(a, b),
            Prep::Less(a, b, le) => self.less_prep(a, b, le),
        }?;
        self.run_meta(m, cont)
    }

    /// `obj[key]` with `__index`, calling a function handler directly (for natives).
    pub(crate) fn index(&mut self, obj: Value, key: Value) -> Result<Value, LuaError> {
        match self.index_prep(obj, key)? {
            Meta::Done(v) => Ok(v),
            Meta::Call(f, args, n, _) => self.call1(f, &args[..n]),
        }
    }

    /// Walks the `__index` chain of `obj[key]` up to a result or a handler to call.
    pub(crate) fn index_prep(&mut self, obj: Value, key: Value) -> Result<Meta, LuaError> {
        let mut o = obj;
        for _ in 0..MAX_TAG_LOOP {
            let tm = match o {
                Value::Table(t) => {
                    let v = t.get().get(key);
                    if !v.is_nil() {
                        return Ok(Meta::Done(v));
                    }
                    match t.meta {
                        None => return Ok(Meta::Done(Value::Nil)),
                        Some(mt) => {
                            let h = mt.get().get_str(self.tm_name(Tm::Index));
                            if h.is_nil() {
                                return Ok(Meta::Done(Value::Nil));
                            }
                            h
                        }
                    }
                }
                _ => {
                    let h = self.metamethod(o, Tm::Index);
                    if h.is_nil() {
                        return Err(self.index_error(o, key, obj));
                    }
                    h
                }
            };
            if matches!(tm, Value::LuaFn(_) | Value::NatFn(_)) {
                return Ok(Meta::Call(tm, [o, key, Value::Nil], 2, false));
            }
            o = tm;
        }
        Err(LuaError::rt("'__index' chain too long; possible loop"))
    }

    fn index_error(&mut self, o: Value, key: Value, orig: Value) -> LuaError {
        let mut msg = format!("attempt to index a {} value", self.type_name_of(o));
        // (By identity: a NaN indexed directly is still named.)
        if o.identical(&orig) {
            msg.push_str(&self.operand_info(0));
        }
        let _ = key;
        LuaError::rt(msg)
    }

    /// `obj[key] = val` with `__newindex`, calling a function handler directly.
    pub(crate) fn set_index(&mut self, obj: Value, key: Value, val: Value) -> Result<(), LuaError> {
        match self.set_index_prep(obj, key, val)? {
            Meta::Done(_) => Ok(()),
            Meta::Call(f, args, n, _) => {
                let saved = self.top;
                let r = self.call_raw(f, &args[..n], 0);
                self.top = saved;
                r.map(|_| ())
            }
        }
    }

    /// Walks the `__newindex` chain: stores raw, or names the handler to call.
    pub(crate) fn set_index_prep(
        &mut self,
        obj: Value,
        key: Value,
        val: Value,
    ) -> Result<Meta, LuaError> {
        let mut o = obj;
        for _ in 0..MAX_TAG_LOOP {
            let tm = match o {
                Value::Table(t) => {
                    let tb = t.get();
                    let h = match tb.meta {
                        None => Value::Nil,
                        Some(mt) => mt.get().get_str(self.tm_name(Tm::NewIndex)),
                    };
                    if h.is_nil() || !tb.get(key).is_nil() {
                        return self.raw_set(t, key, val).map(|_| Meta::Done(Value::Nil));
                    }
                    h
                }
                _ => {
                    let h = self.metamethod(o, Tm::NewIndex);
                    if h.is_nil() {
                        return Err(self.index_error(o, key, obj));
                    }
                    h
                }
            };
            if matches!(tm, Value::LuaFn(_) | Value::NatFn(_)) {
                return Ok(Meta::Call(tm, [o, key, val], 3, false));
            }
            o = tm;
        }
        Err(LuaError::rt("'__newindex' chain too long; possible loop"))
    }

    /// `rawset` with key validation.
    #[inline]
    pub fn raw_set(&mut self, t: Gc<Table>, key: Value, val: Value) -> Result<(), LuaError> {
        match key {
            Value::Nil => return Err(LuaError::rt("table index is nil")),
            Value::Num(f) if f.is_nan() => return Err(LuaError::rt("table index is NaN")),
            _ => {}
        }
        let grown = t.get_mut().set(key, val);
        if grown > 0 {
            self.heap.account(grown as isize);
        }
        Ok(())
    }

    /// Arithmetic on numbers (and numeric strings), or the metamethod to call.
    pub(crate) fn arith_prep(&mut self, op: ArithOp, a: Value, b: Value) -> Result<Meta, LuaError> {
        // Strings convert to numbers for arithmetic, but not for bitwise operators.
        let (na, nb) = if op.is_bitwise() {
            let num = |v: Value| matches!(v, Value::Int(_) | Value::Num(_)).then_some(v);
            (num(a), num(b))
        } else {
            (self.to_number_coerce(a), self.to_number_coerce(b))
        };
        if let (Some(x), Some(y)) = (na, nb) {
            match arith::arith_numbers(op, x, y) {
                Some(Ok(v)) => return Ok(Meta::Done(v)),
                Some(Err(m)) if !op.is_bitwise() => return Err(LuaError::rt(m)),
                _ => {}
            }
        }
        let ev = arith_tm(op);
        let mut tm = self.metamethod(a, ev);
        if tm.is_nil() {
            tm = self.metamethod(b, ev);
        }
        if !tm.is_nil() {
            return Ok(Meta::Call(tm, [a, b, Value::Nil], 2, false));
        }
        // Error: blame the operand that is not a number (the second if the first is).
        if op.is_bitwise() && na.is_some() && nb.is_some() {
            let which = if arith::to_int_exact(a).is_none() {
                0
            } else {
                1
            };
            let info = self.operand_info(which);
            return Err(LuaError::rt(format!(
                "number{info} has no integer representation"
            )));
        }
        let (bad, which) = if na.is_none() { (a, 0) } else { (b, 1) };
        let what = if op.is_bitwise() {
            "perform bitwise operation on"
        } else {
            "perform arithmetic on"
        };
        let info = self.operand_info(which);
        Err(LuaError::rt(format!(
            "attempt to {} a {} value{}",
            what,
            self.type_name_of(bad),
            info
        )))
    }

    /// Numbers, and strings that convert to numbers (arithmetic coercion).
    pub fn to_number_coerce(&self, v: Value) -> Option<Value> {
        number_coerce(v)
    }

    /// Equality with `__eq` (handler called directly).
    pub(crate) fn equals(&mut self, a: Value, b: Value) -> Result<bool, LuaError> {
        match self.equals_prep(a, b)? {
            Meta::Done(v) => Ok(v.is_truthy()),
            Meta::Call(f, args, n, _) => Ok(self.call1(f, &args[..n])?.is_truthy()),
        }
    }

    /// Raw equality, or the `__eq` handler to call (its result's truthiness decides).
    pub(crate) fn equals_prep(&mut self, a: Value, b: Value) -> Result<Meta, LuaError> {
        if a.raw_eq(&b) {
            return Ok(Meta::Done(Value::Bool(true)));
        }
        let tm = match (a, b) {
            (Value::Table(_), Value::Table(_)) | (Value::UData(_), Value::UData(_)) => {
                let t = self.metamethod(a, Tm::Eq);
                if t.is_nil() {
                    self.metamethod(b, Tm::Eq)
                } else {
                    t
                }
            }
            _ => return Ok(Meta::Done(Value::Bool(false))),
        };
        if tm.is_nil() {
            return Ok(Meta::Done(Value::Bool(false)));
        }
        Ok(Meta::Call(tm, [a, b, Value::Nil], 2, false))
    }

    /// `a < b` (or `a <= b` with `le`) with metamethods (handler called directly).
    pub(crate) fn less(&mut self, a: Value, b: Value, le: bool) -> Result<bool, LuaError> {
        match self.less_prep(a, b, le)? {
            Meta::Done(v) => Ok(v.is_truthy()),
            Meta::Call(f, args, n, negate) => Ok(self.call1(f, &args[..n])?.is_truthy() != negate),
        }
    }

    /// Compares numbers or strings, or names the `__lt`/`__le` handler to call; the
    /// flag asks to negate its result (the `__le` via `not __lt` fallback).
    pub(crate) fn less_prep(&mut self, a: Value, b: Value, le: bool) -> Result<Meta, LuaError> {
        let r = if le {
            arith::num_le(a, b)
        } else {
            arith::num_lt(a, b)
        };
        if let Some(r) = r {
            return Ok(Meta::Done(Value::Bool(r)));
        }
        if let (Value::Str(x), Value::Str(y)) = (a, b) {
            let (x, y) = (x.as_bytes(), y.as_bytes());
            return Ok(Meta::Done(Value::Bool(if le { x <= y } else { x < y })));
        }
        let ev = if le { Tm::Le } else { Tm::Lt };
        let mut tm = self.metamethod(a, ev);
        if tm.is_nil() {
            tm = self.metamethod(b, ev);
        }
        if !tm.is_nil() {
            return Ok(Meta::Call(tm, [a, b, Value::Nil], 2, false));
        }
        if le {
            // lua5.4 is built with LUA_COMPAT_LT_LE: `a <= b` may use `not (b < a)`.
            let mut tm = self.metamethod(b, Tm::Lt);
            if tm.is_nil() {
                tm = self.metamethod(a, Tm::Lt);
            }
            if !tm.is_nil() {
                return Ok(Meta::Call(tm, [b, a, Value::Nil], 2, true));
            }
        }
        let (ta, tb) = (self.type_name_of(a), self.type_name_of(b));
        Err(LuaError::rt(if ta == tb {
            format!("attempt to compare two {ta} values")
        } else {
            format!("attempt to compare {ta} with {tb}")
        }))
    }

    /// The length operator `#v` (handler called directly).
    pub(crate) fn len(&mut self, v: Value) -> Result<Value, LuaError> {
        match self.len_prep(v)? {
            Meta::Done(v) => Ok(v),
            Meta::Call(f, args, n, _) => self.call1(f, &args[..n]),
        }
    }

    /// The length of a string or table, or the `__len` handler to call.
    pub(crate) fn len_prep(&mut self, v: Value) -> Result<Meta, LuaError> {
        match v {
            Value::Str(s) => Ok(Meta::Done(Value::Int(s.len() as i64))),
            _ => {
                let tm = self.metamethod(v, Tm::Len);
                if !tm.is_nil() {
                    return Ok(Meta::Call(tm, [v, v, Value::Nil], 2, false));
                }
                match v {
                    Value::Table(t) => Ok(Meta::Done(Value::Int(t.len() as i64))),
                    _ => {
                        let info = self.operand_info(0);
                        Err(LuaError::rt(format!(
                            "attempt to get length of a {} value{}",
                            self.type_name_of(v),
                            info
                        )))
                    }
                }
            }
        }
    }

    /// Concatenates from the right as far as strings and numbers go. Returns `None`
    /// when done, or `(handler, a, b, m)`: call `__concat(a, b)`, store its result at
    /// `first + m - 2`, then continue with `m - 1` values.
    pub(crate) fn concat_prep(
        &mut self,
        first: usize,
        n: usize,
    ) -> Result<Option<(Value, Value, Value, usize)>, LuaError> {
        let mut n = n;
        while n > 1 {
            let top = first + n;
            let (a, b) = (self.stack[top - 2], self.stack[top - 1]);
            if is_strnum(a) && is_strnum(b) {
                // Gather as many string/number operands as possible.
                let mut k = 2;
                while k < n && is_strnum(self.stack[top - k - 1]) {
                    k += 1;
                }
                // Check the size before building anything.
                let total: usize = self.stack[top - k..top]
                    .iter()
                    .map(|&v| strnum_len(v))
                    .sum();
                if total > self.max_string {
                    return Err(LuaError::rt(format!(
                        "string length overflow (limit is {} bytes)",
                        self.max_string
                    )));
                }
                // The new string must fit the memory quota, and its bytes (copied,
                // then hashed) are charged before it is built.
                self.check_alloc(total)?;
                self.charge_bytes(total)?;
                if total <= crate::value::MAX_SHORT {
                    if let Some(s) = self.concat_short(top - k, top, total) {
                        self.stack[top - k] = s;
                        n -= k - 1;
                        continue;
                    }
                }
                let mut buf = Vec::with_capacity(total);
                for i in top - k..top {
                    self.append_strnum(&mut buf, self.stack[i]);
                }
                let s = self.new_str_vec(buf);
                self.stack[top - k] = s;
                n -= k - 1;
            } else {
                let mut tm = self.metamethod(a, Tm::Concat);
                if tm.is_nil() {
                    tm = self.metamethod(b, Tm::Concat);
                }
                if tm.is_nil() {
                    let bad = if is_strnum(a) { b } else { a };
                    let which = if is_strnum(a) { top - 1 } else { top - 2 };
                    let info = self.reg_info(which);
                    return Err(LuaError::rt(format!(
                        "attempt to concatenate a {} value{}",
                        self.type_name_of(bad),
                        info
                    )));
                }
                return Ok(Some((tm, a, b, n)));
            }
        }
        Ok(None)
    }

    /// Concatenates the strings `stack[from..to]` (`total` bytes, short) in a buffer
    /// on the native stack: a result already interned costs no allocation. `None`
    /// if an operand is a number.
    fn concat_short(&mut self, from: usize, to: usize, total: usize) -> Option<Value> {
        let mut buf = [0u8; crate::value::MAX_SHORT];
        let mut len = 0;
        for v in &self.stack[from..to] {
            let Value::Str(s) = v else { return None };
            let b = s.as_bytes();
            buf[len..len + b.len()].copy_from_slice(b);
            len += b.len();
        }
        debug_assert_eq!(len, total);
        Some(self.new_str(&buf[..len]))
    }

    /// Appends the string form of a string or number.
    pub fn append_strnum(&self, buf: &mut Vec<u8>, v: Value) {
        match v {
            Value::Str(s) => buf.extend_from_slice(s.as_bytes()),
            Value::Int(i) => crate::stdlib::numfmt::write_int(buf, i),
            Value::Num(f) => crate::stdlib::numfmt::write_float(buf, f),
            _ => {}
        }
    }

    /// `tostring(v)` with `__tostring` and `__name`.
    pub fn tostring(&mut self, v: Value) -> Result<Value, LuaError> {
        let tm = self.metamethod(v, Tm::ToString);
        if !tm.is_nil() {
            let r = self.call1(tm, &[v])?;
            if !matches!(r, Value::Str(_) | Value::Int(_) | Value::Num(_)) {
                return Err(LuaError::rt("'__tostring' must return a string"));
            }
            return Ok(r);
        }
        Ok(match v {
            Value::Str(_) => v,
            Value::Int(_) | Value::Num(_) => {
                let mut b = Vec::new();
                self.append_strnum(&mut b, v);
                self.new_str_vec(b)
            }
            Value::Nil => self.new_str(b"nil"),
            Value::Bool(true) => self.new_str(b"true"),
            Value::Bool(false) => self.new_str(b"false"),
            _ => {
                let id = match v {
                    Value::Table(g) => self.object_id(g) as usize,
                    Value::LuaFn(g) => self.object_id(g) as usize,
                    Value::NatFn(g) => self.object_id(g) as usize,
                    Value::UData(g) => self.object_id(g) as usize,
                    Value::Thread(g) => self.object_id(g) as usize,
                    Value::LightUd(p) => p,
                    _ => 0,
                };
                let name = self.lib_type_name(v);
                let s = format!("{}: 0x{:08x}", name, id);
                self.new_str_vec(s.into_bytes())
            }
        })
    }
}

/// The length of a string, or of a number's text: exact for integers, a bound
/// for floats (`%.14g` never needs more than 24 bytes).
#[inline]
fn strnum_len(v: Value) -> usize {
    match v {
        Value::Str(s) => s.len(),
        Value::Int(i) => {
            usize::from(i < 0)
                + i.unsigned_abs()
                    .checked_ilog10()
                    .map_or(1, |d| d as usize + 1)
        }
        _ => 24,
    }
}

#[inline]
fn is_strnum(v: Value) -> bool {
    matches!(v, Value::Str(_) | Value::Int(_) | Value::Num(_))
}

fn arith_tm(op: ArithOp) -> Tm {
    match op {
        ArithOp::Add => Tm::Add,
        ArithOp::Sub => Tm::Sub,
        ArithOp::Mul => Tm::Mul,
        ArithOp::Mod => Tm::Mod,
        ArithOp::Pow => Tm::Pow,
        ArithOp::Div => Tm::Div,
        ArithOp::IDiv => Tm::IDiv,
        ArithOp::BAnd => Tm::BAnd,
        ArithOp::BOr => Tm::BOr,
        ArithOp::BXor => Tm::BXor,
        ArithOp::Shl => Tm::Shl,
        ArithOp::Shr => Tm::Shr,
        ArithOp::Unm => Tm::Unm,
        ArithOp::BNot => Tm::BNot,
    }
}

/// Numbers, and strings that convert to numbers (Lua's arithmetic coercion).
pub(crate) fn number_coerce(v: Value) -> Option<Value> {
    match v {
        Value::Int(_) | Value::Num(_) => Some(v),
        Value::Str(s) => match crate::syntax::numeral::str_to_number(s.as_bytes())? {
            crate::syntax::numeral::Numeral::Int(i) => Some(Value::Int(i)),
            crate::syntax::numeral::Numeral::Float(f) => Some(Value::Num(f)),
        },
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strnum_len_bounds_the_text() {
        let vm = Vm::new();
        for v in [
            Value::Int(0),
            Value::Int(9),
            Value::Int(10),
            Value::Int(-1),
            Value::Int(i64::MIN),
            Value::Int(i64::MAX),
            Value::Num(-1.7976931348623157e308),
            Value::Num(-2.2250738585072014e-308),
            Value::Num(-1e-300 / 3.0),
            Value::Num(-0.0),
            Value::Num(-123456789012345.6),
            Value::Num(f64::NAN),
            Value::Num(f64::NEG_INFINITY),
        ] {
            let mut b = Vec::new();
            vm.append_strnum(&mut b, v);
            match v {
                Value::Int(_) => assert_eq!(strnum_len(v), b.len(), "{v:?}"),
                _ => assert!(strnum_len(v) >= b.len(), "{v:?}"),
            }
        }
    }
}
