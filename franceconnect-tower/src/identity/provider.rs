//! Who authenticated the person: the identity provider behind the platform
//! (`idp_id`), with the well-known ones named.

use std::fmt;

use crate::config::Platform;

/// An identity provider the platforms' own published data names.
///
/// The ids are FranceConnect's (`france-connect/sources`, the identity
/// providers of its `display-idp-as-in-prod` data set). A provider not in
/// this list is still reported, by its id, in [`IdentityProvider::id`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum KnownIdentityProvider {
    /// FranceConnect's eIDAS bridge: a European citizen, authenticated by
    /// their own country.
    EidasBridge,
    /// Aidants Connect: a professional helper signed in on the person's
    /// behalf, under a mandate.
    AidantsConnect,
    /// France Identité, the State's digital identity card app.
    FranceIdentite,
    /// impots.gouv.fr.
    ImpotsGouv,
    /// ameli.fr (Assurance Maladie).
    Ameli,
    /// L'Identité Numérique La Poste.
    LaPoste,
    /// MSA (Mutualité sociale agricole).
    Msa,
}

/// `(platform, idp_id, provider)`.
const KNOWN: &[(Platform, &str, KnownIdentityProvider)] = &[
    (
        Platform::FranceConnect,
        "1f4d6633-d853-43c6-b461-ce54fdc19bff",
        KnownIdentityProvider::EidasBridge,
    ),
    (
        Platform::FranceConnect,
        "3189d655-0c78-4ff7-9758-f3a3ac36dd7e",
        KnownIdentityProvider::AidantsConnect,
    ),
    (
        Platform::FranceConnect,
        "0b2d3258-0ef4-42d8-981f-083175368c92",
        KnownIdentityProvider::FranceIdentite,
    ),
    (
        Platform::FranceConnect,
        "8dfc4080-c90d-4234-969b-f6c961de3e90",
        KnownIdentityProvider::ImpotsGouv,
    ),
    (
        Platform::FranceConnect,
        "07e573f2-3312-4bb9-bc48-6fcec737e497",
        KnownIdentityProvider::Ameli,
    ),
    (
        Platform::FranceConnect,
        "7d4455fb-3141-4b12-8a18-718d2cb9b149",
        KnownIdentityProvider::LaPoste,
    ),
    (
        Platform::FranceConnect,
        "c8d48186-811f-4c78-85f3-a5cd2ea7bfef",
        KnownIdentityProvider::Msa,
    ),
    (
        Platform::FranceConnectPlus,
        "8aa849db-8402-4f2e-bad9-7471dd21ff94",
        KnownIdentityProvider::EidasBridge,
    ),
    (
        Platform::FranceConnectPlus,
        "eda17ef8-55a2-45b6-bf3f-e2406240949c",
        KnownIdentityProvider::FranceIdentite,
    ),
    (
        Platform::FranceConnectPlus,
        "87e69e8d-dc70-40c7-9d9f-48a7a33d6dfd",
        KnownIdentityProvider::LaPoste,
    ),
];

impl KnownIdentityProvider {
    /// Its name, as the platforms show it to people.
    pub fn display_name(self) -> &'static str {
        match self {
            KnownIdentityProvider::EidasBridge => "eIDAS (identité européenne)",
            KnownIdentityProvider::AidantsConnect => "Aidants Connect",
            KnownIdentityProvider::FranceIdentite => "France Identité",
            KnownIdentityProvider::ImpotsGouv => "impots.gouv.fr",
            KnownIdentityProvider::Ameli => "ameli.fr",
            KnownIdentityProvider::LaPoste => "L'Identité Numérique La Poste",
            KnownIdentityProvider::Msa => "MSA",
        }
    }

    /// Its `idp_id` on `platform`, when the platform's data name it there.
    pub fn id_on(self, platform: Platform) -> Option<&'static str> {
        KNOWN
            .iter()
            .find(|(p, _, known)| *p == platform && *known == self)
            .map(|(_, id, _)| *id)
    }
}

/// The identity provider that authenticated a person: the `idp_id` claim
/// (scope `idp_id`, on FranceConnect and ProConnect; FranceConnect+ does
/// not release it) and, when it is one of them, the well-known provider.
///
/// ```
/// use franceconnect_tower::{IdentityProvider, KnownIdentityProvider, Platform};
///
/// let idp = IdentityProvider::new(Platform::FranceConnect, "3189d655-0c78-4ff7-9758-f3a3ac36dd7e");
/// assert_eq!(idp.known(), Some(KnownIdentityProvider::AidantsConnect));
/// assert_eq!(IdentityProvider::new(Platform::ProConnect, "some-uuid").known(), None);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct IdentityProvider {
    id: String,
    known: Option<KnownIdentityProvider>,
}

impl IdentityProvider {
    /// The provider with this `idp_id` on `platform`.
    pub fn new(platform: Platform, id: &str) -> Self {
        let known = KNOWN
            .iter()
            .find(|(p, known_id, _)| *p == platform && known_id.eq_ignore_ascii_case(id))
            .map(|(_, _, known)| *known);
        IdentityProvider {
            id: id.to_owned(),
            known,
        }
    }

    /// The `idp_id`, as sent. On ProConnect it is also what a later login's
    /// `idp_hint` takes.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The well-known provider it is, if any.
    pub fn known(&self) -> Option<KnownIdentityProvider> {
        self.known
    }
}

impl fmt::Display for IdentityProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.known {
            Some(known) => f.write_str(known.display_name()),
            None => f.write_str(&self.id),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_known_provider_is_found_by_its_id_on_its_platform_only() {
        for (platform, id, known) in KNOWN {
            assert_eq!(IdentityProvider::new(*platform, id).known(), Some(*known));
            assert_eq!(known.id_on(*platform), Some(*id));
            assert_eq!(IdentityProvider::new(Platform::ProConnect, id).known(), None);
        }
        let other = IdentityProvider::new(Platform::FranceConnect, "0000");
        assert_eq!((other.known(), other.to_string()), (None, "0000".to_owned()));
        assert_eq!(
            KnownIdentityProvider::AidantsConnect.id_on(Platform::FranceConnectPlus),
            None
        );
    }
}
