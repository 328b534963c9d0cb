//! C2SP signed notes with Ed25519 and C2SP tlog checkpoints (specified in `events/PROOFS.md`),
//! in the key and note formats of Go's `golang.org/x/mod/sumdb/note`, so that the
//! transparency-log ecosystem reads malbok's checkpoints unchanged.
//!
//! - Verifier key: `NAME+HASH+KEYDATA`; signer key: `PRIVATE+KEY+NAME+HASH+KEYDATA`. HASH is the
//!   key id as 8 lowercase hex digits, KEYDATA base64 of 0x01 ‖ the 32-byte public key (verifier)
//!   or seed (signer). Key id = the first 4 bytes of SHA-256(NAME ‖ 0x0A ‖ 0x01 ‖ public key).
//! - Note: the text (UTF-8, no control characters but newline, ending in a newline), a blank
//!   line, then one line per signature `— NAME base64(key id ‖ signature)`; the signature
//!   covers the text including its final newline.
//! - Checkpoint text: `origin\nsize\nbase64(root)\n` and optional non-empty extension lines.

use super::merkle::TreeHash;
use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use ed25519_dalek::{Signer, SigningKey, Verifier, VerifyingKey};
use sha2::{Digest, Sha256};

/// The algorithm byte of Ed25519 keys in the signed-note formats.
const ALG_ED25519: u8 = 0x01;
/// The em dash and space that start every signature line.
const SIG_PREFIX: &str = "\u{2014} ";
/// Go's `note.Open` refuses notes with more signatures than this; so does malbok.
const MAX_SIGNATURES: usize = 100;

/// Why a key, note or checkpoint is refused. Each message says what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NoteError {
    #[error("not a key: {0}")]
    Key(String),
    #[error("not a signed note: {0}")]
    Malformed(String),
    #[error("not a checkpoint: {0}")]
    Checkpoint(String),
}

/// A key name: non-empty UTF-8 with no whitespace and no `+` (as Go's `note` requires).
pub fn check_name(name: &str) -> Result<(), String> {
    if name.is_empty() {
        return Err("the key name is empty".into());
    }
    if name.chars().any(char::is_whitespace) || name.contains('+') {
        return Err(format!(
            "the key name {name:?} contains whitespace or a '+'"
        ));
    }
    Ok(())
}

/// The 4-byte key id of an Ed25519 public key under `name`.
pub fn key_id(name: &str, public: &[u8; 32]) -> u32 {
    let mut h = Sha256::new();
    h.update(name.as_bytes());
    h.update([b'\n', ALG_ED25519]);
    h.update(public);
    let d = h.finalize();
    u32::from_be_bytes([d[0], d[1], d[2], d[3]])
}

/// A public key that verifies signature lines of one name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifierKey {
    pub name: String,
    pub id: u32,
    key: VerifyingKey,
}

/// A signer: a name and an Ed25519 private key.
pub struct SignerKey {
    pub name: String,
    pub id: u32,
    key: SigningKey,
}

/// Splits `NAME+HASH+KEYDATA` and checks the parts that both key forms share.
fn parse_key_parts(text: &str) -> Result<(String, u32, [u8; 32]), NoteError> {
    let bad = |why: &str| NoteError::Key(why.to_string());
    let mut parts = text.splitn(3, '+');
    let (Some(name), Some(hash), Some(data)) = (parts.next(), parts.next(), parts.next()) else {
        return Err(bad("expected NAME+HASH+KEYDATA"));
    };
    check_name(name).map_err(NoteError::Key)?;
    if hash.len() != 8 || !hash.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(bad("the key hash is not 8 hex digits"));
    }
    let id = u32::from_str_radix(hash, 16).map_err(|_| bad("the key hash is not 8 hex digits"))?;
    let data = B64
        .decode(data)
        .map_err(|_| bad("the key data is not standard base64"))?;
    let [alg, rest @ ..] = data.as_slice() else {
        return Err(bad("the key data is empty"));
    };
    if *alg != ALG_ED25519 {
        return Err(NoteError::Key(format!(
            "algorithm {alg} is not Ed25519 (1)"
        )));
    }
    let key: [u8; 32] = rest
        .try_into()
        .map_err(|_| bad("an Ed25519 key is 32 bytes"))?;
    Ok((name.to_string(), id, key))
}

impl VerifierKey {
    /// Parses `NAME+HASH+KEYDATA` (surrounding whitespace, such as a final newline, ignored).
    pub fn parse(text: &str) -> Result<VerifierKey, NoteError> {
        let (name, id, public) = parse_key_parts(text.trim())?;
        if key_id(&name, &public) != id {
            return Err(NoteError::Key(
                "the key hash does not match the name and key".into(),
            ));
        }
        let key = VerifyingKey::from_bytes(&public)
            .map_err(|_| NoteError::Key("not a valid Ed25519 public key".into()))?;
        Ok(VerifierKey { name, id, key })
    }

    /// Whether `signature` is this key's Ed25519 signature of `message` (strict verification:
    /// no small-order keys or malleable signatures).
    pub fn verifies(&self, message: &[u8], signature: &[u8]) -> bool {
        let Ok(sig) = <[u8; 64]>::try_from(signature) else {
            return false;
        };
        self.key
            .verify_strict(message, &ed25519_dalek::Signature::from_bytes(&sig))
            .is_ok()
    }

    /// The key in the `NAME+HASH+KEYDATA` form.
    pub fn encode(&self) -> String {
        let mut data = vec![ALG_ED25519];
        data.extend_from_slice(self.key.as_bytes());
        format!("{}+{:08x}+{}", self.name, self.id, B64.encode(data))
    }
}

impl SignerKey {
    /// The Ed25519 signature of `message` (deterministic, RFC 8032).
    pub fn sign_bytes(&self, message: &[u8]) -> [u8; 64] {
        self.key.sign(message).to_bytes()
    }

    /// A signer from a 32-byte Ed25519 seed (from a random source, see `keygen`).
    pub fn from_seed(name: &str, seed: [u8; 32]) -> Result<SignerKey, NoteError> {
        check_name(name).map_err(NoteError::Key)?;
        let key = SigningKey::from_bytes(&seed);
        let id = key_id(name, key.verifying_key().as_bytes());
        Ok(SignerKey {
            name: name.to_string(),
            id,
            key,
        })
    }

    /// Parses `PRIVATE+KEY+NAME+HASH+KEYDATA` (surrounding whitespace ignored).
    pub fn parse(text: &str) -> Result<SignerKey, NoteError> {
        let rest = text
            .trim()
            .strip_prefix("PRIVATE+KEY+")
            .ok_or_else(|| NoteError::Key("a signer key starts with PRIVATE+KEY+".into()))?;
        let (name, id, seed) = parse_key_parts(rest)?;
        let key = SigningKey::from_bytes(&seed);
        if key_id(&name, key.verifying_key().as_bytes()) != id {
            return Err(NoteError::Key(
                "the key hash does not match the name and key".into(),
            ));
        }
        Ok(SignerKey { name, id, key })
    }

    /// The key in the `PRIVATE+KEY+NAME+HASH+KEYDATA` form.
    pub fn encode(&self) -> String {
        let mut data = vec![ALG_ED25519];
        data.extend_from_slice(self.key.as_bytes());
        format!(
            "PRIVATE+KEY+{}+{:08x}+{}",
            self.name,
            self.id,
            B64.encode(data)
        )
    }

    /// The matching verifier key.
    pub fn verifier(&self) -> VerifierKey {
        VerifierKey {
            name: self.name.clone(),
            id: self.id,
            key: self.key.verifying_key(),
        }
    }

    /// A signature line over `text`, with its final newline.
    pub fn sign_line(&self, text: &str) -> String {
        let sig = self.key.sign(text.as_bytes());
        let mut data = self.id.to_be_bytes().to_vec();
        data.extend_from_slice(&sig.to_bytes());
        format!("{SIG_PREFIX}{} {}\n", self.name, B64.encode(data))
    }
}

/// Checks a note's text: valid UTF-8 by type, no control character but newline, ends in one.
fn check_text(text: &str) -> Result<(), NoteError> {
    if let Some(c) = text.chars().find(|&c| c < ' ' && c != '\n') {
        return Err(NoteError::Malformed(format!(
            "control character U+{:04X} in the note",
            c as u32
        )));
    }
    if !text.ends_with('\n') {
        return Err(NoteError::Malformed(
            "the text does not end with a newline".into(),
        ));
    }
    Ok(())
}

/// Signs `text` with each signer: the whole note, text + blank line + signature lines.
pub fn sign(text: &str, signers: &[&SignerKey]) -> Result<String, NoteError> {
    check_text(text)?;
    if text.contains("\n\n") || text == "\n" {
        return Err(NoteError::Malformed("the text holds an empty line".into()));
    }
    let mut out = format!("{text}\n");
    for s in signers {
        out.push_str(&s.sign_line(text));
    }
    Ok(out)
}

/// One signature line of a note.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignatureLine {
    pub name: String,
    pub id: u32,
    /// The signature bytes without the key id.
    pub signature: Vec<u8>,
}

/// What checking a signature line against the known keys gave.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SigStatus {
    /// By a known key, and valid.
    Ok,
    /// By a known key, and invalid: the note must be refused.
    Bad,
    /// By a key not given: neither accepted nor refused (a witness one does not follow).
    Unverified,
}

/// A note split into its text and signature lines (not yet verified).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    /// The signed text, including its final newline.
    pub text: String,
    pub signatures: Vec<SignatureLine>,
}

impl Note {
    /// Parses a signed note strictly, with Go's `note.Open` rules for the shape.
    pub fn parse(bytes: &[u8]) -> Result<Note, NoteError> {
        let bad = |why: &str| NoteError::Malformed(why.to_string());
        let msg = std::str::from_utf8(bytes).map_err(|_| bad("not UTF-8"))?;
        if let Some(c) = msg.chars().find(|&c| c < ' ' && c != '\n') {
            return Err(NoteError::Malformed(format!(
                "control character U+{:04X} in the note",
                c as u32
            )));
        }
        let split = msg
            .rfind("\n\n")
            .ok_or_else(|| bad("no blank line before the signatures"))?;
        let (text, sigs) = (&msg[..split + 1], &msg[split + 2..]);
        if sigs.is_empty() {
            return Err(bad("no signature lines"));
        }
        if !sigs.ends_with('\n') {
            return Err(bad("the last signature line does not end with a newline"));
        }
        let mut signatures = Vec::new();
        for (i, line) in sigs[..sigs.len() - 1].split('\n').enumerate() {
            let n = i + 1;
            let rest = line.strip_prefix(SIG_PREFIX).ok_or_else(|| {
                NoteError::Malformed(format!(
                    "signature line {n} does not start with \"\u{2014} \""
                ))
            })?;
            let (name, b64) = rest.split_once(' ').ok_or_else(|| {
                NoteError::Malformed(format!("signature line {n} has no space after the name"))
            })?;
            check_name(name)
                .map_err(|why| NoteError::Malformed(format!("signature line {n}: {why}")))?;
            let data = B64.decode(b64).map_err(|_| {
                NoteError::Malformed(format!("signature line {n}: not standard base64"))
            })?;
            if data.len() < 5 {
                return Err(NoteError::Malformed(format!(
                    "signature line {n}: shorter than a key id and a signature"
                )));
            }
            signatures.push(SignatureLine {
                name: name.to_string(),
                id: u32::from_be_bytes([data[0], data[1], data[2], data[3]]),
                signature: data[4..].to_vec(),
            });
        }
        if signatures.len() > MAX_SIGNATURES {
            return Err(NoteError::Malformed(format!(
                "more than {MAX_SIGNATURES} signatures"
            )));
        }
        Ok(Note {
            text: text.to_string(),
            signatures,
        })
    }

    /// Checks every signature line against the known keys (matched by name and key id).
    pub fn check(&self, known: &[VerifierKey]) -> Vec<(SignatureLine, SigStatus)> {
        self.signatures
            .iter()
            .map(|s| {
                let status = match known.iter().find(|k| k.name == s.name && k.id == s.id) {
                    None => SigStatus::Unverified,
                    Some(k) => match ed25519_dalek::Signature::from_slice(&s.signature) {
                        Ok(sig) if k.key.verify(self.text.as_bytes(), &sig).is_ok() => {
                            SigStatus::Ok
                        }
                        _ => SigStatus::Bad,
                    },
                };
                (s.clone(), status)
            })
            .collect()
    }
}

/// A tlog checkpoint body (C2SP tlog-checkpoint).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checkpoint {
    pub origin: String,
    pub size: u64,
    pub root: TreeHash,
    /// Extension lines, without their newlines; each non-empty.
    pub extensions: Vec<String>,
}

impl Checkpoint {
    /// The checkpoint text: `origin\nsize\nbase64(root)\n` and the extension lines.
    pub fn text(&self) -> String {
        let mut out = format!(
            "{}\n{}\n{}\n",
            self.origin,
            self.size,
            B64.encode(self.root.0)
        );
        for e in &self.extensions {
            out.push_str(e);
            out.push('\n');
        }
        out
    }

    /// Parses a checkpoint text (a note's text, ending in a newline).
    pub fn parse(text: &str) -> Result<Checkpoint, NoteError> {
        let bad = |why: String| NoteError::Checkpoint(why);
        check_text(text).map_err(|e| bad(e.to_string()))?;
        let lines: Vec<&str> = text[..text.len() - 1].split('\n').collect();
        let [origin, size, root, extensions @ ..] = lines.as_slice() else {
            return Err(bad(
                "expected at least three lines: origin, tree size, root hash".into(),
            ));
        };
        if origin.is_empty() {
            return Err(bad("line 1: the origin is empty".into()));
        }
        let size_ok = !size.is_empty()
            && size.bytes().all(|b| b.is_ascii_digit())
            && (*size == "0" || !size.starts_with('0'));
        let size: u64 = size.parse().ok().filter(|_| size_ok).ok_or_else(|| {
            bad(format!(
                "line 2: {size:?} is not a tree size (decimal, no leading zeros)"
            ))
        })?;
        let root = B64
            .decode(root)
            .ok()
            .and_then(|b| <[u8; 32]>::try_from(b).ok())
            .ok_or_else(|| bad("line 3: not the base64 of a 32-byte hash".into()))?;
        if let Some(i) = extensions.iter().position(|e| e.is_empty()) {
            return Err(bad(format!("line {}: an empty extension line", i + 4)));
        }
        Ok(Checkpoint {
            origin: origin.to_string(),
            size,
            root: TreeHash(root),
            extensions: extensions.iter().map(|e| e.to_string()).collect(),
        })
    }
}

/// A signed checkpoint whose signatures were checked against known keys.
#[derive(Debug, Clone)]
pub struct CheckedCheckpoint {
    pub checkpoint: Checkpoint,
    pub signatures: Vec<(SignatureLine, SigStatus)>,
}

impl CheckedCheckpoint {
    /// Accepted when no known key's signature is bad and at least one is good.
    pub fn accepted(&self) -> Result<(), String> {
        if let Some((s, _)) = self.signatures.iter().find(|(_, st)| *st == SigStatus::Bad) {
            return Err(format!("the signature by {} ({:08x}) is bad", s.name, s.id));
        }
        if !self.signatures.iter().any(|(_, st)| *st == SigStatus::Ok) {
            return Err("no signature by a given key".into());
        }
        Ok(())
    }
}

/// Parses a signed checkpoint and checks its signatures (each reported; see `accepted`).
pub fn open_checkpoint(
    bytes: &[u8],
    known: &[VerifierKey],
) -> Result<CheckedCheckpoint, NoteError> {
    let note = Note::parse(bytes)?;
    let checkpoint = Checkpoint::parse(&note.text)?;
    Ok(CheckedCheckpoint {
        signatures: note.check(known),
        checkpoint,
    })
}

/// The first line of a C2SP tlog-proof.
pub const TLOG_PROOF_HEADER: &str = "c2sp.org/tlog-proof@v1";

/// A C2SP tlog-proof: an inclusion proof bundled with the signed checkpoint it leads to.
/// malbok puts the event's canonical bytes in `extra`, so the leaf hash can be recomputed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlogProof {
    pub extra: Option<Vec<u8>>,
    /// The 0-based leaf index (malbok: seq − 1).
    pub index: u64,
    pub path: Vec<TreeHash>,
    /// The signed checkpoint note, verbatim.
    pub checkpoint: String,
}

impl TlogProof {
    pub fn encode(&self) -> String {
        let mut out = format!("{TLOG_PROOF_HEADER}\n");
        if let Some(extra) = &self.extra {
            out.push_str(&format!("extra {}\n", B64.encode(extra)));
        }
        out.push_str(&format!("index {}\n", self.index));
        for h in &self.path {
            out.push_str(&B64.encode(h.0));
            out.push('\n');
        }
        out.push('\n');
        out.push_str(&self.checkpoint);
        out
    }

    /// Parses a tlog-proof strictly; the checkpoint is returned verbatim, not yet checked.
    pub fn parse(bytes: &[u8]) -> Result<TlogProof, NoteError> {
        let bad =
            |line: usize, why: &str| NoteError::Malformed(format!("tlog-proof line {line}: {why}"));
        let text = std::str::from_utf8(bytes).map_err(|_| bad(1, "not UTF-8"))?;
        let (head, checkpoint) = text
            .split_once("\n\n")
            .ok_or_else(|| bad(1, "no blank line before the checkpoint"))?;
        let mut lines = head
            .split('\n')
            .enumerate()
            .map(|(i, l)| (i + 1, l))
            .peekable();
        if lines.next().map(|(_, l)| l) != Some(TLOG_PROOF_HEADER) {
            return Err(bad(1, "expected c2sp.org/tlog-proof@v1"));
        }
        let mut extra = None;
        if let Some((n, l)) = lines.next_if(|(_, l)| l.starts_with("extra ")) {
            extra = Some(
                B64.decode(&l[6..])
                    .map_err(|_| bad(n, "extra is not standard base64"))?,
            );
        }
        let (n, l) = lines.next().ok_or_else(|| bad(2, "no index line"))?;
        let index = l
            .strip_prefix("index ")
            .filter(|d| {
                !d.is_empty()
                    && d.bytes().all(|b| b.is_ascii_digit())
                    && (*d == "0" || !d.starts_with('0'))
            })
            .and_then(|d| d.parse().ok())
            .ok_or_else(|| bad(n, "expected index N (decimal, no leading zeros)"))?;
        let mut path = Vec::new();
        for (n, l) in lines {
            let h = B64
                .decode(l)
                .ok()
                .and_then(|b| <[u8; 32]>::try_from(b).ok())
                .ok_or_else(|| bad(n, "not the base64 of a 32-byte hash"))?;
            path.push(TreeHash(h));
        }
        Ok(TlogProof {
            extra,
            index,
            path,
            checkpoint: checkpoint.to_string(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn signer(name: &str, byte: u8) -> SignerKey {
        SignerKey::from_seed(name, [byte; 32]).unwrap()
    }

    #[test]
    fn keys_round_trip_and_check_their_hash() {
        let s = signer("malbok.test", 7);
        let again = SignerKey::parse(&s.encode()).unwrap();
        assert_eq!(again.encode(), s.encode());
        let v = VerifierKey::parse(&s.verifier().encode()).unwrap();
        assert_eq!(v, s.verifier());
        let text = s.verifier().encode();
        let (name, rest) = text.split_once('+').unwrap();
        assert!(VerifierKey::parse(&format!("{name}x+{rest}")).is_err());
        assert!(VerifierKey::parse("a b+00000000+AQ==").is_err());
        assert!(SignerKey::parse(&text).is_err());
    }

    #[test]
    fn several_signatures_are_each_reported() {
        let log = signer("log.example", 1);
        let witness = signer("witness.example", 2);
        let stranger = signer("stranger.example", 3);
        let cp = Checkpoint {
            origin: "malbok.x".into(),
            size: 3,
            root: TreeHash([9; 32]),
            extensions: vec!["ext".into()],
        };
        let note = sign(&cp.text(), &[&log, &witness, &stranger]).unwrap();
        let checked =
            open_checkpoint(note.as_bytes(), &[log.verifier(), witness.verifier()]).unwrap();
        assert_eq!(checked.checkpoint, cp);
        let statuses: Vec<_> = checked.signatures.iter().map(|(_, s)| *s).collect();
        assert_eq!(
            statuses,
            [SigStatus::Ok, SigStatus::Ok, SigStatus::Unverified]
        );
        checked.accepted().unwrap();
        // A flipped bit anywhere in a note signed by the log is refused.
        let note = sign(&cp.text(), &[&log]).unwrap();
        for i in 0..note.len() {
            for bit in 0..8 {
                let mut bytes = note.as_bytes().to_vec();
                bytes[i] ^= 1 << bit;
                let ok = open_checkpoint(&bytes, &[log.verifier()])
                    .map(|c| c.accepted().is_ok() && c.checkpoint == cp)
                    .unwrap_or(false);
                assert!(!ok, "flip at byte {i} bit {bit} accepted");
            }
        }
    }

    #[test]
    fn tlog_proofs_round_trip() {
        let p = TlogProof {
            extra: Some(b"{}".to_vec()),
            index: 4,
            path: vec![TreeHash([1; 32]), TreeHash([2; 32])],
            checkpoint:
                "o\n5\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n\n\u{2014} o AAAAAAA=\n".into(),
        };
        assert_eq!(TlogProof::parse(p.encode().as_bytes()).unwrap(), p);
        let no_extra = TlogProof {
            extra: None,
            path: vec![],
            ..p
        };
        assert_eq!(
            TlogProof::parse(no_extra.encode().as_bytes()).unwrap(),
            no_extra
        );
        assert!(TlogProof::parse(b"c2sp.org/tlog-proof@v1\nindex 01\n\nx").is_err());
    }

    proptest::proptest! {
        /// Whatever the bytes, parsing answers with a value or an error, never a panic.
        #[test]
        fn parsers_never_panic(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..300)) {
            let _ = Note::parse(&bytes);
            let _ = TlogProof::parse(&bytes);
            let text = String::from_utf8_lossy(&bytes);
            let _ = Checkpoint::parse(&text);
            let _ = VerifierKey::parse(&text);
            let _ = SignerKey::parse(&text);
        }

        /// A valid note with any one byte replaced still never panics and is never accepted
        /// with a different checkpoint.
        #[test]
        fn edited_notes_never_pass(at in 0usize..200, byte in proptest::prelude::any::<u8>()) {
            let log = signer("log.example", 1);
            let cp = Checkpoint { origin: "o".into(), size: 5, root: TreeHash([3; 32]), extensions: vec![] };
            let mut note = sign(&cp.text(), &[&log]).unwrap().into_bytes();
            let at = at % note.len();
            let changed = note[at] != byte;
            note[at] = byte;
            if let Ok(c) = open_checkpoint(&note, &[log.verifier()]) {
                proptest::prop_assert!(!changed || c.accepted().is_err() || c.checkpoint == cp);
            }
        }
    }

    #[test]
    fn checkpoint_text_is_strict() {
        for bad in [
            "o\n01\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n",
            "o\n1\nAAAA\n",
            "\n1\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n",
            "o\n1\n",
            "o\n1\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
        ] {
            assert!(Checkpoint::parse(bad).is_err(), "{bad:?}");
        }
    }
}
