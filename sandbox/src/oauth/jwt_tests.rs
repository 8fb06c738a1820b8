use super::*;
use proptest::prelude::*;
use serde_json::json;
use std::sync::OnceLock;

const AUD: &str = "http://127.0.0.1:1/token";
const ISS: &str = "robot@sandbox-project.iam.gserviceaccount.com";
const NOW: i64 = 1_800_000_000;

fn key() -> &'static rsa::RsaPrivateKey {
    static KEY: OnceLock<rsa::RsaPrivateKey> = OnceLock::new();
    KEY.get_or_init(|| {
        let mut rng = rand::thread_rng();
        rsa::RsaPrivateKey::new(&mut rng, 2048).expect("key generation")
    })
}

fn other_key() -> &'static rsa::RsaPrivateKey {
    static KEY: OnceLock<rsa::RsaPrivateKey> = OnceLock::new();
    KEY.get_or_init(|| {
        let mut rng = rand::thread_rng();
        rsa::RsaPrivateKey::new(&mut rng, 2048).expect("key generation")
    })
}

fn claims() -> serde_json::Value {
    json!({"iss": ISS, "aud": AUD, "iat": NOW - 10, "exp": NOW + 3585,
           "sub": "alice@example.com", "scope": "https://www.googleapis.com/auth/drive.file"})
}

fn lookup(iss: &str) -> Option<RsaPublicKey> {
    (iss == ISS).then(|| key().to_public_key())
}

#[test]
fn accepts_padded_and_unpadded_assertions() {
    for padded in [true, false] {
        let jwt = sign(key(), &claims(), padded);
        let got = verify(&jwt, lookup, &[AUD], NOW).unwrap();
        assert_eq!(got.iss, ISS);
        assert_eq!(got.sub.as_deref(), Some("alice@example.com"));
        assert_eq!(
            got.scope.as_deref(),
            Some("https://www.googleapis.com/auth/drive.file")
        );
    }
}

#[test]
fn refuses_a_signature_by_another_key() {
    let jwt = sign(other_key(), &claims(), true);
    assert_eq!(verify(&jwt, lookup, &[AUD], NOW), Err(JwtError::Signature));
}

#[test]
fn refuses_tampered_claims() {
    let jwt = sign(key(), &claims(), false);
    let mut parts: Vec<String> = jwt.split('.').map(str::to_string).collect();
    let mut forged = claims();
    forged["sub"] = json!("mallory@example.com");
    parts[1] = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(forged.to_string());
    assert_eq!(
        verify(&parts.join("."), lookup, &[AUD], NOW),
        Err(JwtError::Signature)
    );
}

#[test]
fn refuses_wrong_audience_unknown_issuer_and_bad_times() {
    let mut c = claims();
    c["aud"] = json!("https://example.invalid/token");
    assert!(matches!(
        verify(&sign(key(), &c, true), lookup, &[AUD], NOW),
        Err(JwtError::Audience { .. })
    ));

    let mut c = claims();
    c["iss"] = json!("stranger@x.iam.gserviceaccount.com");
    assert!(matches!(
        verify(&sign(key(), &c, true), lookup, &[AUD], NOW),
        Err(JwtError::UnknownIssuer(_))
    ));

    let expired =
        json!({"iss": ISS, "aud": AUD, "iat": NOW - 4000, "exp": NOW - 400, "scope": "x"});
    let future =
        json!({"iss": ISS, "aud": AUD, "iat": NOW + 1000, "exp": NOW + 2000, "scope": "x"});
    let too_long = json!({"iss": ISS, "aud": AUD, "iat": NOW, "exp": NOW + 7200, "scope": "x"});
    for c in [expired, future, too_long] {
        assert_eq!(
            verify(&sign(key(), &c, true), lookup, &[AUD], NOW),
            Err(JwtError::Timeframe),
            "{c}"
        );
    }
}

#[test]
fn refuses_other_algorithms_and_garbage() {
    let none_alg = format!(
        "{}.{}.",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(r#"{"alg":"none"}"#),
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(claims().to_string())
    );
    assert_eq!(
        verify(&none_alg, lookup, &[AUD], NOW),
        Err(JwtError::Algorithm("none".into()))
    );
    assert_eq!(verify("a.b", lookup, &[AUD], NOW), Err(JwtError::Malformed));
    assert_eq!(
        verify("a.b.c.d", lookup, &[AUD], NOW),
        Err(JwtError::Malformed)
    );
    assert_eq!(
        verify("!!.b.c", lookup, &[AUD], NOW),
        Err(JwtError::BadSegment("header"))
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]
    #[test]
    fn never_panics_on_garbage(s in "\\PC{0,200}") {
        let _ = verify(&s, lookup, &[AUD], NOW);
    }
}
