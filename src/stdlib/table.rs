//! The `table` library (manual §6.6).
//!
//! As in lua5.4, elements are read and written with `__index`/`__newindex`
//! and lengths taken with `__len`; tables without a metatable take a direct
//! path. Values held across calls back into Lua are kept on the VM stack so a
//! collection cannot free them.
//!
//! Costs: elements moved (`insert`, `remove`, `move`), stored (`pack`) or
//! returned (`unpack`) are charged before they move; `concat` charges the
//! elements it reads and the bytes it joins as it goes; `sort` charges each
//! comparison (and the bytes of long strings it compares).

use super::args::{arg_error, Args};
use super::{compare_bytes, Work};
use crate::value::Value;
use crate::vm::{LuaError, Tm, Vm, MAX_STACK};

/// Registers the library.
pub fn open(vm: &mut Vm) {
    super::register_lib(
        vm,
        "table",
        &[
            ("concat", concat),
            ("insert", insert),
            ("move", move_),
            ("pack", pack),
            ("remove", remove),
            ("sort", sort),
            ("unpack", unpack),
        ],
    );
}

/// Access the argument must support when it is not a table (lua5.4's `checktab`).
const TAB_R: u8 = 1;
const TAB_W: u8 = 2;
const TAB_L: u8 = 4;

/// Checks that argument `i` is a table, or has the metamethods for `what`.
fn check_tab(vm: &Vm, a: &Args, i: usize, what: u8) -> Result<(), LuaError> {
    let v = a.get(vm, i);
    if matches!(v, Value::Table(_)) {
        return Ok(());
    }
    if let Some(mt) = vm.metatable(v) {
        let has = |tm: Tm| !mt.get().get_str(vm.tm_name(tm)).is_nil();
        if (what & TAB_R == 0 || has(Tm::Index))
            && (what & TAB_W == 0 || has(Tm::NewIndex))
            && (what & TAB_L == 0 || has(Tm::Len))
        {
            return Ok(());
        }
    }
    Err(a.expected(vm, i, "table"))
}

/// `luaL_len`: the length with `__len`, which must be an integer.
fn length(vm: &mut Vm, v: Value) -> Result<i64, LuaError> {
    if let Value::Table(t) = v {
        if t.meta.is_none() {
            return Ok(t.len() as i64);
        }
    }
    let r = vm.len(v)?;
    let r = match r {
        Value::Str(_) => vm.to_number_coerce(r).unwrap_or(Value::Nil),
        _ => r,
    };
    crate::vm::arith::to_int_exact(r)
        .ok_or_else(|| LuaError::msg("object length is not an integer"))
}

/// `checktab` followed by `luaL_len` (lua5.4's `aux_getn`).
fn aux_getn(vm: &mut Vm, a: &Args, i: usize, what: u8) -> Result<i64, LuaError> {
    check_tab(vm, a, i, what | TAB_L)?;
    let t = a.get(vm, i);
    length(vm, t)
}

/// `t[i]` with `__index` (`lua_geti`).
#[inline]
fn geti(vm: &mut Vm, t: Value, i: i64) -> Result<Value, LuaError> {
    if let Value::Table(tb) = t {
        if tb.meta.is_none() {
            return Ok(tb.get().get_int(i));
        }
    }
    vm.index(t, Value::Int(i))
}

/// `t[i] = v` with `__newindex` (`lua_seti`).
#[inline]
fn seti(vm: &mut Vm, t: Value, i: i64, v: Value) -> Result<(), LuaError> {
    if let Value::Table(tb) = t {
        if tb.meta.is_none() {
            let grown = tb.get_mut().set_int(i, v);
            if grown > 0 {
                vm.heap.account(grown as isize);
            }
            return Ok(());
        }
    }
    vm.set_index(t, Value::Int(i), v)
}

/// The table argument when it is a plain table (no metatable).
fn plain(v: Value) -> Option<crate::heap::Gc<crate::value::Table>> {
    match v {
        Value::Table(t) if t.meta.is_none() => Some(t),
        _ => None,
    }
}

fn insert(vm: &mut Vm, base: usize, n: usize) -> Result<usize, LuaError> {
    let a = Args::new(base, n, "insert");
    let e = aux_getn(vm, &a, 1, TAB_R | TAB_W)?.wrapping_add(1); // first empty slot
    let t = a.get(vm, 1);
    let pos = match n {
        2 => e,
        3 => {
            let pos = a.check_int(vm, 2)?;
            // pos must be in [1, e]
            if (pos as u64).wrapping_sub(1) >= e as u64 {
                return Err(arg_error("insert", 2, "position out of bounds"));
            }
            // Elements `pos..e-1` move up one slot.
            vm.charge_elements((e as u64).wrapping_sub(pos as u64) as usize)?;
            match plain(t) {
                Some(tb) if pos < e && tb.len() as i64 == e - 1 => {
                    // Shift the array part in one go; the last element is re-set
                    // through `set_int` so the table's invariants are kept.
                    let v = a.get(vm, 3);
                    let last = {
                        let arr = tb.get_mut().array_mut();
                        let len = arr.len();
                        let last = arr[len - 1];
                        let p = pos as usize - 1;
                        arr.copy_within(p..len - 1, p + 1);
                        arr[p] = v;
                        last
                    };
                    seti(vm, t, e, last)?;
                    return Ok(0);
                }
                _ => {}
            }
            let mut i = e;
            while i > pos {
                let v = geti(vm, t, i - 1)?;
                seti(vm, t, i, v)?;
                i -= 1;
            }
            pos
        }
        _ => return Err(LuaError::msg("wrong number of arguments to 'insert'")),
    };
    let v = a.get(vm, n);
    seti(vm, t, pos, v)?;
    Ok(0)
}

fn remove(vm: &mut Vm, base: usize, n: usize) -> Result<usize, LuaError> {
    let a = Args::new(base, n, "remove");
    let size = aux_getn(vm, &a, 1, TAB_R | TAB_W)?;
    let t = a.get(vm, 1);
    let mut pos = a.opt_int(vm, 2, size)?;
    // pos must be in [1, size + 1] when given explicitly
    if pos != size && (pos as u64).wrapping_sub(1) > size as u64 {
        return Err(arg_error("remove", 1, "position out of bounds"));
    }
    // Elements `pos+1..size` move down one slot.
    if pos < size {
        vm.charge_elements((size as u64).wrapping_sub(pos as u64) as usize)?;
    }
    let v = geti(vm, t, pos)?;
    vm.push(v); // the result, rooted while elements move
    if let Some(tb) = plain(t) {
        if pos >= 1 && pos < size && tb.len() as i64 == size {
            let arr = tb.get_mut().array_mut();
            arr.copy_within(pos as usize..size as usize, pos as usize - 1);
            pos = size;
        }
    }
    while pos < size {
        let x = geti(vm, t, pos + 1)?;
        seti(vm, t, pos, x)?;
        pos += 1;
    }
    seti(vm, t, pos, Value::Nil)?;
    Ok(1)
}

fn move_(vm: &mut Vm, base: usize, n: usize) -> Result<usize, LuaError> {
    let a = Args::new(base, n, "move");
    let f = a.check_int(vm, 2)?;
    let e = a.check_int(vm, 3)?;
    let t = a.check_int(vm, 4)?;
    let tt = if a.get(vm, 5).is_nil() { 1 } else { 5 };
    check_tab(vm, &a, 1, TAB_R)?;
    check_tab(vm, &a, tt, TAB_W)?;
    let src = a.get(vm, 1);
    let dst = a.get(vm, tt);
    if e >= f {
        if !(f > 0 || e < i64::MAX + f) {
            return Err(arg_error("move", 3, "too many elements to move"));
        }
        let cnt = e - f + 1;
        if t > i64::MAX - cnt + 1 {
            return Err(arg_error("move", 4, "destination wrap around"));
        }
        // A plain destination grows by the slots past its border (at most);
        // then every element moved is charged.
        if let Some(d) = plain(dst) {
            let border = d.len() as i64;
            let last = t + (cnt - 1);
            let new = last.saturating_sub(border.max(t.saturating_sub(1))).max(0) as u64;
            let bytes = new.saturating_mul(std::mem::size_of::<Value>() as u64);
            vm.check_alloc(usize::try_from(bytes).unwrap_or(usize::MAX))?;
        }
        vm.charge_elements(cnt as u64 as usize)?;
        let forward = t > e || t <= f || (tt != 1 && !vm.equals(src, dst)?);
        if forward {
            for i in 0..cnt {
                let v = geti(vm, src, f + i)?;
                seti(vm, dst, t + i, v)?;
            }
        } else {
            for i in (0..cnt).rev() {
                let v = geti(vm, src, f + i)?;
                seti(vm, dst, t + i, v)?;
            }
        }
    }
    vm.push(dst);
    Ok(1)
}

fn concat(vm: &mut Vm, base: usize, n: usize) -> Result<usize, LuaError> {
    let a = Args::new(base, n, "concat");
    let last = aux_getn(vm, &a, 1, TAB_R)?;
    let sep = if a.get(vm, 2).is_nil() {
        None
    } else {
        Some(super::string::check_str_rooted(vm, &a, 2)?)
    };
    let sep: &[u8] = sep.as_ref().map_or(b"", |s| s.as_bytes());
    let mut i = a.opt_int(vm, 3, 1)?;
    let last = a.opt_int(vm, 4, last)?;
    let t = a.get(vm, 1);
    let overflow = |vm: &Vm| {
        LuaError::msg(format!(
            "string length overflow (limit is {} bytes)",
            vm.max_string
        ))
    };
    // The size shows element by element: each piece is checked against the
    // string cap and the memory quota, and charged, before it is appended.
    let mut work = Work::default();
    let mut buf = Vec::new();
    while i <= last {
        work.elements(vm, 1)?;
        let v = geti(vm, t, i)?;
        let len = match v {
            Value::Str(s) => s.len(),
            Value::Int(_) | Value::Num(_) => 0, // at most 24 bytes: checked once written
            _ => {
                return Err(LuaError::msg(format!(
                    "invalid value ({}) at index {} in table for 'concat'",
                    v.type_name(),
                    i
                )))
            }
        };
        let add = if i == last { len } else { len + sep.len() };
        let total = buf.len().saturating_add(add);
        if total > vm.max_string {
            return Err(overflow(vm));
        }
        work.grow(vm, add, total)?;
        let before = buf.len();
        vm.append_strnum(&mut buf, v);
        if len == 0 && buf.len() > before {
            work.bytes(vm, buf.len() - before)?;
            if buf.len() > vm.max_string {
                return Err(overflow(vm));
            }
        }
        if i == last {
            break;
        }
        buf.extend_from_slice(sep);
        i += 1;
    }
    work.finish(vm)?;
    let v = vm.new_str_vec(buf);
    vm.push(v);
    Ok(1)
}

fn pack(vm: &mut Vm, base: usize, n: usize) -> Result<usize, LuaError> {
    vm.check_alloc(n.saturating_mul(std::mem::size_of::<Value>()))?;
    vm.charge_elements(n)?;
    let t = vm.new_table(n, 1);
    let mut grown = 0;
    {
        let tb = t.get_mut();
        for i in 0..n {
            grown += tb.set_int(i as i64 + 1, vm.stack[base + i]);
        }
    }
    let k = vm.new_str(b"n");
    grown += t.get_mut().set(k, Value::Int(n as i64));
    vm.heap.account(grown as isize);
    vm.push(Value::Table(t));
    Ok(1)
}

fn unpack(vm: &mut Vm, base: usize, n: usize) -> Result<usize, LuaError> {
    let a = Args::new(base, n, "unpack");
    let t = a.get(vm, 1);
    let i = a.opt_int(vm, 2, 1)?;
    let e = if a.get(vm, 3).is_nil() {
        length(vm, t)?
    } else {
        a.check_int(vm, 3)?
    };
    if i > e {
        return Ok(0);
    }
    let cnt = (e as u64).wrapping_sub(i as u64);
    if cnt >= i32::MAX as u64 || vm.top as u64 + cnt + 1 >= MAX_STACK as u64 {
        return Err(LuaError::msg("too many results to unpack"));
    }
    let cnt = cnt as usize + 1;
    vm.charge_results(cnt)?;
    if let Some(tb) = plain(t) {
        let tb = tb.get();
        for k in 0..cnt {
            vm.push(tb.get_int(i.wrapping_add(k as i64)));
        }
    } else {
        for k in 0..cnt {
            let v = geti(vm, t, i.wrapping_add(k as i64))?;
            vm.push(v);
        }
    }
    Ok(cnt)
}

// ---------------------------------------------------------------------------
// Sorting

/// Subarrays at least this long may use a randomized pivot.
const RANLIMIT: i64 = 100;

/// Registers of the sorting algorithm: the pivot and two scratch values.
const RP: usize = 0;
const RA: usize = 1;
const RB: usize = 2;

/// What the sorting algorithm needs from an array: moving elements between
/// positions (1-based) and three registers, and comparing registers.
trait SortAccess {
    fn load(&mut self, reg: usize, i: i64) -> Result<(), LuaError>;
    fn store(&mut self, i: i64, reg: usize) -> Result<(), LuaError>;
    fn less(&mut self, r1: usize, r2: usize) -> Result<bool, LuaError>;
}

fn order_error() -> LuaError {
    LuaError::msg("invalid order function for sorting")
}

/// Quicksort with median-of-three pivots, recursing into the smaller half,
/// with the same element moves and comparisons as lua5.4, so the order of
/// equivalent elements and the detection of invalid order functions match.
fn auxsort<S: SortAccess>(
    s: &mut S,
    mut lo: i64,
    mut up: i64,
    mut rnd: u64,
) -> Result<(), LuaError> {
    while lo < up {
        // a[lo] <= a[up]
        s.load(RA, lo)?;
        s.load(RB, up)?;
        if s.less(RB, RA)? {
            s.store(lo, RB)?;
            s.store(up, RA)?;
        }
        if up - lo == 1 {
            break;
        }
        let mut p = if up - lo < RANLIMIT || rnd == 0 {
            (lo + up) / 2
        } else {
            let r4 = ((up - lo) / 4) as u64;
            (rnd % (r4 * 2)) as i64 + lo + r4 as i64
        };
        // a[lo] <= a[p] <= a[up]
        s.load(RA, p)?;
        s.load(RB, lo)?;
        if s.less(RA, RB)? {
            s.store(p, RB)?;
            s.store(lo, RA)?;
        } else {
            s.load(RB, up)?;
            if s.less(RB, RA)? {
                s.store(p, RB)?;
                s.store(up, RA)?;
            }
        }
        if up - lo == 2 {
            break;
        }
        // The pivot goes to a[up - 1].
        s.load(RP, p)?;
        s.load(RA, up - 1)?;
        s.store(p, RA)?;
        s.store(up - 1, RP)?;
        p = partition(s, lo, up)?;
        let smaller;
        if p - lo < up - p {
            auxsort(s, lo, p - 1, rnd)?;
            smaller = p - lo;
            lo = p + 1;
        } else {
            auxsort(s, p + 1, up, rnd)?;
            smaller = up - p;
            up = p - 1;
        }
        if (up - lo) / 128 > smaller {
            // Badly unbalanced: pick pivots off-centre from now on. lua5.4 uses
            // the clock here; a fixed mix of the bounds keeps runs reproducible.
            rnd = ((lo as u64) ^ (up as u64).rotate_left(32)).wrapping_mul(0x9E37_79B9_7F4A_7C15)
                >> 16
                | 1;
        }
    }
    Ok(())
}

/// Partitions `a[lo..=up]` around the pivot in register `RP` (also stored at
/// `a[up - 1]`); returns the pivot's final position. Indices never leave
/// `lo..=up`: a comparator that is not a strict order is reported instead.
fn partition<S: SortAccess>(s: &mut S, lo: i64, up: i64) -> Result<i64, LuaError> {
    let mut i = lo;
    let mut j = up - 1;
    loop {
        loop {
            i += 1;
            s.load(RA, i)?;
            if !s.less(RA, RP)? {
                break;
            }
            if i == up - 1 {
                return Err(order_error());
            }
        }
        loop {
            j -= 1;
            s.load(RB, j)?;
            if !s.less(RP, RB)? {
                break;
            }
            if j < i {
                return Err(order_error());
            }
        }
        if j < i {
            s.store(up - 1, RA)?;
            s.store(i, RP)?;
            return Ok(i);
        }
        s.store(i, RB)?;
        s.store(j, RA)?;
    }
}

/// Sorting a copy of the array part of a plain table whose elements are all
/// numbers or all strings: comparisons cannot call back into Lua.
struct VecSort<'a> {
    v: Vec<Value>,
    regs: [Value; 3],
    vm: &'a mut Vm,
    work: Work,
}

impl VecSort<'_> {
    fn slot(&self, i: i64) -> Result<usize, LuaError> {
        let k = (i as u64).wrapping_sub(1);
        if k < self.v.len() as u64 {
            Ok(k as usize)
        } else {
            Err(order_error())
        }
    }
}

impl SortAccess for VecSort<'_> {
    fn load(&mut self, reg: usize, i: i64) -> Result<(), LuaError> {
        let k = self.slot(i)?;
        self.regs[reg] = self.v[k];
        Ok(())
    }

    fn store(&mut self, i: i64, reg: usize) -> Result<(), LuaError> {
        let k = self.slot(i)?;
        self.v[k] = self.regs[reg];
        Ok(())
    }

    fn less(&mut self, r1: usize, r2: usize) -> Result<bool, LuaError> {
        let (a, b) = (self.regs[r1], self.regs[r2]);
        self.work.compares(self.vm, 1)?;
        if let Value::Str(_) = a {
            self.work.bytes(self.vm, compare_bytes(a, b))?;
        }
        Ok(match (a, b) {
            (Value::Str(x), Value::Str(y)) => x.as_bytes() < y.as_bytes(),
            _ => crate::vm::arith::num_lt(a, b).unwrap_or(false),
        })
    }
}

/// Sorting through the VM: elements are moved with `lua_geti`/`lua_seti`
/// semantics and the registers are stack slots, so they stay rooted while the
/// order function runs.
struct VmSort<'a> {
    vm: &'a mut Vm,
    t: Value,
    cmp: Value,
    regs: usize,
    work: Work,
}

impl SortAccess for VmSort<'_> {
    fn load(&mut self, reg: usize, i: i64) -> Result<(), LuaError> {
        let v = geti(self.vm, self.t, i)?;
        self.vm.stack[self.regs + reg] = v;
        Ok(())
    }

    fn store(&mut self, i: i64, reg: usize) -> Result<(), LuaError> {
        let v = self.vm.stack[self.regs + reg];
        seti(self.vm, self.t, i, v)
    }

    fn less(&mut self, r1: usize, r2: usize) -> Result<bool, LuaError> {
        let (a, b) = (self.vm.stack[self.regs + r1], self.vm.stack[self.regs + r2]);
        self.work.compares(self.vm, 1)?;
        if self.cmp.is_nil() {
            self.work.bytes(self.vm, compare_bytes(a, b))?;
            self.vm.less(a, b, false)
        } else {
            Ok(self.vm.call1(self.cmp, &[a, b])?.is_truthy())
        }
    }
}

fn sort(vm: &mut Vm, base: usize, n: usize) -> Result<usize, LuaError> {
    let a = Args::new(base, n, "sort");
    let len = aux_getn(vm, &a, 1, TAB_R | TAB_W)?;
    if len <= 1 {
        return Ok(0);
    }
    if len >= i32::MAX as i64 {
        return Err(arg_error("sort", 1, "array too big"));
    }
    let cmp = a.get(vm, 2);
    if !matches!(cmp, Value::Nil | Value::LuaFn(_) | Value::NatFn(_)) {
        return Err(a.expected(vm, 2, "function"));
    }
    let t = a.get(vm, 1);
    if let (Some(tb), true) = (plain(t), cmp.is_nil()) {
        let arr = tb.get().array();
        let all_num = arr
            .iter()
            .all(|v| matches!(v, Value::Int(_) | Value::Num(_)));
        let all_str = !all_num && arr.iter().all(|v| matches!(v, Value::Str(_)));
        if arr.len() as i64 == len && (all_num || all_str) {
            let mut s = VecSort {
                v: arr.to_vec(),
                regs: [Value::Nil; 3],
                vm,
                work: Work::default(),
            };
            let r = auxsort(&mut s, 1, len, 0).and_then(|_| s.work.finish(s.vm));
            // Written back even after an error, as lua5.4 sorts in place.
            tb.get_mut().array_mut().copy_from_slice(&s.v);
            return r.map(|_| 0);
        }
    }
    let regs = vm.top;
    for _ in 0..3 {
        vm.push(Value::Nil);
    }
    let mut s = VmSort {
        vm,
        t,
        cmp,
        regs,
        work: Work::default(),
    };
    auxsort(&mut s, 1, len, 0)?;
    s.work.finish(s.vm)?;
    Ok(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sorted(v: &[i64]) -> Result<Vec<i64>, LuaError> {
        let mut vm = Vm::new();
        let mut s = VecSort {
            v: v.iter().map(|&i| Value::Int(i)).collect(),
            regs: [Value::Nil; 3],
            vm: &mut vm,
            work: Work::default(),
        };
        auxsort(&mut s, 1, v.len() as i64, 0)?;
        Ok(s.v
            .iter()
            .map(|v| match v {
                Value::Int(i) => *i,
                _ => unreachable!(),
            })
            .collect())
    }

    #[test]
    fn sorts_integers() {
        let mut x: u64 = 12345;
        let v: Vec<i64> = (0..1000)
            .map(|_| {
                x = x
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                (x >> 40) as i64 % 50
            })
            .collect();
        let mut expect = v.clone();
        expect.sort();
        assert_eq!(sorted(&v).unwrap(), expect);
        assert_eq!(sorted(&[3, 2, 1]).unwrap(), vec![1, 2, 3]);
        assert_eq!(sorted(&[2, 1]).unwrap(), vec![1, 2]);
        let desc: Vec<i64> = (0..500).rev().collect();
        assert_eq!(sorted(&desc).unwrap(), (0..500).collect::<Vec<_>>());
    }

    #[test]
    fn inconsistent_order_is_an_error_not_a_panic() {
        // NaN makes `<` inconsistent.
        let mut vm = Vm::new();
        let mut s = VecSort {
            vm: &mut vm,
            work: Work::default(),
            v: vec![
                Value::Num(f64::NAN),
                Value::Num(1.0),
                Value::Num(f64::NAN),
                Value::Num(0.0),
                Value::Num(2.0),
                Value::Num(f64::NAN),
            ],
            regs: [Value::Nil; 3],
        };
        let _ = auxsort(&mut s, 1, 6, 0);
    }
}
