//! Evidence files on a case: what the log records about a file, which files a case holds, and how the app may show one.
//!
//! The bytes live outside the log (storage keeps them by SHA-256); the log keeps who attached
//! what and when, so a file's history reads like every other step on the case. What a file
//! *is* comes from its first bytes, never from its name or the type the browser declared:
//! those are the sender's word, and a script-bearing SVG can be called `statement.png`.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::case::events::{CaseEvent, EventKind, timeline_order};
use super::{Case, DomainError};

// Defined where the log pins them, so the case log needs nothing from this module.
pub use super::case::pinned::{AttachedFile, size_label};

/// The largest file one attachment may be: a bank letter or a screenshot is far smaller, and a
/// bundle that carries files must still fit in a tab's memory.
pub const MAX_FILE_BYTES: u64 = 25 * 1024 * 1024;
/// The longest file name kept, in characters; longer names are cut (keeping the extension).
pub const MAX_NAME_CHARS: usize = 160;
/// The longest media type kept; the declared type is only ever shown, never trusted.
pub const MAX_MEDIA_TYPE_CHARS: usize = 100;

/// Whether `text` is a SHA-256 as the log writes one: 64 lowercase hex digits.
pub fn is_sha256_hex(text: &str) -> bool {
    text.len() == 64 && text.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// Why a file was refused, in words for the person who chose it.
pub fn refusal(name: &str, size: u64) -> Option<String> {
    if size == 0 {
        return Some(format!("{name} is empty (0 bytes); nothing to attach."));
    }
    if size > MAX_FILE_BYTES {
        return Some(format!(
            "{name} is {}; files over {} are not attached. Link it from the evidence instead.",
            size_label(size),
            size_label(MAX_FILE_BYTES)
        ));
    }
    None
}

/// A file name fit to show and to save under: no folders, no control or direction-changing
/// characters (a right-to-left override can make `fdp.exe` read as `exe.pdf`), none of the
/// characters a file system refuses, no leading dots, and not a reserved Windows device name.
pub fn clean_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or_default();
    let kept: String = base
        .chars()
        .filter(|c| !c.is_control() && !is_direction_mark(*c))
        .map(|c| match c {
            '<' | '>' | ':' | '"' | '|' | '?' | '*' => '_',
            c => c,
        })
        .collect();
    let trimmed = kept
        .trim()
        .trim_start_matches('.')
        .trim_end_matches(['.', ' '])
        .trim();
    let mut clean = cut_keeping_extension(trimmed, MAX_NAME_CHARS);
    let stem = clean
        .split('.')
        .next()
        .unwrap_or_default()
        .to_ascii_uppercase();
    if is_reserved_device(&stem) {
        clean.insert(0, '_');
    }
    if clean.is_empty() {
        "attachment".to_string()
    } else {
        clean
    }
}

fn is_direction_mark(c: char) -> bool {
    matches!(c, '\u{200E}' | '\u{200F}' | '\u{061C}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

fn is_reserved_device(stem: &str) -> bool {
    let stem = stem.trim_end();
    matches!(stem, "CON" | "PRN" | "AUX" | "NUL")
        || ((stem.starts_with("COM") || stem.starts_with("LPT"))
            && stem.len() == 4
            && stem.ends_with(|c: char| c.is_ascii_digit()))
}

fn cut_keeping_extension(name: &str, max: usize) -> String {
    if name.chars().count() <= max {
        return name.to_string();
    }
    let extension = name
        .rsplit_once('.')
        .map(|(_, ext)| ext)
        .filter(|ext| !ext.is_empty() && ext.chars().count() <= 10);
    match extension {
        Some(ext) => {
            let keep = max.saturating_sub(ext.chars().count() + 1);
            let stem: String = name.chars().take(keep).collect();
            format!("{stem}.{ext}")
        }
        None => name.chars().take(max).collect(),
    }
}

/// The declared media type, cut to a sane length and stripped of anything but what a type holds.
pub fn clean_media_type(declared: &str) -> String {
    let kept: String = declared
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '/' | '.' | '+' | '-' | '_'))
        .take(MAX_MEDIA_TYPE_CHARS)
        .collect();
    if kept.is_empty() {
        "application/octet-stream".to_string()
    } else {
        kept.to_ascii_lowercase()
    }
}

/// How the app may show a file. Only these are ever rendered; everything else is a download.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Showing {
    /// Shown inline in an `<img>`, from bytes given exactly this type.
    Image(&'static str),
    /// Opened in the browser's own PDF viewer.
    Pdf,
    /// Shown as text (never parsed as markup).
    Text,
    /// Offered as a download only, as `application/octet-stream`.
    DownloadOnly,
}

/// Decides how a file may be shown from its first bytes (at least 16 are needed for images;
/// up to 4 KB are checked for text) and its cleaned name. SVG, HTML and anything unknown are
/// download-only, whatever they claim to be.
pub fn showing(head: &[u8], name: &str) -> Showing {
    let starts = |magic: &[u8]| head.starts_with(magic);
    if starts(b"\x89PNG\r\n\x1a\n") {
        return Showing::Image("image/png");
    }
    if starts(b"\xff\xd8\xff") {
        return Showing::Image("image/jpeg");
    }
    if starts(b"GIF87a") || starts(b"GIF89a") {
        return Showing::Image("image/gif");
    }
    if starts(b"RIFF") && head.get(8..12) == Some(b"WEBP".as_slice()) {
        return Showing::Image("image/webp");
    }
    if starts(b"%PDF-") {
        return Showing::Pdf;
    }
    let lower = name.to_ascii_lowercase();
    let text_name = [".txt", ".csv", ".log", ".tsv"]
        .iter()
        .any(|ext| lower.ends_with(ext));
    if text_name && looks_like_text(head) {
        return Showing::Text;
    }
    Showing::DownloadOnly
}

/// UTF-8 with no NUL bytes, allowing a character cut off at the end of the sample.
fn looks_like_text(head: &[u8]) -> bool {
    if head.contains(&0) {
        return false;
    }
    match std::str::from_utf8(head) {
        Ok(_) => true,
        Err(e) => e.error_len().is_none() && head.len().saturating_sub(e.valid_up_to()) < 4,
    }
}

/// One file a case holds now, with who attached it and when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileOnCase {
    pub file: AttachedFile,
    pub at: DateTime<Utc>,
    pub actor: String,
}

/// The files a case holds now, oldest first: every attachment not removed since. A file
/// attached again after its removal is held again, from its new attachment.
pub fn files_on_case(events: &[CaseEvent]) -> Vec<FileOnCase> {
    let mut ordered: Vec<&CaseEvent> = events.iter().collect();
    ordered.sort_by(|a, b| timeline_order(a, b));
    let mut held: Vec<FileOnCase> = Vec::new();
    for event in ordered {
        match &event.kind {
            EventKind::FileAttached { file }
                if !held.iter().any(|h| h.file.sha256 == file.sha256) =>
            {
                held.push(FileOnCase {
                    file: file.clone(),
                    at: event.at,
                    actor: event.actor.clone(),
                });
            }
            EventKind::FileRemoved { sha256, .. } => held.retain(|h| &h.file.sha256 != sha256),
            _ => {}
        }
    }
    held
}

impl Case {
    /// Logs a file attached to this case; refuses one the case already holds (the same bytes
    /// under any name), or a file too large or empty.
    pub fn attach_file(
        &self,
        file: AttachedFile,
        held: &[FileOnCase],
        event_id: Uuid,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<(Case, CaseEvent), DomainError> {
        if !is_sha256_hex(&file.sha256) {
            return Err(DomainError::File(
                "the file's fingerprint is not a SHA-256".into(),
            ));
        }
        if let Some(why) = refusal(&file.name, file.size) {
            return Err(DomainError::File(why));
        }
        if let Some(same) = held.iter().find(|h| h.file.sha256 == file.sha256) {
            return Err(DomainError::File(format!(
                "this case already holds that file, as {}",
                same.file.name
            )));
        }
        let file = AttachedFile {
            name: clean_name(&file.name),
            media_type: clean_media_type(&file.media_type),
            ..file
        };
        Ok(self.with_event(EventKind::FileAttached { file }, event_id, actor, now))
    }

    /// Logs a file taken off this case; refuses one it does not hold.
    pub fn remove_file(
        &self,
        sha256: &str,
        held: &[FileOnCase],
        event_id: Uuid,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<(Case, CaseEvent), DomainError> {
        let Some(found) = held.iter().find(|h| h.file.sha256 == sha256) else {
            return Err(DomainError::File(
                "this case does not hold that file".into(),
            ));
        };
        let kind = EventKind::FileRemoved {
            sha256: sha256.to_string(),
            name: found.file.name.clone(),
        };
        Ok(self.with_event(kind, event_id, actor, now))
    }
}

// proptest is native-only, so the tests live behind the same gate.
#[cfg(all(test, not(target_arch = "wasm32")))]
#[path = "attachment_tests.rs"]
mod tests;
