//! Recursive-descent parser from tokens to [`Case`]s.
//!
//! Lists and blocks are comma-separated and accept a trailing comma, as upstream GIDL
//! does. Nesting is bounded by [`MAX_NESTING`], so hostile input cannot exhaust the
//! stack.

use std::collections::HashSet;
use std::mem;

use crate::ast::{
    Case, DecodeValue, Field, HandleDef, HandleDisposition, HandleRef, Ident, Record, UnknownData,
    Value, ValueKind,
};
use crate::bytes::{ByteItem, ByteItemKind, ByteList};
use crate::error::{Error, ErrorKind, Located, Span};
use crate::handles::{HandleSubtype, rights};
use crate::lexer::{Lexer, Tok, Token};
use crate::names::{Binding, CaseKind, ErrorCode};

/// The deepest nesting of lists, records and `decode(...)` a value may have. The
/// suite's deepest value (in `recursive_depth.gidl`) nests 37 levels.
pub const MAX_NESTING: usize = 128;

/// The most value nodes that `repeat(value):count` list items may create in one case,
/// counting every node of every copy (1 Mi). The suite's largest is 514 integers.
pub const MAX_REPEATED_NODES: usize = 1 << 20;

/// Parses the text of one `.gidl` file. `file` names it in the cases and errors.
///
/// Besides syntax, this checks what GIDL checks: each kind's required and allowed
/// keys, known error codes, bindings, rights and handle subtypes, byte-list ranges,
/// `handle_defs` numbered `#0, #1, ...`, every handle used defined, no handle used twice
/// in one section, no handle defined and unused, and no two cases of one kind with one
/// name.
pub fn parse_file(file: &str, source: &str) -> Result<Vec<Case>, Error> {
    let mut p = Parser::new(source);
    let mut cases = Vec::new();
    while p.peek().tok != Tok::Eof {
        match p.case(file) {
            Ok(case) => cases.push(case),
            Err(e) => {
                let (span, kind) = p.first_error(e);
                return Err(Error::at(file, span, kind));
            }
        }
    }
    crate::loader::check_unique(&cases)?;
    Ok(cases)
}

/// A recursive-descent parser over a token stream with two tokens of lookahead.
struct Parser<'a> {
    lexer: Lexer<'a>,
    /// The current token.
    cur: Token,
    /// The token after it.
    next: Token,
    /// The span of the last consumed token.
    prev: Span,
    /// The lexer's error, once it has failed; `cur`/`next` are then [`Tok::Error`].
    lex_error: Option<Located>,
    depth: usize,
    /// Value nodes created by `repeat(...)` in the current case.
    repeated: usize,
}

type PResult<T> = Result<T, Located>;

/// One `key: value` attribute of a handle: `type: event` or `rights: basic`.
enum HandleAttr {
    Type(HandleSubtype),
    Rights(u32),
}

/// The keys one case kind requires and allows besides the binding lists.
fn key_rules(kind: CaseKind) -> (&'static [&'static str], &'static [&'static str]) {
    match kind {
        CaseKind::Success | CaseKind::DecodeSuccess => {
            (&["value", "bytes"], &["handles", "handle_defs"])
        }
        CaseKind::EncodeSuccess => (
            &["value", "bytes"],
            &["handles", "handle_defs", "handle_dispositions"],
        ),
        CaseKind::EncodeFailure => (&["value", "err"], &["handle_defs"]),
        CaseKind::DecodeFailure => (&["type", "bytes", "err"], &["handles", "handle_defs"]),
    }
}

fn case_context(kind: CaseKind) -> &'static str {
    match kind {
        CaseKind::Success => "success case",
        CaseKind::EncodeSuccess => "encode_success case",
        CaseKind::DecodeSuccess => "decode_success case",
        CaseKind::EncodeFailure => "encode_failure case",
        CaseKind::DecodeFailure => "decode_failure case",
    }
}

fn unexpected(expected: &'static str, found: &Token) -> Located {
    (
        found.span,
        ErrorKind::Unexpected {
            expected,
            found: found.tok.describe(),
        },
    )
}

impl<'a> Parser<'a> {
    fn new(source: &'a str) -> Parser<'a> {
        let mut p = Parser {
            lexer: Lexer::new(source),
            cur: Token {
                tok: Tok::Eof,
                span: Span::default(),
            },
            next: Token {
                tok: Tok::Eof,
                span: Span::default(),
            },
            prev: Span::default(),
            lex_error: None,
            depth: 0,
            repeated: 0,
        };
        p.cur = p.pull();
        p.next = p.pull();
        p
    }

    /// The next token from the lexer; after a lexical error, [`Tok::Error`] for good.
    fn pull(&mut self) -> Token {
        if let Some((span, _)) = &self.lex_error {
            return Token {
                tok: Tok::Error,
                span: *span,
            };
        }
        match self.lexer.next_token() {
            Ok(t) => t,
            Err(e) => {
                let span = e.0;
                self.lex_error = Some(e);
                Token {
                    tok: Tok::Error,
                    span,
                }
            }
        }
    }

    /// The error to report: the lexer's, if it failed at or before `parse_error`'s
    /// position (the parser then only saw the [`Tok::Error`] stand-in), else the
    /// parser's.
    fn first_error(&mut self, parse_error: Located) -> Located {
        match self.lex_error.take() {
            Some(lex) if lex.0.start <= parse_error.0.start => lex,
            _ => parse_error,
        }
    }

    fn peek(&self) -> &Token {
        &self.cur
    }

    fn peek2(&self) -> &Tok {
        &self.next.tok
    }

    fn bump(&mut self) -> Token {
        let pulled = self.pull();
        let next = mem::replace(&mut self.next, pulled);
        let t = mem::replace(&mut self.cur, next);
        self.prev = t.span;
        t
    }

    /// Consumes a token equal to `want` (payload-free tokens only).
    fn expect(&mut self, want: &Tok, expected: &'static str) -> PResult<Span> {
        if &self.peek().tok == want {
            Ok(self.bump().span)
        } else {
            Err(unexpected(expected, self.peek()))
        }
    }

    fn ident(&mut self, expected: &'static str) -> PResult<Ident> {
        match &self.peek().tok {
            Tok::Ident(_) => {
                let t = self.bump();
                let Tok::Ident(name) = t.tok else {
                    unreachable!("peeked an identifier")
                };
                Ok(Ident { name, span: t.span })
            }
            _ => Err(unexpected(expected, self.peek())),
        }
    }

    fn int(&mut self, expected: &'static str) -> PResult<(u64, Span)> {
        match self.peek().tok {
            Tok::Int(n) => Ok((n, self.bump().span)),
            _ => Err(unexpected(expected, self.peek())),
        }
    }

    /// Parses `item, item, ... close` (the opening token already consumed), with an
    /// optional trailing comma. Returns the span of `close`.
    fn comma_list(
        &mut self,
        close: &Tok,
        close_text: &'static str,
        mut item: impl FnMut(&mut Self) -> PResult<()>,
    ) -> PResult<Span> {
        loop {
            if &self.peek().tok == close {
                return Ok(self.bump().span);
            }
            item(self)?;
            if &self.peek().tok != close {
                if self.peek().tok == Tok::Comma {
                    self.bump();
                } else {
                    return Err(unexpected(close_text, self.peek()));
                }
            }
        }
    }

    fn enter(&mut self, at: Span) -> PResult<()> {
        self.depth += 1;
        if self.depth > MAX_NESTING {
            return Err((at, ErrorKind::NestingTooDeep));
        }
        Ok(())
    }

    fn leave(&mut self) {
        self.depth -= 1;
    }

    // ------------------------------------------------------------------ cases

    fn case(&mut self, file: &str) -> PResult<Case> {
        self.repeated = 0;
        let kw = self.ident("a case kind (success, encode_success, ...)")?;
        let kind = CaseKind::from_name(&kw.name)
            .ok_or_else(|| (kw.span, ErrorKind::UnknownCaseKind(kw.name.clone())))?;
        self.expect(&Tok::LParen, "`(`")?;
        let name_tok = self.bump();
        let name = match name_tok.tok {
            Tok::Str(bytes) => String::from_utf8(bytes)
                .ok()
                .filter(|s| !s.is_empty())
                .ok_or((name_tok.span, ErrorKind::InvalidCaseName))?,
            _ => return Err(unexpected("the case name as a string", &name_tok)),
        };
        let close = self.expect(&Tok::RParen, "`)`")?;
        let mut case = Case {
            kind,
            name,
            file: file.to_owned(),
            span: kw.span.to(close),
            type_name: None,
            value: None,
            bytes: None,
            handle_defs: Vec::new(),
            handles: None,
            handle_dispositions: None,
            err: None,
            bindings_allowlist: None,
            bindings_denylist: None,
        };
        self.expect(&Tok::LBrace, "`{`")?;
        let (required, optional) = key_rules(kind);
        let context = case_context(kind);
        let mut seen: Vec<&'static str> = Vec::new();
        let body_end = self.comma_list(&Tok::RBrace, "`,` or `}`", |p| {
            let key = p.ident("a key (value, bytes, type, err, ...)")?;
            p.expect(&Tok::Equals, "`=`")?;
            let name = p.body_element(&mut case, &key)?;
            if seen.contains(&name) {
                return Err((key.span, ErrorKind::DuplicateKey(key.name)));
            }
            let binding_list = matches!(name, "bindings_allowlist" | "bindings_denylist");
            if !binding_list && !required.contains(&name) && !optional.contains(&name) {
                return Err((
                    key.span,
                    ErrorKind::KeyNotAllowed {
                        key: key.name,
                        context,
                    },
                ));
            }
            seen.push(name);
            Ok(())
        })?;
        for key in required {
            if !seen.contains(key) {
                return Err((
                    case.span.to(body_end),
                    ErrorKind::MissingKey { key, context },
                ));
            }
        }
        check_handles(&case)?;
        Ok(case)
    }

    /// Parses the value of one body key into `case`; returns the key's canonical name.
    fn body_element(&mut self, case: &mut Case, key: &Ident) -> PResult<&'static str> {
        let name = match key.name.as_str() {
            "type" => {
                case.type_name = Some(self.ident("a type name")?);
                "type"
            }
            "value" => {
                case.value = Some(self.value()?);
                "value"
            }
            "bytes" => {
                case.bytes = Some(self.wire_map(Self::byte_list)?);
                "bytes"
            }
            "handles" => {
                case.handles = Some(self.wire_map(Self::handle_list)?);
                "handles"
            }
            "handle_defs" => {
                case.handle_defs = self.handle_defs()?;
                "handle_defs"
            }
            "handle_dispositions" => {
                case.handle_dispositions = Some(self.wire_map(Self::dispositions)?);
                "handle_dispositions"
            }
            "err" => {
                let code = self.ident("an error code")?;
                case.err = Some(
                    ErrorCode::from_name(&code.name)
                        .ok_or((code.span, ErrorKind::UnknownErrorCode(code.name)))?,
                );
                "err"
            }
            "bindings_allowlist" => {
                case.bindings_allowlist = Some(self.binding_list()?);
                "bindings_allowlist"
            }
            "bindings_denylist" => {
                case.bindings_denylist = Some(self.binding_list()?);
                "bindings_denylist"
            }
            other => return Err((key.span, ErrorKind::UnknownKey(other.to_owned()))),
        };
        Ok(name)
    }

    /// `{ v2 = ITEM }`: the only wire format is `v2`.
    fn wire_map<T>(&mut self, mut item: impl FnMut(&mut Self) -> PResult<T>) -> PResult<T> {
        let open = self.expect(&Tok::LBrace, "`{`")?;
        let mut result = None;
        let close = self.comma_list(&Tok::RBrace, "`,` or `}`", |p| {
            let wf = p.ident("a wire format (v2)")?;
            if wf.name != "v2" {
                return Err((wf.span, ErrorKind::UnknownWireFormat(wf.name)));
            }
            if result.is_some() {
                return Err((wf.span, ErrorKind::DuplicateKey(wf.name)));
            }
            p.expect(&Tok::Equals, "`=`")?;
            result = Some(item(p)?);
            Ok(())
        })?;
        result.ok_or((open.to(close), ErrorKind::EmptyWireFormatBlock))
    }

    fn binding_list(&mut self) -> PResult<Vec<Binding>> {
        self.expect(&Tok::LBracket, "`[`")?;
        let mut out = Vec::new();
        self.comma_list(&Tok::RBracket, "`,` or `]`", |p| {
            let b = p.ident("a binding name")?;
            out.push(
                Binding::from_name(&b.name).ok_or((b.span, ErrorKind::UnknownBinding(b.name)))?,
            );
            Ok(())
        })?;
        Ok(out)
    }

    // ---------------------------------------------------------------- handles

    fn handle_ref(&mut self) -> PResult<HandleRef> {
        let hash = self.expect(&Tok::Hash, "a handle `#N`")?;
        let (n, span) = self.int("a handle index after `#`")?;
        let index = u32::try_from(n).map_err(|_| {
            (
                span,
                ErrorKind::IntegerOutOfRange {
                    literal: n.to_string(),
                    context: "a handle index",
                },
            )
        })?;
        Ok(HandleRef {
            index,
            span: hash.to(span),
        })
    }

    fn handle_list(&mut self) -> PResult<Vec<HandleRef>> {
        self.expect(&Tok::LBracket, "`[`")?;
        let mut out = Vec::new();
        self.comma_list(&Tok::RBracket, "`,` or `]`", |p| {
            out.push(p.handle_ref()?);
            Ok(())
        })?;
        Ok(out)
    }

    fn subtype(&mut self) -> PResult<HandleSubtype> {
        let s = self.ident("a handle subtype (event or channel)")?;
        HandleSubtype::from_name(&s.name).ok_or((s.span, ErrorKind::UnknownHandleSubtype(s.name)))
    }

    /// A rights expression: names joined by `+` or `|` (union) and `-` (removal),
    /// applied left to right, e.g. `channel_default - signal`.
    fn rights(&mut self) -> PResult<u32> {
        let mut bits = 0;
        let mut remove = false;
        loop {
            let r = self.ident("a rights name (basic, channel_default, ...)")?;
            let named =
                rights::from_name(&r.name).ok_or((r.span, ErrorKind::UnknownRights(r.name)))?;
            if remove {
                bits &= !named;
            } else {
                bits |= named;
            }
            match self.peek().tok {
                Tok::Plus | Tok::Pipe => remove = false,
                Tok::Minus => remove = true,
                _ => return Ok(bits),
            }
            self.bump();
        }
    }

    /// `type: SUBTYPE` or `rights: RIGHTS`; `seen` rejects repeats.
    fn handle_attr(&mut self, seen: &mut Vec<String>) -> PResult<HandleAttr> {
        let key = self.ident("`type` or `rights`")?;
        if seen.contains(&key.name) {
            return Err((key.span, ErrorKind::DuplicateKey(key.name)));
        }
        self.expect(&Tok::Colon, "`:`")?;
        let attr = match key.name.as_str() {
            "type" => HandleAttr::Type(self.subtype()?),
            "rights" => HandleAttr::Rights(self.rights()?),
            _ => return Err((key.span, ErrorKind::UnknownKey(key.name))),
        };
        seen.push(key.name);
        Ok(attr)
    }

    /// `#N, type: T, rights: R` then `close`, as in `restrict(...)` and dispositions.
    fn typed_handle(
        &mut self,
        close: &Tok,
        close_text: &'static str,
        context: &'static str,
    ) -> PResult<(HandleRef, HandleSubtype, u32, Span)> {
        let handle = self.handle_ref()?;
        let (mut subtype, mut bits) = (None, None);
        let mut seen = Vec::new();
        let end = loop {
            if &self.peek().tok == close {
                break self.bump().span;
            }
            self.expect(&Tok::Comma, close_text)?;
            if &self.peek().tok == close {
                break self.bump().span;
            }
            match self.handle_attr(&mut seen)? {
                HandleAttr::Type(t) => subtype = Some(t),
                HandleAttr::Rights(r) => bits = Some(r),
            }
        };
        let whole = handle.span.to(end);
        let subtype = subtype.ok_or((
            whole,
            ErrorKind::MissingKey {
                key: "type",
                context,
            },
        ))?;
        let bits = bits.ok_or((
            whole,
            ErrorKind::MissingKey {
                key: "rights",
                context,
            },
        ))?;
        Ok((handle, subtype, bits, end))
    }

    fn dispositions(&mut self) -> PResult<Vec<HandleDisposition>> {
        self.expect(&Tok::LBracket, "`[`")?;
        let mut out = Vec::new();
        self.comma_list(&Tok::RBracket, "`,` or `]`", |p| {
            let open = p.expect(&Tok::LBrace, "`{`")?;
            let (handle, subtype, rights, end) =
                p.typed_handle(&Tok::RBrace, "`,` or `}`", "a handle disposition")?;
            out.push(HandleDisposition {
                handle,
                subtype,
                rights,
                span: open.to(end),
            });
            Ok(())
        })?;
        Ok(out)
    }

    /// `{ #0 = event(), #1 = channel(rights: channel_default), ... }`.
    fn handle_defs(&mut self) -> PResult<Vec<HandleDef>> {
        self.expect(&Tok::LBrace, "`{`")?;
        let mut out: Vec<HandleDef> = Vec::new();
        self.comma_list(&Tok::RBrace, "`,` or `}`", |p| {
            let handle = p.handle_ref()?;
            let expected = u32::try_from(out.len()).unwrap_or(u32::MAX);
            if handle.index != expected {
                return Err((
                    handle.span,
                    ErrorKind::HandleDefOutOfOrder {
                        expected,
                        found: handle.index,
                    },
                ));
            }
            p.expect(&Tok::Equals, "`=`")?;
            let subtype = p.subtype()?;
            p.expect(&Tok::LParen, "`(`")?;
            let mut rights = None;
            let mut seen = Vec::new();
            let end = p.comma_list(&Tok::RParen, "`,` or `)`", |p| {
                let at = p.peek().span;
                match p.handle_attr(&mut seen)? {
                    HandleAttr::Rights(r) => rights = Some(r),
                    HandleAttr::Type(_) => {
                        return Err((
                            at,
                            ErrorKind::KeyNotAllowed {
                                key: "type".to_owned(),
                                context: "a handle definition",
                            },
                        ));
                    }
                }
                Ok(())
            })?;
            out.push(HandleDef {
                handle,
                subtype,
                rights,
                span: handle.span.to(end),
            });
            Ok(())
        })?;
        Ok(out)
    }

    // ------------------------------------------------------------- byte lists

    fn byte_list(&mut self) -> PResult<ByteList> {
        let open = self.expect(&Tok::LBracket, "`[`")?;
        let mut items = Vec::new();
        let close = self.comma_list(&Tok::RBracket, "`,` or `]`", |p| {
            items.push(p.byte_item()?);
            Ok(())
        })?;
        ByteList::new(items, open.to(close))
    }

    fn byte_value(&mut self) -> PResult<u8> {
        let t = self.bump();
        match t.tok {
            Tok::Char(c) => Ok(c),
            Tok::Int(n) => u8::try_from(n).map_err(|_| {
                (
                    t.span,
                    ErrorKind::IntegerOutOfRange {
                        literal: n.to_string(),
                        context: "a byte",
                    },
                )
            }),
            _ => Err(unexpected("a byte (0x00 to 0xff, or 'c')", &t)),
        }
    }

    /// `: COUNT` after `repeat(...)` or `padding`.
    fn count(&mut self) -> PResult<(u64, Span)> {
        self.expect(&Tok::Colon, "`:` and a count")?;
        self.int("a count")
    }

    fn byte_item(&mut self) -> PResult<ByteItem> {
        let start = self.peek().span;
        let Tok::Ident(name) = &self.peek().tok else {
            let b = self.byte_value()?;
            return Ok(ByteItem {
                kind: ByteItemKind::Byte(b),
                span: start,
            });
        };
        let name = name.clone();
        self.bump();
        let (kind, end) = match name.as_str() {
            "num" => {
                self.expect(&Tok::LParen, "`(`")?;
                let negative = self.peek().tok == Tok::Minus;
                if negative {
                    self.bump();
                }
                let (magnitude, _) = self.int("an integer")?;
                let value = if negative {
                    -i128::from(magnitude)
                } else {
                    i128::from(magnitude)
                };
                self.expect(&Tok::RParen, "`)`")?;
                self.expect(&Tok::Colon, "`:` and a size")?;
                let (size, end) = self.int("a size (1 to 8)")?;
                let size =
                    u8::try_from(size).map_err(|_| (end, ErrorKind::InvalidNumSize(size)))?;
                (ByteItemKind::Num { value, size }, end)
            }
            "repeat" => {
                self.expect(&Tok::LParen, "`(`")?;
                let byte = self.byte_value()?;
                self.expect(&Tok::RParen, "`)`")?;
                let (count, end) = self.count()?;
                (ByteItemKind::Repeat { byte, count }, end)
            }
            "padding" => {
                let (count, end) = self.count()?;
                (ByteItemKind::Padding { count }, end)
            }
            _ => return Err((start, ErrorKind::UnknownFunction(name))),
        };
        Ok(ByteItem {
            kind,
            span: start.to(end),
        })
    }

    // ----------------------------------------------------------------- values

    fn value(&mut self) -> PResult<Value> {
        let start = self.peek().span;
        let kind = match &self.peek().tok {
            Tok::Int(n) => {
                let n = *n;
                self.bump();
                ValueKind::Int(i128::from(n))
            }
            Tok::Float(x) => {
                let x = *x;
                self.bump();
                ValueKind::Float(x)
            }
            Tok::Minus => {
                self.bump();
                let t = self.bump();
                match t.tok {
                    Tok::Int(n) if n <= 1 << 63 => ValueKind::Int(-i128::from(n)),
                    Tok::Int(n) => {
                        return Err((
                            start.to(t.span),
                            ErrorKind::IntegerOutOfRange {
                                literal: format!("-{n}"),
                                context: "a negative integer (at least -2^63)",
                            },
                        ));
                    }
                    Tok::Float(x) => ValueKind::Float(-x),
                    _ => return Err(unexpected("a number after `-`", &t)),
                }
            }
            Tok::Str(_) => {
                let Tok::Str(bytes) = self.bump().tok else {
                    unreachable!("peeked a string")
                };
                ValueKind::String(bytes)
            }
            Tok::Hash => ValueKind::Handle(self.handle_ref()?),
            Tok::LBracket => {
                self.enter(start)?;
                self.bump();
                let mut items = Vec::new();
                self.comma_list(&Tok::RBracket, "`,` or `]`", |p| p.list_item(&mut items))?;
                self.leave();
                ValueKind::List(items)
            }
            Tok::Ident(name) => match (name.as_str(), self.peek2()) {
                ("null", _) => {
                    self.bump();
                    ValueKind::Null
                }
                ("true", _) => {
                    self.bump();
                    ValueKind::Bool(true)
                }
                ("false", _) => {
                    self.bump();
                    ValueKind::Bool(false)
                }
                (_, Tok::LParen) => self.function()?,
                (_, Tok::LBrace) => ValueKind::Record(self.record()?),
                _ => return Err((start, ErrorKind::UnexpectedIdentifier(name.clone()))),
            },
            _ => return Err(unexpected("a value", self.peek())),
        };
        let end = self.prev;
        Ok(Value {
            kind,
            span: start.to(end),
        })
    }

    /// One list element, or `repeat(value):count`, which stands for `count` copies of
    /// `value`. Copies count against [`MAX_REPEATED_NODES`] per case.
    fn list_item(&mut self, items: &mut Vec<Value>) -> PResult<()> {
        let is_repeat = matches!(&self.peek().tok, Tok::Ident(n) if n == "repeat")
            && *self.peek2() == Tok::LParen;
        if !is_repeat {
            items.push(self.value()?);
            return Ok(());
        }
        let start = self.bump().span;
        self.expect(&Tok::LParen, "`(`")?;
        let value = self.value()?;
        self.expect(&Tok::RParen, "`)`")?;
        let (count, end) = self.count()?;
        let nodes = node_count(&value);
        let added = usize::try_from(count)
            .ok()
            .and_then(|c| c.checked_mul(nodes))
            .and_then(|n| n.checked_add(self.repeated))
            .filter(|&total| total <= MAX_REPEATED_NODES);
        let Some(total) = added else {
            return Err((start.to(end), ErrorKind::RepeatTooLarge));
        };
        self.repeated = total;
        // `count * nodes <= MAX_REPEATED_NODES`, so `count` fits in `usize`.
        let count = usize::try_from(count).unwrap_or(0);
        items.reserve(count);
        items.extend(std::iter::repeat_n(value, count));
        Ok(())
    }

    /// `raw_float(bits)`, `restrict(#N, ...)` or `decode({...})`.
    fn function(&mut self) -> PResult<ValueKind> {
        let f = self.ident("a function name")?;
        self.expect(&Tok::LParen, "`(`")?;
        match f.name.as_str() {
            "raw_float" => {
                let (bits, _) = self.int("the float's bit pattern")?;
                self.expect(&Tok::RParen, "`)`")?;
                Ok(ValueKind::RawFloat(bits))
            }
            "restrict" => {
                let (handle, subtype, rights, _) =
                    self.typed_handle(&Tok::RParen, "`,` or `)`", "restrict(...)")?;
                Ok(ValueKind::RestrictedHandle {
                    handle,
                    subtype,
                    rights,
                })
            }
            "decode" => {
                self.enter(f.span)?;
                let d = self.decode_body(f.span)?;
                self.expect(&Tok::RParen, "`)`")?;
                self.leave();
                Ok(ValueKind::Decode(Box::new(d)))
            }
            _ => Err((f.span, ErrorKind::UnknownFunction(f.name))),
        }
    }

    /// `{ type = T, bytes = {...}, handles = {...} }` inside `decode(...)`.
    fn decode_body(&mut self, at: Span) -> PResult<DecodeValue> {
        const CONTEXT: &str = "decode(...)";
        self.expect(&Tok::LBrace, "`{`")?;
        let (mut type_name, mut bytes, mut handles) = (None, None, None);
        let mut seen = Vec::new();
        let end = self.comma_list(&Tok::RBrace, "`,` or `}`", |p| {
            let key = p.ident("`type`, `bytes` or `handles`")?;
            if seen.contains(&key.name) {
                return Err((key.span, ErrorKind::DuplicateKey(key.name)));
            }
            p.expect(&Tok::Equals, "`=`")?;
            match key.name.as_str() {
                "type" => type_name = Some(p.ident("a type name")?),
                "bytes" => bytes = Some(p.wire_map(Self::byte_list)?),
                "handles" => handles = Some(p.wire_map(Self::handle_list)?),
                _ => {
                    return Err((
                        key.span,
                        ErrorKind::KeyNotAllowed {
                            key: key.name,
                            context: CONTEXT,
                        },
                    ));
                }
            }
            seen.push(key.name);
            Ok(())
        })?;
        let whole = at.to(end);
        Ok(DecodeValue {
            type_name: type_name.ok_or((
                whole,
                ErrorKind::MissingKey {
                    key: "type",
                    context: CONTEXT,
                },
            ))?,
            bytes: bytes.ok_or((
                whole,
                ErrorKind::MissingKey {
                    key: "bytes",
                    context: CONTEXT,
                },
            ))?,
            handles: handles.unwrap_or_default(),
        })
    }

    /// `T{name: value, 1234: {...}, 5: null, ...}`.
    fn record(&mut self) -> PResult<Record> {
        let type_name = self.ident("a type name")?;
        self.enter(type_name.span)?;
        self.expect(&Tok::LBrace, "`{`")?;
        let mut fields: Vec<Field> = Vec::new();
        let mut names = HashSet::new();
        let mut ordinals = HashSet::new();
        self.comma_list(&Tok::RBrace, "`,` or `}`", |p| {
            let key = p.bump();
            let field = match key.tok {
                Tok::Ident(name) => {
                    if !names.insert(name.clone()) {
                        return Err((key.span, ErrorKind::DuplicateField(name)));
                    }
                    p.expect(&Tok::Colon, "`:`")?;
                    Field::Named {
                        name: Ident {
                            name,
                            span: key.span,
                        },
                        value: p.value()?,
                    }
                }
                Tok::Int(ordinal) => {
                    if !ordinals.insert(ordinal) {
                        return Err((key.span, ErrorKind::DuplicateField(ordinal.to_string())));
                    }
                    p.expect(&Tok::Colon, "`:`")?;
                    Field::Unknown {
                        ordinal,
                        span: key.span,
                        data: p.unknown_data()?,
                    }
                }
                _ => return Err(unexpected("a field name or ordinal", &key)),
            };
            fields.push(field);
            Ok(())
        })?;
        self.leave();
        Ok(Record { type_name, fields })
    }

    /// `null` or `{ bytes = [...], handles = [...] }` after an unknown ordinal.
    fn unknown_data(&mut self) -> PResult<Option<UnknownData>> {
        const CONTEXT: &str = "unknown data";
        if self.peek().tok == Tok::Ident("null".to_owned()) {
            self.bump();
            return Ok(None);
        }
        let open = self.expect(&Tok::LBrace, "`{` or `null`")?;
        let (mut bytes, mut handles) = (None, None);
        let mut seen = Vec::new();
        let end = self.comma_list(&Tok::RBrace, "`,` or `}`", |p| {
            let key = p.ident("`bytes` or `handles`")?;
            if seen.contains(&key.name) {
                return Err((key.span, ErrorKind::DuplicateKey(key.name)));
            }
            p.expect(&Tok::Equals, "`=`")?;
            match key.name.as_str() {
                "bytes" => bytes = Some(p.byte_list()?),
                "handles" => handles = Some(p.handle_list()?),
                _ => {
                    return Err((
                        key.span,
                        ErrorKind::KeyNotAllowed {
                            key: key.name,
                            context: CONTEXT,
                        },
                    ));
                }
            }
            seen.push(key.name);
            Ok(())
        })?;
        Ok(Some(UnknownData {
            bytes: bytes.ok_or((
                open.to(end),
                ErrorKind::MissingKey {
                    key: "bytes",
                    context: CONTEXT,
                },
            ))?,
            handles: handles.unwrap_or_default(),
        }))
    }
}

/// Handle rules of one case: every handle used is defined, none is used twice within
/// `value`, `handles` or `handle_dispositions`, and every defined handle is used.
fn check_handles(case: &Case) -> PResult<()> {
    let defined = case.handle_defs.len();
    let mut used = vec![false; defined];
    let mut check_section = |refs: &[HandleRef], section: &'static str| -> PResult<()> {
        let mut seen = vec![false; defined];
        for r in refs {
            let i = usize::try_from(r.index).unwrap_or(usize::MAX);
            if i >= defined {
                return Err((r.span, ErrorKind::UndefinedHandle(r.index)));
            }
            if mem::replace(&mut seen[i], true) {
                return Err((
                    r.span,
                    ErrorKind::HandleUsedTwice {
                        handle: r.index,
                        section,
                    },
                ));
            }
            used[i] = true;
        }
        Ok(())
    };
    let mut in_value = Vec::new();
    if let Some(v) = &case.value {
        collect_handles(v, &mut in_value);
    }
    check_section(&in_value, "value")?;
    if let Some(h) = &case.handles {
        check_section(h, "handles")?;
    }
    if let Some(d) = &case.handle_dispositions {
        let refs: Vec<HandleRef> = d.iter().map(|d| d.handle).collect();
        check_section(&refs, "handle_dispositions")?;
    }
    match used.iter().position(|u| !u) {
        Some(i) => {
            let def = &case.handle_defs[i];
            Err((def.span, ErrorKind::UnusedHandle(def.handle.index)))
        }
        None => Ok(()),
    }
}

/// The number of value nodes in `v`, itself included.
fn node_count(v: &Value) -> usize {
    match &v.kind {
        ValueKind::List(items) => 1 + items.iter().map(node_count).sum::<usize>(),
        ValueKind::Record(r) => {
            1 + r
                .fields
                .iter()
                .map(|f| match f {
                    Field::Named { value, .. } => node_count(value),
                    Field::Unknown { .. } => 1,
                })
                .sum::<usize>()
        }
        _ => 1,
    }
}

/// Every handle a value mentions: plain, restricted, in unknown data, and in the
/// handle table of a nested `decode(...)`.
fn collect_handles(v: &Value, out: &mut Vec<HandleRef>) {
    match &v.kind {
        ValueKind::Handle(h) | ValueKind::RestrictedHandle { handle: h, .. } => out.push(*h),
        ValueKind::List(items) => {
            for item in items {
                collect_handles(item, out);
            }
        }
        ValueKind::Record(r) => {
            for f in &r.fields {
                match f {
                    Field::Named { value, .. } => collect_handles(value, out),
                    Field::Unknown { data: Some(d), .. } => out.extend_from_slice(&d.handles),
                    Field::Unknown { data: None, .. } => {}
                }
            }
        }
        ValueKind::Decode(d) => out.extend_from_slice(&d.handles),
        ValueKind::Null
        | ValueKind::Bool(_)
        | ValueKind::Int(_)
        | ValueKind::Float(_)
        | ValueKind::RawFloat(_)
        | ValueKind::String(_) => {}
    }
}
