//! # mani
//!
//! A Lua 5.4 virtual machine in pure Rust for hosts that run code they do not trust:
//! every run is deterministic, metered by a cost budget, and can be stopped, paused
//! and resumed, without the script being able to crash, hang or exhaust its host.
//!
//! ## Guide
//!
//! The embedding API has mlua 0.12's names and shapes, so a host written for mlua's
//! common subset compiles against mani unchanged:
//!
//! ```
//! use mani::{Lua, Result, Table, UserData, UserDataMethods};
//!
//! struct Unit { hp: i64 }
//! impl UserData for Unit {
//!     fn add_methods<M: UserDataMethods<Self>>(m: &mut M) {
//!         m.add_method("hp", |_, this, ()| Ok(this.hp));
//!         m.add_method_mut("hit", |_, this, dmg: i64| { this.hp -= dmg; Ok(()) });
//!     }
//! }
//!
//! fn main() -> Result<()> {
//!     let lua = Lua::new();                       // the sandbox profile
//!     lua.globals().set("unit", Unit { hp: 10 })?;
//!     let log = lua.create_function(|_, msg: String| Ok(format!("[log] {msg}")))?;
//!     lua.globals().set("log", log)?;
//!     let (hp, line): (i64, String) = lua
//!         .load("unit:hit(3) return unit:hp(), log('ok')")
//!         .set_name("=unit.lua")
//!         .eval()?;
//!     assert_eq!((hp, line.as_str()), (7, "[log] ok"));
//!     let t: Table = lua.load("{1, 2, x = 'y'}").eval()?;
//!     assert_eq!(t.raw_len(), 2);
//!     Ok(())
//! }
//! ```
//!
//! What mani adds beside that subset, on the same [`Lua`]:
//!
//! - **Metering**: [`Lua::set_budget`], [`Lua::set_step_limit`],
//!   [`Lua::set_memory_limit`] stop any script with [`Error::BudgetExhausted`],
//!   [`Error::StepLimit`] or [`Error::MemoryError`], which `pcall` cannot catch.
//!   Under [`meter::Policy::Pause`], [`Lua::start_call`] and [`Lua::resume`] run a call
//!   in slices. [`Lua::cost`] and [`Lua::enable_profile`] report what was charged.
//! - **Tasks**: [`Lua::spawn`] gives a [`Task`], run in slices by
//!   [`Task::resume`] with a budget of its own; any number can be paused at once.
//!   Lua called from an async Rust function ([`Lua::create_async_function`],
//!   [`Function::call_async`]) pauses with its task.
//! - **Compile once**: [`Engine::compile`] gives a [`Program`] that any State
//!   instantiates without parsing.
//! - **Determinism**: `tostring` of tables shows a per-State id, `pairs` follows
//!   insertion order, `math.random` has a fixed seed, and the clock is the host's
//!   ([`Lua::set_clock`]).
//!
//! ## Coming from mlua
//!
//! - Same: `Lua`, `Value`, `Table`, `Function`, `LuaString`, `Thread`, `AnyUserData`,
//!   `UserData` with `add_methods`/`add_fields`, `FromLua`/`IntoLua` (and the multi
//!   variants), `Variadic`, `MultiValue`, `RegistryKey`, `scope`, app data, `Error`
//!   and the `prelude` aliases. Handles have no lifetime, keep their object alive,
//!   and are checked against their State.
//! - Different: [`Lua::new`] is the sandbox profile (no `io`, no file access, a fixed
//!   clock); mlua's default is [`Lua::new_trusted`]; pick libraries with
//!   [`Lua::new_with`]. `Lua` is always `Send + Sync` (mlua's `send` feature), so
//!   callbacks and userdata must be `Send`; [`Lua::scope`] takes non-`Send` ones.
//!   A Lua error whose value is not a string arrives as [`Error::LuaValue`] with the
//!   value. There is no `unsafe` door to the C API and no serde; async functions
//!   are polled by the VM when their task runs (no executor, no waker).
//! - Added: budgets, step limits, pause and resume, tasks, cost reports, compile-once
//!   [`Program`]s.
//!
//! ## Soundness
//!
//! No safe function reaches undefined behaviour, whatever the host or the script
//! does: handles are rooted and checked against their State, every access takes the
//! State's lock, userdata borrows are checked like `RefCell`, host panics never
//! cross a Lua frame, and bytecode only enters a State through the verifier. The
//! internals are out of reach:
//!
//! ```compile_fail
//! // Instructions cannot be forged from safe code.
//! let _ = mani::bytecode::Instr(0);
//! ```
//!
//! ```compile_fail
//! // The VM behind a `Lua` is private.
//! let lua = mani::Lua::new();
//! let _ = &lua.vm;
//! ```
//!
//! ```compile_fail
//! // Raw values and heap pointers are private.
//! let _: mani::value::Value = Default::default();
//! ```
//!
//! ## Inside
//!
//! The pipeline: `syntax` (lexer, parser) → `compiler` → `bytecode` (verified before
//! it runs) → `vm` (interpreter), with values in `value`, the garbage-collected heap
//! in `heap`, the standard library in `stdlib` and metering in [`meter`]. None of
//! them but [`meter`] is public: raw values and the heap are only reached through the
//! API's handles.

pub(crate) mod api;
pub(crate) mod bytecode;
pub(crate) mod compiler;
pub(crate) mod heap;
pub mod meter;
pub(crate) mod stdlib;
pub(crate) mod syntax;
pub(crate) mod value;
pub(crate) mod vm;

pub use api::*;

// mlua's module paths for the same items (`mlua::thread::ThreadStatus`, ...).
/// Chunks of source: [`Chunk`], [`AsChunk`].
pub mod chunk {
    pub use crate::api::{AsChunk, Chunk};
}
/// Errors: [`Error`], [`Result`] and the context traits.
pub mod error {
    pub use crate::api::{Error, ErrorContext, ExternalError, ExternalResult, Result};
}
/// [`Function`] handles.
pub mod function {
    pub use crate::api::Function;
}
/// [`LuaString`] handles and borrows of their contents.
pub mod string {
    pub use crate::api::{BorrowedBytes, BorrowedStr, LuaString};
}
/// [`Table`] handles and their iterators.
pub mod table {
    pub use crate::api::{Table, TablePairs, TableSequence};
}
/// [`Thread`] (coroutine) handles.
pub mod thread {
    pub use crate::api::{Thread, ThreadStatus};
}
/// Userdata: the [`UserData`] trait, handles and borrows.
pub mod userdata {
    pub use crate::api::{
        AnyUserData, MetaMethod, UserData, UserDataFields, UserDataMethods, UserDataRef,
        UserDataRefMut, UserDataRegistry,
    };
}
/// [`Scope`] for non-`'static` callbacks and userdata.
pub mod scope {
    pub use crate::api::Scope;
}
pub use syntax::file_text as file_chunk;
pub use vm::host::{Clock, FixedClock, SystemClock};

/// Compiles `src` and returns each function's static cost analysis as text (what
/// `mani --analyze` prints), or the syntax error.
///
/// ```
/// let report = mani::analyze_source(b"local x = 1 return x", "t.lua", &Default::default()).unwrap();
/// assert!(report.starts_with("main chunk:"));
/// ```
pub fn analyze_source(
    src: &[u8],
    chunkname: &str,
    model: &meter::CostModel,
) -> std::result::Result<String, String> {
    let ast = syntax::parse(src, chunkname).map_err(|e| e.message)?;
    let proto = compiler::compile(&ast, chunkname).map_err(|e| e.message)?;
    Ok(meter::analysis_report(&meter::analyze(&proto, model)))
}

/// The bytecode listing of a chunk, for debugging the compiler.
#[doc(hidden)]
pub fn bytecode_listing(src: &[u8], chunkname: &str) -> std::result::Result<String, String> {
    let ast = syntax::parse(src, chunkname).map_err(|e| e.message)?;
    let proto = compiler::compile(&ast, chunkname).map_err(|e| e.message)?;
    let mut out = String::new();
    bytecode::listing(&proto, 0, &mut out);
    Ok(out)
}

/// The README's examples, run as doctests so they stay true.
#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
