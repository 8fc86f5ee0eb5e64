//! The process's hash key.
//!
//! String hashes and table probe positions are keyed by a random word, drawn once
//! per process, so a script cannot choose keys that all probe from one slot (hash
//! flooding). The key never reaches a script: tables iterate in insertion order and no
//! cost depends on probe lengths, so every run stays deterministic.

use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};

// Set once from 0 to a random nonzero word and never changed after: a value is
// never hashed with two different keys.
static KEY: AtomicU64 = AtomicU64::new(0);

/// Draws the key from the OS's randomness, once per process; every heap calls it
/// before it can hold a string or a table. The first heap wins and later ones keep
/// its key, so every State of the process hashes alike (sharing frozen strings needs
/// that).
pub fn init() {
    if KEY.load(Ordering::Relaxed) != 0 {
        return;
    }
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u64(0x6d61_6e69);
    let k = h.finish() | 1;
    let _ = KEY.compare_exchange(0, k, Ordering::Relaxed, Ordering::Relaxed);
}

#[inline(always)]
fn key() -> u64 {
    KEY.load(Ordering::Relaxed)
}

/// Keyed mixing of a word (a folded 128-bit multiply by a key-derived odd word):
/// every output bit depends on every input bit in a way the key decides.
#[inline(always)]
pub fn mix(x: u64) -> u64 {
    let k = key();
    let p = ((x ^ k) as u128).wrapping_mul((k.rotate_left(29) | 1) as u128);
    (p as u64) ^ ((p >> 64) as u64)
}

/// Keyed hash of a string's bytes.
#[inline]
pub fn hash_bytes(b: &[u8]) -> u64 {
    let mut h = foldhash::fast::FixedState::with_seed(key()).build_hasher();
    h.write(b);
    h.finish()
}
