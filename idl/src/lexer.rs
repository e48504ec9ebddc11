//! The FIDL lexer: turns one file into tokens. Regular `//` comments are dropped; `///` doc
//! comments are kept as tokens because they attach to the next declaration or member.

use crate::error::{Error, ErrorKind};
use crate::source::{FileId, SourceMap, Span};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TokenKind {
    Ident,
    /// A numeric literal (integer in decimal, hex `0x` or binary `0b`, or a float).
    Number,
    /// A string literal, quotes included.
    String,
    /// A `///` comment; its text follows the slashes.
    DocComment,
    LBrace,
    RBrace,
    LParen,
    RParen,
    LAngle,
    RAngle,
    LBracket,
    RBracket,
    Semicolon,
    Colon,
    Comma,
    Dot,
    Equal,
    Pipe,
    Amp,
    At,
    Minus,
    Arrow,
    Eof,
}

impl TokenKind {
    pub(crate) fn describe(self) -> &'static str {
        match self {
            TokenKind::Ident => "identifier",
            TokenKind::Number => "number",
            TokenKind::String => "string literal",
            TokenKind::DocComment => "doc comment",
            TokenKind::LBrace => "`{`",
            TokenKind::RBrace => "`}`",
            TokenKind::LParen => "`(`",
            TokenKind::RParen => "`)`",
            TokenKind::LAngle => "`<`",
            TokenKind::RAngle => "`>`",
            TokenKind::LBracket => "`[`",
            TokenKind::RBracket => "`]`",
            TokenKind::Semicolon => "`;`",
            TokenKind::Colon => "`:`",
            TokenKind::Comma => "`,`",
            TokenKind::Dot => "`.`",
            TokenKind::Equal => "`=`",
            TokenKind::Pipe => "`|`",
            TokenKind::Amp => "`&`",
            TokenKind::At => "`@`",
            TokenKind::Minus => "`-`",
            TokenKind::Arrow => "`->`",
            TokenKind::Eof => "end of file",
        }
    }
}

#[derive(Debug, Clone, Copy)]
pub(crate) struct Token {
    pub(crate) kind: TokenKind,
    pub(crate) span: Span,
}

/// Tokenizes file `file` of `map`. The last token is always `Eof`.
pub(crate) fn lex(map: &SourceMap, file: FileId) -> Result<Vec<Token>, Error> {
    let text = map.file(file).text.as_bytes();
    let mut tokens = Vec::new();
    let mut i = 0;
    let err = |kind, start: usize, end: usize, msg: String| {
        Error::single(kind, Some(map.location(Span::new(file, start, end))), msg)
    };
    while i < text.len() {
        let c = text[i];
        let start = i;
        let kind = match c {
            b' ' | b'\t' | b'\r' | b'\n' => {
                i += 1;
                continue;
            }
            b'/' if text.get(i + 1) == Some(&b'/') => {
                let end = text[i..]
                    .iter()
                    .position(|&b| b == b'\n')
                    .map_or(text.len(), |p| i + p);
                let is_doc = text.get(i + 2) == Some(&b'/') && text.get(i + 3) != Some(&b'/');
                i = end;
                if is_doc {
                    tokens.push(Token {
                        kind: TokenKind::DocComment,
                        span: Span::new(file, start, end),
                    });
                }
                continue;
            }
            b'a'..=b'z' | b'A'..=b'Z' | b'_' => {
                while i < text.len() && (text[i].is_ascii_alphanumeric() || text[i] == b'_') {
                    i += 1;
                }
                let word = &text[start..i];
                if word[0] == b'_' || word[word.len() - 1] == b'_' {
                    return Err(err(
                        ErrorKind::InvalidIdentifier,
                        start,
                        i,
                        format!(
                            "invalid identifier `{}`: identifiers start with a letter and do not end with `_`",
                            String::from_utf8_lossy(word)
                        ),
                    ));
                }
                TokenKind::Ident
            }
            b'0'..=b'9' => {
                i = lex_number(text, i)
                    .map_err(|(end, msg)| err(ErrorKind::InvalidNumber, start, end, msg))?;
                TokenKind::Number
            }
            b'"' => {
                i += 1;
                loop {
                    match text.get(i) {
                        None | Some(b'\n') => {
                            return Err(err(
                                ErrorKind::UnterminatedString,
                                start,
                                i,
                                "unterminated string literal: add the closing `\"` on the same line".into(),
                            ));
                        }
                        Some(b'"') => {
                            i += 1;
                            break;
                        }
                        Some(b'\\') => i += 2,
                        Some(_) => i += 1,
                    }
                }
                TokenKind::String
            }
            b'{' => single(&mut i, TokenKind::LBrace),
            b'}' => single(&mut i, TokenKind::RBrace),
            b'(' => single(&mut i, TokenKind::LParen),
            b')' => single(&mut i, TokenKind::RParen),
            b'<' => single(&mut i, TokenKind::LAngle),
            b'>' => single(&mut i, TokenKind::RAngle),
            b'[' => single(&mut i, TokenKind::LBracket),
            b']' => single(&mut i, TokenKind::RBracket),
            b';' => single(&mut i, TokenKind::Semicolon),
            b':' => single(&mut i, TokenKind::Colon),
            b',' => single(&mut i, TokenKind::Comma),
            b'.' => single(&mut i, TokenKind::Dot),
            b'=' => single(&mut i, TokenKind::Equal),
            b'|' => single(&mut i, TokenKind::Pipe),
            b'&' => single(&mut i, TokenKind::Amp),
            b'@' => single(&mut i, TokenKind::At),
            b'-' if text.get(i + 1) == Some(&b'>') => {
                i += 2;
                TokenKind::Arrow
            }
            b'-' => single(&mut i, TokenKind::Minus),
            _ => {
                let ch = map
                    .file(file)
                    .text
                    .get(i..)
                    .and_then(|s| s.chars().next())
                    .unwrap_or('?');
                return Err(err(
                    ErrorKind::InvalidCharacter,
                    start,
                    i + ch.len_utf8(),
                    format!("invalid character {ch:?}: no FIDL token starts with it"),
                ));
            }
        };
        tokens.push(Token {
            kind,
            span: Span::new(file, start, i),
        });
    }
    tokens.push(Token {
        kind: TokenKind::Eof,
        span: Span::new(file, text.len(), text.len()),
    });
    Ok(tokens)
}

fn single(i: &mut usize, kind: TokenKind) -> TokenKind {
    *i += 1;
    kind
}

/// Scans a numeric literal starting at `start`; returns its end, or the end of the bad
/// literal and a message.
fn lex_number(text: &[u8], start: usize) -> Result<usize, (usize, String)> {
    let word_end = |mut i: usize| {
        while i < text.len() && (text[i].is_ascii_alphanumeric() || text[i] == b'_') {
            i += 1;
        }
        i
    };
    let end = word_end(start);
    let word = &text[start..end];
    let bad = |end, what: &str| {
        Err((
            end,
            format!(
                "invalid numeric literal `{}`: {what}",
                String::from_utf8_lossy(&text[start..end])
            ),
        ))
    };
    let ok = if let Some(hex) = word
        .strip_prefix(b"0x")
        .or_else(|| word.strip_prefix(b"0X"))
    {
        !hex.is_empty() && hex.iter().all(u8::is_ascii_hexdigit)
    } else if let Some(bin) = word
        .strip_prefix(b"0b")
        .or_else(|| word.strip_prefix(b"0B"))
    {
        !bin.is_empty() && bin.iter().all(|b| *b == b'0' || *b == b'1')
    } else {
        word.iter().all(u8::is_ascii_digit)
    };
    if !ok {
        return bad(
            end,
            "expected decimal digits, `0x` hex digits or `0b` binary digits",
        );
    }
    // A float: digits `.` digits, optionally followed by an exponent.
    if word.iter().all(u8::is_ascii_digit)
        && text.get(end) == Some(&b'.')
        && text.get(end + 1).is_some_and(u8::is_ascii_digit)
    {
        let mut i = end + 1;
        while i < text.len() && text[i].is_ascii_digit() {
            i += 1;
        }
        if matches!(text.get(i), Some(b'e' | b'E')) {
            i += 1;
            if matches!(text.get(i), Some(b'+' | b'-')) {
                i += 1;
            }
            let digits = i;
            while i < text.len() && text[i].is_ascii_digit() {
                i += 1;
            }
            if i == digits {
                return bad(i, "the exponent has no digits");
            }
        }
        if i < text.len() && (text[i].is_ascii_alphanumeric() || text[i] == b'_') {
            return bad(word_end(i), "unexpected characters after the number");
        }
        return Ok(i);
    }
    Ok(end)
}

/// Decodes the contents of a string literal token (quotes included).
pub(crate) fn unescape(literal: &str) -> Result<String, String> {
    let inner = literal
        .strip_prefix('"')
        .and_then(|s| s.strip_suffix('"'))
        .ok_or("not a string literal")?;
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('\\') => out.push('\\'),
            Some('"') => out.push('"'),
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some('0') => out.push('\0'),
            Some('u') => {
                let rest = chars.as_str();
                let body = rest
                    .strip_prefix('{')
                    .and_then(|r| r.split_once('}'))
                    .map(|(hex, _)| hex)
                    .ok_or("`\\u` must be followed by `{HEX}`")?;
                let ch = (!body.is_empty() && body.len() <= 6)
                    .then(|| u32::from_str_radix(body, 16).ok())
                    .flatten()
                    .and_then(char::from_u32)
                    .ok_or_else(|| format!("`\\u{{{body}}}` is not a Unicode scalar value"))?;
                out.push(ch);
                // Skip `{`, the digits and `}`.
                for _ in 0..body.len() + 2 {
                    chars.next();
                }
            }
            Some(other) => return Err(format!("unknown escape sequence `\\{other}`")),
            None => return Err("a string literal cannot end with `\\`".into()),
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Result<Vec<TokenKind>, Error> {
        let mut map = SourceMap::default();
        let id = map.add("t.fidl".into(), text.into());
        Ok(lex(&map, id)?.into_iter().map(|t| t.kind).collect())
    }

    #[test]
    fn tokens() {
        use TokenKind::*;
        assert_eq!(
            kinds("library a.b; // c\n/// doc\n@x(\"s\") type T = struct { v vector<uint8>:<2, optional>; };")
                .unwrap(),
            vec![
                Ident, Ident, Dot, Ident, Semicolon, DocComment, At, Ident, LParen, String, RParen, Ident, Ident,
                Equal, Ident, LBrace, Ident, Ident, LAngle, Ident, RAngle, Colon, LAngle, Number, Comma, Ident,
                RAngle, Semicolon, RBrace, Semicolon, Eof
            ]
        );
        assert_eq!(
            kinds("-> - 0x1F 0b101 1.5e-3 12").unwrap(),
            vec![Arrow, Minus, Number, Number, Number, Number, Eof]
        );
        // Four slashes are a regular comment.
        assert_eq!(kinds("//// no doc").unwrap(), vec![Eof]);
    }

    #[test]
    fn errors() {
        let e = kinds("const S string = \"abc;\n").unwrap_err();
        assert_eq!(e.kind(), ErrorKind::UnterminatedString);
        assert_eq!(
            e.diagnostics()[0].location.as_ref().unwrap().to_string(),
            "t.fidl:1:18"
        );
        assert_eq!(
            kinds("a # b").unwrap_err().kind(),
            ErrorKind::InvalidCharacter
        );
        assert_eq!(kinds("0x").unwrap_err().kind(), ErrorKind::InvalidNumber);
        assert_eq!(kinds("12ab").unwrap_err().kind(), ErrorKind::InvalidNumber);
        assert_eq!(kinds("1.5x").unwrap_err().kind(), ErrorKind::InvalidNumber);
        assert_eq!(
            kinds("_a").unwrap_err().kind(),
            ErrorKind::InvalidIdentifier
        );
        assert_eq!(
            kinds("a_").unwrap_err().kind(),
            ErrorKind::InvalidIdentifier
        );
        assert_eq!(
            kinds("\"\\").unwrap_err().kind(),
            ErrorKind::UnterminatedString
        );
    }

    #[test]
    fn unescapes() {
        assert_eq!(unescape(r#""a\"b\\c\n\u{e9}""#).unwrap(), "a\"b\\c\né");
        assert!(unescape(r#""\q""#).is_err());
        assert!(unescape(r#""\u{110000}""#).is_err());
        assert!(unescape(r#""\u{}""#).is_err());
    }
}
