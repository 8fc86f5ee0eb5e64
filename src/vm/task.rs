//! Tasks: runs of a coroutine thread started and continued by the host, each with
//! its own budget, any number of them paused at once.
//!
//! A task is an ordinary thread object. Running it swaps its stacks in like
//! `coroutine.resume` does, with pausing allowed at the thread's own level: a pause
//! anywhere in its Lua code (inside pcall, metamethods, iterators, coroutines it
//! resumed) unwinds to here and leaves every frame in the thread, so the paused
//! state of a task lives entirely in its thread and other tasks can run meanwhile.

use super::thread::{Thread, ThreadStatus};
use super::{LuaError, Vm};
use crate::heap::Gc;
use crate::meter::{Policy, UNLIMITED};
use crate::value::Value;

/// How one slice of a task ended.
#[derive(Debug, Clone)]
pub enum TaskRun {
    /// The task's function returned these values.
    Done(Vec<Value>),
    /// The task called `coroutine.yield` at its own level with these values.
    Yielded(Vec<Value>),
    /// The slice's budget ran out; the task continues where it stopped.
    Paused,
    /// The task raised this error (it is dead; its to-be-closed variables were
    /// closed).
    Failed(Value),
}

impl Vm {
    /// Runs the task thread `co` with the units in `balance` (negative: debt left
    /// by its last slice), or under the State's own budget and policy when `None`:
    /// a suspended thread is resumed with `args`, a paused one continues where it
    /// stopped. Unless `pausable`, running out of budget is not a pause but a
    /// charge into debt (as inside native calls). Returns how the slice ended and
    /// the units it charged. Limits (steps, memory, debt past `max_debt`) come back
    /// as `Err` and kill the task.
    pub(crate) fn run_task(
        &mut self,
        co: Gc<Thread>,
        balance: Option<&mut i64>,
        args: &[Value],
        pausable: bool,
    ) -> Result<(TaskRun, u64), LuaError> {
        let status = co.get().status;
        if !matches!(status, ThreadStatus::Suspended | ThreadStatus::Paused) {
            return Err(LuaError::msg(match status {
                ThreadStatus::Dead => "cannot resume dead coroutine",
                _ => "cannot resume non-suspended coroutine",
            }));
        }
        let m = &mut self.meter;
        let saved = (m.budget, m.granted, m.policy, m.pause_depth);
        // The slice runs until the task's balance runs out (it pauses) or, if the
        // State has a budget of its own and it is smaller, until that runs out (which
        // ends the task as it ends a call: a budget caps every run, sliced or not).
        let state_budget = saved.0 < UNLIMITED;
        let task_binds = balance
            .as_deref()
            .is_some_and(|b| !state_budget || *b < saved.0);
        if let (Some(b), true) = (balance.as_deref(), task_binds) {
            m.budget = *b;
            m.policy = Policy::Pause;
        }
        let start = m.budget;
        // `enter_thread` lets the thread pause when its resumer could.
        m.pause_depth = if pausable {
            self.native_depth
        } else {
            usize::MAX
        };
        let saved_host = (self.host_thread, self.host_depth);
        self.host_thread = co;
        self.host_depth = 0;
        let r = if status == ThreadStatus::Paused {
            co.get_mut().status = ThreadStatus::Running;
            self.resume_paused_thread(co)
        } else {
            self.resume(co, args)
        };
        (self.host_thread, self.host_depth) = saved_host;
        let m = &mut self.meter;
        let used = (start - m.budget).max(0);
        m.pause_depth = saved.3;
        if let Some(b) = balance {
            if task_binds {
                *b = m.budget;
                m.policy = saved.2;
            } else {
                *b -= used;
            }
            // The State counts what the task used: spent from its own budget if
            // it has one, else only added to its cost.
            (m.budget, m.granted) = if state_budget {
                (saved.0 - used, saved.1)
            } else {
                (saved.0, saved.1 + used)
            };
        }
        let run = match r {
            Ok(Ok(vals)) if co.get().status == ThreadStatus::Dead => TaskRun::Done(vals),
            Ok(Ok(vals)) => TaskRun::Yielded(vals),
            Ok(Err(e)) => {
                // As an unpaused call would, close what the task left open.
                let e = if co.get().tbc.is_empty() {
                    e
                } else {
                    self.close_coroutine(co)?.unwrap_or(e)
                };
                co.get_mut().error = Some(e);
                TaskRun::Failed(e)
            }
            Err(LuaError::Pause) => {
                co.get_mut().status = ThreadStatus::Paused;
                TaskRun::Paused
            }
            Err(e) => {
                // Killed by a limit: it died with an error (a thread that never
                // started, at the nesting limit, stays as it was).
                if co.get().status == ThreadStatus::Dead {
                    co.get_mut().error = Some(Value::Nil);
                }
                return Err(e);
            }
        };
        Ok((run, used as u64))
    }
}
