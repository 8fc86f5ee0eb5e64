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
//! ```

use mani::value::Value;
use mani::Lua;
use std::io::{IsTerminal, Read, Write};
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
         --sandbox run with the sandbox profile (no io, no file or process access)"
    );
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
            "-E" | "-W" => {}
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
    let arg_t = lua.vm.new_table(argv.len(), 0);
    let s0 = script.unwrap_or(argv.len());
    for (j, a) in argv.iter().enumerate() {
        let v = lua.vm.new_str(a.as_bytes());
        let _ = arg_t.get_mut().set(Value::Int(j as i64 - s0 as i64), v);
    }
    lua.vm.set_global("arg", Value::Table(arg_t));

    if version {
        println!("{VERSION}");
    }
    for act in actions {
        let ok = match act {
            Action::Exec(src) => run_chunk(&mut lua, src.as_bytes(), "(command line)", &[]),
            Action::Require(name) => {
                let src = format!("{name} = require('{name}')");
                run_chunk(&mut lua, src.as_bytes(), "(command line)", &[])
            }
        };
        if !ok {
            return finish(&mut lua, ExitCode::FAILURE);
        }
    }
    if let Some(si) = script {
        let name = &argv[si];
        let (src, chunk) = if name == "-" {
            let mut buf = Vec::new();
            if std::io::stdin().read_to_end(&mut buf).is_err() {
                eprintln!("{prog}: cannot read stdin");
                return finish(&mut lua, ExitCode::FAILURE);
            }
            (buf, "stdin".to_string())
        } else {
            match std::fs::read(name) {
                Ok(b) => (b, name.clone()),
                Err(_) => {
                    eprintln!("{prog}: cannot open {name}");
                    return finish(&mut lua, ExitCode::FAILURE);
                }
            }
        };
        let script_args: Vec<String> = argv[si + 1..].to_vec();
        if !run_chunk(&mut lua, skip_shebang(&src), &chunk, &script_args) {
            return finish(&mut lua, ExitCode::FAILURE);
        }
    } else if !interactive && !version && actions_empty(&argv) {
        if std::io::stdin().is_terminal() {
            println!("{VERSION}");
            interactive = true;
        } else {
            let mut buf = Vec::new();
            let _ = std::io::stdin().read_to_end(&mut buf);
            if !run_chunk(&mut lua, skip_shebang(&buf), "stdin", &[]) {
                return finish(&mut lua, ExitCode::FAILURE);
            }
        }
    }
    if interactive {
        repl(&mut lua);
    }
    finish(&mut lua, ExitCode::SUCCESS)
}

fn actions_empty(argv: &[String]) -> bool {
    argv.len() <= 1
}

/// Closes the state like `lua_close` (pending finalizers run) and flushes output.
fn finish(lua: &mut Lua, code: ExitCode) -> ExitCode {
    lua.vm.close_state();
    let _ = lua.vm.out.flush();
    code
}

/// Skips a first line starting with `#` (Unix exec. file), keeping line numbers.
fn skip_shebang(src: &[u8]) -> &[u8] {
    if src.first() == Some(&b'#') {
        let end = src.iter().position(|&c| c == b'\n').unwrap_or(src.len());
        &src[end..]
    } else {
        src
    }
}

/// Loads and runs a chunk; reports errors like lua.c. Returns false on error.
fn run_chunk(lua: &mut Lua, src: &[u8], chunkname: &str, args: &[String]) -> bool {
    let f = match lua.vm.load(src, chunkname) {
        Ok(f) => f,
        Err(msg) => {
            let _ = lua.vm.out.flush();
            eprintln!("mani: {msg}");
            return false;
        }
    };
    let argv: Vec<Value> = args.iter().map(|a| lua.vm.new_str(a.as_bytes())).collect();
    match lua.call(f, &argv) {
        Ok(_) => true,
        Err(e) => {
            let _ = lua.vm.out.flush();
            match e {
                mani::Error::Runtime { message, traceback } => {
                    eprintln!("mani: {message}");
                    if !traceback.is_empty() {
                        eprintln!("{traceback}");
                    }
                }
                mani::Error::Syntax(m) => eprintln!("mani: {m}"),
            }
            false
        }
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
        let f = match lua.vm.load(expr_src.as_bytes(), "stdin") {
            Ok(f) => Ok(f),
            Err(_) => lua.vm.load(pending.as_bytes(), "stdin"),
        };
        match f {
            Err(msg) if msg.ends_with("<eof>") => continue,
            Err(msg) => {
                eprintln!("mani: {msg}");
            }
            Ok(f) => match lua.call(f, &[]) {
                Ok(vals) => {
                    if !vals.is_empty() {
                        let print = lua.vm.get_global("print");
                        let _ = lua.call(print, &vals);
                    }
                }
                Err(e) => eprintln!("mani: {e}"),
            },
        }
        let _ = rl.add_history_entry(pending.as_str());
        let _ = lua.vm.out.flush();
        pending.clear();
    }
}
