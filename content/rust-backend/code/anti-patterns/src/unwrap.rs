//! Anti-pattern 3: `unwrap()` in handlers.

use std::collections::HashMap;
use std::sync::Arc;

use axum::{
    Json, Router,
    extract::{
        Query, State, rejection::QueryRejection,
    },
    http::StatusCode,
    response::{IntoResponse, Response},
    routing::get,
};
use serde::{Deserialize, Serialize};
use serde_json::json;

/// Unit prices in cents, by SKU.
pub type Prices = Arc<HashMap<String, u32>>;

pub fn router(prices: Prices) -> Router {
    Router::new()
        .route("/bad/total", get(bad_total))
        .route("/better/total", get(better_total))
        .with_state(prices)
}

#[allow(clippy::unwrap_used)] // deliberately bad
// ANCHOR: bad-unwrap
// BAD: four unwraps on client input.
// A panic aborts the request: the
// client gets no response at all.
async fn bad_total(
    State(prices): State<Prices>,
    Query(params): Query<HashMap<String, String>>,
) -> String {
    let sku = params.get("sku").unwrap();
    let qty = params.get("qty").unwrap();
    let qty: u32 = qty.parse().unwrap();
    let price = prices.get(sku).unwrap();
    // Overflow: panics in debug builds,
    // wraps silently in release builds.
    (price * qty).to_string()
}
// ANCHOR_END: bad-unwrap

// ANCHOR: api-error
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error(transparent)]
    BadQuery(#[from] QueryRejection),
    #[error("unknown SKU")]
    UnknownSku,
    #[error("order total is too large")]
    TooLarge,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = match &self {
            Self::BadQuery(rejection) => {
                rejection.status()
            }
            Self::UnknownSku => {
                StatusCode::NOT_FOUND
            }
            Self::TooLarge => {
                StatusCode::UNPROCESSABLE_ENTITY
            }
        };
        let message = self.to_string();
        let body = json!({ "error": message });
        (status, Json(body)).into_response()
    }
}
// ANCHOR_END: api-error

#[derive(Debug, Deserialize)]
pub struct Order {
    pub sku: String,
    pub qty: u32,
}

#[derive(Debug, Serialize)]
pub struct Total {
    pub sku: String,
    pub qty: u32,
    pub total_cents: u32,
}

// ANCHOR: better-unwrap
// BETTER: typed input; every failure
// is a value the client can read.
async fn better_total(
    State(prices): State<Prices>,
    query: Result<Query<Order>, QueryRejection>,
) -> Result<Json<Total>, ApiError> {
    let Query(Order { sku, qty }) = query?;
    let price = prices.get(&sku).copied();
    let price =
        price.ok_or(ApiError::UnknownSku)?;
    let total = price.checked_mul(qty);
    let total_cents =
        total.ok_or(ApiError::TooLarge)?;
    Ok(Json(Total { sku, qty, total_cents }))
}
// ANCHOR_END: better-unwrap
