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
