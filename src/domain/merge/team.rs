//! Conflicts team sync settles for now and the team reviews: a field both sides changed keeps the value that reached the server first, and the value set aside waits, on every device, until one person keeps or takes it.
//!
//! Settling at once keeps every device alike while people are away (nobody's queue blocks on
//! a question); raising a review keeps the set-aside value from being lost quietly. The review
//! is one record per field, shared through the team database, so resolving it on one device
//! resolves it for the team.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{CaseField, MergePlan, Outcome};
use crate::domain::case::{Case, CaseEdit};

/// One field both sides changed, settled to the team's value, waiting for a person's word.
#[derive(Debug, Clone, PartialEq)]
pub struct TeamConflict {
    pub id: Uuid,
    pub case_id: Uuid,
    /// The case's key when the conflict was raised ("ESC-1004"), for the list.
    pub case_key: String,
    pub field: CaseField,
    /// The value kept: the one that reached the team first, as the field reads.
    pub kept: String,
    /// The value set aside, as the field reads.
    pub set_aside: String,
    /// The case as it was on the device whose value was set aside: "take" copies the field from it.
    pub set_aside_case: Case,
    /// The person whose value was set aside.
    pub raised_by: String,
    pub raised_at: DateTime<Utc>,
    pub resolution: Option<TeamResolution>,
    /// A take given before its author saw `resolution`, a keep, which reached the server second:
    /// it changed the case all the same, so the review says so (`TeamResolution::late_take`).
    pub late_take: Option<TeamResolution>,
}

/// How a team conflict was settled for good, and by whom.
#[derive(Debug, Clone, PartialEq)]
pub struct TeamResolution {
    pub by: String,
    pub at: DateTime<Utc>,
    pub took: Took,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Took {
    /// The team's value stays.
    Kept,
    /// The set-aside value replaces it.
    SetAside,
}

impl TeamResolution {
    /// Two people answered one review before either saw the other's answer, and the server kept
    /// `kept` (with the take already added to it, `kept_late`). A keep changes nothing, but a take
    /// from here has already given the case or record the set-aside value, so when the kept answer
    /// is a keep the review must also carry that take, or it would say the opposite of what the
    /// record holds. Returns the take to add, if any, from this device's answers `ours`.
    pub fn late_take<'a>(
        kept: &TeamResolution,
        kept_late: Option<&TeamResolution>,
        ours: impl IntoIterator<Item = &'a TeamResolution>,
    ) -> Option<TeamResolution> {
        if kept.took == Took::SetAside || kept_late.is_some() {
            return None;
        }
        ours.into_iter()
            .find(|r| r.took == Took::SetAside && *r != kept)
            .cloned()
    }
}

/// A review's answers in words, after what it is about: "" while open, else ". Resolved by bo:
/// kept `kept`", with a late take after it (". ana answered too, before seeing that: took
/// `taken`, which replaced `kept`").
pub fn describe_answers(
    resolution: Option<&TeamResolution>,
    late_take: Option<&TeamResolution>,
    kept: &str,
    taken: &str,
) -> String {
    let Some(r) = resolution else {
        return String::new();
    };
    let late = late_take
        .map(|late| {
            format!(
                ". {} answered too, before seeing that: took {taken}, which replaced {kept}",
                late.by
            )
        })
        .unwrap_or_default();
    match r.took {
        Took::Kept => format!(". Resolved by {}: kept {kept}{late}", r.by),
        Took::SetAside => format!(". Resolved by {}: took {taken}{late}", r.by),
    }
}

impl TeamConflict {
    /// The reviews a pulled merge raises: one per field both sides changed, each settled to the
    /// team's value (`Choice::Theirs`) by the caller. `raised_by` is this device's person.
    pub fn raised(
        plan: &MergePlan,
        raised_by: &str,
        at: DateTime<Utc>,
        mut new_id: impl FnMut() -> Uuid,
    ) -> Vec<TeamConflict> {
        let mut raised = Vec::new();
        for case in &plan.cases {
            let Some(mine) = plan.local_cases.get(&case.id) else {
                continue;
            };
            for diff in case.diffs.iter().filter(|d| d.outcome == Outcome::Decide) {
                raised.push(TeamConflict {
                    id: new_id(),
                    case_id: case.id,
                    case_key: case.key.to_string(),
                    field: diff.field,
                    kept: diff.theirs.clone(),
                    set_aside: diff.mine.clone(),
                    set_aside_case: mine.clone(),
                    raised_by: raised_by.to_string(),
                    raised_at: at,
                    resolution: None,
                    late_take: None,
                });
            }
        }
        raised
    }

    pub fn is_open(&self) -> bool {
        self.resolution.is_none()
    }

    /// The edit that gives `current` the set-aside value of this field (the rest of the case as
    /// it is now), or `None` when the field already holds it. A resolution needs a status of
    /// Resolved, so it is taken only with that status.
    pub fn edit_taking_set_aside(&self, current: &Case) -> Option<CaseEdit> {
        let from = &self.set_aside_case;
        if self.field.same(current, from) {
            return None;
        }
        Some(match self.field {
            CaseField::Title => CaseEdit::Title(from.title.clone()),
            CaseField::Status | CaseField::Resolution => CaseEdit::Status {
                to: from.status,
                resolution: from.resolution.clone().unwrap_or_default(),
            },
            CaseField::Impact => CaseEdit::Axes {
                impact: from.impact,
                urgency: current.urgency,
            },
            CaseField::Urgency => CaseEdit::Axes {
                impact: current.impact,
                urgency: from.urgency,
            },
            CaseField::Priority => CaseEdit::Priority(from.priority),
            CaseField::Owner => CaseEdit::Owner(from.owner.clone()),
            CaseField::Tags => CaseEdit::Tags(from.tags.clone()),
            CaseField::Watchers => CaseEdit::Watchers(from.watchers.clone()),
            CaseField::ProductArea => CaseEdit::ProductArea(from.product_area.clone()),
            CaseField::Channel => CaseEdit::Channel(from.channel),
            CaseField::Account => CaseEdit::Account(from.account.clone()),
            CaseField::Contacts => CaseEdit::Contacts(from.contacts.clone()),
            CaseField::Scoping => CaseEdit::Scoping(from.scoping.clone()),
            CaseField::Problem => CaseEdit::Problem(from.problem_id),
        })
    }

    /// The conflict settled by `by`: the later of two resolutions of one conflict is the one
    /// every device keeps (the server orders them by revision).
    pub fn resolved(&self, by: &str, at: DateTime<Utc>, took: Took) -> TeamConflict {
        TeamConflict {
            resolution: Some(TeamResolution {
                by: by.to_string(),
                at,
                took,
            }),
            ..self.clone()
        }
    }

    /// In words, for the list ("ESC-1004 · Priority: P1 kept; Bo's P2 set aside").
    pub fn describe(&self) -> String {
        let head = format!(
            "{} · {}: \"{}\" kept; {}'s \"{}\" set aside",
            self.case_key,
            self.field.label(),
            clip(&self.kept),
            self.raised_by,
            clip(&self.set_aside)
        );
        let kept = format!("\"{}\"", clip(&self.kept));
        let taken = format!("\"{}\"", clip(&self.set_aside));
        let answers = describe_answers(
            self.resolution.as_ref(),
            self.late_take.as_ref(),
            &kept,
            &taken,
        );
        format!("{head}{answers}")
    }
}

/// A long value cut for a one-line list (by characters, never inside one).
fn clip(value: &str) -> String {
    const SHOWN: usize = 80;
    if value.chars().count() <= SHOWN {
        return value.to_string();
    }
    let mut cut: String = value.chars().take(SHOWN).collect();
    cut.push('…');
    cut
}
