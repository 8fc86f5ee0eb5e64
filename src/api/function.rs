//! [`Function`] handles and [`Chunk`]s of source to load.

use super::multi::{ValBuf, ValIter};
use super::value::Ref;
use super::{Error, FromLuaMulti, IntoLuaMulti, Lua, Result, Table, Value};
use crate::value::Value as Raw;
use std::borrow::Cow;

/// A handle to a Lua function (Lua or Rust).
///
/// ```
/// let lua = mani::Lua::new();
/// let f: mani::Function = lua.load("function(a, b) return a .. b, #a end").eval().unwrap();
/// let (s, n): (String, i64) = f.call(("ab", "cd")).unwrap();
/// assert_eq!((s.as_str(), n), ("abcd", 2));
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Function(pub(crate) Ref);

impl Function {
    /// Calls the function. Arguments convert with [`IntoLuaMulti`], results with
    /// [`FromLuaMulti`] (missing results are `nil`). Runs under the State's budget,
    /// step limit and memory quota; a limit ends it with its error.
    #[inline]
    pub fn call<R: FromLuaMulti>(&self, args: impl IntoLuaMulti) -> Result<R> {
        self.call_typed(args)
    }

    #[inline]
    fn call_typed<A: IntoLuaMulti, R: FromLuaMulti>(&self, args: A) -> Result<R> {
        let lua = self.0.lua();
        if A::DIRECT && R::DIRECT {
            return lua.call_direct(self.0.idx, args);
        }
        let mut buf = ValBuf::new();
        args.push_into(lua, &mut buf)?;
        let mut out = ValBuf::new();
        lua.call_into(self.0.idx, &mut buf, &mut out)?;
        let r = R::from_buf(&mut ValIter(out.0.drain(..)), lua);
        r
    }

    /// Dumps a Lua function as a binary chunk (what `string.dump` returns), which
    /// [`Lua::load`] and Lua's `load` accept; `strip` leaves out debug information.
    /// A Rust function has no chunk: the result is empty.
    ///
    /// ```
    /// let lua = mani::Lua::new();
    /// let f: mani::Function = lua.load("function(x) return x * 2 end").eval().unwrap();
    /// let g = lua.load(f.dump(true)).into_function().unwrap();
    /// assert_eq!(g.call::<i64>(21).unwrap(), 42);
    /// ```
    pub fn dump(&self, strip: bool) -> Vec<u8> {
        let _g = self.0.lua.s.lock();
        match self.0.raw() {
            Raw::LuaFn(cl) => {
                crate::bytecode::dump(&cl.get().p.get().proto, strip).unwrap_or_default()
            }
            _ => Vec::new(),
        }
    }

    /// The function's `_ENV` table, for a Lua function whose first upvalue is a table.
    pub fn environment(&self) -> Option<Table> {
        let _g = self.0.lua.s.lock();
        match self.0.raw() {
            Raw::LuaFn(cl) => {
                let uv = *cl.upvals.first()?;
                let v = uv.closed_value()?;
                match v {
                    Raw::Table(_) => Some(Table(Ref::new(&self.0.lua.s, v))),
                    _ => None,
                }
            }
            _ => None,
        }
    }
}

/// Sources [`Lua::load`] accepts: strings and bytes of Lua source, or a file path
/// (read by the host, named `@path`).
pub trait AsChunk {
    /// The chunk name, if the source has one (files: `@path`).
    fn name(&self) -> Option<String> {
        None
    }
    /// The source bytes.
    fn source<'a>(&self) -> std::io::Result<Cow<'a, [u8]>>
    where
        Self: 'a;
}

impl AsChunk for &str {
    fn source<'a>(&self) -> std::io::Result<Cow<'a, [u8]>>
    where
        Self: 'a,
    {
        Ok(Cow::Owned(self.as_bytes().to_vec()))
    }
}

impl AsChunk for String {
    fn source<'a>(&self) -> std::io::Result<Cow<'a, [u8]>> {
        Ok(Cow::Owned(self.as_bytes().to_vec()))
    }
}

impl AsChunk for &String {
    fn source<'a>(&self) -> std::io::Result<Cow<'a, [u8]>>
    where
        Self: 'a,
    {
        Ok(Cow::Owned(self.as_bytes().to_vec()))
    }
}

impl AsChunk for &[u8] {
    fn source<'a>(&self) -> std::io::Result<Cow<'a, [u8]>>
    where
        Self: 'a,
    {
        Ok(Cow::Owned(self.to_vec()))
    }
}

impl<const N: usize> AsChunk for &[u8; N] {
    fn source<'a>(&self) -> std::io::Result<Cow<'a, [u8]>>
    where
        Self: 'a,
    {
        Ok(Cow::Owned(self.to_vec()))
    }
}

impl AsChunk for Vec<u8> {
    fn source<'a>(&self) -> std::io::Result<Cow<'a, [u8]>> {
        Ok(Cow::Owned(self.clone()))
    }
}

impl AsChunk for &std::path::Path {
    fn name(&self) -> Option<String> {
        Some(format!("@{}", self.display()))
    }
    fn source<'a>(&self) -> std::io::Result<Cow<'a, [u8]>>
    where
        Self: 'a,
    {
        std::fs::read(self).map(Cow::Owned)
    }
}

impl AsChunk for std::path::PathBuf {
    fn name(&self) -> Option<String> {
        Some(format!("@{}", self.display()))
    }
    fn source<'a>(&self) -> std::io::Result<Cow<'a, [u8]>> {
        std::fs::read(self).map(Cow::Owned)
    }
}

/// A chunk of Lua source prepared by [`Lua::load`]: name it, give it an
/// environment, then run or compile it.
///
/// Names follow Lua's conventions: `@file` shows as `file`, `=name` as `name`, and
/// anything else as `[string "..."]`; the default is `@file:line` of the Rust code
/// that called `load`, as in mlua.
pub struct Chunk<'a> {
    lua: Lua,
    source: std::io::Result<Cow<'a, [u8]>>,
    name: String,
    env: Option<Table>,
}

impl<'a> Chunk<'a> {
    #[track_caller]
    pub(crate) fn new(lua: &Lua, chunk: impl AsChunk + 'a) -> Chunk<'a> {
        let loc = std::panic::Location::caller();
        Chunk {
            lua: Lua::uncounted(lua.s.clone()),
            name: chunk
                .name()
                .unwrap_or_else(|| format!("@{}:{}", loc.file(), loc.line())),
            source: chunk.source(),
            env: None,
        }
    }

    /// Sets the chunk name used in error messages and tracebacks.
    pub fn set_name(mut self, name: impl Into<String>) -> Self {
        self.name = name.into();
        self
    }

    /// The chunk name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Runs the chunk with `env` as its `_ENV` instead of the globals.
    pub fn set_environment(mut self, env: Table) -> Self {
        self.env = Some(env);
        self
    }

    /// Runs the chunk, discarding its results.
    pub fn exec(self) -> Result<()> {
        self.call(())
    }

    /// Evaluates the chunk: as an expression if it parses as one (`1 + 1`), else as
    /// a block; returns its results.
    pub fn eval<R: FromLuaMulti>(self) -> Result<R> {
        let src = self.source_bytes()?;
        let mut expr = b"return ".to_vec();
        expr.extend_from_slice(&src);
        if let Ok(f) = self.compile(&expr) {
            return f.call(());
        }
        self.call(())
    }

    /// Loads the chunk and calls it with `args`.
    pub fn call<R: FromLuaMulti>(self, args: impl IntoLuaMulti) -> Result<R> {
        self.into_function()?.call(args)
    }

    /// Compiles the chunk (through the bytecode verifier) without running it.
    pub fn into_function(self) -> Result<Function> {
        let src = self.source_bytes()?;
        self.compile(&src)
    }

    /// The source, or the error reading it (a file that could not be read).
    fn source_bytes(&self) -> Result<Cow<'a, [u8]>> {
        match &self.source {
            Ok(s) => Ok(s.clone()),
            Err(e) => Err(Error::external(std::io::Error::new(
                e.kind(),
                e.to_string(),
            ))),
        }
    }

    fn compile(&self, src: &[u8]) -> Result<Function> {
        let name = &self.name;
        let lua = &self.lua;
        let env = match &self.env {
            Some(t) => Some(t.0.raw_in(&lua.s)?),
            None => None,
        };
        let f = lua.with(|vm| {
            let env = env.unwrap_or(Raw::Table(vm.globals));
            vm.load_with_env(src, name, env)
        });
        match f {
            Ok(Ok(f)) => Ok(Function(Ref::new(&lua.s, f))),
            Ok(Err(message)) => Err(Error::syntax(message)),
            Err(e) => Err(lua.with(|vm| lua.convert_error(vm, e))),
        }
    }
}

impl super::IntoLua for Chunk<'_> {
    /// The compiled chunk as a function.
    fn into_lua(self, _: &Lua) -> Result<Value> {
        Ok(Value::Function(self.into_function()?))
    }
}
