//! The garbage-collected heap and the collector.

pub mod collect;
mod gc;

pub use gc::{Frozen, Gc, Heap, HeapObject, ObjRef};
