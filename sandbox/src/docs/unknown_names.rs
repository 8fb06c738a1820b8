//! Docs v1's refusal of names its schema does not have.
//!
//! Docs v1 is proto-backed: its JSON front end refuses any unknown name, at any depth, with
//! `400 INVALID_ARGUMENT` "Invalid JSON payload received. Unknown name \"x\" at 'requests[0]
//! .insert_text': Cannot find field." (Calendar v3 and Drive v3 silently ignore them instead.)
//! The schema is taken from the generated `google-docs1` types — Google's discovery document —
//! by a round trip: a name in the request that the typed value does not serialise back is
//! unknown. A body whose values do not even fit the types is left to the request handlers,
//! which report the bad value itself.

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

/// `Err(message)` naming the first unknown name in `body` if it is read as a `T`.
pub fn check<T: DeserializeOwned + Serialize>(body: &Value) -> Result<(), String> {
    let Ok(typed) = serde_json::from_value::<T>(body.clone()) else {
        return Ok(());
    };
    let Ok(typed) = serde_json::to_value(typed) else {
        return Ok(());
    };
    match first_unknown(body, &typed, "") {
        None => Ok(()),
        Some((name, at)) if at.is_empty() => Err(format!(
            "Invalid JSON payload received. Unknown name \"{name}\": Cannot find field."
        )),
        Some((name, at)) => Err(format!(
            "Invalid JSON payload received. Unknown name \"{name}\" at '{at}': Cannot find field."
        )),
    }
}

/// The first (name, proto path of its parent) present in `given` but absent from `typed`.
fn first_unknown(given: &Value, typed: &Value, at: &str) -> Option<(String, String)> {
    match (given, typed) {
        (Value::Object(given), Value::Object(typed)) => given
            .iter()
            .filter(|(_, v)| !v.is_null())
            .find_map(|(name, v)| match typed.get(name) {
                None => Some((name.clone(), at.to_string())),
                Some(t) => first_unknown(v, t, &join(at, &snake_case(name))),
            }),
        (Value::Array(given), Value::Array(typed)) => given
            .iter()
            .zip(typed)
            .enumerate()
            .find_map(|(i, (g, t))| first_unknown(g, t, &format!("{at}[{i}]"))),
        _ => None,
    }
}

fn join(at: &str, name: &str) -> String {
    if at.is_empty() {
        name.to_string()
    } else {
        format!("{at}.{name}")
    }
}

/// Google names fields in these messages by their proto (snake_case) names.
fn snake_case(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 4);
    for c in name.chars() {
        if c.is_ascii_uppercase() {
            out.push('_');
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use google_docs1::api::BatchUpdateDocumentRequest;
    use serde_json::json;

    #[test]
    fn known_names_pass_at_every_depth() {
        let body = json!({
            "requests": [{"insertText": {"location": {"index": 1, "tabId": "t"}, "text": "x"}}],
            "writeControl": {"requiredRevisionId": "r"},
        });
        assert_eq!(check::<BatchUpdateDocumentRequest>(&body), Ok(()));
    }

    #[test]
    fn unknown_names_are_named_with_their_proto_path() {
        let nested =
            json!({"requests": [{}, {"insertText": {"location": {"index": 1, "fooBar": 2}}}]});
        let message = check::<BatchUpdateDocumentRequest>(&nested).unwrap_err();
        assert!(
            message.contains("Unknown name \"fooBar\" at 'requests[1].insert_text.location'"),
            "{message}"
        );
        let top =
            check::<BatchUpdateDocumentRequest>(&json!({"requests": [], "x": 1})).unwrap_err();
        assert!(
            top.contains("Unknown name \"x\": Cannot find field."),
            "{top}"
        );
    }

    #[test]
    fn null_values_and_mistyped_bodies_are_left_to_the_handlers() {
        assert_eq!(
            check::<BatchUpdateDocumentRequest>(&json!({"requests": null, "x": null})),
            Ok(())
        );
        assert_eq!(
            check::<BatchUpdateDocumentRequest>(&json!({"requests": "nope", "x": 1})),
            Ok(())
        );
    }
}
