//! The server's answer to a `_bulk_docs` write, read once for both pushes (cases and whole records): which documents it saved at which revision, which met a newer revision (a conflict), and which its validation function refused.

use std::collections::HashMap;

use serde_json::Value;

use super::couch::Refused;

/// What one `_bulk_docs` answer says, by document id (never by position: a server's answer
/// is untrusted input, and a revision credited to the wrong record would skip its push).
#[derive(Debug, Default, PartialEq)]
pub struct BulkAnswer {
    /// The revision each saved document now has.
    pub saved: HashMap<String, String>,
    /// Documents that met a revision this device has not seen (the pull brings it), by id.
    pub conflicts: Vec<String>,
    /// Documents the server refused, other than conflicts, with its reason.
    pub refused: Vec<Refused>,
}

impl BulkAnswer {
    pub fn read(answer: &Value) -> Self {
        let mut read = Self::default();
        for result in answer.as_array().into_iter().flatten() {
            let id = result.get("id").and_then(Value::as_str).unwrap_or("?");
            match result.get("error").and_then(Value::as_str) {
                None => {
                    if let Some(rev) = result.get("rev").and_then(Value::as_str) {
                        read.saved.insert(id.to_string(), rev.to_string());
                    }
                }
                Some("conflict") => read.conflicts.push(id.chars().take(200).collect()),
                Some(error) => {
                    let reason = result
                        .get("reason")
                        .and_then(Value::as_str)
                        .unwrap_or(error);
                    read.refused.push(Refused {
                        id: id.chars().take(200).collect(),
                        reason: format!(
                            "the server refused it: {}",
                            reason.chars().take(300).collect::<String>()
                        ),
                    });
                }
            }
        }
        read
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn an_answer_is_read_by_id_whatever_its_order_and_refusals_are_cut_to_size() {
        let long = "x".repeat(5_000);
        let answer = json!([
            { "id": "rec:template:b", "rev": "2-b" },
            { "id": "rec:template:a", "error": "conflict", "reason": "Document update conflict." },
            { "id": "rec:template:c", "error": "forbidden", "reason": long },
            { "id": "rec:template:d", "ok": true },
            "not an object",
        ]);
        let read = BulkAnswer::read(&answer);
        assert_eq!(
            read.saved.get("rec:template:b").map(String::as_str),
            Some("2-b")
        );
        assert_eq!(
            read.saved.len(),
            1,
            "a result with no revision saves nothing"
        );
        assert_eq!(read.conflicts, vec!["rec:template:a".to_string()]);
        assert_eq!(read.refused.len(), 1);
        assert_eq!(read.refused[0].id, "rec:template:c");
        assert!(read.refused[0].reason.chars().count() < 400);
        assert_eq!(
            BulkAnswer::read(&json!({"error": "unauthorized"})),
            BulkAnswer::default()
        );
    }
}
