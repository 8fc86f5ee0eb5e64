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
    /// Line of the `function` keyword.
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
    Local {
        names: Vec<LocalName>,
        exprs: Vec<Expr>,
        line: u32,
    },
    /// `v1, v2 = e1, e2` where each target is a `Name` or `Index` expression.
    Assign {
        targets: Vec<Expr>,
        exprs: Vec<Expr>,
        line: u32,
    },
    Do(Block),
    While {
        cond: Expr,
        body: Block,
        line: u32,
    },
    Repeat {
        body: Block,
        cond: Expr,
        line: u32,
    },
    /// `if c1 then b1 elseif c2 then b2 else b3 end`
    If {
        conds: Vec<(Expr, Block)>,
        else_block: Option<Block>,
        line: u32,
    },
    /// `for v = start, limit, step do body end`
    NumFor {
        var: String,
        start: Expr,
        limit: Expr,
        step: Option<Expr>,
        body: Block,
        line: u32,
    },
    /// `for n1, n2 in e1, e2 do body end`
    GenFor {
        names: Vec<String>,
        exprs: Vec<Expr>,
        body: Block,
        line: u32,
    },
    /// `function a.b:c() end`
    Function {
        name: FuncName,
        func: Box<FuncBody>,
        line: u32,
    },
    /// `local function f() end`
    LocalFunction {
        name: String,
        func: Box<FuncBody>,
        line: u32,
    },
    Break {
        line: u32,
    },
    Goto {
        label: String,
        line: u32,
    },
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
