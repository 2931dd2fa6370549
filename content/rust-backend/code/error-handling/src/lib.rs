//! Example 4: error handling.
//!
//! Handlers return `Result<_, AppError>` and use `?` on everything: JSON
//! parsing, validation and every SQLx call. `AppError` turns itself into a
//! status code and a JSON body in exactly one place.

pub mod error;

use axum::{
    Json, Router,
    extract::{Path, State},
    http::StatusCode,
    routing::{get, post, put},
};
use serde::{Deserialize, Serialize};
use sqlx::SqlitePool;

pub use crate::error::{AppError, AppJson, ErrorBody};

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

// ANCHOR: validate
impl NewUser {
    /// Trims and checks the input; deliberately simple rules.
    fn validate(self) -> Result<Self, AppError> {
        let name = self.name.trim().to_owned();
        if name.is_empty() {
            return Err(AppError::Invalid("name must not be empty".into()));
        }
        Ok(Self { name, email: normalise_email(&self.email)? })
    }
}
// ANCHOR_END: validate

// ANCHOR: normalise-email
fn normalise_email(raw: &str) -> Result<String, AppError> {
    let email = raw.trim().to_lowercase();
    match email.split_once('@') {
        Some((local, domain)) if !local.is_empty() && domain.contains('.') => {
            Ok(email)
        }
        _ => {
            Err(AppError::Invalid(format!("{email:?} is not an email address")))
        }
    }
}
// ANCHOR_END: normalise-email

#[derive(Debug, Deserialize)]
pub struct NewEmail {
    pub email: String,
}

pub mod db {
    //! Pool and migration, as in Example 3.
    use sqlx::SqlitePool;
    use sqlx::sqlite::SqlitePoolOptions;

    pub async fn in_memory_pool() -> Result<SqlitePool, sqlx::Error> {
        let pool = SqlitePoolOptions::new()
            .max_connections(1)
            .min_connections(1)
            .idle_timeout(None)
            .max_lifetime(None)
            .connect("sqlite::memory:")
            .await?;
        sqlx::migrate!().run(&pool).await?;
        Ok(pool)
    }
}

// ANCHOR: router
pub fn app(pool: SqlitePool) -> Router {
    Router::new()
        .route("/users", post(create_user))
        .route("/users/{id}", get(get_user).delete(delete_user))
        .route("/users/{id}/email", put(change_email))
        .with_state(pool)
}
// ANCHOR_END: router

// ANCHOR: create-user
async fn create_user(
    State(pool): State<SqlitePool>,
    AppJson(new): AppJson<NewUser>, // bad JSON -> AppError::BadJson
) -> Result<(StatusCode, Json<User>), AppError> {
    let new = new.validate()?; // -> AppError::Invalid (422)
    let user: User = sqlx::query_as(
        "INSERT INTO users (name, email) VALUES (?, ?) \
         RETURNING id, name, email",
    )
    .bind(&new.name)
    .bind(&new.email)
    .fetch_one(&pool)
    .await?; // duplicate email -> AppError::Conflict (409)
    Ok((StatusCode::CREATED, Json(user)))
}
// ANCHOR_END: create-user

// ANCHOR: get-user
async fn get_user(
    State(pool): State<SqlitePool>,
    Path(id): Path<i64>,
) -> Result<Json<User>, AppError> {
    let user = sqlx::query_as("SELECT id, name, email FROM users WHERE id = ?")
        .bind(id)
        .fetch_one(&pool)
        .await?; // no row -> sqlx::Error::RowNotFound -> 404
    Ok(Json(user))
}
// ANCHOR_END: get-user

// ANCHOR: change-email
async fn change_email(
    State(pool): State<SqlitePool>,
    Path(id): Path<i64>,
    AppJson(body): AppJson<NewEmail>,
) -> Result<Json<User>, AppError> {
    let email = normalise_email(&body.email)?;
    let user = sqlx::query_as(
        "UPDATE users SET email = ? WHERE id = ? RETURNING id, name, email",
    )
    .bind(&email)
    .bind(id)
    .fetch_one(&pool)
    .await?; // unknown id -> 404, e-mail taken -> 409: same `?`
    Ok(Json(user))
}
// ANCHOR_END: change-email

// ANCHOR: delete-user
async fn delete_user(
    State(pool): State<SqlitePool>,
    Path(id): Path<i64>,
) -> Result<StatusCode, AppError> {
    let result = sqlx::query("DELETE FROM users WHERE id = ?")
        .bind(id)
        .execute(&pool)
        .await?;
    if result.rows_affected() == 0 {
        return Err(AppError::NotFound("user"));
    }
    Ok(StatusCode::NO_CONTENT)
}
// ANCHOR_END: delete-user
