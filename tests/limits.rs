//! Deep recursion, tail calls and stack limits: the VM must never overflow the native
//! stack, and Lua-level limits surface as catchable Lua errors.

use mani::{Lua, MultiValue};

fn run(src: &str) -> Result<MultiValue, mani::Error> {
    let lua = Lua::new();
    lua.load(src).set_name("=limits.lua").eval::<MultiValue>()
}

fn int(src: &str) -> i64 {
    let lua = Lua::new();
    lua.load(src)
        .set_name("=limits.lua")
        .eval::<i64>()
        .unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn non_tail_recursion_150000_deep_completes() {
    let n = int(
        "local function f(n) if n == 0 then return 0 end return 1 + f(n - 1) end
         return f(150000)",
    );
    assert_eq!(n, 150000);
}

#[test]
fn deeper_recursion_is_a_catchable_stack_overflow() {
    let n = int("local function f(n) return 1 + f(n + 1) end
         local ok, err = pcall(f, 1)
         assert(not ok)
         assert(string.find(err, 'stack overflow', 1, true), err)
         return 1");
    assert_eq!(n, 1);
}

#[test]
fn ten_million_tail_calls_run_in_constant_space() {
    let n = int(
        "local function loop(n, acc) if n == 0 then return acc end return loop(n - 1, acc + 1) end
         return loop(10000000, 0)",
    );
    assert_eq!(n, 10_000_000);
}

#[test]
fn runaway_metamethod_recursion_is_a_c_stack_overflow() {
    let n = int(
        "local t = setmetatable({}, {__index = function(t, k) return t[k] end})
         local ok, err = pcall(function() return t.x end)
         assert(not ok and string.find(err, 'stack overflow', 1, true), err)
         return 2",
    );
    assert_eq!(n, 2);
}

#[test]
fn deeply_nested_source_is_a_syntax_error_not_a_crash() {
    let src = format!("return {}1{}", "(".repeat(100_000), ")".repeat(100_000));
    assert!(matches!(run(&src), Err(mani::Error::SyntaxError { .. })));
    let src = format!("return {}1{}", "{".repeat(100_000), "}".repeat(100_000));
    assert!(matches!(run(&src), Err(mani::Error::SyntaxError { .. })));
}

#[test]
fn state_stays_usable_after_an_error() {
    let lua = Lua::new();
    assert!(lua.load("error('boom')").set_name("=t").exec().is_err());
    assert_eq!(
        lua.load("return 40 + 2")
            .set_name("=t")
            .eval::<i64>()
            .unwrap(),
        42
    );
}

#[test]
fn runaway_pcall_recursion_is_a_c_stack_overflow() {
    let n = int("local function f() return pcall(f) end
         local r = table.pack(f())
         assert(r[r.n - 1] == false and r[r.n] == 'C stack overflow', tostring(r[r.n]))
         return r.n");
    assert!(n > 100 && n < 250, "{n}");
}

#[test]
fn yield_across_a_lua_metamethod_resumes_exactly() {
    let n = int(
        "local mt = {__index = function(t, k) return coroutine.yield(k) * 2 end,
                     __lt = function(a, b) return coroutine.yield('lt') end}
         local o = setmetatable({}, mt)
         local co = coroutine.wrap(function() local v = o.x if o < o then return v end return -v end)
         assert(co() == 'x')
         assert(co(21) == 'lt')
         return co(true)",
    );
    assert_eq!(n, 42);
}
