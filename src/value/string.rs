//! Lua strings: immutable byte strings. Short ones (up to [`MAX_SHORT`] bytes) are
//! interned, so equal short strings are one object and compare by pointer; long ones
//! are made afresh each time, as in lua5.4, so building them costs no table probe,
//! and they compare by length, hash and bytes.

pub use super::seed::hash_bytes;
use crate::heap::{Gc, Heap, HeapObject, ObjRef};
use hashbrown::HashTable;

/// Longest string that is interned (lua5.4's `LUAI_MAXSHORTLEN`).
pub const MAX_SHORT: usize = 40;

/// An immutable Lua string with its content hash cached.
pub struct LuaStr {
    hash: u64,
    data: Box<[u8]>,
}

impl LuaStr {
    /// The content hash (as [`hash_bytes`] computes it).
    #[inline(always)]
    pub fn hash(&self) -> u64 {
        self.hash
    }

    /// The bytes of the string.
    #[inline(always)]
    pub fn as_bytes(&self) -> &[u8] {
        &self.data
    }

    /// Length in bytes.
    #[inline(always)]
    pub fn len(&self) -> usize {
        self.data.len()
    }

    /// True for the empty string.
    #[inline(always)]
    pub fn is_empty(&self) -> bool {
        self.data.is_empty()
    }

    /// True for a string that is not interned: another object may hold its bytes.
    #[inline(always)]
    pub fn is_long(&self) -> bool {
        self.data.len() > MAX_SHORT
    }

    /// String equality: the same object, or two long strings with the same bytes.
    #[inline(always)]
    pub fn same(a: Gc<LuaStr>, b: Gc<LuaStr>) -> bool {
        a == b || (a.is_long() && Self::same_long(a, b))
    }

    /// Equality of `a` (long) and `b` by contents (both must be live: this reads
    /// them).
    #[inline(never)]
    pub(crate) fn same_long(a: Gc<LuaStr>, b: Gc<LuaStr>) -> bool {
        a.hash == b.hash && a.as_bytes() == b.as_bytes()
    }
}

impl HeapObject for LuaStr {
    fn erase(gc: Gc<Self>) -> ObjRef {
        ObjRef::Str(gc)
    }
    fn size(&self) -> usize {
        self.data.len()
    }
    fn freezable(&self) -> bool {
        true
    }
}

/// The interning table: maps the contents of short strings to their unique object.
#[derive(Default)]
pub struct StrTable {
    table: HashTable<Gc<LuaStr>>,
    /// The standard library's frozen strings, shared with other States: found
    /// there, a string is never made again here.
    base: Option<std::sync::Arc<crate::heap::Frozen>>,
}

impl StrTable {
    /// Returns the string for `bytes`: the interned one if short, else a new one.
    #[inline]
    pub fn intern(&mut self, heap: &mut Heap, bytes: &[u8]) -> Gc<LuaStr> {
        self.intern_hashed(heap, hash_bytes(bytes), bytes)
    }

    /// [`intern`](Self::intern) with the content hash already computed.
    #[inline]
    pub(crate) fn intern_hashed(&mut self, heap: &mut Heap, hash: u64, bytes: &[u8]) -> Gc<LuaStr> {
        match self.find(hash, bytes) {
            Some(s) => s,
            None => self.add(heap, hash, bytes.into()),
        }
    }

    /// Like [`intern`](Self::intern) but takes ownership of a buffer, avoiding a copy.
    pub fn intern_vec(&mut self, heap: &mut Heap, bytes: Vec<u8>) -> Gc<LuaStr> {
        let hash = hash_bytes(&bytes);
        match self.find(hash, &bytes) {
            Some(s) => s,
            None => self.add(heap, hash, bytes.into_boxed_slice()),
        }
    }

    /// The interned string with these contents (none for a long string: those are
    /// never interned).
    #[inline(always)]
    fn find(&self, hash: u64, bytes: &[u8]) -> Option<Gc<LuaStr>> {
        if bytes.len() > MAX_SHORT {
            return None;
        }
        if let Some(s) = self
            .table
            .find(hash, |s| s.hash == hash && s.as_bytes() == bytes)
        {
            return Some(*s);
        }
        self.base.as_ref().and_then(|b| b.find_str(hash, bytes))
    }

    /// Makes a new string, interning it if short.
    #[inline]
    fn add(&mut self, heap: &mut Heap, hash: u64, data: Box<[u8]>) -> Gc<LuaStr> {
        let long = data.len() > MAX_SHORT;
        let s = heap.alloc(LuaStr { hash, data });
        if !long {
            self.table.insert_unique(hash, s, |s| s.hash);
        }
        s
    }

    /// An empty table over the frozen strings of `base`.
    pub(crate) fn with_base(base: std::sync::Arc<crate::heap::Frozen>) -> Self {
        StrTable {
            table: HashTable::new(),
            base: Some(base),
        }
    }

    /// Moves this table's strings (all frozen: built while freezing) into `frozen`.
    pub(crate) fn freeze_into(&mut self, frozen: &mut crate::heap::Frozen) {
        frozen.index_strings(std::mem::take(&mut self.table).into_iter());
    }

    /// Drops entries whose strings were not marked; call between mark and sweep.
    pub fn remove_unmarked(&mut self) {
        self.table.retain(|s| s.is_marked());
    }

    /// Number of interned strings.
    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.table.len()
    }
}
