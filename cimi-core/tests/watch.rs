//! Veille and channels: publication rule, mailing list from consents, digests.

mod common;

use chrono::{DateTime, Duration, Utc};
use cimi_core::community::MemberProfile;
use cimi_core::event::{EventKind, EventSpec, Schedule, Venue};
use cimi_core::member::ConsentKind;
use cimi_core::statutes::Statutes;
use cimi_core::watch::{Channel, ChannelKind, ChannelVisibility, NewWatchItem, Scope};
use cimi_core::{Community, Lang};
use common::{golden, paris};
use proptest::prelude::*;

fn item(title: &str, tags: &[&str], scope: Scope, by: &str) -> NewWatchItem {
    NewWatchItem {
        title: title.into(),
        link: format!("https://veille.example/{}", title.len()),
        summary: String::new(),
        tags: tags.iter().map(|t| t.to_string()).collect(),
        scope,
        shared_by: by.into(),
        event: None,
        help_request: None,
    }
}

#[test]
fn internal_items_never_reach_public_channels() {
    let t = paris(2024, 3, 4, 9, 0);
    let mut c = Community::cimi();
    let internal = c
        .share_watch_item(
            item(
                "Projet interne",
                &["messagerie"],
                Scope::Internal,
                "jean@interieur.gouv.fr",
            ),
            t,
        )
        .unwrap();
    let external = c
        .share_watch_item(
            item(
                "Rust 2024",
                &["rust"],
                Scope::External,
                "jean@interieur.gouv.fr",
            ),
            t,
        )
        .unwrap();
    for public in ["twitter", "github"] {
        let err = c.publish_watch_item(internal, public, t).unwrap_err();
        assert_eq!(err.family(), "publication_refused");
        assert_eq!(err.kind(), "internal_item_on_public_channel");
        c.publish_watch_item(external, public, t).unwrap();
    }
    for inside in ["forum", "wiki", "mailing_list", "intranet", "tchap"] {
        c.publish_watch_item(internal, inside, t).unwrap();
    }
    assert_eq!(
        c.publish_watch_item(internal, "myspace", t)
            .unwrap_err()
            .kind(),
        "unknown_channel"
    );
    let published: Vec<_> = c
        .watch_item(internal)
        .unwrap()
        .published
        .iter()
        .map(|(ch, _)| ch.as_str())
        .collect();
    assert_eq!(
        published,
        ["forum", "wiki", "mailing_list", "intranet", "tchap"]
    );
    // Publishing twice records once.
    c.publish_watch_item(internal, "forum", t + Duration::hours(1))
        .unwrap();
    assert_eq!(c.watch_item(internal).unwrap().published.len(), 5);
}

#[test]
fn mailing_list_follows_consents_granted_withdrawn_and_erasure() {
    let t = paris(2024, 1, 1, 9, 0);
    let mut c = Community::cimi();
    let add = |c: &mut Community, e: &str| c.add_member(e, MemberProfile::default(), t).unwrap();
    let ana = add(&mut c, "ana@interieur.gouv.fr");
    let ben = add(&mut c, "ben@interieur.gouv.fr");
    let cid = add(&mut c, "cid@agri.gouv.fr");
    let _dan = add(&mut c, "dan@interieur.gouv.fr"); // never consented
    c.set_consent(ana, ConsentKind::MailingList, true, t)
        .unwrap();
    c.set_consent(ben, ConsentKind::MailingList, true, t)
        .unwrap();
    c.set_consent(cid, ConsentKind::MailingList, true, t)
        .unwrap();
    c.set_consent(cid, ConsentKind::Recording, false, t)
        .unwrap();
    let emails = |c: &Community, at| {
        c.mailing_list_recipients(at)
            .iter()
            .map(|m| m.email.to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(
        emails(&c, t),
        [
            "ana@interieur.gouv.fr",
            "ben@interieur.gouv.fr",
            "cid@agri.gouv.fr"
        ]
    );
    // Ben withdraws on 10 January: the digest of 1 February no longer reaches him,
    // the one computed for 5 January still did.
    c.set_consent(
        ben,
        ConsentKind::MailingList,
        false,
        paris(2024, 1, 10, 9, 0),
    )
    .unwrap();
    assert_eq!(emails(&c, paris(2024, 1, 5, 9, 0)).len(), 3);
    assert_eq!(
        emails(&c, paris(2024, 2, 1, 9, 0)),
        ["ana@interieur.gouv.fr", "cid@agri.gouv.fr"]
    );
    // Cid is erased: gone from the list, whatever the consent said.
    c.erase_member(cid, paris(2024, 1, 20, 9, 0)).unwrap();
    assert_eq!(
        emails(&c, paris(2024, 2, 1, 9, 0)),
        ["ana@interieur.gouv.fr"]
    );
    // Ben consents again.
    c.set_consent(
        ben,
        ConsentKind::MailingList,
        true,
        paris(2024, 2, 15, 9, 0),
    )
    .unwrap();
    assert_eq!(
        emails(&c, paris(2024, 3, 1, 9, 0)),
        ["ana@interieur.gouv.fr", "ben@interieur.gouv.fr"]
    );
}

/// A hand-made month: March 2024.
fn march() -> (Community, DateTime<Utc>) {
    let mut c = Community::cimi();
    let t = paris(2024, 2, 20, 9, 0);
    let s = Schedule::new(paris(2024, 3, 26, 12, 30), paris(2024, 3, 26, 14, 30)).unwrap();
    c.schedule_event(
        EventSpec::new(
            EventKind::Miditech,
            "PostgreSQL 16 : retours d'expérience",
            s,
            60,
        )
        .with_venue(Venue::new("DGGN", "Issy-les-Moulineaux")),
        t,
    )
    .unwrap();
    let s = Schedule::new(paris(2024, 4, 9, 9, 30), paris(2024, 4, 9, 12, 30)).unwrap();
    c.schedule_event(
        EventSpec::new(EventKind::Workshop, "Cartographie avec QGIS", s, 12),
        t,
    )
    .unwrap();
    let s = Schedule::new(paris(2024, 3, 12, 12, 0), paris(2024, 3, 12, 14, 0)).unwrap();
    let past = c
        .schedule_event(EventSpec::new(EventKind::Miditech, "Déjà passé", s, 10), t)
        .unwrap();
    let _ = past;
    let mut draft = EventSpec::new(
        EventKind::Conference,
        "Pas encore ouverte",
        Schedule::new(paris(2024, 6, 1, 9, 0), paris(2024, 6, 1, 17, 0)).unwrap(),
        300,
    );
    draft.draft = true;
    c.schedule_event(draft, t).unwrap();

    let shares = [
        (
            paris(2024, 2, 28, 10, 0),
            "Hors période (février)",
            &["rust"][..],
            Scope::External,
        ),
        (
            paris(2024, 3, 1, 8, 0),
            "Sortie de PostgreSQL 16.2",
            &["PostgreSQL", "Bases de données"][..],
            Scope::External,
        ),
        (
            paris(2024, 3, 5, 14, 0),
            "Nouveau socle de messagerie du ministère",
            &["Messagerie"][..],
            Scope::Internal,
        ),
        (
            paris(2024, 3, 11, 9, 30),
            "Rust pour les services publics",
            &["rust"][..],
            Scope::External,
        ),
        (
            paris(2024, 3, 18, 16, 0),
            "Projet de cartographie des casernes",
            &["Cartographie", "QGIS"][..],
            Scope::Internal,
        ),
        (
            paris(2024, 3, 20, 11, 0),
            "OpenStreetMap : état des lieux",
            &["cartographie"][..],
            Scope::External,
        ),
        (
            paris(2024, 3, 25, 17, 0),
            "Billet sans étiquette [sic] *important*",
            &[][..],
            Scope::External,
        ),
        (
            paris(2024, 4, 1, 0, 0),
            "Hors période (avril)",
            &["rust"][..],
            Scope::External,
        ),
    ];
    for (at, title, tags, scope) in shares {
        let mut i = item(title, tags, scope, "veille@interieur.gouv.fr");
        if title.starts_with("Sortie") {
            i.summary = "Correctifs de sécurité\net de performance.".into();
        }
        c.share_watch_item(i, at).unwrap();
    }
    (c, paris(2024, 3, 15, 9, 0))
}

#[test]
fn digest_of_a_hand_made_month_matches_golden_files() {
    let (c, now) = march();
    let (from, to) = (paris(2024, 3, 1, 0, 0), paris(2024, 4, 1, 0, 0));
    let forum = c.digest("forum", from, to, now).unwrap();
    golden("digest-2024-03.forum.fr.txt", &forum.to_text(Lang::Fr));
    golden("digest-2024-03.forum.fr.md", &forum.to_markdown(Lang::Fr));
    let twitter = c.digest("twitter", from, to, now).unwrap();
    golden("digest-2024-03.twitter.en.txt", &twitter.to_text(Lang::En));
    golden(
        "digest-2024-03.twitter.en.md",
        &twitter.to_markdown(Lang::En),
    );
    // Worked out by hand: the forum carries 6 items, the public account the 4 external ones.
    let count = |d: &cimi_core::watch::Digest| {
        let mut ids: Vec<_> = d
            .groups
            .iter()
            .flat_map(|(_, items)| items.iter().map(|i| i.id))
            .collect();
        ids.sort();
        ids.dedup();
        ids.len()
    };
    assert_eq!(count(&forum), 6);
    assert_eq!(count(&twitter), 4);
    let upcoming: Vec<_> = forum.upcoming.iter().map(|e| e.title.as_str()).collect();
    assert_eq!(
        upcoming,
        [
            "PostgreSQL 16 : retours d'expérience",
            "Cartographie avec QGIS"
        ]
    );
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn no_digest_for_a_public_channel_contains_an_internal_item(
        items in proptest::collection::vec((any::<bool>(), proptest::collection::vec("[a-zA-Zé ]{0,8}", 0..4), 0i64..60, "[ -~é]{1,30}"), 0..30),
        channels in proptest::collection::vec((0u8..3, 0u8..8), 1..6),
        from_day in 0i64..40, len in 1i64..40,
    ) {
        let t0 = paris(2024, 1, 1, 0, 0);
        let mut s = Statutes::cimi();
        let kinds = [ChannelKind::Forum, ChannelKind::Wiki, ChannelKind::MailingList, ChannelKind::ContactMailbox,
                     ChannelKind::TchapRoom, ChannelKind::PublicSocial, ChannelKind::IntranetSite, ChannelKind::CodeForge];
        let vis = [ChannelVisibility::MembersOnly, ChannelVisibility::MinistryInternal, ChannelVisibility::Public];
        s.channels = channels.iter().enumerate().map(|(i, (v, k))| Channel {
            id: format!("c{i}"), kind: kinds[*k as usize], name: format!("Canal {i}"), visibility: vis[*v as usize],
        }).collect();
        let mut c = Community::new(s.clone()).unwrap();
        for (internal, tags, day, title) in &items {
            let tags: Vec<&str> = tags.iter().map(String::as_str).collect();
            let scope = if *internal { Scope::Internal } else { Scope::External };
            let _ = c.share_watch_item(item(title, &tags, scope, "v@interieur.gouv.fr"), t0 + Duration::days(*day));
        }
        for ch in &s.channels {
            let from = t0 + Duration::days(from_day);
            let d = c.digest(&ch.id, from, from + Duration::days(len), t0).unwrap();
            for (_, group) in &d.groups {
                for i in group {
                    prop_assert!(i.scope.allows(ch.visibility));
                    if ch.visibility == ChannelVisibility::Public {
                        prop_assert_eq!(i.scope, Scope::External);
                    }
                }
            }
            if ch.visibility == ChannelVisibility::Public {
                // Nor does any rendering carry an internal title.
                let text = d.to_text(Lang::Fr);
                for w in c.watch_items().filter(|w| w.scope == Scope::Internal) {
                    let distinct = c.watch_items().filter(|x| x.scope == Scope::External).all(|x| !x.title.contains(&w.title));
                    if distinct {
                        let line = format!("- {} (", w.title);
                        prop_assert!(!text.contains(&line), "internal title in a public digest");
                    }
                }
            }
        }
    }
}
