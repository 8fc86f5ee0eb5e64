// Boundary speed of the embedding API: Rust calling Lua and Lua calling Rust, with
// typed conversions. `cargo bench --bench api`; `bench/api_mlua` runs the same cases
// on mlua (C Lua 5.4) for comparison (see BENCHMARKS.md).

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use mani::{Function, Lua, Table};

fn boundary(c: &mut Criterion) {
    let lua = Lua::new();

    // Rust → Lua: call a Lua function with two integers, get an integer back.
    let add: Function = lua.load("function(a, b) return a + b end").eval().unwrap();
    c.bench_function("rust_to_lua/add(i64, i64) -> i64", |b| {
        b.iter(|| add.call::<i64>((black_box(1), black_box(2))).unwrap())
    });

    // Rust → Lua with a string argument and result.
    let cat: Function = lua.load("function(s) return s .. '!' end").eval().unwrap();
    c.bench_function("rust_to_lua/cat(&str) -> String", |b| {
        b.iter(|| cat.call::<String>(black_box("hello")).unwrap())
    });

    // Rust → Lua, no arguments or results.
    let nop: Function = lua.load("function() end").eval().unwrap();
    c.bench_function("rust_to_lua/nop()", |b| {
        b.iter(|| nop.call::<()>(()).unwrap())
    });

    // Lua → Rust: a Lua loop calling a Rust closure with typed arguments; the loop's
    // own cost is measured separately below and subtracted in BENCHMARKS.md.
    let radd = lua
        .create_function(|_, (a, b): (i64, i64)| Ok(a + b))
        .unwrap();
    lua.globals().set("radd", radd).unwrap();
    let rnop = lua.create_function(|_, ()| Ok(())).unwrap();
    lua.globals().set("rnop", rnop).unwrap();
    let rlen = lua.create_function(|_, s: String| Ok(s.len())).unwrap();
    lua.globals().set("rlen", rlen).unwrap();
    let call_add: Function = lua
        .load("function(n) local radd, s = radd, 0 for i = 1, n do s = radd(s, i) end return s end")
        .eval()
        .unwrap();
    let call_nop: Function = lua
        .load("function(n) local rnop = rnop for i = 1, n do rnop() end end")
        .eval()
        .unwrap();
    let call_len: Function = lua
        .load("function(n) local rlen, s = rlen, 0 for i = 1, n do s = s + rlen('abc') end return s end")
        .eval()
        .unwrap();
    let empty_loop: Function = lua
        .load("function(n) local s = 0 for i = 1, n do s = s + i end return s end")
        .eval()
        .unwrap();
    const N: i64 = 1000;
    c.bench_function("lua_to_rust/1000 x radd(i64, i64) -> i64", |b| {
        b.iter(|| call_add.call::<i64>(black_box(N)).unwrap())
    });
    c.bench_function("lua_to_rust/1000 x rnop()", |b| {
        b.iter(|| call_nop.call::<()>(black_box(N)).unwrap())
    });
    c.bench_function("lua_to_rust/1000 x rlen(String) -> usize", |b| {
        b.iter(|| call_len.call::<i64>(black_box(N)).unwrap())
    });
    c.bench_function("lua_to_rust/1000 x loop body only", |b| {
        b.iter(|| empty_loop.call::<i64>(black_box(N)).unwrap())
    });

    // Handles: table get/set from Rust.
    let t: Table = lua.create_table().unwrap();
    c.bench_function("handle/table.set(\"k\", i64)", |b| {
        b.iter(|| t.set("k", black_box(7)).unwrap())
    });
    c.bench_function("handle/table.get::<i64>(\"k\")", |b| {
        b.iter(|| t.get::<i64>("k").unwrap())
    });
}

criterion_group!(benches, boundary);
criterion_main!(benches);
