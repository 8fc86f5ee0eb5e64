//! Lua tables: an array part for keys `1..=n` and an insertion-ordered hash part.
//!
//! Iteration order is the array part in index order, then the hash part in insertion
//! order, so `pairs` and `next` never depend on addresses or hash seeds.
//!
//! Invariants kept by every mutation:
//! * the array part is empty or ends with a non-nil value, so `arr.len()` is a border;
//! * the hash part never holds a live value for the key `arr.len() + 1`.
//!
//! Removing a hash key stores `nil` and keeps the slot (a tombstone), so a traversal
//! with `next` survives assignments of `nil`; tombstones are purged when the hash part
//! would otherwise grow.

use super::ordmap::OrdMap;
use super::{LuaStr, Value};
use crate::heap::{Gc, HeapObject, ObjRef};
use crate::vm::arith::TWO63;
use std::cell::Cell;

/// A table key: never `nil` or NaN; floats with an integer value are stored as integers.
#[derive(Clone, Copy, Debug)]
pub struct Key(pub Value);

/// Key identity: by value, and strings by object (equal long strings made apart are
/// told equal by the map's probe, which alone may read a key's contents: a removed
/// entry's key object may already be freed, see `OrdMap::get_index_of`).
impl PartialEq for Key {
    #[inline]
    fn eq(&self, other: &Key) -> bool {
        match (self.0, other.0) {
            (Value::Int(a), Value::Int(b)) => a == b,
            (Value::Str(a), Value::Str(b)) => a == b,
            (Value::Num(a), Value::Num(b)) => a.to_bits() == b.to_bits(),
            (a, b) => a.raw_eq(&b) && std::mem::discriminant(&a) == std::mem::discriminant(&b),
        }
    }
}
impl Eq for Key {}

type Map = OrdMap;

/// A Lua table.
#[derive(Default, Clone)]
pub struct Table {
    arr: Vec<Value>,
    map: Map,
    /// The metatable, if any.
    pub meta: Option<Gc<Table>>,
}

/// The nil that absent keys read as.
const NIL: &Value = &Value::Nil;

/// Converts a float key to an integer key when it has an exact integer value.
#[inline]
fn float_key(f: f64) -> Option<i64> {
    if f.fract() == 0.0 && (-TWO63..TWO63).contains(&f) {
        Some(f as i64)
    } else {
        None
    }
}

impl Table {
    /// A table with room for `narr` array items and `nhash` hash entries.
    pub fn with_capacity(narr: usize, nhash: usize) -> Self {
        Table {
            arr: Vec::with_capacity(narr),
            map: Map::with_capacity(nhash),
            meta: None,
        }
    }

    /// Raw get (`rawget`).
    #[inline]
    pub fn get(&self, key: Value) -> Value {
        *self.get_ref(&key)
    }

    /// Raw get returning a reference into the table (or to a static nil): copying
    /// from it is cheaper than assembling a value in the interpreter's hot paths.
    #[inline]
    pub fn get_ref(&self, key: &Value) -> &Value {
        match *key {
            Value::Int(i) => self.get_int_ref(i),
            Value::Str(s) => match self.map.get_str_index(s) {
                Some(i) => self.map.get_index(i).map_or(NIL, |(_, v)| v),
                None => NIL,
            },
            Value::Nil => NIL,
            Value::Num(f) => match float_key(f) {
                Some(i) => self.get_int_ref(i),
                None => self.map_get_ref(&Key(*key)),
            },
            _ => self.map_get_ref(&Key(*key)),
        }
    }

    #[inline]
    fn map_get_ref(&self, key: &Key) -> &Value {
        if self.map.is_empty() {
            return NIL;
        }
        self.map.get(key).unwrap_or(NIL)
    }

    /// Raw get with an integer key.
    #[inline(always)]
    pub fn get_int(&self, i: i64) -> Value {
        *self.get_int_ref(i)
    }

    /// Raw get with an integer key, by reference.
    #[inline(always)]
    pub fn get_int_ref(&self, i: i64) -> &Value {
        let idx = (i as u64).wrapping_sub(1);
        if idx < self.arr.len() as u64 {
            &self.arr[idx as usize]
        } else {
            self.map_get_ref(&Key(Value::Int(i)))
        }
    }

    /// The array slot of integer key `i`, to overwrite with a non-nil value (a nil
    /// at the end must shrink the array part: [`set_int`](Self::set_int) does that).
    #[inline(always)]
    pub fn array_slot_mut(&mut self, i: i64) -> Option<&mut Value> {
        self.arr.get_mut((i as u64).wrapping_sub(1) as usize)
    }

    /// Raw get with a string key.
    #[inline(always)]
    pub fn get_str(&self, s: Gc<LuaStr>) -> Value {
        match self.map.get_str_index(s) {
            Some(i) => self.map.get_index(i).map_or(Value::Nil, |(_, v)| *v),
            None => Value::Nil,
        }
    }

    /// Raw get with a string key through an instruction's inline cache.
    #[inline(always)]
    pub fn get_str_cached(&self, s: Gc<LuaStr>, cache: &Cell<u32>) -> Option<&Value> {
        self.map.get_str_cached(s, cache)
    }

    /// The entry of string key `s`, through a per-instruction cache, to store into
    /// (`None`: no entry; a removed key's entry holds `nil`).
    #[inline(always)]
    pub fn get_str_cached_mut(&mut self, s: Gc<LuaStr>, cache: &Cell<u32>) -> Option<&mut Value> {
        self.map.get_str_cached_mut(s, cache)
    }

    /// Raw set. The caller has rejected `nil` and NaN keys. Returns the number of bytes
    /// the table grew by (for heap accounting).
    #[inline]
    pub fn set(&mut self, key: Value, val: Value) -> usize {
        match key {
            Value::Int(i) => self.set_int(i, val),
            Value::Num(f) => match float_key(f) {
                Some(i) => self.set_int(i, val),
                None => self.map_set(Key(key), val),
            },
            _ => self.map_set(Key(key), val),
        }
    }

    /// Raw set with an integer key; returns growth in bytes.
    #[inline]
    pub fn set_int(&mut self, i: i64, val: Value) -> usize {
        let idx = (i as u64).wrapping_sub(1);
        let len = self.arr.len() as u64;
        if idx < len {
            self.arr[idx as usize] = val;
            if val.is_nil() && idx + 1 == len {
                self.trim();
            }
            0
        } else if idx == len && !val.is_nil() {
            let cap = self.arr.capacity();
            self.arr.push(val);
            let mut grown = (self.arr.capacity() - cap) * std::mem::size_of::<Value>();
            if !self.map.is_empty() {
                grown += self.migrate();
            }
            grown
        } else {
            self.map_set(Key(Value::Int(i)), val)
        }
    }

    /// Drops trailing nils from the array part.
    fn trim(&mut self) {
        while matches!(self.arr.last(), Some(Value::Nil)) {
            self.arr.pop();
        }
    }

    /// Moves keys `len+1, len+2, ...` from the hash part into the array part.
    fn migrate(&mut self) -> usize {
        let cap = self.arr.capacity();
        loop {
            let next = Key(Value::Int(self.arr.len() as i64 + 1));
            match self.map.get_mut(&next) {
                Some(v) if !v.is_nil() => {
                    let v = std::mem::take(v);
                    self.arr.push(v);
                }
                _ => break,
            }
        }
        (self.arr.capacity() - cap) * std::mem::size_of::<Value>()
    }

    fn map_set(&mut self, key: Key, val: Value) -> usize {
        if let Some(slot) = self.map.get_mut(&key) {
            *slot = val;
            return 0;
        }
        if val.is_nil() {
            return 0;
        }
        let before = self.map.mem_size();
        self.map.insert_new(key, val);
        self.map.mem_size().saturating_sub(before)
    }

    /// The length operator's raw result (a border).
    #[inline]
    pub fn len(&self) -> usize {
        self.arr.len()
    }

    /// True if the table has no array items and no live hash entries.
    #[cfg(test)]
    pub fn is_empty(&self) -> bool {
        self.arr.is_empty() && self.map.values().all(|v| v.is_nil())
    }

    /// Every entry, array part first: its key and its value to change in place.
    pub fn array_and_entries_mut(&mut self) -> impl Iterator<Item = (Value, &mut Value)> {
        let arr = self.arr.iter_mut().enumerate();
        arr.map(|(i, v)| (Value::Int(i as i64 + 1), v))
            .chain(self.map.iter_mut().map(|(k, v)| (k.0, v)))
    }

    /// The array part (for bulk operations such as `table.concat` and sorting).
    pub fn array(&self) -> &[Value] {
        &self.arr
    }

    /// Mutable array part; callers must keep the last element non-nil.
    pub fn array_mut(&mut self) -> &mut Vec<Value> {
        &mut self.arr
    }

    /// Sets `arr[first-1 .. first-1+vals.len()]` from a constructor's `SETLIST`.
    pub fn set_list(&mut self, first: usize, vals: &[Value]) {
        let end = first - 1 + vals.len();
        if first - 1 <= self.arr.len() {
            if self.arr.len() < end {
                self.arr.resize(end, Value::Nil);
            }
            self.arr[first - 1..end].copy_from_slice(vals);
            self.trim();
            if !self.map.is_empty() {
                self.migrate();
            }
        } else {
            for (k, v) in vals.iter().enumerate() {
                self.set_int((first + k) as i64, *v);
            }
        }
    }

    /// The traversal step of `next`: the entry after `key` (`nil` starts), or `None` at
    /// the end. `Err(())` when `key` is not in the table. A key whose value was set to
    /// nil during the traversal is still accepted, in the array part (see below) as in
    /// the hash part (its tombstone keeps the position).
    #[allow(clippy::result_unit_err)]
    pub fn next(&self, key: Value) -> Result<Option<(Value, Value)>, ()> {
        let mut pos = match key {
            Value::Nil => 0,
            _ => {
                let ik = match key {
                    Value::Int(i) => Some(i),
                    Value::Num(f) => float_key(f),
                    _ => None,
                };
                match ik {
                    Some(i) if i >= 1 && (i as u64) <= self.arr.len() as u64 => i as usize,
                    _ => {
                        let k = match ik {
                            Some(i) => Key(Value::Int(i)),
                            None => Key(key),
                        };
                        match (self.map.next_index_of(&k), ik) {
                            (Some(p), _) => self.arr.len() + p + 1,
                            // An integer key past the array part that is not in the hash
                            // part either may have been in the array part until it was
                            // set to nil during the traversal (`trim` dropped it), so it
                            // is accepted up to the array's capacity, which never
                            // shrinks (lua5.4 likewise accepts any key within its array
                            // size). The array positions after it are all empty, so the
                            // traversal goes on with the hash part.
                            (None, Some(i))
                                if i >= 1 && (i as u64) <= self.arr.capacity() as u64 =>
                            {
                                self.arr.len()
                            }
                            (None, _) => return Err(()),
                        }
                    }
                }
            }
        };
        while pos < self.arr.len() {
            let v = self.arr[pos];
            if !v.is_nil() {
                return Ok(Some((Value::Int(pos as i64 + 1), v)));
            }
            pos += 1;
        }
        let mut hp = pos - self.arr.len();
        while let Some((k, v)) = self.map.get_index(hp) {
            if !v.is_nil() {
                return Ok(Some((k.0, *v)));
            }
            hp += 1;
        }
        Ok(None)
    }

    /// Visits every value and key reference for the collector.
    pub fn trace(&self, out: &mut Vec<ObjRef>) {
        if let Some(m) = self.meta {
            out.push(ObjRef::Table(m));
        }
        out.extend(self.arr.iter().filter_map(|v| v.obj_ref()));
        for (k, v) in self.map.iter() {
            if !v.is_nil() {
                out.extend(k.0.obj_ref());
                out.extend(v.obj_ref());
            }
        }
    }
}

impl HeapObject for Table {
    fn erase(gc: Gc<Self>) -> ObjRef {
        ObjRef::Table(gc)
    }
    fn size(&self) -> usize {
        self.arr.capacity() * std::mem::size_of::<Value>() + self.map.mem_size()
    }
}

/// Whether a value is collectable for weak-table purposes (strings are values).
#[inline]
fn is_weak_ref(v: &Value) -> bool {
    matches!(
        v,
        Value::Table(_) | Value::LuaFn(_) | Value::NatFn(_) | Value::UData(_) | Value::Thread(_)
    )
}

impl Table {
    /// Traces a table whose metatable declares `__mode`: strong parts go to `out`.
    /// Returns true when some entry's value depends on its key being marked.
    pub fn trace_weak(&self, weak_k: bool, weak_v: bool, out: &mut Vec<ObjRef>) -> bool {
        if let Some(m) = self.meta {
            out.push(ObjRef::Table(m));
        }
        let mut pending = false;
        if !weak_v {
            out.extend(self.arr.iter().filter_map(|v| v.obj_ref()));
        } else {
            out.extend(
                self.arr
                    .iter()
                    .filter(|v| !is_weak_ref(v))
                    .filter_map(|v| v.obj_ref()),
            );
        }
        for (k, v) in self.map.iter() {
            if v.is_nil() {
                continue;
            }
            // A string key of a table weak in both keys and values is marked
            // only if its entry survives (`clear_dead`), as lua5.4 clears such
            // tables by values first: a dead value frees its key's string.
            let deferred = weak_k && weak_v && matches!(k.0, Value::Str(_));
            if (!weak_k || !is_weak_ref(&k.0)) && !deferred {
                out.extend(k.0.obj_ref());
            }
            if !weak_v || !is_weak_ref(v) {
                if weak_k && is_weak_ref(&k.0) && !is_marked_value(&k.0) {
                    // Ephemeron: the value is strong only once the key is reachable.
                    pending = true;
                } else {
                    out.extend(v.obj_ref());
                }
            }
        }
        pending
    }

    /// Ephemeron pass: marks values whose weak keys are now marked. Returns true if
    /// anything new was pushed.
    pub fn trace_ephemerons(&self, weak_v: bool, out: &mut Vec<ObjRef>) -> bool {
        let before = out.len();
        for (k, v) in self.map.iter() {
            if v.is_nil() || (weak_v && is_weak_ref(v)) {
                continue;
            }
            if is_marked_value(&k.0) {
                if let Some(o) = v.obj_ref() {
                    if !is_marked_value(v) {
                        out.push(o);
                    }
                }
            }
        }
        out.len() > before
    }

    /// Removes entries whose weak key or value was not marked.
    pub fn clear_dead(&mut self, weak_k: bool, weak_v: bool) {
        if weak_v {
            for v in &mut self.arr {
                if is_weak_ref(v) && !is_marked_value(v) {
                    *v = Value::Nil;
                }
            }
            self.trim();
        }
        for (k, v) in self.map.iter_mut() {
            let dead = (weak_k && is_weak_ref(&k.0) && !is_marked_value(&k.0))
                || (weak_v && is_weak_ref(v) && !is_marked_value(v));
            if dead {
                *v = Value::Nil;
            }
            if let (Value::Str(s), false) = (k.0, v.is_nil()) {
                // The deferred string keys of surviving entries (see `trace_weak`).
                s.mark();
            }
        }
        // Dead keys must not stay in the map: their objects are about to be freed
        // (an unmarked string key included).
        self.map.retain(|k, v| !v.is_nil() || is_marked_value(&k.0));
    }
}

fn is_marked_value(v: &Value) -> bool {
    match v {
        Value::Str(g) => g.is_marked(),
        Value::Table(g) => g.is_marked(),
        Value::LuaFn(g) => g.is_marked(),
        Value::NatFn(g) => g.is_marked(),
        Value::UData(g) => g.is_marked(),
        Value::Thread(g) => g.is_marked(),
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn array_part_grows_and_migrates() {
        let mut t = Table::default();
        t.set_int(3, Value::Int(3));
        t.set_int(2, Value::Int(2));
        assert_eq!(t.len(), 0);
        t.set_int(1, Value::Int(1));
        assert_eq!(t.len(), 3);
        assert!(matches!(t.get_int(3), Value::Int(3)));
        t.set_int(3, Value::Nil);
        assert_eq!(t.len(), 2);
        t.set(Value::Num(2.0), Value::Int(20));
        assert!(matches!(t.get_int(2), Value::Int(20)));
    }

    #[test]
    fn next_visits_array_then_hash_in_insertion_order() {
        let mut t = Table::default();
        t.set(Value::Bool(true), Value::Int(10));
        t.set_int(1, Value::Int(1));
        t.set(Value::Num(0.5), Value::Int(5));
        let mut k = Value::Nil;
        let mut seen = vec![];
        while let Some((nk, v)) = t.next(k).unwrap() {
            seen.push(v);
            k = nk;
        }
        let ints: Vec<i64> = seen
            .iter()
            .map(|v| match v {
                Value::Int(i) => *i,
                _ => -1,
            })
            .collect();
        assert_eq!(ints, vec![1, 10, 5]);
    }

    /// Collects the keys visited by a `next` traversal that applies `f` to each entry.
    fn traverse(t: &mut Table, mut f: impl FnMut(&mut Table, Value)) -> Vec<Value> {
        let mut k = Value::Nil;
        let mut seen = vec![];
        while let Some((nk, _)) = t.next(k).expect("valid key") {
            seen.push(nk);
            f(t, nk);
            k = nk;
        }
        seen
    }

    #[test]
    fn clearing_the_array_part_during_traversal_keeps_position() {
        // Clearing the last array item trims the array part below the current key.
        let mut t = Table::default();
        for i in 1..=3 {
            t.set_int(i, Value::Int(i));
        }
        t.set_int(3, Value::Nil);
        assert!(matches!(t.next(Value::Int(3)), Ok(None)));
        assert!(matches!(t.next(Value::Num(3.0)), Ok(None)));

        // Mixed table, cleared in traversal order: every key is visited once.
        let mut t = Table::default();
        for i in 1..=100 {
            t.set_int(i, Value::Int(i));
        }
        for i in 0..50 {
            t.set(Value::Num(i as f64 + 0.5), Value::Int(i));
        }
        t.set_int(1000, Value::Int(0));
        let seen = traverse(&mut t, |t, k| {
            t.set(k, Value::Nil);
        });
        assert_eq!(seen.len(), 151);
        assert!(t.is_empty());

        // Clearing from the end while traversing from the start.
        let mut t = Table::default();
        for i in 1..=10 {
            t.set_int(i, Value::Int(i));
        }
        t.set(Value::Bool(true), Value::Int(0));
        let mut last = 10;
        let seen = traverse(&mut t, |t, _| {
            if last > 5 {
                t.set_int(last, Value::Nil);
                last -= 1;
            }
        });
        assert_eq!(seen.len(), 6); // 1..=5 after the clears, then `true`
    }

    #[test]
    fn next_rejects_keys_never_in_the_table() {
        let mut t = Table::with_capacity(3, 0);
        for i in 1..=3 {
            t.set_int(i, Value::Int(i));
        }
        let cap = t.array().len().max(3);
        assert!(t.next(Value::Int(cap as i64 + 1000)).is_err());
        assert!(t.next(Value::Int(0)).is_err());
        assert!(t.next(Value::Int(-1)).is_err());
        assert!(t.next(Value::Num(2.5)).is_err());
        assert!(t.next(Value::Bool(false)).is_err());
    }

    #[test]
    fn nil_assignment_during_traversal_keeps_position() {
        let mut t = Table::default();
        for i in 0..10 {
            t.set(Value::Num(i as f64 + 0.5), Value::Int(i));
        }
        let mut k = Value::Nil;
        let mut n = 0;
        while let Some((nk, _)) = t.next(k).unwrap() {
            t.set(nk, Value::Nil);
            n += 1;
            k = nk;
        }
        assert_eq!(n, 10);
        assert!(t.is_empty());
    }
}
