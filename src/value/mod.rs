//! Runtime values and the heap objects they refer to.

mod function;
mod ordmap;
pub(crate) mod seed;
mod string;
mod table;
mod userdata;

pub use function::{
    ForwardFn, HostFn, LuaClosure, NativeClosure, NativeFn, NativeKind, ProtoInst, UpVal,
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
    Nil = 0,
    Bool(bool) = 1,
    Int(i64) = TAG_INT,
    Num(f64) = TAG_NUM,
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

const TAG_INT: u8 = 2;
const TAG_NUM: u8 = 3;

/// Writes a value given as its tag and payload words with one 16-byte store.
///
/// A value written as a tag byte and a payload word cannot be forwarded to the
/// 16-byte load that copies it next (a `MOVE`, a table store), and the load waits
/// for both stores to retire; one store of the whole value forwards to any later
/// load inside it. Bytes 1..8 (padding) are written as zeros.
///
/// # Safety
/// `dst` must be valid for writing a `Value`, and `(tag, payload)` must be the
/// tag and payload of a valid value (the callers pass an integer or float).
#[inline(always)]
unsafe fn write_words(dst: *mut Value, tag: u8, payload: u64) {
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::{__m128i, _mm_set_epi64x, _mm_storeu_si128};
        // SAFETY: SSE2 is part of the x86_64 baseline; the caller vouches for
        // `dst`, and an unaligned store needs no alignment.
        unsafe {
            _mm_storeu_si128(
                dst as *mut __m128i,
                _mm_set_epi64x(payload as i64, tag as i64),
            )
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    // SAFETY: as above; `Value` is 16 bytes, aligned to 8.
    unsafe {
        (dst as *mut [u64; 2]).write([tag as u64, payload])
    }
}

impl Value {
    /// Stores `Value::Int(x)` at `dst` with one 16-byte store (see [`write_words`]).
    ///
    /// # Safety
    /// `dst` must be valid for writing a `Value`.
    #[inline(always)]
    pub(crate) unsafe fn write_int(dst: *mut Value, x: i64) {
        // SAFETY: the caller vouches for `dst`; tag and payload make `Int(x)`.
        unsafe { write_words(dst, TAG_INT, x as u64) }
    }

    /// Stores `Value::Num(x)` at `dst` with one 16-byte store (see [`write_words`]).
    ///
    /// # Safety
    /// `dst` must be valid for writing a `Value`.
    #[inline(always)]
    pub(crate) unsafe fn write_num(dst: *mut Value, x: f64) {
        // SAFETY: the caller vouches for `dst`; tag and payload make `Num(x)`.
        unsafe { write_words(dst, TAG_NUM, x.to_bits()) }
    }

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

#[cfg(test)]
mod tests {
    use super::*;

    // The whole-value stores must produce exactly the values they stand for, over
    // a slot that held something of another kind (its padding bytes differ).
    #[test]
    fn whole_word_stores_make_the_same_values() {
        let mut slot = [Value::Bool(true), Value::Nil];
        for x in [0i64, -1, 42, i64::MIN, i64::MAX] {
            // SAFETY: `slot[0]` is a valid, writable value.
            unsafe { Value::write_int(&mut slot[0], x) };
            assert!(matches!(slot[0], Value::Int(y) if y == x));
            assert!(slot[1].is_nil());
        }
        for x in [
            0.0f64,
            -0.0,
            1.5,
            f64::NAN,
            f64::INFINITY,
            f64::MIN_POSITIVE,
        ] {
            // SAFETY: as above.
            unsafe { Value::write_num(&mut slot[0], x) };
            assert!(matches!(slot[0], Value::Num(y) if y.to_bits() == x.to_bits()));
            assert!(slot[1].is_nil());
        }
        // A copy of a value stored this way is the same value.
        let copy = slot[0];
        assert!(copy.identical(&slot[0]));
    }
}
