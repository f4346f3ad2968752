//! CSV export and import: dialects, golden attendee list, round trips, formula
//! neutralisation, bad rows with line numbers, all-or-nothing versus skipping.
//! Regenerate the golden files with
//! `UPDATE_GOLDEN=1 cargo test -p cimi-core --test interop_csv`.

mod common;

use std::collections::BTreeSet;

use chrono::{DateTime, Duration, TimeZone, Utc};
use cimi_core::community::MemberProfile;
use cimi_core::event::{EventKind, EventSpec, Schedule};
use cimi_core::ids::EventId;
use cimi_core::interop::csv::{
    Column, CsvOptions, Encoding, ImportOptions, ImportReport, MAX_CSV_BYTES, RowProblem,
    attendees, directory, import_members,
};
use cimi_core::registration::RegistrationRequest;
use cimi_core::{Community, Lang};
use common::golden;
use proptest::prelude::*;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap()
}

fn req(email: &str, family: &str, given: &str, service: &str) -> RegistrationRequest {
    RegistrationRequest::new(email)
        .names(family, given)
        .affiliation(service, "capitaine", "chef de projet")
        .acknowledging(["deontology", "pssi"])
}

/// An event with two seats: two confirmed, one waiting, one cancelled.
fn event_with_attendees() -> (Community, EventId) {
    let mut c = Community::cimi();
    let when = Schedule::new(
        now() + Duration::days(7),
        now() + Duration::days(7) + Duration::hours(2),
    )
    .unwrap();
    let ev = c
        .schedule_event(EventSpec::new(EventKind::Miditech, "IA", when, 2), now())
        .unwrap();
    c.register(
        ev,
        &req("jean.dupont@interieur.gouv.fr", "Dupont", "Jean", "ST(SI)²"),
        now(),
    )
    .unwrap();
    c.register(
        ev,
        &req(
            "marie.curie@agriculture.gouv.fr",
            "=Curie",
            "Marie",
            "SG; SNUM, bureau \"data\"",
        ),
        now(),
    )
    .unwrap();
    let x = c
        .register(
            ev,
            &req("paul.durand@interieur.gouv.fr", "Durand", "Paul", "DGGN"),
            now(),
        )
        .unwrap()
        .registration
        .id;
    c.register(
        ev,
        &req("lea.roux@interieur.gouv.fr", "Roux", "Léa", "-DNUM"),
        now(),
    )
    .unwrap();
    c.cancel_registration(x, now() + Duration::hours(1))
        .unwrap();
    (c, ev)
}

fn cells(doc: &str, sep: u8) -> Vec<Vec<String>> {
    let doc = doc.strip_prefix('\u{FEFF}').unwrap_or(doc);
    csv::ReaderBuilder::new()
        .delimiter(sep)
        .has_headers(false)
        .flexible(true)
        .from_reader(doc.as_bytes())
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect()
}

#[test]
fn attendee_list_golden_and_dialects() {
    let (c, ev) = event_with_attendees();
    let fr = attendees(&c, ev, &CsvOptions::french_office()).unwrap();
    golden("interop/attendees.fr.csv", &fr);
    assert!(fr.starts_with("\u{FEFF}nom;prénom;service;grade;fonction;adresse;statut\r\n"));
    assert!(fr.ends_with("\r\n") && !fr.replace("\r\n", "").contains('\n'));
    let rows = cells(&fr, b';');
    assert_eq!(rows.len(), 4, "cancelled registrations left out");
    assert_eq!(rows[2][0], "'=Curie");
    assert_eq!(rows[2][2], "SG; SNUM, bureau \"data\"");
    assert_eq!(rows[3][2], "'-DNUM");
    // Two seats: Jean and Marie; Paul (waiting) cancelled; Léa waits.
    let status: Vec<&str> = rows[1..].iter().map(|r| r[6].as_str()).collect();
    assert_eq!(status, ["confirmé", "confirmé", "en liste d'attente"]);

    let en = attendees(
        &c,
        ev,
        &CsvOptions::rfc4180()
            .with_lang(Lang::En)
            .with_cancelled(true),
    )
    .unwrap();
    golden("interop/attendees.en.csv", &en);
    assert!(en.starts_with("family name,given name,service,grade,function,email,status\r\n"));
    let rows = cells(&en, b',');
    assert_eq!(rows.len(), 5);
    assert!(rows.iter().any(|r| r[6] == "cancelled"));

    let err = attendees(&c, EventId::new(42), &CsvOptions::default()).unwrap_err();
    assert_eq!(err.kind(), "event_not_found");
}

#[test]
fn waiting_and_erased_members() {
    let (mut c, ev) = event_with_attendees();
    let extra = c
        .register(ev, &req("zoe@interieur.gouv.fr", "Zoé", "Z", "DNUM"), now())
        .unwrap();
    let rows = cells(&attendees(&c, ev, &CsvOptions::rfc4180()).unwrap(), b',');
    assert_eq!(rows.last().unwrap()[6], "en liste d'attente");
    c.erase_member(extra.registration.member, now()).unwrap();
    let doc = attendees(&c, ev, &CsvOptions::rfc4180().with_cancelled(true)).unwrap();
    assert!(!doc.contains("zoe@"), "{doc}");
    let rows = cells(&doc, b',');
    let last = rows.last().unwrap();
    assert!(last[..6].iter().all(String::is_empty), "{last:?}");
}

fn profile(family: &str, given: &str, service: &str, skills: &[&str]) -> MemberProfile {
    MemberProfile {
        family_name: family.into(),
        given_name: given.into(),
        service: service.into(),
        grade: "ingénieur des SIC".into(),
        function: "+33 chef de projet".into(),
        corps: Some("SIC".into()),
        skills: skills.iter().map(|s| s.to_string()).collect(),
        interests: ["données ouvertes".to_string()].into(),
        ..Default::default()
    }
}

fn same_directory(a: &Community, b: &Community) {
    let key = |c: &Community| {
        c.members()
            .map(|m| {
                (
                    m.email.key(),
                    m.family_name.clone(),
                    m.given_name.clone(),
                    m.service.clone(),
                    m.grade.clone(),
                    m.function.clone(),
                    m.corps().cloned(),
                    m.skills.clone(),
                    m.interests().clone(),
                )
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(key(a), key(b));
}

#[test]
fn directory_round_trips_in_every_dialect_and_language() {
    let mut c = Community::cimi();
    c.add_member(
        "alice.martin@interieur.gouv.fr",
        profile("Martin", "Alice", "DNUM; SDIT", &["rust", "postgresql"]),
        now(),
    )
    .unwrap();
    c.add_member(
        "bob@agriculture.gouv.fr",
        profile("@Durand", "=Bob", "\"SG\", SNUM", &["=cmd", "data science"]),
        now(),
    )
    .unwrap();
    c.add_member(
        "sans.nom@interieur.gouv.fr",
        MemberProfile::default(),
        now(),
    )
    .unwrap();
    golden(
        "interop/directory.fr.csv",
        &directory(&c, &CsvOptions::french_office(), now()),
    );
    for options in [
        CsvOptions::french_office(),
        CsvOptions::rfc4180(),
        CsvOptions::french_office().with_lang(Lang::En),
        CsvOptions::rfc4180().with_lang(Lang::En),
    ] {
        let doc = directory(&c, &options, now());
        let mut back = Community::cimi();
        let report = import_members(
            &mut back,
            doc.as_bytes(),
            &ImportOptions::default(),
            now() + Duration::days(1),
        )
        .unwrap();
        assert!(report.is_complete(), "{:?}", report.rejected);
        assert_eq!(report.imported.len(), 3);
        assert_eq!(report.separator, options.dialect.separator());
        let bom = if options.dialect.bom() {
            Encoding::Utf8Bom
        } else {
            Encoding::Utf8
        };
        assert_eq!(report.encoding, bom);
        assert_eq!(
            report.ignored_columns,
            [
                options.lang.pick("statut", "status"),
                options.lang.pick("membre depuis", "member since")
            ]
        );
        same_directory(&c, &back);
    }
}

/// The bad-rows document: header on line 1, a multi-line cell on lines 5–6.
const BAD: &str = "nom;prénom;adresse;service;grade\r
Martin;Alice;alice@interieur.gouv.fr;DNUM;attachée\r
Durand;Bob;pas-une-adresse;DGGN;capitaine\r
Petit;Chloé;ALICE@Interieur.gouv.fr;DNUM;x\r
\"Multi\r
ligne\";Zoé;zoe@interieur.gouv.fr;DNUM;x\r
Roux;Léo\r
Long;L;long@interieur.gouv.fr;DNUM;GRADE_TOO_LONG\r
;;;;\r
Existant;E;deja@interieur.gouv.fr;DNUM;x\r
Vide;V;;DNUM;x\r
Bidi;B;bidi@interieur.gouv.fr;DN\u{202E}UM;x\r
Ok;Deux;deux@interieur.gouv.fr;SG;x;;\r
Trop;T;trop@interieur.gouv.fr;SG;x;en trop\r
";

fn bad_document() -> String {
    BAD.replace("GRADE_TOO_LONG", &"g".repeat(201))
}

fn community_with_existing() -> Community {
    let mut c = Community::cimi();
    c.add_member("deja@interieur.gouv.fr", MemberProfile::default(), now())
        .unwrap();
    c
}

fn problems(report: &ImportReport) -> Vec<(u64, &'static str)> {
    report
        .rejected
        .iter()
        .map(|r| (r.line, r.problem.kind()))
        .collect()
}

const EXPECTED_BAD: [(u64, &str); 9] = [
    (3, "invalid_address"),
    (4, "duplicate_address"),
    (5, "control_characters"),
    (7, "missing_column"),
    (8, "field_too_long"),
    (10, "already_member"),
    (11, "missing_address"),
    (12, "control_characters"),
    (14, "extra_cells"),
];

#[test]
fn bad_rows_are_reported_with_line_numbers_and_nothing_is_imported() {
    let mut c = community_with_existing();
    let before = c.members().count();
    let report = import_members(
        &mut c,
        bad_document().as_bytes(),
        &ImportOptions::default(),
        now(),
    )
    .unwrap();
    assert_eq!(problems(&report), EXPECTED_BAD);
    assert!(report.imported.is_empty());
    assert_eq!(c.members().count(), before, "all or nothing");
    assert_eq!(report.rows, 11);

    let by_line = |line: u64| {
        &report
            .rejected
            .iter()
            .find(|r| r.line == line)
            .unwrap()
            .problem
    };
    assert_eq!(by_line(4), &RowProblem::DuplicateAddress { first_line: 2 });
    assert_eq!(
        by_line(7),
        &RowProblem::MissingColumn {
            column: Column::Email
        }
    );
    assert_eq!(
        by_line(8),
        &RowProblem::FieldTooLong {
            column: Column::Grade,
            max: 200
        }
    );
    assert_eq!(
        by_line(8).message(Lang::Fr),
        "la colonne « grade » dépasse 200 caractères"
    );
    assert_eq!(by_line(7).message(Lang::En), "the row has no 'email' cell");
    assert!(by_line(3).message(Lang::Fr).starts_with("adresse invalide"));
}

#[test]
fn skipping_bad_rows_imports_the_good_ones() {
    let mut c = community_with_existing();
    let report = import_members(
        &mut c,
        bad_document().as_bytes(),
        &ImportOptions {
            skip_bad_rows: true,
        },
        now(),
    )
    .unwrap();
    assert_eq!(problems(&report), EXPECTED_BAD);
    assert_eq!(report.imported.len(), 2);
    let names: BTreeSet<String> = report
        .imported
        .iter()
        .map(|id| c.member(*id).unwrap().display_name())
        .collect();
    assert_eq!(names, ["Alice Martin", "Deux Ok"].map(String::from).into());
    // Importing the same document again: every good row is now a member.
    let again = import_members(
        &mut c,
        bad_document().as_bytes(),
        &ImportOptions {
            skip_bad_rows: true,
        },
        now(),
    )
    .unwrap();
    assert!(again.imported.is_empty());
    assert!(problems(&again).contains(&(2, "already_member")));
}

#[test]
fn headers_separators_and_encodings() {
    // English headers, commas, LF only, quoted cells, accents optional.
    let mut c = Community::cimi();
    let doc = "First Name,Last name,E-mail,Job title,Rank,Unit,Skills\n\
               Alice,Martin,alice@interieur.gouv.fr,architecte,attachée,\"DNUM, SDIT\",\"rust, sql\"\n";
    let r = import_members(&mut c, doc.as_bytes(), &ImportOptions::default(), now()).unwrap();
    assert_eq!(r.separator, b',');
    let m = c.member(r.imported[0]).unwrap();
    assert_eq!(
        (
            m.given_name.as_str(),
            m.family_name.as_str(),
            m.service.as_str()
        ),
        ("Alice", "Martin", "DNUM, SDIT")
    );
    assert_eq!(m.skills.len(), 2);

    // French headers without accents, BOM, semicolons.
    let mut c = Community::cimi();
    let doc = "\u{FEFF}NOM;Prenom;Courriel;Fonction\r\nDurand;Zoé;zoe@interieur.gouv.fr;cheffe\r\n";
    let r = import_members(&mut c, doc.as_bytes(), &ImportOptions::default(), now()).unwrap();
    assert_eq!((r.separator, r.encoding), (b';', Encoding::Utf8Bom));
    assert_eq!(c.member(r.imported[0]).unwrap().given_name, "Zoé");

    // Windows-1252, as a spreadsheet saves "CSV (point-virgule)".
    let mut c = Community::cimi();
    let doc: &[u8] = b"nom;pr\xe9nom;adresse\r\nC\x9cur;L\xe9a;lea@interieur.gouv.fr\r\n";
    let r = import_members(&mut c, doc, &ImportOptions::default(), now()).unwrap();
    assert_eq!(r.encoding, Encoding::Windows1252);
    let m = c.member(r.imported[0]).unwrap();
    assert_eq!(
        (m.family_name.as_str(), m.given_name.as_str()),
        ("Cœur", "Léa")
    );
}

#[test]
fn documents_that_cannot_be_imported() {
    let mut c = Community::cimi();
    let kind = |c: &mut Community, doc: &[u8]| {
        import_members(c, doc, &ImportOptions::default(), now())
            .unwrap_err()
            .kind()
    };
    assert_eq!(kind(&mut c, b""), "csv_empty");
    assert_eq!(kind(&mut c, b"\r\n;;\r\n"), "csv_empty");
    assert_eq!(kind(&mut c, b"nom;prenom\r\nA;B\r\n"), "csv_missing_column");
    assert_eq!(
        kind(&mut c, b"adresse;Courriel\r\na@x.gouv.fr;b@x.gouv.fr\r\n"),
        "csv_duplicate_column"
    );
    let big = vec![b'a'; MAX_CSV_BYTES + 1];
    assert_eq!(kind(&mut c, &big), "csv_too_large");
    let e = import_members(&mut c, b"nom\r\n", &ImportOptions::default(), now()).unwrap_err();
    assert_eq!(e.family(), "interop");
    assert_eq!(
        e.message(Lang::Fr),
        "l'en-tête CSV n'a pas de colonne « adresse »"
    );
    assert_eq!(c.members().count(), 0);
}

fn cell_text() -> impl Strategy<Value = String> {
    // Any text the engine accepts, biased towards formula starters.
    let start = prop::sample::select(vec![
        "", "=", "+", "-", "@", " =", "  -", "＝", "'", "\"", ";", ",", "'=",
    ]);
    (start, "[^\\p{C}\u{2028}\u{2029}]{0,30}").prop_map(|(a, b)| format!("{a}{b}"))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn no_exported_cell_starts_a_formula_and_the_directory_round_trips(
        people in prop::collection::vec((cell_text(), cell_text(), cell_text(), cell_text()), 1..6),
        french in any::<bool>(),
        english in any::<bool>(),
    ) {
        let mut c = Community::cimi();
        for (i, (family, given, service, function)) in people.iter().enumerate() {
            let p = MemberProfile {
                family_name: family.clone(),
                given_name: given.clone(),
                service: service.clone(),
                function: function.clone(),
                ..Default::default()
            };
            // Values are stored trimmed; the engine may refuse some (then skip).
            let _ = c.add_member(&format!("p{i}@interieur.gouv.fr"), p, now());
        }
        let options = if french { CsvOptions::french_office() } else { CsvOptions::rfc4180() }
            .with_lang(if english { Lang::En } else { Lang::Fr });
        let doc = directory(&c, &options, now());
        for row in cells(&doc, options.dialect.separator()) {
            for cell in row {
                let first = cell.trim_start_matches(' ').chars().next();
                prop_assert!(
                    !matches!(first, Some('=' | '+' | '-' | '@' | '\t' | '\r' | '＝' | '＋' | '－' | '＠')),
                    "formula cell {:?}", cell
                );
            }
        }
        let mut back = Community::cimi();
        let report = import_members(&mut back, doc.as_bytes(), &ImportOptions::default(), now()).unwrap();
        prop_assert!(report.is_complete(), "{:?}", report.rejected);
        same_directory(&c, &back);
    }

    #[test]
    fn import_never_panics(data in prop::collection::vec(any::<u8>(), 0..400), skip in any::<bool>()) {
        let mut c = community_with_existing();
        let mut doc = b"nom;adresse\r\n".to_vec();
        doc.extend(data);
        let before = c.members().count();
        if let Ok(report) = import_members(&mut c, &doc, &ImportOptions { skip_bad_rows: skip }, now()) {
            prop_assert_eq!(c.members().count(), before + report.imported.len());
            if !skip && !report.rejected.is_empty() {
                prop_assert!(report.imported.is_empty());
            }
        }
    }
}
