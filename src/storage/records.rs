//! Stored record forms: how cases, events and meta values are written as JSON text in IndexedDB.
//!
//! Records are stored as JSON strings under out-of-line keys. Strings cross
//! the wasm boundary as one copy, which is several times faster than building
//! a JS object per field, and the same `serde` shape is easy to migrate.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::StorageError;
use crate::domain::validate::Validate;
use crate::domain::{Case, CaseEvent};

/// Version of the case record shape. Older records are migrated when read (see `decode_case`)
/// and written back in this version on their next change.
/// 1: walking skeleton (account name, one contact email, severity S1–S4).
/// 2: full case model (account with id and tier, contacts, impact × urgency → priority, scoping…).
pub const CASE_RECORD_VERSION: u32 = 2;
/// Version of the event record shape.
pub const EVENT_RECORD_VERSION: u32 = 1;

pub fn encode_case(case: &Case) -> String {
    versioned_json(CASE_RECORD_VERSION, case)
}

pub fn decode_case(key: &str, text: &str) -> Result<Case, StorageError> {
    let case = match version_of("cases", key, text)? {
        1 => decode::<CaseV1>("cases", key, text, 1).map(CaseV1::migrate)?,
        _ => decode("cases", key, text, CASE_RECORD_VERSION)?,
    };
    checked("cases", key, case)
}

/// A decoded record that also meets `domain::validate`'s ranges, or the reason it does not.
/// A stored record is as untrusted as a bundle: it may have been written by an older build
/// before a rule existed, or by anything else that can reach this origin's IndexedDB. One that
/// fails is reported like an unreadable one and left in storage untouched.
pub fn checked<T: Validate>(store: &'static str, key: &str, record: T) -> Result<T, StorageError> {
    match record.violations("") {
        Ok(()) => Ok(record),
        Err(found) => Err(StorageError::Corrupt {
            store,
            key: key.to_string(),
            reason: found
                .first()
                .map_or_else(|| "a value is out of range".into(), ToString::to_string),
        }),
    }
}

/// Refuses to write a record that could not be read back: the same ranges guard the way out as
/// the way in, so text beyond a cap is refused at the save with its reason, never stored to be
/// reported unreadable at the next start.
pub fn refuse_invalid<T: Validate + ?Sized>(record: &T) -> Result<(), StorageError> {
    match record.violations("") {
        Ok(()) => Ok(()),
        Err(found) => Err(StorageError::Rejected(format!(
            "not saved: {}",
            found
                .first()
                .map_or_else(|| "a value is out of range".into(), ToString::to_string)
        ))),
    }
}

/// A settings document from `meta`: parsed, then checked like any record.
pub fn decode_document<T: serde::de::DeserializeOwned + Validate>(
    key: &str,
    text: &str,
) -> Result<T, StorageError> {
    let document = serde_json::from_str(text).map_err(|e| StorageError::Corrupt {
        store: "meta",
        key: key.into(),
        reason: e.to_string(),
    })?;
    checked("meta", key, document)
}

/// The case record as the walking skeleton stored it.
#[derive(Deserialize)]
struct CaseV1 {
    id: Uuid,
    key: crate::domain::CaseKey,
    title: String,
    account: String,
    contact_email: String,
    severity: crate::domain::Severity,
    status: crate::domain::CaseStatus,
    created_at: chrono::DateTime<chrono::Utc>,
    updated_at: chrono::DateTime<chrono::Utc>,
    revision: u64,
}

impl CaseV1 {
    /// Severity becomes the impact × urgency pair it stood for; facts v1 never had stay empty.
    fn migrate(self) -> Case {
        use crate::domain::case::DEFAULT_PRODUCT_AREAS;
        let (impact, urgency) = self.severity.axes();
        Case {
            id: self.id,
            key: self.key,
            title: self.title,
            account: crate::domain::Account {
                name: self.account,
                ..Default::default()
            },
            contacts: vec![crate::domain::Contact {
                email: self.contact_email,
                ..Default::default()
            }],
            channel: crate::domain::Channel::default(),
            product_area: DEFAULT_PRODUCT_AREAS
                .last()
                .copied()
                .unwrap_or_default()
                .to_string(),
            impact,
            urgency,
            priority: crate::domain::priority::PriorityMatrix::default().priority(impact, urgency),
            owner: String::new(),
            tags: Vec::new(),
            watchers: Vec::new(),
            scoping: Default::default(),
            status: self.status,
            resolution: None,
            problem_id: None,
            created_at: self.created_at,
            updated_at: self.updated_at,
            revision: self.revision,
        }
    }
}

/// Version of the problem record shape.
pub const PROBLEM_RECORD_VERSION: u32 = 1;

pub fn encode_problem(problem: &crate::domain::problem::Problem) -> String {
    versioned_json(PROBLEM_RECORD_VERSION, problem)
}

pub fn decode_problem(
    key: &str,
    text: &str,
) -> Result<crate::domain::problem::Problem, StorageError> {
    checked(
        "problems",
        key,
        decode("problems", key, text, PROBLEM_RECORD_VERSION)?,
    )
}

pub const RCA_RECORD_VERSION: u32 = 1;

pub fn encode_rca(rca: &crate::domain::rca::Rca) -> String {
    versioned_json(RCA_RECORD_VERSION, rca)
}

pub fn decode_rca(key: &str, text: &str) -> Result<crate::domain::rca::Rca, StorageError> {
    checked("rcas", key, decode("rcas", key, text, RCA_RECORD_VERSION)?)
}

pub const PLAYBOOK_RECORD_VERSION: u32 = 1;

pub fn encode_playbook(playbook: &crate::domain::playbooks::Playbook) -> String {
    versioned_json(PLAYBOOK_RECORD_VERSION, playbook)
}

pub fn decode_playbook(
    key: &str,
    text: &str,
) -> Result<crate::domain::playbooks::Playbook, StorageError> {
    checked(
        "playbooks",
        key,
        decode("playbooks", key, text, PLAYBOOK_RECORD_VERSION)?,
    )
}

pub fn encode_event(event: &CaseEvent) -> String {
    versioned_json(EVENT_RECORD_VERSION, event)
}

pub fn decode_event(key: &str, text: &str) -> Result<CaseEvent, StorageError> {
    checked(
        "case_events",
        key,
        decode("case_events", key, text, EVENT_RECORD_VERSION)?,
    )
}

/// Events sort by key, so a case's log comes back in timeline order without a sort:
/// `<case id>|<unix millis, zero-padded>|<event id>`.
pub fn event_key(event: &CaseEvent) -> String {
    format!(
        "{}|{:015}|{}",
        event.case_id,
        event.at.timestamp_millis().max(0),
        event.id
    )
}

/// Version of the clock-log record shape: `{"v":1,"marks":[...]}`.
pub const CLOCK_LOG_RECORD_VERSION: u32 = 1;

#[derive(Serialize, Deserialize)]
struct ClockLog {
    marks: Vec<crate::domain::sla::ClockMark>,
}

pub fn encode_clock_log(marks: &[crate::domain::sla::ClockMark]) -> String {
    versioned_json(
        CLOCK_LOG_RECORD_VERSION,
        &ClockLog {
            marks: marks.to_vec(),
        },
    )
}

pub fn decode_clock_log(
    key: &str,
    text: &str,
) -> Result<Vec<crate::domain::sla::ClockMark>, StorageError> {
    let log = decode::<ClockLog>("case_clock_log", key, text, CLOCK_LOG_RECORD_VERSION)?;
    checked("case_clock_log", key, log.marks)
}

/// Appends the clock marks of `events` to a stored log, skipping any already there, so logging
/// the same breach from two tabs leaves one mark.
pub fn append_marks(log: &mut Vec<crate::domain::sla::ClockMark>, events: &[CaseEvent]) -> bool {
    let mut changed = false;
    for mark in events.iter().filter_map(crate::domain::sla::ClockMark::of) {
        if !log.contains(&mark) {
            // Keep timeline order even when an event is back-dated.
            let at = log.partition_point(|m| m.at <= mark.at);
            log.insert(at, mark);
            changed = true;
        }
    }
    changed
}

/// A case's log as stored in `case_logs` (schema 9): one event record (`encode_event`) per line,
/// in timeline order. One record per case instead of one per event: IndexedDB charges per
/// record, so an import writes a quarter of the records and an export reads a tenth.
pub fn encode_log(events: &[CaseEvent]) -> String {
    let order = crate::domain::case::events::timeline_order;
    let sorted;
    let events = if events.is_sorted_by(|a, b| order(a, b).is_le()) {
        events
    } else {
        let mut copy = events.to_vec();
        copy.sort_by(order);
        sorted = copy;
        &sorted
    };
    let mut text = String::new();
    for event in events {
        if !text.is_empty() {
            text.push('\n');
        }
        text.push_str(&encode_event(event));
    }
    text
}

/// Version of the quarantine entry shape.
pub const QUARANTINE_RECORD_VERSION: u32 = 1;

/// A record set aside from where the app reads it, so a damaged or poisonous record can no
/// longer stop the app, yet nothing is deleted: every stored text it had is kept verbatim and
/// can be downloaded or put back. A case takes its record, log, search text and clock log along.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuarantineEntry {
    /// What it was: "case", "record", "document" or "page".
    pub kind: String,
    /// The case id, record key, document key or page number it was stored under.
    pub key: String,
    /// How people knew it ("ESC-1042 · Payouts held"), or why it could not be read.
    pub label: String,
    /// Every stored text that went with it: (store, key, text). A page's text is its whole page.
    pub texts: Vec<(String, String, String)>,
    pub set_aside_at: chrono::DateTime<chrono::Utc>,
}

pub fn encode_quarantine(entry: &QuarantineEntry) -> String {
    versioned_json(QUARANTINE_RECORD_VERSION, entry)
}

pub fn decode_quarantine(key: &str, text: &str) -> Result<QuarantineEntry, StorageError> {
    decode("quarantine", key, text, QUARANTINE_RECORD_VERSION)
}

/// Every readable event of one case's stored log; a damaged line is reported by its number
/// and the lines around it still load.
pub fn decode_log(case_key: &str, text: &str) -> Loaded<CaseEvent> {
    let mut loaded = Loaded::default();
    for (n, line) in text.lines().enumerate().filter(|(_, l)| !l.is_empty()) {
        // The line number goes into the key only on failure: formatting it for every good
        // line was measurable in an export of 50,000 events.
        let decoded = decode("case_logs", case_key, line, EVENT_RECORD_VERSION)
            .and_then(|event: CaseEvent| checked("case_logs", case_key, event))
            .map_err(|e| match e {
                StorageError::Corrupt { store, reason, .. } => StorageError::Corrupt {
                    store,
                    key: format!("{case_key} line {}", n + 1),
                    reason,
                },
                other => other,
            });
        loaded.add(decoded);
    }
    loaded
}

/// Adds `events` to a stored log (`None` when the case has none yet), each at its place in
/// timeline order, skipping any whose id is already there, so writing the same event twice (a
/// breach logged by two tabs) leaves one copy. Lines are kept as stored, damaged ones included.
/// Returns `None` when nothing was added.
pub fn append_to_log(stored: Option<&str>, events: &[CaseEvent]) -> Option<String> {
    /// Just what ordering and de-duplication need, without decoding the event's body.
    #[derive(Deserialize)]
    struct Head {
        id: Uuid,
        at: chrono::DateTime<chrono::Utc>,
    }
    type Place = (chrono::DateTime<chrono::Utc>, Uuid);
    let mut lines: Vec<(Option<Place>, String)> = stored
        .unwrap_or_default()
        .lines()
        .filter(|l| !l.is_empty())
        .map(|l| {
            let head = serde_json::from_str::<Head>(l).ok().map(|h| (h.at, h.id));
            (head, l.to_string())
        })
        .collect();
    let mut added = false;
    for event in events {
        if lines
            .iter()
            .any(|(head, _)| head.is_some_and(|(_, id)| id == event.id))
        {
            continue;
        }
        let place = (event.at, event.id);
        // Right after the last readable line that sorts before it. Damaged lines stay where
        // they are and do not count, so the readable events stay in timeline order around them.
        let at = lines
            .iter()
            .rposition(|(head, _)| head.is_some_and(|h| h <= place))
            .map_or(0, |i| i + 1);
        lines.insert(at, (Some(place), encode_event(event)));
        added = true;
    }
    added.then(|| {
        lines
            .into_iter()
            .map(|(_, line)| line)
            .collect::<Vec<_>>()
            .join("\n")
    })
}

/// The part of an event that search should find, folded and newline-terminated, if any.
pub fn searchable_text(event: &CaseEvent) -> Option<String> {
    match &event.kind {
        crate::domain::EventKind::NoteAdded { text } => {
            Some(crate::domain::search::fold(text) + "\n")
        }
        crate::domain::EventKind::StatusChanged {
            resolution: Some(text),
            ..
        } => Some(crate::domain::search::fold(text) + "\n"),
        _ => None,
    }
}

/// What a bulk read found: every record it could read, and a reason for each it could not.
/// One damaged record must never hide the hundreds of good ones beside it.
#[derive(Debug, Clone, PartialEq)]
pub struct Loaded<T> {
    pub items: Vec<T>,
    pub unreadable: Vec<StorageError>,
}

impl<T> Default for Loaded<T> {
    fn default() -> Self {
        Loaded {
            items: Vec::new(),
            unreadable: Vec::new(),
        }
    }
}

impl<T> Loaded<T> {
    /// Keeps a decoded record, or reports why it could not be decoded.
    pub fn add(&mut self, decoded: Result<T, StorageError>) {
        match decoded {
            Ok(item) => self.items.push(item),
            Err(e) => self.unreadable.push(e),
        }
    }
}

/// Decodes parallel key and value lists, keeping the readable records and reporting the rest.
pub fn decode_all<T>(
    keys: &[String],
    values: &[String],
    decode: impl Fn(&str, &str) -> Result<T, StorageError>,
) -> Loaded<T> {
    let mut loaded = Loaded {
        items: Vec::with_capacity(values.len()),
        unreadable: Vec::new(),
    };
    for (key, text) in keys.iter().zip(values) {
        loaded.add(decode(key, text));
    }
    loaded
}

/// Writes `record` as `{"v":N, ...its fields}`. The version comes first so readers find it
/// without a full parse; splicing it in avoids `#[serde(flatten)]`, which buffers every record
/// through an intermediate map and costs both decode time and code size.
fn versioned_json<T: Serialize>(v: u32, record: &T) -> String {
    // Proof: records are derived Serialize over strings, numbers, dates, lists and string-keyed
    // maps, which serde_json writes to memory without error.
    #[allow(clippy::expect_used)]
    let body = serde_json::to_string(record).expect("domain records always serialise");
    match body.strip_prefix('{') {
        Some("}") => format!("{{\"v\":{v}}}"),
        Some(fields) => format!("{{\"v\":{v},{fields}"),
        // Every record is a struct, so a JSON object; anything else is kept under "body".
        None => format!("{{\"v\":{v},\"body\":{body}}}"),
    }
}

/// The record version: from the `{"v":N,` prefix every record is written with, else by parsing.
fn version_of(store: &'static str, key: &str, text: &str) -> Result<u32, StorageError> {
    let fast = text
        .trim_start()
        .strip_prefix("{\"v\":")
        .and_then(|rest| rest.split(|c: char| !c.is_ascii_digit()).next())
        .and_then(|digits| digits.parse().ok());
    if let Some(v) = fast {
        return Ok(v);
    }
    #[derive(Deserialize)]
    struct Probe {
        v: u32,
    }
    serde_json::from_str::<Probe>(text)
        .map(|p| p.v)
        .map_err(|e| StorageError::Corrupt {
            store,
            key: key.to_string(),
            reason: e.to_string(),
        })
}

/// Parses a record of the current shape; the `v` field is ignored as an unknown field.
fn decode<T: for<'de> Deserialize<'de>>(
    store: &'static str,
    key: &str,
    text: &str,
    current: u32,
) -> Result<T, StorageError> {
    let v = version_of(store, key, text)?;
    if v > current {
        return Err(StorageError::Corrupt {
            store,
            key: key.to_string(),
            reason: format!("written by a newer app (record version {v})"),
        });
    }
    serde_json::from_str(text).map_err(|e| StorageError::Corrupt {
        store,
        key: key.to_string(),
        reason: e.to_string(),
    })
}

#[cfg(test)]
#[path = "records_tests.rs"]
mod tests;
