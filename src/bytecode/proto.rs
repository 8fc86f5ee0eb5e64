//! Function prototypes: compiled code plus constants and debug information.

use super::Instr;
use std::sync::Arc;

/// A constant in a prototype's constant table.
#[derive(Debug, Clone, PartialEq)]
pub enum Constant {
    Nil,
    Bool(bool),
    Int(i64),
    Num(f64),
    Str(Box<[u8]>),
}

/// Describes where a closure finds upvalue `i` when it is created.
#[derive(Debug, Clone)]
pub struct UpvalDesc {
    pub name: String,
    /// True: the enclosing function's register `idx`; false: its upvalue `idx`.
    pub in_stack: bool,
    pub idx: u8,
}

/// A local variable's name and the pc range where it is active (for error messages).
#[derive(Debug, Clone)]
pub struct LocVar {
    pub name: String,
    pub start_pc: u32,
    pub end_pc: u32,
}

/// A compiled function.
#[derive(Debug, Default)]
pub struct Proto {
    pub code: Vec<Instr>,
    /// Source line of each instruction.
    pub lines: Vec<u32>,
    pub consts: Vec<Constant>,
    pub protos: Vec<Arc<Proto>>,
    pub upvals: Vec<UpvalDesc>,
    pub locvars: Vec<LocVar>,
    pub num_params: u8,
    pub is_vararg: bool,
    pub max_stack: u8,
    pub line_defined: u32,
    pub last_line_defined: u32,
    /// Chunk name as shown in messages (`script.lua`, `[string "..."]`).
    pub source: Arc<str>,
    /// Chunk name as given to the loader (`@script.lua`, `=stdin`, the source
    /// text): `debug.getinfo`'s `source`.
    pub chunk: Arc<str>,
    /// The source text of the whole chunk, shared by its prototypes: what
    /// `string.dump` writes (see `bytecode::dump`).
    pub text: Option<Arc<[u8]>>,
    /// Child indices from the chunk's main function down to this one.
    pub path: Box<[u32]>,
}

impl Proto {
    /// The source line of the instruction before `pc` (the one running when a frame
    /// saved `pc`), as messages show it: -1 without line information (a stripped
    /// binary chunk), as in lua5.4.
    pub fn line_before(&self, pc: usize) -> i64 {
        self.lines
            .get(pc.saturating_sub(1))
            .map_or(-1, |&l| l as i64)
    }

    /// Name of the local variable in register `reg` at `pc`, if any.
    pub fn local_name(&self, reg: usize, pc: usize) -> Option<&str> {
        let mut n = reg as isize;
        for lv in &self.locvars {
            if lv.start_pc as usize > pc {
                break;
            }
            if pc < lv.end_pc as usize {
                if n == 0 {
                    return Some(&lv.name);
                }
                n -= 1;
            }
        }
        None
    }
}
