//! The Pause policy never changes a run: a generated program run as a task in slices
//! of 1 to 1000 units prints the same output, ends the same way and costs the same
//! as the task run in one go.
#![no_main]
use libfuzzer_sys::fuzz_target;
use mani_fuzz::{harness, program, Mode};

fuzz_target!(|data: &[u8]| {
    let mut u = arbitrary::Unstructured::new(data);
    let Ok(slice) = u.int_in_range(1u64..=1000) else {
        return;
    };
    let Ok(src) = program(&mut u, Mode::Hostile) else {
        return;
    };
    let limits = harness::Limits {
        budget: None,
        ..harness::SMALL
    };
    let (_, whole) = harness::run_task(&src, &limits, u64::MAX, 1);
    let (lua, sliced) = harness::run_task(&src, &limits, slice, u64::MAX);
    assert_eq!(
        String::from_utf8_lossy(&whole.output),
        String::from_utf8_lossy(&sliced.output),
        "output differs with slices of {slice}\n{src}"
    );
    assert_eq!(
        whole.result, sliced.result,
        "result differs with slices of {slice}\n{src}"
    );
    harness::assert_healthy(&lua);
});
