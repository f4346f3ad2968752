//! The main job: replays the registrations of the 12 December 2017 miditech
//! "L'État plateforme" and prints the confirmed list, the waiting
//! list and every refusal with its reason.
//!
//! ```text
//! cargo run -p cimi-core --example miditech_2017            # French
//! cargo run -p cimi-core --example miditech_2017 -- --lang en
//! cargo run -p cimi-core --example miditech_2017 -- --requests other.json
//! cargo run -p cimi-core --example miditech_2017 -- --policy offers     # or moderated
//! ```

mod replay;

use std::process::ExitCode;

use cimi_core::Lang;

fn main() -> ExitCode {
    let mut lang = Lang::Fr;
    let mut path = replay::default_requests_path();
    let mut policy = replay::Policy::Automatic;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--lang" => match args.next().map(|l| l.parse::<Lang>()) {
                Some(Ok(l)) => lang = l,
                _ => {
                    eprintln!("--lang expects 'fr' or 'en'");
                    return ExitCode::from(2);
                }
            },
            "--policy" => match args.next().as_deref().and_then(replay::Policy::parse) {
                Some(p) => policy = p,
                None => {
                    eprintln!("--policy expects 'automatic', 'offers' or 'moderated'");
                    return ExitCode::from(2);
                }
            },
            "--requests" => match args.next() {
                Some(p) => path = p.into(),
                None => {
                    eprintln!("--requests expects a file");
                    return ExitCode::from(2);
                }
            },
            "-h" | "--help" => {
                println!(
                    "usage: miditech_2017 [--lang fr|en] [--policy automatic|offers|moderated] [--requests FILE]"
                );
                return ExitCode::SUCCESS;
            }
            other => {
                eprintln!("unknown argument: {other}");
                return ExitCode::from(2);
            }
        }
    }
    let data = match std::fs::read_to_string(&path) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("cannot read {}: {e}", path.display());
            return ExitCode::FAILURE;
        }
    };
    match replay::run_with(lang, policy, &data) {
        Ok(report) => {
            print!("{report}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{e}");
            ExitCode::FAILURE
        }
    }
}
