//! Rebasing a form's edits over another tab's save: only the fields the form changed are applied, and a field both changed is shown with both values instead of being overwritten.

use uuid::Uuid;

use super::{Case, CaseEdit, CaseField, EditContext};
use crate::domain::DomainError;

/// Keeps the edits that change something relative to `seen` (what the form showed), to be
/// applied over `current` (what another tab saved since). A field both sides changed to
/// different values is a conflict, described with both values.
pub fn rebase_edits(
    seen: &Case,
    current: &Case,
    edits: Vec<CaseEdit>,
    ctx: &EditContext<'_>,
    mut next_id: impl FnMut() -> Uuid,
) -> Result<Vec<CaseEdit>, String> {
    let mut kept = Vec::new();
    let mut clashes = Vec::new();
    for edit in edits {
        let mine = match seen.apply(edit.clone(), ctx, &mut next_id) {
            Ok((mine, _)) => mine,
            // Unchanged in this form: whatever the other tab saved stays.
            Err(DomainError::NoChange) => continue,
            // Invalid input is reported by the normal save path, against the current case.
            Err(_) => {
                kept.push(edit);
                continue;
            }
        };
        let clashing: Vec<CaseField> = CaseField::ALL
            .into_iter()
            .filter(|f| !f.same(seen, &mine) && !f.same(seen, current) && !f.same(&mine, current))
            // Priority follows impact and urgency; a clash there is reported on the axes.
            .filter(|f| *f != CaseField::Priority)
            .collect();
        if clashing.is_empty() {
            kept.push(edit);
        } else {
            clashes.extend(clashing.into_iter().map(|f| {
                format!(
                    "{}: theirs “{}”, yours “{}”",
                    f.label(),
                    f.show(current),
                    f.show(&mine)
                )
            }));
        }
    }
    if clashes.is_empty() {
        Ok(kept)
    } else {
        Err(format!(
            "Not saved: another tab changed this case while you were editing. {}. Yours is still in the form: save again to keep yours, or cancel to keep theirs.",
            clashes.join("; ")
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::priority::PriorityMatrix;
    use crate::domain::triage::ScopingRequirements;
    use chrono::TimeZone;

    fn case() -> Case {
        let now = chrono::Utc.with_ymd_and_hms(2026, 11, 25, 9, 0, 0).unwrap();
        crate::domain::sample::generate(9, 1, 1001, now)
            .into_iter()
            .next()
            .unwrap()
            .case
    }

    fn rebase(seen: &Case, current: &Case, edits: Vec<CaseEdit>) -> Result<Vec<CaseEdit>, String> {
        let matrix = PriorityMatrix::default();
        let requirements = ScopingRequirements::default();
        let ctx = EditContext {
            matrix: &matrix,
            requirements: &requirements,
            actor: "Mei",
            now: chrono::Utc
                .with_ymd_and_hms(2026, 11, 25, 10, 0, 0)
                .unwrap(),
        };
        let mut n = 0u128;
        rebase_edits(seen, current, edits, &ctx, || {
            n += 1;
            Uuid::from_u128(n)
        })
    }

    #[test]
    fn edits_to_other_fields_are_kept_over_another_tabs_save() {
        let seen = case();
        let mut theirs = seen.clone();
        theirs.owner = "Raj Kumar".into();
        theirs.revision += 1;
        let edits = vec![CaseEdit::Title("Payouts held: payroll Friday".into())];
        assert_eq!(rebase(&seen, &theirs, edits.clone()), Ok(edits));
    }

    #[test]
    fn an_unchanged_field_in_the_form_leaves_theirs_alone() {
        let seen = case();
        let mut theirs = seen.clone();
        theirs.title = "Their title".into();
        let edits = vec![CaseEdit::Title(seen.title.clone())];
        assert_eq!(rebase(&seen, &theirs, edits), Ok(Vec::new()));
    }

    #[test]
    fn the_same_field_changed_on_both_sides_is_shown_with_both_values() {
        let seen = case();
        let mut theirs = seen.clone();
        theirs.title = "Their title".into();
        let edits = vec![CaseEdit::Title("My title".into())];
        let message = rebase(&seen, &theirs, edits).unwrap_err();
        assert!(
            message.contains("Title: theirs “Their title”, yours “My title”"),
            "{message}"
        );
    }
}
