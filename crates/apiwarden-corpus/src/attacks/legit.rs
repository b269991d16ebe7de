//! Legitimate traffic of a dozen kinds of API, with the values that trip naive rules.
//!
//! Each scenario is one realistic call (an editor saving an article, an agent replying to
//! a ticket, a developer opening an issue with a stack trace, a map client geocoding
//! "O'Brien's Pub", an admin filtering the audit log by IP...). The scenarios together
//! cover every placement the attacks use: path segments and whole raw paths, queries,
//! headers, cookies, JSON, forms, multipart and XML/SOAP bodies.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{Value, json};

use super::LabelledCall;
use super::evasion::{xml_attribute, xml_text};
use super::prose::{
    address, base64_blob, chat_line, chat_message, city, file_path, formula, ip, markdown, message, password,
    phone, price, public_url, rich_html, search, sentence, snippet, tech, template, title, webhook_url,
    words,
};
use super::request::hosts::{
    ANALYTICS, CHAT, CMS, CODE, FILES, HOOKS, ID, MAIL, MAPS, SEARCH, SHOP, SUPPORT,
};
use super::request::{self, Kind, Multipart, Req, component, form_pairs, jwt, person};
use crate::values::{
    EPOCH_MS, article_slug, b62, b64url, date, email, hex, org_slug, pick, repo_slug, rfc3339, sku, username,
    uuid,
};
use crate::words::{COUPON_WORDS, FIRST_NAMES, TAGS, TOPICS, USER_AGENTS_BROWSER};

pub(crate) fn legit_calls(seed: u64, n: usize) -> Vec<LabelledCall> {
    let mut rng = StdRng::seed_from_u64(seed ^ 0x1e61_7c0d_e5ee_d5ed);
    (0..n)
        .map(|i| {
            // Round robin over the scenarios keeps every kind of call present even for a
            // small `n`; the values inside are random.
            let scenario = SCENARIOS.get(i % SCENARIOS.len()).copied().unwrap_or(search_get);
            let req = scenario(&mut rng);
            let req = request::with_client_headers(&mut rng, req);
            let call = request::finish(req, Kind::Legit, i as u64, &mut rng);
            LabelledCall { call, attack: None }
        })
        .collect()
}

type Scenario = fn(&mut StdRng) -> Req;

const SCENARIOS: &[Scenario] = &[
    cms_article_create,
    cms_article_markdown,
    cms_article_search,
    cms_by_slug,
    cms_media_upload,
    cms_comment_form,
    cms_feed_import,
    cms_drafts_with_cookies,
    support_ticket_create,
    support_reply_form,
    support_ticket_search,
    support_attachment,
    support_soap_ticket,
    support_macro,
    code_issue_create,
    code_issue_comment,
    code_contents_path,
    code_search,
    code_commit_file,
    code_markdown_render,
    shop_product_search,
    shop_review,
    shop_checkout,
    shop_cart_form,
    shop_product_path,
    shop_b2b_order_xml,
    shop_search_header,
    chat_post,
    chat_edit_form,
    chat_file_share,
    chat_search,
    search_get,
    search_dsl,
    search_suggest_header,
    files_upload,
    files_get_path,
    files_move,
    files_raw_upload,
    files_share,
    hooks_create,
    hooks_deliveries,
    hooks_incoming_event,
    analytics_batch,
    analytics_pixel,
    analytics_report,
    maps_geocode,
    maps_route,
    maps_tile,
    maps_geofence,
    mail_template_create,
    mail_template_preview,
    mail_send,
    mail_template_form,
    id_audit,
    id_login_form,
    id_user_create,
    id_scim_filter,
    id_directory,
    id_audit_export,
    id_avatar_svg,
    cms_sitemap_xml,
];

/// A form-encoded query string.
fn query(pairs: &[(&str, String)]) -> String {
    let pairs: Vec<(String, String)> = pairs.iter().map(|(k, v)| (k.to_string(), v.clone())).collect();
    form_pairs(&pairs)
}

fn form(pairs: &[(&str, String)]) -> Vec<(String, String)> {
    pairs.iter().map(|(k, v)| (k.to_string(), v.clone())).collect()
}

fn tags(rng: &mut StdRng) -> Vec<&'static str> {
    (0..rng.random_range(1..4usize)).map(|_| pick(rng, TAGS)).collect()
}

fn cms_article_create(rng: &mut StdRng) -> Req {
    let cover = if rng.random_bool(0.5) { "../images/logo.png".to_string() } else { public_url(rng) };
    Req::new("POST", CMS, "/api/v2/articles").json(&json!({
        "title": title(rng),
        "slug": article_slug(rng),
        "body_html": rich_html(rng),
        "excerpt": sentence(rng),
        "tags": tags(rng),
        "author": { "name": person(rng), "email": email(rng) },
        "cover_image": cover,
        "status": pick(rng, &["draft", "published", "scheduled"]),
        "publish_at": rfc3339(EPOCH_MS + rng.random_range(0..800_000_000i64)),
    }))
}

fn cms_article_markdown(rng: &mut StdRng) -> Req {
    Req::new("PATCH", CMS, format!("/api/v2/articles/{}", rng.random_range(100..9000u32))).json(&json!({
        "body_markdown": markdown(rng),
        "revision_note": sentence(rng),
        "meta": { "$schema": "https://cms.example.test/schemas/article-meta.json", "reading_time": format!("{} min", rng.random_range(2..15u32)) },
    }))
}

fn cms_article_search(rng: &mut StdRng) -> Req {
    Req::new("GET", CMS, "/api/v2/articles").query(query(&[
        ("search", search(rng)),
        ("status", "published".into()),
        ("sort", "-updated_at".into()),
        ("page", rng.random_range(1..6u32).to_string()),
    ]))
}

fn cms_by_slug(rng: &mut StdRng) -> Req {
    let segment = match rng.random_range(0..4u32) {
        0 => format!("articles/{}", article_slug(rng)),
        1 => format!(
            "tags/{}",
            component(pick(rng, &["rock 'n' roll", "c++", "q&a", "d'angelo", "50% off", "select-menu"]))
        ),
        2 => format!("authors/{}", component(&person(rng))),
        _ => "articles/how-to-drop-a-table-leg-without-losing-it".to_string(),
    };
    Req::new("GET", CMS, format!("/api/v2/{segment}"))
}

fn cms_media_upload(rng: &mut StdRng) -> Req {
    let filename = if rng.random_bool(0.3) {
        pick(rng, &[r"C:\Users\ana\Pictures\logo final.png", r"D:\Design\hero (v2).png"]).to_string()
    } else {
        format!("{}-{}.png", pick(rng, TOPICS), rng.random_range(1..99u32))
    };
    let (content_type, body) = Multipart::new(rng)
        .text(
            "alt",
            &format!("{} -- {}", title(rng), pick(rng, &["before & after", "O'Brien's desk", "<3 this one"])),
        )
        .text("caption", &sentence(rng))
        .text("folder", "uploads/2025/03")
        .file("file", &filename, "image/png", "\u{89}PNG placeholder")
        .finish();
    Req::new("POST", CMS, "/api/v2/media").body(&content_type, body)
}

fn cms_comment_form(rng: &mut StdRng) -> Req {
    Req::new("POST", CMS, "/api/v2/comments").form(&form(&[
        ("author", person(rng)),
        ("email", email(rng)),
        ("url", public_url(rng)),
        ("comment", message(rng)),
        ("post_id", rng.random_range(100..9000u32).to_string()),
    ]))
}

fn cms_feed_import(rng: &mut StdRng) -> Req {
    let html = rich_html(rng);
    let body = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\" xmlns:content=\"http://purl.org/rss/1.0/modules/content/\">\n  <channel>\n    <title>{}</title>\n    <link>https://blog.example.org/</link>\n    <item>\n      <title>{}</title>\n      <link>{}</link>\n      <description>{}</description>\n      <content:encoded><![CDATA[{}]]></content:encoded>\n      <pubDate>{}</pubDate>\n    </item>\n  </channel>\n</rss>",
        xml_text(&title(rng)),
        xml_text(&title(rng)),
        xml_text(&public_url(rng)),
        xml_text(&format!("<p>{}</p>", sentence(rng))),
        html.replace("]]>", "]] >"),
        crate::values::http_date(EPOCH_MS + rng.random_range(0..86_400_000i64)),
    );
    Req::new("POST", CMS, "/api/v2/import").body("application/rss+xml", body)
}

fn cms_drafts_with_cookies(rng: &mut StdRng) -> Req {
    let mut req = Req::new("GET", CMS, "/api/v2/drafts").query(query(&[("mine", "true".into())]));
    req.set_cookie("last_search", &component(&search(rng)));
    req.set_cookie("display_name", &component(&person(rng)));
    if rng.random_bool(0.5) {
        req.set_cookie("prefs", &component(r#"j:{"theme":"dark","editor":"markdown","sidebar":false}"#));
    }
    req
}

fn support_ticket_create(rng: &mut StdRng) -> Req {
    Req::new("POST", SUPPORT, "/api/tickets").json(&json!({
        "subject": title(rng),
        "description": message(rng),
        "requester": { "name": person(rng), "email": email(rng), "phone": phone(rng) },
        "priority": pick(rng, &["low", "normal", "high", "urgent"]),
        "tags": tags(rng),
        "custom_fields": { "order_ref": format!("#{}", rng.random_range(1000..9999u32)), "browser": pick(rng, USER_AGENTS_BROWSER), "amount": price(rng) },
    }))
}

fn support_reply_form(rng: &mut StdRng) -> Req {
    Req::new("POST", SUPPORT, format!("/api/tickets/{}/replies", rng.random_range(1000..99_999u32))).form(
        &form(&[
            ("body", message(rng)),
            ("status", pick(rng, &["pending", "solved", "open"]).into()),
            ("cc", format!("{}, {}", email(rng), email(rng))),
        ]),
    )
}

fn support_ticket_search(rng: &mut StdRng) -> Req {
    let q = match rng.random_range(0..3u32) {
        0 => format!("status:open AND priority:high -tag:{}", pick(rng, TAGS)),
        1 => format!("requester:\"{}\" OR subject:\"{}\"", person(rng), words(rng, 2)),
        _ => search(rng),
    };
    Req::new("GET", SUPPORT, "/api/tickets").query(query(&[("query", q), ("per_page", "50".into())]))
}

fn support_attachment(rng: &mut StdRng) -> Req {
    let (_, trace) = snippet(rng);
    let name = if rng.random_bool(0.4) {
        r"C:\Users\ana\Desktop\error log.txt".to_string()
    } else {
        "error.log".to_string()
    };
    let (content_type, body) = Multipart::new(rng)
        .text("comment", &sentence(rng))
        .text("path", &file_path(rng))
        .file(
            "attachment",
            &name,
            "text/plain",
            &format!("2025-03-03T10:14:02Z ERROR request failed\n{trace}\n"),
        )
        .finish();
    Req::new("POST", SUPPORT, format!("/api/tickets/{}/attachments", rng.random_range(1000..99_999u32)))
        .body(&content_type, body)
}

fn support_soap_ticket(rng: &mut StdRng) -> Req {
    let body = format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\">\n  <soap:Body>\n    <CreateTicket xmlns=\"urn:example:support\">\n      <Subject>{}</Subject>\n      <Body>{}</Body>\n      <Requester name=\"{}\" email=\"{}\"/>\n    </CreateTicket>\n  </soap:Body>\n</soap:Envelope>",
        xml_text(&title(rng)),
        xml_text(&message(rng)),
        xml_attribute(&person(rng)),
        xml_attribute(&email(rng)),
    );
    Req::new("POST", SUPPORT, "/soap/TicketService")
        .body("text/xml; charset=utf-8", body)
        .header("soapaction", "\"urn:example:support#CreateTicket\"")
}

fn support_macro(rng: &mut StdRng) -> Req {
    Req::new("POST", SUPPORT, "/api/macros").json(&json!({
        "name": title(rng),
        "text": format!("{}\n\n{}\n\n{}", template(rng), sentence(rng), template(rng)),
        "actions": [{ "field": "status", "value": "pending" }],
    }))
}

fn repo(rng: &mut StdRng) -> String {
    format!("/api/v3/repos/{}/{}", component(&org_slug(rng)), component(&repo_slug(rng)))
}

fn code_issue_create(rng: &mut StdRng) -> Req {
    let path = format!("{}/issues", repo(rng));
    Req::new("POST", CODE, path).json(&json!({
        "title": title(rng),
        "body": markdown(rng),
        "labels": [pick(rng, &["bug", "question", "good first issue"]), tech(rng)],
    }))
}

fn code_issue_comment(rng: &mut StdRng) -> Req {
    let path = format!("{}/issues/{}/comments", repo(rng), rng.random_range(1..4000u32));
    let body = if rng.random_bool(0.5) { markdown(rng) } else { chat_message(rng) };
    Req::new("POST", CODE, path).json(&json!({ "body": body }))
}

/// A path inside a repository, every segment encoded.
fn repo_file(rng: &mut StdRng) -> String {
    let path = pick(
        rng,
        &[
            "docs/guide/intro.md",
            "src/db/migrations/0042_drop_legacy_sessions.sql",
            ".github/workflows/ci.yml",
            "src/components/SelectMenu.vue",
            "scripts/union-members-export.py",
            "docs/faq/where-do-i-update-billing.md",
            "assets/img/hero@2x.png",
            "examples/hello world.rs",
            "test/fixtures/o'brien.json",
        ],
    );
    path.split('/').map(component).collect::<Vec<_>>().join("/")
}

fn code_contents_path(rng: &mut StdRng) -> Req {
    let path = format!("{}/contents/{}", repo(rng), repo_file(rng));
    Req::new("GET", CODE, path)
        .query(query(&[("ref", pick(rng, &["main", "develop", "release-1.4"]).into())]))
}

fn code_search(rng: &mut StdRng) -> Req {
    let q = match rng.random_range(0..4u32) {
        0 => "lang:sql \"DROP TABLE\" path:migrations".to_string(),
        1 => format!("useEffect language:typescript repo:{}/{}", org_slug(rng), repo_slug(rng)),
        2 => "fn main NOT test".to_string(),
        _ => search(rng),
    };
    Req::new("GET", CODE, "/api/v3/search/code").query(query(&[("q", q), ("per_page", "30".into())]))
}

fn code_commit_file(rng: &mut StdRng) -> Req {
    use base64::Engine as _;
    let (_, code) = snippet(rng);
    let path = format!("{}/contents/{}", repo(rng), repo_file(rng));
    Req::new("PUT", CODE, path).json(&json!({
        "message": pick(rng, &["Fix O'Brien's select query", "Drop unused tables -- part 2", "Update README (typo)", "Union the two configs"]),
        "content": base64::engine::general_purpose::STANDARD.encode(code),
        "branch": pick(rng, &["main", "fix/select-menu", "feature/union-lists"]),
        "sha": hex(rng, 40),
    }))
}

fn code_markdown_render(rng: &mut StdRng) -> Req {
    Req::new("POST", CODE, "/api/v3/markdown").json(&json!({ "text": markdown(rng), "mode": "gfm" }))
}

fn shop_product_search(rng: &mut StdRng) -> Req {
    let filter = pick(
        rng,
        &[
            "price>10 AND brand:(acme|globex)",
            "price<=25",
            "rating>=4 OR reviews>100",
            "color:(red|blue) -kids",
            "size:M|L",
        ],
    );
    Req::new("GET", SHOP, "/api/v1/products").query(query(&[
        ("q", search(rng)),
        ("filter", filter.into()),
        ("sort", pick(rng, &["price_asc", "-rating", "relevance"]).into()),
    ]))
}

fn shop_review(rng: &mut StdRng) -> Req {
    Req::new("POST", SHOP, "/api/v1/reviews").json(&json!({
        "product": sku(rng),
        "title": title(rng),
        "body": format!("{} {} {}", sentence(rng), sentence(rng), chat_line(rng)),
        "rating": rng.random_range(1..6u32),
        "author": person(rng),
    }))
}

fn shop_checkout(rng: &mut StdRng) -> Req {
    Req::new("POST", SHOP, "/api/v1/checkout").json(&json!({
        "$schema": "https://shop.example.test/schemas/checkout-v2.json",
        "shipping_address": { "name": person(rng), "line1": address(rng), "city": city(rng), "phone": phone(rng) },
        "gift_message": format!("{} {}", pick(rng, &["Happy birthday", "Congrats", "For you"]), chat_line(rng)),
        "display_total": price(rng),
        "currency": pick(rng, &["USD", "EUR", "GBP"]),
        "coupon": format!("{}{}", pick(rng, COUPON_WORDS), pick(rng, &["10", "20", ""])),
        "items": [{ "sku": sku(rng), "qty": rng.random_range(1..4u32), "label": price(rng) }],
    }))
}

fn shop_cart_form(rng: &mut StdRng) -> Req {
    Req::new("POST", SHOP, "/api/v1/cart/items").form(&form(&[
        ("sku", sku(rng)),
        ("qty", rng.random_range(1..5u32).to_string()),
        (
            "note",
            pick(
                rng,
                &["gift wrap pls <3", "2 of the 'large' ones", "leave at door -- dog bites!", "5 > 3 :-)"],
            )
            .into(),
        ),
    ]))
}

fn shop_product_path(rng: &mut StdRng) -> Req {
    let mut req = Req::new("GET", SHOP, format!("/api/v1/products/{}", component(&sku(rng))));
    req.set_cookie("TrackingId", &b62(rng, 16));
    req.set_cookie("cart_id", &uuid(rng));
    req.set_cookie("lang", pick(rng, &["en-GB", "pt-PT", "de-DE"]));
    req
}

fn shop_b2b_order_xml(rng: &mut StdRng) -> Req {
    let body = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<order xmlns=\"urn:example:b2b\" currency=\"EUR\">\n  <buyer name=\"{}\" ref=\"PO-{}\"/>\n  <line sku=\"{}\" qty=\"{}\">\n    <note>{}</note>\n  </line>\n  <deliverTo>{}</deliverTo>\n  <terms>{}</terms>\n</order>",
        xml_attribute(&person(rng)),
        rng.random_range(10_000..99_999u32),
        sku(rng),
        rng.random_range(1..500u32),
        xml_text(&sentence(rng)),
        xml_text(&address(rng)),
        xml_text("Net 30; 2% discount if paid < 10 days"),
    );
    Req::new("POST", SHOP, "/api/v1/b2b/orders").body("application/xml", body)
}

fn shop_search_header(rng: &mut StdRng) -> Req {
    Req::new("GET", SHOP, "/api/v1/products")
        .query(query(&[("page", rng.random_range(1..4u32).to_string())]))
        .header("x-search", search(rng))
        .header("x-tenant-id", org_slug(rng))
}

fn chat_post(rng: &mut StdRng) -> Req {
    Req::new("POST", CHAT, "/api/messages").json(&json!({
        "channel": format!("C{}", b62(rng, 8).to_uppercase()),
        "text": chat_message(rng),
        "thread_ts": format!("{}.{:06}", EPOCH_MS / 1000 + rng.random_range(0..300_000i64), rng.random_range(0..999_999u32)),
    }))
}

fn chat_edit_form(rng: &mut StdRng) -> Req {
    Req::new("POST", CHAT, "/api/messages.update").form(&form(&[
        ("ts", format!("{}.{:06}", EPOCH_MS / 1000, rng.random_range(0..999_999u32))),
        ("text", chat_message(rng)),
    ]))
}

fn chat_file_share(rng: &mut StdRng) -> Req {
    let (lang, code) = snippet(rng);
    let (content_type, body) = Multipart::new(rng)
        .text("channels", "C0123ABCD")
        .text("initial_comment", &chat_message(rng))
        .text("title", &format!("{lang} snippet"))
        .file("file", &format!("snippet.{lang}"), "text/plain", code)
        .finish();
    Req::new("POST", CHAT, "/api/files.upload").body(&content_type, body)
}

fn chat_search(rng: &mut StdRng) -> Req {
    let q = format!("from:@{} in:#{} \"{}\"", pick(rng, FIRST_NAMES), pick(rng, TAGS), words(rng, 2));
    Req::new("GET", CHAT, "/api/search").query(query(&[("query", q), ("sort", "timestamp".into())]))
}

fn search_get(rng: &mut StdRng) -> Req {
    Req::new("GET", SEARCH, "/v1/search").query(query(&[
        ("q", search(rng)),
        ("fields", "title,body".into()),
        ("highlight", "true".into()),
    ]))
}

fn search_dsl(rng: &mut StdRng) -> Req {
    let index = pick(rng, &["articles", "products", "tickets"]);
    Req::new("POST", SEARCH, format!("/v1/indexes/{index}/query")).json(&json!({
        "query": { "bool": {
            "must": [{ "query_string": { "query": search(rng), "default_operator": "AND" } }],
            "filter": [{ "range": { "price": { "gte": 10, "lte": 50 } } }],
        } },
        "highlight": { "pre_tags": ["<em>"], "post_tags": ["</em>"] },
        "size": 20,
    }))
}

fn search_suggest_header(rng: &mut StdRng) -> Req {
    Req::new("GET", SEARCH, "/v1/suggest")
        .query(query(&[("prefix", pick(rng, &["o'br", "d'ang", "sel", "union st", "c++"]).into())]))
        .header("x-search", sentence(rng))
}

fn files_upload(rng: &mut StdRng) -> Req {
    let original = file_path(rng);
    let name = original.rsplit(['/', '\\']).next().unwrap_or("file.bin").to_string();
    let (content_type, body) = Multipart::new(rng)
        .text("path", pick(rng, &["Documents/Reports/2025", "Shared/Finance", "Photos/2025-03-01 Lisbon"]))
        .text("original_path", &original)
        .text("description", &sentence(rng))
        .file("file", &name, "application/octet-stream", &base64_blob(rng))
        .finish();
    Req::new("POST", FILES, "/api/v1/files").body(&content_type, body)
}

fn files_get_path(rng: &mut StdRng) -> Req {
    let path = pick(
        rng,
        &[
            "Documents/Taxes/2024/W-2 (copy).pdf",
            "Shared/Q1 Report (final).xlsx",
            "Photos/2025-03-01 Lisbon/IMG_0042.HEIC",
            "Notes/meeting notes; march.txt",
            "Design/Logo – final v3.ai",
        ],
    );
    let encoded = path.split('/').map(component).collect::<Vec<_>>().join("/");
    Req::new("GET", FILES, format!("/api/v1/files/{encoded}"))
}

fn files_move(rng: &mut StdRng) -> Req {
    Req::new("POST", FILES, "/api/v1/files/move").json(&json!({
        "from": file_path(rng),
        "to": format!("Archive/{}", file_path(rng).replace('\\', "/").trim_start_matches("../")),
        "autorename": true,
    }))
}

fn files_raw_upload(rng: &mut StdRng) -> Req {
    let arg = json!({ "path": format!("/{}", pick(rng, &["Homework/math/Matrices.txt", "Q1 Report (final).pdf", "notes/o'brien & sons.txt"])), "mode": "overwrite", "mute": false });
    Req::new("POST", FILES, "/api/v1/files/upload")
        .body("application/octet-stream", base64_blob(rng))
        .header("x-files-api-arg", serde_json::to_string(&arg).unwrap_or_default())
}

fn files_share(rng: &mut StdRng) -> Req {
    Req::new("POST", FILES, "/api/v1/shares").json(&json!({
        "path": file_path(rng),
        "with": [email(rng), email(rng)],
        "role": pick(rng, &["viewer", "editor"]),
        "expires": date(EPOCH_MS + rng.random_range(1..90i64) * 86_400_000),
        "message": message(rng),
    }))
}

fn hooks_create(rng: &mut StdRng) -> Req {
    Req::new("POST", HOOKS, "/api/webhooks").json(&json!({
        "$schema": "https://hooks-admin.example.test/schemas/webhook.json",
        "url": webhook_url(rng),
        "events": ["order.created", "order.updated", "ticket.*"],
        "secret": base64_blob(rng),
        "headers": { "X-Team": "payments & billing", "Authorization": format!("Bearer {}", b64url(rng, 24)) },
        "description": sentence(rng),
    }))
}

fn hooks_deliveries(rng: &mut StdRng) -> Req {
    Req::new("GET", HOOKS, "/api/deliveries").query(query(&[
        ("status", pick(rng, &["failed", "succeeded", "retrying"]).into()),
        ("since", rfc3339(EPOCH_MS - rng.random_range(0..86_400_000i64))),
        ("url", webhook_url(rng)),
    ]))
}

fn hooks_incoming_event(rng: &mut StdRng) -> Req {
    let amount = rng.random_range(100..90_000u32);
    let body = json!({
        "id": format!("evt_{}", b62(rng, 24)),
        "type": "invoice.paid",
        "data": { "object": {
            "amount_paid": amount,
            "description": format!("Invoice #{} – ${}.{:02} for {}", rng.random_range(100..999u32), amount / 100, amount % 100, person(rng)),
            "customer_email": email(rng),
            "metadata": { "order_note": sentence(rng) },
        } },
    });
    Req::new("POST", HOOKS, "/api/events/incoming")
        .json(&body)
        .header("stripe-signature", format!("t={},v1={}", EPOCH_MS / 1000, hex(rng, 64)))
}

fn analytics_batch(rng: &mut StdRng) -> Req {
    let events: Vec<Value> = (0..rng.random_range(1..4u32))
        .map(|_| {
            json!({
                "event": pick(rng, &["$pageview", "order completed", "search", "$autocapture"]),
                "properties": {
                    "$current_url": public_url(rng),
                    "$browser": pick(rng, &["Chrome", "Firefox", "Safari"]),
                    "$os": pick(rng, &["Windows", "Mac OS X", "Android"]),
                    "$referrer": "https://www.google.com/",
                    "search_term": search(rng),
                    "$set": { "email": email(rng), "name": person(rng) },
                    "user_agent": pick(rng, USER_AGENTS_BROWSER),
                },
                "timestamp": rfc3339(EPOCH_MS + rng.random_range(0..300_000_000i64)),
            })
        })
        .collect();
    Req::new("POST", ANALYTICS, "/v1/batch")
        .json(&json!({ "api_key": format!("phc_{}", b62(rng, 32)), "batch": events }))
}

fn analytics_pixel(rng: &mut StdRng) -> Req {
    Req::new("GET", ANALYTICS, "/v1/pixel.gif").query(query(&[
        ("e", "pageview".into()),
        ("url", public_url(rng)),
        ("ref", public_url(rng)),
        ("ua", pick(rng, USER_AGENTS_BROWSER).into()),
        ("t", title(rng)),
    ]))
}

fn analytics_report(rng: &mut StdRng) -> Req {
    Req::new("GET", ANALYTICS, "/v1/reports").query(query(&[
        ("metric", pick(rng, &["sessions", "revenue", "bounce_rate"]).into()),
        (
            "filter",
            pick(rng, &["country==PT;device!=mobile", "page=@/checkout,source==newsletter", "revenue>100"])
                .into(),
        ),
        ("from", date(EPOCH_MS - 30 * 86_400_000)),
        ("formula", formula(rng)),
    ]))
}

fn maps_geocode(rng: &mut StdRng) -> Req {
    let q = match rng.random_range(0..3u32) {
        0 => format!("O'Brien's Pub, 12 Main St, {}", city(rng)),
        1 => format!("{}, {}", address(rng), city(rng)),
        _ => format!("D'Angelo & Sons, Union Square, {}", city(rng)),
    };
    Req::new("GET", MAPS, "/v1/geocode").query(query(&[("q", q), ("lang", "en".into())]))
}

/// An encoded polyline: characters 63..=126, which include `?@[\]^_{|}~` and backticks.
fn polyline(rng: &mut StdRng) -> String {
    (0..rng.random_range(20..60u32)).map(|_| char::from(rng.random_range(63u8..=126))).collect()
}

fn maps_route(rng: &mut StdRng) -> Req {
    Req::new("POST", MAPS, "/v1/routes").json(&json!({
        "from": { "lat": 38.7223, "lng": -9.1393 },
        "to": { "lat": 41.1579, "lng": -8.6291 },
        "avoid": ["tolls", "ferries"],
        "polyline": polyline(rng),
        "note": format!("{} -- {}", sentence(rng), formula(rng)),
    }))
}

fn maps_tile(rng: &mut StdRng) -> Req {
    let z = rng.random_range(3..18u32);
    Req::new(
        "GET",
        MAPS,
        format!(
            "/v1/tiles/{z}/{}/{}.png",
            rng.random_range(0..1u32 << z.min(12)),
            rng.random_range(0..1u32 << z.min(12))
        ),
    )
    .query(query(&[("style", pick(rng, &["streets-v12", "satellite", "dark"]).into())]))
}

fn maps_geofence(rng: &mut StdRng) -> Req {
    let lat = 38.7 + f64::from(rng.random_range(0..100u32)) / 1000.0;
    Req::new("POST", MAPS, "/v1/geofences").json(&json!({
        "$schema": "https://geojson.org/schema/FeatureCollection.json",
        "type": "FeatureCollection",
        "features": [{ "type": "Feature", "properties": { "name": format!("{}'s drop-off zone", pick(rng, &["O'Brien", "D'Souza", "Tanaka"])) },
            "geometry": { "type": "Polygon", "coordinates": [[[-9.14, lat], [-9.13, lat], [-9.13, lat + 0.01], [-9.14, lat]]] } }],
    }))
}

fn mail_template_create(rng: &mut StdRng) -> Req {
    Req::new("POST", MAIL, "/api/templates").json(&json!({
        "$schema": "https://mail.example.test/schemas/template.json",
        "name": format!("{}-{}", pick(rng, &["order-shipped", "welcome", "password-changed"]), rng.random_range(1..9u32)),
        "subject": template(rng),
        "html": format!("<p>{}</p>{}", template(rng), rich_html(rng)),
        "text": template(rng),
    }))
}

fn mail_template_preview(rng: &mut StdRng) -> Req {
    Req::new("POST", MAIL, "/api/templates/preview").json(&json!({
        "body": template(rng),
        "data": { "first_name": person(rng), "order": { "number": format!("#{}", rng.random_range(1000..9999u32)) }, "ship_date": date(EPOCH_MS) },
    }))
}

fn mail_send(rng: &mut StdRng) -> Req {
    Req::new("POST", MAIL, "/api/send").json(&json!({
        "to": [format!("{} <{}>", person(rng), email(rng))],
        "reply_to": format!("D'Angelo Support <{}>", email(rng)),
        "subject": title(rng),
        "text": message(rng),
    }))
}

fn mail_template_form(rng: &mut StdRng) -> Req {
    Req::new("POST", MAIL, "/api/templates/import").form(&form(&[
        ("name", "receipt".into()),
        ("body", format!("{}\n{}", template(rng), template(rng))),
        ("footer", "You're receiving this because you ordered from us -- unsubscribe any time.".into()),
    ]))
}

fn id_audit(rng: &mut StdRng) -> Req {
    Req::new("GET", ID, "/api/admin/audit").query(query(&[
        ("ip", ip(rng)),
        ("actor", email(rng)),
        ("action", pick(rng, &["user.update", "user.delete", "role.grant", "login.failed"]).into()),
        ("since", date(EPOCH_MS - 7 * 86_400_000)),
    ]))
}

fn id_login_form(rng: &mut StdRng) -> Req {
    let user = if rng.random_bool(0.5) { email(rng) } else { username(rng) };
    Req::new("POST", ID, "/api/login").form(&form(&[
        ("username", user),
        ("password", password(rng)),
        ("remember_me", "on".into()),
        ("redirect", "/dashboard?tab=orders&sort=-date".into()),
    ]))
}

fn id_user_create(rng: &mut StdRng) -> Req {
    Req::new("POST", ID, "/api/users").json(&json!({
        "display_name": person(rng),
        "email": email(rng),
        "phone": phone(rng),
        "bio": format!("{} {}", sentence(rng), chat_line(rng)),
        "password": password(rng),
        "address": { "line1": address(rng), "city": city(rng) },
    }))
}

fn id_scim_filter(rng: &mut StdRng) -> Req {
    let filter = match rng.random_range(0..3u32) {
        0 => format!("userName eq \"{}\" and active eq true", username(rng)),
        1 => format!("name.familyName sw \"{}\"", pick(rng, &["O'B", "D'A", "Mc", "van "])),
        _ => "emails co \"example.com\" or title pr".to_string(),
    };
    Req::new("GET", ID, "/api/scim/v2/Users").query(query(&[("filter", filter), ("count", "100".into())]))
}

fn id_directory(rng: &mut StdRng) -> Req {
    if rng.random_bool(0.5) {
        Req::new("GET", ID, format!("/api/directory/users/{}", component(&username(rng))))
    } else {
        let name = super::request::capitalize(pick(rng, FIRST_NAMES));
        Req::new("GET", ID, "/api/directory/users")
            .query(query(&[("cn", format!("{name}*")), ("ou", "Engineering & Ops".into())]))
    }
}

fn id_audit_export(rng: &mut StdRng) -> Req {
    let entries: Vec<Value> = (0..3)
        .map(|_| json!({ "ip": ip(rng), "user_agent": pick(rng, USER_AGENTS_BROWSER), "actor": email(rng), "at": rfc3339(EPOCH_MS + rng.random_range(0..9_000_000i64)) }))
        .collect();
    Req::new("POST", ID, "/api/admin/audit/export")
        .json(&json!({ "format": "csv", "entries": entries, "token": jwt(rng) }))
}

fn id_avatar_svg(rng: &mut StdRng) -> Req {
    let initials: String = person(rng).split(' ').filter_map(|w| w.chars().next()).collect();
    let body = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"128\" height=\"128\" viewBox=\"0 0 128 128\">\n  <title>{}</title>\n  <circle cx=\"64\" cy=\"64\" r=\"60\" fill=\"#{}\"/>\n  <path d=\"M40 90 L64 40 L88 90 Z\" stroke=\"#fff\" stroke-width=\"2\"/>\n  <text x=\"64\" y=\"72\" text-anchor=\"middle\" font-family=\"Inter, sans-serif\">{}</text>\n</svg>",
        xml_text(&person(rng)),
        hex(rng, 6),
        xml_text(&initials),
    );
    Req::new("PUT", FILES, format!("/api/v1/users/{}/avatar", rng.random_range(1..90_000u32)))
        .body("image/svg+xml", body)
}

fn cms_sitemap_xml(rng: &mut StdRng) -> Req {
    let urls: String = (0..3)
        .map(|_| {
            format!(
                "  <url><loc>{}</loc><lastmod>{}</lastmod></url>\n",
                xml_text(&format!(
                    "https://cms.example.test/articles/{}?ref=sitemap&lang=en",
                    article_slug(rng)
                )),
                date(EPOCH_MS - rng.random_range(0..90i64) * 86_400_000)
            )
        })
        .collect();
    let body = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n{urls}</urlset>"
    );
    Req::new("PUT", CMS, "/api/v2/sitemap").body("application/xml", body)
}
