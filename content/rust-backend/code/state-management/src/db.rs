//! The SQLx connection pool and the startup migration.

use sqlx::SqlitePool;
use sqlx::sqlite::SqlitePoolOptions;

// ANCHOR: pool
/// An in-memory SQLite database with the schema applied.
///
/// An in-memory database lives as long as its last connection, so the pool
/// keeps exactly one connection open for good. For a file or a server
/// database, drop these four settings and keep the defaults.
pub async fn in_memory_pool() -> Result<SqlitePool, sqlx::Error> {
    let pool = SqlitePoolOptions::new()
        .max_connections(1)
        .min_connections(1)
        .idle_timeout(None)
        .max_lifetime(None)
        .connect("sqlite::memory:")
        .await?;
    // Embeds ./migrations at compile time and applies what is missing.
    sqlx::migrate!().run(&pool).await?;
    Ok(pool)
}
// ANCHOR_END: pool
