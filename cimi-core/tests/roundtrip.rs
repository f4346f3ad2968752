//! JSON round trip and replay of recorded changes, for random communities.

mod common;

use chrono::{DateTime, Duration, TimeZone, Utc};
use cimi_core::community::MemberProfile;
use cimi_core::event::{
    EventKind, EventSpec, ItemKind, ProgramItem, RemoteBroadcast, Schedule, Speaker, Venue,
};
use cimi_core::member::{Affiliation, ConsentKind};
use cimi_core::registration::{AttendanceMode, RegistrationRequest};
use cimi_core::{Community, Error};
use common::valid;
use proptest::prelude::*;

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2019, 10, 20, 8, 0, 0).unwrap()
}

#[derive(Debug, Clone)]
enum Op {
    Member {
        n: u8,
        name: String,
        skills: Vec<String>,
        consent: Option<(u8, bool)>,
    },
    Event {
        kind: u8,
        title: String,
        capacity: u32,
        quota: Option<u32>,
        remote: bool,
        speakers: Vec<(String, bool)>,
    },
    Register {
        event: u8,
        person: u8,
        mode: u8,
        name: String,
    },
    Cancel {
        pick: u16,
    },
    CheckIn {
        pick: u16,
    },
    Bureau {
        n: u8,
        role: Option<String>,
    },
    Lifecycle {
        event: u8,
        step: u8,
    },
    Help {
        person: u8,
        topic: String,
        step: u8,
        pick: u16,
    },
    Erase {
        n: u8,
    },
    Watch {
        title: String,
        internal: bool,
        channel: u8,
    },
}

fn text() -> impl Strategy<Value = String> {
    // Any printable text, accents, emoji and quotes included.
    "[ -~àéèçôÉ€😀\"'\\\\]{1,20}".prop_filter("not blank", |s| !s.trim().is_empty())
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        (
            any::<u8>(),
            text(),
            proptest::collection::vec(text(), 0..3),
            proptest::option::of((0u8..3, any::<bool>()))
        )
            .prop_map(|(n, name, skills, consent)| Op::Member {
                n,
                name,
                skills,
                consent
            }),
        (
            0u8..4,
            text(),
            0u32..5,
            proptest::option::of(0u32..3),
            any::<bool>(),
            proptest::collection::vec((text(), any::<bool>()), 0..3)
        )
            .prop_map(
                |(kind, title, capacity, quota, remote, speakers)| Op::Event {
                    kind,
                    title,
                    capacity,
                    quota,
                    remote,
                    speakers
                }
            ),
        (any::<u8>(), any::<u8>(), 0u8..3, text()).prop_map(|(event, person, mode, name)| {
            Op::Register {
                event,
                person,
                mode,
                name,
            }
        }),
        any::<u16>().prop_map(|pick| Op::Cancel { pick }),
        any::<u16>().prop_map(|pick| Op::CheckIn { pick }),
        (any::<u8>(), proptest::option::of(text())).prop_map(|(n, role)| Op::Bureau { n, role }),
        (any::<u8>(), 0u8..5).prop_map(|(event, step)| Op::Lifecycle { event, step }),
        (any::<u8>(), text(), 0u8..4, any::<u16>()).prop_map(|(person, topic, step, pick)| {
            Op::Help {
                person,
                topic,
                step,
                pick,
            }
        }),
        any::<u8>().prop_map(|n| Op::Erase { n }),
        (text(), any::<bool>(), 0u8..8).prop_map(|(title, internal, channel)| Op::Watch {
            title,
            internal,
            channel
        }),
    ]
}

fn build(ops: &[Op]) -> Community {
    let mut c = Community::cimi();
    c.set_recording(true);
    let mut events = Vec::new();
    let mut regs = Vec::new();
    let mut members = Vec::new();
    for (i, op) in ops.iter().enumerate() {
        let at =
            t0() + Duration::minutes(i as i64 * 7) + Duration::nanoseconds(i as i64 * 1_234_567);
        let _: Result<(), Error> = (|| {
            match op {
                Op::Member {
                    n,
                    name,
                    skills,
                    consent,
                } => {
                    let email = format!("m{n}@dnum.interieur.gouv.fr");
                    let id = match c.member_by_email(&email) {
                        Some(m) => m.id,
                        None => {
                            let profile = MemberProfile {
                                family_name: name.clone(),
                                affiliation: Affiliation::new(["Intérieur", "DNUM"]),
                                skills: skills.iter().cloned().collect(),
                                ..Default::default()
                            };
                            c.add_member(&email, profile, at)?
                        }
                    };
                    members.push(id);
                    if let Some((k, granted)) = consent {
                        c.set_consent(id, ConsentKind::ALL[*k as usize], *granted, at)?;
                    }
                }
                Op::Event {
                    kind,
                    title,
                    capacity,
                    quota,
                    remote,
                    speakers,
                } => {
                    let start = at + Duration::days(40);
                    let mut spec = EventSpec::new(
                        EventKind::ALL[*kind as usize],
                        title.clone(),
                        Schedule::new(start, start + Duration::hours(2))?,
                        *capacity,
                    )
                    .with_venue(Venue::new(
                        "DGGN",
                        "4 rue Claude Bernard, 92130 Issy-les-Moulineaux",
                    ));
                    if let Some(q) = quota {
                        spec = spec.with_quota("interieur", *q);
                    }
                    if *remote {
                        spec = spec.with_remote(RemoteBroadcast {
                            url: "https://visio.example/x".into(),
                            capacity: None,
                        });
                    }
                    let mut item = ProgramItem::new(ItemKind::Talk, title.clone());
                    for (name, consent) in speakers {
                        let s = Speaker::new(name.clone(), "commandant", "PP");
                        item = item.with_speaker(if *consent { s.consenting() } else { s });
                    }
                    spec = spec.with_item(item);
                    events.push(c.schedule_event(spec, at)?);
                }
                Op::Register {
                    event,
                    person,
                    mode,
                    name,
                } => {
                    if events.is_empty() {
                        return Ok(());
                    }
                    let ev = events[*event as usize % events.len()];
                    let domain = if person % 3 == 0 {
                        "agri.gouv.fr"
                    } else {
                        "interieur.gouv.fr"
                    };
                    let req = RegistrationRequest::new(format!("p{person}@{domain}"))
                        .names(name.clone(), "Prénom")
                        .affiliation("ST(SI)²", "major", "développeur")
                        .acknowledging(["deontology", "pssi"])
                        .attending(
                            [
                                AttendanceMode::OnSite,
                                AttendanceMode::Remote,
                                AttendanceMode::OnSiteOrRemote,
                            ][*mode as usize],
                        );
                    regs.push(c.register(ev, &req, at)?.registration.id);
                }
                Op::Cancel { pick } => {
                    if !regs.is_empty() {
                        c.cancel_registration(regs[*pick as usize % regs.len()], at)?;
                    }
                }
                Op::CheckIn { pick } => {
                    if !regs.is_empty() {
                        c.check_in(regs[*pick as usize % regs.len()], at)?;
                    }
                }
                Op::Bureau { n, role } => {
                    if !members.is_empty() {
                        c.set_bureau_role(
                            members[*n as usize % members.len()],
                            role.as_deref(),
                            at,
                        )?;
                    }
                }
                Op::Help {
                    person,
                    topic,
                    step,
                    pick,
                } => {
                    let asker = format!("h{person}@interieur.gouv.fr");
                    let id = c.ask_help(
                        &asker,
                        topic,
                        "Texte\nlibre",
                        &[topic.as_str(), "Docker"],
                        cimi_core::help::Visibility::Public,
                        at,
                    )?;
                    match step {
                        0 if !members.is_empty() => {
                            c.refer_help(id, &[members[*pick as usize % members.len()]], at)?
                        }
                        1 => c.resolve_help(id, at)?,
                        2 => c.close_help(id, at)?,
                        _ => {}
                    }
                }
                Op::Watch {
                    title,
                    internal,
                    channel,
                } => {
                    use cimi_core::watch::{NewWatchItem, Scope};
                    let id = c.share_watch_item(
                        NewWatchItem {
                            title: title.clone(),
                            link: "https://veille.example/x".into(),
                            summary: "Résumé\nsur deux lignes".into(),
                            tags: vec![title.clone(), "Rust".into()],
                            scope: if *internal {
                                Scope::Internal
                            } else {
                                Scope::External
                            },
                            shared_by: "veille@interieur.gouv.fr".into(),
                            event: events.first().copied(),
                            help_request: None,
                        },
                        at,
                    )?;
                    let ch = c.statutes().channels[*channel as usize % c.statutes().channels.len()]
                        .id
                        .clone();
                    c.publish_watch_item(id, &ch, at)?;
                }
                Op::Erase { n } => {
                    if !members.is_empty() {
                        c.erase_member(members[*n as usize % members.len()], at)?;
                    }
                }
                Op::Lifecycle { event, step } => {
                    if events.is_empty() {
                        return Ok(());
                    }
                    let ev = events[*event as usize % events.len()];
                    let later = at + Duration::days(60);
                    match step {
                        0 => c.close_registration(ev, at)?,
                        1 => c.open_registration(ev, at)?,
                        2 => c.mark_held(ev, later)?,
                        3 => {
                            c.publish_report(ev, "Compte-rendu\nsur deux lignes", vec![], later)?
                        }
                        _ => c.cancel_event(ev, at)?,
                    }
                }
            }
            Ok(())
        })();
    }
    c
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn json_round_trip_is_exact(ops in proptest::collection::vec(op(), 0..60)) {
        let c = build(&ops);
        c.check_invariants().map_err(TestCaseError::fail)?;
        let text = c.to_json();
        let back = Community::from_json(&text).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(&back, &c);
        prop_assert_eq!(back.to_json(), text);
        back.check_invariants().map_err(TestCaseError::fail)?;
    }

    #[test]
    fn replaying_recorded_changes_gives_the_same_state(ops in proptest::collection::vec(op(), 0..60)) {
        let mut c = build(&ops);
        let changes = c.drain_changes();
        let mut replica = Community::cimi();
        for ch in changes {
            replica.apply(ch).map_err(|e| TestCaseError::fail(e.to_string()))?;
        }
        prop_assert_eq!(&replica, &c);
    }
}

#[test]
fn changes_encode_as_json_lines() {
    let mut c = build(&[
        Op::Event {
            kind: 0,
            title: "x".into(),
            capacity: 1,
            quota: None,
            remote: false,
            speakers: vec![],
        },
        Op::Register {
            event: 0,
            person: 1,
            mode: 0,
            name: "A".into(),
        },
        Op::Register {
            event: 0,
            person: 2,
            mode: 0,
            name: "B".into(),
        },
        Op::Cancel { pick: 0 },
    ]);
    let changes = c.drain_changes();
    let kinds: Vec<_> = changes.iter().map(|c| c.action.kind()).collect();
    assert_eq!(
        kinds,
        [
            "event_scheduled",
            "member_added",
            "registered",
            "member_added",
            "registered",
            "cancelled",
            "promoted"
        ]
    );
    for ch in &changes {
        let line = serde_json::to_string(ch).unwrap();
        assert!(!line.contains('\n'));
        let back: cimi_core::change::Change = serde_json::from_str(&line).unwrap();
        assert_eq!(&back, ch);
    }
}

#[test]
fn unknown_version_and_format_are_refused() {
    let text = Community::cimi().to_json();
    let future = text.replacen("\"version\":1", "\"version\":2", 1);
    assert_eq!(
        Community::from_json(&future).unwrap_err().kind(),
        "unsupported_version"
    );
    let other = text.replacen("cimi.community", "cimi.other", 1);
    assert_eq!(
        Community::from_json(&other).unwrap_err().kind(),
        "wrong_format"
    );
    assert_eq!(
        Community::from_json("not json").unwrap_err().kind(),
        "invalid_json"
    );
}

#[test]
fn impossible_documents_are_refused() {
    let c = build(&[
        Op::Event {
            kind: 0,
            title: "x".into(),
            capacity: 1,
            quota: None,
            remote: false,
            speakers: vec![],
        },
        Op::Register {
            event: 0,
            person: 1,
            mode: 0,
            name: "A".into(),
        },
    ]);
    let text = c.to_json();
    let mut doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    doc["events"][0]["capacity"] = 0.into();
    let err = Community::from_json(&doc.to_string()).unwrap_err();
    assert_eq!(err.kind(), "inconsistent_document");
    assert!(err.to_string().contains("capacity"), "{err}");

    let mut doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    doc["registrations"][0]["event"] = 99.into();
    let err = Community::from_json(&doc.to_string()).unwrap_err();
    assert!(err.to_string().contains("registrations[0]"), "{err}");
}

/// Texts and lists over the limits, and member texts with control characters,
/// are refused with the place they occur; nothing is loaded.
#[test]
fn oversized_or_hidden_texts_in_documents_are_refused_with_their_place() {
    use cimi_core::limits::{MAX_LIST_LEN, MAX_TEXT_CHARS};
    let mut c = Community::cimi();
    c.add_member(
        "ada@interieur.gouv.fr",
        MemberProfile {
            family_name: "Lovelace".into(),
            skills: ["rust".to_string()].into_iter().collect(),
            ..Default::default()
        },
        t0(),
    )
    .unwrap();
    let doc: serde_json::Value = serde_json::from_str(&c.to_json()).unwrap();
    let load = |edit: &dyn Fn(&mut serde_json::Value)| {
        let mut d = doc.clone();
        edit(&mut d);
        Community::from_json(&d.to_string()).unwrap_err()
    };

    let e = load(&|d| d["members"][0]["family_name"] = "é".repeat(MAX_TEXT_CHARS + 1).into());
    assert_eq!(e.kind(), "over_limit");
    assert!(e.to_string().contains("members[0].family_name"), "{e}");

    let e = load(&|d| {
        d["members"][0]["skills"] =
            serde_json::Value::Array((0..=MAX_LIST_LEN).map(|i| format!("s{i}").into()).collect())
    });
    assert_eq!(e.kind(), "over_limit");
    assert!(e.to_string().contains("members[0].skills"), "{e}");

    let e = load(&|d| d["members"][0]["given_name"] = "Ada\u{202E}".into());
    assert_eq!(e.kind(), "inconsistent_document");
    assert!(e.to_string().contains("members[0].given_name"), "{e}");

    let e = load(&|d| d["statutes"]["name"] = "n".repeat(MAX_TEXT_CHARS + 1).into());
    assert_eq!(e.kind(), "over_limit");
    assert!(e.to_string().contains("statutes.name"), "{e}");

    // At the limit exactly is fine.
    let mut d = doc.clone();
    d["members"][0]["family_name"] = "é".repeat(MAX_TEXT_CHARS).into();
    assert!(Community::from_json(&d.to_string()).is_ok());
}

/// Replaying a change applies the same limits as loading a document.
#[test]
fn oversized_changes_are_refused_on_apply() {
    let mut c = Community::cimi();
    c.set_recording(true);
    c.add_member("ada@interieur.gouv.fr", MemberProfile::default(), t0())
        .unwrap();
    let change = c.drain_changes().remove(0);
    let mut json: serde_json::Value = serde_json::to_value(&change).unwrap();
    json["record"]["value"]["service"] = "s".repeat(cimi_core::limits::MAX_TEXT_CHARS + 1).into();
    let big: cimi_core::change::Change = serde_json::from_value(json).unwrap();
    let mut fresh = Community::cimi();
    let e = fresh.apply(big).unwrap_err();
    assert_eq!(e.kind(), "over_limit");
    assert!(e.to_string().contains("service"), "{e}");
    assert_eq!(fresh.members().count(), 0, "nothing applied");
}

/// Found by fuzzing (`fuzz/regressions/engine_ops/`): replacing the statutes
/// could leave a state whose document `from_json` refused.
#[test]
fn documents_written_after_new_statutes_load_again() {
    use cimi_core::Statutes;
    let t = t0();
    let civic = Statutes::from_json(include_str!("../../tests/data/statutes-civic-tech.json"))
        .expect("civic-tech statutes");
    assert!(civic.audience("interieur").is_none());
    let start = t + Duration::days(10);
    let spec = || {
        EventSpec::new(
            EventKind::Miditech,
            "Quotas",
            Schedule::new(start, start + Duration::hours(2)).unwrap(),
            10,
        )
    };

    // A registrant the new policy would refuse: the registration is kept,
    // and the document loads.
    let mut c = Community::cimi();
    let ev = c.schedule_event(spec(), t).unwrap();
    let r = c
        .register(ev, &valid("alice.martin@interieur.gouv.fr"), t)
        .unwrap()
        .registration
        .id;
    c.replace_statutes(civic.clone(), t).unwrap();
    let back = Community::from_json(&c.to_json()).expect("loads after new statutes");
    assert_eq!(back, c);
    assert!(back.registration(r).unwrap().is_live());

    // A quota for an audience the new statutes drop: refused while the
    // event is upcoming (typed, nothing changed), accepted once it is over,
    // and the past event keeps its quota through save and load.
    let mut c = Community::cimi();
    let ev = c
        .schedule_event(spec().with_quota("interieur", 5), t)
        .unwrap();
    let before = c.clone();
    let err = c.replace_statutes(civic.clone(), t).unwrap_err();
    assert_eq!(err.kind(), "audience_in_use");
    assert!(err.to_string().contains("interieur"), "{err}");
    assert_eq!(c, before);
    c.set_quota(ev, "interieur", None, t).unwrap();
    c.replace_statutes(civic.clone(), t).unwrap();
    assert_eq!(Community::from_json(&c.to_json()).unwrap(), c);

    let mut c = before;
    c.cancel_event(ev, t).unwrap();
    c.replace_statutes(civic, t).unwrap();
    let back = Community::from_json(&c.to_json()).expect("a past event keeps its quotas");
    assert_eq!(back.event(ev).unwrap().quotas["interieur"], 5);
    assert_eq!(back, c);
}

/// What the engine writes it can read back: an operation whose record would
/// break the limits every loaded record is held to is refused, changing
/// nothing (kind `over_limit`, with the path).
#[test]
fn operations_refuse_records_over_the_limits_of_the_format() {
    let t = t0();
    let mut c = Community::cimi();
    let before = c.clone();
    let units: Vec<String> = (0..=cimi_core::limits::MAX_LIST_LEN)
        .map(|i| format!("u{i}"))
        .collect();
    let profile = MemberProfile {
        affiliation: Affiliation::new(units),
        ..MemberProfile::default()
    };
    let err = c
        .add_member("ada@interieur.gouv.fr", profile, t)
        .unwrap_err();
    assert_eq!(err.kind(), "over_limit", "{err}");
    assert!(err.to_string().contains("member.affiliation"), "{err}");
    assert_eq!(c, before);

    let start = t + Duration::days(3);
    let mut item = ProgramItem::new(ItemKind::Talk, "Table ronde");
    item.speakers = (0..=cimi_core::limits::MAX_LIST_LEN)
        .map(|i| Speaker::new(format!("S{i}"), "", ""))
        .collect();
    let spec = EventSpec::new(
        EventKind::Miditech,
        "Trop d'orateurs",
        Schedule::new(start, start + Duration::hours(2)).unwrap(),
        10,
    )
    .with_item(item);
    let err = c.schedule_event(spec, t).unwrap_err();
    assert_eq!(err.kind(), "over_limit", "{err}");
    assert!(err.to_string().contains("speakers"), "{err}");
    assert_eq!(c, before);
    assert_eq!(Community::from_json(&c.to_json()).unwrap(), c);
}
