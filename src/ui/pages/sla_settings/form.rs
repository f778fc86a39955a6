//! The SLA settings form's model: calendars and policies as typed, their draft, holidays parsed, and the build into validated settings.

use super::*;

pub(super) const DAY_NAMES: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];

/// A calendar as typed: every field text, parsed on save.
#[derive(Clone, PartialEq)]
pub(super) struct CalendarForm {
    pub(super) id: String,
    pub(super) name: RwSignal<String>,
    pub(super) zone: RwSignal<String>,
    pub(super) always: RwSignal<bool>,
    pub(super) days: [RwSignal<String>; 7],
    pub(super) holidays: RwSignal<String>,
    pub(super) import_message: RwSignal<Option<(bool, String)>>,
}

#[derive(Clone, PartialEq)]
pub(super) struct PolicyForm {
    pub(super) id: String,
    pub(super) name: RwSignal<String>,
    pub(super) calendar: RwSignal<String>,
    pub(super) targets: [RwSignal<String>; 4],
    pub(super) priorities: RwSignal<String>,
    pub(super) tiers: RwSignal<String>,
    pub(super) areas: RwSignal<String>,
    pub(super) channels: RwSignal<String>,
}

pub(super) fn calendar_form(spec: &CalendarSpec) -> CalendarForm {
    CalendarForm {
        id: spec.id.clone(),
        name: RwSignal::new(spec.name.clone()),
        zone: RwSignal::new(spec.zone.clone()),
        always: RwSignal::new(spec.always_open),
        days: spec
            .week
            .each_ref()
            .map(|day| RwSignal::new(CalendarSpec::format_day(day))),
        holidays: RwSignal::new(format_holidays(&spec.holidays)),
        import_message: RwSignal::new(None),
    }
}

pub(super) fn policy_form(policy: &SlaPolicy) -> PolicyForm {
    let list = |items: Vec<String>| items.join(", ");
    PolicyForm {
        id: policy.id.clone(),
        name: RwSignal::new(policy.name.clone()),
        calendar: RwSignal::new(policy.calendar.clone()),
        targets: SlaTarget::ALL.map(|t| {
            RwSignal::new(
                policy
                    .targets
                    .get(t)
                    .map(|m| m.to_string())
                    .unwrap_or_default(),
            )
        }),
        priorities: RwSignal::new(list(
            policy
                .matches
                .priorities
                .iter()
                .map(|p| p.code().to_string())
                .collect(),
        )),
        tiers: RwSignal::new(list(
            policy
                .matches
                .tiers
                .iter()
                .map(|t| t.label().to_string())
                .collect(),
        )),
        areas: RwSignal::new(list(policy.matches.product_areas.clone())),
        channels: RwSignal::new(list(
            policy
                .matches
                .channels
                .iter()
                .map(|c| c.label().to_string())
                .collect(),
        )),
    }
}

/// The whole form as typed, for the draft store: every field is text, so half-typed values survive.
#[derive(Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub(super) struct FormDraft {
    pub(super) calendars: Vec<CalendarDraft>,
    pub(super) policies: Vec<PolicyDraft>,
    pub(super) margin: String,
    pub(super) share: String,
}

#[derive(Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub(super) struct CalendarDraft {
    pub(super) id: String,
    pub(super) name: String,
    pub(super) zone: String,
    pub(super) always: bool,
    pub(super) days: [String; 7],
    pub(super) holidays: String,
}

#[derive(Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub(super) struct PolicyDraft {
    pub(super) id: String,
    pub(super) name: String,
    pub(super) calendar: String,
    pub(super) targets: [String; 4],
    pub(super) priorities: String,
    pub(super) tiers: String,
    pub(super) areas: String,
    pub(super) channels: String,
}

pub(super) fn to_draft(
    calendars: &[CalendarForm],
    policies: &[PolicyForm],
    margin: &str,
    share: &str,
) -> FormDraft {
    FormDraft {
        calendars: calendars
            .iter()
            .map(|c| CalendarDraft {
                id: c.id.clone(),
                name: c.name.get_untracked(),
                zone: c.zone.get_untracked(),
                always: c.always.get_untracked(),
                days: c.days.map(|d| d.get_untracked()),
                holidays: c.holidays.get_untracked(),
            })
            .collect(),
        policies: policies
            .iter()
            .map(|p| PolicyDraft {
                id: p.id.clone(),
                name: p.name.get_untracked(),
                calendar: p.calendar.get_untracked(),
                targets: p.targets.map(|t| t.get_untracked()),
                priorities: p.priorities.get_untracked(),
                tiers: p.tiers.get_untracked(),
                areas: p.areas.get_untracked(),
                channels: p.channels.get_untracked(),
            })
            .collect(),
        margin: margin.to_string(),
        share: share.to_string(),
    }
}

pub(super) fn calendar_from_draft(d: &CalendarDraft) -> CalendarForm {
    CalendarForm {
        id: d.id.clone(),
        name: RwSignal::new(d.name.clone()),
        zone: RwSignal::new(d.zone.clone()),
        always: RwSignal::new(d.always),
        days: d.days.clone().map(RwSignal::new),
        holidays: RwSignal::new(d.holidays.clone()),
        import_message: RwSignal::new(None),
    }
}

pub(super) fn policy_from_draft(d: &PolicyDraft) -> PolicyForm {
    PolicyForm {
        id: d.id.clone(),
        name: RwSignal::new(d.name.clone()),
        calendar: RwSignal::new(d.calendar.clone()),
        targets: d.targets.clone().map(RwSignal::new),
        priorities: RwSignal::new(d.priorities.clone()),
        tiers: RwSignal::new(d.tiers.clone()),
        areas: RwSignal::new(d.areas.clone()),
        channels: RwSignal::new(d.channels.clone()),
    }
}

pub(super) fn format_holidays(holidays: &[Holiday]) -> String {
    holidays
        .iter()
        .map(|h| format!("{} {}", h.date.format("%Y-%m-%d"), h.name))
        .collect::<Vec<_>>()
        .join("\n")
}

/// "2026-12-25 Christmas Day" per line.
pub(super) fn parse_holidays(calendar: &str, text: &str) -> Result<Vec<Holiday>, String> {
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let (date, name) = line
            .split_once(char::is_whitespace)
            .unwrap_or((line, "Holiday"));
        let date = chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d").map_err(|_| {
            format!(
                "calendar '{calendar}', holiday line {}: '{date}' is not a date like 2026-12-25",
                n + 1
            )
        })?;
        out.push(Holiday {
            date,
            name: name.trim().to_string(),
        });
    }
    out.sort();
    out.dedup_by(|a, b| a.date == b.date);
    Ok(out)
}

/// Splits "P1, P2" and checks each item against the names a list accepts.
pub(super) fn parse_list<T: Copy>(
    what: &str,
    policy: &str,
    text: &str,
    all: &[T],
    name: impl Fn(T) -> String,
) -> Result<Vec<T>, String> {
    text.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|item| {
            all.iter()
                .copied()
                .find(|v| name(*v).eq_ignore_ascii_case(item))
                .ok_or_else(|| {
                    let known: Vec<String> = all.iter().map(|v| name(*v)).collect();
                    format!(
                        "policy '{policy}': unknown {what} '{item}' (use {})",
                        known.join(", ")
                    )
                })
        })
        .collect()
}

pub(super) fn build(
    calendars: &[CalendarForm],
    policies: &[PolicyForm],
    at_risk: AtRiskRule,
) -> Result<SlaSettings, String> {
    let mut specs = Vec::new();
    for c in calendars {
        let name = c.name.get_untracked();
        let mut week: [Vec<crate::domain::sla::Hours>; 7] = Default::default();
        for ((slot, day), day_name) in week.iter_mut().zip(&c.days).zip(DAY_NAMES) {
            *slot = CalendarSpec::parse_day(&day.get_untracked())
                .map_err(|e| format!("calendar '{name}', {day_name}: {e}"))?;
        }
        specs.push(CalendarSpec {
            id: c.id.clone(),
            name: name.clone(),
            zone: c.zone.get_untracked().trim().to_string(),
            always_open: c.always.get_untracked(),
            week,
            holidays: parse_holidays(&name, &c.holidays.get_untracked())?,
        });
    }
    let mut out = Vec::new();
    for p in policies {
        let name = p.name.get_untracked();
        let mut targets = Targets::default();
        for (target, field) in SlaTarget::ALL.into_iter().zip(p.targets) {
            let text = field.get_untracked();
            let minutes = match text.trim() {
                "" => None,
                t => Some(t.parse::<u32>().map_err(|_| {
                    format!(
                        "policy '{name}': the {} target '{t}' is not a whole number of minutes",
                        target.label()
                    )
                })?),
            };
            targets.set(target, minutes);
        }
        out.push(SlaPolicy {
            id: p.id.clone(),
            name: name.clone(),
            calendar: p.calendar.get_untracked(),
            targets,
            matches: PolicyMatch {
                priorities: parse_list(
                    "priority",
                    &name,
                    &p.priorities.get_untracked(),
                    &Priority::ALL,
                    |v| v.code().to_string(),
                )?,
                tiers: parse_list("tier", &name, &p.tiers.get_untracked(), &Tier::ALL, |v| {
                    v.label().to_string()
                })?,
                product_areas: p
                    .areas
                    .get_untracked()
                    .split(',')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(String::from)
                    .collect(),
                channels: parse_list(
                    "channel",
                    &name,
                    &p.channels.get_untracked(),
                    &Channel::ALL,
                    |v| v.label().to_string(),
                )?,
            },
        });
    }
    let settings = SlaSettings {
        calendars: specs,
        policies: out,
        at_risk,
        log: Vec::new(),
    };
    settings.validate().map_err(|e| e.to_string())?;
    Ok(settings)
}
