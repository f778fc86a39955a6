//! Reading a version 1 bundle: the size cap, the envelope, every field with its JSON path, then the value rules; a refusal says where and why.

use super::*;

/// Reads and checks a bundle's text: the envelope first (so a newer or foreign file says so
/// plainly), then every field with its JSON path, then the rules JSON cannot express.
pub fn read(text: &str) -> Result<BundleV1, BundleError> {
    if text.len() > MAX_BUNDLE_BYTES {
        return Err(BundleError::TooLarge { bytes: text.len() });
    }
    check_envelope(text)?;
    // Tracking the path of every value costs about a third of the parse, so a file is parsed
    // plainly first, and only a file that fails is parsed again to say where it fails.
    let bundle = match serde_json::from_str::<BundleV1>(text) {
        Ok(bundle) => bundle,
        Err(_) => return Err(locate_error(text)),
    };
    crate::bundle::v1_checks::check_rules(&bundle)?;
    crate::bundle::v1_checks::check_values(&bundle)?;
    Ok(bundle)
}

/// The first error in `text` with its JSON path, from a second parse that tracks the path.
fn locate_error(text: &str) -> BundleError {
    let mut deserializer = serde_json::Deserializer::from_str(text);
    match serde_path_to_error::deserialize::<_, BundleV1>(&mut deserializer) {
        Err(e) => BundleError::Invalid {
            path: e.path().to_string(),
            reason: plain_reason(&e.inner().to_string()),
        },
        // Unreachable in practice: both parses use the same rules.
        Ok(_) => BundleError::Invalid {
            path: String::new(),
            reason: "the file could not be read".into(),
        },
    }
}

/// serde's wording, made readable: "unknown variant `Pending`, expected one of …" becomes
/// "unknown value 'Pending' (expected one of …)", and the line/column suffix goes, since the path says where.
fn plain_reason(message: &str) -> String {
    let message = match message.rsplit_once(" at line ") {
        Some((before, _)) => before,
        None => message,
    };
    if let Some(rest) = message.strip_prefix("unknown variant `")
        && let Some((value, expected)) = rest.split_once('`')
    {
        let expected = expected.trim_start_matches(", ");
        return format!("unknown value '{value}' ({expected})");
    }
    message.to_string()
}
