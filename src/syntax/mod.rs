//! Source → tokens → AST.

pub mod ast;
pub mod lexer;
pub mod numeral;
pub mod parser;
pub mod token;

pub use parser::{parse, parse_limited};

/// What of a file's contents is its chunk, as lua5.4's `luaL_loadfile` reads a
/// file: a UTF-8 byte-order mark and a first line starting with `#` (a Unix exec.
/// line) are skipped. The line's end is kept, so line numbers stay right, unless a
/// binary chunk follows it.
///
/// ```
/// assert_eq!(mani::file_chunk(b"#!/usr/bin/lua\nprint(1)"), b"\nprint(1)");
/// assert_eq!(mani::file_chunk(b"\xEF\xBB\xBFreturn 1"), b"return 1");
/// ```
pub fn file_text(src: &[u8]) -> &[u8] {
    let src = src.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(src);
    if src.first() != Some(&b'#') {
        return src;
    }
    let end = src.iter().position(|&c| c == b'\n').unwrap_or(src.len());
    match src.get(end + 1) {
        Some(0x1b) => &src[end + 1..],
        _ => &src[end..],
    }
}
