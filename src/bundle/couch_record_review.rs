//! Team sync's reviews of a whole record both sides changed: `cf:rec:<kind>:<id>:<review id>`, the version set aside on the device that lost, for anyone in the team to keep the team's or take the set-aside one; checked like every document from the server.
//!
//! A playbook, template, partner team, problem, worksheet or settings document changed on two
//! devices while apart keeps the version that reached the server first, on every device. The
//! device whose version lost raises one of these, holding that version whole, so the whole team
//! sees it (not only its author) and one answer settles it for everyone, as a case field's
//! review does. The id starts with the case reviews' `cf:` (a server's validation function
//! already accepts it) and names the record it is about.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::couch::{CONFLICT_PREFIX, DOC_SCHEMA, Refused, authored, read_authored, refused};
use super::couch_conflict::{ResolutionV1, check_raised_and_resolved};
use super::couch_records::{RECORD_PREFIX, RecordV1, check_record};
use crate::domain::merge::team::{TeamResolution, Took, describe_answers};
use crate::domain::validate::KEYWORD;

/// The id of review `review` of the record document `record` (`rec:…`).
pub fn record_review_doc_id(record: &str, review: Uuid) -> String {
    format!("{CONFLICT_PREFIX}{record}:{review}")
}

/// Whether `id` names a review of a whole record (rather than of a case's field).
pub fn is_record_review_doc(id: &str) -> bool {
    id.strip_prefix(CONFLICT_PREFIX)
        .is_some_and(|rest| rest.starts_with(RECORD_PREFIX))
}

/// One record both sides changed, settled to the team's version, waiting for a person's word.
#[derive(Debug, Clone, PartialEq)]
pub struct RecordReview {
    pub id: Uuid,
    /// The record's document id (`rec:<kind>:<id>`).
    pub record: String,
    /// Who wrote the version that reached the team first and is in place.
    pub kept_from: String,
    /// The version set aside, whole, as its document carries it.
    pub set_aside: RecordV1,
    /// The person whose version was set aside.
    pub raised_by: String,
    pub raised_at: DateTime<Utc>,
    pub resolution: Option<TeamResolution>,
    /// A take answered before its author saw `resolution`, a keep (`TeamResolution::late_take`):
    /// the set-aside version replaced the team's all the same.
    pub late_take: Option<TeamResolution>,
}

impl RecordReview {
    pub fn is_open(&self) -> bool {
        self.resolution.is_none()
    }

    /// The review settled by `by`.
    pub fn resolved(&self, by: &str, at: DateTime<Utc>, took: Took) -> RecordReview {
        RecordReview {
            resolution: Some(TeamResolution {
                by: by.to_string(),
                at,
                took,
            }),
            ..self.clone()
        }
    }

    /// The record in words ("Problem "PRB-1 JPY refunds"").
    pub fn subject(&self) -> String {
        format!(
            "{} \"{}\"",
            self.set_aside.kind().label(),
            self.set_aside.label()
        )
    }

    /// In words, for the list ("Problem "PRB-1 …": alice's version kept; bob's set aside").
    pub fn describe(&self) -> String {
        let head = format!(
            "{}: {}'s version kept; {}'s set aside",
            self.subject(),
            self.kept_from,
            self.raised_by
        );
        let answers = describe_answers(
            self.resolution.as_ref(),
            self.late_take.as_ref(),
            &format!("{}'s version", self.kept_from),
            &format!("{}'s version", self.raised_by),
        );
        format!("{head}{answers}")
    }
}

/// A record review on the server.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecordReviewDoc {
    #[serde(rename = "_id")]
    pub id: String,
    #[serde(rename = "_rev", default, skip_serializing_if = "Option::is_none")]
    pub rev: Option<String>,
    pub schema: u32,
    /// Who wrote this revision: the one who raised it, then the one who resolved it.
    pub author: String,
    pub record_review: RecordReviewV1,
}

authored!(RecordReviewDoc);

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecordReviewV1 {
    pub id: Uuid,
    pub record: String,
    pub kept_from: String,
    pub set_aside: RecordV1,
    pub raised_by: String,
    #[serde(with = "crate::domain::timestamp")]
    pub raised_at: DateTime<Utc>,
    pub resolution: Option<ResolutionV1>,
    /// Absent on a review nobody answered twice (and on every document written before it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub late_take: Option<ResolutionV1>,
}

/// The document of a record review, written by `author` on top of server revision `rev`.
pub fn record_review_doc(
    review: &RecordReview,
    author: &str,
    rev: Option<String>,
) -> RecordReviewDoc {
    RecordReviewDoc {
        id: record_review_doc_id(&review.record, review.id),
        rev,
        schema: DOC_SCHEMA,
        author: author.to_string(),
        record_review: RecordReviewV1 {
            id: review.id,
            record: review.record.clone(),
            kept_from: review.kept_from.clone(),
            set_aside: review.set_aside.clone(),
            raised_by: review.raised_by.clone(),
            raised_at: review.raised_at,
            resolution: review.resolution.as_ref().map(ResolutionV1::of),
            late_take: review.late_take.as_ref().map(ResolutionV1::of),
        },
    }
}

/// A record review from the server (or as stored here), checked: its id names the record and
/// itself, the version it holds is of that record and passes every rule an imported record
/// passes, its names are bounded and its dates within the years every record keeps to.
pub fn read_record_review_doc(
    doc: &serde_json::Value,
) -> Result<(RecordReviewDoc, RecordReview), Refused> {
    let (id, parsed) = read_authored::<RecordReviewDoc>(doc)?;
    let id = id.as_str();
    let r = &parsed.record_review;
    if parsed.id != record_review_doc_id(&r.record, r.id) {
        return Err(refused(
            id,
            "_id: does not name the record and review it holds",
        ));
    }
    if r.set_aside.doc_id() != r.record {
        return Err(refused(
            id,
            "record_review.set_aside: not the record under review",
        ));
    }
    for (path, name) in [
        ("record_review.kept_from", r.kept_from.as_str()),
        ("record_review.raised_by", r.raised_by.as_str()),
    ] {
        if name.trim().is_empty() || name.chars().count() > KEYWORD {
            return Err(refused(id, format!("{path}: expected a user name")));
        }
    }
    check_raised_and_resolved(
        id,
        "record_review",
        r.raised_at,
        r.resolution.as_ref(),
        r.late_take.as_ref(),
    )?;
    check_record(id, &r.set_aside).map_err(|refusal| Refused {
        id: refusal.id,
        reason: format!("record_review.set_aside.{}", refusal.reason),
    })?;
    let review = RecordReview {
        id: r.id,
        record: r.record.clone(),
        kept_from: r.kept_from.clone(),
        set_aside: r.set_aside.clone(),
        raised_by: r.raised_by.clone(),
        raised_at: r.raised_at,
        resolution: r.resolution.as_ref().map(ResolutionV1::to_domain),
        late_take: r.late_take.as_ref().map(ResolutionV1::to_domain),
    };
    Ok((parsed, review))
}

#[cfg(all(test, not(target_arch = "wasm32")))]
#[path = "couch_record_review_tests.rs"]
mod tests;
