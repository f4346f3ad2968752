//! The replay of the 12 December 2017 miditech, shared by the example and its
//! golden-file test.

use std::fmt::Write as _;
use std::path::PathBuf;

use chrono::Duration;
use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, NaiveTime, TimeZone, Utc};
use chrono_tz::Europe::Paris;
use cimi_core::event::{
    EventKind, EventSpec, ItemKind, ProgramItem, RemoteBroadcast, Schedule, Speaker, Venue,
    WaitlistOffers,
};
use cimi_core::ids::{EventId, RegistrationId};
use cimi_core::registration::{AttendanceMode, RegistrationRequest, RegistrationStatus, Seat};
use cimi_core::{Community, Error, Lang};
use serde::Deserialize;

/// How the event hands out seats in the replay.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Policy {
    /// A freed seat goes at once to the next in line (the default).
    Automatic,
    /// A freed seat is offered for 48 hours, never past 24 hours before the
    /// start; the people offered a seat answer 12 hours later, in turn:
    /// the first accepts, the second declines, the third does not answer.
    Offers,
    /// Each request waits for the organisers, who review the pending ones
    /// every evening at 18:00 and at the close of registration: they approve
    /// them in order of arrival, except the requests of "gestionnaire"s,
    /// rejected with a reason (the miditech is for the digital teams).
    Moderated,
}

impl Policy {
    /// Parses `automatic`, `offers` or `moderated` (for main.rs; the
    /// golden test, which includes this file, does not parse).
    #[allow(dead_code)]
    pub fn parse(s: &str) -> Option<Policy> {
        match s {
            "automatic" => Some(Policy::Automatic),
            "offers" => Some(Policy::Offers),
            "moderated" => Some(Policy::Moderated),
            _ => None,
        }
    }
}

/// What the people offered a seat and the organisers do, in time order.
struct Actors {
    policy: Policy,
    event: EventId,
    /// Offers seen, in the order they were made, with their answer.
    offers: Vec<(RegistrationId, Answer)>,
    /// The next review of pending requests (moderated).
    next_review: DateTime<Utc>,
    rejected: Vec<RegistrationId>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Answer {
    Accept,
    Decline,
    Silence,
}

const REJECTION: &str =
    "miditech réservé aux équipes numériques ; la session « usagers » vous sera annoncée";

impl Actors {
    /// Plays every answer and review due at or before `at`, in time order.
    fn act_until(&mut self, c: &mut Community, at: DateTime<Utc>) -> Result<(), Error> {
        loop {
            self.note_offers(c);
            let answer = self
                .offers
                .iter()
                .filter(|(id, a)| {
                    *a != Answer::Silence
                        && c.registration(*id).unwrap().status == RegistrationStatus::Offered
                })
                .map(|(id, a)| {
                    (
                        c.registration(*id).unwrap().offered_at.unwrap() + Duration::hours(12),
                        *id,
                        *a,
                    )
                })
                .filter(|(t, _, _)| *t <= at)
                .min_by_key(|(t, id, _)| (*t, *id));
            let review = (self.policy == Policy::Moderated && self.next_review <= at)
                .then_some(self.next_review);
            match (answer, review) {
                (Some((t, id, a)), r) if r.is_none_or(|r| t < r) => {
                    let done = match a {
                        Answer::Accept => c.accept_offer(id, t).map(|_| ()),
                        _ => c.decline_offer(id, t).map(|_| ()),
                    };
                    match done {
                        // Expired first (the cut-off shortened it): left as is.
                        Err(e) if e.kind() == "offer_expired" => {
                            c.expire_offers(t)?;
                        }
                        other => other?,
                    }
                }
                (_, Some(r)) => {
                    let pending: Vec<_> = c
                        .registrations(self.event)
                        .filter(|x| x.status == RegistrationStatus::Pending)
                        .map(|x| (x.id, x.member))
                        .collect();
                    for (id, member) in pending {
                        if c.member(member)
                            .is_some_and(|m| m.function.as_ref() == "gestionnaire")
                        {
                            c.reject(id, REJECTION, r)?;
                            self.rejected.push(id);
                        } else {
                            c.approve(id, r)?;
                        }
                    }
                    self.next_review = next_evening(r);
                }
                _ => return Ok(()),
            }
        }
    }

    fn note_offers(&mut self, c: &Community) {
        let mut new: Vec<_> = c
            .registrations(self.event)
            .filter(|r| r.offered_at.is_some() && !self.offers.iter().any(|(id, _)| *id == r.id))
            .map(|r| (r.offered_at, r.id))
            .collect();
        new.sort();
        for (_, id) in new {
            let answer = [Answer::Accept, Answer::Decline, Answer::Silence][self.offers.len() % 3];
            self.offers.push((id, answer));
        }
    }
}

/// The next 18:00 in Paris strictly after `t`.
fn next_evening(t: DateTime<Utc>) -> DateTime<Utc> {
    let day = t.with_timezone(&Paris).date_naive();
    let at = |d: NaiveDate| paris(d.year(), d.month(), d.day(), 18, 0);
    if at(day) > t {
        at(day)
    } else {
        at(day.succ_opt().unwrap())
    }
}

/// Where the shipped request file lives.
pub fn default_requests_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/data/miditech-2017-requests.json")
}

#[derive(Deserialize)]
struct Op {
    action: String,
    at: DateTime<FixedOffset>,
    email: String,
    #[serde(default)]
    nom: String,
    #[serde(default)]
    prenom: String,
    #[serde(default)]
    service: String,
    #[serde(default)]
    grade: String,
    #[serde(default)]
    fonction: String,
    #[serde(default)]
    acknowledged: bool,
    #[serde(default)]
    attendance: Option<String>,
}

fn paris(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    Paris
        .with_ymd_and_hms(y, m, d, h, min, 0)
        .unwrap()
        .with_timezone(&Utc)
}

fn long_date(d: NaiveDate, lang: Lang) -> String {
    const JOURS: [&str; 7] = [
        "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche",
    ];
    const MOIS: [&str; 12] = [
        "janvier",
        "février",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "août",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
    ];
    let wd = d.weekday().num_days_from_monday() as usize;
    match lang {
        Lang::Fr => format!(
            "{} {} {} {}",
            JOURS[wd],
            d.day(),
            MOIS[d.month0() as usize],
            d.year()
        ),
        _ => d.format("%A %-d %B %Y").to_string(),
    }
}

/// Replays the requests with a policy and renders the report in `lang`.
pub fn run_with(
    lang: Lang,
    policy: Policy,
    data: &str,
) -> Result<String, Box<dyn std::error::Error>> {
    let ops: Vec<Op> = serde_json::from_str(data)?;
    let t = |fr: &'static str, en: &'static str| lang.pick(fr, en);

    let mut cimi = Community::cimi();
    let day = NaiveDate::from_ymd_opt(2017, 12, 12).unwrap();
    let hm = |h, m| NaiveTime::from_hms_opt(h, m, 0).unwrap();
    let schedule = Schedule::paris(day, hm(12, 30), hm(14, 30))?;
    let speaker = |name: &str, title: &str, org: &str| Speaker::new(name, title, org).consenting();
    let spec =
        EventSpec::new(EventKind::Miditech, "L'État plateforme", schedule, 60)
            .with_venue(Venue::new(
                "Direction Générale de la Gendarmerie Nationale",
                "4 rue Claude Bernard, 92130 Issy-les-Moulineaux",
            ))
            .with_remote(RemoteBroadcast {
                url: "https://visio.interieur.gouv.fr/cimi-miditech".into(),
                capacity: None,
            })
            .with_quota("interieur", 40)
            .with_quota("other_ministries", 20)
            .with_window(
                Some(paris(2017, 11, 20, 9, 0)),
                Some(paris(2017, 12, 11, 12, 0)),
            )
            .with_item(
                ProgramItem::new(ItemKind::Introduction, "Introduction CIMI").with_speaker(
                    speaker("Isabelle Meslier", "commandant", "Préfecture de police"),
                ),
            )
            .with_item(
                ProgramItem::new(ItemKind::Welcome, "Accueil gendarmerie").with_speaker(speaker(
                    "Eric Freyssinet",
                    "colonel",
                    "Gendarmerie nationale",
                )),
            )
            .with_item(
                ProgramItem::new(
                    ItemKind::Talk,
                    "Ubérisons l'État ! Avant que d'autres ne s'en chargent",
                )
                .with_speaker(Speaker::new("Laura Letourneau", "auteure", "")),
            )
            .with_item(
                ProgramItem::new(ItemKind::Talk, "L'âge de la multitude").with_speaker(speaker(
                    "Henri Verdier",
                    "directeur",
                    "DINSIC",
                )),
            )
            .with_item(
                ProgramItem::new(ItemKind::QuestionsAndAnswers, "")
                    .with_speaker(Speaker::new("Laura Letourneau", "auteure", ""))
                    .with_speaker(speaker("Henri Verdier", "directeur", "DINSIC")),
            )
            .with_item(
                ProgramItem::new(ItemKind::Conclusion, "").with_speaker(speaker(
                    "Philippe Bron",
                    "",
                    "DSIC",
                )),
            );
    let spec = match policy {
        Policy::Automatic => spec,
        Policy::Offers => spec.with_waitlist_offers(
            WaitlistOffers::new(Duration::hours(48)).with_cutoff(Duration::hours(24)),
        ),
        Policy::Moderated => spec.moderated(),
    };
    let event = cimi.schedule_event(spec, paris(2017, 11, 15, 10, 0))?;
    let mut actors = Actors {
        policy,
        event,
        offers: Vec::new(),
        next_review: paris(2017, 11, 19, 18, 0),
        rejected: Vec::new(),
    };

    let mut refusals = Vec::new();
    let (mut new, mut repeats, mut cancelled, mut promotions) = (0, 0, 0, 0);
    for (line, op) in ops.iter().enumerate() {
        let at = op.at.with_timezone(&Utc);
        actors.act_until(&mut cimi, at)?;
        match op.action.as_str() {
            "register" => {
                let mut req = RegistrationRequest::new(op.email.clone())
                    .names(op.nom.clone(), op.prenom.clone())
                    .affiliation(op.service.clone(), op.grade.clone(), op.fonction.clone());
                if op.acknowledged {
                    req = req.acknowledging(["deontology", "pssi"]);
                }
                if let Some(mode) = op.attendance.as_deref().and_then(AttendanceMode::from_kind) {
                    req = req.attending(mode);
                }
                match cimi.register(event, &req, at) {
                    Ok(out) if out.already_registered => repeats += 1,
                    Ok(_) => new += 1,
                    Err(Error::Refused(r)) => refusals.push((line + 1, op.email.clone(), r)),
                    Err(e) => return Err(e.into()),
                }
            }
            "cancel" => {
                let member = cimi.member_by_email(&op.email).map(|m| m.id);
                let live = cimi
                    .registrations(event)
                    .find(|r| Some(r.member) == member && r.is_live())
                    .map(|r| r.id);
                if let Some(id) = live {
                    promotions += cimi.cancel_registration(id, at)?.promoted.len();
                    cancelled += 1;
                }
            }
            other => return Err(format!("line {}: unknown action '{other}'", line + 1).into()),
        }
    }
    if policy != Policy::Automatic {
        // The last review at the close of registration, the answers up to
        // the start, and the offers left unanswered expire.
        let close = cimi.event(event).unwrap().registration_deadline();
        let start = cimi.event(event).unwrap().schedule.starts_at;
        actors.next_review = actors.next_review.min(close);
        actors.act_until(&mut cimi, start)?;
        cimi.expire_offers(start)?;
        actors.note_offers(&cimi);
    }
    cimi.check_invariants()?;

    let ev = cimi.event(event).unwrap();
    let mut out = String::new();
    let statutes = cimi.statutes();
    writeln!(out, "{} — {}", statutes.name, statutes.full_name.get(lang))?;
    writeln!(out, "{} « {} »", t("Miditech", "Miditech"), ev.title)?;
    let start = ev.schedule.starts_paris();
    writeln!(
        out,
        "{}, {}–{} (Europe/Paris, UTC{})",
        long_date(start.date_naive(), lang),
        start.format("%H:%M"),
        ev.schedule.ends_paris().format("%H:%M"),
        start.format("%:z"),
    )?;
    if let Some(v) = &ev.venue {
        writeln!(out, "{} : {}, {}", t("Lieu", "Venue"), v.name, v.address)?;
    }
    if let Some(r) = &ev.remote {
        writeln!(
            out,
            "{} : {}",
            t("Diffusion en visioconférence", "Video conference"),
            r.url
        )?;
    }
    match policy {
        Policy::Automatic => {}
        Policy::Offers => writeln!(
            out,
            "{}",
            t(
                "Liste d'attente : places libérées proposées 48 h, jusqu'à 24 h avant le début",
                "Waiting list: freed seats offered for 48 h, until 24 h before the start"
            )
        )?,
        Policy::Moderated => writeln!(
            out,
            "{}",
            t(
                "Inscriptions validées par les organisateurs (chaque soir à 18:00 et à la clôture)",
                "Registrations approved by the organisers (every evening at 18:00 and at the close)"
            )
        )?,
    }
    writeln!(
        out,
        "{} : {}",
        t("Enregistrement", "Recording"),
        if ev.recording_allowed() {
            t(
                "autorisé (tous les intervenants ont donné leur accord)",
                "allowed (every speaker consented)",
            )
        } else {
            t(
                "non autorisé (tous les intervenants n'ont pas donné leur accord)",
                "not allowed (not every speaker consented)",
            )
        }
    )?;
    writeln!(out, "\n{}", t("Déroulement :", "Program:"))?;
    for (i, item) in ev.program.iter().enumerate() {
        let speakers: Vec<String> = item
            .speakers
            .iter()
            .map(|s| {
                let name = if s.title.is_empty() {
                    s.name.clone()
                } else {
                    format!("{} {}", s.title, s.name)
                };
                if s.organisation.is_empty() {
                    name
                } else {
                    format!("{name} ({})", s.organisation)
                }
            })
            .collect();
        let title = if item.title.is_empty() {
            String::new()
        } else {
            format!(" « {} »", item.title)
        };
        writeln!(
            out,
            "  {}. {}{} : {}",
            i + 1,
            item.kind.label(lang),
            title,
            speakers.join(", ")
        )?;
    }

    let occ = cimi.occupancy(event)?;
    writeln!(
        out,
        "\n{} : {} — {} {new}, {} {repeats}, {} {}, {} {cancelled}, {} {promotions}",
        t("Demandes traitées", "Requests processed"),
        ops.len(),
        t("inscriptions", "registrations"),
        t("doublons", "repeats"),
        t("refus", "refusals"),
        refusals.len(),
        t("annulations", "cancellations"),
        t(
            "promotions depuis la liste d'attente",
            "promotions from the waiting list"
        ),
    )?;
    let quota_line: Vec<String> = statutes
        .audiences
        .iter()
        .map(|a| {
            format!(
                "{} {}/{}",
                a.name.get(lang),
                occ.on_site_by_audience.get(&a.id).copied().unwrap_or(0),
                ev.quotas
                    .get(&a.id)
                    .map(u32::to_string)
                    .unwrap_or_else(|| "∞".into())
            )
        })
        .collect();
    writeln!(
        out,
        "{} : {}",
        t("Places par public", "Seats per audience"),
        quota_line.join(" ; ")
    )?;

    let person = |member| {
        let m = cimi.member(member).unwrap();
        format!(
            "{} {} — {} — {} — {} <{}>",
            m.family_name.to_uppercase(),
            m.given_name,
            m.service,
            m.grade,
            m.function,
            m.email
        )
    };
    let confirmed = cimi.confirmed(event);
    let on_site: Vec<_> = confirmed
        .iter()
        .filter(|r| r.seat == Some(Seat::OnSite))
        .collect();
    let remote: Vec<_> = confirmed
        .iter()
        .filter(|r| r.seat == Some(Seat::Remote))
        .collect();
    writeln!(
        out,
        "\n{} ({}/{}) :",
        t("Confirmés sur place", "Confirmed on site"),
        on_site.len(),
        ev.capacity
    )?;
    for (i, r) in on_site.iter().enumerate() {
        let promoted = if r.promoted_at.is_some() {
            t("  [promu]", "  [promoted]")
        } else {
            ""
        };
        writeln!(
            out,
            "  {:>3}. {} {}{promoted}",
            i + 1,
            r.id,
            person(r.member)
        )?;
    }
    writeln!(
        out,
        "\n{} ({}) :",
        t("Confirmés à distance", "Confirmed remotely"),
        remote.len()
    )?;
    for (i, r) in remote.iter().enumerate() {
        let waiting = if r.waiting_for_seat {
            t("  [attend une place]", "  [waiting for a seat]")
        } else {
            ""
        };
        writeln!(
            out,
            "  {:>3}. {} {}{waiting}",
            i + 1,
            r.id,
            person(r.member)
        )?;
    }
    let waiting = cimi.waiting_list(event);
    writeln!(
        out,
        "\n{} ({}) :",
        t("Liste d'attente", "Waiting list"),
        waiting.len()
    )?;
    for (i, id) in waiting.iter().enumerate() {
        let r = cimi.registration(*id).unwrap();
        let status = if r.status == RegistrationStatus::Confirmed {
            t("  [suit à distance]", "  [following remotely]")
        } else {
            ""
        };
        writeln!(out, "  {:>3}. {} {}{status}", i + 1, r.id, person(r.member))?;
    }
    if policy == Policy::Offers {
        writeln!(
            out,
            "\n{} ({}) :",
            t("Places proposées", "Seats offered"),
            actors.offers.len()
        )?;
        for (i, (id, _)) in actors.offers.iter().enumerate() {
            let r = cimi.registration(*id).unwrap();
            let when = |t: Option<DateTime<Utc>>| {
                t.map(|t| t.with_timezone(&Paris).format("%d/%m %H:%M").to_string())
                    .unwrap_or_default()
            };
            let outcome = match (r.status, r.cancelled_at == r.offer_expires_at) {
                (RegistrationStatus::Confirmed, _) => t("acceptée", "accepted"),
                (RegistrationStatus::Offered, _) => t("sans réponse", "unanswered"),
                (RegistrationStatus::Cancelled, true) => t("expirée", "expired"),
                _ => t("déclinée", "declined"),
            };
            writeln!(
                out,
                "  {:>3}. {} {} — {} {}, {} {} — {outcome}",
                i + 1,
                r.id,
                person(r.member),
                t("proposée le", "offered"),
                when(r.offered_at),
                t("jusqu'au", "until"),
                when(r.offer_expires_at),
            )?;
        }
    }
    if policy == Policy::Moderated {
        writeln!(
            out,
            "\n{} ({}) :",
            t("Demandes rejetées", "Requests rejected"),
            actors.rejected.len()
        )?;
        for id in &actors.rejected {
            let r = cimi.registration(*id).unwrap();
            writeln!(
                out,
                "  {} {} — {}",
                r.id,
                person(r.member),
                r.rejection_message(lang).unwrap_or_default()
            )?;
        }
    }
    writeln!(out, "\n{} ({}) :", t("Refus", "Refusals"), refusals.len())?;
    for (line, email, r) in &refusals {
        writeln!(
            out,
            "  {} {line:>3} : {:?} — {} [{}]",
            t("demande", "request"),
            email,
            r.message(lang),
            r.kind()
        )?;
    }
    Ok(out)
}
