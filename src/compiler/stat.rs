//! Statement compilation.

use super::fold::const_value;
use super::scope::VarLoc;
use super::{Compiler, VarKind, R};
use crate::bytecode::{Constant, Instr, Op};
use crate::syntax::ast::{Attrib, Block, Expr, ExprKind, FuncName, Stat};

/// An assignment target after its table and key have been evaluated.
enum Target {
    Local(u8),
    Upval(u8),
    Global(String),
    /// Table register and key.
    Index(u8, TargetKey),
}

/// The key of an indexed assignment target.
enum TargetKey {
    /// A constant key, kept symbolic so the store can use `SETFIELD`/`SETI`.
    Const(Expr),
    /// A key already evaluated into a register.
    Reg(u8),
}

impl Compiler {
    /// Compiles a block in a new scope.
    pub(crate) fn block_body(&mut self, b: &Block) -> R<()> {
        self.enter_block(false);
        self.block_stats(b)?;
        self.leave_block()
    }

    fn block_stats(&mut self, b: &Block) -> R<()> {
        let n = b.stats.len();
        for (i, s) in b.stats.iter().enumerate() {
            // A label followed only by labels/nothing is "at the end of the block".
            let last = b.ret.is_none()
                && b.stats[i + 1..]
                    .iter()
                    .all(|s| matches!(s, Stat::Label { .. }));
            self.stat(s, last && i < n)?;
        }
        if let Some(r) = &b.ret {
            self.ret(&r.exprs, r.line)?;
        }
        Ok(())
    }

    fn stat(&mut self, s: &Stat, last: bool) -> R<()> {
        match s {
            Stat::Call(e) => {
                let entry = self.fs().free_reg;
                // The statement's first instructions (moving the function into
                // place) are on its line, not the previous statement's.
                self.line = e.line;
                self.call(e, 0)?;
                self.free_to(entry);
            }
            Stat::Local { names, exprs, line } => self.local(names, exprs, *line)?,
            Stat::Assign {
                targets,
                exprs,
                line,
            } => self.assign(targets, exprs, *line)?,
            Stat::Do(b) => self.block_body(b)?,
            Stat::While { cond, body, line } => {
                self.line = *line;
                let start = self.pc();
                self.enter_block(true);
                let exits = self.cond_jump(cond, false)?;
                self.block_body(body)?;
                let j = self.emit_jmp();
                self.patch_to(j, start);
                self.patch_here(&exits);
                self.leave_block()?;
            }
            Stat::Repeat { body, cond, line } => {
                self.line = *line;
                let start = self.pc();
                self.enter_block(true);
                self.enter_block(false);
                self.block_stats(body)?;
                let jf = self.cond_jump(cond, false)?;
                let has_upval = self
                    .fs()
                    .blocks
                    .last()
                    .map(|b| b.has_upval)
                    .unwrap_or(false);
                if has_upval {
                    let exit = self.emit_jmp();
                    self.patch_here(&jf);
                    let level = self.fs().blocks.last().map(|b| b.reg_level).unwrap_or(0);
                    self.emit(Instr::abc(Op::Close, level as u8, 0, 0));
                    let back = self.emit_jmp();
                    self.patch_to(back, start);
                    self.patch_here(&[exit]);
                } else {
                    for j in jf {
                        self.patch_to(j, start);
                    }
                }
                self.leave_block()?;
                self.leave_block()?;
            }
            Stat::If {
                conds, else_block, ..
            } => {
                let mut exits = Vec::new();
                let n = conds.len();
                for (i, (cond, block, then_line)) in conds.iter().enumerate() {
                    self.cond_line = Some(*then_line);
                    let jf = self.cond_jump(cond, false)?;
                    self.cond_line = None;
                    self.block_body(block)?;
                    if i + 1 < n || else_block.is_some() {
                        exits.push(self.emit_jmp());
                    }
                    self.patch_here(&jf);
                }
                if let Some(b) = else_block {
                    self.block_body(b)?;
                }
                self.patch_here(&exits);
            }
            Stat::NumFor {
                var,
                start,
                limit,
                step,
                body,
                line,
            } => {
                self.enter_block(true);
                let base = self.fs().free_reg as u8;
                self.expr_next(start)?;
                self.expr_next(limit)?;
                match step {
                    Some(s) => {
                        self.expr_next(s)?;
                    }
                    None => {
                        let r = self.alloc_reg()?;
                        self.load_const(r, Constant::Int(1))?;
                    }
                }
                self.free_to(base as usize);
                for i in 0..3 {
                    self.declare_local("(for state)".into(), VarKind::Reg(base + i))?;
                }
                self.line = *line;
                let prep = self.emit(Instr::abx(Op::ForPrep, base, 0));
                self.enter_block(false);
                self.declare_local(var.clone(), VarKind::Reg(base + 3))?;
                self.block_stats(body)?;
                self.leave_block()?;
                self.line = *line;
                let lp = self.emit(Instr::abx(Op::ForLoop, base, 0));
                let dist = (lp - prep) as u32;
                if dist > 0xFFFF {
                    return self.error(*line, "control structure too long");
                }
                self.fs().proto.code[prep].set_bx(dist);
                self.fs().proto.code[lp].set_bx(dist);
                self.leave_block()?;
            }
            Stat::GenFor {
                names,
                exprs,
                body,
                line,
            } => {
                self.enter_block(true);
                let base = self.fs().free_reg as u8;
                self.explist(exprs, 4)?;
                self.free_to(base as usize);
                for i in 0..4 {
                    self.declare_local("(for state)".into(), VarKind::Reg(base + i))?;
                }
                // The closing value is to-be-closed: the loop block must close it.
                if let Some(b) = self.fs().blocks.last_mut() {
                    b.has_upval = true;
                }
                // Room to copy the iterator, state and control for the call.
                let extra = self.alloc_regs(7)?;
                self.free_to(extra as usize);
                self.line = *line;
                let prep = self.emit(Instr::abx(Op::TForPrep, base, 0));
                self.enter_block(false);
                for (i, n) in names.iter().enumerate() {
                    self.declare_local(n.clone(), VarKind::Reg(base + 4 + i as u8))?;
                }
                self.block_stats(body)?;
                self.leave_block()?;
                self.line = *line;
                let call = self.emit(Instr::abc(Op::TForCall, base, 0, names.len() as u8));
                let lp = self.emit(Instr::abx(Op::TForLoop, base, 0));
                let fwd = (call - (prep + 1)) as u32;
                let back = (lp - prep) as u32;
                if back > 0xFFFF {
                    return self.error(*line, "control structure too long");
                }
                self.fs().proto.code[prep].set_bx(fwd);
                self.fs().proto.code[lp].set_bx(back);
                self.leave_block()?;
            }
            Stat::Function { name, func, line } => self.function_stat(name, func, *line)?,
            Stat::LocalFunction { name, func, line } => {
                let r = self.alloc_reg()?;
                self.free_to(r as usize);
                self.declare_local(name.clone(), VarKind::Reg(r))?;
                self.line = *line;
                self.function(func, r)?;
            }
            Stat::Break { line } => {
                self.line = *line;
                self.goto("break")?;
            }
            Stat::Goto { label, line } => {
                self.line = *line;
                self.goto(label)?;
            }
            Stat::Label { name, .. } => {
                let first = self.fs().blocks.last().map(|b| b.first_goto).unwrap_or(0);
                self.create_label(name, first, last)?;
            }
        }
        Ok(())
    }

    fn local(
        &mut self,
        names: &[crate::syntax::ast::LocalName],
        exprs: &[Expr],
        line: u32,
    ) -> R<()> {
        self.line = line;
        // `local x <const> = literal` is a compile-time constant with no register.
        if names.len() == 1 && exprs.len() == 1 && names[0].attrib == Some(Attrib::Const) {
            if let Some(c) = const_value(&exprs[0]) {
                return self.declare_local(names[0].name.clone(), VarKind::Const(c));
            }
        }
        let base = self.fs().free_reg as u8;
        self.explist(exprs, names.len() as i32)?;
        self.free_to(base as usize);
        for (i, n) in names.iter().enumerate() {
            let r = base + i as u8;
            let kind = match n.attrib {
                Some(Attrib::Const) => VarKind::ConstReg(r),
                _ => VarKind::Reg(r),
            };
            self.declare_local(n.name.clone(), kind)?;
            if n.attrib == Some(Attrib::Close) {
                if let Some(v) = self.fs().actives.last_mut() {
                    v.tbc = true;
                }
                if let Some(b) = self.fs().blocks.last_mut() {
                    b.has_upval = true;
                }
                self.line = line;
                self.emit(Instr::abc(Op::Tbc, r, 0, 0));
            }
        }
        Ok(())
    }

    /// Evaluates the parts of an assignment target that must be computed first.
    fn target(&mut self, e: &Expr, multi: bool) -> R<Target> {
        Ok(match &e.kind {
            ExprKind::Name(n) => match self.resolve(n)? {
                VarLoc::Local(r) => Target::Local(r),
                VarLoc::Upval(u) => Target::Upval(u),
                VarLoc::Const(_) => Target::Global(n.clone()), // parser rejects this
                VarLoc::Global => Target::Global(n.clone()),
            },
            ExprKind::Index(obj, key) => {
                let o = if multi {
                    self.expr_next(obj)?
                } else {
                    self.expr_any(obj)?
                };
                // Keep constant keys symbolic; evaluate others now.
                let key = match const_value(key) {
                    Some(Constant::Str(_)) | Some(Constant::Int(_)) => {
                        TargetKey::Const((**key).clone())
                    }
                    _ => TargetKey::Reg(if multi {
                        self.expr_next(key)?
                    } else {
                        self.expr_any(key)?
                    }),
                };
                Target::Index(o, key)
            }
            _ => return self.error(e.line, "syntax error"),
        })
    }

    /// Stores the value in register `v` (or the expression `value`) into a target.
    fn store(&mut self, t: &Target, value: &Expr, line: u32) -> R<()> {
        match t {
            Target::Local(r) => {
                self.expr_to(value, *r)?;
            }
            Target::Upval(u) => {
                let entry = self.fs().free_reg;
                let v = self.expr_any(value)?;
                self.line = line;
                self.emit(Instr::abc(Op::SetUpval, v, *u, 0));
                self.free_to(entry);
            }
            Target::Global(name) => {
                let entry = self.fs().free_reg;
                let k = self.str_const(name.as_bytes());
                match self.resolve("_ENV")? {
                    VarLoc::Upval(u) if k <= 255 => {
                        let kv = const_value(value).and_then(|c| {
                            let kc = self.add_const(c);
                            (kc <= 255).then_some(kc as u8)
                        });
                        let ins = match kv {
                            Some(kc) => Instr::abc(Op::SetTabUpK, u, k as u8, kc),
                            None => {
                                let v = self.expr_any(value)?;
                                Instr::abc(Op::SetTabUp, u, k as u8, v)
                            }
                        };
                        self.line = line;
                        self.emit(ins);
                    }
                    _ => {
                        let env =
                            self.expr_next(&Expr::new(ExprKind::Name("_ENV".into()), line))?;
                        let key = Expr::new(ExprKind::Str(name.as_bytes().to_vec()), line);
                        self.store_index(env, &key, value, line)?;
                    }
                }
                self.free_to(entry);
            }
            Target::Index(o, TargetKey::Reg(r)) => {
                let entry = self.fs().free_reg;
                self.store_value(*o, (2, *r), value, line)?;
                self.free_to(entry);
            }
            Target::Index(o, TargetKey::Const(key)) => {
                self.store_index(*o, key, value, line)?;
            }
        }
        Ok(())
    }

    fn assign(&mut self, targets: &[Expr], exprs: &[Expr], line: u32) -> R<()> {
        let entry = self.fs().free_reg;
        if targets.len() == 1 && exprs.len() == 1 {
            let t = self.target(&targets[0], false)?;
            // A local target is written directly; expressions built in several steps
            // (`and`/`or`, table constructors, also when parenthesised) use a
            // temporary when their target is an active local, see `is_top_temp`.
            self.store(&t, &exprs[0], line)?;
            self.free_to(entry);
            return Ok(());
        }
        let mut ts = Vec::with_capacity(targets.len());
        for t in targets {
            ts.push(self.target(t, true)?);
        }
        let vbase = self.fs().free_reg as u8;
        self.explist(exprs, targets.len() as i32)?;
        // Assign right to left, as lua5.4 does.
        for (i, t) in ts.iter().enumerate().rev() {
            self.store_from_reg(t, vbase + i as u8, line)?;
        }
        self.free_to(entry);
        Ok(())
    }

    /// Stores register `reg` into an evaluated target.
    fn store_from_reg(&mut self, t: &Target, reg: u8, line: u32) -> R<()> {
        self.line = line;
        match t {
            Target::Local(r) => {
                self.emit(Instr::abc(Op::Move, *r, reg, 0));
            }
            Target::Upval(u) => {
                self.emit(Instr::abc(Op::SetUpval, reg, *u, 0));
            }
            Target::Global(name) => {
                let k = self.str_const(name.as_bytes());
                match self.resolve("_ENV")? {
                    VarLoc::Upval(u) if k <= 255 => {
                        self.line = line;
                        self.emit(Instr::abc(Op::SetTabUp, u, k as u8, reg));
                    }
                    _ => {
                        let entry = self.fs().free_reg;
                        let env =
                            self.expr_next(&Expr::new(ExprKind::Name("_ENV".into()), line))?;
                        let kr = self.alloc_reg()?;
                        self.load_const(kr, Constant::Str(name.as_bytes().into()))?;
                        self.line = line;
                        self.emit(Instr::abc(Op::SetTable, env, kr, reg));
                        self.free_to(entry);
                    }
                }
            }
            Target::Index(o, key) => {
                let entry = self.fs().free_reg;
                let key = match key {
                    TargetKey::Reg(r) => {
                        self.line = line;
                        self.emit(Instr::abc(Op::SetTable, *o, *r, reg));
                        return Ok(());
                    }
                    TargetKey::Const(k) => k,
                };
                let ins = match const_value(key) {
                    Some(Constant::Str(s)) => {
                        let k = self.str_const(&s);
                        if k <= 255 {
                            Instr::abc(Op::SetField, *o, k as u8, reg)
                        } else {
                            let kr = self.alloc_reg()?;
                            self.load_const(kr, Constant::Str(s))?;
                            Instr::abc(Op::SetTable, *o, kr, reg)
                        }
                    }
                    Some(Constant::Int(i)) if (0..=255).contains(&i) => {
                        Instr::abc(Op::SetI, *o, i as u8, reg)
                    }
                    Some(c) => {
                        let kr = self.alloc_reg()?;
                        self.load_const(kr, c)?;
                        Instr::abc(Op::SetTable, *o, kr, reg)
                    }
                    None => unreachable!("constant target keys are literals"),
                };
                self.line = line;
                self.emit(ins);
                self.free_to(entry);
            }
        }
        Ok(())
    }

    fn function_stat(
        &mut self,
        name: &FuncName,
        func: &crate::syntax::ast::FuncBody,
        line: u32,
    ) -> R<()> {
        let entry = self.fs().free_reg;
        let mut target = Expr::new(ExprKind::Name(name.path[0].clone()), line);
        let mut keys: Vec<&String> = name.path[1..].iter().collect();
        if let Some(m) = &name.method {
            keys.push(m);
        }
        if let Some((lastk, init)) = keys.split_last() {
            for k in init {
                target = Expr::new(
                    ExprKind::Index(
                        Box::new(target),
                        Box::new(Expr::new(ExprKind::Str(k.as_bytes().to_vec()), line)),
                    ),
                    line,
                );
            }
            target = Expr::new(
                ExprKind::Index(
                    Box::new(target),
                    Box::new(Expr::new(ExprKind::Str(lastk.as_bytes().to_vec()), line)),
                ),
                line,
            );
        }
        let t = self.target(&target, false)?;
        let f = self.alloc_reg()?;
        self.line = line;
        self.function(func, f)?;
        self.store_from_reg(&t, f, line)?;
        self.free_to(entry);
        Ok(())
    }

    fn ret(&mut self, exprs: &[Expr], line: u32) -> R<()> {
        self.line = line;
        let in_tbc = self.fs().actives.iter().any(|v| v.tbc);
        match exprs {
            [] => {
                self.emit(Instr::abc(Op::Return0, 0, 1, 0));
            }
            [e] if e.is_multi() && !matches!(e.kind, ExprKind::Vararg) && !in_tbc => {
                let (base, b) = self.call_setup(e)?;
                self.line = e.line;
                self.emit(Instr::abc(Op::TailCall, base, b, 0));
                self.emit(Instr::abc(Op::Return, base, 0, 0));
            }
            [e] if !e.is_multi() => {
                let entry = self.fs().free_reg;
                let r = self.expr_any(e)?;
                self.line = line;
                self.emit(Instr::abc(Op::Return1, r, 2, 0));
                self.free_to(entry);
            }
            _ => {
                let base = self.fs().free_reg as u8;
                let n = self.explist(exprs, -1)?;
                self.line = line;
                let b = match n {
                    Some(n) => n as u8 + 1,
                    None => 0,
                };
                self.emit(Instr::abc(Op::Return, base, b, 0));
                self.free_to(base as usize);
            }
        }
        Ok(())
    }
}
