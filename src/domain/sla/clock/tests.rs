//! Hand-checked SLA clock cases: every semantic rule, in the calendar's local time.
//!
//! Dates used: 2026-11-27 is a Friday, 11-30 a Monday. Singapore holidays are the bundled ones.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::string_slice,
    clippy::panic
)]

use chrono::{DateTime, Duration, NaiveDateTime, TimeZone, Utc};

use super::*;
use crate::domain::case::{Case, CaseStatus, Tier};
use crate::domain::priority::Priority;
use crate::domain::sla::policy::{CalendarSpec, PolicyMatch, SlaPolicy, SlaSettings, Targets};

#[derive(Clone, Copy)]
enum Hours {
    Office,
    Lunch,
    Night,
    Always,
}

fn settings(zone: &str, hours: Hours, targets: Targets) -> SlaSettings {
    let mut s = SlaSettings::default();
    let spec = &mut s.calendars[0];
    spec.zone = zone.into();
    let day = match hours {
        Hours::Office | Hours::Always => "09:00-18:00",
        Hours::Lunch => "09:00-12:00, 13:00-18:00",
        Hours::Night => "22:00-06:00",
    };
    spec.week = std::array::from_fn(|d| {
        if d < 5 {
            CalendarSpec::parse_day(day).unwrap()
        } else {
            Vec::new()
        }
    });
    spec.always_open = matches!(hours, Hours::Always);
    if zone != "Asia/Singapore" {
        spec.holidays.clear();
    }
    s.policies = vec![SlaPolicy {
        id: "only".into(),
        name: "Only".into(),
        matches: PolicyMatch::default(),
        targets,
        calendar: "sg-office".into(),
    }];
    s
}

fn targets(fr: Option<u32>, nu: Option<u32>, res: Option<u32>, ola: Option<u32>) -> Targets {
    Targets {
        first_response: fr,
        next_update: nu,
        resolution: res,
        partner_ola: ola,
    }
}

fn at(zone: &str, text: &str) -> DateTime<Utc> {
    let tz: chrono_tz::Tz = zone.parse().unwrap();
    let naive = NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M").unwrap();
    tz.from_local_datetime(&naive)
        .earliest()
        .unwrap()
        .with_timezone(&Utc)
}

fn case_received(received: DateTime<Utc>, status: CaseStatus) -> Case {
    let mut case = crate::domain::sample::generate(1, 1, 1, received)
        .remove(0)
        .case;
    case.created_at = received;
    case.status = status;
    case.priority = Priority::P3;
    case.account.tier = Tier::Standard;
    case
}

enum Ev {
    Status(CaseStatus),
    Response,
    Promise(&'static str),
    HandOff(u128),
    /// A hand-off to a directory team whose OLA (minutes) was pinned on the event.
    HandOffPinned(u128, u32),
    Answer(u128),
}

struct Scenario {
    zone: &'static str,
    hours: Hours,
    targets: Targets,
    received: &'static str,
    events: Vec<(&'static str, Ev)>,
    now: &'static str,
}

impl Scenario {
    fn run(&self) -> CaseSla {
        let (sla, case, marks, now) = self.parts();
        case_clocks(&case, &marks, &sla, now)
    }

    fn parts(&self) -> (CompiledSla, Case, Vec<ClockMark>, DateTime<Utc>) {
        let z = self.zone;
        let now = at(z, self.now);
        let sla = CompiledSla::new(settings(z, self.hours, self.targets), now).unwrap();
        let mut status = CaseStatus::New;
        let marks: Vec<ClockMark> = self
            .events
            .iter()
            .map(|(when, ev)| ClockMark {
                at: at(z, when),
                kind: match ev {
                    Ev::Status(s) => {
                        status = *s;
                        MarkKind::Status { to: *s }
                    }
                    Ev::Response => MarkKind::Response,
                    Ev::Promise(by) => MarkKind::Promise { by: at(z, by) },
                    Ev::HandOff(id) => MarkKind::HandOff {
                        id: uuid::Uuid::from_u128(*id),
                        team: "Risk".into(),
                        minutes: None,
                    },
                    Ev::HandOffPinned(id, minutes) => MarkKind::HandOff {
                        id: uuid::Uuid::from_u128(*id),
                        team: "Risk".into(),
                        minutes: Some(*minutes),
                    },
                    Ev::Answer(id) => MarkKind::PartnerAnswer {
                        id: uuid::Uuid::from_u128(*id),
                    },
                },
            })
            .collect();
        (sla, case_received(at(z, self.received), status), marks, now)
    }
}

fn fr(minutes: u32) -> Targets {
    targets(Some(minutes), None, None, None)
}

fn clock(sla: &CaseSla, target: SlaTarget) -> &Clock {
    sla.clocks
        .iter()
        .rev()
        .find(|c| c.target == target)
        .unwrap_or_else(|| panic!("no {target:?} clock in {sla:?}"))
}

const SG: &str = "Asia/Singapore";
const NY: &str = "America/New_York";

/// (what, zone, hours, received, target minutes, due) for first-response deadlines.
#[test]
fn first_response_deadline_table() {
    let rows: &[(&str, &str, Hours, &str, u32, &str)] = &[
        (
            "inside hours",
            SG,
            Hours::Office,
            "2026-11-30 10:00",
            60,
            "2026-11-30 11:00",
        ),
        (
            "Friday evening rolls to Monday: 15 + 45",
            SG,
            Hours::Office,
            "2026-11-27 17:45",
            60,
            "2026-11-30 09:45",
        ),
        (
            "received Saturday starts Monday",
            SG,
            Hours::Office,
            "2026-11-28 11:00",
            60,
            "2026-11-30 10:00",
        ),
        (
            "received before opening",
            SG,
            Hours::Office,
            "2026-11-30 08:00",
            60,
            "2026-11-30 10:00",
        ),
        (
            "exactly one working day",
            SG,
            Hours::Office,
            "2026-11-30 09:00",
            540,
            "2026-11-30 18:00",
        ),
        (
            "one minute more",
            SG,
            Hours::Office,
            "2026-11-30 09:00",
            541,
            "2026-12-01 09:01",
        ),
        (
            "received at closing",
            SG,
            Hours::Office,
            "2026-11-27 18:00",
            1,
            "2026-11-30 09:01",
        ),
        (
            "National Day Sunday, Monday in lieu",
            SG,
            Hours::Office,
            "2026-08-07 17:00",
            120,
            "2026-08-11 10:00",
        ),
        (
            "Deepavali in lieu Monday",
            SG,
            Hours::Office,
            "2026-11-06 17:30",
            60,
            "2026-11-10 09:30",
        ),
        (
            "Chinese New Year 2026, two weekdays",
            SG,
            Hours::Office,
            "2026-02-16 17:00",
            120,
            "2026-02-19 10:00",
        ),
        (
            "Chinese New Year 2027, Monday in lieu",
            SG,
            Hours::Office,
            "2027-02-05 17:00",
            120,
            "2027-02-09 10:00",
        ),
        (
            "Christmas Friday",
            SG,
            Hours::Office,
            "2026-12-24 17:00",
            120,
            "2026-12-28 10:00",
        ),
        (
            "New Year's Day Friday",
            SG,
            Hours::Office,
            "2026-12-31 17:30",
            60,
            "2027-01-04 09:30",
        ),
        (
            "Good Friday",
            SG,
            Hours::Office,
            "2026-04-02 17:00",
            120,
            "2026-04-06 10:00",
        ),
        (
            "Vesak Sunday, Monday in lieu",
            SG,
            Hours::Office,
            "2026-05-29 17:00",
            120,
            "2026-06-02 10:00",
        ),
        (
            "lunch break skipped",
            SG,
            Hours::Lunch,
            "2026-11-30 11:30",
            60,
            "2026-11-30 13:30",
        ),
        (
            "received during lunch",
            SG,
            Hours::Lunch,
            "2026-11-30 12:15",
            30,
            "2026-11-30 13:30",
        ),
        (
            "night shift crosses midnight",
            SG,
            Hours::Night,
            "2026-12-01 23:00",
            120,
            "2026-12-02 01:00",
        ),
        (
            "inside yesterday's night shift",
            SG,
            Hours::Night,
            "2026-12-02 05:00",
            90,
            "2026-12-02 22:30",
        ),
        (
            "Friday's night shift runs into Saturday",
            SG,
            Hours::Night,
            "2026-12-05 03:00",
            240,
            "2026-12-07 23:00",
        ),
        (
            "24×7 counts Saturday",
            SG,
            Hours::Always,
            "2026-11-28 11:00",
            30,
            "2026-11-28 11:30",
        ),
        (
            "24×7 counts the night",
            SG,
            Hours::Always,
            "2026-11-28 22:00",
            480,
            "2026-11-29 06:00",
        ),
        (
            "24×7 ignores holidays",
            SG,
            Hours::Always,
            "2026-12-24 23:00",
            120,
            "2026-12-25 01:00",
        ),
        (
            "New York, DST ends over the weekend",
            NY,
            Hours::Office,
            "2026-10-30 17:00",
            120,
            "2026-11-02 10:00",
        ),
        (
            "New York, DST starts over the weekend",
            NY,
            Hours::Office,
            "2026-03-06 17:30",
            60,
            "2026-03-09 09:30",
        ),
        (
            "London, clocks go back",
            "Europe/London",
            Hours::Office,
            "2026-10-23 17:30",
            60,
            "2026-10-26 09:30",
        ),
    ];
    for (what, zone, hours, received, minutes, due) in rows {
        let sla = Scenario {
            zone,
            hours: *hours,
            targets: fr(*minutes),
            received,
            events: vec![],
            now: received,
        }
        .run();
        assert_eq!(
            clock(&sla, SlaTarget::FirstResponse).due,
            Some(at(zone, due)),
            "{what}"
        );
    }
}

#[test]
fn a_viewer_in_another_zone_sees_the_same_instant_and_calendar_date() {
    // Received Friday 17:45 in Singapore, which a New York viewer sees as Friday 04:45.
    let sla = Scenario {
        zone: SG,
        hours: Hours::Office,
        targets: fr(60),
        received: "2026-11-27 17:45",
        events: vec![],
        now: "2026-11-27 17:50",
    }
    .run();
    let due = clock(&sla, SlaTarget::FirstResponse).due.unwrap();
    // Monday 09:45 in Singapore is Sunday 20:45 in New York: the instant is the same, and the
    // calendar's date (Monday) is what the deadline is computed on.
    assert_eq!(due, at(NY, "2026-11-29 20:45"));
    assert_eq!(
        due.with_timezone(&chrono_tz::Asia::Singapore)
            .format("%a %H:%M")
            .to_string(),
        "Mon 09:45"
    );
}

#[test]
fn first_response_is_answered_only_by_public_outbound() {
    let base = Scenario {
        zone: SG,
        hours: Hours::Office,
        targets: fr(60),
        received: "2026-11-30 09:00",
        events: vec![],
        now: "2026-11-30 09:30",
    };
    // Notes, inbound email and an unanswered call leave no mark at all.
    use crate::domain::case::events::{CallOutcome, CaseEvent, EventKind};
    let event = |kind| CaseEvent {
        id: uuid::Uuid::from_u128(7),
        case_id: uuid::Uuid::from_u128(1),
        at: at(SG, "2026-11-30 09:10"),
        actor: "Mei".into(),
        kind,
    };
    for kind in [
        EventKind::NoteAdded {
            text: "internal".into(),
        },
        EventKind::EmailReceived {
            from: "u@x".into(),
            subject: "s".into(),
            body: "b".into(),
        },
        EventKind::CallLogged {
            outcome: CallOutcome::NoAnswer,
            duration_seconds: 30,
            notes: String::new(),
            next_steps: String::new(),
        },
        EventKind::HandedOff {
            handoff: uuid::Uuid::from_u128(3),
            team: "Risk".into(),
            ask: "?".into(),
            ticket: String::new(),
            ola_minutes: None,
        },
    ] {
        let mark = ClockMark::of(&event(kind.clone()));
        assert!(
            !matches!(
                mark,
                Some(ClockMark {
                    kind: MarkKind::Response,
                    ..
                })
            ),
            "{kind:?}"
        );
    }
    for kind in [
        EventKind::EmailSent {
            to: "u@x".into(),
            cc: String::new(),
            subject: "s".into(),
            body: "b".into(),
        },
        EventKind::CallLogged {
            outcome: CallOutcome::Voicemail,
            duration_seconds: 30,
            notes: String::new(),
            next_steps: String::new(),
        },
    ] {
        assert_eq!(
            ClockMark::of(&event(kind)).unwrap().kind,
            MarkKind::Response
        );
    }
    let sla = base.run();
    assert_eq!(
        clock(&sla, SlaTarget::FirstResponse).state,
        ClockState::Running
    );
    let answered = Scenario {
        events: vec![("2026-11-30 09:20", Ev::Response)],
        ..base
    }
    .run();
    let fr = clock(&answered, SlaTarget::FirstResponse);
    assert_eq!(
        fr.state,
        ClockState::Stopped {
            at: at(SG, "2026-11-30 09:20")
        }
    );
    assert!(!fr.breached);
    assert_eq!(fr.elapsed, Duration::minutes(20));
}

mod pauses;
mod updates;
