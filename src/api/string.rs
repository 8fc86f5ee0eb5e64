//! [`LuaString`]: a handle to a Lua string (bytes, not necessarily UTF-8).

use super::state::Cells;
use super::value::Ref;
use super::{Error, Result};
use crate::value::Value as Raw;
use parking_lot::ReentrantMutexGuard;
use std::fmt;

/// A handle to a Lua string.
///
/// ```
/// let lua = mani::Lua::new();
/// let s = lua.create_string("héllo").unwrap();
/// assert_eq!(&*s.to_str().unwrap(), "héllo");
/// assert_eq!(s.as_bytes().len(), 6);
/// ```
#[derive(Clone, PartialEq)]
pub struct LuaString(pub(crate) Ref);

impl LuaString {
    fn with_bytes<R>(&self, f: impl FnOnce(&[u8]) -> R) -> R {
        let _g = self.0.lua.s.lock();
        match self.0.raw() {
            Raw::Str(s) => f(s.as_bytes()),
            _ => f(b""),
        }
    }

    /// The bytes, borrowed for as long as the handle.
    fn bytes(&self) -> (ReentrantMutexGuard<'_, Cells>, &[u8]) {
        let g = self.0.lua.s.lock();
        let b: &[u8] = match self.0.raw() {
            // Strings are immutable and this handle keeps the string alive for the
            // borrow of `self`; the lock guard keeps other threads out meanwhile.
            Raw::Str(s) => s.get_static().as_bytes(),
            _ => b"",
        };
        (g, b)
    }

    /// The string as UTF-8, or a conversion error.
    pub fn to_str(&self) -> Result<BorrowedStr<'_>> {
        let (g, b) = self.bytes();
        match std::str::from_utf8(b) {
            Ok(s) => Ok(BorrowedStr { s, _g: g }),
            Err(e) => Err(Error::FromLuaConversionError {
                from: "string",
                to: "&str".into(),
                message: Some(e.to_string()),
            }),
        }
    }

    /// The string as UTF-8, with invalid sequences replaced.
    pub fn to_string_lossy(&self) -> String {
        self.with_bytes(|b| String::from_utf8_lossy(b).into_owned())
    }

    /// The bytes of the string.
    pub fn as_bytes(&self) -> BorrowedBytes<'_> {
        let (g, b) = self.bytes();
        BorrowedBytes { b, _g: g }
    }

    /// A display adapter (lossy UTF-8).
    pub fn display(&self) -> impl fmt::Display + '_ {
        self.to_string_lossy()
    }
}

impl fmt::Debug for LuaString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.to_string_lossy())
    }
}

impl PartialEq<str> for LuaString {
    fn eq(&self, other: &str) -> bool {
        self.with_bytes(|b| b == other.as_bytes())
    }
}

impl PartialEq<&str> for LuaString {
    fn eq(&self, other: &&str) -> bool {
        self.with_bytes(|b| b == other.as_bytes())
    }
}

impl PartialEq<[u8]> for LuaString {
    fn eq(&self, other: &[u8]) -> bool {
        self.with_bytes(|b| b == other)
    }
}

/// A string slice borrowed from a [`LuaString`].
pub struct BorrowedStr<'a> {
    s: &'a str,
    _g: ReentrantMutexGuard<'a, Cells>,
}

impl std::ops::Deref for BorrowedStr<'_> {
    type Target = str;
    fn deref(&self) -> &str {
        self.s
    }
}

impl AsRef<str> for BorrowedStr<'_> {
    fn as_ref(&self) -> &str {
        self.s
    }
}

impl std::borrow::Borrow<str> for BorrowedStr<'_> {
    fn borrow(&self) -> &str {
        self.s
    }
}

impl fmt::Display for BorrowedStr<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.s)
    }
}

impl fmt::Debug for BorrowedStr<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.s, f)
    }
}

impl<T: AsRef<str> + ?Sized> PartialEq<T> for BorrowedStr<'_> {
    fn eq(&self, other: &T) -> bool {
        self.s == other.as_ref()
    }
}

/// Bytes borrowed from a [`LuaString`].
pub struct BorrowedBytes<'a> {
    b: &'a [u8],
    _g: ReentrantMutexGuard<'a, Cells>,
}

impl std::ops::Deref for BorrowedBytes<'_> {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        self.b
    }
}

impl AsRef<[u8]> for BorrowedBytes<'_> {
    fn as_ref(&self) -> &[u8] {
        self.b
    }
}

impl fmt::Debug for BorrowedBytes<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.b, f)
    }
}

impl<T: AsRef<[u8]> + ?Sized> PartialEq<T> for BorrowedBytes<'_> {
    fn eq(&self, other: &T) -> bool {
        self.b == other.as_ref()
    }
}
