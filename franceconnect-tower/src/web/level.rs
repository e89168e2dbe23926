//! Marker types naming an eIDAS level in a type, for the adapters'
//! `RequireEidas<L>` extractors (`RequireEidas<level::Eidas3>`).

use crate::eidas::Eidas;

/// A level known at compile time.
pub trait EidasLevel: Send + Sync + 'static {
    /// The level.
    const LEVEL: Eidas;
}

/// eIDAS low (FranceConnect).
#[derive(Debug, Clone, Copy)]
pub struct Eidas1;
/// eIDAS substantial (FranceConnect+).
#[derive(Debug, Clone, Copy)]
pub struct Eidas2;
/// eIDAS high (FranceConnect+).
#[derive(Debug, Clone, Copy)]
pub struct Eidas3;

impl EidasLevel for Eidas1 {
    const LEVEL: Eidas = Eidas::Eidas1;
}
impl EidasLevel for Eidas2 {
    const LEVEL: Eidas = Eidas::Eidas2;
}
impl EidasLevel for Eidas3 {
    const LEVEL: Eidas = Eidas::Eidas3;
}
