//! The protocol's values and the platforms' code tables: the `acr` values,
//! eIDAS levels and `amr`, the newtypes of secrets and identifiers, and the
//! platforms' error codes.

pub(crate) mod acr;
pub(crate) mod eidas;
pub(crate) mod platform_codes;
pub(crate) mod sealing;
pub(crate) mod values;
