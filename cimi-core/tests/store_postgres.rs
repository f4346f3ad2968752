//! The PostgreSQL store against a real server: `CIMI_TEST_POSTGRES_URL`
//! names it (`scripts/test.sh` starts a throw-away cluster and sets it;
//! with `CIMI_REQUIRE_POSTGRES=1`, as there, a missing URL fails the tests
//! instead of skipping them). Each test works in a schema of its own.
#![cfg(feature = "postgres")]

mod common;

use cimi_core::ids::{EventId, RegistrationId};
use cimi_core::registration::{RegistrationRequest, RegistrationStatus};
use cimi_core::store::{Store, StoreOptions};
use cimi_core::{Community, Statutes};
use common::{agent_at, schedule, t0};
use proptest::prelude::*;

fn url() -> Option<String> {
    match std::env::var("CIMI_TEST_POSTGRES_URL") {
        Ok(url) if !url.is_empty() => Some(url),
        _ => {
            assert!(
                std::env::var("CIMI_REQUIRE_POSTGRES").is_err(),
                "CIMI_REQUIRE_POSTGRES is set but CIMI_TEST_POSTGRES_URL is not"
            );
            eprintln!("CIMI_TEST_POSTGRES_URL is not set: PostgreSQL tests skipped");
            None
        }
    }
}

/// Options on a schema of this test's own, emptied first.
fn schema(url: &str, name: &str) -> StoreOptions {
    let schema = format!("t_{name}_{}", std::process::id());
    let mut client = postgres::Client::connect(url, postgres::NoTls).unwrap();
    client
        .batch_execute(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE"))
        .unwrap();
    StoreOptions::new()
        .schema(schema)
        .lock_timeout(std::time::Duration::from_secs(30))
}

fn request(i: usize) -> RegistrationRequest {
    let domain = if i.is_multiple_of(2) {
        "interieur.gouv.fr"
    } else {
        "finances.gouv.fr"
    };
    agent_at(i, domain)
}

#[test]
fn writers_share_one_community_and_followers_follow() {
    let Some(url) = url() else { return };
    let options = schema(&url, "share");
    let (mut a, report) = Store::open_with(url.as_str(), Statutes::cimi(), &options).unwrap();
    assert_eq!(report.records_replayed, 0);
    assert_eq!(a.backend_name(), "postgres");
    let (mut b, _) = Store::open_with(url.as_str(), Statutes::cimi(), &options).unwrap();
    let (mut f, _) = Store::open_with(
        url.as_str(),
        Statutes::cimi(),
        &options.clone().read_only(true),
    )
    .unwrap();
    let ev = a.execute("a", |c| schedule(c, 2)).unwrap();
    // b decides on the latest state: it sees a's event without a refresh.
    let r0 = b
        .execute("b", |c| c.register(ev, &request(0), t0()))
        .unwrap();
    let r1 = a
        .execute("a", |c| c.register(ev, &request(2), t0()))
        .unwrap();
    let r2 = b
        .execute("b", |c| c.register(ev, &request(4), t0()))
        .unwrap();
    assert_eq!(r0.registration.status, RegistrationStatus::Confirmed);
    assert_eq!(r1.registration.status, RegistrationStatus::Confirmed);
    assert_eq!(r2.registration.status, RegistrationStatus::Waitlisted);
    // The same person again, through the other writer: the same registration.
    let again = a
        .execute("a", |c| c.register(ev, &request(0), t0()))
        .unwrap();
    assert_eq!(again.registration.id, r0.registration.id);
    assert!(f.refresh().unwrap() >= 4);
    a.refresh().unwrap();
    b.refresh().unwrap();
    assert_eq!(a.community().to_json(), b.community().to_json());
    assert_eq!(f.community().to_json(), a.community().to_json());
    assert_eq!(f.seq(), a.seq());
    // A follower never writes.
    assert_eq!(
        f.execute("f", |c| c.register(ev, &request(6), t0()))
            .unwrap_err()
            .kind(),
        "store_read_only"
    );
    // Reopening gives the same state, from a snapshot too.
    a.snapshot().unwrap();
    b.execute("b", |c| c.cancel_registration(r0.registration.id, t0()))
        .unwrap();
    let (c, report) = Store::open_with(url.as_str(), Statutes::cimi(), &options).unwrap();
    assert!(report.snapshot_seq.is_some());
    b.refresh().unwrap();
    assert_eq!(c.community().to_json(), b.community().to_json());
    // The waiting registration was promoted when the seat freed.
    assert_eq!(
        c.community()
            .registration(r2.registration.id)
            .unwrap()
            .status,
        RegistrationStatus::Confirmed
    );
}

#[test]
fn a_follower_finds_nothing_where_nothing_was_written() {
    let Some(url) = url() else { return };
    let options = schema(&url, "missing").read_only(true);
    let e = Store::open_with(url.as_str(), Statutes::cimi(), &options).unwrap_err();
    assert_eq!(e.kind(), "store_not_found");
    let bad = StoreOptions::new().schema("Robert'); DROP TABLE x;--");
    assert_eq!(
        Store::open_with(url.as_str(), Statutes::cimi(), &bad)
            .unwrap_err()
            .kind(),
        "invalid_location"
    );
}

#[test]
fn a_lost_connection_fails_one_call_and_the_next_reconnects() {
    let Some(url) = url() else { return };
    let options = schema(&url, "lost");
    // A name of its own, so that only this test's connection is cut.
    let app = format!("cimi_lost_{}", std::process::id());
    let sep = if url.contains('?') { '&' } else { '?' };
    let named = format!("{url}{sep}application_name={app}");
    let (mut a, _) = Store::open_with(named.as_str(), Statutes::cimi(), &options).unwrap();
    let ev = a.execute("a", |c| schedule(c, 5)).unwrap();
    let mut admin = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    admin
        .batch_execute(&format!("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = '{app}'"))
        .unwrap();
    let lost = a.execute("a", |c| c.register(ev, &request(0), t0()));
    let seq = a.seq();
    // Unless the client noticed the closed connection before sending, the
    // call fails, typed, and nothing of it remains.
    if let Err(e) = lost {
        assert_eq!(e.kind(), "database_unavailable", "{e}");
        assert!(a.community().registrations(ev).next().is_none());
    }
    let r = a
        .execute("a", |c| c.register(ev, &request(0), t0()))
        .unwrap();
    assert_eq!(r.registration.status, RegistrationStatus::Confirmed);
    assert!(a.seq() > seq);
}

#[test]
fn erasure_then_compaction_leaves_no_row_holding_the_person() {
    let Some(url) = url() else { return };
    let options = schema(&url, "gdpr");
    let (mut a, _) = Store::open_with(url.as_str(), Statutes::cimi(), &options).unwrap();
    let (mut f, _) = Store::open_with(
        url.as_str(),
        Statutes::cimi(),
        &options.clone().read_only(true),
    )
    .unwrap();
    let ev = a.execute("a", |c| schedule(c, 5)).unwrap();
    let request = RegistrationRequest::new("zoe.tartempion@interieur.gouv.fr")
        .names("Tartempion", "Zoé")
        .affiliation("DNUM", "attachée", "cheffe de projet")
        .acknowledging(["deontology", "pssi"]);
    let r = a.execute("a", |c| c.register(ev, &request, t0())).unwrap();
    a.snapshot().unwrap();
    let access = a
        .subject_access("zoe.tartempion@interieur.gouv.fr", t0())
        .unwrap();
    assert!(access.contains("Tartempion"));
    assert!(access.contains("\"audit\""));
    a.execute("zoe.tartempion@interieur.gouv.fr", |c| {
        c.erase_member(r.registration.member, t0())
    })
    .unwrap();
    f.refresh().unwrap();
    a.compact().unwrap();
    let mut admin = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    let schema = options.schema_name();
    for table in ["journal", "snapshots", "communities"] {
        let rows = admin
            .query(&format!("SELECT t::text FROM {schema}.{table} t"), &[])
            .unwrap();
        for row in rows {
            let text: String = row.get(0);
            for needle in ["Tartempion", "Zoé", "zoe.tartempion"] {
                assert!(
                    !text.contains(needle),
                    "{table} still holds {needle}: {text}"
                );
            }
        }
    }
    // Readers still agree with the writer after the compaction.
    a.execute("a", |c| c.register(ev, &self::request(1), t0()))
        .unwrap();
    f.refresh().unwrap();
    assert_eq!(f.community().to_json(), a.community().to_json());
    let (again, _) = Store::open_with(url.as_str(), Statutes::cimi(), &options).unwrap();
    assert_eq!(again.community().to_json(), a.community().to_json());
}

/// One step of the model test: which handle acts, and what it does.
#[derive(Debug, Clone)]
enum Op {
    Register {
        handle: usize,
        person: usize,
        event: usize,
    },
    Cancel {
        handle: usize,
        person: usize,
        event: usize,
    },
    Refresh {
        handle: usize,
    },
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        5 => (0..3usize, 0..12usize, 0..2usize).prop_map(|(handle, person, event)| Op::Register { handle, person, event }),
        2 => (0..3usize, 0..12usize, 0..2usize).prop_map(|(handle, person, event)| Op::Cancel { handle, person, event }),
        1 => (0..3usize).prop_map(|handle| Op::Refresh { handle }),
    ]
}

fn live_registration(c: &Community, ev: EventId, person: usize) -> Option<RegistrationId> {
    let member = c.member_by_email(&request(person).email)?.id;
    c.registrations(ev)
        .find(|r| r.member == member && r.is_live())
        .map(|r| r.id)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(12))]

    /// Operations from three handles on one PostgreSQL community, interleaved,
    /// give what the in-memory engine gives for the same sequence: the same
    /// outcome for each, and the same final state in every handle.
    #[test]
    fn interleaved_handles_agree_with_the_in_memory_engine(ops in proptest::collection::vec(op(), 1..40)) {
        let Some(url) = url() else { return Ok(()) };
        let options = schema(&url, "model");
        let mut handles: Vec<Store> = (0..3)
            .map(|_| Store::open_with(url.as_str(), Statutes::cimi(), &options).unwrap().0)
            .collect();
        let mut model = Store::in_memory(Community::new(Statutes::cimi()).unwrap());
        let mut events = Vec::new();
        for (i, seats) in [2u32, 3].into_iter().enumerate() {
            let ev = handles[i].execute("h", |c| schedule(c, seats)).unwrap();
            let same = model.execute("m", |c| schedule(c, seats)).unwrap();
            prop_assert_eq!(ev, same);
            events.push(ev);
        }
        for op in ops {
            match op {
                Op::Register { handle, person, event } => {
                    let ev = events[event];
                    let got = handles[handle].execute("h", |c| c.register(ev, &request(person), t0()));
                    let want = model.execute("m", |c| c.register(ev, &request(person), t0()));
                    prop_assert_eq!(
                        got.map(|o| (o.registration.id, o.registration.status)).map_err(|e| e.kind()),
                        want.map(|o| (o.registration.id, o.registration.status)).map_err(|e| e.kind())
                    );
                }
                Op::Cancel { handle, person, event } => {
                    let ev = events[event];
                    let Some(id) = live_registration(model.community(), ev, person) else { continue };
                    let got = handles[handle].execute("h", |c| c.cancel_registration(id, t0()));
                    let want = model.execute("m", |c| c.cancel_registration(id, t0()));
                    prop_assert_eq!(got.map(|_| ()).map_err(|e| e.kind()), want.map(|_| ()).map_err(|e| e.kind()));
                }
                Op::Refresh { handle } => {
                    handles[handle].refresh().unwrap();
                }
            }
        }
        for h in &mut handles {
            h.refresh().unwrap();
            prop_assert!(h.community().check_invariants().is_ok());
            // The model drew its own cancellation secrets (random, one per
            // registration): everything else must agree.
            prop_assert_eq!(
                common::without_cancel_secrets(&h.community().to_json()),
                common::without_cancel_secrets(&model.community().to_json())
            );
        }
    }
}

#[test]
fn quotes_and_backslashes_round_trip_exactly() {
    let Some(url) = url() else { return };
    let options = schema(&url, "quotes");
    let (mut a, _) = Store::open_with(url.as_str(), Statutes::cimi(), &options).unwrap();
    let ev = a.execute("a", |c| schedule(c, 5)).unwrap();
    let actor = "O'Brien \\' ; DROP TABLE x; -- $$ \\\\";
    let request = RegistrationRequest::new("o.brien@interieur.gouv.fr")
        .names("O'Brien \\ '' \\' $tag$", "Zoé \"le\" \\n")
        .affiliation("DNUM", "attaché'", "chef \\ de projet")
        .acknowledging(["deontology", "pssi"]);
    a.execute(actor, |c| c.register(ev, &request, t0()))
        .unwrap();
    let (again, _) = Store::open_with(url.as_str(), Statutes::cimi(), &options).unwrap();
    assert_eq!(again.community().to_json(), a.community().to_json());
    let mut b = again;
    let history = b.history(cimi_core::journal::Subject::Event(ev)).unwrap();
    assert!(history.iter().any(|r| r.actor == actor), "{history:?}");
}

#[test]
fn a_prepared_operation_holds_the_lock_until_it_runs_or_is_cancelled() {
    let Some(url) = url() else { return };
    let options = schema(&url, "prepared");
    let (mut a, _) = Store::open_with(url.as_str(), Statutes::cimi(), &options).unwrap();
    let quick = options
        .clone()
        .lock_timeout(std::time::Duration::from_millis(200));
    let (mut b, _) = Store::open_with(url.as_str(), Statutes::cimi(), &quick).unwrap();
    let ev = a.execute("a", |c| schedule(c, 5)).unwrap();
    a.prepare_operation().unwrap();
    let busy = b.execute("b", |c| c.register(ev, &request(1), t0()));
    assert_eq!(busy.unwrap_err().kind(), "store_busy");
    a.execute("a", |c| c.register(ev, &request(0), t0()))
        .unwrap();
    b.execute("b", |c| c.register(ev, &request(1), t0()))
        .unwrap();
    // Any other call ends a prepared operation; so does cancelling it.
    a.prepare_operation().unwrap();
    a.refresh().unwrap();
    b.execute("b", |c| c.register(ev, &request(2), t0()))
        .unwrap();
    a.prepare_operation().unwrap();
    a.cancel_prepared();
    b.execute("b", |c| c.register(ev, &request(3), t0()))
        .unwrap();
    // A prepared operation whose actor is refused releases the lock too.
    a.prepare_operation().unwrap();
    assert_eq!(
        a.execute("", |c| c.register(ev, &request(4), t0()))
            .unwrap_err()
            .kind(),
        "invalid_actor"
    );
    b.execute("b", |c| c.register(ev, &request(4), t0()))
        .unwrap();
    a.refresh().unwrap();
    assert_eq!(a.community().registrations(ev).count(), 5);
}
