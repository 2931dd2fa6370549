//! Lab 1: a statistics route for Example 1's to-do API.

use axum::Router;
use rest_api::Store;
use serde::Serialize;

// ANCHOR: task
/// What `GET /todos/stats` answers: `{"total": 3, "done": 1}`.
#[derive(Debug, Serialize)]
pub struct Stats {
    pub total: usize,
    pub done: usize,
}

/// Example 1's routes plus `GET /todos/stats`.
pub fn app(store: Store) -> Router {
    // TODO: serve GET /todos/stats: count the to-dos in the store and
    // those that are done. Hint: a second Router with its own route and
    // `with_state(store.clone())`, merged with `rest_api::app(store)`.
    rest_api::app(store)
}
// ANCHOR_END: task
