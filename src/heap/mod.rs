//! The garbage-collected heap and the collector.

mod gc;
pub mod collect;

pub use gc::{Gc, Heap, HeapObject, ObjRef};
