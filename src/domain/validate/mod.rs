//! The one boundary every record crosses on its way in: explicit ranges for times, text, counts, money and keys.
//!
//! A bundle from a teammate, a record read back from IndexedDB and (later) a document from a
//! sync server are untrusted. serde checks their shape; this module checks their values, so the
//! code after the boundary may rely on what it states here:
//!
//! - every instant lies in [`EARLIEST`, `LATEST`) (1970-01-01 to 2200-01-01 UTC), every date
//!   in the same years, so adding any duration below to any of them stays far inside chrono's
//!   range (±262,000 years) and no subtraction of two of them overflows;
//! - text is at most its cap ([`KEYWORD`], [`NAME`], [`LINE`], [`TEXT`] characters);
//! - lists are at most their cap; a case's log at most [`MAX_EVENTS`] events;
//! - working minutes are 1 to [`MAX_MINUTES`] (a year), call durations at most a week;
//! - money is 0 to [`MAX_MINOR_UNITS`] minor units, so the sum of a million amounts fits an i64;
//! - keys (`ESC-`, `PRB-`, `RCA-` numbers) are 1 to [`MAX_KEY_NUMBER`], revisions 1 to 2^53,
//!   so `+ 1` never overflows;
//! - a sign-off's content hash is 64 lowercase hex characters.
//!
//! A refusal names the place, the rule and the value, shortened:
//! `contents.rcas[0].signoffs[0].content_hash: expected 64 hex characters, got "abc"`.

use chrono::{DateTime, Datelike, NaiveDate, Utc};

mod case;
mod records;
mod settings;

pub use case::{CaseFields, case_fields, event_kind};

/// The window every instant must lie in; defined beside the timestamp form, below the SLA
/// code that relies on it.
pub use crate::domain::timestamp::{EARLIEST_SECONDS, LATEST_SECONDS};
/// Years a date (holiday, action due date) may fall in, matching the instants' window.
pub const FIRST_YEAR: i32 = 1970;
pub const LAST_YEAR: i32 = 2199;

/// Ids, zones and other machine words.
pub const KEYWORD: usize = 200;
/// People, teams, accounts, tags, areas, categories.
pub const NAME: usize = 500;
/// Titles, subjects, addresses, one-line summaries.
pub const LINE: usize = 5_000;
/// Notes, bodies, descriptions and other prose: a long pasted email thread or a whole call's
/// transcript fits (a test stores a note of 2^20 characters).
pub const TEXT: usize = 4_000_000;

/// Events in one case's log.
pub const MAX_EVENTS: usize = 100_000;
/// Entries in one of a record's lists (contacts, tags, steps, timeline rows, actions…).
pub const MAX_ITEMS: usize = 1_000;
/// Working minutes in a target or an OLA: a year of them is already a typo.
pub const MAX_MINUTES: u32 = 60 * 24 * 365;
/// A call longer than a week is not a call.
pub const MAX_CALL_SECONDS: u32 = 7 * 24 * 3600;
/// Ten trillion minor units: more than any invoice, and a million of them still sum in an i64.
pub const MAX_MINOR_UNITS: i64 = 10_000_000_000_000;
/// Users affected: more than the world's population is a typo.
pub const MAX_USERS: u64 = 10_000_000_000;
/// Case, problem and worksheet numbers.
pub const MAX_KEY_NUMBER: u32 = 99_999_999;
/// Revisions stay within the integers JavaScript holds exactly.
pub const MAX_REVISION: u64 = 1 << 53;

/// One value that broke a rule: where, and why (with the value, shortened).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    pub path: String,
    pub reason: String,
}

impl std::fmt::Display for Violation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.path.is_empty() {
            f.write_str(&self.reason)
        } else {
            write!(f, "{}: {}", self.path, self.reason)
        }
    }
}

#[derive(Debug, Clone, Copy)]
enum Segment {
    Field(&'static str),
    Index(usize),
}

/// Walks a record, remembering where it is, and collects what breaks a rule. The path is kept
/// as segments and only written out for a violation, so checking a valid record formats nothing.
pub struct Checker {
    root: String,
    stack: Vec<Segment>,
    found: Vec<Violation>,
}

/// Violations kept per record: the first names the problem, a few more help, thousands do not.
const KEPT: usize = 20;

impl Checker {
    /// A checker whose paths start with `root`, e.g. `contents.cases[3]`; empty for none.
    pub fn new(root: impl Into<String>) -> Checker {
        Checker {
            root: root.into(),
            stack: Vec::new(),
            found: Vec::new(),
        }
    }

    /// Everything found, in the order met; `Ok` when nothing was.
    pub fn finish(self) -> Result<(), Vec<Violation>> {
        if self.found.is_empty() {
            Ok(())
        } else {
            Err(self.found)
        }
    }

    pub fn is_clean(&self) -> bool {
        self.found.is_empty()
    }

    /// Checks inside `name`.
    pub fn field(&mut self, name: &'static str, check: impl FnOnce(&mut Checker)) {
        self.stack.push(Segment::Field(name));
        check(self);
        self.stack.pop();
    }

    /// Checks a list: its length against `max`, then each item inside `name[i]`.
    pub fn each<T>(
        &mut self,
        name: &'static str,
        items: &[T],
        max: usize,
        mut check: impl FnMut(&mut Checker, &T),
    ) {
        if items.len() > max {
            self.fail(
                Some(name),
                format!("at most {max} entries, got {}", items.len()),
            );
            return;
        }
        self.stack.push(Segment::Field(name));
        for (i, item) in items.iter().enumerate() {
            self.stack.push(Segment::Index(i));
            check(self, item);
            self.stack.pop();
        }
        self.stack.pop();
    }

    /// Text of at most `cap` characters.
    pub fn text(&mut self, name: &'static str, value: &str, cap: usize) {
        // Bytes are never fewer than characters, so most text passes without counting.
        if value.len() > cap {
            let count = value.chars().count();
            if count > cap {
                self.fail(
                    Some(name),
                    format!("at most {cap} characters, got {count} ({})", shown(value)),
                );
            }
        }
    }

    /// Text that must also say something.
    pub fn required_text(&mut self, name: &'static str, value: &str, cap: usize) {
        if value.trim().is_empty() {
            self.fail(Some(name), "must not be empty".into());
        } else {
            self.text(name, value, cap);
        }
    }

    /// Each text of a list, with the list's length.
    pub fn texts(&mut self, name: &'static str, values: &[String], max: usize, cap: usize) {
        if values.len() > max {
            self.fail(
                Some(name),
                format!("at most {max} entries, got {}", values.len()),
            );
            return;
        }
        for (i, value) in values.iter().enumerate() {
            // Only a failure pays for the index in the path.
            if value.len() > cap && value.chars().count() > cap {
                self.stack.push(Segment::Field(name));
                self.stack.push(Segment::Index(i));
                self.text("", value, cap);
                self.stack.pop();
                self.stack.pop();
            }
        }
    }

    /// An instant inside the documented window.
    pub fn time(&mut self, name: &'static str, at: DateTime<Utc>) {
        let seconds = at.timestamp();
        if !(EARLIEST_SECONDS..LATEST_SECONDS).contains(&seconds) {
            self.fail(
                Some(name),
                format!(
                    "expected a time from 1970-01-01 to 2199-12-31, got \"{}\"",
                    at.to_rfc3339()
                ),
            );
        }
    }

    pub fn maybe_time(&mut self, name: &'static str, at: Option<DateTime<Utc>>) {
        if let Some(at) = at {
            self.time(name, at);
        }
    }

    /// A date inside the documented years.
    pub fn date(&mut self, name: &'static str, date: NaiveDate) {
        if !(FIRST_YEAR..=LAST_YEAR).contains(&date.year()) {
            self.fail(
                Some(name),
                format!("expected a date from {FIRST_YEAR} to {LAST_YEAR}, got \"{date}\""),
            );
        }
    }

    pub fn maybe_date(&mut self, name: &'static str, date: Option<NaiveDate>) {
        if let Some(date) = date {
            self.date(name, date);
        }
    }

    /// A whole number in `min..=max`; `unit` names what it counts, for the message.
    pub fn number(&mut self, name: &'static str, value: i128, min: i128, max: i128, unit: &str) {
        if !(min..=max).contains(&value) {
            self.fail(
                Some(name),
                format!("expected {min} to {max} {unit}, got {value}"),
            );
        }
    }

    /// A revision: 1 to 2^53.
    pub fn revision(&mut self, name: &'static str, value: u64) {
        self.number(
            name,
            i128::from(value),
            1,
            i128::from(MAX_REVISION),
            "(a revision)",
        );
    }

    /// A case, problem or worksheet number.
    pub fn key_number(&mut self, name: &'static str, value: u32) {
        self.number(
            name,
            i128::from(value),
            1,
            i128::from(MAX_KEY_NUMBER),
            "(a key number)",
        );
    }

    /// Working minutes of a target or an OLA.
    pub fn minutes(&mut self, name: &'static str, value: u32) {
        self.number(
            name,
            i128::from(value),
            1,
            i128::from(MAX_MINUTES),
            "working minutes",
        );
    }

    pub fn money(&mut self, name: &'static str, money: &crate::domain::money::Money) {
        self.field(name, |c| {
            c.number(
                "minor",
                i128::from(money.minor),
                0,
                i128::from(MAX_MINOR_UNITS),
                "minor units",
            );
        });
    }

    /// A SHA-256 in hex, as the app writes it.
    pub fn sha256_hex(&mut self, name: &'static str, value: &str) {
        let ok = value.len() == 64
            && value
                .bytes()
                .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
        if !ok {
            self.fail(
                Some(name),
                format!("expected 64 hex characters, got {}", shown(value)),
            );
        }
    }

    /// A rule no single value breaks, at the current place or inside `name`.
    pub fn fail(&mut self, name: Option<&'static str>, reason: String) {
        if self.found.len() >= KEPT {
            return;
        }
        let path = self.path(name);
        self.found.push(Violation { path, reason });
    }

    fn path(&self, last: Option<&'static str>) -> String {
        use std::fmt::Write;
        let mut path = self.root.clone();
        let segments = self.stack.iter().copied().chain(last.map(Segment::Field));
        for segment in segments {
            match segment {
                Segment::Field("") => {}
                Segment::Field(name) => {
                    if !path.is_empty() {
                        path.push('.');
                    }
                    path.push_str(name);
                }
                Segment::Index(i) => {
                    let _ = write!(path, "[{i}]");
                }
            }
        }
        path
    }
}

/// A value as a refusal quotes it: in quotes, at most 40 characters, control characters escaped.
pub fn shown(value: &str) -> String {
    const MOST: usize = 40;
    let mut out: String = value.chars().take(MOST).collect::<String>();
    if value.chars().nth(MOST).is_some() {
        out.push('…');
    }
    format!("{out:?}")
}

/// Something that can be checked at the boundary.
pub trait Validate {
    fn validate(&self, c: &mut Checker);

    /// Checks `self` alone, with paths starting at `root`.
    fn violations(&self, root: &str) -> Result<(), Vec<Violation>> {
        let mut c = Checker::new(root);
        self.validate(&mut c);
        c.finish()
    }
}

/// A list of records, each at its index.
impl<T: Validate> Validate for [T] {
    fn validate(&self, c: &mut Checker) {
        c.each("", self, usize::MAX, |c, item| item.validate(c));
    }
}

impl<T: Validate> Validate for Vec<T> {
    fn validate(&self, c: &mut Checker) {
        c.each("", self, usize::MAX, |c, item| item.validate(c));
    }
}

#[cfg(test)]
mod tests;
