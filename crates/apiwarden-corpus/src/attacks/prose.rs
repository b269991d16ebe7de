//! Legitimate values that look suspicious to naive rules: prose with SQL words and
//! apostrophes, rich-text HTML, markdown, code snippets, file paths, URLs, search
//! operators, formulas, template placeholders, emoticons.
//!
//! Written for this corpus. Names and words come from [`crate::words`]; everything here is
//! what real users, editors and clients put in API fields, and none of it is an attack.

use rand::Rng;
use rand::rngs::StdRng;

use super::request::{capitalize, person};
use crate::values::{b62, email, hex, pick, uuid};
use crate::words::{ADJECTIVES, CITIES, FIRST_NAMES, LOREM, NOUNS, TAGS, TECH_WORDS, TOPICS};

/// Sentences with SQL keywords, apostrophes, quotes and double dashes in ordinary use.
const SENTENCES: &[&str] = &[
    "Please select the best option from the list and we'll update the table by Friday.",
    "Drop me a line; I'll update the table or union rep.",
    "Can we union the two mailing lists, or should we drop the older one?",
    "Where do I update my billing address? The old one is from before the move.",
    "I'd like to delete my account and everything stored under it.",
    "Select all that apply: shipping, returns or exchanges.",
    "It's O'Brien's order -- the one with the blue mugs.",
    "We're dropping support for the old app next month -- please update before then.",
    "The union meeting is in room 4 at 10:00, or dial in from home.",
    "Order by Friday and we'll ship on Monday.",
    "Insert the SIM card, then select 'Network' from the settings menu.",
    "Having trouble? Drop the cache, reload, and try the update again.",
    "The '90s called and they want their font back :-)",
    "Group the results by colour, then sort by size; see the table below.",
    "Between you and me, the union of both lists is what we need.",
    "Rock 'n' roll playlist for the office -- any requests?",
    "Is it 'color' or 'colour' in the UK store?",
    "She said \"select the red one, or the blue one if it's sold out\".",
    "Table for two at D'Angelo's at 7pm -- or is 8 better?",
    "Exec summary: sales are up, returns are down, and the new select menu works.",
    "Update: the parcel left Porto; tracking should refresh by tonight.",
    "Where and when is the drop-off? I can't find it in the email.",
    "You can't join the table and the chairs in one order, sorry.",
    "Values from 1 to 10 only, or the form won't save.",
    "Don't drop the ball on this one -- the client's waiting.",
    "I ordered the grey one and got the navy one; can you exchange it or refund me?",
    "Deleted the old draft by mistake -- is there a trash folder?",
    "Select, copy and paste the code from the email into the app.",
    "Our union of freelancers meets monthly; all are welcome.",
    "Who's on call this weekend, Ana or Ben?",
    "We'll truncate the report to the last 30 days and update it weekly.",
    "My name is D'Souza, not Dsouza -- could you update it on the invoice?",
    "What's the difference between the 'Select' and 'Select Plus' plans?",
    "Please don't execute the order until I've confirmed the address.",
    "It's a 2-for-1 deal: buy one, get one -- or so the sign said.",
    "Nice work y'all!! Shipping it now 🎉",
    "And/or: choose either option, or both, at checkout.",
    "Having (some) trouble with the sign-in page; it says 'invalid token'.",
    "The café on Rua D'Ouro does a great pastel de nata :)",
    "If the total is > $50 you get free shipping; under that it's $4.99.",
    "Sorry for the delay -- we had a power cut and the server room's UPS failed.",
    "Can you check whether 'Admin' or 'Owner' is the right role for Nadia?",
    "Note: the old URL still works, but please update your bookmarks.",
    "Is there a way to sort by date and then by name (A to Z)?",
    "We had 3 orders from the same address; one is a duplicate -- please cancel #4411.",
];

/// Short chat lines: emoticons, arrows, comparisons, reactions.
const CHAT_LINES: &[&str] = &[
    "<3 thanks!",
    "lol :-)",
    "ok ;)",
    "yes!!! <3 <3",
    "x < 10 and y > 3, so it fits",
    "a -> b -> c, then back to a",
    "2*(3+4) = 14, not 10",
    "50% off?! where?",
    ":-( the build broke again",
    "^^ this",
    "+1",
    "¯\\_(ツ)_/¯",
    "=> see above",
    "price <= $20 please",
    "<-- that one",
    "ETA: ~2h",
    "cc @ben @carla",
    "TIL `git add -p` exists",
    "is 5 > 3? yes. is 3 > 5? no :P",
    "brb, coffee :D",
    ">_< forgot the attachment",
    "o/ morning all",
    "#general is quiet today",
    "will do -- after lunch",
    "that's a 10/10 from me",
    "1 < 2 < 3, QED",
    "<https://docs.example.com/runbook|runbook> is updated",
    "<@U024BE7LH> can you take a look?",
    "heads-up: deploy at 14:00 UTC (no downtime expected)",
    "ship it! :shipit:",
];

/// Code snippets people paste into issues and chat, by language.
const SNIPPETS: &[(&str, &str)] = &[
    (
        "sql",
        "SELECT o.id, o.total, c.name\nFROM orders o\nJOIN customers c ON c.id = o.customer_id\nWHERE o.created_at > now() - interval '7 days'\nORDER BY o.total DESC\nLIMIT 20;",
    ),
    (
        "sql",
        "-- migration 0042: drop the legacy table once the backfill is done\nDROP TABLE IF EXISTS legacy_sessions;\nALTER TABLE users ADD COLUMN last_seen_at timestamptz;",
    ),
    (
        "sql",
        "UPDATE accounts SET status = 'active'\nWHERE id IN (SELECT account_id FROM invoices WHERE paid = true);",
    ),
    (
        "sql",
        "SELECT count(*) FILTER (WHERE status = 'failed') AS failed, count(*) AS total\nFROM deliveries\nGROUP BY date_trunc('day', created_at);",
    ),
    ("sql", "CREATE INDEX CONCURRENTLY idx_orders_customer ON orders (customer_id, created_at DESC);"),
    (
        "shell",
        "$ curl -s https://api.example.com/v1/status | jq '.components[] | select(.status != \"operational\")'",
    ),
    ("shell", "rm -rf node_modules && npm ci\nnpm run build -- --mode production"),
    ("shell", "grep -rn \"TODO\" src/ | wc -l"),
    ("shell", "docker run --rm -p 8080:8080 -e DATABASE_URL=postgres://app@db:5432/app acme/api:1.4.2"),
    ("shell", "find . -name '*.log' -mtime +7 -delete"),
    ("shell", "export PATH=\"$HOME/.cargo/bin:$PATH\"\ncargo build --release 2>&1 | tee build.log"),
    ("shell", "kubectl get pods -n staging | grep -v Running"),
    ("shell", "git log --oneline main..feature/select-menu && git rebase -i HEAD~3"),
    (
        "js",
        "const total = items.reduce((sum, item) => sum + item.price * item.qty, 0);\nif (total > 100 && !user.isGuest) {\n  applyDiscount(cart);\n}",
    ),
    ("js", "document.querySelector('#save').addEventListener('click', () => save(form));"),
    ("js", "const res = await fetch(`/api/orders/${id}?expand=items`);\nconst { data } = await res.json();"),
    (
        "js",
        "export default {\n  name: 'SelectMenu',\n  props: { options: Array, value: [String, Number] },\n};",
    ),
    (
        "python",
        "def top_customers(rows, n=10):\n    return sorted(rows, key=lambda r: r[\"total\"], reverse=True)[:n]",
    ),
    (
        "python",
        "with open(\"data/report.csv\", newline=\"\") as f:\n    for row in csv.DictReader(f):\n        print(row[\"name\"], row[\"amount\"])",
    ),
    ("python", "path = os.path.join(base_dir, \"templates\", \"email\", name + \".html\")"),
    ("python", "df.groupby(\"region\")[\"sales\"].sum().sort_values(ascending=False).head(5)"),
    (
        "yaml",
        "name: ci\non: [push, pull_request]\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: cargo test --workspace",
    ),
    (
        "yaml",
        "services:\n  db:\n    image: postgres:16\n    environment:\n      POSTGRES_PASSWORD: example\n    ports:\n      - \"5432:5432\"",
    ),
    (
        "text",
        "Traceback (most recent call last):\n  File \"/app/orders/views.py\", line 88, in update_order\n    order.save(update_fields=[\"status\"])\ndjango.db.utils.IntegrityError: duplicate key value violates unique constraint \"orders_pkey\"\nDETAIL:  Key (id)=(4411) already exists.",
    ),
    (
        "text",
        "java.lang.NullPointerException: Cannot invoke \"String.length()\" because \"name\" is null\n    at com.acme.shop.CartService.add(CartService.java:57)\n    at com.acme.shop.CartController.post(CartController.java:31)",
    ),
    (
        "text",
        "TypeError: Cannot read properties of undefined (reading 'map')\n    at OrderList (webpack:///./src/components/OrderList.jsx?:42:18)",
    ),
    (
        "rust",
        "let total: u64 = items.iter().map(|i| i.price * u64::from(i.qty)).sum();\nif total > 10_000 { return Err(Error::TooLarge); }",
    ),
    (
        "go",
        "if err := db.QueryRowContext(ctx, \"SELECT name FROM users WHERE id = $1\", id).Scan(&name); err != nil {\n\treturn err\n}",
    ),
];

/// Relative, absolute and Windows file paths as they appear in file and code APIs.
const PATHS: &[&str] = &[
    "docs/guide/intro.md",
    "../images/logo.png",
    "./assets/img/hero@2x.png",
    "src/db/migrations/0042_drop_legacy_sessions.sql",
    "src/components/SelectMenu.vue",
    "reports/2025/Q1 (final).xlsx",
    "~/Downloads/invoice-INV-2025-000123.pdf",
    "scripts/backup.sh",
    ".github/workflows/ci.yml",
    "templates/email/order_shipped.html",
    "/home/ana/projects/api/.env.example",
    "Documents/Taxes/2024/W-2 (copy).pdf",
    "photos/2025-03-01 Lisbon/IMG_0042.HEIC",
    "design/Logo – final v3.ai",
    "notes/meeting notes; march.txt",
];

const WINDOWS_PATHS: &[&str] = &[
    r"C:\Users\ana\report.pdf",
    r"C:\Users\ben\Documents\Budget 2025.xlsx",
    r"D:\Projects\shop\README.md",
    r"\\fileserver\shared\Finance\Q1 forecast.xlsx",
    r"C:\Program Files\Acme\config.ini",
    r"E:\Photos\2024\Porto trip\IMG_1201.JPG",
];

/// Search queries with operators, as search boxes and power users write them.
const SEARCHES: &[&str] = &[
    "title:foo AND (bar OR baz) -qux",
    "\"exact phrase\" OR keyword",
    "price>10",
    "price:[10 TO 50] AND color:blue",
    "a|b",
    "conf*",
    "NOT draft",
    "author:o'brien",
    "tag:c++ OR tag:c#",
    "status:open -label:wontfix",
    "created:>2025-01-01 sort:updated-desc",
    "select menu not working",
    "union station parking",
    "drop shipping AND (europe OR uk)",
    "how to update billing address",
    "\"O'Brien\" AND invoice",
    "size:<1MB type:pdf",
    "error 500 -\"health check\"",
    "rock 'n' roll",
    "where to buy d'angelo's sauce",
    "lang:sql \"DROP TABLE\" path:migrations",
    "is:pr is:merged review:approved",
    "(red OR blue) AND NOT (kids | baby)",
    "~fuzzy roam~2",
    "from:@ana in:#general \"deploy failed\" after:2025-02-01",
];

/// Mail and page templates with placeholders, loops and conditions.
const TEMPLATES: &[&str] = &[
    "Hello {{first_name}},",
    "Hi {{ name }}, your code is {{code}}.",
    "Your order {{order.number}} ships on {{ship_date | date: \"%b %d\"}}.",
    "{{#each items}}<li>{{name}} × {{qty}}</li>{{/each}}",
    "{% if customer.vip %}Enjoy free shipping!{% endif %}",
    "{% for item in cart.items %}{{ item.title }} - {{ item.price | money }}\n{% endfor %}",
    "Dear {{customer.last_name}}, we've updated your plan to {{plan}}.",
    "Hello ${first_name}, your invoice ${invoice_id} is ready.",
    "<p>Hi {{first_name}},</p><p>Your password was changed on {{changed_at}}. If this wasn't you, <a href=\"{{reset_url}}\">reset it</a>.</p>",
    "{{> header}}<h1>{{title}}</h1>{{> footer}}",
    "Reminder: {{event.name}} starts at {{event.starts_at | time}} ({{event.timezone}}).",
];

const FORMULAS: &[&str] = &[
    "=SUM(A1:A3)",
    "=IF(B2>100,\"high\",\"low\")",
    "=VLOOKUP(A2,Prices!A:B,2,FALSE)",
    "2*(3+4)",
    "(a+b)^2 = a^2 + 2ab + b^2",
    "x <= 10 && y >= 2",
    "10 % 3 == 1",
    "sqrt(16) = 4",
    "1/3 ≈ 0.333",
    "=AVERAGE(C2:C40)*1.2",
    "E = mc^2",
    "-5 < x < 5",
];

const PUBLIC_URLS: &[&str] = &[
    "https://docs.example.com/guide/getting-started?tab=api#auth",
    "https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=42s",
    "https://github.com/acme/api/pull/123/files#diff-4f1c",
    "https://en.wikipedia.org/wiki/Select_(SQL)",
    "https://www.google.com/search?q=union+station+opening+hours",
    "https://cdn.example.com/img/avatars/ana.png?w=128&h=128&fit=crop",
    "https://maps.example.com/@38.7223,-9.1393,15z",
    "https://shop.example.test/products/TSH-0042-BLU?utm_source=newsletter&utm_campaign=spring",
    "https://blog.example.org/2025/03/how-to-drop-a-table-leg-without-losing-it/",
    "https://status.example.com/incidents/8f2k3",
];

pub(crate) fn sentence(rng: &mut StdRng) -> String {
    pick(rng, SENTENCES).to_string()
}

pub(crate) fn chat_line(rng: &mut StdRng) -> String {
    pick(rng, CHAT_LINES).to_string()
}

pub(crate) fn snippet(rng: &mut StdRng) -> (&'static str, &'static str) {
    pick(rng, SNIPPETS)
}

pub(crate) fn search(rng: &mut StdRng) -> String {
    pick(rng, SEARCHES).to_string()
}

pub(crate) fn template(rng: &mut StdRng) -> String {
    pick(rng, TEMPLATES).to_string()
}

pub(crate) fn formula(rng: &mut StdRng) -> String {
    pick(rng, FORMULAS).to_string()
}

pub(crate) fn public_url(rng: &mut StdRng) -> String {
    pick(rng, PUBLIC_URLS).to_string()
}

pub(crate) fn file_path(rng: &mut StdRng) -> String {
    if rng.random_bool(0.25) { pick(rng, WINDOWS_PATHS).to_string() } else { pick(rng, PATHS).to_string() }
}

/// A few ordinary words, for titles and short fields.
pub(crate) fn words(rng: &mut StdRng, n: usize) -> String {
    (0..n).map(|_| pick(rng, LOREM)).collect::<Vec<_>>().join(" ")
}

/// A title: a topic or one of the SQL-word sentences, shortened.
pub(crate) fn title(rng: &mut StdRng) -> String {
    match rng.random_range(0..5u32) {
        0 => format!("Can't update my {} -- select menu is stuck", pick(rng, TOPICS)),
        1 => format!("{} {} for {}", capitalize(pick(rng, ADJECTIVES)), pick(rng, NOUNS), pick(rng, TAGS)),
        2 => format!("Union of {} and {} lists", pick(rng, TAGS), pick(rng, TAGS)),
        3 => format!(
            "{}'s {} -- drop-off or delivery?",
            pick(rng, &["O'Brien", "D'Angelo", "Rossi", "Chen"]),
            pick(rng, TOPICS)
        ),
        _ => format!("Where to {} your {}", pick(rng, crate::words::VERBS), pick(rng, TOPICS)),
    }
}

/// A multi-line message: greeting, two or three sentences, maybe a note, a signature.
pub(crate) fn message(rng: &mut StdRng) -> String {
    let to = capitalize(pick(rng, FIRST_NAMES));
    let from = person(rng);
    let mut text =
        format!("{},\n\n{} {}", pick(rng, &["Hi", "Hello", "Dear", "Hey"]), sentence(rng), sentence(rng));
    text = text.replacen(',', &format!(" {to},"), 1);
    if rng.random_bool(0.5) {
        text.push_str(&format!("\n\nNote: {}", sentence(rng)));
    }
    if rng.random_bool(0.3) {
        text.push_str(&format!(
            "\n\n> On Mon, 3 Mar 2025 at 09:12, {} <{}> wrote:\n> {}",
            person(rng),
            email(rng),
            sentence(rng)
        ));
    }
    text.push_str(&format!(
        "\n\n{}\n{from}",
        pick(rng, &["Thanks,", "Best,", "Cheers,", "Kind regards,", "--"])
    ));
    text
}

/// Rich text as WYSIWYG editors save it.
pub(crate) fn rich_html(rng: &mut StdRng) -> String {
    let mut html = String::new();
    let blocks = rng.random_range(2..5u32);
    for _ in 0..blocks {
        match rng.random_range(0..9u32) {
            0 => html.push_str(&format!(
                "<p>{} <strong>{}</strong> {}</p>",
                sentence(rng),
                pick(rng, &["Important:", "Update:", "Heads-up:"]),
                sentence(rng)
            )),
            1 => html.push_str(&format!(
                "<p>See <a href=\"{}\" target=\"_blank\" rel=\"noopener noreferrer\">the guide</a> or <a href=\"mailto:{}\">email us</a>.</p>",
                public_url(rng),
                email(rng)
            )),
            2 => html.push_str(&format!(
                "<p><img src=\"https://cdn.example.com/uploads/2025/03/{}-{}.png\" alt=\"{}\" width=\"640\" height=\"360\"></p>",
                pick(rng, TOPICS),
                hex(rng, 6),
                pick(rng, &["", "Diagram of the new select menu", "O'Brien's desk setup", "Before & after"])
            )),
            3 => html.push_str(&format!(
                "<ul><li>{}</li><li>{}</li><li><em>{}</em></li></ul>",
                sentence(rng),
                chat_line(rng).replace('<', "&lt;").replace('>', "&gt;"),
                sentence(rng)
            )),
            4 => html.push_str(&format!(
                "<table><thead><tr><th>Item</th><th>Qty</th><th>Price</th></tr></thead><tbody><tr><td>{}</td><td>{}</td><td>${}.{:02}</td></tr></tbody></table>",
                pick(rng, NOUNS),
                rng.random_range(1..5u32),
                rng.random_range(2..90u32),
                rng.random_range(0..100u32)
            )),
            5 => {
                let (lang, code) = snippet(rng);
                html.push_str(&format!(
                    "<pre><code class=\"language-{lang}\">{}</code></pre>",
                    code.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
                ));
            }
            6 => html.push_str(&format!("<blockquote><p>{}</p></blockquote>", sentence(rng))),
            7 => html.push_str(&format!(
                "<h2>{}</h2><p><span style=\"color: #c0392b;\">{}</span><br>{}</p>",
                title(rng),
                sentence(rng),
                sentence(rng)
            )),
            _ => html.push_str(&format!(
                "<ol><li><p>{}</p></li><li><p>Use <code>{}</code> then <code>{}</code>.</p></li></ol>",
                sentence(rng),
                pick(rng, &["git pull", "npm ci", "SELECT 1", "Ctrl+Shift+R"]),
                pick(rng, &["git push", "npm test", "VACUUM", "Cmd+S"])
            )),
        }
    }
    html
}

/// Markdown as issue trackers and CMS editors store it, usually with a code block.
pub(crate) fn markdown(rng: &mut StdRng) -> String {
    let (lang, code) = snippet(rng);
    let mut text = format!("## {}\n\n{} {}\n\n", title(rng), sentence(rng), sentence(rng));
    if rng.random_bool(0.6) {
        text.push_str(&format!(
            "Steps to reproduce:\n\n1. {}\n2. Run `{}`\n3. {}\n\n",
            sentence(rng),
            pick(rng, &["npm test", "make check", "cargo test -- --nocapture"]),
            sentence(rng)
        ));
    }
    text.push_str(&format!("```{lang}\n{code}\n```\n"));
    if rng.random_bool(0.4) {
        text.push_str(&format!(
            "\n![screenshot]({}) -- see also [the docs]({}).\n",
            pick(
                rng,
                &["../images/logo.png", "https://cdn.example.com/shots/err-500.png", "./assets/diagram.svg"]
            ),
            public_url(rng)
        ));
    }
    if rng.random_bool(0.3) {
        text.push_str(&format!("\n| field | before | after |\n|---|---|---|\n| status | `draft` | **published** |\n| owner | {} | {} |\n", person(rng), person(rng)));
    }
    if rng.random_bool(0.3) {
        text.push_str(&format!(
            "\n> {}\n\ncc @{} -- {}",
            sentence(rng),
            pick(rng, FIRST_NAMES),
            chat_line(rng)
        ));
    }
    text
}

/// A chat message: short lines, sometimes a code block or a formula.
pub(crate) fn chat_message(rng: &mut StdRng) -> String {
    match rng.random_range(0..6u32) {
        0 => chat_line(rng),
        1 => format!("{} {}", sentence(rng), chat_line(rng)),
        2 => {
            let (lang, code) = snippet(rng);
            format!("try this:\n```{lang}\n{code}\n```")
        }
        3 => format!("{}\n{}", chat_line(rng), sentence(rng)),
        4 => format!("the formula is {} -- {}", formula(rng), chat_line(rng)),
        _ => format!("{} -> {}", public_url(rng), chat_line(rng)),
    }
}

pub(crate) fn phone(rng: &mut StdRng) -> String {
    match rng.random_range(0..5u32) {
        0 => format!("+1 (555) 01{}-{:04}", rng.random_range(0..10u32), rng.random_range(0..10_000u32)),
        1 => format!(
            "+351 91{} {:03} {:03}",
            rng.random_range(0..10u32),
            rng.random_range(0..1000u32),
            rng.random_range(0..1000u32)
        ),
        2 => format!("+44 20 7946 {:04}", rng.random_range(0..10_000u32)),
        3 => format!(
            "(555) {:03}-{:04} ext. {}",
            rng.random_range(100..1000u32),
            rng.random_range(0..10_000u32),
            rng.random_range(1..99u32)
        ),
        _ => format!("+49 30 {}", rng.random_range(100_000..999_999u32)),
    }
}

pub(crate) fn ip(rng: &mut StdRng) -> String {
    match rng.random_range(0..8u32) {
        0 => format!("10.0.{}.{}", rng.random_range(0..16u32), rng.random_range(2..250u32)),
        1 => format!("192.168.{}.{}", rng.random_range(0..3u32), rng.random_range(2..250u32)),
        2 => format!("172.16.{}.{}", rng.random_range(0..32u32), rng.random_range(2..250u32)),
        3 => format!("203.0.113.{}", rng.random_range(1..255u32)),
        4 => format!("198.51.100.{}", rng.random_range(1..255u32)),
        5 => format!("2001:db8::{:x}", rng.random_range(1..0xffffu32)),
        6 => "127.0.0.1".to_string(),
        _ => "::1".to_string(),
    }
}

/// A strong generated password (no quotes: those would make half of them look like
/// injections without any real password manager needing them).
pub(crate) fn password(rng: &mut StdRng) -> String {
    const CHARS: &[u8] = b"abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789!@#$%^&*-_=+?.~";
    if rng.random_bool(0.2) {
        return format!(
            "{}-{}-{}-{}",
            pick(rng, NOUNS),
            pick(rng, ADJECTIVES),
            pick(rng, NOUNS),
            rng.random_range(10..99u32)
        );
    }
    let len = rng.random_range(12..22usize);
    crate::values::chars_from(rng, CHARS, len)
}

pub(crate) fn price(rng: &mut StdRng) -> String {
    let (major, minor) = (rng.random_range(1..300u32), rng.random_range(0..100u32));
    match rng.random_range(0..5u32) {
        0 => format!("${major}.{minor:02}"),
        1 => format!("€{major},{minor:02}"),
        2 => format!("£{major}.{minor:02}"),
        3 => format!("From ${major}.99/mo"),
        _ => format!("$1,{major:03}.00"),
    }
}

pub(crate) fn address(rng: &mut StdRng) -> String {
    match rng.random_range(0..5u32) {
        0 => format!("{} O'Connell St, Apt #{}", rng.random_range(1..200u32), rng.random_range(1..40u32)),
        1 => format!("Rua D'Ouro {}, 2º Esq.", rng.random_range(1..200u32)),
        2 => format!("Flat 3/{}, {} Union St", rng.random_range(1..9u32), rng.random_range(1..300u32)),
        3 => format!("PO Box {}", rng.random_range(100..9999u32)),
        _ => format!("{} {}", rng.random_range(1..500u32), pick(rng, crate::words::STREETS)),
    }
}

pub(crate) fn city(rng: &mut StdRng) -> String {
    pick(rng, CITIES).to_string()
}

/// A webhook or callback URL on a public host.
pub(crate) fn webhook_url(rng: &mut StdRng) -> String {
    match rng.random_range(0..5u32) {
        0 => format!(
            "https://hooks.slack.com/services/T{}/B{}/{}",
            b62(rng, 8).to_uppercase(),
            b62(rng, 8).to_uppercase(),
            b62(rng, 24)
        ),
        1 => format!(
            "https://api.{}.example.com/webhooks/{}",
            pick(rng, crate::words::COMPANY_WORDS),
            uuid(rng)
        ),
        2 => format!("https://example.com/callback?state={}&code={}", b62(rng, 16), b62(rng, 20)),
        3 => format!(
            "https://discord.com/api/webhooks/{}/{}",
            rng.random_range(100_000_000_000u64..999_999_999_999),
            crate::values::b64url(rng, 48)
        ),
        _ => format!("https://ci.example.org/generic-webhook-trigger/invoke?token={}", hex(rng, 32)),
    }
}

/// A base64 blob (file content, an encrypted field).
pub(crate) fn base64_blob(rng: &mut StdRng) -> String {
    use base64::Engine as _;
    let mut bytes = vec![0u8; rng.random_range(12..96usize)];
    rng.fill(bytes.as_mut_slice());
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// A word that is a technical term, for tags and names.
pub(crate) fn tech(rng: &mut StdRng) -> &'static str {
    pick(rng, TECH_WORDS)
}
