//! Compile once, run many: one `Program` loaded into many States, on many threads.

use mani::{Engine, Lua, Table};

const SRC: &str = r#"
local n = ...
local t = {}
for i = 1, n do t[i] = i * i end
counter = (counter or 0) + 1
return #t, t[n], counter, tostring({}):match("^table: ")
"#;

#[test]
fn one_program_many_states() {
    let engine = Engine::new();
    let program = engine.compile(SRC, "=squares").unwrap();
    assert_eq!(program.name(), "squares");
    let threads: Vec<_> = (0..4)
        .map(|k| {
            let (engine, program) = (engine.clone(), program.clone());
            std::thread::spawn(move || {
                (0..25)
                    .map(|i| {
                        let lua = engine.new_state();
                        let f = lua.load_program(&program).unwrap();
                        let n = 10 + k * 25 + i;
                        let r: (i64, i64, i64, String) = f.call(n).unwrap();
                        assert_eq!(r, (n, n * n, 1, "table: ".to_string()));
                        // Loading twice in one State gives two functions sharing globals.
                        let g = lua.load_program(&program).unwrap();
                        assert_eq!(g.call::<(i64, i64, i64)>(1).unwrap().2, 2);
                        n
                    })
                    .sum::<i64>()
            })
        })
        .collect();
    let total: i64 = threads.into_iter().map(|t| t.join().unwrap()).sum();
    assert_eq!(total, (10..110).sum::<i64>());
}

#[test]
fn programs_with_their_own_environment_and_errors() {
    let engine = Engine::new();
    let lua = Lua::new();
    let env: Table = lua.create_table().unwrap();
    env.set("x", 5).unwrap();
    let p = engine.compile("y = x * 2 return y", "=env").unwrap();
    let f = lua.load_program_with_env(&p, &env).unwrap();
    assert_eq!(f.call::<i64>(()).unwrap(), 10);
    assert_eq!(env.get::<i64>("y").unwrap(), 10);
    assert!(lua.globals().get::<Option<i64>>("y").unwrap().is_none());
    // Runtime errors name the program's chunk; syntax errors come from compile.
    let bad = engine
        .compile("local t = nil\nreturn t.x", "@mod.lua")
        .unwrap();
    let e = lua.load_program(&bad).unwrap().call::<()>(()).unwrap_err();
    assert!(
        e.to_string()
            .contains("mod.lua:2: attempt to index a nil value"),
        "{e}"
    );
    let e = engine.compile("return +", "=broken").unwrap_err();
    assert!(e.to_string().contains("broken:1:"), "{e}");
    // A handle of another State is refused as an environment.
    let other = Lua::new();
    let foreign = other.create_table().unwrap();
    assert!(lua.load_program_with_env(&p, &foreign).is_err());
}
