//! Domain types that can only be constructed valid ("parse, don't validate").

use std::fmt;

use serde::{Deserialize, Serialize};

// ANCHOR: isbn
/// An ISBN-13 whose check digit is correct, stored as 13 digits.
///
/// The field is private and the only constructor is [`Isbn::parse`];
/// serde goes through it too (`try_from = "String"`).
#[derive(
    Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize,
)]
#[serde(try_from = "String", into = "String")]
pub struct Isbn(String);

#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum IsbnError {
    #[error("an ISBN-13 has 13 digits, found {0}")]
    Length(usize),
    #[error("unexpected character {0:?} in ISBN")]
    Character(char),
    #[error("ISBN check digit does not match")]
    Checksum,
}
// ANCHOR_END: isbn

/// `Isbn::parse` accepts `978-3-16-148410-0` or `9783161484100`.
// ANCHOR: isbn-parse
impl Isbn {
    pub fn parse(raw: &str) -> Result<Self, IsbnError> {
        let digits: Vec<u32> = raw
            .chars()
            .filter(|c| !matches!(c, '-' | ' '))
            .map(|c| c.to_digit(10).ok_or(IsbnError::Character(c)))
            .collect::<Result<_, _>>()?;
        if digits.len() != 13 {
            return Err(IsbnError::Length(digits.len()));
        }
        // Weights 1, 3, 1, 3, ...: the weighted sum must end in 0.
        let weights = [1, 3].into_iter().cycle();
        let sum: u32 = digits.iter().zip(weights).map(|(d, w)| d * w).sum();
        if !sum.is_multiple_of(10) {
            return Err(IsbnError::Checksum);
        }
        Ok(Self(digits.iter().map(|d| d.to_string()).collect()))
    }
}
// ANCHOR_END: isbn-parse

impl Isbn {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

// ANCHOR: isbn-serde
impl TryFrom<String> for Isbn {
    type Error = IsbnError;
    fn try_from(raw: String) -> Result<Self, Self::Error> {
        Self::parse(&raw)
    }
}

impl From<Isbn> for String {
    fn from(isbn: Isbn) -> Self {
        isbn.0
    }
}
// ANCHOR_END: isbn-serde

impl fmt::Display for Isbn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum TitleError {
    #[error("title must not be empty")]
    Empty,
    #[error("title is longer than {max} characters", max = Title::MAX_CHARS)]
    TooLong,
}

// ANCHOR: title
/// A book title: trimmed, not empty, at most `Title::MAX_CHARS` characters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Title(String);

impl Title {
    pub const MAX_CHARS: usize = 200;

    pub fn parse(raw: &str) -> Result<Self, TitleError> {
        let trimmed = raw.trim();
        match trimmed.chars().count() {
            0 => Err(TitleError::Empty),
            n if n > Self::MAX_CHARS => Err(TitleError::TooLong),
            _ => Ok(Self(trimmed.to_owned())),
        }
    }
}
// ANCHOR_END: title

impl Title {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Title {
    type Error = TitleError;
    fn try_from(raw: String) -> Result<Self, Self::Error> {
        Self::parse(&raw)
    }
}

impl From<Title> for String {
    fn from(title: Title) -> Self {
        title.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_valid_isbns_with_or_without_hyphens() {
        let a = Isbn::parse("978-3-16-148410-0").unwrap();
        let b = Isbn::parse("9783161484100").unwrap();
        assert_eq!(a, b);
        assert_eq!(a.as_str(), "9783161484100");
    }

    #[test]
    fn rejects_bad_isbns() {
        assert_eq!(Isbn::parse("978316148410"), Err(IsbnError::Length(12)));
        assert_eq!(
            Isbn::parse("978316148410X"),
            Err(IsbnError::Character('X'))
        );
        assert_eq!(Isbn::parse("9783161484101"), Err(IsbnError::Checksum));
    }

    #[test]
    fn deserializing_runs_the_same_check() {
        let ok: Result<Isbn, _> = serde_json::from_str(r#""9780306406157""#);
        assert!(ok.is_ok());
        let err =
            serde_json::from_str::<Isbn>(r#""9780306406158""#).unwrap_err();
        assert!(err.to_string().contains("check digit"), "{err}");
    }

    #[test]
    fn titles_are_trimmed_and_bounded() {
        assert_eq!(Title::parse("  Rust  ").unwrap().as_str(), "Rust");
        assert_eq!(Title::parse("   "), Err(TitleError::Empty));
        assert_eq!(
            Title::parse(&"x".repeat(Title::MAX_CHARS + 1)),
            Err(TitleError::TooLong)
        );
        assert!(Title::parse(&"x".repeat(Title::MAX_CHARS)).is_ok());
    }
}
