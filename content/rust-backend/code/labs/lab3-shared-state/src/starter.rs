//! Lab 3: page-view counters that every request shares.

use std::collections::HashMap;

use axum::{
    Json, Router,
    extract::{Path, State},
    routing::post,
};

// ANCHOR: task
/// TODO: every request gets its own clone of this state, so each one
/// counts in a private copy of the map and every answer is 1. Make the
/// map shared (and safe to update from several threads), keeping the
/// lock only for the map operations.
#[derive(Debug, Clone, Default)]
pub struct AppState {
    views: HashMap<String, u64>,
}

/// `POST /pages/{page}/views` counts a view and answers the new count;
/// `GET` on the same path answers the count without changing it.
pub fn app() -> Router {
    Router::new()
        .route("/pages/{page}/views", post(count_view).get(views))
        .with_state(AppState::default())
}

async fn count_view(
    State(mut state): State<AppState>,
    Path(page): Path<String>,
) -> Json<u64> {
    let views = state.views.entry(page).or_insert(0);
    *views += 1;
    Json(*views)
}

async fn views(
    State(state): State<AppState>,
    Path(page): Path<String>,
) -> Json<u64> {
    Json(state.views.get(&page).copied().unwrap_or(0))
}
// ANCHOR_END: task
