//! The durable journal: the community's embedded store.
//!
//! A [`Store`] opened on a directory appends every state change to
//! `journal.log` and acknowledges an operation only once its records are
//! durable (the file is fsynced, and the directory too when a file is
//! created). Reopening replays the journal to the same state.
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
//! After an I/O error (full disk, failed fsync) the operation fails, the state
//! is rolled back, and the store refuses writes until it is reopened.
//!
//! **Snapshots and compaction.** [`Store::snapshot`] writes the state at the
//! current sequence number; reopening loads the newest snapshot and replays
//! only the records after it. [`Store::compact`] writes a snapshot, moves the
//! journal's records into `history.log` (the audit trail) with the personal
//! data of erased people removed, and starts an empty journal: after it, no
//! byte under the directory holds an erased person's data.
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

use std::collections::{BTreeSet, HashMap};
use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::change::{Change, Record};
use crate::community::Community;
use crate::error::Error;
use crate::i18n::Lang;
use crate::ids::{EventId, MemberId};
use crate::statutes::Statutes;

const HEADER_LEN: usize = 44;
const JOURNAL: &str = "journal.log";
const HISTORY: &str = "history.log";
const SNAPSHOT_PREFIX: &str = "snapshot-";
/// Longest actor name accepted, in characters.
pub const MAX_ACTOR_CHARS: usize = 200;
/// Largest record accepted when reading, in bytes.
pub const MAX_RECORD_BYTES: usize = 1 << 30;

/// A failure of the store.
///
/// ```
/// use cimi_core::journal::StoreError;
/// let e = StoreError::Corrupt { file: "journal.log".into(), offset: 120, detail: "bad checksum".into() };
/// assert_eq!(e.kind(), "corrupt_journal");
/// assert!(e.to_string().contains("120"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// An I/O operation failed; the operation was not acknowledged.
    #[error("{operation} failed on {path}: {detail}")]
    Io {
        /// What was being done.
        operation: &'static str,
        /// On which file.
        path: String,
        /// The system's message.
        detail: String,
    },
    /// A record before the last one is damaged.
    #[error("{file} is damaged at byte offset {offset}: {detail}")]
    Corrupt {
        /// The file.
        file: String,
        /// Byte offset of the damaged record.
        offset: u64,
        /// What is wrong.
        detail: String,
    },
    /// An earlier I/O error: the store refuses writes until it is reopened.
    #[error("the store refuses writes after an earlier I/O error; reopen it")]
    Poisoned,
    /// The actor name is unusable.
    #[error("the actor must be 1 to {MAX_ACTOR_CHARS} characters without control characters")]
    InvalidActor,
}

impl StoreError {
    /// A stable snake_case identifier.
    pub fn kind(&self) -> &'static str {
        match self {
            StoreError::Io { .. } => "io_error",
            StoreError::Corrupt { .. } => "corrupt_journal",
            StoreError::Poisoned => "store_poisoned",
            StoreError::InvalidActor => "invalid_actor",
        }
    }

    /// The error in the given language.
    pub fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (
                StoreError::Io {
                    operation,
                    path,
                    detail,
                },
                Lang::Fr,
            ) => {
                format!("échec de {operation} sur {path} : {detail}")
            }
            (
                StoreError::Corrupt {
                    file,
                    offset,
                    detail,
                },
                Lang::Fr,
            ) => {
                format!("{file} est endommagé à l'octet {offset} : {detail}")
            }
            (StoreError::Poisoned, Lang::Fr) => {
                "le stockage refuse les écritures après une erreur d'entrée-sortie ; rouvrez-le"
                    .into()
            }
            (StoreError::InvalidActor, Lang::Fr) => format!(
                "l'auteur doit compter de 1 à {MAX_ACTOR_CHARS} caractères, sans caractère de contrôle"
            ),
            _ => self.to_string(),
        }
    }

    fn io(operation: &'static str, path: &Path, e: io::Error) -> StoreError {
        StoreError::Io {
            operation,
            path: path.display().to_string(),
            detail: e.to_string(),
        }
    }
}

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

#[derive(Serialize, Deserialize)]
struct SnapshotDoc {
    seq: u64,
    community: serde_json::Value,
}

/// Replays journal bytes onto a community: the records after `after_seq`, in
/// order, checking that sequence numbers follow each other.
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
    let corrupt = |offset: u64, detail: String| StoreError::Corrupt {
        file: file.to_string(),
        offset,
        detail,
    };
    let parse = |(offset, payload): &(u64, &[u8])| -> Result<(u64, JournalRecord), StoreError> {
        serde_json::from_slice(payload)
            .map(|r| (*offset, r))
            .map_err(|e| corrupt(*offset, format!("unreadable record: {e}")))
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
    let mut expected = None;
    let mut replayed = 0;
    let mut apply =
        |community: &mut Community, (offset, record): (u64, JournalRecord)| -> Result<(), Error> {
            match expected {
                Some(seq) if record.seq != seq => {
                    return Err(corrupt(
                        offset,
                        format!("sequence number {} where {seq} was expected", record.seq),
                    )
                    .into());
                }
                // The first record: numbers start at 1, and none may be
                // missing between the snapshot (if any) and the journal.
                None if record.seq == 0 || record.seq > after_seq + 1 => {
                    let detail = if record.seq == 0 {
                        "sequence number 0 (numbers start at 1)".to_string()
                    } else {
                        format!(
                            "the journal starts at record {} but record {} is the next one{}",
                            record.seq,
                            after_seq + 1,
                            if after_seq == 0 {
                                ""
                            } else {
                                " after the snapshot"
                            }
                        )
                    };
                    return Err(corrupt(offset, detail).into());
                }
                _ => {}
            }
            expected = Some(record.seq + 1);
            if record.seq > after_seq {
                let seq = record.seq;
                community
                    .apply(record.change)
                    .map_err(|e| corrupt(offset, format!("record {seq} cannot be applied: {e}")))?;
                replayed += 1;
            }
            Ok(())
        };
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(8);
    if threads < 2 || payloads.len() < 2 * REPLAY_CHUNK {
        for p in payloads {
            apply(community, parse(p)?)?;
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
                        for record in parsed? {
                            apply(community, record)?;
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
    // Each operation leaves the books settled; records that do not (written
    // by hand, or an operation cut short) make a state no snapshot could hold.
    if let Err((event, problem)) = community.check_books() {
        return Err(corrupt(
            payloads.last().map_or(0, |p| p.0),
            format!("the records leave event {event} unsettled: {problem}"),
        )
        .into());
    }
    Ok(OpenReport {
        snapshot_seq: None,
        records_replayed: replayed,
        torn_tail,
    })
}

/// Records parsed together by one thread during replay.
const REPLAY_CHUNK: usize = 2048;

fn last_seq(bytes: &[u8], file: &str) -> Result<u64, Error> {
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

fn sync_dir(dir: &Path) -> Result<(), StoreError> {
    File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(|e| StoreError::io("fsync of the directory", dir, e))
}

fn read_file(path: &Path) -> Result<Vec<u8>, StoreError> {
    let mut bytes = Vec::new();
    match File::open(path) {
        Ok(mut f) => f
            .read_to_end(&mut bytes)
            .map(|_| bytes)
            .map_err(|e| StoreError::io("read", path, e)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(bytes),
        Err(e) => Err(StoreError::io("open", path, e)),
    }
}

/// Writes a file atomically: temporary file, fsync, rename, fsync of the directory.
fn write_atomically(dir: &Path, name: &str, bytes: &[u8]) -> Result<(), StoreError> {
    let tmp = dir.join(format!("{name}.tmp"));
    let path = dir.join(name);
    let mut f = File::create(&tmp).map_err(|e| StoreError::io("create", &tmp, e))?;
    f.write_all(bytes)
        .map_err(|e| StoreError::io("write", &tmp, e))?;
    f.sync_all().map_err(|e| StoreError::io("fsync", &tmp, e))?;
    fs::rename(&tmp, &path).map_err(|e| StoreError::io("rename", &path, e))?;
    sync_dir(dir)
}

fn check_actor(actor: &str) -> Result<(), StoreError> {
    let n = actor.chars().count();
    if n == 0 || n > MAX_ACTOR_CHARS || actor.chars().any(char::is_control) {
        return Err(StoreError::InvalidActor);
    }
    Ok(())
}

/// A community and, unless it lives in memory only, the journal that makes it durable.
///
/// Every state change goes through [`execute`](Store::execute), which is
/// acknowledged only once its records are durable.
pub struct Store {
    community: Community,
    journal: Option<Box<dyn Storage>>,
    dir: Option<PathBuf>,
    seq: u64,
    policy: SyncPolicy,
    poisoned: bool,
    scratch: Vec<u8>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("community", &self.community)
            .field("dir", &self.dir)
            .field("seq", &self.seq)
            .field("poisoned", &self.poisoned)
            .finish_non_exhaustive()
    }
}

impl Store {
    /// A store without journal: the community lives in memory only.
    ///
    /// ```
    /// let mut s = cimi_core::journal::Store::in_memory(cimi_core::Community::cimi());
    /// s.execute("me", |c| c.add_member("a@interieur.gouv.fr", Default::default(), chrono::Utc::now()))?;
    /// assert_eq!(s.community().members().count(), 1);
    /// # Ok::<(), cimi_core::Error>(())
    /// ```
    pub fn in_memory(community: Community) -> Store {
        let mut community = community;
        community.set_recording(false);
        Store {
            community,
            journal: None,
            dir: None,
            seq: 0,
            policy: SyncPolicy::Never,
            poisoned: false,
            scratch: Vec::new(),
        }
    }

    /// A store journaling to a custom storage (for instance a fault-injecting
    /// layer in tests), starting from `community` with an empty journal.
    pub fn with_storage(
        community: Community,
        storage: Box<dyn Storage>,
        policy: SyncPolicy,
    ) -> Store {
        let mut community = community;
        community.set_recording(true);
        Store {
            community,
            journal: Some(storage),
            dir: None,
            seq: 0,
            policy,
            poisoned: false,
            scratch: Vec::new(),
        }
    }

    /// Opens (or creates) the store in `dir`. A new store starts from
    /// `statutes`; an existing one keeps the statutes it recorded.
    pub fn open(dir: impl AsRef<Path>, statutes: Statutes) -> Result<(Store, OpenReport), Error> {
        Store::open_with(dir, statutes, SyncPolicy::EveryOperation)
    }

    /// [`open`](Store::open) with a sync policy.
    pub fn open_with(
        dir: impl AsRef<Path>,
        statutes: Statutes,
        policy: SyncPolicy,
    ) -> Result<(Store, OpenReport), Error> {
        let dir = dir.as_ref().to_path_buf();
        if dir.as_os_str().is_empty() {
            // Not the current directory by accident.
            return Err(Error::input(
                "directory",
                "the store's directory is an empty path",
                "le répertoire du stockage est un chemin vide",
            ));
        }
        if !dir.exists() {
            fs::create_dir_all(&dir).map_err(|e| StoreError::io("create directory", &dir, e))?;
            if let Some(parent) = dir.parent().filter(|p| !p.as_os_str().is_empty()) {
                sync_dir(parent)?;
            }
        }
        // The newest snapshot, if any.
        let mut snapshots: Vec<(u64, PathBuf)> = fs::read_dir(&dir)
            .map_err(|e| StoreError::io("list", &dir, e))?
            .filter_map(|e| e.ok())
            .filter_map(|e| {
                let name = e.file_name().into_string().ok()?;
                let seq = name
                    .strip_prefix(SNAPSHOT_PREFIX)?
                    .strip_suffix(".json")?
                    .parse()
                    .ok()?;
                Some((seq, e.path()))
            })
            .collect();
        snapshots.sort();
        let mut report = OpenReport::default();
        let (mut community, snap_seq) = match snapshots.last() {
            Some((seq, path)) => {
                let bytes = read_file(path)?;
                let name = path
                    .file_name()
                    .map(|n| n.to_string_lossy().to_string())
                    .unwrap_or_default();
                let decoded = decode_frames(&bytes, &name)?;
                let corrupt = |detail: String| StoreError::Corrupt {
                    file: name.clone(),
                    offset: 0,
                    detail,
                };
                let (payload, torn) = match (decoded.payloads.as_slice(), decoded.torn) {
                    ([(_, p)], None) => (*p, false),
                    _ => (&b""[..], true),
                };
                if torn {
                    return Err(corrupt("snapshot is incomplete".into()).into());
                }
                let doc: SnapshotDoc =
                    serde_json::from_slice(payload).map_err(|e| corrupt(e.to_string()))?;
                if doc.seq != *seq {
                    return Err(
                        corrupt("snapshot sequence number does not match its name".into()).into(),
                    );
                }
                let c = Community::from_json(&doc.community.to_string())?;
                report.snapshot_seq = Some(*seq);
                (c, *seq)
            }
            None => (Community::new(statutes.clone())?, 0),
        };
        let path = dir.join(JOURNAL);
        let is_new = !path.exists();
        let bytes = read_file(&path)?;
        let replayed = replay(&mut community, &bytes, JOURNAL, snap_seq)?;
        report.records_replayed = replayed.records_replayed;
        report.torn_tail = replayed.torn_tail;
        let good_len = replayed.torn_tail.map_or(bytes.len() as u64, |t| t.offset);
        let seq = last_seq(&bytes[..good_len as usize], JOURNAL)?.max(snap_seq);
        drop(bytes);
        let mut storage = FileStorage::open(&path).map_err(|e| StoreError::io("open", &path, e))?;
        if report.torn_tail.is_some() {
            storage
                .truncate(good_len)
                .map_err(|e| StoreError::io("truncate", &path, e))?;
        }
        if is_new {
            sync_dir(&dir)?;
        }
        community.set_recording(true);
        let mut store = Store {
            community,
            journal: Some(Box::new(storage)),
            dir: Some(dir),
            seq,
            policy,
            poisoned: false,
            scratch: Vec::new(),
        };
        if seq == 0 {
            // A new store records its statutes first, so reopening needs no argument.
            let at = Utc::now();
            store.execute("cimi", |c| c.replace_statutes(statutes, at))?;
        }
        Ok((store, report))
    }

    /// The community.
    pub fn community(&self) -> &Community {
        &self.community
    }

    /// The last sequence number written.
    pub fn seq(&self) -> u64 {
        self.seq
    }

    /// Whether the store refuses writes after an I/O error.
    pub fn is_poisoned(&self) -> bool {
        self.poisoned
    }

    /// The directory, for a store opened on one.
    pub fn dir(&self) -> Option<&Path> {
        self.dir.as_deref()
    }

    /// Runs an operation (or a group of operations) on the community, on
    /// behalf of `actor`, and acknowledges it only once its changes are
    /// durable: all the changes of one call share one fsync (group commit).
    /// If the operation fails, or writing fails, the state is left as it was.
    pub fn execute<T>(
        &mut self,
        actor: &str,
        op: impl FnOnce(&mut Community) -> Result<T, Error>,
    ) -> Result<T, Error> {
        if self.journal.is_none() {
            return op(&mut self.community);
        }
        if self.poisoned {
            return Err(StoreError::Poisoned.into());
        }
        check_actor(actor)?;
        let mark = self.community.mark();
        let result = op(&mut self.community);
        if result.is_err() {
            self.community.rollback(mark);
            return result;
        }
        let changes = self.community.take_changes();
        if changes.is_empty() {
            self.community.forget_undo();
            return result;
        }
        match self.write(actor, changes) {
            Ok(()) => {
                self.community.forget_undo();
                result
            }
            Err(e) => {
                // Not acknowledged: the state goes back to what it was.
                self.community.rollback(mark);
                Err(e.into())
            }
        }
    }

    fn write(&mut self, actor: &str, changes: Vec<Change>) -> Result<(), StoreError> {
        let journal = self.journal.as_mut().expect("journal present");
        let before = journal.len();
        self.scratch.clear();
        let mut seq = self.seq;
        let count = changes.len();
        for (i, change) in changes.into_iter().enumerate() {
            seq += 1;
            let record = JournalRecord {
                seq,
                actor: actor.to_string(),
                change,
                more: i + 1 < count,
            };
            let payload = serde_json::to_vec(&record).expect("records always serialize");
            encode_frame(&payload, &mut self.scratch);
        }
        let path = self
            .dir
            .as_ref()
            .map(|d| d.join(JOURNAL))
            .unwrap_or_else(|| PathBuf::from(JOURNAL));
        let outcome = journal
            .append(&self.scratch)
            .map_err(|e| StoreError::io("write", &path, e))
            .and_then(|()| match self.policy {
                SyncPolicy::EveryOperation => journal
                    .sync()
                    .map_err(|e| StoreError::io("fsync", &path, e)),
                SyncPolicy::Never => Ok(()),
            });
        match outcome {
            Ok(()) => {
                self.seq = seq;
                Ok(())
            }
            Err(e) => {
                // Cut what may have reached the file, and refuse writes until
                // the store is reopened.
                let _ = journal.truncate(before);
                self.poisoned = true;
                Err(e)
            }
        }
    }

    fn require_dir(&self) -> Result<PathBuf, Error> {
        self.dir.clone().ok_or_else(|| {
            Error::input(
                "store",
                "this store has no directory",
                "ce stockage n'a pas de répertoire",
            )
        })
    }

    /// Writes a snapshot of the state at the current sequence number.
    pub fn snapshot(&mut self) -> Result<PathBuf, Error> {
        let dir = self.require_dir()?;
        if self.poisoned {
            return Err(StoreError::Poisoned.into());
        }
        let doc = format!(
            "{{\"seq\":{},\"community\":{}}}",
            self.seq,
            self.community.to_json()
        );
        let mut bytes = Vec::with_capacity(doc.len() + HEADER_LEN + 2);
        encode_frame(doc.as_bytes(), &mut bytes);
        let name = format!("{SNAPSHOT_PREFIX}{:020}.json", self.seq);
        write_atomically(&dir, &name, &bytes)?;
        Ok(dir.join(name))
    }

    /// Compacts the store: snapshot, journal records moved to the history
    /// with erased people's personal data removed, empty journal, older
    /// snapshots deleted. The state does not change.
    pub fn compact(&mut self) -> Result<(), Error> {
        let dir = self.require_dir()?;
        self.snapshot()?;
        let mut records = self.read_history(&dir)?;
        self.redact(&mut records);
        let mut bytes = Vec::new();
        for r in &records {
            encode_frame(
                &serde_json::to_vec(r).expect("records always serialize"),
                &mut bytes,
            );
        }
        write_atomically(&dir, HISTORY, &bytes)?;
        write_atomically(&dir, JOURNAL, b"")?;
        let path = dir.join(JOURNAL);
        self.journal = Some(Box::new(
            FileStorage::open(&path).map_err(|e| StoreError::io("open", &path, e))?,
        ));
        let keep = format!("{SNAPSHOT_PREFIX}{:020}.json", self.seq);
        for entry in fs::read_dir(&dir)
            .map_err(|e| StoreError::io("list", &dir, e))?
            .flatten()
        {
            let name = entry.file_name().to_string_lossy().to_string();
            if (name.starts_with(SNAPSHOT_PREFIX) && name != keep) || name.ends_with(".tmp") {
                fs::remove_file(entry.path())
                    .map_err(|e| StoreError::io("remove", &entry.path(), e))?;
            }
        }
        sync_dir(&dir)?;
        Ok(())
    }

    /// Every record of the history and journal, oldest first, without repeats.
    fn read_history(&self, dir: &Path) -> Result<Vec<JournalRecord>, Error> {
        let mut out: Vec<JournalRecord> = Vec::new();
        for name in [HISTORY, JOURNAL] {
            let bytes = read_file(&dir.join(name))?;
            let decoded = decode_frames(&bytes, name)?;
            for (offset, payload) in decoded.payloads {
                let r: JournalRecord =
                    serde_json::from_slice(payload).map_err(|e| StoreError::Corrupt {
                        file: name.to_string(),
                        offset,
                        detail: e.to_string(),
                    })?;
                if out.last().is_none_or(|last| r.seq > last.seq) {
                    out.push(r);
                }
            }
        }
        Ok(out)
    }

    /// Replaces erased people's personal data in records with its erased
    /// version, and actors naming them with a pseudonym.
    fn redact(&self, records: &mut [JournalRecord]) {
        let erased: HashMap<MemberId, &crate::member::Member> = self
            .community
            .members()
            .filter(|m| m.is_erased())
            .map(|m| (m.id, m))
            .collect();
        let mut names: HashMap<String, String> = HashMap::new();
        for r in records.iter() {
            if let Record::Member(m) = &r.change.record {
                if erased.contains_key(&m.id) && !m.is_erased() {
                    names.insert(m.email.key(), format!("erased-{}", m.id.get()));
                }
            }
        }
        for r in records.iter_mut() {
            if let Some(pseudonym) = names.get(&r.actor.trim().to_ascii_lowercase()) {
                r.actor = pseudonym.clone();
            }
            match &mut r.change.record {
                Record::Member(m) => {
                    if let Some(now) = erased.get(&m.id) {
                        **m = (*now).clone();
                    }
                }
                Record::HelpRequest(h) if erased.contains_key(&h.asker) => {
                    h.topic.clear();
                    h.text.clear();
                }
                _ => {}
            }
        }
    }

    /// The history of one member or event, oldest first, from the history
    /// and the journal.
    pub fn history(&self, subject: Subject) -> Result<Vec<JournalRecord>, Error> {
        let dir = self.require_dir()?;
        Ok(self
            .read_history(&dir)?
            .into_iter()
            .filter(|r| subject.concerns(&r.change))
            .collect())
    }

    /// Everything the community holds about the person with this address,
    /// as JSON: identity, affiliation, consents, registrations and
    /// attendance, help requests, watch items, and the audit entries about
    /// them (for a store with a directory).
    pub fn subject_access(&self, email: &str, now: DateTime<Utc>) -> Result<String, Error> {
        let member = self
            .community
            .member_by_email(email)
            .ok_or_else(|| Error::not_found(crate::error::Entity::Member, 0))?;
        let mut doc = self.community.subject_access(member.id, now)?;
        let audit: Vec<serde_json::Value> = match &self.dir {
            Some(_) => self
                .history(Subject::Member(member.id))?
                .into_iter()
                .map(|r| serde_json::json!({"seq": r.seq, "at": r.change.at, "actor": r.actor, "action": r.change.action.kind()}))
                .collect(),
            None => Vec::new(),
        };
        doc["audit"] = serde_json::Value::Array(audit);
        Ok(serde_json::to_string_pretty(&doc).expect("json"))
    }

    /// Applies the statutes' retention rule at `now` (see
    /// [`Community::retention_candidates`]) and erases those people.
    pub fn apply_retention(
        &mut self,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<Vec<MemberId>, Error> {
        self.execute(actor, |c| {
            let ids = c.retention_candidates(now);
            for id in &ids {
                c.erase_member(*id, now)?;
            }
            Ok(ids)
        })
    }
}

impl Community {
    /// Everything the community holds about a member, as a JSON value.
    ///
    /// ```
    /// let mut c = cimi_core::Community::cimi();
    /// let t = chrono::Utc::now();
    /// let id = c.add_member("ada@interieur.gouv.fr", Default::default(), t)?;
    /// let doc = c.subject_access(id, t)?;
    /// assert_eq!(doc["member"]["email"], "ada@interieur.gouv.fr");
    /// # Ok::<(), cimi_core::Error>(())
    /// ```
    pub fn subject_access(
        &self,
        id: MemberId,
        now: DateTime<Utc>,
    ) -> Result<serde_json::Value, Error> {
        let m = self
            .member(id)
            .ok_or_else(|| Error::not_found(crate::error::Entity::Member, id.get()))?;
        let registrations: Vec<serde_json::Value> = self
            .all_registrations()
            .filter(|r| r.member == id)
            .map(|r| {
                let event = self.event(r.event);
                let held = event.is_some_and(|e| {
                    matches!(
                        e.state,
                        crate::event::EventState::Held | crate::event::EventState::Reported
                    )
                });
                serde_json::json!({
                    "registration": r,
                    "event_title": event.map(|e| e.title.as_str()),
                    "event_starts_at": event.map(|e| e.schedule.starts_at),
                    "attendance": r.attendance(held).kind(),
                })
            })
            .collect();
        let asked: Vec<_> = self.help_requests().filter(|h| h.asker == id).collect();
        let referred: Vec<_> = self
            .help_requests()
            .filter(|h| h.asker != id && h.referred_to().contains(&id))
            .map(|h| h.id)
            .collect();
        let shared: Vec<_> = self.watch_items().filter(|w| w.shared_by == id).collect();
        Ok(serde_json::json!({
            "format": "cimi.subject_access",
            "generated_at": now,
            "member": m,
            "status": m.status(self.statutes().activity_window(), now).kind(),
            "audience": self.statutes().audience_of(&m.email),
            "registrations": registrations,
            "help_requests_asked": asked,
            "help_requests_referred_to": referred,
            "watch_items_shared": shared,
        }))
    }

    /// The people the statutes' retention rule applies to at `now`: not
    /// active members (dormant), holding no bureau role, not yet erased,
    /// whose every registered event ended more than
    /// `non_member_retention_days` ago. Without that setting, nobody.
    pub fn retention_candidates(&self, now: DateTime<Utc>) -> Vec<MemberId> {
        let Some(days) = self.statutes().non_member_retention_days else {
            return Vec::new();
        };
        let limit = now - chrono::Duration::days(i64::from(days));
        let window = self.statutes().activity_window();
        let mut last_event_end: HashMap<MemberId, DateTime<Utc>> = HashMap::new();
        let mut has_upcoming: BTreeSet<MemberId> = BTreeSet::new();
        for r in self.all_registrations() {
            if let Some(e) = self.event(r.event) {
                if e.state.is_upcoming() {
                    has_upcoming.insert(r.member);
                }
                let end = last_event_end.entry(r.member).or_insert(e.schedule.ends_at);
                *end = (*end).max(e.schedule.ends_at);
            }
        }
        self.members()
            .filter(|m| !m.is_erased() && m.bureau_role().is_none())
            .filter(|m| m.status(window, now) == crate::member::MemberStatus::Dormant)
            .filter(|m| !has_upcoming.contains(&m.id))
            .filter(|m| last_event_end.get(&m.id).is_some_and(|end| *end < limit))
            .map(|m| m.id)
            .collect()
    }
}
