//! Pausing and resuming through the embedding API: a paused call continues exactly
//! where it stopped, wherever that is in Lua code, and gives the results, output and
//! total cost of an uninterrupted run.

use mani::meter::Policy;
use mani::{Error, Lua, MultiValue, Run, Value};

mod common;
use common::Sink;

/// Compiles `src` as the chunk `name` and starts it as a pausable call.
fn start(lua: &Lua, src: &str, name: &str) -> mani::Result<Run> {
    let f = lua.load(src).set_name(format!("={name}")).into_function()?;
    lua.start_call(&f, ())
}

/// Runs `src` as the chunk `name` and returns its one integer result.
fn eval_int(lua: &Lua, src: &str, name: &str) -> mani::Result<i64> {
    lua.load(src).set_name(format!("={name}")).eval::<i64>()
}

/// Runs `src` in slices of `slice` units (0: unsliced); returns (output, results
/// rendered as text, total cost, number of slices).
fn run(src: &str, slice: u64) -> (String, String, u64, u64) {
    let lua = Lua::new();
    let sink = Sink::default();
    lua.set_output(Box::new(sink.clone()));
    let mut slices = 1;
    let vals = if slice == 0 {
        lua.load(src)
            .set_name("=p.lua")
            .eval::<MultiValue>()
            .unwrap()
    } else {
        lua.set_policy(Policy::Pause);
        lua.set_budget(Some(slice));
        let mut r = start(&lua, src, "p.lua").unwrap();
        loop {
            match r {
                Run::Done(v) => break v,
                Run::Paused => {
                    assert!(lua.is_paused());
                    lua.add_budget(slice);
                    slices += 1;
                    r = lua.resume().unwrap();
                }
            }
        }
    };
    let shown: Vec<String> = vals
        .iter()
        .map(|v| match v {
            Value::Integer(i) => i.to_string(),
            Value::String(s) => s.to_string_lossy(),
            Value::Boolean(b) => b.to_string(),
            other => other.type_name().to_string(),
        })
        .collect();
    lua.flush_output().unwrap();
    let out = String::from_utf8(sink.0.lock().unwrap().clone()).unwrap();
    (out, shown.join(","), lua.cost(), slices)
}

fn same_in_slices(src: &str) {
    let whole = run(src, 0);
    for slice in [1, 3, 50, 10_000] {
        let s = run(src, slice);
        assert_eq!(
            (&s.0, &s.1, s.2),
            (&whole.0, &whole.1, whole.2),
            "slice {slice}"
        );
        if slice == 1 {
            assert!(
                s.3 > 10,
                "slices of one unit must pause often ({} slices)",
                s.3
            );
        }
    }
}

#[test]
fn pause_in_deep_recursion() {
    same_in_slices(
        "local function depth(n) if n == 0 then return 0 end return 1 + depth(n - 1) end
         print(depth(5000)) return depth(100), 'ok'",
    );
}

#[test]
fn pause_inside_pcall_and_error_handlers() {
    same_in_slices(
        "local function f(n) if n == 0 then error('bottom') end return f(n - 1) end
         print(pcall(f, 50))
         print(xpcall(f, function(m) local s = 0 for i = 1, 20 do s = s + i end return m .. s end, 10))
         return select('#', pcall(error))",
    );
}

#[test]
fn pause_inside_coroutines_metamethods_and_iterators() {
    same_in_slices(
        "local V = setmetatable({}, {__index = function(t, k) local s = 0 for i = 1, k do s = s + i end return s end,
                                     __add = function(a, b) return 42 end,
                                     __lt = function(a, b) return true end})
         local gen = coroutine.wrap(function() for i = 1, 5 do coroutine.yield(V[i * 10]) end end)
         local acc = {}
         for i = 1, 5 do acc[#acc + 1] = gen() end
         local function iter(s, i) if i < 5 then return i + 1, V[i] end end
         for i, v in iter, nil, 0 do acc[#acc + 1] = v end
         local co = coroutine.create(function(a) local b = coroutine.yield(a + (V + V)) return b * 2 end)
         local _, x = coroutine.resume(co, 1)
         local _, y = coroutine.resume(co, 21)
         print(table.concat(acc, ' '), x, y, V < V)
         return #acc",
    );
}

#[test]
fn pause_across_native_callbacks_takes_effect_after_them() {
    // The comparator and the gsub callback run inside native calls: they cannot be
    // suspended, so the budget goes into debt there and the pause waits for the
    // native call to return. Results and cost are unchanged.
    same_in_slices(
        "local t = {} for i = 1, 200 do t[i] = (i * 37) % 101 end
         table.sort(t, function(a, b) local x = 0 for i = 1, 3 do x = x + i end return a > b end)
         local s = ('abc'):rep(20):gsub('b', function(c) local n = 0 for i = 1, 5 do n = n + 1 end return n end)
         print(t[1], t[200], s)",
    );
}

#[test]
fn paused_call_blocks_new_calls_and_can_be_cancelled() {
    let lua = Lua::new();
    lua.set_policy(Policy::Pause);
    lua.set_budget(Some(100));
    let co_src = "co = coroutine.wrap(function() while true do end end) co()";
    assert!(matches!(start(&lua, co_src, "c"), Ok(Run::Paused)));
    // Another call while one is paused is refused, and the paused one survives.
    assert!(start(&lua, "return 1", "x").is_err());
    assert!(lua.is_paused());
    lua.add_budget(1000);
    assert!(matches!(lua.resume(), Ok(Run::Paused)));
    lua.cancel();
    assert!(!lua.is_paused());
    // The coroutine it was running in is dead; the State runs new code.
    lua.set_policy(Policy::Error);
    lua.set_budget(None);
    assert_eq!(
        eval_int(&lua, "return select('#', pcall(co))", "y").unwrap(),
        2
    );
    assert_eq!(eval_int(&lua, "return 6 * 7", "z").unwrap(), 42);
}

#[test]
fn error_policy_is_not_catchable_and_state_survives() {
    let lua = Lua::new();
    lua.set_budget(Some(10_000));
    let e = lua
        .load("while true do pcall(function() while true do end end) end")
        .set_name("=esc")
        .exec()
        .unwrap_err();
    assert!(matches!(e, Error::BudgetExhausted(_)), "{e}");
    assert_eq!(e.limit(), Some(mani::meter::Limit::Budget), "{e}");
    assert!(lua.cost() <= 10_000);
    lua.add_budget(1_000);
    assert_eq!(eval_int(&lua, "return 1 + 1", "ok").unwrap(), 2);
}

#[test]
fn exact_budget_boundary() {
    let src = "local s = 0 for i = 1, 10 do s = s + i end return s";
    let lua = Lua::new();
    lua.load(src).set_name("=c").exec().unwrap();
    let cost = lua.cost();
    let exact = Lua::new();
    exact.set_budget(Some(cost));
    assert_eq!(eval_int(&exact, src, "c").unwrap(), 55);
    assert_eq!(exact.cost(), cost);
    let short = Lua::new();
    short.set_budget(Some(cost - 1));
    assert!(eval_int(&short, src, "c").is_err());
    assert!(short.cost() < cost);
}
