package auth

import (
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"io"
)

// tokenBytes is the entropy of a token: 256 bits.
const tokenBytes = 32

// tokenLen is the length of a token's text form (unpadded base64url).
var tokenLen = base64.RawURLEncoding.EncodedLen(tokenBytes)

// newToken draws a token from r and returns its text form, to be sent to
// the account holder, and its hash, to be stored.
func newToken(r io.Reader) (string, TokenHash, error) {
	var b [tokenBytes]byte
	if _, err := io.ReadFull(r, b[:]); err != nil {
		return "", TokenHash{}, fmt.Errorf("auth: reading random token: %w", err)
	}
	raw := base64.RawURLEncoding.EncodeToString(b[:])
	return raw, HashToken(raw), nil
}

// HashToken returns the SHA-256 of a token's text form: what stores keep.
func HashToken(raw string) TokenHash { return sha256.Sum256([]byte(raw)) }

// parseToken checks a token's form before it is looked up; a malformed one
// is ErrInvalidToken, like an unknown one.
func parseToken(raw string) (TokenHash, error) {
	if len(raw) != tokenLen {
		return TokenHash{}, ErrInvalidToken
	}
	if _, err := base64.RawURLEncoding.DecodeString(raw); err != nil {
		return TokenHash{}, ErrInvalidToken
	}
	return HashToken(raw), nil
}
