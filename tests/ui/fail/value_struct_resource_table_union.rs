// A resource table or union (even one without a handle yet) cannot be a member of a
// value struct.
#[derive(handoff::Fidl)]
#[fidl(table, resource)]
pub struct ResourceTable {
    #[fidl(ordinal = 1)]
    pub a: Option<u32>,
}

#[derive(handoff::Fidl)]
#[fidl(union, strict, resource)]
pub enum ResourceUnion {
    #[fidl(ordinal = 1)]
    A(u32),
}

#[derive(handoff::Fidl)]
pub struct HasTable {
    pub id: u32,
    pub table: ResourceTable,
}

#[derive(handoff::Fidl)]
pub struct HasUnion {
    pub choice: Option<Box<ResourceUnion>>,
}

fn main() {}
