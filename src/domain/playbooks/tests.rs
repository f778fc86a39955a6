//! Playbook rules: versions, diffs, suggestions, checklists rebuilt from events, marks and stats.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::string_slice,
    clippy::panic
)]

use chrono::TimeZone;

use super::*;
use crate::domain::playbook_pack::starter_playbooks;
use crate::domain::sla::{SettledClock, SettledSla, SlaTarget};
use crate::domain::templates::starter_templates;

fn at(minutes: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 30, 9, 0, 0).unwrap() + Duration::minutes(minutes)
}

fn step(id: &str, title: &str) -> PlaybookStep {
    PlaybookStep {
        id: id.into(),
        title: title.into(),
        instructions: String::new(),
        template: None,
        evidence_required: false,
    }
}

fn content(title: &str, steps: Vec<PlaybookStep>) -> PlaybookContent {
    PlaybookContent {
        title: title.into(),
        description: String::new(),
        triggers: Triggers {
            product_areas: vec!["Payouts".into()],
            tags: vec!["payroll".into()],
            priorities: vec![Priority::P1],
        },
        steps,
    }
}

fn case(area: &str, tags: &[&str], priority: Priority, created: i64) -> Case {
    let mut case = crate::domain::sample::generate(5, 1, 1001, at(0))
        .remove(0)
        .case;
    case.id = Uuid::from_u128(created as u128 + 1_000_000);
    case.product_area = area.into();
    case.tags = tags.iter().map(|t| t.to_string()).collect();
    case.priority = priority;
    case.created_at = at(created);
    case
}

#[test]
fn the_starter_pack_is_valid_and_links_real_templates() {
    let pack = starter_playbooks();
    assert_eq!(pack.len(), 6);
    let templates = starter_templates();
    for p in &pack {
        assert!(
            p.current().check(p.id, &pack).is_empty(),
            "{}",
            p.current().title
        );
        let steps = p.current().steps.len();
        assert!(
            (6..=12).contains(&steps),
            "{}: {steps} steps",
            p.current().title
        );
        let linked: Vec<_> = p
            .current()
            .steps
            .iter()
            .filter_map(|s| s.template.as_ref())
            .collect();
        assert!(!linked.is_empty());
        for id in linked {
            assert!(templates.iter().any(|t| &t.id == id), "{id}");
        }
    }
    // Fixed ids: the same pack on every device.
    assert_eq!(starter_playbooks()[0].id, pack[0].id);
}

#[test]
fn saving_makes_versions_and_refuses_bad_content() {
    let library = starter_playbooks();
    let first = Playbook::create(
        Uuid::from_u128(1),
        content("Payroll payouts", vec![step("a", "Acknowledge")]),
        "Mei",
        at(0),
        &library,
    )
    .unwrap();
    assert_eq!((first.version(), first.revision), (1, 1));

    let mut edited = first.current().clone();
    edited.steps.push(step("b", "Find the payout"));
    let second = first
        .revise(
            edited.clone(),
            "Added the lookup",
            "Arjun",
            at(10),
            &library,
        )
        .unwrap();
    assert_eq!((second.version(), second.revision), (2, 2));
    assert_eq!(second.versions[1].author, "Arjun");
    assert_eq!(second.get_version(1).unwrap().content.steps.len(), 1);

    assert_eq!(
        second.revise(edited.clone(), "again", "Mei", at(20), &library),
        Err(PlaybookError::NoChange(2))
    );
    let mut other = edited.clone();
    other.description = "x".into();
    assert_eq!(
        second.revise(other, "  ", "Mei", at(20), &library),
        Err(PlaybookError::NoChangeNote)
    );
    assert_eq!(
        second.revise(
            content("Payroll payouts", vec![]),
            "empty",
            "Mei",
            at(20),
            &library
        ),
        Err(PlaybookError::NoSteps)
    );
    // Titles are unique among active playbooks, whatever the case.
    let clash = content("refund FAILED", vec![step("a", "x")]);
    assert_eq!(
        Playbook::create(Uuid::from_u128(2), clash.clone(), "Mei", at(0), &library),
        Err(PlaybookError::DuplicateTitle("refund FAILED".into()))
    );
    let archived: Vec<Playbook> = library.iter().map(|p| p.set_archived(true)).collect();
    assert!(Playbook::create(Uuid::from_u128(2), clash, "Mei", at(0), &archived).is_ok());
}

#[test]
fn duplicates_get_a_free_title() {
    let library = starter_playbooks();
    let copy = library[0]
        .duplicate(Uuid::from_u128(9), "Mei", at(0), &library)
        .unwrap();
    assert_eq!(copy.current().title, "Payout delayed or held (copy)");
    let mut both = library.clone();
    both.push(copy);
    let again = both[0]
        .duplicate(Uuid::from_u128(10), "Mei", at(0), &both)
        .unwrap();
    assert_eq!(again.current().title, "Payout delayed or held (copy) 2");
}

#[test]
fn step_diffs_follow_ids_through_renames_moves_and_removals() {
    let before = content(
        "P",
        vec![step("a", "One"), step("b", "Two"), step("c", "Three")],
    );
    let mut after = content(
        "P",
        vec![
            step("b", "Two"),
            step("a", "One, reworded"),
            step("d", "Four"),
        ],
    );
    after.steps[0].evidence_required = true;
    assert_eq!(
        diff_steps(&before, &after),
        vec![
            StepDiff::Changed {
                title: "Two".into(),
                fields: vec!["evidence"],
                moved: Some((2, 1))
            },
            StepDiff::Changed {
                title: "One, reworded".into(),
                fields: vec!["title"],
                moved: Some((1, 2))
            },
            StepDiff::Added {
                title: "Four".into()
            },
            StepDiff::Removed {
                title: "Three".into()
            },
        ]
    );
    assert!(
        diff_steps(&before, &before)
            .iter()
            .all(|d| matches!(d, StepDiff::Unchanged { .. }))
    );
}

#[test]
fn suggestions_need_an_area_or_tag_and_rank_by_fit() {
    let library = starter_playbooks();
    let payroll = case("Payouts", &["payroll"], Priority::P1, 0);
    let titles: Vec<&str> = suggest(&payroll, &library)
        .iter()
        .map(|p| p.current().title.as_str())
        .collect();
    assert_eq!(titles[0], "Payout delayed or held");
    // Priority alone suggests nothing.
    let other = case("Other", &[], Priority::P1, 0);
    assert!(suggest(&other, &library).is_empty());
    // Archived playbooks are never suggested.
    let archived: Vec<Playbook> = library.iter().map(|p| p.set_archived(true)).collect();
    assert!(suggest(&payroll, &archived).is_empty());
}

fn event(n: u128, minutes: i64, kind: EventKind) -> CaseEvent {
    CaseEvent {
        id: Uuid::from_u128(n),
        case_id: Uuid::from_u128(500),
        at: at(minutes),
        actor: "Mei".into(),
        kind,
    }
}

#[test]
fn a_checklist_is_rebuilt_from_events_and_pins_its_version() {
    let library = starter_playbooks();
    let mut playbook = library[0].clone();
    playbook.current().steps[1]
        .evidence_required
        .then_some(())
        .expect("locate needs evidence");
    let run = Uuid::from_u128(77);
    let applied = playbook.apply(run);
    let mut events = vec![event(1, 0, applied)];
    let list = &checklists(&events)[0];
    assert_eq!(list.version, 1);
    assert_eq!(list.progress(), (0, 0, 9));

    // Evidence is enforced, reasons too.
    assert_eq!(
        list.tick("locate", " "),
        Err(PlaybookError::EvidenceRequired(
            "Find the payout and its state".into()
        ))
    );
    assert_eq!(
        list.skip("docs", ""),
        Err(PlaybookError::NoSkipReason(
            "Request documents if Risk needs them".into()
        ))
    );
    assert_eq!(
        list.tick("nope", "x"),
        Err(PlaybookError::UnknownStep("nope".into()))
    );
    events.push(event(2, 5, list.tick("ack", "").unwrap()));
    events.push(event(3, 6, list.tick("locate", "po_123 held").unwrap()));
    events.push(event(
        4,
        7,
        list.skip("docs", "Risk did not ask for documents").unwrap(),
    ));
    events.push(event(5, 8, list.untick("ack").unwrap()));
    // Events arrive in any order; the timeline order decides.
    events.reverse();
    let list = &checklists(&events)[0];
    assert_eq!(list.progress(), (1, 1, 9));
    assert_eq!(list.steps[0].1, StepState::Open);
    assert!(
        matches!(&list.steps[1].1, StepState::Done { evidence, .. } if evidence == "po_123 held")
    );

    // Editing the playbook afterwards does not touch the checklist.
    let mut edited = playbook.current().clone();
    edited.steps.remove(0);
    playbook = playbook
        .revise(edited, "Shorter", "Arjun", at(30), &library)
        .unwrap();
    assert_eq!(playbook.version(), 2);
    assert_eq!(checklists(&events)[0].steps.len(), 9);

    // The marks alone give the queue the same progress.
    let marks = crate::domain::sla::ClockMark::from_events(&events);
    assert_eq!(
        progress_from_marks(&marks),
        Some(Progress {
            settled: 2,
            total: 9
        })
    );
    assert_eq!(progress_from_marks(&[]), None);
}

#[test]
fn stats_compare_resolution_with_and_without_and_count_skips_and_breaches() {
    let library = starter_playbooks();
    let playbook = &library[0];
    let resolved = |minutes: i64| ClockMark {
        at: at(minutes),
        kind: MarkKind::Status {
            to: CaseStatus::Resolved,
        },
    };
    let applied = |run: u128| ClockMark {
        at: at(1),
        kind: MarkKind::Checklist {
            run: Uuid::from_u128(run),
            playbook: playbook.id,
            steps: 9,
        },
    };
    let skipped = |run: u128, step: &str| ClockMark {
        at: at(2),
        kind: MarkKind::Step {
            run: Uuid::from_u128(run),
            step: step.into(),
            state: StepMark::Skipped,
        },
    };
    let breach = ClockMark {
        at: at(3),
        kind: MarkKind::Settled {
            record: SettledSla {
                policy: "Standard".into(),
                calendar: "sg".into(),
                clocks: vec![SettledClock {
                    target: SlaTarget::FirstResponse,
                    label: "First response".into(),
                    target_minutes: 60,
                    elapsed_minutes: 90,
                    due: None,
                    breached: true,
                }],
            },
        },
    };
    let cases = vec![
        case("Payouts", &[], Priority::P2, 0), // with, resolved in 60, breached, skipped docs
        case("Payouts", &[], Priority::P2, 10), // with, resolved in 120, skipped docs then reopened
        case("Payouts", &[], Priority::P2, 20), // with, open
        case("Payouts", &[], Priority::P2, 30), // without, resolved in 600
        case("Payouts", &[], Priority::P2, 40), // without, resolved in 800
        case("Billing", &[], Priority::P2, 50), // other area: not a comparison
    ];
    let reopened = ClockMark {
        at: at(20),
        kind: MarkKind::Step {
            run: Uuid::from_u128(2),
            step: "docs".into(),
            state: StepMark::Open,
        },
    };
    let logs: HashMap<Uuid, Vec<ClockMark>> = [
        (
            cases[0].id,
            vec![
                applied(1),
                skipped(1, "docs"),
                skipped(1, "risk-handoff"),
                breach,
                resolved(60),
            ],
        ),
        (
            cases[1].id,
            vec![applied(2), skipped(2, "docs"), reopened, resolved(130)],
        ),
        (cases[2].id, vec![applied(3), skipped(3, "docs")]),
        (cases[3].id, vec![resolved(630)]),
        (cases[4].id, vec![resolved(840)]),
        (cases[5].id, vec![resolved(51)]),
    ]
    .into_iter()
    .collect();
    let stats = playbook_stats(playbook, &cases, |id| {
        logs.get(&id).map_or(&[][..], Vec::as_slice)
    });
    assert_eq!(stats.times_applied, 3);
    assert_eq!(stats.cases, 3);
    assert_eq!(
        (stats.resolved_with, stats.median_resolution_with),
        (2, Some(Duration::minutes(90)))
    );
    assert_eq!(
        (stats.resolved_without, stats.median_resolution_without),
        (2, Some(Duration::minutes(700)))
    );
    assert_eq!(
        stats.most_skipped,
        vec![("docs".into(), 2), ("risk-handoff".into(), 1)]
    );
    assert_eq!(stats.breached_percent, Some(33));
}
