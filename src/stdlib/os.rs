//! The `os` library (manual §6.9), CLI profile.
//!
//! Dates are computed here, without the C library: local time is UTC (the
//! test machines run in UTC), `os.date` implements the C99 `strftime`
//! conversions lua5.4 accepts in the C locale, and `os.time` normalizes its
//! table argument like `mktime`. `os.clock` reports the State's clock: the
//! process CPU time in the trusted profile (`SystemClock`), what the host set in the
//! sandbox (`FixedClock`).

use super::args::{arg_error, Args};
use crate::value::Value;
use crate::vm::{LuaError, Vm};

/// Registers the library.
/// Registers only the clock functions (`time`, `clock`, `date`, `difftime`): the
/// sandbox profile's `os`, reading the host-provided clock.
pub fn open_clock(vm: &mut Vm) {
    super::register_lib(
        vm,
        "os",
        &[
            ("date", date),
            ("difftime", difftime),
            ("clock", clock),
            ("time", time),
        ],
    );
}

/// Registers the full library (trusted profile).
pub fn open(vm: &mut Vm) {
    let lib = super::register_lib(
        vm,
        "os",
        &[
            ("date", date),
            ("difftime", difftime),
            ("execute", execute),
            ("exit", exit),
            ("getenv", getenv),
            ("remove", remove),
            ("rename", rename),
            ("setlocale", setlocale),
            ("clock", clock),
            ("time", time),
            ("tmpname", tmpname),
        ],
    );
    let _ = lib;
}

// ---------------------------------------------------------------------------
// Calendar arithmetic (proleptic Gregorian, UTC)

/// Days from 1970-01-01 to `y-m-d` (`m` in 1..=12, `d` may be any value).
pub fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    // Count from 0000-03-01 so the leap day ends each 400-year era's years.
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400); // 0..=399
    let mp = (m + 9) % 12; // March = 0
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date `(year, month 1..=12, day 1..=31)` of day `z` since 1970-01-01.
pub fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

fn is_leap(y: i64) -> bool {
    y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)
}

/// Broken-down time (like C's `struct tm`, but with the full year and
/// 1-based month).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Tm {
    pub year: i64,
    pub month: i64,
    pub day: i64,
    pub hour: i64,
    pub min: i64,
    pub sec: i64,
    /// Days since Sunday, 0..=6.
    pub wday: i64,
    /// Days since January 1st, 0..=365.
    pub yday: i64,
}

impl Tm {
    /// The UTC broken-down time of `t` seconds since the epoch, or `None` when
    /// the year does not fit C's `int tm_year` (as glibc's `gmtime`).
    pub fn from_time(t: i64) -> Option<Tm> {
        let days = t.div_euclid(86_400);
        let rem = t.rem_euclid(86_400);
        let (year, month, day) = civil_from_days(days);
        i32::try_from(year - 1900).ok()?;
        Some(Tm {
            year,
            month,
            day,
            hour: rem / 3600,
            min: rem % 3600 / 60,
            sec: rem % 60,
            wday: (days + 4).rem_euclid(7),
            yday: days - days_from_civil(year, 1, 1),
        })
    }

    /// ISO 8601 week-based year and week number.
    fn iso_week(&self) -> (i64, i64) {
        let iso_wday = (self.wday + 6) % 7 + 1; // Monday = 1
        let week = (self.yday + 1 - iso_wday + 10).div_euclid(7);
        if week < 1 {
            (self.year - 1, weeks_in_year(self.year - 1))
        } else if week > weeks_in_year(self.year) {
            (self.year + 1, 1)
        } else {
            (self.year, week)
        }
    }
}

fn weeks_in_year(y: i64) -> i64 {
    let jan1 = (days_from_civil(y, 1, 1) + 4).rem_euclid(7);
    if jan1 == 4 || (jan1 == 3 && is_leap(y)) {
        53
    } else {
        52
    }
}

const DAYS: [&str; 7] = [
    "Sunday",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
];
const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// Conversions lua5.4 accepts: single letters, then `E`/`O` modified ones.
const OPTIONS_1: &[u8] = b"aAbBcCdDeFgGhHIjmMnprRStTuUVwWxXyYzZ%";
const OPTIONS_E: &[u8] = b"cCxXyY";
const OPTIONS_O: &[u8] = b"deHImMSuUVwWy";

/// `strftime` of one conversion `c` (modifiers already stripped) in the C
/// locale. `utc` selects the zone name for `%Z`.
fn strftime_one(out: &mut String, c: u8, tm: &Tm, utc: bool) {
    use std::fmt::Write;
    let _ = match c {
        b'a' => write!(out, "{}", &DAYS[tm.wday as usize][..3]),
        b'A' => write!(out, "{}", DAYS[tm.wday as usize]),
        b'b' | b'h' => write!(out, "{}", &MONTHS[tm.month as usize - 1][..3]),
        b'B' => write!(out, "{}", MONTHS[tm.month as usize - 1]),
        b'c' => {
            strftime_one(out, b'a', tm, utc);
            out.push(' ');
            strftime_one(out, b'b', tm, utc);
            out.push(' ');
            strftime_one(out, b'e', tm, utc);
            out.push(' ');
            strftime_one(out, b'T', tm, utc);
            out.push(' ');
            strftime_one(out, b'Y', tm, utc);
            Ok(())
        }
        b'C' => write!(out, "{:02}", tm.year.div_euclid(100)),
        b'd' => write!(out, "{:02}", tm.day),
        b'D' | b'x' => write!(
            out,
            "{:02}/{:02}/{:02}",
            tm.month,
            tm.day,
            tm.year.rem_euclid(100)
        ),
        b'e' => write!(out, "{:2}", tm.day),
        b'F' => write!(out, "{}-{:02}-{:02}", tm.year, tm.month, tm.day),
        b'g' => write!(out, "{:02}", tm.iso_week().0.rem_euclid(100)),
        b'G' => write!(out, "{}", tm.iso_week().0),
        b'H' => write!(out, "{:02}", tm.hour),
        b'I' => write!(out, "{:02}", (tm.hour + 11) % 12 + 1),
        b'j' => write!(out, "{:03}", tm.yday + 1),
        b'm' => write!(out, "{:02}", tm.month),
        b'M' => write!(out, "{:02}", tm.min),
        b'n' => writeln!(out),
        b'p' => write!(out, "{}", if tm.hour < 12 { "AM" } else { "PM" }),
        b'r' => write!(
            out,
            "{:02}:{:02}:{:02} {}",
            (tm.hour + 11) % 12 + 1,
            tm.min,
            tm.sec,
            if tm.hour < 12 { "AM" } else { "PM" }
        ),
        b'R' => write!(out, "{:02}:{:02}", tm.hour, tm.min),
        b'S' => write!(out, "{:02}", tm.sec),
        b't' => write!(out, "\t"),
        b'T' | b'X' => write!(out, "{:02}:{:02}:{:02}", tm.hour, tm.min, tm.sec),
        b'u' => write!(out, "{}", (tm.wday + 6) % 7 + 1),
        b'U' => write!(out, "{:02}", (tm.yday + 7 - tm.wday) / 7),
        b'V' => write!(out, "{:02}", tm.iso_week().1),
        b'w' => write!(out, "{}", tm.wday),
        b'W' => write!(out, "{:02}", (tm.yday + 7 - (tm.wday + 6) % 7) / 7),
        b'y' => write!(out, "{:02}", tm.year.rem_euclid(100)),
        b'Y' => write!(out, "{}", tm.year),
        b'z' => write!(out, "+0000"),
        b'Z' => write!(out, "{}", if utc { "GMT" } else { "UTC" }),
        b'%' => write!(out, "%"),
        _ => Ok(()),
    };
}

/// Formats `fmt` (after any `!`) like lua5.4's `os.date`; errors name the
/// invalid conversion.
fn strftime(fmt: &[u8], tm: &Tm, utc: bool) -> Result<Vec<u8>, LuaError> {
    let mut out = Vec::with_capacity(fmt.len() + 16);
    let mut i = 0;
    let mut conv = String::new();
    while i < fmt.len() {
        if fmt[i] != b'%' {
            out.push(fmt[i]);
            i += 1;
            continue;
        }
        let rest = &fmt[i + 1..];
        let (c, len) = match rest {
            [m @ (b'E' | b'O'), c, ..]
                if (*m == b'E' && OPTIONS_E.contains(c))
                    || (*m == b'O' && OPTIONS_O.contains(c)) =>
            {
                (*c, 2)
            }
            [c, ..] if OPTIONS_1.contains(c) && *c != b'E' && *c != b'O' => (*c, 1),
            _ => {
                // lua5.4 shows the rest of the format (a C string).
                let end = rest.iter().position(|&b| b == 0).unwrap_or(rest.len());
                return Err(arg_error(
                    "date",
                    1,
                    &format!(
                        "invalid conversion specifier '%{}'",
                        String::from_utf8_lossy(&rest[..end])
                    ),
                ));
            }
        };
        conv.clear();
        strftime_one(&mut conv, c, tm, utc);
        out.extend_from_slice(conv.as_bytes());
        i += 1 + len;
    }
    Ok(out)
}

/// Seconds since the epoch, from the State's clock.
fn now(vm: &mut Vm) -> i64 {
    vm.clock.time()
}

/// Sets the fields of a date table (lua5.4's `setallfields`).
fn set_all_fields(vm: &mut Vm, t: Value, tm: &Tm) -> Result<(), LuaError> {
    let fields = [
        ("year", Value::Int(tm.year)),
        ("month", Value::Int(tm.month)),
        ("day", Value::Int(tm.day)),
        ("hour", Value::Int(tm.hour)),
        ("min", Value::Int(tm.min)),
        ("sec", Value::Int(tm.sec)),
        ("yday", Value::Int(tm.yday + 1)),
        ("wday", Value::Int(tm.wday + 1)),
        ("isdst", Value::Bool(false)),
    ];
    for (name, v) in fields {
        let k = vm.new_str(name.as_bytes());
        vm.set_index(t, k, v)?;
    }
    Ok(())
}

fn date(vm: &mut Vm, base: usize, n: usize) -> Result<usize, LuaError> {
    let a = Args::new(base, n, "date");
    let fmt = a.opt_str(vm, 1)?;
    let t = if a.get(vm, 2).is_nil() {
        now(vm)
    } else {
        a.check_int(vm, 2)?
    };
    let fmt: &[u8] = fmt.as_ref().map_or(b"%c", |s| s.as_bytes());
    let (utc, fmt) = match fmt.strip_prefix(b"!") {
        Some(rest) => (true, rest),
        None => (false, fmt),
    };
    let tm = Tm::from_time(t)
        .ok_or_else(|| LuaError::msg("date result cannot be represented in this installation"))?;
    let is_table = fmt.split(|&c| c == 0).next() == Some(b"*t");
    if is_table {
        let tb = vm.new_table(0, 9);
        vm.push(Value::Table(tb));
        set_all_fields(vm, Value::Table(tb), &tm)?;
        return Ok(1);
    }
    // The format is read once; each conversion writes at most a few dozen
    // bytes, charged with the result before it becomes a string.
    vm.charge_bytes(fmt.len())?;
    let s = strftime(fmt, &tm, utc)?;
    vm.charge_new_str(s.len())?;
    let v = vm.new_str_vec(s);
    vm.push(v);
    Ok(1)
}

/// lua5.4's `getfield` for `os.time`: the field as a C `int` minus `delta`;
/// `default < 0` means required.
fn get_field(vm: &mut Vm, t: Value, key: &str, default: i64, delta: i64) -> Result<i64, LuaError> {
    let k = vm.new_str(key.as_bytes());
    let v = vm.index(t, k)?;
    let num = match v {
        Value::Str(_) => vm.to_number_coerce(v).unwrap_or(Value::Nil),
        _ => v,
    };
    match crate::vm::arith::to_int_exact(num) {
        Some(res) => {
            let fits = if res >= 0 {
                res - delta <= i32::MAX as i64
            } else {
                i32::MIN as i64 + delta <= res
            };
            if !fits {
                return Err(LuaError::msg(format!("field '{key}' is out-of-bound")));
            }
            Ok(res - delta)
        }
        None if !v.is_nil() => Err(LuaError::msg(format!("field '{key}' is not an integer"))),
        None if default < 0 => Err(LuaError::msg(format!(
            "field '{key}' missing in date table"
        ))),
        None => Ok(default),
    }
}

/// `mktime` in UTC: the time of a possibly denormalized date, or `None` when
/// the normalized year does not fit `tm_year` (or the result is -1, which C
/// cannot tell from an error).
pub fn make_time(year: i64, month0: i64, day: i64, hour: i64, min: i64, sec: i64) -> Option<i64> {
    let months = year * 12 + month0;
    let (y, m) = (months.div_euclid(12), months.rem_euclid(12) + 1);
    let days = days_from_civil(y, m, 1) + day - 1;
    let t = days * 86_400 + hour * 3600 + min * 60 + sec;
    Tm::from_time(t)?;
    (t != -1).then_some(t)
}

fn time(vm: &mut Vm, base: usize, n: usize) -> Result<usize, LuaError> {
    let a = Args::new(base, n, "time");
    let arg = a.get(vm, 1);
    if arg.is_nil() {
        let t = now(vm);
        vm.push(Value::Int(t));
        return Ok(1);
    }
    if !matches!(arg, Value::Table(_)) {
        return Err(a.expected(vm, 1, "table"));
    }
    let year = get_field(vm, arg, "year", -1, 1900)?;
    let month = get_field(vm, arg, "month", -1, 1)?;
    let day = get_field(vm, arg, "day", -1, 0)?;
    let hour = get_field(vm, arg, "hour", 12, 0)?;
    let min = get_field(vm, arg, "min", 0, 0)?;
    let sec = get_field(vm, arg, "sec", 0, 0)?;
    let k = vm.new_str(b"isdst");
    vm.index(arg, k)?;
    let t = make_time(year + 1900, month, day, hour, min, sec)
        .ok_or_else(|| LuaError::msg("time result cannot be represented in this installation"))?;
    let tm = Tm::from_time(t).expect("checked by make_time");
    set_all_fields(vm, arg, &tm)?;
    vm.push(Value::Int(t));
    Ok(1)
}

fn clock(vm: &mut Vm, _base: usize, _n: usize) -> Result<usize, LuaError> {
    // Trusted profile: process CPU time as C's clock(). Sandbox: the host's
    // FixedClock value (0.0 unless set), so runs stay deterministic.
    let secs = vm.clock.cpu();
    vm.push(Value::Num(secs));
    Ok(1)
}

fn difftime(vm: &mut Vm, base: usize, n: usize) -> Result<usize, LuaError> {
    let a = Args::new(base, n, "difftime");
    let t1 = a.check_int(vm, 1)?;
    let t2 = a.check_int(vm, 2)?;
    vm.push(Value::Num((t1 as i128 - t2 as i128) as f64));
    Ok(1)
}

/// `os.execute`: runs a command with `/bin/sh -c` (CLI profile).
fn execute(vm: &mut Vm, base: usize, n: usize) -> Result<usize, LuaError> {
    use std::os::unix::ffi::OsStrExt;
    use std::os::unix::process::ExitStatusExt;
    let cmd = Args::new(base, n, "execute").opt_str(vm, 1)?;
    let Some(cmd) = cmd else {
        let shell = std::path::Path::new("/bin/sh").exists();
        vm.push(Value::Bool(shell));
        return Ok(1);
    };
    super::io::flush_all(vm);
    let status = std::process::Command::new("/bin/sh")
        .arg("-c")
        .arg(std::ffi::OsStr::from_bytes(cmd.as_bytes()))
        .status();
    match status {
        Err(e) => Ok(super::io::push_error(vm, &e, None)),
        Ok(st) => {
            let (what, code) = match (st.code(), st.signal()) {
                (Some(c), _) => ("exit", c as i64),
                (None, Some(sig)) => ("signal", sig as i64),
                (None, None) => ("exit", -1),
            };
            vm.push(if what == "exit" && code == 0 {
                Value::Bool(true)
            } else {
                Value::Nil
            });
            let w = vm.new_str(what.as_bytes());
            vm.push(w);
            vm.push(Value::Int(code));
            Ok(3)
        }
    }
}

fn getenv(vm: &mut Vm, base: usize, n: usize) -> Result<usize, LuaError> {
    use std::os::unix::ffi::{OsStrExt, OsStringExt};
    let name = Args::new(base, n, "getenv").check_str(vm, 1)?;
    let v = match std::env::var_os(std::ffi::OsStr::from_bytes(name.as_bytes())) {
        Some(s) => vm.new_str_vec(s.into_vec()),
        None => Value::Nil,
    };
    vm.push(v);
    Ok(1)
}

fn exit(vm: &mut Vm, base: usize, n: usize) -> Result<usize, LuaError> {
    let a = Args::new(base, n, "exit");
    let code = match a.get(vm, 1) {
        Value::Bool(b) => i64::from(!b),
        _ => a.opt_int(vm, 1, 0)?,
    };
    if a.get(vm, 2).is_truthy() {
        // Closing the state as lua_close does: the main thread's pending
        // to-be-closed variables first (their errors are dropped), then finalizers.
        if vm.is_main(vm.current) {
            vm.top = vm.frames_top();
            vm.close_upvals(0);
            let _ = vm.close_tbc(0, None);
        }
        vm.close_state();
    }
    super::io::flush_all(vm);
    std::process::exit(code as i32)
}

fn path_of(b: &[u8]) -> &std::path::Path {
    use std::os::unix::ffi::OsStrExt;
    std::path::Path::new(std::ffi::OsStr::from_bytes(b))
}

fn file_result(vm: &mut Vm, r: std::io::Result<()>, fname: Option<&[u8]>) -> usize {
    match r {
        Ok(()) => {
            vm.push(Value::Bool(true));
            1
        }
        Err(e) => super::io::push_error(vm, &e, fname),
    }
}

fn remove(vm: &mut Vm, base: usize, n: usize) -> Result<usize, LuaError> {
    let name = Args::new(base, n, "remove").check_str(vm, 1)?;
    let p = path_of(name.as_bytes());
    // C's remove() deletes files and empty directories.
    let r = match std::fs::symlink_metadata(p) {
        Ok(m) if m.is_dir() => std::fs::remove_dir(p),
        _ => std::fs::remove_file(p),
    };
    Ok(file_result(vm, r, Some(name.as_bytes())))
}

fn rename(vm: &mut Vm, base: usize, n: usize) -> Result<usize, LuaError> {
    let a = Args::new(base, n, "rename");
    let from = a.check_str(vm, 1)?;
    let to = a.check_str(vm, 2)?;
    let r = std::fs::rename(path_of(from.as_bytes()), path_of(to.as_bytes()));
    Ok(file_result(vm, r, None))
}

fn tmpname(vm: &mut Vm, _base: usize, _n: usize) -> Result<usize, LuaError> {
    use std::os::unix::ffi::OsStrExt;
    match super::io::create_temp() {
        Ok((_, path)) => {
            let v = vm.new_str(path.as_os_str().as_bytes());
            vm.push(v);
            Ok(1)
        }
        Err(_) => Err(LuaError::msg("unable to generate a unique filename")),
    }
}

fn setlocale(vm: &mut Vm, base: usize, n: usize) -> Result<usize, LuaError> {
    let a = Args::new(base, n, "setlocale");
    let loc = a.opt_str(vm, 1)?;
    let cat = a.opt_str(vm, 2)?;
    if let Some(c) = cat {
        let ok = matches!(
            c.as_bytes(),
            b"all" | b"collate" | b"ctype" | b"monetary" | b"numeric" | b"time"
        );
        if !ok {
            return Err(arg_error(
                "setlocale",
                2,
                &format!("invalid option '{}'", String::from_utf8_lossy(c.as_bytes())),
            ));
        }
    }
    // Only the C locale exists.
    let r = match loc.as_ref().map(|l| l.as_bytes()) {
        None | Some(b"") | Some(b"C") | Some(b"POSIX") => vm.new_str(b"C"),
        Some(_) => Value::Nil,
    };
    vm.push(r);
    Ok(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_round_trip() {
        for z in (-800_000..800_000).step_by(37) {
            let (y, m, d) = civil_from_days(z);
            assert_eq!(days_from_civil(y, m, d), z);
        }
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
        assert_eq!(civil_from_days(-1), (1969, 12, 31));
    }

    fn fmt(f: &str, t: i64) -> String {
        String::from_utf8(strftime(f.as_bytes(), &Tm::from_time(t).unwrap(), true).unwrap())
            .unwrap()
    }

    #[test]
    fn strftime_matches_lua() {
        // Expected strings produced by lua5.4's os.date("!...", t).
        let f = "%Y-%m-%d %a %G-W%V-%u %U %W %j %I %p";
        for (t, want) in [
            (0, "1970-01-01 Thu 1970-W01-4 00 00 001 12 AM"),
            (86_400 * 3, "1970-01-04 Sun 1970-W01-7 01 00 004 12 AM"),
            (1_609_459_200, "2021-01-01 Fri 2020-W53-5 00 00 001 12 AM"),
            (
                1_609_459_200 - 86_400,
                "2020-12-31 Thu 2020-W53-4 52 52 366 12 AM",
            ),
            (1_104_537_600, "2005-01-01 Sat 2004-W53-6 00 00 001 12 AM"),
            (
                1_104_537_600 + 86_400 * 2,
                "2005-01-03 Mon 2005-W01-1 01 01 003 12 AM",
            ),
            (951_782_400, "2000-02-29 Tue 2000-W09-2 09 09 060 12 AM"),
        ] {
            assert_eq!(fmt(f, t), want);
        }
        assert_eq!(fmt("%c", 0), "Thu Jan  1 00:00:00 1970");
        assert_eq!(
            fmt("%x %X %p %r", 3600 * 13),
            "01/01/70 13:00:00 PM 01:00:00 PM"
        );
        assert_eq!(
            fmt("%C %y %G %g %Y %V %U %W %j", -(1 << 40)),
            "-329 27 -32873 27 -32873 45 45 45 316"
        );
        assert_eq!(
            fmt(
                "%C %y %G %g %Y %V %U %W %j %e %I %p",
                -62_167_219_200 - 86_400
            ),
            "-1 99 -1 99 -1 52 52 52 365 31 12 AM"
        );
        assert!(strftime(b"%Ez", &Tm::from_time(0).unwrap(), true).is_err());
        assert!(strftime(b"x%", &Tm::from_time(0).unwrap(), true).is_err());
    }

    #[test]
    fn mktime_normalizes() {
        assert_eq!(make_time(2000, 0, 1, 0, 0, 0), Some(946_684_800));
        assert_eq!(make_time(2000, 12, 1, 12, 0, 0), Some(978_350_400));
        let t = make_time(2000, 12, 32, 25, 0, 0).unwrap();
        let tm = Tm::from_time(t).unwrap();
        assert_eq!(
            (tm.year, tm.month, tm.day, tm.hour, tm.wday, tm.yday),
            (2001, 2, 2, 1, 5, 32)
        );
        assert_eq!(make_time(1969, 11, 31, 23, 59, 59), None);
        assert_eq!(make_time(1960, 0, 1, 0, 0, 0), Some(-315_619_200));
        assert!(Tm::from_time(1 << 60).is_none());
    }
}
