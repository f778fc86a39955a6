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
