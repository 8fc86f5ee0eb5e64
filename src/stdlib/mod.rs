//! The standard library, one module per library, plus the pure algorithms they use.
//!
//! # What native functions cost
//!
//! Native functions charge the work that grows with their input to the State's
//! budget (see [`crate::meter::CostModel`]): bytes of strings scanned, copied or
//! produced, table elements visited, moved or returned, sort comparisons and
//! pattern-matching steps. A size known in advance is charged (and, for a new
//! string, table or stack space, checked against the memory quota) before the work
//! starts; work whose size shows only as it proceeds (pattern matching, building a
//! string from pieces) is charged in chunks as it goes ([`Work`], and
//! [`pattern::STEP_CHUNK`] for the matcher). Constant work (and copying fewer than
//! a handful of bytes) is not charged separately: the call instruction pays for it.

pub mod args;
pub mod base;
pub mod coroutine;
pub mod debug;
pub mod format;
pub(crate) mod image;
pub mod io;
pub mod math;
pub mod numfmt;
pub mod os;
pub mod pack;
pub mod package;
pub mod pattern;
pub mod random;
pub mod string;
pub mod table;
pub mod utf8;
pub mod utf8lib;

use crate::meter::CostModel;
use crate::value::{NativeFn, Value};
use crate::vm::{LuaError, Vm};

/// Native work done in pieces whose sizes show only as the work proceeds (bytes
/// appended to a buffer, elements visited, comparisons). Each piece is added
/// before it is done; the pending total is charged once it reaches
/// [`Work::CHUNK`] items, and the rest by [`Work::finish`] at the end of the call.
/// Rounding every small piece up to a whole unit would inflate costs; charging
/// only at the end would let one call run far past its budget.
#[derive(Default)]
pub(crate) struct Work {
    bytes: usize,
    elems: usize,
    compares: usize,
}

impl Work {
    /// Items pending before they are charged.
    pub(crate) const CHUNK: usize = 1024;

    /// `n` bytes of string work.
    #[inline]
    pub(crate) fn bytes(&mut self, vm: &mut Vm, n: usize) -> Result<(), LuaError> {
        self.bytes += n;
        if self.bytes >= Self::CHUNK {
            vm.charge_bytes(std::mem::take(&mut self.bytes))?;
        }
        Ok(())
    }

    /// `n` table elements visited, moved or returned.
    #[inline]
    pub(crate) fn elements(&mut self, vm: &mut Vm, n: usize) -> Result<(), LuaError> {
        self.elems += n;
        if self.elems >= Self::CHUNK {
            vm.charge_elements(std::mem::take(&mut self.elems))?;
        }
        Ok(())
    }

    /// `n` comparisons (of a sort or a search for an extremum).
    #[inline]
    pub(crate) fn compares(&mut self, vm: &mut Vm, n: usize) -> Result<(), LuaError> {
        self.compares += n;
        if self.compares >= Self::CHUNK {
            let c = std::mem::take(&mut self.compares);
            vm.charge(CostModel::units(c, vm.cost_model.compare_milli))?;
        }
        Ok(())
    }

    /// `add` bytes about to be appended to a buffer that then holds `total`
    /// bytes and will become a string: checks the memory quota for it and adds
    /// the bytes.
    #[inline]
    pub(crate) fn grow(&mut self, vm: &mut Vm, add: usize, total: usize) -> Result<(), LuaError> {
        vm.check_alloc(total)?;
        self.bytes(vm, add)
    }

    /// Charges what is pending.
    pub(crate) fn finish(&mut self, vm: &mut Vm) -> Result<(), LuaError> {
        vm.charge_bytes(std::mem::take(&mut self.bytes))?;
        vm.charge_elements(std::mem::take(&mut self.elems))?;
        let c = std::mem::take(&mut self.compares);
        vm.charge(CostModel::units(c, vm.cost_model.compare_milli))
    }
}

/// Bytes of a string comparison that are charged: comparing two strings reads up
/// to the shorter one; the first few bytes go with the comparison itself.
#[inline]
pub(crate) fn compare_bytes(a: Value, b: Value) -> usize {
    match (a, b) {
        (Value::Str(x), Value::Str(y)) => x.len().min(y.len()).saturating_sub(16),
        _ => 0,
    }
}

impl Vm {
    /// Pushes the failure results `nil, msg` and returns their count, as loaders
    /// and searchers report what went wrong.
    pub(crate) fn push_fail(&mut self, msg: impl Into<Vec<u8>>) -> usize {
        self.push(Value::Nil);
        let m = self.new_str_vec(msg.into());
        self.push(m);
        2
    }

    /// Before building a new string of `n` bytes: checks the memory quota, then
    /// charges the bytes.
    #[inline]
    pub(crate) fn charge_new_str(&mut self, n: usize) -> Result<(), LuaError> {
        self.check_alloc(n)?;
        self.charge_bytes(n)
    }

    /// Before a native pushes `n` results (or other values) on the stack: charges
    /// them as elements, then grows the stack, within the memory quota.
    #[inline]
    pub(crate) fn charge_results(&mut self, n: usize) -> Result<(), LuaError> {
        self.charge_elements(n)?;
        self.check_stack(self.top + n)
    }

    /// Before a string argument is converted to a number (a scan of it).
    #[inline]
    pub(crate) fn charge_coercion(&mut self, v: Value) -> Result<(), LuaError> {
        match v {
            Value::Str(s) => self.charge_bytes(s.len()),
            _ => Ok(()),
        }
    }
}

/// Loads the libraries selected by `bits` (the embedding API's `StdLib` flags:
/// coroutine 1, table 2, io 4, os 8, string 16, utf8 32, math 64, package 128, debug
/// 256; without it the read-only `debug.traceback`/`getinfo`). The
/// basic library is always loaded; without `os`, its clock functions are.
pub fn open_selected(vm: &mut Vm, bits: u32) {
    base::open(vm);
    let has = |b: u32| bits & b != 0;
    if has(1) {
        coroutine::open(vm);
    }
    if has(16) {
        string::open(vm);
        if !has(256) {
            // A binary chunk carries its chunk's whole source text (see
            // `bytecode::dump`): like the debug library, `string.dump` would let a
            // script read the code of functions the host handed it.
            string::remove_dump(vm);
        }
    }
    if has(2) {
        table::open(vm);
    }
    if has(64) {
        math::open(vm);
    }
    if has(32) {
        utf8lib::open(vm);
    }
    if has(8) {
        os::open(vm);
    } else {
        os::open_clock(vm);
    }
    if has(4) {
        io::open(vm);
    }
    if has(128) {
        package::open(vm);
    }
    if has(256) {
        debug::open(vm);
    } else {
        debug::open_readonly(vm);
    }
    register_loaded(vm);
}

/// The names of the libraries a State may have, as `package.loaded` lists them.
const LIB_NAMES: [&str; 10] = [
    "_G",
    "string",
    "table",
    "math",
    "utf8",
    "coroutine",
    "os",
    "io",
    "debug",
    "package",
];

/// The table of loaded modules, `registry._LOADED` (made on first use). It is
/// `package.loaded` where there is a `package`; without one (the sandbox) it still
/// names library functions in errors and tracebacks (`'string.rep'`), as lua5.4's
/// does.
pub(crate) fn loaded_table(vm: &mut Vm) -> crate::heap::Gc<crate::value::Table> {
    let key = vm.new_str(b"_LOADED");
    if let Value::Table(t) = vm.registry.get().get(key) {
        return t;
    }
    let t = vm.new_table(0, LIB_NAMES.len());
    let _ = vm.registry.get_mut().set(key, Value::Table(t));
    t
}

/// Records every installed library in [`loaded_table`].
pub(crate) fn register_loaded(vm: &mut Vm) {
    let loaded = loaded_table(vm);
    for lib in LIB_NAMES {
        let v = vm.get_global(lib);
        if matches!(v, Value::Table(_)) {
            let k = vm.new_str(lib.as_bytes());
            let _ = loaded.get_mut().set(k, v);
        }
    }
}

/// Creates a library table from `fns` and stores it in the global `name`.
pub fn register_lib(vm: &mut Vm, name: &str, fns: &[(&'static str, NativeFn)]) -> Value {
    let t = vm.new_table(0, fns.len());
    for (fname, f) in fns {
        let k = vm.new_str(fname.as_bytes());
        let v = vm.new_native(fname, *f);
        let _ = t.get_mut().set(k, v);
    }
    let tv = Value::Table(t);
    vm.set_global(name, tv);
    tv
}
