//! stand-in
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Numeral { Int(i64), Float(f64) }
pub fn str_to_number(s: &[u8]) -> Option<Numeral> { let t = std::str::from_utf8(s).ok()?.trim(); t.parse::<i64>().ok().map(Numeral::Int).or_else(|| t.parse::<f64>().ok().map(Numeral::Float)) }
