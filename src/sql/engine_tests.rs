//! The engine on a hand-built data set: the example queries' answers, refused writes, SQLite's error positions and the row cap.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::string_slice,
    clippy::panic
)]

use super::*;
use crate::sql::tables::EXAMPLES;

/// Four cases: two Payouts (Acme twice), one Disputes, one Cards. Breached clocks: two on
/// Payouts cases, one on the Disputes case. First responses in week 44 after 30 and 90 minutes,
/// in week 45 after 10 minutes.
fn engine() -> Engine {
    let case = |key: &str,
                account: &str,
                area: &str,
                status: &str,
                created: &str,
                response: Option<&str>| {
        let cells: Vec<serde_json::Value> = vec![
            key.into(),
            format!("id-{key}").into(),
            "title".into(),
            account.into(),
            "acct".into(),
            "Standard".into(),
            area.into(),
            "P2".into(),
            status.into(),
            "ana".into(),
            "Email".into(),
            "".into(),
            created.into(),
            created.into(),
            response.map_or(serde_json::Value::Null, Into::into),
            serde_json::Value::Null,
            0.into(),
            1.into(),
        ];
        serde_json::Value::Array(cells)
    };
    let cases = serde_json::Value::Array(vec![
        case(
            "ESC-1",
            "Acme",
            "Payouts",
            "In progress",
            "2026-11-02 09:00:00",
            Some("2026-11-02 09:30:00"),
        ),
        case(
            "ESC-2",
            "Acme",
            "Payouts",
            "Resolved",
            "2026-11-03 09:00:00",
            Some("2026-11-03 10:30:00"),
        ),
        case(
            "ESC-3",
            "Bolt",
            "Disputes",
            "New",
            "2026-11-04 09:00:00",
            None,
        ),
        case(
            "ESC-4",
            "Cato",
            "Cards",
            "Closed",
            "2026-11-10 09:00:00",
            Some("2026-11-10 09:10:00"),
        ),
    ]);
    let clock = |key: &str, target: &str, breached: i64| {
        serde_json::json!([key, target, null, "stopped", null, 60, 70, breached])
    };
    let clocks = serde_json::Value::Array(vec![
        clock("ESC-1", "FR", 1),
        clock("ESC-1", "RES", 1),
        clock("ESC-2", "FR", 0),
        clock("ESC-3", "FR", 1),
        clock("ESC-4", "FR", 0),
    ]);
    let mut engine = Engine::new().unwrap();
    let cases = encode(&cases);
    let clocks = encode(&clocks);
    let loaded = engine
        .load(&[("cases", cases.as_str()), ("sla_clocks", clocks.as_str())])
        .unwrap();
    assert_eq!(loaded, 9);
    engine
}

/// The hand-written rows above, in the worker's transfer format.
fn encode(rows: &serde_json::Value) -> String {
    let rows: Vec<Vec<Cell>> = serde_json::from_value(rows.clone()).unwrap();
    crate::sql::tables::encode_rows(&rows)
}

fn example(name: &str) -> &'static str {
    EXAMPLES.iter().find(|e| e.name == name).unwrap().sql
}

fn rows(result: &QueryResult) -> Vec<Vec<String>> {
    result
        .rows
        .iter()
        .map(|r| r.iter().map(Cell::display).collect())
        .collect()
}

#[test]
fn breaches_by_product_area_counts_breached_clocks() {
    let result = engine()
        .run(example("Breaches by product area"), 1000)
        .unwrap();
    assert_eq!(result.columns, vec!["product_area", "breaches"]);
    assert_eq!(
        rows(&result),
        vec![vec!["Payouts", "2"], vec!["Disputes", "1"]]
    );
}

#[test]
fn median_first_response_by_week() {
    let result = engine()
        .run(example("Median first response by week"), 1000)
        .unwrap();
    assert_eq!(result.columns, vec!["week", "median_minutes", "cases"]);
    // Week 44: 30 and 90 minutes; the lower middle of two is 30. Week 45: one case, 10.
    assert_eq!(
        rows(&result),
        vec![vec!["2026-44", "30", "2"], vec!["2026-45", "10", "1"]]
    );
}

#[test]
fn top_accounts_by_escalations_with_their_open_cases() {
    let result = engine()
        .run(example("Top accounts by escalations"), 1000)
        .unwrap();
    assert_eq!(
        rows(&result),
        vec![
            vec!["Acme", "2", "1"],
            vec!["Bolt", "1", "1"],
            vec!["Cato", "1", "0"]
        ]
    );
}

#[test]
fn every_example_runs_on_empty_tables() {
    let engine = Engine::new().unwrap();
    for e in EXAMPLES {
        engine
            .run(e.sql, 10)
            .unwrap_or_else(|err| panic!("{}: {err}", e.name));
    }
}

#[test]
fn statements_that_write_are_refused_and_change_nothing() {
    let engine = engine();
    for sql in [
        "DELETE FROM cases",
        "UPDATE cases SET status = 'Closed'",
        "INSERT INTO cases (key) VALUES ('ESC-9')",
        "DROP TABLE cases",
        "CREATE TABLE x (a)",
        "PRAGMA query_only = 0",
        "PRAGMA writable_schema = 1",
        "ATTACH ':memory:' AS other",
        "/* sneaky */ pragma QUERY_ONLY(false)",
    ] {
        assert_eq!(engine.run(sql, 10), Err(SqlError::WriteRefused), "{sql}");
    }
    // Reading pragmas still work.
    let info = engine.run("PRAGMA table_info(cases)", 100).unwrap();
    assert_eq!(info.rows.len(), 18);
    let count = engine.run("SELECT count(*) FROM cases", 10).unwrap();
    assert_eq!(rows(&count), vec![vec!["4"]]);
}

#[test]
fn a_syntax_error_carries_sqlites_message_and_position_in_characters() {
    let engine = engine();
    match engine.run("SELECT 'é', key FROM cases WHER status = 'New'", 10) {
        Err(SqlError::Invalid { message, offset }) => {
            assert!(message.contains("syntax error"), "{message}");
            assert_eq!(
                offset,
                Some(32),
                "points at `status`, counting é as one character"
            );
        }
        other => panic!("{other:?}"),
    }
    match engine.run("SELECT nope FROM cases", 10) {
        Err(SqlError::Invalid { message, .. }) => assert!(message.contains("no such column: nope")),
        other => panic!("{other:?}"),
    }
    assert_eq!(engine.run("  ;", 10), Err(SqlError::Empty));
    assert_eq!(
        engine.run("SELECT 1; SELECT 2", 10),
        Err(SqlError::SeveralStatements)
    );
}

#[test]
fn results_are_capped_with_a_flag_and_an_endless_generator_stops_at_the_cap() {
    let engine = engine();
    let endless = "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n) SELECT x FROM n";
    let result = engine.run(endless, 1000).unwrap();
    assert_eq!(result.rows.len(), 1000);
    assert!(result.capped);
    let small = engine.run("SELECT key FROM cases", 4).unwrap();
    assert_eq!((small.rows.len(), small.capped), (4, false));
}

#[test]
fn values_keep_their_sqlite_types() {
    let engine = engine();
    let result = engine.run("SELECT 1, 2.5, 'a', NULL, x'0102'", 10).unwrap();
    assert_eq!(
        result.rows[0],
        vec![
            Cell::Int(1),
            Cell::Real(2.5),
            Cell::Text("a".into()),
            Cell::Null,
            Cell::Text("<2 bytes>".into())
        ]
    );
}

#[test]
fn a_damaged_extract_is_reported_by_table() {
    let mut engine = Engine::new().unwrap();
    match engine.load(&[("cases", "i1;t5:ab")]) {
        Err(SqlError::Load { table, message }) => {
            assert_eq!(table, "cases");
            assert_eq!(
                message,
                "byte 6: text runs past the end or splits a character"
            );
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn the_warm_up_runs_the_real_load_and_query_paths() {
    warm_up(50).unwrap();
}
