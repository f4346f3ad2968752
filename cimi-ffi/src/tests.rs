//! Unit tests of the wrappers: conversions, error mapping, panic guard.

use std::collections::HashMap;

use crate::community::{Community, guarded};
use crate::error::CimiError;
use crate::time::{instant_from_rfc3339, instant_to_rfc3339, paris_instant_ms};
use crate::*;
use crate::{event_spec, normalize_email};

const T0: i64 = 1_511_168_400_000; // 2017-11-20T09:00:00Z
const DAY: i64 = 86_400_000;

fn ask(email: &str) -> RegistrationRequest {
    RegistrationRequest {
        email: email.into(),
        family_name: "Martin".into(),
        given_name: "Alice".into(),
        service: "DNUM".into(),
        grade: "ingénieure".into(),
        function: "architecte".into(),
        acknowledged: vec!["deontology".into(), "pssi".into()],
        attendance: AttendanceMode::OnSite,
        acknowledges_all: false,
    }
}

fn event(c: &Community, capacity: i32) -> i64 {
    c.schedule_event(
        event_spec(
            EventKind::Miditech,
            "L'État plateforme".into(),
            T0 + 22 * DAY,
            T0 + 22 * DAY + 7_200_000,
            capacity,
        ),
        T0,
    )
    .unwrap()
}

/// Every listed variant of a core enum crosses the boundary both ways through
/// the `#[uniffi::remote(Enum)]` declarations, each with its own wire index
/// (a variant missing from a declaration would panic in `write`).
fn round_trip<T>(all: &[T])
where
    T: Copy
        + PartialEq
        + std::fmt::Debug
        + uniffi::Lower<crate::UniFfiTag>
        + uniffi::Lift<crate::UniFfiTag>,
{
    let mut indices = std::collections::HashSet::new();
    for &v in all {
        let mut buf = Vec::new();
        <T as uniffi::Lower<crate::UniFfiTag>>::write(v, &mut buf);
        assert!(indices.insert(buf.clone()), "{v:?} shares its wire index");
        let back = <T as uniffi::Lift<crate::UniFfiTag>>::try_read(&mut buf.as_slice()).unwrap();
        assert_eq!(back, v);
    }
}

#[test]
fn every_core_enum_variant_crosses_both_ways() {
    round_trip(&cimi_core::event::EventKind::ALL);
    round_trip(&cimi_core::event::ItemKind::ALL);
    round_trip(&cimi_core::event::ResourceKind::ALL);
    round_trip(&cimi_core::member::ConsentKind::ALL);
    round_trip(&cimi_core::registration::Field::ALL);
}

#[test]
fn errors_keep_family_kind_and_both_languages() {
    let c = Community::cimi();
    let ev = event(&c, 1);
    let e = c.register(ev, ask("jean@gmail.com"), T0).unwrap_err();
    assert!(matches!(e, CimiError::Refused { .. }));
    assert_eq!(e.kind(), "address_not_allowed");
    assert!(e.message().contains("*@*.gouv.fr"));
    assert!(e.message_fr().contains("autorisée"));

    let e = c.register(99, ask("a@interieur.gouv.fr"), T0).unwrap_err();
    assert!(matches!(e, CimiError::NotFound { .. }));
    assert_eq!(e.kind(), "event_not_found");

    c.register(ev, ask("a@interieur.gouv.fr"), T0).unwrap();
    let e = c.set_capacity(ev, 0, T0).unwrap_err();
    assert!(matches!(e, CimiError::InvalidState { .. }));
    assert_eq!(e.kind(), "capacity_below_confirmed");

    let e = c.set_capacity(ev, -1, T0).unwrap_err();
    assert!(matches!(e, CimiError::InvalidInput { .. }));
    assert!(e.message().contains("capacity"));

    let e = Community::from_statutes_json("{}".into()).err().unwrap();
    assert!(matches!(e, CimiError::Statutes { .. }));
    let e = Community::from_json("[]".into()).err().unwrap();
    assert!(matches!(e, CimiError::Format { .. }));
    let e = Community::load("/nonexistent/cimi.json".into())
        .err()
        .unwrap();
    assert_eq!((e.family(), e.kind()), ("store", "io_error"));
}

#[test]
fn negative_identifiers_and_out_of_range_instants_are_invalid_input() {
    let c = Community::cimi();
    for e in [
        c.event(-1).unwrap_err(),
        c.member(-1).unwrap_err(),
        c.registration(i64::MIN).unwrap_err(),
        c.check_statutes(i64::MAX).unwrap_err(),
        c.set_quota(1, "interieur".into(), Some(-2), T0)
            .unwrap_err(),
    ] {
        assert!(matches!(e, CimiError::InvalidInput { .. }), "{e:?}");
    }
}

#[test]
fn an_empty_path_is_invalid_input_not_the_current_directory() {
    let c = Community::cimi();
    let e = c.save(String::new()).unwrap_err();
    assert_eq!((e.family(), e.kind()), ("invalid_input", "invalid_input"));
    assert!(e.message().contains("path"), "{e:?}");
    let e = Community::open(String::new(), None, "test".into())
        .err()
        .unwrap();
    assert_eq!(e.family(), "invalid_input");
    assert!(e.message().contains("directory"), "{e:?}");
    // A failed rename leaves no temporary file behind.
    let dir = std::env::temp_dir().join(format!("cimi-ffi-save-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("taken")).unwrap();
    let target = dir.join("taken");
    let e = c.save(target.display().to_string()).unwrap_err();
    assert_eq!((e.family(), e.kind()), ("store", "io_error"));
    assert!(!dir.join("taken.tmp").exists());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_panic_becomes_internal_and_poisons_the_community() {
    let e = guarded::<()>(|| panic!("boom")).unwrap_err();
    assert_eq!((e.family(), e.kind()), ("internal", "panic"));
    assert!(e.message().contains("boom"));

    let c = Community::cimi();
    let e = c.write::<()>(|_| panic!("bang")).unwrap_err();
    assert_eq!(e.kind(), "panic");
    assert_eq!(c.events().unwrap_err().kind(), "poisoned");
    assert_eq!(c.read(|_| Ok(())).unwrap_err().kind(), "poisoned");
}

#[test]
fn register_answers_the_id_and_register_outcome_the_whole_answer() {
    let c = Community::cimi();
    let ev = event(&c, 1);
    let alice = c.register(ev, ask("alice@interieur.gouv.fr"), T0).unwrap();
    let r = c.registration(alice).unwrap().unwrap();
    assert_eq!((r.event_id, r.status), (ev, RegistrationStatus::Confirmed));
    // The same person again: the same registration, by either call.
    assert_eq!(
        c.register(ev, ask("ALICE@interieur.gouv.fr"), T0 + 1)
            .unwrap(),
        alice
    );
    let again = c
        .register_outcome(ev, ask("alice@Interieur.gouv.fr"), T0 + 2)
        .unwrap();
    assert!(again.already_registered);
    assert_eq!(again.registration, r);
    let bob = c
        .register_outcome(ev, ask("bob@interieur.gouv.fr"), T0 + 3)
        .unwrap();
    assert!(!bob.already_registered);
    assert_eq!(bob.registration.status, RegistrationStatus::Waitlisted);
    assert_eq!(c.waiting_list(ev).unwrap(), vec![bob.registration.id]);
    // Both calls refuse alike.
    let a = c.register(ev, ask("x@gmail.com"), T0).unwrap_err();
    let b = c.register_outcome(ev, ask("x@gmail.com"), T0).unwrap_err();
    assert_eq!(a, b);
    assert_eq!(a.kind(), "address_not_allowed");
}

#[test]
fn batch_registration_reports_each_item() {
    let c = Community::cimi();
    let ev = event(&c, 1);
    let out = c
        .register_many(
            ev,
            vec![
                ask("a@interieur.gouv.fr"),
                ask("x@gmail.com"),
                ask("b@interieur.gouv.fr"),
            ],
            T0,
        )
        .unwrap();
    assert_eq!(
        out[0].outcome.as_ref().unwrap().registration.status,
        RegistrationStatus::Confirmed
    );
    assert_eq!(out[1].error.as_ref().unwrap().kind, "address_not_allowed");
    assert_eq!(out[1].error.as_ref().unwrap().family, "refused");
    assert_eq!(
        out[2].outcome.as_ref().unwrap().registration.status,
        RegistrationStatus::Waitlisted
    );
    assert_eq!(c.check_invariants().unwrap(), None);
}

#[test]
fn event_records_round_trip_through_the_core() {
    let c = Community::cimi();
    let mut spec = event_spec(
        EventKind::Workshop,
        "PostgreSQL".into(),
        T0 + DAY,
        T0 + DAY + 3_600_000,
        20,
    );
    spec.quotas = HashMap::from([("interieur".to_string(), 15)]);
    spec.venue = Some(Venue {
        name: "DNUM".into(),
        address: "Paris".into(),
    });
    spec.remote = Some(RemoteBroadcast {
        url: "https://visio.example".into(),
        capacity: None,
    });
    spec.registration_closes_at_ms = Some(T0 + DAY / 2);
    spec.program = vec![ProgramItem {
        kind: ItemKind::HandsOn,
        title: "Index".into(),
        speakers: vec![Speaker {
            name: "Ada".into(),
            title: "ingénieure".into(),
            organisation: "DNUM".into(),
            recording_consent: true,
        }],
    }];
    let id = c.schedule_event(spec.clone(), T0).unwrap();
    let e = c.event(id).unwrap().unwrap();
    assert_eq!(
        (e.kind, e.title.as_str(), e.capacity),
        (spec.kind, "PostgreSQL", 20)
    );
    assert_eq!(
        (e.starts_at_ms, e.ends_at_ms),
        (spec.starts_at_ms, spec.ends_at_ms)
    );
    assert_eq!(e.quotas, spec.quotas);
    assert_eq!(
        (e.venue, e.remote, e.program),
        (spec.venue, spec.remote, spec.program)
    );
    assert_eq!(e.registration_deadline_ms, T0 + DAY / 2);
    assert!(e.recording_allowed);
    assert_eq!(e.state, EventState::Open);
}

#[test]
fn time_helpers() {
    let ms = paris_instant_ms(2017, 12, 12, 12, 30).unwrap();
    assert_eq!(instant_to_rfc3339(ms).unwrap(), "2017-12-12T11:30:00.000Z");
    assert_eq!(
        instant_from_rfc3339("2017-12-12T12:30:00+01:00".into()).unwrap(),
        ms
    );
    assert_eq!(
        paris_instant_ms(2017, 3, 26, 2, 30).unwrap_err().kind(),
        "nonexistent_local_time"
    );
    assert_eq!(
        paris_instant_ms(2017, 10, 29, 2, 30).unwrap_err().kind(),
        "ambiguous_local_time"
    );
    assert!(paris_instant_ms(2017, -1, 1, 0, 0).is_err());
    assert!(instant_from_rfc3339("yesterday".into()).is_err());
    assert!(instant_to_rfc3339(i64::MAX).is_err());
    assert_eq!(
        normalize_email("a@INTERIEUR.gouv.fr".into()).unwrap(),
        "a@interieur.gouv.fr"
    );
}

#[test]
fn help_watch_stats_and_store_wrappers() {
    use crate::community::help::HelpVisibility;
    use crate::community::watch::{NewWatchItem, WatchScope};
    let c = Community::cimi();
    let profile = |skills: &[&str]| MemberProfile {
        family_name: String::new(),
        given_name: String::new(),
        service: String::new(),
        grade: String::new(),
        function: String::new(),
        corps: None,
        affiliation: vec![],
        skills: skills.iter().map(|s| s.to_string()).collect(),
        interests: vec![],
    };
    let jean = c
        .add_member("jean@interieur.gouv.fr".into(), profile(&["Docker"]), T0)
        .unwrap();
    let ask = c
        .ask_help(
            "paul@interieur.gouv.fr".into(),
            "Docker".into(),
            "?".into(),
            vec!["docker".into()],
            HelpVisibility::Private,
            T0,
        )
        .unwrap();
    let best = c.suggest_helpers(ask, 1, T0).unwrap();
    assert_eq!(best[0].member_id, jean);
    assert!(c.suggest_helpers(ask, -1, T0).is_err());

    let item = c
        .share_watch_item(
            NewWatchItem {
                title: "Interne".into(),
                link: "https://intranet.interieur.gouv.fr/x".into(),
                summary: String::new(),
                tags: vec![],
                scope: WatchScope::Internal,
                shared_by: "jean@interieur.gouv.fr".into(),
                event_id: None,
                help_request_id: Some(ask),
            },
            T0,
        )
        .unwrap();
    let e = c
        .publish_watch_item(item, "twitter".into(), T0)
        .unwrap_err();
    assert_eq!(
        (e.family(), e.kind()),
        ("publication_refused", "internal_item_on_public_channel")
    );
    assert_eq!(c.members_joined_per_month().unwrap()[0].count, 2);
    assert!(!c.is_durable().unwrap());
    assert_eq!(c.member_history(jean).unwrap_err().kind(), "not_durable");

    let dir = std::env::temp_dir().join(format!("cimi-ffi-test-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let path = dir.display().to_string();
    {
        let d = Community::open(path.clone(), None, "tests".into()).unwrap();
        d.add_member("ada@interieur.gouv.fr".into(), profile(&[]), T0)
            .unwrap();
        assert_eq!(d.set_recording(true).unwrap_err().kind(), "journal_in_use");
    }
    let d = Community::open(path, None, "tests".into()).unwrap();
    assert_eq!(d.members().unwrap().len(), 1);
    let history = d.member_history(d.members().unwrap()[0].id).unwrap();
    assert_eq!(history[0].actor, "tests");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn interop_errors_have_their_own_family() {
    let c = Community::cimi();
    let e = c.import_members_csv(Vec::new(), true, T0).unwrap_err();
    assert_eq!((e.family(), e.kind()), ("interop", "csv_empty"));
    let ev = event(&c, 5);
    let sheet = c
        .attendees_csv(
            ev,
            crate::interop::CsvOptions {
                dialect: crate::interop::CsvDialect::FrenchOffice,
                lang: Lang::Fr,
                include_cancelled: true,
            },
        )
        .unwrap();
    assert!(sheet.starts_with('\u{FEFF}'));
}

#[test]
fn errors_carry_the_cores_details() {
    let c = Community::cimi();
    let ev = event(&c, 1);
    let details = |e: &CimiError| {
        let mut d: Vec<(String, String)> = e.details().clone().into_iter().collect();
        d.sort();
        d
    };
    let pair = |k: &str, v: &str| (k.to_string(), v.to_string());

    // A refusal names what is missing.
    let mut no_pssi = ask("a@interieur.gouv.fr");
    no_pssi.acknowledged = vec!["deontology".into()];
    let e = c.register(ev, no_pssi.clone(), T0).unwrap_err();
    assert_eq!(e.kind(), "obligation_not_acknowledged");
    assert_eq!(details(&e), vec![pair("obligation", "pssi")]);
    // …unless the registrant acknowledges them all.
    no_pssi.acknowledges_all = true;
    c.register(ev, no_pssi, T0).unwrap();

    // Not found: the entity and the identifier.
    let e = c.member_status(999, T0).unwrap_err();
    assert_eq!(
        details(&e),
        vec![pair("entity", "member"), pair("id", "999")]
    );
    let e = c.attendance(42).unwrap_err();
    assert_eq!(e.kind(), "registration_not_found");
    assert_eq!(details(&e)[0], pair("entity", "registration"));

    // The state and the numbers involved.
    let e = c.set_capacity(ev, 0, T0).unwrap_err();
    assert_eq!(
        details(&e),
        vec![pair("confirmed", "1"), pair("requested", "0")]
    );
    c.cancel_event(ev, T0).unwrap();
    let e = c.open_registration(ev, T0).unwrap_err();
    assert_eq!(
        details(&e),
        vec![pair("from", "cancelled"), pair("to", "open")]
    );

    // The bindings' own invalid input is the core's: the field.
    let e = c.set_capacity(ev, -1, T0).unwrap_err();
    assert_eq!(details(&e), vec![pair("field", "capacity")]);
    let e = c.save(String::new()).unwrap_err();
    assert_eq!(details(&e), vec![pair("field", "path")]);

    // A batch item carries the same details as the exception would.
    let ev2 = event(&c, 5);
    let mut bad = ask("b@interieur.gouv.fr");
    bad.family_name = " ".into();
    let attempts = c.register_many(ev2, vec![bad], T0).unwrap();
    let info = attempts[0].error.clone().unwrap();
    assert_eq!(info.kind, "missing_field");
    assert_eq!(
        info.details.get("field").map(String::as_str),
        Some("family_name")
    );

    // A bug has none.
    let e = guarded::<()>(|| panic!("boom")).unwrap_err();
    assert!(e.details().is_empty());
}

#[test]
fn change_json_replays_through_the_core() {
    let c = Community::cimi();
    c.set_recording(true).unwrap();
    let ev = event(&c, 3);
    c.register(ev, ask("a@interieur.gouv.fr"), T0).unwrap();
    let replica = Community::cimi();
    for line in c.drain_changes_json().unwrap() {
        assert!(!line.contains('\n'));
        replica.apply_change_json(line).unwrap();
    }
    assert_eq!(replica.to_json().unwrap(), c.to_json().unwrap());
    let e = replica.apply_change_json("not json".into()).unwrap_err();
    assert_eq!((e.family(), e.kind()), ("format", "invalid_json"));
}

#[test]
fn update_profile_patches() {
    let c = Community::cimi();
    let profile = MemberProfile {
        family_name: "Meslier".into(),
        given_name: "Isabelle".into(),
        service: "ST(SI)²".into(),
        grade: "capitaine".into(),
        function: "cheffe de projet".into(),
        corps: Some("officiers".into()),
        affiliation: vec!["Intérieur".into(), "DGGN".into()],
        skills: vec!["kubernetes".into()],
        interests: vec![],
    };
    let id = c
        .add_member("isabelle.meslier@interieur.gouv.fr".into(), profile, T0)
        .unwrap();
    let up = ProfileUpdate {
        grade: Some("commandant".into()),
        ..ProfileUpdate::default()
    };
    c.update_profile(id, up, T0 + 1).unwrap();
    let m = c.member(id).unwrap().unwrap();
    assert_eq!(m.grade, "commandant");
    assert_eq!(m.family_name, "Meslier");
    assert_eq!(m.corps.as_deref(), Some("officiers"));
    assert_eq!(m.skills, vec!["kubernetes".to_string()]);
    let nf = c
        .update_profile(999, ProfileUpdate::default(), T0)
        .unwrap_err();
    assert_eq!(nf.kind(), "member_not_found");
}

#[test]
fn registration_request_starts_from_the_cores_defaults() {
    let r = registration_request("alice@interieur.gouv.fr".into());
    assert_eq!(
        r,
        RegistrationRequest {
            email: "alice@interieur.gouv.fr".into(),
            family_name: String::new(),
            given_name: String::new(),
            service: String::new(),
            grade: String::new(),
            function: String::new(),
            acknowledged: vec![],
            attendance: AttendanceMode::OnSite,
            acknowledges_all: false,
        }
    );
    // Not complete: the core refuses it, naming the first missing field.
    let c = Community::cimi();
    let ev = event(&c, 10);
    let refused = c.register(ev, r, T0).unwrap_err();
    assert_eq!(refused.kind(), "missing_field");
}

#[test]
fn moderated_requests_wait_then_are_approved_or_rejected() {
    let c = Community::cimi();
    let mut spec = event_spec(
        EventKind::Workshop,
        "Rust".into(),
        T0 + DAY,
        T0 + DAY + 3_600_000,
        1,
    );
    spec.moderated = true;
    spec.waitlist = false;
    let ev = c.schedule_event(spec, T0).unwrap();
    assert!(c.event(ev).unwrap().unwrap().moderated);

    let alice = c.register(ev, ask("alice@interieur.gouv.fr"), T0).unwrap();
    let bob = c.register(ev, ask("bob@interieur.gouv.fr"), T0).unwrap();
    let carol = c.register(ev, ask("carol@interieur.gouv.fr"), T0).unwrap();
    let pending = c.registration(alice).unwrap().unwrap();
    assert_eq!(
        (pending.status, pending.seat),
        (RegistrationStatus::Pending, None)
    );

    let approved = c.approve(alice, T0 + 1).unwrap();
    assert_eq!(approved.status, RegistrationStatus::Confirmed);
    assert_eq!(approved.seat, Some(Seat::OnSite));
    assert_eq!(approved.confirmed_at_ms, Some(T0 + 1));
    assert_eq!(approved.rejection, None);
    assert_eq!(approved.rejection_message, None);

    // Approving twice: not pending.
    let e = c.approve(alice, T0 + 2).unwrap_err();
    assert!(matches!(e, CimiError::InvalidState { .. }), "{e:?}");
    assert_eq!(e.kind(), "not_pending");

    // No seat left and no waiting list: the core's refusal, still pending.
    let e = c.approve(bob, T0 + 2).unwrap_err();
    assert_eq!((e.family(), e.kind()), ("refused", "event_full"));
    assert_eq!(
        c.registration(bob).unwrap().unwrap().status,
        RegistrationStatus::Pending
    );

    let rejected = c.reject(bob, "  Atelier complet  ".into(), T0 + 3).unwrap();
    assert_eq!(rejected.status, RegistrationStatus::Cancelled);
    assert_eq!(rejected.cancelled_at_ms, Some(T0 + 3));
    assert_eq!(rejected.rejection.as_deref(), Some("Atelier complet"));
    assert_eq!(
        rejected.rejection_message.as_deref(),
        Some("Your registration request was not accepted: Atelier complet")
    );
    assert_eq!(
        rejected.rejection_message_fr.as_deref(),
        Some("Votre demande d'inscription n'a pas été retenue : Atelier complet")
    );
    assert_eq!(c.registration(bob).unwrap().unwrap(), rejected);

    // A blank reason is the core's invalid input; a confirmed registration
    // cannot be rejected.
    let e = c.reject(carol, " ".into(), T0).unwrap_err();
    assert_eq!(e.details().get("field").map(String::as_str), Some("reason"));
    let e = c.reject(alice, "non".into(), T0).unwrap_err();
    assert_eq!(e.kind(), "not_pending");
    let e = c.approve(-1, T0).unwrap_err();
    assert!(matches!(e, CimiError::InvalidInput { .. }));
    assert_eq!(c.check_invariants().unwrap(), None);
}

#[test]
fn admission_patterns_cross_as_text_and_bad_ones_are_invalid_input() {
    let c = Community::cimi();
    let ev = event(&c, 10);
    assert_eq!(
        c.event(ev).unwrap().unwrap().admission,
        Admission::default()
    );

    let home = Admission {
        allowed: vec![
            " *@*.Interieur.gouv.fr ".into(),
            "*@interieur.gouv.fr".into(),
        ],
        audiences: vec!["interieur".into()],
        replaces_policy: false,
    };
    c.set_admission(ev, home, T0).unwrap();
    let e = c.event(ev).unwrap().unwrap();
    assert_eq!(
        e.admission.allowed,
        vec!["*@*.interieur.gouv.fr", "*@interieur.gouv.fr"]
    );
    assert_eq!(e.admission.audiences, vec!["interieur"]);
    // Who gets a seat changes nothing the calendar shows.
    assert_eq!(e.revision, 0);

    let refused = c.register(ev, ask("bob@agri.gouv.fr"), T0).unwrap_err();
    assert_eq!(
        (refused.family(), refused.kind()),
        ("refused", "address_not_admitted")
    );
    assert_eq!(
        refused.details().get("allowed").map(String::as_str),
        Some("*@*.interieur.gouv.fr, *@interieur.gouv.fr")
    );
    c.register(ev, ask("alice@interieur.gouv.fr"), T0).unwrap();

    // An audience of its own, without patterns: the other audience is refused.
    let only_home = Admission {
        audiences: vec!["interieur".into()],
        ..Admission::default()
    };
    c.set_admission(ev, only_home, T0).unwrap();
    let refused = c.register(ev, ask("bob@agri.gouv.fr"), T0).unwrap_err();
    assert_eq!(refused.kind(), "audience_not_admitted");
    assert_eq!(
        refused.details().get("admitted").map(String::as_str),
        Some("interieur")
    );

    for (bad, index) in [(vec!["gouv.fr"], 0), (vec!["*@*", "x@[1.2.3.4]"], 1)] {
        let admission = Admission {
            allowed: bad.into_iter().map(String::from).collect(),
            ..Admission::default()
        };
        let e = c.set_admission(ev, admission.clone(), T0).unwrap_err();
        assert!(matches!(e, CimiError::InvalidInput { .. }), "{e:?}");
        assert_eq!(e.kind(), "invalid_input");
        assert_eq!(
            e.details().get("field").map(String::as_str),
            Some("admission.allowed")
        );
        assert!(
            e.message().contains(&format!("pattern {index}")),
            "{}",
            e.message()
        );
        assert!(
            e.message_fr().contains(&format!("motif {index}")),
            "{}",
            e.message_fr()
        );
        let mut spec = event_spec(EventKind::Workshop, "X".into(), T0 + DAY, T0 + DAY + 1, 1);
        spec.admission = admission;
        let e = c.schedule_event(spec, T0).unwrap_err();
        assert_eq!(
            e.details().get("field").map(String::as_str),
            Some("admission.allowed")
        );
    }
    // An audience the statutes do not know is the core's to refuse.
    let unknown = Admission {
        audiences: vec!["martians".into()],
        ..Admission::default()
    };
    assert!(c.set_admission(ev, unknown, T0).is_err());
    assert_eq!(c.check_invariants().unwrap(), None);
}

#[test]
fn rescheduling_and_cancelling_raise_the_calendar_sequence() {
    let c = Community::cimi();
    let ev = event(&c, 10);
    let r = c.register(ev, ask("alice@interieur.gouv.fr"), T0).unwrap();
    let start = c.event(ev).unwrap().unwrap().starts_at_ms;
    assert_eq!(c.event(ev).unwrap().unwrap().revision, 0);

    c.reschedule(ev, start + DAY, start + DAY + 3_600_000, T0)
        .unwrap();
    let e = c.event(ev).unwrap().unwrap();
    assert_eq!((e.starts_at_ms, e.revision), (start + DAY, 1));
    let e = c.reschedule(ev, start, start, T0).unwrap_err();
    assert_eq!(e.kind(), "end_not_after_start");
    let e = c.reschedule(ev, i64::MAX, start, T0).unwrap_err();
    assert_eq!(
        e.details().get("field").map(String::as_str),
        Some("starts_at_ms")
    );

    let plain = c.event_ical(ev, T0).unwrap();
    assert!(plain.contains("\r\nSEQUENCE:1\r\n") && !plain.contains("VALARM"));
    assert_eq!(
        c.event_ical_with(ev, IcalOptions::default(), T0).unwrap(),
        plain
    );
    let half_hour = IcalOptions {
        reminder_ms: Some(30 * 60_000),
    };
    let ics = c.event_ical_with(ev, half_hour.clone(), T0).unwrap();
    assert!(ics.contains("\r\nTRIGGER:-PT30M\r\n"), "{ics}");
    let cal = c
        .calendar_ical_with(vec![ev], half_hour.clone(), T0)
        .unwrap();
    assert!(cal.contains("\r\nTRIGGER:-PT30M\r\n"));
    let inv = c
        .invitation_ical_with(r, "cimi@interieur.gouv.fr".into(), half_hour.clone(), T0)
        .unwrap();
    assert!(inv.contains("\r\nMETHOD:REQUEST\r\n") && inv.contains("TRIGGER:-PT30M"));
    let e = c
        .event_ical_with(
            ev,
            IcalOptions {
                reminder_ms: Some(i64::MIN),
            },
            T0,
        )
        .unwrap_err();
    assert_eq!(
        e.details().get("field").map(String::as_str),
        Some("reminder_ms")
    );

    c.cancel_event(ev, T0).unwrap();
    assert_eq!(c.event(ev).unwrap().unwrap().revision, 2);
    let cancel = c.event_ical_with(ev, half_hour, T0).unwrap();
    assert!(cancel.contains("\r\nMETHOD:CANCEL\r\n") && cancel.contains("\r\nSEQUENCE:2\r\n"));
    assert!(!cancel.contains("VALARM"));
}

#[test]
fn every_registration_status_crosses_both_ways() {
    use cimi_core::registration::RegistrationStatus as S;
    round_trip(&[
        S::Confirmed,
        S::Waitlisted,
        S::Cancelled,
        S::Pending,
        S::Offered,
    ]);
}

/// An event of `capacity` seats in 22 days offering freed seats for 48 hours.
fn offering_event(c: &Community, capacity: i32) -> i64 {
    let mut spec = event_spec(
        EventKind::Workshop,
        "Rust".into(),
        T0 + 22 * DAY,
        T0 + 22 * DAY + 7_200_000,
        capacity,
    );
    spec.waitlist_offer_ms = Some(2 * DAY);
    spec.offer_cutoff_ms = Some(DAY);
    c.schedule_event(spec, T0).unwrap()
}

#[test]
fn waitlist_offers_cross_as_milliseconds_and_are_accepted_declined_or_expired() {
    let c = Community::cimi();
    let ev = offering_event(&c, 1);
    let e = c.event(ev).unwrap().unwrap();
    assert_eq!(
        (e.waitlist_offer_ms, e.offer_cutoff_ms),
        (Some(2 * DAY), Some(DAY))
    );
    let a = c.register(ev, ask("a@interieur.gouv.fr"), T0).unwrap();
    let b = c.register(ev, ask("b@interieur.gouv.fr"), T0).unwrap();
    let d = c.register(ev, ask("d@interieur.gouv.fr"), T0).unwrap();

    let cancel = c.cancel_registration(a, T0 + 1).unwrap();
    assert_eq!(cancel.promoted, vec![b]);
    let offered = c.registration(b).unwrap().unwrap();
    assert_eq!(offered.status, RegistrationStatus::Offered);
    assert_eq!(offered.seat, Some(Seat::OnSite));
    assert_eq!(
        (offered.offered_at_ms, offered.offer_expires_at_ms),
        (Some(T0 + 1), Some(T0 + 1 + 2 * DAY))
    );
    let o = c.occupancy(ev).unwrap();
    assert_eq!((o.on_site, o.offered, o.waiting), (1, 1, 1));

    // Declined: the next in line is offered the seat.
    let declined = c.decline_offer(b, T0 + 2).unwrap();
    assert_eq!(declined.registration.status, RegistrationStatus::Cancelled);
    assert_eq!(declined.promoted, vec![d]);
    let e = c.accept_offer(b, T0 + 3).unwrap_err();
    assert_eq!((e.family(), e.kind()), ("invalid_state", "not_offered"));

    // Too late to accept: refused, naming when it expired; expireOffers ends it.
    let deadline = c
        .registration(d)
        .unwrap()
        .unwrap()
        .offer_expires_at_ms
        .unwrap();
    let e = c.accept_offer(d, deadline).unwrap_err();
    assert_eq!(e.kind(), "offer_expired");
    assert_eq!(
        e.details().get("expired_at").map(String::as_str),
        Some(instant_to_rfc3339(deadline).unwrap().as_str())
    );
    assert_eq!(
        c.expire_offers(deadline).unwrap(),
        OfferRound {
            expired: vec![d],
            promoted: vec![]
        }
    );
    let expired = c.registration(d).unwrap().unwrap();
    assert_eq!(
        (expired.status, expired.cancelled_at_ms),
        (RegistrationStatus::Cancelled, Some(deadline))
    );
    assert_eq!(c.occupancy(ev).unwrap().offered, 0);
    assert_eq!(c.check_invariants().unwrap(), None);

    // Accepted in time: confirmed.
    let ev = offering_event(&c, 1);
    let a = c.register(ev, ask("a@interieur.gouv.fr"), T0).unwrap();
    let b = c.register(ev, ask("b@interieur.gouv.fr"), T0).unwrap();
    c.cancel_registration(a, T0).unwrap();
    let accepted = c.accept_offer(b, T0 + DAY).unwrap();
    assert_eq!(
        (accepted.status, accepted.confirmed_at_ms),
        (RegistrationStatus::Confirmed, Some(T0 + DAY))
    );
    assert_eq!(c.check_invariants().unwrap(), None);
}

#[test]
fn waitlist_offer_durations_are_checked_by_the_core_or_refused_when_unrepresentable() {
    let c = Community::cimi();
    let spec = |hold: Option<i64>, cutoff: Option<i64>| {
        let mut s = event_spec(EventKind::Workshop, "X".into(), T0 + DAY, T0 + DAY + 1, 1);
        s.waitlist_offer_ms = hold;
        s.offer_cutoff_ms = cutoff;
        s
    };
    let field = |e: CimiError| e.details().get("field").cloned().unwrap_or_default();
    // Out of the core's range: its invalid_input.
    for (hold, cutoff) in [
        (Some(1_000), None),
        (Some(31 * DAY), None),
        (Some(DAY), Some(366 * DAY)),
        (Some(i64::MAX), None),
    ] {
        let e = c.schedule_event(spec(hold, cutoff), T0).unwrap_err();
        assert_eq!(e.kind(), "invalid_input");
        assert_eq!(field(e), "waitlist_offer", "{hold:?} {cutoff:?}");
    }
    // Beyond chrono's durations: named by the FFI's fields.
    let e = c
        .schedule_event(spec(Some(i64::MIN), None), T0)
        .unwrap_err();
    assert_eq!(field(e), "waitlist_offer_ms");
    let e = c
        .schedule_event(spec(Some(DAY), Some(i64::MIN)), T0)
        .unwrap_err();
    assert_eq!(field(e), "offer_cutoff_ms");
    // A cut-off without offers: refused by the core, as in Python.
    let e = c.schedule_event(spec(None, Some(DAY)), T0).unwrap_err();
    assert_eq!(field(e), "offer_cutoff");
    // Offers need the waiting list.
    let mut s = spec(Some(DAY), None);
    s.waitlist = false;
    assert_eq!(
        field(c.schedule_event(s, T0).unwrap_err()),
        "waitlist_offer"
    );
    // None: no offers, read back as null.
    let ev = c.schedule_event(spec(None, None), T0).unwrap();
    let e = c.event(ev).unwrap().unwrap();
    assert_eq!((e.waitlist_offer_ms, e.offer_cutoff_ms), (None, None));
    // A hold alone reads back with a zero cut-off (offers may run to the start).
    let ev = c.schedule_event(spec(Some(DAY), None), T0).unwrap();
    let e = c.event(ev).unwrap().unwrap();
    assert_eq!(
        (e.waitlist_offer_ms, e.offer_cutoff_ms),
        (Some(DAY), Some(0))
    );
}

#[test]
fn cancel_tokens_stay_out_of_records_and_cancel_until_the_deadline() {
    let c = Community::cimi();
    let mut spec = event_spec(
        EventKind::Miditech,
        "Kubernetes".into(),
        T0 + 22 * DAY,
        T0 + 22 * DAY + 7_200_000,
        10,
    );
    spec.cancellation_closes_at_ms = Some(T0 + 20 * DAY);
    let ev = c.schedule_event(spec, T0).unwrap();
    let other = event(&c, 10);
    let e = c.event(ev).unwrap().unwrap();
    assert_eq!(e.cancellation_closes_at_ms, Some(T0 + 20 * DAY));
    assert_eq!(e.cancellation_deadline_ms, T0 + 20 * DAY);
    assert_eq!(
        c.event(other).unwrap().unwrap().cancellation_deadline_ms,
        T0 + 22 * DAY
    );

    let a = c.register(ev, ask("a@interieur.gouv.fr"), T0).unwrap();
    let b = c.register(ev, ask("b@interieur.gouv.fr"), T0).unwrap();
    let token = c.cancel_token(a).unwrap().unwrap();
    let secret = token.split_once('-').unwrap().1.to_string();
    assert!(token.starts_with(&format!("{a}-")) && secret.len() == 32);
    assert_ne!(c.cancel_token(b).unwrap().unwrap(), token);
    let shown = format!(
        "{:?} {:?} {:?}",
        c.registration(a).unwrap(),
        c.all_registrations().unwrap(),
        c.event(ev).unwrap()
    );
    assert!(!shown.contains(&secret));
    assert_eq!(
        c.cancel_token(999).unwrap_err().kind(),
        "registration_not_found"
    );

    // Wrong, malformed and other-event tokens are refused alike, without echo.
    let wrong = format!("{a}-{}", "0".repeat(32));
    for (bad, event) in [
        (wrong.as_str(), None),
        ("n'importe quoi", None),
        ("", Some(ev)),
        (token.as_str(), Some(other)),
    ] {
        let e = c.cancel_by_token(bad.into(), event, T0).unwrap_err();
        assert_eq!((e.family(), e.kind()), ("invalid_state", "invalid_token"));
        assert!(e.details().is_empty());
        assert!(!format!("{e:?}").contains(&secret));
    }
    assert!(c.cancel_by_token(token.clone(), Some(-1), T0).is_err());

    let done = c.cancel_by_token(token.clone(), Some(ev), T0 + 1).unwrap();
    assert_eq!(done.registration.status, RegistrationStatus::Cancelled);
    // Used again: the same registration, unchanged, nobody promoted again.
    let again = c.cancel_by_token(token.clone(), None, T0 + 2).unwrap();
    assert_eq!(
        (again.registration, again.promoted),
        (done.registration.clone(), vec![])
    );
    assert!(!format!("{done:?}").contains(&secret));

    let late = c.cancel_token(b).unwrap().unwrap();
    let e = c.cancel_by_token(late, None, T0 + 20 * DAY).unwrap_err();
    assert_eq!(e.kind(), "cancellation_closed");
    assert_eq!(
        e.details().get("closed_at").map(String::as_str),
        Some(instant_to_rfc3339(T0 + 20 * DAY).unwrap().as_str())
    );
    // An organiser still may.
    c.cancel_registration(b, T0 + 20 * DAY).unwrap();
}

#[test]
fn check_in_is_refused_outside_the_window_the_event_reports() {
    let c = Community::cimi();
    let ev = event(&c, 10);
    let r = c.register(ev, ask("a@interieur.gouv.fr"), T0).unwrap();
    let e = c.event(ev).unwrap().unwrap();
    assert_eq!(e.check_in_opens_at_ms, e.starts_at_ms - DAY);
    assert_eq!(e.check_in_closes_at_ms, e.ends_at_ms + DAY);
    let refused = c.check_in(r, e.check_in_opens_at_ms - 1).unwrap_err();
    assert_eq!(refused.kind(), "check_in_outside_window");
    assert_eq!(
        refused.details().get("opens_at").map(String::as_str),
        Some(instant_to_rfc3339(e.check_in_opens_at_ms).unwrap().as_str())
    );
    assert_eq!(
        refused.details().get("closes_at").map(String::as_str),
        Some(
            instant_to_rfc3339(e.check_in_closes_at_ms)
                .unwrap()
                .as_str()
        )
    );
    let late = c.check_in(r, e.check_in_closes_at_ms + 1).unwrap_err();
    assert_eq!(late.kind(), "check_in_outside_window");
    let checked = c.check_in(r, e.check_in_opens_at_ms).unwrap();
    assert_eq!(checked.checked_in_at_ms, Some(e.check_in_opens_at_ms));
}

#[test]
fn an_event_at_the_edge_of_the_range_of_instants_still_reads() {
    // The core's `Event::check_in_window` overflows there (a panic, which
    // would poison the community on every read of its events); the record
    // clips the window to the range of instants instead.
    let min = chrono::DateTime::<chrono::Utc>::MIN_UTC.timestamp_millis();
    let max = chrono::DateTime::<chrono::Utc>::MAX_UTC.timestamp_millis();
    let c = Community::cimi();
    let early = c
        .schedule_event(
            event_spec(EventKind::Workshop, "X".into(), min, min + 1, 1),
            T0,
        )
        .unwrap();
    let late = c
        .schedule_event(
            event_spec(EventKind::Workshop, "X".into(), max - 1, max, 1),
            T0,
        )
        .unwrap();
    let e = c.event(early).unwrap().unwrap();
    assert_eq!(
        (e.check_in_opens_at_ms, e.check_in_closes_at_ms),
        (min, min + 1 + DAY)
    );
    let e = c.event(late).unwrap().unwrap();
    assert_eq!(
        (e.check_in_opens_at_ms, e.check_in_closes_at_ms),
        (max - 1 - DAY, max)
    );
    assert_eq!(c.events().unwrap().len(), 2);
    assert_eq!(c.check_invariants().unwrap(), None);
}
