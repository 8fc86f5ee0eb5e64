//! The interpreter loop.
//!
//! One Rust activation runs any number of Lua frames: calls push a frame and `continue
//! 'frame`, returns pop one. Each instruction's fast path handles the common types
//! inline; everything else goes through the slow paths in `meta.rs`, after the pc has
//! been saved so errors and tracebacks see the right line.

use super::arith::{self, ArithOp, TWO63};
use super::frame::{Cont, FrameKind};
use super::meta::Prep;
use super::{LuaError, Tm, Vm};
use crate::bytecode::Op;
use crate::heap::Gc;
use crate::value::{LuaClosure, LuaStr, Value};
use std::cell::Cell;

/// How many `__index` tables a field read follows inline before the slow path.
const FIELD_FAST_DEPTH: usize = 8;

/// What [`Vm::store_fast`] did.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Stored {
    /// Not a plain table store: take the slow path.
    Declined,
    Done,
    /// Stored, and the table grew (its memory is accounted).
    Grew,
}

/// Interpreter loop without metering.
pub(crate) const METER_OFF: u8 = 0;
/// Interpreter loop charging budgets and steps.
pub(crate) const METER_ON: u8 = 1;
/// Metered loop that also attributes costs to source lines.
pub(crate) const METER_PROFILE: u8 = 2;
/// Loop of a thread with a debug hook: metered when metering is on, with the
/// hook's events at each instruction, call and return.
pub(crate) const METER_HOOK: u8 = 3;

impl Vm {
    /// Upvalue `i` of `cl` (open ones read the owning thread's stack).
    #[inline(always)]
    pub(crate) fn upval_get(&self, cl: &LuaClosure, i: usize) -> Value {
        cl.upvals[i].get().get()
    }

    /// Sets upvalue `i` of `cl`.
    #[inline(always)]
    pub(crate) fn upval_set(&mut self, cl: &LuaClosure, i: usize, v: Value) {
        cl.upvals[i].get_mut().set(v)
    }

    /// Field read `t.key` for the common cases, without calling anything: a table that
    /// has the key (found through the instruction's inline cache), or whose metatable's
    /// `__index` is a table that has it. `None` sends the caller to the slow path. The
    /// result is a reference into the table: copying it is cheaper than rebuilding it.
    #[inline(always)]
    fn field_fast<'a>(
        &self,
        t: &'a Value,
        key: Gc<LuaStr>,
        cache: &Cell<u32>,
    ) -> Option<&'a Value> {
        const NIL: &Value = &Value::Nil;
        let tb = match t {
            Value::Table(tb) => tb,
            // `s:method()`: the string metatable's `__index` table.
            Value::Str(_) => {
                let mt = self.string_meta?;
                let Value::Table(ht) = mt.get().get_str(self.tm_name(Tm::Index)) else {
                    return None;
                };
                let htb: &'a crate::value::Table = ht.get_static();
                return match htb.get_str_cached(key, cache) {
                    Some(v) if !v.is_nil() => Some(v),
                    _ => None,
                };
            }
            _ => return None,
        };
        // Follow `__index` tables (class hierarchies) a few levels without calls.
        let mut tbl: &'a crate::value::Table = tb.get_static();
        for _ in 0..FIELD_FAST_DEPTH {
            if let Some(v) = tbl.get_str_cached(key, cache) {
                if !v.is_nil() {
                    return Some(v);
                }
            }
            let Some(mt) = tbl.meta else {
                return Some(NIL);
            };
            match mt.get().get_str(self.tm_name(Tm::Index)) {
                Value::Nil => return Some(NIL),
                Value::Table(ht) => tbl = ht.get_static(),
                _ => return None,
            }
        }
        None
    }

    /// Runs Lua frames until the frame stack shrinks to `entry_depth`.
    // `reload!()` after a slow path is sometimes followed by no register access.
    #[allow(unused_assignments)]
    ///
    /// `M` selects the metering mode ([`METER_OFF`], [`METER_ON`], [`METER_PROFILE`]):
    /// each is its own copy of the loop, so unmetered runs pay nothing for metering.
    pub(crate) fn run<const M: u8>(&mut self, entry_depth: usize) -> Result<(), LuaError> {
        // The running frame's state. It lives across calls and returns: a Lua-to-Lua
        // call or return reassigns it in place and stays in the instruction loop (so
        // nothing derived from it is loop-invariant, and nothing is re-derived that did
        // not change); every other frame change goes round `'frame`, which reloads it
        // from the frame stack.
        //
        // The references are taken with `get_static`: the frame record holds its
        // closure (traced by the collector), the closure its instance, the instance
        // its prototype, so they live as long as the frame does. Each is reassigned
        // when the frame changes, before it is used again.
        let mut fi: usize;
        let mut pc: usize;
        let mut cl: &LuaClosure;
        let mut pinst: &crate::value::ProtoInst;
        let mut code: &[crate::bytecode::Instr];
        let mut regs: *mut Value;
        // The register base and window size are read where needed (from the frame
        // record and the instance), not kept as variables: kept, they let the optimizer
        // carry `base + k` values across the loop and spill half a dozen of them at
        // every call and return.
        macro_rules! base {
            () => {
                self.frames[fi].base
            };
        }
        macro_rules! max_stack {
            () => {
                pinst.max_stack as usize
            };
        }
        // One past the running frame's last register.
        macro_rules! top_limit {
            () => {
                base!() + max_stack!()
            };
        }
        // The running frame's registers, as a raw pointer: this is the interpreter's
        // one unsafe shortcut, and it is what keeps register access as cheap as in C.
        //
        // SAFETY invariant: `regs` points at `self.stack[base]`, and
        // `self.stack.len() >= base + max_stack` (established by `precall` or
        // the inline call path for this frame; the stack never shrinks). Every
        // register operand the compiler emits is below `max_stack` (checked by
        // `bytecode::verify` when a chunk is loaded, and by `debug_assert` in
        // `r!`/`set!`). Any operation that may reallocate the stack or otherwise
        // borrow `self` mutably is followed by `reload!()`, which re-derives the
        // pointer (and the code slice) before the next register access.
        macro_rules! reload {
            () => {{
                let b = base!();
                reload!(b)
            }};
            ($base:expr) => {{
                let b: usize = $base;
                debug_assert!(b + max_stack!() <= self.stack.len());
                // SAFETY: `base + max_stack <= self.stack.len()` by the invariant
                // above: it held when this frame was entered, and the stack never
                // shrinks (nothing truncates it; a coroutine switch swaps stack and
                // frames together, so each frame stays with the stack it was entered
                // on). The pointer is therefore in bounds (or one past the end for an
                // empty register window).
                regs = unsafe { self.stack.as_mut_ptr().add(b) };
                code = &pinst.proto.code[..];
            }};
        }
        // Enters closure `$clg` with its registers at `$base`: derives the closure's
        // state and the register pointer.
        macro_rules! enter_closure {
            ($clg:expr, $base:expr) => {{
                let clg: Gc<LuaClosure> = $clg;
                cl = clg.get_static();
                pinst = cl.p.get_static();
                debug_assert_eq!(pinst.segs.len(), pinst.proto.code.len());
                reload!($base);
            }};
        }
        // Resumes the Lua frame `$fi` at its saved pc.
        macro_rules! resume_frame {
            ($fi:expr) => {{
                fi = $fi;
                let f = &self.frames[fi];
                let FrameKind::Lua(clg) = f.kind else {
                    unreachable!("run() entered on a non-Lua frame")
                };
                let b = f.base;
                pc = f.pc;
                enter_closure!(clg, b);
            }};
        }
        'frame: loop {
            resume_frame!(self.frames.len() - 1);

            // After a slow-path call that saved the pc in the frame record: reads it
            // back, so the register allocator need not keep the pc alive across the
            // call (the value is the same).
            macro_rules! restore_pc {
                () => {
                    pc = self.frames[fi].pc
                };
            }
            macro_rules! r {
                ($i:expr) => {{
                    let i: usize = $i;
                    debug_assert!(i < max_stack!());
                    // SAFETY: see the invariant above.
                    unsafe { *regs.add(i) }
                }};
            }
            macro_rules! set {
                ($i:expr, $v:expr) => {{
                    let v: Value = $v;
                    let i: usize = $i;
                    debug_assert!(i < max_stack!());
                    // SAFETY: see the invariant above.
                    unsafe { *regs.add(i) = v }
                }};
            }
            // An integer or float result: one 16-byte store (`Value::write_int`,
            // `Value::write_num`).
            macro_rules! set_whole {
                ($write:ident, $i:expr, $x:expr) => {{
                    let x = $x;
                    let i: usize = $i;
                    debug_assert!(i < max_stack!());
                    // SAFETY: see the invariant above.
                    unsafe { Value::$write(regs.add(i), x) }
                }};
            }
            macro_rules! set_int {
                ($i:expr, $x:expr) => {
                    set_whole!(write_int, $i, $x)
                };
            }
            macro_rules! set_num {
                ($i:expr, $x:expr) => {
                    set_whole!(write_num, $i, $x)
                };
            }
            // Constant `$i` of the running function.
            macro_rules! k {
                ($i:expr) => {
                    pinst.consts[$i]
                };
            }
            macro_rules! rref {
                ($i:expr) => {{
                    let i: usize = $i;
                    debug_assert!(i < max_stack!());
                    // SAFETY: see the invariant above.
                    unsafe { &*regs.add(i) }
                }};
            }
            // Metamethod-aware slow paths: the handler runs as a frame whose result goes
            // to register `$dst` (or decides a jump), so it can yield; a finished
            // result is the macro's value.
            macro_rules! meta_val {
                ($dst:expr, $prep:expr) => {{
                    let cont = Cont::Reg((base!() + $dst) as u32);
                    match self.meta_slow(fi, pc, top_limit!(), cont, $prep)? {
                        Some(v) => {
                            reload!();
                            restore_pc!();
                            v
                        }
                        None => continue 'frame,
                    }
                }};
            }
            macro_rules! meta_cond {
                ($prep:expr, $k:expr) => {{
                    let cont = Cont::Cond {
                        k: $k,
                        negate: false,
                    };
                    match self.meta_slow(fi, pc, top_limit!(), cont, $prep)? {
                        Some(v) => {
                            reload!();
                            restore_pc!();
                            v.is_truthy()
                        }
                        None => continue 'frame,
                    }
                }};
            }
            // Arithmetic fast paths read operands in place (no copies) and fall back to
            // the metamethod-aware slow path for anything but two numbers.
            // Arithmetic whose integer case may fail (division by zero) or which has no
            // integer form: `$int` returns `None` to take the slow path.
            macro_rules! arith_gen {
                ($i:expr, $op:expr, $pb:expr, $int:expr, $flt:expr) => {{
                    let pa = rref!($i.b());
                    let pb: &Value = $pb;
                    // Each arm stores its own result: a value known whole at the store
                    // is written as tag and payload, where a value merged from the arms
                    // went through a stack temporary whose padding bytes were copied.
                    match (pa, pb) {
                        (Value::Int(x), Value::Int(y)) => match $int(*x, *y) {
                            Some(r) => set!($i.a(), r),
                            None => {
                                let (a, b) = (*pa, *pb);
                                let v = meta_val!($i.a(), Prep::Arith($op, a, b));
                                set!($i.a(), v)
                            }
                        },
                        (Value::Num(x), Value::Num(y)) => set_num!($i.a(), $flt(*x, *y)),
                        (Value::Int(x), Value::Num(y)) => set_num!($i.a(), $flt(*x as f64, *y)),
                        (Value::Num(x), Value::Int(y)) => set_num!($i.a(), $flt(*x, *y as f64)),
                        _ => {
                            let (a, b) = (*pa, *pb);
                            let v = meta_val!($i.a(), Prep::Arith($op, a, b));
                            set!($i.a(), v)
                        }
                    }
                }};
            }
            // Arithmetic whose integer case always succeeds.
            macro_rules! arith {
                ($i:expr, $op:expr, $pb:expr, $int:expr, $flt:expr) => {{
                    let pa = rref!($i.b());
                    let pb: &Value = $pb;
                    match (pa, pb) {
                        (Value::Int(x), Value::Int(y)) => set_int!($i.a(), $int(*x, *y)),
                        (Value::Num(x), Value::Num(y)) => set_num!($i.a(), $flt(*x, *y)),
                        (Value::Int(x), Value::Num(y)) => set_num!($i.a(), $flt(*x as f64, *y)),
                        (Value::Num(x), Value::Int(y)) => set_num!($i.a(), $flt(*x, *y as f64)),
                        _ => {
                            let (a, b) = (*pa, *pb);
                            let v = meta_val!($i.a(), Prep::Arith($op, a, b));
                            set!($i.a(), v)
                        }
                    }
                }};
            }
            // Bitwise operations: integers inline, anything else through the slow path.
            macro_rules! bitwise {
                ($i:expr, $op:expr, $pb:expr, $f:expr) => {{
                    let pa = rref!($i.b());
                    let pb: &Value = $pb;
                    match (pa, pb) {
                        (Value::Int(x), Value::Int(y)) => set_int!($i.a(), $f(*x, *y)),
                        _ => {
                            let (a, b) = (*pa, *pb);
                            let v = meta_val!($i.a(), Prep::Arith($op, a, b));
                            set!($i.a(), v)
                        }
                    }
                }};
            }
            // Metering: charges the segment that starts at `pc`, where control just
            // landed (see `meter::segments`). Out of budget, the pc is saved as the
            // place to resume, before anything in the segment ran.
            macro_rules! charge {
                () => {{
                    if M != METER_OFF && (M != METER_HOOK || self.meter.enabled) {
                        // SAFETY: `pinst.segs` has one entry per instruction, and `pc` is a
                        // landing pc inside the code (jump targets and fall-through
                        // successors are in range: `bytecode::verify`).
                        let s = unsafe { *pinst.segs.get_unchecked(pc) };
                        if !self.meter.try_charge(s) {
                            self.frames[fi].pc = pc;
                            self.top = top_limit!();
                            self.out_of_budget(s)?;
                            restore_pc!();
                        }
                        if M == METER_PROFILE {
                            self.profile_segment(&pinst.proto, pc);
                        }
                    }
                }};
            }
            // A collector safe point: collects when one is due and checks the memory
            // quota. The pc is saved first so errors and tracebacks see this line.
            // With a limit, registers from it up are dead (the instruction's target
            // is the top live register, as at `checkGC` in lua5.4) and are cleared,
            // so dropped temporaries cannot keep objects alive. Without one the
            // whole frame is live and `top` stays: it may mark pending results.
            macro_rules! gc_point {
                () => {{
                    if self.heap.should_collect() {
                        self.frames[fi].pc = pc;
                        self.gc_poll(top_limit!())?;
                        reload!();
                        restore_pc!();
                    }
                }};
                (live $limit:expr) => {{
                    if self.heap.should_collect() {
                        self.frames[fi].pc = pc;
                        let live = $limit;
                        self.top = live;
                        self.gc_poll(live)?;
                        reload!();
                        restore_pc!();
                    }
                }};
            }
            // A table store `t[key] = v` (register A): the plain case inline, then
            // `__newindex` and key errors.
            macro_rules! store {
                ($a:expr, $key:expr, $v:expr) => {{
                    let (a, key, v): (usize, &Value, &Value) = ($a, $key, $v);
                    match self.store_fast(rref!(a), key, v) {
                        Stored::Done => {}
                        // A growing table is where memory goes in loops that
                        // allocate nothing else.
                        Stored::Grew => gc_point!(),
                        Stored::Declined => {
                            let (t, key, v) = (r!(a), *key, *v);
                            if self.store(t, key, v, fi, pc, top_limit!())? {
                                continue 'frame;
                            }
                            reload!();
                        }
                    }
                }};
            }
            // Conditional jump: the next instruction is a JMP taken when `cond == k`.
            macro_rules! cond_jump {
                ($cond:expr, $k:expr) => {{
                    if $cond == $k {
                        let j = code[pc];
                        pc = (pc as i64 + 1 + j.sj() as i64) as usize;
                    } else {
                        pc += 1;
                    }
                    charge!();
                }};
            }

            loop {
                // SAFETY: `bytecode::verify` (run on every loaded chunk) guarantees that
                // the pc stays inside the code and that every opcode is valid: jump
                // targets are in range, the code ends with a return, and instructions
                // that skip their successor have two more after them.
                let i = unsafe { *code.get_unchecked(pc) };
                if M == METER_HOOK && !self.in_hook {
                    // A multiple-results `top` may be pending for this instruction.
                    let saved = self.top;
                    self.top = saved.max(top_limit!());
                    self.hook_instr(fi, pc)?;
                    self.top = saved;
                    if self.frames.len() != fi + 1 {
                        continue 'frame;
                    }
                    reload!();
                }
                pc += 1;
                // Decoded once: the arms that serve several opcodes test `op`.
                let op = unsafe { i.op_unchecked() };
                match op {
                    Op::Move => set!(i.a(), r!(i.b())),
                    Op::LoadK => set!(i.a(), k!(i.bx())),
                    Op::LoadI => set_int!(i.a(), i.sbx() as i64),
                    Op::LoadF => set_num!(i.a(), i.sbx() as f64),
                    Op::LoadNil => {
                        let a = i.a();
                        for j in 0..=i.b() {
                            set!(a + j, Value::Nil);
                        }
                    }
                    Op::LoadFalse => set!(i.a(), Value::Bool(false)),
                    Op::LFalseSkip => {
                        set!(i.a(), Value::Bool(false));
                        pc += 1;
                        charge!();
                    }
                    Op::LoadTrue => set!(i.a(), Value::Bool(true)),
                    Op::GetUpval => set!(i.a(), self.upval_get(cl, i.b())),
                    Op::SetUpval => {
                        let v = r!(i.a());
                        self.upval_set(cl, i.b(), v);
                        reload!();
                    }
                    Op::GetTabUp => {
                        let t = self.upval_get(cl, i.b());
                        let Value::Str(key) = k!(i.c()) else {
                            unreachable!("GETTABUP key")
                        };
                        match self.field_fast(&t, key, &pinst.caches[pc - 1]) {
                            Some(v) => {
                                let v = *v;
                                set!(i.a(), v);
                            }
                            None => {
                                let v = meta_val!(i.a(), Prep::Index(t, Value::Str(key)));
                                set!(i.a(), v);
                            }
                        }
                    }
                    Op::SetTabUp | Op::SetTabUpK => {
                        let t = self.upval_get(cl, i.a());
                        let key = k!(i.b());
                        let v = if op == Op::SetTabUp {
                            r!(i.c())
                        } else {
                            k!(i.c())
                        };
                        match self.store_global(t, key, v, &pinst.caches[pc - 1]) {
                            Stored::Done => {}
                            Stored::Grew => gc_point!(),
                            Stored::Declined => {
                                if self.store(t, key, v, fi, pc, top_limit!())? {
                                    continue 'frame;
                                }
                            }
                        }
                        reload!();
                    }
                    Op::GetField => {
                        let Value::Str(key) = k!(i.c()) else {
                            unreachable!("GETFIELD key")
                        };
                        match self.field_fast(rref!(i.b()), key, &pinst.caches[pc - 1]) {
                            Some(v) => {
                                let v = *v;
                                set!(i.a(), v);
                            }
                            None => {
                                let t = r!(i.b());
                                let v = meta_val!(i.a(), Prep::Index(t, Value::Str(key)));
                                set!(i.a(), v);
                            }
                        }
                    }
                    Op::GetI => {
                        let fast = match rref!(i.b()) {
                            Value::Table(tb) => {
                                let tbl = tb.get_static();
                                let v = tbl.get_int_ref(i.c() as i64);
                                (!v.is_nil() || tbl.meta.is_none()).then_some(v)
                            }
                            _ => None,
                        };
                        match fast {
                            Some(v) => {
                                let v = *v;
                                set!(i.a(), v);
                            }
                            None => {
                                let t = r!(i.b());
                                let v = meta_val!(i.a(), Prep::Index(t, Value::Int(i.c() as i64)));
                                set!(i.a(), v);
                            }
                        }
                    }
                    Op::GetTable => {
                        // `t[i]` from the array part first: one bounds check.
                        if let (Value::Table(tb), Value::Int(n)) = (rref!(i.b()), rref!(i.c())) {
                            let tbl = tb.get_static();
                            if let Some(v) = tbl.array().get((*n as u64).wrapping_sub(1) as usize) {
                                if !v.is_nil() || tbl.meta.is_none() {
                                    let v = *v;
                                    set!(i.a(), v);
                                    continue;
                                }
                            }
                        }
                        let fast = match (rref!(i.b()), rref!(i.c())) {
                            (Value::Table(tb), key) => {
                                let tbl = tb.get_static();
                                let v = tbl.get_ref(key);
                                (!v.is_nil() || tbl.meta.is_none()).then_some(v)
                            }
                            _ => None,
                        };
                        match fast {
                            Some(v) => {
                                let v = *v;
                                set!(i.a(), v);
                            }
                            None => {
                                let (t, key) = (r!(i.b()), r!(i.c()));
                                let v = meta_val!(i.a(), Prep::Index(t, key));
                                set!(i.a(), v);
                            }
                        }
                    }
                    Op::SetField | Op::SetFieldK => {
                        let v = if op == Op::SetField {
                            r!(i.c())
                        } else {
                            k!(i.c())
                        };
                        // `t.name = v` into an existing field: through the
                        // instruction's cache, one compare and a store. (A field
                        // that holds nil is absent: `__newindex` may apply.)
                        if let (Value::Table(tb), Value::Str(key)) = (r!(i.a()), k!(i.b())) {
                            let tbl = tb.get_mut();
                            let plain = tbl.meta.is_none();
                            if let Some(slot) = tbl.get_str_cached_mut(key, &pinst.caches[pc - 1]) {
                                if plain || !slot.is_nil() {
                                    *slot = v;
                                    continue;
                                }
                            }
                        }
                        store!(i.a(), &k!(i.b()), &v);
                    }
                    Op::SetTable | Op::SetTableK | Op::SetI | Op::SetIK => {
                        let int_key;
                        let key: &Value = match op {
                            Op::SetTable | Op::SetTableK => rref!(i.b()),
                            _ => {
                                int_key = Value::Int(i.b() as i64);
                                &int_key
                            }
                        };
                        let v: &Value = match op {
                            Op::SetTable | Op::SetI => rref!(i.c()),
                            _ => &k!(i.c()),
                        };
                        // `t[i] = v` into the array part: one bounds check and a
                        // store. (Storing nil may shrink it, and a nil slot of a
                        // table with a metatable may call `__newindex`.)
                        if let (Value::Table(tb), Value::Int(n)) = (rref!(i.a()), key) {
                            let tbl = tb.get_mut();
                            let plain = tbl.meta.is_none();
                            if let Some(slot) = tbl.array_slot_mut(*n) {
                                if !v.is_nil() && (plain || !slot.is_nil()) {
                                    *slot = *v;
                                    continue;
                                }
                            }
                        }
                        store!(i.a(), key, v);
                    }
                    Op::NewTable => {
                        let narr = code[pc].ax_arg() as usize;
                        pc += 1;
                        let t = self.new_table(narr, i.b());
                        reload!();
                        set!(i.a(), Value::Table(t));
                        gc_point!(live base!() + i.a() + 1);
                    }
                    Op::SelfOp => {
                        let obj = r!(i.b());
                        let Value::Str(key) = k!(i.c()) else {
                            unreachable!("SELF key")
                        };
                        set!(i.a() + 1, obj);
                        match self.field_fast(&obj, key, &pinst.caches[pc - 1]) {
                            Some(v) => {
                                let v = *v;
                                set!(i.a(), v);
                            }
                            None => {
                                let v = meta_val!(i.a(), Prep::Index(obj, Value::Str(key)));
                                set!(i.a(), v);
                            }
                        }
                    }
                    Op::AddI => {
                        let imm = i.sc();
                        match rref!(i.b()) {
                            Value::Int(x) => set_int!(i.a(), x.wrapping_add(imm)),
                            Value::Num(x) => set_num!(i.a(), x + imm as f64),
                            _ => {
                                let a = r!(i.b());
                                let v =
                                    meta_val!(i.a(), Prep::Arith(ArithOp::Add, a, Value::Int(imm)));
                                set!(i.a(), v)
                            }
                        }
                    }
                    Op::SubI => {
                        let imm = i.sc();
                        match rref!(i.b()) {
                            Value::Int(x) => set_int!(i.a(), x.wrapping_sub(imm)),
                            Value::Num(x) => set_num!(i.a(), x - imm as f64),
                            _ => {
                                let a = r!(i.b());
                                let v =
                                    meta_val!(i.a(), Prep::Arith(ArithOp::Sub, a, Value::Int(imm)));
                                set!(i.a(), v)
                            }
                        }
                    }
                    Op::AddK => {
                        arith!(
                            i,
                            ArithOp::Add,
                            &k!(i.c()),
                            i64::wrapping_add,
                            |x: f64, y: f64| x + y
                        )
                    }
                    Op::SubK => {
                        arith!(
                            i,
                            ArithOp::Sub,
                            &k!(i.c()),
                            i64::wrapping_sub,
                            |x: f64, y: f64| x - y
                        )
                    }
                    Op::MulK => {
                        arith!(
                            i,
                            ArithOp::Mul,
                            &k!(i.c()),
                            i64::wrapping_mul,
                            |x: f64, y: f64| x * y
                        )
                    }
                    Op::ModK => arith_gen!(
                        i,
                        ArithOp::Mod,
                        &k!(i.c()),
                        |x: i64, y: i64| (y != 0).then(|| Value::Int(arith::mod_int(x, y))),
                        arith::mod_float_lua
                    ),
                    Op::PowK => arith_gen!(
                        i,
                        ArithOp::Pow,
                        &k!(i.c()),
                        |x: i64, y: i64| Some(Value::Num(arith::pow_float(x as f64, y as f64))),
                        arith::pow_float
                    ),
                    Op::DivK => arith_gen!(
                        i,
                        ArithOp::Div,
                        &k!(i.c()),
                        |x: i64, y: i64| Some(Value::Num(x as f64 / y as f64)),
                        |x: f64, y: f64| x / y
                    ),
                    Op::IDivK => arith_gen!(
                        i,
                        ArithOp::IDiv,
                        &k!(i.c()),
                        |x: i64, y: i64| (y != 0).then(|| Value::Int(arith::idiv_int(x, y))),
                        |x: f64, y: f64| libm::floor(x / y)
                    ),
                    Op::BAndK => {
                        bitwise!(i, ArithOp::BAnd, &k!(i.c()), |x: i64, y: i64| x & y)
                    }
                    Op::BOrK => {
                        bitwise!(i, ArithOp::BOr, &k!(i.c()), |x: i64, y: i64| x | y)
                    }
                    Op::BXorK => {
                        bitwise!(i, ArithOp::BXor, &k!(i.c()), |x: i64, y: i64| x ^ y)
                    }
                    Op::ShrI => bitwise!(i, ArithOp::Shr, &Value::Int(i.sc()), |x: i64, y: i64| {
                        arith::shift_left(x, y.wrapping_neg())
                    }),
                    Op::ShlI => bitwise!(i, ArithOp::Shl, &Value::Int(i.sc()), arith::shift_left),
                    Op::Add => {
                        arith!(
                            i,
                            ArithOp::Add,
                            rref!(i.c()),
                            i64::wrapping_add,
                            |x: f64, y: f64| x + y
                        )
                    }
                    Op::Sub => {
                        arith!(
                            i,
                            ArithOp::Sub,
                            rref!(i.c()),
                            i64::wrapping_sub,
                            |x: f64, y: f64| x - y
                        )
                    }
                    Op::Mul => {
                        arith!(
                            i,
                            ArithOp::Mul,
                            rref!(i.c()),
                            i64::wrapping_mul,
                            |x: f64, y: f64| x * y
                        )
                    }
                    Op::Div => {
                        let (a, b) = (r!(i.b()), r!(i.c()));
                        let v = match (a, b) {
                            (Value::Num(x), Value::Num(y)) => Value::Num(x / y),
                            (Value::Int(x), Value::Int(y)) => Value::Num(x as f64 / y as f64),
                            _ => match arith::arith_numbers(ArithOp::Div, a, b) {
                                Some(Ok(v)) => v,
                                _ => meta_val!(i.a(), Prep::Arith(ArithOp::Div, a, b)),
                            },
                        };
                        set!(i.a(), v);
                    }
                    Op::Mod => arith_gen!(
                        i,
                        ArithOp::Mod,
                        rref!(i.c()),
                        |x: i64, y: i64| (y != 0).then(|| Value::Int(arith::mod_int(x, y))),
                        arith::mod_float_lua
                    ),
                    Op::Pow => arith_gen!(
                        i,
                        ArithOp::Pow,
                        rref!(i.c()),
                        |x: i64, y: i64| Some(Value::Num(arith::pow_float(x as f64, y as f64))),
                        arith::pow_float
                    ),
                    Op::IDiv => arith_gen!(
                        i,
                        ArithOp::IDiv,
                        rref!(i.c()),
                        |x: i64, y: i64| (y != 0).then(|| Value::Int(arith::idiv_int(x, y))),
                        |x: f64, y: f64| libm::floor(x / y)
                    ),
                    Op::BAnd => bitwise!(i, ArithOp::BAnd, rref!(i.c()), |x: i64, y: i64| x & y),
                    Op::BOr => bitwise!(i, ArithOp::BOr, rref!(i.c()), |x: i64, y: i64| x | y),
                    Op::BXor => bitwise!(i, ArithOp::BXor, rref!(i.c()), |x: i64, y: i64| x ^ y),
                    Op::Shl => bitwise!(i, ArithOp::Shl, rref!(i.c()), arith::shift_left),
                    Op::Shr => bitwise!(i, ArithOp::Shr, rref!(i.c()), |x: i64, y: i64| {
                        arith::shift_left(x, y.wrapping_neg())
                    }),
                    Op::Unm => match rref!(i.b()) {
                        Value::Int(x) => set_int!(i.a(), x.wrapping_neg()),
                        Value::Num(x) => set_num!(i.a(), -x),
                        _ => {
                            let a = r!(i.b());
                            let v = meta_val!(i.a(), Prep::Arith(ArithOp::Unm, a, a));
                            set!(i.a(), v)
                        }
                    },
                    Op::BNot => {
                        let a = r!(i.b());
                        let v = match a {
                            Value::Int(x) => Value::Int(!x),
                            _ => meta_val!(i.a(), Prep::Arith(ArithOp::BNot, a, a)),
                        };
                        set!(i.a(), v);
                    }
                    Op::Not => set!(i.a(), Value::Bool(!r!(i.b()).is_truthy())),
                    Op::Len => {
                        let a = r!(i.b());
                        let v = match a {
                            Value::Str(s) => Value::Int(s.len() as i64),
                            Value::Table(t) if t.get().meta.is_none() => {
                                Value::Int(t.get().len() as i64)
                            }
                            _ => meta_val!(i.a(), Prep::Len(a)),
                        };
                        set!(i.a(), v);
                    }
                    Op::Concat => {
                        self.frames[fi].pc = pc;
                        self.top = top_limit!();
                        if self.concat_from(base!() + i.a(), i.b())? {
                            continue 'frame;
                        }
                        gc_point!(live base!() + i.a() + 1);
                        reload!();
                    }
                    Op::Close => {
                        let level = base!() + i.a();
                        self.close_upvals(level);
                        if self.tbc.last().is_some_and(|&s| s >= level) {
                            self.frames[fi].pc = pc;
                            let keep = top_limit!();
                            if self.close_pending(level, fi, keep)? {
                                continue 'frame;
                            }
                        }
                        reload!();
                    }
                    Op::Tbc => {
                        let slot = base!() + i.a();
                        let v = self.stack[slot];
                        if v.is_truthy() {
                            if self.metamethod(v, Tm::Close).is_nil() {
                                self.frames[fi].pc = pc;
                                let name = pinst
                                    .proto
                                    .local_name(i.a(), pc - 1)
                                    .or_else(|| pinst.proto.local_name(i.a(), pc))
                                    .unwrap_or("?")
                                    .to_string();
                                return Err(LuaError::rt(format!(
                                    "variable '{name}' got a non-closable value"
                                )));
                            }
                            self.tbc.push(slot);
                        }
                    }
                    Op::Jmp => {
                        pc = (pc as i64 + i.sj() as i64) as usize;
                        charge!();
                    }
                    Op::Eq => {
                        let (a, b) = (r!(i.a()), r!(i.b()));
                        let eq = match (a, b) {
                            (Value::Table(_), Value::Table(_))
                            | (Value::UData(_), Value::UData(_)) => {
                                meta_cond!(Prep::Eq(a, b), i.c() != 0)
                            }
                            _ => a.raw_eq(&b),
                        };
                        cond_jump!(eq, i.c() != 0);
                    }
                    Op::EqK => {
                        let eq = rref!(i.a()).raw_eq(&k!(i.b()));
                        cond_jump!(eq, i.c() != 0);
                    }
                    Op::EqI => {
                        let eq = match rref!(i.a()) {
                            Value::Int(x) => *x == i.sb(),
                            Value::Num(f) => *f == i.sb() as f64,
                            _ => false,
                        };
                        cond_jump!(eq, i.c() != 0);
                    }
                    Op::Lt => {
                        let (ia, ib) = (i.a(), i.b());
                        debug_assert!(ia < max_stack!() && ib < max_stack!());
                        // SAFETY: register invariant above.
                        let (pa, pb) = unsafe { (&*regs.add(ia), &*regs.add(ib)) };
                        let res = match (pa, pb) {
                            (Value::Int(x), Value::Int(y)) => x < y,
                            (Value::Num(x), Value::Num(y)) => x < y,
                            (Value::Int(_), Value::Num(_)) | (Value::Num(_), Value::Int(_)) => {
                                arith::num_lt(*pa, *pb).unwrap_or(false)
                            }
                            _ => {
                                let (a, b) = (*pa, *pb);
                                meta_cond!(Prep::Less(a, b, false), i.c() != 0)
                            }
                        };
                        cond_jump!(res, i.c() != 0);
                    }
                    Op::Le => {
                        let (ia, ib) = (i.a(), i.b());
                        debug_assert!(ia < max_stack!() && ib < max_stack!());
                        // SAFETY: register invariant above.
                        let (pa, pb) = unsafe { (&*regs.add(ia), &*regs.add(ib)) };
                        let res = match (pa, pb) {
                            (Value::Int(x), Value::Int(y)) => x <= y,
                            (Value::Num(x), Value::Num(y)) => x <= y,
                            (Value::Int(_), Value::Num(_)) | (Value::Num(_), Value::Int(_)) => {
                                arith::num_le(*pa, *pb).unwrap_or(false)
                            }
                            _ => {
                                let (a, b) = (*pa, *pb);
                                meta_cond!(Prep::Less(a, b, true), i.c() != 0)
                            }
                        };
                        cond_jump!(res, i.c() != 0);
                    }
                    Op::LtI | Op::LeI | Op::GtI | Op::GeI => {
                        let imm = i.sb();
                        let res = match *rref!(i.a()) {
                            Value::Int(x) => match op {
                                Op::LtI => x < imm,
                                Op::LeI => x <= imm,
                                Op::GtI => x > imm,
                                _ => x >= imm,
                            },
                            Value::Num(f) => {
                                let y = imm as f64;
                                match op {
                                    Op::LtI => f < y,
                                    Op::LeI => f <= y,
                                    Op::GtI => f > y,
                                    _ => f >= y,
                                }
                            }
                            a => {
                                let b = Value::Int(imm);
                                match op {
                                    Op::LtI => meta_cond!(Prep::Less(a, b, false), i.c() != 0),
                                    Op::LeI => meta_cond!(Prep::Less(a, b, true), i.c() != 0),
                                    Op::GtI => meta_cond!(Prep::Less(b, a, false), i.c() != 0),
                                    _ => meta_cond!(Prep::Less(b, a, true), i.c() != 0),
                                }
                            }
                        };
                        cond_jump!(res, i.c() != 0);
                    }
                    Op::Test => {
                        let t = rref!(i.a()).is_truthy();
                        cond_jump!(t, i.c() != 0);
                    }
                    Op::TestSet => {
                        let v = r!(i.b());
                        if v.is_truthy() == (i.c() != 0) {
                            set!(i.a(), v);
                            let j = code[pc];
                            pc = (pc as i64 + 1 + j.sj() as i64) as usize;
                        } else {
                            pc += 1;
                        }
                        charge!();
                    }
                    Op::Call => {
                        let a = i.a();
                        // One bounds check for all three: the pc is saved, the base
                        // and depth read.
                        let (func, pdepth) = {
                            let f = &mut self.frames[fi];
                            f.pc = pc;
                            (f.base + a, f.pdepth)
                        };
                        let nargs = if i.b() == 0 {
                            self.top - func - 1
                        } else {
                            i.b() - 1
                        };
                        let nres = i.c() as i32 - 1;
                        // The common call: a Lua function with a fixed parameter list
                        // whose registers fit in the stack as it is. Its frame is
                        // pushed right here (what `precall` does, minus the cases).
                        // (Under a hook every call goes through `precall`, which
                        // marks the frame for the call event.)
                        if let (false, Value::LuaFn(ncl)) = (M == METER_HOOK, r!(a)) {
                            let pi = ncl.p.get_static();
                            let nbase = func + 1;
                            if !pi.is_vararg && nbase + pi.max_stack as usize <= self.stack.len() {
                                let np = pi.num_params as usize;
                                if nargs < np {
                                    self.stack[nbase + nargs..nbase + np].fill(Value::Nil);
                                }
                                self.frames.push(super::frame::Frame::lua(
                                    func, nbase, nres, 0, ncl, pdepth,
                                ));
                                // The entry segment is charged with the call; out of
                                // budget, the new frame waits at pc 0.
                                if M != METER_OFF && (M != METER_HOOK || self.meter.enabled) {
                                    self.charge_segment(pi, 0)?;
                                }
                                fi += 1;
                                pc = 0;
                                enter_closure!(ncl, nbase);
                                continue;
                            }
                        }
                        // The common native call: a library function or a host
                        // closure, without `precall`'s cases.
                        if let Some((nc, f)) = self.plain_native::<M>(r!(a)) {
                            self.call_plain_native(nc, f, func, nargs, nres, pdepth)?;
                        } else {
                            self.check_callable(func)?;
                            if self.precall(func, nargs, nres)? {
                                continue 'frame;
                            }
                        }
                        // Fixed results end the live part; multiple ones end at `top`.
                        gc_point!(live if nres >= 0 { func + nres as usize } else { self.top });
                        if self.hook_switch {
                            // A hook was set or removed: continue in the other loop.
                            self.hook_switch = false;
                            self.frames[fi].pc = pc;
                            self.mode_restart = true;
                            return Ok(());
                        }
                        reload!();
                    }
                    Op::TailCall => {
                        let a = i.a();
                        let func = base!() + a;
                        let nargs = if i.b() == 0 {
                            self.top - func - 1
                        } else {
                            i.b() - 1
                        };
                        self.frames[fi].pc = pc;
                        self.check_callable(func)?;
                        if matches!(self.stack[func], Value::NatFn(_)) {
                            // A native runs on top of this frame, as in lua5.4 (so errors
                            // still see this caller's position); the RETURN that follows
                            // every TAILCALL then returns its results.
                            if self.precall(func, nargs, -1)? {
                                continue 'frame;
                            }
                            reload!();
                            continue;
                        }
                        if !self.open_upvals.is_empty() {
                            self.close_upvals(base!());
                        }
                        // Move the callee and its arguments down over this frame.
                        let frame = self.frames[fi];
                        let dst = frame.func;
                        self.stack.copy_within(func..func + nargs + 1, dst);
                        self.frames.truncate(fi);
                        let r = self.precall(dst, nargs, frame.nresults);
                        // A metamethod frame's continuation passes to its tail callee
                        // (also when the callee paused at its entry).
                        if matches!(r, Ok(true) | Err(LuaError::Pause)) {
                            if let Some(f) = self.frames.last_mut() {
                                f.cont = frame.cont;
                                f.tail = true;
                            }
                        }
                        if r? {
                            continue 'frame;
                        }
                        if frame.cont != Cont::None {
                            let v = if self.top > dst {
                                self.stack[dst]
                            } else {
                                Value::Nil
                            };
                            self.apply_cont(frame.cont, v)?;
                            if frame.cont == Cont::Unwind && self.after_return(entry_depth) {
                                return Ok(());
                            }
                            continue 'frame;
                        }
                        if self.after_return(entry_depth) {
                            return Ok(());
                        }
                        continue 'frame;
                    }
                    Op::Return | Op::Return0 | Op::Return1 => {
                        let a = i.a();
                        let n = match op {
                            Op::Return0 => 0,
                            Op::Return1 => 1,
                            _ => {
                                if i.b() == 0 {
                                    self.top - (base!() + a)
                                } else {
                                    i.b() - 1
                                }
                            }
                        };
                        if self.tbc.last().is_some_and(|&s| s >= base!()) {
                            self.frames[fi].pc = pc;
                            // A multiple-results RETURN counts its results from `top`
                            // when it runs again after a handler.
                            let keep = if op == Op::Return && i.b() == 0 {
                                self.top
                            } else {
                                (base!() + a + n).max(top_limit!())
                            };
                            self.close_upvals(base!());
                            if self.close_pending(base!(), fi, keep)? {
                                continue 'frame;
                            }
                            self.top = keep.max(top_limit!());
                            if M != METER_HOOK && self.hook_active && !self.in_hook {
                                // A `__close` handler set a hook: it sees this
                                // function's return, as in lua5.4.
                                self.hook_return(base!() + a, n)?;
                            }
                            reload!();
                        }
                        if M == METER_HOOK && !self.in_hook {
                            self.frames[fi].pc = pc;
                            let saved = self.top;
                            self.top = (base!() + a + n).max(top_limit!());
                            self.hook_return(base!() + a, n)?;
                            self.top = saved;
                            reload!();
                        }
                        if !self.open_upvals.is_empty() {
                            self.close_upvals(base!());
                        }
                        let (func, nresults, cont, fbase) = {
                            let f = &self.frames[fi];
                            (f.func, f.nresults, f.cont, f.base)
                        };
                        self.frames.truncate(fi);
                        if cont != Cont::None {
                            let v = if n > 0 { r!(a) } else { Value::Nil };
                            self.apply_cont(cont, v)?;
                            if cont == Cont::Unwind && self.after_return(entry_depth) {
                                return Ok(());
                            }
                            continue 'frame;
                        }
                        if n == 1 && nresults == 1 {
                            // The common single-result return: one copy, no bookkeeping.
                            let v = r!(a);
                            self.stack[func] = v;
                        } else if n == 0 && nresults == 0 {
                            self.top = func;
                        } else {
                            self.finish_results(func, fbase + a, n, nresults);
                        }
                        // Back into a Lua caller of this activation: resume it here.
                        if fi > entry_depth {
                            if let FrameKind::Lua(_) = self.frames[fi - 1].kind {
                                resume_frame!(fi - 1);
                                continue;
                            }
                        }
                        if self.after_return(entry_depth) {
                            return Ok(());
                        }
                        continue 'frame;
                    }
                    Op::ForPrep => {
                        let a = i.a();
                        self.frames[fi].pc = pc;
                        if self.for_prep(base!() + a)? {
                            pc += i.bx();
                        }
                        reload!();
                        charge!();
                    }
                    Op::ForLoop => {
                        let a = i.a();
                        debug_assert!(a + 3 < max_stack!());
                        // SAFETY: register invariant above; a..=a+3 are the loop's
                        // registers, all below max_stack.
                        let (pidx, pcount, pstep) = unsafe {
                            (&mut *regs.add(a), &mut *regs.add(a + 1), &*regs.add(a + 2))
                        };
                        match (pidx, pcount, pstep) {
                            (Value::Int(idx), Value::Int(count), Value::Int(step))
                                if *count > 0 =>
                            {
                                *count -= 1;
                                *idx = idx.wrapping_add(*step);
                                let v = *idx;
                                set_int!(a + 3, v);
                                pc -= i.bx();
                            }
                            (Value::Num(idx), Value::Num(limit), Value::Num(step)) => {
                                let next = *idx + *step;
                                let go = if *step > 0.0 {
                                    next <= *limit
                                } else {
                                    *limit <= next
                                };
                                if go {
                                    *idx = next;
                                    set_num!(a + 3, next);
                                    pc -= i.bx();
                                }
                            }
                            _ => {}
                        }
                        charge!();
                    }
                    Op::TForPrep => {
                        let a = i.a();
                        let slot = base!() + a + 3;
                        let v = self.stack[slot];
                        if v.is_truthy() {
                            if self.metamethod(v, Tm::Close).is_nil() {
                                self.frames[fi].pc = pc;
                                return Err(LuaError::rt(
                                    "variable '(for state)' got a non-closable value",
                                ));
                            }
                            self.tbc.push(slot);
                        }
                        pc += i.bx();
                        charge!();
                    }
                    Op::TForCall => {
                        let a = base!() + i.a();
                        self.stack.copy_within(a..a + 3, a + 4);
                        self.top = a + 7;
                        self.frames[fi].pc = pc;
                        if !matches!(self.stack[a + 4], Value::LuaFn(_) | Value::NatFn(_))
                            && self.metamethod(self.stack[a + 4], Tm::Call).is_nil()
                        {
                            return Err(LuaError::rt(format!(
                                "attempt to call a {} value (for iterator 'for iterator')",
                                self.type_name_of(self.stack[a + 4])
                            )));
                        }
                        // `ipairs`' and `next`'s iterators: no `precall`.
                        if let Some((nc, f)) = self.plain_native::<M>(self.stack[a + 4]) {
                            let pdepth = self.frames[fi].pdepth;
                            self.call_plain_native(nc, f, a + 4, 2, i.c() as i32, pdepth)?;
                        } else if self.precall(a + 4, 2, i.c() as i32)? {
                            continue 'frame;
                        }
                        reload!();
                    }
                    Op::TForLoop => {
                        let a = i.a();
                        let v = r!(a + 4);
                        if !v.is_nil() {
                            set!(a + 2, v);
                            pc -= i.bx();
                        }
                        charge!();
                    }
                    Op::SetList => {
                        let a = i.a();
                        let first = code[pc].ax_arg() as usize;
                        pc += 1;
                        let n = if i.b() == 0 {
                            self.top - (base!() + a) - 1
                        } else {
                            i.b()
                        };
                        if let Value::Table(t) = r!(a) {
                            let start = base!() + a + 1;
                            let before = crate::heap::HeapObject::size(t.get());
                            let vals = &self.stack[start..start + n];
                            t.get_mut().set_list(first, vals);
                            let after = crate::heap::HeapObject::size(t.get());
                            if after > before {
                                self.heap.account((after - before) as isize);
                                gc_point!();
                            }
                        }
                    }
                    Op::Closure => {
                        let child = pinst.children[i.bx()];
                        let descs = &child.get().proto.upvals;
                        let mut ups = Vec::with_capacity(descs.len());
                        for d in descs {
                            ups.push(if d.in_stack {
                                self.find_upval(base!() + d.idx as usize)
                            } else {
                                cl.upvals[d.idx as usize]
                            });
                        }
                        let c = self.heap.alloc(LuaClosure {
                            p: child,
                            upvals: ups.into_boxed_slice(),
                        });
                        reload!();
                        set!(i.a(), Value::LuaFn(c));
                        // The compiler puts closures in the top live register.
                        gc_point!(live base!() + i.a() + 1);
                    }
                    Op::VarArg => {
                        let a = i.a();
                        let nvar = self.frames[fi].nvarargs;
                        let src = base!() - nvar;
                        if i.c() == 0 {
                            self.frames[fi].pc = pc;
                            self.check_stack_outlined(base!() + a + nvar + 1)?;
                            self.stack.copy_within(src..src + nvar, base!() + a);
                            self.top = base!() + a + nvar;
                            reload!();
                        } else {
                            let want = i.c() - 1;
                            for j in 0..want {
                                set!(
                                    a + j,
                                    if j < nvar {
                                        self.stack[src + j]
                                    } else {
                                        Value::Nil
                                    }
                                );
                            }
                        }
                    }
                    Op::VarArgPrep => {}
                    Op::ExtraArg => {}
                }
            }
        }
    }

    /// Fails with lua5.4's "attempt to call" error unless the value at stack slot
    /// `func` is a function or has `__call` (CALL and TAILCALL, before `precall`).
    /// Only the tag test is inline; the rest is out of line.
    #[inline(always)]
    fn check_callable(&self, func: usize) -> Result<(), LuaError> {
        match self.stack[func] {
            Value::LuaFn(_) | Value::NatFn(_) => Ok(()),
            f => self.check_call_meta(f),
        }
    }

    /// [`check_callable`](Self::check_callable) for a value that is not a function:
    /// out of line, so the common case has no frame to set up.
    #[inline(never)]
    fn check_call_meta(&self, f: Value) -> Result<(), LuaError> {
        if !self.metamethod(f, Tm::Call).is_nil() {
            return Ok(());
        }
        let info = self.operand_info(0);
        Err(LuaError::rt(format!(
            "attempt to call a {} value{}",
            self.type_name_of(f),
            info
        )))
    }

    /// The function of a plain native call the interpreter makes itself (see
    /// [`call_plain_native`](Self::call_plain_native)): a library function (`Some`)
    /// or a host closure (`None`) that is not `pcall`, a coroutine switch or an async
    /// host function, with no hook to report to.
    #[inline(always)]
    fn plain_native<const M: u8>(
        &self,
        f: Value,
    ) -> Option<(
        Gc<crate::value::NativeClosure>,
        Option<crate::value::NativeFn>,
    )> {
        match f {
            Value::NatFn(nc) if M != METER_HOOK && !self.hook_active => match nc.kind {
                crate::value::NativeKind::Plain(f) => Some((nc, Some(f))),
                crate::value::NativeKind::Host => Some((nc, None)),
                _ => None,
            },
            _ => None,
        }
    }

    /// `t[key] = v` without metamethods when that is certainly right (a table whose
    /// metatable, if any, has no `__newindex`, or an existing key); false otherwise.
    #[inline(always)]
    fn store_fast(&mut self, t: &Value, key: &Value, v: &Value) -> Stored {
        let Value::Table(tb) = t else {
            return Stored::Declined;
        };
        let tbl = tb.get_mut();
        if let Some(mt) = tbl.meta {
            if tbl.get_ref(key).is_nil() && !mt.get().get_str(self.tm_name(Tm::NewIndex)).is_nil() {
                return Stored::Declined;
            }
        }
        match key {
            Value::Nil => Stored::Declined,
            Value::Num(f) if f.is_nan() => Stored::Declined,
            _ => {
                let grown = tbl.set(*key, *v);
                if grown > 0 {
                    self.heap.account(grown as isize);
                    return Stored::Grew;
                }
                Stored::Done
            }
        }
    }

    /// A global assignment (`_ENV.name = v`): into an existing field through the
    /// instruction's cache, as SETFIELD does, else as [`store_fast`](Self::store_fast).
    /// Out of line, so that the interpreter loop keeps its registers.
    #[inline(never)]
    fn store_global(&mut self, t: Value, key: Value, v: Value, cache: &Cell<u32>) -> Stored {
        if let (Value::Table(tb), Value::Str(name)) = (t, key) {
            let tbl = tb.get_mut();
            let plain = tbl.meta.is_none();
            if let Some(slot) = tbl.get_str_cached_mut(name, cache) {
                if plain || !slot.is_nil() {
                    *slot = v;
                    return Stored::Done;
                }
            }
        }
        self.store_fast(&t, &key, &v)
    }

    /// The slow path of the store instructions, after [`store_fast`](Self::store_fast)
    /// declined: `__newindex` chains and key errors. Returns true when a Lua
    /// `__newindex` handler was started as a frame.
    fn store(
        &mut self,
        t: Value,
        key: Value,
        v: Value,
        fi: usize,
        pc: usize,
        top: usize,
    ) -> Result<bool, LuaError> {
        self.frames[fi].pc = pc;
        self.top = top;
        let m = self.set_index_prep(t, key, v)?;
        let started = self.run_meta(m, Cont::Discard)?.is_none();
        if !started && self.heap.should_collect() {
            self.gc_poll(top)?;
        }
        Ok(started)
    }

    /// Prepares a numeric for loop at `ra`; returns true if the loop must be skipped.
    fn for_prep(&mut self, ra: usize) -> Result<bool, LuaError> {
        let (init, limit, step) = (self.stack[ra], self.stack[ra + 1], self.stack[ra + 2]);
        let for_err = |vm: &Vm, what: &str, v: Value| {
            LuaError::rt(format!(
                "bad 'for' {what} (number expected, got {})",
                vm.type_name_of(v)
            ))
        };
        // Strings are converted (lua5.4 uses its number coercion here).
        let limit = match limit {
            Value::Str(_) => self.to_number_coerce(limit).unwrap_or(limit),
            _ => limit,
        };
        if let (Value::Int(i0), Value::Int(st)) = (init, step) {
            if st == 0 {
                return Err(LuaError::rt("'for' step is zero"));
            }
            let lim = match limit {
                Value::Int(l) => l,
                Value::Num(f) => {
                    if f.is_nan() {
                        return Ok(true);
                    }
                    if st > 0 {
                        let fl = libm::floor(f);
                        if fl >= TWO63 {
                            i64::MAX
                        } else if fl < -TWO63 {
                            return Ok(true);
                        } else {
                            fl as i64
                        }
                    } else {
                        let cl = libm::ceil(f);
                        if cl < -TWO63 {
                            i64::MIN
                        } else if cl >= TWO63 {
                            return Ok(true);
                        } else {
                            cl as i64
                        }
                    }
                }
                _ => return Err(for_err(self, "limit", limit)),
            };
            if (st > 0 && i0 > lim) || (st < 0 && i0 < lim) {
                return Ok(true);
            }
            // Iteration count, computed in unsigned arithmetic so it cannot overflow.
            let count = if st > 0 {
                (lim as u64).wrapping_sub(i0 as u64) / st as u64
            } else {
                (i0 as u64).wrapping_sub(lim as u64) / ((-(st + 1)) as u64 + 1)
            };
            self.stack[ra + 1] = Value::Int(count as i64);
            self.stack[ra + 3] = Value::Int(i0);
            // Counts above i64::MAX would look negative: clamp keeps the loop finite
            // and correct since such loops cannot complete anyway.
            if (count as i64) < 0 {
                self.stack[ra + 1] = Value::Int(i64::MAX);
            }
            return Ok(false);
        }
        let to_f = |vm: &Vm, v: Value| match vm.to_number_coerce(v) {
            Some(Value::Int(i)) => Some(i as f64),
            Some(Value::Num(f)) => Some(f),
            _ => None,
        };
        let Some(l) = to_f(self, limit) else {
            return Err(for_err(self, "limit", limit));
        };
        let Some(s) = to_f(self, step) else {
            return Err(for_err(self, "step", step));
        };
        let Some(i0) = to_f(self, init) else {
            return Err(for_err(self, "initial value", init));
        };
        if s == 0.0 {
            return Err(LuaError::rt("'for' step is zero"));
        }
        // NaN bounds skip the loop, hence the explicit `partial_cmp`-free checks.
        let runs = if s > 0.0 { i0 <= l } else { l <= i0 };
        if !runs {
            return Ok(true);
        }
        self.stack[ra] = Value::Num(i0);
        self.stack[ra + 1] = Value::Num(l);
        self.stack[ra + 2] = Value::Num(s);
        self.stack[ra + 3] = Value::Num(i0);
        Ok(false)
    }
}
