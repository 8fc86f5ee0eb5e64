//! Conversion of numerals (source literals and strings) to Lua numbers.
//!
//! The same routine serves the lexer, `tonumber` and string->number coercion,
//! mirroring the reference implementation where all three share `luaO_str2num`.

/// A Lua number: either an integer or a float subtype.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Numeral {
    Int(i64),
    Float(f64),
}

/// The characters Lua's `lisspace` accepts (C `isspace` in the "C" locale).
#[inline]
pub fn is_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

/// Value of a hexadecimal digit, if `c` is one.
#[inline]
pub fn hex_value(c: u8) -> Option<u32> {
    match c {
        b'0'..=b'9' => Some(u32::from(c - b'0')),
        b'a'..=b'f' => Some(u32::from(c - b'a' + 10)),
        b'A'..=b'F' => Some(u32::from(c - b'A' + 10)),
        _ => None,
    }
}

/// Lua's string->number conversion (as used by tonumber and arithmetic coercion):
/// accepts leading/trailing whitespace, optional sign, decimal ints, hex ints (wrap
/// around modulo 2^64), decimal floats with exponent, hex floats ("0x1.8p3");
/// "inf"/"nan" are NOT accepted. Decimal integers that overflow i64 become floats.
/// Returns None if not a valid numeral.
pub fn str_to_number(s: &[u8]) -> Option<Numeral> {
    if let Some(i) = str_to_int(s) {
        return Some(Numeral::Int(i));
    }
    str_to_float(s).map(Numeral::Float)
}

/// Strips Lua whitespace from both ends.
fn trim(s: &[u8]) -> &[u8] {
    let start = s.iter().position(|&c| !is_space(c)).unwrap_or(s.len());
    let end = s
        .iter()
        .rposition(|&c| !is_space(c))
        .map_or(start, |p| p + 1);
    &s[start..end]
}

/// Splits an optional leading sign; returns (is_negative, rest).
fn split_sign(s: &[u8]) -> (bool, &[u8]) {
    match s.first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    }
}

/// Integer syntax: decimal digits (rejected on overflow so the caller falls back
/// to a float) or `0x` hex digits (wrapping modulo 2^64).
fn str_to_int(s: &[u8]) -> Option<i64> {
    let (neg, s) = split_sign(trim(s));
    let mut acc: u64 = 0;
    if s.len() >= 2 && s[0] == b'0' && (s[1] | 0x20) == b'x' {
        let digits = &s[2..];
        if digits.is_empty() {
            return None;
        }
        for &c in digits {
            acc = acc.wrapping_mul(16).wrapping_add(u64::from(hex_value(c)?));
        }
    } else {
        if s.is_empty() {
            return None;
        }
        // The magnitude may reach 2^63 only for a negative number.
        let max = if neg { 1u64 << 63 } else { i64::MAX as u64 };
        for &c in s {
            if !c.is_ascii_digit() {
                return None;
            }
            acc = acc.checked_mul(10)?.checked_add(u64::from(c - b'0'))?;
            if acc > max {
                return None;
            }
        }
    }
    let v = acc as i64;
    Some(if neg { v.wrapping_neg() } else { v })
}

/// Float syntax accepted by C `strtod`, minus infinities and NaNs.
fn str_to_float(s: &[u8]) -> Option<f64> {
    // Like the reference, anything mentioning 'n' is rejected up front ("inf", "nan").
    if s.iter().any(|&c| c | 0x20 == b'n') || s.contains(&0) {
        return None;
    }
    let (neg, s) = split_sign(trim(s));
    let v = if s.len() >= 2 && s[0] == b'0' && (s[1] | 0x20) == b'x' {
        hex_float(&s[2..])?
    } else {
        dec_float(s)?
    };
    Some(if neg { -v } else { v })
}

/// Decimal float: `digits [. digits] [(e|E) [sign] digits]` with at least one
/// mantissa digit. Validated here, then converted by the (correctly rounding)
/// standard library parser.
fn dec_float(s: &[u8]) -> Option<f64> {
    let mut i = 0;
    let mut digits = 0;
    while i < s.len() && s[i].is_ascii_digit() {
        i += 1;
        digits += 1;
    }
    if i < s.len() && s[i] == b'.' {
        i += 1;
        while i < s.len() && s[i].is_ascii_digit() {
            i += 1;
            digits += 1;
        }
    }
    if digits == 0 {
        return None;
    }
    if i < s.len() && (s[i] | 0x20) == b'e' {
        i += 1;
        if i < s.len() && (s[i] == b'+' || s[i] == b'-') {
            i += 1;
        }
        let exp_start = i;
        while i < s.len() && s[i].is_ascii_digit() {
            i += 1;
        }
        if i == exp_start {
            return None;
        }
    }
    if i != s.len() {
        return None;
    }
    std::str::from_utf8(s).ok()?.parse::<f64>().ok()
}

/// Hexadecimal float after the `0x` prefix: `hexdigits [. hexdigits] [(p|P) [sign] digits]`.
fn hex_float(s: &[u8]) -> Option<f64> {
    let mut mant: u64 = 0;
    let mut exp: i64 = 0; // binary exponent adjustment for the mantissa
    let mut sticky = false; // some nonzero digit did not fit in `mant`
    let mut any_digit = false;
    let mut seen_dot = false;
    let mut i = 0;
    while i < s.len() {
        let c = s[i];
        if c == b'.' {
            if seen_dot {
                break;
            }
            seen_dot = true;
        } else if let Some(d) = hex_value(c) {
            any_digit = true;
            if mant < 1 << 60 {
                mant = mant * 16 + u64::from(d);
                if seen_dot {
                    exp -= 4;
                }
            } else {
                sticky |= d != 0;
                if !seen_dot {
                    exp += 4;
                }
            }
        } else {
            break;
        }
        i += 1;
    }
    if !any_digit {
        return None;
    }
    if i < s.len() && (s[i] | 0x20) == b'p' {
        i += 1;
        let mut eneg = false;
        if i < s.len() && (s[i] == b'+' || s[i] == b'-') {
            eneg = s[i] == b'-';
            i += 1;
        }
        let start = i;
        let mut e: i64 = 0;
        while i < s.len() && s[i].is_ascii_digit() {
            // Saturate: anything this large already over/underflows.
            e = (e * 10 + i64::from(s[i] - b'0')).min(1 << 20);
            i += 1;
        }
        if i == start {
            return None;
        }
        exp += if eneg { -e } else { e };
    }
    if i != s.len() {
        return None;
    }
    if sticky {
        // `mant` has at least 60 significant bits here, so bit 0 lies below the
        // rounding position and acts as a sticky bit.
        mant |= 1;
    }
    Some(compose_f64(mant, exp))
}

/// `2^k` for a normal exponent `k` in -1022..=1023.
fn pow2(k: i64) -> f64 {
    f64::from_bits(((k + 1023) as u64) << 52)
}

/// Correctly rounded (to nearest, ties to even) value of `mant * 2^exp`.
fn compose_f64(mant: u64, exp: i64) -> f64 {
    if mant == 0 {
        return 0.0;
    }
    let lz = i64::from(mant.leading_zeros());
    let m = mant << lz;
    let e2 = exp - lz; // value = m * 2^e2, with m in [2^63, 2^64)
    let top = e2 + 63; // exponent of the leading bit
    if top > 1023 {
        return f64::INFINITY;
    }
    // Significant bits available at this magnitude (fewer for subnormals).
    let keep = if top >= -1022 { 53 } else { 53 + (top + 1022) };
    if keep < 0 {
        return 0.0; // below half the smallest subnormal
    }
    let shift = (64 - keep) as u32; // 11..=64
    let wide = u128::from(m);
    let mut q = wide >> shift;
    let rem = wide & ((1u128 << shift) - 1);
    let half = 1u128 << (shift - 1);
    if rem > half || (rem == half && q & 1 == 1) {
        q += 1;
    }
    // q <= 2^53, exactly representable; scaling by powers of two is exact here.
    let k = e2 + i64::from(shift);
    let q = q as f64;
    if k < -1022 {
        q * pow2(k + 1022) * pow2(-1022)
    } else {
        q * pow2(k)
    }
}

#[cfg(test)]
mod tests {
    use super::Numeral::{Float, Int};
    use super::*;

    fn n(s: &str) -> Option<Numeral> {
        str_to_number(s.as_bytes())
    }

    #[test]
    fn integers() {
        assert_eq!(n("10"), Some(Int(10)));
        assert_eq!(n(" 10 "), Some(Int(10)));
        assert_eq!(n("\t\n-10\x0b\x0c\r"), Some(Int(-10)));
        assert_eq!(n("+7"), Some(Int(7)));
        assert_eq!(n("0x7fffffffffffffff"), Some(Int(i64::MAX)));
        assert_eq!(n("0xffffffffffffffff"), Some(Int(-1)));
        assert_eq!(n("0x10000000000000001"), Some(Int(1)));
        assert_eq!(n("-0x1"), Some(Int(-1)));
        assert_eq!(n("0XaBc"), Some(Int(0xabc)));
        assert_eq!(n("9223372036854775807"), Some(Int(i64::MAX)));
        assert_eq!(n("-9223372036854775808"), Some(Int(i64::MIN)));
        assert_eq!(n("007"), Some(Int(7)));
    }

    #[test]
    fn integer_overflow_becomes_float() {
        assert_eq!(n("9223372036854775808"), Some(Float(9223372036854775808.0)));
        assert_eq!(
            n("-9223372036854775809"),
            Some(Float(-9223372036854775808.0))
        );
        assert_eq!(n("100000000000000000000"), Some(Float(1e20)));
    }

    #[test]
    fn floats() {
        assert_eq!(n("1.5"), Some(Float(1.5)));
        assert_eq!(n("3."), Some(Float(3.0)));
        assert_eq!(n(".5"), Some(Float(0.5)));
        assert_eq!(n("1e10"), Some(Float(1e10)));
        assert_eq!(n("1E-2"), Some(Float(0.01)));
        assert_eq!(n("-2.5e+3"), Some(Float(-2500.0)));
        assert_eq!(n("1e400"), Some(Float(f64::INFINITY)));
        assert_eq!(n("1e-400"), Some(Float(0.0)));
        assert_eq!(n("0.1"), Some(Float(0.1)));
    }

    #[test]
    fn hex_floats() {
        assert_eq!(n("0x1p-2"), Some(Float(0.25)));
        assert_eq!(n("0x1.8p3"), Some(Float(12.0)));
        assert_eq!(n("0x.8"), Some(Float(0.5)));
        assert_eq!(n("0x1."), Some(Float(1.0)));
        assert_eq!(n("0xA.8P1"), Some(Float(21.0)));
        assert_eq!(n("-0x1p4"), Some(Float(-16.0)));
        assert_eq!(n("0x1p1024"), Some(Float(f64::INFINITY)));
        assert_eq!(n("0x1p-1074"), Some(Float(f64::from_bits(1))));
        assert_eq!(n("0x1p-1075"), Some(Float(0.0))); // tie rounds to even (zero)
        assert_eq!(n("0x1.8p-1074"), Some(Float(f64::from_bits(2))));
        assert_eq!(n("0x1.fffffffffffff8p0"), Some(Float(2.0))); // tie to even
        assert_eq!(n("0x1.fffffffffffff7ffp0"), Some(Float(1.9999999999999998)));
        assert_eq!(1.9999999999999998f64.to_bits(), 0x3FFFFFFFFFFFFFFF);
        assert_eq!(n("0x10000000000000000000p-76"), Some(Float(1.0)));
        // Expected values checked against lua5.4's `string.format("%a", x)`.
        let bits = |b: u64| Some(Float(f64::from_bits(b)));
        assert_eq!(n("0x10000000000000000001p-76"), Some(Float(1.0)));
        assert_eq!(n("0x10000000000008000001p-76"), bits(0x3FF0000000000008));
        assert_eq!(n("0x10000000000008000000p-76"), bits(0x3FF0000000000008));
        assert_eq!(n("0x1.00000000000008p0"), Some(Float(1.0)));
        assert_eq!(n("0x1.000000000000080000001p0"), bits(0x3FF0000000000001));
        assert_eq!(n("0x1.00000000000018p0"), bits(0x3FF0000000000002));
        assert_eq!(n("0x0.0000000000001p-1022"), bits(1));
        assert_eq!(n("0x1.0000001p-1075"), bits(1));
        assert_eq!(n("0x123456789abcdef0123p0"), bits(0x44723456789ABCDF));
        assert_eq!(n("0x1p99999999999"), Some(Float(f64::INFINITY)));
        assert_eq!(n("0x0p99999"), Some(Float(0.0)));
        assert_eq!(n("0x1.0000000000000000001"), Some(Float(1.0)));
    }

    #[test]
    fn rejects() {
        for s in [
            "", "  ", "0x", "1e", "1 2", "inf", "nan", "-inf", "INF", "NaN", ".", "e1", "1e+",
            "0x1p", "0xp1", "0x.", "1..2", "1.2.3", "- 1", "0x1g", "1_000", "0x1.8p3.", "1\x00",
            "+-1", "--1", "3x",
        ] {
            assert_eq!(n(s), None, "{s:?}");
        }
    }
}
