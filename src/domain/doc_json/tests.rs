use std::path::PathBuf;

use chrono::NaiveDate;
use proptest::prelude::*;
use serde_json::{json, Value};

use crate::domain::doc::{Doc, Inline, ParagraphKind};
use crate::domain::doc_check::IndexProblem;

use super::DocError;

/// The fixture directory, or `None` (and a note) when this checkout has none.
fn fixtures_dir() -> Option<PathBuf> {
    let dir = std::env::var_os("ONEONONE_GOOGLE_FIXTURES")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/fixtures/google")
        })
        .join("docs");
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!("skipped: no Google Docs fixtures at {}", dir.display());
        None
    }
}

fn load(dir: &std::path::Path, name: &str) -> Doc {
    let text = std::fs::read_to_string(dir.join(name)).unwrap();
    let v: Value = serde_json::from_str(&text).unwrap();
    Doc::from_json(&v).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// Fixtures whose JSON was edited by hand upstream so that indices no longer add up (see
/// SOURCES.md: "live, edited" in all but name), with the rule each breaks first.
fn known_inconsistent(name: &str) -> Option<fn(&IndexProblem) -> bool> {
    match name {
        // A final empty heading whose text run is "" over [2, 3).
        "gatsby-empty.json" => Some(|p| matches!(p, IndexProblem::TextLength { start: 2, .. })),
        // A link's text was replaced by "unknown url" without fixing the indices.
        "gatsby-links.json" => Some(|p| matches!(p, IndexProblem::ElementGap { paragraph: 7, .. })),
        // Runs reordered/duplicated by hand ("vertical\vindent", "red", "green").
        "gatsby-texts.json" => Some(|p| {
            matches!(
                p,
                IndexProblem::Overlap {
                    paragraph: 17,
                    start: 222,
                    ..
                }
            )
        }),
        // Synthetic: paragraphs without newlines, zero-length paragraphs.
        "gdocs-patch-HANDWRITTEN-maximal-schema-coverage.json" => {
            Some(|p| matches!(p, IndexProblem::NoFinalNewline { paragraph: 0, .. }))
        }
        _ => None,
    }
}

#[test]
fn every_fixture_parses_and_its_indices_add_up() {
    let Some(dir) = fixtures_dir() else { return };
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.ends_with(".json"))
        .collect();
    names.sort();
    assert!(
        names.len() >= 20,
        "expected the fixture set, found {names:?}"
    );
    for name in &names {
        let doc = load(&dir, name);
        assert!(!doc.paragraphs.is_empty(), "{name}: no paragraphs");
        assert!(doc.end_index > 0, "{name}: no end index");
        match (doc.check_indices(), known_inconsistent(name)) {
            (Ok(()), None) => {}
            (Err(problem), Some(expected)) => {
                assert!(expected(&problem), "{name}: unexpected problem {problem}")
            }
            (Ok(()), Some(_)) => panic!("{name}: expected an index problem, found none"),
            (Err(problem), None) => panic!("{name}: {problem}"),
        }
    }
}

#[test]
fn maximal_fixture_reads_chips_tables_and_tabs() {
    let Some(dir) = fixtures_dir() else { return };
    let doc = load(&dir, "gdocs-patch-HANDWRITTEN-maximal-schema-coverage.json");
    assert_eq!(doc.document_id, "doc-max");
    assert_eq!(doc.title, "Maximal");
    assert_eq!(doc.revision_id.as_deref(), Some("revision-max"));
    assert_eq!(doc.end_index, 41);
    let first = &doc.paragraphs[0];
    assert_eq!(first.kind, ParagraphKind::Heading(1));
    assert_eq!(first.heading_id.as_deref(), Some("heading-1"));
    assert!(!first.in_table);
    assert!(first.elements.iter().any(|e| matches!(e,
        Inline::Person { email, name: Some(n), start: 12, end: 13 }
            if email == "person@example.test" && n == "Person")));
    let day = NaiveDate::from_ymd_opt(2025, 1, 1);
    assert!(first.elements.iter().any(|e| matches!(e,
        Inline::Date { date, display: Some(d), .. } if *date == day && d == "2025-01-01")));
    assert!(first.elements.iter().any(|e| matches!(e,
        Inline::RichLink { title: Some(t), uri: Some(u), .. }
            if t == "Rich" && u == "https://rich.test")));
    // autoText, columnBreak, equation, footnote, rule, image, page break.
    let others = first
        .elements
        .iter()
        .filter(|e| matches!(e, Inline::Other { .. }));
    assert_eq!(others.count(), 7);
    // Cell, nested cell, the cell's table of contents, the second cell, the body's TOC.
    let starts: Vec<(u32, bool)> = doc
        .paragraphs
        .iter()
        .map(|p| (p.start, p.in_table))
        .collect();
    assert_eq!(
        starts,
        vec![
            (0, false),
            (18, true),
            (25, true),
            (38, true),
            (39, true),
            (41, false)
        ]
    );
    // The tab's namedRanges are absent; the top-level (legacy) map belongs to no tab.
    assert!(doc.named_ranges.is_empty());
}

/// The captured live document (fixtures SOURCES.md, think41/extrasuite golden
/// `1tlHGpgj….json`) has 33 outline lists of the checklist shape (`GLYPH_TYPE_UNSPECIFIED`, no
/// `glyphSymbol`) that are plainly not checklists ("During the Interview (In-app Chat
/// Support):" with sub-points). Read as checklists, every bullet of an adopted doc like it
/// would be an action item. It used to be read that way.
#[test]
fn unspecified_glyph_outline_lists_in_a_doc_the_daemon_did_not_write_are_plain_bullets() {
    let Some(dir) = fixtures_dir() else { return };
    for name in [
        "extrasuite-support-agent-unspecified-glyph-lists.json",
        "encoda-test-fixture-1-nested-lists.json",
    ] {
        let doc = load(&dir, name);
        let bullets: Vec<_> = doc
            .paragraphs
            .iter()
            .filter_map(|p| p.bullet.as_ref())
            .collect();
        assert!(!bullets.is_empty(), "{name}");
        assert!(bullets.iter().all(|b| !b.checkbox), "{name}");
    }
}

#[test]
fn glyph_lists_are_not_checklists() {
    let Some(dir) = fixtures_dir() else { return };
    let lists = load(&dir, "gatsby-lists.json");
    let bullets: Vec<_> = lists
        .paragraphs
        .iter()
        .filter_map(|p| p.bullet.as_ref())
        .collect();
    assert!(bullets.len() >= 5);
    assert!(bullets.iter().all(|b| !b.checkbox));
    assert!(bullets.iter().any(|b| b.nesting_level > 0));
}

/// A body with one checklist-shaped list `kix.in` inside a section whose heading carries the
/// daemon's `oneonone:` named range, and one `kix.out` of the same shape in a dated HEADING_2
/// section a person wrote (no named range) after it.
fn doc_with_checklist_shaped_lists(range_name: &str) -> Value {
    let unspecified = json!({"listProperties": {"nestingLevels": [
        {"glyphType": "GLYPH_TYPE_UNSPECIFIED", "bulletAlignment": "START", "startNumber": 1}]}});
    let heading = |start: u32, text: &str| {
        let mut p = para(start, text, json!({}));
        p["paragraph"]["paragraphStyle"]["namedStyleType"] = json!("HEADING_2");
        p
    };
    let item = |start: u32, text: &str, list: &str| {
        let mut p = para(start, text, json!({}));
        p["paragraph"]["bullet"] = json!({"listId": list});
        p
    };
    // "Mon 17 Nov\n" = 11, "Alice to book\n" = 14, "Tue 18 Nov\n" = 11 UTF-16 units.
    json!({"documentId": "d", "revisionId": "r", "body": {"content": [
        {"endIndex": 1, "sectionBreak": {}},
        heading(1, "Mon 17 Nov\n"),
        item(12, "Alice to book\n", "kix.in"),
        heading(26, "Tue 18 Nov\n"),
        item(37, "Bob to send\n", "kix.out")]},
      "lists": {"kix.in": unspecified.clone(), "kix.out": unspecified},
      "namedRanges": {range_name: {"name": range_name, "namedRanges": [
          {"namedRangeId": "kix.nr", "name": range_name,
           "ranges": [{"startIndex": 1, "endIndex": 12}]}]}}})
}

fn checkbox_by_list(doc: &Doc) -> Vec<(String, bool)> {
    doc.paragraphs
        .iter()
        .filter_map(|p| p.bullet.as_ref())
        .map(|b| (b.list_id.clone(), b.checkbox))
        .collect()
}

#[test]
fn checklist_shaped_lists_are_checklists_only_in_the_daemons_sections() {
    let doc = Doc::from_json(&doc_with_checklist_shaped_lists("oneonone:ev1_20261117")).unwrap();
    assert_eq!(
        checkbox_by_list(&doc),
        vec![("kix.in".into(), true), ("kix.out".into(), false)]
    );
    // Another tool's named range proves nothing.
    let doc = Doc::from_json(&doc_with_checklist_shaped_lists("extradoc:callout:info")).unwrap();
    assert_eq!(
        checkbox_by_list(&doc),
        vec![("kix.in".into(), false), ("kix.out".into(), false)]
    );
}

/// A list is one thing: if any of its paragraphs is in the daemon's section, it is the
/// daemon's checklist, including where a person continued it further down.
#[test]
fn a_checklist_list_reaching_into_the_daemons_section_is_a_checklist_everywhere() {
    let mut v = doc_with_checklist_shaped_lists("oneonone:k");
    // The person's section continues the daemon's list: same list id, so the same list.
    v["body"]["content"][4]["paragraph"]["bullet"]["listId"] = json!("kix.in");
    let doc = Doc::from_json(&v).unwrap();
    assert_eq!(
        checkbox_by_list(&doc),
        vec![("kix.in".into(), true), ("kix.in".into(), true)]
    );
}

#[test]
fn named_ranges_come_from_the_first_tab() {
    let Some(dir) = fixtures_dir() else { return };
    let doc = load(&dir, "extrasuite-named-ranges-tables-tabs.json");
    // SOURCES.md says 6; the file holds 5 (callout:info, callout:warning, blockquote, 2 code blocks).
    assert_eq!(doc.named_ranges.len(), 5);
    for nr in &doc.named_ranges {
        assert!(nr.name.starts_with("extradoc:"), "{}", nr.name);
        assert!(nr.id.starts_with("kix."), "{}", nr.id);
        assert!(!nr.ranges.is_empty());
        assert!(nr.ranges.iter().all(|&(s, e)| s < e && e <= doc.end_index));
    }
    let warning = doc
        .named_ranges
        .iter()
        .find(|n| n.name == "extradoc:callout:warning");
    assert_eq!(warning.map(|n| n.ranges.clone()), Some(vec![(1087, 1161)]));
}

fn para(start: u32, text: &str, extra: Value) -> Value {
    let end = start + text.encode_utf16().count() as u32;
    let mut run = json!({"content": text});
    if let Value::Object(m) = extra {
        run.as_object_mut().unwrap().extend(m);
    }
    json!({"startIndex": start, "endIndex": end, "paragraph": {
        "elements": [{"startIndex": start, "endIndex": end, "textRun": run}],
        "paragraphStyle": {"namedStyleType": "NORMAL_TEXT"}}})
}

#[test]
fn first_tab_with_a_body_is_used_even_when_nested() {
    let v = json!({"documentId": "d", "tabs": [
        {"tabProperties": {"tabId": "t0"}, "childTabs": [
            {"documentTab": {"body": {"content": [
                {"endIndex": 1, "sectionBreak": {}},
                para(1, "child 🎉\n", json!({}))]},
              "namedRanges": {"oneonone:k": {"name": "oneonone:k", "namedRanges": [
                  {"namedRangeId": "kix.1", "name": "oneonone:k",
                   "ranges": [{"startIndex": 1, "endIndex": 3},
                              {"segmentId": "kix.header", "startIndex": 0, "endIndex": 2}]}]}}}}]},
        {"documentTab": {"body": {"content": [para(1, "second\n", json!({}))]}}}],
        "body": {"content": [para(1, "legacy\n", json!({}))]}});
    let doc = Doc::from_json(&v).unwrap();
    assert_eq!(doc.paragraphs.len(), 1);
    assert!(
        matches!(&doc.paragraphs[0].elements[0], Inline::Text { text, end: 10, .. } if text == "child 🎉\n")
    );
    assert_eq!(doc.end_index, 10);
    assert_eq!(doc.named_ranges.len(), 1);
    assert_eq!(doc.named_ranges[0].ranges, vec![(1, 3)]);
    assert_eq!(doc.check_indices(), Ok(()));
}

/// A doc with a tab a person added before the notes tab (issue 9 §5): the notes tab, found by
/// its `oneonone:` named range, is read (and named, so writes can target it), not the first.
fn two_tabs(first_has_ours: bool) -> Value {
    let ranges = json!({"oneonone:k": {"name": "oneonone:k", "namedRanges": [
        {"namedRangeId": "kix.1", "name": "oneonone:k", "ranges": [{"startIndex": 1, "endIndex": 4}]}]}});
    let tab = |id: &str, text: &str, ours: bool| {
        let mut dt = json!({"body": {"content": [
            {"endIndex": 1, "sectionBreak": {}}, para(1, text, json!({}))]}});
        if ours {
            dt["namedRanges"] = ranges.clone();
        }
        json!({"tabProperties": {"tabId": id, "index": 0}, "documentTab": dt})
    };
    json!({"documentId": "d", "tabs": [
        tab("t.agenda", "agenda\n", first_has_ours),
        tab("t.0", "notes\n", !first_has_ours)]})
}

#[test]
fn the_tab_with_our_named_ranges_is_read_not_the_first() {
    let doc = Doc::from_json(&two_tabs(false)).unwrap();
    assert_eq!(doc.tab_id.as_deref(), Some("t.0"));
    assert!(
        matches!(&doc.paragraphs[0].elements[0], Inline::Text { text, .. } if text == "notes\n")
    );
    assert_eq!(doc.named_ranges.len(), 1);
    // With no named range anywhere, the first tab (a new doc's only tab).
    let mut bare = two_tabs(false);
    bare["tabs"][1]["documentTab"]
        .as_object_mut()
        .unwrap()
        .remove("namedRanges");
    assert_eq!(
        Doc::from_json(&bare).unwrap().tab_id.as_deref(),
        Some("t.agenda")
    );
    // The legacy form has no tab ids.
    let legacy = json!({"documentId": "d", "body": {"content": [para(1, "x\n", json!({}))]}});
    assert_eq!(Doc::from_json(&legacy).unwrap().tab_id, None);
}

#[test]
fn the_recorded_tab_wins_while_it_exists() {
    // Our named ranges were deleted from the notes tab; the store still knows it.
    let mut v = two_tabs(false);
    v["tabs"][1]["documentTab"]
        .as_object_mut()
        .unwrap()
        .remove("namedRanges");
    let doc = Doc::from_json_in(&v, Some("t.0")).unwrap();
    assert_eq!(doc.tab_id.as_deref(), Some("t.0"));
    // A recorded tab that was deleted falls back to the named ranges, then the first tab.
    let doc = Doc::from_json_in(&two_tabs(true), Some("t.gone")).unwrap();
    assert_eq!(doc.tab_id.as_deref(), Some("t.agenda"));
}

#[test]
fn legacy_body_strikethrough_and_suggestions() {
    let v = json!({"documentId": "d", "title": "T", "body": {"content": [
        {"endIndex": 1, "sectionBreak": {}},
        para(1, "done\n", json!({"textStyle": {"strikethrough": true}})),
        para(6, "maybe\n", json!({"suggestedInsertionIds": ["s1"]})),
        para(12, "plain\n", json!({"suggestedInsertionIds": []}))]}});
    let doc = Doc::from_json(&v).unwrap();
    let flags: Vec<(bool, bool)> = doc
        .paragraphs
        .iter()
        .map(|p| match &p.elements[0] {
            Inline::Text {
                strikethrough,
                suggested,
                ..
            } => (*strikethrough, *suggested),
            other => panic!("not text: {other:?}"),
        })
        .collect();
    assert_eq!(flags, vec![(true, false), (false, true), (false, false)]);
    assert_eq!(doc.revision_id, None);
    assert_eq!(doc.end_index, 18);
}

#[test]
fn date_chip_day_is_read_in_its_time_zone() {
    let chip = |tz: &str| {
        json!({"documentId": "d", "body": {"content": [
        {"startIndex": 1, "endIndex": 3, "paragraph": {"elements": [
            {"startIndex": 1, "endIndex": 2, "dateElement": {"dateElementProperties": {
                "timestamp": "2026-11-25T03:00:00Z", "timeZoneId": tz}}},
            {"startIndex": 2, "endIndex": 3, "textRun": {"content": "\n"}}]}}]}})
    };
    let day = |v: &Value| match &Doc::from_json(v).unwrap().paragraphs[0].elements[0] {
        Inline::Date { date, .. } => *date,
        other => panic!("not a date: {other:?}"),
    };
    assert_eq!(
        day(&chip("America/New_York")),
        NaiveDate::from_ymd_opt(2026, 11, 24)
    );
    assert_eq!(
        day(&chip("Europe/Berlin")),
        NaiveDate::from_ymd_opt(2026, 11, 25)
    );
    assert_eq!(
        day(&chip("Not/AZone")),
        NaiveDate::from_ymd_opt(2026, 11, 25)
    );
}

#[test]
fn shapes_that_cannot_be_trusted_are_errors() {
    assert_eq!(
        Doc::from_json(&json!([1, 2])),
        Err(DocError::NotAnObject { found: "an array" })
    );
    assert!(matches!(
        Doc::from_json(&json!({"documentId": "x", "tabs": [{"tabProperties": {}}]})),
        Err(DocError::NoBody { document_id }) if document_id == "x"
    ));
    let bad = json!({"documentId": "x", "body": {"content": [
        {"startIndex": -3, "endIndex": 2, "paragraph": {"elements": []}}]}});
    match Doc::from_json(&bad) {
        Err(DocError::BadIndex { at, found, .. }) => {
            assert_eq!(at, "body.content[0].startIndex");
            assert_eq!(found, "-3");
        }
        other => panic!("expected BadIndex, got {other:?}"),
    }
}

/// Arbitrary JSON whose object keys come mostly from the Docs schema, so that random trees hit
/// the reader's paths (paragraphs in tables in tabs, chips, lists) with wrong types and values.
fn docs_like_json() -> impl Strategy<Value = Value> {
    let key = prop_oneof![
        Just("body"),
        Just("content"),
        Just("paragraph"),
        Just("elements"),
        Just("textRun"),
        Just("startIndex"),
        Just("endIndex"),
        Just("table"),
        Just("tableRows"),
        Just("tableCells"),
        Just("tableOfContents"),
        Just("tabs"),
        Just("documentTab"),
        Just("childTabs"),
        Just("person"),
        Just("personProperties"),
        Just("email"),
        Just("dateElement"),
        Just("dateElementProperties"),
        Just("timestamp"),
        Just("timeZoneId"),
        Just("richLink"),
        Just("richLinkProperties"),
        Just("bullet"),
        Just("listId"),
        Just("nestingLevel"),
        Just("lists"),
        Just("namedRanges"),
        Just("ranges"),
        Just("paragraphStyle"),
        Just("namedStyleType"),
        Just("suggestedInsertionIds"),
        Just("textStyle"),
        Just("strikethrough"),
        Just("segmentId"),
        Just("x"),
    ];
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        (0u32..40).prop_map(|n| json!(n)),
        any::<f64>().prop_map(|f| json!(f)),
        prop_oneof![
            Just("HEADING_2".to_string()),
            Just("2026-11-24T10:00:00Z".to_string()),
            Just("\n".to_string()),
            ".{0,6}",
        ]
        .prop_map(Value::String),
    ];
    leaf.prop_recursive(5, 96, 6, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            prop::collection::vec((key.clone(), inner), 0..6).prop_map(|kvs| {
                Value::Object(kvs.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
            }),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn from_json_never_panics(body in docs_like_json(), tabs in docs_like_json()) {
        for v in [
            json!({"body": body.clone()}),
            json!({"tabs": [{"documentTab": {"body": body.clone()}}]}),
            json!({"tabs": tabs, "body": body.clone()}),
            body,
        ] {
            if let Ok(doc) = Doc::from_json(&v) {
                let _ = doc.check_indices();
            }
        }
    }

    #[test]
    fn from_json_never_panics_on_a_mutated_document(
        path in prop::collection::vec(0usize..8, 1..6),
        replacement in docs_like_json(),
    ) {
        let mut v = json!({"documentId": "d", "body": {"content": [
            {"endIndex": 1, "sectionBreak": {}},
            para(1, "Tue 24 Nov 2026 · 1:1\n", json!({})),
            {"startIndex": 23, "endIndex": 30, "table": {"tableRows": [{"tableCells": [
                {"content": [para(24, "cell\n", json!({}))]}]}]}},
            para(30, "☐ item\n", json!({"textStyle": {"strikethrough": true}}))]}});
        replace_at(&mut v, &path, replacement);
        if let Ok(doc) = Doc::from_json(&v) {
            let _ = doc.check_indices();
        }
    }
}

/// Walks `path` (each step picks a child by position, modulo the child count) and replaces the
/// value reached.
fn replace_at(v: &mut Value, path: &[usize], replacement: Value) {
    let Some((&step, rest)) = path.split_first() else {
        *v = replacement;
        return;
    };
    let child = match v {
        Value::Array(items) if !items.is_empty() => {
            let n = items.len();
            items.get_mut(step % n)
        }
        Value::Object(map) if !map.is_empty() => {
            let n = map.len();
            map.values_mut().nth(step % n)
        }
        _ => None,
    };
    match child {
        Some(child) => replace_at(child, rest, replacement),
        None => *v = replacement,
    }
}
