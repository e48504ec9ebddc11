// A struct that holds an optional box of itself (FIDL `box<Chain>`) must derive, encode
// and decode. Today it fails twice: the derived impls' where-clauses
// (`Option<Box<Chain>>: Encode<H>`) send trait resolution around the cycle (E0275), and
// `INLINE_SIZE` is computed from the fields' sizes, which for the box reads the size of
// `Chain` itself (a const cycle, E0391).
use handoff::handle::mem::MemHandle;
use handoff::{Decoded, Fidl, MessageBuf};

#[derive(Debug, PartialEq, Fidl)]
pub struct Chain {
    pub val: u32,
    pub next: Option<Box<Chain>>,
}

fn main() {
    let value = Chain { val: 1, next: Some(Box::new(Chain { val: 2, next: None })) };
    let mut buf = MessageBuf::<MemHandle>::new();
    buf.encode(Chain { val: 1, next: Some(Box::new(Chain { val: 2, next: None })) }).unwrap();
    let (bytes, handles) = buf.take();
    let decoded = Decoded::<Chain, MemHandle>::decode(bytes, handles).unwrap();
    assert_eq!(decoded.into_natural(), value);
}
