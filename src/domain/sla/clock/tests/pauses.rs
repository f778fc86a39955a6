//! Clock tests, continued: what pauses a clock (waiting on the user) and what does not (waiting on a partner, time outside hours).

use super::*;

#[test]
fn waiting_on_user_pauses_resolution_and_resumes_where_it_left_off() {
    let res = |events, now| {
        Scenario {
            zone: SG,
            hours: Hours::Office,
            targets: targets(None, None, Some(540), None),
            received: "2026-11-30 09:00",
            events,
            now,
        }
        .run()
    };
    let paused = res(
        vec![("2026-11-30 10:00", Ev::Status(CaseStatus::WaitingOnUser))],
        "2026-11-30 15:00",
    );
    let c = clock(&paused, SlaTarget::Resolution);
    assert_eq!(c.state, ClockState::Paused);
    assert_eq!(c.due, None);
    assert_eq!(c.elapsed, Duration::minutes(60));
    assert_eq!(c.remaining(), Duration::minutes(480));
    assert_eq!(paused.health(), Health::Paused);
    let resumed = res(
        vec![
            ("2026-11-30 10:00", Ev::Status(CaseStatus::WaitingOnUser)),
            ("2026-12-01 10:00", Ev::Status(CaseStatus::InProgress)),
        ],
        "2026-12-01 10:05",
    );
    let c = clock(&resumed, SlaTarget::Resolution);
    assert_eq!(c.due, Some(at(SG, "2026-12-01 18:00")));
    assert_eq!(c.paused, Duration::minutes(8 * 60 + 60));
}

#[test]
fn pause_time_outside_working_hours_adds_nothing() {
    let sla = Scenario {
        zone: SG,
        hours: Hours::Office,
        targets: targets(None, None, Some(600), None),
        received: "2026-11-27 09:00",
        events: vec![
            ("2026-11-27 17:00", Ev::Status(CaseStatus::WaitingOnUser)),
            ("2026-11-30 09:00", Ev::Status(CaseStatus::InProgress)),
        ],
        now: "2026-11-30 09:00",
    }
    .run();
    let c = clock(&sla, SlaTarget::Resolution);
    assert_eq!(
        c.paused,
        Duration::minutes(60),
        "only Friday 17:00–18:00 was working time"
    );
    assert_eq!(c.due, Some(at(SG, "2026-11-30 11:00")));
    let weekend_only = Scenario {
        zone: SG,
        hours: Hours::Office,
        targets: targets(None, None, Some(600), None),
        received: "2026-11-27 09:00",
        events: vec![
            ("2026-11-27 18:30", Ev::Status(CaseStatus::WaitingOnUser)),
            ("2026-11-30 08:00", Ev::Status(CaseStatus::InProgress)),
        ],
        now: "2026-11-30 09:00",
    }
    .run();
    let c = clock(&weekend_only, SlaTarget::Resolution);
    assert_eq!(c.paused, Duration::zero());
    assert_eq!(c.due, Some(at(SG, "2026-11-30 10:00")));
}

#[test]
fn resolving_straight_from_a_pause_still_subtracts_it() {
    let sla = Scenario {
        zone: SG,
        hours: Hours::Office,
        targets: targets(None, None, Some(120), None),
        received: "2026-11-30 09:00",
        events: vec![
            ("2026-11-30 10:00", Ev::Status(CaseStatus::WaitingOnUser)),
            ("2026-11-30 16:00", Ev::Status(CaseStatus::Resolved)),
        ],
        now: "2026-11-30 17:00",
    }
    .run();
    let c = clock(&sla, SlaTarget::Resolution);
    assert_eq!(
        c.state,
        ClockState::Stopped {
            at: at(SG, "2026-11-30 16:00")
        }
    );
    assert_eq!(c.elapsed, Duration::minutes(60));
    assert!(
        !c.breached,
        "7 hours on the wall clock, but only 60 working minutes counted"
    );
}

#[test]
fn waiting_on_partner_does_not_pause_because_the_user_still_waits() {
    let sla = Scenario {
        zone: SG,
        hours: Hours::Office,
        targets: targets(None, None, Some(120), None),
        received: "2026-11-30 09:00",
        events: vec![("2026-11-30 10:00", Ev::Status(CaseStatus::WaitingOnPartner))],
        now: "2026-11-30 11:30",
    }
    .run();
    let c = clock(&sla, SlaTarget::Resolution);
    assert_eq!(c.due, Some(at(SG, "2026-11-30 11:00")));
    assert!(c.breached);
    assert_eq!(sla.health(), Health::Breached);
}

#[test]
fn waiting_on_user_does_not_pause_first_response() {
    let sla = Scenario {
        zone: SG,
        hours: Hours::Office,
        targets: fr(60),
        received: "2026-11-30 09:00",
        events: vec![("2026-11-30 09:10", Ev::Status(CaseStatus::WaitingOnUser))],
        now: "2026-11-30 10:30",
    }
    .run();
    assert!(clock(&sla, SlaTarget::FirstResponse).breached);
}
