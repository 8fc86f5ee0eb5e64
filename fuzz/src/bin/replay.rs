fn rss() -> u64 {
    let s = std::fs::read_to_string("/proc/self/status").unwrap();
    s.lines()
        .find(|l| l.starts_with("VmRSS"))
        .unwrap()
        .split_whitespace()
        .nth(1)
        .unwrap()
        .parse()
        .unwrap()
}
fn main() {
    let dir = std::env::args().nth(1).unwrap();
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    for round in 0..3 {
        for (i, f) in files.iter().enumerate() {
            let Ok(data) = std::fs::read(f) else { continue };
            let mut u = arbitrary::Unstructured::new(&data);
            let Ok(src) = mani_fuzz::program(&mut u, mani_fuzz::Mode::Hostile) else {
                continue;
            };
            let (lua, _) = mani_fuzz::harness::run_call(&src, &mani_fuzz::harness::SMALL);
            mani_fuzz::harness::assert_healthy(&lua);
            if i % 1000 == 0 {
                println!("round {round} file {i}: rss {} KB", rss());
            }
        }
    }
}
