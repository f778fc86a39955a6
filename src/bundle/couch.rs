//! Team sync's documents in CouchDB: one per case record and one per case event, their ids and revisions, and the checks every document from the server passes before it can reach a case.
//!
//! This is an exchange format like a bundle, so it lives beside it and reuses its records
//! (`CaseV1`, `EventV1`) and its value rules: a document another person (or anyone with write
//! access to the database) put on the server is untrusted input, refused by id and path, never
//! a crash.
//!
//! The mapping:
//! - `ev:<case id>:<event id>` holds one event. Events are immutable, so its revision is derived
//!   from its content alone (`event_rev`): every device that holds the event names the same
//!   revision, `_revs_diff` finds it present, and two people can never conflict on an event.
//! - `case:<case id>` holds the case record (its `events` list empty) and the ids of its log in
//!   order: the log the record was written from. Its revisions are CouchDB's own; a push on a
//!   stale revision is refused by the server (409) and settled by pulling and merging first,
//!   with the same rules as a bundle import (`domain::merge`).

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::v1::{BundleV1, CaseV1, ContentsV1, EventV1, Exporter, Scope};
use super::{BundleError, CURRENT_VERSION, FORMAT};
use crate::domain::case::Case;
use crate::domain::case::events::CaseEvent;
use crate::domain::validate::{KEYWORD, MAX_EVENTS};

pub const CASE_PREFIX: &str = "case:";
pub const EVENT_PREFIX: &str = "ev:";
pub const CONFLICT_PREFIX: &str = "cf:";
/// The shape version of these documents; a newer one is refused with "update first".
pub const DOC_SCHEMA: u32 = 1;

/// A case record on the server.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CaseDoc {
    #[serde(rename = "_id")]
    pub id: String,
    #[serde(rename = "_rev", default, skip_serializing_if = "Option::is_none")]
    pub rev: Option<String>,
    pub schema: u32,
    /// The CouchDB user who wrote this revision (the server's design document checks it).
    pub author: String,
    /// The record, with an empty `events` list: the events are documents of their own.
    pub case: CaseV1,
    /// The case's log, oldest first, by event id.
    pub events: Vec<Uuid>,
}

/// One case event on the server; never changed once written.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EventDoc {
    #[serde(rename = "_id")]
    pub id: String,
    #[serde(rename = "_rev", default, skip_serializing_if = "Option::is_none")]
    pub rev: Option<String>,
    pub schema: u32,
    pub author: String,
    pub case_id: Uuid,
    pub event: EventV1,
}

/// What a document id names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocId {
    Case(Uuid),
    Event {
        case: Uuid,
        event: Uuid,
    },
    /// A field both sides changed, for the team to review (`couch_conflict`).
    Conflict {
        case: Uuid,
        conflict: Uuid,
    },
    /// A design document, a checkpoint or anything this build does not sync: left alone.
    Other,
}

pub fn case_doc_id(case: Uuid) -> String {
    format!("{CASE_PREFIX}{case}")
}

pub fn event_doc_id(case: Uuid, event: Uuid) -> String {
    format!("{EVENT_PREFIX}{case}:{event}")
}

pub fn doc_id(id: &str) -> DocId {
    if let Some(rest) = id.strip_prefix(CASE_PREFIX) {
        return Uuid::parse_str(rest).map_or(DocId::Other, DocId::Case);
    }
    if let Some((case, event)) = id
        .strip_prefix(EVENT_PREFIX)
        .and_then(|r| r.split_once(':'))
        && let (Ok(case), Ok(event)) = (Uuid::parse_str(case), Uuid::parse_str(event))
    {
        return DocId::Event { case, event };
    }
    if let Some((case, conflict)) = id
        .strip_prefix(CONFLICT_PREFIX)
        .and_then(|r| r.split_once(':'))
        && let (Ok(case), Ok(conflict)) = (Uuid::parse_str(case), Uuid::parse_str(conflict))
    {
        return DocId::Conflict { case, conflict };
    }
    DocId::Other
}

/// An event's revision, from its content alone: `1-` and the first 32 hex digits of the
/// SHA-256 of its JSON (the same on every device, whoever pushes it).
pub fn event_rev(event: &EventV1) -> String {
    let json = serde_json::to_string(event).unwrap_or_default();
    let hex: String = Sha256::digest(json.as_bytes())
        .iter()
        .take(16)
        .map(|b| format!("{b:02x}"))
        .collect();
    format!("1-{hex}")
}

fn event_v1(event: &CaseEvent) -> EventV1 {
    EventV1 {
        id: event.id,
        at: event.at,
        actor: event.actor.clone(),
        kind: event.kind.clone(),
    }
}

/// The document of one local event, with its content-derived revision.
pub fn event_doc(event: &CaseEvent, author: &str) -> EventDoc {
    let body = event_v1(event);
    EventDoc {
        id: event_doc_id(event.case_id, event.id),
        rev: Some(event_rev(&body)),
        schema: DOC_SCHEMA,
        author: author.to_string(),
        case_id: event.case_id,
        event: body,
    }
}

/// The document of one local case, to be written on top of server revision `rev`.
pub fn case_doc(case: &Case, events: &[CaseEvent], author: &str, rev: Option<String>) -> CaseDoc {
    CaseDoc {
        id: case_doc_id(case.id),
        rev,
        schema: DOC_SCHEMA,
        author: author.to_string(),
        case: CaseV1::from_domain(case.clone(), Vec::new()),
        events: events.iter().map(|e| e.id).collect(),
    }
}

/// A document refused on arrival: which one, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused {
    pub id: String,
    pub reason: String,
}

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.id, self.reason)
    }
}

pub(super) fn refused(id: &str, reason: impl Into<String>) -> Refused {
    Refused {
        id: id.chars().take(KEYWORD).collect(),
        reason: reason.into(),
    }
}

fn parse<T: for<'de> Deserialize<'de>>(id: &str, doc: &serde_json::Value) -> Result<T, Refused> {
    serde_path_to_error::deserialize(doc).map_err(|e| {
        let reason = e.inner().to_string();
        refused(id, format!("{}: {reason}", e.path()))
    })
}

fn check_schema(id: &str, schema: u32) -> Result<(), Refused> {
    if schema > DOC_SCHEMA {
        return Err(refused(
            id,
            format!("written by a newer Escalation Desk (document schema {schema}); update first"),
        ));
    }
    if schema == 0 {
        return Err(refused(id, "schema: expected 1"));
    }
    Ok(())
}

fn check_author(id: &str, author: &str) -> Result<(), Refused> {
    if author.trim().is_empty() || author.chars().count() > KEYWORD {
        return Err(refused(id, "author: expected a user name"));
    }
    Ok(())
}

/// What every document from the server carries besides its content.
pub(super) trait Authored {
    fn schema(&self) -> u32;
    fn author(&self) -> &str;
}

/// Every document kind has the same `schema` and `author` fields, read the same way.
macro_rules! authored {
    ($($doc:ty),+ $(,)?) => {$(
        impl $crate::bundle::couch::Authored for $doc {
            fn schema(&self) -> u32 {
                self.schema
            }
            fn author(&self) -> &str {
                &self.author
            }
        }
    )+};
}

pub(super) use authored;

authored!(CaseDoc, EventDoc);

/// A document from the server parsed by path, with its schema and author checked; with the
/// id it claims, for the refusals that follow.
pub(super) fn read_authored<T: for<'de> Deserialize<'de> + Authored>(
    doc: &serde_json::Value,
) -> Result<(String, T), Refused> {
    let id = doc
        .get("_id")
        .and_then(|v| v.as_str())
        .unwrap_or("(no _id)")
        .to_string();
    let parsed: T = parse(&id, doc)?;
    check_schema(&id, parsed.schema())?;
    check_author(&id, parsed.author())?;
    Ok((id, parsed))
}

/// A case document from the server, checked for its own shape (its id names its case, its
/// record carries no events, its log lists each event once).
pub fn read_case_doc(doc: &serde_json::Value) -> Result<CaseDoc, Refused> {
    let (id, parsed) = read_authored::<CaseDoc>(doc)?;
    let id = id.as_str();
    if parsed.id != case_doc_id(parsed.case.id) {
        return Err(refused(id, "_id: does not name the case it holds"));
    }
    if !parsed.case.events.is_empty() {
        return Err(refused(
            id,
            "case.events: expected [] (events are documents of their own)",
        ));
    }
    if parsed.events.len() > MAX_EVENTS {
        return Err(refused(id, format!("events: more than {MAX_EVENTS}")));
    }
    let mut seen = HashSet::with_capacity(parsed.events.len());
    if let Some(twice) = parsed.events.iter().find(|e| !seen.insert(**e)) {
        return Err(refused(id, format!("events: {twice} is listed twice")));
    }
    Ok(parsed)
}

/// An event document from the server, checked for its own shape (its id names its case and event).
pub fn read_event_doc(doc: &serde_json::Value) -> Result<EventDoc, Refused> {
    let (id, parsed) = read_authored::<EventDoc>(doc)?;
    if parsed.id != event_doc_id(parsed.case_id, parsed.event.id) {
        return Err(refused(
            &id,
            "_id: does not name the case and event it holds",
        ));
    }
    Ok(parsed)
}

/// The case a case document describes, with its log assembled from `events` (each the event
/// document's content, whether it came from the server or is already here), checked with every
/// rule a bundle's case passes. A log entry that neither side holds is refused: the server is
/// missing an event its case names.
pub fn assemble(doc: &CaseDoc, events: &HashMap<Uuid, EventV1>) -> Result<CaseV1, Refused> {
    let mut case = doc.case.clone();
    case.events = Vec::with_capacity(doc.events.len());
    for id in &doc.events {
        let Some(event) = events.get(id) else {
            return Err(refused(
                &doc.id,
                format!("events: {id} is listed but its document is not on the server"),
            ));
        };
        case.events.push(event.clone());
    }
    let single = BundleV1 {
        format: FORMAT.to_string(),
        version: CURRENT_VERSION,
        // Not the case's own time: that is checked as the case's, by its own path.
        exported_at: chrono::DateTime::<chrono::Utc>::UNIX_EPOCH,
        exported_by: Exporter {
            name: doc.author.clone(),
            device: "team-sync".into(),
        },
        app_version: String::new(),
        scope: Scope::Cases,
        redaction: None,
        contents: ContentsV1 {
            cases: vec![case],
            ..ContentsV1::default()
        },
    };
    let checked = super::v1_checks::check_rules(&single)
        .and_then(|()| super::v1_checks::check_values(&single));
    if let Err(error) = checked {
        let message = match error {
            BundleError::Invalid { path, reason } => {
                let path = path
                    .strip_prefix("contents.cases[0].")
                    .unwrap_or(&path)
                    .to_string();
                format!("{path}: {reason}")
            }
            other => other.to_string(),
        };
        return Err(refused(&doc.id, message));
    }
    let mut cases = single.contents.cases;
    cases
        .pop()
        .ok_or_else(|| refused(&doc.id, "the case was lost in its checks"))
}

#[cfg(all(test, not(target_arch = "wasm32")))]
#[path = "couch_tests.rs"]
mod tests;
