//! Service levels: calendars, policies, and clocks computed from each case's event log.

pub mod board;
pub mod calendar;
pub mod calendar_spec;
pub mod clock;
pub mod holidays;
pub mod policy;
pub mod settle;
pub mod worktime;

#[cfg(test)]
mod hours_tests;

pub use calendar::{Calendar, CalendarError, Interval, Schedule};
pub use clock::{
    CaseSla, Clock, ClockMark, ClockState, Health, MarkKind, SettledClock, SettledSla, case_clocks,
    explain,
};
pub use holidays::{Holiday, IcsError, parse_ics, singapore_public_holidays};
pub use policy::{
    AtRiskRule, CalendarSpec, CompiledSla, Hours, PolicyMatch, SlaChange, SlaPolicy, SlaSettings,
    SlaSettingsError, SlaTarget, Targets,
};
pub use worktime::WorkIndex;
