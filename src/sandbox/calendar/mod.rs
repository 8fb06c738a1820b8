//! Placeholder: the calendar helper replaces this file.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct CalendarState {}

pub fn routes() -> axum::Router<super::AppState> {
    axum::Router::new()
}
