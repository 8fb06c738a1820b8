//! Who acts on a 1-1 that either person may have organised: which served user's pass serves it,
//! and as whom the doc is attached to the event.
//!
//! Why this is a rule of its own: a 1-1 is a 1-1 whoever sent the invite (a report, or an
//! assistant), but Calendar keeps one authoritative copy, the organizer's. A guest's change
//! reaches it only when the event has `guestsCanModify`; otherwise Google keeps it on the
//! guest's own copy (and refuses shared fields outright). So the doc is attached by the
//! organizer whenever the daemon can act as them — under domain-wide delegation, for anyone in
//! the served user's domain — else by the served guest when guests may modify the event, else
//! not at all, and people are told how to attach it by hand.

use std::fmt;

/// Which of the served users' passes serves a series both people could see.
///
/// Deterministic, so that when both people are served exactly one pass acts: the organizer's
/// when the organizer is served, else the lexicographically smaller served address of the two.
/// `None` when neither is served (cannot happen for an event read from a served calendar).
pub fn acting_user<'a>(
    organizer: &str,
    people: [&'a str; 2],
    served: &[String],
) -> Option<&'a str> {
    let is_served = |e: &str| {
        served
            .iter()
            .any(|s| s.trim().eq_ignore_ascii_case(e.trim()))
    };
    if let Some(org) = people.iter().find(|p| p.eq_ignore_ascii_case(organizer)) {
        if is_served(org) {
            return Some(org);
        }
    }
    let mut candidates: Vec<&'a str> = people.into_iter().filter(|p| is_served(p)).collect();
    candidates.sort_by_key(|p| p.to_ascii_lowercase());
    candidates.first().copied()
}

/// How the served user's pass may attach the doc to one event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AttachAs {
    /// The served user organises it: patch their own copy.
    ServedOrganizer,
    /// Someone else organises it, inside the domain, and domain-wide delegation lets the
    /// daemon act as them: patch the organizer's copy as the organizer.
    Organizer(String),
    /// Someone else organises it, but the event lets guests modify it: patch the served
    /// user's copy, which Google carries to the organizer's.
    Guest,
    /// None of those: the doc is kept, shared and prepared, and people attach it by hand.
    NotPossible(NotAttachable),
}

/// Why the daemon cannot attach the doc to an event organised by someone else.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotAttachable {
    pub organizer: String,
    /// Whether the organizer is in the served user's domain (then only the auth mode is in
    /// the way).
    pub in_domain: bool,
}

impl fmt::Display for NotAttachable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let why = if self.in_domain {
            "oneonone cannot act as them (google.auth = \"installed\" signs in as one user; \
             domain-wide delegation would let it)"
        } else {
            "they are outside the served user's domain, so domain-wide delegation does not \
             cover them"
        };
        write!(
            f,
            "the event is organised by {}, {why}, and it does not let guests modify it \
             (guestsCanModify)",
            self.organizer
        )
    }
}

/// The domain part of an address, lower-cased (empty when there is no `@`).
fn domain(email: &str) -> String {
    email
        .trim()
        .rsplit_once('@')
        .map_or(String::new(), |(_, d)| d.to_ascii_lowercase())
}

/// How `served` attaches the doc to an event organised by `organizer`. `delegation` is whether
/// the daemon may act as any user of the served user's domain (service-account auth).
pub fn attach_as(
    organizer: &str,
    served: &str,
    delegation: bool,
    guests_can_modify: bool,
) -> AttachAs {
    if organizer.trim().eq_ignore_ascii_case(served.trim()) {
        return AttachAs::ServedOrganizer;
    }
    let in_domain = !domain(organizer).is_empty() && domain(organizer) == domain(served);
    if in_domain && delegation {
        AttachAs::Organizer(organizer.trim().to_ascii_lowercase())
    } else if guests_can_modify {
        AttachAs::Guest
    } else {
        AttachAs::NotPossible(NotAttachable {
            organizer: organizer.trim().to_ascii_lowercase(),
            in_domain,
        })
    }
}

impl fmt::Display for AttachAs {
    /// For `oneonone explain`: as whom the doc is (or would be) attached.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AttachAs::ServedOrganizer => f.write_str("as the served user, who organises it"),
            AttachAs::Organizer(o) => {
                write!(f, "as its organizer {o} (domain-wide delegation)")
            }
            AttachAs::Guest => f.write_str("as the served user, a guest (guestsCanModify)"),
            AttachAs::NotPossible(why) => write!(f, "not possible: {why}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn served(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn the_organizers_pass_acts_when_the_organizer_is_served() {
        let both = served(&["alice@x.org", "bob@x.org"]);
        let pair = ["alice@x.org", "bob@x.org"];
        assert_eq!(acting_user("bob@x.org", pair, &both), Some("bob@x.org"));
        assert_eq!(acting_user("ALICE@x.org", pair, &both), Some("alice@x.org"));
    }

    #[test]
    fn otherwise_the_smaller_served_address_acts() {
        let both = served(&["bob@x.org", "alice@x.org"]);
        let pair = ["bob@x.org", "alice@x.org"];
        // An assistant organised it: neither person is the organizer.
        assert_eq!(acting_user("pa@x.org", pair, &both), Some("alice@x.org"));
        let one = served(&["bob@x.org"]);
        assert_eq!(acting_user("alice@x.org", pair, &one), Some("bob@x.org"));
        assert_eq!(acting_user("alice@x.org", pair, &[]), None);
    }

    #[test]
    fn attaching_goes_as_the_organizer_then_the_guest_then_not_at_all() {
        let a = "alice@x.org";
        assert_eq!(
            attach_as(a, "Alice@X.org", false, false),
            AttachAs::ServedOrganizer
        );
        assert_eq!(
            attach_as("bob@x.org", a, true, false),
            AttachAs::Organizer("bob@x.org".into())
        );
        assert_eq!(attach_as("bob@x.org", a, false, true), AttachAs::Guest);
        assert_eq!(
            attach_as("erin@partner.org", a, true, true),
            AttachAs::Guest
        );
        let AttachAs::NotPossible(why) = attach_as("erin@partner.org", a, true, false) else {
            panic!("outside the domain, no guestsCanModify: cannot attach");
        };
        assert!(!why.in_domain);
        assert!(why.to_string().contains("outside"), "{why}");
        let AttachAs::NotPossible(why) = attach_as("bob@x.org", a, false, false) else {
            panic!("no delegation, no guestsCanModify: cannot attach");
        };
        assert!(
            why.in_domain && why.to_string().contains("installed"),
            "{why}"
        );
    }

    fn email() -> impl Strategy<Value = String> {
        ("[a-d]{1,3}", prop::sample::select(vec!["x.org", "y.org"]))
            .prop_map(|(l, d)| format!("{l}@{d}"))
    }

    proptest! {
        /// Whichever served pass looks at the series, they agree on who acts, and it is one
        /// of the served people.
        #[test]
        fn both_passes_agree_on_who_acts(
            a in email(), b in email(), organizer in email(), pick in 0usize..4,
        ) {
            prop_assume!(!a.eq_ignore_ascii_case(&b));
            let lists = [vec![a.clone()], vec![b.clone()], vec![a.clone(), b.clone()], vec![b.clone(), a.clone()]];
            let list = &lists[pick];
            let from_a = acting_user(&organizer, [a.as_str(), b.as_str()], list);
            let from_b = acting_user(&organizer, [b.as_str(), a.as_str()], list);
            prop_assert_eq!(from_a, from_b);
            let acting = from_a.expect("one of them is served");
            prop_assert!(list.iter().any(|s| s == acting));
        }

        /// A served organizer always attaches their own copy; anyone else never does.
        #[test]
        fn only_the_organizer_patches_as_organizer(
            organizer in email(), served in email(), delegation: bool, guests: bool,
        ) {
            let how = attach_as(&organizer, &served, delegation, guests);
            prop_assert_eq!(how == AttachAs::ServedOrganizer, organizer == served);
            if let AttachAs::Organizer(o) = &how {
                prop_assert!(delegation);
                prop_assert_eq!(o.split('@').nth(1), served.split('@').nth(1));
            }
        }
    }
}
