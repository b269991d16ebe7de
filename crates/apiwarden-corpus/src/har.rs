//! HAR 1.2 entry types and a streaming writer that emits one entry at a time.

use std::io::Write;

use serde::Serialize;

#[derive(Serialize, Debug, Clone)]
pub(crate) struct NameValue {
    pub name: String,
    pub value: String,
}

impl NameValue {
    pub(crate) fn new(name: impl Into<String>, value: impl Into<String>) -> Self {
        NameValue { name: name.into(), value: value.into() }
    }
}

#[derive(Serialize, Debug, Clone, Default)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Cookie {
    pub name: String,
    pub value: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub domain: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expires: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub http_only: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secure: Option<bool>,
}

#[derive(Serialize, Debug, Clone)]
#[serde(rename_all = "camelCase")]
pub(crate) struct PostParam {
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub content_type: Option<String>,
}

#[derive(Serialize, Debug, Clone)]
#[serde(rename_all = "camelCase")]
pub(crate) struct PostData {
    pub mime_type: String,
    pub text: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub params: Vec<PostParam>,
}

#[derive(Serialize, Debug, Clone)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Request {
    pub method: String,
    pub url: String,
    pub http_version: String,
    pub cookies: Vec<Cookie>,
    pub headers: Vec<NameValue>,
    pub query_string: Vec<NameValue>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub post_data: Option<PostData>,
    pub headers_size: i64,
    pub body_size: i64,
}

#[derive(Serialize, Debug, Clone)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Content {
    pub size: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub compression: Option<i64>,
    pub mime_type: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub encoding: Option<String>,
}

#[derive(Serialize, Debug, Clone)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Response {
    pub status: u16,
    pub status_text: String,
    pub http_version: String,
    pub cookies: Vec<Cookie>,
    pub headers: Vec<NameValue>,
    pub content: Content,
    #[serde(rename = "redirectURL")]
    pub redirect_url: String,
    pub headers_size: i64,
    pub body_size: i64,
}

#[derive(Serialize, Debug, Clone, Default)]
pub(crate) struct Cache {}

#[derive(Serialize, Debug, Clone)]
pub(crate) struct Timings {
    pub blocked: f64,
    pub dns: f64,
    pub connect: f64,
    pub ssl: f64,
    pub send: f64,
    pub wait: f64,
    pub receive: f64,
}

#[derive(Serialize, Debug, Clone)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Entry {
    pub started_date_time: String,
    pub time: f64,
    pub request: Request,
    pub response: Response,
    pub cache: Cache,
    pub timings: Timings,
    #[serde(rename = "serverIPAddress")]
    pub server_ip_address: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub connection: Option<String>,
}

/// Writes `{"log":{...,"entries":[` up front, one entry per call, and the closing
/// brackets in [`HarWriter::finish`]. Nothing but the current entry is held in memory.
pub(crate) struct HarWriter<W: Write> {
    out: std::io::BufWriter<W>,
    count: usize,
}

impl<W: Write> HarWriter<W> {
    pub(crate) fn start(out: W, comment: &str) -> anyhow::Result<Self> {
        let mut out = std::io::BufWriter::with_capacity(256 * 1024, out);
        out.write_all(
            b"{\"log\":{\"version\":\"1.2\",\"creator\":{\"name\":\"apiwarden-corpus\",\"version\":",
        )?;
        serde_json::to_writer(&mut out, env!("CARGO_PKG_VERSION"))?;
        out.write_all(b",\"comment\":\"synthetic labelled traffic\"},\"comment\":")?;
        serde_json::to_writer(&mut out, comment)?;
        out.write_all(b",\"pages\":[],\"entries\":[\n")?;
        Ok(HarWriter { out, count: 0 })
    }

    pub(crate) fn entry(&mut self, entry: &Entry) -> anyhow::Result<()> {
        if self.count > 0 {
            self.out.write_all(b",\n")?;
        }
        serde_json::to_writer(&mut self.out, entry)?;
        self.count += 1;
        Ok(())
    }

    pub(crate) fn finish(mut self) -> anyhow::Result<usize> {
        self.out.write_all(b"\n]}}\n")?;
        self.out.flush()?;
        Ok(self.count)
    }
}
