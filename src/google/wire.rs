//! The JSON exactly as the server sent it.
//!
//! The crates hand back typed structs, but the domain parsers read Google's wire JSON (the
//! captured fixtures are wire JSON too). The crates keep the raw body in the returned
//! `Response`, so we parse that: it keeps fields newer than the crate and has no `null`s for
//! absent fields. Only if the body cannot be read do we fall back to re-serialising the typed
//! value, with its `null`s removed so both paths look alike.

use http_body_util::BodyExt;
use serde::Serialize;
use serde_json::Value;

use google_calendar3::common;

/// The response body as JSON, or `typed` serialised when the body is unusable.
pub(crate) async fn body_json<T: Serialize>(response: common::Response, typed: &T) -> Value {
    let from_body = match response.into_body().collect().await {
        Ok(collected) => serde_json::from_slice::<Value>(&collected.to_bytes()).ok(),
        Err(_) => None,
    };
    match from_body {
        Some(v) if v.is_object() => v,
        _ => {
            let mut v = serde_json::to_value(typed).unwrap_or(Value::Null);
            strip_nulls(&mut v);
            v
        }
    }
}

/// Removes every `null` member of every object, recursively, as Google omits absent fields.
pub(crate) fn strip_nulls(value: &mut Value) {
    match value {
        Value::Object(map) => {
            map.retain(|_, v| !v.is_null());
            map.values_mut().for_each(strip_nulls);
        }
        Value::Array(items) => items.iter_mut().for_each(strip_nulls),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn response(body: &str) -> common::Response {
        hyper::Response::builder()
            .status(200)
            .body(common::to_body(Some(body.to_string())))
            .expect("response")
    }

    #[test]
    fn strip_nulls_recurses_into_objects_and_arrays() {
        let mut v = json!({"a": null, "b": {"c": null, "d": 1}, "e": [{"f": null, "g": [null]}]});
        strip_nulls(&mut v);
        assert_eq!(v, json!({"b": {"d": 1}, "e": [{"g": [null]}]}));
    }

    #[tokio::test]
    async fn the_raw_body_wins_and_keeps_unknown_fields() {
        let typed = google_docs1::api::Document {
            title: Some("typed".into()),
            ..Default::default()
        };
        let v = body_json(
            response(r#"{"title":"wire","futureField":{"x":1}}"#),
            &typed,
        )
        .await;
        assert_eq!(v, json!({"title": "wire", "futureField": {"x": 1}}));
    }

    #[tokio::test]
    async fn an_unusable_body_falls_back_to_the_typed_value_without_nulls() {
        let typed = google_docs1::api::Document {
            title: Some("typed".into()),
            revision_id: Some("r1".into()),
            ..Default::default()
        };
        let v = body_json(response(""), &typed).await;
        assert_eq!(v, json!({"title": "typed", "revisionId": "r1"}));
    }
}
