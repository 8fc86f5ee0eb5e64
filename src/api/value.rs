//! The host's view of Lua values: [`Value`] and the rooted handle slot behind every
//! handle type.

use super::state::{self, Shared};
use super::{AnyUserData, Error, Function, Lua, LuaString, Result, Table, Thread};
use crate::value::Value as Raw;
use crate::vm::Vm;
use std::fmt;
use std::sync::Arc;

/// A rooted reference to a heap object: a slot in the State's handle roots, so the
/// object stays alive until the handle is dropped. Tied to one State.
pub(crate) struct Ref {
    /// The State, as an uncounted `Lua` so conversions can borrow it for free.
    pub(crate) lua: Lua,
    pub(crate) idx: u32,
}

impl Ref {
    /// Roots `v` in the State of `s`.
    #[inline]
    pub(crate) fn new(s: &Arc<Shared>, v: Raw) -> Ref {
        Ref {
            lua: Lua::uncounted(s.clone()),
            idx: state::root(s, v),
        }
    }

    /// The referenced value.
    #[inline]
    pub(crate) fn raw(&self) -> Raw {
        state::rooted(&self.lua.s, self.idx)
    }

    /// Runs `f` with the State and the referenced value.
    #[inline]
    pub(crate) fn with<R>(&self, f: impl FnOnce(&mut Vm, Raw) -> R) -> R {
        let v = self.raw();
        state::with_vm(&self.lua.s, |vm| f(vm, v))
    }

    /// The value, checked to belong to the State `s`.
    #[inline]
    pub(crate) fn raw_in(&self, s: impl StateId) -> Result<Raw> {
        if !std::ptr::eq(Arc::as_ptr(&self.lua.s), s.ptr()) {
            return Err(Error::mismatched_state());
        }
        Ok(self.raw())
    }

    /// A `Lua` for this handle's State, for conversions (not an owner).
    #[inline(always)]
    pub(crate) fn lua(&self) -> &Lua {
        &self.lua
    }
}

impl Clone for Ref {
    fn clone(&self) -> Ref {
        Ref::new(&self.lua.s, self.raw())
    }
}

impl Drop for Ref {
    fn drop(&mut self) {
        state::unroot(&self.lua.s, self.idx);
    }
}

impl fmt::Debug for Ref {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Ref({})", self.idx)
    }
}

impl PartialEq for Ref {
    /// Primitive equality (`rawequal`) of the referenced values.
    fn eq(&self, other: &Ref) -> bool {
        if !Arc::ptr_eq(&self.lua.s, &other.lua.s) {
            return false;
        }
        self.raw().raw_eq(&other.raw())
    }
}

/// A Lua value as the host sees it: primitives by value, heap objects as rooted
/// handles.
///
/// ```
/// use mani::{Lua, Value};
/// let lua = Lua::new();
/// let v: Value = lua.load("return 1, 'two'").eval::<(Value, Value)>().unwrap().1;
/// assert_eq!(v.type_name(), "string");
/// assert_eq!(v.to_string().unwrap(), "two");
/// ```
#[derive(Clone, Default)]
pub enum Value {
    /// `nil`.
    #[default]
    Nil,
    /// `true` or `false`.
    Boolean(bool),
    /// An integer (Lua 5.4's integer subtype).
    Integer(super::Integer),
    /// A float.
    Number(super::Number),
    /// A string (bytes, not necessarily UTF-8).
    String(LuaString),
    /// A table.
    Table(Table),
    /// A Lua or Rust function.
    Function(Function),
    /// A coroutine.
    Thread(Thread),
    /// A userdata.
    UserData(AnyUserData),
    /// A light userdata: a pointer-sized word (`debug.upvalueid` makes them).
    LightUserData(LightUserData),
    /// A Rust error travelling as a Lua value (what a callback's `Err` becomes).
    Error(Box<Error>),
}

pub use Value::Nil;

/// A light userdata: an opaque pointer, as in mlua. mani never dereferences it: it is
/// stored, compared and hashed as a number, and comes back to the host unchanged.
///
/// ```
/// use mani::{LightUserData, Lua, Value};
/// let lua = Lua::new();
/// let p = LightUserData(8 as *mut std::ffi::c_void);
/// lua.globals().set("p", p).unwrap();
/// let same: bool = lua.load("return p == p and type(p) == 'userdata'").eval().unwrap();
/// assert!(same);
/// assert_eq!(lua.globals().get::<Value>("p").unwrap(), Value::LightUserData(p));
/// ```
#[derive(Debug, Copy, Clone, Eq, PartialEq, Hash)]
pub struct LightUserData(pub *mut std::ffi::c_void);

// SAFETY: mani never dereferences the pointer (it is only copied, compared and
// hashed as an integer), so sharing or sending one between threads can race on
// nothing; a host that dereferences a pointer it gets back does so in its own unsafe
// code. The test `light_userdata_crosses_threads` sends one through a State.
unsafe impl Send for LightUserData {}
unsafe impl Sync for LightUserData {}

impl Value {
    /// The light userdata holding a null pointer (mlua's `Value::NULL`).
    pub const NULL: Value = Value::LightUserData(LightUserData(std::ptr::null_mut()));
}

impl Value {
    /// The name `type()` gives this value.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Nil => "nil",
            Value::Boolean(_) => "boolean",
            Value::Integer(_) => "integer",
            Value::Number(_) => "number",
            Value::String(_) => "string",
            Value::Table(_) => "table",
            Value::Function(_) => "function",
            Value::Thread(_) => "thread",
            Value::LightUserData(_) => "lightuserdata",
            Value::UserData(_) | Value::Error(_) => "userdata",
        }
    }

    /// True for `nil`.
    pub fn is_nil(&self) -> bool {
        matches!(self, Value::Nil)
    }
    /// True for a boolean.
    pub fn is_boolean(&self) -> bool {
        matches!(self, Value::Boolean(_))
    }
    /// The boolean, if this is one.
    pub fn as_boolean(&self) -> Option<bool> {
        match self {
            Value::Boolean(b) => Some(*b),
            _ => None,
        }
    }
    /// True for an integer.
    pub fn is_integer(&self) -> bool {
        matches!(self, Value::Integer(_))
    }
    /// The integer, if this is one.
    pub fn as_integer(&self) -> Option<super::Integer> {
        match self {
            Value::Integer(i) => Some(*i),
            _ => None,
        }
    }
    /// The integer as `i64`.
    pub fn as_i64(&self) -> Option<i64> {
        self.as_integer()
    }
    /// The integer as `i32`, if it fits.
    pub fn as_i32(&self) -> Option<i32> {
        self.as_integer().and_then(|i| i.try_into().ok())
    }
    /// The integer as `u32`, if it fits.
    pub fn as_u32(&self) -> Option<u32> {
        self.as_integer().and_then(|i| i.try_into().ok())
    }
    /// The integer as `u64`, if it fits.
    pub fn as_u64(&self) -> Option<u64> {
        self.as_integer().and_then(|i| i.try_into().ok())
    }
    /// The integer as `usize`, if it fits.
    pub fn as_usize(&self) -> Option<usize> {
        self.as_integer().and_then(|i| i.try_into().ok())
    }
    /// The integer as `isize`, if it fits.
    pub fn as_isize(&self) -> Option<isize> {
        self.as_integer().and_then(|i| i.try_into().ok())
    }
    /// True for a float.
    pub fn is_number(&self) -> bool {
        matches!(self, Value::Number(_))
    }
    /// The float, if this is one.
    pub fn as_number(&self) -> Option<super::Number> {
        match self {
            Value::Number(n) => Some(*n),
            _ => None,
        }
    }
    /// A number (integer or float) as `f64`.
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Integer(i) => Some(*i as f64),
            Value::Number(n) => Some(*n),
            _ => None,
        }
    }
    /// A number as `f32`.
    pub fn as_f32(&self) -> Option<f32> {
        self.as_f64().map(|f| f as f32)
    }
    /// True for a string.
    pub fn is_string(&self) -> bool {
        matches!(self, Value::String(_))
    }
    /// The string handle, if this is a string.
    pub fn as_string(&self) -> Option<&LuaString> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }
    /// The string as UTF-8 (lossily), if this is a string.
    pub fn as_string_lossy(&self) -> Option<String> {
        self.as_string().map(|s| s.to_string_lossy())
    }
    /// True for a table.
    pub fn is_table(&self) -> bool {
        matches!(self, Value::Table(_))
    }
    /// The table handle, if this is a table.
    pub fn as_table(&self) -> Option<&Table> {
        match self {
            Value::Table(t) => Some(t),
            _ => None,
        }
    }
    /// True for a function.
    pub fn is_function(&self) -> bool {
        matches!(self, Value::Function(_))
    }
    /// The function handle, if this is a function.
    pub fn as_function(&self) -> Option<&Function> {
        match self {
            Value::Function(f) => Some(f),
            _ => None,
        }
    }
    /// True for a coroutine.
    pub fn is_thread(&self) -> bool {
        matches!(self, Value::Thread(_))
    }
    /// The coroutine handle, if this is one.
    pub fn as_thread(&self) -> Option<&Thread> {
        match self {
            Value::Thread(t) => Some(t),
            _ => None,
        }
    }
    /// True for a userdata.
    pub fn is_userdata(&self) -> bool {
        matches!(self, Value::UserData(_))
    }
    /// The userdata handle, if this is one.
    pub fn as_userdata(&self) -> Option<&AnyUserData> {
        match self {
            Value::UserData(u) => Some(u),
            _ => None,
        }
    }
    /// True for an error value.
    pub fn is_error(&self) -> bool {
        matches!(self, Value::Error(_))
    }
    /// The error, if this is one.
    pub fn as_error(&self) -> Option<&Error> {
        match self {
            Value::Error(e) => Some(e),
            _ => None,
        }
    }

    /// The handle slot of a heap value.
    pub(crate) fn handle(&self) -> Option<&Ref> {
        match self {
            Value::String(h) => Some(&h.0),
            Value::Table(h) => Some(&h.0),
            Value::Function(h) => Some(&h.0),
            Value::Thread(h) => Some(&h.0),
            Value::UserData(h) => Some(&h.0),
            _ => None,
        }
    }

    /// `tostring(v)`, with `__tostring` and `__name` as in Lua.
    pub fn to_string(&self) -> Result<String> {
        match self {
            Value::Nil => Ok("nil".into()),
            Value::Boolean(b) => Ok(b.to_string()),
            Value::Integer(i) => Ok(i.to_string()),
            Value::LightUserData(p) => Ok(format!("userdata: 0x{:08x}", p.0 as usize)),
            Value::Number(_) | Value::Error(_) => {
                if let Value::Error(e) = self {
                    return Ok(e.to_string());
                }
                let mut b = Vec::new();
                if let Value::Number(n) = self {
                    crate::stdlib::numfmt::write_float(&mut b, *n);
                }
                Ok(String::from_utf8_lossy(&b).into_owned())
            }
            _ => {
                let h = self.handle().expect("heap value");
                let lua = h.lua();
                h.with(|vm, v| {
                    let r = vm.tostring(v).map(|s| {
                        let mut b = Vec::new();
                        vm.append_strnum(&mut b, s);
                        String::from_utf8_lossy(&b).into_owned()
                    });
                    r.map_err(|e| lua.convert_error(vm, e))
                })
            }
        }
    }

    /// Equality with `__eq`, as Lua's `==`.
    pub fn equals(&self, other: &Value) -> Result<bool> {
        let Some(h) = self.handle().or(other.handle()) else {
            return Ok(self == other);
        };
        let lua = h.lua();
        state::with_vm(&lua.s, |vm| {
            let a = to_raw(vm, &lua.s, self)?;
            let b = to_raw(vm, &lua.s, other)?;
            vm.equals(a, b).map_err(|e| lua.convert_error(vm, e))
        })
    }
}

impl PartialEq for Value {
    /// Primitive equality (`rawequal`); integers and floats compare by value.
    fn eq(&self, other: &Value) -> bool {
        match (self, other) {
            (Value::Nil, Value::Nil) => true,
            (Value::Boolean(a), Value::Boolean(b)) => a == b,
            (Value::Integer(a), Value::Integer(b)) => a == b,
            (Value::Number(a), Value::Number(b)) => a == b,
            (Value::Integer(a), Value::Number(b)) | (Value::Number(b), Value::Integer(a)) => {
                crate::vm::arith::int_eq_float(*a, *b)
            }
            (Value::LightUserData(a), Value::LightUserData(b)) => a == b,
            _ => match (self.handle(), other.handle()) {
                (Some(a), Some(b)) => a == b,
                _ => false,
            },
        }
    }
}

impl fmt::Debug for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Nil => write!(f, "Nil"),
            Value::Boolean(b) => write!(f, "Boolean({b})"),
            Value::Integer(i) => write!(f, "Integer({i})"),
            Value::Number(n) => write!(f, "Number({n})"),
            Value::String(s) => write!(f, "String({:?})", s.to_string_lossy()),
            Value::Table(t) => write!(f, "Table({:?})", t.0),
            Value::Function(h) => write!(f, "Function({:?})", h.0),
            Value::Thread(h) => write!(f, "Thread({:?})", h.0),
            Value::UserData(h) => write!(f, "UserData({:?})", h.0),
            Value::LightUserData(p) => write!(f, "LightUserData({:?})", p.0),
            Value::Error(e) => write!(f, "Error({e:?})"),
        }
    }
}

/// The host value for a raw value of the State `s`.
#[inline(always)]
pub(crate) fn to_public(s: &Arc<Shared>, v: Raw) -> Value {
    match v {
        Raw::Nil => Value::Nil,
        Raw::Bool(b) => Value::Boolean(b),
        Raw::Int(i) => Value::Integer(i),
        Raw::Num(n) => Value::Number(n),
        Raw::LightUd(p) => Value::LightUserData(LightUserData(p as *mut std::ffi::c_void)),
        v => heap_to_public(s, v),
    }
}

#[inline(never)]
fn heap_to_public(s: &Arc<Shared>, v: Raw) -> Value {
    match v {
        Raw::Str(_) => Value::String(LuaString(Ref::new(s, v))),
        Raw::Table(_) => Value::Table(Table(Ref::new(s, v))),
        Raw::LuaFn(_) | Raw::NatFn(_) => Value::Function(Function(Ref::new(s, v))),
        Raw::Thread(_) => Value::Thread(Thread(Ref::new(s, v))),
        Raw::UData(u) => match super::userdata::host_error(u) {
            Some(e) => Value::Error(Box::new(e)),
            None => Value::UserData(AnyUserData(Ref::new(s, v))),
        },
        _ => unreachable!("primitive values are converted inline"),
    }
}

/// The raw value for a host value, inside an access to the State `s`; handles must
/// belong to that State.
#[inline(always)]
pub(crate) fn to_raw(vm: &mut Vm, s: impl StateId, v: &Value) -> Result<Raw> {
    Ok(match v {
        Value::Nil => Raw::Nil,
        Value::Boolean(b) => Raw::Bool(*b),
        Value::Integer(i) => Raw::Int(*i),
        Value::Number(n) => Raw::Num(*n),
        Value::LightUserData(p) => Raw::LightUd(p.0 as usize),
        _ => return heap_to_raw(vm, s.ptr(), v),
    })
}

#[inline(never)]
fn heap_to_raw(vm: &mut Vm, s: *const Shared, v: &Value) -> Result<Raw> {
    match v {
        Value::Error(e) => Ok(super::userdata::error_value(vm, (**e).clone())),
        _ => v.handle().expect("heap value").raw_in(s),
    }
}

/// Like [`to_raw`], consuming the value: its handle slot is released right here.
#[inline(always)]
pub(crate) fn into_raw(vm: &mut Vm, s: impl StateId, v: Value) -> Result<Raw> {
    match v {
        Value::Nil => Ok(Raw::Nil),
        Value::Boolean(b) => Ok(Raw::Bool(b)),
        Value::Integer(i) => Ok(Raw::Int(i)),
        Value::Number(n) => Ok(Raw::Num(n)),
        Value::LightUserData(p) => Ok(Raw::LightUd(p.0 as usize)),
        v => heap_into_raw(vm, s.ptr(), v),
    }
}

#[inline(never)]
fn heap_into_raw(vm: &mut Vm, s: *const Shared, mut v: Value) -> Result<Raw> {
    let r = to_raw(vm, s, &v)?;
    if let Some(h) = v.handle_mut() {
        state::unroot(&h.lua.s, h.idx);
        h.idx = u32::MAX;
    }
    Ok(r)
}

impl Value {
    fn handle_mut(&mut self) -> Option<&mut Ref> {
        match self {
            Value::String(h) => Some(&mut h.0),
            Value::Table(h) => Some(&mut h.0),
            Value::Function(h) => Some(&mut h.0),
            Value::Thread(h) => Some(&mut h.0),
            Value::UserData(h) => Some(&mut h.0),
            _ => None,
        }
    }
}

/// Identifies a State for handle checks: its shared state's address.
pub(crate) trait StateId: Copy {
    fn ptr(self) -> *const Shared;
}

impl StateId for *const Shared {
    #[inline(always)]
    fn ptr(self) -> *const Shared {
        self
    }
}

impl StateId for &Shared {
    #[inline(always)]
    fn ptr(self) -> *const Shared {
        self
    }
}

impl StateId for &Arc<Shared> {
    #[inline(always)]
    fn ptr(self) -> *const Shared {
        Arc::as_ptr(self)
    }
}
