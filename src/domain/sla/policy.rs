//! SLA policies and calendars as the team edits and stores them, validated into a form clocks can use.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use super::calendar::{Calendar, CalendarError, hm};
pub use super::calendar_spec::{CalendarSpec, Hours};
use super::holidays::singapore_public_holidays;
use super::worktime::WorkIndex;
/// Defined beside the events that pin it.
pub use crate::domain::case::pinned::SlaTarget;
use crate::domain::case::{Case, Channel, Tier};
use crate::domain::priority::Priority;

/// Targets in working minutes; `None` means the policy does not track that clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Targets {
    pub first_response: Option<u32>,
    pub next_update: Option<u32>,
    pub resolution: Option<u32>,
    pub partner_ola: Option<u32>,
}

impl Targets {
    pub fn get(&self, target: SlaTarget) -> Option<u32> {
        match target {
            SlaTarget::FirstResponse => self.first_response,
            SlaTarget::NextUpdate => self.next_update,
            SlaTarget::Resolution => self.resolution,
            SlaTarget::PartnerOla => self.partner_ola,
        }
    }

    pub fn set(&mut self, target: SlaTarget, minutes: Option<u32>) {
        match target {
            SlaTarget::FirstResponse => self.first_response = minutes,
            SlaTarget::NextUpdate => self.next_update = minutes,
            SlaTarget::Resolution => self.resolution = minutes,
            SlaTarget::PartnerOla => self.partner_ola = minutes,
        }
    }
}

/// Which cases a policy applies to. An empty list matches anything.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct PolicyMatch {
    pub priorities: Vec<Priority>,
    pub tiers: Vec<Tier>,
    pub product_areas: Vec<String>,
    pub channels: Vec<Channel>,
}

impl PolicyMatch {
    pub fn matches(&self, case: &Case) -> bool {
        (self.priorities.is_empty() || self.priorities.contains(&case.priority))
            && (self.tiers.is_empty() || self.tiers.contains(&case.account.tier))
            && (self.product_areas.is_empty()
                || self
                    .product_areas
                    .iter()
                    .any(|a| a.eq_ignore_ascii_case(&case.product_area)))
            && (self.channels.is_empty() || self.channels.contains(&case.channel))
    }

    /// "P1 · Enterprise · any area · any channel", for lists and explanations.
    pub fn describe(&self) -> String {
        let list = |items: Vec<String>, any: &str| {
            if items.is_empty() {
                any.to_string()
            } else {
                items.join("/")
            }
        };
        [
            list(
                self.priorities
                    .iter()
                    .map(|p| p.code().to_string())
                    .collect(),
                "any priority",
            ),
            list(
                self.tiers.iter().map(|t| t.label().to_string()).collect(),
                "any tier",
            ),
            list(self.product_areas.clone(), "any area"),
            list(
                self.channels
                    .iter()
                    .map(|c| c.label().to_string())
                    .collect(),
                "any channel",
            ),
        ]
        .join(" · ")
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlaPolicy {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub matches: PolicyMatch,
    pub targets: Targets,
    /// The id of the calendar whose working time the targets are counted in.
    pub calendar: String,
}

/// When a running clock counts as at risk. Either rule can be switched off with 0.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct AtRiskRule {
    /// At risk when this many working minutes or fewer are left.
    pub margin_minutes: u32,
    /// At risk once this share of the target has been used.
    pub share_percent: u8,
}

impl Default for AtRiskRule {
    fn default() -> Self {
        AtRiskRule {
            margin_minutes: 15,
            share_percent: 75,
        }
    }
}

/// One entry in the settings' change log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlaChange {
    pub at: DateTime<Utc>,
    pub actor: String,
    pub summary: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlaSettings {
    pub calendars: Vec<CalendarSpec>,
    /// Ordered: the first policy that matches a case wins.
    pub policies: Vec<SlaPolicy>,
    #[serde(default)]
    pub at_risk: AtRiskRule,
    /// Newest last; capped so the settings document stays small.
    #[serde(default)]
    pub log: Vec<SlaChange>,
}

const LOG_CAP: usize = 200;
/// A target above a year of working minutes is a typo, not a service level.
const MAX_TARGET_MINUTES: u32 = 60 * 24 * 365;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SlaSettingsError {
    #[error("calendar '{name}': {error}")]
    Calendar { name: String, error: CalendarError },
    #[error(
        "policy '{policy}' uses a calendar that is no longer in the list ('{calendar}'); choose another calendar for it"
    )]
    MissingCalendar { policy: String, calendar: String },
    #[error("policy {position} has no name")]
    UnnamedPolicy { position: usize },
    #[error("two policies are called '{0}'; names must be unique")]
    DuplicatePolicy(String),
    #[error("two calendars are called '{0}'; names must be unique")]
    DuplicateCalendar(String),
    #[error(
        "policy '{policy}': the {target} target must be between 1 and {MAX_TARGET_MINUTES} working minutes"
    )]
    BadTarget {
        policy: String,
        target: &'static str,
    },
}

impl Default for SlaSettings {
    /// A starting point written for a payments escalation team in Singapore.
    fn default() -> Self {
        let office = |day: bool| {
            if day {
                vec![Hours {
                    start: hm(9, 0),
                    end: hm(18, 0),
                }]
            } else {
                Vec::new()
            }
        };
        let week = [true, true, true, true, true, false, false].map(office);
        let calendars = vec![
            CalendarSpec {
                id: "sg-office".into(),
                name: "Singapore office hours".into(),
                zone: "Asia/Singapore".into(),
                always_open: false,
                week,
                holidays: singapore_public_holidays(),
            },
            CalendarSpec {
                id: "always".into(),
                name: "24×7".into(),
                zone: "Asia/Singapore".into(),
                always_open: true,
                week: Default::default(),
                holidays: Vec::new(),
            },
        ];
        let policy = |id: &str, name: &str, matches, targets: [u32; 4], calendar: &str| SlaPolicy {
            id: id.into(),
            name: name.into(),
            matches,
            targets: Targets {
                first_response: Some(targets[0]),
                next_update: Some(targets[1]),
                resolution: Some(targets[2]),
                partner_ola: Some(targets[3]),
            },
            calendar: calendar.into(),
        };
        SlaSettings {
            calendars,
            policies: vec![
                policy(
                    "p1-critical",
                    "P1 critical, round the clock",
                    PolicyMatch {
                        priorities: vec![Priority::P1],
                        ..Default::default()
                    },
                    [30, 120, 8 * 60, 4 * 60],
                    "always",
                ),
                policy(
                    "enterprise",
                    "Enterprise contract",
                    PolicyMatch {
                        tiers: vec![Tier::Enterprise],
                        ..Default::default()
                    },
                    [60, 4 * 60, 3 * 540, 540],
                    "sg-office",
                ),
                policy(
                    "standard",
                    "Standard",
                    PolicyMatch::default(),
                    [4 * 60, 540, 5 * 540, 2 * 540],
                    "sg-office",
                ),
            ],
            at_risk: AtRiskRule::default(),
            log: Vec::new(),
        }
    }
}

impl SlaSettings {
    /// Refuses settings a clock could not be computed from, with the first reason found.
    pub fn validate(&self) -> Result<HashMap<String, Calendar>, SlaSettingsError> {
        let mut calendars = HashMap::new();
        for (i, spec) in self.calendars.iter().enumerate() {
            if self
                .calendars
                .iter()
                .take(i)
                .any(|c| c.name.trim().eq_ignore_ascii_case(spec.name.trim()))
            {
                return Err(SlaSettingsError::DuplicateCalendar(spec.name.clone()));
            }
            let calendar = spec.build().map_err(|error| SlaSettingsError::Calendar {
                name: spec.name.clone(),
                error,
            })?;
            calendars.insert(spec.id.clone(), calendar);
        }
        for (i, policy) in self.policies.iter().enumerate() {
            if policy.name.trim().is_empty() {
                return Err(SlaSettingsError::UnnamedPolicy { position: i + 1 });
            }
            if self
                .policies
                .iter()
                .take(i)
                .any(|p| p.name.trim().eq_ignore_ascii_case(policy.name.trim()))
            {
                return Err(SlaSettingsError::DuplicatePolicy(policy.name.clone()));
            }
            if !calendars.contains_key(&policy.calendar) {
                return Err(SlaSettingsError::MissingCalendar {
                    policy: policy.name.clone(),
                    calendar: policy.calendar.clone(),
                });
            }
            for target in SlaTarget::ALL {
                if let Some(minutes) = policy.targets.get(target)
                    && !(1..=MAX_TARGET_MINUTES).contains(&minutes)
                {
                    return Err(SlaSettingsError::BadTarget {
                        policy: policy.name.clone(),
                        target: target.label(),
                    });
                }
            }
        }
        Ok(calendars)
    }

    /// The first policy, in order, that matches the case.
    pub fn policy_for(&self, case: &Case) -> Option<&SlaPolicy> {
        self.policies.iter().find(|p| p.matches.matches(case))
    }

    /// The IANA zone of the calendar the case's clocks run on: the case's own time zone.
    pub fn zone_for(&self, case: &Case) -> Option<&str> {
        let policy = self.policy_for(case)?;
        self.calendars
            .iter()
            .find(|c| c.id == policy.calendar)
            .map(|c| c.zone.as_str())
    }

    /// Replaces these settings with `next`, logging what changed in words. Returns the summary,
    /// or `None` when nothing changed.
    pub fn record_change(
        &self,
        mut next: SlaSettings,
        actor: &str,
        now: DateTime<Utc>,
    ) -> (SlaSettings, Option<String>) {
        let summary = describe_changes(self, &next);
        next.log = self.log.clone();
        if let Some(summary) = &summary {
            next.log.push(SlaChange {
                at: now,
                actor: actor.to_string(),
                summary: summary.clone(),
            });
            let excess = next.log.len().saturating_sub(LOG_CAP);
            next.log.drain(..excess);
        }
        (next, summary)
    }
}

fn describe_changes(before: &SlaSettings, after: &SlaSettings) -> Option<String> {
    let mut parts = Vec::new();
    for policy in &after.policies {
        match before.policies.iter().find(|p| p.id == policy.id) {
            None => parts.push(format!("added policy '{}'", policy.name)),
            Some(old) if old != policy => {
                let mut what = Vec::new();
                for target in SlaTarget::ALL {
                    let (a, b) = (old.targets.get(target), policy.targets.get(target));
                    if a != b {
                        let show =
                            |m: Option<u32>| m.map_or("off".to_string(), |m| format!("{m} min"));
                        what.push(format!("{} {} → {}", target.code(), show(a), show(b)));
                    }
                }
                if old.matches != policy.matches {
                    what.push(format!("applies to {}", policy.matches.describe()));
                }
                if old.calendar != policy.calendar {
                    what.push(format!("calendar → {}", policy.calendar));
                }
                if old.name != policy.name {
                    what.push(format!("renamed from '{}'", old.name));
                }
                parts.push(format!(
                    "changed policy '{}': {}",
                    policy.name,
                    what.join(", ")
                ));
            }
            Some(_) => {}
        }
    }
    for old in &before.policies {
        if !after.policies.iter().any(|p| p.id == old.id) {
            parts.push(format!("removed policy '{}'", old.name));
        }
    }
    let order = |s: &SlaSettings| s.policies.iter().map(|p| p.id.clone()).collect::<Vec<_>>();
    let (mut a, mut b) = (order(before), order(after));
    if a != b {
        a.sort();
        b.sort();
        if a == b {
            parts.push("reordered policies".into());
        }
    }
    for calendar in &after.calendars {
        match before.calendars.iter().find(|c| c.id == calendar.id) {
            None => parts.push(format!("added calendar '{}'", calendar.name)),
            Some(old) if old != calendar => {
                let mut what = Vec::new();
                if old.zone != calendar.zone {
                    what.push(format!("zone {} → {}", old.zone, calendar.zone));
                }
                if old.week != calendar.week || old.always_open != calendar.always_open {
                    what.push("hours".to_string());
                }
                if old.holidays != calendar.holidays {
                    what.push(format!(
                        "holidays ({} → {})",
                        old.holidays.len(),
                        calendar.holidays.len()
                    ));
                }
                if old.name != calendar.name {
                    what.push(format!("renamed from '{}'", old.name));
                }
                parts.push(format!(
                    "changed calendar '{}': {}",
                    calendar.name,
                    what.join(", ")
                ));
            }
            Some(_) => {}
        }
    }
    for old in &before.calendars {
        if !after.calendars.iter().any(|c| c.id == old.id) {
            parts.push(format!("removed calendar '{}'", old.name));
        }
    }
    if before.at_risk != after.at_risk {
        parts.push(format!(
            "at risk when ≤ {} min left or ≥ {}% used",
            after.at_risk.margin_minutes, after.at_risk.share_percent
        ));
    }
    (!parts.is_empty()).then(|| parts.join("; "))
}

/// A policy's name and its calendar's id, as shared strings.
pub type SharedNames = (Arc<str>, Arc<str>);

/// Settings made ready for computing clocks: validated calendars indexed around `now`.
#[derive(Debug, Clone)]
pub struct CompiledSla {
    pub settings: SlaSettings,
    pub indexes: HashMap<String, WorkIndex>,
    /// Each policy's name and calendar id, shared by every clock that policy produces.
    names: Vec<SharedNames>,
}

impl CompiledSla {
    /// Indexes two years either side of `now`; clocks outside that span are still exact, only slower.
    pub fn new(settings: SlaSettings, now: DateTime<Utc>) -> Result<CompiledSla, SlaSettingsError> {
        let calendars = settings.validate()?;
        let span = Duration::days(730);
        let indexes = calendars
            .into_iter()
            .map(|(id, calendar)| (id, WorkIndex::new(calendar, now - span, now + span)))
            .collect();
        let names = settings
            .policies
            .iter()
            .map(|p| (Arc::from(p.name.as_str()), Arc::from(p.calendar.as_str())))
            .collect();
        Ok(CompiledSla {
            settings,
            indexes,
            names,
        })
    }

    /// The first policy that matches the case, with its shared names.
    pub fn policy_for(&self, case: &Case) -> Option<(&SlaPolicy, &SharedNames)> {
        let i = self
            .settings
            .policies
            .iter()
            .position(|p| p.matches.matches(case))?;
        Some((self.settings.policies.get(i)?, self.names.get(i)?))
    }

    pub fn calendar_name(&self, id: &str) -> String {
        self.settings
            .calendars
            .iter()
            .find(|c| c.id == id)
            .map_or_else(|| id.to_string(), |c| c.name.clone())
    }
}

#[cfg(test)]
#[path = "policy_tests.rs"]
mod tests;
