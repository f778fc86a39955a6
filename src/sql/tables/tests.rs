//! Tests for the SQL tables' rows: every case, event and clock becomes the columns the console documents.

use super::*;

#[test]
fn a_result_becomes_csv_and_evidence_with_a_stable_fingerprint() {
    let result = QueryResult {
        columns: vec!["area".into(), "n".into()],
        rows: vec![
            vec!["Payouts".into(), Cell::Int(2)],
            vec![Cell::Null, Cell::Real(1.5)],
        ],
        capped: false,
    };
    assert_eq!(result.to_csv(), "area,n\nPayouts,2\n,1.5\n");
    let at = chrono::TimeZone::with_ymd_and_hms(&Utc, 2026, 11, 20, 9, 0, 0).unwrap();
    let evidence = query_evidence(3, "Breaches", "SELECT 1", at, &result);
    assert_eq!(evidence.number, 3);
    assert_eq!(evidence.kind, EvidenceKind::Query);
    assert_eq!(evidence.title, "Breaches: 2 rows");
    assert!(
        evidence
            .detail
            .starts_with("SELECT 1\n\nRan 2026-11-20 09:00:00 UTC · 2 rows · SHA-256")
    );
    assert!(evidence.detail.ends_with(&result.fingerprint()));
    assert_eq!(result.fingerprint().len(), 64);
    let mut changed = result.clone();
    changed.rows[0][1] = Cell::Int(3);
    assert_ne!(changed.fingerprint(), result.fingerprint());
}

#[test]
fn every_row_has_one_cell_per_documented_column() {
    let now = chrono::TimeZone::with_ymd_and_hms(&Utc, 2026, 11, 20, 9, 0, 0).unwrap();
    let sample = crate::domain::sample::generate(3, 40, 1001, now);
    let cases: Vec<Case> = sample.iter().map(|s| s.case.clone()).collect();
    let events: HashMap<Uuid, Vec<CaseEvent>> =
        sample.into_iter().map(|s| (s.case.id, s.events)).collect();
    let sla = CompiledSla::new(crate::domain::sla::SlaSettings::default(), now).unwrap();
    let extract = extract(&cases, &events, &[], Some(&sla), now, now.date_naive());
    assert_eq!(extract.tables.len(), TABLES.len());
    for ((name, text), table) in extract.tables.iter().zip(TABLES) {
        assert_eq!(*name, table.name);
        let rows = decode_rows::<String>(text, table.columns.len(), |_| Ok(())).unwrap();
        if *name == "cases" {
            assert_eq!(rows, 40);
        }
        if *name == "events" || *name == "sla_clocks" {
            assert!(rows > 40, "{name}: {rows}");
        }
    }
}

#[test]
fn the_transfer_format_round_trips_any_cell_and_reports_damage() {
    let rows = vec![
        vec![
            Cell::Null,
            Cell::Int(-42),
            Cell::Real(2.5),
            Cell::Text("a:b;c\nnt3:é€".into()),
        ],
        vec![
            Cell::Text(String::new()),
            Cell::Int(i64::MAX),
            Cell::Real(-0.125),
            Cell::Null,
        ],
    ];
    let text = encode_rows(&rows);
    let mut back = Vec::new();
    let count = decode_rows::<String>(&text, 4, |cells| {
        back.push(
            cells
                .iter()
                .map(|c| match c {
                    CellRef::Null => Cell::Null,
                    CellRef::Int(n) => Cell::Int(*n),
                    CellRef::Real(x) => Cell::Real(*x),
                    CellRef::Text(t) => Cell::Text((*t).to_owned()),
                })
                .collect::<Vec<_>>(),
        );
        Ok(())
    })
    .unwrap();
    assert_eq!((count, back), (2, rows));
    assert_eq!(
        decode_rows::<String>(&text, 3, |_| Ok(())).unwrap_err(),
        format!("byte {}: the last row is short", text.len())
    );
    assert!(
        decode_rows::<String>("t9:abc", 1, |_| Ok(()))
            .unwrap_err()
            .contains("runs past the end")
    );
    assert!(
        decode_rows::<String>("x", 1, |_| Ok(()))
            .unwrap_err()
            .contains("byte 0: unknown cell type")
    );
    assert!(
        decode_rows::<String>("i12", 1, |_| Ok(()))
            .unwrap_err()
            .contains("not terminated")
    );
    // A length that would split a multi-byte character is damage, not a panic.
    assert!(decode_rows::<String>("t1:é", 1, |_| Ok(())).is_err());
}

#[test]
fn the_attachments_table_lists_the_files_each_case_holds_now() {
    use crate::domain::attachment::AttachedFile;
    let now = chrono::TimeZone::with_ymd_and_hms(&Utc, 2026, 12, 3, 9, 0, 0).unwrap();
    let sample = crate::domain::sample::generate(3, 1, 1001, now);
    let case = sample[0].case.clone();
    let file = |n: char, name: &str| AttachedFile {
        sha256: n.to_string().repeat(64),
        name: name.into(),
        size: 2_048,
        media_type: "application/pdf".into(),
    };
    let (case, kept) = case
        .attach_file(file('a', "letter.pdf"), &[], Uuid::from_u128(1), "Mei", now)
        .unwrap();
    let (case, gone) = case
        .attach_file(file('b', "old.pdf"), &[], Uuid::from_u128(2), "Mei", now)
        .unwrap();
    let mut log = sample[0].events.clone();
    log.extend([kept, gone]);
    let held = crate::domain::attachment::files_on_case(&log);
    let (case, removed) = case
        .remove_file(&"b".repeat(64), &held, Uuid::from_u128(3), "Ana", now)
        .unwrap();
    log.push(removed);
    let events: HashMap<Uuid, Vec<CaseEvent>> = [(case.id, log)].into_iter().collect();
    let extract = extract(
        std::slice::from_ref(&case),
        &events,
        &[],
        None,
        now,
        now.date_naive(),
    );
    let (name, text) = extract.tables.last().unwrap();
    assert_eq!(*name, "attachments");
    let mut rows = Vec::new();
    decode_rows::<String>(text, 7, |row| {
        let shown = row.iter().map(|cell| match cell {
            CellRef::Null => String::new(),
            CellRef::Int(n) => n.to_string(),
            CellRef::Real(x) => x.to_string(),
            CellRef::Text(t) => (*t).to_string(),
        });
        rows.push(shown.collect::<Vec<_>>());
        Ok(())
    })
    .unwrap();
    assert_eq!(
        rows,
        [[
            case.key.to_string(),
            "letter.pdf".into(),
            "application/pdf".into(),
            "2048".into(),
            "a".repeat(64),
            "2026-12-03 09:00:00".into(),
            "Mei".into()
        ]]
    );
}
