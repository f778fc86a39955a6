//! The worksheet's rules: what stops content being saved, which status moves are allowed, sign-offs against the content hash, and rebasing an edit on a newer copy.

use super::*;

fn is_web_address(text: &str) -> bool {
    let lower = text.trim().to_ascii_lowercase();
    lower.starts_with("https://") || lower.starts_with("http://")
}

fn quoted(text: &str) -> String {
    let short: String = text.trim().chars().take(40).collect();
    if short.is_empty() {
        String::new()
    } else if short.len() < text.trim().len() {
        format!(" ('{short}…')")
    } else {
        format!(" ('{short}')")
    }
}

impl RcaContent {
    /// Every problem that would stop this content being saved, each naming where it is.
    pub fn problems(&self) -> Vec<String> {
        let mut found = Vec::new();
        if self.title.trim().is_empty() {
            found.push("Title: name what went wrong, e.g. \"Payouts held for 2 days after a risk rule change\"".into());
        }
        if let (Some(start), Some(end)) = (self.started_at, self.ended_at)
            && end < start
        {
            found.push(format!(
                "Impact: the end ({}) is before the start ({})",
                end.format("%Y-%m-%d %H:%M UTC"),
                start.format("%Y-%m-%d %H:%M UTC")
            ));
        }
        if let (Some(start), Some(detected)) = (self.started_at, self.detected_at)
            && detected < start
        {
            found.push(format!(
                "Detection: it was detected ({}) before it started ({})",
                detected.format("%Y-%m-%d %H:%M UTC"),
                start.format("%Y-%m-%d %H:%M UTC")
            ));
        }
        for (i, entry) in self.timeline.iter().enumerate() {
            if entry.text.trim().is_empty() {
                found.push(format!("Timeline entry {}: say what happened", i + 1));
            }
        }
        let mut numbers = std::collections::HashSet::new();
        for item in &self.evidence {
            if !numbers.insert(item.number) {
                found.push(format!(
                    "Evidence {}: the number is used twice",
                    item.label()
                ));
            }
            if item.title.trim().is_empty() && item.detail.trim().is_empty() {
                found.push(format!(
                    "Evidence {}: it is empty; describe it or remove it",
                    item.label()
                ));
            }
            if item.kind == EvidenceKind::Attachment
                && !crate::domain::attachment::is_sha256_hex(&item.detail)
            {
                found.push(format!(
                    "Evidence {}: choose a file attached to one of the linked cases",
                    item.label()
                ));
            }
            if item.kind == EvidenceKind::Link && !is_web_address(&item.detail) {
                found.push(format!(
                    "Evidence {}: a link needs a web address starting with https:// or http://",
                    item.label()
                ));
            }
        }
        let mut claims = |list: &[Claim], name: &str, empty_hint: &str| {
            for (i, claim) in list.iter().enumerate() {
                if claim.text.trim().is_empty() {
                    found.push(format!(
                        "{name} {} has no text: {empty_hint}, or remove it",
                        i + 1
                    ));
                }
                for cited in &claim.evidence {
                    if !numbers.contains(cited) {
                        found.push(format!(
                            "{name} {} cites E{cited}, which is not in the evidence list",
                            i + 1
                        ));
                    }
                }
            }
        };
        claims(&self.whys, "Why", "say why the step above it happened");
        claims(
            &self.factors,
            "Contributing factor",
            "say what made it worse or likelier",
        );
        for (i, action) in self.actions.iter().enumerate() {
            let name = format!("Action {}{}", i + 1, quoted(&action.title));
            if action.title.trim().is_empty() {
                found.push(format!("{name}: say what will be done"));
            }
            if action.owner.trim().is_empty() {
                found.push(format!(
                    "{name} has no owner: name the person who will do it"
                ));
            }
            if let (Some(due), Some(start)) = (action.due, self.started_at)
                && due < start.date_naive()
            {
                found.push(format!(
                    "{name} is due {due}, before the incident started ({})",
                    start.date_naive()
                ));
            }
        }
        found
    }

    /// Minutes from the start of impact to its detection, when both are known.
    pub fn minutes_to_detect(&self) -> Option<i64> {
        Some((self.detected_at? - self.started_at?).num_minutes())
    }

    /// The next free evidence number.
    pub fn next_evidence_number(&self) -> u32 {
        self.evidence.iter().map(|e| e.number).max().unwrap_or(0) + 1
    }
}

impl Rca {
    /// A new draft. The title is the only thing required to start one.
    pub fn create(
        id: Uuid,
        key: RcaKey,
        content: RcaContent,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<Rca, RcaError> {
        let problems = content.problems();
        if !problems.is_empty() {
            return Err(RcaError::Invalid(problems));
        }
        Ok(Rca {
            id,
            key,
            status: RcaStatus::Draft,
            content,
            signoffs: Vec::new(),
            status_log: Vec::new(),
            created_by: actor.to_string(),
            created_at: now,
            updated_at: now,
            revision: 1,
        })
    }

    pub fn hash(&self) -> String {
        content_hash(&self.content)
    }

    /// Saves new content. A validated worksheet that changes goes back to review: its sign-offs
    /// no longer cover what it says.
    pub fn edit(
        &self,
        content: RcaContent,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<Rca, RcaError> {
        if self.status == RcaStatus::Published {
            return Err(RcaError::Published(self.key));
        }
        if content == self.content {
            return Err(RcaError::NoChange);
        }
        let problems = content.problems();
        if !problems.is_empty() {
            return Err(RcaError::Invalid(problems));
        }
        let mut next = Rca {
            content,
            updated_at: now.max(self.updated_at),
            revision: self.revision + 1,
            ..self.clone()
        };
        if self.status == RcaStatus::Validated && next.hash() != self.hash() {
            next.log_status(RcaStatus::InReview, actor, now);
        }
        Ok(next)
    }

    fn log_status(&mut self, to: RcaStatus, actor: &str, now: DateTime<Utc>) {
        self.status_log.push(StatusChange {
            from: self.status,
            to,
            at: now,
            actor: actor.to_string(),
        });
        self.status = to;
    }

    /// The newest sign-off of each partner team, judged against the content as it is now.
    pub fn signoff_state(&self, team: &str) -> SignOffState<'_> {
        self.signoff_state_against(team, &self.hash())
    }

    /// `signoff_state` against a hash already computed, so a page listing every team hashes once.
    fn signoff_state_against(&self, team: &str, hash: &str) -> SignOffState<'_> {
        match self
            .signoffs
            .iter()
            .rev()
            .find(|s| s.team.eq_ignore_ascii_case(team))
        {
            None => SignOffState::Missing,
            Some(s) if s.content_hash == hash => SignOffState::Current(s),
            Some(s) => SignOffState::Stale(s),
        }
    }

    /// Every partner team with where its sign-off stands, hashing the content once.
    pub fn signoff_states(&self) -> Vec<(&str, SignOffState<'_>)> {
        let hash = self.hash();
        self.content
            .partner_teams
            .iter()
            .map(|team| (team.as_str(), self.signoff_state_against(team, &hash)))
            .collect()
    }

    /// What stands between this worksheet and validation: one line per partner team that has
    /// not agreed to the content as it is now.
    pub fn missing_validations(&self) -> Vec<String> {
        if self.content.partner_teams.is_empty() {
            return vec!["no partner team is named: add the teams who must validate it".into()];
        }
        self.signoff_states()
            .into_iter()
            .filter_map(|(team, state)| match state {
                SignOffState::Missing => Some(format!("{team}: no sign-off yet")),
                SignOffState::Stale(s) => Some(format!(
                    "{team}: {}'s sign-off of {} is stale (the worksheet changed after it)",
                    s.validator,
                    s.at.format("%Y-%m-%d %H:%M UTC")
                )),
                SignOffState::Current(s) if s.decision == Decision::Disagree => Some(format!(
                    "{team}: {} disagreed{}",
                    s.validator,
                    if s.comments.trim().is_empty() {
                        String::new()
                    } else {
                        format!(" (\"{}\")", s.comments.trim())
                    }
                )),
                SignOffState::Current(_) => None,
            })
            .collect()
    }

    /// Moves the worksheet to `to` if the rules allow it now.
    pub fn move_to(&self, to: RcaStatus, actor: &str, now: DateTime<Utc>) -> Result<Rca, RcaError> {
        if !self.status.next().contains(&to) {
            return Err(RcaError::NotAllowed {
                from: self.status,
                to,
            });
        }
        match to {
            RcaStatus::InReview if self.status == RcaStatus::Draft => {
                let mut missing = self.content.problems();
                if self.content.whys.is_empty() {
                    missing.push("Analysis: add at least one why".into());
                }
                if self.content.partner_teams.is_empty() {
                    missing.push("Header: name the partner teams who must validate it".into());
                }
                if !missing.is_empty() {
                    return Err(RcaError::Invalid(missing));
                }
            }
            RcaStatus::Validated | RcaStatus::Published => {
                let missing = self.missing_validations();
                if !missing.is_empty() {
                    return Err(RcaError::SignOffs(missing));
                }
            }
            _ => {}
        }
        let mut next = Rca {
            updated_at: now.max(self.updated_at),
            revision: self.revision + 1,
            ..self.clone()
        };
        next.log_status(to, actor, now);
        Ok(next)
    }

    /// Records one partner team's validation of the content as it is now. When every team has
    /// agreed to this content, a worksheet in review becomes validated.
    pub fn sign(
        &self,
        team: &str,
        validator: &str,
        decision: Decision,
        comments: &str,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<Rca, RcaError> {
        let mut problems = Vec::new();
        if !matches!(self.status, RcaStatus::InReview | RcaStatus::Validated) {
            problems.push(format!(
                "it is {}; sign-offs are recorded while it is in review",
                self.status.label()
            ));
        }
        let Some(team) = self
            .content
            .partner_teams
            .iter()
            .find(|t| t.eq_ignore_ascii_case(team.trim()))
        else {
            problems.push(format!(
                "'{}' is not one of this worksheet's partner teams ({})",
                team.trim(),
                self.content.partner_teams.join(", ")
            ));
            return Err(RcaError::Invalid(problems));
        };
        if validator.trim().is_empty() {
            problems.push("Validator: name the person who validated it".into());
        }
        if decision != Decision::Agree && comments.trim().is_empty() {
            problems.push(format!(
                "Comments: say what {} would change or why they disagree",
                team
            ));
        }
        if !problems.is_empty() {
            return Err(RcaError::Invalid(problems));
        }
        let mut next = Rca {
            updated_at: now.max(self.updated_at),
            revision: self.revision + 1,
            ..self.clone()
        };
        next.signoffs.push(SignOff {
            team: team.clone(),
            validator: validator.trim().to_string(),
            decision,
            comments: comments.trim().to_string(),
            at: now,
            content_hash: self.hash(),
        });
        if next.status == RcaStatus::InReview && next.missing_validations().is_empty() {
            next.log_status(RcaStatus::Validated, actor, now);
        }
        Ok(next)
    }

    pub fn overdue_actions(&self, today: NaiveDate) -> Vec<&Action> {
        self.content
            .actions
            .iter()
            .filter(|a| a.is_overdue(today))
            .collect()
    }
}

/// Replays the edits made from `base` to `mine` onto `theirs` (what another tab saved meanwhile),
/// field by field: a field only one side changed takes that side's value. A field both changed
/// differently keeps `mine` and is named in the returned list, so the specialist can look at it
/// before saving again. Lists (whys, actions…) count as one field each.
pub fn rebase(
    base: &RcaContent,
    mine: &RcaContent,
    theirs: &RcaContent,
) -> (RcaContent, Vec<String>) {
    use serde_json::Value;
    let as_map = |c: &RcaContent| match serde_json::to_value(c) {
        Ok(Value::Object(map)) => map,
        _ => serde_json::Map::new(),
    };
    let (base, mine, mut merged) = (as_map(base), as_map(mine), as_map(theirs));
    let mut both = Vec::new();
    for (field, my_value) in &mine {
        let base_value = base.get(field).unwrap_or(&Value::Null);
        let their_value = merged.get(field).cloned().unwrap_or(Value::Null);
        if my_value == base_value || *my_value == their_value {
            continue;
        }
        if their_value != *base_value {
            both.push(field.replace('_', " "));
        }
        merged.insert(field.clone(), my_value.clone());
    }
    let content = serde_json::from_value(Value::Object(merged)).unwrap_or_else(|_| theirs.clone());
    (content, both)
}
