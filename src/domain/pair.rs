//! The stable key of a working relationship: the two people of a 1-1, whoever organises it.
//!
//! A doc belongs to the pair, not to one series id, so that a series deleted and recreated,
//! split "this and following" without its attachments, or re-sent by the other person finds the
//! same doc. The key is the two lower-cased, trimmed e-mails sorted, so it is the same from
//! either person's calendar: `pair:alice@x.com|bob@x.com`.

/// The pair key of two people (order does not matter; case and surrounding spaces neither).
pub fn pair_key(a: &str, b: &str) -> String {
    let (a, b) = (a.trim().to_ascii_lowercase(), b.trim().to_ascii_lowercase());
    let (first, second) = if a <= b { (a, b) } else { (b, a) };
    format!("pair:{first}|{second}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pair_keys_ignore_order_and_case() {
        assert_eq!(
            pair_key("Bob@X.com", " alice@x.com"),
            "pair:alice@x.com|bob@x.com"
        );
        assert_eq!(
            pair_key("alice@x.com", "bob@x.com"),
            pair_key("bob@x.com", "ALICE@x.com")
        );
        assert_ne!(
            pair_key("alice@x.com", "bob@x.com"),
            pair_key("alice@x.com", "carol@x.com")
        );
    }
}
