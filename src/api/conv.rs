//! Conversions between Rust values and Lua values: [`IntoLua`], [`FromLua`] and their
//! implementations for numbers, strings, collections, options and handles.

use super::value::to_public;
use super::{
    AnyUserData, Error, Function, LightUserData, Lua, LuaString, Result, Table, Thread, UserData,
    UserDataRef, UserDataRefMut, Value,
};
use crate::value::Value as Raw;
use std::collections::{BTreeMap, HashMap};
use std::hash::{BuildHasher, Hash};

/// Converts a Rust value into a Lua value.
pub trait IntoLua: Sized {
    /// Performs the conversion.
    fn into_lua(self, lua: &Lua) -> Result<Value>;

    /// True for built-in types that convert inside an access to the State, without
    /// a handle ([`into_raw_direct`](Self::into_raw_direct)).
    #[doc(hidden)]
    const DIRECT: bool = false;

    /// The conversion inside an access (only called when `DIRECT`).
    #[doc(hidden)]
    fn into_raw_direct(self, _cx: &mut VmCx<'_>) -> Result<RawArg> {
        unreachable!("into_raw_direct called on a type that is not DIRECT")
    }
}

/// The State inside an access, for the direct conversions of built-in types.
#[doc(hidden)]
pub struct VmCx<'a> {
    pub(crate) vm: &'a mut crate::vm::Vm,
}

impl VmCx<'_> {
    #[inline]
    fn string(&mut self, b: &[u8]) -> Result<RawArg> {
        if b.len() > self.vm.max_string || self.vm.check_alloc(b.len()).is_err() {
            return Err(Error::MemoryError("not enough memory".into()));
        }
        Ok(RawArg(self.vm.new_str(b)))
    }
}

/// Converts a Lua value into a Rust value.
pub trait FromLua: Sized {
    /// Performs the conversion.
    fn from_lua(value: Value, lua: &Lua) -> Result<Self>;

    /// True for built-in types whose `from_raw_arg` never uses the API, so it can
    /// run inside an access to the State.
    #[doc(hidden)]
    const DIRECT: bool = false;

    #[doc(hidden)]
    #[inline]
    fn from_raw_arg(arg: RawArg, lua: &Lua) -> Result<Self> {
        Self::from_lua(arg.into_value(lua), lua)
    }
}

/// A callback argument as the VM holds it (rooted by the VM's stack while the
/// callback runs).
#[doc(hidden)]
#[derive(Clone, Copy)]
pub struct RawArg(pub(crate) Raw);

impl RawArg {
    #[inline]
    fn into_value(self, lua: &Lua) -> Value {
        to_public(&lua.s, self.0)
    }

    fn type_name(self) -> &'static str {
        self.0.type_name()
    }
}

impl IntoLua for Value {
    #[inline]
    fn into_lua(self, _: &Lua) -> Result<Value> {
        Ok(self)
    }
}

impl IntoLua for &Value {
    #[inline]
    fn into_lua(self, _: &Lua) -> Result<Value> {
        Ok(self.clone())
    }
}

impl FromLua for Value {
    #[inline]
    fn from_lua(v: Value, _: &Lua) -> Result<Self> {
        Ok(v)
    }
}

impl IntoLua for bool {
    #[inline]
    fn into_lua(self, _: &Lua) -> Result<Value> {
        Ok(Value::Boolean(self))
    }
    const DIRECT: bool = true;
    #[inline(always)]
    fn into_raw_direct(self, _: &mut VmCx<'_>) -> Result<RawArg> {
        Ok(RawArg(Raw::Bool(self)))
    }
}

impl FromLua for bool {
    const DIRECT: bool = true;
    /// Lua truthiness: `nil` and `false` are false, everything else true.
    #[inline]
    fn from_lua(v: Value, _: &Lua) -> Result<Self> {
        Ok(!matches!(v, Value::Nil | Value::Boolean(false)))
    }
    #[inline]
    fn from_raw_arg(arg: RawArg, _: &Lua) -> Result<Self> {
        Ok(arg.0.is_truthy())
    }
}

/// The out-of-line part of a numeric conversion (coercions and errors).
trait FromRawSlow: Sized {
    fn from_raw_slow(arg: RawArg, lua: &Lua) -> Result<Self>;
}

/// A number from a raw value, with Lua's string coercion.
fn raw_number(v: Raw) -> Option<Raw> {
    crate::vm::meta::number_coerce(v)
}

/// An integer from a raw value: integers, floats with an exact integer value, and
/// numeric strings.
fn raw_integer(v: Raw) -> std::result::Result<i64, Option<&'static str>> {
    match raw_number(v) {
        Some(Raw::Int(i)) => Ok(i),
        Some(Raw::Num(f)) => {
            crate::vm::arith::float_to_int(f).ok_or(Some("number has no integer representation"))
        }
        _ => Err(None),
    }
}

macro_rules! int_impls {
    ($($t:ty)*) => {$(
        impl IntoLua for $t {
            #[inline]
            fn into_lua(self, _: &Lua) -> Result<Value> {
                match i64::try_from(self) {
                    Ok(i) => Ok(Value::Integer(i)),
                    // Only u64/usize above i64::MAX: they become floats, as mlua does.
                    Err(_) => Ok(Value::Number(self as f64)),
                }
            }
            const DIRECT: bool = true;
            #[inline(always)]
            fn into_raw_direct(self, _: &mut VmCx<'_>) -> Result<RawArg> {
                Ok(RawArg(match i64::try_from(self) {
                    Ok(i) => Raw::Int(i),
                    Err(_) => Raw::Num(self as f64),
                }))
            }
        }

        impl FromLua for $t {
            const DIRECT: bool = true;
            #[inline]
            fn from_lua(v: Value, lua: &Lua) -> Result<Self> {
                match v {
                    Value::Integer(i) => <$t>::try_from(i).map_err(|_| {
                        Error::from_conv("integer", stringify!($t), Some("out of range".into()))
                    }),
                    Value::Number(_) | Value::String(_) => {
                        let raw = match &v {
                            Value::Number(n) => Raw::Num(*n),
                            Value::String(s) => s.0.raw(),
                            _ => unreachable!(),
                        };
                        Self::from_raw_arg(RawArg(raw), lua)
                    }
                    v => Err(Error::from_conv(v.type_name(), stringify!($t), None)),
                }
            }

            #[inline(always)]
            fn from_raw_arg(arg: RawArg, lua: &Lua) -> Result<Self> {
                if let Raw::Int(i) = arg.0 {
                    #[allow(irrefutable_let_patterns)]
                    if let Ok(x) = <$t>::try_from(i) {
                        return Ok(x);
                    }
                }
                Self::from_raw_slow(arg, lua)
            }
        }

        impl FromRawSlow for $t {
            #[inline(never)]
            fn from_raw_slow(arg: RawArg, _: &Lua) -> Result<Self> {
                if let Raw::Int(i) = arg.0 {
                    #[allow(irrefutable_let_patterns)]
                    if let Ok(x) = <$t>::try_from(i) {
                        return Ok(x);
                    }
                }
                match raw_integer(arg.0) {
                    Ok(i) => <$t>::try_from(i).map_err(|_| {
                        Error::from_conv(arg.type_name(), stringify!($t), Some("out of range".into()))
                    }),
                    Err(m) => Err(Error::from_conv(
                        arg.type_name(),
                        stringify!($t),
                        m.map(String::from),
                    )),
                }
            }
        }
    )*};
}

int_impls!(i8 u8 i16 u16 i32 u32 i64 u64 isize usize i128 u128);

macro_rules! float_impls {
    ($($t:ty)*) => {$(
        impl IntoLua for $t {
            #[inline]
            fn into_lua(self, _: &Lua) -> Result<Value> {
                Ok(Value::Number(self as f64))
            }
            const DIRECT: bool = true;
            #[inline(always)]
            fn into_raw_direct(self, _: &mut VmCx<'_>) -> Result<RawArg> {
                Ok(RawArg(Raw::Num(self as f64)))
            }
        }

        impl FromLua for $t {
            const DIRECT: bool = true;
            #[inline]
            fn from_lua(v: Value, lua: &Lua) -> Result<Self> {
                match v {
                    Value::Integer(i) => Ok(i as $t),
                    Value::Number(n) => Ok(n as $t),
                    Value::String(ref s) => Self::from_raw_arg(RawArg(s.0.raw()), lua),
                    v => Err(Error::from_conv(v.type_name(), stringify!($t), None)),
                }
            }

            #[inline]
            fn from_raw_arg(arg: RawArg, _: &Lua) -> Result<Self> {
                match raw_number(arg.0) {
                    Some(Raw::Int(i)) => Ok(i as $t),
                    Some(Raw::Num(n)) => Ok(n as $t),
                    _ => Err(Error::from_conv(arg.type_name(), stringify!($t), None)),
                }
            }
        }
    )*};
}

float_impls!(f32 f64);

/// The bytes of a string or number (Lua's string coercion).
fn raw_bytes(v: Raw, f: impl FnOnce(&[u8]) -> Result<String>) -> Option<Result<String>> {
    match v {
        Raw::Str(s) => Some(f(s.as_bytes())),
        Raw::Int(_) | Raw::Num(_) => {
            let mut b = Vec::new();
            match v {
                Raw::Int(i) => crate::stdlib::numfmt::write_int(&mut b, i),
                Raw::Num(n) => crate::stdlib::numfmt::write_float(&mut b, n),
                _ => {}
            }
            Some(f(&b))
        }
        _ => None,
    }
}

fn utf8_string(b: &[u8]) -> Result<String> {
    std::str::from_utf8(b)
        .map(str::to_owned)
        .map_err(|e| Error::from_conv("string", "String", Some(e.to_string())))
}

impl FromLua for String {
    const DIRECT: bool = true;
    fn from_lua(v: Value, lua: &Lua) -> Result<Self> {
        match &v {
            Value::String(s) => Self::from_raw_arg(RawArg(s.0.raw()), lua),
            Value::Integer(i) => Ok(i.to_string()),
            Value::Number(_) => v.to_string(),
            _ => Err(Error::from_conv(v.type_name(), "String", None)),
        }
    }

    #[inline]
    fn from_raw_arg(arg: RawArg, _: &Lua) -> Result<Self> {
        raw_bytes(arg.0, utf8_string)
            .unwrap_or_else(|| Err(Error::from_conv(arg.type_name(), "String", None)))
    }
}

macro_rules! string_impls {
    ($($t:ty),*) => {$(
        impl IntoLua for $t {
            #[inline]
            fn into_lua(self, lua: &Lua) -> Result<Value> {
                Ok(Value::String(lua.create_string(self)?))
            }
            const DIRECT: bool = true;
            #[inline]
            fn into_raw_direct(self, cx: &mut VmCx<'_>) -> Result<RawArg> {
                cx.string(self.as_bytes())
            }
        }
    )*};
}

string_impls!(String, &str, &String);

impl IntoLua for std::borrow::Cow<'_, str> {
    fn into_lua(self, lua: &Lua) -> Result<Value> {
        Ok(Value::String(lua.create_string(self.as_bytes())?))
    }
}

impl IntoLua for Box<str> {
    fn into_lua(self, lua: &Lua) -> Result<Value> {
        Ok(Value::String(lua.create_string(self.as_bytes())?))
    }
}

impl IntoLua for char {
    fn into_lua(self, lua: &Lua) -> Result<Value> {
        let mut b = [0; 4];
        Ok(Value::String(lua.create_string(self.encode_utf8(&mut b))?))
    }
}

impl FromLua for LuaString {
    fn from_lua(v: Value, lua: &Lua) -> Result<Self> {
        match v {
            Value::String(s) => Ok(s),
            Value::Integer(_) | Value::Number(_) => lua.create_string(v.to_string()?),
            v => Err(Error::from_conv(v.type_name(), "string", None)),
        }
    }
}

macro_rules! handle_impls {
    ($($t:ident $variant:ident $name:literal;)*) => {$(
        impl IntoLua for $t {
            #[inline]
            fn into_lua(self, _: &Lua) -> Result<Value> {
                Ok(Value::$variant(self))
            }
        }

        impl IntoLua for &$t {
            #[inline]
            fn into_lua(self, _: &Lua) -> Result<Value> {
                Ok(Value::$variant(self.clone()))
            }
        }
    )*};
}

handle_impls! {
    LuaString String "string";
    Table Table "table";
    Function Function "function";
    Thread Thread "thread";
    AnyUserData UserData "userdata";
    LightUserData LightUserData "lightuserdata";
}

macro_rules! handle_from {
    ($($t:ident $variant:ident $name:literal;)*) => {$(
        impl FromLua for $t {
            #[inline]
            fn from_lua(v: Value, _: &Lua) -> Result<Self> {
                match v {
                    Value::$variant(h) => Ok(h),
                    v => Err(Error::from_conv(v.type_name(), $name, None)),
                }
            }
        }
    )*};
}

handle_from! {
    Table Table "table";
    Function Function "function";
    Thread Thread "thread";
    AnyUserData UserData "userdata";
    LightUserData LightUserData "lightuserdata";
}

impl<T: IntoLua> IntoLua for Option<T> {
    #[inline]
    fn into_lua(self, lua: &Lua) -> Result<Value> {
        match self {
            Some(v) => v.into_lua(lua),
            None => Ok(Value::Nil),
        }
    }
    const DIRECT: bool = T::DIRECT;
    #[inline]
    fn into_raw_direct(self, cx: &mut VmCx<'_>) -> Result<RawArg> {
        match self {
            Some(v) => v.into_raw_direct(cx),
            None => Ok(RawArg(Raw::Nil)),
        }
    }
}

impl<T: FromLua> FromLua for Option<T> {
    const DIRECT: bool = T::DIRECT;
    #[inline]
    fn from_lua(v: Value, lua: &Lua) -> Result<Self> {
        match v {
            Value::Nil => Ok(None),
            v => T::from_lua(v, lua).map(Some),
        }
    }
    #[inline]
    fn from_raw_arg(arg: RawArg, lua: &Lua) -> Result<Self> {
        match arg.0 {
            Raw::Nil => Ok(None),
            _ => T::from_raw_arg(arg, lua).map(Some),
        }
    }
}

impl<T: IntoLua> IntoLua for Vec<T> {
    fn into_lua(self, lua: &Lua) -> Result<Value> {
        Ok(Value::Table(lua.create_sequence_from(self)?))
    }
}

impl<T: IntoLua + Clone> IntoLua for &[T] {
    fn into_lua(self, lua: &Lua) -> Result<Value> {
        Ok(Value::Table(
            lua.create_sequence_from(self.iter().cloned())?,
        ))
    }
}

impl<T: IntoLua, const N: usize> IntoLua for [T; N] {
    fn into_lua(self, lua: &Lua) -> Result<Value> {
        Ok(Value::Table(lua.create_sequence_from(self)?))
    }
}

impl<T: FromLua> FromLua for Vec<T> {
    /// A sequence table (raw `t[1] .. t[#t]`).
    fn from_lua(v: Value, _: &Lua) -> Result<Self> {
        match v {
            Value::Table(t) => t.sequence_values().collect(),
            v => Err(Error::from_conv(
                v.type_name(),
                "Vec",
                Some("expected table".into()),
            )),
        }
    }
}

impl<K: IntoLua, V: IntoLua, S> IntoLua for HashMap<K, V, S> {
    fn into_lua(self, lua: &Lua) -> Result<Value> {
        Ok(Value::Table(lua.create_table_from(self)?))
    }
}

impl<K: FromLua + Eq + Hash, V: FromLua, S: BuildHasher + Default> FromLua for HashMap<K, V, S> {
    fn from_lua(v: Value, _: &Lua) -> Result<Self> {
        match v {
            Value::Table(t) => t.pairs().collect(),
            v => Err(Error::from_conv(
                v.type_name(),
                "HashMap",
                Some("expected table".into()),
            )),
        }
    }
}

impl<K: IntoLua, V: IntoLua> IntoLua for BTreeMap<K, V> {
    fn into_lua(self, lua: &Lua) -> Result<Value> {
        Ok(Value::Table(lua.create_table_from(self)?))
    }
}

impl<K: FromLua + Ord, V: FromLua> FromLua for BTreeMap<K, V> {
    fn from_lua(v: Value, _: &Lua) -> Result<Self> {
        match v {
            Value::Table(t) => t.pairs().collect(),
            v => Err(Error::from_conv(
                v.type_name(),
                "BTreeMap",
                Some("expected table".into()),
            )),
        }
    }
}

impl<T: UserData + Send + 'static> IntoLua for T {
    /// A userdata holding the value (see [`Lua::create_userdata`]).
    fn into_lua(self, lua: &Lua) -> Result<Value> {
        Ok(Value::UserData(lua.create_userdata(self)?))
    }
}

impl<T: 'static> FromLua for UserDataRef<T> {
    fn from_lua(v: Value, _: &Lua) -> Result<Self> {
        match v {
            Value::UserData(u) => u.borrow::<T>(),
            v => Err(Error::from_conv(v.type_name(), "userdata", None)),
        }
    }
}

impl<T: 'static> FromLua for UserDataRefMut<T> {
    fn from_lua(v: Value, _: &Lua) -> Result<Self> {
        match v {
            Value::UserData(u) => u.borrow_mut::<T>(),
            v => Err(Error::from_conv(v.type_name(), "userdata", None)),
        }
    }
}

impl IntoLua for Error {
    fn into_lua(self, _: &Lua) -> Result<Value> {
        Ok(Value::Error(Box::new(self)))
    }
}
