//! Walking the pages of a list call: every list the adapters make is followed to its last page
//! in the same loop, so that loop and its guard against a server that hands out the same page
//! token twice are written once.

use std::future::Future;

use super::errors::GoogleError;

/// Every page of one list, concatenated. `fetch` asks for one page (`None`: the first) and
/// returns its items and the next page's token; the walk ends on the page without one.
/// `method` (e.g. `"files.list"`) names the call in the error for a repeated token.
pub(crate) async fn all_pages<T, F, Fut>(method: &str, mut fetch: F) -> Result<Vec<T>, GoogleError>
where
    F: FnMut(Option<String>) -> Fut,
    Fut: Future<Output = Result<(Vec<T>, Option<String>), GoogleError>>,
{
    let mut all = Vec::new();
    let mut page_token: Option<String> = None;
    loop {
        let (items, next) = fetch(page_token.clone()).await?;
        all.extend(items);
        page_token = next_page(page_token, next, method)?;
        if page_token.is_none() {
            return Ok(all);
        }
    }
}

/// The next page token, refusing one that repeats the current one (a server bug that would
/// otherwise loop forever).
pub(crate) fn next_page(
    current: Option<String>,
    next: Option<String>,
    method: &str,
) -> Result<Option<String>, GoogleError> {
    match next {
        Some(n) if current.as_deref() == Some(n.as_str()) => Err(GoogleError::Permanent {
            code: None,
            reason: Some("pageTokenLoop".into()),
            message: format!("{method} returned page token {n:?} twice"),
        }),
        other => Ok(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_page_refuses_a_repeated_token() {
        assert_eq!(next_page(None, Some("a".into()), "m"), Ok(Some("a".into())));
        assert_eq!(next_page(Some("a".into()), None, "m"), Ok(None));
        assert!(next_page(Some("a".into()), Some("a".into()), "m").is_err());
    }

    /// Walks a list serving `pages` (items, next token) in order, repeating the last one, and
    /// returns the walk's result and the tokens each page was asked with.
    async fn walk(
        pages: &[(&[u32], Option<&str>)],
    ) -> (Result<Vec<u32>, GoogleError>, Vec<Option<String>>) {
        let mut asked = Vec::new();
        let mut at = 0;
        let result = all_pages("things.list", |token| {
            asked.push(token);
            let (items, next) = pages[at.min(pages.len() - 1)];
            at += 1;
            async move { Ok((items.to_vec(), next.map(str::to_string))) }
        })
        .await;
        (result, asked)
    }

    #[tokio::test]
    async fn all_pages_follows_tokens_to_the_last_page() {
        let (result, asked) = walk(&[(&[1, 2], Some("p1")), (&[3], Some("p2")), (&[], None)]).await;
        assert_eq!(result, Ok(vec![1, 2, 3]));
        assert_eq!(asked, vec![None, Some("p1".into()), Some("p2".into())]);
    }

    #[tokio::test]
    async fn all_pages_stops_at_a_repeated_token() {
        let (result, asked) = walk(&[(&[1], Some("p1")), (&[2], Some("p1"))]).await;
        let Err(GoogleError::Permanent {
            reason, message, ..
        }) = result
        else {
            panic!("expected a permanent error, got {result:?}");
        };
        assert_eq!(reason.as_deref(), Some("pageTokenLoop"));
        assert_eq!(message, "things.list returned page token \"p1\" twice");
        assert_eq!(asked.len(), 2);
    }

    #[tokio::test]
    async fn all_pages_passes_a_failed_page_on() {
        let result: Result<Vec<u32>, GoogleError> = all_pages("things.list", |_| async {
            Err(GoogleError::NotFound {
                message: "gone".into(),
            })
        })
        .await;
        assert_eq!(
            result,
            Err(GoogleError::NotFound {
                message: "gone".into()
            })
        );
    }
}
