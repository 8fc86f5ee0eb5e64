//! The runtime cost profile: units charged, attributed to source lines.

use super::{ends_segment, CostModel};
use crate::bytecode::Proto;
use std::collections::BTreeMap;
use std::sync::Arc;

/// Units charged per `(chunk, line)`. Instruction costs go to the instruction's line
/// (a segment's charge is split over its instructions); native work goes to the line
/// of the Lua code that called the native function.
#[derive(Debug, Default, Clone)]
pub struct Profile {
    /// Deterministic order: by chunk name, then line.
    pub lines: BTreeMap<(Arc<str>, u32), u64>,
}

impl Profile {
    /// Attributes the segment starting at `pc` of `p`.
    pub fn add_segment(&mut self, p: &Proto, pc: usize, model: &CostModel) {
        let mut i = pc;
        while i < p.code.len() {
            let op = p.code[i].op();
            let c = model.op(op) as u64;
            if c > 0 {
                self.add(&p.source, p.lines.get(i).copied().unwrap_or(0), c);
            }
            if ends_segment(op) {
                break;
            }
            i += 1;
        }
    }

    /// Adds `units` to a line.
    pub fn add(&mut self, chunk: &Arc<str>, line: u32, units: u64) {
        if let Some(v) = self.lines.get_mut(&(chunk.clone(), line)) {
            *v += units;
        } else {
            self.lines.insert((chunk.clone(), line), units);
        }
    }

    /// Total units attributed.
    pub fn total(&self) -> u64 {
        self.lines.values().sum()
    }

    /// A report: one line per source line with a cost, most expensive first (ties in
    /// source order), with its share of the total; `source` gives line text when the
    /// chunk's source is known.
    ///
    /// ```
    /// use mani::meter::Profile;
    /// let mut p = Profile::default();
    /// p.add(&"a.lua".into(), 3, 30);
    /// p.add(&"a.lua".into(), 1, 10);
    /// let r = p.report(|_, _| None);
    /// assert!(r.lines().nth(1).unwrap().contains("a.lua:3"));
    /// ```
    pub fn report(&self, mut source: impl FnMut(&str, u32) -> Option<String>) -> String {
        let total = self.total().max(1);
        let mut rows: Vec<_> = self.lines.iter().collect();
        rows.sort_by(|a, b| b.1.cmp(a.1).then_with(|| a.0.cmp(b.0)));
        let mut out = format!("{:>12}  {:>6}  line\n", "cost", "%");
        for ((chunk, line), units) in rows {
            let pct = *units as f64 * 100.0 / total as f64;
            let text = source(chunk, *line).unwrap_or_default();
            out.push_str(&format!(
                "{units:>12}  {pct:>5.1}%  {chunk}:{line}  {}\n",
                text.trim()
            ));
        }
        out.push_str(&format!("{:>12}  total\n", self.total()));
        out
    }
}
