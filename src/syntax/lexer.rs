//! The lexer: turns source bytes into tokens, with lua5.4's lexical errors.
//!
//! Scans the byte slice by index; the only allocations are the values of string
//! literals (which the AST owns anyway).

use super::numeral::{hex_value, str_to_number, Numeral};
use super::parser::SyntaxError;
use super::token::{describe_byte, Tok, Token};

/// Lexer state over one chunk.
pub struct Lexer<'a> {
    src: &'a [u8],
    pos: usize,
    /// Current line (lua's `linenumber`), 1-based.
    line: u32,
    chunkname: &'a str,
}

#[inline]
fn is_newline(c: u8) -> bool {
    c == b'\n' || c == b'\r'
}

#[inline]
fn is_alpha(c: u8) -> bool {
    c.is_ascii_alphabetic() || c == b'_'
}

#[inline]
fn is_alnum(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_'
}

/// Renders bytes quoted for a "near" clause; like C's `%s`, stops at a NUL byte.
fn quote(bytes: &[u8]) -> String {
    let end = bytes.iter().position(|&c| c == 0).unwrap_or(bytes.len());
    format!("'{}'", String::from_utf8_lossy(&bytes[..end]))
}

/// Appends the UTF-8-style encoding lua5.4 uses for `\u{X}` (up to 6 bytes, X < 2^31).
fn push_utf8(buf: &mut Vec<u8>, mut x: u32) {
    if x < 0x80 {
        buf.push(x as u8);
        return;
    }
    let mut tmp = [0u8; 6];
    let mut n = 0;
    let mut max_first = 0x3fu32; // largest payload that still fits in the first byte
    loop {
        tmp[n] = 0x80 | (x & 0x3f) as u8;
        n += 1;
        x >>= 6;
        max_first >>= 1;
        if x <= max_first {
            break;
        }
    }
    buf.push(((!max_first << 1) | x) as u8);
    buf.extend(tmp[..n].iter().rev());
}

impl<'a> Lexer<'a> {
    /// Creates a lexer at the start of `src`; `chunkname` prefixes error messages.
    pub fn new(src: &'a [u8], chunkname: &'a str) -> Self {
        Lexer {
            src,
            pos: 0,
            line: 1,
            chunkname,
        }
    }

    /// A syntax error at `line`, optionally followed by `near <what>`.
    pub fn error(&self, line: u32, msg: &str, near: Option<&str>) -> SyntaxError {
        let message = match near {
            Some(near) => format!("{}:{}: {} near {}", self.chunkname, line, msg, near),
            None => format!("{}:{}: {}", self.chunkname, line, msg),
        };
        SyntaxError {
            message,
            out_of_memory: false,
        }
    }

    /// A lexical error at the current line.
    fn lex_error(&self, msg: &str, near: &str) -> SyntaxError {
        self.error(self.line, msg, Some(near))
    }

    /// How a token is shown after "near" (lua's `txtToken`): the source text of
    /// names and numerals, the delimited value of strings, the spelling otherwise.
    pub fn near(&self, t: &Token) -> String {
        match &t.tok {
            Tok::Name | Tok::Int(_) | Tok::Float(_) => quote(&self.src[t.start..t.end]),
            Tok::Str(value) => {
                let open = &self.src[t.start..];
                let mut text = Vec::with_capacity(value.len() + 8);
                if open[0] == b'[' {
                    let level = open[1..].iter().take_while(|&&c| c == b'=').count();
                    text.push(b'[');
                    text.extend(std::iter::repeat_n(b'=', level));
                    text.push(b'[');
                    text.extend_from_slice(value);
                    text.push(b']');
                    text.extend(std::iter::repeat_n(b'=', level));
                    text.push(b']');
                } else {
                    text.push(open[0]);
                    text.extend_from_slice(value);
                    text.push(open[0]);
                }
                quote(&text)
            }
            Tok::Char(c) => describe_byte(*c),
            other => other.describe().into_owned(),
        }
    }

    #[inline]
    fn peek(&self) -> Option<u8> {
        self.src.get(self.pos).copied()
    }

    /// Skips a newline sequence (`\n`, `\r`, `\n\r` or `\r\n`) and counts it.
    fn inc_line(&mut self) {
        let old = self.src[self.pos];
        self.pos += 1;
        if let Some(c) = self.peek() {
            if is_newline(c) && c != old {
                self.pos += 1;
            }
        }
        self.line = self.line.saturating_add(1);
    }

    /// Scans the next token.
    pub fn next_token(&mut self) -> Result<Token, SyntaxError> {
        let src = self.src;
        loop {
            let start = self.pos;
            let Some(c) = self.peek() else {
                return Ok(self.token(Tok::Eof, start));
            };
            let tok = match c {
                b'\n' | b'\r' => {
                    self.inc_line();
                    continue;
                }
                b' ' | b'\t' | 0x0b | 0x0c => {
                    self.pos += 1;
                    continue;
                }
                b'-' => {
                    if src.get(start + 1) != Some(&b'-') {
                        self.pos += 1;
                        Tok::Char(b'-')
                    } else {
                        self.pos += 2;
                        self.skip_comment()?;
                        continue;
                    }
                }
                b'[' => {
                    let sep = self.skip_sep();
                    if sep >= 2 {
                        Tok::Str(self.read_long(sep, true)?)
                    } else if sep == 0 {
                        let near = quote(&src[start..self.pos]);
                        return Err(self.lex_error("invalid long string delimiter", &near));
                    } else {
                        Tok::Char(b'[')
                    }
                }
                b'=' => self.one_or_two(b'=', Tok::Eq, Tok::Char(b'=')),
                b'<' => match src.get(start + 1) {
                    Some(b'=') => self.take(2, Tok::Le),
                    Some(b'<') => self.take(2, Tok::Shl),
                    _ => self.take(1, Tok::Char(b'<')),
                },
                b'>' => match src.get(start + 1) {
                    Some(b'=') => self.take(2, Tok::Ge),
                    Some(b'>') => self.take(2, Tok::Shr),
                    _ => self.take(1, Tok::Char(b'>')),
                },
                b'/' => self.one_or_two(b'/', Tok::IDiv, Tok::Char(b'/')),
                b'~' => self.one_or_two(b'=', Tok::Ne, Tok::Char(b'~')),
                b':' => self.one_or_two(b':', Tok::DbColon, Tok::Char(b':')),
                b'"' | b'\'' => self.read_string(c)?,
                b'.' => {
                    if src.get(start + 1) == Some(&b'.') {
                        if src.get(start + 2) == Some(&b'.') {
                            self.take(3, Tok::Dots)
                        } else {
                            self.take(2, Tok::Concat)
                        }
                    } else if src.get(start + 1).is_some_and(u8::is_ascii_digit) {
                        self.pos += 1;
                        self.read_numeral(start)?
                    } else {
                        self.take(1, Tok::Char(b'.'))
                    }
                }
                b'0'..=b'9' => self.read_numeral(start)?,
                _ if is_alpha(c) => {
                    self.pos += 1;
                    while self.peek().is_some_and(is_alnum) {
                        self.pos += 1;
                    }
                    Tok::keyword(&src[start..self.pos]).unwrap_or(Tok::Name)
                }
                _ => self.take(1, Tok::Char(c)),
            };
            return Ok(self.token(tok, start));
        }
    }

    #[inline]
    fn token(&self, tok: Tok, start: usize) -> Token {
        Token {
            tok,
            line: self.line,
            start,
            end: self.pos,
        }
    }

    #[inline]
    fn take(&mut self, len: usize, tok: Tok) -> Tok {
        self.pos += len;
        tok
    }

    /// A one-byte token, or a two-byte one when followed by `second`.
    #[inline]
    fn one_or_two(&mut self, second: u8, two: Tok, one: Tok) -> Tok {
        if self.src.get(self.pos + 1) == Some(&second) {
            self.take(2, two)
        } else {
            self.take(1, one)
        }
    }

    /// Skips a comment whose `--` has been consumed.
    fn skip_comment(&mut self) -> Result<(), SyntaxError> {
        if self.peek() == Some(b'[') {
            let sep = self.skip_sep();
            if sep >= 2 {
                self.read_long(sep, false)?;
                return Ok(());
            }
        }
        while self.peek().is_some_and(|c| !is_newline(c)) {
            self.pos += 1;
        }
        Ok(())
    }

    /// At a `[` or `]`, consumes it and any `=` signs. Returns level + 2 when
    /// the same bracket follows (left unconsumed), 1 for a lone bracket, 0 otherwise.
    fn skip_sep(&mut self) -> usize {
        let bracket = self.src[self.pos];
        self.pos += 1;
        let mut count = 0;
        while self.peek() == Some(b'=') {
            self.pos += 1;
            count += 1;
        }
        if self.peek() == Some(bracket) {
            count + 2
        } else if count == 0 {
            1
        } else {
            0
        }
    }

    /// Reads a long string or comment; the position is at its second `[`.
    fn read_long(&mut self, sep: usize, is_string: bool) -> Result<Vec<u8>, SyntaxError> {
        let src = self.src;
        let start_line = self.line;
        self.pos += 1;
        if self.peek().is_some_and(is_newline) {
            self.inc_line();
        }
        let mut buf = Vec::new();
        let mut run = self.pos; // start of the pending run of plain bytes
        loop {
            while self
                .peek()
                .is_some_and(|c| c != b']' && c != b'\n' && c != b'\r')
            {
                self.pos += 1;
            }
            match self.peek() {
                None => {
                    let what = if is_string { "string" } else { "comment" };
                    let msg = format!("unfinished long {what} (starting at line {start_line})");
                    return Err(self.lex_error(&msg, "<eof>"));
                }
                Some(b']') => {
                    let close = self.pos;
                    if self.skip_sep() == sep {
                        if is_string {
                            buf.extend_from_slice(&src[run..close]);
                        }
                        self.pos += 1;
                        return Ok(buf);
                    }
                }
                Some(_) => {
                    if is_string {
                        buf.extend_from_slice(&src[run..self.pos]);
                        buf.push(b'\n');
                    }
                    self.inc_line();
                    run = self.pos;
                }
            }
        }
    }

    /// Reads a short string delimited by `del`.
    fn read_string(&mut self, del: u8) -> Result<Tok, SyntaxError> {
        let src = self.src;
        self.pos += 1;
        let mut buf = Vec::new();
        loop {
            let run = self.pos;
            while self
                .peek()
                .is_some_and(|c| c != del && c != b'\\' && !is_newline(c))
            {
                self.pos += 1;
            }
            buf.extend_from_slice(&src[run..self.pos]);
            match self.peek() {
                None => return Err(self.lex_error("unfinished string", "<eof>")),
                Some(b'\\') => self.read_escape(del, &mut buf)?,
                Some(c) if c == del => {
                    self.pos += 1;
                    return Ok(Tok::Str(buf));
                }
                Some(_) => {
                    let mut text = vec![del];
                    text.extend_from_slice(&buf);
                    return Err(self.lex_error("unfinished string", &quote(&text)));
                }
            }
        }
    }

    /// An escape-sequence error: the "near" text is the string so far plus the raw
    /// escape up to and including the offending byte (`bad`), as lua shows it.
    fn escape_error(
        &self,
        msg: &str,
        del: u8,
        buf: &[u8],
        esc_start: usize,
        bad: usize,
    ) -> SyntaxError {
        let mut text = vec![del];
        text.extend_from_slice(buf);
        let end = (bad + 1).min(self.src.len());
        text.extend_from_slice(&self.src[esc_start..end]);
        self.lex_error(msg, &quote(&text))
    }

    /// Processes one escape sequence; the position is at the backslash.
    fn read_escape(&mut self, del: u8, buf: &mut Vec<u8>) -> Result<(), SyntaxError> {
        let src = self.src;
        let esc = self.pos;
        self.pos += 1;
        let Some(c) = self.peek() else {
            return Ok(()); // the caller reports the unfinished string
        };
        let simple = match c {
            b'a' => 0x07,
            b'b' => 0x08,
            b'f' => 0x0c,
            b'n' => b'\n',
            b'r' => b'\r',
            b't' => b'\t',
            b'v' => 0x0b,
            b'\\' | b'"' | b'\'' => c,
            b'\n' | b'\r' => {
                self.inc_line();
                buf.push(b'\n');
                return Ok(());
            }
            b'x' => {
                let mut value = 0u32;
                for i in 1..=2 {
                    let p = self.pos + i;
                    match src.get(p).and_then(|&d| hex_value(d)) {
                        Some(d) => value = value * 16 + d,
                        None => {
                            return Err(self.escape_error(
                                "hexadecimal digit expected",
                                del,
                                buf,
                                esc,
                                p,
                            ))
                        }
                    }
                }
                self.pos += 3;
                buf.push(value as u8);
                return Ok(());
            }
            b'u' => return self.read_utf8_escape(del, buf, esc),
            b'z' => {
                self.pos += 1;
                while let Some(c) = self.peek() {
                    if is_newline(c) {
                        self.inc_line();
                    } else if matches!(c, b' ' | b'\t' | 0x0b | 0x0c) {
                        self.pos += 1;
                    } else {
                        break;
                    }
                }
                return Ok(());
            }
            b'0'..=b'9' => {
                let mut value = 0u32;
                let mut p = self.pos;
                while p < self.pos + 3 && src.get(p).is_some_and(u8::is_ascii_digit) {
                    value = value * 10 + u32::from(src[p] - b'0');
                    p += 1;
                }
                if value > 255 {
                    return Err(self.escape_error("decimal escape too large", del, buf, esc, p));
                }
                self.pos = p;
                buf.push(value as u8);
                return Ok(());
            }
            _ => {
                return Err(self.escape_error("invalid escape sequence", del, buf, esc, self.pos));
            }
        };
        self.pos += 1;
        buf.push(simple);
        Ok(())
    }

    /// `\u{XXX}`; the position is at the `u`.
    fn read_utf8_escape(
        &mut self,
        del: u8,
        buf: &mut Vec<u8>,
        esc: usize,
    ) -> Result<(), SyntaxError> {
        let src = self.src;
        let mut p = self.pos + 1;
        if src.get(p) != Some(&b'{') {
            return Err(self.escape_error("missing '{'", del, buf, esc, p));
        }
        p += 1;
        let Some(mut value) = src.get(p).and_then(|&d| hex_value(d)) else {
            return Err(self.escape_error("hexadecimal digit expected", del, buf, esc, p));
        };
        p += 1;
        while let Some(d) = src.get(p).and_then(|&d| hex_value(d)) {
            if value > 0x7FF_FFFF {
                return Err(self.escape_error("UTF-8 value too large", del, buf, esc, p));
            }
            value = value * 16 + d;
            p += 1;
        }
        if src.get(p) != Some(&b'}') {
            return Err(self.escape_error("missing '}'", del, buf, esc, p));
        }
        self.pos = p + 1;
        push_utf8(buf, value);
        Ok(())
    }

    /// Reads a numeral starting at `start` (a digit, or a `.` before a digit);
    /// the position is at its first digit. Like lua, it greedily takes every
    /// byte that could belong to a numeral and then validates the whole text.
    fn read_numeral(&mut self, start: usize) -> Result<Tok, SyntaxError> {
        let src = self.src;
        let first = src[self.pos];
        self.pos += 1;
        let mut expo = b'e';
        if first == b'0' && self.peek().is_some_and(|c| c | 0x20 == b'x') {
            self.pos += 1;
            expo = b'p';
        }
        while let Some(c) = self.peek() {
            if c | 0x20 == expo {
                self.pos += 1;
                if matches!(self.peek(), Some(b'+' | b'-')) {
                    self.pos += 1;
                }
            } else if c.is_ascii_hexdigit() || c == b'.' {
                self.pos += 1;
            } else {
                break;
            }
        }
        if self.peek().is_some_and(is_alpha) {
            self.pos += 1; // a numeral touching a letter is malformed
        }
        let text = &src[start..self.pos];
        match str_to_number(text) {
            Some(Numeral::Int(i)) => Ok(Tok::Int(i)),
            Some(Numeral::Float(f)) => Ok(Tok::Float(f)),
            None => Err(self.lex_error("malformed number", &quote(text))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lex_all(src: &str) -> Result<Vec<Tok>, String> {
        let mut lx = Lexer::new(src.as_bytes(), "t");
        let mut out = Vec::new();
        loop {
            let t = lx.next_token().map_err(|e| e.message)?;
            if t.tok == Tok::Eof {
                return Ok(out);
            }
            out.push(t.tok);
        }
    }

    fn one(src: &str) -> Tok {
        let v = lex_all(src).unwrap();
        assert_eq!(v.len(), 1, "{src:?} -> {v:?}");
        v.into_iter().next().unwrap()
    }

    fn s(src: &str) -> Vec<u8> {
        match one(src) {
            Tok::Str(v) => v,
            other => panic!("{src:?} -> {other:?}"),
        }
    }

    fn err(src: &str) -> String {
        lex_all(src).unwrap_err()
    }

    #[test]
    fn symbols() {
        let toks =
            lex_all("+ - * / // % ^ # & ~ | << >> == ~= <= >= < > = ( ) { } [ ] :: ; : , . .. ...")
                .unwrap();
        use Tok::*;
        let expected = vec![
            Char(b'+'),
            Char(b'-'),
            Char(b'*'),
            Char(b'/'),
            IDiv,
            Char(b'%'),
            Char(b'^'),
            Char(b'#'),
            Char(b'&'),
            Char(b'~'),
            Char(b'|'),
            Shl,
            Shr,
            Eq,
            Ne,
            Le,
            Ge,
            Char(b'<'),
            Char(b'>'),
            Char(b'='),
            Char(b'('),
            Char(b')'),
            Char(b'{'),
            Char(b'}'),
            Char(b'['),
            Char(b']'),
            DbColon,
            Char(b';'),
            Char(b':'),
            Char(b','),
            Char(b'.'),
            Concat,
            Dots,
        ];
        assert_eq!(toks, expected);
        assert_eq!(lex_all("a....b").unwrap().len(), 4); // a ... . b
        assert_eq!(lex_all("@$!?`\x01").unwrap().len(), 6);
    }

    #[test]
    fn keywords_and_names() {
        use Tok::*;
        let toks = lex_all(
            "and break do else elseif end false for function goto if in local nil not or \
             repeat return then true until while _x x1 And",
        )
        .unwrap();
        let expected = vec![
            And, Break, Do, Else, Elseif, End, False, For, Function, Goto, If, In, Local, Nil, Not,
            Or, Repeat, Return, Then, True, Until, While, Name, Name, Name,
        ];
        assert_eq!(toks, expected);
    }

    #[test]
    fn numerals() {
        assert_eq!(one("3"), Tok::Int(3));
        assert_eq!(one("345"), Tok::Int(345));
        assert_eq!(one("0xff"), Tok::Int(255));
        assert_eq!(one("0xBEBADA"), Tok::Int(0xBEBADA));
        assert_eq!(one("0xffffffffffffffff"), Tok::Int(-1));
        assert_eq!(one("9223372036854775807"), Tok::Int(i64::MAX));
        assert_eq!(
            one("9223372036854775808"),
            Tok::Float(9223372036854775808.0)
        );
        assert_eq!(one("3.0"), Tok::Float(3.0));
        assert_eq!(one("3."), Tok::Float(3.0));
        assert_eq!(one(".5"), Tok::Float(0.5));
        assert_eq!(one("3.125"), Tok::Float(3.125));
        assert_eq!(one("312.5e-2"), Tok::Float(3.125));
        assert_eq!(one("0.3125E1"), Tok::Float(3.125));
        assert_eq!(one("34e1"), Tok::Float(340.0));
        assert_eq!(one("1e10"), Tok::Float(1e10));
        assert_eq!(one("0x0.1E"), Tok::Float(0.1171875));
        assert_eq!(one("0xA23p-4"), Tok::Float(162.1875));
        assert_eq!(
            one("0X1.921FB54442D18P+1"),
            Tok::Float(std::f64::consts::PI)
        );
        assert_eq!(one("0x.8"), Tok::Float(0.5));
        assert_eq!(
            lex_all("1..2").unwrap_err(),
            "t:1: malformed number near '1..2'"
        );
        assert_eq!(lex_all("a.b").unwrap().len(), 3);
        assert_eq!(lex_all("1 .. 2").unwrap().len(), 3);
    }

    #[test]
    fn malformed_numbers() {
        assert_eq!(err("3x"), "t:1: malformed number near '3x'");
        assert_eq!(err("0x"), "t:1: malformed number near '0x'");
        assert_eq!(err("1e"), "t:1: malformed number near '1e'");
        assert_eq!(err("0x1p"), "t:1: malformed number near '0x1p'");
        assert_eq!(err("1.2.3"), "t:1: malformed number near '1.2.3'");
        assert_eq!(err("3e+"), "t:1: malformed number near '3e+'");
        assert_eq!(err("\n\n3_"), "t:3: malformed number near '3_'");
        assert_eq!(err(".0x1"), "t:1: malformed number near '.0x1'");
    }

    #[test]
    fn short_strings() {
        assert_eq!(s("'abc'"), b"abc");
        assert_eq!(s("\"a'b\""), b"a'b");
        assert_eq!(s("'a\"b'"), b"a\"b");
        assert_eq!(
            s(r#""\a\b\f\n\r\t\v\\\"\'""#),
            b"\x07\x08\x0c\n\r\t\x0b\\\"'"
        );
        assert_eq!(s("'a\\\nb'"), b"a\nb");
        assert_eq!(s("'a\\\r\nb'"), b"a\nb");
        assert_eq!(s("'a\\z  \n\t  b'"), b"ab");
        assert_eq!(s("'\\x41\\x6a\\xFF'"), b"Aj\xff");
        assert_eq!(s("'\\65\\066\\0067\\0'"), b"AB\x067\x00");
        assert_eq!(s("'\\255'"), b"\xff");
        assert_eq!(s("'\\u{41}\\u{e9}\\u{20AC}'"), "Aé€".as_bytes());
        assert_eq!(s("'\\u{10FFFF}'"), "\u{10FFFF}".as_bytes());
        assert_eq!(s("'\\u{7FFFFFFF}'"), b"\xfd\xbf\xbf\xbf\xbf\xbf");
        assert_eq!(s("'\\u{200000}'"), b"\xf8\x88\x80\x80\x80");
        assert_eq!(s("'\\u{0000041}'"), b"A");
        assert_eq!(s("''"), b"");
    }

    #[test]
    fn string_errors() {
        assert_eq!(err("'\\q'"), "t:1: invalid escape sequence near ''\\q'");
        assert_eq!(
            err("'\\300'"),
            "t:1: decimal escape too large near ''\\300''"
        );
        assert_eq!(
            err("'\\u{80000000}'"),
            "t:1: UTF-8 value too large near ''\\u{80000000'"
        );
        assert_eq!(
            err("'\\u{FFFFFFFF}'"),
            "t:1: UTF-8 value too large near ''\\u{FFFFFFFF'"
        );
        assert_eq!(err("'\\u12'"), "t:1: missing '{' near ''\\u1'");
        assert_eq!(err("'\\u{12'"), "t:1: missing '}' near ''\\u{12''");
        assert_eq!(
            err("'\\u{}'"),
            "t:1: hexadecimal digit expected near ''\\u{}'"
        );
        assert_eq!(
            err("'\\xZZ'"),
            "t:1: hexadecimal digit expected near ''\\xZ'"
        );
        assert_eq!(
            err("'\\x4'"),
            "t:1: hexadecimal digit expected near ''\\x4''"
        );
        assert_eq!(
            err("'ab\\x4"),
            "t:1: hexadecimal digit expected near ''ab\\x4'"
        );
        assert_eq!(err("'abc"), "t:1: unfinished string near <eof>");
        assert_eq!(err("\"abc\\"), "t:1: unfinished string near <eof>");
        assert_eq!(err("'abc\ndef'"), "t:1: unfinished string near ''abc'");
        assert_eq!(err("\"a\\\nb"), "t:2: unfinished string near <eof>");
        assert_eq!(
            err("'\\65\\q'"),
            "t:1: invalid escape sequence near ''A\\q'"
        );
    }

    #[test]
    fn long_strings() {
        assert_eq!(s("[[abc]]"), b"abc");
        assert_eq!(s("[[\nabc]]"), b"abc");
        assert_eq!(s("[[\r\nabc]]"), b"abc");
        assert_eq!(s("[[\n\nabc]]"), b"\nabc");
        assert_eq!(s("[==[a]]b]=]c]==]"), b"a]]b]=]c");
        assert_eq!(s("[=[a\r\nb\n\rc\rd\ne]=]"), b"a\nb\nc\nd\ne");
        assert_eq!(s("[[a\\n]]"), b"a\\n");
        assert_eq!(s("[[]]"), b"");
        assert_eq!(s("[[]=]]"), b"]=");
        let mut lx = Lexer::new(b"[[a\r\n\n\rb]] x", "t");
        lx.next_token().unwrap();
        assert_eq!(lx.next_token().unwrap().line, 3);
    }

    #[test]
    fn long_string_errors() {
        assert_eq!(
            err("x = [[\nabc\n\n"),
            "t:4: unfinished long string (starting at line 1) near <eof>"
        );
        assert_eq!(
            err("x = 1\n\n--[==[ abc\n\n"),
            "t:5: unfinished long comment (starting at line 3) near <eof>"
        );
        assert_eq!(
            err("[==abc"),
            "t:1: invalid long string delimiter near '[=='"
        );
        assert_eq!(
            err("[=["),
            "t:1: unfinished long string (starting at line 1) near <eof>"
        );
    }

    #[test]
    fn comments_and_lines() {
        let mut lx = Lexer::new(
            b"a -- comment\nb --[[ long\ncomment ]] c\r\n--[==[\n]==]d --[=x\ne",
            "t",
        );
        let lines: Vec<u32> = std::iter::from_fn(|| {
            let t = lx.next_token().unwrap();
            (t.tok != Tok::Eof).then_some(t.line)
        })
        .collect();
        assert_eq!(lines, vec![1, 2, 3, 5, 6]);
        assert_eq!(lex_all("--").unwrap(), vec![]);
        assert_eq!(lex_all("-").unwrap(), vec![Tok::Char(b'-')]);
        assert_eq!(lex_all("--[").unwrap(), vec![]);
    }

    #[test]
    fn near_text() {
        let src = "'a\\tb' [==[\nx]==] 0x10 name \x01 \u{80} ==";
        let mut lx = Lexer::new(src.as_bytes(), "t");
        let mut nears = Vec::new();
        loop {
            let t = lx.next_token().unwrap();
            if t.tok == Tok::Eof {
                nears.push(lx.near(&t));
                break;
            }
            nears.push(lx.near(&t));
        }
        assert_eq!(
            nears,
            vec![
                "''a\tb''",
                "'[==[x]==]'",
                "'0x10'",
                "'name'",
                "'<\\1>'",
                "'<\\194>'",
                "'<\\128>'",
                "'=='",
                "<eof>"
            ]
        );
    }
}
