//! The `apiwarden` command: wiring and presentation only; the work lives in the library
//! crates (`apiwarden-core`, `apiwarden-ingest`, `apiwarden-store`).

mod check;
mod cli;
mod commands;
mod config;
mod gateway;
mod progress;
mod render;
mod spec;

use std::process::ExitCode;

use clap::Parser;

/// Parsing traffic allocates many small strings; mimalloc measured ~20% less CPU per call
/// than the system allocator on the ingest benchmark (BENCHMARKS.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Exit code when the command finished but skipped some input.
pub const EXIT_PARTIAL: u8 = 3;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    init_logging(cli.verbose, cli.quiet, cli.log_format);
    match commands::run(&cli) {
        Ok(code) => code,
        // The reader of our output went away (`| head`): not an error of ours.
        Err(err)
            if err.chain().any(|cause| {
                cause
                    .downcast_ref::<std::io::Error>()
                    .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
            }) =>
        {
            ExitCode::SUCCESS
        }
        Err(err) => {
            // One clear sentence (with its causes) on stderr, never a panic trace.
            let mut message = format!("error: {err}");
            for cause in err.chain().skip(1) {
                message.push_str(&format!(": {cause}"));
            }
            eprintln!("{message}");
            ExitCode::from(1)
        }
    }
}

fn init_logging(verbose: u8, quiet: bool, format: cli::LogFormat) {
    let level = match (quiet, verbose) {
        (true, _) => "error",
        (false, 0) => "warn",
        (false, 1) => "info",
        (false, _) => "debug",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_env("APIWARDEN_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(level));
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    let _ = match format {
        cli::LogFormat::Text => builder.try_init(),
        cli::LogFormat::Json => builder.json().flatten_event(true).try_init(),
    };
}
