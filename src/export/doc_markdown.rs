//! A Google Doc (the domain model) as Markdown: headings as `#`, bullets as `-`, checklist
//! items as `- [ ]`, person chips as their e-mail, date chips as their date. Used by the demo to
//! write the doc it shows, and handy for archiving a 1-1 history outside Google.

use crate::domain::doc::{Doc, Inline, ParagraphKind};
use std::fmt::Write;

pub fn doc_to_markdown(doc: &Doc) -> String {
    let mut out = String::new();
    if !doc.title.is_empty() {
        let _ = writeln!(out, "# {}\n", doc.title);
    }
    for p in &doc.paragraphs {
        let mut text = String::new();
        for e in &p.elements {
            match e {
                Inline::Text {
                    text: t,
                    suggested: false,
                    strikethrough,
                    ..
                } => {
                    let t = t.trim_end_matches('\n');
                    if *strikethrough && !t.trim().is_empty() {
                        let _ = write!(text, "~~{t}~~");
                    } else {
                        text.push_str(t);
                    }
                }
                Inline::Person { email, name, .. } => {
                    text.push_str(&format!("@{}", name.as_deref().unwrap_or(email)))
                }
                Inline::Date { date, display, .. } => match (display, date) {
                    (Some(d), _) => text.push_str(d),
                    (None, Some(d)) => text.push_str(&d.to_string()),
                    (None, None) => text.push_str("[date]"),
                },
                Inline::RichLink { title, uri, .. } => {
                    let label = title.as_deref().unwrap_or("link");
                    match uri {
                        Some(u) => {
                            let _ = write!(text, "[{label}]({u})");
                        }
                        None => text.push_str(label),
                    }
                }
                _ => {}
            }
        }
        let line = match (&p.kind, &p.bullet) {
            (ParagraphKind::Heading(level), _) => {
                format!(
                    "\n{} {text}\n",
                    "#".repeat(usize::from((*level).clamp(1, 6)))
                )
            }
            (ParagraphKind::Title, _) => format!("# {text}\n"),
            (ParagraphKind::Subtitle, _) => format!("_{text}_\n"),
            (_, Some(b)) => {
                let indent = "  ".repeat(b.nesting_level as usize);
                if b.checkbox {
                    format!("{indent}- [ ] {text}")
                } else {
                    format!("{indent}- {text}")
                }
            }
            _ => text,
        };
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}
