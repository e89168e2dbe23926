//! eIDAS levels named in a type, for the adapters' `RequireEidas<L>`
//! extractors: `RequireEidas<level::Substantial>`. The names are eIDAS's
//! own, so that they never read as the protocol values of
//! [`Eidas`] (`eidas1`, `eidas2`, `eidas3`).

use crate::protocol::eidas::Eidas;

/// A level known at compile time.
pub trait EidasLevel: Sized + Send + Sync + 'static {
    /// The level.
    const LEVEL: Eidas;
    /// The type's one value, which the extractors hand back beside the user
    /// (`RequireEidas(user, level)`).
    const VALUE: Self;
}

/// eIDAS low (`eidas1`, FranceConnect).
#[derive(Debug, Clone, Copy)]
pub struct Low;
/// eIDAS substantial (`eidas2`, FranceConnect+).
#[derive(Debug, Clone, Copy)]
pub struct Substantial;
/// eIDAS high (`eidas3`, FranceConnect+).
#[derive(Debug, Clone, Copy)]
pub struct High;

impl EidasLevel for Low {
    const LEVEL: Eidas = Eidas::Eidas1;
    const VALUE: Self = Low;
}
impl EidasLevel for Substantial {
    const LEVEL: Eidas = Eidas::Eidas2;
    const VALUE: Self = Substantial;
}
impl EidasLevel for High {
    const LEVEL: Eidas = Eidas::Eidas3;
    const VALUE: Self = High;
}
