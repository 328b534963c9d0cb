//! The export format: one line per stored event, `{"event":<the exact hashed bytes>,"hash":"<hex>"}`.
//! The line is itself canonical JSON, and the event's bytes can be cut out of it without
//! re-encoding: they sit between a fixed prefix and a fixed-length suffix.

use super::envelope::{Event, Hash};

const PREFIX: &[u8] = b"{\"event\":";
const SUFFIX_START: &[u8] = b",\"hash\":\"";
/// `,"hash":"` + 64 hex digits + `"}`.
const SUFFIX_LEN: usize = SUFFIX_START.len() + 64 + 2;

/// Writes the export line of `event` (with its trailing newline) to `out`.
pub fn write_line(out: &mut Vec<u8>, bytes: &[u8], hash: &Hash) {
    out.extend_from_slice(PREFIX);
    out.extend_from_slice(bytes);
    out.extend_from_slice(SUFFIX_START);
    out.extend_from_slice(hash.to_hex().as_bytes());
    out.extend_from_slice(b"\"}\n");
}

/// The export line of a decoded event.
pub fn line_of(event: &Event) -> Vec<u8> {
    let mut out = Vec::with_capacity(event.bytes.len() + PREFIX.len() + SUFFIX_LEN + 1);
    write_line(&mut out, &event.bytes, &event.hash);
    out
}

/// Cuts an export line (without its newline) into the stored hash and the event's bytes.
pub fn split_line(line: &[u8]) -> Result<(Hash, &[u8]), String> {
    let shape = || {
        "not an export line: expected {\"event\":{...},\"hash\":\"<64 hex digits>\"}".to_string()
    };
    if line.len() < PREFIX.len() + SUFFIX_LEN || !line.starts_with(PREFIX) {
        return Err(shape());
    }
    let suffix = &line[line.len() - SUFFIX_LEN..];
    if !suffix.starts_with(SUFFIX_START) || !suffix.ends_with(b"\"}") {
        return Err(shape());
    }
    let hex = std::str::from_utf8(&suffix[SUFFIX_START.len()..SUFFIX_START.len() + 64])
        .map_err(|_| shape())?;
    let hash = Hash::from_hex(hex).ok_or_else(shape)?;
    Ok((hash, &line[PREFIX.len()..line.len() - SUFFIX_LEN]))
}

/// Verifies a whole export (the bytes of the file), handing each verified event to `each`.
/// Returns the verified head, or the first fault with its position.
pub fn verify_export(
    bytes: &[u8],
    expected_head: Option<(super::Seq, Hash)>,
    mut each: impl FnMut(Event),
) -> Result<super::Verified, super::Fault> {
    let mut chain = super::verify::Chain::new(expected_head);
    for line in bytes.split_inclusive(|&b| b == b'\n') {
        let fault = |what: String| super::Fault {
            seq: chain.next_seq(),
            what,
        };
        // Every line ends with a newline, the last one too: a missing one means a cut-off file.
        let line = line.strip_suffix(b"\n").ok_or_else(|| {
            fault("the last line does not end with a newline: the file was cut off".into())
        })?;
        let (hash, event_bytes) = split_line(line).map_err(fault)?;
        each(chain.push(event_bytes, hash)?);
    }
    chain.finish()
}
