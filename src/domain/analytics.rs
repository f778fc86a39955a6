//! The dashboard's figures: every metric computed from cases, their clock marks and RCAs for a period.
//!
//! Definitions a specialist can check by hand (the dashboard says them too):
//! - the *cohort* is the cases opened in the period that pass the filters; attainment, response and
//!   resolution times, product areas and reopens are about the cohort;
//! - *open now* and *workload* are a snapshot of every open case that passes the filters;
//! - a target is *breached* if its breach was logged (the app logs one per clock cycle the moment
//!   it sees it) or the resolution record says so, *met* once the clock has stopped without one,
//!   and *pending* while it still runs; attainment is met ÷ (met + breached);
//! - times are wall-clock minutes from opening, nearest-rank percentiles;
//! - weeks start on Monday, UTC.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use uuid::Uuid;

use crate::domain::case::{Case, CaseStatus};
use crate::domain::priority::Priority;
use crate::domain::rca::{ActionStatus, Rca};
use crate::domain::sla::{ClockMark, MarkKind, SlaTarget};

/// `[start, end)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
}

impl Period {
    /// The `days` days up to `now`.
    pub fn last_days(days: u32, now: DateTime<Utc>) -> Period {
        Period {
            start: now - Duration::days(i64::from(days)),
            end: now,
        }
    }

    /// Whole UTC days from `first` to `last`, both included; `None` if they are the wrong way round.
    pub fn days(first: NaiveDate, last: NaiveDate) -> Option<Period> {
        if last < first {
            return None;
        }
        let start = first.and_hms_opt(0, 0, 0)?.and_utc();
        let end = last.succ_opt()?.and_hms_opt(0, 0, 0)?.and_utc();
        Some(Period { start, end })
    }

    pub fn contains(&self, at: DateTime<Utc>) -> bool {
        self.start <= at && at < self.end
    }
}

/// Narrows every figure to matching cases; `None` matches everything.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filters {
    pub product_area: Option<String>,
    pub owner: Option<String>,
    pub priority: Option<Priority>,
}

impl Filters {
    pub fn admits(&self, case: &Case) -> bool {
        self.product_area
            .as_ref()
            .is_none_or(|area| &case.product_area == area)
            && self.owner.as_ref().is_none_or(|owner| &case.owner == owner)
            && self.priority.is_none_or(|p| case.priority == p)
    }

    pub fn is_empty(&self) -> bool {
        *self == Filters::default()
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Attainment {
    pub met: usize,
    pub breached: usize,
    pub pending: usize,
}

impl Attainment {
    /// Met as a share of decided clocks; `None` when nothing is decided yet.
    pub fn rate(&self) -> Option<f64> {
        let decided = self.met + self.breached;
        (decided > 0).then(|| self.met as f64 / decided as f64)
    }
}

/// Median and 90th percentile of a set of durations, in minutes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Spread {
    pub count: usize,
    pub median_minutes: Option<i64>,
    pub p90_minutes: Option<i64>,
}

impl Spread {
    fn of(mut minutes: Vec<i64>) -> Spread {
        minutes.sort_unstable();
        Spread {
            count: minutes.len(),
            median_minutes: nearest_rank(&minutes, 50),
            p90_minutes: nearest_rank(&minutes, 90),
        }
    }
}

/// The nearest-rank percentile of sorted values: the smallest value with at least `pct`% at or below it.
pub fn nearest_rank(sorted: &[i64], pct: usize) -> Option<i64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = pct
        .saturating_mul(sorted.len())
        .div_ceil(100)
        .clamp(1, sorted.len());
    sorted.get(rank - 1).copied()
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParetoRow {
    pub category: String,
    pub rcas: usize,
    pub cases: usize,
    /// Share of all RCAs in this and every larger category, in whole percent.
    pub cumulative_percent: u32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OwnerLoad {
    pub owner: String,
    pub open: usize,
    pub urgent: usize,
    pub breached: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OverdueAction {
    pub rca: String,
    pub rca_id: Uuid,
    pub title: String,
    pub owner: String,
    pub due: NaiveDate,
    pub days_overdue: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Dashboard {
    /// Open cases now: one row per priority, counts per open status in `CaseStatus::ALL` order.
    pub open_by_priority: Vec<(Priority, Vec<(CaseStatus, usize)>)>,
    pub open_total: usize,
    pub cohort: usize,
    pub attainment: Vec<(SlaTarget, Attainment)>,
    pub first_response: Spread,
    pub resolution: Spread,
    /// Breaches logged in the period, per week (Monday), every week of the period listed.
    pub breach_trend: Vec<(NaiveDate, usize)>,
    pub root_causes: Vec<ParetoRow>,
    pub by_product_area: Vec<(String, usize)>,
    /// Cohort cases resolved at least once, and of those, reopened afterwards.
    pub resolved: usize,
    pub reopened: usize,
    pub workload: Vec<OwnerLoad>,
    pub overdue_actions: Vec<OverdueAction>,
}

impl Dashboard {
    pub fn reopen_rate(&self) -> Option<f64> {
        (self.resolved > 0).then(|| self.reopened as f64 / self.resolved as f64)
    }
}

/// What one case's marks say, read in one pass (also the SQL console's per-case columns).
#[derive(Default)]
pub(crate) struct CaseFacts {
    pub(crate) first_response: Option<DateTime<Utc>>,
    pub(crate) first_resolved: Option<DateTime<Utc>>,
    pub(crate) reopened: bool,
    breached: [bool; 4],
    settled_met: [bool; 4],
    handoffs: usize,
    answered: usize,
}

impl CaseFacts {
    fn set_breached(&mut self, target: SlaTarget) {
        if let Some(slot) = self.breached.get_mut(target_index(target)) {
            *slot = true;
        }
    }
}

fn target_index(target: SlaTarget) -> usize {
    match target {
        SlaTarget::FirstResponse => 0,
        SlaTarget::NextUpdate => 1,
        SlaTarget::Resolution => 2,
        SlaTarget::PartnerOla => 3,
    }
}

pub(crate) fn facts(marks: &[ClockMark]) -> CaseFacts {
    let mut facts = CaseFacts::default();
    let mut done = false;
    for mark in marks {
        match &mark.kind {
            MarkKind::Response => {
                facts.first_response.get_or_insert(mark.at);
            }
            MarkKind::Status { to } => {
                let now_done = !to.is_open();
                if now_done && *to == CaseStatus::Resolved {
                    facts.first_resolved.get_or_insert(mark.at);
                }
                if done && !now_done {
                    facts.reopened = true;
                }
                done = now_done;
            }
            MarkKind::Breach { target, .. } => facts.set_breached(*target),
            MarkKind::Settled { record } => {
                for clock in &record.clocks {
                    if clock.breached {
                        facts.set_breached(clock.target);
                    } else if let Some(met) = facts.settled_met.get_mut(target_index(clock.target))
                    {
                        *met = true;
                    }
                }
            }
            MarkKind::HandOff { .. } => facts.handoffs += 1,
            MarkKind::PartnerAnswer { .. } => facts.answered += 1,
            _ => {}
        }
    }
    facts
}

/// Where one target of one case stands; `None` when the target never applied (no hand-off, no OLA).
fn outcome(case: &Case, facts: &CaseFacts, target: SlaTarget) -> Option<Outcome> {
    let i = target_index(target);
    let settled_met = facts.settled_met.get(i).copied().unwrap_or(false);
    if facts.breached.get(i).copied().unwrap_or(false) {
        return Some(Outcome::Breached);
    }
    let stopped = match target {
        SlaTarget::FirstResponse => facts.first_response.is_some() || settled_met,
        SlaTarget::NextUpdate => !case.status.is_open(),
        SlaTarget::Resolution => !case.status.is_open(),
        SlaTarget::PartnerOla => {
            if facts.handoffs == 0 {
                return None;
            }
            facts.answered >= facts.handoffs || !case.status.is_open()
        }
    };
    Some(if stopped {
        Outcome::Met
    } else {
        Outcome::Pending
    })
}

enum Outcome {
    Met,
    Breached,
    Pending,
}

fn minutes_between(from: DateTime<Utc>, to: DateTime<Utc>) -> i64 {
    (to - from).num_minutes().max(0)
}

fn week_of(at: DateTime<Utc>) -> NaiveDate {
    let day = at.date_naive();
    day - Duration::days(i64::from(day.weekday().num_days_from_monday()))
}

/// Every figure on the dashboard. `today` is the desk's local date, for overdue actions.
pub fn dashboard(
    cases: &[Case],
    marks: &HashMap<Uuid, Vec<ClockMark>>,
    rcas: &[Rca],
    period: Period,
    filters: &Filters,
    today: NaiveDate,
) -> Dashboard {
    let no_marks = Vec::new();
    let mut open = [[0usize; 7]; 4];
    let mut open_total = 0;
    let mut cohort = 0;
    let mut attainment = [Attainment::default(); 4];
    let mut first_response = Vec::new();
    let mut resolution = Vec::new();
    let mut weeks: BTreeMap<NaiveDate, usize> = BTreeMap::new();
    let mut areas: HashMap<&str, usize> = HashMap::new();
    let mut resolved = 0;
    let mut reopened = 0;
    let mut owners: HashMap<&str, OwnerLoad> = HashMap::new();
    let mut in_scope: std::collections::HashSet<Uuid> = std::collections::HashSet::new();

    let mut week = week_of(period.start);
    while week.and_time(chrono::NaiveTime::MIN).and_utc() < period.end {
        weeks.insert(week, 0);
        week += Duration::days(7);
    }

    for case in cases {
        if !filters.admits(case) {
            continue;
        }
        if !filters.is_empty() {
            in_scope.insert(case.id);
        }
        let case_marks = marks.get(&case.id).unwrap_or(&no_marks);
        for mark in case_marks {
            if let MarkKind::Breach { .. } = mark.kind
                && period.contains(mark.at)
            {
                *weeks.entry(week_of(mark.at)).or_default() += 1;
            }
        }
        let is_open = case.status.is_open();
        let case_facts = if is_open || period.contains(case.created_at) {
            Some(facts(case_marks))
        } else {
            None
        };
        if is_open {
            open_total += 1;
            if let Some(cell) = open
                .get_mut(priority_index(case.priority))
                .and_then(|row| row.get_mut(case.status as usize))
            {
                *cell += 1;
            }
            let load = owners
                .entry(case.owner.as_str())
                .or_insert_with(|| OwnerLoad {
                    owner: case.owner.clone(),
                    open: 0,
                    urgent: 0,
                    breached: 0,
                });
            load.open += 1;
            if matches!(case.priority, Priority::P1 | Priority::P2) {
                load.urgent += 1;
            }
            if case_facts
                .as_ref()
                .is_some_and(|f| f.breached.iter().any(|b| *b))
            {
                load.breached += 1;
            }
        }
        if !period.contains(case.created_at) {
            continue;
        }
        let Some(case_facts) = case_facts else {
            continue;
        };
        cohort += 1;
        *areas.entry(case.product_area.as_str()).or_default() += 1;
        for target in SlaTarget::ALL {
            let Some(slot) = attainment.get_mut(target_index(target)) else {
                continue;
            };
            match outcome(case, &case_facts, target) {
                Some(Outcome::Met) => slot.met += 1,
                Some(Outcome::Breached) => slot.breached += 1,
                Some(Outcome::Pending) => slot.pending += 1,
                None => {}
            }
        }
        if let Some(at) = case_facts.first_response {
            first_response.push(minutes_between(case.created_at, at));
        }
        if let Some(at) = case_facts.first_resolved {
            resolution.push(minutes_between(case.created_at, at));
            resolved += 1;
            if case_facts.reopened {
                reopened += 1;
            }
        }
    }

    let open_by_priority = Priority::ALL
        .iter()
        .map(|p| {
            let row = CaseStatus::ALL
                .iter()
                .filter(|s| s.is_open())
                .map(|s| {
                    let count = open
                        .get(priority_index(*p))
                        .and_then(|row| row.get(*s as usize))
                        .copied()
                        .unwrap_or(0);
                    (*s, count)
                })
                .collect();
            (*p, row)
        })
        .collect();

    let mut by_product_area: Vec<(String, usize)> = areas
        .into_iter()
        .map(|(area, n)| {
            let name = if area.is_empty() { "(none)" } else { area };
            (name.to_owned(), n)
        })
        .collect();
    by_product_area.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));

    let mut workload: Vec<OwnerLoad> = owners.into_values().collect();
    workload.sort_by(|a, b| b.open.cmp(&a.open).then_with(|| a.owner.cmp(&b.owner)));
    for load in &mut workload {
        if load.owner.is_empty() {
            load.owner = "(unassigned)".into();
        }
    }

    let relevant = |rca: &Rca| {
        filters.is_empty() || rca.content.case_ids.iter().any(|id| in_scope.contains(id))
    };
    let root_causes = pareto(
        rcas.iter()
            .filter(|rca| period.contains(rca.created_at) && relevant(rca)),
    );

    let mut overdue_actions: Vec<OverdueAction> = rcas
        .iter()
        .filter(|rca| relevant(rca))
        .flat_map(|rca| {
            rca.content
                .actions
                .iter()
                .filter(|a| a.status == ActionStatus::Open && a.is_overdue(today))
                .map(move |a| {
                    let due = a.due.unwrap_or(today);
                    OverdueAction {
                        rca: rca.key.to_string(),
                        rca_id: rca.id,
                        title: a.title.clone(),
                        owner: a.owner.clone(),
                        due,
                        days_overdue: (today - due).num_days(),
                    }
                })
        })
        .collect();
    overdue_actions.sort_by(|a, b| a.due.cmp(&b.due).then_with(|| a.rca.cmp(&b.rca)));

    Dashboard {
        open_by_priority,
        open_total,
        cohort,
        attainment: SlaTarget::ALL
            .iter()
            .map(|t| {
                let found = attainment.get(target_index(*t)).copied();
                (*t, found.unwrap_or_default())
            })
            .collect(),
        first_response: Spread::of(first_response),
        resolution: Spread::of(resolution),
        breach_trend: weeks.into_iter().collect(),
        root_causes,
        by_product_area,
        resolved,
        reopened,
        workload,
        overdue_actions,
    }
}

fn priority_index(p: Priority) -> usize {
    match p {
        Priority::P1 => 0,
        Priority::P2 => 1,
        Priority::P3 => 2,
        Priority::P4 => 3,
    }
}

/// RCAs per root-cause category, largest first, with the running share a Pareto chart draws.
pub fn pareto<'a>(rcas: impl Iterator<Item = &'a Rca>) -> Vec<ParetoRow> {
    let mut by_category: HashMap<String, (usize, usize)> = HashMap::new();
    let mut total = 0usize;
    for rca in rcas {
        let category = rca.content.category.trim();
        let name = if category.is_empty() {
            "(not categorised)".to_owned()
        } else {
            category.to_owned()
        };
        let entry = by_category.entry(name).or_default();
        entry.0 += 1;
        entry.1 += rca.content.case_ids.len();
        total += 1;
    }
    let mut rows: Vec<(String, (usize, usize))> = by_category.into_iter().collect();
    rows.sort_by(|a, b| b.1.0.cmp(&a.1.0).then_with(|| a.0.cmp(&b.0)));
    let mut running = 0;
    rows.into_iter()
        .map(|(category, (rcas, cases))| {
            running += rcas;
            ParetoRow {
                category,
                rcas,
                cases,
                cumulative_percent: u32::try_from(running * 100 / total.max(1)).unwrap_or(100),
            }
        })
        .collect()
}

/// A table as CSV text (RFC 4180 through the `csv` crate). Text that a spreadsheet would run as
/// a formula (`=`, `+`, `-`, `@`, tab, carriage return first) gets a leading `'`, because these
/// files are opened in spreadsheets and cells can hold text from a stranger's bundle.
pub fn to_csv(headers: &[&str], rows: &[Vec<CsvCell>]) -> String {
    let mut writer = csv::Writer::from_writer(Vec::new());
    // Writing to a Vec cannot fail, and every row is written with the same shape.
    let _ = writer.write_record(headers);
    for row in rows {
        let _ = writer.write_record(row.iter().map(|cell| cell.text().into_owned()));
    }
    let bytes = writer.into_inner().unwrap_or_default();
    String::from_utf8(bytes).unwrap_or_default()
}

/// One cell: numbers are written as they are, text is guarded against formula injection.
#[derive(Debug, Clone, PartialEq)]
pub enum CsvCell {
    Number(String),
    Text(String),
    Empty,
}

impl CsvCell {
    fn text(&self) -> std::borrow::Cow<'_, str> {
        match self {
            CsvCell::Number(n) => n.as_str().into(),
            CsvCell::Empty => "".into(),
            CsvCell::Text(t) => {
                if t.starts_with(['=', '+', '-', '@', '\t', '\r']) {
                    format!("'{t}").into()
                } else {
                    t.as_str().into()
                }
            }
        }
    }
}

impl From<usize> for CsvCell {
    fn from(n: usize) -> Self {
        CsvCell::Number(n.to_string())
    }
}

impl From<i64> for CsvCell {
    fn from(n: i64) -> Self {
        CsvCell::Number(n.to_string())
    }
}

impl From<&str> for CsvCell {
    fn from(t: &str) -> Self {
        CsvCell::Text(t.to_owned())
    }
}

impl From<String> for CsvCell {
    fn from(t: String) -> Self {
        CsvCell::Text(t)
    }
}

impl<T: Into<CsvCell>> From<Option<T>> for CsvCell {
    fn from(value: Option<T>) -> Self {
        value.map_or(CsvCell::Empty, Into::into)
    }
}

#[cfg(test)]
#[path = "analytics_tests.rs"]
mod tests;
