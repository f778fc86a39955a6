//! A user's email saved as a file (`.eml`, as mail clients save or drag them): its sender, date, subject, plain-text body and attached files.
//!
//! The file is untrusted input from outside the team. MIME is read by `mailparse` (which stops
//! nesting at 100 levels); before that, the size and the number of parts are capped here so a
//! hostile file costs a bounded amount of work, and everything taken from it is cut to what
//! the case log accepts. Nothing here renders anything: the body is text, the parts are bytes
//! that `attachment::showing` judges later like any other file.

use mailparse::{DispositionType, MailHeaderMap, ParsedMail};

use super::attachment::{MAX_FILE_BYTES, clean_media_type, clean_name, size_label};
use super::validate::LINE;

/// The largest `.eml` read: an email carrying a 25 MB attachment is about a third bigger
/// once base64-encoded.
pub const MAX_EML_BYTES: u64 = 40 * 1024 * 1024;
/// At most this many MIME parts are read (a real email has a handful); more is refused
/// before parsing, so nesting and splitting cannot multiply the work.
pub const MAX_PARTS: usize = 64;
/// The longest body kept in the log, in characters; the rest stays in the attached original.
pub const MAX_BODY_CHARS: usize = 100_000;
/// At most this many files are taken from one email.
pub const MAX_ATTACHMENTS: usize = 20;

/// What an email file says, ready to log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadEmail {
    pub from: String,
    pub subject: String,
    /// When the sender's client says it was sent, as the header wrote it ("" when absent).
    pub date: String,
    /// The plain-text body, prefixed with the date and cut to [`MAX_BODY_CHARS`].
    pub body: String,
    /// True when the body was cut or was HTML only, so the original file is worth keeping.
    pub body_incomplete: bool,
    pub attachments: Vec<EmailAttachment>,
    /// Parts not taken, each in words (too large, too many, empty).
    pub skipped: Vec<String>,
}

/// A file the email carries, decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmailAttachment {
    pub name: String,
    pub media_type: String,
    pub bytes: Vec<u8>,
}

/// Why an email file could not be read, in words for the person who dropped it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EmailFileError {
    #[error("{name} is empty (0 bytes); there is no email in it.")]
    Empty { name: String },
    #[error("{name} is {size}; email files over {cap} are not read.")]
    TooLarge {
        name: String,
        size: String,
        cap: String,
    },
    #[error(
        "{name} has more than {MAX_PARTS} MIME parts; it is not read (a real email has a handful)."
    )]
    TooManyParts { name: String },
    #[error("{name} is not an email the app can read: {why}.")]
    Unreadable { name: String, why: String },
}

/// Whether a dropped file is an email to log rather than a file to attach: by its name, or
/// the type the browser gives a message dragged out of a mail client.
pub fn is_email_file(name: &str, media_type: &str) -> bool {
    name.to_ascii_lowercase().ends_with(".eml") || media_type.eq_ignore_ascii_case("message/rfc822")
}

/// Reads an `.eml` file named `name`. Refuses (never panics on) anything it cannot read safely.
pub fn read_email(name: &str, bytes: &[u8]) -> Result<ReadEmail, EmailFileError> {
    let name = clean_name(name);
    let size = u64::try_from(bytes.len()).unwrap_or(u64::MAX);
    if size == 0 {
        return Err(EmailFileError::Empty { name });
    }
    if size > MAX_EML_BYTES {
        return Err(EmailFileError::TooLarge {
            name,
            size: size_label(size),
            cap: size_label(MAX_EML_BYTES),
        });
    }
    // Every part of a multipart is introduced by a boundary parameter; counting them bounds
    // how many parts (and how deep) the parser can go, at the cost of one scan.
    if count_ignoring_case(bytes, b"boundary") > MAX_PARTS {
        return Err(EmailFileError::TooManyParts { name });
    }
    let mail = mailparse::parse_mail(bytes).map_err(|e| EmailFileError::Unreadable {
        name: name.clone(),
        why: e.to_string(),
    })?;
    if mail.headers.is_empty() {
        return Err(EmailFileError::Unreadable {
            name,
            why: "it has no mail headers".into(),
        });
    }
    let leaves = leaf_parts(&mail);
    if leaves.len() > MAX_PARTS {
        return Err(EmailFileError::TooManyParts { name });
    }
    let header = |key: &str| -> String {
        mail.headers
            .get_first_value(key)
            .map(|v| one_line(&v))
            .unwrap_or_default()
    };
    let (from, subject, date) = (header("From"), header("Subject"), header("Date"));

    let text_part = leaves.iter().position(|p| is_body(p, "text/plain"));
    let html_part = leaves.iter().position(|p| is_body(p, "text/html"));
    let (mut text, mut body_incomplete) = match text_part {
        Some(i) => (
            leaves
                .get(i)
                .and_then(|p| p.get_body().ok())
                .unwrap_or_default(),
            false,
        ),
        None if html_part.is_some() => (
            "(This email has only an HTML version; it is attached as a file and not shown here.)"
                .to_string(),
            true,
        ),
        None => (String::new(), false),
    };
    text = text.replace("\r\n", "\n").trim_end().to_string();
    if text.chars().count() > MAX_BODY_CHARS {
        text = text.chars().take(MAX_BODY_CHARS).collect();
        text.push_str("\n\n[… cut here; the whole email is attached as a file]");
        body_incomplete = true;
    }
    let body = if date.is_empty() {
        text
    } else {
        format!("Sent: {date}\n\n{text}")
    };

    let mut attachments = Vec::new();
    let mut skipped = Vec::new();
    for (index, part) in leaves.iter().enumerate() {
        // The plain-text body is logged; an HTML twin of it is only kept when it is all there is.
        if Some(index) == text_part || (Some(index) == html_part && text_part.is_some()) {
            continue;
        }
        let file_name = part_name(part, attachments.len() + skipped.len() + 1);
        if !is_attachment(part) && Some(index) != html_part {
            continue;
        }
        let Ok(content) = part.get_body_raw() else {
            skipped.push(format!("{file_name} could not be decoded"));
            continue;
        };
        let part_size = u64::try_from(content.len()).unwrap_or(u64::MAX);
        if content.is_empty() {
            skipped.push(format!("{file_name} is empty"));
        } else if part_size > MAX_FILE_BYTES {
            skipped.push(format!(
                "{file_name} is {}, over the {} a file may be",
                size_label(part_size),
                size_label(MAX_FILE_BYTES)
            ));
        } else if attachments.len() >= MAX_ATTACHMENTS {
            skipped.push(format!(
                "{file_name}: at most {MAX_ATTACHMENTS} files are taken from one email"
            ));
        } else {
            attachments.push(EmailAttachment {
                name: file_name,
                media_type: clean_media_type(&part.ctype.mimetype),
                bytes: content,
            });
        }
    }
    Ok(ReadEmail {
        from,
        subject,
        date,
        body,
        body_incomplete,
        attachments,
        skipped,
    })
}

/// The parts that hold content (not containers), in the order the email lists them.
fn leaf_parts<'a>(mail: &'a ParsedMail<'a>) -> Vec<&'a ParsedMail<'a>> {
    mail.parts().filter(|p| p.subparts.is_empty()).collect()
}

/// Whether `part` is a readable body of type `mime` rather than a file.
fn is_body(part: &ParsedMail<'_>, mime: &str) -> bool {
    part.ctype.mimetype == mime && !is_attachment(part)
}

/// A part the sender meant as a file: marked as an attachment, or named, or not text at all.
fn is_attachment(part: &ParsedMail<'_>) -> bool {
    let disposition = part.get_content_disposition();
    disposition.disposition == DispositionType::Attachment
        || disposition.params.contains_key("filename")
        || part.ctype.params.contains_key("name")
        || !part.ctype.mimetype.starts_with("text/")
}

/// The part's file name as the sender gave it, cleaned; or one made up from its type.
fn part_name(part: &ParsedMail<'_>, number: usize) -> String {
    let disposition = part.get_content_disposition();
    let given = disposition
        .params
        .get("filename")
        .or_else(|| part.ctype.params.get("name"))
        .map(|n| n.trim().to_string())
        .filter(|n| !n.is_empty());
    match given {
        Some(n) => clean_name(&n),
        None => {
            let extension = match part.ctype.mimetype.as_str() {
                "text/html" => "html",
                "text/plain" => "txt",
                "message/rfc822" => "eml",
                "application/pdf" => "pdf",
                "image/png" => "png",
                "image/jpeg" => "jpg",
                _ => "bin",
            };
            format!("attachment-{number}.{extension}")
        }
    }
}

/// A header value on one line, without control characters, cut to what the log keeps.
fn one_line(value: &str) -> String {
    value
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .chars()
        .take(LINE)
        .collect()
}

fn count_ignoring_case(haystack: &[u8], needle: &[u8]) -> usize {
    if needle.is_empty() {
        return 0;
    }
    haystack
        .windows(needle.len())
        .filter(|w| w.eq_ignore_ascii_case(needle))
        .count()
}

#[cfg(all(test, not(target_arch = "wasm32")))]
#[path = "email_file_tests.rs"]
mod tests;
