//! The queue's controls: filters, saving a view, and the bulk bar, whose changes are saved in one transaction and can be undone.

use super::*;
use crate::ui::components::form_status::FormStatus;

#[component]
pub(super) fn Filters(
    filter: RwSignal<QueueFilter>,
    sort: RwSignal<QueueSort>,
    query: RwSignal<String>,
    search_box: NodeRef<html::Input>,
) -> impl IntoView {
    let state = app_state();
    let owners = Memo::new(move |_| {
        let mut all: Vec<String> = state.cases.with(|c| {
            c.iter()
                .map(|c| c.owner.clone())
                .filter(|o| !o.is_empty())
                .collect()
        });
        all.sort();
        all.dedup();
        all
    });
    let tags = Memo::new(move |_| {
        let mut all: Vec<String> = state
            .cases
            .with(|c| c.iter().flat_map(|c| c.tags.clone()).collect());
        all.sort();
        all.dedup();
        all
    });
    let status_value = move || {
        filter.with(|f| match (f.open_only, f.statuses.iter().next()) {
            (_, Some(s)) => format!("{s:?}"),
            (true, None) => "open".into(),
            (false, None) => String::new(),
        })
    };
    let set_status = move |value: String| {
        filter.update(|f| {
            f.statuses.clear();
            f.open_only = value == "open";
            if let Some(s) = CaseStatus::ALL
                .into_iter()
                .find(|s| format!("{s:?}") == value)
            {
                f.statuses.insert(s);
            }
        })
    };
    view! {
        <div class="filters" role="search">
            <div class="field search">
                <label for="queue-search" class="visually-hidden">"Search cases"</label>
                <input id="queue-search" type="search" node_ref=search_box placeholder="Search cases (/)" aria-keyshortcuts="/"
                    prop:value=move || query.get() on:input=move |ev| { browser::measure_to_paint("search", ev.time_stamp()); query.set(event_target_value(&ev)) }
                    on:keydown=move |ev: KeyboardEvent| if ev.key() == "Escape" { query.set(String::new()) }/>
            </div>
            <div class="field">
                <label for="f-status">"Status"</label>
                <select id="f-status" prop:value=status_value on:change=move |ev| set_status(event_target_value(&ev))>
                    <option value="">"Any"</option>
                    <option value="open">"Open"</option>
                    {CaseStatus::ALL.into_iter().map(|s| view! { <option value=format!("{s:?}")>{s.label()}</option> }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="f-priority">"Priority"</label>
                <select id="f-priority"
                    prop:value=move || filter.with(|f| f.priorities.iter().next().map(|p| p.code().to_string()).unwrap_or_default())
                    on:change=move |ev| { browser::measure_to_paint("filter", ev.time_stamp()); filter.update(|f| { f.priorities.clear(); f.priorities.extend(Priority::parse(&event_target_value(&ev))); }) }>
                    <option value="">"Any"</option>
                    {Priority::ALL.into_iter().map(|p| view! { <option value=p.code()>{p.code()}</option> }).collect_view()}
                </select>
            </div>
            <OptionFilter id="f-owner" label="Owner" options=owners.into()
                value=Signal::derive(move || filter.with(|f| f.owner.clone()))
                set=Callback::new(move |v: Option<String>| filter.update(|f| f.owner = v))/>
            <OptionFilter id="f-area" label="Product area" options=Signal::derive(move || state.settings.with(|s| s.product_areas.clone()))
                value=Signal::derive(move || filter.with(|f| f.product_area.clone()))
                set=Callback::new(move |v: Option<String>| filter.update(|f| f.product_area = v))/>
            <div class="field">
                <label for="f-tier">"Tier"</label>
                <select id="f-tier" prop:value=move || filter.with(|f| f.tier.map(|t| format!("{t:?}")).unwrap_or_default())
                    on:change=move |ev| { let v = event_target_value(&ev); filter.update(|f| f.tier = Tier::ALL.into_iter().find(|t| format!("{t:?}") == v)); }>
                    <option value="">"Any"</option>
                    {Tier::ALL.into_iter().map(|t| view! { <option value=format!("{t:?}")>{t.label()}</option> }).collect_view()}
                </select>
            </div>
            <OptionFilter id="f-tag" label="Tag" options=tags.into()
                value=Signal::derive(move || filter.with(|f| f.tag.clone()))
                set=Callback::new(move |v: Option<String>| filter.update(|f| f.tag = v))/>
            <div class="field">
                <label for="f-sla">"SLA"</label>
                <select id="f-sla" prop:value=move || filter.with(|f| match f.sla { Some(SlaFilter::AtRisk) => "at-risk", Some(SlaFilter::Breached) => "breached", None => "" })
                    on:change=move |ev| { let v = event_target_value(&ev); filter.update(|f| f.sla = match v.as_str() { "at-risk" => Some(SlaFilter::AtRisk), "breached" => Some(SlaFilter::Breached), _ => None }); }>
                    <option value="">"Any"</option>
                    <option value="at-risk">"At risk or breached"</option>
                    <option value="breached">"Breached"</option>
                </select>
            </div>
            <div class="field">
                <label for="f-sort">"Sort"</label>
                <select id="f-sort" prop:value=move || if sort.get() == QueueSort::Deadline { "deadline" } else { "priority" }
                    on:change=move |ev| sort.set(if event_target_value(&ev) == "priority" { QueueSort::Priority } else { QueueSort::Deadline })>
                    <option value="deadline">"Next deadline"</option>
                    <option value="priority">"Priority, then age"</option>
                </select>
            </div>
        </div>
    }
}

/// A select of "Any" plus the given options, bound to an optional filter value.
#[component]
pub(super) fn OptionFilter(
    id: &'static str,
    label: &'static str,
    options: Signal<Vec<String>>,
    value: Signal<Option<String>>,
    set: Callback<Option<String>>,
) -> impl IntoView {
    view! {
        <div class="field">
            <label for=id>{label}</label>
            <select id=id prop:value=move || value.get().unwrap_or_default()
                on:change=move |ev| { let v = event_target_value(&ev); set.run((!v.is_empty()).then_some(v)); }>
                <option value="">"Any"</option>
                {move || options.get().into_iter().map(|o| view! { <option value=o.clone()>{o.clone()}</option> }).collect_view()}
            </select>
        </div>
    }
}

#[component]
pub(super) fn SaveView(filter: RwSignal<QueueFilter>) -> impl IntoView {
    let state = app_state();
    let name = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let chosen = name.get_untracked().trim().to_string();
        if chosen.is_empty() {
            error.set(Some("Name the view first.".into()));
            return;
        }
        let mut prefs = state.prefs.get_untracked();
        prefs.views.retain(|v| v.name != chosen);
        prefs.views.push(SavedView {
            name: chosen,
            filter: filter.get_untracked(),
        });
        match prefs.save() {
            Ok(()) => {
                state.prefs.set(prefs);
                name.set(String::new());
                error.set(None);
            }
            Err(e) => error.set(Some(e)),
        }
    };
    view! {
        <form class="save-view" on:submit=save>
            <label for="view-name">"Save current filters as"</label>
            <input id="view-name" type="text" placeholder="e.g. Enterprise payouts" prop:value=move || name.get()
                on:input=move |ev| name.set(event_target_value(&ev))/>
            <button type="submit">"Save view"</button>
            <FormStatus error=error/>
        </form>
    }
}

#[component]
pub(super) fn BulkBar(
    run: impl Fn(String, Box<dyn Fn() -> CaseEdit>) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let status = RwSignal::new(String::new());
    let owner = RwSignal::new(String::new());
    let priority = RwSignal::new(String::new());
    let tag = RwSignal::new(String::new());
    let state = app_state();
    view! {
        <div class="bulk-bar" role="group" aria-label="Bulk actions">
            <div class="inline-fields">
                <label for="bulk-status">"Set status"</label>
                <select id="bulk-status" prop:value=move || status.get() on:change=move |ev| status.set(event_target_value(&ev))>
                    <option value="">"Choose…"</option>
                    {CaseStatus::ALL.into_iter().filter(|s| *s != CaseStatus::Resolved && *s != CaseStatus::New)
                        .map(|s| view! { <option value=format!("{s:?}")>{s.label()}</option> }).collect_view()}
                </select>
                <button type="button" on:click=move |_| {
                    if let Some(to) = CaseStatus::ALL.into_iter().find(|s| format!("{s:?}") == status.get_untracked()) {
                        run(format!("Status set to {}", to.label()), Box::new(move || CaseEdit::Status { to, resolution: String::new() }));
                    }
                }>"Apply status"</button>
            </div>
            <div class="inline-fields">
                <label for="bulk-owner">"Set owner"</label>
                <input id="bulk-owner" type="text" list="bulk-owners" prop:value=move || owner.get() on:input=move |ev| owner.set(event_target_value(&ev))/>
                <datalist id="bulk-owners">{move || {
                    let mut owners: Vec<String> = state.cases.with(|c| c.iter().map(|c| c.owner.clone()).collect());
                    owners.sort();
                    owners.dedup();
                    owners.into_iter().map(|o| view! { <option value=o></option> }).collect_view()
                }}</datalist>
                <button type="button" on:click=move |_| {
                    let who = owner.get_untracked();
                    run(format!("Owner set to {}", who.trim()), Box::new(move || CaseEdit::Owner(who.clone())));
                }>"Apply owner"</button>
            </div>
            <div class="inline-fields">
                <label for="bulk-priority">"Set priority"</label>
                <select id="bulk-priority" prop:value=move || priority.get() on:change=move |ev| priority.set(event_target_value(&ev))>
                    <option value="">"Choose…"</option>
                    {Priority::ALL.into_iter().map(|p| view! { <option value=p.code()>{p.code()}</option> }).collect_view()}
                </select>
                <button type="button" on:click=move |_| {
                    if let Some(p) = Priority::parse(&priority.get_untracked()) {
                        run(format!("Priority set to {}", p.code()), Box::new(move || CaseEdit::Priority(p)));
                    }
                }>"Apply priority"</button>
            </div>
            <div class="inline-fields">
                <label for="bulk-tag">"Add tag"</label>
                <input id="bulk-tag" type="text" prop:value=move || tag.get() on:input=move |ev| tag.set(event_target_value(&ev))/>
                <button type="button" on:click=move |_| {
                    let added = tag.get_untracked();
                    let label = format!("Tag '{}' added", added.trim().to_lowercase());
                    run(label, Box::new(move || CaseEdit::AddTag(added.clone())));
                }>"Add tag"</button>
            </div>
        </div>
    }
}

pub(super) fn commit_bulk(
    state: AppState,
    changes: Vec<Change>,
    label: String,
    before: Vec<Case>,
    error: RwSignal<Option<String>>,
    undo: RwSignal<Option<UndoBatch>>,
    selected: RwSignal<HashSet<Uuid>>,
) {
    if changes.is_empty() {
        error.set(Some(
            "Nothing to change: the selected cases already have that value.".into(),
        ));
        return;
    }
    let count = changes.len();
    let changed: HashSet<Uuid> = changes.iter().map(|c| c.next.id).collect();
    let before: Vec<Case> = before
        .into_iter()
        .filter(|c| changed.contains(&c.id))
        .collect();
    save_batch(state, before.clone(), changes, move |result| match result {
        Ok(_) => {
            selected.set(HashSet::new());
            let noun = if count == 1 { "case" } else { "cases" };
            undo.set(Some(UndoBatch::new(
                format!("{label} on {count} {noun}."),
                before,
            )));
        }
        Err(e) => error.set(Some(format!("Nothing changed: {e}"))),
    });
}

/// Saves a batch in one transaction through the application layer (which settles any case it
/// resolves and shows it everywhere); `done` reports either way. `before` is each case as the
/// batch was planned from.
pub(super) fn save_batch(
    state: AppState,
    before: Vec<Case>,
    changes: Vec<Change>,
    done: impl FnOnce(Result<(), crate::app::AppError>) + 'static,
) {
    leptos::task::spawn_local(async move {
        done(crate::app::cases::change_many(state, before, changes).await);
    });
}
