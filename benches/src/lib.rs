//! Benchmarks of handoff's encode/decode core against its peers (rkyv, capnp,
//! flatbuffers, prost, bincode, postcard) and against the hardware (memcpy, one read
//! pass, one UTF-8 check), on the datasets of the Rust serialization benchmark.
//!
//! `cargo bench -p handoff-benches` runs every case under criterion;
//! `cargo run --release -p handoff-benches --bin compare` runs a short interleaved
//! comparison and prints one table. Both run the same [`Case`](harness::Case)s:
//!
//! ```
//! let mut suite = handoff_benches::log::suite("log-100", 100);
//! assert!(suite.cases.iter().any(|c| c.lib == "rkyv" && c.op == "decode"));
//! for case in &mut suite.cases {
//!     let elapsed = (case.run)(2); // two iterations, timed in thread CPU time
//!     assert!(elapsed.as_secs() < 1, "{} {} {}", case.dataset, case.op, case.lib);
//! }
//! ```

pub mod handles;
pub mod harness;
pub mod log;
pub mod mesh;
pub mod minecraft;
pub mod peers;
pub mod rng;

// Generated code (see `regen.sh`). capnp's refers to itself from the crate root.
#[path = "gen/log_capnp.rs"]
#[allow(missing_docs, clippy::all, clippy::pedantic, clippy::undocumented_unsafe_blocks)]
#[rustfmt::skip]
pub mod log_capnp;
#[path = "gen/mesh_capnp.rs"]
#[allow(missing_docs, clippy::all, clippy::pedantic, clippy::undocumented_unsafe_blocks)]
#[rustfmt::skip]
pub mod mesh_capnp;
#[path = "gen/minecraft_savedata_capnp.rs"]
#[allow(missing_docs, clippy::all, clippy::pedantic, clippy::undocumented_unsafe_blocks)]
#[rustfmt::skip]
pub mod minecraft_savedata_capnp;
#[path = "gen/log_generated.rs"]
#[allow(missing_docs, unused_imports, clippy::all, clippy::pedantic)]
#[allow(clippy::undocumented_unsafe_blocks, clippy::multiple_unsafe_ops_per_block)]
#[rustfmt::skip]
pub mod log_generated;
#[path = "gen/mesh_generated.rs"]
#[allow(missing_docs, unused_imports, clippy::all, clippy::pedantic)]
#[allow(clippy::undocumented_unsafe_blocks, clippy::multiple_unsafe_ops_per_block)]
#[rustfmt::skip]
pub mod mesh_generated;
#[path = "gen/minecraft_savedata_generated.rs"]
#[allow(missing_docs, unused_imports, clippy::all, clippy::pedantic)]
#[allow(clippy::undocumented_unsafe_blocks, clippy::multiple_unsafe_ops_per_block)]
#[rustfmt::skip]
pub mod minecraft_generated;
#[path = "gen/log.rs"]
#[allow(missing_docs, clippy::all, clippy::pedantic)]
#[rustfmt::skip]
pub mod log_prost;
#[path = "gen/mesh.rs"]
#[allow(missing_docs, clippy::all, clippy::pedantic)]
#[rustfmt::skip]
pub mod mesh_prost;
#[path = "gen/minecraft_savedata.rs"]
#[allow(missing_docs, clippy::all, clippy::pedantic)]
#[rustfmt::skip]
pub mod minecraft_prost;

use harness::{Case, OURS};

/// The cases of one dataset and the encoded size each library produced.
pub struct Suite {
    /// The dataset's name.
    pub dataset: String,
    /// Ours, the peers', and the baselines.
    pub cases: Vec<Case>,
    /// Encoded bytes per library.
    pub sizes: Vec<(&'static str, usize)>,
    /// Our encoded message.
    pub wire: Vec<u8>,
}

impl Suite {
    /// Ours' cases plus the baselines over our encoded bytes and the dataset's strings.
    pub fn new(dataset: &str, ours: peers::Ours, strings: &[u8]) -> Self {
        let mut cases = ours.cases;
        cases.extend(harness::baselines(
            dataset,
            &ours.wire,
            strings,
            ours.rearm_len,
        ));
        Self {
            dataset: dataset.to_string(),
            cases,
            sizes: vec![(OURS, ours.wire.len())],
            wire: ours.wire,
        }
    }

    /// Adds a peer's cases and encoded size.
    pub fn add(&mut self, (cases, size): (Vec<Case>, usize), lib: &'static str) {
        self.cases.extend(cases);
        self.sizes.push((lib, size));
    }
}

/// The datasets, in table order.
pub const DATASETS: [&str; 7] = [
    "log",
    "mesh",
    "mesh_1k",
    "minecraft_savedata",
    "handles_1",
    "handles_16",
    "handles_64",
];

/// Builds the dataset `name` (one of [`DATASETS`]); `quick` shrinks the record counts a
/// hundredfold (for a smoke run).
pub fn suite(name: &str, quick: bool) -> Option<Suite> {
    let scale = |n: usize| if quick { n.div_ceil(100) } else { n };
    Some(match name {
        "log" => log::suite(name, scale(log::RECORDS)),
        "mesh" => mesh::suite(name, scale(mesh::TRIANGLES), true),
        "mesh_1k" => mesh::suite(name, scale(mesh::TRIANGLES_SMALL), false),
        "minecraft_savedata" => minecraft::suite(name, scale(minecraft::PLAYERS)),
        _ => {
            let n = name.strip_prefix("handles_")?.parse().ok()?;
            handles::suite(name, n)
        }
    })
}
