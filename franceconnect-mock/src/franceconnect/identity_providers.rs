//! The identity providers FranceConnect and FranceConnect+ offer the
//! user, the only values their `idp_hint` accepts.

use crate::identities::{DEFAULT_IDP_ID, EIDAS_BRIDGE_IDP_ID};

/// The identity providers the mock's platform offers, as `(idp_hint, name)`:
/// an `idp_hint` outside this list gets `invalid_idp_hint` on the callback.
/// The ids are FranceConnect's own (its published fixtures), the values of
/// the `idp_id` claim ([`Identity::idp_id`](crate::Identity::idp_id)); the
/// first is the provider of a person whose file names none.
pub const IDENTITY_PROVIDERS: [(&str, &str); 7] = [
    (DEFAULT_IDP_ID, "impots.gouv.fr"),
    ("07e573f2-3312-4bb9-bc48-6fcec737e497", "ameli.fr"),
    ("7d4455fb-3141-4b12-8a18-718d2cb9b149", "L'Identité Numérique La Poste"),
    ("c8d48186-811f-4c78-85f3-a5cd2ea7bfef", "MSA"),
    ("0b2d3258-0ef4-42d8-981f-083175368c92", "France Identité"),
    ("3189d655-0c78-4ff7-9758-f3a3ac36dd7e", "Aidants Connect"),
    (EIDAS_BRIDGE_IDP_ID, "eIDAS (identité européenne)"),
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::identities::Identity;

    #[test]
    fn every_default_person_comes_through_a_listed_provider() {
        for person in Identity::defaults() {
            assert!(
                IDENTITY_PROVIDERS.iter().any(|(id, _)| *id == person.idp_id()),
                "{}",
                person.id
            );
        }
    }
}
