//! The main job's output, in French and English, against golden files.
//! Regenerate with `UPDATE_GOLDEN=1 cargo test -p cimi-core --test golden`.

#[path = "../examples/miditech_2017/replay.rs"]
mod replay;

use std::path::PathBuf;

use cimi_core::Lang;

fn check(lang: Lang) {
    check_policy(lang, replay::Policy::Automatic);
}

fn check_policy(lang: Lang, policy: replay::Policy) {
    let data = std::fs::read_to_string(replay::default_requests_path()).unwrap();
    let got = replay::run_with(lang, policy, &data).unwrap();
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(format!(
        "../tests/golden/miditech-2017{}.{}.txt",
        match policy {
            replay::Policy::Automatic => "",
            replay::Policy::Offers => "-offers",
            replay::Policy::Moderated => "-moderated",
        },
        lang.code()
    ));
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, &got).unwrap();
    }
    let want = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        got == want,
        "output differs from {}; rerun with UPDATE_GOLDEN=1 and review the diff",
        path.display()
    );
}

#[test]
fn main_job_in_french() {
    check(Lang::Fr);
}

#[test]
fn main_job_in_english() {
    check(Lang::En);
}

#[test]
fn main_job_with_waitlist_offers() {
    check_policy(Lang::Fr, replay::Policy::Offers);
    check_policy(Lang::En, replay::Policy::Offers);
}

#[test]
fn main_job_with_moderation() {
    check_policy(Lang::Fr, replay::Policy::Moderated);
    check_policy(Lang::En, replay::Policy::Moderated);
}
