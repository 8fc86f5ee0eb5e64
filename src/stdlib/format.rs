//! `string.format` (manual §6.4) with lua5.4's exact output and errors.
//!
//! The VM supplies arguments through [`FormatArgs`]; conversions that need
//! VM semantics (`luaL_checkinteger`, `luaL_tolstring`, `lua_topointer`)
//! are delegated to it, while parsing, validation and all text layout are
//! done here. The output's growth is reported to [`FormatArgs::grow`] piece by
//! piece, so the VM can charge it and stop a result that gets too large before
//! it is built.

use super::numfmt::{self, Spec};

/// Raw view of an argument, used by `%q`; `S` holds a string's bytes.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum FmtArg<S> {
    /// `nil`
    Nil,
    /// A boolean.
    Bool(bool),
    /// An integer.
    Int(i64),
    /// A float.
    Float(f64),
    /// A string.
    Str(S),
    /// Any other value (has no literal form).
    Other,
}

/// Errors detected by the formatter itself.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FormatError {
    /// Argument error: Lua argument number (the format string is #1) and
    /// the message in parentheses, e.g. `(2, "no value")` for
    /// `bad argument #2 to 'format' (no value)`.
    Arg(usize, &'static str),
    /// A plain error message (`invalid conversion '%y' to 'format'`).
    Msg(String),
}

impl std::fmt::Display for FormatError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FormatError::Arg(n, m) => write!(f, "bad argument #{n} to 'format' ({m})"),
            FormatError::Msg(m) => f.write_str(m),
        }
    }
}

impl std::error::Error for FormatError {}

/// Argument access for [`format`]. Argument numbers are Lua's: the format
/// string is argument 1, so the first value is argument 2.
pub trait FormatArgs {
    /// The VM's error type; formatter errors convert into it.
    type Error: From<FormatError>;
    /// The bytes of a string argument (held independently of `self`).
    type Str: AsRef<[u8]>;
    /// Total number of arguments including the format string (`lua_gettop`).
    fn top(&self) -> usize;
    /// `luaL_checkinteger` of argument `n`.
    fn int(&mut self, n: usize) -> Result<i64, Self::Error>;
    /// `luaL_checknumber` of argument `n`.
    fn num(&mut self, n: usize) -> Result<f64, Self::Error>;
    /// `luaL_tolstring` of argument `n` (may call `__tostring`/`__name`).
    fn tostr(&mut self, n: usize) -> Result<Self::Str, Self::Error>;
    /// The raw value of argument `n`, for `%q`.
    fn raw(&mut self, n: usize) -> FmtArg<Self::Str>;
    /// `lua_topointer` of argument `n` (`None` for non-GC values).
    fn pointer(&mut self, n: usize) -> Option<usize>;
    /// The output of `len` bytes grows by `add` bytes. Called before literal
    /// text and strings are copied, and after a numeric conversion (which
    /// writes at most a few hundred bytes); an error stops the formatting.
    fn grow(&mut self, len: usize, add: usize) -> Result<(), Self::Error> {
        let _ = (len, add);
        Ok(())
    }
}

/// Flags accepted by each conversion class (lua5.4's `L_FMTFLAGS*`).
const FLAGS_F: &[u8] = b"-+ #0";
const FLAGS_X: &[u8] = b"-#0";
const FLAGS_I: &[u8] = b"-+ 0";
const FLAGS_U: &[u8] = b"-0";
const FLAGS_C: &[u8] = b"-";
/// Longest run of flag/width/precision characters lua5.4 accepts.
const MAX_SPEC: usize = 20;

fn is_spec_char(c: u8) -> bool {
    matches!(c, b'-' | b'+' | b' ' | b'#' | b'0'..=b'9' | b'.')
}

/// A parsed conversion: the bytes between `%` and the conversion letter.
struct Conv<'a> {
    spec: &'a [u8],
    conv: u8,
    /// `%` + spec + conversion, for error messages.
    form: &'a [u8],
}

impl Conv<'_> {
    fn form_str(&self) -> String {
        // C prints the form as a C string: it stops at a NUL conversion.
        let end = self
            .form
            .iter()
            .position(|&c| c == 0)
            .unwrap_or(self.form.len());
        String::from_utf8_lossy(&self.form[..end]).into_owned()
    }

    /// lua5.4's `checkformat`: only `flags`, a width of at most two digits
    /// and (if allowed) a precision of at most two digits may appear.
    /// Returns the decoded spec.
    fn check(&self, flags: &[u8], precision: bool) -> Result<Spec, FormatError> {
        let s = self.spec;
        let mut i = s.iter().take_while(|c| flags.contains(c)).count();
        let skip2 = |mut i: usize| {
            for _ in 0..2 {
                if s.get(i).is_some_and(u8::is_ascii_digit) {
                    i += 1;
                }
            }
            i
        };
        if s.get(i) != Some(&b'0') {
            i = skip2(i);
            if precision && s.get(i) == Some(&b'.') {
                i = skip2(i + 1);
            }
        }
        if i != s.len() {
            return Err(FormatError::Msg(format!(
                "invalid conversion specification: '{}'",
                self.form_str()
            )));
        }
        Ok(parse_spec(s))
    }
}

/// Decodes an already validated spec.
fn parse_spec(s: &[u8]) -> Spec {
    let mut spec = Spec::default();
    let mut i = 0;
    while let Some(&c) = s.get(i) {
        match c {
            b'-' => spec.left = true,
            b'+' => spec.plus = true,
            b' ' => spec.space = true,
            b'#' => spec.alt = true,
            b'0' => spec.zero = true,
            _ => break,
        }
        i += 1;
    }
    while let Some(d) = s.get(i).filter(|c| c.is_ascii_digit()) {
        spec.width = spec.width * 10 + (d - b'0') as usize;
        i += 1;
    }
    if s.get(i) == Some(&b'.') {
        i += 1;
        let mut p = 0;
        while let Some(d) = s.get(i).filter(|c| c.is_ascii_digit()) {
            p = p * 10 + (d - b'0') as usize;
            i += 1;
        }
        spec.prec = Some(p);
    }
    spec
}

/// Appends an integer conversion (`d i u o x X`) of `v` per C printf.
fn format_integer(out: &mut Vec<u8>, v: i64, conv: u8, spec: &Spec) {
    let (neg, mag) = match conv {
        b'd' | b'i' => (v < 0, v.unsigned_abs()),
        _ => (false, v as u64), // two's complement, as C's unsigned cast
    };
    let (radix, digits): (u64, &[u8; 16]) = match conv {
        b'o' => (8, b"0123456789abcdef"),
        b'x' => (16, b"0123456789abcdef"),
        b'X' => (16, b"0123456789ABCDEF"),
        _ => (10, b"0123456789abcdef"),
    };
    // 22 octal digits for u64, plus room for a 99-digit precision.
    let mut buf = [b'0'; 128];
    let mut pos = buf.len();
    let mut n = mag;
    while n != 0 {
        pos -= 1;
        buf[pos] = digits[(n % radix) as usize];
        n /= radix;
    }
    let min_digits = spec.prec.unwrap_or(1);
    // C: precision 0 with value 0 prints no digits at all.
    let ndig = (buf.len() - pos).max(min_digits);
    pos = buf.len() - ndig;
    if conv == b'o' && spec.alt && (ndig == 0 || buf[pos] != b'0') {
        pos -= 1; // '#' forces a leading zero
    }
    let mut prefix: &[u8] = if neg {
        b"-"
    } else if spec.plus {
        b"+"
    } else if spec.space {
        b" "
    } else {
        b""
    };
    if spec.alt && mag != 0 {
        if conv == b'x' {
            prefix = b"0x";
        } else if conv == b'X' {
            prefix = b"0X";
        }
    }
    numfmt::pad(out, prefix, &buf[pos..], spec, spec.prec.is_none());
}

/// Appends `s` as a Lua string literal, as `%q` does: `"`, `\` and newline
/// are escaped with a backslash, other control bytes as decimal escapes
/// (three digits when a digit follows, so the escape stays unambiguous).
pub fn quote_string(out: &mut Vec<u8>, s: &[u8]) {
    out.reserve(s.len() + 2);
    out.push(b'"');
    for (i, &c) in s.iter().enumerate() {
        match c {
            b'"' | b'\\' | b'\n' => {
                out.push(b'\\');
                out.push(c);
            }
            0..=31 | 127 => {
                out.push(b'\\');
                let next_is_digit = s.get(i + 1).is_some_and(u8::is_ascii_digit);
                if next_is_digit {
                    out.extend_from_slice(&[b'0' + c / 100, b'0' + c / 10 % 10, b'0' + c % 10]);
                } else {
                    numfmt::write_int(out, c as i64);
                }
            }
            _ => out.push(c),
        }
    }
    out.push(b'"');
}

/// Appends the `%q` literal of a float: hex float, or the special forms
/// that read back as infinities and NaN.
fn quote_float(out: &mut Vec<u8>, f: f64) {
    if f == f64::INFINITY {
        out.extend_from_slice(b"1e9999");
    } else if f == f64::NEG_INFINITY {
        out.extend_from_slice(b"-1e9999");
    } else if f.is_nan() {
        out.extend_from_slice(b"(0/0)");
    } else {
        numfmt::format_float(out, f, b'a', &Spec::default());
    }
}

/// Length of `s` as [`quote_string`] writes it.
pub fn quoted_len(s: &[u8]) -> usize {
    let mut n = 2;
    for (i, &c) in s.iter().enumerate() {
        n += match c {
            b'"' | b'\\' | b'\n' => 2,
            0..=31 | 127 if s.get(i + 1).is_some_and(u8::is_ascii_digit) => 4,
            0..=9 => 2,
            10..=31 => 3,
            127 => 4,
            _ => 1,
        };
    }
    n
}

/// `%q`: appends a literal that reads back as the same value.
fn add_literal<A: FormatArgs + ?Sized>(
    out: &mut Vec<u8>,
    args: &mut A,
    arg: usize,
) -> Result<(), A::Error> {
    let len = out.len();
    match args.raw(arg) {
        FmtArg::Str(s) => {
            let s = s.as_ref();
            args.grow(len, quoted_len(s))?;
            quote_string(out, s);
            return Ok(());
        }
        FmtArg::Int(i) if i == i64::MIN => out.extend_from_slice(b"0x8000000000000000"),
        FmtArg::Int(i) => numfmt::write_int(out, i),
        FmtArg::Float(f) => quote_float(out, f),
        FmtArg::Nil => out.extend_from_slice(b"nil"),
        FmtArg::Bool(b) => out.extend_from_slice(if b { b"true" } else { b"false" }),
        FmtArg::Other => return Err(FormatError::Arg(arg, "value has no literal form").into()),
    }
    args.grow(len, out.len() - len)
}

/// `string.format(fmt, ...)`: appends the result to `out`.
pub fn format<A: FormatArgs + ?Sized>(
    fmt: &[u8],
    args: &mut A,
    out: &mut Vec<u8>,
) -> Result<(), A::Error> {
    let top = args.top();
    let mut arg = 1;
    let mut i = 0;
    while i < fmt.len() {
        // Copy the literal run up to the next '%' in one go.
        let lit_end = fmt[i..]
            .iter()
            .position(|&c| c == b'%')
            .map_or(fmt.len(), |p| i + p);
        args.grow(out.len(), lit_end - i)?;
        out.extend_from_slice(&fmt[i..lit_end]);
        if lit_end == fmt.len() {
            break;
        }
        i = lit_end + 1;
        if fmt.get(i) == Some(&b'%') {
            args.grow(out.len(), 1)?;
            out.push(b'%');
            i += 1;
            continue;
        }
        arg += 1;
        if arg > top {
            return Err(FormatError::Arg(arg, "no value").into());
        }
        let span = fmt[i..].iter().take_while(|&&c| is_spec_char(c)).count();
        if span > MAX_SPEC {
            return Err(FormatError::Msg("invalid format (too long)".into()).into());
        }
        let conv = Conv {
            spec: &fmt[i..i + span],
            conv: fmt.get(i + span).copied().unwrap_or(0),
            form: &fmt[lit_end..(i + span + 1).min(fmt.len())],
        };
        i += span + 1;
        convert(out, args, arg, &conv)?;
    }
    Ok(())
}

/// Performs one conversion for argument `arg`.
fn convert<A: FormatArgs + ?Sized>(
    out: &mut Vec<u8>,
    args: &mut A,
    arg: usize,
    c: &Conv<'_>,
) -> Result<(), A::Error> {
    let len = out.len();
    match c.conv {
        b'c' => {
            let spec = c.check(FLAGS_C, false)?;
            let v = args.int(arg)?;
            numfmt::pad(out, b"", &[v as u8], &spec, false);
        }
        b'd' | b'i' | b'u' | b'o' | b'x' | b'X' => {
            let v = args.int(arg)?;
            let flags = match c.conv {
                b'd' | b'i' => FLAGS_I,
                b'u' => FLAGS_U,
                _ => FLAGS_X,
            };
            let spec = c.check(flags, true)?;
            format_integer(out, v, c.conv, &spec);
        }
        b'a' | b'A' => {
            let spec = c.check(FLAGS_F, true)?;
            let v = args.num(arg)?;
            numfmt::format_float(out, v, c.conv, &spec);
        }
        b'e' | b'E' | b'f' | b'g' | b'G' => {
            let v = args.num(arg)?;
            let spec = c.check(FLAGS_F, true)?;
            numfmt::format_float(out, v, c.conv, &spec);
        }
        b'p' => {
            let spec = c.check(FLAGS_C, false)?;
            match args.pointer(arg) {
                Some(p) => {
                    let mut buf = Vec::with_capacity(18);
                    buf.extend_from_slice(format!("{p:#x}").as_bytes());
                    numfmt::pad(out, b"", &buf, &spec, false);
                }
                None => numfmt::pad(out, b"", b"(null)", &spec, false),
            }
        }
        b'q' => {
            if !c.spec.is_empty() {
                return Err(FormatError::Msg("specifier '%q' cannot have modifiers".into()).into());
            }
            return add_literal(out, args, arg);
        }
        b's' => {
            let s = args.tostr(arg)?;
            let s = s.as_ref();
            if c.spec.is_empty() {
                args.grow(len, s.len())?;
                out.extend_from_slice(s);
                return Ok(());
            } else {
                if s.contains(&0) {
                    return Err(FormatError::Arg(arg, "string contains zeros").into());
                }
                let spec = c.check(FLAGS_C, true)?;
                match spec.prec {
                    // Lua keeps long strings whole when there is no precision
                    // (the width, at most 99, cannot matter then).
                    None if s.len() >= 100 => {
                        args.grow(len, s.len())?;
                        out.extend_from_slice(s);
                        return Ok(());
                    }
                    // Otherwise at most 99 bytes: accounted below.
                    p => {
                        let body = &s[..p.map_or(s.len(), |p| p.min(s.len()))];
                        numfmt::pad(out, b"", body, &spec, false);
                    }
                }
            }
        }
        _ => {
            return Err(FormatError::Msg(format!(
                "invalid conversion '{}' to 'format'",
                c.form_str()
            ))
            .into());
        }
    }
    args.grow(len, out.len() - len)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::borrow::Cow;

    /// Test argument source mimicking the lua5.4 C API behaviour.
    #[derive(Clone, Debug)]
    enum V {
        Nil,
        B(bool),
        I(i64),
        F(f64),
        S(&'static [u8]),
        T,
    }

    struct Args(Vec<V>);

    fn arg_err(n: usize, m: &str) -> String {
        format!("bad argument #{n} to 'format' ({m})")
    }

    impl FormatArgs for Args {
        type Error = String;
        type Str = Cow<'static, [u8]>;
        fn top(&self) -> usize {
            self.0.len() + 1
        }
        fn int(&mut self, n: usize) -> Result<i64, String> {
            match &self.0[n - 2] {
                V::I(i) => Ok(*i),
                V::F(f) if f.fract() == 0.0 && f.abs() < 9.2e18 => Ok(*f as i64),
                V::F(_) => Err(arg_err(n, "number has no integer representation")),
                V::S(s) => std::str::from_utf8(s)
                    .ok()
                    .and_then(|s| s.parse().ok())
                    .ok_or_else(|| arg_err(n, "number expected, got string")),
                _ => Err(arg_err(n, "number expected, got something")),
            }
        }
        fn num(&mut self, n: usize) -> Result<f64, String> {
            match &self.0[n - 2] {
                V::I(i) => Ok(*i as f64),
                V::F(f) => Ok(*f),
                _ => Err(arg_err(n, "number expected")),
            }
        }
        fn tostr(&mut self, n: usize) -> Result<Cow<'static, [u8]>, String> {
            Ok(match &self.0[n - 2] {
                V::Nil => Cow::Borrowed(b"nil"),
                V::B(b) => Cow::Owned(b.to_string().into_bytes()),
                V::I(i) => Cow::Owned(numfmt::fmt_int(*i).into_bytes()),
                V::F(f) => Cow::Owned(numfmt::fmt_float(*f).into_bytes()),
                V::S(s) => Cow::Borrowed(s),
                V::T => Cow::Borrowed(b"table: 0x1234"),
            })
        }
        fn raw(&mut self, n: usize) -> FmtArg<Cow<'static, [u8]>> {
            match &self.0[n - 2] {
                V::Nil => FmtArg::Nil,
                V::B(b) => FmtArg::Bool(*b),
                V::I(i) => FmtArg::Int(*i),
                V::F(f) => FmtArg::Float(*f),
                V::S(s) => FmtArg::Str(Cow::Borrowed(s)),
                V::T => FmtArg::Other,
            }
        }
        fn pointer(&mut self, n: usize) -> Option<usize> {
            match &self.0[n - 2] {
                V::T => Some(0x55aa_1234_5678),
                _ => None,
            }
        }
    }

    impl From<FormatError> for String {
        fn from(e: FormatError) -> String {
            e.to_string()
        }
    }

    fn fmt(f: &str, args: &[V]) -> Result<String, String> {
        let mut out = vec![];
        format(f.as_bytes(), &mut Args(args.to_vec()), &mut out)?;
        Ok(String::from_utf8_lossy(&out).into_owned())
    }

    fn ok(f: &str, args: &[V]) -> String {
        fmt(f, args).unwrap()
    }

    fn err(f: &str, args: &[V]) -> String {
        fmt(f, args).unwrap_err()
    }

    use V::*;

    #[test]
    fn format_errors() {
        // All expected strings come from lua5.4 (with 'string.format'
        // shortened to 'format', which the VM decides).
        assert_eq!(err("%", &[]), arg_err(2, "no value"));
        assert_eq!(err("%", &[I(1)]), "invalid conversion '%' to 'format'");
        assert_eq!(err("%y", &[I(1)]), "invalid conversion '%y' to 'format'");
        assert_eq!(
            err("%10.3y", &[I(1)]),
            "invalid conversion '%10.3y' to 'format'"
        );
        for f in [
            "%123d", "%1234d", "%.123d", "%-+ #0d", "%#d", "%05s", "%.3c", "%.100f", "%100d",
        ] {
            assert_eq!(
                err(f, &[I(1)]),
                format!("invalid conversion specification: '{f}'"),
                "{f}"
            );
        }
        for f in ["% x", "%+u", "%#c", "%0c", "%1.1.1d"] {
            assert_eq!(
                err(f, &[I(1)]),
                format!("invalid conversion specification: '{f}'")
            );
        }
        for f in ["%+s", "%#s"] {
            assert_eq!(
                err(f, &[S(b"a")]),
                format!("invalid conversion specification: '{f}'")
            );
        }
        assert_eq!(
            err("%.200s", &[S(b"x")]),
            "invalid conversion specification: '%.200s'"
        );
        assert_eq!(
            err("%.3q", &[S(b"a")]),
            "specifier '%q' cannot have modifiers"
        );
        assert_eq!(err("%5q", &[I(1)]), "specifier '%q' cannot have modifiers");
        assert_eq!(err("%q", &[T]), arg_err(2, "value has no literal form"));
        assert_eq!(err("%q", &[]), arg_err(2, "no value"));
        assert_eq!(
            err("%d", &[F(1.5)]),
            arg_err(2, "number has no integer representation")
        );
        assert_eq!(err("%d", &[]), arg_err(2, "no value"));
        assert_eq!(err("%d %s", &[I(1)]), arg_err(3, "no value"));
        assert_eq!(
            err("%.3s", &[S(b"a\0bcd")]),
            arg_err(2, "string contains zeros")
        );
        assert_eq!(
            err("%10s|", &[S(b"a\0b")]),
            arg_err(2, "string contains zeros")
        );
        assert_eq!(err("%5%", &[]), arg_err(2, "no value"));
        assert_eq!(err("%5%", &[I(1)]), "invalid conversion '%5%' to 'format'");
        assert_eq!(err("%ld", &[I(1)]), "invalid conversion '%l' to 'format'");
        assert_eq!(err("%hd", &[I(1)]), "invalid conversion '%h' to 'format'");
        assert_eq!(err("%F", &[F(1.0)]), "invalid conversion '%F' to 'format'");
        assert_eq!(err("%5.", &[I(1)]), "invalid conversion '%5.' to 'format'");
        let long = format!("%{}d|", "-".repeat(21));
        assert_eq!(err(&long, &[I(1)]), "invalid format (too long)");
        let ok20 = format!("%{}d|", "-".repeat(20));
        assert_eq!(ok(&ok20, &[I(1)]), "1|");
    }

    #[test]
    fn integers() {
        assert_eq!(ok("%0-5d|", &[I(1)]), "1    |");
        assert_eq!(ok("%-05d|", &[I(1)]), "1    |");
        assert_eq!(ok("%d", &[S(b"10")]), "10");
        assert_eq!(
            ok("%x %X %o %u", &[I(-1), I(255), I(8), I(-1)]),
            "ffffffffffffffff FF 10 18446744073709551615"
        );
        assert_eq!(
            ok("%#x %#X %#o %#o", &[I(255), I(255), I(8), I(0)]),
            "0xff 0XFF 010 0"
        );
        assert_eq!(
            ok("%.0d|%.0x|%#.0o|%5.0d|", &[I(0), I(0), I(0), I(0)]),
            "||0|     |"
        );
        assert_eq!(
            ok(
                "%+d % d %+5d %-+5d| %05d %+05d % 05d",
                &[I(5), I(5), I(5), I(5), I(-5), I(5), I(5)]
            ),
            "+5  5    +5 +5   | -0005 +0005  0005"
        );
        assert_eq!(
            ok("%.5d %8.5d %-8.5d| %08.5d", &[I(-42), I(42), I(42), I(42)]),
            "-00042    00042 00042   |    00042"
        );
        assert_eq!(ok("%i", &[I(i64::MIN)]), "-9223372036854775808");
        assert_eq!(ok("%5.2x", &[I(255)]), "   ff");
        assert_eq!(ok("%#5.3o", &[I(8)]), "  010");
        assert_eq!(ok("%099d", &[I(1)]), format!("{}1", "0".repeat(98)));
        assert_eq!(ok("%x", &[F(3.0)]), "3");
        assert_eq!(ok("%-----d", &[I(1)]), "1");
        assert_eq!(ok("%00000000000000000001d", &[I(1)]), "1");
    }

    #[test]
    fn chars_and_strings() {
        assert_eq!(ok("%c%c%c", &[I(76), I(117), I(97)]), "Lua");
        assert_eq!(ok("%5c|%-5c|", &[I(65), I(65)]), "    A|A    |");
        assert_eq!(ok("%c", &[I(256 + 65)]), "A");
        assert_eq!(ok("%c", &[F(65.0)]), "A");
        assert_eq!(ok("%5.2s|", &[S(b"abc")]), "   ab|");
        assert_eq!(ok("%s", &[S(b"a\0bcd")]), "a\0bcd");
        assert_eq!(ok("%s %s %s", &[Nil, B(true), I(12)]), "nil true 12");
        assert_eq!(ok("%s", &[F(1.0)]), "1.0");
        assert_eq!(ok("%10.4s|", &[S(b"abcdefgh")]), "      abcd|");
        let x120: &'static [u8] = Box::leak(vec![b'x'; 120].into_boxed_slice());
        assert_eq!(ok("%5s", &[S(x120)]).len(), 120);
        assert_eq!(ok("%%", &[]), "%");
        assert_eq!(ok("abc\0%d\0", &[I(7)]), "abc\u{0}7\u{0}");
    }

    #[test]
    fn floats() {
        assert_eq!(
            ok("%5.1f|%-5d|%q", &[F(3.25159), I(42), S(b"a\nb\0c")]),
            "  3.3|42   |\"a\\\nb\\0c\""
        );
        assert_eq!(ok("%.f", &[F(1.5)]), "2");
        assert_eq!(ok("%5.f|", &[F(1.5)]), "    2|");
        assert_eq!(ok("%.e", &[F(1.5)]), "2e+00");
        assert_eq!(ok("%-#10.3a|", &[I(1)]), "0x1.000p+0|");
        assert_eq!(ok("%a", &[I(1)]), "0x1p+0");
        assert_eq!(ok("%99.99f", &[I(1)]), format!("1.{}", "0".repeat(99)));
        assert_eq!(ok("%g", &[I(100000000000000)]), "1e+14");
    }

    #[test]
    fn quoted() {
        assert_eq!(ok("%q", &[I(i64::MIN)]), "0x8000000000000000");
        assert_eq!(ok("%q", &[I(i64::MAX)]), "9223372036854775807");
        assert_eq!(ok("%q", &[F(f64::INFINITY)]), "1e9999");
        assert_eq!(ok("%q", &[F(f64::NEG_INFINITY)]), "-1e9999");
        assert_eq!(ok("%q", &[F(f64::NAN)]), "(0/0)");
        assert_eq!(ok("%q", &[F(1.5)]), "0x1.8p+0");
        assert_eq!(ok("%q", &[F(1.0)]), "0x1p+0");
        assert_eq!(ok("%q", &[F(-0.0)]), "-0x0p+0");
        assert_eq!(ok("%q", &[F(0.1)]), "0x1.999999999999ap-4");
        assert_eq!(ok("%q", &[F(1e100)]), "0x1.249ad2594c37dp+332");
        assert_eq!(ok("%q %q", &[B(true), Nil]), "true nil");
        let mut out = vec![];
        quote_string(&mut out, b"a\nb\0c\x001\r\t\"\\\x7f\x80\xffx");
        assert_eq!(quoted_len(b"a\nb\0c\x001\r\t\"\\\x7f\x80\xffx"), out.len());
        let all: Vec<u8> = (0..=255u8).flat_map(|c| [c, c, b'7', c]).collect();
        let mut out2 = vec![];
        quote_string(&mut out2, &all);
        assert_eq!(quoted_len(&all), out2.len());
        assert_eq!(out, b"\"a\\\nb\\0c\\0001\\13\\9\\\"\\\\\\127\x80\xffx\"");
    }

    #[test]
    fn pointers() {
        assert_eq!(ok("%p", &[I(1)]), "(null)");
        assert_eq!(ok("%10p|", &[Nil]), "    (null)|");
        assert_eq!(ok("%-10p|", &[B(true)]), "(null)    |");
        assert_eq!(ok("%p", &[T]), "0x55aa12345678");
        assert_eq!(ok("%16p|", &[T]), "  0x55aa12345678|");
    }
}
