#[derive(handoff::Fidl)]
#[fidl(table)]
pub struct Settings {
    #[fidl(ordinal = 1)]
    pub volume: Option<u32>,
    pub name: Option<String>,
}

fn main() {}
