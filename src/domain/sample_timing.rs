//! When things happened on the sample desk: drawn in each case's own working time, so whatever the day and hour it is loaded, the desk looks like a busy, healthy team's (most clocks on track, a few at risk, a few breached).

use chrono::{DateTime, Duration, Utc};

use super::sla::{CompiledSla, SlaSettings, WorkIndex};
use super::{Case, CaseStatus};

/// Targets used when no policy applies (none of the default settings leaves one out).
const FALLBACK: (i64, i64, i64) = (240, 540, 2700);

/// How a case's clocks stand when the sample is loaded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Standing {
    OnTrack,
    AtRisk,
    Breached,
}

impl Standing {
    /// About 6% breached and 8% at risk: a desk with work to chase, not one on fire.
    pub(super) fn draw(rng: &mut fastrand::Rng) -> Standing {
        match rng.u8(..100) {
            0..6 => Standing::Breached,
            6..14 => Standing::AtRisk,
            _ => Standing::OnTrack,
        }
    }

    /// The share of a target used so far, drawn for this standing.
    fn share(self, rng: &mut fastrand::Rng) -> f64 {
        let (low, high) = match self {
            Standing::Breached => (1.05, 1.5),
            Standing::AtRisk => (0.80, 0.93),
            Standing::OnTrack => (0.05, 0.65),
        };
        low + rng.f64() * (high - low)
    }
}

/// The instants that shape one case's clocks.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Times {
    pub created_at: DateTime<Utc>,
    /// The first reply to the user, if one was sent.
    pub first_reply: Option<DateTime<Utc>>,
    /// Later updates to the user, oldest first, each within the next-update target of the
    /// reply before it, so no next-update cycle was ever missed.
    pub updates: Vec<DateTime<Utc>>,
    /// When the case was resolved, or now for an open case.
    pub end: DateTime<Utc>,
}

/// Updates after `from` and before `until`, each 40–80% of the next-update target (`nu`
/// working minutes) after the one before; at most 40, as a busy case would have.
fn chain(
    from: DateTime<Utc>,
    until: DateTime<Utc>,
    nu: i64,
    rng: &mut fastrand::Rng,
    after: &dyn Fn(DateTime<Utc>, f64) -> DateTime<Utc>,
) -> Vec<DateTime<Utc>> {
    let mut updates = Vec::new();
    let mut at = from;
    for _ in 0..40 {
        let next = after(at, (0.4 + rng.f64() * 0.4) * nu as f64);
        if next >= until {
            break;
        }
        updates.push(next);
        at = next;
    }
    updates
}

/// The default settings compiled once, to place every case's times in its own calendar.
pub(super) struct Timing {
    sla: Option<CompiledSla>,
    now: DateTime<Utc>,
}

impl Timing {
    pub(super) fn new(now: DateTime<Utc>) -> Timing {
        Timing {
            sla: CompiledSla::new(SlaSettings::default(), now).ok(),
            now,
        }
    }

    /// Times for `case` (its priority and tier choose the policy) in `status`.
    pub(super) fn plan(
        &self,
        case: &Case,
        status: CaseStatus,
        standing: Standing,
        rng: &mut fastrand::Rng,
    ) -> Times {
        let (index, (fr, nu, res)) = self.targets(case);
        let minutes = |m: f64| Duration::minutes(m.round() as i64);
        let before = |t: DateTime<Utc>, m: f64| match index {
            Some(index) => {
                let anchor = t - Duration::days(60);
                let total = index.between(anchor, t);
                index.add(anchor, (total - minutes(m)).max(Duration::zero()))
            }
            None => t - minutes(m),
        };
        let after = |t: DateTime<Utc>, m: f64| match index {
            Some(index) => index.add(t, minutes(m)),
            None => t + minutes(m),
        };
        let share = standing.share(rng);
        let reply_share = 0.1 + rng.f64() * 0.6;
        if !status.is_open() {
            // Resolved between two hours and three weeks ago; one in twenty past its target.
            let end = self.now - Duration::minutes(rng.i64(120..21 * 24 * 60));
            let used = if standing == Standing::Breached {
                share
            } else {
                0.2 + rng.f64() * 0.7
            };
            let created_at = before(end, used * res as f64);
            let first_reply = after(created_at, reply_share * fr as f64).min(end);
            let updates = chain(first_reply, end, nu, rng, &after);
            return Times {
                created_at,
                first_reply: Some(first_reply),
                updates,
                end,
            };
        }
        if status == CaseStatus::New {
            // Untriaged and unanswered: the first-response clock is the one running.
            return Times {
                created_at: before(self.now, share * fr as f64),
                first_reply: None,
                updates: Vec::new(),
                end: self.now,
            };
        }
        let created_at = before(self.now, share * res as f64);
        let first_reply =
            Some(after(created_at, reply_share * fr as f64)).filter(|t| *t < self.now);
        let updates = match first_reply {
            Some(first) => {
                // The latest update leaves the running cycle part-used; the chain fills the gap.
                let latest = before(self.now, (0.05 + rng.f64() * 0.55) * nu as f64);
                let mut updates = chain(first, latest, nu, rng, &after);
                if latest > first {
                    updates.push(latest);
                }
                updates
            }
            None => Vec::new(),
        };
        Times {
            created_at,
            first_reply,
            updates,
            end: self.now,
        }
    }

    /// The instant `minutes` of working time (in `case`'s calendar) before `t`.
    pub(super) fn working_before(
        &self,
        case: &Case,
        t: DateTime<Utc>,
        minutes: f64,
    ) -> DateTime<Utc> {
        let span = Duration::minutes(minutes.round() as i64);
        match self.targets(case).0 {
            Some(index) => {
                let anchor = t - Duration::days(60);
                let total = index.between(anchor, t);
                index.add(anchor, (total - span).max(Duration::zero()))
            }
            None => t - span,
        }
    }

    /// The case's calendar index and its first-response, next-update and resolution targets.
    fn targets(&self, case: &Case) -> (Option<&WorkIndex>, (i64, i64, i64)) {
        let Some((policy, _)) = self.sla.as_ref().and_then(|sla| sla.policy_for(case)) else {
            return (None, FALLBACK);
        };
        let index = self
            .sla
            .as_ref()
            .and_then(|sla| sla.indexes.get(&policy.calendar));
        let t = &policy.targets;
        let get = |m: Option<u32>, fallback: i64| m.map_or(fallback, i64::from);
        (
            index,
            (
                get(t.first_response, FALLBACK.0),
                get(t.next_update, FALLBACK.1),
                get(t.resolution, FALLBACK.2),
            ),
        )
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use chrono::TimeZone;

    use super::*;
    use crate::domain::sample::{FIRST_RUN_SEED, FIRST_RUN_SIZE, generate};
    use crate::domain::sla::board::board;
    use crate::domain::sla::{ClockMark, Health};

    /// Issue 23: the sample desk was a month overdue (138 of 154 open cases at risk, the queue a
    /// wall of "FR overdue by 29d"). Loaded at any hour of the week, it now reads as a healthy
    /// team's: a handful at risk, a few breached, the rest on track or paused.
    #[test]
    fn the_sample_desk_is_healthy_whenever_it_is_loaded() {
        let sgt = chrono::FixedOffset::east_opt(8 * 3600).unwrap();
        for (label, now) in [
            ("Monday 10:00", sgt.with_ymd_and_hms(2026, 11, 30, 10, 0, 0)),
            (
                "Wednesday 03:00",
                sgt.with_ymd_and_hms(2026, 12, 2, 3, 0, 0),
            ),
            ("Friday 17:45", sgt.with_ymd_and_hms(2026, 12, 4, 17, 45, 0)),
            (
                "Saturday 12:33",
                sgt.with_ymd_and_hms(2026, 12, 5, 12, 33, 0),
            ),
        ] {
            let now = now.unwrap().with_timezone(&Utc);
            let sample = generate(FIRST_RUN_SEED, FIRST_RUN_SIZE, 1001, now);
            let cases: Vec<Case> = sample.iter().map(|s| s.case.clone()).collect();
            let marks: HashMap<_, _> = sample
                .iter()
                .map(|s| (s.case.id, ClockMark::from_events(&s.events)))
                .collect();
            let engine = CompiledSla::new(SlaSettings::default(), now).unwrap();
            let rows = board(&cases, &marks, &engine, now).rows;
            let open = cases.iter().filter(|c| c.status.is_open()).count();
            let count = |h: Health| rows.iter().filter(|r| r.health == h).count();
            let (breached, at_risk) = (count(Health::Breached), count(Health::AtRisk));
            assert!(open >= 100, "{label}: {open} open cases");
            assert!(
                breached * 100 <= open * 15 && breached >= 1,
                "{label}: {breached} of {open} open cases breached"
            );
            assert!(
                (breached + at_risk) * 100 <= open * 30,
                "{label}: {breached} breached and {at_risk} at risk of {open}"
            );
            // Every event lies between the case's creation and now.
            for s in &sample {
                for e in &s.events {
                    assert!(e.at >= s.case.created_at && e.at <= now, "{label}: {e:?}");
                }
            }
        }
    }
}
