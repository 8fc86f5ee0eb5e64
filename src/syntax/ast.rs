//! The abstract syntax tree produced by the parser and consumed by the compiler.
//!
//! Every node that can raise a runtime error carries the source line that lua5.4
//! would report for it, so the compiler can attach exact line info to instructions.

/// A chunk or function body: statements followed by an optional `return`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Block {
    pub stats: Vec<Stat>,
    pub ret: Option<Return>,
    /// Line of the token that closes the block (`end`, `until`, `else`, `<eof>`...).
    pub end_line: u32,
}

/// `return e1, e2, ...`
#[derive(Debug, Clone, PartialEq)]
pub struct Return {
    pub exprs: Vec<Expr>,
    /// Line of the last token of the expression list (of `return` if there is
    /// none): where lua5.4 places the return instruction.
    pub line: u32,
}

/// Attribute of a local variable (`<const>` or `<close>`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Attrib {
    Const,
    Close,
}

/// One name in a `local` statement.
#[derive(Debug, Clone, PartialEq)]
pub struct LocalName {
    pub name: String,
    pub attrib: Option<Attrib>,
}

/// Target of `function a.b.c:m() ... end`: `path[0]` is the variable, the rest are fields.
#[derive(Debug, Clone, PartialEq)]
pub struct FuncName {
    pub path: Vec<String>,
    pub method: Option<String>,
}

/// Parameters and body of a function.
#[derive(Debug, Clone, PartialEq)]
pub struct FuncBody {
    /// Declared parameter names (without the implicit `self` of methods).
    pub params: Vec<String>,
    /// `true` when the function is a method (`function t:m()`): the compiler adds `self`.
    pub is_method: bool,
    pub is_vararg: bool,
    pub body: Block,
    /// The line lua5.4 records as `linedefined`: the `function` keyword for
    /// `function a.b()` statements, the token after the name for `local function f`
    /// (normally the `(`), and the token after `function` for anonymous functions.
    pub line: u32,
    /// Line of the closing `end`.
    pub end_line: u32,
}

/// Statements.
#[derive(Debug, Clone, PartialEq)]
pub enum Stat {
    /// A function or method call used as a statement (the expression is `Call` or `Method`).
    Call(Expr),
    /// `local n1 <attr>, n2 = e1, e2`
    ///
    /// `line`: line of the statement's last token (lua5.4 attributes the final
    /// moves / to-be-closed check to it).
    Local {
        names: Vec<LocalName>,
        exprs: Vec<Expr>,
        line: u32,
    },
    /// `v1, v2 = e1, e2` where each target is a `Name` or `Index` expression.
    ///
    /// `line`: line of the statement's last token (lua5.4 attributes the stores to it).
    Assign {
        targets: Vec<Expr>,
        exprs: Vec<Expr>,
        line: u32,
    },
    Do(Block),
    /// `line`: the `while` keyword.
    While {
        cond: Expr,
        body: Block,
        line: u32,
    },
    /// `line`: the `repeat` keyword.
    Repeat {
        body: Block,
        cond: Expr,
        line: u32,
    },
    /// `if c1 then b1 elseif c2 then b2 else b3 end`; `line`: the `if` keyword.
    /// Each condition comes with its block and the line of its `then`, where
    /// lua5.4 puts the test that jumps over the block.
    If {
        conds: Vec<(Expr, Block, u32)>,
        else_block: Option<Block>,
        line: u32,
    },
    /// `for v = start, limit, step do body end`
    ///
    /// `line`: the `do` token, where lua5.4 reports the loop's preparation errors
    /// ("'for' initial value must be a number", ...).
    NumFor {
        var: String,
        start: Expr,
        limit: Expr,
        step: Option<Expr>,
        body: Block,
        line: u32,
    },
    /// `for n1, n2 in e1, e2 do body end`
    ///
    /// `line`: the first token after `in`, which lua5.4 gives to the iterator
    /// call (e.g. "attempt to call a nil value (for iterator 'for iterator')").
    GenFor {
        names: Vec<String>,
        exprs: Vec<Expr>,
        body: Block,
        line: u32,
    },
    /// `function a.b:c() end`; `line`: the `function` keyword.
    Function {
        name: FuncName,
        func: Box<FuncBody>,
        line: u32,
    },
    /// `local function f() end`; `line`: the `local` keyword.
    LocalFunction {
        name: String,
        func: Box<FuncBody>,
        line: u32,
    },
    /// `line`: the `break` keyword.
    Break {
        line: u32,
    },
    /// `line`: the label name after `goto`.
    Goto {
        label: String,
        line: u32,
    },
    /// `::name::`; `line`: the opening `::`.
    Label {
        name: String,
        line: u32,
    },
}

/// Binary operators, in Lua 5.4 terms.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinOp {
    Add,
    Sub,
    Mul,
    Div,
    IDiv,
    Mod,
    Pow,
    Concat,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    And,
    Or,
    BAnd,
    BOr,
    BXor,
    Shl,
    Shr,
}

/// Unary operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnOp {
    Neg,
    Not,
    Len,
    BNot,
}

/// A table constructor field.
#[derive(Debug, Clone, PartialEq)]
pub enum Field {
    /// `expr` (positional)
    Pos(Expr),
    /// `name = expr`
    Named(String, Expr),
    /// `[k] = v`
    Keyed(Expr, Expr),
}

/// An expression with the line lua5.4 attributes to it.
///
/// * `Binop`/`Unop`: line of the operator token.
/// * `Call`/`Method`: line where the called prefix expression starts.
/// * `Index`: line of the `.`/`[`/`:` token.
/// * everything else: line of its first token.
#[derive(Debug, Clone, PartialEq)]
pub struct Expr {
    pub kind: ExprKind,
    pub line: u32,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ExprKind {
    Nil,
    True,
    False,
    /// `...`
    Vararg,
    Int(i64),
    Float(f64),
    /// A string literal, as raw bytes after escape processing.
    Str(Vec<u8>),
    Function(Box<FuncBody>),
    Table(Vec<Field>),
    Binop(BinOp, Box<Expr>, Box<Expr>),
    Unop(UnOp, Box<Expr>),
    /// A variable reference (local, upvalue or global: the compiler resolves it).
    Name(String),
    /// `obj[key]`; `obj.name` is `Index(obj, Str(name))`.
    Index(Box<Expr>, Box<Expr>),
    /// `f(args)`, `f"str"`, `f{table}`
    Call(Box<Expr>, Vec<Expr>),
    /// `obj:name(args)`
    Method(Box<Expr>, String, Vec<Expr>),
    /// `(expr)`: truncates multiple results to one.
    Paren(Box<Expr>),
}

impl Expr {
    /// Builds an expression node.
    pub fn new(kind: ExprKind, line: u32) -> Self {
        Expr { kind, line }
    }

    /// True for expressions that can produce several values (calls and `...`).
    pub fn is_multi(&self) -> bool {
        matches!(
            self.kind,
            ExprKind::Call(..) | ExprKind::Method(..) | ExprKind::Vararg
        )
    }
}

/// Dropping is iterative along "left spines" (the left operand of binary
/// operators, the object of index/call/method nodes, ...). Left-associative
/// chains such as a million-term `a + a + ...` or `f()()()...` are accepted by
/// lua5.4 without any nesting limit, so the default recursive drop could overflow
/// the stack; every other kind of nesting is bounded by the parser.
///
/// Consequence: fields of an `ExprKind` cannot be moved out by pattern matching
/// on an owned value; match by reference or use `std::mem::replace`/`take`.
impl Drop for ExprKind {
    fn drop(&mut self) {
        let Some(mut next) = take_spine_child(self) else {
            return;
        };
        // Assigning drops the previous node, whose spine child is now a leaf.
        while let Some(child) = take_spine_child(&mut next) {
            next = child;
        }
    }
}

/// Detaches the contents of the first operand of `kind` if that operand has
/// operands of its own, leaving a `Nil` leaf behind.
fn take_spine_child(kind: &mut ExprKind) -> Option<ExprKind> {
    let child = match kind {
        ExprKind::Binop(_, c, _)
        | ExprKind::Unop(_, c)
        | ExprKind::Index(c, _)
        | ExprKind::Call(c, _)
        | ExprKind::Method(c, _, _)
        | ExprKind::Paren(c) => c,
        _ => return None,
    };
    match child.kind {
        ExprKind::Binop(..)
        | ExprKind::Unop(..)
        | ExprKind::Index(..)
        | ExprKind::Call(..)
        | ExprKind::Method(..)
        | ExprKind::Paren(..) => Some(std::mem::replace(&mut child.kind, ExprKind::Nil)),
        _ => None,
    }
}
