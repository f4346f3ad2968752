//! Entraide operations: asking for help, suggesting members by skill, referring,
//! answering and closing, and the skill index they use.

use crate::address::EmailAddress;
use crate::change::{Action, Record};
use crate::community::Community;
use crate::error::{Entity, Error, StateError};
use crate::help::*;
use crate::ids::MemberId;
use crate::limits::{MAX_HELP_SKILLS, MAX_REFERRALS};
use crate::member::{Member, MemberStatus};
use crate::skills::normalize_skill;
use crate::text::Text;
use chrono::{DateTime, Utc};
use std::collections::{BTreeSet, HashMap};

/// The inverted index from normalised skill to the (non-erased) members who have it.
#[derive(Debug, Clone, Default)]
pub(crate) struct SkillIndex {
    /// Members by normalised skill, in identifier order.
    postings: crate::community::FastMap<Text, Vec<MemberId>>,
    /// How many members have at least one skill.
    skilled: usize,
}

fn normalized(m: &Member) -> Vec<String> {
    if m.skills.is_empty() || m.is_erased() {
        return Vec::new();
    }
    let mut skills: Vec<String> = m.skills.iter().filter_map(normalize_skill).collect();
    skills.sort_unstable();
    skills.dedup();
    skills
}

impl SkillIndex {
    /// Forgets a member's version `m`.
    pub(crate) fn remove(&mut self, m: &Member) {
        let skills = normalized(m);
        if skills.is_empty() {
            return;
        }
        self.skilled -= 1;
        for s in &skills {
            if let Some(p) = self.postings.get_mut(s.as_str()) {
                if let Ok(at) = p.binary_search(&m.id) {
                    p.remove(at);
                }
                if p.is_empty() {
                    self.postings.remove(s.as_str());
                }
            }
        }
    }

    /// Follows a member's new version (`old` is the one it replaces).
    pub(crate) fn update(&mut self, old: Option<&Member>, m: &Member) {
        if let Some(old) = old {
            if old.skills == m.skills && old.is_erased() == m.is_erased() {
                return;
            }
            self.remove(old);
        }
        let skills = normalized(m);
        if skills.is_empty() {
            return;
        }
        self.skilled += 1;
        for s in &skills {
            let posting = match self.postings.get_mut(s.as_str()) {
                Some(p) => p,
                None => self.postings.entry(Text::from(s.as_str())).or_default(),
            };
            match posting.last() {
                Some(last) if *last >= m.id => {
                    if let Err(at) = posting.binary_search(&m.id) {
                        posting.insert(at, m.id);
                    }
                }
                _ => posting.push(m.id),
            }
        }
    }

    /// Weight of a skill: `ln(1 + N / n)`.
    pub(crate) fn weight(&self, skill: &str) -> f64 {
        let n = self.postings.get(skill).map_or(0, Vec::len);
        if n == 0 {
            return 0.0;
        }
        (1.0 + self.skilled as f64 / n as f64).ln()
    }
}

/// Requests with more wanted skills than this are ranked by accumulation.
const MAX_SUBSET_SKILLS: usize = 10;

fn normalize_all(skills: &[&str]) -> Result<BTreeSet<String>, Error> {
    if skills.len() > MAX_HELP_SKILLS {
        return Err(Error::input(
            "skills",
            format!("more than {MAX_HELP_SKILLS} skills"),
            format!("plus de {MAX_HELP_SKILLS} compétences"),
        ));
    }
    Ok(skills.iter().filter_map(|s| normalize_skill(s)).collect())
}

impl Community {
    /// A help request by identifier.
    pub fn help_request(&self, id: HelpRequestId) -> Option<&HelpRequest> {
        self.help.get(&id)
    }

    /// Every help request, by identifier.
    pub fn help_requests(&self) -> impl Iterator<Item = &HelpRequest> + '_ {
        self.help.values()
    }

    fn help_checked(&self, id: HelpRequestId) -> Result<&HelpRequest, Error> {
        self.help
            .get(&id)
            .ok_or_else(|| Error::not_found(Entity::HelpRequest, id.get()))
    }

    /// Asks for help. The asker is found by address, or becomes a member *de
    /// fait*; either way the participation is recorded.
    pub fn ask_help(
        &mut self,
        asker_email: &str,
        topic: &str,
        text: &str,
        skills: &[&str],
        visibility: Visibility,
        at: DateTime<Utc>,
    ) -> Result<HelpRequestId, Error> {
        let email = EmailAddress::parse(asker_email)?;
        if topic.trim().is_empty() {
            return Err(Error::input(
                "topic",
                "must not be blank",
                "ne doit pas être vide",
            ));
        }
        self.check_text("topic", topic)?;
        self.check_long_text("text", text)?;
        let skills = normalize_all(skills)?;
        let found = self.members.lookup(email.as_str());
        let asker = self.participate(found, email, at, |_| {});
        let id = HelpRequestId::new(self.next.help);
        let request = HelpRequest {
            id,
            asker,
            topic: topic.trim().to_string(),
            text: text.to_string(),
            skills,
            visibility,
            steps: vec![HelpStep {
                state: HelpState::Open,
                at,
                referred_to: Vec::new(),
            }],
        };
        self.commit_within_limits(
            Action::HelpAsked,
            at,
            Record::HelpRequest(Box::new(request)),
        )?;
        Ok(id)
    }

    fn help_step(
        &mut self,
        id: HelpRequestId,
        state: HelpState,
        referred_to: Vec<MemberId>,
        at: DateTime<Utc>,
    ) -> Result<(), Error> {
        let mut request = self.help_checked(id)?.clone();
        let from = request.state();
        if !from.can_become(state) {
            return Err(StateError::HelpTransition { from, to: state }.into());
        }
        request.steps.push(HelpStep {
            state,
            at,
            referred_to,
        });
        let action = match state {
            HelpState::Referred => Action::HelpReferred,
            HelpState::Resolved => Action::HelpResolved,
            _ => Action::HelpClosed,
        };
        self.commit_within_limits(action, at, Record::HelpRequest(Box::new(request)))
    }

    /// Puts the asker in touch with members (mise en relation). Each of them
    /// participates, so becomes or stays active.
    pub fn refer_help(
        &mut self,
        id: HelpRequestId,
        to: &[MemberId],
        at: DateTime<Utc>,
    ) -> Result<(), Error> {
        let asker = self.help_checked(id)?.asker;
        if to.is_empty() || to.len() > MAX_REFERRALS {
            return Err(Error::input(
                "to",
                format!("between 1 and {MAX_REFERRALS} members"),
                format!("entre 1 et {MAX_REFERRALS} membres"),
            ));
        }
        for m in to {
            self.live_member(*m)?;
            if *m == asker {
                return Err(Error::input(
                    "to",
                    "the asker cannot be referred to themselves",
                    "on ne peut pas adresser le demandeur à lui-même",
                ));
            }
        }
        self.help_step(id, HelpState::Referred, to.to_vec(), at)?;
        for m in to {
            let mut member = self.members[m].clone();
            member.record_participation(at);
            self.commit(Action::MemberUpdated, at, Record::Member(Box::new(member)));
        }
        Ok(())
    }

    /// Marks a request as resolved.
    pub fn resolve_help(&mut self, id: HelpRequestId, at: DateTime<Utc>) -> Result<(), Error> {
        self.help_step(id, HelpState::Resolved, Vec::new(), at)
    }

    /// Closes a request without an answer.
    pub fn close_help(&mut self, id: HelpRequestId, at: DateTime<Utc>) -> Result<(), Error> {
        self.help_step(id, HelpState::Closed, Vec::new(), at)
    }

    /// The best `k` members to put the asker in touch with (see the module
    /// documentation for the ranking).
    pub fn suggest_helpers(
        &self,
        id: HelpRequestId,
        k: usize,
        now: DateTime<Utc>,
    ) -> Result<Vec<Suggestion>, Error> {
        let request = self.help_checked(id)?;
        let skills: Vec<&str> = request.skills.iter().map(String::as_str).collect();
        Ok(self.suggest_for_skills(&skills, Some(request.asker), k, now))
    }

    /// The best `k` members for a set of skills (tags are normalised), leaving
    /// out `exclude`. The same ranking as [`suggest_helpers`](Self::suggest_helpers).
    ///
    /// ```
    /// let c = cimi_core::Community::cimi();
    /// assert!(c.suggest_for_skills(&["PostgreSQL"], None, 5, chrono::Utc::now()).is_empty());
    /// ```
    pub fn suggest_for_skills(
        &self,
        skills: &[&str],
        exclude: Option<MemberId>,
        k: usize,
        now: DateTime<Utc>,
    ) -> Vec<Suggestion> {
        let wanted: Vec<String> = skills
            .iter()
            .take(100)
            .filter_map(|s| normalize_skill(s))
            .collect::<BTreeSet<_>>()
            .into_iter()
            .filter(|s| self.skills.postings.contains_key(s.as_str()))
            .collect();
        if k == 0 || wanted.is_empty() {
            return Vec::new();
        }
        if wanted.len() <= MAX_SUBSET_SKILLS {
            self.suggest_by_subsets(&wanted, exclude, k, now)
        } else {
            self.suggest_by_accumulation(&wanted, exclude, k, now)
        }
    }

    /// Walks the members sharing each subset of the wanted skills, best subsets
    /// first and members in identifier order, and stops after `k`: the cost
    /// depends on the postings read, not on the directory's size.
    fn suggest_by_subsets(
        &self,
        wanted: &[String],
        exclude: Option<MemberId>,
        k: usize,
        now: DateTime<Utc>,
    ) -> Vec<Suggestion> {
        let n = wanted.len();
        let postings: Vec<&Vec<MemberId>> = wanted
            .iter()
            .map(|w| &self.skills.postings[w.as_str()])
            .collect();
        let weights: Vec<f64> = wanted.iter().map(|w| self.skills.weight(w)).collect();
        let bits = |mask: u32| (0..n).filter(move |i| mask >> i & 1 == 1);
        let mut masks: Vec<(u32, f64)> = (1..1u32 << n)
            .map(|m| (m, bits(m).map(|i| weights[i]).sum::<f64>()))
            .collect();
        masks.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        let window = self.statutes.activity_window();
        let mask_of = |id: &MemberId| {
            (0..n)
                .filter(|i| postings[*i].binary_search(id).is_ok())
                .fold(0u32, |m, i| m | 1 << i)
        };
        let mut out = Vec::with_capacity(k.min(1024));
        for active in [true, false] {
            let mut g = 0;
            while g < masks.len() {
                // Subsets of equal score form one group, merged by identifier.
                let score = masks[g].1;
                let end = g + masks[g..]
                    .iter()
                    .take_while(|m| m.1.to_bits() == score.to_bits())
                    .count();
                let mut streams: Vec<_> = masks[g..end]
                    .iter()
                    .map(|&(mask, _)| {
                        let driver = bits(mask).min_by_key(|i| postings[*i].len()).unwrap_or(0);
                        postings[driver]
                            .iter()
                            .copied()
                            .filter(move |id| {
                                Some(*id) != exclude
                                    && mask_of(id) == mask
                                    && (self.members[id].status(window, now)
                                        == MemberStatus::Active)
                                        == active
                            })
                            .map(move |id| (id, mask))
                            .peekable()
                    })
                    .collect();
                loop {
                    let next = streams
                        .iter_mut()
                        .enumerate()
                        .filter_map(|(s, it)| it.peek().map(|(id, _)| (*id, s)))
                        .min();
                    let Some((_, s)) = next else { break };
                    let (member, mask) = streams[s].next().expect("peeked");
                    out.push(Suggestion {
                        member,
                        score,
                        shared_skills: bits(mask).map(|i| wanted[i].clone()).collect(),
                        status: if active {
                            MemberStatus::Active
                        } else {
                            MemberStatus::Dormant
                        },
                    });
                    if out.len() == k {
                        return out;
                    }
                }
                g = end;
            }
        }
        out
    }

    /// Scores every member sharing a wanted skill, then ranks; for requests
    /// with many skills, where subsets would be too many.
    fn suggest_by_accumulation(
        &self,
        wanted: &[String],
        exclude: Option<MemberId>,
        k: usize,
        now: DateTime<Utc>,
    ) -> Vec<Suggestion> {
        let mut scored: HashMap<MemberId, (f64, Vec<String>)> = HashMap::new();
        for skill in wanted {
            let Some(posting) = self.skills.postings.get(skill.as_str()) else {
                continue;
            };
            let w = self.skills.weight(skill);
            for m in posting {
                if Some(*m) == exclude {
                    continue;
                }
                let e = scored.entry(*m).or_default();
                e.0 += w;
                e.1.push(skill.clone());
            }
        }
        let window = self.statutes.activity_window();
        let mut out: Vec<Suggestion> = scored
            .into_iter()
            .map(|(member, (score, shared_skills))| Suggestion {
                member,
                score,
                shared_skills,
                status: self.members[&member].status(window, now),
            })
            .collect();
        let rank = |s: &Suggestion| u8::from(s.status != MemberStatus::Active);
        let order = |a: &Suggestion, b: &Suggestion| {
            rank(a)
                .cmp(&rank(b))
                .then(b.score.total_cmp(&a.score))
                .then(a.member.cmp(&b.member))
        };
        if k < out.len() {
            out.select_nth_unstable_by(k, order);
            out.truncate(k);
        }
        out.sort_by(order);
        out
    }
}
