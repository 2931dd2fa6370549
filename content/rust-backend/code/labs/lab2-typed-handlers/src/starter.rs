//! Lab 2: an `Email` newtype that is always valid, so that
//! `POST /members` cannot store a malformed address.

use axum::{Json, Router, http::StatusCode, routing::post};
use serde::{Deserialize, Serialize};

// ANCHOR: task
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum EmailError {
    #[error("an e-mail address needs exactly one @")]
    At,
    #[error("the part before the @ is empty")]
    EmptyLocal,
    #[error("the domain needs a dot, not at either end")]
    Domain,
}

/// A trimmed, lower-cased e-mail address with one `@`, something before
/// it and a domain with a dot inside (`a@b.c`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Email(String);

impl Email {
    pub fn parse(raw: &str) -> Result<Self, EmailError> {
        // TODO: trim and lower-case `raw`, then enforce the rules above,
        // returning the matching `EmailError` for each broken one.
        Ok(Self(raw.to_owned()))
    }
}
// ANCHOR_END: task

impl TryFrom<String> for Email {
    type Error = EmailError;
    fn try_from(raw: String) -> Result<Self, Self::Error> {
        Self::parse(&raw)
    }
}

impl From<Email> for String {
    fn from(email: Email) -> Self {
        email.0
    }
}

#[derive(Debug, Deserialize, Serialize)]
pub struct Member {
    pub name: String,
    pub email: Email,
}

/// `POST /members` echoes a valid member with `201`; an invalid e-mail
/// never reaches the handler (`Json` answers `422`).
pub fn app() -> Router {
    Router::new().route("/members", post(create))
}

async fn create(Json(member): Json<Member>) -> (StatusCode, Json<Member>) {
    (StatusCode::CREATED, Json(member))
}
