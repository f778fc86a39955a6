//! Markdown for playbook steps, rendered to HTML with raw HTML off: markup in the source is shown as text.

use pulldown_cmark::{CowStr, Event, LinkType, Options, Parser, Tag, TagEnd, html};

/// Schemes a link may use; `javascript:`, `data:` and the like become inert.
fn safe_url(url: &str) -> bool {
    let lower = url.trim().to_ascii_lowercase();
    match lower.split_once(':') {
        // No scheme (or a colon after a path character): a relative link.
        None => true,
        Some((scheme, _)) if scheme.contains(['/', '?', '#']) => true,
        Some((scheme, _)) => matches!(scheme, "http" | "https" | "mailto" | "tel"),
    }
}

/// Renders `source` to HTML that can only contain what Markdown itself produces: raw HTML
/// (blocks and inline) is escaped as text, unsafe link schemes are dropped, and images become
/// their alt text, because the app makes no network requests.
pub fn render_markdown(source: &str) -> String {
    let events = Parser::new_ext(
        source,
        Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH,
    )
    .filter_map(|event| match event {
        Event::Html(raw) | Event::InlineHtml(raw) => Some(Event::Text(raw)),
        // The alt text between these stays, as plain text.
        Event::Start(Tag::Image { .. }) | Event::End(TagEnd::Image) => None,
        Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        }) if !safe_url(&dest_url) => Some(Event::Start(Tag::Link {
            link_type: if link_type == LinkType::Autolink {
                LinkType::Inline
            } else {
                link_type
            },
            dest_url: CowStr::Borrowed(""),
            title,
            id,
        })),
        other => Some(other),
    })
    .collect::<Vec<_>>();
    let mut out = String::with_capacity(source.len() * 2);
    html::push_html(&mut out, events.into_iter());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_renders() {
        assert_eq!(
            render_markdown(
                "Check **held** payouts:\n\n1. `po_1`\n2. [docs](https://docs.example/x)"
            ),
            "<p>Check <strong>held</strong> payouts:</p>\n<ol>\n<li><code>po_1</code></li>\n<li><a href=\"https://docs.example/x\">docs</a></li>\n</ol>\n"
        );
    }

    #[test]
    fn raw_html_and_script_are_inert_text() {
        for hostile in [
            "<script>alert(1)</script>",
            "Hi <img src=x onerror=alert(1)> there",
            "<svg onload=alert(1)>",
            "<div onclick=\"alert(1)\">x</div>",
            "<iframe src=javascript:alert(1)>",
        ] {
            let out = render_markdown(hostile);
            assert!(!out.contains("<script"), "{out}");
            assert!(!out.contains("<img"), "{out}");
            assert!(!out.contains("<svg"), "{out}");
            assert!(!out.contains("<div"), "{out}");
            assert!(!out.contains("<iframe"), "{out}");
            assert!(out.contains("&lt;"), "shown as text: {out}");
        }
    }

    #[test]
    fn unsafe_links_and_images_are_dropped() {
        let out = render_markdown(
            "[x](javascript:alert(1)) [y](JaVaScRiPt:alert(1)) [z](data:text/html,hi)",
        );
        assert!(!out.to_lowercase().contains("javascript"), "{out}");
        assert!(!out.contains("data:"), "{out}");
        let out = render_markdown("![alt text](https://tracker.example/pixel.png)");
        assert!(!out.contains("<img"), "{out}");
        assert!(!out.contains("tracker.example"), "{out}");
        assert!(out.contains("alt text"), "{out}");
        assert!(
            render_markdown("[ok](/cases/ESC-1) [mail](mailto:a@b.co)")
                .contains("href=\"/cases/ESC-1\"")
        );
    }
}
