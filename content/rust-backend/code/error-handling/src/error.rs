//! The one error type of the service, and how it becomes an HTTP response.

use axum::{
    Json,
    extract::{FromRequest, Request, rejection::JsonRejection},
    http::{StatusCode, header},
    response::{IntoResponse, Response},
};
use serde::{Deserialize, Serialize};

// ANCHOR: error-enum
/// Everything a handler can fail with. Each variant knows its HTTP status.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("{0} not found")]
    NotFound(&'static str),
    #[error("{0}")]
    Conflict(&'static str),
    #[error("{0}")]
    Invalid(String),
    #[error(transparent)]
    BadJson(#[from] JsonRejection),
    /// No connection free in time: overloaded, not broken.
    #[error("service busy, try again")]
    Unavailable(#[source] sqlx::Error),
    /// Anything else from the database: logged, never shown to the client.
    #[error("internal server error")]
    Database(#[source] sqlx::Error),
}
// ANCHOR_END: error-enum

// ANCHOR: from-sqlx
/// `?` on any SQLx call lands here: the mapping lives in one place.
impl From<sqlx::Error> for AppError {
    fn from(err: sqlx::Error) -> Self {
        match &err {
            sqlx::Error::RowNotFound => Self::NotFound("record"),
            sqlx::Error::Database(db) if db.is_unique_violation() => {
                Self::Conflict("a record with this value already exists")
            }
            sqlx::Error::PoolTimedOut => Self::Unavailable(err),
            _ => Self::Database(err),
        }
    }
}
// ANCHOR_END: from-sqlx

// ANCHOR: error-body
/// The JSON body of every error response.
#[derive(Debug, Serialize, Deserialize)]
pub struct ErrorBody {
    /// Stable, machine-readable: clients branch on this.
    pub code: String,
    /// Human-readable: may change between releases.
    pub message: String,
}
// ANCHOR_END: error-body

// ANCHOR: into-response
impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let (status, code) = match &self {
            Self::NotFound(_) => (StatusCode::NOT_FOUND, "not_found"),
            Self::Conflict(_) => (StatusCode::CONFLICT, "conflict"),
            Self::Invalid(_) => (StatusCode::UNPROCESSABLE_ENTITY, "invalid"),
            Self::BadJson(rejection) => (rejection.status(), "invalid_json"),
            Self::Unavailable(_) => (StatusCode::SERVICE_UNAVAILABLE, "busy"),
            Self::Database(err) => {
                tracing::error!(error = %err, "database error");
                (StatusCode::INTERNAL_SERVER_ERROR, "internal")
            }
        };
        let body = ErrorBody { code: code.into(), message: self.to_string() };
        let retry = (code == "busy").then_some([(header::RETRY_AFTER, "1")]);
        (status, retry, Json(body)).into_response()
    }
}
// ANCHOR_END: into-response

/// `Json<T>`, except that a bad body becomes an `AppError` (JSON body)
/// instead of Axum's plain-text rejection.
// ANCHOR: app-json
#[derive(Debug)]
pub struct AppJson<T>(pub T);

impl<S, T> FromRequest<S> for AppJson<T>
where
    Json<T>: FromRequest<S, Rejection = JsonRejection>,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request(
        req: Request,
        state: &S,
    ) -> Result<Self, Self::Rejection> {
        let Json(value) = Json::<T>::from_request(req, state).await?;
        Ok(Self(value))
    }
}
// ANCHOR_END: app-json

impl<T: Serialize> IntoResponse for AppJson<T> {
    fn into_response(self) -> Response {
        Json(self.0).into_response()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn row_not_found_becomes_404() {
        let err = AppError::from(sqlx::Error::RowNotFound);
        assert!(matches!(err, AppError::NotFound(_)));
        assert_eq!(err.into_response().status(), StatusCode::NOT_FOUND);
    }

    #[test]
    fn pool_timeout_becomes_503_with_retry_after() {
        let err = AppError::from(sqlx::Error::PoolTimedOut);
        assert!(matches!(err, AppError::Unavailable(_)));
        let response = err.into_response();
        assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(response.headers()[header::RETRY_AFTER], "1");
    }

    #[test]
    fn other_database_errors_become_500_without_details() {
        let err = AppError::from(sqlx::Error::PoolClosed);
        assert!(matches!(err, AppError::Database(_)));
        assert_eq!(err.to_string(), "internal server error");
        assert_eq!(
            err.into_response().status(),
            StatusCode::INTERNAL_SERVER_ERROR
        );
    }

    #[tokio::test]
    async fn unique_violation_becomes_409() {
        let pool = crate::db::in_memory_pool().await.unwrap();
        let insert =
            "INSERT INTO users (name, email) VALUES ('a', 'a@example.com')";
        sqlx::query(insert).execute(&pool).await.unwrap();
        let err = sqlx::query(insert).execute(&pool).await.unwrap_err();
        let app_err = AppError::from(err);
        assert!(matches!(app_err, AppError::Conflict(_)), "{app_err:?}");
        assert_eq!(app_err.into_response().status(), StatusCode::CONFLICT);
    }
}
