//! Closed name sets of GIDL: bindings, error codes and case kinds.

/// Defines a fieldless enum whose variants each have one GIDL spelling.
macro_rules! named_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident { $( $(#[$vmeta:meta])* $variant:ident = $text:literal, )* }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )*
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[ $( $name::$variant, )* ];

            /// The spelling used in `.gidl` files.
            pub fn name(self) -> &'static str {
                match self {
                    $( $name::$variant => $text, )*
                }
            }

            /// Looks a value up by its spelling in `.gidl` files.
            pub fn from_name(name: &str) -> Option<$name> {
                match name {
                    $( $text => Some($name::$variant), )*
                    _ => None,
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.name())
            }
        }
    };
}

named_enum! {
    /// The five kinds of conformance case.
    pub enum CaseKind {
        /// Encode `value`, expect `bytes`; decode `bytes`, expect `value`.
        Success = "success",
        /// Encode `value`, expect `bytes` (and `handle_dispositions` if given).
        EncodeSuccess = "encode_success",
        /// Decode `bytes` (with `handles`), expect `value`.
        DecodeSuccess = "decode_success",
        /// Encoding `value` fails with `err`.
        EncodeFailure = "encode_failure",
        /// Decoding `bytes` as `type` fails with `err`.
        DecodeFailure = "decode_failure",
    }
}

named_enum! {
    /// A binding (language back end) that GIDL cases can be filtered for.
    pub enum Binding {
        /// The Rust bindings: what handoff runs as.
        Rust = "rust",
        /// The newer Rust bindings.
        RustNext = "rust_next",
        /// Go.
        Go = "go",
        /// Dart.
        Dart = "dart",
        /// LLCPP.
        Llcpp = "llcpp",
        /// HLCPP.
        Hlcpp = "hlcpp",
        /// The unified C++ bindings.
        Cpp = "cpp",
        /// Python.
        Python = "python",
        /// fuchsia-controller.
        FuchsiaController = "fuchsia_controller",
        /// C++ driver bindings.
        DriverCpp = "driver_cpp",
        /// LLCPP driver bindings.
        DriverLlcpp = "driver_llcpp",
        /// dynfidl.
        Dynfidl = "dynfidl",
        /// The fuzzer corpus generator.
        FuzzerCorpus = "fuzzer_corpus",
        /// GIDL's reference back end; denied unless a case allowlists it.
        Reference = "reference",
    }
}

named_enum! {
    /// A GIDL error code: the reason an encode or decode must fail.
    pub enum ErrorCode {
        /// A vector, string or table has more elements than its bound.
        CountExceedsLimit = "COUNT_EXCEEDS_LIMIT",
        /// An envelope claims more bytes than the message has.
        EnvelopeBytesExceedMessageLength = "ENVELOPE_BYTES_EXCEED_MESSAGE_LENGTH",
        /// An envelope claims more handles than the message has.
        EnvelopeHandlesExceedMessageLength = "ENVELOPE_HANDLES_EXCEED_MESSAGE_LENGTH",
        /// Out-of-line objects nested too deep.
        ExceededMaxOutOfLineDepth = "EXCEEDED_MAX_OUT_OF_LINE_DEPTH",
        /// A handle's object type differs from the schema's.
        IncorrectHandleType = "INCORRECT_HANDLE_TYPE",
        /// A bool byte other than 0 or 1.
        InvalidBoolean = "INVALID_BOOLEAN",
        /// An empty struct's byte is not 0.
        InvalidEmptyStruct = "INVALID_EMPTY_STRUCT",
        /// The inline bit of an envelope is wrong.
        InvalidInlineBitInEnvelope = "INVALID_INLINE_BIT_IN_ENVELOPE",
        /// The inline marker of an envelope is wrong.
        InvalidInlineMarkerInEnvelope = "INVALID_INLINE_MARKER_IN_ENVELOPE",
        /// An envelope's byte count is wrong.
        InvalidNumBytesInEnvelope = "INVALID_NUM_BYTES_IN_ENVELOPE",
        /// An envelope's handle count is wrong.
        InvalidNumHandlesInEnvelope = "INVALID_NUM_HANDLES_IN_ENVELOPE",
        /// A padding byte is not zero.
        InvalidPaddingByte = "INVALID_PADDING_BYTE",
        /// A presence marker is neither all zeros nor all ones.
        InvalidPresenceIndicator = "INVALID_PRESENCE_INDICATOR",
        /// A handle presence marker is neither 0 nor 0xFFFFFFFF.
        InvalidHandlePresenceIndicator = "INVALID_HANDLE_PRESENCE_INDICATOR",
        /// A handle lacks rights the schema requires.
        MissingRequiredHandleRights = "MISSING_REQUIRED_HANDLE_RIGHTS",
        /// A string with a nonzero length has an absent body.
        NonEmptyStringWithNullBody = "NON_EMPTY_STRING_WITH_NULL_BODY",
        /// A vector with a nonzero length has an absent body.
        NonEmptyVectorWithNullBody = "NON_EMPTY_VECTOR_WITH_NULL_BODY",
        /// A required value is absent.
        NonNullableTypeWithNullValue = "NON_NULLABLE_TYPE_WITH_NULL_VALUE",
        /// Unknown data of a value type carries handles.
        NonResourceUnknownHandles = "NON_RESOURCE_UNKNOWN_HANDLES",
        /// A strict bits value has an unknown bit.
        StrictBitsUnknownBit = "STRICT_BITS_UNKNOWN_BIT",
        /// A strict enum has an unknown value.
        StrictEnumUnknownValue = "STRICT_ENUM_UNKNOWN_VALUE",
        /// A strict union has an unknown ordinal.
        StrictUnionUnknownField = "STRICT_UNION_UNKNOWN_FIELD",
        /// A string length does not fit in 32 bits.
        StringCountExceeds32BitLimit = "STRING_COUNT_EXCEEDS_32_BIT_LIMIT",
        /// A string is not valid UTF-8.
        StringNotUtf8 = "STRING_NOT_UTF8",
        /// A string is longer than its bound.
        StringTooLong = "STRING_TOO_LONG",
        /// A table's field count does not fit in 32 bits.
        TableCountExceeds32BitLimit = "TABLE_COUNT_EXCEEDS_32_BIT_LIMIT",
        /// The message ends early.
        TooFewBytes = "TOO_FEW_BYTES",
        /// The message is shorter than its primary object.
        TooFewBytesInPrimaryObject = "TOO_FEW_BYTES_IN_PRIMARY_OBJECT",
        /// The handle table ends early.
        TooFewHandles = "TOO_FEW_HANDLES",
        /// Bytes are left over after decoding.
        TooManyBytesInMessage = "TOO_MANY_BYTES_IN_MESSAGE",
        /// Handles are left over after decoding.
        TooManyHandlesInMessage = "TOO_MANY_HANDLES_IN_MESSAGE",
        /// An ordinal is not the expected one.
        UnexpectedOrdinal = "UNEXPECTED_ORDINAL",
        /// A union has no variant (ordinal 0).
        UnionFieldNotSet = "UNION_FIELD_NOT_SET",
        /// A vector length does not fit in 32 bits.
        VectorCountExceeds32BitLimit = "VECTOR_COUNT_EXCEEDS_32_BIT_LIMIT",
        /// Re-encoding a flexible union whose variant is unknown.
        FlexibleUnionUnknownField = "FLEXIBLE_UNION_UNKNOWN_FIELD",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for &k in CaseKind::ALL {
            assert_eq!(CaseKind::from_name(k.name()), Some(k));
        }
        for &b in Binding::ALL {
            assert_eq!(Binding::from_name(b.name()), Some(b));
        }
        for &c in ErrorCode::ALL {
            assert_eq!(ErrorCode::from_name(c.name()), Some(c));
            assert_eq!(c.to_string(), c.name());
        }
        assert_eq!(CaseKind::ALL.len(), 5);
        assert_eq!(Binding::ALL.len(), 14);
        assert_eq!(ErrorCode::ALL.len(), 35);
        assert_eq!(Binding::from_name("Rust"), None);
    }

    #[test]
    fn error_codes_match_the_suite_list() {
        let dir = crate::suite_dir().expect("conformance suite directory");
        let text =
            std::fs::read_to_string(dir.join("gidl_error_codes.txt")).expect("error code list");
        let listed: Vec<&str> = text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .collect();
        assert_eq!(listed.len(), 34);
        for name in &listed {
            assert!(ErrorCode::from_name(name).is_some(), "{name} missing");
        }
        // The one code beyond the list, named in the file's trailing comment.
        assert!(text.contains(ErrorCode::FlexibleUnionUnknownField.name()));
    }
}
