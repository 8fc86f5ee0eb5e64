//! Metering through the command line: sliced (paused and resumed) runs of every
//! conformance script and every benchmark give byte-identical output and the same
//! total cost as uninterrupted runs; limits end runs with their errors; exact costs
//! of a few scripts are pinned.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::Mutex;

fn mani() -> &'static str {
    env!("CARGO_BIN_EXE_mani")
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs `mani <flags> <script> <args>` in `dir`.
fn run(dir: &Path, flags: &[&str], script: &str, args: &[&str]) -> Output {
    Command::new(mani())
        .current_dir(dir)
        .args(flags)
        .arg(script)
        .args(args)
        .output()
        .expect("run mani")
}

/// The `cost: N` line of a run's stderr.
fn cost_of(o: &Output) -> Option<u64> {
    String::from_utf8_lossy(&o.stderr)
        .lines()
        .find_map(|l| l.strip_prefix("cost: ")?.trim().parse().ok())
}

/// stderr without the metering report lines (`slices:`, `cost:`).
fn errors_of(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr)
        .lines()
        .filter(|l| !l.starts_with("slices: ") && !l.starts_with("cost: "))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Slice sizes every script is run with, written as long as the whole run's
/// step limit below: the options are in the script's `arg` table, whose size
/// explicit collections are charged by, so both runs must see the same sizes.
const SLICES: &[&str] = &["0000000001", "0000000007", "0000001000"];

/// Runs `script` whole and in slices; returns a description of each mismatch.
fn check_sliced(dir: &Path, script: &str, args: &[&str]) -> Vec<String> {
    let whole = run(dir, &["--cost", "--steps", "9999999999"], script, args);
    let cost = cost_of(&whole);
    let mut bad = Vec::new();
    // A script that ends with `os.exit` stops the process before the report: it
    // has no total cost, but its output must still match.
    let exits = std::fs::read_to_string(dir.join(script)).is_ok_and(|s| s.contains("os.exit"));
    if cost.is_none() && !exits {
        bad.push(format!("{script}: no cost line"));
    }
    for s in SLICES {
        let sliced = run(dir, &["--cost", "--slice", s], script, args);
        if sliced.stdout != whole.stdout {
            bad.push(format!("{script} --slice {s}: stdout differs"));
        }
        if sliced.status.code() != whole.status.code() {
            bad.push(format!("{script} --slice {s}: exit status differs"));
        }
        if errors_of(&sliced) != errors_of(&whole) {
            bad.push(format!(
                "{script} --slice {s}: stderr differs:\n{}\nvs\n{}",
                errors_of(&sliced),
                errors_of(&whole)
            ));
        }
        if cost_of(&sliced) != cost {
            bad.push(format!(
                "{script} --slice {s}: cost {:?} vs {:?}",
                cost_of(&sliced),
                cost
            ));
        }
        let slices = String::from_utf8_lossy(&sliced.stderr)
            .lines()
            .find_map(|l| l.strip_prefix("slices: ")?.parse::<u64>().ok());
        // Slices of one unit: every unit charged needs its own slice (at least).
        if *s == SLICES[0] && cost.is_some_and(|c| c > 1) && slices.is_none_or(|n| n < 2) {
            bad.push(format!(
                "{script} --slice 1: did not pause ({slices:?} slices)"
            ));
        }
    }
    bad
}

/// Runs jobs on two threads (the machines have two cores).
fn parallel(jobs: Vec<(PathBuf, String, Vec<String>)>) -> Vec<String> {
    let jobs = Mutex::new(jobs);
    let bad = Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for _ in 0..2 {
            s.spawn(|| loop {
                let Some((dir, script, args)) = jobs.lock().unwrap().pop() else {
                    break;
                };
                let args: Vec<&str> = args.iter().map(String::as_str).collect();
                let b = check_sliced(&dir, &script, &args);
                bad.lock().unwrap().extend(b);
            });
        }
    });
    bad.into_inner().unwrap()
}

#[test]
fn every_conformance_script_runs_identically_in_slices() {
    let mut jobs = Vec::new();
    let lua = root().join("tests/lua");
    for section in std::fs::read_dir(&lua).unwrap() {
        let dir = section.unwrap().path();
        if !dir.is_dir() {
            continue;
        }
        for f in std::fs::read_dir(&dir).unwrap() {
            let name = f.unwrap().file_name().to_string_lossy().into_owned();
            if name.ends_with(".lua") {
                jobs.push((dir.clone(), name, Vec::new()));
            }
        }
    }
    assert!(jobs.len() >= 100, "corpus not found");
    let bad = parallel(jobs);
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

#[test]
fn every_benchmark_runs_identically_in_slices() {
    // Small sizes: slices of one unit pause after nearly every segment.
    let progs = [
        ("array", "300"),
        ("binary_trees", "6"),
        ("closures", "3000"),
        ("coroutines", "5000"),
        ("deltablue", "1"),
        ("fannkuch", "6"),
        ("fib", "15"),
        ("hash", "2000"),
        ("json", "1"),
        ("loops", "20000"),
        ("mandelbrot", "40"),
        ("nbody", "2000"),
        ("oop", "30"),
        ("patterns", "400"),
        ("queens", "6"),
        ("records", "5"),
        ("richards", "1"),
        ("sort", "2000"),
        ("spectral", "30"),
        ("strings", "2000"),
    ];
    let bench = root().join("bench");
    let on_disk = std::fs::read_dir(&bench)
        .unwrap()
        .filter(|f| {
            f.as_ref()
                .unwrap()
                .path()
                .extension()
                .is_some_and(|e| e == "lua")
        })
        .count();
    assert_eq!(
        on_disk,
        progs.len(),
        "a benchmark is missing from this test"
    );
    let jobs = progs
        .iter()
        .map(|(p, n)| (bench.clone(), format!("{p}.lua"), vec![n.to_string()]))
        .collect();
    let bad = parallel(jobs);
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

/// Writes a script to a temporary file and runs it with `flags`.
fn run_src(name: &str, src: &str, flags: &[&str]) -> Output {
    let dir = std::env::temp_dir().join(format!("mani-metering-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join(name), src).unwrap();
    run(&dir, flags, name, &[])
}

#[test]
fn budget_of_exactly_the_cost_suffices_and_one_less_does_not() {
    let src = "local s = 0\nfor i = 1, 100 do s = s + i end\nprint(s)\n";
    let whole = run_src("exact.lua", src, &["--cost"]);
    let cost = cost_of(&whole).unwrap();
    let ok = run_src("exact.lua", src, &["--budget", &cost.to_string()]);
    assert!(ok.status.success(), "{}", errors_of(&ok));
    assert_eq!(ok.stdout, b"5050\n");
    let short = run_src("exact.lua", src, &["--budget", &(cost - 1).to_string()]);
    assert!(!short.status.success());
    assert!(errors_of(&short).contains("budget exhausted"));
    assert!(short.stdout.is_empty(), "the print must not run");
}

#[test]
fn limits_end_runs_with_their_errors() {
    let spin = run_src("spin.lua", "while true do end", &["--budget", "100000"]);
    assert!(!spin.status.success());
    let e = errors_of(&spin);
    assert!(e.contains("spin.lua:1: budget exhausted"), "{e}");

    let steps = run_src(
        "steps.lua",
        "local n = 0 while true do n = n + 1 end",
        &["--steps", "5000"],
    );
    assert!(!steps.status.success());
    assert!(errors_of(&steps).contains("step limit"));

    let mem = run_src(
        "mem.lua",
        "local t = {} for i = 1, 1e8 do t[i] = {i} end",
        &["--memory", "8m"],
    );
    assert!(!mem.status.success());
    assert!(errors_of(&mem).contains("not enough memory"));

    // pcall cannot catch a limit.
    let caught = run_src(
        "pc.lua",
        "for i = 1, 10 do print(pcall(function() while true do end end)) end print('escaped')",
        &["--budget", "50000"],
    );
    assert!(!caught.status.success());
    assert!(
        caught.stdout.is_empty(),
        "{}",
        String::from_utf8_lossy(&caught.stdout)
    );
}

#[test]
fn step_limit_counts_instructions_independently_of_costs() {
    // A loop of k iterations executes a fixed number of instructions per iteration,
    // so the step count needed grows linearly with k.
    let src = |k: u32| format!("local s = 0 for i = 1, {k} do s = s + i end");
    let fits = |k: u32, steps: &str| {
        run_src("st.lua", &src(k), &["--steps", steps])
            .status
            .success()
    };
    assert!(fits(10, "100"));
    assert!(!fits(1000, "100"));
}

#[test]
fn pinned_costs() {
    // Exact totals under the default cost model. If the model or the compiler's code
    // generation changes, these change: update them deliberately.
    let cases = [
        ("empty.lua", "", 2),
        ("assign.lua", "local a = 1 local b = a + 2", 4),
        ("loop.lua", "local s = 0 for i = 1, 10 do s = s + i end", 27),
        (
            "calls.lua",
            "local function f(x) return x * 2 end local y = 0 for i = 1, 5 do y = y + f(i) end",
            49,
        ),
        ("strings.lua", "local s = ('x'):rep(100) .. 'y'", 24),
    ];
    let mut got = Vec::new();
    for (name, src, _) in cases {
        let o = run_src(name, src, &["--cost"]);
        assert!(o.status.success());
        got.push((name, cost_of(&o).unwrap()));
    }
    let want: Vec<(&str, u64)> = cases.iter().map(|(n, _, c)| (*n, *c as u64)).collect();
    assert_eq!(got, want);
}

#[test]
fn analyze_and_profile_report() {
    let src = "local s = 0\nfor i = 1, 1000 do\n  s = s + i * 2 - 1\nend\nprint(s)\n";
    let a = run_src("an.lua", src, &["--analyze"]);
    assert!(a.status.success());
    let out = String::from_utf8_lossy(&a.stdout);
    assert!(out.starts_with("main chunk:"), "{out}");
    assert!(out.contains("1 loop"), "{out}");
    assert!(out.contains("FORLOOP=1"), "{out}");
    assert!(a.stderr.is_empty());

    let p = run_src("an.lua", src, &["--cost-profile", "--cost"]);
    assert!(p.status.success());
    let err = String::from_utf8_lossy(&p.stderr);
    // The loop body dominates: line 3 is the most expensive line.
    let first = err
        .lines()
        .skip_while(|l| !l.trim_end().ends_with("line"))
        .nth(1)
        .unwrap_or_default();
    assert!(first.contains("an.lua:3"), "{err}");
    let total: u64 = err
        .lines()
        .find_map(|l| l.trim().strip_suffix("total")?.trim().parse().ok())
        .unwrap();
    assert_eq!(Some(total), cost_of(&p), "profile covers the whole cost");
}

#[test]
fn a_budget_caps_sliced_runs_as_it_caps_whole_ones() {
    // Slices used to run on the task's own budget only, so `--budget` was ignored
    // under `--slice` and an endless loop never ended.
    let dir = std::env::temp_dir().join(format!("mani-budget-slices-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("spin.lua"),
        "local n = 0\nfor i = 1, 10 do n = n + i end\nprint(n)\nwhile true do n = n + 1 end\n",
    )
    .unwrap();
    let whole = run(&dir, &["--budget", "5000"], "spin.lua", &[]);
    assert_eq!(String::from_utf8_lossy(&whole.stdout), "55\n");
    assert!(
        errors_of(&whole).contains("spin.lua:4: budget exhausted"),
        "{}",
        errors_of(&whole)
    );
    for s in ["1", "7", "997", "100000"] {
        let sliced = run(&dir, &["--budget", "5000", "--slice", s], "spin.lua", &[]);
        assert_eq!(sliced.stdout, whole.stdout, "--slice {s}");
        assert_eq!(errors_of(&sliced), errors_of(&whole), "--slice {s}");
        assert_eq!(sliced.status.code(), whole.status.code(), "--slice {s}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}
