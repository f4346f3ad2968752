//! The statutes' registration rules compiled for the engine: the address
//! patterns and obligations of the statutes in force, in the form that judges
//! many requests fast.

use crate::address::{EmailAddress, PatternSet};
use crate::statutes::Statutes;

/// The statutes' registration rules compiled for judging many requests: the
/// address rules (who may register, which audience a person belongs to),
/// answering exactly as [`RegistrationPolicy::allows`] and
/// [`Statutes::audience_of`], and the obligations to acknowledge.
#[derive(Debug, Clone, Default)]
pub(crate) struct RegistrationRules {
    /// `None`: the policy allows every valid address.
    allowed: Option<PatternSet>,
    /// The audiences in the statutes' order, their identifiers shared.
    audiences: Vec<(crate::text::Text, PatternSet)>,
    /// The obligations' identifiers, in the statutes' order.
    obligations: Vec<crate::text::Text>,
    /// The same as one set, when the set can hold them all (the
    /// identifiers of validated statutes always fit): the acknowledgements
    /// of nearly every request, checked with one comparison.
    every_obligation: Option<crate::text::TextSet>,
}

impl RegistrationRules {
    pub(crate) fn new(statutes: &Statutes) -> RegistrationRules {
        let allowed = &statutes.policy.allowed;
        let obligations: Vec<crate::text::Text> = statutes
            .obligations
            .iter()
            .map(|o| o.id.as_str().into())
            .collect();
        let every = statutes.obligation_ids();
        RegistrationRules {
            allowed: (!allowed.is_empty()).then(|| PatternSet::new(allowed)),
            audiences: statutes
                .audiences
                .iter()
                .map(|a| (a.id.as_str().into(), PatternSet::new(&a.patterns)))
                .collect(),
            every_obligation: (every.len() == obligations.len()).then_some(every),
            obligations,
        }
    }

    /// The first obligation (in the statutes' order) these acknowledgements
    /// miss, if any.
    pub(crate) fn unacknowledged(&self, acknowledged: &crate::text::TextSet) -> Option<&str> {
        if self.every_obligation.as_ref() == Some(acknowledged) {
            return None;
        }
        self.obligations
            .iter()
            .find(|id| !acknowledged.contains(id))
            .map(|id| id.as_str())
    }

    /// The first audience the address belongs to, if any, whatever the
    /// policy says (for an event whose own patterns replace it).
    pub(crate) fn audience(&self, address: &EmailAddress) -> Option<&crate::text::Text> {
        let (local, domain) = address.parts();
        self.audiences
            .iter()
            .find(|(_, set)| set.matches_parts(local, domain))
            .map(|(id, _)| id)
    }

    /// `None` when the policy refuses the address, else the first audience
    /// it belongs to, if any.
    pub(crate) fn admit(&self, address: &EmailAddress) -> Option<Option<&crate::text::Text>> {
        let (local, domain) = address.parts();
        if self
            .allowed
            .as_ref()
            .is_some_and(|set| !set.matches_parts(local, domain))
        {
            return None;
        }
        Some(
            self.audiences
                .iter()
                .find(|(_, set)| set.matches_parts(local, domain))
                .map(|(id, _)| id),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::address::AddressPattern;
    use crate::statutes::*;
    use proptest::prelude::*;

    const LOCALS: [&str; 4] = ["*", "a", "B.c", "z"];
    const DOMAINS: [&str; 8] = [
        "*",
        "*.fr",
        "*.gouv.fr",
        "gouv.fr",
        "a.gouv.fr",
        "*.a.gouv.fr",
        "x.fr",
        "evil.com",
    ];
    const ADDRESS_DOMAINS: [&str; 8] = [
        "gouv.fr",
        "a.gouv.fr",
        "b.a.gouv.fr",
        "A.GOUV.FR",
        "x.fr",
        "y.x.fr",
        "evil.com",
        "gouv.fr.evil.com",
    ];

    fn pattern((l, d): (usize, usize)) -> AddressPattern {
        format!("{}@{}", LOCALS[l], DOMAINS[d]).parse().unwrap()
    }

    proptest! {
        /// The compiled rules answer as trying every pattern in turn does.
        #[test]
        fn compiled_rules_agree_with_the_patterns(
            allowed in proptest::collection::vec((0..4usize, 0..8usize), 0..40),
            audiences in proptest::collection::vec(
                proptest::collection::vec((0..4usize, 0..8usize), 0..4), 0..4),
            addresses in proptest::collection::vec((1..4usize, 0..8usize), 1..10),
        ) {
            let mut s = Statutes::cimi();
            s.policy.allowed = allowed.into_iter().map(pattern).collect();
            s.audiences = audiences
                .into_iter()
                .enumerate()
                .map(|(i, ps)| Audience {
                    id: format!("aud{i}"),
                    name: Text::new(format!("aud{i}"), format!("aud{i}")),
                    patterns: ps.into_iter().map(pattern).collect(),
                })
                .collect();
            let rules = RegistrationRules::new(&s);
            for (l, d) in addresses {
                let local = if LOCALS[l] == "*" { "q" } else { LOCALS[l] };
                let address = EmailAddress::parse(&format!("{local}@{}", ADDRESS_DOMAINS[d])).unwrap();
                let expected = s.policy.allows(&address).then(|| s.audience_of(&address));
                prop_assert_eq!(
                    rules.admit(&address).map(|a| a.map(|t| t.as_str())),
                    expected
                );
            }
        }

        /// The compiled check of acknowledgements names the obligation that
        /// looking for each one in turn finds first.
        #[test]
        fn compiled_acknowledgements_agree_with_the_obligations(
            obligations in proptest::collection::vec(0..6usize, 0..5),
            acknowledged in proptest::collection::vec(0..7usize, 0..7),
        ) {
            const IDS: [&str; 7] = ["pssi", "deontology", "charte", "rgpd", "a b", "é", "x"];
            let mut s = Statutes::cimi();
            s.obligations.truncate(1);
            let template = s.obligations[0].clone();
            let mut seen = std::collections::HashSet::new();
            s.obligations = obligations
                .into_iter()
                .filter(|&i| seen.insert(i))
                .map(|i| Obligation { id: IDS[i].into(), ..template.clone() })
                .collect();
            prop_assert!(s.validate().is_ok());
            let acknowledged: crate::text::TextSet =
                acknowledged.into_iter().map(|i| IDS[i]).collect();
            let expected = s
                .obligations
                .iter()
                .find(|o| !acknowledged.contains(&o.id))
                .map(|o| o.id.as_str());
            let rules = RegistrationRules::new(&s);
            prop_assert_eq!(rules.unacknowledged(&acknowledged), expected);
            // Acknowledging exactly the obligations, the fast path, passes.
            prop_assert_eq!(rules.unacknowledged(&s.obligation_ids()), None);
        }
    }
}
