//! Turns `fidl/greeter.fidl` into Rust types, the way prost-build is used.

fn main() {
    handoff_idl::Config::new()
        .handle_type("handoff::handle::mem::MemHandle")
        .compile(&["fidl/greeter.fidl"], &[] as &[&str])
        .unwrap_or_else(|e| panic!("{e}"));
}
