//! Runs one case many times and nothing else, for a profiler. Under callgrind, collect
//! only the measured part:
//!
//! ```text
//! valgrind --tool=callgrind --toggle-collect='profile::measured' \
//!     target/release/profile log handoff decode 20
//! ```
//!
//! Datasets: `log`, `mesh`, `mesh_1k`, `minecraft_savedata` (ours only: cheap to set up)
//! or any dataset of the suite with any library; ops: `encode`, `decode`, `decode+read`,
//! `natural` (or a baseline's name with library `baseline`). Our decode cases include the
//! buffer's rearm (a copy of the span the previous decode patched: a `memcpy` in the
//! profile).

use std::hint::black_box;
use std::rc::Rc;

use handoff_benches::harness::Case;
use handoff_benches::{log, mesh, minecraft, peers};

#[inline(never)]
fn measured(case: &mut Case, iters: u64) {
    black_box((case.run)(iters));
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [dataset, lib, op, iters] = args.as_slice() else {
        eprintln!("usage: profile DATASET LIB OP ITERS");
        std::process::exit(2);
    };
    let iters: u64 = iters.parse().unwrap_or(10);
    if lib != "handoff" {
        let Some(suite) = handoff_benches::suite(dataset, false) else {
            eprintln!("unknown dataset {dataset}");
            std::process::exit(2);
        };
        let Some(mut case) = suite
            .cases
            .into_iter()
            .find(|c| c.lib == lib.as_str() && c.op == op.as_str())
        else {
            eprintln!("no case {lib} {op} in {dataset}");
            std::process::exit(2);
        };
        (case.run)(1);
        measured(&mut case, iters);
        println!("{dataset} {lib} {op}: {iters} iterations");
        return;
    }
    let ours = match dataset.as_str() {
        "log" => peers::ours::<log::Logs>(
            dataset,
            Rc::new(log::generate(log::RECORDS)),
            log::read_view,
        ),
        "mesh" => peers::ours::<mesh::Mesh>(
            dataset,
            Rc::new(mesh::generate(mesh::TRIANGLES)),
            mesh::read_view,
        ),
        "mesh_1k" => peers::ours::<mesh::Mesh>(
            dataset,
            Rc::new(mesh::generate(mesh::TRIANGLES_SMALL)),
            mesh::read_view,
        ),
        "minecraft_savedata" => peers::ours::<minecraft::Players>(
            dataset,
            Rc::new(minecraft::generate(minecraft::PLAYERS)),
            minecraft::read_view,
        ),
        other => {
            eprintln!("unknown dataset {other}");
            std::process::exit(2);
        }
    };
    let Some(mut case) = ours.cases.into_iter().find(|c| c.op == op.as_str()) else {
        eprintln!("unknown op {op}");
        std::process::exit(2);
    };
    (case.run)(1);
    measured(&mut case, iters);
    println!(
        "{dataset} {lib} {op}: {iters} iterations, {} wire bytes, rearm span {}",
        ours.wire.len(),
        ours.rearm_len
    );
}
