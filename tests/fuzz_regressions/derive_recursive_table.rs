// A table with a member of its own type must derive, encode and decode. Today the
// derived impls' where-clauses (`Box<Deep>: Encode<H>`) make trait resolution overflow
// (E0275) wherever the type is encoded or decoded.
use handoff::handle::mem::MemHandle;
use handoff::{Decoded, Fidl, MessageBuf};

#[derive(Debug, Fidl)]
#[fidl(table, resource)]
pub struct Deep {
    #[fidl(ordinal = 1)]
    pub child: Option<Box<Deep>>,
}

fn main() {
    let mut buf = MessageBuf::<MemHandle>::new();
    buf.encode(Deep { child: Some(Box::new(Deep { child: None })) }).unwrap();
    let (bytes, handles) = buf.take();
    let decoded = Decoded::<Deep, MemHandle>::decode(bytes, handles).unwrap();
    assert!(decoded.into_natural().child.is_some());
}
