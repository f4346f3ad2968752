//! Registration by e-mail: the corpus of tests/data/mail (built by
//! make_corpus.py with Python's `email` package) against its manifest, plus
//! limits, idempotence and robustness.

use std::path::PathBuf;

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use cimi_core::event::{EventKind, EventSpec, RemoteBroadcast, Schedule, Venue};
use cimi_core::ids::EventId;
use cimi_core::interop::mail::{
    MAX_MESSAGE_BYTES, MailOutcome, MailPolicy, read_request, register_from_email,
};
use cimi_core::registration::{AttendanceMode, RegistrationRequest};
use cimi_core::{Community, Lang};
use proptest::prelude::*;
use serde_json::Value;

fn corpus_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/data/mail")
}

fn manifest() -> Value {
    let text = std::fs::read_to_string(corpus_dir().join("expected.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn s(v: &Value) -> &str {
    v.as_str().unwrap_or_default()
}

/// The community the manifest describes.
fn setup(m: &Value) -> (Community, MailPolicy, DateTime<Utc>) {
    assert_eq!(s(&m["statutes"]), "cimi");
    let now: DateTime<Utc> = s(&m["now"]).parse().unwrap();
    let mut c = Community::cimi();
    let time = |v: &Value| NaiveTime::parse_from_str(s(v), "%H:%M").unwrap();
    for e in m["events"].as_array().unwrap() {
        let day = NaiveDate::parse_from_str(s(&e["date"]), "%Y-%m-%d").unwrap();
        let when = Schedule::paris(day, time(&e["start"]), time(&e["end"])).unwrap();
        let mut spec = EventSpec::new(
            s(&e["kind"]).parse::<EventKind>().unwrap(),
            s(&e["title"]),
            when,
            e["capacity"].as_u64().unwrap() as u32,
        );
        if let Some(v) = e.get("venue") {
            spec = spec.with_venue(Venue::new(s(&v["name"]), s(&v["address"])));
        }
        if let Some(url) = e.get("remote") {
            spec = spec.with_remote(RemoteBroadcast {
                url: s(url).into(),
                capacity: None,
            });
        }
        let id = c.schedule_event(spec, now).unwrap();
        assert_eq!(id.get(), e["id"].as_u64().unwrap());
        if e["cancelled"].as_bool().unwrap_or(false) {
            c.cancel_event(id, now).unwrap();
        }
    }
    for r in m["registrations"].as_array().unwrap() {
        let req = RegistrationRequest::new(s(&r["email"]))
            .names(s(&r["family_name"]), s(&r["given_name"]))
            .affiliation(s(&r["service"]), s(&r["grade"]), s(&r["function"]))
            .acknowledging(r["acknowledged"].as_array().unwrap().iter().map(s));
        c.register(EventId::new(r["event"].as_u64().unwrap()), &req, now)
            .unwrap();
    }
    let policy = MailPolicy {
        require_dmarc: m["policy"]["require_dmarc"].as_bool().unwrap(),
        authserv_id: s(&m["policy"]["authserv_id"]).into(),
    };
    (c, policy, now)
}

#[test]
fn corpus_gives_the_expected_outcomes() {
    let m = manifest();
    let (base, policy, now) = setup(&m);
    let messages = m["messages"].as_array().unwrap();
    assert!(messages.len() >= 20);
    let mut failures = Vec::new();
    for case in messages {
        let file = s(&case["file"]);
        let raw = std::fs::read(corpus_dir().join(file)).unwrap();
        let mut c = base.clone();
        let outcome = register_from_email(&mut c, &raw, &policy, now).unwrap();
        assert!(outcome.text_fr().starts_with("Bonjour"), "{file}");
        let ok = match (s(&case["outcome"]), &outcome) {
            (
                "registered",
                MailOutcome::Registered {
                    event, outcome: o, ..
                },
            ) => {
                let r = &o.registration;
                event.get() == case["event"].as_u64().unwrap()
                    && r.status.kind() == s(&case["status"])
                    && r.seat.map(|s| s.kind()) == case["seat"].as_str()
                    && o.already_registered == case["already_registered"].as_bool().unwrap()
                    && c.registration(r.id).is_some()
            }
            ("reply", MailOutcome::Reply { problems, text_fr }) => {
                let want: Vec<&str> = case["problems"].as_array().unwrap().iter().map(s).collect();
                let got: Vec<&str> = problems.iter().map(|p| p.kind()).collect();
                let contains = case["reply_contains"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .all(|x| text_fr.contains(s(x)));
                // A reply changes nothing.
                got == want && contains && c == base
            }
            _ => false,
        };
        if std::env::var_os("SHOW_REPLIES").is_some() {
            println!("==== {file}\n{}", outcome.text_fr());
        }
        if !ok {
            failures.push(format!("{file}: {outcome:#?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn corpus_covers_what_the_issue_asks() {
    let m = manifest();
    let kinds: Vec<String> = m["messages"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|c| {
            c["problems"]
                .as_array()
                .cloned()
                .unwrap_or_default()
                .into_iter()
                .map(|p| p.as_str().unwrap().to_string())
        })
        .collect();
    for kind in [
        "missing_field",
        "several_senders",
        "sender_missing",
        "address_not_allowed",
        "dmarc_not_pass",
        "authentication_other_server",
        "dmarc_other_domain",
        "authentication_missing",
        "event_unknown",
        "event_ambiguous",
        "event_not_named",
    ] {
        assert!(kinds.iter().any(|k| k == kind), "no case for {kind}");
    }
    let raw: Vec<String> = m["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| std::fs::read_to_string(corpus_dir().join(s(&c["file"]))).unwrap_or_default())
        .collect();
    for needle in [
        "Content-Transfer-Encoding: quoted-printable",
        "Content-Transfer-Encoding: base64",
        "multipart/alternative",
        "From: =?utf-8?",
        "Subject: Inscription =?utf-8?",
    ] {
        assert!(
            raw.iter().any(|r| r.contains(needle)),
            "no message with {needle}"
        );
    }
}

#[test]
fn trusting_the_sender_skips_authentication() {
    let m = manifest();
    let (mut c, _, now) = setup(&m);
    let raw = std::fs::read(corpus_dir().join("23_no_auth_results.eml")).unwrap();
    let outcome = register_from_email(&mut c, &raw, &MailPolicy::trust_sender(), now).unwrap();
    assert!(
        matches!(outcome, MailOutcome::Registered { .. }),
        "{outcome:?}"
    );
    // A second time: the same registration.
    let again = register_from_email(&mut c, &raw, &MailPolicy::trust_sender(), now).unwrap();
    let MailOutcome::Registered {
        outcome, text_fr, ..
    } = again
    else {
        panic!()
    };
    assert!(outcome.already_registered);
    assert!(text_fr.contains("déjà inscrit"));
}

#[test]
fn reading_changes_nothing_and_gives_the_request() {
    let m = manifest();
    let (c, policy, now) = setup(&m);
    let raw = std::fs::read(corpus_dir().join("05_multipart_alternative_remote.eml")).unwrap();
    let reading = read_request(&c, &raw, &policy, now).unwrap();
    assert!(reading.is_complete(), "{:?}", reading.problems);
    assert_eq!(reading.event, Some(EventId::new(1)));
    let r = &reading.request;
    assert_eq!(r.email, "jean.dupont@interieur.gouv.fr");
    assert_eq!(
        (
            r.family_name.as_str(),
            r.given_name.as_str(),
            r.grade.as_str()
        ),
        ("Dupont", "Jean", "ingénieur des SIC")
    );
    assert_eq!(r.attendance, AttendanceMode::Remote);
    assert_eq!(r.acknowledged.len(), 2);
}

#[test]
fn oversized_messages_are_an_error() {
    let m = manifest();
    let (mut c, policy, now) = setup(&m);
    let mut raw = b"From: a@interieur.gouv.fr\r\n\r\n".to_vec();
    raw.resize(MAX_MESSAGE_BYTES + 1, b'x');
    let err = register_from_email(&mut c, &raw, &policy, now).unwrap_err();
    assert_eq!(err.kind(), "message_too_large");
    assert_eq!(err.family(), "interop");
    assert!(err.message(Lang::Fr).contains("1048576 octets"));
}

#[test]
fn replies_echo_little_and_never_control_characters() {
    let m = manifest();
    let (mut c, _, now) = setup(&m);
    let evil = format!(
        "From: jean.dupont@interieur.gouv.fr\r\nSubject: x\r\n\r\nEvenement : {}\u{202E}\u{7}{}\r\nNom : D\r\n",
        "A".repeat(200),
        "B".repeat(200)
    );
    let outcome =
        register_from_email(&mut c, evil.as_bytes(), &MailPolicy::trust_sender(), now).unwrap();
    let text = outcome.text_fr();
    assert!(outcome.problem_kinds().contains(&"event_unknown"));
    assert!(!text.contains('\u{202E}') && !text.contains('\u{7}'));
    assert!(!text.contains(&"A".repeat(81)));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn any_bytes_give_an_outcome_not_a_panic(
        head in prop::sample::select(vec![
            "", "From: a@interieur.gouv.fr\r\n", "From: a@interieur.gouv.fr\r\nAuthentication-Results: mx.interieur.gouv.fr; dmarc=pass header.from=interieur.gouv.fr\r\n",
            "Content-Type: multipart/alternative; boundary=x\r\nFrom: b@x.gouv.fr\r\n\r\n--x\r\n",
        ]),
        body in prop::collection::vec(any::<u8>(), 0..600),
        labels in prop::collection::vec(prop::sample::select(vec![
            "Nom : ", "Prénom=", "Événement : E1\r\n", "Engagements : oui\r\n", "<div>", "&eacute;", "=?utf-8?q?", "\r\n\r\n", "> ", ":", "\u{2028}",
        ]), 0..12),
        dmarc in any::<bool>(),
    ) {
        let m = manifest();
        let (mut c, mut policy, now) = setup(&m);
        policy.require_dmarc = dmarc;
        let mut raw = head.as_bytes().to_vec();
        raw.extend(labels.concat().as_bytes());
        raw.extend(body);
        let before = c.clone();
        match register_from_email(&mut c, &raw, &policy, now) {
            Ok(MailOutcome::Reply { text_fr, .. }) => {
                prop_assert!(c == before);
                prop_assert!(!text_fr.is_empty());
            }
            Ok(_) => {}
            Err(e) => prop_assert!(false, "unexpected error {e}"),
        }
    }
}

#[test]
fn every_problem_has_a_stable_kind_and_two_languages() {
    use cimi_core::address::AddressError;
    use cimi_core::interop::InteropError;
    use cimi_core::interop::csv::{Column, RowProblem};
    use cimi_core::interop::mail::{EventChoice, MailProblem};
    use cimi_core::registration::Refusal;
    let choice = vec![EventChoice {
        id: EventId::new(1),
        title: "IA".into(),
    }];
    let mail = [
        MailProblem::Unreadable,
        MailProblem::NoSender,
        MailProblem::SeveralSenders { count: 2 },
        MailProblem::InvalidSender {
            reason: AddressError::MissingAt,
        },
        MailProblem::AuthenticationMissing,
        MailProblem::AuthenticationUnreadable,
        MailProblem::AuthenticationOtherServer {
            authserv_id: "mx.example".into(),
        },
        MailProblem::DmarcMissing,
        MailProblem::DmarcNotPass {
            result: "fail".into(),
        },
        MailProblem::DmarcOtherDomain {
            domain: "a.fr".into(),
            sender_domain: "b.fr".into(),
        },
        MailProblem::NoBody,
        MailProblem::EventNotNamed {
            open: choice.clone(),
        },
        MailProblem::EventUnknown {
            given: "x".into(),
            open: choice.clone(),
        },
        MailProblem::EventAmbiguous { candidates: choice },
        MailProblem::AttendanceUnclear { given: "x".into() },
        MailProblem::Refused(Refusal::EventFull),
    ];
    let rows = [
        RowProblem::MissingAddress,
        RowProblem::InvalidAddress {
            reason: AddressError::MissingAt,
        },
        RowProblem::DuplicateAddress { first_line: 2 },
        RowProblem::AlreadyMember,
        RowProblem::MissingColumn {
            column: Column::Grade,
        },
        RowProblem::ExtraCells {
            expected: 2,
            found: 3,
        },
        RowProblem::FieldTooLong {
            column: Column::Grade,
            max: 200,
        },
        RowProblem::ControlCharacters {
            column: Column::Grade,
        },
        RowProblem::TooManyTags { max: 1000 },
        RowProblem::Refused("x".into()),
    ];
    let errors = [
        InteropError::MessageTooLarge { limit: 1 },
        InteropError::CsvTooLarge { limit: 1 },
        InteropError::CsvEmpty,
        InteropError::CsvMissingColumn {
            column: "email",
            column_fr: "adresse",
        },
        InteropError::CsvDuplicateColumn {
            column: "email",
            column_fr: "adresse",
        },
        InteropError::CsvTooManyRows { limit: 1 },
    ];
    let all: Vec<(&str, String, String)> = mail
        .iter()
        .map(|p| (p.kind(), p.message(Lang::Fr), p.message(Lang::En)))
        .chain(
            rows.iter()
                .map(|p| (p.kind(), p.message(Lang::Fr), p.message(Lang::En))),
        )
        .chain(
            errors
                .iter()
                .map(|e| (e.kind(), e.message(Lang::Fr), e.message(Lang::En))),
        )
        .collect();
    for (kind, fr, en) in &all {
        assert!(
            kind.bytes()
                .all(|b| b.is_ascii_lowercase() || b == b'_' || b.is_ascii_digit()),
            "{kind}"
        );
        assert!(
            !fr.is_empty() && !en.is_empty() && fr != en,
            "{kind}: {fr} / {en}"
        );
    }
    let mail_kinds: std::collections::BTreeSet<_> = mail.iter().map(|p| p.kind()).collect();
    assert_eq!(
        mail_kinds.len(),
        mail.len(),
        "mail problem kinds are unique"
    );
}
