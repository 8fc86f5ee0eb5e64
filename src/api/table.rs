//! [`Table`]: a handle to a Lua table.

use super::value::{into_raw, to_public, Ref};
use super::{Error, FromLua, Integer, IntoLua, Lua, Result, Value};
use crate::value::Value as Raw;
use crate::vm::Vm;
use std::marker::PhantomData;

/// A handle to a Lua table. Cloning the handle does not copy the table.
///
/// ```
/// let lua = mani::Lua::new();
/// let t = lua.create_table().unwrap();
/// t.set("x", 1).unwrap();
/// t.push("a").unwrap();
/// assert_eq!(t.get::<i64>("x").unwrap(), 1);
/// assert_eq!(t.raw_len(), 1);
/// let pairs: Vec<(mani::Value, mani::Value)> = t.pairs().collect::<mani::Result<_>>().unwrap();
/// assert_eq!(pairs.len(), 2);
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Table(pub(crate) Ref);

impl Table {
    fn table(&self) -> crate::heap::Gc<crate::value::Table> {
        match self.0.raw() {
            Raw::Table(t) => t,
            _ => unreachable!("a Table handle holds a table"),
        }
    }

    /// Runs `f` with the State, after converting `args` to raw values.
    fn access<R>(
        &self,
        lua: &Lua,
        args: [Value; 2],
        f: impl FnOnce(&mut Vm, Raw, [Raw; 2]) -> std::result::Result<R, crate::vm::LuaError>,
    ) -> Result<R> {
        let t = self.0.raw();
        lua.with(|vm| {
            let [a, b] = args;
            let a = into_raw(vm, &lua.s, a)?;
            let b = into_raw(vm, &lua.s, b)?;
            f(vm, t, [a, b]).map_err(|e| lua.convert_error(vm, e))
        })
    }

    /// `t[key] = value`, with `__newindex`.
    pub fn set(&self, key: impl IntoLua, value: impl IntoLua) -> Result<()> {
        self.set_typed(key, value)
    }

    #[inline]
    fn set_typed<K: IntoLua, V: IntoLua>(&self, key: K, value: V) -> Result<()> {
        let lua = self.0.lua();
        if K::DIRECT && V::DIRECT {
            let t = self.0.raw();
            return lua.with(|vm| {
                let mut cx = super::conv::VmCx { vm };
                let k = key.into_raw_direct(&mut cx)?.0;
                let v = value.into_raw_direct(&mut cx)?.0;
                vm.set_index(t, k, v).map_err(|e| lua.convert_error(vm, e))
            });
        }
        let (k, v) = (key.into_lua(lua)?, value.into_lua(lua)?);
        self.access(lua, [k, v], |vm, t, [k, v]| vm.set_index(t, k, v))
    }

    /// `t[key]`, with `__index`.
    pub fn get<V: FromLua>(&self, key: impl IntoLua) -> Result<V> {
        self.get_typed(key)
    }

    #[inline]
    fn get_typed<K: IntoLua, V: FromLua>(&self, key: K) -> Result<V> {
        let lua = self.0.lua();
        if K::DIRECT && V::DIRECT {
            let t = self.0.raw();
            return lua.with(|vm| {
                let k = key.into_raw_direct(&mut super::conv::VmCx { vm })?.0;
                let v = vm.index(t, k).map_err(|e| lua.convert_error(vm, e))?;
                V::from_raw_arg(super::conv::RawArg(v), lua)
            });
        }
        let k = key.into_lua(lua)?;
        let v = self.access(lua, [k, Value::Nil], |vm, t, [k, _]| vm.index(t, k))?;
        V::from_lua(to_public(&lua.s, v), lua)
    }

    /// True if `t[key]` is not nil (with `__index`).
    pub fn contains_key(&self, key: impl IntoLua) -> Result<bool> {
        Ok(!self.get::<Value>(key)?.is_nil())
    }

    /// `rawset(t, key, value)`.
    pub fn raw_set(&self, key: impl IntoLua, value: impl IntoLua) -> Result<()> {
        let lua = self.0.lua();
        let (k, v) = (key.into_lua(lua)?, value.into_lua(lua)?);
        let t = self.table();
        self.access(lua, [k, v], |vm, _, [k, v]| vm.raw_set(t, k, v))
    }

    /// `rawget(t, key)`.
    pub fn raw_get<V: FromLua>(&self, key: impl IntoLua) -> Result<V> {
        let lua = self.0.lua();
        let k = key.into_lua(lua)?;
        let t = self.table();
        let v = self.access(lua, [k, Value::Nil], |_, _, [k, _]| Ok(t.get().get(k)))?;
        V::from_lua(to_public(&lua.s, v), lua)
    }

    /// Removes `t[key]` (raw).
    pub fn raw_remove(&self, key: impl IntoLua) -> Result<()> {
        self.raw_set(key, Value::Nil)
    }

    /// `#t`, with `__len`.
    pub fn len(&self) -> Result<Integer> {
        let lua = self.0.lua();
        let v = self.access(lua, [Value::Nil, Value::Nil], |vm, t, _| vm.len(t))?;
        match v {
            Raw::Int(i) => Ok(i),
            Raw::Num(f) => crate::vm::arith::float_to_int(f)
                .ok_or_else(|| Error::from_conv("number", "integer", None)),
            v => Err(Error::from_conv(v.type_name(), "integer", None)),
        }
    }

    /// `#t` without `__len` (the border of the sequence part).
    pub fn raw_len(&self) -> usize {
        let _g = self.0.lua.s.lock();
        self.table().get().len()
    }

    /// True if the table has no entries at all.
    pub fn is_empty(&self) -> bool {
        let _g = self.0.lua.s.lock();
        let t = self.table();
        matches!(t.get().next(Raw::Nil), Ok(None))
    }

    /// `t[#t + 1] = value` (with `__len` and `__newindex`).
    pub fn push(&self, value: impl IntoLua) -> Result<()> {
        let n = self.len()?;
        self.set(n + 1, value)
    }

    /// Removes and returns `t[#t]` (with `__len`, `__index` and `__newindex`).
    pub fn pop<V: FromLua>(&self) -> Result<V> {
        let n = self.len()?;
        if n == 0 {
            return V::from_lua(Value::Nil, self.0.lua());
        }
        let v: Value = self.get(n)?;
        self.set(n, Value::Nil)?;
        V::from_lua(v, self.0.lua())
    }

    /// `rawset(t, #t + 1, value)`.
    pub fn raw_push(&self, value: impl IntoLua) -> Result<()> {
        let n = self.raw_len() as i64;
        self.raw_set(n + 1, value)
    }

    /// Removes every entry (raw).
    pub fn clear(&self) -> Result<()> {
        let keys: Vec<Value> = self
            .pairs::<Value, Value>()
            .map(|r| r.map(|(k, _)| k))
            .collect::<Result<_>>()?;
        for k in keys {
            self.raw_set(k, Value::Nil)?;
        }
        Ok(())
    }

    /// The metatable, if any.
    pub fn metatable(&self) -> Option<Table> {
        let _g = self.0.lua.s.lock();
        self.table()
            .meta
            .map(|m| Table(Ref::new(&self.0.lua.s, Raw::Table(m))))
    }

    /// Sets (or with `None` removes) the metatable, as `setmetatable` does without
    /// the `__metatable` check; a `__gc` field registers the table for finalization.
    pub fn set_metatable(&self, metatable: Option<Table>) -> Result<()> {
        let lua = self.0.lua();
        let mt = match &metatable {
            Some(m) => Some(match m.0.raw_in(&lua.s)? {
                Raw::Table(t) => t,
                _ => unreachable!(),
            }),
            None => None,
        };
        let t = self.table();
        lua.with(|vm| {
            t.get_mut().meta = mt;
            vm.check_finalizer(Raw::Table(t));
        });
        Ok(())
    }

    /// True if the table has a metatable.
    pub fn has_metatable(&self) -> bool {
        self.metatable().is_some()
    }

    /// Equality with `__eq`.
    pub fn equals(&self, other: &Table) -> Result<bool> {
        Value::Table(self.clone()).equals(&Value::Table(other.clone()))
    }

    /// Iterates over all entries (raw, in `next` order: the array part, then the hash
    /// part in insertion order).
    pub fn pairs<K: FromLua, V: FromLua>(&self) -> TablePairs<'_, K, V> {
        TablePairs {
            table: self,
            key: Some(Value::Nil),
            _t: PhantomData,
        }
    }

    /// Calls `f` on every entry (raw); stops at the first error.
    pub fn for_each<K: FromLua, V: FromLua>(
        &self,
        mut f: impl FnMut(K, V) -> Result<()>,
    ) -> Result<()> {
        for r in self.pairs::<K, V>() {
            let (k, v) = r?;
            f(k, v)?;
        }
        Ok(())
    }

    /// Iterates over `t[1], t[2], ...` (raw) up to the first nil.
    pub fn sequence_values<V: FromLua>(&self) -> TableSequence<'_, V> {
        TableSequence {
            table: self,
            index: 1,
            _t: PhantomData,
        }
    }

    /// Calls `f` on every value of the sequence part; stops at the first error.
    pub fn for_each_value<V: FromLua>(&self, mut f: impl FnMut(V) -> Result<()>) -> Result<()> {
        for v in self.sequence_values::<V>() {
            f(v?)?;
        }
        Ok(())
    }

    /// The raw entry after `key` (`None` at the end).
    fn next_raw(&self, key: &Value) -> Result<Option<(Value, Value)>> {
        let lua = self.0.lua();
        let t = self.table();
        lua.with(|vm| {
            let k = super::value::to_raw(vm, &lua.s, key)?;
            match t.get().next(k) {
                Ok(Some((k, v))) => Ok(Some((to_public(&lua.s, k), to_public(&lua.s, v)))),
                Ok(None) => Ok(None),
                Err(()) => Err(Error::RuntimeError("invalid key to 'next'".into())),
            }
        })
    }
}

/// Iterator of [`Table::pairs`].
pub struct TablePairs<'a, K, V> {
    table: &'a Table,
    key: Option<Value>,
    _t: PhantomData<(K, V)>,
}

impl<K: FromLua, V: FromLua> Iterator for TablePairs<'_, K, V> {
    type Item = Result<(K, V)>;

    fn next(&mut self) -> Option<Self::Item> {
        let key = self.key.take()?;
        match self.table.next_raw(&key) {
            Ok(Some((k, v))) => {
                self.key = Some(k.clone());
                let lua = self.table.0.lua();
                Some(K::from_lua(k, lua).and_then(|k| Ok((k, V::from_lua(v, lua)?))))
            }
            Ok(None) => None,
            Err(e) => Some(Err(e)),
        }
    }
}

/// Iterator of [`Table::sequence_values`].
pub struct TableSequence<'a, V> {
    table: &'a Table,
    index: i64,
    _t: PhantomData<V>,
}

impl<V: FromLua> Iterator for TableSequence<'_, V> {
    type Item = Result<V>;

    fn next(&mut self) -> Option<Self::Item> {
        let v = {
            let _g = self.table.0.lua.s.lock();
            self.table.table().get().get_int(self.index)
        };
        if v.is_nil() {
            return None;
        }
        self.index += 1;
        let lua = self.table.0.lua();
        Some(V::from_lua(to_public(&lua.s, v), lua))
    }
}
