//! Helpers shared by the integration tests.

use std::io::Write;
use std::sync::{Arc, Mutex};

/// A `Write` sink the test can read back (give it to `Lua::set_output`).
#[derive(Clone, Default)]
pub struct Sink(pub Arc<Mutex<Vec<u8>>>);

impl Write for Sink {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(b);
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}
