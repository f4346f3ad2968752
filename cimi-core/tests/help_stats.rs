//! Entraide and statistics on a hand-made community, with the expected figures
//! worked out by hand; and properties of suggestions.

mod common;

use std::collections::BTreeMap;

use chrono::Duration;
use cimi_core::Community;
use cimi_core::community::MemberProfile;
use cimi_core::event::{EventKind, EventSpec, Schedule};
use cimi_core::help::{HelpState, Visibility};
use cimi_core::ids::MemberId;
use cimi_core::member::{Affiliation, MemberStatus};
use cimi_core::registration::RegistrationRequest;
use common::paris;
use proptest::prelude::*;

fn with_skills(skills: &[&str]) -> MemberProfile {
    MemberProfile {
        skills: skills.iter().map(|s| s.to_string()).collect(),
        affiliation: Affiliation::new(["Intérieur", "DNUM"]),
        ..Default::default()
    }
}

#[test]
fn suggestions_worked_out_by_hand() {
    let t0 = paris(2024, 1, 10, 9, 0);
    let mut c = Community::cimi();
    let alice = c
        .add_member(
            "alice@interieur.gouv.fr",
            with_skills(&["PostgreSQL", "Docker"]),
            t0,
        )
        .unwrap();
    let bruno = c
        .add_member(
            "bruno@interieur.gouv.fr",
            with_skills(&["postgresql", "Cartographie"]),
            t0,
        )
        .unwrap();
    let camille = c
        .add_member("camille@interieur.gouv.fr", with_skills(&["Docker"]), t0)
        .unwrap();
    let david = c
        .add_member(
            "david@interieur.gouv.fr",
            with_skills(&["Cartographie", "QGIS"]),
            t0 - Duration::days(800),
        )
        .unwrap();
    let eve = c
        .add_member(
            "eve@interieur.gouv.fr",
            with_skills(&["PostgreSQL", "QGIS"]),
            t0,
        )
        .unwrap();
    c.erase_member(eve, t0).unwrap();
    let ask = c
        .ask_help(
            "fanny@agri.gouv.fr",
            "Tuiles vectorielles",
            "Servir des tuiles depuis PostGIS ?",
            &[" Postgre SQL ", "QGIS", "docker"],
            Visibility::Public,
            t0,
        )
        .unwrap();
    let fanny = c.help_request(ask).unwrap().asker;
    assert_eq!(
        c.member_status(fanny, t0).unwrap(),
        MemberStatus::Active,
        "asking makes one a member de fait"
    );

    // N = 4 members with skills (alice, bruno, camille, david; eve is erased, fanny has none).
    // postgresql: alice, bruno → ln(1 + 4/2) = ln 3; docker: alice, camille → ln 3; qgis: david → ln 5.
    let ln3 = 3f64.ln();
    let ln5 = 5f64.ln();
    let got = c.suggest_helpers(ask, 10, t0 + Duration::days(1)).unwrap();
    let summary: Vec<(MemberId, Vec<String>, MemberStatus)> = got
        .iter()
        .map(|s| (s.member, s.shared_skills.clone(), s.status))
        .collect();
    assert_eq!(
        summary,
        vec![
            (
                alice,
                vec!["docker".to_string(), "postgresql".to_string()],
                MemberStatus::Active
            ),
            (bruno, vec!["postgresql".to_string()], MemberStatus::Active),
            (camille, vec!["docker".to_string()], MemberStatus::Active),
            // David has the rarest skill but is dormant: last.
            (david, vec!["qgis".to_string()], MemberStatus::Dormant),
        ]
    );
    assert!((got[0].score - 2.0 * ln3).abs() < 1e-12);
    assert!((got[1].score - ln3).abs() < 1e-12);
    assert!((got[3].score - ln5).abs() < 1e-12);
    let top2: Vec<_> = c
        .suggest_helpers(ask, 2, t0)
        .unwrap()
        .into_iter()
        .map(|s| s.member)
        .collect();
    assert_eq!(top2, vec![alice, bruno]);

    // Lifecycle: open → referred → resolved, each step dated.
    assert_eq!(c.resolve_help(ask, t0).map(|_| ()), Ok(()));
    assert_eq!(
        c.refer_help(ask, &[alice], t0).unwrap_err().kind(),
        "help_transition"
    );
    let ask2 = c
        .ask_help(
            "fanny@agri.gouv.fr",
            "QGIS",
            "Styles ?",
            &["QGIS"],
            Visibility::Private,
            t0,
        )
        .unwrap();
    assert_eq!(
        c.refer_help(ask2, &[fanny], t0).unwrap_err().kind(),
        "invalid_input"
    );
    assert_eq!(
        c.refer_help(ask2, &[eve], t0).unwrap_err().kind(),
        "member_erased"
    );
    c.refer_help(ask2, &[david], t0 + Duration::hours(1))
        .unwrap();
    assert_eq!(
        c.member_status(david, t0 + Duration::days(1)).unwrap(),
        MemberStatus::Active,
        "answering is participating"
    );
    c.close_help(ask2, t0 + Duration::days(2)).unwrap();
    let h = c.help_request(ask2).unwrap();
    let states: Vec<_> = h.steps.iter().map(|s| (s.state, s.at)).collect();
    assert_eq!(
        states,
        vec![
            (HelpState::Open, t0),
            (HelpState::Referred, t0 + Duration::hours(1)),
            (HelpState::Closed, t0 + Duration::days(2))
        ]
    );
    assert_eq!(h.referred_to(), vec![david]);
    assert_eq!(
        c.members().filter(|m| m.id == fanny).count(),
        1,
        "the same asker is one member"
    );
}

fn request(email: &str) -> RegistrationRequest {
    RegistrationRequest::new(email)
        .names("Nom", "Prénom")
        .affiliation("Service", "Grade", "Fonction")
        .acknowledging(["deontology", "pssi"])
}

#[test]
fn statistics_worked_out_by_hand() {
    let mut c = Community::cimi();
    let t0 = paris(2023, 11, 1, 9, 0);
    let s1 = Schedule::new(paris(2023, 12, 5, 12, 0), paris(2023, 12, 5, 14, 0)).unwrap();
    let e1 = c
        .schedule_event(
            EventSpec::new(EventKind::Miditech, "Moteurs de recherche", s1, 2),
            t0,
        )
        .unwrap();
    let r1 = c
        .register(e1, &request("a@interieur.gouv.fr"), t0)
        .unwrap()
        .registration
        .id;
    let r2 = c
        .register(e1, &request("b@agri.gouv.fr"), t0)
        .unwrap()
        .registration
        .id;
    let r3 = c
        .register(
            e1,
            &request("c@interieur.gouv.fr"),
            paris(2023, 12, 1, 9, 0),
        )
        .unwrap()
        .registration
        .id;
    c.cancel_registration(r2, paris(2023, 12, 2, 9, 0)).unwrap(); // r3 promoted
    c.check_in(r1, s1.starts_at).unwrap();
    c.mark_held(e1, s1.ends_at).unwrap();
    let _ = r3;

    let s2 = Schedule::new(paris(2024, 1, 9, 14, 0), paris(2024, 1, 9, 17, 0)).unwrap();
    let e2 = c
        .schedule_event(EventSpec::new(EventKind::Workshop, "PostgreSQL", s2, 4), t0)
        .unwrap();
    let r4 = c
        .register(e2, &request("a@interieur.gouv.fr"), paris(2024, 1, 2, 9, 0))
        .unwrap()
        .registration
        .id;
    c.check_in(r4, s2.starts_at).unwrap();
    c.mark_held(e2, s2.ends_at).unwrap();

    let s3 = Schedule::new(paris(2024, 3, 5, 12, 0), paris(2024, 3, 5, 14, 0)).unwrap();
    let e3 = c
        .schedule_event(EventSpec::new(EventKind::Miditech, "TALN", s3, 30), t0)
        .unwrap();

    let stats = c.event_stats();
    assert_eq!(stats.len(), 3);
    let s = &stats[0];
    assert_eq!(s.event, e1);
    assert_eq!(s.year, 2023);
    assert_eq!(
        (
            s.confirmed_on_site,
            s.confirmed_remote,
            s.waiting,
            s.promoted,
            s.cancelled
        ),
        (2, 0, 0, 1, 1)
    );
    assert_eq!((s.attended, s.no_shows), (1, 1));
    assert_eq!(s.fill_rate, Some(1.0));
    assert_eq!(s.attendance_rate, Some(0.5));
    assert_eq!(s.no_show_rate, Some(0.5));
    let s = &stats[1];
    assert_eq!(
        (s.event, s.fill_rate, s.attendance_rate, s.no_show_rate),
        (e2, Some(0.25), Some(1.0), Some(0.0))
    );
    let s = &stats[2];
    assert_eq!(
        (s.event, s.fill_rate, s.attendance_rate),
        (e3, Some(0.0), None)
    );

    let held = c.events_held_per_year_and_kind();
    assert_eq!(
        held,
        BTreeMap::from([
            ((2023, EventKind::Miditech), 1),
            ((2024, EventKind::Workshop), 1)
        ])
    );

    // Members: a and c (interieur) and b (other ministries) joined by registering;
    // a joined on 1 Nov 2023, b on 1 Nov 2023, c on 1 Dec 2023.
    assert_eq!(
        c.members_joined_per_month(),
        BTreeMap::from([((2023, 11), 2), ((2023, 12), 1)])
    );
    // On 1 Jan 2025, within a year of their last participation: a (Jan 2024 check-in) only.
    let groups = c.member_groups(paris(2025, 1, 1, 9, 0));
    let view: Vec<_> = groups
        .iter()
        .map(|g| (g.audience.as_str(), g.status, g.count))
        .collect();
    assert_eq!(
        view,
        vec![
            ("interieur", MemberStatus::Active, 1),
            ("interieur", MemberStatus::Dormant, 1),
            ("other_ministries", MemberStatus::Dormant, 1),
        ]
    );
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn suggestions_never_include_the_asker_or_an_erased_person_and_are_ordered(
        members in proptest::collection::vec((proptest::collection::vec(0usize..14, 0..6), any::<bool>(), 0i64..900), 1..40),
        wanted in proptest::collection::vec(0usize..14, 1..16),
        asker in any::<usize>(),
        k in 0usize..50,
    ) {
        const SKILLS: [&str; 14] = ["PostgreSQL", "Docker", "QGIS", "Python", "Rust", "Cartographie", "Sécurité", "TALN",
                                    "Go", "Java", "Linux", "SQL", "Kafka", "R"];
        let now = paris(2024, 6, 1, 9, 0);
        let mut c = Community::cimi();
        let mut ids = Vec::new();
        for (i, (skills, erase, age)) in members.iter().enumerate() {
            let names: Vec<&str> = skills.iter().map(|s| SKILLS[*s]).collect();
            let id = c.add_member(&format!("m{i}@interieur.gouv.fr"), with_skills(&names), now - Duration::days(*age)).unwrap();
            if *erase {
                c.erase_member(id, now).unwrap();
            }
            ids.push(id);
        }
        let asker_i = asker % members.len();
        let asker_email = if members[asker_i].1 { "someone@interieur.gouv.fr".to_string() } else { format!("m{asker_i}@interieur.gouv.fr") };
        let wanted: Vec<&str> = wanted.iter().map(|s| SKILLS[*s]).collect();
        let ask = c.ask_help(&asker_email, "Aide", "", &wanted, Visibility::Public, now).unwrap();
        let asker_id = c.help_request(ask).unwrap().asker;
        let got = c.suggest_helpers(ask, k, now).unwrap();
        prop_assert!(got.len() <= k);
        for s in &got {
            prop_assert_ne!(s.member, asker_id);
            prop_assert!(c.member(s.member).unwrap().erased_at().is_none());
            prop_assert!(!s.shared_skills.is_empty());
            prop_assert!(s.score > 0.0);
        }
        for w in got.windows(2) {
            let rank = |s: &cimi_core::help::Suggestion| u8::from(s.status != MemberStatus::Active);
            prop_assert!(
                (rank(&w[0]), -w[0].score, w[0].member) < (rank(&w[1]), -w[1].score, w[1].member),
                "ordered: {:?}", got
            );
        }
        // The top k are a prefix of the full ranking (deterministic ties)...
        let all = c.suggest_helpers(ask, usize::MAX, now).unwrap();
        prop_assert_eq!(&all[..got.len()], &got[..]);
        // ... which is what a naive scan of the directory gives.
        use cimi_core::skills::normalize_skill;
        use std::collections::BTreeSet;
        let want: BTreeSet<String> = wanted.iter().filter_map(|s| normalize_skill(s)).collect();
        let skilled: Vec<_> = c.members().filter(|m| !m.is_erased())
            .map(|m| (m.id, m.skills.iter().filter_map(normalize_skill).collect::<BTreeSet<_>>(), m.status(c.statutes().activity_window(), now)))
            .filter(|(_, s, _)| !s.is_empty()).collect();
        let df = |w: &String| skilled.iter().filter(|(_, s, _)| s.contains(w)).count();
        let mut naive: Vec<(u8, f64, MemberId, Vec<String>)> = skilled.iter()
            .filter(|(id, _, _)| *id != asker_id)
            .map(|(id, s, st)| {
                let shared: Vec<String> = want.iter().filter(|w| s.contains(*w)).cloned().collect();
                let score: f64 = shared.iter().map(|w| (1.0 + skilled.len() as f64 / df(w) as f64).ln()).sum();
                (u8::from(*st != MemberStatus::Active), score, *id, shared)
            })
            .filter(|x| !x.3.is_empty())
            .collect();
        naive.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.total_cmp(&a.1)).then(a.2.cmp(&b.2)));
        prop_assert_eq!(naive.len(), all.len());
        for (n, a) in naive.iter().zip(&all) {
            prop_assert_eq!((n.2, &n.3), (a.member, &a.shared_skills));
            prop_assert!((n.1 - a.score).abs() < 1e-9);
        }
    }
}
