//! The Drive `files.list` search language (`q`), parsed into a small AST and evaluated against
//! any [`Candidate`].
//!
//! Only the subset a Drive client of this project plausibly sends is understood; everything else
//! is refused with a [`QueryError`] that names the offending position, just as Drive refuses an
//! unknown term with `400 invalid` instead of silently matching nothing.
//!
//! Grammar (keywords `and`, `or`, `not`, `in`, `has`, `contains` are case-insensitive):
//!
//! ```text
//! query   := or
//! or      := and ( "or" and )*
//! and     := unary ( "and" unary )*
//! unary   := "not" unary | "(" query ")" | term
//! term    := ("name" | "mimeType") ("=" | "!=" | "contains") string
//!          | ("trashed" | "starred" | "sharedWithMe") [ ("=" | "!=") ("true" | "false") ]
//!          | ("modifiedTime" | "createdTime") ("=" | "!=" | "<" | "<=" | ">" | ">=") string
//!          | string "in" ("parents" | "owners" | "writers" | "readers")
//!          | "appProperties" "has" "{" "key" "=" string "and" "value" "=" string "}"
//! string  := '…' or "…" with \' \" \\ escapes
//! ```

use chrono::{DateTime, Utc};
use std::fmt;

/// A parsed `q` expression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Query {
    And(Box<Query>, Box<Query>),
    Or(Box<Query>, Box<Query>),
    Not(Box<Query>),
    Term(Term),
}

/// One search term.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Term {
    Name(StrOp, String),
    MimeType(StrOp, String),
    /// `trashed = true` and `trashed != false` both become `Trashed(true)`.
    Trashed(bool),
    Starred(bool),
    SharedWithMe(bool),
    ModifiedTime(CmpOp, DateTime<Utc>),
    CreatedTime(CmpOp, DateTime<Utc>),
    InParents(String),
    InOwners(String),
    InWriters(String),
    InReaders(String),
    /// Matches only the calling app's private properties.
    AppProperty {
        key: String,
        value: String,
    },
}

/// Operators allowed on string fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StrOp {
    Eq,
    Ne,
    /// Drive's `contains` on names is a case-insensitive prefix match on the name or any word.
    Contains,
}

/// Operators allowed on dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CmpOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

/// What a query is evaluated against: a file as seen by one caller (user + app).
pub trait Candidate {
    fn name(&self) -> &str;
    fn mime_type(&self) -> &str;
    fn trashed(&self) -> bool;
    fn starred(&self) -> bool;
    /// True when the file is not owned by the caller but shared with them.
    fn shared_with_me(&self) -> bool;
    fn modified_time(&self) -> DateTime<Utc>;
    fn created_time(&self) -> DateTime<Utc>;
    fn has_parent(&self, id: &str) -> bool;
    fn is_owner(&self, email: &str) -> bool;
    /// Owner or writer.
    fn is_writer(&self, email: &str) -> bool;
    /// Any role at all.
    fn is_reader(&self, email: &str) -> bool;
    /// The calling app's private property `key`.
    fn app_property(&self, key: &str) -> Option<&str>;
}

/// A refused query: what is wrong and at which byte offset of `q`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryError {
    pub offset: usize,
    pub message: String,
}

impl fmt::Display for QueryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Invalid Value: q at offset {}: {}",
            self.offset, self.message
        )
    }
}

impl std::error::Error for QueryError {}

impl Query {
    /// Parses a `q` parameter.
    pub fn parse(q: &str) -> Result<Query, QueryError> {
        let tokens = tokenize(q)?;
        let mut p = Parser {
            tokens,
            pos: 0,
            len: q.len(),
            depth: 0,
        };
        let query = p.or()?;
        match p.peek() {
            None => Ok(query),
            Some(t) => Err(p.error_at(t.offset, format!("unexpected {}", t.kind))),
        }
    }

    /// Whether `c` satisfies the query.
    pub fn matches(&self, c: &dyn Candidate) -> bool {
        match self {
            Query::And(a, b) => a.matches(c) && b.matches(c),
            Query::Or(a, b) => a.matches(c) || b.matches(c),
            Query::Not(a) => !a.matches(c),
            Query::Term(t) => t.matches(c),
        }
    }
}

impl Term {
    fn matches(&self, c: &dyn Candidate) -> bool {
        match self {
            Term::Name(op, v) => str_matches(*op, c.name(), v),
            Term::MimeType(op, v) => str_matches(*op, c.mime_type(), v),
            Term::Trashed(b) => c.trashed() == *b,
            Term::Starred(b) => c.starred() == *b,
            Term::SharedWithMe(b) => c.shared_with_me() == *b,
            Term::ModifiedTime(op, t) => cmp_matches(*op, c.modified_time(), *t),
            Term::CreatedTime(op, t) => cmp_matches(*op, c.created_time(), *t),
            Term::InParents(id) => c.has_parent(id),
            Term::InOwners(e) => c.is_owner(e),
            Term::InWriters(e) => c.is_writer(e),
            Term::InReaders(e) => c.is_reader(e),
            Term::AppProperty { key, value } => c.app_property(key) == Some(value.as_str()),
        }
    }
}

fn str_matches(op: StrOp, actual: &str, wanted: &str) -> bool {
    match op {
        StrOp::Eq => actual == wanted,
        StrOp::Ne => actual != wanted,
        StrOp::Contains => {
            let wanted = wanted.to_lowercase();
            let actual = actual.to_lowercase();
            actual.starts_with(&wanted)
                || actual
                    .split(|ch: char| !ch.is_alphanumeric())
                    .any(|word| word.starts_with(&wanted))
        }
    }
}

fn cmp_matches(op: CmpOp, actual: DateTime<Utc>, wanted: DateTime<Utc>) -> bool {
    match op {
        CmpOp::Eq => actual == wanted,
        CmpOp::Ne => actual != wanted,
        CmpOp::Lt => actual < wanted,
        CmpOp::Le => actual <= wanted,
        CmpOp::Gt => actual > wanted,
        CmpOp::Ge => actual >= wanted,
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Kind {
    Word(String),
    Str(String),
    Op(CmpOp),
    LParen,
    RParen,
    LBrace,
    RBrace,
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Kind::Word(w) => write!(f, "'{w}'"),
            Kind::Str(s) => write!(f, "string '{s}'"),
            Kind::Op(op) => write!(f, "operator {}", op_text(*op)),
            Kind::LParen => f.write_str("'('"),
            Kind::RParen => f.write_str("')'"),
            Kind::LBrace => f.write_str("'{'"),
            Kind::RBrace => f.write_str("'}'"),
        }
    }
}

fn op_text(op: CmpOp) -> &'static str {
    match op {
        CmpOp::Eq => "=",
        CmpOp::Ne => "!=",
        CmpOp::Lt => "<",
        CmpOp::Le => "<=",
        CmpOp::Gt => ">",
        CmpOp::Ge => ">=",
    }
}

#[derive(Debug, Clone)]
struct Token {
    kind: Kind,
    offset: usize,
}

fn tokenize(q: &str) -> Result<Vec<Token>, QueryError> {
    let mut tokens = Vec::new();
    let mut chars = q.char_indices().peekable();
    while let Some(&(offset, ch)) = chars.peek() {
        let simple = |kind| Token { kind, offset };
        match ch {
            c if c.is_whitespace() => {
                chars.next();
            }
            '(' | ')' | '{' | '}' => {
                chars.next();
                tokens.push(simple(match ch {
                    '(' => Kind::LParen,
                    ')' => Kind::RParen,
                    '{' => Kind::LBrace,
                    _ => Kind::RBrace,
                }));
            }
            '=' | '!' | '<' | '>' => {
                chars.next();
                let followed_by_eq = chars.peek().map(|&(_, c)| c) == Some('=');
                let op = match (ch, followed_by_eq) {
                    ('=', _) => CmpOp::Eq,
                    ('!', true) => CmpOp::Ne,
                    ('<', true) => CmpOp::Le,
                    ('>', true) => CmpOp::Ge,
                    ('<', false) => CmpOp::Lt,
                    ('>', false) => CmpOp::Gt,
                    _ => {
                        return Err(QueryError {
                            offset,
                            message: "'!' must be followed by '='".into(),
                        })
                    }
                };
                if followed_by_eq && ch != '=' {
                    chars.next();
                }
                tokens.push(simple(Kind::Op(op)));
            }
            '\'' | '"' => {
                chars.next();
                let mut value = String::new();
                let mut closed = false;
                while let Some((_, c)) = chars.next() {
                    match c {
                        '\\' => match chars.next() {
                            Some((_, escaped)) => value.push(escaped),
                            None => break,
                        },
                        c if c == ch => {
                            closed = true;
                            break;
                        }
                        c => value.push(c),
                    }
                }
                if !closed {
                    return Err(QueryError {
                        offset,
                        message: "unterminated string literal".into(),
                    });
                }
                tokens.push(simple(Kind::Str(value)));
            }
            c if c.is_alphanumeric() || c == '_' => {
                let mut word = String::new();
                while let Some(&(_, c)) = chars.peek() {
                    if c.is_alphanumeric() || c == '_' {
                        word.push(c);
                        chars.next();
                    } else {
                        break;
                    }
                }
                tokens.push(simple(Kind::Word(word)));
            }
            other => {
                return Err(QueryError {
                    offset,
                    message: format!("unexpected character '{other}'"),
                })
            }
        }
    }
    Ok(tokens)
}

/// Nesting deeper than this is refused, so a hostile `q` cannot overflow the stack.
const MAX_DEPTH: usize = 64;

struct Parser {
    tokens: Vec<Token>,
    pos: usize,
    /// Length of `q`, the offset reported for "unexpected end".
    len: usize,
    depth: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.pos)
    }

    fn next(&mut self) -> Result<Token, QueryError> {
        match self.tokens.get(self.pos) {
            Some(t) => {
                self.pos += 1;
                Ok(t.clone())
            }
            None => Err(self.error_at(self.len, "unexpected end of query".into())),
        }
    }

    fn error_at(&self, offset: usize, message: String) -> QueryError {
        QueryError { offset, message }
    }

    fn peek_keyword(&self, keyword: &str) -> bool {
        matches!(self.peek(), Some(Token { kind: Kind::Word(w), .. }) if w.eq_ignore_ascii_case(keyword))
    }

    fn expect_keyword(&mut self, keyword: &str) -> Result<(), QueryError> {
        let t = self.next()?;
        match &t.kind {
            Kind::Word(w) if w.eq_ignore_ascii_case(keyword) => Ok(()),
            other => Err(self.error_at(t.offset, format!("expected '{keyword}', found {other}"))),
        }
    }

    fn expect(&mut self, kind: Kind) -> Result<(), QueryError> {
        let t = self.next()?;
        if t.kind == kind {
            Ok(())
        } else {
            Err(self.error_at(t.offset, format!("expected {kind}, found {}", t.kind)))
        }
    }

    fn string(&mut self) -> Result<String, QueryError> {
        let t = self.next()?;
        match t.kind {
            Kind::Str(s) => Ok(s),
            other => {
                Err(self.error_at(t.offset, format!("expected a quoted string, found {other}")))
            }
        }
    }

    fn or(&mut self) -> Result<Query, QueryError> {
        let mut left = self.and()?;
        while self.peek_keyword("or") {
            self.pos += 1;
            let right = self.and()?;
            left = Query::Or(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn and(&mut self) -> Result<Query, QueryError> {
        let mut left = self.unary()?;
        while self.peek_keyword("and") {
            self.pos += 1;
            let right = self.unary()?;
            left = Query::And(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn unary(&mut self) -> Result<Query, QueryError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            let offset = self.peek().map_or(self.len, |t| t.offset);
            return Err(self.error_at(offset, "query nested too deeply".into()));
        }
        let result = self.unary_inner();
        self.depth -= 1;
        result
    }

    fn unary_inner(&mut self) -> Result<Query, QueryError> {
        if self.peek_keyword("not") {
            self.pos += 1;
            return Ok(Query::Not(Box::new(self.unary()?)));
        }
        if matches!(
            self.peek(),
            Some(Token {
                kind: Kind::LParen,
                ..
            })
        ) {
            self.pos += 1;
            let inner = self.or()?;
            self.expect(Kind::RParen)?;
            return Ok(inner);
        }
        self.term().map(Query::Term)
    }

    fn term(&mut self) -> Result<Term, QueryError> {
        let t = self.next()?;
        match t.kind {
            Kind::Str(value) => self.membership(value),
            Kind::Word(field) => match field.as_str() {
                "name" => Ok(Term::Name(self.str_op()?, self.string()?)),
                "mimeType" => Ok(Term::MimeType(self.str_op()?, self.string()?)),
                "trashed" => Ok(Term::Trashed(self.flag()?)),
                "starred" => Ok(Term::Starred(self.flag()?)),
                "sharedWithMe" => Ok(Term::SharedWithMe(self.flag()?)),
                "modifiedTime" => Ok(Term::ModifiedTime(self.cmp_op()?, self.time()?)),
                "createdTime" => Ok(Term::CreatedTime(self.cmp_op()?, self.time()?)),
                "appProperties" => self.app_property(),
                other => Err(self.error_at(
                    t.offset,
                    format!("unknown or unsupported query term '{other}'"),
                )),
            },
            other => Err(self.error_at(t.offset, format!("expected a query term, found {other}"))),
        }
    }

    fn membership(&mut self, value: String) -> Result<Term, QueryError> {
        self.expect_keyword("in")?;
        let t = self.next()?;
        match &t.kind {
            Kind::Word(w) if w == "parents" => Ok(Term::InParents(value)),
            Kind::Word(w) if w == "owners" => Ok(Term::InOwners(value)),
            Kind::Word(w) if w == "writers" => Ok(Term::InWriters(value)),
            Kind::Word(w) if w == "readers" => Ok(Term::InReaders(value)),
            other => Err(self.error_at(
                t.offset,
                format!("expected parents, owners, writers or readers after 'in', found {other}"),
            )),
        }
    }

    fn str_op(&mut self) -> Result<StrOp, QueryError> {
        let t = self.next()?;
        match &t.kind {
            Kind::Op(CmpOp::Eq) => Ok(StrOp::Eq),
            Kind::Op(CmpOp::Ne) => Ok(StrOp::Ne),
            Kind::Word(w) if w.eq_ignore_ascii_case("contains") => Ok(StrOp::Contains),
            other => Err(self.error_at(
                t.offset,
                format!("expected =, != or contains, found {other}"),
            )),
        }
    }

    fn cmp_op(&mut self) -> Result<CmpOp, QueryError> {
        let t = self.next()?;
        match t.kind {
            Kind::Op(op) => Ok(op),
            other => Err(self.error_at(t.offset, format!("expected a comparison, found {other}"))),
        }
    }

    /// `field`, `field = true|false` or `field != true|false`; a bare field means `= true`.
    fn flag(&mut self) -> Result<bool, QueryError> {
        let negate = match self.peek() {
            Some(Token {
                kind: Kind::Op(CmpOp::Eq),
                ..
            }) => false,
            Some(Token {
                kind: Kind::Op(CmpOp::Ne),
                ..
            }) => true,
            _ => return Ok(true),
        };
        self.pos += 1;
        let t = self.next()?;
        let value = match &t.kind {
            Kind::Word(w) if w.eq_ignore_ascii_case("true") => true,
            Kind::Word(w) if w.eq_ignore_ascii_case("false") => false,
            other => {
                return Err(
                    self.error_at(t.offset, format!("expected true or false, found {other}"))
                )
            }
        };
        Ok(value != negate)
    }

    fn time(&mut self) -> Result<DateTime<Utc>, QueryError> {
        let offset = self.peek().map_or(self.len, |t| t.offset);
        let text = self.string()?;
        DateTime::parse_from_rfc3339(&text)
            .map(|t| t.with_timezone(&Utc))
            .map_err(|e| self.error_at(offset, format!("'{text}' is not an RFC 3339 time: {e}")))
    }

    fn app_property(&mut self) -> Result<Term, QueryError> {
        self.expect_keyword("has")?;
        self.expect(Kind::LBrace)?;
        self.expect_keyword("key")?;
        self.expect(Kind::Op(CmpOp::Eq))?;
        let key = self.string()?;
        self.expect_keyword("and")?;
        self.expect_keyword("value")?;
        self.expect(Kind::Op(CmpOp::Eq))?;
        let value = self.string()?;
        self.expect(Kind::RBrace)?;
        Ok(Term::AppProperty { key, value })
    }
}

#[cfg(test)]
#[path = "query_tests.rs"]
mod tests;
