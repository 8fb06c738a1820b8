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

/// What a section heading calls a meeting of one series: "1:1", or the series' own title when
/// the pair has another live series with a different title in the same doc (a weekly 1-1 and a
/// monthly career chat), so each section says which meeting it was. A series split "this and
/// following" keeps its title and stays "1:1"; a deleted one is not live.
///
/// `series` is every live series of the served user as (other person's e-mail, title); the
/// answer is one label per entry, in order.
pub fn meeting_labels(series: &[(&str, &str)]) -> Vec<String> {
    series
        .iter()
        .map(|&(other, title)| {
            let title = title.trim();
            let shared = series
                .iter()
                .any(|&(o, t)| o.trim().eq_ignore_ascii_case(other.trim()) && t.trim() != title);
            if shared && !title.is_empty() {
                title.to_string()
            } else {
                "1:1".to_string()
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn meetings_are_named_only_when_a_pair_has_two_different_ones() {
        let labels = meeting_labels(&[
            ("bob@x.com", "Alice / Bob"),
            ("Bob@X.com", " Career chat "),
            ("carol@x.com", "Alice / Carol"),
            // A split: two masters of the same meeting, same title.
            ("dan@x.com", "Alice / Dan"),
            ("dan@x.com", "Alice / Dan"),
            // A pair whose second series has no title: the titled one is named, the other is not.
            ("erin@x.com", "Weekly"),
            ("erin@x.com", ""),
        ]);
        assert_eq!(
            labels,
            [
                "Alice / Bob",
                "Career chat",
                "1:1",
                "1:1",
                "1:1",
                "Weekly",
                "1:1"
            ]
        );
        assert!(meeting_labels(&[]).is_empty());
    }

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
