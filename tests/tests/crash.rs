//! Kills a child process doing registrations at random moments (SIGKILL) and
//! checks, after each restart, that every acknowledged operation is there and
//! the invariants hold. `CIMI_CRASH_ROUNDS` sets the number of kills (1000).

use std::io::Read;
use std::process::{Command, Stdio};
use std::time::Duration;

use cimi_core::Statutes;
use cimi_core::ids::RegistrationId;
use cimi_core::journal::Store;
use cimi_core::registration::RegistrationStatus;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// After a crash: the engine's invariants hold, every acknowledged
/// registration is there, every acknowledged cancellation holds.
fn check_round(
    c: &cimi_core::Community,
    round: usize,
    acked: &[RegistrationId],
    cancelled: &[RegistrationId],
) {
    c.check_invariants()
        .unwrap_or_else(|e| panic!("round {round}: {e}"));
    for id in acked {
        assert!(
            c.registration(*id).is_some(),
            "round {round}: acknowledged {id} lost"
        );
    }
    for id in cancelled {
        assert_eq!(
            c.registration(*id).map(|r| r.status),
            Some(RegistrationStatus::Cancelled),
            "round {round}"
        );
    }
}

#[test]
fn acknowledged_registrations_survive_sigkill() {
    let rounds: usize = std::env::var("CIMI_CRASH_ROUNDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1000);
    let dir = std::env::temp_dir().join(format!("cimi-crash-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let mut rng = ChaCha8Rng::seed_from_u64(42);
    let mut acked: Vec<RegistrationId> = Vec::new();
    let mut cancelled: Vec<RegistrationId> = Vec::new();
    let mut torn = 0;
    for round in 0..rounds {
        let mut child = Command::new(env!("CARGO_BIN_EXE_crash_worker"))
            .arg(&dir)
            .arg((round * 10_000).to_string())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn worker");
        std::thread::sleep(Duration::from_micros(rng.random_range(0..40_000)));
        child.kill().expect("SIGKILL");
        let mut output = String::new();
        child
            .stdout
            .take()
            .unwrap()
            .read_to_string(&mut output)
            .unwrap();
        child.wait().unwrap();
        // Only complete lines: the kill may cut the last one.
        let complete = &output[..output.rfind('\n').map_or(0, |i| i + 1)];
        for line in complete.lines() {
            let mut parts = line.split(' ');
            match (parts.next(), parts.next().and_then(|s| s.parse().ok())) {
                (Some("ACK"), Some(id)) if line.split(' ').count() == 3 => {
                    acked.push(RegistrationId::new(id))
                }
                (Some("CANCELLED"), Some(id)) => cancelled.push(RegistrationId::new(id)),
                _ => {}
            }
        }
        let (store, report) = Store::open(&dir, Statutes::cimi()).expect("reopen after a crash");
        if report.torn_tail.is_some() {
            torn += 1;
        }
        let c = store.community();
        check_round(c, round, &acked, &cancelled);
    }
    println!(
        "{rounds} SIGKILLs, {} acknowledged registrations, {} cancellations, {torn} torn tails cut",
        acked.len(),
        cancelled.len()
    );
    assert!(!acked.is_empty());
    std::fs::remove_dir_all(&dir).unwrap();
}

/// The same against the PostgreSQL store (`CIMI_TEST_POSTGRES_URL`): two
/// writers at once per round, each killed at a random moment, at least 200
/// kills (`CIMI_PG_CRASH_ROUNDS` rounds, default 100). After each round:
/// every acknowledged registration is there, every acknowledged cancellation
/// holds, every batch of three registrations (one operation) is there whole
/// or not at all, and the engine's invariants hold.
#[test]
fn acknowledged_registrations_survive_sigkill_on_postgres() {
    let url = match std::env::var("CIMI_TEST_POSTGRES_URL") {
        Ok(url) if !url.is_empty() => url,
        _ => {
            assert!(
                std::env::var("CIMI_REQUIRE_POSTGRES").is_err(),
                "CIMI_REQUIRE_POSTGRES is set but CIMI_TEST_POSTGRES_URL is not"
            );
            eprintln!("CIMI_TEST_POSTGRES_URL is not set: skipped");
            return;
        }
    };
    let rounds: usize = std::env::var("CIMI_PG_CRASH_ROUNDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(100);
    let schema = format!("crash_{}", std::process::id());
    let options = cimi_core::store::StoreOptions::new().schema(schema.clone());
    let mut rng = ChaCha8Rng::seed_from_u64(7);
    let mut acked: Vec<RegistrationId> = Vec::new();
    let mut cancelled: Vec<RegistrationId> = Vec::new();
    let mut batches: Vec<Vec<String>> = Vec::new();
    let mut kills = 0;
    for round in 0..rounds {
        let children: Vec<_> = (0..2)
            .map(|k| {
                Command::new(env!("CARGO_BIN_EXE_crash_worker"))
                    .arg(&url)
                    .arg(((round * 2 + k) * 10_000).to_string())
                    .arg(&schema)
                    .stdout(Stdio::piped())
                    .stderr(Stdio::null())
                    .spawn()
                    .expect("spawn worker")
            })
            .collect();
        for mut child in children {
            std::thread::sleep(Duration::from_micros(rng.random_range(0..120_000)));
            child.kill().expect("SIGKILL");
            kills += 1;
            let mut output = String::new();
            child
                .stdout
                .take()
                .unwrap()
                .read_to_string(&mut output)
                .unwrap();
            child.wait().unwrap();
            let complete = &output[..output.rfind('\n').map_or(0, |i| i + 1)];
            for line in complete.lines() {
                let mut parts = line.split(' ');
                match (parts.next(), parts.next()) {
                    (Some("ACK"), Some(id)) => acked.push(RegistrationId::new(id.parse().unwrap())),
                    (Some("CANCELLED"), Some(id)) => {
                        cancelled.push(RegistrationId::new(id.parse().unwrap()))
                    }
                    (Some("BATCH"), Some(_)) => {
                        batches.push(line.split(' ').skip(1).map(String::from).collect())
                    }
                    _ => {}
                }
            }
        }
        let (store, _) = Store::open_with(url.as_str(), Statutes::cimi(), &options)
            .expect("reopen after a crash");
        let c = store.community();
        check_round(c, round, &acked, &cancelled);
        // Every batch seen in the database, acknowledged or not, is whole.
        let mut seen: std::collections::BTreeMap<String, usize> = Default::default();
        for m in c.members() {
            if let Some(rest) = m.email.as_str().strip_prefix("batch") {
                let key = rest.split('-').next().unwrap_or_default().to_string();
                *seen.entry(key).or_default() += 1;
            }
        }
        for (key, n) in &seen {
            assert_eq!(*n, 3, "round {round}: batch {key} half-applied");
        }
        for batch in &batches {
            for email in batch {
                assert!(
                    c.member_by_email(email).is_some(),
                    "round {round}: acknowledged {email} lost"
                );
            }
        }
    }
    println!(
        "PostgreSQL: {kills} SIGKILLs, {} acknowledged registrations, {} cancellations, {} batches",
        acked.len(),
        cancelled.len(),
        batches.len()
    );
    assert!(kills >= 200 || rounds < 100);
    assert!(!acked.is_empty());
}
