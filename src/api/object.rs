//! [`ObjectLike`]: what tables and userdata share (indexing with metamethods,
//! calling, method calls), as mlua's trait of the same name.

use super::multi::{ValBuf, ValIter};
use super::value::{into_raw, to_public, Ref};
use super::{
    AnyUserData, FromLua, FromLuaMulti, Function, IntoLua, IntoLuaMulti, Result, Table, Value,
};

/// Indexing, calling and method calls on tables and userdata (with metamethods).
///
/// ```
/// use mani::{Lua, ObjectLike, Table};
/// let lua = Lua::new();
/// let obj: Table = lua.load("{n = 1, add = function(self, k) self.n = self.n + k return self.n end}").eval().unwrap();
/// assert_eq!(obj.call_method::<i64>("add", 41).unwrap(), 42);
/// assert_eq!(ObjectLike::get::<i64>(&obj, "n").unwrap(), 42);
/// ```
pub trait ObjectLike {
    /// `obj[key]`, with `__index`.
    fn get<V: FromLua>(&self, key: impl IntoLua) -> Result<V>;
    /// `obj[key] = value`, with `__newindex`.
    fn set(&self, key: impl IntoLua, value: impl IntoLua) -> Result<()>;
    /// `obj(args...)`, with `__call`.
    fn call<R: FromLuaMulti>(&self, args: impl IntoLuaMulti) -> Result<R>;
    /// `obj:name(args...)`.
    fn call_method<R: FromLuaMulti>(&self, name: &str, args: impl IntoLuaMulti) -> Result<R>;
    /// `obj.name(args...)`.
    fn call_function<R: FromLuaMulti>(&self, name: &str, args: impl IntoLuaMulti) -> Result<R>;
    /// `tostring(obj)`.
    fn to_string(&self) -> Result<String>;
}

/// Indexing any value with metamethods, through its handle.
fn index<V: FromLua>(h: &Ref, key: Value) -> Result<V> {
    let lua = h.lua();
    let v = lua.with(|vm| {
        let k = into_raw(vm, &lua.s, key)?;
        vm.index(h.raw(), k).map_err(|e| lua.convert_error(vm, e))
    })?;
    V::from_lua(to_public(&lua.s, v), lua)
}

fn set_index(h: &Ref, key: Value, value: Value) -> Result<()> {
    let lua = h.lua();
    lua.with(|vm| {
        let k = into_raw(vm, &lua.s, key)?;
        let v = into_raw(vm, &lua.s, value)?;
        vm.set_index(h.raw(), k, v)
            .map_err(|e| lua.convert_error(vm, e))
    })
}

/// Calls the value in `h` (functions, or anything with `__call`).
fn call_ref<R: FromLuaMulti>(h: &Ref, args: ValBuf) -> Result<R> {
    let lua = h.lua();
    let mut args = args;
    let mut out = ValBuf::new();
    lua.call_into(h.idx, &mut args, &mut out)?;
    let r = R::from_buf(&mut ValIter(out.0.drain(..)), lua);
    r
}

fn method<R: FromLuaMulti>(h: &Ref, this: Value, name: &str, args: impl IntoLuaMulti) -> Result<R> {
    let lua = h.lua();
    let f: Function = index(h, Value::String(lua.create_string(name)?))?;
    let mut buf = ValBuf::new();
    buf.push(this);
    args.push_into(lua, &mut buf)?;
    call_ref(&f.0, buf)
}

fn function<R: FromLuaMulti>(h: &Ref, name: &str, args: impl IntoLuaMulti) -> Result<R> {
    let lua = h.lua();
    let f: Function = index(h, Value::String(lua.create_string(name)?))?;
    f.call(args)
}

macro_rules! object_like {
    ($t:ident, $variant:ident) => {
        impl ObjectLike for $t {
            fn get<V: FromLua>(&self, key: impl IntoLua) -> Result<V> {
                index(&self.0, key.into_lua(self.0.lua())?)
            }
            fn set(&self, key: impl IntoLua, value: impl IntoLua) -> Result<()> {
                let lua = self.0.lua();
                set_index(&self.0, key.into_lua(lua)?, value.into_lua(lua)?)
            }
            fn call<R: FromLuaMulti>(&self, args: impl IntoLuaMulti) -> Result<R> {
                let mut buf = ValBuf::new();
                args.push_into(self.0.lua(), &mut buf)?;
                call_ref(&self.0, buf)
            }
            fn call_method<R: FromLuaMulti>(
                &self,
                name: &str,
                args: impl IntoLuaMulti,
            ) -> Result<R> {
                method(&self.0, Value::$variant(self.clone()), name, args)
            }
            fn call_function<R: FromLuaMulti>(
                &self,
                name: &str,
                args: impl IntoLuaMulti,
            ) -> Result<R> {
                function(&self.0, name, args)
            }
            fn to_string(&self) -> Result<String> {
                Value::$variant(self.clone()).to_string()
            }
        }
    };
}

object_like!(Table, Table);
object_like!(AnyUserData, UserData);
