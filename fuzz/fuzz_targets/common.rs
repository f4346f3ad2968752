//! The community every fuzz input is read against.

use chrono::{DateTime, Duration, TimeZone, Utc};
use cimi_core::Community;
use cimi_core::community::MemberProfile;
use cimi_core::event::{EventKind, EventSpec, RemoteBroadcast, Schedule};
use cimi_core::registration::RegistrationRequest;

pub fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap()
}

/// Events E1–E4 (two with the same title, one full), one member, one
/// registration.
pub fn community() -> Community {
    let now = now();
    let mut c = Community::cimi();
    let day = |d: i64| {
        Schedule::new(
            now + Duration::days(d),
            now + Duration::days(d) + Duration::hours(2),
        )
        .unwrap()
    };
    let e1 = c
        .schedule_event(
            EventSpec::new(EventKind::Miditech, "L'État plateforme", day(15), 50).with_remote(
                RemoteBroadcast {
                    url: "https://visio.interieur.gouv.fr/cimi".into(),
                    capacity: Some(2),
                },
            ),
            now,
        )
        .unwrap();
    c.schedule_event(
        EventSpec::new(EventKind::Workshop, "PostgreSQL", day(22), 1),
        now,
    )
    .unwrap();
    c.schedule_event(
        EventSpec::new(EventKind::Workshop, "Cartographie", day(29), 10),
        now,
    )
    .unwrap();
    c.schedule_event(
        EventSpec::new(EventKind::Workshop, "Cartographie", day(36), 0),
        now,
    )
    .unwrap();
    c.add_member("deja@interieur.gouv.fr", MemberProfile::default(), now)
        .unwrap();
    c.register(
        e1,
        &RegistrationRequest::new("inscrit@interieur.gouv.fr")
            .names("Inscrit", "Déjà")
            .affiliation("DNUM", "attaché", "chef de projet")
            .acknowledging(["deontology", "pssi"]),
        now,
    )
    .unwrap();
    c
}
