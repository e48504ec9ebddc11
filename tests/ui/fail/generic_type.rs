#[derive(handoff::Fidl)]
#[fidl(resource)]
pub struct Message<H> {
    pub handle: H,
}

fn main() {}
