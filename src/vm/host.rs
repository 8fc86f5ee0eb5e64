//! What a State gets from its host: the clock and the limits that keep scripts
//! deterministic and bounded.

use std::time::{Instant, SystemTime, UNIX_EPOCH};

/// The time source behind `os.time`, `os.date` and `os.clock`.
///
/// Embedded States default to a [`FixedClock`], so scripts stay deterministic unless
/// the host decides otherwise.
///
/// ```
/// use mani::{Clock, FixedClock};
/// let mut c = FixedClock { time: 946_684_800, cpu: 0.5 };
/// assert_eq!(c.time(), 946_684_800);
/// assert_eq!(c.cpu(), 0.5);
/// ```
pub trait Clock: Send {
    /// Seconds since the Unix epoch (`os.time()`).
    fn time(&mut self) -> i64;
    /// Processor seconds used so far (`os.clock()`).
    fn cpu(&mut self) -> f64;
}

/// A virtual clock that returns whatever the host set.
#[derive(Debug, Clone, Copy, Default)]
pub struct FixedClock {
    /// What `os.time()` returns.
    pub time: i64,
    /// What `os.clock()` returns.
    pub cpu: f64,
}

impl Clock for FixedClock {
    fn time(&mut self) -> i64 {
        self.time
    }
    fn cpu(&mut self) -> f64 {
        self.cpu
    }
}

/// The real clock, for trusted hosts such as the command line.
#[derive(Debug, Clone, Copy)]
pub struct SystemClock {
    start: Instant,
}

impl Default for SystemClock {
    fn default() -> Self {
        SystemClock {
            start: Instant::now(),
        }
    }
}

impl Clock for SystemClock {
    fn time(&mut self) -> i64 {
        match SystemTime::now().duration_since(UNIX_EPOCH) {
            Ok(d) => d.as_secs() as i64,
            Err(e) => -(e.duration().as_secs() as i64),
        }
    }
    fn cpu(&mut self) -> f64 {
        self.start.elapsed().as_secs_f64()
    }
}

/// Default cap on the size of one string (bytes): large enough for real programs,
/// small enough that a string-doubling loop fails fast instead of exhausting memory.
pub const DEFAULT_MAX_STRING: usize = 64 << 20;

/// String cap of the trusted profile (the command line): 1 GiB.
pub const TRUSTED_MAX_STRING: usize = 1 << 30;
