//! Working-time calendars: weekly hours in an IANA zone, holidays, and arithmetic in working minutes.
//!
//! All arithmetic happens on UTC instants; the zone is only used to turn each local working
//! interval into instants, so DST changes and a viewer in another zone never shift a date.

use chrono::{
    DateTime, Datelike, Duration, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc,
    Weekday,
};
use chrono_tz::Tz;
use std::collections::BTreeMap;

/// One working interval in local time. `end <= start` means it runs past midnight into the next day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Interval {
    pub start: NaiveTime,
    pub end: NaiveTime,
}

impl Interval {
    pub fn new(start: NaiveTime, end: NaiveTime) -> Interval {
        Interval { start, end }
    }

    /// Minutes from the start of the week (Monday 00:00) at which this interval opens and closes.
    fn week_span(&self, day: usize) -> (i64, i64) {
        let minute =
            |t: NaiveTime| i64::from(t.signed_duration_since(NaiveTime::MIN).num_minutes() as i32);
        let start = day as i64 * 1440 + minute(self.start);
        let mut end = day as i64 * 1440 + minute(self.end);
        if end <= start {
            end += 1440;
        }
        (start, end)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Schedule {
    /// Every minute counts: no hours, no holidays.
    TwentyFourSeven,
    /// Intervals per weekday, Monday first. Several a day are allowed (a lunch break).
    Weekly([Vec<Interval>; 7]),
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    #[error(
        "'{0}' is not a time zone SLA calendars know; use an IANA name such as Asia/Singapore, Europe/London or America/New_York"
    )]
    UnknownZone(String),
    #[error("the calendar has no working time at all; add hours to at least one day")]
    NoWorkingTime,
    #[error("{first} and {second} overlap; working intervals may not overlap")]
    Overlap { first: String, second: String },
}

/// A business-hours calendar.
#[derive(Debug, Clone, PartialEq)]
pub struct Calendar {
    pub zone: Tz,
    pub schedule: Schedule,
    /// Local dates on which intervals that start that day do not count, with their names.
    pub holidays: BTreeMap<NaiveDate, String>,
}

/// How many month-long windows a deadline search may look through (about 40 years).
const MAX_LOOKAHEAD_WINDOWS: usize = 500;

const DAY_NAMES: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

impl Calendar {
    /// Builds a calendar, refusing an unknown zone, overlapping intervals or no working time.
    pub fn new(
        zone: &str,
        schedule: Schedule,
        holidays: BTreeMap<NaiveDate, String>,
    ) -> Result<Calendar, CalendarError> {
        let zone: Tz = zone
            .trim()
            .parse()
            .map_err(|_| CalendarError::UnknownZone(zone.trim().to_string()))?;
        if let Schedule::Weekly(days) = &schedule {
            let mut spans: Vec<(i64, i64, String)> = Vec::new();
            for (day, intervals) in days.iter().enumerate() {
                for interval in intervals {
                    let (start, end) = interval.week_span(day);
                    let label = format!(
                        "{} {}–{}",
                        day_name(day),
                        interval.start.format("%H:%M"),
                        interval.end.format("%H:%M")
                    );
                    spans.push((start, end, label));
                }
            }
            if spans.iter().all(|(s, e, _)| e <= s) || spans.is_empty() {
                return Err(CalendarError::NoWorkingTime);
            }
            // Sunday night can run into Monday: compare each span with every other, around the week.
            for (i, a) in spans.iter().enumerate() {
                for b in spans.iter().skip(i + 1) {
                    let overlaps = |x: (i64, i64), y: (i64, i64)| x.0 < y.1 && y.0 < x.1;
                    let week = 7 * 1440;
                    if overlaps((a.0, a.1), (b.0, b.1))
                        || overlaps((a.0 + week, a.1 + week), (b.0, b.1))
                        || overlaps((a.0, a.1), (b.0 + week, b.1 + week))
                    {
                        return Err(CalendarError::Overlap {
                            first: a.2.clone(),
                            second: b.2.clone(),
                        });
                    }
                }
            }
        }
        Ok(Calendar {
            zone,
            schedule,
            holidays,
        })
    }

    /// Monday to Friday, 09:00–18:00 in `zone`, the common support day.
    pub fn office_hours(zone: &str) -> Result<Calendar, CalendarError> {
        let nine_to_six = vec![Interval::new(hm(9, 0), hm(18, 0))];
        let mut days: [Vec<Interval>; 7] = Default::default();
        for day in days.iter_mut().take(5) {
            *day = nine_to_six.clone();
        }
        Calendar::new(zone, Schedule::Weekly(days), BTreeMap::new())
    }

    /// The working periods, as UTC instants, of intervals that start on local `date`.
    fn periods_on(&self, date: NaiveDate) -> Vec<(DateTime<Utc>, DateTime<Utc>)> {
        let Schedule::Weekly(days) = &self.schedule else {
            return Vec::new();
        };
        if self.holidays.contains_key(&date) {
            return Vec::new();
        }
        let Some(day) = days.get(date.weekday().num_days_from_monday() as usize) else {
            return Vec::new();
        };
        day.iter()
            .filter_map(|interval| {
                let start = date.and_time(interval.start);
                let mut end = date.and_time(interval.end);
                if end <= start {
                    end = end.checked_add_signed(Duration::days(1))?;
                }
                Some((self.instant(start), self.instant(end)))
            })
            .filter(|(a, b)| a < b)
            .collect()
    }

    /// The instant a local wall-clock time names. In a DST gap the time does not exist, so the
    /// first instant after the gap is used; in an overlap, the earlier of the two.
    fn instant(&self, local: NaiveDateTime) -> DateTime<Utc> {
        let mut probe = local;
        for _ in 0..=180 {
            match self.zone.from_local_datetime(&probe) {
                LocalResult::Single(t) | LocalResult::Ambiguous(t, _) => {
                    return t.with_timezone(&Utc);
                }
                LocalResult::None => match probe.checked_add_signed(Duration::minutes(1)) {
                    Some(next) => probe = next,
                    None => break,
                },
            }
        }
        // No zone has a gap over three hours; fall back to reading the time as UTC.
        local.and_utc()
    }

    fn local_date(&self, at: DateTime<Utc>) -> NaiveDate {
        at.with_timezone(&self.zone).date_naive()
    }

    /// Working periods overlapping `[from, ∞)`, in order, for at most `days` local days.
    pub fn periods_from(
        &self,
        from: DateTime<Utc>,
        days: i64,
    ) -> Vec<(DateTime<Utc>, DateTime<Utc>)> {
        let span = Duration::try_days(days).unwrap_or(Duration::MAX);
        if self.schedule == Schedule::TwentyFourSeven {
            return vec![(from, later(from, span))];
        }
        // Start a day early: an interval that began yesterday evening may still be open.
        let local = self.local_date(from);
        let first = local.pred_opt().unwrap_or(local);
        let mut periods: Vec<_> = (0..=days)
            .map_while(|d| first.checked_add_signed(Duration::try_days(d)?))
            .flat_map(|date| self.periods_on(date))
            .filter(|(_, end)| *end > from)
            .map(|(start, end)| (start.max(from), end))
            .collect();
        periods.sort();
        periods
    }

    /// The instant at which `minutes` of working time have passed since `start`.
    /// A start outside hours begins counting at the next opening.
    pub fn add_working_minutes(&self, start: DateTime<Utc>, minutes: i64) -> DateTime<Utc> {
        match Duration::try_minutes(minutes) {
            Some(span) => self.add_working(start, span),
            None if minutes < 0 => start,
            None => far_future(),
        }
    }

    /// The instant at which `span` of working time has passed since `start`. A start outside
    /// hours begins at the next opening, whatever the span: zero minutes from Saturday noon is
    /// Monday's opening, as one minute is a minute after it. A negative span counts as zero.
    pub fn add_working(&self, start: DateTime<Utc>, span: Duration) -> DateTime<Utc> {
        let mut left = span.max(Duration::zero());
        // Look ahead a month at a time, so a long target never computes years of periods up front.
        let mut from = start;
        for _ in 0..MAX_LOOKAHEAD_WINDOWS {
            let periods = self.periods_from(from, 31);
            if periods.is_empty() {
                // A month with no working time (a long holiday list): skip it whole.
                from = later(from, Duration::days(31));
                continue;
            }
            for (a, b) in periods {
                let available = b - a;
                if left <= available {
                    return later(a, left);
                }
                left -= available;
                from = b;
            }
        }
        // Decades without enough working time cannot come from a valid calendar; say "never".
        far_future()
    }

    /// Working time between two instants (zero if `to` is not after `from`).
    pub fn working_between(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> Duration {
        if to <= from {
            return Duration::zero();
        }
        let days = (to - from).num_days() + 2;
        self.periods_from(from, days)
            .into_iter()
            .take_while(|(a, _)| *a < to)
            .map(|(a, b)| b.min(to) - a)
            .fold(Duration::zero(), |sum, d| sum + d)
    }

    /// Working minutes counted per local date between two instants, for "15 min Fri, 45 min Mon".
    pub fn minutes_by_day(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> Vec<(NaiveDate, i64)> {
        let mut out: Vec<(NaiveDate, i64)> = Vec::new();
        if to <= from {
            return out;
        }
        let days = (to - from).num_days() + 2;
        for (a, b) in self
            .periods_from(from, days)
            .into_iter()
            .take_while(|(a, _)| *a < to)
        {
            let minutes = (b.min(to) - a).num_minutes();
            let date = self.local_date(a);
            match out.last_mut() {
                Some((d, m)) if *d == date => *m += minutes,
                _ => out.push((date, minutes)),
            }
        }
        out.retain(|(_, m)| *m > 0);
        out
    }
}

impl Calendar {
    /// The weekly hours in words, consecutive days with the same hours grouped:
    /// "Mon–Fri 09:00–18:00", "Mon–Thu 09:00–12:00, 13:00–18:00; Fri 09:00–17:00", or "24×7".
    pub fn describe_hours(&self) -> String {
        let Schedule::Weekly(days) = &self.schedule else {
            return "24×7".to_string();
        };
        let hours = |day: &Vec<Interval>| {
            day.iter()
                .map(|i| format!("{}–{}", i.start.format("%H:%M"), i.end.format("%H:%M")))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let mut groups: Vec<(usize, usize, String)> = Vec::new();
        for (index, day) in days.iter().enumerate() {
            if day.is_empty() {
                continue;
            }
            let text = hours(day);
            match groups.last_mut() {
                Some((_, last, previous)) if *last + 1 == index && *previous == text => {
                    *last = index
                }
                _ => groups.push((index, index, text)),
            }
        }
        groups
            .into_iter()
            .map(|(first, last, text)| {
                if first == last {
                    format!("{} {text}", day_name(first))
                } else {
                    format!("{}–{} {text}", day_name(first), day_name(last))
                }
            })
            .collect::<Vec<_>>()
            .join("; ")
    }
}

/// A wall-clock time from constants; an impossible one reads as midnight rather than stopping.
pub(crate) fn hm(h: u32, m: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(h, m, 0).unwrap_or(NaiveTime::MIN)
}

/// Short local weekday name, used by explanations.
pub fn weekday_name(day: Weekday) -> &'static str {
    day_name(day.num_days_from_monday() as usize)
}

/// "Mon" for 0 through "Sun" for 6.
fn day_name(index: usize) -> &'static str {
    DAY_NAMES.get(index).copied().unwrap_or("?")
}

/// `at + span`, or "never" when that would leave chrono's range. Instants past the boundary lie
/// in 1970-2200 and spans are at most decades, so only a calendar with no working time for
/// decades reaches the fallback.
pub(crate) fn later(at: DateTime<Utc>, span: Duration) -> DateTime<Utc> {
    at.checked_add_signed(span).unwrap_or_else(far_future)
}

/// "Never", as a deadline: far beyond any real one (the year 9999), yet far enough inside
/// chrono's range that adding or subtracting years to it cannot overflow.
pub fn far_future() -> DateTime<Utc> {
    DateTime::from_timestamp(253_402_300_799, 0).unwrap_or(DateTime::<Utc>::MAX_UTC)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, mo, d, h, mi, 0).unwrap()
    }

    fn local(cal: &Calendar, y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
        cal.zone
            .with_ymd_and_hms(y, mo, d, h, mi, 0)
            .unwrap()
            .with_timezone(&Utc)
    }

    fn sg() -> Calendar {
        Calendar::office_hours("Asia/Singapore").unwrap()
    }

    /// Hand-checked: (start, target minutes) → due, all in the calendar's local time.
    #[test]
    fn office_hours_deadline_table() {
        let cal = sg();
        // Starts are in November 2026; 2026-11-27 is a Friday. Due is (month, day, hour, minute).
        for ((d, h, m), minutes, (dmo, dd, dh, dm)) in [
            ((27, 10, 0), 60, (11, 27, 11, 0)),     // inside hours
            ((27, 17, 45), 60, (11, 30, 9, 45)),    // Friday evening rolls to Monday: 15 + 45
            ((27, 20, 0), 60, (11, 30, 10, 0)), // received after hours: counts from Monday opening
            ((28, 11, 0), 30, (11, 30, 9, 30)), // Saturday
            ((26, 9, 0), 540, (11, 26, 18, 0)), // exactly one working day
            ((26, 9, 0), 541, (11, 27, 9, 1)),  // one minute more
            ((27, 18, 0), 1, (11, 30, 9, 1)),   // at closing time
            ((27, 9, 0), 0, (11, 27, 9, 0)),    // zero target
            ((28, 12, 33), 0, (11, 30, 9, 0)),  // zero from Saturday: the next opening (issue 23)
            ((28, 12, 33), 1, (11, 30, 9, 1)),  // one minute from Saturday: a minute after it
            ((27, 18, 0), 0, (11, 30, 9, 0)),   // zero at closing time: the next opening
            ((27, 12, 0), -5, (11, 27, 12, 0)), // a negative target counts as zero
            ((27, 10, 0), 5 * 540, (12, 4, 10, 0)), // a working week later
        ] {
            let start = local(&cal, 2026, 11, d, h, m);
            let due = cal.add_working_minutes(start, minutes);
            assert_eq!(
                due,
                local(&cal, 2026, dmo, dd, dh, dm),
                "start Nov {d} {h:02}:{m:02} + {minutes} min"
            );
        }
    }

    #[test]
    fn working_between_and_by_day_agree_with_the_deadline() {
        let cal = sg();
        let start = local(&cal, 2026, 11, 27, 17, 45);
        let due = cal.add_working_minutes(start, 60);
        assert_eq!(cal.working_between(start, due), Duration::minutes(60));
        assert_eq!(
            cal.minutes_by_day(start, due),
            vec![
                (NaiveDate::from_ymd_opt(2026, 11, 27).unwrap(), 15),
                (NaiveDate::from_ymd_opt(2026, 11, 30).unwrap(), 45)
            ]
        );
    }

    #[test]
    fn holidays_are_skipped() {
        let mut cal = sg();
        cal.holidays.insert(
            NaiveDate::from_ymd_opt(2026, 11, 30).unwrap(),
            "Team offsite".into(),
        );
        let due = cal.add_working_minutes(local(&cal, 2026, 11, 27, 17, 45), 60);
        assert_eq!(due, local(&cal, 2026, 12, 1, 9, 45));
    }

    #[test]
    fn lunch_breaks_and_cross_midnight_shifts() {
        let mut days: [Vec<Interval>; 7] = Default::default();
        days[0] = vec![
            Interval::new(hm(9, 0), hm(12, 0)),
            Interval::new(hm(13, 0), hm(18, 0)),
        ];
        days[1] = vec![Interval::new(hm(22, 0), hm(6, 0))];
        let cal = Calendar::new("Asia/Singapore", Schedule::Weekly(days), BTreeMap::new()).unwrap();
        // Monday 2026-11-30, 11:30 + 60 min: 30 before lunch, 30 after.
        assert_eq!(
            cal.add_working_minutes(local(&cal, 2026, 11, 30, 11, 30), 60),
            local(&cal, 2026, 11, 30, 13, 30)
        );
        // Tuesday night shift runs into Wednesday morning.
        assert_eq!(
            cal.add_working_minutes(local(&cal, 2026, 12, 1, 23, 0), 120),
            local(&cal, 2026, 12, 2, 1, 0)
        );
        // Starting inside that shift, after midnight: yesterday's interval is still open.
        assert_eq!(
            cal.add_working_minutes(local(&cal, 2026, 12, 2, 5, 0), 30),
            local(&cal, 2026, 12, 2, 5, 30)
        );
    }

    #[test]
    fn dst_changes_do_not_shift_local_hours() {
        let cal = Calendar::office_hours("America/New_York").unwrap();
        // US DST ends Sunday 2026-11-01. Friday 17:00 + 120 min lands Monday 10:00 local, EST.
        let due = cal.add_working_minutes(local(&cal, 2026, 10, 30, 17, 0), 120);
        assert_eq!(due, local(&cal, 2026, 11, 2, 10, 0));
        assert_eq!(due, utc(2026, 11, 2, 15, 0));
        // DST starts Sunday 2026-03-08: Monday 09:00 is 13:00 UTC, not 14:00.
        assert_eq!(
            cal.add_working_minutes(local(&cal, 2026, 3, 6, 18, 0), 1),
            utc(2026, 3, 9, 13, 1)
        );
    }

    #[test]
    fn a_viewer_elsewhere_never_shifts_the_calendar_date() {
        // Singapore Monday 09:00 is Sunday 20:00 in New York: still Monday's working time.
        let cal = sg();
        let sunday_evening_ny = chrono_tz::America::New_York
            .with_ymd_and_hms(2026, 11, 29, 20, 0, 0)
            .unwrap();
        let due = cal.add_working_minutes(sunday_evening_ny.with_timezone(&Utc), 30);
        assert_eq!(due, local(&cal, 2026, 11, 30, 9, 30));
    }

    #[test]
    fn a_long_holiday_run_is_skipped_not_looped_over() {
        let mut cal = sg();
        let first = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
        cal.holidays
            .extend((0..90).map(|d| (first + Duration::days(d), "Shutdown".to_string())));
        let due = cal.add_working_minutes(local(&cal, 2026, 11, 30, 17, 30), 60);
        // 30 minutes on Monday 30 Nov, then nothing until Monday 1 March 2027.
        assert_eq!(due, local(&cal, 2027, 3, 1, 9, 30));
    }

    #[test]
    fn twenty_four_seven_counts_every_minute() {
        let cal =
            Calendar::new("Asia/Singapore", Schedule::TwentyFourSeven, BTreeMap::new()).unwrap();
        let start = utc(2026, 11, 28, 3, 0);
        assert_eq!(
            cal.add_working_minutes(start, 60 * 24 * 3),
            start + Duration::days(3)
        );
        assert_eq!(
            cal.working_between(start, start + Duration::hours(5)),
            Duration::hours(5)
        );
    }

    #[test]
    fn bad_calendars_are_refused_with_the_reason() {
        let err = Calendar::office_hours("Mars/Olympus").unwrap_err();
        assert_eq!(
            err.to_string(),
            "'Mars/Olympus' is not a time zone SLA calendars know; use an IANA name such as Asia/Singapore, Europe/London or America/New_York"
        );
        let empty: [Vec<Interval>; 7] = Default::default();
        assert_eq!(
            Calendar::new("UTC", Schedule::Weekly(empty), BTreeMap::new()),
            Err(CalendarError::NoWorkingTime)
        );
        let mut days: [Vec<Interval>; 7] = Default::default();
        days[0] = vec![
            Interval::new(hm(9, 0), hm(12, 0)),
            Interval::new(hm(11, 0), hm(13, 0)),
        ];
        let err = Calendar::new("UTC", Schedule::Weekly(days), BTreeMap::new()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "Mon 09:00–12:00 and Mon 11:00–13:00 overlap; working intervals may not overlap"
        );
        let mut wrap: [Vec<Interval>; 7] = Default::default();
        wrap[6] = vec![Interval::new(hm(22, 0), hm(2, 0))];
        wrap[0] = vec![Interval::new(hm(1, 0), hm(5, 0))];
        assert!(matches!(
            Calendar::new("UTC", Schedule::Weekly(wrap), BTreeMap::new()),
            Err(CalendarError::Overlap { .. })
        ));
    }

    // proptest is a native-only dev-dependency; the wasm test build skips these.
    #[cfg(not(target_arch = "wasm32"))]
    proptest::proptest! {
        #[test]
        fn deadlines_are_monotone_in_the_target(start_min in 0i64..(60 * 24 * 28), a in 0i64..5000, b in 0i64..5000) {
            let cal = sg();
            let start = utc(2026, 11, 1, 0, 0) + Duration::minutes(start_min);
            let (small, large) = (a.min(b), a.max(b));
            proptest::prop_assert!(cal.add_working_minutes(start, small) <= cal.add_working_minutes(start, large));
        }

        #[test]
        fn working_between_inverts_add(start_min in 0i64..(60 * 24 * 28), target in 1i64..5000) {
            let cal = sg();
            let start = utc(2026, 11, 1, 0, 0) + Duration::minutes(start_min);
            let due = cal.add_working_minutes(start, target);
            proptest::prop_assert_eq!(cal.working_between(start, due), Duration::minutes(target));
        }
    }
}
