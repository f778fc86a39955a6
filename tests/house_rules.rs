//! The house rules ARCHITECTURE.md states, checked on the source tree: every file opens with a `//!` line, no file is over 600 lines, pages never reach storage, every IndexedDB transaction starts in `storage::transactions`, and no new import loop appears.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice
)]
#![cfg(not(target_arch = "wasm32"))]

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

const MAX_LINES: usize = 600;

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

fn source() -> Vec<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for dir in ["src", "tests"] {
        rust_files(&root.join(dir), &mut files);
    }
    files.sort();
    files
        .into_iter()
        .map(|p| {
            let name = p
                .strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            (name, std::fs::read_to_string(&p).unwrap())
        })
        .collect()
}

#[test]
fn every_file_says_its_job_in_its_first_line_and_stays_under_600_lines() {
    let mut broken = Vec::new();
    for (name, text) in source() {
        if !text.starts_with("//!") {
            broken.push(format!("{name}: the first line is not a `//!` line"));
        }
        let lines = text.lines().count();
        if lines > MAX_LINES {
            broken.push(format!("{name}: {lines} lines (at most {MAX_LINES})"));
        }
    }
    assert!(broken.is_empty(), "{}", broken.join("\n"));
}

#[test]
fn pages_and_components_never_reach_storage() {
    // Safe mode is the one exception by design: it works on the database when the app's own
    // start-up is what fails (see ARCHITECTURE.md).
    let offenders: Vec<String> = source()
        .into_iter()
        .filter(|(name, _)| name.starts_with("src/ui/") && name != "src/ui/safe_mode.rs")
        .filter(|(_, text)| text.contains("crate::storage"))
        .map(|(name, _)| name)
        .collect();
    assert!(
        offenders.is_empty(),
        "these reach storage instead of going through app/: {offenders:?}"
    );
}

#[test]
fn every_transaction_starts_where_a_frozen_page_can_abort_it() {
    // `storage::transactions` keeps each one, so `app::leaving` can abort those still open when
    // the page goes into the back/forward cache (WebKit would otherwise keep them open for good).
    // An object store's own `.transaction()` (no argument) only names the one it is part of.
    let offenders: Vec<String> = source()
        .into_iter()
        .filter(|(name, _)| name.starts_with("src/") && name != "src/storage/transactions.rs")
        .filter(|(_, text)| {
            text.match_indices(".transaction(")
                .any(|(at, found)| !text[at + found.len()..].trim_start().starts_with(')'))
        })
        .map(|(name, _)| name)
        .collect();
    assert!(
        offenders.is_empty(),
        "these open IndexedDB transactions without storage::transactions::begin: {offenders:?}"
    );
}

/// The unit an import loop is counted between: `domain::rca` for every file of `src/domain/rca/`,
/// `ui::pages::data` for `src/ui/pages/data/`, so a directory module and its children are one.
fn unit_of(name: &str) -> Option<String> {
    let path = name.strip_prefix("src/")?.strip_suffix(".rs")?;
    let mut parts: Vec<&str> = path.split('/').collect();
    if parts.last() == Some(&"mod") {
        parts.pop();
    }
    let depth =
        if parts.first() == Some(&"ui") && matches!(parts.get(1), Some(&"pages" | &"components")) {
            3
        } else {
            2
        };
    Some(
        parts
            .iter()
            .take(depth)
            .copied()
            .collect::<Vec<_>>()
            .join("::"),
    )
}

/// The part of a source file that ships: test files (`tests.rs`, `*_tests.rs`, `tests/`) and
/// the test module at a file's end (from its top-level `#[cfg(test)]`) are left out. Tests sit
/// above every module (a test may use the sample generator to build its case), so what they
/// import is not a loop in the design.
fn shipped(name: &str, text: &str) -> Option<String> {
    let file = name.rsplit('/').next()?;
    if file == "tests.rs" || file.ends_with("_tests.rs") || name.contains("/tests/") {
        return None;
    }
    let end = text.find("\n#[cfg(test)]\n").unwrap_or(text.len());
    Some(text[..end].to_string())
}

/// Which units each unit names through `crate::…` or `super::…` paths, in shipped code.
fn imports() -> BTreeMap<String, BTreeSet<String>> {
    let files: Vec<(String, String)> = source()
        .into_iter()
        .filter(|(n, _)| n.starts_with("src/"))
        .filter_map(|(n, t)| shipped(&n, &t).map(|t| (n, t)))
        .collect();
    let units: BTreeSet<String> = files.iter().filter_map(|(n, _)| unit_of(n)).collect();
    let resolve = |path: &[&str]| -> Option<String> {
        (1..=path.len().min(3))
            .rev()
            .map(|k| path[..k].join("::"))
            .find(|c| units.contains(c))
    };
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (name, text) in &files {
        let Some(unit) = unit_of(name) else { continue };
        let module: Vec<&str> = {
            let path = name.trim_start_matches("src/").trim_end_matches(".rs");
            let mut parts: Vec<&str> = path.split('/').collect();
            if parts.last() == Some(&"mod") {
                parts.pop();
            }
            parts
        };
        let words = |after: &str| -> Vec<Vec<&str>> {
            text.match_indices(after)
                .map(|(i, _)| {
                    let rest = &text[i + after.len()..];
                    let end = rest
                        .find(|c: char| {
                            !(c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == ':')
                        })
                        .unwrap_or(rest.len());
                    rest[..end].split("::").filter(|s| !s.is_empty()).collect()
                })
                .collect()
        };
        let mut targets: Vec<String> = words("crate::").iter().filter_map(|p| resolve(p)).collect();
        for path in words("super::") {
            let mut full: Vec<&str> = module[..module.len().saturating_sub(1)].to_vec();
            full.extend(path);
            targets.extend(resolve(&full));
        }
        for target in targets {
            if target != unit {
                edges.entry(unit.clone()).or_default().insert(target);
            }
        }
    }
    edges
}

/// Groups of units that import each other, directly or round a ring (Tarjan's algorithm).
fn loops(edges: &BTreeMap<String, BTreeSet<String>>) -> Vec<BTreeSet<String>> {
    struct Walk<'a> {
        edges: &'a BTreeMap<String, BTreeSet<String>>,
        index: BTreeMap<&'a str, usize>,
        low: BTreeMap<&'a str, usize>,
        stack: Vec<&'a str>,
        found: Vec<BTreeSet<String>>,
    }
    fn visit<'a>(w: &mut Walk<'a>, v: &'a str) {
        let i = w.index.len();
        w.index.insert(v, i);
        w.low.insert(v, i);
        w.stack.push(v);
        if let Some(next) = w.edges.get(v) {
            for t in next {
                let t = t.as_str();
                if !w.index.contains_key(t) {
                    visit(w, t);
                    let low = w.low[v].min(w.low[t]);
                    w.low.insert(v, low);
                } else if w.stack.contains(&t) {
                    let low = w.low[v].min(w.index[t]);
                    w.low.insert(v, low);
                }
            }
        }
        if w.low[v] == w.index[v] {
            let mut group = BTreeSet::new();
            while let Some(t) = w.stack.pop() {
                group.insert(t.to_string());
                if t == v {
                    break;
                }
            }
            if group.len() > 1 {
                w.found.push(group);
            }
        }
    }
    let mut walk = Walk {
        edges,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        found: Vec::new(),
    };
    for v in edges.keys() {
        if !walk.index.contains_key(v.as_str()) {
            visit(&mut walk, v);
        }
    }
    walk.found
}

#[test]
fn no_import_loop() {
    // Issue 22 found four loops; all are gone. The last was the domain's core: the event log now
    // lives with the case (`domain/case/events.rs`, `status.rs`) and holds what it pins from
    // playbooks and the SLA (`pinned.rs`), so nothing below the case reaches back up.
    let found = loops(&imports());
    assert!(found.is_empty(), "import loops: {found:?}");
}

#[test]
fn the_loop_finder_finds_a_loop() {
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    edges.entry("a".into()).or_default().insert("b".into());
    edges.entry("b".into()).or_default().insert("c".into());
    edges.entry("c".into()).or_default().insert("a".into());
    edges.entry("c".into()).or_default().insert("d".into());
    let found = loops(&edges);
    assert_eq!(
        found,
        vec![
            ["a", "b", "c"]
                .into_iter()
                .map(String::from)
                .collect::<BTreeSet<_>>()
        ]
    );
}
