//! The partner-team directory and the hand-off packet a specialist pastes into a partner's tracker.

use serde::{Deserialize, Serialize};

use super::case::Case;
use super::case::events::{CaseEvent, timeline_order};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartnerTeam {
    pub name: String,
    /// Who or where to ask: an alias, a channel, a queue.
    pub contact: String,
    /// How they take work, e.g. "Jira RISK project", "#payouts-oncall".
    pub channel: String,
    /// Their agreed answer time in working minutes (the SLA calendar's). `None` falls back to
    /// the case's SLA policy.
    pub ola_minutes: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartnerDirectory {
    pub teams: Vec<PartnerTeam>,
}

fn team(name: &str, contact: &str, channel: &str, ola_minutes: u32) -> PartnerTeam {
    PartnerTeam {
        name: name.into(),
        contact: contact.into(),
        channel: channel.into(),
        ola_minutes: Some(ola_minutes),
    }
}

impl Default for PartnerDirectory {
    fn default() -> Self {
        PartnerDirectory {
            teams: vec![
                team(
                    "Risk Operations",
                    "risk-ops@payments.example",
                    "Jira RISK",
                    480,
                ),
                team("Payouts Engineering", "#payouts-oncall", "Jira PAY", 240),
                team(
                    "Disputes Operations",
                    "disputes@payments.example",
                    "Jira DSP",
                    960,
                ),
                team("Billing", "billing-ops@payments.example", "Jira BILL", 960),
                team("Product (Connect)", "#connect-product", "Jira CONN", 1440),
            ],
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DirectoryError {
    #[error("team {0}: give it a name")]
    NoName(usize),
    #[error("'{0}' is listed twice")]
    Duplicate(String),
    #[error("'{0}': an OLA must be between 1 and 525600 working minutes")]
    BadOla(String),
}

impl PartnerDirectory {
    pub fn validate(&self) -> Result<(), Vec<DirectoryError>> {
        let mut problems = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for (i, t) in self.teams.iter().enumerate() {
            let name = t.name.trim();
            if name.is_empty() {
                problems.push(DirectoryError::NoName(i + 1));
                continue;
            }
            if !seen.insert(name.to_lowercase()) {
                problems.push(DirectoryError::Duplicate(name.into()));
            }
            if t.ola_minutes.is_some_and(|m| !(1..=525_600).contains(&m)) {
                problems.push(DirectoryError::BadOla(name.into()));
            }
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(problems)
        }
    }

    pub fn find(&self, name: &str) -> Option<&PartnerTeam> {
        let name = name.trim();
        self.teams
            .iter()
            .find(|t| t.name.eq_ignore_ascii_case(name))
    }
}

/// How many of the latest timeline entries go into a packet: enough context, not the whole log.
pub const PACKET_TIMELINE: usize = 10;

/// A Markdown summary for the partner's tracker: case facts, the recent timeline and the
/// question. `times` formats an instant in the specialist's zone. Contact details stay out:
/// the partner needs the account, not the user's inbox.
pub fn handoff_packet(
    case: &Case,
    events: &[CaseEvent],
    team: &str,
    question: &str,
    times: impl Fn(chrono::DateTime<chrono::Utc>) -> String,
) -> String {
    let mut out = String::new();
    out.push_str(&format!("## {} · {}\n\n", case.key, one_line(&case.title)));
    out.push_str(&format!("**For:** {}\n\n", one_line(team)));
    out.push_str("### Question\n\n");
    out.push_str(question.trim());
    out.push_str("\n\n### Case facts\n\n");
    let account = if case.account.account_id.is_empty() {
        one_line(&case.account.name)
    } else {
        format!(
            "{} (`{}`)",
            one_line(&case.account.name),
            case.account.account_id
        )
    };
    for (label, value) in [
        ("Account", account),
        ("Tier", case.account.tier.label().to_string()),
        ("Priority", case.priority.code().to_string()),
        ("Status", case.status.label().to_string()),
        ("Product area", one_line(&case.product_area)),
        ("Owner", one_line(&case.owner)),
        ("Opened", times(case.created_at)),
    ] {
        out.push_str(&format!("- **{label}:** {value}\n"));
    }
    let scoping = &case.scoping;
    if !scoping.affected.trim().is_empty() {
        out.push_str(&format!(
            "- **Affected:** {}\n",
            one_line(&scoping.affected)
        ));
    }
    if let Some(since) = scoping.since {
        out.push_str(&format!("- **Since:** {}\n", times(since)));
    }
    if let Some(money) = &scoping.money_at_risk {
        out.push_str(&format!("- **Money at risk:** {money}\n"));
    }
    if let Some(users) = scoping.users_affected {
        out.push_str(&format!("- **Users affected:** {users}\n"));
    }
    for link in &scoping.evidence {
        out.push_str(&format!("- **Evidence:** {}\n", one_line(link)));
    }
    let mut sorted: Vec<&CaseEvent> = events.iter().collect();
    sorted.sort_by(|a, b| timeline_order(a, b));
    let recent = sorted
        .get(sorted.len().saturating_sub(PACKET_TIMELINE)..)
        .unwrap_or_default();
    if !recent.is_empty() {
        out.push_str(&format!(
            "\n### Recent timeline (last {})\n\n",
            recent.len()
        ));
        for event in recent {
            out.push_str(&format!("- {} · {}\n", times(event.at), event.headline()));
        }
    }
    out
}

/// Keeps a value on its line, so user text cannot start a new Markdown heading or list.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::case::events::EventKind;
    use chrono::{Duration, TimeZone, Utc};
    use uuid::Uuid;

    #[test]
    fn a_packet_has_the_facts_the_question_and_the_latest_events_only() {
        let now = Utc.with_ymd_and_hms(2026, 11, 25, 9, 0, 0).unwrap();
        let mut case = crate::domain::sample::generate(7, 1, 1042, now)
            .remove(0)
            .case;
        case.title = "Payouts held\n# not a heading".into();
        case.contacts[0].email = "secret@user.example".into();
        let events: Vec<CaseEvent> = (0..15)
            .rev()
            .map(|i| CaseEvent {
                id: Uuid::from_u128(i),
                case_id: case.id,
                at: now + Duration::minutes(i as i64),
                actor: "Mei".into(),
                kind: EventKind::NoteAdded {
                    text: format!("note {i}"),
                },
            })
            .collect();
        let packet = handoff_packet(
            &case,
            &events,
            "Risk Operations",
            "Why is payout po_123 held?",
            |t| t.format("%H:%M").to_string(),
        );
        assert!(packet.starts_with("## ESC-1042 · Payouts held # not a heading\n"));
        assert!(packet.contains("### Question\n\nWhy is payout po_123 held?\n"));
        assert!(packet.contains(&format!("- **Priority:** {}", case.priority.code())));
        assert!(packet.contains("### Recent timeline (last 10)"));
        // Oldest of the ten shown is 09:05; 09:04 and earlier are left out; newest is last.
        assert!(packet.contains("- 09:05 · Mei added a note\n"));
        assert!(!packet.contains("- 09:04 ·"));
        assert!(packet.trim_end().ends_with("09:14 · Mei added a note"));
        assert!(!packet.contains("secret@user.example"));
    }

    #[test]
    fn the_starter_directory_is_valid_and_mistakes_are_named() {
        let mut dir = PartnerDirectory::default();
        assert_eq!(dir.validate(), Ok(()));
        dir.teams.push(team("risk operations", "x", "y", 10));
        dir.teams.push(team(" ", "x", "y", 10));
        dir.teams.push(team("Legal", "x", "y", 0));
        let problems = dir.validate().unwrap_err();
        assert_eq!(
            problems,
            vec![
                DirectoryError::Duplicate("risk operations".into()),
                DirectoryError::NoName(7),
                DirectoryError::BadOla("Legal".into()),
            ]
        );
        assert_eq!(
            dir.find("RISK OPERATIONS").unwrap().contact,
            "risk-ops@payments.example"
        );
    }
}
