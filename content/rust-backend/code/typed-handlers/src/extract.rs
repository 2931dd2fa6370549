//! Custom extractors: `Pagination` (from the query string) and `ApiKey`
//! (from a header, checked against state), with JSON rejections.

use std::collections::HashSet;
use std::sync::Arc;

use axum::{
    Json,
    extract::{FromRef, FromRequestParts, Query},
    http::{StatusCode, header, request::Parts},
    response::{IntoResponse, Response},
};
use serde::Deserialize;

// ANCHOR: rejection
/// What a custom extractor answers when it refuses a request:
/// a status code and `{"error": "..."}`.
#[derive(Debug)]
pub struct ApiRejection {
    status: StatusCode,
    message: String,
}

impl IntoResponse for ApiRejection {
    fn into_response(self) -> Response {
        let body = Json(serde_json::json!({ "error": self.message }));
        // RFC 9110: every 401 says how to authenticate.
        let challenge = (self.status == StatusCode::UNAUTHORIZED)
            .then_some([(header::WWW_AUTHENTICATE, API_KEY_CHALLENGE)]);
        (self.status, challenge, body).into_response()
    }
}
// ANCHOR_END: rejection

/// The challenge of a `401`: send the key in the `x-api-key` header.
pub const API_KEY_CHALLENGE: &str = r#"ApiKey header="x-api-key""#;

impl ApiRejection {
    pub fn new(status: StatusCode, message: impl Into<String>) -> Self {
        let message = message.into();
        Self { status, message }
    }

    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, message)
    }

    pub fn unauthorized(message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, message)
    }
}

// ANCHOR: pagination
/// `?page=2&per_page=50`, checked once; private fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pagination {
    page: u32,
    per_page: u32,
}

#[derive(Deserialize)] // what the client sent
struct RawPagination {
    page: Option<u32>,
    per_page: Option<u32>,
}
impl Pagination {
    pub const DEFAULT_PER_PAGE: u32 = 20;
    pub const MAX_PER_PAGE: u32 = 100;
}
// ANCHOR_END: pagination

impl Pagination {
    /// The page number, starting at 1.
    pub fn page(&self) -> u32 {
        self.page
    }

    /// Items per page, between 1 and `MAX_PER_PAGE`.
    pub fn per_page(&self) -> u32 {
        self.per_page
    }

    pub fn offset(&self) -> usize {
        (self.page as usize - 1).saturating_mul(self.per_page as usize)
    }

    pub fn limit(&self) -> usize {
        self.per_page as usize
    }
}

// ANCHOR: pagination-extractor
impl<S: Send + Sync> FromRequestParts<S> for Pagination {
    type Rejection = ApiRejection;

    async fn from_request_parts(
        parts: &mut Parts,
        _state: &S,
    ) -> Result<Self, Self::Rejection> {
        let Query(raw) = Query::<RawPagination>::try_from_uri(&parts.uri)
            .map_err(|err| ApiRejection::bad_request(err.body_text()))?;
        let page = raw.page.unwrap_or(1);
        if page == 0 {
            return Err(ApiRejection::bad_request("page starts at 1"));
        }
        let per_page = raw.per_page.unwrap_or(Self::DEFAULT_PER_PAGE);
        let per_page = per_page.clamp(1, Self::MAX_PER_PAGE);
        Ok(Self { page, per_page })
    }
}
// ANCHOR_END: pagination-extractor

// ANCHOR: api-keys
/// The accepted API keys; cheap to clone (an `Arc`).
#[derive(Debug, Clone, Default)]
pub struct ApiKeys(Arc<HashSet<String>>);

/// Proof of a valid `x-api-key` header. The private field: only the
/// extractor below can build one.
#[derive(Debug)]
pub struct ApiKey {
    _private: (),
}
// ANCHOR_END: api-keys

/// Outside this module an `ApiKey` cannot be forged:
///
/// ```compile_fail
/// let forged = typed_handlers::extract::ApiKey { _private: () };
/// ```
///
/// ```compile_fail
/// let forged = typed_handlers::extract::ApiKey;
/// ```
///
/// while the type itself is public and usable as an argument:
///
/// ```
/// fn protected(_key: typed_handlers::extract::ApiKey) {}
/// ```
#[cfg(doctest)]
pub struct ApiKeyIsUnforgeable;

impl ApiKeys {
    pub fn new(keys: impl IntoIterator<Item = String>) -> Self {
        Self(Arc::new(keys.into_iter().collect()))
    }
}

const PROOF: ApiKey = ApiKey { _private: () };

// ANCHOR: api-key-extractor
impl<S> FromRequestParts<S> for ApiKey
where
    ApiKeys: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = ApiRejection;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &S,
    ) -> Result<Self, Self::Rejection> {
        let key = parts.headers.get("x-api-key").and_then(|v| v.to_str().ok());
        match key {
            Some(key) if ApiKeys::from_ref(state).0.contains(key) => Ok(PROOF),
            Some(_) => Err(ApiRejection::unauthorized("unknown API key")),
            None => Err(ApiRejection::unauthorized("missing x-api-key header")),
        }
    }
}
// ANCHOR_END: api-key-extractor
