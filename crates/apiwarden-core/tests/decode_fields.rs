//! `call_fields` on hand-built calls: every location, caps, odd inputs.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use apiwarden_core::decode::{DecodeLimits, Decoded, DecoderRegistry, call_fields};
use apiwarden_core::model::{ApiCall, Body, CallId, Header, HttpRequest, HttpResponse, Observed, SourceKind};
use apiwarden_core::{Direction, Field, FieldValue, Location};
use serde_json::json;

// In a `decode_*` module so that `cargo test -p apiwarden-core decode` selects these tests.
mod decode_fields {
    use super::*;

    fn call(method: &str, path: &str, query: Option<&str>, headers: &[(&str, &str)], body: &[u8]) -> ApiCall {
        ApiCall {
            id: CallId(1),
            started_at_us: 0,
            observed: Observed { source: SourceKind::Har, origin: "test".into(), position: None },
            client: Default::default(),
            request: HttpRequest {
                method: method.into(),
                scheme: "https".into(),
                host: "api.test".into(),
                path: path.into(),
                query: query.map(str::to_owned),
                http_version: None,
                headers: headers.iter().map(|(n, v)| Header::new(n, *v)).collect(),
                body: Body::from_bytes(body.to_vec()),
            },
            response: None,
            timings: Default::default(),
        }
    }

    fn with_response(mut call: ApiCall, status: u16, headers: &[(&str, &str)], body: &[u8]) -> ApiCall {
        call.response = Some(HttpResponse {
            status,
            headers: headers.iter().map(|(n, v)| Header::new(n, *v)).collect(),
            body: Body::from_bytes(body.to_vec()),
        });
        call
    }

    /// Decodes both bodies with the default registry and returns the fields.
    fn fields_of(call: &ApiCall, limits: &DecodeLimits) -> Vec<Field> {
        let registry = DecoderRegistry::default();
        let request = registry.decode(call.request.header("content-type"), &call.request.body.bytes, limits);
        let response = call
            .response
            .as_ref()
            .and_then(|r| registry.decode(r.header("content-type"), &r.body.bytes, limits));
        let request = request.and_then(Result::ok);
        let response = response.and_then(Result::ok);
        call_fields(call, request.as_ref(), response.as_ref(), limits)
    }

    fn find<'a>(
        fields: &'a [Field],
        direction: Direction,
        location: Location,
        path: &str,
    ) -> Vec<&'a FieldValue> {
        fields
            .iter()
            .filter(|f| f.direction == direction && f.location == location && f.path == path)
            .map(|f| &f.value)
            .collect()
    }

    fn text(value: &str) -> FieldValue {
        FieldValue::Text(value.into())
    }

    #[test]
    fn every_location_of_a_full_call() {
        let request = call(
            "POST",
            "/users/42/files/a%20b.txt",
            Some("page=2&tag=x&tag=y&q=%27%20OR%201%3D1"),
            &[
                ("Content-Type", "application/json; charset=utf-8"),
                ("X-Api-Key", "k-123"),
                ("Cookie", "session=abc; theme=\"dark\""),
                ("cookie", "session=def"),
            ],
            br#"{"user":{"name":"ann","emails":["a@x.test"]},"n":1.5,"ok":true,"none":null}"#,
        );
        let full = with_response(
            request,
            200,
            &[
                ("Content-Type", "application/problem+json"),
                ("Set-Cookie", "sid=xyz; Path=/; HttpOnly; Secure"),
                ("Set-Cookie", "pref=\"a b\"; Max-Age=10"),
                ("X-Request-Id", "r1"),
            ],
            br#"{"id":42,"token":"t"}"#,
        );
        let fields = fields_of(&full, &DecodeLimits::default());
        let req = Direction::Request;
        let resp = Direction::Response;

        assert_eq!(find(&fields, req, Location::Path, "/0"), [&text("users")]);
        assert_eq!(find(&fields, req, Location::Path, "/1"), [&text("42")]);
        assert_eq!(find(&fields, req, Location::Path, "/3"), [&text("a b.txt")]);
        assert_eq!(find(&fields, req, Location::Query, "/page"), [&text("2")]);
        assert_eq!(find(&fields, req, Location::Query, "/tag/0"), [&text("x")]);
        assert_eq!(find(&fields, req, Location::Query, "/tag/1"), [&text("y")]);
        assert!(find(&fields, req, Location::Query, "/tag").is_empty());
        assert_eq!(find(&fields, req, Location::Query, "/q"), [&text("' OR 1=1")]);
        assert_eq!(find(&fields, req, Location::Header, "/x-api-key"), [&text("k-123")]);
        assert_eq!(
            find(&fields, req, Location::Header, "/content-type"),
            [&text("application/json; charset=utf-8")]
        );
        assert!(find(&fields, req, Location::Header, "/cookie").is_empty());
        assert_eq!(find(&fields, req, Location::Cookie, "/session/0"), [&text("abc")]);
        assert_eq!(find(&fields, req, Location::Cookie, "/session/1"), [&text("def")]);
        assert_eq!(find(&fields, req, Location::Cookie, "/theme"), [&text("dark")]);
        assert_eq!(find(&fields, req, Location::Body, "/user/name"), [&text("ann")]);
        assert_eq!(find(&fields, req, Location::Body, "/user/emails/0"), [&text("a@x.test")]);
        assert_eq!(
            find(&fields, req, Location::Body, "/n"),
            [&FieldValue::Number(serde_json::Number::from_f64(1.5).unwrap())]
        );
        assert_eq!(find(&fields, req, Location::Body, "/ok"), [&FieldValue::Bool(true)]);
        assert_eq!(find(&fields, req, Location::Body, "/none"), [&FieldValue::Null]);

        assert_eq!(find(&fields, resp, Location::Header, "/x-request-id"), [&text("r1")]);
        assert!(find(&fields, resp, Location::Header, "/set-cookie").is_empty());
        assert_eq!(find(&fields, resp, Location::Cookie, "/sid"), [&text("xyz")]);
        assert_eq!(find(&fields, resp, Location::Cookie, "/pref"), [&text("a b")]);
        assert_eq!(find(&fields, resp, Location::Body, "/id"), [&FieldValue::Number(42.into())]);

        // Request fields come before response fields.
        let first_response = fields.iter().position(|f| f.direction == resp).unwrap();
        assert!(fields[first_response..].iter().all(|f| f.direction == resp));
    }

    #[test]
    fn root_path_has_no_segments_and_empty_segments_keep_their_index() {
        let fields = fields_of(&call("GET", "/", None, &[], b""), &DecodeLimits::default());
        assert!(fields.is_empty());
        let fields = fields_of(&call("GET", "/a//b/", None, &[], b""), &DecodeLimits::default());
        let paths: Vec<_> = fields.iter().map(|f| (f.path.as_str(), f.value.as_text().unwrap())).collect();
        assert_eq!(paths, [("/0", "a"), ("/1", ""), ("/2", "b"), ("/3", "")]);
    }

    #[test]
    fn peeled_values_keep_the_original_field() {
        let body = json!({
            "payload": "{\"a\":1,\"b\":\"%27x\"}",
            "blob": "eyJ1c2VyIjoiYWRtaW4ifQ==",
            "next": "a=1&b=2",
            "word": "internationalization",
        });
        let request = call(
            "POST",
            "/p/%252e%252e",
            Some("data=%257B%2522k%2522%253A%2522v%2522%257D"),
            &[("content-type", "application/json")],
            body.to_string().as_bytes(),
        );
        let fields = fields_of(&request, &DecodeLimits::default());
        let req = Direction::Request;
        assert_eq!(find(&fields, req, Location::Body, "/payload").len(), 1);
        assert_eq!(find(&fields, req, Location::Body, "/payload/a"), [&FieldValue::Number(1.into())]);
        assert_eq!(find(&fields, req, Location::Body, "/payload/b"), [&text("%27x"), &text("'x")]);
        assert_eq!(find(&fields, req, Location::Body, "/blob/user"), [&text("admin")]);
        assert_eq!(find(&fields, req, Location::Body, "/next/a"), [&text("1")]);
        assert_eq!(find(&fields, req, Location::Body, "/next/b"), [&text("2")]);
        assert_eq!(find(&fields, req, Location::Body, "/word"), [&text("internationalization")]);
        // Double-encoded path traversal: decoded once as a segment, once more by peeling.
        assert_eq!(find(&fields, req, Location::Path, "/1"), [&text("%2e%2e"), &text("..")]);
        // Double-encoded JSON in a query value.
        assert_eq!(find(&fields, req, Location::Query, "/data/k"), [&text("v")]);
    }

    #[test]
    fn form_and_multipart_bodies() {
        let form = call(
            "POST",
            "/login",
            None,
            &[("content-type", "application/x-www-form-urlencoded")],
            b"user=admin&pass=x%27+OR+1%3D1&role=a&role=b",
        );
        let fields = fields_of(&form, &DecodeLimits::default());
        assert_eq!(find(&fields, Direction::Request, Location::Body, "/pass"), [&text("x' OR 1=1")]);
        assert_eq!(find(&fields, Direction::Request, Location::Body, "/role/1"), [&text("b")]);

        let multipart = call(
            "POST",
            "/upload",
            None,
            &[("content-type", "multipart/form-data; boundary=----b")],
            b"------b\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nhi\r\n\
------b\r\nContent-Disposition: form-data; name=\"f\"; filename=\"../../etc/passwd\"\r\n\
Content-Type: text/plain\r\n\r\nroot:x:0:0\r\n------b--\r\n",
        );
        let fields = fields_of(&multipart, &DecodeLimits::default());
        let req = Direction::Request;
        assert_eq!(find(&fields, req, Location::Body, "/title"), [&text("hi")]);
        assert_eq!(find(&fields, req, Location::Body, "/f/filename"), [&text("../../etc/passwd")]);
        assert_eq!(find(&fields, req, Location::Body, "/f/content_type"), [&text("text/plain")]);
        assert_eq!(find(&fields, req, Location::Body, "/f/size"), [&FieldValue::Number(10.into())]);
        assert!(!fields.iter().any(|f| f.value.as_text() == Some("root:x:0:0")));
    }

    #[test]
    fn empty_non_utf8_and_truncated_bodies() {
        let limits = DecodeLimits::default();
        let empty = call("POST", "/x", None, &[("content-type", "application/json")], b"");
        assert!(fields_of(&empty, &limits).iter().all(|f| f.location != Location::Body));

        let binary =
            call("POST", "/x", None, &[("content-type", "application/json")], b"{\"a\":\"\xff\xfe\"}");
        assert!(fields_of(&binary, &limits).iter().all(|f| f.location != Location::Body));

        let binary_form = call(
            "POST",
            "/x",
            None,
            &[("content-type", "application/x-www-form-urlencoded")],
            b"a=\xff\xfe&b=%FF",
        );
        let fields = fields_of(&binary_form, &limits);
        assert_eq!(find(&fields, Direction::Request, Location::Body, "/a"), [&text("\u{fffd}\u{fffd}")]);
        assert_eq!(find(&fields, Direction::Request, Location::Body, "/b"), [&text("\u{fffd}")]);

        let truncated_json =
            call("POST", "/x", None, &[("content-type", "application/json")], b"{\"a\":1,\"b\":");
        assert!(fields_of(&truncated_json, &limits).iter().all(|f| f.location != Location::Body));

        let truncated_multipart = call(
        "POST",
        "/x",
        None,
        &[("content-type", "multipart/form-data; boundary=b")],
        b"--b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n--b\r\nContent-Disposition: form-data; name=\"z\"\r\n\r\ncut he",
    );
        let fields = fields_of(&truncated_multipart, &limits);
        assert_eq!(find(&fields, Direction::Request, Location::Body, "/a"), [&text("1")]);
        assert!(find(&fields, Direction::Request, Location::Body, "/z").is_empty());

        // A body nobody decoded contributes nothing, the rest of the call still does.
        let binary =
            call("POST", "/x", Some("a=1"), &[("content-type", "application/octet-stream")], b"\x00\x01");
        let fields = fields_of(&binary, &limits);
        assert!(fields.iter().all(|f| f.location != Location::Body));
        assert_eq!(find(&fields, Direction::Request, Location::Query, "/a"), [&text("1")]);
    }

    #[test]
    fn huge_number_of_fields_is_capped() {
        let query: String = (0..5_000).map(|i| format!("k{i}=v")).collect::<Vec<_>>().join("&");
        let body = serde_json::Value::Array((0..5_000).map(|i| json!({"i": i})).collect());
        let request = call(
            "POST",
            "/a/b",
            Some(&query),
            &[("content-type", "application/json")],
            body.to_string().as_bytes(),
        );
        let full = with_response(request, 200, &[("x", "y")], b"[1,2,3]");
        let limits = DecodeLimits { max_fields: 100, ..DecodeLimits::default() };
        let fields = fields_of(&full, &limits);
        assert_eq!(fields.len(), 100);
        // The request side keeps priority: path first, then query.
        assert_eq!(fields[0].location, Location::Path);
        assert!(fields.iter().all(|f| f.direction == Direction::Request));

        let fields = fields_of(&full, &DecodeLimits::default());
        assert_eq!(fields.len(), DecodeLimits::default().max_fields);
    }

    #[test]
    fn deep_nesting_is_capped() {
        let depth = 100;
        let body = format!("{}1{}", "{\"a\":".repeat(depth), "}".repeat(depth));
        let request = call("POST", "/x", None, &[("content-type", "application/json")], body.as_bytes());
        let limits = DecodeLimits { max_depth: 10, ..DecodeLimits::default() };
        let fields = fields_of(&request, &limits);
        let body_fields: Vec<_> = fields.iter().filter(|f| f.location == Location::Body).collect();
        assert_eq!(body_fields.len(), 1);
        assert_eq!(body_fields[0].path, "/a".repeat(10));
        let rest = body_fields[0].value.as_text().unwrap();
        let expected = format!("{}1{}", "{\"a\":".repeat(depth - 10), "}".repeat(depth - 10));
        assert_eq!(rest, expected);

        // JSON deeper than serde_json's recursion limit is not decoded at all, and does not crash.
        let deeper = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
        let request = call("POST", "/x", None, &[("content-type", "application/json")], deeper.as_bytes());
        assert!(fields_of(&request, &limits).iter().all(|f| f.location != Location::Body));

        // Peeled JSON continues counting depth.
        let nested = json!({"a": {"b": format!("{}1{}", "[".repeat(20), "]".repeat(20))}});
        let request =
            call("POST", "/x", None, &[("content-type", "application/json")], nested.to_string().as_bytes());
        let fields = fields_of(&request, &limits);
        assert!(fields.iter().all(|f| f.path.matches('/').count() <= 10));
    }

    #[test]
    fn headers_with_odd_names_and_values() {
        let request = call(
            "GET",
            "/x",
            None,
            &[
                ("X-Empty", ""),
                ("X-Weird/Name~1", "v"),
                ("X-Dup", "1"),
                ("x-dup", "2"),
                ("User-Agent", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36"),
                ("X-Ctl", "a\u{0}b\tc"),
                ("X-Unicode", "héllo \u{fffd}"),
                ("Cookie", ""),
                ("Cookie", ";; =novalue; flag; a=\"q"),
                ("Authorization", "Basic YWRtaW46c2VjcmV0"),
            ],
            b"",
        );
        let full = with_response(
            request,
            302,
            &[("Set-Cookie", "noequals"), ("set-cookie", "a=1\nb=2; Path=/")],
            b"",
        );
        let fields = fields_of(&full, &DecodeLimits::default());
        let req = Direction::Request;
        assert_eq!(find(&fields, req, Location::Header, "/x-empty"), [&text("")]);
        assert_eq!(find(&fields, req, Location::Header, "/x-weird~1name~01"), [&text("v")]);
        assert_eq!(find(&fields, req, Location::Header, "/x-dup/0"), [&text("1")]);
        assert_eq!(find(&fields, req, Location::Header, "/x-dup/1"), [&text("2")]);
        assert_eq!(find(&fields, req, Location::Header, "/user-agent").len(), 1);
        assert_eq!(find(&fields, req, Location::Header, "/x-ctl"), [&text("a\u{0}b\tc")]);
        assert_eq!(find(&fields, req, Location::Header, "/x-unicode"), [&text("héllo \u{fffd}")]);
        assert_eq!(find(&fields, req, Location::Header, "/authorization"), [&text("Basic YWRtaW46c2VjcmV0")]);
        assert_eq!(find(&fields, req, Location::Cookie, "/flag"), [&text("")]);
        assert_eq!(find(&fields, req, Location::Cookie, "/a"), [&text("\"q")]);
        assert_eq!(fields.iter().filter(|f| f.location == Location::Cookie && f.direction == req).count(), 2);
        let resp_cookies: Vec<_> = fields
            .iter()
            .filter(|f| f.direction == Direction::Response && f.location == Location::Cookie)
            .map(|f| (f.path.as_str(), f.value.as_text().unwrap()))
            .collect();
        assert_eq!(resp_cookies, [("/a", "1"), ("/b", "2")]);
    }

    #[test]
    fn call_fields_uses_only_the_decoded_views_it_is_given() {
        let request = call("POST", "/x", None, &[], b"ignored");
        let decoded = Decoded { decoder: "json", value: json!({"k": ["v"]}) };
        let fields = call_fields(&request, Some(&decoded), None, &DecodeLimits::default());
        assert_eq!(find(&fields, Direction::Request, Location::Body, "/k/0"), [&text("v")]);
        // A response view without a response is ignored.
        let fields = call_fields(&request, None, Some(&decoded), &DecodeLimits::default());
        assert!(fields.iter().all(|f| f.location != Location::Body));
    }
}
