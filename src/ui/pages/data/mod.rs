//! The Data page: export bundles (optionally redacted or encrypted), import them through a dry-run preview and conflict review, and keep and restore backups.

use std::collections::HashMap;
use std::sync::Arc;

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use uuid::Uuid;

use crate::app::AppError;
use crate::app::StorageError;
use crate::app::carry;
use crate::app::exchange::{self, BackupInfo, Replacement, snapshot};
use crate::app::state::app_state;
use crate::browser;
use crate::bundle::v1::{self, BundleV1};
use crate::bundle::{BundleError, encrypted};
use crate::domain::merge::{self, Choice, ConflictId};
use crate::ui::components::form_status::FormStatus;
use crate::ui::crypto;
mod export;
mod preview;

use export::{ExportForm, ExportPanel};
use preview::{Preview, PreviewPanel, files_stored_note};

/// Unbacked case changes that earn a nudge.
const NUDGE_AFTER_CHANGES: usize = 10;

pub(super) fn size_label(bytes: f64) -> String {
    if bytes >= 1_048_576.0 {
        format!("{:.1} MB", bytes / 1_048_576.0)
    } else {
        format!("{:.0} KB", (bytes / 1024.0).ceil())
    }
}

/// Stores the files `preview`'s bundle carries, before the import or restore that names them.
async fn store_carried(preview: &Preview, busy: RwSignal<Option<String>>) -> Result<usize, String> {
    carry::receive_carried(&preview.source, &preview.bundle, &|done, total| {
        busy.set(Some(format!(
            "Storing attached file {} of {total}…",
            done + 1
        )));
    })
    .await
    .map_err(|e| e.to_string())
}

/// What "Preview again" opens after another tab saved: a picked file is read again, not kept
/// as text (207 MB at 50k, held through the import); a decrypted bundle, only in memory, is kept.
#[derive(Clone)]
enum Reopen {
    File(web_sys::File),
    Decrypted(carry::Opened),
}

#[component]
pub fn DataPage() -> impl IntoView {
    let state = app_state();
    let query = use_query_map();
    let preset_keys = query.with_untracked(|q| q.get("cases").unwrap_or_default());

    let export = ExportForm::new(&preset_keys);

    // Import
    let import_error = RwSignal::new(None::<String>);
    let import_done = RwSignal::new(None::<String>);
    let locked: RwSignal<Option<(String, Arc<String>)>> = RwSignal::new(None);
    let unlock_passphrase = RwSignal::new(String::new());
    let preview: RwSignal<Option<Preview>> = RwSignal::new(None);
    let last_opened: StoredValue<Option<(String, Reopen)>> = StoredValue::new(None);
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

    // Reads an opened bundle into a preview; an encrypted one first waits for its passphrase.
    let open_bundle = move |name: String, opened: carry::Opened| {
        stale.set(false);
        import_error.set(None);
        import_done.set(None);
        preview.set(None);
        choices.set(HashMap::new());
        // An encrypted envelope has no files section: what was read is all of it.
        if encrypted::is_encrypted(&opened.rest) {
            locked.set(Some((name, opened.rest)));
            return;
        }
        let text = opened.rest;
        let source = opened.carried;
        busy.set(Some(format!("Checking {name}…")));
        leptos::task::spawn_local(async move {
            // Let "Checking…" paint before the parse holds the thread.
            browser::next_frame().await;
            let started = browser::performance_now();
            let parsed = v1::read(&text).map_err(|e| e.to_string());
            // Parsed, the text goes: kept, it was one more copy at the import's memory peak.
            drop(text);
            browser::measure("import-parse", started);
            let result: Result<Preview, String> = async {
                let bundle = parsed?;
                // The files section's shape was settled by the scanner that opened the file
                // (a `"files": 5` is refused there); now every carried file is read, decoded and
                // checked against its hash, one at a time, so a damaged file is refused before
                // the preview, not halfway through the import.
                let carried = carry::check_carried(&source, &|done, total| {
                    busy.set(Some(format!(
                        "Checking attached file {} of {total}…",
                        done + 1
                    )));
                })
                .await
                .map_err(|e| e.to_string())?;
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
                    carried: Arc::new(carried),
                    source: source.clone(),
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
        if file.size() > v1::MAX_FILE_BYTES_WITH_FILES as f64 {
            import_error.set(Some(format!(
                "{name} was not imported: {}. Nothing on this device changed.",
                BundleError::FileTooLarge {
                    bytes: file.size() as u64
                }
            )));
            return;
        }
        last_opened.set_value(Some((name.clone(), Reopen::File(file.clone()))));
        busy.set(Some(format!("Reading {name}…")));
        leptos::task::spawn_local(async move {
            let started = browser::performance_now();
            // Read in slices: only the bundle without its carried files is kept as text.
            let opened = carry::open_file(&file).await;
            browser::measure("import-read-file", started);
            busy.set(None);
            match opened {
                Ok(opened) => open_bundle(name, opened),
                // A preview it replaces (one gone stale, read again) is not left to import.
                Err(e) => {
                    preview.set(None);
                    stale.set(false);
                    import_error.set(Some(format!(
                        "{name} was not imported: {e}. Nothing on this device changed."
                    )));
                }
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
                    match carry::open_text(plain) {
                        Ok(opened) => {
                            last_opened
                                .set_value(Some((name.clone(), Reopen::Decrypted(opened.clone()))));
                            open_bundle(name, opened)
                        }
                        Err(e) => import_error.set(Some(format!(
                            "{name} was not imported: {e}. Nothing on this device changed."
                        ))),
                    }
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
        if resolved.is_empty() && p.carried.is_empty() {
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
            let result: Result<usize, String> = async {
                snapshot(state, format!("Before importing {}", p.file_name))
                    .await
                    .map_err(|e| e.to_string())?;
                // Split out so the benchmark can say where an import's time goes.
                browser::measure("import-snapshot", started);
                let stored_files = store_carried(&p, busy).await?;
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
                Ok(stored_files)
            }
            .await;
            browser::measure("import", started);
            busy.set(None);
            progress.set(None);
            match result {
                Ok(stored_files) => {
                    let counts = p.plan.case_counts();
                    preview.set(None);
                    import_done.set(Some(format!(
                        "Imported {}: {} new and {} updated case(s), {} unchanged{}. The data from before is kept as a snapshot below.",
                        p.file_name,
                        counts.new,
                        counts.updated + counts.conflict,
                        counts.identical,
                        files_stored_note(stored_files, p.carried.len())
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
    let restore = move |label: String, bundle: Arc<BundleV1>, carried: Option<Preview>| {
        busy.set(Some("Taking a snapshot of this device first…".into()));
        import_error.set(None);
        leptos::task::spawn_local(async move {
            let result: Result<(), String> = async {
                snapshot(state, format!("Before restoring {label}"))
                    .await
                    .map_err(|e| e.to_string())?;
                if let Some(p) = &carried {
                    store_carried(p, busy).await?;
                }
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
                    None,
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
                <button type="button" class="primary" on:click=move |_| export.run(state, busy, true) disabled=move || busy.get().is_some()>"Back up everything"</button>
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

        <ExportPanel form=export busy=busy/>

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
            <FormStatus error=import_error/>
            <Show when=move || stale.get()>
                <button type="button" class="primary" on:click=move |_| {
                    match last_opened.get_value() {
                        Some((_, Reopen::File(file))) => open_file(file),
                        Some((name, Reopen::Decrypted(opened))) => open_bundle(name, opened),
                        None => {}
                    }
                }>"Preview again"</button>
            </Show>
            <FormStatus done=import_done/>
            {move || preview.get().map(|p| { let for_restore = p.clone(); view! {
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
                    let from_file = for_restore.clone();
                    view! {
                        <div class="restore-offer">
                            <p class="hint">"This file is a full backup. Instead of merging, you can restore it: everything on this device is replaced by the file's contents (a snapshot is taken first)."</p>
                            <Show when=move || confirm_restore.get().is_none() fallback=move || {
                                let bundle = bundle.clone();
                                let label = label.clone();
                                let from_file = from_file.clone();
                                view! {
                                    <p class="form-warning" role="alert">"Replace every case, playbook, template, partner team, problem and the team settings on this device with this backup?"</p>
                                    <div class="actions">
                                        <button type="button" class="primary" on:click=move |_| restore(label.clone(), bundle.clone(), Some(from_file.clone()))>"Yes, replace everything"</button>
                                        <button type="button" on:click=move |_| confirm_restore.set(None)>"Keep my data"</button>
                                    </div>
                                }
                            }>
                                <button type="button" on:click=move |_| confirm_restore.set(Some("file".into()))>"Restore this backup instead…"</button>
                            </Show>
                        </div>
                    }
                })}
            }})}
        </section>

        <section class="panel" aria-labelledby="snapshots-heading">
            <h2 id="snapshots-heading">"Snapshots"</h2>
            <p class="hint">{format!("Taken automatically before every import and restore; the newest {} are kept in this browser.", exchange::BACKUPS_KEPT)}</p>
            <FormStatus error=backups_error/>
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
