//! The boundary's rules, one short case each: what passes, and what is refused with which path and reason.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::string_slice,
    clippy::panic
)]

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use uuid::Uuid;

use super::*;
use crate::domain::case::CaseKey;
use crate::domain::case::events::{CaseEvent, EventKind};
use crate::domain::rca::{Decision, Rca, RcaContent, RcaKey, SignOff};

fn at(year: i32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(year, 6, 1, 9, 0, 0).unwrap()
}

fn sample_case() -> crate::domain::Case {
    let sample = crate::domain::sample::generate(7, 1, 1001, at(2026));
    sample.into_iter().next().unwrap().case
}

/// Checks `value` and returns the first violation as text, or "ok".
fn first<T: Validate + ?Sized>(value: &T, root: &str) -> String {
    match value.violations(root) {
        Ok(()) => "ok".into(),
        Err(found) => found[0].to_string(),
    }
}

#[test]
fn a_generated_case_and_its_log_pass() {
    let sample = crate::domain::sample::generate(3, 30, 1001, at(2026));
    for s in &sample {
        assert_eq!(first(&s.case, ""), "ok");
        assert_eq!(first(s.events.as_slice(), ""), "ok");
    }
}

#[test]
fn times_outside_the_window_are_refused_with_their_path() {
    let mut case = sample_case();
    case.created_at = DateTime::<Utc>::MAX_UTC;
    case.updated_at = DateTime::<Utc>::MAX_UTC;
    assert_eq!(
        first(&case, "contents.cases[0]"),
        "contents.cases[0].created_at: expected a time from 1970-01-01 to 2199-12-31, got \"+262142-12-31T23:59:59.999999999+00:00\""
    );
    case.created_at = Utc.with_ymd_and_hms(1969, 12, 31, 23, 59, 59).unwrap();
    assert!(first(&case, "").starts_with("created_at: expected a time"));
    // The window's edges: the epoch is in, 2200-01-01 is out.
    case.created_at = DateTime::<Utc>::UNIX_EPOCH;
    case.updated_at = Utc.with_ymd_and_hms(2199, 12, 31, 23, 59, 59).unwrap();
    assert_eq!(first(&case, ""), "ok");
    case.updated_at = Utc.with_ymd_and_hms(2200, 1, 1, 0, 0, 0).unwrap();
    assert!(first(&case, "").starts_with("updated_at: expected a time"));
}

#[test]
fn a_short_or_empty_signoff_hash_is_refused() {
    let content = RcaContent {
        title: "Payouts held".into(),
        ..RcaContent::default()
    };
    let mut rca = Rca::create(Uuid::from_u128(1), RcaKey(4), content, "Dana", at(2026)).unwrap();
    let signoff = |hash: &str| SignOff {
        team: "Risk".into(),
        validator: "Priya".into(),
        decision: Decision::Agree,
        comments: String::new(),
        at: at(2026),
        content_hash: hash.into(),
    };
    rca.signoffs = vec![signoff(&rca.hash())];
    assert_eq!(first(&rca, ""), "ok");
    for (bad, shown) in [
        ("abc", "\"abc\""),
        ("", "\"\""),
        (
            &"A".repeat(64),
            "\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA…\"",
        ),
    ] {
        rca.signoffs = vec![signoff(bad)];
        assert_eq!(
            first(&rca, "contents.rcas[0]"),
            format!(
                "contents.rcas[0].signoffs[0].content_hash: expected 64 hex characters, got {shown}"
            )
        );
    }
}

#[test]
fn text_caps_count_characters_not_bytes() {
    let mut case = sample_case();
    case.title = "é".repeat(LINE);
    assert_eq!(
        first(&case, ""),
        "ok",
        "{} bytes, {LINE} characters",
        case.title.len()
    );
    case.title.push('é');
    let message = first(&case, "");
    assert!(
        message.starts_with(&format!(
            "title: at most {LINE} characters, got {}",
            LINE + 1
        )),
        "{message}"
    );
    case.title = "  ".into();
    assert_eq!(first(&case, ""), "title: must not be empty");
}

#[test]
fn numbers_have_ranges() {
    let mut case = sample_case();
    case.key = CaseKey::from_number(0);
    assert_eq!(
        first(&case, ""),
        "key: expected 1 to 99999999 (a key number), got 0"
    );
    case.key = CaseKey::from_number(1001);
    case.revision = u64::MAX;
    assert!(first(&case, "").starts_with("revision: expected 1 to 9007199254740992"));
    case.revision = 1;
    case.scoping.money_at_risk = Some(crate::domain::money::Money::new(
        i64::MAX,
        crate::domain::money::Currency::parse("SGD").unwrap(),
    ));
    assert!(first(&case, "").starts_with("scoping.money_at_risk.minor: expected 0 to"));
}

#[test]
fn event_values_are_checked_by_kind() {
    let event = |kind| CaseEvent {
        id: Uuid::from_u128(5),
        case_id: Uuid::from_u128(6),
        at: at(2026),
        actor: "Mei".into(),
        kind,
    };
    let log = vec![
        event(EventKind::NoteAdded { text: "ok".into() }),
        event(EventKind::UpdatePromised {
            by: DateTime::<Utc>::MIN_UTC,
        }),
    ];
    assert!(
        first(log.as_slice(), "contents.cases[2].events")
            .starts_with("contents.cases[2].events[1].kind.by: expected a time"),
    );
    let call = event(EventKind::CallLogged {
        outcome: crate::domain::case::events::CallOutcome::Reached,
        duration_seconds: u32::MAX,
        notes: String::new(),
        next_steps: String::new(),
    });
    assert!(first(&call, "").starts_with("kind.duration_seconds: expected 0 to 604800"));
    let handoff = event(EventKind::HandedOff {
        handoff: Uuid::from_u128(1),
        team: "Risk".into(),
        ask: "?".into(),
        ticket: String::new(),
        ola_minutes: Some(0),
    });
    assert!(first(&handoff, "").starts_with("kind.ola_minutes: expected 1 to 525600"));
}

#[test]
fn long_lists_are_refused_before_their_items_are_read() {
    let mut case = sample_case();
    case.tags = vec![String::new(); MAX_ITEMS + 1];
    assert_eq!(
        first(&case, ""),
        format!("tags: at most {MAX_ITEMS} entries, got {}", MAX_ITEMS + 1)
    );
}

#[test]
fn dates_have_years() {
    let mut settings = crate::domain::sla::SlaSettings::default();
    settings.calendars[0].holidays[0].date = NaiveDate::from_ymd_opt(9999, 1, 1).unwrap();
    assert_eq!(
        first(&settings, "contents.settings.sla"),
        "contents.settings.sla.calendars[0].holidays[0].date: expected a date from 1970 to 2199, got \"9999-01-01\""
    );
}

#[test]
fn sla_settings_also_meet_their_own_rules() {
    let mut settings = crate::domain::sla::SlaSettings::default();
    assert_eq!(first(&settings, ""), "ok");
    settings.policies[0].calendar = "nowhere".into();
    assert!(first(&settings, "").contains("no longer in the list"));
    let mut settings = crate::domain::sla::SlaSettings::default();
    let nine_to_five = settings.calendars[0].week[0][0];
    settings.calendars[0].week[0] = vec![nine_to_five; 10_000];
    assert_eq!(
        first(&settings, ""),
        "calendars[0].week[0]: at most 48 intervals a day, got 10000"
    );
}

#[test]
fn a_refusal_quotes_at_most_forty_characters_with_controls_escaped() {
    assert_eq!(shown("a\u{0}b"), "\"a\\0b\"");
    assert_eq!(shown(&"x".repeat(41)), format!("\"{}…\"", "x".repeat(40)));
}

#[test]
fn a_checker_keeps_at_most_twenty_findings() {
    let mut c = Checker::new("");
    for _ in 0..100 {
        c.fail(None, "bad".into());
    }
    assert_eq!(c.finish().unwrap_err().len(), 20);
}
