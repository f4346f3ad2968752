#!/usr/bin/env python3
"""Writes miditech-2017-requests.json: the registration requests replayed by the
main job (`cargo run -p cimi-core --example miditech_2017`).

Deterministic (fixed seed); the names are invented. Run it again only to change
the data set, then regenerate the golden files (see README).
"""
import json
import random
from datetime import datetime, timedelta, timezone

rng = random.Random(20171212)
PARIS = timezone(timedelta(hours=1))  # winter time in November/December 2017

GIVEN = ["Alice", "Bruno", "Camille", "David", "Élodie", "François", "Gaëlle", "Hugo", "Inès",
         "Julien", "Karine", "Laurent", "Manon", "Nicolas", "Océane", "Pascal", "Quentin",
         "Rachid", "Sophie", "Thierry", "Ursule", "Valérie", "William", "Yasmine", "Zoé",
         "Arnaud", "Jean", "Pascaline", "Isabelle", "Éric", "Philippe", "Léa", "Mathieu"]
FAMILY = ["Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand",
          "Leroy", "Moreau", "Simon", "Laurent", "Lefèvre", "Michel", "Garcia", "David",
          "Bertrand", "Roux", "Vincent", "Fournier", "Morel", "Girard", "André", "Lefebvre",
          "Mercier", "Dupont", "Lambert", "Bonnet", "François", "Martinez", "N'Diaye", "Le Gall"]
INTERIEUR = [  # (domain, service, grades, functions)
    ("interieur.gouv.fr", "DSIC", ["ingénieur des SIC", "technicien des SIC", "attaché"], ["chef de projet", "administrateur systèmes", "architecte"]),
    ("gendarmerie.interieur.gouv.fr", "ST(SI)²", ["capitaine", "commandant", "major", "adjudant-chef"], ["développeur", "chef de section", "officier SSI"]),
    ("interieur.gouv.fr", "DGGN", ["colonel", "lieutenant-colonel", "capitaine"], ["chef de bureau", "officier adjoint"]),
    ("interieur.gouv.fr", "Préfecture de police — SDSICIF", ["ingénieur des SIC", "commandant", "brigadier"], ["chef de projet", "technicien réseau"]),
    ("interieur.gouv.fr", "DGPN", ["gardien de la paix", "brigadier-chef", "commissaire"], ["enquêteur", "analyste", "référent numérique"]),
    ("interieur.gouv.fr", "Préfecture du Rhône", ["attaché", "secrétaire administratif"], ["chef du SIDSIC", "gestionnaire"]),
]
OTHERS = [
    ("finances.gouv.fr", "Douane judiciaire", ["inspecteur", "contrôleur"], ["enquêteur numérique", "analyste"]),
    ("agriculture.gouv.fr", "SNUM", ["ingénieur", "attaché"], ["urbaniste SI", "cheffe de projet"]),
    ("intradef.gouv.fr", "DGA", ["ingénieur de l'armement", "technicien"], ["architecte", "expert cyber"]),
    ("sante.gouv.fr", "DNUM santé", ["attachée", "ingénieur"], ["data scientist", "cheffe de projet"]),
    ("modernisation.gouv.fr", "DINSIC", ["chargé de mission", "contractuel"], ["développeur", "designer"]),
]

def slug(s):
    table = str.maketrans("àâäéèêëîïôöùûüçÉ' ", "aaaeeeeiioouuucE--")
    return s.lower().translate(table)

start = datetime(2017, 11, 20, 9, 0, tzinfo=PARIS)
ops = []
people = []

def person(pool):
    domain, service, grades, functions = rng.choice(pool)
    g, f = rng.choice(GIVEN), rng.choice(FAMILY)
    email = f"{slug(g)}.{slug(f)}@{domain}"
    return {"email": email, "nom": f, "prenom": g, "service": service,
            "grade": rng.choice(grades), "fonction": rng.choice(functions),
            "acknowledged": True}

seen = set()
def unique(pool):
    while True:
        p = person(pool)
        if p["email"].lower() not in seen:
            seen.add(p["email"].lower())
            return p

for _ in range(100):
    people.append(unique(INTERIEUR))
for _ in range(45):
    people.append(unique(OTHERS))
rng.shuffle(people)
for p in people:
    p = dict(p)
    if rng.random() < 0.2:
        p["attendance"] = "on_site_or_remote"
    ops.append(p)

# Duplicates: the same people again, sometimes with other letter case.
for p in rng.sample(people, 15):
    d = dict(p)
    if rng.random() < 0.5:
        d["email"] = d["email"].upper()
    ops.append(d)

hostile = [
    "alice@agri.gouv.fr.evil.com", "bob@evilgouv.fr", "carol@agri-gouv.fr", "dave@gouv.fr",
    "\"x@evil.com\"@interieur.gouv.fr", "Eve <eve@interieur.gouv.fr>", "mallory(c)@interieur.gouv.fr",
    "oscar@[192.0.2.1]", "trent@interieur.gouv.fr.", "peggy@\u0430gri.gouv.fr",
    "victor@interieur\u3002gouv\u3002fr", "walter@interieur.gouv.fr\r\nBcc: all@interieur.gouv.fr",
    "sybil\u202e@interieur.gouv.fr", "jean.dupont@gmail.com", "marie@orange.fr", "x" * 65 + "@interieur.gouv.fr",
    "", "pas-une-adresse",
]
for email in hostile:
    p = person(INTERIEUR)
    p["email"] = email
    ops.append(p)
# Hostile fields with valid addresses.
for field, value in [("nom", "Robert'); DROP TABLE inscrits;--\u0000"), ("fonction", "x" * 300),
                     ("prenom", "Zo\u202ee"), ("service", "DNUM\nBcc: tous@interieur.gouv.fr")]:
    p = unique(INTERIEUR)
    p[field] = value
    ops.append(p)

# Incomplete requests.
for field in ["nom", "prenom", "service", "grade", "fonction", "grade", "service", "fonction"]:
    p = unique(INTERIEUR if rng.random() < 0.6 else OTHERS)
    p[field] = rng.choice(["", "   "])
    ops.append(p)
for _ in range(4):
    p = unique(INTERIEUR)
    p["acknowledged"] = False
    ops.append(p)

rng.shuffle(ops)
# Spread over three weeks, in order.
times = sorted(start + timedelta(minutes=rng.randrange(0, 21 * 24 * 60)) for _ in ops)
for op, t in zip(ops, times):
    op["action"] = "register"
    op["at"] = t.isoformat()

# Too early and too late.
early = unique(INTERIEUR); early.update(action="register", at=(start - timedelta(days=1)).isoformat())
late = unique(OTHERS); late.update(action="register", at=datetime(2017, 12, 11, 18, 30, tzinfo=PARIS).isoformat())
ops.insert(0, early)
ops.append(late)

# A few cancellations, late in the period, by confirmed and waiting people.
confirmed_first = [o for o in ops if o.get("acknowledged") and o["email"] in {p["email"] for p in people}]
for o in rng.sample(confirmed_first[:50], 4) + rng.sample(confirmed_first[-30:], 2):
    ops.append({"action": "cancel", "email": o["email"],
                "at": datetime(2017, 12, 8, 10, rng.randrange(0, 60), tzinfo=PARIS).isoformat()})
ops.sort(key=lambda o: o["at"])

with open(__file__.replace("generate_miditech_2017.py", "miditech-2017-requests.json"), "w", encoding="utf-8") as f:
    f.write("[\n")
    f.write(",\n".join(json.dumps(o, ensure_ascii=False, sort_keys=True) for o in ops))
    f.write("\n]\n")
print(len(ops), "operations")
