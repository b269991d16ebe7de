//! The configuration file (TOML). Sections belong to the parts they configure; today only
//! `[sensitive]` (see docs/sensitive-data.md) and `[gateway]` (docs/gateway.md). Unknown keys are errors, so a typo never
//! silently falls back to a default.

use std::path::Path;
use std::sync::Arc;

use apiwarden_core::inspect::Inspector;
use apiwarden_gateway::GatewayConfig;
use apiwarden_posture::TrafficInspector;
use apiwarden_sensitive::SensitiveConfig;
use serde::Deserialize;

/// Largest configuration file read.
const MAX_CONFIG_BYTES: u64 = 1024 * 1024;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    #[serde(default)]
    pub sensitive: SensitiveConfig,
    /// The inline gateway (docs/gateway.md); checked when the gateway starts and by
    /// `apiwarden config check`.
    #[serde(default)]
    pub gateway: Option<GatewayConfig>,
}

/// Reads and validates the file at `path`; no path means the defaults.
pub fn load(path: Option<&Path>) -> anyhow::Result<ConfigFile> {
    let Some(path) = path else { return Ok(ConfigFile::default()) };
    let shown = path.display();
    let size = std::fs::metadata(path)
        .map_err(|err| anyhow::anyhow!("config {shown}: cannot read it: {err}"))?
        .len();
    if size > MAX_CONFIG_BYTES {
        anyhow::bail!("config {shown}: {size} bytes, larger than the {MAX_CONFIG_BYTES}-byte limit");
    }
    let text = std::fs::read_to_string(path)
        .map_err(|err| anyhow::anyhow!("config {shown}: cannot read it: {err}"))?;
    let config: ConfigFile = toml::from_str(&text)
        .map_err(|err| anyhow::anyhow!("config {shown}: {}", err.to_string().trim_end()))?;
    config.sensitive.validate().map_err(|err| anyhow::anyhow!("config {shown}: {err}"))?;
    Ok(config)
}

/// The sensitive-data and posture inspector the configuration describes, unless switched off.
pub fn inspector(path: Option<&Path>, disabled: bool) -> anyhow::Result<Option<Arc<dyn Inspector>>> {
    let config = load(path)?;
    inspector_of(&config, path, disabled)
}

/// The inspector of an already loaded configuration.
pub fn inspector_of(
    config: &ConfigFile,
    path: Option<&Path>,
    disabled: bool,
) -> anyhow::Result<Option<Arc<dyn Inspector>>> {
    if disabled {
        return Ok(None);
    }
    let shown = path.map(|p| p.display().to_string()).unwrap_or_else(|| "(defaults)".to_owned());
    let inspector = TrafficInspector::from_config(&config.sensitive)
        .map_err(|err| anyhow::anyhow!("config {shown}: {err}"))?;
    Ok(Some(Arc::new(inspector)))
}
