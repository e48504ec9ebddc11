//! Run-pass program (see `tests/derive_ui.rs`): an enum with the usual CamelCase member
//! names compiles without warnings. Today the derive adds a const per member named
//! `__FIDL_VALUE_<Member>` (`__FIDL_VALUE_Low`), which trips `non_upper_case_globals`.

#![deny(warnings)]

use handoff::handle::mem::MemHandle;
use handoff::{Decoded, Fidl, MessageBuf};

/// A flexible enum with CamelCase members.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Fidl)]
#[fidl(enum, flexible, repr = i16)]
pub enum Level {
    /// Low.
    #[fidl(value = -100)]
    Low,
    /// High.
    #[fidl(value = 3)]
    High,
    /// Any other value.
    #[fidl(unknown)]
    UnknownValue(i16),
}

fn main() {
    let mut buf = MessageBuf::<MemHandle>::new();
    buf.encode(Level::High).unwrap();
    assert_eq!(buf.bytes(), [3, 0, 0, 0, 0, 0, 0, 0]);
    let (bytes, handles) = buf.take();
    let level = Decoded::<Level, MemHandle>::decode(bytes, handles)
        .unwrap()
        .into_natural();
    assert_eq!(level, Level::High);
    assert_eq!(Level::Low.into_primitive(), -100);
}
