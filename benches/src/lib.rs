//! The deterministic workload generator of cimi's benchmarks.
//!
//! [`directory`] makes a directory of `n` agents spread over administrations in
//! proportions close to the French civil service (the Ministry of the Interior
//! is about 300,000 of 5.7 million), with plausible French names, addresses,
//! affiliations, grades and skills drawn from a long-tailed distribution.
//! [`requests`] makes a stream of registration operations for `m` events:
//! valid, repeated, hostile and incomplete requests and cancellations. The
//! same seed always gives the same data (ChaCha8, a generator whose output is
//! fixed by its specification).
//!
//! ```
//! let a = cimi_benches::directory(100, 7);
//! let b = cimi_benches::directory(100, 7);
//! assert_eq!(a, b);
//! assert!(a.iter().all(|p| p.email.contains('@')));
//! ```

use chrono::{DateTime, Duration, TimeZone, Utc};
use cimi_core::Community;
use cimi_core::community::MemberProfile;
use cimi_core::journal::Storage;
use cimi_core::member::Affiliation;
use cimi_core::registration::{AttendanceMode, RegistrationRequest};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::sync::{Arc, Mutex};

pub mod malloc;

/// One generated agent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    /// Address, unique in the directory.
    pub email: String,
    /// Nom.
    pub family_name: String,
    /// Prénom.
    pub given_name: String,
    /// Administration → direction → service.
    pub affiliation: Vec<String>,
    /// Grade.
    pub grade: String,
    /// Fonction.
    pub function: String,
    /// Skills, as typed (various spellings).
    pub skills: Vec<String>,
}

struct Administration {
    name: &'static str,
    domains: &'static [&'static str],
    weight: u32,
    directions: &'static [&'static str],
    grades: &'static [&'static str],
}

// Weights in thousands of agents, rounded.
const ADMINISTRATIONS: &[Administration] = &[
    Administration {
        name: "Intérieur",
        domains: &["interieur.gouv.fr", "gendarmerie.interieur.gouv.fr"],
        weight: 300,
        directions: &[
            "DNUM",
            "DGGN",
            "DGPN",
            "Préfecture de police",
            "DGSCGC",
            "DGEF",
            "Préfecture du Rhône",
            "Préfecture du Nord",
        ],
        grades: &[
            "gardien de la paix",
            "brigadier",
            "major",
            "capitaine",
            "commandant",
            "colonel",
            "ingénieur des SIC",
            "technicien des SIC",
            "attaché",
            "secrétaire administratif",
            "contractuel",
        ],
    },
    Administration {
        name: "Armées",
        domains: &["intradef.gouv.fr"],
        weight: 270,
        directions: &["DGA", "DGNUM", "EMA", "SGA"],
        grades: &[
            "ingénieur de l'armement",
            "technicien",
            "officier",
            "sous-officier",
        ],
    },
    Administration {
        name: "Éducation nationale",
        domains: &["education.gouv.fr", "ac-paris.fr", "ac-lyon.fr"],
        weight: 1200,
        directions: &["DNE", "DGESCO", "Rectorat"],
        grades: &["professeur certifié", "attaché", "ingénieur d'études"],
    },
    Administration {
        name: "Économie et finances",
        domains: &[
            "finances.gouv.fr",
            "dgfip.finances.gouv.fr",
            "douane.finances.gouv.fr",
        ],
        weight: 130,
        directions: &["DGFiP", "DGDDI", "Insee", "SNUM"],
        grades: &["inspecteur", "contrôleur", "agent", "administrateur"],
    },
    Administration {
        name: "Justice",
        domains: &["justice.gouv.fr"],
        weight: 90,
        directions: &["SNUM", "DAP", "DSJ"],
        grades: &["greffier", "attaché", "ingénieur"],
    },
    Administration {
        name: "Santé",
        domains: &["sante.gouv.fr", "ars.sante.fr"],
        weight: 1200,
        directions: &["DNUM", "ARS Île-de-France", "AP-HP"],
        grades: &["ingénieur hospitalier", "attachée", "technicien"],
    },
    Administration {
        name: "Agriculture",
        domains: &["agriculture.gouv.fr"],
        weight: 30,
        directions: &["SNUM", "DGAL"],
        grades: &["ingénieur", "attaché"],
    },
    Administration {
        name: "Culture",
        domains: &["culture.gouv.fr"],
        weight: 10,
        directions: &["SNUM", "BnF"],
        grades: &["conservateur", "ingénieur"],
    },
    Administration {
        name: "Collectivités territoriales",
        domains: &[
            "paris.fr",
            "lyon.fr",
            "marseille.fr",
            "issy.fr",
            "nantes.fr",
            "lille.fr",
            "toulouse.fr",
            "strasbourg.eu",
        ],
        weight: 1900,
        directions: &["DSI", "Direction du numérique", "Services techniques"],
        grades: &[
            "attaché territorial",
            "technicien territorial",
            "ingénieur territorial",
            "adjoint technique",
        ],
    },
];

const SERVICES: &[&str] = &[
    "bureau des applications",
    "bureau de l'infrastructure",
    "SSI",
    "études et développement",
    "données",
    "support",
    "architecture",
    "réseaux",
];
const FUNCTIONS: &[&str] = &[
    "chef de projet",
    "développeur",
    "administrateur systèmes",
    "architecte",
    "data scientist",
    "juriste",
    "RSSI",
    "technicien réseau",
    "urbaniste SI",
    "chef de bureau",
];
const GIVEN: &[&str] = &[
    "Camille",
    "Léa",
    "Manon",
    "Chloé",
    "Emma",
    "Inès",
    "Sarah",
    "Julie",
    "Nathalie",
    "Isabelle",
    "Sophie",
    "Pascaline",
    "Marie",
    "Anne",
    "Valérie",
    "Lucas",
    "Hugo",
    "Thomas",
    "Nicolas",
    "Julien",
    "Rachid",
    "Karim",
    "Arnaud",
    "Jean",
    "Philippe",
    "Éric",
    "Mathieu",
    "Pierre",
    "Laurent",
    "François",
    "Olivier",
    "Mehdi",
    "Yasmine",
    "Fatou",
    "Élodie",
    "Gaëlle",
    "Benoît",
    "Loïc",
    "Hélène",
    "Cécile",
];
const FAMILY: &[&str] = &[
    "Martin",
    "Bernard",
    "Dubois",
    "Thomas",
    "Robert",
    "Richard",
    "Petit",
    "Durand",
    "Leroy",
    "Moreau",
    "Simon",
    "Laurent",
    "Lefèvre",
    "Michel",
    "Garcia",
    "David",
    "Bertrand",
    "Roux",
    "Vincent",
    "Fournier",
    "Morel",
    "Girard",
    "André",
    "Mercier",
    "Dupont",
    "Lambert",
    "Bonnet",
    "François",
    "Martinez",
    "Legrand",
    "Garnier",
    "Faure",
    "Rousseau",
    "Blanc",
    "Guérin",
    "Muller",
    "Henry",
    "Roussel",
    "Nicolas",
    "Perrin",
    "N'Diaye",
    "Le Gall",
    "Nguyen",
    "Benali",
    "Diallo",
];
/// The skills vocabulary; the first ones are the most common (long tail).
pub const SKILLS: &[&str] = &[
    "Linux",
    "Python",
    "SQL",
    "Windows Server",
    "Réseaux",
    "Excel",
    "Java",
    "PostgreSQL",
    "Docker",
    "Sécurité",
    "JavaScript",
    "Active Directory",
    "Gestion de projet",
    "Ansible",
    "Kubernetes",
    "Cartographie",
    "QGIS",
    "Data science",
    "Machine learning",
    "OpenStreetMap",
    "Rust",
    "Go",
    "C++",
    "C#",
    "PHP",
    "Drupal",
    "Wordpress",
    "Elasticsearch",
    "Kafka",
    "Spark",
    "R",
    "Pandas",
    "Polars",
    "TALN",
    "Webscraping",
    "Datavisualisation",
    "Markdown",
    "Pandoc",
    "Radio logicielle",
    "Cryptographie",
    "PKI",
    "Pentest",
    "Forensique",
    "SIEM",
    "Terraform",
    "OpenStack",
    "VMware",
    "Cloud",
    "Droit du numérique",
    "RGPD",
    "Accessibilité",
    "Design",
    "UX",
    "Agilité",
    "Scrum",
    "DevOps",
    "Git",
    "Jenkins",
    "GitLab CI",
    "Nginx",
    "Apache",
    "Tomcat",
    "Oracle",
    "MySQL",
    "MongoDB",
    "Redis",
    "Grafana",
    "Prometheus",
    "Zabbix",
    "Nagios",
    "ITIL",
    "Marchés publics",
    "Archivage",
    "GED",
    "Tchap",
    "Messagerie",
    "LDAP",
    "Keycloak",
    "OAuth",
    "SAML",
    "FranceConnect",
    "API",
    "Open data",
    "Sociologie des organisations",
    "Conduite du changement",
];

/// A uniform-enough pick from a slice.
fn pick<'a, T>(rng: &mut ChaCha8Rng, xs: &'a [T]) -> &'a T {
    &xs[rng.random_range(0..xs.len())]
}

/// A skill index from a long-tailed (Zipf-like) distribution.
fn skill(rng: &mut ChaCha8Rng) -> String {
    let u: f64 = rng.random_range(0.0..1.0);
    let i = ((SKILLS.len() as f64).powf(u) - 1.0) as usize;
    let base = SKILLS[i.min(SKILLS.len() - 1)];
    // Various spellings of the same skill.
    match rng.random_range(0..6) {
        0 => base.to_lowercase(),
        1 => format!(" {base} "),
        2 => base.replace(' ', "-"),
        _ => base.to_string(),
    }
}

fn ascii_slug(s: &str) -> String {
    s.chars()
        .filter_map(|c| match c {
            'à' | 'â' | 'ä' => Some('a'),
            'é' | 'è' | 'ê' | 'ë' | 'É' => Some('e'),
            'î' | 'ï' => Some('i'),
            'ô' | 'ö' => Some('o'),
            'ù' | 'û' | 'ü' => Some('u'),
            'ç' => Some('c'),
            ' ' | '\'' => Some('-'),
            c if c.is_ascii_alphanumeric() => Some(c.to_ascii_lowercase()),
            _ => None,
        })
        .collect()
}

/// A directory of `n` agents (see the crate documentation). Addresses are unique.
pub fn directory(n: usize, seed: u64) -> Vec<Person> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let total: u32 = ADMINISTRATIONS.iter().map(|a| a.weight).sum();
    (0..n)
        .map(|i| {
            let mut w = rng.random_range(0..total);
            let admin = ADMINISTRATIONS
                .iter()
                .find(|a| {
                    if w < a.weight {
                        true
                    } else {
                        w -= a.weight;
                        false
                    }
                })
                .unwrap_or(&ADMINISTRATIONS[0]);
            let given = *pick(&mut rng, GIVEN);
            let family = *pick(&mut rng, FAMILY);
            let domain = *pick(&mut rng, admin.domains);
            let skills = (0..rng.random_range(0..6))
                .map(|_| skill(&mut rng))
                .collect();
            Person {
                email: format!(
                    "{}.{}{}@{}",
                    ascii_slug(given),
                    ascii_slug(family),
                    i,
                    domain
                ),
                family_name: family.to_string(),
                given_name: given.to_string(),
                affiliation: vec![
                    admin.name.to_string(),
                    pick(&mut rng, admin.directions).to_string(),
                    pick(&mut rng, SERVICES).to_string(),
                ],
                grade: pick(&mut rng, admin.grades).to_string(),
                function: pick(&mut rng, FUNCTIONS).to_string(),
                skills,
            }
        })
        .collect()
}

/// Statutes that accept every administration of the generator: CIMI's, with
/// the local authorities' domains allowed too.
pub fn statutes() -> cimi_core::Statutes {
    let mut s = cimi_core::Statutes::cimi();
    for a in ADMINISTRATIONS {
        for d in a.domains {
            if !d.ends_with(".gouv.fr") {
                s.policy
                    .allowed
                    .push(format!("*@{d}").parse().expect("valid pattern"));
                s.policy
                    .allowed
                    .push(format!("*@*.{d}").parse().expect("valid pattern"));
            }
        }
    }
    s
}

/// The profile a person gives when joining.
pub fn profile_of(p: &Person) -> MemberProfile {
    MemberProfile {
        family_name: p.family_name.clone(),
        given_name: p.given_name.clone(),
        service: p.affiliation.last().cloned().unwrap_or_default(),
        grade: p.grade.clone(),
        function: p.function.clone(),
        corps: None,
        affiliation: Affiliation::new(p.affiliation.iter().cloned()),
        skills: p.skills.iter().cloned().collect(),
        interests: Default::default(),
    }
}

/// A community whose directory holds these people (added at `at`).
pub fn community(people: &[Person], at: DateTime<Utc>) -> Community {
    let mut c = Community::new(statutes()).expect("valid statutes");
    for p in people {
        c.add_member(&p.email, profile_of(p), at)
            .expect("generated members are valid");
    }
    c
}

/// The journal of the community of these people: each added, with its
/// profile, by operations of 10,000 through a store writing to memory.
pub fn journal_of(people: &[Person], at: DateTime<Utc>) -> Vec<u8> {
    let bytes = Arc::new(Mutex::new(Vec::new()));
    let mut store = cimi_core::journal::Store::with_storage(
        Community::new(statutes()).expect("valid statutes"),
        Box::new(MemoryStorage(bytes.clone())),
        cimi_core::journal::SyncPolicy::Never,
    );
    for chunk in people.chunks(10_000) {
        store
            .execute("bench", |c| {
                for p in chunk {
                    c.add_member(&p.email, profile_of(p), at)?;
                }
                Ok(())
            })
            .expect("generated members are valid");
    }
    drop(store);
    std::mem::take(
        &mut *bytes
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner),
    )
}

/// The event of a registration rush: a conference of 10,000 seats in 60
/// days, open at once.
pub fn rush_event(c: &mut Community) -> cimi_core::ids::EventId {
    use cimi_core::event::{EventKind, EventSpec};
    c.schedule_event(
        EventSpec::new(EventKind::Conference, "Rush", schedule(60), 10_000),
        t0(),
    )
    .expect("a valid event")
}

/// Journal storage in memory: the bytes stay with whoever holds the other
/// end of the `Arc`.
pub struct MemoryStorage(pub Arc<Mutex<Vec<u8>>>);

impl Storage for MemoryStorage {
    fn append(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        self.bytes().extend_from_slice(bytes);
        Ok(())
    }
    fn sync(&mut self) -> std::io::Result<()> {
        Ok(())
    }
    fn truncate(&mut self, len: u64) -> std::io::Result<()> {
        self.bytes()
            .truncate(usize::try_from(len).unwrap_or(usize::MAX));
        Ok(())
    }
    fn len(&self) -> u64 {
        self.bytes().len() as u64
    }
}

impl MemoryStorage {
    fn bytes(&self) -> std::sync::MutexGuard<'_, Vec<u8>> {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// Resident size of this process, from `/proc/self/statm` (0 where there is none).
pub fn rss_bytes() -> u64 {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap_or_default();
    let pages: u64 = statm
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    pages * 4096
}

/// Resident bytes per member of a generated community of `n` members:
/// resident size after building it minus before (the generated people
/// already made), divided by N. Meant for a fresh process (one that has
/// freed nothing yet, so that reused memory does not hide the growth) under
/// the allocator's defaults ([`malloc::own_output_under_default_malloc`]).
pub fn memory_per_member(n: usize) -> f64 {
    let people = directory(n, 42);
    let before = rss_bytes();
    let c = community(&people, t0());
    let after = rss_bytes();
    std::hint::black_box(&c);
    after.saturating_sub(before) as f64 / n as f64
}

/// One generated operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Operation {
    /// A registration request for event number `event` (0-based).
    Register {
        /// Event index.
        event: usize,
        /// The request.
        request: RegistrationRequest,
    },
    /// The person cancels their registration for event number `event`.
    Cancel {
        /// Event index.
        event: usize,
        /// The person's address.
        email: String,
    },
}

/// The registration request a person would send.
pub fn request_of(p: &Person) -> RegistrationRequest {
    RegistrationRequest::new(p.email.clone())
        .names(p.family_name.clone(), p.given_name.clone())
        .affiliation(
            p.affiliation.last().cloned().unwrap_or_default(),
            p.grade.clone(),
            p.function.clone(),
        )
        .acknowledging(["deontology", "pssi"])
}

const HOSTILE: &[&str] = &[
    "alice@agri.gouv.fr.evil.com",
    "bob@evilgouv.fr",
    "\"x@evil.com\"@interieur.gouv.fr",
    "Eve <eve@interieur.gouv.fr>",
    "oscar@[192.0.2.1]",
    "trent@interieur.gouv.fr.",
    "peggy@\u{430}gri.gouv.fr",
    "walter@interieur.gouv.fr\r\nBcc: x@y.fr",
    "jean.dupont@gmail.com",
    "",
    "pas-une-adresse",
];

/// A stream of `count` operations over `m_events` events by these people:
/// about 80 % valid requests, 6 % repeats, 5 % hostile, 4 % incomplete and 5 %
/// cancellations of an earlier request.
pub fn requests(people: &[Person], m_events: usize, count: usize, seed: u64) -> Vec<Operation> {
    assert!(!people.is_empty() && m_events > 0);
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x5eed);
    let mut sent: Vec<(usize, usize)> = Vec::new();
    (0..count)
        .map(|_| {
            let roll = rng.random_range(0..100);
            let event = rng.random_range(0..m_events);
            match roll {
                0..80 => {
                    let p = rng.random_range(0..people.len());
                    sent.push((event, p));
                    let mut request = request_of(&people[p]);
                    if rng.random_range(0..5) == 0 {
                        request = request.attending(AttendanceMode::OnSiteOrRemote);
                    }
                    Operation::Register { event, request }
                }
                80..86 if !sent.is_empty() => {
                    let (event, p) = *pick(&mut rng, &sent);
                    let mut request = request_of(&people[p]);
                    request.email = request.email.to_uppercase();
                    Operation::Register { event, request }
                }
                86..91 => {
                    let mut request = request_of(pick(&mut rng, people));
                    request.email = pick(&mut rng, HOSTILE).to_string();
                    Operation::Register { event, request }
                }
                91..95 => {
                    let mut request = request_of(pick(&mut rng, people));
                    request.grade.clear();
                    Operation::Register { event, request }
                }
                _ if !sent.is_empty() => {
                    let (event, p) = *pick(&mut rng, &sent);
                    Operation::Cancel {
                        event,
                        email: people[p].email.clone(),
                    }
                }
                _ => Operation::Register {
                    event,
                    request: request_of(pick(&mut rng, people)),
                },
            }
        })
        .collect()
}

/// A fixed instant the benches use as "now".
pub fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 5, 9, 0, 0).unwrap()
}

/// A schedule `days` after [`t0`], two hours long.
pub fn schedule(days: i64) -> cimi_core::event::Schedule {
    let start = t0() + Duration::days(days);
    cimi_core::event::Schedule::new(start, start + Duration::hours(2)).expect("valid schedule")
}
