//! The sample desk beyond its cases' clocks: partner hand-offs with running OLAs, follow-up reminders due today, playbooks applied at different progress, problems linking several cases, and root-cause worksheets at every stage, so every page has something to show on a first run.

use chrono::{DateTime, Duration, Utc};
use uuid::Uuid;

use super::case::ChangedField;
use super::case::events::{CaseEvent, EventKind};
use super::partners::PartnerDirectory;
use super::playbook_pack::starter_playbooks;
use super::playbooks::suggest;
use super::problem::{Problem, ProblemKey};
use super::sample::{SampleCase, generate};
use super::sample_timing::Timing;
use super::{Case, CaseStatus};

#[path = "sample_rcas.rs"]
mod rcas;

/// Everything "Load sample data" stores.
#[derive(Debug, Clone)]
pub struct SampleDesk {
    pub cases: Vec<SampleCase>,
    pub problems: Vec<super::problem::Problem>,
    pub rcas: Vec<super::rca::Rca>,
}

/// The first free key number of each kind of record.
#[derive(Debug, Clone, Copy)]
pub struct FirstNumbers {
    pub case: u32,
    pub problem: u32,
    pub rca: u32,
}

/// Problems the sample links cases to: (product area, title, description).
const PROBLEMS: &[(&str, &str, &str)] = &[
    (
        "Payouts",
        "Risk rule R-17 holds payouts after the threshold change",
        "Since the velocity threshold moved from 5 to 3 payouts a day, merchants paying staff in batches are held for manual review.",
    ),
    (
        "Payments",
        "Acquirer settlement file arrives late for SGD",
        "The acquirer's SFTP drop has been 6–10 hours late on weekdays; refunds and settlements wait for it.",
    ),
    (
        "Disputes",
        "Evidence uploads time out for files over 8 MB",
        "The disputes upload service times out on large PDFs, so evidence misses network deadlines.",
    ),
];

const SKIP_REASONS: &[&str] = &[
    "Not needed: the payout was released before we looked.",
    "The merchant already sent this in their first email.",
    "Partner team confirmed on the bridge call; nothing to add.",
];

/// The sample desk: `generate`'s cases with the work a team would have done on them, and the
/// problems and worksheets that go with them. The same seed gives the same desk.
pub fn desk(seed: u64, size: usize, first: FirstNumbers, now: DateTime<Utc>) -> SampleDesk {
    let mut cases = generate(seed, size, first.case, now);
    let mut rng = fastrand::Rng::with_seed(seed ^ 0x5eed_de5c);
    let timing = Timing::new(now);
    let directory = PartnerDirectory::default();
    let playbooks = starter_playbooks();
    for sample in &mut cases {
        let mut added = Vec::new();
        let case = &sample.case;
        let opener = case.owner.clone();
        let event = |rng: &mut fastrand::Rng, at: DateTime<Utc>, kind: EventKind| CaseEvent {
            id: random_uuid(rng),
            case_id: case.id,
            at: at.clamp(case.created_at, now),
            actor: opener.clone(),
            kind,
        };
        if case.status == CaseStatus::WaitingOnPartner {
            let name = match case.product_area.as_str() {
                "Payouts" => "Payouts Engineering",
                "Disputes" => "Disputes Operations",
                "Billing" => "Billing",
                "API/integration" => "Product (Connect)",
                _ => "Risk Operations",
            };
            if let Some(team) = directory.find(name) {
                let ola = team.ola_minutes.unwrap_or(480);
                // Handed off a while ago; most partner clocks have time left.
                let share = 0.1 + rng.f64() * 0.6;
                let at = timing.working_before(case, now, share * f64::from(ola));
                let kind = EventKind::HandedOff {
                    handoff: random_uuid(&mut rng),
                    team: team.name.clone(),
                    ask: format!("What is holding {}, and when does it move?", case.title),
                    ticket: format!("{}-{}", ticket_prefix(&team.channel), rng.u32(1000..9999)),
                    ola_minutes: Some(ola),
                };
                added.push(event(&mut rng, at, kind));
            }
        }
        if case.status.is_open() && case.status != CaseStatus::New && rng.u8(..10) == 0 {
            // Due today: some already due (they rise to the top), some later in the day.
            let due = if rng.bool() {
                now - Duration::minutes(rng.i64(10..240))
            } else {
                now + Duration::minutes(rng.i64(30..360))
            };
            let set_at = now - Duration::hours(rng.i64(1..30));
            added.push(event(
                &mut rng,
                set_at,
                EventKind::ReminderSet {
                    at: Some(due.max(case.created_at)),
                    snooze: false,
                    note: "Chase the partner team's answer".into(),
                },
            ));
        }
        if case.status != CaseStatus::New
            && rng.u8(..10) < 6
            && let Some(playbook) = suggest(case, &playbooks).first()
        {
            let run = random_uuid(&mut rng);
            let applied = playbook.apply(run);
            let steps = match &applied {
                EventKind::PlaybookApplied { steps, .. } => steps.clone(),
                _ => Vec::new(),
            };
            let start = case.created_at + Duration::minutes(rng.i64(2..30));
            let end = sample.events.iter().map(|e| e.at).max().unwrap_or(now);
            added.push(event(&mut rng, start, applied));
            // Resolved cases finished their checklist; open ones are part of the way through.
            let settled = if case.status.is_open() {
                rng.usize(0..steps.len().max(1))
            } else {
                steps.len()
            };
            let gap = (end - start) / i32::try_from(settled + 1).unwrap_or(1);
            for (i, step) in steps.iter().take(settled).enumerate() {
                let at = start + gap * i32::try_from(i + 1).unwrap_or(1);
                let kind = if !step.evidence_required && rng.u8(..6) == 0 {
                    EventKind::StepSkipped {
                        run,
                        step: step.id.clone(),
                        title: step.title.clone(),
                        reason: pick(&mut rng, SKIP_REASONS).to_string(),
                    }
                } else {
                    EventKind::StepTicked {
                        run,
                        step: step.id.clone(),
                        title: step.title.clone(),
                        evidence: if step.evidence_required {
                            format!(
                                "po_{:06} held by rule R-17, released on review",
                                rng.u32(..1_000_000)
                            )
                        } else {
                            String::new()
                        },
                    }
                };
                added.push(event(&mut rng, at, kind));
            }
        }
        sample.events.extend(added);
    }
    let problems = link_problems(&mut cases, &mut rng, first.problem, now);
    for sample in &mut cases {
        sample.events.sort_by(super::case::events::timeline_order);
        sample.case.revision = sample.events.len() as u64;
        if let Some(latest) = sample.events.iter().map(|e| e.at).max() {
            sample.case.updated_at = latest;
        }
    }
    let rcas = rcas::worksheets(&cases, &problems, first.rca, now, &mut rng);
    SampleDesk {
        cases,
        problems,
        rcas,
    }
}

/// Opens the sample's problems (more on a larger desk) and links each to a few open cases of
/// its product area, as a specialist does when they see the same cause again.
fn link_problems(
    cases: &mut [SampleCase],
    rng: &mut fastrand::Rng,
    first: u32,
    now: DateTime<Utc>,
) -> Vec<Problem> {
    let count = (cases.len() / 60).clamp(PROBLEMS.len(), 60);
    let mut problems = Vec::new();
    for i in 0..count {
        let Some((area, title, description)) = PROBLEMS.get(i % PROBLEMS.len()) else {
            continue;
        };
        let number = first.saturating_add(u32::try_from(i).unwrap_or(u32::MAX));
        let opened = now - Duration::days(rng.i64(2..12));
        let title = if i < PROBLEMS.len() {
            (*title).to_string()
        } else {
            format!("{title} (wave {})", i / PROBLEMS.len() + 1)
        };
        let Ok(problem) = Problem::open(
            &title,
            description,
            random_uuid(rng),
            ProblemKey(number),
            "Mei Lin",
            opened,
        ) else {
            continue;
        };
        let linkable = |c: &Case| {
            c.product_area == *area
                && c.problem_id.is_none()
                && c.status.is_open()
                && c.status != CaseStatus::New
        };
        for sample in cases.iter_mut().filter(|s| linkable(&s.case)).take(4) {
            let at = (now - Duration::hours(rng.i64(1..48))).max(sample.case.created_at);
            sample.events.push(CaseEvent {
                id: random_uuid(rng),
                case_id: sample.case.id,
                at,
                actor: sample.case.owner.clone(),
                kind: EventKind::changed(ChangedField::Problem, "", &problem.id.to_string()),
            });
            sample.case.problem_id = Some(problem.id);
        }
        problems.push(problem);
    }
    problems
}

/// "Jira RISK" → "RISK"; a chat channel has no tracker, so its ticket reads "TKT".
fn ticket_prefix(channel: &str) -> String {
    channel
        .strip_prefix("Jira ")
        .map_or_else(|| "TKT".to_string(), str::to_string)
}

fn pick<'a>(rng: &mut fastrand::Rng, items: &[&'a str]) -> &'a str {
    items
        .get(rng.usize(..items.len().max(1)))
        .copied()
        .unwrap_or_default()
}

fn random_uuid(rng: &mut fastrand::Rng) -> Uuid {
    uuid::Builder::from_random_bytes(rng.u128(..).to_le_bytes()).into_uuid()
}

#[cfg(test)]
#[path = "sample_desk_tests.rs"]
mod tests;
