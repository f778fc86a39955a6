//! This tab's SLA board: the domain's `BoardCache` behind `compute_board`, and breach logging, which publishes each breach to the model like any other write.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use leptos::prelude::*;

use crate::app::db::database;
use crate::domain::sla::board::{BoardCache, BoardInputs};
use crate::domain::sla::{ClockMark, CompiledSla};
use crate::domain::{Case, CaseEvent};

/// Validated settings, compared by identity: a new value is a new compile.
#[derive(Clone)]
pub struct Engine(pub Arc<CompiledSla>);

impl PartialEq for Engine {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

pub use crate::domain::sla::board::{Board, Summary, badge, breach_event, short_duration};

thread_local! {
    // Plain data, not a signal: it only saves work and is never rendered.
    static CACHE: std::cell::RefCell<BoardCache> = std::cell::RefCell::new(BoardCache::default());
}

thread_local! {
    /// A test-only fault: the title of a case whose clocks must stop the app, as a record that
    /// defeats the boundary's checks would. Read from `window.__escalationDeskTestPanicOnTitle`,
    /// which only a script already running in the page (a test's init script) can set; no
    /// bundle, stored record or URL reaches it. The safe-mode e2e test uses it to prove that a
    /// panicking record cannot brick a profile.
    static TEST_PANIC_ON_TITLE: Option<String> = js_sys::Reflect::get(
        &js_sys::global(),
        &"__escalationDeskTestPanicOnTitle".into(),
    )
    .ok()
    .and_then(|v| v.as_string());
}

/// Every case's clock summary, through this tab's cache (see `domain::sla::board`).
pub fn compute_board(
    cases: &[Case],
    marks: &HashMap<uuid::Uuid, Vec<ClockMark>>,
    engine: &Arc<CompiledSla>,
    now: DateTime<Utc>,
) -> Board {
    let started = crate::browser::performance_now();
    TEST_PANIC_ON_TITLE.with(|poison| {
        if let Some(title) = poison
            && cases.iter().any(|c| &c.title == title)
        {
            // Only a test's init script sets the hook (see above); this is the panic it asks for.
            #[allow(clippy::panic)]
            {
                panic!("test fault: the clocks of case '{title}' stopped the app");
            }
        }
    });
    let engine_id = Arc::as_ptr(engine) as usize;
    let board = CACHE.with(|cache| {
        cache.borrow_mut().compute(&BoardInputs {
            cases,
            marks,
            engine,
            engine_id,
            now,
        })
    });
    crate::browser::measure("sla-compute", started);
    board
}

/// Cases whose clocks one task computes when every case's marks arrive at once: about 6 ms at
/// the benchmark's case mix, so no slice comes near a 50 ms long task.
const WARM_SLICE: usize = 2_000;

/// Start-up's clock marks for every case, moved in a slice of cases at a time, with this tab's
/// board cache computed for each slice in a task of its own; the board that follows finds every
/// case cached. Computing 10k cases' clocks in the task that paints the badges made it a 60-80 ms
/// long task. Returns every mark (those of cases not in the list too), for the model.
pub async fn warm_board(
    cases: RwSignal<Vec<Case>>,
    engine: Memo<Option<Engine>>,
    now: DateTime<Utc>,
    mut logs: HashMap<uuid::Uuid, Vec<ClockMark>>,
) -> HashMap<uuid::Uuid, Vec<ClockMark>> {
    let Some(Engine(engine)) = engine.get_untracked() else {
        return logs;
    };
    let engine_id = Arc::as_ptr(&engine) as usize;
    let mut arrived = HashMap::with_capacity(logs.len());
    let mut start: usize = 0;
    loop {
        // The list may change between slices (another tab's write); the cache realigns by id.
        let done = cases.with_untracked(|all| {
            let end = start.saturating_add(WARM_SLICE).min(all.len());
            for case in all.get(start..end).unwrap_or(&[]) {
                if let Some(marks) = logs.remove(&case.id) {
                    arrived.insert(case.id, marks);
                }
            }
            CACHE.with(|cache| {
                let inputs = BoardInputs {
                    cases: all,
                    marks: &arrived,
                    engine: &engine,
                    engine_id,
                    now,
                };
                cache.borrow_mut().warm(&inputs, start..end)
            });
            start = end;
            end >= all.len()
        });
        if done {
            break;
        }
        crate::browser::sleep(0).await;
    }
    arrived.extend(logs);
    arrived
}

/// Breach events per transaction: a backlog (a large import) is logged in a few dozen writes,
/// and each write's task stays short (2,000 a write was a 70 ms long task at 50k cases, since
/// a write re-encodes the log pages it touches).
const BREACH_BATCH: usize = 500;

thread_local! {
    /// Ids of the breach events this tab has stored.
    static STORED: std::cell::RefCell<std::collections::HashSet<uuid::Uuid>> = Default::default();
}

/// Appends the breach events the board found, in batches, then publishes them like any other
/// saved event: the open case's timeline, the queue's badges and Insights' breach counts all
/// show them at once. Folded into the clock marks, they are no longer "unlogged", so the next
/// tick does not write them again; only the cases they belong to are recomputed.
pub fn log_breaches(
    events: Vec<CaseEvent>,
    busy: RwSignal<bool>,
    publish: impl Fn(&[CaseEvent]) + 'static,
) {
    // A breach this tab stored before is never written again, even if some future rule made
    // its mark miss the clock: a loop of writes on every tick would be worse than a stale badge.
    let events: Vec<CaseEvent> = STORED.with(|stored| {
        let stored = stored.borrow();
        events
            .into_iter()
            .filter(|e| !stored.contains(&e.id))
            .collect()
    });
    if events.is_empty() || busy.get_untracked() {
        return;
    }
    busy.set(true);
    leptos::task::spawn_local(async move {
        let mut stored: Vec<CaseEvent> = Vec::new();
        for batch in events.chunks(BREACH_BATCH) {
            let result = async {
                let db = database()?;
                crate::storage::cases::append_events(&db, batch).await
            }
            .await;
            match result {
                Ok(()) => {
                    STORED.with(|ids| ids.borrow_mut().extend(batch.iter().map(|e| e.id)));
                    stored.extend_from_slice(batch);
                }
                Err(e) => {
                    // Left unlogged, so the next tick tries again; the badge shows the breach meanwhile.
                    web_sys::console::warn_1(
                        &format!("Could not log SLA breaches; will retry: {e}").into(),
                    );
                    break;
                }
            }
        }
        if !stored.is_empty() {
            // The tab may have closed meanwhile; then there is no view left to update.
            if busy.try_get_untracked().is_some() {
                publish(&stored);
            }
        }
        let _ = busy.try_set(false);
    });
}
