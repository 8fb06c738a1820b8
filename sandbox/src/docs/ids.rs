//! Fresh ids in Google's shapes (`kix.…` for lists, named ranges and chips, `h.…` for
//! headings, opaque revision ids). Deterministic, so tests and replays are repeatable.

use serde::{Deserialize, Serialize};

/// A counter scrambled into Google-looking base-36 ids; every id it hands out is unique.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct IdGen {
    next: u64,
}

impl IdGen {
    fn token(&mut self, width: usize) -> String {
        self.next += 1;
        // Multiplying by an odd constant modulo 2^64 is a bijection: unique but scattered.
        let mut n = self.next.wrapping_mul(0x9E37_79B9_7F4A_7C15);
        let mut out = String::with_capacity(width);
        for _ in 0..width {
            let digit = (n % 36) as u32;
            n /= 36;
            out.push(char::from_digit(digit, 36).unwrap_or('0'));
        }
        out
    }

    /// `kix.` + 12 characters: list, named range, person and date ids.
    pub fn kix(&mut self) -> String {
        format!("kix.{}", self.token(12))
    }

    /// `h.` + 12 characters: heading ids.
    pub fn heading(&mut self) -> String {
        format!("h.{}", self.token(12))
    }

    /// `t.` + 12 characters: tab ids (the first tab of a document is `t.0`).
    pub fn tab(&mut self) -> String {
        format!("t.{}", self.token(12))
    }

    /// A revision id (opaque to clients).
    pub fn revision(&mut self) -> String {
        format!("ASbx{}", self.token(12))
    }

    /// A new document id, 44 characters like Google's.
    pub fn document(&mut self) -> String {
        format!("1sbx{}{}{}", self.token(12), self.token(12), self.token(16))
    }
}
