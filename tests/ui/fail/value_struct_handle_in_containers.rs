// A handle inside a vector, an option, an array or a box of a resource struct makes a
// type a resource type, just as a bare handle does.
use handoff::handle::mem::MemHandle;

#[derive(handoff::Fidl)]
pub struct InVec {
    pub handles: Vec<MemHandle>,
}

#[derive(handoff::Fidl)]
pub struct InOption {
    pub maybe: Option<MemHandle>,
}

#[derive(handoff::Fidl)]
pub struct InArray {
    pub pair: [MemHandle; 2],
}

#[derive(handoff::Fidl)]
#[fidl(resource)]
pub struct Holder {
    pub handle: MemHandle,
}

#[derive(handoff::Fidl)]
pub struct InBox {
    pub boxed: Option<Box<Holder>>,
}

fn main() {}
