//! Example 3: state management.
//!
//! One `AppState` behind one `Arc`, handed to the router with
//! `with_state`. Each piece of state uses the tool that fits its access
//! pattern: a SQLx pool for persistent data, a `std::sync::Mutex` for hot
//! counters, a `tokio::sync::RwLock` for a cache that is refilled from the
//! database, and an actor (`mpsc` + `oneshot`) for an ordered audit log.

pub mod audit;
pub mod db;
pub mod kv;

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use axum::{
    Json, Router,
    extract::{Path, Query, State},
    http::StatusCode,
    routing::{get, post},
};
use serde::{Deserialize, Serialize};
use sqlx::SqlitePool;
use tokio::sync::RwLock;

use crate::audit::{AuditEvent, AuditLog};

#[derive(
    Debug, Clone, PartialEq, Eq, Serialize, Deserialize, sqlx::FromRow,
)]
pub struct User {
    pub id: i64,
    pub name: String,
    pub email: String,
}

#[derive(Debug, Deserialize)]
pub struct NewUser {
    pub name: String,
    pub email: String,
}

#[derive(
    Debug, Clone, PartialEq, Eq, Serialize, Deserialize, sqlx::FromRow,
)]
pub struct Settings {
    pub motd: String,
    pub max_upload_mb: i64,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct PageViews {
    pub page: String,
    pub views: u64,
}

// ANCHOR: app-state
/// Everything the handlers share, built once at startup.
#[derive(Debug)]
pub struct AppState {
    /// Persistent data. A pool is already shareable: it is an `Arc` inside.
    pub db: SqlitePool,
    /// Hot counters, updated in short synchronous sections: `std` Mutex.
    pub page_views: Mutex<HashMap<String, u64>>,
    /// Settings cache, refilled from the database while the write lock is
    /// held across an `.await`: that needs Tokio's async RwLock.
    pub settings: RwLock<Option<Settings>>,
    /// Ordered audit log owned by one task: an actor.
    pub audit: AuditLog,
    /// How often the settings were loaded from the database (tests).
    pub settings_loads: AtomicU64,
}
// ANCHOR_END: app-state

impl AppState {
    /// Must be called inside a Tokio runtime (it spawns the audit actor).
    pub fn new(db: SqlitePool) -> Self {
        Self {
            db,
            page_views: Mutex::default(),
            settings: RwLock::new(None),
            audit: AuditLog::spawn(1_000),
            settings_loads: AtomicU64::new(0),
        }
    }

    // ANCHOR: settings-cache
    /// Cached settings. On a miss exactly one request loads them: the
    /// others wait on the lock instead of all hitting the database.
    pub async fn settings(&self) -> Result<Settings, sqlx::Error> {
        if let Some(cached) = self.settings.read().await.as_ref() {
            return Ok(cached.clone());
        }
        let mut slot = self.settings.write().await;
        if let Some(cached) = slot.as_ref() {
            return Ok(cached.clone()); // filled while we waited for the lock
        }
        let loaded: Settings = sqlx::query_as(
            "SELECT motd, max_upload_mb FROM settings WHERE id = 1",
        )
        .fetch_one(&self.db)
        .await?; // the write guard is held across this .await
        self.settings_loads.fetch_add(1, Ordering::Relaxed);
        *slot = Some(loaded.clone());
        Ok(loaded)
    }
    // ANCHOR_END: settings-cache

    /// Writes through to the database; readers never see a stale cache
    /// because the write lock is held until the cache is updated.
    pub async fn update_settings(
        &self,
        new: Settings,
    ) -> Result<(), sqlx::Error> {
        let mut slot = self.settings.write().await;
        sqlx::query(
            "UPDATE settings SET motd = ?, max_upload_mb = ? WHERE id = 1",
        )
        .bind(&new.motd)
        .bind(new.max_upload_mb)
        .execute(&self.db)
        .await?;
        *slot = Some(new);
        Ok(())
    }
}

// ANCHOR: router
/// `State<Arc<AppState>>`: every request gets a pointer, never a copy.
pub fn app(state: Arc<AppState>) -> Router {
    Router::new()
        .route("/users", post(create_user))
        .route("/users/{id}", get(get_user))
        .route("/pages/{name}/views", post(count_view))
        .route("/settings", get(get_settings).put(put_settings))
        .route("/audit", get(recent_audit))
        .with_state(state)
}
// ANCHOR_END: router

// ANCHOR: logger
/// The logger `main` installs: human-readable lines on standard output,
/// `INFO` and above, without colour codes (plain text in files and tests).
pub fn logger() -> tracing_subscriber::fmt::SubscriberBuilder {
    tracing_subscriber::fmt()
        .with_max_level(tracing::Level::INFO)
        .with_ansi(false)
}
// ANCHOR_END: logger

/// Logs the cause (through the logger `main` installs) and answers 500.
/// Chapter 4 replaces this with a typed error.
fn internal_error(err: impl std::fmt::Display) -> StatusCode {
    tracing::error!("request failed: {err}");
    StatusCode::INTERNAL_SERVER_ERROR
}

// ANCHOR: create-user
async fn create_user(
    State(state): State<Arc<AppState>>,
    Json(new): Json<NewUser>,
) -> Result<(StatusCode, Json<User>), StatusCode> {
    let user: User = sqlx::query_as(
        "INSERT INTO users (name, email) VALUES (?, ?) \
         RETURNING id, name, email",
    )
    .bind(&new.name)
    .bind(&new.email)
    .fetch_one(&state.db) // the pool hands out a connection
    .await
    .map_err(internal_error)?;
    let event = format!("created user {}", user.id);
    state.audit.record(event).await.map_err(internal_error)?;
    Ok((StatusCode::CREATED, Json(user)))
}
// ANCHOR_END: create-user

// ANCHOR: get-user
async fn get_user(
    State(state): State<Arc<AppState>>,
    Path(id): Path<i64>,
) -> Result<Json<User>, StatusCode> {
    let user: Option<User> =
        sqlx::query_as("SELECT id, name, email FROM users WHERE id = ?")
            .bind(id)
            .fetch_optional(&state.db)
            .await
            .map_err(internal_error)?;
    user.map(Json).ok_or(StatusCode::NOT_FOUND)
}
// ANCHOR_END: get-user

// ANCHOR: mutex-handler
async fn count_view(
    State(state): State<Arc<AppState>>,
    Path(page): Path<String>,
) -> Json<PageViews> {
    let views = {
        let mut counts =
            state.page_views.lock().unwrap_or_else(PoisonError::into_inner);
        let views = counts.entry(page.clone()).or_insert(0);
        *views += 1;
        *views
    }; // the guard is dropped here, before anything could .await
    Json(PageViews { page, views })
}
// ANCHOR_END: mutex-handler

// ANCHOR: settings-handlers
async fn get_settings(
    State(state): State<Arc<AppState>>,
) -> Result<Json<Settings>, StatusCode> {
    state.settings().await.map(Json).map_err(internal_error)
}

async fn put_settings(
    State(state): State<Arc<AppState>>,
    Json(new): Json<Settings>,
) -> Result<StatusCode, StatusCode> {
    state.update_settings(new).await.map_err(internal_error)?;
    state.audit.record("settings changed").await.map_err(internal_error)?;
    Ok(StatusCode::NO_CONTENT)
}
// ANCHOR_END: settings-handlers

#[derive(Debug, Deserialize)]
struct AuditQuery {
    limit: Option<usize>,
}

// ANCHOR: actor-handler
async fn recent_audit(
    State(state): State<Arc<AppState>>,
    Query(query): Query<AuditQuery>,
) -> Result<Json<Vec<AuditEvent>>, StatusCode> {
    let limit = query.limit.unwrap_or(20).min(100);
    state.audit.recent(limit).await.map(Json).map_err(internal_error)
}
// ANCHOR_END: actor-handler
