//! Tokens produced by the lexer.

use std::borrow::Cow;

/// Kind (and semantic value) of a token.
#[derive(Debug, Clone, PartialEq)]
pub enum Tok {
    // Reserved words.
    And,
    Break,
    Do,
    Else,
    Elseif,
    End,
    False,
    For,
    Function,
    Goto,
    If,
    In,
    Local,
    Nil,
    Not,
    Or,
    Repeat,
    Return,
    Then,
    True,
    Until,
    While,
    // Multi-character symbols.
    /// `//`
    IDiv,
    /// `..`
    Concat,
    /// `...`
    Dots,
    /// `==`
    Eq,
    /// `>=`
    Ge,
    /// `<=`
    Le,
    /// `~=`
    Ne,
    /// `<<`
    Shl,
    /// `>>`
    Shr,
    /// `::`
    DbColon,
    /// End of input.
    Eof,
    Float(f64),
    Int(i64),
    /// An identifier; its text is the token's source span.
    Name,
    /// A string literal after escape processing.
    Str(Vec<u8>),
    /// Any single-byte token (`+`, `(`, `=`, ... and stray bytes such as `@`).
    Char(u8),
}

/// A token with its position in the source.
#[derive(Debug, Clone, PartialEq)]
pub struct Token {
    pub tok: Tok,
    /// Line the lexer was on after reading the token (its last line).
    pub line: u32,
    /// Byte span of the token in the source.
    pub start: usize,
    pub end: usize,
}

impl Tok {
    /// Maps an identifier to its reserved word, if it is one.
    pub fn keyword(word: &[u8]) -> Option<Tok> {
        Some(match word {
            b"and" => Tok::And,
            b"break" => Tok::Break,
            b"do" => Tok::Do,
            b"else" => Tok::Else,
            b"elseif" => Tok::Elseif,
            b"end" => Tok::End,
            b"false" => Tok::False,
            b"for" => Tok::For,
            b"function" => Tok::Function,
            b"goto" => Tok::Goto,
            b"if" => Tok::If,
            b"in" => Tok::In,
            b"local" => Tok::Local,
            b"nil" => Tok::Nil,
            b"not" => Tok::Not,
            b"or" => Tok::Or,
            b"repeat" => Tok::Repeat,
            b"return" => Tok::Return,
            b"then" => Tok::Then,
            b"true" => Tok::True,
            b"until" => Tok::Until,
            b"while" => Tok::While,
            _ => return None,
        })
    }

    /// Fixed spelling of reserved words and multi-character symbols.
    fn fixed_text(&self) -> Option<&'static str> {
        Some(match self {
            Tok::And => "and",
            Tok::Break => "break",
            Tok::Do => "do",
            Tok::Else => "else",
            Tok::Elseif => "elseif",
            Tok::End => "end",
            Tok::False => "false",
            Tok::For => "for",
            Tok::Function => "function",
            Tok::Goto => "goto",
            Tok::If => "if",
            Tok::In => "in",
            Tok::Local => "local",
            Tok::Nil => "nil",
            Tok::Not => "not",
            Tok::Or => "or",
            Tok::Repeat => "repeat",
            Tok::Return => "return",
            Tok::Then => "then",
            Tok::True => "true",
            Tok::Until => "until",
            Tok::While => "while",
            Tok::IDiv => "//",
            Tok::Concat => "..",
            Tok::Dots => "...",
            Tok::Eq => "==",
            Tok::Ge => ">=",
            Tok::Le => "<=",
            Tok::Ne => "~=",
            Tok::Shl => "<<",
            Tok::Shr => ">>",
            Tok::DbColon => "::",
            _ => return None,
        })
    }

    /// How the token kind is named in "X expected" messages (lua's `luaX_token2str`).
    pub fn describe(&self) -> Cow<'static, str> {
        if let Some(s) = self.fixed_text() {
            return Cow::Owned(format!("'{s}'"));
        }
        match self {
            Tok::Eof => Cow::Borrowed("<eof>"),
            Tok::Name => Cow::Borrowed("<name>"),
            Tok::Str(_) => Cow::Borrowed("<string>"),
            Tok::Int(_) => Cow::Borrowed("<integer>"),
            Tok::Float(_) => Cow::Borrowed("<number>"),
            Tok::Char(c) => Cow::Owned(describe_byte(*c)),
            _ => unreachable!("fixed tokens handled above"),
        }
    }
}

/// A single-byte token as lua prints it: `'c'` if printable, else `'<\N>'`.
pub fn describe_byte(c: u8) -> String {
    if (0x20..0x7f).contains(&c) {
        format!("'{}'", c as char)
    } else {
        format!("'<\\{c}>'")
    }
}
