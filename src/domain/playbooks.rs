//! Playbooks: versioned team processes, their step diffs, trigger matching, checklists from events, and per-playbook stats.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::case::{Case, CaseStatus};
use super::events::{CaseEvent, EventKind};
use super::priority::Priority;
use super::sla::{ClockMark, MarkKind};

/// What makes a playbook worth suggesting for a case. Empty lists match nothing on their own.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Triggers {
    pub product_areas: Vec<String>,
    pub tags: Vec<String>,
    pub priorities: Vec<Priority>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlaybookStep {
    /// Stable across edits, so diffs and checklists can follow a step that was reworded or moved.
    pub id: String,
    pub title: String,
    /// Markdown, rendered with raw HTML off.
    pub instructions: String,
    /// An email template (by id) the step sends.
    #[serde(default)]
    pub template: Option<String>,
    /// The step cannot be ticked without a note or link saying what was found.
    #[serde(default)]
    pub evidence_required: bool,
}

/// The editable part of a playbook; each save freezes one of these as a version.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlaybookContent {
    pub title: String,
    pub description: String,
    pub triggers: Triggers,
    pub steps: Vec<PlaybookStep>,
}

/// What `Playbook::current` shows for a playbook without versions, which the boundary refuses.
static NO_CONTENT: PlaybookContent = PlaybookContent {
    title: String::new(),
    description: String::new(),
    triggers: Triggers {
        product_areas: Vec::new(),
        tags: Vec::new(),
        priorities: Vec::new(),
    },
    steps: Vec::new(),
};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlaybookVersion {
    pub number: u32,
    pub author: String,
    pub at: DateTime<Utc>,
    pub note: String,
    pub content: PlaybookContent,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Playbook {
    pub id: Uuid,
    pub archived: bool,
    /// Bumped by every save (a version or an archive toggle), so two tabs never overwrite each other.
    pub revision: u64,
    /// Oldest first; never empty.
    pub versions: Vec<PlaybookVersion>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlaybookError {
    #[error("give the playbook a title")]
    NoTitle,
    #[error("another playbook is already called '{0}'")]
    DuplicateTitle(String),
    #[error("a playbook needs at least one step")]
    NoSteps,
    #[error("step {0} needs a title")]
    StepWithoutTitle(usize),
    #[error("say what changed in this version")]
    NoChangeNote,
    #[error("nothing changed since version {0}")]
    NoChange(u32),
    #[error("step '{0}' needs a note or link as evidence before it can be ticked")]
    EvidenceRequired(String),
    #[error("say why step '{0}' is skipped")]
    NoSkipReason(String),
    #[error("this checklist has no step '{0}'")]
    UnknownStep(String),
    #[error("'{0}' is already on this case")]
    AlreadyApplied(String),
}

impl PlaybookContent {
    /// Every reason this content cannot be saved; `others` are the library's other playbooks.
    pub fn check(&self, id: Uuid, others: &[Playbook]) -> Vec<PlaybookError> {
        let mut problems = Vec::new();
        let title = self.title.trim();
        if title.is_empty() {
            problems.push(PlaybookError::NoTitle);
        } else if others
            .iter()
            .filter(|p| p.id != id && !p.archived)
            .any(|p| p.current().title.trim().eq_ignore_ascii_case(title))
        {
            problems.push(PlaybookError::DuplicateTitle(title.to_string()));
        }
        if self.steps.is_empty() {
            problems.push(PlaybookError::NoSteps);
        }
        for (i, step) in self.steps.iter().enumerate() {
            if step.title.trim().is_empty() {
                problems.push(PlaybookError::StepWithoutTitle(i + 1));
            }
        }
        problems
    }
}

fn first_error(problems: Vec<PlaybookError>) -> Result<(), PlaybookError> {
    problems.into_iter().next().map_or(Ok(()), Err)
}

impl Playbook {
    pub fn create(
        id: Uuid,
        content: PlaybookContent,
        author: &str,
        now: DateTime<Utc>,
        library: &[Playbook],
    ) -> Result<Playbook, PlaybookError> {
        first_error(content.check(id, library))?;
        Ok(Playbook {
            id,
            archived: false,
            revision: 1,
            versions: vec![PlaybookVersion {
                number: 1,
                author: author.into(),
                at: now,
                note: "Created".into(),
                content,
            }],
        })
    }

    /// The newest version's content. Every playbook has one (checked at the boundary and kept by
    /// every constructor); an empty one is shown as untitled rather than trusted.
    pub fn current(&self) -> &PlaybookContent {
        self.versions.last().map_or(&NO_CONTENT, |v| &v.content)
    }

    pub fn version(&self) -> u32 {
        self.versions.last().map_or(0, |v| v.number)
    }

    pub fn get_version(&self, number: u32) -> Option<&PlaybookVersion> {
        self.versions.iter().find(|v| v.number == number)
    }

    /// A new version; work in flight keeps the version it started with.
    pub fn revise(
        &self,
        content: PlaybookContent,
        note: &str,
        author: &str,
        now: DateTime<Utc>,
        library: &[Playbook],
    ) -> Result<Playbook, PlaybookError> {
        first_error(content.check(self.id, library))?;
        if &content == self.current() {
            return Err(PlaybookError::NoChange(self.version()));
        }
        if note.trim().is_empty() {
            return Err(PlaybookError::NoChangeNote);
        }
        let mut next = self.clone();
        next.revision += 1;
        next.versions.push(PlaybookVersion {
            number: self.version() + 1,
            author: author.into(),
            at: now,
            note: note.trim().into(),
            content,
        });
        Ok(next)
    }

    pub fn set_archived(&self, archived: bool) -> Playbook {
        let mut next = self.clone();
        next.archived = archived;
        next.revision += 1;
        next
    }

    /// A new playbook starting from this one's current content, titled so it does not clash.
    pub fn duplicate(
        &self,
        id: Uuid,
        author: &str,
        now: DateTime<Utc>,
        library: &[Playbook],
    ) -> Result<Playbook, PlaybookError> {
        let mut content = self.current().clone();
        let base = format!("{} (copy)", content.title.trim());
        content.title = base.clone();
        let mut n = 2;
        while !content.check(id, library).is_empty() && n < 100 {
            content.title = format!("{base} {n}");
            n += 1;
        }
        Playbook::create(id, content, author, now, library)
    }

    /// How well the triggers fit the case: 0 means "do not suggest".
    pub fn score(&self, case: &Case) -> u32 {
        if self.archived {
            return 0;
        }
        let t = &self.current().triggers;
        let area = t
            .product_areas
            .iter()
            .any(|a| a.eq_ignore_ascii_case(&case.product_area));
        let tags = t
            .tags
            .iter()
            .filter(|tag| case.tags.iter().any(|c| c.eq_ignore_ascii_case(tag)))
            .count() as u32;
        let priority = t.priorities.contains(&case.priority);
        // A priority alone is too broad to suggest on; it only ranks what area or tags found.
        if !area && tags == 0 {
            return 0;
        }
        u32::from(area) * 4 + tags * 2 + u32::from(priority)
    }
}

/// Playbooks worth applying to `case`, best fit first (ties by title).
pub fn suggest<'a>(case: &Case, library: &'a [Playbook]) -> Vec<&'a Playbook> {
    let mut scored: Vec<(u32, &Playbook)> = library
        .iter()
        .map(|p| (p.score(case), p))
        .filter(|(s, _)| *s > 0)
        .collect();
    scored.sort_by(|a, b| {
        b.0.cmp(&a.0)
            .then_with(|| a.1.current().title.cmp(&b.1.current().title))
    });
    scored.into_iter().map(|(_, p)| p).collect()
}

/// How one step changed between two versions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StepDiff {
    Added {
        title: String,
    },
    Removed {
        title: String,
    },
    /// Same step (by id), with what changed: "title", "instructions", "template", "evidence".
    Changed {
        title: String,
        fields: Vec<&'static str>,
        moved: Option<(usize, usize)>,
    },
    Unchanged {
        title: String,
    },
}

/// The step-by-step difference from `before` to `after`, in `after`'s order, removed steps last.
pub fn diff_steps(before: &PlaybookContent, after: &PlaybookContent) -> Vec<StepDiff> {
    let old_index: HashMap<&str, (usize, &PlaybookStep)> = before
        .steps
        .iter()
        .enumerate()
        .map(|(i, s)| (s.id.as_str(), (i, s)))
        .collect();
    let mut out = Vec::new();
    for (i, step) in after.steps.iter().enumerate() {
        match old_index.get(step.id.as_str()) {
            None => out.push(StepDiff::Added {
                title: step.title.clone(),
            }),
            Some((j, old)) => {
                let mut fields = Vec::new();
                if old.title != step.title {
                    fields.push("title");
                }
                if old.instructions != step.instructions {
                    fields.push("instructions");
                }
                if old.template != step.template {
                    fields.push("template");
                }
                if old.evidence_required != step.evidence_required {
                    fields.push("evidence");
                }
                let moved = (*j != i).then_some((j + 1, i + 1));
                if fields.is_empty() && moved.is_none() {
                    out.push(StepDiff::Unchanged {
                        title: step.title.clone(),
                    });
                } else {
                    out.push(StepDiff::Changed {
                        title: step.title.clone(),
                        fields,
                        moved,
                    });
                }
            }
        }
    }
    for step in &before.steps {
        if !after.steps.iter().any(|s| s.id == step.id) {
            out.push(StepDiff::Removed {
                title: step.title.clone(),
            });
        }
    }
    out
}

/// A step as pinned on a case when the playbook was applied.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChecklistStep {
    pub id: String,
    pub title: String,
    #[serde(default)]
    pub evidence_required: bool,
}

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
    sorted.sort_by(|a, b| super::events::timeline_order(a, b));
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

/// A checklist's progress as the queue sees it, from the clock-log marks alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Progress {
    pub settled: usize,
    pub total: usize,
}

/// Summed over every checklist on the case; `None` when it has none.
pub fn progress_from_marks(marks: &[ClockMark]) -> Option<Progress> {
    let mut runs: BTreeMap<Uuid, (usize, HashMap<&str, bool>)> = BTreeMap::new();
    for mark in marks {
        match &mark.kind {
            MarkKind::Checklist { run, steps, .. } => {
                runs.insert(*run, (usize::from(*steps), HashMap::new()));
            }
            MarkKind::Step { run, step, state } => {
                if let Some((_, states)) = runs.get_mut(run) {
                    states.insert(step.as_str(), *state != StepMark::Open);
                }
            }
            _ => {}
        }
    }
    if runs.is_empty() {
        return None;
    }
    Some(
        runs.values()
            .fold(Progress::default(), |p, (total, states)| Progress {
                settled: p.settled + states.values().filter(|s| **s).count(),
                total: p.total + total,
            }),
    )
}

/// How a step ended up, as kept on the clock log.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum StepMark {
    Done,
    Skipped,
    Open,
}

/// What a playbook's use says about it, for the playbook page.
#[derive(Debug, Clone, PartialEq)]
pub struct PlaybookStats {
    pub times_applied: usize,
    pub cases: usize,
    /// Median time from opening to first resolution, for resolved cases with it…
    pub median_resolution_with: Option<Duration>,
    pub resolved_with: usize,
    /// …and for resolved cases in its product areas (all areas if it names none) without it.
    pub median_resolution_without: Option<Duration>,
    pub resolved_without: usize,
    /// Step id and how many checklists ended with it skipped, most first.
    pub most_skipped: Vec<(String, usize)>,
    /// Share (0–100) of its cases with any SLA breach.
    pub breached_percent: Option<u32>,
}

fn median(mut values: Vec<Duration>) -> Option<Duration> {
    if values.is_empty() {
        return None;
    }
    values.sort();
    let mid = values.len() / 2;
    let upper = *values.get(mid)?;
    Some(if values.len() % 2 == 1 {
        upper
    } else {
        let lower = *values.get(mid.checked_sub(1)?)?;
        lower + (upper - lower) / 2
    })
}

fn first_resolved(marks: &[ClockMark]) -> Option<DateTime<Utc>> {
    marks.iter().find_map(|m| match m.kind {
        MarkKind::Status {
            to: CaseStatus::Resolved,
        } => Some(m.at),
        _ => None,
    })
}

fn breached(marks: &[ClockMark]) -> bool {
    marks.iter().any(|m| match &m.kind {
        MarkKind::Breach { .. } => true,
        MarkKind::Settled { record } => record.clocks.iter().any(|c| c.breached),
        _ => false,
    })
}

/// Stats for `playbook` over every case on this device. `marks_of` gives a case's clock log.
pub fn playbook_stats<'a>(
    playbook: &Playbook,
    cases: &[Case],
    marks_of: impl Fn(Uuid) -> &'a [ClockMark],
) -> PlaybookStats {
    let areas = &playbook.current().triggers.product_areas;
    let mut times_applied = 0;
    let mut with = Vec::new();
    let mut without = Vec::new();
    let mut with_cases = 0;
    let mut breached_cases = 0;
    let mut skipped: HashMap<String, usize> = HashMap::new();
    for case in cases {
        let marks = marks_of(case.id);
        let runs: Vec<Uuid> = marks
            .iter()
            .filter_map(|m| match &m.kind {
                MarkKind::Checklist {
                    run, playbook: p, ..
                } if *p == playbook.id => Some(*run),
                _ => None,
            })
            .collect();
        let took = first_resolved(marks).map(|at| at - case.created_at);
        if runs.is_empty() {
            let in_scope = areas.is_empty()
                || areas
                    .iter()
                    .any(|a| a.eq_ignore_ascii_case(&case.product_area));
            if in_scope && let Some(took) = took {
                without.push(took);
            }
            continue;
        }
        times_applied += runs.len();
        with_cases += 1;
        if let Some(took) = took {
            with.push(took);
        }
        if breached(marks) {
            breached_cases += 1;
        }
        let mut last: HashMap<(Uuid, &str), StepMark> = HashMap::new();
        for m in marks {
            if let MarkKind::Step { run, step, state } = &m.kind
                && runs.contains(run)
            {
                last.insert((*run, step.as_str()), *state);
            }
        }
        for ((_, step), state) in last {
            if state == StepMark::Skipped {
                *skipped.entry(step.to_string()).or_default() += 1;
            }
        }
    }
    let mut most_skipped: Vec<(String, usize)> = skipped.into_iter().collect();
    most_skipped.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    PlaybookStats {
        times_applied,
        cases: with_cases,
        resolved_with: with.len(),
        median_resolution_with: median(with),
        resolved_without: without.len(),
        median_resolution_without: median(without),
        most_skipped,
        breached_percent: (with_cases > 0).then(|| (breached_cases * 100 / with_cases) as u32),
    }
}

#[cfg(test)]
#[path = "playbooks_tests.rs"]
mod tests;
