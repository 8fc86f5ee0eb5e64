//! Integration tests of the command-line contract of `mani` (modelled on
//! `lua5.4`). Runnable against the reference with
//! `MANI_TEST_BIN=/usr/bin/lua5.4 cargo test --test cli`.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};

fn bin() -> PathBuf {
    match std::env::var_os("MANI_TEST_BIN") {
        Some(b) if !b.is_empty() => PathBuf::from(b),
        _ => PathBuf::from(env!("CARGO_BIN_EXE_mani")),
    }
}

/// A fresh scratch directory for one test.
fn scratch() -> PathBuf {
    static N: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "mani-cli-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst)
    ));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    dir
}

struct Run {
    stdout: String,
    stderr: String,
    code: Option<i32>,
}

impl Run {
    fn first_err(&self) -> String {
        strip_prog(self.stderr.lines().next().unwrap_or(""))
    }
}

/// Removes the program-name prefix (`lua5.4: `, `mani: `, `/path/to/bin: `).
fn strip_prog(line: &str) -> String {
    let b = bin();
    let mut prefixes = vec![
        "lua5.4".to_string(),
        "mani".to_string(),
        b.to_string_lossy().into_owned(),
    ];
    if let Some(f) = b.file_name() {
        prefixes.push(f.to_string_lossy().into_owned());
    }
    if prefixes.iter().any(|p| line.starts_with(p.as_str())) {
        if let Some(i) = line.find(": ") {
            return line[i + 2..].to_string();
        }
    }
    line.to_string()
}

fn finish(out: Output) -> Run {
    Run {
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        code: out.status.code(),
    }
}

fn command(dir: &Path, args: &[&str]) -> Command {
    let mut c = Command::new(bin());
    c.args(args)
        .current_dir(dir)
        .env_remove("LUA_INIT")
        .env_remove("LUA_INIT_5_4")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    c
}

/// Runs the interpreter with `args` in `dir`, stdin closed.
fn run(dir: &Path, args: &[&str]) -> Run {
    let out = command(dir, args)
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", bin().display()));
    finish(out)
}

/// Runs the interpreter with `args` in `dir`, feeding `input` on stdin.
fn run_stdin(dir: &Path, args: &[&str], input: &str) -> Run {
    let mut child = command(dir, args)
        .stdin(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", bin().display()));
    let mut stdin = child.stdin.take().unwrap();
    let data = input.as_bytes().to_vec();
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(&data);
        // dropping stdin closes the pipe
    });
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    finish(out)
}

fn write(dir: &Path, name: &str, src: &str) {
    fs::write(dir.join(name), src).unwrap();
}

fn has_traceback(r: &Run) -> bool {
    r.stderr.lines().any(|l| l.trim_end() == "stack traceback:")
}

// ---------------------------------------------------------------------------

#[test]
fn script_arguments_set_arg_and_varargs() {
    let d = scratch();
    write(
        &d,
        "args.lua",
        "print(#arg, arg[0], arg[1], arg[2], arg[3])\n\
         print(select('#', ...), ...)\n\
         print(type(arg[-1]))\n\
         print(arg[-2])\n",
    );
    let r = run(&d, &["args.lua", "a", "b c"]);
    assert_eq!(r.code, Some(0), "stderr: {}", r.stderr);
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(lines[0], "2\targs.lua\ta\tb c\tnil");
    assert_eq!(lines[1], "2\ta\tb c");
    assert_eq!(lines[2], "string");
    assert_eq!(lines[3], "nil");
}

#[test]
fn arg_minus_one_is_the_interpreter() {
    let d = scratch();
    write(&d, "a.lua", "print(arg[-1])");
    let r = run(&d, &["a.lua"]);
    assert_eq!(r.code, Some(0), "stderr: {}", r.stderr);
    assert_eq!(r.stdout.trim_end(), bin().to_string_lossy());
}

#[test]
fn script_without_arguments() {
    let d = scratch();
    write(&d, "noargs.lua", "print(#arg, arg[1], select('#', ...))");
    let r = run(&d, &["noargs.lua"]);
    assert_eq!(r.stdout, "0\tnil\t0\n");
    assert_eq!(r.code, Some(0));
}

#[test]
fn numeric_looking_arguments_stay_strings() {
    let d = scratch();
    write(
        &d,
        "n.lua",
        "print(math.type(arg[1]), type(arg[1]), arg[1] + 1)",
    );
    let r = run(&d, &["n.lua", "41"]);
    assert_eq!(r.stdout, "nil\tstring\t42\n");
}

#[test]
fn execute_string_option() {
    let d = scratch();
    let r = run(&d, &["-e", "print(1)"]);
    assert_eq!(r.stdout, "1\n");
    assert_eq!(r.code, Some(0));
    assert_eq!(r.stderr, "");
}

#[test]
fn several_execute_options_run_in_order_sharing_globals() {
    let d = scratch();
    let r = run(&d, &["-e", "x = 20", "-e", "print(x + 1)"]);
    assert_eq!(r.stdout, "21\n");
    assert_eq!(r.code, Some(0));
}

#[test]
fn execute_then_script() {
    let d = scratch();
    write(&d, "s.lua", "print('script sees', x, ...)");
    let r = run(&d, &["-e", "x = 5", "s.lua", "p"]);
    assert_eq!(r.stdout, "script sees\t5\tp\n");
}

#[test]
fn execute_option_syntax_error() {
    let d = scratch();
    let r = run(&d, &["-e", "x="]);
    assert_eq!(r.code, Some(1));
    assert_eq!(r.stdout, "");
    assert_eq!(
        r.first_err(),
        "(command line):1: unexpected symbol near <eof>"
    );
}

#[test]
fn execute_option_runtime_error() {
    let d = scratch();
    let r = run(&d, &["-e", "error('bad')"]);
    assert_eq!(r.code, Some(1));
    assert_eq!(r.first_err(), "(command line):1: bad");
    assert!(has_traceback(&r), "stderr: {}", r.stderr);
}

#[test]
fn script_from_stdin_with_dash() {
    let d = scratch();
    let r = run_stdin(&d, &["-"], "print('from stdin', ...)\nprint(2 + 2)\n");
    assert_eq!(r.code, Some(0), "stderr: {}", r.stderr);
    assert_eq!(r.stdout, "from stdin\n4\n");
}

#[test]
fn script_from_stdin_with_arguments() {
    let d = scratch();
    let r = run_stdin(&d, &["-", "x", "y"], "print(select('#', ...), arg[0], ...)");
    assert_eq!(r.stdout, "2\t-\tx\ty\n");
}

#[test]
fn stdin_chunk_name_in_errors() {
    let d = scratch();
    let r = run_stdin(&d, &["-"], "\nerror('in stdin')\n");
    assert_eq!(r.code, Some(1));
    assert_eq!(r.first_err(), "stdin:2: in stdin");
}

#[test]
fn piped_stdin_without_arguments_runs_it() {
    // With no arguments and stdin not a terminal, lua5.4 runs stdin as a script.
    let d = scratch();
    let r = run_stdin(&d, &[], "print('piped')\n");
    assert_eq!(r.code, Some(0), "stderr: {}", r.stderr);
    assert_eq!(r.stdout, "piped\n");
}

#[test]
fn version_option() {
    let d = scratch();
    let r = run(&d, &["-v"]);
    assert_eq!(r.code, Some(0));
    let line = r.stdout.lines().next().unwrap_or("");
    assert!(
        line.starts_with("mani") || line.starts_with("Lua 5.4"),
        "unexpected version line: {line:?}"
    );
}

#[test]
fn runtime_error_reports_and_exits_1() {
    let d = scratch();
    write(
        &d,
        "boom.lua",
        "print('before')\nlocal t = nil\nprint(t.x)\n",
    );
    let r = run(&d, &["boom.lua"]);
    assert_eq!(r.code, Some(1));
    assert_eq!(r.stdout, "before\n");
    assert_eq!(
        r.first_err(),
        "boom.lua:3: attempt to index a nil value (local 't')"
    );
    assert!(has_traceback(&r), "stderr: {}", r.stderr);
    // the program name prefix is present
    let first = r.stderr.lines().next().unwrap_or("");
    assert_ne!(first, r.first_err(), "no program-name prefix in {first:?}");
}

#[test]
fn error_call_at_top_level() {
    let d = scratch();
    write(&d, "e.lua", "error('boom')");
    let r = run(&d, &["e.lua"]);
    assert_eq!(r.code, Some(1));
    assert_eq!(r.first_err(), "e.lua:1: boom");
    assert!(has_traceback(&r));
}

#[test]
fn error_with_table_value_at_top_level() {
    let d = scratch();
    write(&d, "t.lua", "error({})");
    let r = run(&d, &["t.lua"]);
    assert_eq!(r.code, Some(1));
    assert_eq!(r.first_err(), "(error object is a table value)");
}

#[test]
fn error_with_tostring_object_at_top_level() {
    let d = scratch();
    write(
        &d,
        "t.lua",
        "error(setmetatable({}, {__tostring = function() return 'custom' end}))",
    );
    let r = run(&d, &["t.lua"]);
    assert_eq!(r.code, Some(1));
    assert_eq!(r.first_err(), "custom");
}

#[test]
fn syntax_error_in_script_file() {
    let d = scratch();
    write(&d, "syn.lua", "print('never')\nx = = 1\n");
    let r = run(&d, &["syn.lua"]);
    assert_eq!(r.code, Some(1));
    assert_eq!(r.stdout, "");
    assert_eq!(r.first_err(), "syn.lua:2: unexpected symbol near '='");
}

#[test]
fn missing_script_file() {
    let d = scratch();
    let r = run(&d, &["nofile.lua"]);
    assert_eq!(r.code, Some(1));
    assert!(
        r.stderr.contains("cannot open nofile.lua"),
        "stderr: {}",
        r.stderr
    );
    assert_eq!(r.stdout, "");
}

#[test]
fn os_exit_status_codes() {
    let d = scratch();
    for (src, code) in [
        ("os.exit(3)", 3),
        ("os.exit(0)", 0),
        ("os.exit(true)", 0),
        ("os.exit(false)", 1),
        ("os.exit()", 0),
        ("io.write('partial') os.exit(7, true)", 7),
    ] {
        let r = run(&d, &["-e", src]);
        assert_eq!(r.code, Some(code), "for {src}: stderr {}", r.stderr);
    }
    let r = run(&d, &["-e", "io.write('flushed') os.exit(2)"]);
    assert_eq!(r.stdout, "flushed");
}

#[test]
fn normal_end_exits_0_with_empty_stderr() {
    let d = scratch();
    write(&d, "ok.lua", "local x = 1 + 1\nreturn x");
    let r = run(&d, &["ok.lua"]);
    assert_eq!(r.code, Some(0));
    assert_eq!(r.stdout, "");
    assert_eq!(r.stderr, "");
}

#[test]
fn script_in_another_directory_uses_given_path_as_chunkname() {
    let d = scratch();
    fs::create_dir_all(d.join("sub")).unwrap();
    write(&d, "sub/inner.lua", "error('where')");
    let r = run(&d, &["sub/inner.lua"]);
    assert_eq!(r.code, Some(1));
    assert_eq!(r.first_err(), "sub/inner.lua:1: where");
}

#[test]
fn shebang_line_is_skipped() {
    let d = scratch();
    write(&d, "sh.lua", "#!/usr/bin/env mani\nprint('ok')\n");
    let r = run(&d, &["sh.lua"]);
    assert_eq!(r.stdout, "ok\n");
    assert_eq!(r.code, Some(0));
}

#[test]
fn stdout_and_print_interleave_in_order() {
    let d = scratch();
    write(
        &d,
        "o.lua",
        "io.write('a') print('b') io.write('c\\n') io.stdout:write('d\\n')",
    );
    let r = run(&d, &["o.lua"]);
    assert_eq!(r.stdout, "ab\nc\nd\n");
}

#[test]
fn large_output_is_complete() {
    let d = scratch();
    let r = run(&d, &["-e", "for i = 1, 100000 do print(i) end"]);
    assert_eq!(r.code, Some(0));
    assert_eq!(r.stdout.lines().count(), 100000);
    assert!(r.stdout.ends_with("99999\n100000\n"));
}

#[test]
fn stdin_readable_from_script() {
    let d = scratch();
    write(
        &d,
        "read.lua",
        "local l = io.read('l') print('got', l) print(io.read('n'))",
    );
    let r = run_stdin(&d, &["read.lua"], "first line\n42\n");
    assert_eq!(r.stdout, "got\tfirst line\n42\n");
}

#[test]
fn unknown_option_fails() {
    let d = scratch();
    let r = run(&d, &["--definitely-not-an-option"]);
    assert_eq!(r.code, Some(1));
    assert!(!r.stderr.is_empty());
}

/// mani-only: `--sandbox` runs with the embedded profile.
#[test]
fn sandbox_flag_removes_io_and_process_access() {
    if std::env::var_os("MANI_TEST_BIN").is_some() {
        return; // lua5.4 has no such flag; this checks mani itself.
    }
    let dir = scratch();
    let r = run(
        &dir,
        &[
            "--sandbox",
            "-e",
            "print(io, require, os.getenv, type(os.time), type(string.rep), string.dump)",
        ],
    );
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    // No `string.dump`: a binary chunk carries its chunk's source text.
    assert_eq!(r.stdout, "nil\tnil\tnil\tfunction\tfunction\tnil\n");
    let r = run(&dir, &["-e", "print(type(io.write))"]);
    assert_eq!(r.stdout, "function\n");
}

// ---------------------------------------------------------------------------
// Environment and warnings (expected outputs as lua5.4 prints them)

fn run_env(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Run {
    let mut c = command(dir, args);
    c.stdin(Stdio::null());
    for (k, v) in env {
        c.env(k, v);
    }
    finish(c.output().unwrap())
}

#[test]
fn lua_init_runs_first_unless_dash_e_upper() {
    let d = scratch();
    let r = run_env(&d, &["-e", "print(2)"], &[("LUA_INIT", "print('init')")]);
    assert_eq!(r.stdout, "init\n2\n");
    let r = run_env(
        &d,
        &["-E", "-e", "print(2)"],
        &[("LUA_INIT", "print('init')")],
    );
    assert_eq!(r.stdout, "2\n");
    // LUA_INIT_5_4 wins over LUA_INIT; `@file` runs a file.
    write(&d, "init.lua", "print('from file')");
    let r = run_env(
        &d,
        &["-e", "print(3)"],
        &[("LUA_INIT", "print('no')"), ("LUA_INIT_5_4", "@init.lua")],
    );
    assert_eq!(r.stdout, "from file\n3\n");
    let r = run_env(
        &d,
        &["-e", "print(4)"],
        &[("LUA_INIT", "error('bad init')")],
    );
    assert_eq!(r.code, Some(1));
    assert!(r.stderr.contains("LUA_INIT:1: bad init"), "{}", r.stderr);
}

#[test]
fn lua_path_sets_package_path_with_default_for_double_semicolon() {
    let d = scratch();
    write(&d, "envmod.lua", "return {v = 7}");
    let dir = d.to_string_lossy().into_owned();
    let lp = format!("{dir}/?.lua;;");
    let r = run_env(
        &d,
        &["-e", "print(require('envmod').v, package.path:find('/usr/local/share/lua/5.4/?.lua', 1, true) ~= nil)"],
        &[("LUA_PATH", lp.as_str())],
    );
    assert_eq!(r.stdout, "7\ttrue\n", "{}", r.stderr);
    let r = run_env(
        &d,
        &["-E", "-e", "print(package.path:sub(1, 10))"],
        &[("LUA_PATH", "x")],
    );
    assert_eq!(r.stdout, "/usr/local\n");
}

#[test]
fn dash_l_with_global_name() {
    let d = scratch();
    write(&d, "lmod.lua", "return {v = 7}");
    let r = run(&d, &["-l", "g=lmod", "-e", "print(g.v, lmod)"]);
    assert_eq!(r.stdout, "7\tnil\n", "{}", r.stderr);
    let r = run(&d, &["-llmod", "-e", "print(lmod.v)"]);
    assert_eq!(r.stdout, "7\n", "{}", r.stderr);
}

#[test]
fn warnings_are_off_until_turned_on() {
    let d = scratch();
    let r = run(
        &d,
        &[
            "-e",
            "warn('w1') warn('@on') warn('w', 2) warn('@off') warn('w3')",
        ],
    );
    assert_eq!(r.stderr, "Lua warning: w2\n");
    let r = run(&d, &["-W", "-e", "warn('x', 'y')"]);
    assert_eq!(r.stderr, "Lua warning: xy\n");
    let r = run(
        &d,
        &[
            "-W",
            "-e",
            "setmetatable({}, {__gc = function() error('in gc', 0) end}) collectgarbage()",
        ],
    );
    assert_eq!(r.stderr, "Lua warning: error in __gc (in gc)\n");
    let r = run(&d, &["-e", "print(pcall(warn))"]);
    assert_eq!(
        r.stdout,
        "false\tbad argument #1 to 'warn' (string expected, got no value)\n"
    );
}

#[test]
fn error_object_with_tostring_is_shown_without_traceback() {
    let d = scratch();
    let r = run(
        &d,
        &[
            "-e",
            "error(setmetatable({}, {__tostring = function() return 'custom' end}))",
        ],
    );
    assert_eq!(r.code, Some(1));
    assert_eq!(strip_prog(r.stderr.trim_end()), "custom");
    let r = run(&d, &["-e", "error({})"]);
    assert!(r.stderr.contains("(error object is a table value)") && has_traceback(&r));
}

#[test]
fn os_exit_with_close_closes_pending_variables() {
    let d = scratch();
    let src = "do local x <close> = setmetatable({}, {__close = function() print('closed') end}) os.exit(3, true) end";
    let r = run(&d, &["-e", src]);
    assert_eq!((r.stdout.as_str(), r.code), ("closed\n", Some(3)));
    let src = "local x <close> = setmetatable({}, {__close = function() print('closed') end}) os.exit(true)";
    let r = run(&d, &["-e", src]);
    assert_eq!((r.stdout.as_str(), r.code), ("", Some(0)));
}

#[test]
fn sandbox_names_library_functions_like_lua() {
    // The sandbox has no `package`, but errors and tracebacks still name library
    // functions through the loaded-modules table (they said '?' and 'rep').
    let d = scratch();
    let src = "print(pcall(string.rep))\nprint(pcall(string.format, '%d', 'x'))\nstring.rep()\n";
    write(&d, "names.lua", src);
    let r = run(&d, &["--sandbox", "names.lua"]);
    assert_eq!(
        r.stdout,
        "false\tbad argument #1 to 'string.rep' (string expected, got no value)\n\
         false\tbad argument #2 to 'string.format' (number expected, got string)\n"
    );
    assert!(
        r.stderr.contains("[C]: in function 'string.rep'"),
        "{}",
        r.stderr
    );
}
