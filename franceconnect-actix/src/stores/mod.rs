//! The session stores and what guards them: the in-memory store, the
//! PostgreSQL one (feature `postgres`), the wrappers a Redis store needs
//! (`NoResurrection`, `StoreTimeout`), and the middleware that turns a
//! store failure into a clear `503` (`SessionStoreGuard`).

mod guard;
mod memory;
mod no_resurrection;
#[cfg(feature = "postgres")]
mod postgres;
mod timeout;

pub use guard::{SessionStoreGuard, SessionStoreGuardService};
pub use memory::MemorySessionStore;
pub use no_resurrection::NoResurrection;
#[cfg(feature = "postgres")]
pub use postgres::PostgresSessionStore;
pub use timeout::StoreTimeout;
