//! How each playbook does: progress on a case, and per playbook the cases it was applied to, median time to resolve and breaches.

use super::*;
/// Defined beside the events that pin it.
pub use crate::domain::case::pinned::StepMark;

/// A checklist's progress as the queue sees it, from the clock-log marks alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Progress {
    pub settled: usize,
    pub total: usize,
}

/// Summed over every checklist on the case; `None` when it has none.
pub fn progress_from_marks(marks: &[ClockMark]) -> Option<Progress> {
    let mut runs: BTreeMap<Uuid, (usize, HashMap<&str, bool>)> = BTreeMap::new();
    for mark in marks {
        match &mark.kind {
            MarkKind::Checklist { run, steps, .. } => {
                runs.insert(*run, (usize::from(*steps), HashMap::new()));
            }
            MarkKind::Step { run, step, state } => {
                if let Some((_, states)) = runs.get_mut(run) {
                    states.insert(step.as_str(), *state != StepMark::Open);
                }
            }
            _ => {}
        }
    }
    if runs.is_empty() {
        return None;
    }
    Some(
        runs.values()
            .fold(Progress::default(), |p, (total, states)| Progress {
                settled: p.settled + states.values().filter(|s| **s).count(),
                total: p.total + total,
            }),
    )
}

/// What a playbook's use says about it, for the playbook page.
#[derive(Debug, Clone, PartialEq)]
pub struct PlaybookStats {
    pub times_applied: usize,
    pub cases: usize,
    /// Median time from opening to first resolution, for resolved cases with it…
    pub median_resolution_with: Option<Duration>,
    pub resolved_with: usize,
    /// …and for resolved cases in its product areas (all areas if it names none) without it.
    pub median_resolution_without: Option<Duration>,
    pub resolved_without: usize,
    /// Step id and how many checklists ended with it skipped, most first.
    pub most_skipped: Vec<(String, usize)>,
    /// Share (0–100) of its cases with any SLA breach.
    pub breached_percent: Option<u32>,
}

fn median(mut values: Vec<Duration>) -> Option<Duration> {
    if values.is_empty() {
        return None;
    }
    values.sort();
    let mid = values.len() / 2;
    let upper = *values.get(mid)?;
    Some(if values.len() % 2 == 1 {
        upper
    } else {
        let lower = *values.get(mid.checked_sub(1)?)?;
        lower + (upper - lower) / 2
    })
}

fn first_resolved(marks: &[ClockMark]) -> Option<DateTime<Utc>> {
    marks.iter().find_map(|m| match m.kind {
        MarkKind::Status {
            to: CaseStatus::Resolved,
        } => Some(m.at),
        _ => None,
    })
}

fn breached(marks: &[ClockMark]) -> bool {
    marks.iter().any(|m| match &m.kind {
        MarkKind::Breach { .. } => true,
        MarkKind::Settled { record } => record.clocks.iter().any(|c| c.breached),
        _ => false,
    })
}

/// Stats for `playbook` over every case on this device. `marks_of` gives a case's clock log.
pub fn playbook_stats<'a>(
    playbook: &Playbook,
    cases: &[Case],
    marks_of: impl Fn(Uuid) -> &'a [ClockMark],
) -> PlaybookStats {
    let areas = &playbook.current().triggers.product_areas;
    let mut times_applied = 0;
    let mut with = Vec::new();
    let mut without = Vec::new();
    let mut with_cases = 0;
    let mut breached_cases = 0;
    let mut skipped: HashMap<String, usize> = HashMap::new();
    for case in cases {
        let marks = marks_of(case.id);
        let runs: Vec<Uuid> = marks
            .iter()
            .filter_map(|m| match &m.kind {
                MarkKind::Checklist {
                    run, playbook: p, ..
                } if *p == playbook.id => Some(*run),
                _ => None,
            })
            .collect();
        let took = first_resolved(marks).map(|at| at - case.created_at);
        if runs.is_empty() {
            let in_scope = areas.is_empty()
                || areas
                    .iter()
                    .any(|a| a.eq_ignore_ascii_case(&case.product_area));
            if in_scope && let Some(took) = took {
                without.push(took);
            }
            continue;
        }
        times_applied += runs.len();
        with_cases += 1;
        if let Some(took) = took {
            with.push(took);
        }
        if breached(marks) {
            breached_cases += 1;
        }
        let mut last: HashMap<(Uuid, &str), StepMark> = HashMap::new();
        for m in marks {
            if let MarkKind::Step { run, step, state } = &m.kind
                && runs.contains(run)
            {
                last.insert((*run, step.as_str()), *state);
            }
        }
        for ((_, step), state) in last {
            if state == StepMark::Skipped {
                *skipped.entry(step.to_string()).or_default() += 1;
            }
        }
    }
    let mut most_skipped: Vec<(String, usize)> = skipped.into_iter().collect();
    most_skipped.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    PlaybookStats {
        times_applied,
        cases: with_cases,
        resolved_with: with.len(),
        median_resolution_with: median(with),
        resolved_without: without.len(),
        median_resolution_without: median(without),
        most_skipped,
        breached_percent: (with_cases > 0).then(|| (breached_cases * 100 / with_cases) as u32),
    }
}
