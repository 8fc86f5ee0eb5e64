//! Differential testing against the reference interpreter: generates portable
//! programs, runs each with lua5.4 and with mani, and reports every program whose
//! output or error message differs.
//!
//! ```text
//! cargo run --release --bin differential -- [COUNT] [SEED]
//! ```
//! Environment: `MANI` (default `../target/release/mani`), `LUA` (default `lua5.4`),
//! `OUT` (where differing programs are saved; default `differential-out`).

use mani_fuzz::{program, Mode};
use std::path::PathBuf;
use std::process::Command;

fn bytes(seed: u64, n: usize) -> Vec<u8> {
    let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 24) as u8
        })
        .collect()
}

/// Stdout, and the error line of stderr without the interpreter's name.
fn run(cmd: &mut Command) -> Option<(String, String)> {
    let o = cmd.output().ok()?;
    if o.status.code() == Some(124) {
        return None; // timed out
    }
    let err = String::from_utf8_lossy(&o.stderr);
    let first = err.lines().next().unwrap_or("");
    let msg = first
        .split_once(": ")
        .map(|(_, m)| m)
        .unwrap_or(first)
        .to_string();
    let out = String::from_utf8_lossy(&o.stdout);
    Some((normalize(&out), normalize(&msg)))
}

/// lua5.4.4 reports `x % 0` and `x // 0` with a constant zero at the line of an
/// earlier instruction (its MODK and IDIVK do not save the pc: "attempt to perform
/// 'n%%0'", "attempt to divide by zero"); mani at the right line. Such lines are
/// compared without their line.
fn normalize(s: &str) -> String {
    s.lines()
        .map(|l| {
            if l.contains("attempt to perform 'n%0'")
                || l.contains("attempt to perform 'n//0'")
                || l.contains("attempt to divide by zero")
            {
                let tail = l.split_once("attempt").map(|(_, t)| t).unwrap_or(l);
                format!("<line>: attempt{tail}")
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn main() {
    let mut args = std::env::args().skip(1);
    let count: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(1000);
    let seed: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(1);
    let mani = std::env::var("MANI").unwrap_or_else(|_| "../target/release/mani".into());
    let lua = std::env::var("LUA").unwrap_or_else(|_| "lua5.4".into());
    let out = PathBuf::from(std::env::var("OUT").unwrap_or_else(|_| "differential-out".into()));
    std::fs::create_dir_all(&out).expect("output folder");
    let case = out.join("case.lua");
    let (mut same, mut differ, mut skipped, mut failed) = (0, 0, 0, 0);
    for i in seed..seed + count {
        let data = bytes(i, 8192);
        let mut u = arbitrary::Unstructured::new(&data);
        let Ok(src) = program(&mut u, Mode::Portable) else {
            continue;
        };
        std::fs::write(&case, &src).expect("write case");
        let reference = run(Command::new("timeout").args(["5", &lua]).arg(&case));
        let ours = run(Command::new("timeout")
            .args(["5", &mani, "--budget", "20000000"])
            .arg(&case));
        match (reference, ours) {
            (Some(r), Some(m)) if m.1.contains("budget exhausted") => {
                let _ = r;
                skipped += 1;
            }
            (Some(r), Some(m)) if r == m => {
                same += 1;
                if !r.1.is_empty() {
                    failed += 1;
                }
            }
            (Some(r), Some(m)) => {
                differ += 1;
                let name = out.join(format!("differ-{i}.lua"));
                let note = format!(
                    "{src}\n--[[ lua5.4 stdout:\n{}\nerror: {}\nmani stdout:\n{}\nerror: {}\n]]\n",
                    r.0, r.1, m.0, m.1
                );
                std::fs::write(&name, note).expect("write difference");
                println!("differs: {}", name.display());
            }
            _ => skipped += 1,
        }
    }
    println!(
        "{same} same ({failed} of them ended by an error), {differ} differ, {skipped} skipped (timeout or budget)"
    );
    if differ > 0 {
        std::process::exit(1);
    }
}
