//! Randomness from the operating system (getrandom), for codes, tokens,
//! interaction ids and key ids.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

/// `n` random bytes.
fn bytes(n: usize) -> Vec<u8> {
    let mut buf = vec![0u8; n];
    getrandom::fill(&mut buf).expect("the operating system provides randomness");
    buf
}

/// `n` random bytes as lowercase hex (`2 n` characters).
pub(crate) fn hex(n: usize) -> String {
    hex::encode(bytes(n))
}

/// An unguessable URL-safe token (256 bits).
pub(crate) fn token() -> String {
    URL_SAFE_NO_PAD.encode(bytes(32))
}
