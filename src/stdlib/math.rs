//! The `math` library (manual §6.7).
//!
//! Transcendental functions use `libm` so results do not depend on the host's
//! C library. `math.random` is lua5.4's xoshiro256** generator; its state is the
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
    push1(vm, Value::Num(libm::pow(x, y)))
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
