//! Property tests: random batches of requests keep every index consistent, never panic, and
//! a rejected batch never changes the document.

use oneonone_sandbox::docs::DocsState;
use proptest::prelude::*;
use serde_json::{json, Value};

fn no_names(_: &str) -> Option<String> {
    None
}

/// Checks the served JSON independently: elements follow each other, text runs span their
/// UTF-16 length, every paragraph ends with a newline, named ranges lie inside the body.
fn check_consistent(doc: &Value) -> Result<(), String> {
    fn content(items: &Value, mut pos: u64, path: &str) -> Result<u64, String> {
        let idx = |v: &Value, k: &str| v.get(k).and_then(Value::as_u64).unwrap_or(0);
        for (i, el) in items.as_array().into_iter().flatten().enumerate() {
            let p = format!("{path}[{i}]");
            if idx(el, "startIndex") != pos {
                return Err(format!("{p} starts at {} not {pos}", idx(el, "startIndex")));
            }
            if let Some(par) = el.get("paragraph") {
                let mut text = String::new();
                for pe in par["elements"].as_array().into_iter().flatten() {
                    let len = match pe.pointer("/textRun/content").and_then(Value::as_str) {
                        Some(t) => {
                            text.push_str(t);
                            t.encode_utf16().count() as u64
                        }
                        None => {
                            text.push('\u{FFFC}');
                            1
                        }
                    };
                    if idx(pe, "startIndex") != pos || idx(pe, "endIndex") != pos + len {
                        return Err(format!(
                            "{p}: element spans {}..{} not {pos}..{}",
                            idx(pe, "startIndex"),
                            idx(pe, "endIndex"),
                            pos + len
                        ));
                    }
                    pos += len;
                }
                if !text.ends_with('\n') || text[..text.len() - 1].contains('\n') {
                    return Err(format!(
                        "{p}: paragraph text {text:?} must end with its only newline"
                    ));
                }
            } else if el.get("sectionBreak").is_some() {
                pos += 1;
            } else if let Some(t) = el.get("table") {
                pos += 1;
                for row in t["tableRows"].as_array().into_iter().flatten() {
                    pos += 1;
                    for cell in row["tableCells"].as_array().into_iter().flatten() {
                        pos = content(&cell["content"], pos + 1, &format!("{p}.cell"))?;
                    }
                }
                pos += 1;
            }
            if idx(el, "endIndex") != pos {
                return Err(format!("{p} ends at {} not {pos}", idx(el, "endIndex")));
            }
        }
        Ok(pos)
    }
    let end = content(&doc["body"]["content"], 0, "body")?;
    for group in doc["namedRanges"]
        .as_object()
        .into_iter()
        .flatten()
        .map(|(_, g)| g)
    {
        for nr in group["namedRanges"].as_array().into_iter().flatten() {
            for r in nr["ranges"].as_array().into_iter().flatten() {
                let (s, e) = (
                    r["startIndex"].as_u64().unwrap_or(0),
                    r["endIndex"].as_u64().unwrap_or(0),
                );
                if !(1 <= s && s < e && e <= end) {
                    return Err(format!("named range {s}..{e} outside 1..{end}"));
                }
            }
        }
    }
    Ok(())
}

fn text() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop::sample::select(vec![
            "a",
            "Z",
            " ",
            "\n",
            "😀",
            "e\u{0301}",
            "日本",
            "\t",
            "👍🏽",
            "\u{0001}",
        ]),
        1..6,
    )
    .prop_map(|parts| parts.concat())
}

fn request() -> impl Strategy<Value = Value> {
    let idx = 0usize..40;
    prop_oneof![
        (text(), idx.clone()).prop_map(|(t, i)| json!({ "insertText": { "text": t, "location": { "index": i } } })),
        text().prop_map(|t| json!({ "insertText": { "text": t, "endOfSegmentLocation": {} } })),
        (idx.clone(), 0usize..8).prop_map(|(s, l)| json!({ "deleteContentRange": { "range": { "startIndex": s, "endIndex": s + l } } })),
        (idx.clone(), 1usize..10, any::<bool>()).prop_map(|(s, l, b)| json!({ "updateTextStyle": {
            "range": { "startIndex": s, "endIndex": s + l }, "textStyle": { "bold": b }, "fields": "bold" } })),
        (idx.clone(), 1usize..10, prop::sample::select(vec!["HEADING_1", "NORMAL_TEXT", "TITLE"])).prop_map(|(s, l, t)| json!({
            "updateParagraphStyle": { "range": { "startIndex": s, "endIndex": s + l },
                "paragraphStyle": { "namedStyleType": t }, "fields": "namedStyleType" } })),
        (idx.clone(), 1usize..10, prop::sample::select(vec!["BULLET_CHECKBOX", "BULLET_DISC_CIRCLE_SQUARE", "BAD"])).prop_map(|(s, l, p)| json!({
            "createParagraphBullets": { "range": { "startIndex": s, "endIndex": s + l }, "bulletPreset": p } })),
        (idx.clone(), 1usize..10).prop_map(|(s, l)| json!({ "deleteParagraphBullets": { "range": { "startIndex": s, "endIndex": s + l } } })),
        (idx.clone(), 1usize..10).prop_map(|(s, l)| json!({ "createNamedRange": { "name": "r", "range": { "startIndex": s, "endIndex": s + l } } })),
        idx.clone().prop_map(|i| json!({ "insertPerson": { "personProperties": { "email": "a@example.com" }, "location": { "index": i } } })),
        (prop::sample::select(vec!["a", "😀", "Z\n"]), text()).prop_map(|(f, r)| json!({ "replaceAllText": {
            "containsText": { "text": f }, "replaceText": r } })),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn random_batches_keep_indices_consistent_and_rejections_change_nothing(
        batches in prop::collection::vec(prop::collection::vec(request(), 1..4), 1..12)
    ) {
        let mut s = DocsState::default();
        let id = s.create("p");
        for batch in batches {
            let before = s.get_json(&id, true).expect("doc");
            match s.batch_update(&id, &json!({ "requests": batch }), &no_names) {
                Ok(_) => {
                    let after = s.get_json(&id, false).expect("doc");
                    prop_assert!(check_consistent(&after).is_ok(), "{:?} after {:?}", check_consistent(&after), batch);
                }
                Err(_) => prop_assert_eq!(s.get_json(&id, true).expect("doc"), before),
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// The success path is exercised too: insertions at valid positions (never inside a
    /// surrogate pair) always apply and grow the body by the text's UTF-16 length.
    #[test]
    fn valid_insertions_always_apply(steps in prop::collection::vec((text(), 0usize..1000), 1..20)) {
        let mut s = DocsState::default();
        let id = s.create("p");
        for (t, pick) in steps {
            let doc = s.get_json(&id, false).expect("doc");
            let content = doc["body"]["content"].as_array().cloned().unwrap_or_default();
            let end = content.last().and_then(|b| b["endIndex"].as_u64()).unwrap_or(2) as usize;
            // Indices that start a UTF-16 unit which is not a low surrogate.
            let mut valid = Vec::new();
            let mut pos = 1usize;
            for b in &content[1..] {
                for el in b["paragraph"]["elements"].as_array().into_iter().flatten() {
                    let text = el.pointer("/textRun/content").and_then(Value::as_str).unwrap_or("\u{FFFC}");
                    for c in text.chars() {
                        valid.push(pos);
                        pos += c.len_utf16();
                    }
                }
            }
            let at = valid[pick % valid.len()];
            let added: usize = t.chars().filter(|c| *c as u32 >= 0x20 || matches!(c, '\t' | '\n')).map(char::len_utf16).sum();
            let r = s.batch_update(&id, &json!({ "requests": [{ "insertText": { "text": t, "location": { "index": at } } }] }), &no_names);
            if added == 0 {
                // Only stripped characters: nothing to insert, which Google refuses.
                prop_assert!(r.is_err());
                continue;
            }
            prop_assert!(r.is_ok(), "{:?}", r);
            let after = s.get_json(&id, false).expect("doc");
            prop_assert!(check_consistent(&after).is_ok());
            let new_end = after["body"]["content"].as_array().and_then(|c| c.last()).and_then(|b| b["endIndex"].as_u64()).unwrap_or(0) as usize;
            prop_assert_eq!(new_end, end + added);
        }
    }
}
