//! Loading user specs and combining several into one template source.

use std::path::Path;

use anyhow::{Context, bail};
use apiwarden_core::discovery::TemplateOverride;
use apiwarden_core::openapi::{SpecTemplates, parse_spec};

/// Specs larger than this are refused before parsing.
const MAX_SPEC_BYTES: u64 = 20 * 1024 * 1024;

/// Reads and parses a spec file, printing its warnings to stderr.
pub fn load_spec_file(path: &Path, quiet: bool) -> anyhow::Result<(String, SpecTemplates)> {
    let origin = path.display().to_string();
    let size = std::fs::metadata(path).with_context(|| format!("cannot read spec {origin}"))?.len();
    if size > MAX_SPEC_BYTES {
        bail!("spec {origin} is {size} bytes, over the {MAX_SPEC_BYTES}-byte limit");
    }
    let text = std::fs::read_to_string(path).with_context(|| format!("cannot read spec {origin}"))?;
    let spec = parse_spec(&text, &origin).map_err(|err| anyhow::anyhow!("{err}"))?;
    if !quiet {
        for warning in &spec.warnings {
            eprintln!("warning: {warning}");
        }
    }
    Ok((text, spec))
}

/// Several specs; the first that knows a path wins.
#[derive(Default)]
pub struct SpecSet(pub Vec<SpecTemplates>);

impl TemplateOverride for SpecSet {
    fn template_for(&self, host: &str, path: &str) -> Option<String> {
        self.0.iter().find_map(|spec| spec.match_path(host, path)).map(|m| m.template.to_owned())
    }
}
