//! Merge rules: new, identical, updated and conflicting cases and records; choices; key collisions; idempotence.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::string_slice,
    clippy::panic
)]

use chrono::{DateTime, Duration, TimeZone, Utc};

use super::*;
use crate::domain::case::{CaseEdit, EditContext};
use crate::domain::device::OnDevice;
use crate::domain::playbook_pack::starter_playbooks;
use crate::domain::priority::PriorityMatrix;
use crate::domain::sample::generate;
use crate::domain::templates::starter_templates;
use crate::domain::triage::ScopingRequirements;

fn at(minutes: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 30, 9, 0, 0).unwrap() + Duration::minutes(minutes)
}

/// A few sample cases with their logs, as two teammates both had them after the last exchange.
fn shared(size: usize) -> Vec<CaseWithEvents> {
    generate(11, size, 1001, at(0))
        .into_iter()
        .map(|s| CaseWithEvents {
            case: s.case,
            events: s.events,
        })
        .collect()
}

/// Edits one case as a specialist would, appending the events the edit logs.
fn edit(copy: &mut CaseWithEvents, change: CaseEdit, actor: &str, minute: i64, seed: u128) {
    let matrix = PriorityMatrix::default();
    let requirements = ScopingRequirements::default();
    let ctx = EditContext {
        matrix: &matrix,
        requirements: &requirements,
        actor,
        now: at(minute),
    };
    let mut n = 0;
    let (next, events) = copy
        .case
        .apply(change, &ctx, || {
            n += 1;
            Uuid::from_u128(seed * 1000 + n)
        })
        .expect("the edit is valid");
    copy.case = next;
    copy.events.extend(events);
}

fn local_from(cases: &[CaseWithEvents]) -> OnDevice {
    OnDevice {
        cases: cases.iter().map(|c| c.case.clone()).collect(),
        events: cases
            .iter()
            .map(|c| (c.case.id, c.events.clone()))
            .collect(),
        next_case_number: 1001 + cases.len() as u32,
        ..OnDevice::default()
    }
}

fn incoming(cases: &[CaseWithEvents]) -> Incoming {
    Incoming {
        cases: cases.to_vec(),
        ..Incoming::default()
    }
}

/// What this device holds after writing `result`: the same steps storage takes.
fn applied(mut local: OnDevice, result: &MergeResult) -> OnDevice {
    for write in &result.cases {
        match local.cases.iter_mut().find(|c| c.id == write.case.id) {
            Some(slot) => *slot = write.case.clone(),
            None => local.cases.push(write.case.clone()),
        }
        local.events.insert(write.case.id, write.all_events.clone());
    }
    for p in &result.playbooks {
        match local.playbooks.iter_mut().find(|m| m.id == p.id) {
            Some(slot) => *slot = p.clone(),
            None => local.playbooks.push(p.clone()),
        }
    }
    if let Some(t) = &result.templates {
        local.templates = t.clone();
    }
    if let Some(p) = &result.partners {
        local.partners = p.clone();
    }
    for p in &result.problems {
        match local.problems.iter_mut().find(|m| m.id == p.id) {
            Some(slot) => *slot = p.clone(),
            None => local.problems.push(p.clone()),
        }
    }
    for r in &result.rcas {
        match local.rcas.iter_mut().find(|m| m.id == r.id) {
            Some(slot) => *slot = r.clone(),
            None => local.rcas.push(r.clone()),
        }
    }
    local.next_case_number = local.next_case_number.max(result.next_case_number);
    local
}

#[test]
fn everything_is_new_on_an_empty_device_and_arrives_whole() {
    let cases = shared(5);
    let plan = plan(incoming(&cases), OnDevice::default());
    assert_eq!(plan.case_counts().new, 5);
    let result = plan.resolve(&HashMap::new()).unwrap();
    assert_eq!(result.cases.len(), 5);
    for (write, original) in result.cases.iter().zip(&cases) {
        assert_eq!(
            write.case, original.case,
            "a new case arrives exactly as sent"
        );
        assert_eq!(write.expected_revision, None);
        assert_eq!(write.new_events.len(), original.events.len());
    }
    assert_eq!(result.next_case_number, 1006);
}

#[test]
fn the_same_records_twice_are_identical_and_change_nothing() {
    let cases = shared(4);
    let plan = plan(incoming(&cases), local_from(&cases));
    assert_eq!(plan.case_counts().identical, 4);
    assert!(plan.changes_nothing());
    assert!(plan.resolve(&HashMap::new()).unwrap().is_empty());
}

#[test]
fn a_field_only_they_changed_is_taken_and_their_events_are_appended_once() {
    let mine = shared(2);
    let mut theirs = mine.clone();
    edit(
        &mut theirs[0],
        CaseEdit::Title("Payouts held: KYC refresh".into()),
        "Ana",
        10,
        1,
    );
    let plan = plan(incoming(&theirs), local_from(&mine));
    let case = &plan.cases[0];
    assert_eq!(case.verdict, Verdict::Updated);
    assert_eq!(case.new_events, 1);
    assert_eq!(case.diffs.len(), 1);
    assert_eq!(case.diffs[0].field, CaseField::Title);
    assert_eq!(case.diffs[0].outcome, Outcome::TakeTheirs);
    assert_eq!(plan.cases[1].verdict, Verdict::Identical);
    let result = plan.resolve(&HashMap::new()).unwrap();
    assert_eq!(result.cases.len(), 1);
    let write = &result.cases[0];
    assert_eq!(write.case.title, "Payouts held: KYC refresh");
    assert_eq!(write.expected_revision, Some(mine[0].case.revision));
    assert!(write.case.revision > mine[0].case.revision.max(theirs[0].case.revision));
    let ids: HashSet<Uuid> = write.all_events.iter().map(|e| e.id).collect();
    assert_eq!(ids.len(), write.all_events.len(), "no event appears twice");
    assert_eq!(write.all_events.len(), mine[0].events.len() + 1);
}

#[test]
fn different_fields_edited_on_each_side_merge_without_asking() {
    let base = shared(1);
    let (mut mine, mut theirs) = (base.clone(), base.clone());
    edit(&mut mine[0], CaseEdit::Owner("Maya".into()), "Maya", 5, 1);
    edit(
        &mut theirs[0],
        CaseEdit::Title("Refunds fail in JPY".into()),
        "Ana",
        6,
        2,
    );
    let plan = plan(incoming(&theirs), local_from(&mine));
    assert_eq!(plan.cases[0].verdict, Verdict::Updated);
    let outcomes: Vec<(CaseField, Outcome)> = plan.cases[0]
        .diffs
        .iter()
        .map(|d| (d.field, d.outcome))
        .collect();
    assert_eq!(
        outcomes,
        [
            (CaseField::Title, Outcome::TakeTheirs),
            (CaseField::Owner, Outcome::KeepMine)
        ]
    );
    let result = plan.resolve(&HashMap::new()).unwrap();
    let merged = &result.cases[0].case;
    assert_eq!(merged.title, "Refunds fail in JPY");
    assert_eq!(merged.owner, "Maya");
}

#[test]
fn both_sides_changing_a_field_is_a_conflict_that_needs_a_choice() {
    let base = shared(1);
    let (mut mine, mut theirs) = (base.clone(), base.clone());
    edit(
        &mut mine[0],
        CaseEdit::Title("Mine: payouts held".into()),
        "Maya",
        5,
        1,
    );
    edit(
        &mut theirs[0],
        CaseEdit::Title("Theirs: KYC hold".into()),
        "Ana",
        6,
        2,
    );
    let plan = plan(incoming(&theirs), local_from(&mine));
    assert_eq!(plan.cases[0].verdict, Verdict::Conflict);
    let conflict = ConflictId::Case(base[0].case.id, CaseField::Title);
    assert_eq!(plan.conflicts(), vec![conflict.clone()]);
    let undecided = plan.resolve(&HashMap::new()).unwrap_err();
    assert!(
        undecided.to_string().contains("1 conflict(s)"),
        "{undecided}"
    );
    assert!(undecided.to_string().contains("title"), "{undecided}");

    let pick = |choice| {
        plan.resolve(&HashMap::from([(conflict.clone(), choice)]))
            .unwrap()
            .cases[0]
            .case
            .title
            .clone()
    };
    assert_eq!(pick(Choice::Mine), "Mine: payouts held");
    assert_eq!(pick(Choice::Theirs), "Theirs: KYC hold");
    assert_eq!(pick(Choice::Both), "Mine: payouts held / Theirs: KYC hold");
}

#[test]
fn keeping_both_is_refused_for_a_field_that_is_not_text() {
    let base = shared(1);
    let (mut mine, mut theirs) = (base.clone(), base.clone());
    edit(&mut mine[0], CaseEdit::Owner("Maya".into()), "Maya", 5, 1);
    edit(&mut theirs[0], CaseEdit::Owner("Ana".into()), "Ana", 6, 2);
    let plan = plan(incoming(&theirs), local_from(&mine));
    let conflict = ConflictId::Case(base[0].case.id, CaseField::Owner);
    let error = plan
        .resolve(&HashMap::from([(conflict, Choice::Both)]))
        .unwrap_err();
    assert!(matches!(error, MergeError::BothNotText { .. }), "{error}");
}

#[test]
fn importing_the_result_again_changes_nothing_whatever_was_chosen() {
    for choice in [Choice::Mine, Choice::Theirs, Choice::Both] {
        let base = shared(3);
        let (mut mine, mut theirs) = (base.clone(), base.clone());
        edit(&mut mine[0], CaseEdit::Title("Mine".into()), "Maya", 5, 1);
        edit(
            &mut theirs[0],
            CaseEdit::Title("Theirs".into()),
            "Ana",
            6,
            2,
        );
        edit(&mut theirs[1], CaseEdit::Owner("Ana".into()), "Ana", 7, 3);
        let local = local_from(&mine);
        let first = plan(incoming(&theirs), local.clone());
        let choices =
            HashMap::from([(ConflictId::Case(base[0].case.id, CaseField::Title), choice)]);
        let result = first.resolve(&choices).unwrap();
        let after = applied(local, &result);
        let second = plan(incoming(&theirs), after);
        assert!(
            second.changes_nothing(),
            "{choice:?}: {:?}",
            second
                .cases
                .iter()
                .map(|c| (c.verdict, c.diffs.clone()))
                .collect::<Vec<_>>()
        );
    }
}

#[test]
fn a_new_case_whose_key_is_taken_here_arrives_under_a_fresh_key() {
    let mine = shared(2);
    let mut stranger = generate(99, 1, 1002, at(0)).remove(0);
    stranger.case.id = Uuid::from_u128(42);
    let theirs = vec![CaseWithEvents {
        case: stranger.case.clone(),
        events: stranger.events.clone(),
    }];
    let plan = plan(incoming(&theirs), local_from(&mine));
    let case = &plan.cases[0];
    assert_eq!(case.verdict, Verdict::New);
    assert_eq!(
        case.rekeyed_from.as_ref().map(|k| k.to_string()).as_deref(),
        Some("ESC-1002")
    );
    assert_eq!(case.key.to_string(), "ESC-1003");
    let result = plan.resolve(&HashMap::new()).unwrap();
    assert_eq!(result.cases[0].case.key.to_string(), "ESC-1003");
    assert_eq!(result.next_case_number, 1004);
}

#[test]
fn a_partial_read_still_keeps_new_cases_off_numbers_held_by_cases_it_did_not_read() {
    // Team sync reads only the cases a pulled page names; the rest are known by number.
    let mut stranger = generate(99, 1, 1002, at(0)).remove(0);
    stranger.case.id = Uuid::from_u128(42);
    let theirs = vec![CaseWithEvents {
        case: stranger.case.clone(),
        events: stranger.events.clone(),
    }];
    let partial = OnDevice {
        numbers_elsewhere: vec![1001, 1002],
        next_case_number: 1003,
        ..OnDevice::default()
    };
    let plan = plan(incoming(&theirs), partial);
    assert_eq!(plan.cases[0].verdict, Verdict::New);
    assert_eq!(plan.cases[0].key.to_string(), "ESC-1003");
    let free = OnDevice {
        numbers_elsewhere: vec![1001],
        ..OnDevice::default()
    };
    let plan_free = super::plan(incoming(&theirs), free);
    assert_eq!(plan_free.cases[0].key.to_string(), "ESC-1002");
    assert!(plan_free.cases[0].rekeyed_from.is_none());
}

#[test]
fn with_team_sync_a_case_the_team_has_not_seen_gives_its_number_to_the_teams_and_moves() {
    // Two people made ESC-1002 offline; the teammate's reached the server first.
    let mine = shared(2);
    let mut stranger = generate(99, 2, 1002, at(0));
    for (n, s) in stranger.iter_mut().enumerate() {
        s.case.id = Uuid::from_u128(42 + n as u128);
    }
    // Both of theirs want 1002 (a hostile or racing server): only the first can have it.
    stranger[1].case.key = CaseKey::from_number(1002);
    let theirs: Vec<CaseWithEvents> = stranger
        .iter()
        .map(|s| CaseWithEvents {
            case: s.case.clone(),
            events: s.events.clone(),
        })
        .collect();
    let mut here = local_from(&mine);
    let unseen = mine[1].case.id;
    here.provisional.insert(unseen);
    let plan = plan(incoming(&theirs), here.clone());
    assert_eq!(plan.cases[0].key.to_string(), "ESC-1002");
    assert!(plan.cases[0].rekeyed_from.is_none());
    assert_eq!(plan.cases[1].key.to_string(), "ESC-1004");
    assert_eq!(
        plan.renumbered,
        vec![Renumbered {
            id: unseen,
            from: CaseKey::from_number(1002),
            to: CaseKey::from_number(1003),
        }]
    );
    let result = plan.resolve(&HashMap::new()).unwrap();
    let after = applied(here, &result);
    let mut keys: Vec<String> = after.cases.iter().map(|c| c.key.to_string()).collect();
    keys.sort();
    assert_eq!(keys, ["ESC-1001", "ESC-1002", "ESC-1003", "ESC-1004"]);
    let moved = after.cases.iter().find(|c| c.id == unseen).unwrap();
    assert_eq!(moved.key.to_string(), "ESC-1003");
    assert_eq!(moved.revision, mine[1].case.revision + 1);
    // Its log is untouched, and the next case made here comes after every number in use.
    assert_eq!(after.events[&unseen].len(), mine[1].events.len());
    assert_eq!(after.next_case_number, 1005);
    assert_eq!(result.expected.next_case_number, Some(1003));
    // A case the team has seen keeps its number: the arriving one moves, as for a bundle.
    let seen = plan_for_seen(&mine, &theirs[..1]);
    assert!(seen.renumbered.is_empty());
    assert_eq!(seen.cases[0].key.to_string(), "ESC-1003");
}

fn plan_for_seen(mine: &[CaseWithEvents], theirs: &[CaseWithEvents]) -> MergePlan {
    plan(incoming(theirs), local_from(mine))
}

#[test]
fn a_field_that_differs_with_no_event_to_explain_it_is_asked_about() {
    let mine = shared(1);
    let mut theirs = mine.clone();
    theirs[0].case.owner = "Edited by hand".into();
    let plan = plan(incoming(&theirs), local_from(&mine));
    assert_eq!(plan.cases[0].verdict, Verdict::Conflict);
}

#[test]
fn playbooks_fast_forward_and_diverged_histories_conflict() {
    let pack = starter_playbooks();
    let mine = pack[0].clone();
    let mut ahead = mine.clone();
    let mut version = ahead.versions.last().unwrap().clone();
    version.number += 1;
    version.note = "adds the bank-trace step".into();
    ahead.versions.push(version.clone());
    ahead.revision += 1;
    let local = OnDevice {
        playbooks: vec![mine.clone()],
        ..OnDevice::default()
    };
    let forward = plan(
        Incoming {
            playbooks: vec![ahead.clone()],
            ..Incoming::default()
        },
        local.clone(),
    );
    assert_eq!(forward.records[0].verdict, Verdict::Updated);
    let result = forward.resolve(&HashMap::new()).unwrap();
    assert_eq!(result.playbooks[0].versions.len(), mine.versions.len() + 1);
    assert!(result.playbooks[0].revision > ahead.revision);

    // My copy being ahead of theirs is nothing to import.
    let behind = plan(
        Incoming {
            playbooks: vec![mine.clone()],
            ..Incoming::default()
        },
        OnDevice {
            playbooks: vec![ahead.clone()],
            ..OnDevice::default()
        },
    );
    assert_eq!(behind.records[0].verdict, Verdict::Identical);

    let mut diverged = mine.clone();
    version.note = "a different edit".into();
    version.content.title = "Payout held (their wording)".into();
    diverged.versions.push(version);
    let mut mine_ahead = ahead.clone();
    mine_ahead.versions.last_mut().unwrap().note = "my edit".into();
    let both = plan(
        Incoming {
            playbooks: vec![diverged],
            ..Incoming::default()
        },
        OnDevice {
            playbooks: vec![mine_ahead],
            ..OnDevice::default()
        },
    );
    assert_eq!(both.records[0].verdict, Verdict::Conflict);
    assert_eq!(both.conflicts().len(), 1);
}

#[test]
fn templates_are_new_identical_or_a_whole_record_conflict() {
    let library = starter_templates();
    let mut edited = library[0].clone();
    edited.subject = "Re: your payout".into();
    let mut brand_new = library[1].clone();
    brand_new.id = "their-own".into();
    brand_new.name = "Their own template".into();
    let plan = plan(
        Incoming {
            templates: vec![library[2].clone(), edited.clone(), brand_new.clone()],
            ..Incoming::default()
        },
        OnDevice {
            templates: library.clone(),
            ..OnDevice::default()
        },
    );
    let verdicts: Vec<Verdict> = plan.records.iter().map(|r| r.verdict).collect();
    assert_eq!(
        verdicts,
        [Verdict::Identical, Verdict::Conflict, Verdict::New]
    );
    assert!(
        plan.records[1].changes[0].starts_with("subject: mine"),
        "{:?}",
        plan.records[1].changes
    );
    let conflict = plan.conflicts()[0].clone();
    let result = plan
        .resolve(&HashMap::from([(conflict, Choice::Theirs)]))
        .unwrap();
    let merged = result.templates.unwrap();
    assert_eq!(merged.len(), library.len() + 1);
    assert_eq!(merged[0].subject, "Re: your payout");
}

/// Found by the e2e round trip once the sample desk carried problems and worksheets: a write
/// bumps a record's revision, and the second import of the same file compared revisions and
/// asked about 8 "conflicts" nobody made.
#[test]
fn problems_and_worksheets_imported_twice_change_nothing_the_second_time() {
    use crate::domain::sample_desk::{FirstNumbers, desk};
    let first = FirstNumbers {
        case: 1001,
        problem: 1,
        rca: 1,
    };
    let sample = desk(5, 20, first, at(0));
    let file = Incoming {
        problems: sample.problems.clone(),
        rcas: sample.rcas.clone(),
        ..Incoming::default()
    };
    let result = plan(file.clone(), OnDevice::default())
        .resolve(&HashMap::new())
        .unwrap();
    assert_eq!(result.rcas.len(), 5);
    let after = applied(OnDevice::default(), &result);
    let again = plan(file.clone(), after.clone());
    assert!(
        again.changes_nothing(),
        "{:?}",
        again
            .records
            .iter()
            .map(|r| (&r.label, r.verdict, &r.changes))
            .collect::<Vec<_>>()
    );
    // A worksheet edited here since is still a real conflict, and taking theirs settles it.
    let mut edited = after.clone();
    if let Some(rca) = edited.rcas.first_mut() {
        rca.content.summary.push_str(" Edited here.");
    }
    let third = plan(file.clone(), edited.clone());
    assert_eq!(
        third
            .records
            .iter()
            .filter(|r| r.verdict == Verdict::Conflict)
            .count(),
        1
    );
    let conflict = third.conflicts().into_iter().next().unwrap();
    let taken = third
        .resolve(&HashMap::from([(conflict, Choice::Theirs)]))
        .unwrap();
    let settled = applied(edited, &taken);
    assert!(plan(file, settled).changes_nothing());
}

#[path = "team_tests.rs"]
mod team_review;
