//! `shop`: an e-commerce storefront API used by the web shop (session cookie), the mobile
//! app (JWT) and partner scripts (API key).

use serde_json::{Value, json};

use super::WEB_ASSETS;
use crate::engine::ClientKind::*;
use crate::engine::*;
use crate::values::Kind;
use crate::words::{CATEGORY_SLUGS, COLORS, PRODUCT_FAMILIES, STREETS};

const ORDER_STATUSES: &[&str] = &["pending", "paid", "shipped", "delivered", "cancelled", "refunded"];
const PAGE: Q = q("page", 0.45, QV::Int(1, 15));
const LIMIT: Q = q("limit", 0.35, QV::Pick(&["12", "24", "48"]));

pub(crate) fn spec() -> ApiSpec {
    let endpoints = vec![
        get("/healthz", 5.0).monitor().json(|c| json!({ "status": "ok", "version": "3.18.2", "uptime": c.int(1000, 900_000) })),
        post("/api/session", 1.5).public().ok(200).session().form(login_form).json(session).err(&[401, 422, 429]),
        delete("/api/session", 0.3),
        get("/api/users/me", 6.0).json(me),
        patch("/api/users/me", 0.4).body(me_patch).json(me).err(&[422]),
        get("/api/users/me/addresses", 1.2).list(address),
        post("/api/users/me/addresses", 0.4).body(address_body).json(address).err(&[422]),
        put("/api/users/me/addresses/{addressId}", 0.25).body(address_body).json(address).err(&[404, 422]),
        delete("/api/users/me/addresses/{addressId}", 0.0).exactly(2),
        get("/api/users/{userId}", 0.8).by(Script).json(customer).err(&[404, 403]),
        get("/api/users/{userId}/orders", 0.6).by(Script).q(&[PAGE, LIMIT]).list(order_summary),
        get("/api/products", 12.0)
            .public()
            .q(&[
                q("q", 0.2, QV::Words),
                q("category", 0.3, QV::Pick(CATEGORY_SLUGS)),
                q("sort", 0.4, QV::Pick(&["price", "-price", "newest", "rating"])),
                PAGE,
                LIMIT,
                q("in_stock", 0.1, QV::Bool),
            ])
            .list(product_card),
        get("/api/products/search", 3.0).public().q(&[q("q", 1.0, QV::Words), PAGE, LIMIT]).list(product_card),
        get("/api/products/{sku}", 14.0).public().json(product).err(&[404]),
        get("/api/products/{sku}/reviews", 3.0).public().q(&[PAGE, q("sort", 0.3, QV::Pick(&["newest", "helpful"]))]).list(review),
        post("/api/products/{sku}/reviews", 0.4).body(review_body).json(review).err(&[409, 422]),
        get("/api/products/{sku}/image", 4.0).public().resp(Resp::Binary("image/jpeg")).q(&[q("w", 0.6, QV::Pick(&["320", "640", "1280"]))]),
        get("/api/categories", 2.0).public().list(category),
        get("/api/categories/{slug}", 2.5).public().json(category).err(&[404]),
        get("/api/categories/{slug}/products", 5.0).public().q(&[PAGE, LIMIT, q("sort", 0.3, QV::Pick(&["price", "-price", "newest"]))]).list(product_card),
        post("/api/carts", 1.5).body(|c| json!({ "currency": c.pick(&["EUR", "EUR", "GBP", "USD"]) })).json(new_cart),
        get("/api/carts/{cartId}", 4.0).json(cart).err(&[404]),
        post("/api/carts/{cartId}/items", 3.0).body(cart_item_body).json(cart).err(&[409, 422]),
        patch("/api/carts/{cartId}/items/{itemId}", 0.8).body(|c| json!({ "quantity": c.int(1, 5) })).json(cart).err(&[404, 422]),
        delete("/api/carts/{cartId}/items/{itemId}", 0.6).err(&[404]),
        post("/api/carts/{cartId}/coupons", 0.4).ok(200).body(|c| json!({ "code": c.id("code") })).json(cart).err(&[404, 422]),
        post("/api/carts/{cartId}/checkout", 1.0).body(checkout_body).json(order).err(&[409, 422]),
        get("/api/coupons/{code}", 0.5).json(coupon).err(&[404, 410]),
        get("/api/orders", 3.0)
            .q(&[q("status", 0.3, QV::Pick(ORDER_STATUSES)), q("since", 0.2, QV::DateTime(90)), PAGE, LIMIT])
            .list(order_summary),
        get("/api/orders/export", 0.0).exactly(2).by(Script).q(&[q("format", 1.0, QV::Pick(&["csv"])), q("since", 1.0, QV::Date(60))]).resp(Resp::Text("text/csv; charset=utf-8", orders_csv)).lat(420.0),
        get("/api/orders/summary", 0.5).q(&[q("period", 0.5, QV::Pick(&["7d", "30d", "90d"]))]).json(orders_summary),
        get("/api/orders/{orderId}", 4.0).json(order).err(&[404, 403]),
        post("/api/orders/{orderId}/cancel", 0.3).ok(200).body(|c| json!({ "reason": c.pick(&["changed_mind", "found_cheaper", "too_slow", "other"]) })).json(order).err(&[409]),
        post("/api/orders/{orderId}/returns", 0.0).exactly(1).body(return_body).json(|c| json!({ "id": c.int(1, 90_000), "orderId": c.param_int("orderId"), "status": "requested", "label": { "carrier": "DHL", "url": c.url("/labels/ret.pdf") } })),
        get("/api/orders/{orderId}/invoice", 0.3).resp(Resp::Binary("application/pdf")).err(&[404]),
        get("/api/orders/{orderId}/tracking", 1.0).json(tracking).err(&[404]),
        get("/api/wishlist", 1.0).list(product_card),
        put("/api/wishlist/{sku}", 0.5).ok(204).resp(Resp::Empty).err(&[404]),
        delete("/api/wishlist/{sku}", 0.2),
        post("/api/newsletter/subscriptions", 0.15)
            .public()
            .form(|c| vec![("email".into(), c.email()), ("source".into(), c.pick(&["footer", "checkout", "popup"]).into())])
            .json(|c| json!({ "subscribed": true, "doubleOptIn": c.chance(0.7) }))
            .err(&[422]),
    ];
    let params = vec![
        param("userId", Kind::Int(1000, 90_000), 0.5, usize::MAX),
        param("addressId", Kind::Int(1, 400_000), 0.5, usize::MAX),
        param("sku", Kind::Sku, 0.75, usize::MAX),
        param("slug", Kind::CategorySlug, 0.9, CATEGORY_SLUGS.len()),
        param("cartId", Kind::Uuid, 0.6, usize::MAX),
        param("itemId", Kind::Int(1, 12), 0.6, 12),
        param("orderId", Kind::Int(100_000, 999_999), 0.5, usize::MAX),
        param("code", Kind::Coupon, 0.5, 60),
    ];
    let clients = vec![
        mix(Browser, AuthStyle::SessionCookie("shop_session"), 400, 0.55),
        mix(Mobile, AuthStyle::BearerJwt, 250, 0.38),
        mix(Script, AuthStyle::ApiKeyHeader("X-API-Key"), 12, 0.07),
    ];
    let mut s = ApiSpec::new(endpoints, params, clients);
    s.envelope = |c, items, total| (json!({ "items": items, "total": total, "page": c.page() }), Vec::new());
    s.error = error;
    s.server = "nginx/1.25.3";
    s.server_ip = "203.0.113.21";
    s.app_ua = "ShopApp/5.12.1";
    s.key_prefix = "pk_live_";
    s.assets = WEB_ASSETS;
    s.asset_rate = 0.06;
    s.base64_rate = 0.04;
    s
}

fn error(c: &mut Ctx<'_>, status: u16) -> Value {
    let (code, msg) = match status {
        400 => ("bad_request", "The request could not be parsed.".to_string()),
        401 => ("unauthenticated", "Please sign in to continue.".to_string()),
        403 => ("forbidden", "You do not have access to this resource.".to_string()),
        404 => ("not_found", format!("No resource at {}.", c.path)),
        409 => ("conflict", "The item is out of stock or the state changed.".to_string()),
        410 => ("expired", "This coupon has expired.".to_string()),
        422 => ("validation_failed", "One or more fields are invalid.".to_string()),
        429 => ("rate_limited", "Too many attempts, try again later.".to_string()),
        _ => ("internal", "Something went wrong on our side.".to_string()),
    };
    let mut e = json!({ "error": { "code": code, "message": msg, "requestId": c.uuid() } });
    if status == 422
        && let Some(obj) = e.get_mut("error").and_then(Value::as_object_mut)
    {
        let field = c.pick(&["email", "quantity", "postcode", "rating", "password"]);
        obj.insert(
            "fields".into(),
            json!({ field: [c.pick(&["is required", "is invalid", "is too long"])] }),
        );
    }
    // A posture trap: some server errors leak a stack trace and the install path.
    if status >= 500
        && c.chance(0.35)
        && let Some(obj) = e.get_mut("error").and_then(Value::as_object_mut)
    {
        let line = c.int(40, 400);
        obj.insert(
            "detail".into(),
            json!(format!(
                "java.lang.IllegalStateException: upstream pool exhausted\n\tat com.shopco.catalog.PricingService.quote(PricingService.java:{line})\n\tat com.shopco.api.ProductController.get(ProductController.java:88)\n\tloaded from /opt/shopco/lib/catalog-2.14.jar"
            )),
        );
    }
    e
}

fn family(sku: &str) -> (&'static str, &'static str) {
    let prefix = sku.split('-').next().unwrap_or("");
    PRODUCT_FAMILIES.iter().find(|f| f.0 == prefix).map_or(("Gift Card", "gift-cards"), |f| (f.1, f.2))
}

fn color(sku: &str) -> Option<&'static str> {
    let code = sku.split('-').nth(2)?;
    COLORS.iter().find(|c| c.0 == code).map(|c| c.1)
}

fn price(c: &mut Ctx<'_>) -> Value {
    json!({ "amount": c.money(4.0, 180.0), "currency": "EUR" })
}

fn product_card(c: &mut Ctx<'_>) -> Value {
    let sku = c.make(Kind::Sku);
    let (noun, cat) = family(&sku);
    let adj = crate::engine::cap(c.pick(crate::words::ADJECTIVES));
    let v = json!({
        "sku": sku,
        "name": format!("{adj} {noun}"),
        "price": price(c),
        "category": cat,
        "thumbnail": c.url(&format!("/api/products/{sku}/image?w=320")),
        "inStock": c.chance(0.85),
        "rating": opt!(c, 0.7, json!((c.int(25, 50) as f64) / 10.0)),
    });
    c.drop(v, &[("rating", 0.1)])
}

fn product(c: &mut Ctx<'_>) -> Value {
    let sku = c.param("sku");
    let (noun, cat) = family(&sku);
    let adj = crate::engine::cap(c.pick(crate::words::ADJECTIVES));
    let sizes = if noun.contains("Shirt") || noun.contains("Hoodie") || noun.contains("Jacket") {
        json!(["XS", "S", "M", "L", "XL"])
    } else {
        json!([])
    };
    let v = json!({
        "sku": sku,
        "id": c.int(1, 60_000),
        "name": format!("{adj} {noun}"),
        "description": c.paragraph(3),
        "price": price(c),
        "compareAtPrice": opt!(c, 0.2, price(c)),
        "stock": c.int(0, 400),
        "inStock": c.chance(0.9),
        "category": { "slug": cat, "name": crate::engine::cap(&cat.replace('-', " ")) },
        "attributes": { "color": color(&sku), "sizes": sizes, "material": c.pick(&["cotton", "recycled polyester", "stoneware", "merino", "aluminium"]) },
        "images": c.list(1, 4, |c| { let h = c.hex(12); json!({ "url": c.url(&format!("/media/{h}.jpg")), "alt": c.words(2, 5) }) }),
        "rating": { "average": (c.int(25, 50) as f64) / 10.0, "count": c.int(0, 2500) },
        "tags": c.tags(3),
        "createdAt": c.ts_ago(700.0),
        "updatedAt": c.ts_ago(30.0),
    });
    c.drop(v, &[("compareAtPrice", 0.3), ("description", 0.05)])
}

fn review(c: &mut Ctx<'_>) -> Value {
    let v = json!({
        "id": c.int(1, 900_000),
        "rating": c.pick(&[5, 5, 5, 4, 4, 3, 2, 1]),
        "title": c.title(),
        "body": c.paragraph(3),
        "author": { "displayName": c.first(), "verifiedBuyer": c.chance(0.7) },
        "helpfulVotes": c.zipf(200),
        "createdAt": c.ts_ago(400.0),
    });
    c.drop(v, &[("title", 0.2)])
}

fn review_body(c: &mut Ctx<'_>) -> Value {
    json!({ "rating": c.int(1, 5), "title": c.title(), "body": c.paragraph(2) })
}

fn category(c: &mut Ctx<'_>) -> Value {
    let slug = {
        let p = c.param("slug");
        if p.is_empty() { c.pick(CATEGORY_SLUGS).to_string() } else { p }
    };
    json!({
        "slug": slug,
        "name": crate::engine::cap(&slug.replace('-', " ")),
        "productCount": c.int(0, 900),
        "parent": opt!(c, 0.4, json!(c.pick(&["clothing", "home", "outdoor", "electronics"]))),
        "image": opt!(c, 0.8, { let h = c.hex(8); json!(c.url(&format!("/media/cat-{h}.jpg"))) }),
    })
}

fn cart_lines(c: &mut Ctx<'_>) -> Value {
    let mut line = 0;
    let n = c.int(0, 6);
    let mut items = Vec::new();
    for _ in 0..n {
        line += 1;
        let sku = c.id("sku");
        let (noun, _) = family(&sku);
        items.push(
            json!({ "id": line, "sku": sku, "name": noun, "quantity": c.int(1, 4), "unitPrice": price(c) }),
        );
    }
    Value::Array(items)
}

fn new_cart(c: &mut Ctx<'_>) -> Value {
    let id = c.fresh("cartId");
    json!({ "id": id, "items": [], "subtotal": { "amount": 0.0, "currency": "EUR" }, "coupon": null, "createdAt": c.ts_now() })
}

fn cart(c: &mut Ctx<'_>) -> Value {
    let items = cart_lines(c);
    let v = json!({
        "id": c.param("cartId"),
        "items": items,
        "subtotal": price(c),
        "shipping": opt!(c, 0.6, price(c)),
        "coupon": opt!(c, 0.15, json!({ "code": c.id("code"), "percentOff": c.pick(&[5, 10, 15, 20]) })),
        "updatedAt": c.ts_ago(2.0),
    });
    c.drop(v, &[("shipping", 0.2)])
}

fn cart_item_body(c: &mut Ctx<'_>) -> Value {
    let v = json!({ "sku": c.id("sku"), "quantity": c.int(1, 3), "giftWrap": c.chance(0.05) });
    c.drop(v, &[("giftWrap", 0.7)])
}

fn address(c: &mut Ctx<'_>) -> Value {
    let id = if c.param("addressId").is_empty() { c.int(1, 400_000) } else { c.param_int("addressId") };
    let v = json!({
        "id": id,
        "name": c.name(),
        "line1": format!("{} {}", c.int(1, 240), c.pick(STREETS)),
        "line2": opt!(c, 0.25, json!(format!("Flat {}", c.int(1, 40)))),
        "city": c.city(),
        "postcode": format!("{}", c.int(10_000, 99_999)),
        "country": c.country(),
        "phone": opt!(c, 0.5, json!(format!("+351 9{}", c.int(10_000_000, 99_999_999)))),
        "default": c.chance(0.3),
    });
    c.drop(v, &[("phone", 0.2)])
}

fn address_body(c: &mut Ctx<'_>) -> Value {
    let v = address(c);
    c.drop(v, &[("id", 1.0), ("default", 0.5)])
}

fn me(c: &mut Ctx<'_>) -> Value {
    let v = json!({
        "id": c.client.user_id,
        "email": c.client.email,
        "firstName": c.first(),
        "lastName": c.last(),
        "locale": c.pick(&["en-GB", "pt-PT", "de-DE", "fr-FR"]),
        "marketingOptIn": c.chance(0.4),
        "loyalty": { "tier": c.pick(&["bronze", "silver", "gold"]), "points": c.zipf(5000) },
        "createdAt": c.ts_ago(900.0),
        "phone": opt!(c, 0.4, json!(format!("+44 7{}", c.int(100_000_000, 999_999_999)))),
    });
    c.drop(v, &[("phone", 0.3)])
}

fn me_patch(c: &mut Ctx<'_>) -> Value {
    let v = json!({ "firstName": c.first(), "locale": c.pick(&["en-GB", "pt-PT"]), "marketingOptIn": c.chance(0.5) });
    c.drop(v, &[("firstName", 0.5), ("locale", 0.5)])
}

fn customer(c: &mut Ctx<'_>) -> Value {
    json!({
        "id": c.param_int("userId"),
        "email": c.email(),
        "name": c.name(),
        "orders": c.zipf(60),
        "lifetimeValue": price(c),
        "blocked": c.chance(0.02),
        "createdAt": c.ts_ago(1200.0),
        // A sensitive-data trap: the back-office view returns the password hash.
        "passwordHash": format!("$2b$12${}", c.b62(53)),
    })
}

fn login_form(c: &mut Ctx<'_>) -> Vec<(String, String)> {
    let mut v = vec![
        ("email".to_string(), c.client.email.clone()),
        ("password".to_string(), format!("{}!{}", c.b62(10), c.int(10, 99))),
    ];
    if c.chance(0.4) {
        v.push(("remember_me".into(), "on".into()));
    }
    v
}

fn session(c: &mut Ctx<'_>) -> Value {
    json!({ "user": { "id": c.client.user_id, "email": c.client.email }, "expiresAt": c.ts_ahead(14.0) })
}

fn order_summary(c: &mut Ctx<'_>) -> Value {
    json!({
        "id": c.id_int("orderId"),
        "status": c.pick(ORDER_STATUSES),
        "total": price(c),
        "itemCount": c.int(1, 8),
        "placedAt": c.ts_ago(120.0),
    })
}

fn order(c: &mut Ctx<'_>) -> Value {
    let id = if c.param("orderId").is_empty() { c.fresh_int("orderId") } else { c.param_int("orderId") };
    let items = cart_lines(c);
    let v = json!({
        "id": id,
        "number": format!("SO-{id}"),
        "status": c.pick(ORDER_STATUSES),
        "items": items,
        "total": price(c),
        "tax": price(c),
        "shippingAddress": address(c),
        "payment": { "method": c.pick(&["card", "paypal", "mbway", "klarna"]), "last4": opt!(c, 0.7, json!(format!("{:04}", c.int(0, 9999)))) },
        "coupon": opt!(c, 0.1, json!(c.id("code"))),
        "placedAt": c.ts_ago(120.0),
        "deliveredAt": opt!(c, 0.4, json!(c.ts_ago(20.0))),
    });
    c.drop(v, &[("coupon", 0.4), ("deliveredAt", 0.3)])
}

fn checkout_body(c: &mut Ctx<'_>) -> Value {
    json!({
        "shippingAddressId": c.id_int("addressId"),
        "paymentMethod": c.pick(&["card", "paypal", "mbway", "klarna"]),
        "paymentToken": format!("tok_{}", c.b62(24)),
        "acceptTerms": true,
    })
}

fn return_body(c: &mut Ctx<'_>) -> Value {
    json!({ "items": c.list(1, 2, |c| json!({ "lineId": c.int(1, 5), "quantity": 1 })), "reason": c.pick(&["too_small", "damaged", "not_as_described"]) })
}

fn coupon(c: &mut Ctx<'_>) -> Value {
    let code = c.param("code");
    let pct: i64 = code.trim_start_matches(|ch: char| ch.is_ascii_alphabetic()).parse().unwrap_or(10);
    json!({ "code": code, "percentOff": pct, "minimumSpend": opt!(c, 0.5, price(c)), "validUntil": c.ts_ahead(60.0), "singleUse": c.chance(0.2) })
}

fn tracking(c: &mut Ctx<'_>) -> Value {
    json!({
        "orderId": c.param_int("orderId"),
        "carrier": c.pick(&["DHL", "UPS", "CTT", "PostNL"]),
        "trackingNumber": format!("{}{}", c.pick(&["JD", "1Z", "RR"]), c.int(100_000_000, 999_999_999)),
        "events": c.list(1, 6, |c| json!({ "at": c.ts_ago(10.0), "status": c.pick(&["label_created", "in_transit", "out_for_delivery", "delivered"]), "location": c.city() })),
        "estimatedDelivery": opt!(c, 0.8, json!(c.date_ago(-3.0))),
    })
}

fn orders_summary(c: &mut Ctx<'_>) -> Value {
    json!({
        "period": c.query("period").unwrap_or("30d"),
        "orders": c.int(0, 40),
        "spent": price(c),
        "byStatus": { "paid": c.int(0, 5), "shipped": c.int(0, 9), "delivered": c.int(0, 30), "cancelled": c.int(0, 3) },
    })
}

fn orders_csv(c: &mut Ctx<'_>) -> String {
    let mut s = String::from("order_id,placed_at,status,total,currency\n");
    for _ in 0..c.int(5, 40) {
        let id = c.id("orderId");
        let at = c.ts_ago(60.0);
        let st = c.pick(ORDER_STATUSES);
        let total = c.money(5.0, 300.0);
        s.push_str(&format!("{id},{at},{st},{total:.2},EUR\n"));
    }
    s
}
