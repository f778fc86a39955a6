//! Export and backup: what to put in a bundle (everything, chosen cases, playbooks), redaction and a passphrase, and the file offered for download.

use leptos::prelude::*;
use uuid::Uuid;

use super::size_label;
use crate::app::exchange::{self, app_version, exporter};
use crate::app::state::{AppState, app_state};
use crate::browser;
use crate::bundle::redact;
use crate::bundle::v1::{BundleV1, Selection};
use crate::domain::case::CaseKey;
use crate::ui::components::form_status::FormStatus;
use crate::ui::crypto;

/// "ESC-1001, ESC-1002" (commas, spaces or lines) into case ids; an unknown key is an error.
fn parse_keys(state: AppState, text: &str) -> Result<Vec<Uuid>, String> {
    let mut ids = Vec::new();
    for word in text
        .split(|c: char| c == ',' || c.is_whitespace())
        .filter(|w| !w.is_empty())
    {
        let key = CaseKey::parse(word)
            .ok_or_else(|| format!("'{word}' is not a case key like ESC-1042"))?;
        let id = state
            .cases
            .with_untracked(|all| all.iter().find(|c| c.key == key).map(|c| c.id))
            .ok_or_else(|| format!("{key} is not on this device"))?;
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    if ids.is_empty() {
        return Err("list the case keys to export, e.g. ESC-1001, ESC-1002".into());
    }
    Ok(ids)
}

/// The export form's fields. "Back up everything" at the top of the page uses its passphrase too.
#[derive(Clone, Copy)]
pub(super) struct ExportForm {
    scope: RwSignal<String>,
    keys: RwSignal<String>,
    redact_on: RwSignal<bool>,
    encrypt_on: RwSignal<bool>,
    passphrase: RwSignal<String>,
    passphrase_again: RwSignal<String>,
    error: RwSignal<Option<String>>,
    done: RwSignal<Option<String>>,
}

impl ExportForm {
    /// `preset_keys` ("ESC-1001,ESC-1002", from the queue's Export) chooses those cases.
    pub(super) fn new(preset_keys: &str) -> Self {
        ExportForm {
            scope: RwSignal::new(
                if preset_keys.is_empty() {
                    "everything"
                } else {
                    "cases"
                }
                .to_string(),
            ),
            keys: RwSignal::new(preset_keys.replace(',', ", ")),
            redact_on: RwSignal::new(false),
            encrypt_on: RwSignal::new(false),
            passphrase: RwSignal::new(String::new()),
            passphrase_again: RwSignal::new(String::new()),
            error: RwSignal::new(None),
            done: RwSignal::new(None),
        }
    }

    /// Builds the bundle and offers it for download; `backup` exports everything, unredacted.
    pub(super) fn run(self, state: AppState, busy: RwSignal<Option<String>>, backup: bool) {
        let ExportForm {
            scope,
            keys,
            redact_on,
            encrypt_on,
            passphrase,
            passphrase_again,
            error,
            done,
        } = self;
        error.set(None);
        done.set(None);
        let chosen_scope = if backup {
            "everything".to_string()
        } else {
            scope.get_untracked()
        };
        let selection = match chosen_scope.as_str() {
            "cases" => match parse_keys(state, &keys.get_untracked()) {
                Ok(ids) => Selection::Cases(ids),
                Err(e) => {
                    error.set(Some(e));
                    return;
                }
            },
            "playbooks" => Selection::PlaybooksAndTemplates,
            _ => Selection::Everything,
        };
        let redacting = !backup && redact_on.get_untracked();
        let encrypting = encrypt_on.get_untracked();
        let secret = passphrase.get_untracked();
        if encrypting {
            if secret.chars().count() < crypto::MIN_PASSPHRASE_CHARS {
                error.set(Some(format!(
                    "Passphrase: use at least {} characters",
                    crypto::MIN_PASSPHRASE_CHARS
                )));
                return;
            }
            if secret != passphrase_again.get_untracked() {
                error.set(Some("Repeat passphrase: the two passphrases differ".into()));
                return;
            }
        }
        busy.set(Some("Exporting…".into()));
        leptos::task::spawn_local(async move {
            let started = browser::performance_now();
            let result: Result<String, String> = async {
                let stored = exchange::read_everything().await.map_err(|e| e.to_string())?;
                browser::measure("export-read", started);
                let skipped = stored.unreadable.len();
                let now = browser::now();
                let mut bundle = BundleV1::build(
                    stored.on_device,
                    &selection,
                    exporter(state),
                    app_version(),
                    now,
                );
                let report = if redacting {
                    Some(
                        redact::redact(&mut bundle)
                            .map_err(|e| format!("Nothing was exported: {e}"))?,
                    )
                } else {
                    None
                };
                let built = browser::performance_now();
                let json = bundle.to_json();
                browser::measure("export-json", built);
                let (text, name) = if encrypting {
                    busy.set(Some("Encrypting (600,000 key-derivation rounds)…".into()));
                    let sealed = crypto::encrypt(&json, &secret).await.map_err(|e| e.to_string())?;
                    (sealed, bundle.file_name(true))
                } else {
                    (json, bundle.file_name(false))
                };
                browser::download(&name, &text, "application/json")?;
                browser::measure("export", started);
                if selection == Selection::Everything && !redacting {
                    state.prefs.update(|p| {
                        p.last_backup_at = Some(now);
                        let _ = p.save();
                    });
                }
                let mut message = format!(
                    "Exported {} case(s), {} playbook(s) and {} template(s) to {name} ({}).",
                    bundle.contents.cases.len(),
                    bundle.contents.playbooks.len(),
                    bundle.contents.templates.len(),
                    size_label(text.len() as f64)
                );
                if let Some(r) = report {
                    message.push_str(&format!(
                        " Redacted: {} person name(s), {} account(s), {} email address(es), {} phone number(s), {} card number(s).",
                        r.names, r.accounts, r.emails, r.phones, r.cards
                    ));
                }
                if encrypting {
                    message.push_str(" Encrypted: share the passphrase by another channel than the file.");
                }
                if skipped > 0 {
                    message.push_str(&format!(
                        " {skipped} stored record(s) could not be read and are not in the file; they are listed on the queue."
                    ));
                }
                Ok(message)
            }
            .await;
            busy.set(None);
            match result {
                Ok(message) => done.set(Some(message)),
                Err(e) => error.set(Some(format!("Nothing was exported: {e}"))),
            }
        });
    }
}

#[component]
pub(super) fn ExportPanel(form: ExportForm, busy: RwSignal<Option<String>>) -> impl IntoView {
    let state = app_state();
    let ExportForm {
        scope,
        keys,
        redact_on,
        encrypt_on,
        passphrase,
        passphrase_again,
        error,
        done,
    } = form;
    view! {
        <section class="panel" aria-labelledby="export-heading">
            <h2 id="export-heading">"Export"</h2>
            <fieldset class="choice">
                <legend>"What to export"</legend>
                <label class="checkbox"><input type="radio" name="scope" value="everything" prop:checked=move || scope.get() == "everything" on:change=move |_| scope.set("everything".into())/>"Everything"</label>
                <label class="checkbox"><input type="radio" name="scope" value="cases" prop:checked=move || scope.get() == "cases" on:change=move |_| scope.set("cases".into())/>"Chosen cases, with their events, problems, RCA worksheets, the playbooks applied to them, and the templates"</label>
                <label class="checkbox"><input type="radio" name="scope" value="playbooks" prop:checked=move || scope.get() == "playbooks" on:change=move |_| scope.set("playbooks".into())/>"Playbooks and templates only"</label>
            </fieldset>
            <Show when=move || scope.get() == "cases">
                <div class="field">
                    <label for="export-keys">"Case keys"</label>
                    <input id="export-keys" type="text" placeholder="ESC-1001, ESC-1002" prop:value=move || keys.get() on:input=move |ev| keys.set(event_target_value(&ev))/>
                    <p class="hint">"Select cases in the queue and choose Export to fill this in."</p>
                </div>
            </Show>
            <label class="checkbox"><input type="checkbox" prop:checked=move || redact_on.get() on:change=move |ev| redact_on.set(event_target_checked(&ev))/>"Redact personal data (names, accounts, emails, phone and card numbers become stable pseudonyms; RCA worksheets are left out)"</label>
            <label class="checkbox"><input type="checkbox" prop:checked=move || encrypt_on.get() on:change=move |ev| encrypt_on.set(event_target_checked(&ev))/>"Encrypt with a passphrase"</label>
            <Show when=move || encrypt_on.get()>
                <div class="field"><label for="export-passphrase">"Passphrase"</label>
                    <input id="export-passphrase" type="password" autocomplete="new-password" prop:value=move || passphrase.get() on:input=move |ev| passphrase.set(event_target_value(&ev))/></div>
                <div class="field"><label for="export-passphrase-again">"Repeat passphrase"</label>
                    <input id="export-passphrase-again" type="password" autocomplete="new-password" prop:value=move || passphrase_again.get() on:input=move |ev| passphrase_again.set(event_target_value(&ev))/></div>
                <p class="hint">"PBKDF2-SHA256 with 600,000 rounds, then AES-GCM-256, by the browser's WebCrypto. Without the passphrase the file cannot be opened, by anyone."</p>
            </Show>
            <FormStatus error=error done=done/>
            <div class="actions"><button type="button" class="primary" on:click=move |_| form.run(state, busy, false) disabled=move || busy.get().is_some()>"Export"</button></div>
        </section>
    }
}
