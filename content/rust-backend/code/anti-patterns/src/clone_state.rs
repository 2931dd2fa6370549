//! Anti-pattern 4: state that is expensive to clone.
//!
//! Axum hands each request its own copy of the router
//! state: `State<S>` clones `S`. With a `Vec` of
//! products inside, that copy is a deep copy of the
//! whole catalogue, on every request.

use std::sync::Arc;

use axum::{
    Json, Router,
    extract::{Path, State},
    http::StatusCode,
    routing::get,
};
use serde::Serialize;

#[derive(
    Debug, Clone, PartialEq, Eq, Serialize,
)]
pub struct Product {
    pub id: u32,
    pub name: String,
    pub price_cents: u32,
}

// ANCHOR: catalogue
/// A read-only catalogue; `products[i].id == i`.
#[derive(Debug, Clone)]
pub struct Catalogue {
    pub products: Vec<Product>,
}
// ANCHOR_END: catalogue

impl Catalogue {
    /// A synthetic catalogue of `len` products.
    pub fn generate(len: u32) -> Self {
        let products = (0..len)
            .map(|id| Product {
                id,
                name: format!("Product #{id}"),
                price_cents: 100 + id % 900,
            })
            .collect();
        Self { products }
    }

    /// One product as a response, or 404.
    fn product(
        &self,
        id: u32,
    ) -> Result<Json<Product>, StatusCode> {
        usize::try_from(id)
            .ok()
            .and_then(|i| self.products.get(i))
            .cloned()
            .map(Json)
            .ok_or(StatusCode::NOT_FOUND)
    }
}

pub fn bad_router(
    catalogue: Catalogue,
) -> Router {
    Router::new()
        .route("/products/{id}", get(bad_product))
        .with_state(catalogue)
}

pub fn better_router(
    catalogue: Arc<Catalogue>,
) -> Router {
    Router::new()
        .route(
            "/products/{id}",
            get(better_product),
        )
        .with_state(catalogue)
}

// ANCHOR: bad-clone
// BAD: .with_state(catalogue): every
// request deep-copies every product.
async fn bad_product(
    State(catalogue): State<Catalogue>,
    Path(id): Path<u32>,
) -> Result<Json<Product>, StatusCode> {
    catalogue.product(id)
}
// ANCHOR_END: bad-clone

// ANCHOR: better-arc
// BETTER: the router holds an Arc; a
// clone is one atomic increment.
async fn better_product(
    State(catalogue): State<Arc<Catalogue>>,
    Path(id): Path<u32>,
) -> Result<Json<Product>, StatusCode> {
    catalogue.product(id)
}
// ANCHOR_END: better-arc
