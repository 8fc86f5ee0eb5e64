//! Runtime values and the heap objects they refer to.

mod function;
mod ordmap;
pub(crate) mod seed;
mod string;
mod table;
mod userdata;

pub use function::{
    ForwardFn, HostFn, LuaClosure, NativeClosure, NativeFn, NativeKind, ProtoInst, UpVal,
    UpValState,
};
pub use string::{hash_bytes, LuaStr, StrTable, MAX_SHORT};
pub use table::{Key, Table};
pub use userdata::UserData;

use crate::heap::Gc;
use crate::vm::thread::Thread;

/// A Lua value: 16 bytes, `Copy`.
///
/// Integers and floats are distinct subtypes as in Lua 5.4. Heap values are handles
/// into the State's garbage-collected heap.
///
/// ```ignore
/// use mani::value::Value;
/// assert!(Value::Int(3).is_truthy());
/// assert!(!Value::Nil.is_truthy());
/// assert_eq!(std::mem::size_of::<Value>(), 16);
/// ```
// `repr(C, u8)` puts every payload in one 8-byte-aligned union after the tag, so
// copying a value moves two aligned words; the default layout placed `Bool` at byte 1
// and made copies use overlapping unaligned moves that defeat store forwarding.
#[derive(Clone, Copy, Debug, Default)]
#[repr(C, u8)]
pub enum Value {
    #[default]
    Nil,
    Bool(bool),
    Int(i64),
    Num(f64),
    Str(Gc<LuaStr>),
    Table(Gc<Table>),
    LuaFn(Gc<LuaClosure>),
    NatFn(Gc<NativeClosure>),
    UData(Gc<UserData>),
    Thread(Gc<Thread>),
    /// A light userdata: an opaque word compared by value (lua5.4's `void*`; here
    /// only `debug.upvalueid` and the host make them, and nothing dereferences one).
    LightUd(usize),
}

impl Value {
    /// Lua truthiness: only `nil` and `false` are false.
    #[inline(always)]
    pub fn is_truthy(&self) -> bool {
        !matches!(self, Value::Nil | Value::Bool(false))
    }

    /// True for `nil`.
    #[inline(always)]
    pub fn is_nil(&self) -> bool {
        matches!(self, Value::Nil)
    }

    /// The name `type()` returns for this value.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Nil => "nil",
            Value::Bool(_) => "boolean",
            Value::Int(_) | Value::Num(_) => "number",
            Value::Str(_) => "string",
            Value::Table(_) => "table",
            Value::LuaFn(_) | Value::NatFn(_) => "function",
            Value::UData(_) | Value::LightUd(_) => "userdata",
            Value::Thread(_) => "thread",
        }
    }

    /// Primitive equality (`rawequal`): no metamethods.
    #[inline]
    pub fn raw_eq(&self, other: &Value) -> bool {
        match (self, other) {
            (Value::Nil, Value::Nil) => true,
            (Value::Bool(a), Value::Bool(b)) => a == b,
            (Value::Int(a), Value::Int(b)) => a == b,
            (Value::Num(a), Value::Num(b)) => a == b,
            (Value::Int(a), Value::Num(b)) | (Value::Num(b), Value::Int(a)) => {
                crate::vm::arith::int_eq_float(*a, *b)
            }
            (Value::Str(a), Value::Str(b)) => LuaStr::same(*a, *b),
            (Value::Table(a), Value::Table(b)) => a == b,
            (Value::LuaFn(a), Value::LuaFn(b)) => a == b,
            (Value::NatFn(a), Value::NatFn(b)) => a == b,
            (Value::UData(a), Value::UData(b)) => a == b,
            (Value::Thread(a), Value::Thread(b)) => a == b,
            (Value::LightUd(a), Value::LightUd(b)) => a == b,
            _ => false,
        }
    }

    /// The same value: heap objects by identity, floats by bits (a NaN is itself).
    /// Unlike [`raw_eq`](Self::raw_eq) it never reads an object (two long strings
    /// with equal contents made apart differ), so either side may be a stale handle.
    #[inline]
    pub fn identical(&self, other: &Value) -> bool {
        match (self, other) {
            (Value::Str(a), Value::Str(b)) => a == b,
            (Value::Num(a), Value::Num(b)) => a.to_bits() == b.to_bits(),
            // The other kinds compare without reading objects; 1 and 1.0 differ.
            _ => {
                std::mem::discriminant(self) == std::mem::discriminant(other) && self.raw_eq(other)
            }
        }
    }

    /// The string bytes, if this is a string.
    #[inline]
    pub fn as_str(&self) -> Option<&[u8]> {
        match self {
            Value::Str(s) => Some(s.get().as_bytes()),
            _ => None,
        }
    }

    /// Marks the referenced object (if any) for the collector.
    #[inline]
    pub fn obj_ref(&self) -> Option<crate::heap::ObjRef> {
        use crate::heap::ObjRef;
        match *self {
            Value::Str(g) => Some(ObjRef::Str(g)),
            Value::Table(g) => Some(ObjRef::Table(g)),
            Value::LuaFn(g) => Some(ObjRef::LuaFn(g)),
            Value::NatFn(g) => Some(ObjRef::NatFn(g)),
            Value::UData(g) => Some(ObjRef::UData(g)),
            Value::Thread(g) => Some(ObjRef::Thread(g)),
            _ => None,
        }
    }
}
