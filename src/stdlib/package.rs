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
    let loaded = super::loaded_table(vm);
    let set = |vm: &mut Vm, k: &str, v: Value| {
        let k = vm.new_str(k.as_bytes());
        let _ = pkg.get_mut().set(k, v);
    };
    set(vm, "loaded", Value::Table(loaded));
    let preload = vm.new_table(0, 0);
    set(vm, "preload", Value::Table(preload));
    let path = vm.new_str(PATH_DEFAULT.as_bytes());
    set(vm, "path", path);
    let cpath = vm.new_str(CPATH_DEFAULT.as_bytes());
    set(vm, "cpath", cpath);
    let sp = vm.new_native("searchpath", searchpath);
    set(vm, "searchpath", sp);
    let searchers = vm.new_table(4, 0);
    for (i, f) in [
        searcher_preload as crate::value::NativeFn,
        searcher_lua,
        searcher_c,
        searcher_croot,
    ]
    .into_iter()
    .enumerate()
    {
        let v = vm.new_native("searcher", f);
        let _ = searchers.get_mut().set(Value::Int(i as i64 + 1), v);
    }
    set(vm, "searchers", Value::Table(searchers));
    let cfg = vm.new_str(b"/\n;\n?\n!\n-\n");
    set(vm, "config", cfg);
    vm.set_global("package", Value::Table(pkg));
}

/// Reads and compiles a file as `loadfile(name, mode, env)` does: a file, mode or
/// syntax error as a message, or a limit. The source is charged by its length (as
/// `load` charges it) before it is compiled.
fn read_chunk(
    vm: &mut Vm,
    name: &str,
    mode: &str,
    env: Value,
) -> Result<Result<Value, String>, LuaError> {
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
    let text = crate::syntax::file_text(&src);
    if let Some(m) = super::base::mode_refusal(text, mode) {
        return Ok(Err(m));
    }
    vm.load_with_env(text, &format!("@{name}"), env)
}

/// [`read_chunk`] as `dofile` and `require` read files: text or binary, in the
/// global environment.
fn read_chunk_bt(vm: &mut Vm, name: &str) -> Result<Result<Value, String>, LuaError> {
    let env = Value::Table(vm.globals);
    read_chunk(vm, name, "bt", env)
}

/// `dofile`: the chunk runs in dofile's place, so it may yield like any other code.
fn dofile(vm: &mut Vm, base: usize, n: usize, _nres: i32) -> Result<Option<usize>, LuaError> {
    let a = Args::new(base, n, "dofile");
    let name = a.check_str(vm, 1)?;
    let name = String::from_utf8_lossy(name.as_bytes()).into_owned();
    let f =
        read_chunk_bt(vm, &name)?.map_err(|m| LuaError::Value(vm.new_str_vec(m.into_bytes())))?;
    vm.stack[base - 1] = f;
    vm.top = base;
    Ok(None)
}

fn loadfile(vm: &mut Vm, base: usize, n: usize) -> Result<usize, LuaError> {
    let a = Args::new(base, n, "loadfile");
    let name = a.check_str(vm, 1)?;
    let name = String::from_utf8_lossy(name.as_bytes()).into_owned();
    let mode = match a.opt_str(vm, 2)? {
        Some(s) => String::from_utf8_lossy(s.as_bytes()).into_owned(),
        None => "bt".to_string(),
    };
    let env = if n >= 3 {
        a.get(vm, 3)
    } else {
        Value::Table(vm.globals)
    };
    match read_chunk(vm, &name, &mode, env)? {
        Ok(f) => {
            vm.push(f);
            Ok(1)
        }
        Err(m) => Ok(vm.push_fail(m)),
    }
}

fn field(vm: &mut Vm, t: Value, k: &str) -> Value {
    let k = vm.new_str(k.as_bytes());
    match t {
        Value::Table(t) => t.get().get(k),
        _ => Value::Nil,
    }
}

/// lua5.4's default search paths (LUA_PATH_DEFAULT / LUA_CPATH_DEFAULT).
const PATH_DEFAULT: &str = "/usr/local/share/lua/5.4/?.lua;/usr/local/share/lua/5.4/?/init.lua;\
/usr/local/lib/lua/5.4/?.lua;/usr/local/lib/lua/5.4/?/init.lua;./?.lua;./?/init.lua";
const CPATH_DEFAULT: &str = "/usr/local/lib/lua/5.4/?.so;/usr/local/lib/lua/5.4/loadall.so;./?.so";

/// `package.searchpath`'s search: the first readable file for `name` in `path`,
/// or the list of files tried (`no file '...'` lines).
fn find_file(name: &str, path: &str, sep: &str, rep: &str) -> Result<String, String> {
    let file = if sep.is_empty() {
        name.to_string()
    } else {
        name.replace(sep, rep)
    };
    let mut tried = String::new();
    // Empty templates are tried too (as the empty file name), as in lua5.4.
    for templ in path.split(';') {
        let cand = templ.replace('?', &file);
        if std::fs::File::open(&cand).is_ok() {
            return Ok(cand);
        }
        if !tried.is_empty() {
            tried.push_str("\n\t");
        }
        tried.push_str(&format!("no file '{cand}'"));
    }
    Err(tried)
}

fn searchpath(vm: &mut Vm, base: usize, n: usize) -> Result<usize, LuaError> {
    let a = Args::new(base, n, "searchpath");
    let name = String::from_utf8_lossy(a.check_str(vm, 1)?.as_bytes()).into_owned();
    let path = String::from_utf8_lossy(a.check_str(vm, 2)?.as_bytes()).into_owned();
    let sep = match a.opt_str(vm, 3)? {
        Some(s) => String::from_utf8_lossy(s.as_bytes()).into_owned(),
        None => ".".into(),
    };
    let rep = match a.opt_str(vm, 4)? {
        Some(s) => String::from_utf8_lossy(s.as_bytes()).into_owned(),
        None => "/".into(),
    };
    match find_file(&name, &path, &sep, &rep) {
        Ok(f) => {
            let v = vm.new_str(f.as_bytes());
            vm.push(v);
            Ok(1)
        }
        Err(tried) => Ok(vm.push_fail(tried)),
    }
}

/// A string field of `package` (`path`, `cpath`), or the lua5.4 error.
fn package_string(vm: &mut Vm, key: &str) -> Result<String, LuaError> {
    let pkg = vm.get_global("package");
    match field(vm, pkg, key) {
        Value::Str(s) => Ok(String::from_utf8_lossy(s.as_bytes()).into_owned()),
        _ => Err(LuaError::msg(format!("'package.{key}' must be a string"))),
    }
}

/// Searcher 1: `package.preload[name]`.
fn searcher_preload(vm: &mut Vm, base: usize, n: usize) -> Result<usize, LuaError> {
    let a = Args::new(base, n, "searcher");
    let name = a.check_str(vm, 1)?;
    let pkg = vm.get_global("package");
    let preload = field(vm, pkg, "preload");
    let Value::Table(t) = preload else {
        return Err(LuaError::msg("'package.preload' must be a table"));
    };
    let f = t.get().get(Value::Str(name));
    if f.is_nil() {
        let msg = format!(
            "no field package.preload['{}']",
            String::from_utf8_lossy(name.as_bytes())
        );
        let v = vm.new_str(msg.as_bytes());
        vm.push(v);
        return Ok(1);
    }
    vm.push(f);
    let v = vm.new_str(b":preload:");
    vm.push(v);
    Ok(2)
}

/// Searcher 2: a Lua file on `package.path`.
fn searcher_lua(vm: &mut Vm, base: usize, n: usize) -> Result<usize, LuaError> {
    let a = Args::new(base, n, "searcher");
    let name = String::from_utf8_lossy(a.check_str(vm, 1)?.as_bytes()).into_owned();
    let path = package_string(vm, "path")?;
    match find_file(&name, &path, ".", "/") {
        Ok(file) => {
            let f = read_chunk_bt(vm, &file)?.map_err(|m| {
                LuaError::msg(format!(
                    "error loading module '{name}' from file '{file}':\n\t{m}"
                ))
            })?;
            vm.push(f);
            let v = vm.new_str(file.as_bytes());
            vm.push(v);
            Ok(2)
        }
        Err(tried) => {
            let v = vm.new_str(tried.as_bytes());
            vm.push(v);
            Ok(1)
        }
    }
}

/// Searchers 3 and 4: C libraries on `package.cpath` (for `a.b.c`, then `a`). mani
/// runs no native code: it lists the files tried, and one that exists is an error.
fn searcher_c_impl(vm: &mut Vm, base: usize, n: usize, root: bool) -> Result<usize, LuaError> {
    let a = Args::new(base, n, "searcher");
    let full = String::from_utf8_lossy(a.check_str(vm, 1)?.as_bytes()).into_owned();
    let name = if root {
        match full.split_once('.') {
            Some((r, _)) => r.to_string(),
            None => {
                vm.push(Value::Nil);
                return Ok(1);
            }
        }
    } else {
        full.clone()
    };
    let cpath = package_string(vm, "cpath")?;
    match find_file(&name, &cpath, ".", "/") {
        Ok(file) => Err(LuaError::msg(format!(
            "error loading module '{full}' from file '{file}':\n\tC libraries cannot be loaded by mani"
        ))),
        Err(tried) => {
            let v = vm.new_str(tried.as_bytes());
            vm.push(v);
            Ok(1)
        }
    }
}

fn searcher_c(vm: &mut Vm, base: usize, n: usize) -> Result<usize, LuaError> {
    searcher_c_impl(vm, base, n, false)
}

fn searcher_croot(vm: &mut Vm, base: usize, n: usize) -> Result<usize, LuaError> {
    searcher_c_impl(vm, base, n, true)
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
    let Value::Table(searchers) = field(vm, pkg, "searchers") else {
        return Err(LuaError::msg("'package.searchers' must be a table"));
    };
    // Each searcher returns a loader (and its data) or a message saying why not.
    let mut tried = format!("module '{name}' not found:");
    let mut i = 1;
    let (loader, extra) = loop {
        let s = searchers.get().get(Value::Int(i));
        if s.is_nil() {
            return Err(LuaError::msg(tried));
        }
        vm.push(s);
        let r = vm.call(s, &[Value::Str(name_s)])?;
        vm.top -= 1;
        match r.first().copied().unwrap_or_default() {
            f @ (Value::LuaFn(_) | Value::NatFn(_)) => {
                break (f, r.get(1).copied().unwrap_or_default());
            }
            Value::Str(m) => {
                tried.push_str("\n\t");
                tried.push_str(&String::from_utf8_lossy(m.as_bytes()));
            }
            _ => {}
        }
        i += 1;
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
