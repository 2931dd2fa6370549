//! A lab of the course. Work in `starter.rs`; `cargo test -p lab5-anti-pattern-hunt` tests
//! it. The trainer's `solution.rs` is tested with `--features solution`.

#[cfg(not(feature = "solution"))]
#[path = "starter.rs"]
mod lab;
#[cfg(feature = "solution")]
#[path = "solution.rs"]
mod lab;

pub use lab::*;
