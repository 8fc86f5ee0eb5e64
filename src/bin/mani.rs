//! The `mani` command line: runs Lua scripts like the `lua` program does.
//!
//! ```text
//! usage: mani [options] [script [args]]
//!   -e stat   execute string 'stat'
//!   -i        enter interactive mode after executing 'script'
//!   -l name   require library 'name' into global 'name'
//!   -v        show version information
//!   -E        ignore environment variables
//!   -W        turn warnings on
//!   --        stop handling options
//!   -         stop handling options and execute stdin
//!   --sandbox run with the sandbox profile (no io, no file or process access)
//!   --budget N      stop with 'budget exhausted' after N cost units
//!   --steps N       stop with 'step limit reached' after N instructions
//!   --memory BYTES  stop with 'not enough memory' past BYTES (suffixes k, m, g)
//!   --slice N       run in slices of N units, pausing and resuming (count to stderr)
//!   --cost          print 'cost: N' (total units) to stderr after the run
//!   --cost-profile  print the cost per source line to stderr after the run
//!   --analyze       print the static cost analysis of the script; do not run it
//!   --no-meter      run without metering (budgets and step limits are ignored)
//! ```

use mani::{Function, Lua, MultiValue, Value};
use std::io::{IsTerminal, Read};
use std::process::ExitCode;

const VERSION: &str = concat!("mani ", env!("CARGO_PKG_VERSION"), " (Lua 5.4)");

fn usage(prog: &str, bad: &str) {
    eprintln!("{prog}: unrecognized option '{bad}'");
    eprintln!(
        "usage: {prog} [options] [script [args]]\n\
         Available options are:\n  \
         -e stat   execute string 'stat'\n  \
         -i        enter interactive mode after executing 'script'\n  \
         -l name   require library 'name' into global 'name'\n  \
         -v        show version information\n  \
         -E        ignore environment variables\n  \
         -W        turn warnings on\n  \
         --        stop handling options\n  \
         -         stop handling options and execute stdin\n  \
         --sandbox run with the sandbox profile (no io, no file or process access)\n  \
         --budget N      stop with 'budget exhausted' after N cost units\n  \
         --steps N       stop with 'step limit reached' after N instructions\n  \
         --memory BYTES  stop with 'not enough memory' past BYTES (suffixes k, m, g)\n  \
         --slice N       run in slices of N units, pausing and resuming (count to stderr)\n  \
         --cost          print 'cost: N' (total units) to stderr after the run\n  \
         --cost-profile  print the cost per source line to stderr after the run\n  \
         --analyze       print the static cost analysis of the script; do not run it\n  \
         --no-meter      run without metering (budgets and step limits are ignored)"
    );
}

/// Metering options from the command line.
#[derive(Default)]
struct Metering {
    budget: Option<u64>,
    steps: Option<u64>,
    memory: Option<usize>,
    slice: Option<u64>,
    cost: bool,
    profile: bool,
    analyze: bool,
    off: bool,
}

/// Parses a count with an optional k/m/g suffix (powers of 1024 for memory sizes).
fn parse_size(s: &str) -> Option<u64> {
    let (num, mul) = match s.as_bytes().last()? {
        b'k' | b'K' => (&s[..s.len() - 1], 1u64 << 10),
        b'm' | b'M' => (&s[..s.len() - 1], 1 << 20),
        b'g' | b'G' => (&s[..s.len() - 1], 1 << 30),
        _ => (s, 1),
    };
    num.parse::<u64>().ok()?.checked_mul(mul)
}

/// What the command line asked for, in order.
enum Action {
    Exec(String),
    Require(String),
}

fn main() -> ExitCode {
    // Run on a thread with a generous stack: the interpreter itself does not recurse
    // for Lua calls, but natives that call back into Lua (bounded to 200 levels) do.
    let child = std::thread::Builder::new()
        .stack_size(256 << 20)
        .spawn(real_main)
        .expect("spawn interpreter thread");
    child.join().unwrap_or(ExitCode::FAILURE)
}

fn real_main() -> ExitCode {
    let argv: Vec<String> = std::env::args().collect();
    let prog = "mani";
    let mut actions = Vec::new();
    let mut interactive = false;
    let mut version = false;
    let mut sandbox = false;
    let mut no_env = false;
    let mut warnings = false;
    let mut m = Metering::default();
    let mut i = 1;
    let mut script: Option<usize> = None;
    while i < argv.len() {
        let a = &argv[i];
        match a.as_str() {
            "--" => {
                i += 1;
                if i < argv.len() {
                    script = Some(i);
                }
                break;
            }
            "-" => {
                script = Some(i);
                break;
            }
            "-i" => {
                interactive = true;
                version = true;
            }
            "-v" => version = true,
            "--sandbox" => sandbox = true,
            "--cost" => m.cost = true,
            "--cost-profile" => m.profile = true,
            "--analyze" => m.analyze = true,
            "--no-meter" => m.off = true,
            "--budget" | "--steps" | "--memory" | "--slice" => {
                i += 1;
                let Some(n) = argv.get(i).and_then(|v| parse_size(v)) else {
                    eprintln!("{prog}: '{a}' needs a number");
                    return ExitCode::FAILURE;
                };
                match a.as_str() {
                    "--budget" => m.budget = Some(n),
                    "--steps" => m.steps = Some(n),
                    "--memory" => m.memory = Some(n as usize),
                    _ => m.slice = Some(n),
                }
            }
            "-E" => no_env = true,
            "-W" => warnings = true,
            "-e" | "-l" => {
                i += 1;
                let Some(v) = argv.get(i) else {
                    eprintln!("{prog}: '{a}' needs argument");
                    return ExitCode::FAILURE;
                };
                actions.push(if a == "-e" {
                    Action::Exec(v.clone())
                } else {
                    Action::Require(v.clone())
                });
            }
            s if s.starts_with("-e") => actions.push(Action::Exec(s[2..].to_string())),
            s if s.starts_with("-l") => actions.push(Action::Require(s[2..].to_string())),
            s if s.starts_with('-') && s.len() > 1 => {
                usage(prog, s);
                return ExitCode::FAILURE;
            }
            _ => {
                script = Some(i);
                break;
            }
        }
        i += 1;
    }

    // Trusted by default, like `lua`; `--sandbox` gives the embedded profile.
    let mut lua = if sandbox {
        Lua::new()
    } else {
        Lua::new_trusted()
    };
    // The `arg` table: script at 0, its arguments at 1.., options before it negative.
    let s0 = script.unwrap_or(argv.len());
    let arg_t = lua.create_table_from(
        argv.iter()
            .enumerate()
            .map(|(j, a)| (j as i64 - s0 as i64, a.as_str())),
    );
    if let Err(e) = arg_t.and_then(|t| lua.globals().set("arg", t)) {
        eprintln!("{prog}: {e}");
        return ExitCode::FAILURE;
    }
    if m.analyze {
        return analyze(script.map(|si| argv[si].as_str()));
    }
    lua.set_budget(m.budget);
    lua.set_step_limit(m.steps);
    let _ = lua.set_memory_limit(m.memory.unwrap_or(0));
    lua.set_metering(!m.off);
    if m.profile {
        lua.enable_profile();
    }
    let slice = m.slice;

    if version {
        println!("{VERSION}");
    }
    if warnings && lua.load("warn('@on')").exec().is_err() {
        return ExitCode::FAILURE;
    }
    if !sandbox && !no_env {
        env_paths(&lua);
        if !lua_init(&mut lua, slice) {
            return finish(&mut lua, ExitCode::FAILURE, &m);
        }
    }
    for act in actions {
        let ok = match act {
            Action::Exec(src) => run_chunk(&mut lua, src.as_bytes(), "=(command line)", &[], slice),
            Action::Require(spec) => {
                // `-l g=mod` stores module `mod` in global `g`; `-l mod-v2`, in `mod`.
                let (global, module) = match spec.split_once('=') {
                    Some((g, m)) => (g.to_string(), m.to_string()),
                    None => (
                        spec.split('-').next().unwrap_or("").to_string(),
                        spec.clone(),
                    ),
                };
                let src = format!("{global} = require({module:?})");
                run_chunk(&mut lua, src.as_bytes(), "=(command line)", &[], slice)
            }
        };
        if !ok {
            return finish(&mut lua, ExitCode::FAILURE, &m);
        }
    }
    if let Some(si) = script {
        let name = &argv[si];
        let (src, chunk) = if name == "-" {
            let mut buf = Vec::new();
            if std::io::stdin().read_to_end(&mut buf).is_err() {
                eprintln!("{prog}: cannot read stdin");
                return finish(&mut lua, ExitCode::FAILURE, &m);
            }
            (buf, "=stdin".to_string())
        } else {
            match std::fs::read(name) {
                Ok(b) => (b, format!("@{name}")),
                Err(e) => {
                    eprintln!("{prog}: cannot open {name}: {}", os_reason(&e));
                    return finish(&mut lua, ExitCode::FAILURE, &m);
                }
            }
        };
        let script_args: Vec<String> = argv[si + 1..].to_vec();
        if !run_chunk(
            &mut lua,
            mani::file_chunk(&src),
            &chunk,
            &script_args,
            slice,
        ) {
            return finish(&mut lua, ExitCode::FAILURE, &m);
        }
    } else if !interactive && !version && actions_empty(&argv) {
        if std::io::stdin().is_terminal() {
            println!("{VERSION}");
            interactive = true;
        } else {
            let mut buf = Vec::new();
            let _ = std::io::stdin().read_to_end(&mut buf);
            if !run_chunk(&mut lua, mani::file_chunk(&buf), "=stdin", &[], slice) {
                return finish(&mut lua, ExitCode::FAILURE, &m);
            }
        }
    }
    if interactive {
        repl(&mut lua);
    }
    finish(&mut lua, ExitCode::SUCCESS, &m)
}

/// `--cost` and `--cost-profile` reports, on stderr.
fn report_metering(lua: &Lua, m: &Metering) {
    if m.cost {
        eprintln!("cost: {}", lua.cost());
    }
    if let (true, Some(p)) = (m.profile, lua.profile()) {
        let mut files: std::collections::BTreeMap<String, Vec<String>> = Default::default();
        let text = p.report(|chunk, line| {
            if !files.contains_key(chunk) {
                let lines = std::fs::read(chunk)
                    .map(|b| {
                        String::from_utf8_lossy(&b)
                            .lines()
                            .map(String::from)
                            .collect()
                    })
                    .unwrap_or_default();
                files.insert(chunk.to_string(), lines);
            }
            files[chunk].get(line.checked_sub(1)? as usize).cloned()
        });
        eprint!("{text}");
    }
}

/// `--analyze`: compiles the script and prints its static cost analysis.
fn analyze(script: Option<&str>) -> ExitCode {
    let Some(name) = script else {
        eprintln!("mani: --analyze needs a script");
        return ExitCode::FAILURE;
    };
    let src = match std::fs::read(name) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("mani: cannot open {name}: {}", os_reason(&e));
            return ExitCode::FAILURE;
        }
    };
    match mani::analyze_source(mani::file_chunk(&src), name, &Default::default()) {
        Ok(report) => {
            print!("{report}");
            ExitCode::SUCCESS
        }
        Err(msg) => {
            eprintln!("mani: {msg}");
            ExitCode::FAILURE
        }
    }
}

fn actions_empty(argv: &[String]) -> bool {
    argv.len() <= 1
}

/// Closes the state like `lua_close` (pending finalizers run) and flushes output.
fn finish(lua: &mut Lua, code: ExitCode, m: &Metering) -> ExitCode {
    lua.close();
    let _ = lua.flush_output();
    report_metering(lua, m);
    code
}

/// Runs the loaded chunk `f`, in slices when asked: a task that gets `slice` more
/// units each time it pauses, until it finishes.
fn run_sliced(
    lua: &mut Lua,
    f: Function,
    args: MultiValue,
    slice: Option<u64>,
) -> Result<(), mani::Error> {
    let Some(n) = slice else {
        return f.call::<()>(args);
    };
    let mut task = lua.spawn(&f, args)?;
    let mut slices = 1u64;
    let mut run = task.resume(n);
    while let Ok(mani::TaskState::Paused) = run {
        slices += 1;
        run = task.resume(n);
    }
    eprintln!("slices: {slices}");
    run.map(|_| ())
}

/// Loads and runs a chunk; reports errors like lua.c. Returns false on error.
fn run_chunk(
    lua: &mut Lua,
    src: &[u8],
    chunkname: &str,
    args: &[String],
    slice: Option<u64>,
) -> bool {
    let f = match lua.load(src).set_name(chunkname).into_function() {
        Ok(f) => f,
        Err(e) => {
            let _ = lua.flush_output();
            report_error(lua, &e);
            return false;
        }
    };
    let argv: MultiValue = args
        .iter()
        .map(|a| lua.create_string(a).map(Value::String))
        .collect::<Result<_, _>>()
        .unwrap_or_default();
    match run_sliced(lua, f, argv, slice) {
        Ok(()) => true,
        Err(e) => {
            let _ = lua.flush_output();
            report_error(lua, &e);
            false
        }
    }
}

/// Prints an error the way lua.c does: `mani: message`, then the traceback.
fn report_error(lua: &Lua, e: &mani::Error) {
    let message = match e {
        // The message carries its traceback.
        mani::Error::RuntimeError(m) => {
            eprintln!("mani: {m}");
            return;
        }
        mani::Error::MemoryError(m)
        | mani::Error::BudgetExhausted(m)
        | mani::Error::StepLimit(m) => m.clone(),
        // An error object with `__tostring` is shown as that, without a traceback
        // (lua.c's message handler).
        mani::Error::LuaValue { message, value } => {
            let shown = match value {
                Value::Table(t) => t
                    .metatable()
                    .is_some_and(|m| m.contains_key("__tostring").unwrap_or(false)),
                Value::UserData(u) => u
                    .metatable()
                    .is_ok_and(|m| m.contains_key("__tostring").unwrap_or(false)),
                _ => false,
            };
            if shown {
                eprintln!("mani: {message}");
                return;
            }
            message.clone()
        }
        mani::Error::SyntaxError { message, .. } => {
            eprintln!("mani: {message}");
            return;
        }
        mani::Error::Paused => "call paused".to_string(),
        e => e.to_string(),
    };
    eprintln!("mani: {message}");
    if let Some(tb) = lua.last_traceback().filter(|t| !t.is_empty()) {
        eprintln!("{tb}");
    }
}

/// The interactive prompt: line editing and history through rustyline; an incomplete
/// statement continues on the next line; expressions are printed.
fn repl(lua: &mut Lua) {
    let mut rl = match rustyline::DefaultEditor::new() {
        Ok(r) => r,
        Err(_) => return,
    };
    let mut pending = String::new();
    loop {
        let prompt = if pending.is_empty() { "> " } else { ">> " };
        let line = match rl.readline(prompt) {
            Ok(l) => l,
            Err(_) => break,
        };
        if pending.is_empty() {
            pending = line;
        } else {
            pending.push('\n');
            pending.push_str(&line);
        }
        // First try it as an expression to print.
        let expr_src = format!("return {pending}");
        let f = match lua
            .load(expr_src.as_str())
            .set_name("=stdin")
            .into_function()
        {
            Ok(f) => Ok(f),
            Err(_) => lua
                .load(pending.as_str())
                .set_name("=stdin")
                .into_function(),
        };
        match f {
            Err(mani::Error::SyntaxError {
                incomplete_input: true,
                ..
            }) => continue,
            Err(e) => report_error(lua, &e),
            Ok(f) => match f.call::<MultiValue>(()) {
                Ok(vals) => {
                    if !vals.is_empty() {
                        if let Ok(print) = lua.globals().get::<Function>("print") {
                            let _ = print.call::<()>(vals);
                        }
                    }
                }
                Err(e) => report_error(lua, &e),
            },
        }
        let _ = rl.add_history_entry(pending.as_str());
        let _ = lua.flush_output();
        pending.clear();
    }
}

/// The OS's reason for a failed file operation as C's `strerror` words it (what
/// lua5.4 prints), without Rust's ` (os error N)` suffix.
fn os_reason(e: &std::io::Error) -> String {
    let mut text = e.to_string();
    if let Some(i) = text.rfind(" (os error ") {
        text.truncate(i);
    }
    text
}

/// `package.path`/`cpath` from `LUA_PATH_5_4`/`LUA_PATH` (and the CPATH ones),
/// `;;` standing for the default, as lua.c sets them.
fn env_paths(lua: &Lua) {
    let Ok(pkg) = lua.globals().get::<mani::Table>("package") else {
        return;
    };
    for (key, var) in [("path", "LUA_PATH"), ("cpath", "LUA_CPATH")] {
        let Ok(default) = pkg.get::<String>(key) else {
            continue;
        };
        let v = std::env::var(format!("{var}_5_4")).or_else(|_| std::env::var(var));
        if let Ok(p) = v {
            let _ = pkg.set(key, p.replacen(";;", &format!(";{default};"), 1));
        }
    }
}

/// Runs `LUA_INIT_5_4` or `LUA_INIT` (`@file` runs that file) before anything
/// else, as lua.c does.
fn lua_init(lua: &mut Lua, slice: Option<u64>) -> bool {
    let (name, init) = match std::env::var("LUA_INIT_5_4") {
        Ok(v) => ("=LUA_INIT_5_4", v),
        Err(_) => match std::env::var("LUA_INIT") {
            Ok(v) => ("=LUA_INIT", v),
            Err(_) => return true,
        },
    };
    if let Some(file) = init.strip_prefix('@') {
        match std::fs::read(file) {
            Ok(src) => run_chunk(lua, mani::file_chunk(&src), &format!("@{file}"), &[], slice),
            Err(e) => {
                eprintln!("mani: cannot open {file}: {}", os_reason(&e));
                false
            }
        }
    } else {
        run_chunk(lua, init.as_bytes(), name, &[], slice)
    }
}
