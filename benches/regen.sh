#!/usr/bin/env bash
# Regenerates every peer's generated code in src/gen from schemas/ (run setup.sh first).
set -euo pipefail
cd "$(dirname "$0")"
flatc --rust -o src/gen schemas/log.fbs schemas/mesh.fbs schemas/minecraft_savedata.fbs
cargo run -p handoff-benches --features codegen --bin codegen
rustfmt --edition 2024 src/gen/*.rs
