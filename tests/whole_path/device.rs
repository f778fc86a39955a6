//! A device in memory for the whole-path fuzzer: what an import writes, and every computation a page runs over what is stored.

use std::collections::HashMap;

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use serde_json::{Value, json};
use uuid::Uuid;

use escalation_desk::bundle::redact::redact;
use escalation_desk::bundle::v1::{self, BundleV1, Exporter, Selection};
use escalation_desk::domain::analytics::{Filters, Period, dashboard, pareto};
use escalation_desk::domain::device::OnDevice;
use escalation_desk::domain::merge::{Choice, ConflictId, MergeResult, plan};
use escalation_desk::domain::partners::{PartnerTeam, handoff_packet};
use escalation_desk::domain::playbooks::{Playbook, checklists, playbook_stats, suggest};
use escalation_desk::domain::problem::Problem;
use escalation_desk::domain::queue::{
    deadline_order_indices, queue_order_indices, raise_reminders, reminder_of, search_text, select,
    starter_views, view_counts,
};
use escalation_desk::domain::rca::{ExportNames, Rca, category_counts, to_markdown};
use escalation_desk::domain::search::Query;
use escalation_desk::domain::settings::TeamSettings;
use escalation_desk::domain::sla::board::{badge, board};
use escalation_desk::domain::sla::{ClockMark, CompiledSla, SlaSettings, case_clocks, explain};
use escalation_desk::domain::templates::{EmailTemplate, ExtraValues, TemplateValues};
use escalation_desk::domain::{Case, CaseEvent};
use escalation_desk::sql::tables::{decode_rows, extract};
use escalation_desk::storage::records;

/// Values the mutator puts anywhere in a bundle: edges of every window and type.
pub fn hostile_values() -> Vec<Value> {
    let mut pool = vec![
        json!(""),
        json!(" "),
        json!("x"),
        json!("x".repeat(201)),
        json!("x".repeat(5_001)),
        json!("é".repeat(20_000)),
        json!("\u{0}\u{202e}<script>alert(1)</script>\r\n"),
        json!("{{case.key}} {{ nope }} {{"),
        json!("}}"),
        json!("😊👩🏽‍💻"),
        json!("ESC-0"),
        json!("ESC-4294967295"),
        json!("ESC-99999999"),
        json!("RCA-0"),
        json!("abc"),
        json!("ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789"),
        json!("4111 1111 1111 1111"),
        json!("+65 6123 4567"),
        json!("1970-01-01T00:00:00Z"),
        json!("1969-12-31T23:59:59Z"),
        json!("2199-12-31T23:59:59Z"),
        json!("2200-01-01T00:00:00Z"),
        json!("+262142-12-31T23:59:59Z"),
        json!("-262143-01-01T00:00:00Z"),
        json!("2026-02-29T00:00:00Z"),
        json!("2026-11-25T09:30:00.123456789+14:00"),
        json!("2026-02-28"),
        json!("9999-12-31"),
        json!("0001-01-01"),
        json!("SGD"),
        json!("JPY"),
        json!("KWD"),
        json!("XAU"),
        json!("00000000-0000-0000-0000-000000000000"),
        json!("abcdefab-cdef-abcd-4111-111111111111"),
        json!("24:00"),
        json!("23:59"),
        json!("Mars/Olympus_Mons"),
        json!("America/New_York"),
        json!(0),
        json!(1),
        json!(-1),
        json!(59),
        json!(100),
        json!(525_600),
        json!(525_601),
        json!(i32::MAX),
        json!(u32::MAX),
        json!(u64::from(u32::MAX) + 1),
        json!(1u64 << 53),
        json!(i64::MAX),
        json!(i64::MIN),
        json!(u64::MAX),
        json!(0.5),
        json!(1e300),
        json!(true),
        json!(false),
        Value::Null,
        json!([]),
        json!({}),
    ];
    // A fresh random uuid each run would make failures unrepeatable; these are fixed.
    pool.push(json!(Uuid::from_u128(0xdead_beef).to_string()));
    pool
}

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 3, 9, 0, 0).unwrap()
}

/// Everything a device stores, as plain data.
#[derive(Clone, Default)]
struct Device {
    cases: Vec<Case>,
    events: HashMap<Uuid, Vec<CaseEvent>>,
    playbooks: Vec<Playbook>,
    templates: Vec<EmailTemplate>,
    partners: Vec<PartnerTeam>,
    problems: Vec<Problem>,
    rcas: Vec<Rca>,
    team: TeamSettings,
    sla: SlaSettings,
    next_case_number: u32,
}

impl Device {
    fn empty() -> Device {
        Device {
            templates: escalation_desk::domain::templates::starter_templates(),
            partners: escalation_desk::domain::partners::PartnerDirectory::default().teams,
            playbooks: escalation_desk::domain::playbook_pack::starter_playbooks(),
            next_case_number: 1001,
            ..Device::default()
        }
    }

    /// A desk holding generated sample cases, as after "Load sample data".
    fn with_sample() -> Device {
        let mut device = Device::empty();
        for s in escalation_desk::domain::sample::generate(5, 24, 1001, now()) {
            device.events.insert(s.case.id, s.events);
            device.cases.push(s.case);
        }
        device.next_case_number = 1001 + 24;
        device
    }

    fn on_device(&self) -> OnDevice {
        OnDevice {
            cases: self.cases.clone(),
            events: self.events.clone(),
            playbooks: self.playbooks.clone(),
            templates: self.templates.clone(),
            partners: self.partners.clone(),
            problems: self.problems.clone(),
            rcas: self.rcas.clone(),
            team: self.team.clone(),
            sla: self.sla.clone(),
            next_case_number: self.next_case_number,
            numbers_elsewhere: Vec::new(),
            provisional: Default::default(),
        }
    }

    /// What `storage::exchange::apply_merge` writes, with its refusals: one case that could not
    /// be read back refuses the whole import, and the device stays as it was.
    fn apply(&self, result: MergeResult) -> Option<Device> {
        let mut next = self.clone();
        for write in result.cases {
            records::refuse_invalid(&write.case).ok()?;
            // The stored forms must read back as what was written.
            let stored = records::encode_case(&write.case);
            let read = records::decode_case("k", &stored).expect("a written case reads back");
            assert_eq!(read, write.case);
            let log = records::encode_log(&write.all_events);
            let back = records::decode_log("k", &log);
            assert!(back.unreadable.is_empty(), "{:?}", back.unreadable);
            assert_eq!(back.items.len(), write.all_events.len());
            let marks = ClockMark::from_events(&write.all_events);
            let clock_log = records::encode_clock_log(&marks);
            assert_eq!(records::decode_clock_log("k", &clock_log).unwrap(), marks);
            match next.cases.iter_mut().find(|c| c.id == write.case.id) {
                Some(slot) => *slot = write.case.clone(),
                None => next.cases.push(write.case.clone()),
            }
            next.events.insert(write.case.id, write.all_events);
        }
        for p in result.playbooks {
            records::refuse_invalid(&p).ok()?;
            let text = records::encode_playbook(&p);
            assert_eq!(records::decode_playbook("k", &text).unwrap(), p);
            upsert(&mut next.playbooks, p, |p| p.id);
        }
        for p in result.problems {
            records::refuse_invalid(&p).ok()?;
            let text = records::encode_problem(&p);
            assert_eq!(records::decode_problem("k", &text).unwrap(), p);
            upsert(&mut next.problems, p, |p| p.id);
        }
        for r in result.rcas {
            records::refuse_invalid(&r).ok()?;
            let text = records::encode_rca(&r);
            assert_eq!(records::decode_rca("k", &text).unwrap(), r);
            upsert(&mut next.rcas, r, |r| r.id);
        }
        if let Some(t) = result.templates {
            records::refuse_invalid(&t).ok()?;
            next.templates = t;
        }
        if let Some(p) = result.partners {
            records::refuse_invalid(&p).ok()?;
            next.partners = p;
        }
        next.next_case_number = next.next_case_number.max(result.next_case_number);
        Some(next)
    }

    fn export(&self) -> BundleV1 {
        let source = self.on_device();
        BundleV1::build(
            source,
            &Selection::Everything,
            Exporter {
                name: "Fuzz".into(),
                device: "fuzz".into(),
            },
            "0.1.0",
            now(),
        )
    }
}

fn upsert<T, K: PartialEq>(list: &mut Vec<T>, item: T, key: impl Fn(&T) -> K) {
    match list.iter_mut().find(|x| key(x) == key(&item)) {
        Some(slot) => *slot = item,
        None => list.push(item),
    }
}

/// Answers every conflict, cycling through the choices a person has; "keep both" only where
/// the merge allows it.
fn import(device: &Device, bundle: &BundleV1, salt: usize) -> Option<Device> {
    let planned = plan(bundle.incoming(), device.on_device());
    let _ = planned.case_counts();
    let _ = planned.record_counts();
    let conflicts = planned.conflicts();
    let mut choices: HashMap<ConflictId, Choice> = HashMap::new();
    for (i, conflict) in conflicts.iter().enumerate() {
        let _ = planned.describe(conflict);
        let choice = match (i + salt) % 3 {
            0 => Choice::Mine,
            1 => Choice::Theirs,
            _ => Choice::Both,
        };
        choices.insert(conflict.clone(), choice);
    }
    let result = match planned.resolve(&choices) {
        Ok(result) => result,
        Err(_) => {
            for choice in choices.values_mut() {
                if *choice == Choice::Both {
                    *choice = Choice::Theirs;
                }
            }
            planned
                .resolve(&choices)
                .expect("every conflict has an answer")
        }
    };
    device.apply(result)
}

/// Every computation a page runs over a device, at several instants; with `edges`, also at the
/// last second of the window (slow: the SLA index then covers two centuries of working time).
fn derive(device: &Device, edges: bool) {
    let marks: HashMap<Uuid, Vec<ClockMark>> = device
        .events
        .iter()
        .map(|(id, events)| (*id, ClockMark::from_events(events)))
        .collect();
    let settings = device.sla.clone();
    let mut instants = vec![
        now(),
        now() + Duration::days(1),
        now() + Duration::days(400),
        DateTime::<Utc>::UNIX_EPOCH,
    ];
    if edges {
        instants.push(Utc.with_ymd_and_hms(2199, 12, 31, 23, 59, 59).unwrap());
    }
    let texts: Vec<String> = device.cases.iter().map(|c| search_text(c, "")).collect();
    let order = queue_order_indices(&device.cases);
    for at in instants {
        let t = std::time::Instant::now();
        let Ok(engine) = CompiledSla::new(settings.clone(), at) else {
            continue;
        };
        if std::env::var("FUZZ_TIMING").is_ok() {
            eprintln!("  compile {:?}", t.elapsed());
        }
        let board = board(&device.cases, &marks, &engine, at);
        assert_eq!(board.rows.len(), device.cases.len());
        for row in &board.rows {
            let _ = badge(row, at);
        }
        let health: Vec<_> = board.rows.iter().map(|r| r.health).collect();
        let due: Vec<_> = board.rows.iter().map(|r| r.due.map(|(d, _)| d)).collect();
        let _ = deadline_order_indices(&device.cases, &due);
        let views = starter_views("Mei Lin");
        let _ = view_counts(&device.cases, &health, &views);
        for view in &views {
            for query in ["", "payout", "\"held since\" esc-10", "é😊", "\u{0}"] {
                let picked = select(
                    &order,
                    &device.cases,
                    &texts,
                    &health,
                    &view.filter,
                    &Query::parse(query),
                );
                let reminders: Vec<_> = device
                    .cases
                    .iter()
                    .map(|c| marks.get(&c.id).and_then(|m| reminder_of(m)))
                    .collect();
                let _ = raise_reminders(&picked, &reminders, at);
            }
        }
        for case in device.cases.iter().take(8) {
            let case_marks = marks.get(&case.id).cloned().unwrap_or_default();
            let sla = case_clocks(case, &case_marks, &engine, at);
            for clock in &sla.clocks {
                let _ = explain(clock, &engine);
            }
            if let Some(record) = sla.settle(&engine) {
                // A settled record is stored in an event; it must pass the boundary it will meet.
                let event = CaseEvent {
                    id: Uuid::from_u128(1),
                    case_id: case.id,
                    at,
                    actor: "Fuzz".into(),
                    kind: escalation_desk::domain::EventKind::SlaSettled { record },
                };
                records::refuse_invalid(&event).expect("a settled record is storable");
            }
        }
        for period in [7, 30, 90] {
            let _ = dashboard(
                &device.cases,
                &marks,
                &device.rcas,
                Period::last_days(period, at),
                &Filters::default(),
                at.date_naive(),
            );
        }
        let extract = extract(
            &device.cases,
            &device.events,
            &device.rcas,
            Some(&engine),
            at,
            at.date_naive(),
        );
        for (table, text) in &extract.tables {
            let width = escalation_desk::sql::tables::TABLES
                .iter()
                .find(|t| t.name == *table)
                .map_or(0, |t| t.columns.len());
            decode_rows::<String>(text, width, |_| Ok(()))
                .unwrap_or_else(|e| panic!("{table}: {e}"));
        }
    }
    for playbook in &device.playbooks {
        let empty: Vec<ClockMark> = Vec::new();
        let _ = playbook_stats(playbook, &device.cases, |id| {
            marks.get(&id).map_or(empty.as_slice(), Vec::as_slice)
        });
    }
    let times = |t: DateTime<Utc>| t.to_rfc3339();
    for case in device.cases.iter().take(8) {
        let events = device.events.get(&case.id).cloned().unwrap_or_default();
        for event in &events {
            let _ = event.headline();
        }
        let _ = checklists(&events);
        let _ = suggest(case, &device.playbooks);
        let _ = handoff_packet(case, &events, "Risk", "Why held?", times);
        let values = TemplateValues::for_case(case, &ExtraValues::default());
        for template in &device.templates {
            let _ = template.render(&values);
        }
    }
    let today = now().date_naive();
    for rca in &device.rcas {
        let names = ExportNames {
            cases: Vec::new(),
            problem: None,
            time: &times,
        };
        let _ = to_markdown(rca, &names, today);
        let _ = rca.content.problems();
        let _ = rca.signoff_states();
        let _ = rca.missing_validations();
        let _ = rca.overdue_actions(NaiveDate::MAX);
    }
    let _ = category_counts(&device.rcas);
    let _ = pareto(device.rcas.iter());
}

/// Reads `text` as a bundle and, if accepted, takes it down every path described above.
pub fn exercise(text: &str, edges: bool) {
    let bundle = match v1::read(text) {
        Ok(bundle) => bundle,
        Err(e) => {
            let message = e.to_string();
            assert!(!message.is_empty());
            return;
        }
    };
    let _ = escalation_desk::bundle::unresolved_references(&bundle);
    // A restore: the bundle becomes the device (what `replace_everything` writes).
    let mut restored = Device::empty();
    if let Some(settings) = &bundle.contents.settings {
        restored.team = settings.team.clone();
        restored.sla = settings.sla.clone();
    }
    for (salt, start) in [
        (0, Device::empty()),
        (1, Device::with_sample()),
        (2, restored),
    ] {
        let Some(device) = import(&start, &bundle, salt) else {
            continue;
        };
        let t = std::time::Instant::now();
        // The window's last second once per file (it is the slow one), on the restored device.
        derive(&device, edges && salt == 2);
        if std::env::var("FUZZ_TIMING").is_ok() {
            eprintln!(" derive {:?}", t.elapsed());
        }
        // What was stored exports to a file that is accepted again…
        let exported = device.export();
        let text = exported.to_json();
        let again = v1::read(&text).unwrap_or_else(|e| panic!("own export refused: {e}"));
        // …and importing it again changes nothing.
        let replanned = plan(again.incoming(), device.on_device());
        assert!(
            replanned.changes_nothing(),
            "re-importing an export changes {:?}",
            replanned.conflicts()
        );
        // A redacted copy is still a bundle this build reads.
        let mut redacted = exported;
        if redact(&mut redacted).is_ok() {
            v1::read(&redacted.to_json()).expect("a redacted export reads back");
        }
    }
}
