//! The one error type of the codec, and its mapping onto the FIDL conformance codes.

use crate::handle::{ObjectType, Rights};

/// Everything that can go wrong encoding or decoding a message.
///
/// There is a variant per rule of the wire format, named after the FIDL conformance
/// suite's error code (see [`Error::code`]), with a typed payload and, where the rule is
/// about a place in the message, the byte `offset` of the offending field. Decoding never
/// panics on hostile input; it returns one of these, after closing every handle of the
/// message exactly once.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The message is shorter than its primary (top-level) object.
    #[error("message of {len} bytes is shorter than its {size}-byte primary object")]
    TooFewBytesInPrimaryObject {
        /// The primary object's size, padded to 8.
        size: usize,
        /// The message length.
        len: usize,
    },
    /// An out-of-line object runs past the end of the message.
    #[error(
        "out-of-line object of {size} bytes at offset {offset} runs past the end of the {len}-byte message"
    )]
    TooFewBytes {
        /// Where the object would start.
        offset: usize,
        /// Its size in bytes (before padding), saturated at `usize::MAX`.
        size: usize,
        /// The message length.
        len: usize,
    },
    /// Bytes are left over after the last out-of-line object.
    #[error("{extra} bytes left over after the message's last object (at offset {offset})")]
    TooManyBytesInMessage {
        /// Where the unclaimed bytes start.
        offset: usize,
        /// How many bytes are left.
        extra: usize,
    },
    /// A handle slot is present but the handle table has no handle left for it.
    #[error(
        "handle slot at offset {offset} needs handle #{index}, but the message has {available}"
    )]
    TooFewHandles {
        /// The slot's offset.
        offset: usize,
        /// The index of the handle it would take.
        index: usize,
        /// The number of handles in the message.
        available: usize,
    },
    /// The handle table has handles that no slot claimed.
    #[error("{unclaimed} of the message's {count} handles were not claimed by any slot")]
    TooManyHandlesInMessage {
        /// Handles in the table.
        count: usize,
        /// Handles left over.
        unclaimed: usize,
    },
    /// The handle table is larger than the top-level type's static `max_handles`.
    #[error("the message carries {count} handles but its type holds at most {max}")]
    MaxHandlesExceeded {
        /// Handles in the table.
        count: usize,
        /// The type's `MAX_HANDLES`.
        max: u32,
    },
    /// The handle table is larger than the configured limit.
    #[error("the message carries {count} handles, over the limit of {limit}")]
    HandleLimitExceeded {
        /// Handles in the message.
        count: usize,
        /// [`Limits::max_handles`](crate::Limits::max_handles).
        limit: usize,
    },
    /// The message is larger than the configured limit.
    #[error("the message is {len} bytes, over the limit of {limit}")]
    MessageTooLarge {
        /// The message length.
        len: usize,
        /// [`Limits::max_bytes`](crate::Limits::max_bytes).
        limit: usize,
    },
    /// A padding byte (inline, at the end of an out-of-line object, or in an inline
    /// envelope) is not zero.
    #[error("non-zero padding byte at offset {offset}")]
    InvalidPaddingByte {
        /// The offset of the first non-zero padding byte.
        offset: usize,
    },
    /// An 8-byte presence marker is neither 0 nor all ones.
    #[error("invalid presence marker {found:#x} at offset {offset}")]
    InvalidPresenceIndicator {
        /// The marker's offset.
        offset: usize,
        /// The marker found.
        found: u64,
    },
    /// A handle slot is neither 0 nor 0xFFFF_FFFF.
    #[error("invalid handle presence marker {found:#x} at offset {offset}")]
    InvalidHandlePresenceIndicator {
        /// The slot's offset.
        offset: usize,
        /// The marker found.
        found: u32,
    },
    /// A `bool` byte is neither 0 nor 1.
    #[error("invalid bool byte {found} at offset {offset}")]
    InvalidBoolean {
        /// The byte's offset.
        offset: usize,
        /// The byte found.
        found: u8,
    },
    /// The byte of an empty struct is not 0.
    #[error("empty struct byte is {found}, not 0, at offset {offset}")]
    InvalidEmptyStruct {
        /// The byte's offset.
        offset: usize,
        /// The byte found.
        found: u8,
    },
    /// A required (non-optional) value is absent.
    #[error("required value at offset {offset} is absent")]
    NonNullableTypeWithNullValue {
        /// The field's offset.
        offset: usize,
    },
    /// An absent string has a non-zero length.
    #[error("absent string at offset {offset} has length {count}")]
    NonEmptyStringWithNullBody {
        /// The header's offset.
        offset: usize,
        /// The length found.
        count: u64,
    },
    /// An absent vector has a non-zero count.
    #[error("absent vector at offset {offset} has count {count}")]
    NonEmptyVectorWithNullBody {
        /// The header's offset.
        offset: usize,
        /// The count found.
        count: u64,
    },
    /// A string is longer than its bound.
    #[error("string of {len} bytes at offset {offset} exceeds its bound of {limit}")]
    StringTooLong {
        /// The header's offset.
        offset: usize,
        /// The length.
        len: u64,
        /// The bound.
        limit: u32,
    },
    /// A string length does not fit in 32 bits.
    #[error("string length {count} at offset {offset} exceeds the 32-bit limit")]
    StringCountExceeds32BitLimit {
        /// The header's offset.
        offset: usize,
        /// The length found.
        count: u64,
    },
    /// A string body is not valid UTF-8.
    #[error("string at offset {offset} is not valid UTF-8")]
    StringNotUtf8 {
        /// The body's offset.
        offset: usize,
    },
    /// A vector's count does not fit in 32 bits.
    #[error("vector count {count} at offset {offset} exceeds the 32-bit limit")]
    VectorCountExceeds32BitLimit {
        /// The header's offset.
        offset: usize,
        /// The count found.
        count: u64,
    },
    /// A vector has more elements than its bound.
    #[error("vector of {count} elements at offset {offset} exceeds its bound of {limit}")]
    CountExceedsLimit {
        /// The header's offset.
        offset: usize,
        /// The count.
        count: u64,
        /// The bound.
        limit: u32,
    },
    /// A table's envelope count does not fit in 32 bits.
    #[error("table count {count} at offset {offset} exceeds the 32-bit limit")]
    TableCountExceeds32BitLimit {
        /// The header's offset.
        offset: usize,
        /// The count found.
        count: u64,
    },
    /// A strict enum holds a value that is not one of its members.
    #[error("unknown value {value} of a strict enum at offset {offset}")]
    StrictEnumUnknownValue {
        /// The field's offset.
        offset: usize,
        /// The value, sign-extended.
        value: i128,
    },
    /// Strict bits hold a bit that is not one of its members.
    #[error("unknown bits {bits:#x} of strict bits at offset {offset}")]
    StrictBitsUnknownBit {
        /// The field's offset.
        offset: usize,
        /// The unknown bits.
        bits: u64,
    },
    /// A strict union holds an ordinal that is not one of its variants.
    #[error("unknown ordinal {ordinal} of a strict union at offset {offset}")]
    StrictUnionUnknownField {
        /// The union's offset.
        offset: usize,
        /// The ordinal found.
        ordinal: u64,
    },
    /// A flexible union value holds an unknown variant, which cannot be encoded.
    #[error("cannot encode the unknown variant (ordinal {ordinal}) of a flexible union")]
    FlexibleUnionUnknownField {
        /// The unknown ordinal.
        ordinal: u64,
    },
    /// A required union has ordinal 0 (no variant set), or an absent union has content.
    #[error("union at offset {offset} has no variant set")]
    UnionFieldNotSet {
        /// The union's offset.
        offset: usize,
    },
    /// An envelope's inline bit does not match the size of the member's type.
    #[error("envelope at offset {offset}: inline bit does not match the member's size")]
    InvalidInlineBitInEnvelope {
        /// The envelope's offset.
        offset: usize,
    },
    /// An envelope's flags hold bits other than the inline bit.
    #[error("envelope at offset {offset} has invalid flags {flags:#x}")]
    InvalidInlineMarkerInEnvelope {
        /// The envelope's offset.
        offset: usize,
        /// The flags found.
        flags: u16,
    },
    /// An envelope's byte count is not a multiple of 8 or differs from what its content
    /// used.
    #[error("envelope at offset {offset} declares {declared} bytes, its content used {actual}")]
    InvalidNumBytesInEnvelope {
        /// The envelope's offset.
        offset: usize,
        /// The declared byte count.
        declared: u32,
        /// The bytes the content used (equal to `declared` when it is not a multiple of 8).
        actual: usize,
    },
    /// An envelope's handle count differs from the handles its content used.
    #[error("envelope at offset {offset} declares {declared} handles, its content used {actual}")]
    InvalidNumHandlesInEnvelope {
        /// The envelope's offset.
        offset: usize,
        /// The declared handle count.
        declared: u16,
        /// The handles its content used.
        actual: usize,
    },
    /// An envelope declares more bytes than the message has left.
    #[error("envelope at offset {offset} declares {declared} bytes, {remaining} remain")]
    EnvelopeBytesExceedMessageLength {
        /// The envelope's offset.
        offset: usize,
        /// The declared byte count.
        declared: u32,
        /// Bytes left in the message.
        remaining: usize,
    },
    /// An envelope declares more handles than the message has left.
    #[error("envelope at offset {offset} declares {declared} handles, {remaining} remain")]
    EnvelopeHandlesExceedMessageLength {
        /// The envelope's offset.
        offset: usize,
        /// The declared handle count.
        declared: u16,
        /// Handles left in the message.
        remaining: usize,
    },
    /// Out-of-line objects nest deeper than the depth limit.
    #[error("out-of-line object at offset {offset} is at depth {depth}, over the limit")]
    ExceededMaxOutOfLineDepth {
        /// The offset of the pointer (or envelope) that leads past the limit.
        offset: usize,
        /// The depth the object would have.
        depth: u32,
    },
    /// A handle is of another object type than its slot declares.
    #[error("handle at offset {offset} is a {found}, the slot takes a {expected}")]
    IncorrectHandleType {
        /// The slot's offset.
        offset: usize,
        /// The declared object type.
        expected: ObjectType,
        /// The handle's object type.
        found: ObjectType,
    },
    /// A handle lacks rights its slot requires.
    #[error("handle at offset {offset} has {found:?}, the slot requires {required:?}")]
    MissingRequiredHandleRights {
        /// The slot's offset.
        offset: usize,
        /// The declared rights.
        required: Rights,
        /// The handle's rights.
        found: Rights,
    },
    /// The backend could not narrow a handle's rights to what the slot declares.
    #[error("handle at offset {offset}: {source}")]
    RightsReductionFailed {
        /// The slot's offset.
        offset: usize,
        /// The backend's reason.
        source: crate::handle::RightsError,
    },
    /// An unknown member of a value type arrived with handles (RFC-0057).
    #[error(
        "unknown member (ordinal {ordinal}) of a value type at offset {offset} carries {count} handles"
    )]
    NonResourceUnknownHandles {
        /// The envelope's offset.
        offset: usize,
        /// The unknown ordinal.
        ordinal: u64,
        /// The handles it carries.
        count: u16,
    },
    /// A transactional or persisted header is malformed.
    #[error("invalid message header: {0:?}")]
    InvalidHeader(handoff_wire::HeaderError),
    /// A response's or event's ordinal is not the expected one.
    #[error("unexpected ordinal {found:#x}, expected {expected:#x}")]
    UnexpectedOrdinal {
        /// The ordinal expected.
        expected: u64,
        /// The ordinal found.
        found: u64,
    },
}

/// The FIDL conformance suite's error codes (GIDL's `err = ...`), one per kind of rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[allow(missing_docs)]
pub enum ErrorCode {
    CountExceedsLimit,
    EnvelopeBytesExceedMessageLength,
    EnvelopeHandlesExceedMessageLength,
    ExceededMaxOutOfLineDepth,
    FlexibleUnionUnknownField,
    IncorrectHandleType,
    InvalidBoolean,
    InvalidEmptyStruct,
    InvalidInlineBitInEnvelope,
    InvalidInlineMarkerInEnvelope,
    InvalidNumBytesInEnvelope,
    InvalidNumHandlesInEnvelope,
    InvalidPaddingByte,
    InvalidPresenceIndicator,
    InvalidHandlePresenceIndicator,
    MissingRequiredHandleRights,
    NonEmptyStringWithNullBody,
    NonEmptyVectorWithNullBody,
    NonNullableTypeWithNullValue,
    NonResourceUnknownHandles,
    StrictBitsUnknownBit,
    StrictEnumUnknownValue,
    StrictUnionUnknownField,
    StringCountExceeds32BitLimit,
    StringNotUtf8,
    StringTooLong,
    TableCountExceeds32BitLimit,
    TooFewBytes,
    TooFewBytesInPrimaryObject,
    TooFewHandles,
    TooManyBytesInMessage,
    TooManyHandlesInMessage,
    UnexpectedOrdinal,
    UnionFieldNotSet,
    VectorCountExceeds32BitLimit,
    /// Not a GIDL code: a malformed transactional or persisted header.
    InvalidHeader,
}

impl ErrorCode {
    /// The code as GIDL spells it (`INVALID_PADDING_BYTE`).
    pub fn as_str(self) -> &'static str {
        use ErrorCode::*;
        match self {
            CountExceedsLimit => "COUNT_EXCEEDS_LIMIT",
            EnvelopeBytesExceedMessageLength => "ENVELOPE_BYTES_EXCEED_MESSAGE_LENGTH",
            EnvelopeHandlesExceedMessageLength => "ENVELOPE_HANDLES_EXCEED_MESSAGE_LENGTH",
            ExceededMaxOutOfLineDepth => "EXCEEDED_MAX_OUT_OF_LINE_DEPTH",
            FlexibleUnionUnknownField => "FLEXIBLE_UNION_UNKNOWN_FIELD",
            IncorrectHandleType => "INCORRECT_HANDLE_TYPE",
            InvalidBoolean => "INVALID_BOOLEAN",
            InvalidEmptyStruct => "INVALID_EMPTY_STRUCT",
            InvalidInlineBitInEnvelope => "INVALID_INLINE_BIT_IN_ENVELOPE",
            InvalidInlineMarkerInEnvelope => "INVALID_INLINE_MARKER_IN_ENVELOPE",
            InvalidNumBytesInEnvelope => "INVALID_NUM_BYTES_IN_ENVELOPE",
            InvalidNumHandlesInEnvelope => "INVALID_NUM_HANDLES_IN_ENVELOPE",
            InvalidPaddingByte => "INVALID_PADDING_BYTE",
            InvalidPresenceIndicator => "INVALID_PRESENCE_INDICATOR",
            InvalidHandlePresenceIndicator => "INVALID_HANDLE_PRESENCE_INDICATOR",
            MissingRequiredHandleRights => "MISSING_REQUIRED_HANDLE_RIGHTS",
            NonEmptyStringWithNullBody => "NON_EMPTY_STRING_WITH_NULL_BODY",
            NonEmptyVectorWithNullBody => "NON_EMPTY_VECTOR_WITH_NULL_BODY",
            NonNullableTypeWithNullValue => "NON_NULLABLE_TYPE_WITH_NULL_VALUE",
            NonResourceUnknownHandles => "NON_RESOURCE_UNKNOWN_HANDLES",
            StrictBitsUnknownBit => "STRICT_BITS_UNKNOWN_BIT",
            StrictEnumUnknownValue => "STRICT_ENUM_UNKNOWN_VALUE",
            StrictUnionUnknownField => "STRICT_UNION_UNKNOWN_FIELD",
            StringCountExceeds32BitLimit => "STRING_COUNT_EXCEEDS_32_BIT_LIMIT",
            StringNotUtf8 => "STRING_NOT_UTF8",
            StringTooLong => "STRING_TOO_LONG",
            TableCountExceeds32BitLimit => "TABLE_COUNT_EXCEEDS_32_BIT_LIMIT",
            TooFewBytes => "TOO_FEW_BYTES",
            TooFewBytesInPrimaryObject => "TOO_FEW_BYTES_IN_PRIMARY_OBJECT",
            TooFewHandles => "TOO_FEW_HANDLES",
            TooManyBytesInMessage => "TOO_MANY_BYTES_IN_MESSAGE",
            TooManyHandlesInMessage => "TOO_MANY_HANDLES_IN_MESSAGE",
            UnexpectedOrdinal => "UNEXPECTED_ORDINAL",
            UnionFieldNotSet => "UNION_FIELD_NOT_SET",
            VectorCountExceeds32BitLimit => "VECTOR_COUNT_EXCEEDS_32_BIT_LIMIT",
            InvalidHeader => "INVALID_HEADER",
        }
    }
}

impl core::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Error {
    /// The conformance-suite code of this error.
    pub fn code(&self) -> ErrorCode {
        use Error as E;
        use ErrorCode as C;
        match self {
            E::TooFewBytesInPrimaryObject { .. } => C::TooFewBytesInPrimaryObject,
            E::TooFewBytes { .. } => C::TooFewBytes,
            E::TooManyBytesInMessage { .. } | E::MessageTooLarge { .. } => C::TooManyBytesInMessage,
            E::TooFewHandles { .. } => C::TooFewHandles,
            E::TooManyHandlesInMessage { .. }
            | E::MaxHandlesExceeded { .. }
            | E::HandleLimitExceeded { .. } => C::TooManyHandlesInMessage,
            E::InvalidPaddingByte { .. } => C::InvalidPaddingByte,
            E::InvalidPresenceIndicator { .. } => C::InvalidPresenceIndicator,
            E::InvalidHandlePresenceIndicator { .. } => C::InvalidHandlePresenceIndicator,
            E::InvalidBoolean { .. } => C::InvalidBoolean,
            E::InvalidEmptyStruct { .. } => C::InvalidEmptyStruct,
            E::NonNullableTypeWithNullValue { .. } => C::NonNullableTypeWithNullValue,
            E::NonEmptyStringWithNullBody { .. } => C::NonEmptyStringWithNullBody,
            E::NonEmptyVectorWithNullBody { .. } => C::NonEmptyVectorWithNullBody,
            E::StringTooLong { .. } => C::StringTooLong,
            E::StringCountExceeds32BitLimit { .. } => C::StringCountExceeds32BitLimit,
            E::StringNotUtf8 { .. } => C::StringNotUtf8,
            E::VectorCountExceeds32BitLimit { .. } => C::VectorCountExceeds32BitLimit,
            E::CountExceedsLimit { .. } => C::CountExceedsLimit,
            E::TableCountExceeds32BitLimit { .. } => C::TableCountExceeds32BitLimit,
            E::StrictEnumUnknownValue { .. } => C::StrictEnumUnknownValue,
            E::StrictBitsUnknownBit { .. } => C::StrictBitsUnknownBit,
            E::StrictUnionUnknownField { .. } => C::StrictUnionUnknownField,
            E::FlexibleUnionUnknownField { .. } => C::FlexibleUnionUnknownField,
            E::UnionFieldNotSet { .. } => C::UnionFieldNotSet,
            E::InvalidInlineBitInEnvelope { .. } => C::InvalidInlineBitInEnvelope,
            E::InvalidInlineMarkerInEnvelope { .. } => C::InvalidInlineMarkerInEnvelope,
            E::InvalidNumBytesInEnvelope { .. } => C::InvalidNumBytesInEnvelope,
            E::InvalidNumHandlesInEnvelope { .. } => C::InvalidNumHandlesInEnvelope,
            E::EnvelopeBytesExceedMessageLength { .. } => C::EnvelopeBytesExceedMessageLength,
            E::EnvelopeHandlesExceedMessageLength { .. } => C::EnvelopeHandlesExceedMessageLength,
            E::ExceededMaxOutOfLineDepth { .. } => C::ExceededMaxOutOfLineDepth,
            E::IncorrectHandleType { .. } => C::IncorrectHandleType,
            E::MissingRequiredHandleRights { .. } | E::RightsReductionFailed { .. } => {
                C::MissingRequiredHandleRights
            }
            E::NonResourceUnknownHandles { .. } => C::NonResourceUnknownHandles,
            E::InvalidHeader(_) => C::InvalidHeader,
            E::UnexpectedOrdinal { .. } => C::UnexpectedOrdinal,
        }
    }
}

impl From<handoff_wire::HeaderError> for Error {
    fn from(e: handoff_wire::HeaderError) -> Self {
        Error::InvalidHeader(e)
    }
}
