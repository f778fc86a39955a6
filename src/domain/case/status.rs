//! The status workflow: which moves are allowed, and in words, why the others are not.

use super::CaseStatus;
use CaseStatus::*;

/// A refused move, phrased for the person who tried it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("cannot move from {} to {}: {reason}", from.label(), to.label())]
pub struct TransitionError {
    pub from: CaseStatus,
    pub to: CaseStatus,
    pub reason: &'static str,
}

/// What the person asked for, so events and reports can tell a reopen from ordinary progress.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Move {
    Progress,
    Resolve,
    Close,
    Reopen,
}

/// The transition table. Every pair of statuses is either a named move or a refusal with a reason.
pub fn check_transition(from: CaseStatus, to: CaseStatus) -> Result<Move, TransitionError> {
    let refuse = |reason| Err(TransitionError { from, to, reason });
    if from == to {
        return refuse("the case is already there");
    }
    match (from, to) {
        (New, Triaged) => Ok(Move::Progress),
        (New, _) => refuse("triage the case first: scope it and set impact and urgency"),
        (Triaged | InProgress | WaitingOnUser | WaitingOnPartner, Resolved) => Ok(Move::Resolve),
        (
            Triaged | InProgress | WaitingOnUser | WaitingOnPartner,
            InProgress | WaitingOnUser | WaitingOnPartner,
        ) => Ok(Move::Progress),
        (_, New) => refuse("a case never goes back to New; it keeps its history"),
        (Triaged | InProgress | WaitingOnUser | WaitingOnPartner, Triaged) => {
            refuse("the case is already triaged; edit its scoping instead")
        }
        (Triaged | InProgress | WaitingOnUser | WaitingOnPartner, Closed) => {
            refuse("resolve it first, with a resolution summary")
        }
        (Resolved, Closed) => Ok(Move::Close),
        (Resolved | Closed, InProgress) => Ok(Move::Reopen),
        (Resolved, _) => refuse("a resolved case can only be closed or reopened"),
        (Closed, _) => refuse("a closed case can only be reopened"),
    }
}

/// The moves a menu should offer from `from`, in workflow order.
pub fn allowed_targets(from: CaseStatus) -> Vec<CaseStatus> {
    CaseStatus::ALL
        .into_iter()
        .filter(|to| check_transition(from, *to).is_ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The whole 7 × 7 table, written out so a change to the workflow is a visible diff here.
    #[test]
    fn transition_table() {
        let ok = |m| Some(m);
        let no = None;
        use Move::*;
        #[rustfmt::skip]
        let table: [(CaseStatus, [Option<Move>; 7]); 7] = [
            //                  New  Triaged       InProgress       WaitUser         WaitPartner      Resolved         Closed
            (New,              [no,  ok(Progress), no,              no,              no,              no,              no]),
            (Triaged,          [no,  no,           ok(Progress),    ok(Progress),    ok(Progress),    ok(Resolve),     no]),
            (InProgress,       [no,  no,           no,              ok(Progress),    ok(Progress),    ok(Resolve),     no]),
            (WaitingOnUser,    [no,  no,           ok(Progress),    no,              ok(Progress),    ok(Resolve),     no]),
            (WaitingOnPartner, [no,  no,           ok(Progress),    ok(Progress),    no,              ok(Resolve),     no]),
            (Resolved,         [no,  no,           ok(Reopen),      no,              no,              no,              ok(Close)]),
            (Closed,           [no,  no,           ok(Reopen),      no,              no,              no,              no]),
        ];
        for (from, row) in table {
            for (to, expected) in CaseStatus::ALL.into_iter().zip(row) {
                assert_eq!(
                    check_transition(from, to).ok(),
                    expected,
                    "{from:?} -> {to:?}"
                );
            }
        }
    }

    #[test]
    fn refusals_say_why() {
        for (from, to, fragment) in [
            (New, InProgress, "triage the case first"),
            (New, Resolved, "triage the case first"),
            (InProgress, Closed, "resolve it first"),
            (Resolved, WaitingOnUser, "only be closed or reopened"),
            (Closed, Resolved, "only be reopened"),
            (InProgress, New, "never goes back to New"),
            (WaitingOnUser, Triaged, "already triaged"),
            (Triaged, Triaged, "already there"),
        ] {
            let message = check_transition(from, to).unwrap_err().to_string();
            assert!(message.contains(fragment), "{from:?} -> {to:?}: {message}");
            assert!(message.starts_with(&format!(
                "cannot move from {} to {}",
                from.label(),
                to.label()
            )));
        }
    }

    #[test]
    fn menus_offer_exactly_the_allowed_moves() {
        assert_eq!(allowed_targets(New), vec![Triaged]);
        assert_eq!(allowed_targets(Resolved), vec![InProgress, Closed]);
        assert_eq!(allowed_targets(Closed), vec![InProgress]);
    }
}
