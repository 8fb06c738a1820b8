//! A strict reader of the OpenMetrics text format (what Prometheus scrapes): every line must be
//! a `# HELP`/`# TYPE`/`# UNIT` descriptor, a sample of a declared family, or the final
//! `# EOF`. It returns the samples so tests can look values up.

use std::collections::BTreeMap;

/// The parsed exposition.
#[derive(Debug, Default)]
pub struct Exposition {
    /// `name{labels}` exactly as written → value.
    samples: BTreeMap<String, f64>,
    /// Family name → its type.
    types: BTreeMap<String, String>,
}

impl Exposition {
    /// The value of the sample written exactly `key` (`name` or `name{a="b",c="d"}`).
    pub fn value(&self, key: &str) -> Option<f64> {
        self.samples.get(key).copied()
    }

    pub fn family_type(&self, name: &str) -> Option<&str> {
        self.types.get(name).map(String::as_str)
    }
}

const TYPES: [&str; 8] = [
    "counter",
    "gauge",
    "histogram",
    "gaugehistogram",
    "stateset",
    "info",
    "summary",
    "unknown",
];

/// Suffixes a sample may add to its family's name, by family type.
fn suffixes(kind: &str) -> &'static [&'static str] {
    match kind {
        "counter" => &["_total", "_created"],
        "histogram" => &["_bucket", "_count", "_sum", "_created"],
        "summary" => &["_count", "_sum", "_created", ""],
        "info" => &["_info"],
        _ => &[""],
    }
}

fn is_name(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == ':')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':')
}

/// Checks `{a="b",c="d"}` (escapes `\\`, `\"`, `\n` inside values).
fn check_labels(labels: &str) -> Result<(), String> {
    let inner = labels
        .strip_prefix('{')
        .and_then(|l| l.strip_suffix('}'))
        .ok_or_else(|| format!("labels not in braces: {labels}"))?;
    let mut rest = inner;
    while !rest.is_empty() {
        let (name, after) = rest
            .split_once("=\"")
            .ok_or_else(|| format!("label without =\"…\": {labels}"))?;
        if !is_name(name) {
            return Err(format!("bad label name {name:?} in {labels}"));
        }
        let mut end = None;
        let mut escaped = false;
        for (i, c) in after.char_indices() {
            match (escaped, c) {
                (true, '\\' | '"' | 'n') => escaped = false,
                (true, _) => return Err(format!("bad escape in {labels}")),
                (false, '\\') => escaped = true,
                (false, '"') => {
                    end = Some(i);
                    break;
                }
                (false, '\n') => return Err(format!("newline in a label value: {labels}")),
                _ => {}
            }
        }
        let end = end.ok_or_else(|| format!("unterminated label value in {labels}"))?;
        rest = &after[end + 1..];
        rest = match rest.strip_prefix(',') {
            Some(r) if !r.is_empty() => r,
            Some(_) => return Err(format!("trailing comma in {labels}")),
            None if rest.is_empty() => rest,
            None => return Err(format!("labels not separated by commas: {labels}")),
        };
    }
    Ok(())
}

fn number(s: &str) -> Result<f64, String> {
    match s {
        "+Inf" => Ok(f64::INFINITY),
        "-Inf" => Ok(f64::NEG_INFINITY),
        "NaN" => Ok(f64::NAN),
        _ => s.parse().map_err(|_| format!("not a number: {s:?}")),
    }
}

/// Parses `text`, failing on the first line that is not valid OpenMetrics.
pub fn parse(text: &str) -> Result<Exposition, String> {
    let mut out = Exposition::default();
    let body = text
        .strip_suffix("# EOF\n")
        .ok_or("the exposition does not end with \"# EOF\"")?;
    for (n, line) in body.lines().enumerate() {
        let at = |e: String| format!("line {}: {e}: {line:?}", n + 1);
        if let Some(desc) = line.strip_prefix("# ") {
            let mut parts = desc.splitn(3, ' ');
            let (kind, name, rest) = (parts.next(), parts.next(), parts.next());
            let name = name
                .filter(|n| is_name(n))
                .ok_or_else(|| at("bad name".into()))?;
            match (kind, rest) {
                (Some("TYPE"), Some(t)) if TYPES.contains(&t) => {
                    if out.types.insert(name.to_string(), t.to_string()).is_some() {
                        return Err(at("family declared twice".into()));
                    }
                }
                (Some("HELP"), Some(_)) | (Some("UNIT"), Some(_)) => {}
                _ => return Err(at("unknown descriptor".into())),
            }
            continue;
        }
        let (series, value) = line
            .rsplit_once(' ')
            .ok_or_else(|| at("sample without a value".into()))?;
        let value = number(value).map_err(at)?;
        let name = match series.find('{') {
            Some(i) => {
                check_labels(&series[i..]).map_err(at)?;
                &series[..i]
            }
            None => series,
        };
        if !is_name(name) {
            return Err(at("bad metric name".into()));
        }
        let declared = out.types.iter().any(|(family, kind)| {
            suffixes(kind)
                .iter()
                .any(|s| name.strip_suffix(s) == Some(family.as_str()))
        });
        if !declared {
            return Err(at("sample of no declared family".into()));
        }
        if out.samples.insert(series.to_string(), value).is_some() {
            return Err(at("sample repeated".into()));
        }
    }
    Ok(out)
}
