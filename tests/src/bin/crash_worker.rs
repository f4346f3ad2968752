//! A child process for the crash tests: opens the store at the location given
//! as first argument (a directory, or a `postgresql://` URL with the schema
//! as third argument) and registers (and sometimes cancels) people from the
//! index given as second argument on, printing `ACK <registration> <status>`
//! (or `CANCELLED <registration>`) once each operation is durable. Every
//! seventh operation registers three people at once (`BATCH <email>…`, one
//! operation): after any crash, all three or none are there. The parent
//! kills it with SIGKILL at a random moment.

use std::io::Write;

use chrono::{Duration, TimeZone, Utc};
use cimi_core::Statutes;
use cimi_core::event::{EventKind, EventSpec, Schedule};
use cimi_core::ids::EventId;
use cimi_core::journal::Store;
use cimi_core::registration::RegistrationRequest;

fn main() {
    let mut args = std::env::args().skip(1);
    let dir = args.next().expect("directory");
    let start: usize = args
        .next()
        .and_then(|s| s.parse().ok())
        .expect("start index");
    let schema = args.next();
    let t0 = Utc.with_ymd_and_hms(2026, 3, 1, 9, 0, 0).unwrap();
    let mut options = cimi_core::store::StoreOptions::new();
    if let Some(schema) = schema {
        options = options.schema(schema);
    }
    let (mut store, _) = Store::open_with(dir.as_str(), Statutes::cimi(), &options).expect("open");
    if store.seq() > 2_000 {
        store.compact().expect("compact");
    }
    let existing = store.community().events().next().map(|e| e.id);
    let ev = match existing {
        Some(id) => id,
        None => store
            .execute("crash-test", |c| {
                let s = Schedule::new(
                    t0 + Duration::days(60),
                    t0 + Duration::days(60) + Duration::hours(2),
                )?;
                c.schedule_event(EventSpec::new(EventKind::Conference, "Crash", s, 40), t0)
            })
            .expect("schedule"),
    };
    let out = std::io::stdout();
    let mut out = out.lock();
    for i in start.. {
        if i % 5 == 4
            && let Some(id) = live(&store, ev, i)
        {
            store
                .execute("crash-test", |c| c.cancel_registration(id, t0))
                .expect("cancel");
            writeln!(out, "CANCELLED {}", id.get()).unwrap();
            out.flush().unwrap();
            continue;
        }
        if i % 7 == 6 {
            let emails: Vec<String> = (0..3)
                .map(|k| format!("batch{i}-{k}@interieur.gouv.fr"))
                .collect();
            store
                .execute("crash-test", |c| {
                    for e in &emails {
                        let req = RegistrationRequest::new(e.as_str())
                            .names("Nom", "Prénom")
                            .affiliation("DNUM", "attaché", "chef de projet")
                            .acknowledging(["deontology", "pssi"]);
                        c.register(ev, &req, t0)?;
                    }
                    Ok(())
                })
                .expect("batch");
            writeln!(out, "BATCH {}", emails.join(" ")).unwrap();
            out.flush().unwrap();
            continue;
        }
        let req = RegistrationRequest::new(format!("agent{i}@interieur.gouv.fr"))
            .names("Nom", "Prénom")
            .affiliation("DNUM", "attaché", "chef de projet")
            .acknowledging(["deontology", "pssi"]);
        let r = store
            .execute("crash-test", |c| c.register(ev, &req, t0))
            .expect("register")
            .registration;
        writeln!(out, "ACK {} {}", r.id.get(), r.status.kind()).unwrap();
        out.flush().unwrap();
    }
}

/// Some live registration to cancel, picked from the index.
fn live(store: &Store, ev: EventId, i: usize) -> Option<cimi_core::ids::RegistrationId> {
    let live: Vec<_> = store
        .community()
        .registrations(ev)
        .filter(|r| r.is_live())
        .map(|r| r.id)
        .collect();
    (!live.is_empty()).then(|| live[i % live.len()])
}
