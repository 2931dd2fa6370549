//! Example 1: a small REST API with Axum.
//!
//! A router, five handlers, JSON in and out and an in-memory store that all
//! handlers share. `main.rs` binds a TCP listener and serves this router with
//! graceful shutdown.

use std::collections::BTreeMap;
use std::sync::{Arc, PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard};

use axum::{
    Json, Router,
    extract::{Path, State},
    http::{StatusCode, header},
    response::IntoResponse,
    routing::get,
};
use serde::{Deserialize, Serialize};

/// A to-do item, as stored and as returned by the API.
// ANCHOR: model
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Todo {
    pub id: u64,
    pub title: String,
    pub done: bool,
}

#[derive(Debug, Deserialize)]
pub struct CreateTodo {
    pub title: String,
}

#[derive(Debug, Default, Deserialize)]
pub struct UpdateTodo {
    // PATCH: every field is optional
    pub title: Option<String>,
    pub done: Option<bool>,
}
// ANCHOR_END: model

// ANCHOR: store
/// The in-memory store every handler shares.
///
/// Cloning a `Store` copies an `Arc`, not the data: Axum clones the state
/// for every request, so this must stay cheap.
#[derive(Debug, Clone, Default)]
pub struct Store {
    inner: Arc<RwLock<Inner>>,
}

#[derive(Debug, Default)]
struct Inner {
    next_id: u64,
    todos: BTreeMap<u64, Todo>,
}
// ANCHOR_END: store

// ANCHOR: store-impl
impl Store {
    /// Adds a to-do and returns it with its new id.
    pub fn insert(&self, title: String) -> Todo {
        let mut inner = self.write();
        inner.next_id += 1;
        let todo = Todo { id: inner.next_id, title, done: false };
        inner.todos.insert(todo.id, todo.clone());
        todo
    }

    pub fn get(&self, id: u64) -> Option<Todo> {
        self.read().todos.get(&id).cloned()
    }

    pub fn list(&self) -> Vec<Todo> {
        self.read().todos.values().cloned().collect()
    }

    /// Applies the fields that are present; `None` if there is no such id.
    pub fn update(&self, id: u64, patch: UpdateTodo) -> Option<Todo> {
        let mut inner = self.write();
        let todo = inner.todos.get_mut(&id)?;
        if let Some(title) = patch.title {
            todo.title = title;
        }
        if let Some(done) = patch.done {
            todo.done = done;
        }
        Some(todo.clone())
    }

    /// `true` if a to-do was removed.
    pub fn remove(&self, id: u64) -> bool {
        self.write().todos.remove(&id).is_some()
    }
}
// ANCHOR_END: store-impl

// ANCHOR: lock-helpers
// The guards live only inside the store's synchronous methods, so no
// guard is ever held across an `.await`. A panic while the lock was held
// "poisons" it; the data is still consistent here, so we carry on.
impl Store {
    fn read(&self) -> RwLockReadGuard<'_, Inner> {
        self.inner.read().unwrap_or_else(PoisonError::into_inner)
    }

    fn write(&self) -> RwLockWriteGuard<'_, Inner> {
        self.inner.write().unwrap_or_else(PoisonError::into_inner)
    }
}
// ANCHOR_END: lock-helpers

// ANCHOR: router
/// Builds the application: every route, with the store as shared state.
pub fn app(store: Store) -> Router {
    Router::new()
        .route("/health", get(health))
        .route("/todos", get(list_todos).post(create_todo))
        .route(
            "/todos/{id}",
            get(get_todo).patch(update_todo).delete(delete_todo),
        )
        .with_state(store)
}
// ANCHOR_END: router

async fn health() -> &'static str {
    "ok"
}

// ANCHOR: handlers
async fn list_todos(State(store): State<Store>) -> Json<Vec<Todo>> {
    Json(store.list())
}

async fn get_todo(
    State(store): State<Store>,
    Path(id): Path<u64>,
) -> Result<Json<Todo>, StatusCode> {
    store.get(id).map(Json).ok_or(StatusCode::NOT_FOUND)
}
// ANCHOR_END: handlers

// ANCHOR: create
async fn create_todo(
    State(store): State<Store>,
    Json(input): Json<CreateTodo>,
) -> Result<impl IntoResponse, (StatusCode, &'static str)> {
    let title = input.title.trim();
    if title.is_empty() {
        return Err((
            StatusCode::UNPROCESSABLE_ENTITY,
            "title must not be empty",
        ));
    }
    let todo = store.insert(title.to_owned());
    let location = format!("/todos/{}", todo.id);
    Ok((StatusCode::CREATED, [(header::LOCATION, location)], Json(todo)))
}
// ANCHOR_END: create

// ANCHOR: update-delete
async fn update_todo(
    State(store): State<Store>,
    Path(id): Path<u64>,
    Json(patch): Json<UpdateTodo>,
) -> Result<Json<Todo>, StatusCode> {
    store.update(id, patch).map(Json).ok_or(StatusCode::NOT_FOUND)
}

async fn delete_todo(
    State(store): State<Store>,
    Path(id): Path<u64>,
) -> StatusCode {
    if store.remove(id) {
        StatusCode::NO_CONTENT
    } else {
        StatusCode::NOT_FOUND
    }
}
// ANCHOR_END: update-delete
