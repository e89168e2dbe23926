//! Running one step of a login or a logout in its `tracing` span, and
//! recording how it ended there: `duration_ms`, and on failure `error`, the
//! bounded [`error_label`] (never the error's text, which may quote the
//! provider).
//!
//! Each step declares its own span, with the platform and the fields it
//! fills in (`tracing::field::Empty` until known); the fields this module
//! records must be among them.

use std::future::Future;
use std::time::Instant;

use tracing::{Instrument, Span};

use crate::error::Error;
use crate::metrics::error_label;
use crate::protocol::acr::RequestedAcr;

/// The `acr_asked` field: the level asked (`eidas2`), or ProConnect's
/// values, space-separated as in `acr_values` (`eidas1-mfa eidas2`).
pub(crate) fn acr_asked(acr: &RequestedAcr) -> String {
    match acr {
        RequestedAcr::AtLeast(level) => level.as_str().to_owned(),
        RequestedAcr::OneOf(values) => values.iter().map(|v| v.as_str()).collect::<Vec<_>>().join(" "),
    }
}

/// Runs `step` inside `span`, then records on it `duration_ms` and, when
/// the step failed, `error`.
pub(crate) async fn in_span<T>(span: &Span, step: impl Future<Output = Result<T, Error>>) -> Result<T, Error> {
    let started = Instant::now();
    let result = step.instrument(span.clone()).await;
    span.record("duration_ms", started.elapsed().as_secs_f64() * 1e3);
    if let Err(e) = &result {
        span.record("error", error_label(e));
    }
    result
}
