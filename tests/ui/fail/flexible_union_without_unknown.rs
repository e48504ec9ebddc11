#[derive(handoff::Fidl)]
#[fidl(union, flexible)]
pub enum Choice {
    #[fidl(ordinal = 1)]
    Number(u64),
    #[fidl(ordinal = 2)]
    Text(String),
}

fn main() {}
