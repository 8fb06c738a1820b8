//! CSV cells that a spreadsheet shows as text, never runs as a formula.
//!
//! Anyone in a 1-1 can type an action item, and `oneonone actions --format csv` is made to be
//! opened in Excel, LibreOffice or Google Sheets — which treat a cell starting with `=`, `+`,
//! `-` or `@` as a formula (and tab or carriage return can smuggle one past a trim), so a typed
//! task could become `=HYPERLINK(...)` or worse in the manager's spreadsheet. OWASP's rule for
//! CSV injection: prefix such a cell with a single quote, which spreadsheets read as "this is
//! text" and do not display. Our own columns (dates, booleans, keys of the store) never start
//! with these characters, so only people's words are ever changed, and only by that prefix.

use std::borrow::Cow;

/// The characters that make a spreadsheet read a cell as a formula.
const FORMULA_START: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// `cell`, prefixed with `'` when a spreadsheet would take it for a formula.
pub fn neutralise(cell: &str) -> Cow<'_, str> {
    if cell.starts_with(FORMULA_START) {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_starts_are_prefixed() {
        for cell in [
            "=HYPERLINK(\"http://evil\",\"x\")",
            "+1+1",
            "-2+3",
            "@SUM(A1)",
            "\t=1",
            "\r=1",
        ] {
            assert_eq!(neutralise(cell), format!("'{cell}"), "{cell:?}");
        }
    }

    #[test]
    fn everything_else_is_left_as_written() {
        for cell in ["send the draft", "", "2026-11-27", "a=b", " =1", "'quoted"] {
            assert!(
                matches!(neutralise(cell), Cow::Borrowed(c) if c == cell),
                "{cell:?}"
            );
        }
    }
}
