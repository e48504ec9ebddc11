// A value table may not have a handle member.
use handoff::handle::mem::MemHandle;

#[derive(handoff::Fidl)]
#[fidl(table)]
pub struct Settings {
    #[fidl(ordinal = 1)]
    pub volume: Option<u32>,
    #[fidl(ordinal = 2)]
    pub event: Option<MemHandle>,
}

fn main() {}
