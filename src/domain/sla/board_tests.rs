//! The SLA board, natively: summaries from generated cases, what the cache reuses and what it recomputes, breach events and badges.

#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

use std::collections::HashMap;

use chrono::{TimeZone, Utc};

use super::*;
use crate::domain::sample::generate;
use crate::domain::sla::SlaSettings;
use crate::domain::sla::policy::AtRiskRule;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 25, 10, 0, 0).unwrap()
}

fn desk(size: usize) -> (Vec<Case>, HashMap<Uuid, Vec<ClockMark>>) {
    let sample = generate(11, size, 1001, now());
    let marks = sample
        .iter()
        .map(|s| (s.case.id, ClockMark::from_events(&s.events)))
        .collect();
    (sample.into_iter().map(|s| s.case).collect(), marks)
}

#[test]
fn every_case_gets_a_row_in_order_and_closed_ones_are_idle() {
    let (cases, marks) = desk(60);
    let engine = CompiledSla::new(SlaSettings::default(), now()).unwrap();
    let board = board(&cases, &marks, &engine, now());
    assert_eq!(board.rows.len(), cases.len());
    for (case, row) in cases.iter().zip(&board.rows) {
        if !case.status.is_open() {
            assert_eq!(*row, Summary::NONE, "{}", case.key);
        }
    }
    assert!(board.rows.iter().any(|r| r.health == Health::Breached));
    // Every unlogged breach belongs to an open case and is a breach event.
    for event in &board.unlogged {
        assert!(matches!(event.kind, EventKind::SlaBreached { .. }));
        assert!(
            cases
                .iter()
                .any(|c| c.id == event.case_id && c.status.is_open())
        );
    }
}

#[test]
fn the_cache_gives_what_a_fresh_computation_gives() {
    let (mut cases, marks) = desk(40);
    let engine = CompiledSla::new(SlaSettings::default(), now()).unwrap();
    let mut cache = BoardCache::default();
    let first = cache.compute(&BoardInputs {
        cases: &cases,
        marks: &marks,
        engine: &engine,
        engine_id: 7,
        now: now(),
    });
    assert_eq!(first, board(&cases, &marks, &engine, now()));
    // Later, and with cases reordered and one edited: still what a fresh board says.
    let later = now() + Duration::hours(30);
    cases.reverse();
    cases[3].revision += 1;
    cases[3].status = crate::domain::CaseStatus::Resolved;
    let second = cache.compute(&BoardInputs {
        cases: &cases,
        marks: &marks,
        engine: &engine,
        engine_id: 7,
        now: later,
    });
    let fresh = board(&cases, &marks, &engine, later);
    for (i, (a, b)) in second.rows.iter().zip(&fresh.rows).enumerate() {
        assert_eq!(a, b, "row {i} ({})", cases[i].key);
    }
    assert_eq!(
        second.unlogged.len(),
        fresh.unlogged.len(),
        "unlogged breaches"
    );
    assert_eq!(second, fresh);
    assert_eq!(second.rows[3], Summary::NONE);
}

#[test]
fn warming_in_slices_leaves_nothing_for_the_board_to_recompute() {
    let (cases, marks) = desk(90);
    let engine = CompiledSla::new(SlaSettings::default(), now()).unwrap();
    let mut cache = BoardCache::default();
    // The marks arrive a slice at a time, as start-up moves them in.
    let mut arrived = HashMap::new();
    for start in (0..cases.len()).step_by(25) {
        let range = start..(start + 25).min(cases.len());
        for case in &cases[range.clone()] {
            if let Some(m) = marks.get(&case.id) {
                arrived.insert(case.id, m.clone());
            }
        }
        cache.warm(
            &BoardInputs {
                cases: &cases,
                marks: &arrived,
                engine: &engine,
                engine_id: 7,
                now: now(),
            },
            range,
        );
    }
    // Settings that put nearly every running clock at risk, under the same identity: a case
    // the warm-up left stale would be computed with them and come out different.
    let eager = SlaSettings {
        at_risk: AtRiskRule {
            margin_minutes: 0,
            share_percent: 1,
        },
        ..SlaSettings::default()
    };
    let eager = CompiledSla::new(eager, now()).unwrap();
    let expected = board(&cases, &marks, &engine, now());
    assert_ne!(board(&cases, &marks, &eager, now()), expected);
    assert_eq!(
        cache.compute(&BoardInputs {
            cases: &cases,
            marks: &marks,
            engine: &eager,
            engine_id: 7,
            now: now()
        }),
        expected
    );
}

#[test]
fn a_warm_slice_leaves_the_other_cases_to_the_next_computation() {
    let (cases, marks) = desk(60);
    let engine = CompiledSla::new(SlaSettings::default(), now()).unwrap();
    let mut cache = BoardCache::default();
    cache.warm(
        &BoardInputs {
            cases: &cases,
            marks: &marks,
            engine: &engine,
            engine_id: 7,
            now: now(),
        },
        10..20,
    );
    assert_eq!(
        cache.compute(&BoardInputs {
            cases: &cases,
            marks: &marks,
            engine: &engine,
            engine_id: 7,
            now: now()
        }),
        board(&cases, &marks, &engine, now())
    );
}

#[test]
fn a_breach_event_has_an_id_derived_from_its_clock() {
    let (cases, marks) = desk(60);
    let engine = CompiledSla::new(SlaSettings::default(), now()).unwrap();
    let a = board(&cases, &marks, &engine, now());
    let b = board(&cases, &marks, &engine, now());
    assert!(!a.unlogged.is_empty());
    assert_eq!(a.unlogged, b.unlogged, "two tabs log the same records");
}

#[test]
fn badges_say_in_words_what_the_colour_says() {
    let due = now() + Duration::minutes(125);
    let summary = Summary {
        health: Health::AtRisk,
        due: Some((due, SlaTarget::FirstResponse)),
        paused_left: None,
    };
    assert_eq!(
        badge(&summary, now()),
        Some(("FR due in 2h 05m".to_string(), "sla sla-risk"))
    );
    let late = Summary {
        health: Health::Breached,
        ..summary
    };
    assert_eq!(
        badge(&late, due + Duration::days(3)),
        Some(("FR overdue by 3d 0h".to_string(), "sla sla-breached"))
    );
    let paused = Summary {
        health: Health::Paused,
        due: None,
        paused_left: Some(i64::MAX),
    };
    assert!(badge(&paused, now()).unwrap().0.starts_with("Paused · "));
    assert_eq!(badge(&Summary::NONE, now()), None);
}
