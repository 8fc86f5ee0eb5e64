//! # mani
//!
//! A Lua 5.4 virtual machine in pure Rust for hosts that run code they do not trust.
//!
//! The pipeline: [`syntax`] (lexer and parser) → [`compiler`] → [`bytecode`] →
//! [`vm`] (interpreter), with values in [`value`], the garbage-collected heap in
//! [`heap`] and the standard library in [`stdlib`].
//!
//! ```
//! let mut lua = mani::Lua::new();
//! lua.exec(b"x = 6 * 7", "example").unwrap();
//! assert_eq!(lua.eval_int(b"return x", "example").unwrap(), 42);
//! ```

pub mod api;
pub mod bytecode;
pub mod compiler;
pub mod heap;
pub mod meter;
pub mod stdlib;
pub mod syntax;
pub mod value;
pub mod vm;

pub use api::{Error, Lua, Run};
