//! `bank`: a payments and banking API whose every path starts with the date-versioned
//! prefix `/api/2024-01-01/`. Server SDKs use Basic auth with secret keys, the dashboard a
//! JWT from a cross-origin single-page app.

use serde_json::{Value, json};

use crate::engine::ClientKind::*;
use crate::engine::*;
use crate::values::Kind;

macro_rules! p {
    ($s:literal) => {
        concat!("/api/2024-01-01", $s)
    };
}

const LIMIT: Q = q("limit", 0.4, QV::Pick(&["10", "25", "50", "100"]));
const AFTER: Q = q("starting_after", 0.2, QV::Cursor);
const CURRENCIES: &[&str] = &["eur", "eur", "eur", "gbp", "usd", "chf", "pln"];
const IDEMPOTENCY: &[(&str, &str)] = &[("Idempotency-Key", "{uuid}")];

pub(crate) fn spec() -> ApiSpec {
    let endpoints = vec![
        get(p!("/health"), 4.0).monitor().json(|c| json!({ "status": "ok", "region": c.pick(&["eu-west-1", "eu-central-1"]) })),
        post(p!("/oauth/token"), 1.0).public().by(Sdk).ok(200).form(token_form).json(|c| json!({ "access_token": c.token(32), "token_type": "bearer", "expires_in": 3600, "scope": "accounts:read payments:write" })).err(&[400, 401]),
        get(p!("/accounts"), 4.0).q(&[LIMIT, AFTER, q("status", 0.2, QV::Pick(&["active", "frozen", "closed"]))]).list(account),
        post(p!("/accounts"), 0.3).body(new_account).json(account).err(&[400, 422]),
        get(p!("/accounts/{accountId}"), 6.0).json(account).err(&[404]),
        patch(p!("/accounts/{accountId}"), 0.3).body(|c| { let v = json!({ "nickname": c.title(), "metadata": { "cost_center": format!("CC-{}", c.int(100, 999)) } }); c.drop(v, &[("metadata", 0.5)]) }).json(account).err(&[404, 422]),
        get(p!("/accounts/{accountId}/balance"), 7.0).json(balance).err(&[404]),
        get(p!("/accounts/{accountId}/transactions"), 9.0)
            .q(&[q("from", 0.4, QV::Date(90)), q("to", 0.2, QV::Date(10)), LIMIT, AFTER, q("type", 0.2, QV::Pick(&["card", "transfer", "fee", "interest"]))])
            .list(transaction)
            .err(&[400, 404]),
        get(p!("/accounts/{accountId}/transactions/{transactionId}"), 4.0).json(transaction).err(&[404]),
        get(p!("/accounts/{accountId}/statements"), 1.5).q(&[LIMIT, q("year", 0.3, QV::Pick(&["2023", "2024", "2025"]))]).list(statement_ref),
        get(p!("/accounts/{accountId}/statements/latest"), 1.0).json(statement),
        get(p!("/accounts/{accountId}/statements/{date}"), 2.5).json(statement).err(&[404]),
        get(p!("/accounts/{accountId}/statements/{date}/pdf"), 0.8).resp(Resp::Binary("application/pdf")).lat(350.0).err(&[404]),
        post(p!("/payments"), 3.0).headers(IDEMPOTENCY).body(new_payment).json(payment).err(&[400, 402, 409, 422]),
        get(p!("/payments"), 2.0).q(&[LIMIT, AFTER, q("status", 0.3, QV::Pick(&["pending", "succeeded", "failed"])), q("created_gte", 0.3, QV::DateTime(30))]).list(payment),
        get(p!("/payments/{paymentId}"), 4.0).json(payment).err(&[404]),
        post(p!("/payments/{paymentId}/capture"), 0.8).ok(200).headers(IDEMPOTENCY).body(|c| { let v = json!({ "amount_to_capture": c.int(100, 50_000) }); c.drop(v, &[("amount_to_capture", 0.6)]) }).json(payment).err(&[404, 409]),
        post(p!("/payments/{paymentId}/refunds"), 0.4).headers(IDEMPOTENCY).body(|c| { let v = json!({ "amount": c.int(100, 20_000), "reason": c.pick(&["requested_by_customer", "duplicate", "fraudulent"]) }); c.drop(v, &[("amount", 0.4)]) }).json(refund).err(&[409, 422]),
        get(p!("/payments/{paymentId}/refunds"), 0.2).list(refund),
        get(p!("/customers"), 1.5).q(&[LIMIT, AFTER, q("email", 0.2, QV::Words)]).list(customer),
        post(p!("/customers"), 0.8).headers(IDEMPOTENCY).body(new_customer).json(customer).err(&[400, 422]),
        get(p!("/customers/{customerId}"), 2.5).json(customer).err(&[404]),
        patch(p!("/customers/{customerId}"), 0.4).body(|c| { let v = json!({ "email": c.email(), "name": c.name(), "metadata": { "tier": c.pick(&["a", "b"]) } }); c.drop(v, &[("email", 0.5), ("name", 0.5), ("metadata", 0.5)]) }).json(customer).err(&[404, 422]),
        delete(p!("/customers/{customerId}"), 0.0).exactly(1).ok(200).json(|c| json!({ "id": c.param("customerId"), "object": "customer", "deleted": true })),
        get(p!("/customers/{customerId}/cards"), 0.8).list(card),
        post(p!("/customers/{customerId}/cards"), 0.3).body(|c| json!({ "token": format!("tok_{}", c.b62(24)), "default": c.chance(0.5) })).json(card).err(&[402, 422]),
        delete(p!("/customers/{customerId}/cards/{cardId}"), 0.0).exactly(2),
        post(p!("/transfers"), 0.6).headers(IDEMPOTENCY).body(new_transfer).json(transfer).err(&[400, 402, 422]),
        get(p!("/transfers/{transferId}"), 0.6).json(transfer).err(&[404]),
        get(p!("/events"), 1.0).q(&[LIMIT, AFTER, q("type", 0.4, QV::Pick(&["payment.succeeded", "payment.failed", "transfer.paid", "account.updated"])), q("created_gte", 0.3, QV::DateTime(7))]).list(event),
        get(p!("/events/{eventId}"), 0.5).json(event).err(&[404]),
        get(p!("/webhook-endpoints"), 0.3).list(webhook),
        post(p!("/webhook-endpoints"), 0.1).body(|c| json!({ "url": format!("https://hooks.{}.example.test/bank", c.make(Kind::OrgSlug)), "enabled_events": ["payment.succeeded", "payment.failed"] })).json(webhook).err(&[422]),
        delete(p!("/webhook-endpoints/{webhookId}"), 0.0).exactly(1).ok(200).json(|c| json!({ "id": c.param("webhookId"), "object": "webhook_endpoint", "deleted": true })),
        get(p!("/connected-accounts/{connectedAccountId}"), 0.7).json(connected).err(&[404, 403]),
        get(p!("/fx/rates/latest"), 1.5).q(&[q("base", 0.6, QV::Pick(&["EUR", "USD", "GBP"]))]).json(rates),
        get(p!("/fx/rates/{rateDate}"), 0.7).q(&[q("base", 0.6, QV::Pick(&["EUR", "USD", "GBP"]))]).json(rates).err(&[404]),
    ];
    let params = vec![
        param("accountId", Kind::Uuid, 0.85, usize::MAX),
        param("transactionId", Kind::Prefixed("txn_", 24), 0.3, usize::MAX),
        param("date", Kind::Date(730), 0.45, usize::MAX),
        param("paymentId", Kind::Prefixed("pay_", 24), 0.45, usize::MAX),
        param("customerId", Kind::Prefixed("cus_", 14), 0.6, usize::MAX),
        param("cardId", Kind::Prefixed("card_", 24), 0.3, usize::MAX),
        param("transferId", Kind::Prefixed("tr_", 24), 0.3, usize::MAX),
        param("eventId", Kind::Prefixed("evt_", 24), 0.2, usize::MAX),
        param("webhookId", Kind::Prefixed("we_", 24), 0.5, usize::MAX),
        param("connectedAccountId", Kind::Prefixed("acct_", 16), 0.7, usize::MAX),
        param("rateDate", Kind::Date(3650), 0.3, usize::MAX),
    ];
    let clients = vec![
        mix(Sdk, AuthStyle::Basic, 80, 0.6),
        mix(Browser, AuthStyle::BearerJwt, 150, 0.32),
        mix(Mobile, AuthStyle::BearerJwt, 90, 0.08),
    ];
    let mut s = ApiSpec::new(endpoints, params, clients);
    s.envelope = |c, items, total| {
        let has_more = total > items.len() as i64 && !items.is_empty();
        (json!({ "object": "list", "url": c.path, "has_more": has_more, "data": items }), Vec::new())
    };
    s.error = |c, status| {
        let (ty, code, msg) = match status {
            400 => (
                "invalid_request_error",
                "parameter_invalid",
                "Invalid value for one of the parameters.".to_string(),
            ),
            401 => ("authentication_error", "api_key_invalid", "Invalid API key provided.".to_string()),
            402 => ("card_error", "card_declined", "Your card was declined.".to_string()),
            403 => (
                "permission_error",
                "insufficient_scope",
                "The key does not have access to this account.".to_string(),
            ),
            404 => (
                "invalid_request_error",
                "resource_missing",
                format!("No such resource: '{}'", c.path.rsplit('/').next().unwrap_or("")),
            ),
            409 => (
                "idempotency_error",
                "idempotency_key_in_use",
                "Keys for idempotent requests can only be used with the same parameters.".to_string(),
            ),
            422 => {
                ("invalid_request_error", "parameter_missing", "Missing required param: amount.".to_string())
            }
            _ => ("api_error", "internal_error", "An unexpected error occurred.".to_string()),
        };
        let mut v = json!({ "error": { "type": ty, "code": code, "message": msg, "request_id": format!("req_{}", c.b62(14)) } });
        if matches!(status, 400 | 422)
            && let Some(o) = v.get_mut("error").and_then(Value::as_object_mut)
        {
            o.insert("param".into(), json!(c.pick(&["amount", "currency", "destination", "from"])));
        }
        v
    };
    s.server = "envoy";
    s.server_ip = "203.0.113.55";
    s.app_ua = "BankSDK/7.3.0";
    s.key_prefix = "sk_live_";
    s.cors_origin = Some("https://dashboard.bank.example.test");
    s.default_limit = 10;
    s.extra_response_headers = &[
        ("Strict-Transport-Security", "max-age=63072000; includeSubDomains; preload"),
        ("Api-Version", "2024-01-01"),
    ];
    s
}

fn money(c: &mut Ctx<'_>) -> (i64, &'static str) {
    let u = c.zipf(100_000) as i64;
    (u * 100 + c.int(0, 99), c.pick(CURRENCIES))
}

fn token_form(c: &mut Ctx<'_>) -> Vec<(String, String)> {
    vec![
        ("grant_type".into(), "client_credentials".into()),
        ("client_id".into(), format!("cli_{}", c.b62(16))),
        ("client_secret".into(), format!("cs_{}", c.b62(32))),
        ("scope".into(), "accounts:read payments:write".into()),
    ]
}

fn account(c: &mut Ctx<'_>) -> Value {
    let id = match c.param("accountId") {
        a if !a.is_empty() => a,
        _ if c.method == "POST" => c.fresh("accountId"),
        _ => c.id("accountId"),
    };
    let cur = c.pick(CURRENCIES);
    let v = json!({
        "id": id,
        "object": "account",
        "type": c.pick(&["checking", "savings", "card"]),
        "currency": cur,
        "iban": format!("PT50{:04}{:04}{:011}{:02}", c.int(0, 9999), c.int(0, 9999), c.int(0, 99_999_999_999), c.int(0, 99)),
        "nickname": opt!(c, 0.5, json!(c.title())),
        "status": c.pick(&["active", "active", "active", "frozen"]),
        "holder": { "name": c.name(), "customer": c.id("customerId") },
        "overdraft_limit": opt!(c, 0.3, json!(c.int(0, 500_000))),
        "created": c.ts_ago(1500.0),
        "metadata": {},
    });
    c.drop(v, &[("overdraft_limit", 0.4)])
}

fn new_account(c: &mut Ctx<'_>) -> Value {
    json!({ "type": c.pick(&["checking", "savings"]), "currency": c.pick(CURRENCIES), "customer": c.id("customerId") })
}

fn balance(c: &mut Ctx<'_>) -> Value {
    let (avail, cur) = money(c);
    json!({
        "object": "balance",
        "account": c.param("accountId"),
        "available": [{ "amount": avail, "currency": cur }],
        "pending": [{ "amount": c.int(0, 50_000), "currency": cur }],
        "as_of": c.ts_now(),
    })
}

fn transaction(c: &mut Ctx<'_>) -> Value {
    let id = {
        let t = c.param("transactionId");
        if t.is_empty() { c.id("transactionId") } else { t }
    };
    let (amount, cur) = money(c);
    let sign = if c.chance(0.7) { -1 } else { 1 };
    let v = json!({
        "id": id,
        "object": "transaction",
        "amount": amount * sign,
        "currency": cur,
        "type": c.pick(&["card", "transfer", "fee", "interest", "direct_debit"]),
        "description": c.pick(&["COFFEE ROASTERS LDA", "SUPERMARKET 0412", "Salary", "Rent March", "Card fee", "TRAIN TICKETS", "Cloud hosting"]),
        "counterparty": opt!(c, 0.8, json!({ "name": c.name(), "iban": format!("DE{:020}", c.int(0, 99_999_999_999)) })),
        "merchant": opt!(c, 0.5, json!({ "name": c.title(), "mcc": c.pick(&["5411", "5812", "4111", "5732"]), "city": c.city() })),
        "status": c.pick(&["booked", "booked", "booked", "pending"]),
        "booked_at": c.ts_ago(90.0),
        "value_date": c.date_ago(90.0),
        "running_balance": opt!(c, 0.7, json!(c.int(0, 5_000_000))),
    });
    c.drop(v, &[("merchant", 0.3), ("running_balance", 0.2)])
}

fn statement_ref(c: &mut Ctx<'_>) -> Value {
    let date = c.id("date");
    json!({ "date": date, "account": c.param("accountId"), "url": c.url(&format!("/api/2024-01-01/accounts/{}/statements/{date}", c.param("accountId"))) })
}

fn statement(c: &mut Ctx<'_>) -> Value {
    let date = {
        let d = c.param("date");
        if d.is_empty() { c.date_ago(30.0) } else { d }
    };
    let (open, cur) = money(c);
    let lines = c.list(0, 12, transaction);
    json!({
        "object": "statement",
        "account": c.param("accountId"),
        "date": date,
        "currency": cur,
        "opening_balance": open,
        "closing_balance": open + c.int(-100_000, 100_000),
        "transactions": lines,
        "pdf": c.url(&format!("/api/2024-01-01/accounts/{}/statements/{date}/pdf", c.param("accountId"))),
    })
}

fn payment(c: &mut Ctx<'_>) -> Value {
    let id = match c.param("paymentId") {
        p if !p.is_empty() => p,
        _ if c.method == "POST" => c.fresh("paymentId"),
        _ => c.id("paymentId"),
    };
    let (amount, cur) = money(c);
    let v = json!({
        "id": id,
        "object": "payment",
        "amount": amount,
        "amount_captured": opt!(c, 0.7, json!(amount)),
        "currency": cur,
        "status": c.pick(&["succeeded", "succeeded", "pending", "requires_capture", "failed"]),
        "customer": opt!(c, 0.8, json!(c.id("customerId"))),
        "payment_method": { "type": c.pick(&["card", "sepa_debit", "mbway"]), "card": opt!(c, 0.7, json!({ "brand": c.pick(&["visa", "mastercard", "amex"]), "last4": format!("{:04}", c.int(0, 9999)), "exp_month": c.int(1, 12), "exp_year": c.int(2025, 2031) })) },
        "description": opt!(c, 0.6, json!(format!("Order {}", c.int(10_000, 99_999)))),
        "failure_code": opt!(c, 0.05, json!(c.pick(&["card_declined", "insufficient_funds"]))),
        "created": c.ts_ago(30.0),
        "metadata": { "order_id": c.int(10_000, 99_999).to_string() },
    });
    c.drop(v, &[("failure_code", 0.7), ("metadata", 0.3)])
}

fn new_payment(c: &mut Ctx<'_>) -> Value {
    let (amount, cur) = money(c);
    let v = json!({
        "amount": amount,
        "currency": cur,
        "customer": c.id("customerId"),
        "payment_method": format!("pm_{}", c.b62(24)),
        "capture_method": c.pick(&["automatic", "manual"]),
        "description": format!("Order {}", c.int(10_000, 99_999)),
        "metadata": { "order_id": c.int(10_000, 99_999).to_string() },
    });
    c.drop(v, &[("capture_method", 0.5), ("description", 0.3), ("metadata", 0.4), ("customer", 0.2)])
}

fn refund(c: &mut Ctx<'_>) -> Value {
    json!({ "id": format!("re_{}", c.b62(24)), "object": "refund", "payment": c.param("paymentId"), "amount": c.int(100, 20_000), "status": c.pick(&["succeeded", "pending"]), "created": c.ts_ago(10.0) })
}

fn customer(c: &mut Ctx<'_>) -> Value {
    let id = {
        let p = c.param("customerId");
        if p.is_empty() { c.id("customerId") } else { p }
    };
    let v = json!({
        "id": id,
        "object": "customer",
        "email": c.email(),
        "name": c.name(),
        "phone": opt!(c, 0.5, json!(format!("+351 91{:07}", c.int(0, 9_999_999)))),
        "address": opt!(c, 0.6, json!({ "city": c.city(), "country": c.country(), "postal_code": c.int(1000, 9999).to_string() })),
        "default_card": opt!(c, 0.6, json!(c.id("cardId"))),
        "created": c.ts_ago(900.0),
        "metadata": {},
    });
    c.drop(v, &[("phone", 0.3), ("address", 0.2)])
}

fn new_customer(c: &mut Ctx<'_>) -> Value {
    let v = json!({ "email": c.email(), "name": c.name(), "phone": format!("+351 91{:07}", c.int(0, 9_999_999)) });
    c.drop(v, &[("phone", 0.5)])
}

fn card(c: &mut Ctx<'_>) -> Value {
    json!({
        "id": c.id("cardId"),
        "object": "card",
        "customer": c.param("customerId"),
        "brand": c.pick(&["visa", "mastercard", "amex"]),
        "last4": format!("{:04}", c.int(0, 9999)),
        "exp_month": c.int(1, 12),
        "exp_year": c.int(2025, 2031),
        "funding": c.pick(&["credit", "debit", "prepaid"]),
        "country": c.country(),
    })
}

fn new_transfer(c: &mut Ctx<'_>) -> Value {
    let (amount, cur) = money(c);
    let v = json!({ "amount": amount, "currency": cur, "source_account": c.id("accountId"), "destination": { "iban": format!("FR76{:023}", c.int(0, 99_999_999_999)), "name": c.name() }, "reference": c.title(), "scheduled_for": c.date_ago(-10.0) });
    c.drop(v, &[("scheduled_for", 0.7), ("reference", 0.3)])
}

fn transfer(c: &mut Ctx<'_>) -> Value {
    let id = {
        let p = c.param("transferId");
        if p.is_empty() { c.fresh("transferId") } else { p }
    };
    let (amount, cur) = money(c);
    json!({ "id": id, "object": "transfer", "amount": amount, "currency": cur, "status": c.pick(&["pending", "paid", "failed", "canceled"]), "source_account": c.id("accountId"), "created": c.ts_ago(20.0), "arrival_date": c.date_ago(-3.0) })
}

fn event(c: &mut Ctx<'_>) -> Value {
    let id = {
        let p = c.param("eventId");
        if p.is_empty() { c.id("eventId") } else { p }
    };
    let ty = c.pick(&["payment.succeeded", "payment.failed", "transfer.paid", "account.updated"]);
    let obj = if ty.starts_with("payment") {
        payment(c)
    } else if ty.starts_with("transfer") {
        transfer(c)
    } else {
        account(c)
    };
    json!({ "id": id, "object": "event", "type": ty, "created": c.ts_ago(7.0), "data": { "object": obj }, "pending_webhooks": c.zipf(3) })
}

fn webhook(c: &mut Ctx<'_>) -> Value {
    json!({ "id": c.id("webhookId"), "object": "webhook_endpoint", "url": format!("https://hooks.{}.example.test/bank", c.make(Kind::OrgSlug)), "enabled_events": ["payment.succeeded", "payment.failed"], "status": c.pick(&["enabled", "disabled"]), "secret": opt!(c, 0.2, json!(format!("whsec_{}", c.b62(32)))), "created": c.ts_ago(400.0) })
}

fn connected(c: &mut Ctx<'_>) -> Value {
    json!({ "id": c.param("connectedAccountId"), "object": "connected_account", "business_name": crate::engine::cap(&c.make(Kind::OrgSlug).replace('-', " ")), "country": c.country(), "charges_enabled": c.chance(0.9), "payouts_enabled": c.chance(0.85), "created": c.ts_ago(800.0) })
}

fn rates(c: &mut Ctx<'_>) -> Value {
    let date = {
        let d = c.param("rateDate");
        if d.is_empty() { c.date_ago(0.0) } else { d }
    };
    let base = c.query("base").unwrap_or("EUR").to_string();
    json!({
        "base": base,
        "date": date,
        "rates": { "USD": 1.0 + c.int(0, 2000) as f64 / 10_000.0, "GBP": 0.8 + c.int(0, 900) as f64 / 10_000.0, "CHF": 0.9 + c.int(0, 900) as f64 / 10_000.0, "PLN": 4.2 + c.int(0, 3000) as f64 / 10_000.0 },
    })
}
