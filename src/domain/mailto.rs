//! `mailto:` and `tel:` links that hand an email or a call to the user's own mail client and phone.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

/// RFC 3986 unreserved characters stay as they are; everything else, including `&`, `?`, `#`,
/// `+`, `%` and spaces (as `%20`, never `+`), is percent-encoded as UTF-8.
const FIELD: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Addresses keep `@` readable; commas separate them, as RFC 6068 says.
const ADDRESS: &AsciiSet = &FIELD.remove(b'@');

/// Beyond about 2,000 characters some mail clients (Outlook on Windows among them) cut the
/// link short or refuse it, which would send a truncated email without saying so.
pub const MAILTO_LIMIT: usize = 2000;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailtoLink {
    pub url: String,
    /// The link is longer than `MAILTO_LIMIT`: offer Copy instead of opening it.
    pub too_long: bool,
}

fn addresses(list: &str) -> String {
    list.split([',', ';'])
        .map(str::trim)
        .filter(|a| !a.is_empty())
        .map(|a| utf8_percent_encode(a, ADDRESS).to_string())
        .collect::<Vec<_>>()
        .join(",")
}

/// Line breaks become CRLF, as RFC 6068 asks of a body.
fn crlf(text: &str) -> String {
    text.replace("\r\n", "\n").replace('\n', "\r\n")
}

pub fn mailto(to: &str, cc: &str, subject: &str, body: &str) -> MailtoLink {
    let mut url = format!("mailto:{}", addresses(to));
    let mut fields = Vec::new();
    let cc = addresses(cc);
    if !cc.is_empty() {
        fields.push(format!("cc={cc}"));
    }
    if !subject.is_empty() {
        fields.push(format!("subject={}", utf8_percent_encode(subject, FIELD)));
    }
    if !body.is_empty() {
        fields.push(format!("body={}", utf8_percent_encode(&crlf(body), FIELD)));
    }
    if !fields.is_empty() {
        url.push('?');
        url.push_str(&fields.join("&"));
    }
    MailtoLink {
        too_long: url.len() > MAILTO_LIMIT,
        url,
    }
}

/// A `tel:` link keeps a leading `+` and the digits; spaces, dots, dashes and brackets go.
/// `None` when there is no number to dial.
pub fn tel(phone: &str) -> Option<String> {
    let trimmed = phone.trim();
    let plus = trimmed.starts_with('+');
    let digits: String = trimmed.chars().filter(char::is_ascii_digit).collect();
    if digits.len() < 3 {
        return None;
    }
    Some(format!("tel:{}{digits}", if plus { "+" } else { "" }))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What a mail client does with the link: undo the percent-encoding.
    fn decode(s: &str) -> String {
        percent_encoding::percent_decode_str(s)
            .decode_utf8()
            .unwrap()
            .into_owned()
    }

    fn field<'a>(url: &'a str, name: &str) -> &'a str {
        let query = url.split_once('?').unwrap().1;
        query
            .split('&')
            .find_map(|kv| kv.strip_prefix(&format!("{name}=")))
            .unwrap()
    }

    #[test]
    fn reserved_characters_survive_the_round_trip() {
        let subject = "Payout #4411 & refund? 50% off + more";
        let body = "Hi Zoë,\nline two & three?\n#tag\n\n— 払い戻し 🎉";
        let link = mailto("ana@kopi.sg", "", subject, body);
        assert!(!link.too_long);
        // Nothing in a value may be read as a separator by the mail client.
        for raw in ['&', '?', '#', ' ', '\n', '+'] {
            assert!(!field(&link.url, "subject").contains(raw), "{raw:?}");
            assert!(!field(&link.url, "body").contains(raw), "{raw:?}");
        }
        assert_eq!(decode(field(&link.url, "subject")), subject);
        assert_eq!(
            decode(field(&link.url, "body")),
            "Hi Zoë,\r\nline two & three?\r\n#tag\r\n\r\n— 払い戻し 🎉"
        );
        assert!(link.url.contains("%20") && !link.url.contains('+'));
    }

    #[test]
    fn addresses_keep_the_at_sign_and_are_comma_separated() {
        let link = mailto(" ana@kopi.sg; ops@kopi.sg ", "fin@kopi.sg,", "s", "b");
        assert!(
            link.url
                .starts_with("mailto:ana@kopi.sg,ops@kopi.sg?cc=fin@kopi.sg&subject=s&body=b")
        );
        let odd = mailto("a+b@x.io", "", "", "");
        assert_eq!(odd.url, "mailto:a%2Bb@x.io");
    }

    #[test]
    fn long_links_are_flagged_not_cut() {
        let body = "x".repeat(MAILTO_LIMIT);
        let link = mailto("ana@kopi.sg", "", "s", &body);
        assert!(link.too_long);
        assert!(link.url.ends_with(&body));
        // Encoding counts: 400 non-ASCII characters become 2,400 characters of link.
        assert!(mailto("a@b.co", "", "", &"é".repeat(400)).too_long);
        assert!(!mailto("a@b.co", "", "", &"e".repeat(400)).too_long);
    }

    #[test]
    fn phone_numbers_become_dialable() {
        assert_eq!(tel("+65 6123 4567").as_deref(), Some("tel:+6561234567"));
        assert_eq!(tel("(020) 7946-0958").as_deref(), Some("tel:02079460958"));
        assert_eq!(tel(""), None);
        assert_eq!(tel("n/a"), None);
    }
}
