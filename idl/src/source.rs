//! Source files, byte spans inside them, and human-readable `file:line:column` locations.

use serde::Serialize;
use std::fmt;

/// Index of a file in a [`SourceMap`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) struct FileId(pub(crate) u32);

/// A byte range `[start, end)` in one source file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct Span {
    pub(crate) file: FileId,
    pub(crate) start: u32,
    pub(crate) end: u32,
}

impl Span {
    pub(crate) fn new(file: FileId, start: usize, end: usize) -> Span {
        // Files are limited to `MAX_FILE_LEN` bytes, so offsets fit in u32.
        Span {
            file,
            start: clamp_u32(start),
            end: clamp_u32(end),
        }
    }

    /// The span covering both `self` and `other` (same file).
    pub(crate) fn to(self, other: Span) -> Span {
        Span {
            file: self.file,
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }
}

fn clamp_u32(v: usize) -> u32 {
    u32::try_from(v).unwrap_or(u32::MAX)
}

/// The largest source file accepted (bytes). Larger files are rejected with a typed error,
/// which keeps every offset in a `u32` and bounds the memory a hostile input can claim.
pub const MAX_FILE_LEN: usize = 4 << 20;

/// One loaded `.fidl` file.
#[derive(Debug, Clone)]
pub(crate) struct SourceFile {
    /// The name used in diagnostics (the path as given).
    pub(crate) name: String,
    pub(crate) text: String,
    /// Byte offset of the start of every line.
    line_starts: Vec<usize>,
}

impl SourceFile {
    pub(crate) fn new(name: String, text: String) -> SourceFile {
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        SourceFile {
            name,
            text,
            line_starts,
        }
    }

    /// 1-based line and column (in characters) of byte `offset`.
    fn line_col(&self, offset: usize) -> (u32, u32) {
        let offset = offset.min(self.text.len());
        let line = match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        };
        let start = self.line_starts.get(line).copied().unwrap_or(0);
        let column = self
            .text
            .get(start..offset)
            .map_or(0, |s| s.chars().count());
        (clamp_u32(line + 1), clamp_u32(column + 1))
    }
}

/// All files of one compilation.
#[derive(Debug, Clone, Default)]
pub(crate) struct SourceMap {
    pub(crate) files: Vec<SourceFile>,
}

impl SourceMap {
    pub(crate) fn add(&mut self, name: String, text: String) -> FileId {
        let id = FileId(clamp_u32(self.files.len()));
        self.files.push(SourceFile::new(name, text));
        id
    }

    pub(crate) fn file(&self, id: FileId) -> &SourceFile {
        &self.files[id.0 as usize]
    }

    pub(crate) fn text(&self, span: Span) -> &str {
        self.file(span.file)
            .text
            .get(span.start as usize..span.end as usize)
            .unwrap_or("")
    }

    pub(crate) fn location(&self, span: Span) -> Location {
        let file = self.file(span.file);
        let (line, column) = file.line_col(span.start as usize);
        Location {
            file: file.name.clone(),
            line,
            column,
        }
    }
}

/// A position in a `.fidl` file, printed as `file:line:column` (1-based; the column counts
/// characters).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct Location {
    /// The file name as it was given to the loader.
    pub file: String,
    /// 1-based line.
    pub line: u32,
    /// 1-based column, in characters.
    pub column: u32,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.line, self.column)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_and_column() {
        let mut map = SourceMap::default();
        let id = map.add("a.fidl".into(), "ab\ncdé\nx".into());
        let loc = |o| map.location(Span::new(id, o, o));
        assert_eq!(loc(0).to_string(), "a.fidl:1:1");
        assert_eq!(loc(1).to_string(), "a.fidl:1:2");
        assert_eq!(loc(3).to_string(), "a.fidl:2:1");
        // 'é' is two bytes; the column after it counts characters.
        assert_eq!(loc(7).to_string(), "a.fidl:2:4");
        assert_eq!(loc(8).to_string(), "a.fidl:3:1");
        assert_eq!(loc(999).to_string(), "a.fidl:3:2");
    }
}
