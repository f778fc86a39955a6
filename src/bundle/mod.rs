//! The versioned JSON exchange format: the envelope every version shares, and the versions themselves.
//!
//! Bundle types are the format's own, separate from the domain's records and from storage's:
//! the format is a promise to every file already on a teammate's disk.

use serde::Deserialize;

pub mod couch;
pub mod couch_bulk;
pub mod couch_conflict;
pub mod couch_record_review;
pub mod couch_records;
pub mod couch_removals;
pub mod encrypted;
pub mod files;
pub mod layout;
pub mod redact;
pub mod v1;
mod v1_checks;
pub use v1_checks::unresolved_references;

pub const FORMAT: &str = "escalation-desk.bundle";
/// The newest format version this build can read.
pub const CURRENT_VERSION: u32 = 1;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BundleError {
    #[error("not JSON: {0}")]
    NotJson(String),
    #[error("the file ends early at line {line}, column {column}: it looks truncated")]
    Truncated { line: usize, column: usize },
    #[error("the file is {} MB; bundles over {} MB are refused", .bytes / 1_048_576, v1::MAX_BUNDLE_BYTES / 1_048_576)]
    TooLarge { bytes: usize },
    #[error("the file is {} MB; bundle files over {} MB are refused", .bytes / 1_048_576, v1::MAX_FILE_BYTES_WITH_FILES / 1_048_576)]
    FileTooLarge { bytes: u64 },
    #[error("the bundle without its attached files is over {} MB; bundles over {} MB are refused", v1::MAX_BUNDLE_BYTES / 1_048_576, v1::MAX_BUNDLE_BYTES / 1_048_576)]
    TooLargeWithoutFiles,
    #[error("{path}: {reason}")]
    Invalid { path: String, reason: String },
    #[error("{0}")]
    Encrypted(String),
    #[error("format: expected \"{FORMAT}\", found {0}")]
    WrongFormat(String),
    #[error(
        "version: this bundle was made by a newer Escalation Desk (format version {0}); update first"
    )]
    Newer(u32),
    #[error("version: {0}")]
    BadVersion(String),
}

#[derive(Deserialize)]
struct RawEnvelope {
    format: Option<serde_json::Value>,
    version: Option<serde_json::Value>,
}

/// Reads just enough of `text` to know whether this build may import it; returns the format version.
pub fn check_envelope(text: &str) -> Result<u32, BundleError> {
    let raw: RawEnvelope = serde_json::from_str(text).map_err(not_json)?;
    match raw.format {
        Some(serde_json::Value::String(f)) if f == FORMAT => {}
        Some(other) => return Err(BundleError::WrongFormat(other.to_string())),
        None => return Err(BundleError::WrongFormat("nothing".into())),
    }
    let version = match raw.version {
        Some(serde_json::Value::Number(n)) => n
            .as_u64()
            .filter(|v| *v >= 1 && *v <= u32::MAX as u64)
            .ok_or_else(|| BundleError::BadVersion(format!("{n} is not a positive whole number")))?
            as u32,
        Some(other) => {
            return Err(BundleError::BadVersion(format!(
                "expected a number, found {other}"
            )));
        }
        None => return Err(BundleError::BadVersion("missing".into())),
    };
    if version > CURRENT_VERSION {
        return Err(BundleError::Newer(version));
    }
    Ok(version)
}

fn not_json(e: serde_json::Error) -> BundleError {
    if e.classify() == serde_json::error::Category::Eof {
        BundleError::Truncated {
            line: e.line(),
            column: e.column(),
        }
    } else {
        BundleError::NotJson(e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(text: &str, expected: Result<u32, &str>) {
        let got = check_envelope(text).map_err(|e| e.to_string());
        match expected {
            Ok(v) => assert_eq!(got, Ok(v), "{text}"),
            Err(fragment) => {
                let message = got.expect_err(text);
                assert!(message.contains(fragment), "{text}: {message}");
            }
        }
    }

    #[test]
    fn envelope_rules() {
        check(
            r#"{"format":"escalation-desk.bundle","version":1,"contents":{}}"#,
            Ok(1),
        );
        check("not json", Err("not JSON"));
        check(r#"{"format":"escalation-desk.bun"#, Err("looks truncated"));
        check(
            r#"{"format":"excalidraw","version":1}"#,
            Err("format: expected"),
        );
        check(r#"{"version":1}"#, Err("found nothing"));
        check(
            r#"{"format":"escalation-desk.bundle","version":2}"#,
            Err("newer Escalation Desk"),
        );
        check(
            r#"{"format":"escalation-desk.bundle","version":"1"}"#,
            Err("expected a number"),
        );
        check(
            r#"{"format":"escalation-desk.bundle","version":0}"#,
            Err("not a positive"),
        );
        check(
            r#"{"format":"escalation-desk.bundle"}"#,
            Err("version: missing"),
        );
    }
}
