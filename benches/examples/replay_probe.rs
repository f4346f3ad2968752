//! Where replay time goes: frame decoding, typed parsing, applying.
use cimi_benches::{request_of, schedule, t0};
use cimi_core::Community;
use cimi_core::event::{EventKind, EventSpec};
use cimi_core::journal::{JournalRecord, Storage, Store, SyncPolicy, decode_frames};
use std::time::Instant;
struct Memory(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);
impl Storage for Memory {
    fn append(&mut self, b: &[u8]) -> std::io::Result<()> {
        self.0.lock().unwrap().extend_from_slice(b);
        Ok(())
    }
    fn sync(&mut self) -> std::io::Result<()> {
        Ok(())
    }
    fn truncate(&mut self, l: u64) -> std::io::Result<()> {
        self.0.lock().unwrap().truncate(l as usize);
        Ok(())
    }
    fn len(&self) -> u64 {
        self.0.lock().unwrap().len() as u64
    }
}
fn main() {
    let bytes = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let mut base = Community::new(cimi_benches::statutes()).unwrap();
    let ev = base
        .schedule_event(
            EventSpec::new(EventKind::Conference, "R", schedule(90), 5_000),
            t0(),
        )
        .unwrap();
    let people = cimi_benches::directory(100_000, 9);
    let mut w = Store::with_storage(
        base.clone(),
        Box::new(Memory(bytes.clone())),
        SyncPolicy::Never,
    );
    for chunk in people.chunks(1000) {
        w.execute("b", |c| {
            for p in chunk {
                c.register(ev, &request_of(p), t0())?;
            }
            Ok(())
        })
        .unwrap();
    }
    let bytes = bytes.lock().unwrap().clone();
    let mb = bytes.len() as f64 / 1e6;
    let t = Instant::now();
    let d = decode_frames(&bytes, "j").unwrap();
    let s = t.elapsed().as_secs_f64();
    println!("decode frames {:.0} MB/s", mb / s);
    let t = Instant::now();
    let recs: Vec<JournalRecord> = d
        .payloads
        .iter()
        .map(|(_, p)| serde_json::from_slice(p).unwrap())
        .collect();
    let s = t.elapsed().as_secs_f64();
    println!("typed parse {:.0} MB/s", mb / s);
    let t = Instant::now();
    let mut c = base.clone();
    for r in recs {
        c.apply(r.change).unwrap();
    }
    let s = t.elapsed().as_secs_f64();
    println!("apply {:.0} MB/s", mb / s);
    println!(
        "sample: {}",
        String::from_utf8_lossy(&bytes[..bytes.iter().position(|b| *b == b'\n').unwrap()])
    );
}
