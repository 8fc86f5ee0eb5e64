//! What the fuzz targets share: a grammar-aware generator of Lua programs (from the
//! fuzzer's bytes, through `arbitrary`) and the harness that runs them under limits.
//!
//! Two kinds of program come out of [`program`]:
//! - [`Mode::Hostile`]: anything the grammar allows, endless loops, unbounded
//!   recursion, huge strings, collections and finalizers included. The limits must
//!   stop every one of them, and nothing may panic.
//! - [`Mode::Portable`]: programs whose output lua5.4 and mani must agree on:
//!   bounded loops, no iteration order of hash tables, no addresses, no memory
//!   counts, no clocks or random numbers.

use arbitrary::{Result, Unstructured};
use std::fmt::Write as _;

pub mod harness;

/// Which programs to generate (see the crate docs).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Mode {
    Hostile,
    Portable,
}

/// The definitions every program starts with: a few values of each type, with a
/// metatable rich enough that operators reach metamethods, and `show`, which prints
/// values without addresses.
pub const PRELUDE: &str = r#"local a, b, c = 1, 2.5, -3
local s = "hello"
local t = {1, 2, 3, x = 1, y = "two"}
local mt = {
  __index = t,
  __add = function(x, y) return 7 end,
  __concat = function(x, y) return "cat" end,
  __call = function(self, x, ...) return x, ... end,
  __eq = function(x, y) return true end,
  __lt = function(x, y) return false end,
  __le = function(x, y) return true end,
  __len = function() return 3 end,
  __unm = function() return -1 end,
  __close = function() show("closed") end,
  __tostring = function() return "U" end,
}
local u = setmetatable({}, mt)
local function f(x, ...) return x, ... end
local function g(x) if math.type(x) == "integer" then return x + 1 end return x end
local co = coroutine.wrap(function(...)
  local x = ...
  while true do x = coroutine.yield(x) end
end)
-- tostring without addresses
function safe(v)
  local ty = type(v)
  if ty == "table" or ty == "function" or ty == "thread" or ty == "userdata" then
    return ty
  end
  return tostring(v)
end
function show(...)
  local n = select('#', ...)
  local r = {}
  for i = 1, n do
    local v = select(i, ...)
    local ty = type(v)
    if ty == "table" or ty == "function" or ty == "thread" or ty == "userdata" then
      r[i] = ty
    elseif ty == "number" and v ~= v then
      r[i] = "nan"
    else
      r[i] = (tostring(v):gsub("(%a+): 0x%x+", "%1: ADDR"))
    end
  end
  print(table.concat(r, " ", 1, n))
end
"#;

/// Generates one program from the fuzzer's bytes.
pub fn program(u: &mut Unstructured, mode: Mode) -> Result<String> {
    let mut g = Gen {
        u,
        mode,
        depth: 0,
        fuel: 80,
        locals: Vec::new(),
        next_local: 0,
        vararg: vec![true],
        loops: 0,
    };
    // Protected sections, so that an error ends one section, not the program.
    let mut out = String::from(PRELUDE);
    while g.fuel > 0 && !g.u.is_empty() {
        out.push_str("show(pcall(function(...)\n");
        g.block(&mut out)?;
        out.push_str("end, 1, 'two'))\n");
    }
    Ok(out)
}

struct Gen<'a, 'b> {
    u: &'b mut Unstructured<'a>,
    mode: Mode,
    depth: u32,
    /// Statements left to generate.
    fuel: u32,
    /// Locals declared by generated code and still in scope.
    locals: Vec<String>,
    next_local: u32,
    /// Whether `...` is allowed, per function nesting level.
    vararg: Vec<bool>,
    /// Enclosing loops (for `break`).
    loops: u32,
}

const SCALARS: &[&str] = &["a", "b", "c", "s", "t", "u", "f", "g", "co", "nil"];
const INTS: &[&str] = &[
    "0",
    "1",
    "-1",
    "2",
    "3",
    "7",
    "10",
    "255",
    "-0",
    "100",
    "math.maxinteger",
    "math.mininteger",
    "0x7fffffffffffffff",
    "0xff",
    "1000000",
];
const FLOATS: &[&str] = &[
    "0.5", "-0.0", "1e308", "2^53", "1/0", "-1/0", "3.0", "1e-310", "0.1", "2.5e10", "-7.25",
    "0x1p4",
];
const STRINGS: &[&str] = &[
    "''",
    "'abc'",
    "'10'",
    "'0x10'",
    "' 5 '",
    "'1e2'",
    "\"a\\0b\"",
    "'%d'",
    "'x'",
    "'hello world'",
    "'\\u{48}'",
    "'-3'",
    "'2.5'",
    "'(.)'",
    "'%a+'",
    "'[a-'",
];
const BINOPS: &[&str] = &[
    "+", "-", "*", "/", "//", "%", "^", "..", "==", "~=", "<", "<=", ">", ">=", "and", "or", "&",
    "|", "~", "<<", ">>",
];
const PATTERNS: &[&str] = &[
    "'l'",
    "'(l+)'",
    "'%a'",
    "'[%w_]+'",
    "'^h'",
    "'o$'",
    "'(h)(e)'",
    "'%d*'",
    "'.-'",
    "'%f[%w]%w+'",
    "'%b()'",
    "'[^l]'",
    "'(()l)'",
    "'%'",
    "'[a'",
    "'(('",
];

impl Gen<'_, '_> {
    fn pick<'s>(&mut self, xs: &[&'s str]) -> Result<&'s str> {
        Ok(*self.u.choose(xs)?)
    }

    fn portable(&self) -> bool {
        self.mode == Mode::Portable
    }

    fn var(&mut self) -> Result<String> {
        if !self.locals.is_empty() && self.u.ratio(1, 2)? {
            let i = self.u.choose_index(self.locals.len())?;
            return Ok(self.locals[i].clone());
        }
        Ok(self.pick(&SCALARS[..SCALARS.len() - 1])?.to_string())
    }

    fn new_local(&mut self) -> String {
        self.next_local += 1;
        format!("v{}", self.next_local)
    }

    fn block(&mut self, out: &mut String) -> Result<()> {
        let scope = self.locals.len();
        let n = self.u.int_in_range(1..=6)?;
        for _ in 0..n {
            if self.fuel == 0 || self.u.is_empty() {
                break;
            }
            self.fuel -= 1;
            self.stat(out)?;
            out.push('\n');
        }
        self.locals.truncate(scope);
        Ok(())
    }

    fn nested_block(&mut self, out: &mut String) -> Result<()> {
        self.depth += 1;
        let r = self.block(out);
        self.depth -= 1;
        r
    }

    fn stat(&mut self, out: &mut String) -> Result<()> {
        let deep = self.depth >= 4;
        let choice = self.u.int_in_range(0..=23)?;
        match choice {
            0..=3 => {
                let v = self.var()?;
                let e = self.expr()?;
                let _ = write!(out, "{v} = {e}");
            }
            4 => {
                let (k, e) = (self.key()?, self.expr()?);
                let target = self.pick(&["t", "u", "s", "a"])?;
                let _ = write!(out, "{target}[{k}] = {e}");
            }
            5 | 6 => {
                let e = self.exprs()?;
                let _ = write!(out, "show({e})");
            }
            7 => {
                let e = self.expr()?;
                let name = self.new_local();
                let attrib = if self.u.ratio(1, 8)? { " <const>" } else { "" };
                let _ = write!(out, "local {name}{attrib} = {e}");
                if attrib.is_empty() {
                    self.locals.push(name);
                }
            }
            8 if !deep => {
                let c = self.expr()?;
                let _ = writeln!(out, "if {c} then");
                self.nested_block(out)?;
                if self.u.ratio(1, 2)? {
                    let c = self.expr()?;
                    let _ = writeln!(out, "elseif {c} then");
                    self.nested_block(out)?;
                }
                if self.u.ratio(1, 2)? {
                    out.push_str("else\n");
                    self.nested_block(out)?;
                }
                out.push_str("end");
            }
            9 if !deep => {
                let name = self.new_local();
                let (lo, hi, step) = if self.portable() {
                    let lo = self.u.int_in_range(-3..=3)?;
                    let hi = self.u.int_in_range(-3..=6)?;
                    let step = self.pick(&["", ", 1", ", 2", ", -1", ", 0.5"])?;
                    (lo.to_string(), hi.to_string(), step.to_string())
                } else {
                    let step = if self.u.ratio(1, 3)? {
                        format!(", {}", self.expr()?)
                    } else {
                        String::new()
                    };
                    (self.expr()?, self.expr()?, step)
                };
                let _ = writeln!(out, "for {name} = {lo}, {hi}{step} do");
                self.locals.push(name);
                self.loops += 1;
                self.nested_block(out)?;
                self.loops -= 1;
                self.locals.pop();
                out.push_str("end");
            }
            10 if !deep => {
                let c = self.expr()?;
                self.loops += 1;
                if self.portable() {
                    let n = self.new_local();
                    let k = self.u.int_in_range(0..=5)?;
                    let _ = writeln!(
                        out,
                        "local {n} = 0\nwhile {n} < {k} and ({c}) do {n} = {n} + 1"
                    );
                    self.nested_block(out)?;
                } else {
                    let _ = writeln!(out, "while {c} do");
                    self.nested_block(out)?;
                }
                self.loops -= 1;
                out.push_str("end");
            }
            11 if !deep => {
                let (k, v) = (self.new_local(), self.new_local());
                let iter = if self.portable() {
                    "ipairs(t)".to_string()
                } else {
                    let e = self.expr()?;
                    format!("{}({e})", self.pick(&["pairs", "ipairs", "next,"])?)
                };
                let _ = writeln!(out, "for {k}, {v} in {iter} do");
                self.locals.push(k);
                self.locals.push(v);
                self.loops += 1;
                self.nested_block(out)?;
                self.loops -= 1;
                self.locals.truncate(self.locals.len() - 2);
                out.push_str("end");
            }
            12 if !deep => {
                // A protected block: errors inside are shown, not fatal.
                out.push_str("show(pcall(function(...)\n");
                self.vararg.push(true);
                let loops = std::mem::replace(&mut self.loops, 0);
                self.nested_block(out)?;
                self.loops = loops;
                self.vararg.pop();
                let args = self.exprs()?;
                let sep = if args.is_empty() { "" } else { ", " };
                let _ = write!(out, "end{sep}{args}))");
            }
            13 if !deep => {
                let name = self.new_local();
                let _ = writeln!(out, "local function {name}(x, ...)");
                self.locals.push(name.clone());
                self.locals.push("x".into());
                self.vararg.push(true);
                let loops = std::mem::replace(&mut self.loops, 0);
                if self.portable() {
                    // Bounded recursion: a depth counter in an upvalue.
                    let d = self.new_local();
                    let _ = writeln!(out, "local {d} = (type(x) == 'number' and x == x and x > 0 and x < 20) and x or 0");
                    let _ = writeln!(out, "if {d} > 0 then {name}({d} - 1) end");
                }
                self.nested_block(out)?;
                let e = self.exprs()?;
                let _ = writeln!(out, "return {e}");
                self.loops = loops;
                self.vararg.pop();
                self.locals.pop();
                out.push_str("end");
            }
            14 => {
                let e = self.expr()?;
                let _ = write!(out, "{}({e})", self.pick(&["f", "g", "co", "u", "show"])?);
            }
            15 if !deep => {
                let name = self.new_local();
                let _ = writeln!(out, "do local {name} <close> = u");
                self.nested_block(out)?;
                out.push_str("end");
            }
            16 => {
                let e = self.expr()?;
                let _ = write!(out, "show(pcall(error, {e}))");
            }
            17 if !deep => {
                let name = self.new_local();
                let _ = writeln!(out, "local {name} = coroutine.create(function(x, ...)");
                self.vararg.push(true);
                let loops = std::mem::replace(&mut self.loops, 0);
                self.nested_block(out)?;
                let e = self.exprs()?;
                let _ = writeln!(out, "coroutine.yield({e})");
                self.nested_block(out)?;
                self.loops = loops;
                self.vararg.pop();
                let (a1, a2) = (self.expr()?, self.expr()?);
                let _ = write!(
                    out,
                    "end)\nshow(coroutine.resume({name}, {a1}))\nshow(coroutine.resume({name}, {a2}))\nshow(coroutine.status({name}))"
                );
            }
            18 if self.loops > 0 => out.push_str("break"),
            19 => {
                let (x, p) = (self.expr()?, self.pick(PATTERNS)?);
                let call = self.pick(&["find", "match", "gsub", "gmatch"])?;
                if call == "gmatch" {
                    let _ = write!(out, "show(pcall(function(...) local r = {{}} for m in string.gmatch(safe({x}), {p}) do r[#r + 1] = m if #r > 20 then break end end return table.concat(r, ',') end))");
                } else {
                    let _ = write!(out, "show(pcall(string.{call}, s, {p}, {x}))");
                }
            }
            20 if !self.portable() => {
                let e = self.expr()?;
                let w = self.pick(&[
                    "collectgarbage()",
                    "collectgarbage('step')",
                    "setmetatable({}, {__gc = function(o) show('gc') end})",
                    "t = setmetatable({}, {__mode = 'k', __index = t})",
                    "s = string.rep(s, 2)",
                    "t[#t + 1] = {t}",
                ])?;
                let _ = write!(out, "{w}; a = {e}");
            }
            20 => {
                let (x, y) = (self.expr()?, self.expr()?);
                let _ = write!(out, "show(pcall(table.concat, {{{x}, {y}}}, '-'))");
            }
            21 => {
                let src = self.pick(&[
                    "'return 1 + 1'",
                    "'return ...'",
                    "'x ='",
                    "'local a <const> = 1; a = 2'",
                    "'goto nowhere'",
                    "'return function() return a end'",
                    "'for i = 1, 2 do end return i'",
                    "'return \"\\\\z  x\"'",
                ])?;
                let e = self.expr()?;
                let _ = write!(out, "show(pcall(function(...) local fn, err = load({src}) if not fn then return err end return fn({e}) end))");
            }
            22 => {
                let (fmt, e) = (
                    self.pick(&[
                        "'%d'", "'%5.2f'", "'%s'", "'%q'", "'%x'", "'%g'", "'%-5s|'", "'%c'",
                        "'%i'", "'%10.3s'", "'%a'",
                    ])?,
                    self.expr()?,
                );
                let _ = write!(out, "show(pcall(string.format, {fmt}, {e}))");
            }
            _ => {
                let e = self.expr()?;
                let _ = write!(out, "show(pcall(g, {e}))");
            }
        }
        Ok(())
    }

    fn exprs(&mut self) -> Result<String> {
        let n = self.u.int_in_range(0..=3)?;
        let mut v = Vec::new();
        for _ in 0..n {
            v.push(self.expr()?);
        }
        Ok(v.join(", "))
    }

    fn expr(&mut self) -> Result<String> {
        self.depth += 1;
        let r = self.expr_inner();
        self.depth -= 1;
        r
    }

    fn expr_inner(&mut self) -> Result<String> {
        if self.depth > 6 || self.u.is_empty() {
            return self.atom();
        }
        Ok(match self.u.int_in_range(0..=19)? {
            0..=5 => self.atom()?,
            6..=8 => {
                let (x, op, y) = (self.expr()?, self.pick(BINOPS)?, self.expr()?);
                format!("({x} {op} {y})")
            }
            9 => {
                let op = self.pick(&["-", "not ", "~", "#"])?;
                let x = if op == "#" && self.portable() {
                    self.pick(&["s", "u", "'abc'", "safe(a)"])?.to_string()
                } else {
                    self.expr()?
                };
                format!("{op}{x}")
            }
            10 => {
                let func = self.pick(&[
                    "f",
                    "g",
                    "safe",
                    "tonumber",
                    "math.floor",
                    "math.abs",
                    "math.type",
                    "type",
                    "select('#', ",
                    "math.tointeger",
                    "rawlen",
                    "string.len",
                    "string.upper",
                    "utf8.char",
                    "math.ult(1, ",
                    "string.byte",
                    "string.char",
                    "math.fmod(7, ",
                    "rawequal(t, ",
                    "co",
                    "u",
                ])?;
                if func.ends_with(", ") {
                    let arg = self.expr()?;
                    format!("{func}{arg})")
                } else {
                    let args = self.exprs()?;
                    format!("{func}({args})")
                }
            }
            11 => {
                let (x, y, z) = (self.expr()?, self.expr()?, self.expr()?);
                format!("string.sub({x}, {y}, {z})")
            }
            12 => {
                let k = self.key()?;
                let tbl = self.pick(&["t", "u", "s", "_ENV"])?;
                format!("{tbl}[{k}]")
            }
            13 => self
                .pick(&[
                    "t.x",
                    "t.y",
                    "u.x",
                    "t[1]",
                    "u[2]",
                    "s:upper()",
                    "s:len()",
                    "t.x.y",
                    "math.pi",
                    "string",
                ])?
                .to_string(),
            14 => {
                self.vararg.push(false);
                let e = self.expr();
                self.vararg.pop();
                format!("function(x) return {} end", e?)
            }
            15 => {
                let (x, y, k) = (self.expr()?, self.expr()?, self.expr()?);
                format!("{{{x}, {y}, k = {k}}}")
            }
            16 if *self.vararg.last().unwrap_or(&false) => self
                .pick(&["...", "select('#', ...)", "(...)", "{...}"])?
                .to_string(),
            17 => {
                let x = self.expr()?;
                let rep = if self.portable() {
                    self.u.int_in_range(0..=5)?.to_string()
                } else {
                    self.expr()?
                };
                format!("string.rep({x}, {rep}, ',')")
            }
            18 => {
                let (x, y) = (self.expr()?, self.expr()?);
                format!("math.{}({x}, {y})", self.pick(&["max", "min"])?)
            }
            _ => {
                let x = self.expr()?;
                format!("({x})")
            }
        })
    }

    /// An index key. Portable programs index only with simple keys: lua5.4.4 names
    /// the indexed variable in errors depending on where its compiler placed the
    /// load of the table among the jumps of a comparison in the key (and one such
    /// layout, `s[(3 ~= 0.5)]`, indexes the wrong register), which mani need not copy.
    fn key(&mut self) -> Result<String> {
        if self.portable() {
            self.atom()
        } else {
            self.expr()
        }
    }

    fn atom(&mut self) -> Result<String> {
        Ok(match self.u.int_in_range(0..=4)? {
            0 => self.pick(INTS)?.to_string(),
            1 => self.pick(FLOATS)?.to_string(),
            2 => self.pick(STRINGS)?.to_string(),
            3 => self.pick(&["nil", "true", "false"])?.to_string(),
            _ => self.var()?,
        })
    }
}
