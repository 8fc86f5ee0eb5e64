// bench/api_calls/calls.rs compiled against mlua.
extern crate mlua as mani;
include!("../api_calls/calls.rs");
