//! The behaviour of Example 1 as data: every case starts from an empty
//! store and sends its steps in order. The Axum version (`tests/api.rs`)
//! and the Actix-web version (`rest-api-actix/tests/api.rs`) both run every
//! case, each through its own in-process transport.

#![allow(dead_code)] // each test crate uses what it needs

use serde_json::Value;

/// Largest JSON body both versions accept (Axum's default, set explicitly
/// for Actix-web, whose default is 32 KiB).
pub const BODY_LIMIT: usize = 2 * 1024 * 1024;

#[derive(Debug, Clone, Copy)]
pub enum Body {
    None,
    /// `Content-Type: application/json` with this text.
    Json(&'static str),
    /// This text without a `Content-Type` header.
    Untyped(&'static str),
    /// A JSON string of this many bytes, with the JSON content type.
    JsonOfSize(usize),
}

impl Body {
    /// The content type and bytes to send, if any.
    pub fn encode(self) -> Option<(Option<&'static str>, Vec<u8>)> {
        const JSON: Option<&str> = Some("application/json");
        match self {
            Self::None => None,
            Self::Json(text) => Some((JSON, text.as_bytes().to_vec())),
            Self::Untyped(text) => Some((None, text.as_bytes().to_vec())),
            Self::JsonOfSize(len) => {
                let mut text = String::from(r#"{"title":""#);
                text.extend(std::iter::repeat_n('x', len - text.len() - 2));
                text += r#""}"#;
                Some((JSON, text.into_bytes()))
            }
        }
    }
}

#[derive(Debug, Clone, Copy)]
pub enum Expect {
    /// Only the status is checked.
    Status,
    /// The body is this JSON value.
    Json(&'static str),
    /// The body is this text.
    Text(&'static str),
    /// The `Location` header has this value.
    Location(&'static str),
    /// The body is a JSON array whose items' titles are these.
    Titles(&'static [&'static str]),
}

#[derive(Debug, Clone, Copy)]
pub struct Step {
    pub method: &'static str,
    pub uri: &'static str,
    pub body: Body,
    pub status: u16,
    pub expect: Expect,
}

#[derive(Debug)]
pub struct Case {
    pub name: &'static str,
    pub steps: &'static [Step],
}

/// What a transport returns for one step.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub location: Option<String>,
    pub body: Vec<u8>,
}

const fn step(
    method: &'static str,
    uri: &'static str,
    body: Body,
    status: u16,
    expect: Expect,
) -> Step {
    Step { method, uri, body, status, expect }
}

const CREATE_A: Step =
    step("POST", "/todos", Body::Json(r#"{"title":"a"}"#), 201, Expect::Status);

pub const CASES: &[Case] = &[
    Case {
        name: "health answers ok",
        steps: &[step("GET", "/health", Body::None, 200, Expect::Text("ok"))],
    },
    Case {
        name: "create then fetch a to-do",
        steps: &[
            step(
                "POST",
                "/todos",
                Body::Json(r#"{"title":"Write slides"}"#),
                201,
                Expect::Json(r#"{"id":1,"title":"Write slides","done":false}"#),
            ),
            step(
                "GET",
                "/todos/1",
                Body::None,
                200,
                Expect::Json(r#"{"id":1,"title":"Write slides","done":false}"#),
            ),
        ],
    },
    Case {
        name: "create sets the Location header",
        steps: &[step(
            "POST",
            "/todos",
            Body::Json(r#"{"title":"x"}"#),
            201,
            Expect::Location("/todos/1"),
        )],
    },
    Case {
        name: "list in id order",
        steps: &[
            CREATE_A,
            step(
                "POST",
                "/todos",
                Body::Json(r#"{"title":"b"}"#),
                201,
                Expect::Status,
            ),
            step("GET", "/todos", Body::None, 200, Expect::Titles(&["a", "b"])),
        ],
    },
    Case {
        name: "blank title is 422",
        steps: &[step(
            "POST",
            "/todos",
            Body::Json(r#"{"title":"   "}"#),
            422,
            Expect::Status,
        )],
    },
    Case {
        name: "malformed JSON is 400",
        steps: &[step(
            "POST",
            "/todos",
            Body::Json("{not json"),
            400,
            Expect::Status,
        )],
    },
    Case {
        name: "JSON of the wrong shape is 422",
        steps: &[step(
            "POST",
            "/todos",
            Body::Json(r#"{"name":"x"}"#),
            422,
            Expect::Status,
        )],
    },
    Case {
        name: "missing content type is 415",
        steps: &[step(
            "POST",
            "/todos",
            Body::Untyped(r#"{"title":"x"}"#),
            415,
            Expect::Status,
        )],
    },
    Case {
        name: "a body over the limit is 413",
        steps: &[step(
            "POST",
            "/todos",
            Body::JsonOfSize(BODY_LIMIT + 1),
            413,
            Expect::Status,
        )],
    },
    Case {
        name: "a body at the limit is accepted",
        steps: &[step(
            "POST",
            "/todos",
            Body::JsonOfSize(BODY_LIMIT),
            201,
            Expect::Status,
        )],
    },
    Case {
        name: "patch updates only the given fields",
        steps: &[
            CREATE_A,
            step(
                "PATCH",
                "/todos/1",
                Body::Json(r#"{"done":true}"#),
                200,
                Expect::Json(r#"{"id":1,"title":"a","done":true}"#),
            ),
        ],
    },
    Case {
        name: "unknown ids are 404",
        steps: &[
            step("GET", "/todos/42", Body::None, 404, Expect::Status),
            step(
                "PATCH",
                "/todos/42",
                Body::Json(r#"{"done":true}"#),
                404,
                Expect::Status,
            ),
            step("DELETE", "/todos/42", Body::None, 404, Expect::Status),
        ],
    },
    Case {
        name: "non-numeric id is 400",
        steps: &[step("GET", "/todos/abc", Body::None, 400, Expect::Status)],
    },
    Case {
        name: "delete removes the to-do",
        steps: &[
            CREATE_A,
            step("DELETE", "/todos/1", Body::None, 204, Expect::Status),
            step("GET", "/todos/1", Body::None, 404, Expect::Status),
        ],
    },
    Case {
        name: "wrong method is 405",
        steps: &[step("PUT", "/todos", Body::None, 405, Expect::Status)],
    },
];

/// Panics with the case, the step and what differed.
pub fn check(case: &Case, index: usize, reply: &Reply) {
    let step = &case.steps[index];
    let at = format!(
        "case {:?}, step {} ({} {})",
        case.name,
        index + 1,
        step.method,
        step.uri
    );
    assert_eq!(reply.status, step.status, "{at}: status");
    let json = || -> Value {
        serde_json::from_slice(&reply.body)
            .unwrap_or_else(|err| panic!("{at}: body is not JSON: {err}"))
    };
    match step.expect {
        Expect::Status => {}
        Expect::Json(text) => {
            let expected: Value =
                serde_json::from_str(text).expect("valid JSON in a case");
            assert_eq!(json(), expected, "{at}: body");
        }
        Expect::Text(text) => {
            assert_eq!(reply.body, text.as_bytes(), "{at}: body")
        }
        Expect::Location(location) => {
            assert_eq!(
                reply.location.as_deref(),
                Some(location),
                "{at}: Location"
            )
        }
        Expect::Titles(titles) => {
            let body = json();
            let got: Vec<&str> = body
                .as_array()
                .unwrap_or_else(|| panic!("{at}: not an array"))
                .iter()
                .map(|todo| todo["title"].as_str().unwrap_or_default())
                .collect();
            assert_eq!(got, titles, "{at}: titles");
        }
    }
}
