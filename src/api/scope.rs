//! [`Scope`]: functions and userdata that borrow from the host's stack frame and are
//! destroyed when the scope ends.

use super::callback::call_host;
use super::cell::BorrowCell;
use super::state::Cells;
use super::{AnyUserData, Error, FromLuaMulti, Function, IntoLuaMulti, Lua, Result, UserData};
use crate::value::{HostFn, Value as Raw};
use crate::vm::{LuaError, Vm};
use std::cell::RefCell;
use std::marker::PhantomData;

/// A host function that may borrow from the scope (erased to `HostFn` when stored).
type ScopedHostFn<'a> = dyn Fn(&mut Vm, usize, usize) -> std::result::Result<usize, LuaError> + 'a;

type LockGuard = parking_lot::lock_api::ArcReentrantMutexGuard<
    parking_lot::RawMutex,
    parking_lot::RawThreadId,
    Cells,
>;

/// Creates values that may borrow from the enclosing Rust scope and need not be
/// `Send` (see [`Lua::scope`]). When the scope ends they are destroyed: calling such
/// a function afterwards is a Lua error, and such a userdata's methods fail.
///
/// The State's lock is held for the whole scope, so no other thread can reach these
/// values while they exist.
pub struct Scope<'scope, 'env: 'scope> {
    lua: Lua,
    destructors: Destructors,
    _guard: LockGuard,
    _scope: PhantomData<&'scope mut &'scope ()>,
    _env: PhantomData<&'env mut &'env ()>,
}

impl Lua {
    /// Runs `f` with a [`Scope`] whose functions and userdata may borrow local data.
    ///
    /// ```
    /// let lua = mani::Lua::new();
    /// let mut hits = 0;
    /// lua.scope(|scope| {
    ///     let f = scope.create_function_mut(|_, n: i64| { hits += n; Ok(()) })?;
    ///     lua.globals().set("hit", f)?;
    ///     lua.load("hit(2) hit(3)").exec()
    /// }).unwrap();
    /// assert_eq!(hits, 5);
    /// // The function is dead now.
    /// assert!(lua.load("hit(1)").exec().is_err());
    /// ```
    pub fn scope<'env, R>(
        &self,
        f: impl for<'scope> FnOnce(&'scope Scope<'scope, 'env>) -> Result<R>,
    ) -> Result<R> {
        f(&Scope {
            lua: Lua::uncounted(self.s.clone()),
            destructors: Destructors(RefCell::new(Vec::new())),
            _guard: self.s.lock_arc(),
            _scope: PhantomData,
            _env: PhantomData,
        })
    }
}

impl<'scope, 'env: 'scope> Scope<'scope, 'env> {
    /// A function that may borrow from the scope (see [`Lua::create_function`]).
    pub fn create_function<F, A, R>(&'scope self, func: F) -> Result<Function>
    where
        F: Fn(&Lua, A) -> Result<R> + 'scope,
        A: FromLuaMulti,
        R: IntoLuaMulti,
    {
        let host: Box<ScopedHostFn<'scope>> = Box::new(move |vm: &mut Vm, base, nargs| {
            call_host(vm, base, nargs, |lua, args| {
                let a = A::from_raw_args(args, lua)?;
                func(lua, a)
            })
        });
        // SAFETY: the closure may borrow `'scope` data and need not be `Send`. The
        // scope destroys it (drops the box, below) before `'scope` ends, and no call
        // into it can be running then (calls made inside the scope have returned).
        // The scope holds the State's lock until then, so only this thread can call
        // it: the `Send` and `'static` the erased type claims are never relied on.
        let host: Box<HostFn> = unsafe { std::mem::transmute(host) };
        let f = self.lua.make_host_function(host);
        let handle = f.clone();
        let lua = Lua::uncounted(self.lua.s.clone());
        self.destructors.0.borrow_mut().push(Box::new(move || {
            let host = lua.with(|_| match handle.0.raw() {
                Raw::NatFn(nc) => nc.get_mut().host.take(),
                _ => None,
            });
            drop(host);
        }));
        Ok(f)
    }

    /// Like [`create_function`](Self::create_function) for `FnMut`.
    pub fn create_function_mut<F, A, R>(&'scope self, func: F) -> Result<Function>
    where
        F: FnMut(&Lua, A) -> Result<R> + 'scope,
        A: FromLuaMulti,
        R: IntoLuaMulti,
    {
        let func = RefCell::new(func);
        self.create_function(move |lua, args| {
            let mut f = func
                .try_borrow_mut()
                .map_err(|_| Error::RecursiveMutCallback)?;
            (*f)(lua, args)
        })
    }

    /// A userdata whose value need not be `Send`; it is dropped when the scope ends.
    pub fn create_userdata<T: UserData + 'static>(&'scope self, data: T) -> Result<AnyUserData> {
        let mt = super::userdata::metatable_for::<T>(&self.lua)?;
        let payload: Box<dyn std::any::Any> = Box::new(BorrowCell::new(data));
        // SAFETY: as in `create_function`: the lock is held for the whole scope, and
        // the payload is taken out and dropped on this thread when the scope ends.
        let payload: Box<dyn std::any::Any + Send> = unsafe { std::mem::transmute(payload) };
        let ud = super::userdata::alloc(&self.lua, payload, mt);
        let handle = ud.clone();
        let lua = Lua::uncounted(self.lua.s.clone());
        self.destructors.0.borrow_mut().push(Box::new(move || {
            let payload = lua.with(|_| match handle.0.raw() {
                Raw::UData(u) => {
                    let ud = u.get_mut();
                    let borrowed = ud
                        .data
                        .downcast_ref::<BorrowCell<T>>()
                        .is_some_and(|c| c.is_borrowed());
                    let p = std::mem::replace(&mut ud.data, Box::new(()));
                    Some((p, borrowed))
                }
                _ => None,
            });
            match payload {
                // A borrow handed to the host outlives the scope: keep the value's
                // memory alive (leak it) rather than free it under the borrow.
                Some((p, true)) => std::mem::forget(p),
                Some((p, false)) => drop(p),
                None => {}
            }
        }));
        Ok(ud)
    }
}

/// What the scope destroys when it ends (a field with its own `Drop`, so that the
/// scope's lifetimes need not outlive it). Destructors capture only `'static` handles.
struct Destructors(RefCell<Vec<Box<dyn FnOnce()>>>);

impl Drop for Destructors {
    fn drop(&mut self) {
        for d in self.0.get_mut().drain(..).rev() {
            d();
        }
    }
}
