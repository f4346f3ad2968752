//! The body of a registration message as a form: its text, its labelled
//! lines (`label : value`), the labels in French and English, the obligations
//! acknowledged and the attendance mode.

use std::collections::BTreeSet;

use mail_parser::PartType;

use super::html::html_to_text;
use crate::community::Community;
use crate::interop::loose_key;
use crate::registration::{AttendanceMode, Field};

/// The text of the message: its text/plain body, or the text of its HTML body.
pub(super) fn body_text(message: &mail_parser::Message<'_>) -> Option<String> {
    let text = message.text_bodies().find_map(|p| match &p.body {
        PartType::Text(t) if !t.trim().is_empty() => Some(t.to_string()),
        _ => None,
    });
    text.or_else(|| {
        message
            .html_bodies()
            .chain(message.text_bodies())
            .find_map(|p| match &p.body {
                PartType::Html(h) => Some(html_to_text(h)),
                _ => None,
            })
    })
    .filter(|t| !t.trim().is_empty())
}

/// Lines of the body that are not quotations (`>`).
pub(super) fn unquoted(body: &str) -> String {
    body.lines()
        .filter(|l| !l.trim_start().starts_with('>'))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Every `label : value` or `label = value` line, label as a loose key, in
/// order; quoted lines (`>`) skipped.
pub(super) fn labelled_lines(body: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for line in body.lines().take(10_000) {
        let line = line.trim();
        if line.starts_with('>') {
            continue;
        }
        let line = line.trim_start_matches(['-', '*', '•', '·', '–', '—', ' ', '\t', '\u{a0}']);
        let Some(pos) = line.find([':', '=', '：']) else {
            continue;
        };
        let (label, rest) = line.split_at(pos);
        if label.chars().count() > 60 {
            continue;
        }
        let key = loose_key(label);
        if key.is_empty() {
            continue;
        }
        let sep_len = rest.chars().next().map_or(0, char::len_utf8);
        let value = rest[sep_len..]
            .trim()
            .trim_matches('*')
            .trim()
            .chars()
            .take(2_000)
            .collect::<String>();
        out.push((key, value));
    }
    out
}

pub(super) const EVENT_LABELS: &[&str] = &["evenement", "event", "evenements", "manifestation"];
pub(super) const ATTENDANCE_LABELS: &[&str] = &[
    "participation",
    "mode de participation",
    "attendance",
    "presence",
];
const COMMITMENT_LABELS: &[&str] = &[
    "engagements",
    "engagement",
    "obligations",
    "j accepte",
    "accepte",
    "acceptation",
    "je m engage",
    "i accept",
    "acknowledged",
    "acknowledgement",
    "acknowledgment",
    "commitments",
];

pub(super) fn field_of_label(key: &str) -> Option<Field> {
    Some(match key {
        "nom" | "nom de famille" | "family name" | "last name" | "surname" | "lastname"
        | "familyname" => Field::FamilyName,
        "prenom" | "prenoms" | "first name" | "given name" | "firstname" | "givenname"
        | "forename" => Field::GivenName,
        "service" | "department" | "unit" => Field::Service,
        "grade" | "rank" => Field::Grade,
        "fonction" | "function" | "position" | "job title" | "poste" => Field::Function,
        _ => return None,
    })
}

fn is_yes(value: &str) -> bool {
    let k = loose_key(value);
    matches!(
        k.as_str(),
        "oui"
            | "yes"
            | "y"
            | "o"
            | "x"
            | "ok"
            | "okay"
            | "d accord"
            | "j accepte"
            | "accepte"
            | "acceptee"
            | "acceptes"
            | "i accept"
            | "accept"
            | "accepted"
            | "lu et approuve"
            | "lu et accepte"
            | "vrai"
            | "true"
            | "1"
            | "je m engage"
            | "agree"
            | "i agree"
            | "agreed"
            | "tous"
            | "toutes"
            | "tout"
            | "all"
            | "les deux"
            | "both"
    ) || k.starts_with("oui ")
        || k.starts_with("yes ")
}

/// Whether `needle` appears in `hay` as whole words (both loose keys).
pub(super) fn word_contains(hay: &str, needle: &str) -> bool {
    Padded::new(hay).has(needle)
}

/// A loose key with a space at both ends, for whole-word searches.
pub(super) struct Padded(String);

impl Padded {
    pub(super) fn new(key: &str) -> Padded {
        Padded(format!(" {key} "))
    }

    pub(super) fn has(&self, needle: &str) -> bool {
        !needle.is_empty() && self.0.contains(&format!(" {needle} "))
    }
}

/// The obligations the lines acknowledge.
pub(super) fn acknowledged(
    community: &Community,
    pairs: &[(String, String)],
) -> crate::text::TextSet {
    let obligations = &community.statutes().obligations;
    let matching = |item: &str| -> Option<String> {
        let key = loose_key(item);
        if key.is_empty() {
            return None;
        }
        if let Some(o) = obligations.iter().find(|o| loose_key(&o.id) == key) {
            return Some(o.id.clone());
        }
        if key.chars().count() < 4 {
            return None;
        }
        let found: Vec<&crate::statutes::Obligation> = obligations
            .iter()
            .filter(|o| {
                word_contains(&loose_key(&o.text.fr), &key)
                    || word_contains(&loose_key(&o.text.en), &key)
            })
            .collect();
        match found.as_slice() {
            [one] => Some(one.id.clone()),
            _ => None,
        }
    };
    let mut acked = BTreeSet::new();
    for (key, value) in pairs {
        if COMMITMENT_LABELS.contains(&key.as_str()) {
            if is_yes(value) {
                acked.extend(obligations.iter().map(|o| o.id.clone()));
            } else {
                let spaced = format!(" {} ", value.to_lowercase());
                let spaced = spaced.replace(" et ", ",").replace(" and ", ",");
                for item in spaced.split([',', ';', '/', '+', '&']) {
                    acked.extend(matching(item));
                }
            }
        } else if field_of_label(key).is_none() && is_yes(value) {
            acked.extend(matching(key));
        }
    }
    acked.into_iter().collect()
}

pub(super) fn attendance(value: &str) -> Option<AttendanceMode> {
    let k = format!(" {} ", loose_key(value));
    let on_site = [
        " sur place ",
        " presentiel ",
        " en presentiel ",
        " on site ",
        " onsite ",
        " in person ",
        " salle ",
    ]
    .iter()
    .any(|w| k.contains(w));
    let remote = [
        " distance ",
        " distanciel ",
        " visio ",
        " visioconference ",
        " remote ",
        " remotely ",
        " en ligne ",
        " online ",
    ]
    .iter()
    .any(|w| k.contains(w));
    let either = [
        " indifferent ",
        " either ",
        " peu importe ",
        " les deux ",
        " both ",
    ]
    .iter()
    .any(|w| k.contains(w));
    match (on_site, remote) {
        (true, true) => Some(AttendanceMode::OnSiteOrRemote),
        _ if either => Some(AttendanceMode::OnSiteOrRemote),
        (true, false) => Some(AttendanceMode::OnSite),
        (false, true) => Some(AttendanceMode::Remote),
        (false, false) => None,
    }
}
