//! Full userdata: host data with an optional metatable.

use super::Table;
use crate::heap::{Gc, HeapObject, ObjRef};
use std::any::Any;

/// A userdata object owned by the heap.
pub struct UserData {
    /// Host data; `Send` so that a State can move between threads.
    pub data: Box<dyn Any + Send>,
    pub meta: Option<Gc<Table>>,
}

impl HeapObject for UserData {
    fn erase(gc: Gc<Self>) -> ObjRef {
        ObjRef::UData(gc)
    }
    fn size(&self) -> usize {
        std::mem::size_of_val(&*self.data)
    }
}
