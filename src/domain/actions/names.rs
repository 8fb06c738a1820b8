//! Who a written name means: the two attendees' names, first names, email local parts and the
//! configured aliases, matched case-insensitively in any script ("łukasz", "Юлия", "美咲").
//!
//! A name that fits both attendees (two people called Alex) is not guessed at: the caller keeps
//! it as written.

use super::model::{MeetingContext, Person};

/// What a name refers to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Who {
    /// Exactly one person (an attendee, or an alias's email).
    Email(String),
    /// "I", "me": the writer, whom the document does not name.
    Writer,
    /// "we", "both", or the two attendees named together.
    Both,
    /// Matches more than one person.
    Ambiguous,
    /// Matches nobody we know.
    Unknown,
}

/// Every spelling that points at a person, lowercased.
pub(super) struct Directory {
    entries: Vec<(String, String)>,
    attendees: [String; 2],
}

impl Directory {
    pub fn new(ctx: &MeetingContext) -> Directory {
        let mut entries = Vec::new();
        for person in [&ctx.organizer, &ctx.other] {
            add_person(&mut entries, person);
        }
        for (alias, email) in &ctx.aliases {
            let alias = alias.trim().trim_start_matches('@').to_lowercase();
            if !alias.is_empty() {
                entries.push((alias, email.trim().to_lowercase()));
            }
        }
        Directory {
            entries,
            attendees: [
                ctx.organizer.email.trim().to_lowercase(),
                ctx.other.email.trim().to_lowercase(),
            ],
        }
    }

    /// The attendee who is not `email`, if `email` is one of the two and they differ.
    pub fn counterpart(&self, email: &str) -> Option<&str> {
        let [a, b] = &self.attendees;
        if a == b {
            None
        } else if email == a {
            Some(b)
        } else if email == b {
            Some(a)
        } else {
            None
        }
    }

    /// Resolves a name, a pronoun, or names joined by "and"/"&"/"+"/"/"/",".
    pub fn who(&self, written: &str) -> Who {
        let name = tidy(written);
        match name.as_str() {
            "" => return Who::Unknown,
            "i" | "me" | "myself" => return Who::Writer,
            "we" | "us" | "both" | "both of us" | "we both" | "us both" | "the two of us" => {
                return Who::Both
            }
            _ => {}
        }
        let direct = self.single(&name);
        if direct != Who::Unknown {
            return direct;
        }
        let parts = split_joined(&name);
        if parts.len() >= 2 {
            return self.joined(&parts);
        }
        // "Bob Smith" when only "Bob" is known, or "Bob S.": two words, the second capitalised.
        let words: Vec<&str> = written.split_whitespace().collect();
        match words.as_slice() {
            [first, second] if second.chars().next().is_some_and(char::is_uppercase) => {
                self.single(&tidy(first))
            }
            _ => Who::Unknown,
        }
    }

    fn single(&self, name: &str) -> Who {
        let mut emails: Vec<&str> = self
            .entries
            .iter()
            .filter(|(spelling, _)| spelling == name)
            .map(|(_, email)| email.as_str())
            .collect();
        emails.sort_unstable();
        emails.dedup();
        match emails.as_slice() {
            [] => Who::Unknown,
            [one] => Who::Email((*one).to_string()),
            _ => Who::Ambiguous,
        }
    }

    /// "Alice and Bob", "me & Bob": both attendees (the writer being one of them).
    fn joined(&self, parts: &[&str]) -> Who {
        let mut emails = Vec::new();
        let mut writer = false;
        for part in parts {
            match self.who(part) {
                Who::Email(e) => emails.push(e),
                Who::Writer => writer = true,
                Who::Both => return Who::Both,
                _ => return Who::Unknown,
            }
        }
        emails.sort_unstable();
        emails.dedup();
        let both = emails.len() == 2 && emails.iter().all(|e| self.attendees.contains(e))
            || writer && emails.len() == 1 && emails.iter().all(|e| self.attendees.contains(e));
        if both {
            Who::Both
        } else {
            Who::Unknown
        }
    }

    /// Attendees mentioned by name anywhere in `text` (word by word).
    pub fn mentioned(&self, text: &str) -> Vec<String> {
        let mut found = Vec::new();
        for word in text.split(|c: char| !name_char(c)) {
            if let Who::Email(email) = self.single(&tidy(word)) {
                if self.attendees.contains(&email) && !found.contains(&email) {
                    found.push(email);
                }
            }
        }
        found
    }
}

fn add_person(entries: &mut Vec<(String, String)>, person: &Person) {
    let email = person.email.trim().to_lowercase();
    if email.is_empty() {
        return;
    }
    let mut push = |spelling: &str| {
        let spelling = spelling.trim().to_lowercase();
        if !spelling.is_empty() {
            entries.push((spelling, email.clone()));
        }
    };
    push(&email);
    if let Some((local, _)) = email.split_once('@') {
        push(local);
        // bob.smith@ → "bob"; one letter is too weak to mean a person.
        if let Some(first) = local.split(['.', '_', '-', '+']).next() {
            if first.chars().count() >= 2 {
                push(first);
            }
        }
    }
    if let Some(name) = person.name.as_deref() {
        push(name);
        let words: Vec<&str> = name.split_whitespace().collect();
        for word in &words {
            push(word);
        }
        // "B. Baker" / "B Baker" for "Bob Baker": how people abbreviate a full name (from the
        // directory) in notes.
        if let (Some(first), Some(last)) = (words.first(), words.last()) {
            if words.len() >= 2 {
                if let Some(initial) = first.chars().next() {
                    push(&format!("{initial}. {last}"));
                    push(&format!("{initial} {last}"));
                }
            }
        }
    }
}

/// Lowercased, outer punctuation and a leading "@" removed, inner whitespace collapsed.
pub(super) fn tidy(written: &str) -> String {
    let trimmed = written
        .trim()
        .trim_matches(|c: char| !(c.is_alphanumeric() || is_combining_mark(c)));
    trimmed
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// Characters that may appear inside a name or an email-ish handle.
pub(super) fn name_char(c: char) -> bool {
    c.is_alphanumeric()
        || matches!(c, '\'' | '’' | '.' | '-' | '_' | '@' | '+')
        || is_combining_mark(c)
}

/// Combining diacritics (enough for names typed in decomposed form, e.g. "Jose\u{301}").
pub(super) fn is_combining_mark(c: char) -> bool {
    matches!(c, '\u{0300}'..='\u{036F}' | '\u{1AB0}'..='\u{1AFF}' | '\u{1DC0}'..='\u{1DFF}'
        | '\u{20D0}'..='\u{20FF}' | '\u{FE20}'..='\u{FE2F}' | '\u{0900}'..='\u{097F}')
        && !c.is_alphanumeric()
}

fn split_joined(name: &str) -> Vec<&str> {
    let mut parts = vec![name];
    for joiner in [" and ", "&", "+", "/", ","] {
        parts = parts
            .into_iter()
            .flat_map(|p| p.split(joiner))
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .collect();
    }
    parts
}

#[cfg(test)]
#[path = "names_tests.rs"]
pub(super) mod tests;
