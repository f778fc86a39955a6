//! Team sync's documents for whole records (playbooks, templates, partner teams, problems, RCA worksheets): their ids, a content hash that ignores what each device numbers its own way, the checks every one from the server passes, and what a pulled one does to the copy here.
//!
//! Unlike a case (merged field by field from its log), these records are merged whole, as a
//! bundle import merges them. Each is one document `rec:<kind>:<id>` on CouchDB's own
//! revisions. A device remembers, per document, the content hash last agreed with the server
//! (pushed or pulled), so it can tell "changed here since" from "changed there since": the
//! base a bundle never has. When both changed, the version that reached the server first stays
//! (every device settles alike) and the one from here is set aside in a review the whole team
//! sees (`couch_record_review`), for anyone to keep the team's or take it back: nothing typed is
//! lost quietly.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::couch::{DOC_SCHEMA, Refused, authored, read_authored, refused};
use super::v1::{
    BundleV1, ContentsV1, Exporter, PartnerV1, PlaybookV1, Scope, SettingsV1, TemplateV1,
};
use super::{BundleError, CURRENT_VERSION, FORMAT};
use crate::domain::device::OnDevice;
use crate::domain::merge::{Incoming, RecordKind};
use crate::domain::partners::PartnerTeam;
use crate::domain::playbooks::Playbook;
use crate::domain::problem::Problem;
use crate::domain::rca::{Rca, RcaKey};
use crate::domain::settings::TeamSettings;
use crate::domain::sla::SlaSettings;
use crate::domain::templates::EmailTemplate;

pub const RECORD_PREFIX: &str = "rec:";

/// One record as the server holds it, tagged with its kind.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum RecordV1 {
    Playbook(PlaybookV1),
    Template(TemplateV1),
    Partner(PartnerV1),
    Problem(Problem),
    /// Boxed: a worksheet is several times the size of every other record.
    Rca(Box<Rca>),
    /// The team's shared settings (matrix, product areas, scoping rules, root-cause categories):
    /// one document, `rec:team_settings:team`.
    TeamSettings(Box<TeamSettings>),
    /// SLA policies, calendars and their change log: one document, `rec:sla_settings:sla`.
    SlaSettings(Box<SlaSettings>),
}

/// What kind of record a document holds: the bundle merge's kinds, and the two settings
/// documents a bundle carries only for a restore.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SyncedKind {
    Record(RecordKind),
    TeamSettings,
    SlaSettings,
}

impl SyncedKind {
    pub fn label(self) -> &'static str {
        match self {
            SyncedKind::Record(kind) => kind.label(),
            SyncedKind::TeamSettings => "Team settings",
            SyncedKind::SlaSettings => "SLA settings",
        }
    }

    fn slug(self) -> &'static str {
        match self {
            SyncedKind::Record(RecordKind::Playbook) => "playbook",
            SyncedKind::Record(RecordKind::Template) => "template",
            SyncedKind::Record(RecordKind::Partner) => "partner",
            SyncedKind::Record(RecordKind::Problem) => "problem",
            SyncedKind::Record(RecordKind::Rca) => "rca",
            SyncedKind::TeamSettings => "team_settings",
            SyncedKind::SlaSettings => "sla_settings",
        }
    }
}

/// A record document on the server.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecordDoc {
    #[serde(rename = "_id")]
    pub id: String,
    #[serde(rename = "_rev", default, skip_serializing_if = "Option::is_none")]
    pub rev: Option<String>,
    pub schema: u32,
    /// The CouchDB user who wrote this revision (the server's design document checks it).
    pub author: String,
    pub record: RecordV1,
}

authored!(RecordDoc);

/// The document id of a record. A partner team is known by its name, compared without case
/// (the directory's rule), so its id is the name in lower case: "Risk" and "risk" are one team.
pub fn record_doc_id(kind: SyncedKind, id: &str) -> String {
    let id = match kind {
        SyncedKind::Record(RecordKind::Partner) => id.to_lowercase(),
        _ => id.to_string(),
    };
    format!("{RECORD_PREFIX}{}:{id}", kind.slug())
}

/// Whether `id` names a record document (of any kind this build knows or not).
pub fn is_record_doc(id: &str) -> bool {
    id.starts_with(RECORD_PREFIX)
}

impl RecordV1 {
    pub fn kind(&self) -> SyncedKind {
        match self {
            RecordV1::Playbook(_) => SyncedKind::Record(RecordKind::Playbook),
            RecordV1::Template(_) => SyncedKind::Record(RecordKind::Template),
            RecordV1::Partner(_) => SyncedKind::Record(RecordKind::Partner),
            RecordV1::Problem(_) => SyncedKind::Record(RecordKind::Problem),
            RecordV1::Rca(_) => SyncedKind::Record(RecordKind::Rca),
            RecordV1::TeamSettings(_) => SyncedKind::TeamSettings,
            RecordV1::SlaSettings(_) => SyncedKind::SlaSettings,
        }
    }

    /// The record's own id (a partner team's name).
    pub fn record_id(&self) -> String {
        match self {
            RecordV1::Playbook(p) => p.id.to_string(),
            RecordV1::Template(t) => t.id.clone(),
            RecordV1::Partner(p) => p.name.clone(),
            RecordV1::Problem(p) => p.id.to_string(),
            RecordV1::Rca(r) => r.id.to_string(),
            RecordV1::TeamSettings(_) => "team".into(),
            RecordV1::SlaSettings(_) => "sla".into(),
        }
    }

    pub fn doc_id(&self) -> String {
        record_doc_id(self.kind(), &self.record_id())
    }

    /// What a person calls it ("Payout stuck in review"), for lists and refusals.
    pub fn label(&self) -> String {
        match self {
            RecordV1::Playbook(p) => p
                .versions
                .last()
                .map(|v| v.content.title.clone())
                .unwrap_or_default(),
            RecordV1::Template(t) => t.name.clone(),
            RecordV1::Partner(p) => p.name.clone(),
            RecordV1::Problem(p) => format!("{} {}", p.key, p.title),
            RecordV1::Rca(r) => r.content.title.clone(),
            RecordV1::TeamSettings(_) => "matrix, product areas, scoping rules".into(),
            RecordV1::SlaSettings(_) => "policies and calendars".into(),
        }
    }

    /// The local revision a device bumps on every save (0 for templates and partner teams,
    /// which have none): a changed revision is when the hash is worth computing again.
    pub fn local_revision(&self) -> u64 {
        match self {
            RecordV1::Playbook(p) => p.revision,
            RecordV1::Problem(p) => p.revision,
            RecordV1::Rca(r) => r.revision,
            _ => 0,
        }
    }

    /// The SHA-256 of the record as every device sees it: the revision (each device counts its
    /// own saves) and a worksheet's key (each device numbers worksheets in its own order) are
    /// left out, so the same content has the same hash everywhere.
    pub fn content_hash(&self) -> String {
        let mut normal = self.clone();
        match &mut normal {
            RecordV1::Playbook(p) => p.revision = 0,
            RecordV1::Problem(p) => p.revision = 0,
            RecordV1::Rca(r) => {
                r.revision = 0;
                r.key = RcaKey(0);
            }
            _ => {}
        }
        let json = serde_json::to_vec(&normal).unwrap_or_default();
        Sha256::digest(&json)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }
}

/// Everything a device holds that syncs whole.
pub struct Whole<'a> {
    pub playbooks: &'a [Playbook],
    pub templates: &'a [EmailTemplate],
    pub partners: &'a [PartnerTeam],
    pub problems: &'a [Problem],
    pub rcas: &'a [Rca],
    pub team: &'a TeamSettings,
    pub sla: &'a SlaSettings,
}

impl<'a> Whole<'a> {
    /// The whole records of what a device holds (a stored read, or a bundle's source).
    pub fn of(device: &'a OnDevice) -> Whole<'a> {
        Whole {
            playbooks: &device.playbooks,
            templates: &device.templates,
            partners: &device.partners,
            problems: &device.problems,
            rcas: &device.rcas,
            team: &device.team,
            sla: &device.sla,
        }
    }
}

/// Every record here, as documents would carry them.
pub fn records_here(here: Whole<'_>) -> Vec<RecordV1> {
    records_where(here, |_, _| true)
}

/// The records of `here` that `keep` wants, given each one's document id and local revision
/// (0 for templates, partner teams and the settings, which have none): a record left out is
/// never copied, so a caller that knows a record is unchanged pays only for its id.
pub fn records_where(here: Whole<'_>, keep: impl Fn(&str, u64) -> bool) -> Vec<RecordV1> {
    let Whole {
        playbooks,
        templates,
        partners,
        problems,
        rcas,
        team,
        sla,
    } = here;
    let mut all = Vec::with_capacity(
        playbooks.len() + templates.len() + partners.len() + problems.len() + rcas.len() + 2,
    );
    let wanted = |kind: RecordKind, id: String, revision: u64| {
        keep(&record_doc_id(SyncedKind::Record(kind), &id), revision)
    };
    all.extend(
        playbooks
            .iter()
            .filter(|p| wanted(RecordKind::Playbook, p.id.to_string(), p.revision))
            .map(|p| RecordV1::Playbook(PlaybookV1::from_domain(p))),
    );
    all.extend(
        templates
            .iter()
            .map(|t| RecordV1::Template(TemplateV1::from_domain(t))),
    );
    all.extend(
        partners
            .iter()
            .map(|p| RecordV1::Partner(PartnerV1::from_domain(p))),
    );
    all.extend(
        problems
            .iter()
            .filter(|p| wanted(RecordKind::Problem, p.id.to_string(), p.revision))
            .cloned()
            .map(RecordV1::Problem),
    );
    all.extend(
        rcas.iter()
            .filter(|r| wanted(RecordKind::Rca, r.id.to_string(), r.revision))
            .cloned()
            .map(|r| RecordV1::Rca(Box::new(r))),
    );
    all.push(RecordV1::TeamSettings(Box::new(team.clone())));
    all.push(RecordV1::SlaSettings(Box::new(sla.clone())));
    all
}

/// Records to write whole, split into what the bundle merge writes and the two settings
/// documents, which replace the settings here as they are.
pub struct Split {
    pub merged: Incoming,
    pub team: Option<TeamSettings>,
    pub sla: Option<SlaSettings>,
}

/// Records in the app's own types: those the bundle merge writes, and the settings.
pub fn split(records: impl IntoIterator<Item = RecordV1>) -> Split {
    let mut incoming = Incoming::default();
    let (mut team, mut sla) = (None, None);
    for record in records {
        match record {
            RecordV1::TeamSettings(t) => team = Some(*t),
            RecordV1::SlaSettings(s) => sla = Some(*s),
            RecordV1::Playbook(p) => incoming.playbooks.push(p.to_domain()),
            RecordV1::Template(t) => incoming.templates.push(t.to_domain()),
            RecordV1::Partner(p) => incoming.partners.push(p.to_domain()),
            RecordV1::Problem(p) => incoming.problems.push(p),
            RecordV1::Rca(r) => incoming.rcas.push(*r),
        }
    }
    Split {
        merged: incoming,
        team,
        sla,
    }
}

pub fn record_doc(record: RecordV1, author: &str, rev: Option<String>) -> RecordDoc {
    RecordDoc {
        id: record.doc_id(),
        rev,
        schema: DOC_SCHEMA,
        author: author.to_string(),
        record,
    }
}

/// A record document from the server, checked like a bundle's record: its id must name the
/// record it holds, and the record must pass every rule an imported one passes.
pub fn read_record_doc(doc: &serde_json::Value) -> Result<RecordDoc, Refused> {
    let (id, parsed) = read_authored::<RecordDoc>(doc)?;
    if parsed.id != parsed.record.doc_id() {
        return Err(refused(&id, "_id: does not name the record it holds"));
    }
    check_record(&parsed.id, &parsed.record)?;
    Ok(parsed)
}

/// The rules a bundle's record passes, applied to one record (a stored set-aside copy is read
/// through them again before it is restored).
pub fn check_record(id: &str, record: &RecordV1) -> Result<(), Refused> {
    let mut contents = ContentsV1::default();
    let prefix = match record.clone() {
        RecordV1::Playbook(p) => {
            contents.playbooks.push(p);
            "contents.playbooks[0]."
        }
        RecordV1::Template(t) => {
            contents.templates.push(t);
            "contents.templates[0]."
        }
        RecordV1::Partner(p) => {
            contents.partners.push(p);
            "contents.partners[0]."
        }
        RecordV1::Problem(p) => {
            contents.problems.push(p);
            "contents.problems[0]."
        }
        RecordV1::Rca(r) => {
            contents.rcas.push(*r);
            "contents.rcas[0]."
        }
        RecordV1::TeamSettings(team) => {
            contents.settings = Some(SettingsV1 {
                team: *team,
                sla: SlaSettings::default(),
            });
            "contents.settings.team."
        }
        RecordV1::SlaSettings(sla) => {
            // Beyond each value's range: settings no clock could be computed from.
            if let Err(why) = sla.validate() {
                return Err(refused(id, why.to_string()));
            }
            contents.settings = Some(SettingsV1 {
                team: TeamSettings::default(),
                sla: *sla,
            });
            "contents.settings.sla."
        }
    };
    let single = BundleV1 {
        format: FORMAT.to_string(),
        version: CURRENT_VERSION,
        exported_at: chrono::DateTime::<chrono::Utc>::UNIX_EPOCH,
        exported_by: Exporter {
            name: "team-sync".into(),
            device: "team-sync".into(),
        },
        app_version: String::new(),
        scope: Scope::Everything,
        redaction: None,
        contents,
    };
    let checked = super::v1_checks::check_rules(&single)
        .and_then(|()| super::v1_checks::check_values(&single));
    match checked {
        Ok(()) => Ok(()),
        Err(BundleError::Invalid { path, reason }) => {
            let path = path.strip_prefix(prefix).unwrap_or(&path).to_string();
            Err(refused(id, format!("{path}: {reason}")))
        }
        Err(other) => Err(refused(id, other.to_string())),
    }
}

/// What a pulled record does to the copy here.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Arrival {
    /// Theirs is written here: new here, or changed only there since the last agreement.
    Take,
    /// Both already hold the same content: only the server's revision is noted.
    Same,
    /// Removed here and unchanged there since: it stays removed here.
    StaysRemoved,
    /// Both changed it: theirs is written here (it reached the team first) and the copy from
    /// here is set aside for its author.
    TakeAndSetAsideMine,
}

/// Decides what a pulled record does, from three content hashes: the server's, the one here
/// (`None`: not here) and the one last agreed with the server (`None`: never agreed).
pub fn arrival(theirs: &str, mine: Option<&str>, agreed: Option<&str>) -> Arrival {
    match mine {
        None if agreed == Some(theirs) => Arrival::StaysRemoved,
        None => Arrival::Take,
        Some(mine) if mine == theirs => Arrival::Same,
        Some(mine) if Some(mine) == agreed => Arrival::Take,
        Some(_) => Arrival::TakeAndSetAsideMine,
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
#[path = "couch_records_tests.rs"]
mod tests;
