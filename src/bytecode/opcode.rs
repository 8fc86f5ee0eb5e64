//! 32-bit instructions: `op:8 | A:8 | B:8 | C:8`, or `op:8 | A:8 | Bx:16`, or
//! `op:8 | sJ:24`.
//!
//! Conditional instructions (`EQ`, `LT`, `TEST`, ...) are always followed by a `JMP`;
//! their `k` operand says which outcome takes the jump, as in Lua 5.4.

/// Opcodes. `R[x]` is a register, `K[x]` a constant, `U[x]` an upvalue.
#[repr(u8)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    /// R[A] = R[B]
    Move,
    /// R[A] = K[Bx]
    LoadK,
    /// R[A] = sBx (integer)
    LoadI,
    /// R[A] = sBx (float)
    LoadF,
    /// R[A..=A+B] = nil
    LoadNil,
    /// R[A] = false
    LoadFalse,
    /// R[A] = false; pc++
    LFalseSkip,
    /// R[A] = true
    LoadTrue,
    /// R[A] = U[B]
    GetUpval,
    /// U[B] = R[A]
    SetUpval,
    /// R[A] = U[B][K[C]] (K[C] a string)
    GetTabUp,
    /// U[A][K[B]] = R[C]
    SetTabUp,
    /// U[A][K[B]] = K[C]
    SetTabUpK,
    /// R[A] = R[B][R[C]]
    GetTable,
    /// R[A] = R[B][C] (C an integer 0..=255)
    GetI,
    /// R[A] = R[B][K[C]] (K[C] a string)
    GetField,
    /// R[A][R[B]] = R[C]
    SetTable,
    /// R[A][R[B]] = K[C]
    SetTableK,
    /// R[A][B] = R[C]
    SetI,
    /// R[A][B] = K[C]
    SetIK,
    /// R[A][K[B]] = R[C]
    SetField,
    /// R[A][K[B]] = K[C]
    SetFieldK,
    /// R[A] = {} with size hints B (array, log-ish encoded) and C (hash)
    NewTable,
    /// R[A+1] = R[B]; R[A] = R[B][K[C]]
    SelfOp,
    /// R[A] = R[B] + sC (C holds sC + 128)
    AddI,
    /// R[A] = R[B] - sC (C holds sC + 128); its metamethod is `__sub(R[B], sC)`
    SubI,
    /// R[A] = R[B] op K[C]
    AddK,
    /// The `SubK` instruction (as the one above, for its operator).
    SubK,
    /// The `MulK` instruction (as the one above, for its operator).
    MulK,
    /// The `ModK` instruction (as the one above, for its operator).
    ModK,
    /// The `PowK` instruction (as the one above, for its operator).
    PowK,
    /// The `DivK` instruction (as the one above, for its operator).
    DivK,
    /// The `IDivK` instruction (as the one above, for its operator).
    IDivK,
    /// The `BAndK` instruction (as the one above, for its operator).
    BAndK,
    /// The `BOrK` instruction (as the one above, for its operator).
    BOrK,
    /// The `BXorK` instruction (as the one above, for its operator).
    BXorK,
    /// R[A] = R[B] >> sC / R[B] << sC
    ShrI,
    /// The `ShlI` instruction (as the one above, for its operator).
    ShlI,
    /// R[A] = R[B] op R[C]
    Add,
    /// The `Sub` instruction (as the one above, for its operator).
    Sub,
    /// The `Mul` instruction (as the one above, for its operator).
    Mul,
    /// The `Mod` instruction (as the one above, for its operator).
    Mod,
    /// The `Pow` instruction (as the one above, for its operator).
    Pow,
    /// The `Div` instruction (as the one above, for its operator).
    Div,
    /// The `IDiv` instruction (as the one above, for its operator).
    IDiv,
    /// The `BAnd` instruction (as the one above, for its operator).
    BAnd,
    /// The `BOr` instruction (as the one above, for its operator).
    BOr,
    /// The `BXor` instruction (as the one above, for its operator).
    BXor,
    /// The `Shl` instruction (as the one above, for its operator).
    Shl,
    /// The `Shr` instruction (as the one above, for its operator).
    Shr,
    /// R[A] = op R[B]
    Unm,
    /// The `BNot` instruction (as the one above, for its operator).
    BNot,
    /// The `Not` instruction (as the one above, for its operator).
    Not,
    /// The `Len` instruction (as the one above, for its operator).
    Len,
    /// R[A] = R[A] .. ... .. R[A+B-1]
    Concat,
    /// close upvalues and to-be-closed variables >= R[A]
    Close,
    /// mark R[A] as to-be-closed
    Tbc,
    /// pc += sJ
    Jmp,
    /// if ((R[A] == R[B]) ~= k) then pc++ (k = C)
    Eq,
    /// The `Lt` instruction (as the one above, for its operator).
    Lt,
    /// The `Le` instruction (as the one above, for its operator).
    Le,
    /// if ((R[A] == K[B]) ~= k) then pc++
    EqK,
    /// if ((R[A] op sB) ~= k) then pc++ (B holds sB + 128)
    EqI,
    /// The `LtI` instruction (as the one above, for its operator).
    LtI,
    /// The `LeI` instruction (as the one above, for its operator).
    LeI,
    /// The `GtI` instruction (as the one above, for its operator).
    GtI,
    /// The `GeI` instruction (as the one above, for its operator).
    GeI,
    /// if (not R[A] == k) then pc++ (k = C)
    Test,
    /// if (not R[B] == k) then pc++ else R[A] = R[B]
    TestSet,
    /// R[A], ... ,R[A+C-2] = R[A](R[A+1], ... ,R[A+B-1]); B=0: args up to top; C=0: multret
    Call,
    /// return R[A](R[A+1], ... ,R[A+B-1])
    TailCall,
    /// return R[A], ... ,R[A+B-2]; B=0: up to top
    Return,
    /// The `Return0` instruction (as the one above, for its operator).
    Return0,
    /// The `Return1` instruction (as the one above, for its operator).
    Return1,
    /// numeric for loop step; jump back by Bx
    ForLoop,
    /// numeric for loop preparation; skip the loop (forward Bx) if it runs zero times
    ForPrep,
    /// generic for: jump forward Bx to the TFORCALL after marking R[A+3] to-be-closed
    TForPrep,
    /// R[A+4], ... ,R[A+3+C] = R[A](R[A+1], R[A+2])
    TForCall,
    /// if R[A+4] ~= nil then { R[A+2] = R[A+4]; pc -= Bx }
    TForLoop,
    /// R[A][C+i] = R[A+i], 1 <= i <= B (B=0: up to top); C extended by EXTRAARG if k
    SetList,
    /// R[A] = closure(KPROTO[Bx])
    Closure,
    /// R[A], R[A+1], ..., R[A+C-2] = vararg (C=0: all)
    VarArg,
    /// adjust varargs for a vararg function (A = number of fixed parameters)
    VarArgPrep,
    /// extra (larger) argument for the previous instruction
    ExtraArg,
}

impl Op {
    /// `R[A] = R[B] op K[C]`: the arithmetic/bitwise forms with a constant operand.
    pub fn is_arith_k(self) -> bool {
        (Op::AddK as u8..=Op::BXorK as u8).contains(&(self as u8))
    }

    /// `R[A] = R[B] op imm`: `ADDI`, `SHRI`, `SHLI`.
    pub fn is_arith_imm(self) -> bool {
        matches!(self, Op::AddI | Op::SubI | Op::ShrI | Op::ShlI)
    }

    /// `R[A] = R[B] op R[C]`: the register-register arithmetic/bitwise forms.
    pub fn is_arith_rr(self) -> bool {
        (Op::Add as u8..=Op::Shr as u8).contains(&(self as u8))
    }

    /// Stores into a table (`t[k] = v` in its forms): they write no register, and
    /// their metamethod is `__newindex`.
    pub fn is_table_store(self) -> bool {
        matches!(
            self,
            Op::SetTabUp
                | Op::SetTabUpK
                | Op::SetTable
                | Op::SetTableK
                | Op::SetI
                | Op::SetIK
                | Op::SetField
                | Op::SetFieldK
        )
    }

    /// Conditional tests: always followed by the `JMP` they decide on.
    pub fn is_conditional(self) -> bool {
        matches!(
            self,
            Op::Eq
                | Op::Lt
                | Op::Le
                | Op::EqK
                | Op::EqI
                | Op::LtI
                | Op::LeI
                | Op::GtI
                | Op::GeI
                | Op::Test
                | Op::TestSet
        )
    }

    /// Number of opcodes.
    pub const COUNT: usize = Op::ExtraArg as usize + 1;

    /// Decodes an opcode byte produced by the compiler.
    #[inline(always)]
    pub fn from_u8(b: u8) -> Op {
        debug_assert!((b as usize) < Op::COUNT);
        // SAFETY: the only producer of instructions is the compiler in this crate, which
        // encodes valid `Op` discriminants; binary chunks are never loaded. `Op` is
        // `repr(u8)` with contiguous discriminants 0..COUNT, and `Instr::new` asserts
        // the byte came from an `Op`.
        if (b as usize) < Op::COUNT {
            unsafe { std::mem::transmute::<u8, Op>(b) }
        } else {
            Op::ExtraArg
        }
    }
}

/// One encoded instruction.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Instr(pub u32);

/// Bias of the signed 16-bit `sBx` field.
pub const SBX_BIAS: i32 = 0x7FFF;
/// Bias of the signed 24-bit `sJ` field.
pub const SJ_BIAS: i32 = 0x7F_FFFF;
/// Bias of the signed 8-bit `sB`/`sC` fields.
pub const SC_BIAS: i32 = 128;

impl Instr {
    /// `op A B C`
    #[inline]
    pub fn abc(op: Op, a: u8, b: u8, c: u8) -> Instr {
        Instr(op as u32 | (a as u32) << 8 | (b as u32) << 16 | (c as u32) << 24)
    }
    /// `op A Bx`
    #[inline]
    pub fn abx(op: Op, a: u8, bx: u32) -> Instr {
        debug_assert!(bx <= 0xFFFF);
        Instr(op as u32 | (a as u32) << 8 | bx << 16)
    }
    /// `op A sBx`
    #[inline]
    pub fn asbx(op: Op, a: u8, sbx: i32) -> Instr {
        Instr::abx(op, a, (sbx + SBX_BIAS) as u32)
    }
    /// `op sJ`
    #[inline]
    pub fn jump(op: Op, sj: i32) -> Instr {
        Instr(op as u32 | (((sj + SJ_BIAS) as u32) << 8))
    }
    /// `op Ax` (24 bits)
    #[inline]
    pub fn ax(op: Op, ax: u32) -> Instr {
        Instr(op as u32 | ax << 8)
    }

    #[inline(always)]
    pub fn op(self) -> Op {
        Op::from_u8(self.0 as u8)
    }

    /// The raw opcode byte.
    #[inline(always)]
    pub fn op_byte(self) -> u8 {
        self.0 as u8
    }

    /// The opcode, without the range check.
    ///
    /// # Safety
    /// The opcode byte must be a valid `Op` discriminant, as
    /// [`verify`](crate::bytecode::verify) checks for every loaded instruction.
    #[inline(always)]
    pub unsafe fn op_unchecked(self) -> Op {
        debug_assert!((self.0 as u8 as usize) < Op::COUNT);
        // SAFETY: `Op` is `repr(u8)` with discriminants 0..COUNT and the caller
        // guarantees the byte is one of them.
        unsafe { std::mem::transmute::<u8, Op>(self.0 as u8) }
    }
    #[inline(always)]
    pub fn a(self) -> usize {
        ((self.0 >> 8) & 0xFF) as usize
    }
    #[inline(always)]
    pub fn b(self) -> usize {
        ((self.0 >> 16) & 0xFF) as usize
    }
    #[inline(always)]
    pub fn c(self) -> usize {
        (self.0 >> 24) as usize
    }
    #[inline(always)]
    pub fn sb(self) -> i64 {
        self.b() as i64 - SC_BIAS as i64
    }
    #[inline(always)]
    pub fn sc(self) -> i64 {
        self.c() as i64 - SC_BIAS as i64
    }
    #[inline(always)]
    pub fn bx(self) -> usize {
        (self.0 >> 16) as usize
    }
    #[inline(always)]
    pub fn sbx(self) -> i32 {
        (self.0 >> 16) as i32 - SBX_BIAS
    }
    #[inline(always)]
    pub fn sj(self) -> i32 {
        (self.0 >> 8) as i32 - SJ_BIAS
    }
    #[inline(always)]
    pub fn ax_arg(self) -> u32 {
        self.0 >> 8
    }

    /// Replaces the sJ field (jump patching).
    pub fn set_sj(&mut self, sj: i32) {
        self.0 = (self.0 & 0xFF) | (((sj + SJ_BIAS) as u32) << 8);
    }
    /// Replaces the Bx field.
    pub fn set_bx(&mut self, bx: u32) {
        self.0 = (self.0 & 0xFFFF) | (bx << 16);
    }
    /// Replaces the A field.
    pub fn set_a(&mut self, a: u8) {
        self.0 = (self.0 & !0xFF00) | ((a as u32) << 8);
    }
    /// Replaces the B field.
    pub fn set_b(&mut self, b: u8) {
        self.0 = (self.0 & !0xFF_0000) | ((b as u32) << 16);
    }
    /// Replaces the C field.
    pub fn set_c(&mut self, c: u8) {
        self.0 = (self.0 & 0x00FF_FFFF) | ((c as u32) << 24);
    }
}

impl std::fmt::Debug for Instr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{:?} {} {} {} (bx {} sj {})",
            self.op(),
            self.a(),
            self.b(),
            self.c(),
            self.bx(),
            self.sj()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classification_ranges_match_the_opcode_order() {
        let k = [
            Op::AddK,
            Op::SubK,
            Op::MulK,
            Op::ModK,
            Op::PowK,
            Op::DivK,
            Op::IDivK,
        ];
        assert!(k.iter().all(|o| o.is_arith_k()));
        assert!(Op::BXorK.is_arith_k() && !Op::ShrI.is_arith_k() && !Op::AddI.is_arith_k());
        assert!(Op::Add.is_arith_rr() && Op::Shr.is_arith_rr());
        assert!(!Op::Unm.is_arith_rr() && !Op::ShlI.is_arith_rr());
    }

    #[test]
    fn fields_round_trip() {
        let i = Instr::abc(Op::Add, 1, 2, 255);
        assert_eq!((i.op(), i.a(), i.b(), i.c()), (Op::Add, 1, 2, 255));
        let j = Instr::jump(Op::Jmp, -5);
        assert_eq!(j.sj(), -5);
        let l = Instr::asbx(Op::LoadI, 7, -300);
        assert_eq!((l.a(), l.sbx()), (7, -300));
        let mut p = Instr::jump(Op::Jmp, 0);
        p.set_sj(1000);
        assert_eq!(p.sj(), 1000);
        assert_eq!(Op::from_u8(Op::ExtraArg as u8), Op::ExtraArg);
    }
}
