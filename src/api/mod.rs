//! The embedding API: a [`Lua`] state with the standard libraries.

use crate::meter::{CostModel, Limit, Policy};
use crate::value::Value;
use crate::vm::metering::CallState;
use crate::vm::{LuaError, Vm};

/// An error returned to the host.
#[derive(Debug, Clone)]
pub enum Error {
    /// The source did not compile (message like `chunk:line: ... near 'x'`).
    Syntax(String),
    /// A runtime error escaped the script; `message` is the error value as text.
    Runtime { message: String, traceback: String },
    /// A limit stopped the script (`pcall` cannot catch these); `message` says which
    /// and where (`chunk:line: budget exhausted`).
    Limit {
        limit: Limit,
        message: String,
        traceback: String,
    },
    /// The call paused under [`Policy::Pause`]: use [`Lua::start`]/[`Lua::resume`]
    /// to drive pausable calls (or [`Lua::cancel`] to drop this one).
    Paused,
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Error::Syntax(m) => write!(f, "{m}"),
            Error::Runtime { message, .. } | Error::Limit { message, .. } => {
                write!(f, "{message}")
            }
            Error::Paused => write!(f, "call paused (budget exhausted under the Pause policy)"),
        }
    }
}

impl std::error::Error for Error {}

/// How a pausable call ended: see [`Lua::start`].
#[derive(Debug, Clone)]
pub enum Run {
    /// Finished with these results.
    Done(Vec<Value>),
    /// Out of budget under [`Policy::Pause`]: add budget and [`Lua::resume`].
    Paused,
}

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

    /// Sets the budget left for running code, in cost units (`None`: unlimited).
    /// Costs come from the [`CostModel`]; a budget of N allows exactly N units.
    ///
    /// ```
    /// let mut lua = mani::Lua::new();
    /// lua.set_budget(Some(1_000));
    /// let err = lua.exec(b"while true do end", "spin").unwrap_err();
    /// assert!(err.to_string().contains("budget exhausted"));
    /// lua.set_budget(None); // the State is still usable
    /// assert_eq!(lua.eval_int(b"return 7", "t").unwrap(), 7);
    /// ```
    pub fn set_budget(&mut self, units: Option<u64>) {
        self.vm.meter.set_budget(units);
    }

    /// Adds units to the budget left (a paused call continues with them).
    pub fn add_budget(&mut self, units: u64) {
        self.vm.meter.add_budget(units);
    }

    /// What running out of budget does: end the call with an error, or pause it.
    pub fn set_policy(&mut self, policy: Policy) {
        self.vm.meter.policy = policy;
    }

    /// Limits the instructions executed from now on (`None`: no limit). Reaching the
    /// limit ends the call with `step limit reached`, whatever the cost model says.
    pub fn set_step_limit(&mut self, steps: Option<u64>) {
        self.vm.meter.set_steps(steps);
    }

    /// Caps the bytes the State's heap may hold (strings, tables, functions,
    /// coroutines and stacks). Exceeding it ends the call with `not enough memory`.
    ///
    /// ```
    /// let mut lua = mani::Lua::new();
    /// lua.set_memory_limit(Some(4 << 20));
    /// let err = lua.exec(b"local t = {} while true do t[#t+1] = {} end", "bomb").unwrap_err();
    /// assert!(err.to_string().contains("not enough memory"));
    /// ```
    pub fn set_memory_limit(&mut self, bytes: Option<usize>) {
        self.vm.heap.set_limit(bytes);
    }

    /// Replaces the cost model; it applies to code loaded afterwards.
    pub fn set_cost_model(&mut self, model: CostModel) {
        self.vm.cost_model = model;
    }

    /// Switches metering off (or back on): unmetered runs ignore budgets and step
    /// limits and run the interpreter loop without charging.
    pub fn set_metering(&mut self, on: bool) {
        self.vm.meter.enabled = on;
    }

    /// Total cost units charged in this State so far.
    pub fn cost(&self) -> u64 {
        self.vm.meter.used()
    }

    /// Instructions executed (as charged) in this State so far.
    pub fn steps(&self) -> u64 {
        self.vm.meter.steps_used()
    }

    /// Turns the per-line cost profile on (it covers code loaded afterwards too).
    pub fn enable_profile(&mut self) {
        self.vm.profile.get_or_insert_with(Default::default);
    }

    /// The cost profile collected so far, if enabled.
    pub fn profile(&self) -> Option<&crate::meter::Profile> {
        self.vm.profile.as_deref()
    }

    /// Compiles a chunk and starts running it as a pausable call.
    ///
    /// ```
    /// use mani::{Lua, Run, meter::Policy};
    /// let mut lua = Lua::new();
    /// lua.set_policy(Policy::Pause);
    /// lua.set_budget(Some(100));
    /// let mut slices = 1;
    /// let mut run = lua.start(b"local s = 0 for i = 1, 1000 do s = s + i end return s", "t").unwrap();
    /// while let Run::Paused = run {
    ///     lua.add_budget(100);
    ///     slices += 1;
    ///     run = lua.resume().unwrap();
    /// }
    /// let Run::Done(v) = run else { unreachable!() };
    /// assert!(matches!(v[0], mani::value::Value::Int(500500)));
    /// assert!(slices > 10);
    /// ```
    pub fn start(&mut self, src: &[u8], chunkname: &str) -> Result<Run, Error> {
        let f = self.vm.load(src, chunkname).map_err(Error::Syntax)?;
        self.start_call(f, &[])
    }

    /// Starts a pausable call of a function value.
    pub fn start_call(&mut self, f: Value, args: &[Value]) -> Result<Run, Error> {
        self.vm.last_traceback = None;
        self.vm.limit_where = None;
        let r = self.vm.start_call(f, args);
        self.run_result(r)
    }

    /// Continues a paused call with the budget now available.
    pub fn resume(&mut self) -> Result<Run, Error> {
        let r = self.vm.resume_call();
        self.run_result(r)
    }

    /// True while a call is paused.
    pub fn is_paused(&self) -> bool {
        self.vm.is_paused()
    }

    /// Drops a paused call (its frames are discarded; no `__close` handlers run).
    pub fn cancel(&mut self) {
        self.vm.cancel_call();
    }

    fn run_result(&mut self, r: Result<CallState, LuaError>) -> Result<Run, Error> {
        match r {
            Ok(CallState::Done(v)) => Ok(Run::Done(v)),
            Ok(CallState::Paused) => Ok(Run::Paused),
            Err(e) => Err(self.runtime_error(e)),
        }
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
    ///
    /// Under [`Policy::Pause`], a call that runs out of budget returns
    /// [`Error::Paused`] and stays paused for [`Lua::resume`].
    pub fn call(&mut self, f: Value, args: &[Value]) -> Result<Vec<Value>, Error> {
        match self.start_call(f, args)? {
            Run::Done(v) => Ok(v),
            Run::Paused => Err(Error::Paused),
        }
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
        if let LuaError::Limit(limit) = e {
            let pos = self.vm.limit_where.take().unwrap_or_default();
            if limit == Limit::Memory {
                // The run is over: what it left unreachable can go now.
                let _ = self.vm.collect_garbage();
            }
            return Error::Limit {
                limit,
                message: format!("{pos}{}", limit.message()),
                traceback: self.vm.last_traceback.take().unwrap_or_default(),
            };
        }
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
