//! The shared state behind every [`Lua`] and handle, and the one door to the `Vm`.
//!
//! A `Lua` and every handle it gives out (`Table`, `Function`, ...) hold an
//! `Arc<Shared>`: a re-entrant lock around [`Cells`], which owns the `Vm`. Every API
//! call takes the lock (so no two threads ever touch one State) and reaches the `Vm`
//! through [`with_vm`], the only place that turns the stored pointer into a `&mut Vm`.
//!
//! Re-entry: while the interpreter runs (inside `with_vm`) it may call a host
//! callback, which calls the API again. The callback wrapper ([`in_callback`]) parks
//! the interpreter's `&mut Vm`: it stores a pointer derived from it as the access
//! pointer and clears `busy`, so the nested `with_vm` borrows through that pointer
//! while the interpreter's borrow is not used. When the callback returns, the wrapper
//! restores both and the interpreter continues with its own borrow.
//!
//! The invariants, relied on by the `unsafe` blocks of this file:
//!
//! 1. `Cells` is only touched with the lock held by the current thread.
//! 2. `active` is null once the State is closed; otherwise it points to the owned `Vm`
//!    or, during a host callback, to the interpreter's parked `&mut Vm` (derived from
//!    the owned one).
//! 3. `busy` is true exactly while a `&mut Vm` obtained from `active` is in use, so at
//!    most one is live at a time on the lock-holding thread.
//! 4. `me` is written only when the State is created and when it closes; closing never
//!    happens while a callback runs (it is deferred), so the `&Lua` a callback gets
//!    stays valid for the callback.

use crate::value::Value as Raw;
use crate::vm::Vm;
use parking_lot::ReentrantMutex;
use std::any::Any;
use std::cell::{Cell, RefCell, UnsafeCell};
use std::sync::Arc;

/// The lock-protected state: see the module docs for the invariants.
pub(crate) struct Cells {
    /// The owned `Vm` (from `Box::into_raw`); null once closed.
    vm: Cell<*mut Vm>,
    /// Where API calls reach the `Vm` (invariant 2).
    active: Cell<*mut Vm>,
    /// A `&mut Vm` from `active` is in use (invariant 3).
    busy: Cell<bool>,
    /// Live `Lua` values that own the State (callbacks' `&Lua` is not counted).
    owners: Cell<usize>,
    /// The last owner went away during an access: close when it ends.
    close_pending: Cell<bool>,
    /// Values held by handles: roots for the collector (see [`trace_roots`]).
    roots: RefCell<Roots>,
    /// A panic caught in a host callback, resumed at the API boundary.
    pub(crate) panic: RefCell<Option<Box<dyn Any + Send>>>,
    /// The uncounted `Lua` handed to callbacks (invariant 4).
    me: UnsafeCell<Option<super::Lua>>,
    /// Host data attached with `Lua::set_app_data`.
    pub(crate) app_data: RefCell<super::registry::AppData>,
}

// SAFETY: every field is accessed only with the State's lock held by the accessing
// thread (invariant 1), so moving `Cells` (and sharing it through the lock) cannot
// race. The `Vm` it owns is `Send` (see `vm/mod.rs`), and host data it holds is
// required to be `Send` by the API that stores it.
unsafe impl Send for Cells {}

/// What handles and `Lua` values share.
pub(crate) type Shared = ReentrantMutex<Cells>;

impl Drop for Cells {
    fn drop(&mut self) {
        let vm = self.vm.replace(std::ptr::null_mut());
        if !vm.is_null() {
            // SAFETY: `vm` came from `Box::into_raw` and was not freed (only `close`
            // frees it, and it nulls the pointer); nothing else can use it now.
            drop(unsafe { Box::from_raw(vm) });
        }
    }
}

/// Creates the shared state around `vm` and returns its first owning `Lua`.
pub(crate) fn new_state(vm: Vm) -> super::Lua {
    let raw = Box::into_raw(Box::new(vm));
    let shared = Arc::new(ReentrantMutex::new(Cells {
        vm: Cell::new(raw),
        active: Cell::new(raw),
        busy: Cell::new(false),
        owners: Cell::new(1),
        close_pending: Cell::new(false),
        roots: RefCell::new(Roots::default()),
        panic: RefCell::new(None),
        me: UnsafeCell::new(None),
        app_data: RefCell::new(Default::default()),
    }));
    {
        let g = shared.lock();
        // SAFETY: the State is not shared yet; nothing reads `me` concurrently.
        unsafe { *g.me.get() = Some(super::Lua::uncounted(shared.clone())) };
        // The Vm finds its shared state (for callbacks) through this pointer; the
        // Vm never outlives `shared`, which owns it.
        // SAFETY: `raw` is the owned Vm, not otherwise borrowed here.
        unsafe { (*raw).host = Arc::as_ptr(&shared) as *const () };
    }
    super::Lua::counted(shared)
}

/// Runs `f` with the State's `Vm`. Panics if the State was closed.
#[inline]
pub(crate) fn with_vm<R>(s: &Shared, f: impl FnOnce(&mut Vm) -> R) -> R {
    with_state(s, |vm, _| f(vm))
}

/// Like [`with_vm`], also giving the handle slots (read them without re-locking).
#[inline]
pub(crate) fn with_state<R>(s: &Shared, f: impl FnOnce(&mut Vm, &RefCell<Roots>) -> R) -> R {
    let g = s.lock();
    let ptr = g.active.get();
    if ptr.is_null() {
        closed();
    }
    if g.busy.replace(true) {
        panic!("mani: the Lua state was entered while it was already borrowed");
    }
    struct Release<'a>(&'a Cells);
    impl Drop for Release<'_> {
        fn drop(&mut self) {
            self.0.busy.set(false);
        }
    }
    let release = Release(&g);
    // SAFETY: invariants 1-3: this thread holds the lock, `ptr` is valid (not
    // closed), and `busy` was false, so no other `&mut Vm` from `active` is live.
    let vm = unsafe { &mut *ptr };
    let r = f(vm, &g.roots);
    if vm.heap.has_host_drops() {
        drop_host_payloads(&g, vm);
    }
    drop(release);
    if g.close_pending.get() && g.active.get() == g.vm.get() {
        close(&g);
    }
    r
}

/// Drops the host payloads the collector freed, with the Vm released (`busy`
/// cleared) so that their `Drop` may use the API.
#[cold]
#[inline(never)]
fn drop_host_payloads(c: &Cells, vm: &mut Vm) {
    let drops = vm.heap.take_host_drops();
    // Park `vm` as a callback does, so API calls made by those `Drop`s borrow
    // through it.
    let prev = c.active.replace(vm as *mut Vm);
    c.busy.set(false);
    drop(drops);
    c.busy.set(true);
    c.active.set(prev);
}

#[cold]
#[inline(never)]
fn closed() -> ! {
    panic!("mani: the Lua state this handle belongs to was closed (every Lua was dropped)")
}

/// The handle slots: a slab of values with a free list.
#[derive(Default)]
pub(crate) struct Roots {
    vals: Vec<Raw>,
    free: Vec<u32>,
}

/// Roots `v`; returns its slot.
#[inline]
pub(crate) fn root(s: &Shared, v: Raw) -> u32 {
    let g = s.lock();
    let mut r = g.roots.borrow_mut();
    match r.free.pop() {
        Some(i) => {
            r.vals[i as usize] = v;
            i
        }
        None => {
            r.vals.push(v);
            (r.vals.len() - 1) as u32
        }
    }
}

/// The value in slot `i` of `roots` (inside an access, without re-locking).
#[inline]
pub(crate) fn slot(roots: &RefCell<Roots>, i: u32) -> Raw {
    roots
        .borrow()
        .vals
        .get(i as usize)
        .copied()
        .unwrap_or(Raw::Nil)
}

/// The value in slot `i` (`nil` for a dead handle).
#[inline]
pub(crate) fn rooted(s: &Shared, i: u32) -> Raw {
    let g = s.lock();
    let r = g.roots.borrow();
    r.vals.get(i as usize).copied().unwrap_or(Raw::Nil)
}

/// Releases slot `i`.
#[inline]
pub(crate) fn unroot(s: &Shared, i: u32) {
    if i == u32::MAX {
        return;
    }
    let g = s.lock();
    let mut r = g.roots.borrow_mut();
    if let Some(v) = r.vals.get_mut(i as usize) {
        *v = Raw::Nil;
        r.free.push(i);
    }
}

/// Adds the values held by handles to the collector's gray list (called by the
/// collector of a `Vm` created by the API, inside an access).
pub(crate) fn trace_roots(vm: &Vm, out: &mut Vec<crate::heap::ObjRef>) {
    if vm.host.is_null() {
        return;
    }
    // SAFETY: `host` points to the shared state that owns `vm` (see `new_state`).
    let s: &Shared = unsafe { &*(vm.host as *const Shared) };
    let g = s.lock();
    out.extend(g.roots.borrow().vals.iter().filter_map(|v| v.obj_ref()));
}

/// Runs host code from inside the interpreter: parks the interpreter's `vm` so the
/// code may use the API (see the module docs), and hands it the State's `&Lua`.
#[inline]
pub(crate) fn in_callback<R>(vm: &mut Vm, f: impl FnOnce(&super::Lua) -> R) -> R {
    // SAFETY: `host` is set when the State is created and points to the shared
    // state that owns this Vm, which therefore outlives it.
    let s: &Shared = unsafe { &*(vm.host as *const Shared) };
    // The interpreter only runs inside an access, so this thread holds the lock
    // already; checking that is cheaper than taking it again.
    assert!(
        s.is_owned_by_current_thread(),
        "mani: interpreter running outside an access to its State"
    );
    // SAFETY: invariant 1: the lock is held by this thread (checked above) for as
    // long as `c` is used: the outer access outlives this call.
    let c: &Cells = unsafe { &*s.data_ptr() };
    struct Restore<'a> {
        c: &'a Cells,
        prev: *mut Vm,
    }
    impl Drop for Restore<'_> {
        fn drop(&mut self) {
            self.c.busy.set(true);
            self.c.active.set(self.prev);
        }
    }
    let prev = c.active.replace(vm as *mut Vm);
    c.busy.set(false);
    let _restore = Restore { c, prev };
    // SAFETY: invariant 4: `me` is set while the State is open, and closing is
    // deferred while a callback runs (`active` differs from the owned pointer).
    let lua = unsafe { (*c.me.get()).as_ref() }.expect("mani: state without its Lua");
    f(lua)
}

/// The address of the shared state of a `vm` created by the API: for identity
/// checks of handles (never dereferenced through this pointer).
#[inline]
pub(crate) fn shared_ptr(vm: &Vm) -> *const Shared {
    vm.host as *const Shared
}

/// The shared state of a `vm` created by the API (inside an access or callback).
pub(crate) fn shared_of(vm: &Vm) -> Arc<Shared> {
    // SAFETY: `host` points to the shared state that owns `vm` (see `new_state`).
    let s: &Shared = unsafe { &*(vm.host as *const Shared) };
    let g = s.lock();
    // SAFETY: invariant 4: `me` is only replaced when the State closes, which does
    // not happen during an access.
    let me = unsafe { (*g.me.get()).as_ref() }.expect("mani: state without its Lua");
    me.s.clone()
}

/// True if `vm` belongs to a State created by the API (callbacks need one).
pub(crate) fn has_host(vm: &Vm) -> bool {
    !vm.host.is_null()
}

/// Registers one more owning `Lua`.
pub(crate) fn add_owner(s: &Shared) {
    let g = s.lock();
    g.owners.set(g.owners.get() + 1);
}

/// Drops an owning `Lua`; the last one closes the State.
pub(crate) fn remove_owner(s: &Shared) {
    let g = s.lock();
    let n = g.owners.get().saturating_sub(1);
    g.owners.set(n);
    if n == 0 {
        if g.busy.get() || g.active.get() != g.vm.get() {
            g.close_pending.set(true);
        } else {
            close(&g);
        }
    }
}

/// Closes the State: runs pending finalizers (as `lua_close` does, under the
/// State's limits), then frees the heap. Host payloads are dropped last, with the
/// State already closed.
fn close(c: &Cells) {
    let ptr = c.vm.get();
    if ptr.is_null() {
        return;
    }
    c.close_pending.set(false);
    c.busy.set(true);
    let drops = {
        // SAFETY: invariants 1-3: lock held, not busy (checked by the callers), and
        // no callback is running (`active` is the owned pointer).
        let vm = unsafe { &mut *ptr };
        vm.close_state();
        let _ = std::io::Write::flush(&mut vm.out);
        vm.heap.release_host_payloads();
        vm.heap.take_host_drops()
    };
    c.busy.set(false);
    c.active.set(std::ptr::null_mut());
    c.vm.set(std::ptr::null_mut());
    // SAFETY: `ptr` came from `Box::into_raw`; it is nulled above, so it is freed once.
    drop(unsafe { Box::from_raw(ptr) });
    drop(drops);
    *c.roots.borrow_mut() = Roots::default();
    // SAFETY: invariant 4: closing, with no callback running.
    let me = unsafe { (*c.me.get()).take() };
    drop(me);
}

/// Takes a panic caught in a host callback, to resume it at the API boundary.
pub(crate) fn take_panic(s: &Shared) -> Option<Box<dyn Any + Send>> {
    s.lock().panic.borrow_mut().take()
}
