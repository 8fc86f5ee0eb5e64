//! Generated inputs through the parser, compiler and bytecode verifier: whatever the
//! source, loading must return a chunk or a syntax error — never panic, and never
//! produce code the verifier rejects (which would be a compiler bug).

use mani::{Error, Lua};

/// A small deterministic generator (xorshift), so failures reproduce.
struct Gen(u64);

impl Gen {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[(self.next() % xs.len() as u64) as usize]
    }
}

const TOKENS: &[&str] = &[
    "local", "x", "y", "t", "f", "=", "==", "~=", "<", "<=", "+", "-", "*", "/", "//", "%", "^",
    "..", "&", "|", "~", "<<", ">>", "#", "not", "and", "or", "(", ")", "{", "}", "[", "]", ".",
    ":", ",", ";", "1", "2.5", "0x10", "'s'", "nil", "true", "false", "...", "function", "end",
    "if", "then", "else", "elseif", "while", "do", "for", "in", "repeat", "until", "return",
    "break", "goto", "::l::", "<const>", "<close>",
];

/// Statement templates that parse, with holes filled by random expressions.
fn expr(g: &mut Gen, depth: u32) -> String {
    if depth > 4 {
        return g
            .pick(&["x", "y", "1", "'s'", "t", "nil", "..."])
            .to_string();
    }
    match g.next() % 9 {
        0 => format!(
            "({} {} {})",
            expr(g, depth + 1),
            g.pick(&["+", "..", "<", "and", "or", "//", "&", "=="]),
            expr(g, depth + 1)
        ),
        1 => format!("{}({})", g.pick(&["f", "t.f", "print"]), expr(g, depth + 1)),
        2 => format!("t[{}]", expr(g, depth + 1)),
        3 => format!("{{{}, k = {}}}", expr(g, depth + 1), expr(g, depth + 1)),
        4 => format!("function(a, ...) return {} end", expr(g, depth + 1)),
        5 => format!("- {}", expr(g, depth + 1)),
        6 => format!("not {}", expr(g, depth + 1)),
        7 => format!("t:m({})", expr(g, depth + 1)),
        _ => g
            .pick(&["x", "y", "1", "2.5", "'s'", "t", "true", "#t"])
            .to_string(),
    }
}

fn stat(g: &mut Gen, depth: u32) -> String {
    let body = |g: &mut Gen| -> String {
        if depth > 3 {
            "x = 1".to_string()
        } else {
            (0..(g.next() % 3 + 1))
                .map(|_| stat(g, depth + 1))
                .collect::<Vec<_>>()
                .join("\n")
        }
    };
    match g.next() % 10 {
        0 => format!("local a, b <const> = {}, {}", expr(g, 0), expr(g, 0)),
        1 => format!("x, t[1] = {}, {}", expr(g, 0), expr(g, 0)),
        2 => format!("if {} then {} else {} end", expr(g, 0), body(g), body(g)),
        3 => format!("while {} do {} break end", expr(g, 0), body(g)),
        4 => format!("for i = 1, {} do {} end", expr(g, 0), body(g)),
        5 => format!("for k, v in pairs({}) do {} end", expr(g, 0), body(g)),
        6 => format!("repeat local z = {} {} until z", expr(g, 0), body(g)),
        7 => format!("do local c <close> = nil {} end", body(g)),
        8 => format!("local function h(...) {} return ... end", body(g)),
        _ => format!("f({})", expr(g, 0)),
    }
}

#[test]
fn token_soup_never_panics() {
    let mut g = Gen(0x9E37_79B9_7F4A_7C15);
    let lua = Lua::new();
    for _ in 0..3000 {
        let n = g.next() % 40 + 1;
        let src: Vec<&str> = (0..n).map(|_| g.pick(TOKENS)).collect();
        let src = src.join(" ");
        match lua.load(src.as_str()).set_name("=fuzz").into_function() {
            Ok(_) => {}
            Err(Error::SyntaxError { message, .. }) => {
                assert!(
                    !message.contains("internal compiler error"),
                    "{src}\n{message}"
                );
            }
            Err(e) => panic!("loading failed with a non-syntax error: {e}\n{src}"),
        }
    }
}

#[test]
fn generated_programs_compile_to_verified_code() {
    let mut g = Gen(0x1234_5678_9ABC_DEF1);
    let lua = Lua::new();
    let mut compiled = 0;
    for _ in 0..1500 {
        let src: Vec<String> = (0..(g.next() % 6 + 1)).map(|_| stat(&mut g, 0)).collect();
        let src = format!("local x, y, t, f = 1, 2, {{}}, print\n{}", src.join("\n"));
        match lua.load(src.as_str()).set_name("=gen").into_function() {
            Ok(_) => compiled += 1,
            Err(e) => panic!("generated program rejected: {e}\n{src}"),
        }
    }
    assert_eq!(compiled, 1500);
}
