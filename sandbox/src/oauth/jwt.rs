//! Verification of the RS256 JWT assertion a service account signs for the
//! `urn:ietf:params:oauth:grant-type:jwt-bearer` grant.
//!
//! Expiry is checked against the real wall clock, not the sandbox's simulated one: the client
//! (yup-oauth2) stamps `iat`/`exp` from the wall clock, so comparing them with simulated time
//! would refuse every assertion once the simulation moves.

use base64::engine::general_purpose::GeneralPurpose;
use base64::engine::{DecodePaddingMode, GeneralPurposeConfig};
use base64::Engine as _;
use rsa::pkcs1v15::{Signature, VerifyingKey};
use rsa::signature::Verifier;
use rsa::RsaPublicKey;
use serde::Deserialize;
use sha2::Sha256;

/// base64url that accepts the segment with or without `=` padding (yup-oauth2 pads, most
/// libraries do not).
const B64URL_ANY_PADDING: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::URL_SAFE,
    GeneralPurposeConfig::new()
        .with_encode_padding(false)
        .with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// Clock skew tolerated on `iat` (Google allows a few minutes).
const LEEWAY_SECS: i64 = 300;
/// Google refuses assertions valid for more than an hour.
const MAX_LIFETIME_SECS: i64 = 3600;

/// The claims of a service-account assertion.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Claims {
    pub iss: String,
    pub aud: String,
    pub exp: i64,
    pub iat: i64,
    #[serde(default)]
    pub sub: Option<String>,
    #[serde(default)]
    pub scope: Option<String>,
}

#[derive(Deserialize)]
struct Header {
    alg: String,
}

/// Why an assertion was refused; the text becomes OAuth's `error_description`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum JwtError {
    #[error("Invalid JWT: the assertion must be three base64url segments separated by '.'")]
    Malformed,
    #[error("Invalid JWT: segment {0} is not valid base64url JSON")]
    BadSegment(&'static str),
    #[error("Invalid JWT: unsupported algorithm {0}; only RS256 is accepted")]
    Algorithm(String),
    #[error("Invalid JWT Signature.")]
    Signature,
    #[error("Invalid JWT: iss {0} is not a known service account")]
    UnknownIssuer(String),
    #[error("Invalid JWT: aud must be one of {expected}, got {got}")]
    Audience { expected: String, got: String },
    #[error("Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. Check your iat and exp values in the JWT claim.")]
    Timeframe,
}

/// Splits `assertion`, decodes its claims, looks the issuer's public key up with `key_of`,
/// checks the RS256 signature, the audience (one of `accepted_auds`) and the time window
/// (`now_unix` = real wall time).
pub fn verify(
    assertion: &str,
    key_of: impl FnOnce(&str) -> Option<RsaPublicKey>,
    accepted_auds: &[&str],
    now_unix: i64,
) -> Result<Claims, JwtError> {
    let mut parts = assertion.split('.');
    let (Some(header_b64), Some(claims_b64), Some(sig_b64), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(JwtError::Malformed);
    };
    let header: Header = decode_json(header_b64).ok_or(JwtError::BadSegment("header"))?;
    if header.alg != "RS256" {
        return Err(JwtError::Algorithm(header.alg));
    }
    let claims: Claims = decode_json(claims_b64).ok_or(JwtError::BadSegment("claims"))?;
    let signature = B64URL_ANY_PADDING
        .decode(sig_b64)
        .map_err(|_| JwtError::BadSegment("signature"))?;
    let key = key_of(&claims.iss).ok_or_else(|| JwtError::UnknownIssuer(claims.iss.clone()))?;
    let signature = Signature::try_from(signature.as_slice()).map_err(|_| JwtError::Signature)?;
    // The signature covers the segments exactly as sent, padding included.
    let signed = &assertion[..header_b64.len() + 1 + claims_b64.len()];
    VerifyingKey::<Sha256>::new(key)
        .verify(signed.as_bytes(), &signature)
        .map_err(|_| JwtError::Signature)?;
    if !accepted_auds.contains(&claims.aud.as_str()) {
        return Err(JwtError::Audience {
            expected: accepted_auds.join(", "),
            got: claims.aud,
        });
    }
    let window_ok = claims.iat <= now_unix + LEEWAY_SECS
        && claims.exp > now_unix
        && claims.exp > claims.iat
        && claims.exp - claims.iat <= MAX_LIFETIME_SECS;
    if !window_ok {
        return Err(JwtError::Timeframe);
    }
    Ok(claims)
}

fn decode_json<T: serde::de::DeserializeOwned>(segment: &str) -> Option<T> {
    let bytes = B64URL_ANY_PADDING.decode(segment).ok()?;
    serde_json::from_slice(&bytes).ok()
}

/// Signs `claims` as RS256 with base64url segments, padded or not. Used by tests and by the
/// admin endpoints' self-checks; real clients sign with their own library.
pub fn sign(key: &rsa::RsaPrivateKey, claims: &serde_json::Value, padded: bool) -> String {
    use rsa::signature::{SignatureEncoding, Signer};
    let engine = if padded {
        base64::engine::general_purpose::URL_SAFE
    } else {
        base64::engine::general_purpose::URL_SAFE_NO_PAD
    };
    let mut out = engine.encode(r#"{"alg":"RS256","typ":"JWT"}"#);
    out.push('.');
    out.push_str(&engine.encode(claims.to_string()));
    let signer = rsa::pkcs1v15::SigningKey::<Sha256>::new(key.clone());
    let signature = signer.sign(out.as_bytes());
    out.push('.');
    out.push_str(&engine.encode(signature.to_bytes()));
    out
}

#[cfg(test)]
#[path = "jwt_tests.rs"]
mod tests;
