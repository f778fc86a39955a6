//! Clock tests, continued: next update and promises, sticky breaches, reopening, settled results, partner OLAs, at-risk rules, policy matching, explanations and marks.

use super::*;

fn next_update(events: Vec<(&'static str, Ev)>, now: &'static str) -> CaseSla {
    Scenario {
        zone: SG,
        hours: Hours::Office,
        targets: targets(Some(60), Some(120), None, None),
        received: "2026-11-30 09:00",
        events,
        now,
    }
    .run()
}

#[test]
fn next_update_restarts_at_each_public_response() {
    let sla = next_update(vec![("2026-11-30 10:00", Ev::Response)], "2026-11-30 10:05");
    assert_eq!(
        clock(&sla, SlaTarget::NextUpdate).due,
        Some(at(SG, "2026-11-30 12:00"))
    );
    let sla = next_update(
        vec![
            ("2026-11-30 10:00", Ev::Response),
            ("2026-11-30 11:00", Ev::Response),
        ],
        "2026-11-30 11:05",
    );
    let current: Vec<_> = sla
        .live()
        .filter(|c| c.target == SlaTarget::NextUpdate)
        .collect();
    assert_eq!(current.len(), 1);
    assert_eq!(current[0].due, Some(at(SG, "2026-11-30 13:00")));
    // No response yet: no next-update clock, only first response.
    let sla = next_update(vec![], "2026-11-30 09:05");
    assert!(sla.clocks.iter().all(|c| c.target != SlaTarget::NextUpdate));
}

#[test]
fn a_promise_earlier_than_the_policy_sets_the_deadline_and_pauses_never_move_it() {
    let sla = next_update(
        vec![
            ("2026-11-30 10:00", Ev::Response),
            ("2026-11-30 10:00", Ev::Promise("2026-11-30 11:00")),
        ],
        "2026-11-30 10:05",
    );
    let c = clock(&sla, SlaTarget::NextUpdate);
    assert_eq!(c.due, Some(at(SG, "2026-11-30 11:00")));
    assert_eq!(c.policy_due, Some(at(SG, "2026-11-30 12:00")));
    // A later promise does not extend the policy deadline.
    let sla = next_update(
        vec![
            ("2026-11-30 10:00", Ev::Response),
            ("2026-11-30 10:00", Ev::Promise("2026-11-30 15:00")),
        ],
        "2026-11-30 10:05",
    );
    assert_eq!(
        clock(&sla, SlaTarget::NextUpdate).due,
        Some(at(SG, "2026-11-30 12:00"))
    );
    // Paused, but the promise still falls due.
    let sla = next_update(
        vec![
            ("2026-11-30 10:00", Ev::Response),
            ("2026-11-30 10:00", Ev::Promise("2026-11-30 11:30")),
            ("2026-11-30 10:30", Ev::Status(CaseStatus::WaitingOnUser)),
        ],
        "2026-11-30 11:45",
    );
    let c = clock(&sla, SlaTarget::NextUpdate);
    assert_eq!(c.state, ClockState::Paused);
    assert_eq!(c.due, Some(at(SG, "2026-11-30 11:30")));
    assert!(c.breached);
}

#[test]
fn waiting_on_user_pauses_next_update() {
    let sla = next_update(
        vec![
            ("2026-11-30 10:00", Ev::Response),
            ("2026-11-30 11:00", Ev::Status(CaseStatus::WaitingOnUser)),
            ("2026-12-01 09:00", Ev::Status(CaseStatus::InProgress)),
        ],
        "2026-12-01 09:30",
    );
    // 60 min counted Monday, 60 left from Tuesday 09:00.
    assert_eq!(
        clock(&sla, SlaTarget::NextUpdate).due,
        Some(at(SG, "2026-12-01 10:00"))
    );
}

#[test]
fn a_logged_breach_is_sticky_through_a_policy_change() {
    let scenario = Scenario {
        zone: SG,
        hours: Hours::Office,
        targets: fr(60),
        received: "2026-11-30 09:00",
        events: vec![],
        now: "2026-11-30 10:30",
    };
    let (sla, case, mut marks, now) = scenario.parts();
    let result = case_clocks(&case, &marks, &sla, now);
    let unlogged = result.unlogged_breaches(&marks);
    assert_eq!(unlogged.len(), 1);
    marks.push(ClockMark {
        at: unlogged[0].due.unwrap(),
        kind: MarkKind::Breach {
            target: SlaTarget::FirstResponse,
            cycle: unlogged[0].cycle,
        },
    });
    assert!(
        case_clocks(&case, &marks, &sla, now)
            .unlogged_breaches(&marks)
            .is_empty()
    );
    // The team lengthens the target: the breach stays, and says why.
    let longer = CompiledSla::new(settings(SG, Hours::Office, fr(600)), now).unwrap();
    let after = case_clocks(&case, &marks, &longer, now);
    let c = clock(&after, SlaTarget::FirstResponse);
    assert!(c.breached && c.breach_is_sticky);
    assert!(
        explain(c, &longer)
            .iter()
            .any(|l| l.contains("stays on the record"))
    );
}

#[test]
fn reopening_resumes_resolution_and_keeps_the_first_resolution_time() {
    let sla = Scenario {
        zone: SG,
        hours: Hours::Office,
        targets: targets(None, None, Some(240), None),
        received: "2026-11-30 09:00",
        events: vec![
            ("2026-11-30 11:00", Ev::Status(CaseStatus::Resolved)),
            ("2026-12-01 09:00", Ev::Status(CaseStatus::InProgress)),
        ],
        now: "2026-12-01 09:10",
    }
    .run();
    let c = clock(&sla, SlaTarget::Resolution);
    assert_eq!(c.elapsed, Duration::minutes(130));
    assert_eq!(c.due, Some(at(SG, "2026-12-01 11:00")));
    assert_eq!(sla.first_resolved, Some(at(SG, "2026-11-30 11:00")));
}

#[test]
fn a_resolved_case_keeps_its_recorded_results_when_settings_change() {
    let scenario = Scenario {
        zone: SG,
        hours: Hours::Office,
        targets: targets(Some(60), None, Some(240), None),
        received: "2026-11-30 09:00",
        events: vec![("2026-11-30 09:30", Ev::Response)],
        now: "2026-11-30 12:00",
    };
    let (sla, mut case, mut marks, now) = scenario.parts();
    marks.push(ClockMark {
        at: now,
        kind: MarkKind::Status {
            to: CaseStatus::Resolved,
        },
    });
    let record = case_clocks(&case, &marks, &sla, now).settle(&sla).unwrap();
    assert_eq!(record.policy, "Only");
    assert_eq!(
        record.calendar, "Singapore office hours",
        "named as people know it, not by id"
    );
    assert!(record.clocks.iter().all(|c| !c.breached));
    marks.push(ClockMark {
        at: now,
        kind: MarkKind::Settled {
            record: record.clone(),
        },
    });
    case.status = CaseStatus::Resolved;
    let stricter = CompiledSla::new(
        settings(SG, Hours::Office, targets(Some(10), None, Some(30), None)),
        now,
    )
    .unwrap();
    let later = case_clocks(&case, &marks, &stricter, now + Duration::days(3));
    assert_eq!(later.settled, Some(record));
    assert_eq!(later.health(), Health::Idle);
}

#[test]
fn partner_ola_runs_from_hand_off_to_answer_per_hand_off() {
    let sla = Scenario {
        zone: SG,
        hours: Hours::Office,
        targets: targets(None, None, None, Some(60)),
        received: "2026-11-30 09:00",
        events: vec![
            ("2026-11-30 10:00", Ev::HandOff(1)),
            ("2026-11-30 10:30", Ev::Answer(1)),
            ("2026-11-30 11:00", Ev::HandOff(2)),
        ],
        now: "2026-11-30 12:30",
    }
    .run();
    let olas: Vec<_> = sla
        .clocks
        .iter()
        .filter(|c| c.target == SlaTarget::PartnerOla)
        .collect();
    assert_eq!(olas.len(), 2);
    assert!(!olas[0].breached);
    assert_eq!(
        olas[0].state,
        ClockState::Stopped {
            at: at(SG, "2026-11-30 10:30")
        }
    );
    assert!(olas[1].breached);
    assert_eq!(olas[1].label(), "Partner OLA · Risk");
}

#[test]
fn a_directory_ola_pinned_on_the_hand_off_beats_the_policy_and_needs_none() {
    for policy_ola in [None, Some(60)] {
        let sla = Scenario {
            zone: SG,
            hours: Hours::Office,
            targets: targets(None, None, None, policy_ola),
            received: "2026-11-30 09:00",
            events: vec![
                ("2026-11-30 10:00", Ev::HandOffPinned(1, 240)),
                ("2026-11-30 10:30", Ev::HandOff(2)),
            ],
            now: "2026-11-30 12:30",
        }
        .run();
        let olas: Vec<_> = sla
            .clocks
            .iter()
            .filter(|c| c.target == SlaTarget::PartnerOla)
            .collect();
        // The pinned one always runs (four working hours from 10:00);
        // the unpinned one only when the policy has an OLA.
        assert_eq!(olas.len(), if policy_ola.is_some() { 2 } else { 1 });
        assert_eq!(olas[0].target_minutes, 240);
        assert_eq!(olas[0].due, Some(at(SG, "2026-11-30 14:00")));
        assert!(!olas[0].breached);
    }
}

#[test]
fn a_response_stamped_after_now_leaves_the_clock_running_with_its_deadline() {
    let sla = Scenario {
        zone: SG,
        hours: Hours::Office,
        targets: fr(60),
        received: "2026-11-30 09:00",
        events: vec![("2026-11-30 09:31", Ev::Response)],
        now: "2026-11-30 09:30",
    }
    .run();
    let fr = &sla.clocks[0];
    assert_eq!(fr.state, ClockState::Running);
    assert_eq!(fr.due, Some(at(SG, "2026-11-30 10:00")));
    assert_eq!(fr.elapsed, Duration::minutes(30));
}

#[test]
fn at_risk_by_margin_or_by_share() {
    let run = |minutes, now, rule: AtRiskRule| {
        let scenario = Scenario {
            zone: SG,
            hours: Hours::Office,
            targets: fr(minutes),
            received: "2026-11-30 09:00",
            events: vec![],
            now,
        };
        let (mut sla, case, marks, now) = scenario.parts();
        sla.settings.at_risk = rule;
        case_clocks(&case, &marks, &sla, now)
    };
    let margin_only = AtRiskRule {
        margin_minutes: 15,
        share_percent: 0,
    };
    assert_eq!(
        run(60, "2026-11-30 09:44", margin_only).health(),
        Health::OnTrack
    );
    assert_eq!(
        run(60, "2026-11-30 09:45", margin_only).health(),
        Health::AtRisk
    );
    let share_only = AtRiskRule {
        margin_minutes: 0,
        share_percent: 75,
    };
    assert_eq!(
        run(240, "2026-11-30 11:59", share_only).health(),
        Health::OnTrack
    );
    assert_eq!(
        run(240, "2026-11-30 12:00", share_only).health(),
        Health::AtRisk
    );
    assert_eq!(
        run(240, "2026-11-30 13:01", share_only).health(),
        Health::Breached
    );
}

#[test]
fn the_first_matching_policy_wins() {
    let now = at(SG, "2026-11-30 09:00");
    let sla = CompiledSla::new(SlaSettings::default(), now).unwrap();
    let mut case = case_received(now, CaseStatus::New);
    case.priority = Priority::P1;
    case.account.tier = Tier::Enterprise;
    assert_eq!(
        case_clocks(&case, &[], &sla, now).policy.as_deref(),
        Some("P1 critical, round the clock")
    );
    case.priority = Priority::P2;
    assert_eq!(
        case_clocks(&case, &[], &sla, now).policy.as_deref(),
        Some("Enterprise contract")
    );
    case.account.tier = Tier::Standard;
    assert_eq!(
        case_clocks(&case, &[], &sla, now).policy.as_deref(),
        Some("Standard")
    );
    let mut only_p1 = SlaSettings::default();
    only_p1.policies.truncate(1);
    let sla = CompiledSla::new(only_p1, now).unwrap();
    let none = case_clocks(&case, &[], &sla, now);
    assert_eq!((none.health(), none.policy), (Health::Idle, None));
}

#[test]
fn every_deadline_explains_itself() {
    let scenario = Scenario {
        zone: SG,
        hours: Hours::Office,
        targets: fr(60),
        received: "2026-11-27 17:45",
        events: vec![],
        now: "2026-11-27 17:50",
    };
    let (sla, case, marks, now) = scenario.parts();
    let result = case_clocks(&case, &marks, &sla, now);
    let lines = explain(clock(&result, SlaTarget::FirstResponse), &sla);
    let text = lines.join("; ");
    assert_eq!(
        text,
        "Due Mon 30 Nov 09:45 UTC+08 because:; started Fri 27 Nov 17:45 UTC+08; policy 'Only', calendar 'Singapore office hours'; hours Mon–Fri 09:00–18:00 (Asia/Singapore); target 60 working min; counted 15 min Fri 27 Nov, 45 min Mon 30 Nov; holidays none; paused 0 working min"
    );
    let over_holiday = Scenario {
        received: "2026-08-07 17:00",
        now: "2026-08-07 17:00",
        targets: fr(120),
        ..scenario
    };
    let (sla, case, marks, now) = over_holiday.parts();
    let result = case_clocks(&case, &marks, &sla, now);
    let text = explain(clock(&result, SlaTarget::FirstResponse), &sla).join("; ");
    assert!(
        text.contains("holidays Sun 9 Aug (National Day), Mon 10 Aug (National Day (in lieu))"),
        "{text}"
    );
    assert!(
        text.contains("counted 60 min Fri 7 Aug, 60 min Tue 11 Aug"),
        "{text}"
    );
}

#[test]
fn marks_are_the_clock_relevant_events_in_timeline_order() {
    let now = at(SG, "2026-11-30 09:00");
    let set = crate::domain::sample::generate(5, 20, 1, now);
    for item in set {
        let marks = ClockMark::from_events(&item.events);
        let statuses = item
            .events
            .iter()
            .filter(|e| matches!(e.kind, crate::domain::EventKind::StatusChanged { .. }))
            .count();
        assert!(marks.len() >= statuses);
        assert!(marks.windows(2).all(|w| w[0].at <= w[1].at));
    }
}

proptest::proptest! {
    #[test]
    fn deadlines_are_monotone_in_the_target(received in 0i64..(60 * 24 * 60), a in 1u32..5000, b in 1u32..5000) {
        let start = at(SG, "2026-10-01 00:00") + Duration::minutes(received);
        let due = |minutes| {
            let sla = CompiledSla::new(settings(SG, Hours::Office, fr(minutes)), start).unwrap();
            let case = case_received(start, CaseStatus::New);
            clock(&case_clocks(&case, &[], &sla, start), SlaTarget::FirstResponse).due.unwrap()
        };
        proptest::prop_assert!(due(a.min(b)) <= due(a.max(b)));
    }

    #[test]
    fn pauses_never_shorten_a_deadline(pause_at in 0i64..(60 * 24 * 10), pause_for in 1i64..(60 * 24 * 5), minutes in 60u32..5000) {
        let received = at(SG, "2026-11-02 08:00");
        let sla = CompiledSla::new(settings(SG, Hours::Office, targets(None, None, Some(minutes), None)), received).unwrap();
        let case = case_received(received, CaseStatus::InProgress);
        let pause = received + Duration::minutes(pause_at);
        let resume = pause + Duration::minutes(pause_for);
        let now = resume + Duration::minutes(1);
        let unpaused = case_clocks(&case, &[], &sla, now);
        let marks = vec![
            ClockMark { at: pause, kind: MarkKind::Status { to: CaseStatus::WaitingOnUser } },
            ClockMark { at: resume, kind: MarkKind::Status { to: CaseStatus::InProgress } },
        ];
        let paused = case_clocks(&case, &marks, &sla, now);
        let (a, b) = (clock(&unpaused, SlaTarget::Resolution), clock(&paused, SlaTarget::Resolution));
        proptest::prop_assert!(b.due.unwrap() >= a.due.unwrap());
        proptest::prop_assert!(b.elapsed <= a.elapsed);
    }
}

#[test]
fn a_result_says_when_time_alone_would_change_it() {
    // FR 60 from Monday 09:00, at risk at 15 min left (09:45) or 75% used (09:45), due 10:00.
    let run = |now| {
        Scenario {
            zone: SG,
            hours: Hours::Office,
            targets: fr(60),
            received: "2026-11-30 09:00",
            events: vec![],
            now,
        }
        .run()
    };
    assert_eq!(
        run("2026-11-30 09:10").changes_at(),
        Some(at(SG, "2026-11-30 09:45"))
    );
    let at_risk = run("2026-11-30 09:50");
    assert_eq!(at_risk.health(), Health::AtRisk);
    assert_eq!(at_risk.changes_at(), Some(at(SG, "2026-11-30 10:00")));
    assert_eq!(
        run("2026-11-30 10:05").changes_at(),
        None,
        "a breach is final"
    );
    // Friday 17:50: the warning falls on Monday morning, not over the weekend.
    let friday = Scenario {
        zone: SG,
        hours: Hours::Office,
        targets: fr(60),
        received: "2026-11-27 17:50",
        events: vec![],
        now: "2026-11-27 17:55",
    }
    .run();
    assert_eq!(friday.changes_at(), Some(at(SG, "2026-11-30 09:35")));
    // Paused with no promise: only an event can change it.
    let paused = Scenario {
        zone: SG,
        hours: Hours::Office,
        targets: targets(None, None, Some(600), None),
        received: "2026-11-30 09:00",
        events: vec![("2026-11-30 09:30", Ev::Status(CaseStatus::WaitingOnUser))],
        now: "2026-11-30 10:00",
    }
    .run();
    assert_eq!(paused.changes_at(), None);
}
