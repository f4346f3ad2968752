//! Writing: an operation prepared ahead (lock taken, state caught up) or run
//! at once, its records inserted and committed in one round trip, and the
//! locked transaction ended.

use chrono::SecondsFormat;

use super::conn::classify;
use crate::community::{Community, Ledger};
use crate::error::Error;
use crate::store::journal::JournalRecord;
use crate::store::{Store, StoreError, check_actor};

impl Store {
    /// [`Store::prepare_operation`] on PostgreSQL.
    pub(in crate::store) fn prepare_postgres(&mut self) -> Result<(), Error> {
        if self.pg().read_only || self.pg().begun {
            return Ok(());
        }
        self.begin_locked()?;
        self.pg().begun = true;
        Ok(())
    }

    /// Ends an operation prepared but not run.
    pub(in crate::store) fn unprepare_postgres(&mut self) {
        if std::mem::take(&mut self.pg().begun) {
            self.pg().rollback();
        }
    }

    /// Ends the locked transaction with `sql` (`COMMIT` or `ROLLBACK`).
    pub(super) fn end_locked(&mut self, sql: &str) -> Result<(), StoreError> {
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
    pub(in crate::store) fn execute_postgres<T>(
        &mut self,
        actor: &str,
        op: impl FnOnce(&mut Community, u64) -> Result<T, Error>,
    ) -> Result<T, Error> {
        if self.pg().read_only {
            return Err(StoreError::ReadOnly.into());
        }
        let begun = std::mem::take(&mut self.pg().begun);
        if let Err(e) = check_actor(actor) {
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
