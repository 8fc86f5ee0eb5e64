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
#[derive(Debug, Clone)]
pub struct Meter {
    /// Units left; may go negative (debt) under [`Policy::Pause`] when a native call
    /// runs out of budget, which it cannot pause.
    pub budget: i64,
    /// Units granted so far (the initial budget plus every addition): the cost used is
    /// `granted - budget`.
    pub granted: i64,
    /// Steps (instructions) left before the step limit.
    pub steps: i64,
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
