//! Running generated programs under limits and recording what they did.

use mani::meter::Policy;
use mani::{Lua, TaskState};
use std::io::Write;
use std::sync::{Arc, Mutex};

/// The limits a fuzzed program runs under.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    pub budget: Option<u64>,
    pub steps: Option<u64>,
    pub memory: usize,
}

/// Small enough that one execution takes milliseconds.
pub const SMALL: Limits = Limits {
    budget: Some(200_000),
    steps: Some(400_000),
    memory: 8 << 20,
};

/// What a run printed and how it ended.
#[derive(Debug, PartialEq, Eq)]
pub struct Outcome {
    pub output: Vec<u8>,
    pub result: String,
}

/// A `Write` that appends to a buffer the harness keeps.
#[derive(Clone, Default)]
struct Shared(Arc<Mutex<Vec<u8>>>);

impl Write for Shared {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(b);
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn state(l: &Limits, out: &Shared) -> Lua {
    let lua = Lua::new();
    lua.set_output(Box::new(out.clone()));
    lua.set_budget(l.budget);
    lua.set_step_limit(l.steps);
    lua.set_memory_limit(l.memory).expect("memory limit");
    lua
}

fn finish(lua: &Lua, out: &Shared, result: String) -> Outcome {
    let _ = lua.flush_output();
    let output = std::mem::take(&mut *out.0.lock().unwrap());
    Outcome { output, result }
}

/// Runs `src` as one host call under the Error policy.
pub fn run_call(src: &str, l: &Limits) -> (Lua, Outcome) {
    let out = Shared::default();
    let lua = state(l, &out);
    let result = match lua.load(src).set_name("=fuzz").exec() {
        Ok(()) => "ok".to_string(),
        Err(e) => format!("error: {e}"),
    };
    let o = finish(&lua, &out, result);
    (lua, o)
}

/// Runs `src` as a task given `slice` units at a time (`u64::MAX`: in one go),
/// under the Pause policy, for at most `max_slices` slices.
pub fn run_task(src: &str, l: &Limits, slice: u64, max_slices: u64) -> (Lua, Outcome) {
    let out = Shared::default();
    let lua = state(l, &out);
    lua.set_budget(None);
    lua.set_policy(Policy::Pause);
    let result = (|| {
        let f = lua.load(src).set_name("=fuzz").into_function()?;
        let mut task = lua.spawn(&f, ())?;
        for _ in 0..max_slices {
            if let TaskState::Done(_) = task.resume(slice)? {
                return Ok(format!("ok, cost {}", task.cost()));
            }
        }
        Ok::<_, mani::Error>("unfinished".to_string())
    })();
    let result = match result {
        Ok(s) => s,
        Err(e) => format!("error: {e}"),
    };
    let o = finish(&lua, &out, result);
    (lua, o)
}

/// After any run, the State must still run ordinary code.
pub fn assert_healthy(lua: &Lua) {
    lua.set_policy(Policy::Error);
    lua.set_budget(Some(1_000_000));
    lua.set_step_limit(None);
    lua.set_memory_limit(64 << 20).expect("memory limit");
    let v: i64 = lua
        .load("local t = {} for i = 1, 100 do t[i] = i end return #t + select('#', 1, 2)")
        .set_name("=health")
        .eval()
        .expect("the State runs ordinary code after a fuzzed program");
    assert_eq!(v, 102);
}
