//! Parsing of the `multipart/related` body of a Drive upload (`uploadType=multipart`): a JSON
//! metadata part followed by the media part, as the generated client's `MultiPartReader` and
//! Google's other client libraries write it.

/// One part: its `Content-Type` (lower-cased, parameters kept) and its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    pub content_type: Option<String>,
    pub body: Vec<u8>,
}

/// Why a multipart body was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MultipartError {
    #[error("Content-Type must be multipart/related with a boundary, got '{0}'")]
    NotMultipart(String),
    #[error("the body does not contain the boundary '{0}'")]
    NoBoundary(String),
    #[error("a part has no blank line between its headers and its body")]
    NoHeaderEnd,
}

/// The `boundary` parameter of a `multipart/related` content type.
pub fn boundary(content_type: &str) -> Result<String, MultipartError> {
    let lower = content_type.to_ascii_lowercase();
    if !lower.trim_start().starts_with("multipart/") {
        return Err(MultipartError::NotMultipart(content_type.to_string()));
    }
    content_type
        .split(';')
        .filter_map(|p| p.split_once('='))
        .find(|(k, _)| k.trim().eq_ignore_ascii_case("boundary"))
        .map(|(_, v)| v.trim().trim_matches('"').to_string())
        .filter(|b| !b.is_empty())
        .ok_or_else(|| MultipartError::NotMultipart(content_type.to_string()))
}

fn find(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    if needle.is_empty() {
        return None;
    }
    hay.get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| p + from)
}

/// Splits `body` into its parts.
pub fn parse(content_type: &str, body: &[u8]) -> Result<Vec<Part>, MultipartError> {
    let b = boundary(content_type)?;
    let delimiter = format!("--{b}").into_bytes();
    let mut pos = find(body, &delimiter, 0).ok_or_else(|| MultipartError::NoBoundary(b.clone()))?;
    let mut parts = Vec::new();
    loop {
        pos += delimiter.len();
        // `--` after the delimiter closes the body.
        if body.get(pos..pos + 2) == Some(b"--") {
            return Ok(parts);
        }
        let Some(next) = find(body, &delimiter, pos) else {
            // No closing delimiter: tolerate a truncated epilogue.
            return Ok(parts);
        };
        let raw = body.get(pos..next).unwrap_or_default();
        let raw = raw
            .strip_prefix(b"\r\n")
            .or_else(|| raw.strip_prefix(b"\n"))
            .unwrap_or(raw);
        let (head_end, sep_len) = match find(raw, b"\r\n\r\n", 0) {
            Some(i) => (i, 4),
            None if raw.starts_with(b"\r\n") => (0, 2),
            None => match find(raw, b"\n\n", 0) {
                Some(i) => (i, 2),
                None => return Err(MultipartError::NoHeaderEnd),
            },
        };
        let head = String::from_utf8_lossy(raw.get(..head_end).unwrap_or_default());
        let mut content = raw.get(head_end + sep_len..).unwrap_or_default();
        // The line break before the next delimiter belongs to the delimiter.
        content = content
            .strip_suffix(b"\r\n")
            .or_else(|| content.strip_suffix(b"\n"))
            .unwrap_or(content);
        let content_type = head
            .lines()
            .filter_map(|l| l.split_once(':'))
            .find(|(k, _)| k.trim().eq_ignore_ascii_case("content-type"))
            .map(|(_, v)| v.trim().to_ascii_lowercase());
        parts.push(Part {
            content_type,
            body: content.to_vec(),
        });
        pos = next;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const CT: &str = "multipart/related;boundary=MDuXWGyeE33QFXGchb2VFWc4Z7945d";

    #[test]
    fn parses_what_the_generated_client_sends() {
        let body = "\r\n--MDuXWGyeE33QFXGchb2VFWc4Z7945d\r\ncontent-type: application/json\r\ncontent-length: 15\r\n\r\n{\"name\":\"a\\r\"}\r\n--MDuXWGyeE33QFXGchb2VFWc4Z7945d\r\ncontent-type: text/plain\r\ncontent-length: 0\r\n\r\n\r\n--MDuXWGyeE33QFXGchb2VFWc4Z7945d--\r\n";
        let parts = parse(CT, body.as_bytes()).unwrap();
        assert_eq!(parts.len(), 2);
        assert_eq!(parts[0].content_type.as_deref(), Some("application/json"));
        assert_eq!(parts[0].body, br#"{"name":"a\r"}"#);
        assert_eq!(parts[1].content_type.as_deref(), Some("text/plain"));
        assert!(parts[1].body.is_empty());
    }

    #[test]
    fn keeps_binary_media_intact() {
        let media = b"line1\r\nline2\r\n\r\n--not-the-boundary";
        let mut body = b"--xyz\r\nContent-Type: application/json\r\n\r\n{}\r\n--xyz\r\nContent-Type: application/octet-stream\r\n\r\n".to_vec();
        body.extend_from_slice(media);
        body.extend_from_slice(b"\r\n--xyz--");
        let parts = parse("multipart/related; boundary=\"xyz\"", &body).unwrap();
        assert_eq!(parts[1].body, media);
    }

    #[test]
    fn refuses_non_multipart() {
        assert!(parse("application/json", b"{}").is_err());
        assert!(parse("multipart/related", b"").is_err());
        assert!(parse(CT, b"no boundary here").is_err());
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(128))]
        #[test]
        fn never_panics(body in proptest::collection::vec(any::<u8>(), 0..200)) {
            let _ = parse("multipart/related; boundary=ab", &body);
            let mut framed = b"--ab\r\n".to_vec();
            framed.extend_from_slice(&body);
            let _ = parse("multipart/related; boundary=ab", &framed);
        }
    }
}
