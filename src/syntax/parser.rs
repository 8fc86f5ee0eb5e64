//! Recursive-descent parser for Lua 5.4 producing the [`ast`](super::ast).
//!
//! Besides the grammar it performs the checks lua5.4 does while parsing and
//! that the compiler relies on: `break`/`goto`/label resolution (including
//! "jumps into the scope of local"), assignments to `<const>`/`<close>`
//! variables, `...` outside vararg functions, and the nesting limit that
//! keeps recursion (here and in the compiler) bounded.

use super::ast::*;
use super::lexer::Lexer;
use super::token::{Tok, Token};

/// A compile-time error, with the full message lua5.4 would produce
/// (e.g. `script.lua:3: 'end' expected (to close 'function' at line 1) near <eof>`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    pub message: String,
    /// True when parsing stopped because the memory allowance ran out (see
    /// [`parse_limited`]); the message is then "not enough memory".
    pub out_of_memory: bool,
}

impl std::fmt::Display for SyntaxError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for SyntaxError {}

/// Parses a whole chunk. `chunkname` is the display name used in messages
/// (`script.lua`, `[string "..."]`).
pub fn parse(source: &[u8], chunkname: &str) -> Result<Block, SyntaxError> {
    parse_limited(source, chunkname, usize::MAX)
}

/// Like [`parse`], failing with an [`out_of_memory`](SyntaxError::out_of_memory)
/// error once the syntax tree and the code compiled from it may need more than
/// `allowance` bytes (estimated per token: see [`TOKEN_BYTES`]), so that loading a
/// huge generated source fails under a State's memory quota instead of growing
/// the host.
pub fn parse_limited(
    source: &[u8],
    chunkname: &str,
    allowance: usize,
) -> Result<Block, SyntaxError> {
    Parser::new(source, chunkname)
        .and_then(|mut p| {
            p.allowance = allowance;
            p.main_chunk()
        })
        .map_err(|e| *e)
}

/// Memory a token may cost from source to finished prototype: its syntax-tree
/// nodes, the compiler's work for them (nested expressions recurse), and the
/// instructions, line info and constants it becomes. Peak RSS measured about
/// 160-175 bytes per token on ordinary code and long statement lists, and up to
/// 350 on million-long suffix chains (whose compilation recurses), so a quota
/// bounds the host's memory to well within twice its size.
pub const TOKEN_BYTES: usize = 192;

/// Internal result: the error is boxed to keep results, and thus the frames of
/// the recursive functions, small.
type PResult<T> = Result<T, Box<SyntaxError>>;

/// lua5.4's `LUAI_MAXCCALLS`: the limit on nested statements/expressions.
const MAX_LEVELS: u32 = 200;
/// Levels already in use when the parser starts (the C call into the parser,
/// as when lua5.4 runs a script file), so the thresholds match lua5.4's.
const BASE_LEVEL: u32 = 1;

/// Priority of unary operators (binds tighter than everything but `^`).
const UNARY_PRIORITY: u8 = 12;

/// Name of the pseudo-label that loop exits resolve `break` to (a reserved
/// word, so it cannot clash with user labels).
const BREAK: &[u8] = b"break";

/// Kind of an active local variable, for assignment checks.
#[derive(Clone, Copy, PartialEq, Eq)]
enum VarKind {
    Regular,
    ReadOnly,
}

/// An active local variable (of any enclosing function).
struct Var<'a> {
    name: &'a [u8],
    kind: VarKind,
}

/// A visible label, or a pending (unresolved forward) goto.
struct Label<'a> {
    name: &'a [u8],
    line: u32,
    /// Number of active locals of its function at that point.
    nactvar: usize,
}

/// An open block scope.
struct BlockScope {
    /// Active locals of the function when the block was entered.
    nactvar: usize,
    first_label: usize,
    first_goto: usize,
    is_loop: bool,
}

/// A function being parsed.
struct FuncState {
    first_var: usize,
    first_block: usize,
    is_vararg: bool,
    /// Line of the definition (0 for the main chunk), for limit messages.
    line: u32,
}

struct Parser<'a> {
    lex: Lexer<'a>,
    src: &'a [u8],
    /// Current token.
    tok: Token,
    /// One-token lookahead (only table constructors need it).
    ahead: Option<Token>,
    /// Line of the last consumed token (lua's `lastline`).
    last_line: u32,
    /// Nesting level, as counted by lua's `enterlevel`.
    level: u32,
    /// Estimated bytes the parse may still use (see [`parse_limited`]).
    allowance: usize,
    funcs: Vec<FuncState>,
    blocks: Vec<BlockScope>,
    vars: Vec<Var<'a>>,
    labels: Vec<Label<'a>>,
    gotos: Vec<Label<'a>>,
}

fn unop(t: &Tok) -> Option<UnOp> {
    Some(match t {
        Tok::Not => UnOp::Not,
        Tok::Char(b'-') => UnOp::Neg,
        Tok::Char(b'~') => UnOp::BNot,
        Tok::Char(b'#') => UnOp::Len,
        _ => return None,
    })
}

/// A binary operator with its (left, right) priorities. An operator continues
/// an expression when its left priority exceeds the current limit; its right
/// operand is parsed with the right priority as limit, so `right < left` makes
/// it right-associative (`^`, `..`).
fn binop(t: &Tok) -> Option<(BinOp, u8, u8)> {
    Some(match t {
        Tok::Char(b'+') => (BinOp::Add, 10, 10),
        Tok::Char(b'-') => (BinOp::Sub, 10, 10),
        Tok::Char(b'*') => (BinOp::Mul, 11, 11),
        Tok::Char(b'%') => (BinOp::Mod, 11, 11),
        Tok::Char(b'^') => (BinOp::Pow, 14, 13),
        Tok::Char(b'/') => (BinOp::Div, 11, 11),
        Tok::IDiv => (BinOp::IDiv, 11, 11),
        Tok::Char(b'&') => (BinOp::BAnd, 6, 6),
        Tok::Char(b'|') => (BinOp::BOr, 4, 4),
        Tok::Char(b'~') => (BinOp::BXor, 5, 5),
        Tok::Shl => (BinOp::Shl, 7, 7),
        Tok::Shr => (BinOp::Shr, 7, 7),
        Tok::Concat => (BinOp::Concat, 9, 8),
        Tok::Eq => (BinOp::Eq, 3, 3),
        Tok::Ne => (BinOp::Ne, 3, 3),
        Tok::Char(b'<') => (BinOp::Lt, 3, 3),
        Tok::Le => (BinOp::Le, 3, 3),
        Tok::Char(b'>') => (BinOp::Gt, 3, 3),
        Tok::Ge => (BinOp::Ge, 3, 3),
        Tok::And => (BinOp::And, 2, 2),
        Tok::Or => (BinOp::Or, 1, 1),
        _ => return None,
    })
}

/// Bytes of an identifier as a `String` (identifiers are ASCII).
fn name_string(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

impl<'a> Parser<'a> {
    fn new(src: &'a [u8], chunkname: &'a str) -> PResult<Self> {
        let mut lex = Lexer::new(src, chunkname);
        let tok = lex.next_token()?;
        Ok(Parser {
            lex,
            src,
            tok,
            ahead: None,
            last_line: 1,
            level: BASE_LEVEL,
            allowance: usize::MAX,
            funcs: Vec::new(),
            blocks: Vec::new(),
            vars: Vec::new(),
            labels: Vec::new(),
            gotos: Vec::new(),
        })
    }

    // ----- token handling -------------------------------------------------

    /// lua's `linenumber`: the line of the most recently scanned token.
    #[inline]
    fn line(&self) -> u32 {
        match &self.ahead {
            Some(t) => t.line,
            None => self.tok.line,
        }
    }

    fn advance(&mut self) -> PResult<()> {
        self.last_line = self.line();
        self.tok = match self.ahead.take() {
            Some(t) => t,
            None => self.lex.next_token()?,
        };
        let cost = match &self.tok.tok {
            Tok::Str(b) => TOKEN_BYTES + b.len(),
            _ => TOKEN_BYTES,
        };
        match self.allowance.checked_sub(cost) {
            Some(rest) => self.allowance = rest,
            None => {
                return Err(Box::new(SyntaxError {
                    message: "not enough memory".into(),
                    out_of_memory: true,
                }))
            }
        }
        Ok(())
    }

    fn peek_ahead(&mut self) -> PResult<&Tok> {
        if self.ahead.is_none() {
            self.ahead = Some(self.lex.next_token()?);
        }
        Ok(&self.ahead.as_ref().expect("lookahead just filled").tok)
    }

    #[inline]
    fn is_char(&self, c: u8) -> bool {
        self.tok.tok == Tok::Char(c)
    }

    fn test_next(&mut self, t: &Tok) -> PResult<bool> {
        if self.tok.tok == *t {
            self.advance()?;
            Ok(true)
        } else {
            Ok(false)
        }
    }

    fn test_char(&mut self, c: u8) -> PResult<bool> {
        self.test_next(&Tok::Char(c))
    }

    fn check_next(&mut self, t: Tok) -> PResult<()> {
        if self.tok.tok == t {
            self.advance()
        } else {
            Err(self.expected(&t))
        }
    }

    fn check_char(&mut self, c: u8) -> PResult<()> {
        self.check_next(Tok::Char(c))
    }

    /// Consumes `what`, which closes `who` opened at line `where_`.
    fn check_match(&mut self, what: Tok, who: Tok, where_: u32) -> PResult<()> {
        if self.tok.tok == what {
            return self.advance();
        }
        if where_ == self.line() {
            Err(self.expected(&what))
        } else {
            let msg = format!(
                "{} expected (to close {} at line {})",
                what.describe(),
                who.describe(),
                where_
            );
            Err(self.error_near(&msg))
        }
    }

    /// Consumes a name and returns its source bytes.
    fn check_name(&mut self) -> PResult<&'a [u8]> {
        if self.tok.tok != Tok::Name {
            return Err(self.expected(&Tok::Name));
        }
        let name = &self.src[self.tok.start..self.tok.end];
        self.advance()?;
        Ok(name)
    }

    fn take_string(&mut self) -> Vec<u8> {
        match &mut self.tok.tok {
            Tok::Str(s) => std::mem::take(s),
            _ => unreachable!("current token is a string"),
        }
    }

    // ----- errors ----------------------------------------------------------

    /// A syntax error at the current line, "near" the current token.
    fn error_near(&self, msg: &str) -> Box<SyntaxError> {
        let near = self.lex.near(&self.tok);
        Box::new(self.lex.error(self.line(), msg, Some(&near)))
    }

    /// A semantic error (no "near" part), like lua's `luaK_semerror`.
    fn sem_error(&self, msg: &str) -> Box<SyntaxError> {
        Box::new(self.lex.error(self.line(), msg, None))
    }

    fn expected(&self, t: &Tok) -> Box<SyntaxError> {
        self.error_near(&format!("{} expected", t.describe()))
    }

    // ----- nesting limit ------------------------------------------------------

    #[inline]
    fn enter_level(&mut self) -> PResult<()> {
        self.level += 1;
        if self.level >= MAX_LEVELS {
            // lua5.4 raises this as a runtime error, without position.
            return Err(Box::new(SyntaxError {
                message: "C stack overflow".to_string(),
                out_of_memory: false,
            }));
        }
        Ok(())
    }

    #[inline]
    fn leave_level(&mut self) {
        self.level -= 1;
    }

    // ----- scopes, labels and gotos -----------------------------------------

    fn func(&self) -> &FuncState {
        self.funcs.last().expect("inside a function")
    }

    /// Number of active locals in the current function.
    fn nactvar(&self) -> usize {
        self.vars.len() - self.func().first_var
    }

    fn open_func(&mut self, is_vararg: bool, line: u32) {
        self.funcs.push(FuncState {
            first_var: self.vars.len(),
            first_block: self.blocks.len(),
            is_vararg,
            line,
        });
        self.enter_block(false);
    }

    /// Closes the current function's outermost block (reporting gotos that
    /// never found their label) and the function itself.
    fn close_func(&mut self) -> PResult<()> {
        self.leave_block()?;
        let fs = self.funcs.pop().expect("open function");
        self.vars.truncate(fs.first_var);
        Ok(())
    }

    fn enter_block(&mut self, is_loop: bool) {
        let nactvar = self.nactvar();
        self.blocks.push(BlockScope {
            nactvar,
            first_label: self.labels.len(),
            first_goto: self.gotos.len(),
            is_loop,
        });
    }

    fn leave_block(&mut self) -> PResult<()> {
        let bl = self.blocks.pop().expect("open block");
        self.vars.truncate(self.func().first_var + bl.nactvar);
        if bl.is_loop {
            // Pending `break`s of this loop jump to its end.
            let mut i = bl.first_goto;
            while i < self.gotos.len() {
                if self.gotos[i].name == BREAK {
                    self.gotos.remove(i);
                } else {
                    i += 1;
                }
            }
        }
        self.labels.truncate(bl.first_label);
        if self.blocks.len() > self.func().first_block {
            // Pending gotos move out to the enclosing block.
            for g in &mut self.gotos[bl.first_goto..] {
                g.nactvar = g.nactvar.min(bl.nactvar);
            }
            Ok(())
        } else if let Some(g) = self.gotos.get(bl.first_goto) {
            let msg = if g.name == BREAK {
                format!("break outside loop at line {}", g.line)
            } else {
                format!(
                    "no visible label '{}' for <goto> at line {}",
                    String::from_utf8_lossy(g.name),
                    g.line
                )
            };
            Err(self.sem_error(&msg))
        } else {
            Ok(())
        }
    }

    fn find_label(&self, name: &[u8]) -> Option<&Label<'a>> {
        let first = self.blocks[self.func().first_block].first_label;
        self.labels[first..].iter().find(|l| l.name == name)
    }

    /// Declares a label and resolves the pending gotos of the current block
    /// that target it. `last` labels (followed only by void statements up to
    /// the end of the block) are outside the scope of the block's locals.
    fn create_label(&mut self, name: &'a [u8], line: u32, last: bool) -> PResult<()> {
        let bl = self.blocks.last().expect("open block");
        let nactvar = if last { bl.nactvar } else { self.nactvar() };
        let mut i = bl.first_goto;
        while i < self.gotos.len() {
            if self.gotos[i].name != name {
                i += 1;
                continue;
            }
            let g = &self.gotos[i];
            if g.nactvar < nactvar {
                let first = self.func().first_var;
                let var = String::from_utf8_lossy(self.vars[first + g.nactvar].name);
                let msg = format!(
                    "<goto {}> at line {} jumps into the scope of local '{}'",
                    String::from_utf8_lossy(name),
                    g.line,
                    var
                );
                return Err(self.sem_error(&msg));
            }
            self.gotos.remove(i);
        }
        self.labels.push(Label {
            name,
            line,
            nactvar,
        });
        Ok(())
    }

    fn new_goto(&mut self, name: &'a [u8], line: u32) {
        let nactvar = self.nactvar();
        self.gotos.push(Label {
            name,
            line,
            nactvar,
        });
    }

    /// lua5.4's limit of 200 active locals per function, checked as each new name is
    /// read (`pending` names of the current statement are not active yet).
    fn check_var_limit(&self, pending: usize) -> PResult<()> {
        const MAX_VARS: usize = 200;
        if self.nactvar() + pending + 1 > MAX_VARS {
            let line = self.func().line;
            let place = if line == 0 {
                "main function".to_string()
            } else {
                format!("function at line {line}")
            };
            return Err(self.error_near(&format!(
                "too many local variables (limit is {MAX_VARS}) in {place}"
            )));
        }
        Ok(())
    }

    fn add_var(&mut self, name: &'a [u8], kind: VarKind) {
        self.vars.push(Var { name, kind });
    }

    /// Rejects assignment to a read-only local (`<const>`/`<close>`), also when
    /// it is an upvalue.
    fn check_readonly(&self, name: &str) -> PResult<()> {
        let var = self.vars.iter().rev().find(|v| v.name == name.as_bytes());
        if var.is_some_and(|v| v.kind == VarKind::ReadOnly) {
            let msg = format!("attempt to assign to const variable '{name}'");
            return Err(self.sem_error(&msg));
        }
        Ok(())
    }

    // ----- blocks and statements -----------------------------------------------

    fn main_chunk(&mut self) -> PResult<Block> {
        self.open_func(true, 0);
        let mut block = self.statlist()?;
        if self.tok.tok != Tok::Eof {
            return Err(self.expected(&Tok::Eof));
        }
        // The main function's final return is on the line of its last token, as
        // in lua5.4 (its line hook reports that line, not the end of the file).
        block.end_line = self.last_line;
        self.close_func()?;
        Ok(block)
    }

    /// Whether the current token ends a block.
    fn block_follow(&self, with_until: bool) -> bool {
        match self.tok.tok {
            Tok::Else | Tok::Elseif | Tok::End | Tok::Eof => true,
            Tok::Until => with_until,
            _ => false,
        }
    }

    fn statlist(&mut self) -> PResult<Block> {
        let mut stats = Vec::new();
        let mut ret = None;
        while !self.block_follow(true) {
            if self.tok.tok == Tok::Return {
                self.enter_level()?;
                ret = Some(self.retstat()?);
                self.leave_level();
                break;
            }
            self.statement(&mut stats)?;
        }
        Ok(Block {
            stats,
            ret,
            end_line: self.line(),
        })
    }

    /// A statement list in its own scope.
    fn block(&mut self) -> PResult<Block> {
        self.enter_block(false);
        let b = self.statlist()?;
        self.leave_block()?;
        Ok(b)
    }

    /// Parses one statement, appending it (if not void) to `stats`.
    fn statement(&mut self, stats: &mut Vec<Stat>) -> PResult<()> {
        let line = self.line();
        self.enter_level()?;
        // Each kind of statement is parsed (and pushed) by its own function, so
        // this frame, which every nested statement adds to the stack, stays small.
        match self.tok.tok {
            Tok::Char(b';') => self.advance()?,
            Tok::If => self.ifstat(line, stats)?,
            Tok::While => self.whilestat(line, stats)?,
            Tok::Do => self.dostat(line, stats)?,
            Tok::For => self.forstat(line, stats)?,
            Tok::Repeat => self.repeatstat(line, stats)?,
            Tok::Function => self.funcstat(line, stats)?,
            Tok::Local => {
                self.advance()?;
                if self.test_next(&Tok::Function)? {
                    self.localfunc(line, stats)?;
                } else {
                    self.localstat(stats)?;
                }
            }
            Tok::DbColon => self.labelstat(line, stats)?,
            Tok::Break => {
                self.advance()?;
                self.new_goto(BREAK, line);
                stats.push(Stat::Break { line });
            }
            Tok::Goto => self.gotostat(stats)?,
            _ => self.exprstat(stats)?,
        }
        self.leave_level();
        Ok(())
    }

    fn dostat(&mut self, line: u32, stats: &mut Vec<Stat>) -> PResult<()> {
        self.advance()?;
        let b = self.block()?;
        self.check_match(Tok::End, Tok::Do, line)?;
        stats.push(Stat::Do(b));
        Ok(())
    }

    fn gotostat(&mut self, stats: &mut Vec<Stat>) -> PResult<()> {
        self.advance()?;
        let line = self.line();
        let name = self.check_name()?;
        if self.find_label(name).is_none() {
            self.new_goto(name, line);
        }
        stats.push(Stat::Goto {
            label: name_string(name),
            line,
        });
        Ok(())
    }

    fn labelstat(&mut self, line: u32, stats: &mut Vec<Stat>) -> PResult<()> {
        self.advance()?;
        let name = self.check_name()?;
        self.check_next(Tok::DbColon)?;
        stats.push(Stat::Label {
            name: name_string(name),
            line,
        });
        // Following void statements are parsed first, so a label at the end of
        // a block is recognised as such (lua5.4 does the same).
        while matches!(self.tok.tok, Tok::Char(b';') | Tok::DbColon) {
            self.statement(stats)?;
        }
        if let Some(prev) = self.find_label(name) {
            let msg = format!(
                "label '{}' already defined on line {}",
                String::from_utf8_lossy(name),
                prev.line
            );
            return Err(self.sem_error(&msg));
        }
        let last = self.block_follow(false);
        self.create_label(name, line, last)
    }

    fn retstat(&mut self) -> PResult<Return> {
        self.advance()?; // skip 'return'
        let exprs = if self.block_follow(true) || self.is_char(b';') {
            Vec::new()
        } else {
            self.explist()?
        };
        let line = self.last_line;
        self.test_char(b';')?;
        Ok(Return { exprs, line })
    }

    /// `if cond then block {elseif cond then block} [else block] end`
    fn ifstat(&mut self, line: u32, stats: &mut Vec<Stat>) -> PResult<()> {
        let mut conds = Vec::new();
        self.test_then_block(&mut conds)?;
        while self.tok.tok == Tok::Elseif {
            self.test_then_block(&mut conds)?;
        }
        let else_block = if self.test_next(&Tok::Else)? {
            Some(self.block()?)
        } else {
            None
        };
        self.check_match(Tok::End, Tok::If, line)?;
        stats.push(Stat::If {
            conds,
            else_block,
            line,
        });
        Ok(())
    }

    /// `[if | elseif] cond then block`
    fn test_then_block(&mut self, conds: &mut Vec<(Expr, Block, u32)>) -> PResult<()> {
        self.advance()?; // skip 'if' / 'elseif'
        let cond = self.expr()?;
        self.check_next(Tok::Then)?;
        let then_line = self.last_line;
        let body = self.block()?;
        conds.push((cond, body, then_line));
        Ok(())
    }

    fn whilestat(&mut self, line: u32, stats: &mut Vec<Stat>) -> PResult<()> {
        self.advance()?;
        let cond = self.expr()?;
        self.enter_block(true);
        self.check_next(Tok::Do)?;
        let body = self.block()?;
        self.check_match(Tok::End, Tok::While, line)?;
        self.leave_block()?;
        stats.push(Stat::While { cond, body, line });
        Ok(())
    }

    fn repeatstat(&mut self, line: u32, stats: &mut Vec<Stat>) -> PResult<()> {
        self.enter_block(true); // loop block
        self.enter_block(false); // scope block: the condition sees the body's locals
        self.advance()?;
        let body = self.statlist()?;
        self.check_match(Tok::Until, Tok::Repeat, line)?;
        let cond = self.expr()?;
        self.leave_block()?;
        self.leave_block()?;
        stats.push(Stat::Repeat { body, cond, line });
        Ok(())
    }

    fn forstat(&mut self, line: u32, stats: &mut Vec<Stat>) -> PResult<()> {
        self.enter_block(true);
        self.advance()?;
        let var = self.check_name()?;
        match self.tok.tok {
            Tok::Char(b'=') => self.fornum(var, stats)?,
            Tok::Char(b',') | Tok::In => self.forlist(var, stats)?,
            _ => return Err(self.error_near("'=' or 'in' expected")),
        }
        self.check_match(Tok::End, Tok::For, line)?;
        self.leave_block()
    }

    /// `= exp, exp [, exp] forbody`
    fn fornum(&mut self, var: &'a [u8], stats: &mut Vec<Stat>) -> PResult<()> {
        self.advance()?;
        let start = self.expr()?;
        self.check_char(b',')?;
        let limit = self.expr()?;
        let step = if self.test_char(b',')? {
            Some(self.expr()?)
        } else {
            None
        };
        // lua5.4 reports the loop's preparation errors on the `do` line.
        let line = self.line();
        let body = self.forbody(&[var])?;
        stats.push(Stat::NumFor {
            var: name_string(var),
            start,
            limit,
            step,
            body,
            line,
        });
        Ok(())
    }

    /// `{, name} in explist forbody`
    fn forlist(&mut self, var: &'a [u8], stats: &mut Vec<Stat>) -> PResult<()> {
        let mut names = vec![var];
        while self.test_char(b',')? {
            names.push(self.check_name()?);
        }
        self.check_next(Tok::In)?;
        let line = self.line();
        let exprs = self.explist()?;
        let body = self.forbody(&names)?;
        stats.push(Stat::GenFor {
            names: names.into_iter().map(name_string).collect(),
            exprs,
            body,
            line,
        });
        Ok(())
    }

    /// `do block` with the loop variables in scope.
    fn forbody(&mut self, vars: &[&'a [u8]]) -> PResult<Block> {
        self.check_next(Tok::Do)?;
        self.enter_block(false);
        for v in vars {
            self.add_var(v, VarKind::Regular);
        }
        let body = self.block()?;
        self.leave_block()?;
        Ok(body)
    }

    /// `function a.b.c:m() ... end`
    fn funcstat(&mut self, line: u32, stats: &mut Vec<Stat>) -> PResult<()> {
        self.advance()?;
        let mut path = vec![name_string(self.check_name()?)];
        while self.is_char(b'.') {
            self.advance()?;
            path.push(name_string(self.check_name()?));
        }
        let method = if self.is_char(b':') {
            self.advance()?;
            Some(name_string(self.check_name()?))
        } else {
            None
        };
        let func = self.body(method.is_some(), line)?;
        if path.len() == 1 && method.is_none() {
            self.check_readonly(&path[0])?;
        }
        stats.push(Stat::Function {
            name: FuncName { path, method },
            func: Box::new(func),
            line,
        });
        Ok(())
    }

    fn localfunc(&mut self, line: u32, stats: &mut Vec<Stat>) -> PResult<()> {
        let name = self.check_name()?;
        self.add_var(name, VarKind::Regular);
        let fline = self.line();
        let func = self.body(false, fline)?;
        stats.push(Stat::LocalFunction {
            name: name_string(name),
            func: Box::new(func),
            line,
        });
        Ok(())
    }

    fn localstat(&mut self, stats: &mut Vec<Stat>) -> PResult<()> {
        let mut names: Vec<LocalName> = Vec::new();
        let mut spans: Vec<&'a [u8]> = Vec::new();
        let mut has_close = false;
        loop {
            let name = self.check_name()?;
            self.check_var_limit(names.len())?;
            let attrib = self.local_attrib()?;
            if attrib == Some(Attrib::Close) {
                if has_close {
                    return Err(self.sem_error("multiple to-be-closed variables in local list"));
                }
                has_close = true;
            }
            names.push(LocalName {
                name: name_string(name),
                attrib,
            });
            spans.push(name);
            if !self.test_char(b',')? {
                break;
            }
        }
        let exprs = if self.test_char(b'=')? {
            self.explist()?
        } else {
            Vec::new()
        };
        // The new locals come into scope only after their initialisers.
        for (n, span) in names.iter().zip(spans) {
            let kind = if n.attrib.is_some() {
                VarKind::ReadOnly
            } else {
                VarKind::Regular
            };
            self.add_var(span, kind);
        }
        stats.push(Stat::Local {
            names,
            exprs,
            line: self.last_line,
        });
        Ok(())
    }

    fn local_attrib(&mut self) -> PResult<Option<Attrib>> {
        if !self.test_char(b'<')? {
            return Ok(None);
        }
        let attr = self.check_name()?;
        self.check_char(b'>')?;
        match attr {
            b"const" => Ok(Some(Attrib::Const)),
            b"close" => Ok(Some(Attrib::Close)),
            _ => {
                let msg = format!("unknown attribute '{}'", String::from_utf8_lossy(attr));
                Err(self.sem_error(&msg))
            }
        }
    }

    /// An assignment or a call statement.
    fn exprstat(&mut self, stats: &mut Vec<Stat>) -> PResult<()> {
        let first = self.suffixedexp()?;
        if !(self.is_char(b'=') || self.is_char(b',')) {
            if !matches!(first.kind, ExprKind::Call(..) | ExprKind::Method(..)) {
                return Err(self.error_near("syntax error"));
            }
            stats.push(Stat::Call(first));
            return Ok(());
        }
        self.assignment(first, stats)
    }

    /// The rest of an assignment whose first target is `first`.
    fn assignment(&mut self, first: Expr, stats: &mut Vec<Stat>) -> PResult<()> {
        let mut targets = vec![first];
        let mut extra_levels = 0;
        loop {
            let t = targets.last().expect("at least one target");
            if !matches!(t.kind, ExprKind::Name(_) | ExprKind::Index(..)) {
                return Err(self.error_near("syntax error"));
            }
            if let ExprKind::Name(name) = &t.kind {
                self.check_readonly(name)?;
            }
            if !self.test_char(b',')? {
                break;
            }
            targets.push(self.suffixedexp()?);
            // lua recurses once per extra target.
            self.enter_level()?;
            extra_levels += 1;
        }
        self.check_char(b'=')?;
        let exprs = self.explist()?;
        self.level -= extra_levels;
        stats.push(Stat::Assign {
            targets,
            exprs,
            line: self.last_line,
        });
        Ok(())
    }

    // ----- functions ------------------------------------------------------------

    /// `(params) block end`; `line` is recorded as the function's definition line.
    fn body(&mut self, is_method: bool, line: u32) -> PResult<FuncBody> {
        self.open_func(false, line);
        if is_method {
            self.add_var(b"self", VarKind::Regular);
        }
        self.check_char(b'(')?;
        let mut params = Vec::new();
        let mut spans = Vec::new();
        let mut is_vararg = false;
        if !self.is_char(b')') {
            loop {
                match self.tok.tok {
                    Tok::Name => {
                        let name = self.check_name()?;
                        self.check_var_limit(params.len())?;
                        params.push(name_string(name));
                        spans.push(name);
                    }
                    Tok::Dots => {
                        self.advance()?;
                        is_vararg = true;
                    }
                    _ => return Err(self.error_near("<name> or '...' expected")),
                }
                if is_vararg || !self.test_char(b',')? {
                    break;
                }
            }
        }
        for s in spans {
            self.add_var(s, VarKind::Regular);
        }
        self.funcs.last_mut().expect("open function").is_vararg = is_vararg;
        self.check_char(b')')?;
        let body = self.statlist()?;
        let end_line = self.line();
        self.check_match(Tok::End, Tok::Function, line)?;
        self.close_func()?;
        Ok(FuncBody {
            params,
            is_method,
            is_vararg,
            body,
            line,
            end_line,
        })
    }

    // ----- expressions ------------------------------------------------------------
    //
    // Functions on the recursive paths keep their own frames small (work that
    // needs many temporaries lives in separate helpers), so the ~200 levels
    // allowed fit comfortably in a 2 MiB stack even in debug builds.

    fn expr(&mut self) -> PResult<Expr> {
        self.subexpr(0)
    }

    fn explist(&mut self) -> PResult<Vec<Expr>> {
        let mut list = vec![self.expr()?];
        while self.test_char(b',')? {
            list.push(self.expr()?);
        }
        Ok(list)
    }

    /// Operator-precedence parsing: reads operands and operators whose left
    /// priority exceeds `limit`. Left-associative chains are built in the loop
    /// (no recursion); right operands recurse with a level each.
    fn subexpr(&mut self, limit: u8) -> PResult<Expr> {
        self.enter_level()?;
        let mut left = match unop(&self.tok.tok) {
            Some(op) => self.unary(op)?,
            None => self.simpleexp()?,
        };
        while let Some((op, lprio, rprio)) = binop(&self.tok.tok) {
            if lprio <= limit {
                break;
            }
            left = self.binary(left, op, rprio)?;
        }
        self.leave_level();
        Ok(left)
    }

    fn unary(&mut self, op: UnOp) -> PResult<Expr> {
        let line = self.line();
        self.advance()?;
        let operand = self.subexpr(UNARY_PRIORITY)?;
        Ok(Expr::new(ExprKind::Unop(op, Box::new(operand)), line))
    }

    /// `left op right`, with the operator as the current token.
    fn binary(&mut self, left: Expr, op: BinOp, rprio: u8) -> PResult<Expr> {
        let line = self.line();
        self.advance()?;
        let right = self.subexpr(rprio)?;
        Ok(Expr::new(
            ExprKind::Binop(op, Box::new(left), Box::new(right)),
            line,
        ))
    }

    fn simpleexp(&mut self) -> PResult<Expr> {
        let kind = match self.tok.tok {
            Tok::Float(f) => ExprKind::Float(f),
            Tok::Int(i) => ExprKind::Int(i),
            Tok::Str(_) => ExprKind::Str(self.take_string()),
            Tok::Nil => ExprKind::Nil,
            Tok::True => ExprKind::True,
            Tok::False => ExprKind::False,
            Tok::Dots => {
                if !self.func().is_vararg {
                    return Err(self.error_near("cannot use '...' outside a vararg function"));
                }
                ExprKind::Vararg
            }
            Tok::Char(b'{') => return self.constructor(),
            Tok::Function => return self.function_expr(),
            _ => return self.suffixedexp(),
        };
        let line = self.line();
        self.advance()?;
        Ok(Expr::new(kind, line))
    }

    fn function_expr(&mut self) -> PResult<Expr> {
        let line = self.line();
        self.advance()?;
        let fline = self.line();
        let f = self.body(false, fline)?;
        Ok(Expr::new(ExprKind::Function(Box::new(f)), line))
    }

    fn primaryexp(&mut self) -> PResult<Expr> {
        match self.tok.tok {
            Tok::Char(b'(') => self.paren_expr(),
            Tok::Name => {
                let line = self.line();
                let name = name_string(self.check_name()?);
                Ok(Expr::new(ExprKind::Name(name), line))
            }
            _ => Err(self.error_near("unexpected symbol")),
        }
    }

    fn paren_expr(&mut self) -> PResult<Expr> {
        let line = self.line();
        self.advance()?;
        let e = self.expr()?;
        self.check_match(Tok::Char(b')'), Tok::Char(b'('), line)?;
        Ok(Expr::new(ExprKind::Paren(Box::new(e)), line))
    }

    /// `primaryexp { '.' NAME | '[' exp ']' | ':' NAME funcargs | funcargs }`,
    /// built iteratively.
    fn suffixedexp(&mut self) -> PResult<Expr> {
        let line = self.line();
        let mut e = self.primaryexp()?;
        while matches!(
            self.tok.tok,
            Tok::Char(b'.' | b'[' | b':' | b'(' | b'{') | Tok::Str(_)
        ) {
            e = self.suffix(e, line)?;
        }
        Ok(e)
    }

    /// Applies one suffix to `e`; `line` is where the prefix expression started.
    fn suffix(&mut self, e: Expr, line: u32) -> PResult<Expr> {
        match self.tok.tok {
            Tok::Char(b'.') => self.field_suffix(e),
            Tok::Char(b'[') => self.index_suffix(e),
            Tok::Char(b':') => self.method_suffix(e, line),
            _ => self.call_suffix(e, line),
        }
    }

    /// `e.name`
    fn field_suffix(&mut self, e: Expr) -> PResult<Expr> {
        let line = self.line();
        self.advance()?;
        let kline = self.line();
        let key = Expr::new(ExprKind::Str(self.check_name()?.to_vec()), kline);
        Ok(Expr::new(ExprKind::Index(Box::new(e), Box::new(key)), line))
    }

    /// `e[key]`
    fn index_suffix(&mut self, e: Expr) -> PResult<Expr> {
        let line = self.line();
        self.advance()?;
        let key = self.expr()?;
        self.check_char(b']')?;
        Ok(Expr::new(ExprKind::Index(Box::new(e), Box::new(key)), line))
    }

    /// `e:name args`
    fn method_suffix(&mut self, e: Expr, line: u32) -> PResult<Expr> {
        self.advance()?;
        let name = name_string(self.check_name()?);
        let args = self.funcargs(line)?;
        Ok(Expr::new(ExprKind::Method(Box::new(e), name, args), line))
    }

    /// `e args`
    fn call_suffix(&mut self, e: Expr, line: u32) -> PResult<Expr> {
        let args = self.funcargs(line)?;
        Ok(Expr::new(ExprKind::Call(Box::new(e), args), line))
    }

    /// Call arguments; `line` is where the called expression started.
    fn funcargs(&mut self, line: u32) -> PResult<Vec<Expr>> {
        match self.tok.tok {
            Tok::Char(b'(') => self.paren_args(line),
            Tok::Char(b'{') => Ok(vec![self.constructor()?]),
            Tok::Str(_) => {
                let sline = self.line();
                let s = self.take_string();
                self.advance()?;
                Ok(vec![Expr::new(ExprKind::Str(s), sline)])
            }
            _ => Err(self.error_near("function arguments expected")),
        }
    }

    /// `( [explist] )`
    fn paren_args(&mut self, line: u32) -> PResult<Vec<Expr>> {
        self.advance()?;
        let args = if self.is_char(b')') {
            Vec::new()
        } else {
            self.explist()?
        };
        self.check_match(Tok::Char(b')'), Tok::Char(b'('), line)?;
        Ok(args)
    }

    /// `{ [field {sep field} [sep]] }`
    fn constructor(&mut self) -> PResult<Expr> {
        let line = self.line();
        self.check_char(b'{')?;
        let mut fields = Vec::new();
        while !self.is_char(b'}') {
            self.field(&mut fields)?;
            if !(self.test_char(b',')? || self.test_char(b';')?) {
                break;
            }
        }
        self.check_match(Tok::Char(b'}'), Tok::Char(b'{'), line)?;
        Ok(Expr::new(ExprKind::Table(fields), line))
    }

    fn field(&mut self, fields: &mut Vec<Field>) -> PResult<()> {
        if self.tok.tok == Tok::Name && *self.peek_ahead()? == Tok::Char(b'=') {
            self.named_field(fields)
        } else if self.is_char(b'[') {
            self.keyed_field(fields)
        } else {
            let value = self.expr()?;
            fields.push(Field::Pos(value));
            Ok(())
        }
    }

    /// `name = exp`
    fn named_field(&mut self, fields: &mut Vec<Field>) -> PResult<()> {
        let name = name_string(self.check_name()?);
        self.check_char(b'=')?;
        let value = self.expr()?;
        fields.push(Field::Named(name, value));
        Ok(())
    }

    /// `[exp] = exp`
    fn keyed_field(&mut self, fields: &mut Vec<Field>) -> PResult<()> {
        self.advance()?;
        let key = self.expr()?;
        self.check_char(b']')?;
        self.check_char(b'=')?;
        let value = self.expr()?;
        fields.push(Field::Keyed(key, value));
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(src: &str) -> Block {
        match parse(src.as_bytes(), "s") {
            Ok(b) => b,
            Err(e) => panic!("{src:?}: {}", e.message),
        }
    }

    fn err(src: &str) -> String {
        match parse(src.as_bytes(), "s") {
            Ok(_) => panic!("{src:?} parsed"),
            Err(e) => e.message,
        }
    }

    /// Compact rendering of an expression tree for shape assertions.
    fn sexp(e: &Expr) -> String {
        match &e.kind {
            ExprKind::Nil => "nil".into(),
            ExprKind::True => "true".into(),
            ExprKind::False => "false".into(),
            ExprKind::Vararg => "...".into(),
            ExprKind::Int(i) => i.to_string(),
            ExprKind::Float(f) => format!("{f:?}"),
            ExprKind::Str(s) => format!("{:?}", String::from_utf8_lossy(s)),
            ExprKind::Function(_) => "fn".into(),
            ExprKind::Table(fields) => {
                let parts: Vec<String> = fields
                    .iter()
                    .map(|f| match f {
                        Field::Pos(v) => sexp(v),
                        Field::Named(n, v) => format!("{n}={}", sexp(v)),
                        Field::Keyed(k, v) => format!("[{}]={}", sexp(k), sexp(v)),
                    })
                    .collect();
                format!("{{{}}}", parts.join(" "))
            }
            ExprKind::Binop(op, l, r) => format!("({op:?} {} {})", sexp(l), sexp(r)),
            ExprKind::Unop(op, x) => format!("({op:?} {})", sexp(x)),
            ExprKind::Name(n) => n.clone(),
            ExprKind::Index(o, k) => format!("{}[{}]", sexp(o), sexp(k)),
            ExprKind::Call(f, args) => {
                let a: Vec<String> = args.iter().map(sexp).collect();
                format!("{}({})", sexp(f), a.join(" "))
            }
            ExprKind::Method(o, m, args) => {
                let a: Vec<String> = args.iter().map(sexp).collect();
                format!("{}:{m}({})", sexp(o), a.join(" "))
            }
            ExprKind::Paren(x) => format!("<{}>", sexp(x)),
        }
    }

    /// The expression of `return <src>`.
    fn ret(src: &str) -> Expr {
        let mut b = ok(&format!("return {src}"));
        b.ret.take().unwrap().exprs.remove(0)
    }

    fn shape(src: &str) -> String {
        sexp(&ret(src))
    }

    #[test]
    fn precedence() {
        assert_eq!(shape("1 + 2 * 3"), "(Add 1 (Mul 2 3))");
        assert_eq!(shape("1 * 2 + 3"), "(Add (Mul 1 2) 3)");
        assert_eq!(shape("1 - 2 - 3"), "(Sub (Sub 1 2) 3)");
        assert_eq!(shape("a .. b .. c"), "(Concat a (Concat b c))");
        assert_eq!(shape("a ^ b ^ c"), "(Pow a (Pow b c))");
        assert_eq!(shape("-x ^ 2"), "(Neg (Pow x 2))");
        assert_eq!(shape("2 ^ -3"), "(Pow 2 (Neg 3))");
        assert_eq!(shape("2 ^ -3 ^ 2"), "(Pow 2 (Neg (Pow 3 2)))");
        assert_eq!(shape("not a == b"), "(Eq (Not a) b)");
        assert_eq!(shape("- - x"), "(Neg (Neg x))");
        assert_eq!(shape("#t + 1"), "(Add (Len t) 1)");
        assert_eq!(shape("~a ~ b"), "(BXor (BNot a) b)");
        assert_eq!(shape("a or b and c or d"), "(Or (Or a (And b c)) d)");
        assert_eq!(shape("a < b == c"), "(Eq (Lt a b) c)");
        assert_eq!(
            shape("1 | 2 ~ 3 & 4 << 5 .. 6 + 7 * 8"),
            "(BOr 1 (BXor 2 (BAnd 3 (Shl 4 (Concat 5 (Add 6 (Mul 7 8)))))))"
        );
        assert_eq!(
            shape("1 * 2 + 3 .. 4 >> 5 & 6 ~ 7 | 8"),
            "(BOr (BXor (BAnd (Shr (Concat (Add (Mul 1 2) 3) 4) 5) 6) 7) 8)"
        );
        assert_eq!(shape("a + b .. c + d"), "(Concat (Add a b) (Add c d))");
        assert_eq!(shape("a // b % c / d"), "(Div (Mod (IDiv a b) c) d)");
        assert_eq!(
            shape("a ~= b and c >= d or e <= f and g > h"),
            "(Or (And (Ne a b) (Ge c d)) (And (Le e f) (Gt g h)))"
        );
        assert_eq!(shape("(a + b) * c"), "(Mul <(Add a b)> c)");
        assert_eq!(shape("-2 ^ 2"), "(Neg (Pow 2 2))");
        assert_eq!(shape("a .. b ^ c .. d"), "(Concat a (Concat (Pow b c) d))");
    }

    #[test]
    fn simple_expressions() {
        assert_eq!(shape("nil, true, false, ..., 1, 1.5, 'x', {}"), "nil");
        let b = ok("return nil, true, false, ..., 1, 1.5, 'x', {}, function() end");
        let parts: Vec<String> = b.ret.as_ref().unwrap().exprs.iter().map(sexp).collect();
        assert_eq!(
            parts,
            ["nil", "true", "false", "...", "1", "1.5", "\"x\"", "{}", "fn"]
        );
        assert_eq!(
            shape("{1, x = 2; [3] = 4, f(), 'y',}"),
            "{1 x=2 [3]=4 f() \"y\"}"
        );
        assert_eq!(shape("{x}"), "{x}");
        assert_eq!(shape("{x == 1}"), "{(Eq x 1)}");
    }

    #[test]
    fn suffixes_and_calls() {
        assert_eq!(shape("a.b.c"), "a[\"b\"][\"c\"]");
        assert_eq!(shape("a[1][b]"), "a[1][b]");
        assert_eq!(shape("f(1, 2)(3)"), "f(1 2)(3)");
        assert_eq!(shape("f'x'"), "f(\"x\")");
        assert_eq!(shape("f[[x]]"), "f(\"x\")");
        assert_eq!(shape("f{1}"), "f({1})");
        assert_eq!(shape("o:m(1):n'x':p{}"), "o:m(1):n(\"x\"):p({})");
        assert_eq!(shape("a.b:c(1).d"), "a[\"b\"]:c(1)[\"d\"]");
        assert_eq!(shape("('x'):rep(3)"), "<\"x\">:rep(3)");
        // Not an error since 5.2: a call across lines.
        let b = ok("f\n(g)");
        assert!(matches!(&b.stats[0], Stat::Call(e) if sexp(e) == "f(g)"));
    }

    #[test]
    fn statements() {
        let b = ok("local a <const>, b <close>, c = 1, 2\n\
                    c, b.c, d[1] = 1, 2, 3\n\
                    f(x)\n\
                    o:m()\n\
                    do end\n\
                    while x do end\n\
                    repeat local y until y\n\
                    if a then elseif b then else end\n\
                    for i = 1, 2, 3 do end\n\
                    for k, v in pairs(t) do end\n\
                    function a.b.c:m(x, ...) end\n\
                    local function g() end\n\
                    ::top:: goto top\n\
                    while true do break end\n\
                    return 1, 2;");
        let kinds: Vec<&str> = b
            .stats
            .iter()
            .map(|s| match s {
                Stat::Call(_) => "call",
                Stat::Local { .. } => "local",
                Stat::Assign { .. } => "assign",
                Stat::Do(_) => "do",
                Stat::While { .. } => "while",
                Stat::Repeat { .. } => "repeat",
                Stat::If { .. } => "if",
                Stat::NumFor { .. } => "numfor",
                Stat::GenFor { .. } => "genfor",
                Stat::Function { .. } => "function",
                Stat::LocalFunction { .. } => "localfunction",
                Stat::Break { .. } => "break",
                Stat::Goto { .. } => "goto",
                Stat::Label { .. } => "label",
            })
            .collect();
        assert_eq!(
            kinds,
            [
                "local",
                "assign",
                "call",
                "call",
                "do",
                "while",
                "repeat",
                "if",
                "numfor",
                "genfor",
                "function",
                "localfunction",
                "label",
                "goto",
                "while"
            ]
        );
        match &b.stats[0] {
            Stat::Local { names, exprs, .. } => {
                let n: Vec<(&str, Option<Attrib>)> =
                    names.iter().map(|n| (n.name.as_str(), n.attrib)).collect();
                assert_eq!(
                    n,
                    [
                        ("a", Some(Attrib::Const)),
                        ("b", Some(Attrib::Close)),
                        ("c", None)
                    ]
                );
                assert_eq!(exprs.len(), 2);
            }
            _ => unreachable!(),
        }
        match &b.stats[7] {
            Stat::If {
                conds, else_block, ..
            } => {
                assert_eq!(conds.len(), 2);
                assert!(else_block.is_some());
            }
            _ => unreachable!(),
        }
        match &b.stats[8] {
            Stat::NumFor { var, step, .. } => {
                assert_eq!(var, "i");
                assert!(step.is_some());
            }
            _ => unreachable!(),
        }
        match &b.stats[9] {
            Stat::GenFor { names, exprs, .. } => {
                assert_eq!(names, &["k", "v"]);
                assert_eq!(exprs.len(), 1);
            }
            _ => unreachable!(),
        }
        match &b.stats[10] {
            Stat::Function { name, func, .. } => {
                assert_eq!(name.path, ["a", "b", "c"]);
                assert_eq!(name.method.as_deref(), Some("m"));
                assert!(func.is_method);
                assert!(func.is_vararg);
                assert_eq!(func.params, ["x"]);
            }
            _ => unreachable!(),
        }
        assert_eq!(b.ret.as_ref().unwrap().exprs.len(), 2);
        assert_eq!(b.end_line, 15);
    }

    #[test]
    fn expression_lines() {
        let e = ret("a\n+\nb");
        assert_eq!(e.line, 2);
        let e = ret("-\nx");
        assert_eq!(e.line, 1);
        // Call: line where the prefix starts; Index: the `.`/`[` token.
        let e = ret("a\n.b\n[c]\n(\n)");
        assert_eq!(e.line, 1);
        let ExprKind::Call(f, _) = &e.kind else {
            panic!()
        };
        assert_eq!(f.line, 3);
        let ExprKind::Index(o, k) = &f.kind else {
            panic!()
        };
        assert_eq!((o.line, k.line), (2, 3));
        let e = ret("\n\no\n:m\n'x'");
        assert_eq!(e.line, 3);
        let e = ret("{\n}");
        assert_eq!(e.line, 1);
        let e = ret("\nfunction\n(\n)\nend");
        assert_eq!(e.line, 2);
        let ExprKind::Function(f) = &e.kind else {
            panic!()
        };
        assert_eq!((f.line, f.end_line, f.body.end_line), (3, 5, 5));
        // After a table-constructor lookahead, lua's line has advanced.
        let e = ret("{f\n(1)}");
        let ExprKind::Table(fields) = &e.kind else {
            panic!()
        };
        let Field::Pos(call) = &fields[0] else {
            panic!()
        };
        assert_eq!(call.line, 2);
    }

    #[test]
    fn statement_lines() {
        let b = ok("local\nx\n=\n1\ny\n=\n2\nfor i = 1,\n2\ndo end\nfor k in\npairs(t) do end\n\
                    local function\ng\n(\n) end\nfunction\nh() end\nbreak_ = 1 goto\nl ::l:: return\n1\n");
        let lines: Vec<u32> = b
            .stats
            .iter()
            .map(|s| match s {
                Stat::Local { line, .. }
                | Stat::Assign { line, .. }
                | Stat::NumFor { line, .. }
                | Stat::GenFor { line, .. }
                | Stat::LocalFunction { line, .. }
                | Stat::Function { line, .. }
                | Stat::Goto { line, .. }
                | Stat::Label { line, .. } => *line,
                _ => 0,
            })
            .collect();
        assert_eq!(lines, [4, 7, 10, 12, 13, 17, 19, 20, 20]);
        match &b.stats[4] {
            Stat::LocalFunction { func, .. } => assert_eq!(func.line, 15),
            _ => unreachable!(),
        }
        match &b.stats[5] {
            Stat::Function { func, .. } => assert_eq!((func.line, func.end_line), (17, 18)),
            _ => unreachable!(),
        }
        assert_eq!(b.ret.as_ref().unwrap().line, 21);
        // The main chunk ends on its last token's line (its final return's line).
        assert_eq!(b.end_line, 21);
    }

    #[test]
    fn block_end_lines() {
        let b = ok("if x then\n\nelseif y then\n\nelse\nend\nrepeat\n\nuntil z\nwhile 1 do\nend");
        match &b.stats[0] {
            Stat::If {
                conds, else_block, ..
            } => {
                assert_eq!(conds[0].1.end_line, 3);
                assert_eq!(conds[1].1.end_line, 5);
                assert_eq!(else_block.as_ref().unwrap().end_line, 6);
            }
            _ => unreachable!(),
        }
        match &b.stats[1] {
            Stat::Repeat { body, .. } => assert_eq!(body.end_line, 9),
            _ => unreachable!(),
        }
        match &b.stats[2] {
            Stat::While { body, .. } => assert_eq!(body.end_line, 11),
            _ => unreachable!(),
        }
    }

    #[test]
    fn labels_in_order() {
        let b = ok("::a:: ;; ::b:: ; ::c:: x = 1");
        let names: Vec<&str> = b
            .stats
            .iter()
            .filter_map(|s| match s {
                Stat::Label { name, .. } => Some(name.as_str()),
                _ => None,
            })
            .collect();
        assert_eq!(names, ["a", "b", "c"]);
        assert_eq!(b.stats.len(), 4);
    }

    /// Each case was run through `load(src, "=s")` in lua5.4.4; the expected
    /// messages are its output (None: it loaded).
    #[test]
    fn messages_match_lua() {
        let cases: &[(&str, Option<&str>)] = &[
            ("x = = 1", Some("s:1: unexpected symbol near '='")),
            ("x", Some("s:1: syntax error near <eof>")),
            ("break", Some("s:1: break outside loop at line 1")),
            (
                "goto foo",
                Some("s:1: no visible label 'foo' for <goto> at line 1"),
            ),
            (
                "::a:: ::a::",
                Some("s:1: label 'a' already defined on line 1"),
            ),
            (
                "goto f; local x; ::f:: print(x)",
                Some("s:1: <goto f> at line 1 jumps into the scope of local 'x'"),
            ),
            ("do goto f; local x; ::f:: end", None),
            (
                "repeat goto f; local x; ::f:: until x",
                Some("s:1: <goto f> at line 1 jumps into the scope of local 'x'"),
            ),
            (
                "local x <const> = 1; x = 2",
                Some("s:1: attempt to assign to const variable 'x'"),
            ),
            (
                "local x <close> = 1; function f() x = 2 end",
                Some("s:1: attempt to assign to const variable 'x'"),
            ),
            ("local x <foo> = 1", Some("s:1: unknown attribute 'foo'")),
            (
                "local x <close>, y <close> = 1, 2",
                Some("s:1: multiple to-be-closed variables in local list"),
            ),
            (
                "x = '\\q'",
                Some("s:1: invalid escape sequence near ''\\q'"),
            ),
            (
                "x = '\\300'",
                Some("s:1: decimal escape too large near ''\\300''"),
            ),
            (
                "x = '\\u{80000000}'",
                Some("s:1: UTF-8 value too large near ''\\u{80000000'"),
            ),
            ("x = '\\u12'", Some("s:1: missing '{' near ''\\u1'")),
            (
                "x = '\\xZZ'",
                Some("s:1: hexadecimal digit expected near ''\\xZ'"),
            ),
            ("x = 'abc", Some("s:1: unfinished string near <eof>")),
            (
                "x = [[abc",
                Some("s:1: unfinished long string (starting at line 1) near <eof>"),
            ),
            (
                "--[[ abc",
                Some("s:1: unfinished long comment (starting at line 1) near <eof>"),
            ),
            (
                "x = [==abc",
                Some("s:1: invalid long string delimiter near '[=='"),
            ),
            ("x = 3x", Some("s:1: malformed number near '3x'")),
            ("x = 0x", Some("s:1: malformed number near '0x'")),
            ("x = 1e", Some("s:1: malformed number near '1e'")),
            ("x = 1..2", Some("s:1: malformed number near '1..2'")),
            ("f() = 1", Some("s:1: syntax error near '='")),
            (
                "a.b:c = 1",
                Some("s:1: function arguments expected near '='"),
            ),
            ("(a) = 1", Some("s:1: syntax error near '='")),
            ("x = '\\u{7FFFFFFF}'", None),
            (
                "return return",
                Some("s:1: unexpected symbol near 'return'"),
            ),
            (
                "local function f() end end",
                Some("s:1: <eof> expected near 'end'"),
            ),
            ("function f() ", Some("s:1: 'end' expected near <eof>")),
            (
                "if x then else elseif",
                Some("s:1: 'end' expected near 'elseif'"),
            ),
            ("x = 1 + ", Some("s:1: unexpected symbol near <eof>")),
            ("x = }", Some("s:1: unexpected symbol near '}'")),
            ("for i = 1 do end", Some("s:1: ',' expected near 'do'")),
            (
                "for a, b = 1, 2 do end",
                Some("s:1: 'in' expected near '='"),
            ),
            ("local x = ~= 1", Some("s:1: unexpected symbol near '~='")),
            ("x = 'a\nb'", Some("s:1: unfinished string near ''a'")),
            ("x = \"abc\\", Some("s:1: unfinished string near <eof>")),
            (
                "x = '\\x4'",
                Some("s:1: hexadecimal digit expected near ''\\x4''"),
            ),
            (
                "x = '\\u{}'",
                Some("s:1: hexadecimal digit expected near ''\\u{}'"),
            ),
            ("x = '\\u{12'", Some("s:1: missing '}' near ''\\u{12''")),
            ("goto continue; local a; ::continue::", None),
            ("while true do goto l end ::l:: local z", None),
            (
                "do local a ::l:: end goto l",
                Some("s:1: no visible label 'l' for <goto> at line 1"),
            ),
            ("::l:: ::m:: goto l", None),
            (
                "local a <const> = 1; local function g() return function() a = 1 end end",
                Some("s:1: attempt to assign to const variable 'a'"),
            ),
            ("x = 1 y = 2", None),
            ("f\n(g)", None),
            ("a.b.c:m().x = 1", None),
            ("x = ...", None),
            (
                "function f() x = ... end",
                Some("s:1: cannot use '...' outside a vararg function near '...'"),
            ),
            ("x = #", Some("s:1: unexpected symbol near <eof>")),
            ("x = 0x1p", Some("s:1: malformed number near '0x1p'")),
            ("x = 08", None),
            ("x = 1.2.3", Some("s:1: malformed number near '1.2.3'")),
            ("x = 3e+", Some("s:1: malformed number near '3e+'")),
            ("x = .e1", Some("s:1: unexpected symbol near '.'")),
            (
                "::a:: do ::a:: end",
                Some("s:1: label 'a' already defined on line 1"),
            ),
            ("do ::a:: end ::a::", None),
            ("local x <const>", None),
            ("x = @", Some("s:1: unexpected symbol near '@'")),
            ("x = $1", Some("s:1: unexpected symbol near '$'")),
            ("x = '\\z  \n  a'", None),
            ("x = ~", Some("s:1: unexpected symbol near <eof>")),
            ("x = a..b..", Some("s:1: unexpected symbol near <eof>")),
            ("a = {[1] = }", Some("s:1: unexpected symbol near '}'")),
            (
                "function f()\n goto x\nend\n\n\nprint(1)",
                Some("s:6: no visible label 'x' for <goto> at line 2"),
            ),
            ("break\n\n\nx=1", Some("s:4: break outside loop at line 1")),
            (
                "::a::\n::a::",
                Some("s:2: label 'a' already defined on line 2"),
            ),
            (
                "x = function\n(\n",
                Some("s:3: <name> or '...' expected near <eof>"),
            ),
            (
                "goto f\nlocal x\n::f::\nprint(x)",
                Some("s:4: <goto f> at line 1 jumps into the scope of local 'x'"),
            ),
            (
                "local x <const> = 1\nx\n=\n2",
                Some("s:3: attempt to assign to const variable 'x'"),
            ),
            (
                "local x <close>\n,\ny <close> = 1, 2",
                Some("s:3: multiple to-be-closed variables in local list"),
            ),
            (
                "local f <const> = 1\nfunction f()\nend\n\nx=1",
                Some("s:5: attempt to assign to const variable 'f'"),
            ),
            ("x = 1 +\n\n", Some("s:3: unexpected symbol near <eof>")),
            (
                "f(\n1,\n2",
                Some("s:3: ')' expected (to close '(' at line 1) near <eof>"),
            ),
            (
                "f\n(\n1,\n2",
                Some("s:4: ')' expected (to close '(' at line 1) near <eof>"),
            ),
            (
                "a = {\n1,\n2",
                Some("s:3: '}' expected (to close '{' at line 1) near <eof>"),
            ),
            ("x = 'abc\ndef'", Some("s:1: unfinished string near ''abc'")),
            (
                "x = [[\nabc\n\n",
                Some("s:4: unfinished long string (starting at line 1) near <eof>"),
            ),
            (
                "x = 1\n\n--[==[ abc\n\n",
                Some("s:5: unfinished long comment (starting at line 3) near <eof>"),
            ),
            (
                "local t = {x\n=\n}",
                Some("s:3: unexpected symbol near '}'"),
            ),
            (
                "do\nlocal a\nend\nreturn 1 2",
                Some("s:4: <eof> expected near '2'"),
            ),
            (
                "x = '\\065\\x41\\u{41}' +",
                Some("s:1: unexpected symbol near <eof>"),
            ),
            (
                "x = [==[\nab]=]c]==] +",
                Some("s:2: unexpected symbol near <eof>"),
            ),
            ("x = 0x1P4 +", Some("s:1: unexpected symbol near <eof>")),
            ("x = 12.5e-3 +", Some("s:1: unexpected symbol near <eof>")),
            (
                "if x then\n\nelse\nx = 1\nelseif",
                Some("s:5: 'end' expected (to close 'if' at line 1) near 'elseif'"),
            ),
            (
                "local function\n f\n (\n)",
                Some("s:4: 'end' expected (to close 'function' at line 3) near <eof>"),
            ),
            ("x = a\n.\nb\n.", Some("s:4: <name> expected near <eof>")),
            ("return\n;\n;", Some("s:3: <eof> expected near ';'")),
            (
                "f{\n1\n}\n:m\n\"s\"\n.\n",
                Some("s:7: <name> expected near <eof>"),
            ),
            (
                "a.b:c\n=1",
                Some("s:2: function arguments expected near '='"),
            ),
            (
                "for a.b = 1, 2 do end",
                Some("s:1: '=' or 'in' expected near '.'"),
            ),
            ("for i = 1, 2 do\n goto l\nend ::l::", None),
            (
                "while 1 do break\n break end break",
                Some("s:2: break outside loop at line 2"),
            ),
            ("repeat local x; goto l; ::l:: until true", None),
            (
                "repeat goto l; local x ::l:: until x",
                Some("s:1: <goto l> at line 1 jumps into the scope of local 'x'"),
            ),
            ("local x = 1\n::l::\n::m::\n goto l", None),
            ("do goto l end ::l::", None),
            (
                "goto l; do ::l:: end",
                Some("s:1: no visible label 'l' for <goto> at line 1"),
            ),
            (
                "local a; local b <const> = 2; local c = 3; goto e; local d; ::e:: ;;",
                None,
            ),
            (
                "goto e; local a; local b <const> = 2; ::e:: print(a)",
                Some("s:1: <goto e> at line 1 jumps into the scope of local 'a'"),
            ),
            (
                "function f(a, ...) local function g() return ... end end",
                Some("s:1: cannot use '...' outside a vararg function near '...'"),
            ),
            ("function f(a, b, ...) return ... end", None),
            ("function t:m(self) end", None),
            (
                "x = function(a, ..., b) end",
                Some("s:1: ')' expected near ','"),
            ),
            (
                "x = function(a,) end",
                Some("s:1: <name> or '...' expected near ')'"),
            ),
            ("x = {[1]}", Some("s:1: '=' expected near '}'")),
            ("x = {a.b = 1}", Some("s:1: '}' expected near '='")),
            ("x = not", Some("s:1: unexpected symbol near <eof>")),
            (
                "local x <const> = 3; local function f() x = 1 end",
                Some("s:1: attempt to assign to const variable 'x'"),
            ),
            (
                "local x <const> = 3; local function f() local x; x = 1 end",
                None,
            ),
            ("local a <const> = 1; a.b = 2", None),
            (
                "local a <const> = {}; a.b, a = 1, 2",
                Some("s:1: attempt to assign to const variable 'a'"),
            ),
            (
                "x = \"abc\" \"def\"",
                Some("s:1: unexpected symbol near '\"def\"'"),
            ),
            ("f \"a\" \"b\" {1} [[c]] :m \"d\"", None),
            ("x = 1 ; ; ; return 1 ;", None),
            ("return 1 ; ;", Some("s:1: <eof> expected near ';'")),
            (
                "if x then break end",
                Some("s:1: break outside loop at line 1"),
            ),
            (
                "if x then break; local y end",
                Some("s:1: break outside loop at line 1"),
            ),
            ("while x do if y then break ; ; end end", None),
            (
                "local function f() goto out end ::out::",
                Some("s:1: no visible label 'out' for <goto> at line 1"),
            ),
            ("x = {1, 2, 3,}", None),
            ("x = {1; 2; 3;}", None),
            ("x = {,}", Some("s:1: unexpected symbol near ','")),
            ("x = {1,,2}", Some("s:1: unexpected symbol near ','")),
            ("x = (1", Some("s:1: ')' expected near <eof>")),
            (
                "x = (1\n\n+ 2",
                Some("s:3: ')' expected (to close '(' at line 1) near <eof>"),
            ),
            ("f(1,)", Some("s:1: unexpected symbol near ')'")),
            ("f(,1)", Some("s:1: unexpected symbol near ','")),
            ("a[1 = 2", Some("s:1: ']' expected near '='")),
            ("a.1 = 2", Some("s:1: syntax error near '.1'")),
            ("a:1()", Some("s:1: <name> expected near '1'")),
            ("a:b", Some("s:1: function arguments expected near <eof>")),
            ("a:b.c()", Some("s:1: function arguments expected near '.'")),
            ("local 1 = 2", Some("s:1: <name> expected near '1'")),
            (
                "local function 1() end",
                Some("s:1: <name> expected near '1'"),
            ),
            ("function 1() end", Some("s:1: <name> expected near '1'")),
            ("function a.1() end", Some("s:1: '(' expected near '.1'")),
            ("function a:b.c() end", Some("s:1: '(' expected near '.'")),
            ("for 1 = 1, 2 do end", Some("s:1: <name> expected near '1'")),
            (
                "for i = 1, 2, 3, 4 do end",
                Some("s:1: 'do' expected near ','"),
            ),
            ("for i in do end", Some("s:1: unexpected symbol near 'do'")),
            ("for i, in x do end", Some("s:1: <name> expected near 'in'")),
            ("goto 1", Some("s:1: <name> expected near '1'")),
            ("goto", Some("s:1: <name> expected near <eof>")),
            ("::1::", Some("s:1: <name> expected near '1'")),
            ("::a", Some("s:1: '::' expected near <eof>")),
            ("local x <const", Some("s:1: '>' expected near <eof>")),
            ("local x <> = 1", Some("s:1: <name> expected near '>'")),
            (
                "local x <const> <close> = 1",
                Some("s:1: unexpected symbol near '<'"),
            ),
            ("return ...", None),
            ("x = 1 // 2 ~ 3 >> 4 << 5 & 6 | 7 ~= 8", None),
            ("x = a and b or c and not d", None),
            ("x = -2 ^ 2 ^ -3", None),
            (
                "local x <close> = nil; x = 1",
                Some("s:1: attempt to assign to const variable 'x'"),
            ),
            (
                "local x <close> = nil; local y = function() return function() x.y = 1 end end",
                None,
            ),
            ("local x <close>, y = 1; y = 2", None),
            ("local x <const> = 1; for x = 1, 2 do x = 3 end", None),
            (
                "local x <const> = 1; for k, x in pairs(t) do x = 3 end",
                None,
            ),
            ("local x <const> = 1; function g(x) x = 3 end", None),
            ("local x <const> = 1; local x = 2; x = 3", None),
            (
                "local x <const> = 1; do local x = 2 end; x = 3",
                Some("s:1: attempt to assign to const variable 'x'"),
            ),
            ("local x <const> = function() x = 1 end", None),
            ("local x <const> = 1; local function x() end; x = 2", None),
            ("local self <const> = 1; function t:m() self = 2 end", None),
            (
                "local self <const> = 1; function t.m() self = 2 end",
                Some("s:1: attempt to assign to const variable 'self'"),
            ),
            (
                "local self <const> = 1; function self() end",
                Some("s:1: attempt to assign to const variable 'self'"),
            ),
            (
                "repeat local x <const> = 1 until (function() x = 2 end)",
                Some("s:1: attempt to assign to const variable 'x'"),
            ),
            ("do local x <const> = 1 end x = 2", None),
            ("goto a; do ::a:: end ::a::", None),
            (
                "do goto a end do ::a:: end",
                Some("s:1: no visible label 'a' for <goto> at line 1"),
            ),
            ("::a:: goto a; local b; goto a", None),
            ("goto a; local b <const> = 1; ::a::", None),
            ("goto a; local b <const> = 1; ::a:: ;", None),
            ("goto a; local b <const> = 1; ::a:: ; ::c::", None),
            ("do goto a; local b; ::a:: ; ::c:: end", None),
            (
                "do goto a; local b; ::a:: ; ::c:: x = 1 end",
                Some("s:1: <goto a> at line 1 jumps into the scope of local 'b'"),
            ),
            ("while true do goto a; local b; ::a:: end", None),
            (
                "repeat goto a; local b; ::a:: until b",
                Some("s:1: <goto a> at line 1 jumps into the scope of local 'b'"),
            ),
            ("if x then goto a; local b; ::a:: elseif y then end", None),
            ("if x then goto a; local b; ::a:: else end", None),
            (
                "for i = 1, 2 do goto continue; local b; ::continue:: end",
                None,
            ),
            (
                "::a:: ::b:: ::a::",
                Some("s:1: label 'a' already defined on line 1"),
            ),
            (
                "::a:: ::b:: ::b::",
                Some("s:1: label 'b' already defined on line 1"),
            ),
            ("goto b ::a:: ::b:: local x ::c::", None),
            (
                "local x\ngoto b\nlocal y\n::b::\nx=1",
                Some("s:5: <goto b> at line 2 jumps into the scope of local 'y'"),
            ),
            (
                "function f() break end",
                Some("s:1: break outside loop at line 1"),
            ),
            (
                "function f() while 1 do local function g() break end end end",
                Some("s:1: break outside loop at line 1"),
            ),
            (
                "x = \"\\200\\0abc\" +",
                Some("s:1: unexpected symbol near <eof>"),
            ),
            ("x = 'a\\0b' +", Some("s:1: unexpected symbol near <eof>")),
            ("x = 1e309 +", Some("s:1: unexpected symbol near <eof>")),
            (
                "x = 0xffffffffffffffffff +",
                Some("s:1: unexpected symbol near <eof>"),
            ),
            (";;;", None),
        ];
        for (src, expected) in cases {
            let got = parse(src.as_bytes(), "s").err().map(|e| e.message);
            assert_eq!(got.as_deref(), *expected, "source: {src:?}");
        }
    }

    #[test]
    fn chunkname_is_used_verbatim() {
        let e = parse(b"x = = 1", "[string \"x = = 1\"]").unwrap_err();
        assert_eq!(
            e.message,
            "[string \"x = = 1\"]:1: unexpected symbol near '='"
        );
    }

    /// Nesting beyond lua5.4's limit is a clean error at exactly lua's depth.
    #[test]
    fn nesting_limits() {
        let rep = |s: &str, n: usize| s.repeat(n);
        let cases: Vec<(String, String)> = vec![
            (
                format!("x = {}1{}", rep("(", 196), rep(")", 196)),
                format!("x = {}1{}", rep("(", 197), rep(")", 197)),
            ),
            (
                format!("x = {}{}", rep("{", 197), rep("}", 197)),
                format!("x = {}{}", rep("{", 198), rep("}", 198)),
            ),
            (
                format!("x = {}1", rep("- ", 196)),
                format!("x = {}1", rep("- ", 197)),
            ),
            (
                format!("x = {}1", rep("a .. ", 196)),
                format!("x = {}1", rep("a .. ", 197)),
            ),
            (
                format!("x = {}1", rep("a ^ ", 196)),
                format!("x = {}1", rep("a ^ ", 197)),
            ),
            (
                format!("{}{}", rep("do ", 198), rep("end ", 198)),
                format!("{}{}", rep("do ", 199), rep("end ", 199)),
            ),
            (
                format!("x = {}1{}", rep("function() return ", 98), rep(" end", 98)),
                format!("x = {}1{}", rep("function() return ", 99), rep(" end", 99)),
            ),
            (
                format!("{}a = 1", rep("a,", 196)),
                format!("{}a = 1", rep("a,", 197)),
            ),
            (
                format!("x = {}1", rep("2 ^ - ", 98)),
                format!("x = {}1", rep("2 ^ - ", 99)),
            ),
        ];
        for (fits, too_deep) in cases {
            ok(&fits);
            assert_eq!(err(&too_deep), "C stack overflow");
        }
    }

    /// Runs `f` on a thread with the default 2 MiB test stack.
    fn on_small_stack(f: impl FnOnce() + Send + 'static) {
        std::thread::Builder::new()
            .stack_size(2 << 20)
            .spawn(f)
            .unwrap()
            .join()
            .unwrap();
    }

    #[test]
    fn huge_nesting_does_not_overflow() {
        on_small_stack(|| {
            let n = 100_000;
            for src in [
                format!("x = {}1{}", "(".repeat(n), ")".repeat(n)),
                format!("x = {}{}", "{".repeat(n), "}".repeat(n)),
                format!("x = {}x", "- ".repeat(n)),
                format!("x = {}x", "not ".repeat(n)),
                format!("x = {}1", "1 .. ".repeat(1_000_000)),
                format!("x = {}1", "2 ^ ".repeat(n)),
                "do ".repeat(n),
                format!("x = {}", "function() return ".repeat(n)),
                "if x then ".repeat(n),
                format!("{}a = 1", "a,".repeat(n)),
                format!("x = {}", "f(".repeat(n)),
                format!("x = {}", "a[".repeat(n)),
                "::a:: ".repeat(n),
            ] {
                assert_eq!(err(&src), "C stack overflow");
            }
            // The deepest accepted trees of each kind parse (and drop) fine.
            ok(&format!("x = {}1{}", "(".repeat(196), ")".repeat(196)));
            ok(&format!("x = {}{}", "{".repeat(197), "}".repeat(197)));
            ok(&format!("{}{}", "do ".repeat(198), "end ".repeat(198)));
            ok(&format!(
                "{}{}",
                "while x do ".repeat(197),
                "end ".repeat(197)
            ));
            ok(&format!(
                "x = {}1{}",
                "function() return ".repeat(98),
                " end".repeat(98)
            ));
            ok(&format!("x = {}1{}", "f(".repeat(196), ")".repeat(196)));
            ok(&format!("x = {}1", "a .. ".repeat(196)));
        });
    }

    /// lua5.4 accepts unbounded left-associative and suffix chains; so do we,
    /// iteratively, and the resulting trees drop without recursion.
    #[test]
    fn long_left_chains() {
        on_small_stack(|| {
            let n = 1_000_000;
            for src in [
                format!("x = {}1", "a + ".repeat(n)),
                format!("x = {}1", "a == ".repeat(n)),
                format!("x = {}1", "a or ".repeat(n)),
                format!("x = a{}", ".b".repeat(n)),
                format!("x = a{}", "()".repeat(n)),
                format!("x = a{}", ":m()".repeat(n)),
                format!("x = a{}", "[1]".repeat(n)),
                format!("x = {}1", "a * b - ".repeat(n)),
            ] {
                ok(&src);
            }
            // A long chain inside a tree that is then discarded by an error.
            assert_eq!(
                err(&format!("x = {}1 y = = 2", "a + ".repeat(n))),
                "s:1: unexpected symbol near '='"
            );
        });
    }

    #[test]
    fn large_flat_sources() {
        // (Globals: lua5.4 allows at most 200 active locals per function.)
        let src = "x = {1, 2, 'three', y = 4.5}\n".repeat(50_000);
        assert_eq!(ok(&src).stats.len(), 50_000);
        let src = format!("x = {{{}}}", "1,".repeat(1_000_000));
        ok(&src);
    }
}
