#!/usr/bin/env bash
# Regenerates expected.txt by building the same host program against real mlua 0.12
# (vendored Lua 5.4, `send` feature) in a scratch copy.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
work="$(mktemp -d)"
mkdir -p "$work/src"
cp "$here/src/main.rs" "$work/src/main.rs"
cat > "$work/Cargo.toml" <<'TOML'
[package]
name = "mlua_compat"
version = "0.1.0"
edition = "2021"
[dependencies]
mlua = { version = "0.12", features = ["lua54", "vendored", "send"] }
TOML
(cd "$work" && cargo run -q) > "$here/expected.txt"
echo "wrote $here/expected.txt"
