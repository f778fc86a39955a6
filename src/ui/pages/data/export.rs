//! Export and backup: what to put in a bundle (everything, chosen cases, playbooks), redaction and a passphrase, and the file offered for download.

use leptos::prelude::*;
use uuid::Uuid;

/// How long the choice of what to export rests before its attached files are counted.
const COUNT_AFTER_MS: i32 = 250;

use super::size_label;
use crate::app::carry::{self, Carrying};
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

/// What an export of `selection` would carry, counted the way the export itself does.
async fn carried_by(state: AppState, selection: &Selection) -> Result<Carrying, String> {
    let stored = exchange::read_everything()
        .await
        .map_err(|e| e.to_string())?;
    let bundle = BundleV1::build(
        stored.on_device,
        selection,
        exporter(state),
        app_version(),
        browser::now(),
    );
    carry::what_to_carry(&bundle)
        .await
        .map_err(|e| e.to_string())
}

/// The export form's fields. "Back up everything" at the top of the page uses its passphrase too.
#[derive(Clone, Copy)]
pub(super) struct ExportForm {
    scope: RwSignal<String>,
    keys: RwSignal<String>,
    redact_on: RwSignal<bool>,
    encrypt_on: RwSignal<bool>,
    /// Whether the bundle carries the bytes of the cases' attached files.
    carry_on: RwSignal<bool>,
    /// What carrying would add ("3 file(s), 12.4 MB"), counted when the box is ticked.
    carry_label: RwSignal<Option<String>>,
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
            carry_on: RwSignal::new(false),
            carry_label: RwSignal::new(None),
            passphrase: RwSignal::new(String::new()),
            passphrase_again: RwSignal::new(String::new()),
            error: RwSignal::new(None),
            done: RwSignal::new(None),
        }
    }

    /// What the form chooses; `backup` is everything.
    fn selection(&self, state: AppState, backup: bool) -> Result<Selection, String> {
        let chosen_scope = if backup {
            "everything".to_string()
        } else {
            self.scope.get_untracked()
        };
        Ok(match chosen_scope.as_str() {
            "cases" => Selection::Cases(parse_keys(state, &self.keys.get_untracked())?),
            "playbooks" => Selection::PlaybooksAndTemplates,
            _ => Selection::Everything,
        })
    }

    /// Counts what carrying the files would add, whenever the box is ticked or the choice of
    /// what to export changes, so the size is known before exporting.
    pub(super) fn count_carried_files(self, state: AppState) {
        let generation = StoredValue::new(0u64);
        Effect::new(move |_| {
            let (on, _, _, redacting) = (
                self.carry_on.get(),
                self.scope.get(),
                self.keys.get(),
                self.redact_on.get(),
            );
            generation.update_value(|g| *g += 1);
            let mine = generation.get_value();
            if !on || redacting {
                self.carry_label.set(None);
                return;
            }
            let selection = match self.selection(state, false) {
                Ok(s) => s,
                Err(e) => {
                    self.carry_label.set(Some(format!("Not counted yet: {e}")));
                    return;
                }
            };
            self.carry_label
                .set(Some("Counting the attached files…".into()));
            leptos::task::spawn_local(async move {
                // Typing case keys changes the choice on every keystroke: count once it rests.
                crate::browser::sleep(COUNT_AFTER_MS).await;
                if generation.try_get_value() != Some(mine) {
                    return;
                }
                let counted = carried_by(state, &selection).await;
                // A newer choice has started its own count.
                if generation.try_get_value() == Some(mine) {
                    self.carry_label.set(Some(match counted {
                        Ok(c) => format!("Adds {}.", c.label()),
                        Err(e) => format!("Could not count the files: {e}"),
                    }));
                }
            });
        });
    }

    /// Builds the bundle and offers it for download; `backup` exports everything, unredacted.
    pub(super) fn run(self, state: AppState, busy: RwSignal<Option<String>>, backup: bool) {
        let ExportForm {
            redact_on,
            encrypt_on,
            carry_on,
            passphrase,
            passphrase_again,
            error,
            done,
            ..
        } = self;
        error.set(None);
        done.set(None);
        let selection = match self.selection(state, backup) {
            Ok(s) => s,
            Err(e) => {
                error.set(Some(e));
                return;
            }
        };
        let carrying_files = carry_on.get_untracked();
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
                // No pattern can vouch for a file's content, so a redacted bundle carries none.
                let files_left_out = redacting && !carry::held_by(&bundle).is_empty();
                let carrying = if carrying_files && !redacting {
                    carry::what_to_carry(&bundle).await.map_err(|e| e.to_string())?
                } else {
                    Carrying::default()
                };
                let built = browser::performance_now();
                let json = bundle.to_json();
                browser::measure("export-json", built);
                if !carrying.files.is_empty() {
                    busy.set(Some(format!("Adding {}…", carrying.label())));
                }
                let (file, name) = if encrypting {
                    let text = if carrying.files.is_empty() {
                        json
                    } else {
                        carry::bundle_text(&json, &carrying).await.map_err(|e| e.to_string())?
                    };
                    busy.set(Some("Encrypting (600,000 key-derivation rounds)…".into()));
                    let sealed = crypto::encrypt(&text, &secret).await.map_err(|e| e.to_string())?;
                    (browser::blob_of_bytes(sealed.as_bytes(), "application/json")?, bundle.file_name(true))
                } else if carrying.files.is_empty() {
                    (browser::blob_of_bytes(json.as_bytes(), "application/json")?, bundle.file_name(false))
                } else {
                    let blob = carry::bundle_blob(&json, &carrying).await.map_err(|e| e.to_string())?;
                    (blob, bundle.file_name(false))
                };
                browser::download_blob(&name, &file)?;
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
                    size_label(file.size())
                );
                if !carrying.files.is_empty() {
                    message.push_str(&format!(" Carried {}.", carrying.label()));
                }
                if files_left_out {
                    message.push_str(" Attached files are left out of a redacted bundle: no pattern can vouch for a file's content.");
                }
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
        carry_on,
        carry_label,
        passphrase,
        passphrase_again,
        error,
        done,
    } = form;
    form.count_carried_files(state);
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
            <label class="checkbox"><input type="checkbox" prop:checked=move || carry_on.get() prop:disabled=move || redact_on.get() on:change=move |ev| carry_on.set(event_target_checked(&ev))/>"Include the attached files (their bytes, checked by SHA-256 on import)"</label>
            <p class="hint" role="status">{move || if redact_on.get() { Some("A redacted bundle never carries attached files: no pattern can vouch for a file's content.".to_string()) } else { carry_label.get() }}</p>
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
