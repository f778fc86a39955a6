//! Building one clock from its plan: the spans in which it counts, the working minutes used and left, its deadline and its health.

use super::*;

/// The spans in which a clock counts: from `start` until `stop` (or for ever), minus `excluded`.
pub(super) fn counting_spans(
    start: DateTime<Utc>,
    stop: Option<DateTime<Utc>>,
    excluded: &[Span],
) -> Vec<Span> {
    let mut cut: Vec<Span> = excluded
        .iter()
        .copied()
        .filter(|(a, b)| b.is_none_or(|b| b > start) && stop.is_none_or(|s| *a < s))
        .collect();
    cut.sort_by_key(|(a, _)| *a);
    let mut spans = Vec::new();
    let mut cursor = Some(start);
    for (a, b) in cut {
        let Some(from) = cursor else { break };
        if a > from {
            spans.push((from, Some(a)));
        }
        cursor = b.map(|b| b.max(from));
    }
    if let Some(from) = cursor {
        match stop {
            Some(s) if s > from => spans.push((from, Some(s))),
            Some(_) => {}
            None => spans.push((from, None)),
        }
    }
    spans
}

impl ClockBuilder<'_> {
    pub(super) fn build(&self, plan: Plan) -> Clock {
        let target = Duration::minutes(i64::from(plan.minutes));
        // As of `now`, an event stamped later has not happened yet (another tab's clock, or a
        // tick that lags the event): the clock runs on rather than going undecided.
        let stop = plan.stop.filter(|s| *s <= self.now);
        let counting = counting_spans(plan.start, stop, &plan.excluded);
        let until = stop.unwrap_or(self.now);
        let elapsed = counting
            .iter()
            .filter(|(a, _)| *a < until)
            .map(|(a, b)| self.index.between(*a, b.map_or(until, |b| b.min(until))))
            .fold(Duration::zero(), |sum, d| sum + d);
        // Walk the counting spans until the target is used up.
        let mut left = target;
        let mut policy_due = None;
        for (a, b) in &counting {
            let available = b.map(|b| self.index.between(*a, b));
            match available {
                Some(available) if available < left => left -= available,
                _ => {
                    policy_due = Some(self.index.add(*a, left));
                    break;
                }
            }
        }
        let due = match (policy_due, plan.promised) {
            (Some(d), Some(p)) => Some(d.min(p)),
            (d, p) => d.or(p),
        };
        let paused_now = stop.is_none()
            && plan
                .excluded
                .iter()
                .any(|(a, b)| *a <= self.now && b.is_none_or(|b| b > self.now));
        let state = match stop {
            Some(at) if at <= self.now => ClockState::Stopped { at },
            _ if paused_now => ClockState::Paused,
            _ => ClockState::Running,
        };
        let end = match state {
            ClockState::Stopped { at } => at,
            _ => self.now,
        };
        let computed_breach = due.is_some_and(|d| end > d);
        let breached = computed_breach || breach_logged(self.marks, plan.target, plan.start);
        let paused = plan
            .excluded
            .iter()
            .filter(|(a, b)| *a < end && b.is_none_or(|b| b > plan.start))
            .map(|(a, b)| {
                self.index
                    .between((*a).max(plan.start), b.map_or(end, |b| b.min(end)))
            })
            .fold(Duration::zero(), |sum, d| sum + d);
        let at_risk = !breached
            && match state {
                ClockState::Running => {
                    let remaining = target - elapsed;
                    let by_margin = self.rule.margin_minutes > 0
                        && remaining <= Duration::minutes(i64::from(self.rule.margin_minutes));
                    let by_share = self.rule.share_percent > 0
                        && elapsed.num_seconds() * 100
                            >= target.num_seconds() * i64::from(self.rule.share_percent);
                    let by_promise = plan.promised.is_some_and(|p| {
                        p - self.now
                            <= Duration::minutes(i64::from(self.rule.margin_minutes.max(1)))
                    });
                    by_margin || by_share || by_promise
                }
                ClockState::Paused => plan.promised.is_some_and(|p| {
                    p - self.now <= Duration::minutes(i64::from(self.rule.margin_minutes.max(1)))
                }),
                ClockState::Stopped { .. } => false,
            };
        let changes_at = if breached {
            None
        } else {
            let margin = Duration::minutes(i64::from(self.rule.margin_minutes.max(1)));
            let promise_warning = plan.promised.map(|p| p - margin).filter(|_| !at_risk);
            let mut candidates = vec![due, promise_warning];
            if state == ClockState::Running && !at_risk {
                // Counting runs on from now until an event changes it, so these are exact.
                let remaining = target - elapsed;
                let margin = Duration::minutes(i64::from(self.rule.margin_minutes));
                if self.rule.margin_minutes > 0 && remaining > margin {
                    candidates.push(Some(self.index.add(self.now, remaining - margin)));
                }
                if self.rule.share_percent > 0 {
                    let share = target * i32::from(self.rule.share_percent) / 100;
                    candidates.push(Some(self.index.add(self.now, share - elapsed)));
                }
            }
            if matches!(state, ClockState::Stopped { .. }) {
                None
            } else {
                candidates
                    .into_iter()
                    .flatten()
                    // A deadline exactly at `now` still lies ahead: the clock breaches just
                    // after it, so the board must look again then (found by the board's
                    // cache-equals-fresh test: a breach due at a tick was never logged).
                    .filter(|t| *t >= self.now)
                    .min()
            }
        };
        Clock {
            changes_at,
            target: plan.target,
            team: plan.team,
            policy: self.policy.clone(),
            calendar_id: self.calendar_id.clone(),
            target_minutes: plan.minutes,
            cycle: plan.start,
            state,
            due,
            policy_due,
            promised: plan.promised,
            elapsed,
            paused,
            breached,
            breach_is_sticky: breached && !computed_breach,
            at_risk,
            current: plan.current,
            excluded: plan.excluded,
        }
    }
}
