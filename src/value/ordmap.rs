//! The hash part of a table: an insertion-ordered open-addressing map.
//!
//! Entries live in a vector in insertion order (that order is what `next` and
//! `pairs` follow); a separate power-of-two index of `u32` slots, probed linearly,
//! maps hashes to entry positions. Removing a key stores `nil` in its entry and keeps
//! the slot, so traversals survive removals; such tombstones are dropped when the map
//! is rebuilt to grow. Entry positions are stable between rebuilds, which lets the
//! interpreter cache them per instruction (see `get_str_cached`).

use super::{Key, LuaStr, Value};
use crate::heap::Gc;
use std::cell::Cell;

const EMPTY: u32 = u32::MAX;

/// Insertion-ordered map from [`Key`] to [`Value`].
#[derive(Default, Clone)]
pub struct OrdMap {
    entries: Vec<(Key, Value)>,
    index: Vec<u32>,
}

/// Hash of a key: a string's cached content hash, or the keyed mixing of the
/// integer, float bits or object address (see [`super::seed`]). The hash only
/// decides probe positions, never iteration order.
#[inline(always)]
fn hash(k: &Key) -> u64 {
    let x = match k.0 {
        Value::Str(s) => return s.hash(),
        Value::Int(i) => i as u64,
        Value::Num(f) => f.to_bits(),
        Value::Bool(b) => b as u64 + 0x51,
        Value::Table(g) => g.addr() as u64,
        Value::LuaFn(g) => g.addr() as u64,
        Value::NatFn(g) => g.addr() as u64,
        Value::UData(g) => g.addr() as u64,
        Value::Thread(g) => g.addr() as u64,
        Value::LightUd(p) => p as u64,
        Value::Nil => 0,
    };
    super::seed::mix(x)
}

/// Whether a cached entry is string key `key`'s: by identity, except that a removed
/// long-string entry never matches (see [`OrdMap::get_index_of`]).
#[inline(always)]
fn hint_hits(k: &Key, v: &Value, key: Gc<LuaStr>) -> bool {
    matches!(k.0, Value::Str(s) if s == key) && (!v.is_nil() || !key.is_long())
}

impl OrdMap {
    /// A map with room for `n` entries.
    pub fn with_capacity(n: usize) -> Self {
        let mut m = OrdMap {
            entries: Vec::with_capacity(n),
            index: Vec::new(),
        };
        if n > 0 {
            m.index = vec![EMPTY; (n * 2).next_power_of_two().max(4)];
        }
        m
    }

    /// True when there are no entries at all.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Position of `key` in insertion order, for reading or storing its value.
    ///
    /// A removed entry (nil value) keeps its key, but that key is not traced, so its
    /// object may be freed and its address reused. For identity keys (interned
    /// strings, objects) that is harmless: an insertion meets the removed entry
    /// before any empty slot and reuses it, so no live entry ever follows a removed
    /// one with the same address. A long string is different: it is not interned,
    /// a fresh probe string may sit at a dead key's address while the live entry
    /// with its contents is further on. So a long string matches only live
    /// entries (by identity or contents), and never reads a removed entry's key;
    /// storing one after its removal adds a new entry (the old one goes at the next
    /// rebuild).
    #[inline]
    pub fn get_index_of(&self, key: &Key) -> Option<usize> {
        if self.index.is_empty() {
            return None;
        }
        let long = matches!(key.0, Value::Str(s) if s.is_long());
        let mask = self.index.len() - 1;
        let mut i = hash(key) as usize & mask;
        loop {
            let e = self.index[i];
            if e == EMPTY {
                return None;
            }
            let (k, v) = &self.entries[e as usize];
            if !long {
                if *k == *key {
                    return Some(e as usize);
                }
            } else if !v.is_nil() {
                if let (Value::Str(a), Value::Str(b)) = (k.0, key.0) {
                    if a == b || LuaStr::same_long(b, a) {
                        return Some(e as usize);
                    }
                }
            }
            i = (i + 1) & mask;
        }
    }

    /// Position of `key` for `next`, which also accepts a key removed during the
    /// traversal. The caller holds `key`, so it is alive; a removed entry with the
    /// same address and an older (smaller) position belongs to a dead string whose
    /// address `key` reuses (see [`get_index_of`](Self::get_index_of)), so the
    /// newest identity match wins, and a live entry with equal contents before it.
    pub fn next_index_of(&self, key: &Key) -> Option<usize> {
        let long = matches!(key.0, Value::Str(s) if s.is_long());
        if !long || self.index.is_empty() {
            return self.get_index_of(key);
        }
        if let Some(p) = self.get_index_of(key) {
            return Some(p);
        }
        let mask = self.index.len() - 1;
        let mut i = hash(key) as usize & mask;
        let mut best = None;
        loop {
            let e = self.index[i];
            if e == EMPTY {
                return best;
            }
            // Identity only: a removed entry's key is never read.
            if self.entries[e as usize].0 == *key {
                best = best.max(Some(e as usize));
            }
            i = (i + 1) & mask;
        }
    }

    /// Position of the string key `key`: the probe of [`get_index_of`] without
    /// its dispatch on key types (short strings compare by identity: they are
    /// interned).
    #[inline]
    pub fn get_str_index(&self, key: Gc<LuaStr>) -> Option<usize> {
        if self.index.is_empty() {
            return None;
        }
        if key.is_long() {
            return self.get_index_of(&Key(Value::Str(key)));
        }
        let mask = self.index.len() - 1;
        let mut i = key.hash() as usize & mask;
        loop {
            let e = self.index[i];
            if e == EMPTY {
                return None;
            }
            if let Value::Str(s) = self.entries[e as usize].0 .0 {
                if s == key {
                    return Some(e as usize);
                }
            }
            i = (i + 1) & mask;
        }
    }

    /// The value for `key`.
    #[inline]
    pub fn get(&self, key: &Key) -> Option<&Value> {
        self.get_index_of(key).map(|i| &self.entries[i].1)
    }

    /// Mutable access to the value for `key`.
    #[inline]
    pub fn get_mut(&mut self, key: &Key) -> Option<&mut Value> {
        self.get_index_of(key).map(move |i| &mut self.entries[i].1)
    }

    /// String-key lookup through a per-instruction cache of the entry position:
    /// tables built the same way hold the same key at the same position.
    /// Returns a reference into the map (copying it is cheaper than building a
    /// value), or `None` when the key is absent.
    #[inline(always)]
    pub fn get_str_cached(&self, key: Gc<LuaStr>, cache: &Cell<u32>) -> Option<&Value> {
        let hint = cache.get() as usize;
        if let Some((k, v)) = self.entries.get(hint) {
            if hint_hits(k, v, key) {
                return Some(v);
            }
        }
        match self.get_str_index(key) {
            Some(i) => {
                cache.set(i as u32);
                Some(&self.entries[i].1)
            }
            None => None,
        }
    }

    /// Like [`get_str_cached`](Self::get_str_cached), for storing into the entry.
    #[inline(always)]
    pub fn get_str_cached_mut(&mut self, key: Gc<LuaStr>, cache: &Cell<u32>) -> Option<&mut Value> {
        let hint = cache.get() as usize;
        let hit = matches!(self.entries.get(hint), Some((k, v)) if hint_hits(k, v, key));
        if hit {
            return Some(&mut self.entries[hint].1);
        }
        let i = self.get_str_index(key)?;
        cache.set(i as u32);
        Some(&mut self.entries[i].1)
    }

    /// Entry at position `i`.
    #[inline]
    pub fn get_index(&self, i: usize) -> Option<(&Key, &Value)> {
        self.entries.get(i).map(|(k, v)| (k, v))
    }

    /// Adds a key that is not present.
    pub fn insert_new(&mut self, key: Key, val: Value) {
        if (self.entries.len() + 1) * 2 > self.index.len() {
            self.grow();
        }
        let pos = self.entries.len() as u32;
        self.entries.push((key, val));
        self.place(pos);
    }

    fn place(&mut self, pos: u32) {
        let mask = self.index.len() - 1;
        let mut i = hash(&self.entries[pos as usize].0) as usize & mask;
        while self.index[i] != EMPTY {
            i = (i + 1) & mask;
        }
        self.index[i] = pos;
    }

    /// Makes room: drops tombstones, doubling the index only if still needed.
    /// Amortised O(1) per insert.
    fn grow(&mut self) {
        let live = self.entries.iter().filter(|(_, v)| !v.is_nil()).count();
        if live < self.entries.len() {
            self.entries.retain(|(_, v)| !v.is_nil());
        }
        // A rebuild at the same size must leave room for an eighth of it in new
        // keys: a table held at its threshold by removing one key and adding
        // another would otherwise rebuild its whole index at every insert.
        let mut size = self.index.len().max(4);
        while (self.entries.len() + 1) * 2 + size / 4 > size {
            size *= 2;
        }
        self.rebuild(size);
    }

    fn rebuild(&mut self, size: usize) {
        self.index.clear();
        self.index.resize(size, EMPTY);
        for pos in 0..self.entries.len() {
            self.place(pos as u32);
        }
    }

    /// Keeps the entries for which `f` holds, in order.
    pub fn retain(&mut self, mut f: impl FnMut(&Key, &mut Value) -> bool) {
        let before = self.entries.len();
        self.entries.retain_mut(|(k, v)| f(k, v));
        if self.entries.len() != before {
            let size = self.index.len();
            self.rebuild(size);
        }
    }

    /// Entries in insertion order.
    pub fn iter(&self) -> impl Iterator<Item = (&Key, &Value)> {
        self.entries.iter().map(|(k, v)| (k, v))
    }

    /// Mutable values in insertion order.
    pub fn iter_mut(&mut self) -> impl Iterator<Item = (&Key, &mut Value)> {
        self.entries.iter_mut().map(|(k, v)| (&*k, v))
    }

    /// Values in insertion order.
    #[cfg(test)]
    pub fn values(&self) -> impl Iterator<Item = &Value> {
        self.entries.iter().map(|(_, v)| v)
    }

    /// Bytes held (entries and index).
    pub fn mem_size(&self) -> usize {
        self.entries.capacity() * std::mem::size_of::<(Key, Value)>() + self.index.capacity() * 4
    }
}
