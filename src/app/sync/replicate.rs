//! One round of CouchDB's replication protocol for cases: pull (`_changes` since the checkpoint, `_bulk_get` of what is missing, each document checked, merged with the bundle merge's rules) and push (`_revs_diff` and `_bulk_docs` with `new_edits=false` for events, case records on their server revision).

use std::collections::{HashMap, HashSet};

use leptos::prelude::*;
use serde_json::{Value, json};
use uuid::Uuid;

use super::http::{Couch, CouchError};
use crate::app::AppState;
use crate::app::exchange;
use crate::app::state::database_ready;
use crate::bundle::couch::{self as docs, DocId, Refused};
use crate::bundle::v1::EventV1;
use crate::domain::Case;
use crate::domain::merge::{self, Choice, ConflictId, Incoming};
use crate::storage::sync::{self as progress_store, SyncProgress};

/// Changes asked for per request, and case records pushed per request.
const PAGE: usize = 200;

/// What a round did, for the header and the tests.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Round {
    pub pulled_docs: usize,
    pub cases_changed_here: usize,
    pub pushed_cases: usize,
    pub pushed_events: usize,
    /// Fields both sides changed: the server's value was kept, and both changes stay in the log.
    pub settled_both_changed: usize,
    /// Cases whose push met a newer server revision: pulled and merged next round.
    pub push_conflicts: usize,
    /// Local cases not yet on the server after this round.
    pub waiting: usize,
    pub refused: Vec<Refused>,
    /// More changes wait on the server (the page was full).
    pub more: bool,
    /// All refusals and settled fields so far, as kept in the progress document.
    pub refused_so_far: Vec<String>,
    pub settled_so_far: u64,
}

#[derive(Debug, thiserror::Error)]
pub enum RoundError {
    #[error("{0}")]
    Couch(#[from] CouchError),
    #[error("{0}")]
    App(#[from] crate::app::AppError),
    #[error("{0}")]
    Storage(#[from] crate::storage::StorageError),
}

/// The checkpoint document this device keeps on the server.
fn checkpoint_id(device: &str) -> String {
    format!("_local/escalation-desk-{device}")
}

/// Progress for `couch`, started afresh when it was for another server or database, or when the
/// server no longer has this device's checkpoint (a server that lost its data is refilled).
pub async fn progress_for(couch: &Couch, device: &str) -> Result<SyncProgress, RoundError> {
    let db = database_ready().await?;
    let target = format!("{}{}", couch.server, couch.database);
    let mut progress = progress_store::load(&db).await?;
    if progress.target != target {
        progress = SyncProgress {
            target,
            ..SyncProgress::default()
        };
    }
    if !progress.since.is_empty() {
        match couch.get(&checkpoint_id(device)).await {
            Ok(_) => {}
            Err(CouchError::NotFound(_)) => {
                progress = SyncProgress {
                    target: progress.target,
                    ..SyncProgress::default()
                };
            }
            Err(other) => return Err(other.into()),
        }
    }
    Ok(progress)
}

/// Pulls one page of changes. A plain request, polled by the loop: pouchdb-server 4.2 ignores
/// `timeout` on a long poll that sees no change and holds it open for good.
pub async fn pull(
    state: AppState,
    couch: &Couch,
    device: &str,
    progress: &mut SyncProgress,
    round: &mut Round,
) -> Result<(), RoundError> {
    let since = if progress.since.is_empty() {
        "0".to_string()
    } else {
        String::from(js_sys::encode_uri_component(&progress.since))
    };
    let changes = couch
        .get(&format!("_changes?since={since}&limit={PAGE}"))
        .await?;
    let results = changes
        .get("results")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    round.more = results.len() >= PAGE;
    let last_seq = changes.get("last_seq").map(seq_text).unwrap_or_default();
    // The case records that changed at a revision this device does not already know.
    let mut touched: Vec<Uuid> = Vec::new();
    for change in &results {
        let Some(id) = change.get("id").and_then(Value::as_str) else {
            continue;
        };
        let rev = change
            .pointer("/changes/0/rev")
            .and_then(Value::as_str)
            .unwrap_or_default();
        if let DocId::Case(case) = docs::doc_id(id)
            && progress
                .cases
                .get(&case)
                .is_none_or(|(_, known)| known != rev)
            && !touched.contains(&case)
        {
            touched.push(case);
        }
    }
    round.pulled_docs += results.len();
    if !touched.is_empty() {
        let refused_before = round.refused.len();
        let settled_before = round.settled_both_changed;
        apply_cases(state, couch, progress, &touched, round).await?;
        progress.settled = progress
            .settled
            .saturating_add(round.settled_both_changed.saturating_sub(settled_before) as u64);
        for refusal in round.refused.iter().skip(refused_before) {
            remember_refusal(progress, refusal.to_string());
        }
    }
    // Written only when the sequence moved: an idle round costs no write on either side.
    if !last_seq.is_empty() && (last_seq != progress.since || !touched.is_empty()) {
        progress.since = last_seq.clone();
        let db = database_ready().await?;
        progress_store::save(&db, progress).await?;
        couch
            .put(
                &checkpoint_id(device),
                &checkpoint_body(couch, device, &last_seq).await,
            )
            .await?;
    }
    Ok(())
}

async fn checkpoint_body(couch: &Couch, device: &str, last_seq: &str) -> Value {
    // A `_local` document is replaced on its revision like any other.
    let current = couch.get(&checkpoint_id(device)).await.ok();
    match current.as_ref().and_then(|c| c.get("_rev")) {
        Some(rev) => json!({ "_rev": rev, "last_seq": last_seq, "device": device }),
        None => json!({ "last_seq": last_seq, "device": device }),
    }
}

/// Keeps a refusal in the progress document, once, dropping the oldest past the cap.
pub fn remember_refusal(progress: &mut SyncProgress, line: String) {
    if progress.refused.contains(&line) {
        return;
    }
    progress.refused.push(line);
    let excess = progress
        .refused
        .len()
        .saturating_sub(progress_store::MAX_REFUSED);
    progress.refused.drain(..excess);
}

fn seq_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// The documents of `ids` (`_bulk_get`), each its latest revision; ids not on the server are left out.
async fn bulk_get(couch: &Couch, ids: &[String]) -> Result<Vec<Value>, CouchError> {
    let mut found = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(PAGE) {
        let body =
            json!({ "docs": chunk.iter().map(|id| json!({ "id": id })).collect::<Vec<_>>() });
        let answer = couch.post("_bulk_get", &body).await?;
        for result in answer
            .get("results")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            for doc in result
                .get("docs")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                if let Some(ok) = doc.get("ok") {
                    found.push(ok.clone());
                }
            }
        }
    }
    Ok(found)
}

/// Fetches, checks and merges the changed case records and the events they name that this
/// device lacks. A refused document is reported and its case left as it is here.
async fn apply_cases(
    state: AppState,
    couch: &Couch,
    progress: &mut SyncProgress,
    touched: &[Uuid],
    round: &mut Round,
) -> Result<(), RoundError> {
    let local = exchange::read_for_merge(touched).await?;
    let case_ids: Vec<String> = touched.iter().map(|id| docs::case_doc_id(*id)).collect();
    let mut case_docs = Vec::new();
    for raw in bulk_get(couch, &case_ids).await? {
        match docs::read_case_doc(&raw) {
            Ok(doc) => case_docs.push(doc),
            Err(refusal) => round.refused.push(refusal),
        }
    }
    // Events: those already here, then the missing ones from the server.
    let mut events: HashMap<Uuid, EventV1> = HashMap::new();
    for log in local.events.values() {
        for e in log {
            events.insert(
                e.id,
                EventV1 {
                    id: e.id,
                    at: e.at,
                    actor: e.actor.clone(),
                    kind: e.kind.clone(),
                },
            );
        }
    }
    let missing: Vec<String> = case_docs
        .iter()
        .flat_map(|doc| {
            doc.events
                .iter()
                .filter(|id| !events.contains_key(id))
                .map(|id| docs::event_doc_id(doc.case.id, *id))
                .collect::<Vec<_>>()
        })
        .collect();
    let mut bad_cases: HashSet<Uuid> = HashSet::new();
    for raw in bulk_get(couch, &missing).await? {
        match docs::read_event_doc(&raw) {
            Ok(doc) => {
                events.insert(doc.event.id, doc.event);
            }
            Err(refusal) => {
                if let DocId::Event { case, .. } = docs::doc_id(&refusal.id) {
                    bad_cases.insert(case);
                }
                round.refused.push(refusal);
            }
        }
    }
    let mut incoming = Incoming::default();
    let mut server_revs: HashMap<Uuid, (String, Vec<Uuid>)> = HashMap::new();
    for doc in &case_docs {
        if bad_cases.contains(&doc.case.id) {
            continue;
        }
        match docs::assemble(doc, &events) {
            Ok(case) => {
                server_revs.insert(
                    doc.case.id,
                    (doc.rev.clone().unwrap_or_default(), doc.events.clone()),
                );
                incoming.cases.push(case.to_domain());
            }
            Err(refusal) => round.refused.push(refusal),
        }
    }
    if incoming.cases.is_empty() {
        return Ok(());
    }
    let server_cases: HashMap<Uuid, Case> = incoming
        .cases
        .iter()
        .map(|c| (c.case.id, c.case.clone()))
        .collect();
    let local_logs: HashMap<Uuid, HashSet<Uuid>> = local
        .events
        .iter()
        .map(|(id, log)| (*id, log.iter().map(|e| e.id).collect()))
        .collect();
    let plan = merge::plan(incoming, local);
    // Both sides changed a field: the server's value is kept (the first to reach the server),
    // so every device settles the same way; both changes stay in the case's log.
    let choices: HashMap<ConflictId, Choice> = plan
        .conflicts()
        .into_iter()
        .map(|c| (c, Choice::Theirs))
        .collect();
    round.settled_both_changed += choices.len();
    let resolved = plan
        .resolve(&choices)
        .map_err(|e| crate::app::AppError::Refused(e.to_string()))?;
    let merged_logs: HashMap<Uuid, HashSet<Uuid>> = resolved
        .cases
        .iter()
        .map(|w| (w.case.id, w.all_events.iter().map(|e| e.id).collect()))
        .collect();
    round.cases_changed_here += merged_logs.len();
    if !resolved.is_empty() {
        exchange::import(state, &resolved, &|_, _| {}).await?;
    }
    // Record the server's revision of each case. A case here that is now exactly the server's
    // (same record, same log) counts as pushed; one that holds more (a change made here, merged
    // with theirs) is marked unpushed (revision 0 is never a real one), so the next push sends it.
    for (id, (rev, server_log)) in server_revs {
        let Some(here) = state.case(id) else { continue };
        let here_log = merged_logs
            .get(&id)
            .or_else(|| local_logs.get(&id))
            .cloned()
            .unwrap_or_default();
        let server_log: HashSet<Uuid> = server_log.into_iter().collect();
        let same = here_log == server_log
            && server_cases
                .get(&id)
                .is_some_and(|theirs| same_record(theirs, &here));
        progress
            .cases
            .insert(id, (if same { here.revision } else { 0 }, rev));
    }
    Ok(())
}

/// How many cases changed here since they were last pushed: what waits for the server.
pub async fn waiting_here(state: AppState) -> usize {
    let Ok(db) = database_ready().await else {
        return 0;
    };
    let Ok(progress) = progress_store::load(&db).await else {
        return 0;
    };
    state.cases.with_untracked(|all| {
        all.iter()
            .filter(|c| {
                progress
                    .cases
                    .get(&c.id)
                    .is_none_or(|(pushed, _)| *pushed != c.revision)
            })
            .count()
    })
}

/// Two case records alike in everything a person sees (revision and save time are each
/// device's own).
fn same_record(a: &Case, b: &Case) -> bool {
    let mut a = a.clone();
    a.revision = b.revision;
    a.updated_at = b.updated_at;
    a == *b
}

/// Pushes up to a page of the cases changed here since they were last pushed: their events the
/// server lacks (`_revs_diff`, then `_bulk_docs` with `new_edits=false`, as replication does),
/// then their records on the server revision this device last saw.
pub async fn push(
    state: AppState,
    couch: &Couch,
    author: &str,
    progress: &mut SyncProgress,
    round: &mut Round,
) -> Result<(), RoundError> {
    let changed: Vec<Case> = state.cases.with_untracked(|all| {
        all.iter()
            .filter(|c| {
                progress
                    .cases
                    .get(&c.id)
                    .is_none_or(|(pushed, _)| *pushed != c.revision)
            })
            .cloned()
            .collect()
    });
    round.waiting = changed.len();
    if changed.is_empty() {
        return Ok(());
    }
    let batch: Vec<Case> = changed.into_iter().take(PAGE).collect();
    let ids: Vec<Uuid> = batch.iter().map(|c| c.id).collect();
    let local = exchange::read_for_merge(&ids).await?;
    let mut event_docs: HashMap<String, Value> = HashMap::new();
    let mut asked = serde_json::Map::new();
    for case in &batch {
        for event in local.events.get(&case.id).into_iter().flatten() {
            let doc = docs::event_doc(event, author);
            let rev = doc.rev.clone().unwrap_or_default();
            asked.insert(doc.id.clone(), json!([rev]));
            event_docs.insert(
                doc.id.clone(),
                serde_json::to_value(&doc).unwrap_or_default(),
            );
        }
    }
    if !asked.is_empty() {
        let diff = couch.post("_revs_diff", &Value::Object(asked)).await?;
        let missing: Vec<Value> = diff
            .as_object()
            .into_iter()
            .flatten()
            .filter_map(|(id, _)| event_docs.remove(id))
            .collect();
        for chunk in missing.chunks(PAGE) {
            let answer = couch
                .post("_bulk_docs", &json!({ "docs": chunk, "new_edits": false }))
                .await?;
            refusals_of(&answer, &mut round.refused);
            round.pushed_events += chunk.len();
        }
    }
    let records: Vec<Value> = batch
        .iter()
        .map(|case| {
            let log = local.events.get(&case.id).map_or(&[][..], Vec::as_slice);
            let rev = progress.cases.get(&case.id).map(|(_, rev)| rev.clone());
            serde_json::to_value(docs::case_doc(case, log, author, rev)).unwrap_or_default()
        })
        .collect();
    let answer = couch
        .post("_bulk_docs", &json!({ "docs": records }))
        .await?;
    refusals_of(&answer, &mut round.refused);
    for (case, result) in batch.iter().zip(answer.as_array().into_iter().flatten()) {
        if let Some(rev) = result.get("rev").and_then(Value::as_str)
            && result.get("error").is_none()
        {
            progress
                .cases
                .insert(case.id, (case.revision, rev.to_string()));
            round.pushed_cases += 1;
        } else if result.get("error").and_then(Value::as_str) == Some("conflict") {
            round.push_conflicts += 1;
        }
    }
    round.waiting = round.waiting.saturating_sub(round.pushed_cases);
    for refusal in &round.refused {
        remember_refusal(progress, refusal.to_string());
    }
    let db = database_ready().await?;
    progress_store::save(&db, progress).await?;
    Ok(())
}

/// Documents the server refused (its validation function says why), other than conflicts.
fn refusals_of(answer: &Value, refused: &mut Vec<Refused>) {
    for result in answer.as_array().into_iter().flatten() {
        let Some(error) = result.get("error").and_then(Value::as_str) else {
            continue;
        };
        if error == "conflict" {
            continue;
        }
        let reason = result
            .get("reason")
            .and_then(Value::as_str)
            .unwrap_or(error);
        refused.push(Refused {
            id: result
                .get("id")
                .and_then(Value::as_str)
                .unwrap_or("?")
                .chars()
                .take(200)
                .collect(),
            reason: format!(
                "the server refused it: {}",
                reason.chars().take(300).collect::<String>()
            ),
        });
    }
}
