//! Arbitrary bytes through the lexer, parser, compiler and verifier: loading returns
//! a function or an error that names the chunk (or, like lua5.4's, names a limit
//! without a position: "C stack overflow", "not enough memory"), and never panics.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let lua = mani::Lua::new();
    lua.set_memory_limit(16 << 20).expect("memory limit");
    match lua.load(data).set_name("=fuzz").into_function() {
        Ok(_) => {}
        Err(e) => {
            let msg = e.to_string();
            assert!(
                msg.contains("fuzz") || msg.contains("memory") || msg.contains("stack overflow"),
                "load error without the chunk name: {msg}"
            );
        }
    }
});
