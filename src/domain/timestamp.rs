//! The serde form of the timestamps every case and event carries: chrono's own RFC 3339 text, written and read without chrono's general formatter.
//!
//! Why: chrono writes a timestamp through `core::fmt` and reads it with a general RFC 3339
//! parser. Measured on 52,000 events, that was a third of the time spent turning them into JSON
//! and back (an export at 10k cases writes and reads about 75,000 timestamps). The common
//! shape, `2026-11-25T09:30:00Z` with 0, 3, 6 or 9 fraction digits, is written and read here
//! directly; anything else (a year past 9999, a leap second, another offset, a lowercase `t`)
//! goes to chrono, so the text and what is accepted are exactly chrono's. Tests pin both.
//!
//! Use as `#[serde(with = "crate::domain::timestamp")]` on a `DateTime<Utc>` field.

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, Timelike, Utc};
use serde::{Deserializer, Serialize, Serializer, de};

/// The earliest instant any record may carry: the Unix epoch. `validate` refuses anything
/// outside `EARLIEST_SECONDS..LATEST_SECONDS` at the boundary, and code after it relies on that.
pub const EARLIEST_SECONDS: i64 = 0;
/// The first instant no record may carry: 2200-01-01T00:00:00Z.
pub const LATEST_SECONDS: i64 = 7_258_118_400;

/// The longest canonical form: `YYYY-MM-DDTHH:MM:SS.nnnnnnnnnZ`.
const LONGEST: usize = 30;

pub fn serialize<S: Serializer>(at: &DateTime<Utc>, serializer: S) -> Result<S::Ok, S::Error> {
    let mut text = [0u8; LONGEST];
    let common = write_common(at, &mut text)
        .and_then(|len| text.get(..len))
        .and_then(|bytes| std::str::from_utf8(bytes).ok());
    match common {
        Some(text) => serializer.serialize_str(text),
        None => at.serialize(serializer),
    }
}

pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<DateTime<Utc>, D::Error> {
    deserializer.deserialize_str(TimestampVisitor)
}

struct TimestampVisitor;

impl de::Visitor<'_> for TimestampVisitor {
    type Value = DateTime<Utc>;

    fn expecting(&self, formatter: &mut std::fmt::Formatter) -> std::fmt::Result {
        formatter.write_str("an RFC 3339 formatted date and time string")
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<Self::Value, E> {
        parse(value).map_err(E::custom)
    }
}

/// Reads `text` exactly as chrono's `DateTime<Utc>` deserialiser does.
pub fn parse(text: &str) -> Result<DateTime<Utc>, chrono::ParseError> {
    match read_common(text.as_bytes()) {
        Some(at) => Ok(at),
        None => text
            .parse::<DateTime<FixedOffset>>()
            .map(|at| at.with_timezone(&Utc)),
    }
}

/// Writes the common shape into `out` and returns its length, or `None` for chrono to write.
fn write_common(at: &DateTime<Utc>, out: &mut [u8; LONGEST]) -> Option<usize> {
    let year = at.year();
    let nanos = at.nanosecond();
    // Years outside four digits get a sign, and a leap second shows as :60; chrono does both.
    if !(0..=9999).contains(&year) || nanos >= 1_000_000_000 {
        return None;
    }
    *out = *b"0000-00-00T00:00:00.000000000Z";
    let mut put = |from: usize, value: u32, digits: usize| {
        let mut value = value;
        for i in (from..from + digits).rev() {
            if let Some(slot) = out.get_mut(i) {
                *slot = b'0' + (value % 10) as u8;
            }
            value /= 10;
        }
    };
    put(0, year as u32, 4);
    put(5, at.month(), 2);
    put(8, at.day(), 2);
    put(11, at.hour(), 2);
    put(14, at.minute(), 2);
    put(17, at.second(), 2);
    // chrono's `SecondsFormat::AutoSi`: no fraction, or milli-, micro- or nanoseconds,
    // whichever is the shortest exact one.
    let (fraction, digits) = if nanos == 0 {
        (0, 0)
    } else if nanos.is_multiple_of(1_000_000) {
        (nanos / 1_000_000, 3)
    } else if nanos.is_multiple_of(1_000) {
        (nanos / 1_000, 6)
    } else {
        (nanos, 9)
    };
    // Without a fraction the text ends at the seconds, where the `.` of the template stood.
    let len = if digits == 0 { 19 } else { 20 + digits };
    put(20, fraction, digits);
    *out.get_mut(len)? = b'Z';
    Some(len + 1)
}

/// Reads the common shape; `None` for anything else, which chrono then reads or refuses.
fn read_common(text: &[u8]) -> Option<DateTime<Utc>> {
    let digits = match text.len() {
        20 => 0,
        24 => 3,
        27 => 6,
        30 => 9,
        _ => return None,
    };
    let is = |i: usize, b: u8| text.get(i) == Some(&b);
    let separators_fit = is(4, b'-')
        && is(7, b'-')
        && is(10, b'T')
        && is(13, b':')
        && is(16, b':')
        && text.last() == Some(&b'Z')
        && (digits == 0 || is(19, b'.'));
    if !separators_fit {
        return None;
    }
    let number = |from: usize, count: usize| -> Option<u32> {
        text.get(from..from + count)?.iter().try_fold(0u32, |n, b| {
            b.is_ascii_digit().then(|| n * 10 + u32::from(b - b'0'))
        })
    };
    let fraction = if digits == 0 {
        0
    } else {
        number(20, digits)? * 10u32.pow(9 - digits as u32)
    };
    let second = number(17, 2)?;
    // A leap second (:60) is left to chrono, which folds it into the fraction.
    if second > 59 {
        return None;
    }
    let date = NaiveDate::from_ymd_opt(number(0, 4)? as i32, number(5, 2)?, number(8, 2)?)?;
    let time = date.and_hms_nano_opt(number(11, 2)?, number(14, 2)?, second, fraction)?;
    Some(time.and_utc())
}

// proptest is native-only, so these tests live behind the same gate.
#[cfg(all(test, not(target_arch = "wasm32")))]
#[allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use proptest::prelude::*;

    fn chrono_text(at: &DateTime<Utc>) -> String {
        serde_json::to_string(at).unwrap()
    }

    fn our_text(at: &DateTime<Utc>) -> String {
        #[derive(serde::Serialize)]
        struct Wrapped(#[serde(with = "super")] DateTime<Utc>);
        serde_json::to_string(&Wrapped(*at)).unwrap()
    }

    #[test]
    fn writes_each_fraction_length_as_chrono_does() {
        let base = Utc.with_ymd_and_hms(2026, 11, 25, 9, 30, 5).unwrap();
        for nanos in [0, 120_000_000, 123_000, 7, 999_999_999] {
            let at = base + chrono::Duration::nanoseconds(nanos);
            assert_eq!(our_text(&at), chrono_text(&at), "{nanos} ns");
        }
        assert_eq!(our_text(&base), "\"2026-11-25T09:30:05Z\"");
    }

    #[test]
    fn years_beyond_four_digits_and_leap_seconds_are_chronos() {
        let far = Utc.with_ymd_and_hms(12026, 1, 2, 3, 4, 5).unwrap();
        assert_eq!(our_text(&far), chrono_text(&far));
        let leap = NaiveDate::from_ymd_opt(2016, 12, 31)
            .unwrap()
            .and_hms_nano_opt(23, 59, 59, 1_500_000_000)
            .unwrap()
            .and_utc();
        assert_eq!(our_text(&leap), chrono_text(&leap));
        assert_eq!(parse(&chrono_text(&leap).replace('"', "")), Ok(leap));
    }

    #[test]
    fn reads_other_offsets_and_refuses_nonsense_as_chrono_does() {
        for text in [
            "2026-11-25T10:30:00+01:00",
            "2026-11-25t09:30:00z",
            "2026-11-25 09:30:00Z",
            "2026-11-25T09:30:00.5Z",
            "2026-02-30T09:30:00Z",
            "2026-11-25T24:00:00Z",
            "2026-11-25T09:30:00",
            "not a date",
            "",
        ] {
            let chrono = text
                .parse::<DateTime<FixedOffset>>()
                .map(|d| d.with_timezone(&Utc));
            assert_eq!(parse(text), chrono, "{text}");
        }
    }

    #[test]
    fn an_unreadable_timestamp_names_what_was_expected() {
        #[derive(Debug, serde::Deserialize)]
        struct Wrapped {
            #[serde(with = "super")]
            #[allow(dead_code)]
            at: DateTime<Utc>,
        }
        let error = serde_json::from_str::<Wrapped>(r#"{"at": 12}"#).unwrap_err();
        assert!(error.to_string().contains("RFC 3339"), "{error}");
        let error =
            serde_json::from_str::<Wrapped>(r#"{"at": "2026-13-01T00:00:00Z"}"#).unwrap_err();
        assert!(error.to_string().contains("out of range"), "{error}");
    }

    proptest! {
        #[test]
        fn writes_exactly_what_chrono_writes_and_reads_it_back(
            seconds in -62_135_596_800i64..=400_000_000_000i64,
            nanos in prop_oneof![Just(0u32), (0u32..1000).prop_map(|m| m * 1_000_000), (0u32..1_000_000).prop_map(|u| u * 1000), 0u32..1_000_000_000],
        ) {
            let at = DateTime::from_timestamp(seconds, nanos).unwrap();
            let text = our_text(&at);
            prop_assert_eq!(&text, &chrono_text(&at));
            prop_assert_eq!(parse(text.trim_matches('"')), Ok(at));
        }

        #[test]
        fn reads_exactly_what_chrono_reads(
            text in "[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt ][0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,10})?([Zz]|[+-][0-9]{2}:[0-9]{2})?",
        ) {
            let chrono = text.parse::<DateTime<FixedOffset>>().map(|d| d.with_timezone(&Utc));
            prop_assert_eq!(parse(&text), chrono);
        }
    }
}
