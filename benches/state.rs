// State creation, Program instantiation and task overhead.
// `cargo bench --bench state`; results and targets in BENCHMARKS.md.
//
// A counting allocator reports the heap bytes a new State holds (allocated and not
// yet freed while it is alive) and the number of allocations it took.

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use mani::{Engine, TaskState};
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicIsize, AtomicUsize, Ordering};

struct Counting;
static LIVE: AtomicIsize = AtomicIsize::new(0);
static ALLOCS: AtomicUsize = AtomicUsize::new(0);

// SAFETY: forwards to the system allocator unchanged; only counts.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        LIVE.fetch_add(l.size() as isize, Ordering::Relaxed);
        ALLOCS.fetch_add(1, Ordering::Relaxed);
        unsafe { System.alloc(l) }
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        LIVE.fetch_sub(l.size() as isize, Ordering::Relaxed);
        unsafe { System.dealloc(p, l) }
    }
    unsafe fn realloc(&self, p: *mut u8, l: Layout, n: usize) -> *mut u8 {
        LIVE.fetch_add(n as isize - l.size() as isize, Ordering::Relaxed);
        ALLOCS.fetch_add(1, Ordering::Relaxed);
        unsafe { System.realloc(p, l, n) }
    }
}

#[global_allocator]
static A: Counting = Counting;

/// Heap bytes held and allocations made by `f`'s result while it is alive.
fn footprint<T>(f: impl FnOnce() -> T) -> (isize, usize, T) {
    let (l0, a0) = (LIVE.load(Ordering::SeqCst), ALLOCS.load(Ordering::SeqCst));
    let v = f();
    let (l1, a1) = (LIVE.load(Ordering::SeqCst), ALLOCS.load(Ordering::SeqCst));
    (l1 - l0, a1 - a0, v)
}

const UNIT: &str = "local id = ... local s = 0 for i = 1, 100 do s = s + i * id end return s";

fn state(c: &mut Criterion) {
    let engine = Engine::new();
    let program = engine.compile(UNIT, "=unit.lua").unwrap();
    // The first State builds the process's library image; later ones copy it.
    let (ibytes, iallocs, first) = footprint(|| engine.new_state());
    eprintln!("first state (builds the image): {ibytes} bytes held, {iallocs} allocations");
    let (bytes, allocs, lua) = footprint(|| engine.new_state());
    drop(first);
    eprintln!("state footprint: {bytes} bytes held, {allocs} allocations");
    let (fbytes, fallocs, f) = footprint(|| lua.load_program(&program).unwrap());
    eprintln!("program instance: {fbytes} bytes held, {fallocs} allocations");
    drop((f, lua));

    c.bench_function("state/new_state + drop", |b| {
        b.iter(|| drop(black_box(engine.new_state())))
    });
    let lua = engine.new_state();
    c.bench_function("state/load_program", |b| {
        b.iter(|| black_box(lua.load_program(&program).unwrap()))
    });
    let f = lua.load_program(&program).unwrap();
    c.bench_function("task/spawn + resume to the end", |b| {
        b.iter(|| {
            let mut t = lua.spawn(&f, 3).unwrap();
            assert!(t.resume(1_000_000).unwrap().is_done());
        })
    });
    c.bench_function("call/the same function unpaused", |b| {
        b.iter(|| black_box(f.call::<i64>(3).unwrap()))
    });
    // One slice that pauses at once and one that finishes: the cost of a pause
    // and a resume on top of the run itself.
    c.bench_function("task/spawn + pause + resume to the end", |b| {
        b.iter(|| {
            let mut t = lua.spawn(&f, 3).unwrap();
            assert!(matches!(t.resume(5).unwrap(), TaskState::Paused));
            assert!(t.resume(1_000_000).unwrap().is_done());
        })
    });
}

criterion_group!(benches, state);
criterion_main!(benches);
