//! Generated inputs for the binary-chunk loader: dumps of real functions, mutated
//! (bytes flipped, set, removed, duplicated, cut) thousands of times, then loaded and
//! run. A mutated chunk must load as some function or fail with
//! `name: bad binary format (...)`; never panic, and never leave the State unusable.
//! (The `chunk` fuzz target does the same open-ended; this runs in CI.)

use mani::{Function, Lua, LuaString, Value};

/// Deterministic xorshift64*: the same cases on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

const SOURCES: &[&str] = &[
    "local a, b = 1, 2 return function(x) return a + b + (x or 0) end",
    "local t = {} for i = 1, 10 do t[i] = i * i end return function() return #t, t[3] end",
    "return function(s) return (string.gsub(s or 'abc', '%w', '%0%0')) end",
    "local function f(n) if n < 2 then return n end return f(n - 1) + f(n - 2) end return function() return f(10) end",
    "return function(...) local x <close> = nil return select('#', ...), ... end",
];

fn mutate(rng: &mut Rng, c: &mut Vec<u8>) {
    for _ in 0..1 + rng.below(3) {
        if c.is_empty() {
            return;
        }
        let i = rng.below(c.len());
        match rng.below(6) {
            0 => c[i] ^= 1 << rng.below(8),
            1 => c[i] = rng.next() as u8,
            2 => {
                let n = rng.below(8).min(c.len() - i);
                c.drain(i..i + n);
            }
            3 => {
                let n = rng.below(16).min(c.len() - i);
                let piece = c[i..i + n].to_vec();
                let at = rng.below(c.len());
                c.splice(at..at, piece);
            }
            4 => c.truncate(i),
            // A length or count field set to an extreme value.
            _ => c[i] = [0x00, 0x7f, 0x80, 0xff][rng.below(4)],
        }
    }
}

#[test]
fn mutated_chunks_load_or_fail_cleanly() {
    let lua = Lua::new_trusted();
    let dumps: Vec<Vec<u8>> = SOURCES
        .iter()
        .flat_map(|src| {
            let f: Function = lua.load(*src).eval().unwrap();
            [false, true].map(|strip| f.dump(strip))
        })
        .collect();
    let try_load: Function = lua
        .load(
            "return function(s)
               local f, e = load(s, '=m', 'b')
               if not f then return false, e end
               return true, pcall(f, 'xyz')
             end",
        )
        .eval()
        .unwrap();
    let mut rng = Rng(0x6d61_6e69_2d63_686b);
    let (mut loaded, mut refused) = (0, 0);
    for case in 0..3000 {
        let mut c = dumps[rng.below(dumps.len())].clone();
        mutate(&mut rng, &mut c);
        let s: LuaString = lua.create_string(&c).unwrap();
        // A mutation may make a valid program that loops: the budget ends it.
        lua.set_budget(Some(200_000));
        let r = try_load.call::<(bool, Value)>(s);
        lua.set_budget(None);
        match r {
            Ok((true, _)) => loaded += 1,
            Ok((false, Value::String(e))) => {
                let e = e.to_string_lossy();
                // (A mutated first byte makes it a text chunk, which mode 'b' refuses.)
                assert!(
                    e.starts_with("m: bad binary format (")
                        || e == "attempt to load a text chunk (mode is 'b')"
                        || e.contains("not enough memory"),
                    "case {case}: unexpected load error {e:?}"
                );
                refused += 1;
            }
            Ok((false, other)) => panic!("case {case}: load gave {other:?}"),
            // Only a limit may end the call (a mutated program that loops).
            Err(mani::Error::BudgetExhausted(_)) => loaded += 1,
            Err(e) => panic!("case {case}: {e}"),
        }
    }
    eprintln!("loaded {loaded}, refused {refused}");
    // Both outcomes occur, so the mutations reach past the header checks.
    assert!(refused > 1000, "refused {refused}");
    assert!(loaded > 10, "loaded {loaded}");
    // The State still works.
    assert_eq!(lua.load("return 6 * 7").eval::<i64>().unwrap(), 42);
}
