//! createParagraphBullets and deleteParagraphBullets.
//!
//! Google's rules: the nesting level of each paragraph is its count of leading tabs, which
//! the request removes; paragraphs right after a paragraph in a list made with the same preset
//! join that list, otherwise a new list is created. Checkbox lists read back with
//! `glyphType: GLYPH_TYPE_UNSPECIFIED` and no glyph symbol (as the captured checklists do).

use super::target::{range, Target};
use super::{empty_reply, Ctx};
use crate::docs::edit;
use crate::docs::model::{Document, Inline, Json, List};
use serde_json::{json, Value};

/// One level's glyph: a symbol or a numbering type with its format suffix.
#[derive(Clone, Copy)]
enum Glyph {
    Symbol(&'static str),
    Numbered(&'static str, &'static str),
    Checkbox,
}

/// The three glyphs a preset cycles through for levels 0, 1, 2 (then repeats).
fn preset_glyphs(preset: &str) -> Option<[Glyph; 3]> {
    use Glyph::*;
    let n = |t, sfx| Numbered(t, sfx);
    Some(match preset {
        "BULLET_DISC_CIRCLE_SQUARE" => [Symbol("●"), Symbol("○"), Symbol("■")],
        "BULLET_DIAMONDX_ARROW3D_SQUARE" => [Symbol("❖"), Symbol("➢"), Symbol("■")],
        "BULLET_CHECKBOX" => [Checkbox, Checkbox, Checkbox],
        "BULLET_ARROW_DIAMOND_DISC" => [Symbol("➔"), Symbol("◆"), Symbol("●")],
        "BULLET_STAR_CIRCLE_SQUARE" => [Symbol("★"), Symbol("○"), Symbol("■")],
        "BULLET_ARROW3D_CIRCLE_SQUARE" => [Symbol("➢"), Symbol("○"), Symbol("■")],
        "BULLET_LEFTTRIANGLE_DIAMOND_DISC" => [Symbol("◄"), Symbol("◆"), Symbol("●")],
        "BULLET_DIAMONDX_HOLLOWDIAMOND_SQUARE" => [Symbol("❖"), Symbol("◇"), Symbol("■")],
        "BULLET_DIAMOND_CIRCLE_SQUARE" => [Symbol("◆"), Symbol("○"), Symbol("■")],
        "NUMBERED_DECIMAL_ALPHA_ROMAN" => [n("DECIMAL", "."), n("ALPHA", "."), n("ROMAN", ".")],
        "NUMBERED_DECIMAL_ALPHA_ROMAN_PARENS" => {
            [n("DECIMAL", ")"), n("ALPHA", ")"), n("ROMAN", ")")]
        }
        "NUMBERED_DECIMAL_NESTED" => [
            n("DECIMAL", "nested"),
            n("DECIMAL", "nested"),
            n("DECIMAL", "nested"),
        ],
        "NUMBERED_UPPERALPHA_ALPHA_ROMAN" => {
            [n("UPPER_ALPHA", "."), n("ALPHA", "."), n("ROMAN", ".")]
        }
        "NUMBERED_UPPERROMAN_UPPERALPHA_DECIMAL" => [
            n("UPPER_ROMAN", "."),
            n("UPPER_ALPHA", "."),
            n("DECIMAL", "."),
        ],
        "NUMBERED_ZERODECIMAL_ALPHA_ROMAN" => {
            [n("ZERO_DECIMAL", "."), n("ALPHA", "."), n("ROMAN", ".")]
        }
        _ => return None,
    })
}

fn magnitude(pt: usize) -> Value {
    json!({ "magnitude": pt, "unit": "PT" })
}

/// Indents of nesting level `level`, as Google lays them out: 18pt + 36pt per level for the
/// first line, 36pt + 36pt per level for the rest.
fn indents(level: usize) -> (Value, Value) {
    (magnitude(18 + 36 * level), magnitude(36 + 36 * level))
}

/// The list JSON Google serves for a new list made with `glyphs`: nine nesting levels.
fn list_json(glyphs: [Glyph; 3]) -> Json {
    let levels: Vec<Value> = (0..9)
        .map(|level| {
            let (first, start) = indents(level);
            let mut l = json!({
                "bulletAlignment": "START",
                "indentFirstLine": first,
                "indentStart": start,
                "textStyle": { "underline": false },
                "startNumber": 1,
            });
            match glyphs[level % 3] {
                Glyph::Symbol(s) => {
                    l["glyphSymbol"] = json!(s);
                    l["glyphFormat"] = json!(format!("%{level}"));
                }
                Glyph::Numbered(t, "nested") => {
                    l["glyphType"] = json!(t);
                    let f: String = (0..=level).map(|i| format!("%{i}.")).collect();
                    l["glyphFormat"] = json!(f);
                }
                Glyph::Numbered(t, suffix) => {
                    l["glyphType"] = json!(t);
                    l["glyphFormat"] = json!(format!("%{level}{suffix}"));
                    if t == "ROMAN" || t == "UPPER_ROMAN" {
                        l["bulletAlignment"] = json!("END");
                    }
                }
                Glyph::Checkbox => l["glyphType"] = json!("GLYPH_TYPE_UNSPECIFIED"),
            }
            l
        })
        .collect();
    let mut m = Json::new();
    m.insert("listProperties".into(), json!({ "nestingLevels": levels }));
    m
}

/// Leading tab characters of a paragraph (in its first text runs).
fn leading_tabs(elements: &[Inline]) -> usize {
    let mut n = 0;
    for el in elements {
        let Inline::Text { content, .. } = el else {
            break;
        };
        let tabs = content.chars().take_while(|&c| c == '\t').count();
        n += tabs;
        if tabs < content.chars().count() {
            break;
        }
    }
    n
}

/// createParagraphBullets.
pub fn create(doc: &mut Document, req: &Value, ctx: &mut Ctx) -> Result<Value, String> {
    let preset = req
        .get("bulletPreset")
        .and_then(Value::as_str)
        .unwrap_or("");
    let glyphs = preset_glyphs(preset).ok_or_else(|| {
        format!(
            "Invalid value at 'requests.create_paragraph_bullets.bullet_preset' \
             (type.googleapis.com/google.apps.docs.v1.CreateParagraphBulletsRequest.BulletGlyphPreset), \"{preset}\""
        )
    })?;
    let (mut target, s, e) = range(doc, req)?;
    let mut found: Vec<(usize, usize)> = Vec::new();
    edit::visit_paragraphs(&mut target.segment().content, 0, s, e, &mut |p, pos| {
        found.push((pos, leading_tabs(&p.elements)));
        Ok(())
    })?;
    // Remove the leading tabs, last paragraph first so earlier positions stay valid; then
    // each paragraph starts earlier by the tabs removed before it.
    for &(pos, tabs) in found.iter().rev() {
        if tabs > 0 {
            edit::delete(&mut target.segment().content, 0, pos, pos + tabs)?;
            target.shift_delete(pos, pos + tabs);
        }
    }
    let mut removed = 0;
    let placed: Vec<(usize, usize)> = found
        .iter()
        .map(|&(pos, tabs)| {
            let start = pos - removed;
            removed += tabs;
            (start, tabs.min(8))
        })
        .collect();
    let Some(&(first, _)) = placed.first() else {
        return Ok(empty_reply());
    };
    let list_id = joinable_list(&mut target, first, preset).unwrap_or_else(|| {
        let id = ctx.ids.kix();
        target.tab.lists.insert(
            id.clone(),
            List {
                json: list_json(glyphs),
                preset: Some(preset.into()),
            },
        );
        id
    });
    for (start, level) in placed {
        edit::visit_paragraphs(
            &mut target.segment().content,
            0,
            start,
            start + 1,
            &mut |p, _| {
                let mut bullet = json!({ "listId": list_id, "textStyle": {} });
                if level > 0 {
                    bullet["nestingLevel"] = json!(level);
                }
                p.bullet = bullet.as_object().cloned();
                let (first_line, indent) = indents(level);
                p.style.insert("indentFirstLine".into(), first_line);
                p.style.insert("indentStart".into(), indent);
                Ok(())
            },
        )?;
    }
    Ok(empty_reply())
}

/// The list of the paragraph ending right at `start`, if the sandbox made it with `preset`.
fn joinable_list(target: &mut Target, start: usize, preset: &str) -> Option<String> {
    if start == 0 {
        return None;
    }
    let mut prev: Option<String> = None;
    let _ = edit::visit_paragraphs(
        &mut target.segment().content,
        0,
        start - 1,
        start,
        &mut |p, _| {
            prev = p
                .bullet
                .as_ref()
                .and_then(|b| b.get("listId"))
                .and_then(Value::as_str)
                .map(str::to_string);
            Ok(())
        },
    );
    let id = prev?;
    let list = target.tab.lists.get(&id)?;
    (list.preset.as_deref() == Some(preset)).then_some(id)
}

/// deleteParagraphBullets: the paragraphs leave their list; their indentation stays, as
/// Google keeps the nesting visible through the paragraph's indent.
pub fn delete(doc: &mut Document, req: &Value) -> Result<Value, String> {
    let (mut target, s, e) = range(doc, req)?;
    edit::visit_paragraphs(&mut target.segment().content, 0, s, e, &mut |p, _| {
        p.bullet = None;
        p.ticked = false;
        Ok(())
    })?;
    Ok(empty_reply())
}
