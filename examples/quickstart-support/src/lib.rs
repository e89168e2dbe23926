//! What the axum and actix-web quickstarts share, so that they behave the
//! same: the settings (environment variables), the embedded mock provider,
//! the service's encryption keys, the pages, and sessions in PostgreSQL.

mod access_token;
mod metrics_exporter;
mod pages;
mod places;
mod postgres;
mod running;
mod settings;

pub use access_token::{access_token_json, with_sign_in_hook};
pub use metrics_exporter::serve_metrics;
pub use pages::{
    RECENT_LOGIN_MINUTES, agent_mfa_page, agent_page, api_me, home_page, not_signed_in_json, profile_page,
    recent_login_page, step_up_page,
};
pub use postgres::postgres_sessions;
pub use running::{Running, Server, run_main};
pub use settings::{Prepared, Settings, SharedStore, prepare, redact_url};

/// Logs to stderr, `info` by default (`RUST_LOG` overrides).
pub fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}
