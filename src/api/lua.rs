//! [`Lua`]: a State, its standard libraries, and the host's entry points.

use super::state::{self, Shared};
use super::value::{into_raw, to_public, Ref};
use super::{
    AnyUserData, Chunk, Error, FromLua, FromLuaMulti, Function, IntoLua, IntoLuaMulti, LuaString,
    MultiValue, Result, Table, Thread, UserData, Value,
};
use crate::meter::{CostModel, Limit, Policy};
use crate::value::Value as Raw;
use crate::vm::{LuaError, Vm};
use std::sync::Arc;

/// The standard libraries a State can get ([`Lua::new_with`]).
///
/// ```
/// use mani::{Lua, LuaOptions, StdLib};
/// let lua = Lua::new_with(StdLib::MATH | StdLib::STRING, LuaOptions::default()).unwrap();
/// assert!(lua.globals().contains_key("math").unwrap());
/// assert!(!lua.globals().contains_key("io").unwrap());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct StdLib(u32);

impl StdLib {
    /// `coroutine`
    pub const COROUTINE: StdLib = StdLib(1);
    /// `table`
    pub const TABLE: StdLib = StdLib(1 << 1);
    /// `io` (files and processes: trusted hosts only)
    pub const IO: StdLib = StdLib(1 << 2);
    /// `os`: the whole library; without it a State still gets the clock functions
    /// (`time`, `clock`, `date`, `difftime`) reading the host clock.
    pub const OS: StdLib = StdLib(1 << 3);
    /// `string`
    pub const STRING: StdLib = StdLib(1 << 4);
    /// `utf8`
    pub const UTF8: StdLib = StdLib(1 << 5);
    /// `math`
    pub const MATH: StdLib = StdLib(1 << 6);
    /// `package`, `require`, `dofile`, `loadfile` (file access: trusted hosts only)
    pub const PACKAGE: StdLib = StdLib(1 << 7);
    /// `debug`: the whole library (locals, upvalues, metatables of any type, the
    /// registry: trusted hosts only). Without it a State still gets the read-only
    /// `debug.traceback` and `debug.getinfo`.
    pub const DEBUG: StdLib = StdLib(1 << 8);
    /// Every library that touches nothing outside the State (mani's sandbox).
    pub const ALL_SAFE: StdLib = StdLib(1 | 1 << 1 | 1 << 4 | 1 << 5 | 1 << 6);
    /// Every library.
    pub const ALL: StdLib = StdLib(0x1ff);
    /// No library but the basic one.
    pub const NONE: StdLib = StdLib(0);

    /// True if every library of `other` is in `self`.
    pub fn contains(self, other: StdLib) -> bool {
        self.0 & other.0 == other.0
    }
}

impl std::ops::BitOr for StdLib {
    type Output = StdLib;
    fn bitor(self, rhs: StdLib) -> StdLib {
        StdLib(self.0 | rhs.0)
    }
}

impl std::ops::BitOrAssign for StdLib {
    fn bitor_assign(&mut self, rhs: StdLib) {
        self.0 |= rhs.0;
    }
}

/// Options for [`Lua::new_with`] (none yet; kept for mlua's signature).
#[derive(Clone, Debug, Default)]
#[non_exhaustive]
pub struct LuaOptions {}

impl LuaOptions {
    /// The default options.
    pub fn new() -> Self {
        Self::default()
    }
}

/// How a pausable call ended: see [`Lua::start_call`].
#[derive(Debug, Clone)]
pub enum Run {
    /// Finished with these results.
    Done(MultiValue),
    /// Out of budget under [`Policy::Pause`]: add budget and [`Lua::resume`].
    Paused,
}

/// A Lua State with its standard libraries: the embedding API's entry point,
/// shaped like mlua's.
///
/// `Lua` is cheap to clone (clones share the State) and `Send + Sync`: every access
/// takes the State's lock, so closures and userdata stored in it must be `Send`. The
/// State closes (running pending `__gc` finalizers) when the last `Lua` is dropped;
/// handles that outlive it panic when used.
///
/// Unlike mlua, [`Lua::new`] is the sandbox profile; see [`Lua::new_trusted`] and
/// [`Lua::new_with`].
///
/// ```
/// use mani::Lua;
/// let lua = Lua::new();
/// let add = lua.create_function(|_, (a, b): (i64, i64)| Ok(a + b)).unwrap();
/// lua.globals().set("add", add).unwrap();
/// assert_eq!(lua.load("add(2, 3) * 2").eval::<i64>().unwrap(), 10);
/// ```
pub struct Lua {
    pub(crate) s: Arc<Shared>,
    counted: bool,
}

impl Clone for Lua {
    fn clone(&self) -> Lua {
        Lua::counted_clone(&self.s)
    }
}

impl Drop for Lua {
    fn drop(&mut self) {
        if self.counted {
            state::remove_owner(&self.s);
        }
    }
}

impl Default for Lua {
    fn default() -> Self {
        Self::new()
    }
}

impl std::fmt::Debug for Lua {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Lua({:p})", Arc::as_ptr(&self.s))
    }
}

impl Lua {
    pub(crate) fn counted(s: Arc<Shared>) -> Lua {
        Lua { s, counted: true }
    }

    pub(crate) fn uncounted(s: Arc<Shared>) -> Lua {
        Lua { s, counted: false }
    }

    pub(crate) fn counted_clone(s: &Arc<Shared>) -> Lua {
        state::add_owner(s);
        Lua::counted(s.clone())
    }

    /// A sandboxed State, the default for embedding: the basic library without
    /// `dofile`, `loadfile` and `require`, plus `string`, `table`, `math`, `utf8`,
    /// `coroutine`, and `os.time`/`clock`/`date`/`difftime` on a fixed virtual clock
    /// (see [`Lua::set_clock`]). Output of `print` goes to standard output (see
    /// [`Lua::set_output`]).
    pub fn new() -> Lua {
        // The libraries come from the process's shared image (built on first use).
        state::new_state(crate::stdlib::image::new_state(StdLib::ALL_SAFE.0))
    }

    /// A trusted State with every library (`io`, all of `os`, `require`, `dofile`)
    /// and the real clock, as the command line uses (mlua's `Lua::new`).
    ///
    /// ```
    /// let lua = mani::Lua::new_trusted();
    /// assert!(lua.globals().contains_key("io").unwrap());
    /// ```
    pub fn new_trusted() -> Lua {
        Self::new_with(StdLib::ALL, LuaOptions::default()).expect("all libraries")
    }

    /// A State with the chosen libraries. `IO`, `OS` or `PACKAGE` make it a trusted
    /// State (real clock, lua's string sizes).
    pub fn new_with(libs: StdLib, _options: LuaOptions) -> Result<Lua> {
        let mut vm = crate::stdlib::image::new_state(libs.0);
        let trusted = libs.contains(StdLib::IO)
            || libs.contains(StdLib::OS)
            || libs.contains(StdLib::PACKAGE)
            || libs.contains(StdLib::DEBUG);
        if trusted {
            vm.clock = Box::new(crate::vm::host::SystemClock::default());
            vm.max_string = crate::vm::host::TRUSTED_MAX_STRING;
        }
        Ok(state::new_state(vm))
    }

    /// Runs `f` with the `Vm` (an access; see `state`).
    #[inline]
    pub(crate) fn with<R>(&self, f: impl FnOnce(&mut Vm) -> R) -> R {
        state::with_vm(&self.s, f)
    }

    /// The global environment table.
    pub fn globals(&self) -> Table {
        let g = self.with(|vm| vm.globals);
        Table(Ref::new(&self.s, Raw::Table(g)))
    }

    /// Prepares a chunk of Lua source (or a bare expression, for [`Chunk::eval`]).
    ///
    /// ```
    /// let lua = mani::Lua::new();
    /// lua.load("x = 6 * 7").set_name("example").exec().unwrap();
    /// assert_eq!(lua.globals().get::<i64>("x").unwrap(), 42);
    /// ```
    #[track_caller]
    pub fn load<'a>(&self, chunk: impl super::AsChunk + 'a) -> Chunk<'a> {
        Chunk::new(self, chunk)
    }

    /// A new empty table.
    pub fn create_table(&self) -> Result<Table> {
        self.create_table_with_capacity(0, 0)
    }

    /// A new table with room for `narr` array and `nrec` hash entries.
    pub fn create_table_with_capacity(&self, narr: usize, nrec: usize) -> Result<Table> {
        let t = self.with(|vm| {
            let bytes = (narr + nrec).saturating_mul(16);
            vm.check_alloc(bytes)
                .map_err(|e| self.convert_error(vm, e))?;
            Ok::<_, Error>(vm.new_table(narr, nrec))
        })?;
        Ok(Table(Ref::new(&self.s, Raw::Table(t))))
    }

    /// A table from key-value pairs.
    ///
    /// ```
    /// let lua = mani::Lua::new();
    /// let t = lua.create_table_from([("a", 1), ("b", 2)]).unwrap();
    /// assert_eq!(t.get::<i64>("b").unwrap(), 2);
    /// ```
    pub fn create_table_from<K: IntoLua, V: IntoLua>(
        &self,
        iter: impl IntoIterator<Item = (K, V)>,
    ) -> Result<Table> {
        let t = self.create_table()?;
        for (k, v) in iter {
            t.raw_set(k, v)?;
        }
        Ok(t)
    }

    /// A sequence table `{v1, v2, ...}`.
    pub fn create_sequence_from<T: IntoLua>(
        &self,
        iter: impl IntoIterator<Item = T>,
    ) -> Result<Table> {
        let t = self.create_table()?;
        for (i, v) in iter.into_iter().enumerate() {
            t.raw_set(i as i64 + 1, v)?;
        }
        Ok(t)
    }

    /// A Lua string (any bytes).
    pub fn create_string(&self, s: impl AsRef<[u8]>) -> Result<LuaString> {
        let b = s.as_ref();
        let v = self.with(|vm| {
            if b.len() > vm.max_string {
                return Err(Error::MemoryError("string length overflow".into()));
            }
            vm.check_alloc(b.len())
                .map_err(|e| self.convert_error(vm, e))?;
            Ok(vm.new_str(b))
        })?;
        Ok(LuaString(Ref::new(&self.s, v)))
    }

    /// Wraps a Rust closure as a Lua function. Arguments convert with
    /// [`FromLuaMulti`], results with [`IntoLuaMulti`]; an `Err` becomes a Lua error
    /// (`pcall` catches it, and the host sees [`Error::CallbackError`]).
    pub fn create_function<F, A, R>(&self, func: F) -> Result<Function>
    where
        F: Fn(&Lua, A) -> Result<R> + Send + 'static,
        A: FromLuaMulti,
        R: IntoLuaMulti,
    {
        let host = super::callback::wrap(func);
        Ok(self.make_host_function(host))
    }

    /// Like [`create_function`](Self::create_function) for `FnMut` closures; a
    /// recursive call is an [`Error::RecursiveMutCallback`].
    pub fn create_function_mut<F, A, R>(&self, func: F) -> Result<Function>
    where
        F: FnMut(&Lua, A) -> Result<R> + Send + 'static,
        A: FromLuaMulti,
        R: IntoLuaMulti,
    {
        let func = std::sync::Mutex::new(func);
        self.create_function(move |lua, args| {
            let mut f = func.try_lock().map_err(|_| Error::RecursiveMutCallback)?;
            (*f)(lua, args)
        })
    }

    pub(crate) fn make_host_function(&self, host: Box<crate::value::HostFn>) -> Function {
        let f = self.with(|vm| vm.new_host(host, Vec::new()));
        Function(Ref::new(&self.s, f))
    }

    /// A userdata holding `data`; its methods and fields come from `T`'s
    /// [`UserData`] impl (one metatable per type, built on first use).
    pub fn create_userdata<T: UserData + Send + 'static>(&self, data: T) -> Result<AnyUserData> {
        super::userdata::create(self, data)
    }

    /// A coroutine that will run `func`.
    pub fn create_thread(&self, func: Function) -> Result<Thread> {
        let f = func.0.raw_in(&self.s)?;
        let t = self.with(|vm| vm.new_thread(f));
        Ok(Thread(Ref::new(&self.s, Raw::Thread(t))))
    }

    /// Converts a value with [`IntoLua`].
    pub fn pack(&self, v: impl IntoLua) -> Result<Value> {
        v.into_lua(self)
    }

    /// Converts a value with [`FromLua`].
    pub fn unpack<T: FromLua>(&self, v: Value) -> Result<T> {
        T::from_lua(v, self)
    }

    /// Converts between types through a Lua value.
    pub fn convert<U: FromLua>(&self, v: impl IntoLua) -> Result<U> {
        U::from_lua(v.into_lua(self)?, self)
    }

    /// Converts several values with [`IntoLuaMulti`].
    pub fn pack_multi(&self, v: impl IntoLuaMulti) -> Result<MultiValue> {
        v.into_lua_multi(self)
    }

    /// Converts several values with [`FromLuaMulti`].
    pub fn unpack_multi<T: FromLuaMulti>(&self, v: MultiValue) -> Result<T> {
        T::from_lua_multi(v, self)
    }

    /// Runs a full garbage collection (pending finalizers included).
    pub fn gc_collect(&self) -> Result<()> {
        self.with(|vm| vm.collect_garbage().map_err(|e| self.convert_error(vm, e)))
    }

    /// Stops automatic collection (`collectgarbage("stop")`); the memory quota still
    /// collects before it fails.
    pub fn gc_stop(&self) {
        self.with(|vm| vm.heap.running = false)
    }

    /// Restarts automatic collection.
    pub fn gc_restart(&self) {
        self.with(|vm| vm.heap.running = true)
    }

    /// True unless collection was stopped.
    pub fn gc_is_running(&self) -> bool {
        self.with(|vm| vm.heap.running)
    }

    /// Bytes held by the State's heap (what the memory quota counts).
    pub fn used_memory(&self) -> usize {
        self.with(|vm| vm.heap.bytes)
    }

    /// Caps the bytes the State's heap may hold (0: no limit); returns the previous
    /// limit (0 if none). Exceeding it ends the run with [`Error::MemoryError`]
    /// (`not enough memory`), which `pcall` cannot catch.
    ///
    /// ```
    /// let lua = mani::Lua::new();
    /// lua.set_memory_limit(4 << 20).unwrap();
    /// let err = lua.load("local t = {} while true do t[#t+1] = {} end").exec().unwrap_err();
    /// assert!(matches!(err, mani::Error::MemoryError(_)));
    /// ```
    pub fn set_memory_limit(&self, limit: usize) -> Result<usize> {
        self.with(|vm| {
            let prev = vm.heap.limit();
            vm.heap.set_limit((limit != 0).then_some(limit));
            Ok(if prev == usize::MAX { 0 } else { prev })
        })
    }

    /// Replaces where `print` and `io.write` output goes. The writer runs while the
    /// State is busy: it must not call back into this State.
    ///
    /// ```
    /// use std::sync::{Arc, Mutex};
    /// #[derive(Clone, Default)]
    /// struct Sink(Arc<Mutex<Vec<u8>>>);
    /// impl std::io::Write for Sink {
    ///     fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
    ///         self.0.lock().unwrap().extend_from_slice(b);
    ///         Ok(b.len())
    ///     }
    ///     fn flush(&mut self) -> std::io::Result<()> { Ok(()) }
    /// }
    /// let lua = mani::Lua::new();
    /// let sink = Sink::default();
    /// lua.set_output(Box::new(sink.clone()));
    /// lua.load("print('hi', 1)").exec().unwrap();
    /// assert_eq!(&*sink.0.lock().unwrap(), b"hi\t1\n");
    /// ```
    pub fn set_output(&self, out: Box<dyn std::io::Write + Send>) {
        let old = self.with(|vm| std::mem::replace(&mut vm.out, out));
        drop(old);
    }

    /// Flushes the output of `print` and `io.write`.
    pub fn flush_output(&self) -> Result<()> {
        self.with(|vm| vm.out.flush()).map_err(Error::external)
    }

    /// Replaces the clock behind `os.time`, `os.clock` and `os.date`.
    ///
    /// ```
    /// let lua = mani::Lua::new();
    /// lua.set_clock(Box::new(mani::FixedClock { time: 86_400, cpu: 0.0 }));
    /// assert_eq!(lua.load("os.time()").eval::<i64>().unwrap(), 86_400);
    /// ```
    pub fn set_clock(&self, clock: Box<dyn crate::vm::host::Clock>) {
        let old = self.with(|vm| std::mem::replace(&mut vm.clock, clock));
        drop(old);
    }

    /// Sets the largest string a script may build, in bytes.
    pub fn set_max_string(&self, bytes: usize) {
        self.with(|vm| vm.max_string = bytes)
    }

    /// Sets the budget left for running code, in cost units (`None`: unlimited).
    /// Costs come from the [`CostModel`]; a budget of N allows exactly N units.
    ///
    /// ```
    /// let lua = mani::Lua::new();
    /// lua.set_budget(Some(1_000));
    /// let err = lua.load("while true do end").exec().unwrap_err();
    /// assert!(matches!(err, mani::Error::BudgetExhausted(_)));
    /// lua.set_budget(None); // the State is still usable
    /// assert_eq!(lua.load("7").eval::<i64>().unwrap(), 7);
    /// ```
    pub fn set_budget(&self, units: Option<u64>) {
        self.with(|vm| vm.meter.set_budget(units))
    }

    /// Adds units to the budget left (a paused call continues with them).
    pub fn add_budget(&self, units: u64) {
        self.with(|vm| vm.meter.add_budget(units))
    }

    /// What running out of budget does: end the call with an error, or pause it.
    pub fn set_policy(&self, policy: Policy) {
        self.with(|vm| vm.meter.policy = policy)
    }

    /// Under [`Policy::Pause`], how far native work (a `table.sort` comparator, a
    /// `gsub` callback: code that cannot pause) may run past an exhausted budget
    /// before the call ends with [`Error::BudgetExhausted`]. Default 10^6 units: a frame overruns by at most that much. Lua that a callback
    /// runs can pause instead when the callback is async ([`Lua::create_async_function`]).
    pub fn set_max_debt(&self, units: u64) {
        self.with(|vm| vm.meter.max_debt = units.min(i64::MAX as u64) as i64)
    }

    /// Limits the instructions executed from now on (`None`: no limit). Reaching the
    /// limit ends the call with [`Error::StepLimit`], whatever the cost model says.
    pub fn set_step_limit(&self, steps: Option<u64>) {
        self.with(|vm| vm.meter.set_steps(steps))
    }

    /// Replaces the cost model; it applies to code loaded afterwards.
    pub fn set_cost_model(&self, model: CostModel) {
        self.with(|vm| vm.cost_model = model)
    }

    /// Switches metering off (or back on): unmetered runs ignore budgets and step
    /// limits and run the interpreter loop without charging.
    pub fn set_metering(&self, on: bool) {
        self.with(|vm| vm.meter.enabled = on)
    }

    /// Total cost units charged in this State so far.
    pub fn cost(&self) -> u64 {
        self.with(|vm| vm.meter.used())
    }

    /// Instructions executed (as charged) in this State so far.
    pub fn steps(&self) -> u64 {
        self.with(|vm| vm.meter.steps_used())
    }

    /// Turns the per-line cost profile on (it covers code loaded afterwards too).
    pub fn enable_profile(&self) {
        self.with(|vm| {
            vm.profile.get_or_insert_with(Default::default);
        })
    }

    /// A copy of the cost profile collected so far, if enabled.
    pub fn profile(&self) -> Option<crate::meter::Profile> {
        self.with(|vm| vm.profile.as_deref().cloned())
    }

    /// Runs every pending `__gc` finalizer, as closing the State would (`lua_close`),
    /// and flushes the output. The State stays usable; dropping the last `Lua` does
    /// this too.
    pub fn close(&self) {
        self.with(|vm| {
            vm.close_state();
            let _ = vm.out.flush();
        })
    }

    /// The Lua traceback of the last error that escaped to the host, if any.
    pub fn last_traceback(&self) -> Option<String> {
        self.with(|vm| vm.last_traceback.clone())
    }

    /// Starts a pausable call of `func` under the current budget and policy: under
    /// [`Policy::Pause`] it may come back [`Run::Paused`], to be continued with
    /// [`Lua::resume`] once more budget is added.
    ///
    /// ```
    /// use mani::{Lua, Run, meter::Policy};
    /// let lua = Lua::new();
    /// lua.set_policy(Policy::Pause);
    /// lua.set_budget(Some(100));
    /// let f = lua.load("local s = 0 for i = 1, 1000 do s = s + i end return s").into_function().unwrap();
    /// let mut slices = 1;
    /// let mut run = lua.start_call(&f, ()).unwrap();
    /// while let Run::Paused = run {
    ///     lua.add_budget(100);
    ///     slices += 1;
    ///     run = lua.resume().unwrap();
    /// }
    /// let Run::Done(v) = run else { unreachable!() };
    /// assert_eq!(v[0].as_integer(), Some(500500));
    /// assert!(slices > 10);
    /// ```
    pub fn start_call(&self, func: &Function, args: impl IntoLuaMulti) -> Result<Run> {
        let mut buf = super::multi::ValBuf::new();
        args.push_into(self, &mut buf)?;
        let f = func.0.raw_in(&self.s)?;
        self.with(|vm| {
            vm.last_traceback = None;
            vm.limit_where = None;
            let mut raw = Vec::with_capacity(buf.0.len());
            for v in buf.0.drain(..) {
                raw.push(into_raw(vm, &self.s, v)?);
            }
            let r = vm.start_call(f, &raw);
            self.run_result(vm, r)
        })
    }

    /// Continues a paused call with the budget now available.
    pub fn resume(&self) -> Result<Run> {
        self.with(|vm| {
            let r = vm.resume_call();
            self.run_result(vm, r)
        })
    }

    /// True while a call is paused.
    pub fn is_paused(&self) -> bool {
        self.with(|vm| vm.is_paused())
    }

    /// Drops a paused call (its frames are discarded; no `__close` handlers run).
    pub fn cancel(&self) {
        self.with(|vm| vm.cancel_call())
    }

    fn run_result(
        &self,
        vm: &mut Vm,
        r: std::result::Result<crate::vm::metering::CallState, LuaError>,
    ) -> Result<Run> {
        use crate::vm::metering::CallState;
        match r {
            Ok(CallState::Done(v)) => Ok(Run::Done(
                v.into_iter().map(|v| to_public(&self.s, v)).collect(),
            )),
            Ok(CallState::Paused) => Ok(Run::Paused),
            Err(e) => Err(self.convert_error(vm, e)),
        }
    }

    /// Calls the function in handle slot `f` with `args`, putting its results into
    /// `out` (the general path: any argument and result types).
    pub(crate) fn call_into(
        &self,
        f: u32,
        args: &mut super::multi::ValBuf,
        out: &mut super::multi::ValBuf,
    ) -> Result<()> {
        state::with_state(&self.s, |vm, roots| {
            let func = vm.top;
            let n = args.0.len();
            vm.check_stack(func + 1 + n)
                .map_err(|e| self.convert_error(vm, e))?;
            vm.stack[func] = state::slot(roots, f);
            for (i, a) in args.0.drain(..).enumerate() {
                let raw = into_raw(vm, &self.s, a)?;
                vm.stack[func + 1 + i] = raw;
            }
            self.run_call(vm, func, n)?;
            for i in func..vm.top {
                let v = vm.stack[i];
                out.0.push(to_public(&self.s, v));
            }
            vm.top = func;
            Ok(())
        })
    }

    /// Calls the function in handle slot `f` when the arguments and results are
    /// built-in types that convert inside the access: no handles, no buffers of
    /// host values.
    #[inline]
    pub(crate) fn call_direct<A: IntoLuaMulti, R: FromLuaMulti>(
        &self,
        f: u32,
        args: A,
    ) -> Result<R> {
        state::with_state(&self.s, |vm, roots| {
            let mut raw = super::multi::RawBuf(smallvec::SmallVec::new());
            args.push_direct(&mut super::conv::VmCx { vm }, &mut raw)?;
            // The converted arguments (fresh strings among them) are not rooted
            // until they are on the stack; nothing collects before that.
            let func = vm.top;
            let n = raw.0.len();
            vm.check_stack(func + 1 + n)
                .map_err(|e| self.convert_error(vm, e))?;
            vm.stack[func] = state::slot(roots, f);
            vm.stack[func + 1..func + 1 + n].copy_from_slice(&raw.0);
            self.run_call(vm, func, n)?;
            let r = R::from_direct(
                &mut super::multi::RawResults {
                    vals: &vm.stack[func..vm.top],
                    pos: 0,
                },
                self,
            );
            vm.top = func;
            r
        })
    }

    /// Runs the call of `stack[func]` with the `n` arguments above it; on success
    /// its results are `stack[func..top]` (the caller resets `top` to `func`).
    #[inline]
    fn run_call(&self, vm: &mut Vm, func: usize, n: usize) -> Result<()> {
        if vm.native_depth == 0 {
            vm.last_traceback = None;
            vm.limit_where = None;
        }
        vm.top = func + 1 + n;
        let depth = vm.frames.len();
        let native_depth = vm.native_depth;
        // A panic inside the VM must not leave frames behind: undo the call, then
        // let the panic continue.
        let r =
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| vm.call_in_place(func, n)));
        let r = match r {
            Ok(r) => r,
            Err(p) => {
                vm.unwind_to(depth, func);
                vm.native_depth = native_depth;
                vm.top = func;
                std::panic::resume_unwind(p);
            }
        };
        match r {
            Ok(true) => Ok(()),
            Ok(false) => Err(Error::Paused),
            Err(e) => Err(self.convert_error(vm, e)),
        }
    }

    /// Turns a VM error into a host error (inside an access). A panic caught in a
    /// callback is resumed here.
    pub(crate) fn convert_error(&self, vm: &mut Vm, e: LuaError) -> Error {
        convert_error(vm, &self.s, e)
    }
}

/// Turns a VM error into a host error (inside an access to the State `s`).
pub(crate) fn convert_error(vm: &mut Vm, s: &Arc<Shared>, e: LuaError) -> Error {
    match e {
        LuaError::HostPanic => {
            if let Some(p) = state::take_panic(s) {
                std::panic::resume_unwind(p);
            }
            Error::PreviouslyResumedPanic
        }
        LuaError::Pause => Error::Paused,
        LuaError::Limit(limit) => {
            let pos = vm.limit_where.take().unwrap_or_default();
            if limit == Limit::Memory {
                // The run is over: what it left unreachable can go now.
                let _ = vm.collect_garbage();
            }
            let message = format!("{pos}{}", limit.message());
            match limit {
                Limit::Memory => Error::MemoryError(message),
                Limit::Budget => Error::BudgetExhausted(message),
                Limit::Steps => Error::StepLimit(message),
            }
        }
        e => {
            let v = vm.error_value(e);
            match v {
                Raw::Str(_) | Raw::Int(_) | Raw::Num(_) => {
                    // As mlua does, the message carries the traceback of where the
                    // error was raised.
                    let mut b = Vec::new();
                    vm.append_strnum(&mut b, v);
                    if let Some(tb) = vm.last_traceback.take() {
                        b.push(b'\n');
                        b.extend_from_slice(tb.as_bytes());
                    }
                    Error::RuntimeError(String::from_utf8_lossy(&b).into_owned())
                }
                Raw::UData(u) if super::userdata::host_error(u).is_some() => {
                    super::userdata::host_error(u).expect("host error")
                }
                _ => {
                    let message = error_object_message(vm, v);
                    Error::LuaValue {
                        message,
                        value: to_public(s, v),
                    }
                }
            }
        }
    }
}

/// How lua.c shows a non-string error object: its `__tostring`, or its type.
pub(crate) fn error_object_message(vm: &mut Vm, v: Raw) -> String {
    let tm = vm.metamethod(v, crate::vm::Tm::ToString);
    if !tm.is_nil() {
        if let Ok(s) = vm.tostring(v) {
            let mut b = Vec::new();
            vm.append_strnum(&mut b, s);
            return String::from_utf8_lossy(&b).into_owned();
        }
    }
    format!("(error object is a {} value)", vm.type_name_of(v))
}

// The API's types can be shared between threads (every access takes the lock).
const _: () = {
    fn is_send_sync<T: Send + Sync>() {}
    #[allow(dead_code)]
    fn check() {
        is_send_sync::<Lua>();
        is_send_sync::<Table>();
        is_send_sync::<Function>();
        is_send_sync::<Error>();
    }
};
