//! Fuzzy matching for the command palette: the query's characters in order, ranked by how tightly and where they land.

/// How well `query` matches `text`, or `None` when its characters do not all appear in order.
/// From each possible start, matching is greedy (each later character takes its first place):
/// fast enough for every case per keystroke, and it ranks well for short queries.
/// Case is ignored. Higher is better: matches at the start of
/// words and runs of consecutive characters score more, and a shorter text wins a tie.
pub fn fuzzy_score(query: &str, text: &str) -> Option<u32> {
    let query: Vec<char> = query
        .chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect();
    if query.is_empty() {
        return Some(0);
    }
    let chars: Vec<char> = text.chars().collect();
    let lower: Vec<char> = chars
        .iter()
        .map(|c| c.to_lowercase().next().unwrap_or(*c))
        .collect();
    // Each place the first character occurs is tried as a start, so "esc" finds "ESC-1042"
    // rather than the "e" inside "Open".
    let score = (0..lower.len())
        .filter(|&i| lower[i] == query[0])
        .filter_map(|i| greedy_from(&query, &chars, &lower, i))
        .max()?;
    // Prefer shorter texts among equal matches; never below 1 for a match.
    Some(
        (score * 100)
            .saturating_sub(chars.len().min(99) as u32)
            .max(1),
    )
}

fn greedy_from(query: &[char], chars: &[char], lower: &[char], start: usize) -> Option<u32> {
    let mut score: u32 = 0;
    let mut qi = 0;
    let mut previous: Option<usize> = None;
    for i in start..lower.len() {
        if qi == query.len() {
            break;
        }
        if lower[i] != query[qi] {
            continue;
        }
        score += 1;
        if i == 0 || !chars[i - 1].is_alphanumeric() {
            score += 8;
        }
        if previous.is_some_and(|p| p + 1 == i) {
            score += 5;
        }
        previous = Some(i);
        qi += 1;
    }
    (qi == query.len()).then_some(score)
}

/// Indexes of `items` that match, best first (ties keep their order), at most `limit`.
pub fn rank<S: AsRef<str>>(query: &str, items: &[S], limit: usize) -> Vec<usize> {
    let mut scored: Vec<(u32, usize)> = items
        .iter()
        .enumerate()
        .filter_map(|(i, text)| fuzzy_score(query, text.as_ref()).map(|s| (s, i)))
        .collect();
    scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    scored.into_iter().take(limit).map(|(_, i)| i).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn characters_must_appear_in_order() {
        assert!(fuzzy_score("tpl", "Templates").is_some());
        assert!(fuzzy_score("TEMPL", "go to templates").is_some());
        assert_eq!(fuzzy_score("lpt", "Templates"), None);
        assert_eq!(fuzzy_score("x", ""), None);
        assert_eq!(fuzzy_score("", "anything"), Some(0));
    }

    #[test]
    fn word_starts_and_runs_rank_first() {
        let items = [
            "Settings",
            "Go to Playbooks",
            "Log a call: ESC-1042 · Payout held",
            "Open ESC-1042 · Payout held",
            "Problems",
        ];
        // Word starts: G(o) T(o) P(laybooks) beats the same letters mid-word elsewhere.
        assert_eq!(rank("gtp", &items, 5)[0], 1);
        assert!(fuzzy_score("gtp", "Go to Playbooks") > fuzzy_score("gtp", "log to pp"));
        assert_eq!(rank("set", &items, 5), vec![0]);
        assert_eq!(
            rank("esc-1042", &items, 5),
            vec![3, 2],
            "shorter text wins a tie"
        );
        assert_eq!(rank("call 1042", &items, 5), vec![2]);
        assert_eq!(rank("o", &items, 2).len(), 2);
    }
}
