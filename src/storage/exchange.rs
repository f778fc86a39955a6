//! Bundle import, export and restore against IndexedDB (snapshots are in `backups.rs`): each public function is one transaction, so an import or restore lands whole or not at all.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use indexed_db_futures::database::Database;
use indexed_db_futures::prelude::*;
use indexed_db_futures::transaction::Transaction;
use uuid::Uuid;

use super::StorageError;
pub use super::backups::{BACKUPS_KEPT, BackupInfo, list_backups, load_backup, save_backup};
use super::cases::{NEXT_CASE_NUMBER, read_all, read_next_number};
use super::meta_json::to_json;
use super::page::{PAGE_COUNT, page_of};
use super::paged::{self, Pages};
use super::records::{
    Loaded, append_to_log, decode_all, decode_case, decode_log, decode_playbook, decode_problem,
    decode_rca, encode_case, encode_clock_log, encode_log, encode_playbook, encode_problem,
    encode_rca, searchable_text,
};
use super::schema::{
    CASE_PAGES, CLOCK_PAGES, LOG_PAGES, META, PLAYBOOKS, PROBLEMS, RCAS, TEXT_PAGES,
};
use super::settings::{PARTNERS, SLA_SETTINGS, TEAM_SETTINGS, TEMPLATES, read_document};
use super::sync_records::read_whole_records;
use super::transactions::{begin, begin_writing};
use crate::domain::CaseEvent;
use crate::domain::device::OnDevice;
use crate::domain::merge::{CaseWithEvents, Expected, MergeResult};
use crate::domain::partners::PartnerDirectory;
use crate::domain::settings::TeamSettings;
use crate::domain::sla::{ClockMark, SlaSettings};
use crate::domain::templates::TemplateLibrary;

/// Every store an import or a restore writes, in one transaction.
const WRITTEN_BY_IMPORT: [&str; 9] = [
    CASE_PAGES,
    LOG_PAGES,
    TEXT_PAGES,
    CLOCK_PAGES,
    META,
    PLAYBOOKS,
    PROBLEMS,
    RCAS,
    super::schema::FILE_REFS,
];
/// A restore writes what an import writes, and sets aside what it cannot read.
const WRITTEN_BY_RESTORE: [&str; 10] = [
    CASE_PAGES,
    LOG_PAGES,
    TEXT_PAGES,
    CLOCK_PAGES,
    META,
    PLAYBOOKS,
    PROBLEMS,
    RCAS,
    super::schema::QUARANTINE,
    super::schema::FILE_REFS,
];
/// The number the next locally created worksheet gets (see `storage::rcas`).
use super::schema::NEXT_RCA_NUMBER;
/// Cases are written a run of this many pages at a time, awaiting the last write of each run,
/// so the page can paint progress between runs while the one transaction stays open.
const PAGES_PER_CHUNK: u32 = 32;

/// Everything stored that a bundle can carry, and any record that could not be read.
pub struct Stored {
    pub on_device: OnDevice,
    /// Records left out because they could not be read; an export says so rather than hide it.
    pub unreadable: Vec<StorageError>,
}

/// Reads every record in one snapshot-consistent transaction.
pub async fn read_everything(db: &Database) -> Result<Stored, StorageError> {
    let tx = begin(db, [CASE_PAGES, LOG_PAGES, PLAYBOOKS, PROBLEMS, RCAS, META])?;
    let stores = [CASE_PAGES, LOG_PAGES, PLAYBOOKS, PROBLEMS].map(|s| tx.object_store(s));
    let [cases, logs, playbooks, problems] = stores;
    let (case_store, log_store, playbooks, problems) = (cases?, logs?, playbooks?, problems?);
    let mut cases = Loaded::default();
    let mut by_case: HashMap<Uuid, Vec<CaseEvent>> = HashMap::new();
    let mut unreadable = Vec::new();
    let paged_stores = [(&case_store, CASE_PAGES), (&log_store, LOG_PAGES)];
    let paged = paged::read_in_runs(&paged_stores, |store, key, text| {
        if store == 0 {
            cases.add(decode_case(key, text));
        } else {
            let log = decode_log(key, text);
            for event in log.items {
                by_case.entry(event.case_id).or_default().push(event);
            }
            unreadable.extend(log.unreadable);
        }
    });
    let (meta, rca_store) = (tx.object_store(META)?, tx.object_store(RCAS)?);
    // Every request goes out before any is awaited: one after another they cost a round trip each.
    let (damaged, playbooks, problems, rcas, team, sla, templates, partners, next_case_number) = futures::join!(
        paged,
        read_all(&playbooks),
        read_all(&problems),
        read_all(&rca_store),
        read_document::<TeamSettings>(&meta, TEAM_SETTINGS),
        read_document::<SlaSettings>(&meta, SLA_SETTINGS),
        read_document::<TemplateLibrary>(&meta, TEMPLATES),
        read_document::<PartnerDirectory>(&meta, PARTNERS),
        read_next_number(&meta)
    );
    let (team, sla, templates, partners) = (team?, sla?, templates?, partners?);
    let next_case_number = next_case_number?;
    let (rca_keys, rca_values) = rcas?;
    let rcas = decode_all(&rca_keys, &rca_values, decode_rca);
    let (playbook_keys, playbook_values) = playbooks?;
    let (problem_keys, problem_values) = problems?;
    let playbooks = decode_all(&playbook_keys, &playbook_values, decode_playbook);
    let problems = decode_all(&problem_keys, &problem_values, decode_problem);
    unreadable.splice(0..0, cases.unreadable.into_iter().chain(damaged?));
    unreadable.extend(playbooks.unreadable);
    unreadable.extend(problems.unreadable);
    unreadable.extend(rcas.unreadable);
    Ok(Stored {
        on_device: OnDevice {
            cases: cases.items,
            events: by_case,
            playbooks: playbooks.items,
            problems: problems.items,
            rcas: rcas.items,
            templates: templates.templates,
            partners: partners.teams,
            team,
            sla,
            next_case_number,
            numbers_elsewhere: Vec::new(),
            provisional: Default::default(),
        },
        unreadable,
    })
}

/// What a merge compares against: every case and record, and the event logs of the cases the
/// bundle also carries.
pub async fn read_for_merge(db: &Database, incoming: &[Uuid]) -> Result<OnDevice, StorageError> {
    let tx = begin(db, [CASE_PAGES, LOG_PAGES, PLAYBOOKS, PROBLEMS, RCAS, META])?;
    let case_store = tx.object_store(CASE_PAGES)?;
    let mut cases = Loaded::default();
    let damaged = paged::read_in_runs(&[(&case_store, CASE_PAGES)], |_, key, text| {
        cases.add(decode_case(key, text))
    })
    .await?;
    if let Some(first) = damaged.into_iter().chain(cases.unreadable).next() {
        // Merging over a record we cannot read could overwrite it; refuse instead.
        return Err(first);
    }
    let local_ids: std::collections::HashSet<Uuid> = cases.items.iter().map(|c| c.id).collect();
    let overlap: Vec<Uuid> = incoming
        .iter()
        .filter(|id| local_ids.contains(id))
        .copied()
        .collect();
    let mut logs = Pages::open(&tx, LOG_PAGES)?;
    let overlap_keys: Vec<String> = overlap.iter().map(Uuid::to_string).collect();
    // A page that cannot be read is an error here: merging over it could drop what it holds.
    logs.load(overlap_keys.iter().map(String::as_str)).await?;
    let mut events: HashMap<Uuid, Vec<CaseEvent>> = HashMap::with_capacity(overlap.len());
    for (id, key) in overlap.iter().zip(&overlap_keys) {
        let log = decode_log(key, logs.get(key).unwrap_or_default());
        if let Some(first) = log.unreadable.into_iter().next() {
            // Merging over a log we cannot read whole could drop its damaged lines; refuse instead.
            return Err(first);
        }
        events.insert(*id, log.items);
    }
    // Every playbook, problem and worksheet must be readable too (the merge writes over them).
    let records = read_whole_records(&tx).await?;
    Ok(OnDevice {
        cases: cases.items,
        events,
        ..records
    })
}

/// Writes a resolved merge in one transaction. Every case it changes must still be at the
/// revision the preview read, and every new case must still be absent; otherwise nothing is written.
pub async fn apply_merge(
    db: &Database,
    result: &MergeResult,
    on_progress: &dyn Fn(usize, usize),
) -> Result<(), StorageError> {
    let tx = begin_writing(db, WRITTEN_BY_IMPORT)?;
    check_unmoved(&tx, &result.expected).await?;
    write_cases(&tx, &result.cases, on_progress).await?;
    write_records(
        &tx,
        &result.playbooks,
        &result.problems,
        result.templates.as_deref(),
        result.partners.as_deref(),
    )?;
    write_rcas(&tx, &result.rcas).await?;
    let meta = tx.object_store(META)?;
    let next = read_next_number(&meta).await?;
    if result.next_case_number > next {
        meta.put(result.next_case_number)
            .with_key(NEXT_CASE_NUMBER)
            .build()?;
    }
    tx.commit().await?;
    on_progress(result.cases.len(), result.cases.len());
    Ok(())
}

/// Re-reads, inside the import's transaction, every record the preview read and the import
/// writes (and the worksheet and case numbering new records were keyed from); names each that
/// another tab changed meanwhile, and refuses the whole write if any did.
async fn check_unmoved(tx: &Transaction<'_>, expected: &Expected) -> Result<(), StorageError> {
    let mut moved = Vec::new();
    for (store, records, what) in [
        (PLAYBOOKS, &expected.playbooks, "playbook"),
        (PROBLEMS, &expected.problems, "problem"),
    ] {
        let store = tx.object_store(store)?;
        for (id, label, revision) in records {
            let key = id.to_string();
            let stored: Option<String> = store.get(key.as_str()).primitive()?.await?;
            let found = match (&stored, what) {
                (None, _) => None,
                (Some(text), "playbook") => decode_playbook(&key, text).ok().map(|p| p.revision),
                (Some(text), _) => decode_problem(&key, text).ok().map(|p| p.revision),
            };
            if stored.is_some() != revision.is_some() || found != *revision {
                moved.push(format!("{what} '{label}'"));
            }
        }
    }
    if let Some(expected_rcas) = &expected.rcas {
        let (keys, values) = read_all(&tx.object_store(RCAS)?).await?;
        let now: HashMap<Uuid, u64> = keys
            .iter()
            .zip(&values)
            .filter_map(|(key, text)| decode_rca(key, text).ok().map(|r| (r.id, r.revision)))
            .collect();
        if now != *expected_rcas || now.len() != keys.len() {
            moved.push("the RCA worksheets".into());
        }
    }
    let meta = tx.object_store(META)?;
    if let Some(library) = &expected.templates
        && read_document::<TemplateLibrary>(&meta, TEMPLATES)
            .await?
            .templates
            != *library
    {
        moved.push("the email templates".into());
    }
    if let Some(teams) = &expected.partners
        && read_document::<PartnerDirectory>(&meta, PARTNERS)
            .await?
            .teams
            != *teams
    {
        moved.push("the partner teams".into());
    }
    if let Some(next) = expected.next_case_number
        && read_next_number(&meta).await? != next
    {
        moved.push("the case numbering (a case was created)".into());
    }
    if moved.is_empty() {
        Ok(())
    } else {
        Err(StorageError::Moved(moved))
    }
}

/// Puts whole playbooks and problems, and replaces the template library and partner directory
/// when given; the part of an import or restore that is not cases.
fn write_records(
    tx: &Transaction<'_>,
    playbooks: &[crate::domain::playbooks::Playbook],
    problems: &[crate::domain::problem::Problem],
    templates: Option<&[crate::domain::templates::EmailTemplate]>,
    partners: Option<&[crate::domain::partners::PartnerTeam]>,
) -> Result<(), StorageError> {
    // Whatever a merge made must read back; one record that would not refuses the whole write.
    super::records::refuse_invalid(playbooks)?;
    super::records::refuse_invalid(problems)?;
    if let Some(templates) = templates {
        super::records::refuse_invalid(templates)?;
    }
    if let Some(partners) = partners {
        super::records::refuse_invalid(partners)?;
    }
    let playbook_store = tx.object_store(PLAYBOOKS)?;
    for p in playbooks {
        playbook_store
            .put(encode_playbook(p))
            .with_key(p.id.to_string())
            .build()?;
    }
    let problem_store = tx.object_store(PROBLEMS)?;
    for p in problems {
        problem_store
            .put(encode_problem(p))
            .with_key(p.id.to_string())
            .build()?;
    }
    let meta = tx.object_store(META)?;
    if let Some(templates) = templates {
        let library = TemplateLibrary {
            templates: templates.to_vec(),
        };
        meta.put(to_json(&library)).with_key(TEMPLATES).build()?;
    }
    if let Some(partners) = partners {
        let directory = PartnerDirectory {
            teams: partners.to_vec(),
        };
        meta.put(to_json(&directory)).with_key(PARTNERS).build()?;
    }
    Ok(())
}

/// Puts worksheets, and moves the next `RCA-` number past every key written.
async fn write_rcas(
    tx: &Transaction<'_>,
    rcas: &[crate::domain::rca::Rca],
) -> Result<(), StorageError> {
    super::records::refuse_invalid(rcas)?;
    let store = tx.object_store(RCAS)?;
    for r in rcas {
        store
            .put(encode_rca(r))
            .with_key(r.id.to_string())
            .build()?;
    }
    if let Some(highest) = rcas.iter().map(|r| r.key.0 + 1).max() {
        let meta = tx.object_store(META)?;
        let stored: Option<u32> = meta.get(NEXT_RCA_NUMBER).primitive()?.await?;
        if stored.unwrap_or(1) < highest {
            meta.put(highest).with_key(NEXT_RCA_NUMBER).build()?;
        }
    }
    Ok(())
}

/// Puts cases, their new events, and the search text and clock log rebuilt from each whole log,
/// a run of pages at a time. Every case must still be at the revision the preview read (absent,
/// for a new one); the first that is not fails the write, and the caller's transaction with it.
async fn write_cases(
    tx: &Transaction<'_>,
    writes: &[crate::domain::merge::CaseWrite],
    on_progress: &dyn Fn(usize, usize),
) -> Result<(), StorageError> {
    const STORES: [&str; 4] = [CASE_PAGES, LOG_PAGES, TEXT_PAGES, CLOCK_PAGES];
    let keys: Vec<String> = writes.iter().map(|w| w.case.id.to_string()).collect();
    let mut order: Vec<(u32, usize)> = keys
        .iter()
        .enumerate()
        .map(|(i, key)| (page_of(key), i))
        .collect();
    order.sort_unstable();
    // Runs of pages that hold at least one write, each with the writes on it.
    type Run<'a> = (std::ops::Range<u32>, &'a [(u32, usize)]);
    let chunks: Vec<Run> = (0..PAGE_COUNT)
        .step_by(PAGES_PER_CHUNK as usize)
        .map(|first| {
            let run = first..(first + PAGES_PER_CHUNK).min(PAGE_COUNT);
            let start = order.partition_point(|(page, _)| *page < run.start);
            let end = order.partition_point(|(page, _)| *page < run.end);
            (run, order.get(start..end).unwrap_or_default())
        })
        .filter(|(_, chunk)| !chunk.is_empty())
        .collect();
    // Separate handles to read from, so the next run's reads can be in flight while this
    // run's pages are changed.
    let readers = STORES
        .iter()
        .map(|name| tx.object_store(name))
        .collect::<Result<Vec<_>, _>>()?;
    let fetch_run = |(run, chunk): &Run| {
        // A bulk import touches most pages of a run: one request for the whole run beats one
        // per page. A handful of cases reads just their own pages.
        let which = || {
            if chunk.len() >= run.len() {
                paged::Fetch::Run(run.clone())
            } else {
                let mut pages: Vec<u32> = chunk.iter().map(|(page, _)| *page).collect();
                pages.dedup();
                paged::Fetch::Pages(pages)
            }
        };
        let reads = readers
            .iter()
            .map(|store| paged::fetch(store, which()))
            .collect::<Result<Vec<_>, StorageError>>()?;
        Ok::<_, StorageError>(futures::future::try_join_all(reads))
    };
    let mut cases = Pages::open(tx, CASE_PAGES)?;
    let mut logs = Pages::open(tx, LOG_PAGES)?;
    let mut texts = Pages::open(tx, TEXT_PAGES)?;
    let mut clocks = Pages::open(tx, CLOCK_PAGES)?;
    let mut next = chunks.first().map(fetch_run).transpose()?;
    let mut done = 0;
    // Files the written logs attach: their bytes must outlive a removal on another case.
    let mut file_refs = Vec::new();
    for (n, (_, chunk)) in chunks.iter().enumerate() {
        // Each run's reads are requested before it (the first above, the rest in the loop).
        let Some(fetched) = next.take() else {
            return Err(StorageError::Failed(
                "an import run was written before it was read".into(),
            ));
        };
        let fetched = fetched.await?;
        for (pages, fetched) in [&mut cases, &mut logs, &mut texts, &mut clocks]
            .into_iter()
            .zip(fetched)
        {
            pages.adopt(fetched)?;
        }
        // The next run's reads go out before this run's writes, so they answer at once and its
        // work overlaps these writes. Awaiting them also lets the page paint the progress bar,
        // and keeps the transaction open because a request is pending throughout.
        next = chunks.get(n + 1).map(fetch_run).transpose()?;
        for (_, i) in chunk.iter() {
            let (Some(write), Some(key)) = (writes.get(*i), keys.get(*i)) else {
                continue;
            };
            let key = key.as_str();
            let found = match cases.get(key) {
                Some(text) => Some(decode_case(key, text)?.revision),
                None => None,
            };
            if found != write.expected_revision {
                return Err(StorageError::Conflict {
                    what: format!("{} (during the import)", write.case.key),
                    expected: write.expected_revision.unwrap_or(0),
                    found: found.unwrap_or(0),
                });
            }
            // A merge can make new text (keep both); it must still be readable back.
            super::records::refuse_invalid(&write.case)?;
            cases.put(key, encode_case(&write.case));
            let mut rebuilt_from = std::borrow::Cow::Borrowed(&write.all_events);
            // A case new here gets its whole log; one already here gets what it lacked. Its
            // stored log is read again rather than taken from the preview: a breach another
            // tab logged since then changes no revision, and must not be written over.
            let new_here = write.expected_revision.is_none();
            if new_here || !write.new_events.is_empty() {
                let stored = if new_here { None } else { logs.get(key) };
                let log = match stored {
                    None => encode_log(&write.all_events),
                    Some(stored) => append_to_log(Some(stored), &write.new_events)
                        .unwrap_or_else(|| stored.to_owned()),
                };
                // More lines than the merge knew of: search text and clocks come from the log
                // as it now is.
                if log.lines().count() > write.all_events.len() {
                    rebuilt_from = std::borrow::Cow::Owned(decode_log(key, &log).items);
                }
                logs.put(key, log);
            }
            file_refs.extend(super::files::attached_in(write.case.id, &rebuilt_from));
            let text: String = rebuilt_from.iter().filter_map(searchable_text).collect();
            if text.is_empty() {
                texts.delete(key);
            } else {
                texts.put(key, text);
            }
            let marks = ClockMark::from_events(&rebuilt_from);
            if marks.is_empty() {
                clocks.delete(key);
            } else {
                clocks.put(key, encode_clock_log(&marks));
            }
        }
        for pages in [&mut cases, &mut logs, &mut texts, &mut clocks] {
            pages.put_changed()?;
        }
        done += chunk.len();
        on_progress(done, writes.len());
    }
    super::files::add_refs(tx, &file_refs).await
}

/// Everything a restore puts back: the records and, from a full backup, the settings.
pub struct Replacement {
    pub cases: Vec<CaseWithEvents>,
    pub playbooks: Vec<crate::domain::playbooks::Playbook>,
    pub problems: Vec<crate::domain::problem::Problem>,
    pub rcas: Vec<crate::domain::rca::Rca>,
    pub templates: Vec<crate::domain::templates::EmailTemplate>,
    pub partners: Vec<crate::domain::partners::PartnerTeam>,
    pub settings: Option<(TeamSettings, SlaSettings)>,
}

/// Replaces every case, event, playbook and problem (and settings, when given) with
/// `replacement`, in one transaction. Records that cannot be read are first moved to the
/// quarantine store (`quarantine::keep_unreadable`), never deleted. Drafts and backups are left alone: what was being typed
/// survives a restore, and the restore itself can be undone from the snapshot taken before it.
pub async fn replace_everything(
    db: &Database,
    replacement: Replacement,
    at: DateTime<Utc>,
    on_progress: &dyn Fn(usize, usize),
) -> Result<(), StorageError> {
    let tx = begin_writing(db, WRITTEN_BY_RESTORE)?;
    // What cannot be read cannot be in the snapshot taken before a restore: keep it set aside.
    super::quarantine::keep_unreadable(&tx, at).await?;
    for store in [
        CASE_PAGES,
        LOG_PAGES,
        TEXT_PAGES,
        CLOCK_PAGES,
        PLAYBOOKS,
        PROBLEMS,
        RCAS,
    ] {
        tx.object_store(store)?.clear()?;
    }
    let highest = replacement
        .cases
        .iter()
        .map(|c| c.case.key.number() + 1)
        .max()
        .unwrap_or(0);
    // Moved, not copied: at 50k cases each copy of the logs is hundreds of megabytes of wasm
    // memory, which a wasm page never gives back.
    let writes: Vec<crate::domain::merge::CaseWrite> = replacement
        .cases
        .into_iter()
        .map(|c| {
            let mut all = c.events;
            all.sort_by(crate::domain::case::events::timeline_order);
            crate::domain::merge::CaseWrite {
                expected_revision: None,
                case: c.case,
                new_events: Vec::new(),
                all_events: all,
            }
        })
        .collect();
    write_cases(&tx, &writes, on_progress).await?;
    drop(writes);
    write_records(
        &tx,
        &replacement.playbooks,
        &replacement.problems,
        Some(&replacement.templates),
        Some(&replacement.partners),
    )?;
    write_rcas(&tx, &replacement.rcas).await?;
    let meta = tx.object_store(META)?;
    if let Some((team, sla)) = &replacement.settings {
        meta.put(to_json(team)).with_key(TEAM_SETTINGS).build()?;
        meta.put(to_json(sla)).with_key(SLA_SETTINGS).build()?;
    }
    let next = read_next_number(&meta).await?.max(highest);
    meta.put(next).with_key(NEXT_CASE_NUMBER).build()?;
    tx.commit().await?;
    Ok(())
}
