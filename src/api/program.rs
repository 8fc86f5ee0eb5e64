//! Compile once, run many: [`Engine`] compiles source into a [`Program`] that any
//! number of States load without parsing it again.

use super::value::Ref;
use super::{Error, Function, Lua, Result, Table};
use crate::bytecode::Proto;
use crate::value::Value as Raw;
use std::sync::Arc;

/// Compiles scripts into [`Program`]s and creates the States they run in.
///
/// ```
/// use mani::Engine;
/// let engine = Engine::new();
/// let program = engine.compile("return 6 * 7", "=answer").unwrap();
/// // Compiled once, loaded into any number of States (on any thread).
/// for _ in 0..3 {
///     let lua = engine.new_state();
///     let f = lua.load_program(&program).unwrap();
///     assert_eq!(f.call::<i64>(()).unwrap(), 42);
/// }
/// ```
#[derive(Clone, Debug, Default)]
pub struct Engine {}

impl Engine {
    /// An engine with the default (sandbox) State profile.
    pub fn new() -> Engine {
        Engine {}
    }

    /// Parses, compiles and verifies `src`. `name` follows chunk-name conventions
    /// (`@file`, `=name`, or anything else shown as `[string "..."]`).
    ///
    /// ```
    /// let err = mani::Engine::new().compile("x = = 1", "=bad").unwrap_err();
    /// assert!(matches!(err, mani::Error::SyntaxError { .. }));
    /// ```
    pub fn compile(&self, src: impl AsRef<[u8]>, name: &str) -> Result<Program> {
        match crate::vm::compile_chunk(src.as_ref(), name, usize::MAX) {
            Ok(proto) => Ok(Program { proto }),
            Err(crate::vm::LoadError::Syntax(message)) => Err(Error::syntax(message)),
            Err(crate::vm::LoadError::Memory) => {
                Err(Error::MemoryError("not enough memory".into()))
            }
        }
    }

    /// A new State of this engine's profile (the sandbox profile, as [`Lua::new`]).
    ///
    /// The standard library is not installed again: it is built once per process
    /// (for each library selection) into a shared image whose strings and
    /// functions every State uses read-only; a new State only copies the library
    /// tables (a few microseconds and under 8 KiB; see `benches/state.rs`).
    pub fn new_state(&self) -> Lua {
        Lua::new()
    }
}

/// A compiled, verified chunk: immutable, `Send + Sync` and cheap to clone (one
/// reference count). Load it into a State with [`Lua::load_program`].
#[derive(Clone, Debug)]
pub struct Program {
    proto: Arc<Proto>,
}

impl Program {
    /// The chunk name shown in messages.
    pub fn name(&self) -> &str {
        &self.proto.source
    }
}

impl Lua {
    /// The main function of `program` in this State, with `_ENV` the globals. No
    /// parsing or verification happens here: that was done once by
    /// [`Engine::compile`].
    pub fn load_program(&self, program: &Program) -> Result<Function> {
        self.load_program_in(program, None)
    }

    /// Like [`load_program`](Self::load_program) with `env` as `_ENV`.
    pub fn load_program_with_env(&self, program: &Program, env: &Table) -> Result<Function> {
        self.load_program_in(program, Some(env))
    }

    fn load_program_in(&self, program: &Program, env: Option<&Table>) -> Result<Function> {
        let env = match env {
            Some(t) => Some(t.0.raw_in(&self.s)?),
            None => None,
        };
        let f = self.with(|vm| {
            let env = env.unwrap_or(Raw::Table(vm.globals));
            vm.load_proto(&program.proto, env)
        });
        Ok(Function(Ref::new(&self.s, f)))
    }
}

const _: () = {
    fn is_send_sync<T: Send + Sync>() {}
    #[allow(dead_code)]
    fn check() {
        is_send_sync::<Program>();
        is_send_sync::<Engine>();
    }
};
