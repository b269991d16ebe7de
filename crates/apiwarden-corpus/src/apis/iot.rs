//! `iot`: a telemetry platform. Old field devices still speak the legacy `/v1` API
//! (devices addressed by MAC, `api_key` in the query string); newer devices and the console
//! use `/v2` (MongoDB ObjectIds, `X-API-Key` header or JWT).

use serde_json::{Value, json};

use crate::engine::ClientKind::*;
use crate::engine::*;
use crate::values::Kind;

const METRICS: &[&str] = &["temperature", "humidity", "co2", "pressure", "battery", "vibration"];
const MODELS: &[&str] = &["TH-200", "TH-210", "AQ-5", "VB-9", "GW-1"];
const LIMIT: Q = q("limit", 0.4, QV::Pick(&["20", "50", "100"]));
const V1_KEY: EpAuth = EpAuth::Style(AuthStyle::ApiKeyQuery("api_key"));

pub(crate) fn spec() -> ApiSpec {
    let endpoints = vec![
        get("/health", 4.0).monitor().json(|c| json!({ "status": "UP", "components": { "db": { "status": "UP" }, "mqtt": { "status": if c.chance(0.99) { "UP" } else { "DEGRADED" } } } })),
        get("/v1/devices", 1.2).by(Script).auth(V1_KEY).json(|c| c.list(0, 30, v1_device)),
        get("/v1/devices/{mac}", 3.0).auth(V1_KEY).json(v1_device).err(&[404]),
        post("/v1/devices/{mac}/readings", 6.0).by(Device).auth(V1_KEY).ok(202).body(v1_readings).json(|c| json!({ "accepted": c.int(1, 20), "ok": true })).err(&[400]),
        get("/v1/devices/{mac}/config", 2.0).by(Device).auth(V1_KEY).json(config).err(&[404]),
        put("/v1/devices/{mac}/config", 0.2).by(Script).auth(V1_KEY).body(config).json(config).err(&[400, 404]),
        get("/v2/devices", 4.0).q(&[LIMIT, q("cursor", 0.2, QV::Cursor), q("status", 0.3, QV::Pick(&["online", "offline", "provisioning"])), q("model", 0.2, QV::Pick(MODELS)), q("sort", 0.2, QV::Pick(&["lastSeen", "-lastSeen", "name"]))]).list(device),
        post("/v2/devices", 0.4).body(new_device).json(device).err(&[409, 422]),
        get("/v2/devices/by-serial/{serial}", 1.0).json(device).err(&[404]),
        get("/v2/devices/{deviceId}", 8.0).json(device).err(&[404]),
        patch("/v2/devices/{deviceId}", 0.6).body(|c| { let v = json!({ "name": c.title(), "siteId": c.id("siteId"), "tags": c.tags(2) }); c.drop(v, &[("name", 0.5), ("siteId", 0.6), ("tags", 0.5)]) }).json(device).err(&[404, 422]),
        delete("/v2/devices/{deviceId}", 0.0).exactly(1),
        get("/v2/devices/{deviceId}/readings", 7.0).q(&[q("from", 0.6, QV::DateTime(7)), q("to", 0.3, QV::DateTime(1)), q("metric", 0.5, QV::Pick(METRICS)), q("resolution", 0.4, QV::Pick(&["1m", "5m", "1h", "1d"]))]).json(readings).err(&[400, 404]),
        get("/v2/devices/{deviceId}/readings/latest", 6.0).json(latest).err(&[404]),
        post("/v2/devices/{deviceId}/readings", 10.0).by(Device).ok(202).body(v2_readings).json(|c| json!({ "accepted": c.int(1, 50), "rejected": 0 })).err(&[400, 413]),
        post("/v2/devices/{deviceId}/commands", 0.8).body(|c| json!({ "type": c.pick(&["reboot", "set_interval", "blink", "ota_update"]), "args": { "seconds": c.pick(&[30, 60, 300]) }, "ttl": 3600 })).json(command).err(&[404, 409]),
        get("/v2/devices/{deviceId}/commands/{commandId}", 1.0).json(command).err(&[404]),
        get("/v2/sites", 1.0).q(&[LIMIT]).list(site),
        get("/v2/sites/{siteId}", 1.2).json(site).err(&[404]),
        get("/v2/sites/{siteId}/devices", 1.5).q(&[LIMIT, q("status", 0.3, QV::Pick(&["online", "offline"]))]).list(device),
        get("/v2/firmware", 0.6).q(&[q("channel", 0.5, QV::Pick(&["stable", "beta"])), q("model", 0.3, QV::Pick(MODELS))]).list(firmware),
        get("/v2/firmware/latest", 3.0).q(&[q("model", 0.7, QV::Pick(MODELS)), q("channel", 0.3, QV::Pick(&["stable", "beta"]))]).json(firmware),
        get("/v2/firmware/{version}", 1.5).json(firmware).err(&[404]),
        get("/v2/firmware/{version}/download", 0.5).by(Device).resp(Resp::Binary("application/octet-stream")).err(&[404]),
        get("/v2/alerts", 1.0).q(&[LIMIT, q("severity", 0.3, QV::Pick(&["info", "warning", "critical"])), q("acknowledged", 0.3, QV::Bool), q("since", 0.3, QV::DateTime(3))]).list(alert),
        post("/v2/alerts/{alertId}/ack", 0.4).ok(200).body(|c| { let v = json!({ "note": c.sentence(3, 8) }); c.drop(v, &[("note", 0.6)]) }).json(alert).err(&[404, 409]),
        get("/v2/gateways/{gatewayId}", 0.6).json(gateway).err(&[404]),
    ];
    let params = vec![
        param("mac", Kind::Mac, 0.8, usize::MAX),
        param("deviceId", Kind::ObjectId, 0.75, usize::MAX),
        param("serial", Kind::Serial("SN", 12), 0.4, usize::MAX),
        param("commandId", Kind::Uuid, 0.5, usize::MAX),
        param("siteId", Kind::ObjectId, 0.85, 300),
        param("version", Kind::Semver, 0.7, 80),
        param("alertId", Kind::ObjectId, 0.2, usize::MAX),
        param("gatewayId", Kind::Hex(16), 0.7, usize::MAX),
    ];
    let clients = vec![
        mix(Device, AuthStyle::ApiKeyHeader("X-API-Key"), 500, 0.55),
        mix(Script, AuthStyle::ApiKeyHeader("X-API-Key"), 30, 0.15),
        mix(Browser, AuthStyle::BearerJwt, 60, 0.3),
    ];
    let mut s = ApiSpec::new(endpoints, params, clients);
    s.envelope = |c, items, total| {
        let next = if total > items.len() as i64 && !items.is_empty() {
            json!(format!("{}?cursor={}", c.url(c.path), c.token(12)))
        } else {
            Value::Null
        };
        (json!({ "results": items, "count": total, "next": next }), Vec::new())
    };
    s.error = |c, status| {
        let title = crate::engine::status_text(status);
        let slug = title.to_ascii_lowercase().replace(' ', "-");
        json!({ "type": format!("https://api.telemetry.example.test/problems/{slug}"), "title": title, "status": status, "detail": c.sentence(4, 10), "instance": c.path })
    };
    s.error_mime = "application/problem+json";
    s.server = "Kestrel";
    s.server_ip = "198.51.100.77";
    s.app_ua = "TelemetryConsole/1.9";
    s.key_prefix = "tk_";
    s.base64_rate = 0.05;
    s.trailing_slash = Some("/v1/");
    s.default_limit = 20;
    s
}

fn v1_device(c: &mut Ctx<'_>) -> Value {
    let mac = {
        let m = c.param("mac");
        if m.is_empty() { c.id("mac") } else { m }
    };
    json!({
        "mac": mac,
        "name": format!("{}-{}", c.pick(&["boiler", "fridge", "office", "lab", "roof"]), c.int(1, 99)),
        "fw": c.id("version"),
        "last_seen": c.ts_ago(2.0),
        "online": c.chance(0.8),
        "rssi": -c.int(40, 95),
    })
}

fn v1_readings(c: &mut Ctx<'_>) -> Value {
    let n = c.int(1, 10);
    let mut rows = Vec::new();
    for _ in 0..n {
        rows.push(json!([c.now / 1000 - c.int(0, 600), c.pick(METRICS), c.int(0, 1000) as f64 / 10.0]));
    }
    json!({ "mac": c.param("mac"), "data": rows })
}

fn config(c: &mut Ctx<'_>) -> Value {
    json!({ "interval": c.pick(&[30, 60, 300, 900]), "metrics": [c.pick(METRICS), c.pick(METRICS)], "server": "mqtt.telemetry.example.test", "port": 8883, "led": c.chance(0.5) })
}

fn device(c: &mut Ctx<'_>) -> Value {
    let id = match c.param("deviceId") {
        d if !d.is_empty() => d,
        _ if c.method == "POST" => c.fresh("deviceId"),
        _ => c.id("deviceId"),
    };
    let serial = {
        let s = c.param("serial");
        if s.is_empty() { c.make(Kind::Serial("SN", 12)) } else { s }
    };
    let v = json!({
        "id": id,
        "serial": serial,
        "name": format!("{} {}", c.title(), c.int(1, 99)),
        "model": c.pick(MODELS),
        "mac": opt!(c, 0.6, json!(c.id("mac"))),
        "siteId": c.id("siteId"),
        "status": c.pick(&["online", "online", "online", "offline", "provisioning"]),
        "firmware": { "version": c.id("version"), "channel": c.pick(&["stable", "beta"]) },
        "location": opt!(c, 0.5, json!({ "lat": 38.7 + c.int(-500, 500) as f64 / 1000.0, "lng": -9.1 + c.int(-500, 500) as f64 / 1000.0 })),
        "tags": c.tags(3),
        "battery": opt!(c, 0.7, json!(c.int(1, 100))),
        "lastSeen": c.ts_ago(1.0),
        "createdAt": c.ts_ago(600.0),
    });
    c.drop(v, &[("location", 0.3), ("battery", 0.2)])
}

fn new_device(c: &mut Ctx<'_>) -> Value {
    json!({ "serial": c.make(Kind::Serial("SN", 12)), "model": c.pick(MODELS), "name": c.title(), "siteId": c.id("siteId") })
}

fn point(c: &mut Ctx<'_>) -> Value {
    json!({ "t": c.ts_ago(1.0), "v": c.int(0, 10_000) as f64 / 100.0 })
}

fn readings(c: &mut Ctx<'_>) -> Value {
    let metric = c.query("metric").unwrap_or("temperature").to_string();
    let series = c.list(0, 40, point);
    json!({ "deviceId": c.param("deviceId"), "metric": metric, "unit": unit(&metric), "resolution": c.query("resolution").unwrap_or("5m"), "points": series })
}

fn unit(metric: &str) -> &'static str {
    match metric {
        "temperature" => "C",
        "humidity" | "battery" => "%",
        "co2" => "ppm",
        "pressure" => "hPa",
        _ => "g",
    }
}

fn latest(c: &mut Ctx<'_>) -> Value {
    let mut m = serde_json::Map::new();
    for metric in METRICS.iter().take(c.int(1, 4) as usize) {
        m.insert(
            (*metric).to_string(),
            json!({ "value": c.int(0, 10_000) as f64 / 100.0, "unit": unit(metric), "at": c.ts_ago(0.1) }),
        );
    }
    json!({ "deviceId": c.param("deviceId"), "readings": m })
}

fn v2_readings(c: &mut Ctx<'_>) -> Value {
    let items = c.list(1, 20, |c| {
        let metric = c.pick(METRICS);
        json!({ "ts": c.ts_ago(0.01), "metric": metric, "value": c.int(0, 10_000) as f64 / 100.0, "unit": unit(metric) })
    });
    let v = json!({ "readings": items, "battery": c.int(1, 100), "rssi": -c.int(40, 95), "seq": c.int(1, 1_000_000) });
    c.drop(v, &[("battery", 0.3), ("rssi", 0.3)])
}

fn command(c: &mut Ctx<'_>) -> Value {
    let id = match c.param("commandId") {
        d if !d.is_empty() => d,
        _ => c.fresh("commandId"),
    };
    json!({
        "id": id,
        "deviceId": c.param("deviceId"),
        "type": c.pick(&["reboot", "set_interval", "blink", "ota_update"]),
        "status": c.pick(&["queued", "sent", "acknowledged", "failed", "expired"]),
        "createdAt": c.ts_ago(1.0),
        "ackAt": opt!(c, 0.5, json!(c.ts_ago(0.5))),
        "error": opt!(c, 0.05, json!("device offline")),
    })
}

fn site(c: &mut Ctx<'_>) -> Value {
    let id = {
        let s = c.param("siteId");
        if s.is_empty() { c.id("siteId") } else { s }
    };
    json!({ "id": id, "name": format!("{} {}", c.city(), c.pick(&["Plant", "Warehouse", "Office", "Store"])), "timezone": c.pick(&["Europe/Lisbon", "Europe/Berlin", "America/Denver"]), "deviceCount": c.zipf(400), "address": opt!(c, 0.7, json!({ "city": c.city(), "country": c.country() })) })
}

fn firmware(c: &mut Ctx<'_>) -> Value {
    let version = {
        let s = c.param("version");
        if s.is_empty() { c.id("version") } else { s }
    };
    json!({
        "version": version,
        "channel": if version.contains('-') { "beta" } else { "stable" },
        "models": [c.pick(MODELS)],
        "size": c.int(300_000, 2_000_000),
        "sha256": c.hex(64),
        "releasedAt": c.ts_ago(400.0),
        "notes": opt!(c, 0.7, json!(c.paragraph(2))),
        "downloadUrl": c.url(&format!("/v2/firmware/{version}/download")),
    })
}

fn alert(c: &mut Ctx<'_>) -> Value {
    let id = {
        let s = c.param("alertId");
        if s.is_empty() { c.id("alertId") } else { s }
    };
    json!({
        "id": id,
        "deviceId": c.id("deviceId"),
        "severity": c.pick(&["info", "warning", "warning", "critical"]),
        "rule": format!("{} {} {}", c.pick(METRICS), c.pick(&[">", "<"]), c.int(0, 100)),
        "acknowledged": c.chance(0.4),
        "raisedAt": c.ts_ago(3.0),
    })
}

fn gateway(c: &mut Ctx<'_>) -> Value {
    json!({ "id": c.param("gatewayId"), "siteId": c.id("siteId"), "uplink": c.pick(&["ethernet", "lte", "wifi"]), "connectedDevices": c.zipf(200), "uptime": c.int(60, 9_000_000), "lastSeen": c.ts_ago(0.2) })
}
