//! A user's email dropped on a case as an `.eml` file: logged as "email received" (resuming a case that waited on the user) with its files attached.

use uuid::Uuid;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use super::AppError;
use super::state::{AppState, database};
use crate::domain::attachment::{AttachedFile, clean_name};
pub use crate::domain::email_file::is_email_file;
use crate::domain::email_file::{EmailFileError, MAX_EML_BYTES};
use crate::domain::{CaseStatus, EventKind};

/// What dropping an email did.
#[derive(Debug, Clone, PartialEq)]
pub struct ReceivedEmail {
    pub from: String,
    pub subject: String,
    /// The case moved from waiting on the user back to in progress.
    pub resumed: bool,
    pub attached: Vec<AttachedFile>,
    /// Files the email carried that were not attached, each with why.
    pub not_attached: Vec<String>,
    /// Why the case stayed waiting, when the workflow refused the move.
    pub status_refused: Option<String>,
}

/// Reads `file` as an email and logs it on the case exactly as a pasted one is logged; then
/// attaches the files it carries (and the original, when the log could not keep all of its
/// text). An email already logged on the case is refused, so dropping it twice changes nothing.
pub async fn receive_email(
    state: AppState,
    case_id: Uuid,
    file: &web_sys::File,
) -> Result<ReceivedEmail, AppError> {
    let name = clean_name(&file.name());
    let size = super::files::blob_size(file.as_ref());
    if size > MAX_EML_BYTES {
        return Err(AppError::Refused(
            EmailFileError::TooLarge {
                name,
                size: crate::domain::attachment::size_label(size),
                cap: crate::domain::attachment::size_label(MAX_EML_BYTES),
            }
            .to_string(),
        ));
    }
    let bytes = JsFuture::from(file.array_buffer())
        .await
        .ok()
        .and_then(|b| b.dyn_into::<js_sys::ArrayBuffer>().ok())
        .map(|b| js_sys::Uint8Array::new(&b).to_vec())
        .ok_or_else(|| AppError::Refused(format!("the browser could not read {name}")))?;
    // The reader is a part of its own in a split build, fetched the first time an email is
    // dropped (and cached for offline after the first visit).
    let read_email = super::on_demand::email_reader()
        .await
        .map_err(|e| AppError::Refused(format!("{name} was not read: {e}")))?;
    let read = read_email(&name, &bytes).map_err(|e| AppError::Refused(e.to_string()))?;

    let before = super::cases::stored_case(state, case_id)
        .await
        .ok_or(AppError::Gone)?;
    let log = crate::storage::cases::load_events(&database()?, case_id).await?;
    let already = log.items.iter().any(|event| {
        matches!(&event.kind, EventKind::EmailReceived { from, subject, body }
            if *from == read.from && *subject == read.subject && *body == read.body)
    });
    if already {
        return Err(AppError::Refused(format!(
            "{name} is already logged on this case; nothing was added."
        )));
    }
    let resume = (before.status == CaseStatus::WaitingOnUser).then_some(CaseStatus::InProgress);
    let logged = super::cases::log(
        state,
        case_id,
        vec![EventKind::EmailReceived {
            from: read.from.clone(),
            subject: read.subject.clone(),
            body: read.body.clone(),
        }],
        resume,
        None,
    )
    .await?;

    let mut attached = Vec::new();
    let mut not_attached = read.skipped.clone();
    let mut files: Vec<(String, String, web_sys::Blob)> = Vec::new();
    if read.body_incomplete {
        files.push((name.clone(), "message/rfc822".into(), blob_of(&bytes)?));
    }
    // The email's own bytes are no longer needed; its parts are copied out one at a time.
    drop(bytes);
    for part in &read.attachments {
        files.push((
            part.name.clone(),
            part.media_type.clone(),
            blob_of(&part.bytes)?,
        ));
    }
    for (file_name, media_type, blob) in files {
        match super::files::attach_blob(state, case_id, &blob, &file_name, &media_type).await {
            Ok(file) => attached.push(file),
            Err(AppError::Refused(why)) => not_attached.push(why),
            Err(e) => not_attached.push(format!("{file_name} was not attached: {e}")),
        }
    }
    Ok(ReceivedEmail {
        from: read.from,
        subject: read.subject,
        resumed: resume.is_some() && logged.status_refused.is_none(),
        attached,
        not_attached,
        status_refused: logged.status_refused,
    })
}

fn blob_of(bytes: &[u8]) -> Result<web_sys::Blob, AppError> {
    let array = js_sys::Uint8Array::from(bytes);
    web_sys::Blob::new_with_u8_array_sequence(&js_sys::Array::of1(&array))
        .map_err(|_| AppError::Refused("the browser could not hold the email's files".into()))
}
