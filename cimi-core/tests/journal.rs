//! The durable journal: replay, recovery, fault injection, snapshots,
//! compaction, audit and GDPR.

mod common;

use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Duration, TimeZone, Utc};
use cimi_core::community::MemberProfile;
use cimi_core::event::{EventKind, EventSpec, Schedule};
use cimi_core::help::Visibility;
use cimi_core::ids::EventId;
use cimi_core::journal::{
    Storage, Store, Subject, SyncPolicy, decode_frames, encode_frame, replay,
};
use cimi_core::member::ConsentKind;
use cimi_core::registration::{RegistrationRequest, RegistrationStatus};
use cimi_core::{Community, Statutes};
use common::{agent, temp_dir};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 2, 2, 9, 0, 0).unwrap()
}

/// [`agent`] `i`, whose family name is `Nom{i}`.
fn request(i: usize) -> RegistrationRequest {
    agent(i).names(format!("Nom{i}"), "Prénom")
}

fn schedule_event(store: &mut Store, capacity: u32) -> EventId {
    let start = t0() + Duration::days(30);
    store
        .execute("organiser", |c| {
            c.schedule_event(
                EventSpec::new(
                    EventKind::Miditech,
                    "Journal",
                    Schedule::new(start, start + Duration::hours(2))?,
                    capacity,
                ),
                t0(),
            )
        })
        .unwrap()
}

#[test]
fn reopening_replays_to_the_same_state() {
    let dir = temp_dir("reopen");
    let (mut store, report) = Store::open(&dir, Statutes::cimi()).unwrap();
    assert_eq!(report.records_replayed, 0);
    let ev = schedule_event(&mut store, 3);
    let mut ids = Vec::new();
    for i in 0..6 {
        ids.push(
            store
                .execute("guichet", |c| c.register(ev, &request(i), t0()))
                .unwrap()
                .registration
                .id,
        );
    }
    store
        .execute("agent1", |c| {
            c.cancel_registration(ids[1], t0() + Duration::hours(1))
        })
        .unwrap();
    let want = store.community().clone();
    drop(store);
    let (store, report) = Store::open(&dir, Statutes::cimi()).unwrap();
    assert_eq!(store.community(), &want);
    assert!(report.records_replayed > 10);
    assert!(report.torn_tail.is_none());
    // The new store recorded its statutes: reopening with others changes nothing.
    let mut other = Statutes::cimi();
    other.name = "Autre".into();
    drop(store);
    let (store, _) = Store::open(&dir, other).unwrap();
    assert_eq!(store.community().statutes().name, "CIMI");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_torn_last_record_is_cut_off_and_reported() {
    let dir = temp_dir("torn");
    let (mut store, _) = Store::open(&dir, Statutes::cimi()).unwrap();
    let ev = schedule_event(&mut store, 3);
    store
        .execute("guichet", |c| c.register(ev, &request(1), t0()))
        .unwrap();
    let want = store.community().clone();
    drop(store);
    let path = dir.join("journal.log");
    let good = std::fs::read(&path).unwrap();
    let mut torn = good.clone();
    torn.extend_from_slice(b"{\"len\":\"0000000400\",\"crc\":\"0badc0de\",\"data\":{\"seq\":");
    std::fs::write(&path, &torn).unwrap();
    let (store, report) = Store::open(&dir, Statutes::cimi()).unwrap();
    let tail = report.torn_tail.expect("reported");
    assert_eq!(tail.offset, good.len() as u64);
    assert_eq!(store.community(), &want);
    assert_eq!(std::fs::read(&path).unwrap(), good, "cut off on disk too");
    drop(store);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn damage_before_the_last_record_is_an_error_naming_the_offset() {
    let dir = temp_dir("damage");
    let (mut store, _) = Store::open(&dir, Statutes::cimi()).unwrap();
    let ev = schedule_event(&mut store, 3);
    store
        .execute("guichet", |c| c.register(ev, &request(1), t0()))
        .unwrap();
    drop(store);
    let path = dir.join("journal.log");
    let mut bytes = std::fs::read(&path).unwrap();
    let second = bytes.iter().position(|b| *b == b'\n').unwrap() + 1;
    bytes[second + 60] ^= 0x01;
    std::fs::write(&path, &bytes).unwrap();
    let err = Store::open(&dir, Statutes::cimi()).unwrap_err();
    assert_eq!(err.kind(), "corrupt_journal");
    assert!(
        err.to_string().contains(&format!("offset {second}")),
        "{err}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn every_single_bit_flip_is_detected() {
    let mut bytes = Vec::new();
    for i in 0..3 {
        let payload = format!(
            "{{\"seq\":{i},\"actor\":\"é\",\"pad\":\"{}\"}}",
            "x".repeat(i * 7)
        );
        encode_frame(payload.as_bytes(), &mut bytes);
    }
    let clean = decode_frames(&bytes, "j").unwrap();
    assert_eq!(clean.payloads.len(), 3);
    let mut flips = 0;
    for byte in 0..bytes.len() {
        for bit in 0..8 {
            let mut damaged = bytes.clone();
            damaged[byte] ^= 1 << bit;
            match decode_frames(&damaged, "j") {
                Err(_) => {}
                Ok(d) => assert!(
                    d.torn.is_some(),
                    "flip of bit {bit} of byte {byte} went unnoticed"
                ),
            }
            flips += 1;
        }
    }
    assert_eq!(flips, bytes.len() * 8);
}

/// A storage layer that injects faults: it fails the Nth write (after
/// writing part of it: a torn write) or the Nth fsync, and on a "crash"
/// keeps what was synced plus a random prefix of what was not.
#[derive(Clone, Default)]
struct Faulty {
    inner: Arc<Mutex<FaultyState>>,
}

#[derive(Default)]
struct FaultyState {
    data: Vec<u8>,
    synced: usize,
    writes: u32,
    syncs: u32,
    fail_write: Option<(u32, usize)>,
    fail_sync: Option<u32>,
    faults: u32,
}

impl Storage for Faulty {
    fn append(&mut self, bytes: &[u8]) -> io::Result<()> {
        let mut s = self.inner.lock().unwrap();
        s.writes += 1;
        if let Some((n, keep)) = s.fail_write
            && s.writes == n
        {
            let keep = keep.min(bytes.len());
            s.data.extend_from_slice(&bytes[..keep]);
            s.faults += 1;
            return Err(io::Error::other("injected: no space left on device"));
        }
        s.data.extend_from_slice(bytes);
        Ok(())
    }
    fn sync(&mut self) -> io::Result<()> {
        let mut s = self.inner.lock().unwrap();
        s.syncs += 1;
        if s.fail_sync == Some(s.syncs) {
            s.faults += 1;
            return Err(io::Error::other("injected: fsync failed"));
        }
        s.synced = s.data.len();
        Ok(())
    }
    fn truncate(&mut self, len: u64) -> io::Result<()> {
        let mut s = self.inner.lock().unwrap();
        s.data.truncate(len as usize);
        s.synced = s.synced.min(len as usize);
        Ok(())
    }
    fn len(&self) -> u64 {
        self.inner.lock().unwrap().data.len() as u64
    }
}

impl Faulty {
    /// What a reader finds after a crash: the synced bytes and a prefix of the rest.
    fn after_crash(&self, rng: &mut ChaCha8Rng) -> Vec<u8> {
        let s = self.inner.lock().unwrap();
        let extra = s.data.len() - s.synced;
        let keep = if extra == 0 {
            0
        } else {
            rng.random_range(0..=extra)
        };
        s.data[..s.synced + keep].to_vec()
    }
}

#[test]
fn no_acknowledged_record_is_lost_and_no_corruption_is_silent_under_injected_faults() {
    let mut rng = ChaCha8Rng::seed_from_u64(5);
    let mut injected = 0u32;
    let mut rounds = 0;
    while injected < 10_000 {
        rounds += 1;
        let faulty = Faulty::default();
        {
            let mut s = faulty.inner.lock().unwrap();
            match rng.random_range(0..3) {
                0 => s.fail_write = Some((rng.random_range(1..12), rng.random_range(0..400))),
                1 => s.fail_sync = Some(rng.random_range(1..12)),
                _ => {}
            }
        }
        let mut base = Community::cimi();
        let start = t0() + Duration::days(30);
        let ev = base
            .schedule_event(
                EventSpec::new(
                    EventKind::Workshop,
                    "Faults",
                    Schedule::new(start, start + Duration::hours(2)).unwrap(),
                    3,
                ),
                t0(),
            )
            .unwrap();
        let mut store = Store::with_storage(
            base.clone(),
            Box::new(faulty.clone()),
            SyncPolicy::EveryOperation,
        );
        let mut acked = Vec::new();
        for i in 0..10 {
            let before = store.community().clone();
            let out = if i % 4 == 3 && !acked.is_empty() {
                let (id, _) = acked[rng.random_range(0..acked.len())];
                store.execute("x", |c| {
                    c.cancel_registration(id, t0()).map(|c| c.registration)
                })
            } else {
                store.execute("x", |c| {
                    c.register(ev, &request(i), t0()).map(|o| o.registration)
                })
            };
            match out {
                Ok(r) => acked.push((r.id, r.status)),
                Err(e) => {
                    assert!(matches!(e.kind(), "io_error" | "store_poisoned"), "{e}");
                    assert_eq!(
                        store.community(),
                        &before,
                        "a failed operation leaves the state as it was"
                    );
                    assert!(store.is_poisoned());
                }
            }
        }
        let bytes = faulty.after_crash(&mut rng);
        injected += faulty.inner.lock().unwrap().faults + 1; // the crash drops or tears unsynced bytes
        let mut recovered = base.clone();
        let report = replay(&mut recovered, &bytes, "journal.log", 0).expect("recoverable");
        let _ = report;
        recovered.check_invariants().unwrap();
        for (id, _) in &acked {
            assert!(
                recovered.registration(*id).is_some(),
                "acknowledged {id} lost in round {rounds}"
            );
        }
        // Recovery never invents state: what it holds is a prefix of what happened.
        for r in recovered.all_registrations() {
            assert!(
                store.community().registration(r.id).is_some()
                    || !acked.iter().any(|(id, _)| *id == r.id)
            );
        }
    }
    assert!(injected >= 10_000);
}

#[test]
fn an_io_error_fails_the_operation_and_poisons_the_store_until_reopened() {
    let faulty = Faulty::default();
    faulty.inner.lock().unwrap().fail_sync = Some(2);
    let mut base = Community::cimi();
    let start = t0() + Duration::days(30);
    let ev = base
        .schedule_event(
            EventSpec::new(
                EventKind::Workshop,
                "x",
                Schedule::new(start, start + Duration::hours(2)).unwrap(),
                3,
            ),
            t0(),
        )
        .unwrap();
    let mut store = Store::with_storage(base, Box::new(faulty.clone()), SyncPolicy::EveryOperation);
    store
        .execute("x", |c| c.register(ev, &request(1), t0()))
        .unwrap();
    let before = store.community().clone();
    let err = store
        .execute("x", |c| c.register(ev, &request(2), t0()))
        .unwrap_err();
    assert_eq!(err.family(), "store");
    assert_eq!(err.kind(), "io_error");
    assert_eq!(store.community(), &before);
    let err = store
        .execute("x", |c| c.register(ev, &request(3), t0()))
        .unwrap_err();
    assert_eq!(err.kind(), "store_poisoned");
    // What reached the file is exactly the acknowledged operation.
    let bytes = faulty.inner.lock().unwrap().data.clone();
    let mut c = Community::cimi();
    c.schedule_event(
        EventSpec::new(
            EventKind::Workshop,
            "x",
            Schedule::new(start, start + Duration::hours(2)).unwrap(),
            3,
        ),
        t0(),
    )
    .unwrap();
    replay(&mut c, &bytes, "j", 0).unwrap();
    assert_eq!(c.registrations(ev).count(), 1);
}

#[test]
fn snapshots_shorten_replay_and_compaction_keeps_the_state() {
    let dir = temp_dir("snapshot");
    let (mut store, _) = Store::open(&dir, Statutes::cimi()).unwrap();
    let ev = schedule_event(&mut store, 2);
    for i in 0..5 {
        store
            .execute("guichet", |c| c.register(ev, &request(i), t0()))
            .unwrap();
    }
    store.snapshot().unwrap();
    store
        .execute("guichet", |c| c.register(ev, &request(9), t0()))
        .unwrap();
    let want = store.community().clone();
    drop(store);
    let (mut store, report) = Store::open(&dir, Statutes::cimi()).unwrap();
    assert_eq!(store.community(), &want);
    assert!(report.snapshot_seq.is_some());
    assert_eq!(
        report.records_replayed, 2,
        "member and registration after the snapshot"
    );
    store.compact().unwrap();
    assert_eq!(store.community(), &want);
    store
        .execute("guichet", |c| c.register(ev, &request(10), t0()))
        .unwrap();
    let want = store.community().clone();
    drop(store);
    let (mut store, report) = Store::open(&dir, Statutes::cimi()).unwrap();
    assert_eq!(store.community(), &want);
    assert_eq!(report.records_replayed, 2);
    // The audit trail survives compaction.
    let history = store.history(Subject::Event(ev)).unwrap();
    assert!(history.len() >= 8, "{}", history.len());
    assert!(history.windows(2).all(|w| w[0].seq < w[1].seq));
    assert!(
        history
            .iter()
            .all(|r| r.actor == "organiser" || r.actor == "guichet")
    );
    drop(store);
    std::fs::remove_dir_all(&dir).unwrap();
}

fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        if e.path().is_dir() {
            out.extend(files_under(&e.path()));
        } else {
            out.push(e.path());
        }
    }
    out
}

#[test]
fn erasure_leaves_no_byte_of_the_person_after_compaction_and_keeps_aggregates() {
    let dir = temp_dir("erasure");
    let (mut store, _) = Store::open(&dir, Statutes::cimi()).unwrap();
    let ev = schedule_event(&mut store, 5);
    let person = RegistrationRequest::new("Zoe.Quenouille@interieur.gouv.fr")
        .names("Quenouille", "Zoé")
        .affiliation("SDSICIF", "brigadière", "cartographe")
        .acknowledging(["deontology", "pssi"]);
    let r = store
        .execute("Zoe.Quenouille@interieur.gouv.fr", |c| {
            c.register(ev, &person, t0())
        })
        .unwrap()
        .registration;
    for i in 0..3 {
        store
            .execute("guichet", |c| c.register(ev, &request(i), t0()))
            .unwrap();
    }
    let zoe = r.member;
    store
        .execute("guichet", |c| {
            c.set_consent(zoe, ConsentKind::MailingList, true, t0())?;
            c.ask_help(
                "zoe.quenouille@interieur.gouv.fr",
                "Quenouille cherche QGIS",
                "Je suis Zoé Quenouille",
                &["QGIS"],
                Visibility::Private,
                t0(),
            )
        })
        .unwrap();
    let access = store
        .subject_access("zoe.quenouille@interieur.gouv.fr", t0())
        .unwrap();
    assert!(
        access.contains("Quenouille")
            && access.contains("mailing_list")
            && access.contains("\"audit\"")
    );
    let start = t0() + Duration::days(30);
    store
        .execute("accueil", |c| c.check_in(r.id, start))
        .unwrap();
    store
        .execute("accueil", |c| c.mark_held(ev, start + Duration::hours(2)))
        .unwrap();
    let confirmed_before = store.community().confirmed(ev).len();

    store
        .execute("dpo", |c| c.erase_member(zoe, t0() + Duration::days(40)))
        .unwrap();
    store.compact().unwrap();

    let needles = [
        "Quenouille",
        "quenouille",
        "Zoé",
        "Zoe",
        "brigadière",
        "cartographe",
    ];
    for file in files_under(&dir) {
        let bytes = std::fs::read(&file).unwrap();
        let text = String::from_utf8_lossy(&bytes);
        for n in needles {
            assert!(!text.contains(n), "{} still holds {n:?}", file.display());
        }
    }
    let c = store.community();
    for export in [
        c.to_json(),
        serde_json::to_string(&c.event_stats()).unwrap(),
    ] {
        for n in needles {
            assert!(!export.contains(n), "an export still holds {n:?}");
        }
    }
    // Aggregates stay right: the registration and the attendance still count.
    assert_eq!(c.confirmed(ev).len(), confirmed_before);
    let stats = &c.event_stats()[0];
    assert_eq!(stats.attended, 1);
    drop(store);
    let (store, _) = Store::open(&dir, Statutes::cimi()).unwrap();
    assert!(
        store
            .community()
            .member_by_email("zoe.quenouille@interieur.gouv.fr")
            .is_none()
    );
    drop(store);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn retention_erases_dormant_non_members_after_the_delay() {
    let mut s = Statutes::cimi();
    s.non_member_retention_days = Some(90);
    s.activity_window_days = 30;
    let mut store = Store::in_memory(Community::new(s).unwrap());
    let ev = schedule_event(&mut store, 5);
    let r = store
        .execute("x", |c| c.register(ev, &request(1), t0()))
        .unwrap()
        .registration;
    let kept = store
        .execute("x", |c| c.register(ev, &request(2), t0()))
        .unwrap()
        .registration;
    store
        .execute("x", |c| {
            c.set_bureau_role(kept.member, Some("GitHub"), t0())
        })
        .unwrap();
    let end = t0() + Duration::days(30) + Duration::hours(2);
    store.execute("x", |c| c.mark_held(ev, end)).unwrap();
    assert!(
        store
            .apply_retention("dpo", end + Duration::days(89))
            .unwrap()
            .is_empty()
    );
    let erased = store
        .apply_retention("dpo", end + Duration::days(91))
        .unwrap();
    assert_eq!(erased, vec![r.member]);
    let c = store.community();
    assert!(c.member(r.member).unwrap().is_erased());
    assert_eq!(
        c.registration(r.id).unwrap().status,
        RegistrationStatus::Confirmed,
        "aggregates kept"
    );
    assert!(c.member(kept.member).unwrap().erased_at().is_none());
}

#[test]
fn an_empty_directory_path_is_refused() {
    let err = Store::open("", Statutes::cimi()).unwrap_err();
    assert_eq!(err.kind(), "invalid_input", "{err}");
}

#[test]
fn an_invalid_actor_is_refused() {
    let dir = temp_dir("actor");
    let (mut store, _) = Store::open(&dir, Statutes::cimi()).unwrap();
    let err = store
        .execute("", |c| {
            c.add_member("a@interieur.gouv.fr", MemberProfile::default(), t0())
        })
        .unwrap_err();
    assert_eq!(err.kind(), "invalid_actor");
    assert_eq!(store.community().members().count(), 0);
    drop(store);
    std::fs::remove_dir_all(&dir).unwrap();
}

/// The journal lines of a fuzz regression input of `journal_decode`: a mode
/// byte, then lines; bit 0 frames each line, bit 1 leaves the last unframed
/// (a torn tail). The same construction as the fuzz target's.
fn regression_journal(name: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../fuzz/regressions/journal_decode")
        .join(name);
    let data = std::fs::read(&path).unwrap();
    let (&mode, rest) = data.split_first().unwrap();
    assert_eq!(mode & 1, 1, "{name}: framed lines");
    let mut lines: Vec<&[u8]> = rest.split(|b| *b == b'\n').collect();
    let torn = if mode & 2 != 0 { lines.pop() } else { None };
    let mut bytes = Vec::new();
    for line in lines {
        encode_frame(line, &mut bytes);
    }
    bytes.extend_from_slice(torn.unwrap_or_default());
    bytes
}

#[test]
fn records_that_describe_an_impossible_state_do_not_open() {
    // Each was accepted by replay once (found by fuzzing), and gave a state
    // that breaks an invariant or that no snapshot could hold.
    for (name, why) in [
        (
            "apply_accepts_confirmed_registration_without_seat",
            "impossible status/seat",
        ),
        (
            "apply_accepts_event_ending_before_start",
            "ends before it starts",
        ),
        ("apply_accepts_quota_below_seats_taken", "quota"),
        ("journal_starting_at_record_5", "starts at record 5"),
    ] {
        let dir = temp_dir(name);
        std::fs::create_dir_all(&dir).unwrap();
        let bytes = regression_journal(name);
        std::fs::write(dir.join("journal.log"), &bytes).unwrap();
        let err = Store::open(&dir, Statutes::cimi()).expect_err(name);
        assert_eq!(err.kind(), "corrupt_journal", "{name}: {err}");
        assert!(err.to_string().contains(why), "{name}: {err}");
        let err = replay(&mut Community::cimi(), &bytes, "journal.log", 0).expect_err(name);
        assert_eq!(err.kind(), "corrupt_journal", "{name}: {err}");
        assert_eq!(
            std::fs::read(dir.join("journal.log")).unwrap(),
            bytes,
            "{name}: a journal that does not open is left untouched"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
    // A record numbered 0 is not skipped silently either.
    let mut c = Community::cimi();
    c.set_recording(true);
    c.add_member("ada@interieur.gouv.fr", MemberProfile::default(), t0())
        .unwrap();
    let record = cimi_core::journal::JournalRecord {
        seq: 0,
        actor: "x".into(),
        change: c.drain_changes().remove(0),
        more: false,
    };
    let mut bytes = Vec::new();
    encode_frame(&serde_json::to_vec(&record).unwrap(), &mut bytes);
    let err = replay(&mut Community::cimi(), &bytes, "journal.log", 0).unwrap_err();
    assert!(err.to_string().contains("sequence number 0"), "{err}");
}

#[test]
fn an_operation_is_recovered_whole_or_not_at_all() {
    // One cancellation promotes the first waiting request: one operation,
    // several records, one write.
    let dir = temp_dir("half-operation");
    let (mut store, _) = Store::open(&dir, Statutes::cimi()).unwrap();
    let ev = schedule_event(&mut store, 1);
    let first = store
        .execute("guichet", |c| c.register(ev, &request(1), t0()))
        .unwrap()
        .registration
        .id;
    store
        .execute("guichet", |c| c.register(ev, &request(2), t0()))
        .unwrap();
    let before = store.community().clone();
    let path = dir.join("journal.log");
    let good = std::fs::read(&path).unwrap();
    let promoted = store
        .execute("agent1", |c| {
            c.cancel_registration(first, t0() + Duration::hours(1))
        })
        .unwrap();
    assert_eq!(
        promoted.promoted.len(),
        1,
        "the cancellation promotes one request"
    );
    let after = store.community().clone();
    drop(store);
    let full = std::fs::read(&path).unwrap();
    let frames = decode_frames(&full[good.len()..], "journal.log")
        .unwrap()
        .payloads
        .len();
    assert!(frames >= 2, "one operation of {frames} records");
    // Cut anywhere inside the operation's bytes — in a record or exactly
    // between two — and the whole operation goes: never half of it.
    let mut cuts: Vec<usize> = (good.len() + 1..full.len()).step_by(97).collect();
    let boundaries = decode_frames(&full, "journal.log").unwrap().payloads;
    cuts.extend(
        boundaries
            .iter()
            .map(|(offset, _)| *offset as usize)
            .filter(|o| *o > good.len()),
    );
    for cut in cuts {
        std::fs::write(&path, &full[..cut]).unwrap();
        let (store, report) = Store::open(&dir, Statutes::cimi()).unwrap();
        assert_eq!(store.community(), &before, "cut at {cut}");
        let tail = report.torn_tail.expect("the cut operation is reported");
        assert_eq!(tail.offset, good.len() as u64, "cut at {cut}");
        assert_eq!(tail.len, (cut - good.len()) as u64);
        assert!(store.community().check_invariants().is_ok());
        drop(store);
        assert_eq!(std::fs::read(&path).unwrap(), good, "cut on disk too");
    }
    // Whole, it is kept.
    std::fs::write(&path, &full).unwrap();
    let (store, report) = Store::open(&dir, Statutes::cimi()).unwrap();
    assert!(report.torn_tail.is_none());
    assert_eq!(store.community(), &after);
    drop(store);
    std::fs::remove_dir_all(&dir).unwrap();

    // The fuzz input that showed the defect: records 8 ("more") and 9 (torn)
    // are one operation; both go.
    let bytes = regression_journal("torn_tail_keeps_half_an_operation");
    let mut c = Community::cimi();
    let report = replay(&mut c, &bytes, "journal.log", 0).unwrap();
    assert_eq!(report.records_replayed, 7);
    assert!(report.torn_tail.is_some());
    assert!(c.check_invariants().is_ok());
}
