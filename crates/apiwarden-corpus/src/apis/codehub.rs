//! `codehub`: a code-hosting REST API used by its single-page web app (cross-origin, JWT),
//! a command-line tool and CI bots (opaque tokens) and anonymous scripts.

use serde_json::{Value, json};

use crate::engine::ClientKind::*;
use crate::engine::*;
use crate::values::Kind;
use crate::words::{LOREM, TECH_WORDS};

const PAGE: Q = q("page", 0.4, QV::Int(1, 30));
const PER_PAGE: Q = q("per_page", 0.4, QV::Pick(&["30", "50", "100"]));
const DOCS: &str = "https://docs.codehub.example.test/rest";
const LANGS: &[&str] = &["Rust", "Go", "TypeScript", "Python", "Java", "C", "Kotlin", "Ruby", "Shell"];

pub(crate) fn spec() -> ApiSpec {
    let endpoints = vec![
        get("/health", 4.0).monitor().json(|_| json!({ "status": "pass" })),
        get("/rate_limit", 1.0).json(|c| json!({ "resources": { "core": { "limit": 5000, "remaining": c.int(0, 5000), "reset": c.now / 1000 + 1800 }, "search": { "limit": 30, "remaining": c.int(0, 30) } } })),
        get("/users/me", 5.0).json(me),
        patch("/users/me", 0.3).body(|c| { let v = json!({ "bio": c.sentence(4, 10), "location": c.city(), "blog": opt!(c, 0.3, json!(format!("https://{}.blog.example.test", c.client.username))) }); c.drop(v, &[("bio", 0.4), ("location", 0.5)]) }).json(me).err(&[422]),
        get("/users/me/repos", 2.5).q(&[PAGE, PER_PAGE, q("sort", 0.3, QV::Pick(&["updated", "pushed", "full_name"])), q("visibility", 0.2, QV::Pick(&["all", "public", "private"]))]).list(repo),
        post("/users/me/repos", 0.4).body(new_repo).json(repo).err(&[422]),
        get("/users/me/starred", 0.8).q(&[PAGE]).list(repo),
        put("/users/me/starred/{owner}/{repo}", 0.4).ok(204).resp(Resp::Empty).err(&[404]),
        delete("/users/me/starred/{owner}/{repo}", 0.15).err(&[404]),
        put("/users/me/following/{username}", 0.3).ok(204).resp(Resp::Empty).err(&[404]),
        delete("/users/me/following/{username}", 0.0).exactly(1),
        get("/users/search", 1.5).q(&[q("q", 1.0, QV::Words), PAGE, PER_PAGE]).json(|c| { let items = c.list(0, 20, user_card); json!({ "total_count": c.int(0, 5000), "incomplete_results": false, "items": items }) }),
        get("/users/{username}", 9.0).public().json(user).err(&[404]),
        get("/users/{username}/repos", 4.0).public().q(&[PAGE, PER_PAGE, q("type", 0.2, QV::Pick(&["owner", "member"]))]).list(repo),
        get("/users/{username}/repos/{repoSlug}", 1.0).public().json(repo).err(&[404]),
        get("/users/{username}/followers", 1.2).public().q(&[PAGE]).list(user_card),
        get("/users/{username}/avatar", 3.0).public().q(&[q("s", 0.5, QV::Pick(&["40", "80", "460"]))]).resp(Resp::Binary("image/png")),
        get("/repos/{owner}/{repo}", 10.0).public().json(repo).err(&[404]),
        patch("/repos/{owner}/{repo}", 0.2).body(|c| { let v = json!({ "description": c.sentence(4, 12), "homepage": opt!(c, 0.3, json!(c.url("/"))), "has_wiki": c.chance(0.5), "default_branch": "main" }); c.drop(v, &[("homepage", 0.5), ("has_wiki", 0.5), ("default_branch", 0.8)]) }).json(repo).err(&[403, 422]),
        delete("/repos/{owner}/{repo}", 0.0).exactly(1),
        get("/repos/{owner}/{repo}/readme", 2.0).public().json(readme).err(&[404]),
        get("/repos/{owner}/{repo}/commits", 4.0).public().q(&[q("sha", 0.3, QV::Pick(&["main", "develop"])), q("since", 0.2, QV::DateTime(60)), PAGE, PER_PAGE]).list(commit),
        get("/repos/{owner}/{repo}/commits/{sha}", 4.0).public().json(commit_detail).err(&[404, 422]),
        get("/repos/{owner}/{repo}/branches", 1.5).public().q(&[PAGE, q("protected", 0.2, QV::Bool)]).list(branch),
        get("/repos/{owner}/{repo}/branches/{branch}", 1.5).public().json(branch).err(&[404]),
        get("/repos/{owner}/{repo}/issues", 5.0).public().q(&[q("state", 0.5, QV::Pick(&["open", "closed", "all"])), q("labels", 0.2, QV::Many(&["bug", "enhancement", "good first issue", "docs"])), q("sort", 0.2, QV::Pick(&["created", "updated", "comments"])), PAGE, PER_PAGE]).list(issue),
        post("/repos/{owner}/{repo}/issues", 0.8).body(new_issue).json(issue).err(&[410, 422]),
        get("/repos/{owner}/{repo}/issues/{number}", 5.0).public().json(issue).err(&[404, 410]),
        patch("/repos/{owner}/{repo}/issues/{number}", 0.7).body(|c| { let v = json!({ "state": c.pick(&["open", "closed"]), "title": c.title(), "labels": c.tags(2), "assignees": [c.id("username")] }); c.drop(v, &[("title", 0.7), ("labels", 0.5), ("assignees", 0.6)]) }).json(issue).err(&[404, 422]),
        get("/repos/{owner}/{repo}/issues/{number}/comments", 2.5).public().q(&[PAGE, q("since", 0.1, QV::DateTime(30))]).list(comment),
        post("/repos/{owner}/{repo}/issues/{number}/comments", 0.9).body(|c| json!({ "body": c.paragraph(3) })).json(comment).err(&[404, 422]),
        get("/repos/{owner}/{repo}/pulls", 2.5).public().q(&[q("state", 0.4, QV::Pick(&["open", "closed", "all"])), q("base", 0.1, QV::Pick(&["main"])), PAGE]).list(pull),
        get("/repos/{owner}/{repo}/pulls/{number}", 2.0).public().json(pull).err(&[404]),
        put("/repos/{owner}/{repo}/pulls/{number}/merge", 0.25).ok(200).body(|c| { let v = json!({ "merge_method": c.pick(&["merge", "squash", "rebase"]), "commit_title": c.title() }); c.drop(v, &[("commit_title", 0.5)]) }).json(|c| json!({ "sha": c.hex(40), "merged": true, "message": "Pull Request successfully merged" })).err(&[405, 409]),
        get("/repos/{owner}/{repo}/releases", 1.2).public().q(&[PAGE]).list(release),
        get("/repos/{owner}/{repo}/releases/latest", 2.0).public().json(release).err(&[404]),
        get("/repos/{owner}/{repo}/releases/tags/{tag}", 1.0).public().json(release).err(&[404]),
        get("/repos/{owner}/{repo}/releases/{releaseId}", 0.5).public().json(release).err(&[404]),
        get("/repos/{owner}/{repo}/stargazers", 0.7).public().q(&[PAGE, PER_PAGE]).list(user_card),
        get("/search/repositories", 2.0).lat(180.0).public().q(&[q("q", 1.0, QV::Words), q("sort", 0.3, QV::Pick(&["stars", "forks", "updated"])), q("order", 0.2, QV::Pick(&["desc", "asc"])), PAGE]).json(|c| { let items = c.list(0, 25, repo); json!({ "total_count": c.int(0, 90_000), "incomplete_results": c.chance(0.02), "items": items }) }),
        get("/orgs/{org}", 1.0).public().json(org).err(&[404]),
        get("/orgs/{org}/repos", 1.2).public().q(&[PAGE, PER_PAGE, q("type", 0.3, QV::Pick(&["all", "public", "sources", "forks"]))]).list(repo),
        get("/orgs/{org}/members", 0.6).q(&[PAGE]).list(user_card).err(&[403]),
        get("/gists/{gistId}", 1.5).public().json(gist).err(&[404]),
        post("/gists", 0.2).body(|c| json!({ "description": c.sentence(3, 8), "public": c.chance(0.6), "files": { format!("{}.md", c.pick(TECH_WORDS)): { "content": c.paragraph(3) } } })).json(gist).err(&[422]),
        post("/markdown", 0.0).exactly(1).body(|c| json!({ "text": format!("# {}\n\n{}", c.title(), c.paragraph(2)), "mode": "gfm" })).ok(200).resp(Resp::Text("text/html; charset=utf-8", |c| format!("<h1>{}</h1>\n<p>{}</p>\n", c.title(), c.paragraph(2)))),
    ];
    let params = vec![
        param("username", Kind::Username, 0.72, usize::MAX),
        param("owner", Kind::Username, 0.8, usize::MAX),
        param("repo", Kind::RepoSlug, 0.7, usize::MAX),
        param("repoSlug", Kind::RepoSlug, 0.5, usize::MAX),
        param("sha", Kind::Hex(40), 0.3, usize::MAX),
        param("branch", Kind::Branch, 0.6, usize::MAX),
        param("number", Kind::Int(1, 4000), 0.55, usize::MAX),
        param("tag", Kind::VTag, 0.6, usize::MAX),
        param("releaseId", Kind::Int(1_000_000, 99_999_999), 0.4, usize::MAX),
        param("org", Kind::OrgSlug, 0.75, usize::MAX),
        param("gistId", Kind::Hex(32), 0.5, usize::MAX),
    ];
    let clients = vec![
        mix(Browser, AuthStyle::BearerJwt, 300, 0.45),
        mix(Sdk, AuthStyle::BearerToken("chp_"), 120, 0.3),
        mix(Script, AuthStyle::BearerToken("chp_"), 40, 0.15),
        mix(Script, AuthStyle::None, 60, 0.1),
    ];
    let mut s = ApiSpec::new(endpoints, params, clients);
    s.envelope = |c, items, total| {
        let per = c.query("per_page").and_then(|p| p.parse::<i64>().ok()).unwrap_or(30);
        let last = ((total + per - 1) / per).max(1);
        let page = c.page();
        let mut links = Vec::new();
        let base = c.url(c.path);
        if page < last {
            links.push(format!("<{base}?page={}&per_page={per}>; rel=\"next\"", page + 1));
            links.push(format!("<{base}?page={last}&per_page={per}>; rel=\"last\""));
        }
        if page > 1 {
            links.push(format!("<{base}?page=1&per_page={per}>; rel=\"first\""));
        }
        let headers =
            if links.is_empty() { Vec::new() } else { vec![("Link".to_string(), links.join(", "))] };
        (Value::Array(items), headers)
    };
    s.error = |c, status| {
        let message = match status {
            401 => "Requires authentication",
            403 => "Resource not accessible by integration",
            404 => "Not Found",
            405 => "Pull Request is not mergeable",
            409 => "Head branch was modified. Review and try the merge again.",
            410 => "Issues are disabled for this repo",
            422 => "Validation Failed",
            301 => "Moved Permanently",
            _ => "Server Error",
        };
        let mut v = json!({ "message": message, "documentation_url": DOCS, "status": status.to_string() });
        if status == 422
            && let Some(o) = v.as_object_mut()
        {
            o.insert("errors".into(), json!([{ "resource": c.pick(&["Issue", "Repository", "Gist"]), "field": c.pick(&["title", "name", "files"]), "code": c.pick(&["missing_field", "already_exists", "invalid"]) }]));
        }
        v
    };
    s.server = "codehub.example.test";
    s.server_ip = "198.51.100.40";
    s.app_ua = "codehub-cli/2.44.1";
    s.cors_origin = Some("https://codehub.example.test");
    s.pretty = false;
    s.default_limit = 30;
    s.extra_response_headers = &[
        ("X-RateLimit-Limit", "5000"),
        ("X-RateLimit-Remaining", "{remaining}"),
        ("X-RateLimit-Reset", "{reset}"),
        ("X-CodeHub-Media-Type", "codehub.v3; format=json"),
    ];
    s
}

fn api(c: &Ctx<'_>, path: &str) -> String {
    c.url(path)
}

fn user_card(c: &mut Ctx<'_>) -> Value {
    let login = c.id("username");
    json!({
        "login": login,
        "id": c.int(1, 9_000_000),
        "avatar_url": api(c, &format!("/users/{login}/avatar")),
        "url": api(c, &format!("/users/{login}")),
        "type": if c.chance(0.95) { "User" } else { "Bot" },
        "site_admin": false,
    })
}

fn owner_card(c: &mut Ctx<'_>, login: &str) -> Value {
    json!({ "login": login, "id": c.int(1, 9_000_000), "url": api(c, &format!("/users/{login}")), "type": "User" })
}

fn user(c: &mut Ctx<'_>) -> Value {
    let login = c.param("username");
    let v = json!({
        "login": login,
        "id": c.int(1, 9_000_000),
        "name": opt!(c, 0.8, json!(c.name())),
        "company": opt!(c, 0.4, json!(format!("@{}", c.make(Kind::OrgSlug)))),
        "blog": opt!(c, 0.3, json!(format!("https://{login}.blog.example.test"))),
        "location": opt!(c, 0.6, json!(c.city())),
        "bio": opt!(c, 0.5, json!(c.sentence(4, 14))),
        "public_repos": c.zipf(300),
        "followers": c.zipf(20_000),
        "following": c.zipf(500),
        "hireable": opt!(c, 0.3, json!(c.chance(0.5))),
        "avatar_url": api(c, &format!("/users/{login}/avatar")),
        "repos_url": api(c, &format!("/users/{login}/repos")),
        "created_at": c.ts_ago(3000.0),
        "updated_at": c.ts_ago(60.0),
    });
    c.drop(v, &[("hireable", 0.5)])
}

fn me(c: &mut Ctx<'_>) -> Value {
    let login = c.client.username.clone();
    json!({
        "login": login,
        "id": c.client.user_id,
        "email": c.client.email,
        "name": c.name(),
        "two_factor_authentication": c.chance(0.6),
        "plan": { "name": c.pick(&["free", "pro", "team"]), "private_repos": 9999, "collaborators": 0 },
        "public_repos": c.zipf(100),
        "total_private_repos": c.zipf(40),
        "avatar_url": api(c, &format!("/users/{login}/avatar")),
        "created_at": c.ts_ago(3000.0),
    })
}

fn repo(c: &mut Ctx<'_>) -> Value {
    let owner = match (c.param("owner"), c.param("username")) {
        (o, _) if !o.is_empty() => o,
        (_, u) if !u.is_empty() => u,
        _ => c.id("owner"),
    };
    let name = match (c.param("repo"), c.param("repoSlug")) {
        (r, _) if !r.is_empty() => r,
        (_, r) if !r.is_empty() => r,
        _ => c.make(Kind::RepoSlug),
    };
    let full = format!("{owner}/{name}");
    let owner_v = owner_card(c, &owner);
    let v = json!({
        "id": c.int(1, 800_000_000),
        "name": name,
        "full_name": full,
        "owner": owner_v,
        "private": c.chance(0.15),
        "description": opt!(c, 0.8, json!(c.sentence(4, 14))),
        "fork": c.chance(0.1),
        "url": api(c, &format!("/repos/{full}")),
        "homepage": opt!(c, 0.2, json!(format!("https://{name}.docs.example.test"))),
        "language": opt!(c, 0.9, json!(c.pick(LANGS))),
        "stargazers_count": c.zipf(50_000),
        "forks_count": c.zipf(5000),
        "open_issues_count": c.zipf(800),
        "topics": c.tags(4),
        "default_branch": if c.chance(0.85) { "main" } else { "master" },
        "license": opt!(c, 0.7, json!({ "key": c.pick(&["mit", "apache-2.0", "gpl-3.0", "bsd-3-clause"]), "name": "License" })),
        "archived": c.chance(0.03),
        "pushed_at": c.ts_ago(200.0),
        "created_at": c.ts_ago(2500.0),
        "updated_at": c.ts_ago(100.0),
    });
    c.drop(v, &[("homepage", 0.3), ("topics", 0.1)])
}

fn new_repo(c: &mut Ctx<'_>) -> Value {
    let v = json!({ "name": c.make(Kind::RepoSlug), "description": c.sentence(3, 10), "private": c.chance(0.4), "auto_init": c.chance(0.6), "gitignore_template": c.pick(&["Rust", "Node", "Python", "Go"]) });
    c.drop(v, &[("description", 0.3), ("auto_init", 0.4), ("gitignore_template", 0.6)])
}

fn readme(c: &mut Ctx<'_>) -> Value {
    let content = format!("# {}\n\n{}\n", c.param("repo"), c.paragraph(4));
    use base64::Engine as _;
    json!({
        "name": "README.md",
        "path": "README.md",
        "sha": c.hex(40),
        "size": content.len(),
        "encoding": "base64",
        "content": base64::engine::general_purpose::STANDARD.encode(content),
    })
}

fn git_user(c: &mut Ctx<'_>) -> Value {
    json!({ "name": c.name(), "email": c.email(), "date": c.ts_ago(90.0) })
}

fn commit(c: &mut Ctx<'_>) -> Value {
    let sha = c.id("sha");
    let author = git_user(c);
    let committer = git_user(c);
    let msg = c.sentence(3, 9);
    json!({
        "sha": sha,
        "commit": { "author": author, "committer": committer, "message": msg, "comment_count": c.zipf(10) },
        "author": opt!(c, 0.9, json!({ "login": c.id("username") })),
        "parents": c.list(1, 2, |c| json!({ "sha": c.hex(40) })),
    })
}

fn commit_detail(c: &mut Ctx<'_>) -> Value {
    let mut v = commit(c);
    if let Some(o) = v.as_object_mut() {
        o.insert("sha".into(), json!(c.param("sha")));
        let files = c.list(1, 8, |c| {
            let add = c.zipf(300);
            let del = c.zipf(200);
            json!({ "filename": format!("src/{}.{}", c.pick(TECH_WORDS), c.pick(&["rs", "go", "ts", "py"])), "status": c.pick(&["modified", "added", "removed"]), "additions": add, "deletions": del, "changes": add + del })
        });
        o.insert("files".into(), files);
        o.insert(
            "stats".into(),
            json!({ "additions": c.zipf(900), "deletions": c.zipf(500), "total": c.zipf(1400) }),
        );
    }
    v
}

fn branch(c: &mut Ctx<'_>) -> Value {
    let name = {
        let b = c.param("branch");
        if b.is_empty() { c.id("branch") } else { b }
    };
    json!({ "name": name, "commit": { "sha": c.hex(40) }, "protected": name == "main" || c.chance(0.1) })
}

fn label(c: &mut Ctx<'_>) -> Value {
    json!({ "name": c.pick(&["bug", "enhancement", "docs", "good first issue", "help wanted", "wontfix"]), "color": c.hex(6) })
}

fn issue(c: &mut Ctx<'_>) -> Value {
    let number = if c.param("number").is_empty() { c.int(1, 4000) } else { c.param_int("number") };
    let owner = c.param("owner");
    let repo = c.param("repo");
    let user = user_card(c);
    let v = json!({
        "id": c.int(1, 2_000_000_000),
        "number": number,
        "title": c.sentence(3, 10),
        "body": opt!(c, 0.85, json!(c.paragraph(5))),
        "state": c.pick(&["open", "open", "closed"]),
        "state_reason": opt!(c, 0.3, json!(c.pick(&["completed", "not_planned"]))),
        "user": user,
        "labels": c.list(0, 3, label),
        "assignees": c.list(0, 2, user_card),
        "comments": c.zipf(80),
        "url": api(c, &format!("/repos/{owner}/{repo}/issues/{number}")),
        "locked": false,
        "created_at": c.ts_ago(400.0),
        "updated_at": c.ts_ago(30.0),
        "closed_at": opt!(c, 0.3, json!(c.ts_ago(20.0))),
    });
    c.drop(v, &[("state_reason", 0.5)])
}

fn new_issue(c: &mut Ctx<'_>) -> Value {
    let v = json!({ "title": c.sentence(3, 10), "body": c.paragraph(4), "labels": [c.pick(&["bug", "enhancement"])], "assignees": [c.id("username")] });
    c.drop(v, &[("labels", 0.5), ("assignees", 0.7)])
}

fn comment(c: &mut Ctx<'_>) -> Value {
    let user = user_card(c);
    json!({ "id": c.int(1, 2_000_000_000), "body": c.paragraph(3), "user": user, "author_association": c.pick(&["OWNER", "MEMBER", "CONTRIBUTOR", "NONE"]), "created_at": c.ts_ago(60.0), "updated_at": c.ts_ago(30.0) })
}

fn pull(c: &mut Ctx<'_>) -> Value {
    let number = if c.param("number").is_empty() { c.int(1, 4000) } else { c.param_int("number") };
    let user = user_card(c);
    let head = c.id("branch");
    json!({
        "id": c.int(1, 2_000_000_000),
        "number": number,
        "state": c.pick(&["open", "closed"]),
        "title": c.sentence(3, 9),
        "user": user,
        "body": opt!(c, 0.7, json!(c.paragraph(4))),
        "head": { "ref": head, "sha": c.hex(40) },
        "base": { "ref": "main", "sha": c.hex(40) },
        "draft": c.chance(0.15),
        "merged": c.chance(0.4),
        "mergeable": opt!(c, 0.8, json!(c.chance(0.8))),
        "requested_reviewers": c.list(0, 2, user_card),
        "created_at": c.ts_ago(90.0),
        "merged_at": opt!(c, 0.4, json!(c.ts_ago(30.0))),
    })
}

fn release(c: &mut Ctx<'_>) -> Value {
    let tag = {
        let t = c.param("tag");
        if t.is_empty() { c.id("tag") } else { t }
    };
    let id = if c.param("releaseId").is_empty() { c.id_int("releaseId") } else { c.param_int("releaseId") };
    let author = user_card(c);
    json!({
        "id": id,
        "tag_name": tag,
        "name": format!("Release {}", tag.trim_start_matches('v')),
        "body": c.paragraph(4),
        "draft": false,
        "prerelease": tag.contains('-'),
        "author": author,
        "assets": c.list(0, 4, |c| json!({ "id": c.int(1, 90_000_000), "name": format!("{}-{}.tar.gz", c.pick(TECH_WORDS), c.pick(&["linux-x86_64", "darwin-arm64", "windows-x86_64"])), "size": c.int(100_000, 90_000_000), "download_count": c.zipf(100_000) })),
        "published_at": c.ts_ago(300.0),
    })
}

fn org(c: &mut Ctx<'_>) -> Value {
    let login = c.param("org");
    json!({
        "login": login,
        "id": c.int(1, 90_000_000),
        "name": crate::engine::cap(&login.replace('-', " ")),
        "description": opt!(c, 0.6, json!(c.sentence(4, 12))),
        "public_repos": c.zipf(900),
        "is_verified": c.chance(0.3),
        "url": api(c, &format!("/orgs/{login}")),
        "created_at": c.ts_ago(3000.0),
    })
}

fn gist(c: &mut Ctx<'_>) -> Value {
    let id = {
        let g = c.param("gistId");
        if g.is_empty() { c.fresh("gistId") } else { g }
    };
    let owner = user_card(c);
    let file = format!("{}.{}", c.pick(TECH_WORDS), c.pick(&["md", "sh", "py", "rs", "toml"]));
    let text: String = (0..c.int(3, 30)).map(|_| c.pick(LOREM)).collect::<Vec<_>>().join(" ");
    json!({
        "id": id,
        "description": opt!(c, 0.7, json!(c.sentence(3, 9))),
        "public": c.chance(0.7),
        "owner": owner,
        "files": { file.clone(): { "filename": file, "size": text.len(), "content": text } },
        "comments": c.zipf(20),
        "created_at": c.ts_ago(900.0),
    })
}
