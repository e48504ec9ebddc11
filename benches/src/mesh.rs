//! The `mesh` dataset: triangles of four 3-float vectors (the Rust serialization
//! benchmark's `mesh`: 125,000 triangles, each `v0`, `v1`, `v2` and `normal`).

use std::hint::black_box;
use std::rc::Rc;

use handoff::Fidl;

use crate::Suite;
use crate::harness::{Case, DECODE, DECODE_READ, ENCODE};
use crate::mesh_capnp as cp;
use crate::mesh_generated::mesh_fb as fb;
use crate::mesh_prost as pb;
use crate::peers::{self, CAPNP, FLATBUFFERS};
use crate::rng::Rng;

/// The number of triangles of the standard dataset.
pub const TRIANGLES: usize = 125_000;
/// The number of triangles of the small one (to show decode is constant in the count).
pub const TRIANGLES_SMALL: usize = 1_000;

/// A vector of three floats.
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
pub struct Vector3 {
    /// X.
    pub x: f32,
    /// Y.
    pub y: f32,
    /// Z.
    pub z: f32,
}

/// A triangle and its normal.
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
pub struct Triangle {
    /// First vertex.
    pub v0: Vector3,
    /// Second vertex.
    pub v1: Vector3,
    /// Third vertex.
    pub v2: Vector3,
    /// The normal.
    pub normal: Vector3,
}

/// The message: a mesh.
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
pub struct Mesh {
    /// The triangles.
    pub triangles: Vec<Triangle>,
}

/// Generates a mesh of `n` triangles from a fixed seed.
pub fn generate(n: usize) -> Mesh {
    let mut rng = Rng::new(0x3e54);
    let mut v = || Vector3 {
        x: rng.f32(),
        y: rng.f32(),
        z: rng.f32(),
    };
    Mesh {
        triangles: (0..n)
            .map(|_| Triangle {
                v0: v(),
                v1: v(),
                v2: v(),
                normal: v(),
            })
            .collect(),
    }
}

#[inline]
fn mix(acc: u64, x: f32) -> u64 {
    acc.wrapping_add(u64::from(x.to_bits()))
}

/// The read pass over ours' view: every float.
pub fn read_view(v: MeshView<'_>) -> u64 {
    let mut s = 0;
    for t in v.triangles() {
        for p in [t.v0(), t.v1(), t.v2(), t.normal()] {
            s = mix(mix(mix(s, p.x()), p.y()), p.z());
        }
    }
    s
}

/// The read pass over the natural value.
pub fn read_natural(v: &Mesh) -> u64 {
    let mut s = 0;
    for t in &v.triangles {
        for p in [t.v0, t.v1, t.v2, t.normal] {
            s = mix(mix(mix(s, p.x), p.y), p.z);
        }
    }
    s
}

/// The read pass over rkyv's archive.
pub fn read_rkyv(v: &ArchivedMesh) -> u64 {
    let mut s = 0;
    for t in v.triangles.iter() {
        for p in [&t.v0, &t.v1, &t.v2, &t.normal] {
            s = mix(
                mix(mix(s, p.x.to_native()), p.y.to_native()),
                p.z.to_native(),
            );
        }
    }
    s
}

/// The read pass over prost's message.
pub fn read_prost(v: &pb::Mesh) -> u64 {
    let mut s = 0;
    for t in &v.triangles {
        for p in [&t.v0, &t.v1, &t.v2, &t.normal].into_iter().flatten() {
            s = mix(mix(mix(s, p.x), p.y), p.z);
        }
    }
    s
}

/// The prost form of the dataset.
pub fn to_prost(v: &Mesh) -> pb::Mesh {
    let p = |v: Vector3| {
        Some(pb::Vector3 {
            x: v.x,
            y: v.y,
            z: v.z,
        })
    };
    pb::Mesh {
        triangles: v
            .triangles
            .iter()
            .map(|t| pb::Triangle {
                v0: p(t.v0),
                v1: p(t.v1),
                v2: p(t.v2),
                normal: p(t.normal),
            })
            .collect(),
    }
}

/// Builds the capnp message of `v`.
pub fn build_capnp<A: capnp::message::Allocator>(
    v: &Mesh,
    message: &mut capnp::message::Builder<A>,
) {
    let root = message.init_root::<cp::mesh::Builder<'_>>();
    let mut list = root.init_triangles(v.triangles.len() as u32);
    for (i, t) in v.triangles.iter().enumerate() {
        let mut b = list.reborrow().get(i as u32);
        let set = |mut b: cp::vector3::Builder<'_>, v: &Vector3| {
            b.set_x(v.x);
            b.set_y(v.y);
            b.set_z(v.z);
        };
        set(b.reborrow().init_v0(), &t.v0);
        set(b.reborrow().init_v1(), &t.v1);
        set(b.reborrow().init_v2(), &t.v2);
        set(b.reborrow().init_normal(), &t.normal);
    }
}

/// The read pass over capnp's reader.
pub fn read_capnp(r: cp::mesh::Reader<'_>) -> capnp::Result<u64> {
    let mut s = 0;
    for t in r.get_triangles()?.iter() {
        for p in [t.get_v0()?, t.get_v1()?, t.get_v2()?, t.get_normal()?] {
            s = mix(mix(mix(s, p.get_x()), p.get_y()), p.get_z());
        }
    }
    Ok(s)
}

/// Builds the flatbuffer of `v` into `fbb` (reset first) and returns its bytes.
pub fn build_flatbuffers<'a>(
    v: &Mesh,
    fbb: &'a mut flatbuffers::FlatBufferBuilder<'static>,
) -> &'a [u8] {
    fbb.reset();
    let p = |v: &Vector3| fb::Vector3::new(v.x, v.y, v.z);
    let triangles = fbb.create_vector_from_iter(
        v.triangles
            .iter()
            .map(|t| fb::Triangle::new(&p(&t.v0), &p(&t.v1), &p(&t.v2), &p(&t.normal))),
    );
    let mut b = fb::MeshBuilder::new(fbb);
    b.add_triangles(triangles);
    let root = b.finish();
    fbb.finish(root, None);
    fbb.finished_data()
}

/// The read pass over the flatbuffer.
pub fn read_flatbuffers(r: fb::Mesh<'_>) -> u64 {
    let mut s = 0;
    if let Some(ts) = r.triangles() {
        for t in ts {
            for p in [t.v0(), t.v1(), t.v2(), t.normal()] {
                s = mix(mix(mix(s, p.x()), p.y()), p.z());
            }
        }
    }
    s
}

fn capnp_cases(dataset: &str, value: Rc<Mesh>) -> (Vec<Case>, usize) {
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
        match reader.get_root::<cp::mesh::Reader<'_>>() {
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
            .get_root::<cp::mesh::Reader<'_>>()
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

fn flatbuffers_cases(dataset: &str, value: Rc<Mesh>) -> (Vec<Case>, usize) {
    let mut fbb = flatbuffers::FlatBufferBuilder::new();
    let wire = build_flatbuffers(&value, &mut fbb).to_vec();
    let size = wire.len();
    let mut cases = vec![Case::new(dataset, ENCODE, FLATBUFFERS, move || {
        black_box(build_flatbuffers(black_box(&value), &mut fbb));
    })];
    let wire = Rc::new(wire);
    let w = wire.clone();
    cases.push(Case::new(
        dataset,
        DECODE,
        FLATBUFFERS,
        move || match fb::root_as_mesh(black_box(&w)) {
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
        move || match fb::root_as_mesh(black_box(&w)) {
            Ok(r) => {
                black_box(read_flatbuffers(r));
            }
            Err(e) => panic!("flatbuffers verify failed: {e}"),
        },
    ));
    (cases, size)
}

/// No string bytes in a mesh: the UTF-8 baseline checks nothing.
pub fn string_bytes(_: &Mesh) -> Vec<u8> {
    Vec::new()
}

/// Every case of the dataset with `n` triangles; with `peers` false, only ours and the
/// baselines (the small mesh exists to show that decode does not grow with `n`).
pub fn suite(dataset: &str, n: usize, with_peers: bool) -> Suite {
    let value = Rc::new(generate(n));
    let ours = peers::ours::<Mesh>(dataset, value.clone(), read_view);
    let mut suite = Suite::new(dataset, ours, &string_bytes(&value));
    suite.add(
        peers::rkyv::<Mesh>(dataset, value.clone(), read_rkyv),
        peers::RKYV,
    );
    if with_peers {
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
    }
    suite
}
