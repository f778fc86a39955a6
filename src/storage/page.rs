//! The page format: many case-keyed records packed into one stored text, and which page a key lives on.
//!
//! IndexedDB charges about 70 µs per record written in an on-disk Chromium profile whatever the
//! record's size (measured: 10,000 puts of 2 KB take 0.8 s; the same bytes in 100 records take
//! 0.12 s). Storing each case's record, log, search text and clock log on one of `PAGE_COUNT`
//! pages per store turns a 10k-case import from 40,000 puts into about 2,000, and start-up's
//! `getAll`s from 30,000 records into 1,536. The price is that an edit rewrites its page:
//! about 20 cases' worth at 10k cases, 100 at 50k.

/// Pages per store. Never change it: `page_of` of every stored key depends on it.
pub const PAGE_COUNT: u32 = 512;

/// The first line of every page, so a future format can be told apart.
const FORMAT: &str = "page1\n";

/// The page a record key lives on: FNV-1a over the key's bytes, folded to `PAGE_COUNT`.
/// Stable forever (stored data depends on it), and spreads sequential ids as well as random ones.
pub fn page_of(key: &str) -> u32 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in key.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    ((hash ^ (hash >> 32)) % u64::from(PAGE_COUNT)) as u32
}

/// One page's records, key → stored text, in the order they were first written.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Page {
    entries: Vec<(String, String)>,
}

impl Page {
    /// Reads a stored page; the error says where and why it cannot be read.
    pub fn decode(text: &str) -> Result<Page, String> {
        let mut entries = Vec::new();
        for entry in Entries::new(text)? {
            let (key, value) = entry?;
            entries.push((key.to_owned(), value.to_owned()));
        }
        Ok(Page { entries })
    }

    /// The stored text of this page; `None` when it holds nothing, so its record can be deleted.
    pub fn encode(&self) -> Option<String> {
        if self.entries.is_empty() {
            return None;
        }
        let size: usize = self
            .entries
            .iter()
            .map(|(k, v)| k.len() + v.len() + 24)
            .sum();
        let mut out = String::with_capacity(FORMAT.len() + size);
        out.push_str(FORMAT);
        for (key, value) in &self.entries {
            push_field(&mut out, key);
            push_field(&mut out, value);
        }
        Some(out)
    }

    pub fn get(&self, key: &str) -> Option<&str> {
        self.entries
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// Sets `key` to `value`, replacing what it held.
    pub fn insert(&mut self, key: &str, value: String) {
        match self.entries.iter_mut().find(|(k, _)| k == key) {
            Some(entry) => entry.1 = value,
            None => self.entries.push((key.to_owned(), value)),
        }
    }

    /// Removes `key`; true if it was there.
    pub fn remove(&mut self, key: &str) -> bool {
        let before = self.entries.len();
        self.entries.retain(|(k, _)| k != key);
        self.entries.len() != before
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn into_entries(self) -> Vec<(String, String)> {
        self.entries
    }
}

/// The records of a stored page, borrowed from its text, without building a `Page`.
pub struct Entries<'a> {
    rest: &'a str,
    offset: usize,
    failed: bool,
}

impl<'a> Entries<'a> {
    pub fn new(text: &'a str) -> Result<Entries<'a>, String> {
        let rest = text.strip_prefix(FORMAT).ok_or_else(|| {
            let start: String = text.chars().take(12).collect();
            format!("not a page of this format (it starts {start:?})")
        })?;
        Ok(Entries {
            rest,
            offset: FORMAT.len(),
            failed: false,
        })
    }

    fn field(&mut self) -> Result<&'a str, String> {
        let (digits, after) = self
            .rest
            .split_once(':')
            .ok_or_else(|| format!("byte {}: a length without its ':'", self.offset))?;
        let length: usize = digits.parse().map_err(|_| {
            let shown: String = digits.chars().take(20).collect();
            format!("byte {}: {shown:?} is not a length", self.offset)
        })?;
        let runs_past = || {
            format!(
                "byte {}: a field of {length} bytes runs past the end or splits a character",
                self.offset
            )
        };
        let value = after.get(..length).ok_or_else(runs_past)?;
        self.rest = after.get(length..).ok_or_else(runs_past)?;
        self.offset += digits.len() + 1 + length;
        Ok(value)
    }
}

impl<'a> Iterator for Entries<'a> {
    type Item = Result<(&'a str, &'a str), String>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.rest.is_empty() || self.failed {
            return None;
        }
        let entry = self.field().and_then(|key| Ok((key, self.field()?)));
        self.failed = entry.is_err();
        Some(entry)
    }
}

fn push_field(out: &mut String, text: &str) {
    use std::fmt::Write;
    let _ = write!(out, "{}:", text.len());
    out.push_str(text);
}

#[cfg(test)]
#[allow(clippy::string_slice)]
mod tests {
    use super::*;

    #[test]
    fn a_page_reads_back_what_was_written_including_separators_and_non_ascii_text() {
        let mut page = Page::default();
        page.insert("a", "{\"title\":\"Payout 12:30 held\"}".into());
        page.insert("b:c", "".into());
        page.insert("ü", "line one\nline two — 10:5:\u{1F600}".into());
        let text = page.encode().unwrap();
        assert_eq!(Page::decode(&text).unwrap(), page);
        assert_eq!(
            Page::decode(&text).unwrap().get("ü"),
            Some("line one\nline two — 10:5:\u{1F600}")
        );
        assert_eq!(Page::decode(&text).unwrap().get("b:c"), Some(""));
    }

    #[test]
    fn insert_replaces_remove_deletes_and_an_empty_page_has_no_text() {
        let mut page = Page::default();
        page.insert("k", "one".into());
        page.insert("k", "two".into());
        assert_eq!(page.len(), 1);
        assert_eq!(page.get("k"), Some("two"));
        assert!(page.remove("k"));
        assert!(!page.remove("k"));
        assert_eq!(page.encode(), None);
    }

    #[test]
    fn damaged_pages_are_refused_with_where_and_why() {
        let mut page = Page::default();
        page.insert("case-1", "some stored text".into());
        let text = page.encode().unwrap();
        let truncated = &text[..text.len() - 3];
        assert!(
            Page::decode(truncated)
                .unwrap_err()
                .contains("runs past the end")
        );
        assert!(
            Page::decode("{\"v\":1}")
                .unwrap_err()
                .contains("not a page")
        );
        assert!(
            Page::decode("page1\nx1:a")
                .unwrap_err()
                .contains("is not a length")
        );
        assert!(
            Page::decode("page1\n6")
                .unwrap_err()
                .contains("without its ':'")
        );
        // A length that would end inside a multi-byte character is refused, never a panic.
        assert!(Page::decode("page1\n1:é1:a").is_err());
    }

    #[test]
    fn arbitrary_text_never_panics_the_reader() {
        let samples = [
            "",
            "page1\n",
            "page1\n0:0:",
            "page1\n99999999999999999999:x",
            "page1\n3:ab",
        ];
        for s in samples {
            let _ = Page::decode(s);
        }
        assert_eq!(Page::decode("page1\n").unwrap().len(), 0);
        assert_eq!(Page::decode("page1\n0:0:").unwrap().get(""), Some(""));
    }

    #[test]
    fn keys_spread_over_the_pages_and_never_move() {
        // Pinned values: stored data depends on them, so a change here is a format break.
        assert_eq!(page_of(""), page_of(""));
        let pinned: Vec<u32> = ["00000000-0000-0000-0000-000000000001", "a", "ESC-1001"]
            .iter()
            .map(|k| page_of(k))
            .collect();
        assert_eq!(pinned, PINNED_PAGES);
        let mut counts = vec![0u32; PAGE_COUNT as usize];
        for n in 0..51_200u128 {
            counts[page_of(&uuid::Uuid::from_u128(n).to_string()) as usize] += 1;
        }
        // Sequential ids (tests and samples make them) must spread as well as random ones.
        let (low, high) = (counts.iter().min().unwrap(), counts.iter().max().unwrap());
        assert!(
            *low >= 50 && *high <= 160,
            "pages hold {low}..{high} of 100 expected"
        );
    }

    const PINNED_PAGES: [u32; 3] = [348, 192, 28];
}
