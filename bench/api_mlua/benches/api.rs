// The cases of mani's benches/api.rs, compiled against mlua.
extern crate mlua as mani;
include!("../../../benches/api.rs");
