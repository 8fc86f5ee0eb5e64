//! Scopes: blocks, local variables, upvalue resolution, gotos and labels.

use super::{BlockScope, Compiler, LabelInfo, PendingGoto, VarKind, MAX_UPVALS, R};
use crate::bytecode::{Constant, Instr, Op, UpvalDesc};

/// Where a name resolves to.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum VarLoc {
    Local(u8),
    Upval(u8),
    Const(Constant),
    Global,
}

impl Compiler {
    pub(crate) fn enter_block(&mut self, is_loop: bool) {
        let fs = self.fs();
        let b = BlockScope {
            nactive: fs.actives.len(),
            reg_level: fs.nactive_regs,
            is_loop,
            has_upval: false,
            first_label: fs.labels.len(),
            first_goto: fs.gotos.len(),
        };
        fs.blocks.push(b);
    }

    /// Leaves a block: ends its locals, emits `CLOSE` if needed, and moves its pending
    /// gotos out (resolving `break`s if it is a loop).
    pub(crate) fn leave_block(&mut self) -> R<()> {
        let pc = self.pc();
        let fs = self.fs();
        let b = fs.blocks.pop().expect("open block");
        // End the locals' debug ranges.
        for v in fs.actives.drain(b.nactive..) {
            if let VarKind::Reg(_) | VarKind::ConstReg(_) = v.kind {
                fs.proto.locvars[v.locvar].end_pc = pc as u32;
            }
        }
        fs.nactive_regs = b.reg_level;
        fs.free_reg = b.reg_level;
        fs.labels.truncate(b.first_label);
        let has_outer = !fs.blocks.is_empty();
        // Pending gotos leave this block: they must close its upvalues if it has any.
        for g in &mut fs.gotos[b.first_goto..] {
            if g.level > b.reg_level {
                if b.has_upval {
                    g.needs_close = true;
                }
                g.level = b.reg_level;
            }
        }
        if b.is_loop {
            // Resolve `break`s: they jump to here.
            self.create_label("break", b.first_goto, false)?;
        }
        if b.has_upval && has_outer {
            self.emit(Instr::abc(Op::Close, b.reg_level as u8, 0, 0));
            // The CLOSE belongs before the loop exit label only when no break needed it;
            // either order is correct since both close the same level.
        }
        let fs = self.fs();
        if fs.blocks.is_empty() {
            // Function body ends: any goto left is an error the parser already reports.
            fs.gotos.truncate(b.first_goto);
        }
        Ok(())
    }

    /// Declares a label at the current pc and resolves pending gotos to it.
    /// `first_goto` limits the search to gotos of the current block and nested ones.
    pub(crate) fn create_label(&mut self, name: &str, first_goto: usize, last: bool) -> R<()> {
        let pc = self.pc();
        let fs = self.fs();
        let level = if last {
            fs.blocks.last().map(|b| b.reg_level).unwrap_or(0)
        } else {
            fs.nactive_regs
        };
        let mut needs_close = false;
        let mut i = first_goto;
        let mut matched = Vec::new();
        while i < fs.gotos.len() {
            if fs.gotos[i].name == name {
                let g = fs.gotos.remove(i);
                needs_close |= g.needs_close;
                matched.push(g.pc);
            } else {
                i += 1;
            }
        }
        if name != "break" {
            fs.labels.push(LabelInfo {
                name: name.to_string(),
                pc,
                level,
            });
        }
        for j in matched {
            self.patch_to(j, pc);
        }
        if needs_close {
            self.emit(Instr::abc(Op::Close, level as u8, 0, 0));
        }
        Ok(())
    }

    /// `goto name` (and `break`, which is `goto break`).
    pub(crate) fn goto(&mut self, name: &str) -> R<()> {
        let fs = self.fs();
        let level = fs.nactive_regs;
        // A visible label already defined means a backward jump.
        let found = fs
            .labels
            .iter()
            .rev()
            .find(|l| l.name == name)
            .map(|l| (l.pc, l.level));
        match found {
            Some((pc, lvl)) => {
                if level > lvl {
                    self.emit(Instr::abc(Op::Close, lvl as u8, 0, 0));
                }
                let j = self.emit_jmp();
                self.patch_to(j, pc);
            }
            None => {
                let j = self.emit_jmp();
                self.fs().gotos.push(PendingGoto {
                    name: name.to_string(),
                    pc: j,
                    level,
                    needs_close: false,
                });
            }
        }
        Ok(())
    }

    /// Resolves a variable name in the current function and its enclosing ones.
    pub(crate) fn resolve(&mut self, name: &str) -> R<VarLoc> {
        let level = self.funcs.len() - 1;
        Ok(self.resolve_in(level, name)?.unwrap_or(VarLoc::Global))
    }

    fn resolve_in(&mut self, level: usize, name: &str) -> R<Option<VarLoc>> {
        let fs = &mut self.funcs[level];
        if let Some(pos) = fs.actives.iter().rposition(|v| v.name == name) {
            return Ok(Some(match &fs.actives[pos].kind {
                VarKind::Reg(r) | VarKind::ConstReg(r) => VarLoc::Local(*r),
                VarKind::Const(c) => VarLoc::Const(c.clone()),
            }));
        }
        if let Some(i) = fs.proto.upvals.iter().position(|u| u.name == name) {
            return Ok(Some(VarLoc::Upval(i as u8)));
        }
        if level == 0 {
            return Ok(None);
        }
        let (in_stack, idx) = match self.resolve_in(level - 1, name)? {
            None => return Ok(None),
            Some(VarLoc::Const(c)) => return Ok(Some(VarLoc::Const(c))),
            Some(VarLoc::Global) => return Ok(Some(VarLoc::Global)),
            Some(VarLoc::Local(r)) => {
                self.mark_captured(level - 1, r);
                (true, r)
            }
            Some(VarLoc::Upval(u)) => (false, u),
        };
        let fs = &mut self.funcs[level];
        if fs.proto.upvals.len() >= MAX_UPVALS {
            // Where, as lua5.4's limit messages say it.
            let place = match fs.proto.line_defined {
                0 => "main function".to_string(),
                l => format!("function at line {l}"),
            };
            let line = self.line;
            return self.error(
                line,
                format!("too many upvalues (limit is {MAX_UPVALS}) in {place}"),
            );
        }
        fs.proto.upvals.push(UpvalDesc {
            name: name.to_string(),
            in_stack,
            idx,
        });
        Ok(Some(VarLoc::Upval((fs.proto.upvals.len() - 1) as u8)))
    }

    /// Records that register `reg` of function `level` is captured, so its block closes it.
    pub(crate) fn mark_captured(&mut self, level: usize, reg: u8) {
        let fs = &mut self.funcs[level];
        if let Some(b) = fs
            .blocks
            .iter_mut()
            .rev()
            .find(|b| b.reg_level <= reg as usize)
        {
            b.has_upval = true;
        }
    }
}
