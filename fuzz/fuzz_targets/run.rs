//! Generated hostile programs under a small budget, step limit and memory quota: every
//! run ends (limits stop it), nothing panics, and the State works afterwards.
#![no_main]
use libfuzzer_sys::fuzz_target;
use mani_fuzz::{harness, program, Mode};

fuzz_target!(|data: &[u8]| {
    let mut u = arbitrary::Unstructured::new(data);
    let Ok(src) = program(&mut u, Mode::Hostile) else {
        return;
    };
    let (lua, _) = harness::run_call(&src, &harness::SMALL);
    harness::assert_healthy(&lua);
});
