//! Deep, non-recursive type chains for the depth-limit tests: one type per level, made
//! by macros, each with a `build(levels)` constructor that nests `levels` deep.
//!
//! (A recursive type has the same wire form; distinct types per level let each test
//! build exactly the depth it needs without recursion.)
//!
//! Include with `#[path = "support/chains.rs"] mod chains;` where needed: the chains are
//! over a hundred derived types, so only the tests that use them pay for compiling them.
#![allow(dead_code, missing_docs)]

use handoff::Fidl;

/// Builds a value nested `levels` deep.
pub trait Build {
    /// The value: `levels` present links, then the end of the chain.
    fn build(levels: usize) -> Self;
}

/// Boxes: `B<i> { next: box<B<i+1>> }`; the last is `{ v: u8 }`. `B0::build(n)` has `n`
/// present boxes, the last of them at depth `n`.
macro_rules! box_chain {
    ($last:ident) => {
        #[derive(Debug, Clone, PartialEq, Fidl)]
        pub struct $last {
            pub v: u8,
        }
        impl Build for $last {
            fn build(levels: usize) -> Self {
                assert_eq!(levels, 0, "chain too short");
                $last { v: 0xb0 }
            }
        }
    };
    ($a:ident $b:ident $($rest:ident)*) => {
        #[derive(Debug, Clone, PartialEq, Fidl)]
        pub struct $a {
            pub next: Option<$b>,
        }
        impl Build for $a {
            fn build(levels: usize) -> Self {
                $a { next: if levels == 0 { None } else { Some($b::build(levels - 1)) } }
            }
        }
        box_chain!($b $($rest)*);
    };
}

box_chain!(
    B0 B1 B2 B3 B4 B5 B6 B7 B8 B9 B10 B11 B12 B13 B14 B15 B16 B17 B18 B19 B20 B21 B22 B23
    B24 B25 B26 B27 B28 B29 B30 B31 B32 B33 B34
);

/// Strict unions: `U<i> { 1: next U<i+1>; 2: leaf uint64 }`. `U0::build(n)` has `n`
/// `next` variants, then a `leaf`, whose 8 bytes are out of line at depth `n + 1`.
macro_rules! union_chain {
    ($last:ident) => {
        #[derive(Debug, Clone, PartialEq, Fidl)]
        #[fidl(union, strict)]
        pub enum $last {
            #[fidl(ordinal = 2)]
            Leaf(u64),
        }
        impl Build for $last {
            fn build(levels: usize) -> Self {
                assert_eq!(levels, 0, "chain too short");
                $last::Leaf(0x1eaf)
            }
        }
    };
    ($a:ident $b:ident $($rest:ident)*) => {
        #[derive(Debug, Clone, PartialEq, Fidl)]
        #[fidl(union, strict)]
        pub enum $a {
            #[fidl(ordinal = 1)]
            Next($b),
            #[fidl(ordinal = 2)]
            Leaf(u64),
        }
        impl Build for $a {
            fn build(levels: usize) -> Self {
                if levels == 0 { $a::Leaf(0x1eaf) } else { $a::Next($b::build(levels - 1)) }
            }
        }
        union_chain!($b $($rest)*);
    };
}

union_chain!(
    U0 U1 U2 U3 U4 U5 U6 U7 U8 U9 U10 U11 U12 U13 U14 U15 U16 U17 U18 U19 U20 U21 U22 U23
    U24 U25 U26 U27 U28 U29 U30 U31 U32 U33
);

/// Flexible unions, the same shape as [`U0`]: used to put an unknown variant (ordinal 3,
/// patched into the bytes) at a chosen depth.
macro_rules! flexible_chain {
    ($last:ident) => {
        #[derive(Debug, Clone, PartialEq, Fidl)]
        #[fidl(union, flexible)]
        pub enum $last {
            #[fidl(ordinal = 2)]
            Leaf(u64),
            #[fidl(unknown)]
            UnknownOrdinal(u64),
        }
        impl Build for $last {
            fn build(levels: usize) -> Self {
                assert_eq!(levels, 0, "chain too short");
                $last::Leaf(0x1eaf)
            }
        }
    };
    ($a:ident $b:ident $($rest:ident)*) => {
        #[derive(Debug, Clone, PartialEq, Fidl)]
        #[fidl(union, flexible)]
        pub enum $a {
            #[fidl(ordinal = 1)]
            Next($b),
            #[fidl(ordinal = 2)]
            Leaf(u64),
            #[fidl(unknown)]
            UnknownOrdinal(u64),
        }
        impl Build for $a {
            fn build(levels: usize) -> Self {
                if levels == 0 { $a::Leaf(0x1eaf) } else { $a::Next($b::build(levels - 1)) }
            }
        }
        flexible_chain!($b $($rest)*);
    };
}

flexible_chain!(
    F0 F1 F2 F3 F4 F5 F6 F7 F8 F9 F10 F11 F12 F13 F14 F15 F16 F17 F18 F19 F20 F21 F22 F23
    F24 F25 F26 F27 F28 F29 F30 F31 F32 F33
);

/// Tables: `T<i> { 1: next T<i+1>; 2: leaf uint64 }`. `T0::build(n)` nests `n` tables under the top one
/// and sets `leaf` in the innermost: table `i` is at depth `2i`, its envelope vector at
/// `2i + 1`, the innermost leaf at `2n + 2`.
macro_rules! table_chain {
    ($last:ident) => {
        #[derive(Debug, Clone, PartialEq, Default, Fidl)]
        #[fidl(table)]
        pub struct $last {
            #[fidl(ordinal = 2)]
            pub leaf: Option<u64>,
        }
        impl Build for $last {
            fn build(levels: usize) -> Self {
                assert_eq!(levels, 0, "chain too short");
                $last { leaf: Some(0x1eaf) }
            }
        }
    };
    ($a:ident $b:ident $($rest:ident)*) => {
        #[derive(Debug, Clone, PartialEq, Default, Fidl)]
        #[fidl(table)]
        pub struct $a {
            #[fidl(ordinal = 1)]
            pub next: Option<$b>,
            #[fidl(ordinal = 2)]
            pub leaf: Option<u64>,
        }
        impl Build for $a {
            fn build(levels: usize) -> Self {
                if levels == 0 {
                    $a { next: None, leaf: Some(0x1eaf) }
                } else {
                    $a { next: Some($b::build(levels - 1)), leaf: None }
                }
            }
        }
        table_chain!($b $($rest)*);
    };
}

table_chain!(T0 T1 T2 T3 T4 T5 T6 T7 T8 T9 T10 T11 T12 T13 T14 T15 T16 T17 T18);

/// `Vec<Vec<...<u8>>>` nested once per token.
macro_rules! nested_vec {
    () => { u8 };
    ($x:tt $($rest:tt)*) => { Vec<nested_vec!($($rest)*)> };
}

/// 32 nested vectors: the innermost body is at depth 32.
pub type Vec32 = nested_vec!(
    x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x
);
/// 33 nested vectors: the innermost body would be at depth 33.
pub type Vec33 = nested_vec!(
    x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x
);

/// Nested vectors built `levels` deep: one element per level, the innermost empty.
pub trait Nest {
    /// The value.
    fn nest(levels: usize) -> Self;
}

impl Nest for u8 {
    fn nest(_: usize) -> Self {
        0
    }
}

impl<T: Nest> Nest for Vec<T> {
    fn nest(levels: usize) -> Self {
        if levels <= 1 {
            Vec::new()
        } else {
            vec![T::nest(levels - 1)]
        }
    }
}

/// The bytes of `levels` nested vectors, each with one element but the innermost, which
/// is empty (an empty vector's body is still an object at its depth).
pub fn nested_vec_bytes(levels: usize) -> Vec<u8> {
    let mut bytes = Vec::new();
    for level in 0..levels {
        let count: u64 = if level + 1 == levels { 0 } else { 1 };
        bytes.extend_from_slice(&count.to_le_bytes());
        bytes.extend_from_slice(&[0xff; 8]);
    }
    bytes
}
