//! The doctor's findings, line by line: each says whether it holds (`ok`),
//! must be fixed (`FAIL`) or deserves a look (`warn`), what was checked, and
//! for a failure what to change, naming the variable.

use std::fmt;

use serde::Serialize;

/// How a check came out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// The requirement holds.
    Ok,
    /// Not required, or not conclusive: worth a look, does not fail the run.
    Warn,
    /// A requirement does not hold: logins would fail (or leak) until fixed.
    Fail,
}

impl Status {
    /// `ok`, `warn` or `FAIL`, as printed.
    pub fn label(self) -> &'static str {
        match self {
            Status::Ok => "ok",
            Status::Warn => "warn",
            Status::Fail => "FAIL",
        }
    }
}

/// The group of checks a line belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Check {
    /// The variables load through the engine's own loader.
    Config,
    /// Discovery is reachable and names the configured issuer.
    Discovery,
    /// The signature algorithms (and client authentication) the service
    /// accepts are offered.
    Algorithms,
    /// The service's keys: a key the provider can encrypt to, the file.
    Encryption,
    /// The redirect and post-logout URIs.
    Uris,
    /// The application's published JWKS against the keys file.
    Jwks,
    /// The local clock against the provider's `Date`.
    Clock,
    /// The scopes asked.
    Scopes,
    /// The `acr` values (levels) asked.
    Acr,
    /// The client authentication: a method the platform takes, and a client
    /// id and secret it accepts.
    Client,
    /// The application serves the redirect URIs configured.
    Routes,
    /// A resource server's (data provider's) token check at the platform.
    Resource,
}

impl Check {
    /// The name printed in the line's second column.
    pub fn name(self) -> &'static str {
        match self {
            Check::Config => "config",
            Check::Discovery => "discovery",
            Check::Algorithms => "algorithms",
            Check::Encryption => "encryption",
            Check::Uris => "uris",
            Check::Jwks => "jwks",
            Check::Clock => "clock",
            Check::Scopes => "scopes",
            Check::Acr => "acr",
            Check::Client => "client",
            Check::Routes => "routes",
            Check::Resource => "resource",
        }
    }
}

/// One finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Line {
    /// How it came out.
    pub status: Status,
    /// The group of checks.
    pub check: Check,
    /// The platform concerned (`FranceConnect+`…), when the check is one
    /// platform's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub platform: Option<&'static str>,
    /// What was checked, and what was found.
    pub message: String,
    /// What to change, naming the variable (failures and warnings).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<String>,
}

impl fmt::Display for Line {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:<4} {:<10} ", self.status.label(), self.check.name())?;
        if let Some(platform) = self.platform {
            write!(f, "{platform}: ")?;
        }
        f.write_str(&self.message)?;
        if let Some(fix) = &self.fix {
            write!(f, " — fix: {fix}")?;
        }
        Ok(())
    }
}

/// Every finding of a run, in the order they were made.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Report {
    /// The findings.
    pub lines: Vec<Line>,
}

impl Report {
    /// Adds a line that holds.
    pub fn ok(&mut self, check: Check, platform: Option<&'static str>, message: impl Into<String>) {
        self.push(Status::Ok, check, platform, message.into(), None);
    }

    /// Adds a warning, with what to look at.
    pub fn warn(
        &mut self,
        check: Check,
        platform: Option<&'static str>,
        message: impl Into<String>,
        fix: impl Into<String>,
    ) {
        self.push(Status::Warn, check, platform, message.into(), Some(fix.into()));
    }

    /// Adds a failure, with what to change.
    pub fn fail(
        &mut self,
        check: Check,
        platform: Option<&'static str>,
        message: impl Into<String>,
        fix: impl Into<String>,
    ) {
        self.push(Status::Fail, check, platform, message.into(), Some(fix.into()));
    }

    fn push(
        &mut self,
        status: Status,
        check: Check,
        platform: Option<&'static str>,
        message: String,
        fix: Option<String>,
    ) {
        self.lines.push(Line {
            status,
            check,
            platform,
            message,
            fix,
        });
    }

    /// True when no line failed: everything required holds.
    pub fn passed(&self) -> bool {
        self.count(Status::Fail) == 0
    }

    /// How many lines came out as `status`.
    pub fn count(&self, status: Status) -> usize {
        self.lines.iter().filter(|l| l.status == status).count()
    }

    /// The lines of one group of checks.
    pub fn of(&self, check: Check) -> impl Iterator<Item = &Line> {
        self.lines.iter().filter(move |l| l.check == check)
    }

    /// The process exit status: 0 when everything required holds, 1 otherwise.
    pub fn exit_code(&self) -> u8 {
        if self.passed() { 0 } else { 1 }
    }

    /// The report as JSON: `{"passed":…,"lines":[{"status","check","platform","message","fix"}…]}`.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({ "passed": self.passed(), "lines": self.lines })
    }
}

impl fmt::Display for Report {
    /// One line per finding, then the summary.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for line in &self.lines {
            writeln!(f, "{line}")?;
        }
        write!(
            f,
            "{} ok, {} warning(s), {} failure(s): {}",
            self.count(Status::Ok),
            self.count(Status::Warn),
            self.count(Status::Fail),
            if self.passed() {
                "ready for qualification"
            } else {
                "fix the FAIL lines, then run `franceconnect doctor` again"
            }
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failure_prints_its_fix_and_fails_the_run() {
        let mut report = Report::default();
        report.ok(Check::Clock, None, "within 1 s of the provider's");
        assert!(report.passed());
        assert_eq!(report.exit_code(), 0);
        report.fail(
            Check::Discovery,
            Some("FranceConnect"),
            "discovery names issuer `a`",
            "set FC_ISSUER to `a`",
        );
        let text = report.to_string();
        assert!(text.starts_with("ok   clock      within 1 s"), "{text}");
        assert!(
            text.contains("FAIL discovery  FranceConnect: discovery names issuer `a` — fix: set FC_ISSUER to `a`"),
            "{text}"
        );
        assert!(
            text.ends_with(
                "1 ok, 0 warning(s), 1 failure(s): fix the FAIL lines, then run `franceconnect doctor` again"
            )
        );
        assert_eq!(report.exit_code(), 1);
        let json = report.to_json();
        assert_eq!(json["passed"], false);
        assert_eq!(json["lines"][1]["status"], "fail");
        assert_eq!(json["lines"][1]["check"], "discovery");
        assert!(json["lines"][0].get("fix").is_none());
    }

    #[test]
    fn warnings_do_not_fail_the_run() {
        let mut report = Report::default();
        report.warn(Check::Scopes, None, "no scopes_supported", "check the registration");
        assert!(report.passed());
        assert_eq!(report.count(Status::Warn), 1);
    }
}
