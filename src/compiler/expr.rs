//! Expression compilation.

use super::fold::{arith_op, const_value, numeric};
use super::scope::VarLoc;
use super::{Compiler, R};
use crate::bytecode::{Constant, Instr, Op};
use crate::syntax::ast::{BinOp, Expr, ExprKind, Field, UnOp};
use crate::vm::arith::ArithOp;

/// Items of a table constructor stored per `SETLIST`.
const FIELDS_PER_FLUSH: usize = 50;

/// Fits a signed immediate into the 8-bit `sB`/`sC` fields.
fn imm8(c: &Constant) -> Option<u8> {
    match c {
        Constant::Int(i) if (-128..=127).contains(i) => Some((*i + 128) as u8),
        _ => None,
    }
}

impl Compiler {
    /// Compiles `e` into register `target`, leaving `free_reg` as it found it.
    pub(crate) fn expr_to(&mut self, e: &Expr, target: u8) -> R<()> {
        let entry = self.fs().free_reg;
        // Left-associative chains (`a+a+...`, `f()()...`) are unbounded in Lua; grow
        // the native stack on the heap instead of overflowing it.
        stacker::maybe_grow(64 * 1024, 1024 * 1024, || self.expr_to_inner(e, target))?;
        self.free_to(entry);
        Ok(())
    }

    fn expr_to_inner(&mut self, e: &Expr, target: u8) -> R<()> {
        match &e.kind {
            ExprKind::Nil => {
                self.emit(Instr::abc(Op::LoadNil, target, 0, 0));
            }
            ExprKind::True => {
                self.emit(Instr::abc(Op::LoadTrue, target, 0, 0));
            }
            ExprKind::False => {
                self.emit(Instr::abc(Op::LoadFalse, target, 0, 0));
            }
            ExprKind::Int(_) | ExprKind::Float(_) | ExprKind::Str(_) => {
                let c = const_value(e).expect("literal");
                self.line = e.line;
                self.load_const(target, c)?;
            }
            ExprKind::Vararg => {
                self.line = e.line;
                self.emit(Instr::abc(Op::VarArg, target, 0, 2));
            }
            ExprKind::Function(f) => {
                self.line = e.line;
                self.function(f, target)?;
            }
            ExprKind::Table(fields) => {
                // Build in place only in a temporary: the fields may read the local
                // that `target` is (`t = {t[1]}`).
                if self.is_top_temp(target) {
                    self.table(fields, target, e.line)?;
                } else {
                    let t = self.alloc_reg()?;
                    self.table(fields, t, e.line)?;
                    self.emit(Instr::abc(Op::Move, target, t, 0));
                }
            }
            ExprKind::Paren(inner) => self.expr_to_inner(inner, target)?,
            ExprKind::Name(name) => {
                let line = self.access_line_of(e);
                self.name_to(name, target, line)?
            }
            ExprKind::Index(obj, key) => {
                let line = self.access_line_of(e);
                let o = self.operand_into(obj, target)?;
                self.index_to(o, key, target, line)?;
            }
            ExprKind::Call(..) | ExprKind::Method(..) => {
                // Into a top temporary, the call is made in that register itself:
                // a stale value left there (a loop condition's, say) would stay
                // live to the collector through the call.
                if self.is_top_temp(target) {
                    self.free_to(target as usize);
                }
                let base = self.call(e, 1)?;
                if base != target {
                    self.emit(Instr::abc(Op::Move, target, base, 0));
                }
            }
            ExprKind::Unop(op, x) => self.unop(*op, x, e, target)?,
            ExprKind::Binop(op, a, b) => self.binop(*op, a, b, e, target)?,
        }
        Ok(())
    }

    /// Compiles `e` into a new register at the top of the stack.
    pub(crate) fn expr_next(&mut self, e: &Expr) -> R<u8> {
        match &e.kind {
            // Call chains (`f()()...`, `o:m():m()...`) recurse through here, not
            // `expr_to`: grow the native stack for them too.
            ExprKind::Call(..) | ExprKind::Method(..) => {
                stacker::maybe_grow(64 * 1024, 1024 * 1024, || self.call(e, 1))
            }
            _ => {
                let r = self.alloc_reg()?;
                self.expr_to(e, r)?;
                Ok(r)
            }
        }
    }

    /// Whether `target` is the topmost register and a temporary (not an active local),
    /// so an expression may be built in it step by step.
    fn is_top_temp(&mut self, target: u8) -> bool {
        let fs = self.fs();
        target as usize + 1 == fs.free_reg && target as usize >= fs.nactive_regs
    }

    /// Evaluates the first operand of an operation whose result goes to `target`: into
    /// `target` itself when that is a temporary (so left-deep chains such as `a+b+c+...`
    /// reuse one register), else as [`expr_any`](Self::expr_any).
    fn operand_into(&mut self, e: &Expr, target: u8) -> R<u8> {
        let is_temp = target as usize >= self.fs().nactive_regs;
        let is_name = matches!(e.kind, ExprKind::Name(_));
        if is_temp && !is_name {
            self.expr_to(e, target)?;
            Ok(target)
        } else {
            self.expr_any(e)
        }
    }

    /// Returns a register holding `e`: a local's own register, or a new temporary.
    pub(crate) fn expr_any(&mut self, e: &Expr) -> R<u8> {
        match &e.kind {
            ExprKind::Name(n) => match self.resolve(n)? {
                VarLoc::Local(r) => Ok(r),
                _ => self.expr_next(e),
            },
            ExprKind::Paren(inner) if matches!(inner.kind, ExprKind::Name(_)) => {
                self.expr_any(inner)
            }
            _ => self.expr_next(e),
        }
    }

    /// Compiles a multi-value expression (call or `...`) at the top of the stack,
    /// producing `nres` values, or all of them when `nres` is -1.
    pub(crate) fn expr_multi(&mut self, e: &Expr, nres: i32) -> R<()> {
        match &e.kind {
            ExprKind::Call(..) | ExprKind::Method(..) => {
                self.call(e, nres)?;
            }
            ExprKind::Vararg => {
                self.line = e.line;
                let base = self.fs().free_reg as u8;
                if nres > 0 {
                    self.alloc_regs(nres as usize)?;
                }
                self.emit(Instr::abc(Op::VarArg, base, 0, (nres + 1) as u8));
            }
            _ => {
                self.expr_next(e)?;
            }
        }
        Ok(())
    }

    /// Compiles an expression list into consecutive new registers, adjusted to `want`
    /// values (`-1`: keep all values of a trailing multi-value expression).
    /// Returns the number of values when fixed, or `None` when open-ended.
    pub(crate) fn explist(&mut self, exprs: &[Expr], want: i32) -> R<Option<usize>> {
        let n = exprs.len();
        for (i, e) in exprs.iter().enumerate() {
            let last = i + 1 == n;
            if last && e.is_multi() {
                if want < 0 {
                    self.expr_multi(e, -1)?;
                    return Ok(None);
                }
                let need = want - (n as i32 - 1);
                if need >= 0 {
                    self.expr_multi(e, need)?;
                    return Ok(Some(want as usize));
                }
                self.expr_multi(e, 0)?;
            } else {
                self.expr_next(e)?;
            }
        }
        if want < 0 {
            return Ok(Some(n));
        }
        let want = want as usize;
        if n < want {
            let r = self.alloc_regs(want - n)?;
            self.emit(Instr::abc(Op::LoadNil, r, (want - n - 1) as u8, 0));
        } else if n > want {
            let top = self.fs().free_reg - (n - want);
            self.free_to(top);
        }
        Ok(Some(want))
    }

    fn name_to(&mut self, name: &str, target: u8, line: u32) -> R<()> {
        self.line = line;
        match self.resolve(name)? {
            VarLoc::Local(r) => {
                if r != target {
                    self.emit(Instr::abc(Op::Move, target, r, 0));
                }
            }
            VarLoc::Upval(u) => {
                self.emit(Instr::abc(Op::GetUpval, target, u, 0));
            }
            VarLoc::Const(c) => self.load_const(target, c)?,
            VarLoc::Global => {
                self.line = line;
                let k = self.str_const(name.as_bytes());
                match self.resolve("_ENV")? {
                    VarLoc::Upval(u) if k <= 255 => {
                        self.emit(Instr::abc(Op::GetTabUp, target, u, k as u8));
                    }
                    VarLoc::Local(r) if k <= 255 => {
                        self.emit(Instr::abc(Op::GetField, target, r, k as u8));
                    }
                    _ => {
                        let env =
                            self.expr_next(&Expr::new(ExprKind::Name("_ENV".into()), line))?;
                        let kr = self.alloc_reg()?;
                        self.load_const(kr, Constant::Str(name.as_bytes().into()))?;
                        self.line = line;
                        self.emit(Instr::abc(Op::GetTable, target, env, kr));
                    }
                }
            }
        }
        Ok(())
    }

    /// `target = R[obj][key]`
    fn index_to(&mut self, obj: u8, key: &Expr, target: u8, line: u32) -> R<()> {
        match const_value(key) {
            Some(Constant::Str(s)) => {
                let k = self.str_const(&s);
                if k <= 255 {
                    self.line = line;
                    self.emit(Instr::abc(Op::GetField, target, obj, k as u8));
                    return Ok(());
                }
            }
            Some(Constant::Int(i)) if (0..=255).contains(&i) => {
                self.line = line;
                self.emit(Instr::abc(Op::GetI, target, obj, i as u8));
                return Ok(());
            }
            _ => {}
        }
        let k = self.expr_any(key)?;
        self.line = line;
        self.emit(Instr::abc(Op::GetTable, target, obj, k));
        Ok(())
    }

    fn unop(&mut self, op: UnOp, x: &Expr, e: &Expr, target: u8) -> R<()> {
        if let Some(c) = numeric(e) {
            return self.load_const(target, c);
        }
        if op == UnOp::Not {
            if let Some(c) = const_value(x) {
                let truthy = !matches!(c, Constant::Nil | Constant::Bool(false));
                return self.load_const(target, Constant::Bool(!truthy));
            }
        }
        let r = self.expr_any(x)?;
        let opc = match op {
            UnOp::Neg => Op::Unm,
            UnOp::Not => Op::Not,
            UnOp::Len => Op::Len,
            UnOp::BNot => Op::BNot,
        };
        self.line = e.line;
        self.emit(Instr::abc(opc, target, r, 0));
        Ok(())
    }

    fn binop(&mut self, op: BinOp, a: &Expr, b: &Expr, e: &Expr, target: u8) -> R<()> {
        // lua5.4 reads a left operand that is a variable (a global, a field) when
        // it meets the operator, so that read is on the operator's line (line
        // hooks and errors report it there).
        if matches!(a.kind, ExprKind::Name(_) | ExprKind::Index(..)) {
            self.access_line = Some((a as *const Expr, e.line));
        }
        let r = self.binop_inner(op, a, b, e, target);
        self.access_line = None;
        r
    }

    /// The line for reading variable `e`: its own, or its operator's (see `binop`).
    fn access_line_of(&mut self, e: &Expr) -> u32 {
        match self.access_line {
            Some((p, line)) if std::ptr::eq(p, e) => {
                self.access_line = None;
                line
            }
            _ => e.line,
        }
    }

    fn binop_inner(&mut self, op: BinOp, a: &Expr, b: &Expr, e: &Expr, target: u8) -> R<()> {
        match op {
            BinOp::And | BinOp::Or => {
                // A constant left operand that cannot decide the result is dropped at
                // compile time, as in lua5.4, so `true and f` is just `f` (and errors
                // name `f`). The other cases keep their code: lua5.4 does too, and
                // its error messages then name nothing.
                if let Some(c) = const_value(a) {
                    let truthy = !matches!(c, Constant::Nil | Constant::Bool(false));
                    if truthy == (op == BinOp::And) {
                        return self.expr_to(b, target);
                    }
                }
                // The left operand is written to `t` before the right one runs, so `t`
                // must not be a local the right operand may read (`n = n == 0 or f(n)`).
                let t = if self.is_top_temp(target) {
                    target
                } else {
                    self.alloc_reg()?
                };
                self.expr_to(a, t)?;
                self.line = e.line;
                let k = (op == BinOp::Or) as u8;
                self.emit(Instr::abc(Op::Test, t, 0, k));
                let j = self.emit_jmp();
                self.expr_to(b, t)?;
                self.patch_here(&[j]);
                if t != target {
                    self.emit(Instr::abc(Op::Move, target, t, 0));
                }
            }
            BinOp::Eq | BinOp::Ne | BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => {
                let jumps = self.cond_jump(e, true)?;
                self.emit(Instr::abc(Op::LFalseSkip, target, 0, 0));
                self.patch_here(&jumps);
                self.emit(Instr::abc(Op::LoadTrue, target, 0, 0));
            }
            BinOp::Concat => {
                let mut items = vec![a];
                let mut rest = b;
                while let ExprKind::Binop(BinOp::Concat, x, y) = &rest.kind {
                    items.push(x);
                    rest = y;
                }
                items.push(rest);
                // Built in `target` itself when it is the top temporary (as for
                // `local s = a .. b`), so no stale value stays below the result.
                if self.is_top_temp(target) {
                    self.free_to(target as usize);
                }
                let base = self.fs().free_reg as u8;
                for it in &items {
                    self.expr_next(it)?;
                }
                self.line = e.line;
                self.emit(Instr::abc(Op::Concat, base, items.len() as u8, 0));
                if base != target {
                    self.emit(Instr::abc(Op::Move, target, base, 0));
                }
            }
            _ => {
                if let Some(c) = numeric(e) {
                    return self.load_const(target, c);
                }
                let aop = arith_op(op).expect("arithmetic operator");
                self.arith(aop, a, b, e.line, target)?;
            }
        }
        Ok(())
    }

    fn arith(&mut self, op: ArithOp, a: &Expr, b: &Expr, line: u32, target: u8) -> R<()> {
        let kb = numeric(b);
        let ra = self.operand_into(a, target)?;
        if let Some(kc) = &kb {
            // Immediate forms.
            match op {
                // `x - k` has its own immediate form (not ADDI of -k), so that its
                // metamethod fallback is `__sub(x, k)`.
                ArithOp::Add | ArithOp::Sub => {
                    if let Some(s) = imm8(kc) {
                        self.line = line;
                        let opc = if op == ArithOp::Add {
                            Op::AddI
                        } else {
                            Op::SubI
                        };
                        self.emit(Instr::abc(opc, target, ra, s));
                        return Ok(());
                    }
                }
                ArithOp::Shr | ArithOp::Shl => {
                    if let Some(s) = imm8(kc) {
                        self.line = line;
                        let opc = if op == ArithOp::Shr {
                            Op::ShrI
                        } else {
                            Op::ShlI
                        };
                        self.emit(Instr::abc(opc, target, ra, s));
                        return Ok(());
                    }
                }
                _ => {}
            }
            let kop = match op {
                ArithOp::Add => Some(Op::AddK),
                ArithOp::Sub => Some(Op::SubK),
                ArithOp::Mul => Some(Op::MulK),
                ArithOp::Mod => Some(Op::ModK),
                ArithOp::Pow => Some(Op::PowK),
                ArithOp::Div => Some(Op::DivK),
                ArithOp::IDiv => Some(Op::IDivK),
                ArithOp::BAnd => Some(Op::BAndK),
                ArithOp::BOr => Some(Op::BOrK),
                ArithOp::BXor => Some(Op::BXorK),
                _ => None,
            };
            if let Some(kop) = kop {
                let k = self.add_const(kc.clone());
                if k <= 255 {
                    self.line = line;
                    self.emit(Instr::abc(kop, target, ra, k as u8));
                    return Ok(());
                }
            }
        }
        let rb = self.expr_any(b)?;
        let opc = match op {
            ArithOp::Add => Op::Add,
            ArithOp::Sub => Op::Sub,
            ArithOp::Mul => Op::Mul,
            ArithOp::Mod => Op::Mod,
            ArithOp::Pow => Op::Pow,
            ArithOp::Div => Op::Div,
            ArithOp::IDiv => Op::IDiv,
            ArithOp::BAnd => Op::BAnd,
            ArithOp::BOr => Op::BOr,
            ArithOp::BXor => Op::BXor,
            ArithOp::Shl => Op::Shl,
            ArithOp::Shr => Op::Shr,
            ArithOp::Unm | ArithOp::BNot => unreachable!("unary"),
        };
        self.line = line;
        self.emit(Instr::abc(opc, target, ra, rb));
        Ok(())
    }

    /// Emits code that jumps when the truthiness of `e` equals `jump_if`; returns the
    /// jumps to patch. Falls through otherwise.
    pub(crate) fn cond_jump(&mut self, e: &Expr, jump_if: bool) -> R<Vec<usize>> {
        stacker::maybe_grow(64 * 1024, 1024 * 1024, || self.cond_jump_inner(e, jump_if))
    }

    fn cond_jump_inner(&mut self, e: &Expr, jump_if: bool) -> R<Vec<usize>> {
        // An `if`'s `then` line applies to this condition's own test, not to the
        // operands of `and`/`or` inside it.
        let then_line = self.cond_line.take();
        match &e.kind {
            ExprKind::Nil | ExprKind::False => Ok(if jump_if {
                vec![]
            } else {
                if let Some(l) = then_line {
                    self.line = l;
                }
                vec![self.emit_jmp()]
            }),
            ExprKind::True | ExprKind::Int(_) | ExprKind::Float(_) | ExprKind::Str(_) => {
                Ok(if jump_if {
                    if let Some(l) = then_line {
                        self.line = l;
                    }
                    vec![self.emit_jmp()]
                } else {
                    vec![]
                })
            }
            ExprKind::Paren(x) => {
                self.cond_line = then_line;
                self.cond_jump(x, jump_if)
            }
            ExprKind::Unop(UnOp::Not, x) => {
                self.cond_line = then_line;
                self.cond_jump(x, !jump_if)
            }
            ExprKind::Binop(BinOp::And, a, b) => {
                if jump_if {
                    let skip = self.cond_jump(a, false)?;
                    let j = self.cond_jump(b, true)?;
                    self.patch_here(&skip);
                    Ok(j)
                } else {
                    let mut j = self.cond_jump(a, false)?;
                    j.extend(self.cond_jump(b, false)?);
                    Ok(j)
                }
            }
            ExprKind::Binop(BinOp::Or, a, b) => {
                if jump_if {
                    let mut j = self.cond_jump(a, true)?;
                    j.extend(self.cond_jump(b, true)?);
                    Ok(j)
                } else {
                    let skip = self.cond_jump(a, true)?;
                    let j = self.cond_jump(b, false)?;
                    self.patch_here(&skip);
                    Ok(j)
                }
            }
            ExprKind::Binop(
                op @ (BinOp::Eq | BinOp::Ne | BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge),
                a,
                b,
            ) => {
                let entry = self.fs().free_reg;
                let j = self.compare(*op, a, b, e.line, jump_if)?;
                self.free_to(entry);
                Ok(vec![j])
            }
            _ => {
                let entry = self.fs().free_reg;
                let r = self.expr_any(e)?;
                if let Some(l) = then_line {
                    self.line = l;
                }
                self.emit(Instr::abc(Op::Test, r, 0, jump_if as u8));
                let j = self.emit_jmp();
                self.free_to(entry);
                Ok(vec![j])
            }
        }
    }

    /// Emits a comparison and its jump, taken when `(a op b) == jump_if`.
    fn compare(&mut self, op: BinOp, a: &Expr, b: &Expr, line: u32, jump_if: bool) -> R<usize> {
        let ka = const_value(a);
        let kb = const_value(b);
        let ins = match op {
            BinOp::Eq | BinOp::Ne => {
                let k = (jump_if ^ (op == BinOp::Ne)) as u8;
                // Put a constant operand on the right (equality is symmetric).
                let (x, kc) = if kb.is_some() {
                    (a, kb)
                } else if ka.is_some() {
                    (b, ka)
                } else {
                    (a, None)
                };
                match kc {
                    Some(c) => {
                        let rx = self.expr_any(x)?;
                        if let Some(s) = imm8(&c) {
                            Instr::abc(Op::EqI, rx, s, k)
                        } else {
                            let kidx = self.add_const(c.clone());
                            if kidx <= 255 {
                                Instr::abc(Op::EqK, rx, kidx as u8, k)
                            } else {
                                let ry = self.alloc_reg()?;
                                self.load_const(ry, c)?;
                                Instr::abc(Op::Eq, rx, ry, k)
                            }
                        }
                    }
                    None => {
                        let ra = self.expr_any(a)?;
                        let rb = self.expr_any(b)?;
                        Instr::abc(Op::Eq, ra, rb, k)
                    }
                }
            }
            _ => {
                let k = jump_if as u8;
                // Normalize `a > b` to `b < a` and `a >= b` to `b <= a`, unless an
                // immediate form applies.
                let ia = ka.as_ref().and_then(imm8);
                let ib = kb.as_ref().and_then(imm8);
                let (base_op, imm_op_r, imm_op_l) = match op {
                    BinOp::Lt => (Op::Lt, Op::LtI, Op::GtI),
                    BinOp::Le => (Op::Le, Op::LeI, Op::GeI),
                    BinOp::Gt => (Op::Lt, Op::GtI, Op::LtI),
                    _ => (Op::Le, Op::GeI, Op::LeI),
                };
                if let Some(s) = ib {
                    let ra = self.expr_any(a)?;
                    Instr::abc(imm_op_r, ra, s, k)
                } else if let (Some(s), true) = (ia, kb.is_none()) {
                    let rb = self.expr_any(b)?;
                    Instr::abc(imm_op_l, rb, s, k)
                } else {
                    let ra = self.expr_any(a)?;
                    let rb = self.expr_any(b)?;
                    if matches!(op, BinOp::Lt | BinOp::Le) {
                        Instr::abc(base_op, ra, rb, k)
                    } else {
                        Instr::abc(base_op, rb, ra, k)
                    }
                }
            }
        };
        self.line = line;
        self.emit(ins);
        Ok(self.emit_jmp())
    }

    /// Compiles a call; results land at the returned base register (`nres` of them, or
    /// all when -1, in which case the consumer uses the stack top).
    pub(crate) fn call(&mut self, e: &Expr, nres: i32) -> R<u8> {
        let base = self.call_setup(e)?;
        let (base, b) = base;
        self.line = e.line;
        self.emit(Instr::abc(Op::Call, base, b, (nres + 1) as u8));
        self.free_to(base as usize);
        if nres > 0 {
            self.alloc_regs(nres as usize)?;
        }
        Ok(base)
    }

    /// Places the function and its arguments; returns (base, B operand).
    pub(crate) fn call_setup(&mut self, e: &Expr) -> R<(u8, u8)> {
        let (base, args) = match &e.kind {
            ExprKind::Call(f, args) => (self.expr_next(f)?, args),
            ExprKind::Method(obj, name, args) => {
                let entry = self.fs().free_reg;
                let o = self.expr_any(obj)?;
                self.free_to(entry);
                let base = self.alloc_regs(2)?;
                let k = self.str_const(name.as_bytes());
                self.line = e.line;
                if k <= 255 {
                    self.emit(Instr::abc(Op::SelfOp, base, o, k as u8));
                } else {
                    self.emit(Instr::abc(Op::Move, base + 1, o, 0));
                    let kr = self.alloc_reg()?;
                    self.load_const(kr, Constant::Str(name.as_bytes().into()))?;
                    self.emit(Instr::abc(Op::GetTable, base, o, kr));
                    self.free_to(base as usize + 2);
                }
                (base, args)
            }
            _ => unreachable!("call_setup on a non-call"),
        };
        let is_method = matches!(e.kind, ExprKind::Method(..));
        let fixed = self.explist(args, -1)?;
        let b = match fixed {
            Some(n) => n + 1 + is_method as usize,
            None => 0,
        };
        if b > 255 {
            return self.error(e.line, "function or expression needs too many registers");
        }
        Ok((base, b as u8))
    }

    /// Table constructor into `t`, which must be the top register.
    fn table(&mut self, fields: &[Field], t: u8, line: u32) -> R<()> {
        let npos = fields.iter().filter(|f| matches!(f, Field::Pos(_))).count();
        let nhash = fields.len() - npos;
        self.line = line;
        self.emit(Instr::abc(Op::NewTable, t, nhash.min(255) as u8, 0));
        self.emit(Instr::ax(Op::ExtraArg, npos.min(0xFF_FFFF) as u32));
        let mut pending = 0usize;
        let mut stored = 0usize;
        let n = fields.len();
        for (i, f) in fields.iter().enumerate() {
            match f {
                Field::Pos(e) => {
                    if i + 1 == n && e.is_multi() {
                        self.expr_multi(e, -1)?;
                        self.line = line;
                        self.emit(Instr::abc(Op::SetList, t, 0, 0));
                        self.emit(Instr::ax(Op::ExtraArg, (stored + 1) as u32));
                        pending = 0;
                        self.free_to(t as usize + 1);
                        continue;
                    }
                    self.expr_next(e)?;
                    pending += 1;
                    if pending == FIELDS_PER_FLUSH {
                        self.flush_list(t, pending, stored, line);
                        stored += pending;
                        pending = 0;
                    }
                }
                Field::Named(name, v) => {
                    let key = Expr::new(ExprKind::Str(name.as_bytes().to_vec()), line);
                    self.store_index(t, &key, v, line)?;
                }
                Field::Keyed(k, v) => self.store_index(t, k, v, line)?,
            }
        }
        if pending > 0 {
            self.flush_list(t, pending, stored, line);
        }
        Ok(())
    }

    fn flush_list(&mut self, t: u8, n: usize, stored: usize, line: u32) {
        self.line = line;
        self.emit(Instr::abc(Op::SetList, t, n as u8, 0));
        self.emit(Instr::ax(Op::ExtraArg, (stored + 1) as u32));
        self.free_to(t as usize + 1);
    }

    /// `R[t][key] = value`, choosing constant-key and constant-value forms.
    pub(crate) fn store_index(&mut self, t: u8, key: &Expr, value: &Expr, line: u32) -> R<()> {
        let entry = self.fs().free_reg;
        enum KeyForm {
            Field(u8),
            Int(u8),
            Reg(u8),
        }
        let kf = match const_value(key) {
            Some(Constant::Str(s)) => {
                let k = self.str_const(&s);
                if k <= 255 {
                    KeyForm::Field(k as u8)
                } else {
                    KeyForm::Reg(self.expr_any(key)?)
                }
            }
            Some(Constant::Int(i)) if (0..=255).contains(&i) => KeyForm::Int(i as u8),
            _ => KeyForm::Reg(self.expr_any(key)?),
        };
        self.store_value(t, kf_split(&kf), value, line)?;
        self.free_to(entry);
        return Ok(());

        fn kf_split(k: &KeyForm) -> (u8, u8) {
            match k {
                KeyForm::Field(k) => (0, *k),
                KeyForm::Int(i) => (1, *i),
                KeyForm::Reg(r) => (2, *r),
            }
        }
    }

    /// Emits the store for a key form from [`store_index`]: (0: K field, 1: int, 2: reg).
    pub(crate) fn store_value(&mut self, t: u8, key: (u8, u8), value: &Expr, line: u32) -> R<()> {
        let kv = const_value(value).and_then(|c| {
            let k = self.add_const(c);
            (k <= 255).then_some(k as u8)
        });
        let (kind, kb) = key;
        let ins = match kv {
            Some(k) => {
                let op = [Op::SetFieldK, Op::SetIK, Op::SetTableK][kind as usize];
                Instr::abc(op, t, kb, k)
            }
            None => {
                let v = self.expr_any(value)?;
                let op = [Op::SetField, Op::SetI, Op::SetTable][kind as usize];
                Instr::abc(op, t, kb, v)
            }
        };
        self.line = line;
        self.emit(ins);
        Ok(())
    }
}
