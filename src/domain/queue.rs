//! The queue: which cases a view shows, in what order, and how many each saved view holds.

use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

use super::case::{Case, CaseStatus, Tier};
use super::priority::Priority;
use super::search::{Query, fold};
use super::sla::{ClockMark, Health, MarkKind};
use chrono::{DateTime, Utc};

/// Every filter the queue offers. Empty sets and `None` mean "any".
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct QueueFilter {
    /// `open_only` narrows to open statuses before `statuses` applies.
    pub open_only: bool,
    pub statuses: BTreeSet<CaseStatus>,
    pub priorities: BTreeSet<Priority>,
    pub owner: Option<String>,
    pub product_area: Option<String>,
    pub tier: Option<Tier>,
    pub tag: Option<String>,
    /// Narrow to cases whose service levels are in trouble.
    pub sla: Option<SlaFilter>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum SlaFilter {
    /// At risk or already breached: everything that needs attention first.
    AtRisk,
    Breached,
}

impl SlaFilter {
    pub fn admits(self, health: Health) -> bool {
        match self {
            SlaFilter::AtRisk => matches!(health, Health::AtRisk | Health::Breached),
            SlaFilter::Breached => health == Health::Breached,
        }
    }
}

impl QueueFilter {
    pub fn admits(&self, case: &Case) -> bool {
        (!self.open_only || case.status.is_open())
            && (self.statuses.is_empty() || self.statuses.contains(&case.status))
            && (self.priorities.is_empty() || self.priorities.contains(&case.priority))
            && self.owner.as_ref().is_none_or(|o| o == &case.owner)
            && self
                .product_area
                .as_ref()
                .is_none_or(|a| a == &case.product_area)
            && self.tier.is_none_or(|t| t == case.account.tier)
            && self.tag.as_ref().is_none_or(|t| case.tags.contains(t))
    }
}

/// A named filter the specialist returns to all day ("My P1s", "Waiting on partner").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedView {
    pub name: String,
    pub filter: QueueFilter,
}

/// Views every new desk starts with; `owner` is the person at the keyboard.
pub fn starter_views(owner: &str) -> Vec<SavedView> {
    let view = |name: &str, filter: QueueFilter| SavedView {
        name: name.into(),
        filter,
    };
    vec![
        view(
            "All open",
            QueueFilter {
                open_only: true,
                ..QueueFilter::default()
            },
        ),
        view(
            "Mine",
            QueueFilter {
                open_only: true,
                owner: Some(owner.to_string()),
                ..QueueFilter::default()
            },
        ),
        view(
            "P1",
            QueueFilter {
                open_only: true,
                priorities: [Priority::P1].into(),
                ..QueueFilter::default()
            },
        ),
        view(
            "SLA at risk",
            QueueFilter {
                open_only: true,
                sla: Some(SlaFilter::AtRisk),
                ..QueueFilter::default()
            },
        ),
        view(
            "Waiting on partner",
            QueueFilter {
                statuses: [CaseStatus::WaitingOnPartner].into(),
                ..QueueFilter::default()
            },
        ),
        view("Everything", QueueFilter::default()),
    ]
}

/// Folded text a case is searched by: title, account name and id, contacts, and
/// `extra` (notes and emails, kept by storage beside the case).
pub fn search_text(case: &Case, extra: &str) -> String {
    let mut text = String::with_capacity(case.title.len() + extra.len() + 96);
    for part in [
        case.key.to_string().as_str(),
        &case.title,
        &case.account.name,
        &case.account.account_id,
    ] {
        text.push_str(part);
        text.push('\n');
    }
    for contact in &case.contacts {
        for part in [&contact.name, &contact.email, &contact.phone] {
            text.push_str(part);
            text.push('\n');
        }
    }
    let mut folded = fold(&text);
    folded.push_str(extra);
    folded
}

/// Every case index in queue order. Computed when cases change, not per keystroke:
/// filtering an already ordered list keeps its order, so typing never pays for a sort.
pub fn queue_order_indices(cases: &[Case]) -> Vec<usize> {
    let mut order: Vec<(QueueKey, usize)> = cases
        .iter()
        .enumerate()
        .map(|(i, case)| (queue_key(case), i))
        .collect();
    // The index last makes every key distinct, so the unstable sort gives the stable order.
    order.sort_unstable();
    order.into_iter().map(|(_, i)| i).collect()
}

/// What `queue_order` compares, copied out of each case: sorting 50k small values in one array
/// took less than half the time of comparing the cases themselves, each a pointer away.
type QueueKey = (bool, Priority, DateTime<Utc>, u32);

/// Whether a case has no live deadline (those go last), then the deadline.
type DeadlineKey = (bool, Option<DateTime<Utc>>);

/// Open cases first, then priority, age and key number: `queue_order` as a key.
fn queue_key(case: &Case) -> QueueKey {
    (
        !case.status.is_open(),
        case.priority,
        case.created_at,
        case.key.number(),
    )
}

/// Indexes of the cases the filter and query admit, in the order of `order`.
/// `texts[i]` is `search_text` of `cases[i]`; the caller keeps it so keystrokes do not re-fold.
/// `texts` is only read when the query is not empty, so it may be empty then.
/// `health[i]` is the SLA health of `cases[i]`; it is only read when the filter asks about SLAs.
pub fn select(
    order: &[usize],
    cases: &[Case],
    texts: &[String],
    health: &[Health],
    filter: &QueueFilter,
    query: &Query,
) -> Vec<usize> {
    order
        .iter()
        .copied()
        .filter(|&i| {
            cases.get(i).is_some_and(|case| filter.admits(case))
                && filter
                    .sla
                    .is_none_or(|f| f.admits(health.get(i).copied().unwrap_or(Health::Idle)))
                && (query.is_empty() || query.matches([texts.get(i).map_or("", String::as_str)]))
        })
        .collect()
}

/// Every case index by next SLA deadline, most overdue first; cases with no live deadline follow
/// in the usual queue order. `due[i]` belongs to `cases[i]`.
pub fn deadline_order_indices(
    cases: &[Case],
    due: &[Option<chrono::DateTime<chrono::Utc>>],
) -> Vec<usize> {
    // A deadline before none; then the deadline; then the usual queue order; then the index.
    let mut order: Vec<(DeadlineKey, QueueKey, usize)> = cases
        .iter()
        .enumerate()
        .map(|(i, case)| {
            let next = due.get(i).copied().flatten();
            ((next.is_none(), next), queue_key(case), i)
        })
        .collect();
    order.sort_unstable();
    order.into_iter().map(|(_, _, i)| i).collect()
}

/// How many cases each view holds right now.
/// A case's follow-up: when to come back to it, and whether it leaves the queue until then.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reminder {
    pub at: DateTime<Utc>,
    pub snooze: bool,
}

impl Reminder {
    pub fn is_due(&self, now: DateTime<Utc>) -> bool {
        self.at <= now
    }
}

/// The case's current reminder: the latest one set, unless it was cleared since.
pub fn reminder_of(marks: &[ClockMark]) -> Option<Reminder> {
    marks.iter().rev().find_map(|m| match m.kind {
        MarkKind::Reminder { at, snooze } => Some(at.map(|at| Reminder { at, snooze })),
        _ => None,
    })?
}

/// Puts due reminders first (soonest due first) and leaves snoozed cases out until they are
/// due; every other case keeps its place. `reminders` is parallel to the case list.
pub fn raise_reminders(
    picked: &[usize],
    reminders: &[Option<Reminder>],
    now: DateTime<Utc>,
) -> Vec<usize> {
    let mut due: Vec<(DateTime<Utc>, usize)> = Vec::new();
    let mut rest = Vec::with_capacity(picked.len());
    for &i in picked {
        match reminders.get(i).copied().flatten() {
            Some(r) if r.is_due(now) => due.push((r.at, i)),
            Some(r) if r.snooze => {}
            _ => rest.push(i),
        }
    }
    due.sort();
    due.into_iter().map(|(_, i)| i).chain(rest).collect()
}

pub fn view_counts(cases: &[Case], health: &[Health], views: &[SavedView]) -> Vec<usize> {
    views
        .iter()
        .map(|v| {
            cases
                .iter()
                .enumerate()
                .filter(|(i, c)| {
                    v.filter.admits(c)
                        && v.filter.sla.is_none_or(|f| {
                            f.admits(health.get(*i).copied().unwrap_or(Health::Idle))
                        })
                })
                .count()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::case::queue_order;
    use crate::domain::sample::generate;
    use chrono::TimeZone;

    fn cases() -> Vec<Case> {
        let now = chrono::Utc
            .with_ymd_and_hms(2026, 11, 25, 10, 0, 0)
            .unwrap();
        generate(11, 400, 1001, now)
            .into_iter()
            .map(|s| s.case)
            .collect()
    }

    /// The key sorts give exactly the order the comparators define, ties and all.
    #[test]
    fn the_keyed_orders_match_the_comparators() {
        let mut all = cases();
        // Ties on every field the order reads: same creation time, same priority.
        for case in all.iter_mut().step_by(3) {
            case.created_at = all_created();
        }
        let mut expected: Vec<usize> = (0..all.len()).collect();
        expected.sort_by(|&a, &b| queue_order(&all[a], &all[b]));
        assert_eq!(queue_order_indices(&all), expected);

        let due: Vec<Option<DateTime<Utc>>> = (0..all.len())
            .map(|i| {
                (i % 4 != 0).then(|| all_created() + chrono::Duration::minutes((i % 7) as i64))
            })
            .collect();
        let mut expected: Vec<usize> = (0..all.len()).collect();
        expected.sort_by(|&a, &b| match (due[a], due[b]) {
            (Some(x), Some(y)) => x.cmp(&y).then_with(|| queue_order(&all[a], &all[b])),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => queue_order(&all[a], &all[b]),
        });
        assert_eq!(deadline_order_indices(&all, &due), expected);
    }

    fn all_created() -> DateTime<Utc> {
        chrono::Utc.with_ymd_and_hms(2026, 11, 20, 9, 0, 0).unwrap()
    }

    fn texts(cases: &[Case]) -> Vec<String> {
        cases.iter().map(|c| search_text(c, "")).collect()
    }

    #[test]
    fn each_filter_narrows_by_its_field() {
        let all = cases();
        let t = texts(&all);
        let q = Query::default();
        let order = queue_order_indices(&all);
        let check = |filter: QueueFilter, pred: &dyn Fn(&Case) -> bool| {
            let picked = select(&order, &all, &t, &[], &filter, &q);
            assert!(
                !picked.is_empty(),
                "{filter:?} matched nothing; sample data should cover it"
            );
            assert!(picked.iter().all(|&i| pred(&all[i])), "{filter:?}");
            assert_eq!(
                picked.len(),
                all.iter().filter(|c| pred(c)).count(),
                "{filter:?}"
            );
        };
        check(
            QueueFilter {
                open_only: true,
                ..Default::default()
            },
            &|c| c.status.is_open(),
        );
        check(
            QueueFilter {
                statuses: [CaseStatus::WaitingOnUser].into(),
                ..Default::default()
            },
            &|c| c.status == CaseStatus::WaitingOnUser,
        );
        check(
            QueueFilter {
                priorities: [Priority::P1, Priority::P2].into(),
                ..Default::default()
            },
            &|c| c.priority <= Priority::P2,
        );
        check(
            QueueFilter {
                owner: Some("Mei Lin".into()),
                ..Default::default()
            },
            &|c| c.owner == "Mei Lin",
        );
        check(
            QueueFilter {
                product_area: Some("Disputes".into()),
                ..Default::default()
            },
            &|c| c.product_area == "Disputes",
        );
        check(
            QueueFilter {
                tier: Some(Tier::Enterprise),
                ..Default::default()
            },
            &|c| c.account.tier == Tier::Enterprise,
        );
        check(
            QueueFilter {
                tag: Some("payroll".into()),
                ..Default::default()
            },
            &|c| c.tags.iter().any(|t| t == "payroll"),
        );
    }

    #[test]
    fn sla_filters_and_deadline_order() {
        use chrono::{Duration, TimeZone, Utc};
        let all = cases();
        let t0 = Utc.with_ymd_and_hms(2026, 11, 30, 9, 0, 0).unwrap();
        let mut health = vec![Health::OnTrack; all.len()];
        health[2] = Health::Breached;
        health[4] = Health::AtRisk;
        let order = queue_order_indices(&all);
        let pick = |sla| {
            let filter = QueueFilter {
                sla: Some(sla),
                ..Default::default()
            };
            select(&order, &all, &[], &health, &filter, &Query::default())
        };
        let mut at_risk = pick(SlaFilter::AtRisk);
        at_risk.sort();
        assert_eq!(at_risk, vec![2, 4]);
        assert_eq!(pick(SlaFilter::Breached), vec![2]);
        let mut due = vec![None; all.len()];
        due[6] = Some(t0 + Duration::hours(3));
        due[1] = Some(t0 - Duration::hours(1));
        due[3] = Some(t0 + Duration::hours(1));
        let ordered = deadline_order_indices(&all, &due);
        assert_eq!(&ordered[..3], &[1, 3, 6], "overdue first, then soonest");
        assert_eq!(ordered.len(), all.len());
        let rest: Vec<usize> = ordered[3..].to_vec();
        assert!(
            rest.windows(2)
                .all(|w| queue_order(&all[w[0]], &all[w[1]]).is_le())
        );
    }

    #[test]
    fn results_come_in_queue_order() {
        let all = cases();
        let picked = select(
            &queue_order_indices(&all),
            &all,
            &texts(&all),
            &[],
            &QueueFilter::default(),
            &Query::default(),
        );
        assert_eq!(picked.len(), all.len());
        assert!(
            picked
                .windows(2)
                .all(|w| queue_order(&all[w[0]], &all[w[1]]).is_le())
        );
    }

    #[test]
    fn search_covers_title_account_contacts_and_notes() {
        let all = cases();
        let mut t = texts(&all);
        t[7].push_str(&fold("\nCalled treasury: wire ref ZX-99812"));
        let order = queue_order_indices(&all);
        let find = |text: &str| {
            select(
                &order,
                &all,
                &t,
                &[],
                &QueueFilter::default(),
                &Query::parse(text),
            )
        };
        assert_eq!(find("zx-99812"), vec![find("zx-99812")[0]]);
        assert_eq!(find("ZX-99812").len(), 1);
        let contact = all[3].contacts[0].email.clone();
        assert!(find(&contact).contains(&3));
        let key = all[5].key.to_string();
        assert_eq!(find(&key).len(), 1);
        assert!(
            find("kopi")
                .iter()
                .all(|&i| all[i].account.name.contains("Kopi"))
        );
        assert!(find("no-such-thing-anywhere").is_empty());
    }

    #[test]
    fn view_counts_match_their_filters() {
        let all = cases();
        let views = starter_views("Mei Lin");
        let mut health = vec![Health::OnTrack; all.len()];
        health[0] = Health::Breached;
        let counts = view_counts(&all, &health, &views);
        assert_eq!(counts[0], all.iter().filter(|c| c.status.is_open()).count());
        assert_eq!(
            counts[1],
            all.iter()
                .filter(|c| c.status.is_open() && c.owner == "Mei Lin")
                .count()
        );
        assert_eq!(counts[3], usize::from(all[0].status.is_open()));
        assert_eq!(counts[5], all.len());
        assert!(counts[1] > 0 && counts[2] > 0 && counts[4] > 0);
    }

    #[test]
    fn due_reminders_rise_and_snoozed_cases_wait() {
        use chrono::TimeZone;
        let now = Utc.with_ymd_and_hms(2026, 11, 25, 9, 0, 0).unwrap();
        let mark = |minutes: i64, at: Option<i64>, snooze: bool| ClockMark {
            at: now + chrono::Duration::minutes(minutes),
            kind: MarkKind::Reminder {
                at: at.map(|m| now + chrono::Duration::minutes(m)),
                snooze,
            },
        };
        // The latest mark wins, and a cleared reminder is no reminder.
        assert_eq!(reminder_of(&[]), None);
        assert_eq!(
            reminder_of(&[mark(-10, Some(30), false), mark(-5, None, false)]),
            None
        );
        let r = |at: i64, snooze| {
            Some(Reminder {
                at: now + chrono::Duration::minutes(at),
                snooze,
            })
        };
        assert_eq!(
            reminder_of(&[mark(-10, None, false), mark(-5, Some(30), true)]),
            r(30, true)
        );
        // Case 0: no reminder; 1: due 5 min ago; 2: snoozed for another hour; 3: due 20 min ago;
        // 4: reminder not yet due (stays in place); 5: snooze over (due).
        let reminders = [
            None,
            r(-5, false),
            r(60, true),
            r(-20, false),
            r(10, false),
            r(-1, true),
        ];
        assert_eq!(
            raise_reminders(&[0, 1, 2, 3, 4, 5], &reminders, now),
            vec![3, 1, 5, 0, 4]
        );
        // Order of everything else is kept exactly, whatever the sort was.
        assert_eq!(raise_reminders(&[4, 0], &reminders, now), vec![4, 0]);
    }
}
