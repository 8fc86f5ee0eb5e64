//! The standard library, one module per library, plus the pure algorithms they use.

pub mod args;
pub mod base;
pub mod coroutine;
pub mod format;
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

use crate::value::{NativeFn, Value};
use crate::vm::Vm;

/// Loads the sandbox profile: the basic library without file access (`dofile`,
/// `loadfile`, `require`), `string`, `table`, `math`, `utf8`, `coroutine`, and `os`
/// reduced to `time`, `clock`, `date` and `difftime` on the host's clock.
pub fn open_sandbox(vm: &mut Vm) {
    open_pure(vm);
    os::open_clock(vm);
}

/// Loads every standard library into `vm` (the trusted CLI profile).
pub fn open_all(vm: &mut Vm) {
    open_pure(vm);
    os::open(vm);
    io::open(vm);
    package::open(vm);
}

/// The libraries that touch nothing outside the State.
fn open_pure(vm: &mut Vm) {
    base::open(vm);
    coroutine::open(vm);
    string::open(vm);
    table::open(vm);
    math::open(vm);
    utf8lib::open(vm);
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
