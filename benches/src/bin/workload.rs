//! Writes a generated workload as JSON lines, to inspect it or feed other tools.
//!
//! ```text
//! cargo run --release -p cimi-benches --bin workload -- directory 1000 42 > people.jsonl
//! cargo run --release -p cimi-benches --bin workload -- requests 1000 42 3 5000 > ops.jsonl
//! ```

use std::io::Write;

use cimi_benches::{Operation, directory, requests};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let num = |i: usize, default: u64| args.get(i).and_then(|s| s.parse().ok()).unwrap_or(default);
    let out = std::io::stdout();
    let mut out = std::io::BufWriter::new(out.lock());
    match args.first().map(String::as_str) {
        Some("directory") => {
            for p in directory(num(1, 1000) as usize, num(2, 42)) {
                let line = serde_json::json!({
                    "email": p.email, "family_name": p.family_name, "given_name": p.given_name,
                    "affiliation": p.affiliation, "grade": p.grade, "function": p.function, "skills": p.skills,
                });
                writeln!(out, "{line}").expect("stdout");
            }
        }
        Some("requests") => {
            let people = directory(num(1, 1000) as usize, num(2, 42));
            for op in requests(
                &people,
                num(3, 3) as usize,
                num(4, 5000) as usize,
                num(2, 42),
            ) {
                let line = match op {
                    Operation::Register { event, request } => serde_json::json!({
                        "action": "register", "event": event, "email": request.email,
                        "family_name": request.family_name, "given_name": request.given_name,
                        "service": request.service, "grade": request.grade, "function": request.function,
                    }),
                    Operation::Cancel { event, email } => {
                        serde_json::json!({"action": "cancel", "event": event, "email": email})
                    }
                };
                writeln!(out, "{line}").expect("stdout");
            }
        }
        _ => {
            eprintln!("usage: workload directory N SEED | workload requests N SEED EVENTS COUNT");
            std::process::exit(2);
        }
    }
}
