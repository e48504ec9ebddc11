//! The `log` dataset: 10,000 HTTP request logs, many short strings (the shape of the
//! Rust serialization benchmark's `log`: an IPv4 address as four bytes, identity,
//! userid, date and request strings, a `u16` status code and a `u64` size).

use std::hint::black_box;
use std::rc::Rc;

use handoff::Fidl;

use crate::Suite;
use crate::harness::{Case, DECODE, DECODE_READ, ENCODE};
use crate::log_capnp as cp;
use crate::log_generated::log_fb as fb;
use crate::log_prost as pb;
use crate::peers::{self, CAPNP, FLATBUFFERS};
use crate::rng::Rng;

/// The number of records of the standard dataset.
pub const RECORDS: usize = 10_000;

/// An IPv4 address.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Fidl,
    rkyv::Archive,
    rkyv::Serialize,
    rkyv::Deserialize,
    bincode::Encode,
    bincode::Decode,
    serde::Serialize,
    serde::Deserialize,
)]
pub struct Address {
    /// First octet.
    pub x0: u8,
    /// Second octet.
    pub x1: u8,
    /// Third octet.
    pub x2: u8,
    /// Fourth octet.
    pub x3: u8,
}

/// One request.
#[derive(
    Clone,
    Debug,
    PartialEq,
    Fidl,
    rkyv::Archive,
    rkyv::Serialize,
    rkyv::Deserialize,
    bincode::Encode,
    bincode::Decode,
    serde::Serialize,
    serde::Deserialize,
)]
pub struct Log {
    /// The client.
    pub address: Address,
    /// RFC 1413 identity (`-`).
    pub identity: String,
    /// The user.
    pub userid: String,
    /// When.
    pub date: String,
    /// The request line.
    pub request: String,
    /// The status code.
    pub code: u16,
    /// The response size.
    pub size: u64,
}

/// The message: all the records.
#[derive(
    Clone,
    Debug,
    PartialEq,
    Fidl,
    rkyv::Archive,
    rkyv::Serialize,
    rkyv::Deserialize,
    bincode::Encode,
    bincode::Decode,
    serde::Serialize,
    serde::Deserialize,
)]
pub struct Logs {
    /// The records.
    pub logs: Vec<Log>,
}

/// Generates `n` records from a fixed seed.
pub fn generate(n: usize) -> Logs {
    const USERID: [&str; 9] = [
        "-", "alice", "bob", "carmen", "david", "eric", "frank", "george", "harry",
    ];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    const CODES: [u16; 14] = [
        200, 201, 204, 301, 302, 304, 400, 401, 403, 404, 418, 500, 502, 503,
    ];
    const METHODS: [&str; 5] = ["GET", "POST", "PUT", "UPDATE", "DELETE"];
    const ROUTES: [&str; 7] = [
        "/favicon.ico",
        "/css/index.css",
        "/css/font-awsome.min.css",
        "/img/logo-full.svg",
        "/img/splash.jpg",
        "/api/login",
        "/api/logout",
    ];
    const PROTOCOLS: [&str; 4] = ["HTTP/1.0", "HTTP/1.1", "HTTP/2", "HTTP/3"];
    let mut rng = Rng::new(0x106_106);
    let logs = (0..n)
        .map(|_| {
            let tz = rng.range(0, 24) as i64 - 12;
            let date = format!(
                "{}/{}/{}:{:02}:{:02}:{:02} {}{:02}00",
                rng.range(1, 28),
                rng.pick(&MONTHS),
                rng.range(1970, 2025),
                rng.range(0, 23),
                rng.range(0, 59),
                rng.range(0, 59),
                if tz < 0 { '-' } else { '+' },
                tz.abs()
            );
            let request = format!(
                "{} {} {}",
                rng.pick(&METHODS),
                rng.pick(&ROUTES),
                rng.pick(&PROTOCOLS)
            );
            Log {
                address: Address {
                    x0: rng.below(256) as u8,
                    x1: rng.below(256) as u8,
                    x2: rng.below(256) as u8,
                    x3: rng.below(256) as u8,
                },
                identity: "-".into(),
                userid: rng.pick(&USERID).into(),
                date,
                request,
                code: CODES[rng.below(CODES.len() as u64) as usize],
                size: rng.below(100_000_000),
            }
        })
        .collect();
    Logs { logs }
}

/// Every string byte of the dataset, concatenated (the UTF-8 baseline's input).
pub fn string_bytes(logs: &Logs) -> Vec<u8> {
    let mut out = Vec::new();
    for l in &logs.logs {
        for s in [&l.identity, &l.userid, &l.date, &l.request] {
            out.extend_from_slice(s.as_bytes());
        }
    }
    out
}

#[inline]
fn mix(acc: u64, x: u64) -> u64 {
    acc.wrapping_add(x)
}

/// The read pass over ours' view: every scalar, and every string's length.
pub fn read_view(v: LogsView<'_>) -> u64 {
    let mut s = 0;
    for l in v.logs() {
        let a = l.address();
        s = mix(
            s,
            u64::from(a.x0()) + u64::from(a.x1()) + u64::from(a.x2()) + u64::from(a.x3()),
        );
        s = mix(s, l.identity().len() as u64);
        s = mix(s, l.userid().len() as u64);
        s = mix(s, l.date().len() as u64);
        s = mix(s, l.request().len() as u64);
        s = mix(s, u64::from(l.code()));
        s = mix(s, l.size());
    }
    s
}

/// The read pass over the natural value (bincode, postcard).
pub fn read_natural(v: &Logs) -> u64 {
    let mut s = 0;
    for l in &v.logs {
        let a = l.address;
        s = mix(
            s,
            u64::from(a.x0) + u64::from(a.x1) + u64::from(a.x2) + u64::from(a.x3),
        );
        s = mix(s, l.identity.len() as u64);
        s = mix(s, l.userid.len() as u64);
        s = mix(s, l.date.len() as u64);
        s = mix(s, l.request.len() as u64);
        s = mix(s, u64::from(l.code));
        s = mix(s, l.size);
    }
    s
}

/// The read pass over rkyv's archive.
pub fn read_rkyv(v: &ArchivedLogs) -> u64 {
    let mut s = 0;
    for l in v.logs.iter() {
        let a = &l.address;
        s = mix(
            s,
            u64::from(a.x0) + u64::from(a.x1) + u64::from(a.x2) + u64::from(a.x3),
        );
        s = mix(s, l.identity.len() as u64);
        s = mix(s, l.userid.len() as u64);
        s = mix(s, l.date.len() as u64);
        s = mix(s, l.request.len() as u64);
        s = mix(s, u64::from(l.code.to_native()));
        s = mix(s, l.size.to_native());
    }
    s
}

/// The read pass over prost's message.
pub fn read_prost(v: &pb::Logs) -> u64 {
    let mut s = 0;
    for l in &v.logs {
        if let Some(a) = &l.address {
            s = mix(s, u64::from(a.x0 + a.x1 + a.x2 + a.x3));
        }
        s = mix(s, l.identity.len() as u64);
        s = mix(s, l.userid.len() as u64);
        s = mix(s, l.date.len() as u64);
        s = mix(s, l.request.len() as u64);
        s = mix(s, u64::from(l.code));
        s = mix(s, l.size);
    }
    s
}

/// The prost form of the dataset (prost applications use the generated types).
pub fn to_prost(v: &Logs) -> pb::Logs {
    pb::Logs {
        logs: v
            .logs
            .iter()
            .map(|l| pb::Log {
                address: Some(pb::Address {
                    x0: l.address.x0.into(),
                    x1: l.address.x1.into(),
                    x2: l.address.x2.into(),
                    x3: l.address.x3.into(),
                }),
                identity: l.identity.clone(),
                userid: l.userid.clone(),
                date: l.date.clone(),
                request: l.request.clone(),
                code: l.code.into(),
                size: l.size,
            })
            .collect(),
    }
}

/// Builds the capnp message of `v`.
pub fn build_capnp<A: capnp::message::Allocator>(
    v: &Logs,
    message: &mut capnp::message::Builder<A>,
) {
    let root = message.init_root::<cp::logs::Builder<'_>>();
    let mut list = root.init_logs(v.logs.len() as u32);
    for (i, l) in v.logs.iter().enumerate() {
        let mut b = list.reborrow().get(i as u32);
        {
            let mut a = b.reborrow().init_address();
            a.set_x0(l.address.x0);
            a.set_x1(l.address.x1);
            a.set_x2(l.address.x2);
            a.set_x3(l.address.x3);
        }
        b.set_identity(l.identity.as_str());
        b.set_userid(l.userid.as_str());
        b.set_date(l.date.as_str());
        b.set_request(l.request.as_str());
        b.set_code(l.code);
        b.set_size(l.size);
    }
}

/// The read pass over capnp's reader (strings checked as UTF-8, as ours are).
pub fn read_capnp(r: cp::logs::Reader<'_>) -> capnp::Result<u64> {
    let mut s = 0;
    for l in r.get_logs()?.iter() {
        let a = l.get_address()?;
        s = mix(
            s,
            u64::from(a.get_x0())
                + u64::from(a.get_x1())
                + u64::from(a.get_x2())
                + u64::from(a.get_x3()),
        );
        s = mix(s, l.get_identity()?.to_str()?.len() as u64);
        s = mix(s, l.get_userid()?.to_str()?.len() as u64);
        s = mix(s, l.get_date()?.to_str()?.len() as u64);
        s = mix(s, l.get_request()?.to_str()?.len() as u64);
        s = mix(s, u64::from(l.get_code()));
        s = mix(s, l.get_size());
    }
    Ok(s)
}

/// Builds the flatbuffer of `v` into `fbb` (reset first) and returns its bytes.
pub fn build_flatbuffers<'a>(
    v: &Logs,
    fbb: &'a mut flatbuffers::FlatBufferBuilder<'static>,
    offsets: &mut Vec<flatbuffers::WIPOffset<fb::Log<'static>>>,
) -> &'a [u8] {
    fbb.reset();
    offsets.clear();
    for l in &v.logs {
        let address = fb::Address::new(l.address.x0, l.address.x1, l.address.x2, l.address.x3);
        let identity = fbb.create_string(&l.identity);
        let userid = fbb.create_string(&l.userid);
        let date = fbb.create_string(&l.date);
        let request = fbb.create_string(&l.request);
        let mut b = fb::LogBuilder::new(fbb);
        b.add_address(&address);
        b.add_identity(identity);
        b.add_userid(userid);
        b.add_date(date);
        b.add_request(request);
        b.add_code(l.code);
        b.add_size(l.size);
        offsets.push(b.finish());
    }
    let logs = fbb.create_vector(offsets);
    let mut b = fb::LogsBuilder::new(fbb);
    b.add_logs(logs);
    let root = b.finish();
    fbb.finish(root, None);
    fbb.finished_data()
}

/// The read pass over the flatbuffer.
pub fn read_flatbuffers(r: fb::Logs<'_>) -> u64 {
    let mut s = 0;
    if let Some(logs) = r.logs() {
        for l in logs {
            if let Some(a) = l.address() {
                s = mix(
                    s,
                    u64::from(a.x0()) + u64::from(a.x1()) + u64::from(a.x2()) + u64::from(a.x3()),
                );
            }
            s = mix(s, l.identity().map_or(0, str::len) as u64);
            s = mix(s, l.userid().map_or(0, str::len) as u64);
            s = mix(s, l.date().map_or(0, str::len) as u64);
            s = mix(s, l.request().map_or(0, str::len) as u64);
            s = mix(s, u64::from(l.code()));
            s = mix(s, l.size());
        }
    }
    s
}

fn capnp_cases(dataset: &str, value: Rc<Logs>) -> (Vec<Case>, usize) {
    let mut message = capnp::message::Builder::new_default();
    build_capnp(&value, &mut message);
    let wire = capnp::serialize::write_message_to_words(&message);
    let size = wire.len();
    let mut scratch = capnp::Word::allocate_zeroed_vec(size / 8 + 64);
    let mut out = Vec::with_capacity(size);
    let mut cases = vec![Case::new(dataset, ENCODE, CAPNP, move || {
        let alloc = capnp::message::ScratchSpaceHeapAllocator::new(
            capnp::Word::words_to_bytes_mut(&mut scratch),
        );
        let mut message = capnp::message::Builder::new(alloc);
        build_capnp(black_box(&value), &mut message);
        out.clear();
        if let Err(e) = capnp::serialize::write_message(&mut out, &message) {
            panic!("capnp write failed: {e}");
        }
        black_box(&out);
    })];
    let words = Rc::new(peers::capnp_words(&wire));
    fn open(
        words: &[capnp::Word],
    ) -> capnp::message::Reader<capnp::serialize::NoAllocSliceSegments<'_>> {
        let mut slice = capnp::Word::words_to_bytes(words);
        match capnp::serialize::read_message_from_flat_slice_no_alloc(
            &mut slice,
            peers::capnp_options(),
        ) {
            Ok(r) => r,
            Err(e) => panic!("capnp read failed: {e}"),
        }
    }
    let w = words.clone();
    cases.push(Case::new(dataset, DECODE, CAPNP, move || {
        let reader = open(black_box(&w));
        match reader.get_root::<cp::logs::Reader<'_>>() {
            Ok(r) => {
                black_box(r);
            }
            Err(e) => panic!("capnp root failed: {e}"),
        }
    }));
    let w = words;
    cases.push(Case::new(dataset, DECODE_READ, CAPNP, move || {
        let reader = open(black_box(&w));
        match reader
            .get_root::<cp::logs::Reader<'_>>()
            .and_then(read_capnp)
        {
            Ok(s) => {
                black_box(s);
            }
            Err(e) => panic!("capnp read failed: {e}"),
        }
    }));
    (cases, size)
}

fn flatbuffers_cases(dataset: &str, value: Rc<Logs>) -> (Vec<Case>, usize) {
    let mut fbb = flatbuffers::FlatBufferBuilder::new();
    let mut offsets = Vec::new();
    let wire = build_flatbuffers(&value, &mut fbb, &mut offsets).to_vec();
    let size = wire.len();
    let mut cases = vec![Case::new(dataset, ENCODE, FLATBUFFERS, move || {
        black_box(build_flatbuffers(black_box(&value), &mut fbb, &mut offsets));
    })];
    let wire = Rc::new(wire);
    let w = wire.clone();
    cases.push(Case::new(
        dataset,
        DECODE,
        FLATBUFFERS,
        move || match fb::root_as_logs(black_box(&w)) {
            Ok(r) => {
                black_box(r);
            }
            Err(e) => panic!("flatbuffers verify failed: {e}"),
        },
    ));
    let w = wire;
    cases.push(Case::new(
        dataset,
        DECODE_READ,
        FLATBUFFERS,
        move || match fb::root_as_logs(black_box(&w)) {
            Ok(r) => {
                black_box(read_flatbuffers(r));
            }
            Err(e) => panic!("flatbuffers verify failed: {e}"),
        },
    ));
    (cases, size)
}

/// Every case of the dataset with `n` records (`log` for [`RECORDS`]).
pub fn suite(dataset: &str, n: usize) -> Suite {
    let value = Rc::new(generate(n));
    let ours = peers::ours::<Logs>(dataset, value.clone(), read_view);
    let mut suite = Suite::new(dataset, ours, &string_bytes(&value));
    suite.add(
        peers::rkyv::<Logs>(dataset, value.clone(), read_rkyv),
        peers::RKYV,
    );
    suite.add(capnp_cases(dataset, value.clone()), CAPNP);
    suite.add(flatbuffers_cases(dataset, value.clone()), FLATBUFFERS);
    suite.add(
        peers::prost(dataset, to_prost(&value), read_prost),
        peers::PROST,
    );
    suite.add(
        peers::bincode(dataset, value.clone(), read_natural),
        peers::BINCODE,
    );
    suite.add(
        peers::postcard(dataset, value, read_natural),
        peers::POSTCARD,
    );
    suite
}
