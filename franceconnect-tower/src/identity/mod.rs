//! Who signed in: the typed pivot identity and its claim formats, and the
//! signed-in user with the claims their scopes gave.

mod pivot;
mod user;

pub use pivot::{BirthDate, DatePrecision, Gender, InseeCommune, InseeCountry, PivotIdentity};
pub(crate) use pivot::{check_email, check_name};
pub use user::{SignedInUser, UserClaims};
