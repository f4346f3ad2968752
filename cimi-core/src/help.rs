//! Mutual help (entraide): help requests and the people to put the asker in
//! touch with.
//!
//! Anyone may ask (asking makes one a member *de fait*); the bureau answers or
//! refers the asker to members who have the skills (mise en relation). A
//! request goes open → referred → resolved or closed, each step dated.
//!
//! Suggestions rank members by the skills they share with the request, each
//! shared skill weighing its inverse document frequency `ln(1 + N / n)` (N:
//! members with at least one skill, n: members with that skill), so rarer skills
//! weigh more. Active members come before dormant ones, then higher scores, then
//! lower member identifiers; the asker and erased people are never suggested. An
//! inverted index from skill to members keeps this independent of the directory
//! size.
//!
//! ```
//! use chrono::{TimeZone, Utc};
//! use cimi_core::{Community, community::MemberProfile, help::Visibility};
//! let t = Utc.with_ymd_and_hms(2024, 5, 2, 9, 0, 0).unwrap();
//! let mut c = Community::cimi();
//! let skills = |s: &[&str]| MemberProfile { skills: s.iter().map(|x| x.to_string()).collect(), ..Default::default() };
//! let jean = c.add_member("jean@interieur.gouv.fr", skills(&["Docker", "OpenStreetMap"]), t)?;
//! c.add_member("rachid@interieur.gouv.fr", skills(&["Docker"]), t)?;
//! let ask = c.ask_help("pascaline@interieur.gouv.fr", "Tuiles OSM", "Comment servir des tuiles ?",
//!                      &["openstreetmap", "docker"], Visibility::Public, t)?;
//! let best = c.suggest_helpers(ask, 1, t)?;
//! assert_eq!(best[0].member, jean);
//! assert_eq!(best[0].shared_skills, ["docker", "openstreetmap"]);
//! # Ok::<(), cimi_core::Error>(())
//! ```

use std::collections::BTreeSet;
use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::ids::MemberId;
use crate::member::MemberStatus;

pub use crate::ids::HelpRequestId;

/// Who may see a help request.
///
/// ```
/// assert_eq!(cimi_core::help::Visibility::Private.kind(), "private");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Visibility {
    /// On the forum, for everyone.
    Public,
    /// Between the asker, the bureau and the people referred to.
    Private,
}

impl Visibility {
    /// A stable snake_case name.
    pub fn kind(self) -> &'static str {
        match self {
            Visibility::Public => "public",
            Visibility::Private => "private",
        }
    }

    /// Parses a snake_case name.
    pub fn from_kind(s: &str) -> Option<Visibility> {
        match s {
            "public" => Some(Visibility::Public),
            "private" => Some(Visibility::Private),
            _ => None,
        }
    }
}

/// Where a help request stands.
///
/// ```
/// use cimi_core::help::HelpState;
/// assert!(HelpState::Referred.can_become(HelpState::Resolved));
/// assert!(!HelpState::Closed.can_become(HelpState::Open));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum HelpState {
    /// Waiting for an answer.
    Open,
    /// The asker was put in touch with one or more members.
    Referred,
    /// Answered.
    Resolved,
    /// Closed without an answer.
    Closed,
}

impl HelpState {
    /// A stable snake_case name.
    pub fn kind(self) -> &'static str {
        match self {
            HelpState::Open => "open",
            HelpState::Referred => "referred",
            HelpState::Resolved => "resolved",
            HelpState::Closed => "closed",
        }
    }

    /// Whether the lifecycle allows going from `self` to `next`.
    pub fn can_become(self, next: HelpState) -> bool {
        use HelpState::*;
        matches!(
            (self, next),
            (Open, Referred)
                | (Referred, Referred)
                | (Open | Referred, Resolved)
                | (Open | Referred, Closed)
        )
    }
}

/// One dated step of a help request's life.
///
/// ```
/// # use cimi_core::help::HelpStep;
/// # fn f(s: &HelpStep) { let _ = (s.state, s.at, &s.referred_to); }
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HelpStep {
    /// The state entered.
    pub state: HelpState,
    /// When.
    pub at: DateTime<Utc>,
    /// Members the asker was referred to at this step.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub referred_to: Vec<MemberId>,
}

/// A request for help.
///
/// ```
/// # use cimi_core::help::HelpRequest;
/// # fn f(h: &HelpRequest) -> bool { h.state().kind() == "open" }
/// ```
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HelpRequest {
    /// Identifier.
    pub id: HelpRequestId,
    /// Who asks.
    pub asker: MemberId,
    /// Topic.
    pub topic: String,
    /// The question.
    pub text: String,
    /// Skills needed, normalised.
    pub skills: BTreeSet<String>,
    /// Who may see it.
    pub visibility: Visibility,
    /// Every step, oldest first; the first is `Open`.
    pub steps: Vec<HelpStep>,
}

impl fmt::Debug for HelpRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HelpRequest")
            .field("id", &self.id)
            .field("asker", &self.asker)
            .field("skills", &self.skills)
            .field("visibility", &self.visibility)
            .field("state", &self.state())
            .finish_non_exhaustive()
    }
}

impl HelpRequest {
    /// The current state.
    pub fn state(&self) -> HelpState {
        self.steps.last().map_or(HelpState::Open, |s| s.state)
    }

    /// When it was asked.
    pub fn asked_at(&self) -> DateTime<Utc> {
        self.steps.first().map(|s| s.at).unwrap_or_default()
    }

    /// Everyone the asker was referred to, in order, without repeats.
    pub fn referred_to(&self) -> Vec<MemberId> {
        let mut seen = BTreeSet::new();
        self.steps
            .iter()
            .flat_map(|s| s.referred_to.iter().copied())
            .filter(|m| seen.insert(*m))
            .collect()
    }
}

/// A member to put the asker in touch with.
///
/// ```
/// # use cimi_core::help::Suggestion;
/// # fn f(s: &Suggestion) -> usize { s.shared_skills.len() }
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Suggestion {
    /// The member.
    pub member: MemberId,
    /// Sum of the weights of the shared skills.
    pub score: f64,
    /// The shared skills (normalised), in order.
    pub shared_skills: Vec<String>,
    /// Active or dormant.
    pub status: MemberStatus,
}
