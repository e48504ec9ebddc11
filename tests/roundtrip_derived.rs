//! Round trips of derived types with pseudo-random values (a fixed-seed generator, so
//! every run checks the same values), the reuse of one `MessageBuf` without allocating,
//! and decoded messages crossing threads.
//!
//! Oracles: `decode(encode(v)) == v`; `encode(decode(b)) == b` for every encoded `b`;
//! encoding by value and by reference give the same bytes; views agree with the value.

// Test types are not an API: their members need no docs.
#![allow(missing_docs)]

mod support;

use std::alloc::{GlobalAlloc, Layout as AllocLayout, System};
use std::cell::Cell;

use handoff::handle::mem::MemHandle;
use handoff::{DecodeOptions, Decoded, Fidl, MessageBuf};
use support::*;

// ---------------------------------------------------------------------------------------
// A counting allocator: allocations made by the current thread.

struct Counting;

thread_local! {
    static ALLOCATIONS: Cell<u64> = const { Cell::new(0) };
}

fn count_one() {
    // `try_with`: the allocator may run while the thread-local is being torn down.
    let _ = ALLOCATIONS.try_with(|c| c.set(c.get() + 1));
}

// SAFETY: every method forwards to `System` with the caller's arguments unchanged, so it
// upholds `GlobalAlloc`'s contract exactly as `System` does; counting touches only a
// const-initialized thread-local `Cell`, which never allocates.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: AllocLayout) -> *mut u8 {
        count_one();
        // SAFETY: the caller's guarantees for `alloc` are passed on unchanged.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: AllocLayout) -> *mut u8 {
        count_one();
        // SAFETY: the caller's guarantees for `alloc_zeroed` are passed on unchanged.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: AllocLayout, new_size: usize) -> *mut u8 {
        count_one();
        // SAFETY: the caller's guarantees for `realloc` are passed on unchanged.
        unsafe { System.realloc(ptr, layout, new_size) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: AllocLayout) {
        // SAFETY: the caller's guarantees for `dealloc` are passed on unchanged.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// The allocations the current thread makes while running `f`.
fn allocations_during(f: impl FnOnce()) -> u64 {
    let before = ALLOCATIONS.with(Cell::get);
    f();
    ALLOCATIONS.with(Cell::get) - before
}

// ---------------------------------------------------------------------------------------
// Types

#[derive(Debug, Clone, PartialEq, Fidl)]
pub struct Point {
    pub x: i32,
    pub y: i32,
}

#[derive(Debug, Clone, PartialEq, Fidl)]
pub struct Empty {}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Fidl)]
#[fidl(enum, strict, repr = u8)]
pub enum Color {
    Red = 1,
    Green = 2,
    Blue = 3,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Fidl)]
#[fidl(enum, flexible, repr = i16)]
pub enum Level {
    #[fidl(value = -1)]
    Low,
    #[fidl(value = 1)]
    High,
    #[fidl(unknown)]
    UnknownValue(i16),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Fidl)]
#[fidl(bits, strict, repr = u8, mask = 0x0f)]
pub struct Perm(pub u8);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Fidl)]
#[fidl(bits, flexible, repr = u64, mask = 0x1)]
pub struct Wide(pub u64);

#[derive(Debug, Clone, PartialEq, Default, Fidl)]
#[fidl(table)]
pub struct Inner {
    #[fidl(ordinal = 1)]
    pub x: Option<i64>,
    #[fidl(ordinal = 2)]
    pub y: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Fidl)]
#[fidl(union, strict)]
pub enum Shape {
    #[fidl(ordinal = 1)]
    Circle(u32),
    #[fidl(ordinal = 2)]
    Rect(Point),
    #[fidl(ordinal = 3, max_len = 12)]
    Label(String),
    #[fidl(ordinal = 4)]
    Flag(bool),
}

#[derive(Debug, Clone, PartialEq, Default, Fidl)]
#[fidl(table)]
pub struct Settings {
    #[fidl(ordinal = 1)]
    pub volume: Option<u8>,
    #[fidl(ordinal = 2, max_len = 12)]
    pub name: Option<String>,
    #[fidl(ordinal = 4)]
    pub point: Option<Point>,
    #[fidl(ordinal = 5, max_len = 3, elem(max_len = 12))]
    pub tags: Option<Vec<String>>,
    #[fidl(ordinal = 7)]
    pub inner: Option<Inner>,
    #[fidl(ordinal = 8)]
    pub shape: Option<Shape>,
    #[fidl(ordinal = 9)]
    pub level: Option<Level>,
}

#[derive(Debug, Clone, PartialEq, Fidl)]
#[fidl(union, flexible)]
pub enum Event {
    #[fidl(ordinal = 1)]
    Tick(u64),
    #[fidl(ordinal = 2)]
    Text(String),
    #[fidl(ordinal = 3)]
    Settings(Settings),
    #[fidl(ordinal = 4)]
    Small(i8),
    #[fidl(unknown)]
    UnknownOrdinal(u64),
}

#[derive(Debug, Clone, PartialEq, Fidl)]
pub struct Item {
    pub id: u16,
    #[fidl(max_len = 12)]
    pub tag: Option<String>,
    pub shape: Shape,
}

#[derive(Debug, Clone, PartialEq, Fidl)]
pub struct Everything {
    pub a: u8,
    pub b: i16,
    pub c: u32,
    pub d: i64,
    pub f: f32,
    pub g: f64,
    pub flag: bool,
    #[fidl(max_len = 32)]
    pub name: String,
    pub opt: Option<String>,
    pub bytes: Vec<u8>,
    #[fidl(max_len = 8)]
    pub words: Vec<u32>,
    pub strs: Vec<String>,
    pub arr: [u16; 3],
    pub point: Option<Point>,
    pub boxed: Option<Box<Point>>,
    pub color: Color,
    pub level: Level,
    pub perm: Perm,
    pub wide: Wide,
    pub settings: Settings,
    pub shape: Shape,
    pub event: Option<Box<Event>>,
    pub items: Vec<Item>,
    pub nested: Vec<Vec<u8>>,
    pub opt_words: Option<Vec<u64>>,
    pub empty: Empty,
    pub empties: Vec<Empty>,
}

#[derive(Debug, Default, Fidl)]
#[fidl(table, resource)]
pub struct RTable {
    #[fidl(ordinal = 1)]
    pub h: Option<H>,
    #[fidl(ordinal = 2)]
    pub n: Option<u32>,
    #[fidl(ordinal = 3)]
    pub hs: Option<Vec<H>>,
}

#[derive(Debug, Fidl)]
#[fidl(union, flexible, resource)]
pub enum RUnion {
    #[fidl(ordinal = 1)]
    H(H),
    #[fidl(ordinal = 2)]
    Hs(Vec<H>),
    #[fidl(ordinal = 3)]
    Table(RTable),
    #[fidl(unknown)]
    UnknownOrdinal(u64),
}

#[derive(Debug, Fidl)]
#[fidl(resource)]
pub struct RMsg {
    pub h: H,
    pub hs: Vec<H>,
    pub t: RTable,
    pub u: RUnion,
    pub ou: Option<Box<RUnion>>,
    pub oh: Option<H>,
    pub data: Everything,
}

// ---------------------------------------------------------------------------------------
// A deterministic generator.

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn chance(&mut self) -> bool {
        self.next() & 1 == 1
    }
    fn string(&mut self, max_bytes: usize) -> String {
        const PIECES: [&str; 8] = ["a", "Z", "0", " ", "é", "世", "🎉", "\u{10ffff}"];
        let mut s = String::new();
        for _ in 0..self.below(8) {
            let p = PIECES[self.below(8) as usize];
            if s.len() + p.len() <= max_bytes {
                s.push_str(p);
            }
        }
        s
    }
    fn opt<T>(&mut self, f: impl FnOnce(&mut Self) -> T) -> Option<T> {
        if self.chance() { Some(f(self)) } else { None }
    }
    fn vec<T>(&mut self, max: u64, mut f: impl FnMut(&mut Self) -> T) -> Vec<T> {
        (0..self.below(max + 1)).map(|_| f(self)).collect()
    }
    fn f32(&mut self) -> f32 {
        let f = f32::from_bits(self.next() as u32);
        if f.is_nan() { -0.0 } else { f }
    }
    fn f64(&mut self) -> f64 {
        let f = f64::from_bits(self.next());
        if f.is_nan() { 1.5 } else { f }
    }
    fn point(&mut self) -> Point {
        Point {
            x: self.next() as i32,
            y: self.next() as i32,
        }
    }
    fn shape(&mut self) -> Shape {
        match self.below(4) {
            0 => Shape::Circle(self.next() as u32),
            1 => Shape::Rect(self.point()),
            2 => Shape::Label(self.string(12)),
            _ => Shape::Flag(self.chance()),
        }
    }
    fn level(&mut self) -> Level {
        match self.next() as i16 % 4 {
            -1 => Level::Low,
            1 => Level::High,
            r => Level::UnknownValue(r * 1000 + 7),
        }
    }
    fn settings(&mut self) -> Settings {
        Settings {
            volume: self.opt(|r| r.next() as u8),
            name: self.opt(|r| r.string(12)),
            point: self.opt(Self::point),
            tags: self.opt(|r| r.vec(3, |r| r.string(12))),
            inner: self.opt(|r| Inner {
                x: r.opt(|r| r.next() as i64),
                y: r.opt(Self::chance),
            }),
            shape: self.opt(Self::shape),
            level: self.opt(Self::level),
        }
    }
    fn event(&mut self) -> Event {
        match self.below(4) {
            0 => Event::Tick(self.next()),
            1 => Event::Text(self.string(40)),
            2 => Event::Settings(self.settings()),
            _ => Event::Small(self.next() as i8),
        }
    }
    fn everything(&mut self) -> Everything {
        Everything {
            a: self.next() as u8,
            b: self.next() as i16,
            c: self.next() as u32,
            d: self.next() as i64,
            f: self.f32(),
            g: self.f64(),
            flag: self.chance(),
            name: self.string(32),
            opt: self.opt(|r| r.string(64)),
            bytes: self.vec(20, |r| r.next() as u8),
            words: self.vec(8, |r| r.next() as u32),
            strs: self.vec(4, |r| r.string(20)),
            arr: [self.next() as u16, self.next() as u16, self.next() as u16],
            point: self.opt(Self::point),
            boxed: self.opt(|r| Box::new(r.point())),
            color: [Color::Red, Color::Green, Color::Blue][self.below(3) as usize],
            level: self.level(),
            perm: Perm(self.next() as u8 & 0x0f),
            wide: Wide(self.next()),
            settings: self.settings(),
            shape: self.shape(),
            event: self.opt(|r| Box::new(r.event())),
            items: self.vec(3, |r| Item {
                id: r.next() as u16,
                tag: r.opt(|r| r.string(12)),
                shape: r.shape(),
            }),
            nested: self.vec(3, |r| r.vec(9, |r| r.next() as u8)),
            opt_words: self.opt(|r| r.vec(3, Self::next)),
            empty: Empty {},
            empties: self.vec(9, |_| Empty {}),
        }
    }
}

// ---------------------------------------------------------------------------------------
// Value types

#[test]
fn random_values_round_trip() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut buf = MessageBuf::<H>::new();
    for i in 0..300 {
        let v = rng.everything();
        buf.encode(&v)
            .unwrap_or_else(|e| panic!("value {i}: {e:?}\n{v:#?}"));
        let bytes = buf.bytes().to_vec();
        assert!(buf.handles().is_empty());
        // By value: the same bytes.
        assert_bytes(&encode_bytes(v.clone()), &bytes);
        // decode(encode(v)) == v, with views that agree.
        let msg =
            decode::<Everything>(&bytes, vec![]).unwrap_or_else(|e| panic!("value {i}: {e:?}"));
        let view = msg.view();
        assert_eq!(view.name(), v.name);
        assert_eq!(view.bytes().as_slice(), &v.bytes[..]);
        assert_eq!(view.words().iter().collect::<Vec<_>>(), v.words);
        assert_eq!(view.strs().iter().collect::<Vec<_>>(), v.strs);
        assert_eq!(view.opt(), v.opt.as_deref());
        assert_eq!(view.settings().name(), v.settings.name.as_deref());
        assert_eq!(view.settings().volume(), v.settings.volume);
        assert_eq!(view.items().len(), v.items.len());
        assert_eq!(view.f().to_bits(), v.f.to_bits());
        let _ = format!("{view:?}");
        assert_eq!(msg.into_natural(), v, "value {i}");
        // encode(decode(b)) == b.
        let natural = decode_natural::<Everything>(&bytes);
        assert_bytes(&encode_bytes(natural), &bytes);
    }
}

#[test]
fn random_unions_and_tables_round_trip_at_top_level() {
    let mut rng = Rng(7);
    for _ in 0..300 {
        let s = rng.settings();
        check_value(&s, &encode_bytes(&s));
        let e = rng.event();
        check_value(&e, &encode_bytes(&e));
        let shape = rng.shape();
        check_value(&shape, &encode_bytes(&shape));
        let items = rng.vec(4, |r| Item {
            id: 1,
            tag: r.opt(|r| r.string(12)),
            shape: r.shape(),
        });
        check_value(&items, &encode_bytes(&items));
    }
}

// ---------------------------------------------------------------------------------------
// Resource types

fn random_resource(rng: &mut Rng, t: &Tracker) -> RMsg {
    let table = |rng: &mut Rng| RTable {
        h: rng.opt(|_| t.event()),
        n: rng.opt(|r| r.next() as u32),
        hs: rng.opt(|r| r.vec(3, |_| t.channel())),
    };
    let union = |rng: &mut Rng| match rng.below(3) {
        0 => RUnion::H(t.event()),
        1 => RUnion::Hs(rng.vec(3, |_| t.event())),
        _ => RUnion::Table(table(rng)),
    };
    RMsg {
        h: t.event(),
        hs: rng.vec(4, |_| t.event()),
        t: table(rng),
        u: union(rng),
        ou: rng.opt(|r| Box::new(union(r))),
        oh: rng.opt(|_| t.channel()),
        data: rng.everything(),
    }
}

#[test]
fn random_resource_values_round_trip_with_their_handles() {
    let mut rng = Rng(0x5eed);
    for i in 0..100 {
        let t = Tracker::new();
        let v = random_resource(&mut rng, &t);
        let minted = t.minted();
        let data = v.data.clone();
        let (bytes, handles) = encode(v);
        // Every handle moved into the table, in traversal order (mint order here).
        let koids: Vec<u64> = handles.iter().map(MemHandle::koid).collect();
        assert_eq!(
            handles.iter().map(MemHandle::raw).collect::<Vec<_>>(),
            minted,
            "value {i}"
        );
        t.assert_none_closed();
        let msg = Decoded::<RMsg, H>::decode(bytes.clone(), handles)
            .unwrap_or_else(|e| panic!("value {i}: {e:?}"));
        assert_eq!(msg.handle_count(), koids.len());
        let natural = msg.into_natural();
        assert_eq!(natural.data, data);
        let (again, handles) = encode(natural);
        assert_bytes(&again, &bytes);
        assert_eq!(
            handles.iter().map(MemHandle::koid).collect::<Vec<_>>(),
            koids
        );
        t.assert_none_closed();
        drop(handles);
        t.assert_all_closed_once();
    }
}

// ---------------------------------------------------------------------------------------
// Buffers

/// Encoding again and again into one buffer reuses its allocation: after the first
/// message, encoding messages no larger allocates nothing at all.
#[test]
fn one_buffer_reused_allocates_nothing_in_steady_state() {
    let mut rng = Rng(42);
    let values: Vec<Everything> = (0..50).map(|_| rng.everything()).collect();
    let largest = values
        .iter()
        .max_by_key(|v| encode_bytes(*v).len())
        .unwrap()
        .clone();
    let mut buf = MessageBuf::<H>::new();
    buf.encode(&largest).unwrap();
    let ptr = buf.bytes().as_ptr();
    let allocations = allocations_during(|| {
        for _ in 0..3 {
            for v in &values {
                buf.encode(v).unwrap();
                assert_eq!(buf.bytes().as_ptr(), ptr, "the buffer moved");
            }
        }
    });
    assert_eq!(allocations, 0, "steady-state encoding allocated");
    // A failed encode keeps the allocation too.
    let mut too_long = largest.clone();
    too_long.name = "x".repeat(33);
    let allocations = allocations_during(|| {
        assert!(buf.encode(&too_long).is_err());
        buf.encode(&largest).unwrap();
    });
    assert_eq!(allocations, 0);
    assert_eq!(buf.bytes().as_ptr(), ptr);
}

/// Resource messages: the handle table's allocation is reused too (the handles are
/// minted before measuring; closing them is the in-memory backend's bookkeeping).
#[test]
fn one_buffer_reused_for_resource_messages() {
    let t = Tracker::new();
    let mut rng = Rng(3);
    let mut buf = MessageBuf::<H>::new();
    buf.encode(RTable {
        h: Some(t.event()),
        n: Some(1),
        hs: Some(t.events(8)),
    })
    .unwrap();
    let (bytes_ptr, handles_ptr) = (buf.bytes().as_ptr(), buf.handles().as_ptr());
    for _ in 0..100 {
        let value = RTable {
            h: rng.opt(|_| t.event()),
            n: rng.opt(|r| r.next() as u32),
            hs: rng.opt(|r| r.vec(8, |_| t.event())),
        };
        buf.encode(value).unwrap();
        assert_eq!(buf.bytes().as_ptr(), bytes_ptr);
        if !buf.handles().is_empty() {
            assert_eq!(buf.handles().as_ptr(), handles_ptr);
        }
    }
    buf.clear();
    t.assert_all_closed_once();
}

/// `split` hands the bytes out and keeps the buffer usable: once the split-off bytes
/// are dropped, the buffer reclaims its allocation.
#[test]
fn split_then_reuse() {
    let mut rng = Rng(11);
    let values: Vec<Everything> = (0..20).map(|_| rng.everything()).collect();
    let mut buf = MessageBuf::<H>::new();
    let mut handles = Vec::new();
    for v in &values {
        buf.encode(v).unwrap();
        let bytes = buf.split(&mut handles);
        assert!(buf.bytes().is_empty());
        assert_eq!(decode_natural::<Everything>(&bytes), *v);
    }
    let largest = values
        .iter()
        .max_by_key(|v| encode_bytes(*v).len())
        .unwrap();
    buf.encode(largest).unwrap();
    drop(buf.split(&mut handles));
    let allocations = allocations_during(|| {
        for v in &values {
            buf.encode(v).unwrap();
            drop(buf.split(&mut handles));
        }
    });
    assert_eq!(
        allocations, 0,
        "encode + split + drop allocated in steady state"
    );
}

// ---------------------------------------------------------------------------------------
// Threads

fn assert_send_static<T: Send + 'static>() {}

#[test]
fn decoded_messages_are_send_and_static() {
    assert_send_static::<Decoded<RMsg, MemHandle>>();
    assert_send_static::<Decoded<Everything, MemHandle>>();
    assert_send_static::<Decoded<Everything>>();
    assert_send_static::<MessageBuf<MemHandle>>();

    let t = Tracker::new();
    let mut rng = Rng(99);
    let v = random_resource(&mut rng, &t);
    let name = v.data.name.clone();
    let handle_count = t.minted().len();
    let (bytes, handles) = encode(v);
    let msg = Decoded::<RMsg, MemHandle>::decode(bytes, handles).unwrap();
    // Viewed and converted on another thread.
    let worker = std::thread::spawn(move || {
        let view = msg.view();
        assert_eq!(view.data().name(), name);
        let first = msg.handle(view.h()).map(MemHandle::koid);
        let n = msg.handle_count();
        (first, n, msg.into_natural())
    });
    let (first, n, natural) = worker.join().unwrap();
    assert_eq!(n, handle_count);
    assert_eq!(first, Some(natural.h.koid()));
    t.assert_none_closed();
    drop(natural);
    t.assert_all_closed_once();
}

/// Other ways in: a shared `Bytes` (copied once), a plain `Vec<u8>`, the RFC-0137 policy
/// on a message without unknown members.
#[test]
fn other_buffer_types_decode_the_same() {
    let mut rng = Rng(5);
    let v = rng.everything();
    let bytes = encode_bytes(&v);
    let shared = bytes::Bytes::from(bytes.clone());
    let other = shared.clone();
    let msg =
        Decoded::<Everything, H>::from_bytes(shared, vec![], &DecodeOptions::default()).unwrap();
    assert_eq!(msg.into_natural(), v);
    // The other `Bytes` still holds the wire bytes: validation patched a copy.
    assert_eq!(&other[..], &bytes[..]);
    let unique = bytes::Bytes::from(bytes.clone());
    assert_eq!(
        Decoded::<Everything, H>::from_bytes(unique, vec![], &DecodeOptions::default())
            .unwrap()
            .into_natural(),
        v
    );
    let msg = Decoded::<Everything, H, Vec<u8>>::decode_in(
        bytes.clone(),
        vec![],
        &DecodeOptions::drop_unknown_handles(),
    )
    .unwrap();
    assert_eq!(msg.into_natural(), v);
}
