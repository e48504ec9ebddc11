// A resource type is encoded by value only: its handles move into the message.
use handoff::MessageBuf;
use handoff::handle::mem::{MemHandle, MemSpace};

#[derive(handoff::Fidl)]
#[fidl(resource)]
pub struct Signal {
    pub event: MemHandle,
}

fn main() {
    let space = MemSpace::new();
    let signal = Signal {
        event: space.event(),
    };
    let mut buf = MessageBuf::<MemHandle>::new();
    buf.encode(&signal).unwrap();
}
