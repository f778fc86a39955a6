//! Writes to the team's shared records that are not cases: settings, SLA settings, templates, partner teams and playbooks; each saves, then shows the result in every view and tells other tabs.

use leptos::prelude::*;

use super::AppError;
use super::drafts::FormDraft;
use super::state::{AppState, database, note_write};
use crate::domain::partners::PartnerDirectory;
use crate::domain::playbooks::Playbook;
use crate::domain::settings::TeamSettings;
use crate::domain::sla::SlaSettings;
use crate::domain::templates::TemplateLibrary;
use crate::storage::{drafts, playbooks, settings};

/// Saves the team settings (fields, scoping rules, matrix) if the stored ones are still
/// `expected` (what the form started from; `None` saves over them).
pub async fn save_settings(
    state: AppState,
    expected: Option<TeamSettings>,
    next: TeamSettings,
) -> Result<(), AppError> {
    settings::save_settings(&database()?, expected.as_ref(), &next).await?;
    state.settings.set(next);
    note_write();
    Ok(())
}

/// Saves the SLA settings (already carrying their change record) if the stored ones are still
/// `expected`, and removes the editor's draft. Every open case's clocks follow at once; resolved cases keep their settled results.
pub async fn save_sla_settings(
    state: AppState,
    expected: Option<SlaSettings>,
    next: SlaSettings,
    draft: &FormDraft,
) -> Result<(), AppError> {
    let db = database()?;
    settings::save_sla_settings(&db, expected.as_ref(), &next).await?;
    // The settings are saved; a draft left behind would only offer them back as unsaved.
    let _ = drafts::consume_draft(&db, draft).await;
    state.sla_settings.set(next);
    note_write();
    Ok(())
}

/// The template library as stored now (another tab may have saved it a moment ago).
pub async fn stored_templates() -> Result<TemplateLibrary, AppError> {
    Ok(settings::load_templates(&database()?).await?)
}

/// The partner directory as stored now.
pub async fn stored_partners() -> Result<PartnerDirectory, AppError> {
    Ok(settings::load_partners(&database()?).await?)
}

/// Saves a validated template library if the stored one is still `expected` (what the editor
/// started from; `None` saves over it), deleting its editor's draft in the same transaction.
pub async fn save_templates(
    state: AppState,
    expected: Option<TemplateLibrary>,
    library: TemplateLibrary,
    draft: &FormDraft,
) -> Result<(), AppError> {
    settings::save_templates(&database()?, expected.as_ref(), &library, draft).await?;
    state.templates.set(library);
    note_write();
    Ok(())
}

/// Saves a validated partner directory if the stored one is still `expected` (as
/// `save_templates`), deleting its editor's draft in the same transaction.
pub async fn save_partners(
    state: AppState,
    expected: Option<PartnerDirectory>,
    directory: PartnerDirectory,
    draft: &FormDraft,
) -> Result<(), AppError> {
    settings::save_partners(&database()?, expected.as_ref(), &directory, draft).await?;
    state.partners.set(directory);
    note_write();
    Ok(())
}

/// Saves a playbook if the stored copy is still at `expected` (`None`: a new one).
pub async fn save_playbook(
    state: AppState,
    expected: Option<u64>,
    playbook: Playbook,
    draft: Option<&FormDraft>,
) -> Result<(), AppError> {
    playbooks::save_playbook(&database()?, expected, &playbook, draft).await?;
    state
        .playbooks
        .update(|all| match all.iter_mut().find(|p| p.id == playbook.id) {
            Some(slot) => *slot = playbook,
            None => all.push(playbook),
        });
    note_write();
    Ok(())
}
