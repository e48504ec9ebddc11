// A value type (no `#[fidl(resource)]`) may not hold a handle.
use handoff::handle::mem::MemHandle;

#[derive(handoff::Fidl)]
pub struct Message {
    pub id: u32,
    pub event: MemHandle,
}

fn main() {}
