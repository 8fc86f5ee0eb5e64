//! Tasks: many budgeted runs paused at once in one State, resumed in any order,
//! each with the results, output and cost of the same call run alone unpaused.

use mani::{Error, Function, Lua, MultiValue, Task, TaskState, ThreadStatus, Value};

mod common;
use common::Sink;

/// A unit script: its work depends on its argument, and it pauses (with small
/// slices) inside loops, pcall, metamethods, iterators, coroutines, closures and
/// library calls that take Lua functions.
const UNIT: &str = r#"
local id = ...
local V = {}
V.__index = V
V.__add = function(a, b) return setmetatable({x = a.x + b.x}, V) end
V.__lt = function(a, b) return a.x < b.x end
V.__len = function(a) local n = 0 for i = 1, a.x % 7 do n = n + i end return n end
local lazy = setmetatable({}, {__index = function(t, k)
  local s = 0
  for i = 1, k do s = s + i * id end
  rawset(t, k, s)
  return s
end})
local function gen(n)
  return coroutine.wrap(function()
    for i = 1, n do coroutine.yield(i, lazy[i]) end
  end)
end
local acc = 0
for i, v in gen(10 + id % 13) do acc = acc + v + i end
local ok, err = pcall(function()
  local t = {}
  for i = 1, 20 + id % 5 do t[#t + 1] = setmetatable({x = i * id % 17}, V) end
  local sum = setmetatable({x = 0}, V)
  for _, v in ipairs(t) do sum = sum + v end
  acc = acc + sum.x + #sum
  if id % 3 == 0 then error("unit " .. id .. " failed on purpose") end
  return sum.x
end)
local words = {}
for w in string.gmatch(string.rep("ab cd ", id % 4 + 1), "%a+") do words[#words + 1] = w:upper() end
local sorted = {}
for i = 1, 12 do sorted[i] = (i * 7 + id) % 12 end
table.sort(sorted, function(a, b) return a > b end)
local s = string.gsub("x-y-z", "%a", function(c) return c .. id end)
print("unit", id, acc, ok, err, table.concat(words, ","), s)
local co = coroutine.create(function(a)
  local b = coroutine.yield(a * 2)
  for i = 1, 30 do b = b + i end
  return b
end)
local _, y = coroutine.resume(co, id)
local _, z = coroutine.resume(co, y)
print(string.format("%d:%s:%d", id, table.concat(sorted, " "), z))
return id, acc, z, ok
"#;

/// Results rendered as text, for comparison.
fn show(vals: &MultiValue) -> String {
    vals.iter()
        .map(|v| match v {
            Value::Integer(i) => i.to_string(),
            Value::Boolean(b) => b.to_string(),
            Value::String(s) => s.to_string_lossy(),
            other => other.type_name().to_string(),
        })
        .collect::<Vec<_>>()
        .join(",")
}

/// Runs `src` with `arg` as a plain call in a fresh State: (results, output, cost).
fn alone(src: &str, arg: i64) -> (String, String, u64) {
    let lua = Lua::new();
    let sink = Sink::default();
    lua.set_output(Box::new(sink.clone()));
    let f = lua.load(src).set_name("=unit.lua").into_function().unwrap();
    let before = lua.cost();
    let vals: MultiValue = f.call(arg).unwrap();
    let cost = lua.cost() - before;
    lua.flush_output().unwrap();
    (show(&vals), sink.text(), cost)
}

#[test]
fn two_hundred_tasks_round_robin_match_unpaused_runs() {
    let lua = Lua::new();
    let f = lua
        .load(UNIT)
        .set_name("=unit.lua")
        .into_function()
        .unwrap();
    let n = 200;
    let mut tasks: Vec<(Task, Sink, Option<String>, u64)> = (0..n)
        .map(|id| {
            let mut t = lua.spawn(&f, id).unwrap();
            let sink = Sink::default();
            t.set_output(Box::new(sink.clone()));
            (t, sink, None, 0)
        })
        .collect();
    let mut frame = 0u64;
    while tasks.iter().any(|t| t.2.is_none()) {
        frame += 1;
        assert!(frame < 100_000, "tasks do not finish");
        // Budgets vary by task and frame, so pauses land everywhere.
        for (i, (task, _, done, slices)) in tasks.iter_mut().enumerate() {
            if done.is_some() {
                continue;
            }
            let budget = 1 + (i as u64 * 7 + frame * 13) % 40;
            *slices += 1;
            match task.resume(budget).unwrap() {
                TaskState::Done(v) => *done = Some(show(&v)),
                TaskState::Paused => assert_eq!(task.status(), ThreadStatus::Paused),
            }
        }
    }
    for (id, (task, sink, done, slices)) in tasks.iter().enumerate() {
        let (res, out, cost) = alone(UNIT, id as i64);
        assert_eq!(done.as_deref(), Some(res.as_str()), "task {id} results");
        assert_eq!(sink.text(), out, "task {id} output");
        assert_eq!(task.cost(), cost, "task {id} cost");
        assert!(*slices > 50, "task {id} paused only {slices} times");
        assert_eq!(task.status(), ThreadStatus::Finished);
    }
}

/// Runs `task` to its end in slices of `slice` units; returns (results, slices).
fn finish(task: &mut Task, slice: u64) -> mani::Result<(MultiValue, u64)> {
    let mut slices = 0;
    loop {
        slices += 1;
        if let TaskState::Done(v) = task.resume(slice)? {
            return Ok((v, slices));
        }
    }
}

#[test]
fn pauses_inside_pcall_metamethods_iterators_and_coroutines() {
    let cases = [
        // pcall, and an error caught by it after pausing.
        "local ok, e = pcall(function() local s = 0 for i = 1, 200 do s = s + i end error(s) end) return e",
        // xpcall (its message handler is native work: it runs into debt).
        "return select(2, xpcall(function() local s = 0 for i = 1, 100 do s = s + i end error(s) end, function(m) return m .. '!' end))",
        // __index, __newindex, __eq, __concat, __call and __close metamethods.
        "local log = {} local mt = {__index = function(t, k) local s = 0 for i = 1, k do s = s + i end return s end, \
          __newindex = function(t, k, v) for i = 1, 50 do end rawset(t, k, v * 2) end, \
          __concat = function(a, b) local s = '' for i = 1, 10 do s = s .. i end return s end, \
          __call = function(self, x) for i = 1, 40 do x = x + 1 end return x end} \
          local t = setmetatable({}, mt) t.z = 4 \
          do local c <close> = setmetatable({}, {__close = function() for i = 1, 30 do end log[#log + 1] = 'closed' end}) end \
          return t[100] + t.z + t(1), t .. 'x', log[1]",
        // A generic for over a Lua iterator, and __pairs.
        "local function it(n) local i = 0 return function() i = i + 1 for _ = 1, 20 do end if i <= n then return i end end end \
          local s = 0 for v in it(30) do s = s + v end \
          local p = setmetatable({}, {__pairs = function(t) return it(10), t, nil end}) \
          for v in pairs(p) do s = s + v end return s",
        // Coroutines nested two deep, pausing in the inner one.
        "local function inner() for i = 1, 5 do local s = 0 for j = 1, 30 do s = s + j end coroutine.yield(s) end end \
          local outer = coroutine.wrap(function() for v in coroutine.wrap(inner) do coroutine.yield(v + 1) end end) \
          local s = 0 for v in outer do s = s + v end return s",
        // Library functions calling back into Lua (run into debt, pause after).
        "local t = {} for i = 1, 50 do t[i] = (i * 37) % 50 end table.sort(t, function(a, b) for i = 1, 5 do end return a < b end) \
          local s = string.gsub('abcabc', 'b', function(c) local n = 0 for i = 1, 20 do n = n + i end return n end) return t[1] .. t[50] .. s",
    ];
    for (i, src) in cases.iter().enumerate() {
        let (whole, _, cost) = alone(src, 0);
        for slice in [1, 2, 5, 17] {
            let lua = Lua::new();
            let f = lua
                .load(*src)
                .set_name("=unit.lua")
                .into_function()
                .unwrap();
            let mut task = lua.spawn(&f, ()).unwrap();
            let (v, slices) = finish(&mut task, slice).unwrap();
            assert_eq!(show(&v), whole, "case {i} slice {slice}");
            assert_eq!(task.cost(), cost, "case {i} slice {slice} cost");
            // Each slice ends at most one segment (or one native call) past its
            // budget, so small slices mean many pauses.
            // (Not the last case: a sort comparator cannot pause.)
            let pausable = i + 1 < cases.len();
            assert!(
                !pausable || slices * slice * 4 >= cost,
                "case {i} slice {slice}: {slices} slices"
            );
            assert!(slices > 2, "case {i} slice {slice}: {slices} slices");
        }
    }
}

#[test]
fn lua_called_from_a_rust_callback_runs_into_debt_then_the_task_pauses() {
    let lua = Lua::new();
    let each = lua
        .create_function(|_, (f, n): (Function, i64)| {
            let mut s = 0;
            for i in 1..=n {
                s += f.call::<i64>(i)?;
            }
            Ok(s)
        })
        .unwrap();
    lua.globals().set("each", each).unwrap();
    let src = "local s = 0 for i = 1, 10 do s = s + each(function(x) local y = 0 for j = 1, x do y = y + j end return y end, 20) end return s";
    let (whole, _, cost) = alone_with(&lua, src);
    let f = lua.load(src).set_name("=unit.lua").into_function().unwrap();
    let mut task = lua.spawn(&f, ()).unwrap();
    let (mut slices, mut debts) = (0, 0);
    let v = loop {
        slices += 1;
        match task.resume(50).unwrap() {
            TaskState::Done(v) => break v,
            // The callback ran past the slice: the debt is paid from the next one.
            TaskState::Paused => debts += (task.balance() < 0) as u32,
        }
    };
    assert!(debts > 0);
    assert_eq!(show(&v), whole);
    assert_eq!(task.cost(), cost);
    assert!(slices >= 10, "{slices} slices");
}

/// Runs `src` as a plain call in `lua`: (results, output, cost).
fn alone_with(lua: &Lua, src: &str) -> (String, String, u64) {
    let f = lua.load(src).set_name("=unit.lua").into_function().unwrap();
    let before = lua.cost();
    let vals: MultiValue = f.call(()).unwrap();
    (show(&vals), String::new(), lua.cost() - before)
}

#[test]
fn a_task_runs_like_the_main_thread() {
    let src = "local co, main = coroutine.running() \
      local ok, e = pcall(coroutine.yield, 1) \
      return main, coroutine.isyieldable(), ok, e";
    let (whole, _, _) = alone(src, 0);
    assert_eq!(
        whole,
        "true,false,false,attempt to yield from outside a coroutine"
    );
    let lua = Lua::new();
    let f = lua.load(src).into_function().unwrap();
    let mut task = lua.spawn(&f, ()).unwrap();
    let (v, _) = finish(&mut task, 3).unwrap();
    assert_eq!(show(&v), whole);
}

#[test]
fn a_paused_task_cannot_be_resumed_or_closed_from_lua() {
    let lua = Lua::new();
    let f = lua
        .load("_G.me = coroutine.running() for i = 1, 1000 do end return 1")
        .into_function()
        .unwrap();
    let mut task = lua.spawn(&f, ()).unwrap();
    assert!(matches!(task.resume(20).unwrap(), TaskState::Paused));
    let (st, r1, r2): (String, String, String) = lua
        .load("return coroutine.status(me), select(2, coroutine.resume(me)), select(2, pcall(coroutine.close, me))")
        .eval()
        .unwrap();
    assert_eq!(st, "normal");
    assert_eq!(r1, "cannot resume non-suspended coroutine");
    assert_eq!(r2, "cannot close a normal coroutine");
    // Nor through its `Thread` handle, which would bypass the task's budget.
    assert!(matches!(
        task.thread().resume::<()>(()),
        Err(Error::CoroutineUnresumable)
    ));
    let (v, _) = finish(&mut task, 1000).unwrap();
    assert_eq!(show(&v), "1");
    assert!(matches!(
        task.resume(10),
        Err(Error::CoroutineUnresumable) | Err(Error::RuntimeError(_))
    ));
}

#[test]
fn a_task_error_names_file_and_line_and_closes_pending_variables() {
    let lua = Lua::new();
    let sink = Sink::default();
    lua.set_output(Box::new(sink.clone()));
    let f = lua
        .load("local c <close> = setmetatable({}, {__close = function(_, e) print('closed', e) end})\nfor i = 1, 100 do end\nerror('boom')")
        .set_name("=unit.lua")
        .into_function()
        .unwrap();
    let mut task = lua.spawn(&f, ()).unwrap();
    let err = finish(&mut task, 4).unwrap_err();
    let Error::RuntimeError(m) = err else {
        panic!("{err:?}")
    };
    assert!(m.starts_with("unit.lua:3: boom\nstack traceback:"), "{m}");
    assert_eq!(task.status(), ThreadStatus::Error);
    lua.flush_output().unwrap();
    assert_eq!(sink.text(), "closed\tunit.lua:3: boom\n");
}

#[test]
fn limits_of_the_state_still_stop_a_task() {
    let lua = Lua::new();
    lua.set_step_limit(Some(10_000));
    let f = lua.load("while true do end").into_function().unwrap();
    let mut task = lua.spawn(&f, ()).unwrap();
    let err = finish(&mut task, 100).unwrap_err();
    assert!(matches!(err, Error::StepLimit(_)), "{err:?}");
    lua.set_step_limit(None);
    lua.set_memory_limit(200_000).unwrap();
    let f = lua
        .load("local t = {} for i = 1, 1e7 do t[i] = i end")
        .into_function()
        .unwrap();
    let mut task = lua.spawn(&f, ()).unwrap();
    let err = finish(&mut task, 1000).unwrap_err();
    assert!(matches!(err, Error::MemoryError(_)), "{err:?}");
    assert_eq!(task.status(), ThreadStatus::Error);
}

#[test]
fn task_costs_count_in_the_state_and_its_budget_caps_them() {
    let lua = Lua::new();
    lua.set_budget(Some(1_000_000));
    let before = lua.cost();
    let f = lua
        .load("local s = 0 for i = 1, 500 do s = s + i end return s")
        .into_function()
        .unwrap();
    let mut task = lua.spawn(&f, ()).unwrap();
    let (v, _) = finish(&mut task, 30).unwrap();
    assert_eq!(show(&v), "125250");
    assert_eq!(lua.cost() - before, task.cost());
    // The State's own budget is a total over every run, tasks included: an endless
    // task paused every 30 units still ends when the State's 2,000 units are spent.
    lua.set_budget(Some(2_000));
    let f = lua.load("while true do end").into_function().unwrap();
    let mut task = lua.spawn(&f, ()).unwrap();
    let mut slices = 0;
    let err = loop {
        slices += 1;
        assert!(slices < 1_000, "the State's budget did not stop the task");
        match task.resume(30) {
            Ok(TaskState::Paused) => {}
            Ok(TaskState::Done(_)) => panic!("an endless loop finished"),
            Err(e) => break e,
        }
    };
    assert!(err.to_string().contains("budget exhausted"), "{err}");
    assert!(slices > 50, "{slices} slices");
    lua.set_budget(Some(10));
    assert!(lua.load("for i = 1, 100 do end").exec().is_err());
}

#[test]
fn a_coroutine_resumed_by_the_host_keeps_to_the_budget() {
    let lua = Lua::new();
    let co: mani::Thread = lua
        .load("coroutine.create(function() local s = 0 for i = 1, 10000 do s = s + i end coroutine.yield(s) return 'end' end)")
        .eval()
        .unwrap();
    // Error policy: the budget stops it.
    lua.set_budget(Some(500));
    let err = co.resume::<i64>(()).unwrap_err();
    assert!(matches!(err, Error::BudgetExhausted(_)), "{err:?}");
    // Pause policy: it pauses and continues where it stopped.
    lua.set_budget(None);
    let co: mani::Thread = lua
        .load("coroutine.create(function() local s = 0 for i = 1, 10000 do s = s + i end coroutine.yield(s) return 'end' end)")
        .eval()
        .unwrap();
    lua.set_policy(mani::meter::Policy::Pause);
    lua.set_budget(Some(500));
    let before = lua.cost();
    assert!(matches!(co.resume::<i64>(()), Err(Error::Paused)));
    assert!(lua.cost() - before <= 500);
    assert_eq!(co.status(), ThreadStatus::Paused);
    let mut pauses = 1;
    let s = loop {
        lua.add_budget(500);
        match co.resume::<i64>(()) {
            Ok(s) => break s,
            Err(Error::Paused) => pauses += 1,
            Err(e) => panic!("{e}"),
        }
    };
    assert_eq!(s, 50005000);
    assert!(pauses > 10);
    lua.set_budget(None);
    assert_eq!(co.resume::<String>(()).unwrap(), "end");
}

/// An async callback that calls a Lua function for 1..=n and sums the results.
fn async_each(lua: &Lua) {
    let each = lua
        .create_async_function(|_, (f, n): (Function, i64)| async move {
            let mut s = 0;
            for i in 1..=n {
                s += f.call_async::<i64>(i).await?;
            }
            Ok(s)
        })
        .unwrap();
    lua.globals().set("each", each).unwrap();
}

#[test]
fn lua_called_from_an_async_callback_pauses_inside_it() {
    let lua = Lua::new();
    async_each(&lua);
    let src = "local s = 0 for i = 1, 10 do s = s + each(function(x) local y = 0 for j = 1, x do y = y + j end return y end, 20) end return s";
    let (whole, _, cost) = alone_with(&lua, src);
    assert_eq!(whole, "15400");
    for slice in [1, 7, 50] {
        let f = lua.load(src).set_name("=unit.lua").into_function().unwrap();
        let mut task = lua.spawn(&f, ()).unwrap();
        let mut slices = 0u64;
        let v = loop {
            slices += 1;
            match task.resume(slice).unwrap() {
                TaskState::Done(v) => break v,
                // No debt: the pause happened inside the Lua the callback called.
                TaskState::Paused => assert!(task.balance() >= 0, "slice {slice}"),
            }
        };
        assert_eq!(show(&v), whole);
        assert_eq!(task.cost(), cost, "slice {slice}");
        assert!(slices * slice * 2 >= cost, "slice {slice}: {slices} slices");
    }
}

#[test]
fn an_async_callback_can_wait_for_the_next_slice() {
    use std::future::Future;
    use std::pin::Pin;
    use std::task::{Context, Poll};
    /// Not ready the first time it is polled: waits one frame.
    struct NextFrame(bool);
    impl Future for NextFrame {
        type Output = ();
        fn poll(mut self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<()> {
            if std::mem::replace(&mut self.0, true) {
                Poll::Ready(())
            } else {
                Poll::Pending
            }
        }
    }
    let lua = Lua::new();
    let wait = lua
        .create_async_function(|_, n: i64| async move {
            for _ in 0..n {
                NextFrame(false).await;
            }
            Ok(n * 10)
        })
        .unwrap();
    lua.globals().set("wait", wait).unwrap();
    let f = lua
        .load("local a = wait(3) local b = wait(1) return a + b")
        .into_function()
        .unwrap();
    let mut task = lua.spawn(&f, ()).unwrap();
    let (v, frames) = run_to_end(&mut task);
    assert_eq!(show(&v), "40");
    assert_eq!(frames, 5);
    // Under pcall it parks like anywhere else in Lua code.
    let f = lua.load("return pcall(wait, 2)").into_function().unwrap();
    let mut task = lua.spawn(&f, ()).unwrap();
    let (v, frames) = run_to_end(&mut task);
    assert_eq!((show(&v).as_str(), frames), ("true,20", 3));
    // Where it cannot park (called by a native function), waiting is an error,
    // not a hang.
    let f = lua
        .load("return pcall(table.sort, {1, 2}, function(a, b) wait(1) return a < b end)")
        .into_function()
        .unwrap();
    let mut task = lua.spawn(&f, ()).unwrap();
    let TaskState::Done(v) = task.resume(1_000_000).unwrap() else {
        panic!("a wait inside sort paused")
    };
    assert_eq!(
        show(&v),
        "false,an async function cannot wait here (it was called by a native function)"
    );
}

#[test]
fn a_dropped_task_drops_its_parked_future() {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;
    static DROPS: AtomicUsize = AtomicUsize::new(0);
    struct Flag;
    impl Drop for Flag {
        fn drop(&mut self) {
            DROPS.fetch_add(1, Ordering::SeqCst);
        }
    }
    let lua = Lua::new();
    let _keep = Arc::new(());
    let f = lua
        .create_async_function(|_, g: Function| async move {
            let _flag = Flag;
            g.call_async::<()>(()).await
        })
        .unwrap();
    lua.globals().set("f", f).unwrap();
    let body = lua
        .load("f(function() for i = 1, 1000 do end end)")
        .into_function()
        .unwrap();
    let mut task = lua.spawn(&body, ()).unwrap();
    assert!(matches!(task.resume(30).unwrap(), TaskState::Paused));
    assert_eq!(DROPS.load(Ordering::SeqCst), 0);
    drop(task);
    lua.gc_collect().unwrap();
    lua.gc_collect().unwrap();
    assert_eq!(DROPS.load(Ordering::SeqCst), 1);
    // The State is still fine.
    assert_eq!(lua.load("return 1 + 1").eval::<i64>().unwrap(), 2);
}

#[test]
fn a_callback_that_returns_paused_ends_the_call_and_leaves_nothing_pending() {
    let lua = Lua::new();
    let f = lua
        .create_function(|_, ()| -> mani::Result<()> { Err(Error::Paused) })
        .unwrap();
    lua.globals().set("pause_me", f).unwrap();
    lua.set_policy(mani::meter::Policy::Pause);
    let body = lua.load("pause_me() return 1").into_function().unwrap();
    let err = lua.start_call(&body, ()).unwrap_err();
    assert!(matches!(err, Error::BudgetExhausted(_)), "{err:?}");
    assert!(!lua.is_paused());
    // The State takes new calls, and tasks see the same.
    let ok = lua.load("return 2").into_function().unwrap();
    assert!(matches!(
        lua.start_call(&ok, ()).unwrap(),
        mani::Run::Done(_)
    ));
    let mut task = lua.spawn(&body, ()).unwrap();
    assert!(matches!(task.resume(1000), Err(Error::BudgetExhausted(_))));
    assert_eq!(task.status(), ThreadStatus::Error);
}

/// Resumes `task` with a large budget until it is done: its values and how many
/// slices it took.
fn run_to_end(task: &mut Task) -> (MultiValue, usize) {
    let mut frames = 1;
    loop {
        match task.resume(1_000_000).unwrap() {
            TaskState::Done(v) => return (v, frames),
            TaskState::Paused => frames += 1,
        }
    }
}
