//! Source → tokens → AST.

pub mod ast;
pub mod lexer;
pub mod numeral;
pub mod parser;
pub mod token;

pub use parser::{parse, parse_limited};
