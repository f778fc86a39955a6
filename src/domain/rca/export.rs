//! What leaves a worksheet: its content hash (canonical JSON, SHA-256), root-cause counts, spans as people say them, and the Markdown export.

use super::*;

/// The first 12 characters of a content hash, as people compare them by eye. A hash is 64 hex
/// characters once past the boundary; anything shorter is shown whole rather than cut.
pub fn short_hash(hash: &str) -> &str {
    hash.get(..12).unwrap_or(hash)
}

/// SHA-256 (hex) of the content in canonical JSON: object keys sorted at every depth, no
/// whitespace. The same content always hashes the same, whatever order its fields arrived in.
pub fn content_hash(content: &RcaContent) -> String {
    // Proof: content is derived Serialize over strings, numbers, dates and lists, which
    // serde_json turns into a Value without error.
    #[allow(clippy::expect_used)]
    let value = serde_json::to_value(content).expect("RCA content always serialises");
    let mut canonical = String::new();
    write_canonical(&value, &mut canonical);
    let digest = Sha256::digest(canonical.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// Compact JSON with sorted keys. Written out here because serde_json keeps insertion order
/// when any crate in the build turns on its `preserve_order` feature.
pub fn write_canonical(value: &serde_json::Value, out: &mut String) {
    use serde_json::Value;
    match value {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            out.push('{');
            for (i, key) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&Value::String(key.clone()).to_string());
                out.push(':');
                write_canonical(&map[key], out);
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_canonical(item, out);
            }
            out.push(']');
        }
        scalar => out.push_str(&scalar.to_string()),
    }
}

/// The starting root-cause taxonomy; teams edit theirs in Settings.
pub const DEFAULT_ROOT_CAUSE_CATEGORIES: [&str; 9] = [
    "Product defect",
    "Configuration or rule change",
    "Process or policy gap",
    "Partner or third party (bank, network)",
    "Data or measurement error",
    "Communication gap",
    "Capacity or staffing",
    "Human error",
    "Fraud or abuse",
];

/// How many worksheets fall in each root-cause category, most first; rejected ones are left
/// out because their analysis was not accepted.
pub fn category_counts(rcas: &[Rca]) -> Vec<(String, usize)> {
    let mut counts: Vec<(String, usize)> = Vec::new();
    for rca in rcas.iter().filter(|r| r.status != RcaStatus::Rejected) {
        let category = match rca.content.category.trim() {
            "" => "Not categorised yet",
            c => c,
        };
        match counts.iter_mut().find(|(c, _)| c == category) {
            Some((_, n)) => *n += 1,
            None => counts.push((category.to_string(), 1)),
        }
    }
    counts.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    counts
}

/// "45m", "2h 05m", "3d 4h": a span as people say it (a time to detect, an SLA countdown).
pub fn duration_text(minutes: i64) -> String {
    let sign = if minutes < 0 { "-" } else { "" };
    let minutes = minutes.saturating_abs();
    let (days, hours, mins) = (minutes / 1440, (minutes % 1440) / 60, minutes % 60);
    if days > 0 {
        format!("{sign}{days}d {hours}h")
    } else if hours > 0 {
        format!("{sign}{hours}h {mins:02}m")
    } else {
        format!("{sign}{mins}m")
    }
}

/// Names the Markdown export needs from outside the worksheet.
pub struct ExportNames<'a> {
    /// Linked cases as "ESC-12 Payouts held", in the worksheet's order.
    pub cases: Vec<String>,
    pub problem: Option<String>,
    /// Formats an instant in the reader's zone.
    pub time: &'a dyn Fn(DateTime<Utc>) -> String,
}

/// Escapes what Markdown would read as structure, so typed text prints as typed.
pub fn md_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.trim().lines() {
        if !out.is_empty() {
            out.push_str("  \n");
        }
        let mut start = true;
        for c in line.chars() {
            if matches!(
                c,
                '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '#'
            ) || (start && matches!(c, '-' | '+' | '='))
            {
                out.push('\\');
            }
            start = start && c.is_whitespace();
            out.push(c);
        }
    }
    out
}

fn cited(evidence: &[u32]) -> String {
    if evidence.is_empty() {
        String::new()
    } else {
        let labels: Vec<String> = evidence.iter().map(|n| format!("E{n}")).collect();
        format!(" (evidence: {})", labels.join(", "))
    }
}

/// The worksheet as Markdown for a document or a ticket.
pub fn to_markdown(rca: &Rca, names: &ExportNames<'_>, today: NaiveDate) -> String {
    use std::fmt::Write;
    let c = &rca.content;
    let time = names.time;
    let dash = |s: &str| {
        if s.trim().is_empty() {
            "—".to_string()
        } else {
            md_text(s)
        }
    };
    let mut md = String::new();
    let _ = writeln!(md, "# {}: {}\n", rca.key, md_text(&c.title));
    let _ = writeln!(md, "- **Status:** {}", rca.status.label());
    let _ = writeln!(md, "- **Owner:** {}", dash(&c.owner));
    let _ = writeln!(md, "- **Authors:** {}", dash(&c.authors.join(", ")));
    let _ = writeln!(md, "- **Cases:** {}", dash(&names.cases.join("; ")));
    if let Some(problem) = &names.problem {
        let _ = writeln!(md, "- **Problem:** {}", md_text(problem));
    }
    let _ = writeln!(
        md,
        "- **Partner teams:** {}",
        dash(&c.partner_teams.join(", "))
    );
    let _ = writeln!(md, "- **Root-cause category:** {}", dash(&c.category));
    let _ = writeln!(md, "- **Content hash (SHA-256):** `{}`", rca.hash());

    let _ = writeln!(md, "\n## Summary and impact\n\n{}\n", dash(&c.summary));
    let _ = writeln!(
        md,
        "- **Users affected:** {}",
        c.users_affected.map_or("—".into(), |n| n.to_string())
    );
    let _ = writeln!(
        md,
        "- **Money affected:** {}",
        c.money_affected.map_or("—".into(), |m| format!(
            "{} {}",
            m.currency.code(),
            m.amount_text()
        ))
    );
    let _ = writeln!(md, "- **Products:** {}", dash(&c.products.join(", ")));
    let _ = writeln!(md, "- **Start:** {}", c.started_at.map_or("—".into(), time));
    let _ = writeln!(md, "- **End:** {}", c.ended_at.map_or("—".into(), time));

    let _ = writeln!(md, "\n## Detection\n\n{}\n", dash(&c.detection));
    let _ = writeln!(
        md,
        "- **Detected:** {}",
        c.detected_at.map_or("—".into(), time)
    );
    let _ = writeln!(
        md,
        "- **Time to detect:** {}",
        c.minutes_to_detect().map_or("—".into(), duration_text)
    );

    let _ = writeln!(md, "\n## Timeline\n");
    if c.timeline.is_empty() {
        let _ = writeln!(md, "No entries.");
    }
    let mut timeline: Vec<&TimelineEntry> = c.timeline.iter().collect();
    timeline.sort_by_key(|e| e.at);
    for entry in timeline {
        let _ = write!(md, "- **{}** {}", time(entry.at), md_text(&entry.text));
        if !entry.knew_then.trim().is_empty() {
            let _ = write!(md, " — *what we knew then:* {}", md_text(&entry.knew_then));
        }
        let _ = writeln!(md);
    }

    let _ = writeln!(md, "\n## Evidence\n");
    if c.evidence.is_empty() {
        let _ = writeln!(md, "No evidence items.");
    }
    for item in &c.evidence {
        // A case file is named by its hash so a reader can check the bytes they were sent.
        let detail = match item.kind {
            EvidenceKind::Attachment => format!("SHA-256 {}", md_text(&item.detail)),
            _ => md_text(&item.detail),
        };
        let _ = writeln!(
            md,
            "- **{}** ({}) {}: {detail}",
            item.label(),
            item.kind.label(),
            dash(&item.title),
        );
    }

    let _ = writeln!(md, "\n## Five whys\n");
    if c.whys.is_empty() {
        let _ = writeln!(md, "No whys yet.");
    }
    for (i, why) in c.whys.iter().enumerate() {
        let _ = writeln!(
            md,
            "{}. {}{}",
            i + 1,
            md_text(&why.text),
            cited(&why.evidence)
        );
    }

    let _ = writeln!(md, "\n## Fishbone\n");
    for category in FishboneCategory::ALL {
        let causes = c.fishbone.causes(category);
        if causes.is_empty() {
            continue;
        }
        let _ = writeln!(md, "- **{}:**", category.label());
        for cause in causes {
            let _ = writeln!(md, "  - {}", md_text(cause));
        }
    }

    let _ = writeln!(md, "\n## Contributing factors\n");
    if c.factors.is_empty() {
        let _ = writeln!(md, "None recorded.");
    }
    for factor in &c.factors {
        let _ = writeln!(md, "- {}{}", md_text(&factor.text), cited(&factor.evidence));
    }

    let _ = writeln!(md, "\n## What went well\n\n{}", dash(&c.went_well));
    let _ = writeln!(md, "\n## What went wrong\n\n{}", dash(&c.went_wrong));
    let _ = writeln!(md, "\n## Where we got lucky\n\n{}", dash(&c.got_lucky));

    let _ = writeln!(md, "\n## Actions\n");
    if c.actions.is_empty() {
        let _ = writeln!(md, "No actions.");
    }
    for (i, action) in c.actions.iter().enumerate() {
        let overdue = if action.is_overdue(today) {
            " **OVERDUE**"
        } else {
            ""
        };
        let _ = writeln!(
            md,
            "{}. **{}** {} — owner {}, team {}, due {}, ticket {}, {}{overdue}",
            i + 1,
            action.kind.label(),
            md_text(&action.title),
            dash(&action.owner),
            dash(&action.team),
            action.due.map_or("—".into(), |d| d.to_string()),
            dash(&action.ticket),
            action.status.label()
        );
        let v = &action.verification;
        if !(v.method.trim().is_empty()
            && v.verifier.trim().is_empty()
            && v.result.trim().is_empty()
            && v.date.is_none())
        {
            let _ = writeln!(
                md,
                "   - Verification: {} by {}, {}: {}",
                dash(&v.method),
                dash(&v.verifier),
                v.date.map_or("—".into(), |d| d.to_string()),
                dash(&v.result)
            );
        }
    }

    let _ = writeln!(md, "\n## Partner validation\n");
    if c.partner_teams.is_empty() {
        let _ = writeln!(md, "No partner teams named.");
    }
    for (team, state) in rca.signoff_states() {
        let line = match state {
            SignOffState::Missing => "not signed yet".to_string(),
            SignOffState::Current(s) | SignOffState::Stale(s) => format!(
                "{} by {} on {}{}{}",
                s.decision.label(),
                md_text(&s.validator),
                time(s.at),
                if s.comments.trim().is_empty() {
                    String::new()
                } else {
                    format!(": {}", md_text(&s.comments))
                },
                if s.content_hash == rca.hash() {
                    String::new()
                } else {
                    format!(
                        " — **STALE**: signed content `{}`",
                        short_hash(&s.content_hash)
                    )
                }
            ),
        };
        let _ = writeln!(md, "- **{}:** {line}", md_text(team));
    }
    md
}
