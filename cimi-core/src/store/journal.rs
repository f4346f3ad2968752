//! The journal's format: numbered, attributed records of every state change,
//! their framing in a file, and their replay.
//!
//! The stores that keep a community ([`Store`], in [`crate::store`]) write
//! these records: the file store one per line of `journal.log`, the
//! PostgreSQL store one per row. Reopening, a follower's `refresh` and a
//! PostgreSQL writer's catch-up all apply them with the same checks.
//!
//! **Format.** One record per line, each line a JSON object of the form
//! `{"len":"0000000123","crc":"89abcdef","data":{…}}`: `len` is the length in
//! bytes of the `data` value and `crc` its CRC32C, in fixed-width text so a
//! line can be checked before it is parsed. `data` is a [`JournalRecord`]:
//! a sequence number, the actor the caller named, and the [`Change`].
//!
//! **Recovery.** A torn last record (a crash in the middle of a write leaves
//! an incomplete last line) is cut off on open and reported in the
//! [`OpenReport`], together with the records before it that belong to the
//! same operation (every record but an operation's last says `"more":true`),
//! so an operation is recovered whole or not at all; damage anywhere before
//! it, or a journal that does not start at the record after the snapshot
//! (record 1 without one), is an error naming the byte offset, never skipped.
//!
//! ```
//! use chrono::Utc;
//! use cimi_core::journal::Store;
//! use cimi_core::Statutes;
//!
//! let dir = std::env::temp_dir().join(format!("cimi-doc-{}", std::process::id()));
//! # let _ = std::fs::remove_dir_all(&dir);
//! let (mut store, _) = Store::open(&dir, Statutes::cimi())?;
//! let t = Utc::now();
//! store.execute("organiser", |c| c.add_member("ada@interieur.gouv.fr", Default::default(), t))?;
//! drop(store);
//! let (again, report) = Store::open(&dir, Statutes::cimi())?;
//! assert!(again.community().member_by_email("ada@interieur.gouv.fr").is_some());
//! assert!(report.torn_tail.is_none());
//! # std::fs::remove_dir_all(&dir).unwrap();
//! # Ok::<(), cimi_core::Error>(())
//! ```

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::change::{Change, Record};
use crate::community::{Community, Ledger};
use crate::error::Error;
use crate::ids::EventId;
use crate::ids::MemberId;

pub use super::{MAX_ACTOR_CHARS, Store, StoreError, StoreOptions};

pub(crate) const HEADER_LEN: usize = 44;
pub use crate::limits::MAX_RECORD_BYTES;

/// One record of the journal: a numbered, attributed change.
///
/// ```
/// # use cimi_core::journal::JournalRecord;
/// # fn f(r: &JournalRecord) -> String { format!("#{} {} by {}", r.seq, r.change.action.kind(), r.actor) }
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JournalRecord {
    /// Sequence number, from 1, without gaps.
    pub seq: u64,
    /// Who did it (as the caller named them).
    pub actor: String,
    /// What changed.
    pub change: Change,
    /// Whether more records of the same operation follow (all the records of
    /// one [`Store::execute`] but the last). Recovery keeps an operation whole
    /// or not at all: an operation whose last record is missing is cut.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub more: bool,
}

/// Encodes one payload as a journal line.
///
/// ```
/// let mut line = Vec::new();
/// cimi_core::journal::encode_frame(b"{\"a\":1}", &mut line);
/// assert!(line.starts_with(b"{\"len\":\"0000000007\",\"crc\":\""));
/// assert!(line.ends_with(b",\"data\":{\"a\":1}}\n"));
/// let decoded = cimi_core::journal::decode_frames(&line, "journal.log")?;
/// assert_eq!(decoded.payloads[0].1, b"{\"a\":1}");
/// # Ok::<(), cimi_core::journal::StoreError>(())
/// ```
pub fn encode_frame(payload: &[u8], out: &mut Vec<u8>) {
    let crc = crc32c::crc32c(payload);
    out.reserve(HEADER_LEN + payload.len() + 2);
    out.extend_from_slice(
        format!(
            "{{\"len\":\"{:010}\",\"crc\":\"{:08x}\",\"data\":",
            payload.len(),
            crc
        )
        .as_bytes(),
    );
    out.extend_from_slice(payload);
    out.extend_from_slice(b"}\n");
}

/// A torn last record that was (or would be) cut off.
///
/// ```
/// # use cimi_core::journal::TornTail;
/// let t = TornTail { offset: 100, len: 7 };
/// assert_eq!(t.offset + t.len, 107);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct TornTail {
    /// Where the cut starts: the torn record, or the first record of the
    /// operation it belongs to.
    pub offset: u64,
    /// How many bytes were cut.
    pub len: u64,
}

/// The frames of a journal file.
///
/// ```
/// let mut bytes = Vec::new();
/// cimi_core::journal::encode_frame(b"[1]", &mut bytes);
/// bytes.extend_from_slice(b"{\"len\":\"00");
/// let d = cimi_core::journal::decode_frames(&bytes, "j")?;
/// assert_eq!(d.payloads.len(), 1);
/// assert_eq!(d.torn.unwrap().offset, 49);
/// # Ok::<(), cimi_core::journal::StoreError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded<'a> {
    /// Each complete record: its byte offset and payload.
    pub payloads: Vec<(u64, &'a [u8])>,
    /// An incomplete last record, if any.
    pub torn: Option<TornTail>,
}

fn parse_header(h: &[u8]) -> Option<(usize, u32)> {
    if h.len() < HEADER_LEN
        || &h[..8] != b"{\"len\":\""
        || &h[18..27] != b"\",\"crc\":\""
        || &h[35..44] != b"\",\"data\":"
    {
        return None;
    }
    let len = std::str::from_utf8(&h[8..18]).ok()?;
    if !len.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let crc = std::str::from_utf8(&h[27..35]).ok()?;
    if !crc
        .bytes()
        .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    {
        return None;
    }
    Some((len.parse().ok()?, u32::from_str_radix(crc, 16).ok()?))
}

/// Splits a journal file into records, checking each one's length and CRC32C.
///
/// An incomplete last line is reported as torn; any other damage is
/// [`StoreError::Corrupt`] with its offset.
pub fn decode_frames<'a>(bytes: &'a [u8], file: &str) -> Result<Decoded<'a>, StoreError> {
    let mut payloads = Vec::new();
    let mut at = 0usize;
    let corrupt = |offset: usize, detail: &str| StoreError::Corrupt {
        file: file.to_string(),
        offset: offset as u64,
        detail: detail.to_string(),
    };
    while at < bytes.len() {
        let rest = &bytes[at..];
        // A record that never got its end of line is the torn tail of a crash.
        let complete_line = rest.contains(&b'\n');
        let header = parse_header(rest);
        let end = header
            .and_then(|(len, _)| len.checked_add(HEADER_LEN + 2))
            .filter(|end| *end <= rest.len() && *end <= MAX_RECORD_BYTES);
        match (header, end) {
            (Some((len, crc)), Some(end)) => {
                if &rest[end - 2..end] != b"}\n" {
                    return Err(corrupt(at, "record does not end where its length says"));
                }
                let payload = &rest[HEADER_LEN..HEADER_LEN + len];
                if crc32c::crc32c(payload) != crc {
                    if !complete_line {
                        return Ok(Decoded {
                            payloads,
                            torn: Some(TornTail {
                                offset: at as u64,
                                len: rest.len() as u64,
                            }),
                        });
                    }
                    return Err(corrupt(at, "checksum mismatch"));
                }
                payloads.push((at as u64, payload));
                at += end;
            }
            _ if !complete_line => {
                return Ok(Decoded {
                    payloads,
                    torn: Some(TornTail {
                        offset: at as u64,
                        len: rest.len() as u64,
                    }),
                });
            }
            (None, _) => return Err(corrupt(at, "malformed record header")),
            (Some(_), None) => {
                return Err(corrupt(at, "record length runs past the end of the file"));
            }
        }
    }
    Ok(Decoded {
        payloads,
        torn: None,
    })
}

/// Where journal bytes go. [`FileStorage`] is the real file; tests provide
/// layers that inject faults.
pub trait Storage: Send {
    /// Appends bytes at the end.
    fn append(&mut self, bytes: &[u8]) -> io::Result<()>;
    /// Makes everything appended so far durable.
    fn sync(&mut self) -> io::Result<()>;
    /// Cuts the data back to `len` bytes (after a failed write).
    fn truncate(&mut self, len: u64) -> io::Result<()>;
    /// Current length in bytes.
    fn len(&self) -> u64;
    /// Whether it is empty.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// A journal file on disk.
#[derive(Debug)]
pub struct FileStorage {
    file: File,
    len: u64,
}

impl FileStorage {
    /// Opens (creating it if needed) a file for appending.
    pub fn open(path: &Path) -> io::Result<FileStorage> {
        let file = OpenOptions::new()
            .create(true)
            .read(true)
            .append(true)
            .open(path)?;
        let len = file.metadata()?.len();
        Ok(FileStorage { file, len })
    }
}

impl Storage for FileStorage {
    fn append(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.file.write_all(bytes)?;
        self.len += bytes.len() as u64;
        Ok(())
    }
    fn sync(&mut self) -> io::Result<()> {
        self.file.sync_data()
    }
    fn truncate(&mut self, len: u64) -> io::Result<()> {
        self.file.set_len(len)?;
        self.len = len;
        self.file.sync_all()
    }
    fn len(&self) -> u64 {
        self.len
    }
}

/// When appended records are made durable.
///
/// ```
/// assert_eq!(cimi_core::journal::SyncPolicy::default(), cimi_core::journal::SyncPolicy::EveryOperation);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum SyncPolicy {
    /// Fsync after each operation (each [`Store::execute`]) before acknowledging it.
    #[default]
    EveryOperation,
    /// Never fsync (benchmarks, throw-away stores): not durable.
    Never,
}

/// What opening a store found.
///
/// ```
/// # use cimi_core::journal::OpenReport;
/// # fn f(r: &OpenReport) -> bool { r.torn_tail.is_some() }
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct OpenReport {
    /// Sequence number of the snapshot loaded, if any.
    pub snapshot_seq: Option<u64>,
    /// Records replayed after the snapshot.
    pub records_replayed: u64,
    /// A torn last record that was cut off, with the records of its
    /// operation before it (an operation is kept whole or not at all).
    pub torn_tail: Option<TornTail>,
}

/// What a history is about.
///
/// ```
/// use cimi_core::{journal::Subject, ids::EventId};
/// let s = Subject::Event(EventId::new(1));
/// # let _ = s;
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Subject {
    /// A member: their record, registrations, help requests, watch items.
    Member(MemberId),
    /// An event: its record, registrations, watch items about it.
    Event(EventId),
}

impl Subject {
    /// Whether the change concerns the subject.
    pub fn concerns(&self, change: &Change) -> bool {
        match (self, &change.record) {
            (Subject::Member(id), Record::Member(m)) => m.id == *id,
            (Subject::Member(id), Record::Registration(r)) => r.member == *id,
            (Subject::Member(id), Record::HelpRequest(h)) => {
                h.asker == *id || h.steps.iter().any(|s| s.referred_to.contains(id))
            }
            (Subject::Member(id), Record::WatchItem(w)) => w.shared_by == *id,
            (Subject::Event(id), Record::Event(e)) => e.id == *id,
            (Subject::Event(id), Record::Registration(r)) => r.event == *id,
            (Subject::Event(id), Record::WatchItem(w)) => w.event == Some(*id),
            _ => false,
        }
    }
}

/// Replays journal bytes onto a community: the records after `after_seq`, in
/// order, checking that sequence numbers follow each other.
///
/// An operation whose last record is missing (a crash tore it, or, for a
/// follower, the writer has not finished writing it) is not applied: it is
/// reported as the [`OpenReport::torn_tail`].
///
/// ```
/// use cimi_core::{Community, journal::replay};
/// let mut c = Community::cimi();
/// let report = replay(&mut c, b"", "journal.log", 0)?;
/// assert_eq!(report.records_replayed, 0);
/// # Ok::<(), cimi_core::Error>(())
/// ```
pub fn replay(
    community: &mut Community,
    bytes: &[u8],
    file: &str,
    after_seq: u64,
) -> Result<OpenReport, Error> {
    let decoded = decode_frames(bytes, file)?;
    let parse = |(offset, payload): &(u64, &[u8])| -> Result<(u64, JournalRecord), StoreError> {
        parse_record(payload, file, *offset)
    };
    // An operation whose last record is missing (a crash tore it, or the
    // write stopped at a record boundary) was never acknowledged: it is cut
    // whole, with the torn record if any.
    let mut payloads = decoded.payloads.as_slice();
    let mut torn_tail = decoded.torn;
    let continues = |p: &(u64, &[u8])| parse(p).is_ok_and(|(_, r)| r.more);
    if payloads.last().is_some_and(continues) {
        let mut start = payloads.len() - 1;
        while start > 0 && continues(&payloads[start - 1]) {
            start -= 1;
        }
        let offset = payloads[start].0;
        torn_tail = Some(TornTail {
            offset,
            len: bytes.len() as u64 - offset,
        });
        payloads = &payloads[..start];
    }
    let applied = apply_payloads(community, payloads, file, after_seq)?;
    // Each operation leaves the books settled; records that do not (written
    // by hand, or an operation cut short) make a state no snapshot could hold.
    check_settled(community, file, payloads.last().map_or(0, |p| p.0))?;
    Ok(OpenReport {
        snapshot_seq: None,
        records_replayed: applied.replayed,
        torn_tail,
    })
}

/// Parses and applies records given as `(offset, payload)` in order (see
/// [`Applier`]); parsing runs on every core when there are many. Shared by
/// [`replay`] and the PostgreSQL store's catch-up. On error, the records
/// before the bad one stay applied.
pub(crate) fn apply_payloads(
    community: &mut Community,
    payloads: &[(u64, &[u8])],
    file: &str,
    after_seq: u64,
) -> Result<Applied, Error> {
    let parse = |(offset, payload): &(u64, &[u8])| -> Result<(u64, JournalRecord), StoreError> {
        parse_record(payload, file, *offset)
    };
    let mut applier = Applier::new(file, after_seq);
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(8);
    if threads < 2 || payloads.len() < 2 * REPLAY_CHUNK {
        for p in payloads {
            let (offset, record) = parse(p)?;
            applier.apply(community, offset, record)?;
        }
    } else {
        // Parsing dominates: parse chunks on every core, apply them in order here.
        let chunks: Vec<&[(u64, &[u8])]> = payloads.chunks(REPLAY_CHUNK).collect();
        let next = std::sync::atomic::AtomicUsize::new(0);
        let stop = std::sync::atomic::AtomicBool::new(false);
        std::thread::scope(|scope| -> Result<(), Error> {
            let (tx, rx) = std::sync::mpsc::sync_channel(threads * 2);
            for _ in 0..threads {
                let (tx, chunks, next, stop) = (tx.clone(), &chunks, &next, &stop);
                scope.spawn(move || {
                    loop {
                        let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        if i >= chunks.len() || stop.load(std::sync::atomic::Ordering::Relaxed) {
                            break;
                        }
                        let parsed: Result<Vec<_>, StoreError> =
                            chunks[i].iter().map(parse).collect();
                        if tx.send((i, parsed)).is_err() {
                            break;
                        }
                    }
                });
            }
            drop(tx);
            let mut pending = std::collections::BTreeMap::new();
            let mut want = 0;
            let result = (|| {
                for (i, parsed) in rx.iter() {
                    pending.insert(i, parsed);
                    while let Some(parsed) = pending.remove(&want) {
                        for (offset, record) in parsed? {
                            applier.apply(community, offset, record)?;
                        }
                        want += 1;
                    }
                }
                Ok(())
            })();
            stop.store(true, std::sync::atomic::Ordering::Relaxed);
            result
        })?;
    }
    Ok(Applied {
        replayed: applier.replayed,
        last_seq: applier.last_seq,
    })
}

/// What [`apply_payloads`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Applied {
    /// Records applied (those after `after_seq`).
    pub(crate) replayed: u64,
    /// The last sequence number applied (`after_seq` if none).
    pub(crate) last_seq: u64,
}

/// Parses one record's payload; `offset` names where it is in `file`.
pub(crate) fn parse_record(
    payload: &[u8],
    file: &str,
    offset: u64,
) -> Result<(u64, JournalRecord), StoreError> {
    serde_json::from_slice(payload)
        .map(|r| (offset, r))
        .map_err(|e| StoreError::Corrupt {
            file: file.to_string(),
            offset,
            detail: format!("unreadable record: {e}"),
        })
}

/// Fails when the records applied leave an event's books unsettled.
pub(crate) fn check_settled(community: &Community, file: &str, offset: u64) -> Result<(), Error> {
    match community.check_settled() {
        Ok(()) => Ok(()),
        Err((event, problem)) => Err(StoreError::Corrupt {
            file: file.to_string(),
            offset,
            detail: format!("the records leave event {event} unsettled: {problem}"),
        }
        .into()),
    }
}

/// Applies records in order onto a community, checking that their sequence
/// numbers follow each other and skipping those up to `after_seq` (already
/// in the state, from a snapshot or an earlier read). Shared by the file
/// journal's replay and the PostgreSQL store's catch-up.
pub(crate) struct Applier<'a> {
    file: &'a str,
    after_seq: u64,
    expected: Option<u64>,
    /// Records applied so far.
    pub(crate) replayed: u64,
    /// The last sequence number seen.
    pub(crate) last_seq: u64,
}

impl<'a> Applier<'a> {
    pub(crate) fn new(file: &'a str, after_seq: u64) -> Self {
        Applier {
            file,
            after_seq,
            expected: None,
            replayed: 0,
            last_seq: after_seq,
        }
    }

    /// Applies one record read at `offset` (a byte offset in a file, or the
    /// sequence number in a database).
    pub(crate) fn apply(
        &mut self,
        community: &mut Community,
        offset: u64,
        record: JournalRecord,
    ) -> Result<(), Error> {
        let corrupt = |detail: String| StoreError::Corrupt {
            file: self.file.to_string(),
            offset,
            detail,
        };
        match self.expected {
            Some(seq) if record.seq != seq => {
                return Err(corrupt(format!(
                    "sequence number {} where {seq} was expected",
                    record.seq
                ))
                .into());
            }
            // The first record: numbers start at 1, and none may be
            // missing between the snapshot (if any) and the journal.
            None if record.seq == 0 || record.seq > self.after_seq + 1 => {
                let detail = if record.seq == 0 {
                    "sequence number 0 (numbers start at 1)".to_string()
                } else {
                    format!(
                        "the journal starts at record {} but record {} is the next one{}",
                        record.seq,
                        self.after_seq + 1,
                        if self.after_seq == 0 {
                            ""
                        } else {
                            " after the snapshot"
                        }
                    )
                };
                return Err(corrupt(detail).into());
            }
            _ => {}
        }
        self.expected = Some(record.seq + 1);
        if record.seq > self.after_seq {
            let seq = record.seq;
            community
                .apply(record.change)
                .map_err(|e| corrupt(format!("record {seq} cannot be applied: {e}")))?;
            self.replayed += 1;
            self.last_seq = seq;
        }
        Ok(())
    }
}

/// Records parsed together by one thread during replay.
const REPLAY_CHUNK: usize = 2048;

pub(crate) fn last_seq(bytes: &[u8], file: &str) -> Result<u64, Error> {
    let decoded = decode_frames(bytes, file)?;
    match decoded.payloads.last() {
        None => Ok(0),
        Some((offset, payload)) => {
            #[derive(Deserialize)]
            struct Seq {
                seq: u64,
            }
            let s: Seq = serde_json::from_slice(payload).map_err(|e| StoreError::Corrupt {
                file: file.to_string(),
                offset: *offset,
                detail: e.to_string(),
            })?;
            Ok(s.seq)
        }
    }
}
