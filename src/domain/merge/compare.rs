//! Comparing one record of mine with theirs: which fields each side changed since the copies parted, and the differences a person is shown.

use super::*;

pub(super) fn compare_case(
    mine: &Case,
    mine_events: &[CaseEvent],
    theirs: &CaseWithEvents,
) -> CasePlan {
    let mine_ids: HashSet<Uuid> = mine_events.iter().map(|e| e.id).collect();
    let their_ids: HashSet<Uuid> = theirs.events.iter().map(|e| e.id).collect();
    let touched = |events: &[CaseEvent], other: &HashSet<Uuid>| -> HashSet<CaseField> {
        events
            .iter()
            .filter(|e| !other.contains(&e.id))
            .flat_map(|e| CaseField::touched_by(&e.kind).iter().copied())
            .collect()
    };
    let mine_touched = touched(mine_events, &their_ids);
    let theirs_touched = touched(&theirs.events, &mine_ids);
    let new_events = theirs
        .events
        .iter()
        .filter(|e| !mine_ids.contains(&e.id))
        .count();
    let diffs: Vec<FieldDiff> = CaseField::ALL
        .into_iter()
        .filter(|f| !f.same(mine, &theirs.case))
        .map(|field| {
            let outcome = match (
                mine_touched.contains(&field),
                theirs_touched.contains(&field),
            ) {
                (false, true) => Outcome::TakeTheirs,
                (true, false) => Outcome::KeepMine,
                _ => Outcome::Decide,
            };
            FieldDiff {
                field,
                mine: field.show(mine),
                theirs: field.show(&theirs.case),
                outcome,
            }
        })
        .collect();
    let verdict = if diffs.iter().any(|d| d.outcome == Outcome::Decide) {
        Verdict::Conflict
    } else if new_events > 0 || diffs.iter().any(|d| d.outcome == Outcome::TakeTheirs) {
        Verdict::Updated
    } else {
        Verdict::Identical
    };
    CasePlan {
        id: mine.id,
        key: mine.key.clone(),
        rekeyed_from: None,
        title: mine.title.clone(),
        verdict,
        diffs,
        new_events,
    }
}

pub(super) fn compare_playbook(mine: Option<&Playbook>, theirs: &Playbook) -> RecordPlan {
    let label = theirs
        .versions
        .last()
        .map(|v| v.content.title.clone())
        .unwrap_or_default();
    let record = |verdict, changes| RecordPlan {
        kind: RecordKind::Playbook,
        id: theirs.id.to_string(),
        label: label.clone(),
        verdict,
        changes,
    };
    let Some(mine) = mine else {
        return record(
            Verdict::New,
            vec![format!("{} version(s)", theirs.versions.len())],
        );
    };
    if mine == theirs {
        return record(Verdict::Identical, Vec::new());
    }
    let (m, t) = (&mine.versions, &theirs.versions);
    // Versions are append-only, so one history extending the other is a plain update.
    if mine.archived == theirs.archived && t.len() > m.len() && t.starts_with(m) {
        let added = t
            .iter()
            .skip(m.len())
            .map(|v| format!("adds version {} by {}: {}", v.number, v.author, v.note))
            .collect();
        return record(Verdict::Updated, added);
    }
    if mine.archived == theirs.archived && m.len() >= t.len() && m.starts_with(t) {
        return record(
            Verdict::Identical,
            vec!["this device already has every version".into()],
        );
    }
    let mut changes = Vec::new();
    if mine.archived != theirs.archived {
        changes.push(format!(
            "archived: mine {}, theirs {}",
            yes_no(mine.archived),
            yes_no(theirs.archived)
        ));
    }
    if !t.starts_with(m) && !m.starts_with(t) {
        changes.push(format!(
            "the version histories differ: mine has {}, theirs {}",
            m.len(),
            t.len()
        ));
    }
    record(Verdict::Conflict, changes)
}

pub(super) fn yes_no(value: bool) -> &'static str {
    if value { "yes" } else { "no" }
}

pub(super) fn compare_whole<T: PartialEq + Serialize>(
    kind: RecordKind,
    id: String,
    label: String,
    mine: Option<&T>,
    theirs: &T,
) -> RecordPlan {
    let (verdict, changes) = match mine {
        None => (Verdict::New, Vec::new()),
        Some(mine) if mine == theirs => (Verdict::Identical, Vec::new()),
        Some(mine) => (Verdict::Conflict, json_differences(mine, theirs)),
    };
    RecordPlan {
        kind,
        id,
        label,
        verdict,
        changes,
    }
}

/// "field: mine → theirs" for each top-level field that differs.
pub(super) fn json_differences<T: Serialize>(mine: &T, theirs: &T) -> Vec<String> {
    let (Ok(serde_json::Value::Object(m)), Ok(serde_json::Value::Object(t))) =
        (serde_json::to_value(mine), serde_json::to_value(theirs))
    else {
        return vec!["the records differ".into()];
    };
    let mut keys: Vec<&String> = m.keys().chain(t.keys()).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .filter(|k| m.get(*k) != t.get(*k))
        .map(|k| {
            let show = |v: Option<&serde_json::Value>| match v {
                Some(serde_json::Value::String(s)) => clip(s),
                Some(other) => clip(&other.to_string()),
                None => "—".into(),
            };
            format!("{k}: mine {} → theirs {}", show(m.get(k)), show(t.get(k)))
        })
        .collect()
}

pub(super) fn clip(text: &str) -> String {
    const MAX: usize = 80;
    if text.chars().count() <= MAX {
        text.to_string()
    } else {
        text.chars().take(MAX).collect::<String>() + "…"
    }
}
