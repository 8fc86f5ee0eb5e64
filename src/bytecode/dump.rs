//! Binary chunks (`string.dump`, `load` of a chunk starting with `"\27Lua"`).
//!
//! A mani binary chunk does not carry bytecode. It carries the source text of the
//! chunk the function was compiled from and the function's position in that chunk's
//! tree of prototypes; loading it compiles the text again (the compiler is
//! deterministic, so the same prototype comes out) and picks that prototype. So a
//! binary chunk can never bring code the compiler did not produce and the verifier
//! did not check: a forged or corrupted chunk is at worst a different program, which
//! matters for hosts that load chunks they did not make. What it costs is a compile
//! per load, and that the text travels with the chunk (`strip` drops the names and
//! line numbers as lua5.4 does, not the text).
//!
//! The chunk starts with lua5.4's header (signature, version, format, the
//! conversion-check bytes, type sizes and the check integer and float), so tools
//! that look at it see a Lua 5.4 chunk, followed by a `mani` tag that tells it
//! apart from lua5.4's own chunks, which do not load here.

use super::Proto;
use std::sync::Arc;

/// The fixed header: lua5.4's, then the tag that makes it a mani chunk.
fn header() -> Vec<u8> {
    let mut h = Vec::with_capacity(40);
    h.extend_from_slice(b"\x1bLua");
    h.push(0x54); // version 5.4
    h.push(0); // official format
    h.extend_from_slice(b"\x19\x93\r\n\x1a\n");
    h.push(4); // instruction size
    h.push(8); // integer size
    h.push(8); // float size
    h.extend_from_slice(&0x5678i64.to_le_bytes());
    h.extend_from_slice(&370.5f64.to_le_bytes());
    h
}

/// After the header: lua5.4 has the main function's upvalue count here; this tag
/// follows it.
const TAG: &[u8] = b"mani\x01";

/// A parsed binary chunk.
#[derive(Debug, PartialEq, Eq)]
pub struct Dumped {
    /// The chunk name the text was compiled under (`None` when stripped).
    pub name: Option<String>,
    /// The chunk's source text.
    pub text: Vec<u8>,
    /// Child indices from the main function down to the dumped one.
    pub path: Vec<u32>,
}

/// The binary chunk of `p`, or `None` when `p` was not compiled from source text
/// kept for it.
pub fn dump(p: &Proto, strip: bool) -> Option<Vec<u8>> {
    let text = p.text.as_ref()?;
    let mut out = header();
    out.push(p.upvals.len().min(255) as u8);
    out.extend_from_slice(TAG);
    out.push(strip as u8);
    if !strip {
        put_bytes(&mut out, p.chunk.as_bytes());
    }
    put_bytes(&mut out, text);
    put_len(&mut out, p.path.len());
    for &i in p.path.iter() {
        put_len(&mut out, i as usize);
    }
    Some(out)
}

fn put_len(out: &mut Vec<u8>, mut n: usize) {
    loop {
        let b = (n & 0x7f) as u8;
        n >>= 7;
        if n == 0 {
            out.push(b);
            return;
        }
        out.push(b | 0x80);
    }
}

fn put_bytes(out: &mut Vec<u8>, b: &[u8]) {
    put_len(out, b.len());
    out.extend_from_slice(b);
}

/// Why a binary chunk did not parse, in lua5.4's words.
fn bad(why: &str) -> String {
    format!("bad binary format ({why})")
}

/// A reader that reports running out of input as lua5.4 does.
struct Reader<'a> {
    s: &'a [u8],
    pos: usize,
}

const TRUNCATED: &str = "truncated chunk";

impl Reader<'_> {
    fn byte(&mut self) -> Result<u8, String> {
        let b = *self.s.get(self.pos).ok_or_else(|| bad(TRUNCATED))?;
        self.pos += 1;
        Ok(b)
    }

    fn len(&mut self) -> Result<usize, String> {
        let mut n: usize = 0;
        for shift in (0..64).step_by(7) {
            let b = self.byte()?;
            n |= ((b & 0x7f) as usize) << shift;
            if b & 0x80 == 0 {
                return Ok(n);
            }
        }
        Err(bad("corrupted chunk"))
    }

    fn bytes(&mut self) -> Result<&[u8], String> {
        let n = self.len()?;
        let rest = self.s.len() - self.pos;
        if n > rest {
            return Err(bad(TRUNCATED));
        }
        let b = &self.s[self.pos..self.pos + n];
        self.pos += n;
        Ok(b)
    }
}

/// Parses a binary chunk. The message of an error is lua5.4's wording without the
/// chunk name.
///
/// ```ignore
/// use mani::bytecode::{dump, undump};
/// let mut p = mani::bytecode::Proto::default();
/// p.text = Some(std::sync::Arc::from(&b"return 1"[..]));
/// let chunk = dump(&p, false).unwrap();
/// assert_eq!(undump(&chunk).unwrap().text, b"return 1");
/// assert!(undump(&chunk[..chunk.len() - 1]).unwrap_err().contains("truncated"));
/// ```
pub fn undump(s: &[u8]) -> Result<Dumped, String> {
    let mut r = Reader { s, pos: 0 };
    for (i, &want) in header().iter().enumerate() {
        let got = r.byte()?;
        if got != want {
            return Err(bad(match i {
                0..=3 => "not a binary chunk",
                4 => "version mismatch",
                5 => "format mismatch",
                6..=11 => "corrupted chunk",
                12..=14 => "size mismatch",
                15..=22 => "integer format mismatch",
                _ => "float format mismatch",
            }));
        }
    }
    let _nups = r.byte()?;
    for &want in TAG {
        if r.byte()? != want {
            return Err(bad(
                "a Lua 5.4 chunk, not a mani one: precompiled chunks do not load",
            ));
        }
    }
    let strip = match r.byte()? {
        0 => false,
        1 => true,
        _ => return Err(bad("corrupted chunk")),
    };
    let name = if strip {
        None
    } else {
        Some(String::from_utf8_lossy(r.bytes()?).into_owned())
    };
    let text = r.bytes()?.to_vec();
    let depth = r.len()?;
    // Every index takes at least one byte: a count beyond the input is truncation,
    // never an allocation the input does not pay for.
    if depth > s.len() - r.pos {
        return Err(bad(TRUNCATED));
    }
    let mut path = Vec::with_capacity(depth);
    for _ in 0..depth {
        let i = r.len()?;
        path.push(u32::try_from(i).map_err(|_| bad("corrupted chunk"))?);
    }
    Ok(Dumped { name, text, path })
}

/// The prototype at `path` below `root`.
pub fn select(root: &Arc<Proto>, path: &[u32]) -> Option<Arc<Proto>> {
    let mut p = root;
    for &i in path {
        p = p.protos.get(i as usize)?;
    }
    Some(p.clone())
}

/// A copy of `p` and its nested functions without debug information: no line
/// numbers, local or upvalue names, and `=?` as the source.
pub fn strip(p: &Proto) -> Proto {
    Proto {
        code: p.code.clone(),
        lines: Vec::new(),
        consts: p.consts.clone(),
        protos: p.protos.iter().map(|c| Arc::new(strip(c))).collect(),
        upvals: p
            .upvals
            .iter()
            .map(|u| super::UpvalDesc {
                name: String::new(),
                ..u.clone()
            })
            .collect(),
        locvars: Vec::new(),
        num_params: p.num_params,
        is_vararg: p.is_vararg,
        max_stack: p.max_stack,
        line_defined: p.line_defined,
        last_line_defined: p.last_line_defined,
        source: Arc::from("?"),
        chunk: Arc::from("=?"),
        text: p.text.clone(),
        path: p.path.clone(),
    }
}

/// Gives every prototype under `root` the chunk's text and its path, once after
/// compiling (the prototypes are not shared yet).
pub fn attach_text(root: &mut Arc<Proto>, text: &Arc<[u8]>) {
    fn walk(p: &mut Arc<Proto>, text: &Arc<[u8]>, path: &mut Vec<u32>) {
        let Some(p) = Arc::get_mut(p) else {
            return;
        };
        p.text = Some(text.clone());
        p.path = path.clone().into_boxed_slice();
        for (i, c) in p.protos.iter_mut().enumerate() {
            path.push(i as u32);
            walk(c, text, path);
            path.pop();
        }
    }
    walk(root, text, &mut Vec::new());
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chunk(strip: bool) -> Vec<u8> {
        let p = Proto {
            text: Some(Arc::from(&b"return function() end"[..])),
            chunk: Arc::from("@t.lua"),
            path: vec![0, 3].into_boxed_slice(),
            ..Default::default()
        };
        dump(&p, strip).unwrap()
    }

    #[test]
    fn round_trips() {
        let d = undump(&chunk(false)).unwrap();
        assert_eq!(d.name.as_deref(), Some("@t.lua"));
        assert_eq!(d.text, b"return function() end");
        assert_eq!(d.path, vec![0, 3]);
        assert_eq!(undump(&chunk(true)).unwrap().name, None);
    }

    #[test]
    fn every_prefix_is_truncated() {
        let c = chunk(false);
        for i in 0..c.len() {
            let e = undump(&c[..i]).unwrap_err();
            assert!(e.contains("truncated"), "{i}: {e}");
        }
    }

    #[test]
    fn altered_text_is_a_corrupted_chunk_of_the_loaded_name() {
        let p = Proto {
            text: Some(Arc::from(&b"return +"[..])),
            chunk: Arc::from(""),
            ..Default::default()
        };
        let c = dump(&p, false).unwrap();
        let e = match crate::vm::compile_chunk(&c, "=fuzz", usize::MAX) {
            Err(crate::vm::LoadError::Syntax(m)) => m,
            _ => panic!("altered text loaded"),
        };
        assert!(
            e.starts_with("fuzz: bad binary format (corrupted chunk: "),
            "{e}"
        );
    }

    #[test]
    fn corrupted_headers_and_lua_chunks_are_refused() {
        let c = chunk(false);
        for i in 0..header().len() + 1 + TAG.len() {
            if i == header().len() {
                continue; // the upvalue count is informative
            }
            let mut s = c.clone();
            s[i] = s[i].wrapping_add(1);
            assert!(undump(&s).is_err(), "byte {i}");
        }
        // A huge path count is truncation, not an allocation.
        let mut s = header();
        s.push(1);
        s.extend_from_slice(TAG);
        s.extend_from_slice(&[1, 0, 0xff, 0xff, 0xff, 0xff, 0x0f]);
        assert!(undump(&s).unwrap_err().contains("truncated"));
    }
}
