//! Regression tests for the soundness problems of the old embedding API: each of
//! these was undefined behaviour, a panic or a wedged State before, and is defined
//! behaviour now. `tests/valgrind.sh` runs this file under valgrind.

use mani::{
    AnyUserData, Error, Function, Lua, MultiValue, Table, UserData, UserDataMethods, Value,
    Variadic,
};
use std::sync::{Arc, Mutex};

/// Allocates enough to trigger several collections.
fn churn(lua: &Lua) {
    lua.load("local t = {} for i = 1, 20000 do t[i % 100] = {i, tostring(i)} end collectgarbage() collectgarbage()")
        .exec()
        .unwrap();
}

#[test]
fn values_returned_to_the_host_stay_alive_across_collections() {
    let lua = Lua::new();
    let t: Table = lua.load("{10, 20, 'thirty', {x = 1}}").eval().unwrap();
    let s: mani::LuaString = lua.load("string.rep('ab', 1000)").eval().unwrap();
    let f: Function = lua.load("function(a) return a * 2 end").eval().unwrap();
    churn(&lua);
    lua.gc_collect().unwrap();
    assert_eq!(t.get::<i64>(2).unwrap(), 20);
    assert_eq!(t.get::<String>(3).unwrap(), "thirty");
    let inner: Table = t.get(4).unwrap();
    assert_eq!(inner.get::<i64>("x").unwrap(), 1);
    assert_eq!(s.as_bytes().len(), 2000);
    assert_eq!(f.call::<i64>(21).unwrap(), 42);
    // Values inside a MultiValue are rooted too.
    let mv: MultiValue = lua
        .load("return {}, 'x' .. 1, function() end")
        .eval()
        .unwrap();
    churn(&lua);
    assert_eq!(mv[1].to_string().unwrap(), "x1");
    assert!(mv[0].is_table() && mv[2].is_function());
}

#[test]
fn handles_of_one_state_are_refused_by_another() {
    let a = Lua::new();
    let b = Lua::new();
    let ta = a.create_table().unwrap();
    ta.set("k", 1).unwrap();
    let err = b.globals().set("from_a", ta.clone()).unwrap_err();
    assert!(err.to_string().contains("does not belong"), "{err}");
    let fa = a.create_function(|_, ()| Ok(1)).unwrap();
    assert!(b.globals().set("f", fa).is_err());
    let key = a.create_registry_value(1).unwrap();
    assert!(matches!(
        b.registry_value::<i64>(&key),
        Err(Error::MismatchedRegistryKey)
    ));
    drop(a);
    // B is unaffected by A's death.
    churn(&b);
    assert!(b.globals().get::<Value>("from_a").unwrap().is_nil());
}

#[test]
#[should_panic(expected = "was closed")]
fn handles_that_outlive_their_state_panic_with_a_clear_message() {
    let lua = Lua::new();
    let t = lua.create_table().unwrap();
    drop(lua);
    let _ = t.get::<Value>(1);
}

struct Bag(Vec<i64>);

impl UserData for Bag {
    fn add_methods<M: UserDataMethods<Self>>(m: &mut M) {
        m.add_method("each", |_, this, f: Function| {
            for v in &this.0 {
                f.call::<()>(*v)?;
            }
            Ok(this.0.len())
        });
        m.add_method_mut("push", |_, this, v: i64| {
            this.0.push(v);
            Ok(())
        });
        m.add_method("sum", |_, this, ()| Ok(this.0.iter().sum::<i64>()));
    }
}

#[test]
fn userdata_borrows_are_checked_not_aliased() {
    let lua = Lua::new();
    lua.globals().set("bag", Bag(vec![1, 2, 3])).unwrap();
    // Iterating (shared borrow) while the callback pushes (mutable borrow): an
    // error, not a read of a reallocated vector.
    let r = lua
        .load("local ok, e = pcall(bag.each, bag, function(v) bag:push(v) end) return ok, tostring(e)")
        .eval::<(bool, String)>()
        .unwrap();
    assert!(!r.0);
    assert!(r.1.contains("error mutably borrowing userdata"), "{}", r.1);
    assert_eq!(lua.load("bag:sum()").eval::<i64>().unwrap(), 6);
    // Host borrows follow the same rules.
    let ud: AnyUserData = lua.globals().get("bag").unwrap();
    let shared = ud.borrow::<Bag>().unwrap();
    assert!(matches!(
        ud.borrow_mut::<Bag>(),
        Err(Error::UserDataBorrowMutError)
    ));
    let e = lua.load("bag:push(4)").exec().unwrap_err();
    assert!(e.to_string().contains("mutably borrowing"), "{e}");
    drop(shared);
    lua.load("bag:push(4)").exec().unwrap();
    assert_eq!(ud.borrow::<Bag>().unwrap().0, vec![1, 2, 3, 4]);
    assert!(matches!(
        ud.borrow::<String>(),
        Err(Error::UserDataTypeMismatch)
    ));
}

#[test]
fn a_state_moves_between_threads_and_handles_are_shared_safely() {
    let lua = Lua::new();
    let t = lua.create_table().unwrap();
    t.set("n", 0).unwrap();
    let inc: Function = lua.load("function(t) t.n = t.n + 1 end").eval().unwrap();
    let threads: Vec<_> = (0..4)
        .map(|_| {
            let (t, inc) = (t.clone(), inc.clone());
            std::thread::spawn(move || {
                for _ in 0..500 {
                    inc.call::<()>(&t).unwrap();
                }
            })
        })
        .collect();
    for th in threads {
        th.join().unwrap();
    }
    assert_eq!(t.get::<i64>("n").unwrap(), 2000);
    // The whole State moves to another thread and keeps working there.
    let moved = std::thread::spawn(move || {
        churn(&lua);
        lua.load("return 6 * 7").eval::<i64>().unwrap()
    });
    assert_eq!(moved.join().unwrap(), 42);
}

#[test]
fn panicking_callbacks_leave_the_state_usable() {
    let lua = Lua::new();
    let boom = lua
        .create_function(|_, n: i64| -> mani::Result<i64> {
            if n > 0 {
                panic!("host bug {n}");
            }
            Ok(n)
        })
        .unwrap();
    lua.globals().set("boom", boom).unwrap();
    for i in 0..300 {
        let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            // pcall cannot catch a host panic: it resumes at the API boundary.
            lua.load("local function f(d) if d == 0 then return pcall(boom, 1) end return f(d - 1) end return f(5)")
                .exec()
        }));
        let p = r.expect_err("the panic resumes in the host");
        let msg = p.downcast_ref::<String>().cloned().unwrap_or_default();
        assert_eq!(msg, "host bug 1", "iteration {i}");
    }
    // No frames or depth leaked: deep pcall nesting still works.
    let depth = lua
        .load("local function f(n) if n == 0 then return 0 end local ok, v = pcall(f, n - 1) return v + 1 end return f(150)")
        .eval::<i64>()
        .unwrap();
    assert_eq!(depth, 150);
}

#[test]
fn callbacks_return_any_number_of_results() {
    let lua = Lua::new();
    let many = lua
        .create_function(|_, n: usize| Ok(Variadic::from((0..n as i64).collect::<Vec<_>>())))
        .unwrap();
    lua.globals().set("many", many).unwrap();
    assert_eq!(
        lua.load("select('#', many(5000))").eval::<i64>().unwrap(),
        5000
    );
    assert_eq!(lua.load("select('#', many(0))").eval::<i64>().unwrap(), 0);
    let (a, b): (i64, Option<i64>) = lua.load("many(1)").eval().unwrap();
    assert_eq!((a, b), (0, None));
}

#[test]
fn lua_error_values_reach_the_host() {
    let lua = Lua::new();
    let e = lua.load("error({code = 42})").exec().unwrap_err();
    let Error::LuaValue { value, message } = e else {
        panic!("{e:?}")
    };
    assert_eq!(message, "(error object is a table value)");
    assert_eq!(value.as_table().unwrap().get::<i64>("code").unwrap(), 42);
    // Through a Rust callback and back, the value is kept.
    let relay = lua
        .create_function(|lua, ()| lua.load("error({code = 7})").exec())
        .unwrap();
    lua.globals().set("relay", relay).unwrap();
    let code: i64 = lua
        .load("local ok, e = pcall(relay) return e.code")
        .eval()
        .unwrap();
    assert_eq!(code, 7);
}

#[test]
fn dropping_the_state_runs_pending_finalizers() {
    let log = Arc::new(Mutex::new(Vec::new()));
    {
        let lua = Lua::new();
        let l = log.clone();
        let note = lua
            .create_function(move |_, s: String| {
                l.lock().unwrap().push(s);
                Ok(())
            })
            .unwrap();
        lua.globals().set("note", note).unwrap();
        lua.load("keep = setmetatable({}, {__gc = function() note('closed') end})")
            .exec()
            .unwrap();
    }
    assert_eq!(*log.lock().unwrap(), vec!["closed".to_string()]);
}

#[test]
fn scoped_values_are_dead_after_the_scope() {
    let lua = Lua::new();
    struct Local<'a>(&'a mut i64);
    let mut hits = 0;
    lua.scope(|scope| {
        let local = Local(&mut hits);
        let cell = std::cell::RefCell::new(local);
        let f = scope
            .create_function(move |_, n: i64| {
                *cell.borrow_mut().0 += n;
                Ok(())
            })
            .unwrap();
        lua.globals().set("hit", f).unwrap();
        let ud = scope.create_userdata(Bag(vec![5])).unwrap();
        lua.globals().set("sbag", ud).unwrap();
        lua.load("hit(2) hit(3) assert(sbag:sum() == 5)").exec()
    })
    .unwrap();
    assert_eq!(hits, 5);
    let e = lua.load("hit(1)").exec().unwrap_err();
    assert!(e.to_string().contains("destructed"), "{e}");
    let e = lua.load("return sbag:sum()").exec().unwrap_err();
    assert!(e.to_string().contains("destructed"), "{e}");
    churn(&lua);
}

#[test]
fn limits_apply_to_host_calls() {
    let lua = Lua::new();
    let f: Function = lua.load("function() while true do end end").eval().unwrap();
    lua.set_budget(Some(10_000));
    let e = f.call::<()>(()).unwrap_err();
    assert!(matches!(e, Error::BudgetExhausted(_)), "{e:?}");
    lua.set_budget(None);
    lua.set_memory_limit(1 << 20).unwrap();
    assert!(matches!(
        lua.create_string(vec![b'x'; 2 << 20]),
        Err(Error::MemoryError(_))
    ));
    let e = lua
        .load("local t = {} for i = 1, 1e7 do t[i] = i end")
        .exec()
        .unwrap_err();
    assert!(matches!(e, Error::MemoryError(_)), "{e:?}");
    lua.set_memory_limit(0).unwrap();
    assert_eq!(lua.load("1 + 1").eval::<i64>().unwrap(), 2);
}

#[test]
fn recursive_mut_callbacks_are_an_error() {
    let lua = Lua::new();
    let f = lua
        .create_function_mut(|lua, ()| lua.load("again()").exec())
        .unwrap();
    lua.globals().set("again", f).unwrap();
    let e = lua.load("again()").exec().unwrap_err();
    assert!(e.to_string().contains("recursively"), "{e}");
}

#[test]
fn removed_long_string_keys_are_never_read_after_collection() {
    // A removed entry keeps its key (so `next` can go on from it) but does not
    // keep the key alive; once collected, probes with equal long strings must
    // not read the freed string (valgrind saw such reads when long strings were
    // first compared by contents).
    let lua = Lua::new();
    let out: String = lua
        .load(
            r#"
            local t = {}
            local function key(i) return string.rep("k", 50) .. i end
            for i = 1, 200 do t[key(i)] = i end
            for i = 1, 200, 2 do t[key(i)] = nil end
            collectgarbage() collectgarbage()
            local found, n = 0, 0
            for i = 1, 200 do if t[key(i)] then found = found + 1 end end
            for i = 1, 200, 2 do t[key(i)] = -i end
            for k, v in pairs(t) do n = n + 1 end
            return found .. " " .. n .. " " .. t[key(3)]
        "#,
        )
        .eval()
        .unwrap();
    assert_eq!(out, "100 200 -3");
}
