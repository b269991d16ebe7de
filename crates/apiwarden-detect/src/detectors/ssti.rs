//! Server-side template injection: template syntax that computes, reaches the objects behind
//! the template, or runs code, when a server renders the value as a template.
//!
//! Templates are legitimate in API values (e-mail and notification templates, CMS fields,
//! code snippets), so the delimiters alone prove nothing: `Hello {{name}}`,
//! `{{ user.first_name | title }}`, `${HOME}`, `#{id}` and `{% for item in items %}` are
//! what templates are for. The detector finds template expressions by their delimiters and
//! judges what is inside:
//!
//! - `ssti.expression`: arithmetic on literals (`{{7*7}}`, `${7*'7'}`, `<%= 7*7 %>`,
//!   `@(7*7)`), the probe every scanner sends first. Arithmetic on names
//!   (`{{ price * quantity }}`) is ordinary template use and passes.
//! - `ssti.object_walk`: walks from a value to its class, module globals or runtime
//!   (`__class__`, `__globals__`, `|attr(..)`, `getClass()`, `T(java.lang.Runtime)`,
//!   `constructor`, `_self.env`, `?new()`), and the template globals that leak
//!   configuration (`{{config}}`, `{{self}}`, `{{settings.SECRET_KEY}}`).
//! - `ssti.code_exec`: calls to command and code execution (`os.popen(`, `system(`,
//!   `require('child_process')`, ERB backticks, `IO.popen`).
//! - `ssti.directive`: statements that import modules or instantiate classes
//!   (`{% import os %}`, `<#assign x="..Execute"?new()>`, Velocity `#set($x=..)`,
//!   Smarty `{php}`), and `{% include %}` of absolute or parent paths.
//!
//! Delimiters recognised: `{{ }}`, `{% %}`, `${ }`, `#{ }`, `*{ }`, `%{ }`, `@{ }`, `@( )`,
//! `<% %>`, and Smarty's single braces (only for `{php}`, PHP calls and `{7*7}`). Braces are
//! paired in one pass with a bounded stack, and each expression is judged once (nested
//! delimiters are judged as part of the outer one), so the work is linear. A few
//! engine-specific forms that are unambiguous without delimiters (`''.__class__`,
//! `T(java.lang.Runtime)`, `freemarker.template.utility.Execute`, `#set($`) are recognised
//! anywhere.
//!
//! `${..}` and `#{..}` are also JavaScript template literals, shell parameters and Ruby
//! interpolation, so generic calls and arithmetic on names inside them are not reported;
//! only literal arithmetic, object walks and execution are.

use std::ops::Range;
use std::sync::LazyLock;

use memchr::memmem;
use regex::Regex;

use super::Match;

/// Braces nested deeper than this are not paired (no template needs it).
const MAX_NESTING: usize = 64;

pub fn detect(value: &str) -> Option<Match> {
    if !value.bytes().any(|b| matches!(b, b'{' | b'%' | b'(' | b'_' | b'#' | b'?')) {
        return None;
    }
    delimited(value).or_else(|| erb(value)).or_else(|| razor(value)).or_else(|| bare(value))
}

fn regex(pattern: &str) -> Option<Regex> {
    Regex::new(pattern).ok()
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Delimiter {
    /// `{{ }}`: Jinja, Twig, Nunjucks, Handlebars, AngularJS, Go.
    Mustache,
    /// `{% %}`: Jinja, Twig, Django, Liquid, Tornado statements.
    Statement,
    /// `${ }`: Java EL, FreeMarker, Mako, Thymeleaf, Velocity; also JS and shell.
    Dollar,
    /// `#{ }`: Java EL deferred, Thymeleaf messages, Pug; also Ruby interpolation.
    Hash,
    /// `*{ }` Thymeleaf selection, `%{ }` Struts OGNL, `@{ }` Razor and Thymeleaf links,
    /// `@( )` Razor.
    Other,
    /// `<% %>`: ERB, EJS, JSP, ASP, Mako.
    Erb,
}

/// Template expressions in braces: `{{ }}`, `{% %}`, `${ }`, `#{ }`, `*{ }`, `%{ }`, `@{ }`,
/// and Smarty's `{ }`.
fn delimited(value: &str) -> Option<Match> {
    if !value.contains('{') {
        return None;
    }
    let bytes = value.as_bytes();
    let mut judged_until = 0;
    for (open, close) in pairs(bytes, b'{', b'}') {
        if open < judged_until {
            continue;
        }
        let before = open.checked_sub(1).and_then(|at| bytes.get(at));
        let after = bytes.get(open + 1);
        let (delimiter, inner) = match (before, after) {
            (Some(b'$'), _) => (Delimiter::Dollar, open + 1..close),
            (Some(b'#'), _) => (Delimiter::Hash, open + 1..close),
            (Some(b'*' | b'%' | b'@'), _) => (Delimiter::Other, open + 1..close),
            (_, Some(b'{')) if close >= open + 3 && bytes.get(close - 1) == Some(&b'}') => {
                (Delimiter::Mustache, open + 2..close - 1)
            }
            (_, Some(b'%')) => (Delimiter::Statement, open + 2..close),
            _ => {
                // Plain braces are JSON, code or prose: only Smarty's tags are judged, and
                // the pairs inside are still looked at.
                if let Some(rule) = value.get(open + 1..close).and_then(smarty) {
                    return Some(Match::new(rule, open..close + 1));
                }
                continue;
            }
        };
        judged_until = close + 1;
        let start =
            if matches!(delimiter, Delimiter::Mustache | Delimiter::Statement) { open } else { open - 1 };
        if let Some(rule) = value.get(inner).and_then(|inner| judge(inner, delimiter)) {
            return Some(Match::new(rule, start..close + 1));
        }
    }
    None
}

/// `<% .. %>` blocks (ERB, EJS, JSP, ASP, Mako).
fn erb(value: &str) -> Option<Match> {
    let bytes = value.as_bytes();
    let mut from = 0;
    while let Some(found) = bytes.get(from..).and_then(|rest| memmem::find(rest, b"<%")) {
        let open = from + found;
        // No closing `%>` after this one means none after any later `<%` either.
        let close = open + 2 + memmem::find(bytes.get(open + 2..)?, b"%>")?;
        if let Some(rule) = value.get(open + 2..close).and_then(|inner| judge(inner, Delimiter::Erb)) {
            return Some(Match::new(rule, open..close + 2));
        }
        from = close + 2;
    }
    None
}

/// Razor's explicit expressions `@( .. )`.
fn razor(value: &str) -> Option<Match> {
    if !value.contains("@(") {
        return None;
    }
    let bytes = value.as_bytes();
    let mut judged_until = 0;
    for (open, close) in pairs(bytes, b'(', b')') {
        if open < judged_until || open == 0 || bytes.get(open - 1) != Some(&b'@') {
            continue;
        }
        judged_until = close + 1;
        if let Some(rule) = value.get(open + 1..close).and_then(|inner| judge(inner, Delimiter::Other)) {
            return Some(Match::new(rule, open - 1..close + 1));
        }
    }
    None
}

/// The `open`..`close` pairs of `bytes` (byte offsets of both), sorted by the opening one,
/// found in one pass with a bounded stack. Unbalanced closers are ignored.
fn pairs(bytes: &[u8], open: u8, close: u8) -> Vec<(usize, usize)> {
    let mut stack = Vec::new();
    let mut overflow = 0usize;
    let mut found = Vec::new();
    for (at, &b) in bytes.iter().enumerate() {
        if b == open {
            if stack.len() < MAX_NESTING {
                stack.push(at);
            } else {
                overflow += 1;
            }
        } else if b == close {
            if overflow > 0 {
                overflow -= 1;
            } else if let Some(start) = stack.pop() {
                found.push((start, at));
            }
        }
    }
    found.sort_unstable();
    found
}

/// What a template expression does, judged from its inside.
fn judge(inner: &str, delimiter: Delimiter) -> Option<&'static str> {
    static ARITHMETIC: LazyLock<Option<Regex>> = LazyLock::new(|| {
        // Two number literals (optionally quoted: `7*'7'`) around an operator, not part of
        // a name (`index0 + 1`).
        regex(r#"(?:\A|[^0-9A-Za-z_.$])['"]?\d+(?:\.\d+)?['"]?\s*[*/%+-]\s*['"]?\d+"#)
    });
    static DATE: LazyLock<Option<Regex>> =
        LazyLock::new(|| regex(r"\A\s*\d{1,4}([-/.])\d{1,2}[-/.]\d{1,4}\s*\z"));
    static GLOBALS: LazyLock<Option<Regex>> = LazyLock::new(|| {
        // Template globals that leak the application's configuration or the template
        // engine itself.
        regex(
            r"\A\s*[-=~]?\s*(?:config|self|_self|_context)\s*(?:\z|[.\[|(\s])|\A\s*[-=~]?\s*settings\s*\.\s*[A-Z]",
        )
    });
    static DIRECTIVE: LazyLock<Option<Regex>> = LazyLock::new(|| {
        regex(
            r#"(?i)\A[-+]?\s*(?:import|from\s+\S+\s+import|debug|python|php|exec|eval|(?:include|extends|import|source)\s*\(?\s*['"]?\s*(?:/|\.\./|[a-z]+://|~))"#,
        )
    });
    static ERB_CODE: LazyLock<Option<Regex>> = LazyLock::new(|| {
        // Ruby command substitution and imports inside ERB or Ruby interpolation, Python
        // imports in Mako blocks.
        regex(
            r#"\x60[^\x60]{1,256}\x60|%x\s*[({\[]|(?-u:\b)require\s+['"]|(?-u:\b)(?:import|from)\s+[A-Za-z_]"#,
        )
    });
    if arithmetic_of_literals(inner, &ARITHMETIC, &DATE) {
        return Some("ssti.expression");
    }
    if matches_any(&OBJECT_WALK, inner) {
        return Some("ssti.object_walk");
    }
    if matches_any(&CODE_EXEC, inner) {
        return Some("ssti.code_exec");
    }
    match delimiter {
        Delimiter::Mustache | Delimiter::Statement if matches_any(&GLOBALS, inner) => {
            Some("ssti.object_walk")
        }
        Delimiter::Statement if matches_any(&DIRECTIVE, inner) => Some("ssti.directive"),
        Delimiter::Erb | Delimiter::Hash if matches_any(&ERB_CODE, inner) => Some("ssti.code_exec"),
        _ => None,
    }
}

fn arithmetic_of_literals(
    inner: &str,
    arithmetic: &LazyLock<Option<Regex>>,
    date: &LazyLock<Option<Regex>>,
) -> bool {
    matches_any(arithmetic, inner) && !matches_any(date, inner)
}

fn matches_any(re: &LazyLock<Option<Regex>>, text: &str) -> bool {
    re.as_ref().is_some_and(|re| re.is_match(text))
}

/// Walks from a value to its class, globals, class loader or runtime, in the syntax of
/// each engine's language.
static OBJECT_WALK: LazyLock<Option<Regex>> = LazyLock::new(|| {
    regex(concat!(
        // Python: dunder attributes, also spelled as strings ('__cl'+'ass__') or escaped.
        r#"__[A-Za-z]\w*__|['"]__[A-Za-z]|\\x5f\\x5f|\\u005f\\u005f"#,
        // Jinja's attr filter and request internals.
        r#"|\|\s*attr\s*\(|(?-u:\b)request\s*(?:\.|\[\s*['"]|\|\s*attr\s*\(\s*['"])\s*(?:application|environ)"#,
        // Java: SpEL type references, reflection, the runtime, OGNL internals.
        r"|(?-u:\b)T\s*\(\s*[A-Za-z_]+\s*\.|(?-u:\b)(?:java|javax|jdk|sun)\s*\.\s*(?:lang|io|nio|script|naming|misc)\s*\.",
        r"|getClass\s*\(|(?-u:\b)forName\s*\(|getRuntime\s*\(|ProcessBuilder|getMethod\s*\(|getDeclared\w*\s*\(",
        r"|newInstance\s*\(|ScriptEngineManager|getClassLoader|classLoader|(?-u:\b)class\s*\.\s*(?:forName|module|inspect|getResource)",
        r"|_memberAccess|@(?:java|javax|ognl|org)\s*\.|OgnlContext|DEFAULT_MEMBER_ACCESS|#context\s*\[",
        r"|(?-u:\b)(?:pageContext|applicationScope|servletContext|facesContext)(?-u:\b)",
        // FreeMarker: instantiating classes.
        r"|freemarker\s*\.\s*template|\?\s*(?:new|api)\s*\(|ObjectConstructor|JythonRuntime|(?-u:\b)Execute(?-u:\b)",
        // JavaScript engines: reaching Function or the Node process.
        r#"|(?-u:\b)constructor\s*(?:\(|\[|\.\s*(?:constructor|prototype|call|apply|bind))|['"]constructor['"]"#,
        r"|process\s*\.\s*(?:mainModule|binding|dlopen)|mainModule|child_process",
        // Twig and Smarty internals.
        r"|_self\s*\.\s*env|registerUndefinedFilterCallback|getFilter\s*\(|\$smarty\s*\.|Smarty_Internal|(?-u:\b)self\s*::",
        // .NET (Razor).
        r"|(?-u:\b)System\s*\.\s*(?:Diagnostics|Reflection|IO\s*\.\s*File|Runtime)",
    ))
});

/// Command and code execution, by language.
static CODE_EXEC: LazyLock<Option<Regex>> = LazyLock::new(|| {
    regex(concat!(
        r"(?-u:\b)(?:os|subprocess|commands|pty|posix)\s*\.\s*(?:system|popen|spawn\w*|exec\w*|call|check_output|run|Popen|getoutput|fork)",
        r"|(?-u:\b)(?:popen|system|passthru|shell_exec|proc_open|pcntl_exec|exec|execSync|spawnSync|eval|assert|phpinfo)\s*\(",
        r"|(?-u:\b)(?:__import__|import_module|getattr|globals|compile|execfile|file_get_contents|readfile|fopen|require)\s*\(",
        r"|(?-u:\b)(?:Runtime|Process|Kernel|IO|File|Dir|Open3|PTY)\s*\.\s*(?:exec|start|popen|open|read|system|spawn|entries|readlines|capture\w*|foreach)",
        r"|(?-u:\b)(?:instance_eval|class_eval|public_send|__send__)\s*\(|\|\s*(?:filter|map|reduce|sort)\s*\(\s*['\x22](?:system|exec|passthru|shell_exec|popen)",
    ))
});

/// Smarty tags in single braces: `{php}`, PHP calls, engine internals, `{7*7}`.
fn smarty(inner: &str) -> Option<&'static str> {
    static PHP: LazyLock<Option<Regex>> = LazyLock::new(|| regex(r"(?i)\A\s*/?php\s*\z"));
    static CALL: LazyLock<Option<Regex>> = LazyLock::new(|| {
        regex(
            r"(?i)\A\s*(?:if\s+)?(?:system|passthru|shell_exec|exec|phpinfo|popen|proc_open|eval|readfile|file_get_contents)\s*\(",
        )
    });
    static INTERNALS: LazyLock<Option<Regex>> =
        LazyLock::new(|| regex(r"\A\s*(?:\$smarty\s*\.|self\s*::|Smarty_Internal)"));
    static PRODUCT: LazyLock<Option<Regex>> = LazyLock::new(|| regex(r"\A\s*\d+\s*\*\s*\d+\s*\z"));
    if matches_any(&PHP, inner) {
        return Some("ssti.directive");
    }
    if matches_any(&CALL, inner) {
        return Some("ssti.code_exec");
    }
    if matches_any(&INTERNALS, inner) {
        return Some("ssti.object_walk");
    }
    matches_any(&PRODUCT, inner).then_some("ssti.expression")
}

/// Engine-specific forms that need no delimiter to be unambiguous.
fn bare(value: &str) -> Option<Match> {
    static DIRECTIVES: LazyLock<Option<Regex>> = LazyLock::new(|| {
        regex(concat!(
            // Velocity assignments and FreeMarker assignments that instantiate a class.
            r"#set\s*\(\s*\$[A-Za-z_]\w*\s*=",
            r"|<#(?:assign|global|local)\b[^>]{0,256}?(?:\?\s*(?:new|api)\s*\(|classLoader|protectionDomain|getClass\s*\()",
            // The mixed-engine polyglot probe.
            r"|\$\{\{\s*<%",
        ))
    });
    static WALKS: LazyLock<Option<Regex>> = LazyLock::new(|| {
        regex(concat!(
            r#"(?:''|""|\(\s*\)|\[\s*\]|\{\s*\})\s*\.\s*__class__"#,
            r"|__class__\s*\.\s*__(?:mro|bases?)__|__subclasses__\s*\(",
            r#"|__globals__\s*(?:\[\s*['"]|\.\s*(?:get|os|__builtins__))|__builtins__\s*(?:\[\s*['"]|\.\s*(?:eval|exec|open|__import__))"#,
            r#"|__import__\s*\(\s*['"](?:os|subprocess|sys|pty)"#,
            r"|(?-u:\b)T\s*\(\s*java\s*\.\s*lang\s*\.\s*(?:Runtime|ProcessBuilder|System|Class|ClassLoader|Thread|reflect)",
            r#"|\$class\s*\.\s*inspect|getClass\s*\(\s*\)\s*\.\s*forName|forName\s*\(\s*['"]java\.lang\.(?:Runtime|ProcessBuilder)"#,
            r"|@\s*System\s*\.\s*(?:Diagnostics|Reflection|IO\s*\.\s*File)",
            r#"|freemarker\s*\.\s*template\s*\.\s*utility|['"]\s*\?\s*(?:new|api)\s*\(|@java\s*\.\s*lang\s*\.\s*Runtime\s*@"#,
        ))
    });
    let found = |re: &LazyLock<Option<Regex>>| re.as_ref().and_then(|re| re.find(value)).map(|m| m.range());
    let hit = |rule: &'static str, span: Range<usize>| Match::new(rule, span);
    found(&DIRECTIVES)
        .map(|span| hit("ssti.directive", span))
        .or_else(|| found(&WALKS).map(|span| hit("ssti.object_walk", span)))
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn expect_rules(cases: &[(&str, &str)]) {
        crate::detectors::test_support::expect_rules(detect, cases);
    }

    fn expect_clean(values: &[&str]) {
        crate::detectors::test_support::expect_clean(detect, values);
    }

    #[test]
    fn arithmetic_probes_in_every_syntax() {
        expect_rules(&[
            ("{{7*7}}", "ssti.expression"),
            ("{{ 7 * 7 }}", "ssti.expression"),
            ("{{7*'7'}}", "ssti.expression"),
            ("${7*7}", "ssti.expression"),
            ("${{7*7}}", "ssti.expression"),
            ("#{7*7}", "ssti.expression"),
            ("*{7*7}", "ssti.expression"),
            ("%{7*7}", "ssti.expression"),
            ("@(7*7)", "ssti.expression"),
            ("<%= 7*7 %>", "ssti.expression"),
            ("{{=7*7}}", "ssti.expression"),
            ("[[${1337*1337}]]", "ssti.expression"),
            ("name={{191*7}}&x=1", "ssti.expression"),
            ("{7*7}", "ssti.expression"),
            ("{{ 10 / 2 }}", "ssti.expression"),
        ]);
    }

    #[test]
    fn object_walks_code_execution_and_directives() {
        expect_rules(&[
            ("{{config}}", "ssti.object_walk"),
            ("{{ config.items() }}", "ssti.object_walk"),
            ("{{self}}", "ssti.object_walk"),
            ("{{self.__init__.__globals__}}", "ssti.object_walk"),
            ("{{ self._TemplateReference__context.cycler }}", "ssti.object_walk"),
            ("{{settings.SECRET_KEY}}", "ssti.object_walk"),
            ("{{''.__class__.__mro__[1].__subclasses__()}}", "ssti.object_walk"),
            ("{{request.application.__globals__.__builtins__}}", "ssti.object_walk"),
            ("{{request|attr('application')|attr('\\x5f\\x5fglobals\\x5f\\x5f')}}", "ssti.object_walk"),
            ("{{ ()|attr('__class__') }}", "ssti.object_walk"),
            ("{{ request['__cl'+'ass__'] }}", "ssti.object_walk"),
            ("{{ lipsum.__globals__['os'].popen('id').read() }}", "ssti.object_walk"),
            ("{% for x in ().__class__.__base__.__subclasses__() %}{{x}}{% endfor %}", "ssti.object_walk"),
            ("${T(java.lang.Runtime).getRuntime().exec('id')}", "ssti.object_walk"),
            ("*{T(java.lang.Runtime).getRuntime().exec('id')}", "ssti.object_walk"),
            ("${''.getClass().forName('java.lang.Runtime')}", "ssti.object_walk"),
            ("${\"freemarker.template.utility.Execute\"?new()(\"id\")}", "ssti.object_walk"),
            ("{{constructor.constructor('return process')()}}", "ssti.object_walk"),
            ("{{this.constructor.constructor('alert(1)')()}}", "ssti.object_walk"),
            ("#{global.process.mainModule.require('child_process').execSync('id')}", "ssti.object_walk"),
            ("{{_self.env.registerUndefinedFilterCallback('exec')}}", "ssti.object_walk"),
            ("%{(#_memberAccess['allowStaticMethodAccess']=true)}", "ssti.object_walk"),
            ("%{@java.lang.Runtime@getRuntime().exec('id')}", "ssti.object_walk"),
            ("{$smarty.version}", "ssti.object_walk"),
            ("@System.Diagnostics.Process.Start(\"cmd.exe\")", "ssti.object_walk"),
            ("{{ os.popen('id').read() }}", "ssti.code_exec"),
            ("{{ ['id']|filter('system') }}", "ssti.code_exec"),
            ("<%= system('id') %>", "ssti.code_exec"),
            ("<%= `id` %>", "ssti.code_exec"),
            ("<%= IO.popen('id').readlines %>", "ssti.code_exec"),
            ("<%= File.open('/etc/passwd').read %>", "ssti.code_exec"),
            ("#{`cat /etc/passwd`}", "ssti.code_exec"),
            ("${self.module.cache.util.os.system('id')}", "ssti.code_exec"),
            ("{system('id')}", "ssti.code_exec"),
            ("{if phpinfo()}{/if}", "ssti.code_exec"),
            ("<% import os %>${os.popen('id').read()}", "ssti.code_exec"),
            ("{% import os %}", "ssti.directive"),
            ("{%import os%}{{os.popen('id').read()}}", "ssti.directive"),
            ("{% include '/etc/passwd' %}", "ssti.directive"),
            ("{% debug %}", "ssti.directive"),
            ("{php}echo `id`;{/php}", "ssti.directive"),
            ("<#assign ex=\"freemarker.template.utility.Execute\"?new()>${ex(\"id\")}", "ssti.directive"),
            ("#set($x = $class.inspect(\"java.lang.Runtime\"))", "ssti.directive"),
            ("${{<%[%'\"}}%\\.", "ssti.directive"),
            ("<#assign loader=article.class.protectionDomain.classLoader>", "ssti.directive"),
            ("T(java.lang.Runtime).getRuntime().exec('id')", "ssti.object_walk"),
            ("''.__class__.__mro__[1].__subclasses__()", "ssti.object_walk"),
            ("$class.inspect(\"java.lang.Runtime\").type.getRuntime().exec(\"id\")", "ssti.object_walk"),
        ]);
    }

    #[test]
    fn placeholders_and_ordinary_templates_pass() {
        expect_clean(&[
            "Hello {{name}}",
            "{{ user.first_name }}",
            "{{ user.name | upper }}",
            "{{ items|length }} items",
            "{{ created_at | date(\"Y-m-d\") }}",
            "{{ 'now' | date: \"%Y\" }}",
            "{{ product.price | times: 1.2 }}",
            "{{ price * quantity }}",
            "{{ loop.index0 + 1 }}",
            "{% if user %}Hi {{ user.name }}{% endif %}",
            "{% for item in cart.items %}{{ item.sku }}{% endfor %}",
            "{% include 'header.html' %}",
            "{% load static %}",
            "{% set ns = namespace(found=false) %}",
            "{{ url_for('static', filename='app.css') }}",
            "{{ __('Welcome back') }}",
            "{{> partial}} {{{body}}} {{#each items}}{{this}}{{/each}}",
            "${HOME}/bin",
            "${var}",
            "Total: ${price}",
            "Costs $${price}",
            "echo ${1:-default} ${#arr[@]} ${var//a/b}",
            "#{id}",
            "puts \"#{name} is #{age} years old\"",
            "\"Total: #{price * qty}\"",
            "const url = `${base}/users/${id}`;",
            "`${items.length * 2} items`",
            "`${formatDate(d)}`",
            "console.log(`${process.env.API_URL}/health`)",
            "<%= user.name %>",
            "<%= @post.title %>",
            "<%= link_to 'Home', root_path %>",
            "*{firstName}",
            "@(Model.Name)",
            "[[${user.name}]]",
            "@{/order/details(id=${orderId})}",
            "{\"$schema\": \"https://json-schema.org/draft/2020-12/schema\", \"a\": {\"b\": 1}}",
            "function f() { return a * 2; }",
            "2*(3+4)",
            "{2024-01-05}",
            "{{ 2024-01-05 }}",
            "The {{ and }} delimiters are Jinja syntax",
            "class Foo:\n    def __init__(self):\n        pass",
            "Use obj.__class__.__name__ to get the type name",
            "Class.forName(\"com.mysql.cj.jdbc.Driver\")",
            "Runtime.getRuntime().availableProcessors()",
            "price: ${19.99}",
            "Hello {name}, your order {order_id} shipped",
            "{} {} {}",
            "#{1}",
            "SELECT * FROM t WHERE a = '{x}'",
            "%{name} logged in",
            "ana@example.com",
            "{{ csrf_field() }} {{ asset('css/app.css') }} {{ route('home') }}",
            "_Emphasis_ and __bold__ in markdown",
            "{{ user.settings.theme }}",
            "<% if (user) { %><p><%= user.name %></p><% } %>",
            "T(java.lang.Math)",
            "{{ .Values.image.tag }} {{ include \"chart.labels\" . | indent 4 }}",
            "\"#{items.map(&:name).join(', ')}\"",
            "`${new Date().toISOString()}` `${JSON.stringify(data)}`",
            "let s = `${obj.constructor.name}`;",
            "f\"{name!r} is {age * 2}\"",
            "{{ site.title }} - {{ page.title }} {{ config_value }} {{ self_link }}",
        ]);
    }

    #[test]
    fn adversarial_shapes_stay_linear() {
        for value in [
            "{".repeat(100_000),
            "{{a}}".repeat(20_000),
            "{a}".repeat(30_000),
            "${".repeat(50_000) + &"}".repeat(50_000),
            "<%".repeat(50_000),
            "<%%>".repeat(25_000),
            "@(".repeat(50_000) + &")".repeat(50_000),
            "<#assign ".repeat(20_000),
        ] {
            let _ = detect(&value);
        }
    }

    proptest! {
        #[test]
        fn never_panics_and_spans_stay_inside(value in ".{0,300}") {
            if let Some(found) = detect(&value) {
                prop_assert!(value.get(found.span.clone()).is_some());
            }
        }

        #[test]
        fn template_like_inputs_never_panic(value in r"([{}%$#*@()<>|'._ ]|7|__|class|config|self|<%|%>|\{\{|\}\}|é){0,60}") {
            if let Some(found) = detect(&value) {
                prop_assert!(value.get(found.span.clone()).is_some());
            }
        }
    }
}
