//! `string.pack`, `string.unpack` and `string.packsize` (manual §6.4.2)
//! with the layout rules and error messages of lua5.4 on x86-64 (native
//! little endian, 8-byte `long`/`size_t`/`lua_Integer`, default maximum
//! alignment 8).

/// Largest supported size of an `i[n]`/`I[n]` integer.
const MAX_INT_SIZE: usize = 16;
/// Size of `lua_Integer`.
const SZINT: usize = 8;
/// Largest total size `packsize` accepts (lua5.4 uses `INT_MAX`).
const MAX_SIZE: usize = i32::MAX as usize;
/// Native maximum alignment used by a bare `!`.
const NATIVE_ALIGN: usize = 8;
/// Byte used for padding.
const PAD: u8 = 0;

/// Errors detected by the pack functions themselves.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PackError {
    /// Argument error: Lua argument number and message, e.g.
    /// `(2, "integer overflow")`.
    Arg(usize, &'static str),
    /// A plain error message, e.g. `invalid format option 'y'`.
    Msg(String),
}

impl std::fmt::Display for PackError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PackError::Arg(n, m) => write!(f, "bad argument #{n} ({m})"),
            PackError::Msg(m) => f.write_str(m),
        }
    }
}

impl std::error::Error for PackError {}

/// Argument access for [`pack`]; argument numbers are Lua's (the format
/// is argument 1).
pub trait PackArgs {
    /// The VM's error type; pack errors convert into it.
    type Error: From<PackError>;
    /// The bytes of a string argument (held independently of `self`).
    type Str: AsRef<[u8]>;
    /// `luaL_checkinteger` of argument `n`.
    fn int(&mut self, n: usize) -> Result<i64, Self::Error>;
    /// `luaL_checknumber` of argument `n`.
    fn num(&mut self, n: usize) -> Result<f64, Self::Error>;
    /// `luaL_checklstring` of argument `n`.
    fn str(&mut self, n: usize) -> Result<Self::Str, Self::Error>;
    /// The output of `len` bytes is about to grow by `add` bytes; an error
    /// stops packing before they are written.
    fn grow(&mut self, len: usize, add: usize) -> Result<(), Self::Error> {
        let _ = (len, add);
        Ok(())
    }
}

/// A value produced by [`unpack`]; strings borrow from the data.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum PackVal<'a> {
    /// An integer.
    Int(i64),
    /// A float.
    Float(f64),
    /// A string.
    Str(&'a [u8]),
}

/// What one format option does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Int,
    Uint,
    Float,
    Double,
    Char,
    Str,
    Zstr,
    Padding,
    PadAlign,
    Nop,
}

/// Format-string reader with the current endianness and max alignment.
struct Parser<'f> {
    fmt: &'f [u8],
    pos: usize,
    little: bool,
    max_align: usize,
}

impl<'f> Parser<'f> {
    fn new(fmt: &'f [u8]) -> Self {
        // The format is a C string in lua5.4: it ends at the first NUL.
        let end = fmt.iter().position(|&c| c == 0).unwrap_or(fmt.len());
        Parser {
            fmt: &fmt[..end],
            pos: 0,
            little: true,
            max_align: 1,
        }
    }

    fn done(&self) -> bool {
        self.pos >= self.fmt.len()
    }

    /// Reads an optional decimal size; stops early (like lua5.4) once the
    /// value could overflow an `int`.
    fn num(&mut self, default: usize) -> Option<usize> {
        let digit = |p: &Self| p.fmt.get(p.pos).filter(|c| c.is_ascii_digit()).copied();
        let Some(mut d) = digit(self) else {
            return (default != usize::MAX).then_some(default);
        };
        let mut a = 0usize;
        loop {
            a = a * 10 + (d - b'0') as usize;
            self.pos += 1;
            match digit(self) {
                Some(nd) if a <= (MAX_SIZE - 9) / 10 => d = nd,
                _ => return Some(a),
            }
        }
    }

    fn num_limit(&mut self, default: usize) -> Result<usize, PackError> {
        let sz = self.num(default).unwrap_or(default);
        if sz == 0 || sz > MAX_INT_SIZE {
            return Err(PackError::Msg(format!(
                "integral size ({sz}) out of limits [1,{MAX_INT_SIZE}]"
            )));
        }
        Ok(sz)
    }

    /// Reads one option and its size.
    fn option(&mut self) -> Result<(Kind, usize), PackError> {
        let c = self.fmt[self.pos];
        self.pos += 1;
        Ok(match c {
            b'b' => (Kind::Int, 1),
            b'B' => (Kind::Uint, 1),
            b'h' => (Kind::Int, 2),
            b'H' => (Kind::Uint, 2),
            b'l' | b'j' => (Kind::Int, 8),
            b'L' | b'J' | b'T' => (Kind::Uint, 8),
            b'f' => (Kind::Float, 4),
            b'n' | b'd' => (Kind::Double, 8),
            b'i' => (Kind::Int, self.num_limit(4)?),
            b'I' => (Kind::Uint, self.num_limit(4)?),
            b's' => (Kind::Str, self.num_limit(8)?),
            b'c' => match self.num(usize::MAX) {
                Some(n) => (Kind::Char, n),
                None => {
                    return Err(PackError::Msg("missing size for format option 'c'".into()));
                }
            },
            b'z' => (Kind::Zstr, 0),
            b'x' => (Kind::Padding, 1),
            b'X' => (Kind::PadAlign, 0),
            b' ' => (Kind::Nop, 0),
            b'<' | b'=' => {
                self.little = true;
                (Kind::Nop, 0)
            }
            b'>' => {
                self.little = false;
                (Kind::Nop, 0)
            }
            b'!' => {
                self.max_align = self.num_limit(NATIVE_ALIGN)?;
                (Kind::Nop, 0)
            }
            _ => {
                return Err(PackError::Msg(format!(
                    "invalid format option '{}'",
                    c as char
                )));
            }
        })
    }

    /// Reads one option and computes the padding needed before it when
    /// `total` bytes precede it: `(kind, size, padding)`.
    fn details(&mut self, total: usize) -> Result<(Kind, usize, usize), PackError> {
        let (kind, size) = self.option()?;
        let mut align = size;
        if kind == Kind::PadAlign {
            let next = if self.done() {
                None
            } else {
                Some(self.option()?)
            };
            match next {
                Some((k, a)) if k != Kind::Char && a != 0 => align = a,
                _ => {
                    return Err(PackError::Arg(1, "invalid next option for option 'X'"));
                }
            }
        }
        if align <= 1 || kind == Kind::Char {
            return Ok((kind, size, 0));
        }
        let align = align.min(self.max_align);
        if !align.is_power_of_two() {
            return Err(PackError::Arg(
                1,
                "format asks for alignment not power of 2",
            ));
        }
        Ok((kind, size, (align - (total & (align - 1))) & (align - 1)))
    }
}

/// Appends `size` bytes of `v` (sign-extended with `ext` beyond 8 bytes).
fn pack_int(out: &mut Vec<u8>, v: u64, little: bool, size: usize, neg: bool) {
    let byte = |i: usize| {
        if i < SZINT {
            (v >> (8 * i)) as u8
        } else if neg {
            0xff
        } else {
            0
        }
    };
    if little {
        out.extend((0..size).map(byte));
    } else {
        out.extend((0..size).rev().map(byte));
    }
}

/// Reads a `size`-byte integer; larger-than-8 sizes must be pure sign
/// (or zero) extension.
fn unpack_int(b: &[u8], little: bool, size: usize, signed: bool) -> Result<i64, PackError> {
    let at = |i: usize| if little { b[i] } else { b[size - 1 - i] };
    let limit = size.min(SZINT);
    let mut res = 0u64;
    for i in (0..limit).rev() {
        res = (res << 8) | at(i) as u64;
    }
    if size < SZINT {
        if signed {
            let mask = 1u64 << (size * 8 - 1);
            res = (res ^ mask).wrapping_sub(mask);
        }
    } else if size > SZINT {
        let ext = if signed && (res as i64) < 0 { 0xff } else { 0 };
        if (limit..size).any(|i| at(i) != ext) {
            return Err(PackError::Msg(format!(
                "{size}-byte integer does not fit into Lua Integer"
            )));
        }
    }
    Ok(res as i64)
}

/// `string.pack(fmt, ...)`: appends the packed values to `out`.
pub fn pack<A: PackArgs + ?Sized>(
    fmt: &[u8],
    args: &mut A,
    out: &mut Vec<u8>,
) -> Result<(), A::Error> {
    let mut p = Parser::new(fmt);
    let mut arg = 1;
    let mut total = 0usize;
    while !p.done() {
        let (kind, size, pad) = p.details(total)?;
        total += pad + size;
        if pad > 0 {
            args.grow(out.len(), pad)?;
            out.resize(out.len() + pad, PAD);
        }
        arg += 1;
        // Fixed-size items are at most 16 bytes; `c`, `s` and `z` are sized
        // by their strings.
        if !matches!(kind, Kind::Char | Kind::Str | Kind::Zstr) {
            args.grow(out.len(), size)?;
        }
        match kind {
            Kind::Int => {
                let n = args.int(arg)?;
                if size < SZINT {
                    let lim = 1i64 << (size * 8 - 1);
                    if !(-lim <= n && n < lim) {
                        return Err(PackError::Arg(arg, "integer overflow").into());
                    }
                }
                pack_int(out, n as u64, p.little, size, n < 0);
            }
            Kind::Uint => {
                let n = args.int(arg)?;
                if size < SZINT && (n as u64) >= 1u64 << (size * 8) {
                    return Err(PackError::Arg(arg, "unsigned overflow").into());
                }
                pack_int(out, n as u64, p.little, size, false);
            }
            Kind::Float => {
                let bits = (args.num(arg)? as f32).to_bits();
                pack_int(out, bits as u64, p.little, 4, false);
            }
            Kind::Double => {
                let bits = args.num(arg)?.to_bits();
                pack_int(out, bits, p.little, 8, false);
            }
            Kind::Char => {
                let s = args.str(arg)?;
                let s = s.as_ref();
                if s.len() > size {
                    return Err(PackError::Arg(arg, "string longer than given size").into());
                }
                args.grow(out.len(), size)?;
                out.extend_from_slice(s);
                out.resize(out.len() + (size - s.len()), PAD);
            }
            Kind::Str => {
                let s = args.str(arg)?;
                let s = s.as_ref();
                if size < 8 && s.len() as u64 >= 1u64 << (size * 8) {
                    return Err(
                        PackError::Arg(arg, "string length does not fit in given size").into(),
                    );
                }
                args.grow(out.len(), size + s.len())?;
                pack_int(out, s.len() as u64, p.little, size, false);
                out.extend_from_slice(s);
                total += s.len();
            }
            Kind::Zstr => {
                let s = args.str(arg)?;
                let s = s.as_ref();
                if s.contains(&0) {
                    return Err(PackError::Arg(arg, "string contains zeros").into());
                }
                args.grow(out.len(), s.len() + 1)?;
                out.extend_from_slice(s);
                out.push(0);
                total += s.len() + 1;
            }
            Kind::Padding => {
                out.push(PAD);
                arg -= 1;
            }
            Kind::PadAlign | Kind::Nop => arg -= 1,
        }
    }
    Ok(())
}

/// `string.packsize(fmt)`.
pub fn packsize(fmt: &[u8]) -> Result<i64, PackError> {
    let mut p = Parser::new(fmt);
    let mut total = 0usize;
    while !p.done() {
        let (kind, size, pad) = p.details(total)?;
        if matches!(kind, Kind::Str | Kind::Zstr) {
            return Err(PackError::Arg(1, "variable-length format"));
        }
        let size = size + pad;
        if total > MAX_SIZE.saturating_sub(size) || size > MAX_SIZE {
            return Err(PackError::Arg(1, "format result too large"));
        }
        total += size;
    }
    Ok(total as i64)
}

/// `string.unpack(fmt, data, init)`: appends the values to `out` and
/// returns the 1-based position after the last byte read. `init` is Lua's
/// third argument (1 when absent; negative counts from the end).
pub fn unpack<'a>(
    fmt: &[u8],
    data: &'a [u8],
    init: i64,
    out: &mut Vec<PackVal<'a>>,
) -> Result<i64, PackError> {
    let ld = data.len();
    // posrelatI: 0 and too-negative positions mean the start.
    let init = if init > 0 {
        init as u64
    } else if init == 0 || init.unsigned_abs() > ld as u64 {
        1
    } else {
        (ld as i64 + init + 1) as u64
    };
    let mut pos = (init - 1) as usize;
    if init - 1 > ld as u64 {
        return Err(PackError::Arg(3, "initial position out of string"));
    }
    let too_short = PackError::Arg(2, "data string too short");
    let mut p = Parser::new(fmt);
    while !p.done() {
        let (kind, size, pad) = p.details(pos)?;
        if pad as u64 + size as u64 > (ld - pos) as u64 {
            return Err(too_short);
        }
        pos += pad;
        let here = &data[pos..];
        match kind {
            Kind::Int | Kind::Uint => {
                out.push(PackVal::Int(unpack_int(
                    here,
                    p.little,
                    size,
                    kind == Kind::Int,
                )?));
            }
            Kind::Float => {
                let bits = unpack_int(here, p.little, 4, false)? as u32;
                out.push(PackVal::Float(f32::from_bits(bits) as f64));
            }
            Kind::Double => {
                let bits = unpack_int(here, p.little, 8, false)? as u64;
                out.push(PackVal::Float(f64::from_bits(bits)));
            }
            Kind::Char => out.push(PackVal::Str(&here[..size])),
            Kind::Str => {
                let len = unpack_int(here, p.little, size, false)? as u64;
                if len > (ld - pos - size) as u64 {
                    return Err(too_short);
                }
                let len = len as usize;
                out.push(PackVal::Str(&here[size..size + len]));
                pos += len;
            }
            Kind::Zstr => {
                let Some(len) = here.iter().position(|&c| c == 0) else {
                    return Err(PackError::Arg(2, "unfinished string for format 'z'"));
                };
                out.push(PackVal::Str(&here[..len]));
                pos += len + 1;
            }
            Kind::Padding | Kind::PadAlign | Kind::Nop => {}
        }
        pos += size;
    }
    Ok(pos as i64 + 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::borrow::Cow;

    #[derive(Clone, Debug)]
    enum V {
        I(i64),
        F(f64),
        S(&'static [u8]),
    }

    struct Args(Vec<V>);

    impl From<PackError> for String {
        fn from(e: PackError) -> String {
            e.to_string()
        }
    }

    impl PackArgs for Args {
        type Error = String;
        type Str = Cow<'static, [u8]>;
        fn int(&mut self, n: usize) -> Result<i64, String> {
            match self.0.get(n - 2) {
                Some(V::I(i)) => Ok(*i),
                Some(V::F(f)) if f.fract() == 0.0 => Ok(*f as i64),
                Some(V::F(_)) => Err(format!(
                    "bad argument #{n} (number has no integer representation)"
                )),
                _ => Err(format!("bad argument #{n} (number expected)")),
            }
        }
        fn num(&mut self, n: usize) -> Result<f64, String> {
            match self.0.get(n - 2) {
                Some(V::I(i)) => Ok(*i as f64),
                Some(V::F(f)) => Ok(*f),
                _ => Err(format!("bad argument #{n} (number expected)")),
            }
        }
        fn str(&mut self, n: usize) -> Result<Cow<'static, [u8]>, String> {
            match self.0.get(n - 2) {
                Some(V::S(s)) => Ok(Cow::Borrowed(s)),
                Some(V::I(i)) => Ok(Cow::Owned(i.to_string().into_bytes())),
                _ => Err(format!("bad argument #{n} (string expected)")),
            }
        }
    }

    use V::*;

    fn hex(b: &[u8]) -> String {
        b.iter().map(|c| format!("{c:02x}")).collect()
    }

    fn p(fmt: &str, args: &[V]) -> String {
        let mut out = vec![];
        match pack(fmt.as_bytes(), &mut Args(args.to_vec()), &mut out) {
            Ok(()) => hex(&out),
            Err(e) => format!("ERR {e}"),
        }
    }

    fn u(fmt: &str, data: &[u8], init: i64) -> String {
        let mut out = vec![];
        match unpack(fmt.as_bytes(), data, init, &mut out) {
            Ok(next) => {
                let mut parts: Vec<String> = out
                    .iter()
                    .map(|v| match v {
                        PackVal::Int(i) => i.to_string(),
                        PackVal::Float(f) => f.to_string(),
                        PackVal::Str(s) => String::from_utf8_lossy(s).into_owned(),
                    })
                    .collect();
                parts.push(next.to_string());
                parts.join(" ")
            }
            Err(e) => format!("ERR {e}"),
        }
    }

    fn sz(fmt: &str) -> String {
        match packsize(fmt.as_bytes()) {
            Ok(n) => n.to_string(),
            Err(e) => format!("ERR {e}"),
        }
    }

    const OVF: &str = "ERR bad argument #2 (integer overflow)";
    const UOVF: &str = "ERR bad argument #2 (unsigned overflow)";

    #[test]
    fn pack_matches_lua() {
        // Expected values from lua5.4 (hex of string.pack results).
        assert_eq!(p("i4", &[I(100)]), "64000000");
        assert_eq!(p(">i4", &[I(100)]), "00000064");
        assert_eq!(p("<i2 >i2 =i2", &[I(1), I(2), I(3)]), "010000020300");
        assert_eq!(p("b", &[I(127)]), "7f");
        assert_eq!(p("b", &[I(128)]), OVF);
        assert_eq!(p("B", &[I(255)]), "ff");
        assert_eq!(p("B", &[I(256)]), UOVF);
        assert_eq!(p("B", &[I(-1)]), UOVF);
        assert_eq!(p("h", &[I(-32768)]), "0080");
        assert_eq!(p("h", &[I(32768)]), OVF);
        assert_eq!(p("i16", &[I(-2)]), "feffffffffffffffffffffffffffffff");
        assert_eq!(p("I16", &[I(5)]), "05000000000000000000000000000000");
        assert_eq!(p(">i16", &[I(-2)]), "fffffffffffffffffffffffffffffffe");
        assert_eq!(
            p("i0", &[I(1)]),
            "ERR integral size (0) out of limits [1,16]"
        );
        assert_eq!(
            p("i17", &[I(1)]),
            "ERR integral size (17) out of limits [1,16]"
        );
        assert_eq!(p("i", &[I(1)]), "01000000");
        assert_eq!(p("j", &[I(i64::MIN)]), "0000000000000080");
        assert_eq!(p("J", &[I(-1)]), "ffffffffffffffff");
        assert_eq!(p("T", &[I(7)]), "0700000000000000");
        assert_eq!(p("l", &[I(1)]), "0100000000000000");
        assert_eq!(p("f", &[F(1.5)]), "0000c03f");
        assert_eq!(p("d", &[F(1.5)]), "000000000000f83f");
        assert_eq!(p("n", &[F(1.5)]), "000000000000f83f");
        assert_eq!(p(">d", &[F(-0.0)]), "8000000000000000");
        assert_eq!(p("f", &[F(1e300)]), "0000807f");
        assert_eq!(p("s", &[S(b"hi")]), "02000000000000006869");
        assert_eq!(p("s1", &[S(b"hi")]), "026869");
        let x256: &'static [u8] = Box::leak(vec![b'x'; 256].into_boxed_slice());
        assert_eq!(
            p("s1", &[S(x256)]),
            "ERR bad argument #2 (string length does not fit in given size)"
        );
        assert_eq!(p("s2", &[S(b"abc")]), "0300616263");
        assert_eq!(p(">s2", &[S(b"abc")]), "0003616263");
        assert_eq!(p("z", &[S(b"hi")]), "686900");
        assert_eq!(
            p("z", &[S(b"h\0i")]),
            "ERR bad argument #2 (string contains zeros)"
        );
        assert_eq!(p("c5", &[S(b"hi")]), "6869000000");
        assert_eq!(
            p("c2", &[S(b"hello")]),
            "ERR bad argument #2 (string longer than given size)"
        );
        assert_eq!(p("c", &[S(b"x")]), "ERR missing size for format option 'c'");
        assert_eq!(p("c0", &[S(b"")]), "");
        assert_eq!(p("z", &[I(12)]), "313200");
    }

    #[test]
    fn alignment_matches_lua() {
        assert_eq!(p("!4 b i4", &[I(1), I(2)]), "0100000002000000");
        assert_eq!(
            p("! b d", &[I(1), F(2.0)]),
            "01000000000000000000000000000040"
        );
        assert_eq!(p("!2 b i8", &[I(1), I(2)]), "01000200000000000000");
        assert_eq!(p("b x i2", &[I(1), I(2)]), "01000200");
        assert_eq!(p("b Xi4 i4", &[I(1), I(2)]), "0102000000");
        assert_eq!(p("!8 b Xi8", &[I(1)]), "0100000000000000");
        let bad_x = "ERR bad argument #1 (invalid next option for option 'X')";
        assert_eq!(p("b X", &[I(1)]), bad_x);
        assert_eq!(p("b Xc", &[I(1)]), "ERR missing size for format option 'c'");
        assert_eq!(p("b Xc2", &[I(1)]), bad_x);
        assert_eq!(p("b Xz", &[I(1)]), bad_x);
        let not_pow2 = "ERR bad argument #1 (format asks for alignment not power of 2)";
        assert_eq!(p("!3 i4", &[I(1)]), not_pow2);
        assert_eq!(p("!i3", &[I(1)]), not_pow2);
        assert_eq!(
            p("!17", &[I(1)]),
            "ERR integral size (17) out of limits [1,16]"
        );
        assert_eq!(p("y", &[I(1)]), "ERR invalid format option 'y'");
        assert_eq!(p("i3", &[I(8388607)]), "ffff7f");
        assert_eq!(p("i3", &[I(8388608)]), OVF);
        assert_eq!(p("I3", &[I(16777215)]), "ffffff");
        assert_eq!(p("I3", &[I(16777216)]), UOVF);
        assert_eq!(p(" < i4 ", &[I(1)]), "01000000");
        assert_eq!(p("b Xi3", &[I(1)]), "01");
        assert_eq!(p("i9", &[I(-1)]), "ffffffffffffffffff");
        assert_eq!(p("I9", &[I(-1)]), "ffffffffffffffff00");
        assert_eq!(sz("c1000000000000"), "ERR invalid format option '0'");
        assert_eq!(p("i4\0i4", &[I(1)]), "01000000");
    }

    #[test]
    fn unpack_matches_lua() {
        let ff16 = [0xffu8; 16];
        let mut one16 = [0u8; 16];
        one16[0] = 1;
        let mut big16 = [0u8; 16];
        big16[8] = 1;
        assert_eq!(u("i4", b"\x64\0\0\0", 1), "100 5");
        assert_eq!(u(">i4", b"\0\0\0\x64", 1), "100 5");
        assert_eq!(
            u("i4", b"\x01\x02", 1),
            "ERR bad argument #2 (data string too short)"
        );
        assert_eq!(u("b B", b"\xff\xff", 1), "-1 255 3");
        assert_eq!(u("h", b"\0\x80", 1), "-32768 3");
        assert_eq!(u("i16", &ff16, 1), "-1 17");
        assert_eq!(u("i16", &one16, 1), "1 17");
        assert_eq!(
            u("i16", &big16, 1),
            "ERR 16-byte integer does not fit into Lua Integer"
        );
        assert_eq!(
            u("I9", &ff16[..9], 1),
            "ERR 9-byte integer does not fit into Lua Integer"
        );
        assert_eq!(
            u("i9", b"\xff\xff\xff\xff\xff\xff\xff\xff\0", 1),
            "ERR 9-byte integer does not fit into Lua Integer"
        );
        assert_eq!(u("s1", b"\x02hi", 1), "hi 4");
        assert_eq!(
            u("s1", b"\x05hi", 1),
            "ERR bad argument #2 (data string too short)"
        );
        assert_eq!(u("z", b"hi\0rest", 1), "hi 4");
        assert_eq!(
            u("z", b"hi", 1),
            "ERR bad argument #2 (unfinished string for format 'z')"
        );
        assert_eq!(u("c2", b"hi!", 1), "hi 3");
        assert_eq!(
            u("c3", b"hi", 1),
            "ERR bad argument #2 (data string too short)"
        );
        let mut packed = vec![];
        pack(
            b"f d n",
            &mut Args(vec![F(1.5), F(2.5), F(3.5)]),
            &mut packed,
        )
        .unwrap();
        assert_eq!(u("f d n", &packed, 1), "1.5 2.5 3.5 21");
        assert_eq!(u("i4", b"\0\0\0\0\x01\0\0\0", 5), "1 9");
        assert_eq!(
            u("i4", b"\0\0\0\0", 6),
            "ERR bad argument #3 (initial position out of string)"
        );
        assert_eq!(u("i4", b"\0\0\0\0", -4), "0 5");
        assert_eq!(u("i4", b"\0\0\0\0", 0), "0 5");
        assert_eq!(
            u("i4", b"\0\0\0\0", 5),
            "ERR bad argument #2 (data string too short)"
        );
        assert_eq!(u("!4 b i4", b"\x01\0\0\0\x02\0\0\0", 1), "1 2 9");
        assert_eq!(u("b x b", b"\x01\x02\x03", 1), "1 3 4");
        assert_eq!(u("b Xi4 b", b"\x01\0\0\0\x09", 1), "1 0 3");
        assert_eq!(u("y", b"", 1), "ERR invalid format option 'y'");
        assert_eq!(u(">I2", b"\x01\x02", 1), "258 3");
        assert_eq!(u("=I2", b"\x01\x02", 1), "513 3");
    }

    #[test]
    fn packsize_matches_lua() {
        assert_eq!(sz("i4 i8"), "12");
        assert_eq!(sz("!8 b i8"), "16");
        assert_eq!(sz("s"), "ERR bad argument #1 (variable-length format)");
        assert_eq!(sz("z"), "ERR bad argument #1 (variable-length format)");
        assert_eq!(sz("c10 b"), "11");
        assert_eq!(sz("c2147483647"), "ERR invalid format option '7'");
        assert_eq!(sz("c2147483648"), "ERR invalid format option '8'");
        assert_eq!(sz("c99999999999"), "ERR invalid format option '9'");
        assert_eq!(sz("!16 b d"), "16");
        assert_eq!(sz("Xi16"), "0");
        assert_eq!(sz("c1073741824 c1073741823"), "2147483647");
        assert_eq!(
            sz("c1073741824 c1073741824"),
            "ERR bad argument #1 (format result too large)"
        );
    }
}
