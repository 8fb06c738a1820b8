//! insertPerson and insertDate: smart chips, one index each.

use super::target::insertion_point;
use super::{empty_reply, Ctx};
use crate::docs::edit::{self, Insertion};
use crate::docs::model::{Document, Json};
use chrono::{DateTime, Utc};
use serde_json::{json, Value};

/// insertPerson: a `person` element for `personProperties.email`; the name comes from the
/// sandbox's directory when the email is a known user.
pub fn insert_person(doc: &mut Document, req: &Value, ctx: &mut Ctx) -> Result<Value, String> {
    let email = req
        .pointer("/personProperties/email")
        .and_then(Value::as_str)
        .filter(|e| e.contains('@'))
        .ok_or("personProperties.email must be set to an email address.")?;
    let mut props = json!({ "email": email });
    if let Some(name) = (ctx.person_name)(email) {
        props["name"] = json!(name);
    }
    let body = object(json!({ "personId": ctx.ids.kix(), "personProperties": props }));
    insert_object(doc, req, ctx, "person", body)
}

/// insertDate: a `dateElement` for `dateElementProperties` (timestamp required); Google
/// fills the output-only `displayText`.
pub fn insert_date(doc: &mut Document, req: &Value, ctx: &mut Ctx) -> Result<Value, String> {
    let mut props = req
        .get("dateElementProperties")
        .and_then(Value::as_object)
        .cloned()
        .ok_or("dateElementProperties must be set.")?;
    let stamp = props
        .get("timestamp")
        .and_then(Value::as_str)
        .ok_or("dateElementProperties.timestamp must be set.")?;
    let at: DateTime<Utc> = DateTime::parse_from_rfc3339(stamp)
        .map_err(|e| {
            format!("dateElementProperties.timestamp {stamp:?} is not an RFC 3339 time: {e}.")
        })?
        .with_timezone(&Utc);
    let tz: chrono_tz::Tz = props
        .get("timeZoneId")
        .and_then(Value::as_str)
        .and_then(|z| z.replace(' ', "_").parse().ok())
        .unwrap_or(chrono_tz::UTC);
    let local = at.with_timezone(&tz);
    let format = props
        .get("dateFormat")
        .and_then(Value::as_str)
        .unwrap_or("DATE_FORMAT_UNSPECIFIED");
    let pattern = match format {
        "DATE_FORMAT_ISO8601" => "%Y-%m-%d",
        "DATE_FORMAT_MONTH_DAY_ABBREVIATED" => "%b %-d",
        "DATE_FORMAT_MONTH_DAY_FULL" => "%B %-d",
        "DATE_FORMAT_MONTH_DAY_YEAR_FULL" => "%B %-d, %Y",
        "DATE_FORMAT_DAY_OF_WEEK_MONTH_DAY_YEAR_ABBREVIATED" => "%a, %b %-d, %Y",
        _ => "%b %-d, %Y",
    };
    props.insert(
        "displayText".into(),
        json!(local.format(pattern).to_string()),
    );
    let body = object(json!({ "dateId": ctx.ids.kix(), "dateElementProperties": props }));
    insert_object(doc, req, ctx, "dateElement", body)
}

fn object(v: Value) -> Json {
    match v {
        Value::Object(m) => m,
        _ => Json::new(),
    }
}

fn insert_object(
    doc: &mut Document,
    req: &Value,
    ctx: &mut Ctx,
    kind: &str,
    body: Json,
) -> Result<Value, String> {
    let (mut target, idx) = insertion_point(doc, req)?;
    let what = Insertion::Object {
        kind: kind.into(),
        body,
    };
    let ids = &mut *ctx.ids;
    let idx = edit::insert(&mut target.segment().content, 0, idx, &what, &mut || {
        ids.heading()
    })?;
    target.shift_insert(idx, 1);
    Ok(empty_reply())
}
