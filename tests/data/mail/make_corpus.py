#!/usr/bin/env python3
"""Builds the registration-by-e-mail corpus: one .eml file per case and the
manifest expected.json that gives the community to load (statutes, events,
registrations, the instant and the mail policy) and each message's expected
outcome. Only the standard library's `email` package is used.

    python3 tests/data/mail/make_corpus.py     # rewrites the corpus in place

The Rust test cimi-core/tests/interop_mail.rs checks every case; the Python
bindings' tests can read the same manifest.
"""

import json
import os
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage

HERE = os.path.dirname(os.path.abspath(__file__))
AUTHSERV = "mx.interieur.gouv.fr"
DATE = "Mon, 02 Mar 2026 09:00:00 +0100"

SETUP = {
    "now": "2026-03-02T09:00:00Z",
    "statutes": "cimi",
    "policy": {"require_dmarc": True, "authserv_id": AUTHSERV},
    "events": [
        {"id": 1, "kind": "miditech", "title": "L'État plateforme", "date": "2026-03-17",
         "start": "12:30", "end": "14:30", "capacity": 50,
         "venue": {"name": "DGGN", "address": "4 rue Claude Bernard, 92130 Issy-les-Moulineaux"},
         "remote": "https://visio.interieur.gouv.fr/cimi-etat-plateforme", "cancelled": False},
        {"id": 2, "kind": "workshop", "title": "PostgreSQL", "date": "2026-03-24",
         "start": "10:00", "end": "12:00", "capacity": 12, "cancelled": False},
        {"id": 3, "kind": "workshop", "title": "PostgreSQL avancé", "date": "2026-03-31",
         "start": "10:00", "end": "12:00", "capacity": 12, "cancelled": False},
        {"id": 4, "kind": "workshop", "title": "Cartographie", "date": "2026-04-07",
         "start": "14:00", "end": "16:00", "capacity": 10, "cancelled": False},
        {"id": 5, "kind": "workshop", "title": "Cartographie", "date": "2026-04-14",
         "start": "14:00", "end": "16:00", "capacity": 10, "cancelled": False},
        {"id": 6, "kind": "conference", "title": "Rencontres numériques de l'Intérieur",
         "date": "2026-04-21", "start": "09:00", "end": "17:00", "capacity": 0, "cancelled": False},
        {"id": 7, "kind": "miditech", "title": "Sécurité des API", "date": "2026-05-05",
         "start": "12:00", "end": "14:00", "capacity": 40, "cancelled": True},
    ],
    "registrations": [
        {"event": 1, "email": "deja.inscrit@interieur.gouv.fr", "family_name": "Déjà",
         "given_name": "Inscrit", "service": "DNUM", "grade": "attaché", "function": "chef de projet",
         "acknowledged": ["deontology", "pssi"]},
    ],
}

FIELDS_FR = (
    "Nom : Dupont\n"
    "Prénom : Jean\n"
    "Service : DNUM / SDIT\n"
    "Grade : ingénieur des SIC\n"
    "Fonction : chef de projet\n"
    "Engagements : oui\n"
)

cases = []


def auth(dmarc="pass", domain="interieur.gouv.fr", authserv=AUTHSERV):
    return (f"{authserv}; spf=pass smtp.mailfrom={domain}; "
            f"dkim=pass header.d={domain}; dmarc={dmarc} (p=REJECT) header.from={domain}")


def message(sender, subject, body, auth_headers=None, cte="8bit", charset="utf-8",
            html=None, html_only=False):
    if auth_headers is None:
        # What our server writes for a genuine message: DMARC pass for the From domain.
        domain = sender.domain if isinstance(sender, Address) else "interieur.gouv.fr"
        auth_headers = (auth(domain=domain),)
    m = EmailMessage(policy=policy.SMTP)
    for a in auth_headers:
        m["Authentication-Results"] = a
    if sender is not None:
        m["From"] = sender
    m["To"] = "CIMI <cimi@interieur.gouv.fr>"
    m["Subject"] = subject
    m["Date"] = DATE
    m["Message-ID"] = f"<{len(cases) + 1:02d}@corpus.cimi.invalid>"
    if html_only:
        m.set_content(html, subtype="html", charset=charset, cte=cte)
    else:
        m.set_content(body, charset=charset, cte=cte)
        if html is not None:
            m.add_alternative(html, subtype="html", charset=charset, cte="quoted-printable")
            m.set_boundary(f"cimi-corpus-{len(cases) + 1:02d}")  # deterministic output
    return m.as_bytes()


def case(name, raw, expected, about):
    fname = f"{len(cases) + 1:02d}_{name}.eml"
    with open(os.path.join(HERE, fname), "wb") as f:
        f.write(raw)
    cases.append({"file": fname, "about": about, **expected})


def registered(event, status="confirmed", seat="on_site", already=False, **extra):
    return {"outcome": "registered", "event": event, "status": status, "seat": seat,
            "already_registered": already, **extra}


def reply(*problems, contains=()):
    return {"outcome": "reply", "problems": list(problems), "reply_contains": list(contains)}


JEAN = Address("Jean Dupont", "jean.dupont", "interieur.gouv.fr")

case("plain_fr_accents",
     message(JEAN, "Inscription", "Bonjour,\n\nÉvénement : E1\n" + FIELDS_FR + "\nCordialement,\nJean\n"),
     registered(1), "text/plain 8bit, French labels with accents, event by id")

case("plain_fr_without_accents",
     message(Address("Marie Curie", "marie.curie", "agriculture.gouv.fr"), "Inscription",
             "Evenement : L'Etat plateforme\nNom: Curie\nPrenom: Marie\nService: SG/SNUM\n"
             "Grade: attachee principale\nFonction: cheffe de bureau\nEngagements: oui\n",
             charset="us-ascii", cte="7bit"),
     registered(1), "us-ascii, labels without accents, event by title without accents")

case("quoted_printable",
     message(JEAN, "Inscription au miditech « L'État plateforme »", FIELDS_FR, cte="quoted-printable"),
     registered(1), "quoted-printable body, event from the subject")

case("base64",
     message(Address("Léa Martin", "lea.martin", "dnum.interieur.gouv.fr"),
             "Inscription atelier PostgreSQL avancé",
             FIELDS_FR.replace("Dupont", "Martin").replace("Jean", "Léa"), cte="base64"),
     registered(3), "base64 body; the subject contains two titles, the longer wins")

case("multipart_alternative_remote",
     message(JEAN, "Inscription",
             "Événement : E1\nParticipation : à distance\n" + FIELDS_FR,
             html="<p>Événement : E1<br>Participation : à distance<br>"
                  + FIELDS_FR.replace("\n", "<br>") + "</p>"),
     registered(1, seat="remote"), "multipart/alternative, remote attendance")

case("html_only",
     message(JEAN, "Inscription", None,
             html="<html><head><style>div{}</style></head><body>"
                  "<div>Bonjour,</div><div>&Eacute;v&eacute;nement&nbsp;: E2</div>"
                  "<div><b>Nom</b> : Dupont</div><div>Pr&eacute;nom : Jean</div>"
                  "<div>Service : DNUM</div><div>Grade : ing&eacute;nieur</div>"
                  "<div>Fonction : d&eacute;veloppeur</div><div>Engagements : oui</div>"
                  "<blockquote><div>Nom : Quelqu'un d'autre</div></blockquote></body></html>",
             html_only=True, cte="quoted-printable"),
     registered(2), "text/html only, entities, block quote ignored")

case("rfc2047_headers",
     message(Address("Jérôme Lefèvre", "jerome.lefevre", "interieur.gouv.fr"),
             "Inscription à « L'État plateforme » — séance de mars",
             FIELDS_FR.replace("Dupont", "Lefèvre").replace("Jean", "Jérôme")),
     registered(1), "RFC 2047 encoded From display name and Subject")

case("english_labels",
     message(Address("John Smith", "john.smith", "interieur.gouv.fr"), "Registration",
             "Event: E2\nFamily name: Smith\nFirst name: John\nDepartment: DNUM\nRank: engineer\n"
             "Job title: developer\nI accept: yes\n"),
     registered(2), "English labels")

case("english_labels_equals",
     message(Address("Jane Doe", "jane.doe", "finances.gouv.fr"), "Registration",
             "EVENT = PostgreSQL\nLast name = Doe\nGiven name = Jane\nUnit = DGFiP\nGrade = inspector\n"
             "Position = data scientist\nAcknowledged = deontology, PSSI\n"),
     registered(2), "English alternatives, '=' separator, obligations named one by one")

case("missing_fields",
     message(JEAN, "Inscription", "Événement : E1\nNom : Dupont\nPrénom : Jean\nService : DNUM\nEngagements : oui\n"),
     reply("missing_field", "missing_field",
           contains=["le champ « grade » est obligatoire", "le champ « fonction » est obligatoire",
                     "Événement : E1 (L'État plateforme)"]),
     "grade and function missing: both are named")

case("obligations_missing",
     message(JEAN, "Inscription", "Événement : E1\n" + FIELDS_FR.replace("Engagements : oui\n", "")),
     reply("obligation_not_acknowledged", "obligation_not_acknowledged",
           contains=["Engagements : oui", "l'engagement « Respecter les règles de déontologie"]),
     "no acknowledgement of the statutes' obligations")

case("several_from_addresses",
     message("jean.dupont@interieur.gouv.fr, paul.durand@interieur.gouv.fr", "Inscription",
             "Événement : E1\n" + FIELDS_FR),
     reply("several_senders", contains=["2 expéditeurs"]), "two addresses in From")

raw = message(JEAN, "Inscription", "Événement : E1\n" + FIELDS_FR)
raw = raw.replace(b"\r\nTo:", b"\r\nFrom: paul.durand@interieur.gouv.fr\r\nTo:", 1)
case("two_from_headers", raw, reply("several_senders"), "two From headers")

case("no_from",
     message(None, "Inscription", "Événement : E1\n" + FIELDS_FR),
     reply("sender_missing"), "no From header")

case("display_name_imitation",
     message(Address("jean.dupont@interieur.gouv.fr", "jean.dupont", "gmail.com"), "Inscription",
             "Événement : E1\n" + FIELDS_FR, auth_headers=(auth(domain="gmail.com"),)),
     reply("address_not_allowed", contains=["*@*.gouv.fr"]),
     "display name imitating an allowed address; the address is gmail.com")

case("forged_auth_results_below",
     message(JEAN, "Inscription", "Événement : E1\n" + FIELDS_FR,
             auth_headers=(auth(dmarc="fail"), auth())),
     reply("dmarc_not_pass"), "our server says fail on top; a forged pass below is ignored")

case("second_auth_results_from_us",
     message(JEAN, "Inscription", "Événement : E1\n" + FIELDS_FR,
             auth_headers=(auth(authserv="mx.relay.example"), auth())),
     reply("authentication_other_server", contains=["mx.relay.example"]),
     "topmost header from another server; ours only second")

case("other_authserv_id",
     message(JEAN, "Inscription", "Événement : E1\n" + FIELDS_FR,
             auth_headers=(auth(authserv="mx.google.com"),)),
     reply("authentication_other_server"), "authentication results of another server only")

case("dmarc_fail",
     message(JEAN, "Inscription", "Événement : E1\n" + FIELDS_FR, auth_headers=(auth(dmarc="fail"),)),
     reply("dmarc_not_pass", contains=["résultat : fail"]), "DMARC fail")

case("dmarc_none",
     message(JEAN, "Inscription", "Événement : E1\n" + FIELDS_FR, auth_headers=(auth(dmarc="none"),)),
     reply("dmarc_not_pass", contains=["résultat : none"]), "DMARC none")

case("dmarc_pass_other_domain",
     message(JEAN, "Inscription", "Événement : E1\n" + FIELDS_FR,
             auth_headers=(auth(domain="evil.example"),)),
     reply("dmarc_other_domain"), "DMARC pass for a domain that is not the sender's")

case("dmarc_pass_outside_policy",
     message(Address("Jean Dupont", "jean.dupont", "gmail.com"), "Inscription",
             "Événement : E1\n" + FIELDS_FR, auth_headers=(auth(domain="gmail.com"),)),
     reply("address_not_allowed"), "DMARC pass, but the domain is outside the policy")

case("no_auth_results",
     message(JEAN, "Inscription", "Événement : E1\n" + FIELDS_FR, auth_headers=()),
     reply("authentication_missing"), "no Authentication-Results header")

case("unknown_event_id",
     message(JEAN, "Inscription", "Événement : E99\n" + FIELDS_FR),
     reply("event_unknown", contains=["« E99 »", "E1 : « L'État plateforme »"]), "unknown event id")

case("unknown_event_title",
     message(JEAN, "Inscription", "Événement : Kubernetes en production\n" + FIELDS_FR),
     reply("event_unknown"), "unknown event title")

case("ambiguous_event",
     message(JEAN, "Inscription à l'atelier Cartographie", FIELDS_FR),
     reply("event_ambiguous", contains=["Événements correspondants :", "- E4 : « Cartographie », le 07/04/2026", "- E5 : « Cartographie », le 14/04/2026"]),
     "two upcoming events with the same title")

case("no_event",
     message(JEAN, "Inscription", FIELDS_FR),
     reply("event_not_named", contains=["Événements ouverts aux inscriptions"]), "no event named")

case("waiting_list",
     message(JEAN, "Inscription aux Rencontres numériques de l'Intérieur", FIELDS_FR),
     registered(6, status="waitlisted", seat=None), "event without seats left: waiting list")

case("already_registered",
     message(Address("Inscrit Déjà", "deja.inscrit", "interieur.gouv.fr"), "Re: L'État plateforme",
             "Je confirme ma venue.\n"),
     registered(1, already=True), "the sender already holds a registration: it is returned")

case("quoted_reply",
     message(JEAN, "Re: Inscription",
             "Événement : E1\n" + FIELDS_FR + "\nLe 02/03/2026, CIMI a écrit :\n> Nom :\n> Prénom :\n> Grade :\n"),
     registered(1), "a reply to our template: quoted lines ignored")

case("latin1_quoted_printable",
     message(JEAN, "Inscription", "Événement : E1\n" + FIELDS_FR, charset="iso-8859-1",
             cte="quoted-printable"),
     registered(1), "ISO-8859-1 body in quoted-printable")

case("cancelled_event",
     message(JEAN, "Inscription", "Événement : Sécurité des API\n" + FIELDS_FR),
     reply("event_cancelled", contains=["l'événement a été annulé"]), "the event was cancelled")

case("attendance_unclear",
     message(JEAN, "Inscription", "Événement : E1\nParticipation : peut-être\n" + FIELDS_FR),
     reply("attendance_unclear"), "attendance mode not understood")

case("field_too_long",
     message(JEAN, "Inscription", "Événement : E1\n" + FIELDS_FR.replace("chef de projet", "x" * 300)),
     reply("field_too_long"), "a field longer than the statutes allow")

manifest = {
    "about": "Registration by e-mail: each .eml file, read against the community described "
             "here (CIMI statutes, these events, these registrations, at 'now', with this mail "
             "policy), each message on a fresh copy, must give the expected outcome. "
             "'problems' lists MailProblem kinds in order; 'reply_contains' are excerpts of the "
             "French reply. Built by make_corpus.py.",
    **SETUP,
    "messages": cases,
}
with open(os.path.join(HERE, "expected.json"), "w", encoding="utf-8") as f:
    json.dump(manifest, f, ensure_ascii=False, indent=2)
    f.write("\n")
print(f"{len(cases)} messages written")
