#[derive(handoff::Fidl)]
#[fidl(table)]
pub struct Settings {
    #[fidl(ordinal = 1)]
    pub volume: Option<u32>,
    #[fidl(ordinal = 1)]
    pub balance: Option<i8>,
}

#[derive(handoff::Fidl)]
#[fidl(union, strict)]
pub enum Choice {
    #[fidl(ordinal = 2)]
    Number(u64),
    #[fidl(ordinal = 2)]
    Text(String),
}

fn main() {}
