//! Full userdata: host data with an optional metatable.

use super::{Table, Value};
use crate::heap::{Gc, HeapObject, ObjRef};
use std::any::Any;

/// A userdata object owned by the heap.
pub struct UserData {
    /// Host data; `Send` so that a State can move between threads.
    pub data: Box<dyn Any + Send>,
    pub meta: Option<Gc<Table>>,
    /// Created by the embedding API: the payload may run host code when dropped, so
    /// the collector hands it back to the API to drop outside the VM (see
    /// `Heap::take_host_drops`).
    pub host: bool,
    /// The user value (`debug.getuservalue`, mlua's `user_value`).
    pub user_value: Value,
}

impl HeapObject for UserData {
    fn erase(gc: Gc<Self>) -> ObjRef {
        ObjRef::UData(gc)
    }
    fn size(&self) -> usize {
        std::mem::size_of_val(&*self.data)
    }
}
