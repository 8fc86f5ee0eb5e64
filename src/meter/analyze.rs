//! Static cost analysis: what each function's code costs under a cost model.

use super::{segments, CostModel};
use crate::bytecode::{Op, Proto};
use std::fmt::Write;

/// The analysis of one function prototype.
#[derive(Debug, Clone)]
pub struct FunctionCost {
    /// `main chunk` or `function <chunk:line>`.
    pub name: String,
    /// Instruction count per opcode, in opcode order (opcodes that occur only).
    pub ops: Vec<(Op, usize)>,
    /// Number of instructions.
    pub instructions: usize,
    /// Sum of the costs of all instructions (each counted once).
    pub static_cost: u64,
    /// Cost of the entry segment: what a call costs before its first branch.
    pub entry_cost: u64,
    /// The most expensive straight-line segment and where it starts (line).
    pub max_segment: (u64, u32),
    /// Number of loops (backward jumps and loop instructions).
    pub loops: usize,
}

/// Analyses `p` and every nested function, outermost first.
///
/// ```ignore
/// let ast = mani::syntax::parse(b"local x = 1 for i = 1, 10 do x = x + i end", "t").unwrap();
/// let p = mani::compiler::compile(&ast, "t").unwrap();
/// let fns = mani::meter::analyze(&p, &mani::meter::CostModel::default());
/// assert_eq!(fns[0].loops, 1);
/// assert!(fns[0].static_cost >= fns[0].instructions as u64);
/// ```
pub fn analyze(p: &Proto, model: &CostModel) -> Vec<FunctionCost> {
    let mut out = Vec::new();
    walk(p, model, true, &mut out);
    out
}

fn walk(p: &Proto, model: &CostModel, main: bool, out: &mut Vec<FunctionCost>) {
    let mut counts = [0usize; Op::COUNT];
    let mut loops = 0;
    let mut static_cost = 0u64;
    for (pc, i) in p.code.iter().enumerate() {
        let op = i.op();
        counts[op as usize] += 1;
        static_cost += model.op(op) as u64;
        let back_jump = op == Op::Jmp && i.sj() < 0;
        let cond_back = pc > 0 && p.code[pc - 1].op().is_conditional();
        if matches!(op, Op::ForLoop | Op::TForLoop) || (back_jump && !cond_back) {
            loops += 1;
        }
    }
    let segs = segments(&p.code, model);
    let max_segment = segs
        .iter()
        .enumerate()
        .map(|(pc, s)| (s.cost as u64, p.lines.get(pc).copied().unwrap_or(0)))
        .max_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)))
        .unwrap_or((0, 0));
    let ops = (0..Op::COUNT)
        .filter(|&o| counts[o] > 0)
        .map(|o| (Op::from_u8(o as u8), counts[o]))
        .collect();
    out.push(FunctionCost {
        name: if main {
            "main chunk".to_string()
        } else {
            format!("function <{}:{}>", p.source, p.line_defined)
        },
        ops,
        instructions: p.code.len(),
        static_cost,
        entry_cost: segs.first().map_or(0, |s| s.cost as u64),
        max_segment,
        loops,
    });
    for c in &p.protos {
        walk(c, model, false, out);
    }
}

/// A readable report of [`analyze`]'s results.
pub fn report(fns: &[FunctionCost]) -> String {
    let mut s = String::new();
    for f in fns {
        let _ = writeln!(
            s,
            "{}: {} instructions, static cost {}, entry cost {}, largest segment {} (line {}), {} loop{}",
            f.name,
            f.instructions,
            f.static_cost,
            f.entry_cost,
            f.max_segment.0,
            f.max_segment.1,
            f.loops,
            if f.loops == 1 { "" } else { "s" }
        );
        let parts: Vec<String> = f
            .ops
            .iter()
            .map(|(op, n)| format!("{}={n}", format!("{op:?}").to_uppercase()))
            .collect();
        let _ = writeln!(s, "  {}", parts.join(" "));
    }
    s
}
