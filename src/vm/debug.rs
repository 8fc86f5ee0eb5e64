//! Debug information at run time: source positions, variable names for error
//! messages (recovered from the bytecode, as lua5.4 does) and tracebacks.

use super::frame::FrameKind;
use super::Vm;
use crate::bytecode::{Op, Proto};

/// The key under which table `t` holds the function `f`.
fn find_in(t: crate::heap::Gc<crate::value::Table>, f: crate::value::Value) -> Option<String> {
    let mut k = crate::value::Value::Nil;
    while let Ok(Some((nk, v))) = t.get().next(k) {
        k = nk;
        if v.raw_eq(&f) {
            if let crate::value::Value::Str(s) = nk {
                return Some(String::from_utf8_lossy(s.as_bytes()).into_owned());
            }
        }
    }
    None
}

/// The entry of `t` whose key is the string `name`.
fn field(t: crate::heap::Gc<crate::value::Table>, name: &[u8]) -> crate::value::Value {
    let mut k = crate::value::Value::Nil;
    while let Ok(Some((nk, v))) = t.get().next(k) {
        k = nk;
        if nk.as_str() == Some(name) {
            return v;
        }
    }
    crate::value::Value::Nil
}

/// Does instruction `op` write register A?
fn sets_a(op: Op) -> bool {
    // Tests only decide a jump, except TESTSET, which also copies into A.
    (op == Op::TestSet || !op.is_conditional())
        && !op.is_table_store()
        && !matches!(
            op,
            Op::SetUpval
                | Op::Jmp
                | Op::Return
                | Op::Return0
                | Op::Return1
                | Op::SetList
                | Op::Close
                | Op::Tbc
                | Op::ForLoop
                | Op::ForPrep
                | Op::TForPrep
                | Op::TForLoop
                | Op::VarArgPrep
                | Op::ExtraArg
        )
}

/// The pc of the last instruction before `lastpc` that wrote `reg`, if it is certain
/// (not inside a conditional path).
fn find_set_reg(p: &Proto, lastpc: usize, reg: usize) -> Option<usize> {
    let mut setreg = None;
    let mut jmptarget = 0usize;
    for pc in 0..lastpc {
        let i = p.code[pc];
        let a = i.a();
        let change = match i.op() {
            Op::LoadNil => a <= reg && reg <= a + i.b(),
            Op::TForCall => reg >= a + 2,
            Op::Call | Op::TailCall => reg >= a,
            Op::Jmp => {
                let dest = (pc as i64 + 1 + i.sj() as i64) as usize;
                if dest <= lastpc && dest > jmptarget {
                    jmptarget = dest;
                }
                false
            }
            op => sets_a(op) && reg == a,
        };
        if change {
            setreg = if pc < jmptarget { None } else { Some(pc) };
        }
    }
    setreg
}

/// A string constant as a name; lua5.4 prints names as C strings, so a name
/// ends at its first zero byte.
fn const_str(p: &Proto, k: usize) -> Option<String> {
    match p.consts.get(k) {
        Some(crate::bytecode::Constant::Str(s)) => {
            let s = s.split(|&b| b == 0).next().unwrap_or_default();
            Some(String::from_utf8_lossy(s).into_owned())
        }
        _ => None,
    }
}

/// Describes register `reg` at `lastpc`: `("local", "x")`, `("global", "print")`...
pub fn obj_name(p: &Proto, lastpc: usize, reg: usize) -> Option<(&'static str, String)> {
    if let Some(n) = p.local_name(reg, lastpc) {
        if !n.starts_with('(') {
            return Some(("local", n.to_string()));
        }
        return None;
    }
    let pc = find_set_reg(p, lastpc, reg)?;
    let i = p.code[pc];
    match i.op() {
        Op::Move => {
            let b = i.b();
            if b < i.a() {
                obj_name(p, pc, b)
            } else {
                None
            }
        }
        Op::GetTabUp => {
            let k = const_str(p, i.c())?;
            let up = p.upvals.get(i.b()).map(|u| u.name.as_str());
            Some((
                if up == Some("_ENV") {
                    "global"
                } else {
                    "field"
                },
                k,
            ))
        }
        Op::GetField => {
            let k = const_str(p, i.c())?;
            let is_env = matches!(obj_name(p, pc, i.b()), Some((_, n)) if n == "_ENV");
            Some((if is_env { "global" } else { "field" }, k))
        }
        Op::GetTable => {
            // The key is named only when it is a constant string loaded into a register.
            let key = match obj_name(p, pc, i.c()) {
                Some(("constant", k)) => k,
                _ => "?".to_string(),
            };
            // `o:name()` with a constant beyond SELF's reach compiles to
            // `MOVE A+1 B; LOADK C; GETTABLE A B C`: still a method, as lua5.4
            // (whose SELF takes a register key) names it.
            let method = pc >= 2
                && p.code[pc - 2].op() == Op::Move
                && (p.code[pc - 2].a(), p.code[pc - 2].b()) == (i.a() + 1, i.b())
                && p.code[pc - 1].op() == Op::LoadK
                && p.code[pc - 1].a() == i.c();
            if method {
                return Some(("method", key));
            }
            let is_env = matches!(obj_name(p, pc, i.b()), Some((_, n)) if n == "_ENV");
            Some((if is_env { "global" } else { "field" }, key))
        }
        Op::GetI => Some(("field", "integer index".to_string())),
        Op::GetUpval => Some(("upvalue", p.upvals.get(i.b())?.name.clone())),
        Op::LoadK => {
            let k = const_str(p, i.bx())?;
            Some(("constant", k))
        }
        Op::SelfOp => Some(("method", const_str(p, i.c())?)),
        _ => None,
    }
}

impl Vm {
    /// `chunk:line:` of the function at `level` (1 = the running function's caller when
    /// called from a native, else the running Lua function), or "".
    pub fn where_(&self, level: usize) -> String {
        let n = self.frames.len();
        let Some(top) = self.frames.last() else {
            return String::new();
        };
        // A native on top reports its caller's position (luaL_where(L, 1)).
        let idx = match top.kind {
            FrameKind::Lua(_) => n.checked_sub(level),
            _ => n.checked_sub(level + 1),
        };
        let Some(f) = idx.and_then(|i| self.frames.get(i)) else {
            return String::new();
        };
        match f.kind {
            FrameKind::Lua(cl) => {
                let p = &cl.p.get().proto;
                let line = p.line_before(f.pc);
                format!("{}:{}: ", p.source, line)
            }
            _ => String::new(),
        }
    }

    /// The position prefix for `error(msg, level)`: level 1 is the function calling
    /// `error` (the frame below the native `error` frame).
    pub fn where_level(&self, level: usize) -> String {
        let n = self.frames.len();
        // frames[n-1] is the native `error`; level 1 is frames[n-2].
        let Some(i) = n.checked_sub(level + 1) else {
            return String::new();
        };
        match self.frames[i].kind {
            FrameKind::Lua(cl) => {
                let p = &cl.p.get().proto;
                let pc = self.frames[i].pc;
                let line = p.line_before(pc);
                format!("{}:{}: ", p.source, line)
            }
            _ => String::new(),
        }
    }

    /// Variable info (` (local 'x')`) for operand `which` of the running instruction.
    pub(crate) fn operand_info(&self, which: usize) -> String {
        let Some(f) = self.frames.last() else {
            return String::new();
        };
        let FrameKind::Lua(cl) = f.kind else {
            return String::new();
        };
        let p = &cl.p.get().proto;
        let pc = f.pc.saturating_sub(1);
        let Some(i) = p.code.get(pc).copied() else {
            return String::new();
        };
        let reg = match i.op() {
            Op::GetTabUp | Op::SetTabUp | Op::SetTabUpK => {
                let u = if i.op() == Op::GetTabUp { i.b() } else { i.a() };
                return match p.upvals.get(u) {
                    Some(d) => format!(" (upvalue '{}')", d.name),
                    None => String::new(),
                };
            }
            Op::GetTable | Op::GetI | Op::GetField | Op::SelfOp => i.b(),
            Op::SetTable | Op::SetTableK | Op::SetI | Op::SetIK | Op::SetField | Op::SetFieldK => {
                i.a()
            }
            Op::Unm | Op::BNot | Op::Len => i.b(),
            Op::Call | Op::TailCall | Op::TForCall => i.a(),
            op if (op.is_arith_k() || op.is_arith_imm()) && which == 0 => i.b(),
            op if op.is_arith_rr() => {
                if which == 0 {
                    i.b()
                } else {
                    i.c()
                }
            }
            _ => return String::new(),
        };
        match obj_name(p, pc, reg) {
            Some((kind, name)) => format!(" ({kind} '{name}')"),
            None => String::new(),
        }
    }

    /// Variable info for an absolute stack slot of the running Lua frame.
    pub(crate) fn reg_info(&self, slot: usize) -> String {
        let Some(f) = self.frames.last() else {
            return String::new();
        };
        let FrameKind::Lua(cl) = f.kind else {
            return String::new();
        };
        if slot < f.base {
            return String::new();
        }
        let p = &cl.p.get().proto;
        match obj_name(p, f.pc.saturating_sub(1), slot - f.base) {
            Some((kind, name)) => format!(" ({kind} '{name}')"),
            None => String::new(),
        }
    }

    /// `bad argument #n to 'name' (msg)` for the native on top of the frame stack,
    /// naming it as lua5.4 does: by how the calling instruction refers to it, or else
    /// by where it sits in the loaded libraries (`table.insert`).
    pub(crate) fn arg_error_message(&mut self, n: usize, msg: &str) -> String {
        let top = self.frames.len().saturating_sub(1);
        let (mut n, mut msg) = (n, msg.to_string());
        let name = match self.caller_name(top) {
            Some(("method", name)) => {
                if n == 1 {
                    return format!("calling '{name}' on bad self ({msg})");
                }
                n -= 1;
                Some(name)
            }
            Some((_, name)) => Some(name),
            None => None,
        };
        let name = name
            .or_else(|| self.global_func_name(top))
            .unwrap_or_else(|| "?".into());
        if msg.is_empty() {
            msg = "?".into();
        }
        format!("bad argument #{n} to '{name}' ({msg})")
    }

    /// `lib.name` (or `name` for globals) of the function running in frame `i`
    /// (see [`qualified_name`](Self::qualified_name)).
    fn global_func_name(&mut self, i: usize) -> Option<String> {
        let f = self.frames.get(i)?;
        let fv = self.stack.get(f.func).copied()?;
        self.qualified_name(fv)
    }

    /// A lua5.4-style stack traceback of the current frames.
    pub fn traceback(&self) -> String {
        self.render_traceback(&self.frames, &self.stack, 0, true, false)
    }

    /// `debug.traceback`'s listing of thread `t` from `level` (0 = its top frame).
    /// The main thread and tasks end with the host's `[C]: in ?` level.
    pub(crate) fn traceback_of(
        &self,
        t: crate::heap::Gc<super::thread::Thread>,
        level: usize,
    ) -> String {
        let (frames, stack): (&[super::frame::Frame], &[crate::value::Value]) = if t == self.current
        {
            (&self.frames, &self.stack)
        } else {
            let th = t.get();
            (&th.frames, &th.stack)
        };
        self.render_traceback(frames, stack, level, self.is_main(t), self.in_yield(t))
    }

    /// True if `t` is a coroutine suspended in `coroutine.yield`, whose frame mani
    /// drops at the yield: that call is still the thread's level 0 for tracebacks
    /// and the debug library, as in lua5.4 (its Lua frames start at level 1).
    pub(crate) fn in_yield(&self, t: crate::heap::Gc<super::thread::Thread>) -> bool {
        t != self.current
            && matches!(t.status, super::thread::ThreadStatus::Suspended)
            && !t.get().frames.is_empty()
    }

    /// Lists `frames` from the top, skipping `skip` levels; past 22 levels only the
    /// first 10 and the last 11 are shown, as in lua5.4.
    fn render_traceback(
        &self,
        frames: &[super::frame::Frame],
        stack: &[crate::value::Value],
        skip: usize,
        host_level: bool,
        yielded: bool,
    ) -> String {
        const FIRST: usize = 10;
        const LAST: usize = 11;
        let mut lines: Vec<String> = Vec::new();
        // A suspended coroutine stopped inside `coroutine.yield`, whose frame
        // mani drops at the yield: that call is the coroutine's level 0.
        let mut skip = skip;
        if yielded {
            if skip == 0 {
                lines.push("[C]: in function 'coroutine.yield'".to_string());
            }
            skip = skip.saturating_sub(1);
        }
        for (i, f) in frames.iter().enumerate().rev().skip(skip) {
            lines.push(self.frame_line(frames, stack, i, f));
        }
        if host_level && skip <= frames.len() {
            lines.push("[C]: in ?".to_string());
        }
        let mut s = String::from("stack traceback:");
        let n = lines.len();
        for (k, l) in lines.iter().enumerate() {
            // lua5.4's count leaves out the level its message takes the place of.
            if n > FIRST + LAST + 1 && k >= FIRST && k < n - LAST {
                if k == FIRST {
                    s.push_str(&format!(
                        "\n\t...\t(skipping {} levels)",
                        n - FIRST - LAST - 1
                    ));
                }
                continue;
            }
            s.push_str("\n\t");
            s.push_str(l);
        }
        s
    }

    /// One traceback line: where frame `i` is and how its function is named.
    fn frame_line(
        &self,
        frames: &[super::frame::Frame],
        stack: &[crate::value::Value],
        i: usize,
        f: &super::frame::Frame,
    ) -> String {
        let line = self.frame_where(frames, stack, i, f);
        if f.tail {
            // lua5.4's marker for the frames a tail call replaced.
            format!("{line}\n\t(...tail calls...)")
        } else {
            line
        }
    }

    /// Where frame `i` is and how its function is named.
    fn frame_where(
        &self,
        frames: &[super::frame::Frame],
        stack: &[crate::value::Value],
        i: usize,
        f: &super::frame::Frame,
    ) -> String {
        match f.kind {
            FrameKind::Lua(cl) => {
                let p = &cl.p.get().proto;
                let line = p.line_before(f.pc);
                if p.line_defined == 0 {
                    return format!("{}:{}: in main chunk", p.source, line);
                }
                match call_name(frames, i) {
                    Some((kind, n)) => format!(
                        "{}:{}: in {} '{}'",
                        p.source,
                        line,
                        // lua5.4 names globals "function", else by kind.
                        if kind == "global" { "function" } else { kind },
                        n
                    ),
                    None => format!(
                        "{}:{}: in function <{}:{}>",
                        p.source, line, p.source, p.line_defined
                    ),
                }
            }
            FrameKind::Native(nc) => {
                let name = self
                    .qualified_name(stack.get(f.func).copied().unwrap_or_default())
                    .unwrap_or_else(|| nc.name.to_string());
                format!("[C]: in function '{name}'")
            }
            FrameKind::Pcall => "[C]: in function 'pcall'".to_string(),
            FrameKind::Xpcall => "[C]: in function 'xpcall'".to_string(),
        }
    }

    /// `lib.name` (or `name` for globals) of a function, found in the loaded
    /// modules (`registry._LOADED`, which is `package.loaded`) as lua5.4's
    /// `pushglobalfuncname` does: the names errors and tracebacks give library
    /// functions (`'string.rep'`, `'print'`), in every profile.
    fn qualified_name(&self, fv: crate::value::Value) -> Option<String> {
        use crate::value::Value;
        let libs = match field(self.registry, b"_LOADED") {
            Value::Table(l) => l,
            _ => return find_in(self.globals, fv),
        };
        let mut found = None;
        let mut k = Value::Nil;
        while let Ok(Some((lk, lv))) = libs.get().next(k) {
            k = lk;
            if let (Value::Str(ln), Value::Table(lt)) = (lk, lv) {
                if let Some(fname) = find_in(lt, fv) {
                    // A global name wins, as lua5.4 shows `_G.print` as `print`.
                    if ln.as_bytes() == b"_G" {
                        return Some(fname);
                    }
                    found.get_or_insert_with(|| {
                        format!("{}.{fname}", String::from_utf8_lossy(ln.as_bytes()))
                    });
                }
            }
        }
        found
    }

    /// How the function of frame `i` was named by its calling instruction.
    pub(crate) fn caller_name(&self, i: usize) -> Option<(&'static str, String)> {
        call_name(&self.frames, i)
    }
}

/// How the function of `frames[i]` was named by its caller's calling instruction.
pub(crate) fn call_name(
    frames: &[super::frame::Frame],
    i: usize,
) -> Option<(&'static str, String)> {
    // After a tail call the frame below is not the caller: no name.
    if frames.get(i)?.tail {
        return None;
    }
    match frames[i].by {
        super::CallAs::Hook => return Some(("hook", "?".to_string())),
        super::CallAs::Finalizer => return Some(("metamethod", "__gc".to_string())),
        super::CallAs::Plain => {}
    }
    let caller = frames.get(i.checked_sub(1)?)?;
    let FrameKind::Lua(cl) = caller.kind else {
        return None;
    };
    let p = &cl.p.get().proto;
    let pc = caller.pc.checked_sub(1)?;
    let ins = p.code.get(pc)?;
    match ins.op() {
        Op::Call | Op::TailCall => obj_name(p, pc, ins.a()),
        Op::TForCall => Some(("for iterator", "for iterator".to_string())),
        op => metamethod_event(op).map(|e| ("metamethod", e.to_string())),
    }
}

/// The metamethod an instruction calls when its operands need one (lua5.4 names
/// such a call `metamethod 'add'`).
pub(crate) fn metamethod_event(op: Op) -> Option<&'static str> {
    Some(match op {
        Op::Add | Op::AddI | Op::AddK => "add",
        Op::Sub | Op::SubI | Op::SubK => "sub",
        Op::Mul | Op::MulK => "mul",
        Op::Mod | Op::ModK => "mod",
        Op::Pow | Op::PowK => "pow",
        Op::Div | Op::DivK => "div",
        Op::IDiv | Op::IDivK => "idiv",
        Op::BAnd | Op::BAndK => "band",
        Op::BOr | Op::BOrK => "bor",
        Op::BXor | Op::BXorK => "bxor",
        Op::Shl | Op::ShlI => "shl",
        Op::Shr | Op::ShrI => "shr",
        Op::Unm => "unm",
        Op::BNot => "bnot",
        Op::Len => "len",
        Op::Concat => "concat",
        Op::Eq | Op::EqK | Op::EqI => "eq",
        Op::Lt | Op::LtI | Op::GtI => "lt",
        Op::Le | Op::LeI | Op::GeI => "le",
        Op::GetTabUp | Op::GetTable | Op::GetI | Op::GetField | Op::SelfOp => "index",
        op if op.is_table_store() => "newindex",
        Op::Close | Op::Return | Op::Return0 | Op::Return1 => "close",
        _ => return None,
    })
}

impl Vm {
    /// ` (metamethod 'add')` when the running Lua instruction is not a call, so
    /// a value being called is one of its metamethods; else "".
    pub(crate) fn metamethod_call_info(&self) -> String {
        let Some(f) = self.frames.last() else {
            return String::new();
        };
        let FrameKind::Lua(cl) = f.kind else {
            return String::new();
        };
        let p = &cl.p.get().proto;
        match f
            .pc
            .checked_sub(1)
            .and_then(|pc| p.code.get(pc))
            .map(|i| i.op())
        {
            Some(op) => match metamethod_event(op) {
                Some(e) => format!(" (metamethod '{e}')"),
                None => String::new(),
            },
            None => String::new(),
        }
    }
}
