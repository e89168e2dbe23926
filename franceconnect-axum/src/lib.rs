//! FranceConnect and FranceConnect+ sign-in for [axum](https://docs.rs/axum).
//!
//! One call mounts the routes (`/auth/login`, `/auth/callback`,
//! `POST /auth/logout`, `/auth/logout/callback`, `/auth/jwks`) and the
//! session; extractors give handlers the signed-in user:
//!
//! ```no_run
//! use axum::{Router, routing::get};
//! use franceconnect_axum::{FranceConnectRouterExt, PivotIdentity, RequireEidas, User, level::Eidas2};
//! use franceconnect_tower::{Config, FranceConnect};
//!
//! async fn home(user: Option<User>) -> String {
//!     match user {
//!         Some(User(u)) => format!("connecté ({})", u.acr),
//!         None => "<a href=\"/auth/login\">S'identifier avec FranceConnect</a>".into(),
//!     }
//! }
//! async fn me(PivotIdentity(id): PivotIdentity) -> String {
//!     format!("{} {}", id.given_name, id.family_name)
//! }
//! async fn vault(RequireEidas(user, ..): RequireEidas<Eidas2>) -> String {
//!     format!("niveau {}", user.acr)
//! }
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let fc = FranceConnect::new(Config::from_env()?);
//! let app = Router::new()
//!     .route("/", get(home))
//!     .route("/me", get(me))
//!     .route("/vault", get(vault))
//!     .franceconnect(fc, tower_sessions::MemoryStore::default());
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:3000").await?;
//! axum::serve(listener, app).await?;
//! # Ok(()) }
//! ```
//!
//! Requests that need a user and have none are redirected to the login
//! (browsers) or answered `401` JSON (`Accept: application/json`).
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod extractors;
mod rejection;
mod router;

pub use extractors::{PivotIdentity, RequireEidas, User};
pub use franceconnect_tower;
pub use franceconnect_tower::web::level;
pub use rejection::AuthRejection;
pub use router::FranceConnectRouterExt;
