//! Team sync's conflict review: a field both sides changed is settled to the team's value and raised with the value set aside, which one edit takes later.
#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

use super::*;

#[test]
fn a_field_both_changed_in_team_sync_is_settled_to_theirs_and_raised_for_review_with_the_value_set_aside()
 {
    let base = shared(1);
    let (mut mine, mut theirs) = (base.clone(), base.clone());
    let first_priority = base[0].case.priority;
    let other = crate::domain::priority::Priority::ALL
        .into_iter()
        .filter(|p| *p != first_priority)
        .collect::<Vec<_>>();
    edit(&mut mine[0], CaseEdit::Priority(other[0]), "Maya", 5, 1);
    edit(&mut theirs[0], CaseEdit::Priority(other[1]), "Ana", 6, 2);
    edit(&mut mine[0], CaseEdit::Owner("Maya".into()), "Maya", 7, 3);
    let plan = plan(incoming(&theirs), local_from(&mine));
    let mut n = 0;
    let raised = team::TeamConflict::raised(&plan, "Maya", at(9), || {
        n += 1;
        Uuid::from_u128(n)
    });
    // Only the field both changed is raised; the owner only Maya changed merges quietly.
    assert_eq!(raised.len(), 1, "{raised:?}");
    let conflict = &raised[0];
    assert_eq!(conflict.field, CaseField::Priority);
    assert_eq!(conflict.kept, other[1].code());
    assert_eq!(conflict.set_aside, other[0].code());
    assert!(conflict.is_open());
    assert!(
        conflict.describe().contains("Maya's"),
        "{}",
        conflict.describe()
    );

    // Settled to theirs now; taking the set-aside value later is one edit on the case as it is.
    let settled = plan
        .resolve(&HashMap::from([(
            ConflictId::Case(base[0].case.id, CaseField::Priority),
            Choice::Theirs,
        )]))
        .unwrap();
    let now = settled.cases[0].case.clone();
    assert_eq!(now.priority, other[1]);
    assert_eq!(now.owner, "Maya");
    assert_eq!(
        conflict.edit_taking_set_aside(&now),
        Some(CaseEdit::Priority(other[0]))
    );
    let mut taken = now.clone();
    CaseField::Priority.copy(&mut taken, &conflict.set_aside_case);
    assert_eq!(conflict.edit_taking_set_aside(&taken), None);

    let done = conflict.resolved("Ana", at(12), team::Took::SetAside);
    assert!(!done.is_open());
    assert!(
        done.describe().contains("Resolved by Ana: took"),
        "{}",
        done.describe()
    );
}

fn answer(by: &str, took: team::Took, minutes: i64) -> team::TeamResolution {
    team::TeamResolution {
        by: by.into(),
        at: at(minutes),
        took,
    }
}

#[test]
fn two_answers_at_once_add_a_take_to_a_kept_keep_and_nothing_else() {
    use team::{TeamResolution, Took};
    let keep = answer("bo", Took::Kept, 10);
    let take = answer("ana", Took::SetAside, 11);
    let other_take = answer("cy", Took::SetAside, 12);
    // A keep on the server and a take here: the take changed the record, so it is added.
    assert_eq!(
        TeamResolution::late_take(&keep, None, [&take]),
        Some(take.clone())
    );
    // Found among this device's answers whether it is its resolution or its late take.
    assert_eq!(
        TeamResolution::late_take(&keep, None, [&keep, &take]),
        Some(take.clone())
    );
    // A take on the server already says what the record holds; a keep here changed nothing.
    assert_eq!(TeamResolution::late_take(&take, None, [&other_take]), None);
    assert_eq!(TeamResolution::late_take(&take, None, [&keep]), None);
    assert_eq!(TeamResolution::late_take(&keep, None, [&keep]), None);
    // A take already added (by anyone) is not replaced by a second one.
    assert_eq!(
        TeamResolution::late_take(&keep, Some(&other_take), [&take]),
        None
    );
    assert_eq!(TeamResolution::late_take(&keep, None, []), None);
}

#[test]
fn a_review_with_a_late_take_says_both_answers_and_which_value_the_case_took() {
    let base = shared(1);
    let conflict = team::TeamConflict {
        id: Uuid::from_u128(1),
        case_id: base[0].case.id,
        case_key: "ESC-1004".into(),
        field: CaseField::Priority,
        kept: "P1".into(),
        set_aside: "P3".into(),
        set_aside_case: base[0].case.clone(),
        raised_by: "bo".into(),
        raised_at: at(9),
        resolution: None,
        late_take: None,
    };
    let mut resolved = conflict.resolved("bo", at(10), team::Took::Kept);
    assert!(!resolved.describe().contains("answered too"));
    resolved.late_take = Some(answer("ana", team::Took::SetAside, 11));
    assert_eq!(
        resolved.describe(),
        "ESC-1004 · Priority: \"P1\" kept; bo's \"P3\" set aside. Resolved by bo: kept \"P1\". \
         ana answered too, before seeing that: took \"P3\", which replaced \"P1\""
    );
}
