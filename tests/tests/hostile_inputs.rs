//! Executes the catalogue of `docs/hostile-inputs.md`: every row of its table
//! is a call and the answer the library must give. A row that no longer holds
//! fails here, so the document stays true.

use chrono::{Duration, TimeZone, Utc};
use cimi_core::event::{EventKind, EventSpec, Schedule};
use cimi_core::registration::RegistrationRequest;
use cimi_core::{Community, Statutes};

fn rows() -> Vec<(String, String, String)> {
    let doc = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../docs/hostile-inputs.md"
    ))
    .expect("docs/hostile-inputs.md");
    let start = doc
        .find("| surface | input | answer |")
        .expect("the catalogue table");
    doc[start..]
        .lines()
        .skip(2)
        .take_while(|l| l.starts_with('|'))
        .map(|line| {
            let cells: Vec<&str> = line.trim_matches('|').split(" | ").collect();
            assert_eq!(cells.len(), 3, "a row has three cells: {line}");
            let input = cells[1].trim().trim_matches('`');
            let input: String = serde_json::from_str(input)
                .unwrap_or_else(|e| panic!("input {input} is not a JSON string: {e}"));
            (
                cells[0].trim().to_string(),
                input,
                cells[2].trim().to_string(),
            )
        })
        .collect()
}

fn register(field: &str, value: &str) -> String {
    let now = Utc.with_ymd_and_hms(2017, 11, 20, 9, 0, 0).unwrap();
    let mut c = Community::cimi();
    let when = Schedule::new(
        now + Duration::days(20),
        now + Duration::days(20) + Duration::hours(2),
    )
    .unwrap();
    let ev = c
        .schedule_event(
            EventSpec::new(EventKind::Miditech, "Hostile", when, 10),
            now,
        )
        .unwrap();
    let mut req = RegistrationRequest::new("jean.dupont@interieur.gouv.fr")
        .names("Dupont", "Jean")
        .affiliation("DNUM", "ingénieur", "développeur")
        .acknowledging(["deontology", "pssi"]);
    match field {
        "email" => req.email = value.to_string(),
        "family_name" => req.family_name = value.to_string(),
        "given_name" => req.given_name = value.to_string(),
        "service" => req.service = value.to_string(),
        "grade" => req.grade = value.to_string(),
        "function" => req.function = value.to_string(),
        other => panic!("unknown field {other}"),
    }
    let answer = match c.register(ev, &req, now) {
        Ok(o) => o.registration.status.kind().to_string(),
        Err(e) => e.kind().to_string(),
    };
    c.check_invariants()
        .expect("invariants hold after any answer");
    answer
}

/// Cancels with `input` (placeholders filled in, see the document) on the
/// page of an open miditech; `variant` is `""`, `"reused"` or `"late"`.
fn cancel_by_token(variant: &str, input: &str) -> String {
    let now = Utc.with_ymd_and_hms(2017, 11, 20, 9, 0, 0).unwrap();
    let starts = now + Duration::days(20);
    let closes = starts - Duration::days(2);
    let mut c = Community::cimi();
    let when = Schedule::new(starts, starts + Duration::hours(2)).unwrap();
    let spec =
        EventSpec::new(EventKind::Miditech, "Hostile", when, 10).with_cancellation_deadline(closes);
    let ev = c.schedule_event(spec.clone(), now).unwrap();
    let other_ev = c.schedule_event(spec, now).unwrap();
    let req = RegistrationRequest::new("jean.dupont@interieur.gouv.fr")
        .names("Dupont", "Jean")
        .affiliation("DNUM", "ingénieur", "développeur")
        .acknowledging(["deontology", "pssi"]);
    let mine = c.register(ev, &req, now).unwrap().registration;
    let other = c.register(other_ev, &req, now).unwrap().registration;
    let token = mine.cancel_token().unwrap().as_str().to_string();
    let (id, secret) = token.split_once('-').unwrap();
    let text = input
        .replace("{token}", &token)
        .replace("{other}", other.cancel_token().unwrap().as_str())
        .replace("{id}", id)
        .replace("{secret}", secret)
        .replace("{SECRET}", &secret.to_uppercase());
    let at = if variant == "late" { closes } else { now };
    let before = c.clone();
    let answer = |c: &mut Community| match c.cancel_by_token(&text, Some(ev), at) {
        Ok(done) => {
            assert_eq!(
                done.registration.id, mine.id,
                "{input}: the token's own registration"
            );
            done.registration.status.kind().to_string()
        }
        Err(e) => {
            assert!(
                !e.to_string().contains(secret),
                "{input}: the secret is not echoed"
            );
            e.kind().to_string()
        }
    };
    let first = answer(&mut c);
    if first != "cancelled" {
        assert_eq!(c, before, "{input}: a refusal changes nothing");
    }
    if variant == "reused" {
        let after = c.clone();
        assert_eq!(answer(&mut c), first, "{input}: the same answer again");
        assert_eq!(c, after, "{input}: a reused token changes nothing");
    }
    c.check_invariants()
        .expect("invariants hold after any answer");
    first
}

#[test]
fn the_catalogue_holds() {
    let rows = rows();
    assert!(rows.len() >= 30, "the catalogue lost rows: {}", rows.len());
    let mut wrong = Vec::new();
    for (surface, input, expected) in &rows {
        let answer = match surface.split_once('.') {
            Some(("register", field)) => register(field, input),
            Some(("cancel_by_token", variant)) => cancel_by_token(variant, input),
            None if surface == "cancel_by_token" => cancel_by_token("", input),
            None if surface == "community_json" => match Community::from_json(input) {
                Ok(c) => {
                    c.check_invariants()
                        .expect("a loaded community is consistent");
                    "ok".into()
                }
                Err(e) => e.kind().to_string(),
            },
            None if surface == "statutes_json" => match Statutes::from_json(input) {
                Ok(_) => "ok".into(),
                Err(e) => e.kind().to_string(),
            },
            _ => panic!("unknown surface {surface}"),
        };
        if &answer != expected {
            wrong.push(format!(
                "{surface} {input:?}: expected {expected}, got {answer}"
            ));
        }
    }
    assert!(
        wrong.is_empty(),
        "rows that do not hold:\n{}",
        wrong.join("\n")
    );
    println!("{} catalogue rows checked", rows.len());
}
