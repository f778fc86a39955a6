//! The sample desk's root-cause worksheets: one at each stage (a draft, one in review with a stale sign-off, one validated, one published with its CAPA actions, one with an overdue action), over different root-cause categories, linked to sample cases.

use chrono::{DateTime, Duration, Utc};

use super::random_uuid;
use crate::domain::problem::Problem;
use crate::domain::rca::{
    Action, ActionKind, ActionStatus, Claim, Decision, Evidence, EvidenceKind, Rca, RcaContent,
    RcaKey, RcaStatus, TimelineEntry,
};
use crate::domain::sample::SampleCase;

/// How far a worksheet has come.
#[derive(Clone, Copy, PartialEq)]
enum Stage {
    Draft,
    /// In review; one team signed, then the worksheet changed, so that sign-off is stale.
    StaleReview,
    Validated,
    Published,
    /// In review with an action past its due date.
    Overdue,
}

/// (stage, product area, title, category, summary, whys, partner teams)
type Sheet = (
    Stage,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static [&'static str],
    &'static [&'static str],
);

const SHEETS: &[Sheet] = &[
    (
        Stage::Draft,
        "Payments",
        "Refund file rejected by the acquirer after a format change",
        "Partner or third party (bank, network)",
        "The acquirer tightened its refund file format without notice; two days of refunds bounced.",
        &["The acquirer's validator rejected a trailing newline our exporter has always written"],
        &["Payouts Engineering"],
    ),
    (
        Stage::StaleReview,
        "Payouts",
        "Payouts held for two days after a risk rule change",
        "Configuration or rule change",
        "A velocity threshold lowered from 5 to 3 payouts a day held batch payroll payouts for manual review.",
        &[
            "Rule R-17 counted payout retries as new payouts",
            "The threshold change was not tested against payroll merchants",
        ],
        &["Risk Operations", "Payouts Engineering"],
    ),
    (
        Stage::Validated,
        "API/integration",
        "Duplicate charges from retried payment intents",
        "Product defect",
        "A platform retried timed-out requests with new idempotency keys, creating duplicate charges.",
        &[
            "Requests timed out during a queue backlog in the SG region",
            "The SDK generated a new idempotency key on each retry",
        ],
        &["Product (Connect)"],
    ),
    (
        Stage::Published,
        "Billing",
        "Enterprise invoices wrong after the tier migration",
        "Process or policy gap",
        "The tier migration reset the volume discount flag; 14 enterprise invoices overstated fees.",
        &[
            "The migration script rewrote account tiers without carrying discount flags",
            "No reconciliation compared invoices before and after the migration",
        ],
        &["Billing"],
    ),
    (
        Stage::Overdue,
        "Disputes",
        "Dispute evidence missed the network deadline",
        "Communication gap",
        "Evidence for 11 disputes was uploaded after the deadline because uploads over 8 MB timed out silently.",
        &["The upload service timed out on large PDFs and showed no error"],
        &["Disputes Operations"],
    ),
];

/// The worksheets, numbered from `first`, each linked to a sample case of its area when there is one.
pub(super) fn worksheets(
    cases: &[SampleCase],
    problems: &[Problem],
    first: u32,
    now: DateTime<Utc>,
    rng: &mut fastrand::Rng,
) -> Vec<Rca> {
    let today = now.date_naive();
    SHEETS
        .iter()
        .enumerate()
        .filter_map(|(i, sheet)| {
            let (stage, area, title, category, summary, whys, teams) = *sheet;
            let case = cases.iter().find(|s| s.case.product_area == area);
            let created = now - Duration::days(24 - 5 * i as i64);
            let started = created - Duration::days(2);
            let evidence = Evidence {
                number: 1,
                kind: EvidenceKind::Link,
                title: "Dashboard for the affected accounts".into(),
                detail: "https://dashboards.example/incidents/sample".into(),
            };
            let claim = |text: &str, rng: &mut fastrand::Rng| Claim {
                id: random_uuid(rng),
                text: text.to_string(),
                evidence: vec![1],
            };
            let action =
                |kind, title: &str, due_days: i64, status, rng: &mut fastrand::Rng| Action {
                    title: title.to_string(),
                    owner: "Raj Kumar".into(),
                    team: teams.first().copied().unwrap_or_default().to_string(),
                    due: Some(today + Duration::days(due_days)),
                    ticket: format!("CAPA-{}", rng.u32(100..999)),
                    status,
                    ..Action::new(random_uuid(rng), kind)
                };
            let mut actions = vec![action(
                ActionKind::Corrective,
                "Fix the immediate cause and re-run the affected items",
                -3,
                ActionStatus::Done,
                rng,
            )];
            match stage {
                Stage::Published => {
                    actions.push(action(
                        ActionKind::Preventive,
                        "Reconcile invoices before and after every billing migration",
                        21,
                        ActionStatus::Open,
                        rng,
                    ));
                    actions.push(action(
                        ActionKind::Detection,
                        "Alert when an enterprise invoice moves more than 20% month on month",
                        35,
                        ActionStatus::Open,
                        rng,
                    ));
                }
                Stage::Overdue => actions.push(action(
                    ActionKind::Preventive,
                    "Show an error when an evidence upload fails",
                    -6,
                    ActionStatus::Open,
                    rng,
                )),
                _ => {}
            }
            let content = RcaContent {
                title: format!("RCA: {title}"),
                owner: "Mei Lin".into(),
                authors: vec!["Mei Lin".into()],
                case_ids: case.map(|s| vec![s.case.id]).unwrap_or_default(),
                problem_id: problems
                    .first()
                    .filter(|_| stage == Stage::StaleReview)
                    .map(|p| p.id),
                partner_teams: teams.iter().map(|t| t.to_string()).collect(),
                summary: summary.into(),
                started_at: Some(started),
                ended_at: Some(started + Duration::hours(30)),
                detection: "A merchant escalation".into(),
                detected_at: Some(started + Duration::hours(6)),
                timeline: vec![TimelineEntry {
                    id: random_uuid(rng),
                    at: started + Duration::hours(6),
                    text: "First merchant escalation reaches the desk".into(),
                    knew_then: "Looked like a one-off".into(),
                    source: None,
                }],
                evidence: vec![evidence],
                whys: whys.iter().map(|w| claim(w, rng)).collect(),
                category: category.into(),
                went_well: "The desk spotted the pattern within a day.".into(),
                went_wrong: "Nobody owned the change end to end.".into(),
                actions,
                ..RcaContent::default()
            };
            let key = RcaKey(first.saturating_add(u32::try_from(i).ok()?));
            let actor = "Mei Lin";
            let day = |n: i64| (created + Duration::days(n)).min(now);
            let rca = Rca::create(random_uuid(rng), key, content, actor, created).ok()?;
            if stage == Stage::Draft {
                return Some(rca);
            }
            let mut rca = rca.move_to(RcaStatus::InReview, actor, day(1)).ok()?;
            let validator = |team: &str| match team {
                "Risk Operations" => "Priya N",
                "Payouts Engineering" => "Lee W",
                "Billing" => "Hana K",
                "Disputes Operations" => "Tomas R",
                _ => "Ana P",
            };
            match stage {
                Stage::StaleReview => {
                    let team = teams.first().copied().unwrap_or_default();
                    rca = rca
                        .sign(team, validator(team), Decision::Agree, "", actor, day(2))
                        .ok()?;
                    // Edited after that sign-off: it no longer covers what the worksheet says.
                    let mut content = rca.content.clone();
                    content.whys.push(claim(
                        "Payout retries were not excluded from the count",
                        rng,
                    ));
                    rca = rca.edit(content, actor, day(3)).ok()?;
                }
                Stage::Validated | Stage::Published => {
                    for team in teams {
                        rca = rca
                            .sign(team, validator(team), Decision::Agree, "", actor, day(2))
                            .ok()?;
                    }
                    if stage == Stage::Published {
                        rca = rca.move_to(RcaStatus::Published, actor, day(4)).ok()?;
                    }
                }
                Stage::Draft | Stage::Overdue => {}
            }
            Some(rca)
        })
        .collect()
}
