//! Bundle v1: round trips, selections, file names, errors with their JSON paths, the golden fixture, redaction and fuzzing.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::string_slice,
    clippy::panic
)]

use chrono::TimeZone;
use std::collections::HashMap;

use super::*;
use crate::bundle::redact::redact;
use crate::domain::device::OnDevice;
use crate::domain::merge::plan;
use crate::domain::problem::ProblemKey;

fn at(minutes: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 30, 9, 0, 0).unwrap() + chrono::Duration::minutes(minutes)
}

/// Six sample cases; the first is linked to a problem and has a playbook applied.
pub(crate) fn source() -> OnDevice {
    let sample = crate::domain::sample::generate(3, 6, 1001, at(0));
    let playbooks = crate::domain::playbook_pack::starter_playbooks();
    let problem = Problem::open(
        "JPY refunds multiplied by 100",
        "Acquirer exponent bug",
        Uuid::from_u128(77),
        ProblemKey(1),
        "Maya",
        at(5),
    )
    .unwrap();
    let mut cases: Vec<Case> = sample.iter().map(|s| s.case.clone()).collect();
    cases[0].problem_id = Some(problem.id);
    let mut events: HashMap<Uuid, Vec<CaseEvent>> = sample
        .iter()
        .map(|s| (s.case.id, s.events.clone()))
        .collect();
    let first = &playbooks[0];
    events.get_mut(&cases[0].id).unwrap().push(CaseEvent {
        id: Uuid::from_u128(991),
        case_id: cases[0].id,
        at: at(30),
        actor: "Maya".into(),
        kind: EventKind::PlaybookApplied {
            run: Uuid::from_u128(992),
            playbook: first.id,
            version: 1,
            title: first.current().title.clone(),
            steps: Vec::new(),
        },
    });
    let rcas = vec![signed_rca(cases[0].id)];
    OnDevice {
        cases,
        events,
        playbooks,
        templates: crate::domain::templates::starter_templates(),
        partners: crate::domain::partners::PartnerDirectory::default().teams,
        problems: vec![problem],
        rcas,
        team: TeamSettings::default(),
        sla: SlaSettings::default(),
        next_case_number: 1007,
        numbers_elsewhere: Vec::new(),
        provisional: Default::default(),
    }
}

/// A worksheet on `case`, in review, signed by Risk Operations.
fn signed_rca(case: Uuid) -> Rca {
    use crate::domain::rca::{Claim, Decision, RcaContent, RcaKey, RcaStatus};
    let content = RcaContent {
        title: "Payouts held after a rule change".into(),
        owner: "Maya".into(),
        case_ids: vec![case],
        partner_teams: vec!["Risk Operations".into(), "Payouts Engineering".into()],
        started_at: Some(at(-600)),
        whys: vec![Claim {
            id: Uuid::from_u128(501),
            text: "Retries counted as new payouts".into(),
            evidence: vec![],
        }],
        ..RcaContent::default()
    };
    Rca::create(Uuid::from_u128(500), RcaKey(1), content, "Maya", at(10))
        .unwrap()
        .move_to(RcaStatus::InReview, "Maya", at(11))
        .unwrap()
        .sign(
            "Risk Operations",
            "Priya",
            Decision::Agree,
            "",
            "Maya",
            at(12),
        )
        .unwrap()
}

fn exporter() -> Exporter {
    Exporter {
        name: "Maya".into(),
        device: "device-1".into(),
    }
}

fn export(source: &OnDevice, selection: &Selection) -> BundleV1 {
    BundleV1::build(source.clone(), selection, exporter(), "0.1.0", at(60))
}

#[test]
fn everything_round_trips_to_identical_records() {
    let source = source();
    let text = export(&source, &Selection::Everything).to_json();
    let read = read(&text).unwrap();
    assert_eq!(read.scope, Scope::Everything);
    assert!(read.contents.settings.is_some());
    let incoming = read.incoming();
    assert_eq!(incoming.cases.len(), source.cases.len());
    for item in &incoming.cases {
        let original = source.cases.iter().find(|c| c.id == item.case.id).unwrap();
        assert_eq!(&item.case, original);
        let mut expected = source.events[&original.id].clone();
        expected.sort_by(crate::domain::case::events::timeline_order);
        assert_eq!(item.events, expected);
    }
    assert_eq!(incoming.playbooks, source.playbooks);
    assert_eq!(incoming.templates, source.templates);
    assert_eq!(incoming.partners, source.partners);
    assert_eq!(incoming.problems, source.problems);
    assert_eq!(incoming.rcas, source.rcas);
    // Imported back into the device it came from, nothing changes.
    let local = crate::domain::device::OnDevice {
        cases: source.cases.clone(),
        events: source.events.clone(),
        playbooks: source.playbooks.clone(),
        templates: source.templates.clone(),
        partners: source.partners.clone(),
        problems: source.problems.clone(),
        rcas: source.rcas.clone(),
        next_case_number: 1007,
        ..Default::default()
    };
    assert!(plan(incoming, local).changes_nothing());
}

#[test]
fn the_buffered_writer_writes_exactly_serde_jsons_text() {
    let bundle = export(&source(), &Selection::Everything);
    assert_eq!(bundle.to_json(), serde_json::to_string(&bundle).unwrap());
}

#[test]
fn a_case_selection_carries_its_problem_and_the_playbooks_applied_to_it() {
    let source = source();
    let chosen = vec![source.cases[0].id, source.cases[2].id];
    let bundle = export(&source, &Selection::Cases(chosen));
    let keys: Vec<String> = bundle
        .contents
        .cases
        .iter()
        .map(|c| c.key.to_string())
        .collect();
    assert_eq!(keys, ["ESC-1001", "ESC-1003"]);
    assert_eq!(bundle.contents.problems.len(), 1);
    assert_eq!(bundle.contents.playbooks.len(), 1);
    assert_eq!(bundle.contents.playbooks[0].id, source.playbooks[0].id);
    assert_eq!(bundle.contents.templates.len(), source.templates.len());
    assert!(
        bundle.contents.settings.is_none(),
        "settings travel only in a backup"
    );
    assert_eq!(
        bundle.file_name(false),
        "escalation-desk-2026-11-30-cases-2.json"
    );

    let only_playbooks = export(&source, &Selection::PlaybooksAndTemplates);
    assert!(only_playbooks.contents.cases.is_empty());
    assert_eq!(
        only_playbooks.contents.playbooks.len(),
        source.playbooks.len()
    );
    assert_eq!(
        only_playbooks.file_name(true),
        "escalation-desk-2026-11-30-playbooks.edbundle"
    );
}

fn error_of(text: &str) -> String {
    read(text).unwrap_err().to_string()
}

fn mutate(edit: impl FnOnce(&mut serde_json::Value)) -> String {
    let mut value = serde_json::to_value(export(&source(), &Selection::Everything)).unwrap();
    edit(&mut value);
    value.to_string()
}

#[test]
fn bad_bundles_say_where_and_why() {
    let cases = [
        (
            mutate(|v| v["contents"]["cases"][1]["status"] = "Pending".into()),
            "contents.cases[1].status: unknown value 'Pending' (expected one of `New`",
        ),
        (
            mutate(|v| v["contents"]["cases"][2]["created_at"] = "2026-13-45T99:00:00Z".into()),
            "contents.cases[2].created_at: ",
        ),
        (
            mutate(|v| {
                let copy = v["contents"]["cases"][0].clone();
                v["contents"]["cases"][3]["id"] = copy["id"].clone();
            }),
            "contents.cases[3].id: duplicate id",
        ),
        (
            mutate(|v| {
                let copy = v["contents"]["cases"][0]["events"][0]["id"].clone();
                v["contents"]["cases"][4]["events"][1]["id"] = copy;
            }),
            "contents.cases[4].events[1].id: duplicate event id",
        ),
        (
            mutate(|v| v["contents"]["cases"][0]["key"] = "ESC-1002".into()),
            "contents.cases[1].key: duplicate key ESC-1002",
        ),
        (
            mutate(|v| v["contents"]["cases"][0]["title"] = "  ".into()),
            "contents.cases[0].title: a case needs a title",
        ),
        (
            mutate(|v| v["contents"]["cases"][0]["key"] = "1002".into()),
            "contents.cases[0].key: '1002' is not a case key",
        ),
        (
            mutate(|v| {
                v["contents"]["cases"][5]["events"][0]["kind"]["type"] = "Teleported".into()
            }),
            "contents.cases[5].events[0].kind.type: unknown value 'Teleported'",
        ),
        (
            mutate(|v| v["contents"]["playbooks"][0]["versions"] = serde_json::json!([])),
            "contents.playbooks[0].versions: a playbook has at least one version",
        ),
        (
            mutate(|v| {
                v["contents"]["templates"][1]["id"] = v["contents"]["templates"][0]["id"].clone()
            }),
            "contents.templates[1].id: duplicate id",
        ),
        (
            mutate(|v| {
                v["contents"]["cases"][0]["updated_at"] = "2020-01-01T00:00:00Z".into();
            }),
            "contents.cases[0].updated_at: 2020-01-01T00:00:00+00:00 is before the case was created",
        ),
        (
            mutate(|v| v["version"] = 2.into()),
            "made by a newer Escalation Desk",
        ),
        (
            mutate(|v| v["format"] = "something-else".into()),
            "format: expected",
        ),
        (
            "{\"format\": \"escalation-desk.bundle\", \"version\": 1, \"contents\": {\"cases\": ["
                .into(),
            "looks truncated",
        ),
        ("PK\u{3}\u{4} a zip file".into(), "not JSON"),
    ];
    for (text, expected) in cases {
        let message = error_of(&text);
        assert!(
            message.contains(expected),
            "expected {expected:?}, got {message:?}"
        );
    }
}

/// Issue 21's two poison bundles: each parsed and passed the old checks, then stopped the app
/// (a short sign-off hash sliced `[..12]`; a year-262142 case overflowed chrono in the queue).
#[test]
fn poison_bundles_are_refused_with_their_path_and_rule() {
    let rca_file = |hash: &str| {
        let mut value: serde_json::Value = serde_json::from_str(GOLDEN_V1_RCA).unwrap();
        value["contents"]["rcas"][0]["signoffs"][0]["content_hash"] = hash.into();
        value.to_string()
    };
    assert_eq!(
        error_of(&rca_file("abc")),
        "contents.rcas[0].signoffs[0].content_hash: expected 64 hex characters, got \"abc\""
    );
    assert_eq!(
        error_of(&rca_file("")),
        "contents.rcas[0].signoffs[0].content_hash: expected 64 hex characters, got \"\""
    );
    let far_future = mutate(|v| {
        v["contents"]["cases"][0]["created_at"] = "+262142-12-31T23:59:59Z".into();
        v["contents"]["cases"][0]["updated_at"] = "+262142-12-31T23:59:59Z".into();
    });
    assert_eq!(
        error_of(&far_future),
        "contents.cases[0].created_at: expected a time from 1970-01-01 to 2199-12-31, got \"+262142-12-31T23:59:59+00:00\""
    );
}

#[test]
fn values_out_of_range_are_refused_wherever_they_sit() {
    let cases = [
        (
            mutate(|v| {
                v["contents"]["cases"][1]["events"][0]["at"] = "1900-01-01T00:00:00Z".into()
            }),
            "contents.cases[1].events[0].at: expected a time from 1970-01-01",
        ),
        (
            mutate(|v| v["contents"]["cases"][0]["revision"] = serde_json::json!(u64::MAX)),
            "contents.cases[0].revision: expected 1 to 9007199254740992",
        ),
        (
            mutate(|v| v["contents"]["cases"][0]["key"] = "ESC-4294967295".into()),
            "contents.cases[0].key: expected 1 to 99999999",
        ),
        (
            mutate(|v| v["contents"]["partners"][0]["ola_minutes"] = 0.into()),
            "contents.partners[0].ola_minutes: expected 1 to 525600 working minutes, got 0",
        ),
        (
            mutate(|v| v["contents"]["problems"][0]["key"] = 0.into()),
            "contents.problems[0].key: expected 1 to 99999999",
        ),
        (
            mutate(|v| v["contents"]["cases"][0]["title"] = "x".repeat(5_001).into()),
            "contents.cases[0].title: at most 5000 characters, got 5001",
        ),
        (
            mutate(|v| v["contents"]["settings"]["sla"]["at_risk"]["share_percent"] = 200.into()),
            "contents.settings.sla.at_risk.share_percent: expected 0 to 100 percent, got 200",
        ),
        (
            mutate(|v| v["exported_at"] = "9999-01-01T00:00:00Z".into()),
            "exported_at: expected a time",
        ),
    ];
    for (text, expected) in cases {
        let message = error_of(&text);
        assert!(
            message.starts_with(expected),
            "expected {expected:?}, got {message:?}"
        );
    }
}

#[test]
fn references_to_records_the_file_lacks_are_named_not_refused() {
    let everything = export(&source(), &Selection::Everything);
    assert_eq!(crate::bundle::unresolved_references(&everything), vec![]);
    let mut value = serde_json::to_value(&everything).unwrap();
    value["contents"]["problems"] = serde_json::json!([]);
    let bundle = read(&value.to_string()).unwrap();
    let found = crate::bundle::unresolved_references(&bundle);
    assert!(!found.is_empty());
    assert!(found[0].0.ends_with(".problem_id"), "{found:?}");
}

#[test]
fn a_file_over_the_limit_is_refused_before_parsing() {
    let huge = " ".repeat(MAX_BUNDLE_BYTES + 1);
    assert!(error_of(&huge).contains("bundles over 512 MB are refused"));
}

const GOLDEN_V1: &str = include_str!("../../tests/fixtures/bundle-v1.json");

/// Written by version 1 of the format; it must import for as long as the app exists.
#[test]
fn golden_v1_still_imports() {
    let bundle = read(GOLDEN_V1).expect("the v1 golden bundle imports");
    assert_eq!(bundle.exported_by.name, "Maya");
    let incoming = bundle.incoming();
    assert_eq!(incoming.cases.len(), 6);
    assert_eq!(incoming.cases[0].case.key.to_string(), "ESC-1001");
    assert_eq!(incoming.cases[0].case.problem_id, Some(Uuid::from_u128(77)));
    assert!(incoming.cases.iter().all(|c| !c.events.is_empty()));
    assert!(
        incoming.cases[0]
            .events
            .iter()
            .any(|e| matches!(e.kind, EventKind::PlaybookApplied { .. }))
    );
    assert_eq!(incoming.playbooks.len(), 6);
    assert_eq!(incoming.problems[0].title, "JPY refunds multiplied by 100");
    assert!(bundle.contents.settings.is_some());
    // Into an empty device it is all new; into one that already has it, nothing changes.
    let fresh = plan(incoming.clone(), Default::default());
    assert_eq!(fresh.case_counts().new, 6);
}

const GOLDEN_V1_RCA: &str = include_str!("../../tests/fixtures/bundle-v1-rca.json");

#[test]
fn a_signoff_made_on_one_device_is_still_current_on_another() {
    use crate::domain::rca::SignOffState;
    // The fixture was written when worksheets joined v1 bundles; its hash must keep matching.
    for text in [
        GOLDEN_V1_RCA.to_string(),
        export(&source(), &Selection::Everything).to_json(),
    ] {
        let bundle = read(&text).unwrap();
        let rca = &bundle.incoming().rcas[0];
        assert!(
            matches!(rca.signoff_state("Risk Operations"), SignOffState::Current(s) if s.validator == "Priya"),
            "the hash of the content must survive the trip"
        );
        assert!(matches!(
            rca.signoff_state("Payouts Engineering"),
            SignOffState::Missing
        ));
    }
}

#[test]
fn worksheets_travel_with_their_cases_and_arrive_under_a_free_key() {
    let source = source();
    let with = export(&source, &Selection::Cases(vec![source.cases[0].id]));
    assert_eq!(with.contents.rcas.len(), 1);
    let without = export(&source, &Selection::Cases(vec![source.cases[2].id]));
    assert!(without.contents.rcas.is_empty());
    assert!(
        export(&source, &Selection::PlaybooksAndTemplates)
            .contents
            .rcas
            .is_empty()
    );

    // A device whose own RCA-1 is another worksheet: the incoming one becomes RCA-2.
    let mut mine = signed_rca(source.cases[1].id);
    mine.id = Uuid::from_u128(600);
    let local = crate::domain::device::OnDevice {
        rcas: vec![mine],
        ..Default::default()
    };
    let merge = plan(with.incoming(), local);
    let record = merge
        .records
        .iter()
        .find(|r| r.kind == crate::domain::merge::RecordKind::Rca)
        .unwrap();
    assert_eq!(record.verdict, crate::domain::merge::Verdict::New);
    assert_eq!(
        record.label,
        "RCA-1 Payouts held after a rule change (arrives as RCA-2: RCA-1 is taken here)"
    );
    let result = merge.resolve(&HashMap::new()).unwrap();
    assert_eq!(result.rcas.len(), 1);
    assert_eq!(result.rcas[0].key.to_string(), "RCA-2");

    // The partner's copy with their sign-off added conflicts with mine; taking theirs keeps my key.
    let mut theirs = source.rcas[0].clone();
    theirs = theirs
        .sign(
            "Payouts Engineering",
            "Lee",
            crate::domain::rca::Decision::Agree,
            "",
            "Lee",
            at(20),
        )
        .unwrap();
    let mut here = source.rcas[0].clone();
    here.key = crate::domain::rca::RcaKey(7);
    let incoming = crate::domain::merge::Incoming {
        rcas: vec![theirs.clone()],
        ..Default::default()
    };
    let local = crate::domain::device::OnDevice {
        rcas: vec![here.clone()],
        ..Default::default()
    };
    let merge = plan(incoming, local);
    assert_eq!(
        merge.records[0].verdict,
        crate::domain::merge::Verdict::Conflict
    );
    let choices = HashMap::from([(
        crate::domain::merge::ConflictId::Record(
            crate::domain::merge::RecordKind::Rca,
            theirs.id.to_string(),
        ),
        crate::domain::merge::Choice::Theirs,
    )]);
    let result = merge.resolve(&choices).unwrap();
    let landed = &result.rcas[0];
    assert_eq!(landed.key.to_string(), "RCA-7");
    assert!(landed.revision > here.revision.max(theirs.revision));
    assert_eq!(landed.status, crate::domain::rca::RcaStatus::Validated);
    assert!(landed.missing_validations().is_empty());
}

/// Regenerates the worksheet fixture; run by hand only when a new format version is born.
#[test]
#[ignore]
fn write_golden_v1_rca() {
    let source = source();
    let bundle = export(&source, &Selection::Cases(vec![source.cases[0].id]));
    std::fs::write(
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/bundle-v1-rca.json"
        ),
        serde_json::to_string_pretty(&bundle).unwrap(),
    )
    .unwrap();
}

/// Regenerates the golden fixture; run by hand only when a new format version is born.
#[test]
#[ignore]
fn write_golden_v1() {
    let text = serde_json::to_string_pretty(&export(&source(), &Selection::Everything)).unwrap();
    std::fs::write(
        concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/bundle-v1.json"),
        text,
    )
    .unwrap();
}

#[path = "v1_tests/redaction.rs"]
mod redaction;
