//! Lab 5, solved: the four anti-patterns of the hunt, fixed.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use axum::{
    Json, Router,
    extract::{Query, State},
    http::StatusCode,
    routing::get,
};
use serde::Deserialize;

#[derive(Debug, Clone)]
pub struct Product {
    pub name: String,
    pub price_cents: u32,
}

// ANCHOR: solution
/// 1. Deep clone per request: the catalogue is shared through an `Arc`,
///    so Axum's clones of the state copy a pointer.
#[derive(Debug, Clone)]
pub struct AppState(Arc<HashMap<String, Product>>);

/// 2. Blocking the runtime: the worker is given back while waiting.
async fn report() -> &'static str {
    tokio::time::sleep(Duration::from_millis(50)).await;
    "report"
}

/// 3. `unwrap()` on input: a typed query (missing or bad `qty` is a
///    `400` from `Query`), and a `404` for an unknown SKU.
#[derive(Debug, Deserialize)]
struct PriceQuery {
    sku: String,
    qty: u32,
}

// ANCHOR: price
async fn price(
    State(state): State<AppState>,
    Query(query): Query<PriceQuery>,
) -> Result<Json<u32>, (StatusCode, &'static str)> {
    let product = state
        .0
        .get(&query.sku)
        .ok_or((StatusCode::NOT_FOUND, "unknown sku"))?;
    // 4. Unchecked arithmetic on input: overflow is a 422, not a panic
    //    (debug) or a wrong total (release).
    let total = product
        .price_cents
        .checked_mul(query.qty)
        .ok_or((StatusCode::UNPROCESSABLE_ENTITY, "total too large"))?;
    Ok(Json(total))
}
// ANCHOR_END: price

pub fn app() -> Router {
    let mut catalogue = HashMap::new();
    for (sku, name, price_cents) in [
        ("tea", "Tea", 450),
        ("pot", "Teapot", 2_500),
        ("gold", "Gold bar", 4_000_000_000),
    ] {
        let product = Product { name: name.to_owned(), price_cents };
        catalogue.insert(sku.to_owned(), product);
    }
    Router::new()
        .route("/health", get(|| async { "ok" }))
        .route("/report", get(report))
        .route("/price", get(price))
        .with_state(AppState(Arc::new(catalogue)))
}
// ANCHOR_END: solution
