//! Reading: loading the newest snapshot and the records after it, a
//! follower's refresh, and a writer's catch-up under the community's lock,
//! with the binary `COPY` stream of records decoded in sequence order.

use postgres::{Client, SimpleQueryMessage};

use super::conn::classify;
use super::schema::LOCK_CLASS;
use super::{Backend, Pg, stream};
use crate::community::Community;
use crate::error::Error;
use crate::store::journal::{OpenReport, apply_payloads, check_settled};
use crate::store::{Store, StoreError, parse_snapshot};

impl Store {
    /// Loads the newest snapshot and the records after it, in one
    /// consistent read (inside the caller's transaction when `in_tx`).
    pub(super) fn load_postgres(&mut self, in_tx: bool) -> Result<OpenReport, Error> {
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

    /// A follower's (or a writer's) refresh: what was committed since,
    /// applied while it streams in (see `stream.rs`).
    pub(in crate::store) fn refresh_postgres(&mut self) -> Result<u64, Error> {
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
        let began = pg.client().and_then(|c| {
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
            Ok(redacted)
        });
        let redacted = match began {
            Ok(r) => r,
            Err(e) => {
                pg.abort(&e);
                return Err(e.into());
            }
        };
        if redacted > pg.redacted_through && (before as i64) < redacted {
            // Records we have not read were rewritten by a compaction: start
            // again from its snapshot.
            pg.rollback();
            self.load_postgres(false)?;
            return Ok(self.seq.saturating_sub(before));
        }
        pg.redacted_through = redacted;
        let label = format!("{}.journal", pg.schema);
        let Backend::Postgres(pg) = &mut self.backend else {
            unreachable!("a PostgreSQL store")
        };
        let community = &mut self.community;
        community.set_recording(false);
        let applied = pg.client().map_err(Error::from).and_then(|c| {
            let applied = stream::catch_up(&mut c.client, &journal, id, before, community, &label)?;
            c.client.batch_execute("COMMIT").map_err(classify)?;
            Ok(applied)
        });
        community.set_recording(true);
        match applied {
            Ok(a) => {
                if a.replayed > 0 {
                    self.seq = a.last_seq;
                }
                Ok(a.replayed)
            }
            Err(e) => {
                // Part of the records may be applied: load again next time.
                let pg = self.pg();
                pg.stale = true;
                match &e {
                    Error::Store(s) => pg.abort(s),
                    _ => pg.rollback(),
                }
                Err(e)
            }
        }
    }

    /// Begins a transaction holding the community's lock and catches up on
    /// what others committed. On error the transaction is over.
    pub(super) fn begin_locked(&mut self) -> Result<(), Error> {
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
pub(super) fn sort_by_seq<T>(rows: &mut [(u64, T)]) {
    if !rows.is_sorted_by_key(|(seq, _)| *seq) {
        rows.sort_unstable_by_key(|(seq, _)| *seq);
    }
}
