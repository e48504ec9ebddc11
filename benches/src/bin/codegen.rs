//! Regenerates the committed capnp and prost code from `schemas/` (flatbuffers code comes
//! from `flatc`, see `regen.sh`). Needs `capnp` and `protoc` on the PATH (`setup.sh`).
//!
//! `cargo run -p handoff-benches --features codegen --bin codegen`

use std::path::Path;

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let schemas = root.join("schemas");
    let out = root.join("src/gen");
    for name in ["log", "mesh", "minecraft_savedata"] {
        capnpc::CompilerCommand::new()
            .src_prefix(&schemas)
            .file(schemas.join(format!("{name}.capnp")))
            .output_path(&out)
            .run()
            .unwrap_or_else(|e| panic!("capnp compile of {name}: {e}"));
    }
    let protos: Vec<_> = ["log", "mesh", "minecraft_savedata"]
        .iter()
        .map(|n| schemas.join(format!("{n}.proto")))
        .collect();
    prost_build::Config::new()
        .out_dir(&out)
        .compile_protos(&protos, &[&schemas])
        .unwrap_or_else(|e| panic!("protoc: {e}"));
    println!("regenerated capnp and prost code in {}", out.display());
}
