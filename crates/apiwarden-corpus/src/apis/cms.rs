//! `cms`: a blog/CMS. Readers browse anonymously, editors sign in with a form and a session
//! cookie, a static-site builder uses a personal access token, feed readers call without
//! credentials. Articles by slug, authors by e-mail, share links by opaque token.

use serde_json::{Value, json};

use super::WEB_ASSETS;
use crate::engine::ClientKind::*;
use crate::engine::*;
use crate::values::Kind;
use crate::words::{TAGS, TOPICS};

const PAGE: Q = q("page", 0.4, QV::Int(1, 12));
const PER_PAGE: Q = q("per_page", 0.3, QV::Pick(&["10", "20", "50"]));

pub(crate) fn spec() -> ApiSpec {
    let endpoints = vec![
        get("/healthz", 4.0).monitor().resp(Resp::Text("text/plain; charset=utf-8", |_| "ok".to_string())),
        post("/api/login", 0.6)
            .public()
            .by(Browser)
            .session()
            .form(login)
            .resp(Resp::Redirect("/admin/"))
            .err(&[401, 429]),
        post("/api/logout", 0.2).by(Browser).ok(204).resp(Resp::Empty),
        get("/api/articles", 10.0)
            .public()
            .q(&[
                PAGE,
                PER_PAGE,
                q("tag", 0.25, QV::Pick(TAGS)),
                q("sort", 0.2, QV::Pick(&["-published_at", "title", "-views"])),
                q("include", 0.2, QV::Many(&["author", "tags", "excerpt"])),
            ])
            .list(article_card),
        get("/api/articles/drafts", 1.0).by(Browser).q(&[PAGE]).list(article_card),
        get("/api/articles/popular", 2.0)
            .public()
            .q(&[
                q("period", 0.6, QV::Pick(&["day", "week", "month"])),
                q("limit", 0.3, QV::Pick(&["5", "10"])),
            ])
            .list(article_card),
        get("/api/articles/{slug}", 14.0)
            .public()
            .q(&[q("include", 0.2, QV::Many(&["author", "related", "comments_count"]))])
            .json(article)
            .err(&[404]),
        post("/api/articles", 0.4)
            .by(Browser)
            .headers(&[("X-CSRF-Token", "{token}")])
            .body(article_body)
            .json(article)
            .err(&[409, 422]),
        put("/api/articles/{slug}", 0.6)
            .by(Browser)
            .headers(&[("X-CSRF-Token", "{token}")])
            .body(article_body)
            .json(article)
            .err(&[404, 409, 422]),
        delete("/api/articles/{slug}", 0.0).exactly(1).by(Browser),
        post("/api/articles/{slug}/publish", 0.3)
            .by(Browser)
            .ok(200)
            .body(|c| {
                let v = json!({ "scheduled_for": c.ts_ahead(5.0) });
                c.drop(v, &[("scheduled_for", 0.7)])
            })
            .json(article)
            .err(&[404, 409]),
        get("/api/articles/{slug}/comments", 4.0)
            .public()
            .q(&[PAGE, q("order", 0.2, QV::Pick(&["asc", "desc"]))])
            .list(comment),
        post("/api/articles/{slug}/comments", 0.8)
            .public()
            .by(Browser)
            .form(comment_form)
            .json(comment)
            .err(&[422, 429]),
        get("/api/articles/{slug}/revisions", 0.3).by(Browser).list(revision),
        get("/api/articles/{slug}/revisions/{revisionId}", 0.3).by(Browser).json(revision).err(&[404]),
        post("/api/articles/{slug}/shares", 0.3)
            .by(Browser)
            .body(|c| json!({ "expires_in_days": c.pick(&[1, 7, 30]) }))
            .json(share),
        get("/api/shares/{token}", 2.0).public().json(share_view).err(&[404, 410]),
        get("/api/tags", 1.0).public().list(tag),
        get("/api/tags/{tag}/articles", 2.5).public().q(&[PAGE, PER_PAGE]).list(article_card),
        get("/api/authors", 0.8).public().list(author),
        get("/api/authors/{email}", 1.5).public().json(author).err(&[404]),
        get("/api/authors/{email}/posts", 2.0).public().q(&[PAGE, PER_PAGE]).list(article_card),
        post("/api/media", 0.4).by(Browser).upload(upload).json(media).err(&[413, 422]),
        get("/api/media", 0.6)
            .by(Browser)
            .q(&[PAGE, q("type", 0.3, QV::Pick(&["image", "document"]))])
            .list(media),
        get("/api/media/{mediaId}", 1.0).json(media).err(&[404]),
        get("/api/media/{mediaId}/thumbnail", 3.0)
            .public()
            .q(&[q("size", 0.5, QV::Pick(&["small", "medium"]))])
            .resp(Resp::Binary("image/png"))
            .err(&[404]),
        delete("/api/media/{mediaId}", 0.1).by(Browser).err(&[404]),
        get("/api/files/latest", 0.8).by(Sdk).json(export_file),
        get("/api/files/{fileId}", 0.8).by(Sdk).json(export_file).err(&[404]),
        get("/api/files/{fileId}/download", 0.6).by(Sdk).resp(Resp::Binary("application/gzip")).err(&[404]),
        get("/api/search", 2.0).public().q(&[q("q", 1.0, QV::Words), PAGE]).json(|c| {
            let hits = c.list(0, 10, article_card);
            json!({ "query": c.query("q").unwrap_or(""), "hits": hits, "took_ms": c.int(2, 90) })
        }),
        get("/api/settings", 0.3).by(Browser).json(settings),
        patch("/api/settings", 0.0)
            .exactly(1)
            .by(Browser)
            .body(|c| json!({ "title": c.title(), "comments_enabled": c.chance(0.8) }))
            .json(settings),
    ];
    let params = vec![
        param("slug", Kind::ArticleSlug, 0.7, usize::MAX),
        param("revisionId", Kind::Int(1, 90_000), 0.3, usize::MAX),
        param("token", Kind::Token(16), 0.5, usize::MAX),
        param("tag", Kind::Tag, 0.8, TAGS.len()),
        param("email", Kind::Email, 0.8, 150),
        param("mediaId", Kind::Hex(32), 0.6, usize::MAX),
        param("fileId", Kind::Uuid, 0.5, usize::MAX),
    ];
    let clients = vec![
        mix(Browser, AuthStyle::SessionCookie("cms_sid"), 700, 0.72),
        mix(Sdk, AuthStyle::BearerToken("cms_pat_"), 6, 0.13),
        mix(Script, AuthStyle::None, 40, 0.15),
    ];
    let mut s = ApiSpec::new(endpoints, params, clients);
    s.envelope = |c, items, total| {
        let per = c.query("per_page").and_then(|p| p.parse::<i64>().ok()).unwrap_or(10);
        let pages = ((total + per - 1) / per).max(1);
        let page = c.page();
        let body = json!({ "data": items, "meta": { "pagination": { "page": page, "per_page": per, "total": total, "pages": pages } } });
        (body, vec![("X-Total-Count".to_string(), total.to_string())])
    };
    s.error = |c, status| {
        let code = match status {
            401 => "rest_not_logged_in",
            403 => "rest_forbidden",
            404 => "rest_not_found",
            409 => "rest_conflict",
            410 => "rest_gone",
            413 => "rest_upload_too_large",
            422 => "rest_invalid_param",
            429 => "rest_too_many_requests",
            _ => "rest_internal_error",
        };
        json!({ "code": code, "message": c.sentence(4, 9), "data": { "status": status } })
    };
    s.server = "Apache/2.4.58 (Debian)";
    s.server_ip = "192.0.2.80";
    s.app_ua = "site-builder/0.14.2";
    s.assets = WEB_ASSETS;
    s.asset_rate = 0.08;
    s.base64_rate = 0.05;
    s.pretty = true;
    s.default_limit = 10;
    s
}

fn login(c: &mut Ctx<'_>) -> Vec<(String, String)> {
    vec![
        ("log".to_string(), c.client.username.clone()),
        ("pwd".to_string(), format!("{}#{}", c.b62(12), c.int(1, 99))),
        ("rememberme".to_string(), "forever".to_string()),
        ("redirect_to".to_string(), "/admin/".to_string()),
    ]
}

fn slug_or_pick(c: &mut Ctx<'_>) -> String {
    let s = c.param("slug");
    if s.is_empty() { c.id("slug") } else { s }
}

fn author_ref(c: &mut Ctx<'_>) -> Value {
    let email = c.id("email");
    let name = email.split('@').next().unwrap_or("").split('.').map(cap).collect::<Vec<_>>().join(" ");
    json!({ "email": email, "name": name })
}

fn article_card(c: &mut Ctx<'_>) -> Value {
    let slug = c.id("slug");
    let title = cap(&slug.replace('-', " "));
    let author = author_ref(c);
    let v = json!({
        "slug": slug,
        "title": title,
        "excerpt": c.sentence(10, 24),
        "author": author,
        "tags": c.tags(3),
        "cover": opt!(c, 0.7, { let m = c.id("mediaId"); json!(c.url(&format!("/api/media/{m}/thumbnail"))) }),
        "published_at": opt!(c, 0.9, json!(c.ts_ago(800.0))),
        "reading_time": c.int(2, 20),
    });
    c.drop(v, &[("excerpt", 0.1), ("cover", 0.2)])
}

fn article(c: &mut Ctx<'_>) -> Value {
    let slug = match c.param("slug") {
        s if !s.is_empty() => s,
        _ => c.fresh("slug"),
    };
    let title = cap(&slug.replace('-', " "));
    let author = author_ref(c);
    let body: Vec<String> = (0..c.int(2, 6)).map(|_| format!("<p>{}</p>", c.paragraph(4))).collect();
    let v = json!({
        "id": c.int(1, 40_000),
        "slug": slug,
        "title": title,
        "subtitle": opt!(c, 0.4, json!(c.sentence(5, 12))),
        "body_html": body.join("\n"),
        "author": author,
        "tags": c.tags(4),
        "status": c.pick(&["published", "published", "published", "draft", "scheduled"]),
        "cover": opt!(c, 0.7, json!({ "id": c.id("mediaId"), "alt": c.words(2, 6) })),
        "seo": { "description": c.sentence(8, 20), "canonical": opt!(c, 0.2, json!(c.url("/canonical"))) },
        "stats": { "views": c.zipf(200_000), "comments": c.zipf(300) },
        "published_at": opt!(c, 0.85, json!(c.ts_ago(800.0))),
        "updated_at": c.ts_ago(200.0),
    });
    c.drop(v, &[("subtitle", 0.3), ("stats", 0.1)])
}

fn article_body(c: &mut Ctx<'_>) -> Value {
    let topic = c.pick(TOPICS);
    let v = json!({
        "title": format!("{} {}", c.title(), topic.replace('-', " ")),
        "body_markdown": c.paragraph(6),
        "tags": c.tags(3),
        "status": c.pick(&["draft", "published"]),
        "cover_id": c.id("mediaId"),
    });
    c.drop(v, &[("tags", 0.3), ("cover_id", 0.5), ("status", 0.3)])
}

fn comment(c: &mut Ctx<'_>) -> Value {
    let v = json!({
        "id": c.int(1, 5_000_000),
        "author_name": c.first(),
        "author_url": opt!(c, 0.2, json!(format!("https://{}.example.org", c.username()))),
        "content": c.paragraph(3),
        "parent": opt!(c, 0.2, json!(c.int(1, 5_000_000))),
        "status": c.pick(&["approved", "approved", "approved", "pending"]),
        "created_at": c.ts_ago(300.0),
    });
    c.drop(v, &[("author_url", 0.4)])
}

fn comment_form(c: &mut Ctx<'_>) -> Vec<(String, String)> {
    let mut v = vec![
        ("author".to_string(), c.first()),
        ("email".to_string(), c.email()),
        ("comment".to_string(), c.paragraph(2)),
    ];
    if c.chance(0.2) {
        v.push(("url".to_string(), format!("https://{}.example.org", c.username())));
    }
    if c.chance(0.15) {
        v.push(("parent".to_string(), c.int(1, 5_000_000).to_string()));
    }
    v
}

fn revision(c: &mut Ctx<'_>) -> Value {
    let id =
        if c.param("revisionId").is_empty() { c.id_int("revisionId") } else { c.param_int("revisionId") };
    let author = author_ref(c);
    json!({ "id": id, "article": c.param("slug"), "author": author, "summary": c.sentence(3, 8), "diff_stats": { "added": c.zipf(400), "removed": c.zipf(200) }, "created_at": c.ts_ago(100.0) })
}

fn share(c: &mut Ctx<'_>) -> Value {
    let token = c.fresh("token");
    json!({ "token": token, "url": c.url(&format!("/s/{token}")), "article": c.param("slug"), "expires_at": c.ts_ahead(30.0) })
}

fn share_view(c: &mut Ctx<'_>) -> Value {
    let slug = slug_or_pick(c);
    let title = cap(&slug.replace('-', " "));
    json!({ "token": c.param("token"), "article": { "slug": slug, "title": title, "body_html": format!("<p>{}</p>", c.paragraph(4)) }, "expires_at": c.ts_ahead(20.0), "views": c.zipf(50) })
}

fn tag(c: &mut Ctx<'_>) -> Value {
    let t = c.pick(TAGS);
    json!({ "slug": t, "name": cap(&t.replace('-', " ")), "count": c.zipf(400), "description": opt!(c, 0.3, json!(c.sentence(4, 10))) })
}

fn author(c: &mut Ctx<'_>) -> Value {
    let email = {
        let e = c.param("email");
        if e.is_empty() { c.id("email") } else { e }
    };
    let name = email.split('@').next().unwrap_or("").split(['.', '+']).map(cap).collect::<Vec<_>>().join(" ");
    let v = json!({
        "email": email,
        "name": name,
        "bio": opt!(c, 0.7, json!(c.sentence(8, 20))),
        "avatar": opt!(c, 0.8, { let m = c.id("mediaId"); json!(c.url(&format!("/api/media/{m}/thumbnail"))) }),
        "role": c.pick(&["author", "author", "editor", "contributor"]),
        "social": { "mastodon": opt!(c, 0.3, json!(format!("@{}@social.example.org", c.username()))), "website": opt!(c, 0.3, json!(format!("https://{}.example.net", c.username()))) },
        "post_count": c.zipf(300),
    });
    c.drop(v, &[("social", 0.4)])
}

fn upload(c: &mut Ctx<'_>) -> Upload {
    if c.chance(0.6) {
        let w = c.int(16, 512);
        let h = c.int(16, 512);
        Upload {
            fields: vec![
                ("alt".into(), c.words(2, 6)),
                ("folder".into(), c.pick(&["covers", "inline", "avatars"]).into()),
            ],
            file_field: "file",
            file_name: format!("{}-{}.svg", c.pick(TAGS), c.int(1, 99)),
            content_type: "image/svg+xml",
            content: format!(
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\"><rect width=\"{w}\" height=\"{h}\" fill=\"#{}\"/><circle cx=\"{}\" cy=\"{}\" r=\"{}\" fill=\"#{}\"/></svg>",
                c.hex(6),
                w / 2,
                h / 2,
                w.min(h) / 3,
                c.hex(6)
            ),
        }
    } else {
        Upload {
            fields: vec![("title".into(), c.title())],
            file_field: "file",
            file_name: format!("{}-notes.md", c.pick(TAGS)),
            content_type: "text/markdown",
            content: format!(
                "# {}\n\n{}\n\n- {}\n- {}\n",
                c.title(),
                c.paragraph(3),
                c.sentence(3, 6),
                c.sentence(3, 6)
            ),
        }
    }
}

fn media(c: &mut Ctx<'_>) -> Value {
    let id = match c.param("mediaId") {
        m if !m.is_empty() => m,
        _ if c.method == "POST" => c.fresh("mediaId"),
        _ => c.id("mediaId"),
    };
    let image = c.chance(0.75);
    let v = json!({
        "id": id,
        "type": if image { "image" } else { "document" },
        "filename": format!("{}.{}", c.pick(TAGS), if image { "png" } else { "md" }),
        "mime_type": if image { "image/png" } else { "text/markdown" },
        "size": c.int(400, 4_000_000),
        "width": if image { json!(c.int(16, 4000)) } else { Value::Null },
        "height": if image { json!(c.int(16, 4000)) } else { Value::Null },
        "alt": opt!(c, 0.6, json!(c.words(2, 6))),
        "url": c.url(&format!("/uploads/{id}")),
        "uploaded_by": author_ref(c),
        "created_at": c.ts_ago(500.0),
    });
    c.drop(v, &[("alt", 0.3)])
}

fn export_file(c: &mut Ctx<'_>) -> Value {
    let id = {
        let f = c.param("fileId");
        if f.is_empty() { c.id("fileId") } else { f }
    };
    json!({ "id": id, "kind": c.pick(&["full-export", "articles-json", "comments-csv"]), "size": c.int(10_000, 90_000_000), "sha256": c.hex(64), "created_at": c.ts_ago(14.0), "download": c.url(&format!("/api/files/{id}/download")) })
}

fn settings(c: &mut Ctx<'_>) -> Value {
    json!({ "title": "Field Notes", "tagline": c.sentence(3, 8), "language": "en", "timezone": "Europe/Lisbon", "comments_enabled": c.chance(0.9), "posts_per_page": 10, "theme": c.pick(&["paper", "ink", "meadow"]) })
}
