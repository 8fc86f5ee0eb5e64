//! The hostile-script corpus: each `tests/hostile/<name>.lua` declares its limits and
//! the error it must end with:
//!
//! ```text
//! -- limits: budget=N steps=N memory=BYTES   (k/m suffixes allowed)
//! -- expect: <substring of the error message>
//! ```
//!
//! Every script runs in a sandboxed State on its own thread with a time limit. It
//! must end with the expected error, within its budget and quota, and the State
//! must run ordinary code afterwards. A second pass runs each script under the Pause
//! policy in slices: the host keeps control (each slice returns), limits that are
//! errors stay errors, and a cancelled call leaves the State usable.

use mani::meter::{Limit, Policy};
use mani::{Lua, Run};
use std::path::PathBuf;
use std::sync::mpsc;
use std::time::Duration;

/// Per-script wall-clock limit (debug builds are slow; a hang is far slower).
const TIMEOUT: Duration = Duration::from_secs(60);

#[derive(Debug, Default, Clone)]
struct Spec {
    budget: Option<u64>,
    steps: Option<u64>,
    memory: Option<usize>,
    expect: String,
}

fn parse_num(v: &str) -> u64 {
    let (n, mul) = match v.as_bytes().last() {
        Some(b'k') => (&v[..v.len() - 1], 1 << 10),
        Some(b'm') => (&v[..v.len() - 1], 1 << 20),
        _ => (v, 1),
    };
    n.parse::<u64>().expect("number") * mul
}

fn spec(src: &str) -> Spec {
    let mut s = Spec::default();
    for line in src.lines() {
        if let Some(l) = line.strip_prefix("-- limits:") {
            for kv in l.split_whitespace() {
                let (k, v) = kv.split_once('=').expect("key=value");
                match k {
                    "budget" => s.budget = Some(parse_num(v)),
                    "steps" => s.steps = Some(parse_num(v)),
                    "memory" => s.memory = Some(parse_num(v) as usize),
                    _ => panic!("unknown limit {k}"),
                }
            }
        } else if let Some(e) = line.strip_prefix("-- expect:") {
            s.expect = e.trim().to_string();
        }
    }
    assert!(!s.expect.is_empty(), "script without '-- expect:'");
    s
}

fn state(s: &Spec) -> Lua {
    let lua = Lua::new();
    lua.set_output(Box::new(std::io::sink()));
    lua.set_budget(s.budget);
    lua.set_step_limit(s.steps);
    lua.set_memory_limit(s.memory.unwrap_or(0))
        .expect("set the memory limit");
    lua
}

/// After a stop, the State still runs ordinary code under its quota.
fn healthy(lua: &Lua) -> Result<(), String> {
    lua.set_policy(Policy::Error);
    lua.set_budget(Some(10_000_000));
    lua.set_step_limit(None);
    let src = "local t = {} for i = 1, 1000 do t[i] = tostring(i) end return #table.concat(t)";
    match lua.load(src).set_name("=health").eval::<i64>() {
        Ok(2893) => Ok(()),
        other => Err(format!("health check: {other:?}")),
    }
}

/// Runs one script with the Error policy.
fn run_error_policy(name: &str, src: &str) -> Result<(), String> {
    let s = spec(src);
    let lua = state(&s);
    let r = lua.load(src).set_name(format!("={name}")).exec();
    let msg = match r {
        Ok(()) => return Err("finished without an error".into()),
        Err(e) => e.to_string(),
    };
    if !msg.contains(&s.expect) {
        return Err(format!("error {msg:?}, expected {:?}", s.expect));
    }
    if let Some(b) = s.budget {
        if lua.cost() > b {
            return Err(format!("cost {} over budget {b}", lua.cost()));
        }
    }
    if let Some(st) = s.steps {
        if lua.steps() > st {
            return Err(format!("{} steps over limit {st}", lua.steps()));
        }
    }
    if let Some(m) = s.memory {
        if lua.used_memory() > m {
            return Err(format!(
                "heap {} over quota {m} after the stop",
                lua.used_memory()
            ));
        }
    }
    healthy(&lua)
}

/// Runs one script with the Pause policy in slices of 100,000 units, for at most
/// 200 slices; then cancels it if it is still paused.
fn run_pause_policy(name: &str, src: &str) -> Result<(), String> {
    let s = spec(src);
    let lua = state(&s);
    lua.set_policy(Policy::Pause);
    // A native call cannot pause: keep the debt it may run into small, so runaway
    // natives end with a limit error quickly.
    lua.set_max_debt(1_000_000);
    const SLICE: u64 = 100_000;
    let cap = s.budget.map_or(SLICE, |b| b.min(SLICE));
    lua.set_budget(Some(cap));
    let mut r = lua
        .load(src)
        .set_name(format!("={name}"))
        .into_function()
        .and_then(|f| lua.start_call(&f, ()));
    let mut slices = 0;
    while let Ok(Run::Paused) = r {
        slices += 1;
        if slices == 200 {
            break;
        }
        lua.add_budget(SLICE);
        r = lua.resume();
    }
    match r {
        Ok(Run::Paused) => {
            // Budget-bound scripts never finish: the host gave up, nothing is lost.
            if !s.expect.contains("budget") {
                return Err(format!("still running after {slices} slices"));
            }
            lua.cancel();
            if lua.is_paused() {
                return Err("cancel left the call paused".into());
            }
        }
        Ok(Run::Done(_)) => return Err("finished without an error".into()),
        Err(e) if e.limit().is_some() && s.expect.contains("budget") => {
            // Only native work or callbacks inside a native call run into debt.
            if e.limit() != Some(Limit::Budget) {
                return Err(format!("stopped by {:?}: {e}", e.limit()));
            }
        }
        Err(e) => {
            if !e.to_string().contains(&s.expect) {
                return Err(format!("error {e}, expected {:?}", s.expect));
            }
        }
    }
    healthy(&lua)
}

fn corpus() -> Vec<(String, String)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/hostile");
    let mut v: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "lua"))
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read_to_string(&p).unwrap())
        })
        .collect();
    v.sort();
    assert!(v.len() >= 30, "hostile corpus not found");
    v
}

/// Runs `f` over the corpus, two scripts at a time, each with a time limit.
fn each(f: fn(&str, &str) -> Result<(), String>) {
    let mut failures = Vec::new();
    for pair in corpus().chunks(2) {
        let rxs: Vec<_> = pair
            .iter()
            .map(|(name, src)| {
                let (tx, rx) = mpsc::channel();
                let (name, src) = (name.clone(), src.clone());
                std::thread::Builder::new()
                    .stack_size(64 << 20)
                    .spawn(move || {
                        let _ = tx.send(f(&name, &src));
                    })
                    .unwrap();
                rx
            })
            .collect();
        for ((name, _), rx) in pair.iter().zip(rxs) {
            match rx.recv_timeout(TIMEOUT) {
                Ok(Ok(())) => {}
                Ok(Err(e)) => failures.push(format!("{name}: {e}")),
                Err(_) => failures.push(format!(
                    "{name}: no result within {TIMEOUT:?} (hang or panic)"
                )),
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn hostile_scripts_end_with_their_errors() {
    each(run_error_policy);
}

#[test]
fn hostile_scripts_under_the_pause_policy() {
    each(run_pause_policy);
}
