//! The whole-path fuzzer: hostile bundles go through the reader, and every one it accepts is imported (into an empty device and one holding sample data), stored, exported, re-imported and put through every computation a page runs.
//!
//! A bundle is a valid golden fixture mutated by structure: a value anywhere in its JSON tree
//! replaced by an extreme or hostile one (edge dates, empty and huge strings, non-ASCII and
//! control characters, zero, negative and overflowing numbers), array items duplicated
//! (repeated ids and keys), keys removed and references pointed at nothing. Properties:
//! - nothing panics, whatever the reader decides;
//! - a refused file names where (a JSON path) and why, and changes nothing (natively: there is
//!   nothing to change, the reader returns before any import is planned);
//! - an accepted file imports, stores as records that read back, exports to a file that is
//!   accepted again, and importing that export again changes nothing.
//!
//! `cargo test` runs 100 cases; scripts/test runs 3,000 in the optimised profile
//! (`PROPTEST_CASES=3000 cargo test --profile fuzz --test whole_path`); for a long run:
//! `PROPTEST_CASES=1000000 cargo test --profile fuzz --test whole_path`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::string_slice,
    clippy::panic
)]
#![cfg(not(target_arch = "wasm32"))]

#[path = "whole_path/device.rs"]
mod whole_path_device;

use proptest::prelude::*;
use serde_json::Value;

use whole_path_device::{exercise, hostile_values};

/// A quick 100 in a plain `cargo test`; scripts/test runs it again in the optimised `fuzz`
/// profile with `PROPTEST_CASES=3000`.
fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100)
}

const EVERYTHING: &str = include_str!("fixtures/bundle-v1.json");
const WITH_RCA: &str = include_str!("fixtures/bundle-v1-rca.json");

/// The valid starting point: the "everything" fixture with the worksheet fixture's RCAs added,
/// so every record kind is present.
fn base() -> Value {
    let mut everything: Value = serde_json::from_str(EVERYTHING).unwrap();
    let rca: Value = serde_json::from_str(WITH_RCA).unwrap();
    everything["contents"]["rcas"] = rca["contents"]["rcas"].clone();
    everything
}

/// A place in the JSON tree: object keys and array indexes from the root.
#[derive(Debug, Clone)]
enum Step {
    Key(String),
    Index(usize),
}

fn collect(value: &Value, here: &mut Vec<Step>, out: &mut Vec<Vec<Step>>) {
    out.push(here.clone());
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                here.push(Step::Key(key.clone()));
                collect(child, here, out);
                here.pop();
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                here.push(Step::Index(i));
                collect(child, here, out);
                here.pop();
            }
        }
        _ => {}
    }
}

fn at<'a>(value: &'a Value, path: &[Step]) -> Option<&'a Value> {
    let mut node = value;
    for step in path {
        node = match step {
            Step::Key(k) => node.get(k.as_str())?,
            Step::Index(i) => node.get(*i)?,
        };
    }
    Some(node)
}

fn at_mut<'a>(value: &'a mut Value, path: &[Step]) -> Option<&'a mut Value> {
    let mut node = value;
    for step in path {
        node = match step {
            Step::Key(k) => node.get_mut(k.as_str())?,
            Step::Index(i) => node.get_mut(*i)?,
        };
    }
    Some(node)
}

/// One structural change to the tree.
#[derive(Debug, Clone)]
enum Mutation {
    /// Replace the node at `node` (an index into the tree's nodes) with hostile value `value`;
    /// `keep_type` picks one of the same JSON type, so the file still passes the shape check.
    Replace {
        node: usize,
        value: usize,
        keep_type: bool,
    },
    /// Append a copy of one item to the array at `node` (repeated ids, keys, events).
    Duplicate { node: usize, item: usize },
    /// Remove one key of the object at `node`.
    Remove { node: usize, key: usize },
    /// Copy the node at `from` over the node at `to` (one record's id or reference in another's place).
    Copy { from: usize, to: usize },
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        6 => (any::<usize>(), any::<usize>(), prop::bool::weighted(0.85))
            .prop_map(|(node, value, keep_type)| Mutation::Replace { node, value, keep_type }),
        1 => (any::<usize>(), any::<usize>()).prop_map(|(node, item)| Mutation::Duplicate { node, item }),
        1 => (any::<usize>(), any::<usize>()).prop_map(|(node, key)| Mutation::Remove { node, key }),
        1 => (any::<usize>(), any::<usize>()).prop_map(|(from, to)| Mutation::Copy { from, to }),
    ]
}

fn same_type(a: &Value, b: &Value) -> bool {
    std::mem::discriminant(a) == std::mem::discriminant(b)
}

fn apply(tree: &mut Value, mutation: &Mutation, pool: &[Value]) {
    let mut nodes = Vec::new();
    collect(tree, &mut Vec::new(), &mut nodes);
    let pick = |n: usize| nodes[n % nodes.len()].clone();
    match mutation {
        Mutation::Replace {
            node,
            value,
            keep_type,
        } => {
            let path = pick(*node);
            let Some(target) = at_mut(tree, &path) else {
                return;
            };
            let fitting: Vec<&Value> = if *keep_type {
                pool.iter().filter(|v| same_type(v, target)).collect()
            } else {
                pool.iter().collect()
            };
            if let Some(v) = fitting.get(value % fitting.len().max(1)) {
                *target = (*v).clone();
            }
        }
        Mutation::Duplicate { node, item } => {
            let arrays: Vec<Vec<Step>> = nodes
                .iter()
                .filter(|p| {
                    at(tree, p).is_some_and(|v| v.as_array().is_some_and(|a| !a.is_empty()))
                })
                .cloned()
                .collect();
            if arrays.is_empty() {
                return;
            }
            let path = &arrays[node % arrays.len()];
            if let Some(Value::Array(items)) = at_mut(tree, path) {
                let copy = items[item % items.len()].clone();
                items.push(copy);
            }
        }
        Mutation::Remove { node, key } => {
            let path = pick(*node);
            if let Some(Value::Object(map)) = at_mut(tree, &path)
                && !map.is_empty()
            {
                let name = map.keys().nth(key % map.len()).cloned().unwrap();
                map.remove(&name);
            }
        }
        Mutation::Copy { from, to } => {
            let (from, to) = (pick(*from), pick(*to));
            let Some(source) = at_mut(tree, &from).map(|v| v.clone()) else {
                return;
            };
            // Copying a node into its own subtree would only grow the file; skip it.
            if to.len() <= from.len() {
                return;
            }
            if let Some(target) = at_mut(tree, &to)
                && same_type(&source, target)
            {
                *target = source;
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn hostile_bundles_never_stop_the_app(mutations in prop::collection::vec(mutation(), 1..6)) {
        let pool = hostile_values();
        let mut tree = base();
        for m in &mutations {
            apply(&mut tree, m, &pool);
        }
        let started = std::time::Instant::now();
        exercise(&tree.to_string(), false);
        if std::env::var("FUZZ_TIMING").is_ok() {
            eprintln!("{:?} {:?}", started.elapsed(), mutations);
        }
    }
}

/// The two poison bundles of issue 21 and a few more hand-picked ones go through the whole
/// path too, so a regression shows by name rather than by a shrunk random case.
#[test]
fn named_poison_bundles_are_refused_or_survive_the_whole_path() {
    let cases: [(&str, Value); 4] = [
        (
            "/contents/rcas/0/signoffs/0/content_hash",
            Value::String("abc".into()),
        ),
        (
            "/contents/cases/0/created_at",
            Value::String("+262142-12-31T23:59:59Z".into()),
        ),
        (
            "/contents/cases/0/problem_id",
            Value::String("abcdefab-cdef-abcd-4111-111111111111".into()),
        ),
        (
            "/contents/settings/sla/calendars/0/zone",
            Value::String("Mars/Olympus_Mons".into()),
        ),
    ];
    for (pointer, value) in cases {
        let mut tree = base();
        *tree.pointer_mut(pointer).unwrap() = value;
        exercise(&tree.to_string(), true);
    }
    // Unchanged, the base itself goes through whole: the fuzzer starts from a working file.
    exercise(&base().to_string(), true);
}
