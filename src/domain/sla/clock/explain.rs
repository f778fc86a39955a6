//! "Why this deadline": the words that explain a clock (start, hours, target, minutes counted per day, holidays, pauses and any promise).

use super::build::counting_spans;
use super::*;

/// Why a clock is due when it is, in the words a specialist would use on a call.
pub fn explain(clock: &Clock, sla: &CompiledSla) -> Vec<String> {
    let Some(index) = sla.indexes.get(&*clock.calendar_id) else {
        return vec![format!("calendar '{}' no longer exists", clock.calendar_id)];
    };
    let calendar = index.calendar();
    let zone = calendar.zone;
    let local = |t: DateTime<Utc>| {
        let l = t.with_timezone(&zone);
        let abbreviation = l.format("%Z").to_string();
        let zone_text = if abbreviation.starts_with(['+', '-']) {
            format!("UTC{abbreviation}")
        } else {
            abbreviation
        };
        format!("{} {}", l.format("%a %-d %b %H:%M"), zone_text)
    };
    let mut lines = Vec::new();
    match (clock.state, clock.due) {
        (ClockState::Stopped { at }, _) => lines.push(format!(
            "{} at {} ({}, {} working min of {})",
            if clock.breached {
                "Missed: stopped"
            } else {
                "Met: stopped"
            },
            local(at),
            clock.label(),
            clock.elapsed.num_minutes(),
            clock.target_minutes
        )),
        (_, Some(due)) => lines.push(format!("Due {} because:", local(due))),
        (_, None) => lines.push(format!(
            "Paused: {} working min left when it resumes. Because:",
            clock.remaining().num_minutes().max(0)
        )),
    }
    lines.push(format!("started {}", local(clock.cycle)));
    lines.push(format!(
        "policy '{}', calendar '{}'",
        clock.policy,
        sla.calendar_name(&clock.calendar_id)
    ));
    lines.push(format!(
        "hours {} ({})",
        calendar.describe_hours(),
        zone.name()
    ));
    lines.push(format!("target {} working min", clock.target_minutes));
    // Where the counted minutes fell, day by day: up to the stop, the deadline, or the pause.
    let open_pause = clock
        .excluded
        .iter()
        .filter(|(a, b)| b.is_none() && *a >= clock.cycle)
        .map(|(a, _)| *a)
        .min();
    let end = match (clock.state, clock.policy_due) {
        (ClockState::Stopped { at }, _) => at,
        (_, Some(due)) => due,
        _ => open_pause.unwrap_or(clock.cycle),
    };
    let mut per_day: Vec<(NaiveDate, i64)> = Vec::new();
    for (a, b) in counting_spans(clock.cycle, Some(end), &clock.excluded) {
        for (day, minutes) in calendar.minutes_by_day(a, b.unwrap_or(end)) {
            match per_day.last_mut() {
                Some((d, m)) if *d == day => *m += minutes,
                _ => per_day.push((day, minutes)),
            }
        }
    }
    let counted = per_day
        .iter()
        .map(|(day, minutes)| format!("{minutes} min {}", day.format("%a %-d %b")))
        .collect::<Vec<_>>();
    lines.push(if counted.is_empty() {
        "nothing counted yet (outside working hours)".to_string()
    } else {
        format!("counted {}", counted.join(", "))
    });
    let first_day = clock.cycle.with_timezone(&zone).date_naive();
    let last_day = end.max(clock.cycle).with_timezone(&zone).date_naive();
    let holidays: Vec<String> = calendar
        .holidays
        .range(first_day..=last_day)
        .map(|(d, name)| format!("{} ({name})", d.format("%a %-d %b")))
        .collect();
    lines.push(
        if holidays.is_empty() || calendar.schedule == crate::domain::sla::Schedule::TwentyFourSeven
        {
            "holidays none".to_string()
        } else {
            format!("holidays {}", holidays.join(", "))
        },
    );
    lines.push(format!("paused {} working min", clock.paused.num_minutes()));
    if let Some(promised) = clock.promised {
        let earlier = clock.policy_due.is_none_or(|d| promised < d);
        lines.push(format!(
            "promised an update by {}{}",
            local(promised),
            if earlier {
                " (earlier than the policy, so it sets the deadline)"
            } else {
                ""
            }
        ));
    }
    if clock.breach_is_sticky {
        lines.push("breach logged earlier; it stays on the record".to_string());
    }
    lines
}
