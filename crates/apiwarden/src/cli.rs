//! Command-line interface definitions.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Parser, Debug)]
#[command(
    name = "apiwarden",
    version,
    about = "Find every API you really expose, from the traffic it serves.",
    long_about = "apiwarden builds an API inventory from recorded or live (gateway) traffic: every endpoint template \
(GET /users/{userId}/orders/{orderId}), its parameters, request and response schemas, \
authentication, status codes and latency, exported as OpenAPI 3.1.\n\n\
Quick start:\n  apiwarden demo                          # analyse the bundled example shop API\n  \
apiwarden analyze traffic.har           # inventory of a HAR file, nothing stored\n  \
apiwarden ingest a.har b.har.gz logs/   # add traffic to the store (apiwarden.db)\n  \
apiwarden inventory                     # what the store knows\n  \
apiwarden gateway --upstream URL        # inline proxy feeding the inventory\n  \
apiwarden openapi export > api.yaml     # OpenAPI 3.1 of the inventory",
    after_help = "Exit codes: 0 success; 1 error (nothing or not everything could be done); \
2 invalid command line; 3 finished, but some files or entries were skipped (see the report)."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,

    /// Store file (SQLite). Created on first use.
    #[arg(long, global = true, env = "APIWARDEN_DB", default_value = "apiwarden.db")]
    pub db: PathBuf,

    /// Print only errors (no progress, no summary).
    #[arg(short, long, global = true)]
    pub quiet: bool,

    /// More log output on stderr (-v: info, -vv: debug).
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,

    /// Log lines as text, or as one JSON object per line (for log collectors; the
    /// gateway's request ids, routes and rules are fields).
    #[arg(long, global = true, env = "APIWARDEN_LOG_FORMAT", value_enum, default_value = "text")]
    pub log_format: LogFormat,

    /// Configuration file (TOML). Its `[sensitive]` section switches data types off, adds
    /// your own types and sets the redaction policy (docs/sensitive-data.md); its
    /// `[gateway]` section sets up the gateway (docs/gateway.md).
    #[arg(long, global = true, env = "APIWARDEN_CONFIG", value_name = "FILE")]
    pub config: Option<PathBuf>,
}

#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Analyse the bundled example traffic (an online shop API) and print its inventory.
    Demo(DemoArgs),
    /// Analyse traffic files and print the inventory, without storing anything.
    Analyze(AnalyzeArgs),
    /// Add traffic files to the store. Re-ingesting the same traffic adds nothing.
    Ingest(IngestArgs),
    /// Show the endpoints the store knows.
    Inventory(InventoryArgs),
    /// List the findings in the store: sensitive data exposure and posture problems seen
    /// in traffic, most severe first.
    Findings(FindingsArgs),
    /// OpenAPI import and export.
    #[command(subcommand)]
    Openapi(OpenapiCommand),
    /// Run the inline gateway: a reverse proxy that captures live traffic into the
    /// inventory and enforces rate limits (docs/gateway.md).
    Gateway(GatewayArgs),
    /// Check a configuration file.
    #[command(subcommand)]
    Config(ConfigCommand),
    /// Run the attack detectors over recorded traffic (HAR or JSON lines) and print every
    /// call they flag, offline: try rules on real traffic before they go live.
    Check(CheckArgs),
}

#[derive(Args, Debug)]
pub struct CheckArgs {
    /// HAR files (.har, .har.gz), JSON-lines files (.jsonl, .ndjson, optionally gzipped),
    /// folders of them, or `-` for standard input.
    #[arg(required = true, value_name = "INPUT")]
    pub inputs: Vec<PathBuf>,
    /// One JSON object per flagged call, then a summary object.
    #[arg(long)]
    pub json: bool,
    /// Exit with status 1 when any call is flagged (for CI: a file of legitimate traffic
    /// must pass).
    #[arg(long)]
    pub fail_on_detection: bool,
}

#[derive(Args, Debug)]
pub struct GatewayArgs {
    /// Address to listen on; overrides `gateway.listen`.
    #[arg(long, value_name = "ADDR")]
    pub listen: Option<std::net::SocketAddr>,
    /// Send every call to this upstream (`http://host:port`), instead of the routes of the
    /// configuration file.
    #[arg(long, value_name = "URL")]
    pub upstream: Option<String>,
    /// Admin address for /metrics, /healthz and /readyz; overrides `gateway.admin_listen`.
    #[arg(long, value_name = "ADDR")]
    pub admin: Option<std::net::SocketAddr>,
    /// Proxy only: do not send calls to the analysis pipeline.
    #[arg(long)]
    pub no_capture: bool,
    /// Analyse captured calls for the inventory only, without sensitive-data classification.
    #[arg(long)]
    pub no_sensitive: bool,
}

#[derive(Subcommand, Debug)]
pub enum ConfigCommand {
    /// Validate a configuration file and print what it sets up; exit 1 with every problem
    /// named when it is not usable.
    Check(ConfigCheckArgs),
}

#[derive(Args, Debug)]
pub struct ConfigCheckArgs {
    /// The file to check (default: --config).
    #[arg(value_name = "FILE")]
    pub file: Option<PathBuf>,
}

#[derive(Args, Debug)]
pub struct DemoArgs {
    /// Also write the inferred OpenAPI 3.1 document to this file.
    #[arg(long, value_name = "FILE")]
    pub openapi: Option<PathBuf>,
    /// Print JSON instead of tables.
    #[arg(long)]
    pub json: bool,
}

#[derive(Args, Debug)]
pub struct SourceArgs {
    /// HAR files (.har, .har.gz), JSON-lines files (.jsonl, .ndjson, optionally gzipped),
    /// folders of them, or `-` for standard input.
    #[arg(required = true, value_name = "INPUT")]
    pub inputs: Vec<PathBuf>,
    /// An OpenAPI 3.x or Swagger 2.0 document (JSON or YAML) whose path templates take
    /// precedence over inferred ones for the paths it covers.
    #[arg(long, value_name = "FILE")]
    pub spec: Option<PathBuf>,
    /// Keep static files (scripts, styles, images, fonts) and CORS preflights in the inventory.
    #[arg(long)]
    pub keep_noise: bool,
    /// Skip sensitive-data classification and posture checks (faster). Findings stored by
    /// earlier runs are kept as they are.
    #[arg(long)]
    pub no_sensitive: bool,
    /// Largest body decoded for schema inference, in bytes.
    #[arg(long, default_value_t = 1024 * 1024, value_name = "BYTES")]
    pub max_body_bytes: usize,
    /// Largest single HAR entry or JSON line read, in bytes; bigger ones are skipped.
    #[arg(long, default_value_t = 64 * 1024 * 1024, value_name = "BYTES")]
    pub max_entry_bytes: usize,
}

#[derive(Args, Debug)]
pub struct AnalyzeArgs {
    #[command(flatten)]
    pub source: SourceArgs,
    /// Also write the inferred OpenAPI 3.1 document to this file (.json for JSON, else YAML).
    #[arg(long, value_name = "FILE")]
    pub openapi: Option<PathBuf>,
    /// Only show this host.
    #[arg(long)]
    pub host: Option<String>,
    /// Print the report and endpoints as JSON instead of tables.
    #[arg(long)]
    pub json: bool,
}

#[derive(Args, Debug)]
pub struct IngestArgs {
    #[command(flatten)]
    pub source: SourceArgs,
    /// Print the run report as JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Args, Debug)]
pub struct FindingsArgs {
    /// Only findings about this host.
    #[arg(long)]
    pub host: Option<String>,
    /// Only findings at or above this severity.
    #[arg(long, value_enum)]
    pub severity: Option<SeverityArg>,
    /// Print JSON instead of a table.
    #[arg(long)]
    pub json: bool,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum SeverityArg {
    Info,
    Low,
    Medium,
    High,
    Critical,
}

impl SeverityArg {
    pub fn severity(self) -> apiwarden_core::Severity {
        use apiwarden_core::Severity;
        match self {
            SeverityArg::Info => Severity::Info,
            SeverityArg::Low => Severity::Low,
            SeverityArg::Medium => Severity::Medium,
            SeverityArg::High => Severity::High,
            SeverityArg::Critical => Severity::Critical,
        }
    }
}

#[derive(Args, Debug)]
pub struct InventoryArgs {
    /// Only this host.
    #[arg(long)]
    pub host: Option<String>,
    /// Print endpoints as JSON (an array of inventory entries).
    #[arg(long)]
    pub json: bool,
    /// Show the sensitive data types each endpoint carries, per field, instead of the
    /// endpoint table.
    #[arg(long)]
    pub sensitive: bool,
}

#[derive(Subcommand, Debug)]
pub enum OpenapiCommand {
    /// Write the inventory as an OpenAPI 3.1 document.
    Export(ExportArgs),
}

#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
pub enum DocFormat {
    Yaml,
    Json,
}

#[derive(Args, Debug)]
pub struct ExportArgs {
    /// Only this host.
    #[arg(long)]
    pub host: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value = "yaml")]
    pub format: DocFormat,
    /// Write to this file instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// `info.title` of the document.
    #[arg(long, default_value = "API inventory discovered by apiwarden")]
    pub title: String,
}
