//! The JOSE algorithms FranceConnect uses, as closed enums: anything else
//! (`none`, `HS256`, `RSA1_5`, …) cannot even be named.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A signature algorithm the provider may use for ID tokens and userinfo.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum SigningAlg {
    /// ECDSA P-256 SHA-256: both platforms, recommended.
    #[serde(rename = "ES256")]
    Es256,
    /// RSASSA-PKCS1-v1_5 SHA-256: FranceConnect only, when the client is
    /// registered for it.
    #[serde(rename = "RS256")]
    Rs256,
}

impl SigningAlg {
    /// The JOSE name.
    pub fn as_str(self) -> &'static str {
        match self {
            SigningAlg::Es256 => "ES256",
            SigningAlg::Rs256 => "RS256",
        }
    }
}

/// A key-management algorithm for encrypted tokens (always on
/// FranceConnect+; on FranceConnect only `ECDH-ES` and `RSA-OAEP`). The
/// content encryption is always `A256GCM`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum EncryptionAlg {
    /// ECDH-ES with a P-256 key.
    #[serde(rename = "ECDH-ES")]
    EcdhEs,
    /// RSAES-OAEP (SHA-1) with an RSA key of at least 2048 bits.
    #[serde(rename = "RSA-OAEP")]
    RsaOaep,
    /// RSAES-OAEP with SHA-256, with an RSA key of at least 2048 bits.
    #[serde(rename = "RSA-OAEP-256")]
    RsaOaep256,
}

impl EncryptionAlg {
    /// All three, in the order FranceConnect+ lists them.
    pub const ALL: [EncryptionAlg; 3] = [EncryptionAlg::EcdhEs, EncryptionAlg::RsaOaep, EncryptionAlg::RsaOaep256];

    /// The JOSE name.
    pub fn as_str(self) -> &'static str {
        match self {
            EncryptionAlg::EcdhEs => "ECDH-ES",
            EncryptionAlg::RsaOaep => "RSA-OAEP",
            EncryptionAlg::RsaOaep256 => "RSA-OAEP-256",
        }
    }

    /// The JWK key type this algorithm needs.
    pub fn key_type(self) -> &'static str {
        match self {
            EncryptionAlg::EcdhEs => "EC",
            EncryptionAlg::RsaOaep | EncryptionAlg::RsaOaep256 => "RSA",
        }
    }
}

/// The only content encryption accepted.
pub(crate) const CONTENT_ENCRYPTION: &str = "A256GCM";

/// An algorithm name that is not on the allow-list.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("algorithm not allowed")]
pub struct AlgorithmNotAllowed;

impl FromStr for SigningAlg {
    type Err = AlgorithmNotAllowed;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "ES256" => Ok(SigningAlg::Es256),
            "RS256" => Ok(SigningAlg::Rs256),
            _ => Err(AlgorithmNotAllowed),
        }
    }
}

impl FromStr for EncryptionAlg {
    type Err = AlgorithmNotAllowed;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "ECDH-ES" => Ok(EncryptionAlg::EcdhEs),
            "RSA-OAEP" => Ok(EncryptionAlg::RsaOaep),
            "RSA-OAEP-256" => Ok(EncryptionAlg::RsaOaep256),
            _ => Err(AlgorithmNotAllowed),
        }
    }
}

impl fmt::Display for SigningAlg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Display for EncryptionAlg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dangerous_algorithms_do_not_parse() {
        for bad in ["none", "HS256", "RS512", "PS256", "es256", ""] {
            assert!(bad.parse::<SigningAlg>().is_err(), "{bad}");
        }
        for bad in ["RSA1_5", "dir", "A256KW", "ECDH-ES+A256KW", "PBES2-HS256+A128KW"] {
            assert!(bad.parse::<EncryptionAlg>().is_err(), "{bad}");
        }
        for alg in EncryptionAlg::ALL {
            assert_eq!(alg.as_str().parse::<EncryptionAlg>(), Ok(alg));
        }
    }
}
