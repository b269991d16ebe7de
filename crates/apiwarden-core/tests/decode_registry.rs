//! Choosing a decoder: media types with parameters and case, suffixes, sniffing.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use apiwarden_core::decode::{
    BodyDecoder, DecodeError, DecodeLimits, DecoderRegistry, decode_path_segment, header_parameter,
    parse_cookie_header, parse_query, parse_set_cookie,
};
use serde_json::{Value, json};

// In a `decode_*` module so that `cargo test -p apiwarden-core decode` selects these tests.
mod decode_registry {
    use super::*;

    fn decode(content_type: Option<&str>, body: &[u8]) -> Option<Result<(&'static str, Value), DecodeError>> {
        DecoderRegistry::default()
            .decode(content_type, body, &DecodeLimits::default())
            .map(|result| result.map(|decoded| (decoded.decoder, decoded.value)))
    }

    #[test]
    fn media_types_match_case_insensitively_with_parameters() {
        for content_type in [
            "application/json",
            "Application/JSON",
            "application/json; charset=UTF-8",
            " application/json ;charset=utf-8",
            "application/problem+json",
            "application/vnd.api+json; ext=bulk",
            "APPLICATION/MERGE-PATCH+JSON",
            "text/json",
            "application/json, application/json",
        ] {
            assert_eq!(
                decode(Some(content_type), br#"{"a":1}"#),
                Some(Ok(("json", json!({"a":1})))),
                "{content_type}"
            );
        }
        assert_eq!(
            decode(Some("Application/X-WWW-Form-Urlencoded; charset=utf-8"), b"a=1"),
            Some(Ok(("form", json!({"a":"1"}))))
        );
    }

    #[test]
    fn json_is_sniffed_only_for_missing_or_plain_text_types() {
        assert_eq!(decode(None, b"  [1,2]"), Some(Ok(("json", json!([1, 2])))));
        assert_eq!(
            decode(Some("text/plain; charset=utf-8"), br#"{"a":1}"#),
            Some(Ok(("json", json!({"a":1}))))
        );
        assert_eq!(decode(Some(""), br#"{"a":1}"#), Some(Ok(("json", json!({"a":1})))));
        assert_eq!(decode(None, b"\xEF\xBB\xBF{\"a\":1}"), Some(Ok(("json", json!({"a":1})))));
        // Looks like JSON but is not: not decoded rather than an error nobody asked for.
        assert_eq!(decode(None, b"{oops"), None);
        assert_eq!(decode(Some("text/plain"), b"[not json"), None);
        assert_eq!(decode(Some("text/plain"), b"hello"), None);
        assert_eq!(decode(None, b"a=1&b=2"), None);
        assert_eq!(decode(Some("application/octet-stream"), br#"{"a":1}"#), None);
        assert_eq!(decode(Some("image/svg"), b"<a/>"), None);
        // XML has a decoder of its own.
        assert_eq!(decode(Some("application/xml"), b"<a>1</a>"), Some(Ok(("xml", json!({"a": "1"})))));
        assert_eq!(decode(Some("application/soap+xml"), b"<a/>"), Some(Ok(("xml", json!({"a": ""})))));
    }

    #[test]
    fn declared_json_with_bom_and_errors() {
        assert_eq!(
            decode(Some("application/json"), b"\xEF\xBB\xBF{\"a\":1}"),
            Some(Ok(("json", json!({"a":1}))))
        );
        assert!(matches!(
            decode(Some("application/json"), b"{oops"),
            Some(Err(DecodeError::Invalid { decoder: "json", .. }))
        ));
        assert_eq!(decode(Some("application/json"), b""), None);
    }

    #[test]
    fn a_form_that_is_really_json_is_decoded_as_json() {
        let form = Some("application/x-www-form-urlencoded");
        assert_eq!(
            decode(form, br#"{"user":"x' OR 1=1"}"#),
            Some(Ok(("json", json!({"user": "x' OR 1=1"}))))
        );
        assert_eq!(decode(form, b"{a=1"), Some(Ok(("form", json!({"{a": "1"})))));
    }

    #[test]
    fn bodies_over_the_limit_are_refused_when_a_decoder_owns_them() {
        let limits = DecodeLimits { max_body_bytes: 4, ..DecodeLimits::default() };
        let registry = DecoderRegistry::default();
        assert_eq!(
            registry.decode(Some("application/json"), b"[1,2,3]", &limits),
            Some(Err(DecodeError::TooLarge { size: 7, limit: 4 }))
        );
        assert!(matches!(
            registry.decode(None, b"[1,2,3]", &limits),
            Some(Err(DecodeError::TooLarge { .. }))
        ));
        assert_eq!(registry.decode(Some("image/png"), b"\x89PNG....", &limits), None);
    }

    #[test]
    fn decoder_names_and_custom_registration() {
        struct Upper;
        impl BodyDecoder for Upper {
            fn name(&self) -> &'static str {
                "upper"
            }
            fn media_types(&self) -> &'static [&'static str] {
                &["text/x-upper", "application/json"]
            }
            fn decode(&self, body: &[u8], _: &str, _: &DecodeLimits) -> Result<Value, DecodeError> {
                Ok(Value::String(String::from_utf8_lossy(body).to_uppercase()))
            }
        }
        let mut registry = DecoderRegistry::default();
        assert_eq!(registry.decoder_name("multipart/form-data; boundary=x"), Some("multipart"));
        assert_eq!(registry.decoder_name("application/hal+json"), Some("json"));
        assert_eq!(registry.decoder_name("text/html"), None);
        registry.register(Box::new(Upper));
        assert_eq!(registry.decoder_name("application/json"), Some("upper"));
        let decoded =
            registry.decode(Some("text/x-upper"), b"abc", &DecodeLimits::default()).unwrap().unwrap();
        assert_eq!(decoded.value, json!("ABC"));
        assert!(
            DecoderRegistry::empty()
                .decode(Some("application/json"), b"{}", &DecodeLimits::default())
                .is_none()
        );
    }

    #[test]
    fn query_cookie_path_and_parameter_helpers() {
        assert_eq!(
            parse_query("a=1&b=x%20y+z&c"),
            [("a".into(), "1".into()), ("b".into(), "x y z".into()), ("c".into(), String::new())]
        );
        assert_eq!(parse_query("bad=%FF"), [("bad".to_owned(), "\u{fffd}".to_owned())]);
        assert_eq!(
            parse_cookie_header("a=1; b=\"two\"; ; c=x=y"),
            [("a".into(), "1".into()), ("b".into(), "two".into()), ("c".into(), "x=y".into())]
        );
        assert_eq!(parse_set_cookie("sid=\"abc\"; Path=/; Secure"), Some(("sid".into(), "abc".into())));
        assert_eq!(
            parse_set_cookie("sid=; Expires=Thu, 01 Jan 1970 00:00:00 GMT"),
            Some(("sid".into(), String::new()))
        );
        assert_eq!(parse_set_cookie("HttpOnly"), None);
        assert_eq!(decode_path_segment("a%2Fb%20c%FF"), "a/b c\u{fffd}");
        assert_eq!(
            header_parameter("multipart/form-data; BOUNDARY=\"a;b\\\"c\"; x=1", "boundary"),
            Some("a;b\"c".into())
        );
        assert_eq!(header_parameter("form-data; name=\"C:\\dir\"", "name"), Some("C:\\dir".into()));
        assert_eq!(header_parameter("text/plain; charset = utf-8 ", "charset"), Some("utf-8".into()));
        assert_eq!(
            header_parameter("text/plain; charset=\"unterminated", "charset"),
            Some("unterminated".into())
        );
        assert_eq!(header_parameter("text/plain", "charset"), None);
    }
}
