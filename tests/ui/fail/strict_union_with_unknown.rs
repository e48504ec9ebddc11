#[derive(handoff::Fidl)]
#[fidl(union, strict)]
pub enum Choice {
    #[fidl(ordinal = 1)]
    Number(u64),
    #[fidl(unknown)]
    UnknownOrdinal(u64),
}

fn main() {}
