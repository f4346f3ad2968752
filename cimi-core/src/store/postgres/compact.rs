//! Snapshots and compaction (the records rewritten without erased people's
//! personal data, older snapshots deleted, the tables vacuumed), and reading
//! every record of the community.

use super::conn::classify;
use super::read::sort_by_seq;
use crate::error::Error;
use crate::store::journal::JournalRecord;
use crate::store::{Store, StoreError, snapshot_text};

impl Store {
    /// Writes a snapshot row at the current sequence number (after catching up).
    pub(in crate::store) fn snapshot_postgres(&mut self) -> Result<String, Error> {
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
    pub(in crate::store) fn compact_postgres(&mut self) -> Result<(), Error> {
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
            let (_, r) = crate::store::journal::parse_record(text.as_bytes(), "journal", *seq)?;
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
    pub(in crate::store) fn records_postgres(&mut self) -> Result<Vec<JournalRecord>, Error> {
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
            out.push(crate::store::journal::parse_record(text.as_bytes(), "journal", *seq)?.1);
        }
        Ok(out)
    }
}
