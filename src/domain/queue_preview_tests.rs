//! The queue preview: what it keeps of the first screen, and that a stored copy is checked like any untrusted input.

use super::*;
use crate::domain::case::pinned::SlaTarget;
use crate::domain::sample::generate;
use crate::domain::sla::MarkKind;
use chrono::{Duration, TimeZone};
use proptest::prelude::*;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 6, 9, 0, 0)
        .single()
        .unwrap_or_default()
}

fn cases(n: usize) -> Vec<Case> {
    generate(5, n, 1001, now())
        .into_iter()
        .map(|s| s.case)
        .collect()
}

fn on_track(due: DateTime<Utc>) -> Summary {
    Summary {
        health: Health::OnTrack,
        due: Some((due, SlaTarget::Resolution)),
        paused_left: None,
    }
}

#[test]
fn keeps_the_first_rows_in_the_views_order_and_counts_them_all() {
    let all = cases(100);
    // The view's order, not the list's: the last case first.
    let picked: Vec<usize> = (0..all.len()).rev().collect();
    let board: Vec<Summary> = (0..all.len())
        .map(|i| on_track(now() + Duration::minutes(i as i64 + 1)))
        .collect();
    let views = vec![("Open".to_string(), 100), ("Mine".to_string(), 7)];
    let preview = preview_of(&all, &picked, &board, &HashMap::new(), &views);
    assert_eq!(preview.rows.len(), PREVIEW_ROWS);
    assert_eq!(preview.total, 100);
    assert_eq!(preview.rows[0].key, all[99].key);
    assert_eq!(preview.rows[0].title, all[99].title);
    assert_eq!(preview.rows[0].sla, board[99]);
    assert_eq!(preview.rows[1].key, all[98].key);
    assert_eq!(preview.count_of("Mine"), Some(7));
    assert_eq!(preview.count_of("Nobody's"), None);
}

#[test]
fn an_index_that_names_no_case_is_skipped_and_a_missing_summary_is_no_clock() {
    let all = cases(3);
    let preview = preview_of(&all, &[2, 99, 0], &[], &HashMap::new(), &[]);
    let keys: Vec<_> = preview.rows.iter().map(|r| r.key.clone()).collect();
    assert_eq!(keys, vec![all[2].key.clone(), all[0].key.clone()]);
    assert_eq!(preview.rows[0].sla, Summary::NONE);
}

#[test]
fn long_text_is_clipped_on_a_character_boundary_and_still_passes_the_check() {
    let mut all = cases(1);
    all[0].title = "é".repeat(PREVIEW_TEXT_CHARS + 50);
    all[0].account.name = "🙂".repeat(PREVIEW_TEXT_CHARS * 2);
    let preview = preview_of(&all, &[0], &[], &HashMap::new(), &[]);
    assert_eq!(preview.rows[0].title.chars().count(), PREVIEW_TEXT_CHARS);
    assert_eq!(preview.rows[0].account.chars().count(), PREVIEW_TEXT_CHARS);
    assert!(preview.checked().is_ok());
}

#[test]
fn checklist_progress_and_follow_up_come_from_the_marks() {
    let all = cases(1);
    let run = Uuid::from_u128(1);
    let due = now() - Duration::minutes(5);
    let marks = HashMap::from([(
        all[0].id,
        vec![
            ClockMark {
                at: now(),
                kind: MarkKind::Checklist {
                    run,
                    playbook: Uuid::from_u128(2),
                    steps: 4,
                },
            },
            ClockMark {
                at: now(),
                kind: MarkKind::Reminder {
                    at: Some(due),
                    snooze: false,
                },
            },
        ],
    )]);
    let preview = preview_of(&all, &[0], &[], &marks, &[]);
    assert_eq!(preview.rows[0].checklist, Some((0, 4)));
    assert_eq!(preview.rows[0].follow_up, Some(due));
    assert!(preview.rows[0].follow_up_due(now()));
    assert!(!preview.rows[0].follow_up_due(due - Duration::minutes(1)));
}

#[test]
fn a_deadline_passed_since_it_was_kept_shows_as_a_breach() {
    let all = cases(1);
    let due = now() + Duration::hours(1);
    let preview = preview_of(&all, &[0], &[on_track(due)], &HashMap::new(), &[]);
    let row = &preview.rows[0];
    assert_eq!(row.sla_at(now()).health, Health::OnTrack);
    assert_eq!(
        row.sla_at(due + Duration::minutes(1)).health,
        Health::Breached
    );
    let paused = PreviewRow {
        sla: Summary {
            health: Health::Paused,
            due: None,
            paused_left: Some(30),
        },
        ..row.clone()
    };
    assert_eq!(
        paused.sla_at(due + Duration::days(3)).health,
        Health::Paused
    );
}

#[test]
fn a_stored_copy_round_trips_and_passes_the_check() {
    let all = cases(60);
    let picked: Vec<usize> = (0..60).collect();
    let preview = preview_of(&all, &picked, &[], &HashMap::new(), &[("Open".into(), 60)]);
    let text = serde_json::to_string(&preview).unwrap_or_default();
    let back: QueuePreview = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"));
    assert_eq!(back.clone().checked(), Ok(preview));
}

#[test]
fn a_stored_copy_no_version_could_have_made_is_refused() {
    let all = cases(1);
    let good = preview_of(&all, &[0], &[], &HashMap::new(), &[]);
    let mut many = good.clone();
    many.rows = vec![good.rows[0].clone(); PREVIEW_ROWS + 1];
    assert_eq!(
        many.checked(),
        Err(PreviewRefused::TooManyRows(PREVIEW_ROWS + 1))
    );
    let mut long = good.clone();
    long.rows[0].owner = "x".repeat(PREVIEW_TEXT_CHARS + 1);
    assert_eq!(long.checked(), Err(PreviewRefused::TextTooLong { row: 0 }));
    let mut steps = good.clone();
    steps.rows[0].checklist = Some((5, 4));
    assert_eq!(
        steps.checked(),
        Err(PreviewRefused::ChecklistOutOfRange { row: 0 })
    );
    let mut views = good;
    views.views = vec![("v".into(), 1); PREVIEW_VIEWS + 1];
    assert_eq!(
        views.checked(),
        Err(PreviewRefused::TooManyViews(PREVIEW_VIEWS + 1))
    );
}

#[test]
fn values_out_of_range_do_not_parse() {
    let all = cases(1);
    let good =
        serde_json::to_value(preview_of(&all, &[0], &[], &HashMap::new(), &[])).unwrap_or_default();
    let broken = |path: &str, value: serde_json::Value| {
        let mut v = good.clone();
        if let Some(slot) = v.pointer_mut(path) {
            *slot = value;
        }
        serde_json::from_value::<QueuePreview>(v).is_err()
    };
    assert!(broken("/rows/0/key", "ESC-".into()), "a key with no number");
    assert!(
        broken("/rows/0/key", "<img src=x>".into()),
        "markup for a key"
    );
    assert!(broken("/rows/0/priority", "P9".into()));
    assert!(broken("/rows/0/status", "Gone".into()));
    assert!(broken("/rows/0/sla/health", "Fine".into()));
    assert!(broken("/total", (-1).into()));
    assert!(broken("/rows/0/follow_up", "not a date".into()));
}

proptest! {
    /// Whatever sits under the key, reading it is an answer (a preview or an error), never a stop.
    #[test]
    fn any_text_reads_to_an_answer(text in ".{0,400}") {
        if let Ok(preview) = serde_json::from_str::<QueuePreview>(&text) {
            let _ = preview.checked();
        }
    }

    #[test]
    fn any_badge_time_is_an_answer(minutes in any::<i32>(), left in any::<i64>()) {
        let row = PreviewRow {
            key: CaseKey::from_number(1001),
            title: String::new(),
            account: String::new(),
            priority: Priority::P1,
            status: CaseStatus::New,
            owner: String::new(),
            sla: Summary { health: Health::Paused, due: None, paused_left: Some(left) },
            checklist: None,
            follow_up: None,
        };
        let at = now() + Duration::minutes(i64::from(minutes));
        let _ = crate::domain::sla::board::badge(&row.sla_at(at), at);
    }
}
