//! Bytecode: the instruction format, opcodes and function prototypes.
//!
//! Prototypes hold no heap handles, so a compiled [`Proto`] can be shared (`Arc`) by
//! many States: each State instantiates its constants when it loads the program.

mod dump;
mod opcode;
mod proto;
mod verify;

pub use dump::{attach_text, dump, select, strip, undump};
pub use opcode::{Instr, Op};
pub use proto::{Constant, LocVar, Proto, UpvalDesc};
pub use verify::verify;

/// Appends a readable listing of `p` and its nested functions to `out`.
pub(crate) fn listing(p: &std::sync::Arc<Proto>, depth: usize, out: &mut String) {
    use std::fmt::Write;
    let pad = "  ".repeat(depth);
    let _ = writeln!(
        out,
        "{pad}function <{}:{}> params={} vararg={} maxstack={} consts={}",
        p.source,
        p.line_defined,
        p.num_params,
        p.is_vararg,
        p.max_stack,
        p.consts.len()
    );
    for (pc, i) in p.code.iter().enumerate() {
        let _ = writeln!(out, "{pad}  {pc:4} [{:3}] {:?}", p.lines[pc], i);
    }
    for c in &p.protos {
        listing(c, depth + 1, out);
    }
}
