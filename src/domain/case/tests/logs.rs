//! Case tests, continued: restoring a change, logged conversations and reminders.

use super::*;

#[test]
fn restore_undoes_a_change_even_against_the_workflow_and_logs_it() {
    let (matrix, requirements) = (PriorityMatrix::default(), ScopingRequirements::default());
    let c = ctx(&matrix, &requirements);
    let before = scoped(&sample_case());
    let (triaged, _) = before
        .apply(
            CaseEdit::Status {
                to: CaseStatus::Triaged,
                resolution: String::new(),
            },
            &c,
            ids(),
        )
        .unwrap();
    let (owned, _) = triaged
        .apply(CaseEdit::Owner("Aisha".into()), &c, ids())
        .unwrap();
    let (restored, events) = owned.restore(&before, "Raj", at(13, 0), ids()).unwrap();
    assert_eq!(
        restored.status,
        CaseStatus::New,
        "Triaged -> New is refused as a move but allowed as an undo"
    );
    assert_eq!(restored.owner, before.owner);
    assert_eq!(restored.revision, owned.revision + 1);
    assert_eq!(events.len(), 2);
    assert!(matches!(
        events[0].kind,
        EventKind::StatusChanged {
            from: CaseStatus::Triaged,
            to: CaseStatus::New,
            ..
        }
    ));
    assert_eq!(
        restored.restore(&restored.clone(), "Raj", at(13, 0), ids()),
        Err(DomainError::NoChange)
    );
}

#[test]
fn logged_conversations_need_what_makes_them_useful() {
    let case = sample_case();
    let now = case.created_at + chrono::Duration::hours(1);
    let record = |kind| case.record(kind, Uuid::from_u128(9), "Mei", now);
    let sent = |to: &str| EventKind::EmailSent {
        to: to.into(),
        cc: String::new(),
        subject: "Your payout".into(),
        body: "We are on it.".into(),
    };
    let (next, event) = record(sent("ops@kopi.example, cfo@kopi.example")).unwrap();
    assert_eq!(next.revision, case.revision + 1);
    assert_eq!(event.at, now);
    let err = record(sent("ops at kopi")).unwrap_err().to_string();
    assert!(err.starts_with("'ops at kopi':"), "{err}");
    assert!(record(sent("")).is_err());
    assert!(record(EventKind::UpdatePromised { by: now }).is_err());
    assert!(
        record(EventKind::UpdatePromised {
            by: now + chrono::Duration::minutes(30)
        })
        .is_ok()
    );
    assert!(
        record(EventKind::CallLogged {
            outcome: CallOutcome::Reached,
            duration_seconds: 60,
            notes: " ".into(),
            next_steps: String::new()
        })
        .is_err()
    );
    assert!(
        record(EventKind::CallLogged {
            outcome: CallOutcome::NoAnswer,
            duration_seconds: 20,
            notes: String::new(),
            next_steps: String::new()
        })
        .is_ok()
    );
    assert!(record(EventKind::NoteAdded { text: "x".into() }).is_err());
}

#[test]
fn reminders_must_be_in_the_future_and_a_snooze_needs_a_time() {
    let case = sample_case();
    let remind = |at: Option<DateTime<Utc>>, snooze| EventKind::ReminderSet {
        at,
        snooze,
        note: String::new(),
    };
    let now = at(10, 0);
    let refused = |kind| {
        case.record(kind, Uuid::from_u128(9), "Mei", now)
            .unwrap_err()
    };
    assert_eq!(
        refused(remind(Some(now), false)).to_string(),
        "a reminder must be in the future"
    );
    assert_eq!(
        refused(remind(None, true)).to_string(),
        "say until when to snooze the case"
    );
    let (next, event) = case
        .record(
            remind(Some(at(11, 0)), true),
            Uuid::from_u128(9),
            "Mei",
            now,
        )
        .unwrap();
    assert_eq!(next.revision, case.revision + 1);
    assert_eq!(event.headline(), "Mei snoozed the case");
    // Clearing needs no time.
    assert!(
        case.record(remind(None, false), Uuid::from_u128(9), "Mei", now)
            .is_ok()
    );
}
