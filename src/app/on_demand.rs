//! Code the app fetches only when a person first uses it: the team-sync loop (only with sync turned on), the email reader (only when an `.eml` is dropped) and the sample desk's generator (only when sample data is loaded).
//!
//! In a split build (the `split` feature, `scripts/split.mjs`) each loader below is a wasm part
//! of its own, kept out of what the queue downloads before it is usable; the service worker
//! caches the parts after the first visit, so both work offline afterwards. A loader hands back
//! a plain function pointer into its part: the calls after it are ordinary calls, and what it
//! returns is never stored. Without the feature (the wasm tests, native builds) the loaders
//! return at once, so both builds run the same code.

/// A part of the app's code that is not on this device yet and could not be fetched: offline
/// before the first visit that cached it, or a server that no longer has this build's parts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("this part of the app is not on this device yet and could not be fetched")]
pub struct CodeNotFetched;

#[cfg(feature = "split")]
impl From<leptos::wasm_split::SplitLoaderError> for CodeNotFetched {
    fn from(_: leptos::wasm_split::SplitLoaderError) -> Self {
        CodeNotFetched
    }
}

/// Declares `$loader`, an async function returning `$value` (a function pointer of type `$ty`),
/// split into the wasm part `$part` when the `split` feature is on.
macro_rules! on_demand_code {
    ($(#[$doc:meta])* $loader:ident, $part:ident, $ty:ty, $value:expr) => {
        $(#[$doc])*
        #[cfg(feature = "split")]
        #[leptos::wasm_split::wasm_split($part, wasm_split_path = ::leptos::wasm_split, fallible)]
        pub fn $loader() -> Result<$ty, $crate::app::on_demand::CodeNotFetched> {
            Ok($value)
        }

        $(#[$doc])*
        #[cfg(not(feature = "split"))]
        pub async fn $loader() -> Result<$ty, $crate::app::on_demand::CodeNotFetched> {
            Ok($value)
        }
    };
}
// Team sync declares its own loader with it (`app::sync::sync_loop`), so this module need not
// name sync's types.
pub(crate) use on_demand_code;

/// Reads a dropped `.eml` (MIME, charsets, attachments) into what the case logs.
pub type EmailReader =
    fn(
        &str,
        &[u8],
    )
        -> Result<crate::domain::email_file::ReadEmail, crate::domain::email_file::EmailFileError>;

on_demand_code!(
    /// The email reader (`mailparse` and its charset tables).
    email_reader,
    email,
    EmailReader,
    crate::domain::email_file::read_email
);

/// Makes the sample desk: `(seed, size, first free numbers, now)`.
pub type SampleMaker = fn(
    u64,
    usize,
    crate::domain::sample_desk::FirstNumbers,
    chrono::DateTime<chrono::Utc>,
) -> crate::domain::sample_desk::SampleDesk;

on_demand_code!(
    /// The sample desk's generator (its cases, histories, problems and worksheets, and their
    /// texts): used by "Load sample data" and "Try it at scale", never by a specialist's own work.
    sample_maker,
    sample,
    SampleMaker,
    crate::domain::sample_desk::desk
);
