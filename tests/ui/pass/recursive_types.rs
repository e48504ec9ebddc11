//! Run-pass program (see `tests/derive_ui.rs`): recursive types. A struct boxing itself,
//! a union holding a vector of itself, a table holding a box of a struct that holds the
//! table, a resource struct boxing itself.
//!
//! A program rather than `#[test]`s in `tests/derived_types.rs` because these do not
//! compile today:
//! * `Node` and `HandleChain` (a struct boxing itself): the struct's layout const asks for
//!   `<Option<Box<Node>> as Layout>::INLINE_SIZE`, which is
//!   `if BOXED { 8 } else { Node::INLINE_SIZE }`, and rustc evaluates both arms: E0391;
//! * `Outer` and `Wrap` (a table and a struct holding each other): the by-reference
//!   `Encode` impl of each is bounded on the other's (`&Box<Wrap>: Encode<__H>`): E0275.

use handoff::codec::{Layout, UNBOUNDED};
use handoff::handle::mem::MemSpace;
use handoff::{Error, Fidl, MessageBuf};

#[path = "../helpers.rs"]
mod helpers;
use helpers::*;

/// A linked list through `box<Node>`.
#[derive(Debug, Clone, PartialEq, Fidl)]
pub struct Node {
    pub value: u32,
    pub next: Option<Box<Node>>,
}

fn struct_boxing_itself_three_levels_deep() {
    let list = Node {
        value: 1,
        next: Some(Box::new(Node {
            value: 2,
            next: Some(Box::new(Node {
                value: 3,
                next: None,
            })),
        })),
    };
    let expected = [row(1), FF, row(2), FF, row(3), ZERO];
    value_round_trip::<Node>(&list, &expected);
}

fn recursion_past_the_depth_limit_is_an_error_not_a_crash() {
    let mut list = Node {
        value: 0,
        next: None,
    };
    for i in 1..40 {
        list = Node {
            value: i,
            next: Some(Box::new(list)),
        };
    }
    let mut buf = MessageBuf::<H>::new();
    assert!(matches!(
        buf.encode(&list),
        Err(Error::ExceededMaxOutOfLineDepth { .. })
    ));
    // The same bytes, hand-made: 40 levels of boxes.
    let mut rows_ = Vec::new();
    for i in 0..40u64 {
        rows_.push(row(i));
        rows_.push(if i < 39 { FF } else { ZERO });
    }
    let err = decode::<Node>(bytes_of(&rows_), Vec::new()).unwrap_err();
    assert!(
        matches!(err, Error::ExceededMaxOutOfLineDepth { .. }),
        "{err:?}"
    );
}

/// A union holding a vector of itself.
#[derive(Debug, Clone, PartialEq, Fidl)]
#[fidl(union, strict)]
pub enum Tree {
    #[fidl(ordinal = 1)]
    Leaf(u32),
    #[fidl(ordinal = 2)]
    Branch(Vec<Tree>),
}

fn union_holding_a_vector_of_itself() {
    let tree = Tree::Branch(vec![Tree::Leaf(1), Tree::Branch(vec![])]);
    let expected = [
        row(2),
        env(64, 0, false), // the outer vector: header, 2 unions, the inner vector's header
        row(2),
        FF,
        row(1),
        inline_env([1, 0, 0, 0], 0),
        row(2),
        env(16, 0, false),
        row(0),
        FF,
    ];
    value_round_trip::<Tree>(&tree, &expected);
    let deeper = Tree::Branch(vec![
        Tree::Branch(vec![Tree::Branch(vec![Tree::Leaf(7)])]),
        Tree::Leaf(8),
    ]);
    let mut buf = MessageBuf::<H>::new();
    buf.encode(&deeper).unwrap();
    let (bytes, handles) = buf.take();
    assert_eq!(decode::<Tree>(bytes, handles).unwrap(), deeper);
}

/// A table holding a box of a struct that holds the table.
#[derive(Debug, Clone, PartialEq, Default, Fidl)]
#[fidl(table)]
pub struct Outer {
    #[fidl(ordinal = 1)]
    pub inner: Option<Box<Wrap>>,
    #[fidl(ordinal = 2)]
    pub n: Option<u16>,
}

/// The struct inside [`Outer`].
#[derive(Debug, Clone, PartialEq, Fidl)]
pub struct Wrap {
    pub outer: Outer,
    pub tag: u8,
}

fn table_holding_a_struct_holding_the_table() {
    let value = Outer {
        inner: Some(Box::new(Wrap {
            outer: Outer {
                inner: None,
                n: Some(9),
            },
            tag: 4,
        })),
        n: None,
    };
    let expected = [
        row(1),
        FF,
        env(40, 0, false), // Wrap (24 bytes) and its table's 2 envelopes
        row(2),
        FF,
        row(4), // tag, then padding
        ZERO,
        inline_env([9, 0, 0, 0], 0),
    ];
    value_round_trip::<Outer>(&value, &expected);
}

/// A resource type that recurses: no static bound on its handles.
#[derive(Debug, Fidl)]
#[fidl(resource)]
pub struct HandleChain {
    pub handle: H,
    pub next: Option<Box<HandleChain>>,
}

fn recursive_resource_chain_moves_every_handle() {
    assert_eq!(HandleChain::MAX_HANDLES, UNBOUNDED);
    let space = MemSpace::new();
    let chain = HandleChain {
        handle: space.event(),
        next: Some(Box::new(HandleChain {
            handle: space.event(),
            next: None,
        })),
    };
    let expected = [
        [0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0],
        FF,
        [0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0],
        ZERO,
    ];
    let (bytes, handles) = encode_checked(chain, &expected, 2);
    let back = decode::<HandleChain>(bytes, handles).unwrap();
    assert!(back.next.as_ref().unwrap().next.is_none());
    assert_eq!(space.open_count(), 2);
    drop(back);
    assert_eq!(space.open_count(), 0);
}

fn max_handles_of_recursive_types() {
    assert_eq!(
        [
            Node::MAX_HANDLES,
            Tree::MAX_HANDLES,
            Outer::MAX_HANDLES,
            Wrap::MAX_HANDLES
        ],
        [0; 4]
    );
    assert_eq!(HandleChain::MAX_HANDLES, UNBOUNDED);
    assert!(HandleChain::IS_RESOURCE && !Node::IS_RESOURCE && !Tree::IS_RESOURCE);
}

fn main() {
    struct_boxing_itself_three_levels_deep();
    recursion_past_the_depth_limit_is_an_error_not_a_crash();
    union_holding_a_vector_of_itself();
    table_holding_a_struct_holding_the_table();
    recursive_resource_chain_moves_every_handle();
    max_handles_of_recursive_types();
}
