//! `apiwarden gateway` and `apiwarden config check`: configuration in, gateway out.

use std::process::ExitCode;

use anyhow::Context;
use apiwarden_gateway::{Gateway, GatewayConfig, GatewayOptions};

use crate::cli::{Cli, ConfigCheckArgs, GatewayArgs};
use crate::config;

/// The gateway section with the command line's overrides applied.
fn gateway_config(cli: &Cli, args: &GatewayArgs, file: &config::ConfigFile) -> anyhow::Result<GatewayConfig> {
    let mut gateway = match (&file.gateway, &args.upstream) {
        (_, Some(upstream)) => {
            let base = file.gateway.clone().unwrap_or_default();
            let listen = args.listen.unwrap_or(base.listen);
            GatewayConfig { routes: GatewayConfig::single_upstream(listen, upstream).routes, ..base }
        }
        (Some(gateway), None) => gateway.clone(),
        (None, None) => anyhow::bail!(
            "nothing to proxy: pass --upstream http://host:port, or a --config file with [[gateway.routes]] \
             (docs/gateway.md){}",
            cli.config
                .as_ref()
                .map(|p| format!("; {} has no [gateway] section", p.display()))
                .unwrap_or_default()
        ),
    };
    if let Some(listen) = args.listen {
        gateway.listen = listen;
    }
    if let Some(admin) = args.admin {
        gateway.admin_listen = Some(admin);
    }
    if args.no_capture {
        gateway.capture.enabled = false;
    }
    Ok(gateway)
}

pub fn run(cli: &Cli, args: &GatewayArgs) -> anyhow::Result<ExitCode> {
    let file = config::load(cli.config.as_deref())?;
    let gateway = gateway_config(cli, args, &file)?;
    let problems = gateway.validate();
    if !problems.is_empty() {
        let shown =
            cli.config.as_ref().map(|p| p.display().to_string()).unwrap_or_else(|| "command line".into());
        let lines: Vec<String> = problems.iter().map(|p| format!("  {p}")).collect();
        anyhow::bail!("{shown}: the gateway configuration has problems:\n{}", lines.join("\n"));
    }
    let inspector = if gateway.capture.enabled {
        config::inspector_of(&file, cli.config.as_deref(), args.no_sensitive)?
    } else {
        None
    };
    let options = GatewayOptions { default_store: cli.db.clone(), inspector };
    // The gateway runs one event loop per worker thread (`gateway.workers`); the first is
    // this thread's, the others start their own.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(async move {
        let gateway = Gateway::bind(gateway.clone(), options).await?;
        let shutdown = gateway.shutdown_handle();
        if let Some(addr) = gateway.local_addr() {
            let admin = gateway.admin_addr().map(|a| format!(", admin on http://{a}")).unwrap_or_default();
            if !cli.quiet {
                eprintln!("apiwarden gateway listening on {addr}{admin}; Ctrl-C stops it");
            }
        }
        tokio::spawn(async move {
            wait_for_signal().await;
            shutdown.shutdown();
        });
        gateway.run().await?;
        Ok::<_, anyhow::Error>(())
    })?;
    Ok(ExitCode::SUCCESS)
}

/// Ctrl-C or SIGTERM.
async fn wait_for_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}

pub fn check_config(cli: &Cli, args: &ConfigCheckArgs) -> anyhow::Result<ExitCode> {
    let Some(path) = args.file.as_deref().or(cli.config.as_deref()) else {
        anyhow::bail!("no file to check: apiwarden config check FILE (or --config FILE)");
    };
    let file = config::load(Some(path))?;
    let shown = path.display();
    let Some(gateway) = &file.gateway else {
        println!("{shown}: OK (no [gateway] section)");
        return Ok(ExitCode::SUCCESS);
    };
    let problems = gateway.validate();
    if !problems.is_empty() {
        eprintln!("{shown}: {} problem{}:", problems.len(), if problems.len() == 1 { "" } else { "s" });
        for problem in &problems {
            eprintln!("  {problem}");
        }
        return Ok(ExitCode::from(1));
    }
    println!("{shown}: OK");
    println!(
        "  listen {} ({}), mode {}",
        gateway.listen,
        if gateway.tls.is_some() { "TLS" } else { "plaintext, h2c" },
        gateway.mode
    );
    if let Some(admin) = gateway.admin_listen {
        println!("  admin {admin}: /metrics /healthz /readyz");
    }
    for (index, route) in gateway.routes.iter().enumerate() {
        println!(
            "  route {}: {}{} -> {} ({:?})",
            gateway.route_name(index),
            route.host.as_deref().unwrap_or("*"),
            route.path_prefix,
            route.upstream,
            route.upstream_protocol
        );
    }
    for policy in &gateway.rate_limits {
        println!("  rate limit {}", policy.name);
    }
    let capture = &gateway.capture;
    if capture.enabled {
        println!(
            "  capture: {}% of calls, bodies up to {} bytes, queue {}; first {} calls of each shape analysed, then 1 in {}",
            capture.sample * 100.0,
            capture.body_bytes,
            capture.queue,
            capture.analyse_first,
            capture.analyse_one_in
        );
    } else {
        println!("  capture: off");
    }
    let detection = &gateway.detection;
    if detection.enabled {
        println!(
            "  attack detection: {} mode, first {} body bytes and {} fields of each request",
            detection.mode, detection.inspect_bytes, detection.inspect_fields
        );
    } else {
        println!("  attack detection: off");
    }
    Ok(ExitCode::SUCCESS)
}
