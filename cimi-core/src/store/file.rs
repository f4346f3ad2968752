//! The file store: a directory holding `journal.log`, snapshots,
//! `history.log` after compaction, and `writer.lock`, which the one writing
//! process holds locked for the life of its store. Followers read without
//! locking and [`refresh`](Store::refresh) from where they stopped.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use chrono::Utc;

use super::journal::Storage;
use super::journal::{
    FileStorage, HEADER_LEN, JournalRecord, OpenReport, SyncPolicy, decode_frames, encode_frame,
    last_seq, replay,
};
use super::{Backend, Journal, Location, Store, StoreError, parse_snapshot, snapshot_text};
use crate::community::Community;
use crate::error::Error;
use crate::statutes::Statutes;

pub(super) const JOURNAL: &str = "journal.log";
const HISTORY: &str = "history.log";
const SNAPSHOT_PREFIX: &str = "snapshot-";
/// The file a writer keeps locked.
pub(super) const LOCK: &str = "writer.lock";

/// A directory's state as read from its newest snapshot and its journal.
struct Loaded {
    community: Community,
    report: OpenReport,
    /// The last sequence number of a complete operation.
    seq: u64,
    /// The journal's length up to the end of its last complete operation.
    good_len: u64,
    /// The journal's identity when it was read.
    journal_id: Option<FileId>,
    /// Whether there was no journal file.
    journal_missing: bool,
    /// The newest snapshot's sequence number.
    snapshot_seq: Option<u64>,
}

/// What identifies a file across renames over its path (compaction replaces
/// `journal.log` with a new file).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct FileId {
    #[cfg(unix)]
    dev: u64,
    #[cfg(unix)]
    ino: u64,
}

fn file_id(meta: &fs::Metadata) -> FileId {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        FileId {
            dev: meta.dev(),
            ino: meta.ino(),
        }
    }
    #[cfg(not(unix))]
    {
        let _ = meta;
        FileId {}
    }
}

fn newest_snapshot(dir: &Path) -> Result<Option<(u64, PathBuf)>, StoreError> {
    let mut newest: Option<(u64, PathBuf)> = None;
    for entry in fs::read_dir(dir)
        .map_err(|e| StoreError::io("list", dir, e))?
        .flatten()
    {
        let Ok(name) = entry.file_name().into_string() else {
            continue;
        };
        let Some(seq) = name
            .strip_prefix(SNAPSHOT_PREFIX)
            .and_then(|n| n.strip_suffix(".json"))
            .and_then(|n| n.parse::<u64>().ok())
        else {
            continue;
        };
        if newest.as_ref().is_none_or(|(s, _)| seq > *s) {
            newest = Some((seq, entry.path()));
        }
    }
    Ok(newest)
}

fn read_snapshot(path: &Path, seq: u64) -> Result<Community, Error> {
    let bytes = read_file(path)?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    let decoded = decode_frames(&bytes, &name)?;
    match (decoded.payloads.as_slice(), decoded.torn) {
        ([(_, p)], None) => parse_snapshot(p, &name, seq),
        _ => Err(StoreError::Corrupt {
            file: name,
            offset: 0,
            detail: "snapshot is incomplete".into(),
        }
        .into()),
    }
}

/// Loads the newest snapshot and replays the journal after it. A torn tail
/// is reported, not cut (the writer cuts it; a follower waits for it).
fn load(dir: &Path, statutes: &Statutes) -> Result<Loaded, Error> {
    let mut report = OpenReport::default();
    let snapshot = newest_snapshot(dir)?;
    let (mut community, snap_seq) = match &snapshot {
        Some((seq, path)) => {
            report.snapshot_seq = Some(*seq);
            (read_snapshot(path, *seq)?, *seq)
        }
        None => (Community::new(statutes.clone())?, 0),
    };
    let path = dir.join(JOURNAL);
    let (bytes, journal_id, journal_missing) = match File::open(&path) {
        Ok(mut f) => {
            let meta = f.metadata().map_err(|e| StoreError::io("read", &path, e))?;
            let mut bytes = Vec::with_capacity(meta.len() as usize);
            f.read_to_end(&mut bytes)
                .map_err(|e| StoreError::io("read", &path, e))?;
            (bytes, Some(file_id(&meta)), false)
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => (Vec::new(), None, true),
        Err(e) => return Err(StoreError::io("open", &path, e).into()),
    };
    let replayed = replay(&mut community, &bytes, JOURNAL, snap_seq)?;
    report.records_replayed = replayed.records_replayed;
    report.torn_tail = replayed.torn_tail;
    let good_len = replayed.torn_tail.map_or(bytes.len() as u64, |t| t.offset);
    let seq = last_seq(&bytes[..good_len as usize], JOURNAL)?.max(snap_seq);
    Ok(Loaded {
        community,
        report,
        seq,
        good_len,
        journal_id,
        journal_missing,
        snapshot_seq: snapshot.map(|(s, _)| s),
    })
}

/// Where a follower stands in the directory it follows.
#[derive(Debug)]
pub(super) struct Follower {
    dir: PathBuf,
    /// The journal's length read so far (the end of the last complete
    /// operation applied).
    offset: u64,
    journal_id: Option<FileId>,
    snapshot_seq: Option<u64>,
}

impl Follower {
    pub(super) fn dir(&self) -> &Path {
        &self.dir
    }
}

fn check_dir(dir: &Path) -> Result<(), Error> {
    if dir.as_os_str().is_empty() {
        // Not the current directory by accident.
        return Err(Error::input(
            "directory",
            "the store's directory is an empty path",
            "le répertoire du stockage est un chemin vide",
        ));
    }
    Ok(())
}

impl Store {
    /// Opens (or creates) a file store for writing, taking its lock first.
    pub(super) fn open_dir(
        dir: PathBuf,
        statutes: Statutes,
        policy: SyncPolicy,
    ) -> Result<(Store, OpenReport), Error> {
        check_dir(&dir)?;
        if !dir.exists() {
            fs::create_dir_all(&dir).map_err(|e| StoreError::io("create directory", &dir, e))?;
            if let Some(parent) = dir.parent().filter(|p| !p.as_os_str().is_empty()) {
                sync_dir(parent)?;
            }
        }
        // The lock comes first: a refused writer reads and writes nothing.
        let lock = take_lock(&dir)?;
        let loaded = load(&dir, &statutes)?;
        let path = dir.join(JOURNAL);
        let mut storage = FileStorage::open(&path).map_err(|e| StoreError::io("open", &path, e))?;
        if loaded.report.torn_tail.is_some() {
            storage
                .truncate(loaded.good_len)
                .map_err(|e| StoreError::io("truncate", &path, e))?;
        }
        if loaded.journal_missing {
            sync_dir(&dir)?;
        }
        let mut community = loaded.community;
        community.set_recording(true);
        let journal = Journal {
            storage: Box::new(storage),
            dir: Some(dir.clone()),
            _lock: Some(lock),
        };
        let mut store = Store::with_backend(
            community,
            Backend::Journal(journal),
            Some(Location::Directory(dir)),
        );
        store.seq = loaded.seq;
        store.policy = policy;
        if store.seq == 0 {
            // A new store records its statutes first, so reopening needs no argument.
            let at = Utc::now();
            store.execute("cimi", |c| c.replace_statutes(statutes, at))?;
        }
        Ok((store, loaded.report))
    }

    /// Opens an existing file store read-only.
    pub(super) fn follow_dir(dir: PathBuf) -> Result<(Store, OpenReport), Error> {
        check_dir(&dir)?;
        let not_found = || -> Error {
            StoreError::NotFound {
                location: dir.display().to_string(),
            }
            .into()
        };
        if !dir.is_dir() {
            return Err(not_found());
        }
        let loaded = load(&dir, &Statutes::cimi())?;
        if loaded.seq == 0 {
            // No statutes recorded yet: nothing to follow.
            return Err(not_found());
        }
        // A follower applies facts and records nothing.
        let community = loaded.community;
        let follower = Follower {
            dir: dir.clone(),
            offset: loaded.good_len,
            journal_id: loaded.journal_id,
            snapshot_seq: loaded.snapshot_seq,
        };
        let mut store = Store::with_backend(
            community,
            Backend::Follower(follower),
            Some(Location::Directory(dir)),
        );
        store.seq = loaded.seq;
        store.policy = SyncPolicy::Never;
        Ok((store, loaded.report))
    }

    /// A follower's refresh: the records appended since, or the whole state
    /// again after a compaction it has not seen.
    pub(super) fn refresh_follower(&mut self) -> Result<u64, Error> {
        // A compaction running meanwhile replaces files under us: try again.
        let mut last_error = None;
        for _ in 0..5 {
            match self.try_refresh_follower() {
                Ok(n) => return Ok(n),
                Err(e) => last_error = Some(e),
            }
        }
        Err(last_error.expect("an error"))
    }

    fn try_refresh_follower(&mut self) -> Result<u64, Error> {
        let Backend::Follower(follower) = &mut self.backend else {
            unreachable!("a follower")
        };
        let dir = follower.dir.clone();
        let newest = newest_snapshot(&dir)?;
        let newest_seq = newest.as_ref().map(|(s, _)| *s);
        if newest_seq.is_some_and(|s| s > self.seq) {
            // The writer compacted past what we read: start again from its snapshot.
            return self.reload_follower();
        }
        let path = dir.join(JOURNAL);
        let mut file = match File::open(&path) {
            Ok(f) => f,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(0),
            Err(e) => return Err(StoreError::io("open", &path, e).into()),
        };
        let meta = file
            .metadata()
            .map_err(|e| StoreError::io("read", &path, e))?;
        let id = file_id(&meta);
        let replaced = follower.journal_id != Some(id)
            || meta.len() < follower.offset
            || newest_seq != follower.snapshot_seq;
        let start = if replaced { 0 } else { follower.offset };
        file.seek(SeekFrom::Start(start))
            .map_err(|e| StoreError::io("read", &path, e))?;
        let mut bytes = Vec::with_capacity((meta.len().saturating_sub(start)) as usize);
        file.read_to_end(&mut bytes)
            .map_err(|e| StoreError::io("read", &path, e))?;
        let before = self.seq;
        match replay(&mut self.community, &bytes, JOURNAL, before) {
            Ok(report) => {
                let good = report.torn_tail.map_or(bytes.len() as u64, |t| t.offset);
                self.seq = before + report.records_replayed;
                follower.offset = start + good;
                follower.journal_id = Some(id);
                follower.snapshot_seq = newest_seq;
                Ok(report.records_replayed)
            }
            Err(e) => {
                // Records before the damage may be applied: nothing
                // half-read stays, the state is read again from scratch
                // (which fails too if the damage is real).
                self.reload_follower().map_err(|_| e)?;
                Ok(self.seq.saturating_sub(before))
            }
        }
    }

    fn reload_follower(&mut self) -> Result<u64, Error> {
        let Backend::Follower(follower) = &mut self.backend else {
            unreachable!("a follower")
        };
        let before = self.seq;
        let loaded = load(&follower.dir, &Statutes::cimi())?;
        self.community = loaded.community;
        self.seq = loaded.seq;
        follower.offset = loaded.good_len;
        follower.journal_id = loaded.journal_id;
        follower.snapshot_seq = loaded.snapshot_seq;
        Ok(loaded.seq.saturating_sub(before))
    }

    fn journal_dir(&self) -> PathBuf {
        match &self.backend {
            Backend::Journal(Journal { dir: Some(dir), .. }) => dir.clone(),
            _ => unreachable!("a file store"),
        }
    }

    /// Writes a snapshot file; returns its path.
    pub(super) fn snapshot_file(&mut self) -> Result<PathBuf, Error> {
        let dir = self.journal_dir();
        let doc = snapshot_text(self.seq, &self.community);
        let mut bytes = Vec::with_capacity(doc.len() + HEADER_LEN + 2);
        encode_frame(doc.as_bytes(), &mut bytes);
        let name = format!("{SNAPSHOT_PREFIX}{:020}.json", self.seq);
        write_atomically(&dir, &name, &bytes)?;
        Ok(dir.join(name))
    }

    /// Compacts a file store.
    pub(super) fn compact_file(&mut self) -> Result<(), Error> {
        if self.poisoned {
            return Err(StoreError::Poisoned.into());
        }
        let dir = self.journal_dir();
        self.snapshot_file()?;
        let mut records = read_history(&dir)?;
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
        let storage = FileStorage::open(&path).map_err(|e| StoreError::io("open", &path, e))?;
        if let Backend::Journal(journal) = &mut self.backend {
            journal.storage = Box::new(storage);
        }
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
}

/// Opens `writer.lock` and locks it without waiting.
fn take_lock(dir: &Path) -> Result<File, StoreError> {
    let path = dir.join(LOCK);
    let file = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(|e| StoreError::io("open", &path, e))?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(fs::TryLockError::WouldBlock) => Err(StoreError::Locked {
            location: dir.display().to_string(),
        }),
        Err(fs::TryLockError::Error(e)) => Err(StoreError::io("lock", &path, e)),
    }
}

/// Every record of the history and journal, oldest first, without repeats.
pub(super) fn read_history(dir: &Path) -> Result<Vec<JournalRecord>, Error> {
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
/// A failure before the rename removes the temporary file: the directory is
/// left as it was.
fn write_atomically(dir: &Path, name: &str, bytes: &[u8]) -> Result<(), StoreError> {
    let tmp = dir.join(format!("{name}.tmp"));
    let path = dir.join(name);
    let written = (|| {
        let mut f = File::create(&tmp).map_err(|e| StoreError::io("create", &tmp, e))?;
        f.write_all(bytes)
            .map_err(|e| StoreError::io("write", &tmp, e))?;
        f.sync_all().map_err(|e| StoreError::io("fsync", &tmp, e))?;
        fs::rename(&tmp, &path).map_err(|e| StoreError::io("rename", &path, e))
    })();
    if written.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    written?;
    sync_dir(dir)
}

impl Community {
    /// Writes the community's [JSON document](Community::to_json) to `path`
    /// atomically: a temporary file beside it, fsync, rename, fsync of the
    /// directory. A crash leaves either the old file or the new one, never a
    /// torn one.
    ///
    /// ```
    /// let dir = std::env::temp_dir().join(format!("cimi-save-doc-{}", std::process::id()));
    /// std::fs::create_dir_all(&dir)?;
    /// let c = cimi_core::Community::cimi();
    /// c.save(dir.join("community.json"))?;
    /// let back = cimi_core::Community::from_json(&std::fs::read_to_string(dir.join("community.json"))?)?;
    /// assert_eq!(back, c);
    /// # std::fs::remove_dir_all(&dir)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn save(&self, path: impl AsRef<Path>) -> Result<(), Error> {
        let path = path.as_ref();
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .filter(|n| !n.is_empty())
            .ok_or_else(|| Error::input("path", "must name a file", "doit désigner un fichier"))?;
        let dir = match path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d,
            _ => Path::new("."),
        };
        write_atomically(dir, name, self.to_json().as_bytes())?;
        Ok(())
    }
}
