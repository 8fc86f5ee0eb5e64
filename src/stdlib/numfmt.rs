//! Number to text conversion with the exact output of lua5.4 on x86-64
//! Linux (glibc printf).
//!
//! Decimal digit generation relies on Rust's float formatting with an
//! explicit precision, which is exact (correctly rounded, ties to even on
//! exact decimal ties) just like glibc; this module layers C printf's
//! `%e`/`%f`/`%g`/`%a` rules, flags and padding on top of it.

use std::fmt::Write as _;

/// Flags, width and precision of one printf conversion.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Spec {
    /// `-`: left-justify within the field.
    pub left: bool,
    /// `+`: always print a sign.
    pub plus: bool,
    /// ` `: print a space where a `+` sign would go.
    pub space: bool,
    /// `#`: alternate form.
    pub alt: bool,
    /// `0`: pad with zeros after the sign/prefix.
    pub zero: bool,
    /// Minimum field width.
    pub width: usize,
    /// Precision, if one was given.
    pub prec: Option<usize>,
}

/// Fixed-capacity formatting buffer, so digit generation never allocates.
/// 512 bytes hold the longest conversion Lua allows (`%.99f` of 1e308 is
/// 409 characters).
struct StackBuf {
    buf: [u8; 512],
    len: usize,
}

impl StackBuf {
    fn new() -> Self {
        StackBuf {
            buf: [0; 512],
            len: 0,
        }
    }

    fn as_bytes(&self) -> &[u8] {
        &self.buf[..self.len]
    }
}

impl std::fmt::Write for StackBuf {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        let end = self.len + s.len();
        if end > self.buf.len() {
            return Err(std::fmt::Error);
        }
        self.buf[self.len..end].copy_from_slice(s.as_bytes());
        self.len = end;
        Ok(())
    }
}

/// Appends `prefix` (sign, `0x`) and `body` to `out`, padded to the spec's
/// width: spaces on the left or right, or zeros between prefix and body
/// when `zero_ok` and the `0` flag is set.
pub fn pad(out: &mut Vec<u8>, prefix: &[u8], body: &[u8], spec: &Spec, zero_ok: bool) {
    let len = prefix.len() + body.len();
    let fill = spec.width.saturating_sub(len);
    if fill == 0 {
        out.extend_from_slice(prefix);
        out.extend_from_slice(body);
    } else if spec.left {
        out.extend_from_slice(prefix);
        out.extend_from_slice(body);
        out.resize(out.len() + fill, b' ');
    } else if spec.zero && zero_ok {
        out.extend_from_slice(prefix);
        out.resize(out.len() + fill, b'0');
        out.extend_from_slice(body);
    } else {
        out.resize(out.len() + fill, b' ');
        out.extend_from_slice(prefix);
        out.extend_from_slice(body);
    }
}

/// Sign prefix for a number whose sign bit is `neg`.
fn sign_prefix(neg: bool, spec: &Spec) -> &'static [u8] {
    if neg {
        b"-"
    } else if spec.plus {
        b"+"
    } else if spec.space {
        b" "
    } else {
        b""
    }
}

/// Writes the significant digits of `abs` rounded to `ndig` digits into
/// `digits` (no decimal point) and returns the decimal exponent of the
/// first digit.
fn sig_digits(abs: f64, ndig: usize, digits: &mut StackBuf) -> i32 {
    let mut tmp = StackBuf::new();
    // Cannot fail: at most ~110 bytes for ndig <= 100.
    let _ = write!(tmp, "{:.*e}", ndig - 1, abs);
    let s = tmp.as_bytes();
    let e = s.iter().position(|&c| c == b'e').unwrap_or(s.len());
    for &c in &s[..e] {
        if c != b'.' {
            digits.buf[digits.len] = c;
            digits.len += 1;
        }
    }
    std::str::from_utf8(&s[e + 1..])
        .ok()
        .and_then(|t| t.parse().ok())
        .unwrap_or(0)
}

/// Appends `e±XX` (at least two exponent digits, as C does).
fn push_exp(body: &mut StackBuf, exp: i32, upper: bool) {
    let _ = write!(
        body,
        "{}{}{:02}",
        if upper { 'E' } else { 'e' },
        if exp < 0 { '-' } else { '+' },
        exp.unsigned_abs()
    );
}

/// `%e` body from significant digits: `d[.ddd]e±XX`.
fn e_body(body: &mut StackBuf, digits: &[u8], exp: i32, alt: bool, upper: bool) {
    let _ = body.write_str(ascii(&digits[..1]));
    if digits.len() > 1 || alt {
        let _ = body.write_char('.');
    }
    let _ = body.write_str(ascii(&digits[1..]));
    push_exp(body, exp, upper);
}

fn ascii(b: &[u8]) -> &str {
    // Only ever called on ASCII digit runs produced by Rust's formatter.
    std::str::from_utf8(b).unwrap_or("")
}

/// Number of characters in the integral part of `abs` (>= 1).
fn int_digit_count(abs: f64) -> usize {
    let mut tmp = StackBuf::new();
    // `trunc` is exact, so `{:.0}` prints the integral part without rounding.
    let _ = write!(tmp, "{:.0}", abs.trunc());
    tmp.len
}

/// Strips trailing zeros of the fractional part of a `%g` result (and a
/// dangling decimal point), as C does without the `#` flag.
fn strip_frac_zeros(digits: &[u8], int_len: usize) -> usize {
    let mut n = digits.len();
    while n > int_len && digits[n - 1] == b'0' {
        n -= 1;
    }
    n
}

/// Formats a finite non-negative `abs` with conversion `conv` (e, f, g in
/// either case) into `body`.
fn decimal_body(body: &mut StackBuf, abs: f64, conv: u8, spec: &Spec) {
    let upper = conv.is_ascii_uppercase();
    let prec = spec.prec.unwrap_or(6);
    match conv | 0x20 {
        b'f' => {
            let _ = write!(body, "{:.*}", prec, abs);
            if prec == 0 && spec.alt {
                let _ = body.write_char('.');
            }
        }
        b'e' => {
            let mut digits = StackBuf::new();
            let exp = sig_digits(abs, prec + 1, &mut digits);
            e_body(body, digits.as_bytes(), exp, spec.alt, upper);
        }
        _ => {
            // %g: precision counts significant digits.
            let p = prec.max(1);
            let mut digits = StackBuf::new();
            let exp = sig_digits(abs, p, &mut digits);
            let d = digits.as_bytes();
            if exp < -4 || exp >= p as i32 {
                let mut n = if spec.alt {
                    d.len()
                } else {
                    strip_frac_zeros(d, 1)
                };
                // glibc picks the style from the unrounded exponent; when
                // rounding carries into a new digit (999999.5 -> 1e+06) it
                // switches to %e but keeps the fixed style's zero fraction
                // digits, visible only with '#': "1.e+06".
                if spec.alt && exp == p as i32 && int_digit_count(abs) == p {
                    n = 1;
                }
                e_body(body, &d[..n], exp, spec.alt, upper);
            } else if exp >= 0 {
                let int_len = exp as usize + 1;
                let n = if spec.alt {
                    d.len()
                } else {
                    strip_frac_zeros(d, int_len)
                };
                let _ = body.write_str(ascii(&d[..int_len]));
                if n > int_len || spec.alt {
                    let _ = body.write_char('.');
                }
                let _ = body.write_str(ascii(&d[int_len..n]));
            } else {
                let n = if spec.alt {
                    d.len()
                } else {
                    strip_frac_zeros(d, 0)
                };
                let _ = body.write_str("0.");
                for _ in 0..(-exp - 1) {
                    let _ = body.write_char('0');
                }
                let _ = body.write_str(ascii(&d[..n]));
            }
        }
    }
}

/// Formats a finite non-negative `abs` as C's `%a` into `body` (without
/// sign; including the `0x` prefix, which the caller splits off for zero
/// padding).
fn hex_body(body: &mut StackBuf, abs: f64, spec: &Spec, upper: bool) {
    let bits = abs.to_bits();
    let bexp = ((bits >> 52) & 0x7ff) as i32;
    let mut mant = bits & ((1u64 << 52) - 1);
    let (mut lead, exp) = match (bexp, mant) {
        (0, 0) => (0u64, 0),
        (0, _) => (0, -1022), // subnormal: glibc prints 0x0.xxxp-1022
        _ => (1, bexp - 1023),
    };
    let ndig = match spec.prec {
        Some(p) if p < 13 => {
            // Round to p hex digits, ties to even (on the whole significand).
            let shift = 52 - 4 * p as u32;
            let v = (lead << 52) | mant;
            let rem = v & ((1u64 << shift) - 1);
            let half = 1u64 << (shift - 1);
            let mut q = v >> shift;
            if rem > half || (rem == half && q & 1 == 1) {
                q += 1;
            }
            lead = q >> (4 * p);
            mant = (q & ((1u64 << (4 * p)) - 1)) << shift;
            p
        }
        Some(p) => p,
        None => {
            // Shortest exact form: drop trailing zero nibbles.
            if mant == 0 {
                0
            } else {
                13 - (mant.trailing_zeros() / 4) as usize
            }
        }
    };
    let hex: &[u8; 16] = if upper {
        b"0123456789ABCDEF"
    } else {
        b"0123456789abcdef"
    };
    let _ = body.write_str(if upper { "0X" } else { "0x" });
    let _ = body.write_char(hex[lead as usize] as char);
    if ndig > 0 || spec.alt {
        let _ = body.write_char('.');
    }
    for i in 0..ndig {
        let nib = if i < 13 {
            (mant >> (48 - 4 * i)) & 0xf
        } else {
            0
        };
        let _ = body.write_char(hex[nib as usize] as char);
    }
    let _ = write!(
        body,
        "{}{}{}",
        if upper { 'P' } else { 'p' },
        if exp < 0 { '-' } else { '+' },
        exp.unsigned_abs()
    );
}

/// Appends `x` formatted by C printf conversion `conv` (one of
/// `e E f F g G a A`) with the given flags, width and precision.
pub fn format_float(out: &mut Vec<u8>, x: f64, conv: u8, spec: &Spec) {
    let upper = conv.is_ascii_uppercase();
    let prefix = sign_prefix(x.is_sign_negative(), spec);
    let abs = x.abs();
    if !abs.is_finite() {
        let body: &[u8] = match (abs.is_nan(), upper) {
            (true, false) => b"nan",
            (true, true) => b"NAN",
            (false, false) => b"inf",
            (false, true) => b"INF",
        };
        pad(out, prefix, body, spec, false);
        return;
    }
    let mut body = StackBuf::new();
    if conv | 0x20 == b'a' {
        hex_body(&mut body, abs, spec, upper);
        // Zero padding goes after the "0x".
        let mut pre = StackBuf::new();
        let _ = pre.write_str(ascii(prefix));
        let _ = pre.write_str(ascii(&body.as_bytes()[..2]));
        pad(out, pre.as_bytes(), &body.as_bytes()[2..], spec, true);
    } else {
        decimal_body(&mut body, abs, conv, spec);
        pad(out, prefix, body.as_bytes(), spec, true);
    }
}

/// Appends `f` as Lua's `tostring` shows floats: `%.14g`, plus `.0` when
/// the result would read back as an integer.
pub fn write_float(out: &mut Vec<u8>, f: f64) {
    if f.is_nan() {
        // x86 produces NaNs with the sign bit set for 0/0; glibc shows it.
        out.extend_from_slice(if f.is_sign_negative() {
            b"-nan"
        } else {
            b"nan"
        });
        return;
    }
    if f.is_infinite() {
        out.extend_from_slice(if f < 0.0 { b"-inf" } else { b"inf" });
        return;
    }
    if f.fract() == 0.0 && f.abs() < 1e14 {
        // Fast path for integral values: %.14g prints all their digits.
        if f == 0.0 && f.is_sign_negative() {
            out.push(b'-');
        }
        write_int(out, f as i64);
        out.extend_from_slice(b".0");
        return;
    }
    let start = out.len();
    if !write_g14_shortest(out, f) {
        let spec = Spec {
            prec: Some(14),
            ..Spec::default()
        };
        format_float(out, f, b'g', &spec);
    }
    if out[start..]
        .iter()
        .all(|&c| c == b'-' || c.is_ascii_digit())
    {
        out.extend_from_slice(b".0");
    }
}

/// `%.14g` from the shortest round-trip digits, when those have at most 14
/// significant digits. Then they are exactly what `%.14g` prints: the double lies
/// within half an ulp of them, and an ulp is smaller than a step of the 14-digit
/// grid, so they are the nearest 14-digit number. Returns false (writing nothing)
/// when the slower exact formatting is needed.
fn write_g14_shortest(out: &mut Vec<u8>, f: f64) -> bool {
    use std::io::Write;
    // Subnormals have fewer significant bits, so the argument above does not hold.
    if !f.is_normal() {
        return false;
    }
    let mut buf = [0u8; 40];
    let mut cur = std::io::Cursor::new(&mut buf[..]);
    if write!(cur, "{:e}", f).is_err() {
        return false;
    }
    let len = cur.position() as usize;
    let text = &buf[..len];
    let (neg, text) = match text.first() {
        Some(b'-') => (true, &text[1..]),
        _ => (false, text),
    };
    let Some(epos) = text.iter().position(|&c| c == b'e') else {
        return false;
    };
    let (mant, exp) = (&text[..epos], &text[epos + 1..]);
    let Some(x) = std::str::from_utf8(exp)
        .ok()
        .and_then(|e| e.parse::<i32>().ok())
    else {
        return false;
    };
    let digits: Vec<u8> = mant
        .iter()
        .copied()
        .filter(|c| c.is_ascii_digit())
        .collect();
    if digits.is_empty() || digits.len() > 14 {
        return false;
    }
    if neg {
        out.push(b'-');
    }
    if !(-4..14).contains(&x) {
        out.push(digits[0]);
        if digits.len() > 1 {
            out.push(b'.');
            out.extend_from_slice(&digits[1..]);
        }
        out.push(b'e');
        out.push(if x < 0 { b'-' } else { b'+' });
        let ax = x.unsigned_abs();
        if ax < 10 {
            out.push(b'0');
        }
        let _ = write!(out, "{ax}");
    } else if x < 0 {
        out.extend_from_slice(b"0.");
        for _ in 0..(-x - 1) {
            out.push(b'0');
        }
        out.extend_from_slice(&digits);
    } else {
        let int_len = x as usize + 1;
        if digits.len() <= int_len {
            out.extend_from_slice(&digits);
            for _ in digits.len()..int_len {
                out.push(b'0');
            }
        } else {
            out.extend_from_slice(&digits[..int_len]);
            out.push(b'.');
            out.extend_from_slice(&digits[int_len..]);
        }
    }
    true
}

/// `tostring` of a float (see [`write_float`]).
#[cfg(test)]
pub fn fmt_float(f: f64) -> String {
    let mut out = Vec::with_capacity(24);
    write_float(&mut out, f);
    // Only ASCII is ever produced.
    String::from_utf8(out).unwrap_or_default()
}

/// Appends the decimal form of `i` (Lua's `%d` / `LUA_INTEGER_FMT`).
pub fn write_int(out: &mut Vec<u8>, i: i64) {
    let mut buf = [0u8; 20];
    let mut pos = buf.len();
    let mut n = i.unsigned_abs();
    loop {
        pos -= 1;
        buf[pos] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    if i < 0 {
        out.push(b'-');
    }
    out.extend_from_slice(&buf[pos..]);
}

/// `tostring` of an integer.
#[cfg(test)]
pub fn fmt_int(i: i64) -> String {
    let mut out = Vec::with_capacity(20);
    write_int(&mut out, i);
    String::from_utf8(out).unwrap_or_default()
}

#[cfg(test)]
mod fast_g_tests {
    use super::*;

    fn slow(f: f64) -> String {
        let mut out = Vec::new();
        let spec = Spec {
            prec: Some(14),
            ..Spec::default()
        };
        format_float(&mut out, f, b'g', &spec);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn shortest_path_agrees_with_exact_g14() {
        let mut x: u64 = 0x1234_5678_9abc_def1;
        let mut checked = 0;
        for i in 0..200_000 {
            // xorshift over bit patterns plus some "human" numbers.
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let f = if i % 2 == 0 {
                f64::from_bits(x)
            } else {
                (x % 1_000_000) as f64 / 1000.0 * if i % 3 == 0 { 1e-7 } else { 1.0 }
            };
            if !f.is_finite() {
                continue;
            }
            let mut fast = Vec::new();
            if write_g14_shortest(&mut fast, f) {
                checked += 1;
                assert_eq!(String::from_utf8(fast).unwrap(), slow(f), "{f:e}");
            }
        }
        assert!(checked > 50_000);
        // Subnormals take the exact path.
        let tiny = f64::from_bits(1);
        let mut out = Vec::new();
        write_float(&mut out, tiny);
        assert_eq!(out, b"4.9406564584125e-324");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(conv: &str, x: f64) -> String {
        // Parse a tiny printf spec: flags, width, precision, conversion.
        let b = conv.as_bytes();
        let mut i = 1;
        let mut spec = Spec::default();
        while i < b.len() {
            match b[i] {
                b'-' => spec.left = true,
                b'+' => spec.plus = true,
                b' ' => spec.space = true,
                b'#' => spec.alt = true,
                b'0' => spec.zero = true,
                _ => break,
            }
            i += 1;
        }
        while b[i].is_ascii_digit() {
            spec.width = spec.width * 10 + (b[i] - b'0') as usize;
            i += 1;
        }
        if b[i] == b'.' {
            i += 1;
            let mut p = 0;
            while b[i].is_ascii_digit() {
                p = p * 10 + (b[i] - b'0') as usize;
                i += 1;
            }
            spec.prec = Some(p);
        }
        let mut out = vec![];
        format_float(&mut out, x, b[i], &spec);
        String::from_utf8(out).unwrap()
    }

    const VALS: [f64; 24] = [
        0.5,
        1.5,
        2.5,
        0.125,
        0.375,
        1e23,
        5e-324,
        2.2250738585072014e-308,
        1.7976931348623157e308,
        0.1,
        123.456,
        -0.0,
        100.0,
        1e-5,
        123456789.0,
        0.000123456,
        1.0 / 3.0,
        9223372036854775808.0,
        1e15,
        1e16,
        9.5,
        99.5,
        999999.5,
        0.00001234,
    ];

    /// Rows generated with lua5.4 `string.format(fmt, v)` over VALS.
    const TABLE: &[(&str, &str)] = &[
        (
            "%g",
            "0.5 | 1.5 | 2.5 | 0.125 | 0.375 | 1e+23 | 4.94066e-324 | 2.22507e-308 | 1.79769e+308 | 0.1 | 123.456 | -0 | 100 | 1e-05 | 1.23457e+08 | 0.000123456 | 0.333333 | 9.22337e+18 | 1e+15 | 1e+16 | 9.5 | 99.5 | 1e+06 | 1.234e-05",
        ),
        (
            "%.0f",
            "0 | 2 | 2 | 0 | 0 | 99999999999999991611392 | 0 | 0 | 179769313486231570814527423731704356798070567525844996598917476803157260780028538760589558632766878171540458953514382464234321326889464182768467546703537516986049910576551282076245490090389328944075868508455133942304583236903222948165808559332123348274797826204144723168738177180919299881250404026184124858368 | 0 | 123 | -0 | 100 | 0 | 123456789 | 0 | 0 | 9223372036854775808 | 1000000000000000 | 10000000000000000 | 10 | 100 | 1000000 | 0",
        ),
        (
            "%.2f",
            "0.50 | 1.50 | 2.50 | 0.12 | 0.38 | 99999999999999991611392.00 | 0.00 | 0.00 | 179769313486231570814527423731704356798070567525844996598917476803157260780028538760589558632766878171540458953514382464234321326889464182768467546703537516986049910576551282076245490090389328944075868508455133942304583236903222948165808559332123348274797826204144723168738177180919299881250404026184124858368.00 | 0.10 | 123.46 | -0.00 | 100.00 | 0.00 | 123456789.00 | 0.00 | 0.33 | 9223372036854775808.00 | 1000000000000000.00 | 10000000000000000.00 | 9.50 | 99.50 | 999999.50 | 0.00",
        ),
        (
            "%e",
            "5.000000e-01 | 1.500000e+00 | 2.500000e+00 | 1.250000e-01 | 3.750000e-01 | 1.000000e+23 | 4.940656e-324 | 2.225074e-308 | 1.797693e+308 | 1.000000e-01 | 1.234560e+02 | -0.000000e+00 | 1.000000e+02 | 1.000000e-05 | 1.234568e+08 | 1.234560e-04 | 3.333333e-01 | 9.223372e+18 | 1.000000e+15 | 1.000000e+16 | 9.500000e+00 | 9.950000e+01 | 9.999995e+05 | 1.234000e-05",
        ),
        (
            "%.0e",
            "5e-01 | 2e+00 | 2e+00 | 1e-01 | 4e-01 | 1e+23 | 5e-324 | 2e-308 | 2e+308 | 1e-01 | 1e+02 | -0e+00 | 1e+02 | 1e-05 | 1e+08 | 1e-04 | 3e-01 | 9e+18 | 1e+15 | 1e+16 | 1e+01 | 1e+02 | 1e+06 | 1e-05",
        ),
        (
            "%#.0e",
            "5.e-01 | 2.e+00 | 2.e+00 | 1.e-01 | 4.e-01 | 1.e+23 | 5.e-324 | 2.e-308 | 2.e+308 | 1.e-01 | 1.e+02 | -0.e+00 | 1.e+02 | 1.e-05 | 1.e+08 | 1.e-04 | 3.e-01 | 9.e+18 | 1.e+15 | 1.e+16 | 1.e+01 | 1.e+02 | 1.e+06 | 1.e-05",
        ),
        (
            "%.3g",
            "0.5 | 1.5 | 2.5 | 0.125 | 0.375 | 1e+23 | 4.94e-324 | 2.23e-308 | 1.8e+308 | 0.1 | 123 | -0 | 100 | 1e-05 | 1.23e+08 | 0.000123 | 0.333 | 9.22e+18 | 1e+15 | 1e+16 | 9.5 | 99.5 | 1e+06 | 1.23e-05",
        ),
        (
            "%#g",
            "0.500000 | 1.50000 | 2.50000 | 0.125000 | 0.375000 | 1.00000e+23 | 4.94066e-324 | 2.22507e-308 | 1.79769e+308 | 0.100000 | 123.456 | -0.00000 | 100.000 | 1.00000e-05 | 1.23457e+08 | 0.000123456 | 0.333333 | 9.22337e+18 | 1.00000e+15 | 1.00000e+16 | 9.50000 | 99.5000 | 1.e+06 | 1.23400e-05",
        ),
        (
            "%#.3g",
            "0.500 | 1.50 | 2.50 | 0.125 | 0.375 | 1.00e+23 | 4.94e-324 | 2.23e-308 | 1.80e+308 | 0.100 | 123. | -0.00 | 100. | 1.00e-05 | 1.23e+08 | 0.000123 | 0.333 | 9.22e+18 | 1.00e+15 | 1.00e+16 | 9.50 | 99.5 | 1.00e+06 | 1.23e-05",
        ),
        (
            "%.14g",
            "0.5 | 1.5 | 2.5 | 0.125 | 0.375 | 1e+23 | 4.9406564584125e-324 | 2.2250738585072e-308 | 1.7976931348623e+308 | 0.1 | 123.456 | -0 | 100 | 1e-05 | 123456789 | 0.000123456 | 0.33333333333333 | 9.2233720368548e+18 | 1e+15 | 1e+16 | 9.5 | 99.5 | 999999.5 | 1.234e-05",
        ),
        (
            "%.17g",
            "0.5 | 1.5 | 2.5 | 0.125 | 0.375 | 9.9999999999999992e+22 | 4.9406564584124654e-324 | 2.2250738585072014e-308 | 1.7976931348623157e+308 | 0.10000000000000001 | 123.456 | -0 | 100 | 1.0000000000000001e-05 | 123456789 | 0.00012345600000000001 | 0.33333333333333331 | 9.2233720368547758e+18 | 1000000000000000 | 10000000000000000 | 9.5 | 99.5 | 999999.5 | 1.234e-05",
        ),
        (
            "%a",
            "0x1p-1 | 0x1.8p+0 | 0x1.4p+1 | 0x1p-3 | 0x1.8p-2 | 0x1.52d02c7e14af6p+76 | 0x0.0000000000001p-1022 | 0x1p-1022 | 0x1.fffffffffffffp+1023 | 0x1.999999999999ap-4 | 0x1.edd2f1a9fbe77p+6 | -0x0p+0 | 0x1.9p+6 | 0x1.4f8b588e368f1p-17 | 0x1.d6f3454p+26 | 0x1.02e7ef70994ddp-13 | 0x1.5555555555555p-2 | 0x1p+63 | 0x1.c6bf52634p+49 | 0x1.1c37937e08p+53 | 0x1.3p+3 | 0x1.8ep+6 | 0x1.e847fp+19 | 0x1.9e0fcaf9380fcp-17",
        ),
        (
            "%.0a",
            "0x1p-1 | 0x2p+0 | 0x1p+1 | 0x1p-3 | 0x2p-2 | 0x1p+76 | 0x0p-1022 | 0x1p-1022 | 0x2p+1023 | 0x2p-4 | 0x2p+6 | -0x0p+0 | 0x2p+6 | 0x1p-17 | 0x2p+26 | 0x1p-13 | 0x1p-2 | 0x1p+63 | 0x2p+49 | 0x1p+53 | 0x1p+3 | 0x2p+6 | 0x2p+19 | 0x2p-17",
        ),
        (
            "%.1a",
            "0x1.0p-1 | 0x1.8p+0 | 0x1.4p+1 | 0x1.0p-3 | 0x1.8p-2 | 0x1.5p+76 | 0x0.0p-1022 | 0x1.0p-1022 | 0x2.0p+1023 | 0x1.ap-4 | 0x1.fp+6 | -0x0.0p+0 | 0x1.9p+6 | 0x1.5p-17 | 0x1.dp+26 | 0x1.0p-13 | 0x1.5p-2 | 0x1.0p+63 | 0x1.cp+49 | 0x1.2p+53 | 0x1.3p+3 | 0x1.9p+6 | 0x1.fp+19 | 0x1.ap-17",
        ),
        (
            "%.3a",
            "0x1.000p-1 | 0x1.800p+0 | 0x1.400p+1 | 0x1.000p-3 | 0x1.800p-2 | 0x1.52dp+76 | 0x0.000p-1022 | 0x1.000p-1022 | 0x2.000p+1023 | 0x1.99ap-4 | 0x1.eddp+6 | -0x0.000p+0 | 0x1.900p+6 | 0x1.4f9p-17 | 0x1.d6fp+26 | 0x1.02ep-13 | 0x1.555p-2 | 0x1.000p+63 | 0x1.c6cp+49 | 0x1.1c3p+53 | 0x1.300p+3 | 0x1.8e0p+6 | 0x1.e84p+19 | 0x1.9e1p-17",
        ),
        (
            "%A",
            "0X1P-1 | 0X1.8P+0 | 0X1.4P+1 | 0X1P-3 | 0X1.8P-2 | 0X1.52D02C7E14AF6P+76 | 0X0.0000000000001P-1022 | 0X1P-1022 | 0X1.FFFFFFFFFFFFFP+1023 | 0X1.999999999999AP-4 | 0X1.EDD2F1A9FBE77P+6 | -0X0P+0 | 0X1.9P+6 | 0X1.4F8B588E368F1P-17 | 0X1.D6F3454P+26 | 0X1.02E7EF70994DDP-13 | 0X1.5555555555555P-2 | 0X1P+63 | 0X1.C6BF52634P+49 | 0X1.1C37937E08P+53 | 0X1.3P+3 | 0X1.8EP+6 | 0X1.E847FP+19 | 0X1.9E0FCAF9380FCP-17",
        ),
        (
            "%#a",
            "0x1.p-1 | 0x1.8p+0 | 0x1.4p+1 | 0x1.p-3 | 0x1.8p-2 | 0x1.52d02c7e14af6p+76 | 0x0.0000000000001p-1022 | 0x1.p-1022 | 0x1.fffffffffffffp+1023 | 0x1.999999999999ap-4 | 0x1.edd2f1a9fbe77p+6 | -0x0.p+0 | 0x1.9p+6 | 0x1.4f8b588e368f1p-17 | 0x1.d6f3454p+26 | 0x1.02e7ef70994ddp-13 | 0x1.5555555555555p-2 | 0x1.p+63 | 0x1.c6bf52634p+49 | 0x1.1c37937e08p+53 | 0x1.3p+3 | 0x1.8ep+6 | 0x1.e847fp+19 | 0x1.9e0fcaf9380fcp-17",
        ),
        (
            "% g",
            " 0.5 |  1.5 |  2.5 |  0.125 |  0.375 |  1e+23 |  4.94066e-324 |  2.22507e-308 |  1.79769e+308 |  0.1 |  123.456 | -0 |  100 |  1e-05 |  1.23457e+08 |  0.000123456 |  0.333333 |  9.22337e+18 |  1e+15 |  1e+16 |  9.5 |  99.5 |  1e+06 |  1.234e-05",
        ),
        (
            "%+012.3e",
            "+005.000e-01 | +001.500e+00 | +002.500e+00 | +001.250e-01 | +003.750e-01 | +001.000e+23 | +04.941e-324 | +02.225e-308 | +01.798e+308 | +001.000e-01 | +001.235e+02 | -000.000e+00 | +001.000e+02 | +001.000e-05 | +001.235e+08 | +001.235e-04 | +003.333e-01 | +009.223e+18 | +001.000e+15 | +001.000e+16 | +009.500e+00 | +009.950e+01 | +001.000e+06 | +001.234e-05",
        ),
        (
            "%G",
            "0.5 | 1.5 | 2.5 | 0.125 | 0.375 | 1E+23 | 4.94066E-324 | 2.22507E-308 | 1.79769E+308 | 0.1 | 123.456 | -0 | 100 | 1E-05 | 1.23457E+08 | 0.000123456 | 0.333333 | 9.22337E+18 | 1E+15 | 1E+16 | 9.5 | 99.5 | 1E+06 | 1.234E-05",
        ),
        (
            "%.0g",
            "0.5 | 2 | 2 | 0.1 | 0.4 | 1e+23 | 5e-324 | 2e-308 | 2e+308 | 0.1 | 1e+02 | -0 | 1e+02 | 1e-05 | 1e+08 | 0.0001 | 0.3 | 9e+18 | 1e+15 | 1e+16 | 1e+01 | 1e+02 | 1e+06 | 1e-05",
        ),
        (
            "%.20g",
            "0.5 | 1.5 | 2.5 | 0.125 | 0.375 | 9.9999999999999991611e+22 | 4.9406564584124654418e-324 | 2.2250738585072013831e-308 | 1.7976931348623157081e+308 | 0.10000000000000000555 | 123.45600000000000307 | -0 | 100 | 1.0000000000000000818e-05 | 123456789 | 0.00012345600000000000519 | 0.33333333333333331483 | 9223372036854775808 | 1000000000000000 | 10000000000000000 | 9.5 | 99.5 | 999999.5 | 1.2340000000000000437e-05",
        ),
    ];

    #[test]
    fn matches_lua_table() {
        for (conv, row) in TABLE {
            let expect: Vec<&str> = row.split(" | ").collect();
            assert_eq!(expect.len(), VALS.len(), "{conv}");
            for (v, e) in VALS.iter().zip(expect) {
                assert_eq!(f(conv, *v), e, "{conv} of {v:e}");
            }
        }
    }

    #[test]
    fn padded_fixed() {
        assert_eq!(f("%10.3f", 0.5), "     0.500");
        assert_eq!(f("%012.3f", -0.0), "-0000000.000");
        assert_eq!(f("%012.3f", 999999.5), "00999999.500");
        assert_eq!(f("%+.2f", 0.125), "+0.12");
        assert_eq!(f("%-12.4e", 0.5), "5.0000e-01  ");
        assert_eq!(f("%-12.4e", -0.0), "-0.0000e+00 ");
        assert_eq!(f("%-12.4e", 5e-324), "4.9407e-324 ");
        assert_eq!(f("%#.0f", 9.5), "10.");
        assert_eq!(f("%99.99f", 0.1).len(), 101);
        assert_eq!(f("%.99f", 1e308).len(), 409);
    }

    #[test]
    fn glibc_g_carry_quirk() {
        // lua5.4 string.format outputs.
        assert_eq!(f("%#.4g", 99.996), "100.0");
        assert_eq!(f("%#.4g", 9.9996), "10.00");
        assert_eq!(f("%#.2g", 99.5), "1.e+02");
        assert_eq!(f("%#.3g", 999.5), "1.e+03");
        assert_eq!(f("%#.3g", 0.0009995), "0.000999");
        assert_eq!(f("%#.3g", 9.995e-5), "0.000100");
        assert_eq!(f("%.3g", 9.995e-5), "0.0001");
        assert_eq!(f("%#g", 9999995.0), "1.00000e+07");
        assert_eq!(f("%#.1g", 9.5), "1.e+01");
        assert_eq!(f("%#.1g", 0.95), "0.9");
        assert_eq!(f("%#.5g", 99999.5), "1.e+05");
        assert_eq!(f("%#.5g", 999995.0), "1.0000e+06");
        assert_eq!(f("%#.0g", 9.5), "1.e+01");
        assert_eq!(f("%#g", 0.0), "0.00000");
        assert_eq!(f("%#.3g", 99.95), "100.");
    }

    #[test]
    fn hex_float_rounding() {
        // lua5.4: string.format("%.0a %.1a %.0a %.1a", 1.96875, 1.96875, 1.5, 1.03125)
        assert_eq!(f("%.0a", 1.96875), "0x2p+0");
        assert_eq!(f("%.1a", 1.96875), "0x2.0p+0");
        assert_eq!(f("%.0a", 1.5), "0x2p+0");
        assert_eq!(f("%.1a", 1.03125), "0x1.0p+0");
        assert_eq!(f("%.2a", 5e-324), "0x0.00p-1022");
        assert_eq!(f("%a", 3.0 * 5e-324), "0x0.0000000000003p-1022");
        assert_eq!(f("%.15a", 1.0), "0x1.000000000000000p+0");
        assert_eq!(f("%010a", 1.0), "0x00001p+0");
        assert_eq!(f("%-10a", -1.0), "-0x1p+0   ");
    }

    #[test]
    fn non_finite() {
        let nan = f64::NAN;
        let nnan = -f64::NAN;
        let inf = f64::INFINITY;
        // lua5.4: print(F(f, 1/0), F(f, -1/0), F(f, 0/0), F(f, -(0/0)));
        // 0/0 is a negative NaN on x86.
        let row = |c: &str| [f(c, inf), f(c, -inf), f(c, nnan), f(c, nan)].join(",");
        assert_eq!(row("%f"), "inf,-inf,-nan,nan");
        assert_eq!(row("%a"), "inf,-inf,-nan,nan");
        assert_eq!(row("%5.1f"), "  inf, -inf, -nan,  nan");
        assert_eq!(row("%-8g"), "inf     ,-inf    ,-nan    ,nan     ");
        assert_eq!(row("%08f"), "     inf,    -inf,    -nan,     nan");
        assert_eq!(row("%+f"), "+inf,-inf,-nan,+nan");
        assert_eq!(row("% e"), " inf,-inf,-nan, nan");
        assert_eq!(row("%E"), "INF,-INF,-NAN,NAN");
    }

    #[test]
    fn tostring_floats() {
        // lua5.4 -e 'print(0/0, -(0/0), 1/0, -1/0, 1e15, 1e16, 2^53, 0.1, -0.0, 1e100)'
        let got: Vec<String> = [
            -f64::NAN,
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            1e15,
            1e16,
            9007199254740992.0,
            0.1,
            -0.0,
            1e100,
        ]
        .iter()
        .map(|&x| fmt_float(x))
        .collect();
        assert_eq!(
            got.join(" "),
            "-nan nan inf -inf 1e+15 1e+16 9.007199254741e+15 0.1 -0.0 1e+100"
        );
        assert_eq!(fmt_float(3.0), "3.0");
        assert_eq!(fmt_float(-2.5), "-2.5");
        assert_eq!(fmt_float(1e14), "1e+14");
        assert_eq!(fmt_float(123456789012.0), "123456789012.0");
        assert_eq!(fmt_float(99999999999999.0), "99999999999999.0");
        assert_eq!(fmt_float(-99999999999999.0), "-99999999999999.0");
        assert_eq!(fmt_float(0.0), "0.0");
    }

    #[test]
    fn tostring_ints() {
        assert_eq!(fmt_int(0), "0");
        assert_eq!(fmt_int(-42), "-42");
        assert_eq!(fmt_int(i64::MIN), "-9223372036854775808");
        assert_eq!(fmt_int(123456789012345678), "123456789012345678");
    }
}
