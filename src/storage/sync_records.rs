//! Team sync's whole records on this device: what a pulled record merges against (every playbook, template, partner team, problem and worksheet, read in one transaction) and the copies set aside when a teammate's version of a record reached the team first.

use chrono::{DateTime, Utc};
use indexed_db_futures::database::Database;
use indexed_db_futures::transaction::Transaction;
use serde::{Deserialize, Serialize};

use super::StorageError;
use super::cases::{read_all, read_next_number};
use super::meta_json::{read_meta_json, update_meta_json};
use super::records::{decode_all, decode_playbook, decode_problem, decode_rca};
use super::schema::{META, PLAYBOOKS, PROBLEMS, RCAS};
use super::settings::{PARTNERS, SLA_SETTINGS, TEAM_SETTINGS, TEMPLATES, read_document};
use super::transactions::begin;
use crate::domain::device::OnDevice;
use crate::domain::partners::PartnerDirectory;
use crate::domain::settings::TeamSettings;
use crate::domain::sla::SlaSettings;
use crate::domain::templates::TemplateLibrary;

const SYNC_SET_ASIDE: &str = "sync_set_aside";
/// Where a set-aside record that could not be read is kept, as it was, before the list starts
/// afresh: it may hold the only copy of someone's version, so it is never overwritten.
pub const SYNC_SET_ASIDE_UNREADABLE: &str = "sync_set_aside_unreadable";
/// Copies kept at most; past it the oldest go first (each is also in the snapshot taken
/// before any import, and in a full backup).
pub const MAX_SET_ASIDE: usize = 200;

/// One record's version from this device, set aside because a teammate's reached the team first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SetAside {
    /// The record's document id (`rec:<kind>:<id>`): one copy per record, the latest.
    pub doc_id: String,
    /// What the record is called, and its kind in words, for the list.
    pub label: String,
    pub kind: String,
    /// Who wrote the version that was kept.
    pub kept_from: String,
    pub at: DateTime<Utc>,
    /// The record as it was here, as its document carries it; read through the same checks as
    /// the server's before it is restored (a stored record is untrusted too).
    pub mine: serde_json::Value,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct StoredSetAside {
    /// Which server and database these are for.
    pub target: String,
    /// Oldest first.
    pub items: Vec<SetAside>,
}

/// The copies set aside here; none when there are none or they cannot be read.
pub async fn load_set_aside(db: &Database) -> Result<StoredSetAside, StorageError> {
    read_meta_json(db, SYNC_SET_ASIDE).await
}

/// Reads the set-aside copies, changes them with `change` and writes them back in one
/// transaction (the syncing tab adds, any tab restores or discards).
pub async fn update_set_aside(
    db: &Database,
    change: impl FnOnce(&mut StoredSetAside),
) -> Result<StoredSetAside, StorageError> {
    update_meta_json(db, SYNC_SET_ASIDE, SYNC_SET_ASIDE_UNREADABLE, |stored| {
        change(stored);
        let excess = stored.items.len().saturating_sub(MAX_SET_ASIDE);
        stored.items.drain(..excess);
    })
    .await
}

/// Every whole record here, the team and SLA settings and the numbering, in one transaction:
/// what pulled records are decided on and merged against.
pub async fn read_records_for_sync(db: &Database) -> Result<OnDevice, StorageError> {
    let tx = begin(db, WHOLE_RECORD_STORES)?;
    read_whole_records(&tx).await
}

/// The stores [`read_whole_records`] reads; a transaction passed to it must cover them.
const WHOLE_RECORD_STORES: [&str; 4] = [PLAYBOOKS, PROBLEMS, RCAS, META];

/// Reads every playbook, problem, worksheet, the template library, the partner directory, the
/// numbering and both settings documents in `tx`, the records part of an [`OnDevice`] (no cases).
/// Shared by the import's merge and team sync. A record that cannot be read is an error, not
/// left out: a merge or a pulled version written over it could drop what it holds.
pub(super) async fn read_whole_records(tx: &Transaction<'_>) -> Result<OnDevice, StorageError> {
    let (playbook_keys, playbook_values) = read_all(&tx.object_store(PLAYBOOKS)?).await?;
    let (problem_keys, problem_values) = read_all(&tx.object_store(PROBLEMS)?).await?;
    let (rca_keys, rca_values) = read_all(&tx.object_store(RCAS)?).await?;
    let playbooks = decode_all(&playbook_keys, &playbook_values, decode_playbook);
    let problems = decode_all(&problem_keys, &problem_values, decode_problem);
    let rcas = decode_all(&rca_keys, &rca_values, decode_rca);
    if let Some(first) = playbooks
        .unreadable
        .into_iter()
        .chain(problems.unreadable)
        .chain(rcas.unreadable)
        .next()
    {
        return Err(first);
    }
    let meta = tx.object_store(META)?;
    let templates = read_document::<TemplateLibrary>(&meta, TEMPLATES).await?;
    let partners = read_document::<PartnerDirectory>(&meta, PARTNERS).await?;
    let next_case_number = read_next_number(&meta).await?;
    let team = read_document::<TeamSettings>(&meta, TEAM_SETTINGS).await?;
    let sla = read_document::<SlaSettings>(&meta, SLA_SETTINGS).await?;
    Ok(OnDevice {
        playbooks: playbooks.items,
        templates: templates.templates,
        partners: partners.teams,
        problems: problems.items,
        rcas: rcas.items,
        team,
        sla,
        next_case_number,
        ..OnDevice::default()
    })
}
