//! Settling a case's clocks as it is resolved: the `SlaSettled` event that records each clock's result, so later settings edits never rewrite a closed case's record.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{ClockMark, CompiledSla, case_clocks};
use crate::domain::{Case, CaseEvent, CaseStatus, EventKind};

/// The `SlaSettled` event for `before` when `new_events` resolve it, or `None` when they do
/// not (or no policy applies). The clocks are computed as if the case were still open at the
/// moment of resolving, so each stops there. Every path that resolves a case (its own page, a
/// problem's cascade, a bulk change) goes through this, so every resolved case carries it.
pub fn settlement(
    before: &Case,
    marks: &[ClockMark],
    new_events: &[CaseEvent],
    engine: &CompiledSla,
    id: Uuid,
    actor: &str,
) -> Option<CaseEvent> {
    let resolves = new_events.iter().any(|e| {
        matches!(
            e.kind,
            EventKind::StatusChanged {
                to: CaseStatus::Resolved,
                ..
            }
        )
    });
    if !resolves {
        return None;
    }
    let mut marks = marks.to_vec();
    marks.extend(new_events.iter().filter_map(ClockMark::of));
    let now: DateTime<Utc> = new_events.iter().map(|e| e.at).max()?;
    let record = case_clocks(before, &marks, engine, now).settle(engine)?;
    Some(CaseEvent {
        id,
        case_id: before.id,
        at: now,
        actor: actor.to_string(),
        kind: EventKind::SlaSettled { record },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::problem::{Cascade, Problem, ProblemKey, plan_cascade};
    use crate::domain::sla::SlaSettings;
    use chrono::TimeZone;

    fn at(day: u32, hour: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, day, hour, 0, 0).unwrap()
    }

    /// Issue 22: resolving through a problem's cascade did not record the clocks' results, so
    /// those cases were later judged by whatever settings were current.
    #[test]
    fn cases_resolved_by_a_problem_cascade_carry_their_settled_clocks() {
        let sample = crate::domain::sample::generate(21, 40, 1001, at(25, 9));
        let engine = CompiledSla::new(SlaSettings::default(), at(25, 9)).unwrap();
        let problem = Problem::open(
            "Acquirer bug",
            "",
            Uuid::from_u128(7),
            ProblemKey(1),
            "Mei",
            at(24, 9),
        )
        .unwrap()
        .resolve("Fixed by the acquirer", at(25, 9))
        .unwrap();
        let linked: Vec<Case> = sample.iter().map(|s| s.case.clone()).collect();
        let matrix = crate::domain::priority::PriorityMatrix::default();
        let requirements = crate::domain::triage::ScopingRequirements::default();
        let ctx = crate::domain::EditContext {
            matrix: &matrix,
            requirements: &requirements,
            actor: "Mei",
            now: at(25, 10),
        };
        let mut n = 0u128;
        let plan = plan_cascade(&problem, &linked, Cascade::Resolve, &ctx, || {
            n += 1;
            Uuid::from_u128(1_000 + n)
        });
        assert!(
            !plan.changes.is_empty(),
            "some linked cases can be resolved"
        );
        for (before, _, events) in &plan.changes {
            let marks = sample
                .iter()
                .find(|s| s.case.id == before.id)
                .map(|s| ClockMark::from_events(&s.events))
                .unwrap();
            let settled = settlement(before, &marks, events, &engine, Uuid::from_u128(9), "Mei");
            let Some(CaseEvent {
                kind: EventKind::SlaSettled { record },
                at,
                ..
            }) = settled
            else {
                panic!("{} resolved without its clocks settled", before.key);
            };
            assert_eq!(at, events.iter().map(|e| e.at).max().unwrap());
            assert!(!record.clocks.is_empty());
        }
    }

    #[test]
    fn a_change_that_does_not_resolve_settles_nothing() {
        let sample = crate::domain::sample::generate(21, 1, 1001, at(25, 9));
        let engine = CompiledSla::new(SlaSettings::default(), at(25, 9)).unwrap();
        let s = &sample[0];
        let note = CaseEvent {
            id: Uuid::from_u128(1),
            case_id: s.case.id,
            at: at(25, 10),
            actor: "Mei".into(),
            kind: EventKind::NoteAdded { text: "x".into() },
        };
        let marks = ClockMark::from_events(&s.events);
        assert_eq!(
            settlement(&s.case, &marks, &[note], &engine, Uuid::from_u128(2), "Mei"),
            None
        );
    }
}
