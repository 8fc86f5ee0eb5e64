//! The mlua host program (`tests/mlua_compat/src/main.rs`, written against mlua 0.12)
//! compiled against mani, as its Cargo.toml does with
//! `mlua = { package = "mani", path = "../.." }`: its output must be what it prints
//! with mlua (`expected.txt`, made by `tests/mlua_compat/regen.sh`).

extern crate mani as mlua;

#[allow(dead_code)]
#[path = "mlua_compat/src/main.rs"]
mod host;

#[test]
fn mlua_host_prints_what_it_prints_with_mlua() {
    let mut out = Vec::new();
    host::run(&mut out).unwrap_or_else(|e| panic!("host failed: {e}"));
    let got = String::from_utf8(out).unwrap();
    let want = include_str!("mlua_compat/expected.txt");
    if got != want {
        for (i, (g, w)) in got.lines().zip(want.lines()).enumerate() {
            if g != w {
                panic!(
                    "line {}: got\n  {g}\nwant\n  {w}\n\nfull output:\n{got}",
                    i + 1
                );
            }
        }
        panic!("output length differs:\n{got}");
    }
}
