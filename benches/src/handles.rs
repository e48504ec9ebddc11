//! The `handles` datasets: messages carrying 1, 16 and 64 handles of the in-memory
//! backend ([`MemSpace`]). No peer moves handles, so only ours and the baselines run.
//!
//! Handles are owned resources, so an iteration cannot reuse the previous one's value:
//! the untimed part of each batch builds the messages from a pool of handles, and the
//! timed part encodes each and hands its handles back to the pool, as a transport would
//! take them out of the buffer to send them. Decoding takes the received handle vector,
//! and gives the handles back to the pool the same way.

use std::hint::black_box;
use std::time::Duration;

use handoff::handle::mem::{MemHandle, MemSpace};
use handoff::{DecodeOptions, Decoded, Fidl, MessageBuf};

use crate::Suite;
use crate::harness::{Case, DECODE, DECODE_READ, ENCODE, NATURAL, OURS, Rearm, now};
use crate::peers::Ours;

/// The handle counts of the datasets.
pub const COUNTS: [usize; 3] = [1, 16, 64];

/// Messages per untimed setup batch.
const BATCH: usize = 64;

/// A message that moves handles: an id, a name, and events with their default rights.
#[derive(Debug, Fidl)]
#[fidl(resource)]
pub struct Transfer {
    /// A request id.
    pub id: u64,
    /// What the handles are for.
    #[fidl(max_len = 64)]
    pub name: String,
    /// The events.
    #[fidl(max_len = 64, elem(handle(object_type = 5, rights = 0xD003)))]
    pub handles: Vec<MemHandle>,
}

const NAME: &str = "frame-ready fences";

/// The read pass over the view: the scalars, the name's length, every handle's index
/// and that the message holds it.
pub fn read_view(msg: &Decoded<Transfer, MemHandle, &mut [u8]>) -> u64 {
    let v = msg.view();
    let mut s = v.id().wrapping_add(v.name().len() as u64);
    for r in v.handles() {
        s = s.wrapping_add(r.index() as u64);
        s = s.wrapping_add(u64::from(msg.handle(r).is_some()));
    }
    s
}

fn decode(buf: &mut [u8], handles: Vec<MemHandle>) -> Decoded<Transfer, MemHandle, &mut [u8]> {
    match Decoded::<Transfer, MemHandle, &mut [u8]>::decode_in(
        buf,
        handles,
        &DecodeOptions::default(),
    ) {
        Ok(d) => d,
        Err(e) => panic!("handles message does not decode: {e}"),
    }
}

/// The handle pool and the untimed batch setup shared by the cases.
struct Pool {
    n: usize,
    handles: Vec<MemHandle>,
}

impl Pool {
    fn new(space: &MemSpace, n: usize) -> Self {
        Self {
            n,
            handles: (0..n * BATCH).map(|_| space.event()).collect(),
        }
    }

    fn take(&mut self) -> Vec<MemHandle> {
        let at = self.handles.len() - self.n;
        self.handles.drain(at..).collect()
    }

    fn message(&mut self, id: u64) -> Transfer {
        Transfer {
            id,
            name: NAME.into(),
            handles: self.take(),
        }
    }
}

/// Runs `iters` iterations in batches: `setup` builds a batch's inputs untimed, `each`
/// runs timed on every input.
fn batched<I, S>(
    iters: u64,
    inputs: &mut Vec<I>,
    state: &mut S,
    mut setup: impl FnMut(&mut S, &mut Vec<I>, usize),
    mut each: impl FnMut(&mut S, I),
) -> Duration {
    let mut total = Duration::ZERO;
    let mut left = iters;
    while left > 0 {
        let k = left.min(BATCH as u64) as usize;
        setup(state, inputs, k);
        let start = now();
        for input in inputs.drain(..) {
            each(state, input);
        }
        total += now().saturating_sub(start);
        left -= k as u64;
    }
    total
}

/// Every case of the dataset with `n` handles per message.
pub fn suite(dataset: &str, n: usize) -> Suite {
    let space = MemSpace::new();
    let mut buf = MessageBuf::<MemHandle>::new();
    let mut pool = Pool::new(&space, n);
    if let Err(e) = buf.encode(pool.message(7)) {
        panic!("{dataset}: encode failed: {e}");
    }
    let wire = buf.bytes().to_vec();
    pool.handles.append(buf.parts_mut().1);
    let learn = |b: &mut [u8]| {
        let handles = (0..n).map(|_| space.event()).collect();
        drop(decode(b, handles));
    };
    let mut cases = Vec::new();

    let mut inputs = Vec::with_capacity(BATCH);
    cases.push(Case::custom(dataset, ENCODE, OURS, move |iters| {
        batched(
            iters,
            &mut inputs,
            &mut (&mut pool, &mut buf),
            |(pool, _), inputs, k| inputs.extend((0..k).map(|i| pool.message(i as u64))),
            |(pool, buf), msg| {
                if let Err(e) = buf.encode(msg) {
                    panic!("encode failed: {e}");
                }
                black_box(buf.bytes());
                pool.handles.append(buf.parts_mut().1);
            },
        )
    }));

    let mut rearm = Rearm::new(&wire, learn);
    let rearm_len = rearm.span_len();
    let mut pool = Pool::new(&space, n);
    let mut inputs = Vec::with_capacity(BATCH);
    cases.push(
        Case::custom(dataset, DECODE, OURS, move |iters| {
            batched(
                iters,
                &mut inputs,
                &mut (&mut pool, &mut rearm),
                |(pool, _), inputs, k| inputs.extend((0..k).map(|_| pool.take())),
                |(pool, rearm), handles| {
                    let msg = decode(rearm.restore(), handles);
                    black_box(msg.view());
                    let (_, mut table) = msg.into_parts();
                    pool.handles.extend(table.drain());
                },
            )
        })
        .with_rearm(),
    );

    let mut rearm = Rearm::new(&wire, learn);
    let mut pool = Pool::new(&space, n);
    let mut inputs = Vec::with_capacity(BATCH);
    cases.push(
        Case::custom(dataset, DECODE_READ, OURS, move |iters| {
            batched(
                iters,
                &mut inputs,
                &mut (&mut pool, &mut rearm),
                |(pool, _), inputs, k| inputs.extend((0..k).map(|_| pool.take())),
                |(pool, rearm), handles| {
                    let msg = decode(rearm.restore(), handles);
                    black_box(read_view(&msg));
                    let (_, mut table) = msg.into_parts();
                    pool.handles.extend(table.drain());
                },
            )
        })
        .with_rearm(),
    );

    let mut rearm = Rearm::new(&wire, learn);
    let mut pool = Pool::new(&space, n);
    let mut inputs = Vec::with_capacity(BATCH);
    cases.push(
        Case::custom(dataset, NATURAL, OURS, move |iters| {
            batched(
                iters,
                &mut inputs,
                &mut (&mut pool, &mut rearm),
                |(pool, _), inputs, k| inputs.extend((0..k).map(|_| pool.take())),
                |(pool, rearm), handles| {
                    let msg = decode(rearm.restore(), handles).into_natural();
                    black_box(&msg);
                    pool.handles.extend(msg.handles);
                },
            )
        })
        .with_rearm(),
    );

    let ours = Ours {
        cases,
        wire,
        rearm_len,
    };
    Suite::new(dataset, ours, NAME.as_bytes())
}
