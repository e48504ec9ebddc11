//! A short side-by-side comparison: every dataset's cases (ours, the peers', the
//! baselines) measured in interleaved rounds, one table of medians and ratios, the goals
//! checked, and every number written to `target/compare.json`.
//!
//! `cargo run --release -p handoff-benches --bin compare [-- --quick] [--rounds N]
//! [--target-ms MS] [--only DATASET]`
//!
//! Method: each case's iteration count is calibrated so one run takes about
//! `--target-ms`; then, round after round, every case of a dataset runs once (the order
//! rotates each round), and a case's time per iteration is the median over the rounds.
//! Interleaving spreads the machine's noise over all libraries alike. Times are the
//! thread's CPU time (see `harness::now`), so other processes' time slices on a shared
//! machine do not count. Our in-place decode
//! restores the bytes the previous decode patched before each decode (a [`REARM`]); the
//! rearm's own median is measured as a baseline and subtracted.

use std::alloc::{GlobalAlloc, Layout, System};
use std::collections::BTreeMap;
use std::hint::black_box;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use handoff::handle::NoHandle;
use handoff::handle::mem::{MemHandle, MemSpace};
use handoff::{DecodeOptions, Decoded, MessageBuf};
use handoff_benches::harness::{
    BASELINE, Case, DECODE, DECODE_READ, ENCODE, MEMCPY, NATURAL, OURS, READ_PASS, REARM, UTF8,
};
use handoff_benches::peers::{BINCODE, CAPNP, FLATBUFFERS, POSTCARD, PROST, RKYV, RKYV_UNCHECKED};
use handoff_benches::{DATASETS, handles, log, mesh, minecraft};
use serde_json::{Value, json};

/// Counts allocations, to check that steady-state encode and decode allocate nothing.
struct Counting;

static ALLOCS: AtomicU64 = AtomicU64::new(0);

// SAFETY: every method forwards to `System` with the caller's arguments unchanged, so
// `System`'s guarantees are this allocator's; the counter has no effect on memory.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: the caller upholds `GlobalAlloc::alloc`'s contract, which is `System`'s.
        unsafe { System.alloc(layout) }
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        ALLOCS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: as for `alloc`.
        unsafe { System.alloc_zeroed(layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: the caller upholds `GlobalAlloc::realloc`'s contract: `ptr` came from
        // this allocator, hence from `System`, with `layout`.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` came from this allocator, hence from `System`, with `layout`.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Allocations made by `f`.
fn allocations(f: impl FnOnce()) -> u64 {
    let before = ALLOCS.load(Ordering::Relaxed);
    f();
    ALLOCS.load(Ordering::Relaxed) - before
}

const LIBS: [&str; 8] = [
    OURS,
    RKYV,
    RKYV_UNCHECKED,
    CAPNP,
    FLATBUFFERS,
    PROST,
    BINCODE,
    POSTCARD,
];
const OPS: [&str; 4] = [ENCODE, DECODE, DECODE_READ, NATURAL];

struct Options {
    quick: bool,
    rounds: usize,
    target: Duration,
    only: Option<String>,
}

fn options() -> Options {
    let mut o = Options {
        quick: false,
        rounds: 41,
        target: Duration::from_millis(1),
        only: None,
    };
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--quick" => {
                o.quick = true;
                o.rounds = 3;
                o.target = Duration::from_micros(300);
            }
            "--rounds" => o.rounds = args.next().and_then(|v| v.parse().ok()).unwrap_or(o.rounds),
            "--target-ms" => {
                if let Some(ms) = args.next().and_then(|v| v.parse::<f64>().ok()) {
                    o.target = Duration::from_secs_f64(ms / 1000.0);
                }
            }
            "--only" => o.only = args.next(),
            other => {
                eprintln!("unknown argument {other}");
                eprintln!(
                    "usage: compare [--quick] [--rounds N] [--target-ms MS] [--only DATASET]"
                );
                std::process::exit(2);
            }
        }
    }
    o.rounds = o.rounds.max(1);
    o
}

/// Finds the iteration count for which one run takes about `target`.
fn calibrate(case: &mut Case, target: Duration) -> u64 {
    let mut iters = 1u64;
    loop {
        let t = (case.run)(iters);
        if t >= target || iters >= 1 << 30 {
            return iters;
        }
        let scale = if t.is_zero() {
            16.0
        } else {
            (target.as_secs_f64() / t.as_secs_f64() * 1.2).clamp(1.5, 16.0)
        };
        iters = ((iters as f64) * scale).ceil() as u64;
    }
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

struct Measured {
    dataset: String,
    op: &'static str,
    lib: &'static str,
    /// Median ns per iteration, rearm subtracted where the case includes one.
    ns: f64,
    /// Median before the subtraction.
    raw_ns: f64,
    iters: u64,
    spread: (f64, f64),
}

/// Runs one dataset's cases interleaved and returns their medians.
fn measure(cases: &mut [Case], o: &Options) -> Vec<Measured> {
    let iters: Vec<u64> = cases.iter_mut().map(|c| calibrate(c, o.target)).collect();
    let mut samples: Vec<Vec<f64>> = vec![Vec::with_capacity(o.rounds); cases.len()];
    let n = cases.len();
    for round in 0..o.rounds {
        for k in 0..n {
            let i = (k + round * 7) % n;
            let t = (cases[i].run)(iters[i]);
            samples[i].push(t.as_nanos() as f64 / iters[i] as f64);
        }
    }
    let mut out: Vec<Measured> = cases
        .iter()
        .zip(samples.iter_mut())
        .zip(&iters)
        .map(|((c, s), &it)| {
            let raw = median(s);
            Measured {
                dataset: c.dataset.clone(),
                op: c.op,
                lib: c.lib,
                ns: raw,
                raw_ns: raw,
                iters: it,
                spread: (s[0], s[s.len() - 1]),
            }
        })
        .collect();
    let rearm = out
        .iter()
        .find(|m| m.lib == BASELINE && m.op == REARM)
        .map_or(0.0, |m| m.ns);
    for (m, c) in out.iter_mut().zip(cases.iter()) {
        if c.includes_rearm {
            m.ns = (m.raw_ns - rearm).max(0.0);
        }
    }
    out
}

fn fmt_ns(ns: f64) -> String {
    if ns < 1_000.0 {
        format!("{ns:.1} ns")
    } else if ns < 1_000_000.0 {
        format!("{:.2} µs", ns / 1e3)
    } else {
        format!("{:.2} ms", ns / 1e6)
    }
}

/// The baseline an operation is compared with, and its time.
fn baseline_for(op: &str, get: &dyn Fn(&str) -> Option<f64>) -> (&'static str, Option<f64>) {
    match op {
        ENCODE => ("memcpy", get(MEMCPY)),
        NATURAL => ("memcpy", get(MEMCPY)),
        _ => (
            "read pass + utf8",
            get(READ_PASS).zip(get(UTF8)).map(|(a, b)| a + b),
        ),
    }
}

fn machine() -> Value {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|m| m.trim().to_string())
        })
        .unwrap_or_else(|| "unknown".into());
    let rustc = std::process::Command::new("rustc")
        .arg("--version")
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_else(|| "unknown".into());
    let nproc = std::thread::available_parallelism().map_or(0, |n| n.get());
    json!({ "nproc": nproc, "cpu": cpu, "rustc": rustc })
}

/// Steady-state allocations per encode (into a reused buffer) and per decode to a view
/// (in place), for every dataset; a handle message's decode counts only the decode (the
/// received handle vector is the transport's).
fn allocation_check(quick: bool) -> BTreeMap<String, (u64, u64)> {
    const N: u64 = 20;
    let scale = |n: usize| if quick { n.div_ceil(100) } else { n };
    let mut out = BTreeMap::new();
    fn values<T>(value: &T, read: for<'a> fn(T::View<'a>) -> u64) -> (u64, u64)
    where
        T: handoff::codec::Decode<NoHandle>,
        for<'a> &'a T: handoff::codec::Encode<NoHandle>,
    {
        let mut buf = MessageBuf::<NoHandle>::new();
        let encode = |buf: &mut MessageBuf<NoHandle>| {
            if let Err(e) = buf.encode(black_box(value)) {
                panic!("encode failed: {e}");
            }
        };
        encode(&mut buf);
        encode(&mut buf);
        let enc = allocations(|| {
            for _ in 0..N {
                encode(&mut buf);
            }
        });
        let wire = buf.bytes().to_vec();
        let mut work = wire.clone();
        let opts = DecodeOptions::default();
        let mut dec = 0;
        for _ in 0..N {
            work.copy_from_slice(&wire);
            dec += allocations(|| {
                let msg = handoff_benches::peers::decode_in::<T>(&mut work, &opts);
                black_box(read(msg.view()));
            });
        }
        (enc, dec)
    }
    out.insert(
        "log".into(),
        values::<log::Logs>(&log::generate(scale(log::RECORDS)), log::read_view),
    );
    out.insert(
        "mesh".into(),
        values::<mesh::Mesh>(&mesh::generate(scale(mesh::TRIANGLES)), mesh::read_view),
    );
    out.insert(
        "minecraft_savedata".into(),
        values::<minecraft::Players>(
            &minecraft::generate(scale(minecraft::PLAYERS)),
            minecraft::read_view,
        ),
    );
    for n in handles::COUNTS {
        let space = MemSpace::new();
        let mut buf = MessageBuf::<MemHandle>::new();
        let mut pool: Vec<MemHandle> = (0..n).map(|_| space.event()).collect();
        let mut enc = 0;
        let mut dec = 0;
        let opts = DecodeOptions::default();
        for round in 0..N + 2 {
            let msg = handles::Transfer {
                id: round,
                name: "fences".into(),
                handles: core::mem::take(&mut pool),
            };
            let a = allocations(|| {
                if let Err(e) = buf.encode(msg) {
                    panic!("encode failed: {e}");
                }
            });
            let mut received = Vec::with_capacity(n);
            received.append(buf.parts_mut().1);
            let mut work = buf.bytes().to_vec();
            let mut table = None;
            let d =
                allocations(
                    || match Decoded::<handles::Transfer, MemHandle, &mut [u8]>::decode_in(
                        &mut work, received, &opts,
                    ) {
                        Ok(msg) => {
                            black_box(handles::read_view(&msg));
                            table = Some(msg.into_parts().1);
                        }
                        Err(e) => panic!("decode failed: {e}"),
                    },
                );
            if let Some(mut t) = table {
                pool.extend(t.drain());
            }
            if round >= 2 {
                enc += a;
                dec += d;
            }
        }
        out.insert(format!("handles_{n}"), (enc, dec));
    }
    out.into_iter()
        .map(|(k, (e, d))| (k, (e.div_ceil(N), d.div_ceil(N))))
        .collect()
}

struct Goal {
    name: String,
    met: bool,
    detail: String,
}

fn main() {
    let o = options();
    let started = Instant::now();
    let machine = machine();
    println!(
        "machine: {} CPUs, {}, {}",
        machine["nproc"],
        machine["cpu"].as_str().unwrap_or("?"),
        machine["rustc"].as_str().unwrap_or("?")
    );
    println!(
        "method: {} interleaved rounds, ~{:?} of thread CPU time per case per round{}",
        o.rounds,
        o.target,
        if o.quick {
            ", quick (datasets / 100)"
        } else {
            ""
        }
    );

    let allocs = allocation_check(o.quick);

    let mut all: Vec<Measured> = Vec::new();
    let mut sizes: BTreeMap<String, Vec<(&'static str, usize)>> = BTreeMap::new();
    for name in DATASETS {
        if o.only.as_deref().is_some_and(|d| d != name) {
            continue;
        }
        let Some(mut suite) = handoff_benches::suite(name, o.quick) else {
            continue;
        };
        let t = Instant::now();
        let measured = measure(&mut suite.cases, &o);
        eprintln!(
            "  {name}: {} cases in {:.1} s",
            suite.cases.len(),
            t.elapsed().as_secs_f64()
        );
        sizes.insert(name.to_string(), suite.sizes.clone());
        all.extend(measured);
    }

    let get = |ds: &str, op: &str, lib: &str| {
        all.iter()
            .find(|m| m.dataset == ds && m.op == op && m.lib == lib)
            .map(|m| m.ns)
    };

    // The table.
    let mut rows_json = Vec::new();
    println!();
    let mut header = String::from("| dataset | op | handoff |");
    for lib in &LIBS[1..] {
        header.push_str(&format!(" {lib} (ours/peer) |"));
    }
    header.push_str(" baseline | ours/baseline |");
    println!("{header}");
    println!("|{}", "---|".repeat(LIBS.len() + 4));
    for ds in DATASETS {
        for op in OPS {
            let Some(ours) = get(ds, op, OURS) else {
                continue;
            };
            let mut line = format!("| {ds} | {op} | {} |", fmt_ns(ours));
            let mut peers_json = serde_json::Map::new();
            for lib in &LIBS[1..] {
                match get(ds, op, lib) {
                    Some(p) => {
                        line.push_str(&format!(" {} ({:.2}×) |", fmt_ns(p), ours / p));
                        peers_json.insert(
                            (*lib).into(),
                            json!({ "median_ns": p, "ours_over_peer": ours / p }),
                        );
                    }
                    None => line.push_str(" – |"),
                }
            }
            let (bname, b) = baseline_for(op, &|b| get(ds, b, BASELINE));
            match b {
                Some(b) if b > 0.0 => {
                    line.push_str(&format!(" {bname} {} | {:.2}× |", fmt_ns(b), ours / b));
                }
                _ => line.push_str(" – | – |"),
            }
            println!("{line}");
            rows_json.push(json!({
                "dataset": ds,
                "op": op,
                "ours_ns": ours,
                "peers": peers_json,
                "baseline": bname,
                "baseline_ns": b,
                "ours_over_baseline": b.map(|b| ours / b),
            }));
        }
    }

    println!();
    println!("| dataset | memcpy | read pass | utf8 | rearm | encoded bytes |");
    println!("|---|---|---|---|---|---|");
    for ds in DATASETS {
        let Some(sz) = sizes.get(ds) else { continue };
        let cell = |b: &str| get(ds, b, BASELINE).map_or("–".into(), fmt_ns);
        let bytes: Vec<String> = sz.iter().map(|(l, n)| format!("{l} {n}")).collect();
        println!(
            "| {ds} | {} | {} | {} | {} | {} |",
            cell(MEMCPY),
            cell(READ_PASS),
            cell(UTF8),
            cell(REARM),
            bytes.join(", ")
        );
    }

    // The goals.
    let mut goals = Vec::new();
    let ratio = |a: Option<f64>, b: Option<f64>| a.zip(b).map(|(a, b)| a / b);
    if let Some(r) = ratio(get("log", DECODE, OURS), get("log", DECODE, RKYV)) {
        goals.push(Goal {
            name: "log decode <= 0.3x rkyv validated access".into(),
            met: r <= 0.3,
            detail: format!("{r:.2}x"),
        });
    }
    if let Some(r) = ratio(
        get("log", DECODE, OURS),
        get("log", READ_PASS, BASELINE)
            .zip(get("log", UTF8, BASELINE))
            .map(|(a, b)| a + b),
    ) {
        goals.push(Goal {
            name: "log decode <= 4x (read pass + utf8)".into(),
            met: r <= 4.0,
            detail: format!("{r:.2}x"),
        });
    }
    if let (Some(big), Some(small)) = (get("mesh", DECODE, OURS), get("mesh_1k", DECODE, OURS)) {
        let r = big / small.max(1.0);
        goals.push(Goal {
            name: "mesh decode constant in the triangle count (125k vs 1k)".into(),
            met: r < 2.0,
            detail: format!(
                "{} vs {} ({r:.2}x for 125x the triangles)",
                fmt_ns(big),
                fmt_ns(small)
            ),
        });
    }
    if let Some(r) = ratio(get("log", ENCODE, OURS), get("log", ENCODE, RKYV)) {
        goals.push(Goal {
            name: "log encode <= rkyv serialize".into(),
            met: r <= 1.0,
            detail: format!("{r:.2}x"),
        });
    }
    if let Some(r) = ratio(get("mesh", ENCODE, OURS), get("mesh", MEMCPY, BASELINE)) {
        goals.push(Goal {
            name: "mesh encode <= 1.2x memcpy".into(),
            met: r <= 1.2,
            detail: format!("{r:.2}x"),
        });
    }
    for ds in ["log", "mesh", "minecraft_savedata"] {
        for peer in [PROST, CAPNP, FLATBUFFERS, BINCODE, POSTCARD] {
            for op in [ENCODE, DECODE_READ] {
                if let Some(r) = ratio(get(ds, op, OURS), get(ds, op, peer)) {
                    goals.push(Goal {
                        name: format!("{ds} {op} ahead of {peer}"),
                        met: r < 1.0,
                        detail: format!("{r:.2}x"),
                    });
                }
            }
        }
    }
    for (ds, (e, d)) in &allocs {
        goals.push(Goal {
            name: format!("{ds}: no allocation in steady-state encode / decode to view"),
            met: *e == 0 && *d == 0,
            detail: format!("{e} / {d} allocations per message"),
        });
    }
    println!();
    println!("| goal | met | measured |");
    println!("|---|---|---|");
    for g in &goals {
        println!(
            "| {} | {} | {} |",
            g.name,
            if g.met { "yes" } else { "**no**" },
            g.detail
        );
    }

    // The JSON.
    let cases: Vec<Value> = all
        .iter()
        .map(|m| {
            json!({
                "dataset": m.dataset, "op": m.op, "lib": m.lib,
                "median_ns": m.ns, "median_ns_before_rearm_subtraction": m.raw_ns,
                "iters_per_sample": m.iters, "min_ns": m.spread.0, "max_ns": m.spread.1,
            })
        })
        .collect();
    let doc = json!({
        "machine": machine,
        "rounds": o.rounds,
        "target_ms_per_sample": o.target.as_secs_f64() * 1e3,
        "quick": o.quick,
        "cases": cases,
        "rows": rows_json,
        "sizes": sizes.iter().map(|(k, v)| (k.clone(), v.iter().map(|(l, n)| (l.to_string(), *n)).collect::<BTreeMap<_, _>>())).collect::<BTreeMap<_, _>>(),
        "allocations_per_message": allocs.iter().map(|(k, (e, d))| (k.clone(), json!({"encode": e, "decode_to_view": d}))).collect::<BTreeMap<_, _>>(),
        "goals": goals.iter().map(|g| json!({"goal": g.name, "met": g.met, "measured": g.detail})).collect::<Vec<_>>(),
    });
    // `target/` is the directory two levels above this binary (target/release/compare).
    let target = std::env::current_exe()
        .ok()
        .and_then(|p| p.parent()?.parent().map(|p| p.to_path_buf()))
        .unwrap_or_else(|| "target".into());
    let path = target.join("compare.json");
    match serde_json::to_string_pretty(&doc)
        .map_err(std::io::Error::other)
        .and_then(|s| std::fs::write(&path, s))
    {
        Ok(()) => println!(
            "\nwrote {} ({:.0} s total)",
            path.display(),
            started.elapsed().as_secs_f64()
        ),
        Err(e) => eprintln!("could not write {}: {e}", path.display()),
    }
}
