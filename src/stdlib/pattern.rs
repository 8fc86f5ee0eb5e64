//! Lua 5.4 pattern matching (manual §6.4.1) over byte strings.
//!
//! The matcher is a backtracking interpreter of the pattern text. Its
//! recursion is bounded by the same depth counter PUC-Rio Lua uses
//! (`MAXCCALLS` = 200), so it can never overflow the Rust stack, and every
//! unit of work is reported to a caller-supplied [`StepMeter`] as it is done
//! (in chunks of [`STEP_CHUNK`] steps), so that a host can stop pathological
//! (exponential) patterns: the VM charges the steps to its budget.
//!
//! A step is one subject byte tested against one pattern item. Bytes the
//! matcher skips without a full attempt (the literal-first-byte scan) and bytes
//! `gsub` passes over count as the steps they replace, so the work reported
//! does not depend on those optimisations. A set `[...]` costs one more step
//! per 16 bytes of its text each time it is tested.
//!
//! Only the pieces that do not need a Lua state live here: the VM glue for
//! `string.find`, `string.match`, `string.gmatch` and `string.gsub` is thin
//! on top of [`Matcher::find`], [`find_plain`], [`GmatchState`] and [`gsub`].

/// Escape character of Lua patterns.
const ESC: u8 = b'%';
/// Maximum number of captures in one pattern (`LUA_MAXCAPTURES`).
pub const MAX_CAPTURES: usize = 32;
/// Maximum nesting of recursive matching calls (`MAXCCALLS`).
const MAX_DEPTH: u32 = 200;
/// Characters whose presence makes `string.find` use the pattern matcher
/// instead of a plain substring search.
const SPECIALS: &[u8] = b"^$*+?.([%-";

/// One capture of a successful match.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Capture {
    /// Position capture `()`: the 1-based position in the subject.
    Pos(usize),
    /// Substring capture: byte range `start..end` of the subject.
    Span(usize, usize),
    /// A capture still open when the pattern ended (e.g. `"(a"`). Lua only
    /// reports this as an error when the capture value is actually used.
    Unfinished,
}

/// A successful match.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Match {
    /// Byte offset where the whole match starts.
    pub start: usize,
    /// Byte offset just past the whole match.
    pub end: usize,
    /// The pattern's captures, in order of their opening parentheses.
    pub captures: Vec<Capture>,
}

/// Steps reported to a [`StepMeter`] at a time (and once more at the end of
/// each call for the remainder), so that the meter's cost per report stays
/// small and rounding does not inflate it.
pub const STEP_CHUNK: u64 = 1024;

/// Where the matcher reports its work: [`STEP_CHUNK`] steps at a time while it
/// runs, and the remainder when a call ends.
pub trait StepMeter {
    /// Accounts for `steps` more steps of work; `false` refuses them, and the
    /// match stops with [`PatternError::StepLimit`] (the meter knows why).
    fn take(&mut self, steps: u64) -> bool;
}

/// A meter with a fixed allowance of steps, for callers without a VM.
#[cfg(test)]
#[derive(Clone, Debug)]
pub struct StepLimit {
    used: u64,
    limit: u64,
}

#[cfg(test)]
impl StepLimit {
    /// Allows `limit` steps in total.
    pub fn new(limit: u64) -> Self {
        StepLimit { used: 0, limit }
    }

    /// Steps reported so far (including a refused report).
    pub fn used(&self) -> u64 {
        self.used
    }
}

#[cfg(test)]
impl StepMeter for StepLimit {
    fn take(&mut self, steps: u64) -> bool {
        self.used = self.used.saturating_add(steps);
        self.used <= self.limit
    }
}

/// Errors raised while matching.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PatternError {
    /// A Lua error with lua5.4's message (no position prefix).
    Msg(String),
    /// The [`StepMeter`] refused more work.
    StepLimit,
}

impl PatternError {
    fn msg(s: &str) -> Self {
        PatternError::Msg(s.to_owned())
    }
}

impl std::fmt::Display for PatternError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PatternError::Msg(m) => f.write_str(m),
            PatternError::StepLimit => f.write_str("pattern matching step limit exceeded"),
        }
    }
}

impl std::error::Error for PatternError {}

type PResult<T> = Result<T, PatternError>;

fn bad_capture_index(l: isize) -> PatternError {
    PatternError::Msg(format!("invalid capture index %{}", l + 1))
}

impl Match {
    /// Value of capture `i` (0-based) as Lua's `get_onecapture` yields it:
    /// a pattern without captures has the whole match as its capture 0.
    pub fn capture(&self, i: usize) -> PResult<Capture> {
        match self.captures.get(i) {
            Some(Capture::Unfinished) => Err(PatternError::msg("unfinished capture")),
            Some(&c) => Ok(c),
            None if i == 0 => Ok(Capture::Span(self.start, self.end)),
            None => Err(bad_capture_index(i as isize)),
        }
    }

    /// Number of values `string.match`/`gmatch` return for this match
    /// (the whole match counts as one value when there are no captures).
    pub fn value_count(&self) -> usize {
        self.captures.len().max(1)
    }

    /// Checks that no capture is unfinished; `string.find`, `string.match`
    /// and `string.gmatch` push every capture and so fail on such a match.
    #[cfg(test)]
    pub fn check_finished(&self) -> PResult<()> {
        if self.captures.contains(&Capture::Unfinished) {
            Err(PatternError::msg("unfinished capture"))
        } else {
            Ok(())
        }
    }
}

// Character-class bits for the C locale, precomputed so that `%a` etc. are
// a table lookup and a mask test.
const C_ALPHA: u16 = 1;
const C_CNTRL: u16 = 2;
const C_DIGIT: u16 = 4;
const C_GRAPH: u16 = 8;
const C_LOWER: u16 = 16;
const C_PUNCT: u16 = 32;
const C_SPACE: u16 = 64;
const C_UPPER: u16 = 128;
const C_XDIGIT: u16 = 256;
const C_ALNUM: u16 = C_ALPHA | C_DIGIT;

const fn class_table() -> [u16; 256] {
    let mut t = [0u16; 256];
    let mut i = 0;
    while i < 256 {
        let c = i as u8;
        let mut bits = 0;
        if c.is_ascii_uppercase() {
            bits |= C_ALPHA | C_UPPER;
        }
        if c.is_ascii_lowercase() {
            bits |= C_ALPHA | C_LOWER;
        }
        if c.is_ascii_digit() {
            bits |= C_DIGIT;
        }
        if c.is_ascii_hexdigit() {
            bits |= C_XDIGIT;
        }
        if c < 32 || c == 127 {
            bits |= C_CNTRL;
        }
        // C's isspace also includes vertical tab, unlike is_ascii_whitespace.
        if c == b' ' || (c >= 9 && c <= 13) {
            bits |= C_SPACE;
        }
        if c > 32 && c < 127 {
            bits |= C_GRAPH;
            if !c.is_ascii_alphanumeric() {
                bits |= C_PUNCT;
            }
        }
        t[i] = bits;
        i += 1;
    }
    t
}

static CLASS: [u16; 256] = class_table();

/// Does byte `c` belong to the class named by `cl` (the letter after `%`)?
/// Non-class letters stand for themselves.
#[inline]
fn match_class(c: u8, cl: u8) -> bool {
    let mask = match cl | 0x20 {
        b'a' => C_ALPHA,
        b'c' => C_CNTRL,
        b'd' => C_DIGIT,
        b'g' => C_GRAPH,
        b'l' => C_LOWER,
        b'p' => C_PUNCT,
        b's' => C_SPACE,
        b'u' => C_UPPER,
        b'w' => C_ALNUM,
        b'x' => C_XDIGIT,
        b'z' => 0, // deprecated `%z` (the zero byte), still accepted by 5.4
        _ => return cl == c,
    };
    let res = if mask == 0 {
        c == 0
    } else {
        CLASS[c as usize] & mask != 0
    };
    if cl.is_ascii_uppercase() {
        !res
    } else {
        res
    }
}

/// Is `s` free of pattern magic characters, so `string.find` may do a
/// plain substring search?
pub fn no_specials(p: &[u8]) -> bool {
    !p.iter().any(|c| SPECIALS.contains(c))
}

/// If every match of `p` must start with one fixed byte (the pattern opens
/// with a plain character that is not optional), returns that byte, so
/// scanning loops can jump between its occurrences instead of attempting a
/// full match at every position. Skipped positions are exactly those where
/// the matcher would fail on the first byte, so results and errors are
/// unchanged.
fn first_literal(p: &[u8]) -> Option<u8> {
    let c = *p.first()?;
    if SPECIALS.contains(&c) || c == b')' {
        return None;
    }
    match p.get(1) {
        Some(b'*' | b'?' | b'-') => None,
        _ => Some(c),
    }
}

/// Offset of the next candidate start at or after `from` (`s.len() + 1`
/// when there is none).
#[inline]
fn next_candidate(s: &[u8], from: usize, lit: Option<u8>) -> usize {
    match (lit, s.get(from..)) {
        (Some(c), Some(rest)) => rest
            .iter()
            .position(|&b| b == c)
            .map_or(s.len() + 1, |off| from + off),
        _ => from,
    }
}

/// Capture bookkeeping: `len` is a byte length or one of the markers below.
#[derive(Clone, Copy)]
struct RawCap {
    init: usize,
    len: isize,
}

const CAP_UNFINISHED: isize = -1;
const CAP_POSITION: isize = -2;

/// Subject bytes a scanning loop (`max_expand`, `%b`) examines between two
/// charges, so that one long run is reported as it goes.
const SCAN_BLOCK: usize = 1024;

/// Per-call matching state (the subject, the pattern, capture slots and the
/// steps not yet reported to the meter).
struct State<'a, M> {
    src: &'a [u8],
    pat: &'a [u8],
    level: usize,
    depth: u32,
    pending: u64,
    meter: &'a mut M,
    caps: [RawCap; MAX_CAPTURES],
}

impl<'a, M: StepMeter> State<'a, M> {
    /// Counts `n` steps; reports them to the meter once a chunk is pending.
    #[inline]
    fn charge(&mut self, n: u64) -> PResult<()> {
        self.pending += n;
        if self.pending >= STEP_CHUNK {
            self.flush()
        } else {
            Ok(())
        }
    }

    /// Reports the pending steps to the meter.
    #[cold]
    #[inline(never)]
    fn flush(&mut self) -> PResult<()> {
        let n = std::mem::take(&mut self.pending);
        if n == 0 || self.meter.take(n) {
            Ok(())
        } else {
            Err(PatternError::StepLimit)
        }
    }

    /// Extra steps for testing a subject byte against the class `pat[p..ep]`:
    /// a set costs one more step per 16 bytes of its text (testing it scans it).
    #[inline]
    fn class_cost(&self, p: usize, ep: usize) -> u64 {
        if self.pat[p] == b'[' {
            ((ep - p) / 16) as u64
        } else {
            0
        }
    }

    /// Byte of the pattern at `i`, or 0 past the end (mirrors the C string
    /// terminator that lstrlib peeks at).
    #[inline]
    fn pat_at(&self, i: usize) -> u8 {
        self.pat.get(i).copied().unwrap_or(0)
    }

    /// Index just past the single-character class starting at `p`.
    fn class_end(&self, mut p: usize) -> PResult<usize> {
        let c = self.pat[p];
        p += 1;
        if c == ESC {
            if p >= self.pat.len() {
                return Err(PatternError::msg("malformed pattern (ends with '%')"));
            }
            return Ok(p + 1);
        }
        if c == b'[' {
            if self.pat_at(p) == b'^' {
                p += 1;
            }
            // The first character of a set is literal, even if it is ']'.
            loop {
                if p >= self.pat.len() {
                    return Err(PatternError::msg("malformed pattern (missing ']')"));
                }
                let cc = self.pat[p];
                p += 1;
                if cc == ESC && p < self.pat.len() {
                    p += 1;
                }
                if self.pat_at(p) == b']' {
                    return Ok(p + 1);
                }
            }
        }
        Ok(p)
    }

    /// Does `c` belong to the set `pat[p..=ec]` (`p` at '[', `ec` at ']')?
    fn match_bracket(&self, c: u8, mut p: usize, ec: usize) -> bool {
        let pat = self.pat;
        let mut sig = true;
        if pat[p + 1] == b'^' {
            sig = false;
            p += 1;
        }
        p += 1;
        while p < ec {
            if pat[p] == ESC {
                p += 1;
                if match_class(c, pat[p]) {
                    return sig;
                }
            } else if pat[p + 1] == b'-' && p + 2 < ec {
                if pat[p] <= c && c <= pat[p + 2] {
                    return sig;
                }
                p += 2;
            } else if pat[p] == c {
                return sig;
            }
            p += 1;
        }
        !sig
    }

    /// Does the subject byte at `s` match the single class `pat[p..ep]`?
    #[inline]
    fn single_match(&self, s: usize, p: usize, ep: usize) -> bool {
        let Some(&c) = self.src.get(s) else {
            return false;
        };
        match self.pat[p] {
            b'.' => true,
            ESC => match_class(c, self.pat[p + 1]),
            b'[' => self.match_bracket(c, p, ep - 1),
            pc => pc == c,
        }
    }

    fn match_balance(&mut self, s: usize, p: usize) -> PResult<Option<usize>> {
        if p + 1 >= self.pat.len() {
            return Err(PatternError::msg(
                "malformed pattern (missing arguments to '%b')",
            ));
        }
        let (open, close) = (self.pat[p], self.pat[p + 1]);
        if self.src.get(s) != Some(&open) {
            return Ok(None);
        }
        let mut depth = 1usize;
        let mut charged = s;
        for (i, &c) in self.src.iter().enumerate().skip(s + 1) {
            if i - charged >= SCAN_BLOCK {
                self.charge((i - charged) as u64)?;
                charged = i;
            }
            if c == close {
                depth -= 1;
                if depth == 0 {
                    self.charge((i - charged) as u64)?;
                    return Ok(Some(i + 1));
                }
            } else if c == open {
                depth += 1;
            }
        }
        self.charge((self.src.len() - charged) as u64)?;
        Ok(None)
    }

    fn max_expand(&mut self, s: usize, p: usize, ep: usize) -> PResult<Option<usize>> {
        // Find the longest run, charging it block by block.
        let per_byte = 1 + self.class_cost(p, ep);
        let mut i = 0;
        loop {
            let (start, end) = (i, i + SCAN_BLOCK);
            while i < end && self.single_match(s + i, p, ep) {
                i += 1;
            }
            self.charge((i - start) as u64 * per_byte)?;
            if i < end {
                break;
            }
        }
        // Try the rest of the pattern with the longest run first.
        loop {
            if let Some(r) = self.do_match(s + i, ep + 1)? {
                return Ok(Some(r));
            }
            if i == 0 {
                return Ok(None);
            }
            i -= 1;
        }
    }

    fn min_expand(&mut self, mut s: usize, p: usize, ep: usize) -> PResult<Option<usize>> {
        let extra = self.class_cost(p, ep);
        loop {
            if let Some(r) = self.do_match(s, ep + 1)? {
                return Ok(Some(r));
            }
            if extra > 0 {
                self.charge(extra)?;
            }
            if self.single_match(s, p, ep) {
                s += 1;
            } else {
                return Ok(None);
            }
        }
    }

    fn start_capture(&mut self, s: usize, p: usize, what: isize) -> PResult<Option<usize>> {
        if self.level >= MAX_CAPTURES {
            return Err(PatternError::msg("too many captures"));
        }
        self.caps[self.level] = RawCap { init: s, len: what };
        self.level += 1;
        let r = self.do_match(s, p)?;
        if r.is_none() {
            self.level -= 1;
        }
        Ok(r)
    }

    fn end_capture(&mut self, s: usize, p: usize) -> PResult<Option<usize>> {
        let l = self.capture_to_close()?;
        self.caps[l].len = (s - self.caps[l].init) as isize;
        let r = self.do_match(s, p)?;
        if r.is_none() {
            self.caps[l].len = CAP_UNFINISHED;
        }
        Ok(r)
    }

    fn capture_to_close(&self) -> PResult<usize> {
        (0..self.level)
            .rev()
            .find(|&l| self.caps[l].len == CAP_UNFINISHED)
            .ok_or_else(|| PatternError::msg("invalid pattern capture"))
    }

    fn match_capture(&mut self, s: usize, digit: u8) -> PResult<Option<usize>> {
        let l = digit as isize - b'1' as isize;
        if l < 0 || l as usize >= self.level || self.caps[l as usize].len == CAP_UNFINISHED {
            return Err(bad_capture_index(l));
        }
        let cap = self.caps[l as usize];
        if cap.len < 0 {
            // lua5.4 compares against the length as size_t, so a
            // back-reference to a position capture never matches.
            return Ok(None);
        }
        let len = cap.len as usize;
        self.charge(len as u64)?;
        let src = self.src;
        if src.len() - s >= len && src[cap.init..cap.init + len] == src[s..s + len] {
            Ok(Some(s + len))
        } else {
            Ok(None)
        }
    }

    /// Matches pattern from index `p` against the subject from `s`; returns
    /// the end of the match. Tail positions loop instead of recursing, so
    /// only genuine backtracking points consume depth.
    fn do_match(&mut self, s: usize, p: usize) -> PResult<Option<usize>> {
        if self.depth == 0 {
            return Err(PatternError::msg("pattern too complex"));
        }
        self.depth -= 1;
        let r = self.match_loop(s, p);
        self.depth += 1;
        r
    }

    fn match_loop(&mut self, mut s: usize, mut p: usize) -> PResult<Option<usize>> {
        loop {
            self.charge(1)?;
            if p >= self.pat.len() {
                return Ok(Some(s));
            }
            match self.pat[p] {
                b'(' => {
                    return if self.pat_at(p + 1) == b')' {
                        self.start_capture(s, p + 2, CAP_POSITION)
                    } else {
                        self.start_capture(s, p + 1, CAP_UNFINISHED)
                    };
                }
                b')' => return self.end_capture(s, p + 1),
                b'$' if p + 1 == self.pat.len() => {
                    return Ok((s == self.src.len()).then_some(s));
                }
                ESC => match self.pat_at(p + 1) {
                    b'b' => match self.match_balance(s, p + 2)? {
                        Some(ns) => {
                            s = ns;
                            p += 4;
                            continue;
                        }
                        None => return Ok(None),
                    },
                    b'f' => {
                        p += 2;
                        if self.pat_at(p) != b'[' {
                            return Err(PatternError::msg("missing '[' after '%f' in pattern"));
                        }
                        let ep = self.class_end(p)?;
                        self.charge(2 * self.class_cost(p, ep))?;
                        let prev = if s == 0 { 0 } else { self.src[s - 1] };
                        let cur = self.src.get(s).copied().unwrap_or(0);
                        if !self.match_bracket(prev, p, ep - 1)
                            && self.match_bracket(cur, p, ep - 1)
                        {
                            p = ep;
                            continue;
                        }
                        return Ok(None);
                    }
                    d @ b'0'..=b'9' => match self.match_capture(s, d)? {
                        Some(ns) => {
                            s = ns;
                            p += 2;
                            continue;
                        }
                        None => return Ok(None),
                    },
                    _ => {}
                },
                _ => {}
            }
            // Default: a single-character class with an optional suffix.
            let ep = self.class_end(p)?;
            if self.pat[p] == b'[' {
                self.charge(self.class_cost(p, ep))?;
            }
            let suffix = self.pat_at(ep);
            if !self.single_match(s, p, ep) {
                if matches!(suffix, b'*' | b'?' | b'-') {
                    p = ep + 1;
                    continue;
                }
                return Ok(None);
            }
            match suffix {
                b'?' => {
                    if let Some(r) = self.do_match(s + 1, ep + 1)? {
                        return Ok(Some(r));
                    }
                    p = ep + 1;
                }
                b'+' => return self.max_expand(s + 1, p, ep),
                b'*' => return self.max_expand(s, p, ep),
                b'-' => return self.min_expand(s, p, ep),
                _ => {
                    s += 1;
                    p = ep;
                }
            }
        }
    }

    fn captures(&self) -> Vec<Capture> {
        self.caps[..self.level]
            .iter()
            .map(|c| match c.len {
                CAP_POSITION => Capture::Pos(c.init + 1),
                CAP_UNFINISHED => Capture::Unfinished,
                l => Capture::Span(c.init, c.init + l as usize),
            })
            .collect()
    }
}

/// Pattern matcher reporting its work to a [`StepMeter`] shared by all calls
/// made through it.
#[derive(Clone, Debug)]
pub struct Matcher<M> {
    meter: M,
}

#[cfg(test)]
impl Matcher<StepLimit> {
    /// A matcher that fails with [`PatternError::StepLimit`] once more than
    /// `step_limit` steps have been done in total.
    pub fn with_limit(step_limit: u64) -> Self {
        Matcher::new(StepLimit::new(step_limit))
    }

    /// Steps reported so far.
    pub fn steps(&self) -> u64 {
        self.meter.used()
    }
}

impl<M: StepMeter> Matcher<M> {
    /// A matcher reporting to `meter`.
    pub fn new(meter: M) -> Self {
        Matcher { meter }
    }

    /// The meter.
    pub fn meter(&mut self) -> &mut M {
        &mut self.meter
    }

    /// Runs `f` with fresh matching state over `s` and `p`, and reports the
    /// steps it left pending (also when it fails, unless the meter refused).
    fn run<T, E: From<PatternError>>(
        &mut self,
        s: &[u8],
        p: &[u8],
        f: impl FnOnce(&mut State<'_, M>) -> Result<T, E>,
    ) -> Result<T, E> {
        let mut st = State {
            src: s,
            pat: p,
            level: 0,
            depth: MAX_DEPTH,
            pending: 0,
            meter: &mut self.meter,
            caps: [RawCap { init: 0, len: 0 }; MAX_CAPTURES],
        };
        let r = f(&mut st);
        let flushed = st.flush();
        let v = r?;
        flushed?;
        Ok(v)
    }

    /// Searches for `p` in `s` from byte `init` on, like `string.find` and
    /// `string.match`: a leading `^` anchors the match at `init`.
    pub fn find(&mut self, s: &[u8], p: &[u8], init: usize) -> PResult<Option<Match>> {
        if init > s.len() {
            return Ok(None);
        }
        let (anchor, p) = match p.split_first() {
            Some((b'^', rest)) => (true, rest),
            _ => (false, p),
        };
        self.run(s, p, |st| {
            let lit = if anchor { None } else { first_literal(p) };
            let mut s1 = init;
            loop {
                s1 = st.skip_to_candidate(s1, lit)?;
                if s1 > st.src.len() {
                    return Ok(None);
                }
                st.level = 0;
                if let Some(end) = st.do_match(s1, 0)? {
                    return Ok(Some(Match {
                        start: s1,
                        end,
                        captures: st.captures(),
                    }));
                }
                s1 += 1;
                if anchor || s1 > st.src.len() {
                    return Ok(None);
                }
            }
        })
    }
}

impl<M: StepMeter> State<'_, M> {
    /// [`next_candidate`], charging the bytes skipped as the failed attempts
    /// (one step each) they stand for.
    #[inline]
    fn skip_to_candidate(&mut self, from: usize, lit: Option<u8>) -> PResult<usize> {
        let next = next_candidate(self.src, from, lit);
        if lit.is_some() {
            self.charge((next.min(self.src.len()) - from.min(self.src.len())) as u64)?;
        }
        Ok(next)
    }
}

/// Bytes a plain search scans between two reports to the meter.
const PLAIN_WINDOW: usize = 1 << 16;

/// Length of the common prefix of `a` and `b`.
#[inline]
fn common_prefix(a: &[u8], b: &[u8]) -> usize {
    let n = a.len().min(b.len());
    let mut k = 0;
    while k + 16 <= n && a[k..k + 16] == b[k..k + 16] {
        k += 16;
    }
    while k < n && a[k] == b[k] {
        k += 1;
    }
    k
}

/// Plain substring search from byte offset `init` (like `string.find` with
/// `plain = true`); returns the byte range of the first occurrence. The
/// bytes examined (scanned for the first byte, then compared) are reported
/// to `meter` as steps, window by window.
pub fn find_plain<M: StepMeter>(
    meter: &mut M,
    s: &[u8],
    p: &[u8],
    init: usize,
) -> PResult<Option<(usize, usize)>> {
    let Some(hay) = s.get(init..) else {
        return Ok(None);
    };
    if p.is_empty() {
        return Ok(Some((init, init)));
    }
    if p.len() > hay.len() {
        return Ok(None);
    }
    let (first, rest) = (p[0], &p[1..]);
    let last_start = hay.len() - p.len();
    let mut pending = 0u64;
    let mut i = 0;
    let found = loop {
        if i > last_start {
            break None;
        }
        // Skip quickly to the next candidate first byte, within a window.
        let end = (i + PLAIN_WINDOW).min(last_start + 1);
        match hay[i..end].iter().position(|&b| b == first) {
            None => {
                pending += (end - i) as u64;
                i = end;
            }
            Some(off) => {
                i += off;
                let k = common_prefix(&hay[i + 1..i + p.len()], rest);
                pending += (off + 1 + (k + 1).min(rest.len())) as u64;
                if k == rest.len() {
                    break Some((init + i, init + i + p.len()));
                }
                i += 1;
            }
        }
        if pending >= STEP_CHUNK {
            if !meter.take(pending) {
                return Err(PatternError::StepLimit);
            }
            pending = 0;
        }
    };
    if pending > 0 && !meter.take(pending) {
        return Err(PatternError::StepLimit);
    }
    Ok(found)
}

/// Iteration state of `string.gmatch` (Lua 5.4 semantics: an empty match
/// right where the previous match ended is skipped).
#[derive(Clone, Debug)]
pub struct GmatchState {
    pos: usize,
    last_match: Option<usize>,
}

impl GmatchState {
    /// Starts iterating at byte offset `init` (already clamped by the VM).
    pub fn new(init: usize) -> Self {
        GmatchState {
            pos: init,
            last_match: None,
        }
    }

    /// Finds the next match, or `None` when the iteration is over.
    pub fn next<M: StepMeter>(
        &mut self,
        m: &mut Matcher<M>,
        s: &[u8],
        p: &[u8],
    ) -> PResult<Option<Match>> {
        let (mut pos, last) = (self.pos, self.last_match);
        if pos > s.len() {
            return Ok(None);
        }
        let lit = first_literal(p);
        let found = m.run(s, p, |st| loop {
            pos = st.skip_to_candidate(pos, lit)?;
            if pos > st.src.len() {
                return Ok(None);
            }
            st.level = 0;
            let found = st.do_match(pos, 0)?;
            if let Some(end) = found.filter(|&e| Some(e) != last) {
                return Ok(Some(Match {
                    start: pos,
                    end,
                    captures: st.captures(),
                }));
            }
            pos += 1;
            if pos > st.src.len() {
                return Ok(None);
            }
        })?;
        match &found {
            Some(mt) => {
                self.pos = mt.end;
                self.last_match = Some(mt.end);
            }
            None => self.pos = s.len() + 1,
        }
        Ok(found)
    }
}

/// Length of the expansion of a `string.gsub` replacement string for match
/// `m` (what [`expand_replacement`] appends), with the same errors.
pub fn expansion_len(repl: &[u8], m: &Match) -> PResult<usize> {
    let mut n = 0;
    let mut rest = repl;
    while let Some(i) = rest.iter().position(|&c| c == ESC) {
        n += i;
        n += match rest.get(i + 1).copied() {
            Some(ESC) => 1,
            Some(b'0') => m.end - m.start,
            Some(d @ b'1'..=b'9') => match m.capture((d - b'1') as usize)? {
                Capture::Span(a, b) => b - a,
                Capture::Pos(p) => p.checked_ilog10().map_or(1, |l| l as usize + 1),
                Capture::Unfinished => unreachable!("rejected by Match::capture"),
            },
            _ => {
                return Err(PatternError::msg(
                    "invalid use of '%' in replacement string",
                ));
            }
        };
        rest = &rest[i + 2..];
    }
    Ok(n + rest.len())
}

/// Appends the expansion of a `string.gsub` replacement string for match
/// `m` of subject `s`: `%0`-`%9` insert captures, `%%` a percent sign.
pub fn expand_replacement(repl: &[u8], m: &Match, s: &[u8], out: &mut Vec<u8>) -> PResult<()> {
    let mut rest = repl;
    while let Some(i) = rest.iter().position(|&c| c == ESC) {
        out.extend_from_slice(&rest[..i]);
        match rest.get(i + 1).copied() {
            Some(ESC) => out.push(ESC),
            Some(b'0') => out.extend_from_slice(&s[m.start..m.end]),
            Some(d @ b'1'..=b'9') => match m.capture((d - b'1') as usize)? {
                Capture::Span(a, b) => out.extend_from_slice(&s[a..b]),
                Capture::Pos(n) => super::numfmt::write_int(out, n as i64),
                Capture::Unfinished => unreachable!("rejected by Match::capture"),
            },
            _ => {
                return Err(PatternError::msg(
                    "invalid use of '%' in replacement string",
                ));
            }
        }
        rest = &rest[i + 2..];
    }
    out.extend_from_slice(rest);
    Ok(())
}

/// Result of [`gsub`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GsubResult {
    /// Number of matches found (Lua's second result).
    pub count: usize,
    /// Whether any replacement changed the text; if not, the caller returns
    /// the original string object unchanged.
    pub changed: bool,
    /// Byte offset where the scan stopped: `out` holds the new text of
    /// `s[..end]`, and the caller appends `s[end..]` to complete it.
    pub end: usize,
}

/// Generic `string.gsub` driver. For each match (at most `max_n`),
/// `repl(meter, m, out)` appends the replacement to `out` and returns whether
/// it changed anything (return `false` after appending the original match
/// text, e.g. for a `nil`/`false` function or table result). Subject bytes
/// between matches are copied to `out` (and count as steps); the rest of the
/// subject, from [`GsubResult::end`] on, is left to the caller.
pub fn gsub<M, E, F>(
    m: &mut Matcher<M>,
    s: &[u8],
    p: &[u8],
    max_n: usize,
    out: &mut Vec<u8>,
    mut repl: F,
) -> Result<GsubResult, E>
where
    M: StepMeter,
    E: From<PatternError>,
    F: FnMut(&mut M, &Match, &mut Vec<u8>) -> Result<bool, E>,
{
    let (anchor, p) = match p.split_first() {
        Some((b'^', rest)) => (true, rest),
        _ => (false, p),
    };
    m.run(s, p, |st| -> Result<_, E> {
        let mut changed = false;
        let mut count = 0;
        let mut src = 0;
        let mut last_match = None;
        let lit = if anchor { None } else { first_literal(p) };
        while count < max_n {
            if lit.is_some() {
                // Copy the stretch that cannot start a match in one go.
                let next = st.skip_to_candidate(src, lit)?.min(s.len());
                out.extend_from_slice(&s[src..next]);
                src = next;
            }
            st.level = 0;
            match st.do_match(src, 0)? {
                Some(end) if Some(end) != last_match => {
                    count += 1;
                    let mt = Match {
                        start: src,
                        end,
                        captures: st.captures(),
                    };
                    changed |= repl(st.meter, &mt, out)?;
                    src = end;
                    last_match = Some(end);
                }
                _ if src < s.len() => {
                    out.push(s[src]);
                    src += 1;
                }
                _ => break,
            }
            if anchor {
                break;
            }
        }
        Ok(GsubResult {
            count,
            changed,
            end: src,
        })
    })
}

/// `string.gsub` with a string replacement, without string size limits:
/// the new text (`None` when nothing changed) and the number of matches.
#[cfg(test)]
pub fn gsub_str<M: StepMeter>(
    m: &mut Matcher<M>,
    s: &[u8],
    p: &[u8],
    repl: &[u8],
    max_n: usize,
) -> PResult<(Option<Vec<u8>>, usize)> {
    let mut out = Vec::new();
    let r = gsub(m, s, p, max_n, &mut out, |_, mt, out| {
        expand_replacement(repl, mt, s, out)?;
        Ok(true)
    })?;
    if !r.changed {
        return Ok((None, r.count));
    }
    out.extend_from_slice(&s[r.end..]);
    Ok((Some(out), r.count))
}

#[cfg(test)]
mod tests {
    use super::*;

    const BIG: u64 = u64::MAX;

    fn find(s: &str, p: &str) -> Result<Option<(usize, usize, Vec<Capture>)>, String> {
        let mut m = Matcher::with_limit(BIG);
        match m.find(s.as_bytes(), p.as_bytes(), 0) {
            Ok(Some(mt)) => {
                mt.check_finished().map_err(|e| e.to_string())?;
                Ok(Some((mt.start + 1, mt.end, mt.captures)))
            }
            Ok(None) => Ok(None),
            Err(e) => Err(e.to_string()),
        }
    }

    fn err(s: &str, p: &str) -> String {
        find(s, p).unwrap_err()
    }

    fn cap_strs(s: &str, p: &str) -> Vec<String> {
        let mut m = Matcher::with_limit(BIG);
        let mt = m.find(s.as_bytes(), p.as_bytes(), 0).unwrap().unwrap();
        (0..mt.value_count())
            .map(|i| match mt.capture(i).unwrap() {
                Capture::Span(a, b) => s[a..b].to_string(),
                Capture::Pos(n) => n.to_string(),
                Capture::Unfinished => unreachable!(),
            })
            .collect()
    }

    fn gs(s: &str, p: &str, r: &str, n: usize) -> Result<(String, usize), String> {
        let mut m = Matcher::with_limit(BIG);
        let (text, count) = gsub_str(&mut m, s.as_bytes(), p.as_bytes(), r.as_bytes(), n)
            .map_err(|e| e.to_string())?;
        let text = text.unwrap_or_else(|| s.as_bytes().to_vec());
        Ok((String::from_utf8(text).unwrap(), count))
    }

    #[test]
    fn error_messages() {
        assert_eq!(err("abc", "%"), "malformed pattern (ends with '%')");
        assert_eq!(err("abc", "[a"), "malformed pattern (missing ']')");
        assert_eq!(err("abc", "[]"), "malformed pattern (missing ']')");
        assert_eq!(
            err("abc", "%b"),
            "malformed pattern (missing arguments to '%b')"
        );
        assert_eq!(
            err("abc", "%ba"),
            "malformed pattern (missing arguments to '%b')"
        );
        assert_eq!(err("abc", "%f"), "missing '[' after '%f' in pattern");
        assert_eq!(err("abc", "%fa"), "missing '[' after '%f' in pattern");
        assert_eq!(err("abc", "%1"), "invalid capture index %1");
        assert_eq!(err("abc", "%0"), "invalid capture index %0");
        assert_eq!(err("abc", "(a)%2"), "invalid capture index %2");
        assert_eq!(err("abc", "(a%1)"), "invalid capture index %1");
        assert_eq!(err("abc", "a.)"), "invalid pattern capture");
        assert_eq!(err("abc", "(a"), "unfinished capture");
        assert_eq!(find("abc", &"(a)".repeat(33)), Ok(None));
        assert_eq!(err(&"a".repeat(40), &"(a)".repeat(33)), "too many captures");
        assert_eq!(
            find(&"a".repeat(40), &"(a)".repeat(32)).unwrap().unwrap().1,
            32
        );
        let a300 = "a".repeat(300);
        assert_eq!(err(&a300, &"a?".repeat(300)), "pattern too complex");
        assert_eq!(find(&a300, &"a?".repeat(199)).unwrap().unwrap().0, 1);
        assert_eq!(
            err(&a300, &format!("{}{}", "(".repeat(40), ")".repeat(40))),
            "too many captures"
        );
    }

    #[test]
    fn depth_limit_boundary() {
        // lua5.4: 199 optional items succeed, 200 are "too complex".
        let a300 = "a".repeat(300);
        assert_eq!(find(&a300, &"a?".repeat(199)), Ok(Some((1, 199, vec![]))));
        assert_eq!(
            find(&a300, &"a?".repeat(200)).unwrap_err(),
            "pattern too complex"
        );
    }

    #[test]
    fn basic_finds() {
        assert_eq!(
            find("THE (quick) fox", "%((%a+)%)"),
            Ok(Some((5, 11, vec![Capture::Span(5, 10)])))
        );
        assert_eq!(find("  x", "^%s*"), Ok(Some((1, 2, vec![]))));
        assert_eq!(
            cap_strs("key = value", "(%w+)%s*=%s*(%w+)"),
            ["key", "value"]
        );
        assert_eq!(cap_strs("f(a(b)c)d", "%b()"), ["(a(b)c)"]);
        assert_eq!(find("abc", "[%a-z]"), Ok(Some((1, 1, vec![]))));
        assert_eq!(find("a-z", "[a%-z]+"), Ok(Some((1, 3, vec![]))));
        assert_eq!(find("]]", "[]]+"), Ok(Some((1, 2, vec![]))));
        assert_eq!(find("^a", "[^^]"), Ok(Some((2, 2, vec![]))));
        assert_eq!(cap_strs("hello", "()ll()"), ["3", "5"]);
        assert_eq!(cap_strs("x = 10", "^(%w+)"), ["x"]);
        assert_eq!(find("a\0b", "%z"), Ok(Some((2, 2, vec![]))));
        assert_eq!(find("a\0b", "\0"), Ok(Some((2, 2, vec![]))));
        assert_eq!(find("a$b", "$b"), Ok(Some((2, 3, vec![]))));
        assert_eq!(find("a^b", "a^"), Ok(Some((1, 2, vec![]))));
        assert_eq!(find("abc", "c$"), Ok(Some((3, 3, vec![]))));
        assert_eq!(
            find("abcabc", "(abc)%1"),
            Ok(Some((1, 6, vec![Capture::Span(0, 3)])))
        );
        assert_eq!(find("aaab", "a-b"), Ok(Some((1, 4, vec![]))));
        // lua5.4: string.find(" c  (b", "()%1[^a]") --> nil
        assert_eq!(find(" c  (b", "()%1[^a]"), Ok(None));
        assert_eq!(find("xaaa", "^a"), Ok(None));
        assert_eq!(find("\x0b", "%s"), Ok(Some((1, 1, vec![]))));
        assert_eq!(cap_strs("hello world from Lua", "(%a+)$"), ["Lua"]);
        assert_eq!(cap_strs("  trim  ", "^%s*(.-)%s*$"), ["trim"]);
    }

    #[test]
    fn classes_match_c_locale() {
        // Counts of bytes 0..=255 in each class, from lua5.4:
        // for each class, #string.gsub(all_bytes, "[^%c]", "")
        let all: Vec<u8> = (0..=255).collect();
        let count = |cl: u8| all.iter().filter(|&&c| match_class(c, cl)).count();
        let expect = [
            (b'a', 52),
            (b'c', 33),
            (b'd', 10),
            (b'g', 94),
            (b'l', 26),
            (b'p', 32),
            (b's', 6),
            (b'u', 26),
            (b'w', 62),
            (b'x', 22),
            (b'A', 204),
            (b'z', 1),
            (b'Z', 255),
        ];
        for (cl, n) in expect {
            assert_eq!(count(cl), n, "class {}", cl as char);
        }
    }

    #[test]
    fn frontier() {
        assert_eq!(
            gs("THE (quick) fox", "%f[%a]%a+", "W", usize::MAX).unwrap(),
            ("W (W) W".into(), 3)
        );
        assert_eq!(
            gs("hello", "%f[%z]", "!", usize::MAX).unwrap(),
            ("hello!".into(), 1)
        );
    }

    #[test]
    fn gsub_cases() {
        assert_eq!(
            gs("abc", "", "-", usize::MAX).unwrap(),
            ("-a-b-c-".into(), 4)
        );
        assert_eq!(
            gs("abc", "b*", "-", usize::MAX).unwrap(),
            ("-a-c-".into(), 3)
        );
        assert_eq!(
            gs("abc", "%w", "%0%0", usize::MAX).unwrap(),
            ("aabbcc".into(), 3)
        );
        assert_eq!(
            gs("abc", "%w", "%%", usize::MAX).unwrap(),
            ("%%%".into(), 3)
        );
        assert_eq!(
            gs("abc def", "(%w+) (%w+)", "%2 %1", usize::MAX).unwrap(),
            ("def abc".into(), 1)
        );
        assert_eq!(gs("abc", ".", "x", 2).unwrap(), ("xxc".into(), 2));
        assert_eq!(gs("abc", "^.", "x", usize::MAX).unwrap(), ("xbc".into(), 1));
        assert_eq!(gs("abc", "^", "x", usize::MAX).unwrap(), ("xabc".into(), 1));
        assert_eq!(gs("abc", "$", "x", usize::MAX).unwrap(), ("abcx".into(), 1));
        assert_eq!(gs("abc", "(a", "x", usize::MAX).unwrap(), ("xbc".into(), 1));
        assert_eq!(gs("abc", "a", "%1", usize::MAX).unwrap(), ("abc".into(), 1));
        assert_eq!(
            gs("hello world", "()", "%1", usize::MAX).unwrap().0,
            "1h2e3l4l5o6 7w8o9r10l11d12"
        );
        assert_eq!(
            gs("abc", "(a", "%1", usize::MAX).unwrap_err(),
            "unfinished capture"
        );
        assert_eq!(
            gs("abc", "a", "%2", usize::MAX).unwrap_err(),
            "invalid capture index %2"
        );
        assert_eq!(
            gs("abc", "a", "%", usize::MAX).unwrap_err(),
            "invalid use of '%' in replacement string"
        );
        assert_eq!(
            gs("abc", "a", "%x", usize::MAX).unwrap_err(),
            "invalid use of '%' in replacement string"
        );
    }

    #[test]
    fn gsub_keep_original() {
        let mut m = Matcher::with_limit(BIG);
        let s = b"hello";
        let mut out = Vec::new();
        let r: Result<_, PatternError> =
            gsub(&mut m, s, b"l+", usize::MAX, &mut out, |_, mt, out| {
                out.extend_from_slice(&s[mt.start..mt.end]);
                Ok(false)
            });
        assert_eq!(
            r.unwrap(),
            GsubResult {
                count: 1,
                changed: false,
                end: 5
            }
        );
        assert_eq!(out, b"hello");
    }

    #[test]
    fn gmatch_empty_matches() {
        // lua5.4: for k in ("abc"):gmatch("b*") do io.write("[",k,"]") end
        // prints [][b][] -- the empty match after "b" is skipped.
        let mut m = Matcher::with_limit(BIG);
        let mut g = GmatchState::new(0);
        let mut seen = vec![];
        while let Some(mt) = g.next(&mut m, b"abc", b"b*").unwrap() {
            seen.push((mt.start, mt.end));
        }
        assert_eq!(seen, [(0, 0), (1, 2), (3, 3)]);
        // '^' is an ordinary character in gmatch (lua5.4: "^a^a" yields "^a" twice).
        let mut g = GmatchState::new(0);
        let mut n = 0;
        while let Some(mt) = g.next(&mut m, b"^a^a", b"^a").unwrap() {
            assert_eq!(mt.end - mt.start, 2);
            n += 1;
        }
        assert_eq!(n, 2);
    }

    #[test]
    fn literal_prefix_skipping_keeps_semantics() {
        // lua5.4: string.find("xyz", "a[") --> nil (never reaches the '[')
        assert_eq!(find("xyz", "a["), Ok(None));
        assert_eq!(err("xaz", "a["), "malformed pattern (missing ']')");
        assert_eq!(
            gs("hello world", "o", "0", usize::MAX).unwrap(),
            ("hell0 w0rld".into(), 2)
        );
        assert_eq!(
            gs("hello world", "l+", "L", usize::MAX).unwrap(),
            ("heLo worLd".into(), 2)
        );
        assert_eq!(
            gs("hello", "z", "!", usize::MAX).unwrap(),
            ("hello".into(), 0)
        );
        assert_eq!(first_literal(b"a*"), None);
        assert_eq!(first_literal(b")"), None);
        assert_eq!(first_literal(b"ab"), Some(b'a'));
        assert_eq!(first_literal(b"a+"), Some(b'a'));
    }

    #[test]
    fn plain_find() {
        let find_plain = |s: &[u8], p: &[u8], init| {
            super::find_plain(&mut StepLimit::new(BIG), s, p, init).unwrap()
        };
        assert!(!no_specials(b"a.b"));
        assert!(no_specials(b"a)b"));
        assert_eq!(find_plain(b"a.b", b".", 0), Some((1, 2)));
        assert_eq!(find_plain(b"abc", b"", 3), Some((3, 3)));
        assert_eq!(find_plain(b"abc", b"", 4), None);
        assert_eq!(find_plain(b"abcabd", b"abd", 1), Some((3, 6)));
        assert_eq!(find_plain(b"ab", b"abc", 0), None);
        let long = [b"x".repeat(40), b"needle".to_vec(), b"x".repeat(70_000)].concat();
        assert_eq!(find_plain(&long, b"needle", 0), Some((40, 46)));
        assert_eq!(find_plain(&long, b"needle", 41), None);
        assert_eq!(find_plain(&long, b"xxn", 0), Some((38, 41)));
        assert_eq!(find_plain(&long, &long[5..], 0), Some((5, long.len())));
    }

    #[test]
    fn step_limit_stops_backtracking() {
        let s = "a".repeat(30);
        let mut m = Matcher::with_limit(1_000_000);
        let r = m.find(s.as_bytes(), b"(.-)(.-)(.-)(.-)(.-)b", 0);
        assert_eq!(r, Err(PatternError::StepLimit));
        assert!(m.steps() > 1_000_000);
        // Reported in chunks: the refused report is at most one chunk (plus
        // one scan block) past the limit.
        assert!(m.steps() <= 1_000_000 + STEP_CHUNK + SCAN_BLOCK as u64);
        // A normal match stays far below the limit.
        let mut m = Matcher::with_limit(1_000);
        assert!(m.find(b"hello world", b"w%a+", 0).unwrap().is_some());
    }

    #[test]
    fn no_stack_overflow_on_long_subject() {
        // Long runs are handled by loops, not recursion.
        let s = "a".repeat(1_000_000);
        let mut m = Matcher::with_limit(BIG);
        let mt = m.find(s.as_bytes(), b"a*$", 0).unwrap().unwrap();
        assert_eq!((mt.start, mt.end), (0, 1_000_000));
        let mt = m.find(s.as_bytes(), b".-$", 0).unwrap().unwrap();
        assert_eq!(mt.end, 1_000_000);
    }

    #[test]
    fn plain_find_reports_its_work() {
        // Worst case for a naive search: every position is a candidate that
        // fails at the last byte. The work reported is the bytes compared.
        let hay = "a".repeat(10_000);
        let pat = format!("{}b", "a".repeat(99));
        let mut m = StepLimit::new(BIG);
        assert_eq!(
            find_plain(&mut m, hay.as_bytes(), pat.as_bytes(), 0),
            Ok(None)
        );
        let candidates = (10_000 - 100 + 1) as u64;
        assert_eq!(m.used(), candidates * 100);
        // A limit stops it early.
        let mut m = StepLimit::new(50_000);
        assert_eq!(
            find_plain(&mut m, hay.as_bytes(), pat.as_bytes(), 0),
            Err(PatternError::StepLimit)
        );
        assert!(m.used() < 50_000 + 2 * STEP_CHUNK);
        // Scanning a text without candidates costs one step per byte.
        let mut m = StepLimit::new(BIG);
        let text = "x".repeat(200_000);
        assert_eq!(find_plain(&mut m, text.as_bytes(), b"y", 0), Ok(None));
        assert_eq!(m.used(), 200_000);
    }

    #[test]
    fn skipped_bytes_cost_like_failed_attempts() {
        // The literal-first-byte scan is an optimisation: the steps reported are
        // those of trying the pattern at every position.
        let s = format!("{}b", "x".repeat(5000));
        let mut fast = Matcher::with_limit(BIG);
        fast.find(s.as_bytes(), b"b", 0).unwrap().unwrap();
        let mut slow = Matcher::with_limit(BIG);
        slow.find(s.as_bytes(), b"[b]", 0).unwrap().unwrap();
        assert!(fast.steps() >= 5000, "{}", fast.steps());
        assert!(fast.steps() <= slow.steps());
        let (text, _) = gsub_str(&mut fast, s.as_bytes(), b"b", b"c", usize::MAX).unwrap();
        assert_eq!(text.unwrap().len(), 5001);
        assert!(fast.steps() >= 10_000);
    }

    #[test]
    fn big_sets_cost_more_per_test() {
        let s = "a".repeat(2000);
        let set = format!("[{}]", "b".repeat(1600));
        let mut small = Matcher::with_limit(BIG);
        assert_eq!(small.find(s.as_bytes(), b"[b]", 0), Ok(None));
        let mut big = Matcher::with_limit(BIG);
        assert_eq!(big.find(s.as_bytes(), set.as_bytes(), 0), Ok(None));
        assert!(
            big.steps() > 50 * small.steps(),
            "{} vs {}",
            big.steps(),
            small.steps()
        );
    }

    #[test]
    fn expansion_len_matches_expand() {
        let s = b"hello world";
        let mut m = Matcher::with_limit(BIG);
        let mt = m.find(s, b"(o)()( )", 0).unwrap().unwrap();
        for repl in [&b"x"[..], b"%0%0", b"[%1|%2|%3]%%", b"", b"%2%2%2"] {
            let mut out = Vec::new();
            expand_replacement(repl, &mt, s, &mut out).unwrap();
            assert_eq!(expansion_len(repl, &mt).unwrap(), out.len());
        }
        assert!(expansion_len(b"%x", &mt).is_err());
        assert!(expansion_len(b"%4", &mt).is_err());
        let mt = Match {
            start: 0,
            end: 0,
            captures: vec![
                Capture::Pos(1),
                Capture::Pos(9),
                Capture::Pos(10),
                Capture::Pos(12345),
            ],
        };
        for (repl, n) in [(&b"%1"[..], 1), (b"%2", 1), (b"%3", 2), (b"%4", 5)] {
            assert_eq!(expansion_len(repl, &mt).unwrap(), n);
        }
    }
}
