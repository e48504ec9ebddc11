//! Every case of every dataset under criterion (`cargo bench -p handoff-benches`; filter
//! with `-- log/` or `-- decode`). The cases are the ones the `compare` binary runs; each
//! times its own loop (`iter_custom`), so untimed setup stays out of the numbers. Our
//! in-place decode cases include a rearm of the buffer: subtract the dataset's
//! `baseline/rearm` (the `compare` binary does).

use criterion::{Criterion, criterion_group, criterion_main};
use std::time::Duration;

fn all(c: &mut Criterion) {
    for name in handoff_benches::DATASETS {
        let Some(mut suite) = handoff_benches::suite(name, false) else {
            continue;
        };
        let mut group = c.benchmark_group(name);
        for case in &mut suite.cases {
            group.bench_function(format!("{}/{}", case.lib, case.op), |b| {
                b.iter_custom(|iters| (case.run)(iters));
            });
        }
        group.finish();
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_secs(1));
    targets = all
}
criterion_main!(benches);
