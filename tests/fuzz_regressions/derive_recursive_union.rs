// A union with a vector of itself must derive, encode and decode. Today the derived
// impls' where-clauses (`Vec<Tree>: Encode<H>`) make trait resolution overflow (E0275),
// and `HAS_FLEXIBLE_ENVELOPE` reads the same constant of `Vec<Tree>`, i.e. its own.
use handoff::handle::mem::MemHandle;
use handoff::{Decoded, Fidl, MessageBuf};

#[derive(Debug, PartialEq, Fidl)]
#[fidl(flexible)]
pub enum Tree {
    #[fidl(ordinal = 1)]
    Leaf(u64),
    #[fidl(ordinal = 2)]
    Kids(Vec<Tree>),
    #[fidl(unknown)]
    UnknownOrdinal(u64),
}

fn main() {
    let value = || Tree::Kids(vec![Tree::Leaf(1), Tree::Kids(vec![])]);
    let mut buf = MessageBuf::<MemHandle>::new();
    buf.encode(value()).unwrap();
    let (bytes, handles) = buf.take();
    let decoded = Decoded::<Tree, MemHandle>::decode(bytes, handles).unwrap();
    assert_eq!(decoded.into_natural(), value());
}
