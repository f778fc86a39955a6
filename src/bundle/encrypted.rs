//! The encrypted bundle's envelope: which key derivation and cipher sealed it, with their parameters, around the ciphertext of an ordinary bundle.
//!
//! ```json
//! {"format": "escalation-desk.encrypted-bundle", "version": 1,
//!  "kdf": {"name": "PBKDF2", "hash": "SHA-256", "iterations": 600000, "salt": "<base64, 16 bytes>"},
//!  "cipher": {"name": "AES-GCM", "length": 256, "iv": "<base64, 12 bytes>"},
//!  "ciphertext": "<base64: AES-GCM output, the 16-byte tag at its end>"}
//! ```
//!
//! The plaintext is the UTF-8 JSON of a plain bundle. The cryptography itself is WebCrypto's
//! (see `ui::crypto`); this module only reads and writes the envelope.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde::{Deserialize, Serialize};

use super::BundleError;

pub const ENCRYPTED_FORMAT: &str = "escalation-desk.encrypted-bundle";
/// OWASP's 2023 figure for PBKDF2-HMAC-SHA256.
pub const PBKDF2_ITERATIONS: u32 = 600_000;
pub const SALT_BYTES: usize = 16;
pub const IV_BYTES: usize = 12;
/// A file asking for more than this would hold the tab for minutes before failing.
const MAX_ITERATIONS: u32 = 10_000_000;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EncryptedBundle {
    pub format: String,
    pub version: u32,
    pub kdf: Kdf,
    pub cipher: Cipher,
    pub ciphertext: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Kdf {
    pub name: String,
    pub hash: String,
    pub iterations: u32,
    pub salt: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cipher {
    pub name: String,
    pub length: u32,
    pub iv: String,
}

/// The decoded parameters WebCrypto needs to open a sealed bundle.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sealed {
    pub iterations: u32,
    pub salt: Vec<u8>,
    pub iv: Vec<u8>,
    pub ciphertext: Vec<u8>,
}

/// True when `text` is an encrypted envelope rather than a plain bundle. The writer puts
/// `format` first, so looking at the opening is enough and a 100 MB plain bundle is not parsed twice.
pub fn is_encrypted(text: &str) -> bool {
    let opening = text.as_bytes().get(..512).unwrap_or(text.as_bytes());
    opening
        .windows(ENCRYPTED_FORMAT.len())
        .any(|w| w == ENCRYPTED_FORMAT.as_bytes())
}

/// Wraps WebCrypto's output in the envelope.
pub fn seal(salt: &[u8], iv: &[u8], ciphertext: &[u8]) -> String {
    let envelope = EncryptedBundle {
        format: ENCRYPTED_FORMAT.into(),
        version: 1,
        kdf: Kdf {
            name: "PBKDF2".into(),
            hash: "SHA-256".into(),
            iterations: PBKDF2_ITERATIONS,
            salt: STANDARD.encode(salt),
        },
        cipher: Cipher {
            name: "AES-GCM".into(),
            length: 256,
            iv: STANDARD.encode(iv),
        },
        ciphertext: STANDARD.encode(ciphertext),
    };
    // Proof: the envelope is strings and numbers, which serde_json writes to memory without error.
    #[allow(clippy::expect_used)]
    serde_json::to_string(&envelope).expect("an envelope always serialises")
}

/// Reads the envelope and checks every parameter before any key is derived.
pub fn open_envelope(text: &str) -> Result<Sealed, BundleError> {
    let bad = |what: &str| BundleError::Encrypted(format!("encrypted bundle: {what}"));
    let envelope: EncryptedBundle = serde_json::from_str(text).map_err(|e| {
        if e.classify() == serde_json::error::Category::Eof {
            BundleError::Truncated {
                line: e.line(),
                column: e.column(),
            }
        } else {
            bad(&format!("the envelope is damaged ({e})"))
        }
    })?;
    if envelope.format != ENCRYPTED_FORMAT {
        return Err(bad("unexpected format"));
    }
    if envelope.version > 1 {
        return Err(BundleError::Newer(envelope.version));
    }
    if envelope.kdf.name != "PBKDF2" || envelope.kdf.hash != "SHA-256" {
        return Err(bad(&format!(
            "key derivation {}/{} is not supported (PBKDF2/SHA-256 is)",
            envelope.kdf.name, envelope.kdf.hash
        )));
    }
    if !(PBKDF2_ITERATIONS..=MAX_ITERATIONS).contains(&envelope.kdf.iterations) {
        return Err(bad(&format!(
            "{} PBKDF2 iterations is outside {PBKDF2_ITERATIONS}..={MAX_ITERATIONS}",
            envelope.kdf.iterations
        )));
    }
    if envelope.cipher.name != "AES-GCM" || envelope.cipher.length != 256 {
        return Err(bad(&format!(
            "cipher {}-{} is not supported (AES-GCM-256 is)",
            envelope.cipher.name, envelope.cipher.length
        )));
    }
    let decode = |field: &str, value: &str| {
        STANDARD
            .decode(value)
            .map_err(|e| bad(&format!("{field} is not base64 ({e})")))
    };
    let salt = decode("kdf.salt", &envelope.kdf.salt)?;
    let iv = decode("cipher.iv", &envelope.cipher.iv)?;
    let ciphertext = decode("ciphertext", &envelope.ciphertext)?;
    if salt.len() != SALT_BYTES {
        return Err(bad(&format!(
            "the salt is {} bytes, not {SALT_BYTES}",
            salt.len()
        )));
    }
    if iv.len() != IV_BYTES {
        return Err(bad(&format!(
            "the IV is {} bytes, not {IV_BYTES}",
            iv.len()
        )));
    }
    if ciphertext.len() < 16 {
        return Err(bad("the ciphertext is shorter than its authentication tag"));
    }
    Ok(Sealed {
        iterations: envelope.kdf.iterations,
        salt,
        iv,
        ciphertext,
    })
}

#[cfg(test)]
#[allow(clippy::string_slice)]
mod tests {
    use super::*;

    #[test]
    fn a_sealed_envelope_opens_to_the_same_parameters() {
        let text = seal(&[7; 16], &[9; 12], &[1; 40]);
        assert!(is_encrypted(&text));
        let sealed = open_envelope(&text).unwrap();
        assert_eq!(sealed.iterations, PBKDF2_ITERATIONS);
        assert_eq!(sealed.salt, vec![7; 16]);
        assert_eq!(sealed.iv, vec![9; 12]);
        assert_eq!(sealed.ciphertext, vec![1; 40]);
        assert!(!is_encrypted(
            r#"{"format":"escalation-desk.bundle","version":1}"#
        ));
    }

    #[test]
    fn weak_or_damaged_envelopes_are_refused_before_any_key_is_derived() {
        let good = seal(&[7; 16], &[9; 12], &[1; 40]);
        let cases = [
            (good.replace("600000", "1000"), "iterations is outside"),
            (good.replace("SHA-256", "SHA-1"), "not supported"),
            (
                good.replace("\"length\":256", "\"length\":128"),
                "AES-GCM-256",
            ),
            (seal(&[7; 8], &[9; 12], &[1; 40]), "salt is 8 bytes"),
            (
                seal(&[7; 16], &[9; 12], &[1; 4]),
                "shorter than its authentication tag",
            ),
            (good.replace("\"iv\":\"", "\"iv\":\"!!"), "not base64"),
            (good[..good.len() - 10].to_string(), "truncated"),
            (
                good.replace("\"version\":1", "\"version\":2"),
                "newer Escalation Desk",
            ),
        ];
        for (text, expected) in cases {
            let message = open_envelope(&text).unwrap_err().to_string();
            assert!(message.contains(expected), "{expected}: {message}");
        }
    }
}
