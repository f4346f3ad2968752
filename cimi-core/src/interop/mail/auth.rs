//! The community server's `Authentication-Results` header (RFC 8601): its
//! parse, comments and quoted strings included, and the check that it shows
//! `dmarc=pass` for the sender's domain.

use super::{ECHO_CHARS, MailPolicy, MailProblem};
use crate::address::EmailAddress;
use crate::interop::excerpt;

/// Checks the topmost `Authentication-Results` header (raw value).
pub(super) fn check_authentication(
    topmost: Option<&str>,
    policy: &MailPolicy,
    sender: &EmailAddress,
) -> Option<MailProblem> {
    let Some(raw) = topmost else {
        return Some(MailProblem::AuthenticationMissing);
    };
    let Some(results) = parse_authentication_results(raw) else {
        return Some(MailProblem::AuthenticationUnreadable);
    };
    let want = policy.authserv_id.trim().trim_end_matches('.');
    if want.is_empty()
        || !results
            .authserv_id
            .trim_end_matches('.')
            .eq_ignore_ascii_case(want)
    {
        return Some(MailProblem::AuthenticationOtherServer {
            authserv_id: excerpt(&results.authserv_id, ECHO_CHARS),
        });
    }
    if results.dmarc.is_empty() {
        return Some(MailProblem::DmarcMissing);
    }
    for (result, domain) in &results.dmarc {
        if result != "pass" {
            return Some(MailProblem::DmarcNotPass {
                result: excerpt(result, ECHO_CHARS),
            });
        }
        let same = domain
            .as_deref()
            .and_then(|d| idna::domain_to_ascii(d.trim_end_matches('.')).ok())
            .is_some_and(|d| d == sender.domain());
        if !same {
            return Some(MailProblem::DmarcOtherDomain {
                domain: excerpt(domain.as_deref().unwrap_or_default(), ECHO_CHARS),
                sender_domain: sender.domain().to_string(),
            });
        }
    }
    None
}

/// An `Authentication-Results` header (RFC 8601), as far as DMARC goes.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct AuthResults {
    pub(super) authserv_id: String,
    /// Each DMARC result (lowercase) with its `header.from`, if any.
    pub(super) dmarc: Vec<(String, Option<String>)>,
}

/// Removes comments (nested parentheses, outside quoted strings) and unfolds.
fn strip_comments(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let (mut depth, mut quoted, mut escaped) = (0usize, false, false);
    for c in raw.chars() {
        let c = if c == '\r' || c == '\n' { ' ' } else { c };
        if escaped {
            escaped = false;
            if depth == 0 {
                out.push(c);
            }
            continue;
        }
        match c {
            '\\' if quoted || depth > 0 => {
                escaped = true;
                if depth == 0 {
                    out.push(c);
                }
            }
            '"' if depth == 0 => {
                quoted = !quoted;
                out.push(c);
            }
            '(' if !quoted => depth += 1,
            ')' if !quoted && depth > 0 => depth -= 1,
            c if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

/// Splits on `;` outside quoted strings.
fn split_semicolons(s: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    for c in s.chars() {
        if c == ';' && !quoted {
            parts.push(std::mem::take(&mut current));
            continue;
        }
        if c == '"' {
            quoted = !quoted;
        }
        current.push(c);
    }
    parts.push(current);
    parts
}

pub(super) fn parse_authentication_results(raw: &str) -> Option<AuthResults> {
    let text = strip_comments(raw);
    let mut parts = split_semicolons(&text).into_iter();
    let authserv_id = parts.next()?.split_whitespace().next()?.to_string();
    let mut dmarc = Vec::new();
    for part in parts {
        // `method = result` and `ptype.property = value` with optional spaces.
        let mut squeezed = String::with_capacity(part.len());
        let mut pending_space = false;
        for c in part.trim().chars() {
            if c.is_whitespace() {
                pending_space = true;
                continue;
            }
            if pending_space && c != '=' && !squeezed.ends_with('=') {
                squeezed.push(' ');
            }
            pending_space = false;
            squeezed.push(c);
        }
        let mut tokens = squeezed.split(' ');
        let Some((method, result)) = tokens.next().and_then(|t| t.split_once('=')) else {
            continue;
        };
        let method = method.split('/').next().unwrap_or_default();
        if !method.eq_ignore_ascii_case("dmarc") {
            continue;
        }
        let from = tokens.find_map(|t| {
            let (k, v) = t.split_once('=')?;
            k.eq_ignore_ascii_case("header.from")
                .then(|| v.trim_matches('"').to_ascii_lowercase())
        });
        dmarc.push((result.trim_matches('"').to_ascii_lowercase(), from));
    }
    Some(AuthResults { authserv_id, dmarc })
}
