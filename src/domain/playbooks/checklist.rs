//! A playbook applied to a case: its checklist steps, done or skipped with a reason, read back from the case's events.

use super::*;
/// Defined beside the events that pin it.
pub use crate::domain::case::pinned::ChecklistStep;

impl Playbook {
    /// The event that starts a checklist: the current version's steps, copied, so later edits
    /// to the playbook never change work in flight.
    pub fn apply(&self, run: Uuid) -> EventKind {
        let content = self.current();
        EventKind::PlaybookApplied {
            run,
            playbook: self.id,
            version: self.version(),
            title: content.title.clone(),
            steps: content
                .steps
                .iter()
                .map(|s| ChecklistStep {
                    id: s.id.clone(),
                    title: s.title.clone(),
                    evidence_required: s.evidence_required,
                })
                .collect(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StepState {
    Open,
    Done {
        by: String,
        at: DateTime<Utc>,
        evidence: String,
    },
    Skipped {
        by: String,
        at: DateTime<Utc>,
        reason: String,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checklist {
    pub run: Uuid,
    pub playbook: Uuid,
    pub version: u32,
    pub title: String,
    pub steps: Vec<(ChecklistStep, StepState)>,
}

impl Checklist {
    /// (done, skipped, total)
    pub fn progress(&self) -> (usize, usize, usize) {
        let done = self
            .steps
            .iter()
            .filter(|(_, s)| matches!(s, StepState::Done { .. }))
            .count();
        let skipped = self
            .steps
            .iter()
            .filter(|(_, s)| matches!(s, StepState::Skipped { .. }))
            .count();
        (done, skipped, self.steps.len())
    }

    fn step(&self, id: &str) -> Result<&ChecklistStep, PlaybookError> {
        self.steps
            .iter()
            .map(|(s, _)| s)
            .find(|s| s.id == id)
            .ok_or_else(|| PlaybookError::UnknownStep(id.into()))
    }

    pub fn tick(&self, step: &str, evidence: &str) -> Result<EventKind, PlaybookError> {
        let found = self.step(step)?;
        if found.evidence_required && evidence.trim().is_empty() {
            return Err(PlaybookError::EvidenceRequired(found.title.clone()));
        }
        Ok(EventKind::StepTicked {
            run: self.run,
            step: step.into(),
            title: found.title.clone(),
            evidence: evidence.trim().into(),
        })
    }

    pub fn skip(&self, step: &str, reason: &str) -> Result<EventKind, PlaybookError> {
        let found = self.step(step)?;
        if reason.trim().is_empty() {
            return Err(PlaybookError::NoSkipReason(found.title.clone()));
        }
        Ok(EventKind::StepSkipped {
            run: self.run,
            step: step.into(),
            title: found.title.clone(),
            reason: reason.trim().into(),
        })
    }

    pub fn untick(&self, step: &str) -> Result<EventKind, PlaybookError> {
        let found = self.step(step)?;
        Ok(EventKind::StepReopened {
            run: self.run,
            step: step.into(),
            title: found.title.clone(),
        })
    }
}

/// Every checklist on a case, rebuilt from its events in timeline order.
pub fn checklists(events: &[CaseEvent]) -> Vec<Checklist> {
    let mut sorted: Vec<&CaseEvent> = events.iter().collect();
    sorted.sort_by(|a, b| crate::domain::case::events::timeline_order(a, b));
    let mut lists: Vec<Checklist> = Vec::new();
    for event in sorted {
        let set = |lists: &mut Vec<Checklist>, run: &Uuid, step: &str, state: StepState| {
            if let Some(list) = lists.iter_mut().find(|l| l.run == *run)
                && let Some(slot) = list.steps.iter_mut().find(|(s, _)| s.id == step)
            {
                slot.1 = state;
            }
        };
        match &event.kind {
            EventKind::PlaybookApplied {
                run,
                playbook,
                version,
                title,
                steps,
            } => lists.push(Checklist {
                run: *run,
                playbook: *playbook,
                version: *version,
                title: title.clone(),
                steps: steps.iter().map(|s| (s.clone(), StepState::Open)).collect(),
            }),
            EventKind::StepTicked {
                run,
                step,
                evidence,
                ..
            } => set(
                &mut lists,
                run,
                step,
                StepState::Done {
                    by: event.actor.clone(),
                    at: event.at,
                    evidence: evidence.clone(),
                },
            ),
            EventKind::StepSkipped {
                run, step, reason, ..
            } => set(
                &mut lists,
                run,
                step,
                StepState::Skipped {
                    by: event.actor.clone(),
                    at: event.at,
                    reason: reason.clone(),
                },
            ),
            EventKind::StepReopened { run, step, .. } => {
                set(&mut lists, run, step, StepState::Open)
            }
            _ => {}
        }
    }
    lists
}
