//! Mutual help (entraide): help requests, referrals (mise en relation) and
//! the suggested helpers, ranked by the core from members' skills.

use cimi_core::help::{self as ch, HelpRequestId};

use crate::MemberStatus;
use crate::community::Community;
use crate::convert::{self, id_i64, id_u64};
use crate::error::CimiError;
use crate::time::{instant, millis};

pub use cimi_core::help::HelpState;
pub use cimi_core::help::Visibility as HelpVisibility;
use cimi_core::help::Visibility;

/// Who may see a help request.
#[uniffi::remote(Enum)]
#[uniffi(name = "HelpVisibility")]
#[non_exhaustive]
pub enum Visibility {
    /// On the forum, for everyone.
    Public,
    /// Between the asker, the bureau and the people referred to.
    Private,
}

/// Where a help request stands: open → referred → resolved or closed.
#[uniffi::remote(Enum)]
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

/// One dated step of a help request's life.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct HelpStep {
    /// The state entered.
    pub state: HelpState,
    /// When (ms since the epoch).
    pub at_ms: i64,
    /// Members the asker was referred to at this step.
    pub referred_to: Vec<i64>,
}

/// A request for help.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct HelpRequest {
    /// Identifier.
    pub id: i64,
    /// Who asks (a member).
    pub asker_id: i64,
    /// Topic.
    pub topic: String,
    /// The question.
    pub text: String,
    /// Skills needed, normalised.
    pub skills: Vec<String>,
    /// Who may see it.
    pub visibility: HelpVisibility,
    /// Current state.
    pub state: HelpState,
    /// When it was asked (ms since the epoch).
    pub asked_at_ms: i64,
    /// Everyone the asker was referred to, in order, without repeats.
    pub referred_to: Vec<i64>,
    /// Every step, oldest first.
    pub steps: Vec<HelpStep>,
}

impl From<&ch::HelpRequest> for HelpRequest {
    fn from(h: &ch::HelpRequest) -> Self {
        let ids = |v: &[cimi_core::ids::MemberId]| v.iter().map(|m| id_i64(m.get())).collect();
        HelpRequest {
            id: id_i64(h.id.get()),
            asker_id: id_i64(h.asker.get()),
            topic: h.topic.clone(),
            text: h.text.clone(),
            skills: h.skills.iter().map(|s| s.to_string()).collect(),
            visibility: h.visibility,
            state: h.state(),
            asked_at_ms: millis(h.asked_at()),
            referred_to: ids(&h.referred_to()),
            steps: h
                .steps
                .iter()
                .map(|s| HelpStep {
                    state: s.state,
                    at_ms: millis(s.at),
                    referred_to: ids(&s.referred_to),
                })
                .collect(),
        }
    }
}

/// A member to put the asker in touch with.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct HelperSuggestion {
    /// The member.
    pub member_id: i64,
    /// Sum of the weights of the shared skills (rarer skills weigh more).
    pub score: f64,
    /// The shared skills (normalised), in order.
    pub shared_skills: Vec<String>,
    /// Active or dormant.
    pub status: MemberStatus,
}

impl From<ch::Suggestion> for HelperSuggestion {
    fn from(s: ch::Suggestion) -> Self {
        HelperSuggestion {
            member_id: id_i64(s.member.get()),
            score: s.score,
            shared_skills: s.shared_skills,
            status: s.status,
        }
    }
}

fn help_id(id: i64) -> Result<HelpRequestId, CimiError> {
    id_u64(id, "help_request_id").map(HelpRequestId::new)
}

fn count(k: i32) -> Result<usize, CimiError> {
    usize::try_from(k)
        .map_err(|_| CimiError::input("k", format!("{k} is negative"), format!("{k} est négatif")))
}

/// Normalises a skill tag as the core compares them (`" Postgre SQL "` →
/// `postgresql`, `Sécurité` → `securite`); `null` when nothing is left.
#[uniffi::export]
pub fn normalize_skill(tag: String) -> Option<String> {
    cimi_core::skills::normalize_skill(&tag)
}

#[uniffi::export]
impl Community {
    /// Asks for help; the asker (by address) becomes a member *de fait* if
    /// needed. Returns the request's identifier.
    pub fn ask_help(
        &self,
        asker_email: String,
        topic: String,
        text: String,
        skills: Vec<String>,
        visibility: HelpVisibility,
        at_ms: i64,
    ) -> Result<i64, CimiError> {
        let at = instant(at_ms, "at_ms")?;
        let skills: Vec<&str> = skills.iter().map(String::as_str).collect();
        self.write(|c| {
            c.ask_help(&asker_email, &topic, &text, &skills, visibility, at)
                .map(|id| id_i64(id.get()))
        })
    }

    /// Puts the asker in touch with these members (mise en relation).
    pub fn refer_help(
        &self,
        help_request_id: i64,
        member_ids: Vec<i64>,
        at_ms: i64,
    ) -> Result<(), CimiError> {
        let id = help_id(help_request_id)?;
        let to = member_ids
            .into_iter()
            .map(convert::member_id)
            .collect::<Result<Vec<_>, _>>()?;
        let at = instant(at_ms, "at_ms")?;
        self.write(|c| c.refer_help(id, &to, at))
    }

    /// Marks a request as answered.
    pub fn resolve_help(&self, help_request_id: i64, at_ms: i64) -> Result<(), CimiError> {
        let id = help_id(help_request_id)?;
        let at = instant(at_ms, "at_ms")?;
        self.write(|c| c.resolve_help(id, at))
    }

    /// Closes a request without an answer.
    pub fn close_help(&self, help_request_id: i64, at_ms: i64) -> Result<(), CimiError> {
        let id = help_id(help_request_id)?;
        let at = instant(at_ms, "at_ms")?;
        self.write(|c| c.close_help(id, at))
    }

    /// A help request by identifier, or `null`.
    pub fn help_request(&self, help_request_id: i64) -> Result<Option<HelpRequest>, CimiError> {
        let id = help_id(help_request_id)?;
        self.read(|c| Ok(c.help_request(id).map(Into::into)))
    }

    /// Every help request, by identifier.
    pub fn help_requests(&self) -> Result<Vec<HelpRequest>, CimiError> {
        self.read(|c| Ok(c.help_requests().map(Into::into).collect()))
    }

    /// The best `k` members to put the asker in touch with: shared skills
    /// (rarer ones weigh more), active members first, never the asker.
    pub fn suggest_helpers(
        &self,
        help_request_id: i64,
        k: i32,
        now_ms: i64,
    ) -> Result<Vec<HelperSuggestion>, CimiError> {
        let id = help_id(help_request_id)?;
        let k = count(k)?;
        let now = instant(now_ms, "now_ms")?;
        self.read(|c| {
            Ok(c.suggest_helpers(id, k, now)?
                .into_iter()
                .map(Into::into)
                .collect())
        })
    }

    /// The best `k` members for a set of skills, leaving out `exclude_member_id`.
    pub fn suggest_for_skills(
        &self,
        skills: Vec<String>,
        exclude_member_id: Option<i64>,
        k: i32,
        now_ms: i64,
    ) -> Result<Vec<HelperSuggestion>, CimiError> {
        let exclude = exclude_member_id.map(convert::member_id).transpose()?;
        let k = count(k)?;
        let now = instant(now_ms, "now_ms")?;
        let skills: Vec<&str> = skills.iter().map(String::as_str).collect();
        self.read(|c| {
            Ok(c.suggest_for_skills(&skills, exclude, k, now)
                .into_iter()
                .map(Into::into)
                .collect())
        })
    }
}
