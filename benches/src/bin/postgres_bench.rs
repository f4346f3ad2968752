//! The PostgreSQL store against baselines on the same server, in one run:
//!
//! 1. one process's `execute` (a registration) against a bare `INSERT` +
//!    `COMMIT` of the same records into a plain table;
//! 2. four processes registering concurrently into one event, against a
//!    hand-written SQL peer doing the admission check the way pretix does
//!    (`pg_advisory_xact_lock` on the event, count the confirmed seats, look
//!    for the person's registration, insert, commit), same counts;
//! 3. catching up on 10,000 records written by another process, against
//!    parsing those records;
//! 4. opening a community of N members (a snapshot) from PostgreSQL,
//!    against loading the same snapshot document from memory.
//!
//! ```sh
//! export CIMI_BENCH_POSTGRES_URL="$(bash scripts/postgres.sh start /tmp/cimi-pg)"
//! cargo run --release -p cimi-benches --bin postgres_bench -- [--members 1000000] [--sections execute,concurrent,catch-up,open]
//! ```
//!
//! Every section works in a schema of its own, dropped at the end. The
//! program re-runs itself for the worker processes of sections 2 and 3.

use std::io::{BufRead, Write};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use cimi_benches::{directory, profile_of, request_of, t0};
use cimi_core::Statutes;
use cimi_core::community::Community;
use cimi_core::event::{EventKind, EventSpec};
use cimi_core::journal::JournalRecord;
use cimi_core::store::{Store, StoreOptions};

fn url() -> String {
    std::env::var("CIMI_BENCH_POSTGRES_URL")
        .or_else(|_| std::env::var("CIMI_TEST_POSTGRES_URL"))
        .expect("CIMI_BENCH_POSTGRES_URL: the server to measure on (scripts/postgres.sh start DIR)")
}

fn client(url: &str) -> postgres::Client {
    postgres::Client::connect(url, postgres::NoTls).expect("connect")
}

fn options(schema: &str) -> StoreOptions {
    StoreOptions::new()
        .schema(schema)
        .lock_timeout(Duration::from_secs(120))
}

fn drop_schema(url: &str, schema: &str) {
    client(url)
        .batch_execute(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE"))
        .expect("drop schema");
}

fn now_ns() -> u128 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock")
        .as_nanos()
}

/// A community of `capacity` seats: the event's id.
fn open_with_event(url: &str, schema: &str, capacity: u32) -> (Store, cimi_core::ids::EventId) {
    let (mut store, _) =
        Store::open_with(url, cimi_benches::statutes(), &options(schema)).expect("open");
    let ev = store
        .execute("bench", |c| {
            c.schedule_event(
                EventSpec::new(
                    EventKind::Conference,
                    "Rush",
                    cimi_benches::schedule(60),
                    capacity,
                ),
                t0(),
            )
        })
        .expect("event");
    (store, ev)
}

fn section_execute(url: &str, ops: usize) -> f64 {
    let schema = format!("bench_exec_{}", std::process::id());
    drop_schema(url, &schema);
    let (mut store, ev) = open_with_event(url, &schema, 100_000);
    let mut peer = client(url);
    peer.batch_execute(&format!(
        "CREATE TABLE {schema}.peer_journal (community bigint, seq bigint, record json NOT NULL, PRIMARY KEY (community, seq))"
    ))
    .expect("peer table");
    let insert = peer
        .prepare(&format!(
            "INSERT INTO {schema}.peer_journal (community, seq, record) SELECT 1, u.seq, u.record::json FROM unnest($1::bigint[], $2::text[]) AS u(seq, record)"
        ))
        .expect("prepare");
    let fetch =
        format!("SELECT seq, record::text FROM {schema}.journal WHERE seq > $1 ORDER BY seq");
    let people = directory(2 * ops + 10, 17);
    let (mut ours, mut theirs) = (Duration::ZERO, Duration::ZERO);
    for (i, p) in people.iter().take(ops).enumerate() {
        let before = store.seq() as i64;
        let request = request_of(p);
        let started = Instant::now();
        store
            .execute("bench", |c| c.register(ev, &request, t0()))
            .expect("register");
        ours += started.elapsed();
        // The same records, inserted bare.
        let rows = peer.query(&fetch, &[&before]).expect("fetch");
        let seqs: Vec<i64> = rows.iter().map(|r| r.get(0)).collect();
        let texts: Vec<String> = rows.iter().map(|r| r.get(1)).collect();
        let started = Instant::now();
        let mut tx = peer.transaction().expect("begin");
        tx.execute(&insert, &[&seqs, &texts]).expect("insert");
        tx.commit().expect("commit");
        theirs += started.elapsed();
        if i == 0 {
            eprintln!("  one registration = {} records", seqs.len());
        }
    }
    drop(store);
    drop_schema(url, &schema);
    let (a, b) = (
        ours.as_secs_f64() / ops as f64,
        theirs.as_secs_f64() / ops as f64,
    );
    println!(
        "execute (one registration) {:.3} ms vs bare INSERT + COMMIT of the same records {:.3} ms: {:.2}x (floor: at most 2x)",
        a * 1e3,
        b * 1e3,
        a / b
    );
    a / b
}

/// A worker of section 2: waits for "go" on stdin, registers, prints its
/// start and end (ns since the epoch).
fn worker(args: &[String]) {
    let (kind, url, schema, event, first, count) = (
        args[0].as_str(),
        &args[1],
        &args[2],
        args[3].parse::<u64>().expect("event"),
        args[4].parse::<usize>().expect("first"),
        args[5].parse::<usize>().expect("count"),
    );
    let people = directory(first + count, 23);
    let people = &people[first..];
    let mut line = String::new();
    match kind {
        "worker-cimi" => {
            let (mut store, _) =
                Store::open_with(url.as_str(), Statutes::cimi(), &options(schema)).expect("open");
            let ev = cimi_core::ids::EventId::new(event);
            println!("READY");
            std::io::stdout().flush().unwrap();
            std::io::stdin().lock().read_line(&mut line).unwrap();
            let start = now_ns();
            for p in people {
                let request = request_of(p);
                store
                    .execute("bench", |c| c.register(ev, &request, t0()))
                    .expect("register");
            }
            println!("TIME {start} {}", now_ns());
        }
        "worker-peer" => {
            let mut c = client(url);
            let lock = c.prepare("SELECT pg_advisory_xact_lock($1)").unwrap();
            let count_confirmed = c
                .prepare(&format!(
                    "SELECT count(*) FROM {schema}.peer_registrations WHERE event = $1 AND status = 'confirmed'"
                ))
                .unwrap();
            let existing = c
                .prepare(&format!(
                    "SELECT id FROM {schema}.peer_registrations WHERE event = $1 AND email = $2 AND status <> 'cancelled'"
                ))
                .unwrap();
            let insert = c
                .prepare(&format!(
                    "INSERT INTO {schema}.peer_registrations (event, email, family_name, given_name, service, grade, function, status) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
                ))
                .unwrap();
            let capacity: i64 = c
                .query_one(
                    &format!("SELECT capacity FROM {schema}.peer_events WHERE id = $1"),
                    &[&(event as i64)],
                )
                .unwrap()
                .get(0);
            println!("READY");
            std::io::stdout().flush().unwrap();
            std::io::stdin().lock().read_line(&mut line).unwrap();
            let start = now_ns();
            for p in people {
                let mut tx = c.transaction().unwrap();
                tx.execute(&lock, &[&(event as i64)]).unwrap();
                if tx
                    .query_opt(&existing, &[&(event as i64), &p.email])
                    .unwrap()
                    .is_none()
                {
                    let confirmed: i64 = tx
                        .query_one(&count_confirmed, &[&(event as i64)])
                        .unwrap()
                        .get(0);
                    let status = if confirmed < capacity {
                        "confirmed"
                    } else {
                        "waitlisted"
                    };
                    tx.execute(
                        &insert,
                        &[
                            &(event as i64),
                            &p.email,
                            &p.family_name,
                            &p.given_name,
                            &p.affiliation.last().cloned().unwrap_or_default(),
                            &p.grade,
                            &p.function,
                            &status,
                        ],
                    )
                    .unwrap();
                }
                tx.commit().unwrap();
            }
            println!("TIME {start} {}", now_ns());
        }
        _ => panic!("unknown worker {kind}"),
    }
}

/// Runs `processes` workers of `kind`; the registrations per second, from
/// the first start to the last end.
fn run_workers(
    kind: &str,
    url: &str,
    schema: &str,
    event: u64,
    processes: usize,
    per: usize,
) -> f64 {
    let me = std::env::current_exe().expect("own path");
    let mut children: Vec<_> = (0..processes)
        .map(|k| {
            Command::new(&me)
                .args([
                    kind,
                    url,
                    schema,
                    &event.to_string(),
                    &(k * per).to_string(),
                    &per.to_string(),
                ])
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .spawn()
                .expect("spawn worker")
        })
        .collect();
    let mut readers: Vec<_> = children
        .iter_mut()
        .map(|c| std::io::BufReader::new(c.stdout.take().unwrap()))
        .collect();
    for r in &mut readers {
        let mut line = String::new();
        r.read_line(&mut line).unwrap();
        assert_eq!(line.trim(), "READY");
    }
    for c in &mut children {
        writeln!(c.stdin.as_mut().unwrap(), "go").unwrap();
    }
    let (mut first, mut last) = (u128::MAX, 0u128);
    for (c, r) in children.iter_mut().zip(&mut readers) {
        let mut line = String::new();
        r.read_line(&mut line).unwrap();
        let parts: Vec<u128> = line
            .split_whitespace()
            .skip(1)
            .map(|s| s.parse().unwrap())
            .collect();
        first = first.min(parts[0]);
        last = last.max(parts[1]);
        assert!(c.wait().unwrap().success());
    }
    (processes * per) as f64 / ((last - first) as f64 / 1e9)
}

fn section_concurrent(url: &str, per: usize) -> f64 {
    let schema = format!("bench_conc_{}", std::process::id());
    drop_schema(url, &schema);
    let capacity = 50u32;
    let (store, ev) = open_with_event(url, &schema, capacity);
    drop(store);
    let mut c = client(url);
    c.batch_execute(&format!(
        "CREATE TABLE {schema}.peer_events (id bigint PRIMARY KEY, capacity bigint NOT NULL);
         CREATE TABLE {schema}.peer_registrations (
             id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, event bigint NOT NULL REFERENCES {schema}.peer_events (id),
             email text NOT NULL, family_name text, given_name text, service text, grade text, function text,
             status text NOT NULL, created_at timestamptz NOT NULL DEFAULT now());
         CREATE INDEX ON {schema}.peer_registrations (event, email);
         CREATE INDEX ON {schema}.peer_registrations (event, status);
         INSERT INTO {schema}.peer_events VALUES ({}, {capacity});",
        ev.get()
    ))
    .expect("peer tables");
    // Alternate, best of two each, so that neither side has the warmer server.
    let mut ours = 0f64;
    let mut theirs = 0f64;
    for round in 0..2 {
        let s = format!("{schema}_{round}");
        drop_schema(url, &s);
        let (store, ev2) = open_with_event(url, &s, capacity);
        drop(store);
        ours = ours.max(run_workers("worker-cimi", url, &s, ev2.get(), 4, per));
        drop_schema(url, &s);
        c.batch_execute(&format!("DELETE FROM {schema}.peer_registrations"))
            .unwrap();
        theirs = theirs.max(run_workers("worker-peer", url, &schema, ev.get(), 4, per));
    }
    drop_schema(url, &schema);
    println!(
        "4 processes registering into one event of {capacity} seats ({} each): cimi {ours:.0}/s vs the pretix-style SQL peer {theirs:.0}/s: {:.2}x (floor: at least 0.8x)",
        per,
        ours / theirs
    );
    ours / theirs
}

/// Catching up on `records` records: registrations (a member and a
/// registration each, what this issue's writers write) or member profiles
/// (with skills and interests, the heaviest records to apply).
fn section_catch_up(url: &str, records: usize, registrations: bool) -> f64 {
    let schema = format!("bench_catch_{}", std::process::id());
    drop_schema(url, &schema);
    let (mut writer, ev) = open_with_event(url, &schema, 100_000);
    // Three followers opened before the records are written: each catches
    // up once, the one before it dropped, best of three (as the parse below
    // is timed: a first pass pays the page faults of a heap that grows,
    // the next ones reuse the memory freed).
    let mut followers: Vec<Store> = (0..3)
        .map(|_| {
            Store::open_with(url, Statutes::cimi(), &options(&schema).read_only(true))
                .expect("follower")
                .0
        })
        .collect();
    let before = followers[0].seq();
    let list = directory(if registrations { records / 2 } else { records }, 29);
    for chunk in list.chunks(100) {
        writer
            .execute("bench", |c| {
                for p in chunk {
                    if registrations {
                        c.register(ev, &request_of(p), t0())?;
                    } else {
                        c.add_member(&p.email, profile_of(p), t0())?;
                    }
                }
                Ok(())
            })
            .expect("records");
    }
    let records = writer.seq() - before;
    drop(writer);
    let mut state = followers[0].community().clone();
    let mut ours = f64::MAX;
    let mut follower = followers.pop().expect("a follower");
    loop {
        let started = Instant::now();
        let applied = follower.refresh().expect("refresh");
        ours = ours.min(started.elapsed().as_secs_f64());
        assert_eq!(applied, records);
        match followers.pop() {
            Some(next) => follower = next, // the previous one is dropped here
            None => break,
        }
    }
    // The same records, parsed.
    let rows = client(url)
        .query(
            &format!("SELECT record::text FROM {schema}.journal WHERE seq > $1 ORDER BY seq"),
            &[&(before as i64)],
        )
        .expect("fetch");
    let texts: Vec<String> = rows.iter().map(|r| r.get(0)).collect();
    let mut best = f64::MAX;
    for _ in 0..3 {
        let started = Instant::now();
        let parsed: Vec<JournalRecord> = texts
            .iter()
            .map(|t| serde_json::from_str(t).expect("record"))
            .collect();
        best = best.min(started.elapsed().as_secs_f64());
        assert_eq!(parsed.len() as u64, records);
    }
    // What applying them costs, apart: the parsed records onto the state the
    // follower had.
    let parsed: Vec<JournalRecord> = texts
        .iter()
        .map(|t| serde_json::from_str(t).expect("record"))
        .collect();
    let started = Instant::now();
    for r in parsed {
        state.apply(r.change).expect("apply");
    }
    let apply = started.elapsed().as_secs_f64();
    assert_eq!(state.to_json(), follower.community().to_json());
    let mut untyped = f64::MAX;
    for _ in 0..3 {
        let started = Instant::now();
        let parsed: Vec<serde_json::Value> = texts
            .iter()
            .map(|t| serde_json::from_str(t).expect("record"))
            .collect();
        untyped = untyped.min(started.elapsed().as_secs_f64());
        assert_eq!(parsed.len() as u64, records);
    }
    drop(follower);
    drop_schema(url, &schema);
    println!(
        "catching up on {records} records ({}) written through another connection {:.1} ms, best of 3 (applying them alone: {:.1} ms) vs parsing them {:.1} ms into JournalRecord, best of 3: {:.2}x, {:.1} ms into untyped JSON values: {:.2}x (floor: at most 2x)",
        if registrations {
            "registrations"
        } else {
            "member profiles"
        },
        ours * 1e3,
        apply * 1e3,
        best * 1e3,
        ours / best,
        untyped * 1e3,
        ours / untyped
    );
    ours / best
}

fn section_open(url: &str, members: usize) {
    let schema = format!("bench_open_{}", std::process::id());
    drop_schema(url, &schema);
    let (mut writer, _) =
        Store::open_with(url, cimi_benches::statutes(), &options(&schema)).expect("open");
    let list = directory(members, 31);
    for chunk in list.chunks(10_000) {
        writer
            .execute("bench", |c| {
                for p in chunk {
                    c.add_member(&p.email, profile_of(p), t0())?;
                }
                Ok(())
            })
            .expect("members");
    }
    writer.snapshot().expect("snapshot");
    let doc = writer.community().to_json();
    drop(writer);
    let started = Instant::now();
    let (store, report) =
        Store::open_with(url, Statutes::cimi(), &options(&schema)).expect("reopen");
    let ours = started.elapsed().as_secs_f64();
    assert!(report.snapshot_seq.is_some());
    assert_eq!(store.community().members().count(), members);
    drop(store);
    let started = Instant::now();
    let loaded = Community::from_json(&doc).expect("load");
    let theirs = started.elapsed().as_secs_f64();
    assert_eq!(loaded.members().count(), members);
    drop_schema(url, &schema);
    println!(
        "opening a community of {members} members from PostgreSQL {ours:.2} s vs loading its JSON from memory {theirs:.2} s: {:.2}x",
        ours / theirs
    );
}

fn main() {
    // As the other timing programs: glibc keeps the memory it frees, so that
    // neither side of a ratio pays page faults the other escapes (see
    // src/malloc.rs; CIMI_BENCH_MALLOC=default for the defaults).
    cimi_benches::malloc::keep_freed_memory();
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().is_some_and(|a| a.starts_with("worker-")) {
        worker(&args);
        return;
    }
    let mut members = 100_000;
    let mut sections: Option<String> = None;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--members" => members = it.next().and_then(|s| s.parse().ok()).expect("--members N"),
            "--sections" => sections = it.next().cloned(),
            other => panic!(
                "unknown argument {other} (--members N, --sections execute,concurrent,catch-up,open)"
            ),
        }
    }
    let url = url();
    let mut server = client(&url);
    let version: String = server.query_one("SHOW server_version", &[]).unwrap().get(0);
    let fsync: String = server.query_one("SHOW fsync", &[]).unwrap().get(0);
    let sync: String = server
        .query_one("SHOW synchronous_commit", &[])
        .unwrap()
        .get(0);
    println!(
        "PostgreSQL {version} (fsync={fsync}, synchronous_commit={sync}), same server for every side; allocator: {}",
        cimi_benches::malloc::setting()
    );
    let run = |name: &str| {
        sections
            .as_ref()
            .is_none_or(|s| s.split(',').any(|x| x == name))
    };
    if run("execute") {
        section_execute(&url, 300);
    }
    if run("concurrent") {
        section_concurrent(&url, 250);
    }
    if run("catch-up") {
        section_catch_up(&url, 10_000, true);
        section_catch_up(&url, 10_000, false);
    }
    if run("open") {
        section_open(&url, members);
    }
}
