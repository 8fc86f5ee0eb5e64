//! `examples/game.rs`: a failing mod is reported and the others keep running, every
//! frame, under the per-mod budget and the State's memory quota.

#[allow(dead_code)]
#[path = "../examples/game.rs"]
mod game;

#[test]
fn one_mod_failing_does_not_stop_the_others() {
    let out = game::run_game(6).unwrap();
    let text = out.join("\n");
    // The well-behaved mods ran every frame.
    assert!(
        out.contains(&"walker at (6, 0) hp 100".to_string()),
        "{text}"
    );
    assert_eq!(
        out.iter()
            .filter(|l| l.contains("chatter says hello"))
            .count(),
        3,
        "{text}"
    );
    // The buggy mod failed once (frame 2) and kept running afterwards.
    assert_eq!(
        out.iter().filter(|l| l.contains("buggy failed")).count(),
        1,
        "{text}"
    );
    assert!(
        text.contains("buggy:1: attempt to index a nil value"),
        "{text}"
    );
    assert!(
        out.contains(&"buggy at (0, 7) hp 100".to_string()),
        "{text}"
    );
    // The spinner ran out of its slice every frame, and was stopped each time.
    assert_eq!(
        out.iter().filter(|l| l.contains("spinner ran out")).count(),
        6,
        "{text}"
    );
    // The hog filled the quota once, was disabled, and its memory went back.
    assert_eq!(
        out.iter()
            .filter(|l| l.contains("hog hit the memory quota"))
            .count(),
        1,
        "{text}"
    );
    let disabled_at = out.iter().position(|l| l.contains("hog hit")).unwrap();
    assert!(
        !out[disabled_at + 1..]
            .iter()
            .any(|l| l.starts_with("  hog")),
        "{text}"
    );
    // Same run, same events.
    assert_eq!(game::run_game(6).unwrap(), out);
}
