//! Service-account key material: a fresh RSA-2048 key pair per account, written out in the
//! exact JSON layout of a key file downloaded from the Cloud console, so `yup-oauth2` (or any
//! Google library) can load it unchanged.

use rsa::pkcs8::{DecodePrivateKey, EncodePrivateKey, LineEnding};
use rsa::{RsaPrivateKey, RsaPublicKey};
use serde::{Deserialize, Serialize};

/// The project every sandbox service account belongs to.
pub const PROJECT_ID: &str = "sandbox-project";

/// Key generation failed (the RNG or the encoder); practically unreachable.
#[derive(Debug, thiserror::Error)]
#[error("could not generate a service-account key: {0}")]
pub struct KeyError(String);

/// A generated RSA key pair, private part as PKCS#8 PEM (what Google's key files carry).
pub struct KeyPair {
    pub private_key_pem: String,
}

impl KeyPair {
    /// Generates an RSA-2048 key. Slow (tens to hundreds of milliseconds): call it outside the
    /// world lock, on a blocking thread.
    pub fn generate() -> Result<KeyPair, KeyError> {
        let mut rng = rand::thread_rng();
        let key = RsaPrivateKey::new(&mut rng, 2048).map_err(|e| KeyError(e.to_string()))?;
        let pem = key
            .to_pkcs8_pem(LineEnding::LF)
            .map_err(|e| KeyError(e.to_string()))?;
        Ok(KeyPair {
            private_key_pem: pem.to_string(),
        })
    }
}

/// The public half of a PKCS#8 PEM private key; `None` if the PEM is unreadable.
pub fn public_key_of(private_key_pem: &str) -> Option<RsaPublicKey> {
    RsaPrivateKey::from_pkcs8_pem(private_key_pem)
        .ok()
        .map(|k| k.to_public_key())
}

/// A service-account key file, field for field as Google issues it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceAccountKeyFile {
    #[serde(rename = "type")]
    pub key_type: String,
    pub project_id: String,
    pub private_key_id: String,
    pub private_key: String,
    pub client_email: String,
    pub client_id: String,
    pub auth_uri: String,
    pub token_uri: String,
    pub auth_provider_x509_cert_url: String,
    pub client_x509_cert_url: String,
    pub universe_domain: String,
}

/// An installed-app ("Desktop") OAuth client file, as Google issues it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InstalledClientFile {
    pub installed: InstalledClientSecret,
}

/// The `installed` object of an OAuth client file (field names as yup-oauth2 reads them).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InstalledClientSecret {
    pub client_id: String,
    pub client_secret: String,
    pub project_id: String,
    pub auth_uri: String,
    pub token_uri: String,
    pub auth_provider_x509_cert_url: String,
    pub redirect_uris: Vec<String>,
}
