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
/// ```ignore
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

#[cfg(test)]
mod tests {
    use super::*;

    fn compile(src: &str) -> std::sync::Arc<crate::bytecode::Proto> {
        let ast = crate::syntax::parse(src.as_bytes(), "t").unwrap();
        crate::compiler::compile(&ast, "t").unwrap()
    }

    #[test]
    fn a_segment_runs_to_the_next_transfer_of_control() {
        let p = compile("local a = 1 if a then a = 2 end return a");
        let segs = segments(&p.code, &CostModel::instructions());
        // Every segment ends at its first control transfer, and a segment's steps are
        // those of its first instruction plus the segment after it, unless that
        // instruction transfers control.
        for (pc, s) in segs.iter().enumerate() {
            let op = p.code[pc].op();
            let own = steps_of(op);
            if ends_segment(op) {
                assert_eq!(s.steps, own, "pc {pc} {op:?}");
            } else {
                assert_eq!(s.steps, own + segs[pc + 1].steps, "pc {pc} {op:?}");
            }
        }
        // The entry segment stops at the test of `if a`.
        let first_test = p.code.iter().position(|i| i.op().is_conditional()).unwrap();
        assert_eq!(segs[0].steps as usize, first_test + 1);
    }

    #[test]
    fn costs_follow_the_model() {
        let p = compile("local t = {} for i = 1, 3 do t[i] = i end");
        let default = segments(&p.code, &CostModel::default());
        let free = segments(&p.code, &CostModel::real_work());
        let steps = segments(&p.code, &CostModel::instructions());
        for pc in 0..p.code.len() {
            assert!(free[pc].cost <= default[pc].cost);
            assert_eq!(steps[pc].cost, steps[pc].steps);
            assert_eq!(free[pc].steps, default[pc].steps);
        }
        // NEWTABLE costs 2 in the default model and its EXTRAARG nothing.
        assert!(default[0].cost > default[0].steps);
    }

    #[test]
    fn costs_saturate() {
        let mut m = CostModel::default();
        m.set_op(Op::Move, u32::MAX);
        let code = [
            Instr::abc(Op::Move, 0, 1, 0),
            Instr::abc(Op::Move, 0, 1, 0),
            Instr::abc(Op::Return0, 0, 0, 0),
        ];
        assert_eq!(segments(&code, &m)[0].cost, u32::MAX);
    }
}
