//! Placeholder: the docs helper replaces this file.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct DocsState {}

pub fn routes() -> axum::Router<super::AppState> {
    axum::Router::new()
}
