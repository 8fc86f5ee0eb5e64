//! A small game host: units are Rust values scripted by player mods, every mod's
//! `on_tick` runs once per frame under its own slice of the frame budget, the State
//! has a memory quota, and a mod that fails (an error, a runaway loop, a memory bomb)
//! is reported and does not stop the others.
//!
//! `cargo run --example game`

use mani::{Error, Function, Lua, Result, Table, UserData, UserDataFields, UserDataMethods};
use std::sync::{Arc, Mutex};

/// A unit on the map, owned by the host and scripted by one mod.
pub struct Unit {
    pub name: String,
    pub x: i64,
    pub y: i64,
    pub hp: i64,
}

impl UserData for Unit {
    fn add_fields<F: UserDataFields<Self>>(f: &mut F) {
        f.add_field_method_get("name", |_, u| Ok(u.name.clone()));
        f.add_field_method_get("x", |_, u| Ok(u.x));
        f.add_field_method_get("y", |_, u| Ok(u.y));
        f.add_field_method_get("hp", |_, u| Ok(u.hp));
    }

    fn add_methods<M: UserDataMethods<Self>>(m: &mut M) {
        // Units move at most one cell per axis per call: the host enforces its rules.
        m.add_method_mut("move", |_, u, (dx, dy): (i64, i64)| {
            u.x += dx.clamp(-1, 1);
            u.y += dy.clamp(-1, 1);
            Ok((u.x, u.y))
        });
    }
}

/// The mods players uploaded: each defines `on_tick(unit, frame)`.
pub const MODS: &[(&str, &str)] = &[
    ("walker", "function on_tick(u, frame) u:move(1, 0) end"),
    (
        "chatter",
        "function on_tick(u, frame) if frame % 2 == 0 then say(u.name .. ' says hello') end end",
    ),
    (
        "buggy",
        "function on_tick(u, frame) if frame == 2 then local t = nil; t.x = 1 end u:move(0, 1) end",
    ),
    (
        "spinner",
        "function on_tick(u, frame) while true do end end",
    ),
    (
        "hog",
        "hoard = {} function on_tick(u, frame) for i = 1, 1e8 do hoard[#hoard + 1] = {i} end end",
    ),
];

/// Per-frame budget of each mod's `on_tick`, in cost units.
pub const SLICE: u64 = 20_000;
/// Memory quota of the whole State.
pub const QUOTA: usize = 1 << 20;

/// Runs `frames` frames and returns what happened, one line per event, then the
/// final state of every unit.
pub fn run_game(frames: i64) -> Result<Vec<String>> {
    let lua = Lua::new();
    lua.set_memory_limit(QUOTA)?;
    let events = Arc::new(Mutex::new(Vec::new()));
    let said = events.clone();
    lua.globals().set(
        "say",
        lua.create_function(move |_, msg: String| {
            said.lock().unwrap().push(format!("  chat: {msg}"));
            Ok(())
        })?,
    )?;

    // Each mod gets its own environment (globals readable, its own writes kept apart)
    // and its own unit.
    let mut mods: Vec<(String, Function, mani::AnyUserData, Option<Table>)> = Vec::new();
    for (i, (name, src)) in MODS.iter().enumerate() {
        let env = lua.create_table()?;
        let meta: Table = lua.create_table()?;
        meta.set("__index", lua.globals())?;
        env.set_metatable(Some(meta))?;
        lua.load(*src)
            .set_name(format!("={name}"))
            .set_environment(env.clone())
            .exec()?;
        let tick: Function = env.get("on_tick")?;
        let unit = lua.create_userdata(Unit {
            name: name.to_string(),
            x: 0,
            y: i as i64,
            hp: 100,
        })?;
        mods.push((name.to_string(), tick, unit, Some(env)));
    }

    for frame in 1..=frames {
        events.lock().unwrap().push(format!("frame {frame}"));
        for (name, tick, unit, env) in mods.iter_mut() {
            let Some(mod_env) = env else {
                continue;
            };
            // Every mod gets the same slice of this frame.
            lua.set_budget(Some(SLICE));
            let outcome = match tick.call::<()>((unit.clone(), frame)) {
                Ok(()) => continue,
                Err(Error::BudgetExhausted(_)) => "ran out of its budget".to_string(),
                Err(Error::MemoryError(_)) => {
                    // Disable the mod and free what it holds, so the others keep
                    // their share of the quota.
                    mod_env.clear()?;
                    *env = None;
                    lua.gc_collect()?;
                    "hit the memory quota and was disabled".to_string()
                }
                Err(e) => {
                    let first = e.to_string().lines().next().unwrap_or("").to_string();
                    format!("failed: {first}")
                }
            };
            events.lock().unwrap().push(format!("  {name} {outcome}"));
        }
    }
    lua.set_budget(None);

    let mut out = std::mem::take(&mut *events.lock().unwrap());
    for (_, _, unit, _) in &mods {
        let u = unit.borrow::<Unit>()?;
        out.push(format!("{} at ({}, {}) hp {}", u.name, u.x, u.y, u.hp));
    }
    Ok(out)
}

fn main() -> Result<()> {
    for line in run_game(6)? {
        println!("{line}");
    }
    Ok(())
}
