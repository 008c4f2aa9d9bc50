package appointment

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
)

// CancelToken is the secret that lets a citizen cancel a booking without
// signing in (the "cancel" link of the confirmation). The Desk returns it
// once, when the booking is confirmed or created; the store keeps only its
// SHA-256 hash.
type CancelToken string

// newCancelToken returns a fresh token (32 random bytes, base64url) and
// its hash.
func newCancelToken() (CancelToken, []byte) {
	var raw [32]byte
	_, _ = rand.Read(raw[:]) // crypto/rand.Read never fails (Go ≥ 1.24)
	tok := CancelToken(base64.RawURLEncoding.EncodeToString(raw[:]))
	return tok, tok.Hash()
}

// Hash returns the SHA-256 of the token, what the store keeps.
func (t CancelToken) Hash() []byte {
	h := sha256.Sum256([]byte(t))
	return h[:]
}

// Matches reports, in time independent of where the values differ,
// whether t is the token whose hash is hash. An empty token or hash never
// matches.
func (t CancelToken) Matches(hash []byte) bool {
	if t == "" || len(hash) != sha256.Size {
		return false
	}
	return subtle.ConstantTimeCompare(t.Hash(), hash) == 1
}
