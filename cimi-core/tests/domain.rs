//! Members, statutes, events and their lifecycle.

use chrono::{Duration, NaiveDate, NaiveTime, TimeZone, Utc};
use cimi_core::community::MemberProfile;
use cimi_core::event::{
    EventKind, EventSpec, EventState, ItemKind, ProgramItem, Resource, ResourceKind, Schedule,
    Speaker, TimeError,
};
use cimi_core::member::{Affiliation, ConsentKind, MemberStatus};
use cimi_core::registration::RegistrationRequest;
use cimi_core::statutes::{Statutes, Violation};
use cimi_core::{Community, Lang};

fn hm(h: u32, m: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(h, m, 0).unwrap()
}

#[test]
fn paris_schedules_follow_summer_and_winter_time() {
    let winter = Schedule::paris(
        NaiveDate::from_ymd_opt(2017, 12, 12).unwrap(),
        hm(12, 30),
        hm(14, 30),
    )
    .unwrap();
    assert_eq!(
        winter.starts_at,
        Utc.with_ymd_and_hms(2017, 12, 12, 11, 30, 0).unwrap()
    );
    let summer = Schedule::paris(
        NaiveDate::from_ymd_opt(2018, 6, 12).unwrap(),
        hm(12, 30),
        hm(14, 30),
    )
    .unwrap();
    assert_eq!(
        summer.starts_at,
        Utc.with_ymd_and_hms(2018, 6, 12, 10, 30, 0).unwrap()
    );
    assert_eq!(
        summer.starts_paris().format("%H:%M %:z").to_string(),
        "12:30 +02:00"
    );
    // The last Sunday of March 2018, 02:30 did not exist; of October, 02:30 happened twice.
    let spring = NaiveDate::from_ymd_opt(2018, 3, 25).unwrap();
    assert!(matches!(
        Schedule::paris(spring, hm(2, 30), hm(4, 0)),
        Err(TimeError::Nonexistent { .. })
    ));
    let autumn = NaiveDate::from_ymd_opt(2018, 10, 28).unwrap();
    assert!(matches!(
        Schedule::paris(autumn, hm(2, 30), hm(4, 0)),
        Err(TimeError::Ambiguous { .. })
    ));
    // A schedule across the change keeps real durations: 01:00–04:00 on 28 Oct 2018 is 4 hours.
    let across = Schedule::paris(autumn, hm(1, 0), hm(4, 0)).unwrap();
    assert_eq!(across.duration(), Duration::hours(4));
    assert_eq!(
        Schedule::paris(autumn, hm(14, 0), hm(12, 0)).unwrap_err(),
        TimeError::EndNotAfterStart
    );
}

#[test]
fn membership_de_fait_and_status() {
    let t = Utc.with_ymd_and_hms(2017, 11, 20, 9, 0, 0).unwrap();
    let mut c = Community::cimi();
    let start = t + Duration::days(20);
    let ev = c
        .schedule_event(
            EventSpec::new(
                EventKind::Miditech,
                "Cartographie",
                Schedule::new(start, start + Duration::hours(2)).unwrap(),
                10,
            ),
            t,
        )
        .unwrap();
    let req = RegistrationRequest::new("arnaud@interieur.gouv.fr")
        .names("Durand", "Arnaud")
        .affiliation("DGPN", "brigadier", "graphiste")
        .acknowledging(["deontology", "pssi"]);
    let r = c.register(ev, &req, t).unwrap().registration;
    let m = c.member(r.member).unwrap();
    assert_eq!(m.joined_at, t);
    assert_eq!(m.last_participation_at, Some(t));
    assert_eq!(
        (m.family_name.as_str(), m.grade.as_str()),
        ("Durand", "brigadier")
    );
    assert_eq!(
        c.member_status(m.id, t + Duration::days(365)).unwrap(),
        MemberStatus::Active
    );
    assert_eq!(
        c.member_status(m.id, t + Duration::days(366)).unwrap(),
        MemberStatus::Dormant
    );
    // Attending refreshes participation.
    c.check_in(r.id, start).unwrap();
    assert_eq!(
        c.member_status(r.member, t + Duration::days(366)).unwrap(),
        MemberStatus::Active
    );
}

#[test]
fn consents_are_dated_and_the_latest_wins() {
    let t = Utc.with_ymd_and_hms(2020, 1, 1, 0, 0, 0).unwrap();
    let mut c = Community::cimi();
    let id = c
        .add_member("rachid@interieur.gouv.fr", MemberProfile::default(), t)
        .unwrap();
    c.set_consent(id, ConsentKind::MailingList, true, t)
        .unwrap();
    c.set_consent(id, ConsentKind::MailingList, false, t + Duration::days(10))
        .unwrap();
    let m = c.member(id).unwrap();
    assert!(m.has_consent(ConsentKind::MailingList, t + Duration::days(5)));
    assert!(!m.has_consent(ConsentKind::MailingList, t + Duration::days(11)));
    assert!(!m.has_consent(ConsentKind::Recording, t + Duration::days(11)));
    assert_eq!(m.consents().len(), 2);
    assert_eq!(
        c.add_member("RACHID@interieur.gouv.fr", MemberProfile::default(), t)
            .unwrap_err()
            .kind(),
        "duplicate_member"
    );
}

fn bureau_member(
    c: &mut Community,
    email: &str,
    units: &[&str],
    role: &str,
    t: chrono::DateTime<Utc>,
) -> cimi_core::ids::MemberId {
    let profile = MemberProfile {
        affiliation: Affiliation::new(units.iter().copied()),
        ..Default::default()
    };
    let id = c.add_member(email, profile, t).unwrap();
    c.set_bureau_role(id, Some(role), t).unwrap();
    id
}

#[test]
fn statutes_check_reports_every_violated_bureau_rule() {
    let t = Utc.with_ymd_and_hms(2014, 6, 1, 0, 0, 0).unwrap();
    let mut c = Community::cimi();
    bureau_member(
        &mut c,
        "arnaud@interieur.gouv.fr",
        &["Intérieur", "DGPN"],
        "chartes graphiques",
        t,
    );
    bureau_member(
        &mut c,
        "rachid@interieur.gouv.fr",
        &["Intérieur", "DSIC"],
        "liste de diffusion",
        t,
    );
    bureau_member(
        &mut c,
        "jean@interieur.gouv.fr",
        &["Intérieur", "DGGN", "ST(SI)²"],
        "GitHub",
        t,
    );
    let v = c.check_statutes(t);
    assert_eq!(
        v,
        vec![
            Violation::BureauSize {
                expected: 7,
                actual: 3
            },
            Violation::EntityNotRepresented {
                entity: "SDSICIF".into()
            },
        ]
    );
    assert_eq!(
        v[1].message(Lang::Fr),
        "l'entité SDSICIF n'est pas représentée au bureau"
    );
    for (i, units) in [
        &["Intérieur", "Préfecture de police", "SDSICIF"][..],
        &["Intérieur", "DNUM"],
        &["Intérieur", "DSIC"],
        &["Justice"],
    ]
    .iter()
    .enumerate()
    {
        bureau_member(
            &mut c,
            &format!("b{i}@interieur.gouv.fr"),
            units,
            "miditechs",
            t,
        );
    }
    assert_eq!(
        c.check_statutes(t),
        vec![],
        "seven active members, every entity represented"
    );
    // Two years later, nobody participated: every bureau member is dormant.
    let later = t + Duration::days(800);
    let v = c.check_statutes(later);
    assert_eq!(v.len(), 7);
    assert!(v.iter().all(|x| x.kind() == "member_not_active"));
    // A community whose statutes want every bureau member from a principal entity.
    let mut s = Statutes::cimi();
    s.bureau.each_member_from_entity = true;
    c.replace_statutes(s, t).unwrap();
    let v = c.check_statutes(t);
    assert_eq!(
        v.iter()
            .filter(|x| x.kind() == "member_outside_entities")
            .count(),
        2,
        "{v:?}"
    );
}

#[test]
fn another_community_is_configuration_not_code() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/data/statutes-civic-tech.json");
    let s = Statutes::from_path(&path).unwrap();
    assert_eq!(s.name, "Issy Civic Tech");
    let t = Utc.with_ymd_and_hms(2024, 9, 1, 9, 0, 0).unwrap();
    let mut c = Community::new(s).unwrap();
    let start = t + Duration::days(10);
    let ev = c
        .schedule_event(
            EventSpec::new(
                EventKind::Workshop,
                "Co-construire l'informatique municipale",
                Schedule::new(start, start + Duration::hours(3)).unwrap(),
                2,
            )
            .with_quota("residents", 1),
            t,
        )
        .unwrap();
    let req = |email: &str| RegistrationRequest::new(email).names("Nom", "Prénom");
    assert!(
        c.register(ev, &req("marie@orange.fr"), t).is_ok(),
        "anyone may come, no grade needed"
    );
    assert_eq!(
        c.register(ev, &req("agent@issy.fr"), t)
            .unwrap()
            .registration
            .audience
            .as_deref(),
        Some("city_staff")
    );
    let third = c
        .register(ev, &req("paul@free.fr"), t)
        .unwrap()
        .registration;
    assert_eq!(third.audience.as_deref(), Some("residents"));
    assert_eq!(
        third.status.kind(),
        "waitlisted",
        "the residents' quota is 1"
    );
    assert_eq!(
        c.register(ev, &req("x@evil.example"), t)
            .unwrap_err()
            .kind(),
        "address_not_allowed"
    );
}

#[test]
fn event_lifecycle_and_report() {
    let t = Utc.with_ymd_and_hms(2020, 1, 6, 9, 0, 0).unwrap();
    let mut c = Community::cimi();
    let start = Utc.with_ymd_and_hms(2020, 2, 3, 8, 0, 0).unwrap();
    let mut spec = EventSpec::new(
        EventKind::Conference,
        "Rencontres numériques de l'Intérieur",
        Schedule::new(start, start + Duration::hours(9)).unwrap(),
        300,
    );
    spec.draft = true;
    let ev = c.schedule_event(spec, t).unwrap();
    assert_eq!(c.event(ev).unwrap().state, EventState::Draft);
    assert_eq!(
        c.mark_held(ev, start).unwrap_err().kind(),
        "event_transition"
    );
    c.open_registration(ev, t).unwrap();
    c.close_registration(ev, t).unwrap();
    c.mark_held(ev, start + Duration::hours(9)).unwrap();
    assert_eq!(
        c.cancel_event(ev, start).unwrap_err().kind(),
        "event_transition"
    );
    assert_eq!(
        c.set_capacity(ev, 10, start).unwrap_err().kind(),
        "event_over"
    );
    let slides = Resource {
        kind: ResourceKind::Slides,
        title: "Feuille de route DNUM".into(),
        url: "https://wiki/cr.pdf".into(),
    };
    c.publish_report(
        ev,
        "Première édition des rencontres.\nTrois tables rondes.",
        vec![slides],
        start + Duration::days(3),
    )
    .unwrap();
    let e = c.event(ev).unwrap();
    assert_eq!(e.state, EventState::Reported);
    assert_eq!(e.report.as_ref().unwrap().resources.len(), 1);
}

#[test]
fn recording_needs_every_speakers_consent() {
    let t = Utc.with_ymd_and_hms(2020, 1, 6, 9, 0, 0).unwrap();
    let mut c = Community::cimi();
    let s = Schedule::new(
        t + Duration::days(3),
        t + Duration::days(3) + Duration::hours(2),
    )
    .unwrap();
    let ev = c
        .schedule_event(EventSpec::new(EventKind::Miditech, "TALN", s, 30), t)
        .unwrap();
    assert!(
        !c.event(ev).unwrap().recording_allowed(),
        "no speaker, nobody consented"
    );
    let talk = |consent: bool| {
        let sp = Speaker::new("Laura Letourneau", "", "");
        ProgramItem::new(ItemKind::Talk, "x").with_speaker(if consent {
            sp.consenting()
        } else {
            sp
        })
    };
    c.set_program(ev, vec![talk(true), talk(false)], t).unwrap();
    assert!(!c.event(ev).unwrap().recording_allowed());
    c.set_program(ev, vec![talk(true), talk(true)], t).unwrap();
    assert!(c.event(ev).unwrap().recording_allowed());
}

#[test]
fn capacity_and_quota_cannot_drop_below_confirmed() {
    let t = Utc.with_ymd_and_hms(2020, 1, 6, 9, 0, 0).unwrap();
    let mut c = Community::cimi();
    let s = Schedule::new(
        t + Duration::days(3),
        t + Duration::days(3) + Duration::hours(2),
    )
    .unwrap();
    let ev = c
        .schedule_event(EventSpec::new(EventKind::Workshop, "PostgreSQL", s, 2), t)
        .unwrap();
    for who in ["a", "b", "c"] {
        let req = RegistrationRequest::new(format!("{who}@interieur.gouv.fr"))
            .names("N", "P")
            .affiliation("S", "G", "F")
            .acknowledging(["deontology", "pssi"]);
        c.register(ev, &req, t).unwrap();
    }
    assert_eq!(
        c.set_capacity(ev, 1, t).unwrap_err().kind(),
        "capacity_below_confirmed"
    );
    assert_eq!(
        c.set_quota(ev, "interieur", Some(1), t).unwrap_err().kind(),
        "quota_below_confirmed"
    );
    assert_eq!(
        c.set_quota(ev, "nobody", Some(1), t).unwrap_err().kind(),
        "invalid_input"
    );
    let promoted = c.set_capacity(ev, 5, t).unwrap();
    assert_eq!(promoted.len(), 1);
    assert_eq!(c.occupancy(ev).unwrap().on_site, 3);
}

#[test]
fn debug_output_hides_personal_data() {
    let t = Utc.with_ymd_and_hms(2020, 1, 6, 9, 0, 0).unwrap();
    let mut c = Community::cimi();
    let profile = MemberProfile {
        family_name: "Meslier".into(),
        given_name: "Isabelle".into(),
        ..Default::default()
    };
    c.add_member("isabelle.meslier@interieur.gouv.fr", profile, t)
        .unwrap();
    let dump = format!("{c:?}");
    assert!(!dump.contains("Meslier"));
    assert!(!dump.contains("isabelle"));
    let req =
        RegistrationRequest::new("isabelle.meslier@interieur.gouv.fr").names("Meslier", "Isabelle");
    assert!(!format!("{req:?}").contains("Meslier"));
}

#[test]
fn a_recording_is_published_only_with_every_speakers_consent() {
    let t = Utc.with_ymd_and_hms(2020, 1, 6, 9, 0, 0).unwrap();
    let mut c = Community::cimi();
    let s = Schedule::new(
        t + Duration::days(3),
        t + Duration::days(3) + Duration::hours(2),
    )
    .unwrap();
    let sp = |name: &str| Speaker::new(name, "", "");
    let mut spec = EventSpec::new(EventKind::Miditech, "TALN", s, 30);
    spec.program = vec![
        ProgramItem::new(ItemKind::Talk, "a").with_speaker(sp("Laura Letourneau").consenting()),
        ProgramItem::new(ItemKind::Talk, "b").with_speaker(sp("Henri Verdier")),
    ];
    let ev = c.schedule_event(spec, t).unwrap();
    c.mark_held(ev, t + Duration::days(4)).unwrap();
    let video = Resource {
        kind: ResourceKind::Recording,
        title: "Vidéo".into(),
        url: "https://intra/video".into(),
    };
    let refused = c
        .publish_report(ev, "CR", vec![video.clone()], t + Duration::days(5))
        .unwrap_err();
    assert_eq!(refused.kind(), "recording_consent_missing");
    assert_eq!(refused.family(), "invalid_state");
    assert_eq!(
        refused.details(),
        vec![("speakers", cimi_core::error::Detail::Integer(1))]
    );
    assert_eq!(
        c.event(ev).unwrap().state,
        EventState::Held,
        "nothing changed"
    );
    // Slides alone are published whatever the consents.
    let slides = Resource {
        kind: ResourceKind::Slides,
        ..video
    };
    c.publish_report(ev, "CR", vec![slides], t + Duration::days(5))
        .unwrap();
}
