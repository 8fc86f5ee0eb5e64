//! The registry ([`RegistryKey`], named values) and host data attached to a State
//! (`set_app_data`).

use super::cell::BorrowCell;
use super::state::Cells;
use super::value::{into_raw, to_public, Ref};
use super::{Error, FromLua, IntoLua, Lua, Result};
use parking_lot::ReentrantMutexGuard;
use std::any::{Any, TypeId};

/// A value stored for the host: it stays alive until the key is dropped or passed to
/// [`Lua::remove_registry_value`]. Tied to the State that made it.
///
/// ```
/// let lua = mani::Lua::new();
/// let key = lua.create_registry_value("kept").unwrap();
/// lua.gc_collect().unwrap();
/// assert_eq!(lua.registry_value::<String>(&key).unwrap(), "kept");
/// ```
#[derive(Debug)]
pub struct RegistryKey(Ref);

impl Lua {
    /// Stores `v` and returns its key.
    pub fn create_registry_value(&self, v: impl IntoLua) -> Result<RegistryKey> {
        let v = v.into_lua(self)?;
        let raw = self.with(|vm| into_raw(vm, &self.s, v))?;
        Ok(RegistryKey(Ref::new(&self.s, raw)))
    }

    /// The value stored under `key`.
    pub fn registry_value<T: FromLua>(&self, key: &RegistryKey) -> Result<T> {
        if !self.owns_registry_value(key) {
            return Err(Error::MismatchedRegistryKey);
        }
        T::from_lua(to_public(&self.s, key.0.raw()), self)
    }

    /// Removes the value stored under `key`.
    pub fn remove_registry_value(&self, key: RegistryKey) -> Result<()> {
        if !self.owns_registry_value(&key) {
            return Err(Error::MismatchedRegistryKey);
        }
        drop(key);
        Ok(())
    }

    /// Replaces the value stored under `key`.
    pub fn replace_registry_value(&self, key: &mut RegistryKey, v: impl IntoLua) -> Result<()> {
        if !self.owns_registry_value(key) {
            return Err(Error::MismatchedRegistryKey);
        }
        *key = self.create_registry_value(v)?;
        Ok(())
    }

    /// True if `key` belongs to this State.
    pub fn owns_registry_value(&self, key: &RegistryKey) -> bool {
        std::sync::Arc::ptr_eq(&key.0.lua.s, &self.s)
    }

    /// Nothing to do: dropped keys release their values at once.
    pub fn expire_registry_values(&self) {}

    /// Stores `v` in the registry under `name`.
    pub fn set_named_registry_value(&self, name: &str, v: impl IntoLua) -> Result<()> {
        let v = v.into_lua(self)?;
        self.with(|vm| {
            let raw = into_raw(vm, &self.s, v)?;
            let k = vm.new_str(name.as_bytes());
            let reg = vm.registry;
            vm.raw_set(reg, k, raw)
                .map_err(|e| self.convert_error(vm, e))
        })
    }

    /// The registry value stored under `name` (nil if none).
    pub fn named_registry_value<T: FromLua>(&self, name: &str) -> Result<T> {
        let v = self.with(|vm| {
            let k = vm.new_str(name.as_bytes());
            vm.registry.get().get(k)
        });
        T::from_lua(to_public(&self.s, v), self)
    }

    /// Removes the registry value stored under `name`.
    pub fn unset_named_registry_value(&self, name: &str) -> Result<()> {
        self.set_named_registry_value(name, super::Nil)
    }

    /// Attaches host data of type `T` to the State (one value per type); returns the
    /// previous one. Panics if that value is borrowed.
    ///
    /// ```
    /// let lua = mani::Lua::new();
    /// lua.set_app_data(41u32);
    /// *lua.app_data_mut::<u32>().unwrap() += 1;
    /// assert_eq!(*lua.app_data_ref::<u32>().unwrap(), 42);
    /// ```
    pub fn set_app_data<T: Send + 'static>(&self, data: T) -> Option<T> {
        let g = self.s.lock();
        let mut map = g.app_data.borrow_mut();
        let old = match map.entries.get(&TypeId::of::<T>()) {
            Some(cell) => match cell.take() {
                Ok(v) => v,
                Err(()) => panic!("mani: set_app_data while that app data is borrowed"),
            },
            None => None,
        };
        map.entries
            .insert(TypeId::of::<T>(), Box::new(BorrowCell::new(Box::new(data))));
        old.and_then(|b| b.downcast::<T>().ok()).map(|b| *b)
    }

    /// Borrows the host data of type `T`. Panics if it is mutably borrowed.
    pub fn app_data_ref<T: 'static>(&self) -> Option<AppDataRef<'_, T>> {
        let g = self.s.lock();
        let cell: *const BorrowCell<Box<dyn Any + Send>> =
            &**g.app_data.borrow().entries.get(&TypeId::of::<T>())?;
        // SAFETY: the boxed cell stays at its address until its entry is replaced or
        // removed, which fails while it is borrowed; the guard keeps other threads out.
        let ptr = match unsafe { &*cell }.try_borrow() {
            None => panic!("mani: app data of this type is mutably borrowed"),
            Some(p) => p?,
        };
        // SAFETY: the borrow counted above keeps the value in place.
        let Some(v) = (unsafe { &*ptr }).downcast_ref::<T>() else {
            // SAFETY: ends the borrow started above.
            unsafe { &*cell }.release();
            return None;
        };
        Some(AppDataRef { v, cell, _g: g })
    }

    /// Borrows the host data of type `T` mutably. Panics if it is borrowed.
    pub fn app_data_mut<T: 'static>(&self) -> Option<AppDataRefMut<'_, T>> {
        let g = self.s.lock();
        let cell: *const BorrowCell<Box<dyn Any + Send>> =
            &**g.app_data.borrow().entries.get(&TypeId::of::<T>())?;
        // SAFETY: as in `app_data_ref`.
        let ptr = match unsafe { &*cell }.try_borrow_mut() {
            None => panic!("mani: app data of this type is already borrowed"),
            Some(p) => p?,
        };
        // SAFETY: the exclusive borrow counted above makes this the only access.
        let Some(v) = (unsafe { &mut *ptr }).downcast_mut::<T>() else {
            // SAFETY: ends the borrow started above.
            unsafe { &*cell }.release_mut();
            return None;
        };
        Some(AppDataRefMut { v, cell, _g: g })
    }

    /// Removes and returns the host data of type `T`. Panics if it is borrowed.
    pub fn remove_app_data<T: 'static>(&self) -> Option<T> {
        let g = self.s.lock();
        let mut map = g.app_data.borrow_mut();
        let cell = map.entries.get(&TypeId::of::<T>())?;
        let v = match cell.take() {
            Ok(v) => v,
            Err(()) => panic!("mani: remove_app_data while that app data is borrowed"),
        };
        map.entries.remove(&TypeId::of::<T>());
        v.and_then(|b| b.downcast::<T>().ok()).map(|b| *b)
    }
}

/// Host data attached to a State, by type.
#[derive(Default)]
pub(crate) struct AppData {
    entries: rustc_hash::FxHashMap<TypeId, Box<BorrowCell<Box<dyn Any + Send>>>>,
}

/// A borrow of app data ([`Lua::app_data_ref`]).
pub struct AppDataRef<'a, T: 'static> {
    v: &'a T,
    cell: *const BorrowCell<Box<dyn Any + Send>>,
    _g: ReentrantMutexGuard<'a, Cells>,
}

impl<T> std::ops::Deref for AppDataRef<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        self.v
    }
}

impl<T> Drop for AppDataRef<'_, T> {
    fn drop(&mut self) {
        // SAFETY: the cell outlives this borrow (see `app_data_ref`).
        unsafe { &*self.cell }.release();
    }
}

/// A mutable borrow of app data ([`Lua::app_data_mut`]).
pub struct AppDataRefMut<'a, T: 'static> {
    v: &'a mut T,
    cell: *const BorrowCell<Box<dyn Any + Send>>,
    _g: ReentrantMutexGuard<'a, Cells>,
}

impl<T> std::ops::Deref for AppDataRefMut<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        self.v
    }
}

impl<T> std::ops::DerefMut for AppDataRefMut<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        self.v
    }
}

impl<T> Drop for AppDataRefMut<'_, T> {
    fn drop(&mut self) {
        // SAFETY: the cell outlives this borrow (see `app_data_mut`).
        unsafe { &*self.cell }.release_mut();
    }
}
