//! Tests for SLA policies: matching, targets, validation of what a person types, and their messages.

use super::*;

#[test]
fn the_starter_settings_are_valid_and_ordered_most_specific_first() {
    let settings = SlaSettings::default();
    assert!(settings.validate().is_ok());
    assert_eq!(
        settings.policies.last().unwrap().matches,
        PolicyMatch::default()
    );
}

#[test]
fn day_hours_parse_as_typed() {
    assert_eq!(
        CalendarSpec::parse_day("09:00-12:00, 13:00–18:00").unwrap(),
        vec![
            Hours {
                start: hm(9, 0),
                end: hm(12, 0)
            },
            Hours {
                start: hm(13, 0),
                end: hm(18, 0)
            }
        ]
    );
    assert_eq!(CalendarSpec::parse_day("  ").unwrap(), vec![]);
    assert_eq!(
        CalendarSpec::parse_day("9am-5pm").unwrap_err(),
        "'9am' is not a time like 09:00"
    );
    assert!(
        CalendarSpec::parse_day("09:00")
            .unwrap_err()
            .contains("should look like")
    );
    let night = CalendarSpec::parse_day("22:00-06:00").unwrap();
    assert_eq!(CalendarSpec::format_day(&night), "22:00-06:00");
}

#[test]
fn bad_settings_are_refused_with_the_reason() {
    let mut s = SlaSettings::default();
    s.calendars[0].zone = "Asia/Singapur".into();
    assert_eq!(
        s.validate().unwrap_err().to_string(),
        "calendar 'Singapore office hours': 'Asia/Singapur' is not a time zone SLA calendars know; use an IANA name such as Asia/Singapore, Europe/London or America/New_York"
    );
    let mut s = SlaSettings::default();
    s.calendars[0].week = Default::default();
    assert!(
        s.validate()
            .unwrap_err()
            .to_string()
            .contains("no working time")
    );
    let mut s = SlaSettings::default();
    s.calendars[0].week[0] = CalendarSpec::parse_day("09:00-13:00, 12:00-18:00").unwrap();
    assert!(s.validate().unwrap_err().to_string().contains("overlap"));
    let mut s = SlaSettings::default();
    s.policies[1].name = "standard".into();
    assert_eq!(
        s.validate().unwrap_err(),
        SlaSettingsError::DuplicatePolicy("Standard".into())
    );
    let mut s = SlaSettings::default();
    s.policies[0].targets.first_response = Some(0);
    assert!(
        s.validate()
            .unwrap_err()
            .to_string()
            .contains("First response target")
    );
    let mut s = SlaSettings::default();
    s.policies[0].calendar = "gone".into();
    assert!(matches!(
        s.validate(),
        Err(SlaSettingsError::MissingCalendar { .. })
    ));
}

#[test]
fn a_change_is_logged_in_words() {
    let before = SlaSettings::default();
    let mut next = before.clone();
    next.policies[2].targets.first_response = Some(120);
    next.calendars[0].holidays.pop();
    let now = DateTime::from_timestamp(1_800_000_000, 0).unwrap();
    let (saved, summary) = before.record_change(next, "Mei", now);
    let summary = summary.unwrap();
    assert!(
        summary.contains("changed policy 'Standard': FR 240 min → 120 min"),
        "{summary}"
    );
    assert!(summary.contains("holidays (26 → 25)"), "{summary}");
    assert_eq!(saved.log.len(), 1);
    assert_eq!(saved.log[0].actor, "Mei");
    let (_, nothing) = saved.record_change(saved.clone(), "Mei", now);
    assert_eq!(nothing, None);
}
