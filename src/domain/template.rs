//! Rendering the section template: minijinja placeholders, then a small Markdown subset turned
//! into [`Block`]s (one per document paragraph) for the edit planner.
//!
//! Why Markdown: the operator edits `config/template.md` as a plain text file; headings, bullets
//! and checklist items are all a 1-1 section needs, and each maps to one Google Docs paragraph
//! style. The subset, line by line (leading and trailing spaces ignored):
//!
//! | line | block |
//! |---|---|
//! | blank | nothing (separates) |
//! | `#`…`######` + space + text | `Heading(1..=6)` |
//! | `- [ ] text` or `* [ ] text`, `- [ ]` alone | `Checkbox` (empty: an item to type into) |
//! | `- text` or `* text` | `Bullet` |
//! | `&nbsp;` alone | an empty `Paragraph` (somewhere to type) |
//! | anything else (also `#######`, `#tag`) | `Paragraph` |
//!
//! Rendering is strict: an unknown placeholder is an error, not an empty string, so that a typo in
//! the template is caught when the configuration is loaded ([`Template::new`] renders it with
//! sample values), not discovered in a colleague's document.

use minijinja::{AutoEscape, Environment, UndefinedBehavior};
use serde::Serialize;

use super::block::{clean_text, Block, BlockKind};

/// The template shipped with the daemon (`config/template.md`).
pub const DEFAULT_TEMPLATE: &str = include_str!("../../config/template.md");

/// The name the default template goes by in error messages.
pub const DEFAULT_TEMPLATE_PATH: &str = "config/template.md";

/// The compact variant (`doc.template = "compact"`): the same blocks, the six questions folded
/// into two lines, for teams that meet often.
pub const COMPACT_TEMPLATE: &str = include_str!("../../config/template-compact.md");

/// The name the compact template goes by in error messages.
pub const COMPACT_TEMPLATE_PATH: &str = "config/template-compact.md";

/// The values a template can use.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TemplateContext {
    /// The heading's date, e.g. "Tue 24 Nov 2026".
    pub date_label: String,
    /// The occurrence's date; rendered as ISO 8601 ("2026-11-24").
    pub date: chrono::NaiveDate,
    /// What the heading calls the meeting: "1:1", or the event's title when the doc is shared by
    /// two different meetings of the pair (a weekly 1-1 and a monthly career chat), so each
    /// section says which one it was.
    pub meeting: String,
    pub organizer_name: String,
    pub other_name: String,
    pub organizer_email: String,
    pub other_email: String,
    /// First meeting of the month: include the growth questions.
    pub growth: bool,
    /// Open action items carried forward, already formatted, one line each.
    pub open_items: Vec<String>,
}

/// A template that cannot be used, with where.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TemplateError {
    #[error("{path}{}: template syntax error: {message}; see the minijinja syntax (`{{{{ name }}}}`, `{{% if %}}`)", line_suffix(*line))]
    Syntax {
        path: String,
        line: Option<usize>,
        message: String,
    },
    #[error("{path}{}: template cannot be rendered: {message}; the available names are date_label, date, meeting, organizer_name, other_name, organizer_email, other_email, growth, open_items", line_suffix(*line))]
    Render {
        path: String,
        line: Option<usize>,
        message: String,
    },
    #[error("{path}: the rendered section has the wrong shape: {message}")]
    Shape { path: String, message: String },
}

fn line_suffix(line: Option<usize>) -> String {
    line.map(|l| format!(" line {l}")).unwrap_or_default()
}

/// A checked section template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    path: String,
    source: String,
}

impl Template {
    /// Checks `source` (read from `path`, named in errors): its syntax, that it renders with
    /// sample values both with and without the growth block and open items, and that the result
    /// is a section the edit planner accepts (a `##` heading first, no `#`/`##` after it).
    pub fn new(
        path: impl Into<String>,
        source: impl Into<String>,
    ) -> Result<Template, TemplateError> {
        let template = Template {
            path: path.into(),
            source: source.into(),
        };
        for (growth, open_items) in [
            (true, vec!["Bob to send the Q3 draft".to_string()]),
            (false, Vec::new()),
        ] {
            let blocks = template.render(&TemplateContext {
                date_label: "Tue 24 Nov 2026".into(),
                date: chrono::NaiveDate::from_ymd_opt(2026, 11, 24).unwrap_or_default(),
                meeting: "1:1".into(),
                organizer_name: "Alice".into(),
                other_name: "Bob".into(),
                organizer_email: "alice@example.com".into(),
                other_email: "bob@example.com".into(),
                growth,
                open_items,
            })?;
            super::edit::check_blocks(&blocks).map_err(|e| TemplateError::Shape {
                path: template.path.clone(),
                message: e.to_string(),
            })?;
        }
        Ok(template)
    }

    /// The shipped default template.
    pub fn default_template() -> Result<Template, TemplateError> {
        Template::new(DEFAULT_TEMPLATE_PATH, DEFAULT_TEMPLATE)
    }

    /// The shipped compact template.
    pub fn compact_template() -> Result<Template, TemplateError> {
        Template::new(COMPACT_TEMPLATE_PATH, COMPACT_TEMPLATE)
    }

    /// Renders the section for one occurrence.
    pub fn render(&self, ctx: &TemplateContext) -> Result<Vec<Block>, TemplateError> {
        render_template(&self.path, &self.source, ctx)
    }
}

/// Renders `source` (named `path` in errors) with `ctx` and parses the result into blocks.
pub fn render_template(
    path: &str,
    source: &str,
    ctx: &TemplateContext,
) -> Result<Vec<Block>, TemplateError> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_auto_escape_callback(|_| AutoEscape::None);
    env.set_trim_blocks(true);
    env.set_lstrip_blocks(true);
    let tmpl = env
        .template_from_named_str(path, source)
        .map_err(|e| TemplateError::Syntax {
            path: path.to_string(),
            line: e.line(),
            message: error_message(&e),
        })?;
    let text = tmpl.render(ctx).map_err(|e| TemplateError::Render {
        path: path.to_string(),
        line: e.line(),
        message: error_message(&e),
    })?;
    Ok(parse_markdown(&text))
}

fn error_message(e: &minijinja::Error) -> String {
    match e.detail() {
        Some(detail) => format!("{} ({detail})", e.kind()),
        None => e.kind().to_string(),
    }
}

/// Parses the Markdown subset in the module docs into blocks.
pub fn parse_markdown(text: &str) -> Vec<Block> {
    text.lines().filter_map(parse_line).collect()
}

fn parse_line(line: &str) -> Option<Block> {
    let line = line.trim();
    if line.is_empty() {
        return None;
    }
    if line == "&nbsp;" {
        return Some(block(BlockKind::Paragraph, ""));
    }
    let hashes = line.chars().take_while(|&c| c == '#').count();
    if (1..=6).contains(&hashes) {
        let rest = line.get(hashes..).unwrap_or_default();
        if rest.is_empty() || rest.starts_with(char::is_whitespace) {
            let level = u8::try_from(hashes).unwrap_or(6);
            return Some(block(BlockKind::Heading(level), rest.trim()));
        }
    }
    let item = ["- ", "* "]
        .iter()
        .find_map(|m| line.strip_prefix(m))
        .or_else(|| {
            // A lone marker: "-" (the line is trimmed, so "- " arrives as "-").
            (line == "-" || line == "*").then_some("")
        });
    if let Some(item) = item {
        let item = item.trim_start();
        if let Some(rest) = item.strip_prefix("[ ]") {
            if rest.is_empty() || rest.starts_with(char::is_whitespace) {
                return Some(block(BlockKind::Checkbox, rest.trim()));
            }
        }
        return Some(block(BlockKind::Bullet, item));
    }
    Some(block(BlockKind::Paragraph, line))
}

/// A block with control characters (tabs, vertical tabs, stray carriage returns) made spaces:
/// each block must stay exactly one paragraph, and a leading tab would be eaten as a nesting
/// level by Google's `createParagraphBullets`.
fn block(kind: BlockKind, text: &str) -> Block {
    Block {
        kind,
        text: clean_text(text),
    }
}

#[cfg(test)]
mod tests;
