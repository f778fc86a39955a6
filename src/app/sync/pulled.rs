//! Merging one pulled page of case records into this device: each document checked, the events it names gathered (here, from the page, else fetched), merged with the bundle merge's rules, and the server's revision of each case recorded.

use std::collections::{HashMap, HashSet};

use leptos::prelude::*;
use serde_json::Value;
use uuid::Uuid;

use super::http::Couch;
use super::replicate::{Page, Round, RoundError, SyncProgress, bulk_get};
use crate::app::AppState;
use crate::app::exchange;
use crate::app::state::database_ready;
use crate::bundle::couch::{self as docs, DocId};
use crate::bundle::v1::EventV1;
use crate::domain::Case;
use crate::domain::merge::team::TeamConflict;
use crate::domain::merge::{self, Choice, ConflictId, Incoming};
use crate::storage::sync as progress_store;

/// Checks and merges the changed case records of a page, with the events they name that this
/// device lacks (from the page, else fetched). A refused document is reported and its case
/// left as it is here. Reads and shows only the cases the page names.
pub(super) async fn apply_cases(
    state: AppState,
    couch: &Couch,
    author: &str,
    progress: &mut SyncProgress,
    mut page: Page,
    round: &mut Round,
) -> Result<(), RoundError> {
    let mut raw_cases: Vec<Value> = Vec::with_capacity(page.touched.len());
    let mut absent: Vec<String> = Vec::new();
    for id in &page.touched {
        match page.case_docs.remove(id) {
            Some(doc) => raw_cases.push(doc),
            None => absent.push(docs::case_doc_id(*id)),
        }
    }
    raw_cases.extend(bulk_get(couch, &absent).await?);
    let mut case_docs = Vec::with_capacity(raw_cases.len());
    for raw in &raw_cases {
        match docs::read_case_doc(raw) {
            Ok(doc) => case_docs.push(doc),
            Err(refusal) => round.refused.push(refusal),
        }
    }
    // A case here the team has never seen holds its number provisionally: one arriving with
    // that number keeps it, and the case here is read too, so the merge can move it.
    let arriving: HashSet<u32> = case_docs.iter().map(|d| d.case.key.number()).collect();
    let yielding: Vec<Uuid> = state.cases.with_untracked(|all| {
        all.iter()
            .filter(|c| {
                !page.seen.contains(&c.id)
                    && !progress.cases.contains_key(&c.id)
                    && arriving.contains(&c.key.number())
            })
            .map(|c| c.id)
            .collect()
    });
    let mut to_read = page.touched.clone();
    to_read.extend(yielding.iter().copied());
    let db = database_ready().await?;
    let mut local = progress_store::read_for_sync(&db, &to_read).await?;
    let read: HashSet<Uuid> = to_read.iter().copied().collect();
    // The other cases here are known by number only, so a new case never takes one's key.
    local.numbers_elsewhere = state.cases.with_untracked(|all| {
        all.iter()
            .filter(|c| !read.contains(&c.id))
            .map(|c| c.key.number())
            .collect()
    });
    local.provisional = local
        .cases
        .iter()
        .filter(|c| !progress.cases.contains_key(&c.id))
        .map(|c| c.id)
        .collect();
    // Events: those already here, then the ones the page carried, then the rest from the server.
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
    let mut bad_cases: HashSet<Uuid> = HashSet::new();
    let mut read_event =
        |raw: &Value, events: &mut HashMap<Uuid, EventV1>| match docs::read_event_doc(raw) {
            Ok(doc) => {
                events.insert(doc.event.id, doc.event);
            }
            Err(refusal) => {
                if let DocId::Event { case, .. } = docs::doc_id(&refusal.id) {
                    bad_cases.insert(case);
                }
                round.refused.push(refusal);
            }
        };
    let mut missing: Vec<String> = Vec::new();
    for doc in &case_docs {
        for id in doc
            .events
            .iter()
            .filter(|id| !events.contains_key(id))
            .copied()
            .collect::<Vec<_>>()
        {
            let doc_id = docs::event_doc_id(doc.case.id, id);
            match progress.pending_events.remove(&doc_id) {
                Some(raw) => read_event(&raw, &mut events),
                None => missing.push(doc_id),
            }
        }
    }
    for raw in bulk_get(couch, &missing).await? {
        read_event(&raw, &mut events);
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
    for moved in &plan.renumbered {
        round.renumbered.push(format!(
            "{} made here is now {}: a teammate's {} reached the team first",
            moved.from, moved.to, moved.from
        ));
    }
    // Both sides changed a field: the server's value is kept (the first to reach the server),
    // so every device settles the same way; both changes stay in the case's log, and the value
    // set aside is raised for the team to review (keep the team's, or take it).
    let raised = TeamConflict::raised(&plan, author, crate::browser::now(), crate::browser::new_id);
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
        exchange::apply_pulled(state, &resolved).await?;
    }
    // Raised once the merge is written: a merge that failed is done again, and raises again.
    super::reviews::raise(&progress.target, raised, author, round).await?;
    // Record the server's revision of each case. A case here that is now exactly the server's
    // (same record, same log) counts as pushed; one that holds more (a change made here, merged
    // with theirs) is marked unpushed (revision 0 is never a real one), so the next push sends it.
    let here: HashMap<Uuid, Case> = state.cases.with_untracked(|all| {
        all.iter()
            .filter(|c| server_revs.contains_key(&c.id))
            .map(|c| (c.id, c.clone()))
            .collect()
    });
    for (id, (rev, server_log)) in server_revs {
        let Some(here) = here.get(&id) else { continue };
        let here_log = merged_logs
            .get(&id)
            .or_else(|| local_logs.get(&id))
            .cloned()
            .unwrap_or_default();
        let server_log: HashSet<Uuid> = server_log.into_iter().collect();
        let same = here_log == server_log
            && server_cases
                .get(&id)
                .is_some_and(|theirs| same_record(theirs, here));
        progress
            .cases
            .insert(id, (if same { here.revision } else { 0 }, rev));
    }
    Ok(())
}

/// Two case records alike in everything a person sees (revision and save time are each
/// device's own).
fn same_record(a: &Case, b: &Case) -> bool {
    let mut a = a.clone();
    a.revision = b.revision;
    a.updated_at = b.updated_at;
    a == *b
}
