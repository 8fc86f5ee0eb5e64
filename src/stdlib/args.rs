//! Argument checking for native functions, with lua5.4's `bad argument` messages.

use crate::heap::Gc;
use crate::value::{LuaStr, Table, Value};
use crate::vm::{LuaError, Vm};

/// The arguments of a native call: `vm.stack[base..base+n]`.
#[derive(Clone, Copy)]
pub struct Args {
    pub base: usize,
    pub n: usize,
    /// Function name used in error messages.
    pub name: &'static str,
}

/// `bad argument #i to 'name' (msg)`.
///
/// The function name is resolved by the VM when the error is raised.
pub fn arg_error(_name: &str, i: usize, msg: &str) -> LuaError {
    LuaError::Arg(i, msg.to_string())
}

impl Args {
    /// Builds the view.
    pub fn new(base: usize, n: usize, name: &'static str) -> Self {
        Args { base, n, name }
    }

    /// Argument `i` (1-based), or nil when absent.
    #[inline]
    pub fn get(&self, vm: &Vm, i: usize) -> Value {
        if i <= self.n {
            vm.stack[self.base + i - 1]
        } else {
            Value::Nil
        }
    }

    fn type_error(&self, vm: &Vm, i: usize, expected: &str) -> LuaError {
        let got = if i > self.n {
            "no value".to_string()
        } else {
            // As lua5.4's luaL_typeerror: `__name`, else the kind of userdata.
            let v = self.get(vm, i);
            vm.name_field(v).unwrap_or_else(|| match v {
                Value::LightUd(_) => "light userdata".into(),
                _ => v.type_name().into(),
            })
        };
        arg_error(self.name, i, &format!("{expected} expected, got {got}"))
    }

    /// Any value, but it must be present.
    pub fn check_any(&self, vm: &Vm, i: usize) -> Result<Value, LuaError> {
        if i > self.n {
            return Err(arg_error(self.name, i, "value expected"));
        }
        Ok(self.get(vm, i))
    }

    /// A table argument.
    pub fn check_table(&self, vm: &Vm, i: usize) -> Result<Gc<Table>, LuaError> {
        match self.get(vm, i) {
            Value::Table(t) => Ok(t),
            _ => Err(self.type_error(vm, i, "table")),
        }
    }

    /// An integer argument (floats with an exact integer value and numeric strings
    /// are accepted, as in lua5.4; converting a string is charged by its length).
    pub fn check_int(&self, vm: &mut Vm, i: usize) -> Result<i64, LuaError> {
        let v = self.get(vm, i);
        match v {
            Value::Int(x) => Ok(x),
            Value::Num(f) => crate::vm::arith::float_to_int(f)
                .ok_or_else(|| arg_error(self.name, i, "number has no integer representation")),
            Value::Str(_) => match vm.charge_coercion(v).map(|_| vm.to_number_coerce(v))? {
                Some(Value::Int(x)) => Ok(x),
                Some(Value::Num(f)) => crate::vm::arith::float_to_int(f)
                    .ok_or_else(|| arg_error(self.name, i, "number has no integer representation")),
                _ => Err(self.type_error(vm, i, "number")),
            },
            _ => Err(self.type_error(vm, i, "number")),
        }
    }

    /// An optional integer argument.
    pub fn opt_int(&self, vm: &mut Vm, i: usize, default: i64) -> Result<i64, LuaError> {
        if self.get(vm, i).is_nil() {
            Ok(default)
        } else {
            self.check_int(vm, i)
        }
    }

    /// A number argument (numeric strings are converted, charged by their length).
    pub fn check_number(&self, vm: &mut Vm, i: usize) -> Result<Value, LuaError> {
        let v = self.get(vm, i);
        vm.charge_coercion(v)?;
        match vm.to_number_coerce(v) {
            Some(v) => Ok(v),
            None => Err(self.type_error(vm, i, "number")),
        }
    }

    /// A number argument as a float.
    pub fn check_f64(&self, vm: &mut Vm, i: usize) -> Result<f64, LuaError> {
        Ok(match self.check_number(vm, i)? {
            Value::Int(x) => x as f64,
            Value::Num(f) => f,
            _ => unreachable!(),
        })
    }

    /// A string argument; numbers are converted to strings as lua5.4 does.
    pub fn check_str(&self, vm: &mut Vm, i: usize) -> Result<Gc<LuaStr>, LuaError> {
        match self.get(vm, i) {
            Value::Str(s) => Ok(s),
            v @ (Value::Int(_) | Value::Num(_)) => {
                let mut b = Vec::new();
                vm.append_strnum(&mut b, v);
                match vm.new_str_vec(b) {
                    Value::Str(s) => Ok(s),
                    _ => unreachable!(),
                }
            }
            _ => Err(self.type_error(vm, i, "string")),
        }
    }

    /// An optional string argument.
    pub fn opt_str(&self, vm: &mut Vm, i: usize) -> Result<Option<Gc<LuaStr>>, LuaError> {
        if self.get(vm, i).is_nil() {
            Ok(None)
        } else {
            self.check_str(vm, i).map(Some)
        }
    }

    /// Raises `bad argument #i (... expected, got ...)` for a custom expectation.
    pub fn expected(&self, vm: &Vm, i: usize, what: &str) -> LuaError {
        self.type_error(vm, i, what)
    }
}
