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

/// The real clock, for trusted hosts such as the command line: `os.time` is the
/// system time, `os.clock` the CPU time used by the process (as C's `clock()`, which
/// lua5.4 uses), so time spent sleeping or waiting does not count.
#[derive(Debug, Clone, Copy)]
pub struct SystemClock {
    /// Fallback for `cpu` where the process CPU time is unavailable.
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
        process_cpu_seconds().unwrap_or_else(|| self.start.elapsed().as_secs_f64())
    }
}

/// CPU time used by this process (all threads), in seconds.
#[cfg(unix)]
fn process_cpu_seconds() -> Option<f64> {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `clock_gettime` only writes the `timespec` it is given, which is a
    // valid, exclusively borrowed local.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_PROCESS_CPUTIME_ID, &mut ts) };
    (rc == 0).then_some(ts.tv_sec as f64 + ts.tv_nsec as f64 * 1e-9)
}

/// Without a portable process CPU clock in `std`, other platforms report wall time
/// since the clock was created.
#[cfg(not(unix))]
fn process_cpu_seconds() -> Option<f64> {
    None
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Spins until `secs` of CPU time have been used (bounded by wall time); returns
    /// the CPU time used.
    fn burn(clock: &mut SystemClock, secs: f64) -> f64 {
        let t0 = clock.cpu();
        let wall = Instant::now();
        let mut x = 0u64;
        while clock.cpu() - t0 < secs && wall.elapsed().as_secs() < 30 {
            for i in 0..10_000u64 {
                x = std::hint::black_box(x.wrapping_mul(31).wrapping_add(i));
            }
        }
        std::hint::black_box(x);
        clock.cpu() - t0
    }

    #[test]
    fn system_clock_advances_with_cpu_work() {
        // Not checked here: that sleeping does not count, since other test threads
        // of this process use CPU meanwhile (tests/lua/os_io/clock.lua checks it).
        let mut c = SystemClock::default();
        assert!(c.cpu() >= 0.0);
        assert!(burn(&mut c, 0.02) >= 0.02, "a busy loop advances os.clock");
    }
}
