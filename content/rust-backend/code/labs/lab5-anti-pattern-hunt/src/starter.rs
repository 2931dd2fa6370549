//! Lab 5: an anti-pattern hunt. This service compiles, answers its happy
//! paths and hides four anti-patterns of chapter 5. Find them, fix them,
//! and the tests pass.

use std::collections::HashMap;
use std::time::Duration;

use axum::{
    Json, Router,
    extract::{Query, State},
    routing::get,
};

// ANCHOR: task
#[derive(Debug, Clone)]
pub struct Product {
    pub name: String,
    pub price_cents: u32,
}

/// The router's state.
#[derive(Debug, Clone)]
pub struct AppState {
    catalogue: HashMap<String, Product>,
}

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
        .with_state(AppState { catalogue })
}

/// Stands for a slow call to another service (50 ms).
async fn report() -> &'static str {
    std::thread::sleep(Duration::from_millis(50));
    "report"
}

/// `GET /price?sku=tea&qty=3` answers the total in cents.
async fn price(
    State(state): State<AppState>,
    Query(params): Query<HashMap<String, String>>,
) -> Json<u32> {
    let sku = params.get("sku").unwrap();
    let qty: u32 = params.get("qty").unwrap().parse().unwrap();
    let product = state.catalogue.get(sku).unwrap();
    Json(product.price_cents * qty)
}
// ANCHOR_END: task
