//! Check 6: the local clock agrees with the provider's (its HTTP `Date`
//! header on the discovery answer) within the leeway the engine applies to
//! token times (`FC_CLOCK_LEEWAY_SECS`, 30 s by default).

use std::time::{Duration, SystemTime};

use super::Target;
use super::http::Fetched;
use crate::report::{Check, Report, Status};

/// Checks the discovery answer's `Date` against the local clock.
pub(crate) fn check(report: &mut Report, target: &Target<'_>, fetched: &Fetched) {
    let name = target.name();
    let Some(date) = fetched.date else {
        report.warn(
            Check::Clock,
            name,
            "the provider's answer carries no valid `Date` header: the clock could not be compared",
            "make sure this machine's clock is synchronised (NTP)",
        );
        return;
    };
    let (status, message) = skew_finding(date, fetched.received_at, target.config.clock_leeway());
    match status {
        Status::Ok => report.ok(Check::Clock, name, message),
        _ => report.fail(
            Check::Clock,
            name,
            message,
            "synchronise this machine's clock (NTP); FC_CLOCK_LEEWAY_SECS (at most 300) would only hide it",
        ),
    }
}

/// Compares the provider's `Date` with the local `now`: [`Status::Ok`]
/// within `leeway` (the `Date` header's one-second resolution allowed),
/// [`Status::Fail`] beyond, with the line's message.
///
/// ```
/// use std::time::{Duration, SystemTime};
/// use franceconnect_cli::doctor::skew_finding;
/// use franceconnect_cli::report::Status;
///
/// let now = SystemTime::now();
/// let leeway = Duration::from_secs(30);
/// assert_eq!(skew_finding(now + Duration::from_secs(5), now, leeway).0, Status::Ok);
/// let (status, message) = skew_finding(now + Duration::from_secs(90), now, leeway);
/// assert_eq!(status, Status::Fail);
/// assert!(message.contains("90 s behind"), "{message}");
/// ```
pub fn skew_finding(provider: SystemTime, now: SystemTime, leeway: Duration) -> (Status, String) {
    // Positive: the provider is ahead, so the local clock is behind.
    let skew = match provider.duration_since(now) {
        Ok(ahead) => ahead.as_secs_f64(),
        Err(behind) => -behind.duration().as_secs_f64(),
    };
    let whole = skew.abs().round() as u64;
    let direction = if skew >= 0.0 { "behind" } else { "ahead of" };
    let leeway_secs = leeway.as_secs();
    // `Date` is truncated to the second: one more second is no skew.
    if skew.abs() <= leeway.as_secs_f64() + 1.0 {
        (
            Status::Ok,
            format!("the local clock is within {whole} s of the provider's `Date` (leeway {leeway_secs} s)"),
        )
    } else {
        (
            Status::Fail,
            format!(
                "the local clock is {whole} s {direction} the provider's `Date`, beyond the {leeway_secs} s leeway: \
                 ID tokens would be refused as expired or not yet valid"
            ),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn skew_in_both_directions_beyond_the_leeway_fails() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let leeway = Duration::from_secs(30);
        assert_eq!(skew_finding(now, now, leeway).0, Status::Ok);
        assert_eq!(skew_finding(now + Duration::from_secs(31), now, leeway).0, Status::Ok);
        let (status, message) = skew_finding(now - Duration::from_secs(120), now, leeway);
        assert_eq!(status, Status::Fail);
        assert!(message.contains("120 s ahead of the provider's"), "{message}");
        assert_eq!(skew_finding(now + Duration::from_secs(33), now, leeway).0, Status::Fail);
        assert_eq!(
            skew_finding(now + Duration::from_secs(33), now, Duration::from_secs(60)).0,
            Status::Ok
        );
    }
}
