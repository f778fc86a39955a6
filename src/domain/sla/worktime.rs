//! A precomputed index of a calendar's working periods: deadlines and durations by binary search.
//!
//! Computing every open clock of 50k cases must fit in a frame budget, and walking a calendar
//! through time zones per call costs microseconds. The index turns each question into a lookup
//! over prefix sums; outside its span it falls back to the calendar itself, so answers never change.

use chrono::{DateTime, Duration, Utc};

use super::calendar::{Calendar, Schedule};
use crate::domain::timestamp::EARLIEST_SECONDS;

#[derive(Debug, Clone)]
pub struct WorkIndex {
    calendar: Calendar,
    from: i64,
    to: i64,
    /// Working periods as Unix seconds, `[start, end)`, sorted and disjoint.
    starts: Vec<i64>,
    ends: Vec<i64>,
    /// Working seconds in all periods before each one, and up to the end of each one.
    before: Vec<i64>,
    through: Vec<i64>,
    /// The years before `from`, back to the earliest instant a record may carry, indexed the
    /// first time a question reaches before `from` (an open case created long ago, or a file's
    /// dates at the edge of the window). Without it each such question walked the calendar day
    /// by day: a file of cases created in 1970 took seconds per case (found by the whole-path
    /// fuzzer). Built once per settings and shared by every later question.
    past: std::sync::OnceLock<Box<WorkIndex>>,
}

impl WorkIndex {
    /// Indexes `calendar` between two instants, typically two years either side of today.
    pub fn new(calendar: Calendar, from: DateTime<Utc>, to: DateTime<Utc>) -> WorkIndex {
        let (mut starts, mut ends, mut before) = (Vec::new(), Vec::new(), Vec::new());
        if calendar.schedule != Schedule::TwentyFourSeven {
            let mut sum = 0;
            let days = (to - from).num_days() + 1;
            for (a, b) in calendar.periods_from(from, days) {
                let (a, b) = (a.timestamp(), b.timestamp().min(to.timestamp()));
                if a >= b {
                    continue;
                }
                // Adjacent periods (a shift ending at midnight and the next starting then) merge.
                match ends.last_mut() {
                    Some(end) if *end == a => *end = b,
                    _ => {
                        starts.push(a);
                        ends.push(b);
                        before.push(sum);
                    }
                }
                sum += b - a;
            }
        }
        let through = before
            .iter()
            .zip(starts.iter().zip(&ends))
            .map(|(b, (s, e))| b + (e - s))
            .collect();
        WorkIndex {
            calendar,
            through,
            from: from.timestamp(),
            to: to.timestamp(),
            starts,
            ends,
            before,
            past: std::sync::OnceLock::new(),
        }
    }

    /// The index of `[EARLIEST, from)`, if this index starts after the earliest instant.
    fn past(&self) -> Option<&WorkIndex> {
        if self.from <= EARLIEST_SECONDS {
            return None;
        }
        let earliest = DateTime::from_timestamp(EARLIEST_SECONDS, 0)?;
        let from = DateTime::from_timestamp(self.from, 0)?;
        Some(
            self.past
                .get_or_init(|| Box::new(WorkIndex::new(self.calendar.clone(), earliest, from))),
        )
    }

    pub fn calendar(&self) -> &Calendar {
        &self.calendar
    }

    fn always(&self) -> bool {
        self.calendar.schedule == Schedule::TwentyFourSeven
    }

    fn covers(&self, t: i64) -> bool {
        self.from <= t && t <= self.to
    }

    /// Working seconds from the start of the index to `t`, which must be covered.
    fn worked(&self, t: i64) -> i64 {
        let i = self.starts.partition_point(|&s| s <= t);
        let Some(k) = i.checked_sub(1) else {
            return 0;
        };
        // `starts`, `ends` and `before` are pushed together, so `k` is in all three.
        match (self.before.get(k), self.starts.get(k), self.ends.get(k)) {
            (Some(before), Some(start), Some(end)) => before + (t.min(*end) - start),
            _ => 0,
        }
    }

    fn total(&self) -> i64 {
        self.through.last().copied().unwrap_or(0)
    }

    /// Working time between two instants; zero unless `to` is after `from`.
    pub fn between(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> Duration {
        if to <= from {
            return Duration::zero();
        }
        if self.always() {
            return to - from;
        }
        let (a, b) = (from.timestamp(), to.timestamp());
        if self.covers(a) && self.covers(b) {
            return Duration::seconds(self.worked(b) - self.worked(a));
        }
        if a < self.from
            && a >= EARLIEST_SECONDS
            && b <= self.to
            && let (Some(past), Some(split)) = (self.past(), DateTime::from_timestamp(self.from, 0))
        {
            let before = past.between(from, to.min(split));
            let after = if to > split {
                self.between(split, to)
            } else {
                Duration::zero()
            };
            return before + after;
        }
        self.calendar.working_between(from, to)
    }

    /// The instant at which `span` of working time has passed since `start`.
    /// Zero from outside hours is the next opening, as in [`Calendar::add_working`].
    pub fn add(&self, start: DateTime<Utc>, span: Duration) -> DateTime<Utc> {
        let span = span.max(Duration::zero());
        if self.always() {
            return super::calendar::later(start, span);
        }
        let s = start.timestamp();
        if s < self.from
            && s >= EARLIEST_SECONDS
            && let (Some(past), Some(split)) = (self.past(), DateTime::from_timestamp(self.from, 0))
        {
            let available = past.between(start, split);
            // Zero needs an opening still to come before the split; a positive span, enough time.
            let fits = if span.is_zero() {
                available > Duration::zero()
            } else {
                span <= available
            };
            return if fits {
                past.add(start, span)
            } else {
                self.add(split, span - available)
            };
        }
        if !self.covers(s) {
            return self.calendar.add_working(start, span);
        }
        // Sub-second parts never matter to a deadline; whole seconds keep the index exact.
        let target = self.worked(s).saturating_add(span.num_seconds());
        // The period the target falls in. Zero lands at the first period still to end (the
        // next opening when `start` is outside hours); a positive span in the period that
        // reaches it, which may end exactly at it.
        let k = if span.is_zero() {
            self.through.partition_point(|&t| t <= target)
        } else {
            self.through.partition_point(|&t| t < target)
        };
        let indexed = match (self.starts.get(k), self.before.get(k)) {
            (Some(start), Some(before)) if target <= self.total() => {
                DateTime::from_timestamp(start + (target - before), 0)
            }
            _ => None,
        };
        if let Some(at) = indexed {
            return at;
        }
        // Past the indexed span: count on from its end with the calendar itself.
        match DateTime::from_timestamp(self.to, 0) {
            Some(end) if target > self.total() => {
                match Duration::try_seconds(target - self.total()) {
                    Some(rest) => self.calendar.add_working(end, rest),
                    None => super::calendar::far_future(),
                }
            }
            _ => self.calendar.add_working(start, span),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use std::collections::BTreeMap;

    fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, mo, d, h, mi, 0).unwrap()
    }

    fn index(cal: &Calendar) -> WorkIndex {
        WorkIndex::new(cal.clone(), utc(2026, 1, 1, 0, 0), utc(2027, 1, 1, 0, 0))
    }

    /// Issue 23: zero minutes from outside hours returned the start itself, while one minute
    /// started at the next opening. The index and the calendar agree on the next opening.
    #[test]
    fn zero_minutes_from_outside_hours_is_the_next_opening() {
        let cal = Calendar::office_hours("Asia/Singapore").unwrap();
        let idx = index(&cal);
        // Saturday 28 November 2026, 12:33 in Singapore (04:33 UTC); Monday opens 09:00 (01:00 UTC).
        let saturday = utc(2026, 11, 28, 4, 33);
        let monday_opening = utc(2026, 11, 30, 1, 0);
        assert_eq!(idx.add(saturday, Duration::zero()), monday_opening);
        assert_eq!(cal.add_working(saturday, Duration::zero()), monday_opening);
        assert_eq!(
            idx.add(saturday, Duration::minutes(1)),
            monday_opening + Duration::minutes(1)
        );
        // Inside hours zero is the start itself; at a period's very end, the next opening.
        let tuesday = utc(2026, 12, 1, 3, 0);
        assert_eq!(idx.add(tuesday, Duration::zero()), tuesday);
        let friday_close = utc(2026, 11, 27, 10, 0);
        assert_eq!(idx.add(friday_close, Duration::zero()), monday_opening);
        assert_eq!(
            cal.add_working(friday_close, Duration::zero()),
            monday_opening
        );
    }

    #[test]
    fn falls_back_to_the_calendar_outside_its_span() {
        let cal = Calendar::office_hours("Asia/Singapore").unwrap();
        let idx = index(&cal);
        let before = utc(2025, 12, 30, 3, 0);
        assert_eq!(
            idx.add(before, Duration::minutes(600)),
            cal.add_working_minutes(before, 600)
        );
        let late = utc(2026, 12, 31, 9, 0);
        assert_eq!(
            idx.add(late, Duration::minutes(2000)),
            cal.add_working_minutes(late, 2000)
        );
        let mut holidays = BTreeMap::new();
        holidays.insert(
            chrono::NaiveDate::from_ymd_opt(2026, 6, 1).unwrap(),
            "x".into(),
        );
        let with_holiday = Calendar { holidays, ..cal };
        let idx = index(&with_holiday);
        let friday = utc(2026, 5, 29, 9, 0);
        assert_eq!(
            idx.add(friday, Duration::minutes(700)),
            with_holiday.add_working_minutes(friday, 700)
        );
    }

    #[cfg(not(target_arch = "wasm32"))]
    proptest::proptest! {
        /// The index is an optimisation: it must agree with the calendar to the second.
        #[test]
        fn agrees_with_the_calendar(start in 0i64..(365 * 24 * 60), minutes in 0i64..20_000, zone in 0usize..3, seconds in 0i64..60) {
            let zones = ["Asia/Singapore", "America/New_York", "Europe/London"];
            let cal = Calendar::office_hours(zones[zone]).unwrap();
            let idx = index(&cal);
            let at = utc(2026, 1, 1, 0, 0) + Duration::minutes(start) + Duration::seconds(seconds);
            let span = Duration::minutes(minutes);
            proptest::prop_assert_eq!(idx.add(at, span), cal.add_working(at, span));
            let later = at + Duration::minutes(minutes * 3);
            proptest::prop_assert_eq!(idx.between(at, later), cal.working_between(at, later));
        }

        /// Before its span, the index answers from its lazily built past, still to the second.
        #[test]
        fn agrees_with_the_calendar_before_its_span(back in 1i64..(2 * 365 * 24 * 60), minutes in 0i64..200_000) {
            static INDEX: std::sync::OnceLock<(Calendar, WorkIndex)> = std::sync::OnceLock::new();
            let (cal, idx) = INDEX.get_or_init(|| {
                let cal = Calendar::office_hours("Europe/London").unwrap();
                let idx = index(&cal);
                (cal, idx)
            });
            let at = utc(2026, 1, 1, 0, 0) - Duration::minutes(back);
            let span = Duration::minutes(minutes);
            proptest::prop_assert_eq!(idx.add(at, span), cal.add_working(at, span));
            let later = at + Duration::minutes(minutes * 3);
            proptest::prop_assert_eq!(idx.between(at, later), cal.working_between(at, later));
        }
    }
}
