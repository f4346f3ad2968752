//! Any bytes, as a registration e-mail: never a panic; a reply changes nothing
//! and always has a text; only the size limit is an error.
#![no_main]

use std::sync::LazyLock;

use cimi_core::Community;
use cimi_core::interop::mail::{
    MAX_MESSAGE_BYTES, MailOutcome, MailPolicy, read_request, register_from_email,
};
use libfuzzer_sys::fuzz_target;

mod common;

static BASE: LazyLock<Community> = LazyLock::new(common::community);

fuzz_target!(|data: &[u8]| {
    let base = &*BASE;
    let now = common::now();
    let policy = if data.first().is_some_and(|b| b & 1 == 1) {
        MailPolicy::require_dmarc("mx.interieur.gouv.fr")
    } else {
        MailPolicy::trust_sender()
    };
    let reading = read_request(base, data, &policy, now);
    assert_eq!(reading.is_err(), data.len() > MAX_MESSAGE_BYTES);
    let mut c = base.clone();
    match register_from_email(&mut c, data, &policy, now) {
        Ok(MailOutcome::Reply { problems, text_fr }) => {
            assert!(!problems.is_empty());
            assert!(text_fr.starts_with("Bonjour"));
            assert!(c == *base, "a reply changed the community");
        }
        Ok(outcome) => {
            assert!(outcome.text_fr().starts_with("Bonjour"));
            assert!(c.check_invariants().is_ok());
        }
        Err(e) => assert_eq!(e.kind(), "message_too_large"),
    }
});
