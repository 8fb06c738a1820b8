//! documents.batchUpdate behaviour of the sandbox's Docs model, request by request.

use oneonone_sandbox::docs::{DocsError, DocsState};
use serde_json::{json, Value};

fn no_names(_: &str) -> Option<String> {
    None
}

fn setup() -> (DocsState, String) {
    let mut s = DocsState::default();
    let id = s.create("Notes");
    (s, id)
}

fn run(s: &mut DocsState, id: &str, requests: Value) -> Result<Value, DocsError> {
    s.batch_update(id, &json!({ "requests": requests }), &no_names)
}

fn body(s: &DocsState, id: &str) -> Vec<Value> {
    s.get_json(id, false).expect("doc")["body"]["content"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

/// Text of every body paragraph, in order.
fn paragraphs(s: &DocsState, id: &str) -> Vec<String> {
    body(s, id)
        .iter()
        .filter_map(|b| b.get("paragraph"))
        .map(|p| {
            p["elements"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|e| {
                    e.pointer("/textRun/content")
                        .and_then(Value::as_str)
                        .unwrap_or("\u{FFFC}")
                        .to_string()
                })
                .collect()
        })
        .collect()
}

fn insert(text: &str, index: usize) -> Value {
    json!({ "insertText": { "text": text, "location": { "index": index } } })
}

#[test]
fn a_new_document_has_a_section_break_and_one_empty_paragraph() {
    let (s, id) = setup();
    let b = body(&s, &id);
    assert_eq!(b.len(), 2);
    assert!(b[0].get("startIndex").is_none());
    assert_eq!(b[0]["endIndex"], 1);
    assert!(b[0].get("sectionBreak").is_some());
    assert_eq!(
        (b[1]["startIndex"].clone(), b[1]["endIndex"].clone()),
        (json!(1), json!(2))
    );
    let tabs = s.get_json(&id, true).expect("doc");
    assert_eq!(tabs["tabs"][0]["tabProperties"]["tabId"], "t.0");
    assert_eq!(tabs["tabs"][0]["documentTab"]["body"]["content"], json!(b));
    assert_eq!(tabs["title"], "Notes");
}

#[test]
fn insert_text_splits_paragraphs_and_changes_the_revision() {
    let (mut s, id) = setup();
    let before = s.get_json(&id, false).expect("doc")["revisionId"].clone();
    let reply = run(&mut s, &id, json!([insert("Hello\nWorld", 1)])).expect("applies");
    let after = s.get_json(&id, false).expect("doc")["revisionId"].clone();
    assert_ne!(before, after);
    assert_eq!(reply["writeControl"]["requiredRevisionId"], after);
    assert_eq!(reply["replies"], json!([{}]));
    assert_eq!(paragraphs(&s, &id), ["Hello\n", "World\n"]);
    let b = body(&s, &id);
    assert_eq!(
        (b[2]["startIndex"].clone(), b[2]["endIndex"].clone()),
        (json!(7), json!(13))
    );
}

#[test]
fn later_requests_see_earlier_effects_and_end_of_segment_appends() {
    let (mut s, id) = setup();
    run(
        &mut s,
        &id,
        json!([insert("ab", 1), insert("X", 2), { "insertText": { "text": "!", "endOfSegmentLocation": {} } }]),
    )
    .expect("applies");
    assert_eq!(paragraphs(&s, &id), ["aXb!\n"]);
}

#[test]
fn out_of_range_index_is_rejected_with_googles_message_and_nothing_applies() {
    let (mut s, id) = setup();
    run(&mut s, &id, json!([insert("0123456789", 1)])).expect("applies");
    let snapshot = s.get_json(&id, true).expect("doc");
    let err = run(&mut s, &id, json!([insert("a", 1), insert("b", 57)])).expect_err("invalid");
    assert_eq!(
        err,
        DocsError::Invalid(
            "Invalid requests[1].insertText: Index 57 must be less than the end index of the referenced segment, 13."
                .into()
        )
    );
    assert_eq!(
        s.get_json(&id, true).expect("doc"),
        snapshot,
        "atomic batch"
    );
}

#[test]
fn emoji_count_two_units_and_cannot_be_split_by_a_delete() {
    let (mut s, id) = setup();
    run(&mut s, &id, json!([insert("a😀b", 1)])).expect("applies");
    assert_eq!(body(&s, &id)[1]["endIndex"], 6);
    // Google moves an insertion inside a grapheme cluster to just after it.
    run(&mut s, &id, json!([insert("x", 3)])).expect("moved after the emoji");
    assert_eq!(paragraphs(&s, &id), ["a😀xb\n"]);
    let x = json!([{ "deleteContentRange": { "range": { "startIndex": 4, "endIndex": 5 } } }]);
    run(&mut s, &id, x).expect("x removed");
    let err = run(
        &mut s,
        &id,
        json!([{ "deleteContentRange": { "range": { "startIndex": 2, "endIndex": 3 } } }]),
    );
    assert!(err.is_err());
    run(
        &mut s,
        &id,
        json!([{ "deleteContentRange": { "range": { "startIndex": 2, "endIndex": 4 } } }]),
    )
    .expect("whole pair");
    assert_eq!(paragraphs(&s, &id), ["ab\n"]);
}

#[test]
fn insertions_never_split_combining_sequences_and_named_ranges_follow_the_moved_index() {
    let (mut s, id) = setup();
    run(
        &mut s,
        &id,
        json!([insert("ae\u{0301}b", 1), { "createNamedRange": {
        "name": "tail", "range": { "startIndex": 4, "endIndex": 5 } } }, insert("X", 3)]),
    )
    .expect("applies");
    assert_eq!(paragraphs(&s, &id), ["ae\u{0301}Xb\n"]);
    let doc = s.get_json(&id, false).expect("doc");
    let range = &doc["namedRanges"]["tail"]["namedRanges"][0]["ranges"][0];
    assert_eq!(range, &json!({ "startIndex": 5, "endIndex": 6 }));
}

#[test]
fn deleting_a_newline_merges_paragraphs_but_the_final_newline_stays() {
    let (mut s, id) = setup();
    run(&mut s, &id, json!([insert("one\ntwo", 1)])).expect("applies");
    run(
        &mut s,
        &id,
        json!([{ "deleteContentRange": { "range": { "startIndex": 3, "endIndex": 6 } } }]),
    )
    .expect("merge");
    assert_eq!(paragraphs(&s, &id), ["onwo\n"]);
    let err = run(
        &mut s,
        &id,
        json!([{ "deleteContentRange": { "range": { "startIndex": 1, "endIndex": 6 } } }]),
    );
    assert!(matches!(err, Err(DocsError::Invalid(m)) if m.contains("newline")));
    let err = run(
        &mut s,
        &id,
        json!([{ "deleteContentRange": { "range": { "startIndex": 2, "endIndex": 2 } } }]),
    );
    assert!(err.is_err(), "empty range");
}

#[test]
fn headings_get_a_heading_id_and_lose_it_again() {
    let (mut s, id) = setup();
    run(
        &mut s,
        &id,
        json!([insert("Title\nbody", 1), {
        "updateParagraphStyle": { "range": { "startIndex": 1, "endIndex": 2 },
            "paragraphStyle": { "namedStyleType": "HEADING_2" }, "fields": "namedStyleType" } }]),
    )
    .expect("applies");
    let style = body(&s, &id)[1]["paragraph"]["paragraphStyle"].clone();
    assert_eq!(style["namedStyleType"], "HEADING_2");
    assert!(style["headingId"]
        .as_str()
        .is_some_and(|h| h.starts_with("h.")));
    assert_eq!(
        body(&s, &id)[2]["paragraph"]["paragraphStyle"]["namedStyleType"],
        "NORMAL_TEXT"
    );
    run(
        &mut s,
        &id,
        json!([{ "updateParagraphStyle": { "range": { "startIndex": 1, "endIndex": 2 },
        "paragraphStyle": { "namedStyleType": "NORMAL_TEXT" }, "fields": "namedStyleType" } }]),
    )
    .expect("applies");
    assert!(body(&s, &id)[1]["paragraph"]["paragraphStyle"]
        .get("headingId")
        .is_none());
    let err = run(
        &mut s,
        &id,
        json!([{ "updateParagraphStyle": { "range": { "startIndex": 1, "endIndex": 2 },
        "paragraphStyle": {}, "fields": "" } }]),
    );
    assert!(err.is_err(), "a field mask is required");
}

#[test]
fn text_style_splits_runs_and_inserted_text_inherits_the_style_before_it() {
    let (mut s, id) = setup();
    run(&mut s, &id, json!([insert("plain bold", 1), { "updateTextStyle": {
        "range": { "startIndex": 7, "endIndex": 11 }, "textStyle": { "bold": true }, "fields": "bold" } },
        insert("er", 11)]))
    .expect("applies");
    let els = body(&s, &id)[1]["paragraph"]["elements"].clone();
    assert_eq!(els[0]["textRun"]["content"], "plain ");
    assert_eq!(els[1]["textRun"]["content"], "bolder");
    assert_eq!(els[1]["textRun"]["textStyle"], json!({ "bold": true }));
    assert_eq!(
        (els[1]["startIndex"].clone(), els[1]["endIndex"].clone()),
        (json!(7), json!(13))
    );
}

#[test]
fn checkbox_bullets_make_a_list_with_unspecified_glyphs_and_tabs_set_the_level() {
    let (mut s, id) = setup();
    run(
        &mut s,
        &id,
        json!([insert("a\n\tb\nc", 1), { "createParagraphBullets": {
        "range": { "startIndex": 1, "endIndex": 7 }, "bulletPreset": "BULLET_CHECKBOX" } }]),
    )
    .expect("applies");
    assert_eq!(
        paragraphs(&s, &id),
        ["a\n", "b\n", "c\n"],
        "leading tab removed"
    );
    let doc = s.get_json(&id, false).expect("doc");
    let b = body(&s, &id);
    let list_id = b[1]["paragraph"]["bullet"]["listId"]
        .as_str()
        .expect("bullet")
        .to_string();
    assert_eq!(b[2]["paragraph"]["bullet"]["nestingLevel"], 1);
    assert_eq!(b[3]["paragraph"]["bullet"]["listId"], list_id.as_str());
    let level = &doc["lists"][&list_id]["listProperties"]["nestingLevels"][0];
    assert_eq!(level["glyphType"], "GLYPH_TYPE_UNSPECIFIED");
    assert!(level.get("glyphSymbol").is_none());
    // A paragraph added right after joins the same list when the preset matches.
    run(&mut s, &id, json!([{ "insertText": { "text": "\nd", "endOfSegmentLocation": {} } },
        { "deleteParagraphBullets": { "range": { "startIndex": 7, "endIndex": 8 } } },
        { "createParagraphBullets": { "range": { "startIndex": 7, "endIndex": 8 }, "bulletPreset": "BULLET_CHECKBOX" } }]))
    .expect("applies");
    assert_eq!(
        body(&s, &id)[4]["paragraph"]["bullet"]["listId"],
        list_id.as_str()
    );
    let err = run(
        &mut s,
        &id,
        json!([{ "createParagraphBullets": { "range": { "startIndex": 1, "endIndex": 2 }, "bulletPreset": "NOPE" } }]),
    );
    assert!(err.is_err());
}

#[test]
fn named_ranges_move_with_edits_and_vanish_with_their_text() {
    let (mut s, id) = setup();
    let reply = run(
        &mut s,
        &id,
        json!([insert("keep this", 1), { "createNamedRange": {
        "name": "agenda", "range": { "startIndex": 6, "endIndex": 10 } } }, insert(">> ", 1)]),
    )
    .expect("applies");
    let nr_id = reply["replies"][1]["createNamedRange"]["namedRangeId"]
        .as_str()
        .expect("id")
        .to_string();
    let doc = s.get_json(&id, false).expect("doc");
    let range = &doc["namedRanges"]["agenda"]["namedRanges"][0];
    assert_eq!(range["namedRangeId"], nr_id.as_str());
    assert_eq!(
        range["ranges"][0],
        json!({ "startIndex": 9, "endIndex": 13 })
    );
    run(
        &mut s,
        &id,
        json!([{ "deleteContentRange": { "range": { "startIndex": 8, "endIndex": 13 } } }]),
    )
    .expect("applies");
    assert!(s
        .get_json(&id, false)
        .expect("doc")
        .get("namedRanges")
        .is_none());
    let err = run(
        &mut s,
        &id,
        json!([{ "createNamedRange": { "name": "", "range": { "startIndex": 1, "endIndex": 2 } } }]),
    );
    assert!(err.is_err(), "empty name");
    run(
        &mut s,
        &id,
        json!([{ "createNamedRange": { "name": "x", "range": { "startIndex": 1, "endIndex": 2 } } },
        { "deleteNamedRange": { "name": "x" } }]),
    )
    .expect("applies");
    assert!(s
        .get_json(&id, false)
        .expect("doc")
        .get("namedRanges")
        .is_none());
}

#[test]
fn person_and_date_chips_occupy_one_index() {
    let (mut s, id) = setup();
    let names = |e: &str| (e == "bob@example.com").then(|| "Bob".to_string());
    s.batch_update(&id, &json!({ "requests": [
        { "insertPerson": { "personProperties": { "email": "bob@example.com" }, "location": { "index": 1 } } },
        { "insertDate": { "dateElementProperties": { "timestamp": "2026-11-25T10:00:00Z", "dateFormat": "DATE_FORMAT_ISO8601" },
          "location": { "index": 2 } } },
        insert("x", 3),
    ] }), &names)
    .expect("applies");
    let els = body(&s, &id)[1]["paragraph"]["elements"].clone();
    assert_eq!(
        els[0]["person"]["personProperties"],
        json!({ "email": "bob@example.com", "name": "Bob" })
    );
    assert_eq!(
        (els[0]["startIndex"].clone(), els[0]["endIndex"].clone()),
        (json!(1), json!(2))
    );
    assert_eq!(
        els[1]["dateElement"]["dateElementProperties"]["displayText"],
        "2026-11-25"
    );
    assert_eq!(els[2]["textRun"]["content"], "x\n");
    assert_eq!(els[2]["startIndex"], 3);
}

#[test]
fn replace_all_text_counts_occurrences_case_insensitively() {
    let (mut s, id) = setup();
    let reply = run(
        &mut s,
        &id,
        json!([insert("Foo foo\nFOO", 1), { "replaceAllText": {
        "containsText": { "text": "foo" }, "replaceText": "bar😀" } }]),
    )
    .expect("applies");
    assert_eq!(
        reply["replies"][1]["replaceAllText"]["occurrencesChanged"],
        3
    );
    assert_eq!(paragraphs(&s, &id), ["bar😀 bar😀\n", "bar😀\n"]);
    let reply = run(&mut s, &id, json!([{ "replaceAllText": { "containsText": { "text": "BAR", "matchCase": true }, "replaceText": "" } }]))
        .expect("applies");
    assert!(reply["replies"][0]["replaceAllText"]
        .get("occurrencesChanged")
        .is_none());
}

#[test]
fn a_stale_required_revision_is_refused_and_nothing_changes() {
    let (mut s, id) = setup();
    let rev = s.get_json(&id, false).expect("doc")["revisionId"]
        .as_str()
        .expect("rev")
        .to_string();
    s.batch_update(
        &id,
        &json!({ "requests": [insert("a", 1)], "writeControl": { "requiredRevisionId": rev } }),
        &no_names,
    )
    .expect("current revision accepted");
    let snapshot = s.get_json(&id, true).expect("doc");
    let err = s
        .batch_update(
            &id,
            &json!({ "requests": [insert("b", 1)], "writeControl": { "requiredRevisionId": rev } }),
            &no_names,
        )
        .expect_err("stale");
    assert!(matches!(err, DocsError::RevisionMismatch(_)));
    assert_eq!(s.get_json(&id, true).expect("doc"), snapshot);
    assert_eq!(run(&mut s, "nope", json!([])), Err(DocsError::NotFound));
}

#[test]
fn unknown_empty_and_structural_requests_are_rejected() {
    let (mut s, id) = setup();
    assert!(
        matches!(run(&mut s, &id, json!([{}])), Err(DocsError::Invalid(m)) if m.contains("No request set"))
    );
    assert!(
        matches!(run(&mut s, &id, json!([{ "frobnicate": {} }])), Err(DocsError::Invalid(m)) if m.contains("Unknown name"))
    );
    assert!(
        run(&mut s, &id, json!([insert("a", 0)])).is_err(),
        "index 0 is the section break"
    );
}

#[test]
fn edits_inside_table_cells_keep_the_table_consistent() {
    let mut s = DocsState::default();
    let cell = |t: &str| json!({ "content": [{ "paragraph": { "elements": [{ "textRun": { "content": t } }] } }] });
    let doc = json!({ "documentId": "tbl", "title": "T", "body": { "content": [
        { "sectionBreak": {} },
        { "paragraph": { "elements": [{ "textRun": { "content": "\n" } }] } },
        { "table": { "rows": 1, "columns": 2, "tableRows": [{ "tableCells": [cell("a\n"), cell("b\n")] }] } },
        { "paragraph": { "elements": [{ "textRun": { "content": "\n" } }] } },
    ] } });
    let id = s.import(&doc).expect("imports");
    // Table 2..11: row 3, cell 4 (content 5..7), cell 7 (content 8..10), end 11.
    assert_eq!(body(&s, &id)[2]["endIndex"], 11);
    run(&mut s, &id, json!([insert("xy", 8)])).expect("insert in the second cell");
    let b = body(&s, &id);
    assert_eq!(b[2]["endIndex"], 13);
    assert_eq!(
        b[2]["table"]["tableRows"][0]["tableCells"][1]["content"][0]["paragraph"]["elements"][0]
            ["textRun"]["content"],
        "xyb\n"
    );
    assert!(
        run(&mut s, &id, json!([insert("no", 2)])).is_err(),
        "table start is not in a paragraph"
    );
    assert!(
        run(
            &mut s,
            &id,
            json!([{ "deleteContentRange": { "range": { "startIndex": 5, "endIndex": 9 } } }])
        )
        .is_err(),
        "across cells"
    );
    assert!(
        run(
            &mut s,
            &id,
            json!([{ "deleteContentRange": { "range": { "startIndex": 5, "endIndex": 7 } } }])
        )
        .is_err(),
        "cell's final newline"
    );
    run(
        &mut s,
        &id,
        json!([{ "deleteContentRange": { "range": { "startIndex": 2, "endIndex": 13 } } }]),
    )
    .expect("whole table");
    assert_eq!(paragraphs(&s, &id), ["\n", "\n"]);
}

#[test]
fn a_bullet_range_ending_inside_leading_tabs_still_covers_that_paragraph() {
    let (mut s, id) = setup();
    run(&mut s, &id, json!([insert("a\n\t\tb", 1), { "createParagraphBullets": {
        "range": { "startIndex": 1, "endIndex": 4 }, "bulletPreset": "BULLET_DISC_CIRCLE_SQUARE" } }]))
    .expect("applies");
    assert_eq!(paragraphs(&s, &id), ["a\n", "b\n"]);
    let b = body(&s, &id);
    assert!(b[1]["paragraph"]["bullet"].get("nestingLevel").is_none());
    assert_eq!(b[2]["paragraph"]["bullet"]["nestingLevel"], 2);
    let doc = s.get_json(&id, false).expect("doc");
    let list = b[2]["paragraph"]["bullet"]["listId"]
        .as_str()
        .expect("list");
    assert_eq!(
        doc["lists"][list]["listProperties"]["nestingLevels"][2]["glyphSymbol"],
        "■"
    );
}
