//! The `io` library (manual §6.8), CLI profile.
//!
//! File handles are userdata holding a [`LuaFile`], with lua5.4's `FILE*`
//! metatable (`__index` methods table, `__name`, `__tostring`, `__gc`,
//! `__close`). Files are buffered like C stdio; buffers are flushed when the
//! handle is closed or collected, when the State is dropped, and by
//! [`flush_all`] (called by `os.exit`). Everything written to the standard
//! output goes through `Vm::out`, the sink `print` uses, so both interleave.
//!
//! Costs: `write` charges the bytes it writes; `read` and `lines` charge the
//! bytes they read, buffer by buffer, and check each buffer's growth against
//! the State's string cap and memory quota before it is appended.

use super::args::{arg_error, Args};
use super::numfmt::{self, Spec};
use super::Work;
use crate::heap::Gc;
use crate::value::{NativeClosure, NativeKind, UserData, Value};
use crate::vm::{LuaError, Vm};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::sync::{Arc, Mutex, MutexGuard, Weak};

/// Size of file buffers.
const BUFSIZE: usize = 8192;
/// Longest numeral `read("n")` accepts (lua5.4's `L_MAXLENNUM`).
const MAX_NUMERAL: usize = 200;
/// Most formats `lines` accepts (lua5.4's `MAXARGLINE`).
const MAX_ARG_LINE: usize = 250;
/// errno values used for errors the OS does not report itself.
const EBADF: i32 = 9;
const ESPIPE: i32 = 29;

/// Registry keys.
const FILE_META: &[u8] = b"FILE*";
const IO_INPUT: &[u8] = b"_IO_input";
const IO_OUTPUT: &[u8] = b"_IO_output";

/// Every file opened in this process, so [`flush_all`] can reach them.
static OPEN_FILES: Mutex<Vec<Weak<Mutex<FileCore>>>> = Mutex::new(Vec::new());

/// Shared handle to a stream.
type Shared = Arc<Mutex<FileCore>>;

/// A read stopped by an I/O error (returned to the script as `fail, msg`) or by
/// a limit (raised).
enum ReadErr {
    Io(io::Error),
    Lua(LuaError),
}

impl From<io::Error> for ReadErr {
    fn from(e: io::Error) -> Self {
        ReadErr::Io(e)
    }
}

/// Called before `add` bytes read are appended to a result of `len` bytes.
type Grow<'a> = dyn FnMut(usize, usize) -> Result<(), LuaError> + 'a;

/// Locks a stream (a poisoned lock still holds a usable stream).
fn lock(f: &Shared) -> MutexGuard<'_, FileCore> {
    f.lock().unwrap_or_else(|e| e.into_inner())
}

/// Flushes the buffers of every open file and the VM's output sink (like C's
/// `exit` does).
pub fn flush_all(vm: &mut Vm) {
    let _ = vm.out.flush();
    let files: Vec<Shared> = OPEN_FILES
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .iter()
        .filter_map(Weak::upgrade)
        .collect();
    for f in files {
        if let Ok(mut f) = f.try_lock() {
            let _ = f.flush();
        }
    }
}

/// Buffering mode (`setvbuf`).
#[derive(Clone, Copy, PartialEq, Eq)]
enum BufMode {
    No,
    Full,
    Line,
}

/// What a handle is connected to.
enum Kind {
    Stdin,
    Stdout,
    Stderr,
    File(std::fs::File),
    Closed,
}

/// A buffered stream.
pub struct FileCore {
    kind: Kind,
    readable: bool,
    writable: bool,
    rbuf: Vec<u8>,
    rpos: usize,
    wbuf: Vec<u8>,
    mode: BufMode,
}

fn ebadf() -> io::Error {
    io::Error::from_raw_os_error(EBADF)
}

impl FileCore {
    fn new(kind: Kind, readable: bool, writable: bool) -> Self {
        FileCore {
            kind,
            readable,
            writable,
            rbuf: Vec::new(),
            rpos: 0,
            wbuf: Vec::new(),
            mode: BufMode::Full,
        }
    }

    fn is_closed(&self) -> bool {
        matches!(self.kind, Kind::Closed)
    }

    fn is_std(&self) -> bool {
        matches!(self.kind, Kind::Stdin | Kind::Stdout | Kind::Stderr)
    }

    /// Writes out the write buffer.
    fn flush(&mut self) -> io::Result<()> {
        match &mut self.kind {
            Kind::File(f) => {
                if !self.wbuf.is_empty() {
                    let r = f.write_all(&self.wbuf);
                    self.wbuf.clear();
                    r?;
                }
                Ok(())
            }
            Kind::Stderr => io::stderr().flush(),
            // Standard output is buffered by the VM's sink (see `flush_with`).
            _ => Ok(()),
        }
    }

    /// [`flush`](Self::flush), plus the VM's output sink for standard output.
    fn flush_with(&mut self, vm: &mut Vm) -> io::Result<()> {
        if matches!(self.kind, Kind::Stdout) {
            vm.out.flush()
        } else {
            self.flush()
        }
    }

    /// Gives back read-ahead data before writing or seeking.
    fn drop_read_ahead(&mut self) -> io::Result<()> {
        let unread = self.rbuf.len() - self.rpos;
        self.rbuf.clear();
        self.rpos = 0;
        if unread > 0 {
            if let Kind::File(f) = &mut self.kind {
                f.seek(SeekFrom::Current(-(unread as i64)))?;
            }
        }
        Ok(())
    }

    /// Makes buffered input available; false at end of file.
    fn fill(&mut self) -> io::Result<bool> {
        if self.rpos < self.rbuf.len() {
            return Ok(true);
        }
        if !self.readable {
            return Err(ebadf());
        }
        self.flush()?;
        let mut buf = std::mem::take(&mut self.rbuf);
        buf.resize(BUFSIZE, 0);
        let r = loop {
            let r = match &mut self.kind {
                Kind::File(f) => f.read(&mut buf),
                Kind::Stdin => io::stdin().lock().read(&mut buf),
                _ => Err(ebadf()),
            };
            match r {
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                r => break r,
            }
        };
        let n = *r.as_ref().unwrap_or(&0);
        buf.truncate(n);
        self.rbuf = buf;
        self.rpos = 0;
        r.map(|n| n > 0)
    }

    fn peek(&mut self) -> io::Result<Option<u8>> {
        Ok(if self.fill()? {
            Some(self.rbuf[self.rpos])
        } else {
            None
        })
    }

    /// Reads a line; returns whether the newline was found.
    fn read_line(
        &mut self,
        out: &mut Vec<u8>,
        keep_nl: bool,
        grow: &mut Grow<'_>,
    ) -> Result<bool, ReadErr> {
        while self.fill()? {
            let avail = &self.rbuf[self.rpos..];
            match avail.iter().position(|&c| c == b'\n') {
                Some(i) => {
                    let k = i + usize::from(keep_nl);
                    grow(out.len(), k).map_err(ReadErr::Lua)?;
                    out.extend_from_slice(&avail[..k]);
                    self.rpos += i + 1;
                    return Ok(true);
                }
                None => {
                    grow(out.len(), avail.len()).map_err(ReadErr::Lua)?;
                    out.extend_from_slice(avail);
                    self.rpos = self.rbuf.len();
                }
            }
        }
        Ok(false)
    }

    /// Reads up to `n` bytes.
    fn read_chars(
        &mut self,
        mut n: usize,
        out: &mut Vec<u8>,
        grow: &mut Grow<'_>,
    ) -> Result<(), ReadErr> {
        while n > 0 && self.fill()? {
            let avail = &self.rbuf[self.rpos..];
            let k = avail.len().min(n);
            grow(out.len(), k).map_err(ReadErr::Lua)?;
            out.extend_from_slice(&avail[..k]);
            self.rpos += k;
            n -= k;
        }
        Ok(())
    }

    fn read_all(&mut self, out: &mut Vec<u8>, grow: &mut Grow<'_>) -> Result<(), ReadErr> {
        while self.fill()? {
            let avail = &self.rbuf[self.rpos..];
            grow(out.len(), avail.len()).map_err(ReadErr::Lua)?;
            out.extend_from_slice(avail);
            self.rpos = self.rbuf.len();
        }
        Ok(())
    }

    /// lua5.4's `read_number`: reads the longest prefix that looks like a
    /// numeral (at most 200 characters) and converts it.
    fn read_number(&mut self) -> io::Result<Option<Value>> {
        while let Some(c) = self.peek()? {
            if !matches!(c, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c) {
                break;
            }
            self.rpos += 1;
        }
        let mut rn = NumReader {
            f: self,
            buf: Vec::new(),
            overflow: false,
        };
        rn.accept(b"-+")?;
        let mut count = 0;
        let mut hex = false;
        if rn.accept(b"00")? {
            if rn.accept(b"xX")? {
                hex = true;
            } else {
                count = 1;
            }
        }
        count += rn.digits(hex)?;
        if rn.accept(b"..")? {
            count += rn.digits(hex)?;
        }
        if count > 0 && rn.accept(if hex { b"pP" } else { b"eE" })? {
            rn.accept(b"-+")?;
            rn.digits(false)?;
        }
        if rn.overflow {
            return Ok(None);
        }
        Ok(
            crate::syntax::numeral::str_to_number(&rn.buf).map(|n| match n {
                crate::syntax::numeral::Numeral::Int(i) => Value::Int(i),
                crate::syntax::numeral::Numeral::Float(f) => Value::Num(f),
            }),
        )
    }

    /// Writes `data` (stdout goes through the VM's output sink).
    fn write(&mut self, vm: &mut Vm, data: &[u8]) -> io::Result<()> {
        if !self.writable {
            return Err(ebadf());
        }
        match &mut self.kind {
            Kind::Stdout => {
                vm.out.write_all(data)?;
                if self.mode == BufMode::No || (self.mode == BufMode::Line && data.contains(&b'\n'))
                {
                    vm.out.flush()?;
                }
                Ok(())
            }
            Kind::Stderr => io::stderr().write_all(data),
            Kind::File(_) => {
                if self.rpos < self.rbuf.len() || !self.rbuf.is_empty() {
                    self.drop_read_ahead()?;
                }
                self.wbuf.extend_from_slice(data);
                let flush = match self.mode {
                    BufMode::No => true,
                    BufMode::Line => data.contains(&b'\n'),
                    BufMode::Full => self.wbuf.len() >= BUFSIZE,
                };
                if flush {
                    self.flush()?;
                }
                Ok(())
            }
            _ => Err(ebadf()),
        }
    }

    fn seek(&mut self, whence: u8, off: i64) -> io::Result<u64> {
        let Kind::File(_) = self.kind else {
            return Err(io::Error::from_raw_os_error(ESPIPE));
        };
        self.flush()?;
        let unread = (self.rbuf.len() - self.rpos) as i64;
        self.rbuf.clear();
        self.rpos = 0;
        let Kind::File(f) = &mut self.kind else {
            unreachable!()
        };
        let pos = match whence {
            b's' => {
                if off < 0 {
                    // Leave the position where it was, like fseek does.
                    f.seek(SeekFrom::Current(-unread))?;
                    return Err(io::Error::from_raw_os_error(22));
                }
                SeekFrom::Start(off as u64)
            }
            b'c' => SeekFrom::Current(off.wrapping_sub(unread)),
            _ => SeekFrom::End(off),
        };
        match f.seek(pos) {
            Ok(p) => Ok(p),
            Err(e) => {
                let _ = f.seek(SeekFrom::Current(-unread));
                Err(e)
            }
        }
    }

    fn close(&mut self) -> io::Result<()> {
        let r = self.flush();
        self.kind = Kind::Closed;
        self.rbuf = Vec::new();
        self.rpos = 0;
        r
    }
}

impl Drop for FileCore {
    fn drop(&mut self) {
        let _ = self.flush();
    }
}

/// Reader state of `read_number`.
struct NumReader<'a> {
    f: &'a mut FileCore,
    buf: Vec<u8>,
    overflow: bool,
}

impl NumReader<'_> {
    /// Consumes the next character into the numeral if there is room.
    fn take(&mut self, c: u8) -> bool {
        if self.buf.len() >= MAX_NUMERAL {
            self.overflow = true;
            return false;
        }
        self.buf.push(c);
        self.f.rpos += 1;
        true
    }

    /// Consumes the next character if it is one of the two in `set`.
    fn accept(&mut self, set: &[u8; 2]) -> io::Result<bool> {
        match self.f.peek()? {
            Some(c) if c == set[0] || c == set[1] => Ok(self.take(c)),
            _ => Ok(false),
        }
    }

    fn digits(&mut self, hex: bool) -> io::Result<usize> {
        let mut n = 0;
        while let Some(c) = self.f.peek()? {
            let ok = if hex {
                c.is_ascii_hexdigit()
            } else {
                c.is_ascii_digit()
            };
            if !ok || !self.take(c) {
                break;
            }
            n += 1;
        }
        Ok(n)
    }
}

/// The data of a `FILE*` userdata.
pub struct LuaFile(Shared);

/// Registers the library: `io` with its functions and the three standard
/// handles, the `FILE*` metatable (also in the registry under `"FILE*"`).
pub fn open(vm: &mut Vm) {
    let lib = super::register_lib(
        vm,
        "io",
        &[
            ("close", io_close),
            ("flush", io_flush),
            ("input", io_input),
            ("lines", io_lines),
            ("open", io_open),
            ("output", io_output),
            ("popen", io_popen),
            ("read", io_read),
            ("tmpfile", io_tmpfile),
            ("type", io_type),
            ("write", io_write),
        ],
    );
    let Value::Table(lib) = lib else {
        unreachable!()
    };
    let methods = [
        ("close", f_close as crate::value::NativeFn),
        ("flush", f_flush),
        ("lines", f_lines),
        ("read", f_read),
        ("seek", f_seek),
        ("setvbuf", f_setvbuf),
        ("write", f_write),
    ];
    let mt_methods = vm.new_table(0, methods.len());
    for (name, f) in methods {
        let fv = vm.new_native(name, f);
        set_field(vm, mt_methods, name, fv);
    }
    let meta = vm.new_table(0, 5);
    set_field(vm, meta, "__index", Value::Table(mt_methods));
    let gc = vm.new_native("__gc", f_gc);
    set_field(vm, meta, "__gc", gc);
    set_field(vm, meta, "__close", gc);
    let ts = vm.new_native("__tostring", f_tostring);
    set_field(vm, meta, "__tostring", ts);
    let name = vm.new_str(b"FILE*");
    set_field(vm, meta, "__name", name);
    let key = vm.new_str(FILE_META);
    let reg = vm.registry;
    let grown = reg.get_mut().set(key, Value::Table(meta));
    vm.heap.account(grown as isize);

    let stdin = new_file(vm, Kind::Stdin, true, false);
    let stdout = new_file(vm, Kind::Stdout, false, true);
    let stderr = new_file(vm, Kind::Stderr, false, true);
    set_field(vm, lib, "stdin", stdin);
    set_field(vm, lib, "stdout", stdout);
    set_field(vm, lib, "stderr", stderr);
    set_reg(vm, IO_INPUT, stdin);
    set_reg(vm, IO_OUTPUT, stdout);
}

fn set_field(vm: &mut Vm, t: Gc<crate::value::Table>, name: &str, v: Value) {
    let k = vm.new_str(name.as_bytes());
    let grown = t.get_mut().set(k, v);
    vm.heap.account(grown as isize);
}

fn set_reg(vm: &mut Vm, key: &[u8], v: Value) {
    let k = vm.new_str(key);
    let reg = vm.registry;
    let grown = reg.get_mut().set(k, v);
    vm.heap.account(grown as isize);
}

fn get_reg(vm: &mut Vm, key: &[u8]) -> Value {
    let k = vm.new_str(key);
    vm.registry.get().get(k)
}

/// Wraps a stream in a new `FILE*` userdata.
fn new_file(vm: &mut Vm, kind: Kind, readable: bool, writable: bool) -> Value {
    let core = Arc::new(Mutex::new(FileCore::new(kind, readable, writable)));
    {
        let mut l = OPEN_FILES.lock().unwrap_or_else(|e| e.into_inner());
        l.retain(|w| w.strong_count() > 0);
        l.push(Arc::downgrade(&core));
    }
    let meta = match get_reg(vm, FILE_META) {
        Value::Table(t) => Some(t),
        _ => None,
    };
    Value::UData(vm.heap.alloc(UserData {
        data: Box::new(LuaFile(core)),
        host: false,
        user_value: Value::Nil,
        meta,
    }))
}

/// The stream of a `FILE*` value, if it is one.
fn as_file(v: Value) -> Option<Shared> {
    match v {
        Value::UData(u) => u.get().data.downcast_ref::<LuaFile>().map(|f| f.0.clone()),
        _ => None,
    }
}

/// lua5.4's `tofile`: argument `i` must be an open file.
fn to_file(vm: &Vm, a: &Args, i: usize) -> Result<Shared, LuaError> {
    let f = as_file(a.get(vm, i)).ok_or_else(|| a.expected(vm, i, "FILE*"))?;
    if lock(&f).is_closed() {
        return Err(LuaError::msg("attempt to use a closed file"));
    }
    Ok(f)
}

/// The default input or output file, which must be open.
fn io_file(vm: &mut Vm, key: &[u8]) -> Result<(Value, Shared), LuaError> {
    let v = get_reg(vm, key);
    match as_file(v) {
        Some(f) if !lock(&f).is_closed() => Ok((v, f)),
        _ => Err(LuaError::msg(format!(
            "default {} file is closed",
            if key == IO_INPUT { "input" } else { "output" }
        ))),
    }
}

/// `luaL_fileresult` for a failure: pushes `nil, message, errno`.
pub(crate) fn push_error(vm: &mut Vm, e: &io::Error, fname: Option<&[u8]>) -> usize {
    let code = e.raw_os_error().unwrap_or(0);
    let text = strerror(e);
    let mut msg = Vec::new();
    if let Some(n) = fname {
        msg.extend_from_slice(n);
        msg.extend_from_slice(b": ");
    }
    msg.extend_from_slice(text.as_bytes());
    vm.push(Value::Nil);
    let m = vm.new_str_vec(msg);
    vm.push(m);
    vm.push(Value::Int(code as i64));
    3
}

/// The OS's reason for a failed file operation, as C's `strerror` words it.
pub(crate) fn strerror(e: &io::Error) -> String {
    let mut text = e.to_string();
    if let Some(i) = text.rfind(" (os error ") {
        text.truncate(i);
    }
    text
}

/// Opens `name` with a C `fopen` mode (already validated).
fn open_path(name: &[u8], mode: &[u8]) -> io::Result<(std::fs::File, bool, bool)> {
    use std::os::unix::ffi::OsStrExt;
    let path = std::path::Path::new(std::ffi::OsStr::from_bytes(name));
    let plus = mode.contains(&b'+');
    let mut o = std::fs::OpenOptions::new();
    let (r, w) = match mode[0] {
        b'r' => {
            o.read(true).write(plus);
            (true, plus)
        }
        b'w' => {
            o.write(true).create(true).truncate(true).read(plus);
            (plus, true)
        }
        _ => {
            o.append(true).create(true).read(plus);
            (plus, true)
        }
    };
    o.open(path).map(|f| (f, r, w))
}

/// lua5.4's `l_checkmode`: `[rwa]%+?b*`.
fn valid_mode(m: &[u8]) -> bool {
    match m.split_first() {
        Some((c, rest)) if b"rwa".contains(c) => {
            let rest = rest.strip_prefix(b"+").unwrap_or(rest);
            rest.iter().all(|&c| c == b'b')
        }
        _ => false,
    }
}

/// `opencheckfile`: opens a file or raises `cannot open file`.
fn open_or_raise(vm: &mut Vm, name: &[u8], mode: &[u8]) -> Result<Value, LuaError> {
    match open_path(name, mode) {
        Ok((f, r, w)) => Ok(new_file(vm, Kind::File(f), r, w)),
        Err(e) => Err(LuaError::msg(format!(
            "cannot open file '{}' ({})",
            String::from_utf8_lossy(name),
            strerror(&e)
        ))),
    }
}

fn io_open(vm: &mut Vm, base: usize, n: usize) -> Result<usize, LuaError> {
    let a = Args::new(base, n, "open");
    let name = a.check_str(vm, 1)?;
    let mode = a.opt_str(vm, 2)?;
    let mode: &[u8] = mode.as_ref().map_or(b"r", |m| m.as_bytes());
    if !valid_mode(mode) {
        return Err(arg_error("open", 2, "invalid mode"));
    }
    match open_path(name.as_bytes(), mode) {
        Ok((f, r, w)) => {
            let v = new_file(vm, Kind::File(f), r, w);
            vm.push(v);
            Ok(1)
        }
        Err(e) => Ok(push_error(vm, &e, Some(name.as_bytes()))),
    }
}

fn io_popen(_vm: &mut Vm, _base: usize, _n: usize) -> Result<usize, LuaError> {
    Err(LuaError::msg("'popen' not supported"))
}

fn io_tmpfile(vm: &mut Vm, _base: usize, _n: usize) -> Result<usize, LuaError> {
    match create_temp() {
        Ok((f, path)) => {
            // Unlinked at once: the file lives until the handle is closed.
            let _ = std::fs::remove_file(&path);
            let v = new_file(vm, Kind::File(f), true, true);
            vm.push(v);
            Ok(1)
        }
        Err(e) => Ok(push_error(vm, &e, None)),
    }
}

/// Creates a new empty file `/tmp/lua_XXXXXX` (like `mkstemp`).
pub(crate) fn create_temp() -> io::Result<(std::fs::File, std::path::PathBuf)> {
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let dir = std::path::Path::new("/tmp");
    let mut last = None;
    for _ in 0..100 {
        let k = COUNTER.fetch_add(1, Ordering::Relaxed);
        let mut x = (std::process::id() as u64) << 20 ^ k.wrapping_mul(0x9E37_79B9_7F4A_7C15);
        let mut name = String::from("lua_");
        for _ in 0..6 {
            let c = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
                [(x % 62) as usize];
            name.push(c as char);
            x /= 62;
        }
        let path = dir.join(name);
        match std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create_new(true)
            .open(&path)
        {
            Ok(f) => return Ok((f, path)),
            Err(e) => last = Some(e),
        }
    }
    Err(last.unwrap_or_else(|| io::Error::from_raw_os_error(17)))
}

fn io_type(vm: &mut Vm, base: usize, n: usize) -> Result<usize, LuaError> {
    let a = Args::new(base, n, "type");
    let v = a.check_any(vm, 1)?;
    let r = match as_file(v) {
        Some(f) if lock(&f).is_closed() => vm.new_str(b"closed file"),
        Some(_) => vm.new_str(b"file"),
        None => Value::Nil,
    };
    vm.push(r);
    Ok(1)
}

/// `io.input`/`io.output`.
fn io_file_fn(
    vm: &mut Vm,
    base: usize,
    n: usize,
    name: &'static str,
    key: &[u8],
    mode: &[u8],
) -> Result<usize, LuaError> {
    let a = Args::new(base, n, name);
    let v = a.get(vm, 1);
    if !v.is_nil() {
        let f = match v {
            Value::Str(_) | Value::Int(_) | Value::Num(_) => {
                let fname = a.check_str(vm, 1)?;
                open_or_raise(vm, fname.as_bytes(), mode)?
            }
            _ => {
                to_file(vm, &a, 1)?;
                v
            }
        };
        set_reg(vm, key, f);
    }
    let cur = get_reg(vm, key);
    vm.push(cur);
    Ok(1)
}

fn io_input(vm: &mut Vm, base: usize, n: usize) -> Result<usize, LuaError> {
    io_file_fn(vm, base, n, "input", IO_INPUT, b"r")
}

fn io_output(vm: &mut Vm, base: usize, n: usize) -> Result<usize, LuaError> {
    io_file_fn(vm, base, n, "output", IO_OUTPUT, b"w")
}

/// Closes a file handle: standard files refuse.
fn close_file(vm: &mut Vm, f: &Shared) -> usize {
    let mut core = lock(f);
    if core.is_std() {
        drop(core);
        vm.push(Value::Nil);
        let m = vm.new_str(b"cannot close standard file");
        vm.push(m);
        return 2;
    }
    let r = core.close();
    drop(core);
    match r {
        Ok(()) => {
            vm.push(Value::Bool(true));
            1
        }
        Err(e) => push_error(vm, &e, None),
    }
}

fn io_close(vm: &mut Vm, base: usize, n: usize) -> Result<usize, LuaError> {
    let a = Args::new(base, n, "close");
    let f = if a.get(vm, 1).is_nil() {
        let v = get_reg(vm, IO_OUTPUT);
        let f = as_file(v).ok_or_else(|| LuaError::msg("default output file is closed"))?;
        if lock(&f).is_closed() {
            return Err(LuaError::msg("attempt to use a closed file"));
        }
        f
    } else {
        to_file(vm, &a, 1)?
    };
    Ok(close_file(vm, &f))
}

fn f_close(vm: &mut Vm, base: usize, n: usize) -> Result<usize, LuaError> {
    let f = to_file(vm, &Args::new(base, n, "close"), 1)?;
    Ok(close_file(vm, &f))
}

/// `__gc` and `__close` of a file: closes it unless it is a standard stream.
fn f_gc(vm: &mut Vm, base: usize, n: usize) -> Result<usize, LuaError> {
    let a = Args::new(base, n, "__gc");
    let f = as_file(a.get(vm, 1)).ok_or_else(|| a.expected(vm, 1, "FILE*"))?;
    let mut core = lock(&f);
    if !core.is_std() && !core.is_closed() {
        let _ = core.close();
    }
    Ok(0)
}

fn f_tostring(vm: &mut Vm, base: usize, n: usize) -> Result<usize, LuaError> {
    let a = Args::new(base, n, "__tostring");
    let v = a.get(vm, 1);
    let f = as_file(v).ok_or_else(|| a.expected(vm, 1, "FILE*"))?;
    let text = if lock(&f).is_closed() {
        "file (closed)".to_string()
    } else {
        let Value::UData(u) = v else { unreachable!() };
        format!("file (0x{:08x})", vm.object_id(u))
    };
    let s = vm.new_str_vec(text.into_bytes());
    vm.push(s);
    Ok(1)
}

fn flush_result(vm: &mut Vm, f: &Shared) -> usize {
    let r = lock(f).flush_with(vm);
    match r {
        Ok(()) => {
            vm.push(Value::Bool(true));
            1
        }
        Err(e) => push_error(vm, &e, None),
    }
}

fn io_flush(vm: &mut Vm, _base: usize, _n: usize) -> Result<usize, LuaError> {
    let (_, f) = io_file(vm, IO_OUTPUT)?;
    Ok(flush_result(vm, &f))
}

fn f_flush(vm: &mut Vm, base: usize, n: usize) -> Result<usize, LuaError> {
    let f = to_file(vm, &Args::new(base, n, "flush"), 1)?;
    Ok(flush_result(vm, &f))
}

fn f_setvbuf(vm: &mut Vm, base: usize, n: usize) -> Result<usize, LuaError> {
    let a = Args::new(base, n, "setvbuf");
    let f = to_file(vm, &a, 1)?;
    let m = a.check_str(vm, 2)?;
    let mode = match m.as_bytes() {
        b"no" => BufMode::No,
        b"full" => BufMode::Full,
        b"line" => BufMode::Line,
        other => {
            return Err(arg_error(
                "setvbuf",
                2,
                &format!("invalid option '{}'", String::from_utf8_lossy(other)),
            ))
        }
    };
    a.opt_int(vm, 3, 0)?;
    let r = {
        let mut core = lock(&f);
        core.mode = mode;
        core.flush_with(vm)
    };
    match r {
        Ok(()) => {
            vm.push(Value::Bool(true));
            Ok(1)
        }
        Err(e) => Ok(push_error(vm, &e, None)),
    }
}

fn f_seek(vm: &mut Vm, base: usize, n: usize) -> Result<usize, LuaError> {
    let a = Args::new(base, n, "seek");
    let f = to_file(vm, &a, 1)?;
    let whence = match a.opt_str(vm, 2)? {
        None => b'c',
        Some(s) => match s.as_bytes() {
            b"set" => b's',
            b"cur" => b'c',
            b"end" => b'e',
            other => {
                return Err(arg_error(
                    "seek",
                    2,
                    &format!("invalid option '{}'", String::from_utf8_lossy(other)),
                ))
            }
        },
    };
    let off = a.opt_int(vm, 3, 0)?;
    let r = lock(&f).seek(whence, off);
    match r {
        Ok(p) => {
            vm.push(Value::Int(p as i64));
            Ok(1)
        }
        Err(e) => Ok(push_error(vm, &e, None)),
    }
}

/// `g_write`: writes arguments `first..=n`; returns the file or an error triple.
fn g_write(
    vm: &mut Vm,
    a: &Args,
    first: usize,
    file: Value,
    f: &Shared,
) -> Result<usize, LuaError> {
    // Each piece is checked against the memory quota and charged before it is
    // appended (numbers, a few dozen bytes, once written).
    let mut work = Work::default();
    let mut buf = Vec::new();
    let mut bad = None;
    for i in first..=a.n {
        let len = buf.len();
        match a.get(vm, i) {
            Value::Int(x) => numfmt::write_int(&mut buf, x),
            Value::Num(x) => {
                let spec = Spec {
                    prec: Some(14),
                    ..Spec::default()
                };
                numfmt::format_float(&mut buf, x, b'g', &spec);
            }
            Value::Str(s) => {
                work.grow(vm, s.len(), len + s.len())?;
                buf.extend_from_slice(s.as_bytes());
                continue;
            }
            _ => {
                bad = Some(i);
                break;
            }
        }
        work.bytes(vm, buf.len() - len)?;
    }
    work.finish(vm)?;
    // Arguments before a bad one are written, as lua5.4 writes as it goes.
    let r = if buf.is_empty() {
        Ok(())
    } else {
        lock(f).write(vm, &buf)
    };
    if let Some(i) = bad {
        return Err(a.expected(vm, i, "string"));
    }
    match r {
        Ok(()) => {
            vm.push(file);
            Ok(1)
        }
        Err(e) => Ok(push_error(vm, &e, None)),
    }
}

fn io_write(vm: &mut Vm, base: usize, n: usize) -> Result<usize, LuaError> {
    let (v, f) = io_file(vm, IO_OUTPUT)?;
    g_write(vm, &Args::new(base, n, "write"), 1, v, &f)
}

fn f_write(vm: &mut Vm, base: usize, n: usize) -> Result<usize, LuaError> {
    let a = Args::new(base, n, "write");
    let f = to_file(vm, &a, 1)?;
    let v = a.get(vm, 1);
    g_write(vm, &a, 2, v, &f)
}

/// One `read` format.
enum Fmt {
    Count(usize),
    Number,
    Line(bool),
    All,
}

fn parse_format(vm: &Vm, v: Value, name: &'static str, argno: usize) -> Result<Fmt, LuaError> {
    match v {
        Value::Int(_) | Value::Num(_) => match crate::vm::arith::to_int_exact(v) {
            Some(k) => Ok(Fmt::Count(k.max(0) as u64 as usize)),
            None => Err(arg_error(
                name,
                argno,
                "number has no integer representation",
            )),
        },
        Value::Str(s) => {
            let b = s.as_bytes();
            let b = b.strip_prefix(b"*").unwrap_or(b);
            match b.first() {
                Some(b'n') => Ok(Fmt::Number),
                Some(b'l') => Ok(Fmt::Line(false)),
                Some(b'L') => Ok(Fmt::Line(true)),
                Some(b'a') => Ok(Fmt::All),
                _ => Err(arg_error(name, argno, "invalid format")),
            }
        }
        _ => Err(arg_error(
            name,
            argno,
            &format!("string expected, got {}", vm.type_name_of(v)),
        )),
    }
}

/// `g_read`: reads with `formats` (Lua argument numbers start at `first`);
/// pushes one value per format up to the first failure (a nil), or an error
/// triple. Returns the number of values pushed.
fn g_read(
    vm: &mut Vm,
    f: &Shared,
    formats: &[Value],
    name: &'static str,
    first: usize,
) -> Result<usize, LuaError> {
    let fmts: Vec<Value> = if formats.is_empty() {
        vec![Value::Nil]
    } else {
        formats.to_vec()
    };
    if matches!(lock(f).kind, Kind::Stdin) {
        // Show pending output (e.g. a prompt) before waiting for input.
        let _ = vm.out.flush();
    }
    let mut pushed = 0;
    for (k, &fv) in fmts.iter().enumerate() {
        let fmt = if formats.is_empty() {
            Fmt::Line(false)
        } else {
            parse_format(vm, fv, name, first + k)?
        };
        let r: Result<Option<Value>, ReadErr> = {
            let mut core = lock(f);
            let mut out = Vec::new();
            let mut work = Work::default();
            let mut grow = |len: usize, add: usize| {
                let total = len.saturating_add(add);
                if total > vm.max_string {
                    return Err(LuaError::msg("resulting string too large"));
                }
                work.grow(vm, add, total)
            };
            let r = match fmt {
                Fmt::Count(0) => core.peek().map(|c| c.is_some()).map_err(ReadErr::Io),
                Fmt::Count(cnt) => core
                    .read_chars(cnt, &mut out, &mut grow)
                    .map(|_| !out.is_empty()),
                Fmt::Number => match core.read_number() {
                    Ok(v) => {
                        drop(core);
                        vm.push(v.unwrap_or(Value::Nil));
                        pushed += 1;
                        if v.is_none() {
                            break;
                        }
                        continue;
                    }
                    Err(e) => Err(ReadErr::Io(e)),
                },
                Fmt::Line(keep) => core
                    .read_line(&mut out, keep, &mut grow)
                    .map(|nl| nl || !out.is_empty()),
                Fmt::All => core.read_all(&mut out, &mut grow).map(|_| true),
            };
            drop(core);
            match r {
                Ok(true) => work.finish(vm).map_err(ReadErr::Lua).map(|_| {
                    // `read(0)` succeeds with an empty string.
                    Some(vm.new_str_vec(out))
                }),
                Ok(false) => Ok(None),
                Err(e) => Err(e),
            }
        };
        match r {
            Err(ReadErr::Lua(e)) => return Err(e),
            Err(ReadErr::Io(e)) => {
                vm.top -= pushed;
                return Ok(push_error(vm, &e, None));
            }
            Ok(Some(v)) => {
                vm.push(v);
                pushed += 1;
            }
            Ok(None) => {
                vm.push(Value::Nil);
                pushed += 1;
                break;
            }
        }
    }
    Ok(pushed)
}

fn io_read(vm: &mut Vm, base: usize, n: usize) -> Result<usize, LuaError> {
    let (_, f) = io_file(vm, IO_INPUT)?;
    let formats = vm.stack[base..base + n].to_vec();
    g_read(vm, &f, &formats, "read", 1)
}

fn f_read(vm: &mut Vm, base: usize, n: usize) -> Result<usize, LuaError> {
    let f = to_file(vm, &Args::new(base, n, "read"), 1)?;
    let formats = vm.stack[base + 1..base + n].to_vec();
    g_read(vm, &f, &formats, "read", 2)
}

/// `aux_lines`: the iterator closure over `file` with the formats in
/// arguments `from..=n`.
fn make_lines(
    vm: &mut Vm,
    base: usize,
    n: usize,
    from: usize,
    file: Value,
    to_close: bool,
    name: &'static str,
) -> Result<Value, LuaError> {
    let nfmt = (n + 1).saturating_sub(from);
    if nfmt > MAX_ARG_LINE {
        return Err(arg_error(name, MAX_ARG_LINE + 2, "too many arguments"));
    }
    let mut up = Vec::with_capacity(2 + nfmt);
    up.push(file);
    up.push(Value::Bool(to_close));
    up.extend_from_slice(&vm.stack[base + from - 1..base + n]);
    let c = vm.heap.alloc(NativeClosure {
        kind: NativeKind::Plain(lines_step),
        name: "for iterator",
        upvals: up.into_boxed_slice(),
        host: None,
    });
    Ok(Value::NatFn(c))
}

fn lines_step(vm: &mut Vm, _base: usize, _n: usize) -> Result<usize, LuaError> {
    let nc = super::string::running_native(vm);
    let file = nc.upvals[0];
    let to_close = nc.upvals[1].is_truthy();
    let formats: Vec<Value> = nc.upvals[2..].to_vec();
    let f = as_file(file).expect("lines iterator over a file");
    if lock(&f).is_closed() {
        return Err(LuaError::msg("file is already closed"));
    }
    let got = g_read(vm, &f, &formats, "for iterator", 2)?;
    let first = vm.stack[vm.top - got];
    if first.is_truthy() {
        return Ok(got);
    }
    if got > 1 {
        // An error triple: raise its message.
        let msg = vm.stack[vm.top - got + 1];
        return Err(LuaError::msg(
            String::from_utf8_lossy(msg.as_str().unwrap_or(b"?")).into_owned(),
        ));
    }
    if to_close {
        let _ = lock(&f).close();
    }
    Ok(0)
}

fn io_lines(vm: &mut Vm, base: usize, n: usize) -> Result<usize, LuaError> {
    let a = Args::new(base, n, "lines");
    if a.get(vm, 1).is_nil() {
        let (v, _) = io_file(vm, IO_INPUT)?;
        let it = make_lines(vm, base, n.max(1), 2, v, false, "lines")?;
        vm.push(it);
        return Ok(1);
    }
    let name = a.check_str(vm, 1)?;
    let file = open_or_raise(vm, name.as_bytes(), b"r")?;
    vm.push(file); // rooted while the iterator is built
    let it = make_lines(vm, base, n, 2, file, true, "lines")?;
    vm.top -= 1;
    vm.push(it);
    vm.push(Value::Nil);
    vm.push(Value::Nil);
    vm.push(file);
    Ok(4)
}

fn f_lines(vm: &mut Vm, base: usize, n: usize) -> Result<usize, LuaError> {
    let a = Args::new(base, n, "lines");
    to_file(vm, &a, 1)?;
    let file = a.get(vm, 1);
    let it = make_lines(vm, base, n, 2, file, false, "lines")?;
    vm.push(it);
    Ok(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modes() {
        for m in ["r", "w", "a", "r+", "w+b", "ab", "rbb"] {
            assert!(valid_mode(m.as_bytes()), "{m}");
        }
        for m in ["", "x", "rb+", "r+bx", "+r"] {
            assert!(!valid_mode(m.as_bytes()), "{m}");
        }
    }

    #[test]
    fn buffered_read_write_seek() {
        let (f, path) = create_temp().unwrap();
        let _ = std::fs::remove_file(&path);
        let mut c = FileCore::new(Kind::File(f), true, true);
        let mut vm = Vm::new();
        c.write(&mut vm, b"hello\n12.5 -016 x\n").unwrap();
        assert_eq!(c.seek(b's', 0).unwrap(), 0);
        let mut line = Vec::new();
        let mut ok = |_: usize, _: usize| Ok(());
        assert!(c.read_line(&mut line, false, &mut ok).is_ok_and(|nl| nl));
        assert_eq!(line, b"hello");
        assert!(matches!(c.read_number().unwrap(), Some(Value::Num(x)) if x == 12.5));
        assert!(matches!(c.read_number().unwrap(), Some(Value::Int(-16))));
        assert!(c.read_number().unwrap().is_none());
        assert_eq!(c.seek(b'c', 0).unwrap(), 16);
        c.write(&mut vm, b"Y").unwrap();
        assert_eq!(c.seek(b's', 0).unwrap(), 0);
        let mut all = Vec::new();
        assert!(c.read_all(&mut all, &mut ok).is_ok());
        assert_eq!(all, b"hello\n12.5 -016 Y\n");
    }
}
