// Calls across the API boundary, 200,000 of one kind per run, for instruction counts
// under callgrind (bench/api_calls.sh). Compiled against mani here and against mlua
// by bench/api_mlua (same source).
use mani::{Function, Lua};
fn main() {
    let mode = std::env::args().nth(1).unwrap_or_default();
    let lua = Lua::new();
    let nop: Function = lua.load("function() end").eval().unwrap();
    let rnop = lua.create_function(|_, ()| Ok(())).unwrap();
    lua.globals().set("rnop", rnop).unwrap();
    let call_nop: Function = lua.load("function(n) local rnop = rnop for i = 1, n do rnop() end end").eval().unwrap();
    let radd = lua.create_function(|_, (a, b): (i64, i64)| Ok(a + b)).unwrap();
    lua.globals().set("radd", radd).unwrap();
    let call_add: Function = lua.load("function(n) local radd, s = radd, 0 for i = 1, n do s = radd(s, i) end return s end").eval().unwrap();
    let add: Function = lua.load("function(a, b) return a + b end").eval().unwrap();
    let n = 200_000;
    if mode == "l2radd" { call_add.call::<i64>(n).unwrap(); return; }
    if mode == "r2ladd" { for i in 0..n { add.call::<i64>((i, 2)).unwrap(); } return; }
    if mode == "r2l" {
        for _ in 0..n { nop.call::<()>(()).unwrap(); }
    } else {
        call_nop.call::<()>(n).unwrap();
    }
}
