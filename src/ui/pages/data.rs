//! The Data page: export bundles (optionally redacted or encrypted), import them through a dry-run preview and conflict review, and keep and restore backups.

use std::collections::HashMap;
use std::sync::Arc;

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use uuid::Uuid;

use crate::app::AppError;
use crate::app::StorageError;
use crate::app::exchange::{
    self, BackupInfo, Replacement, app_version, export_source, exporter, snapshot,
};
use crate::app::state::{AppState, app_state};
use crate::browser;
use crate::bundle::v1::{self, BundleV1, Selection};
use crate::bundle::{BundleError, encrypted, redact};
use crate::domain::case::CaseKey;
use crate::domain::merge::{self, Choice, ConflictId, MergePlan, Outcome, Verdict};
use crate::ui::crypto;

/// A bundle read and compared with this device, waiting for the specialist's go-ahead.
#[derive(Clone)]
struct Preview {
    file_name: String,
    bundle: Arc<BundleV1>,
    plan: Arc<MergePlan>,
}

/// Cases listed in the preview before "and N more"; the counts above always cover all of them.
const PREVIEW_ROWS: usize = 200;
/// Unbacked case changes that earn a nudge.
const NUDGE_AFTER_CHANGES: usize = 10;

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

fn size_label(bytes: f64) -> String {
    if bytes >= 1_048_576.0 {
        format!("{:.1} MB", bytes / 1_048_576.0)
    } else {
        format!("{:.0} KB", (bytes / 1024.0).ceil())
    }
}

#[component]
pub fn DataPage() -> impl IntoView {
    let state = app_state();
    let query = use_query_map();
    let preset_keys = query.with_untracked(|q| q.get("cases").unwrap_or_default());

    // Export
    let scope = RwSignal::new(
        if preset_keys.is_empty() {
            "everything"
        } else {
            "cases"
        }
        .to_string(),
    );
    let keys = RwSignal::new(preset_keys.replace(',', ", "));
    let redact_on = RwSignal::new(false);
    let encrypt_on = RwSignal::new(false);
    let passphrase = RwSignal::new(String::new());
    let passphrase_again = RwSignal::new(String::new());
    let export_error = RwSignal::new(None::<String>);
    let export_done = RwSignal::new(None::<String>);

    // Import
    let import_error = RwSignal::new(None::<String>);
    let import_done = RwSignal::new(None::<String>);
    let locked: RwSignal<Option<(String, Arc<String>)>> = RwSignal::new(None);
    let unlock_passphrase = RwSignal::new(String::new());
    let preview: RwSignal<Option<Preview>> = RwSignal::new(None);
    // The file last opened, so a preview gone stale (another tab saved meanwhile) can be made again.
    let last_opened: StoredValue<Option<(String, Arc<String>)>> = StoredValue::new(None);
    let stale = RwSignal::new(false);
    let choices: RwSignal<HashMap<ConflictId, Choice>> = RwSignal::new(HashMap::new());
    let confirm_restore = RwSignal::new(None::<String>);
    let dragging = RwSignal::new(false);

    // Shared
    let busy = RwSignal::new(None::<String>);
    let progress = RwSignal::new(None::<(usize, usize)>);
    let backups = RwSignal::new(Vec::<BackupInfo>::new());
    let backups_error = RwSignal::new(None::<String>);
    let estimate = RwSignal::new(None::<(f64, f64)>);
    let persisted = RwSignal::new(None::<bool>);

    let refresh_storage = move || {
        leptos::task::spawn_local(async move {
            estimate.set(browser::storage_estimate().await);
            match exchange::backups().await {
                Ok(list) => backups.set(list),
                Err(e) => backups_error.set(Some(e.to_string())),
            }
        });
    };
    // The list needs the database, which start-up may still be opening.
    Effect::new(move |_| {
        if state.boot.get() == crate::app::state::Boot::Ready {
            refresh_storage();
        }
    });
    leptos::task::spawn_local(async move {
        persisted.set(browser::request_persistence().await);
    });

    let unbacked = Memo::new(move |_| {
        let since = state.prefs.with(|p| p.last_backup_at);
        state.cases.with(|all| match since {
            Some(at) => all.iter().filter(|c| c.updated_at > at).count(),
            None => all.len(),
        })
    });

    let run_export = move |backup: bool| {
        export_error.set(None);
        export_done.set(None);
        let chosen_scope = if backup {
            "everything".to_string()
        } else {
            scope.get_untracked()
        };
        let selection = match chosen_scope.as_str() {
            "cases" => match parse_keys(state, &keys.get_untracked()) {
                Ok(ids) => Selection::Cases(ids),
                Err(e) => {
                    export_error.set(Some(e));
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
                export_error.set(Some(format!(
                    "Passphrase: use at least {} characters",
                    crypto::MIN_PASSPHRASE_CHARS
                )));
                return;
            }
            if secret != passphrase_again.get_untracked() {
                export_error.set(Some("Repeat passphrase: the two passphrases differ".into()));
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
                    export_source(stored),
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
                Ok(message) => export_done.set(Some(message)),
                Err(e) => export_error.set(Some(format!("Nothing was exported: {e}"))),
            }
        });
    };

    // Reads a bundle's text into a preview; an encrypted one first waits for its passphrase.
    let open_text = move |name: String, text: Arc<String>| {
        stale.set(false);
        last_opened.set_value(Some((name.clone(), text.clone())));
        import_error.set(None);
        import_done.set(None);
        preview.set(None);
        choices.set(HashMap::new());
        if encrypted::is_encrypted(&text) {
            locked.set(Some((name, text)));
            return;
        }
        busy.set(Some(format!("Checking {name}…")));
        leptos::task::spawn_local(async move {
            // Let "Checking…" paint before the parse holds the thread.
            browser::next_frame().await;
            let result: Result<Preview, String> = async {
                let started = browser::performance_now();
                let bundle = v1::read(&text).map_err(|e| e.to_string())?;
                browser::measure("import-parse", started);
                let ids: Vec<Uuid> = bundle.contents.cases.iter().map(|c| c.id).collect();
                let local = exchange::read_for_merge(&ids)
                    .await
                    .map_err(|e| e.to_string())?;
                let plan = merge::plan(bundle.incoming(), local);
                browser::measure("import-check", started);
                Ok(Preview {
                    file_name: name.clone(),
                    bundle: Arc::new(bundle),
                    plan: Arc::new(plan),
                })
            }
            .await;
            busy.set(None);
            match result {
                Ok(p) => preview.set(Some(p)),
                Err(e) => import_error.set(Some(format!(
                    "{name} was not imported: {e}. Nothing on this device changed."
                ))),
            }
        });
    };

    let open_file = move |file: web_sys::File| {
        let name = file.name();
        if file.size() > v1::MAX_BUNDLE_BYTES as f64 {
            import_error.set(Some(format!(
                "{name} was not imported: {}. Nothing on this device changed.",
                BundleError::TooLarge {
                    bytes: file.size() as usize
                }
            )));
            return;
        }
        busy.set(Some(format!("Reading {name}…")));
        leptos::task::spawn_local(async move {
            let started = browser::performance_now();
            let text = browser::read_file(&file).await;
            browser::measure("import-read-file", started);
            busy.set(None);
            match text {
                Ok(text) => open_text(name, Arc::new(text)),
                Err(e) => import_error.set(Some(format!("{name} was not imported: {e}"))),
            }
        });
    };

    let unlock = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some((name, text)) = locked.get_untracked() else {
            return;
        };
        let secret = unlock_passphrase.get_untracked();
        busy.set(Some("Deriving the key and decrypting…".into()));
        import_error.set(None);
        leptos::task::spawn_local(async move {
            let opened = crypto::decrypt(&text, &secret).await;
            busy.set(None);
            match opened {
                Ok(plain) => {
                    locked.set(None);
                    unlock_passphrase.set(String::new());
                    open_text(name, Arc::new(plain));
                }
                Err(e) => import_error.set(Some(format!(
                    "{name}: {e}. Nothing on this device changed."
                ))),
            }
        });
    };

    let cancel_import = move |_| {
        stale.set(false);
        preview.set(None);
        locked.set(None);
        choices.set(HashMap::new());
        confirm_restore.set(None);
        import_done.set(Some(
            "Import cancelled. Nothing on this device changed.".into(),
        ));
    };

    let run_import = move |_| {
        let Some(p) = preview.get_untracked() else {
            return;
        };
        let resolved = match p.plan.resolve(&choices.get_untracked()) {
            Ok(r) => r,
            Err(e) => {
                import_error.set(Some(e.to_string()));
                return;
            }
        };
        if resolved.is_empty() {
            preview.set(None);
            import_done.set(Some(format!(
                "Nothing to import from {}: every record in it is already here.",
                p.file_name
            )));
            return;
        }
        busy.set(Some("Taking a snapshot of this device first…".into()));
        leptos::task::spawn_local(async move {
            let started = browser::performance_now();
            let result: Result<(), String> = async {
                snapshot(state, format!("Before importing {}", p.file_name))
                    .await
                    .map_err(|e| e.to_string())?;
                // Split out so the benchmark can say where an import's time goes.
                browser::measure("import-snapshot", started);
                busy.set(Some("Importing…".into()));
                exchange::import(state, &resolved, &|done, total| {
                    progress.set(Some((done, total)));
                })
                .await
                .map_err(|e| match e {
                    AppError::Storage(StorageError::Conflict { .. }) => {
                        stale.set(true);
                        format!("{e}. Another tab changed a case while you reviewed")
                    }
                    AppError::Storage(StorageError::Moved(_)) => {
                        stale.set(true);
                        e.to_string()
                    }
                    other => other.to_string(),
                })?;
                Ok(())
            }
            .await;
            browser::measure("import", started);
            busy.set(None);
            progress.set(None);
            match result {
                Ok(()) => {
                    let counts = p.plan.case_counts();
                    preview.set(None);
                    import_done.set(Some(format!(
                        "Imported {}: {} new and {} updated case(s), {} unchanged. The data from before is kept as a snapshot below.",
                        p.file_name,
                        counts.new,
                        counts.updated + counts.conflict,
                        counts.identical
                    )));
                    refresh_storage();
                }
                Err(e) => import_error.set(Some(format!(
                    "{} was not imported: {e}. Nothing on this device changed.",
                    p.file_name
                ))),
            }
        });
    };

    // Replaces everything with a bundle's contents, after a snapshot of what is here now.
    let restore = move |label: String, bundle: Arc<BundleV1>| {
        busy.set(Some("Taking a snapshot of this device first…".into()));
        import_error.set(None);
        leptos::task::spawn_local(async move {
            let result: Result<(), String> = async {
                snapshot(state, format!("Before restoring {label}"))
                    .await
                    .map_err(|e| e.to_string())?;
                busy.set(Some("Restoring…".into()));
                let incoming = bundle.incoming();
                let replacement = Replacement {
                    cases: incoming.cases,
                    playbooks: incoming.playbooks,
                    problems: incoming.problems,
                    rcas: incoming.rcas,
                    templates: incoming.templates,
                    partners: incoming.partners,
                    settings: bundle.contents.settings.clone().map(|s| (s.team, s.sla)),
                };
                exchange::restore(state, replacement, browser::now(), &|done, total| {
                    progress.set(Some((done, total)));
                })
                .await
                .map_err(|e| e.to_string())
            }
            .await;
            busy.set(None);
            progress.set(None);
            confirm_restore.set(None);
            match result {
                Ok(()) => {
                    preview.set(None);
                    import_done.set(Some(format!(
                        "Restored {label}. What was here before is kept as a snapshot below."
                    )));
                    refresh_storage();
                }
                Err(e) => import_error.set(Some(format!(
                    "{label} was not restored: {e}. Nothing on this device changed."
                ))),
            }
        });
    };

    let restore_snapshot = move |info: BackupInfo| {
        leptos::task::spawn_local(async move {
            let loaded = async {
                let text = exchange::load_backup(&info.id)
                    .await
                    .map_err(|e| e.to_string())?;
                v1::read(&text).map_err(|e| e.to_string())
            }
            .await;
            match loaded {
                Ok(bundle) => restore(
                    format!(
                        "the snapshot from {}",
                        browser::format_time(info.at, &state.zone())
                    ),
                    Arc::new(bundle),
                ),
                Err(e) => import_error.set(Some(format!(
                    "The snapshot could not be read: {e}. Nothing on this device changed."
                ))),
            }
        });
    };

    let on_pick = move |ev: leptos::ev::Event| {
        use wasm_bindgen::JsCast;
        let Some(target) = ev.target() else {
            return;
        };
        let input: web_sys::HtmlInputElement = target.unchecked_into();
        if let Some(file) = input.files().and_then(|f| f.get(0)) {
            open_file(file);
        }
        // Choosing the same file again must fire `change` again.
        input.set_value("");
    };
    let on_drop = move |ev: leptos::ev::DragEvent| {
        ev.prevent_default();
        dragging.set(false);
        if let Some(file) = ev
            .data_transfer()
            .and_then(|d| d.files())
            .and_then(|f| f.get(0))
        {
            open_file(file);
        }
    };

    view! {
        <section class="panel">
            <h1>"Data"</h1>
            <p class="hint">"Everything lives in this browser. Bundles are how it moves: to a teammate, to a backup, to another laptop. Nothing is sent anywhere."</p>
            <StorageStatus estimate=estimate persisted=persisted/>
            <div class="backup-status" role="status">
                {move || {
                    let last = state.prefs.with(|p| p.last_backup_at);
                    let changed = unbacked.get();
                    let zone = state.zone();
                    match last {
                        None if changed > 0 => view! { <p class="form-warning">{format!("Never backed up from this browser; {changed} case(s) exist only here.")}</p> }.into_any(),
                        None => view! { <p class="hint">"Never backed up from this browser."</p> }.into_any(),
                        Some(at) => {
                            let text = format!("Last backup {}. {changed} case(s) changed since.", browser::format_time(at, &zone));
                            if changed >= NUDGE_AFTER_CHANGES {
                                view! { <p class="form-warning">{text}" Back up soon."</p> }.into_any()
                            } else {
                                view! { <p class="hint">{text}</p> }.into_any()
                            }
                        }
                    }
                }}
            </div>
            <div class="actions">
                <button type="button" class="primary" on:click=move |_| run_export(true) disabled=move || busy.get().is_some()>"Back up everything"</button>
            </div>
            <p class="hint">"A backup holds every case, playbook, template, partner team, problem and the team settings. Tick Encrypt below to protect it with a passphrase."</p>
        </section>

        <Show when=move || busy.get().is_some()>
            <div class="panel busy" role="status" aria-live="polite">
                <p>{move || busy.get()}</p>
                {move || progress.get().map(|(done, total)| view! {
                    <progress max=total.max(1) value=done aria-label="Import progress"></progress>
                    <span class="hint">{format!(" {done} of {total} cases")}</span>
                })}
            </div>
        </Show>

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
            <p class="form-error" role="alert">{move || export_error.get()}</p>
            <p class="form-ok" role="status">{move || export_done.get()}</p>
            <div class="actions"><button type="button" class="primary" on:click=move |_| run_export(false) disabled=move || busy.get().is_some()>"Export"</button></div>
        </section>

        <section class="panel" aria-labelledby="import-heading">
            <h2 id="import-heading">"Import"</h2>
            <div class="drop-zone" class:dragging=move || dragging.get()
                on:dragover=move |ev: leptos::ev::DragEvent| { ev.prevent_default(); dragging.set(true); }
                on:dragleave=move |_| dragging.set(false)
                on:drop=on_drop>
                <label for="import-file">"Choose a bundle file"</label>
                <input id="import-file" type="file" accept=".json,.edbundle,application/json" on:change=on_pick disabled=move || busy.get().is_some()/>
                <p class="hint">"or drop it here. You will see what it would change before anything is written."</p>
            </div>
            <Show when=move || locked.get().is_some()>
                <form class="unlock" on:submit=unlock>
                    <p>{move || locked.get().map(|(name, _)| format!("{name} is encrypted."))}</p>
                    <div class="field"><label for="import-passphrase">"Bundle passphrase"</label>
                        <input id="import-passphrase" type="password" autocomplete="off" prop:value=move || unlock_passphrase.get() on:input=move |ev| unlock_passphrase.set(event_target_value(&ev))/></div>
                    <div class="actions">
                        <button type="submit" class="primary" disabled=move || busy.get().is_some()>"Decrypt"</button>
                        <button type="button" on:click=cancel_import>"Cancel"</button>
                    </div>
                </form>
            </Show>
            <p class="form-error" role="alert">{move || import_error.get()}</p>
            <Show when=move || stale.get()>
                <button type="button" class="primary" on:click=move |_| {
                    if let Some((name, text)) = last_opened.get_value() {
                        open_text(name, text);
                    }
                }>"Preview again"</button>
            </Show>
            <p class="form-ok" role="status">{move || import_done.get()}</p>
            {move || preview.get().map(|p| view! {
                <PreviewPanel preview=p.clone() choices=choices/>
                <div class="actions">
                    <button type="button" class="primary" on:click=run_import disabled=move || {
                        busy.get().is_some() || choices.with(|c| p.plan.conflicts().iter().any(|id| !c.contains_key(id)))
                    }>"Import"</button>
                    <button type="button" on:click=cancel_import>"Cancel"</button>
                </div>
                {p.bundle.contents.settings.is_some().then(|| {
                    let bundle = p.bundle.clone();
                    let label = p.file_name.clone();
                    view! {
                        <div class="restore-offer">
                            <p class="hint">"This file is a full backup. Instead of merging, you can restore it: everything on this device is replaced by the file's contents (a snapshot is taken first)."</p>
                            <Show when=move || confirm_restore.get().is_none() fallback=move || {
                                let bundle = bundle.clone();
                                let label = label.clone();
                                view! {
                                    <p class="form-warning" role="alert">"Replace every case, playbook, template, partner team, problem and the team settings on this device with this backup?"</p>
                                    <div class="actions">
                                        <button type="button" class="primary" on:click=move |_| restore(label.clone(), bundle.clone())>"Yes, replace everything"</button>
                                        <button type="button" on:click=move |_| confirm_restore.set(None)>"Keep my data"</button>
                                    </div>
                                }
                            }>
                                <button type="button" on:click=move |_| confirm_restore.set(Some("file".into()))>"Restore this backup instead…"</button>
                            </Show>
                        </div>
                    }
                })}
            })}
        </section>

        <section class="panel" aria-labelledby="snapshots-heading">
            <h2 id="snapshots-heading">"Snapshots"</h2>
            <p class="hint">{format!("Taken automatically before every import and restore; the newest {} are kept in this browser.", exchange::BACKUPS_KEPT)}</p>
            <p class="form-error" role="alert">{move || backups_error.get()}</p>
            <Show when=move || !backups.with(Vec::is_empty) fallback=|| view! { <p>"No snapshots yet."</p> }>
                <table class="case-table">
                    <thead><tr><th scope="col">"Taken"</th><th scope="col">"Why"</th><th scope="col">"Cases"</th><th scope="col">"Size"</th><th scope="col"><span class="visually-hidden">"Actions"</span></th></tr></thead>
                    <tbody>
                        <For each=move || backups.get() key=|b| b.id.clone() let:info>
                            {
                                let id = info.id.clone();
                                let restore_info = info.clone();
                                let asking = { let id = id.clone(); move || confirm_restore.get().as_deref() == Some(id.as_str()) };
                                view! {
                                    <tr>
                                        <td>{browser::format_time(info.at, &state.zone())}</td>
                                        <td>{info.reason.clone()}</td>
                                        <td>{info.cases}</td>
                                        <td>{size_label(info.bytes as f64)}</td>
                                        <td>
                                            <Show when=asking.clone() fallback={ let id = id.clone(); move || { let id = id.clone(); view! {
                                                <button type="button" on:click=move |_| confirm_restore.set(Some(id.clone()))>"Restore…"</button>
                                            } } }>
                                                {
                                                    let restore_info = restore_info.clone();
                                                    view! {
                                                        <span class="form-warning">"Replace everything with this snapshot? "</span>
                                                        <button type="button" class="primary" on:click=move |_| restore_snapshot(restore_info.clone())>"Yes, restore"</button>
                                                        " "
                                                        <button type="button" on:click=move |_| confirm_restore.set(None)>"Keep my data"</button>
                                                    }
                                                }
                                            </Show>
                                        </td>
                                    </tr>
                                }
                            }
                        </For>
                    </tbody>
                </table>
            </Show>
        </section>
    }
}

#[component]
fn StorageStatus(
    estimate: RwSignal<Option<(f64, f64)>>,
    persisted: RwSignal<Option<bool>>,
) -> impl IntoView {
    view! {
        <p class="hint storage-status">
            {move || match estimate.get() {
                Some((used, quota)) => format!("Using {} of about {} this browser allows. ", size_label(used), size_label(quota)),
                None => "Storage use is not reported by this browser. ".to_string(),
            }}
            {move || match persisted.get() {
                Some(true) => "Storage is persistent: the browser will not clear it to free space.",
                Some(false) => "The browser may clear this site's data under storage pressure; keep backups.",
                None => "",
            }}
        </p>
    }
}

#[component]
fn PreviewPanel(preview: Preview, choices: RwSignal<HashMap<ConflictId, Choice>>) -> impl IntoView {
    let plan = preview.plan.clone();
    let bundle = preview.bundle.clone();
    let counts = plan.case_counts();
    let record_counts = plan.record_counts();
    let conflicts = plan.conflicts();
    let all_conflicts = conflicts.clone();
    let set_all = move |choice: Choice| {
        choices.update(|c| {
            for id in &all_conflicts {
                c.insert(id.clone(), choice);
            }
        })
    };
    let exported = format!(
        "Exported by {} on {} (app {}){}.",
        bundle.exported_by.name,
        bundle.exported_at.format("%Y-%m-%d %H:%M UTC"),
        bundle.app_version,
        if bundle.redaction.is_some() {
            ", redacted"
        } else {
            ""
        }
    );
    let changed: Vec<_> = plan
        .cases
        .iter()
        .filter(|c| c.verdict != Verdict::Identical)
        .cloned()
        .collect();
    let hidden = changed.len().saturating_sub(PREVIEW_ROWS);
    let case_conflicts: Vec<_> = plan
        .cases
        .iter()
        .filter(|c| c.verdict == Verdict::Conflict)
        .cloned()
        .collect();
    let record_conflicts: Vec<_> = plan
        .records
        .iter()
        .filter(|r| r.verdict == Verdict::Conflict)
        .cloned()
        .collect();
    let changed_records: Vec<_> = plan
        .records
        .iter()
        .filter(|r| r.verdict == Verdict::New || r.verdict == Verdict::Updated)
        .cloned()
        .collect();
    let conflict_count = conflicts.len();
    view! {
        <div class="import-preview">
            <h3>{format!("Preview of {}", preview.file_name)}</h3>
            <p class="hint">{exported}</p>
            <table class="case-table counts" aria-label="What the import would do">
                <thead><tr><th scope="col">"Records"</th><th scope="col">"New"</th><th scope="col">"Updated"</th><th scope="col">"Identical"</th><th scope="col">"Conflicting"</th></tr></thead>
                <tbody>
                    <tr><th scope="row">"Cases"</th><td>{counts.new}</td><td>{counts.updated}</td><td>{counts.identical}</td><td>{counts.conflict}</td></tr>
                    {record_counts.into_iter().map(|(kind, c)| view! {
                        <tr><th scope="row">{format!("{}s", kind.label())}</th><td>{c.new}</td><td>{c.updated}</td><td>{c.identical}</td><td>{c.conflict}</td></tr>
                    }).collect_view()}
                </tbody>
            </table>
            {plan.changes_nothing().then(|| view! { <p class="hint">"Every record in this file is already here; importing it changes nothing."</p> })}
            {(conflict_count > 0).then(|| view! {
                <div class="conflicts" role="group" aria-labelledby="conflicts-heading">
                    <h4 id="conflicts-heading">{format!("{conflict_count} conflict(s) to decide")}</h4>
                    <p class="hint">"Both sides changed these since the copies parted. Choose for each; nothing is imported until every one has an answer."</p>
                    <div class="actions">
                        <button type="button" on:click={ let set_all = set_all.clone(); move |_| set_all(Choice::Mine) }>"Keep mine for all"</button>
                        <button type="button" on:click=move |_| set_all(Choice::Theirs)>"Take theirs for all"</button>
                    </div>
                    {case_conflicts.into_iter().flat_map(|c| {
                        let key = c.key.to_string();
                        let id = c.id;
                        c.diffs.into_iter().filter(|d| d.outcome == Outcome::Decide).map(move |d| {
                            let conflict = ConflictId::Case(id, d.field);
                            let name = format!("conflict-{id}-{:?}", d.field);
                            view! {
                                <fieldset class="conflict">
                                    <legend>{format!("{key} · {}", d.field.label())}</legend>
                                    <dl class="conflict-values">
                                        <dt>"Mine"</dt><dd>{d.mine.clone()}</dd>
                                        <dt>"Theirs"</dt><dd>{d.theirs.clone()}</dd>
                                    </dl>
                                    <ChoiceRadios name=name conflict=conflict choices=choices allow_both=d.field.is_text()/>
                                </fieldset>
                            }
                        }).collect::<Vec<_>>()
                    }).collect_view()}
                    {record_conflicts.into_iter().map(|r| {
                        let conflict = ConflictId::Record(r.kind, r.id.clone());
                        let name = format!("conflict-{:?}-{}", r.kind, r.id);
                        view! {
                            <fieldset class="conflict">
                                <legend>{format!("{} · {}", r.kind.label(), r.label)}</legend>
                                <ul>{r.changes.iter().map(|c| view! { <li>{c.clone()}</li> }).collect_view()}</ul>
                                <ChoiceRadios name=name conflict=conflict choices=choices allow_both=false/>
                            </fieldset>
                        }
                    }).collect_view()}
                </div>
            })}
            {(!changed.is_empty()).then(|| view! {
                <h4>"Cases that would change"</h4>
                <ul class="preview-list">
                    {changed.into_iter().take(PREVIEW_ROWS).map(|c| {
                        let mut summary = format!("{} {} — {}", c.key, c.title, c.verdict.label());
                        if let Some(from) = &c.rekeyed_from {
                            summary.push_str(&format!(" (their {from} is taken here, so it arrives as {})", c.key));
                        }
                        if c.new_events > 0 {
                            summary.push_str(&format!(", {} new event(s)", c.new_events));
                        }
                        view! {
                            <li>
                                <details>
                                    <summary>{summary}</summary>
                                    <ul>
                                        {c.diffs.iter().map(|d| view! {
                                            <li>{format!("{}: mine “{}” → theirs “{}” ({})", d.field.label(), d.mine, d.theirs, match d.outcome {
                                                Outcome::TakeTheirs => "only they changed it: theirs is taken",
                                                Outcome::KeepMine => "only you changed it: yours stays",
                                                Outcome::Decide => "both changed it: your choice above",
                                            })}</li>
                                        }).collect_view()}
                                    </ul>
                                </details>
                            </li>
                        }
                    }).collect_view()}
                </ul>
                {(hidden > 0).then(|| view! { <p class="hint">{format!("and {hidden} more, counted above.")}</p> })}
            })}
            {(!changed_records.is_empty()).then(|| view! {
                <h4>"Playbooks, templates, partner teams, problems and RCA worksheets that would change"</h4>
                <ul class="preview-list">
                    {changed_records.into_iter().map(|r| view! {
                        <li>{format!("{} {} — {}", r.kind.label(), r.label, r.verdict.label())}
                            {(!r.changes.is_empty()).then(|| format!(": {}", r.changes.join("; ")))}</li>
                    }).collect_view()}
                </ul>
            })}
        </div>
    }
}

#[component]
fn ChoiceRadios(
    name: String,
    conflict: ConflictId,
    choices: RwSignal<HashMap<ConflictId, Choice>>,
    allow_both: bool,
) -> impl IntoView {
    let options: Vec<(Choice, &'static str)> = if allow_both {
        vec![
            (Choice::Mine, "Keep mine"),
            (Choice::Theirs, "Take theirs"),
            (Choice::Both, "Keep both"),
        ]
    } else {
        vec![(Choice::Mine, "Keep mine"), (Choice::Theirs, "Take theirs")]
    };
    options
        .into_iter()
        .map(|(choice, label)| {
            let conflict = conflict.clone();
            let checked = {
                let conflict = conflict.clone();
                move || choices.with(|c| c.get(&conflict) == Some(&choice))
            };
            view! {
                <label class="checkbox">
                    <input type="radio" name=name.clone() prop:checked=checked
                        on:change=move |_| choices.update(|c| { c.insert(conflict.clone(), choice); })/>
                    {label}
                </label>
            }
        })
        .collect_view()
}
