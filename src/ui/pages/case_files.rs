//! The case page's evidence files: attach by choosing, dropping or pasting; preview what is safe to show; download or remove the rest.
//!
//! A file is shown only as its bytes allow (`domain::attachment::showing`): images in an
//! `<img>`, PDFs in the browser's own viewer, text as text. SVG, HTML and anything unknown are
//! downloads, typed `application/octet-stream`, so nothing a file carries can run in the app.

use leptos::prelude::*;
use uuid::Uuid;

use crate::app::email::{self, ReceivedEmail};
use crate::app::files::{self, CaseFile};
use crate::app::{AppError, app_state};
use crate::browser::{self, format_time};
use crate::domain::attachment::{MAX_FILE_BYTES, Showing, size_label};
use crate::ui::components::form_status::OutcomeList;

/// Text shown inline at most; the whole file is a download away.
const TEXT_PREVIEW_BYTES: u32 = 200 * 1024;

/// Attaches files to one case and reports each one's outcome; shared by the panel's picker and
/// the page's drop and paste.
#[derive(Clone, Copy)]
pub struct Attacher {
    case_id: Uuid,
    busy: RwSignal<Option<String>>,
    outcome: RwSignal<Option<(bool, Vec<String>)>>,
}

impl Attacher {
    pub fn new(case_id: Uuid) -> Attacher {
        Attacher {
            case_id,
            busy: RwSignal::new(None),
            outcome: RwSignal::new(None),
        }
    }

    /// Attaches each file in turn; one refused never stops the others.
    pub fn attach_all(self, picked: Vec<web_sys::File>) {
        if picked.is_empty() {
            return;
        }
        if let Some(busy) = self.busy.get_untracked() {
            // Nothing dropped is lost silently: say why these were not taken.
            let names: Vec<String> = picked.iter().map(web_sys::File::name).collect();
            self.outcome.set(Some((
                false,
                vec![format!(
                    "{busy} Drop {} again when it finishes.",
                    names.join(", ")
                )],
            )));
            return;
        }
        let state = app_state();
        leptos::task::spawn_local(async move {
            let mut lines = Vec::new();
            let mut all_ok = true;
            for file in picked {
                if email::is_email_file(&file.name(), &file.type_()) {
                    self.busy
                        .set(Some(format!("Reading the email {}…", file.name())));
                    match email::receive_email(state, self.case_id, &file).await {
                        Ok(received) => {
                            all_ok &= received.not_attached.is_empty()
                                && received.status_refused.is_none();
                            lines.extend(email_lines(&received));
                        }
                        Err(e) => {
                            all_ok = false;
                            lines.push(why_not(&file.name(), &e));
                        }
                    }
                    continue;
                }
                self.busy.set(Some(format!("Attaching {}…", file.name())));
                match files::attach(state, self.case_id, &file).await {
                    Ok(attached) => lines.push(format!(
                        "Attached {} ({}).",
                        attached.name,
                        size_label(attached.size)
                    )),
                    Err(e) => {
                        all_ok = false;
                        lines.push(why_not(&file.name(), &e));
                    }
                }
            }
            self.busy.set(None);
            self.outcome.set(Some((all_ok, lines)));
        });
    }

    /// The files a drop or paste carries, if any.
    pub fn files_in(list: Option<web_sys::FileList>) -> Vec<web_sys::File> {
        let Some(list) = list else { return Vec::new() };
        (0..list.length()).filter_map(|i| list.get(i)).collect()
    }
}

/// What logging a dropped email did, a line per thing done or not done.
fn email_lines(received: &ReceivedEmail) -> Vec<String> {
    let from = if received.from.is_empty() {
        "an unknown sender".to_string()
    } else {
        received.from.clone()
    };
    let subject = if received.subject.is_empty() {
        "(no subject)".to_string()
    } else {
        format!("“{}”", received.subject)
    };
    let mut lines = vec![format!("Logged the email from {from}: {subject}.")];
    if received.resumed {
        lines.push("The user wrote back: the case is in progress again and its clocks run.".into());
    }
    lines.extend(received.status_refused.clone());
    lines.extend(received.attached.iter().map(|f| {
        format!(
            "Attached {} ({}) from the email.",
            f.name,
            size_label(f.size)
        )
    }));
    lines.extend(received.not_attached.iter().cloned());
    lines
}

fn why_not(name: &str, error: &AppError) -> String {
    match error {
        AppError::Refused(why) => why.clone(),
        other => format!(
            "{} was not attached: {other}",
            crate::domain::attachment::clean_name(name)
        ),
    }
}

/// What the preview area shows now; its blob: URL is revoked when it closes.
#[derive(Clone)]
struct Shown {
    sha256: String,
    name: String,
    showing: Showing,
    url: String,
    text: Option<(String, bool)>,
}

#[component]
pub fn FilesPanel(case_id: Uuid, attacher: Attacher) -> impl IntoView {
    let state = app_state();
    let list = RwSignal::new(None::<Result<Vec<CaseFile>, String>>);
    let estimate = RwSignal::new(None::<(f64, f64)>);
    let shown = RwSignal::new(None::<Shown>);
    let confirming = RwSignal::new(None::<String>);
    let removed = RwSignal::new(None::<(bool, Vec<String>)>);
    let case_revision = Memo::new(move |_| state.case(case_id).map(|c| c.revision));
    Effect::new(move |_| {
        case_revision.track();
        state.timeline_epoch.track();
        leptos::task::spawn_local(async move {
            list.set(Some(
                files::files_of(case_id).await.map_err(|e| e.to_string()),
            ));
            estimate.set(browser::storage_estimate().await);
        });
    });
    let close = move || {
        if let Some(old) = shown.get_untracked() {
            let _ = web_sys::Url::revoke_object_url(&old.url);
        }
        shown.set(None);
    };
    let saved_urls = StoredValue::new(Vec::<String>::new());
    on_cleanup(move || {
        close();
        for url in saved_urls.get_value() {
            let _ = web_sys::Url::revoke_object_url(&url);
        }
    });
    let open = move |file: CaseFile| {
        let name = file.held.file.name.clone();
        let sha256 = file.held.file.sha256.clone();
        leptos::task::spawn_local(async move {
            match files::opened(&sha256, &name).await {
                Ok(Some((showing, blob))) => {
                    let text = if showing == Showing::Text {
                        files::text_of(&blob, TEXT_PREVIEW_BYTES).await.ok()
                    } else {
                        None
                    };
                    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else {
                        removed.set(Some((false, vec![format!("The browser could not open {name}.")])));
                        return;
                    };
                    close();
                    if showing == Showing::DownloadOnly {
                        let _ = web_sys::Url::revoke_object_url(&url);
                        removed.set(Some((false, vec![format!(
                            "{name} is not a kind of file the app shows (only images, PDFs and text are); use Download to open it outside."
                        )])));
                        return;
                    }
                    shown.set(Some(Shown { sha256, name, showing, url, text }));
                }
                Ok(None) => removed.set(Some((false, vec![format!(
                    "{name} is not on this device: the case came from a teammate without the file. Ask them for it."
                )]))),
                Err(e) => removed.set(Some((false, vec![format!("{name} could not be opened: {e}")]))),
            }
        });
    };
    let download = move |file: CaseFile| {
        let name = file.held.file.name.clone();
        let sha256 = file.held.file.sha256.clone();
        leptos::task::spawn_local(async move {
            match files::opened(&sha256, &name).await {
                Ok(Some((_, blob))) => {
                    // Saved as bytes, whatever they are: a download is never rendered here.
                    let bytes = web_sys::BlobPropertyBag::new();
                    bytes.set_type("application/octet-stream");
                    let typed = web_sys::Blob::new_with_blob_sequence_and_options(
                        &js_sys::Array::of1(&blob),
                        &bytes,
                    );
                    match typed
                        .ok()
                        .and_then(|b| web_sys::Url::create_object_url_with_blob(&b).ok())
                    {
                        Some(url) => {
                            save_as(&url, &name);
                            // Revoked when the panel goes: revoking now can cancel the download.
                            saved_urls.update_value(|urls| urls.push(url));
                        }
                        None => removed.set(Some((
                            false,
                            vec![format!("The browser could not save {name}.")],
                        ))),
                    }
                }
                Ok(None) => removed.set(Some((
                    false,
                    vec![format!("{name} is not on this device.")],
                ))),
                Err(e) => removed.set(Some((
                    false,
                    vec![format!("{name} could not be saved: {e}")],
                ))),
            }
        });
    };
    let remove = move |sha256: String, name: String| {
        confirming.set(None);
        leptos::task::spawn_local(async move {
            if shown.get_untracked().is_some_and(|s| s.sha256 == sha256) {
                close();
            }
            match files::remove(state, case_id, &sha256).await {
                Ok(()) => removed.set(Some((
                    true,
                    vec![format!("Removed {name} from this case.")],
                ))),
                Err(e) => removed.set(Some((false, vec![format!("{name} was not removed: {e}")]))),
            }
        });
    };
    let on_pick = move |ev: leptos::ev::Event| {
        let input: web_sys::HtmlInputElement = event_target(&ev);
        attacher.attach_all(Attacher::files_in(input.files()));
        input.set_value("");
    };

    view! {
        <section class="panel files-panel" aria-labelledby="files-heading">
            <h2 id="files-heading">"Files"</h2>
            <p class="hint">
                "Bank letters, screenshots, CSVs: up to " {size_label(MAX_FILE_BYTES)} " each. Choose them, drop them anywhere on this case, or paste a screenshot. A saved email (.eml) is logged as the user's reply, with its files attached."
            </p>
            <div class="field">
                <label for=format!("attach-{case_id}")>"Attach files"</label>
                <input id=format!("attach-{case_id}") type="file" multiple on:change=on_pick
                    prop:disabled=move || attacher.busy.with(Option::is_some)/>
            </div>
            <p role="status" class="hint">{move || attacher.busy.get()}</p>
            <OutcomeList outcome=attacher.outcome/>
            <OutcomeList outcome=removed/>
            {move || match list.get() {
                None => view! { <p class="hint">"Loading files…"</p> }.into_any(),
                Some(Err(e)) => view! { <p class="form-error" role="alert">{format!("The files could not be read: {e}")}</p> }.into_any(),
                Some(Ok(found)) if found.is_empty() => view! { <p class="empty">"No files on this case yet."</p> }.into_any(),
                Some(Ok(found)) => view! {
                    <ul class="file-list">
                        {found.into_iter().map(|file| {
                            let f = file.held.file.clone();
                            let when = format_time(file.held.at, &state.zone());
                            let (sha_confirm, sha_ask, name_remove) = (f.sha256.clone(), f.sha256.clone(), f.name.clone());
                            let sha_keep = f.sha256.clone();
                            let (for_open, for_download) = (file.clone(), file.clone());
                            view! {
                                <li class="file-row">
                                    <span class="file-name">{f.name.clone()}</span>
                                    <span class="hint">{format!("{} · {} · added by {} {when}", size_label(f.size), f.media_type, file.held.actor)}</span>
                                    {(!file.on_device).then(|| view! { <span class="form-warning">"Not on this device"</span> })}
                                    <span class="file-actions">
                                        <button type="button" on:click=move |_| open(for_open.clone())
                                            prop:disabled=!file.on_device>"Open"</button>
                                        <button type="button" on:click=move |_| download(for_download.clone())
                                            prop:disabled=!file.on_device>"Download"</button>
                                        {move || if confirming.get().as_deref() == Some(sha_confirm.as_str()) {
                                            let (sha, name) = (sha_keep.clone(), name_remove.clone());
                                            view! {
                                                <span role="group" aria-label="Confirm removal">
                                                    {format!("Remove {name}? ")}
                                                    <button type="button" class="danger" on:click=move |_| remove(sha.clone(), name.clone())>"Remove"</button>
                                                    <button type="button" on:click=move |_| confirming.set(None)>"Keep"</button>
                                                </span>
                                            }.into_any()
                                        } else {
                                            let sha = sha_ask.clone();
                                            view! { <button type="button" on:click=move |_| confirming.set(Some(sha.clone()))>"Remove…"</button> }.into_any()
                                        }}
                                    </span>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any(),
            }}
            {move || shown.get().map(|s| view! {
                <figure class="file-preview">
                    <figcaption>
                        <span class="file-name">{s.name.clone()}</span>
                        <button type="button" on:click=move |_| close()>"Close preview"</button>
                    </figcaption>
                    {match s.showing {
                        Showing::Image(_) => view! { <img src=s.url.clone() alt=format!("Preview of {}", s.name)/> }.into_any(),
                        Showing::Pdf => view! {
                            <p><a href=s.url.clone() target="_blank" rel="noopener">{format!("Open {} in the browser's PDF viewer", s.name)}</a></p>
                        }.into_any(),
                        Showing::Text => {
                            let (text, more) = s.text.clone().unwrap_or_default();
                            view! {
                                <pre class="file-text">{text}</pre>
                                {more.then(|| view! { <p class="hint">"Only the first 200 KB is shown; download the file for the rest."</p> })}
                            }.into_any()
                        }
                        Showing::DownloadOnly => ().into_any(),
                    }}
                </figure>
            })}
            {move || estimate.get().map(|(used, quota)| view! {
                <p class="hint">{format!("This browser holds {} of the {} it allows Escalation Desk.", size_label(used as u64), size_label(quota as u64))}</p>
            })}
        </section>
    }
}

/// Saves `url` under `name` through a link with `download`, so the browser never renders it.
fn save_as(url: &str, name: &str) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let Ok(link) = document.create_element("a") else {
        return;
    };
    let _ = link.set_attribute("href", url);
    let _ = link.set_attribute("download", name);
    if let Ok(link) = wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(link) {
        link.click();
    }
}
