//! Call frames: one per active function call, kept on a heap-allocated stack so that
//! Lua-to-Lua calls never recurse on the native stack.

use crate::heap::{Gc, ObjRef};
use crate::value::{LuaClosure, NativeClosure};

/// What kind of call a frame is.
#[derive(Debug, Clone, Copy)]
pub enum FrameKind {
    /// A Lua function.
    Lua(Gc<LuaClosure>),
    /// A native function.
    Native(Gc<NativeClosure>),
    /// A `pcall`: errors below it are caught here.
    Pcall,
    /// An `xpcall`; its message handler waits in the frame's `func` slot.
    Xpcall,
}

/// What to do with the result of a metamethod call that the interpreter ran as a
/// frame (so that it can yield or pause), when that frame returns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Cont {
    /// An ordinary call: results go to `func` as usual.
    #[default]
    None,
    /// Store the first result into this stack slot.
    Reg(u32),
    /// A comparison: the caller's next instruction is a `JMP`, taken when the result's
    /// truthiness (negated if asked) equals `k`.
    Cond { k: bool, negate: bool },
    /// Ignore the result (`__newindex`).
    Discard,
    /// `__concat`: store at `first + m - 2`, then go on concatenating `m - 1` values.
    Concat { first: u32, m: u32 },
    /// A `__close` handler run by a CLOSE or RETURN, which runs again when the
    /// handler returns: ignore the results and put `top` back where the
    /// instruction left it (a RETURN of multiple results counts them from it).
    Close { top: u32 },
    /// A `__close` handler run while an error unwinds to the protected frame just
    /// below it: when the handler returns, the next pending handler runs, and after
    /// the last the protected call returns `false` and the error.
    Unwind,
}

/// One activation record.
#[derive(Debug, Clone, Copy)]
pub struct Frame {
    /// Stack slot of the called function; results are written from here.
    pub func: usize,
    /// First register.
    pub base: usize,
    /// Next instruction to execute (Lua frames).
    pub pc: usize,
    /// Results the caller wants (-1: all).
    pub nresults: i32,
    /// Number of extra arguments stored below `base` (vararg functions).
    pub nvarargs: usize,
    pub kind: FrameKind,
    /// Continuation for metamethod frames.
    pub cont: Cont,
    /// Protected calls (`pcall`/`xpcall`) at or below this frame: they count as
    /// native nesting, bounded like lua5.4's C stack (`C stack overflow`).
    pub pdepth: u16,
    /// Entered by a tail call (its caller's frame is gone): tracebacks say so.
    pub tail: bool,
    /// What called this frame from native code, when that names it (a hook, a
    /// finalizer).
    pub by: super::CallAs,
}

// The frame record stays 72 bytes: `tail` and `by` live in padding.
const _: () = assert!(std::mem::size_of::<Frame>() <= 72);

impl Frame {
    /// The frame of Lua closure `cl` called at stack slot `func`, its registers
    /// from `base` (above `nvarargs` extra arguments), about to run its first
    /// instruction.
    #[inline(always)]
    pub fn lua(
        func: usize,
        base: usize,
        nresults: i32,
        nvarargs: usize,
        cl: Gc<LuaClosure>,
        pdepth: u16,
    ) -> Frame {
        Frame {
            func,
            base,
            pc: 0,
            nresults,
            nvarargs,
            kind: FrameKind::Lua(cl),
            cont: Cont::None,
            pdepth,
            tail: false,
            by: super::CallAs::Plain,
        }
    }

    /// The frame of a native function called at stack slot `func`.
    #[inline]
    pub fn native(func: usize, nresults: i32, nc: Gc<NativeClosure>, pdepth: u16) -> Frame {
        Frame {
            func,
            base: func + 1,
            pc: 0,
            nresults,
            nvarargs: 0,
            kind: FrameKind::Native(nc),
            cont: Cont::None,
            pdepth,
            tail: false,
            by: super::CallAs::Plain,
        }
    }

    /// References held by the frame itself.
    pub fn trace(&self, out: &mut Vec<ObjRef>) {
        match self.kind {
            FrameKind::Lua(c) => out.push(ObjRef::LuaFn(c)),
            FrameKind::Native(c) => out.push(ObjRef::NatFn(c)),
            FrameKind::Pcall | FrameKind::Xpcall => {}
        }
    }
}
