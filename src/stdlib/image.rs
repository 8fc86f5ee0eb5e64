//! The standard library built once and shared by States.
//!
//! Installing the libraries into every new State means interning a few hundred
//! names and allocating a native function object for each library function. An
//! image does that once: it runs the install code in a scratch State whose strings
//! and native functions are allocated frozen (immutable, shared read-only by every
//! State made from the image, on any thread; see `heap::Frozen`), and keeps copies
//! of the library tables as templates. A new State copies the templates, relinks
//! the tables that refer to each other, and finds every library name already
//! interned. Libraries that hold per-State objects (`io`'s files, `package`'s
//! search state) are still installed per State.

use crate::heap::{Frozen, Gc};
use crate::value::{LuaStr, StrTable, Table, Value};
use crate::vm::Vm;
use std::sync::{Arc, Mutex, OnceLock};

/// `StdLib` bits of the libraries an image can hold (all but `io` and `package`).
const IMAGE_BITS: u32 = !(4 | 128);

/// A built standard library: frozen objects and table templates.
pub(crate) struct Image {
    frozen: Arc<Frozen>,
    /// The scratch State's tables in allocation order; entries that referred to
    /// other tables hold `false` until relinked.
    tables: Vec<Table>,
    /// `(table, key, target)`: the entry `key` of `table` is the table `target`.
    links: Vec<(usize, Value, usize)>,
    /// `(table, metatable)`.
    metas: Vec<(usize, usize)>,
    globals: usize,
    registry: usize,
    string_meta: Option<usize>,
    tm_names: Vec<Gc<LuaStr>>,
}

// SAFETY: an image holds frozen objects (shareable, see `heap::Frozen`) and table
// templates whose values are frozen objects, numbers, booleans or placeholders; it
// is only read after it is built (templates are cloned, never changed).
unsafe impl Send for Image {}
// SAFETY: as above.
unsafe impl Sync for Image {}

impl Image {
    /// Builds the image of the libraries in `bits` (`StdLib` flags; `io` and
    /// `package` are left out).
    fn build(bits: u32) -> Image {
        let mut heap = crate::heap::Heap::new();
        // From the start, so that the metamethod names are frozen too.
        heap.start_freezing();
        let mut vm = Vm::new_in(heap, StrTable::default());
        let tm_names = vm.tm_names.clone();
        super::open_selected(&mut vm, bits & IMAGE_BITS);
        // Made on first use otherwise; here once for all.
        let _ = vm.get_registry_fn("ipairs_aux", super::base::ipairs_aux);
        let mut frozen = vm.heap.take_frozen();
        vm.strings.freeze_into(&mut frozen);

        let objs = vm.heap.tables();
        let index_of = |t: Gc<Table>| objs.iter().position(|&o| o == t);
        let mut tables = Vec::with_capacity(objs.len());
        let (mut links, mut metas) = (Vec::new(), Vec::new());
        for (i, &t) in objs.iter().enumerate() {
            let mut copy = t.get().clone();
            for (k, v) in copy.array_and_entries_mut() {
                if let Value::Table(target) = *v {
                    let target = index_of(target).expect("a library table");
                    links.push((i, k, target));
                    *v = Value::Bool(false);
                }
                // A value of the scratch State's own would dangle once it is
                // dropped: every library value must be frozen or plain data.
                assert!(
                    shareable(k) && shareable(*v),
                    "mani: a library value that cannot be shared"
                );
            }
            if let Some(m) = copy.meta.take() {
                metas.push((i, index_of(m).expect("a library metatable")));
            }
            tables.push(copy);
        }
        Image {
            frozen: Arc::new(frozen),
            globals: index_of(vm.globals).expect("globals"),
            registry: index_of(vm.registry).expect("registry"),
            string_meta: vm
                .string_meta
                .map(|m| index_of(m).expect("string metatable")),
            tables,
            links,
            metas,
            tm_names,
        }
    }

    /// A new State with this image's libraries, as the install code would have
    /// left it.
    pub(crate) fn instantiate(self: &Arc<Image>) -> Vm {
        let mut heap = crate::heap::Heap::new();
        let made: Vec<Gc<Table>> = self.tables.iter().map(|t| heap.alloc(t.clone())).collect();
        for &(t, k, target) in &self.links {
            // Replacing an existing key keeps the insertion order.
            let _ = made[t].get_mut().set(k, Value::Table(made[target]));
        }
        for &(t, m) in &self.metas {
            made[t].get_mut().meta = Some(made[m]);
        }
        let strings = StrTable::with_base(self.frozen.clone());
        let mut vm = Vm::from_parts(
            heap,
            strings,
            made[self.globals],
            made[self.registry],
            self.tm_names.clone(),
        );
        vm.string_meta = self.string_meta.map(|i| made[i]);
        vm.image = Some(self.clone());
        vm
    }
}

/// True for values a template may hold: frozen objects and plain data.
fn shareable(v: Value) -> bool {
    match v {
        Value::Str(s) => s.is_marked(),
        Value::NatFn(f) => f.is_marked(),
        Value::Nil | Value::Bool(_) | Value::Int(_) | Value::Num(_) => true,
        _ => false,
    }
}

/// The image for `bits`, built on first use and kept for the process.
pub(crate) fn image(bits: u32) -> Arc<Image> {
    /// Built images by library bits.
    type Cache = Mutex<Vec<(u32, Arc<Image>)>>;
    static IMAGES: OnceLock<Cache> = OnceLock::new();
    let bits = bits & IMAGE_BITS;
    let cache = IMAGES.get_or_init(Default::default);
    let mut cache = cache.lock().unwrap_or_else(|e| e.into_inner());
    if let Some((_, img)) = cache.iter().find(|(b, _)| *b == bits) {
        return img.clone();
    }
    let img = Arc::new(Image::build(bits));
    cache.push((bits, img.clone()));
    img
}

/// A State with the libraries in `bits` (as [`super::open_selected`] installs
/// them), made from the shared image; `io` and `package` are installed after.
pub(crate) fn new_state(bits: u32) -> Vm {
    let mut vm = image(bits).instantiate();
    if bits & 4 != 0 {
        super::io::open(&mut vm);
    }
    if bits & 128 != 0 {
        super::package::open(&mut vm);
    }
    if bits & (4 | 128) != 0 {
        super::register_loaded(&mut vm);
    }
    vm
}
