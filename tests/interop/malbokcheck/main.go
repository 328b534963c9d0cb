// malbokcheck verifies malbok's checkpoints and proofs with Go's reference implementations,
// golang.org/x/mod/sumdb/note and golang.org/x/mod/sumdb/tlog, which malbok did not write.
// See tests/interop/run.sh and events/PROOFS.md.
//
//	malbokcheck vectors DIR                      tree heads and every proof in DIR/tree.jsonl, DIR/proofs.jsonl
//	malbokcheck checkpoint KEYFILE CHECKPOINT    a signed checkpoint
//	malbokcheck proof KEYFILE PROOF [CHECKPOINT...]   a JSON or tlog-proof inclusion / consistency proof
//	malbokcheck signature FILE                   a signed-event vector (events/vectors/signature.json)
package main

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"strings"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

func fail(format string, args ...interface{}) {
	fmt.Fprintf(os.Stderr, "malbokcheck: "+format+"\n", args...)
	os.Exit(1)
}

func must(err error, what string) {
	if err != nil {
		fail("%s: %v", what, err)
	}
}

func hexHash(s string) tlog.Hash {
	b, err := hex.DecodeString(s)
	if err != nil || len(b) != 32 {
		fail("not a hex hash: %q", s)
	}
	var h tlog.Hash
	copy(h[:], b)
	return h
}

func hexHashes(ss []string) []tlog.Hash {
	out := make([]tlog.Hash, len(ss))
	for i, s := range ss {
		out[i] = hexHash(s)
	}
	return out
}

// memory is a tlog HashReader over hashes stored in StoredHashIndex order.
type memory []tlog.Hash

func (m *memory) ReadHashes(idx []int64) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(idx))
	for i, x := range idx {
		if x >= int64(len(*m)) {
			return nil, fmt.Errorf("hash %d not stored", x)
		}
		out[i] = (*m)[x]
	}
	return out, nil
}

func equal(a, b []tlog.Hash) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

type line struct {
	Type      string   `json:"type"`
	Index     int64    `json:"index"`
	Input     string   `json:"input"`
	LeafHash  string   `json:"leaf_hash"`
	Size      int64    `json:"size"`
	Root      string   `json:"root"`
	TreeSize  int64    `json:"tree_size"`
	LeafIndex int64    `json:"leaf_index"`
	OldSize   int64    `json:"old_size"`
	NewSize   int64    `json:"new_size"`
	Path      []string `json:"path"`
}

func readLines(path string) []line {
	f, err := os.Open(path)
	must(err, path)
	defer f.Close()
	var out []line
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		var l line
		must(json.Unmarshal(sc.Bytes(), &l), path)
		out = append(out, l)
	}
	must(sc.Err(), path)
	return out
}

// vectors checks the golden vectors: Go computes every tree head and every proof itself and
// must get exactly malbok's, and Go's checkers accept malbok's proofs.
func vectors(dir string) {
	var store memory
	roots := map[int64]tlog.Hash{}
	leaves := int64(0)
	heads, proofs := 0, 0
	for _, l := range readLines(dir + "/tree.jsonl") {
		switch l.Type {
		case "leaf":
			if l.Index != leaves {
				fail("leaf %d out of order", l.Index)
			}
			data, err := hex.DecodeString(l.Input)
			must(err, "leaf input")
			if tlog.RecordHash(data) != hexHash(l.LeafHash) {
				fail("leaf %d: Go's RecordHash differs", l.Index)
			}
			hs, err := tlog.StoredHashes(leaves, data, &store)
			must(err, "StoredHashes")
			store = append(store, hs...)
			leaves++
		case "head":
			var got tlog.Hash
			if l.Size == 0 {
				got = tlog.Hash(sha256Empty())
			} else {
				var err error
				got, err = tlog.TreeHash(l.Size, &store)
				must(err, "TreeHash")
			}
			if got != hexHash(l.Root) {
				fail("tree head of size %d: Go computes %x, the vector says %s", l.Size, got, l.Root)
			}
			roots[l.Size] = got
			heads++
		}
	}
	for _, p := range readLines(dir + "/proofs.jsonl") {
		path := hexHashes(p.Path)
		switch p.Type {
		case "inclusion":
			leaf, err := store.ReadHashes([]int64{tlog.StoredHashIndex(0, p.LeafIndex)})
			must(err, "leaf")
			must(tlog.CheckRecord(path, p.TreeSize, roots[p.TreeSize], p.LeafIndex, leaf[0]),
				fmt.Sprintf("CheckRecord(leaf %d, size %d)", p.LeafIndex, p.TreeSize))
			mine, err := tlog.ProveRecord(p.TreeSize, p.LeafIndex, &store)
			must(err, "ProveRecord")
			if !equal(mine, path) {
				fail("inclusion proof of leaf %d in size %d differs from Go's ProveRecord", p.LeafIndex, p.TreeSize)
			}
		case "consistency":
			must(tlog.CheckTree(path, p.NewSize, roots[p.NewSize], p.OldSize, roots[p.OldSize]),
				fmt.Sprintf("CheckTree(%d -> %d)", p.OldSize, p.NewSize))
			mine, err := tlog.ProveTree(p.NewSize, p.OldSize, &store)
			must(err, "ProveTree")
			if !equal(mine, path) {
				fail("consistency proof %d -> %d differs from Go's ProveTree", p.OldSize, p.NewSize)
			}
		default:
			fail("unknown vector type %q", p.Type)
		}
		proofs++
	}
	fmt.Printf("go: %d tree heads and %d proofs of the golden vectors agree with sumdb/tlog\n", heads, proofs)
}

func sha256Empty() [32]byte {
	// SHA-256 of no bytes: the RFC 6962 root of the empty tree (tlog has no size-0 TreeHash).
	b, _ := hex.DecodeString("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
	var h [32]byte
	copy(h[:], b)
	return h
}

func verifiers(keyfile string) note.Verifiers {
	data, err := os.ReadFile(keyfile)
	must(err, keyfile)
	var vs []note.Verifier
	for _, l := range strings.Split(string(data), "\n") {
		if strings.TrimSpace(l) == "" {
			continue
		}
		v, err := note.NewVerifier(strings.TrimSpace(l))
		must(err, "verifier key "+keyfile)
		vs = append(vs, v)
	}
	return note.VerifierList(vs...)
}

type checkpoint struct {
	origin string
	size   int64
	root   tlog.Hash
}

// openCheckpoint verifies a signed note with Go's note.Open and parses its checkpoint body.
func openCheckpoint(msg []byte, vs note.Verifiers, what string) checkpoint {
	n, err := note.Open(msg, vs)
	must(err, what+": note.Open")
	for _, s := range n.Sigs {
		fmt.Printf("go: %s: signature %s %08x verified by sumdb/note\n", what, s.Name, s.Hash)
	}
	for _, s := range n.UnverifiedSigs {
		fmt.Printf("go: %s: signature %s %08x unverified (key not given)\n", what, s.Name, s.Hash)
	}
	lines := strings.Split(strings.TrimSuffix(n.Text, "\n"), "\n")
	if len(lines) < 3 {
		fail("%s: fewer than three lines", what)
	}
	size, err := strconv.ParseInt(lines[1], 10, 64)
	must(err, what+": size")
	root, err := base64.StdEncoding.DecodeString(lines[2])
	if err != nil || len(root) != 32 {
		fail("%s: root is not base64 of 32 bytes", what)
	}
	var h tlog.Hash
	copy(h[:], root)
	return checkpoint{lines[0], size, h}
}

type proofFile struct {
	Type          string   `json:"type"`
	Origin        string   `json:"origin"`
	TreeSize      int64    `json:"tree_size"`
	LeafIndex     int64    `json:"leaf_index"`
	Event         *string  `json:"event"`
	OldSize       int64    `json:"old_size"`
	NewSize       int64    `json:"new_size"`
	Path          []string `json:"path"`
	Checkpoint    string   `json:"checkpoint"`
	OldCheckpoint string   `json:"old_checkpoint"`
	NewCheckpoint string   `json:"new_checkpoint"`
}

func proof(keyfile, file string, extra []string) {
	vs := verifiers(keyfile)
	data, err := os.ReadFile(file)
	must(err, file)
	roots := map[int64]tlog.Hash{}
	add := func(msg []byte, what string) {
		c := openCheckpoint(msg, vs, what)
		if r, ok := roots[c.size]; ok && r != c.root {
			fail("two checkpoints of size %d with different roots", c.size)
		}
		roots[c.size] = c.root
	}
	for _, e := range extra {
		msg, err := os.ReadFile(e)
		must(err, e)
		add(msg, e)
	}
	root := func(size int64) tlog.Hash {
		r, ok := roots[size]
		if !ok {
			fail("no signed checkpoint of size %d", size)
		}
		return r
	}
	const header = "c2sp.org/tlog-proof@v1\n"
	if bytes.HasPrefix(data, []byte(header)) {
		// C2SP tlog-proof: header, extra (the event's bytes), index, path, blank line, checkpoint.
		parts := strings.SplitN(string(data), "\n\n", 2)
		if len(parts) != 2 {
			fail("%s: no checkpoint", file)
		}
		c := openCheckpoint([]byte(parts[1]), vs, file+" (checkpoint)")
		roots[c.size] = c.root
		var record []byte
		var index int64 = -1
		var path []tlog.Hash
		for _, l := range strings.Split(parts[0], "\n")[1:] {
			switch {
			case strings.HasPrefix(l, "extra "):
				record, err = base64.StdEncoding.DecodeString(l[6:])
				must(err, "extra")
			case strings.HasPrefix(l, "index "):
				index, err = strconv.ParseInt(l[6:], 10, 64)
				must(err, "index")
			default:
				h, err := base64.StdEncoding.DecodeString(l)
				if err != nil || len(h) != 32 {
					fail("%s: bad proof line %q", file, l)
				}
				var x tlog.Hash
				copy(x[:], h)
				path = append(path, x)
			}
		}
		if record == nil || index < 0 {
			fail("%s: no extra (event bytes) or no index", file)
		}
		must(tlog.CheckRecord(path, c.size, c.root, index, tlog.RecordHash(record)), file+": CheckRecord")
		fmt.Printf("go: %s: leaf %d is in %s at size %d (tlog.CheckRecord)\n", file, index, c.origin, c.size)
		return
	}
	var p proofFile
	must(json.Unmarshal(data, &p), file)
	for _, c := range []struct{ text, what string }{
		{p.Checkpoint, "checkpoint"}, {p.OldCheckpoint, "old_checkpoint"}, {p.NewCheckpoint, "new_checkpoint"},
	} {
		if c.text != "" {
			add([]byte(c.text), file+" ("+c.what+")")
		}
	}
	path := hexHashes(p.Path)
	switch p.Type {
	case "inclusion":
		if p.Event == nil {
			fail("%s: no event", file)
		}
		must(tlog.CheckRecord(path, p.TreeSize, root(p.TreeSize), p.LeafIndex, tlog.RecordHash([]byte(*p.Event))),
			file+": CheckRecord")
		fmt.Printf("go: %s: leaf %d is in %s at size %d (tlog.CheckRecord)\n", file, p.LeafIndex, p.Origin, p.TreeSize)
	case "consistency":
		must(tlog.CheckTree(path, p.NewSize, root(p.NewSize), p.OldSize, root(p.OldSize)), file+": CheckTree")
		fmt.Printf("go: %s: size %d extends size %d (tlog.CheckTree)\n", file, p.NewSize, p.OldSize)
	default:
		fail("%s: unknown proof type %q", file, p.Type)
	}
}

// signature checks a signed-event vector (PROOFS.md section 7) with note's Ed25519 verifier:
// the message is built from seq and hash here, and the key is read by note.NewVerifier.
func signature(file string) {
	data, err := os.ReadFile(file)
	must(err, file)
	var v struct {
		VerifierKey string `json:"verifier_key"`
		Seq         int64  `json:"seq"`
		Hash        string `json:"hash"`
		Message     string `json:"message"`
		Payload     struct {
			Seq       int64  `json:"seq"`
			Hash      string `json:"hash"`
			KeyHash   string `json:"key_hash"`
			Signature string `json:"signature"`
		} `json:"payload"`
	}
	must(json.Unmarshal(data, &v), file)
	verifier, err := note.NewVerifier(v.VerifierKey)
	must(err, "verifier_key")
	message := fmt.Sprintf("malbok event signature v1\n%d\n%s\n", v.Payload.Seq, v.Payload.Hash)
	if message != v.Message || v.Payload.Seq != v.Seq || v.Payload.Hash != v.Hash {
		fail("%s: the message is not the one PROOFS.md describes", file)
	}
	if fmt.Sprintf("%08x", verifier.KeyHash()) != v.Payload.KeyHash {
		fail("%s: key_hash %s is not the key's %08x", file, v.Payload.KeyHash, verifier.KeyHash())
	}
	sig, err := base64.StdEncoding.DecodeString(v.Payload.Signature)
	must(err, "signature")
	if !verifier.Verify([]byte(message), sig) {
		fail("%s: the signature does not verify", file)
	}
	fmt.Printf("go: %s: signature by %s %08x verifies\n", file, verifier.Name(), verifier.KeyHash())
}

func main() {
	args := os.Args[1:]
	switch {
	case len(args) == 2 && args[0] == "vectors":
		vectors(args[1])
	case len(args) == 3 && args[0] == "checkpoint":
		msg, err := os.ReadFile(args[2])
		must(err, args[2])
		c := openCheckpoint(msg, verifiers(args[1]), args[2])
		fmt.Printf("go: %s: %s size %d root %s\n", args[2], c.origin, c.size, hex.EncodeToString(c.root[:]))
	case len(args) == 2 && args[0] == "signature":
		signature(args[1])
	case len(args) >= 3 && args[0] == "proof":
		proof(args[1], args[2], args[3:])
	default:
		fail("usage: malbokcheck vectors DIR | checkpoint KEYFILE CHECKPOINT | proof KEYFILE PROOF [CHECKPOINT...]")
	}
}
