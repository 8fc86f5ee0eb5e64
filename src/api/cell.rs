//! [`BorrowCell`]: the `RefCell`-like cell that holds a userdata's Rust value, with
//! borrows that can outlive a Rust scope (a `UserDataRef` handed to the host).
//!
//! Invariants, relied on by the `unsafe` blocks here and in `userdata.rs`:
//!
//! 1. `flag` is 0 when unborrowed, `n > 0` with `n` shared borrows live, `-1` with one
//!    exclusive borrow live. A pointer to the value is handed out only after the flag
//!    was updated to account for it, and the flag is restored when that borrow ends.
//! 2. The value is replaced (`take`) only when the flag is 0.
//! 3. A cell is only touched with its State's lock held (it lives in the heap of one
//!    State), so the flag is never updated from two threads at once.
//! 4. The cell stays at one address while borrows are live: it is boxed inside the
//!    userdata object, which a live borrow keeps reachable.

use std::cell::{Cell, UnsafeCell};

/// A value with a dynamic borrow flag (see the module docs).
pub(crate) struct BorrowCell<T> {
    flag: Cell<isize>,
    value: UnsafeCell<Option<T>>,
}

impl<T> BorrowCell<T> {
    pub(crate) fn new(v: T) -> Self {
        BorrowCell {
            flag: Cell::new(0),
            value: UnsafeCell::new(Some(v)),
        }
    }

    /// Starts a shared borrow: `None` if exclusively borrowed; `Some(None)` if the
    /// value is gone.
    pub(crate) fn try_borrow(&self) -> Option<Option<*const T>> {
        let f = self.flag.get();
        if f < 0 {
            return None;
        }
        // SAFETY: no exclusive borrow is live (flag >= 0), so reading the option is
        // not aliased by a `&mut` (invariant 1).
        let v = unsafe { (*self.value.get()).as_ref() };
        Some(v.map(|v| {
            self.flag.set(f + 1);
            v as *const T
        }))
    }

    /// Starts an exclusive borrow: `None` if borrowed at all; `Some(None)` if the
    /// value is gone.
    pub(crate) fn try_borrow_mut(&self) -> Option<Option<*mut T>> {
        if self.flag.get() != 0 {
            return None;
        }
        // SAFETY: no borrow is live (flag == 0), so this is the only access.
        let v = unsafe { (*self.value.get()).as_mut() };
        Some(v.map(|v| {
            self.flag.set(-1);
            v as *mut T
        }))
    }

    /// Ends a shared borrow started by [`try_borrow`](Self::try_borrow).
    pub(crate) fn release(&self) {
        let f = self.flag.get();
        debug_assert!(f > 0);
        self.flag.set(f - 1);
    }

    /// Ends an exclusive borrow started by [`try_borrow_mut`](Self::try_borrow_mut).
    pub(crate) fn release_mut(&self) {
        debug_assert_eq!(self.flag.get(), -1);
        self.flag.set(0);
    }

    /// Takes the value out: `None` if borrowed (`Err`) or already gone (`Ok(None)`).
    pub(crate) fn take(&self) -> Result<Option<T>, ()> {
        if self.flag.get() != 0 {
            return Err(());
        }
        // SAFETY: invariant 2: unborrowed, so this is the only access.
        Ok(unsafe { (*self.value.get()).take() })
    }

    /// True while any borrow is live.
    pub(crate) fn is_borrowed(&self) -> bool {
        self.flag.get() != 0
    }
}

#[cfg(test)]
mod tests {
    use super::BorrowCell;

    #[test]
    fn shared_and_exclusive_borrows_exclude_each_other() {
        let c = BorrowCell::new(vec![1, 2, 3]);
        let a = c.try_borrow().unwrap().unwrap();
        let b = c.try_borrow().unwrap().unwrap();
        assert!(c.try_borrow_mut().is_none());
        assert!(c.take().is_err());
        // SAFETY: both shared borrows are live and nothing writes.
        assert_eq!(unsafe { (*a).len() + (*b).len() }, 6);
        c.release();
        c.release();
        let m = c.try_borrow_mut().unwrap().unwrap();
        assert!(c.try_borrow().is_none());
        // SAFETY: the exclusive borrow is live and the only one.
        unsafe { (*m).push(4) };
        c.release_mut();
        assert_eq!(c.take().unwrap().unwrap(), vec![1, 2, 3, 4]);
        assert!(c.try_borrow().unwrap().is_none());
    }
}
