//! UTF-8 helpers for Lua 5.4's `utf8` library (manual §6.5).
//!
//! Lua accepts the original 6-byte UTF-8 scheme (code points up to
//! 0x7FFFFFFF) unless a function runs in strict mode, where only
//! 0..=0x10FFFF without surrogates is valid. Overlong forms are always
//! rejected.

/// Largest code point in strict mode.
pub const MAX_UNICODE: u32 = 0x10FFFF;
/// Largest code point Lua can encode (lax mode).
pub const MAX_UTF: u32 = 0x7FFF_FFFF;
/// `utf8.charpattern`.
pub const CHARPATTERN: &[u8] = b"[\x00-\x7F\xC2-\xFD][\x80-\xBF]*";

/// Errors of the `utf8` functions (other than argument conversion).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Utf8Error {
    /// Argument error: argument number and message, e.g.
    /// `(3, "out of bounds")` for `bad argument #3 to 'codepoint' (out of bounds)`.
    Arg(usize, &'static str),
    /// A plain error such as `invalid UTF-8 code`.
    Msg(&'static str),
}

impl std::fmt::Display for Utf8Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Utf8Error::Arg(n, m) => write!(f, "bad argument #{n} ({m})"),
            Utf8Error::Msg(m) => f.write_str(m),
        }
    }
}

impl std::error::Error for Utf8Error {}

const INVALID: Utf8Error = Utf8Error::Msg("invalid UTF-8 code");

/// Is `b` a continuation byte (`10xxxxxx`)?
#[inline]
pub fn is_cont(b: u8) -> bool {
    b & 0xC0 == 0x80
}

/// Converts a `utf8.char` argument to a code point, or `None` when it is
/// outside 0..=0x7FFFFFFF (`value out of range`).
pub fn checked_code(v: i64) -> Option<u32> {
    u32::try_from(v).ok().filter(|&c| c <= MAX_UTF)
}

/// Appends the (extended) UTF-8 encoding of `cp` (at most [`MAX_UTF`];
/// larger values are truncated to 31 bits).
pub fn encode(cp: u32, out: &mut Vec<u8>) {
    let cp = cp & MAX_UTF;
    if cp < 0x80 {
        out.push(cp as u8);
        return;
    }
    // Fill continuation bytes from the end, then the lead byte, whose
    // payload shrinks by one bit per continuation byte.
    let mut buf = [0u8; 6];
    let mut i = buf.len();
    let mut x = cp;
    let mut first_max = 0x3F; // largest payload that fits in the lead byte
    loop {
        i -= 1;
        buf[i] = 0x80 | (x & 0x3F) as u8;
        x >>= 6;
        first_max >>= 1;
        if x <= first_max {
            break;
        }
    }
    i -= 1;
    buf[i] = ((!first_max << 1) as u8) | x as u8;
    out.extend_from_slice(&buf[i..]);
}

/// Decodes one sequence at the start of `s`, as lua5.4's `utf8_decode`:
/// returns the code point and the number of bytes used, or `None` for an
/// invalid, truncated or overlong sequence (or, when `strict`, a code point
/// above 0x10FFFF or a surrogate).
#[inline]
pub fn decode(s: &[u8], strict: bool) -> Option<(u32, usize)> {
    let c = *s.first()?;
    if c < 0x80 {
        return Some((c as u32, 1));
    }
    // Number of continuation bytes = leading ones after the first.
    let count = (c << 1).leading_ones() as usize;
    if count == 0 || count > 5 {
        return None; // stray continuation byte, or 0xFE/0xFF
    }
    let cont = s.get(1..=count)?;
    let mut res = (c as u32) & (0x3F >> count);
    for &b in cont {
        if !is_cont(b) {
            return None;
        }
        res = (res << 6) | (b & 0x3F) as u32;
    }
    // Smallest value that needs `count` continuation bytes.
    const LIMITS: [u32; 6] = [0, 0x80, 0x800, 0x10000, 0x20_0000, 0x400_0000];
    if res < LIMITS[count] {
        return None; // overlong
    }
    if strict && (res > MAX_UNICODE || (0xD800..=0xDFFF).contains(&res)) {
        return None;
    }
    Some((res, count + 1))
}

/// Lua's `u_posrelat`: a negative position counts from the end; too
/// negative ones become 0.
fn posrelat(pos: i64, len: usize) -> i64 {
    if pos >= 0 {
        pos
    } else if pos.unsigned_abs() > len as u64 {
        0
    } else {
        len as i64 + pos + 1
    }
}

/// Bytes in the range `i..=j` of a string of `len` bytes (positions as
/// `utf8.len` and `utf8.codepoint` take them, clamped to the string), which
/// those functions decode at most.
pub fn span(len: usize, i: i64, j: i64) -> usize {
    let lo = posrelat(i, len).max(1);
    let hi = posrelat(j, len).min(len as i64);
    (hi - lo + 1).max(0) as usize
}

/// `utf8.len(s, i, j, lax)`: `Ok(Ok(n))` is the number of characters,
/// `Ok(Err(p))` means an invalid byte at 1-based position `p` (Lua returns
/// `fail, p`).
pub fn len(s: &[u8], i: i64, j: i64, lax: bool) -> Result<Result<i64, i64>, Utf8Error> {
    let n = s.len() as i64;
    let posi = posrelat(i, s.len());
    let posj = posrelat(j, s.len());
    if !(1 <= posi && posi - 1 <= n) {
        return Err(Utf8Error::Arg(2, "initial position out of bounds"));
    }
    if posj > n {
        return Err(Utf8Error::Arg(3, "final position out of bounds"));
    }
    let (mut p, last) = (posi - 1, posj - 1);
    let mut count = 0;
    while p <= last {
        match decode(&s[p as usize..], !lax) {
            Some((_, used)) => p += used as i64,
            None => return Ok(Err(p + 1)),
        }
        count += 1;
    }
    Ok(Ok(count))
}

/// `utf8.codepoint(s, i, j, lax)`: appends the code points of all
/// characters starting in byte positions `i..=j`.
pub fn codepoints(
    s: &[u8],
    i: i64,
    j: i64,
    lax: bool,
    out: &mut Vec<i64>,
) -> Result<(), Utf8Error> {
    let posi = posrelat(i, s.len());
    let pose = posrelat(j, s.len());
    if posi < 1 {
        return Err(Utf8Error::Arg(2, "out of bounds"));
    }
    if pose > s.len() as i64 {
        return Err(Utf8Error::Arg(3, "out of bounds"));
    }
    if posi > pose {
        return Ok(());
    }
    if pose - posi >= i32::MAX as i64 {
        return Err(Utf8Error::Msg("string slice too long"));
    }
    let (mut p, end) = ((posi - 1) as usize, pose as usize);
    while p < end {
        let (code, used) = decode(&s[p..], !lax).ok_or(INVALID)?;
        out.push(code as i64);
        p += used;
    }
    Ok(())
}

/// `utf8.offset(s, n, i)`: byte position (1-based) where the `n`-th
/// character counting from position `i` starts, or `None` (fail); and the
/// number of bytes the search passed over.
pub fn offset(s: &[u8], n: i64, i: Option<i64>) -> Result<(Option<i64>, usize), Utf8Error> {
    let len = s.len() as i64;
    // Reading past the end sees Lua's terminating NUL: not a continuation.
    let cont = |p: i64| s.get(p as usize).is_some_and(|&b| is_cont(b));
    let default = if n >= 0 { 1 } else { len + 1 };
    let mut posi = posrelat(i.unwrap_or(default), s.len());
    if !(1 <= posi && posi - 1 <= len) {
        return Err(Utf8Error::Arg(3, "position out of bounds"));
    }
    posi -= 1;
    let start = posi;
    let mut n = n;
    if n == 0 {
        while posi > 0 && cont(posi) {
            posi -= 1;
        }
    } else {
        if cont(posi) {
            return Err(Utf8Error::Msg("initial position is a continuation byte"));
        }
        if n < 0 {
            while n < 0 && posi > 0 {
                posi -= 1;
                while posi > 0 && cont(posi) {
                    posi -= 1;
                }
                n += 1;
            }
        } else {
            n -= 1; // the first character is where we stand
            while n > 0 && posi < len {
                posi += 1;
                while cont(posi) {
                    posi += 1;
                }
                n -= 1;
            }
        }
    }
    Ok(((n == 0).then_some(posi + 1), posi.abs_diff(start) as usize))
}

/// One step of `utf8.codes`: given the control value (0 at the start, then
/// the previous position), returns the next `(position, code point)`, or
/// `None` at the end. Stray continuation bytes are skipped, as in 5.4.4.
pub fn codes_next(s: &[u8], control: i64, strict: bool) -> Result<Option<(i64, u32)>, Utf8Error> {
    let len = s.len() as u64;
    let mut n = control as u64; // negative controls become huge and stop
    while n < len && is_cont(s[n as usize]) {
        n += 1;
    }
    if n >= len {
        return Ok(None);
    }
    let (code, _) = decode(&s[n as usize..], strict).ok_or(INVALID)?;
    Ok(Some((n as i64 + 1, code)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn off(s: &[u8], n: i64, i: Option<i64>) -> Result<Option<i64>, Utf8Error> {
        offset(s, n, i).map(|r| r.0)
    }

    #[test]
    fn offset_reports_bytes_passed_over() {
        let s = "a\u{e9}b\u{10FFFF}c".as_bytes(); // 1 + 2 + 1 + 4 + 1 bytes
        assert_eq!(offset(s, 1, None), Ok((Some(1), 0)));
        assert_eq!(offset(s, 5, None), Ok((Some(9), 8)));
        assert_eq!(offset(s, 6, None), Ok((Some(10), 9)));
        assert_eq!(offset(s, 9, None), Ok((None, 9)));
        assert_eq!(offset(s, -1, None), Ok((Some(9), 1)));
        assert_eq!(offset(s, -5, None), Ok((Some(1), 9)));
        let stray = [b"a".as_slice(), &[0x80; 1000]].concat();
        assert_eq!(offset(&stray, 2, None), Ok((Some(1002), 1001)));
        assert_eq!(span(10, 1, -1), 10);
        assert_eq!(span(10, 3, 4), 2);
        assert_eq!(span(10, -2, -1), 2);
        assert_eq!(span(10, 5, 2), 0);
        assert_eq!(span(10, 1, 1_000_000), 10);
        assert_eq!(span(10, -1_000_000, 3), 3);
    }

    fn enc(cps: &[u32]) -> Vec<u8> {
        let mut out = vec![];
        for &c in cps {
            encode(c, &mut out);
        }
        out
    }

    #[test]
    fn encode_matches_lua() {
        // lua5.4: ("%q"):format(utf8.char(0x7FFFFFFF, 0x3FFFFFF, 0x1FFFFF, 0xFFFF, 0x7FF, 0x7F))
        assert_eq!(
            enc(&[0x7FFF_FFFF, 0x3FF_FFFF, 0x1F_FFFF, 0xFFFF, 0x7FF, 0x7F]),
            b"\xfd\xbf\xbf\xbf\xbf\xbf\xfb\xbf\xbf\xbf\xbf\xf7\xbf\xbf\xbf\xef\xbf\xbf\xdf\xbf\x7f"
        );
        // utf8.char(72, 0x7FFFFFFF, 0x10FFFF, 0xD800)
        assert_eq!(
            enc(&[72, 0x7FFF_FFFF, 0x10FFFF, 0xD800]),
            b"H\xfd\xbf\xbf\xbf\xbf\xbf\xf4\x8f\xbf\xbf\xed\xa0\x80"
        );
        assert_eq!(
            enc(&[0xE9, 0x80, 0x800, 0x10000]),
            "é\u{80}\u{800}\u{10000}".as_bytes()
        );
        assert_eq!(checked_code(0x8000_0000), None);
        assert_eq!(checked_code(-1), None);
        assert_eq!(checked_code(0x7FFF_FFFF), Some(0x7FFF_FFFF));
    }

    #[test]
    fn decode_round_trip() {
        for cp in (0..0x11_0000)
            .step_by(7)
            .chain([0x7FFF_FFFF, 0x400_0000, 0x3FF_FFFF])
        {
            let b = enc(&[cp]);
            assert_eq!(decode(&b, false), Some((cp, b.len())), "{cp:x}");
        }
    }

    #[test]
    fn decode_matches_lua() {
        // utf8.codepoint results from lua5.4 (strict unless noted).
        assert_eq!(decode(b"\xed\xa0\x80", true), None);
        assert_eq!(decode(b"\xed\xa0\x80", false), Some((55296, 3)));
        assert_eq!(decode(b"\xf4\x90\x80\x80", false), Some((1114112, 4)));
        assert_eq!(decode(b"\xf4\x90\x80\x80", true), None);
        assert_eq!(decode(b"\xc0\x80", false), None); // overlong
        assert_eq!(
            decode(b"\xfd\xbf\xbf\xbf\xbf\xbf", false),
            Some((0x7FFF_FFFF, 6))
        );
        assert_eq!(decode(b"\xfe\xbf\xbf\xbf\xbf\xbf\xbf", false), None);
        assert_eq!(decode(b"\xff", false), None);
        assert_eq!(decode(b"\x80", false), None);
        assert_eq!(decode(b"\xc3", false), None); // truncated
        assert_eq!(decode(b"\xc3(", false), None);
    }

    #[test]
    fn len_offset_codepoint() {
        let h = "héllo".as_bytes();
        assert_eq!(len(b"a\xffb", 1, -1, false), Ok(Err(2)));
        assert_eq!(len(h, 1, -1, false), Ok(Ok(5)));
        assert_eq!(
            len(b"abc", 5, -1, false),
            Err(Utf8Error::Arg(2, "initial position out of bounds"))
        );
        assert_eq!(len(b"abc", 4, -1, false), Ok(Ok(0)));
        assert_eq!(
            len(b"abc", 1, 4, false),
            Err(Utf8Error::Arg(3, "final position out of bounds"))
        );
        assert_eq!(
            len(b"abc", 0, -1, false),
            Err(Utf8Error::Arg(2, "initial position out of bounds"))
        );
        assert_eq!(
            len(b"abc", -5, -1, false),
            Err(Utf8Error::Arg(2, "initial position out of bounds"))
        );
        assert_eq!(len(b"abc", -1, -1, false), Ok(Ok(1)));
        assert_eq!(len(b"", 1, -1, false), Ok(Ok(0)));
        assert_eq!(len(b"\xed\xa0\x80", 1, -1, true), Ok(Ok(1)));

        assert_eq!(off(h, 3, None), Ok(Some(4)));
        assert_eq!(off(h, -1, None), Ok(Some(6)));
        assert_eq!(off(h, 0, Some(3)), Ok(Some(2)));
        assert_eq!(
            off(h, 1, Some(3)),
            Err(Utf8Error::Msg("initial position is a continuation byte"))
        );
        assert_eq!(off(h, 10, None), Ok(None));
        assert_eq!(off(h, 7, None), Ok(None));
        assert_eq!(off(h, 6, None), Ok(Some(7)));
        assert_eq!(
            off(h, 1, Some(8)),
            Err(Utf8Error::Arg(3, "position out of bounds"))
        );
        assert_eq!(off(h, -1, Some(7)), Ok(Some(6)));
        assert_eq!(off(b"a\x80\x80b", 2, None), Ok(Some(4)));
        assert_eq!(off(b"a\x80\x80b", -1, None), Ok(Some(4)));
        assert_eq!(off(b"a\x80\x80b", 0, Some(3)), Ok(Some(1)));

        let mut out = vec![];
        assert_eq!(
            codepoints(b"abc", 4, 4, false, &mut out),
            Err(Utf8Error::Arg(3, "out of bounds"))
        );
        assert_eq!(
            codepoints(b"abc", 0, 0, false, &mut out),
            Err(Utf8Error::Arg(2, "out of bounds"))
        );
        assert_eq!(
            codepoints(b"\xed\xa0\x80", 1, 1, false, &mut out),
            Err(INVALID)
        );
        codepoints(b"abc", -1, -1, false, &mut out).unwrap();
        codepoints(b"abc", 3, 2, false, &mut out).unwrap();
        codepoints(h, 1, -1, false, &mut out).unwrap();
        assert_eq!(out, [99, 104, 233, 108, 108, 111]);
    }

    fn all_codes(s: &[u8], strict: bool) -> Result<Vec<(i64, u32)>, Utf8Error> {
        let mut v = vec![];
        let mut ctl = 0;
        while let Some((p, c)) = codes_next(s, ctl, strict)? {
            v.push((p, c));
            ctl = p;
        }
        Ok(v)
    }

    #[test]
    fn codes_iteration() {
        assert_eq!(
            all_codes("aé\u{10FFFF}".as_bytes(), true),
            Ok(vec![(1, 97), (2, 233), (4, 1114111)])
        );
        assert_eq!(all_codes(b"a\x80b", true), Ok(vec![(1, 97), (3, 98)]));
        assert_eq!(all_codes(b"\x80b", true), Ok(vec![(2, 98)]));
        assert_eq!(
            all_codes(b"\xc3\xa9\x80z", true),
            Ok(vec![(1, 233), (4, 122)])
        );
        assert_eq!(all_codes(b"a\xffb", true), Err(INVALID));
        assert_eq!(all_codes(b"a\xc3", true), Err(INVALID));
        assert_eq!(all_codes(b"\xed\xa0\x80", true), Err(INVALID));
        assert_eq!(all_codes(b"\xed\xa0\x80", false), Ok(vec![(1, 0xD800)]));
    }
}
