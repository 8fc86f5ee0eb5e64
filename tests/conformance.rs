//! Conformance corpus runner.
//!
//! Every `tests/lua/<section>/<name>.lua` is run with the interpreter under
//! test as `cd tests/lua/<section> && <bin> <name>.lua`, and compared with
//! the outputs of the reference interpreter (lua5.4) recorded by
//! `tests/regen.sh`:
//!
//! * `<name>.expected` -- exact stdout (compared byte for byte);
//! * `<name>.status`   -- only for scripts that exit with a non-zero status:
//!   line 1 the exit status, line 2 the first stderr line with the program
//!   name prefix removed, optional line 3 `stack traceback:` when the
//!   reference printed a traceback (then stderr must contain such a line).
//!
//! Environment:
//! * `MANI_TEST_BIN`    -- interpreter to run (default: the `mani` binary);
//!   `MANI_TEST_BIN=/usr/bin/lua5.4 cargo test --test conformance` must pass.
//! * `MANI_TEST_FILTER` -- only run scripts whose relative path contains this
//!   substring (e.g. `errors/`, `pcall`).
//!
//! There is one `#[test]` per section folder, so `cargo test` reports
//! per-section results; each collects all failures of its section before
//! failing.

use std::collections::BTreeSet;
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Condvar, Mutex};
use std::thread;
use std::time::{Duration, Instant};

/// Per-script wall-clock limit.
const TIMEOUT: Duration = Duration::from_secs(20);
/// Maximum number of interpreter processes running at once (across all
/// section tests, which cargo may run concurrently).
const MAX_PARALLEL: usize = 2;
/// Lines of context shown around the first difference.
const CONTEXT: usize = 3;
/// Maximum number of differing lines shown per side.
const MAX_DIFF_LINES: usize = 12;

// ---------------------------------------------------------------------------
// Sections

macro_rules! sections {
    ($($name:ident),* $(,)?) => {
        const SECTIONS: &[&str] = &[$(stringify!($name)),*];
        $(
            #[test]
            fn $name() {
                run_section(stringify!($name));
            }
        )*
    };
}

sections!(
    lexical,
    types,
    expressions,
    statements,
    functions,
    metatables,
    errors,
    toplevel_errors,
    stdlib_base,
    string,
    table,
    math,
    utf8,
    coroutine,
    os_io,
    gc,
    debug,
    programs,
);

fn corpus_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("lua")
}

fn section_dirs() -> Vec<String> {
    let mut dirs: Vec<String> = fs::read_dir(corpus_root())
        .expect("cannot read tests/lua")
        .filter_map(|e| e.ok())
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    dirs.sort();
    dirs
}

fn scripts_in(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let entries = match fs::read_dir(&d) {
            Ok(e) => e,
            Err(_) => continue,
        };
        for e in entries.filter_map(|e| e.ok()) {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "lua") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

fn rel(path: &Path) -> String {
    path.strip_prefix(corpus_root())
        .unwrap_or(path)
        .to_string_lossy()
        .into_owned()
}

/// Every `.lua` needs an `.expected` (forgetting `tests/regen.sh` fails).
#[test]
fn every_script_has_expected_output() {
    let missing: Vec<String> = scripts_in(&corpus_root())
        .into_iter()
        .filter(|p| !p.with_extension("expected").is_file())
        .map(|p| rel(&p))
        .collect();
    assert!(
        missing.is_empty(),
        "{} script(s) without .expected (run tests/regen.sh):\n  {}",
        missing.len(),
        missing.join("\n  ")
    );
}

/// Every folder of the corpus must be covered by a section test, and every
/// section test must have a folder with scripts in it.
#[test]
fn every_section_has_a_test() {
    let dirs: BTreeSet<String> = section_dirs().into_iter().collect();
    let known: BTreeSet<String> = SECTIONS.iter().map(|s| s.to_string()).collect();
    let untested: Vec<_> = dirs.difference(&known).cloned().collect();
    let empty: Vec<_> = known.difference(&dirs).cloned().collect();
    assert!(
        untested.is_empty(),
        "folders under tests/lua without a section test in conformance.rs: {untested:?}"
    );
    assert!(
        empty.is_empty(),
        "section tests without a folder: {empty:?}"
    );
}

// ---------------------------------------------------------------------------
// Interpreter

fn interpreter() -> PathBuf {
    let bin = match std::env::var_os("MANI_TEST_BIN") {
        Some(b) if !b.is_empty() => PathBuf::from(b),
        _ => PathBuf::from(env!("CARGO_BIN_EXE_mani")),
    };
    // Scripts run with their folder as cwd, so resolve relative paths now.
    // A bare name (no '/') is left for PATH lookup.
    if bin.components().count() > 1 || bin.is_absolute() {
        fs::canonicalize(&bin).unwrap_or(bin)
    } else {
        bin
    }
}

/// Global limit on concurrently running interpreter processes.
struct Semaphore {
    count: Mutex<usize>,
    cv: Condvar,
}

static SLOTS: Semaphore = Semaphore {
    count: Mutex::new(0),
    cv: Condvar::new(),
};

struct SlotGuard;

impl Semaphore {
    fn acquire(&'static self) -> SlotGuard {
        let mut n = self.count.lock().unwrap_or_else(|e| e.into_inner());
        while *n >= MAX_PARALLEL {
            n = self.cv.wait(n).unwrap_or_else(|e| e.into_inner());
        }
        *n += 1;
        SlotGuard
    }
}

impl Drop for SlotGuard {
    fn drop(&mut self) {
        let mut n = SLOTS.count.lock().unwrap_or_else(|e| e.into_inner());
        *n -= 1;
        SLOTS.cv.notify_one();
    }
}

struct Outcome {
    stdout: Vec<u8>,
    stderr: Vec<u8>,
    /// `Some(code)` for a normal exit, `None` if killed by a signal.
    code: Option<i32>,
    timed_out: bool,
    elapsed: Duration,
}

fn run_script(bin: &Path, script: &Path) -> Result<Outcome, String> {
    let dir = script.parent().unwrap();
    let name = script.file_name().unwrap();
    let _slot = SLOTS.acquire();
    let start = Instant::now();
    let mut cmd = Command::new(bin);
    cmd.arg(name)
        .current_dir(dir)
        .env_remove("LUA_INIT")
        .env_remove("LUA_INIT_5_4")
        .env("LC_ALL", "C")
        .env("TZ", "UTC")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    // Own process group, so that a timeout kills any helper processes too
    // (e.g. when MANI_TEST_BIN is a wrapper script).
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        cmd.process_group(0);
    }
    let mut child = cmd
        .spawn()
        .map_err(|e| format!("cannot start {}: {e}", bin.display()))?;

    let mut out = child.stdout.take().unwrap();
    let mut err = child.stderr.take().unwrap();
    let out_reader = thread::spawn(move || {
        let mut v = Vec::new();
        let _ = out.read_to_end(&mut v);
        v
    });
    let err_reader = thread::spawn(move || {
        let mut v = Vec::new();
        let _ = err.read_to_end(&mut v);
        v
    });

    let mut timed_out = false;
    let status = loop {
        match child.try_wait() {
            Ok(Some(st)) => break st,
            Ok(None) => {
                if start.elapsed() >= TIMEOUT {
                    timed_out = true;
                    #[cfg(unix)]
                    {
                        let _ = Command::new("kill")
                            .args(["-s", "KILL", "--"])
                            .arg(format!("-{}", child.id()))
                            .stdout(Stdio::null())
                            .stderr(Stdio::null())
                            .status();
                    }
                    let _ = child.kill();
                    break child.wait().map_err(|e| e.to_string())?;
                }
                thread::sleep(Duration::from_millis(5));
            }
            Err(e) => return Err(format!("wait failed: {e}")),
        }
    };
    let elapsed = start.elapsed();
    let stdout = out_reader.join().unwrap_or_default();
    let stderr = err_reader.join().unwrap_or_default();
    Ok(Outcome {
        stdout,
        stderr,
        code: status.code(),
        timed_out,
        elapsed,
    })
}

/// Removes the program-name prefix (`lua5.4: `, `mani: `, `/path/bin: `)
/// from an stderr line.
fn strip_prog(line: &str, bin: &Path) -> String {
    let mut prefixes: Vec<String> = vec!["lua5.4".into(), "mani".into()];
    prefixes.push(bin.to_string_lossy().into_owned());
    if let Some(f) = bin.file_name() {
        prefixes.push(f.to_string_lossy().into_owned());
    }
    if prefixes.iter().any(|p| line.starts_with(p.as_str())) {
        if let Some(i) = line.find(": ") {
            return line[i + 2..].to_string();
        }
    }
    line.to_string()
}

// ---------------------------------------------------------------------------
// Comparison

struct ExpectedStatus {
    code: i32,
    first_stderr: String,
    traceback: bool,
}

fn read_status(path: &Path) -> Result<ExpectedStatus, String> {
    let text = fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut lines = text.lines();
    let code = lines
        .next()
        .and_then(|l| l.trim().parse().ok())
        .ok_or_else(|| format!("{}: first line must be an exit status", path.display()))?;
    let first_stderr = lines.next().unwrap_or("").to_string();
    let traceback = lines.any(|l| l.trim() == "stack traceback:");
    Ok(ExpectedStatus {
        code,
        first_stderr,
        traceback,
    })
}

fn show(line: &str) -> String {
    // Make invisible differences visible.
    let mut s = String::new();
    for c in line.chars() {
        match c {
            '\t' => s.push_str("\\t"),
            '\r' => s.push_str("\\r"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                s.push_str(&format!("\\x{:02x}", c as u32))
            }
            c => s.push(c),
        }
    }
    s
}

/// A readable diff: the first differing lines with context, as a small
/// LCS-based unified diff of the region after the common prefix.
fn line_diff(expected: &[u8], actual: &[u8]) -> String {
    let e = String::from_utf8_lossy(expected);
    let a = String::from_utf8_lossy(actual);
    let el: Vec<&str> = e.split_inclusive('\n').collect();
    let al: Vec<&str> = a.split_inclusive('\n').collect();
    let fmt = |l: &str| -> String {
        match l.strip_suffix('\n') {
            Some(x) => show(x),
            None => format!("{}  <no newline at end>", show(l)),
        }
    };
    let mut pre = 0;
    while pre < el.len() && pre < al.len() && el[pre] == al[pre] {
        pre += 1;
    }
    let mut s = format!(
        "      first difference at stdout line {} (expected {} lines, got {})\n",
        pre + 1,
        el.len(),
        al.len()
    );
    // Diff a bounded window after the common prefix.
    const WINDOW: usize = 300;
    let ew = &el[pre..el.len().min(pre + WINDOW)];
    let aw = &al[pre..al.len().min(pre + WINDOW)];
    let (n, m) = (ew.len(), aw.len());
    let mut lcs = vec![vec![0u16; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            lcs[i][j] = if ew[i] == aw[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    // ops: (' ' | '-' | '+', line number, text)
    let mut ops: Vec<(char, usize, &str)> = Vec::new();
    let (mut i, mut j) = (0, 0);
    while i < n || j < m {
        if i < n && j < m && ew[i] == aw[j] {
            ops.push((' ', pre + i + 1, ew[i]));
            i += 1;
            j += 1;
        } else if i < n && (j == m || lcs[i + 1][j] >= lcs[i][j + 1]) {
            ops.push(('-', pre + i + 1, ew[i]));
            i += 1;
        } else {
            ops.push(('+', pre + j + 1, aw[j]));
            j += 1;
        }
    }
    let first = pre.saturating_sub(CONTEXT);
    for (k, line) in el.iter().enumerate().take(pre).skip(first) {
        s.push_str(&format!("      {:>5}   {}\n", k + 1, fmt(line)));
    }
    // Show changed lines plus CONTEXT lines around them, up to a budget.
    let changed: Vec<bool> = ops.iter().map(|o| o.0 != ' ').collect();
    let near = |k: usize| -> bool {
        let lo = k.saturating_sub(CONTEXT);
        let hi = (k + CONTEXT + 1).min(ops.len());
        changed[lo..hi].iter().any(|&c| c)
    };
    let mut shown = 0;
    let mut skipped = false;
    for (k, (op, line, text)) in ops.iter().enumerate() {
        if shown >= MAX_DIFF_LINES * 2 {
            s.push_str("            ... (more differences not shown)\n");
            break;
        }
        if near(k) {
            if skipped {
                s.push_str("            ...\n");
                skipped = false;
            }
            s.push_str(&format!("      {:>5} {} {}\n", line, op, fmt(text)));
            shown += 1;
        } else {
            skipped = true;
        }
    }
    if el.len() > pre + WINDOW || al.len() > pre + WINDOW {
        s.push_str(
            "            (diff limited to the first 300 lines after the first difference)\n",
        );
    }
    s.push_str("      (- expected, + actual; numbers are line numbers in the respective output)\n");
    s
}

/// Runs one script and returns a description of its failures, if any.
fn check_script(bin: &Path, script: &Path) -> Option<String> {
    let name = rel(script);
    let expected_path = script.with_extension("expected");
    let expected = match fs::read(&expected_path) {
        Ok(b) => b,
        Err(_) => {
            return Some(format!(
                "{name}: missing {} (run tests/regen.sh)",
                rel(&expected_path)
            ))
        }
    };
    let status_path = script.with_extension("status");
    let want = if status_path.is_file() {
        match read_status(&status_path) {
            Ok(s) => s,
            Err(e) => return Some(format!("{name}: {e}")),
        }
    } else {
        ExpectedStatus {
            code: 0,
            first_stderr: String::new(),
            traceback: false,
        }
    };

    let out = match run_script(bin, script) {
        Ok(o) => o,
        Err(e) => return Some(format!("{name}: {e}")),
    };

    let stderr_text = String::from_utf8_lossy(&out.stderr);
    let stderr_first = stderr_text.lines().next().unwrap_or("");
    let mut problems: Vec<String> = Vec::new();

    if out.timed_out {
        problems.push(format!("timeout (killed after {}s)", TIMEOUT.as_secs()));
    } else if out.code != Some(want.code) {
        let got = match out.code {
            Some(c) => format!("exit status {c}"),
            None => "killed by a signal (crash?)".to_string(),
        };
        problems.push(format!(
            "expected exit status {}, got {got}; stderr: {}",
            want.code,
            show(stderr_first)
        ));
    }
    if out.timed_out {
        problems.push(format!(
            "(stdout so far: {} of {} expected bytes{})",
            out.stdout.len(),
            expected.len(),
            if expected.starts_with(&out.stdout) {
                ", a correct prefix"
            } else {
                ", differs"
            }
        ));
    } else if out.stdout != expected {
        problems.push(format!(
            "stdout differs:\n{}",
            line_diff(&expected, &out.stdout)
        ));
    }
    if !out.timed_out && want.code != 0 {
        let got_first = strip_prog(stderr_first, bin);
        if got_first != want.first_stderr {
            problems.push(format!(
                "first stderr line differs:\n      - {}\n      + {}",
                show(&want.first_stderr),
                show(&got_first)
            ));
        }
        if want.traceback
            && !stderr_text
                .lines()
                .any(|l| l.trim_end() == "stack traceback:")
        {
            problems.push("stderr lacks a `stack traceback:` line".to_string());
        }
    }

    if problems.is_empty() {
        None
    } else {
        let mut s = format!("FAIL {name} ({:.2}s)", out.elapsed.as_secs_f64());
        for p in problems {
            s.push_str("\n    ");
            s.push_str(&p);
        }
        Some(s)
    }
}

fn run_section(section: &str) {
    let dir = corpus_root().join(section);
    assert!(dir.is_dir(), "missing folder {}", dir.display());
    let filter = std::env::var("MANI_TEST_FILTER").unwrap_or_default();
    let scripts: Vec<PathBuf> = scripts_in(&dir)
        .into_iter()
        .filter(|p| filter.is_empty() || rel(p).contains(&filter))
        .collect();
    if scripts.is_empty() {
        if filter.is_empty() {
            panic!("section {section} has no scripts");
        }
        return;
    }
    let bin = interpreter();
    let queue = Mutex::new(scripts.iter().collect::<Vec<_>>());
    let failures: Mutex<Vec<String>> = Mutex::new(Vec::new());
    thread::scope(|s| {
        for _ in 0..MAX_PARALLEL.min(scripts.len()) {
            s.spawn(|| loop {
                let next = queue.lock().unwrap().pop();
                let Some(script) = next else { break };
                if let Some(f) = check_script(&bin, script) {
                    failures.lock().unwrap().push(f);
                }
            });
        }
    });
    let mut failures = failures.into_inner().unwrap();
    failures.sort();
    if !failures.is_empty() {
        eprintln!(
            "\n==== section {section}: {} of {} script(s) failed (interpreter: {}) ====",
            failures.len(),
            scripts.len(),
            bin.display()
        );
        for f in &failures {
            eprintln!("{f}\n");
        }
        panic!(
            "section {section}: {} of {} script(s) failed: {}",
            failures.len(),
            scripts.len(),
            failures
                .iter()
                .map(|f| f
                    .lines()
                    .next()
                    .unwrap_or("")
                    .trim_start_matches("FAIL ")
                    .to_string())
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
}
