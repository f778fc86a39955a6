//! Every dashboard metric on a small hand-built data set whose answers were worked out by hand.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::string_slice,
    clippy::panic
)]

use chrono::TimeZone;

use super::*;
use crate::domain::rca::{Action, ActionKind, RcaContent, RcaKey};
use crate::domain::sla::{SettledClock, SettledSla};

/// Monday 2 November 2026, 09:00 UTC, plus `minutes`.
fn at(minutes: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 2, 9, 0, 0).unwrap() + Duration::minutes(minutes)
}

const DAY: i64 = 24 * 60;

fn case(
    n: u128,
    area: &str,
    owner: &str,
    priority: Priority,
    status: CaseStatus,
    created: i64,
) -> Case {
    let mut case = crate::domain::sample::generate(5, 1, 1001, at(0))
        .remove(0)
        .case;
    case.id = Uuid::from_u128(n);
    case.product_area = area.into();
    case.owner = owner.into();
    case.priority = priority;
    case.status = status;
    case.created_at = at(created);
    case
}

fn mark(minutes: i64, kind: MarkKind) -> ClockMark {
    ClockMark {
        at: at(minutes),
        kind,
    }
}

fn status(minutes: i64, to: CaseStatus) -> ClockMark {
    mark(minutes, MarkKind::Status { to })
}

fn breach(minutes: i64, target: SlaTarget) -> ClockMark {
    mark(
        minutes,
        MarkKind::Breach {
            target,
            cycle: at(0),
        },
    )
}

fn settled(minutes: i64, breached: &[SlaTarget]) -> ClockMark {
    let clocks = [SlaTarget::FirstResponse, SlaTarget::Resolution]
        .into_iter()
        .map(|target| SettledClock {
            target,
            label: target.label().into(),
            target_minutes: 60,
            elapsed_minutes: 30,
            due: None,
            breached: breached.contains(&target),
        })
        .collect();
    mark(
        minutes,
        MarkKind::Settled {
            record: SettledSla {
                policy: "Standard".into(),
                calendar: "24x7".into(),
                clocks,
            },
        },
    )
}

fn rca(n: u32, category: &str, cases: &[u128], created: i64, actions: Vec<Action>) -> Rca {
    let content = RcaContent {
        title: format!("RCA {n}"),
        owner: "Dana".into(),
        case_ids: cases.iter().map(|c| Uuid::from_u128(*c)).collect(),
        category: category.into(),
        actions,
        ..RcaContent::default()
    };
    let mut rca = Rca::create(
        Uuid::from_u128(9000 + u128::from(n)),
        RcaKey(n),
        content,
        "Dana",
        at(created),
    )
    .unwrap();
    rca.created_at = at(created);
    rca
}

fn action(n: u128, title: &str, due: Option<NaiveDate>, status: ActionStatus) -> Action {
    Action {
        title: title.into(),
        owner: "Priya".into(),
        due,
        status,
        ..Action::new(Uuid::from_u128(n), ActionKind::Corrective)
    }
}

fn date(day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, day).unwrap()
}

/// The period is 2–16 November (two weeks). Cases:
/// 1 Payouts/ana P1 resolved: answered after 30 min, resolved after 2 days, settled with no breach.
/// 2 Payouts/ana P2 open (in progress): answered after 90 min, FR breach logged, never resolved.
/// 3 Disputes/ben P1 open (waiting on user): no answer yet, no breach.
/// 4 Disputes/ben P3 resolved, then reopened, then resolved again: answered after 10 min,
///   resolved after 1 day; RES breach in the settled record; a hand-off answered.
/// 5 Payouts/ana P1 opened before the period and still open: counts in "open now" only.
/// 6 Cards/cy P4 closed, opened in the period: answered after 60 min, resolved after 3 days,
///   a hand-off never answered with an OLA breach.
fn data() -> (Vec<Case>, HashMap<Uuid, Vec<ClockMark>>, Vec<Rca>) {
    use CaseStatus::*;
    let cases = vec![
        case(1, "Payouts", "ana", Priority::P1, Resolved, 0),
        case(2, "Payouts", "ana", Priority::P2, InProgress, 60),
        case(3, "Disputes", "ben", Priority::P1, WaitingOnUser, DAY),
        case(4, "Disputes", "ben", Priority::P3, Resolved, 2 * DAY),
        case(5, "Payouts", "ana", Priority::P1, InProgress, -3 * DAY),
        case(6, "Cards", "cy", Priority::P4, Closed, 3 * DAY),
    ];
    let id = Uuid::from_u128;
    let handoff = Uuid::from_u128(500);
    let mut marks = HashMap::new();
    marks.insert(
        id(1),
        vec![
            status(10, InProgress),
            mark(30, MarkKind::Response),
            status(2 * DAY, Resolved),
            settled(2 * DAY, &[]),
        ],
    );
    marks.insert(
        id(2),
        vec![
            breach(60 + 60, SlaTarget::FirstResponse),
            mark(60 + 90, MarkKind::Response),
            status(60 + 100, InProgress),
        ],
    );
    marks.insert(id(3), vec![status(DAY + 5, WaitingOnUser)]);
    marks.insert(
        id(4),
        vec![
            mark(2 * DAY + 10, MarkKind::Response),
            mark(
                2 * DAY + 20,
                MarkKind::HandOff {
                    id: handoff,
                    team: "Risk".into(),
                    minutes: None,
                },
            ),
            mark(2 * DAY + 40, MarkKind::PartnerAnswer { id: handoff }),
            status(3 * DAY, Resolved),
            settled(3 * DAY, &[SlaTarget::Resolution]),
            status(3 * DAY + 60, InProgress),
            status(4 * DAY, Resolved),
            settled(4 * DAY, &[SlaTarget::Resolution]),
        ],
    );
    marks.insert(id(5), vec![breach(-2 * DAY, SlaTarget::Resolution)]);
    marks.insert(
        id(6),
        vec![
            mark(3 * DAY + 60, MarkKind::Response),
            mark(
                3 * DAY + 70,
                MarkKind::HandOff {
                    id: Uuid::from_u128(501),
                    team: "Engineering".into(),
                    minutes: Some(120),
                },
            ),
            breach(3 * DAY + 200, SlaTarget::PartnerOla),
            status(6 * DAY, Resolved),
            settled(6 * DAY, &[]),
            status(8 * DAY, Closed),
        ],
    );
    let rcas = vec![
        rca(
            1,
            "Configuration or rule change",
            &[1, 2],
            DAY,
            vec![
                action(1, "Fix the rule", Some(date(10)), ActionStatus::Open),
                action(2, "Already done", Some(date(3)), ActionStatus::Done),
            ],
        ),
        rca(2, "Configuration or rule change", &[4], 2 * DAY, vec![]),
        rca(
            3,
            "Partner delay",
            &[6],
            3 * DAY,
            vec![
                action(3, "Chase the OLA", Some(date(12)), ActionStatus::Open),
                action(4, "Not due yet", Some(date(20)), ActionStatus::Open),
            ],
        ),
        rca(4, "", &[3], 4 * DAY, vec![]),
        rca(5, "Partner delay", &[5], -10 * DAY, vec![]),
    ];
    (cases, marks, rcas)
}

fn period() -> Period {
    Period::days(date(2), date(15)).unwrap()
}

fn board() -> Dashboard {
    let (cases, marks, rcas) = data();
    dashboard(
        &cases,
        &marks,
        &rcas,
        period(),
        &Filters::default(),
        date(16),
    )
}

#[test]
fn a_custom_period_runs_from_the_first_midnight_to_the_midnight_after_the_last_day() {
    let p = period();
    assert_eq!(p.start, Utc.with_ymd_and_hms(2026, 11, 2, 0, 0, 0).unwrap());
    assert_eq!(p.end, Utc.with_ymd_and_hms(2026, 11, 16, 0, 0, 0).unwrap());
    assert!(Period::days(date(5), date(4)).is_none());
    let last = Period::last_days(7, at(0));
    assert_eq!(last.end - last.start, Duration::days(7));
}

#[test]
fn open_cases_are_counted_by_priority_and_status_whenever_they_were_opened() {
    let d = board();
    assert_eq!(d.open_total, 3);
    let p1 = &d.open_by_priority[0];
    assert_eq!(p1.0, Priority::P1);
    let count = |row: &Vec<(CaseStatus, usize)>, s: CaseStatus| {
        row.iter().find(|(x, _)| *x == s).unwrap().1
    };
    assert_eq!(count(&p1.1, CaseStatus::InProgress), 1);
    assert_eq!(count(&p1.1, CaseStatus::WaitingOnUser), 1);
    assert_eq!(count(&d.open_by_priority[1].1, CaseStatus::InProgress), 1);
    // Only open statuses are columns.
    assert_eq!(p1.1.len(), 5);
}

#[test]
fn attainment_counts_met_breached_and_pending_per_target() {
    let d = board();
    let get = |t: SlaTarget| d.attainment.iter().find(|(x, _)| *x == t).unwrap().1;
    // FR: 1, 4, 6 answered without breach; 2 breached; 3 still waiting.
    assert_eq!(
        get(SlaTarget::FirstResponse),
        Attainment {
            met: 3,
            breached: 1,
            pending: 1
        }
    );
    // RES: 1 and 6 done clean; 4 breached per its settled record; 2 and 3 open.
    assert_eq!(
        get(SlaTarget::Resolution),
        Attainment {
            met: 2,
            breached: 1,
            pending: 2
        }
    );
    assert_eq!(get(SlaTarget::Resolution).rate(), Some(2.0 / 3.0));
    // NU: stops at resolution; no NU breaches.
    assert_eq!(
        get(SlaTarget::NextUpdate),
        Attainment {
            met: 3,
            breached: 0,
            pending: 2
        }
    );
    // OLA applies only to cases with a hand-off: 4 answered, 6 breached.
    assert_eq!(
        get(SlaTarget::PartnerOla),
        Attainment {
            met: 1,
            breached: 1,
            pending: 0
        }
    );
    assert_eq!(d.cohort, 5);
}

#[test]
fn response_and_resolution_times_are_nearest_rank_median_and_p90() {
    let d = board();
    // First responses: 30, 90, 10, 60 minutes → sorted 10, 30, 60, 90.
    assert_eq!(
        d.first_response,
        Spread {
            count: 4,
            median_minutes: Some(30),
            p90_minutes: Some(90)
        }
    );
    // Resolutions (first time): 2 days, 1 day, 3 days.
    assert_eq!(
        d.resolution,
        Spread {
            count: 3,
            median_minutes: Some(2 * DAY),
            p90_minutes: Some(3 * DAY)
        }
    );
    assert_eq!(nearest_rank(&[], 50), None);
    assert_eq!(nearest_rank(&[7], 90), Some(7));
    let hundred: Vec<i64> = (1..=100).collect();
    assert_eq!(nearest_rank(&hundred, 90), Some(90));
    assert_eq!(nearest_rank(&hundred, 50), Some(50));
}

#[test]
fn breaches_are_counted_in_the_week_they_were_logged_and_empty_weeks_show_zero() {
    let d = board();
    // Weeks of 2 and 9 November: the period ends at the midnight that starts the 16th.
    assert_eq!(d.breach_trend, vec![(date(2), 2), (date(9), 0)]);
}

#[test]
fn the_root_cause_pareto_ranks_categories_of_rcas_opened_in_the_period() {
    let d = board();
    assert_eq!(
        d.root_causes,
        vec![
            ParetoRow {
                category: "Configuration or rule change".into(),
                rcas: 2,
                cases: 3,
                cumulative_percent: 50
            },
            ParetoRow {
                category: "(not categorised)".into(),
                rcas: 1,
                cases: 1,
                cumulative_percent: 75
            },
            ParetoRow {
                category: "Partner delay".into(),
                rcas: 1,
                cases: 1,
                cumulative_percent: 100
            },
        ]
    );
}

#[test]
fn product_areas_reopens_and_workload() {
    let d = board();
    assert_eq!(
        d.by_product_area,
        vec![
            ("Disputes".into(), 2),
            ("Payouts".into(), 2),
            ("Cards".into(), 1)
        ]
    );
    // Resolved at least once: 1, 4, 6; reopened: 4.
    assert_eq!((d.resolved, d.reopened), (3, 1));
    assert_eq!(d.reopen_rate(), Some(1.0 / 3.0));
    assert_eq!(
        d.workload,
        vec![
            OwnerLoad {
                owner: "ana".into(),
                open: 2,
                urgent: 2,
                breached: 2
            },
            OwnerLoad {
                owner: "ben".into(),
                open: 1,
                urgent: 1,
                breached: 0
            },
        ]
    );
}

#[test]
fn overdue_actions_are_open_ones_past_their_due_date_oldest_first() {
    let d = board();
    let rows: Vec<(&str, &str, i64)> = d
        .overdue_actions
        .iter()
        .map(|a| (a.rca.as_str(), a.title.as_str(), a.days_overdue))
        .collect();
    assert_eq!(
        rows,
        vec![("RCA-1", "Fix the rule", 6), ("RCA-3", "Chase the OLA", 4)]
    );
}

#[test]
fn filters_narrow_every_figure_to_matching_cases() {
    let (cases, marks, rcas) = data();
    let filters = Filters {
        product_area: Some("Disputes".into()),
        ..Filters::default()
    };
    let d = dashboard(&cases, &marks, &rcas, period(), &filters, date(16));
    assert_eq!((d.cohort, d.open_total), (2, 1));
    assert_eq!(d.by_product_area, vec![("Disputes".into(), 2)]);
    // Only RCAs that cite a Disputes case (3 and 4).
    let categories: Vec<&str> = d.root_causes.iter().map(|r| r.category.as_str()).collect();
    assert_eq!(
        categories,
        vec!["(not categorised)", "Configuration or rule change"]
    );
    assert!(d.overdue_actions.is_empty());
    assert_eq!(d.breach_trend.iter().map(|(_, n)| n).sum::<usize>(), 0);

    let p1 = Filters {
        priority: Some(Priority::P1),
        owner: Some("ana".into()),
        ..Filters::default()
    };
    let d = dashboard(&cases, &marks, &rcas, period(), &p1, date(16));
    assert_eq!((d.cohort, d.open_total), (1, 1));
}

#[test]
fn an_empty_desk_has_no_rates_rather_than_zero_percent() {
    let d = dashboard(
        &[],
        &HashMap::new(),
        &[],
        period(),
        &Filters::default(),
        date(16),
    );
    assert_eq!(d.cohort, 0);
    assert!(d.attainment.iter().all(|(_, a)| a.rate().is_none()));
    assert_eq!(d.first_response.median_minutes, None);
    assert_eq!(d.reopen_rate(), None);
    assert_eq!(d.breach_trend.len(), 2);
}

#[test]
fn csv_quotes_separators_and_defuses_formulas() {
    let csv = to_csv(
        &["name", "n"],
        &[
            vec!["Acme, Inc.".into(), 3usize.into()],
            vec!["=HYPERLINK(\"x\")".into(), CsvCell::from(-4i64)],
            vec!["line\nbreak".into(), CsvCell::Empty],
        ],
    );
    assert_eq!(
        csv,
        "name,n\n\"Acme, Inc.\",3\n\"'=HYPERLINK(\"\"x\"\")\",-4\n\"line\nbreak\",\n"
    );
}
