//! Anti-patterns in async Rust services. Each module holds a BAD version
//! that compiles (and is wrong or slow) next to a BETTER version. The one
//! anti-pattern that does not compile (a `std::sync::MutexGuard` held across
//! `.await` in a handler) lives in `broken/bad_hit.rs`, checked by a
//! `compile_fail` doctest; its fixes live in [`lock_across_await`].

pub mod blocking;
pub mod clone_state;
pub mod lock_across_await;
pub mod unwrap;
