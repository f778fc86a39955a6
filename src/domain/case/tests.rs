//! Tests for cases: keys, intake, edits and their events, triage rules, notes and the queue order.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use super::intake::validate_title;
use super::*;
use crate::domain::DomainError;
use crate::domain::case::events::{CallOutcome, EventKind};
use crate::domain::priority::{Impact, Priority, PriorityMatrix, Urgency};
use crate::domain::triage::{Scoping, ScopingRequirements};
use chrono::TimeZone;

fn at(h: u32, m: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 25, h, m, 0).unwrap()
}

fn input(title: &str, account: &str, email: &str, severity: &str) -> NewCaseInput {
    NewCaseInput {
        title: title.into(),
        account: account.into(),
        contact_email: email.into(),
        severity: severity.into(),
    }
}

fn sample_case() -> Case {
    let valid = input("Payouts held", "Kopi Co", "ops@kopi.sg", "S2")
        .validate()
        .unwrap();
    Case::open(
        valid,
        &PriorityMatrix::default(),
        Uuid::from_u128(1),
        CaseKey::from_number(1001),
        Uuid::from_u128(2),
        "Mei",
        at(9, 0),
    )
    .0
}

#[test]
fn case_keys_round_trip_and_reject_lookalikes() {
    for (text, expected) in [
        ("ESC-1001", Some(1001)),
        (" ESC-42 ", Some(42)),
        ("ESC-", None),
        ("esc-1001", None),
        ("ESC-10a1", None),
        ("ESC--1", None),
        ("ESC-99999999999", None),
    ] {
        assert_eq!(CaseKey::parse(text).map(|k| k.number()), expected, "{text}");
    }
    assert_eq!(CaseKey::from_number(1042).to_string(), "ESC-1042");
}

#[test]
fn intake_accepts_a_complete_case_and_trims_it() {
    let valid = input(
        "  Payouts held for payroll ",
        " Kopi Co ",
        " ops@kopi.sg ",
        "S1",
    )
    .validate()
    .unwrap();
    assert_eq!(valid.title, "Payouts held for payroll");
    assert_eq!(valid.account, "Kopi Co");
    assert_eq!(valid.contact_email, "ops@kopi.sg");
    assert_eq!(valid.severity, Severity::S1);
}

#[test]
fn intake_reports_every_bad_field_at_once() {
    let errors = input("   ", "", "not-an-email", "S9")
        .validate()
        .unwrap_err();
    let fields: Vec<_> = errors.iter().map(|e| e.field).collect();
    assert_eq!(fields, ["Title", "Account", "Contact email", "Severity"]);
    assert!(
        errors[2].message.contains("has no @"),
        "{}",
        errors[2].message
    );
}

#[test]
fn email_check_names_the_problem() {
    for (email, fragment) in [
        ("", "enter"),
        ("a b@x.com", "no spaces"),
        ("ab.x.com", "no @"),
        ("@x.com", "before the @"),
        ("a@b@x.com", "more than one"),
        ("a@localhost", "full domain"),
        ("a@x..com", "full domain"),
        ("a@x.", "full domain"),
    ] {
        let why = check_email(email).unwrap_err();
        assert!(why.contains(fragment), "{email:?}: {why}");
    }
    for ok in ["a@x.co", "first.last+tag@sub.example.com.sg", "ünï@例え.jp"] {
        assert_eq!(check_email(ok), Ok(()), "{ok}");
    }
}

#[test]
fn titles_are_one_line_and_bounded() {
    assert!(validate_title("line one\nline two").is_err());
    assert!(validate_title(&"x".repeat(MAX_TITLE_CHARS)).is_ok());
    assert!(validate_title(&"x".repeat(MAX_TITLE_CHARS + 1)).is_err());
}

#[test]
fn opening_a_case_records_who_and_when() {
    let valid = input("Refunds fail in JPY", "Sakura Mart", "pay@sakura.jp", "S3")
        .validate()
        .unwrap();
    let (case, event) = Case::open(
        valid,
        &PriorityMatrix::default(),
        Uuid::from_u128(7),
        CaseKey::from_number(1001),
        Uuid::from_u128(8),
        "Mei",
        at(9, 0),
    );
    assert_eq!(case.status, CaseStatus::New);
    assert_eq!(case.revision, 1);
    assert_eq!(event.case_id, case.id);
    assert_eq!(event.actor, "Mei");
    assert_eq!(event.at, at(9, 0));
    assert!(matches!(event.kind, EventKind::Created { .. }));
}

#[test]
fn retitle_records_before_and_after_and_bumps_revision() {
    let case = sample_case();
    let (next, event) = case
        .retitle(
            "Payouts held — payroll Friday",
            Uuid::from_u128(3),
            "Raj",
            at(10, 0),
        )
        .unwrap();
    assert_eq!(next.title, "Payouts held — payroll Friday");
    assert_eq!(next.revision, 2);
    assert_eq!(next.updated_at, at(10, 0));
    assert_eq!(
        event.kind,
        EventKind::FieldChanged {
            field: crate::domain::case::ChangedField::Title,
            before: "Payouts held".into(),
            after: "Payouts held — payroll Friday".into()
        }
    );
    assert_eq!(
        case.retitle("  Payouts held ", Uuid::from_u128(4), "Raj", at(10, 0)),
        Err(DomainError::NoChange)
    );
    assert!(matches!(
        case.retitle("", Uuid::from_u128(4), "Raj", at(10, 0)),
        Err(DomainError::Invalid(_))
    ));
}

#[test]
fn notes_are_kept_byte_for_byte_and_empty_ones_refused() {
    let case = sample_case();
    let text = "  Called Wei: payroll is Friday.\n\tBank ref 123  ";
    let (next, event) = case
        .note(text, Uuid::from_u128(5), "Mei", at(11, 0))
        .unwrap();
    assert_eq!(event.kind, EventKind::NoteAdded { text: text.into() });
    assert_eq!(next.revision, case.revision + 1);
    assert!(
        case.note(" \n ", Uuid::from_u128(6), "Mei", at(11, 0))
            .is_err()
    );
}

#[test]
fn a_clock_stepping_back_never_makes_updated_at_older() {
    let case = sample_case();
    let (next, _) = case.note("x", Uuid::from_u128(5), "Mei", at(8, 0)).unwrap();
    assert_eq!(next.updated_at, at(9, 0));
}

#[test]
fn queue_puts_open_severe_old_cases_first() {
    let base = sample_case();
    let mk = |n: u32, sev: Priority, status: CaseStatus, h: u32| Case {
        key: CaseKey::from_number(n),
        priority: sev,
        status,
        created_at: at(h, 0),
        ..base.clone()
    };
    let mut cases = [
        mk(1, Priority::P1, CaseStatus::Closed, 1),
        mk(2, Priority::P3, CaseStatus::New, 1),
        mk(3, Priority::P1, CaseStatus::InProgress, 5),
        mk(4, Priority::P1, CaseStatus::New, 2),
    ];
    cases.sort_by(queue_order);
    let keys: Vec<u32> = cases.iter().map(|c| c.key.number()).collect();
    assert_eq!(keys, [4, 3, 2, 1]);
}

fn ctx<'a>(matrix: &'a PriorityMatrix, requirements: &'a ScopingRequirements) -> EditContext<'a> {
    EditContext {
        matrix,
        requirements,
        actor: "Raj",
        now: at(12, 0),
    }
}

fn ids() -> impl FnMut() -> Uuid {
    let mut n = 100;
    move || {
        n += 1;
        Uuid::from_u128(n)
    }
}

fn scoped(case: &Case) -> Case {
    let mut case = case.clone();
    case.scoping = Scoping {
        affected: "Payouts to DBS".into(),
        since: Some(at(1, 0)),
        money_at_risk: Some(crate::domain::money::Money::new(
            100,
            crate::domain::money::Currency::parse("SGD").unwrap(),
        )),
        ..Scoping::default()
    };
    case
}

#[test]
fn intake_severity_maps_onto_the_matrix() {
    let case = sample_case();
    assert_eq!(
        (case.impact, case.urgency, case.priority),
        (Impact::Significant, Urgency::High, Priority::P2)
    );
    assert_eq!(case.owner, "Mei");
    assert_eq!(case.contact_email(), "ops@kopi.sg");
}

#[test]
fn triage_needs_the_required_scoping_fields() {
    let (matrix, requirements) = (PriorityMatrix::default(), ScopingRequirements::default());
    let to_triaged = || CaseEdit::Status {
        to: CaseStatus::Triaged,
        resolution: String::new(),
    };
    let error = sample_case()
        .apply(to_triaged(), &ctx(&matrix, &requirements), ids())
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "cannot mark the case triaged yet: fill in What is affected, Since when, Money at risk"
    );
    let (triaged, events) = scoped(&sample_case())
        .apply(to_triaged(), &ctx(&matrix, &requirements), ids())
        .unwrap();
    assert_eq!(triaged.status, CaseStatus::Triaged);
    assert_eq!(
        events[0].kind,
        EventKind::StatusChanged {
            from: CaseStatus::New,
            to: CaseStatus::Triaged,
            resolution: None
        }
    );
    assert_eq!(events[0].actor, "Raj");
    assert_eq!(events[0].at, at(12, 0));
}

#[test]
fn illegal_moves_are_refused_with_the_reason() {
    let (matrix, requirements) = (PriorityMatrix::default(), ScopingRequirements::default());
    let error = sample_case()
        .apply(
            CaseEdit::Status {
                to: CaseStatus::Closed,
                resolution: String::new(),
            },
            &ctx(&matrix, &requirements),
            ids(),
        )
        .unwrap_err();
    assert!(
        error.to_string().contains("triage the case first"),
        "{error}"
    );
}

#[test]
fn resolving_needs_a_summary_and_reopening_keeps_history() {
    let (matrix, requirements) = (PriorityMatrix::default(), ScopingRequirements::default());
    let c = ctx(&matrix, &requirements);
    let mut case = scoped(&sample_case());
    case.status = CaseStatus::InProgress;
    let resolve = |summary: &str| CaseEdit::Status {
        to: CaseStatus::Resolved,
        resolution: summary.into(),
    };
    let error = case.apply(resolve("  "), &c, ids()).unwrap_err();
    assert!(
        error.to_string().contains("say how the case was resolved"),
        "{error}"
    );
    let (resolved, events) = case
        .apply(resolve("Hold released by Risk"), &c, ids())
        .unwrap();
    assert_eq!(
        resolved.resolution.as_deref(),
        Some("Hold released by Risk")
    );
    assert!(
        matches!(&events[0].kind, EventKind::StatusChanged { resolution: Some(r), .. } if r == "Hold released by Risk")
    );
    let (reopened, events) = resolved
        .apply(
            CaseEdit::Status {
                to: CaseStatus::InProgress,
                resolution: String::new(),
            },
            &c,
            ids(),
        )
        .unwrap();
    assert_eq!(reopened.status, CaseStatus::InProgress);
    assert_eq!(events[0].headline(), "Raj reopened the case");
    assert_eq!(reopened.revision, case.revision + 2);
}

#[test]
fn axes_set_priority_through_the_matrix_and_log_each_change() {
    let requirements = ScopingRequirements::default();
    let matrix =
        PriorityMatrix::default().with_cell(Impact::Minor, Urgency::Critical, Priority::P1);
    let (next, events) = sample_case()
        .apply(
            CaseEdit::Axes {
                impact: Impact::Minor,
                urgency: Urgency::Critical,
            },
            &ctx(&matrix, &requirements),
            ids(),
        )
        .unwrap();
    assert_eq!(next.priority, Priority::P1);
    let fields: Vec<String> = events
        .iter()
        .map(|e| match &e.kind {
            EventKind::FieldChanged {
                field,
                before,
                after,
            } => format!("{field}: {before} -> {after}"),
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(
        fields,
        [
            "impact: Significant -> Minor",
            "urgency: High -> Critical",
            "priority: P2 -> P1"
        ]
    );
    assert_eq!(
        events.iter().map(|e| e.id.as_u128()).collect::<Vec<_>>(),
        [101, 102, 103]
    );
}

#[test]
fn owners_tags_and_contacts_are_validated_and_normalised() {
    let (matrix, requirements) = (PriorityMatrix::default(), ScopingRequirements::default());
    let c = ctx(&matrix, &requirements);
    let case = sample_case();
    assert!(case.apply(CaseEdit::Owner("  ".into()), &c, ids()).is_err());
    let (tagged, _) = case
        .apply(
            CaseEdit::Tags(vec![
                "Payroll ".into(),
                "payroll".into(),
                "".into(),
                "DBS".into(),
            ]),
            &c,
            ids(),
        )
        .unwrap();
    assert_eq!(tagged.tags, ["dbs", "payroll"]);
    let (more, _) = tagged
        .apply(CaseEdit::AddTag(" Escalated ".into()), &c, ids())
        .unwrap();
    assert_eq!(more.tags, ["dbs", "escalated", "payroll"]);
    assert_eq!(
        more.apply(CaseEdit::AddTag("DBS".into()), &c, ids()),
        Err(DomainError::NoChange)
    );
    assert!(more.apply(CaseEdit::AddTag(" ".into()), &c, ids()).is_err());
    let contact = |email: &str, phone: &str| Contact {
        name: "Wei".into(),
        email: email.into(),
        phone: phone.into(),
    };
    let bad_phone = case.apply(
        CaseEdit::Contacts(vec![contact("wei@kopi.sg", "+65 6123 45x7")]),
        &c,
        ids(),
    );
    assert!(
        bad_phone
            .unwrap_err()
            .to_string()
            .contains("'x' does not belong")
    );
    let bad_email = case.apply(
        CaseEdit::Contacts(vec![contact("wei.kopi.sg", "")]),
        &c,
        ids(),
    );
    assert!(bad_email.unwrap_err().to_string().contains("has no @"));
    assert!(
        case.apply(CaseEdit::Contacts(vec![contact("", "")]), &c, ids())
            .is_err(),
        "no contact left"
    );
    let (next, events) = case
        .apply(
            CaseEdit::Contacts(vec![contact("wei@kopi.sg", "+65 6123 4567")]),
            &c,
            ids(),
        )
        .unwrap();
    assert_eq!(next.contacts[0].phone, "+65 6123 4567");
    assert_eq!(events.len(), 1);
}

#[test]
fn phone_check_table() {
    for ok in [
        "+65 6123 4567",
        "(02) 9876-5432",
        "6512345678",
        "+1.415.555.0100",
    ] {
        assert_eq!(check_phone(ok), Ok(()), "{ok}");
    }
    for (bad, fragment) in [
        ("12345", "5 digits"),
        ("+65 61+23 4567", "only start"),
        ("call me", "does not belong"),
        ("1234567890123456", "16 digits"),
    ] {
        let why = check_phone(bad).unwrap_err();
        assert!(why.contains(fragment), "{bad}: {why}");
    }
}

#[test]
fn scoping_edits_log_one_event_per_changed_field_and_no_op_edits_are_refused() {
    let (matrix, requirements) = (PriorityMatrix::default(), ScopingRequirements::default());
    let c = ctx(&matrix, &requirements);
    let case = sample_case();
    let scoping = Scoping {
        affected: "Payouts to DBS".into(),
        users_affected: Some(12),
        ..Scoping::default()
    };
    let (next, events) = case
        .apply(CaseEdit::Scoping(scoping.clone()), &c, ids())
        .unwrap();
    assert_eq!(next.scoping, scoping);
    assert_eq!(events.len(), 2);
    assert_eq!(
        next.apply(CaseEdit::Scoping(scoping), &c, ids()),
        Err(DomainError::NoChange)
    );
    assert_eq!(
        case.apply(CaseEdit::Title(case.title.clone()), &c, ids()),
        Err(DomainError::NoChange)
    );
}

mod logs;
