//! Writes the seed corpora of the fuzz targets: `seedgen OUT_DIR` fills
//! `OUT_DIR/decode`, `OUT_DIR/header` and `OUT_DIR/roundtrip` (created if missing).
//!
//! Seeds for `decode` (and, behind a valid transactional or persisted header, for
//! `header`) come from three sources:
//!
//! * every byte vector of `spec/examples.txt` (its `bytes:` lines, with `handles: N`
//!   events);
//! * every `bytes = { v2 = [...] }` of the GIDL conformance suite (through
//!   `handoff-conformance`; its handle definitions give the handle table), when the
//!   suite directory is there (`$HANDOFF_CONFORMANCE_DIR`, else `shared/conformance`
//!   beside the checkout);
//! * the canonical encoding of hand-built values of every fuzzed type, which reach
//!   deep into each type where random bytes rarely do.
//!
//! Each message is written once per type selector (a message of one type read as
//! another is how unknown table and union members arise). File names are content
//! hashes, so running it again is idempotent.
#![allow(unexpected_cfgs)]

#[path = "../../src/check.rs"]
mod check;
#[path = "../../src/types.rs"]
mod types;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use handoff::MessageBuf;
use handoff::codec::Encode;
use handoff::handle::mem::{MemHandle, MemSpace};
use handoff::handle::{Handle, ObjectType, Rights};
use handoff::wire::{PersistedHeader, TransactionHeader};

use check::{DecodeInput, MAX_INPUT_HANDLES, transaction_header_bytes};
use types::*;

/// One message with its handle table.
struct Message {
    bytes: Vec<u8>,
    handles: Vec<(ObjectType, Rights)>,
}

fn main() -> ExitCode {
    let Some(out) = std::env::args_os().nth(1).map(PathBuf::from) else {
        eprintln!("usage: seedgen OUT_DIR");
        return ExitCode::from(2);
    };
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut messages = Vec::new();
    let examples = repo.join("spec/examples.txt");
    match std::fs::read_to_string(&examples) {
        Ok(text) => messages.extend(parse_examples(&text)),
        Err(e) => eprintln!("seedgen: skipping {}: {e}", examples.display()),
    }
    let from_examples = messages.len();
    match handoff_conformance::suite_dir().and_then(|d| handoff_conformance::load_dir(&d)) {
        Ok(cases) => messages.extend(cases.iter().filter_map(gidl_message)),
        Err(e) => eprintln!("seedgen: skipping the GIDL suite: {e}"),
    }
    let from_gidl = messages.len() - from_examples;
    let built = built_messages();
    let from_values = built.len();
    messages.extend(built);

    let mut decode = BTreeSet::new();
    let mut header = BTreeSet::new();
    for (i, m) in messages.iter().enumerate() {
        if m.handles.len() > usize::from(MAX_INPUT_HANDLES) {
            continue;
        }
        for selector in 0..types::COUNT {
            for flags in [0, 1] {
                let input = DecodeInput {
                    selector,
                    flags,
                    handles: m.handles.clone(),
                    bytes: &m.bytes,
                };
                decode.insert(input.to_bytes());
            }
        }
        // Behind each kind of header, once, as one of the types.
        let selector = (i % usize::from(types::COUNT)) as u8;
        let tx = TransactionHeader::new(i as u32, 0x1234_5678_9abc_def0 ^ i as u64, 0);
        let mut framed = transaction_header_bytes(&tx).to_vec();
        framed.extend_from_slice(&m.bytes);
        let persisted = [&[0u8, 1, 2, 0, 0, 0, 0, 0][..], &m.bytes].concat();
        assert_eq!(PersistedHeader::parse(&persisted).map(|_| ()), Ok(()));
        for bytes in [&framed, &persisted] {
            let input = DecodeInput {
                selector,
                flags: 0,
                handles: m.handles.clone(),
                bytes,
            };
            header.insert(input.to_bytes());
        }
    }
    let mut written = 0;
    for (name, seeds) in [("decode", &decode), ("header", &header)] {
        match write_corpus(&out.join(name), seeds) {
            Ok(n) => written += n,
            Err(e) => {
                eprintln!("seedgen: writing {}: {e}", out.join(name).display());
                return ExitCode::FAILURE;
            }
        }
    }
    // The roundtrip target's inputs are `arbitrary` streams, which no message gives;
    // libFuzzer starts it from an empty corpus.
    if let Err(e) = std::fs::create_dir_all(out.join("roundtrip")) {
        eprintln!("seedgen: {e}");
        return ExitCode::FAILURE;
    }
    println!(
        "seedgen: {from_examples} messages from spec/examples.txt, {from_gidl} from GIDL, \
         {from_values} built; {} decode and {} header seeds ({written} new files)",
        decode.len(),
        header.len()
    );
    ExitCode::SUCCESS
}

/// Writes each seed as a file named by its FNV-1a hash; returns how many were new.
fn write_corpus(dir: &Path, seeds: &BTreeSet<Vec<u8>>) -> std::io::Result<usize> {
    std::fs::create_dir_all(dir)?;
    let mut new = 0;
    for seed in seeds {
        let hash = seed.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, &b| {
            (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
        });
        let path = dir.join(format!("seed-{hash:016x}"));
        if !path.exists() {
            std::fs::write(path, seed)?;
            new += 1;
        }
    }
    Ok(new)
}

/// The `bytes:` blocks of `spec/examples.txt`, each with `handles: N` events.
fn parse_examples(text: &str) -> Vec<Message> {
    let mut out = Vec::new();
    let mut bytes: Option<Vec<u8>> = None;
    for line in text.lines() {
        let line = line.split('#').next().unwrap_or("").trim();
        if line.starts_with("===") {
            bytes = None;
        } else if line == "bytes:" {
            bytes = Some(Vec::new());
        } else if let Some(n) = line.strip_prefix("handles:") {
            if let (Some(b), Ok(n)) = (bytes.take(), n.trim().parse::<usize>()) {
                out.push(Message {
                    bytes: b,
                    handles: vec![(ObjectType::EVENT, Rights::EVENT_DEFAULT); n],
                });
            }
        } else if let Some(b) = bytes.as_mut() {
            b.extend(
                line.split_whitespace()
                    .filter_map(|h| u8::from_str_radix(h, 16).ok()),
            );
        }
    }
    out
}

/// A GIDL case's v2 bytes and handle table.
fn gidl_message(case: &handoff_conformance::Case) -> Option<Message> {
    let bytes = case.bytes()?.to_vec();
    let defs = &case.handle_defs;
    let table: Vec<usize> = match &case.handles {
        Some(refs) => refs.iter().map(|r| r.index as usize).collect(),
        None => (0..defs.len()).collect(),
    };
    let handles = table
        .iter()
        .filter_map(|&i| defs.get(i))
        .map(|d| {
            let rights = Rights(d.effective_rights() & 0xFFFF);
            (ObjectType(d.subtype.obj_type()), rights)
        })
        .collect();
    Some(Message { bytes, handles })
}

fn encode<T: Encode<MemHandle>>(value: T) -> Message {
    let mut buf = MessageBuf::<MemHandle>::new();
    buf.encode(value).expect("seed values encode");
    let (bytes, handles) = buf.take();
    Message {
        bytes: bytes.to_vec(),
        handles: handles
            .iter()
            .map(|h| (h.object_type(), Rights(h.rights().0 & 0xFFFF)))
            .collect(),
    }
}

fn inner(n: u16) -> Inner {
    Inner {
        b: n,
        c: n % 2 == 1,
        d: u64::from(n) << 40,
    }
}

fn vtable(depth: usize) -> VTable {
    VTable {
        name: Some("seed".into()),
        nums: Some(vec![1, 2, 3]),
        choice: Some(VUnion::S("abc".into())),
        small: Some(9),
        inner: Some(inner(3)),
        nested: (depth > 0).then(|| Box::new(vtable(depth - 1))),
    }
}

fn chain(links: u32) -> Chain {
    let mut c = Chain { val: 0, next: None };
    for i in 1..links {
        c = Chain {
            val: i,
            next: Some(Box::new(c)),
        };
    }
    c
}

fn deep(levels: u32) -> Deep {
    let mut d = Deep {
        child: None,
        tree: Some(Box::new(Tree::Kids(vec![
            Tree::Leaf(1),
            Tree::Boxed(TreeBox {
                inner: Some(Box::new(Tree::Leaf(2))),
            }),
            Tree::Boxed(TreeBox { inner: None }),
        ]))),
    };
    for _ in 1..levels {
        d = Deep {
            child: Some(Box::new(d)),
            tree: None,
        };
    }
    d
}

fn handles(space: &MemSpace) -> Handles {
    Handles {
        events: vec![space.event(), space.event()],
        opt: Some(space.channel()),
        chan: space.channel(),
        arr: [Some(space.event()), None],
        inner: inner(5),
    }
}

fn rtable(space: &MemSpace) -> RTable {
    RTable {
        h: Some(space.event()),
        hs: Some(vec![space.channel(), space.event()]),
        u: Some(RUnion::Event(space.event())),
        v: Some(vtable(0)),
        n: Some(77),
    }
}

/// Canonical encodings of hand-built values of every fuzzed type.
fn built_messages() -> Vec<Message> {
    let space = MemSpace::new();
    let nested = |boxed, level| Nested {
        a: 1,
        inner: inner(2),
        color: Color::Green,
        level,
        perms: Perms(5),
        flags: Flags(0x8001),
        arr: [1, -2, 3],
        empty: Empty {},
        f: 1.5,
        g: -2.25,
        boxed,
    };
    let mut rchain = RChain {
        h: None,
        next: None,
    };
    for i in 0..6 {
        rchain = RChain {
            h: (i % 2 == 0).then(|| space.event()),
            next: Some(Box::new(rchain)),
        };
    }
    vec![
        encode(nested(Some(inner(4)), Level::High)),
        encode(nested(None, Level::UnknownValue(7))),
        encode(vtable(2)),
        encode(VTable {
            name: None,
            nums: None,
            choice: None,
            small: None,
            inner: None,
            nested: None,
        }),
        encode(VUnion::U(7)),
        encode(VUnion::S("hello".into())),
        encode(VUnion::B(true)),
        encode(VUnion::Color(Color::Blue)),
        encode(Bounded {
            s: "sixteen bytes!!!".into(),
            os: Some("four".into()),
            v: vec![1, 2, 3, 4, 5, 6, 7, 8],
            vv: vec![vec![1], vec![], vec![2, 3, 4]],
            vs: vec!["ab".into(), "é".into()],
            ov: Some(vec![inner(1), inner(2)]),
            vb: vec![true, false],
            levels: vec![Level::Low, Level::UnknownValue(3)],
        }),
        encode(chain(3)),
        // At the depth limit (32 boxes below the primary object) and one past it is
        // an encode error, so only the former.
        encode(chain(33)),
        encode(deep(2)),
        encode(deep(14)),
        encode(handles(&space)),
        encode(rtable(&space)),
        encode(ValueHolder {
            t: vtable(1),
            u: Some(VUnion::U(3)),
            x: 42,
            us: vec![VUnion::B(false), VUnion::Color(Color::Red)],
        }),
        encode(SRUnion::S(handles(&space))),
        encode(SRUnion::T(rtable(&space))),
        encode(SRUnion::H(space.channel())),
        encode(SRUnion::Opt(None)),
        encode(rchain),
        encode(vec![Some(VUnion::U(1)), None, Some(VUnion::S("hi".into()))]),
        encode([Some(space.event()), None, Some(space.channel())]),
        encode(vec![String::from("a"), String::from("bc")]),
        encode(Strict {
            u: SUnion::C(inner(6)),
            o: Some(SUnion::S("abc".into())),
            v: vec![SUnion::A(1), SUnion::F(0.5)],
            b: true,
        }),
        encode(Strict {
            u: SUnion::B(-3),
            o: None,
            v: vec![SUnion::E(Color::Red)],
            b: false,
        }),
        encode(StrictR {
            u: SRHandles::Hs(vec![space.event(), space.channel()]),
            o: Some(SRHandles::H(space.event())),
            h: Some(space.channel()),
        }),
        encode(StrictR {
            u: SRHandles::N(5),
            o: None,
            h: None,
        }),
        encode(Tree::Kids(vec![
            Tree::Leaf(5),
            Tree::Boxed(TreeBox {
                inner: Some(Box::new(Tree::Kids(vec![Tree::Leaf(6)]))),
            }),
        ])),
    ]
}
