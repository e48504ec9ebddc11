//! Tokens of the GIDL text format.
//!
//! GIDL is read with Go's `text/scanner` upstream, so literals follow Go syntax:
//! integers may carry a `0x`, `0b` or `0o` prefix and `_` separators, strings use Go
//! escapes (`\x7f`, `\u0021`, `\U0001F30E`, `\101`, `\n`, ...), and a character literal
//! `'a'` stands for one byte. `//` and `/* */` comments are skipped, including the
//! formatter directives `// gidl-format off` / `// gidl-format on`.

use crate::error::{ErrorKind, Located, Span};

/// One token.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Tok {
    /// An identifier: a letter or `_`, then letters, digits and `_`.
    Ident(String),
    /// An unsigned integer literal (a minus sign is a separate token).
    Int(u64),
    /// A floating-point literal (contains `.` or an exponent).
    Float(f64),
    /// A string literal's bytes after unescaping (may be invalid UTF-8: `\x80`).
    Str(Vec<u8>),
    /// A character literal `'a'`: one ASCII byte.
    Char(u8),
    LBrace,
    RBrace,
    LBracket,
    RBracket,
    LParen,
    RParen,
    Comma,
    Colon,
    Equals,
    Hash,
    Minus,
    Plus,
    Pipe,
    Eof,
    /// Stands in for the rest of the input after a lexical error; no grammar rule
    /// accepts it, so the parser stops there and reports the lexer's error.
    Error,
}

impl Tok {
    /// How the token reads in an error message.
    pub(crate) fn describe(&self) -> String {
        match self {
            Tok::Ident(s) => format!("identifier `{s}`"),
            Tok::Int(n) => format!("integer {n}"),
            Tok::Float(x) => format!("number {x}"),
            Tok::Str(_) => "string literal".to_owned(),
            Tok::Char(c) => format!("character '{}'", char::from(*c)),
            Tok::LBrace => "`{`".to_owned(),
            Tok::RBrace => "`}`".to_owned(),
            Tok::LBracket => "`[`".to_owned(),
            Tok::RBracket => "`]`".to_owned(),
            Tok::LParen => "`(`".to_owned(),
            Tok::RParen => "`)`".to_owned(),
            Tok::Comma => "`,`".to_owned(),
            Tok::Colon => "`:`".to_owned(),
            Tok::Equals => "`=`".to_owned(),
            Tok::Hash => "`#`".to_owned(),
            Tok::Minus => "`-`".to_owned(),
            Tok::Plus => "`+`".to_owned(),
            Tok::Pipe => "`|`".to_owned(),
            Tok::Eof => "end of file".to_owned(),
            Tok::Error => "an invalid token".to_owned(),
        }
    }
}

/// A token and where it is.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Token {
    pub(crate) tok: Tok,
    pub(crate) span: Span,
}

/// Splits `src` into tokens, ending with one [`Tok::Eof`].
#[cfg(test)]
pub(crate) fn lex(src: &str) -> Result<Vec<Token>, Located> {
    let mut lx = Lexer::new(src);
    let mut out = Vec::new();
    loop {
        let t = lx.next_token()?;
        let eof = t.tok == Tok::Eof;
        out.push(t);
        if eof {
            return Ok(out);
        }
    }
}

/// Produces tokens one at a time; after the input ends it keeps returning
/// [`Tok::Eof`].
pub(crate) struct Lexer<'a> {
    src: &'a str,
    pos: usize,
    line: u32,
    col: u32,
}

impl<'a> Lexer<'a> {
    pub(crate) fn new(src: &'a str) -> Lexer<'a> {
        Lexer {
            src,
            pos: 0,
            line: 1,
            col: 1,
        }
    }

    fn peek(&self) -> Option<u8> {
        self.src.as_bytes().get(self.pos).copied()
    }

    fn peek_at(&self, ahead: usize) -> Option<u8> {
        self.src.as_bytes().get(self.pos + ahead).copied()
    }

    /// Consumes one byte. Columns count characters: UTF-8 continuation bytes do not
    /// advance the column.
    fn bump(&mut self) -> Option<u8> {
        let b = self.peek()?;
        self.pos += 1;
        if b == b'\n' {
            self.line = self.line.saturating_add(1);
            self.col = 1;
        } else if b & 0xC0 != 0x80 {
            self.col = self.col.saturating_add(1);
        }
        Some(b)
    }

    /// Consumes bytes while `keep` holds.
    fn bump_while(&mut self, keep: impl Fn(u8) -> bool) {
        while self.peek().is_some_and(&keep) {
            self.bump();
        }
    }

    fn here(&self) -> Span {
        Span {
            start: self.pos,
            end: self.pos,
            line: self.line,
            col: self.col,
        }
    }

    fn close(&self, start: Span) -> Span {
        Span {
            end: self.pos,
            ..start
        }
    }

    fn skip_trivia(&mut self) -> Result<(), Located> {
        loop {
            match (self.peek(), self.peek_at(1)) {
                (Some(b' ' | b'\t' | b'\n' | b'\r'), _) => {
                    self.bump();
                }
                (Some(b'/'), Some(b'/')) => self.bump_while(|b| b != b'\n'),
                (Some(b'/'), Some(b'*')) => {
                    let start = self.here();
                    self.bump();
                    self.bump();
                    loop {
                        match self.bump() {
                            None => {
                                return Err((self.close(start), ErrorKind::UnterminatedComment));
                            }
                            Some(b'*') if self.peek() == Some(b'/') => {
                                self.bump();
                                break;
                            }
                            Some(_) => {}
                        }
                    }
                }
                _ => return Ok(()),
            }
        }
    }

    /// The next token, or the error that stops lexing.
    pub(crate) fn next_token(&mut self) -> Result<Token, Located> {
        self.skip_trivia()?;
        let start = self.here();
        let Some(b) = self.bump() else {
            return Ok(Token {
                tok: Tok::Eof,
                span: start,
            });
        };
        let tok = match b {
            b'{' => Tok::LBrace,
            b'}' => Tok::RBrace,
            b'[' => Tok::LBracket,
            b']' => Tok::RBracket,
            b'(' => Tok::LParen,
            b')' => Tok::RParen,
            b',' => Tok::Comma,
            b':' => Tok::Colon,
            b'=' => Tok::Equals,
            b'#' => Tok::Hash,
            b'-' => Tok::Minus,
            b'+' => Tok::Plus,
            b'|' => Tok::Pipe,
            b'"' => self.string(start)?,
            b'\'' => self.char_literal(start)?,
            b'0'..=b'9' => self.number(start)?,
            b if b == b'_' || b.is_ascii_alphabetic() => {
                self.bump_while(|b| b == b'_' || b.is_ascii_alphanumeric());
                Tok::Ident(self.src[start.start..self.pos].to_owned())
            }
            _ => {
                // Report the whole character, and consume the rest of it.
                let c = self.src[start.start..].chars().next().unwrap_or('\u{fffd}');
                self.bump_while(|b| b & 0xC0 == 0x80);
                return Err((self.close(start), ErrorKind::UnexpectedChar(c)));
            }
        };
        Ok(Token {
            tok,
            span: self.close(start),
        })
    }

    fn char_literal(&mut self, start: Span) -> Result<Tok, Located> {
        let c = self.bump();
        let close = self.bump();
        match (c, close) {
            (Some(c), Some(b'\'')) if (b' '..=b'~').contains(&c) && c != b'\\' => Ok(Tok::Char(c)),
            _ => Err((self.close(start), ErrorKind::InvalidCharLiteral)),
        }
    }

    fn string(&mut self, start: Span) -> Result<Tok, Located> {
        let mut out = Vec::new();
        loop {
            let esc_start = self.here();
            match self.bump() {
                None | Some(b'\n') => {
                    return Err((self.close(start), ErrorKind::UnterminatedString));
                }
                Some(b'"') => return Ok(Tok::Str(out)),
                Some(b'\\') => self.escape(esc_start, &mut out)?,
                // The source is UTF-8, so copying bytes copies characters.
                Some(b) => out.push(b),
            }
        }
    }

    /// Reads one escape after its backslash (Go string-literal rules).
    fn escape(&mut self, esc_start: Span, out: &mut Vec<u8>) -> Result<(), Located> {
        // Byte-wise, so the span may end inside a multi-byte character: render lossily.
        let bad = |lx: &Self| {
            let span = lx.close(esc_start);
            let text = String::from_utf8_lossy(&lx.src.as_bytes()[span.start..span.end]);
            (span, ErrorKind::InvalidEscape(text.into_owned()))
        };
        let Some(c) = self.bump() else {
            return Err(bad(self));
        };
        let simple = match c {
            b'a' => Some(0x07),
            b'b' => Some(0x08),
            b'f' => Some(0x0c),
            b'n' => Some(b'\n'),
            b'r' => Some(b'\r'),
            b't' => Some(b'\t'),
            b'v' => Some(0x0b),
            b'\\' => Some(b'\\'),
            b'"' => Some(b'"'),
            _ => None,
        };
        if let Some(b) = simple {
            out.push(b);
            return Ok(());
        }
        let (digits, radix) = match c {
            b'x' => (2, 16),
            b'u' => (4, 16),
            b'U' => (8, 16),
            b'0'..=b'7' => (3, 8),
            _ => return Err(bad(self)),
        };
        let mut value: u32 = 0;
        let mut taken = 0;
        if radix == 8 {
            value = u32::from(c - b'0');
            taken = 1;
        }
        while taken < digits {
            let Some(d) = self.peek().and_then(|b| char::from(b).to_digit(radix)) else {
                self.bump();
                return Err(bad(self));
            };
            self.bump();
            value = value * radix + d;
            taken += 1;
        }
        if matches!(c, b'x' | b'0'..=b'7') {
            out.push(u8::try_from(value).map_err(|_| bad(self))?);
        } else {
            let ch = char::from_u32(value).ok_or_else(|| bad(self))?;
            let mut buf = [0u8; 4];
            out.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
        }
        Ok(())
    }

    fn number(&mut self, start: Span) -> Result<Tok, Located> {
        // Take the longest run that can belong to a number, including a sign directly
        // after a decimal exponent marker.
        let rest = &self.src[start.start..];
        let hex = rest.starts_with("0x") || rest.starts_with("0X");
        while let Some(b) = self.peek() {
            if b.is_ascii_alphanumeric() || b == b'_' || b == b'.' {
                self.bump();
                if !hex && (b == b'e' || b == b'E') && matches!(self.peek(), Some(b'+' | b'-')) {
                    self.bump();
                }
            } else {
                break;
            }
        }
        let span = self.close(start);
        let text = &self.src[span.start..span.end];
        parse_number(text).ok_or_else(|| (span, ErrorKind::InvalidNumber(text.to_owned())))
    }
}

/// Interprets a numeric literal. `None` if it is malformed or does not fit in `u64`.
fn parse_number(text: &str) -> Option<Tok> {
    let b = text.as_bytes();
    let (digits, radix) = match (b.first(), b.get(1)) {
        (Some(b'0'), Some(b'x' | b'X')) => (&text[2..], 16),
        (Some(b'0'), Some(b'b' | b'B')) => (&text[2..], 2),
        (Some(b'0'), Some(b'o' | b'O')) => (&text[2..], 8),
        _ => (text, 10),
    };
    if radix == 10 && text.bytes().any(|c| matches!(c, b'.' | b'e' | b'E')) {
        let ok = text
            .bytes()
            .all(|c| c.is_ascii_digit() || matches!(c, b'.' | b'e' | b'E' | b'+' | b'-'));
        return if ok {
            text.parse::<f64>()
                .ok()
                .filter(|x| x.is_finite())
                .map(Tok::Float)
        } else {
            None
        };
    }
    // A leading zero on a decimal literal means octal in Go; refuse the ambiguity.
    if radix == 10 && text.len() > 1 && text.starts_with('0') {
        return None;
    }
    if digits.ends_with('_') || digits.contains("__") {
        return None;
    }
    let mut value: u64 = 0;
    let mut any = false;
    for c in digits.bytes().filter(|&c| c != b'_') {
        let d = char::from(c).to_digit(radix)?;
        value = value
            .checked_mul(u64::from(radix))?
            .checked_add(u64::from(d))?;
        any = true;
    }
    any.then_some(Tok::Int(value))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(src: &str) -> Vec<Tok> {
        lex(src).unwrap().into_iter().map(|t| t.tok).collect()
    }

    fn err(src: &str) -> ErrorKind {
        lex(src).unwrap_err().1
    }

    #[test]
    fn numbers() {
        assert_eq!(
            toks("0 18 0x12 0XfF 0b1_0 0o17 1_000 18446744073709551615"),
            vec![
                Tok::Int(0),
                Tok::Int(18),
                Tok::Int(0x12),
                Tok::Int(0xff),
                Tok::Int(2),
                Tok::Int(15),
                Tok::Int(1000),
                Tok::Int(u64::MAX),
                Tok::Eof
            ]
        );
        assert_eq!(
            toks("1.5 -3.4e+38 5.0e-324 2e3"),
            vec![
                Tok::Float(1.5),
                Tok::Minus,
                Tok::Float(3.4e38),
                Tok::Float(5.0e-324),
                Tok::Float(2000.0),
                Tok::Eof
            ]
        );
        for bad in [
            "18446744073709551616",
            "0x",
            "0b2",
            "1_",
            "1__0",
            "010",
            "1.2.3x",
            "1e999",
        ] {
            assert!(
                matches!(err(bad), ErrorKind::InvalidNumber(_)),
                "{bad} should be rejected"
            );
        }
    }

    #[test]
    fn strings_and_escapes() {
        assert_eq!(
            toks(r#""a\x00\x7f\xc2\x80" "\u0021\U0001F30E\101\n\t\\\"" "🌎""#),
            vec![
                Tok::Str(b"a\x00\x7f\xc2\x80".to_vec()),
                Tok::Str("!\u{1F30E}A\n\t\\\"".as_bytes().to_vec()),
                Tok::Str("🌎".as_bytes().to_vec()),
                Tok::Eof
            ]
        );
        assert_eq!(toks(r#""\xff""#), vec![Tok::Str(vec![0xff]), Tok::Eof]);
        for bad in [
            r#""\q""#,
            r#""\x1""#,
            r#""\xzz""#,
            r#""\400""#,
            r#""\uD800""#,
            r#""\U00110000""#,
            r#""\"#,
        ] {
            assert!(
                matches!(err(bad), ErrorKind::InvalidEscape(_)),
                "{bad} should be rejected: {:?}",
                lex(bad)
            );
        }
        assert_eq!(err("\"abc"), ErrorKind::UnterminatedString);
        assert_eq!(err("\"ab\ncd\""), ErrorKind::UnterminatedString);
    }

    #[test]
    fn chars_comments_positions() {
        assert_eq!(
            toks("'a', 'Z'"),
            vec![Tok::Char(b'a'), Tok::Comma, Tok::Char(b'Z'), Tok::Eof]
        );
        assert_eq!(err("'ab'"), ErrorKind::InvalidCharLiteral);
        assert_eq!(err("'é'"), ErrorKind::InvalidCharLiteral);
        assert_eq!(err("'"), ErrorKind::InvalidCharLiteral);
        let t = lex("// c \"x\n  /* multi\n line */ foo // gidl-format off\n#1").unwrap();
        assert_eq!(t[0].tok, Tok::Ident("foo".into()));
        assert_eq!((t[0].span.line, t[0].span.col), (3, 10));
        assert_eq!((t[1].span.line, t[1].span.col), (4, 1));
        assert_eq!(t[2].tok, Tok::Int(1));
        assert_eq!(err("/* open"), ErrorKind::UnterminatedComment);
        assert_eq!(err("a ~ b"), ErrorKind::UnexpectedChar('~'));
        // Columns count characters, not bytes.
        let t = lex("\"🌎\" x").unwrap();
        assert_eq!(t[1].span.col, 5);
    }
}
