//! The worksheet's form model: the working copy, the text of parsed fields, drafting, and the field widgets every section uses.

use super::*;

use crate::app::drafts::FormDraft;
use crate::ui::components::undo_toast::Undoable;

/// What the editor drafts: the content, plus the text of fields that are parsed into it
/// (lists, money), so a half-typed value comes back as typed.
#[derive(Serialize, Deserialize)]
pub(super) struct WorksheetDraft {
    pub(super) content: RcaContent,
    pub(super) texts: BTreeMap<String, String>,
    /// The saved content these edits started from, so a save after another tab's can replay
    /// them on top of it instead of overwriting it.
    #[serde(default)]
    pub(super) origin: Option<RcaContent>,
}

/// Text fields parsed into the content on every keystroke.
pub(super) const AUTHORS: &str = "authors";
pub(super) const TEAMS: &str = "partner_teams";
pub(super) const PRODUCTS: &str = "products";
pub(super) const AMOUNT: &str = "money_amount";
pub(super) const CURRENCY: &str = "money_currency";
/// Text typed into the worksheet's quick-add inputs, not yet part of the content; drafted too.
pub(super) const LOOSE: [&str; 3] = ["timeline_at", "timeline_text", "link_case"];

pub(super) fn has_loose_text(texts: &BTreeMap<String, String>) -> bool {
    LOOSE
        .iter()
        .any(|name| texts.get(*name).is_some_and(|t| !t.trim().is_empty()))
}

pub(super) fn list(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for item in text
        .split([',', '\n'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        if !out.iter().any(|o| o.eq_ignore_ascii_case(item)) {
            out.push(item.to_string());
        }
    }
    out
}

pub(super) fn texts_of(content: &RcaContent) -> BTreeMap<String, String> {
    let mut texts = BTreeMap::new();
    texts.insert(AUTHORS.into(), content.authors.join(", "));
    texts.insert(TEAMS.into(), content.partner_teams.join(", "));
    texts.insert(PRODUCTS.into(), content.products.join(", "));
    texts.insert(
        AMOUNT.into(),
        content
            .money_affected
            .map(|m| m.amount_text())
            .unwrap_or_default(),
    );
    texts.insert(
        CURRENCY.into(),
        content
            .money_affected
            .map(|m| m.currency.code())
            .unwrap_or_default(),
    );
    texts
}

/// The money typed so far: `Ok(None)` when the amount is blank.
pub(super) fn parse_money(amount: &str, currency: &str) -> Result<Option<Money>, String> {
    if amount.trim().is_empty() {
        return Ok(None);
    }
    let currency = Currency::parse(&currency.trim().to_uppercase())
        .map_err(|e| format!("Money affected: {e}"))?;
    Money::parse(amount, currency)
        .map(Some)
        .map_err(|e| format!("Money affected: {e}"))
}

pub(super) fn parse_date(text: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").ok()
}

/// Everything the worksheet's rows share: the working copy and how to change it.
#[derive(Clone, Copy)]
pub(super) struct Sheet {
    pub(super) work: RwSignal<RcaContent>,
    pub(super) texts: RwSignal<BTreeMap<String, String>>,
    pub(super) zone: StoredValue<String>,
    pub(super) locked: Memo<bool>,
    /// The last removal, undoable until the next edit: what was removed, and the content before.
    pub(super) undo: RwSignal<Option<Undoable<RcaContent>>>,
}

impl Sheet {
    pub(super) fn edit(self, change: impl FnOnce(&mut RcaContent)) {
        self.undo.set(None);
        self.work.update(change);
    }

    /// A removal, offered back by the Undo toast until the next edit.
    pub(super) fn remove(self, what: String, change: impl FnOnce(&mut RcaContent)) {
        let before = self.work.get_untracked();
        self.work.update(change);
        self.undo.set(Some(Undoable::new(what, before)));
    }

    pub(super) fn text(self, name: &'static str) -> String {
        self.texts
            .with(|t| t.get(name).cloned().unwrap_or_default())
    }

    pub(super) fn set_text(self, name: &'static str, value: String) {
        self.undo.set(None);
        self.texts.update(|t| {
            t.insert(name.to_string(), value);
        });
        let texts = self.texts.get_untracked();
        let get = |n: &str| texts.get(n).cloned().unwrap_or_default();
        let money = parse_money(&get(AMOUNT), &get(CURRENCY));
        self.work.update(|c| {
            c.authors = list(&get(AUTHORS));
            c.partner_teams = list(&get(TEAMS));
            c.products = list(&get(PRODUCTS));
            if let Ok(m) = money {
                c.money_affected = m;
            }
        });
    }

    /// Keeps the text of a quick-add input, which becomes content only when added.
    pub(super) fn set_loose(self, name: &'static str, value: String) {
        self.texts.update(|t| {
            t.insert(name.to_string(), value);
        });
    }

    pub(super) fn local(self, at: Option<DateTime<Utc>>) -> String {
        at.map(|t| browser::to_local_input(t, &self.zone.get_value()))
            .unwrap_or_default()
    }

    pub(super) fn instant(self, text: &str) -> Option<DateTime<Utc>> {
        browser::from_local_input(text, &self.zone.get_value())
    }
}

/// A row of one of the worksheet's lists, found by its key while rows are added, moved and removed.
pub(super) trait Row {
    type Key: PartialEq + Copy;
    fn key(&self) -> Self::Key;
}

impl Row for TimelineEntry {
    type Key = Uuid;
    fn key(&self) -> Uuid {
        self.id
    }
}

impl Row for Evidence {
    type Key = u32;
    fn key(&self) -> u32 {
        self.number
    }
}

impl Row for Claim {
    type Key = Uuid;
    fn key(&self) -> Uuid {
        self.id
    }
}

impl Row for Action {
    type Key = Uuid;
    fn key(&self) -> Uuid {
        self.id
    }
}

impl Sheet {
    /// One value read from the row `key` of `list` (empty once the row is gone).
    pub(super) fn read_row<T: Row>(
        self,
        list: fn(&RcaContent) -> &Vec<T>,
        key: T::Key,
        read: impl Fn(&T) -> String,
    ) -> String {
        self.work.with(|c| {
            list(c)
                .iter()
                .find(|r| r.key() == key)
                .map(read)
                .unwrap_or_default()
        })
    }

    pub(super) fn edit_row<T: Row>(
        self,
        list: fn(&mut RcaContent) -> &mut Vec<T>,
        key: T::Key,
        change: impl FnOnce(&mut T),
    ) {
        self.edit(|c| {
            if let Some(row) = list(c).iter_mut().find(|r| r.key() == key) {
                change(row);
            }
        })
    }

    /// The row's place in its list, counting from 1, as its label shows it.
    pub(super) fn position<T: Row>(self, list: fn(&RcaContent) -> &Vec<T>, key: T::Key) -> usize {
        self.work.with(|c| {
            list(c)
                .iter()
                .position(|r| r.key() == key)
                .map_or(0, |i| i + 1)
        })
    }
}

/// A text input bound to one string of the content.
pub(super) fn text_field(
    sheet: Sheet,
    id: &'static str,
    label: &'static str,
    get: fn(&RcaContent) -> &String,
    set: fn(&mut RcaContent) -> &mut String,
) -> impl IntoView {
    view! {
        <div class="field">
            <label for=id>{label}</label>
            <input id=id type="text" prop:readOnly=move || sheet.locked.get()
                prop:value=move || sheet.work.with(|c| get(c).clone())
                on:input=move |ev| { let v = event_target_value(&ev); sheet.edit(|c| *set(c) = v); }/>
        </div>
    }
}

/// A textarea bound to one string of the content.
pub(super) fn text_area(
    sheet: Sheet,
    id: &'static str,
    label: &'static str,
    rows: u32,
    get: fn(&RcaContent) -> &String,
    set: fn(&mut RcaContent) -> &mut String,
) -> impl IntoView {
    view! {
        <div class="field">
            <label for=id>{label}</label>
            <textarea id=id rows=rows prop:readOnly=move || sheet.locked.get()
                prop:value=move || sheet.work.with(|c| get(c).clone())
                on:input=move |ev| { let v = event_target_value(&ev); sheet.edit(|c| *set(c) = v); }></textarea>
        </div>
    }
}

/// A text input holding a parsed field's text (a list or money).
pub(super) fn parsed_field(
    sheet: Sheet,
    id: &'static str,
    label: &'static str,
    name: &'static str,
    hint: &'static str,
) -> impl IntoView {
    view! {
        <div class="field">
            <label for=id>{label}</label>
            <input id=id type="text" placeholder=hint prop:readOnly=move || sheet.locked.get()
                prop:value=move || sheet.text(name)
                on:input=move |ev| sheet.set_text(name, event_target_value(&ev))/>
        </div>
    }
}

/// A `datetime-local` input bound to one optional instant of the content.
pub(super) fn time_field(
    sheet: Sheet,
    id: &'static str,
    label: &'static str,
    get: fn(&RcaContent) -> Option<DateTime<Utc>>,
    set: fn(&mut RcaContent, Option<DateTime<Utc>>),
) -> impl IntoView {
    view! {
        <div class="field">
            <label for=id>{label}</label>
            <input id=id type="datetime-local" prop:readOnly=move || sheet.locked.get()
                prop:value=move || sheet.local(sheet.work.with(get))
                on:input=move |ev| { let at = sheet.instant(&event_target_value(&ev)); sheet.edit(|c| set(c, at)); }/>
        </div>
    }
}

/// Saves a new state of the worksheet, checked against the revision it was made from.
pub(super) fn persist(
    state: AppState,
    expected: u64,
    next: Rca,
    draft: Option<FormDraft>,
    message: RwSignal<Option<(bool, Vec<String>)>>,
    done: &'static str,
    on_saved: impl FnOnce() + 'static,
) {
    leptos::task::spawn_local(async move {
        match crate::app::rcas::save(state, expected, next, draft.as_ref()).await {
            Ok(()) => {
                let _ = message.try_set(Some((true, vec![done.to_string()])));
                on_saved();
            }
            Err(e) => {
                let _ = message.try_set(Some((false, vec![format!("Not saved: {e}")])));
            }
        }
    });
}

pub(super) fn refusal(error: RcaError) -> Vec<String> {
    match error {
        RcaError::Invalid(list) | RcaError::SignOffs(list) => list,
        other => vec![other.to_string()],
    }
}
