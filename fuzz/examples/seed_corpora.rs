//! Writes the seed corpora of the `address`, `statutes_json`,
//! `community_json`, `journal_decode` and `engine_ops` targets from the
//! project's data: the addresses of `tests/data/miditech-2017-requests.json`
//! and of the address module's tests, the CIMI preset and
//! `tests/data/statutes-civic-tech.json`, communities built by replaying the
//! miditech requests and by the other operations of the core, journals
//! written by `journal::Store`, and operation sequences for the engine.
//!
//! ```text
//! cd fuzz && cargo run --example seed_corpora     # rewrites corpus/<target>/ of those five targets
//! ```
//!
//! The output is deterministic (fixed instants, no randomness), so running it
//! again on unchanged sources changes no file.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use arbitrary::{Arbitrary, Unstructured};
use chrono::{DateTime, Duration, FixedOffset, TimeZone, Utc};
use cimi_core::community::MemberProfile;
use cimi_core::event::{
    EventKind, EventSpec, ItemKind, ProgramItem, RemoteBroadcast, Schedule, Speaker, Venue,
};
use cimi_core::help::Visibility;
use cimi_core::journal::{Storage, Store, SyncPolicy, decode_frames, encode_frame};
use cimi_core::member::ConsentKind;
use cimi_core::registration::{AttendanceMode, RegistrationRequest};
use cimi_core::watch::{NewWatchItem, Scope};
use cimi_core::{Community, Statutes};
use serde_json::{Value, json};

#[path = "../fuzz_targets/common.rs"]
#[allow(dead_code)]
mod common;
#[path = "../fuzz_targets/engine_input.rs"]
mod engine_input;

use engine_input::{Op, encode};

type Error = Box<dyn std::error::Error>;
/// A named edit of a JSON document.
type Variant = (&'static str, Box<dyn Fn(&mut Value)>);

fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/data")
        .join(name)
}

/// A fresh corpus directory for `target`.
struct Corpus {
    dir: PathBuf,
    count: usize,
}

impl Corpus {
    fn new(target: &str) -> Result<Corpus, Error> {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("corpus")
            .join(target);
        if dir.exists() {
            std::fs::remove_dir_all(&dir)?;
        }
        std::fs::create_dir_all(&dir)?;
        Ok(Corpus { dir, count: 0 })
    }

    fn add(&mut self, name: &str, bytes: impl AsRef<[u8]>) -> Result<(), Error> {
        self.count += 1;
        let file = format!("{:02}_{name}", self.count);
        std::fs::write(self.dir.join(file), bytes)?;
        Ok(())
    }

    fn done(self) {
        println!("{}: {} seeds", self.dir.display(), self.count);
    }
}

/// One operation of the miditech request file.
#[derive(serde::Deserialize)]
struct Request {
    action: String,
    at: DateTime<FixedOffset>,
    email: String,
    #[serde(default)]
    nom: String,
    #[serde(default)]
    prenom: String,
    #[serde(default)]
    service: String,
    #[serde(default)]
    grade: String,
    #[serde(default)]
    fonction: String,
    #[serde(default)]
    acknowledged: bool,
    #[serde(default)]
    attendance: Option<String>,
}

fn requests() -> Result<Vec<Request>, Error> {
    let text = std::fs::read_to_string(data("miditech-2017-requests.json"))?;
    Ok(serde_json::from_str(&text)?)
}

fn utc(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, h, min, 0).unwrap()
}

/// The miditech of 12 December 2017 as the example schedules it, and the
/// first `n` register requests of the file plus every cancellation.
fn miditech(c: &mut Community, ops: &[Request], n: usize) -> Result<(), cimi_core::Error> {
    let schedule = Schedule::new(utc(2017, 12, 12, 11, 30), utc(2017, 12, 12, 13, 30))?;
    let speaker = |name: &str, title: &str, org: &str| Speaker::new(name, title, org).consenting();
    let spec =
        EventSpec::new(EventKind::Miditech, "L'État plateforme", schedule, 60)
            .with_venue(Venue::new(
                "Direction Générale de la Gendarmerie Nationale",
                "4 rue Claude Bernard, 92130 Issy-les-Moulineaux",
            ))
            .with_remote(RemoteBroadcast {
                url: "https://visio.interieur.gouv.fr/cimi-miditech".into(),
                capacity: None,
            })
            .with_quota("interieur", 40)
            .with_quota("other_ministries", 20)
            .with_window(
                Some(utc(2017, 11, 20, 8, 0)),
                Some(utc(2017, 12, 11, 11, 0)),
            )
            .with_item(
                ProgramItem::new(ItemKind::Introduction, "Introduction CIMI").with_speaker(
                    speaker("Isabelle Meslier", "commandant", "Préfecture de police"),
                ),
            )
            .with_item(
                ProgramItem::new(ItemKind::Talk, "L'âge de la multitude").with_speaker(speaker(
                    "Henri Verdier",
                    "directeur",
                    "DINSIC",
                )),
            );
    let event = c.schedule_event(spec, utc(2017, 11, 15, 9, 0))?;
    let mut registers = 0;
    for op in ops {
        let at = op.at.with_timezone(&Utc);
        if op.action == "register" {
            registers += 1;
            if registers > n {
                continue;
            }
            let mut req = RegistrationRequest::new(op.email.clone())
                .names(op.nom.clone(), op.prenom.clone())
                .affiliation(op.service.clone(), op.grade.clone(), op.fonction.clone());
            if op.acknowledged {
                req = req.acknowledging(["deontology", "pssi"]);
            }
            if let Some(mode) = op.attendance.as_deref().and_then(AttendanceMode::from_kind) {
                req = req.attending(mode);
            }
            let _ = c.register(event, &req, at);
        } else if let Some(member) = c.member_by_email(&op.email).map(|m| m.id) {
            let live = c
                .registrations(event)
                .find(|r| r.member == member && r.is_live())
                .map(|r| r.id);
            if let Some(id) = live {
                c.cancel_registration(id, at)?;
            }
        }
    }
    Ok(())
}

fn request(email: &str) -> RegistrationRequest {
    RegistrationRequest::new(email)
        .names("Martin", "Alice")
        .affiliation("DNUM", "attachée", "cheffe de projet")
        .acknowledging(["deontology", "pssi"])
}

/// A community that uses most of the core: profiles, consents, a bureau
/// role, a full event with a waiting list and remote places, check-in, a
/// held and reported event, a cancelled one, help requests, watch items and
/// an erased member.
fn rich() -> Result<Community, Error> {
    let t = utc(2026, 3, 2, 9, 0);
    let mut c = Community::cimi();
    let isa = c.add_member(
        "isabelle.meslier@interieur.gouv.fr",
        MemberProfile {
            family_name: "Meslier".into(),
            given_name: "Isabelle".into(),
            service: "Préfecture de police — SDSICIF".into(),
            grade: "commandant".into(),
            function: "cheffe de projet".into(),
            skills: ["postgresql".to_string(), "ansible".to_string()].into(),
            ..Default::default()
        },
        t,
    )?;
    c.set_consent(isa, ConsentKind::MailingList, true, t)?;
    c.set_bureau_role(isa, Some("présidente"), t)?;
    let day = |d: i64| {
        Schedule::new(
            t + Duration::days(d),
            t + Duration::days(d) + Duration::hours(2),
        )
    };
    let full = c.schedule_event(
        EventSpec::new(EventKind::Workshop, "PostgreSQL", day(10)?, 2)
            .with_quota("interieur", 1)
            .with_remote(RemoteBroadcast {
                url: "https://visio.interieur.gouv.fr/cimi".into(),
                capacity: Some(2),
            }),
        t,
    )?;
    let past = c.schedule_event(EventSpec::new(EventKind::Miditech, "IA", day(1)?, 10), t)?;
    let dropped = c.schedule_event(EventSpec::new(EventKind::Meeting, "Bureau", day(20)?, 7), t)?;
    let a = c.register(full, &request("alice@interieur.gouv.fr"), t)?;
    c.register(full, &request("bob@agri.gouv.fr"), t)?;
    c.register(
        full,
        &request("carol@dnum.interieur.gouv.fr").attending(AttendanceMode::OnSiteOrRemote),
        t,
    )?;
    c.register(full, &request("dave@finances.gouv.fr"), t)?;
    c.register(full, &request("eve@sante.gouv.fr"), t)?;
    // At the doors (check-in opens a day before the start).
    c.check_in(a.registration.id, t + Duration::days(10))?;
    let p = c.register(past, &request("alice@interieur.gouv.fr"), t)?;
    c.register(past, &request("farid@intradef.gouv.fr"), t)?;
    c.check_in(p.registration.id, t + Duration::days(1))?;
    c.mark_held(past, t + Duration::days(1) + Duration::hours(2))?;
    c.publish_report(
        past,
        "Merci à tous.\nSupports en ligne.",
        Vec::new(),
        t + Duration::days(2),
    )?;
    c.register(dropped, &request("bob@agri.gouv.fr"), t)?;
    c.cancel_event(dropped, t + Duration::days(3))?;
    let h = c.ask_help(
        "bob@agri.gouv.fr",
        "Réplication PostgreSQL",
        "Comment répliquer une base entre deux sites ?",
        &["PostgreSQL"],
        Visibility::Public,
        t,
    )?;
    c.refer_help(h, &[isa], t + Duration::hours(2))?;
    c.resolve_help(h, t + Duration::days(1))?;
    let w = c.share_watch_item(
        NewWatchItem {
            title: "PostgreSQL 18".into(),
            link: "https://www.postgresql.org/about/news/".into(),
            summary: "Nouvelle version.".into(),
            tags: vec!["PostgreSQL".into()],
            scope: Scope::External,
            shared_by: "isabelle.meslier@interieur.gouv.fr".into(),
            event: Some(full),
            help_request: Some(h),
        },
        t,
    )?;
    c.publish_watch_item(w, "forum", t)?;
    let eve = c
        .member_by_email("eve@sante.gouv.fr")
        .map(|m| m.id)
        .unwrap();
    c.erase_member(eve, t + Duration::days(4))?;
    c.check_invariants()?;
    Ok(c)
}

fn civic() -> Result<Community, Error> {
    let t = utc(2026, 3, 2, 9, 0);
    let statutes =
        Statutes::from_json(&std::fs::read_to_string(data("statutes-civic-tech.json"))?)?;
    let mut c = Community::new(statutes)?;
    let s = Schedule::new(
        t + Duration::days(7),
        t + Duration::days(7) + Duration::hours(3),
    )?;
    let ev = c.schedule_event(
        EventSpec::new(EventKind::Workshop, "Budget participatif", s, 2).with_quota("residents", 1),
        t,
    )?;
    for email in [
        "agent@issy.fr",
        "marie@orange.fr",
        "jean.dupont@gmail.com",
        "paul@free.fr",
    ] {
        let _ = c.register(
            ev,
            &RegistrationRequest::new(email).names("Dupont", "Jean"),
            t,
        );
    }
    Ok(c)
}

fn address_seeds() -> Result<(), Error> {
    let mut corpus = Corpus::new("address")?;
    let mut seen = std::collections::BTreeSet::new();
    let mut plain = 0;
    for r in requests()? {
        if !seen.insert(r.email.clone()) {
            continue;
        }
        let ordinary = r.email.ends_with(".gouv.fr")
            && r.email
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b"@.-".contains(&b));
        if ordinary {
            plain += 1;
            if plain > 6 {
                continue;
            }
        }
        corpus.add("miditech", r.email.as_bytes())?;
    }
    for s in [
        "jean@bücher.fr".to_string(),
        "jean@xn--bcher-kva.fr".into(),
        "alice@\u{0430}gri.gouv.fr".into(),
        "alice@agri\u{FF0E}gouv\u{FF0E}fr".into(),
        "alice@\u{FF41}gri.gouv.fr".into(),
        "alice@xn--gri-5cd.gouv.fr".into(),
        " Alice.Martin@AGRI.GOUV.FR ".into(),
        "o'brien+events!#$%&*/=?^_`{|}~@interieur.gouv.fr".into(),
        format!("a@{}gouv.fr", "b.".repeat(122)),
        format!("{}@agri.gouv.fr", "a".repeat(65)),
        "ali\u{2066}ce@agri.gouv.fr".into(),
        "erased-7@erased.invalid".into(),
    ] {
        corpus.add("address_tests", s.as_bytes())?;
    }
    for (address, pattern) in [
        ("alice@interieur.gouv.fr", "*@*.gouv.fr"),
        ("alice@gouv.fr", "*@*.gouv.fr"),
        ("CIMI@interieur.gouv.fr", "cimi@Interieur.gouv.fr"),
        ("x@paris.fr", "*@*.fr"),
        ("agent@mairie.issy.fr", "*@*.issy.fr"),
        ("jean@xn--bcher-kva.fr", "*@bücher.fr"),
        ("a@b.example.com", "*@*"),
    ] {
        corpus.add("with_pattern", format!("{address}\n{pattern}"))?;
    }
    corpus.done();
    Ok(())
}

fn statutes_seeds() -> Result<(), Error> {
    let mut corpus = Corpus::new("statutes_json")?;
    let cimi = Statutes::cimi().to_json();
    let civic = std::fs::read_to_string(data("statutes-civic-tech.json"))?;
    corpus.add("cimi.json", &cimi)?;
    corpus.add("civic_tech.json", &civic)?;
    let base: Value = serde_json::from_str(&cimi)?;
    corpus.add("cimi_compact.json", serde_json::to_string(&base)?)?;
    let civic_v: Value = serde_json::from_str(&civic)?;
    let variants: Vec<Variant> = vec![
        ("version_99.json", Box::new(|v| v["version"] = json!(99))),
        (
            "wrong_format.json",
            Box::new(|v| v["format"] = json!("cimi.community")),
        ),
        (
            "no_version.json",
            Box::new(|v| {
                v.as_object_mut().unwrap().remove("version");
            }),
        ),
        (
            "duplicate_obligation.json",
            Box::new(|v| {
                let o = v["obligations"][0].clone();
                v["obligations"].as_array_mut().unwrap().push(o);
            }),
        ),
        (
            "blank_audience.json",
            Box::new(|v| v["audiences"][0]["id"] = json!(" ")),
        ),
        (
            "max_field_chars_0.json",
            Box::new(|v| v["policy"]["max_field_chars"] = json!(0)),
        ),
        (
            "bad_pattern.json",
            Box::new(|v| v["policy"]["allowed"] = json!(["gouv.fr"])),
        ),
        (
            "idn_patterns.json",
            Box::new(|v| {
                v["policy"]["allowed"] = json!(["*@*.bücher.fr", "Cimi@Interieur.Gouv.Fr", "*@*"])
            }),
        ),
        (
            "open_policy.json",
            Box::new(|v| v["policy"]["allowed"] = json!([])),
        ),
        (
            "bureau_size_1001.json",
            Box::new(|v| v["bureau"]["size"] = json!(1001)),
        ),
    ];
    for (name, edit) in &variants {
        let mut v = base.clone();
        edit(&mut v);
        corpus.add(name, serde_json::to_string_pretty(&v)?)?;
    }
    let mut minimal = civic_v.clone();
    for key in ["rules", "obligations", "audiences"] {
        minimal.as_object_mut().unwrap().remove(key);
    }
    corpus.add("civic_minimal.json", serde_json::to_string(&minimal)?)?;
    corpus.done();
    Ok(())
}

fn community_seeds() -> Result<(), Error> {
    let mut corpus = Corpus::new("community_json")?;
    corpus.add("empty_cimi.json", Community::cimi().to_json())?;
    corpus.add("fuzz_common.json", common::community().to_json())?;
    let mut m = Community::cimi();
    miditech(&mut m, &requests()?, 30)?;
    corpus.add("miditech_30.json", m.to_json())?;
    let rich = rich()?;
    let rich_doc = rich.to_json();
    corpus.add("rich.json", &rich_doc)?;
    corpus.add("civic.json", civic()?.to_json())?;
    let base: Value = serde_json::from_str(&rich_doc)?;
    let variants: Vec<Variant> = vec![
        (
            "over_capacity.json",
            Box::new(|v| v["events"][0]["capacity"] = json!(1)),
        ),
        (
            "over_quota.json",
            Box::new(|v| v["events"][0]["quotas"]["interieur"] = json!(0)),
        ),
        (
            "seat_free_while_waiting.json",
            Box::new(|v| v["events"][0]["capacity"] = json!(3)),
        ),
        (
            "unknown_audience_quota.json",
            Box::new(|v| v["events"][0]["quotas"]["nobody"] = json!(1)),
        ),
        (
            "duplicate_member_id.json",
            Box::new(|v| {
                let m = v["members"][1].clone();
                v["members"].as_array_mut().unwrap().push(m);
            }),
        ),
        (
            "shared_address.json",
            Box::new(|v| v["members"][2]["email"] = v["members"][1]["email"].clone()),
        ),
        (
            "registered_twice.json",
            Box::new(|v| {
                let mut r = v["registrations"][0].clone();
                r["id"] = json!(99);
                v["registrations"].as_array_mut().unwrap().push(r);
                v["next_ids"]["registration"] = json!(100);
            }),
        ),
        (
            "next_ids_low.json",
            Box::new(|v| v["next_ids"]["member"] = json!(1)),
        ),
        (
            "unknown_event.json",
            Box::new(|v| v["registrations"][0]["event"] = json!(42)),
        ),
        (
            "address_outside_policy.json",
            Box::new(|v| v["members"][1]["email"] = json!("alice@gmail.com")),
        ),
        ("version_2.json", Box::new(|v| v["version"] = json!(2))),
        (
            "wrong_format.json",
            Box::new(|v| v["format"] = json!("cimi.statutes")),
        ),
        (
            "impossible_status.json",
            Box::new(|v| v["registrations"][0]["status"] = json!("waitlisted")),
        ),
    ];
    for (name, edit) in &variants {
        let mut v = base.clone();
        edit(&mut v);
        corpus.add(name, serde_json::to_string(&v)?)?;
    }
    corpus.done();
    Ok(())
}

/// Journal bytes in memory, shared with the store that writes them.
#[derive(Clone, Default)]
struct Memory(Arc<Mutex<Vec<u8>>>);

impl Storage for Memory {
    fn append(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(())
    }
    fn sync(&mut self) -> std::io::Result<()> {
        Ok(())
    }
    fn truncate(&mut self, len: u64) -> std::io::Result<()> {
        self.0.lock().unwrap().truncate(len as usize);
        Ok(())
    }
    fn len(&self) -> u64 {
        self.0.lock().unwrap().len() as u64
    }
}

/// The journal of a small run of the engine, optionally starting, as
/// `Store::open` does, with the statutes.
fn journal(with_statutes: bool, miditech_requests: usize) -> Result<Vec<u8>, Error> {
    let memory = Memory::default();
    let mut store = Store::with_storage(
        Community::cimi(),
        Box::new(memory.clone()),
        SyncPolicy::Never,
    );
    let t = utc(2026, 3, 2, 9, 0);
    if with_statutes {
        store.execute("cimi", |c| c.replace_statutes(Statutes::cimi(), t))?;
    }
    if miditech_requests > 0 {
        let ops = requests()?;
        store.execute("import", |c| miditech(c, &ops, miditech_requests))?;
        let bytes = memory.0.lock().unwrap().clone();
        return Ok(bytes);
    }
    let s = Schedule::new(
        t + Duration::days(5),
        t + Duration::days(5) + Duration::hours(2),
    )?;
    let ev = store.execute("organiser", |c| {
        c.schedule_event(
            EventSpec::new(EventKind::Workshop, "Ansible", s, 1).with_remote(RemoteBroadcast {
                url: "https://visio.interieur.gouv.fr/cimi".into(),
                capacity: Some(1),
            }),
            t,
        )
    })?;
    let first = store.execute("web", |c| {
        c.register(ev, &request("alice@interieur.gouv.fr"), t)
    })?;
    store.execute("web", |c| c.register(ev, &request("bob@agri.gouv.fr"), t))?;
    store.execute("mail", |c| {
        c.register(
            ev,
            &request("carol@interieur.gouv.fr").attending(AttendanceMode::OnSiteOrRemote),
            t,
        )
    })?;
    store.execute("web", |c| {
        c.cancel_registration(first.registration.id, t + Duration::hours(1))
    })?;
    store.execute("organiser", |c| {
        c.set_capacity(ev, 3, t + Duration::hours(2))
    })?;
    let bob = store
        .community()
        .member_by_email("bob@agri.gouv.fr")
        .map(|m| m.id)
        .unwrap();
    store.execute("dpo", |c| c.erase_member(bob, t + Duration::hours(3)))?;
    let bytes = memory.0.lock().unwrap().clone();
    Ok(bytes)
}

fn journal_seeds() -> Result<(), Error> {
    let mut corpus = Corpus::new("journal_decode")?;
    let raw = |bytes: &[u8]| [&[0u8][..], bytes].concat();
    let small = journal(false, 0)?;
    let decoded = decode_frames(&small, "journal.log")?;
    let payloads: Vec<&[u8]> = decoded.payloads.iter().map(|(_, p)| *p).collect();
    let offsets: Vec<usize> = decoded.payloads.iter().map(|(o, _)| *o as usize).collect();
    corpus.add("raw_empty", [0u8])?;
    corpus.add("raw_small", raw(&small))?;
    corpus.add("raw_with_statutes", raw(&journal(true, 0)?))?;
    corpus.add("raw_miditech_12", raw(&journal(false, 12)?))?;
    let last = *offsets.last().unwrap();
    corpus.add("raw_torn", raw(&small[..last + (small.len() - last) / 2]))?;
    let mut bad_crc = small.clone();
    let i = offsets[1] + 60;
    bad_crc[i] ^= 0x01;
    corpus.add("raw_bad_crc", raw(&bad_crc))?;
    let mut bad_header = small.clone();
    bad_header[offsets[2] + 3] = b'X';
    corpus.add("raw_bad_header", raw(&bad_header))?;
    let gap = [&small[..offsets[2]], &small[offsets[3]..]].concat();
    corpus.add("raw_seq_gap", raw(&gap))?;
    let mut garbage = small.clone();
    garbage.extend_from_slice(b"not a record\n");
    corpus.add("raw_garbage_line", raw(&garbage))?;
    // Framed: the payloads one per line, framed by the target.
    let framed = |mode: u8, lines: &[&[u8]]| {
        let mut out = vec![mode];
        out.extend_from_slice(&lines.join(&b'\n'));
        out
    };
    corpus.add("framed_small", framed(1, &payloads))?;
    let mut torn = payloads.clone();
    torn.push(b"{\"seq\":9,\"actor\":\"web\",\"cha");
    corpus.add("framed_torn", framed(3, &torn))?;
    let mut reordered = payloads.clone();
    reordered.swap(1, 2);
    corpus.add("framed_reordered", framed(1, &reordered))?;
    let seq_zero = String::from_utf8(payloads[0].to_vec())?.replacen("\"seq\":1,", "\"seq\":0,", 1);
    corpus.add("framed_seq_zero", framed(1, &[seq_zero.as_bytes()]))?;
    let mut one = Vec::new();
    encode_frame(b"{}", &mut one);
    corpus.add("raw_not_a_record", raw(&one))?;
    corpus.done();
    Ok(())
}

fn engine_seeds() -> Result<(), Error> {
    let mut corpus = Corpus::new("engine_ops")?;
    let schedule = |capacity: u8, quota: Option<u8>, remote: Option<Option<u8>>| Op::Schedule {
        in_hours: 96,
        capacity,
        quota_interieur: quota,
        quota_other: None,
        remote,
        no_waitlist: false,
        draft: false,
        window: None,
        offers: None,
    };
    let reg = |event: u8, person: u8, mode: u8| Op::Register {
        event,
        person,
        mode,
        fields: [0; 5],
        acknowledge: 2,
    };
    let sequences: Vec<(&str, Vec<Op>)> = vec![
        (
            "waiting_list",
            vec![
                schedule(2, Some(1), None),
                reg(0, 0, 0),
                reg(0, 2, 0),
                reg(0, 4, 0),
                reg(0, 5, 0),
                reg(0, 1, 0),
                Op::Cancel { pick: 0 },
                Op::CheckIn { pick: 2 },
                Op::SaveLoad,
                Op::Cancel { pick: 2 },
            ],
        ),
        (
            "remote",
            vec![
                schedule(1, None, Some(Some(1))),
                reg(0, 0, 2),
                reg(0, 3, 2),
                reg(0, 4, 2),
                reg(0, 5, 1),
                Op::Cancel { pick: 0 },
                Op::SetRemote {
                    event: 0,
                    remote: Some(None),
                },
                reg(0, 6, 1),
            ],
        ),
        (
            "lifecycle",
            vec![
                Op::Schedule {
                    in_hours: 30,
                    capacity: 3,
                    quota_interieur: None,
                    quota_other: Some(1),
                    remote: None,
                    no_waitlist: true,
                    draft: true,
                    window: None,
                    offers: None,
                },
                reg(0, 0, 0),
                Op::Lifecycle { event: 0, to: 0 },
                reg(0, 0, 0),
                reg(0, 4, 0),
                reg(0, 5, 0),
                Op::Lifecycle { event: 0, to: 1 },
                Op::Lifecycle { event: 0, to: 0 },
                Op::Advance { minutes: 4000 },
                Op::CheckIn { pick: 0 },
                Op::Lifecycle { event: 0, to: 2 },
                Op::Lifecycle { event: 0, to: 3 },
                Op::Query { event: 0 },
                Op::SaveLoad,
            ],
        ),
        (
            "hostile_people",
            std::iter::once(schedule(15, None, None))
                .chain((0..16).map(|p| Op::Register {
                    event: 0,
                    person: p,
                    mode: p % 3,
                    fields: [p, p / 2, 0, 5, p % 8],
                    acknowledge: p % 4,
                }))
                .collect(),
        ),
        (
            "statutes_replaced",
            vec![
                schedule(3, Some(2), None),
                reg(0, 0, 0),
                reg(0, 4, 0),
                Op::ReplaceStatutes { variant: 1 },
                reg(0, 7, 0),
                reg(0, 8, 0),
                Op::SaveLoad,
                Op::ReplaceStatutes { variant: 2 },
                reg(0, 9, 0),
            ],
        ),
        (
            "erasure_and_help",
            vec![
                schedule(1, None, None),
                Op::AddMember { person: 3 },
                reg(0, 0, 0),
                reg(0, 2, 0),
                Op::AskHelp { person: 2 },
                Op::HelpStep {
                    pick: 0,
                    to: 0,
                    step: 0,
                },
                Op::Consent {
                    pick: 0,
                    granted: true,
                },
                Op::Erase { pick: 1 },
                Op::HelpStep {
                    pick: 0,
                    to: 0,
                    step: 1,
                },
                Op::Query { event: 0 },
                Op::SaveLoad,
            ],
        ),
        (
            "resize",
            vec![
                schedule(0, None, None),
                reg(0, 0, 0),
                reg(0, 2, 0),
                reg(0, 4, 0),
                reg(0, 5, 0),
                Op::SetCapacity {
                    event: 0,
                    capacity: 1,
                },
                Op::SetQuota {
                    event: 0,
                    audience: 0,
                    quota: Some(0),
                },
                Op::SetCapacity {
                    event: 0,
                    capacity: 3,
                },
                Op::SetQuota {
                    event: 0,
                    audience: 0,
                    quota: None,
                },
                Op::SetCapacity {
                    event: 0,
                    capacity: 0,
                },
            ],
        ),
        (
            "offers",
            vec![
                Op::Schedule {
                    in_hours: 96,
                    capacity: 2,
                    quota_interieur: None,
                    quota_other: Some(1),
                    remote: Some(None),
                    no_waitlist: false,
                    draft: false,
                    window: None,
                    offers: Some(11),
                },
                reg(0, 0, 0),
                reg(0, 2, 0),
                reg(0, 4, 0),
                reg(0, 5, 2),
                reg(0, 3, 0),
                Op::Cancel { pick: 0 },
                Op::AnswerOffer {
                    pick: 2,
                    accept: false,
                },
                Op::Advance { minutes: 900 },
                reg(0, 6, 0),
                Op::AnswerOffer {
                    pick: 3,
                    accept: true,
                },
                Op::CancelByToken { pick: 1, tamper: 0 },
                Op::CancelByToken { pick: 3, tamper: 1 },
                Op::Advance { minutes: 3000 },
                Op::ExpireOffers,
                Op::SaveLoad,
            ],
        ),
        (
            "window",
            vec![
                schedule(4, None, None),
                Op::SetWindow {
                    event: 0,
                    opens: Some(2),
                    closes: Some(48),
                },
                reg(0, 0, 0),
                Op::Advance { minutes: 180 },
                reg(0, 0, 0),
                Op::SetWindow {
                    event: 0,
                    opens: Some(5),
                    closes: Some(1),
                },
                Op::Advance { minutes: 3000 },
                reg(0, 2, 0),
            ],
        ),
        (
            "two_events",
            vec![
                schedule(1, None, Some(None)),
                schedule(2, Some(1), None),
                reg(0, 0, 2),
                reg(1, 0, 0),
                reg(0, 2, 2),
                reg(1, 2, 0),
                reg(1, 3, 0),
                Op::Lifecycle { event: 0, to: 4 },
                Op::Cancel { pick: 3 },
                Op::Erase { pick: 0 },
                Op::SaveLoad,
            ],
        ),
    ];
    for (name, ops) in &sequences {
        let mut bytes = Vec::new();
        for op in ops {
            encode(op, &mut bytes);
        }
        // The encoder must mirror the target's decoder.
        let mut u = Unstructured::new(&bytes);
        for op in ops {
            let back = Op::arbitrary(&mut u)?;
            assert_eq!(
                format!("{back:?}"),
                format!("{op:?}"),
                "encode/decode mismatch"
            );
        }
        assert!(u.is_empty());
        corpus.add(name, bytes)?;
    }
    corpus.done();
    Ok(())
}

fn main() -> Result<(), Error> {
    address_seeds()?;
    statutes_seeds()?;
    community_seeds()?;
    journal_seeds()?;
    engine_seeds()?;
    Ok(())
}
