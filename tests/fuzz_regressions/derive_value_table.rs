// A value (non-resource) table with #[derive(Fidl)] must compile and encode by
// reference. Found while writing the fuzz types: the by-reference `Encode` the derive
// generates for value tables tests `&self.member.is_some()`, a `&bool`.
use handoff::{Fidl, MessageBuf};

#[derive(Debug, Clone, PartialEq, Fidl)]
#[fidl(table)]
pub struct ValueTable {
    #[fidl(ordinal = 1)]
    pub a: Option<u32>,
}

fn main() {
    let mut buf: MessageBuf = MessageBuf::new();
    buf.encode(&ValueTable { a: Some(7) }).unwrap();
    // Table header (16 bytes) and one inline envelope (8 bytes).
    assert_eq!(buf.bytes().len(), 24);
}
