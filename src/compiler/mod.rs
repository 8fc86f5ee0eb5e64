//! The compiler: turns the AST into register-based bytecode prototypes.
//!
//! Expressions are compiled "into a target register" (or into a conditional jump for
//! tests), which keeps the code generator small while still producing the compact
//! shapes Lua 5.4 uses: constant operands (`ADDK`, `GETFIELD`, `EQK`), immediate
//! operands (`ADDI`, `LTI`) and compare-and-branch pairs.

mod expr;
mod fold;
mod scope;
mod stat;

use crate::bytecode::{Constant, Instr, LocVar, Op, Proto, UpvalDesc};
use crate::syntax::ast::{Block, FuncBody};
use rustc_hash::FxHashMap;
use std::sync::Arc;

/// Maximum number of registers a function may use.
const MAX_REGS: usize = 255;
/// Maximum number of active local variables per function (as in lua5.4).
const MAX_LOCALS: usize = 200;
/// Maximum number of upvalues per function.
const MAX_UPVALS: usize = 255;

/// A compile-time error, formatted like lua5.4's (`chunk:line: message`).
#[derive(Debug, Clone)]
pub struct CompileError {
    pub message: String,
}

type R<T> = Result<T, CompileError>;

/// Compiles a parsed chunk into the prototype of its main function.
///
/// ```ignore
/// let ast = mani::syntax::parse(b"return 1 + 2", "t").unwrap();
/// let proto = mani::compiler::compile(&ast, "t").unwrap();
/// assert!(proto.is_vararg);
/// ```
pub fn compile(block: &Block, source: &str) -> Result<Arc<Proto>, CompileError> {
    compile_named(block, source, source)
}

/// Like [`compile`], recording `chunk`, the chunk name as given to the loader
/// (`@file`, `=name` or the source text), for `debug.getinfo`'s `source`.
pub fn compile_named(block: &Block, source: &str, chunk: &str) -> Result<Arc<Proto>, CompileError> {
    let source: Arc<str> = Arc::from(source);
    let mut c = Compiler {
        funcs: Vec::new(),
        chunk: Arc::from(chunk),
        source: source.clone(),
        line: 0,
        cond_line: None,
        access_line: None,
    };
    c.open_func(0, 0, true);
    // The main chunk's only upvalue is _ENV, provided by the loader.
    c.fs().proto.upvals.push(UpvalDesc {
        name: "_ENV".into(),
        in_stack: true,
        idx: 0,
    });
    c.emit(Instr::abc(Op::VarArgPrep, 0, 0, 0));
    c.block_body(block)?;
    let p = c.close_func(block.end_line)?;
    Ok(Arc::new(p))
}

/// A local variable in scope.
#[derive(Debug, Clone)]
pub(crate) struct ActiveVar {
    name: String,
    kind: VarKind,
    /// Index into `proto.locvars` (registers only).
    locvar: usize,
    /// A `<close>` variable.
    tbc: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum VarKind {
    /// A register-held local (also `<close>` locals).
    Reg(u8),
    /// A `<const>` local whose value is known at compile time: it has no register.
    Const(Constant),
    /// A `<const>` local with a run-time value, kept in a register but not assignable.
    ConstReg(u8),
}

/// A lexical block.
#[derive(Debug)]
pub(crate) struct BlockScope {
    /// Number of active variables when the block was entered.
    nactive: usize,
    /// First free register when the block was entered.
    reg_level: usize,
    is_loop: bool,
    /// Some local of this block is captured by a closure or is to-be-closed.
    has_upval: bool,
    /// Index into `FuncState::labels` of this block's first label.
    first_label: usize,
    /// Index into `FuncState::gotos` of this block's first pending goto.
    first_goto: usize,
}

#[derive(Debug)]
pub(crate) struct PendingGoto {
    name: String,
    pc: usize,
    /// Register level at the goto.
    level: usize,
    needs_close: bool,
}

#[derive(Debug)]
pub(crate) struct LabelInfo {
    name: String,
    pc: usize,
    level: usize,
}

#[derive(Hash, PartialEq, Eq)]
enum ConstKey {
    Nil,
    Bool(bool),
    Int(i64),
    Num(u64),
    Str(Box<[u8]>),
}

/// Per-function compilation state.
pub(crate) struct FuncState {
    proto: Proto,
    consts: FxHashMap<ConstKey, u32>,
    actives: Vec<ActiveVar>,
    blocks: Vec<BlockScope>,
    gotos: Vec<PendingGoto>,
    labels: Vec<LabelInfo>,
    free_reg: usize,
    /// Number of registers held by active locals.
    nactive_regs: usize,
}

pub(crate) struct Compiler {
    funcs: Vec<FuncState>,
    source: Arc<str>,
    chunk: Arc<str>,
    /// Line attached to emitted instructions.
    line: u32,
    /// While the condition of an `if` compiles: the line of its `then`, for the
    /// test and jump that end it (comparisons keep their operator's line).
    cond_line: Option<u32>,
    /// The left operand of the binary operator being compiled and the operator's
    /// line, at which that operand is read if it is a variable (see `binop`).
    access_line: Option<(*const crate::syntax::ast::Expr, u32)>,
}

impl Compiler {
    #[inline]
    fn fs(&mut self) -> &mut FuncState {
        self.funcs.last_mut().expect("a function is open")
    }

    fn error<T>(&self, line: u32, msg: impl std::fmt::Display) -> R<T> {
        Err(CompileError {
            message: format!("{}:{}: {}", self.source, line, msg),
        })
    }

    fn open_func(&mut self, line: u32, end_line: u32, is_vararg: bool) {
        let proto = Proto {
            source: self.source.clone(),
            chunk: self.chunk.clone(),
            line_defined: line,
            last_line_defined: end_line,
            is_vararg,
            max_stack: 2,
            ..Default::default()
        };
        self.funcs.push(FuncState {
            proto,
            consts: FxHashMap::default(),
            actives: Vec::new(),
            blocks: Vec::new(),
            gotos: Vec::new(),
            labels: Vec::new(),
            free_reg: 0,
            nactive_regs: 0,
        });
    }

    fn close_func(&mut self, end_line: u32) -> R<Proto> {
        self.line = end_line;
        self.emit(Instr::abc(Op::Return0, 0, 1, 0));
        let mut fs = self.funcs.pop().expect("open function");
        let pc = fs.proto.code.len() as u32;
        for lv in &mut fs.proto.locvars {
            if lv.end_pc == u32::MAX {
                lv.end_pc = pc;
            }
        }
        Ok(fs.proto)
    }

    /// Appends an instruction with the current line; returns its pc.
    fn emit(&mut self, i: Instr) -> usize {
        let line = self.line;
        let p = &mut self.fs().proto;
        p.code.push(i);
        p.lines.push(line);
        p.code.len() - 1
    }

    fn pc(&mut self) -> usize {
        self.fs().proto.code.len()
    }

    /// Emits a `JMP` to be patched later.
    fn emit_jmp(&mut self) -> usize {
        self.emit(Instr::jump(Op::Jmp, 0))
    }

    /// Points the jump at `jmp` to `target`.
    fn patch_to(&mut self, jmp: usize, target: usize) {
        let off = target as i32 - (jmp as i32 + 1);
        self.fs().proto.code[jmp].set_sj(off);
    }

    fn patch_here(&mut self, jmps: &[usize]) {
        let here = self.pc();
        for &j in jmps {
            self.patch_to(j, here);
        }
    }

    /// Reserves `n` registers at the top; returns the first.
    fn alloc_regs(&mut self, n: usize) -> R<u8> {
        let first = self.fs().free_reg;
        let top = first + n;
        if top > MAX_REGS {
            return self.error(self.line, "function or expression needs too many registers");
        }
        let fs = self.fs();
        fs.free_reg = top;
        if top > fs.proto.max_stack as usize {
            fs.proto.max_stack = top as u8;
        }
        Ok(first as u8)
    }

    fn alloc_reg(&mut self) -> R<u8> {
        self.alloc_regs(1)
    }

    /// Frees registers down to `reg` (never below the active locals).
    fn free_to(&mut self, reg: usize) {
        let fs = self.fs();
        fs.free_reg = reg.max(fs.nactive_regs);
    }

    fn add_const(&mut self, c: Constant) -> u32 {
        let key = match &c {
            Constant::Nil => ConstKey::Nil,
            Constant::Bool(b) => ConstKey::Bool(*b),
            Constant::Int(i) => ConstKey::Int(*i),
            Constant::Num(f) => ConstKey::Num(f.to_bits()),
            Constant::Str(s) => ConstKey::Str(s.clone()),
        };
        let fs = self.fs();
        if let Some(&i) = fs.consts.get(&key) {
            return i;
        }
        let i = fs.proto.consts.len() as u32;
        fs.proto.consts.push(c);
        fs.consts.insert(key, i);
        i
    }

    fn str_const(&mut self, s: &[u8]) -> u32 {
        self.add_const(Constant::Str(s.into()))
    }

    /// Loads a constant into `reg` with the shortest instruction.
    fn load_const(&mut self, reg: u8, c: Constant) -> R<()> {
        match c {
            Constant::Nil => {
                self.emit(Instr::abc(Op::LoadNil, reg, 0, 0));
            }
            Constant::Bool(true) => {
                self.emit(Instr::abc(Op::LoadTrue, reg, 0, 0));
            }
            Constant::Bool(false) => {
                self.emit(Instr::abc(Op::LoadFalse, reg, 0, 0));
            }
            Constant::Int(i) if (-0x7FFF..=0x8000).contains(&i) => {
                self.emit(Instr::asbx(Op::LoadI, reg, i as i32));
            }
            Constant::Num(f)
                if f.fract() == 0.0
                    && (-0x7FFF as f64..=0x8000 as f64).contains(&f)
                    && !(f == 0.0 && f.is_sign_negative()) =>
            {
                self.emit(Instr::asbx(Op::LoadF, reg, f as i32));
            }
            c => {
                let k = self.add_const(c);
                if k > 0xFFFF {
                    return self.error(self.line, "too many constants");
                }
                self.emit(Instr::abx(Op::LoadK, reg, k));
            }
        }
        Ok(())
    }

    /// Compiles a nested function and emits `CLOSURE` into `target`.
    fn function(&mut self, f: &FuncBody, target: u8) -> R<()> {
        let line = self.line;
        self.open_func(f.line, f.end_line, f.is_vararg);
        if f.is_method {
            self.declare_local("self".into(), VarKind::Reg(0))?;
        }
        for p in &f.params {
            let r = self.fs().free_reg as u8;
            self.declare_local(p.clone(), VarKind::Reg(r))?;
        }
        let np = self.fs().actives.len();
        if np > MAX_LOCALS {
            return self.error(f.line, "too many local variables");
        }
        self.fs().proto.num_params = np as u8;
        if f.is_vararg {
            self.line = f.line;
            self.emit(Instr::abc(Op::VarArgPrep, np as u8, 0, 0));
        }
        self.block_body(&f.body)?;
        let proto = self.close_func(f.end_line)?;
        self.line = line;
        let fs = self.fs();
        let idx = fs.proto.protos.len();
        fs.proto.protos.push(Arc::new(proto));
        if idx > 0xFFFF {
            return self.error(line, "too many nested functions");
        }
        // The interpreter's collector check after CLOSURE treats registers above
        // its target as dead, so a target below live registers (`a = function()
        // end` with later locals) builds in a fresh register and moves.
        // The closure is made on the line of the function's `end`, as in lua5.4.
        self.line = f.end_line;
        if (target as usize) + 1 < self.fs().free_reg {
            let tmp = self.alloc_regs(1)?;
            self.emit(Instr::abx(Op::Closure, tmp, idx as u32));
            self.emit(Instr::abc(Op::Move, target, tmp, 0));
            self.free_to(tmp as usize);
        } else {
            self.emit(Instr::abx(Op::Closure, target, idx as u32));
        }
        self.line = line;
        Ok(())
    }

    /// Adds a local to the current scope, occupying its register if it has one.
    fn declare_local(&mut self, name: String, kind: VarKind) -> R<()> {
        let fs = self.fs();
        let locvar = fs.proto.locvars.len();
        if let VarKind::Reg(r) | VarKind::ConstReg(r) = kind {
            let start_pc = fs.proto.code.len() as u32;
            fs.proto.locvars.push(LocVar {
                name: name.clone(),
                start_pc,
                end_pc: u32::MAX,
            });
            debug_assert_eq!(r as usize, fs.nactive_regs);
            fs.nactive_regs = r as usize + 1;
            if fs.free_reg < fs.nactive_regs {
                fs.free_reg = fs.nactive_regs;
                if fs.free_reg > fs.proto.max_stack as usize {
                    fs.proto.max_stack = fs.free_reg as u8;
                }
            }
        }
        fs.actives.push(ActiveVar {
            name,
            kind,
            locvar,
            tbc: false,
        });
        if fs.actives.len() > MAX_LOCALS {
            let line = self.line;
            return self.error(
                line,
                format!("too many local variables (limit is {MAX_LOCALS})"),
            );
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
