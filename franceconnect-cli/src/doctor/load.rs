//! Loading the configuration through the engine's own loader
//! (`Config::builder_from_lookup`, or `Config::federation_builders_from_lookup`
//! with `FC_PLATFORMS`), so that the doctor reads exactly what the
//! application reads.
//!
//! The loader stops at the first variable it refuses. To go on checking the
//! rest, the doctor then loads again with that variable's group set aside
//! (unset, or a placeholder): if the load gets past it, the refusal is that
//! group's finding, and the other checks run on the rest of the
//! configuration.

use franceconnect_tower::{Config, ConfigBuilder, ConfigError, EncryptionAlg, ServiceKeys, SigningAlg};

use super::Lookup;
use crate::report::{Check, Report};

/// The variables a check owns, which the loader may refuse.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Group {
    /// `APP_URL`, `FC_REDIRECT_URI`, `FC_POST_LOGOUT_REDIRECT_URI`.
    Uris,
    /// `FC_SCOPES`.
    Scopes,
    /// `FC_ACR`.
    Acr,
    /// `FC_KEYS_FILE`.
    Keys,
}

impl Group {
    const ALL: [Group; 4] = [Group::Uris, Group::Scopes, Group::Acr, Group::Keys];

    /// The names (after `FC_`, or after a federation's `FC_{PLATFORM}_`)
    /// of the variables this group owns.
    fn suffixes(self) -> &'static [&'static str] {
        match self {
            Group::Uris => &["REDIRECT_URI", "POST_LOGOUT_REDIRECT_URI"],
            Group::Scopes => &["SCOPES"],
            Group::Acr => &["ACR"],
            Group::Keys => &["KEYS_FILE"],
        }
    }

    /// The check whose lines say what this group's variables hold.
    fn check(self) -> Check {
        match self {
            Group::Uris => Check::Uris,
            Group::Scopes => Check::Scopes,
            Group::Acr => Check::Acr,
            Group::Keys => Check::Encryption,
        }
    }

    fn owns(self, name: &str) -> bool {
        if self == Group::Uris && name == "APP_URL" {
            return true;
        }
        let Some(rest) = name.strip_prefix("FC_") else {
            return false;
        };
        let rest = ["FC_", "FCPLUS_", "PROCONNECT_"]
            .iter()
            .find_map(|p| rest.strip_prefix(p).filter(|r| self.suffixes().contains(r)))
            .unwrap_or(rest);
        self.suffixes().contains(&rest)
    }

    /// What the group's variable reads while it is set aside: `APP_URL` a
    /// valid placeholder (the URIs default from it), the others unset.
    fn neutral(self, name: &str) -> Option<String> {
        (self == Group::Uris && name == "APP_URL").then(|| "https://service.invalid".to_owned())
    }
}

/// A variable the loader refused, and its message.
#[derive(Debug, Clone)]
pub(crate) struct Refusal {
    pub(crate) group: Group,
    pub(crate) message: String,
}

/// The configuration as the application would load it.
pub(crate) struct Loaded {
    /// One configuration per platform (one, without `FC_PLATFORMS`).
    pub(crate) configs: Vec<Config>,
    /// True with `FC_PLATFORMS`: each platform's routes under
    /// `/auth/{platform}`.
    pub(crate) federation: bool,
    /// The groups the loader refused, each with the loader's message; the
    /// configurations were then loaded with these groups set aside.
    pub(crate) refused: Vec<Refusal>,
}

impl Loaded {
    /// The loader's refusal of `group`, if any.
    pub(crate) fn refusal(&self, group: Group) -> Option<&Refusal> {
        self.refused.iter().find(|r| r.group == group)
    }

    /// The prologue of the check of `group`'s variables: when the loader
    /// refused them, says so on the check's line, with what `fix` advises,
    /// on the `first` platform only (a refusal is the whole
    /// configuration's), and returns true: the check has nothing of its
    /// own to read, on any platform.
    pub(crate) fn said_refused(
        &self,
        report: &mut Report,
        group: Group,
        first: bool,
        fix: impl FnOnce() -> String,
    ) -> bool {
        let Some(refusal) = self.refusal(group) else {
            return false;
        };
        if first {
            report.fail(group.check(), None, refusal.message.clone(), fix());
        }
        true
    }
}

/// Loads the configuration; a refusal no group explains (a missing client
/// id, an unknown platform…) is returned as the error.
pub(crate) fn load(lookup: &Lookup) -> Result<Loaded, ConfigError> {
    let mut aside: Vec<Group> = Vec::new();
    let mut refused = Vec::new();
    loop {
        let error = match load_with(lookup, &aside) {
            Ok((configs, federation)) => {
                return Ok(Loaded {
                    configs,
                    federation,
                    refused,
                });
            }
            Err(e) => e,
        };
        // The group whose setting aside gets the loader past this refusal.
        let culprit = Group::ALL.into_iter().filter(|g| !aside.contains(g)).find(|g| {
            let mut more = aside.clone();
            more.push(*g);
            load_with(lookup, &more).map_or_else(|e| e.to_string() != error.to_string(), |_| true)
        });
        match culprit {
            Some(group) => {
                refused.push(Refusal {
                    group,
                    message: error.to_string(),
                });
                aside.push(group);
            }
            None => return Err(error),
        }
    }
}

/// One load, with the `aside` groups set aside.
fn load_with(lookup: &Lookup, aside: &[Group]) -> Result<(Vec<Config>, bool), ConfigError> {
    let masked = |name: &str| match aside.iter().find(|g| g.owns(name)) {
        Some(group) => group.neutral(name),
        None => lookup(name),
    };
    let federation = masked("FC_PLATFORMS").is_some();
    let builders: Vec<ConfigBuilder> = if federation {
        Config::federation_builders_from_lookup(masked)?
    } else {
        vec![Config::builder_from_lookup(masked)?]
    };
    // Keys set aside: placeholders of both uses, so that the other checks
    // run (a platform that encrypts, or `private_key_jwt`, needs one).
    let placeholder = if aside.contains(&Group::Keys) {
        Some(ServiceKeys::generate(EncryptionAlg::EcdhEs)?.merge(ServiceKeys::generate_signing(SigningAlg::Es256)?)?)
    } else {
        None
    };
    let configs = builders
        .into_iter()
        .map(|b| match &placeholder {
            Some(keys) => b.service_keys(keys.clone()).build(),
            None => b.build(),
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok((configs, federation))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_group_owns_its_variables_under_every_name() {
        assert!(Group::Scopes.owns("FC_SCOPES"));
        assert!(Group::Scopes.owns("FC_PROCONNECT_SCOPES"));
        assert!(Group::Scopes.owns("FC_FC_SCOPES"));
        assert!(!Group::Scopes.owns("FC_ACR"));
        assert!(Group::Uris.owns("APP_URL"));
        assert!(Group::Uris.owns("FC_FCPLUS_POST_LOGOUT_REDIRECT_URI"));
        assert!(Group::Keys.owns("FC_KEYS_FILE"));
        assert!(!Group::Keys.owns("FC_CLIENT_ID"));
    }
}
