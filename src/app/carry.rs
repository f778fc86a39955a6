//! Attached files in bundles: what an export would carry and its size, the exported file with each file's bytes written after the bundle, and carried bytes stored on import.
//!
//! Memory is the constraint: a bundle may carry 100 MB of files. On export each file is read,
//! encoded and handed to the browser as a Blob of its own before the next is read, so the wasm
//! memory (which a page never gives back) holds one file at a time, not the whole bundle. On
//! import the bundle's text is already in memory; each file is decoded from it, checked, stored
//! in its own transaction and dropped.

use js_sys::{Array, ArrayBuffer, Uint8Array};
use wasm_bindgen::JsValue;

use super::AppError;
use super::state::database_ready;
use crate::browser;
pub use crate::bundle::files::held_by;
use crate::bundle::files::{self, CheckedFile};
use crate::bundle::v1::BundleV1;
use crate::domain::attachment::size_label;
use crate::storage::files as stored;

/// The files an export would carry: those the bundle's cases hold whose bytes are here.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Carrying {
    pub files: Vec<CheckedFile>,
    pub bytes: u64,
    /// Files the cases hold whose bytes are not on this device (they came from a bundle
    /// that did not carry them).
    pub not_here: usize,
}

impl Carrying {
    /// "3 files, 12.4 MB" and, if any, how many are not on this device.
    pub fn label(&self) -> String {
        let mut label = format!("{} file(s), {}", self.files.len(), size_label(self.bytes));
        if self.not_here > 0 {
            label.push_str(&format!("; {} more not on this device", self.not_here));
        }
        label
    }
}

/// What `bundle` would carry from this device.
pub async fn what_to_carry(bundle: &BundleV1) -> Result<Carrying, AppError> {
    let wanted = files::held_by(bundle);
    let hashes: Vec<String> = wanted.iter().map(|f| f.sha256.clone()).collect();
    let present = stored::held(&database_ready().await?, &hashes).await?;
    let mut carrying = Carrying::default();
    for (file, here) in wanted.into_iter().zip(present) {
        if here {
            carrying.bytes = carrying.bytes.saturating_add(file.size);
            carrying.files.push(file);
        } else {
            carrying.not_here += 1;
        }
    }
    Ok(carrying)
}

/// The bundle file with the carried files' bytes after the bundle, as one Blob made of a part
/// per file: the browser holds the parts, the wasm memory one file at a time.
pub async fn bundle_blob(json: &str, carrying: &Carrying) -> Result<web_sys::Blob, AppError> {
    let refused = |e: String| AppError::Refused(e);
    let parts = Array::new();
    let head = files::open_section(json)
        .ok_or_else(|| AppError::Refused("the bundle could not be written".into()))?;
    let head_part = browser::blob_of_bytes(head.as_bytes(), "application/json").map_err(refused)?;
    parts.push(&head_part);
    drop(head);
    for (index, file) in carrying.files.iter().enumerate() {
        if index > 0 {
            parts.push(&JsValue::from_str(files::SEPARATOR));
        }
        let piece = carried_piece(file).await?;
        let part = browser::blob_of_bytes(piece.as_bytes(), "application/json").map_err(refused)?;
        parts.push(&part);
    }
    parts.push(&JsValue::from_str(files::CLOSE_SECTION));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("application/json");
    web_sys::Blob::new_with_blob_sequence_and_options(&parts, &options)
        .map_err(|_| AppError::Refused("the browser could not assemble the bundle".into()))
}

/// The bundle text with the carried files, whole: what an encrypted export seals (AES-GCM
/// seals one message, so the whole text is in memory for it).
pub async fn bundle_text(json: &str, carrying: &Carrying) -> Result<String, AppError> {
    let mut text = files::open_section(json)
        .ok_or_else(|| AppError::Refused("the bundle could not be written".into()))?;
    for (index, file) in carrying.files.iter().enumerate() {
        if index > 0 {
            text.push_str(files::SEPARATOR);
        }
        text.push_str(&carried_piece(file).await?);
    }
    text.push_str(files::CLOSE_SECTION);
    Ok(text)
}

/// One carried file's JSON, read from storage and checked against its hash before it leaves.
async fn carried_piece(file: &CheckedFile) -> Result<String, AppError> {
    let gone = || {
        AppError::Refused(format!(
            "file {} is no longer on this device",
            short(&file.sha256)
        ))
    };
    let buffer = stored::load_bytes(&database_ready().await?, &file.sha256)
        .await?
        .ok_or_else(gone)?;
    let bytes = Uint8Array::new(&buffer).to_vec();
    // Stored bytes are checked on the way out too: a teammate must never receive a file
    // under a hash its bytes do not have.
    if files::sha256_hex(&bytes) != file.sha256 {
        return Err(AppError::Refused(format!(
            "the stored bytes of file {} no longer match their hash; export without files, or remove it from its case",
            short(&file.sha256)
        )));
    }
    Ok(files::carried_json(&file.sha256, &bytes))
}

/// Stores every carried file of `text` that `bundle`'s cases hold (each decoded and checked
/// again, one transaction each), before the import or restore that names them; returns how
/// many were new here. Files no case in the bundle holds are not stored.
pub async fn receive_carried(
    text: &str,
    bundle: &BundleV1,
    on_progress: &dyn Fn(usize, usize),
) -> Result<usize, AppError> {
    let carried = files::carried(text).map_err(|e| AppError::Refused(e.to_string()))?;
    if carried.is_empty() {
        return Ok(0);
    }
    let held = files::held_by(bundle);
    let db = database_ready().await?;
    let mut new = 0;
    for (index, file) in carried.iter().enumerate() {
        on_progress(index, carried.len());
        if !held.iter().any(|h| h.sha256 == file.sha256) {
            continue;
        }
        let bytes = files::decode(index, file).map_err(|e| AppError::Refused(e.to_string()))?;
        let buffer: ArrayBuffer = Uint8Array::from(bytes.as_slice()).buffer();
        drop(bytes);
        if stored::store_carried(&db, file.sha256, &buffer).await? {
            new += 1;
        }
    }
    Ok(new)
}

fn short(sha256: &str) -> &str {
    sha256.get(..12).unwrap_or(sha256)
}
