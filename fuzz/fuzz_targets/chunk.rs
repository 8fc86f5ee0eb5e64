//! Binary chunks: arbitrary bytes after a valid mani header (or after the bare
//! signature) through `load`. A chunk either fails with an error that names the
//! chunk, or loads a function that runs under a budget without panicking; whatever
//! the bytes, the State keeps working.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let lua = mani::Lua::new_trusted();
    lua.set_memory_limit(16 << 20).expect("memory limit");
    // A real dump's fixed part: lua5.4's header, the upvalue count, mani's tag and
    // the strip flag (everything before the first length).
    let dumped: mani::LuaString = lua
        .load("return string.dump(function() end)")
        .eval()
        .expect("dump");
    let real = dumped.as_bytes().to_vec();
    let fixed = 4 + 2 + 6 + 3 + 16 + 1 + 5 + 1;
    let (mode, rest) = data.split_first().unwrap_or((&0, &[]));
    let mut chunk = match mode % 3 {
        0 => real[..fixed].to_vec(),
        1 => b"\x1bLua".to_vec(),
        // A real dump with the input spliced over its tail.
        _ => real[..real.len().saturating_sub(rest.len().min(real.len() - fixed))].to_vec(),
    };
    chunk.extend_from_slice(rest);
    match lua.load(&chunk[..]).set_name("=fuzz").into_function() {
        Ok(f) => {
            lua.set_budget(Some(100_000));
            let _ = f.call::<mani::MultiValue>(());
            lua.set_budget(None);
        }
        Err(e) => {
            let msg = e.to_string();
            assert!(
                msg.contains("fuzz") || msg.contains("memory") || msg.contains("stack overflow"),
                "load error without the chunk name: {msg}"
            );
        }
    }
    let v: i64 = lua.load("return 1 + 1").eval().expect("state still works");
    assert_eq!(v, 2);
});
