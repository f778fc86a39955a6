//! Playbooks: versioned team processes, their step diffs, trigger matching, checklists from events, and per-playbook stats.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::case::events::{CaseEvent, EventKind};
use super::case::{Case, CaseStatus};
use super::priority::Priority;
use super::sla::{ClockMark, MarkKind};

mod checklist;
mod stats;

pub use checklist::*;
pub use stats::*;

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

#[cfg(test)]
mod tests;
