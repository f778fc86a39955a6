// baseline.js: the physical floor for each bulk path: the app's own stored records, read with
// getAll, turned into JSON text and back, and written to a fresh database in one transaction.
// Served beside the app only by the benchmark, so it shares the app's origin and its database.

const request = (req) => new Promise((ok, fail) => {
  req.onsuccess = () => ok(req.result);
  req.onerror = () => fail(req.error);
});
const finished = (tx) => new Promise((ok, fail) => {
  tx.oncomplete = () => ok();
  tx.onerror = () => fail(tx.error);
  tx.onabort = () => fail(tx.error);
});
const openDb = (name, version, upgrade) => new Promise((ok, fail) => {
  const req = version ? indexedDB.open(name, version) : indexedDB.open(name);
  if (upgrade) req.onupgradeneeded = () => upgrade(req.result);
  req.onsuccess = () => ok(req.result);
  req.onerror = () => fail(req.error);
  req.onblocked = () => fail(new Error(`${name} is held open by another page`));
});
const deleteDb = (name) => new Promise((ok) => {
  const req = indexedDB.deleteDatabase(name);
  req.onsuccess = req.onerror = req.onblocked = () => ok();
});

/**
 * The records of a stored page (storage/page.rs: "page1\n", then key and value fields, each
 * "<UTF-8 length>:<bytes>"), each value parsed from its JSON (a log: a JSON event per line).
 */
function pageRecords(bytes, decoder) {
  let at = 6;
  const field = () => {
    let length = 0;
    while (bytes[at] !== 58) { length = length * 10 + (bytes[at] - 48); at += 1; }
    at += 1;
    const text = decoder.decode(bytes.subarray(at, at + length));
    at += length;
    return text;
  };
  const records = [];
  while (at < bytes.length) {
    const key = field();
    const value = field();
    // A case's log is one event per line; every other record is one JSON value.
    records.push([key, value.includes('\n') ? value.split('\n').filter((l) => l).map((l) => JSON.parse(l)) : JSON.parse(value)]);
  }
  return records;
}

/**
 * Times the raw work behind hydrate, export and import on the records in `appDb`.
 * `casesStore` is read alone (hydrate's floor), `exportedStores` read and stringified (export's
 * floor), and `writtenStores` parsed and copied to a fresh database (import's floor).
 */
window.rawBench = async ({ appDb, casesStore, exportedStores, writtenStores }) => {
  const source = await openDb(appDb);
  const present = (names) => names.filter((name) => source.objectStoreNames.contains(name));
  const stores = present(writtenStores);

  let started = performance.now();
  const cases = await request(source.transaction(casesStore).objectStore(casesStore).getAll());
  const readCases = performance.now() - started;

  // What an export reads: the records themselves, not the search text and clock indexes
  // derived from them.
  const exported = present(exportedStores);
  started = performance.now();
  const exportTx = source.transaction(exported, 'readonly');
  const exportedValues = await Promise.all(exported.map((name) => request(exportTx.objectStore(name).getAll())));
  const readExported = performance.now() - started;
  started = performance.now();
  // Paged stores hold UTF-8 bytes; the floor turns them into text, as an export must.
  const decoder = new TextDecoder();
  const asText = (values) => values.map((v) => (v instanceof Uint8Array ? decoder.decode(v) : v));
  const text = JSON.stringify(Object.fromEntries(exported.map((name, i) => [name, asText(exportedValues[i])])));
  const stringify = performance.now() - started;

  // The same work as the app's export, record for record: each page's text parsed into its
  // records (the app decodes every record before writing it out), then every record written
  // once as JSON, unescaped, as a bundle holds it. The floor above stringifies the pages' text
  // as strings (escaped), which is more bytes than the bundle and skips the parse.
  started = performance.now();
  const records = exported.map((name, i) => [name, exportedValues[i].flatMap((v) => (v instanceof Uint8Array ? pageRecords(v, decoder) : [v]))]);
  const sameWorkText = JSON.stringify(Object.fromEntries(records));
  const sameWorkBlob = new Blob([sameWorkText], { type: 'application/json' });
  const sameWork = performance.now() - started;

  started = performance.now();
  const tx = source.transaction(stores, 'readonly');
  const read = await Promise.all(stores.map(async (name) => {
    const store = tx.objectStore(name);
    const [keys, values] = await Promise.all([request(store.getAllKeys()), request(store.getAll())]);
    return { name, keys, values };
  }));
  const readAll = performance.now() - started;
  source.close();

  started = performance.now();
  JSON.parse(text);
  const parse = performance.now() - started;

  await deleteDb('bench-raw-copy');
  const copy = await openDb('bench-raw-copy', 1, (db) => {
    for (const name of stores) db.createObjectStore(name);
  });
  started = performance.now();
  const write = copy.transaction(stores, 'readwrite');
  for (const { name, keys, values } of read) {
    const store = write.objectStore(name);
    for (let i = 0; i < values.length; i++) store.put(values[i], keys[i]);
  }
  await finished(write);
  const writeAll = performance.now() - started;
  copy.close();
  await deleteDb('bench-raw-copy');

  return {
    cases: cases.length,
    records: read.reduce((n, { values }) => n + values.length, 0),
    json_bytes: text.length,
    same_work_json_bytes: sameWorkBlob.size,
    same_work_ms: sameWork,
    read_cases_ms: readCases,
    read_exported_ms: readExported,
    read_all_ms: readAll,
    stringify_ms: stringify,
    parse_ms: parse,
    write_all_ms: writeAll,
  };
};
// The floor for "click → paint": a handler that changes one text node, measured exactly as the
// app measures itself (ui/browser.rs measure_to_paint: from the event's timeStamp to a timeout
// queued from the next animation frame). What the app adds above this is its own work.
let painted = 0;
document.getElementById('paint-floor').addEventListener('click', (event) => {
  painted += 1;
  document.getElementById('painted').textContent = String(painted);
  requestAnimationFrame(() => setTimeout(() => {
    performance.measure('paint-floor', { start: event.timeStamp, end: performance.now() });
  }, 0));
});

window.rawBenchReady = true;
