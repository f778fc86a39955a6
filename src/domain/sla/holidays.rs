//! Holidays: the bundled Singapore public holidays and an all-or-nothing iCalendar (.ics) import.
//!
//! The importer reads only what a holiday feed needs (all-day `VEVENT`s with a `DTSTART` and a
//! `SUMMARY`). It is written here rather than taken from a crate because a specialist needs the
//! line at fault when a file is malformed, and the iCal crates report positions poorly or not at all.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// One non-working local date, with the name people know it by.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Holiday {
    pub date: NaiveDate,
    pub name: String,
}

/// Singapore's gazetted public holidays for 2026 and 2027 as the Ministry of Manpower published
/// them, with the Monday in lieu when one falls on a Sunday (Holidays Act, s 4(2)).
/// The Islamic holidays are announced "subject to confirmation"; a team can edit them in settings.
pub fn singapore_public_holidays() -> Vec<Holiday> {
    const DATES: &[(i32, u32, u32, &str)] = &[
        (2026, 1, 1, "New Year's Day"),
        (2026, 2, 17, "Chinese New Year"),
        (2026, 2, 18, "Chinese New Year (day 2)"),
        (2026, 3, 21, "Hari Raya Puasa"),
        (2026, 4, 3, "Good Friday"),
        (2026, 5, 1, "Labour Day"),
        (2026, 5, 27, "Hari Raya Haji"),
        (2026, 5, 31, "Vesak Day"),
        (2026, 6, 1, "Vesak Day (in lieu)"),
        (2026, 8, 9, "National Day"),
        (2026, 8, 10, "National Day (in lieu)"),
        (2026, 11, 8, "Deepavali"),
        (2026, 11, 9, "Deepavali (in lieu)"),
        (2026, 12, 25, "Christmas Day"),
        (2027, 1, 1, "New Year's Day"),
        (2027, 2, 6, "Chinese New Year"),
        (2027, 2, 7, "Chinese New Year (day 2)"),
        (2027, 2, 8, "Chinese New Year (in lieu)"),
        (2027, 3, 10, "Hari Raya Puasa"),
        (2027, 3, 26, "Good Friday"),
        (2027, 5, 1, "Labour Day"),
        (2027, 5, 17, "Hari Raya Haji"),
        (2027, 5, 20, "Vesak Day"),
        (2027, 8, 9, "National Day"),
        (2027, 10, 29, "Deepavali"),
        (2027, 12, 25, "Christmas Day"),
    ];
    DATES
        .iter()
        // Every entry is a real date (a test pins the count); one that were not would be left out.
        .filter_map(|&(y, m, d, name)| {
            Some(Holiday {
                date: NaiveDate::from_ymd_opt(y, m, d)?,
                name: name.to_string(),
            })
        })
        .collect()
}

/// Why an .ics file was refused, pointing at the line a person can find in an editor.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {reason}")]
pub struct IcsError {
    pub line: usize,
    pub reason: String,
}

/// The most events one import may hold; a holiday feed has dozens, so more means the wrong file.
const MAX_EVENTS: usize = 2_000;

/// Parses every all-day event of an iCalendar file as a holiday. Any fault refuses the whole file,
/// so a half-read calendar can never be imported.
pub fn parse_ics(text: &str) -> Result<Vec<Holiday>, IcsError> {
    let lines = unfold(text);
    let fail = |line: usize, reason: &str| IcsError {
        line,
        reason: reason.to_string(),
    };
    let Some((first_line, first)) = lines.iter().find(|(_, l)| !l.trim().is_empty()) else {
        return Err(fail(1, "the file is empty; expected BEGIN:VCALENDAR"));
    };
    if !first.trim().eq_ignore_ascii_case("BEGIN:VCALENDAR") {
        return Err(fail(
            *first_line,
            "an iCalendar file starts with BEGIN:VCALENDAR",
        ));
    }
    let mut holidays = Vec::new();
    let mut in_calendar = false;
    let mut ended = false;
    // (line of BEGIN:VEVENT, date, summary)
    let mut event: Option<(usize, Option<NaiveDate>, Option<String>)> = None;
    for (number, raw) in &lines {
        let line = raw.trim_end();
        if line.is_empty() {
            continue;
        }
        if ended {
            return Err(fail(*number, "content after END:VCALENDAR"));
        }
        let Some((name_and_params, value)) = line.split_once(':') else {
            return Err(fail(*number, "expected NAME:value; this line has no colon"));
        };
        let mut parts = name_and_params.split(';');
        let name = parts.next().unwrap_or_default().to_ascii_uppercase();
        let params: Vec<String> = parts.map(|p| p.to_ascii_uppercase()).collect();
        match (name.as_str(), value.trim().to_ascii_uppercase().as_str()) {
            ("BEGIN", "VCALENDAR") if !in_calendar => in_calendar = true,
            ("BEGIN", "VCALENDAR") => return Err(fail(*number, "a calendar inside a calendar")),
            ("END", "VCALENDAR") => {
                if let Some((start, ..)) = event {
                    return Err(fail(start, "this VEVENT is never closed with END:VEVENT"));
                }
                ended = true;
            }
            ("BEGIN", "VEVENT") => {
                if let Some((open, ..)) = event {
                    return Err(fail(
                        *number,
                        &format!("a new VEVENT starts before the one on line {open} ends"),
                    ));
                }
                event = Some((*number, None, None));
            }
            ("END", "VEVENT") => {
                let Some((start, date, summary)) = event.take() else {
                    return Err(fail(*number, "END:VEVENT without BEGIN:VEVENT"));
                };
                let Some(date) = date else {
                    return Err(fail(start, "this event has no DTSTART"));
                };
                holidays.push(Holiday {
                    date,
                    name: summary.unwrap_or_else(|| "Holiday".to_string()),
                });
                if holidays.len() > MAX_EVENTS {
                    return Err(fail(
                        *number,
                        "more than 2,000 events; this does not look like a holiday calendar",
                    ));
                }
            }
            ("DTSTART", _) if event.is_some() => {
                let date =
                    parse_date(value.trim(), &params).map_err(|reason| fail(*number, &reason))?;
                if let Some(slot) = event.as_mut() {
                    slot.1 = Some(date);
                }
            }
            ("SUMMARY", _) if event.is_some() => {
                let summary = unescape(value.trim());
                if summary.chars().count() > 120 {
                    return Err(fail(*number, "SUMMARY is longer than 120 characters"));
                }
                if let Some(slot) = event.as_mut() {
                    slot.2 = Some(summary);
                }
            }
            _ => {}
        }
    }
    if let Some((start, ..)) = event {
        return Err(fail(start, "this VEVENT is never closed with END:VEVENT"));
    }
    if !ended {
        let last = lines.last().map(|(n, _)| *n).unwrap_or(1);
        return Err(fail(last, "the file ends without END:VCALENDAR"));
    }
    holidays.sort();
    holidays.dedup_by(|a, b| a.date == b.date);
    Ok(holidays)
}

/// Joins folded lines (a continuation starts with a space or tab), keeping each logical line's
/// first physical line number for error messages.
fn unfold(text: &str) -> Vec<(usize, String)> {
    let mut out: Vec<(usize, String)> = Vec::new();
    for (index, raw) in text.split('\n').enumerate() {
        let raw = raw.strip_suffix('\r').unwrap_or(raw);
        match (raw.strip_prefix([' ', '\t']), out.last_mut()) {
            (Some(rest), Some((_, previous))) => previous.push_str(rest),
            _ => out.push((index + 1, raw.to_string())),
        }
    }
    out
}

/// A holiday is a whole local day: `VALUE=DATE:20261225`, or a date-time whose date is taken.
fn parse_date(value: &str, params: &[String]) -> Result<NaiveDate, String> {
    let digits = value.get(..8).unwrap_or(value);
    let all_day = params.iter().any(|p| p == "VALUE=DATE");
    if all_day && value.len() != 8 {
        return Err(format!("DTSTART '{value}' should be a date like 20261225"));
    }
    NaiveDate::parse_from_str(digits, "%Y%m%d")
        .map_err(|_| format!("DTSTART '{value}' is not a date like 20261225"))
}

fn unescape(text: &str) -> String {
    text.replace("\\n", " ")
        .replace("\\N", " ")
        .replace("\\,", ",")
        .replace("\\;", ";")
        .replace("\\\\", "\\")
}

#[cfg(test)]
#[allow(clippy::string_slice)]
mod tests {
    use super::*;

    const FEED: &str = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//MOM//Holidays//EN\r\nBEGIN:VEVENT\r\nUID:1\r\nDTSTART;VALUE=DATE:20281225\r\nSUMMARY:Christmas Day\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20280101\r\nSUMMARY:New Year\\, observed\r\n  in lieu\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";

    #[test]
    fn every_bundled_holiday_is_a_real_date() {
        assert_eq!(singapore_public_holidays().len(), 26);
    }

    #[test]
    fn bundled_singapore_holidays_cover_2026_and_2027_on_the_right_days() {
        let all = singapore_public_holidays();
        let count = |year| {
            all.iter()
                .filter(|h| h.date.format("%Y").to_string() == year)
                .count()
        };
        assert_eq!(count("2026"), 14);
        assert_eq!(count("2027"), 12);
        // In-lieu Mondays follow Sunday holidays.
        for h in all.iter().filter(|h| h.name.contains("in lieu")) {
            assert_eq!(h.date.format("%a").to_string(), "Mon", "{h:?}");
        }
        assert!(
            all.iter()
                .any(|h| h.date == NaiveDate::from_ymd_opt(2026, 8, 10).unwrap())
        );
    }

    #[test]
    fn an_ics_feed_imports_its_all_day_events() {
        let holidays = parse_ics(FEED).unwrap();
        assert_eq!(
            holidays,
            vec![
                Holiday {
                    date: NaiveDate::from_ymd_opt(2028, 1, 1).unwrap(),
                    name: "New Year, observed in lieu".into()
                },
                Holiday {
                    date: NaiveDate::from_ymd_opt(2028, 12, 25).unwrap(),
                    name: "Christmas Day".into()
                },
            ]
        );
    }

    #[test]
    fn a_malformed_ics_names_the_line_at_fault() {
        let bad_date = FEED.replace("20281225", "2028-12-25");
        assert_eq!(
            parse_ics(&bad_date).unwrap_err().to_string(),
            "line 6: DTSTART '2028-12-25' should be a date like 20261225"
        );
        let no_colon = FEED.replace("UID:1", "UID 1");
        assert_eq!(parse_ics(&no_colon).unwrap_err().line, 5);
        let unclosed = FEED.replacen("END:VEVENT\r\n", "", 1);
        let err = parse_ics(&unclosed).unwrap_err();
        assert_eq!(
            err.to_string(),
            "line 8: a new VEVENT starts before the one on line 4 ends"
        );
        let truncated = &FEED[..FEED.len() - "END:VCALENDAR\r\n".len()];
        assert!(
            parse_ics(truncated)
                .unwrap_err()
                .reason
                .contains("without END:VCALENDAR")
        );
        assert_eq!(parse_ics("").unwrap_err().line, 1);
        assert!(
            parse_ics("hello")
                .unwrap_err()
                .reason
                .contains("BEGIN:VCALENDAR")
        );
        let no_start = FEED.replace("DTSTART;VALUE=DATE:20281225\r\n", "");
        assert_eq!(
            parse_ics(&no_start).unwrap_err().to_string(),
            "line 4: this event has no DTSTART"
        );
    }
}
