//! Prints the bytecode of a Lua file: `cargo run --example dis -- file.lua`.
use std::sync::Arc;

fn dump(p: &Arc<mani::bytecode::Proto>, depth: usize) {
    let pad = "  ".repeat(depth);
    println!(
        "{pad}function <{}:{}> params={} vararg={} maxstack={} consts={}",
        p.source,
        p.line_defined,
        p.num_params,
        p.is_vararg,
        p.max_stack,
        p.consts.len()
    );
    for (pc, i) in p.code.iter().enumerate() {
        println!("{pad}  {pc:4} [{:3}] {:?}", p.lines[pc], i);
    }
    for c in &p.protos {
        dump(c, depth + 1);
    }
}

fn main() {
    let path = std::env::args().nth(1).expect("usage: dis file.lua");
    let src = std::fs::read(&path).expect("read");
    let ast = mani::syntax::parse(&src, &path).unwrap_or_else(|e| panic!("{}", e.message));
    let p = mani::compiler::compile(&ast, &path).unwrap_or_else(|e| panic!("{}", e.message));
    dump(&p, 0);
}
