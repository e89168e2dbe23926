//! The identity providers FranceConnect and FranceConnect+ offer the
//! user, the only values their `idp_hint` accepts.

/// The identity providers the mock's platform offers, as `(idp_hint, name)`:
/// an `idp_hint` outside this list gets `invalid_idp_hint` on the callback.
pub const IDENTITY_PROVIDERS: [(&str, &str); 4] = [
    ("b61f31b8-c131-40d0-9eca-109219249db6", "impots.gouv.fr"),
    ("fcb9c3c4-2a1b-4b2e-9a8b-3c2d1e0f9a8b", "ameli.fr"),
    ("0e2b8a38-6a4c-4f5e-8d7e-6b5a4c3d2e1f", "L'Identité Numérique La Poste"),
    ("7d3c2b1a-0f9e-4d8c-b7a6-5e4f3d2c1b0a", "MSA"),
];
