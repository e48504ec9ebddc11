#[derive(handoff::Fidl)]
#[fidl(table)]
pub struct Settings {
    #[fidl(ordinal = 1)]
    pub volume: u32,
}

fn main() {}
