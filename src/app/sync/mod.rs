//! Team sync through CouchDB, opt-in: signing in with CouchDB's own session, the replication loop (continuous while online, backing off while offline), and its state in words for the header.
//!
//! Nothing here runs, and no request is made, until the person turns sync on in Settings. The
//! password goes to the server's `_session` once and is never kept; the session cookie the
//! server sets is the sign-in, and when it expires the header says so and sync waits.

mod ahead;
pub mod http;
mod pulled;
pub mod records;
mod removals;
pub mod replicate;
pub mod reviews;

use std::cell::Cell;

use chrono::{DateTime, Utc};
use leptos::prelude::*;
use serde_json::json;

use self::http::{Couch, CouchError};
use self::replicate::{Round, RoundError};
use crate::app::AppState;
use crate::browser;
use crate::storage::prefs::SyncSettings;

/// Where team sync is, for the header and Settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SyncStatus {
    Off,
    Starting,
    Synced {
        at: DateTime<Utc>,
    },
    Offline {
        waiting: usize,
    },
    SignInExpired,
    Failed(String),
    /// Another tab of this profile is syncing; this one shows its changes and takes over when
    /// that tab closes.
    OtherTab,
}

impl SyncStatus {
    /// The header's words; `now` makes "2 min ago" honest.
    pub fn words(&self, now: DateTime<Utc>) -> String {
        match self {
            SyncStatus::Off => String::new(),
            SyncStatus::Starting => "Syncing…".into(),
            SyncStatus::Synced { at } => {
                let minutes = (now - *at).num_minutes();
                if minutes < 1 {
                    "Synced just now".into()
                } else {
                    format!("Synced {minutes} min ago")
                }
            }
            SyncStatus::Offline { waiting: 0 } => "Sync paused: offline".into(),
            SyncStatus::Offline { waiting } => {
                format!("{waiting} change(s) waiting: offline")
            }
            SyncStatus::SignInExpired => "Sign-in expired: sync paused".into(),
            SyncStatus::Failed(why) => format!("Sync stopped: {why}"),
            SyncStatus::OtherTab => "Synced by another tab".into(),
        }
    }
}

/// What the page shows of sync: its status, and the documents refused on arrival.
#[derive(Clone, Copy)]
pub struct SyncView {
    pub status: RwSignal<SyncStatus>,
    pub refused: RwSignal<Vec<String>>,
    /// Changes made here the server refused as they are now (listed in `refused`).
    pub not_accepted: RwSignal<usize>,
    /// Cases made here that moved to a new number because a teammate's had theirs.
    pub renumbered: RwSignal<Vec<String>>,
    /// Fields both sides changed that were settled to the server's value (kept with the progress).
    pub settled: RwSignal<usize>,
    /// Documents pulled since this page started (the tests count them across a restart).
    pub pulled: RwSignal<usize>,
    /// Fields both sides changed, for the team to review: open ones first.
    pub reviews: RwSignal<Vec<reviews::ReviewRow>>,
    /// This device's versions of whole records a teammate's reached the team before, newest first.
    pub set_aside: RwSignal<Vec<crate::storage::sync_records::SetAside>>,
}

impl SyncView {
    pub fn new() -> SyncView {
        SyncView {
            status: RwSignal::new(SyncStatus::Off),
            refused: RwSignal::new(Vec::new()),
            not_accepted: RwSignal::new(0),
            renumbered: RwSignal::new(Vec::new()),
            settled: RwSignal::new(0),
            pulled: RwSignal::new(0),
            reviews: RwSignal::new(Vec::new()),
            set_aside: RwSignal::new(Vec::new()),
        }
    }
}

impl Default for SyncView {
    fn default() -> Self {
        Self::new()
    }
}

thread_local! {
    /// Bumped on every sign-in and sign-out, so an older loop sees it is not wanted and ends.
    static GENERATION: Cell<u64> = const { Cell::new(0) };
}

/// Waits up to `ms` between rounds, ending early when this profile wrote something
/// (`app::state` marks it), so a change made here goes up at once. Returns whether a write
/// ended it.
async fn idle(ms: i32) -> bool {
    let mut waited = 0;
    while waited < ms {
        if crate::app::state::take_written_here() {
            return true;
        }
        browser::sleep(100).await;
        waited += 100;
    }
    false
}

fn next_generation() -> u64 {
    // Pages asked ahead belong to the run that asked: not kept in memory past it.
    ahead::forget();
    GENERATION.with(|g| {
        let next = g.get().wrapping_add(1);
        g.set(next);
        next
    })
}

fn current_generation() -> u64 {
    GENERATION.with(Cell::get)
}

/// Checks `name`'s password with the server (`_session`) and that the team database answers
/// them, then turns sync on and starts it. On any refusal, sync stays as it was and the
/// error says what to fix.
pub async fn sign_in(
    state: AppState,
    view: SyncView,
    server: &str,
    database: &str,
    name: &str,
    password: &str,
) -> Result<(), String> {
    let server = if server.trim().is_empty() {
        "/couch/"
    } else {
        server.trim()
    };
    if !server.starts_with('/') || server.starts_with("//") {
        return Err(
            "the server must be a path on this site, such as /couch/ (the app may talk only to its own origin; put CouchDB behind the same address)".into(),
        );
    }
    let database = database.trim();
    if database.is_empty() {
        return Err("the team database is empty".into());
    }
    let couch = Couch::new(server, database);
    let answer = http::request(
        "POST",
        &couch.server_url("_session"),
        Some(&json!({ "name": name.trim(), "password": password })),
    )
    .await
    .map_err(|e| match e {
        CouchError::SignIn => "the server refused that name and password".to_string(),
        other => other.to_string(),
    })?;
    let user = answer
        .get("name")
        .and_then(|n| n.as_str())
        .unwrap_or(name.trim())
        .to_string();
    couch.get("").await.map_err(|e| match e {
        CouchError::NotFound(_) => format!("the server has no database \"{database}\""),
        CouchError::Forbidden(_) | CouchError::SignIn => {
            format!("{user} is not a member of \"{database}\"")
        }
        other => other.to_string(),
    })?;
    let settings = SyncSettings {
        on: true,
        server: couch.server.clone(),
        database: database.to_string(),
        user,
    };
    let mut prefs = state.prefs.get_untracked();
    prefs.sync = settings;
    prefs.save()?;
    state.prefs.set(prefs);
    view.refused.set(Vec::new());
    view.settled.set(0);
    start(state, view);
    Ok(())
}

/// Turns sync off: the loop ends, the server's session is closed, and everything stays here.
pub async fn turn_off(state: AppState, view: SyncView) -> Result<(), String> {
    next_generation();
    let mut prefs = state.prefs.get_untracked();
    let server = prefs.sync.server.clone();
    prefs.sync.on = false;
    prefs.save()?;
    state.prefs.set(prefs);
    view.status.set(SyncStatus::Off);
    if !server.is_empty() {
        // Best effort: the cookie goes with the session; an offline sign-out is harmless.
        let _ = http::request("DELETE", &format!("{server}_session"), None).await;
    }
    Ok(())
}

/// Starts the loop if sync is on (at start-up, or after a sign-in).
pub fn start(state: AppState, view: SyncView) {
    let settings = state.prefs.with_untracked(|p| p.sync.clone());
    if !settings.on {
        view.status.set(SyncStatus::Off);
        return;
    }
    let generation = next_generation();
    view.status.set(SyncStatus::Starting);
    let holding = std::rc::Rc::new(Cell::new(false));
    let held = holding.clone();
    // Said only once the lock has not come within a moment, so a free lock never flickers it.
    leptos::task::spawn_local(async move {
        browser::sleep(500).await;
        if !held.get()
            && current_generation() == generation
            && view.status.get_untracked() == SyncStatus::Starting
        {
            view.status.set(SyncStatus::OtherTab);
        }
    });
    leptos::task::spawn_local(async move {
        // One tab of this profile syncs at a time; the others wait their turn (and see its
        // changes through the tab channel), and take over when that tab closes.
        browser::with_lock("escalation-desk-team-sync", async move {
            holding.set(true);
            if current_generation() == generation {
                view.status.set(SyncStatus::Starting);
            }
            // Another tab may have turned sync off or signed in elsewhere while this one waited.
            let settings = crate::storage::prefs::Preferences::load().sync;
            if !settings.on || current_generation() != generation {
                if current_generation() == generation {
                    view.status.set(SyncStatus::Off);
                }
                return;
            }
            // The loop's code is a part of its own in a split build: fetched now, the first
            // time sync runs on this device, and from the service worker's cache after that.
            let run = loop {
                match sync_loop().await {
                    Ok(run) => break run,
                    Err(not_fetched) => {
                        if current_generation() != generation {
                            return;
                        }
                        view.status
                            .set(SyncStatus::Failed(format!("{not_fetched}; trying again")));
                        browser::sleep(5_000).await;
                        if current_generation() != generation {
                            return;
                        }
                    }
                }
            };
            run(state, view, settings, generation).await;
        })
        .await;
    });
}

/// The replication loop, started once sync is on and this tab holds the sync lock.
pub type SyncLoop =
    fn(AppState, SyncView, SyncSettings, u64) -> futures::future::LocalBoxFuture<'static, ()>;

crate::app::on_demand::on_demand_code!(
    /// The team-sync loop's code (replication, conflict review, record checks): a wasm part of
    /// its own in a split build (see `app::on_demand`).
    sync_loop,
    sync,
    SyncLoop,
    boxed_run
);

/// `run` as the plain function pointer the on-demand loader hands back.
pub(crate) fn boxed_run(
    state: AppState,
    view: SyncView,
    settings: SyncSettings,
    generation: u64,
) -> futures::future::LocalBoxFuture<'static, ()> {
    Box::pin(run(state, view, settings, generation))
}

async fn run(state: AppState, view: SyncView, settings: SyncSettings, generation: u64) {
    // Start-up reads the cases first; sync works on them.
    let _ = crate::app::state::database_ready().await;
    while !matches!(state.boot.get_untracked(), crate::app::state::Boot::Ready) {
        browser::sleep(100).await;
        if current_generation() != generation {
            return;
        }
    }
    let couch = Couch::new(&settings.server, &settings.database);
    let device = crate::app::exchange::exporter(state).device;
    let mut backoff_ms = 1_000;
    // Kept in memory between rounds; read again (and the server's checkpoint checked) at the
    // start, after any error and once a minute, so an idle round costs one request.
    let mut progress: Option<replicate::SyncProgress> = None;
    let mut rounds_since_check: u32 = 0;
    let mut caught_up_before = false;
    // Whether stored reviews may wait to go up or may have changed: reading and checking them
    // every idle second cost up to 500 checks a second at the cap.
    let mut check_reviews = true;
    while current_generation() == generation {
        if !browser::is_online() {
            check_reviews = true;
            let waiting = match &progress {
                Some(p) => replicate::waiting_here(state, p),
                None => replicate::stored_progress(&couch)
                    .await
                    .map(|p| replicate::waiting_here(state, &p))
                    .unwrap_or_default(),
            };
            view.status.set(SyncStatus::Offline { waiting });
            browser::sleep(1_000).await;
            continue;
        }
        if rounds_since_check >= 60 {
            let _ = replicate::save_unsaved(progress.take()).await;
        }
        if progress.is_none() {
            check_reviews = true;
        }
        // Caught up once stays true when the progress is read again (a minute on, or after an
        // error), unless the server lost this device's checkpoint and it starts over.
        if let Some(p) = &progress {
            caught_up_before = p.caught_up;
        }
        let outcome = match progress.as_mut() {
            Some(p) => round(state, &couch, &device, &settings.user, p, check_reviews).await,
            None => match replicate::progress_for(&couch, &device).await {
                Ok(mut fresh) => {
                    fresh.caught_up = caught_up_before && !fresh.since.is_empty();
                    rounds_since_check = 0;
                    let done = round(
                        state,
                        &couch,
                        &device,
                        &settings.user,
                        &mut fresh,
                        check_reviews,
                    )
                    .await;
                    progress = Some(fresh);
                    done
                }
                Err(e) => Err(e),
            },
        };
        rounds_since_check = rounds_since_check.saturating_add(1);
        if outcome.is_err() {
            // Best effort: the error may be storage's own.
            let _ = replicate::save_unsaved(progress.take()).await;
        }
        match outcome {
            Ok(done) => {
                backoff_ms = 1_000;
                if current_generation() != generation {
                    return;
                }
                view.pulled.update(|n| *n += done.pulled_docs);
                let settled = usize::try_from(done.settled_so_far).unwrap_or(usize::MAX);
                if view.settled.get_untracked() != settled {
                    view.settled.set(settled);
                }
                if view.not_accepted.get_untracked() != done.not_accepted {
                    view.not_accepted.set(done.not_accepted);
                }
                if view.refused.with_untracked(|r| *r != done.refused_so_far) {
                    view.refused.set(done.refused_so_far.clone());
                }
                if view
                    .renumbered
                    .with_untracked(|r| *r != done.renumbered_so_far)
                {
                    view.renumbered.set(done.renumbered_so_far.clone());
                }
                let target = format!("{}{}", couch.server, couch.database);
                // Another tab listing the reviews (one answered there, say) reads them again.
                if (check_reviews || done.reviews_touched) && reviews::show(view, &target).await {
                    crate::app::state::announce_reviews_changed();
                }
                if check_reviews || done.set_aside > 0 {
                    records::show(view, &target).await;
                }
                check_reviews = done.reviews_waiting;
                view.status.set(SyncStatus::Synced { at: browser::now() });
                // More to do goes on at once; otherwise the server is asked again in a second
                // (at once after a write here), so an edit here goes up within a tenth of a
                // second and a teammate's shows here within about one.
                let busy = done.more
                    || ((done.pushed_cases > 0 || done.pushed_records > 0) && done.waiting > 0);
                if !busy && idle(1_000).await {
                    check_reviews = true;
                }
            }
            Err(RoundError::Couch(CouchError::SignIn)) => {
                view.status.set(SyncStatus::SignInExpired);
                return;
            }
            Err(RoundError::Couch(CouchError::Forbidden(why))) => {
                view.status.set(SyncStatus::Failed(why));
                return;
            }
            Err(RoundError::Couch(CouchError::Unreachable(_))) => {
                let waiting = replicate::stored_progress(&couch)
                    .await
                    .map(|p| replicate::waiting_here(state, &p))
                    .unwrap_or_default();
                view.status.set(SyncStatus::Offline { waiting });
                browser::sleep(backoff_ms).await;
                backoff_ms = (backoff_ms * 2).min(30_000);
            }
            Err(other) => {
                view.status.set(SyncStatus::Failed(other.to_string()));
                browser::sleep(backoff_ms).await;
                backoff_ms = (backoff_ms * 2).min(30_000);
            }
        }
    }
}

/// One round: what changed there comes down, then what changed here goes up.
async fn round(
    state: AppState,
    couch: &Couch,
    device: &str,
    author: &str,
    progress: &mut replicate::SyncProgress,
    check_reviews: bool,
) -> Result<Round, RoundError> {
    let mut done = Round::default();
    // Pull first, and push nothing until caught up once: a case made here before it knew the
    // team's cases gives up a number the team already uses before it ever reaches the server.
    replicate::pull(state, couch, device, author, progress, &mut done).await?;
    if progress.caught_up {
        replicate::push(state, couch, author, progress, &mut done).await?;
        records::push(state, couch, author, progress, &mut done).await?;
        removals::push(state, couch, author, progress, &mut done).await?;
        if check_reviews || done.reviews_touched {
            reviews::push(couch, &progress.target, author, &mut done).await?;
        }
    } else {
        done.reviews_waiting = check_reviews;
    }
    done.not_accepted = progress.refused_pushes.len();
    done.refused_so_far = progress.refused.clone();
    done.renumbered_so_far = progress.renumbered.clone();
    done.settled_so_far = progress.settled;
    Ok(done)
}
