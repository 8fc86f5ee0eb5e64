//! Loading code from files: `dofile`, `loadfile`, `require` and `package` (CLI profile).

use super::args::Args;
use crate::value::Value;
use crate::vm::{LuaError, Vm};

/// Registers `dofile`, `loadfile`, `require` and the `package` table.
pub fn open(vm: &mut Vm) {
    for (name, f) in [
        ("loadfile", loadfile as crate::value::NativeFn),
        ("require", require),
    ] {
        let v = vm.new_native(name, f);
        vm.set_global(name, v);
    }
    let v = vm.new_forward("dofile", dofile);
    vm.set_global("dofile", v);
    let pkg = vm.new_table(0, 4);
    let loaded = vm.new_table(0, 8);
    for lib in [
        "_G",
        "string",
        "table",
        "math",
        "utf8",
        "coroutine",
        "os",
        "io",
        "debug",
    ] {
        let v = vm.get_global(lib);
        if !v.is_nil() {
            let k = vm.new_str(lib.as_bytes());
            let _ = loaded.get_mut().set(k, v);
        }
    }
    let set = |vm: &mut Vm, k: &str, v: Value| {
        let k = vm.new_str(k.as_bytes());
        let _ = pkg.get_mut().set(k, v);
    };
    set(vm, "loaded", Value::Table(loaded));
    let preload = vm.new_table(0, 0);
    set(vm, "preload", Value::Table(preload));
    let path = vm.new_str(b"./?.lua;./?/init.lua");
    set(vm, "path", path);
    let cpath = vm.new_str(b"");
    set(vm, "cpath", cpath);
    let cfg = vm.new_str(b"/\n;\n?\n!\n-\n");
    set(vm, "config", cfg);
    let pv = Value::Table(pkg);
    let k = vm.new_str(b"package");
    let _ = loaded.get_mut().set(k, pv);
    vm.set_global("package", pv);
}

/// Reads and compiles a file: a syntax or file error as a message, or a limit.
/// The source is charged by its length (as `load` charges it) before it is
/// compiled.
fn read_chunk(vm: &mut Vm, name: &str) -> Result<Result<Value, String>, LuaError> {
    let len = std::fs::metadata(name).map_or(0, |m| m.len());
    vm.check_alloc(usize::try_from(len).unwrap_or(usize::MAX))?;
    let src = match std::fs::read(name) {
        Ok(src) => src,
        Err(e) => {
            return Ok(Err(format!(
                "cannot open {name}: {}",
                super::io::strerror(&e)
            )))
        }
    };
    vm.charge_bytes(src.len())?;
    let src = if src.first() == Some(&b'#') {
        let end = src.iter().position(|&c| c == b'\n').unwrap_or(src.len());
        src[end..].to_vec()
    } else {
        src
    };
    Ok(vm.load(&src, &format!("@{name}")))
}

/// `dofile`: the chunk runs in dofile's place, so it may yield like any other code.
fn dofile(vm: &mut Vm, base: usize, n: usize, _nres: i32) -> Result<Option<usize>, LuaError> {
    let a = Args::new(base, n, "dofile");
    let name = a.check_str(vm, 1)?;
    let name = String::from_utf8_lossy(name.as_bytes()).into_owned();
    let f = read_chunk(vm, &name)?.map_err(|m| LuaError::Value(vm.new_str_vec(m.into_bytes())))?;
    vm.stack[base - 1] = f;
    vm.top = base;
    Ok(None)
}

fn loadfile(vm: &mut Vm, base: usize, n: usize) -> Result<usize, LuaError> {
    let a = Args::new(base, n, "loadfile");
    let name = a.check_str(vm, 1)?;
    let name = String::from_utf8_lossy(name.as_bytes()).into_owned();
    match read_chunk(vm, &name)? {
        Ok(f) => {
            vm.push(f);
            Ok(1)
        }
        Err(m) => {
            vm.push(Value::Nil);
            let s = vm.new_str_vec(m.into_bytes());
            vm.push(s);
            Ok(2)
        }
    }
}

fn field(vm: &mut Vm, t: Value, k: &str) -> Value {
    let k = vm.new_str(k.as_bytes());
    match t {
        Value::Table(t) => t.get().get(k),
        _ => Value::Nil,
    }
}

fn require(vm: &mut Vm, base: usize, n: usize) -> Result<usize, LuaError> {
    let a = Args::new(base, n, "require");
    let name_s = a.check_str(vm, 1)?;
    let name = String::from_utf8_lossy(name_s.as_bytes()).into_owned();
    let pkg = vm.get_global("package");
    let loaded = field(vm, pkg, "loaded");
    let Value::Table(loaded_t) = loaded else {
        return Err(LuaError::msg("'package.loaded' must be a table"));
    };
    let have = loaded_t.get().get(Value::Str(name_s));
    if have.is_truthy() {
        vm.push(have);
        return Ok(1);
    }
    let mut tried = format!("module '{name}' not found:\n\tno field package.preload['{name}']");
    let preload = field(vm, pkg, "preload");
    let pre = match preload {
        Value::Table(t) => t.get().get(Value::Str(name_s)),
        _ => Value::Nil,
    };
    let (loader, extra) = if !pre.is_nil() {
        (pre, vm.new_str(b":preload:"))
    } else {
        let path = match field(vm, pkg, "path") {
            Value::Str(s) => String::from_utf8_lossy(s.as_bytes()).into_owned(),
            _ => return Err(LuaError::msg("'package.path' must be a string")),
        };
        let file = name.replace('.', "/");
        let mut found = None;
        for templ in path.split(';') {
            let cand = templ.replace('?', &file);
            if std::path::Path::new(&cand).is_file() {
                found = Some(cand);
                break;
            }
            tried.push_str(&format!("\n\tno file '{cand}'"));
        }
        let Some(path) = found else {
            return Err(LuaError::msg(tried));
        };
        let f = read_chunk(vm, &path)?.map_err(|m| {
            LuaError::msg(format!(
                "error loading module '{name}' from file '{path}':\n\t{m}"
            ))
        })?;
        (f, vm.new_str(path.as_bytes()))
    };
    // Keep the loader and its data on the stack while it runs.
    vm.push(loader);
    vm.push(extra);
    let r = vm.call1(loader, &[Value::Str(name_s), extra])?;
    let cur = loaded_t.get().get(Value::Str(name_s));
    let result = if !r.is_nil() {
        r
    } else if !cur.is_nil() {
        cur
    } else {
        Value::Bool(true)
    };
    vm.raw_set(loaded_t, Value::Str(name_s), result)?;
    vm.push(result);
    vm.push(extra);
    Ok(2)
}
