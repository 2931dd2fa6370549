//! Lab 4, solved: database errors mapped to the right HTTP status.

use axum::{
    Json, Router,
    extract::{Path, State},
    http::StatusCode,
    response::{IntoResponse, Response},
    routing::{get, post},
};
use serde::{Deserialize, Serialize};
use sqlx::SqlitePool;
use sqlx::sqlite::SqlitePoolOptions;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("not found")]
    NotFound,
    #[error("already exists")]
    Conflict,
    #[error("internal server error")]
    Internal(#[source] sqlx::Error),
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let (status, code) = match &self {
            Self::NotFound => (StatusCode::NOT_FOUND, "not_found"),
            Self::Conflict => (StatusCode::CONFLICT, "conflict"),
            Self::Internal(_) => {
                (StatusCode::INTERNAL_SERVER_ERROR, "internal")
            }
        };
        let body =
            serde_json::json!({ "code": code, "message": self.to_string() });
        (status, Json(body)).into_response()
    }
}

// ANCHOR: solution
impl From<sqlx::Error> for AppError {
    fn from(err: sqlx::Error) -> Self {
        match &err {
            sqlx::Error::RowNotFound => Self::NotFound,
            sqlx::Error::Database(db) if db.is_unique_violation() => {
                Self::Conflict
            }
            _ => Self::Internal(err),
        }
    }
}
// ANCHOR_END: solution

#[derive(Debug, Serialize, Deserialize, sqlx::FromRow)]
pub struct User {
    pub id: i64,
    pub email: String,
}

#[derive(Debug, Deserialize)]
pub struct NewUser {
    pub email: String,
}

/// The router and its pool (one in-memory SQLite connection).
pub async fn app() -> Result<(Router, SqlitePool), sqlx::Error> {
    let pool = SqlitePoolOptions::new()
        .max_connections(1)
        .min_connections(1)
        .idle_timeout(None)
        .max_lifetime(None)
        .connect("sqlite::memory:")
        .await?;
    sqlx::query(
        "CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL UNIQUE)",
    )
    .execute(&pool)
    .await?;
    let router = Router::new()
        .route("/users", post(create_user))
        .route("/users/{id}", get(get_user))
        .with_state(pool.clone());
    Ok((router, pool))
}

async fn create_user(
    State(pool): State<SqlitePool>,
    Json(new): Json<NewUser>,
) -> Result<(StatusCode, Json<User>), AppError> {
    let user = sqlx::query_as(
        "INSERT INTO users (email) VALUES (?) RETURNING id, email",
    )
    .bind(&new.email)
    .fetch_one(&pool)
    .await?;
    Ok((StatusCode::CREATED, Json(user)))
}

async fn get_user(
    State(pool): State<SqlitePool>,
    Path(id): Path<i64>,
) -> Result<Json<User>, AppError> {
    let user = sqlx::query_as("SELECT id, email FROM users WHERE id = ?")
        .bind(id)
        .fetch_one(&pool)
        .await?;
    Ok(Json(user))
}
