//! Merging a teammate's records into this device's: what is new, updated, identical or in conflict, and the result once each conflict is decided.
//!
//! Case events are an append-only union by id. A case field is judged by who changed it since
//! the two copies parted: the events only one side has. If only their side touched a field, theirs
//! wins; if only mine did, mine stays; if both did (or the copies differ with no event to say
//! why), it is a conflict the specialist decides. Importing the same records twice therefore
//! changes nothing the second time: after the first, every event is on both sides.

use std::collections::{BTreeMap, HashMap, HashSet};

use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub use super::case::CaseField;
use super::case::events::{CaseEvent, timeline_order};
use super::case::{Case, CaseKey};
use super::device::OnDevice;
use super::partners::PartnerTeam;
use super::playbooks::Playbook;
use super::problem::Problem;
use super::rca::{Rca, RcaKey};
use super::templates::EmailTemplate;

mod compare;
mod decide;
pub mod team;

use compare::*;

/// One case and its whole event log, as a bundle carries it.
#[derive(Debug, Clone, PartialEq)]
pub struct CaseWithEvents {
    pub case: Case,
    pub events: Vec<CaseEvent>,
}

/// Everything an import can bring in, already validated.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Incoming {
    pub cases: Vec<CaseWithEvents>,
    pub playbooks: Vec<Playbook>,
    pub templates: Vec<EmailTemplate>,
    pub partners: Vec<PartnerTeam>,
    pub problems: Vec<Problem>,
    pub rcas: Vec<Rca>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Verdict {
    New,
    Updated,
    Identical,
    Conflict,
}

impl Verdict {
    pub fn label(self) -> &'static str {
        match self {
            Verdict::New => "new",
            Verdict::Updated => "updated",
            Verdict::Identical => "identical",
            Verdict::Conflict => "conflict",
        }
    }
}

/// How one differing field will be settled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Outcome {
    /// Only their side changed it.
    TakeTheirs,
    /// Only my side changed it.
    KeepMine,
    /// Both changed it, or nothing says who did: the specialist decides.
    Decide,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldDiff {
    pub field: CaseField,
    pub mine: String,
    pub theirs: String,
    pub outcome: Outcome,
}

/// A specialist's answer to one conflict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Choice {
    Mine,
    Theirs,
    /// Text only: both versions, mine first.
    Both,
}

#[derive(Debug, Clone, PartialEq)]
pub struct CasePlan {
    pub id: Uuid,
    /// The key it will have here.
    pub key: CaseKey,
    /// Set when their key is already used here by another case, so it arrives under a new one.
    pub rekeyed_from: Option<CaseKey>,
    pub title: String,
    pub verdict: Verdict,
    pub diffs: Vec<FieldDiff>,
    pub new_events: usize,
}

/// A case here whose provisional number a case from the team already holds (team sync): it
/// moves to `to`, so both devices name both cases alike.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Renumbered {
    pub id: Uuid,
    pub from: CaseKey,
    pub to: CaseKey,
}

/// A record merged whole (a playbook, template, partner team or problem).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum RecordKind {
    Playbook,
    Template,
    Partner,
    Problem,
    Rca,
}

impl RecordKind {
    pub fn label(self) -> &'static str {
        match self {
            RecordKind::Playbook => "Playbook",
            RecordKind::Template => "Template",
            RecordKind::Partner => "Partner team",
            RecordKind::Problem => "Problem",
            RecordKind::Rca => "RCA worksheet",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordPlan {
    pub kind: RecordKind,
    /// The record's id (a partner team's name, which is its identity).
    pub id: String,
    pub label: String,
    pub verdict: Verdict,
    /// One line per difference, for the preview.
    pub changes: Vec<String>,
}

/// The dry run: what an import would do, before anything is written.
#[derive(Debug, Clone, PartialEq)]
pub struct MergePlan {
    pub cases: Vec<CasePlan>,
    /// Cases here that give their provisional number to an arriving one (team sync only).
    pub renumbered: Vec<Renumbered>,
    pub records: Vec<RecordPlan>,
    incoming: Incoming,
    local_cases: HashMap<Uuid, Case>,
    local_events: HashMap<Uuid, Vec<CaseEvent>>,
    local_playbooks: HashMap<Uuid, Playbook>,
    local_templates: Vec<EmailTemplate>,
    local_partners: Vec<PartnerTeam>,
    local_problems: HashMap<Uuid, Problem>,
    local_rcas: HashMap<Uuid, Rca>,
    /// The key each new incoming worksheet will have here.
    rca_keys: HashMap<Uuid, RcaKey>,
    next_case_number: u32,
    /// The next case number as stored when the preview read it.
    read_next_case_number: u32,
}

/// How many records of each verdict, for the preview's summary line.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub new: usize,
    pub updated: usize,
    pub identical: usize,
    pub conflict: usize,
}

impl Counts {
    fn add(&mut self, verdict: Verdict) {
        match verdict {
            Verdict::New => self.new += 1,
            Verdict::Updated => self.updated += 1,
            Verdict::Identical => self.identical += 1,
            Verdict::Conflict => self.conflict += 1,
        }
    }
}

/// Which conflict a choice answers: a case field, or a whole record.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ConflictId {
    Case(Uuid, CaseField),
    Record(RecordKind, String),
}

/// A case as it will be written, with what the log needs.
#[derive(Debug, Clone, PartialEq)]
pub struct CaseWrite {
    /// The revision read when planning; `None` for a case new to this device.
    pub expected_revision: Option<u64>,
    pub case: Case,
    /// Events this device did not have.
    pub new_events: Vec<CaseEvent>,
    /// The whole merged log in timeline order, from which search text and clocks are rebuilt.
    pub all_events: Vec<CaseEvent>,
}

/// Everything an import writes, once every conflict has an answer.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct MergeResult {
    pub cases: Vec<CaseWrite>,
    pub playbooks: Vec<Playbook>,
    /// The whole library and directory after the merge, or `None` when unchanged.
    pub templates: Option<Vec<EmailTemplate>>,
    pub partners: Option<Vec<PartnerTeam>>,
    pub problems: Vec<Problem>,
    /// Worksheets to put; a new one whose key is taken here has been given the next free key.
    pub rcas: Vec<Rca>,
    /// What the next new case's number must be at least, so no later key collides.
    pub next_case_number: u32,
    /// What the preview read, for the write to check that nothing moved since.
    pub expected: Expected,
}

/// What a preview read of the records an import writes. The write re-reads each inside its
/// transaction and writes nothing if any differs: another tab may have saved meanwhile, and
/// the person decided on what they were shown, not on what is there now.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Expected {
    /// Each playbook and problem the import writes, by id, with its label and the revision the
    /// preview saw (`None`: absent then).
    pub playbooks: Vec<(Uuid, String, Option<u64>)>,
    pub problems: Vec<(Uuid, String, Option<u64>)>,
    /// Every worksheet on the device when previewed, id to revision: new worksheets were given
    /// keys free among exactly these, so any change to the set may make a key collide. `None`:
    /// the write was decided without reading the worksheets (a template or partner-team removal
    /// pulled through team sync), so they are not compared.
    pub rcas: Option<HashMap<Uuid, u64>>,
    /// The library and directory the preview compared with, when the import replaces them.
    pub templates: Option<Vec<EmailTemplate>>,
    pub partners: Option<Vec<PartnerTeam>>,
    /// The next case number the preview read, when new cases were given keys from it.
    pub next_case_number: Option<u32>,
}

impl MergeResult {
    pub fn is_empty(&self) -> bool {
        self.cases.is_empty()
            && self.playbooks.is_empty()
            && self.templates.is_none()
            && self.partners.is_none()
            && self.problems.is_empty()
            && self.rcas.is_empty()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MergeError {
    #[error("{count} conflict(s) still need a choice, starting with {first}")]
    Undecided { count: usize, first: String },
    #[error("{field} of {key}: keeping both only works for text")]
    BothNotText { key: String, field: &'static str },
}

/// Compares the incoming records with this device's and says what an import would do.
pub fn plan(incoming: Incoming, local: OnDevice) -> MergePlan {
    let read_next_case_number = local.next_case_number;
    let local_cases: HashMap<Uuid, Case> = local.cases.into_iter().map(|c| (c.id, c)).collect();
    // Looked up once per new incoming case: a scan of every local case each time made a
    // sync's first pull of 10k cases quadratic.
    let local_numbers: HashSet<u32> = local_cases
        .values()
        .map(|c| c.key.number())
        .chain(local.numbers_elsewhere.iter().copied())
        .collect();
    let mut used_numbers: HashSet<u32> = local_numbers.clone();
    let mut next_number = local
        .next_case_number
        .max(used_numbers.iter().max().map_or(0, |n| n + 1));
    let mut cases = Vec::with_capacity(incoming.cases.len());
    // Keys in the bundle that are not taken here are kept, so teammates keep saying the same
    // ESC number; only a real collision moves a case to a fresh key.
    for theirs in &incoming.cases {
        if !local_cases.contains_key(&theirs.case.id) {
            used_numbers.insert(theirs.case.key.number());
        }
    }
    // A provisional number here (a case the team has not seen) is given up to the team's case
    // that holds it; the case here is renumbered below. Only a case this read holds can move.
    let incoming_ids: HashSet<Uuid> = incoming.cases.iter().map(|c| c.case.id).collect();
    let mut yielding: HashMap<u32, Uuid> = local_cases
        .values()
        .filter(|c| local.provisional.contains(&c.id) && !incoming_ids.contains(&c.id))
        .map(|c| (c.key.number(), c.id))
        .collect();
    let mut renumbered = Vec::new();
    let mut taken_by_incoming: HashSet<u32> = HashSet::new();
    for theirs in &incoming.cases {
        let plan = match local_cases.get(&theirs.case.id) {
            None => {
                let wanted = theirs.case.key.number();
                let first_to_want = taken_by_incoming.insert(wanted);
                let yielded = if first_to_want {
                    yielding.remove(&wanted)
                } else {
                    None
                };
                if let Some(mine) = yielded.and_then(|id| local_cases.get(&id)) {
                    while used_numbers.contains(&next_number) {
                        next_number = next_number.saturating_add(1);
                    }
                    used_numbers.insert(next_number);
                    renumbered.push(Renumbered {
                        id: mine.id,
                        from: mine.key.clone(),
                        to: CaseKey::from_number(next_number),
                    });
                }
                let collides =
                    !first_to_want || (local_numbers.contains(&wanted) && yielded.is_none());
                let (key, rekeyed_from) = if collides {
                    while used_numbers.contains(&next_number) {
                        next_number = next_number.saturating_add(1);
                    }
                    used_numbers.insert(next_number);
                    taken_by_incoming.insert(next_number);
                    (
                        CaseKey::from_number(next_number),
                        Some(theirs.case.key.clone()),
                    )
                } else {
                    (theirs.case.key.clone(), None)
                };
                CasePlan {
                    id: theirs.case.id,
                    key,
                    rekeyed_from,
                    title: theirs.case.title.clone(),
                    verdict: Verdict::New,
                    diffs: Vec::new(),
                    new_events: theirs.events.len(),
                }
            }
            Some(mine) => {
                let mine_events = local.events.get(&mine.id).map(Vec::as_slice).unwrap_or(&[]);
                compare_case(mine, mine_events, theirs)
            }
        };
        cases.push(plan);
    }
    let local_playbooks: HashMap<Uuid, Playbook> =
        local.playbooks.into_iter().map(|p| (p.id, p)).collect();
    let local_problems: HashMap<Uuid, Problem> =
        local.problems.into_iter().map(|p| (p.id, p)).collect();
    let mut records = Vec::new();
    for theirs in &incoming.playbooks {
        records.push(compare_playbook(local_playbooks.get(&theirs.id), theirs));
    }
    for theirs in &incoming.templates {
        let mine = local.templates.iter().find(|t| t.id == theirs.id);
        records.push(compare_whole(
            RecordKind::Template,
            theirs.id.clone(),
            theirs.name.clone(),
            mine,
            theirs,
        ));
    }
    for theirs in &incoming.partners {
        let mine = local
            .partners
            .iter()
            .find(|t| t.name.eq_ignore_ascii_case(&theirs.name));
        records.push(compare_whole(
            RecordKind::Partner,
            theirs.name.clone(),
            theirs.name.clone(),
            mine,
            theirs,
        ));
    }
    for theirs in &incoming.problems {
        // The revision is this device's bookkeeping (a write bumps it), not something a person
        // changed: compared with it, importing the same file twice found a conflict.
        let mine = local_problems.get(&theirs.id).map(|m| Problem {
            revision: theirs.revision,
            ..m.clone()
        });
        records.push(compare_whole(
            RecordKind::Problem,
            theirs.id.to_string(),
            format!("{} {}", theirs.key, theirs.title),
            mine.as_ref(),
            theirs,
        ));
    }
    let local_rcas: HashMap<Uuid, Rca> = local.rcas.into_iter().map(|r| (r.id, r)).collect();
    // A new worksheet whose key is taken here (or by another incoming one) arrives under the
    // next free key, as a new case does; the preview says so.
    let mut rca_keys: HashMap<Uuid, RcaKey> = HashMap::new();
    let mut taken: HashSet<u32> = local_rcas.values().map(|r| r.key.0).collect();
    let mut next_rca = taken.iter().max().map_or(1, |n| n + 1);
    for theirs in incoming
        .rcas
        .iter()
        .filter(|r| !local_rcas.contains_key(&r.id))
    {
        let key = if taken.insert(theirs.key.0) {
            theirs.key
        } else {
            while taken.contains(&next_rca) {
                next_rca += 1;
            }
            taken.insert(next_rca);
            RcaKey(next_rca)
        };
        rca_keys.insert(theirs.id, key);
    }
    for theirs in &incoming.rcas {
        let label = match rca_keys.get(&theirs.id) {
            Some(key) if *key != theirs.key => format!(
                "{} {} (arrives as {key}: {} is taken here)",
                theirs.key, theirs.content.title, theirs.key
            ),
            _ => format!("{} {}", theirs.key, theirs.content.title),
        };
        // Revision and key are this device's bookkeeping (a teammate's RCA-3 may be RCA-7
        // here); only what a person wrote can conflict.
        let mine = local_rcas.get(&theirs.id).map(|m| Rca {
            revision: theirs.revision,
            key: theirs.key,
            ..m.clone()
        });
        records.push(compare_whole(
            RecordKind::Rca,
            theirs.id.to_string(),
            label,
            mine.as_ref(),
            theirs,
        ));
    }
    MergePlan {
        cases,
        renumbered,
        records,
        incoming,
        local_cases,
        local_events: local.events,
        local_playbooks,
        local_templates: local.templates,
        local_partners: local.partners,
        local_problems,
        local_rcas,
        rca_keys,
        next_case_number: next_number,
        read_next_case_number,
    }
}

// proptest is native-only, so the whole table lives behind the same gate.
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests;
