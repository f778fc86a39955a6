//! Whole-day hours in SLA calendars (issue 23): every way of writing a 24-hour day parses to the same thing, shows as "all day", and counts every minute.

use chrono::{NaiveTime, TimeZone, Utc};

use super::policy::{CalendarSpec, Hours};

fn hm(h: u32, m: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(h, m, 0).unwrap()
}

fn whole_day() -> Vec<Hours> {
    vec![Hours {
        start: NaiveTime::MIN,
        end: NaiveTime::MIN,
    }]
}

#[test]
fn every_way_of_writing_a_whole_day_means_the_whole_day() {
    for typed in [
        "00:00-24:00",
        "00:00–24:00",
        "00:00-00:00",
        "all day",
        "All day",
        "24h",
        " 24h ",
        "00:00-12:00, 12:00-24:00",
        "00:00-12:00, 12:00-00:00",
        "12:00-24:00, 00:00-13:00",
    ] {
        assert_eq!(CalendarSpec::parse_day(typed), Ok(whole_day()), "{typed}");
    }
    assert_eq!(CalendarSpec::format_day(&whole_day()), "all day");
    // What is shown reads back as what was stored.
    assert_eq!(CalendarSpec::parse_day("all day"), Ok(whole_day()));
}

#[test]
fn an_interval_ending_at_midnight_shows_24_00_and_reads_back() {
    let evening = CalendarSpec::parse_day("18:00-24:00").unwrap();
    assert_eq!(
        evening,
        vec![Hours {
            start: hm(18, 0),
            end: NaiveTime::MIN
        }]
    );
    assert_eq!(CalendarSpec::format_day(&evening), "18:00-24:00");
    assert_eq!(
        CalendarSpec::parse_day("18:00-24:00, 00:00-06:00")
            .unwrap()
            .len(),
        2
    );
}

#[test]
fn refusals_never_contradict_themselves() {
    let same = CalendarSpec::parse_day("09:00-09:00").unwrap_err();
    assert_eq!(
        same,
        "'09:00-09:00' starts and ends at the same time; for the whole day write 00:00-24:00"
    );
    let start = CalendarSpec::parse_day("24:00-06:00").unwrap_err();
    assert!(start.contains("24:00 can only end an interval"), "{start}");
    assert_eq!(
        CalendarSpec::parse_day("09:00-25:00").unwrap_err(),
        "'25:00' is not a time like 09:00"
    );
    // A gap means not the whole day: kept as typed.
    assert_eq!(
        CalendarSpec::parse_day("00:00-12:00, 12:30-24:00")
            .unwrap()
            .len(),
        2
    );
}

#[test]
fn a_saturday_only_whole_day_desk_counts_every_saturday_minute_and_nothing_else() {
    let mut spec = super::SlaSettings::default().calendars[0].clone();
    spec.zone = "UTC".into();
    spec.holidays.clear();
    spec.week = Default::default();
    spec.week[5] = CalendarSpec::parse_day("00:00-24:00").unwrap();
    let cal = spec.build().unwrap();
    // Saturday 28 November 2026.
    let saturday = Utc.with_ymd_and_hms(2026, 11, 28, 10, 0, 0).unwrap();
    assert_eq!(
        cal.add_working_minutes(saturday, 60),
        Utc.with_ymd_and_hms(2026, 11, 28, 11, 0, 0).unwrap()
    );
    // From Friday, counting starts at Saturday 00:00; a full day runs to Sunday 00:00.
    let friday = Utc.with_ymd_and_hms(2026, 11, 27, 10, 0, 0).unwrap();
    assert_eq!(
        cal.add_working_minutes(friday, 60),
        Utc.with_ymd_and_hms(2026, 11, 28, 1, 0, 0).unwrap()
    );
    assert_eq!(
        cal.add_working_minutes(friday, 1440),
        Utc.with_ymd_and_hms(2026, 11, 29, 0, 0, 0).unwrap()
    );
    // One minute more is the next Saturday.
    assert_eq!(
        cal.add_working_minutes(friday, 1441),
        Utc.with_ymd_and_hms(2026, 12, 5, 0, 1, 0).unwrap()
    );
}
