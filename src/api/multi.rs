//! Several values at once: [`MultiValue`], [`Variadic`], and the multi-value
//! conversion traits (arguments and results).

use super::conv::{RawArg, VmCx};
use super::{Error, FromLua, IntoLua, Lua, Nil, Result, Value};
use smallvec::SmallVec;
use std::collections::VecDeque;
use std::ops::{Deref, DerefMut};

/// Values in transit between the host and a call (no allocation for a few).
#[doc(hidden)]
pub struct ValBuf(pub(crate) SmallVec<[Value; 6]>);

impl ValBuf {
    pub(crate) fn new() -> Self {
        ValBuf(SmallVec::new())
    }

    /// Appends a value.
    #[inline]
    pub fn push(&mut self, v: Value) {
        self.0.push(v)
    }
}

/// Results being read back into Rust values, first to last.
#[doc(hidden)]
pub struct ValIter<'a>(pub(crate) smallvec::Drain<'a, [Value; 6]>);

impl ValIter<'_> {
    /// The next value, or `nil` past the end (as Lua adjusts results).
    #[inline]
    pub fn next_or_nil(&mut self) -> Value {
        self.0.next().unwrap_or(Nil)
    }

    fn rest(&mut self) -> MultiValue {
        MultiValue(self.0.by_ref().collect())
    }
}

/// The raw value at `*pos` (`nil` past the end, as Lua adjusts lists); advances.
#[inline(always)]
fn next_raw(vals: &[crate::value::Value], pos: &mut usize) -> RawArg {
    let v = vals.get(*pos).copied().unwrap_or_default();
    *pos += 1;
    RawArg(v)
}

/// A callback's arguments, still as the VM holds them (rooted by its stack for the
/// duration of the call).
#[doc(hidden)]
pub struct RawArgs {
    pub(crate) vals: SmallVec<[crate::value::Value; 8]>,
    pub(crate) pos: usize,
}

impl RawArgs {
    #[inline]
    fn next(&mut self) -> RawArg {
        next_raw(&self.vals, &mut self.pos)
    }

    fn rest(&mut self, lua: &Lua) -> MultiValue {
        let out = self.vals[self.pos.min(self.vals.len())..]
            .iter()
            .map(|v| super::value::to_public(&lua.s, *v))
            .collect();
        self.pos = self.vals.len();
        MultiValue(out)
    }
}

/// Raw values converted inside an access (direct conversions of built-in types).
#[doc(hidden)]
pub struct RawBuf(pub(crate) SmallVec<[crate::value::Value; 8]>);

/// Raw results read inside an access, first to last.
#[doc(hidden)]
pub struct RawResults<'a> {
    pub(crate) vals: &'a [crate::value::Value],
    pub(crate) pos: usize,
}

impl RawResults<'_> {
    #[inline(always)]
    fn next(&mut self) -> RawArg {
        next_raw(self.vals, &mut self.pos)
    }
}

/// Any number of Lua values (arguments or results), mlua's `MultiValue`: a
/// `VecDeque<Value>` underneath.
///
/// ```
/// use mani::{Lua, MultiValue};
/// let lua = Lua::new();
/// let r: MultiValue = lua.load("return 1, 2, 3").eval().unwrap();
/// assert_eq!(r.len(), 3);
/// ```
#[derive(Debug, Clone, Default)]
pub struct MultiValue(VecDeque<Value>);

impl MultiValue {
    /// An empty list.
    pub const fn new() -> Self {
        MultiValue(VecDeque::new())
    }
    /// An empty list with room for `n` values.
    pub fn with_capacity(n: usize) -> Self {
        MultiValue(VecDeque::with_capacity(n))
    }
    /// From a vector, first value first.
    pub fn from_vec(v: Vec<Value>) -> Self {
        MultiValue(v.into())
    }
    /// Into a vector, first value first.
    pub fn into_vec(self) -> Vec<Value> {
        self.0.into()
    }
}

impl Deref for MultiValue {
    type Target = VecDeque<Value>;
    fn deref(&self) -> &VecDeque<Value> {
        &self.0
    }
}

impl DerefMut for MultiValue {
    fn deref_mut(&mut self) -> &mut VecDeque<Value> {
        &mut self.0
    }
}

impl FromIterator<Value> for MultiValue {
    fn from_iter<I: IntoIterator<Item = Value>>(iter: I) -> Self {
        MultiValue(iter.into_iter().collect())
    }
}

impl IntoIterator for MultiValue {
    type Item = Value;
    type IntoIter = std::collections::vec_deque::IntoIter<Value>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl<'a> IntoIterator for &'a MultiValue {
    type Item = &'a Value;
    type IntoIter = std::collections::vec_deque::Iter<'a, Value>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

impl From<Vec<Value>> for MultiValue {
    fn from(v: Vec<Value>) -> Self {
        MultiValue::from_vec(v)
    }
}

impl From<MultiValue> for Vec<Value> {
    fn from(v: MultiValue) -> Self {
        v.into_vec()
    }
}

/// Any number of values of one type, for the tail of an argument or result list.
///
/// ```
/// use mani::{Lua, Variadic};
/// let lua = Lua::new();
/// let sum = lua.create_function(|_, xs: Variadic<i64>| Ok(xs.iter().sum::<i64>())).unwrap();
/// assert_eq!(sum.call::<i64>((1, 2, 3)).unwrap(), 6);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Variadic<T>(Vec<T>);

impl<T> Variadic<T> {
    /// An empty list.
    pub const fn new() -> Self {
        Variadic(Vec::new())
    }
    /// An empty list with room for `n` values.
    pub fn with_capacity(n: usize) -> Self {
        Variadic(Vec::with_capacity(n))
    }
}

impl<T> Deref for Variadic<T> {
    type Target = Vec<T>;
    fn deref(&self) -> &Vec<T> {
        &self.0
    }
}

impl<T> DerefMut for Variadic<T> {
    fn deref_mut(&mut self) -> &mut Vec<T> {
        &mut self.0
    }
}

impl<T> From<Vec<T>> for Variadic<T> {
    fn from(v: Vec<T>) -> Self {
        Variadic(v)
    }
}

impl<T> From<Variadic<T>> for Vec<T> {
    fn from(v: Variadic<T>) -> Self {
        v.0
    }
}

impl<T> FromIterator<T> for Variadic<T> {
    fn from_iter<I: IntoIterator<Item = T>>(iter: I) -> Self {
        Variadic(iter.into_iter().collect())
    }
}

impl<T> IntoIterator for Variadic<T> {
    type Item = T;
    type IntoIter = std::vec::IntoIter<T>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

/// Converts a Rust value into any number of Lua values (call arguments, callback
/// results).
pub trait IntoLuaMulti: Sized {
    /// Performs the conversion.
    fn into_lua_multi(self, lua: &Lua) -> Result<MultiValue>;

    #[doc(hidden)]
    #[inline]
    fn push_into(self, lua: &Lua, buf: &mut ValBuf) -> Result<()> {
        buf.0.extend(self.into_lua_multi(lua)?);
        Ok(())
    }

    /// True if every value converts inside an access ([`IntoLua::DIRECT`]).
    #[doc(hidden)]
    const DIRECT: bool = false;

    /// The conversion inside an access (only called when `DIRECT`).
    #[doc(hidden)]
    fn push_direct(self, _cx: &mut VmCx<'_>, _out: &mut RawBuf) -> Result<()> {
        unreachable!("push_direct called on a type that is not DIRECT")
    }
}

/// Converts any number of Lua values (call results, callback arguments) into a Rust
/// value.
pub trait FromLuaMulti: Sized {
    /// Performs the conversion.
    fn from_lua_multi(values: MultiValue, lua: &Lua) -> Result<Self>;

    #[doc(hidden)]
    #[inline]
    fn from_buf(it: &mut ValIter<'_>, lua: &Lua) -> Result<Self> {
        Self::from_lua_multi(it.rest(), lua)
    }

    #[doc(hidden)]
    #[inline]
    fn from_raw_args(args: &mut RawArgs, lua: &Lua) -> Result<Self> {
        let first = args.pos + 1;
        Self::from_lua_multi(args.rest(lua), lua).map_err(|e| bad_argument(first, e))
    }

    /// True if every value converts inside an access ([`FromLua::DIRECT`]).
    #[doc(hidden)]
    const DIRECT: bool = false;

    /// The conversion inside an access (only called when `DIRECT`).
    #[doc(hidden)]
    fn from_direct(_r: &mut RawResults<'_>, _lua: &Lua) -> Result<Self> {
        unreachable!("from_direct called on a type that is not DIRECT")
    }
}

pub(crate) fn bad_argument(pos: usize, e: Error) -> Error {
    match e {
        e @ Error::BadArgument { .. } => e,
        e if e.limit().is_some() => e,
        e => Error::BadArgument {
            to: None,
            pos,
            name: None,
            cause: std::sync::Arc::new(e),
        },
    }
}

impl<T: IntoLua> IntoLuaMulti for T {
    #[inline]
    fn into_lua_multi(self, lua: &Lua) -> Result<MultiValue> {
        let mut m = MultiValue::with_capacity(1);
        m.push_back(self.into_lua(lua)?);
        Ok(m)
    }

    #[inline]
    fn push_into(self, lua: &Lua, buf: &mut ValBuf) -> Result<()> {
        buf.0.push(self.into_lua(lua)?);
        Ok(())
    }

    const DIRECT: bool = T::DIRECT;

    #[inline(always)]
    fn push_direct(self, cx: &mut VmCx<'_>, out: &mut RawBuf) -> Result<()> {
        out.0.push(self.into_raw_direct(cx)?.0);
        Ok(())
    }
}

impl<T: FromLua> FromLuaMulti for T {
    #[inline]
    fn from_lua_multi(mut values: MultiValue, lua: &Lua) -> Result<Self> {
        T::from_lua(values.pop_front().unwrap_or(Nil), lua)
    }

    #[inline]
    fn from_buf(it: &mut ValIter<'_>, lua: &Lua) -> Result<Self> {
        T::from_lua(it.next_or_nil(), lua)
    }

    #[inline]
    fn from_raw_args(args: &mut RawArgs, lua: &Lua) -> Result<Self> {
        let pos = args.pos + 1;
        T::from_raw_arg(args.next(), lua).map_err(|e| bad_argument(pos, e))
    }

    const DIRECT: bool = T::DIRECT;

    #[inline(always)]
    fn from_direct(r: &mut RawResults<'_>, lua: &Lua) -> Result<Self> {
        T::from_raw_arg(r.next(), lua)
    }
}

impl IntoLuaMulti for MultiValue {
    #[inline]
    fn into_lua_multi(self, _: &Lua) -> Result<MultiValue> {
        Ok(self)
    }
}

impl FromLuaMulti for MultiValue {
    #[inline]
    fn from_lua_multi(values: MultiValue, _: &Lua) -> Result<Self> {
        Ok(values)
    }
}

impl<T: IntoLua> IntoLuaMulti for Variadic<T> {
    fn into_lua_multi(self, lua: &Lua) -> Result<MultiValue> {
        self.0.into_iter().map(|v| v.into_lua(lua)).collect()
    }

    fn push_into(self, lua: &Lua, buf: &mut ValBuf) -> Result<()> {
        for v in self.0 {
            buf.0.push(v.into_lua(lua)?);
        }
        Ok(())
    }
}

impl<T: FromLua> FromLuaMulti for Variadic<T> {
    fn from_lua_multi(values: MultiValue, lua: &Lua) -> Result<Self> {
        values.into_iter().map(|v| T::from_lua(v, lua)).collect()
    }

    fn from_raw_args(args: &mut RawArgs, lua: &Lua) -> Result<Self> {
        let mut out = Vec::with_capacity(args.vals.len().saturating_sub(args.pos));
        while args.pos < args.vals.len() {
            let pos = args.pos + 1;
            out.push(T::from_raw_arg(args.next(), lua).map_err(|e| bad_argument(pos, e))?);
        }
        Ok(Variadic(out))
    }
}

impl<T: IntoLua, E: IntoLua> IntoLuaMulti for std::result::Result<T, E> {
    /// `Ok(v)` is `v`; `Err(e)` is `nil, e` (Lua's failure convention).
    fn into_lua_multi(self, lua: &Lua) -> Result<MultiValue> {
        let mut m = MultiValue::new();
        match self {
            Ok(v) => m.push_back(v.into_lua(lua)?),
            Err(e) => {
                m.push_back(Nil);
                m.push_back(e.into_lua(lua)?);
            }
        }
        Ok(m)
    }
}

impl IntoLuaMulti for () {
    #[inline]
    fn into_lua_multi(self, _: &Lua) -> Result<MultiValue> {
        Ok(MultiValue::new())
    }
    #[inline]
    fn push_into(self, _: &Lua, _: &mut ValBuf) -> Result<()> {
        Ok(())
    }
    const DIRECT: bool = true;
    #[inline(always)]
    fn push_direct(self, _: &mut VmCx<'_>, _: &mut RawBuf) -> Result<()> {
        Ok(())
    }
}

impl FromLuaMulti for () {
    #[inline]
    fn from_lua_multi(_: MultiValue, _: &Lua) -> Result<Self> {
        Ok(())
    }
    #[inline]
    fn from_buf(_: &mut ValIter<'_>, _: &Lua) -> Result<Self> {
        Ok(())
    }
    #[inline]
    fn from_raw_args(_: &mut RawArgs, _: &Lua) -> Result<Self> {
        Ok(())
    }
    const DIRECT: bool = true;
    #[inline(always)]
    fn from_direct(_: &mut RawResults<'_>, _: &Lua) -> Result<Self> {
        Ok(())
    }
}

macro_rules! tuple_impls {
    ($($head:ident)* ; $last:ident) => {
        impl<$($head: IntoLua,)* $last: IntoLuaMulti> IntoLuaMulti for ($($head,)* $last,) {
            #[allow(non_snake_case)]
            fn into_lua_multi(self, lua: &Lua) -> Result<MultiValue> {
                let mut buf = ValBuf::new();
                self.push_into(lua, &mut buf)?;
                Ok(MultiValue(buf.0.into_iter().collect()))
            }

            #[allow(non_snake_case)]
            #[inline]
            fn push_into(self, lua: &Lua, buf: &mut ValBuf) -> Result<()> {
                let ($($head,)* $last,) = self;
                $(buf.0.push($head.into_lua(lua)?);)*
                $last.push_into(lua, buf)
            }

            const DIRECT: bool = $($head::DIRECT &&)* $last::DIRECT;

            #[allow(non_snake_case)]
            #[inline(always)]
            fn push_direct(self, cx: &mut VmCx<'_>, out: &mut RawBuf) -> Result<()> {
                let ($($head,)* $last,) = self;
                $(out.0.push($head.into_raw_direct(cx)?.0);)*
                $last.push_direct(cx, out)
            }
        }

        impl<$($head: FromLua,)* $last: FromLuaMulti> FromLuaMulti for ($($head,)* $last,) {
            #[allow(non_snake_case)]
            fn from_lua_multi(values: MultiValue, lua: &Lua) -> Result<Self> {
                let mut buf: SmallVec<[Value; 6]> = values.into_iter().collect();
                let r = Self::from_buf(&mut ValIter(buf.drain(..)), lua);
                r
            }

            #[allow(non_snake_case)]
            #[inline]
            fn from_buf(it: &mut ValIter<'_>, lua: &Lua) -> Result<Self> {
                $(let $head = $head::from_lua(it.next_or_nil(), lua)?;)*
                let $last = $last::from_buf(it, lua)?;
                Ok(($($head,)* $last,))
            }

            #[allow(non_snake_case)]
            #[inline]
            fn from_raw_args(args: &mut RawArgs, lua: &Lua) -> Result<Self> {
                $(
                    let pos = args.pos + 1;
                    let $head = $head::from_raw_arg(args.next(), lua).map_err(|e| bad_argument(pos, e))?;
                )*
                let $last = $last::from_raw_args(args, lua)?;
                Ok(($($head,)* $last,))
            }

            const DIRECT: bool = $($head::DIRECT &&)* $last::DIRECT;

            #[allow(non_snake_case)]
            #[inline(always)]
            fn from_direct(r: &mut RawResults<'_>, lua: &Lua) -> Result<Self> {
                $(let $head = $head::from_raw_arg(r.next(), lua)?;)*
                let $last = $last::from_direct(r, lua)?;
                Ok(($($head,)* $last,))
            }
        }
    };
}

tuple_impls!(; A);
tuple_impls!(A; B);
tuple_impls!(A B; C);
tuple_impls!(A B C; D);
tuple_impls!(A B C D; E);
tuple_impls!(A B C D E; F);
tuple_impls!(A B C D E F; G);
tuple_impls!(A B C D E F G; H);
tuple_impls!(A B C D E F G H; I);
tuple_impls!(A B C D E F G H I; J);
tuple_impls!(A B C D E F G H I J; K);
tuple_impls!(A B C D E F G H I J K; L);
tuple_impls!(A B C D E F G H I J K L; M);
tuple_impls!(A B C D E F G H I J K L M; N);
tuple_impls!(A B C D E F G H I J K L M N; O);
tuple_impls!(A B C D E F G H I J K L M N O; P);
