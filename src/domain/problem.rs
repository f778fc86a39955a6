//! Problem records: one underlying cause shared by several cases, resolved once for all of them.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;
use uuid::Uuid;

use super::case::events::{CaseEvent, EventKind};
use super::case::status::check_transition;
use super::case::{Case, CaseEdit, CaseStatus, EditContext};
use super::{DomainError, FieldError};

/// The human key of a problem, e.g. `PRB-7`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ProblemKey(pub u32);

impl fmt::Display for ProblemKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PRB-{}", self.0)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ProblemStatus {
    Open,
    Resolved,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Problem {
    pub id: Uuid,
    pub key: ProblemKey,
    pub title: String,
    pub description: String,
    pub status: ProblemStatus,
    pub resolution: Option<String>,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub revision: u64,
}

impl Problem {
    pub fn open(
        title: &str,
        description: &str,
        id: Uuid,
        key: ProblemKey,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<Problem, DomainError> {
        let title = title.trim();
        if title.is_empty() {
            return Err(DomainError::Invalid(FieldError {
                field: "Problem title",
                message: "name the shared cause, e.g. \"JPY refunds multiplied by 100\"".into(),
            }));
        }
        Ok(Problem {
            id,
            key,
            title: title.to_string(),
            description: description.trim().to_string(),
            status: ProblemStatus::Open,
            resolution: None,
            created_by: actor.to_string(),
            created_at: now,
            updated_at: now,
            revision: 1,
        })
    }

    pub fn resolve(&self, summary: &str, now: DateTime<Utc>) -> Result<Problem, DomainError> {
        let summary = summary.trim();
        if summary.is_empty() {
            return Err(DomainError::Invalid(FieldError {
                field: "Problem resolution",
                message: "say what fixed the shared cause".into(),
            }));
        }
        if self.status == ProblemStatus::Resolved {
            return Err(DomainError::NoChange);
        }
        Ok(Problem {
            status: ProblemStatus::Resolved,
            resolution: Some(summary.to_string()),
            updated_at: now.max(self.updated_at),
            revision: self.revision + 1,
            ..self.clone()
        })
    }
}

/// What resolving a problem would do to its linked cases, shown before anything is written.
#[derive(Debug, Clone, PartialEq)]
pub struct CascadePlan {
    /// Cases that will change, with their new state and events.
    pub changes: Vec<(Case, Case, Vec<CaseEvent>)>,
    /// Open cases left alone, and why (e.g. "still New: triage it first").
    pub skipped: Vec<(Case, String)>,
}

/// How the specialist chose to carry a problem's resolution to its cases.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cascade {
    /// Resolve every linked open case that may be resolved, with the problem's summary.
    Resolve,
    /// Leave statuses alone and add the summary to each open case as a note.
    Note,
}

/// Plans the cascade for `linked` (the cases whose `problem_id` is this problem's).
pub fn plan_cascade(
    problem: &Problem,
    linked: &[Case],
    cascade: Cascade,
    ctx: &EditContext<'_>,
    mut next_id: impl FnMut() -> Uuid,
) -> CascadePlan {
    let summary = problem.resolution.clone().unwrap_or_default();
    let mut plan = CascadePlan {
        changes: Vec::new(),
        skipped: Vec::new(),
    };
    for case in linked.iter().filter(|c| c.status.is_open()) {
        let outcome = match cascade {
            Cascade::Resolve => check_transition(case.status, CaseStatus::Resolved)
                .map_err(|e| e.reason.to_string())
                .and_then(|_| {
                    let text = format!("Resolved with problem {}: {summary}", problem.key);
                    case.apply(
                        CaseEdit::Status {
                            to: CaseStatus::Resolved,
                            resolution: text,
                        },
                        ctx,
                        &mut next_id,
                    )
                    .map_err(|e| e.to_string())
                }),
            Cascade::Note => {
                let text = format!("Problem {} resolved: {summary}", problem.key);
                case.note(&text, next_id(), ctx.actor, ctx.now)
                    .map(|(c, e)| (c, vec![e]))
                    .map_err(|e| e.to_string())
            }
        };
        match outcome {
            Ok((next, events)) => plan.changes.push((case.clone(), next, events)),
            Err(why) => plan.skipped.push((case.clone(), why)),
        }
    }
    plan
}

/// The note text a resolved problem puts in a case timeline, for events that mention it.
pub fn is_problem_event(event: &CaseEvent, problem: &Problem) -> bool {
    match &event.kind {
        EventKind::NoteAdded { text } => text.contains(&problem.key.to_string()),
        EventKind::StatusChanged {
            resolution: Some(text),
            ..
        } => text.contains(&problem.key.to_string()),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::priority::PriorityMatrix;
    use crate::domain::sample::generate;
    use crate::domain::triage::ScopingRequirements;
    use chrono::TimeZone;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 25, 10, 0, 0).unwrap()
    }

    fn problem() -> Problem {
        Problem::open(
            "JPY refunds ×100",
            "Acquirer exponent bug",
            Uuid::from_u128(1),
            ProblemKey(7),
            "Mei",
            now(),
        )
        .unwrap()
    }

    #[test]
    fn a_problem_needs_a_title_and_a_resolution_summary() {
        assert!(Problem::open("  ", "", Uuid::from_u128(1), ProblemKey(1), "Mei", now()).is_err());
        let p = problem();
        assert_eq!(p.key.to_string(), "PRB-7");
        assert!(p.resolve(" ", now()).is_err());
        let resolved = p.resolve("Acquirer deployed the fix", now()).unwrap();
        assert_eq!(resolved.status, ProblemStatus::Resolved);
        assert_eq!(resolved.revision, 2);
        assert_eq!(resolved.resolve("again", now()), Err(DomainError::NoChange));
    }

    #[test]
    fn cascade_resolves_what_may_be_resolved_and_explains_the_rest() {
        let cases: Vec<Case> = generate(5, 14, 1001, now())
            .into_iter()
            .map(|s| s.case)
            .collect();
        let resolved = problem()
            .resolve("Acquirer deployed the fix", now())
            .unwrap();
        let (matrix, requirements) = (PriorityMatrix::default(), ScopingRequirements::default());
        let ctx = EditContext {
            matrix: &matrix,
            requirements: &requirements,
            actor: "Mei",
            now: now(),
        };
        let mut n = 100;
        let plan = plan_cascade(&resolved, &cases, Cascade::Resolve, &ctx, || {
            n += 1;
            Uuid::from_u128(n)
        });
        let open = cases.iter().filter(|c| c.status.is_open()).count();
        assert_eq!(
            plan.changes.len() + plan.skipped.len(),
            open,
            "closed cases are left out entirely"
        );
        assert!(
            plan.changes
                .iter()
                .all(|(_, next, _)| next.status == CaseStatus::Resolved)
        );
        assert!(
            plan.changes.iter().all(|(_, next, _)| next
                .resolution
                .as_deref()
                .unwrap()
                .contains("PRB-7"))
        );
        assert!(!plan.skipped.is_empty(), "the sample has New cases");
        assert!(
            plan.skipped
                .iter()
                .all(|(c, why)| c.status == CaseStatus::New && why.contains("triage"))
        );

        let notes = plan_cascade(&resolved, &cases, Cascade::Note, &ctx, || {
            Uuid::from_u128(999)
        });
        assert_eq!(notes.changes.len(), open);
        assert!(
            notes
                .changes
                .iter()
                .all(|(before, next, _)| before.status == next.status)
        );
        assert!(
            notes
                .changes
                .iter()
                .all(|(_, _, events)| is_problem_event(&events[0], &resolved))
        );
    }
}
