//! Deterministic sample escalations: the first-run demo data and, at 50k, the benchmark load.

use chrono::{DateTime, Duration, Utc};
use uuid::{Builder, Uuid};

use super::case::events::{CaseEvent, EventKind};
use super::case::{Account, Case, CaseKey, CaseStatus, Channel, Contact, Severity, Tier};
use super::money::{Currency, Money};
use super::priority::PriorityMatrix;
use super::sample_timing::{Standing, Timing};
use super::triage::Scoping;

/// How many cases "Load sample data" writes: enough to feel real, small enough to read.
pub const FIRST_RUN_SIZE: usize = 200;
/// The seed behind the first-run set, so every teammate sees the same demo.
pub const FIRST_RUN_SEED: u64 = 20_261_125;

/// One generated case with its full event log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SampleCase {
    pub case: Case,
    pub events: Vec<CaseEvent>,
}

struct Scenario {
    /// The product area this kind of escalation belongs to.
    area: &'static str,
    /// Tags a specialist would put on it.
    tags: &'static [&'static str],
    /// What is affected, for the scoping panel.
    affected: &'static str,
    /// A title pattern and the details that fit its `{}`.
    titles: &'static [(&'static str, &'static [&'static str])],
    notes: &'static [&'static str],
}

const WEEKDAYS: &[&str] = &["Monday", "Tuesday", "the 14th", "last Friday"];
const BANKS: &[&str] = &["DBS", "OCBC", "UOB", "Maybank"];
const CURRENCIES: &[&str] = &["JPY", "KWD", "SGD", "IDR"];
const SELLER_COUNTS: &[&str] = &["412", "38", "1,200", "96"];
const AMOUNTS: &[&str] = &["USD 200,000", "SGD 412,880", "EUR 96,500"];

/// Stands in should the scenario table ever be empty (it is not): a plain, valid case.
const FALLBACK_SCENARIO: Scenario = Scenario {
    area: "Payments",
    tags: &[],
    affected: "Payments",
    titles: &[],
    notes: &[],
};

// Each scenario mirrors one kind of escalation the team owns; `{}` takes a detail.
const SCENARIOS: &[Scenario] = &[
    Scenario {
        area: "Payouts",
        tags: &["payouts", "payroll"],
        affected: "Payouts to the merchant's settlement account",
        titles: &[
            ("Payouts held since {} — payroll due Friday", WEEKDAYS),
            ("Payout to {} account returned, funds in limbo", BANKS),
            (
                "Weekly payout skipped after bank details change ({})",
                BANKS,
            ),
        ],
        notes: &[
            "Merchant confirms payroll of ~SGD 84,000 depends on this payout.",
            "Risk hold reason code RH-12 on the balance; asked Risk for the review owner.",
            "Bank returned the transfer: account name mismatch. Asked merchant for a bank letter.",
        ],
    },
    Scenario {
        area: "Risk/verification",
        tags: &["risk-review", "kyc"],
        affected: "Charges and payouts on the whole account",
        titles: &[
            ("Enterprise account closed by risk review on {}", WEEKDAYS),
            (
                "Account under verification, charges disabled since {}",
                WEEKDAYS,
            ),
            (
                "KYC documents rejected three times, payouts to {} paused",
                BANKS,
            ),
        ],
        notes: &[
            "Closure came from automated velocity rule; merchant has 6 years of clean history.",
            "Director's ID expired; new passport scan received by email.",
            "Partner team Risk asks for proof of business address dated within 3 months.",
        ],
    },
    Scenario {
        area: "Disputes",
        tags: &["dispute", "evidence"],
        affected: "Disputes and their evidence submissions",
        titles: &[
            (
                "Dispute lost: evidence never reached the issuer ({} cards)",
                BANKS,
            ),
            (
                "Chargeback spike since {} after descriptor change",
                WEEKDAYS,
            ),
            (
                "Pre-arbitration deadline in 3 days, {} amount disputed",
                AMOUNTS,
            ),
        ],
        notes: &[
            "Evidence upload shows 'submitted' but network log has no record of it.",
            "Descriptor changed on the 3rd; cardholders do not recognise the charge.",
            "Merchant has delivery proof with signature; needs filing before cutoff.",
        ],
    },
    Scenario {
        area: "API/integration",
        tags: &["api", "checkout"],
        affected: "Checkout for the platform's connected sellers",
        titles: &[
            ("API 500s breaking checkout for {} sellers", SELLER_COUNTS),
            (
                "Webhook deliveries delayed 40 min for {} sellers",
                SELLER_COUNTS,
            ),
            ("Idempotency errors on retries since {}", WEEKDAYS),
        ],
        notes: &[
            "Error rate 7% on POST /v1/payment_intents from their platform IPs.",
            "Engineering confirms a queue backlog in the SG region; ETA for drain unknown.",
            "Merchant retries with new idempotency keys, creating duplicate charges.",
        ],
    },
    Scenario {
        area: "Payments",
        tags: &["refunds"],
        affected: "Refunds to end customers",
        titles: &[
            ("Refunds fail in {} only", CURRENCIES),
            ("Partial refunds stuck 'pending' since {}", WEEKDAYS),
            ("Refund returned by {}, customer still not credited", BANKS),
        ],
        notes: &[
            "All failures are JPY; amounts look multiplied by 100 — minor units bug suspected.",
            "Refunds pending > 10 business days; acquirer says file not received.",
            "Customer escalated on social media; merchant wants a written timeline.",
        ],
    },
    Scenario {
        area: "Billing",
        tags: &["invoice", "enterprise"],
        affected: "The enterprise invoice and platform fees",
        titles: &[
            ("Enterprise invoice wrong by six figures ({})", AMOUNTS),
            ("Billed twice for platform fees, {} overcharged", AMOUNTS),
            ("Volume discount not applied since {}", WEEKDAYS),
        ],
        notes: &[
            "Invoice shows USD 412,880 against contracted USD 212,880.",
            "Billing confirms the tier migration reset the discount flag.",
            "Finance at the customer will withhold payment until corrected.",
        ],
    },
];

const ACCOUNTS: &[&str] = &[
    "Kopi Collective",
    "Lion City Logistics",
    "Sakura Mart",
    "Merlion Travel",
    "Tanjong Fresh",
    "Orchid Payroll",
    "Straits Fashion",
    "Harbourfront Labs",
    "Bukit Games",
    "Peranakan Eats",
    "Jurong Parts",
    "Marina Health",
    "Changi Cargo",
    "Raffles Learning",
    "Sentosa Stays",
    "Kampong Crafts",
    "Pulau Tech",
    "Emerald Insurance",
    "Temasek Tickets",
    "Clementi Clinics",
];

const CONTACT_NAMES: &[&str] = &[
    "Wei Ling Tan",
    "Arjun Nair",
    "Siti Nurhaliza",
    "Kenji Sato",
    "Grace Lim",
    "Omar Haddad",
];

/// Money at risk: a currency and a range in major units, chosen to look like real exposure.
const EXPOSURES: &[(&str, i64, i64)] = &[
    ("SGD", 2_000, 400_000),
    ("USD", 1_000, 250_000),
    ("JPY", 100_000, 20_000_000),
    ("KWD", 500, 60_000),
];

const SPECIALISTS: &[&str] = &["Mei Lin", "Raj Kumar", "Aisha Rahman", "Daniel Tan"];

/// Weights for statuses, chosen so a sample queue looks like a busy week.
const STATUS_CYCLE: &[CaseStatus] = &[
    CaseStatus::New,
    CaseStatus::Triaged,
    CaseStatus::InProgress,
    CaseStatus::WaitingOnUser,
    CaseStatus::WaitingOnPartner,
    CaseStatus::Resolved,
    CaseStatus::Closed,
    CaseStatus::InProgress,
    CaseStatus::InProgress,
    CaseStatus::WaitingOnPartner,
    CaseStatus::New,
    CaseStatus::Resolved,
];

/// Generates `size` cases numbered from `first_number`, created within 30 days before `now`.
/// The same seed, size and `now` always give the same cases, ids included.
pub fn generate(seed: u64, size: usize, first_number: u32, now: DateTime<Utc>) -> Vec<SampleCase> {
    let mut rng = fastrand::Rng::with_seed(seed);
    let matrix = PriorityMatrix::default();
    let timing = Timing::new(now);
    (0..size)
        .map(|i| {
            let scenario = pick_ref(&mut rng, SCENARIOS).unwrap_or(&FALLBACK_SCENARIO);
            let account_index = rng.usize(..ACCOUNTS.len());
            let account = ACCOUNTS.get(account_index).copied().unwrap_or_default();
            let (pattern, details) = pick(&mut rng, scenario.titles);
            let title = pattern.replace("{}", pick(&mut rng, details));
            let severity = Severity::ALL
                .get(weighted_severity(&mut rng))
                .copied()
                .unwrap_or(Severity::S3);
            let (impact, urgency) = severity.axes();
            // The first few cases walk through every status so a small sample still shows them all.
            let status = match STATUS_CYCLE.get(i) {
                Some(status) => *status,
                None => pick_ref(&mut rng, STATUS_CYCLE)
                    .copied()
                    .unwrap_or(CaseStatus::New),
            };
            let standing = Standing::draw(&mut rng);
            let opener = pick(&mut rng, SPECIALISTS);
            let id = random_uuid(&mut rng);
            let slug: String = account
                .chars()
                .filter(|c| c.is_ascii_alphanumeric())
                .collect::<String>()
                .to_ascii_lowercase();
            let contact = pick(&mut rng, CONTACT_NAMES);
            let (code, low, high) = pick(&mut rng, EXPOSURES);
            let currency = Currency::parse(code).unwrap_or(Currency::SGD);
            let money = Money::new(
                rng.i64(low..high) * 10i64.pow(currency.exponent()),
                currency,
            );
            let triaged = status != CaseStatus::New;
            let scoping = if triaged {
                Scoping {
                    affected: scenario.affected.to_string(),
                    // Placed once the case's times are known, below.
                    since: None,
                    reproducible: Some(rng.bool()),
                    money_at_risk: Some(money),
                    users_affected: Some(rng.u32(1..5_000)),
                    evidence: vec![format!("https://dashboards.example/accounts/{slug}")],
                }
            } else {
                Scoping::default()
            };
            let mut case = Case {
                id,
                key: CaseKey::from_number(first_number + i as u32),
                title: title.clone(),
                account: Account {
                    name: account.to_string(),
                    account_id: format!(
                        "acct_{:04}{}",
                        account_index,
                        slug.chars().take(6).collect::<String>()
                    ),
                    // Every third account is enterprise, always the same ones.
                    tier: if account_index.is_multiple_of(3) {
                        Tier::Enterprise
                    } else {
                        Tier::Standard
                    },
                },
                contacts: vec![Contact {
                    name: contact.to_string(),
                    email: format!(
                        "{}@{slug}.example",
                        contact.split(' ').next().unwrap_or("ops").to_lowercase()
                    ),
                    phone: format!("+65 6{:03} {:04}", rng.u32(100..1000), rng.u32(0..10_000)),
                }],
                channel: pick(&mut rng, &Channel::ALL),
                product_area: scenario.area.to_string(),
                impact,
                urgency,
                priority: matrix.priority(impact, urgency),
                owner: opener.to_string(),
                tags: scenario.tags.iter().map(|t| t.to_string()).collect(),
                watchers: Vec::new(),
                scoping,
                status,
                resolution: None,
                problem_id: None,
                created_at: now,
                updated_at: now,
                revision: 1,
            };
            // The policy depends on the case's priority and tier, so times come after them.
            let times = timing.plan(&case, status, standing, &mut rng);
            let created_at = times.created_at;
            case.created_at = created_at;
            case.updated_at = created_at;
            if triaged {
                case.scoping.since = Some(created_at - Duration::hours(rng.i64(1..72)));
            }
            let mut events = vec![CaseEvent {
                id: random_uuid(&mut rng),
                case_id: id,
                at: created_at,
                actor: opener.to_string(),
                kind: EventKind::Created {
                    title,
                    severity: None,
                    priority: Some(case.priority),
                },
            }];
            let event = |rng: &mut fastrand::Rng, at: DateTime<Utc>, kind: EventKind| CaseEvent {
                id: random_uuid(rng),
                case_id: id,
                at,
                actor: opener.to_string(),
                kind,
            };
            let email = |subject: &str, body: &str| EventKind::EmailSent {
                to: case
                    .contacts
                    .first()
                    .map(|c| c.email.clone())
                    .unwrap_or_default(),
                cc: String::new(),
                subject: format!("[{}] {subject}", case.key),
                body: body.to_string(),
            };
            if let Some(at) = times.first_reply {
                events.push(event(
                    &mut rng,
                    at,
                    email(
                        "We are on it",
                        "Thanks for the detail. I own this case now and will update you as soon as I hear back from our partner team.",
                    ),
                ));
            }
            // Notes, then the status moves, spread between the first reply and the case's end
            // (for an open case, its latest update to the user, which comes last).
            let notes: Vec<&str> = scenario
                .notes
                .iter()
                .take(rng.usize(0..=scenario.notes.len()))
                .copied()
                .collect();
            let path = status_path(status);
            let start = times.first_reply.unwrap_or(created_at);
            let last = times.updates.last().copied().unwrap_or(times.end);
            let span = (last - start).max(Duration::zero());
            let mut offsets: Vec<i64> = (0..notes.len() + path.len())
                .map(|_| rng.i64(0..=span.num_seconds().max(0)))
                .collect();
            offsets.sort_unstable();
            let mut offsets = offsets.into_iter().map(|s| start + Duration::seconds(s));
            for note in notes {
                let at = offsets.next().unwrap_or(start);
                events.push(event(
                    &mut rng,
                    at,
                    EventKind::NoteAdded {
                        text: note.to_string(),
                    },
                ));
            }
            let mut resolution = None;
            for (from, to) in path {
                let summary = (to == CaseStatus::Resolved)
                    .then(|| pick(&mut rng, RESOLUTIONS).to_string());
                resolution = summary.clone().or(resolution);
                let drawn = offsets.next().unwrap_or(start);
                // A resolved case ends exactly when its times say; closing follows within two days.
                let at = match to {
                    CaseStatus::Resolved => times.end,
                    CaseStatus::Closed => (times.end + Duration::hours(rng.i64(1..48))).min(now),
                    _ => drawn.min(times.end),
                };
                events.push(event(
                    &mut rng,
                    at,
                    EventKind::StatusChanged {
                        from,
                        to,
                        resolution: summary,
                    },
                ));
            }
            for &at in &times.updates {
                events.push(event(
                    &mut rng,
                    at,
                    email(
                        "Update on your case",
                        "A quick update: our partner team is still working on this. I will write again as soon as I have their answer.",
                    ),
                ));
            }
            let revision = events.len() as u64;
            let updated_at = events.iter().map(|e| e.at).max().unwrap_or(created_at);
            SampleCase {
                case: Case {
                    updated_at,
                    revision,
                    resolution,
                    ..case
                },
                events,
            }
        })
        .collect()
}

/// One entry of a constant table, drawn by `rng`; the table's default for an empty one (none is).
fn pick<T: Copy + Default>(rng: &mut fastrand::Rng, items: &[T]) -> T {
    items
        .get(rng.usize(..items.len().max(1)))
        .copied()
        .unwrap_or_default()
}

fn pick_ref<'a, T>(rng: &mut fastrand::Rng, items: &'a [T]) -> Option<&'a T> {
    items.get(rng.usize(..items.len().max(1)))
}

const RESOLUTIONS: &[&str] = &[
    "Partner team released the hold; funds settled next business day. Merchant confirmed receipt.",
    "Root cause was a misconfigured rule; corrected and the account restored. RCA to follow.",
    "Evidence re-submitted through the network portal; dispute reversed in the merchant's favour.",
];

/// The status changes that lead from New to `status`, in order.
fn status_path(status: CaseStatus) -> Vec<(CaseStatus, CaseStatus)> {
    use CaseStatus::*;
    let path: &[CaseStatus] = match status {
        New => &[New],
        Triaged => &[New, Triaged],
        InProgress => &[New, Triaged, InProgress],
        WaitingOnUser => &[New, Triaged, InProgress, WaitingOnUser],
        WaitingOnPartner => &[New, Triaged, InProgress, WaitingOnPartner],
        Resolved => &[New, Triaged, InProgress, Resolved],
        Closed => &[New, Triaged, InProgress, Resolved, Closed],
    };
    path.iter()
        .copied()
        .zip(path.iter().skip(1).copied())
        .collect()
}

fn weighted_severity(rng: &mut fastrand::Rng) -> usize {
    match rng.u8(..100) {
        0..=9 => 0,
        10..=39 => 1,
        40..=79 => 2,
        _ => 3,
    }
}

fn random_uuid(rng: &mut fastrand::Rng) -> Uuid {
    Builder::from_random_bytes(rng.u128(..).to_le_bytes()).into_uuid()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use std::collections::HashSet;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 25, 10, 0, 0).unwrap()
    }

    #[test]
    fn same_seed_same_cases() {
        assert_eq!(generate(7, 50, 1001, now()), generate(7, 50, 1001, now()));
        assert_ne!(generate(7, 50, 1001, now()), generate(8, 50, 1001, now()));
    }

    #[test]
    fn first_run_set_covers_every_status_and_severity() {
        let set = generate(FIRST_RUN_SEED, FIRST_RUN_SIZE, 1001, now());
        assert_eq!(set.len(), FIRST_RUN_SIZE);
        let statuses: HashSet<_> = set.iter().map(|s| s.case.status).collect();
        assert_eq!(statuses.len(), CaseStatus::ALL.len());
        let priorities: HashSet<_> = set.iter().map(|s| s.case.priority).collect();
        assert_eq!(priorities.len(), 4);
        let tiers: HashSet<_> = set.iter().map(|s| s.case.account.tier).collect();
        assert_eq!(tiers.len(), 2);
    }

    #[test]
    fn ids_and_keys_are_unique_and_events_belong_to_their_case() {
        let set = generate(1, 2_000, 5000, now());
        let ids: HashSet<_> = set.iter().map(|s| s.case.id).collect();
        let keys: HashSet<_> = set.iter().map(|s| s.case.key.clone()).collect();
        let event_ids: HashSet<_> = set
            .iter()
            .flat_map(|s| s.events.iter().map(|e| e.id))
            .collect();
        let event_total: usize = set.iter().map(|s| s.events.len()).sum();
        assert_eq!(ids.len(), 2_000);
        assert_eq!(keys.len(), 2_000);
        assert_eq!(event_ids.len(), event_total);
        for s in &set {
            assert!(s.events.iter().all(|e| e.case_id == s.case.id));
            assert!(matches!(s.events[0].kind, EventKind::Created { .. }));
            assert!(
                s.events
                    .iter()
                    .all(|e| e.at <= now() && e.at >= s.case.created_at)
            );
            assert_eq!(s.case.revision, s.events.len() as u64);
            // The status history replays to the status, and every move on the way is legal.
            let mut status = CaseStatus::New;
            for event in &s.events {
                if let EventKind::StatusChanged { from, to, .. } = &event.kind {
                    assert_eq!(*from, status);
                    assert!(crate::domain::case::status::check_transition(*from, *to).is_ok());
                    status = *to;
                }
            }
            assert_eq!(status, s.case.status);
            assert_eq!(
                s.case.status == CaseStatus::New,
                s.case.scoping.affected.is_empty()
            );
            assert_eq!(
                s.case.resolution.is_some(),
                matches!(s.case.status, CaseStatus::Resolved | CaseStatus::Closed)
            );
        }
    }

    #[test]
    fn generated_cases_pass_intake_validation() {
        for s in generate(3, 300, 1001, now()) {
            let input = crate::domain::NewCaseInput {
                title: s.case.title.clone(),
                account: s.case.account.name.clone(),
                contact_email: s.case.contact_email().to_string(),
                severity: "S3".into(),
            };
            assert!(crate::domain::case::check_phone(&s.case.contacts[0].phone).is_ok());
            assert!(input.validate().is_ok(), "{:?}", s.case.title);
        }
    }

    #[test]
    fn fifty_thousand_cases_generate() {
        let set = generate(42, 50_000, 1001, now());
        assert_eq!(set.len(), 50_000);
        assert_eq!(set.last().unwrap().case.key.to_string(), "ESC-51000");
    }
}
