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

use std::str::FromStr;

use chrono::SecondsFormat;
use postgres::error::SqlState;
use postgres::{Client, Config, NoTls, SimpleQueryMessage, Statement};

use super::{Backend, Location, Store, StoreError, StoreOptions, parse_snapshot, snapshot_text};
use crate::community::Community;
use crate::error::Error;
use crate::journal::{JournalRecord, OpenReport, apply_payloads, check_settled};
use crate::statutes::Statutes;

/// The newest schema version this library knows.
pub(super) const SCHEMA_VERSION: i64 = 1;

/// The first key of every advisory lock the store takes ("CIMI").
const LOCK_CLASS: i32 = 0x4349_4D49;

/// Each migration: its version, what it does, and its SQL (`{s}` is the
/// quoted schema).
const MIGRATIONS: &[(i64, &str, &str)] = &[(
    1,
    "communities, journal and snapshots",
    r#"
CREATE TABLE {s}.communities (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name text NOT NULL UNIQUE,
    created_at timestamptz NOT NULL DEFAULT now(),
    redacted_through bigint NOT NULL DEFAULT 0
);
CREATE TABLE {s}.journal (
    community bigint NOT NULL REFERENCES {s}.communities (id),
    seq bigint NOT NULL CHECK (seq > 0),
    actor text NOT NULL,
    at timestamptz NOT NULL,
    action text NOT NULL,
    more boolean NOT NULL,
    record json NOT NULL,
    committed_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (community, seq)
);
CREATE TABLE {s}.snapshots (
    community bigint NOT NULL REFERENCES {s}.communities (id),
    seq bigint NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    document text NOT NULL,
    PRIMARY KEY (community, seq)
);
-- A writer's first step, in its transaction: the community's lock (waiting
-- at most p_lock_timeout), then what was committed after p_after: a first
-- row (seq 0) with the compaction point, then the records. One function, so
-- that its statements are planned once per session, not at every operation
-- inside the lock.
CREATE FUNCTION {s}.cimi_lock_and_read(
    p_community bigint, p_after bigint, p_lock_timeout text, p_class integer, p_key integer
) RETURNS TABLE (seq bigint, record text) LANGUAGE plpgsql AS $fn$
BEGIN
    PERFORM set_config('lock_timeout', p_lock_timeout, true);
    PERFORM pg_advisory_xact_lock(p_class, p_key);
    RETURN QUERY SELECT 0::bigint, c.redacted_through::text
        FROM {s}.communities c WHERE c.id = p_community;
    RETURN QUERY SELECT j.seq, j.record::text
        FROM {s}.journal j WHERE j.community = p_community AND j.seq > p_after;
END
$fn$;
"#,
)];

struct Conn {
    client: Client,
    insert: Option<Statement>,
    /// Whether the server reads `'…'` literals as written but for doubled
    /// quotes (`standard_conforming_strings`, on by default since
    /// PostgreSQL 9.1): then an operation's records and its `COMMIT` go in
    /// one round trip as quoted literals; otherwise as parameters.
    literals: bool,
}

/// A PostgreSQL store's connection and where it stands.
pub(super) struct Pg {
    config: Config,
    shown: String,
    /// The quoted schema.
    schema: String,
    community_name: String,
    community_id: i64,
    lock_key: i32,
    read_only: bool,
    lock_timeout_ms: u128,
    conn: Option<Conn>,
    /// The compaction point last seen: records up to it were rewritten.
    redacted_through: i64,
    /// The state may not match the records (a catch-up failed half-way):
    /// the next call loads it again.
    stale: bool,
    /// An operation's transaction is open, the lock held and the state
    /// caught up ([`Store::prepare_operation`]); the next `execute` runs in it.
    begun: bool,
    statutes: Statutes,
}

impl Pg {
    pub(super) fn read_only(&self) -> bool {
        self.read_only
    }

    fn table(&self, name: &str) -> String {
        format!("{}.{name}", self.schema)
    }

    fn location_text(&self) -> String {
        format!(
            "{} (schema {}, community {:?})",
            self.shown, self.schema, self.community_name
        )
    }

    /// The connection, made again if it was lost.
    fn client(&mut self) -> Result<&mut Conn, StoreError> {
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
    fn abort(&mut self, error: &StoreError) {
        if matches!(error, StoreError::Unavailable { .. }) {
            self.conn = None;
            return;
        }
        self.rollback();
    }

    /// Rolls the open transaction back; a connection that cannot is dropped.
    fn rollback(&mut self) {
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
fn classify(e: postgres::Error) -> StoreError {
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

/// A text as an SQL string literal, for a server with
/// `standard_conforming_strings` on: quotes doubled, nothing else special.
/// The texts written this way have no NUL character (actors have no control
/// characters; JSON escapes them), which PostgreSQL text cannot hold anyway.
fn literal(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('\'');
    for c in text.chars() {
        if c == '\'' {
            out.push('\'');
        }
        out.push(c);
    }
    out.push('\'');
    out
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

fn check_schema(schema: &str) -> Result<String, StoreError> {
    let ok = !schema.is_empty()
        && schema.len() <= 63
        && !schema.starts_with("pg_")
        && !schema.as_bytes()[0].is_ascii_digit()
        && schema
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    if ok {
        Ok(format!("\"{schema}\""))
    } else {
        Err(StoreError::Location {
            detail: format!(
                "the schema {schema:?} is not 1 to 63 characters among a-z, 0-9 and _ (not starting with a digit or pg_)"
            ),
        })
    }
}

fn check_community_name(name: &str) -> Result<(), StoreError> {
    let n = name.chars().count();
    if n == 0 || n > 200 || name.chars().any(char::is_control) {
        return Err(StoreError::Location {
            detail: "the community's name must be 1 to 200 characters without control characters"
                .into(),
        });
    }
    Ok(())
}

/// The rows of one statement of a simple query's results, by its index.
fn rows_of(messages: &[SimpleQueryMessage], statement: usize) -> Vec<&postgres::SimpleQueryRow> {
    let mut index = 0;
    let mut rows = Vec::new();
    for m in messages {
        match m {
            SimpleQueryMessage::CommandComplete(_) => index += 1,
            SimpleQueryMessage::Row(row) if index == statement => rows.push(row),
            _ => {}
        }
    }
    rows
}

fn corrupt(pg: &Pg, seq: u64, detail: String) -> StoreError {
    StoreError::Corrupt {
        file: format!("{}.journal", pg.schema),
        offset: seq,
        detail,
    }
}

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

    /// Loads the newest snapshot and the records after it, in one
    /// consistent read (inside the caller's transaction when `in_tx`).
    fn load_postgres(&mut self, in_tx: bool) -> Result<OpenReport, Error> {
        let result = self.try_load_postgres(in_tx);
        if let (Err(e), false) = (&result, in_tx) {
            // No read transaction stays open, whatever failed.
            match e {
                Error::Store(s) => {
                    let s = s.clone();
                    self.pg().abort(&s);
                }
                _ => self.pg().rollback(),
            }
        }
        result
    }

    fn try_load_postgres(&mut self, in_tx: bool) -> Result<OpenReport, Error> {
        let pg = self.pg();
        let id = pg.community_id;
        let (snapshots, journal, communities) = (
            pg.table("snapshots"),
            pg.table("journal"),
            pg.table("communities"),
        );
        let statutes = pg.statutes.clone();
        let conn = pg.client()?;
        if !in_tx {
            conn.client
                .batch_execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
                .map_err(classify)?;
        }
        let redacted: i64 = conn
            .client
            .query_one(
                &format!("SELECT redacted_through FROM {communities} WHERE id = $1"),
                &[&id],
            )
            .map_err(classify)?
            .get(0);
        let snapshot = conn
            .client
            .query_opt(
                &format!(
                    "SELECT seq, document FROM {snapshots} WHERE community = $1 ORDER BY seq DESC LIMIT 1"
                ),
                &[&id],
            )
            .map_err(classify)?;
        let mut report = OpenReport::default();
        let (mut community, after) = match snapshot {
            Some(row) => {
                let seq: i64 = row.get(0);
                let document: &str = row.get(1);
                let seq = seq as u64;
                report.snapshot_seq = Some(seq);
                (
                    parse_snapshot(document.as_bytes(), &format!("{snapshots} {seq}"), seq)?,
                    seq,
                )
            }
            None => (Community::new(statutes)?, 0),
        };
        let bytes = copy_records(&mut conn.client, &journal, id, after)?;
        if !in_tx {
            conn.client.batch_execute("COMMIT").map_err(classify)?;
        }
        let label = journal.clone();
        let payloads = copied_rows(&bytes).map_err(|detail| StoreError::Corrupt {
            file: label.clone(),
            offset: after,
            detail,
        })?;
        let applied = apply_payloads(&mut community, &payloads, &label, after)?;
        check_settled(&community, &label, applied.last_seq)?;
        report.records_replayed = applied.replayed;
        community.set_recording(true);
        self.community = community;
        self.seq = applied.last_seq;
        let pg = self.pg();
        pg.redacted_through = redacted;
        pg.stale = false;
        Ok(report)
    }

    /// Applies the records committed after `self.seq`, given as
    /// `(seq, text)` rows. They are facts, applied without recording (the
    /// state has no operation of its own pending); a failure half-way (a
    /// damaged row) leaves the store stale, and the next call loads it again.
    fn apply_rows(&mut self, rows: &[(u64, &[u8])]) -> Result<u64, Error> {
        if rows.is_empty() {
            return Ok(0);
        }
        let label = self.pg().table("journal");
        self.community.set_recording(false);
        let applied = apply_payloads(&mut self.community, rows, &label, self.seq);
        self.community.set_recording(true);
        match applied {
            Ok(a) => {
                self.seq = a.last_seq;
                Ok(a.replayed)
            }
            Err(e) => {
                self.pg().stale = true;
                Err(e)
            }
        }
    }

    /// A follower's (or a writer's) refresh: what was committed since.
    pub(super) fn refresh_postgres(&mut self) -> Result<u64, Error> {
        self.unprepare_postgres();
        let before = self.seq;
        if self.pg().stale {
            self.load_postgres(false)?;
            return Ok(self.seq.saturating_sub(before));
        }
        let pg = self.pg();
        let (communities, journal, id) = (
            pg.table("communities"),
            pg.table("journal"),
            pg.community_id,
        );
        let read = pg.client().and_then(|c| {
            c.client
                .batch_execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
                .map_err(classify)?;
            let redacted: i64 = c
                .client
                .query_one(
                    &format!("SELECT redacted_through FROM {communities} WHERE id = $1"),
                    &[&id],
                )
                .map_err(classify)?
                .get(0);
            let bytes = copy_records(&mut c.client, &journal, id, before)?;
            c.client.batch_execute("COMMIT").map_err(classify)?;
            Ok((redacted, bytes))
        });
        let (redacted, bytes) = match read {
            Ok(r) => r,
            Err(e) => {
                pg.abort(&e);
                return Err(e.into());
            }
        };
        if redacted > pg.redacted_through && (before as i64) < redacted {
            // Records we have not read were rewritten by a compaction: start
            // again from its snapshot.
            self.load_postgres(false)?;
            return Ok(self.seq.saturating_sub(before));
        }
        pg.redacted_through = redacted;
        let rows = copied_rows(&bytes).map_err(|detail| corrupt(pg, before, detail))?;
        self.apply_rows(&rows)
    }

    /// [`Store::prepare_operation`] on PostgreSQL.
    pub(super) fn prepare_postgres(&mut self) -> Result<(), Error> {
        if self.pg().read_only || self.pg().begun {
            return Ok(());
        }
        self.begin_locked()?;
        self.pg().begun = true;
        Ok(())
    }

    /// Ends an operation prepared but not run.
    pub(super) fn unprepare_postgres(&mut self) {
        if std::mem::take(&mut self.pg().begun) {
            self.pg().rollback();
        }
    }

    /// Begins a transaction holding the community's lock and catches up on
    /// what others committed. On error the transaction is over.
    fn begin_locked(&mut self) -> Result<(), Error> {
        if self.pg().stale {
            self.load_postgres(false)?;
        }
        let before = self.seq;
        let pg = self.pg();
        let sql = format!(
            "BEGIN; SELECT * FROM {f}({id}, {seq}, '{ms}ms', {class}, {key})",
            f = pg.table("cimi_lock_and_read"),
            ms = pg.lock_timeout_ms,
            class = LOCK_CLASS,
            key = pg.lock_key ^ (pg.community_id as i32),
            id = pg.community_id,
            seq = before,
        );
        let messages = match pg
            .client()
            .and_then(|c| c.client.simple_query(&sql).map_err(classify))
        {
            Ok(m) => m,
            Err(e) => {
                pg.abort(&e);
                return Err(e.into());
            }
        };
        let rows = rows_of(&messages, 1);
        let redacted = rows
            .first()
            .filter(|r| r.get(0) == Some("0"))
            .and_then(|r| r.get(1))
            .and_then(|v| v.parse::<i64>().ok())
            .unwrap_or(0);
        if redacted > pg.redacted_through && (before as i64) < redacted {
            let loaded = self.load_postgres(true);
            if let Err(e) = loaded {
                let pg = self.pg();
                pg.stale = true;
                match &e {
                    Error::Store(s) => pg.abort(s),
                    _ => pg.rollback(),
                }
                return Err(e);
            }
            return Ok(());
        }
        pg.redacted_through = redacted;
        let parsed = parse_rows(pg, rows.get(1..).unwrap_or_default());
        let applied = parsed.and_then(|rows| self.apply_rows(&rows));
        if let Err(e) = applied {
            match &e {
                Error::Store(s) => self.pg().abort(s),
                _ => self.pg().rollback(),
            }
            return Err(e);
        }
        Ok(())
    }

    /// Ends the locked transaction with `sql` (`COMMIT` or `ROLLBACK`).
    fn end_locked(&mut self, sql: &str) -> Result<(), StoreError> {
        let pg = self.pg();
        let done = pg
            .client()
            .and_then(|c| c.client.batch_execute(sql).map_err(classify));
        if let Err(e) = &done {
            pg.abort(e);
        }
        done
    }

    /// [`Store::execute_at`] on PostgreSQL.
    pub(super) fn execute_postgres<T>(
        &mut self,
        actor: &str,
        op: impl FnOnce(&mut Community, u64) -> Result<T, Error>,
    ) -> Result<T, Error> {
        if self.pg().read_only {
            return Err(StoreError::ReadOnly.into());
        }
        let begun = std::mem::take(&mut self.pg().begun);
        if let Err(e) = super::check_actor(actor) {
            if begun {
                self.pg().rollback();
            }
            return Err(e.into());
        }
        if !begun {
            self.begin_locked()?;
        }
        let mark = self.community.mark();
        let result = op(&mut self.community, self.seq);
        if result.is_err() {
            self.community.rollback(mark);
            let _ = self.end_locked("ROLLBACK");
            return result;
        }
        let changes = self.community.take_changes();
        if changes.is_empty() {
            self.community.forget_undo();
            self.end_locked("COMMIT")?;
            return result;
        }
        let first = self.seq + 1;
        let count = changes.len() as u64;
        let mut seqs = Vec::with_capacity(changes.len());
        let mut ats = Vec::with_capacity(changes.len());
        let mut actions = Vec::with_capacity(changes.len());
        let mut mores = Vec::with_capacity(changes.len());
        let mut texts = Vec::with_capacity(changes.len());
        for (i, change) in changes.into_iter().enumerate() {
            let seq = first + i as u64;
            let more = (i as u64) + 1 < count;
            seqs.push(seq as i64);
            ats.push(change.at.to_rfc3339_opts(SecondsFormat::AutoSi, true));
            actions.push(change.action.kind().to_string());
            mores.push(more);
            let record = JournalRecord {
                seq,
                actor: actor.to_string(),
                change,
                more,
            };
            texts.push(serde_json::to_string(&record).expect("records always serialize"));
        }
        let written = self.insert_and_commit(actor, &seqs, &ats, &actions, &mores, &texts);
        match written {
            Ok(()) => {
                self.community.forget_undo();
                self.seq = first + count - 1;
                result
            }
            Err(e) => {
                // Not acknowledged: the state goes back to what it was (if
                // the commit did happen, the next catch-up shows it).
                self.community.rollback(mark);
                Err(e.into())
            }
        }
    }

    fn insert_and_commit(
        &mut self,
        actor: &str,
        seqs: &[i64],
        ats: &[String],
        actions: &[String],
        mores: &[bool],
        texts: &[String],
    ) -> Result<(), StoreError> {
        let pg = self.pg();
        let id = pg.community_id;
        let journal = pg.table("journal");
        let outcome = (|| -> Result<(), StoreError> {
            let conn = pg.client()?;
            if conn.literals {
                // One round trip: the records as literals, and the commit.
                let mut sql = format!(
                    "INSERT INTO {journal} (community, seq, actor, at, action, more, record) VALUES "
                );
                for i in 0..seqs.len() {
                    if i > 0 {
                        sql.push_str(", ");
                    }
                    sql.push_str(&format!(
                        "({id}, {}, {}, {}::timestamptz, {}, {}, {}::json)",
                        seqs[i],
                        literal(actor),
                        literal(&ats[i]),
                        literal(&actions[i]),
                        mores[i],
                        literal(&texts[i])
                    ));
                }
                sql.push_str("; COMMIT");
                conn.client.batch_execute(&sql).map_err(classify)?;
                return Ok(());
            }
            let insert = match &conn.insert {
                Some(s) => s.clone(),
                None => {
                    let s = conn
                        .client
                        .prepare(&format!(
                            "INSERT INTO {journal} (community, seq, actor, at, action, more, record) \
                             SELECT $1, u.seq, $2, u.at::timestamptz, u.action, u.more, u.record::json \
                             FROM unnest($3::bigint[], $4::text[], $5::text[], $6::bool[], $7::text[]) \
                             AS u(seq, at, action, more, record)"
                        ))
                        .map_err(classify)?;
                    conn.insert = Some(s.clone());
                    s
                }
            };
            let actor = actor.to_string();
            conn.client
                .execute(
                    &insert,
                    &[&id, &actor, &seqs, &ats, &actions, &mores, &texts],
                )
                .map_err(classify)?;
            conn.client.batch_execute("COMMIT").map_err(classify)?;
            Ok(())
        })();
        if let Err(e) = &outcome {
            pg.abort(e);
        }
        outcome
    }

    /// Writes a snapshot row at the current sequence number (after catching up).
    pub(super) fn snapshot_postgres(&mut self) -> Result<String, Error> {
        self.unprepare_postgres();
        if self.pg().read_only {
            return Err(StoreError::ReadOnly.into());
        }
        self.begin_locked()?;
        let written = self.write_snapshot_row();
        match written {
            Ok(()) => {
                self.end_locked("COMMIT")?;
                let seq = self.seq;
                let pg = self.pg();
                Ok(format!(
                    "{} (community {:?}, seq {seq})",
                    pg.table("snapshots"),
                    pg.community_name,
                ))
            }
            Err(e) => {
                self.pg().abort(&e);
                Err(e.into())
            }
        }
    }

    fn write_snapshot_row(&mut self) -> Result<(), StoreError> {
        let text = snapshot_text(self.seq, &self.community);
        let seq = self.seq as i64;
        let pg = self.pg();
        let sql = format!(
            "INSERT INTO {} (community, seq, document) VALUES ($1, $2, $3) ON CONFLICT (community, seq) DO NOTHING",
            pg.table("snapshots")
        );
        let id = pg.community_id;
        pg.client()?
            .client
            .execute(&sql, &[&id, &seq, &text])
            .map_err(classify)?;
        Ok(())
    }

    /// Compaction on PostgreSQL: a snapshot, the records rewritten without
    /// erased people's personal data, older snapshots deleted, then a
    /// `VACUUM` of the two tables so that the old row versions go.
    pub(super) fn compact_postgres(&mut self) -> Result<(), Error> {
        self.unprepare_postgres();
        if self.pg().read_only {
            return Err(StoreError::ReadOnly.into());
        }
        self.begin_locked()?;
        let outcome = self.try_compact_postgres();
        if let Err(e) = &outcome {
            match e {
                Error::Store(s) => self.pg().abort(s),
                _ => self.pg().rollback(),
            }
            return outcome;
        }
        self.end_locked("COMMIT")?;
        let pg = self.pg();
        let sql = format!("VACUUM {}, {}", pg.table("journal"), pg.table("snapshots"));
        // Best effort: VACUUM needs the tables' owner; the rows are rewritten anyway.
        if let Ok(conn) = pg.client() {
            let _ = conn.client.batch_execute(&sql);
        }
        Ok(())
    }

    fn try_compact_postgres(&mut self) -> Result<(), Error> {
        self.write_snapshot_row()?;
        let texts = self.select_records()?;
        let mut records = Vec::with_capacity(texts.len());
        for (seq, text) in &texts {
            let (_, r) = crate::journal::parse_record(text.as_bytes(), "journal", *seq)?;
            records.push(r);
        }
        self.redact(&mut records);
        let seq = self.seq as i64;
        let pg = self.pg();
        let id = pg.community_id;
        let update = format!(
            "UPDATE {} SET record = $3::text::json, actor = $4 WHERE community = $1 AND seq = $2",
            pg.table("journal")
        );
        let delete = format!(
            "DELETE FROM {} WHERE community = $1 AND seq < $2",
            pg.table("snapshots")
        );
        let mark = format!(
            "UPDATE {} SET redacted_through = $2 WHERE id = $1",
            pg.table("communities")
        );
        let conn = pg.client()?;
        let update = conn.client.prepare(&update).map_err(classify)?;
        for ((_, old), record) in texts.iter().zip(&records) {
            let new = serde_json::to_string(record).expect("records always serialize");
            if &new != old {
                conn.client
                    .execute(&update, &[&id, &(record.seq as i64), &new, &record.actor])
                    .map_err(classify)?;
            }
        }
        conn.client
            .execute(&delete, &[&id, &seq])
            .map_err(classify)?;
        conn.client.execute(&mark, &[&id, &seq]).map_err(classify)?;
        pg.redacted_through = seq;
        Ok(())
    }

    fn select_records(&mut self) -> Result<Vec<(u64, String)>, StoreError> {
        let pg = self.pg();
        let id = pg.community_id;
        let sql = format!(
            "SELECT seq, record::text FROM {} WHERE community = $1",
            pg.table("journal")
        );
        let rows = pg.client()?.client.query(&sql, &[&id]).map_err(classify)?;
        let mut out: Vec<(u64, String)> = rows
            .iter()
            .map(|r| (r.get::<_, i64>(0) as u64, r.get::<_, String>(1)))
            .collect();
        sort_by_seq(&mut out);
        Ok(out)
    }

    /// Every record of the community, oldest first.
    pub(super) fn records_postgres(&mut self) -> Result<Vec<JournalRecord>, Error> {
        self.unprepare_postgres();
        let texts = match self.select_records() {
            Ok(t) => t,
            Err(e) => {
                self.pg().abort(&e);
                return Err(e.into());
            }
        };
        let mut out = Vec::with_capacity(texts.len());
        for (seq, text) in &texts {
            out.push(crate::journal::parse_record(text.as_bytes(), "journal", *seq)?.1);
        }
        Ok(out)
    }
}

fn parse_rows<'a>(
    pg: &Pg,
    rows: &[&'a postgres::SimpleQueryRow],
) -> Result<Vec<(u64, &'a [u8])>, Error> {
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let seq = row.get(0).and_then(|s| s.parse::<u64>().ok());
        match (seq, row.get(1)) {
            (Some(seq), Some(text)) => out.push((seq, text.as_bytes())),
            _ => return Err(corrupt(pg, 0, "a journal row without its record".into()).into()),
        }
    }
    sort_by_seq(&mut out);
    Ok(out)
}

/// The records after `after`, as the binary output of `COPY`: one stream
/// instead of a message per row.
fn copy_records(
    client: &mut Client,
    journal: &str,
    id: i64,
    after: u64,
) -> Result<Vec<u8>, StoreError> {
    use std::io::Read;
    let mut reader = client
        .copy_out(&format!(
            "COPY (SELECT seq, record FROM {journal} WHERE community = {id} AND seq > {after}) TO STDOUT (FORMAT binary)"
        ))
        .map_err(classify)?;
    let mut bytes = Vec::new();
    reader
        .read_to_end(&mut bytes)
        .map_err(|e| StoreError::Unavailable {
            detail: e.to_string(),
        })?;
    Ok(bytes)
}

/// The `(seq, record)` rows of a binary `COPY`, in sequence order.
fn copied_rows(bytes: &[u8]) -> Result<Vec<(u64, &[u8])>, String> {
    const SIGNATURE: &[u8] = b"PGCOPY\n\xff\r\n\0";
    let bad = || "unreadable COPY output".to_string();
    let take = |at: &mut usize, n: usize| -> Result<&[u8], String> {
        let part = bytes.get(*at..*at + n).ok_or_else(bad)?;
        *at += n;
        Ok(part)
    };
    let int = |b: &[u8]| i32::from_be_bytes(b.try_into().expect("4 bytes"));
    let mut at = 0;
    if take(&mut at, SIGNATURE.len())? != SIGNATURE {
        return Err(bad());
    }
    take(&mut at, 4)?; // flags
    let extension = int(take(&mut at, 4)?);
    take(&mut at, usize::try_from(extension).map_err(|_| bad())?)?;
    let mut rows = Vec::new();
    loop {
        let fields = i16::from_be_bytes(take(&mut at, 2)?.try_into().expect("2 bytes"));
        if fields == -1 {
            break;
        }
        if fields != 2 || int(take(&mut at, 4)?) != 8 {
            return Err(bad());
        }
        let seq = i64::from_be_bytes(take(&mut at, 8)?.try_into().expect("8 bytes"));
        let len = usize::try_from(int(take(&mut at, 4)?)).map_err(|_| bad())?;
        rows.push((u64::try_from(seq).map_err(|_| bad())?, take(&mut at, len)?));
    }
    sort_by_seq(&mut rows);
    Ok(rows)
}

/// Rows in sequence order. The queries leave the order to the client: the
/// rows come nearly in order already, and a server-side `ORDER BY` spills
/// a large catch-up to disk under the default `work_mem`.
fn sort_by_seq<T>(rows: &mut [(u64, T)]) {
    if !rows.is_sorted_by_key(|(seq, _)| *seq) {
        rows.sort_unstable_by_key(|(seq, _)| *seq);
    }
}

/// A writer's opening: the schema created or upgraded, the community found
/// or created, under an advisory lock on the schema.
fn migrate_and_register(pg: &mut Pg) -> Result<Option<i64>, StoreError> {
    let schema = pg.schema.clone();
    let key = pg.lock_key;
    let name = pg.community_name.clone();
    let conn = pg.client()?;
    let c = &mut conn.client;
    c.batch_execute(&format!(
        "BEGIN; SELECT pg_advisory_xact_lock({LOCK_CLASS}, {key}); \
         CREATE SCHEMA IF NOT EXISTS {schema}; \
         CREATE TABLE IF NOT EXISTS {schema}.cimi_migrations (\
             version bigint PRIMARY KEY, description text NOT NULL, \
             applied_at timestamptz NOT NULL DEFAULT now())"
    ))
    .map_err(classify)?;
    let version = schema_version(c, &schema)?;
    for (v, description, sql) in MIGRATIONS.iter().filter(|(v, _, _)| *v > version) {
        c.batch_execute(&sql.replace("{s}", &schema))
            .map_err(classify)?;
        c.execute(
            &format!("INSERT INTO {schema}.cimi_migrations (version, description) VALUES ($1, $2)"),
            &[v, description],
        )
        .map_err(classify)?;
    }
    c.execute(
        &format!(
            "INSERT INTO {schema}.communities (name) VALUES ($1) ON CONFLICT (name) DO NOTHING"
        ),
        &[&name],
    )
    .map_err(classify)?;
    let id: i64 = c
        .query_one(
            &format!("SELECT id FROM {schema}.communities WHERE name = $1"),
            &[&name],
        )
        .map_err(classify)?
        .get(0);
    c.batch_execute("COMMIT").map_err(classify)?;
    Ok(Some(id))
}

/// The schema's version (0 for a new one); a version newer than this
/// library knows is `SchemaTooNew`.
fn schema_version(c: &mut Client, schema: &str) -> Result<i64, StoreError> {
    let version: i64 = c
        .query_one(
            &format!("SELECT coalesce(max(version), 0) FROM {schema}.cimi_migrations"),
            &[],
        )
        .map_err(classify)?
        .get(0);
    if version > SCHEMA_VERSION {
        return Err(StoreError::SchemaTooNew {
            found: version,
            supported: SCHEMA_VERSION,
        });
    }
    Ok(version)
}

/// A follower's opening: the community, if the schema and it exist.
fn find_community(pg: &mut Pg) -> Result<Option<i64>, StoreError> {
    let schema = pg.schema.clone();
    let bare = schema.trim_matches('"').to_string();
    let name = pg.community_name.clone();
    let c = &mut pg.client()?.client;
    let exists: Option<String> = c
        .query_one(
            "SELECT to_regclass($1)::text",
            &[&format!("{bare}.communities")],
        )
        .map_err(classify)?
        .get(0);
    if exists.is_none() {
        return Ok(None);
    }
    schema_version(c, &schema)?;
    Ok(c.query_opt(
        &format!("SELECT id FROM {schema}.communities WHERE name = $1"),
        &[&name],
    )
    .map_err(classify)?
    .map(|r| r.get(0)))
}
