//! The journal's cost, in one run: durable appends (an fsync per record,
//! grouped, and without fsync) as ratios to a raw write-plus-fdatasync loop of
//! the same record size on the same disk, and the replay rate of 1,000,000
//! records.
//!
//! ```text
//! cargo bench -p cimi-benches --bench journal
//! CIMI_BENCH_DIR=/some/disk CIMI_BENCH_RECORDS=200000 cargo bench -p cimi-benches --bench journal
//! ```

use std::fs::OpenOptions;
use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;

use cimi_benches::{MemoryStorage, request_of, schedule, t0};
use cimi_core::Community;
use cimi_core::event::{EventKind, EventSpec};
use cimi_core::journal::{Store, SyncPolicy, encode_frame, replay};

fn env(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(default)
}

fn bench_dir() -> PathBuf {
    let base = std::env::var_os("CIMI_BENCH_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_TARGET_TMPDIR")));
    let dir = base.join(format!("journal-bench-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A store with one member whose bureau role we toggle: one record of
/// constant size per operation.
fn store(dir: &PathBuf, policy: SyncPolicy) -> (Store, cimi_core::ids::MemberId) {
    let (mut s, _) = Store::open_with(
        dir,
        cimi_core::Statutes::cimi(),
        &cimi_core::store::StoreOptions::new().sync(policy),
    )
    .unwrap();
    let id = s
        .execute("bench", |c| {
            c.add_member("bench@interieur.gouv.fr", Default::default(), t0())
        })
        .unwrap();
    (s, id)
}

/// In-memory storage to collect journal bytes.
fn main() {
    let n_sync = env("CIMI_BENCH_SYNC_RECORDS", 2_000);
    let n_replay = env("CIMI_BENCH_RECORDS", 1_000_000);
    let dir = bench_dir();

    // One record per operation: its size, for the raw loop.
    let (mut s, id) = store(&dir.join("size"), SyncPolicy::Never);
    let before = std::fs::metadata(dir.join("size/journal.log"))
        .unwrap()
        .len();
    s.execute("bench", |c| c.set_bureau_role(id, Some("liste"), t0()))
        .unwrap();
    let record_len = (std::fs::metadata(dir.join("size/journal.log"))
        .unwrap()
        .len()
        - before) as usize;
    drop(s);

    // Raw loop: write + fdatasync of a record-sized buffer.
    let raw = {
        let path = dir.join("raw.log");
        let mut f = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .unwrap();
        let mut line = Vec::new();
        encode_frame(&vec![b'x'; record_len.saturating_sub(46)], &mut line);
        let start = Instant::now();
        for _ in 0..n_sync {
            f.write_all(&line).unwrap();
            f.sync_data().unwrap();
        }
        start.elapsed().as_secs_f64() / n_sync as f64
    };

    let per_record = |policy: SyncPolicy, group: usize, name: &str| {
        let (mut s, id) = store(&dir.join(name), policy);
        let ops = if policy == SyncPolicy::Never {
            n_sync * 10
        } else {
            n_sync
        };
        let start = Instant::now();
        let mut done = 0;
        let mut flip = false;
        while done < ops {
            s.execute("bench", |c| {
                for _ in 0..group {
                    flip = !flip;
                    c.set_bureau_role(id, Some(if flip { "forum" } else { "liste" }), t0())?;
                }
                Ok(())
            })
            .unwrap();
            done += group;
        }
        start.elapsed().as_secs_f64() / ops as f64
    };
    let fsync_each = per_record(SyncPolicy::EveryOperation, 1, "each");
    let grouped = per_record(SyncPolicy::EveryOperation, 100, "grouped");
    let nosync = per_record(SyncPolicy::Never, 1, "nosync");

    println!("record size: {record_len} bytes; {n_sync} records per durable measurement");
    println!("raw write+fdatasync loop : {:>10.1} µs/record", raw * 1e6);
    println!(
        "journal, fsync per record: {:>10.1} µs/record  ({:.2} of the raw loop's throughput; floor 0.8)",
        fsync_each * 1e6,
        raw / fsync_each
    );
    println!(
        "journal, grouped by 100  : {:>10.1} µs/record  ({:.1}x the raw loop's throughput)",
        grouped * 1e6,
        raw / grouped
    );
    println!(
        "journal, no fsync        : {:>10.1} µs/record  ({:.1}x the raw loop's throughput)",
        nosync * 1e6,
        raw / nosync
    );

    // Replay: a journal of registrations (member + registration records).
    let bytes = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let mut base = Community::new(cimi_benches::statutes()).unwrap();
    let ev = base
        .schedule_event(
            EventSpec::new(EventKind::Conference, "Rencontres", schedule(90), 5_000),
            t0(),
        )
        .unwrap();
    let people = cimi_benches::directory(n_replay / 2 + 1, 9);
    let mut writer = Store::with_storage(
        base.clone(),
        Box::new(MemoryStorage(bytes.clone())),
        SyncPolicy::Never,
    );
    let mut written = 0;
    for chunk in people.chunks(1_000) {
        writer
            .execute("bench", |c| {
                for p in chunk {
                    c.register(ev, &request_of(p), t0())?;
                }
                Ok(())
            })
            .unwrap();
        written = writer.seq();
        if written as usize >= n_replay {
            break;
        }
    }
    drop(writer);
    let bytes = std::mem::take(&mut *bytes.lock().unwrap());
    let mut c = base.clone();
    let start = Instant::now();
    let report = replay(&mut c, &bytes, "journal.log", 0).unwrap();
    let secs = start.elapsed().as_secs_f64();
    let untyped = {
        let start = Instant::now();
        let mut n = 0usize;
        for line in bytes.split(|b| *b == b'\n').filter(|l| !l.is_empty()) {
            let v: serde_json::Value = serde_json::from_slice(line).unwrap();
            n += usize::from(v.is_object());
        }
        assert_eq!(n as u64, report.records_replayed);
        start.elapsed().as_secs_f64()
    };
    println!(
        "replay of {} records ({:.0} MB): {:.2} s, {:.0} MB/s (floor 200 MB/s); serde_json into untyped values: {:.2} s (replay = {:.2}x)",
        report.records_replayed,
        bytes.len() as f64 / 1e6,
        secs,
        bytes.len() as f64 / 1e6 / secs,
        untyped,
        secs / untyped
    );
    let _ = written;
    std::fs::remove_dir_all(&dir).unwrap();
}
