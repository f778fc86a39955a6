//! Team sync's review documents: `cf:<case id>:<conflict id>`, one field both sides changed, with the value kept and the value set aside, and its resolution once someone gives one; checked like every document from the server.
//!
//! Unlike an event, a review document changes once (open, then resolved), on CouchDB's own
//! revisions. Two people resolving it at once is an ordinary CouchDB conflict: the server keeps
//! one winning revision, and every device shows that one.

use chrono::{DateTime, Datelike, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::couch::{
    CONFLICT_PREFIX, CaseDoc, DOC_SCHEMA, Refused, assemble, authored, case_doc_id, read_authored,
    refused,
};
use super::v1::CaseV1;
use crate::domain::merge::CaseField;
use crate::domain::merge::team::{TeamConflict, TeamResolution, Took};
use crate::domain::validate::{FIRST_YEAR, KEYWORD, LAST_YEAR, LINE};

/// A value as the review shows it, at most: longer ones are refused (a field reads in one line).
const SHOWN_VALUE: usize = 20 * LINE;

pub fn conflict_doc_id(case: Uuid, conflict: Uuid) -> String {
    format!("{CONFLICT_PREFIX}{case}:{conflict}")
}

/// A review on the server.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConflictDoc {
    #[serde(rename = "_id")]
    pub id: String,
    #[serde(rename = "_rev", default, skip_serializing_if = "Option::is_none")]
    pub rev: Option<String>,
    pub schema: u32,
    /// Who wrote this revision: the one who raised it, then the one who resolved it.
    pub author: String,
    pub conflict: ConflictV1,
}

authored!(ConflictDoc);

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConflictV1 {
    pub id: Uuid,
    pub case_id: Uuid,
    pub case_key: String,
    pub field: CaseField,
    pub kept: String,
    pub set_aside: String,
    /// The case record as it was on the device whose value was set aside (no events).
    pub set_aside_case: CaseV1,
    pub raised_by: String,
    #[serde(with = "crate::domain::timestamp")]
    pub raised_at: DateTime<Utc>,
    pub resolution: Option<ResolutionV1>,
    /// Absent on a review nobody answered twice (and on every document written before it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub late_take: Option<ResolutionV1>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResolutionV1 {
    pub by: String,
    #[serde(with = "crate::domain::timestamp")]
    pub at: DateTime<Utc>,
    pub took: TookV1,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TookV1 {
    Kept,
    SetAside,
}

impl ResolutionV1 {
    /// A resolution as every review document carries it.
    pub fn of(resolution: &TeamResolution) -> ResolutionV1 {
        ResolutionV1 {
            by: resolution.by.clone(),
            at: resolution.at,
            took: match resolution.took {
                Took::Kept => TookV1::Kept,
                Took::SetAside => TookV1::SetAside,
            },
        }
    }

    pub fn to_domain(&self) -> TeamResolution {
        TeamResolution {
            by: self.by.clone(),
            at: self.at,
            took: match self.took {
                TookV1::Kept => Took::Kept,
                TookV1::SetAside => Took::SetAside,
            },
        }
    }
}

/// The checks every review document's dates and resolvers pass: raised and answered within the
/// years every record keeps to, each answer by someone, and a late take only as a take after a
/// keep. `prefix` is the document's path to them ("conflict", "record_review").
pub(super) fn check_raised_and_resolved(
    id: &str,
    prefix: &str,
    raised_at: DateTime<Utc>,
    resolution: Option<&ResolutionV1>,
    late_take: Option<&ResolutionV1>,
) -> Result<(), Refused> {
    let answers = [("resolution", resolution), ("late_take", late_take)];
    let dates = std::iter::once(("raised_at".to_string(), raised_at)).chain(
        answers
            .iter()
            .filter_map(|(path, r)| r.map(|r| (format!("{path}.at"), r.at))),
    );
    for (path, at) in dates {
        if !(FIRST_YEAR..=LAST_YEAR).contains(&at.year()) {
            return Err(refused(
                id,
                format!("{prefix}.{path}: expected a year from {FIRST_YEAR} to {LAST_YEAR}"),
            ));
        }
    }
    for (path, answer) in answers {
        if let Some(r) = answer
            && (r.by.trim().is_empty() || r.by.chars().count() > KEYWORD)
        {
            return Err(refused(
                id,
                format!("{prefix}.{path}.by: expected a user name"),
            ));
        }
    }
    if let Some(late) = late_take
        && (late.took != TookV1::SetAside
            || resolution.is_none_or(|first| first.took != TookV1::Kept))
    {
        return Err(refused(
            id,
            format!("{prefix}.late_take: expected a take that followed a keep"),
        ));
    }
    Ok(())
}

/// The document of a review, written by `author` on top of server revision `rev`.
pub fn conflict_doc(conflict: &TeamConflict, author: &str, rev: Option<String>) -> ConflictDoc {
    ConflictDoc {
        id: conflict_doc_id(conflict.case_id, conflict.id),
        rev,
        schema: DOC_SCHEMA,
        author: author.to_string(),
        conflict: ConflictV1 {
            id: conflict.id,
            case_id: conflict.case_id,
            case_key: conflict.case_key.clone(),
            field: conflict.field,
            kept: conflict.kept.clone(),
            set_aside: conflict.set_aside.clone(),
            set_aside_case: CaseV1::from_domain(conflict.set_aside_case.clone(), Vec::new()),
            raised_by: conflict.raised_by.clone(),
            raised_at: conflict.raised_at,
            resolution: conflict.resolution.as_ref().map(ResolutionV1::of),
            late_take: conflict.late_take.as_ref().map(ResolutionV1::of),
        },
    }
}

/// A review from the server (or as stored here), checked: its id names its case and itself, its
/// texts are bounded, and the set-aside case passes every rule a bundle's case does.
pub fn read_conflict_doc(doc: &serde_json::Value) -> Result<(ConflictDoc, TeamConflict), Refused> {
    let (id, parsed) = read_authored::<ConflictDoc>(doc)?;
    let id = id.as_str();
    let c = &parsed.conflict;
    if parsed.id != conflict_doc_id(c.case_id, c.id) {
        return Err(refused(
            id,
            "_id: does not name the case and review it holds",
        ));
    }
    if c.set_aside_case.id != c.case_id {
        return Err(refused(
            id,
            "conflict.set_aside_case.id: not the case under review",
        ));
    }
    for (path, text, cap) in [
        ("conflict.case_key", c.case_key.as_str(), KEYWORD),
        ("conflict.raised_by", c.raised_by.as_str(), KEYWORD),
        ("conflict.kept", c.kept.as_str(), SHOWN_VALUE),
        ("conflict.set_aside", c.set_aside.as_str(), SHOWN_VALUE),
    ] {
        if text.chars().count() > cap {
            return Err(refused(id, format!("{path}: longer than {cap} characters")));
        }
    }
    check_raised_and_resolved(
        id,
        "conflict",
        c.raised_at,
        c.resolution.as_ref(),
        c.late_take.as_ref(),
    )?;
    let record = CaseDoc {
        id: case_doc_id(c.case_id),
        rev: None,
        schema: parsed.schema,
        author: parsed.author.clone(),
        case: c.set_aside_case.clone(),
        events: Vec::new(),
    };
    let case = assemble(&record, &std::collections::HashMap::new()).map_err(|r| Refused {
        id: id.to_string(),
        reason: format!("conflict.set_aside_case.{}", r.reason),
    })?;
    let conflict = TeamConflict {
        id: c.id,
        case_id: c.case_id,
        case_key: c.case_key.clone(),
        field: c.field,
        kept: c.kept.clone(),
        set_aside: c.set_aside.clone(),
        set_aside_case: case.to_domain().case,
        raised_by: c.raised_by.clone(),
        raised_at: c.raised_at,
        resolution: c.resolution.as_ref().map(ResolutionV1::to_domain),
        late_take: c.late_take.as_ref().map(ResolutionV1::to_domain),
    };
    Ok((parsed, conflict))
}

#[cfg(all(test, not(target_arch = "wasm32")))]
#[path = "couch_conflict_tests.rs"]
mod tests;
