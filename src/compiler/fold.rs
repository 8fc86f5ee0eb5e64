//! Constant folding of numeric expressions, following Lua 5.4's rules: never fold an
//! operation that would raise an error at run time or produce NaN or a zero float.

use crate::bytecode::Constant;
use crate::syntax::ast::{BinOp, Expr, ExprKind, UnOp};
use crate::vm::arith::{self, ArithOp};

/// The constant value of `e`, if it is a literal or a foldable expression of literals.
pub(crate) fn const_value(e: &Expr) -> Option<Constant> {
    const_at(e, 0)
}

fn const_at(e: &Expr, depth: u32) -> Option<Constant> {
    match &e.kind {
        ExprKind::Nil => Some(Constant::Nil),
        ExprKind::True => Some(Constant::Bool(true)),
        ExprKind::False => Some(Constant::Bool(false)),
        ExprKind::Str(s) => Some(Constant::Str(s.clone().into_boxed_slice())),
        // `not` of a constant is one, as lua5.4 folds it (so `not 1 or f` is `f`).
        ExprKind::Unop(UnOp::Not, x) if depth < FOLD_DEPTH => {
            let c = const_at(x, depth + 1)?;
            Some(Constant::Bool(matches!(
                c,
                Constant::Nil | Constant::Bool(false)
            )))
        }
        ExprKind::Paren(x) if depth < FOLD_DEPTH => const_at(x, depth + 1),
        _ => numeric(e),
    }
}

/// How deep folding looks into an expression: bounds the work per node so that long
/// operator chains compile in linear time.
const FOLD_DEPTH: u32 = 32;

/// The numeric constant value of `e`, folding arithmetic.
pub(crate) fn numeric(e: &Expr) -> Option<Constant> {
    numeric_at(e, 0)
}

fn numeric_at(e: &Expr, depth: u32) -> Option<Constant> {
    if depth > FOLD_DEPTH {
        return None;
    }
    let numeric = |e: &Expr| numeric_at(e, depth + 1);
    match &e.kind {
        ExprKind::Int(i) => Some(Constant::Int(*i)),
        ExprKind::Float(f) => Some(Constant::Num(*f)),
        ExprKind::Paren(inner) => numeric(inner),
        ExprKind::Unop(op, x) => {
            let v = numeric(x)?;
            let aop = match op {
                UnOp::Neg => ArithOp::Unm,
                UnOp::BNot => ArithOp::BNot,
                _ => return None,
            };
            fold(aop, &v, &v)
        }
        ExprKind::Binop(op, a, b) => {
            let aop = arith_op(*op)?;
            let (x, y) = (numeric(a)?, numeric(b)?);
            fold(aop, &x, &y)
        }
        _ => None,
    }
}

/// Maps an AST operator to its arithmetic operation, if it is one.
pub(crate) fn arith_op(op: BinOp) -> Option<ArithOp> {
    Some(match op {
        BinOp::Add => ArithOp::Add,
        BinOp::Sub => ArithOp::Sub,
        BinOp::Mul => ArithOp::Mul,
        BinOp::Div => ArithOp::Div,
        BinOp::IDiv => ArithOp::IDiv,
        BinOp::Mod => ArithOp::Mod,
        BinOp::Pow => ArithOp::Pow,
        BinOp::BAnd => ArithOp::BAnd,
        BinOp::BOr => ArithOp::BOr,
        BinOp::BXor => ArithOp::BXor,
        BinOp::Shl => ArithOp::Shl,
        BinOp::Shr => ArithOp::Shr,
        _ => return None,
    })
}

fn fold(op: ArithOp, a: &Constant, b: &Constant) -> Option<Constant> {
    use crate::value::Value;
    let to_v = |c: &Constant| match c {
        Constant::Int(i) => Some(Value::Int(*i)),
        Constant::Num(f) => Some(Value::Num(*f)),
        _ => None,
    };
    let (x, y) = (to_v(a)?, to_v(b)?);
    // lua5.4 never folds a division or modulo by zero, even one giving inf (so
    // `-1/0 and k` keeps its code, and errors there name nothing).
    let by_zero = match y {
        Value::Int(i) => i == 0,
        Value::Num(f) => f == 0.0,
        _ => false,
    };
    if matches!(op, ArithOp::Div | ArithOp::IDiv | ArithOp::Mod) && by_zero {
        return None;
    }
    let r = arith::arith_numbers(op, x, y)?.ok()?;
    match r {
        Value::Int(i) => Some(Constant::Int(i)),
        Value::Num(f) if !f.is_nan() && f != 0.0 => Some(Constant::Num(f)),
        _ => None,
    }
}
