//! The garbage-collected heap: allocation, the `Gc<T>` handle, marking and sweeping.
//!
//! This is the one module that holds unsafe code for object lifetime. Its invariants:
//!
//! 1. Every `Gc<T>` points to a `GcBox<T>` allocated by [`Heap::alloc`] and listed in
//!    `Heap::objects`. The box is freed only by [`Heap::sweep`], and only when it was not
//!    marked in the mark phase that precedes it.
//! 2. The VM runs a collection only at safe points where every `Gc` it will use again is
//!    reachable from the roots it passes to the marker (stacks, frames, globals,
//!    registry, open upvalues). Native functions never hold unrooted `Gc`s across a call
//!    that may collect.
//! 3. A State and its heap are used by one thread at a time, so no two threads touch an
//!    object; within the thread, `get_mut` borrows are short and never overlap another
//!    borrow of the same object (table operations do not call back into the VM while
//!    holding one).
//!
//! 4. A frozen object (see [`Frozen`]) is shared read-only by every State built from
//!    one standard-library image, possibly on several threads at once. It is never
//!    written after it is frozen: its mark is set for good (so marking reads it and
//!    stops), its identity number is preset, it is never finalizable, and only
//!    immutable kinds freeze (strings, and native functions without upvalues or host
//!    closures). It is freed with its [`Frozen`] set, which every State using it
//!    keeps alive.
//!
//! Under these invariants dereferencing a `Gc` is always a valid, unaliased access.

use crate::value::UserData;
use std::cell::Cell;
use std::marker::PhantomData;
use std::ptr::NonNull;

/// Header shared by every heap object.
pub struct GcHeader {
    marked: Cell<bool>,
    /// Identity number shown by `tostring`, assigned on first use (0: none yet).
    id: Cell<u32>,
    /// Registered for finalization (`__gc` present when its metatable was set).
    fin: Cell<bool>,
}

/// A heap allocation: header followed by the payload.
#[repr(C)]
pub struct GcBox<T> {
    header: GcHeader,
    value: T,
}

/// A copyable handle to a garbage-collected object of type `T`.
///
/// Equality and hashing are by identity.
pub struct Gc<T> {
    ptr: NonNull<GcBox<T>>,
    _marker: PhantomData<T>,
}

impl<T> Clone for Gc<T> {
    #[inline(always)]
    fn clone(&self) -> Self {
        *self
    }
}
impl<T> Copy for Gc<T> {}

impl<T> PartialEq for Gc<T> {
    #[inline(always)]
    fn eq(&self, other: &Self) -> bool {
        self.ptr == other.ptr
    }
}
impl<T> Eq for Gc<T> {}

impl<T> std::fmt::Debug for Gc<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Gc({:p})", self.ptr)
    }
}

impl<T> Gc<T> {
    /// Shared access to the object.
    #[inline(always)]
    pub fn get(&self) -> &T {
        // SAFETY: invariant 1 (the box is alive while reachable) and 3 (no overlapping
        // mutable borrow).
        unsafe { &(*self.ptr.as_ptr()).value }
    }

    /// Shared access not tied to this handle's borrow: the object lives as long as it is
    /// reachable, which the caller guarantees for the lifetime it picks (invariant 2).
    #[inline(always)]
    pub(crate) fn get_static<'a>(self) -> &'a T {
        // SAFETY: as in `get`; the caller keeps the object reachable for `'a`.
        unsafe { &(*self.ptr.as_ptr()).value }
    }

    /// Mutable access to the object. Callers keep the borrow short (invariant 3).
    #[inline(always)]
    #[allow(clippy::mut_from_ref)]
    pub fn get_mut(&self) -> &mut T {
        // SAFETY: see `get`; the heap is single-threaded and borrows do not overlap.
        unsafe { &mut (*self.ptr.as_ptr()).value }
    }

    /// The address, used for identity hashing only (never shown to scripts).
    #[inline(always)]
    pub fn addr(&self) -> usize {
        self.ptr.as_ptr() as usize
    }

    #[inline(always)]
    fn header(&self) -> &GcHeader {
        // SAFETY: as in `get`.
        unsafe { &(*self.ptr.as_ptr()).header }
    }

    /// Marks the object; returns true if it was not marked before.
    #[inline]
    pub fn mark(&self) -> bool {
        let h = self.header();
        // Read first: frozen objects are always marked and never written (invariant 4).
        if h.marked.get() {
            return false;
        }
        h.marked.set(true);
        true
    }

    /// The identity number assigned by [`set_id`](Self::set_id), or 0.
    #[inline]
    pub fn id(&self) -> u32 {
        self.header().id.get()
    }

    /// Assigns the identity number shown by `tostring`.
    #[inline]
    pub fn set_id(&self, id: u32) {
        self.header().id.set(id)
    }

    /// Marks the object as registered for finalization; false if it already was.
    #[inline]
    pub fn set_finalizable(&self) -> bool {
        !self.header().fin.replace(true)
    }

    /// Whether the object is marked in the current cycle.
    #[inline]
    pub fn is_marked(&self) -> bool {
        self.header().marked.get()
    }
}

impl<T> std::ops::Deref for Gc<T> {
    type Target = T;
    #[inline(always)]
    fn deref(&self) -> &T {
        self.get()
    }
}

/// Type-erased reference to any heap object, used by the object list and the marker.
#[derive(Clone, Copy, Debug)]
pub enum ObjRef {
    Str(Gc<crate::value::LuaStr>),
    Table(Gc<crate::value::Table>),
    LuaFn(Gc<crate::value::LuaClosure>),
    NatFn(Gc<crate::value::NativeClosure>),
    UpVal(Gc<crate::value::UpVal>),
    Proto(Gc<crate::value::ProtoInst>),
    UData(Gc<crate::value::UserData>),
    Thread(Gc<crate::vm::thread::Thread>),
}

/// Objects that know how to allocate themselves into the type-erased list.
pub trait HeapObject: Sized {
    /// Wraps the handle into an [`ObjRef`].
    fn erase(gc: Gc<Self>) -> ObjRef;
    /// Approximate bytes held by the object, including owned buffers.
    fn size(&self) -> usize;
    /// True if the object is immutable once built and may be shared by States
    /// (invariant 4).
    fn freezable(&self) -> bool {
        false
    }
}

/// The heap: owns every object and the bookkeeping that decides when to collect.
pub struct Heap {
    objects: Vec<ObjRef>,
    /// Bytes currently accounted to live (or not yet swept) objects.
    pub bytes: usize,
    /// Collection is due when `bytes` exceeds this.
    pub threshold: usize,
    /// Gray stack used while marking (kept to reuse its allocation).
    pub(crate) gray: Vec<ObjRef>,
    /// Bytes of the objects other than threads that the last sweep kept: what a
    /// full collection had to mark, for charging explicit collections. Threads are
    /// left out so that a task's own thread does not change the cost of its run.
    pub(crate) swept_live: usize,
    /// False after `collectgarbage("stop")`: no automatic collections.
    pub running: bool,
    /// The memory quota in bytes (`usize::MAX`: none).
    limit: usize,
    /// Payloads of swept host userdata, dropped by the embedding API outside the VM
    /// (their `Drop` may run host code that calls back into the State).
    host_drops: Vec<Box<dyn std::any::Any + Send>>,
    /// While a standard-library image is built: where freezable objects go.
    freezer: Option<Box<Frozen>>,
}

impl Default for Heap {
    fn default() -> Self {
        Self::new()
    }
}

impl Heap {
    /// An empty heap with the initial collection threshold.
    pub fn new() -> Self {
        // Strings and tables hash with the process's key: draw it first.
        crate::value::seed::init();
        Heap {
            objects: Vec::new(),
            bytes: 0,
            threshold: 1 << 20,
            gray: Vec::new(),
            swept_live: 0,
            running: true,
            limit: usize::MAX,
            host_drops: Vec::new(),
            freezer: None,
        }
    }

    /// From now on, freezable objects are allocated frozen, into a [`Frozen`] set
    /// that [`take_frozen`](Self::take_frozen) returns.
    pub(crate) fn start_freezing(&mut self) {
        self.freezer = Some(Box::default());
    }

    /// The objects frozen since [`start_freezing`](Self::start_freezing).
    pub(crate) fn take_frozen(&mut self) -> Frozen {
        *self.freezer.take().unwrap_or_default()
    }

    /// Moves `value` into a new heap box and returns its handle.
    #[inline]
    pub fn alloc<T: HeapObject>(&mut self, value: T) -> Gc<T> {
        if let Some(f) = self.freezer.as_deref_mut() {
            if value.freezable() {
                return f.alloc(value);
            }
        }
        let size = std::mem::size_of::<GcBox<T>>() + value.size();
        // Owned by the heap from here on (freed by `sweep` or `drop`).
        let gc = new_box(value, false, 0);
        self.objects.push(T::erase(gc));
        self.bytes += size;
        gc
    }

    /// The tables in the heap, in allocation order.
    pub(crate) fn tables(&self) -> Vec<Gc<crate::value::Table>> {
        self.objects
            .iter()
            .filter_map(|o| match *o {
                ObjRef::Table(t) => Some(t),
                _ => None,
            })
            .collect()
    }

    /// Adds (or with a negative delta, removes) bytes owned by an existing object.
    #[inline]
    pub fn account(&mut self, delta: isize) {
        self.bytes = (self.bytes as isize + delta).max(0) as usize;
    }

    /// True when enough has been allocated since the last cycle to collect again, or
    /// the quota is exceeded (which a collection must confirm before it is an error,
    /// so this holds even after `collectgarbage("stop")`).
    #[inline(always)]
    pub fn should_collect(&self) -> bool {
        self.bytes >= self.threshold && (self.running || self.bytes > self.limit)
    }

    /// The memory quota (`usize::MAX`: none).
    #[inline]
    pub fn limit(&self) -> usize {
        self.limit
    }

    /// Sets the memory quota; the next collection is paced to stay under it.
    pub fn set_limit(&mut self, limit: Option<usize>) {
        self.limit = limit.unwrap_or(usize::MAX);
        self.pace(self.bytes.min(self.threshold / 2));
    }

    /// Bytes the quota still allows (`usize::MAX` without a quota).
    pub fn room(&self) -> usize {
        self.limit.saturating_sub(self.bytes)
    }

    /// True if allocating `n` more bytes would exceed the quota.
    #[inline]
    pub fn would_exceed(&self, n: usize) -> bool {
        self.bytes.saturating_add(n) > self.limit
    }

    /// True if the bytes held exceed the quota.
    #[inline]
    pub fn over_limit(&self) -> bool {
        self.bytes > self.limit
    }

    /// Sets the next collection threshold after `live` bytes survived a cycle: when
    /// the heap has doubled (the classic stop-the-world pacing), but under a quota
    /// no later than halfway to it, so garbage is collected before it could be
    /// mistaken for live data over the quota.
    fn pace(&mut self, live: usize) {
        let mut t = (live * 2).max(1 << 20);
        if self.limit != usize::MAX {
            let headroom = self.limit.saturating_sub(live);
            t = t.min(live + headroom / 2).min(self.limit);
        }
        self.threshold = t;
    }

    /// Number of live objects (after the last sweep, plus allocations since).
    #[cfg(test)]
    pub fn object_count(&self) -> usize {
        self.objects.len()
    }

    /// Frees every unmarked object and clears the marks of survivors. The string
    /// table must have dropped its unmarked entries first (`StrTable::remove_unmarked`).
    ///
    /// `outside` is memory the State holds outside heap objects (the running
    /// thread's stacks): it counts as live.
    pub fn sweep(&mut self, outside: usize) {
        let mut live_bytes = outside;
        let mut thread_bytes = 0;
        let mut host_drops = Vec::new();
        self.objects.retain(|obj| {
            // SAFETY: each ObjRef in the list points to a live box allocated by `alloc`
            // (invariant 1); an unmarked box is unreachable (invariant 2), so freeing it
            // cannot leave a dangling handle that will be used.
            unsafe {
                macro_rules! sweep_one {
                    ($g:expr) => {
                        sweep_one!($g, |_b| {})
                    };
                    ($g:expr, $on_free:expr) => {{
                        let g = $g;
                        if g.header().marked.replace(false) {
                            live_bytes += size_of_box(g);
                            true
                        } else {
                            let b = Box::from_raw(g.ptr.as_ptr());
                            #[allow(clippy::redundant_closure_call)]
                            ($on_free)(b);
                            false
                        }
                    }};
                }
                match *obj {
                    ObjRef::Str(g) => sweep_one!(g),
                    ObjRef::Table(g) => sweep_one!(g),
                    ObjRef::LuaFn(g) => sweep_one!(g),
                    ObjRef::NatFn(g) => sweep_one!(g),
                    ObjRef::UpVal(g) => sweep_one!(g),
                    ObjRef::Proto(g) => sweep_one!(g),
                    ObjRef::UData(g) => sweep_one!(g, |mut b: Box<GcBox<UserData>>| {
                        if b.value.host {
                            let data = std::mem::replace(&mut b.value.data, Box::new(()));
                            host_drops.push(data);
                        }
                    }),
                    ObjRef::Thread(g) => {
                        let before = live_bytes;
                        let kept = sweep_one!(g);
                        thread_bytes += live_bytes - before;
                        kept
                    }
                }
            }
        });
        self.host_drops.append(&mut host_drops);
        self.swept_live = live_bytes - outside - thread_bytes;
        self.bytes = live_bytes;
        self.pace(live_bytes);
    }
}

impl Heap {
    /// Takes the payloads of host userdata freed by the last sweeps, for the
    /// embedding API to drop once the VM is no longer borrowed.
    pub(crate) fn take_host_drops(&mut self) -> Vec<Box<dyn std::any::Any + Send>> {
        std::mem::take(&mut self.host_drops)
    }

    /// Moves the payload of every host userdata (live or not) into the drop list: the
    /// State is closing, and host `Drop` code must not run while the heap is torn
    /// down.
    pub(crate) fn release_host_payloads(&mut self) {
        for obj in &self.objects {
            if let ObjRef::UData(g) = *obj {
                let ud = g.get_mut();
                if ud.host {
                    let data = std::mem::replace(&mut ud.data, Box::new(()));
                    self.host_drops.push(data);
                }
            }
        }
    }

    /// True if swept host payloads wait to be dropped.
    #[inline]
    pub(crate) fn has_host_drops(&self) -> bool {
        !self.host_drops.is_empty()
    }
}

/// Identity numbers of frozen objects count from here (a State's own objects count
/// from 1), so `tostring` never shows two objects the same.
const FROZEN_IDS: u32 = 0x8000_0000;

/// Frozen objects: built once, shared read-only by the States of an image, freed
/// when the last of them (and the image) lets go of the set (invariant 4).
#[derive(Default)]
pub struct Frozen {
    objects: Vec<ObjRef>,
    /// The frozen strings by content, for interning.
    strings: hashbrown::HashTable<Gc<crate::value::LuaStr>>,
}

// SAFETY: invariant 4: nothing writes a frozen object after it is built, so sharing
// them between threads is sharing immutable data; the set owns the boxes and frees
// them only when dropped, after every State using it (each holds an `Arc`).
unsafe impl Send for Frozen {}
// SAFETY: as above.
unsafe impl Sync for Frozen {}

impl Frozen {
    fn alloc<T: HeapObject>(&mut self, value: T) -> Gc<T> {
        let id = FROZEN_IDS + self.objects.len() as u32 + 1;
        // Marked for good, so the collector of any State stops here; owned by this
        // set from here on (freed by its `drop`).
        let gc = new_box(value, true, id);
        self.objects.push(T::erase(gc));
        gc
    }

    /// Makes the frozen strings among `strings` findable by content.
    pub(crate) fn index_strings(
        &mut self,
        strings: impl Iterator<Item = Gc<crate::value::LuaStr>>,
    ) {
        for s in strings {
            self.strings.insert_unique(s.hash(), s, |s| s.hash());
        }
    }

    /// The frozen string with these contents (and content hash), if any.
    #[inline]
    pub(crate) fn find_str(&self, hash: u64, bytes: &[u8]) -> Option<Gc<crate::value::LuaStr>> {
        self.strings
            .find(hash, |s| s.hash() == hash && s.as_bytes() == bytes)
            .copied()
    }
}

impl Drop for Frozen {
    fn drop(&mut self) {
        for obj in self.objects.drain(..) {
            // SAFETY: the set is dropped after every State that used its objects
            // (they hold it by `Arc`), so no handle to them is used again; each box
            // was made by `Frozen::alloc` and is freed exactly once here.
            unsafe { free_box(obj) }
        }
    }
}

/// Moves `value` into a new leaked box with the given header; the caller lists it
/// in the set that will free it (`Heap` or `Frozen`).
fn new_box<T>(value: T, marked: bool, id: u32) -> Gc<T> {
    let boxed = Box::new(GcBox {
        header: GcHeader {
            marked: Cell::new(marked),
            id: Cell::new(id),
            fin: Cell::new(false),
        },
        value,
    });
    Gc {
        ptr: NonNull::from(Box::leak(boxed)),
        _marker: PhantomData,
    }
}

/// Frees the box behind `obj`.
///
/// # Safety
/// `obj` was made by [`new_box`], is freed only once, and no handle to it is used
/// afterwards.
unsafe fn free_box(obj: ObjRef) {
    // SAFETY: the caller's contract.
    unsafe {
        match obj {
            ObjRef::Str(g) => drop(Box::from_raw(g.ptr.as_ptr())),
            ObjRef::Table(g) => drop(Box::from_raw(g.ptr.as_ptr())),
            ObjRef::LuaFn(g) => drop(Box::from_raw(g.ptr.as_ptr())),
            ObjRef::NatFn(g) => drop(Box::from_raw(g.ptr.as_ptr())),
            ObjRef::UpVal(g) => drop(Box::from_raw(g.ptr.as_ptr())),
            ObjRef::Proto(g) => drop(Box::from_raw(g.ptr.as_ptr())),
            ObjRef::UData(g) => drop(Box::from_raw(g.ptr.as_ptr())),
            ObjRef::Thread(g) => drop(Box::from_raw(g.ptr.as_ptr())),
        }
    }
}

fn size_of_box<T: HeapObject>(g: Gc<T>) -> usize {
    std::mem::size_of::<GcBox<T>>() + g.get().size()
}

impl Drop for Heap {
    fn drop(&mut self) {
        for obj in self.objects.drain(..) {
            // SAFETY: the heap is being dropped, so no handle will be used again; every
            // listed box was allocated by `alloc` and is freed exactly once here.
            unsafe { free_box(obj) }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::{StrTable, Table, Value};

    #[test]
    fn sweep_frees_unmarked_and_keeps_marked() {
        let mut heap = Heap::new();
        let keep = heap.alloc(Table::default());
        let _drop = heap.alloc(Table::default());
        assert_eq!(heap.object_count(), 2);
        keep.mark();
        heap.sweep(0);
        assert_eq!(heap.object_count(), 1);
        // Survivors are unmarked again and still usable.
        assert!(!keep.is_marked());
        keep.get_mut().set_int(1, Value::Int(7));
        assert!(matches!(keep.get().get_int(1), Value::Int(7)));
    }

    #[test]
    fn frozen_objects_are_never_written_or_swept() {
        let mut heap = Heap::new();
        heap.start_freezing();
        let mut strings = StrTable::default();
        let s = strings.intern(&mut heap, b"shared");
        let t = heap.alloc(Table::default());
        let mut frozen = heap.take_frozen();
        strings.freeze_into(&mut frozen);
        let frozen = std::sync::Arc::new(frozen);
        // Marked for good, with a preset id: marking reads and stops.
        assert!(s.is_marked());
        assert!(s.id() > FROZEN_IDS);
        assert!(!s.mark());
        // Tables do not freeze; a State over the set finds the string there.
        assert!(!t.is_marked());
        let mut heap2 = Heap::new();
        let mut strings2 = StrTable::with_base(frozen.clone());
        assert_eq!(strings2.intern(&mut heap2, b"shared"), s);
        assert_eq!(heap2.object_count(), 0);
        // A sweep of either heap leaves it alone.
        heap.sweep(0);
        heap2.sweep(0);
        assert_eq!(s.as_bytes(), b"shared");
        // Other threads read it too.
        let f2 = frozen.clone();
        std::thread::spawn(move || {
            let mut h = Heap::new();
            let mut st = StrTable::with_base(f2);
            assert_eq!(st.intern(&mut h, b"shared").as_bytes(), b"shared");
        })
        .join()
        .unwrap();
    }

    #[test]
    fn interned_strings_are_unique_and_swept_from_the_table() {
        let mut heap = Heap::new();
        let mut strings = StrTable::default();
        let a = strings.intern(&mut heap, b"hello");
        let b = strings.intern_vec(&mut heap, b"hello".to_vec());
        assert_eq!(a, b);
        let _c = strings.intern(&mut heap, b"bye");
        a.mark();
        strings.remove_unmarked();
        heap.sweep(0);
        assert_eq!(strings.len(), 1);
        assert_eq!(heap.object_count(), 1);
        let again = strings.intern(&mut heap, b"bye");
        assert_eq!(again.as_bytes(), b"bye");
    }

    #[test]
    fn ids_are_assigned_once() {
        let mut heap = Heap::new();
        let t = heap.alloc(Table::default());
        assert_eq!(t.id(), 0);
        t.set_id(5);
        assert_eq!(t.id(), 5);
    }
}
