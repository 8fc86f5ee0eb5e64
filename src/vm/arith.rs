//! Lua 5.4 number semantics: integer/float arithmetic, conversions and comparisons.

use crate::value::Value;

/// Arithmetic and bitwise operations (the order matches the metamethod events).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArithOp {
    Add,
    Sub,
    Mul,
    Mod,
    Pow,
    Div,
    IDiv,
    BAnd,
    BOr,
    BXor,
    Shl,
    Shr,
    Unm,
    BNot,
}

impl ArithOp {
    /// The metamethod event name (`__add`, ...).
    pub fn event(self) -> &'static str {
        match self {
            ArithOp::Add => "__add",
            ArithOp::Sub => "__sub",
            ArithOp::Mul => "__mul",
            ArithOp::Mod => "__mod",
            ArithOp::Pow => "__pow",
            ArithOp::Div => "__div",
            ArithOp::IDiv => "__idiv",
            ArithOp::BAnd => "__band",
            ArithOp::BOr => "__bor",
            ArithOp::BXor => "__bxor",
            ArithOp::Shl => "__shl",
            ArithOp::Shr => "__shr",
            ArithOp::Unm => "__unm",
            ArithOp::BNot => "__bnot",
        }
    }

    /// True for the bitwise operations (which need integer operands).
    pub fn is_bitwise(self) -> bool {
        matches!(
            self,
            ArithOp::BAnd
                | ArithOp::BOr
                | ArithOp::BXor
                | ArithOp::Shl
                | ArithOp::Shr
                | ArithOp::BNot
        )
    }
}

/// 2^63 as a float: the first float above every `i64`.
pub const TWO63: f64 = 9_223_372_036_854_775_808.0;

/// Exact float-to-integer conversion (`math.tointeger` semantics).
#[inline]
pub fn float_to_int(f: f64) -> Option<i64> {
    if f.fract() == 0.0 && (-TWO63..TWO63).contains(&f) {
        Some(f as i64)
    } else {
        None
    }
}

/// `i == f` with exact semantics.
#[inline]
pub fn int_eq_float(i: i64, f: f64) -> bool {
    float_to_int(f) == Some(i)
}

/// Integer floor division (`//`); `b` must not be zero.
#[inline]
pub fn idiv_int(a: i64, b: i64) -> i64 {
    if b == -1 {
        return a.wrapping_neg();
    }
    let q = a / b;
    if (a % b != 0) && ((a < 0) != (b < 0)) {
        q - 1
    } else {
        q
    }
}

/// Integer modulo with the sign of the divisor; `b` must not be zero.
#[inline]
pub fn mod_int(a: i64, b: i64) -> i64 {
    if b == -1 {
        return 0;
    }
    let r = a % b;
    if r != 0 && ((r ^ b) < 0) {
        r + b
    } else {
        r
    }
}

/// Float modulo as Lua defines it (`a - floor(a/b)*b`, computed with fmod).
#[inline]
pub fn mod_float(a: f64, b: f64) -> f64 {
    let r = libm::fmod(a, b);
    if r != 0.0 && ((r > 0.0) != (b > 0.0)) {
        r + b
    } else {
        r
    }
}

/// Logical shift left (negative `n` shifts right).
#[inline]
pub fn shift_left(a: i64, n: i64) -> i64 {
    if n <= -64 || n >= 64 {
        0
    } else if n >= 0 {
        ((a as u64) << n) as i64
    } else {
        ((a as u64) >> (-n)) as i64
    }
}

/// Converts a number value to an integer for bitwise operations.
#[inline]
pub fn to_int_exact(v: Value) -> Option<i64> {
    match v {
        Value::Int(i) => Some(i),
        Value::Num(f) => float_to_int(f),
        _ => None,
    }
}

#[inline]
fn to_f(v: Value) -> Option<f64> {
    match v {
        Value::Int(i) => Some(i as f64),
        Value::Num(f) => Some(f),
        _ => None,
    }
}

/// Applies `op` to two numbers. `None` if an operand is not a number (metamethod
/// territory); `Some(Err(msg))` for Lua errors such as integer division by zero.
pub fn arith_numbers(op: ArithOp, a: Value, b: Value) -> Option<Result<Value, &'static str>> {
    use ArithOp::*;
    if op.is_bitwise() {
        if !matches!(a, Value::Int(_) | Value::Num(_))
            || !matches!(b, Value::Int(_) | Value::Num(_))
        {
            return None;
        }
        let (x, y) = match (to_int_exact(a), to_int_exact(b)) {
            (Some(x), Some(y)) => (x, y),
            _ => return Some(Err("number has no integer representation")),
        };
        return Some(Ok(Value::Int(match op {
            BAnd => x & y,
            BOr => x | y,
            BXor => x ^ y,
            Shl => shift_left(x, y),
            Shr => shift_left(x, y.wrapping_neg()),
            BNot => !x,
            _ => unreachable!(),
        })));
    }
    if let (Value::Int(x), Value::Int(y)) = (a, b) {
        return Some(Ok(match op {
            Add => Value::Int(x.wrapping_add(y)),
            Sub => Value::Int(x.wrapping_sub(y)),
            Mul => Value::Int(x.wrapping_mul(y)),
            Unm => Value::Int(x.wrapping_neg()),
            IDiv => {
                if y == 0 {
                    return Some(Err("attempt to divide by zero"));
                }
                Value::Int(idiv_int(x, y))
            }
            Mod => {
                if y == 0 {
                    return Some(Err("attempt to perform 'n%0'"));
                }
                Value::Int(mod_int(x, y))
            }
            Div => Value::Num(x as f64 / y as f64),
            Pow => Value::Num(pow_float(x as f64, y as f64)),
            _ => unreachable!(),
        }));
    }
    let (x, y) = (to_f(a)?, to_f(b)?);
    Some(Ok(Value::Num(match op {
        Add => x + y,
        Sub => x - y,
        Mul => x * y,
        Div => x / y,
        Mod => mod_float_lua(x, y),
        IDiv => libm::floor(x / y),
        Pow => pow_float(x, y),
        Unm => -x,
        _ => unreachable!(),
    })))
}

/// Float modulo as the `%` operator computes it. Infinite divisors need no special
/// case: `fmod(x, ±inf)` is `x` for finite `x`, which [`mod_float`] corrects to `±inf`
/// exactly when `x` is non-zero with the other sign (so `±0.0 % -inf` stays `±0.0`).
#[inline]
pub fn mod_float_lua(x: f64, y: f64) -> f64 {
    mod_float(x, y)
}

/// Float power with the exact fast cases.
#[inline]
pub fn pow_float(x: f64, y: f64) -> f64 {
    // Correctly rounded, the same on every platform (its own exact cases include
    // `y == 2` and `y == 0.5` with C's signs: `(-0.0)^0.5` is `0.0`).
    crate::stdlib::math::crpow::pow(x, y)
}

/// `a < b` for numbers with exact int/float semantics.
#[inline]
pub fn num_lt(a: Value, b: Value) -> Option<bool> {
    Some(match (a, b) {
        (Value::Int(x), Value::Int(y)) => x < y,
        (Value::Num(x), Value::Num(y)) => x < y,
        (Value::Int(i), Value::Num(f)) => int_lt_float(i, f),
        (Value::Num(f), Value::Int(i)) => float_lt_int(f, i),
        _ => return None,
    })
}

/// `a <= b` for numbers with exact int/float semantics.
#[inline]
pub fn num_le(a: Value, b: Value) -> Option<bool> {
    Some(match (a, b) {
        (Value::Int(x), Value::Int(y)) => x <= y,
        (Value::Num(x), Value::Num(y)) => x <= y,
        (Value::Int(i), Value::Num(f)) => int_le_float(i, f),
        (Value::Num(f), Value::Int(i)) => float_le_int(f, i),
        _ => return None,
    })
}

fn int_lt_float(i: i64, f: f64) -> bool {
    if f.is_nan() {
        false
    } else if f >= TWO63 {
        true
    } else if f > -TWO63 {
        // ceil(f) fits in an integer: i < f  <=>  i < ceil(f)
        i < libm::ceil(f) as i64
    } else {
        false
    }
}

fn int_le_float(i: i64, f: f64) -> bool {
    if f.is_nan() {
        false
    } else if f >= TWO63 {
        true
    } else if f >= -TWO63 {
        i <= libm::floor(f) as i64
    } else {
        false
    }
}

fn float_lt_int(f: f64, i: i64) -> bool {
    if f.is_nan() || f >= TWO63 {
        false
    } else if f >= -TWO63 {
        (libm::floor(f) as i64) < i
    } else {
        true
    }
}

fn float_le_int(f: f64, i: i64) -> bool {
    if f.is_nan() || f >= TWO63 {
        false
    } else if f > -TWO63 {
        (libm::ceil(f) as i64) <= i
    } else {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floor_division_and_modulo_follow_lua() {
        assert_eq!(idiv_int(7, -2), -4);
        assert_eq!(idiv_int(-7, 2), -4);
        assert_eq!(mod_int(5, -3), -1);
        assert_eq!(mod_int(-5, 3), 1);
        assert_eq!(idiv_int(i64::MIN, -1), i64::MIN);
        assert_eq!(mod_float(5.5, -2.0), -0.5);
    }

    #[test]
    fn float_modulo_by_infinity_keeps_signed_zeros() {
        let inf = f64::INFINITY;
        let bits = |x: f64| x.to_bits();
        assert_eq!(bits(mod_float_lua(0.0, -inf)), bits(0.0));
        assert_eq!(bits(mod_float_lua(-0.0, -inf)), bits(-0.0));
        assert_eq!(bits(mod_float_lua(0.0, inf)), bits(0.0));
        assert_eq!(bits(mod_float_lua(-0.0, inf)), bits(-0.0));
        assert_eq!(mod_float_lua(5.5, inf), 5.5);
        assert_eq!(mod_float_lua(-5.5, -inf), -5.5);
        assert_eq!(mod_float_lua(5.5, -inf), -inf);
        assert_eq!(mod_float_lua(-5.5, inf), inf);
        assert!(mod_float_lua(inf, 2.0).is_nan());
        assert!(mod_float_lua(1.0, 0.0).is_nan());
    }

    #[test]
    fn mixed_comparisons_are_exact() {
        let big = (1i64 << 53) + 1;
        assert!(!int_eq_float(big, (1i64 << 53) as f64));
        assert_eq!(
            num_lt(Value::Int(big), Value::Num((1i64 << 53) as f64)),
            Some(false)
        );
        assert_eq!(num_le(Value::Num(2.5), Value::Int(3)), Some(true));
        assert_eq!(num_lt(Value::Int(i64::MAX), Value::Num(TWO63)), Some(true));
    }

    #[test]
    fn shifts_saturate() {
        assert_eq!(shift_left(1, 64), 0);
        assert_eq!(shift_left(-1, -63), 1);
        assert_eq!(shift_left(1, 63), i64::MIN);
    }
}
