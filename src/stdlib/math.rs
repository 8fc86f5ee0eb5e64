//! The `math` library (manual §6.7).
//!
//! Transcendental functions use `libm` so results do not depend on the host's
//! C library; `pow` is [`crpow::pow`], correctly rounded (libm's is not). `math.random` is lua5.4's xoshiro256** generator; its state is the
//! State's (`Vm::rng`), so the functions themselves can be shared.
//!
//! Determinism: lua5.4 seeds the generator from the clock at startup and on
//! `math.randomseed()`. Here both use the fixed seed `(0, 0)`, so a fresh State
//! produces the same sequence as lua5.4 after `math.randomseed(0)`.

use super::args::{arg_error, Args};
use super::random::{RandomError, RandomValue, Xoshiro};
use crate::value::Value;
use crate::vm::arith::float_to_int;
use crate::vm::{LuaError, Vm};

/// Seed used at startup and by `math.randomseed()` without arguments.
pub const DEFAULT_SEED: (i64, i64) = (0, 0);

/// Registers the library.
pub fn open(vm: &mut Vm) {
    let lib = super::register_lib(
        vm,
        "math",
        &[
            ("abs", abs),
            ("acos", acos),
            ("asin", asin),
            ("atan", atan),
            ("atan2", atan),
            ("ceil", ceil),
            ("cos", cos),
            ("cosh", cosh),
            ("deg", deg),
            ("exp", exp),
            ("floor", floor),
            ("fmod", fmod),
            ("frexp", frexp),
            ("ldexp", ldexp),
            ("log", log),
            ("log10", log10),
            ("max", max),
            ("min", min),
            ("modf", modf),
            ("pow", pow),
            ("rad", rad),
            ("sin", sin),
            ("sinh", sinh),
            ("sqrt", sqrt),
            ("tan", tan),
            ("tanh", tanh),
            ("tointeger", tointeger),
            ("type", type_),
            ("ult", ult),
        ],
    );
    let Value::Table(t) = lib else { unreachable!() };
    let fields: Vec<(&str, Value)> = vec![
        ("pi", Value::Num(std::f64::consts::PI)),
        ("huge", Value::Num(f64::INFINITY)),
        ("maxinteger", Value::Int(i64::MAX)),
        ("mininteger", Value::Int(i64::MIN)),
        ("random", vm.new_native("random", random)),
        ("randomseed", vm.new_native("randomseed", randomseed)),
    ];
    for (name, v) in fields {
        let k = vm.new_str(name.as_bytes());
        let grown = t.get_mut().set(k, v);
        vm.heap.account(grown as isize);
    }
}

/// An integral float as an integer when it fits (lua5.4's `pushnumint`).
fn num_int(f: f64) -> Value {
    match float_to_int(f) {
        Some(i) => Value::Int(i),
        None => Value::Num(f),
    }
}

fn push1(vm: &mut Vm, v: Value) -> Result<usize, LuaError> {
    vm.push(v);
    Ok(1)
}

/// Defines a native computing a float from one float argument.
macro_rules! float_fn {
    ($name:ident, $lua:literal, $f:expr) => {
        fn $name(vm: &mut Vm, base: usize, n: usize) -> Result<usize, LuaError> {
            let x = Args::new(base, n, $lua).check_f64(vm, 1)?;
            let f: fn(f64) -> f64 = $f;
            push1(vm, Value::Num(f(x)))
        }
    };
}

float_fn!(sin, "sin", libm::sin);
float_fn!(cos, "cos", libm::cos);
float_fn!(tan, "tan", libm::tan);
float_fn!(asin, "asin", libm::asin);
float_fn!(acos, "acos", libm::acos);
float_fn!(exp, "exp", libm::exp);
float_fn!(sqrt, "sqrt", libm::sqrt);
// lua5.4's LUA_COMPAT_MATHLIB functions, present in the reference build.
float_fn!(cosh, "cosh", libm::cosh);
float_fn!(sinh, "sinh", libm::sinh);
float_fn!(tanh, "tanh", libm::tanh);
float_fn!(log10, "log10", libm::log10);
float_fn!(deg, "deg", |x| x * (180.0 / std::f64::consts::PI));
float_fn!(rad, "rad", |x| x * (std::f64::consts::PI / 180.0));

fn atan(vm: &mut Vm, base: usize, n: usize) -> Result<usize, LuaError> {
    let a = Args::new(base, n, "atan");
    let y = a.check_f64(vm, 1)?;
    let x = if a.get(vm, 2).is_nil() {
        1.0
    } else {
        a.check_f64(vm, 2)?
    };
    push1(vm, Value::Num(libm::atan2(y, x)))
}

fn pow(vm: &mut Vm, base: usize, n: usize) -> Result<usize, LuaError> {
    let a = Args::new(base, n, "pow");
    let x = a.check_f64(vm, 1)?;
    let y = a.check_f64(vm, 2)?;
    push1(vm, Value::Num(crpow::pow(x, y)))
}

fn frexp(vm: &mut Vm, base: usize, n: usize) -> Result<usize, LuaError> {
    let x = Args::new(base, n, "frexp").check_f64(vm, 1)?;
    let (m, e) = libm::frexp(x);
    vm.push(Value::Num(m));
    vm.push(Value::Int(e as i64));
    Ok(2)
}

fn ldexp(vm: &mut Vm, base: usize, n: usize) -> Result<usize, LuaError> {
    let a = Args::new(base, n, "ldexp");
    let x = a.check_f64(vm, 1)?;
    let e = a.check_int(vm, 2)? as i32; // C's (int) conversion
    push1(vm, Value::Num(libm::ldexp(x, e)))
}

fn log(vm: &mut Vm, base: usize, n: usize) -> Result<usize, LuaError> {
    let a = Args::new(base, n, "log");
    let x = a.check_f64(vm, 1)?;
    let r = if a.get(vm, 2).is_nil() {
        libm::log(x)
    } else {
        let b = a.check_f64(vm, 2)?;
        if b == 2.0 {
            libm::log2(x)
        } else if b == 10.0 {
            libm::log10(x)
        } else {
            libm::log(x) / libm::log(b)
        }
    };
    push1(vm, Value::Num(r))
}

fn abs(vm: &mut Vm, base: usize, n: usize) -> Result<usize, LuaError> {
    let a = Args::new(base, n, "abs");
    let v = match a.get(vm, 1) {
        Value::Int(i) => Value::Int(i.wrapping_abs()),
        _ => Value::Num(a.check_f64(vm, 1)?.abs()),
    };
    push1(vm, v)
}

fn round_fn(
    vm: &mut Vm,
    base: usize,
    n: usize,
    name: &'static str,
    f: fn(f64) -> f64,
) -> Result<usize, LuaError> {
    let a = Args::new(base, n, name);
    let v = match a.get(vm, 1) {
        Value::Int(i) => Value::Int(i),
        _ => num_int(f(a.check_f64(vm, 1)?)),
    };
    push1(vm, v)
}

fn floor(vm: &mut Vm, base: usize, n: usize) -> Result<usize, LuaError> {
    round_fn(vm, base, n, "floor", libm::floor)
}

fn ceil(vm: &mut Vm, base: usize, n: usize) -> Result<usize, LuaError> {
    round_fn(vm, base, n, "ceil", libm::ceil)
}

fn fmod(vm: &mut Vm, base: usize, n: usize) -> Result<usize, LuaError> {
    let a = Args::new(base, n, "fmod");
    let v = match (a.get(vm, 1), a.get(vm, 2)) {
        (Value::Int(x), Value::Int(d)) => {
            if d == 0 {
                return Err(arg_error("fmod", 2, "zero"));
            }
            // d == -1 would overflow for mininteger; the result is 0 anyway.
            Value::Int(if d == -1 { 0 } else { x % d })
        }
        _ => {
            let x = a.check_f64(vm, 1)?;
            let d = a.check_f64(vm, 2)?;
            Value::Num(libm::fmod(x, d))
        }
    };
    push1(vm, v)
}

fn modf(vm: &mut Vm, base: usize, n: usize) -> Result<usize, LuaError> {
    let a = Args::new(base, n, "modf");
    if let Value::Int(i) = a.get(vm, 1) {
        vm.push(Value::Int(i));
        vm.push(Value::Num(0.0));
        return Ok(2);
    }
    let x = a.check_f64(vm, 1)?;
    let ip = if x < 0.0 {
        libm::ceil(x)
    } else {
        libm::floor(x)
    };
    vm.push(num_int(ip));
    vm.push(Value::Num(if x == ip { 0.0 } else { x - ip }));
    Ok(2)
}

fn tointeger(vm: &mut Vm, base: usize, n: usize) -> Result<usize, LuaError> {
    let a = Args::new(base, n, "tointeger");
    let v = a.check_any(vm, 1)?;
    let v = match v {
        Value::Str(_) => vm.to_number_coerce(v).unwrap_or(Value::Nil),
        _ => v,
    };
    let r = match v {
        Value::Int(i) => Value::Int(i),
        Value::Num(f) => float_to_int(f).map_or(Value::Nil, Value::Int),
        _ => Value::Nil,
    };
    push1(vm, r)
}

fn type_(vm: &mut Vm, base: usize, n: usize) -> Result<usize, LuaError> {
    let a = Args::new(base, n, "type");
    let r = match a.check_any(vm, 1)? {
        Value::Int(_) => vm.new_str(b"integer"),
        Value::Num(_) => vm.new_str(b"float"),
        _ => Value::Nil,
    };
    push1(vm, r)
}

fn ult(vm: &mut Vm, base: usize, n: usize) -> Result<usize, LuaError> {
    let a = Args::new(base, n, "ult");
    let x = a.check_int(vm, 1)?;
    let y = a.check_int(vm, 2)?;
    push1(vm, Value::Bool((x as u64) < (y as u64)))
}

fn minmax(vm: &mut Vm, base: usize, n: usize, is_max: bool) -> Result<usize, LuaError> {
    let name = if is_max { "max" } else { "min" };
    if n == 0 {
        return Err(arg_error(name, 1, "value expected"));
    }
    // One comparison per argument (and the bytes of long strings compared).
    let mut work = super::Work::default();
    let mut best = base;
    for i in base + 1..base + n {
        let (cur, cand) = (vm.stack[best], vm.stack[i]);
        work.compares(vm, 1)?;
        work.bytes(vm, super::compare_bytes(cur, cand))?;
        let better = if is_max {
            vm.less(cur, cand, false)?
        } else {
            vm.less(cand, cur, false)?
        };
        if better {
            best = i;
        }
    }
    work.finish(vm)?;
    let v = vm.stack[best];
    push1(vm, v)
}

fn max(vm: &mut Vm, base: usize, n: usize) -> Result<usize, LuaError> {
    minmax(vm, base, n, true)
}

fn min(vm: &mut Vm, base: usize, n: usize) -> Result<usize, LuaError> {
    minmax(vm, base, n, false)
}

/// A generator seeded as a fresh State's is (each State has its own, in `Vm::rng`).
pub(crate) fn new_generator() -> Xoshiro {
    Xoshiro::from_seed(DEFAULT_SEED.0, DEFAULT_SEED.1)
}

fn random(vm: &mut Vm, base: usize, n: usize) -> Result<usize, LuaError> {
    let a = Args::new(base, n, "random");
    let mut args = [0i64; 2];
    if n <= 2 {
        for (i, slot) in args.iter_mut().enumerate().take(n) {
            match a.check_int(vm, i + 1) {
                Ok(x) => *slot = x,
                Err(e) => {
                    // lua5.4 draws before it checks its arguments.
                    vm.rng.next_u64();
                    return Err(e);
                }
            }
        }
    }
    let g = &mut vm.rng;
    let r = if n <= 2 {
        g.random(&args[..n])
    } else {
        g.next_u64();
        Err(RandomError::WrongArgCount)
    };
    let v = match r {
        Ok(RandomValue::Float(f)) => Value::Num(f),
        Ok(RandomValue::Int(i)) => Value::Int(i),
        Err(RandomError::EmptyInterval) => return Err(arg_error("random", 1, "interval is empty")),
        Err(RandomError::WrongArgCount) => return Err(LuaError::msg("wrong number of arguments")),
    };
    push1(vm, v)
}

fn randomseed(vm: &mut Vm, base: usize, n: usize) -> Result<usize, LuaError> {
    let a = Args::new(base, n, "randomseed");
    let (n1, n2) = if n == 0 {
        DEFAULT_SEED
    } else {
        (a.check_int(vm, 1)?, a.opt_int(vm, 2, 0)?)
    };
    let (s1, s2) = vm.rng.seed(n1, n2);
    vm.push(Value::Int(s1));
    vm.push(Value::Int(s2));
    Ok(2)
}

/// Correctly rounded `pow` in portable arithmetic (no FMA, no host libm), so
/// results match a correctly rounding C library (glibc) on every platform.
///
/// `x^y = 2^(n/128) * exp(u)` with `u = y*log(x) - n*ln2/128`. A fast path keeps
/// about 2^-70 relative error and checks (Ziv's test) that rounding cannot change;
/// otherwise an all double-double path with about 2^-100 error decides.
/// Tables are built by const evaluation, which is exact IEEE arithmetic.
pub mod crpow {
    /// A double-double value `h + l` with `|l| <= ulp(h)/2`.
    #[derive(Clone, Copy)]
    struct Dd(f64, f64);

    const fn two_sum(a: f64, b: f64) -> Dd {
        let s = a + b;
        let bb = s - a;
        Dd(s, (a - (s - bb)) + (b - bb))
    }

    const fn fast_two_sum(a: f64, b: f64) -> Dd {
        let s = a + b;
        Dd(s, b - (s - a))
    }

    /// Veltkamp split into two halves of at most 26 bits.
    const fn split(a: f64) -> (f64, f64) {
        let c = 134217729.0 * a;
        let h = c - (c - a);
        (h, a - h)
    }

    /// Exact product (Dekker), for |a*b| well inside the exponent range.
    const fn two_prod(a: f64, b: f64) -> Dd {
        let p = a * b;
        let (ah, al) = split(a);
        let (bh, bl) = split(b);
        Dd(p, ((ah * bh - p) + ah * bl + al * bh) + al * bl)
    }

    const fn add(a: Dd, b: Dd) -> Dd {
        let s = two_sum(a.0, b.0);
        let t = two_sum(a.1, b.1);
        let u = fast_two_sum(s.0, s.1 + t.0);
        fast_two_sum(u.0, u.1 + t.1)
    }

    const fn neg(a: Dd) -> Dd {
        Dd(-a.0, -a.1)
    }

    const fn mul(a: Dd, b: Dd) -> Dd {
        let p = two_prod(a.0, b.0);
        fast_two_sum(p.0, p.1 + (a.0 * b.1 + a.1 * b.0))
    }

    const fn mul_d(a: Dd, b: f64) -> Dd {
        let p = two_prod(a.0, b);
        fast_two_sum(p.0, p.1 + a.1 * b)
    }

    const fn div(a: Dd, b: Dd) -> Dd {
        let q1 = a.0 / b.0;
        let r = add(a, neg(mul_d(b, q1)));
        let q2 = r.0 / b.0;
        let r = add(r, neg(mul_d(b, q2)));
        let q3 = r.0 / b.0;
        let q = fast_two_sum(q1, q2);
        add(q, Dd(q3, 0.0))
    }

    /// `log(1+r)` as `2 atanh(r/(2+r))`, for |r| <= 2^-7 (sum up to s^15/15).
    const fn log1p_dd(r: Dd) -> Dd {
        let s = div(r, add(Dd(2.0, 0.0), r));
        atanh_sum(s, 7)
    }

    /// `2 * (s + s^3/3 + ... + s^(2k+1)/(2k+1))`.
    const fn atanh_sum(s: Dd, k: u32) -> Dd {
        let w = mul(s, s);
        let mut acc = div(Dd(1.0, 0.0), Dd((2 * k + 1) as f64, 0.0));
        let mut i = k;
        while i > 0 {
            i -= 1;
            let c = div(Dd(1.0, 0.0), Dd((2 * i + 1) as f64, 0.0));
            acc = add(mul(acc, w), c);
        }
        let p = mul(acc, s);
        Dd(2.0 * p.0, 2.0 * p.1)
    }

    /// `log(c)` for c in [0.5, 2] (const: table building only).
    const fn log_dd(c: f64) -> Dd {
        let s = div(Dd(c - 1.0, 0.0), Dd(c + 1.0, 0.0));
        atanh_sum(s, 24)
    }

    /// ln 2 rounded to double-double (the test checks it against 2 atanh(1/3)).
    const LN2: Dd = Dd(
        f64::from_bits(0x3FE6_2E42_FEFA_39EF),
        f64::from_bits(0x3C7A_BC9E_3B39_803F),
    );
    /// ln2 in three parts, the first two with 33 bits so `k * part` is exact.
    const LN2_A: f64 = f64::from_bits(LN2.0.to_bits() & (!0u64 << 20));
    const LN2_B: f64 = {
        let r = add(LN2, Dd(-LN2_A, 0.0));
        f64::from_bits(r.0.to_bits() & (!0u64 << 20))
    };
    const LN2_C: f64 = {
        let r = add(LN2, Dd(-LN2_A, 0.0));
        add(r, Dd(-LN2_B, 0.0)).0
    };
    const INV_LN2_128: f64 = 128.0 / LN2.0;

    /// Table size of both reductions (2^7).
    const N: usize = 128;

    /// Log reduction for mantissa index i: c_i ~ 1/z (26 bits, so z*c_i splits
    /// into exact products) and -log(c_i). The mantissa z in [1,2) is used as
    /// z/2 for i >= 64 so that |log z| stays small; entries next to 1 use c = 1,
    /// which keeps log(x) accurate for x near 1.
    static LOG_TAB: [(f64, Dd); N] = {
        let mut t = [(0.0, Dd(0.0, 0.0)); N];
        let mut i = 0;
        while i < N {
            let mut mid = 1.0 + (i as f64 + 0.5) / N as f64;
            if i >= N / 2 {
                mid *= 0.5;
            }
            let c = if i == 0 || i == N - 1 {
                1.0
            } else {
                let c = 1.0 / mid;
                f64::from_bits(c.to_bits() & (!0u64 << 27))
            };
            let l = log_dd(c);
            t[i] = (c, neg(l));
            i += 1;
        }
        t
    };

    /// 2^(j/128) for j in 0..128.
    static EXP_TAB: [Dd; N] = {
        let mut t = [Dd(0.0, 0.0); N];
        let mut j = 0;
        while j < N {
            let u = mul_d(LN2, j as f64 / N as f64);
            // exp(u) = sum u^n/n!, u < 0.7: 32 terms are far below 2^-106.
            let mut term = Dd(1.0, 0.0);
            let mut sum = Dd(1.0, 0.0);
            let mut n = 1;
            while n < 32 {
                term = div(mul(term, u), Dd(n as f64, 0.0));
                sum = add(sum, term);
                n += 1;
            }
            t[j] = sum;
            j += 1;
        }
        t
    };

    /// 1/n! for the slow exp polynomial.
    static INV_FACT: [Dd; 13] = {
        let mut t = [Dd(1.0, 0.0); 13];
        let mut n = 1;
        while n < 13 {
            t[n] = div(t[n - 1], Dd(n as f64, 0.0));
            n += 1;
        }
        t
    };

    const SHIFTER: f64 = 6755399441055744.0; // 1.5 * 2^52

    /// 2^e for a normal exponent.
    fn two_to(e: i64) -> f64 {
        debug_assert!((-1022..=1023).contains(&e));
        f64::from_bits(((e + 1023) as u64) << 52)
    }

    /// How y decides the sign: 0 not an integer, 1 even, 2 odd integer.
    fn int_kind(y: f64) -> u8 {
        let e = ((y.to_bits() >> 52) & 0x7ff) as i64 - 1023;
        if y == 0.0 || e >= 53 {
            return 1; // zero, or so large it is even (inf/nan excluded by callers)
        }
        if e < 0 {
            return 0;
        }
        let m = (y.to_bits() & ((1u64 << 52) - 1)) | (1u64 << 52);
        let frac = m & ((1u64 << (52 - e)) - 1);
        if frac != 0 {
            0
        } else if (m >> (52 - e)) & 1 == 1 {
            2
        } else {
            1
        }
    }

    /// `x^y` as C99 `pow` defines it, rounded to nearest.
    pub fn pow(x: f64, y: f64) -> f64 {
        if y == 0.0 || x == 1.0 {
            return 1.0;
        }
        if x.is_nan() || y.is_nan() {
            return x + y;
        }
        if y == 1.0 {
            return x;
        }
        if y.is_infinite() {
            let ax = x.abs();
            return if ax == 1.0 {
                1.0
            } else if (ax > 1.0) == (y > 0.0) {
                f64::INFINITY
            } else {
                0.0
            };
        }
        let kind = int_kind(y);
        let neg_result = x.is_sign_negative() && kind == 2;
        let sign = |v: f64| if neg_result { -v } else { v };
        if x == 0.0 || x.is_infinite() {
            let big = (x == 0.0) == (y < 0.0);
            return sign(if big { f64::INFINITY } else { 0.0 });
        }
        if x < 0.0 && kind == 0 {
            // The default NaN of x86 (sign set), which lua5.4 prints as "-nan".
            return f64::from_bits(0xfff8_0000_0000_0000);
        }
        let ax = x.abs();
        if y == 2.0 {
            return ax * ax;
        }
        if y == 0.5 {
            return ax.sqrt();
        }
        if y == -1.0 {
            return sign(1.0 / ax);
        }
        // |y| >= 2^64 with x != 1: |y*log x| > 2^11, so the result over/underflows.
        if y.abs() >= 18446744073709551616.0 {
            return sign(if (ax > 1.0) == (y > 0.0) {
                f64::INFINITY
            } else {
                0.0
            });
        }
        sign(pow_pos(ax, y))
    }

    /// x = 2^k * z: returns (k, index, z) with z in [1,2) or [0.75,1) per LOG_TAB.
    fn reduce_x(x: f64) -> (i64, usize, f64) {
        let mut bits = x.to_bits();
        let mut k = -1023i64;
        if bits >> 52 == 0 {
            bits = (x * 18014398509481984.0).to_bits(); // 2^54: subnormal
            k -= 54;
        }
        k += (bits >> 52) as i64;
        let i = ((bits >> 45) & 127) as usize;
        let mut z = f64::from_bits((bits & ((1u64 << 52) - 1)) | (1023u64 << 52));
        if i >= N / 2 {
            z *= 0.5;
            k += 1;
        }
        (k, i, z)
    }

    /// z*c - 1 exactly, as a double-double (c has 26 bits).
    fn reduced(z: f64, c: f64) -> Dd {
        let (zh, zl) = split(z);
        two_sum(zh * c - 1.0, zl * c)
    }

    /// `x^y` for finite x > 0, |y| < 2^64. The fast path's exact products use FMA
    /// where the CPU has it; they are exact either way, so results are the same.
    fn pow_pos(x: f64, y: f64) -> f64 {
        #[cfg(target_arch = "x86_64")]
        if std::is_x86_feature_detected!("fma") {
            // SAFETY: the CPU supports FMA, checked just above.
            return unsafe { pow_pos_fma(x, y) };
        }
        pow_pos_impl::<{ cfg!(target_arch = "aarch64") }>(x, y)
    }

    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "fma")]
    fn pow_pos_fma(x: f64, y: f64) -> f64 {
        pow_pos_impl::<true>(x, y)
    }

    /// An exact product: with FMA (F) or Dekker's.
    #[inline(always)]
    fn tp<const F: bool>(a: f64, b: f64) -> Dd {
        if F {
            let p = a * b;
            Dd(p, a.mul_add(b, -p))
        } else {
            two_prod(a, b)
        }
    }

    #[inline(always)]
    fn pow_pos_impl<const F: bool>(x: f64, y: f64) -> f64 {
        let (k, i, z) = reduce_x(x);
        let (c, lc) = LOG_TAB[i];
        let r = reduced(z, c);
        let kf = k as f64;
        let lg = fast_log::<F>(kf, lc, r);
        let t = tp::<F>(y, lg.0);
        let t = fast_two_sum(t.0, t.1 + y * lg.1);
        if t.0 > 709.8 {
            return f64::INFINITY;
        }
        if t.0 < -745.2 {
            return 0.0;
        }
        let nf = (t.0 * INV_LN2_128 + SHIFTER) - SHIFTER;
        let m = (nf as i64) >> 7;
        if (-1021..=1023).contains(&m) {
            let res = fast_exp::<F>(t, nf);
            // Error bound (1 + |t|) * 2^-71: the fast_error test measures at most
            // 2^-79 and 2^-79 * |t| (the log's error grows with |t|).
            let err = res.0 * ((1.0 + t.0.abs()) * f64::from_bits(0x3b80_0000_0000_0000));
            let hi = res.0 + (res.1 + err);
            let lo = res.0 + (res.1 - err);
            if hi == lo {
                return hi * two_to(m);
            }
        }
        let (res, m) = slow(kf, lc, r, y);
        scale(res, m)
    }

    /// log(x) = k ln2 - log(c) + log(1+r), about 2^-72 relative error.
    #[inline(always)]
    fn fast_log<const F: bool>(kf: f64, lc: Dd, r: Dd) -> Dd {
        // Fast log(1+r): r - r^2/2 + r^3/3 with r^2 and r^3 nearly exact, the
        // rest in doubles (|r| <= 2^-7, truncated after r^12).
        let (rh, rl) = (r.0, r.1);
        let q = tp::<F>(rh, rh);
        let ql = q.1 + 2.0 * rh * rl;
        let p3 = tp::<F>(rh, q.0);
        let p3l = p3.1 + rh * ql + rl * q.0;
        let d3 = p3.0 * (1.0 / 3.0);
        let t3 = tp::<F>(d3, 3.0);
        let rem3 = ((p3.0 - t3.0) - t3.1 + p3l) * (1.0 / 3.0);
        // Estrin's scheme: short dependency chains.
        let r2 = q.0;
        let r4 = r2 * r2;
        let e0 = -0.25 + rh * 0.2;
        let e1 = -1.0 / 6.0 + rh * (1.0 / 7.0);
        let e2 = -0.125 + rh * (1.0 / 9.0);
        let e3 = -0.1 + rh * (1.0 / 11.0);
        let tail = r4 * ((e0 + r2 * e1) + r4 * ((e2 + r2 * e3) + r4 * (-1.0 / 12.0)));
        let s1 = two_sum(rh, -0.5 * q.0);
        let s2 = two_sum(s1.0, d3);
        // log x = k ln2 + (-log c) + log(1+r)
        let a = two_sum(kf * LN2_A, lc.0);
        let b = two_sum(a.0, s2.0);
        // Summed as a tree, for shorter dependency chains.
        let low = ((a.1 + b.1) + (s1.1 + s2.1))
            + (((kf * LN2_B + kf * LN2_C) + (lc.1 + rl)) + ((-0.5 * ql + rem3) + tail));
        fast_two_sum(b.0, low)
    }

    /// 2^(n/128) * exp(t - n ln2/128), about 2^-78 relative error.
    #[inline(always)]
    fn fast_exp<const F: bool>(t: Dd, nf: f64) -> Dd {
        let j = (nf as i64 & 127) as usize;
        // Fast exp: u = t - n ln2/128 (ln2/128 = (A + B + C)/128, n*A, n*B exact).
        let uh = t.0 - nf * (LN2_A / 128.0);
        let u1 = two_sum(uh, -nf * (LN2_B / 128.0));
        let ul = u1.1 + t.1 - nf * (LN2_C / 128.0);
        let u = fast_two_sum(u1.0, ul);
        let (uh, ul) = (u.0, u.1);
        let q = tp::<F>(uh, uh);
        let ql = q.1 + 2.0 * uh * ul;
        let u2 = q.0;
        let tail = (uh * u2)
            * ((1.0 / 6.0 + uh * (1.0 / 24.0))
                + u2 * ((1.0 / 120.0 + uh * (1.0 / 720.0))
                    + u2 * (1.0 / 5040.0 + uh * (1.0 / 40320.0))));
        let v1 = two_sum(uh, 0.5 * q.0);
        let v = fast_two_sum(v1.0, (v1.1 + ul) + (0.5 * ql + tail));
        let tj = EXP_TAB[j];
        let p = tp::<F>(tj.0, v.0);
        let s = two_sum(tj.0, p.0);
        fast_two_sum(s.0, (s.1 + p.1) + ((tj.0 * v.1 + tj.1) + tj.1 * v.0))
    }

    /// The double-double path: about 2^-100 relative error; (mantissa, 2^m).
    #[cold]
    fn slow(kf: f64, lc: Dd, r: Dd, y: f64) -> (Dd, i64) {
        let lg = add(add(mul_d(LN2, kf), lc), log1p_dd(r));
        let t = mul_d(lg, y);
        let nf = (t.0 * INV_LN2_128 + SHIFTER) - SHIFTER;
        let n = nf as i64;
        let j = (n & 127) as usize;
        let m = n >> 7;
        // u = t - n*ln2/128, with n*ln2 exact enough as n*(A+B+C).
        let u = add(
            add(t, Dd(-nf * (LN2_A / 128.0), 0.0)),
            add(Dd(-nf * (LN2_B / 128.0), 0.0), two_prod(-nf, LN2_C / 128.0)),
        );
        let mut e = INV_FACT[12];
        let mut i = 12;
        while i > 0 {
            i -= 1;
            e = add(mul(e, u), INV_FACT[i]);
        }
        (mul(EXP_TAB[j], e), m)
    }

    /// Rounds (h + l) * 2^m once, including into the subnormal range.
    fn scale(v: Dd, m: i64) -> f64 {
        let (h, l) = (v.0, v.1);
        if m > 1023 {
            return h * two_to(1023) * two_to(m - 1023);
        }
        if m >= -1021 {
            return (h + l) * two_to(m);
        }
        if m < -1200 {
            return 0.0;
        }
        // One rounding of h, then a fix for ties that l breaks.
        let q = h * two_to(m + 600) * two_to(-600);
        if q.abs() >= f64::MIN_POSITIVE {
            return q;
        }
        let back = q * two_to(600) * two_to(-m - 600);
        let d = h - back;
        let half = 0.5 * f64::from_bits(((-1074 - m + 1023) as u64) << 52);
        let tiny = f64::from_bits(1);
        // |l| below the error bound is noise: an exact tie stays a tie (to even).
        let noise = f64::from_bits(0x3a50_0000_0000_0000); // 2^-90
        if d == half && l > noise {
            q + tiny
        } else if d == -half && l < -noise {
            q - tiny
        } else {
            q
        }
    }

    #[cfg(test)]
    mod tests {
        use super::*;
        /// The fast path's error stays far below the bound it assumes.
        #[test]
        fn fast_error() {
            let mut st = 0x9234_5678_9abc_def1u64;
            let mut rnd = || {
                st ^= st << 13;
                st ^= st >> 7;
                st ^= st << 17;
                (st >> 11) as f64 / (1u64 << 53) as f64
            };
            let (mut m0, mut m1) = (0f64, 0f64);
            for case in 0..3 {
                for _ in 0..30_000 {
                    let (x, y) = match case {
                        0 => (rnd() * 10.0, rnd() * 20.0 - 10.0),
                        1 => {
                            let x = (rnd() * 1400.0 - 700.0).exp();
                            (x, (rnd() * 2.0 - 1.0) * 700.0 / x.ln().abs().max(1e-3))
                        }
                        _ => (1.0 + (rnd() - 0.5) * 2e-3, (rnd() - 0.5) * 2e5),
                    };
                    let (k, i, z) = reduce_x(x);
                    let (c, lc) = LOG_TAB[i];
                    let r = reduced(z, c);
                    assert_eq!(pow_pos_impl::<true>(x, y), pow_pos_impl::<false>(x, y));
                    let lg = fast_log::<false>(k as f64, lc, r);
                    let t = two_prod(y, lg.0);
                    let t = fast_two_sum(t.0, t.1 + y * lg.1);
                    if t.0.is_nan() || t.0.abs() >= 700.0 {
                        continue;
                    }
                    let nf = (t.0 * INV_LN2_128 + SHIFTER) - SHIFTER;
                    let f = fast_exp::<false>(t, nf);
                    let (sl, m) = slow(k as f64, lc, r, y);
                    assert_eq!(m, (nf as i64) >> 7);
                    let d = add(f, neg(sl));
                    let rel = (d.0 / sl.0).abs();
                    if t.0.abs() < 1.0 {
                        m0 = m0.max(rel);
                    } else {
                        m1 = m1.max(rel / t.0.abs());
                    }
                }
            }
            assert!(m0 < 2f64.powi(-75) && m1 < 2f64.powi(-75), "{m0:e} {m1:e}");
        }

        #[test]
        fn constants() {
            let ln2 = atanh_sum(div(Dd(1.0, 0.0), Dd(3.0, 0.0)), 40);
            assert_eq!(ln2.0, LN2.0);
            assert!(
                (ln2.1 - LN2.1).abs()
                    <= 2.0 * f64::from_bits(LN2.1.to_bits() & (0x7ff << 52)) * f64::EPSILON
            );
            assert_eq!(LN2_A + LN2_B + LN2_C, LN2.0);
            for (j, t) in EXP_TAB.iter().enumerate() {
                let want = (j as f64 / 128.0).exp2();
                assert!((t.0 - want).abs() <= want * 2e-16, "{j}");
            }
        }

        #[test]
        fn values() {
            assert_eq!(pow(2.5, 2.5), 9.882117688026186);
            assert_eq!(format!("{:.16e}", pow(2.5, 2.5)), "9.8821176880261863e0");
            assert_eq!(pow(2.0, 10.0), 1024.0);
            assert_eq!(pow(10.0, 15.0), 1e15);
            assert_eq!(pow(10.0, -2.0), 0.01);
            assert_eq!(pow(-2.0, 3.0), -8.0);
            assert_eq!(pow(-0.0, 0.5), 0.0);
            assert!(pow(-0.0, 0.5).is_sign_positive());
            assert_eq!(pow(f64::NEG_INFINITY, 0.5), f64::INFINITY);
            assert_eq!(pow(-0.0, -3.0), f64::NEG_INFINITY);
            assert_eq!(pow(2.0, -1074.0), f64::from_bits(1));
            assert_eq!(pow(2.0, -1075.0), 0.0);
            assert_eq!(pow(2.0, 1024.0), f64::INFINITY);
            assert_eq!(pow(4.0, 1.5), 8.0);
            assert_eq!(pow(9.0, 0.5), 3.0);
        }
    }
}
