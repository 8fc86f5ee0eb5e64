//! Bytecode: the instruction format, opcodes and function prototypes.
//!
//! Prototypes hold no heap handles, so a compiled [`Proto`] can be shared (`Arc`) by
//! many States: each State instantiates its constants when it loads the program.

mod opcode;
mod proto;
mod verify;

pub use opcode::{Instr, Op};
pub use proto::{Constant, LocVar, Proto, UpvalDesc};
pub use verify::{verify, VerifyError};
