//! Fuzzers for the renderers that turn typed text into output: email templates and playbook Markdown (the bundle reader's are in `src/bundle/v1_tests.rs`).
//!
//! Run with every `cargo test`, 2,000 cases each; `PROPTEST_CASES=200000 cargo test --release
//! --test fuzz` for a long run.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::string_slice,
    clippy::panic
)]
#![cfg(not(target_arch = "wasm32"))]

use chrono::{TimeZone, Utc};
use escalation_desk::domain::markdown::render_markdown;
use escalation_desk::domain::templates::{
    EmailTemplate, ExtraValues, Part, TemplateCategory, TemplateValues, leftover_placeholders,
    parse,
};
use proptest::prelude::*;

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2000)
}

/// Pieces that stress a template parser and a Markdown renderer more than random text does.
const PIECES: [&str; 30] = [
    "{{",
    "}}",
    "{",
    "}",
    "{{case.key}}",
    "{{user.first_name}}",
    "{{ unknown }}",
    "{{}}",
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<a href=\"javascript:alert(1)\">x</a>",
    "[link](javascript:alert(1))",
    "[ok](https://x.example)",
    "![img](https://x.example/a.png)",
    "<svg onload=alert(1)>",
    "<iframe src=//x>",
    "`code`",
    "**bold**",
    "\n",
    "\n\n",
    "# ",
    "> ",
    "- ",
    "1. ",
    "| a | b |\n|---|---|\n",
    "&lt;",
    "é",
    "🙂",
    "\r\n",
    "<!-- c -->",
];

fn pieced() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            prop::sample::select(PIECES.to_vec()).prop_map(String::from),
            "\\PC{0,12}",
        ],
        0..24,
    )
    .prop_map(|parts| parts.concat())
}

/// Tags pulldown-cmark produces from Markdown itself; anything else in the output would be live HTML.
const ALLOWED_TAGS: [&str; 26] = [
    "p",
    "em",
    "strong",
    "del",
    "code",
    "pre",
    "a",
    "ul",
    "ol",
    "li",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "blockquote",
    "hr",
    "br",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "img",
];

/// Every tag in `html` with its name and attribute text, e.g. ("a", " href=\"…\"").
fn tags(html: &str) -> Vec<(String, String)> {
    let mut found = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find('<') {
        let after = &rest[start + 1..];
        let end = after.find('>').unwrap_or(after.len());
        let inside = after[..end].trim_start_matches('/');
        let name: String = inside
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect();
        found.push((name.to_ascii_lowercase(), inside[name.len()..].to_string()));
        rest = &after[end.min(after.len())..];
    }
    found
}

fn assert_inert(source: &str) {
    let html = render_markdown(source);
    for (name, attributes) in tags(&html) {
        assert!(
            ALLOWED_TAGS.contains(&name.as_str()),
            "live <{name}> from {source:?}: {html}"
        );
        assert_ne!(name, "img", "images must become their alt text: {html}");
        let lower = attributes.to_ascii_lowercase();
        assert!(
            !lower.contains(" on"),
            "event handler attribute from {source:?}: {html}"
        );
        assert!(
            !lower.contains("javascript:") && !lower.contains("data:"),
            "unsafe link from {source:?}: {html}"
        );
    }
}

fn template(subject: &str, body: &str) -> EmailTemplate {
    EmailTemplate {
        id: "fuzz".into(),
        name: "Fuzz".into(),
        category: TemplateCategory::StatusUpdate,
        subject: subject.into(),
        body: body.into(),
    }
}

fn values() -> TemplateValues {
    let case = escalation_desk::domain::sample::generate(
        1,
        1,
        1001,
        Utc.with_ymd_and_hms(2026, 11, 30, 9, 0, 0).unwrap(),
    )
    .remove(0)
    .case;
    TemplateValues::for_case(
        &case,
        &ExtraValues {
            me: "Maya".into(),
            ..ExtraValues::default()
        },
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases()))]

    #[test]
    fn markdown_from_pieces_never_renders_live_html(source in pieced()) {
        assert_inert(&source);
    }

    #[test]
    fn markdown_from_any_text_never_renders_live_html(source in any::<String>()) {
        assert_inert(&source);
    }

    #[test]
    fn templates_parse_check_and_render_without_panicking(subject in pieced(), body in pieced()) {
        let _ = parse(&subject, Part::Subject);
        let _ = leftover_placeholders(&body, Part::Body);
        let t = template(&subject, &body);
        let problems = t.check();
        let (rendered, gaps) = t.render(&values());
        // A template that checks clean renders without leaving any placeholder behind.
        if problems.is_empty() && gaps.is_empty() {
            prop_assert!(leftover_placeholders(&rendered.body, Part::Body).is_empty(),
                "{body:?} rendered to {:?}", rendered.body);
        }
    }
}

#[test]
fn the_markdown_oracle_catches_what_it_must() {
    // The checker itself: live HTML would fail it.
    let caught = std::panic::catch_unwind(|| {
        for (name, _) in tags("<p>x</p><script>alert(1)</script>") {
            assert!(ALLOWED_TAGS.contains(&name.as_str()));
        }
    });
    assert!(caught.is_err());
    assert_inert("<script>alert(1)</script> and <img src=x onerror=alert(1)>");
}
