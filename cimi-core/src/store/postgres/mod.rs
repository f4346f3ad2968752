//! The PostgreSQL store: any number of processes, on any number of
//! machines, write one community at the same time.
//!
//! **Tables** (in a schema the caller chooses, `cimi` by default, created
//! and versioned by the store itself in `cimi_migrations`):
//! `communities` (one row per community name), `journal` (one row per
//! record, keyed by `(community, seq)`: the same JSON record the file
//! journal holds in `record`, with `actor`, `at`, `action` and `more` beside
//! it for SQL readers) and `snapshots` (the state at a sequence number).
//!
//! **Concurrency.** An operation runs in one transaction: it takes the
//! community's transaction-scoped advisory lock (`pg_advisory_xact_lock`, as
//! pretix and Hi.Events do), reads the records other processes committed
//! since its last read and applies them, runs the operation on that latest
//! state, inserts its records and commits; the lock is released by the
//! commit, after the records are visible. Writers of one community are
//! thus serialised, sequence numbers have no gaps, and a reader polling
//! `seq > n` never skips a record. The primary key `(community, seq)` stays
//! as a second guard. `docs/postgres.md` argues the choice.
//!
//! **Failures.** An operation is acknowledged once its transaction has
//! committed. A process killed mid-operation leaves an open transaction that
//! the server rolls back. A lost connection fails the operation with
//! [`StoreError::Unavailable`], rolls the state back, and the next call
//! reconnects and catches up (which also shows an operation whose commit
//! was sent but not confirmed).

// Split by concern: `conn` holds the connection and where it stands, and the
// classification of client errors; `schema` the schema's SQL, its migrations
// and the community's row; `read` loading, a follower's refresh and a
// writer's catch-up under the lock; `write` an operation's transaction and
// commit; `compact` snapshots, compaction (erased people's data rewritten)
// and reading every record. Opening is here.

mod compact;
mod conn;
mod read;
mod schema;
mod stream;
mod write;

use std::str::FromStr;

use postgres::Config;

pub(super) use conn::Pg;
use schema::{check_community_name, check_schema, find_community, migrate_and_register};

use super::{Backend, Location, Store, StoreError, StoreOptions};
use crate::community::Community;
use crate::error::Error;
use crate::statutes::Statutes;
use crate::store::journal::OpenReport;

impl Store {
    fn pg(&mut self) -> &mut Pg {
        match &mut self.backend {
            Backend::Postgres(pg) => pg,
            _ => unreachable!("a PostgreSQL store"),
        }
    }

    /// Opens a PostgreSQL store: creates or upgrades the schema (writers),
    /// finds or creates the community (writers), loads its newest snapshot
    /// and the records after it.
    pub(super) fn open_postgres(
        url: &str,
        statutes: Statutes,
        options: &StoreOptions,
    ) -> Result<(Store, OpenReport), Error> {
        let shown = Location::Postgres(url.to_string()).to_string();
        let mut config = Config::from_str(url).map_err(|e| StoreError::Location {
            detail: format!("{shown}: {e}"),
        })?;
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(options.connect_timeout_value());
        }
        if config.get_application_name().is_none() {
            config.application_name("cimi");
        }
        config.keepalives(true);
        let schema = check_schema(options.schema_name())?;
        check_community_name(options.community_name())?;
        let read_only = options.is_read_only();
        let mut pg = Pg {
            config,
            shown,
            lock_key: crc32c::crc32c(options.schema_name().as_bytes()) as i32,
            schema,
            community_name: options.community_name().to_string(),
            community_id: 0,
            read_only,
            lock_timeout_ms: options.lock_timeout_value().as_millis().max(1),
            conn: None,
            redacted_through: 0,
            stale: false,
            begun: false,
            statutes: statutes.clone(),
        };
        let found = if read_only {
            find_community(&mut pg)
        } else {
            migrate_and_register(&mut pg)
        };
        let id = match found {
            Ok(Some(id)) => id,
            Ok(None) => {
                return Err(StoreError::NotFound {
                    location: pg.location_text(),
                }
                .into());
            }
            Err(e) => {
                pg.abort(&e);
                return Err(e.into());
            }
        };
        pg.community_id = id;
        let location = Location::Postgres(url.to_string());
        let mut store = Store::with_backend(
            Community::new(statutes.clone())?,
            Backend::Postgres(Box::new(pg)),
            Some(location),
        );
        let report = store.load_postgres(false)?;
        if store.seq == 0 {
            if read_only {
                return Err(StoreError::NotFound {
                    location: store.pg().location_text(),
                }
                .into());
            }
            // A new community records its statutes first; the first of
            // several processes opening it at once does, the others see it.
            let at = chrono::Utc::now();
            store.execute_at("cimi", |c, seq| match seq {
                0 => c.replace_statutes(statutes, at),
                _ => Ok(()),
            })?;
        }
        Ok((store, report))
    }
}
