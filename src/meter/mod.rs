//! Metering: the cost model, budgets, step and memory limits, pausing.
//!
//! The interpreter charges straight-line [segments] of bytecode before running them
//! (see [`segments`]); native functions charge their work by data size through
//! [`Vm::charge`](crate::vm::Vm::charge). What happens when the budget runs out is the
//! host's [`Policy`].

mod analyze;
mod model;
mod profile;
mod segments;

pub use crate::bytecode::Op;
pub use analyze::FunctionCost;
pub(crate) use analyze::{analyze, report as analysis_report};
pub use model::CostModel;
pub use profile::Profile;
pub(crate) use segments::{ends_segment, segments, Seg};

/// What the VM does when a call runs out of budget.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Policy {
    /// The call ends with a `budget exhausted` error that `pcall` cannot catch.
    #[default]
    Error,
    /// The call returns to the host as paused, with its Lua state kept; the host adds
    /// budget and resumes it.
    Pause,
}

/// A limit that stopped a run. None of them can be caught by `pcall`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limit {
    /// The cost budget ran out (under [`Policy::Error`], or inside a native call that
    /// ran past the overdraft allowed under [`Policy::Pause`]).
    Budget,
    /// The step limit (instructions executed) was reached.
    Steps,
    /// The memory quota would be exceeded.
    Memory,
}

impl Limit {
    /// The error message, as scripts' hosts see it.
    pub fn message(self) -> &'static str {
        match self {
            Limit::Budget => "budget exhausted",
            Limit::Steps => "step limit reached",
            Limit::Memory => "not enough memory",
        }
    }
}

/// "No limit" for the counters: far more than any run can use, and far from overflow.
pub const UNLIMITED: i64 = i64::MAX / 4;

/// Default for [`Meter::max_debt`]: how far native work (and Lua code it calls back)
/// may run past an exhausted budget under [`Policy::Pause`] before it becomes an error.
pub const DEFAULT_MAX_DEBT: i64 = 1_000_000;

/// The metering state of a State.
// `repr(C)`: `budget` and `steps` are adjacent, so `try_charge` updates both at once.
#[derive(Debug, Clone)]
#[repr(C)]
pub struct Meter {
    /// Units left; may go negative (debt) under [`Policy::Pause`] when a native call
    /// runs out of budget, which it cannot pause.
    pub budget: i64,
    /// Steps (instructions) left before the step limit.
    pub steps: i64,
    /// Units granted so far (the initial budget plus every addition): the cost used is
    /// `granted - budget`.
    pub granted: i64,
    /// Steps granted so far.
    pub steps_granted: i64,
    /// What running out of budget does.
    pub policy: Policy,
    /// Largest debt allowed under [`Policy::Pause`].
    pub max_debt: i64,
    /// `native_depth` at which a pause can unwind to the host (`usize::MAX`: never).
    pub pause_depth: usize,
    /// False: the interpreter runs its unmetered loop (budgets and step limits are not
    /// enforced); used to measure metering overhead and by hosts that trust the code.
    pub enabled: bool,
}

impl Default for Meter {
    fn default() -> Self {
        Meter {
            budget: UNLIMITED,
            granted: UNLIMITED,
            steps: UNLIMITED,
            steps_granted: UNLIMITED,
            policy: Policy::Error,
            max_debt: DEFAULT_MAX_DEBT,
            pause_depth: usize::MAX,
            enabled: true,
        }
    }
}

impl Meter {
    /// Charges a segment if both counters cover it; false (nothing charged) otherwise.
    #[inline(always)]
    pub fn try_charge(&mut self, s: Seg) -> bool {
        #[cfg(target_arch = "x86_64")]
        {
            use std::arch::x86_64::*;
            let p = (self as *mut Meter).cast::<__m128i>();
            // SAFETY: `Meter` is `repr(C)` with `budget` and `steps` (two i64) first,
            // so the 16 bytes at `p` are those two fields, and `p` comes from
            // `&mut self`, which covers them; the unaligned load and store need no
            // alignment. SSE2 is part of the x86_64 baseline.
            unsafe {
                let have = _mm_loadu_si128(p);
                // `Seg` is `repr(C)` {cost, steps}: its two u32, zero-extended.
                let seg = _mm_cvtsi64_si128(((s.steps as i64) << 32) | s.cost as i64);
                let cost = _mm_unpacklo_epi32(seg, _mm_setzero_si128());
                let left = _mm_sub_epi64(have, cost);
                // Either counter negative: charge nothing.
                if _mm_movemask_pd(_mm_castsi128_pd(left)) != 0 {
                    return false;
                }
                _mm_storeu_si128(p, left);
            }
            true
        }
        #[cfg(not(target_arch = "x86_64"))]
        self.try_charge_scalar(s)
    }

    /// [`try_charge`](Self::try_charge) one counter at a time.
    #[inline(always)]
    pub fn try_charge_scalar(&mut self, s: Seg) -> bool {
        let b = self.budget - s.cost as i64;
        let st = self.steps - s.steps as i64;
        if (b | st) < 0 {
            return false;
        }
        self.budget = b;
        self.steps = st;
        true
    }

    /// Total units charged so far.
    pub fn used(&self) -> u64 {
        (self.granted - self.budget).max(0) as u64
    }

    /// Total steps executed so far (as charged by segments).
    pub fn steps_used(&self) -> u64 {
        (self.steps_granted - self.steps).max(0) as u64
    }

    /// Sets the remaining budget (`None`: unlimited), keeping the cost used.
    pub fn set_budget(&mut self, units: Option<u64>) {
        let used = self.used() as i64;
        self.budget = units.map_or(UNLIMITED, |u| (u as i64).min(UNLIMITED));
        self.granted = self.budget + used;
    }

    /// Adds units to the remaining budget (pays off debt first).
    pub fn add_budget(&mut self, units: u64) {
        let u = (units as i64).min(UNLIMITED);
        self.budget = (self.budget + u).min(UNLIMITED);
        self.granted += u;
    }

    /// Sets the remaining steps (`None`: no step limit), keeping the count used.
    pub fn set_steps(&mut self, steps: Option<u64>) {
        let used = self.steps_used() as i64;
        self.steps = steps.map_or(UNLIMITED, |s| (s as i64).min(UNLIMITED));
        self.steps_granted = self.steps + used;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // The two-counters-at-once charge (SSE2 on x86_64) agrees with the scalar one
    // at every boundary: either counter exactly used up, one short, huge segments.
    #[test]
    fn vector_charge_matches_scalar() {
        let values = [0i64, 1, 2, 5, 6, 7, 1 << 31, UNLIMITED, -1, -3];
        let segs = [0u32, 1, 5, 6, 7, u32::MAX];
        for &b in &values {
            for &st in &values {
                for &cost in &segs {
                    for &steps in &segs {
                        let s = Seg { cost, steps };
                        let mut v = Meter {
                            budget: b,
                            steps: st,
                            ..Meter::default()
                        };
                        let mut w = v.clone();
                        let r = v.try_charge(s);
                        assert_eq!(r, w.try_charge_scalar(s), "{b} {st} {s:?}");
                        assert_eq!((v.budget, v.steps), (w.budget, w.steps));
                        assert_eq!(r, b >= cost as i64 && st >= steps as i64);
                    }
                }
            }
        }
    }
}
