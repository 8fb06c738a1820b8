//! Placeholder: the admin helper replaces this file with the `/_sandbox/` test controls.

pub fn routes() -> axum::Router<super::AppState> {
    axum::Router::new()
}
