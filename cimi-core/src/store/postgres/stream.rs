//! Catching up while the records arrive: the binary `COPY` stream is cut
//! into rows as it is read, small chunks of rows are parsed on every core
//! while the rest is still on its way, and the parsed chunks are applied in
//! sequence order by one thread. Reading, parsing and applying overlap,
//! where reading everything first left the cores idle during the read.

use std::collections::BTreeMap;
use std::io::BufRead;
use std::ops::Range;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::sync::{Arc, Mutex};

use postgres::Client;

use super::conn::classify;
use crate::community::Community;
use crate::error::Error;
use crate::store::StoreError;
use crate::store::journal::{Applied, Applier, JournalRecord, parse_record};

/// Rows parsed together: small, so that parsing starts early in the stream.
const STREAM_CHUNK: usize = 256;

/// The binary `COPY` signature.
const SIGNATURE: &[u8] = b"PGCOPY\n\xff\r\n\0";

/// Rows of the stream, with the bytes they lie in.
struct Chunk {
    bytes: Arc<[u8]>,
    rows: Vec<(u64, Range<usize>)>,
}

type Parsed = Result<Vec<(u64, JournalRecord)>, StoreError>;

/// Reads the records of `community` after `after` with `COPY` and applies
/// them to `state` as they arrive. `label` names the table in errors. On an
/// error the state may hold part of the records: the caller reloads.
pub(super) fn catch_up(
    client: &mut Client,
    journal: &str,
    community: i64,
    after: u64,
    state: &mut Community,
    label: &str,
) -> Result<Applied, Error> {
    let mut reader = client
        .copy_out(&format!(
            "COPY (SELECT seq, record FROM {journal} WHERE community = {community} AND seq > {after}) TO STDOUT (FORMAT binary)"
        ))
        .map_err(classify)?;
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(8);
    let corrupt = |detail: String| StoreError::Corrupt {
        file: label.to_string(),
        offset: after,
        detail,
    };
    std::thread::scope(|scope| {
        let (raw_tx, raw_rx) = sync_channel::<(usize, Chunk)>(threads * 4);
        let raw_rx = Arc::new(Mutex::new(raw_rx));
        let (parsed_tx, parsed_rx) = sync_channel::<(usize, Parsed)>(threads * 4);
        for _ in 0..threads {
            let (rx, tx) = (Arc::clone(&raw_rx), parsed_tx.clone());
            scope.spawn(move || parse_chunks(&rx, &tx, label));
        }
        // Only the parsers hold the chunks' receiver: once they stop (the
        // applier failed), the reader's sends fail instead of blocking.
        drop(raw_rx);
        drop(parsed_tx);
        let applier = scope.spawn(move || apply_in_order(state, parsed_rx, label, after));
        let read = cut_rows(&mut reader, &raw_tx, after).map_err(|e| match e {
            Cut::Io(detail) => StoreError::Unavailable { detail },
            Cut::Corrupt(detail) => corrupt(detail),
        });
        drop(raw_tx);
        let applied = applier.join().unwrap_or_else(|_| {
            Err(Error::from(corrupt(
                "the thread applying the records panicked".into(),
            )))
        });
        match read {
            // A reading error first: the applier stopped for want of rows.
            Err(e) => Err(e.into()),
            Ok(()) => applied,
        }
    })
}

enum Cut {
    Io(String),
    Corrupt(String),
}

/// Cuts the stream into chunks of rows and sends them, numbered in the
/// order they are to be applied. Rows come in sequence order in practice;
/// should one not, the rest of the stream is read whole, sorted, and sent
/// after the chunks already sent (which held the rows before it, in order).
fn cut_rows(
    reader: &mut impl BufRead,
    out: &SyncSender<(usize, Chunk)>,
    after: u64,
) -> Result<(), Cut> {
    let bad = || Cut::Corrupt("unreadable COPY output".into());
    let mut pending: Vec<u8> = Vec::with_capacity(1 << 16);
    let mut pos = 0; // where the next row starts in `pending`
    let mut rows: Vec<(u64, Range<usize>)> = Vec::new();
    let mut header = false;
    let mut done = false;
    let mut ordered = true;
    let mut next_seq = after + 1;
    let mut sent = 0;
    let int = |b: &[u8]| i32::from_be_bytes(b.try_into().expect("4 bytes"));
    let send = |bytes: Vec<u8>, rows: Vec<(u64, Range<usize>)>, sent: &mut usize| {
        let chunk = Chunk {
            bytes: bytes.into(),
            rows,
        };
        // A closed channel means the applier stopped on an error it reports.
        let _ = out.send((*sent, chunk));
        *sent += 1;
    };
    while !done {
        let got = reader.fill_buf().map_err(|e| Cut::Io(e.to_string()))?;
        if got.is_empty() {
            return Err(bad()); // the stream ended without its trailer
        }
        pending.extend_from_slice(got);
        let n = got.len();
        reader.consume(n);
        if !header {
            let fixed = SIGNATURE.len() + 8;
            if pending.len() < fixed {
                continue;
            }
            if &pending[..SIGNATURE.len()] != SIGNATURE {
                return Err(bad());
            }
            let extension =
                usize::try_from(int(&pending[SIGNATURE.len() + 4..fixed])).map_err(|_| bad())?;
            if pending.len() < fixed + extension {
                continue;
            }
            pos = fixed + extension;
            header = true;
        }
        // Every complete row now in `pending`.
        while let Some(count) = pending.get(pos..pos + 2) {
            if i16::from_be_bytes(count.try_into().expect("2 bytes")) == -1 {
                done = true;
                break;
            }
            let Some(head) = pending.get(pos + 2..pos + 18) else {
                break;
            };
            if i16::from_be_bytes(count.try_into().expect("2 bytes")) != 2 || int(&head[..4]) != 8 {
                return Err(bad());
            }
            let seq = i64::from_be_bytes(head[4..12].try_into().expect("8 bytes"));
            let seq = u64::try_from(seq).map_err(|_| bad())?;
            let len = usize::try_from(int(&head[12..16])).map_err(|_| bad())?;
            let start = pos + 18;
            if pending.len() < start + len {
                break;
            }
            ordered &= seq == next_seq;
            next_seq = seq + 1;
            rows.push((seq, start..start + len));
            pos = start + len;
        }
        if ordered && rows.len() >= STREAM_CHUNK {
            // Send the complete rows; keep the partial one.
            let rest = pending.split_off(pos);
            let bytes = std::mem::replace(&mut pending, rest);
            send(bytes, std::mem::take(&mut rows), &mut sent);
            pos = 0;
        }
    }
    if !ordered {
        rows.sort_unstable_by_key(|(seq, _)| *seq);
    }
    let bytes: Arc<[u8]> = pending.into();
    for part in rows.chunks(STREAM_CHUNK) {
        let chunk = Chunk {
            bytes: Arc::clone(&bytes),
            rows: part.to_vec(),
        };
        if out.send((sent, chunk)).is_err() {
            break;
        }
        sent += 1;
    }
    Ok(())
}

/// A parsing thread: chunks in, parsed records out, until the chunks end.
fn parse_chunks(
    chunks: &Mutex<Receiver<(usize, Chunk)>>,
    out: &SyncSender<(usize, Parsed)>,
    label: &str,
) {
    loop {
        let next = match chunks.lock() {
            Ok(rx) => rx.recv(),
            Err(_) => return,
        };
        let Ok((index, chunk)) = next else {
            return;
        };
        let parsed = chunk
            .rows
            .iter()
            .map(|(seq, range)| parse_record(&chunk.bytes[range.clone()], label, *seq))
            .collect();
        if out.send((index, parsed)).is_err() {
            return;
        }
    }
}

/// Applies the parsed chunks in their order; stops at the first error
/// (dropping the receiver stops the parsers, and then the reader).
fn apply_in_order(
    state: &mut Community,
    parsed: Receiver<(usize, Parsed)>,
    label: &str,
    after: u64,
) -> Result<Applied, Error> {
    let mut applier = Applier::new(label, after);
    let mut waiting = BTreeMap::new();
    let mut want = 0;
    for (index, chunk) in parsed {
        waiting.insert(index, chunk);
        while let Some(chunk) = waiting.remove(&want) {
            for (offset, record) in chunk? {
                applier.apply(state, offset, record)?;
            }
            want += 1;
        }
    }
    Ok(Applied {
        replayed: applier.replayed,
        last_seq: applier.last_seq,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A binary `COPY` stream of `(seq, record)` rows.
    fn stream(rows: &[(i64, &str)]) -> Vec<u8> {
        let mut out = SIGNATURE.to_vec();
        out.extend_from_slice(&0i32.to_be_bytes()); // flags
        out.extend_from_slice(&0i32.to_be_bytes()); // no extension
        for (seq, text) in rows {
            out.extend_from_slice(&2i16.to_be_bytes());
            out.extend_from_slice(&8i32.to_be_bytes());
            out.extend_from_slice(&seq.to_be_bytes());
            out.extend_from_slice(&(text.len() as i32).to_be_bytes());
            out.extend_from_slice(text.as_bytes());
        }
        out.extend_from_slice(&(-1i16).to_be_bytes());
        out
    }

    /// Gives the bytes a few at a time, as a network would.
    struct Trickle {
        bytes: Vec<u8>,
        at: usize,
        step: usize,
    }

    impl std::io::Read for Trickle {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let n = self.fill_buf()?.len().min(buf.len());
            buf[..n].copy_from_slice(&self.bytes[self.at..self.at + n]);
            self.consume(n);
            Ok(n)
        }
    }

    impl BufRead for Trickle {
        fn fill_buf(&mut self) -> std::io::Result<&[u8]> {
            let end = (self.at + self.step).min(self.bytes.len());
            Ok(&self.bytes[self.at..end])
        }
        fn consume(&mut self, n: usize) {
            self.at += n;
        }
    }

    fn cut(bytes: Vec<u8>, step: usize, after: u64) -> Result<Vec<(u64, String)>, String> {
        let (tx, rx) = sync_channel(1 << 16);
        let mut reader = Trickle { bytes, at: 0, step };
        cut_rows(&mut reader, &tx, after).map_err(|e| match e {
            Cut::Io(d) | Cut::Corrupt(d) => d,
        })?;
        drop(tx);
        let mut chunks: Vec<(usize, Chunk)> = rx.iter().collect();
        chunks.sort_by_key(|(i, _)| *i);
        Ok(chunks
            .into_iter()
            .flat_map(|(_, c)| {
                c.rows
                    .iter()
                    .map(|(seq, r)| {
                        (
                            *seq,
                            String::from_utf8(c.bytes[r.clone()].to_vec()).unwrap(),
                        )
                    })
                    .collect::<Vec<_>>()
            })
            .collect())
    }

    #[test]
    fn rows_are_cut_whatever_the_pieces_and_come_out_in_sequence_order() {
        let rows: Vec<(i64, String)> = (1..=1000).map(|i| (i, format!("{{\"n\":{i}}}"))).collect();
        let mut shuffled: Vec<(i64, &str)> = rows.iter().map(|(s, t)| (*s, t.as_str())).collect();
        let want: Vec<(u64, String)> = rows.iter().map(|(s, t)| (*s as u64, t.clone())).collect();
        for step in [1, 7, 64, 1 << 20] {
            assert_eq!(
                cut(stream(&shuffled), step, 0).unwrap(),
                want,
                "step {step}"
            );
        }
        // Out of order after 700 rows: what was sent stays, the rest is sorted.
        shuffled[700..].reverse();
        assert_eq!(cut(stream(&shuffled), 13, 0).unwrap(), want);
        assert_eq!(cut(stream(&[]), 5, 7).unwrap(), vec![]);
    }

    #[test]
    fn a_damaged_stream_is_an_error() {
        let good = stream(&[(1, "{}"), (2, "{}")]);
        let truncated = good[..good.len() - 3].to_vec();
        assert!(cut(truncated, 4, 0).is_err());
        let mut bad_signature = good.clone();
        bad_signature[0] = b'X';
        assert!(cut(bad_signature, 4, 0).is_err());
        let mut bad_width = good.clone();
        bad_width[SIGNATURE.len() + 8 + 2 + 3] = 4; // the seq field's length
        assert!(cut(bad_width, 4, 0).is_err());
    }
}
