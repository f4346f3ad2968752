//! The statutes: values, objectives, rules, obligations, audiences, the
//! registration policy and the bureau rules, read as records or JSON,
//! replaced as JSON and checked against the current bureau (the core's
//! `statutes` module and `Community::statutes`, `replace_statutes`,
//! `check_statutes`), and the top-level `cimiStatutesJson`.

use cimi_core::statutes as cs;

use crate::Field;
use crate::community::{Community, guarded};
use crate::convert::{count_i32, id_i64};
use crate::error::CimiError;
use crate::time::instant;

/// A text in French and English.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Text {
    /// French.
    pub fr: String,
    /// English (may be empty: then read the French).
    pub en: String,
}

impl From<&cs::Text> for Text {
    fn from(t: &cs::Text) -> Self {
        Text {
            fr: t.fr.clone(),
            en: t.en.clone(),
        }
    }
}

/// An obligation participants acknowledge (deontology, PSSI…).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Obligation {
    /// Stable identifier, to put in `RegistrationRequest.acknowledged`.
    pub id: String,
    /// What is to be acknowledged.
    pub text: Text,
}

/// An audience derived from the registrant's address; events may give it a
/// seat quota.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Audience {
    /// Stable identifier (the quota key).
    pub id: String,
    /// Human name.
    pub name: Text,
    /// Address patterns that belong to it (`*@*.interieur.gouv.fr`…).
    pub patterns: Vec<String>,
}

/// Who may register and what they must give.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct RegistrationPolicy {
    /// Allowed address patterns (`*@*.gouv.fr`); empty allows every valid address.
    pub allowed: Vec<String>,
    /// Fields that must be non-blank.
    pub required_fields: Vec<Field>,
    /// Longest accepted field, in characters.
    pub max_field_chars: i32,
    /// Whether registrants must acknowledge every obligation.
    pub require_acknowledgement: bool,
}

/// A principal entity the bureau should be drawn from.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct PrincipalEntity {
    /// Its name (DSIC, SDSICIF, ST(SI)²).
    pub name: String,
    /// Other names (successors, spellings).
    pub aliases: Vec<String>,
}

/// Rules about the bureau.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct BureauRules {
    /// Exact size of the bureau, if fixed.
    pub size: Option<i32>,
    /// The principal entities.
    pub principal_entities: Vec<PrincipalEntity>,
    /// Each principal entity must have a bureau member.
    pub each_entity_represented: bool,
    /// Each bureau member must belong to a principal entity.
    pub each_member_from_entity: bool,
    /// Bureau members must be active.
    pub members_active: bool,
}

/// A community's statutes (read-only view; change them with JSON, see
/// `Community.replaceStatutesJson`).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Statutes {
    /// Short name.
    pub name: String,
    /// Full name.
    pub full_name: Text,
    /// Values (neutralité, indépendance, esprit de partage).
    pub values: Vec<Text>,
    /// Objectives.
    pub objectives: Vec<Text>,
    /// Rules the community binds itself to.
    pub rules: Vec<Text>,
    /// Obligations participants acknowledge.
    pub obligations: Vec<Obligation>,
    /// Audiences, tried in order.
    pub audiences: Vec<Audience>,
    /// Registration policy.
    pub policy: RegistrationPolicy,
    /// A member is active while the last participation is this many days old or less.
    pub activity_window_days: i32,
    /// Days registrations of non-members are kept after an event, if set.
    pub non_member_retention_days: Option<i32>,
    /// Bureau rules.
    pub bureau: BureauRules,
    /// The community's channels (forum, wiki, mailing list…).
    pub channels: Vec<crate::Channel>,
}

impl From<&cs::Statutes> for Statutes {
    fn from(s: &cs::Statutes) -> Self {
        let texts = |v: &[cs::Text]| v.iter().map(Into::into).collect::<Vec<Text>>();
        Statutes {
            name: s.name.clone(),
            full_name: (&s.full_name).into(),
            values: texts(&s.values),
            objectives: texts(&s.objectives),
            rules: texts(&s.rules),
            obligations: s
                .obligations
                .iter()
                .map(|o| Obligation {
                    id: o.id.clone(),
                    text: (&o.text).into(),
                })
                .collect(),
            audiences: s
                .audiences
                .iter()
                .map(|a| Audience {
                    id: a.id.clone(),
                    name: (&a.name).into(),
                    patterns: a.patterns.iter().map(|p| p.as_str().to_string()).collect(),
                })
                .collect(),
            policy: RegistrationPolicy {
                allowed: s
                    .policy
                    .allowed
                    .iter()
                    .map(|p| p.as_str().to_string())
                    .collect(),
                required_fields: s.policy.required_fields.iter().copied().collect(),
                max_field_chars: count_i32(s.policy.max_field_chars),
                require_acknowledgement: s.policy.require_acknowledgement,
            },
            activity_window_days: count_i32(s.activity_window_days),
            non_member_retention_days: s.non_member_retention_days.map(count_i32),
            bureau: BureauRules {
                size: s.bureau.size.map(count_i32),
                principal_entities: s
                    .bureau
                    .principal_entities
                    .iter()
                    .map(|e| PrincipalEntity {
                        name: e.name.clone(),
                        aliases: e.aliases.clone(),
                    })
                    .collect(),
                each_entity_represented: s.bureau.each_entity_represented,
                each_member_from_entity: s.bureau.each_member_from_entity,
                members_active: s.bureau.members_active,
            },
            channels: s.channels.iter().map(Into::into).collect(),
        }
    }
}

/// A rule of the statutes that the current bureau breaks.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Violation {
    /// Stable snake_case rule (`bureau_size`, `entity_not_represented`,
    /// `member_outside_entities`, `member_not_active`).
    pub kind: String,
    /// Message in English.
    pub message: String,
    /// Message in French.
    pub message_fr: String,
    /// The bureau member concerned, if any.
    pub member_id: Option<i64>,
    /// The principal entity concerned, if any.
    pub entity: Option<String>,
}

impl From<&cs::Violation> for Violation {
    fn from(v: &cs::Violation) -> Self {
        let (member_id, entity) = match v {
            cs::Violation::EntityNotRepresented { entity } => (None, Some(entity.clone())),
            cs::Violation::MemberOutsideEntities { member }
            | cs::Violation::MemberNotActive { member, .. } => (Some(id_i64(member.get())), None),
            _ => (None, None),
        };
        Violation {
            kind: v.kind().to_string(),
            message: v.message(cimi_core::Lang::En),
            message_fr: v.message(cimi_core::Lang::Fr),
            member_id,
            entity,
        }
    }
}

/// The CIMI statutes (the preset) as a JSON document: a starting point for
/// another community's statutes (`Community.fromStatutesJson`).
#[uniffi::export]
pub fn cimi_statutes_json() -> String {
    cimi_core::Statutes::cimi().to_json()
}

#[uniffi::export]
impl Community {
    /// The statutes.
    pub fn statutes(&self) -> Result<Statutes, CimiError> {
        self.read(|c| Ok(c.statutes().into()))
    }

    /// The statutes as a JSON document.
    pub fn statutes_json(&self) -> Result<String, CimiError> {
        self.read(|c| Ok(c.statutes().to_json()))
    }

    /// Replaces the statutes (after the bureau amends them) with a JSON
    /// document; registrations are kept as they are.
    pub fn replace_statutes_json(&self, json: String, at_ms: i64) -> Result<(), CimiError> {
        let at = instant(at_ms, "at_ms")?;
        let statutes = guarded(|| Ok(cs::Statutes::from_json(&json)?))?;
        self.write(|c| c.replace_statutes(statutes, at))
    }

    /// Every rule of the statutes the current bureau breaks, at `now_ms`.
    pub fn check_statutes(&self, now_ms: i64) -> Result<Vec<Violation>, CimiError> {
        let now = instant(now_ms, "now_ms")?;
        self.read(|c| Ok(c.check_statutes(now).iter().map(Into::into).collect()))
    }
}
