//! `apiwarden gateway` and `apiwarden config check` as a user runs them: the real binary,
//! a real upstream on loopback, SIGTERM to stop, and the store read back.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_apiwarden");

fn apiwarden(dir: &Path) -> Command {
    let mut command = Command::new(BIN);
    command
        .current_dir(dir)
        .env_remove("APIWARDEN_DB")
        .env_remove("APIWARDEN_CONFIG")
        .env_remove("APIWARDEN_LOG")
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    command
}

fn text(output: &Output) -> (i32, String, String) {
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn config_check_accepts_a_good_file_and_names_every_problem_of_a_bad_one() {
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("good.toml");
    std::fs::write(
        &good,
        r#"
[gateway]
listen = "127.0.0.1:8080"
admin_listen = "127.0.0.1:9090"
[[gateway.routes]]
name = "api"
path_prefix = "/api"
upstream = "http://127.0.0.1:3000"
[[gateway.rate_limits]]
name = "per-client"
limits = ["10/s", "1000/h"]
"#,
    )
    .unwrap();
    let (code, stdout, stderr) =
        text(&apiwarden(dir.path()).args(["config", "check"]).arg(&good).output().unwrap());
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("good.toml: OK"), "{stdout}");
    assert!(stdout.contains("route api: */api -> http://127.0.0.1:3000"), "{stdout}");
    assert!(stdout.contains("rate limit per-client"), "{stdout}");

    let bad = dir.path().join("bad.toml");
    std::fs::write(
        &bad,
        r#"
[gateway.limits]
max_header_bytes = 1024
[[gateway.routes]]
upstream = "127.0.0.1:3000"
[[gateway.rate_limits]]
name = "x"
routes = ["nope"]
limits = ["10/x"]
"#,
    )
    .unwrap();
    let (code, _, stderr) =
        text(&apiwarden(dir.path()).args(["config", "check"]).arg(&bad).output().unwrap());
    assert_eq!(code, 1);
    for expected in [
        "gateway.routes[0].upstream: '127.0.0.1:3000' needs a scheme",
        "gateway.limits.max_header_bytes: 1024 is below the minimum of 8192",
        "unknown unit 'x'",
        "gateway.rate_limits[0].routes: 'nope' is not the name of a route",
    ] {
        assert!(stderr.contains(expected), "missing {expected:?} in:\n{stderr}");
    }

    let typo = dir.path().join("typo.toml");
    std::fs::write(&typo, "[gateway]\nlisten = \"127.0.0.1:8080\"\nupstrem = \"x\"\n").unwrap();
    let (code, _, stderr) =
        text(&apiwarden(dir.path()).args(["config", "check"]).arg(&typo).output().unwrap());
    assert_eq!(code, 1);
    assert!(stderr.contains("unknown field `upstrem`"), "{stderr}");
}

#[test]
fn the_gateway_without_an_upstream_says_what_is_missing() {
    let dir = tempfile::tempdir().unwrap();
    let (code, _, stderr) = text(&apiwarden(dir.path()).arg("gateway").output().unwrap());
    assert_eq!(code, 1);
    assert!(stderr.contains("nothing to proxy: pass --upstream"), "{stderr}");
}

/// A loopback upstream answering every request with a small JSON body (one request per
/// connection).
fn upstream() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            std::thread::spawn(move || answer(stream));
        }
    });
    port
}

fn answer(mut stream: TcpStream) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut content_length = 0usize;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            return;
        }
        if let Some(value) = line.to_ascii_lowercase().strip_prefix("content-length:") {
            content_length = value.trim().parse().unwrap_or(0);
        }
        if line == "\r\n" {
            break;
        }
    }
    let mut body = vec![0; content_length];
    let _ = reader.read_exact(&mut body);
    let reply = r#"{"id":7,"email":"ann@example.com"}"#;
    let _ = write!(
        stream,
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{reply}",
        reply.len()
    );
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// One request over a fresh connection; the status line's code.
fn request(port: u16, path: &str) -> Option<u16> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).ok()?;
    write!(stream, "GET {path} HTTP/1.1\r\nHost: shop.test\r\nConnection: close\r\n\r\n").ok()?;
    let mut response = String::new();
    stream.read_to_string(&mut response).ok()?;
    response.split(' ').nth(1)?.parse().ok()
}

fn stop(child: &mut Child) -> i32 {
    let pid = child.id().to_string();
    Command::new("kill").args(["-TERM", &pid]).status().unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status.code().unwrap_or(-1);
        }
        assert!(Instant::now() < deadline, "the gateway did not stop after SIGTERM");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn live_calls_through_the_gateway_reach_the_inventory_and_sigterm_stops_it_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("live.db");
    let upstream = upstream();
    let port = free_port();
    let mut gateway = apiwarden(dir.path())
        .arg("--db")
        .arg(&db)
        .args(["gateway", "--listen", &format!("127.0.0.1:{port}")])
        .args(["--upstream", &format!("http://127.0.0.1:{upstream}")])
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    while request(port, "/health").is_none() {
        assert!(Instant::now() < deadline, "the gateway did not start listening");
        std::thread::sleep(Duration::from_millis(20));
    }
    for id in 1..=12 {
        assert_eq!(request(port, &format!("/api/customers/{id}")), Some(200));
    }
    assert_eq!(stop(&mut gateway), 0, "SIGTERM is a clean stop");
    let mut stderr = String::new();
    gateway.stderr.take().unwrap().read_to_string(&mut stderr).unwrap();
    assert!(stderr.contains(&format!("listening on 127.0.0.1:{port}")), "{stderr}");

    let (code, stdout, stderr) =
        text(&apiwarden(dir.path()).arg("--db").arg(&db).args(["inventory", "--json"]).output().unwrap());
    assert_eq!(code, 0, "{stderr}");
    let endpoints: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let customers = endpoints
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["key"]["template"] == "/api/customers/{customerId}")
        .unwrap_or_else(|| panic!("no customers endpoint in {stdout}"));
    assert_eq!(customers["key"]["host"], "shop.test");
    assert_eq!(customers["calls"], 12);
}
