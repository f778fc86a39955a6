//! Where a bundle's `files` section lies, found a slice at a time: the rest of the bundle as text and each carried file as a byte range of the source, so 100 MB of files is never held whole.
//!
//! The scanner follows only JSON's structure (strings, escapes, nesting, the top-level names),
//! which is all it takes to know where the section starts and ends and where each entry sits;
//! everything it lets through is parsed afterwards by serde as before. The section's value is
//! replaced by `[]` in the rest, so the rest is a complete bundle without its files, and every
//! entry is read, parsed and checked on its own later.

use std::ops::Range;

use super::BundleError;
use super::files::MAX_CARRIED_FILES;
use super::v1::MAX_BUNDLE_BYTES;
use crate::domain::attachment::MAX_FILE_BYTES;

/// The longest entry a carried file may take: its base64 and a little room for the rest.
pub const MAX_ENTRY_BYTES: u64 = MAX_FILE_BYTES.div_ceil(3) * 4 + 4096;
/// Top-level names longer than this (as written) are not `files`, even with every letter escaped.
const MAX_NAME_BYTES: usize = 64;
const BYTE_ORDER_MARK: &[u8] = b"\xEF\xBB\xBF";

/// A bundle split into its text without files and where each carried file's entry lies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layout {
    /// The bundle with its `files` value (if any) replaced by `[]`.
    pub rest: String,
    /// Each entry of the `files` list, as a byte range of the source (possibly with spaces).
    pub entries: Vec<Range<u64>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Section {
    Before,
    Inside,
    After,
}

/// Fed the source's bytes in order, in chunks of any size.
#[derive(Debug)]
pub struct Scanner {
    offset: u64,
    depth: u32,
    in_string: bool,
    escaped: bool,
    expect_name: bool,
    name: Option<Vec<u8>>,
    name_escaped: bool,
    files_next: bool,
    /// A top-level `files` name was seen: a second one is refused, not silently ignored.
    files_named: bool,
    section: Section,
    entry_start: u64,
    entry_has_content: bool,
    entries: Vec<Range<u64>>,
    rest: Vec<u8>,
    limit: usize,
    started: bool,
    error: Option<BundleError>,
}

impl Default for Scanner {
    fn default() -> Self {
        Self::new()
    }
}

impl Scanner {
    pub fn new() -> Self {
        Self::with_limit(MAX_BUNDLE_BYTES)
    }

    /// A scanner that refuses a bundle whose text without files passes `limit` bytes.
    pub fn with_limit(limit: usize) -> Self {
        Scanner {
            offset: 0,
            depth: 0,
            in_string: false,
            escaped: false,
            expect_name: false,
            name: None,
            name_escaped: false,
            files_next: false,
            files_named: false,
            section: Section::Before,
            entry_start: 0,
            entry_has_content: false,
            entries: Vec::new(),
            rest: Vec::new(),
            limit,
            started: false,
            error: None,
        }
    }

    /// Takes the next bytes of the source. After an error the rest is ignored; `finish` reports it.
    pub fn feed(&mut self, chunk: &[u8]) {
        if self.error.is_some() {
            return;
        }
        let mut from = 0;
        if self.offset == 0 && chunk.starts_with(BYTE_ORDER_MARK) {
            from = BYTE_ORDER_MARK.len();
        }
        let mut copy_from = from;
        let mut index = from;
        while let Some(&byte) = chunk.get(index) {
            let at = self.offset.saturating_add(index as u64);
            if self.in_string {
                index = self.in_string_byte(chunk, index);
                continue;
            }
            if !self.started && !matches!(byte, b' ' | b'\t' | b'\n' | b'\r') {
                self.started = true;
                if byte != b'{' {
                    self.error = Some(BundleError::NotJson(format!(
                        "a bundle starts with {{, this file with byte 0x{byte:02x} at {at}"
                    )));
                    return;
                }
            }
            match byte {
                b'"' => {
                    self.in_string = true;
                    self.value_starts_at_top(byte);
                    if self.depth == 1 && self.expect_name {
                        self.expect_name = false;
                        self.name = Some(Vec::new());
                        self.name_escaped = false;
                    }
                    self.content();
                }
                b'{' | b'[' => {
                    if self.depth == 1 && self.files_next && byte == b'[' {
                        self.files_next = false;
                        if self.section == Section::Before {
                            self.keep(part(chunk, copy_from, index));
                            self.keep(b"[]");
                            self.section = Section::Inside;
                            self.entry_start = at.saturating_add(1);
                            self.entry_has_content = false;
                        }
                    } else {
                        self.value_starts_at_top(byte);
                        self.content();
                    }
                    self.depth = self.depth.saturating_add(1);
                    if self.depth == 1 && byte == b'{' {
                        self.expect_name = true;
                    }
                }
                b'}' | b']' => {
                    if self.section == Section::Inside && self.depth == 2 {
                        if byte == b']' {
                            self.close_entry(at, true);
                            self.section = Section::After;
                            copy_from = index + 1;
                        } else {
                            self.fail("the list of files is not closed properly");
                        }
                    } else {
                        self.content();
                    }
                    self.depth = self.depth.saturating_sub(1);
                }
                b',' => {
                    if self.depth == 1 {
                        self.expect_name = true;
                    }
                    if self.section == Section::Inside && self.depth == 2 {
                        self.close_entry(at, false);
                        self.entry_start = at.saturating_add(1);
                    } else {
                        self.content();
                    }
                }
                b' ' | b'\t' | b'\n' | b'\r' | b':' => {}
                _ => {
                    self.value_starts_at_top(byte);
                    self.content();
                }
            }
            if self.error.is_some() {
                return;
            }
            index += 1;
        }
        if self.section != Section::Inside {
            self.keep(part(chunk, copy_from, chunk.len()));
        }
        self.offset = self.offset.saturating_add(chunk.len() as u64);
    }

    /// Adds to the rest, unless that would pass the limit: then nothing more is kept (so the
    /// text never grows past it) and the bundle is refused.
    fn keep(&mut self, bytes: &[u8]) {
        if self.rest.len().saturating_add(bytes.len()) > self.limit {
            self.error.get_or_insert(BundleError::TooLargeWithoutFiles);
            return;
        }
        self.rest.extend_from_slice(bytes);
    }

    /// The layout, once every byte has been fed.
    pub fn finish(self) -> Result<Layout, BundleError> {
        if let Some(error) = self.error {
            return Err(error);
        }
        if self.section == Section::Inside {
            return Err(BundleError::Invalid {
                path: "files".into(),
                reason: "the file ends inside the list of files: it looks truncated".into(),
            });
        }
        let rest = String::from_utf8(self.rest).map_err(|e| BundleError::Invalid {
            path: String::new(),
            reason: format!(
                "the file is not UTF-8 text (byte {} of the bundle without its files is not part of a UTF-8 character)",
                e.utf8_error().valid_up_to()
            ),
        })?;
        Ok(Layout {
            rest,
            entries: self.entries,
        })
    }

    /// One step inside a string; returns the index of the next byte to look at. Runs of plain
    /// characters are skipped at once: base64 is nearly all of a big bundle.
    fn in_string_byte(&mut self, chunk: &[u8], index: usize) -> usize {
        let rest = part(chunk, index, chunk.len());
        if self.escaped {
            self.escaped = false;
            if let Some(&byte) = rest.first() {
                self.name_byte(byte);
            }
            return index.saturating_add(1);
        }
        let plain = rest
            .iter()
            .position(|b| *b == b'"' || *b == b'\\')
            .unwrap_or(rest.len());
        if let Some(name) = &mut self.name {
            name.extend_from_slice(part(rest, 0, plain.min(MAX_NAME_BYTES)));
        }
        let stop = index.saturating_add(plain);
        match chunk.get(stop) {
            Some(b'\\') => {
                self.escaped = true;
                self.name_escaped = true;
                self.name_byte(b'\\');
                stop.saturating_add(1)
            }
            Some(_) => {
                self.in_string = false;
                self.end_name();
                stop.saturating_add(1)
            }
            None => stop,
        }
    }

    fn name_byte(&mut self, byte: u8) {
        if let Some(name) = &mut self.name
            && name.len() <= MAX_NAME_BYTES
        {
            name.push(byte);
        }
    }

    fn end_name(&mut self) {
        let Some(raw) = self.name.take() else {
            return;
        };
        let is_files = if self.name_escaped {
            let mut quoted = Vec::with_capacity(raw.len().saturating_add(2));
            quoted.push(b'"');
            quoted.extend_from_slice(&raw);
            quoted.push(b'"');
            serde_json::from_slice::<String>(&quoted).is_ok_and(|n| n == "files")
        } else {
            raw == b"files"
        };
        let is_files = is_files && raw.len() <= MAX_NAME_BYTES;
        if is_files && self.files_named {
            self.fail("the bundle names its files twice; only one list of files is read");
        }
        self.files_named |= is_files;
        self.files_next = is_files;
    }

    /// A top-level value other than a list begins. After the name `files` only a list (or a
    /// `null`, which serde then judges in the rest) is accepted: the section's shape is settled
    /// here, so nothing needs a second pass over the whole text to check it.
    fn value_starts_at_top(&mut self, byte: u8) {
        if self.depth == 1 && !self.expect_name && self.name.is_none() && byte != b'[' {
            if self.files_next && byte != b'n' {
                self.fail("expected a list of files");
            }
            self.files_next = false;
        }
    }

    fn content(&mut self) {
        if self.section == Section::Inside {
            self.entry_has_content = true;
        }
    }

    fn close_entry(&mut self, end: u64, closes_list: bool) {
        let index = self.entries.len();
        if !self.entry_has_content {
            // `[]` is an empty list; `[,` or `,]` or `,,` is an entry missing.
            if !(closes_list && index == 0) {
                self.fail_at(index, "an entry is missing between commas");
            }
            return;
        }
        if index >= MAX_CARRIED_FILES {
            self.fail(&format!(
                "more than {MAX_CARRIED_FILES} files; a bundle may carry at most {MAX_CARRIED_FILES}"
            ));
            return;
        }
        let range = self.entry_start..end;
        let length = range.end.saturating_sub(range.start);
        if length > MAX_ENTRY_BYTES {
            self.fail_at(
                index,
                &format!(
                    "{} MB, more than a file of at most {} MB takes",
                    length / 1_048_576,
                    MAX_FILE_BYTES / 1_048_576
                ),
            );
            return;
        }
        self.entries.push(range);
        self.entry_has_content = false;
    }

    fn fail(&mut self, reason: &str) {
        self.error.get_or_insert(BundleError::Invalid {
            path: "files".into(),
            reason: reason.to_string(),
        });
    }

    fn fail_at(&mut self, index: usize, reason: &str) {
        self.error.get_or_insert(BundleError::Invalid {
            path: format!("files[{index}]"),
            reason: reason.to_string(),
        });
    }
}

/// `bytes[from..to]`, or nothing when that is out of range (it never is: callers stay within).
fn part(bytes: &[u8], from: usize, to: usize) -> &[u8] {
    bytes.get(from..to).unwrap_or_default()
}

/// The layout of a bundle already in memory (a decrypted one).
pub fn of_text(text: &str) -> Result<Layout, BundleError> {
    let mut scanner = Scanner::new();
    scanner.feed(text.as_bytes());
    scanner.finish()
}

#[cfg(all(test, not(target_arch = "wasm32")))]
#[path = "layout_tests.rs"]
mod tests;
