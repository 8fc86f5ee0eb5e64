//! The cost model: what each instruction and each unit of native work costs.

use crate::bytecode::Op;

/// Costs charged by the metered interpreter, in abstract units.
///
/// Every instruction kind has a cost; native library functions are charged by the size
/// of their work, in thousandths of a unit per item so that cheap bulk work (copying a
/// byte) can cost less than an instruction. The same model, script and inputs always
/// give the same total cost.
///
/// ```
/// use mani::meter::CostModel;
/// use mani::meter::Op;
/// let mut m = CostModel::default();
/// assert_eq!(m.op(Op::Add), 1);
/// m.set_op(Op::Call, 10); // calls are expensive for this host
/// assert_eq!(m.op(Op::Call), 10);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CostModel {
    ops: [u32; Op::COUNT],
    /// Per byte scanned, copied or produced by string functions (thousandths).
    pub byte_milli: u64,
    /// Per table element visited or moved by table functions, per value returned by
    /// `unpack`/`select`-like functions (thousandths).
    pub element_milli: u64,
    /// Per comparison made by `table.sort` (thousandths; a Lua comparator's own
    /// instructions are charged as well).
    pub compare_milli: u64,
    /// Per step of the pattern matcher: one subject byte tested against one pattern
    /// item (thousandths).
    pub match_step_milli: u64,
}

impl Default for CostModel {
    /// Every instruction costs 1 (so any budget ends any script), except calls,
    /// closures, table constructors and concatenation, which cost 2; `EXTRAARG` is
    /// operand data, never executed, and costs 0. Native work: 1 unit per 16 bytes,
    /// per 4 elements, per 2 sort comparisons and per 4 pattern-matching steps.
    fn default() -> Self {
        let mut ops = [1u32; Op::COUNT];
        for op in [
            Op::Call,
            Op::TailCall,
            Op::TForCall,
            Op::Closure,
            Op::NewTable,
            Op::Concat,
        ] {
            ops[op as usize] = 2;
        }
        ops[Op::ExtraArg as usize] = 0;
        CostModel {
            ops,
            byte_milli: 1000 / 16,
            element_milli: 250,
            compare_milli: 500,
            match_step_milli: 250,
        }
    }
}

impl CostModel {
    /// A model for hosts that bill only "real work": jumps, moves, loads of constants,
    /// calls, returns and loop control are free; everything else costs as in the
    /// default model. A script made only of free instructions is not stopped by a
    /// budget under this model: pair it with a step limit.
    pub fn real_work() -> Self {
        let mut m = CostModel::default();
        for op in [
            Op::Move,
            Op::LoadK,
            Op::LoadI,
            Op::LoadF,
            Op::LoadNil,
            Op::LoadFalse,
            Op::LFalseSkip,
            Op::LoadTrue,
            Op::Jmp,
            Op::Call,
            Op::TailCall,
            Op::Return,
            Op::Return0,
            Op::Return1,
            Op::ForLoop,
            Op::ForPrep,
            Op::TForPrep,
            Op::TForLoop,
            Op::VarArgPrep,
            Op::Close,
        ] {
            m.ops[op as usize] = 0;
        }
        m
    }

    /// A model where every instruction costs 1 and native work is free: the cost of
    /// a run is then the number of instructions it executed.
    pub fn instructions() -> Self {
        let mut ops = [1u32; Op::COUNT];
        ops[Op::ExtraArg as usize] = 0;
        CostModel {
            ops,
            byte_milli: 0,
            element_milli: 0,
            compare_milli: 0,
            match_step_milli: 0,
        }
    }

    /// The cost of one instruction of kind `op`.
    #[inline]
    pub fn op(&self, op: Op) -> u32 {
        self.ops[op as usize]
    }

    /// Sets the cost of instruction kind `op`.
    pub fn set_op(&mut self, op: Op, cost: u32) {
        self.ops[op as usize] = cost;
    }

    /// Units for `n` items at `milli` thousandths each, rounded up.
    #[inline]
    pub fn units(n: usize, milli: u64) -> u64 {
        (n as u64).saturating_mul(milli).div_ceil(1000)
    }
}
