//! `saas`: a multi-tenant workspace product. Its web console (cross-origin, JWT) manages
//! organisations, members, projects and billing; staff use the admin collections, which all
//! share one list envelope; CI and the package CLI use tokens; anonymous clients download
//! packages from the built-in registry.

use serde_json::{Value, json};

use crate::engine::ClientKind::*;
use crate::engine::*;
use crate::values::Kind;
use crate::words::{TECH_PREFIXES, TECH_WORDS};

const PAGE: Q = q("page", 0.4, QV::Int(1, 10));
const PAGE_SIZE: Q = q("pageSize", 0.35, QV::Pick(&["25", "50", "100"]));
const ROLES: &[&str] = &["owner", "admin", "member", "billing", "viewer"];

pub(crate) fn spec() -> ApiSpec {
    let endpoints = vec![
        get("/health", 4.0).monitor().json(|c| json!({ "ok": true, "build": "2025.02.4", "db_latency_ms": c.int(1, 9) })),
        post("/v2/auth/login", 0.8).public().by(Browser).ok(200).body(|c| json!({ "email": c.client.email, "password": format!("{}!{}", c.b62(12), c.int(1, 99)), "otp": opt!(c, 0.3, json!(format!("{:06}", c.int(0, 999_999)))) })).json(tokens).err(&[401, 429]),
        post("/v2/auth/refresh", 1.0).public().by(Browser).ok(200).body(|c| json!({ "refresh_token": c.token(32) })).json(tokens).err(&[401]),
        get("/v2/me", 6.0).json(me),
        get("/v2/orgs", 2.0).q(&[PAGE, PAGE_SIZE]).list(org),
        post("/v2/orgs", 0.2).body(|c| json!({ "name": cap(&c.make(Kind::OrgSlug).replace('-', " ")), "plan": c.pick(&["free", "team"]) })).json(org).err(&[409, 422]),
        get("/v2/orgs/{orgSlug}", 5.0).json(org).err(&[403, 404]),
        patch("/v2/orgs/{orgSlug}", 0.3).body(|c| { let v = json!({ "name": c.title(), "billingEmail": c.email(), "ssoEnforced": c.chance(0.3) }); c.drop(v, &[("name", 0.5), ("billingEmail", 0.6), ("ssoEnforced", 0.6)]) }).json(org).err(&[403, 422]),
        get("/v2/orgs/{orgSlug}/members", 3.0).q(&[PAGE, PAGE_SIZE, q("role", 0.2, QV::Pick(ROLES)), q("q", 0.1, QV::Words)]).list(member),
        post("/v2/orgs/{orgSlug}/members", 0.5).body(|c| json!({ "email": c.email(), "role": c.pick(ROLES) })).json(member).err(&[409, 422]),
        get("/v2/orgs/{orgSlug}/members/{userId}", 2.0).json(member).err(&[404]),
        patch("/v2/orgs/{orgSlug}/members/{userId}", 0.4).body(|c| json!({ "role": c.pick(ROLES) })).json(member).err(&[403, 404]),
        delete("/v2/orgs/{orgSlug}/members/{userId}", 0.0).exactly(2),
        get("/v2/orgs/{orgSlug}/projects", 3.0).q(&[PAGE, PAGE_SIZE, q("archived", 0.2, QV::Bool)]).list(project),
        post("/v2/orgs/{orgSlug}/projects", 0.4).body(|c| json!({ "name": format!("{}-{}", c.pick(TECH_PREFIXES), c.pick(TECH_WORDS)), "region": c.pick(&["eu-west", "us-east", "ap-south"]) })).json(project).err(&[409, 422]),
        get("/v2/orgs/{orgSlug}/projects/{projectId}", 4.0).json(project).err(&[404]),
        patch("/v2/orgs/{orgSlug}/projects/{projectId}", 0.3).body(|c| { let v = json!({ "name": c.title(), "archived": c.chance(0.2) }); c.drop(v, &[("name", 0.5)]) }).json(project).err(&[404, 422]),
        delete("/v2/orgs/{orgSlug}/projects/{projectId}", 0.05).err(&[404, 409]),
        get("/v2/orgs/{orgSlug}/projects/{projectId}/api-keys", 1.0).list(api_key),
        post("/v2/orgs/{orgSlug}/projects/{projectId}/api-keys", 0.3).body(|c| json!({ "name": c.title(), "scopes": ["read", c.pick(&["write", "deploy"])], "expiresInDays": c.pick(&[30, 90, 365]) })).json(new_api_key).err(&[422]),
        delete("/v2/orgs/{orgSlug}/projects/{projectId}/api-keys/{keyId}", 0.35).err(&[404]),
        get("/v2/orgs/{orgSlug}/billing/invoices", 0.6).q(&[PAGE]).list(invoice),
        get("/v2/orgs/{orgSlug}/billing/invoices/{invoiceId}", 0.5).json(invoice).err(&[404]),
        get("/v2/orgs/{orgSlug}/billing/invoices/{invoiceId}/pdf", 0.2).resp(Resp::Binary("application/pdf")).err(&[404]),
        get("/v2/orgs/{orgSlug}/usage", 1.0).q(&[q("from", 0.6, QV::Date(60)), q("to", 0.3, QV::Date(5)), q("granularity", 0.4, QV::Pick(&["day", "month"]))]).json(usage),
        // Admin collections: static paths, one shared envelope, different items.
        get("/v2/admin/users", 1.5).by(Browser).q(&[PAGE, PAGE_SIZE, q("q", 0.3, QV::Words), q("status", 0.2, QV::Pick(&["active", "suspended"]))]).list(admin_user).err(&[403]),
        get("/v2/admin/roles", 0.6).by(Browser).q(&[PAGE]).list(admin_role).err(&[403]),
        get("/v2/admin/groups", 0.5).by(Browser).q(&[PAGE, PAGE_SIZE]).list(admin_group).err(&[403]),
        get("/v2/admin/audit-logs", 1.0).by(Browser).q(&[PAGE, PAGE_SIZE, q("since", 0.5, QV::DateTime(14)), q("action", 0.2, QV::Pick(&["member.invited", "project.deleted", "apikey.created", "login.failed"]))]).list(audit_entry).err(&[403]),
        get("/v2/admin/feature-flags", 0.4).by(Browser).list(flag).err(&[403]),
        get("/v2/admin/sessions", 0.25).by(Browser).q(&[PAGE]).list(admin_session).err(&[403]),
        get("/v2/admin/users/{userId}", 0.8).by(Browser).json(admin_user).err(&[403, 404]),
        post("/v2/admin/users/{userId}/impersonate", 0.0).exactly(1).by(Browser).ok(200).body(|c| json!({ "reason": c.sentence(4, 8), "ticket": format!("SUP-{}", c.int(1000, 99_999)) })).json(tokens),
        put("/v2/admin/feature-flags/{flagKey}", 0.5).by(Browser).body(|c| json!({ "enabled": c.chance(0.6), "rollout": c.pick(&[0, 10, 25, 50, 100]) })).json(flag).err(&[403, 404]),
        // Package registry.
        get("/v2/packages/search", 1.0).public().q(&[q("q", 1.0, QV::Words), PAGE, PAGE_SIZE]).list(package_card),
        get("/v2/packages/{name}", 3.0).public().json(package).err(&[404]),
        get("/v2/packages/{name}/versions", 1.5).public().list(version_card),
        get("/v2/packages/{name}/versions/latest", 2.0).public().json(version).err(&[404]),
        get("/v2/packages/{name}/versions/{version}", 2.5).public().json(version).err(&[404]),
        get("/v2/packages/{name}/versions/{version}/tarball", 2.0).public().resp(Resp::Binary("application/gzip")).err(&[404]),
        put("/v2/packages/{name}/versions/{version}", 0.1).by(Sdk).ok(201).body(publish).json(version).err(&[403, 409, 422]),
        get("/v2/blobs/{digest}", 0.8).public().resp(Resp::Binary("application/gzip")).err(&[404]),
    ];
    let params = vec![
        param("orgSlug", Kind::OrgSlug, 0.8, 400),
        param("userId", Kind::Int(1, 250_000), 0.5, usize::MAX),
        param("projectId", Kind::Uuid, 0.7, usize::MAX),
        param("keyId", Kind::Prefixed("key_", 16), 0.3, usize::MAX),
        param("invoiceId", Kind::Invoice, 0.4, usize::MAX),
        param("flagKey", Kind::FlagKey, 0.45, 60),
        param("name", Kind::Package, 0.75, usize::MAX),
        param("version", Kind::Semver, 0.6, usize::MAX),
        param("digest", Kind::Digest, 0.5, usize::MAX),
    ];
    let clients = vec![
        mix(Browser, AuthStyle::BearerJwt, 350, 0.6),
        mix(Sdk, AuthStyle::BearerToken("wsk_"), 50, 0.2),
        mix(Script, AuthStyle::None, 80, 0.2),
    ];
    let mut s = ApiSpec::new(endpoints, params, clients);
    s.envelope = |c, items, total| {
        let size = c.query("pageSize").and_then(|p| p.parse::<i64>().ok()).unwrap_or(25);
        (json!({ "items": items, "total": total, "page": c.page(), "pageSize": size }), Vec::new())
    };
    s.error = |c, status| {
        let code = match status {
            401 => "unauthorized",
            403 => "forbidden",
            404 => "not_found",
            409 => "conflict",
            422 => "validation_error",
            429 => "too_many_requests",
            _ => "internal_error",
        };
        json!({ "error": code, "error_description": c.sentence(4, 10), "traceId": c.hex(32) })
    };
    s.server = "istio-envoy";
    s.server_ip = "198.51.100.120";
    s.app_ua = "workspace-cli/3.2.0";
    s.cors_origin = Some("https://app.workspace.example.test");
    s.default_limit = 25;
    s
}

fn tokens(c: &mut Ctx<'_>) -> Value {
    json!({ "access_token": format!("eyJ{}", c.token(90)), "refresh_token": c.token(32), "token_type": "Bearer", "expires_in": 900 })
}

fn me(c: &mut Ctx<'_>) -> Value {
    let orgs = c.list(1, 4, |c| json!({ "slug": c.id("orgSlug"), "role": c.pick(ROLES) }));
    json!({ "id": c.client.user_id, "email": c.client.email, "name": c.name(), "avatarUrl": opt!(c, 0.6, { let h = c.hex(16); json!(c.url(&format!("/avatars/{h}.png"))) }), "orgs": orgs, "mfa": c.chance(0.5), "createdAt": c.ts_ago(800.0) })
}

fn org(c: &mut Ctx<'_>) -> Value {
    let slug = match c.param("orgSlug") {
        s if !s.is_empty() => s,
        _ if c.method == "POST" => c.fresh("orgSlug"),
        _ => c.id("orgSlug"),
    };
    let v = json!({
        "slug": slug,
        "name": cap(&slug.replace('-', " ")),
        "plan": c.pick(&["free", "team", "team", "enterprise"]),
        "seats": { "used": c.zipf(300), "limit": c.pick(&[5, 25, 100, 1000]) },
        "billingEmail": opt!(c, 0.8, json!(c.email())),
        "ssoEnforced": c.chance(0.2),
        "createdAt": c.ts_ago(1200.0),
    });
    c.drop(v, &[("billingEmail", 0.2)])
}

fn member(c: &mut Ctx<'_>) -> Value {
    let id = if c.param("userId").is_empty() { c.id_int("userId") } else { c.param_int("userId") };
    let v = json!({ "userId": id, "email": c.email(), "name": c.name(), "role": c.pick(ROLES), "status": c.pick(&["active", "active", "invited"]), "joinedAt": opt!(c, 0.9, json!(c.ts_ago(600.0))), "lastActiveAt": opt!(c, 0.8, json!(c.ts_ago(20.0))) });
    c.drop(v, &[("lastActiveAt", 0.2)])
}

fn project(c: &mut Ctx<'_>) -> Value {
    let id = match c.param("projectId") {
        s if !s.is_empty() => s,
        _ if c.method == "POST" => c.fresh("projectId"),
        _ => c.id("projectId"),
    };
    json!({
        "id": id,
        "org": c.param("orgSlug"),
        "name": format!("{}-{}", c.pick(TECH_PREFIXES), c.pick(TECH_WORDS)),
        "region": c.pick(&["eu-west", "us-east", "ap-south"]),
        "archived": c.chance(0.05),
        "environments": c.list(1, 3, |c| json!({ "name": c.pick(&["production", "staging", "preview"]), "url": opt!(c, 0.7, json!(format!("https://{}.apps.example.test", c.hex(8)))) })),
        "createdAt": c.ts_ago(600.0),
        "updatedAt": c.ts_ago(30.0),
    })
}

fn api_key(c: &mut Ctx<'_>) -> Value {
    json!({ "id": c.id("keyId"), "name": c.title(), "prefix": format!("wsk_{}", c.b62(4)), "scopes": ["read"], "lastUsedAt": opt!(c, 0.7, json!(c.ts_ago(10.0))), "expiresAt": opt!(c, 0.8, json!(c.ts_ahead(200.0))) })
}

fn new_api_key(c: &mut Ctx<'_>) -> Value {
    let id = c.fresh("keyId");
    json!({ "id": id, "secret": format!("wsk_{}", c.b62(40)), "name": c.title(), "scopes": ["read", "write"], "expiresAt": c.ts_ahead(90.0) })
}

fn invoice(c: &mut Ctx<'_>) -> Value {
    let id = {
        let i = c.param("invoiceId");
        if i.is_empty() { c.id("invoiceId") } else { i }
    };
    let lines = c.list(1, 4, |c| json!({ "description": c.pick(&["Team plan seats", "Build minutes", "Storage GB-month", "Support add-on"]), "quantity": c.int(1, 200), "amount": c.int(100, 90_000) }));
    json!({ "id": id, "status": c.pick(&["paid", "paid", "open", "void"]), "currency": "EUR", "total": c.int(0, 500_000), "lines": lines, "periodStart": c.date_ago(60.0), "periodEnd": c.date_ago(30.0), "pdfUrl": c.url(&format!("/v2/orgs/{}/billing/invoices/{id}/pdf", c.param("orgSlug"))) })
}

fn usage(c: &mut Ctx<'_>) -> Value {
    let days = c.list(1, 30, |c| json!({ "date": c.date_ago(30.0), "buildMinutes": c.zipf(3000), "storageGb": c.int(0, 500) as f64 / 10.0, "requests": c.zipf(9_000_000) }));
    json!({ "org": c.param("orgSlug"), "granularity": c.query("granularity").unwrap_or("day"), "series": days })
}

fn admin_user(c: &mut Ctx<'_>) -> Value {
    let id = if c.param("userId").is_empty() { c.id_int("userId") } else { c.param_int("userId") };
    json!({ "id": id, "email": c.email(), "displayName": c.name(), "status": c.pick(&["active", "active", "suspended"]), "mfaEnabled": c.chance(0.5), "orgCount": c.zipf(6), "lastLoginAt": opt!(c, 0.9, json!(c.ts_ago(30.0))), "createdAt": c.ts_ago(900.0) })
}

fn admin_role(c: &mut Ctx<'_>) -> Value {
    let name = c.pick(ROLES);
    let perms = c.list(2, 6, |c| {
        json!(format!(
            "{}:{}",
            c.pick(&["org", "project", "billing", "member", "apikey"]),
            c.pick(&["read", "write", "delete"])
        ))
    });
    json!({ "key": name, "label": cap(name), "builtIn": c.chance(0.8), "permissions": perms, "assignments": c.zipf(5000) })
}

fn admin_group(c: &mut Ctx<'_>) -> Value {
    json!({ "groupId": c.uuid(), "title": format!("{} {}", cap(c.pick(TECH_WORDS)), c.pick(&["team", "guild", "squad", "on-call"])), "memberCount": c.zipf(200), "source": c.pick(&["manual", "scim", "saml"]), "syncedAt": opt!(c, 0.5, json!(c.ts_ago(2.0))) })
}

fn audit_entry(c: &mut Ctx<'_>) -> Value {
    let org = c.id("orgSlug");
    let v = json!({
        "eventId": c.uuid(),
        "occurredAt": c.ts_ago(14.0),
        "actor": { "type": c.pick(&["user", "apikey", "system"]), "id": c.id("userId"), "ip": format!("192.0.2.{}", c.int(1, 254)) },
        "action": c.pick(&["member.invited", "project.deleted", "apikey.created", "login.failed", "org.updated"]),
        "target": { "org": org, "resource": opt!(c, 0.7, json!(c.id("projectId"))) },
        "userAgent": opt!(c, 0.8, json!(c.client.ua.clone())),
    });
    c.drop(v, &[("userAgent", 0.2)])
}

fn flag(c: &mut Ctx<'_>) -> Value {
    let key = {
        let k = c.param("flagKey");
        if k.is_empty() { c.id("flagKey") } else { k }
    };
    json!({ "flagKey": key, "enabled": c.chance(0.5), "rollout": c.pick(&[0, 10, 25, 50, 100]), "description": c.sentence(4, 10), "updatedBy": c.email(), "updatedAt": c.ts_ago(40.0) })
}

fn admin_session(c: &mut Ctx<'_>) -> Value {
    json!({ "sessionId": c.token(18), "user": c.id_int("userId"), "ip": format!("203.0.113.{}", c.int(1, 254)), "device": c.pick(&["Chrome on macOS", "Firefox on Linux", "Safari on iOS", "workspace-cli"]), "startedAt": c.ts_ago(7.0), "expiresAt": c.ts_ahead(7.0) })
}

fn package_card(c: &mut Ctx<'_>) -> Value {
    json!({ "name": c.id("name"), "latest": c.id("version"), "description": opt!(c, 0.8, json!(c.sentence(4, 12))), "downloads": c.zipf(2_000_000) })
}

fn package(c: &mut Ctx<'_>) -> Value {
    let name = c.param("name");
    let v = json!({
        "name": name,
        "description": opt!(c, 0.85, json!(c.sentence(4, 14))),
        "distTags": { "latest": c.id("version"), "next": opt!(c, 0.3, json!(c.id("version"))) },
        "maintainers": c.list(1, 3, |c| json!({ "name": c.username(), "email": c.email() })),
        "license": c.pick(&["MIT", "Apache-2.0", "ISC", "BSD-3-Clause"]),
        "repository": opt!(c, 0.7, json!({ "type": "git", "url": format!("https://codehub.example.test/{}/{}", c.username(), name.rsplit('/').next().unwrap_or("")) })),
        "keywords": c.tags(4),
        "downloads": { "weekly": c.zipf(500_000) },
        "createdAt": c.ts_ago(2000.0),
        "modifiedAt": c.ts_ago(60.0),
    });
    c.drop(v, &[("repository", 0.2), ("keywords", 0.2)])
}

fn version_card(c: &mut Ctx<'_>) -> Value {
    json!({ "version": c.make(Kind::Semver), "publishedAt": c.ts_ago(900.0), "deprecated": opt!(c, 0.05, json!("use a newer release")) })
}

fn version(c: &mut Ctx<'_>) -> Value {
    let name = c.param("name");
    let ver = {
        let v = c.param("version");
        if v.is_empty() { c.id("version") } else { v }
    };
    let digest = c.id("digest");
    let deps = {
        let n = c.int(0, 6);
        let mut m = serde_json::Map::new();
        for _ in 0..n {
            let dep = c.make(Kind::Package);
            let range = format!("^{}", c.make(Kind::Semver));
            m.insert(dep, json!(range));
        }
        Value::Object(m)
    };
    let v = json!({
        "name": name,
        "version": ver,
        "dependencies": deps,
        "engines": opt!(c, 0.5, json!({ "node": ">=18" })),
        "dist": { "digest": digest, "size": c.int(2_000, 4_000_000), "tarball": c.url(&format!("/v2/blobs/{digest}")) },
        "deprecated": opt!(c, 0.04, json!("critical bug, upgrade")),
        "publishedAt": c.ts_ago(500.0),
        "publishedBy": c.username(),
    });
    c.drop(v, &[("engines", 0.3), ("deprecated", 0.8)])
}

fn publish(c: &mut Ctx<'_>) -> Value {
    json!({ "readme": format!("# {}\n\n{}", c.param("name"), c.paragraph(3)), "dependencies": {}, "dist": { "integrity": format!("sha512-{}", c.token(48)), "attachment": c.token(120) }, "tag": c.pick(&["latest", "next"]) })
}
