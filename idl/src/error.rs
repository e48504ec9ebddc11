//! Diagnostics: every error points at `file:line:column` and says what a FIDL author should
//! change.

use crate::source::Location;
use std::fmt;

/// What went wrong, one variant per rule. Tests and tools match on this; people read the
/// message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// A file or directory could not be read.
    Io,
    /// A file is not valid UTF-8, or is larger than [`crate::MAX_FILE_LEN`].
    InvalidFile,
    /// A character that starts no FIDL token.
    InvalidCharacter,
    /// An identifier that does not match `[a-zA-Z]([a-zA-Z0-9_]*[a-zA-Z0-9])?`.
    InvalidIdentifier,
    /// A string literal without its closing quote on the same line.
    UnterminatedString,
    /// A bad escape sequence in a string literal.
    InvalidEscape,
    /// A malformed numeric literal.
    InvalidNumber,
    /// The parser found a token it cannot use here.
    UnexpectedToken,
    /// Types or layouts nested deeper than the parser accepts.
    NestingTooDeep,
    /// The files given do not form one target library, or a `using` names an unknown
    /// library, or libraries depend on each other in a cycle.
    LibraryMismatch,
    /// A name that resolves to nothing (unknown type, constant, member or library).
    UnknownName,
    /// A name used where something else is expected (a constant as a type, ...).
    WrongKindOfName,
    /// Two declarations, members or imports with the same (canonical) name.
    DuplicateName,
    /// Two table or union members with the same ordinal.
    DuplicateOrdinal,
    /// A table or union member without its `N:` ordinal.
    MissingOrdinal,
    /// An ordinal out of range, or an ordinal where none belongs.
    InvalidOrdinal,
    /// A `strict`/`flexible`/`resource` modifier that does not apply, or appears twice.
    InvalidModifier,
    /// A layout that needs members has none (strict enum, strict union, ...).
    MissingMembers,
    /// Wrong number or kind of layout parameters (`vector<T>`, `array<T, N>`, ...).
    BadLayoutParameter,
    /// A constraint that does not apply to the type, is repeated, or is out of place.
    BadConstraint,
    /// A constant whose type does not match where it is used.
    TypeMismatch,
    /// A constant value out of range for its type.
    ConstantOutOfRange,
    /// Two enum or bits members with the same value, or a bits member that is not a
    /// power of two.
    InvalidMemberValue,
    /// A declaration that refers to itself in a way that makes it infinitely large, or a
    /// constant or alias defined in terms of itself.
    IncludeCycle,
    /// A value type (not `resource`) that contains a handle or another resource type
    /// (RFC-0057).
    ValueTypeHoldsResource,
    /// An inline size that does not fit in 32 bits.
    TypeTooLarge,
    /// A malformed attribute, e.g. `@generated_name` without a valid name.
    InvalidAttribute,
    /// A FIDL construct this front end does not support.
    Unsupported,
    /// Two FIDL names that map to the same Rust name.
    RustNameCollision,
}

/// One error with its location (when it has one).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// The rule that was broken.
    pub kind: ErrorKind,
    /// Where, if the error is about a place in a file.
    pub location: Option<Location>,
    /// The explanation, written for the author of the `.fidl` file.
    pub message: String,
}

impl Diagnostic {
    pub(crate) fn new(
        kind: ErrorKind,
        location: Option<Location>,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            kind,
            location,
            message: message.into(),
        }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.location {
            Some(loc) => write!(f, "{loc}: error: {}", self.message),
            None => write!(f, "error: {}", self.message),
        }
    }
}

/// The error type of this crate: one or more [`Diagnostic`]s, in source order where that is
/// meaningful. Displayed one diagnostic per line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    diagnostics: Vec<Diagnostic>,
}

impl Error {
    pub(crate) fn new(diagnostics: Vec<Diagnostic>) -> Error {
        debug_assert!(!diagnostics.is_empty());
        Error { diagnostics }
    }

    pub(crate) fn single(
        kind: ErrorKind,
        location: Option<Location>,
        message: impl Into<String>,
    ) -> Error {
        Error {
            diagnostics: vec![Diagnostic::new(kind, location, message)],
        }
    }

    /// Every diagnostic (at least one).
    pub fn diagnostics(&self) -> &[Diagnostic] {
        &self.diagnostics
    }

    /// The kind of the first diagnostic.
    pub fn kind(&self) -> ErrorKind {
        self.diagnostics.first().map_or(ErrorKind::Io, |d| d.kind)
    }

    /// Whether any diagnostic has this kind.
    pub fn has(&self, kind: ErrorKind) -> bool {
        self.diagnostics.iter().any(|d| d.kind == kind)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.diagnostics.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{d}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Error {}

/// Collects diagnostics while a phase keeps going after the first error.
#[derive(Debug, Default)]
pub(crate) struct Diagnostics {
    pub(crate) list: Vec<Diagnostic>,
}

/// Stop collecting after this many diagnostics: a hostile file cannot make the error list
/// unbounded.
const MAX_DIAGNOSTICS: usize = 100;

impl Diagnostics {
    pub(crate) fn push(
        &mut self,
        kind: ErrorKind,
        location: Option<Location>,
        message: impl Into<String>,
    ) {
        if self.list.len() < MAX_DIAGNOSTICS {
            self.list.push(Diagnostic::new(kind, location, message));
        }
    }

    pub(crate) fn extend(&mut self, err: Error) {
        for d in err.diagnostics {
            if self.list.len() < MAX_DIAGNOSTICS {
                self.list.push(d);
            }
        }
    }

    /// Whether no more diagnostics will be kept.
    pub(crate) fn is_full(&self) -> bool {
        self.list.len() >= MAX_DIAGNOSTICS
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    pub(crate) fn into_result<T>(self, value: T) -> Result<T, Error> {
        if self.list.is_empty() {
            Ok(value)
        } else {
            Err(Error::new(self.list))
        }
    }
}
