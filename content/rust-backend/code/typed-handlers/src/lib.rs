//! Example 2: type-safe handlers.
//!
//! Every input is parsed into a type at the edge of the service, before the
//! handler body runs: `Path`, `Query`, `Json` and `State` extractors, newtypes
//! that can only hold valid values, and two custom extractors (`Pagination`
//! and `ApiKey`). Handler bodies then work with data that is known to be good.

pub mod domain;
pub mod extract;

use std::collections::BTreeMap;
use std::sync::{Arc, PoisonError, RwLock};

use axum::{
    Json, Router,
    extract::{FromRef, Path, Query, State},
    http::StatusCode,
    routing::get,
};
use serde::{Deserialize, Serialize};

use crate::domain::{Isbn, Title};
use crate::extract::{ApiKey, ApiKeys, ApiRejection, Pagination};

// ANCHOR: book-types
/// Body of `POST /books`. Deserializing it validates it: an invalid ISBN
/// or title never reaches the handler.
#[derive(Debug, Deserialize)]
pub struct NewBook {
    pub isbn: Isbn,
    pub title: Title,
    pub year: u16,
}

/// A book as the API returns it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Book {
    pub isbn: Isbn,
    pub title: Title,
    pub year: u16,
}
// ANCHOR_END: book-types

// ANCHOR: query-types
/// Query string of `GET /books`: `?published_after=2020`.
#[derive(Debug, Default, Deserialize)]
pub struct BookFilter {
    pub published_after: Option<u16>,
}

/// One page of results plus what the client needs to ask for the next.
#[derive(Debug, Serialize, Deserialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub page: u32,
    pub per_page: u32,
    pub total: usize,
}
// ANCHOR_END: query-types

impl BookFilter {
    fn matches(&self, book: &Book) -> bool {
        self.published_after.is_none_or(|year| book.year > year)
    }
}

// ANCHOR: state
/// Application state. `FromRef` lets an extractor ask for just the part
/// it needs (`ApiKeys`) instead of the whole `AppState`.
#[derive(Debug, Clone)]
pub struct AppState {
    pub books: Arc<RwLock<BTreeMap<Isbn, Book>>>,
    pub api_keys: ApiKeys,
}

impl FromRef<AppState> for ApiKeys {
    fn from_ref(state: &AppState) -> Self {
        state.api_keys.clone()
    }
}
// ANCHOR_END: state

impl AppState {
    /// Empty catalogue; `POST` requires one of `keys` in `x-api-key`.
    pub fn new(keys: impl IntoIterator<Item = String>) -> Self {
        Self { books: Arc::default(), api_keys: ApiKeys::new(keys) }
    }
}

// ANCHOR: router
pub fn app(state: AppState) -> Router {
    Router::new()
        .route("/books", get(list_books).post(create_book))
        .route("/books/{isbn}", get(get_book))
        .with_state(state)
}
// ANCHOR_END: router

// ANCHOR: get-book
/// `Path<Isbn>` runs the ISBN check during extraction: `/books/123` is
/// answered with 400 before this body runs.
async fn get_book(
    State(state): State<AppState>,
    Path(isbn): Path<Isbn>,
) -> Result<Json<Book>, ApiRejection> {
    let books = state.books.read().unwrap_or_else(PoisonError::into_inner);
    books.get(&isbn).cloned().map(Json).ok_or_else(|| {
        ApiRejection::new(
            StatusCode::NOT_FOUND,
            format!("no book with ISBN {isbn}"),
        )
    })
}
// ANCHOR_END: get-book

// ANCHOR: list-books
async fn list_books(
    State(state): State<AppState>,
    Query(filter): Query<BookFilter>,
    pagination: Pagination,
) -> Json<Page<Book>> {
    let books = state.books.read().unwrap_or_else(PoisonError::into_inner);
    let matching: Vec<&Book> =
        books.values().filter(|book| filter.matches(book)).collect();
    let total = matching.len();
    let items = matching
        .into_iter()
        .skip(pagination.offset())
        .take(pagination.limit())
        .cloned()
        .collect();
    let (page, per_page) = (pagination.page(), pagination.per_page());
    Json(Page { items, page, per_page, total })
}
// ANCHOR_END: list-books

// ANCHOR: create-book
/// Only callers with a valid API key get here, and only with a valid
/// body: the handler has nothing left to check.
async fn create_book(
    _key: ApiKey,
    State(state): State<AppState>,
    Json(new): Json<NewBook>,
) -> Result<(StatusCode, Json<Book>), ApiRejection> {
    let mut books = state.books.write().unwrap_or_else(PoisonError::into_inner);
    if books.contains_key(&new.isbn) {
        return Err(ApiRejection::new(
            StatusCode::CONFLICT,
            format!("ISBN {} exists", new.isbn),
        ));
    }
    let book = Book { isbn: new.isbn, title: new.title, year: new.year };
    books.insert(book.isbn.clone(), book.clone());
    Ok((StatusCode::CREATED, Json(book)))
}
// ANCHOR_END: create-book
