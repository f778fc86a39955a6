//! Service levels: business-hours calendars now; policies, clocks and explanations build on them.

pub mod calendar;

pub use calendar::{Calendar, CalendarError, Interval, Schedule};
