//! Everything on this device that a bundle can carry, as one value: what storage reads in one snapshot, what an export draws from and what an import is merged into.

use std::collections::{HashMap, HashSet};

use uuid::Uuid;

use super::case::Case;
use super::case::events::CaseEvent;
use super::partners::PartnerTeam;
use super::playbooks::Playbook;
use super::problem::Problem;
use super::rca::Rca;
use super::settings::TeamSettings;
use super::sla::SlaSettings;
use super::templates::EmailTemplate;

/// The records on one device. Storage fills it from one read transaction (`storage::exchange`);
/// `bundle::v1::BundleV1::build` exports from it; `merge::plan` compares a bundle with it.
#[derive(Debug, Clone, Default)]
pub struct OnDevice {
    pub cases: Vec<Case>,
    /// Event logs by case id. Read for an export, every case's log; read for a merge, only the
    /// logs of the cases the bundle also carries (a merge compares no other log).
    pub events: HashMap<Uuid, Vec<CaseEvent>>,
    pub playbooks: Vec<Playbook>,
    pub templates: Vec<EmailTemplate>,
    pub partners: Vec<PartnerTeam>,
    pub problems: Vec<Problem>,
    pub rcas: Vec<Rca>,
    pub team: TeamSettings,
    pub sla: SlaSettings,
    /// The number the next locally created case would get.
    pub next_case_number: u32,
    /// Case numbers held here by cases not in `cases`. Empty when every case was read; a
    /// partial read (team sync reads only the cases a pulled page names) lists the rest, so a
    /// new incoming case never takes a number already in use.
    pub numbers_elsewhere: Vec<u32>,
    /// Cases here the team has never seen (team sync: never pushed or pulled). Their numbers
    /// are provisional: a case arriving from the team with the same number keeps it, and the
    /// one here moves to the next free number, so every device names both alike. Empty for a
    /// bundle import, where the arriving case is the one that moves.
    pub provisional: HashSet<Uuid>,
}
