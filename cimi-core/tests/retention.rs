//! The statutes' retention rule covers everyone the community holds: people
//! imported without registering, people known only through help requests, and
//! registrants, each kept while a trace of theirs is recent or still open.

mod common;

use chrono::Duration;
use cimi_core::Community;
use cimi_core::community::MemberProfile;
use cimi_core::help::Visibility;
use common::{agent, schedule, t0};

#[test]
fn imported_people_and_help_requests_are_covered_as_registrants_are() {
    let mut c = Community::cimi(); // activity window and retention: 365 days each
    let imported = c
        .add_member("imported@interieur.gouv.fr", MemberProfile::default(), t0())
        .unwrap();
    let helper = c
        .add_member("helper@interieur.gouv.fr", MemberProfile::default(), t0())
        .unwrap();
    let ev = schedule(&mut c, 10).unwrap();
    let registrant = c.register(ev, &agent(1), t0()).unwrap().registration.member;
    let open = c
        .ask_help(
            "asker@interieur.gouv.fr",
            "PostgreSQL",
            "Réplication ?",
            &["postgresql"],
            Visibility::Public,
            t0(),
        )
        .unwrap();
    let asker = c.help_request(open).unwrap().asker;
    let resolved = c
        .ask_help(
            "other@interieur.gouv.fr",
            "Rust",
            "Async ?",
            &["rust"],
            Visibility::Public,
            t0(),
        )
        .unwrap();
    let other = c.help_request(resolved).unwrap().asker;
    // The helper is referred to 200 days later: a recent trace for them.
    c.refer_help(resolved, &[helper], t0() + Duration::days(200))
        .unwrap();
    c.resolve_help(resolved, t0() + Duration::days(200))
        .unwrap();

    // The event is still upcoming: its registrant is kept whatever the time.
    let later = t0() + Duration::days(450);
    let found = c.retention_candidates(later);
    assert!(
        found.contains(&imported),
        "an imported row is covered: {found:?}"
    );
    assert!(
        !found.contains(&registrant),
        "an upcoming registration keeps its person"
    );
    assert!(
        !found.contains(&asker),
        "an open help request keeps its asker"
    );
    assert!(
        !found.contains(&helper),
        "a referral 250 days ago is a recent trace"
    );
    assert!(
        !found.contains(&other),
        "a request resolved 250 days ago is a recent trace"
    );

    c.mark_held(ev, t0() + Duration::days(31)).unwrap();
    c.close_help(open, t0() + Duration::days(31)).unwrap();
    let much_later = t0() + Duration::days(600);
    let found = c.retention_candidates(much_later);
    for id in [imported, registrant, asker, helper, other] {
        assert!(found.contains(&id), "{id} is past every trace: {found:?}");
    }
}
