//! The `fields` partial-response mask (`id,name,files(id,appProperties),owners/emailAddress`)
//! applied to a full JSON answer. Without `fields`, each method's default mask applies, which
//! is why a Drive v3 `files.get` returns only `kind,id,name,mimeType` unless asked for more.

use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// Default mask of `files.get`, `files.create` and `files.update`.
pub const FILE_DEFAULT: &str = "kind,id,name,mimeType";
/// Default mask of `files.list`.
pub const FILE_LIST_DEFAULT: &str =
    "kind,nextPageToken,incompleteSearch,files(kind,id,name,mimeType)";
/// Default mask of `permissions.*`.
pub const PERMISSION_DEFAULT: &str = "kind,id,type,role,emailAddress,domain,allowFileDiscovery";
/// Default mask of `permissions.list`.
pub const PERMISSION_LIST_DEFAULT: &str =
    "kind,nextPageToken,permissions(kind,id,type,role,emailAddress,domain,allowFileDiscovery)";
/// Default mask of `changes.list`.
pub const CHANGE_LIST_DEFAULT: &str = "kind,nextPageToken,newStartPageToken,changes(kind,changeType,time,removed,fileId,file(kind,id,name,mimeType))";

/// A parsed mask: each selected key with its sub-mask (`None` = the whole value).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Mask(BTreeMap<String, Option<Mask>>);

/// A mask that does not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("Invalid field selection {0}")]
pub struct MaskError(pub String);

impl Mask {
    pub fn parse(text: &str) -> Result<Mask, MaskError> {
        let chars: Vec<char> = text.chars().collect();
        let mut pos = 0;
        let mask = parse_list(&chars, &mut pos, 0).map_err(|_| MaskError(text.to_string()))?;
        if pos != chars.len() {
            return Err(MaskError(text.to_string()));
        }
        Ok(mask)
    }

    /// Keeps only the selected parts of `value` (arrays are masked element-wise).
    pub fn apply(&self, value: &Value) -> Value {
        match value {
            Value::Array(items) => Value::Array(items.iter().map(|v| self.apply(v)).collect()),
            Value::Object(obj) => {
                if self.0.contains_key("*") {
                    return value.clone();
                }
                let mut out = Map::new();
                for (key, sub) in &self.0 {
                    if let Some(v) = obj.get(key) {
                        let v = match sub {
                            Some(m) => m.apply(v),
                            None => v.clone(),
                        };
                        out.insert(key.clone(), v);
                    }
                }
                Value::Object(out)
            }
            other => other.clone(),
        }
    }

    fn insert_path(&mut self, path: &[String], sub: Option<Mask>) {
        let Some((first, rest)) = path.split_first() else {
            return;
        };
        if rest.is_empty() {
            self.0.insert(first.clone(), sub);
            return;
        }
        let entry = self
            .0
            .entry(first.clone())
            .or_insert_with(|| Some(Mask::default()));
        if let Some(m) = entry {
            m.insert_path(rest, sub);
        }
    }
}

/// Masks `value` with `fields` if given, else with `default`.
pub fn select(value: &Value, fields: Option<&str>, default: &str) -> Result<Value, MaskError> {
    let text = fields
        .map(str::trim)
        .filter(|f| !f.is_empty())
        .unwrap_or(default);
    Ok(Mask::parse(text)?.apply(value))
}

const MAX_DEPTH: usize = 16;

fn parse_list(chars: &[char], pos: &mut usize, depth: usize) -> Result<Mask, ()> {
    if depth > MAX_DEPTH {
        return Err(());
    }
    let mut mask = Mask::default();
    loop {
        let mut path = Vec::new();
        loop {
            let start = *pos;
            while chars
                .get(*pos)
                .is_some_and(|c| c.is_alphanumeric() || *c == '_' || *c == '*')
            {
                *pos += 1;
            }
            if *pos == start {
                return Err(());
            }
            path.push(
                chars
                    .get(start..*pos)
                    .map(|s| s.iter().collect::<String>())
                    .unwrap_or_default(),
            );
            if chars.get(*pos) == Some(&'/') {
                *pos += 1;
            } else {
                break;
            }
        }
        let sub = if chars.get(*pos) == Some(&'(') {
            *pos += 1;
            let inner = parse_list(chars, pos, depth + 1)?;
            if chars.get(*pos) != Some(&')') {
                return Err(());
            }
            *pos += 1;
            Some(inner)
        } else {
            None
        };
        mask.insert_path(&path, sub);
        while chars.get(*pos).is_some_and(|c| c.is_whitespace()) {
            *pos += 1;
        }
        if chars.get(*pos) == Some(&',') {
            *pos += 1;
            while chars.get(*pos).is_some_and(|c| c.is_whitespace()) {
                *pos += 1;
            }
        } else {
            return Ok(mask);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    #[test]
    fn selects_nested_and_slashed_paths() {
        let v = json!({"kind": "drive#fileList", "nextPageToken": "t",
            "files": [{"id": "1", "name": "a", "owners": [{"emailAddress": "x", "me": true}]}]});
        let got = select(&v, Some("nextPageToken, files(id,owners/emailAddress)"), "").unwrap();
        assert_eq!(
            got,
            json!({"nextPageToken": "t", "files": [{"id": "1", "owners": [{"emailAddress": "x"}]}]})
        );
        assert_eq!(select(&v, Some("*"), "").unwrap(), v);
        assert_eq!(
            select(&v, None, "kind").unwrap(),
            json!({"kind": "drive#fileList"})
        );
    }

    #[test]
    fn refuses_malformed_masks() {
        for bad in ["files(id", "a,,b", "(x)", "a)", "a b"] {
            assert!(Mask::parse(bad).is_err(), "{bad}");
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(128))]
        #[test]
        fn never_panics(s in "[a-z(),/* ]{0,40}") {
            if let Ok(m) = Mask::parse(&s) {
                let _ = m.apply(&json!({"a": [{"b": 1}], "c": {"d": 2}}));
            }
        }
    }
}
