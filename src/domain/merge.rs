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
use super::case::{Case, CaseKey};
use super::events::{CaseEvent, timeline_order};
use super::partners::PartnerTeam;
use super::playbooks::Playbook;
use super::problem::Problem;
use super::rca::{Rca, RcaKey};
use super::templates::EmailTemplate;

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

/// What this device holds. `events` needs only the cases the bundle also carries.
#[derive(Debug, Clone, Default)]
pub struct Local {
    pub cases: Vec<Case>,
    pub events: HashMap<Uuid, Vec<CaseEvent>>,
    pub playbooks: Vec<Playbook>,
    pub templates: Vec<EmailTemplate>,
    pub partners: Vec<PartnerTeam>,
    pub problems: Vec<Problem>,
    pub rcas: Vec<Rca>,
    /// The number the next locally created case would get.
    pub next_case_number: u32,
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
    /// keys free among exactly these, so any change to the set may make a key collide.
    pub rcas: HashMap<Uuid, u64>,
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
pub fn plan(incoming: Incoming, local: Local) -> MergePlan {
    let read_next_case_number = local.next_case_number;
    let local_cases: HashMap<Uuid, Case> = local.cases.into_iter().map(|c| (c.id, c)).collect();
    let mut used_numbers: HashSet<u32> = local_cases.values().map(|c| c.key.number()).collect();
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
    let mut taken_by_incoming: HashSet<u32> = HashSet::new();
    for theirs in &incoming.cases {
        let plan = match local_cases.get(&theirs.case.id) {
            None => {
                let wanted = theirs.case.key.number();
                let collides = local_cases.values().any(|c| c.key.number() == wanted)
                    || !taken_by_incoming.insert(wanted);
                let (key, rekeyed_from) = if collides {
                    while used_numbers.contains(&next_number) {
                        next_number += 1;
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

fn compare_case(mine: &Case, mine_events: &[CaseEvent], theirs: &CaseWithEvents) -> CasePlan {
    let mine_ids: HashSet<Uuid> = mine_events.iter().map(|e| e.id).collect();
    let their_ids: HashSet<Uuid> = theirs.events.iter().map(|e| e.id).collect();
    let touched = |events: &[CaseEvent], other: &HashSet<Uuid>| -> HashSet<CaseField> {
        events
            .iter()
            .filter(|e| !other.contains(&e.id))
            .flat_map(|e| CaseField::touched_by(&e.kind).iter().copied())
            .collect()
    };
    let mine_touched = touched(mine_events, &their_ids);
    let theirs_touched = touched(&theirs.events, &mine_ids);
    let new_events = theirs
        .events
        .iter()
        .filter(|e| !mine_ids.contains(&e.id))
        .count();
    let diffs: Vec<FieldDiff> = CaseField::ALL
        .into_iter()
        .filter(|f| !f.same(mine, &theirs.case))
        .map(|field| {
            let outcome = match (
                mine_touched.contains(&field),
                theirs_touched.contains(&field),
            ) {
                (false, true) => Outcome::TakeTheirs,
                (true, false) => Outcome::KeepMine,
                _ => Outcome::Decide,
            };
            FieldDiff {
                field,
                mine: field.show(mine),
                theirs: field.show(&theirs.case),
                outcome,
            }
        })
        .collect();
    let verdict = if diffs.iter().any(|d| d.outcome == Outcome::Decide) {
        Verdict::Conflict
    } else if new_events > 0 || diffs.iter().any(|d| d.outcome == Outcome::TakeTheirs) {
        Verdict::Updated
    } else {
        Verdict::Identical
    };
    CasePlan {
        id: mine.id,
        key: mine.key.clone(),
        rekeyed_from: None,
        title: mine.title.clone(),
        verdict,
        diffs,
        new_events,
    }
}

fn compare_playbook(mine: Option<&Playbook>, theirs: &Playbook) -> RecordPlan {
    let label = theirs
        .versions
        .last()
        .map(|v| v.content.title.clone())
        .unwrap_or_default();
    let record = |verdict, changes| RecordPlan {
        kind: RecordKind::Playbook,
        id: theirs.id.to_string(),
        label: label.clone(),
        verdict,
        changes,
    };
    let Some(mine) = mine else {
        return record(
            Verdict::New,
            vec![format!("{} version(s)", theirs.versions.len())],
        );
    };
    if mine == theirs {
        return record(Verdict::Identical, Vec::new());
    }
    let (m, t) = (&mine.versions, &theirs.versions);
    // Versions are append-only, so one history extending the other is a plain update.
    if mine.archived == theirs.archived && t.len() > m.len() && t.starts_with(m) {
        let added = t
            .iter()
            .skip(m.len())
            .map(|v| format!("adds version {} by {}: {}", v.number, v.author, v.note))
            .collect();
        return record(Verdict::Updated, added);
    }
    if mine.archived == theirs.archived && m.len() >= t.len() && m.starts_with(t) {
        return record(
            Verdict::Identical,
            vec!["this device already has every version".into()],
        );
    }
    let mut changes = Vec::new();
    if mine.archived != theirs.archived {
        changes.push(format!(
            "archived: mine {}, theirs {}",
            yes_no(mine.archived),
            yes_no(theirs.archived)
        ));
    }
    if !t.starts_with(m) && !m.starts_with(t) {
        changes.push(format!(
            "the version histories differ: mine has {}, theirs {}",
            m.len(),
            t.len()
        ));
    }
    record(Verdict::Conflict, changes)
}

fn yes_no(value: bool) -> &'static str {
    if value { "yes" } else { "no" }
}

fn compare_whole<T: PartialEq + Serialize>(
    kind: RecordKind,
    id: String,
    label: String,
    mine: Option<&T>,
    theirs: &T,
) -> RecordPlan {
    let (verdict, changes) = match mine {
        None => (Verdict::New, Vec::new()),
        Some(mine) if mine == theirs => (Verdict::Identical, Vec::new()),
        Some(mine) => (Verdict::Conflict, json_differences(mine, theirs)),
    };
    RecordPlan {
        kind,
        id,
        label,
        verdict,
        changes,
    }
}

/// "field: mine → theirs" for each top-level field that differs.
fn json_differences<T: Serialize>(mine: &T, theirs: &T) -> Vec<String> {
    let (Ok(serde_json::Value::Object(m)), Ok(serde_json::Value::Object(t))) =
        (serde_json::to_value(mine), serde_json::to_value(theirs))
    else {
        return vec!["the records differ".into()];
    };
    let mut keys: Vec<&String> = m.keys().chain(t.keys()).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .filter(|k| m.get(*k) != t.get(*k))
        .map(|k| {
            let show = |v: Option<&serde_json::Value>| match v {
                Some(serde_json::Value::String(s)) => clip(s),
                Some(other) => clip(&other.to_string()),
                None => "—".into(),
            };
            format!("{k}: mine {} → theirs {}", show(m.get(k)), show(t.get(k)))
        })
        .collect()
}

fn clip(text: &str) -> String {
    const MAX: usize = 80;
    if text.chars().count() <= MAX {
        text.to_string()
    } else {
        text.chars().take(MAX).collect::<String>() + "…"
    }
}

impl MergePlan {
    pub fn case_counts(&self) -> Counts {
        let mut counts = Counts::default();
        self.cases.iter().for_each(|c| counts.add(c.verdict));
        counts
    }

    pub fn record_counts(&self) -> BTreeMap<RecordKind, Counts> {
        let mut counts: BTreeMap<RecordKind, Counts> = BTreeMap::new();
        for r in &self.records {
            counts.entry(r.kind).or_default().add(r.verdict);
        }
        counts
    }

    /// Every decision the specialist must make, in the order the review shows them.
    pub fn conflicts(&self) -> Vec<ConflictId> {
        let fields = self.cases.iter().flat_map(|c| {
            c.diffs
                .iter()
                .filter(|d| d.outcome == Outcome::Decide)
                .map(|d| ConflictId::Case(c.id, d.field))
        });
        let records = self
            .records
            .iter()
            .filter(|r| r.verdict == Verdict::Conflict)
            .map(|r| ConflictId::Record(r.kind, r.id.clone()));
        fields.chain(records).collect()
    }

    /// True when the import would write nothing at all.
    pub fn changes_nothing(&self) -> bool {
        self.cases.iter().all(|c| c.verdict == Verdict::Identical)
            && self.records.iter().all(|r| r.verdict == Verdict::Identical)
    }

    /// Applies the specialist's choices and returns exactly what to write.
    /// Every conflict needs a choice; nothing is guessed.
    pub fn resolve(
        &self,
        choices: &HashMap<ConflictId, Choice>,
    ) -> Result<MergeResult, MergeError> {
        let missing: Vec<ConflictId> = self
            .conflicts()
            .into_iter()
            .filter(|c| !choices.contains_key(c))
            .collect();
        if let Some(first) = missing.first() {
            return Err(MergeError::Undecided {
                count: missing.len(),
                first: self.describe(first),
            });
        }
        let mut result = MergeResult {
            next_case_number: self.next_case_number,
            ..MergeResult::default()
        };
        for (plan, theirs) in self.cases.iter().zip(&self.incoming.cases) {
            if plan.verdict == Verdict::Identical {
                continue;
            }
            result.next_case_number = result.next_case_number.max(plan.key.number() + 1);
            let Some(mine) = self.local_cases.get(&plan.id) else {
                let mut case = theirs.case.clone();
                case.key = plan.key.clone();
                let mut all_events = theirs.events.clone();
                all_events.sort_by(timeline_order);
                result.cases.push(CaseWrite {
                    expected_revision: None,
                    case,
                    new_events: all_events.clone(),
                    all_events,
                });
                continue;
            };
            let mut merged = mine.clone();
            for diff in &plan.diffs {
                let choice = match diff.outcome {
                    Outcome::TakeTheirs => Choice::Theirs,
                    Outcome::KeepMine => Choice::Mine,
                    // Every conflict has a choice (checked above); none would keep mine.
                    Outcome::Decide => choices
                        .get(&ConflictId::Case(plan.id, diff.field))
                        .copied()
                        .unwrap_or(Choice::Mine),
                };
                match choice {
                    Choice::Mine => {}
                    Choice::Theirs => diff.field.copy(&mut merged, &theirs.case),
                    Choice::Both => keep_both(&mut merged, mine, &theirs.case, diff.field)
                        .map_err(|field| MergeError::BothNotText {
                            key: plan.key.to_string(),
                            field,
                        })?,
                }
            }
            let mine_events = self.local_events.get(&plan.id).cloned().unwrap_or_default();
            let known: HashSet<Uuid> = mine_events.iter().map(|e| e.id).collect();
            let new_events: Vec<CaseEvent> = theirs
                .events
                .iter()
                .filter(|e| !known.contains(&e.id))
                .cloned()
                .collect();
            if merged == *mine && new_events.is_empty() {
                continue;
            }
            merged.updated_at = mine.updated_at.max(theirs.case.updated_at);
            merged.revision = mine.revision.max(theirs.case.revision) + 1;
            let mut all_events = mine_events;
            all_events.extend(new_events.iter().cloned());
            all_events.sort_by(timeline_order);
            result.cases.push(CaseWrite {
                expected_revision: Some(mine.revision),
                case: merged,
                new_events,
                all_events,
            });
        }
        let mut templates = self.local_templates.clone();
        let mut partners = self.local_partners.clone();
        let (mut templates_changed, mut partners_changed) = (false, false);
        for record in &self.records {
            let take_theirs = match record.verdict {
                Verdict::Identical => false,
                Verdict::New | Verdict::Updated => true,
                Verdict::Conflict => {
                    choices.get(&ConflictId::Record(record.kind, record.id.clone()))
                        == Some(&Choice::Theirs)
                }
            };
            if !take_theirs {
                continue;
            }
            match record.kind {
                RecordKind::Playbook => {
                    if let Some(p) = self
                        .incoming
                        .playbooks
                        .iter()
                        .find(|p| p.id.to_string() == record.id)
                    {
                        let mut p = p.clone();
                        // A later local save must see a revision above both sides'.
                        let mine = self.local_playbooks.get(&p.id).map_or(0, |m| m.revision);
                        p.revision = p.revision.max(mine) + 1;
                        result.playbooks.push(p);
                    }
                }
                RecordKind::Template => {
                    if let Some(t) = self.incoming.templates.iter().find(|t| t.id == record.id) {
                        match templates.iter_mut().find(|m| m.id == t.id) {
                            Some(slot) => *slot = t.clone(),
                            None => templates.push(t.clone()),
                        }
                        templates_changed = true;
                    }
                }
                RecordKind::Partner => {
                    if let Some(t) = self.incoming.partners.iter().find(|t| t.name == record.id) {
                        match partners
                            .iter_mut()
                            .find(|m| m.name.eq_ignore_ascii_case(&t.name))
                        {
                            Some(slot) => *slot = t.clone(),
                            None => partners.push(t.clone()),
                        }
                        partners_changed = true;
                    }
                }
                RecordKind::Problem => {
                    if let Some(p) = self
                        .incoming
                        .problems
                        .iter()
                        .find(|p| p.id.to_string() == record.id)
                    {
                        let mut p = p.clone();
                        let mine = self.local_problems.get(&p.id).map_or(0, |m| m.revision);
                        p.revision = p.revision.max(mine) + 1;
                        result.problems.push(p);
                    }
                }
                RecordKind::Rca => {
                    if let Some(r) = self
                        .incoming
                        .rcas
                        .iter()
                        .find(|r| r.id.to_string() == record.id)
                    {
                        let mut r = r.clone();
                        match self.local_rcas.get(&r.id) {
                            Some(mine) => {
                                r.revision = r.revision.max(mine.revision) + 1;
                                // Teammates keep calling it by the key this device knows it by.
                                r.key = mine.key;
                            }
                            None => r.revision += 1,
                        }
                        result.rcas.push(r);
                    }
                }
            }
        }
        for r in result.rcas.iter_mut() {
            if let Some(key) = self.rca_keys.get(&r.id) {
                r.key = *key;
            }
        }
        result.templates = templates_changed.then_some(templates);
        result.partners = partners_changed.then_some(partners);
        let seen =
            |id: &Uuid, revision: Option<u64>, label: &str| (*id, label.to_string(), revision);
        result.expected = Expected {
            playbooks: result
                .playbooks
                .iter()
                .map(|p| {
                    let label = p.current().title.clone();
                    seen(
                        &p.id,
                        self.local_playbooks.get(&p.id).map(|m| m.revision),
                        &label,
                    )
                })
                .collect(),
            problems: result
                .problems
                .iter()
                .map(|p| {
                    let label = format!("{} {}", p.key, p.title);
                    seen(
                        &p.id,
                        self.local_problems.get(&p.id).map(|m| m.revision),
                        &label,
                    )
                })
                .collect(),
            rcas: self
                .local_rcas
                .iter()
                .map(|(id, r)| (*id, r.revision))
                .collect(),
            templates: templates_changed.then(|| self.local_templates.clone()),
            partners: partners_changed.then(|| self.local_partners.clone()),
            next_case_number: result
                .cases
                .iter()
                .any(|c| c.expected_revision.is_none())
                .then_some(self.read_next_case_number),
        };
        Ok(result)
    }

    /// A conflict in words: "ESC-1042 Title" or "Template Payout delay".
    pub fn describe(&self, conflict: &ConflictId) -> String {
        match conflict {
            ConflictId::Case(id, field) => {
                let key = self
                    .cases
                    .iter()
                    .find(|c| c.id == *id)
                    .map(|c| c.key.to_string())
                    .unwrap_or_else(|| id.to_string());
                format!("{key} {}", field.label().to_lowercase())
            }
            ConflictId::Record(kind, id) => {
                let label = self
                    .records
                    .iter()
                    .find(|r| r.kind == *kind && &r.id == id)
                    .map(|r| r.label.clone())
                    .unwrap_or_else(|| id.clone());
                format!("{} {label}", kind.label().to_lowercase())
            }
        }
    }
}

/// Both texts, mine first, marked so a reader sees where theirs begins.
fn keep_both(
    merged: &mut Case,
    mine: &Case,
    theirs: &Case,
    field: CaseField,
) -> Result<(), &'static str> {
    match field {
        CaseField::Title => {
            merged.title = format!("{} / {}", mine.title, theirs.title);
            Ok(())
        }
        CaseField::Resolution => {
            merged.resolution = match (&mine.resolution, &theirs.resolution) {
                (Some(m), Some(t)) => Some(format!("{m}\n\n— from the imported copy —\n{t}")),
                (m, t) => m.clone().or_else(|| t.clone()),
            };
            Ok(())
        }
        other => Err(other.label()),
    }
}

// proptest is native-only, so the whole table lives behind the same gate.
#[cfg(all(test, not(target_arch = "wasm32")))]
#[path = "merge_tests.rs"]
mod tests;
