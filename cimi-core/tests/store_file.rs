//! The file store shared between processes: one writer (a second one is
//! refused and writes nothing), read-only followers that see every complete
//! operation after `refresh`, wait for one still being written, and follow
//! through snapshots and compactions.

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use chrono::Utc;
use cimi_core::store::{Store, StoreError, StoreOptions};
use cimi_core::{Error, Statutes};
use common::{agent, schedule, t0, temp_dir};
use proptest::prelude::*;

/// Every file of a directory with its bytes.
fn contents(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| {
            (
                e.file_name().to_string_lossy().to_string(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}

/// Schedules an event of `seats` seats and registers `people` people into
/// it, one operation each, cancelling every third.
fn workload(store: &mut Store, people: usize, seats: u32) {
    let ev = store.execute("organiser", |c| schedule(c, seats)).unwrap();
    for i in 0..people {
        let r = store
            .execute("organiser", |c| c.register(ev, &agent(i), t0()))
            .unwrap()
            .registration;
        if i % 3 == 2 {
            store
                .execute("organiser", |c| c.cancel_registration(r.id, t0()))
                .unwrap();
        }
    }
}

#[test]
fn a_second_writer_is_refused_and_writes_nothing() {
    let dir = temp_dir("second");
    let (mut writer, _) = Store::open(&dir, Statutes::cimi()).unwrap();
    workload(&mut writer, 5, 3);
    let before = contents(&dir);
    let refused = Store::open(&dir, Statutes::cimi()).unwrap_err();
    assert_eq!(refused.kind(), "store_locked");
    assert!(refused.to_string().contains(&dir.display().to_string()));
    assert!(matches!(refused, Error::Store(StoreError::Locked { .. })));
    assert_eq!(contents(&dir), before, "the refused writer changed a file");
    // Once the writer is gone, the directory opens for writing again.
    drop(writer);
    let (again, _) = Store::open(&dir, Statutes::cimi()).unwrap();
    assert_eq!(again.community().to_json(), {
        let (f, _) = Store::open_read_only(&dir).unwrap();
        f.community().to_json()
    });
    drop(again);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_follower_sees_every_operation_after_refresh_and_never_writes() {
    let dir = temp_dir("follow");
    let (mut writer, _) = Store::open(&dir, Statutes::cimi()).unwrap();
    let (mut follower, _) = Store::open_read_only(&dir).unwrap();
    assert!(follower.is_read_only());
    let (mut second, _) =
        Store::open_with(&dir, Statutes::cimi(), &StoreOptions::new().read_only(true)).unwrap();
    workload(&mut writer, 12, 4);
    assert!(follower.refresh().unwrap() > 0);
    assert_eq!(follower.seq(), writer.seq());
    assert_eq!(follower.community().to_json(), writer.community().to_json());
    // A snapshot, then a compaction, under a follower that lags behind.
    writer.snapshot().unwrap();
    workload(&mut writer, 4, 2);
    follower.refresh().unwrap();
    assert_eq!(follower.community().to_json(), writer.community().to_json());
    writer.compact().unwrap();
    workload(&mut writer, 3, 2);
    assert!(second.refresh().unwrap() > 0);
    assert_eq!(second.community().to_json(), writer.community().to_json());
    follower.refresh().unwrap();
    assert_eq!(follower.community().to_json(), writer.community().to_json());
    assert_eq!(follower.refresh().unwrap(), 0);
    // A follower never writes.
    let t = Utc::now();
    for e in [
        follower
            .execute("x", |c| {
                c.add_member("z@interieur.gouv.fr", Default::default(), t)
            })
            .unwrap_err(),
        follower.snapshot().unwrap_err(),
        follower.compact().unwrap_err(),
    ] {
        assert_eq!(e.kind(), "store_read_only");
    }
    drop((writer, follower, second));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_follower_finds_no_store_where_there_is_none() {
    let dir = temp_dir("none");
    assert_eq!(
        Store::open_read_only(&dir).unwrap_err().kind(),
        "store_not_found"
    );
    assert!(!dir.exists(), "a follower created the directory");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// A journal being written, cut at any byte: the follower applies every
    /// complete operation before the cut, waits for the rest without error,
    /// and ends in the writer's state.
    #[test]
    fn a_follower_waits_for_an_operation_still_being_written(cuts in proptest::collection::vec(0.0f64..1.0, 1..8)) {
        let source = temp_dir("source");
        let (mut writer, _) = Store::open(&source, Statutes::cimi()).unwrap();
        workload(&mut writer, 6, 2);
        let expected = writer.community().to_json();
        drop(writer);
        let journal = std::fs::read(source.join("journal.log")).unwrap();
        let dir = temp_dir("growing");
        std::fs::create_dir_all(&dir).unwrap();
        // The statutes' record first, so that there is a store to follow.
        let first_line = journal.iter().position(|b| *b == b'\n').unwrap() + 1;
        std::fs::write(dir.join("journal.log"), &journal[..first_line]).unwrap();
        let (mut follower, _) = Store::open_read_only(&dir).unwrap();
        let mut cuts: Vec<usize> = cuts.iter().map(|f| first_line + (f * (journal.len() - first_line) as f64) as usize).collect();
        cuts.sort();
        cuts.push(journal.len());
        let mut last_seq = follower.seq();
        for cut in cuts {
            std::fs::write(dir.join("journal.log"), &journal[..cut]).unwrap();
            follower.refresh().unwrap();
            prop_assert!(follower.seq() >= last_seq);
            last_seq = follower.seq();
            prop_assert!(follower.community().check_invariants().is_ok());
        }
        prop_assert_eq!(follower.community().to_json(), expected);
        drop(follower);
        std::fs::remove_dir_all(&dir).unwrap();
        std::fs::remove_dir_all(&source).unwrap();
    }
}
