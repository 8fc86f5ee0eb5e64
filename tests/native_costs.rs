//! Native library functions charge their work by data size: bytes of strings,
//! table elements, sort comparisons and pattern-matching steps. A native call
//! cannot do unbounded work for free, pathological patterns are stopped by a
//! budget, big results are checked against the memory quota before they are
//! built, and the charges are deterministic.

use mani::meter::{CostModel, Policy};
use mani::{Lua, MultiValue, Run};
use std::time::{Duration, Instant};

/// A sandboxed State whose output is discarded.
fn state() -> Lua {
    let lua = Lua::new();
    lua.set_output(Box::new(std::io::sink()));
    lua
}

/// Runs `src` as the chunk `name` (shown as is in messages), discarding results.
fn exec(lua: &Lua, src: &str, name: &str) -> mani::Result<()> {
    lua.load(src).set_name(format!("={name}")).exec()
}

/// Runs `src` as the chunk `name` and returns its one integer result.
fn eval_int(lua: &Lua, src: &str, name: &str) -> mani::Result<i64> {
    lua.load(src).set_name(format!("={name}")).eval::<i64>()
}

/// The cost of running `src` in a fresh State.
fn cost(src: &str) -> u64 {
    let lua = state();
    exec(&lua, src, "cost.lua").unwrap_or_else(|e| panic!("{src}: {e}"));
    lua.cost()
}

/// Units for `n` items at `milli` thousandths each (the default model).
fn units(n: usize, milli: fn(&CostModel) -> u64) -> u64 {
    CostModel::units(n, milli(&CostModel::default()))
}

fn bytes(n: usize) -> u64 {
    units(n, |m| m.byte_milli)
}

fn elements(n: usize) -> u64 {
    units(n, |m| m.element_milli)
}

fn steps(n: usize) -> u64 {
    units(n, |m| m.match_step_milli)
}

/// Runs `src` with a budget on its own thread; returns the error message, the
/// time it took and the cost. A run that does not end within a minute fails the
/// test (its thread is left behind).
fn run_with_budget(src: &str, budget: u64) -> (String, Duration, u64) {
    let (tx, rx) = std::sync::mpsc::channel();
    let src = src.to_string();
    std::thread::spawn(move || {
        let lua = state();
        lua.set_budget(Some(budget));
        let t = Instant::now();
        let r = exec(&lua, &src, "budget.lua");
        let took = t.elapsed();
        let msg = match r {
            Ok(()) => String::from("(finished)"),
            Err(e) => e.to_string(),
        };
        let _ = tx.send((msg, took, lua.cost()));
    });
    rx.recv_timeout(Duration::from_secs(60))
        .expect("the budget did not stop the run within a minute")
}

#[test]
fn string_rep_costs_its_bytes() {
    let small = cost("local s = string.rep('x', 10)");
    let big = cost("local s = string.rep('x', 1000000)");
    let want = bytes(1_000_000) - bytes(10);
    assert!(
        big - small >= want - 2 && big - small <= want + 2,
        "rep of 1e6 bytes costs {} more than rep of 10, expected about {want}",
        big - small
    );
    // With a separator, the separators are bytes too.
    let sep = cost("local s = string.rep('x', 1000000, ',')");
    assert!(sep - big >= bytes(999_999) - 2, "{sep} vs {big}");
}

/// Pairs of scripts with the same setup, where the second does the same
/// operation on far more data; the difference must cover the data's charge.
#[test]
fn work_grows_with_data_size() {
    let setup = "local s = string.rep('x', 1000000) \
                 local t = {} for i = 1, 100000 do t[i] = 'ab' end ";
    let cases: &[(&str, &str, &str, u64)] = &[
        (
            "sub",
            "local r = s:sub(1, 10)",
            "local r = s:sub(1, -2)",
            bytes(999_999),
        ),
        (
            "upper",
            "local r = ('x'):upper()",
            "local r = s:upper()",
            bytes(1_000_000),
        ),
        (
            "reverse",
            "local r = ('x'):reverse()",
            "local r = s:reverse()",
            bytes(1_000_000),
        ),
        (
            "byte",
            "local r = s:byte(1, 10)",
            "local r = s:byte(1, 100000)",
            elements(100_000),
        ),
        (
            "format",
            "local r = ('%s'):format('x')",
            "local r = ('%s!'):format(s)",
            bytes(1_000_000),
        ),
        (
            "format %q",
            "local r = ('%q'):format('x')",
            "local r = ('%q'):format(s)",
            bytes(1_000_000),
        ),
        (
            "concat op",
            "local r = 'x' .. 'y'",
            "local r = s .. 'y'",
            bytes(1_000_000),
        ),
        (
            "find plain",
            "local r = s:find('y', 999990, true)",
            "local r = s:find('y', 1, true)",
            bytes(999_000),
        ),
        (
            "find pattern",
            "local r = s:find('y+', 999990)",
            "local r = s:find('y+')",
            steps(999_000),
        ),
        (
            "find set",
            "local r = s:find('[y]', 999990)",
            "local r = s:find('[y]')",
            steps(999_000),
        ),
        (
            "match",
            "local r = s:match('x*', 999990)",
            "local r = s:match('x*')",
            steps(999_000),
        ),
        (
            "gmatch",
            "for w in s:gmatch('x+', 999990) do end",
            "for w in s:gmatch('x+') do end",
            steps(999_000),
        ),
        (
            "gsub",
            "local r = s:gsub('x', 'z', 10)",
            "local r = s:gsub('x', 'z')",
            steps(999_000),
        ),
        (
            "gsub tail",
            "local r = s:gsub('^y', 'z')",
            "local r = s:gsub('^x', 'z')",
            bytes(999_000),
        ),
        (
            "table.concat",
            "local r = table.concat(t, ',', 1, 10)",
            "local r = table.concat(t, ',')",
            bytes(299_999),
        ),
        (
            "table.insert",
            "table.insert(t, 'c')",
            "table.insert(t, 1, 'c')",
            elements(100_000),
        ),
        (
            "table.remove",
            "table.remove(t)",
            "table.remove(t, 1)",
            elements(99_999),
        ),
        (
            "table.move",
            "table.move(t, 1, 10, 1, {})",
            "table.move(t, 1, #t, 1, {})",
            elements(100_000),
        ),
        (
            "table.unpack",
            "local a = table.unpack(t, 1, 10)",
            "local a = table.unpack(t)",
            elements(100_000),
        ),
        (
            "select",
            "local a = select(2, 1, 2)",
            "local a = select(2, table.unpack(t))",
            elements(2 * 99_990),
        ),
        (
            "tonumber",
            "local r = tonumber('1')",
            "local r = tonumber(s)",
            bytes(1_000_000),
        ),
        (
            "coercion",
            "local r = math.abs('1')",
            "local r = pcall(math.abs, s)",
            bytes(1_000_000),
        ),
        (
            "utf8.len",
            "local r = utf8.len(s, 1, 10)",
            "local r = utf8.len(s)",
            bytes(999_990),
        ),
        (
            "utf8.codepoint",
            "local r = utf8.codepoint(s, 1, 10)",
            "local r = utf8.codepoint(s, 1, 100000)",
            elements(100_000),
        ),
        (
            "utf8.offset",
            "local r = utf8.offset(s, 10)",
            "local r = utf8.offset(s, 900000)",
            bytes(899_999),
        ),
        (
            "utf8.codes",
            "local c = ('\\128'):rep(1000000) .. 'a' for _ in utf8.codes('a') do end",
            "local c = ('\\128'):rep(1000000) .. 'a' for _ in utf8.codes(c) do end",
            bytes(999_000),
        ),
        ("print", "print('x')", "print(s)", bytes(1_000_000)),
        (
            "load",
            "local src = 'return 1 --' .. s local f = load('return 1')",
            "local src = 'return 1 --' .. s local f = load(src)",
            bytes(1_000_000),
        ),
        (
            "string.pack",
            "local r = string.pack('s', 'x')",
            "local r = string.pack('s', s)",
            bytes(1_000_000),
        ),
        (
            "string.unpack",
            "local r = string.unpack('c10', s)",
            "local r = string.unpack('c999999', s)",
            bytes(999_990),
        ),
    ];
    let mut bad = Vec::new();
    for &(name, small, big, min) in cases {
        let cs = cost(&format!("{setup} {small}"));
        let cb = cost(&format!("{setup} {big}"));
        // A few units of slack for rounding and different argument loading.
        if cb + 10 < cs + min {
            bad.push(format!(
                "{name}: {cb} - {cs} = {} < {min}",
                cb as i64 - cs as i64
            ));
        }
    }
    assert!(bad.is_empty(), "not charged by size:\n{}", bad.join("\n"));
}

#[test]
fn small_searches_cost_what_they_scan() {
    // A match near the start of a long string is cheap: searches are charged
    // by the bytes they examine, not by the subject's length.
    let setup = "local s = string.rep('x', 1000000) .. 'y' ";
    let near = cost(&format!("{setup} local r = s:find('x', 1, true)"));
    let far = cost(&format!("{setup} local r = s:find('y', 1, true)"));
    assert!(far - near >= bytes(999_000), "{far} vs {near}");
    let base = cost(&format!("{setup} local r = 1"));
    assert!(
        near - base <= 10,
        "a find that stops at once cost {}",
        near - base
    );
}

#[test]
fn pattern_bomb_is_stopped_by_the_budget() {
    let bombs = [
        "string.find(string.rep('a', 300000), string.rep('a*', 30) .. 'b')",
        "string.match(string.rep('a', 300000), string.rep('a-', 30) .. 'b')",
        "string.gsub(string.rep('a', 300000), string.rep('a*', 30) .. 'b', '')",
        "for m in string.gmatch(string.rep('a', 300000), string.rep('a?', 100) .. 'b') do end",
        // Naive plain search: every position fails at the last byte.
        "string.find(string.rep('a', 300000), string.rep('a', 3000) .. 'b', 1, true)",
        // A big set is scanned at every test of a subject byte.
        "string.find(string.rep('a', 300000), '[' .. string.rep('b', 300000) .. ']')",
        // Balanced-match scans from every position.
        "string.find(string.rep('(', 300000), '%b()')",
    ];
    for src in bombs {
        let (msg, took, used) = run_with_budget(src, 1_000_000);
        assert!(msg.contains("budget exhausted"), "{src}: {msg}");
        assert!(used <= 1_000_000, "{src}: cost {used} over the budget");
        assert!(took < Duration::from_secs(10), "{src}: took {took:?}");
    }
}

#[test]
fn budget_errors_from_natives_pass_pcall() {
    let src = "local ok, e = pcall(string.rep, 'x', 10000000) error('caught: ' .. tostring(e))";
    let (msg, _, _) = run_with_budget(src, 100_000);
    assert!(msg.contains("budget exhausted"), "{msg}");
    let src =
        "local ok, e = pcall(string.find, string.rep('a', 100000), string.rep('a*', 20) .. 'b') \
               error('caught: ' .. tostring(e))";
    let (msg, _, _) = run_with_budget(src, 1_000_000);
    assert!(msg.contains("budget exhausted"), "{msg}");
}

#[test]
fn sort_is_charged_per_comparison() {
    let sort_cost = |n: usize, cmp: &str| {
        let lua = state();
        let fill = format!(
            "math.randomseed(42) t = {{}} for i = 1, {n} do t[i] = math.random(1, 1000000) end"
        );
        exec(&lua, &fill, "fill").unwrap();
        let before = lua.cost();
        exec(&lua, &format!("table.sort(t{cmp})"), "sort").unwrap();
        lua.cost() - before
    };
    let small = sort_cost(100, "");
    let big = sort_cost(10_000, "");
    // Quicksort makes about n log2 n comparisons.
    let compares = 10_000 * 13 / 2;
    let min = units(compares, |m| m.compare_milli);
    assert!(
        big >= min,
        "sorting 10000 numbers cost {big}, expected at least {min}"
    );
    assert!(
        big > 50 * small,
        "10000 elements: {big}, 100 elements: {small}"
    );
    // With a comparator, its instructions are charged on top of the comparisons.
    let with_cmp = sort_cost(10_000, ", function(a, b) return a < b end");
    assert!(with_cmp > big + compares as u64, "{with_cmp} vs {big}");
}

#[test]
fn huge_rep_fails_on_the_memory_quota_before_allocating() {
    let quota = 64 << 20;
    let lua = state();
    lua.set_max_string(1 << 40); // the string cap does not stop it first
    lua.set_memory_limit(quota).unwrap();
    let t = Instant::now();
    let err = exec(&lua, "local s = string.rep('x', 2^30)", "huge.lua").unwrap_err();
    assert!(err.to_string().contains("not enough memory"), "{err}");
    assert!(
        lua.used_memory() <= quota,
        "heap {} over the quota",
        lua.used_memory()
    );
    // Nothing was built: filling a GiB would take far longer.
    assert!(
        t.elapsed() < Duration::from_secs(2),
        "took {:?}",
        t.elapsed()
    );
    #[cfg(target_os = "linux")]
    {
        let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
        let peak_kb: u64 = status
            .lines()
            .find_map(|l| l.strip_prefix("VmHWM:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap_or(0);
        assert!(
            peak_kb < 900 * 1024,
            "peak RSS {peak_kb} kB: the GiB was allocated"
        );
    }
    // The State is healthy afterwards.
    assert_eq!(
        eval_int(&lua, "return #string.rep('x', 1000)", "after").unwrap(),
        1000
    );
    // Under the default string cap the same call is a catchable error.
    let lua = state();
    let n = eval_int(
        &lua,
        "local ok, e = pcall(string.rep, 'x', 2^30) \
         assert(not ok and e:find('resulting string too large'), e) return 1",
        "cap.lua",
    )
    .unwrap();
    assert_eq!(n, 1);
}

#[test]
fn big_results_are_checked_against_the_quota_before_they_are_built() {
    let quota = 16 << 20;
    let setup = "local a = string.rep('x', 6 * 2^20) ";
    let cases = [
        "local b = a .. a .. a",
        "local b = table.concat({a, a, a})",
        "local b = string.format('%s%s%s', a, a, a)",
        "local b = string.format('%q%q', a, a)",
        "local b = a:gsub('x', 'xxx')",
        "local b = a:gsub('x+', '%0%0%0')",
        "local b = a:gsub('x+', function(m) return m .. m .. m end)",
        "local b = a:rep(3)",
        "local b = a:upper() .. a:lower()",
        "local b = string.pack('c' .. (1 << 30), '')",
        "local b = string.pack('sss', a, a, a)",
        "local b = table.move({}, 1, 2^24, 1, {})",
        "local b = load(function() return a end)",
    ];
    for c in cases {
        let lua = state();
        lua.set_max_string(1 << 40);
        lua.set_memory_limit(quota).unwrap();
        let err = exec(&lua, &format!("{setup}{c}"), "quota.lua").unwrap_err();
        assert!(err.to_string().contains("not enough memory"), "{c}: {err}");
        assert!(
            lua.used_memory() <= quota,
            "{c}: heap {} over the quota",
            lua.used_memory()
        );
    }
}

const MIXED: &str = r##"
local t = {}
for i = 1, 2000 do t[i] = string.format("%05d:%s", (i * 7919) % 2000, ("ab"):rep(i % 7)) end
table.sort(t)
table.sort(t, function(a, b) return #a < #b or (#a == #b and a > b) end)
local s = table.concat(t, ",")
local n = 0
for w in s:gmatch("%d+") do n = n + #w end
local g = s:gsub("(%d)(%d)", function(a, b) return b .. a end)
local r = s:gsub("ab", "%0-")
local found = select("#", s:find("(1)(2)(3)"))
local u = utf8.char(table.unpack({72, 233, 8364, 128512}))
local packed = string.pack("i4s2z", 7, u, "end")
local a, b, c = string.unpack("i4s2z", packed)
local total = 0
for _, cp in utf8.codes(u .. g:sub(1, 100)) do total = total + cp end
print(n, #g, #r, found, #packed, a, b, c, total, s:upper():len(), s:rep(3, "|"):len())
return n + #g + #r + total
"##;

#[test]
fn the_same_script_costs_the_same_every_time() {
    let run = || {
        let lua = state();
        let v = lua
            .load(MIXED)
            .set_name("=mixed.lua")
            .eval::<MultiValue>()
            .unwrap();
        (lua.cost(), format!("{v:?}"))
    };
    let (c1, v1) = run();
    let (c2, v2) = run();
    assert_eq!(v1, v2);
    assert_eq!(c1, c2, "two runs of the same script");
    // The native work is a large part of it: an instruction-only model, where
    // native work is free, costs far less.
    let lua = state();
    lua.set_cost_model(CostModel::instructions());
    exec(&lua, MIXED, "mixed.lua").unwrap();
    assert!(lua.cost() + 10_000 < c1, "{} vs {c1}", lua.cost());
    // Run again in the same State: the same cost again.
    let lua = state();
    exec(&lua, MIXED, "mixed.lua").unwrap();
    let first = lua.cost();
    exec(&lua, MIXED, "mixed.lua").unwrap();
    assert_eq!(lua.cost() - first, first);
    // Run in small slices under the Pause policy (native calls run into debt
    // and pause afterwards): the same total.
    let lua = state();
    lua.set_policy(Policy::Pause);
    lua.set_budget(Some(500));
    let f = lua
        .load(MIXED)
        .set_name("=mixed.lua")
        .into_function()
        .unwrap();
    let mut run = lua.start_call(&f, ()).unwrap();
    let mut slices = 1;
    while let Run::Paused = run {
        lua.add_budget(500);
        slices += 1;
        run = lua.resume().unwrap();
    }
    assert!(slices > 20, "{slices} slices");
    assert_eq!(lua.cost(), c1, "sliced run");
}
