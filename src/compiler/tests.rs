//! Compiler unit tests: compile small chunks and inspect the emitted code.

use crate::bytecode::Op;

fn ops(src: &str) -> Vec<Op> {
    let ast = crate::syntax::parse(src.as_bytes(), "t").unwrap_or_else(|e| panic!("{}", e.message));
    let p = super::compile(&ast, "t").unwrap_or_else(|e| panic!("{}", e.message));
    p.code.iter().map(|i| i.op()).collect()
}

#[test]
fn constant_folding_emits_one_load() {
    let o = ops("local x = 2 * 3 + 1");
    assert_eq!(o[1], Op::LoadI);
    assert!(!o.contains(&Op::Mul));
}

#[test]
fn field_access_uses_constant_key_forms() {
    let o = ops("local t = {} t.x = t.x + 1");
    assert!(o.contains(&Op::GetField));
    assert!(o.contains(&Op::SetField));
    assert!(o.contains(&Op::AddI));
}

#[test]
fn comparison_with_small_int_uses_immediate() {
    let o = ops("local n = 1 if n < 10 then n = 2 end");
    assert!(o.contains(&Op::LtI));
}

#[test]
fn subtraction_of_small_int_keeps_its_operator() {
    // An ADDI of the negated constant would call `__add` on a table operand: `x - 3`
    // is its own immediate form.
    let o = ops("local x = ... local y = x - 3 local z = x + 3");
    assert!(o.contains(&Op::SubI));
    assert_eq!(o.iter().filter(|&&op| op == Op::AddI).count(), 1);
}
