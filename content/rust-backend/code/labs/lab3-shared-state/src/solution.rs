//! Lab 3, solved: page-view counters that every request shares.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use axum::{
    Json, Router,
    extract::{Path, State},
    routing::post,
};

// ANCHOR: solution
/// Cloned per request, but every clone points at the same map: an `Arc`
/// around a `std` mutex, locked only for the map operations (no `.await`
/// while it is held).
// ANCHOR: shared
#[derive(Debug, Clone, Default)]
pub struct AppState {
    views: Arc<Mutex<HashMap<String, u64>>>,
}

async fn count_view(
    State(state): State<AppState>,
    Path(page): Path<String>,
) -> Json<u64> {
    let mut views = state.views();
    let count = views.entry(page).or_insert(0);
    *count += 1;
    Json(*count) // the guard drops at the end: nothing awaits after it
}
// ANCHOR_END: shared

/// The lock, taken only for a map operation (poisoning cannot leave the
/// map half-updated: recover it).
impl AppState {
    fn views(&self) -> std::sync::MutexGuard<'_, HashMap<String, u64>> {
        self.views.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

async fn views(
    State(state): State<AppState>,
    Path(page): Path<String>,
) -> Json<u64> {
    Json(state.views().get(&page).copied().unwrap_or(0))
}

/// `POST /pages/{page}/views` counts a view and answers the new count;
/// `GET` on the same path answers the count without changing it.
pub fn app() -> Router {
    Router::new()
        .route("/pages/{page}/views", post(count_view).get(views))
        .with_state(AppState::default())
}
// ANCHOR_END: solution
