//! A PostgreSQL store's connection and where it stands (schema, community,
//! lock key, compaction point, open transaction), and the classification of
//! client errors into store errors.

use postgres::error::SqlState;
use postgres::{Client, Config, NoTls, Statement};

use crate::statutes::Statutes;
use crate::store::StoreError;

pub(super) struct Conn {
    pub(super) client: Client,
    pub(super) insert: Option<Statement>,
    /// Whether the server reads `'…'` literals as written but for doubled
    /// quotes (`standard_conforming_strings`, on by default since
    /// PostgreSQL 9.1): then an operation's records and its `COMMIT` go in
    /// one round trip as quoted literals; otherwise as parameters.
    pub(super) literals: bool,
}

/// A PostgreSQL store's connection and where it stands.
pub(in crate::store) struct Pg {
    pub(super) config: Config,
    pub(super) shown: String,
    /// The quoted schema.
    pub(super) schema: String,
    pub(super) community_name: String,
    pub(super) community_id: i64,
    pub(super) lock_key: i32,
    pub(super) read_only: bool,
    pub(super) lock_timeout_ms: u128,
    pub(super) conn: Option<Conn>,
    /// The compaction point last seen: records up to it were rewritten.
    pub(super) redacted_through: i64,
    /// The state may not match the records (a catch-up failed half-way):
    /// the next call loads it again.
    pub(super) stale: bool,
    /// An operation's transaction is open, the lock held and the state
    /// caught up
    /// ([`Store::prepare_operation`](crate::store::Store::prepare_operation));
    /// the next `execute` runs in it.
    pub(super) begun: bool,
    pub(super) statutes: Statutes,
}

impl Pg {
    pub(in crate::store) fn read_only(&self) -> bool {
        self.read_only
    }

    pub(super) fn table(&self, name: &str) -> String {
        format!("{}.{name}", self.schema)
    }

    pub(super) fn location_text(&self) -> String {
        format!(
            "{} (schema {}, community {:?})",
            self.shown, self.schema, self.community_name
        )
    }

    /// The connection, made again if it was lost.
    pub(super) fn client(&mut self) -> Result<&mut Conn, StoreError> {
        if self.conn.as_ref().is_some_and(|c| c.client.is_closed()) {
            self.conn = None;
        }
        if self.conn.is_none() {
            let mut client = self.config.connect(NoTls).map_err(unavailable)?;
            if self.read_only {
                client
                    .batch_execute("SET default_transaction_read_only = on")
                    .map_err(classify)?;
            }
            let literals = client
                .query_one("SHOW standard_conforming_strings", &[])
                .map_err(classify)?
                .get::<_, String>(0)
                == "on";
            self.conn = Some(Conn {
                client,
                insert: None,
                literals,
            });
        }
        Ok(self.conn.as_mut().expect("connected"))
    }

    /// Ends a failed transaction; a connection that cannot is dropped.
    pub(super) fn abort(&mut self, error: &StoreError) {
        if matches!(error, StoreError::Unavailable { .. }) {
            self.conn = None;
            return;
        }
        self.rollback();
    }

    /// Rolls the open transaction back; a connection that cannot is dropped.
    pub(super) fn rollback(&mut self) {
        if let Some(conn) = self.conn.as_mut()
            && conn.client.batch_execute("ROLLBACK").is_err()
        {
            self.conn = None;
        }
    }
}

fn unavailable(e: postgres::Error) -> StoreError {
    StoreError::Unavailable {
        detail: e.to_string(),
    }
}

/// A client error as a store error: lost connections and server shutdowns
/// are `Unavailable`, a lock timeout is `Busy`, the rest `Database`.
pub(super) fn classify(e: postgres::Error) -> StoreError {
    match e.as_db_error() {
        Some(db) => {
            let code = db.code();
            if *code == SqlState::LOCK_NOT_AVAILABLE {
                StoreError::Busy
            } else if code.code().starts_with("57P") || code.code().starts_with("08") {
                StoreError::Unavailable {
                    detail: db.message().to_string(),
                }
            } else {
                StoreError::Database {
                    code: code.code().to_string(),
                    detail: db.message().to_string(),
                }
            }
        }
        None if e.is_closed() || is_io(&e) => unavailable(e),
        None => StoreError::Database {
            code: String::new(),
            detail: e.to_string(),
        },
    }
}

/// Whether the client failed on the connection itself (reading, writing,
/// connecting), not on a value.
fn is_io(e: &postgres::Error) -> bool {
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        if s.is::<std::io::Error>() {
            return true;
        }
        source = s.source();
    }
    let text = e.to_string();
    text.starts_with("error connecting")
        || text.starts_with("timeout")
        || text.contains("connection closed")
}
