package auth

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"

	"golang.org/x/crypto/argon2"
)

// ErrMalformedHash: a stored password hash cannot be parsed. It is not in
// the argon2id PHC string format this package writes
// ($argon2id$v=19$m=<KiB>,t=<passes>,p=<lanes>$<salt>$<key>), it names
// another algorithm or version, or its parameters are out of the accepted
// range (see Argon2Params.Validate). It points at corrupt or foreign data in
// the store, never at a wrong password.
var ErrMalformedHash = errors.New("auth: malformed password hash")

// Bounds accepted for argon2id parameters, both in configuration
// (Argon2Params.Validate) and in stored hashes (a hostile or corrupt row must
// not make a login allocate terabytes or loop for hours).
const (
	// minArgon2MemoryPerLane is argon2's own floor: 8 KiB per lane.
	minArgon2MemoryPerLane = 8
	// maxArgon2Memory is 4 GiB, in KiB.
	maxArgon2Memory = 4 << 20
	// maxArgon2Iterations is far above every recommended configuration.
	maxArgon2Iterations = 64
	// maxArgon2Parallelism bounds the goroutines one verification starts.
	maxArgon2Parallelism = 64
	minArgon2SaltLength  = 8
	maxArgon2SaltLength  = 64
	minArgon2KeyLength   = 16
	maxArgon2KeyLength   = 128
	// maxArgon2Encoded bounds the length of a PHC string we try to parse;
	// the longest valid one is well under it.
	maxArgon2Encoded = 512
)

// Argon2Params are the argon2id cost parameters of a PasswordHasher.
//
// Each stored hash carries the parameters it was made with, so they can be
// changed at any time: existing hashes still verify, and Verify reports
// needsRehash for them so that the host stores a fresh hash on the account's
// next successful login.
type Argon2Params struct {
	// Memory is the memory cost in KiB. At least 8 KiB per lane
	// (8*Parallelism), at most 4 GiB.
	Memory uint32
	// Iterations is the number of passes over the memory (argon2's "t"),
	// 1 to 64.
	Iterations uint32
	// Parallelism is the number of lanes (argon2's "p"), 1 to 64.
	Parallelism uint8
	// SaltLength is the length in bytes of the random salt, 8 to 64.
	SaltLength uint32
	// KeyLength is the length in bytes of the derived key, 16 to 128.
	KeyLength uint32
}

// DefaultArgon2Params follow the OWASP Password Storage Cheat Sheet: argon2id
// with m=19456 KiB (19 MiB), t=2, p=1, a 16-byte salt and a 32-byte key.
//
// OWASP lists five configurations of equal strength (46 MiB/t=1, 19 MiB/t=2,
// 12 MiB/t=3, 9 MiB/t=4, 7 MiB/t=5, all p=1) that trade memory for passes.
// The 19 MiB one is the cheat sheet's headline choice: with 19 MiB per login
// a modest 2-core host can verify many logins at once without swapping (a
// burst of 100 concurrent logins needs under 2 GiB; one verification takes
// about 30 ms of one core, see BenchmarkVerifyPassword, so two cores verify
// some 60 logins a second), while each guess still costs an attacker 19 MiB
// of memory traffic, which is what hurts GPUs and ASICs. One lane keeps one
// login on one core, so concurrent logins do not compete for cores inside
// one verification.
//
// Hosts with more headroom should raise Memory (first) or Iterations through
// their configuration; accounts are upgraded to the new parameters on their
// next successful login (see PasswordHasher.Verify).
var DefaultArgon2Params = Argon2Params{
	Memory:      19 * 1024,
	Iterations:  2,
	Parallelism: 1,
	SaltLength:  16,
	KeyLength:   32,
}

// Validate reports whether the parameters are usable: every field within the
// bounds documented on Argon2Params. Zero values are rejected (NewPasswordHasher
// fills zero fields with defaults before validating). The error is a
// *ValidationError listing every field out of range; it matches ErrValidation.
func (p Argon2Params) Validate() error {
	var v validationErrors
	switch {
	case p.Parallelism == 0:
		v.add("parallelism", "too_small", "must be at least 1")
	case p.Parallelism > maxArgon2Parallelism:
		v.add("parallelism", "too_large", fmt.Sprintf("must be at most %d", maxArgon2Parallelism))
	}
	minMemory := uint64(minArgon2MemoryPerLane) * uint64(max(p.Parallelism, 1))
	switch {
	case uint64(p.Memory) < minMemory:
		v.add("memory", "too_small", fmt.Sprintf("must be at least %d KiB (8 KiB per lane)", minMemory))
	case p.Memory > maxArgon2Memory:
		v.add("memory", "too_large", "must be at most 4 GiB")
	}
	switch {
	case p.Iterations == 0:
		v.add("iterations", "too_small", "must be at least 1")
	case p.Iterations > maxArgon2Iterations:
		v.add("iterations", "too_large", fmt.Sprintf("must be at most %d", maxArgon2Iterations))
	}
	switch {
	case p.SaltLength < minArgon2SaltLength:
		v.add("salt_length", "too_small", fmt.Sprintf("must be at least %d bytes", minArgon2SaltLength))
	case p.SaltLength > maxArgon2SaltLength:
		v.add("salt_length", "too_large", fmt.Sprintf("must be at most %d bytes", maxArgon2SaltLength))
	}
	switch {
	case p.KeyLength < minArgon2KeyLength:
		v.add("key_length", "too_small", fmt.Sprintf("must be at least %d bytes", minArgon2KeyLength))
	case p.KeyLength > maxArgon2KeyLength:
		v.add("key_length", "too_large", fmt.Sprintf("must be at most %d bytes", maxArgon2KeyLength))
	}
	return v.err()
}

// withDefaults fills each zero field from DefaultArgon2Params.
func (p Argon2Params) withDefaults() Argon2Params {
	d := DefaultArgon2Params
	if p.Memory == 0 {
		p.Memory = d.Memory
	}
	if p.Iterations == 0 {
		p.Iterations = d.Iterations
	}
	if p.Parallelism == 0 {
		p.Parallelism = d.Parallelism
	}
	if p.SaltLength == 0 {
		p.SaltLength = d.SaltLength
	}
	if p.KeyLength == 0 {
		p.KeyLength = d.KeyLength
	}
	return p
}

// PasswordHasher hashes and verifies passwords with argon2id. Create it with
// NewPasswordHasher; the zero value is not usable. It is safe for concurrent
// use, and its parameters cannot change after creation.
type PasswordHasher struct {
	params Argon2Params
	rand   io.Reader // salt source; crypto/rand.Reader outside tests

	dummyOnce sync.Once
	dummy     argon2Hash
}

// NewPasswordHasher returns a hasher using p. Zero fields of p take their
// value from DefaultArgon2Params, so NewPasswordHasher(Argon2Params{}) uses
// the defaults; the result must then pass Argon2Params.Validate.
func NewPasswordHasher(p Argon2Params) (*PasswordHasher, error) {
	p = p.withDefaults()
	if err := p.Validate(); err != nil {
		return nil, err
	}
	return &PasswordHasher{params: p, rand: rand.Reader}, nil
}

// Params returns the parameters new hashes are made with.
func (h *PasswordHasher) Params() Argon2Params { return h.params }

var errHasherNotReady = errors.New("auth: PasswordHasher not created with NewPasswordHasher")

func (h *PasswordHasher) ready() bool {
	return h != nil && h.params.Iterations != 0 && h.params.Parallelism != 0
}

// Hash returns an argon2id hash of password, with a fresh random salt, in
// the PHC string format:
//
//	$argon2id$v=19$m=19456,t=2,p=1$<salt>$<key>
//
// where salt and key are unpadded standard base64. The string holds
// everything Verify needs, parameters included. Hash does not apply any
// password policy; see PasswordPolicy.Check.
func (h *PasswordHasher) Hash(password string) (string, error) {
	if !h.ready() {
		return "", errHasherNotReady
	}
	salt := make([]byte, h.params.SaltLength)
	if _, err := io.ReadFull(h.rand, salt); err != nil {
		return "", fmt.Errorf("auth: reading random salt: %w", err)
	}
	p := h.params
	key := argon2.IDKey([]byte(password), salt, p.Iterations, p.Memory, p.Parallelism, p.KeyLength)
	return argon2Hash{params: p, salt: salt, key: key}.encode(), nil
}

// Verify reports whether password matches the encoded hash (as made by Hash,
// possibly with other parameters). It recomputes the key with the
// parameters stored in encoded and compares in constant time.
//
// needsRehash is true when ok is true and the stored parameters differ in any
// way from h.Params() (memory, iterations, parallelism, salt or key length):
// the host should then call Hash with the same password and store the
// result. Differ, not merely "are weaker": when an operator lowers the cost
// (say, to survive a load peak) the store converges on the configured
// parameters too, so login cost stays predictable and equal for every
// account, which is what DummyVerify's timing equalisation relies on.
// needsRehash is always false when ok is false, since only a verified
// password may be re-hashed.
//
// A wrong password gives ok == false and a nil error. A hash that cannot be
// parsed, or whose parameters are out of range, gives an error matching
// ErrMalformedHash; Verify never panics on stored data.
func (h *PasswordHasher) Verify(encoded, password string) (ok bool, needsRehash bool, err error) {
	if !h.ready() {
		return false, false, errHasherNotReady
	}
	stored, err := parseArgon2Hash(encoded)
	if err != nil {
		return false, false, err
	}
	if !stored.matches(password) {
		return false, false, nil
	}
	return true, stored.params != h.params, nil
}

// DummyVerify spends the time of one Verify with the current parameters and
// discards the result. Call it when a login names an unknown (or disabled)
// account, so that the answer takes as long as for a known account with a
// wrong password and response times do not reveal which accounts exist.
//
// The dummy hash is built once per hasher, on first use: the current
// parameters with a random salt and a random key. No password hashes to that
// key, so nothing can ever "log in" through it, and building it needs no
// argon2 run: the first call costs the same as every later one.
func (h *PasswordHasher) DummyVerify(password string) {
	if !h.ready() {
		return
	}
	h.dummyOnce.Do(func() {
		p := h.params
		buf := make([]byte, p.SaltLength+p.KeyLength)
		// On a failing reader the zero bytes still cost the same to check.
		_, _ = io.ReadFull(h.rand, buf)
		h.dummy = argon2Hash{params: p, salt: buf[:p.SaltLength], key: buf[p.SaltLength:]}
	})
	_ = h.dummy.matches(password)
}

// argon2Hash is a parsed PHC string. params.SaltLength and params.KeyLength
// equal len(salt) and len(key).
type argon2Hash struct {
	params Argon2Params
	salt   []byte
	key    []byte
}

// matches recomputes the key for password with the stored parameters and
// compares it with the stored key in constant time.
func (a argon2Hash) matches(password string) bool {
	p := a.params
	key := argon2.IDKey([]byte(password), a.salt, p.Iterations, p.Memory, p.Parallelism, uint32(len(a.key)))
	return subtle.ConstantTimeCompare(key, a.key) == 1
}

// encode returns the PHC string of a.
func (a argon2Hash) encode() string {
	b64 := base64.RawStdEncoding
	var b strings.Builder
	b.Grow(64 + b64.EncodedLen(len(a.salt)) + b64.EncodedLen(len(a.key)))
	b.WriteString("$argon2id$v=")
	b.WriteString(strconv.Itoa(argon2.Version))
	b.WriteString("$m=")
	b.WriteString(strconv.FormatUint(uint64(a.params.Memory), 10))
	b.WriteString(",t=")
	b.WriteString(strconv.FormatUint(uint64(a.params.Iterations), 10))
	b.WriteString(",p=")
	b.WriteString(strconv.FormatUint(uint64(a.params.Parallelism), 10))
	b.WriteByte('$')
	b.WriteString(b64.EncodeToString(a.salt))
	b.WriteByte('$')
	b.WriteString(b64.EncodeToString(a.key))
	return b.String()
}

func malformedHash(reason string) error {
	return fmt.Errorf("%w: %s", ErrMalformedHash, reason)
}

// parseArgon2Hash parses the PHC string of an argon2id hash, accepting only
// the canonical form that encode writes: algorithm argon2id, version 19,
// parameters m, t, p in that order as decimal numbers without sign or leading
// zeros, salt and key in unpadded standard base64 without line breaks or
// stray bits. Parameters outside the bounds of Argon2Params.Validate are
// refused, so a hostile stored value cannot make a login allocate or compute
// without limit. Every error matches ErrMalformedHash.
func parseArgon2Hash(s string) (argon2Hash, error) {
	if len(s) > maxArgon2Encoded {
		return argon2Hash{}, malformedHash("too long")
	}
	parts := strings.Split(s, "$")
	if len(parts) != 6 || parts[0] != "" {
		return argon2Hash{}, malformedHash("not a PHC string with 5 fields")
	}
	if parts[1] != "argon2id" {
		return argon2Hash{}, malformedHash("unsupported algorithm")
	}
	if parts[2] != "v="+strconv.Itoa(argon2.Version) {
		return argon2Hash{}, malformedHash("unsupported version")
	}
	kv := strings.Split(parts[3], ",")
	if len(kv) != 3 {
		return argon2Hash{}, malformedHash("parameters must be m, t and p")
	}
	var nums [3]uint64
	for i, name := range [3]string{"m=", "t=", "p="} {
		digits, found := strings.CutPrefix(kv[i], name)
		if !found {
			return argon2Hash{}, malformedHash("parameters must be m, t and p")
		}
		n, ok := parseCanonicalUint32(digits)
		if !ok {
			return argon2Hash{}, malformedHash("parameter is not a canonical number")
		}
		nums[i] = n
	}
	if nums[2] > maxArgon2Parallelism {
		return argon2Hash{}, malformedHash("parameters out of range")
	}
	salt, ok := decodeCanonicalBase64(parts[4])
	if !ok {
		return argon2Hash{}, malformedHash("salt is not canonical unpadded base64")
	}
	key, ok := decodeCanonicalBase64(parts[5])
	if !ok {
		return argon2Hash{}, malformedHash("key is not canonical unpadded base64")
	}
	p := Argon2Params{
		Memory:      uint32(nums[0]),
		Iterations:  uint32(nums[1]),
		Parallelism: uint8(nums[2]),
		SaltLength:  uint32(len(salt)),
		KeyLength:   uint32(len(key)),
	}
	if p.Validate() != nil {
		return argon2Hash{}, malformedHash("parameters out of range")
	}
	return argon2Hash{params: p, salt: salt, key: key}, nil
}

// parseCanonicalUint32 parses a decimal number that fits in 32 bits, written
// without sign, spaces or leading zeros.
func parseCanonicalUint32(s string) (uint64, bool) {
	if s == "" || len(s) > 10 || (len(s) > 1 && s[0] == '0') {
		return 0, false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
	}
	n, err := strconv.ParseUint(s, 10, 32)
	return n, err == nil
}

// decodeCanonicalBase64 decodes unpadded standard base64 and accepts it only
// if encoding the result gives s back (the decoder alone would skip line
// breaks).
func decodeCanonicalBase64(s string) ([]byte, bool) {
	enc := base64.RawStdEncoding.Strict()
	b, err := enc.DecodeString(s)
	if err != nil || enc.EncodeToString(b) != s {
		return nil, false
	}
	return b, true
}
