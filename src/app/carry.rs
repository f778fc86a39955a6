//! Attached files in bundles: what an export would carry and its size, the exported file with each file's bytes written after the bundle, and a picked bundle opened a slice at a time with its carried bytes checked and stored one file at a time.
//!
//! Memory is the constraint: a bundle may carry 100 MB of files, and the wasm memory a page
//! grows is never given back. On export each file is read from storage and encoded a few MB at a
//! time into Blob parts the browser holds. On import the picked file stays a Blob: it is scanned
//! in slices for where its files lie (`bundle::layout`), only the rest of the bundle is read as
//! text, and each carried file is read, decoded, checked, stored in its own transaction and
//! dropped before the next.

use std::ops::Range;
use std::sync::Arc;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use js_sys::{Array, ArrayBuffer, Uint8Array};
use sha2::{Digest, Sha256};

use super::AppError;
use super::state::database_ready;
use crate::browser;
pub use crate::bundle::files::held_by;
use crate::bundle::files::{self, CheckedFile};
use crate::bundle::layout::{self, Scanner};
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

/// Bytes of a stored file encoded per step: a multiple of 3, so the pieces of base64 join
/// without padding between them.
const ENCODE_STEP: u32 = 3 * 1024 * 1024;
/// Bytes of a picked bundle read per step while looking for its files.
const SCAN_STEP: f64 = 8.0 * 1024.0 * 1024.0;

/// The bundle file with the carried files' bytes after the bundle, as one Blob made of parts
/// of a few MB each: the browser holds the parts, the wasm memory one step at a time.
pub async fn bundle_blob(json: &str, carrying: &Carrying) -> Result<web_sys::Blob, AppError> {
    let parts = Array::new();
    write_bundle(json, carrying, &mut |piece: &[u8]| {
        let part = browser::blob_of_bytes(piece, "application/json").map_err(AppError::Refused)?;
        parts.push(&part);
        Ok(())
    })
    .await?;
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("application/json");
    web_sys::Blob::new_with_blob_sequence_and_options(&parts, &options)
        .map_err(|_| AppError::Refused("the browser could not assemble the bundle".into()))
}

/// The bundle text with the carried files, whole: what an encrypted export seals (AES-GCM
/// seals one message, so the whole text is in memory for it).
pub async fn bundle_text(json: &str, carrying: &Carrying) -> Result<String, AppError> {
    let mut text = String::new();
    write_bundle(json, carrying, &mut |piece: &[u8]| {
        // Every piece is ASCII JSON or base64 cut at a character boundary.
        text.push_str(&String::from_utf8_lossy(piece));
        Ok(())
    })
    .await?;
    Ok(text)
}

type Sink<'a> = dyn FnMut(&[u8]) -> Result<(), AppError> + 'a;

async fn write_bundle(
    json: &str,
    carrying: &Carrying,
    sink: &mut Sink<'_>,
) -> Result<(), AppError> {
    let head = files::open_section(json)
        .ok_or_else(|| AppError::Refused("the bundle could not be written".into()))?;
    sink(head.as_bytes())?;
    drop(head);
    for (index, file) in carrying.files.iter().enumerate() {
        if index > 0 {
            sink(files::SEPARATOR.as_bytes())?;
        }
        write_carried(file, sink).await?;
    }
    sink(files::CLOSE_SECTION.as_bytes())
}

/// One carried file's JSON, read from storage a step at a time and checked against its hash
/// before the export is finished: a teammate must never receive a file under a hash its bytes
/// do not have.
async fn write_carried(file: &CheckedFile, sink: &mut Sink<'_>) -> Result<(), AppError> {
    let gone = || {
        AppError::Refused(format!(
            "file {} is no longer on this device",
            short(&file.sha256)
        ))
    };
    let buffer = stored::load_bytes(&database_ready().await?, &file.sha256)
        .await?
        .ok_or_else(gone)?;
    let length = buffer.byte_length();
    sink(files::carried_head(&file.sha256, u64::from(length)).as_bytes())?;
    let mut hasher = Sha256::new();
    let mut encoded = String::new();
    let mut start = 0u32;
    while start < length {
        let step = ENCODE_STEP.min(length.saturating_sub(start));
        let bytes = Uint8Array::new_with_byte_offset_and_length(&buffer, start, step).to_vec();
        hasher.update(&bytes);
        encoded.clear();
        STANDARD.encode_string(&bytes, &mut encoded);
        sink(encoded.as_bytes())?;
        start = start.saturating_add(step);
    }
    let actual: String = hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    if actual != file.sha256 {
        return Err(AppError::Refused(format!(
            "the stored bytes of file {} no longer match their hash; export without files, or remove it from its case",
            short(&file.sha256)
        )));
    }
    sink(files::CARRIED_TAIL.as_bytes())
}

/// Where a picked or decrypted bundle's carried files lie, to be read one at a time.
pub struct CarriedSource {
    source: Source,
    entries: Vec<Range<u64>>,
}

enum Source {
    File(web_sys::Blob),
    Text(Arc<String>),
}

/// A bundle opened for import: its text without the files, and where the files are.
#[derive(Clone)]
pub struct Opened {
    pub rest: Arc<String>,
    pub carried: Arc<CarriedSource>,
}

impl CarriedSource {
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The text of entry `index`, read from the file (or the decrypted text) now.
    async fn entry_text(&self, index: usize) -> Result<String, AppError> {
        let Some(range) = self.entries.get(index) else {
            return Err(AppError::Refused(format!("files[{index}] is missing")));
        };
        let bytes = match &self.source {
            Source::File(blob) => {
                crate::app::files::read_bytes(blob, range.start as f64, range.end as f64)
                    .await
                    .map_err(|_| {
                        AppError::Refused(format!(
                            "files[{index}]: the bundle file could not be read again; was it moved or changed after it was opened? Open it again"
                        ))
                    })?
            }
            Source::Text(text) => usize::try_from(range.start)
                .ok()
                .zip(usize::try_from(range.end).ok())
                .and_then(|(a, b)| text.as_bytes().get(a..b))
                .map(<[u8]>::to_vec)
                .unwrap_or_default(),
        };
        String::from_utf8(bytes)
            .map_err(|_| AppError::Refused(format!("files[{index}]: not UTF-8 text")))
    }

    /// Carried file `index`, decoded and checked against its size and hash.
    async fn decoded(&self, index: usize) -> Result<(String, Vec<u8>), AppError> {
        let refused = |e: crate::bundle::BundleError| AppError::Refused(e.to_string());
        let text = self.entry_text(index).await?;
        let file = files::entry(index, &text).map_err(refused)?;
        let bytes = files::decode(index, &file).map_err(refused)?;
        Ok((file.sha256.to_string(), bytes))
    }
}

/// Opens a picked bundle file: scanned in slices, only its text without the files is kept.
pub async fn open_file(file: &web_sys::Blob) -> Result<Opened, AppError> {
    let refused = |e: crate::bundle::BundleError| AppError::Refused(e.to_string());
    let mut scanner = Scanner::new();
    let total = file.size();
    let mut start = 0.0;
    while start < total {
        let end = (start + SCAN_STEP).min(total);
        // "Preview again" reads the picked file again, and it may have gone since.
        let bytes = crate::app::files::read_bytes(file, start, end)
            .await
            .map_err(|_| {
                AppError::Refused(
                    "the browser could not read it; if it was moved, renamed or changed since it was picked, choose it again".into(),
                )
            })?;
        scanner.feed(&bytes);
        start = end;
    }
    let found = scanner.finish().map_err(refused)?;
    Ok(Opened {
        rest: Arc::new(found.rest),
        carried: Arc::new(CarriedSource {
            source: Source::File(file.clone()),
            entries: found.entries,
        }),
    })
}

/// Opens a bundle already in memory (a decrypted one).
pub fn open_text(text: String) -> Result<Opened, AppError> {
    let found = layout::of_text(&text).map_err(|e| AppError::Refused(e.to_string()))?;
    Ok(Opened {
        rest: Arc::new(found.rest),
        carried: Arc::new(CarriedSource {
            source: Source::Text(Arc::new(text)),
            entries: found.entries,
        }),
    })
}

/// Decodes and checks every carried file, one at a time, keeping only hashes and sizes: a
/// damaged file is refused before the preview, not halfway through an import.
pub async fn check_carried(
    carried: &CarriedSource,
    on_progress: &dyn Fn(usize, usize),
) -> Result<Vec<CheckedFile>, AppError> {
    let mut checked: Vec<CheckedFile> = Vec::with_capacity(carried.len());
    for index in 0..carried.len() {
        on_progress(index, carried.len());
        let (sha256, bytes) = carried.decoded(index).await?;
        if !checked.iter().any(|c| c.sha256 == sha256) {
            checked.push(CheckedFile {
                sha256,
                size: bytes.len() as u64,
            });
        }
    }
    Ok(checked)
}

/// Stores every carried file that `bundle`'s cases hold and this device lacks (each read,
/// decoded and checked against its hash again, one transaction each), before the import or
/// restore that names them; returns how many were new here. An entry's hash is read before its
/// bytes are decoded, so files no case holds, and files already here, cost no decoding.
pub async fn receive_carried(
    carried: &CarriedSource,
    bundle: &BundleV1,
    on_progress: &dyn Fn(usize, usize),
) -> Result<usize, AppError> {
    if carried.is_empty() {
        return Ok(0);
    }
    let refused = |e: crate::bundle::BundleError| AppError::Refused(e.to_string());
    let held = files::held_by(bundle);
    let db = database_ready().await?;
    let mut new = 0;
    for index in 0..carried.len() {
        on_progress(index, carried.len());
        let text = carried.entry_text(index).await?;
        let file = files::entry(index, &text).map_err(refused)?;
        if !held.iter().any(|h| h.sha256 == file.sha256) {
            continue;
        }
        let sha256 = file.sha256.to_string();
        let here = stored::held(&db, std::slice::from_ref(&sha256)).await?;
        if here.first().copied().unwrap_or(false) {
            continue;
        }
        let bytes = files::decode(index, &file).map_err(refused)?;
        drop(text);
        let buffer: ArrayBuffer = Uint8Array::from(bytes.as_slice()).buffer();
        drop(bytes);
        if stored::store_carried(&db, &sha256, &buffer).await? {
            new += 1;
        }
    }
    Ok(new)
}

fn short(sha256: &str) -> &str {
    sha256.get(..12).unwrap_or(sha256)
}
