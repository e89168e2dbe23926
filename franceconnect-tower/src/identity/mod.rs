//! Who signed in: the typed pivot identity (FranceConnect) and agent
//! identity (ProConnect) with their claim formats, and the signed-in user
//! with the claims their scopes gave.

mod agent;
mod birthplace;
mod pivot;
mod provider;
mod reconcile;
mod user;

pub use agent::{AgentIdentity, AgentRole, Siren, Siret};
pub use birthplace::Birthplace;
pub use pivot::{BirthDate, DatePrecision, Gender, InseeCommune, InseeCountry, PivotIdentity};
pub(crate) use pivot::{check_email, check_name};
pub use provider::{IdentityProvider, KnownIdentityProvider};
pub use reconcile::{AgentMatch, CitizenMatchKey};
pub use user::{SignedInUser, UserClaims};
pub(crate) use user::{StoredUser, pivot_of};
