//! A check of compiled code against the invariants the interpreter relies on without
//! checking them itself: every opcode is valid, every register an instruction touches
//! lies below the prototype's `max_stack`, and the pc can never leave the code (jump
//! targets are inside it, the last instruction is a return, and instructions that
//! skip the next one are followed by it and one more). This turns a compiler bug into
//! a load error instead of memory unsafety.

use super::{Instr, Op, Proto};

/// Why a prototype was rejected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifyError {
    pub pc: usize,
    pub message: String,
}

/// Checks `p` and its nested prototypes.
///
/// ```ignore
/// let ast = mani::syntax::parse(b"local a, b = 1, 2 return a + b", "t").unwrap();
/// let p = mani::compiler::compile(&ast, "t").unwrap();
/// assert!(mani::bytecode::verify(&p).is_ok());
/// ```
pub fn verify(p: &Proto) -> Result<(), VerifyError> {
    let max = p.max_stack as usize;
    let n = p.code.len();
    if n == 0 || !matches!(p.code[n - 1].op(), Op::Return | Op::Return0 | Op::Return1) {
        return Err(VerifyError {
            pc: n,
            message: "code does not end with a return".into(),
        });
    }
    for (pc, &i) in p.code.iter().enumerate() {
        if i.op_byte() as usize >= Op::COUNT {
            return Err(VerifyError {
                pc,
                message: format!("invalid opcode {}", i.op_byte()),
            });
        }
        let bad = |what: &str| VerifyError {
            pc,
            message: format!("{what} in {:?}", i),
        };
        // Highest register the instruction may touch (exclusive), if any.
        let (a, b, c) = (i.a(), i.b(), i.c());
        let top = match i.op() {
            Op::Move | Op::Unm | Op::BNot | Op::Not | Op::Len => a.max(b) + 1,
            Op::LoadK | Op::LoadI | Op::LoadF | Op::LoadFalse | Op::LFalseSkip | Op::LoadTrue => {
                a + 1
            }
            Op::LoadNil => a + b + 1,
            Op::GetUpval | Op::SetUpval | Op::GetTabUp => a + 1,
            Op::SetTabUp => c + 1,
            Op::SetTabUpK | Op::Jmp | Op::VarArgPrep | Op::ExtraArg => 0,
            Op::GetTable => a.max(b).max(c) + 1,
            Op::GetI | Op::GetField => a.max(b) + 1,
            Op::SetTable => a.max(b).max(c) + 1,
            Op::SetTableK => a.max(b) + 1,
            Op::SetI | Op::SetField => a.max(c) + 1,
            Op::SetIK | Op::SetFieldK => a + 1,
            Op::NewTable | Op::Closure | Op::Tbc | Op::Close | Op::Test => a + 1,
            Op::SelfOp => (a + 2).max(b + 1),
            // Listed one by one: this match is exhaustive so a new opcode must be
            // classified here.
            Op::AddI
            | Op::SubI
            | Op::AddK
            | Op::SubK
            | Op::MulK
            | Op::ModK
            | Op::PowK
            | Op::DivK
            | Op::IDivK
            | Op::BAndK
            | Op::BOrK
            | Op::BXorK
            | Op::ShrI
            | Op::ShlI => a.max(b) + 1,
            Op::Add
            | Op::Sub
            | Op::Mul
            | Op::Mod
            | Op::Pow
            | Op::Div
            | Op::IDiv
            | Op::BAnd
            | Op::BOr
            | Op::BXor
            | Op::Shl
            | Op::Shr => a.max(b).max(c) + 1,
            Op::Concat => a + b,
            Op::Eq | Op::Lt | Op::Le => a.max(b) + 1,
            Op::EqK | Op::EqI | Op::LtI | Op::LeI | Op::GtI | Op::GeI => a + 1,
            Op::TestSet => a.max(b) + 1,
            // Arguments up to B (or the dynamic top, checked when set), results at A.
            Op::Call | Op::TailCall => a + b.max(1),
            Op::Return => a + b.saturating_sub(1),
            Op::Return0 => 0,
            Op::Return1 => a + 1,
            Op::ForLoop | Op::ForPrep => a + 4,
            Op::TForPrep | Op::TForLoop => a + 5,
            Op::TForCall => a + 4 + c.max(3),
            Op::SetList => a + b + 1,
            Op::VarArg => a + c.saturating_sub(1),
        };
        if top > max {
            return Err(bad("register beyond max_stack"));
        }
        // Jump targets.
        let target = match i.op() {
            Op::Jmp => Some(pc as i64 + 1 + i.sj() as i64),
            Op::ForPrep => Some(pc as i64 + 1 + i.bx() as i64),
            Op::TForPrep => Some(pc as i64 + 1 + i.bx() as i64),
            Op::ForLoop | Op::TForLoop => Some(pc as i64 + 1 - i.bx() as i64),
            _ => None,
        };
        if let Some(t) = target {
            if t < 0 || t as usize >= n {
                return Err(bad("jump outside the code"));
            }
        }
        // Instructions that read or skip the next one: it must exist, and so must the
        // one after it (the code ends with a return, so execution never runs off it).
        let conditional = i.op().is_conditional();
        let with_extra = matches!(i.op(), Op::NewTable | Op::SetList);
        if (conditional || with_extra || i.op() == Op::LFalseSkip) && pc + 2 >= n {
            return Err(bad("missing following instruction"));
        }
        if conditional && p.code[pc + 1].op_byte() != Op::Jmp as u8 {
            return Err(bad("conditional not followed by a jump"));
        }
        if with_extra && p.code[pc + 1].op_byte() != Op::ExtraArg as u8 {
            return Err(bad("missing extra argument"));
        }
        let k_ok = match i.op() {
            Op::LoadK => i.bx() < p.consts.len(),
            Op::GetTabUp | Op::GetField | Op::SelfOp => c < p.consts.len(),
            Op::SetTabUp | Op::SetField => b < p.consts.len(),
            Op::SetTabUpK | Op::SetFieldK => b < p.consts.len() && c < p.consts.len(),
            Op::SetTableK | Op::SetIK => c < p.consts.len(),
            op if op.is_arith_k() => c < p.consts.len(),
            Op::EqK => b < p.consts.len(),
            Op::Closure => i.bx() < p.protos.len(),
            _ => true,
        };
        if !k_ok {
            return Err(bad("constant or prototype index out of range"));
        }
        let _: Instr = i;
    }
    for child in &p.protos {
        verify(child)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bytecode::Instr;

    #[test]
    fn rejects_registers_beyond_the_frame() {
        let mut p = Proto {
            max_stack: 2,
            ..Default::default()
        };
        p.code = vec![
            Instr::abc(Op::Move, 5, 0, 0),
            Instr::abc(Op::Return0, 0, 1, 0),
        ];
        p.lines = vec![1, 1];
        assert!(verify(&p).is_err());
        p.code[0] = Instr::abc(Op::Move, 1, 0, 0);
        assert!(verify(&p).is_ok());
    }

    #[test]
    fn rejects_wild_jumps() {
        let p = Proto {
            max_stack: 2,
            code: vec![Instr::jump(Op::Jmp, 10), Instr::abc(Op::Return0, 0, 1, 0)],
            lines: vec![1, 1],
            ..Default::default()
        };
        assert!(verify(&p).is_err());
    }

    #[test]
    fn rejects_bad_opcodes_and_unguarded_conditionals() {
        let mut p = Proto {
            max_stack: 2,
            code: vec![Instr(0xFF), Instr::abc(Op::Return0, 0, 1, 0)],
            lines: vec![1, 1],
            ..Default::default()
        };
        assert!(verify(&p).is_err());
        p.code = vec![
            Instr::abc(Op::Test, 0, 0, 1),
            Instr::abc(Op::LoadNil, 0, 0, 0),
            Instr::abc(Op::Return0, 0, 1, 0),
        ];
        p.lines = vec![1, 1, 1];
        assert!(verify(&p).is_err());
        p.code[1] = Instr::jump(Op::Jmp, 0);
        assert!(verify(&p).is_ok());
    }

    #[test]
    fn compiled_corpus_programs_verify() {
        for src in [
            "local t = {} for i = 1, 10 do t[i] = i * 2 end return #t",
            "local function f(...) return select('#', ...), ... end return f(1, 2, 3)",
            "for k, v in pairs({a = 1}) do local x <close> = nil end",
            "local s = 'a' .. 1 .. 2.5 .. 'b' goto x ::x:: return s:upper()",
            "local a, b = 1, 2 a, b = b, a return a < b and a or b",
        ] {
            let ast = crate::syntax::parse(src.as_bytes(), "t").unwrap();
            let p = crate::compiler::compile(&ast, "t").unwrap();
            verify(&p).unwrap_or_else(|e| panic!("{src}: {e:?}"));
        }
    }
}
