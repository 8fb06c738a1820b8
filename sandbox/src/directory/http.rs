//! The People API route the sandbox serves: `GET /v1/people:searchDirectoryPeople` (see the
//! module above for Google's reference). `sources` may repeat (`sources=A&sources=B`), so the
//! query string is read by hand. Errors use the gRPC-transcoded shape Google's v1 APIs answer
//! with (`INVALID_ARGUMENT`).

use super::{search, Search};
use crate::call::{AppState, Reply};
use crate::error::ApiError;
use axum::extract::{RawQuery, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::get;
use axum::Router;

pub fn routes() -> Router<AppState> {
    Router::new().route("/v1/people:searchDirectoryPeople", get(search_directory))
}

fn parse(raw: Option<&str>) -> Result<Search, ApiError> {
    let mut s = Search::default();
    for (k, v) in url::form_urlencoded::parse(raw.unwrap_or("").as_bytes()) {
        match k.as_ref() {
            "query" => s.query = Some(v.into_owned()),
            "readMask" => s.read_mask = Some(v.into_owned()),
            "sources" => s.sources.push(v.into_owned()),
            "pageSize" => {
                let n = v.parse::<i64>().map_err(|_| {
                    ApiError::invalid_argument(format!(
                        "Invalid value at 'page_size' (TYPE_INT32), \"{v}\""
                    ))
                })?;
                s.page_size = Some(n);
            }
            _ => {}
        }
    }
    Ok(s)
}

async fn search_directory(
    State(s): State<AppState>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Response {
    s.call(
        "people.people.searchDirectoryPeople",
        &headers,
        move |w, caller| {
            let request = parse(raw.as_deref())?;
            let answer = search(w.users.values(), &caller.email, &request)
                .map_err(|e| ApiError::invalid_argument(e.0))?;
            Ok(Reply::Json(answer))
        },
    )
    .await
}
