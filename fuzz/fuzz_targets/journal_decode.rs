//! Any bytes as a journal file: never a panic; the decoder either splits the
//! file into checked frames (every byte accounted for, a torn tail only as an
//! incomplete last line, cutting a last record in two reported as torn, not as
//! damage) or reports damage at a frame boundary; replay and `Store::open`
//! agree, and a store that opens keeps every invariant, can be written as a
//! loadable document, and reopens to the same state with nothing left to cut.
//!
//! Input: a mode byte, then the file. Mode bit 0 clear: the bytes are the file
//! as they are. Set: every line is a payload framed with its right length and
//! CRC32C (so mutations reach the record parser and the replay), and with
//! bit 1 also set the last line is appended unframed, as a torn tail.
#![no_main]

use std::path::PathBuf;
use std::sync::LazyLock;

use cimi_core::journal::{Store, StoreError, SyncPolicy, decode_frames, encode_frame, replay};
use cimi_core::{Community, Error, Statutes};
use libfuzzer_sys::fuzz_target;

const FILE: &str = "journal.log";

/// One scratch directory per process (on tmpfs when there is one); those
/// that earlier processes left behind are removed.
static DIR: LazyLock<PathBuf> = LazyLock::new(|| {
    let base = PathBuf::from("/dev/shm");
    let base = if base.is_dir() {
        base
    } else {
        std::env::temp_dir()
    };
    const PREFIX: &str = "cimi-fuzz-journal-";
    let procfs = PathBuf::from("/proc/self").exists();
    for entry in std::fs::read_dir(&base).into_iter().flatten().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(pid) = name.strip_prefix(PREFIX) else {
            continue;
        };
        if procfs && !PathBuf::from("/proc").join(pid).exists() {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
    base.join(format!("{PREFIX}{}", std::process::id()))
});

fn frame(payload: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    encode_frame(payload, &mut out);
    out
}

fn build(data: &[u8]) -> Option<Vec<u8>> {
    let (&mode, rest) = data.split_first()?;
    if mode & 1 == 0 {
        return Some(rest.to_vec());
    }
    let mut lines: Vec<&[u8]> = rest.split(|b| *b == b'\n').collect();
    let torn = if mode & 2 != 0 && lines.len() > 1 {
        lines.pop()
    } else {
        None
    };
    let mut bytes = Vec::with_capacity(rest.len() + 64 * lines.len());
    for line in lines {
        encode_frame(line, &mut bytes);
    }
    bytes.extend_from_slice(torn.unwrap_or_default());
    Some(bytes)
}

/// The decoder's contract; returns the number of complete records.
fn check_decoder(bytes: &[u8], cut: usize) -> usize {
    let decoded = match decode_frames(bytes, FILE) {
        Ok(d) => d,
        Err(StoreError::Corrupt { file, offset, .. }) => {
            assert_eq!(file, FILE);
            let offset = usize::try_from(offset).expect("offset fits");
            assert!(offset < bytes.len(), "damage reported past the end");
            let before = decode_frames(&bytes[..offset], FILE)
                .expect("the records before reported damage decode");
            assert!(
                before.torn.is_none(),
                "damage not reported at a record boundary"
            );
            return usize::MAX;
        }
        Err(other) => panic!("decode_frames failed with {other:?}"),
    };
    let mut at = 0usize;
    for (offset, payload) in &decoded.payloads {
        assert_eq!(*offset, at as u64, "records are not contiguous");
        let f = frame(payload);
        assert_eq!(
            &bytes[at..at + f.len()],
            &f[..],
            "a record is not its frame"
        );
        at += f.len();
    }
    match decoded.torn {
        Some(t) => {
            assert_eq!(t.offset, at as u64, "torn tail not after the last record");
            assert_eq!(t.offset + t.len, bytes.len() as u64);
            assert!(t.len > 0);
            assert!(
                !bytes[at..].contains(&b'\n'),
                "a complete line was cut off as a torn tail"
            );
        }
        None => assert_eq!(at, bytes.len(), "bytes left unaccounted for"),
    }
    // A crash in the middle of writing the last record is a torn tail.
    if let Some((offset, payload)) = decoded.payloads.last() {
        if !payload.contains(&b'\n') {
            let offset = *offset as usize;
            let len = frame(payload).len();
            let end = offset + 1 + cut % (len - 1);
            let torn = decode_frames(&bytes[..end], FILE)
                .expect("a last record cut in two is a torn tail, not damage");
            assert_eq!(torn.payloads.len(), decoded.payloads.len() - 1);
            assert_eq!(torn.torn.map(|t| t.offset), Some(offset as u64));
        }
    }
    decoded.payloads.len()
}

fn open(bytes: Option<&[u8]>) -> Result<(Store, cimi_core::journal::OpenReport), Error> {
    if let Some(bytes) = bytes {
        let _ = std::fs::remove_dir_all(&*DIR);
        std::fs::create_dir_all(&*DIR).expect("scratch directory");
        std::fs::write(DIR.join(FILE), bytes).expect("scratch journal");
    }
    Store::open_with(
        &*DIR,
        Statutes::cimi(),
        &cimi_core::store::StoreOptions::new().sync(SyncPolicy::Never),
    )
}

fuzz_target!(|data: &[u8]| {
    let Some(bytes) = build(data) else {
        return;
    };
    let cut = data.iter().fold(0usize, |h, b| {
        h.wrapping_mul(31).wrapping_add(usize::from(*b))
    });
    let records = check_decoder(&bytes, cut);

    let mut replayed = Community::cimi();
    let replay_result = replay(&mut replayed, &bytes, FILE, 0);
    let opened = open(Some(&bytes));
    let (store, report) = match (replay_result, opened) {
        (Err(a), Err(b)) => {
            assert_eq!(a.kind(), b.kind(), "replay and open disagree");
            assert!(
                matches!(a, Error::Store(StoreError::Corrupt { .. })),
                "a bad journal is not reported as damage: {a}"
            );
            return;
        }
        (Ok(r), Ok((store, report))) => {
            assert_eq!(r.torn_tail, report.torn_tail, "replay and open disagree");
            assert_eq!(r.records_replayed, report.records_replayed);
            (store, report)
        }
        (Ok(_), Err(e)) => panic!("replay succeeds where Store::open fails: {e}"),
        (Err(e), Ok(_)) => panic!("Store::open succeeds where replay fails: {e}"),
    };
    assert_ne!(records, usize::MAX, "a damaged journal opened");
    assert!(
        report.records_replayed as usize <= records,
        "more records replayed than decoded"
    );
    let community = store.community().clone();
    assert!(community == replayed, "Store::open and replay disagree");
    // Sequence numbers start at 1 without a snapshot: a journal that starts
    // later, or with records numbered 0, has lost records.
    let first_seq = decode_frames(&bytes, FILE)
        .ok()
        .and_then(|d| d.payloads.first().map(|(_, p)| *p))
        .and_then(|p| serde_json::from_slice::<serde_json::Value>(p).ok())
        .and_then(|v| v["seq"].as_u64());
    if let Some(first) = first_seq.filter(|_| report.records_replayed > 0) {
        assert!(
            first == 1,
            "a journal whose first record is number {first} opened without a snapshot"
        );
    }
    if let Err(broken) = community.check_invariants() {
        panic!("a store that opens breaks an invariant: {broken}");
    }
    let doc = community.to_json();
    match Community::from_json(&doc) {
        Ok(back) => assert!(back == community, "the opened state changes through JSON"),
        Err(e) => panic!("the state of a store that opens cannot be loaded from its JSON: {e}"),
    }
    let seq = store.seq();
    drop(store);

    // Reopening finds nothing to cut and the same state.
    let (again, report) = open(None).expect("a store that opened reopens");
    assert!(
        report.torn_tail.is_none(),
        "a torn tail survived the first open"
    );
    assert!(
        again.community() == &community,
        "reopening changed the state"
    );
    assert_eq!(again.seq(), seq);
});
