// A value union may not have a variant of a resource type.
use handoff::handle::mem::MemHandle;

#[derive(handoff::Fidl)]
#[fidl(resource)]
pub struct Holder {
    pub handle: MemHandle,
}

#[derive(handoff::Fidl)]
#[fidl(union, flexible)]
pub enum Choice {
    #[fidl(ordinal = 1)]
    Number(u64),
    #[fidl(ordinal = 2)]
    Held(Holder),
    #[fidl(unknown)]
    UnknownOrdinal(u64),
}

fn main() {}
