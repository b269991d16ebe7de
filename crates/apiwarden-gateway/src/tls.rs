//! TLS on both sides, with rustls and the ring provider (the workspace's one provider).

use std::path::Path;
use std::sync::Arc;

use rustls::RootCertStore;
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};

fn provider() -> Arc<rustls::crypto::CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// The client-side TLS configuration: certificate chain and key from PEM files, ALPN
/// offering HTTP/2 and HTTP/1.1.
pub fn server_config(cert: &Path, key: &Path) -> Result<rustls::ServerConfig, String> {
    let chain: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(cert)
        .map_err(|err| format!("{}: cannot read certificates: {err}", cert.display()))?
        .collect::<Result<_, _>>()
        .map_err(|err| format!("{}: not a PEM certificate chain: {err}", cert.display()))?;
    if chain.is_empty() {
        return Err(format!("{}: no certificate found (expected PEM 'BEGIN CERTIFICATE')", cert.display()));
    }
    let key = PrivateKeyDer::from_pem_file(key).map_err(|err| {
        format!("{}: no usable private key (PKCS#8, PKCS#1 or SEC1 PEM): {err}", key.display())
    })?;
    let mut config = rustls::ServerConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .map_err(|err| format!("TLS setup: {err}"))?
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .map_err(|err| format!("{}: certificate and key do not form a usable pair: {err}", cert.display()))?;
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(config)
}

/// The upstream-side TLS configuration: the given CA file's certificates, or the Mozilla
/// root set when none is given.
pub fn client_config(ca: Option<&Path>) -> Result<rustls::ClientConfig, String> {
    let mut roots = RootCertStore::empty();
    match ca {
        Some(path) => {
            for cert in CertificateDer::pem_file_iter(path)
                .map_err(|err| format!("{}: cannot read CA certificates: {err}", path.display()))?
            {
                let cert = cert.map_err(|err| format!("{}: not a PEM certificate: {err}", path.display()))?;
                roots
                    .add(cert)
                    .map_err(|err| format!("{}: unusable CA certificate: {err}", path.display()))?;
            }
            if roots.is_empty() {
                return Err(format!("{}: no CA certificate found", path.display()));
            }
        }
        None => roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned()),
    }
    Ok(rustls::ClientConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .map_err(|err| format!("TLS setup: {err}"))?
        .with_root_certificates(roots)
        .with_no_client_auth())
}
