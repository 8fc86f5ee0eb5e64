//! The embedding API: mlua 0.12's shape (the Lua 5.4 flavour), made sound, plus
//! mani's metering.
//!
//! Everything here is re-exported at the crate root; see the crate docs for a guide.
//! Internals stay behind it: a handle is a rooted slot checked against its State,
//! and every access to a State goes through its lock (`state.rs`).

mod async_fn;
pub(crate) mod callback;
mod cell;
mod conv;
mod error;
mod function;
mod lua;
mod multi;
mod object;
pub mod prelude;
mod program;
mod registry;
mod scope;
pub(crate) mod state;
mod string;
mod table;
mod task;
mod thread;
pub(crate) mod userdata;
mod value;

pub use async_fn::AsyncCallFuture;
pub use conv::{FromLua, IntoLua};
pub use error::{Error, ErrorContext, ExternalError, ExternalResult, Result};
pub use function::{AsChunk, Chunk, Function};
pub use lua::{Lua, LuaOptions, Run, StdLib};
pub use multi::{FromLuaMulti, IntoLuaMulti, MultiValue, Variadic};
pub use object::ObjectLike;
pub use program::{Engine, Program};
pub use registry::{AppDataRef, AppDataRefMut, RegistryKey};
pub use scope::Scope;
pub use string::{BorrowedBytes, BorrowedStr, LuaString};
pub use table::{Table, TablePairs, TableSequence};
pub use task::{Task, TaskState};
pub use thread::{Thread, ThreadStatus};
pub use userdata::{
    AnyUserData, MetaMethod, UserData, UserDataFields, UserDataMethods, UserDataRef,
    UserDataRefMut, UserDataRegistry,
};
pub use value::{LightUserData, Nil, Value};

#[doc(hidden)]
pub use conv::{RawArg, VmCx};
#[doc(hidden)]
pub use multi::{RawArgs, RawBuf, RawResults, ValBuf, ValIter};

/// Lua's integer type.
pub type Integer = i64;
/// Lua's float type.
pub type Number = f64;
