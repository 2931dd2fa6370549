//! Lab 1, solved: a statistics route for Example 1's to-do API.

use axum::{Json, Router, extract::State, routing::get};
use rest_api::Store;
use serde::Serialize;

/// What `GET /todos/stats` answers: `{"total": 3, "done": 1}`.
#[derive(Debug, Serialize)]
pub struct Stats {
    pub total: usize,
    pub done: usize,
}

// ANCHOR: solution
/// Example 1's routes plus `GET /todos/stats`. A static segment wins over
/// `/todos/{id}`, so `stats` is never parsed as an id.
pub fn app(store: Store) -> Router {
    Router::new()
        .route("/todos/stats", get(stats))
        .with_state(store.clone())
        .merge(rest_api::app(store))
}

async fn stats(State(store): State<Store>) -> Json<Stats> {
    let todos = store.list();
    let done = todos.iter().filter(|todo| todo.done).count();
    Json(Stats { total: todos.len(), done })
}
// ANCHOR_END: solution
