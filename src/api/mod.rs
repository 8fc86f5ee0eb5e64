//! The embedding API: a [`Lua`] state with the standard libraries.

use crate::value::Value;
use crate::vm::{LuaError, Vm};

/// An error returned to the host.
#[derive(Debug, Clone)]
pub enum Error {
    /// The source did not compile (message like `chunk:line: ... near 'x'`).
    Syntax(String),
    /// A runtime error escaped the script; `message` is the error value as text.
    Runtime { message: String, traceback: String },
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Error::Syntax(m) => write!(f, "{m}"),
            Error::Runtime { message, .. } => write!(f, "{message}"),
        }
    }
}

impl std::error::Error for Error {}

/// A Lua state with the standard libraries loaded.
///
/// ```
/// let mut lua = mani::Lua::new();
/// assert_eq!(lua.eval_int(b"return 1 << 10", "t").unwrap(), 1024);
/// ```
pub struct Lua {
    pub vm: Vm,
}

impl Default for Lua {
    fn default() -> Self {
        Self::new()
    }
}

impl Lua {
    /// A sandboxed state, the default for embedding: no file or process access, and
    /// `os.time`/`os.clock`/`os.date` read a fixed virtual clock (see [`Lua::set_clock`]).
    pub fn new() -> Self {
        let mut vm = Vm::new();
        crate::stdlib::open_sandbox(&mut vm);
        Lua { vm }
    }

    /// A trusted state with every library (`io`, all of `os`, `require`, `dofile`)
    /// and the real clock, as the command line uses.
    ///
    /// ```
    /// let mut lua = mani::Lua::new_trusted();
    /// assert_eq!(lua.eval_int(b"return type(io.write) == 'function' and 1 or 0", "t").unwrap(), 1);
    /// ```
    pub fn new_trusted() -> Self {
        let mut vm = Vm::new();
        vm.clock = Box::new(crate::vm::host::SystemClock::default());
        // A trusted host gets lua's practical string sizes, not the sandbox cap.
        vm.max_string = crate::vm::host::TRUSTED_MAX_STRING;
        crate::stdlib::open_all(&mut vm);
        Lua { vm }
    }

    /// Replaces the clock behind `os.time`, `os.clock` and `os.date`.
    ///
    /// ```
    /// let mut lua = mani::Lua::new();
    /// lua.set_clock(Box::new(mani::vm::host::FixedClock { time: 86_400, cpu: 0.0 }));
    /// assert_eq!(lua.eval_int(b"return os.time()", "t").unwrap(), 86_400);
    /// ```
    pub fn set_clock(&mut self, clock: Box<dyn crate::vm::host::Clock>) {
        self.vm.clock = clock;
    }

    /// Sets the largest string a script may build, in bytes.
    pub fn set_max_string(&mut self, bytes: usize) {
        self.vm.max_string = bytes;
    }

    /// Compiles and runs a chunk, discarding its results.
    pub fn exec(&mut self, src: &[u8], chunkname: &str) -> Result<(), Error> {
        self.eval(src, chunkname).map(|_| ())
    }

    /// Compiles and runs a chunk, returning its results.
    ///
    /// Returned values that refer to heap objects (strings, tables, functions) are not
    /// rooted: use them before the next call into this State, which may collect them.
    /// Rooted handles are planned for the embedding API.
    pub fn eval(&mut self, src: &[u8], chunkname: &str) -> Result<Vec<Value>, Error> {
        let f = self.vm.load(src, chunkname).map_err(Error::Syntax)?;
        self.call(f, &[])
    }

    /// Calls a function value.
    pub fn call(&mut self, f: Value, args: &[Value]) -> Result<Vec<Value>, Error> {
        self.vm.last_traceback = None;
        self.vm.call(f, args).map_err(|e| self.runtime_error(e))
    }

    /// Runs a chunk that returns one integer.
    pub fn eval_int(&mut self, src: &[u8], chunkname: &str) -> Result<i64, Error> {
        let r = self.eval(src, chunkname)?;
        match r.first() {
            Some(Value::Int(i)) => Ok(*i),
            other => Err(Error::Runtime {
                message: format!("expected an integer result, got {:?}", other),
                traceback: String::new(),
            }),
        }
    }

    /// Converts a VM error into a host error with the message text.
    pub fn runtime_error(&mut self, e: LuaError) -> Error {
        let v = self.vm.error_value(e);
        let message = match v {
            Value::Str(s) => String::from_utf8_lossy(s.as_bytes()).into_owned(),
            Value::Int(_) | Value::Num(_) => {
                let mut b = Vec::new();
                self.vm.append_strnum(&mut b, v);
                String::from_utf8_lossy(&b).into_owned()
            }
            _ => {
                let tm = self.vm.metamethod(v, crate::vm::Tm::ToString);
                if tm.is_nil() {
                    format!("(error object is a {} value)", v.type_name())
                } else {
                    match self.vm.tostring(v) {
                        Ok(Value::Str(s)) => String::from_utf8_lossy(s.as_bytes()).into_owned(),
                        _ => format!("(error object is a {} value)", v.type_name()),
                    }
                }
            }
        };
        Error::Runtime {
            message,
            traceback: self.vm.last_traceback.take().unwrap_or_default(),
        }
    }
}
