//! Source positions and the error type of the GIDL reader.

use std::fmt;

/// A range of source text: byte offsets into the file plus the 1-based line and column
/// (counted in characters) of its first character.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Span {
    /// Byte offset of the first character.
    pub start: usize,
    /// Byte offset one past the last character.
    pub end: usize,
    /// 1-based line of `start`.
    pub line: u32,
    /// 1-based column of `start`, in characters.
    pub col: u32,
}

impl Span {
    /// The span that starts where `self` starts and ends where `other` ends.
    #[must_use]
    pub fn to(self, other: Span) -> Span {
        Span {
            end: other.end.max(self.start),
            ..self
        }
    }
}

impl fmt::Display for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.col)
    }
}

/// What went wrong while reading a `.gidl` file. Each variant is one rule of the format.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// Reading a file or directory failed.
    Io {
        /// The operating system's message.
        message: String,
    },
    /// The suite directory does not exist or is not a directory.
    MissingSuiteDir {
        /// The path that was tried.
        path: String,
    },
    /// A file is larger than [`MAX_FILE_BYTES`](crate::MAX_FILE_BYTES).
    FileTooLarge {
        /// The file's size in bytes.
        size: u64,
    },
    /// A file is not valid UTF-8.
    InvalidUtf8,
    /// A character that starts no token.
    UnexpectedChar(char),
    /// A `/* ... */` comment that is never closed.
    UnterminatedComment,
    /// A string literal that is not closed on its line.
    UnterminatedString,
    /// A character literal that is not exactly one ASCII character between quotes.
    InvalidCharLiteral,
    /// A backslash escape that Go string syntax does not define, or an escape whose
    /// value is out of range.
    InvalidEscape(String),
    /// A numeric literal that does not parse.
    InvalidNumber(String),
    /// An integer outside the range GIDL allows (`-2^63 ..= 2^64 - 1`), or outside the
    /// range of the place it is used in (a byte, a handle index, a count).
    IntegerOutOfRange {
        /// The literal as written.
        literal: String,
        /// What the integer was for.
        context: &'static str,
    },
    /// A token other than the one the grammar requires.
    Unexpected {
        /// What the grammar requires here.
        expected: &'static str,
        /// What was found instead.
        found: String,
    },
    /// Values, lists and records nested deeper than [`MAX_NESTING`](crate::MAX_NESTING).
    NestingTooDeep,
    /// A top-level section that is not one of the five case kinds.
    UnknownCaseKind(String),
    /// A case name that is empty or not valid UTF-8.
    InvalidCaseName,
    /// A key inside a case body that GIDL does not define.
    UnknownKey(String),
    /// The same key twice in one body (or in one `restrict(...)`, disposition or
    /// unknown-data block).
    DuplicateKey(String),
    /// A required key is missing.
    MissingKey {
        /// The missing key.
        key: &'static str,
        /// Where it is required: `success case`, `restrict(...)`, `decode(...)`, ...
        context: &'static str,
    },
    /// A key that is not accepted where it is written.
    KeyNotAllowed {
        /// The key.
        key: String,
        /// Where it is written: `encode_failure case`, `handle definition`, ...
        context: &'static str,
    },
    /// A wire format other than `v2`.
    UnknownWireFormat(String),
    /// A wire-format block (`{ v2 = ... }`) that names no wire format.
    EmptyWireFormatBlock,
    /// An error code that is not in GIDL's list.
    UnknownErrorCode(String),
    /// A binding name that is not in GIDL's list.
    UnknownBinding(String),
    /// A handle rights name that GIDL does not define.
    UnknownRights(String),
    /// A handle subtype other than `event` and `channel`.
    UnknownHandleSubtype(String),
    /// A call `f(...)` in value or byte position whose function GIDL does not define.
    UnknownFunction(String),
    /// A bare identifier where a value is expected.
    UnexpectedIdentifier(String),
    /// The same field twice in one record literal.
    DuplicateField(String),
    /// `num(v):n` with `n` outside `1..=8`.
    InvalidNumSize(u64),
    /// `num(v):n` where `v` fits neither `n` unsigned nor `n` signed bytes.
    NumOutOfRange {
        /// The value.
        value: i128,
        /// The size in bytes.
        size: u8,
    },
    /// `repeat(value):count` in a value list that would create more than
    /// [`MAX_REPEATED_NODES`](crate::MAX_REPEATED_NODES) value nodes in one case.
    RepeatTooLarge,
    /// A byte list longer than [`MAX_BYTE_LIST_LEN`](crate::MAX_BYTE_LIST_LEN).
    ByteListTooLong,
    /// `handle_defs` entries must be `#0, #1, #2, ...` in order.
    HandleDefOutOfOrder {
        /// The index that was due.
        expected: u32,
        /// The index that was written.
        found: u32,
    },
    /// A handle used but not listed in `handle_defs`.
    UndefinedHandle(u32),
    /// A handle used twice in one section.
    HandleUsedTwice {
        /// The handle index.
        handle: u32,
        /// The section: `value`, `handles` or `handle_dispositions`.
        section: &'static str,
    },
    /// A handle listed in `handle_defs` and used nowhere.
    UnusedHandle(u32),
    /// Two cases with the same kind and name.
    DuplicateCase {
        /// The case kind.
        kind: &'static str,
        /// The case name.
        name: String,
    },
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ErrorKind::Io { message } => write!(f, "I/O error: {message}"),
            ErrorKind::MissingSuiteDir { path } => write!(
                f,
                "conformance suite directory `{path}` does not exist \
                 (set HANDOFF_CONFORMANCE_DIR to the directory holding the .gidl files)"
            ),
            ErrorKind::FileTooLarge { size } => write!(
                f,
                "file is {size} bytes, more than the limit of {} bytes",
                crate::MAX_FILE_BYTES
            ),
            ErrorKind::InvalidUtf8 => write!(f, "file is not valid UTF-8"),
            ErrorKind::UnexpectedChar(c) => write!(f, "unexpected character {c:?}"),
            ErrorKind::UnterminatedComment => write!(f, "unterminated /* comment"),
            ErrorKind::UnterminatedString => write!(f, "unterminated string literal"),
            ErrorKind::InvalidCharLiteral => {
                write!(f, "a character literal holds exactly one ASCII character")
            }
            ErrorKind::InvalidEscape(e) => write!(f, "invalid escape `{e}` in string literal"),
            ErrorKind::InvalidNumber(s) => write!(f, "invalid number `{s}`"),
            ErrorKind::IntegerOutOfRange { literal, context } => {
                write!(f, "integer {literal} is out of range for {context}")
            }
            ErrorKind::Unexpected { expected, found } => {
                write!(f, "expected {expected}, found {found}")
            }
            ErrorKind::NestingTooDeep => {
                write!(f, "values nested deeper than {} levels", crate::MAX_NESTING)
            }
            ErrorKind::UnknownCaseKind(s) => write!(
                f,
                "unknown case kind `{s}` (expected success, encode_success, decode_success, \
                 encode_failure or decode_failure)"
            ),
            ErrorKind::InvalidCaseName => write!(f, "case name must be non-empty UTF-8"),
            ErrorKind::UnknownKey(s) => write!(f, "unknown key `{s}`"),
            ErrorKind::DuplicateKey(s) => write!(f, "duplicate key `{s}`"),
            ErrorKind::MissingKey { key, context } => {
                write!(f, "{context} is missing required key `{key}`")
            }
            ErrorKind::KeyNotAllowed { key, context } => {
                write!(f, "key `{key}` is not allowed in {context}")
            }
            ErrorKind::UnknownWireFormat(s) => {
                write!(f, "unknown wire format `{s}` (only v2 is supported)")
            }
            ErrorKind::EmptyWireFormatBlock => write!(f, "no wire format given"),
            ErrorKind::UnknownErrorCode(s) => write!(f, "unknown error code `{s}`"),
            ErrorKind::UnknownBinding(s) => write!(f, "unknown binding `{s}`"),
            ErrorKind::UnknownRights(s) => write!(f, "unknown handle rights `{s}`"),
            ErrorKind::UnknownHandleSubtype(s) => {
                write!(
                    f,
                    "unknown handle subtype `{s}` (expected event or channel)"
                )
            }
            ErrorKind::UnknownFunction(s) => write!(f, "unknown function `{s}`"),
            ErrorKind::UnexpectedIdentifier(s) => {
                write!(f, "unexpected identifier `{s}` where a value is expected")
            }
            ErrorKind::DuplicateField(s) => write!(f, "duplicate field `{s}`"),
            ErrorKind::InvalidNumSize(n) => write!(f, "num(...):{n} must have a size of 1 to 8"),
            ErrorKind::NumOutOfRange { value, size } => {
                write!(f, "num({value}):{size} does not fit in {size} bytes")
            }
            ErrorKind::RepeatTooLarge => write!(
                f,
                "repeat(...) creates more than {} values in one case",
                crate::MAX_REPEATED_NODES
            ),
            ErrorKind::ByteListTooLong => write!(
                f,
                "byte list is longer than {} bytes",
                crate::MAX_BYTE_LIST_LEN
            ),
            ErrorKind::HandleDefOutOfOrder { expected, found } => write!(
                f,
                "handle_defs must be #0, #1, #2, ... in order: want #{expected}, got #{found}"
            ),
            ErrorKind::UndefinedHandle(h) => write!(f, "handle #{h} is not in handle_defs"),
            ErrorKind::HandleUsedTwice { handle, section } => {
                write!(f, "handle #{handle} is used more than once in `{section}`")
            }
            ErrorKind::UnusedHandle(h) => write!(f, "handle #{h} is defined but never used"),
            ErrorKind::DuplicateCase { kind, name } => {
                write!(f, "duplicate case {kind}(\"{name}\")")
            }
        }
    }
}

/// An error with the file it happened in and, when it has one, its position.
///
/// Displays as `file:line:col: message` (or `file: message` without a position).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    /// The file name (as given to [`parse_file`](crate::parse_file), or the path for
    /// I/O errors).
    pub file: String,
    /// Where in the file, if the error has a position.
    pub span: Option<Span>,
    /// What went wrong.
    pub kind: ErrorKind,
}

impl Error {
    /// An error at a position in `file`.
    pub fn at(file: &str, span: Span, kind: ErrorKind) -> Error {
        Error {
            file: file.to_owned(),
            span: Some(span),
            kind,
        }
    }

    /// An error about `file` as a whole.
    pub fn whole_file(file: &str, kind: ErrorKind) -> Error {
        Error {
            file: file.to_owned(),
            span: None,
            kind,
        }
    }

    /// The 1-based line, or 0 when the error has no position.
    pub fn line(&self) -> u32 {
        self.span.map_or(0, |s| s.line)
    }

    /// The 1-based column, or 0 when the error has no position.
    pub fn col(&self) -> u32 {
        self.span.map_or(0, |s| s.col)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.span {
            Some(s) => write!(f, "{}:{}:{}: {}", self.file, s.line, s.col, self.kind),
            None => write!(f, "{}: {}", self.file, self.kind),
        }
    }
}

impl std::error::Error for Error {}

/// An error before the file name is attached.
pub(crate) type Located = (Span, ErrorKind);
