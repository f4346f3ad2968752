//! Statutes as data: values, objectives, obligations, audiences, registration
//! policy, activity window and bureau rules.
//!
//! CIMI is a preset ([`Statutes::cimi`]), not a code path: another community
//! (another ministry, a town's civic-tech group) loads its own statutes from a
//! JSON file with [`Statutes::from_json`].
//!
//! ```
//! use cimi_core::statutes::Statutes;
//!
//! let cimi = Statutes::cimi();
//! assert_eq!(cimi.bureau.size, Some(7));
//! let text = cimi.to_json();
//! assert_eq!(Statutes::from_json(&text)?, cimi);
//! # Ok::<(), cimi_core::statutes::StatutesError>(())
//! ```

use std::collections::{BTreeSet, HashSet};

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use crate::address::{AddressPattern, EmailAddress};
use crate::i18n::Lang;
use crate::ids::MemberId;
use crate::limits::{MAX_BUREAU_SIZE, MAX_FIELD_CHARS};
use crate::member::{Member, MemberStatus};
use crate::registration::Field;
use crate::watch::{Channel, ChannelKind, ChannelVisibility};

/// The version of the statutes file format this library writes.
pub const STATUTES_FORMAT_VERSION: u32 = 1;
const STATUTES_FORMAT: &str = "cimi.statutes";

/// A text in French and English.
///
/// ```
/// use cimi_core::{statutes::Text, Lang};
/// let t = Text::new("neutralité", "neutrality");
/// assert_eq!(t.get(Lang::En), "neutrality");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Text {
    /// French.
    pub fr: String,
    /// English; falls back to French when empty.
    #[serde(default)]
    pub en: String,
}

impl Text {
    /// A text in both languages.
    pub fn new(fr: impl Into<String>, en: impl Into<String>) -> Text {
        Text {
            fr: fr.into(),
            en: en.into(),
        }
    }

    /// The text in `lang`, falling back to the other language when empty.
    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::En if !self.en.is_empty() => &self.en,
            Lang::Fr if self.fr.is_empty() => &self.en,
            _ => &self.fr,
        }
    }
}

/// An obligation participants must acknowledge (deontology, PSSI…).
///
/// ```
/// let o = &cimi_core::statutes::Statutes::cimi().obligations[0];
/// assert_eq!(o.id, "deontology");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Obligation {
    /// Stable identifier, referenced by registration requests.
    pub id: String,
    /// What is to be acknowledged.
    pub text: Text,
}

/// An audience, derived from the registrant's address; events may give each
/// audience a seat quota.
///
/// ```
/// let cimi = cimi_core::statutes::Statutes::cimi();
/// let a = cimi.audience_of(&"a@dnum.interieur.gouv.fr".parse()?).unwrap();
/// assert_eq!(a, "interieur");
/// # Ok::<(), cimi_core::address::AddressError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Audience {
    /// Stable identifier (used as quota key).
    pub id: String,
    /// Human name.
    pub name: Text,
    /// Addresses that belong to this audience.
    pub patterns: Vec<AddressPattern>,
}

/// The registration policy: who may register and what they must give.
///
/// ```
/// let p = &cimi_core::statutes::Statutes::cimi().policy;
/// assert!(p.require_acknowledgement);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegistrationPolicy {
    /// Allowed addresses; an empty list allows every valid address.
    pub allowed: Vec<AddressPattern>,
    /// Fields that must be non-blank after trimming.
    pub required_fields: BTreeSet<Field>,
    /// Longest accepted field, in characters.
    pub max_field_chars: u32,
    /// Whether registrants must acknowledge every obligation of the statutes.
    pub require_acknowledgement: bool,
}

impl RegistrationPolicy {
    /// Whether the policy allows that address.
    pub fn allows(&self, address: &EmailAddress) -> bool {
        let (local, domain) = address.parts();
        self.allowed.is_empty() || self.allowed.iter().any(|p| p.matches_parts(local, domain))
    }
}

/// One of the principal entities the bureau should be drawn from.
///
/// ```
/// let e = &cimi_core::statutes::Statutes::cimi().bureau.principal_entities[0];
/// assert_eq!(e.name, "DSIC");
/// assert!(e.aliases.contains(&"DNUM".to_string()));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrincipalEntity {
    /// Its name.
    pub name: String,
    /// Other names (successors, spellings): the DNUM absorbed the DSIC in 2020.
    #[serde(default)]
    pub aliases: Vec<String>,
}

impl PrincipalEntity {
    /// Whether the member belongs to this entity (by name or alias).
    pub fn includes(&self, member: &Member) -> bool {
        std::iter::once(&self.name)
            .chain(&self.aliases)
            .any(|n| member.belongs_to(n))
    }
}

/// Rules about the bureau that runs the community.
///
/// ```
/// let b = &cimi_core::statutes::Statutes::cimi().bureau;
/// assert!(b.each_entity_represented);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BureauRules {
    /// Exact size of the bureau, if the statutes fix it.
    pub size: Option<u32>,
    /// The principal entities.
    #[serde(default)]
    pub principal_entities: Vec<PrincipalEntity>,
    /// Each principal entity must have at least one bureau member.
    #[serde(default)]
    pub each_entity_represented: bool,
    /// Each bureau member must belong to a principal entity.
    #[serde(default)]
    pub each_member_from_entity: bool,
    /// Bureau members must be active members.
    #[serde(default)]
    pub members_active: bool,
}

/// A rule of the statutes that the current bureau breaks.
///
/// ```
/// use cimi_core::{statutes::Violation, Lang};
/// let v = Violation::BureauSize { expected: 7, actual: 5 };
/// assert_eq!(v.kind(), "bureau_size");
/// assert!(v.message(Lang::Fr).contains("7"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Violation {
    /// The bureau does not have the size the statutes fix.
    BureauSize {
        /// Size the statutes fix.
        expected: u32,
        /// Current size.
        actual: u32,
    },
    /// No bureau member belongs to a principal entity.
    EntityNotRepresented {
        /// The entity's name.
        entity: String,
    },
    /// A bureau member belongs to no principal entity.
    MemberOutsideEntities {
        /// The member.
        member: MemberId,
    },
    /// A bureau member is not active (dormant or erased).
    MemberNotActive {
        /// The member.
        member: MemberId,
        /// The member's status.
        status: MemberStatus,
    },
}

impl Violation {
    /// A stable snake_case identifier.
    pub fn kind(&self) -> &'static str {
        match self {
            Violation::BureauSize { .. } => "bureau_size",
            Violation::EntityNotRepresented { .. } => "entity_not_represented",
            Violation::MemberOutsideEntities { .. } => "member_outside_entities",
            Violation::MemberNotActive { .. } => "member_not_active",
        }
    }

    /// The violation in the given language.
    pub fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (Violation::BureauSize { expected, actual }, Lang::Fr) => {
                format!("le bureau compte {actual} membres au lieu de {expected}")
            }
            (Violation::BureauSize { expected, actual }, _) => {
                format!("the bureau has {actual} members instead of {expected}")
            }
            (Violation::EntityNotRepresented { entity }, Lang::Fr) => {
                format!("l'entité {entity} n'est pas représentée au bureau")
            }
            (Violation::EntityNotRepresented { entity }, _) => {
                format!("the entity {entity} is not represented in the bureau")
            }
            (Violation::MemberOutsideEntities { member }, Lang::Fr) => {
                format!("le membre {member} du bureau n'appartient à aucune entité principale")
            }
            (Violation::MemberOutsideEntities { member }, _) => {
                format!("bureau member {member} belongs to no principal entity")
            }
            (Violation::MemberNotActive { member, status }, lang) => match lang {
                Lang::Fr => format!(
                    "le membre {member} du bureau n'est pas actif ({})",
                    status.label(lang)
                ),
                _ => format!(
                    "bureau member {member} is not active ({})",
                    status.label(lang)
                ),
            },
        }
    }
}

/// Statutes that cannot be loaded or do not hold together.
///
/// ```
/// use cimi_core::statutes::{Statutes, StatutesError};
/// let err = Statutes::from_json("{}").unwrap_err();
/// assert_eq!(err.kind(), "invalid_statutes");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum StatutesError {
    /// The document is not valid JSON for statutes.
    #[error("invalid statutes document: {0}")]
    Syntax(String),
    /// The document declares a format version this library does not know.
    #[error("unsupported statutes format version {found} (this library reads version {supported})")]
    UnsupportedVersion {
        /// Version found in the document.
        found: u32,
        /// Version this library reads.
        supported: u32,
    },
    /// Two items share an identifier.
    #[error("duplicate {what} identifier '{id}'")]
    DuplicateId {
        /// What kind of item.
        what: &'static str,
        /// The identifier.
        id: String,
    },
    /// A value is out of its allowed range.
    #[error("invalid value for {field}: {reason}")]
    InvalidValue {
        /// The field.
        field: &'static str,
        /// Why.
        reason: String,
    },
}

impl StatutesError {
    /// A stable snake_case identifier.
    pub fn kind(&self) -> &'static str {
        match self {
            StatutesError::Syntax(_) => "invalid_statutes",
            StatutesError::UnsupportedVersion { .. } => "unsupported_version",
            StatutesError::DuplicateId { .. } => "duplicate_id",
            StatutesError::InvalidValue { .. } => "invalid_value",
        }
    }

    /// The error in the given language.
    pub fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (StatutesError::Syntax(detail), Lang::Fr) => {
                format!("document de statuts invalide : {detail}")
            }
            (StatutesError::UnsupportedVersion { found, supported }, Lang::Fr) => format!(
                "version {found} du format des statuts non prise en charge (version lue : {supported})"
            ),
            (StatutesError::DuplicateId { what, id }, Lang::Fr) => {
                format!("identifiant {what} « {id} » en double")
            }
            (StatutesError::InvalidValue { field, reason }, Lang::Fr) => {
                format!("valeur invalide pour {field} : {reason}")
            }
            _ => self.to_string(),
        }
    }
}

/// A community's statutes.
///
/// ```
/// use cimi_core::statutes::Statutes;
/// let s = Statutes::cimi();
/// assert_eq!(s.values.len(), 3);
/// assert_eq!(s.objectives.len(), 5);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Statutes {
    /// Short name of the community.
    pub name: String,
    /// Full name.
    pub full_name: Text,
    /// Values (neutralité, indépendance, esprit de partage).
    pub values: Vec<Text>,
    /// Objectives.
    pub objectives: Vec<Text>,
    /// Rules the community binds itself to.
    #[serde(default)]
    pub rules: Vec<Text>,
    /// Obligations participants acknowledge.
    #[serde(default)]
    pub obligations: Vec<Obligation>,
    /// Audiences, tried in order; the first that matches an address wins.
    #[serde(default)]
    pub audiences: Vec<Audience>,
    /// Default registration policy.
    pub policy: RegistrationPolicy,
    /// A member is active while the last participation is this many days old or less.
    pub activity_window_days: u32,
    /// Days the registrations of people who are not members are kept after an event.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub non_member_retention_days: Option<u32>,
    /// Bureau rules.
    pub bureau: BureauRules,
    /// The community's channels (forum, wiki, mailing list…).
    #[serde(default)]
    pub channels: Vec<Channel>,
}

#[derive(Serialize)]
struct StatutesDocRef<'a> {
    format: &'static str,
    version: u32,
    #[serde(flatten)]
    statutes: &'a Statutes,
}

#[derive(Deserialize)]
struct StatutesHeader {
    format: Option<String>,
    version: Option<u32>,
}

#[derive(Deserialize)]
struct StatutesDoc {
    #[allow(dead_code)]
    format: String,
    #[allow(dead_code)]
    version: u32,
    #[serde(flatten)]
    statutes: Statutes,
}

fn channel(id: &str, kind: ChannelKind, name: &str, visibility: ChannelVisibility) -> Channel {
    Channel {
        id: id.into(),
        kind,
        name: name.into(),
        visibility,
    }
}

impl Statutes {
    /// The CIMI statutes: values, the five objectives, the two rules, the
    /// deontology and PSSI obligations, the `*@*.gouv.fr` policy of the miditech invitations
    /// (any address of a ministry),
    /// the home-ministry and other-ministries audiences, a bureau of 7 drawn
    /// from DSIC (now DNUM), SDSICIF and ST(SI)².
    pub fn cimi() -> Statutes {
        let pat = |s: &str| s.parse::<AddressPattern>().expect("preset pattern");
        Statutes {
            name: "CIMI".into(),
            full_name: Text::new(
                "Communauté Informatique du Ministère de l'Intérieur",
                "IT Community of the Ministry of the Interior",
            ),
            values: vec![
                Text::new("neutralité", "neutrality"),
                Text::new("indépendance", "independence"),
                Text::new("esprit de partage", "spirit of sharing"),
            ],
            objectives: vec![
                Text::new(
                    "Fédérer une communauté regroupant des personnes passionnées par l'informatique",
                    "Federate a community of people passionate about computing",
                ),
                Text::new(
                    "Maintenir et développer des liens entre les membres de la communauté",
                    "Maintain and develop links between the community's members",
                ),
                Text::new(
                    "Assurer une veille technologique interne (projets, initiatives) et externe (l'informatique au sens large) et communiquer les fruits de cette veille",
                    "Keep an internal (projects, initiatives) and external (computing at large) technology watch and share its fruits",
                ),
                Text::new(
                    "Favoriser et développer l'entraide entre informaticiens",
                    "Foster and develop mutual help between IT people",
                ),
                Text::new(
                    "Maintenir un lien privilégié avec les différents services et directions informatiques du Ministère de l'Intérieur",
                    "Keep a privileged link with the IT services and directions of the Ministry of the Interior",
                ),
            ],
            rules: vec![
                Text::new(
                    "La CIMI ne se substitue en aucun cas aux Directions des Systèmes d'Information ou aux services informatiques du Ministère de l'Intérieur.",
                    "The CIMI never substitutes for the Ministry of the Interior's IT directions or services.",
                ),
                Text::new(
                    "Il n'y a pas de cotisation : on est membre de fait lorsque l'on participe.",
                    "There are no dues: one is a member by participating.",
                ),
            ],
            obligations: vec![
                Obligation {
                    id: "deontology".into(),
                    text: Text::new(
                        "Respecter les règles de déontologie en usage dans l'administration",
                        "Respect the administration's rules of professional ethics",
                    ),
                },
                Obligation {
                    id: "pssi".into(),
                    text: Text::new(
                        "Respecter la politique de sécurité des systèmes d'information du M.I.",
                        "Respect the ministry's information systems security policy (PSSI)",
                    ),
                },
            ],
            audiences: vec![
                Audience {
                    id: "interieur".into(),
                    name: Text::new("Ministère de l'Intérieur", "Ministry of the Interior"),
                    patterns: vec![pat("*@interieur.gouv.fr"), pat("*@*.interieur.gouv.fr")],
                },
                Audience {
                    id: "other_ministries".into(),
                    name: Text::new("Autres ministères", "Other ministries"),
                    patterns: vec![pat("*@*.gouv.fr")],
                },
            ],
            policy: RegistrationPolicy {
                allowed: vec![pat("*@*.gouv.fr")],
                required_fields: Field::ALL.into_iter().collect(),
                max_field_chars: 200,
                require_acknowledgement: true,
            },
            activity_window_days: 365,
            non_member_retention_days: Some(365),
            bureau: BureauRules {
                size: Some(7),
                principal_entities: vec![
                    PrincipalEntity {
                        name: "DSIC".into(),
                        aliases: vec!["DNUM".into()],
                    },
                    PrincipalEntity {
                        name: "SDSICIF".into(),
                        aliases: vec!["Préfecture de police".into()],
                    },
                    PrincipalEntity {
                        name: "ST(SI)²".into(),
                        aliases: vec!["ST(SI)2".into(), "STSI²".into(), "STSI2".into()],
                    },
                ],
                each_entity_represented: true,
                each_member_from_entity: false,
                members_active: true,
            },
            channels: vec![
                channel(
                    "forum",
                    ChannelKind::Forum,
                    "Forum CIMI",
                    ChannelVisibility::MinistryInternal,
                ),
                channel(
                    "wiki",
                    ChannelKind::Wiki,
                    "Wiki CIMI",
                    ChannelVisibility::MinistryInternal,
                ),
                channel(
                    "mailing_list",
                    ChannelKind::MailingList,
                    "Liste de diffusion CIMI",
                    ChannelVisibility::MembersOnly,
                ),
                channel(
                    "contact",
                    ChannelKind::ContactMailbox,
                    "cimi@interieur.gouv.fr",
                    ChannelVisibility::MinistryInternal,
                ),
                channel(
                    "tchap",
                    ChannelKind::TchapRoom,
                    "Salon Tchap CIMI",
                    ChannelVisibility::MinistryInternal,
                ),
                channel(
                    "twitter",
                    ChannelKind::PublicSocial,
                    "@communaute_cimi",
                    ChannelVisibility::Public,
                ),
                channel(
                    "intranet",
                    ChannelKind::IntranetSite,
                    "Site intranet CIMI",
                    ChannelVisibility::MinistryInternal,
                ),
                channel(
                    "github",
                    ChannelKind::CodeForge,
                    "GitHub CIMI",
                    ChannelVisibility::Public,
                ),
            ],
        }
    }

    /// The channel with that identifier.
    pub fn channel(&self, id: &str) -> Option<&Channel> {
        self.channels.iter().find(|c| c.id == id)
    }

    /// The activity window as a duration.
    pub fn activity_window(&self) -> Duration {
        Duration::days(i64::from(self.activity_window_days))
    }

    /// The identifiers of every obligation, as one set: what a request
    /// acknowledging all of them carries.
    ///
    /// ```
    /// let ids = cimi_core::statutes::Statutes::cimi().obligation_ids();
    /// assert!(ids.contains("pssi"));
    /// ```
    pub fn obligation_ids(&self) -> crate::text::TextSet {
        self.obligations.iter().map(|o| o.id.as_str()).collect()
    }

    /// The audience an address belongs to, if any: the first that matches.
    pub fn audience_of(&self, address: &EmailAddress) -> Option<&str> {
        let (local, domain) = address.parts();
        self.audiences
            .iter()
            .find(|a| a.patterns.iter().any(|p| p.matches_parts(local, domain)))
            .map(|a| a.id.as_str())
    }

    /// The audience with that identifier.
    pub fn audience(&self, id: &str) -> Option<&Audience> {
        self.audiences.iter().find(|a| a.id == id)
    }

    /// Checks that the statutes hold together: unique identifiers, sane values.
    ///
    /// ```
    /// let mut s = cimi_core::statutes::Statutes::cimi();
    /// s.obligations.push(s.obligations[0].clone());
    /// assert_eq!(s.validate().unwrap_err().kind(), "duplicate_id");
    /// ```
    pub fn validate(&self) -> Result<(), StatutesError> {
        let mut seen = HashSet::new();
        for o in &self.obligations {
            if o.id.trim().is_empty() {
                return Err(StatutesError::InvalidValue {
                    field: "obligations.id",
                    reason: "must not be blank".into(),
                });
            }
            // A request's acknowledgements are a TextSet, which holds no such character.
            if crate::address::scan_text(&o.id).0 {
                return Err(StatutesError::InvalidValue {
                    field: "obligations.id",
                    reason: "must not contain control or invisible characters".into(),
                });
            }
            if !seen.insert(o.id.as_str()) {
                return Err(StatutesError::DuplicateId {
                    what: "obligation",
                    id: o.id.clone(),
                });
            }
        }
        let mut seen = HashSet::new();
        for a in &self.audiences {
            if a.id.trim().is_empty() {
                return Err(StatutesError::InvalidValue {
                    field: "audiences.id",
                    reason: "must not be blank".into(),
                });
            }
            if !seen.insert(a.id.as_str()) {
                return Err(StatutesError::DuplicateId {
                    what: "audience",
                    id: a.id.clone(),
                });
            }
        }
        let mut seen = HashSet::new();
        for c in &self.channels {
            if c.id.trim().is_empty() {
                return Err(StatutesError::InvalidValue {
                    field: "channels.id",
                    reason: "must not be blank".into(),
                });
            }
            if !seen.insert(c.id.as_str()) {
                return Err(StatutesError::DuplicateId {
                    what: "channel",
                    id: c.id.clone(),
                });
            }
        }
        if self.policy.max_field_chars == 0 || self.policy.max_field_chars > MAX_FIELD_CHARS {
            return Err(StatutesError::InvalidValue {
                field: "policy.max_field_chars",
                reason: format!("must be between 1 and {MAX_FIELD_CHARS}"),
            });
        }
        if self.activity_window_days == 0 || self.activity_window_days > 36_500 {
            return Err(StatutesError::InvalidValue {
                field: "activity_window_days",
                reason: "must be between 1 and 36500".into(),
            });
        }
        if self.bureau.size.is_some_and(|s| s > MAX_BUREAU_SIZE) {
            return Err(StatutesError::InvalidValue {
                field: "bureau.size",
                reason: format!("must be at most {MAX_BUREAU_SIZE}"),
            });
        }
        Ok(())
    }

    /// Loads statutes from their JSON document (see [`Statutes::to_json`]).
    ///
    /// ```
    /// use cimi_core::statutes::Statutes;
    /// let doc = Statutes::cimi().to_json().replace("\"version\": 1", "\"version\": 99");
    /// assert_eq!(Statutes::from_json(&doc).unwrap_err().kind(), "unsupported_version");
    /// ```
    pub fn from_json(text: &str) -> Result<Statutes, StatutesError> {
        let header: StatutesHeader =
            serde_json::from_str(text).map_err(|e| StatutesError::Syntax(e.to_string()))?;
        match header.format.as_deref() {
            Some(STATUTES_FORMAT) => {}
            Some(other) => {
                return Err(StatutesError::Syntax(format!(
                    "format is '{other}', expected '{STATUTES_FORMAT}'"
                )));
            }
            None => {
                return Err(StatutesError::Syntax(format!(
                    "missing \"format\": \"{STATUTES_FORMAT}\""
                )));
            }
        }
        match header.version {
            Some(STATUTES_FORMAT_VERSION) => {}
            Some(found) => {
                return Err(StatutesError::UnsupportedVersion {
                    found,
                    supported: STATUTES_FORMAT_VERSION,
                });
            }
            None => return Err(StatutesError::Syntax("missing \"version\"".into())),
        }
        let doc: StatutesDoc =
            serde_json::from_str(text).map_err(|e| StatutesError::Syntax(e.to_string()))?;
        doc.statutes.validate()?;
        Ok(doc.statutes)
    }

    /// Loads statutes from a JSON file.
    pub fn from_path(path: impl AsRef<std::path::Path>) -> Result<Statutes, StatutesError> {
        let text = std::fs::read_to_string(path.as_ref())
            .map_err(|e| StatutesError::Syntax(format!("cannot read file: {e}")))?;
        Statutes::from_json(&text)
    }

    /// The statutes as a versioned, pretty-printed JSON document.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(&StatutesDocRef {
            format: STATUTES_FORMAT,
            version: STATUTES_FORMAT_VERSION,
            statutes: self,
        })
        .expect("statutes always serialize")
    }

    /// Checks the bureau (the members holding a bureau role) against the
    /// statutes and reports every violated rule.
    ///
    /// ```
    /// use cimi_core::statutes::Statutes;
    /// let s = Statutes::cimi();
    /// let violations = s.check_bureau(&[], chrono::Utc::now());
    /// assert_eq!(violations.len(), 4); // size + three entities unrepresented
    /// ```
    pub fn check_bureau(&self, bureau: &[&Member], now: DateTime<Utc>) -> Vec<Violation> {
        let rules = &self.bureau;
        let mut out = Vec::new();
        let actual = u32::try_from(bureau.len()).unwrap_or(u32::MAX);
        if let Some(expected) = rules.size
            && actual != expected
        {
            out.push(Violation::BureauSize { expected, actual });
        }
        if rules.each_entity_represented {
            for entity in &rules.principal_entities {
                if !bureau.iter().any(|m| entity.includes(m)) {
                    out.push(Violation::EntityNotRepresented {
                        entity: entity.name.clone(),
                    });
                }
            }
        }
        for m in bureau {
            if rules.each_member_from_entity
                && !rules.principal_entities.iter().any(|e| e.includes(m))
            {
                out.push(Violation::MemberOutsideEntities { member: m.id });
            }
            if rules.members_active {
                let status = m.status(self.activity_window(), now);
                if status != MemberStatus::Active {
                    out.push(Violation::MemberNotActive {
                        member: m.id,
                        status,
                    });
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod validation_tests {
    use super::*;

    #[test]
    fn an_obligation_id_with_a_control_or_invisible_character_is_refused() {
        for id in ["pssi\u{1F}x", "ps\u{200B}si", "pssi\n"] {
            let mut s = Statutes::cimi();
            s.obligations[0].id = id.into();
            assert!(
                matches!(
                    s.validate(),
                    Err(StatutesError::InvalidValue {
                        field: "obligations.id",
                        ..
                    })
                ),
                "{id:?}"
            );
        }
        assert!(Statutes::cimi().validate().is_ok());
    }
}
