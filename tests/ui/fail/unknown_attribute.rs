#[derive(handoff::Fidl)]
#[fidl(resource, packed)]
pub struct Message {
    pub id: u32,
}

#[derive(handoff::Fidl)]
pub struct Other {
    #[fidl(max_length = 4)]
    pub name: String,
}

fn main() {}
