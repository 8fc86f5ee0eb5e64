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

/// Standard output, buffered, with the buffer allocated on first write: a State that
/// never prints holds no buffer (States are created by the thousand).
#[derive(Default)]
pub struct LazyStdout {
    buf: Vec<u8>,
}

impl LazyStdout {
    /// Bytes buffered before they are written out.
    const CAPACITY: usize = 1 << 16;
}

impl std::io::Write for LazyStdout {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        if self.buf.len() + b.len() > Self::CAPACITY {
            self.flush()?;
            if b.len() >= Self::CAPACITY {
                return std::io::stdout().write(b);
            }
        }
        if self.buf.capacity() == 0 {
            self.buf.reserve(Self::CAPACITY);
        }
        self.buf.extend_from_slice(b);
        Ok(b.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        if !self.buf.is_empty() {
            let mut out = std::io::stdout().lock();
            out.write_all(&self.buf)?;
            self.buf.clear();
            out.flush()?;
        }
        Ok(())
    }
}

impl Drop for LazyStdout {
    fn drop(&mut self) {
        let _ = std::io::Write::flush(self);
    }
}
