//! The virtual machine: interpreter loop, calls, metamethods, errors.

pub mod arith;
mod call;
pub(crate) use call::CallAs;
pub mod coroutine;
pub mod debug;
pub mod frame;
pub mod hook;
pub mod host;
mod interp;
pub(crate) mod meta;
pub mod metering;
pub mod stack;
pub mod task;
pub mod thread;

use crate::heap::{Gc, Heap};
use crate::value::{
    LuaClosure, LuaStr, NativeClosure, NativeFn, NativeKind, ProtoInst, StrTable, Table, UpVal,
    Value,
};
use frame::Frame;
use std::sync::Arc;
use thread::Thread;

/// Maximum number of stack slots per thread (lua5.4's LUAI_MAXSTACK).
pub const MAX_STACK: usize = 1_000_000;
/// Maximum nesting of native calls that re-enter the VM (lua5.4's LUAI_MAXCCALLS).
pub const MAX_NATIVE_DEPTH: usize = 200;

/// Metamethod events with pre-interned names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(usize)]
pub enum Tm {
    Index,
    NewIndex,
    Gc,
    Mode,
    Len,
    Eq,
    Add,
    Sub,
    Mul,
    Mod,
    Pow,
    Div,
    IDiv,
    BAnd,
    BOr,
    BXor,
    Shl,
    Shr,
    Unm,
    BNot,
    Lt,
    Le,
    Concat,
    Call,
    Close,
    ToString,
    Name,
    Metatable,
    Pairs,
}

const TM_NAMES: [&str; 29] = [
    "__index",
    "__newindex",
    "__gc",
    "__mode",
    "__len",
    "__eq",
    "__add",
    "__sub",
    "__mul",
    "__mod",
    "__pow",
    "__div",
    "__idiv",
    "__band",
    "__bor",
    "__bxor",
    "__shl",
    "__shr",
    "__unm",
    "__bnot",
    "__lt",
    "__le",
    "__concat",
    "__call",
    "__close",
    "__tostring",
    "__name",
    "__metatable",
    "__pairs",
];

/// An error travelling through the VM.
#[derive(Debug, Clone)]
pub enum LuaError {
    /// A Lua error value (from `error`, or a message already carrying its position).
    Value(Value),
    /// An error raised by a library function (`luaL_error`): it gets the position of
    /// the Lua code that called the function.
    Msg(String),
    /// An error raised by a VM operation (`luaG_runerror`): it gets the position of the
    /// running function only if that is a Lua function.
    Rt(String),
    /// A bad argument to a native function: `bad argument #n to 'f' (msg)`, where the
    /// VM fills in the function name the way lua5.4 does (from the calling code, or the
    /// library table holding the function).
    Arg(usize, String),
    /// Not an error: a coroutine yielded; unwinds the interpreter to its `resume`.
    Yield,
    /// A limit stopped the run: unwinds to the host past every `pcall`.
    Limit(crate::meter::Limit),
    /// Not an error: the budget ran out under the Pause policy; unwinds to the host
    /// leaving every frame in place, to be resumed later.
    Pause,
    /// A host callback panicked: unwinds to the host past every `pcall`, where the
    /// embedding API resumes the panic.
    HostPanic,
}

impl LuaError {
    /// A library error (`luaL_error` semantics).
    pub fn msg(s: impl Into<String>) -> Self {
        LuaError::Msg(s.into())
    }

    /// A VM operation error (`luaG_runerror` semantics).
    pub fn rt(s: impl Into<String>) -> Self {
        LuaError::Rt(s.into())
    }

    /// Limits and pauses: they pass through `pcall`, `coroutine.resume` and every
    /// other place that catches errors, straight to the host.
    #[inline]
    pub fn is_uncatchable(&self) -> bool {
        matches!(
            self,
            LuaError::Limit(_) | LuaError::Pause | LuaError::HostPanic
        )
    }
}

/// Where script output goes (`print`, `io.write`); buffered, flushed by the host.
pub type Writer = Box<dyn std::io::Write + Send>;

/// Parses, compiles and verifies a chunk. The result is immutable, shareable between
/// States and threads, and trusted by the interpreter (the verifier checked it).
pub(crate) fn compile_chunk(
    src: &[u8],
    chunk: &str,
    allowance: usize,
) -> Result<Arc<crate::bytecode::Proto>, LoadError> {
    if src.first() == Some(&0x1b) {
        return load_binary(src, chunk, allowance);
    }
    let chunkname = &crate::stdlib::base::chunk_display_name(chunk.as_bytes());
    let ast = crate::syntax::parse_limited(src, chunkname, allowance).map_err(|e| {
        if e.out_of_memory {
            LoadError::Memory
        } else {
            LoadError::Syntax(e.message)
        }
    })?;
    let proto = crate::compiler::compile_named(&ast, chunkname, chunk)
        .map_err(|e| LoadError::Syntax(e.message))?;
    // The interpreter trusts register operands; refuse code that breaks that trust.
    crate::bytecode::verify(&proto).map_err(|e| {
        LoadError::Syntax(format!(
            "{chunkname}: internal compiler error at pc {}: {}",
            e.pc, e.message
        ))
    })?;
    let mut proto = proto;
    crate::bytecode::attach_text(&mut proto, &Arc::from(src));
    Ok(proto)
}

/// Loads a binary chunk (see `bytecode::dump`): compiles the text it carries and
/// picks the dumped function, stripped of debug information if it was dumped so.
fn load_binary(
    src: &[u8],
    chunk: &str,
    allowance: usize,
) -> Result<Arc<crate::bytecode::Proto>, LoadError> {
    // lua5.4's name for a chunk in messages about its binary format.
    let shown = match chunk.as_bytes().first() {
        Some(b'@' | b'=') => &chunk[1..],
        Some(0x1b) => "binary string",
        _ => chunk,
    };
    let named = |m: String| LoadError::Syntax(format!("{shown}: {m}"));
    let corrupt = |why: &str| named(format!("bad binary format (corrupted chunk{why})"));
    let d = crate::bytecode::undump(src).map_err(named)?;
    let strip = d.name.is_none();
    // A stripped chunk's errors name no source (`?:-1:`), as lua5.4's do.
    let name = d.name.unwrap_or_else(|| "=?".to_string());
    if d.text.first() == Some(&0x1b) {
        return Err(corrupt(""));
    }
    // The text of a chunk `string.dump` made always compiles: a syntax error means
    // the chunk was altered, and is reported under the name it is loaded as.
    let root = compile_chunk(&d.text, &name, allowance).map_err(|e| match e {
        LoadError::Syntax(m) => corrupt(&format!(": {m}")),
        e => e,
    })?;
    let p = crate::bytecode::select(&root, &d.path).ok_or_else(|| corrupt(""))?;
    Ok(if strip {
        Arc::new(crate::bytecode::strip(&p))
    } else {
        p
    })
}

/// Why a chunk did not load.
#[derive(Debug)]
pub(crate) enum LoadError {
    /// A syntax error (or a compiler limit), as lua5.4 words it.
    Syntax(String),
    /// Compiling would need more memory than the State's quota leaves.
    Memory,
}

/// A Lua state: heap, globals, and the running thread's stacks.
pub struct Vm {
    pub heap: Heap,
    pub strings: StrTable,
    /// The running thread's value stack.
    pub stack: stack::Stack,
    /// The running thread's call frames.
    pub frames: Vec<Frame>,
    /// Open upvalues of the running thread, sorted by stack index.
    pub open_upvals: Vec<Gc<UpVal>>,
    /// Stack slots of active to-be-closed variables of the running thread.
    pub tbc: Vec<usize>,
    /// End of the values pushed by natives or produced by multi-result operations.
    pub top: usize,
    pub globals: Gc<Table>,
    pub registry: Gc<Table>,
    pub string_meta: Option<Gc<Table>>,
    /// Metatables of nil, booleans, numbers, functions and threads (set only by
    /// `debug.setmetatable`).
    pub type_metas: [Option<Gc<Table>>; 6],
    pub current: Gc<Thread>,
    pub main_thread: Gc<Thread>,
    pub(crate) tm_names: Vec<Gc<LuaStr>>,
    /// Depth of native calls that re-entered the interpreter.
    pub native_depth: usize,
    /// Traceback captured when an error escaped to the host.
    pub last_traceback: Option<String>,
    /// Output sink for `print`.
    pub out: Writer,
    /// Threads that resumed the running coroutine (kept reachable for the collector).
    pub resumers: Vec<Gc<Thread>>,
    /// Objects with a `__gc` metamethod, in registration order.
    pub(crate) finobj: Vec<Value>,
    /// Unreachable objects whose finalizers are due, in calling order.
    pub(crate) tobefnz: std::collections::VecDeque<Value>,
    /// Time source for `os.time`, `os.date` and `os.clock`.
    pub clock: Box<dyn host::Clock>,
    /// Largest string a script may build, in bytes.
    pub max_string: usize,
    /// Weak tables found during the current mark phase.
    pub(crate) weak_tables: Vec<(Gc<Table>, bool, bool)>,
    /// `native_depth` at which the running coroutine may yield.
    pub yield_depth: usize,
    /// The running thread has a debug hook (it runs the hooked loop).
    pub(crate) hook_active: bool,
    /// A hook was set or removed, or the running thread changed between hooked and
    /// not: the running loop re-selects its mode at its next native call return.
    pub(crate) hook_switch: bool,
    /// The interpreter loop returned to switch modes, not because it finished.
    pub(crate) mode_restart: bool,
    /// `warn` messages are shown (`warn("@on")`, the CLI's `-W`).
    pub warn_on: bool,
    /// A hook is running (hooks do not fire inside hooks).
    pub(crate) in_hook: bool,
    /// Instructions left until the next count event.
    pub(crate) hook_count: u32,
    /// Where the line hook last looked.
    pub(crate) hook_pos: hook::HookPos,
    /// A Lua frame was just pushed under a hook: its first instruction reports
    /// the call event.
    pub(crate) hook_new_frame: bool,
    /// Last identity number handed out for `tostring` (deterministic per State).
    next_id: u32,
    /// Budget, step limit and pause state.
    pub meter: crate::meter::Meter,
    /// Costs charged for instructions and native work (applies to code loaded after
    /// it is set).
    pub cost_model: crate::meter::CostModel,
    /// Per-line cost attribution, when the host asked for a profile.
    pub profile: Option<Box<crate::meter::Profile>>,
    /// The host call waiting to be resumed, if one paused.
    pub(crate) paused: Option<metering::PausedCall>,
    /// Where the last limit stopped a run (`chunk:line:`), for the host's message.
    pub limit_where: Option<String>,
    /// Per-type userdata metatables built by the embedding API.
    pub(crate) ud_metas: rustc_hash::FxHashMap<std::any::TypeId, Gc<Table>>,
    /// The embedding API's shared state that owns this Vm (null for a bare Vm); host
    /// callbacks reach their `&Lua` through it.
    pub(crate) host: *const (),
    /// Frame depth at which the innermost host call entered the VM: an error that
    /// unwinds to it goes back to the host (and keeps its traceback).
    pub(crate) host_depth: usize,
    /// The thread the innermost host call runs in: the main thread, or a task.
    pub(crate) host_thread: Gc<Thread>,
    /// Frames of this thread below this depth are outside the reach of an
    /// `xpcall` handler for errors raised now: set while finalizers run (lua5.4
    /// calls them with no message handler) and while a message handler runs.
    pub(crate) handler_floor: Option<(Gc<Thread>, usize)>,
    /// Finalizers are running: an explicit `collectgarbage` answers fail, as
    /// lua5.4's does. (Automatic collections still run: a finalizer that allocates
    /// in a loop must be able to free its own garbage under the memory quota.)
    pub(crate) finalizing: bool,
    /// An error whose `xpcall` message handler already ran where it was raised:
    /// (the xpcall frame's index, the handler's result). Its xpcall uses the error
    /// in flight without calling the handler again when that is the same value. Not
    /// traced by the collector: the value is only compared, never read.
    pub(crate) handled_error: Option<(usize, Value)>,
    /// Set by a stack overflow until the error reaches a protected call: the
    /// stack may then grow a little beyond its limit, for message handlers.
    pub(crate) stack_overflowed: bool,
    /// While a call or return hook runs: (the hooked frame's index, its first
    /// transferred value as a local index, how many), for `debug.getinfo`'s 'r'.
    pub(crate) hook_transfer: Option<(usize, usize, usize)>,
    /// Set while an async host function's parked frame is continued (the
    /// closure then polls the future it parked instead of starting anew).
    pub(crate) async_resume: bool,
    /// Set while an async host function polls its future where it could park
    /// it: Lua it calls with `call_async` may then pause.
    pub(crate) park_ok: bool,
    /// The standard-library image this State was made from: it owns the frozen
    /// strings and functions the State's tables refer to.
    pub(crate) image: Option<Arc<crate::stdlib::image::Image>>,
    /// `math.random`'s generator.
    pub(crate) rng: crate::stdlib::random::Xoshiro,
}

// SAFETY: a `Vm` owns its whole object graph: every `Gc` it holds points into its own
// heap, or to a frozen library object that no one writes (heap invariant 4) and that
// its `image` keeps alive. `Gc`, raw values and the `Vm` itself are crate-private; the public API reaches
// a `Vm` only through `api::state`, which holds the State's lock for every access, so
// no two threads ever touch one `Vm` or its objects at once. Its other fields
// (`Writer`, `Clock`, userdata payloads, host closures) are `Send`; `host` points to
// the lock-protected shared state that owns this `Vm`.
unsafe impl Send for Vm {}

impl Default for Vm {
    fn default() -> Self {
        Self::new()
    }
}

impl Vm {
    /// A bare state with no libraries loaded.
    pub fn new() -> Self {
        Self::new_in(Heap::new(), StrTable::default())
    }

    /// A bare state in `heap`, interning into `strings`.
    pub(crate) fn new_in(mut heap: Heap, mut strings: StrTable) -> Self {
        let globals = heap.alloc(Table::default());
        let registry = heap.alloc(Table::default());
        let tm_names = TM_NAMES
            .iter()
            .map(|n| strings.intern(&mut heap, n.as_bytes()))
            .collect();
        Self::from_parts(heap, strings, globals, registry, tm_names)
    }

    /// A state from its parts (a library image's copy, or a bare one).
    pub(crate) fn from_parts(
        mut heap: Heap,
        strings: StrTable,
        globals: Gc<Table>,
        registry: Gc<Table>,
        tm_names: Vec<Gc<LuaStr>>,
    ) -> Self {
        let main_thread = heap.alloc(Thread::new());
        let vm = Vm {
            heap,
            strings,
            // Both grow on demand: a State that runs little stays small.
            stack: stack::Stack::new(),
            frames: Vec::new(),
            open_upvals: Vec::new(),
            tbc: Vec::new(),
            top: 0,
            globals,
            registry,
            string_meta: None,
            type_metas: [None; 6],
            current: main_thread,
            main_thread,
            tm_names,
            native_depth: 0,
            last_traceback: None,
            out: Box::new(host::LazyStdout::default()),
            next_id: 0,
            resumers: Vec::new(),
            weak_tables: Vec::new(),
            clock: Box::new(host::FixedClock::default()),
            max_string: host::DEFAULT_MAX_STRING,
            finobj: Vec::new(),
            tobefnz: Default::default(),
            yield_depth: usize::MAX,
            hook_active: false,
            hook_switch: false,
            mode_restart: false,
            in_hook: false,
            warn_on: false,
            hook_count: 0,
            hook_pos: Default::default(),
            hook_new_frame: false,
            meter: Default::default(),
            cost_model: Default::default(),
            profile: None,
            paused: None,
            limit_where: None,
            ud_metas: Default::default(),
            host: std::ptr::null(),
            host_depth: 0,
            handler_floor: None,
            finalizing: false,
            handled_error: None,
            stack_overflowed: false,
            hook_transfer: None,
            host_thread: main_thread,
            async_resume: false,
            park_ok: false,
            image: None,
            rng: crate::stdlib::math::new_generator(),
        };
        vm.current.get_mut().status = thread::ThreadStatus::Running;
        vm
    }

    /// Interns a string.
    #[inline]
    pub fn new_str(&mut self, b: &[u8]) -> Value {
        Value::Str(self.strings.intern(&mut self.heap, b))
    }

    /// Interns a string from an owned buffer.
    #[inline]
    pub fn new_str_vec(&mut self, b: Vec<u8>) -> Value {
        Value::Str(self.strings.intern_vec(&mut self.heap, b))
    }

    /// Allocates a table.
    pub fn new_table(&mut self, narr: usize, nhash: usize) -> Gc<Table> {
        self.heap.alloc(Table::with_capacity(narr, nhash))
    }

    /// Wraps a native function as a value.
    pub fn new_native(&mut self, name: &'static str, f: NativeFn) -> Value {
        Value::NatFn(self.heap.alloc(NativeClosure {
            kind: NativeKind::Plain(f),
            name,
            upvals: Box::new([]),
            host: None,
        }))
    }

    /// Makes a native that may forward to a callee in its place (see
    /// [`crate::value::ForwardFn`]).
    pub fn new_forward(&mut self, name: &'static str, f: crate::value::ForwardFn) -> Value {
        Value::NatFn(self.heap.alloc(NativeClosure {
            kind: NativeKind::Forward(f),
            name,
            upvals: Box::new([]),
            host: None,
        }))
    }

    /// Wraps a host closure (see [`crate::value::HostFn`]) as a function value.
    pub(crate) fn new_host(&mut self, f: Box<crate::value::HostFn>, upvals: Vec<Value>) -> Value {
        self.new_host_kind(f, upvals, NativeKind::Host)
    }

    /// Like [`new_host`](Self::new_host), of the given host kind.
    pub(crate) fn new_host_kind(
        &mut self,
        f: Box<crate::value::HostFn>,
        upvals: Vec<Value>,
        kind: NativeKind,
    ) -> Value {
        Value::NatFn(self.heap.alloc(NativeClosure {
            kind,
            name: "?",
            upvals: upvals.into_boxed_slice(),
            host: Some(f),
        }))
    }

    /// The interned name of a metamethod event.
    #[inline]
    pub fn tm_name(&self, tm: Tm) -> Gc<LuaStr> {
        self.tm_names[tm as usize]
    }

    /// Sets a global variable.
    pub fn set_global(&mut self, name: &str, v: Value) {
        let k = self.new_str(name.as_bytes());
        let g = self.globals;
        let grown = g.get_mut().set(k, v);
        self.heap.account(grown as isize);
    }

    /// Reads a global variable (raw).
    pub fn get_global(&mut self, name: &str) -> Value {
        let k = self.new_str(name.as_bytes());
        self.globals.get().get(k)
    }

    /// Pushes a value at `top` (natives use this to return results).
    #[inline]
    pub fn push(&mut self, v: Value) {
        if self.top < self.stack.len() {
            self.stack[self.top] = v;
        } else {
            self.push_grow(v);
        }
        self.top += 1;
    }

    /// [`push`](Self::push) past the stack's end.
    #[cold]
    #[inline(never)]
    fn push_grow(&mut self, v: Value) {
        self.stack.grow(self.top + 1, &self.open_upvals);
        self.stack[self.top] = v;
    }

    /// Instantiates a compiled prototype (and its children) in this State.
    pub(crate) fn instantiate(&mut self, p: &Arc<crate::bytecode::Proto>) -> Gc<ProtoInst> {
        self.instantiate_in(p, &mut hashbrown::HashTable::new())
    }

    /// [`instantiate`](Self::instantiate), with the long-string constants made so far
    /// for this chunk: equal literals of one chunk are one object, as in lua5.4.
    fn instantiate_in(
        &mut self,
        p: &Arc<crate::bytecode::Proto>,
        longs: &mut hashbrown::HashTable<Gc<crate::value::LuaStr>>,
    ) -> Gc<ProtoInst> {
        use crate::bytecode::Constant;
        let mut consts: Vec<Value> = Vec::with_capacity(p.consts.len());
        for c in p.consts.iter() {
            consts.push(match c {
                Constant::Nil => Value::Nil,
                Constant::Bool(b) => Value::Bool(*b),
                Constant::Int(i) => Value::Int(*i),
                Constant::Num(f) => Value::Num(*f),
                Constant::Str(s) if s.len() > crate::value::MAX_SHORT => {
                    let h = crate::value::hash_bytes(s);
                    let same =
                        |x: &Gc<crate::value::LuaStr>| x.hash() == h && x.as_bytes() == &s[..];
                    match longs.find(h, same) {
                        Some(x) => Value::Str(*x),
                        None => {
                            let x = self.strings.intern_hashed(&mut self.heap, h, s);
                            longs.insert_unique(h, x, |x| x.hash());
                            Value::Str(x)
                        }
                    }
                }
                Constant::Str(s) => self.new_str(s),
            });
        }
        let children: Vec<Gc<ProtoInst>> = p
            .protos
            .iter()
            .map(|c| self.instantiate_in(c, longs))
            .collect();
        self.heap.alloc(ProtoInst {
            proto: p.clone(),
            consts: consts.into_boxed_slice(),
            children: children.into_boxed_slice(),
            caches: (0..p.code.len()).map(|_| std::cell::Cell::new(0)).collect(),
            segs: crate::meter::segments(&p.code, &self.cost_model),
            num_params: p.num_params,
            max_stack: p.max_stack,
            is_vararg: p.is_vararg,
        })
    }

    /// Compiles `src` (source text, or a binary chunk from `string.dump`) and returns
    /// the main function, with `_ENV` = `env`. `chunkname` follows the loader's
    /// conventions (`@file`, `=name`, or source text shown as `[string "..."]`).
    /// Errors are syntax errors as strings (`chunk:line: message near 'token'`). A
    /// chunk that would need more memory than the quota leaves fails with the memory
    /// limit (the outer error), which no loader can catch.
    pub fn load_with_env(
        &mut self,
        src: &[u8],
        chunkname: &str,
        env: Value,
    ) -> Result<Result<Value, String>, LuaError> {
        match compile_chunk(src, chunkname, self.heap.room()) {
            Ok(proto) => Ok(Ok(self.load_proto(&proto, env))),
            Err(LoadError::Syntax(msg)) => Ok(Err(msg)),
            Err(LoadError::Memory) => Err(LuaError::Limit(crate::meter::Limit::Memory)),
        }
    }

    /// Instantiates a verified prototype (from [`compile_chunk`]) as a main function
    /// with `_ENV` = `env`.
    pub(crate) fn load_proto(&mut self, proto: &Arc<crate::bytecode::Proto>, env: Value) -> Value {
        let inst = self.instantiate(proto);
        // A main chunk has one upvalue, `_ENV`; a function from a binary chunk may
        // have any number: the first is `env` whatever its name, the others are
        // fresh and nil, as in lua5.4.
        let n = proto.upvals.len().max(1);
        let mut upvals = Vec::with_capacity(n);
        for i in 0..n {
            let v = if i == 0 { env } else { Value::Nil };
            upvals.push(self.heap.alloc(UpVal::closed(v)));
        }
        let cl = self.heap.alloc(LuaClosure {
            p: inst,
            upvals: upvals.into_boxed_slice(),
        });
        Value::LuaFn(cl)
    }

    /// Shows a warning when warnings are on: `Lua warning: msg` on standard error.
    pub fn warning(&mut self, msg: &[u8]) {
        if self.warn_on {
            use std::io::Write;
            // Keep the order of print output and warnings.
            let _ = self.out.flush();
            let mut e = std::io::stderr().lock();
            let _ = e.write_all(b"Lua warning: ");
            let _ = e.write_all(msg);
            let _ = e.write_all(b"\n");
        }
    }

    /// A stable per-State identity number for an object (used by `tostring`): numbers
    /// are handed out in order of first use, so they are the same on every run.
    pub fn object_id<T>(&mut self, g: Gc<T>) -> u32 {
        if g.id() == 0 {
            self.next_id = self.next_id.wrapping_add(1).max(1);
            g.set_id(self.next_id);
        }
        g.id()
    }
}
