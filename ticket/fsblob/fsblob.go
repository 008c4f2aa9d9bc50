package fsblob

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/sportello/sportello/ticket"
)

// maxName bounds an escaped segment written as is; longer ones are hashed.
const maxName = 200

// Store is a ticket.BlobStore keeping each blob in a file below a root
// directory. It is safe for concurrent use, also by several processes
// sharing the root.
type Store struct {
	root string
}

var _ ticket.BlobStore = (*Store)(nil)

// New returns a Store over root, creating the directory (mode 0750) if
// needed. root is made absolute, so a later change of working directory
// does not move the store.
func New(root string) (*Store, error) {
	if root == "" {
		return nil, errors.New("ticket/fsblob: empty root directory")
	}
	abs, err := filepath.Abs(root)
	if err != nil {
		return nil, fmt.Errorf("ticket/fsblob: root: %w", err)
	}
	if err := os.MkdirAll(abs, 0o750); err != nil {
		return nil, fmt.Errorf("ticket/fsblob: creating root: %w", err)
	}
	return &Store{root: abs}, nil
}

// Root returns the absolute root directory.
func (s *Store) Root() string { return s.root }

func badKey() error {
	return &ticket.ValidationError{Fields: []ticket.FieldError{{
		Field: "key", Rule: "blob_key", Message: "is not a valid blob key",
	}}}
}

// escape maps one valid key segment to a file name: upper-case letters
// become "^" and the lower-case letter, and a long result becomes "=" and
// the hex SHA-256 of the segment. '^' and '=' never occur in a segment, so
// the mapping is injective.
func escape(seg string) string {
	var b strings.Builder
	for i := 0; i < len(seg); i++ {
		c := seg[i]
		if c >= 'A' && c <= 'Z' {
			b.WriteByte('^')
			c += 'a' - 'A'
		}
		b.WriteByte(c)
	}
	if b.Len() > maxName {
		sum := sha256.Sum256([]byte(seg))
		return "=" + hex.EncodeToString(sum[:])
	}
	return b.String()
}

// paths returns the directory and the file of key, or a validation error.
func (s *Store) paths(key string) (dir, file string, err error) {
	if !ticket.ValidBlobKey(key) {
		return "", "", badKey()
	}
	segs := strings.Split(key, "/")
	parts := make([]string, 0, len(segs)+1)
	parts = append(parts, s.root)
	for _, seg := range segs[:len(segs)-1] {
		parts = append(parts, escape(seg)+"~")
	}
	dir = filepath.Join(parts...)
	return dir, filepath.Join(dir, escape(segs[len(segs)-1])), nil
}

// failure is a filesystem error: it matches ticket.ErrUnavailable, and
// its message names the operation only, never the path (which shows the
// host's directories and the tenant's IDs) nor the system's text. Unwrap
// gives the original error, for logs.
type failure struct {
	op    string
	cause error
}

func (e *failure) Error() string { return "ticket/fsblob: " + e.op + ": storage unavailable" }

// Is matches ticket.ErrUnavailable.
func (e *failure) Is(target error) bool { return target == ticket.ErrUnavailable }

// Unwrap returns the filesystem's error.
func (e *failure) Unwrap() error { return e.cause }

// fail wraps err of op as a *failure; a context error is returned as it
// is.
func fail(op string, err error) error {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	return &failure{op: op, cause: err}
}

// Put implements ticket.BlobStore: it writes r to a temporary file and
// renames it over the key's file once complete and synced.
func (s *Store) Put(ctx context.Context, key string, r io.Reader) (err error) {
	dir, file, err := s.paths(key)
	if err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return fail("put", err)
	}
	tmp, err := os.CreateTemp(dir, "~tmp-*")
	if err != nil {
		return fail("put", err)
	}
	defer func() {
		if err != nil {
			_ = tmp.Close()
			_ = os.Remove(tmp.Name())
		}
	}()
	if _, err := io.Copy(tmp, ctxReader{ctx, r}); err != nil {
		return fail("put", err)
	}
	if err := tmp.Sync(); err != nil {
		return fail("put", err)
	}
	if err := tmp.Close(); err != nil {
		return fail("put", err)
	}
	if err := os.Rename(tmp.Name(), file); err != nil {
		return fail("put", err)
	}
	// Make the rename itself durable: a crash after Put returned must not
	// lose a blob whose metadata the Store then records. Best effort on
	// systems that cannot sync a directory.
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		_ = d.Close()
	}
	return nil
}

// Get implements ticket.BlobStore: the returned reader is the open file.
func (s *Store) Get(ctx context.Context, key string) (io.ReadCloser, error) {
	_, file, err := s.paths(key)
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	f, err := os.Open(file)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, ticket.ErrNotFound
	}
	if err != nil {
		return nil, fail("get", err)
	}
	return f, nil
}

// Delete implements ticket.BlobStore; a missing key is not an error.
func (s *Store) Delete(ctx context.Context, key string) error {
	_, file, err := s.paths(key)
	if err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := os.Remove(file); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fail("delete", err)
	}
	return nil
}

// ctxReader stops a long copy when ctx ends.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

// Read fails once the context has ended, and reads from r otherwise.
func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}
