//! Kills a child process doing registrations at random moments (SIGKILL) and
//! checks, after each restart, that every acknowledged operation is there and
//! the invariants hold. `CIMI_CRASH_ROUNDS` sets the number of kills (1000).

use std::io::Read;
use std::process::{Command, Stdio};
use std::time::Duration;

use cimi_core::ids::RegistrationId;
use cimi_core::journal::Store;
use cimi_core::registration::RegistrationStatus;
use cimi_core::Statutes;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

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
        c.check_invariants()
            .unwrap_or_else(|e| panic!("round {round}: {e}"));
        for id in &acked {
            assert!(
                c.registration(*id).is_some(),
                "round {round}: acknowledged {id} lost"
            );
        }
        for id in &cancelled {
            assert_eq!(
                c.registration(*id).map(|r| r.status),
                Some(RegistrationStatus::Cancelled),
                "round {round}"
            );
        }
    }
    println!(
        "{rounds} SIGKILLs, {} acknowledged registrations, {} cancellations, {torn} torn tails cut",
        acked.len(),
        cancelled.len()
    );
    assert!(!acked.is_empty());
    std::fs::remove_dir_all(&dir).unwrap();
}
