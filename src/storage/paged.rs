//! Case-keyed records read and written through their pages (see `page`), inside a caller's transaction.

use std::collections::{BTreeSet, HashMap};
use std::ops::Range;

use indexed_db_futures::database::Database;
use indexed_db_futures::object_store::ObjectStore;
use indexed_db_futures::prelude::*;
use indexed_db_futures::transaction::Transaction;
use wasm_bindgen::{JsCast, JsValue};

use super::StorageError;
use super::page::{Entries, PAGE_COUNT, Page, page_of};
use super::transactions::begin;

/// A page as stored: its text as UTF-8 bytes. A JS string would be UTF-16 (two bytes a
/// character once any character is outside Latin-1), and crossing to and from wasm would
/// convert it each way; bytes measured about 40% faster to write and to read.
pub fn page_value(text: &str) -> JsValue {
    js_sys::Uint8Array::from(text.as_bytes()).into()
}

/// The text of a stored page; an error says why it is not one.
pub fn page_text(value: JsValue) -> Result<String, String> {
    match value.dyn_into::<js_sys::Uint8Array>() {
        Ok(bytes) => String::from_utf8(bytes.to_vec())
            .map_err(|e| format!("not UTF-8 text at byte {}", e.utf8_error().valid_up_to())),
        Err(other) => other
            .as_string()
            .ok_or_else(|| "neither bytes nor text".to_string()),
    }
}

fn damaged(store: &'static str, page: u32, reason: String) -> StorageError {
    StorageError::Corrupt {
        store,
        key: format!("page {page}"),
        reason,
    }
}

/// Pages a bulk read asks for in one request. Small enough that the first run answers
/// quickly, large enough that the requests stay few (16 a store).
const PAGES_PER_READ: u32 = 32;

/// Every record of the paged `stores`, handed to `each` with the store's index in `stores`,
/// the record's key and its text. Every run of pages is requested up front and handled as it
/// answers, so decoding one run overlaps IndexedDB reading the next: measured at 10k cases,
/// this hid most of the 0.25 s the reads take. Returns the pages that could not be read; the
/// good records before the damage on a page are still handed over.
pub async fn read_in_runs(
    stores: &[(&ObjectStore<'_>, &'static str)],
    mut each: impl FnMut(usize, &str, &str),
) -> Result<Vec<StorageError>, StorageError> {
    let mut pending = Vec::new();
    for first in (0..PAGE_COUNT).step_by(PAGES_PER_READ as usize) {
        let run = first..(first + PAGES_PER_READ).min(PAGE_COUNT);
        for (index, (store, _)) in stores.iter().enumerate() {
            pending.push((index, fetch(store, Fetch::Run(run.clone()))?));
        }
    }
    let mut damage = Vec::new();
    for (index, read) in pending {
        let name = stores.get(index).map_or("", |(_, name)| *name);
        for (page, value) in read.await?.found {
            let text = match page_text(value) {
                Ok(text) => text,
                Err(reason) => {
                    damage.push(damaged(name, page, reason));
                    continue;
                }
            };
            let mut entries = match Entries::new(&text) {
                Ok(entries) => entries,
                Err(reason) => {
                    damage.push(damaged(name, page, reason));
                    continue;
                }
            };
            for entry in &mut entries {
                match entry {
                    Ok((key, value)) => each(index, key, value),
                    Err(reason) => damage.push(damaged(name, page, reason)),
                }
            }
        }
    }
    Ok(damage)
}

/// The stored text under `key` in the paged store `name`, in a read transaction of its own.
pub async fn read_one(
    db: &Database,
    name: &'static str,
    key: &str,
) -> Result<Option<String>, StorageError> {
    let tx = begin(db, name)?;
    let page = page_of(key);
    let value: Option<JsValue> = tx.object_store(name)?.get(page).primitive()?.await?;
    let Some(value) = value.filter(|v| !v.is_undefined()) else {
        return Ok(None);
    };
    let text = page_text(value).map_err(|reason| damaged(name, page, reason))?;
    for entry in Entries::new(&text).map_err(|reason| damaged(name, page, reason))? {
        let (stored_key, value) = entry.map_err(|reason| damaged(name, page, reason))?;
        if stored_key == key {
            return Ok(Some(value.to_owned()));
        }
    }
    Ok(None)
}

/// The pages of one store that a write transaction has read, changed, and will put back.
/// Every key must be loaded (`load`, `adopt`) before it is read or written.
pub struct Pages<'tx> {
    store: ObjectStore<'tx>,
    name: &'static str,
    loaded: HashMap<u32, Page>,
    dirty: BTreeSet<u32>,
    /// A write to a page that was never loaded: writing it would drop what the page held, so
    /// `put_changed` refuses the whole transaction instead.
    unloaded_write: bool,
}

impl<'tx> Pages<'tx> {
    pub fn open(tx: &'tx Transaction<'_>, name: &'static str) -> Result<Self, StorageError> {
        Ok(Pages {
            store: tx.object_store(name)?,
            name,
            loaded: HashMap::new(),
            dirty: BTreeSet::new(),
            unloaded_write: false,
        })
    }

    /// Reads the pages holding `keys` that are not loaded yet, all requested before any is
    /// awaited. A damaged page is an error: writing over it would lose what it still holds.
    pub async fn load<'k>(
        &mut self,
        keys: impl IntoIterator<Item = &'k str>,
    ) -> Result<(), StorageError> {
        let wanted: Vec<u32> = keys
            .into_iter()
            .map(page_of)
            .filter(|page| !self.loaded.contains_key(page))
            .collect::<BTreeSet<u32>>()
            .into_iter()
            .collect();
        let fetched = fetch(&self.store, Fetch::Pages(wanted))?.await?;
        self.adopt(fetched)
    }

    /// Takes in pages read by `fetch` (from another handle on this store, so the read can be
    /// in flight while this one is written). Refuses a damaged page, as `load` does.
    pub fn adopt(&mut self, fetched: Fetched) -> Result<(), StorageError> {
        for (page, value) in fetched.found {
            let decoded = page_text(value)
                .and_then(|text| Page::decode(&text))
                .map_err(|reason| damaged(self.name, page, reason))?;
            self.loaded.insert(page, decoded);
        }
        for page in fetched.asked.into_pages() {
            self.loaded.entry(page).or_default();
        }
        Ok(())
    }

    fn page_mut(&mut self, key: &str) -> Option<&mut Page> {
        let page = page_of(key);
        let found = self.loaded.get_mut(&page);
        if found.is_some() {
            self.dirty.insert(page);
        } else {
            self.unloaded_write = true;
        }
        found
    }

    /// The stored value of `key`; `None` if absent (or, by a caller's mistake, never loaded).
    pub fn get(&self, key: &str) -> Option<&str> {
        self.loaded.get(&page_of(key)).and_then(|p| p.get(key))
    }

    pub fn put(&mut self, key: &str, value: String) {
        if let Some(page) = self.page_mut(key) {
            page.insert(key, value);
        }
    }

    pub fn delete(&mut self, key: &str) {
        let page = page_of(key);
        if self.loaded.get(&page).is_some_and(|p| p.get(key).is_some())
            && let Some(page) = self.page_mut(key)
        {
            page.remove(key);
        }
    }

    /// Issues the writes of every changed page (deleting emptied ones) without waiting for
    /// them, and forgets every loaded page to free memory. The transaction's commit waits for
    /// them, and fails whole if any fails.
    pub fn put_changed(&mut self) -> Result<(), StorageError> {
        if self.unloaded_write {
            return Err(StorageError::Failed(format!(
                "a write to '{}' reached a page that was not read first; nothing was saved",
                self.name
            )));
        }
        for page in std::mem::take(&mut self.dirty) {
            match self.loaded.get(&page).and_then(Page::encode) {
                Some(text) => {
                    self.store.put(page_value(&text)).with_key(page).build()?;
                }
                None => {
                    self.store.delete(page).build()?;
                }
            }
        }
        self.loaded.clear();
        Ok(())
    }
}

/// Which pages of a store to read: a run of them in one request, or a few by number.
pub enum Fetch {
    Run(Range<u32>),
    Pages(Vec<u32>),
}

impl Fetch {
    fn into_pages(self) -> Vec<u32> {
        match self {
            Fetch::Run(run) => run.collect(),
            Fetch::Pages(pages) => pages,
        }
    }
}

/// Pages read by `fetch`: the text of each that exists, and what was asked for.
pub struct Fetched {
    found: Vec<(u32, JsValue)>,
    asked: Fetch,
}

/// Requests `which` pages of `store` now (requests go out when built) and returns the future
/// of their texts, to be given to `Pages::adopt` once awaited.
pub fn fetch<'a>(
    store: &'a ObjectStore<'_>,
    which: Fetch,
) -> Result<futures::future::LocalBoxFuture<'a, Result<Fetched, StorageError>>, StorageError> {
    use futures::FutureExt;
    Ok(match which {
        Fetch::Run(run) => {
            let keys = store
                .get_all_keys::<u32>()
                .with_query(run.clone())
                .build()?;
            let texts = store.get_all::<JsValue>().with_query(run.clone()).build()?;
            async move {
                let keys: Vec<u32> = keys.await?.collect::<Result<_, _>>()?;
                let texts: Vec<JsValue> = texts.await?.collect::<Result<_, _>>()?;
                Ok(Fetched {
                    found: keys.into_iter().zip(texts).collect(),
                    asked: Fetch::Run(run),
                })
            }
            .boxed_local()
        }
        Fetch::Pages(pages) => {
            let requests = pages
                .iter()
                .map(|page| Ok((*page, store.get::<JsValue, _, _>(*page).primitive()?)))
                .collect::<Result<Vec<_>, StorageError>>()?;
            async move {
                let mut found = Vec::with_capacity(requests.len());
                for (page, request) in requests {
                    if let Some(value) = request.await?.filter(|v| !v.is_undefined()) {
                        found.push((page, value));
                    }
                }
                Ok(Fetched {
                    found,
                    asked: Fetch::Pages(pages),
                })
            }
            .boxed_local()
        }
    })
}
