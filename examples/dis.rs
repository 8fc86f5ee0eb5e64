//! Prints the bytecode of a Lua file: `cargo run --example dis -- file.lua`.
fn main() {
    let path = std::env::args().nth(1).expect("usage: dis file.lua");
    let src = std::fs::read(&path).expect("read");
    match mani::bytecode_listing(&src, &path) {
        Ok(l) => print!("{l}"),
        Err(e) => eprintln!("{e}"),
    }
}
