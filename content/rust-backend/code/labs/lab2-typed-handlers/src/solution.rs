//! Lab 2, solved: an `Email` newtype that is always valid, so that
//! `POST /members` cannot store a malformed address.

use axum::{Json, Router, http::StatusCode, routing::post};
use serde::{Deserialize, Serialize};

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
    // ANCHOR: solution
    pub fn parse(raw: &str) -> Result<Self, EmailError> {
        let email = raw.trim().to_lowercase();
        let Some((local, domain)) = email.split_once('@') else {
            return Err(EmailError::At);
        };
        if domain.contains('@') {
            return Err(EmailError::At);
        }
        if local.is_empty() {
            return Err(EmailError::EmptyLocal);
        }
        let dot_inside = domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.');
        if !dot_inside {
            return Err(EmailError::Domain);
        }
        Ok(Self(email))
    }
    // ANCHOR_END: solution
}

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
