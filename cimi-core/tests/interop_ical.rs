//! iCalendar export: golden files, line discipline (CRLF, 75 octets, escaping,
//! no property injection), the Europe/Paris VTIMEZONE against the tz database,
//! and invitations.
//! Regenerate the golden files with
//! `UPDATE_GOLDEN=1 cargo test -p cimi-core --test interop_ical`.

mod common;

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, TimeZone, Utc, Weekday};
use chrono_tz::Europe::Paris;
use chrono_tz::OffsetComponents;
use cimi_core::Community;
use cimi_core::event::{
    EventKind, EventSpec, ItemKind, ProgramItem, RemoteBroadcast, Schedule, Speaker, Venue,
};
use cimi_core::ids::{EventId, RegistrationId};
use cimi_core::interop::ical::{
    self, MAX_LINE_OCTETS, PROPERTY_NAMES, canonical_text, escape_text, fold, unescape_text, unfold,
};
use cimi_core::registration::RegistrationRequest;
use cimi_core::statutes::Statutes;
use common::golden;
use proptest::prelude::*;

fn t(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, mo, d, h, mi, 0).unwrap()
}

fn paris(day: (i32, u32, u32), start: (u32, u32), end: (u32, u32)) -> Schedule {
    Schedule::paris(
        NaiveDate::from_ymd_opt(day.0, day.1, day.2).unwrap(),
        NaiveTime::from_hms_opt(start.0, start.1, 0).unwrap(),
        NaiveTime::from_hms_opt(end.0, end.1, 0).unwrap(),
    )
    .unwrap()
}

fn request(email: &str, family: &str, given: &str) -> RegistrationRequest {
    RegistrationRequest::new(email)
        .names(family, given)
        .affiliation("DNUM", "ingénieur des SIC", "chef de projet")
        .acknowledging(["deontology", "pssi"])
}

/// The 12 December 2017 miditech, with program, venue and video link; a
/// workshop in summer time; three registrations (confirmed, waiting,
/// cancelled).
fn community() -> (Community, EventId, EventId, [RegistrationId; 3]) {
    let now = t(2017, 11, 20, 9, 0);
    let mut c = Community::cimi();
    let miditech = c
        .schedule_event(
            EventSpec::new(
                EventKind::Miditech,
                "L'État plateforme",
                paris((2017, 12, 12), (12, 30), (14, 30)),
                1,
            )
            .with_venue(Venue::new(
                "DGGN",
                "4 rue Claude Bernard, 92130 Issy-les-Moulineaux",
            ))
            .with_remote(RemoteBroadcast {
                url: "https://visio.interieur.gouv.fr/cimi/etat-plateforme".into(),
                capacity: None,
            })
            .with_item(ProgramItem::new(ItemKind::Introduction, "").with_speaker(
                Speaker::new("Isabelle Meslier", "commandant", "ST(SI)²").consenting(),
            ))
            .with_item(
                ProgramItem::new(ItemKind::Talk, "L'État plateforme; API, données, usagers")
                    .with_speaker(Speaker::new("Henri Verdier", "directeur", "DINSIC").consenting())
                    .with_speaker(
                        Speaker::new("Laura Letourneau", "responsable", "DINSIC").consenting(),
                    ),
            )
            .with_item(ProgramItem::new(ItemKind::QuestionsAndAnswers, ""))
            .with_item(ProgramItem::new(ItemKind::Conclusion, "")),
            now,
        )
        .unwrap();
    let workshop = c
        .schedule_event(
            EventSpec::new(
                EventKind::Workshop,
                "Cartographie avec PostGIS",
                paris((2018, 6, 5), (10, 0), (12, 0)),
                12,
            ),
            now,
        )
        .unwrap();
    let a = c
        .register(
            miditech,
            &request("jean.dupont@interieur.gouv.fr", "Dupont", "Jean"),
            now,
        )
        .unwrap()
        .registration
        .id;
    let b = c
        .register(
            miditech,
            &request("marie.curie@agriculture.gouv.fr", "Curie", "Marie"),
            now,
        )
        .unwrap()
        .registration
        .id;
    let x = c
        .register(
            workshop,
            &request("paul.durand@interieur.gouv.fr", "Durand", "Paul"),
            now,
        )
        .unwrap()
        .registration
        .id;
    c.cancel_registration(x, now + Duration::hours(1)).unwrap();
    (c, miditech, workshop, [a, b, x])
}

/// Every physical line is CRLF-terminated, at most 75 octets, and starts with a
/// known property name (then `:` or `;`) or with a space; no character that
/// any parser takes for a line break appears elsewhere.
fn assert_well_formed(ics: &str) {
    assert!(ics.ends_with("\r\n"), "no final CRLF");
    let body = &ics[..ics.len() - 2];
    for line in body.split("\r\n") {
        assert!(line.len() <= MAX_LINE_OCTETS, "too long: {line:?}");
        assert!(
            !line.chars().any(|c| matches!(
                c,
                '\r' | '\n' | '\u{0B}' | '\u{0C}' | '\u{1C}'
                    ..='\u{1E}' | '\u{85}' | '\u{2028}' | '\u{2029}'
            )),
            "line break inside a line: {line:?}"
        );
        if line.starts_with(' ') {
            continue;
        }
        let name_end = line.find([':', ';']).unwrap_or(line.len());
        assert!(
            PROPERTY_NAMES.contains(&&line[..name_end]),
            "unknown property starts a line: {line:?}"
        );
    }
    let unfolded = unfold(ics);
    for line in unfolded
        .split("\r\n")
        .filter(|l| l.starts_with("BEGIN:") || l.starts_with("END:"))
    {
        let component = line.split_once(':').unwrap().1;
        assert!(
            ["VCALENDAR", "VEVENT", "VTIMEZONE", "DAYLIGHT", "STANDARD"].contains(&component),
            "{line:?}"
        );
    }
}

fn property<'a>(unfolded: &'a str, prefix: &str) -> Vec<&'a str> {
    unfolded
        .split("\r\n")
        .filter_map(|l| l.strip_prefix(prefix))
        .collect()
}

#[test]
fn event_golden() {
    let (c, miditech, _, _) = community();
    let ics = ical::event(&c, miditech, t(2017, 11, 20, 9, 0)).unwrap();
    assert_well_formed(&ics);
    golden("interop/event.ics", &ics);

    let u = unfold(&ics);
    assert_eq!(property(&u, "METHOD:"), ["PUBLISH"]);
    assert_eq!(
        property(&u, "DTSTART;TZID=Europe/Paris:"),
        ["20171212T123000"]
    );
    assert_eq!(
        property(&u, "DTEND;TZID=Europe/Paris:"),
        ["20171212T143000"]
    );
    assert_eq!(property(&u, "DTSTAMP:"), ["20171120T090000Z"]);
    assert_eq!(
        property(&u, "LOCATION:")
            .iter()
            .map(|l| unescape_text(l))
            .collect::<Vec<_>>(),
        ["DGGN, 4 rue Claude Bernard, 92130 Issy-les-Moulineaux"]
    );
    assert_eq!(
        property(
            &u,
            "CONFERENCE;VALUE=URI;FEATURE=AUDIO,VIDEO;LABEL=\"Visioconférence\":"
        ),
        ["https://visio.interieur.gouv.fr/cimi/etat-plateforme"]
    );
    let description = unescape_text(property(&u, "DESCRIPTION:")[0]);
    for part in [
        "Miditech « L'État plateforme »",
        "Le 12/12/2017 de 12:30 à 14:30 (heure de Paris)",
        "1. Introduction\n   Intervenant : Isabelle Meslier (commandant, ST(SI)²)",
        "2. Intervention — L'État plateforme; API, données, usagers\n   Intervenants : Henri Verdier (directeur, DINSIC) ; Laura Letourneau (responsable, DINSIC)",
        "3. Questions et échanges",
        "Lieu : DGGN, 4 rue Claude Bernard, 92130 Issy-les-Moulineaux",
        "Visioconférence : https://visio.interieur.gouv.fr/cimi/etat-plateforme",
    ] {
        assert!(
            description.contains(part),
            "{part:?} not in {description:?}"
        );
    }
    assert_eq!(property(&u, "UID:"), [ical::event_uid(&c, miditech)]);
}

#[test]
fn uid_is_stable_and_depends_on_event_and_community() {
    let (c, miditech, workshop, _) = community();
    let a = ical::event_uid(&c, miditech);
    assert_eq!(a, ical::event_uid(&community().0, miditech));
    assert_ne!(a, ical::event_uid(&c, workshop));
    let mut other = Statutes::cimi();
    other.name = "Civic Tech Évry".into();
    let o = Community::new(other).unwrap();
    assert_ne!(a, ical::event_uid(&o, miditech));
    assert!(ical::event_uid(&o, miditech).contains("civic-tech-evry"));
}

#[test]
fn calendar_of_several_events() {
    let (c, miditech, workshop, _) = community();
    let ics = ical::calendar(&c, &[miditech, workshop], t(2017, 11, 20, 9, 0)).unwrap();
    assert_well_formed(&ics);
    golden("interop/calendar.ics", &ics);
    let u = unfold(&ics);
    assert_eq!(property(&u, "BEGIN:VEVENT").len(), 2);
    assert_eq!(property(&u, "BEGIN:VTIMEZONE").len(), 1);
    assert_eq!(property(&u, "NAME:"), ["CIMI"]);
    // June: summer time, still written as Paris civil time.
    assert!(property(&u, "DTSTART;TZID=Europe/Paris:").contains(&"20180605T100000"));
    let err = ical::calendar(&c, &[miditech, EventId::new(99)], Utc::now()).unwrap_err();
    assert_eq!(err.kind(), "event_not_found");
}

#[test]
fn invitations_follow_the_registration() {
    let (mut c, miditech, _, [confirmed, waiting, cancelled]) = community();
    let now = t(2017, 11, 21, 8, 0);
    let ics = ical::invitation(&c, confirmed, "cimi@interieur.gouv.fr", now).unwrap();
    assert_well_formed(&ics);
    golden("interop/invitation.ics", &ics);
    let u = unfold(&ics);
    assert_eq!(property(&u, "METHOD:"), ["REQUEST"]);
    assert_eq!(
        property(&u, "ORGANIZER;CN=\"CIMI\":"),
        ["mailto:cimi@interieur.gouv.fr"]
    );
    assert_eq!(
        property(&u, "ATTENDEE;"),
        [
            "CN=\"Jean Dupont\";CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED;RSVP=FALSE:mailto:jean.dupont@interieur.gouv.fr"
        ]
    );
    assert_eq!(property(&u, "UID:"), [ical::event_uid(&c, miditech)]);
    assert!(
        unescape_text(property(&u, "DESCRIPTION:")[0])
            .contains("Votre inscription : confirmée, sur place")
    );

    let w = unfold(&ical::invitation(&c, waiting, "cimi@interieur.gouv.fr", now).unwrap());
    assert_eq!(property(&w, "METHOD:"), ["REQUEST"]);
    assert!(property(&w, "ATTENDEE;")[0].contains(";PARTSTAT=TENTATIVE;"));
    assert!(
        unescape_text(property(&w, "DESCRIPTION:")[0])
            .contains("Votre inscription : en liste d'attente")
    );

    let x = unfold(&ical::invitation(&c, cancelled, "cimi@interieur.gouv.fr", now).unwrap());
    assert_eq!(property(&x, "METHOD:"), ["CANCEL"]);
    assert_eq!(property(&x, "STATUS:"), ["CANCELLED"]);
    assert!(property(&x, "ATTENDEE;")[0].contains(";PARTSTAT=DECLINED;"));

    // Errors: bad organizer, unknown registration, erased member.
    let e = ical::invitation(&c, confirmed, "cimi\r\nX-EVIL:1@interieur.gouv.fr", now);
    assert_eq!(e.unwrap_err().kind(), "invalid_address");
    let e = ical::invitation(&c, RegistrationId::new(999), "cimi@interieur.gouv.fr", now);
    assert_eq!(e.unwrap_err().kind(), "registration_not_found");
    let member = c.registration(confirmed).unwrap().member;
    c.erase_member(member, now).unwrap();
    let e = ical::invitation(&c, confirmed, "cimi@interieur.gouv.fr", now);
    assert_eq!(e.unwrap_err().kind(), "member_erased");
}

#[test]
fn cancelled_event_is_cancelled_in_the_calendar() {
    let (mut c, miditech, _, [confirmed, ..]) = community();
    let now = t(2017, 11, 22, 8, 0);
    c.cancel_event(miditech, now).unwrap();
    let u = unfold(&ical::event(&c, miditech, now).unwrap());
    assert_eq!(property(&u, "STATUS:"), ["CANCELLED"]);
    let inv = unfold(&ical::invitation(&c, confirmed, "cimi@interieur.gouv.fr", now).unwrap());
    assert_eq!(property(&inv, "METHOD:"), ["CANCEL"]);
}

#[test]
fn repeated_hour_is_written_in_utc() {
    let now = t(2026, 10, 1, 8, 0);
    let mut c = Community::cimi();
    // 25 October 2026: 02:00–03:00 happens twice in Paris.
    let first = c
        .schedule_event(
            EventSpec::new(
                EventKind::Meeting,
                "Nuit du changement d'heure",
                Schedule::new(t(2026, 10, 25, 0, 30), t(2026, 10, 25, 1, 30)).unwrap(),
                5,
            ),
            now,
        )
        .unwrap();
    let ics = unfold(&ical::event(&c, first, now).unwrap());
    let u = &ics[ics.find("BEGIN:VEVENT").unwrap()..];
    assert_eq!(property(u, "DTSTART:"), ["20261025T003000Z"]);
    assert_eq!(property(u, "DTEND:"), ["20261025T013000Z"]);
}

/// The Europe/Paris VTIMEZONE, read back, gives the same offsets as the tz
/// database from 1996 to 2037 (the end of chrono-tz's transition tables), including one second either side of every
/// transition.
#[test]
fn vtimezone_agrees_with_the_tz_database() {
    let c = Community::cimi();
    let u = unfold(&ical::calendar(&c, &[], Utc::now()).unwrap());
    let start = u.find("BEGIN:VTIMEZONE").unwrap();
    let end = u.find("END:VTIMEZONE").unwrap();
    let tz = &u[start..end];
    assert!(tz.contains("TZID:Europe/Paris\r\n"));

    // Each sub-component: (offset before, offset after, local time of change, month).
    let mut rules = Vec::new();
    for kind in ["DAYLIGHT", "STANDARD"] {
        let s = tz.find(&format!("BEGIN:{kind}")).unwrap();
        let e = tz.find(&format!("END:{kind}")).unwrap();
        let part = &tz[s..e];
        let get = |p: &str| property(part, p)[0];
        let offset = |v: &str| {
            let sign = if v.starts_with('-') { -1 } else { 1 };
            sign * (v[1..3].parse::<i64>().unwrap() * 3600 + v[3..5].parse::<i64>().unwrap() * 60)
        };
        let dtstart = get("DTSTART:");
        let rrule = get("RRULE:");
        assert!(
            rrule.contains("FREQ=YEARLY") && rrule.contains("BYDAY=-1SU"),
            "{rrule}"
        );
        let month: u32 = rrule
            .split(';')
            .find_map(|p| p.strip_prefix("BYMONTH="))
            .unwrap()
            .parse()
            .unwrap();
        let hour: u32 = dtstart[9..11].parse().unwrap();
        let first_year: i32 = dtstart[..4].parse().unwrap();
        rules.push((
            offset(get("TZOFFSETFROM:")),
            offset(get("TZOFFSETTO:")),
            hour,
            month,
            first_year,
        ));
    }
    let last_sunday = |year: i32, month: u32| {
        let mut d = NaiveDate::from_ymd_opt(year, month + 1, 1).unwrap() - Duration::days(1);
        while d.weekday() != Weekday::Sun {
            d -= Duration::days(1);
        }
        d
    };
    let tzdb = |at: DateTime<Utc>| {
        let o = at.with_timezone(&Paris).offset().base_utc_offset()
            + at.with_timezone(&Paris).offset().dst_offset();
        o.num_seconds()
    };
    for year in 1996..=2037 {
        let mut transitions = Vec::new();
        for &(from, to, hour, month, first_year) in &rules {
            assert!(first_year <= 1996);
            let local = last_sunday(year, month).and_hms_opt(hour, 0, 0).unwrap();
            let instant = Utc.from_utc_datetime(&local) - Duration::seconds(from);
            assert_eq!(
                tzdb(instant - Duration::seconds(1)),
                from,
                "{year}-{month} before"
            );
            assert_eq!(tzdb(instant), to, "{year}-{month} at");
            transitions.push((instant, to));
        }
        transitions.sort();
        // Between transitions, every day at noon UTC.
        let mut day = Utc.with_ymd_and_hms(year, 1, 1, 12, 0, 0).unwrap();
        while day.year() == year {
            let ours = transitions
                .iter()
                .rev()
                .find(|(at, _)| *at <= day)
                .map_or(transitions.last().unwrap().1, |(_, to)| *to);
            assert_eq!(tzdb(day), ours, "{day}");
            day += Duration::days(1);
        }
    }
}

#[test]
fn hostile_community_name_cannot_inject_properties() {
    let mut s = Statutes::cimi();
    s.name =
        "CIMI\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nSUMMARY:phishing\"\u{2028}X:1\u{0B}Y:2\u{85}".into();
    let mut c = Community::new(s).unwrap();
    let now = t(2017, 11, 20, 9, 0);
    let ev = c
        .schedule_event(
            EventSpec::new(
                EventKind::Miditech,
                "a;b,c\\d:e\"f^g 🎉𝔸",
                paris((2017, 12, 12), (12, 30), (14, 30)),
                5,
            )
            .with_remote(RemoteBroadcast {
                url: "https://x.example/a b\"<>^`{|}é?q=1".into(),
                capacity: None,
            }),
            now,
        )
        .unwrap();
    let r = c
        .register(
            ev,
            &request("a@interieur.gouv.fr", "O\"Brien;", "Jean^,"),
            now,
        )
        .unwrap()
        .registration
        .id;
    for ics in [
        ical::event(&c, ev, now).unwrap(),
        ical::calendar(&c, &[ev, ev], now).unwrap(),
        ical::invitation(&c, r, "cimi@interieur.gouv.fr", now).unwrap(),
    ] {
        assert_well_formed(&ics);
        let u = unfold(&ics);
        let events = u.split("\r\n").filter(|l| *l == "BEGIN:VEVENT").count();
        assert!(events >= 1);
        assert_eq!(property(&u, "SUMMARY:").len(), events);
    }
}

fn text_strategy() -> impl Strategy<Value = String> {
    // Arbitrary text, with a bias towards the characters that matter here.
    let special = prop::sample::select(vec![
        "\r",
        "\n",
        "\r\n",
        "\\",
        ";",
        ",",
        ":",
        "\"",
        "^",
        "\t",
        "é",
        "€",
        "🎉",
        "𝔸",
        "\u{2028}",
        "\u{85}",
        "\u{0B}",
        " ",
        "BEGIN:VEVENT",
        "\\n",
    ]);
    prop::collection::vec(
        prop_oneof![
            3 => any::<char>().prop_map(|c| c.to_string()),
            2 => special.prop_map(str::to_string),
            1 => "[a-zA-Z ]{1,20}",
        ],
        0..120,
    )
    .prop_map(|parts| parts.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn escaping_round_trips(s in text_strategy()) {
        let escaped = escape_text(&s);
        let breaks = ['\r', '\n', '\u{2028}', '\u{2029}', '\u{85}', '\u{0B}', '\u{0C}'];
        prop_assert!(!escaped.contains(breaks), "line break in {:?}", escaped);
        prop_assert_eq!(unescape_text(&escaped), canonical_text(&s));
        // Without control characters other than LF and TAB, exactly the input.
        if !s.chars().any(|c| c.is_control() && c != '\n' && c != '\t' || c == '\u{2028}' || c == '\u{2029}') {
            prop_assert_eq!(unescape_text(&escaped), s);
        }
    }

    #[test]
    fn folding_round_trips_and_bounds_lines(s in text_strategy()) {
        let line = format!("DESCRIPTION:{}", escape_text(&s));
        let folded = fold(&line);
        for (i, physical) in folded.split("\r\n").enumerate() {
            prop_assert!(physical.len() <= MAX_LINE_OCTETS, "{:?}", physical);
            prop_assert!(i == 0 || physical.starts_with(' '));
            prop_assert!(!physical.contains(['\r', '\n']));
        }
        prop_assert_eq!(unfold(&folded), line.clone());
        prop_assert_eq!(unescape_text(&unfold(&folded)["DESCRIPTION:".len()..]), canonical_text(&s));
    }

    #[test]
    fn fold_never_lets_a_raw_line_break_through(s in text_strategy()) {
        let folded = fold(&s);
        prop_assert!(folded.split("\r\n").skip(1).all(|l| l.starts_with(' ')));
        prop_assert!(folded.split("\r\n").all(|l| l.len() <= MAX_LINE_OCTETS && !l.contains(['\r', '\n'])));
    }

    #[test]
    fn hostile_names_never_start_a_property(name in text_strategy(), title in "[^\\p{C}]{1,80}") {
        let mut s = Statutes::cimi();
        s.name = name;
        let Ok(mut c) = Community::new(s) else { return Ok(()) };
        let now = t(2017, 11, 20, 9, 0);
        let Ok(ev) = c.schedule_event(
            EventSpec::new(EventKind::Miditech, title.clone(), paris((2017, 12, 12), (12, 30), (14, 30)), 5)
                .with_venue(Venue::new(title.clone(), title.clone())),
            now,
        ) else { return Ok(()) };
        let ics = ical::event(&c, ev, now).unwrap();
        assert_well_formed(&ics);
        let u = unfold(&ics);
        prop_assert_eq!(unescape_text(property(&u, "SUMMARY:")[0]), title);
    }
}
