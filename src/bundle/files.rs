//! The bundle's optional `files` section: the bytes of attached files, base64 with their SHA-256, written after `contents` and checked file by file on import.
//!
//! The section sits beside `BundleV1` rather than in it: `BundleV1` ignores it (as every build
//! before it did). `layout` finds each entry's byte range; here one entry's text is parsed with
//! its base64 borrowed, checked for shape (a size says exactly how long its base64 is), then
//! decoded and checked against its size and hash, handed on and dropped. A bundle without the section is
//! unchanged, so this is an optional addition to format version 1, not a new version.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde::Deserialize;
use sha2::{Digest, Sha256};

use super::BundleError;
use super::v1::BundleV1;
use crate::domain::attachment::{self, MAX_FILE_BYTES, is_sha256_hex};

/// More files than this in one bundle are refused before any is decoded.
pub const MAX_CARRIED_FILES: usize = 10_000;

/// One carried file as read, its strings borrowed from the bundle's text.
#[derive(Debug, Deserialize)]
pub struct CarriedFile<'a> {
    #[serde(borrow)]
    pub sha256: &'a str,
    pub size: u64,
    #[serde(borrow)]
    pub base64: &'a str,
}

/// A carried file that passed its checks, without its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedFile {
    pub sha256: String,
    pub size: u64,
}

/// The files a bundle's cases hold now (attached and not removed since), once per hash:
/// what an export with files carries when this device has the bytes.
pub fn held_by(bundle: &BundleV1) -> Vec<CheckedFile> {
    let mut wanted: Vec<CheckedFile> = Vec::new();
    for case in &bundle.contents.cases {
        for held in attachment::files_on_case(&case.to_domain().events) {
            if !wanted.iter().any(|w| w.sha256 == held.file.sha256) {
                wanted.push(CheckedFile {
                    sha256: held.file.sha256,
                    size: held.file.size,
                });
            }
        }
    }
    wanted
}

/// The start of one carried file's JSON, up to the opening quote of its base64: the export
/// writes the base64 after it a piece at a time, then `CARRIED_TAIL`.
pub fn carried_head(sha256: &str, size: u64) -> String {
    // Only ever a hash this build computed; anything else would need escaping, so it is dropped.
    let sha256 = if is_sha256_hex(sha256) { sha256 } else { "" };
    format!("{{\"sha256\":\"{sha256}\",\"size\":{size},\"base64\":\"")
}

/// What closes one carried file's JSON after its base64.
pub const CARRIED_TAIL: &str = "\"}";

/// Everything of `bundle_json` but its closing brace, then the opening of the section; `None`
/// when the text is not a JSON object (it always is when it comes from `BundleV1::to_json`).
pub fn open_section(bundle_json: &str) -> Option<String> {
    let head = bundle_json.trim_end().strip_suffix('}')?;
    Some(format!("{head},\"files\":["))
}

/// What goes between two carried files.
pub const SEPARATOR: &str = ",";
/// What closes the section and the bundle.
pub const CLOSE_SECTION: &str = "]}";

/// Carried file `index` from its entry's own text (as `layout` found it), checked for shape.
pub fn entry(index: usize, text: &str) -> Result<CarriedFile<'_>, BundleError> {
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let file: CarriedFile<'_> =
        serde_path_to_error::deserialize(&mut deserializer).map_err(|e| {
            let inner = e.path().to_string();
            BundleError::Invalid {
                path: if inner == "." {
                    format!("files[{index}]")
                } else {
                    format!("files[{index}].{inner}")
                },
                reason: plain(&e.inner().to_string()),
            }
        })?;
    deserializer.end().map_err(|e| BundleError::Invalid {
        path: format!("files[{index}]"),
        reason: plain(&e.to_string()),
    })?;
    check_shape(index, &file)?;
    Ok(file)
}

/// Decodes carried file `index` and checks its bytes against its size and hash.
pub fn decode(index: usize, file: &CarriedFile<'_>) -> Result<Vec<u8>, BundleError> {
    check_shape(index, file)?;
    let bytes = STANDARD
        .decode(file.base64)
        .map_err(|e| invalid(index, "base64", &format!("not base64 ({e})")))?;
    if bytes.len() as u64 != file.size {
        return Err(invalid(
            index,
            "size",
            &format!(
                "says {} bytes but its base64 holds {}",
                file.size,
                bytes.len()
            ),
        ));
    }
    let actual = sha256_hex(&bytes);
    if actual != file.sha256 {
        return Err(invalid(
            index,
            "sha256",
            &format!(
                "the bytes do not match their hash (they hash to {actual}): the file was changed or damaged"
            ),
        ));
    }
    Ok(bytes)
}

/// Lowercase hex SHA-256, as the log writes it.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn check_shape(index: usize, file: &CarriedFile<'_>) -> Result<(), BundleError> {
    if !is_sha256_hex(file.sha256) {
        return Err(invalid(index, "sha256", "expected 64 lowercase hex digits"));
    }
    if file.size == 0 || file.size > MAX_FILE_BYTES {
        return Err(invalid(
            index,
            "size",
            &format!(
                "{} bytes; a carried file holds 1 byte to {}",
                file.size,
                attachment::size_label(MAX_FILE_BYTES)
            ),
        ));
    }
    // Padded base64 of n bytes is exactly 4 * ceil(n / 3) characters: checked before decoding,
    // so a file claiming 10 bytes cannot make the reader decode a gigabyte.
    let expected = file.size.div_ceil(3).saturating_mul(4);
    if file.base64.len() as u64 != expected {
        return Err(invalid(
            index,
            "base64",
            &format!(
                "{} characters, but {} bytes take {expected}",
                file.base64.len(),
                file.size
            ),
        ));
    }
    Ok(())
}

fn invalid(index: usize, field: &str, reason: &str) -> BundleError {
    BundleError::Invalid {
        path: format!("files[{index}].{field}"),
        reason: reason.to_string(),
    }
}

/// serde's wording without its line and column (the path says where); a string with escapes
/// cannot be borrowed, and base64 or hex never needs one.
fn plain(message: &str) -> String {
    let message = match message.rsplit_once(" at line ") {
        Some((before, _)) => before,
        None => message,
    };
    if message.contains("borrowed string") {
        return "expected plain text without escapes".into();
    }
    message.to_string()
}

#[cfg(all(test, not(target_arch = "wasm32")))]
#[path = "files_tests.rs"]
mod tests;
