//! Calendars as the team edits them: weekly working hours per day (whole days included), a zone and holidays, built into the validated `Calendar`.

use std::collections::BTreeMap;

use chrono::NaiveTime;
use serde::{Deserialize, Serialize};

use super::calendar::{Calendar, CalendarError, Interval, Schedule};
use super::holidays::Holiday;

/// One working interval as stored: local wall-clock times, "HH:MM".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hours {
    pub start: NaiveTime,
    pub end: NaiveTime,
}

/// A calendar as the team edits it. `Calendar` is the validated form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CalendarSpec {
    pub id: String,
    pub name: String,
    pub zone: String,
    /// Every minute counts; the weekly hours and holidays are kept but ignored.
    #[serde(default)]
    pub always_open: bool,
    /// Monday first.
    pub week: [Vec<Hours>; 7],
    #[serde(default)]
    pub holidays: Vec<Holiday>,
}

impl CalendarSpec {
    pub fn build(&self) -> Result<Calendar, CalendarError> {
        let schedule = if self.always_open {
            Schedule::TwentyFourSeven
        } else {
            Schedule::Weekly(
                self.week
                    .clone()
                    .map(|day| day.iter().map(|h| Interval::new(h.start, h.end)).collect()),
            )
        };
        let holidays: BTreeMap<_, _> = self
            .holidays
            .iter()
            .map(|h| (h.date, h.name.clone()))
            .collect();
        Calendar::new(&self.zone, schedule, holidays)
    }

    /// Parses one day's hours as typed: "09:00-12:00, 13:00-18:00"; blank means closed. A
    /// whole day is "all day", "24h" or "00:00-24:00" (24:00 is the end of the day, as 00:00
    /// is when it ends an interval); intervals that together cover the day are stored as one.
    pub fn parse_day(text: &str) -> Result<Vec<Hours>, String> {
        let whole = Hours {
            start: NaiveTime::MIN,
            end: NaiveTime::MIN,
        };
        let trimmed = text.trim();
        if ["all day", "24h", "24 h"]
            .iter()
            .any(|w| trimmed.eq_ignore_ascii_case(w))
        {
            return Ok(vec![whole]);
        }
        let day = trimmed
            .split(',')
            .map(str::trim)
            .filter(|part| !part.is_empty())
            .map(|part| {
                let (start, end) = part
                    .split_once(['-', '–'])
                    .ok_or_else(|| format!("'{part}' should look like 09:00-18:00"))?;
                let time = |t: &str, is_end: bool| {
                    let t = t.trim();
                    if is_end && t == "24:00" {
                        return Ok(NaiveTime::MIN);
                    }
                    NaiveTime::parse_from_str(t, "%H:%M").map_err(|_| {
                        if t == "24:00" {
                            format!("'{part}': 24:00 can only end an interval (the day starts at 00:00)")
                        } else {
                            format!("'{t}' is not a time like 09:00")
                        }
                    })
                };
                let (start, end) = (time(start, false)?, time(end, true)?);
                if start == end && start != NaiveTime::MIN {
                    return Err(format!(
                        "'{part}' starts and ends at the same time; for the whole day write 00:00-24:00"
                    ));
                }
                Ok(Hours { start, end })
            })
            .collect::<Result<Vec<_>, String>>()?;
        Ok(if covers_whole_day(&day) {
            vec![whole]
        } else {
            day
        })
    }

    /// One day's hours as the editor shows them: "all day", or intervals with 24:00 for midnight.
    pub fn format_day(day: &[Hours]) -> String {
        if covers_whole_day(day) {
            return "all day".into();
        }
        day.iter()
            .map(|h| {
                let end = if h.end == NaiveTime::MIN {
                    "24:00".to_string()
                } else {
                    h.end.format("%H:%M").to_string()
                };
                format!("{}-{end}", h.start.format("%H:%M"))
            })
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// Whether intervals that stay within the day (an end of 00:00 is midnight) cover all of it.
fn covers_whole_day(day: &[Hours]) -> bool {
    let minute = |t: NaiveTime| t.signed_duration_since(NaiveTime::MIN).num_minutes();
    let mut spans: Vec<(i64, i64)> = day
        .iter()
        .map(|h| {
            let end = if h.end == NaiveTime::MIN {
                1440
            } else {
                minute(h.end)
            };
            (minute(h.start), end)
        })
        .filter(|(a, b)| a < b)
        .collect();
    spans.sort_unstable();
    let mut reached = 0;
    for (a, b) in spans {
        if a > reached {
            return false;
        }
        reached = reached.max(b);
    }
    reached >= 1440
}
