//! Stored record forms: how cases, events and meta values are written as JSON text in IndexedDB.
//!
//! Records are stored as JSON strings under out-of-line keys. Strings cross
//! the wasm boundary as one copy, which is several times faster than building
//! a JS object per field, and the same `serde` shape is easy to migrate.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::StorageError;
use crate::domain::{Case, CaseEvent};

/// Version of the case record shape; bump it with a record migration in `schema`.
pub const CASE_RECORD_VERSION: u32 = 1;
/// Version of the event record shape.
pub const EVENT_RECORD_VERSION: u32 = 1;

#[derive(Serialize, Deserialize)]
struct Versioned<T> {
    v: u32,
    #[serde(flatten)]
    record: T,
}

pub fn encode_case(case: &Case) -> String {
    versioned_json(CASE_RECORD_VERSION, case)
}

pub fn decode_case(key: &str, text: &str) -> Result<Case, StorageError> {
    decode("cases", key, text, CASE_RECORD_VERSION)
}

pub fn encode_event(event: &CaseEvent) -> String {
    versioned_json(EVENT_RECORD_VERSION, event)
}

pub fn decode_event(key: &str, text: &str) -> Result<CaseEvent, StorageError> {
    decode("case_events", key, text, EVENT_RECORD_VERSION)
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

/// The key range that holds exactly one case's events.
pub fn event_key_range(case_id: Uuid) -> std::ops::Range<String> {
    // '}' sorts right after '|', so this range ends just past the last event key of the case.
    format!("{case_id}|")..format!("{case_id}}}")
}

fn versioned_json<T: Serialize>(v: u32, record: &T) -> String {
    serde_json::to_string(&Versioned { v, record }).expect("domain records always serialise")
}

fn decode<T: for<'de> Deserialize<'de>>(
    store: &'static str,
    key: &str,
    text: &str,
    current: u32,
) -> Result<T, StorageError> {
    let versioned: Versioned<T> =
        serde_json::from_str(text).map_err(|e| StorageError::Corrupt {
            store,
            key: key.to_string(),
            reason: e.to_string(),
        })?;
    if versioned.v > current {
        return Err(StorageError::Corrupt {
            store,
            key: key.to_string(),
            reason: format!("written by a newer app (record version {})", versioned.v),
        });
    }
    Ok(versioned.record)
}
