//! Decode limits and options, each with the attack it stops.

/// Hard limits on what a message may make the codec do. Every limit is checked before
/// the work it bounds is done.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// The deepest nesting of out-of-line objects (default 32, FIDL's limit; a table
    /// counts two levels). It can only be lowered: values above 32 act as 32, since a
    /// peer must be able to decode what is sent. Stops stack exhaustion through recursive
    /// types: decoding and encoding recurse once per level, so this bounds the stack a
    /// message can use.
    pub max_depth: u32,
    /// The largest message in bytes (default 64 MiB). Stops a peer from making a
    /// receiver hold or walk an arbitrarily large buffer. Counts inside a message need
    /// no separate cap: each is checked against the bytes that remain before anything is
    /// reserved for it, so the work a message causes is linear in its size.
    pub max_bytes: usize,
    /// The most handles per message (default 64, a Zircon channel's limit; a Unix
    /// socket carries at most 253). Stops handle-table exhaustion of the receiver.
    pub max_handles: usize,
}

impl Limits {
    /// FIDL's defaults: depth 32, 64 MiB, 64 handles.
    pub const DEFAULT: Self = Self {
        max_depth: 32,
        max_bytes: 64 << 20,
        max_handles: 64,
    };
}

impl Default for Limits {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// What to do with handles found in an unknown table or union member of a value type.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum UnknownHandles {
    /// Reject the message with
    /// [`Error::NonResourceUnknownHandles`](crate::Error::NonResourceUnknownHandles)
    /// (RFC-0057: a value type never carries a handle, not even an unknown one). The
    /// default.
    #[default]
    Reject,
    /// Drop the unknown member and close its handles (RFC-0137, what current Fuchsia
    /// bindings do).
    Drop,
}

/// Options for one decode.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct DecodeOptions {
    /// The limits.
    pub limits: Limits,
    /// The unknown-handles policy for value types. In resource types, unknown handles are
    /// always closed and decoding goes on.
    pub unknown_handles: UnknownHandles,
}

impl DecodeOptions {
    /// The defaults with the RFC-0137 policy (unknown handles in value types dropped).
    pub const fn drop_unknown_handles() -> Self {
        Self {
            limits: Limits::DEFAULT,
            unknown_handles: UnknownHandles::Drop,
        }
    }
}
