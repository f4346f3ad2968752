//! Where a store lives ([`Location`]: a directory or a PostgreSQL URL, shown
//! without its password) and how to open it ([`StoreOptions`]).

use std::path::{Path, PathBuf};
use std::time::Duration;

use super::journal::SyncPolicy;

/// Where a store lives: a directory or a PostgreSQL database.
///
/// A text starting with `postgresql://` or `postgres://` is a database URL
/// (the libpq URL syntax: `postgresql://user:password@host:port/database`);
/// anything else is a directory path.
///
/// ```
/// use cimi_core::store::Location;
/// assert!(matches!(Location::from("/var/lib/cimi"), Location::Directory(_)));
/// let db = Location::from("postgresql://cimi:secret@db.interieur.gouv.fr/cimi");
/// assert!(matches!(db, Location::Postgres(_)));
/// // Shown without its password.
/// assert_eq!(db.to_string(), "postgresql://cimi:***@db.interieur.gouv.fr/cimi");
/// ```
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Location {
    /// A directory: the embedded file store.
    Directory(PathBuf),
    /// A PostgreSQL connection URL.
    Postgres(String),
}

impl Location {
    fn of_text(text: &str) -> Location {
        let lower = text.trim_start().to_ascii_lowercase();
        if lower.starts_with("postgresql://") || lower.starts_with("postgres://") {
            Location::Postgres(text.trim().to_string())
        } else {
            Location::Directory(PathBuf::from(text))
        }
    }
}

impl std::fmt::Display for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Location::Directory(dir) => write!(f, "{}", dir.display()),
            Location::Postgres(url) => f.write_str(&redact_password(url)),
        }
    }
}

impl std::fmt::Debug for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Location::Directory(dir) => f.debug_tuple("Directory").field(dir).finish(),
            Location::Postgres(_) => f.debug_tuple("Postgres").field(&self.to_string()).finish(),
        }
    }
}

/// A URL with the password (between `user:` and `@`) replaced by `***`.
fn redact_password(url: &str) -> String {
    let Some(scheme_end) = url.find("://").map(|i| i + 3) else {
        return url.to_string();
    };
    let rest = &url[scheme_end..];
    let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let authority = &rest[..authority_end];
    let mut out = url[..scheme_end].to_string();
    match authority.rfind('@') {
        Some(at) => {
            let userinfo = &authority[..at];
            match userinfo.find(':') {
                Some(colon) => {
                    out.push_str(&userinfo[..colon]);
                    out.push_str(":***");
                }
                None => out.push_str(userinfo),
            }
            out.push_str(&authority[at..]);
        }
        None => out.push_str(authority),
    }
    // A password may also be a query parameter.
    let tail = &rest[authority_end..];
    match tail.find("password=") {
        Some(i) => {
            let after = &tail[i + 9..];
            let end = after.find('&').unwrap_or(after.len());
            out.push_str(&tail[..i + 9]);
            out.push_str("***");
            out.push_str(&after[end..]);
        }
        None => out.push_str(tail),
    }
    out
}

impl From<&str> for Location {
    fn from(text: &str) -> Self {
        Location::of_text(text)
    }
}

impl From<String> for Location {
    fn from(text: String) -> Self {
        Location::of_text(&text)
    }
}

impl From<&String> for Location {
    fn from(text: &String) -> Self {
        Location::of_text(text)
    }
}

impl From<&Path> for Location {
    fn from(path: &Path) -> Self {
        match path.to_str() {
            Some(text) => Location::of_text(text),
            None => Location::Directory(path.to_path_buf()),
        }
    }
}

impl From<PathBuf> for Location {
    fn from(path: PathBuf) -> Self {
        Location::from(path.as_path())
    }
}

impl From<&PathBuf> for Location {
    fn from(path: &PathBuf) -> Self {
        Location::from(path.as_path())
    }
}

impl From<&Location> for Location {
    fn from(location: &Location) -> Self {
        location.clone()
    }
}

/// How to open a store: for writing or read-only, when to sync, and for a
/// PostgreSQL store the schema, the community's name and the lock timeout.
///
/// ```
/// use cimi_core::store::StoreOptions;
/// let o = StoreOptions::new().read_only(true).schema("cimi_prod").community("cimi");
/// assert!(o.is_read_only());
/// assert_eq!(o.schema_name(), "cimi_prod");
/// assert_eq!(StoreOptions::new().community_name(), "default");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreOptions {
    pub(super) read_only: bool,
    pub(super) sync: SyncPolicy,
    pub(super) schema: String,
    pub(super) community: String,
    pub(super) lock_timeout: Duration,
    pub(super) connect_timeout: Duration,
}

impl Default for StoreOptions {
    fn default() -> Self {
        StoreOptions {
            read_only: false,
            sync: SyncPolicy::EveryOperation,
            schema: "cimi".into(),
            community: "default".into(),
            lock_timeout: Duration::from_secs(10),
            connect_timeout: Duration::from_secs(10),
        }
    }
}

impl StoreOptions {
    /// The defaults: for writing, synced after every operation, schema
    /// `cimi`, community `default`, lock and connect timeouts of 10 s.
    pub fn new() -> Self {
        StoreOptions::default()
    }

    /// Opens read-only: the store follows its writers and never writes.
    pub fn read_only(mut self, on: bool) -> Self {
        self.read_only = on;
        self
    }

    /// When appended records are made durable (file store; a PostgreSQL
    /// store's durability is the server's `synchronous_commit`).
    pub fn sync(mut self, policy: SyncPolicy) -> Self {
        self.sync = policy;
        self
    }

    /// The PostgreSQL schema holding the store's tables (created if missing):
    /// 1 to 63 characters among `a-z`, `0-9` and `_`, not starting with a
    /// digit and not `pg_…`.
    pub fn schema(mut self, schema: impl Into<String>) -> Self {
        self.schema = schema.into();
        self
    }

    /// The community's name inside a PostgreSQL schema (several communities
    /// may share one database): 1 to 200 characters, no control character.
    pub fn community(mut self, name: impl Into<String>) -> Self {
        self.community = name.into();
        self
    }

    /// How long a PostgreSQL writer waits for the community's lock before
    /// failing with [`StoreError::Busy`](crate::error::StoreError::Busy).
    pub fn lock_timeout(mut self, timeout: Duration) -> Self {
        self.lock_timeout = timeout;
        self
    }

    /// How long connecting to PostgreSQL may take.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Whether the store is opened read-only.
    pub fn is_read_only(&self) -> bool {
        self.read_only
    }

    /// The sync policy.
    pub fn sync_policy(&self) -> SyncPolicy {
        self.sync
    }

    /// The PostgreSQL schema.
    pub fn schema_name(&self) -> &str {
        &self.schema
    }

    /// The community's name inside the schema.
    pub fn community_name(&self) -> &str {
        &self.community
    }

    /// The PostgreSQL lock timeout.
    pub fn lock_timeout_value(&self) -> Duration {
        self.lock_timeout
    }

    /// The PostgreSQL connect timeout.
    pub fn connect_timeout_value(&self) -> Duration {
        self.connect_timeout
    }
}
