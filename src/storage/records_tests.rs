//! Tests for the stored record forms: each round-trips, and a damaged or out-of-range record is refused with its reason.
#![allow(clippy::string_slice)]

use super::*;
use crate::domain::case::{Account, CaseKey, Channel, Contact, Tier};
use crate::domain::money::{Currency, Money};
use crate::domain::priority::{Impact, Priority, Urgency};
use crate::domain::triage::Scoping;
use crate::domain::{CaseStatus, EventKind};
use chrono::TimeZone;

fn case() -> Case {
    let at = chrono::Utc
        .with_ymd_and_hms(2026, 11, 25, 9, 30, 0)
        .unwrap();
    Case {
        id: Uuid::from_u128(0x1234),
        key: CaseKey::from_number(1042),
        title: "Refunds fail in JPY only".into(),
        account: Account {
            name: "Sakura Mart".into(),
            account_id: "acct_9".into(),
            tier: Tier::Enterprise,
        },
        contacts: vec![Contact {
            name: "Kenji Sato".into(),
            email: "pay@sakura.example".into(),
            phone: "+81 3 1234 5678".into(),
        }],
        channel: Channel::Phone,
        product_area: "Payments".into(),
        impact: Impact::Significant,
        urgency: Urgency::High,
        priority: Priority::P2,
        owner: "Mei Lin".into(),
        tags: vec!["jpy".into(), "refunds".into()],
        watchers: vec!["Raj Kumar".into()],
        scoping: Scoping {
            affected: "JPY refunds".into(),
            since: Some(at),
            reproducible: Some(true),
            money_at_risk: Some(Money::new(1_250_000, Currency::parse("JPY").unwrap())),
            users_affected: Some(340),
            evidence: vec!["https://dash.example/refunds".into()],
        },
        status: CaseStatus::WaitingOnPartner,
        resolution: None,
        problem_id: None,
        created_at: at,
        updated_at: at,
        revision: 3,
    }
}

/// The stored forms are promises to every browser that already holds data: these fixtures must keep decoding.
#[test]
fn stored_case_record_v2_golden_fixture_still_decodes() {
    let text = include_str!("../../tests/fixtures/storage/case-record-v2.json");
    assert_eq!(decode_case("k", text.trim()).unwrap(), case());
}

#[test]
fn stored_clock_log_v1_golden_fixture_still_decodes() {
    use crate::domain::sla::{ClockMark, MarkKind, SettledClock, SettledSla, SlaTarget};
    let at = |minute: i64| {
        chrono::DateTime::from_timestamp(1_795_000_000 + minute * 60, 0).expect("valid")
    };
    let mark = |minute, kind| ClockMark {
        at: at(minute),
        kind,
    };
    let expected = vec![
        mark(
            1,
            MarkKind::Status {
                to: CaseStatus::Triaged,
            },
        ),
        mark(2, MarkKind::Response),
        mark(2, MarkKind::Promise { by: at(90) }),
        mark(
            3,
            MarkKind::HandOff {
                id: Uuid::from_u128(7),
                team: "Risk".into(),
                minutes: None,
            },
        ),
        mark(
            4,
            MarkKind::PartnerAnswer {
                id: Uuid::from_u128(7),
            },
        ),
        mark(
            5,
            MarkKind::Breach {
                target: SlaTarget::NextUpdate,
                cycle: at(2),
            },
        ),
        mark(
            6,
            MarkKind::Settled {
                record: SettledSla {
                    policy: "Standard".into(),
                    calendar: "Singapore office hours".into(),
                    clocks: vec![SettledClock {
                        target: SlaTarget::Resolution,
                        label: "Resolution".into(),
                        target_minutes: 2700,
                        elapsed_minutes: 6,
                        due: Some(at(2700)),
                        breached: false,
                    }],
                },
            },
        ),
    ];
    let text = include_str!("../../tests/fixtures/storage/clock-log-v1.json");
    assert_eq!(decode_clock_log("k", text.trim()).unwrap(), expected);
    assert_eq!(
        encode_clock_log(&expected),
        text.trim(),
        "written the same way"
    );
}

/// Marks added with outreach (pinned OLAs, reminders) keep the v1 record: additive, so
/// every older log still decodes, and this fixture pins the new shapes.
#[test]
fn stored_clock_log_v1_with_outreach_marks_golden_fixture_decodes() {
    use crate::domain::sla::{ClockMark, MarkKind};
    let ms = |n: i64| chrono::DateTime::from_timestamp_millis(n).unwrap();
    let expected = vec![
        ClockMark {
            at: ms(1795000060000),
            kind: MarkKind::HandOff {
                id: Uuid::from_u128(8),
                team: "Risk Operations".into(),
                minutes: Some(480),
            },
        },
        ClockMark {
            at: ms(1795000120000),
            kind: MarkKind::Reminder {
                at: Some(ms(1795003600000)),
                snooze: true,
            },
        },
        ClockMark {
            at: ms(1795000180000),
            kind: MarkKind::Reminder {
                at: None,
                snooze: false,
            },
        },
    ];
    let text = include_str!("../../tests/fixtures/storage/clock-log-v1-outreach.json");
    assert_eq!(decode_clock_log("k", text.trim()).unwrap(), expected);
    assert_eq!(encode_clock_log(&expected), text.trim());
}

#[test]
fn stored_playbook_v1_and_checklist_marks_golden_fixtures_decode() {
    use crate::domain::playbooks::{
        Playbook, PlaybookContent, PlaybookStep, PlaybookVersion, StepMark, Triggers,
    };
    use crate::domain::priority::Priority;
    use crate::domain::sla::{ClockMark, MarkKind};
    let at = chrono::DateTime::from_timestamp_millis(1795000000000).unwrap();
    let expected = Playbook {
        id: Uuid::from_u128(42),
        archived: false,
        revision: 2,
        versions: vec![PlaybookVersion {
            number: 1,
            author: "Mei".into(),
            at,
            note: "Created".into(),
            content: PlaybookContent {
                title: "Payroll payout rescue".into(),
                description: "Payroll depends on it.".into(),
                triggers: Triggers {
                    product_areas: vec!["Payouts".into()],
                    tags: vec!["payroll".into()],
                    priorities: vec![Priority::P1],
                },
                steps: vec![PlaybookStep {
                    id: "find".into(),
                    title: "Find the payout".into(),
                    instructions: "Look up **po_**".into(),
                    template: Some("ack-payout-held".into()),
                    evidence_required: true,
                }],
            },
        }],
    };
    let text = include_str!("../../tests/fixtures/storage/playbook-v1.json");
    assert_eq!(decode_playbook("k", text.trim()).unwrap(), expected);
    assert_eq!(encode_playbook(&expected), text.trim());

    let marks = vec![
        ClockMark {
            at,
            kind: MarkKind::Checklist {
                run: Uuid::from_u128(7),
                playbook: Uuid::from_u128(42),
                steps: 1,
            },
        },
        ClockMark {
            at,
            kind: MarkKind::Step {
                run: Uuid::from_u128(7),
                step: "find".into(),
                state: StepMark::Skipped,
            },
        },
    ];
    let text = include_str!("../../tests/fixtures/storage/clock-log-v1-playbooks.json");
    assert_eq!(decode_clock_log("k", text.trim()).unwrap(), marks);
    assert_eq!(encode_clock_log(&marks), text.trim());
}

#[test]
fn stored_case_record_v1_golden_fixture_migrates_to_the_current_model() {
    let text = include_str!("../../tests/fixtures/storage/case-record-v1.json");
    let migrated = decode_case("k", text.trim()).unwrap();
    let expected = Case {
        account: Account {
            name: "Sakura Mart".into(),
            ..Account::default()
        },
        contacts: vec![Contact {
            email: "pay@sakura.example".into(),
            ..Contact::default()
        }],
        channel: Channel::Email,
        product_area: "Other".into(),
        owner: String::new(),
        tags: vec![],
        watchers: vec![],
        scoping: Scoping::default(),
        ..case()
    };
    assert_eq!(migrated, expected);
    assert_eq!(
        decode_case("k", &encode_case(&migrated)).unwrap(),
        migrated,
        "re-stored as v2"
    );
    assert!(encode_case(&migrated).starts_with(r#"{"v":2,"#));
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
fn records_start_with_their_version_and_a_record_without_the_prefix_still_reads() {
    let text = encode_case(&case());
    assert!(text.starts_with(r#"{"v":2,"id":"#), "{}", &text[..20]);
    // The same record with its version moved to the end, as another writer might emit it.
    let reordered = text.replacen(r#"{"v":2,"#, "{", 1);
    let moved = format!("{},\"v\":2}}", &reordered[..reordered.len() - 1]);
    assert_eq!(decode_case("k", &moved).unwrap(), case());
}

#[test]
fn a_record_from_a_newer_app_is_reported_not_misread() {
    let newer = encode_case(&case()).replacen("\"v\":2", "\"v\":3", 1);
    let error = decode_case("abc", &newer).unwrap_err();
    assert!(error.to_string().contains("record version 3"), "{error}");
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
    // Schema 9 folds the old per-event records into logs by this prefix.
    for key in [&early, &late] {
        assert_eq!(
            key.split('|').next(),
            Some(Uuid::from_u128(1).to_string().as_str())
        );
    }
}

fn event(minute: u32, id: u128) -> CaseEvent {
    CaseEvent {
        id: Uuid::from_u128(id),
        case_id: Uuid::from_u128(1),
        at: chrono::Utc
            .with_ymd_and_hms(2026, 11, 25, 9, minute, 0)
            .unwrap(),
        actor: "Mei".into(),
        kind: EventKind::NoteAdded {
            text: format!("note {id}\nsecond line \"quoted\""),
        },
    }
}

#[test]
fn a_case_log_is_stored_in_timeline_order_one_event_per_line() {
    let given = [event(30, 3), event(5, 1), event(5, 2)];
    let text = encode_log(&given);
    assert_eq!(text.lines().count(), 3, "a note's line breaks stay escaped");
    let loaded = decode_log("case-1", &text);
    assert!(loaded.unreadable.is_empty());
    assert_eq!(loaded.items, [event(5, 1), event(5, 2), event(30, 3)]);
    assert_eq!(encode_log(&[]), "");
    assert!(decode_log("case-1", "").items.is_empty());
}

#[test]
fn appending_skips_logged_events_and_puts_a_back_dated_one_in_its_place() {
    let stored = encode_log(&[event(5, 1), event(30, 3)]);
    assert_eq!(append_to_log(Some(&stored), &[event(5, 1)]), None);
    let appended =
        append_to_log(Some(&stored), &[event(30, 3), event(10, 2), event(40, 4)]).unwrap();
    let ids: Vec<u128> = decode_log("k", &appended)
        .items
        .iter()
        .map(|e| e.id.as_u128())
        .collect();
    assert_eq!(ids, [1, 2, 3, 4]);
    assert_eq!(
        append_to_log(None, &[event(9, 7)]).unwrap(),
        encode_log(&[event(9, 7)])
    );
}

#[test]
fn a_damaged_log_line_is_reported_by_number_and_kept_through_appends() {
    let stored = format!(
        "{}\n{{\"v\":1,\"half\n{}",
        encode_event(&event(5, 1)),
        encode_event(&event(30, 3))
    );
    let loaded = decode_log("case-1", &stored);
    assert_eq!(loaded.items, [event(5, 1), event(30, 3)]);
    assert!(
        matches!(&loaded.unreadable[..], [StorageError::Corrupt { store: "case_logs", key, .. }] if key == "case-1 line 2"),
        "{:?}",
        loaded.unreadable
    );
    let appended = append_to_log(Some(&stored), &[event(1, 9), event(50, 4)]).unwrap();
    assert!(appended.contains("{\"v\":1,\"half"));
    let ids: Vec<u128> = decode_log("k", &appended)
        .items
        .iter()
        .map(|e| e.id.as_u128())
        .collect();
    assert_eq!(ids, [9, 1, 3, 4]);
}

#[cfg(not(target_arch = "wasm32"))]
proptest::proptest! {
    /// However events arrive (any order, repeated, in several appends), the log holds each
    /// once, in timeline order.
    #[test]
    fn appends_in_any_order_give_each_event_once_in_timeline_order(
        batches in proptest::collection::vec(
            proptest::collection::vec((0u32..60, 0u128..12), 0..6), 1..5)
    ) {
        let mut stored: Option<String> = None;
        let mut expected = std::collections::BTreeMap::new();
        for batch in &batches {
            let events: Vec<CaseEvent> = batch.iter().map(|(m, id)| event(*m, *id)).collect();
            for e in &events {
                // The first copy of an id wins: a repeat is the same event again.
                expected.entry(e.id).or_insert_with(|| e.clone());
            }
            if let Some(text) = append_to_log(stored.as_deref(), &events) {
                stored = Some(text);
            }
        }
        let mut want: Vec<CaseEvent> = expected.into_values().collect();
        want.sort_by(crate::domain::case::events::timeline_order);
        let got = decode_log("k", stored.as_deref().unwrap_or_default());
        proptest::prop_assert!(got.unreadable.is_empty());
        proptest::prop_assert_eq!(got.items, want);
    }
}
