#[derive(Clone, Copy, handoff::Fidl)]
#[fidl(enum, strict)]
pub enum Color {
    #[fidl(value = 1)]
    Red,
    #[fidl(value = 2)]
    Green,
}

fn main() {}
