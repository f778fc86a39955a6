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

/// What a bulk read found: every record it could read, and a reason for each it could not.
/// One damaged record must never hide the hundreds of good ones beside it.
#[derive(Debug, Clone, PartialEq)]
pub struct Loaded<T> {
    pub items: Vec<T>,
    pub unreadable: Vec<StorageError>,
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
        match decode(key, text) {
            Ok(item) => loaded.items.push(item),
            Err(e) => loaded.unreadable.push(e),
        }
    }
    loaded
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::case::CaseKey;
    use crate::domain::{CaseStatus, EventKind, Severity};
    use chrono::TimeZone;

    fn case() -> Case {
        let at = chrono::Utc
            .with_ymd_and_hms(2026, 11, 25, 9, 30, 0)
            .unwrap();
        Case {
            id: Uuid::from_u128(0x1234),
            key: CaseKey::from_number(1042),
            title: "Refunds fail in JPY only".into(),
            account: "Sakura Mart".into(),
            contact_email: "pay@sakura.example".into(),
            severity: Severity::S2,
            status: CaseStatus::WaitingOnPartner,
            created_at: at,
            updated_at: at,
            revision: 3,
        }
    }

    /// The stored form is a promise to every browser that already holds data: this fixture must keep decoding.
    #[test]
    fn stored_case_record_v1_golden_fixture_still_decodes() {
        let text = include_str!("../../tests/fixtures/storage/case-record-v1.json");
        assert_eq!(decode_case("k", text.trim()).unwrap(), case());
    }

    #[test]
    fn cases_and_events_round_trip_through_their_stored_form() {
        assert_eq!(decode_case("k", &encode_case(&case())).unwrap(), case());
        let event = CaseEvent {
            id: Uuid::from_u128(9),
            case_id: case().id,
            at: case().created_at,
            actor: "Mei".into(),
            kind: EventKind::NoteAdded {
                text: "line\n\"quoted\" <b>".into(),
            },
        };
        assert_eq!(decode_event("k", &encode_event(&event)).unwrap(), event);
    }

    #[test]
    fn a_record_from_a_newer_app_is_reported_not_misread() {
        let newer = encode_case(&case()).replacen("\"v\":1", "\"v\":2", 1);
        let error = decode_case("abc", &newer).unwrap_err();
        assert!(error.to_string().contains("record version 2"), "{error}");
        assert!(error.to_string().contains("abc"), "{error}");
    }

    #[test]
    fn damaged_records_are_reported_beside_the_good_ones() {
        let good = encode_case(&case());
        let keys = vec!["a".to_string(), "b".to_string(), "c".to_string()];
        let values = vec![good.clone(), "{not json".to_string(), good];
        let loaded = decode_all(&keys, &values, decode_case);
        assert_eq!(loaded.items.len(), 2);
        assert_eq!(loaded.unreadable.len(), 1);
        assert!(
            matches!(&loaded.unreadable[0], StorageError::Corrupt { key, store: "cases", .. } if key == "b")
        );
    }

    #[test]
    fn event_keys_sort_in_timeline_order_and_stay_inside_their_case_range() {
        let make = |case: u128, minute: u32, id: u128| CaseEvent {
            id: Uuid::from_u128(id),
            case_id: Uuid::from_u128(case),
            at: chrono::Utc
                .with_ymd_and_hms(2026, 11, 25, 9, minute, 0)
                .unwrap(),
            actor: "x".into(),
            kind: EventKind::NoteAdded { text: "t".into() },
        };
        let early = event_key(&make(1, 5, 99));
        let late = event_key(&make(1, 40, 1));
        assert!(early < late);
        let range = event_key_range(Uuid::from_u128(1));
        for key in [&early, &late] {
            assert!(range.start <= *key && *key < range.end, "{key}");
        }
        let other = event_key(&make(2, 0, 1));
        assert!(!(range.start <= other && other < range.end));
    }
}
