//! A host program written against mlua 0.12 (Lua 5.4): it must compile against
//! mani with only its Cargo.toml changed, and print what it prints with mlua.
//! `tests/mlua_compat.rs` runs it against mani; `tests/mlua_compat/regen.sh` runs it
//! against mlua to produce `expected.txt`.

use mlua::prelude::*;
use mlua::thread::ThreadStatus;
use mlua::{
    AnyUserData, Function, MetaMethod, MultiValue, Table, Thread, UserData, UserDataFields,
    UserDataMethods, UserDataRef, UserDataRefMut, Value, Variadic,
};
use std::collections::{BTreeMap, HashMap};
use std::io::Write;

#[derive(Debug, Clone)]
struct Vec2 {
    x: f64,
    y: f64,
}

impl UserData for Vec2 {
    fn add_fields<F: UserDataFields<Self>>(fields: &mut F) {
        fields.add_field_method_get("x", |_, this| Ok(this.x));
        fields.add_field_method_get("y", |_, this| Ok(this.y));
        fields.add_field_method_set("x", |_, this, v: f64| {
            this.x = v;
            Ok(())
        });
        fields.add_field("kind", "vec2");
    }

    fn add_methods<M: UserDataMethods<Self>>(methods: &mut M) {
        methods.add_method("len", |_, this, ()| {
            Ok((this.x * this.x + this.y * this.y).sqrt())
        });
        methods.add_method_mut("scale", |_, this, k: f64| {
            this.x *= k;
            this.y *= k;
            Ok(())
        });
        methods.add_function("new", |_, (x, y): (f64, f64)| Ok(Vec2 { x, y }));
        methods.add_meta_method(MetaMethod::Add, |_, a, b: UserDataRef<Vec2>| {
            Ok(Vec2 {
                x: a.x + b.x,
                y: a.y + b.y,
            })
        });
        methods.add_meta_method(MetaMethod::ToString, |_, this, ()| {
            Ok(format!("Vec2({}, {})", this.x, this.y))
        });
        methods.add_meta_method(MetaMethod::Eq, |_, a, b: UserDataRef<Vec2>| {
            Ok(a.x == b.x && a.y == b.y)
        });
    }
}

struct Counter {
    n: i64,
}

impl UserData for Counter {
    fn add_methods<M: UserDataMethods<Self>>(methods: &mut M) {
        methods.add_method_mut("bump", |_, this, by: Option<i64>| {
            this.n += by.unwrap_or(1);
            Ok(this.n)
        });
        methods.add_meta_method(MetaMethod::Len, |_, this, ()| Ok(this.n));
    }
}

fn show(e: &LuaError) -> String {
    match e {
        LuaError::CallbackError { cause, .. } => format!("callback error: {}", show(cause)),
        // mlua appends a traceback to runtime errors; compare the message line.
        LuaError::RuntimeError(m) => format!("runtime: {}", m.lines().next().unwrap_or("")),
        LuaError::SyntaxError {
            message,
            incomplete_input,
        } => {
            format!("syntax (incomplete={incomplete_input}): {message}")
        }
        LuaError::MemoryError(_) => "memory error".to_string(),
        LuaError::FromLuaConversionError { from, to, .. } => format!("conversion {from} -> {to}"),
        LuaError::UserDataBorrowMutError => "borrow mut error".to_string(),
        LuaError::UserDataBorrowError => "borrow error".to_string(),
        LuaError::UserDataTypeMismatch => "type mismatch".to_string(),
        LuaError::BadArgument { pos, cause, .. } => format!("bad argument #{pos}: {}", show(cause)),
        LuaError::ExternalError(e) => format!("external: {e}"),
        other => format!("other: {other}"),
    }
}

pub fn run(out: &mut dyn Write) -> LuaResult<()> {
    let lua = Lua::new();
    let g = lua.globals();

    // Functions with typed arguments and results.
    let add = lua.create_function(|_, (a, b): (i64, i64)| Ok(a + b))?;
    g.set("add", add)?;
    let greet = lua.create_function(|_, name: String| Ok(format!("hello, {name}")))?;
    g.set("greet", greet)?;
    let sum = lua.create_function(|_, xs: Variadic<f64>| Ok(xs.iter().sum::<f64>()))?;
    g.set("sum", sum)?;
    let split = lua.create_function(|_, s: String| {
        Ok(Variadic::from(
            s.split(',').map(str::to_string).collect::<Vec<_>>(),
        ))
    })?;
    g.set("split", split)?;
    let opt = lua.create_function(|_, v: Option<i64>| Ok(v.map(|x| x * 2)))?;
    g.set("opt", opt)?;
    writeln!(out, "add: {}", lua.load("add(2, 40)").eval::<i64>()?).unwrap();
    writeln!(
        out,
        "greet: {}",
        lua.load("greet('mani')").eval::<String>()?
    )
    .unwrap();
    writeln!(out, "sum: {}", lua.load("sum(1, 2, 3.5)").eval::<f64>()?).unwrap();
    let parts: Vec<String> = lua.load("{split('a,b,c')}").eval()?;
    writeln!(out, "split: {parts:?}").unwrap();
    let (a, b): (Option<i64>, Option<i64>) = lua.load("opt(21), opt(nil)").eval()?;
    writeln!(out, "opt: {a:?} {b:?}").unwrap();

    // Mutable closures and recursion errors.
    let mut calls = 0;
    let counter = lua.create_function_mut(move |_, ()| {
        calls += 1;
        Ok(calls)
    })?;
    counter.call::<()>(())?;
    writeln!(out, "counter: {}", counter.call::<i64>(())?).unwrap();

    // Chunks: names, expressions, environments, multiple results.
    lua.load("x = 6 * 7").set_name("setx").exec()?;
    writeln!(out, "x: {}", g.get::<i64>("x")?).unwrap();
    let r: MultiValue = lua.load("return 1, 'two', 3.5, nil, true").eval()?;
    let shown: Vec<String> = r.iter().map(|v| v.to_string().unwrap()).collect();
    writeln!(out, "multi: {} values: {}", r.len(), shown.join(" ")).unwrap();
    let env = lua.create_table()?;
    env.set("y", 5)?;
    let y: i64 = lua
        .load("return y * 2")
        .set_environment(env.clone())
        .eval()?;
    writeln!(out, "env: {y}").unwrap();
    let f: Function = lua.load("local a, b = ... return a .. b").into_function()?;
    writeln!(out, "into_function: {}", f.call::<String>(("foo", "bar"))?).unwrap();
    writeln!(
        out,
        "chunk call: {}",
        lua.load("return (...) + 1").call::<i64>(41)?
    )
    .unwrap();

    // Tables.
    let t = lua.create_table()?;
    t.set("name", "table")?;
    t.set(1, "one")?;
    t.push("two")?;
    t.raw_set("raw", true)?;
    writeln!(out, "len: {} raw_len: {}", t.len()?, t.raw_len()).unwrap();
    writeln!(
        out,
        "get: {} {:?}",
        t.get::<String>("name")?,
        t.get::<Option<String>>("nope")?
    )
    .unwrap();
    writeln!(
        out,
        "contains: {} {}",
        t.contains_key("raw")?,
        t.contains_key("nope")?
    )
    .unwrap();
    writeln!(out, "pop: {}", t.pop::<String>()?).unwrap();
    let mut keys: Vec<String> = Vec::new();
    for pair in t.pairs::<Value, Value>() {
        let (k, v) = pair?;
        keys.push(format!("{}={}", k.to_string()?, v.to_string()?));
    }
    keys.sort();
    writeln!(out, "pairs: {}", keys.join(",")).unwrap();
    let seq = lua.create_sequence_from([10, 20, 30])?;
    let vals: Vec<i64> = seq.sequence_values::<i64>().collect::<LuaResult<_>>()?;
    writeln!(out, "sequence: {vals:?}").unwrap();
    let mut total = 0;
    seq.for_each(|_: i64, v: i64| {
        total += v;
        Ok(())
    })?;
    writeln!(out, "for_each: {total}").unwrap();
    let from = lua.create_table_from([("a", 1), ("b", 2)])?;
    let map: BTreeMap<String, i64> = lua.unpack(Value::Table(from))?;
    writeln!(out, "btreemap: {map:?}").unwrap();
    let mut hm = HashMap::new();
    hm.insert("k".to_string(), 3);
    g.set("hm", hm)?;
    writeln!(out, "hashmap: {}", lua.load("hm.k").eval::<i64>()?).unwrap();
    let v: Vec<i64> = lua.load("{1, 2, 3}").eval()?;
    writeln!(out, "vec: {v:?}").unwrap();
    let mt = lua.create_table()?;
    mt.set(
        "__index",
        lua.create_function(|_, (_t, k): (Table, String)| Ok(format!("<{k}>")))?,
    )?;
    let proxy = lua.create_table()?;
    proxy.set_metatable(Some(mt))?;
    writeln!(
        out,
        "metatable: {} {}",
        proxy.get::<String>("zz")?,
        proxy.metatable().is_some()
    )
    .unwrap();
    writeln!(out, "raw_get: {:?}", proxy.raw_get::<Option<String>>("zz")?).unwrap();

    // Userdata.
    g.set("Vec2", lua.create_userdata(Vec2 { x: 0.0, y: 0.0 })?)?;
    g.set("v", Vec2 { x: 3.0, y: 4.0 })?;
    writeln!(out, "ud len: {}", lua.load("v:len()").eval::<f64>()?).unwrap();
    lua.load("v:scale(2) v.x = v.x + 1").exec()?;
    writeln!(
        out,
        "ud fields: {} {} {}",
        lua.load("v.x").eval::<f64>()?,
        lua.load("v.y").eval::<f64>()?,
        lua.load("v.kind").eval::<String>()?
    )
    .unwrap();
    writeln!(
        out,
        "ud tostring: {}",
        lua.load("tostring(v + Vec2.new(1, 1))").eval::<String>()?
    )
    .unwrap();
    writeln!(
        out,
        "ud eq: {}",
        lua.load("Vec2.new(1, 2) == Vec2.new(1, 2)")
            .eval::<bool>()?
    )
    .unwrap();
    let ud: AnyUserData = g.get("v")?;
    writeln!(out, "ud is: {} {}", ud.is::<Vec2>(), ud.is::<Counter>()).unwrap();
    {
        let r = ud.borrow::<Vec2>()?;
        writeln!(out, "ud borrow: {} {}", r.x, r.y).unwrap();
        writeln!(
            out,
            "ud borrow_mut while borrowed: {}",
            show(&ud.borrow_mut::<Vec2>().unwrap_err())
        )
        .unwrap();
    }
    {
        let mut w: UserDataRefMut<Vec2> = ud.borrow_mut()?;
        w.y = 100.0;
    }
    writeln!(
        out,
        "ud after borrow_mut: {}",
        lua.load("v.y").eval::<f64>()?
    )
    .unwrap();
    let bad = lua.load("v.y = 1").exec().unwrap_err();
    writeln!(
        out,
        "ud set unknown field is error: {}",
        matches!(
            bad,
            LuaError::RuntimeError(_) | LuaError::CallbackError { .. }
        )
    )
    .unwrap();
    g.set("c", Counter { n: 0 })?;
    lua.load("c:bump() c:bump(5)").exec()?;
    writeln!(out, "counter ud: {}", lua.load("#c").eval::<i64>()?).unwrap();
    let c: AnyUserData = g.get("c")?;
    let taken: Counter = c.take()?;
    writeln!(out, "taken: {}", taken.n).unwrap();
    let after = lua.load("c:bump()").exec().unwrap_err();
    writeln!(out, "after take is error: {}", !show(&after).is_empty()).unwrap();
    let wrong = lua.load("Vec2.len(c)").exec();
    writeln!(out, "wrong self is error: {}", wrong.is_err()).unwrap();

    // Coroutines.
    let co: Thread = lua
        .load("coroutine.create(function(a) local b = coroutine.yield(a + 1) return b * 2 end)")
        .eval()?;
    writeln!(out, "thread status: {:?}", co.status()).unwrap();
    writeln!(out, "resume 1: {}", co.resume::<i64>(1)?).unwrap();
    writeln!(out, "resume 2: {}", co.resume::<i64>(10)?).unwrap();
    writeln!(
        out,
        "thread finished: {}",
        co.status() == ThreadStatus::Finished
    )
    .unwrap();
    let co2 = lua.create_thread(
        lua.load("function() error('in coroutine') end")
            .set_name("=co")
            .eval()?,
    )?;
    let e = co2.resume::<()>(()).unwrap_err();
    writeln!(out, "thread error: {} {:?}", show(&e), co2.status()).unwrap();

    // Errors.
    let fail =
        lua.create_function(|_, ()| -> LuaResult<()> { Err(LuaError::runtime("rust says no")) })?;
    g.set("fail", fail)?;
    let e = lua.load("fail()").set_name("=caller").exec().unwrap_err();
    writeln!(out, "callback error: {}", show(&e)).unwrap();
    let (ok, msg): (bool, String) = lua
        .load("local ok, e = pcall(fail) return ok, tostring(e):match('rust says no')")
        .eval()?;
    writeln!(out, "pcall callback: {ok} {msg}").unwrap();
    let e = lua
        .load("error('plain')")
        .set_name("=chunk")
        .exec()
        .unwrap_err();
    writeln!(out, "lua error: {}", show(&e)).unwrap();
    if let LuaError::RuntimeError(m) = &e {
        writeln!(out, "has traceback: {}", m.contains("stack traceback:")).unwrap();
    }
    let e = lua
        .load("add(1, {})")
        .set_name("=chunk")
        .exec()
        .unwrap_err();
    writeln!(out, "conversion: {}", show(&e)).unwrap();
    let e = lua.load("x = = 1").set_name("=bad").exec().unwrap_err();
    writeln!(out, "syntax: {}", show(&e)).unwrap();
    let e = lua.load("if x then").set_name("=bad").exec().unwrap_err();
    writeln!(out, "incomplete: {}", show(&e)).unwrap();
    let ext = lua.create_function(|_, ()| -> LuaResult<()> {
        Err(std::io::Error::other("disk on fire").into_lua_err())
    })?;
    let e = ext.call::<()>(()).unwrap_err();
    writeln!(out, "external: {}", show(&e)).unwrap();
    writeln!(
        out,
        "i64 from float: {:?}",
        lua.load("3.0").eval::<i64>().ok()
    )
    .unwrap();
    writeln!(
        out,
        "i64 from 3.5 is error: {}",
        lua.load("3.5").eval::<i64>().is_err()
    )
    .unwrap();
    writeln!(
        out,
        "u8 overflow is error: {}",
        lua.load("300").eval::<u8>().is_err()
    )
    .unwrap();

    // Registry and app data.
    let key = lua.create_registry_value("kept")?;
    lua.gc_collect()?;
    writeln!(out, "registry: {}", lua.registry_value::<String>(&key)?).unwrap();
    lua.remove_registry_value(key)?;
    lua.set_named_registry_value("cfg", 99)?;
    writeln!(
        out,
        "named registry: {}",
        lua.named_registry_value::<i64>("cfg")?
    )
    .unwrap();
    lua.set_app_data(String::from("app"));
    lua.app_data_mut::<String>().unwrap().push_str("-data");
    writeln!(out, "app data: {}", *lua.app_data_ref::<String>().unwrap()).unwrap();

    // Scope: functions borrowing local state, dead afterwards.
    let mut seen = Vec::new();
    lua.scope(|scope| {
        let f = scope.create_function_mut(|_, s: String| {
            seen.push(s);
            Ok(())
        })?;
        lua.globals().set("record", f)?;
        lua.load("record('a') record('b')").exec()
    })?;
    writeln!(out, "scope: {seen:?}").unwrap();
    writeln!(
        out,
        "scoped after: {}",
        lua.load("record('c')").exec().is_err()
    )
    .unwrap();

    // Strings.
    let s = lua.create_string("héllo")?;
    writeln!(
        out,
        "string: {} {} {}",
        &*s.to_str()?,
        s.as_bytes().len(),
        s.to_string_lossy()
    )
    .unwrap();
    let bytes = lua.create_string([0xff, 0x00, 0x41])?;
    writeln!(
        out,
        "bytes: {:?} utf8 error: {}",
        &*bytes.as_bytes(),
        bytes.to_str().is_err()
    )
    .unwrap();

    // Memory.
    writeln!(out, "used memory > 0: {}", lua.used_memory() > 0).unwrap();
    Ok(())
}

#[allow(dead_code)]
fn main() {
    let mut out = std::io::stdout();
    if let Err(e) = run(&mut out) {
        println!("error: {e}");
        std::process::exit(1);
    }
}
