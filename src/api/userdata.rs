//! Rust values in Lua: the [`UserData`] trait, its method and field registration,
//! [`AnyUserData`] handles and checked borrows ([`UserDataRef`], [`UserDataRefMut`]).

use super::callback::call_host;
use super::cell::BorrowCell;
use super::state::{Cells, Shared};
use super::value::{into_raw, Ref};
use super::{Error, FromLua, FromLuaMulti, IntoLua, IntoLuaMulti, Lua, Result, Value};
use crate::heap::Gc;
use crate::value::Value as Raw;
use crate::value::{HostFn, Table as RawTable, UserData as RawUd};
use crate::vm::{LuaError, Vm};
use std::any::TypeId;
use std::marker::PhantomData;
use std::sync::{Arc, Mutex};

/// A Rust type usable from Lua: it declares its fields and methods once, and every
/// value of the type shares one metatable.
///
/// ```
/// use mani::{Lua, UserData, UserDataFields, UserDataMethods, MetaMethod};
/// struct Counter(i64);
/// impl UserData for Counter {
///     fn add_fields<F: UserDataFields<Self>>(fields: &mut F) {
///         fields.add_field_method_get("value", |_, this| Ok(this.0));
///     }
///     fn add_methods<M: UserDataMethods<Self>>(methods: &mut M) {
///         methods.add_method_mut("add", |_, this, n: i64| { this.0 += n; Ok(this.0) });
///         methods.add_meta_method(MetaMethod::ToString, |_, this, ()| Ok(format!("Counter({})", this.0)));
///     }
/// }
/// let lua = Lua::new();
/// lua.globals().set("c", Counter(1)).unwrap();
/// assert_eq!(lua.load("c:add(2); return c.value, tostring(c)").eval::<(i64, String)>().unwrap(),
///            (3, "Counter(3)".to_string()));
/// ```
pub trait UserData: Sized {
    /// Declares fields (`obj.name` reads and writes).
    fn add_fields<F: UserDataFields<Self>>(_fields: &mut F) {}
    /// Declares methods (`obj:name(...)`) and metamethods.
    fn add_methods<M: UserDataMethods<Self>>(_methods: &mut M) {}
}

/// Metamethods a userdata type can define ([`UserDataMethods::add_meta_method`]).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum MetaMethod {
    /// `+` (`__add`).
    Add,
    /// `-` (`__sub`).
    Sub,
    /// `*` (`__mul`).
    Mul,
    /// `/` (`__div`).
    Div,
    /// `%` (`__mod`).
    Mod,
    /// `^` (`__pow`).
    Pow,
    /// unary `-` (`__unm`).
    Unm,
    /// `//` (`__idiv`).
    IDiv,
    /// `&` (`__band`).
    BAnd,
    /// `|` (`__bor`).
    BOr,
    /// binary `~` (`__bxor`).
    BXor,
    /// unary `~` (`__bnot`).
    BNot,
    /// `<<` (`__shl`).
    Shl,
    /// `>>` (`__shr`).
    Shr,
    /// `..` (`__concat`).
    Concat,
    /// `#` (`__len`).
    Len,
    /// `==` (`__eq`).
    Eq,
    /// `<` (`__lt`).
    Lt,
    /// `<=` (`__le`).
    Le,
    /// `obj[key]` for missing keys (`__index`).
    Index,
    /// `obj[key] = v` (`__newindex`).
    NewIndex,
    /// `obj(...)` (`__call`).
    Call,
    /// `tostring(obj)` (`__tostring`).
    ToString,
    /// leaving the scope of a `<close>` variable (`__close`).
    Close,
    /// `pairs(obj)` (`__pairs`).
    Pairs,
    /// the type name shown in messages (a field) (`__name`).
    Name,
}

impl MetaMethod {
    /// The metatable key (`"__add"`, ...).
    pub const fn name(&self) -> &'static str {
        match self {
            MetaMethod::Add => "__add",
            MetaMethod::Sub => "__sub",
            MetaMethod::Mul => "__mul",
            MetaMethod::Div => "__div",
            MetaMethod::Mod => "__mod",
            MetaMethod::Pow => "__pow",
            MetaMethod::Unm => "__unm",
            MetaMethod::IDiv => "__idiv",
            MetaMethod::BAnd => "__band",
            MetaMethod::BOr => "__bor",
            MetaMethod::BXor => "__bxor",
            MetaMethod::BNot => "__bnot",
            MetaMethod::Shl => "__shl",
            MetaMethod::Shr => "__shr",
            MetaMethod::Concat => "__concat",
            MetaMethod::Len => "__len",
            MetaMethod::Eq => "__eq",
            MetaMethod::Lt => "__lt",
            MetaMethod::Le => "__le",
            MetaMethod::Index => "__index",
            MetaMethod::NewIndex => "__newindex",
            MetaMethod::Call => "__call",
            MetaMethod::ToString => "__tostring",
            MetaMethod::Close => "__close",
            MetaMethod::Pairs => "__pairs",
            MetaMethod::Name => "__name",
        }
    }
}

impl std::fmt::Display for MetaMethod {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl AsRef<str> for MetaMethod {
    fn as_ref(&self) -> &str {
        self.name()
    }
}

impl From<MetaMethod> for String {
    fn from(m: MetaMethod) -> String {
        m.name().to_string()
    }
}

/// Registers methods of a userdata type (see [`UserData::add_methods`]).
pub trait UserDataMethods<T> {
    /// `obj:name(args)` with `&T`.
    fn add_method<M, A, R>(&mut self, name: impl Into<String>, method: M)
    where
        M: Fn(&Lua, &T, A) -> Result<R> + Send + 'static,
        A: FromLuaMulti,
        R: IntoLuaMulti;
    /// `obj:name(args)` with `&mut T` (an error if `obj` is borrowed elsewhere).
    fn add_method_mut<M, A, R>(&mut self, name: impl Into<String>, method: M)
    where
        M: FnMut(&Lua, &mut T, A) -> Result<R> + Send + 'static,
        A: FromLuaMulti,
        R: IntoLuaMulti;
    /// `obj.name(args)`: a plain function stored with the methods.
    fn add_function<F, A, R>(&mut self, name: impl Into<String>, function: F)
    where
        F: Fn(&Lua, A) -> Result<R> + Send + 'static,
        A: FromLuaMulti,
        R: IntoLuaMulti;
    /// Like [`add_function`](Self::add_function) for `FnMut`.
    fn add_function_mut<F, A, R>(&mut self, name: impl Into<String>, function: F)
    where
        F: FnMut(&Lua, A) -> Result<R> + Send + 'static,
        A: FromLuaMulti,
        R: IntoLuaMulti;
    /// A metamethod taking `&T` as its first argument.
    fn add_meta_method<M, A, R>(&mut self, name: impl Into<String>, method: M)
    where
        M: Fn(&Lua, &T, A) -> Result<R> + Send + 'static,
        A: FromLuaMulti,
        R: IntoLuaMulti;
    /// A metamethod taking `&mut T` as its first argument.
    fn add_meta_method_mut<M, A, R>(&mut self, name: impl Into<String>, method: M)
    where
        M: FnMut(&Lua, &mut T, A) -> Result<R> + Send + 'static,
        A: FromLuaMulti,
        R: IntoLuaMulti;
    /// A metamethod as a plain function (all arguments converted with `A`).
    fn add_meta_function<F, A, R>(&mut self, name: impl Into<String>, function: F)
    where
        F: Fn(&Lua, A) -> Result<R> + Send + 'static,
        A: FromLuaMulti,
        R: IntoLuaMulti;
    /// Like [`add_meta_function`](Self::add_meta_function) for `FnMut`.
    fn add_meta_function_mut<F, A, R>(&mut self, name: impl Into<String>, function: F)
    where
        F: FnMut(&Lua, A) -> Result<R> + Send + 'static,
        A: FromLuaMulti,
        R: IntoLuaMulti;
}

/// Registers fields of a userdata type (see [`UserData::add_fields`]).
pub trait UserDataFields<T> {
    /// A constant field shared by every value of the type.
    fn add_field<V: IntoLua + 'static>(&mut self, name: impl Into<String>, value: V);
    /// `obj.name` computed from `&T`.
    fn add_field_method_get<M, R>(&mut self, name: impl Into<String>, method: M)
    where
        M: Fn(&Lua, &T) -> Result<R> + Send + 'static,
        R: IntoLua;
    /// `obj.name = v` applied to `&mut T`.
    fn add_field_method_set<M, A>(&mut self, name: impl Into<String>, method: M)
    where
        M: FnMut(&Lua, &mut T, A) -> Result<()> + Send + 'static,
        A: FromLua;
    /// `obj.name` computed from the userdata handle.
    fn add_field_function_get<F, R>(&mut self, name: impl Into<String>, function: F)
    where
        F: Fn(&Lua, AnyUserData) -> Result<R> + Send + 'static,
        R: IntoLua;
    /// `obj.name = v` given the userdata handle.
    fn add_field_function_set<F, A>(&mut self, name: impl Into<String>, function: F)
    where
        F: FnMut(&Lua, AnyUserData, A) -> Result<()> + Send + 'static,
        A: FromLua;
    /// A constant metatable field (`__name`, ...).
    fn add_meta_field<V: IntoLua + 'static>(&mut self, name: impl Into<String>, value: V);
}

type FieldValue = Box<dyn FnOnce(&Lua) -> Result<Value>>;

/// What a type's [`UserData`] impl registered: the metatable is built from it.
pub struct UserDataRegistry<T> {
    type_name: String,
    methods: Vec<(String, Box<HostFn>)>,
    meta: Vec<(String, Box<HostFn>)>,
    getters: Vec<(String, Box<HostFn>)>,
    setters: Vec<(String, Box<HostFn>)>,
    fields: Vec<(String, FieldValue)>,
    meta_fields: Vec<(String, FieldValue)>,
    _t: PhantomData<fn(T)>,
}

impl<T: 'static> UserDataRegistry<T> {
    fn new() -> Self {
        let full = std::any::type_name::<T>();
        let short = full.rsplit("::").next().unwrap_or(full).to_string();
        UserDataRegistry {
            type_name: short,
            methods: Vec::new(),
            meta: Vec::new(),
            getters: Vec::new(),
            setters: Vec::new(),
            fields: Vec::new(),
            meta_fields: Vec::new(),
            _t: PhantomData,
        }
    }

    fn method<M, A, R>(&self, name: &str, method: M) -> Box<HostFn>
    where
        M: Fn(&Lua, &T, A) -> Result<R> + Send + 'static,
        A: FromLuaMulti,
        R: IntoLuaMulti,
    {
        let to = format!("{}.{}", self.type_name, name);
        Box::new(move |vm: &mut Vm, base, nargs| {
            call_host(vm, base, nargs, |lua, args| {
                let cell = self_cell::<T>(args.take_first(), &to)?;
                let this = SharedBorrow::new(cell)?;
                let a = A::from_raw_args(args, lua)?;
                method(lua, this.get(), a)
            })
        })
    }

    fn method_mut<M, A, R>(&self, name: &str, method: M) -> Box<HostFn>
    where
        M: FnMut(&Lua, &mut T, A) -> Result<R> + Send + 'static,
        A: FromLuaMulti,
        R: IntoLuaMulti,
    {
        let to = format!("{}.{}", self.type_name, name);
        let method = Mutex::new(method);
        Box::new(move |vm: &mut Vm, base, nargs| {
            call_host(vm, base, nargs, |lua, args| {
                let cell = self_cell::<T>(args.take_first(), &to)?;
                let mut this = ExclusiveBorrow::new(cell)?;
                let a = A::from_raw_args(args, lua)?;
                let mut m = method.try_lock().map_err(|_| Error::RecursiveMutCallback)?;
                (*m)(lua, this.get(), a)
            })
        })
    }
}

impl<T: 'static> UserDataMethods<T> for UserDataRegistry<T> {
    fn add_method<M, A, R>(&mut self, name: impl Into<String>, method: M)
    where
        M: Fn(&Lua, &T, A) -> Result<R> + Send + 'static,
        A: FromLuaMulti,
        R: IntoLuaMulti,
    {
        let name = name.into();
        let f = self.method(&name, method);
        self.methods.push((name, f));
    }

    fn add_method_mut<M, A, R>(&mut self, name: impl Into<String>, method: M)
    where
        M: FnMut(&Lua, &mut T, A) -> Result<R> + Send + 'static,
        A: FromLuaMulti,
        R: IntoLuaMulti,
    {
        let name = name.into();
        let f = self.method_mut(&name, method);
        self.methods.push((name, f));
    }

    fn add_function<F, A, R>(&mut self, name: impl Into<String>, function: F)
    where
        F: Fn(&Lua, A) -> Result<R> + Send + 'static,
        A: FromLuaMulti,
        R: IntoLuaMulti,
    {
        self.methods
            .push((name.into(), super::callback::wrap(function)));
    }

    fn add_function_mut<F, A, R>(&mut self, name: impl Into<String>, function: F)
    where
        F: FnMut(&Lua, A) -> Result<R> + Send + 'static,
        A: FromLuaMulti,
        R: IntoLuaMulti,
    {
        self.methods
            .push((name.into(), super::callback::wrap_mut(function)));
    }

    fn add_meta_method<M, A, R>(&mut self, name: impl Into<String>, method: M)
    where
        M: Fn(&Lua, &T, A) -> Result<R> + Send + 'static,
        A: FromLuaMulti,
        R: IntoLuaMulti,
    {
        let name = name.into();
        let f = self.method(&name, method);
        self.meta.push((name, f));
    }

    fn add_meta_method_mut<M, A, R>(&mut self, name: impl Into<String>, method: M)
    where
        M: FnMut(&Lua, &mut T, A) -> Result<R> + Send + 'static,
        A: FromLuaMulti,
        R: IntoLuaMulti,
    {
        let name = name.into();
        let f = self.method_mut(&name, method);
        self.meta.push((name, f));
    }

    fn add_meta_function<F, A, R>(&mut self, name: impl Into<String>, function: F)
    where
        F: Fn(&Lua, A) -> Result<R> + Send + 'static,
        A: FromLuaMulti,
        R: IntoLuaMulti,
    {
        self.meta
            .push((name.into(), super::callback::wrap(function)));
    }

    fn add_meta_function_mut<F, A, R>(&mut self, name: impl Into<String>, function: F)
    where
        F: FnMut(&Lua, A) -> Result<R> + Send + 'static,
        A: FromLuaMulti,
        R: IntoLuaMulti,
    {
        self.meta
            .push((name.into(), super::callback::wrap_mut(function)));
    }
}

impl<T: 'static> UserDataFields<T> for UserDataRegistry<T> {
    fn add_field<V: IntoLua + 'static>(&mut self, name: impl Into<String>, value: V) {
        self.fields
            .push((name.into(), Box::new(move |lua| value.into_lua(lua))));
    }

    fn add_field_method_get<M, R>(&mut self, name: impl Into<String>, method: M)
    where
        M: Fn(&Lua, &T) -> Result<R> + Send + 'static,
        R: IntoLua,
    {
        let name = name.into();
        let f = self.method(&name, move |lua, this, ()| method(lua, this));
        self.getters.push((name, f));
    }

    fn add_field_method_set<M, A>(&mut self, name: impl Into<String>, mut method: M)
    where
        M: FnMut(&Lua, &mut T, A) -> Result<()> + Send + 'static,
        A: FromLua,
    {
        let name = name.into();
        let f = self.method_mut(&name, move |lua, this, a: A| method(lua, this, a));
        self.setters.push((name, f));
    }

    fn add_field_function_get<F, R>(&mut self, name: impl Into<String>, function: F)
    where
        F: Fn(&Lua, AnyUserData) -> Result<R> + Send + 'static,
        R: IntoLua,
    {
        self.getters
            .push((name.into(), super::callback::wrap(function)));
    }

    fn add_field_function_set<F, A>(&mut self, name: impl Into<String>, mut function: F)
    where
        F: FnMut(&Lua, AnyUserData, A) -> Result<()> + Send + 'static,
        A: FromLua,
    {
        self.setters.push((
            name.into(),
            super::callback::wrap_mut(move |lua, (ud, a): (AnyUserData, A)| function(lua, ud, a)),
        ));
    }

    fn add_meta_field<V: IntoLua + 'static>(&mut self, name: impl Into<String>, value: V) {
        self.meta_fields
            .push((name.into(), Box::new(move |lua| value.into_lua(lua))));
    }
}

/// The `self` argument of a method: the userdata's cell for `T`.
fn self_cell<T: 'static>(v: Raw, to: &str) -> Result<&'static BorrowCell<T>> {
    let bad = |cause| Error::BadArgument {
        to: Some(to.to_string()),
        pos: 1,
        name: Some("self".into()),
        cause: Arc::new(cause),
    };
    match v {
        // The userdata is an argument of the running call, so its stack slot keeps
        // it alive for the call (the `'static` is never used beyond it).
        Raw::UData(u) => cell_of::<T>(u.get_static()).map_err(bad),
        v => Err(bad(Error::from_conv(v.type_name(), "userdata", None))),
    }
}

/// The cell holding a `T` in a userdata, or why there is none.
fn cell_of<T: 'static>(ud: &RawUd) -> Result<&BorrowCell<T>> {
    match ud.data.downcast_ref::<BorrowCell<T>>() {
        Some(c) => Ok(c),
        None if ud.host && ud.data.is::<()>() => Err(Error::UserDataDestructed),
        None => Err(Error::UserDataTypeMismatch),
    }
}

/// A shared borrow of a userdata value for the length of a method call.
struct SharedBorrow<'a, T> {
    cell: &'a BorrowCell<T>,
    ptr: *const T,
}

impl<'a, T> SharedBorrow<'a, T> {
    fn new(cell: &'a BorrowCell<T>) -> Result<Self> {
        match cell.try_borrow() {
            None => Err(Error::UserDataBorrowError),
            Some(None) => Err(Error::UserDataDestructed),
            Some(Some(ptr)) => Ok(SharedBorrow { cell, ptr }),
        }
    }

    fn get(&self) -> &T {
        // SAFETY: the cell's flag counts this borrow (cell invariant 1) and the cell
        // outlives `'a`.
        unsafe { &*self.ptr }
    }
}

impl<T> Drop for SharedBorrow<'_, T> {
    fn drop(&mut self) {
        self.cell.release();
    }
}

/// An exclusive borrow of a userdata value for the length of a method call.
struct ExclusiveBorrow<'a, T> {
    cell: &'a BorrowCell<T>,
    ptr: *mut T,
}

impl<'a, T> ExclusiveBorrow<'a, T> {
    fn new(cell: &'a BorrowCell<T>) -> Result<Self> {
        match cell.try_borrow_mut() {
            None => Err(Error::UserDataBorrowMutError),
            Some(None) => Err(Error::UserDataDestructed),
            Some(Some(ptr)) => Ok(ExclusiveBorrow { cell, ptr }),
        }
    }

    fn get(&mut self) -> &mut T {
        // SAFETY: the flag marks this exclusive borrow (cell invariant 1); `&mut self`
        // makes the returned reference unique.
        unsafe { &mut *self.ptr }
    }
}

impl<T> Drop for ExclusiveBorrow<'_, T> {
    fn drop(&mut self) {
        self.cell.release_mut();
    }
}

/// The metatable for `T`'s userdata, built from its [`UserData`] impl on first use.
pub(crate) fn metatable_for<T: UserData + 'static>(lua: &Lua) -> Result<Gc<RawTable>> {
    if let Some(t) = lua.with(|vm| vm.ud_metas.get(&TypeId::of::<T>()).copied()) {
        return Ok(t);
    }
    let mut reg = UserDataRegistry::<T>::new();
    T::add_fields(&mut reg);
    T::add_methods(&mut reg);
    let mut fields = Vec::new();
    for (k, f) in reg.fields.drain(..) {
        fields.push((k, f(lua)?));
    }
    let mut meta_fields = Vec::new();
    for (k, f) in reg.meta_fields.drain(..) {
        meta_fields.push((k, f(lua)?));
    }
    lua.with(|vm| build_metatable(vm, &lua.s, reg, fields, meta_fields))
        .inspect(|&mt| {
            lua.with(|vm| vm.ud_metas.insert(TypeId::of::<T>(), mt));
        })
}

fn build_metatable<T>(
    vm: &mut Vm,
    s: &Shared,
    reg: UserDataRegistry<T>,
    fields: Vec<(String, Value)>,
    meta_fields: Vec<(String, Value)>,
) -> Result<Gc<RawTable>> {
    let mt = vm.new_table(0, reg.meta.len() + 4);
    let methods = vm.new_table(0, reg.methods.len() + fields.len());
    let set = |vm: &mut Vm, t: Gc<RawTable>, k: &str, v: Raw| {
        let k = vm.new_str(k.as_bytes());
        let grown = t.get_mut().set(k, v);
        vm.heap.account(grown as isize);
    };
    for (k, f) in reg.methods {
        let f = vm.new_host(f, Vec::new());
        set(vm, methods, &k, f);
    }
    for (k, v) in fields {
        let v = into_raw(vm, s, v)?;
        set(vm, methods, &k, v);
    }
    let mut user_index = None;
    let mut user_newindex = None;
    for (k, f) in reg.meta {
        match k.as_str() {
            "__index" => user_index = Some(f),
            "__newindex" => user_newindex = Some(f),
            "__gc" | "__metatable" => return Err(Error::MetaMethodRestricted(k)),
            _ => {
                let f = vm.new_host(f, Vec::new());
                set(vm, mt, &k, f);
            }
        }
    }
    for (k, v) in meta_fields {
        if k == "__gc" || k == "__metatable" {
            return Err(Error::MetaMethodRestricted(k));
        }
        let v = into_raw(vm, s, v)?;
        set(vm, mt, &k, v);
    }
    if mt.get().get(vm.new_str(b"__name")).is_nil() {
        let name = vm.new_str(reg.type_name.as_bytes());
        set(vm, mt, "__name", name);
    }
    if reg.getters.is_empty() && user_index.is_none() {
        set(vm, mt, "__index", Raw::Table(methods));
    } else {
        let getters: Vec<(Vec<u8>, Box<HostFn>)> = reg
            .getters
            .into_iter()
            .map(|(k, f)| (k.into_bytes(), f))
            .collect();
        let index: Box<HostFn> = Box::new(move |vm: &mut Vm, base, nargs| {
            let key = if nargs >= 2 {
                vm.stack[base + 1]
            } else {
                Raw::Nil
            };
            if let Raw::Str(k) = key {
                if let Some((_, g)) = getters.iter().find(|(n, _)| n == k.as_bytes()) {
                    return g(vm, base, 1);
                }
            }
            // The methods table is this closure's upvalue (traced by the collector).
            let Raw::NatFn(me) = vm.stack[base - 1] else {
                return Err(LuaError::rt("userdata __index called without its closure"));
            };
            let m = match me.upvals.first() {
                Some(Raw::Table(t)) => t.get().get(key),
                _ => Raw::Nil,
            };
            if !m.is_nil() {
                vm.top = base + nargs;
                vm.push(m);
                return Ok(1);
            }
            match &user_index {
                Some(f) => f(vm, base, nargs),
                None => {
                    vm.top = base + nargs;
                    vm.push(Raw::Nil);
                    Ok(1)
                }
            }
        });
        let index = vm.new_host(index, vec![Raw::Table(methods)]);
        set(vm, mt, "__index", index);
    }
    if !reg.setters.is_empty() || user_newindex.is_some() {
        let setters: Vec<(Vec<u8>, Box<HostFn>)> = reg
            .setters
            .into_iter()
            .map(|(k, f)| (k.into_bytes(), f))
            .collect();
        let type_name = reg.type_name.clone();
        let newindex: Box<HostFn> = Box::new(move |vm: &mut Vm, base, nargs| {
            let key = if nargs >= 2 {
                vm.stack[base + 1]
            } else {
                Raw::Nil
            };
            if let Raw::Str(k) = key {
                if let Some((_, f)) = setters.iter().find(|(n, _)| n == k.as_bytes()) {
                    // The setter takes (self, value).
                    vm.stack[base + 1] = if nargs >= 3 {
                        vm.stack[base + 2]
                    } else {
                        Raw::Nil
                    };
                    return f(vm, base, 2);
                }
            }
            match &user_newindex {
                Some(f) => f(vm, base, nargs),
                None => {
                    let mut b = Vec::new();
                    vm.append_strnum(&mut b, key);
                    Err(LuaError::rt(format!(
                        "field '{}' of '{}' cannot be assigned",
                        String::from_utf8_lossy(&b),
                        type_name
                    )))
                }
            }
        });
        let newindex = vm.new_host(newindex, Vec::new());
        set(vm, mt, "__newindex", newindex);
    }
    Ok(mt)
}

/// Creates a userdata holding `data` (for [`Lua::create_userdata`]).
pub(crate) fn create<T: UserData + Send + 'static>(lua: &Lua, data: T) -> Result<AnyUserData> {
    let mt = metatable_for::<T>(lua)?;
    let payload: Box<dyn std::any::Any + Send> = Box::new(BorrowCell::new(data));
    Ok(alloc(lua, payload, mt))
}

pub(crate) fn alloc(
    lua: &Lua,
    payload: Box<dyn std::any::Any + Send>,
    mt: Gc<RawTable>,
) -> AnyUserData {
    let u = lua.with(|vm| {
        Raw::UData(vm.heap.alloc(RawUd {
            data: payload,
            meta: Some(mt),
            host: true,
            user_value: Raw::Nil,
        }))
    });
    AnyUserData(Ref::new(&lua.s, u))
}

/// A handle to a userdata (any type); borrow its value with [`AnyUserData::borrow`].
#[derive(Clone, Debug, PartialEq)]
pub struct AnyUserData(pub(crate) Ref);

impl AnyUserData {
    fn ud(&self) -> Result<Gc<RawUd>> {
        match self.0.raw() {
            Raw::UData(u) => Ok(u),
            _ => Err(Error::UserDataTypeMismatch),
        }
    }

    /// True if this userdata holds a `T`.
    pub fn is<T: 'static>(&self) -> bool {
        let _g = self.0.lua.s.lock();
        self.ud()
            .map(|u| u.get().data.is::<BorrowCell<T>>())
            .unwrap_or(false)
    }

    /// Borrows the value. Fails with [`Error::UserDataBorrowError`] while it is
    /// mutably borrowed (by the host or a running `_mut` method).
    pub fn borrow<T: 'static>(&self) -> Result<UserDataRef<T>> {
        let guard = self.0.lua.s.lock_arc();
        let u = self.ud()?;
        let cell: *const BorrowCell<T> = cell_of::<T>(u.get_static())?;
        // SAFETY: the cell lives in the userdata, which `ud` (kept in the result)
        // roots; the lock (kept in the result) excludes other threads.
        let ptr = match unsafe { &*cell }.try_borrow() {
            None => return Err(Error::UserDataBorrowError),
            Some(None) => return Err(Error::UserDataDestructed),
            Some(Some(p)) => p,
        };
        Ok(UserDataRef {
            ptr,
            cell,
            _ud: self.clone(),
            _guard: guard,
        })
    }

    /// Borrows the value mutably. Fails with [`Error::UserDataBorrowMutError`]
    /// while any other borrow is live.
    pub fn borrow_mut<T: 'static>(&self) -> Result<UserDataRefMut<T>> {
        let guard = self.0.lua.s.lock_arc();
        let u = self.ud()?;
        let cell: *const BorrowCell<T> = cell_of::<T>(u.get_static())?;
        // SAFETY: as in `borrow`.
        let ptr = match unsafe { &*cell }.try_borrow_mut() {
            None => return Err(Error::UserDataBorrowMutError),
            Some(None) => return Err(Error::UserDataDestructed),
            Some(Some(p)) => p,
        };
        Ok(UserDataRefMut {
            ptr,
            cell,
            _ud: self.clone(),
            _guard: guard,
        })
    }

    /// Runs `f` with a borrow of the value.
    pub fn borrow_scoped<T: 'static, R>(&self, f: impl FnOnce(&T) -> R) -> Result<R> {
        let r = self.borrow::<T>()?;
        Ok(f(&r))
    }

    /// Runs `f` with a mutable borrow of the value.
    pub fn borrow_mut_scoped<T: 'static, R>(&self, f: impl FnOnce(&mut T) -> R) -> Result<R> {
        let mut r = self.borrow_mut::<T>()?;
        Ok(f(&mut r))
    }

    /// Takes the value out; the userdata is destructed afterwards (its methods fail
    /// with [`Error::UserDataDestructed`]).
    pub fn take<T: 'static>(&self) -> Result<T> {
        let _g = self.0.lua.s.lock();
        let u = self.ud()?;
        let cell = cell_of::<T>(u.get())?;
        match cell.take() {
            Err(()) => Err(Error::UserDataBorrowMutError),
            Ok(None) => Err(Error::UserDataDestructed),
            Ok(Some(v)) => Ok(v),
        }
    }

    /// Sets the userdata's user value (any Lua value it keeps alive).
    pub fn set_user_value(&self, v: impl IntoLua) -> Result<()> {
        let lua = self.0.lua();
        let v = v.into_lua(lua)?;
        lua.with(|vm| {
            let raw = into_raw(vm, &lua.s, v)?;
            self.ud()?.get_mut().user_value = raw;
            Ok(())
        })
    }

    /// The userdata's user value.
    pub fn user_value<V: FromLua>(&self) -> Result<V> {
        let lua = self.0.lua();
        let v = super::value::to_public(&lua.s, self.ud()?.get().user_value);
        V::from_lua(v, lua)
    }

    /// The metatable shared by values of this userdata's type.
    pub fn metatable(&self) -> Result<super::Table> {
        match self.ud()?.get().meta {
            Some(t) => Ok(super::Table(Ref::new(&self.0.lua.s, Raw::Table(t)))),
            None => Err(Error::UserDataTypeMismatch),
        }
    }
}

type LockGuard = parking_lot::lock_api::ArcReentrantMutexGuard<
    parking_lot::RawMutex,
    parking_lot::RawThreadId,
    Cells,
>;

/// A shared borrow of a userdata's value (mlua's `UserDataRef`). While it lives,
/// `borrow_mut` of the same userdata fails, and other threads wait for the State.
pub struct UserDataRef<T: 'static> {
    ptr: *const T,
    cell: *const BorrowCell<T>,
    _ud: AnyUserData,
    _guard: LockGuard,
}

impl<T> std::ops::Deref for UserDataRef<T> {
    type Target = T;
    fn deref(&self) -> &T {
        // SAFETY: the cell's flag counts this borrow, `_ud` roots the userdata that
        // holds the cell, and `_guard` keeps other threads out.
        unsafe { &*self.ptr }
    }
}

impl<T> Drop for UserDataRef<T> {
    fn drop(&mut self) {
        // SAFETY: as in `deref`; this ends the borrow counted at creation.
        unsafe { &*self.cell }.release();
    }
}

impl<T: std::fmt::Debug> std::fmt::Debug for UserDataRef<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        (**self).fmt(f)
    }
}

/// An exclusive borrow of a userdata's value (mlua's `UserDataRefMut`).
pub struct UserDataRefMut<T: 'static> {
    ptr: *mut T,
    cell: *const BorrowCell<T>,
    _ud: AnyUserData,
    _guard: LockGuard,
}

impl<T> std::ops::Deref for UserDataRefMut<T> {
    type Target = T;
    fn deref(&self) -> &T {
        // SAFETY: the flag marks this exclusive borrow; see `UserDataRef::deref`.
        unsafe { &*self.ptr }
    }
}

impl<T> std::ops::DerefMut for UserDataRefMut<T> {
    fn deref_mut(&mut self) -> &mut T {
        // SAFETY: as in `deref`; `&mut self` makes the reference unique.
        unsafe { &mut *self.ptr }
    }
}

impl<T> Drop for UserDataRefMut<T> {
    fn drop(&mut self) {
        // SAFETY: as in `deref`; this ends the exclusive borrow.
        unsafe { &*self.cell }.release_mut();
    }
}

impl<T: std::fmt::Debug> std::fmt::Debug for UserDataRefMut<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        (**self).fmt(f)
    }
}

/// A host error travelling through Lua as a userdata (what a callback's `Err`
/// becomes, so `pcall` can catch it and the host gets it back unchanged).
struct HostError(Error);

/// The host error carried by a userdata, if it is one.
pub(crate) fn host_error(u: Gc<RawUd>) -> Option<Error> {
    u.get()
        .data
        .downcast_ref::<HostError>()
        .map(|e| e.0.clone())
}

/// Wraps a host error as a Lua value (inside an access).
pub(crate) fn error_value(vm: &mut Vm, e: Error) -> Raw {
    let mt = match vm.ud_metas.get(&TypeId::of::<HostError>()) {
        Some(t) => *t,
        None => {
            let t = vm.new_table(0, 2);
            let k = vm.new_str(b"__tostring");
            let f = vm.new_native("tostring", error_tostring);
            let _ = t.get_mut().set(k, f);
            let k = vm.new_str(b"__name");
            let n = vm.new_str(b"error");
            let _ = t.get_mut().set(k, n);
            vm.ud_metas.insert(TypeId::of::<HostError>(), t);
            t
        }
    };
    Raw::UData(vm.heap.alloc(RawUd {
        data: Box::new(HostError(e)),
        meta: Some(mt),
        host: true,
        user_value: Raw::Nil,
    }))
}

fn error_tostring(vm: &mut Vm, base: usize, nargs: usize) -> std::result::Result<usize, LuaError> {
    let msg = match (nargs, vm.stack[base]) {
        (1.., Raw::UData(u)) => u
            .get()
            .data
            .downcast_ref::<HostError>()
            .map(|e| e.0.to_string()),
        _ => None,
    };
    let v = vm.new_str_vec(msg.unwrap_or_default().into_bytes());
    vm.push(v);
    Ok(1)
}
