//! Straight-line segments: the unit in which the interpreter charges instructions.
//!
//! Control only enters code at a function's first instruction or at the landing pc of
//! a control transfer (a jump, a conditional, a loop instruction). A segment is the run
//! of instructions from such a pc up to and including the next instruction that
//! transfers control. The interpreter charges a whole segment when it lands on its
//! first pc, before running it: one check per segment instead of one per instruction,
//! and the charge for a given landing pc is the same on every run.
//!
//! Calls do not end a segment: the caller's remaining instructions were charged with
//! the segment, and the callee's own segments are charged as it runs. An error raised
//! in the middle of a segment leaves the rest of it charged.

use super::CostModel;
use crate::bytecode::{Instr, Op};

/// The precomputed charge for landing on one pc.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[repr(C)]
pub struct Seg {
    /// Units under the cost model.
    pub cost: u32,
    /// Instructions (steps) the segment executes if it runs to its end.
    pub steps: u32,
}

/// True for instructions after which control does not simply fall to the next pc.
/// A conditional and the `JMP` it decides on form one instruction: the interpreter
/// executes the pair as one step.
pub fn ends_segment(op: Op) -> bool {
    op.is_conditional()
        || matches!(
            op,
            Op::Jmp
                | Op::LFalseSkip
                | Op::ForLoop
                | Op::ForPrep
                | Op::TForPrep
                | Op::TForLoop
                | Op::Return
                | Op::Return0
                | Op::Return1
        )
}

/// Steps one instruction of kind `op` counts for (`EXTRAARG` is operand data).
pub fn steps_of(op: Op) -> u32 {
    u32::from(op != Op::ExtraArg)
}

/// The segment charge for every pc of `code` under `model`.
///
/// Costs saturate at `u32::MAX` (a segment is at most a few thousand instructions in
/// practice, so this only matters for absurd cost tables).
///
/// ```
/// use mani::bytecode::{Instr, Op};
/// use mani::meter::{segments, CostModel};
/// let code = [Instr::abc(Op::Move, 0, 1, 0), Instr::abc(Op::Return0, 0, 0, 0)];
/// let segs = segments(&code, &CostModel::default());
/// assert_eq!((segs[0].cost, segs[0].steps), (2, 2));
/// assert_eq!((segs[1].cost, segs[1].steps), (1, 1));
/// ```
pub fn segments(code: &[Instr], model: &CostModel) -> Box<[Seg]> {
    let mut segs = vec![Seg::default(); code.len()];
    let mut next = Seg::default();
    for pc in (0..code.len()).rev() {
        let op = code[pc].op();
        let own = Seg {
            cost: model.op(op),
            steps: steps_of(op),
        };
        let s = if ends_segment(op) {
            own
        } else {
            Seg {
                cost: own.cost.saturating_add(next.cost),
                steps: own.steps.saturating_add(next.steps),
            }
        };
        segs[pc] = s;
        next = s;
    }
    segs.into_boxed_slice()
}
