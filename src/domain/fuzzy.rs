//! Fuzzy matching for the command palette: the query's characters in order, ranked by how tightly and where they land.

/// How well `query` matches `text`, or `None` when its characters do not all appear in order.
/// From each possible start, matching is greedy (each later character takes its first place):
/// fast enough for every case per keystroke, and it ranks well for short queries.
/// Case is ignored. Higher is better: matches at the start of
/// words and runs of consecutive characters score more, and a shorter text wins a tie.
pub fn fuzzy_score(query: &str, text: &str) -> Option<u32> {
    Matcher::new(query).score(text, &mut Vec::new(), &mut Vec::new())
}

/// A query prepared once and scored against many texts, reusing its buffers: the palette ranks
/// every case per keystroke.
struct Matcher {
    query: Vec<char>,
}

fn fold(c: char) -> char {
    if c.is_ascii() {
        c.to_ascii_lowercase()
    } else {
        c.to_lowercase().next().unwrap_or(c)
    }
}

impl Matcher {
    fn new(query: &str) -> Matcher {
        Matcher {
            query: query
                .chars()
                .filter(|c| !c.is_whitespace())
                .map(fold)
                .collect(),
        }
    }

    fn score(&self, text: &str, chars: &mut Vec<char>, lower: &mut Vec<char>) -> Option<u32> {
        let query = &self.query;
        if query.is_empty() {
            return Some(0);
        }
        // Most texts do not contain the query at all; one pass without buffers rejects them.
        let mut want = query.iter();
        let mut next = want.next();
        for c in text.chars() {
            if next == Some(&fold(c)) {
                next = want.next();
            }
        }
        if next.is_some() {
            return None;
        }
        chars.clear();
        chars.extend(text.chars());
        lower.clear();
        lower.extend(chars.iter().map(|c| fold(*c)));
        // Each place the first character occurs is tried as a start, so "esc" finds "ESC-1042"
        // rather than the "e" inside "Open".
        let first = *query.first()?;
        let score = (0..lower.len())
            .filter(|&i| lower.get(i) == Some(&first))
            .filter_map(|i| greedy_from(query, chars, lower, i))
            .max()?;
        // Prefer shorter texts among equal matches; never below 1 for a match.
        Some(
            (score * 100)
                .saturating_sub(chars.len().min(99) as u32)
                .max(1),
        )
    }
}

fn greedy_from(query: &[char], chars: &[char], lower: &[char], start: usize) -> Option<u32> {
    let mut score: u32 = 0;
    let mut qi = 0;
    let mut previous: Option<usize> = None;
    for (i, c) in lower.iter().enumerate().skip(start) {
        let Some(wanted) = query.get(qi) else {
            break;
        };
        if c != wanted {
            continue;
        }
        score += 1;
        let after_word = i
            .checked_sub(1)
            .and_then(|before| chars.get(before))
            .is_some_and(|c| c.is_alphanumeric());
        if !after_word {
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
    let matcher = Matcher::new(query);
    let (mut chars, mut lower) = (Vec::new(), Vec::new());
    let mut scored: Vec<(u32, usize)> = items
        .iter()
        .enumerate()
        .filter_map(|(i, text)| {
            matcher
                .score(text.as_ref(), &mut chars, &mut lower)
                .map(|s| (s, i))
        })
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
