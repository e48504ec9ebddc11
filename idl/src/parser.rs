//! Recursive-descent parser for current (RFC-0050) FIDL syntax.
//!
//! Keywords are contextual, as in `fidlc`: `struct`, `table`, `resource`, ... are ordinary
//! identifiers except where the grammar gives them a meaning, so a member may be called
//! `table` or `handle`. Nesting of types and layouts is bounded ([`MAX_NESTING`]) so a hostile
//! file cannot exhaust the stack.

use crate::ast::*;
use crate::error::{Error, ErrorKind};
use crate::lexer::{self, Token, TokenKind};
use crate::source::{FileId, SourceMap, Span};

/// How deeply type constructors and inline layouts may nest.
pub(crate) const MAX_NESTING: usize = 64;

/// Parses file `file` of `map`.
pub(crate) fn parse(map: &SourceMap, file: FileId) -> Result<File, Error> {
    let tokens = lexer::lex(map, file)?;
    let mut p = Parser {
        map,
        tokens,
        pos: 0,
        depth: 0,
    };
    p.file()
}

struct Parser<'a> {
    map: &'a SourceMap,
    tokens: Vec<Token>,
    pos: usize,
    depth: usize,
}

type PResult<T> = Result<T, Error>;

impl<'a> Parser<'a> {
    fn peek(&self) -> Token {
        self.peek_at(0)
    }

    fn peek_at(&self, n: usize) -> Token {
        let last = self.tokens.len() - 1;
        self.tokens[(self.pos + n).min(last)]
    }

    fn text(&self, t: Token) -> &'a str {
        self.map.text(t.span)
    }

    fn bump(&mut self) -> Token {
        let t = self.peek();
        if t.kind != TokenKind::Eof {
            self.pos += 1;
        }
        t
    }

    fn at(&self, kind: TokenKind) -> bool {
        self.peek().kind == kind
    }

    fn at_word(&self, word: &str) -> bool {
        self.peek_word(0, word)
    }

    fn peek_word(&self, n: usize, word: &str) -> bool {
        let t = self.peek_at(n);
        t.kind == TokenKind::Ident && self.text(t) == word
    }

    fn eat(&mut self, kind: TokenKind) -> Option<Token> {
        if self.at(kind) {
            Some(self.bump())
        } else {
            None
        }
    }

    fn describe(&self, t: Token) -> String {
        match t.kind {
            TokenKind::Ident => format!("identifier `{}`", self.text(t)),
            TokenKind::Number => format!("number `{}`", self.text(t)),
            TokenKind::String => format!("string {}", self.text(t)),
            other => other.describe().to_string(),
        }
    }

    fn error<T>(&self, span: Span, kind: ErrorKind, msg: String) -> PResult<T> {
        Err(Error::single(kind, Some(self.map.location(span)), msg))
    }

    fn unexpected<T>(&self, expected: &str) -> PResult<T> {
        let t = self.peek();
        self.error(
            t.span,
            ErrorKind::UnexpectedToken,
            format!("expected {expected}, found {}", self.describe(t)),
        )
    }

    fn expect(&mut self, kind: TokenKind, context: &str) -> PResult<Token> {
        match self.eat(kind) {
            Some(t) => Ok(t),
            None => self.unexpected(&format!("{} {context}", kind.describe())),
        }
    }

    fn expect_word(&mut self, word: &str, context: &str) -> PResult<Token> {
        if self.at_word(word) {
            Ok(self.bump())
        } else {
            self.unexpected(&format!("`{word}` {context}"))
        }
    }

    fn ident(&mut self, what: &str) -> PResult<Ident> {
        if self.at(TokenKind::Ident) {
            let t = self.bump();
            Ok(Ident {
                name: self.text(t).to_string(),
                span: t.span,
            })
        } else {
            self.unexpected(what)
        }
    }

    fn compound(&mut self, what: &str) -> PResult<CompoundIdent> {
        let first = self.ident(what)?;
        let mut span = first.span;
        let mut parts = vec![first];
        while self.at(TokenKind::Dot) && self.peek_at(1).kind == TokenKind::Ident {
            self.bump();
            let part = self.ident("a name after `.`")?;
            span = span.to(part.span);
            parts.push(part);
        }
        Ok(CompoundIdent { parts, span })
    }

    fn enter(&mut self, span: Span) -> PResult<()> {
        self.depth += 1;
        if self.depth > MAX_NESTING {
            return self.error(
                span,
                ErrorKind::NestingTooDeep,
                format!("types and layouts are nested more than {MAX_NESTING} levels deep"),
            );
        }
        Ok(())
    }

    fn leave(&mut self) {
        self.depth -= 1;
    }

    // ---------------------------------------------------------------- file level

    fn file(&mut self) -> PResult<File> {
        let library_attrs = self.attributes()?;
        self.expect_word("library", "at the start of the file (`library name;`)")?;
        let library = self.compound("a library name")?;
        for part in &library.parts {
            let b = part.name.as_bytes();
            let valid = b[0].is_ascii_lowercase()
                && b.iter()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
            if !valid {
                return self.error(
                    part.span,
                    ErrorKind::InvalidIdentifier,
                    format!(
                        "invalid library name component `{}`: each component must match \
                         [a-z][a-z0-9]*",
                        part.name
                    ),
                );
            }
        }
        self.expect(TokenKind::Semicolon, "after the library name")?;
        let mut usings = Vec::new();
        let mut decls = Vec::new();
        loop {
            let attrs = self.attributes()?;
            if self.at(TokenKind::Eof) {
                if !attrs.doc.is_empty() || !attrs.list.is_empty() {
                    return self.unexpected("a declaration after the attributes");
                }
                break;
            }
            if self.at_word("using") {
                self.bump();
                let library = self.compound("a library name after `using`")?;
                let alias = if self.at_word("as") {
                    self.bump();
                    Some(self.ident("an alias name after `as`")?)
                } else {
                    None
                };
                self.expect(TokenKind::Semicolon, "after `using`")?;
                usings.push(Using { library, alias });
                continue;
            }
            decls.push(self.decl(attrs)?);
        }
        Ok(File {
            library,
            library_attrs,
            usings,
            decls,
        })
    }

    fn decl(&mut self, attrs: Attributes) -> PResult<Decl> {
        let t = self.peek();
        let word = if t.kind == TokenKind::Ident {
            self.text(t)
        } else {
            ""
        };
        let decl = match word {
            "alias" => {
                self.bump();
                let name = self.ident("an alias name")?;
                self.expect(TokenKind::Equal, "after the alias name")?;
                let ty = self.type_ctor()?;
                Decl {
                    attrs,
                    name,
                    kind: DeclKind::Alias(ty),
                }
            }
            "const" => {
                self.bump();
                let name = self.ident("a constant name")?;
                let ty = self.type_ctor()?;
                self.expect(TokenKind::Equal, "after the constant's type")?;
                let value = self.constant()?;
                Decl {
                    attrs,
                    name,
                    kind: DeclKind::Const { ty, value },
                }
            }
            "type" => {
                self.bump();
                let name = self.ident("a type name")?;
                self.expect(TokenKind::Equal, "after the type name")?;
                if !self.at_layout() {
                    let t = self.peek();
                    return self.error(
                        t.span,
                        ErrorKind::Unsupported,
                        format!(
                            "expected a layout (`struct`, `table`, `union`, `enum` or `bits`), found {}; \
                             to give another name to an existing type use `alias {} = ...;`",
                            self.describe(t),
                            name.name
                        ),
                    );
                }
                let layout = self.layout()?;
                Decl {
                    attrs,
                    name,
                    kind: DeclKind::Type(layout),
                }
            }
            "protocol" | "open" | "ajar" | "closed" => {
                let openness = if word == "protocol" {
                    None
                } else {
                    Some(self.ident("")?)
                };
                self.expect_word("protocol", "after the protocol openness")?;
                let name = self.ident("a protocol name")?;
                let mut protocol = self.protocol_body()?;
                protocol.openness = openness;
                Decl {
                    attrs,
                    name,
                    kind: DeclKind::Protocol(protocol),
                }
            }
            "resource_definition" => {
                self.bump();
                let name = self.ident("a resource name")?;
                let def = self.resource_body()?;
                Decl {
                    attrs,
                    name,
                    kind: DeclKind::ResourceDefinition(def),
                }
            }
            "service" => {
                return self.error(
                    t.span,
                    ErrorKind::Unsupported,
                    "`service` declarations are not supported".into(),
                );
            }
            "struct" | "table" | "union" | "enum" | "bits" | "xunion" => {
                return self.error(
                    t.span,
                    ErrorKind::UnexpectedToken,
                    format!("`{word} Name {{...}}` is the old FIDL syntax; write `type Name = {word} {{...}};`"),
                );
            }
            _ => {
                return self.unexpected(
                    "a declaration (`type`, `alias`, `const`, `protocol`, `resource_definition` or `using`)",
                );
            }
        };
        self.expect(TokenKind::Semicolon, "after the declaration")?;
        Ok(decl)
    }

    // ---------------------------------------------------------------- attributes

    fn attributes(&mut self) -> PResult<Attributes> {
        let mut attrs = Attributes::default();
        loop {
            if let Some(t) = self.eat(TokenKind::DocComment) {
                let text = self.text(t);
                attrs.doc.push(
                    text.get(3..)
                        .unwrap_or("")
                        .trim_end_matches('\r')
                        .to_string(),
                );
            } else if self.at(TokenKind::At) {
                let at = self.bump();
                let name = self.ident("an attribute name after `@`")?;
                let mut args = Vec::new();
                let mut end = name.span;
                if self.eat(TokenKind::LParen).is_some() {
                    while !self.at(TokenKind::RParen) {
                        let arg_name = if self.at(TokenKind::Ident)
                            && self.peek_at(1).kind == TokenKind::Equal
                        {
                            let n = self.ident("")?;
                            self.bump();
                            Some(n)
                        } else {
                            None
                        };
                        let value = self.constant()?;
                        args.push(AttributeArg {
                            name: arg_name,
                            value,
                        });
                        if self.eat(TokenKind::Comma).is_none() {
                            break;
                        }
                    }
                    end = self
                        .expect(TokenKind::RParen, "to close the attribute arguments")?
                        .span;
                }
                attrs.list.push(Attribute {
                    name,
                    args,
                    span: at.span.to(end),
                });
            } else {
                return Ok(attrs);
            }
        }
    }

    // ---------------------------------------------------------------- constants

    fn constant(&mut self) -> PResult<Constant> {
        let first = self.constant_primary()?;
        if !self.at(TokenKind::Pipe) {
            return Ok(first);
        }
        let mut span = first.span();
        let mut operands = vec![first];
        while self.eat(TokenKind::Pipe).is_some() {
            let next = self.constant_primary()?;
            span = span.to(next.span());
            operands.push(next);
        }
        Ok(Constant::Or(operands, span))
    }

    fn constant_primary(&mut self) -> PResult<Constant> {
        let t = self.peek();
        match t.kind {
            TokenKind::Ident => {
                let word = self.text(t);
                if word == "true" || word == "false" {
                    self.bump();
                    return Ok(Constant::Literal(Literal::Bool(word == "true"), t.span));
                }
                Ok(Constant::Ident(self.compound("a constant")?))
            }
            TokenKind::Number | TokenKind::Minus | TokenKind::String => {
                let (lit, span) = self.literal()?;
                Ok(Constant::Literal(lit, span))
            }
            _ => self.unexpected("a constant (a literal or a name)"),
        }
    }

    fn literal(&mut self) -> PResult<(Literal, Span)> {
        let t = self.peek();
        if !matches!(
            t.kind,
            TokenKind::Number | TokenKind::Minus | TokenKind::String
        ) {
            return self.unexpected("a literal");
        }
        self.bump();
        match t.kind {
            TokenKind::Number => Ok((Literal::Number(self.text(t).to_string()), t.span)),
            TokenKind::Minus => {
                let n = self.peek();
                if n.kind != TokenKind::Number {
                    return self.unexpected("a number after `-`");
                }
                self.bump();
                Ok((
                    Literal::Number(format!("-{}", self.text(n))),
                    t.span.to(n.span),
                ))
            }
            TokenKind::String => match lexer::unescape(self.text(t)) {
                Ok(s) => Ok((Literal::String(s), t.span)),
                Err(msg) => self.error(
                    t.span,
                    ErrorKind::InvalidEscape,
                    format!("invalid string literal: {msg}"),
                ),
            },
            _ => self.unexpected("a literal"),
        }
    }

    // ---------------------------------------------------------------- types

    /// Whether the next tokens start an inline layout (`struct {`, `flexible union {`,
    /// `enum : uint8 {`, `@attr ...`).
    fn at_layout(&self) -> bool {
        let mut n = 0;
        loop {
            let t = self.peek_at(n);
            if t.kind != TokenKind::Ident {
                return false;
            }
            let word = self.text(t);
            if Modifier::from_keyword(word).is_some()
                && self.peek_at(n + 1).kind == TokenKind::Ident
            {
                n += 1;
                continue;
            }
            // `enum : uint8 {`; for other kinds `: T` is an error the resolver explains.
            return LayoutKind::from_keyword(word).is_some()
                && matches!(
                    self.peek_at(n + 1).kind,
                    TokenKind::LBrace | TokenKind::Colon
                );
        }
    }

    fn type_ctor(&mut self) -> PResult<TypeCtor> {
        let start = self.peek().span;
        self.enter(start)?;
        let result = self.type_ctor_inner(start);
        self.leave();
        result
    }

    fn type_ctor_inner(&mut self, start: Span) -> PResult<TypeCtor> {
        let mut params = Vec::new();
        let layout = if self.at(TokenKind::At) || self.at_layout() {
            let attrs = self.attributes()?;
            if !attrs.doc.is_empty() {
                return self.error(
                    start,
                    ErrorKind::UnexpectedToken,
                    "doc comments cannot be attached to a type".into(),
                );
            }
            if !self.at_layout() {
                return self.unexpected("an inline layout after the attributes");
            }
            let layout_start = self.peek().span;
            let layout = self.layout()?;
            let span = layout_start.to(self.tokens[self.pos.saturating_sub(1)].span);
            LayoutRef::Inline {
                attrs,
                layout: Box::new(layout),
                span,
            }
        } else {
            let name = self.compound("a type")?;
            if self.eat(TokenKind::LAngle).is_some() {
                loop {
                    let t = self.peek();
                    if matches!(
                        t.kind,
                        TokenKind::Number | TokenKind::Minus | TokenKind::String
                    ) {
                        let (lit, span) = self.literal()?;
                        params.push(LayoutParam::Literal(lit, span));
                    } else {
                        params.push(LayoutParam::Type(self.type_ctor()?));
                    }
                    if self.eat(TokenKind::Comma).is_none() {
                        break;
                    }
                }
                self.expect(TokenKind::RAngle, "to close the layout parameters")?;
            }
            LayoutRef::Named(name)
        };
        let mut constraints = Vec::new();
        if self.eat(TokenKind::Colon).is_some() {
            if self.eat(TokenKind::LAngle).is_some() {
                loop {
                    constraints.push(self.constant()?);
                    if self.eat(TokenKind::Comma).is_none() {
                        break;
                    }
                }
                self.expect(TokenKind::RAngle, "to close the constraint list")?;
            } else {
                constraints.push(self.constant()?);
            }
        }
        let end = self.tokens[self.pos.saturating_sub(1)].span;
        Ok(TypeCtor {
            layout,
            params,
            constraints,
            span: start.to(end),
        })
    }

    fn layout(&mut self) -> PResult<Layout> {
        let start = self.peek().span;
        self.enter(start)?;
        let result = self.layout_inner();
        self.leave();
        result
    }

    fn layout_inner(&mut self) -> PResult<Layout> {
        let mut modifiers = Vec::new();
        let kind = loop {
            let t = self.peek();
            let word = if t.kind == TokenKind::Ident {
                self.text(t)
            } else {
                ""
            };
            if let Some(m) = Modifier::from_keyword(word) {
                self.bump();
                modifiers.push((m, t.span));
                continue;
            }
            match LayoutKind::from_keyword(word) {
                Some(kind) => {
                    self.bump();
                    break (kind, t.span);
                }
                None => {
                    return self.unexpected(
                        "a layout kind (`struct`, `table`, `union`, `enum` or `bits`)",
                    );
                }
            }
        };
        let (kind, kind_span) = kind;
        let subtype = if self.eat(TokenKind::Colon).is_some() {
            Some(Box::new(self.type_ctor()?))
        } else {
            None
        };
        self.expect(
            TokenKind::LBrace,
            &format!("to open the {} body", kind.keyword()),
        )?;
        let mut members = Vec::new();
        loop {
            let attrs = self.attributes()?;
            if self.at(TokenKind::RBrace) {
                if !attrs.doc.is_empty() || !attrs.list.is_empty() {
                    return self.unexpected("a member after the attributes");
                }
                self.bump();
                break;
            }
            members.push(self.member(kind, attrs)?);
        }
        Ok(Layout {
            kind,
            kind_span,
            modifiers,
            subtype,
            members,
        })
    }

    fn member(&mut self, kind: LayoutKind, attrs: Attributes) -> PResult<LayoutMember> {
        let start = self.peek().span;
        let ordinal = if self.at(TokenKind::Number) {
            let t = self.bump();
            self.expect(TokenKind::Colon, "after the member ordinal")?;
            Some((self.text(t).to_string(), t.span))
        } else {
            None
        };
        let body = match kind {
            LayoutKind::Enum | LayoutKind::Bits => {
                let name = self.ident("a member name")?;
                self.expect(TokenKind::Equal, "after the member name (`NAME = value;`)")?;
                let value = self.constant()?;
                MemberBody::Value { name, value }
            }
            _ => {
                if self.at_word("reserved") && self.peek_at(1).kind == TokenKind::Semicolon {
                    self.bump();
                    MemberBody::Reserved
                } else {
                    let name = self.ident("a member name")?;
                    if self.at(TokenKind::Semicolon) {
                        return self.unexpected(&format!("the type of member `{}`", name.name));
                    }
                    let ty = self.type_ctor()?;
                    let default = if self.eat(TokenKind::Equal).is_some() {
                        Some(self.constant()?)
                    } else {
                        None
                    };
                    MemberBody::Field { name, ty, default }
                }
            }
        };
        let end = self.expect(TokenKind::Semicolon, "after the member")?;
        Ok(LayoutMember {
            attrs,
            ordinal,
            span: start.to(end.span),
            body,
        })
    }

    // ---------------------------------------------------------------- protocols

    fn protocol_body(&mut self) -> PResult<Protocol> {
        self.expect(TokenKind::LBrace, "to open the protocol body")?;
        let mut composes = Vec::new();
        let mut methods = Vec::new();
        loop {
            let attrs = self.attributes()?;
            if self.at(TokenKind::RBrace) {
                if !attrs.doc.is_empty() || !attrs.list.is_empty() {
                    return self.unexpected("a method after the attributes");
                }
                self.bump();
                break;
            }
            if self.at_word("compose") && self.peek_at(1).kind == TokenKind::Ident {
                self.bump();
                let name = self.compound("a protocol name after `compose`")?;
                self.expect(TokenKind::Semicolon, "after `compose`")?;
                composes.push((attrs, name));
                continue;
            }
            methods.push(self.method(attrs)?);
        }
        Ok(Protocol {
            openness: None,
            composes,
            methods,
        })
    }

    fn method(&mut self, attrs: Attributes) -> PResult<Method> {
        let strictness = {
            let t = self.peek();
            let word = if t.kind == TokenKind::Ident {
                self.text(t)
            } else {
                ""
            };
            let next = self.peek_at(1).kind;
            match Modifier::from_keyword(word) {
                Some(m @ (Modifier::Strict | Modifier::Flexible))
                    if matches!(next, TokenKind::Ident | TokenKind::Arrow) =>
                {
                    self.bump();
                    Some((m, t.span))
                }
                _ => None,
            }
        };
        let is_event = self.eat(TokenKind::Arrow).is_some();
        let name = self.ident("a method name")?;
        let first = self.payload()?;
        let (request, mut response) = if is_event {
            (None, Some(first))
        } else {
            (Some(first), None)
        };
        if !is_event && self.eat(TokenKind::Arrow).is_some() {
            response = Some(self.payload()?);
        }
        let error = if response.is_some() && self.at_word("error") {
            self.bump();
            Some(self.type_ctor()?)
        } else {
            None
        };
        self.expect(TokenKind::Semicolon, "after the method")?;
        Ok(Method {
            attrs,
            strictness,
            name,
            request,
            response,
            error,
        })
    }

    fn payload(&mut self) -> PResult<Option<TypeCtor>> {
        self.expect(TokenKind::LParen, "to open the method payload")?;
        if self.eat(TokenKind::RParen).is_some() {
            return Ok(None);
        }
        let ty = self.type_ctor()?;
        self.expect(TokenKind::RParen, "to close the method payload")?;
        Ok(Some(ty))
    }

    // ---------------------------------------------------------------- resources

    fn resource_body(&mut self) -> PResult<ResourceDefinition> {
        let subtype = if self.eat(TokenKind::Colon).is_some() {
            Some(self.type_ctor()?)
        } else {
            None
        };
        self.expect(TokenKind::LBrace, "to open the resource definition")?;
        self.expect_word("properties", "in the resource definition")?;
        self.expect(TokenKind::LBrace, "after `properties`")?;
        let mut properties = Vec::new();
        loop {
            let attrs = self.attributes()?;
            if self.eat(TokenKind::RBrace).is_some() {
                break;
            }
            let name = self.ident("a property name")?;
            let ty = self.type_ctor()?;
            self.expect(TokenKind::Semicolon, "after the property")?;
            properties.push((attrs, name, ty));
        }
        self.expect(TokenKind::Semicolon, "after the properties block")?;
        self.expect(TokenKind::RBrace, "to close the resource definition")?;
        Ok(ResourceDefinition {
            subtype,
            properties,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_str(text: &str) -> Result<File, Error> {
        let mut map = SourceMap::default();
        let id = map.add("t.fidl".into(), text.into());
        parse(&map, id)
    }

    #[test]
    fn parses_every_declaration_kind() {
        let f = parse_str(
            r#"
/// The library.
@available(added = 1)
library a.b;
using zx;
using c.d as cd;
alias A = vector<string:4>:<2, optional>;
const C uint32 = 1 | B.X | 0x4;
/// Doc.
@foo("x")
type S = resource struct { h zx.Handle:<CHANNEL, optional>; a array<uint8, 3>; d uint8 = 5; };
type T = table { 1: a int32; 2: reserved; 3: t @generated_name("N") flexible union { 1: x bool; }; };
type U = strict resource union { 1: c client_end:P; 2: s server_end:<P, optional>; };
type E = flexible enum : int8 { A = -1; B = C; };
type B = bits { X = 0b1; };
closed protocol P {
    compose Q;
    strict M(struct { a int32; }) -> (struct {}) error uint32;
    flexible -> OnE(U);
    N();
};
resource_definition handle : uint32 { properties { subtype obj_type; rights rights; }; };
"#,
        )
        .unwrap();
        assert_eq!(f.library.dotted(), "a.b");
        assert_eq!(f.library_attrs.doc, vec![" The library."]);
        assert_eq!(f.usings.len(), 2);
        assert_eq!(f.decls.len(), 9);
        let DeclKind::Protocol(p) = &f.decls[7].kind else {
            panic!()
        };
        assert_eq!(p.methods.len(), 3);
        assert!(p.methods[0].error.is_some());
        assert!(p.methods[1].request.is_none());
        assert!(p.methods[2].response.is_none());
        let DeclKind::Type(t) = &f.decls[3].kind else {
            panic!()
        };
        assert!(matches!(t.members[1].body, MemberBody::Reserved));
    }

    #[test]
    fn syntax_errors_have_locations() {
        let e = parse_str("library a;\ntype S = struct { a int32 };").unwrap_err();
        assert_eq!(e.kind(), ErrorKind::UnexpectedToken);
        assert_eq!(
            e.to_string(),
            "t.fidl:2:27: error: expected `;` after the member, found `}`"
        );
        let e = parse_str("library a;\nstruct S {};").unwrap_err();
        assert!(e.to_string().contains("old FIDL syntax"), "{e}");
        let e = parse_str("type S = struct {};").unwrap_err();
        assert!(e.to_string().contains("`library`"), "{e}");
        let e = parse_str("library a; type S = uint32;").unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Unsupported);
        let e = parse_str("library a; type S = struct { a; };").unwrap_err();
        assert!(e.to_string().contains("the type of member `a`"), "{e}");
    }

    #[test]
    fn nesting_is_bounded() {
        let deep = format!(
            "library a; alias A = {}uint8{};",
            "vector<".repeat(200),
            ">".repeat(200)
        );
        assert_eq!(
            parse_str(&deep).unwrap_err().kind(),
            ErrorKind::NestingTooDeep
        );
        let ok = format!(
            "library a; alias A = {}uint8{};",
            "vector<".repeat(30),
            ">".repeat(30)
        );
        parse_str(&ok).unwrap();
    }
}
