package fsblob_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sportello/sportello/ticket"
	"github.com/sportello/sportello/ticket/fsblob"
	"github.com/sportello/sportello/ticket/tickettest"
)

func newStore(t *testing.T) *fsblob.Store {
	t.Helper()
	s, err := fsblob.New(filepath.Join(t.TempDir(), "blobs"))
	require.NoError(t, err)
	return s
}

func TestConformance(t *testing.T) {
	tickettest.RunBlobStore(t, func(t *testing.T) ticket.BlobStore { return newStore(t) })
}

// files lists every regular file below root, relative to it.
func files(t *testing.T, root string) []string {
	t.Helper()
	var out []string
	require.NoError(t, filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			rel, err := filepath.Rel(root, p)
			if err != nil {
				return err
			}
			out = append(out, filepath.ToSlash(rel))
		}
		return nil
	}))
	return out
}

func TestKeysMapBelowRoot(t *testing.T) {
	long := strings.Repeat("x", 201)
	sum := sha256.Sum256([]byte(long))
	hashed := "=" + hex.EncodeToString(sum[:])
	tests := []struct {
		key, file string
	}{
		{"a", "a"},
		{"a/b", "a~/b"},
		{"t1/Req-1/att.pdf", "t1~/^req-1~/att.pdf"},
		{"A", "^a"},
		{"..a/b..", "..a~/b.."},
		{strings.Repeat("x", 200), strings.Repeat("x", 200)},
		{long, hashed},
		{long + "/" + long, hashed + "~/" + hashed},
		{strings.Repeat("X", 101), "=" + hexSum(strings.Repeat("X", 101))},
	}
	for _, tc := range tests {
		t.Run(tc.key[:min(len(tc.key), 20)], func(t *testing.T) {
			s := newStore(t)
			require.NoError(t, s.Put(context.Background(), tc.key, strings.NewReader("x")))
			got := files(t, s.Root())
			require.Len(t, got, 1, "one file, no temporary left")
			assert.Equal(t, tc.file, got[0])
		})
	}
}

func TestCaseDistinctKeysStayApart(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	require.NoError(t, s.Put(ctx, "Doc", strings.NewReader("upper")))
	require.NoError(t, s.Put(ctx, "doc", strings.NewReader("lower")))
	for key, want := range map[string]string{"Doc": "upper", "doc": "lower"} {
		rc, err := s.Get(ctx, key)
		require.NoError(t, err)
		assert.Equal(t, want, readAll(t, rc))
	}
}

func TestTraversalKeysTouchNothing(t *testing.T) {
	parent := t.TempDir()
	s, err := fsblob.New(filepath.Join(parent, "root"))
	require.NoError(t, err)
	victim := filepath.Join(parent, "victim")
	require.NoError(t, os.WriteFile(victim, []byte("keep"), 0o600))
	ctx := context.Background()
	for _, key := range []string{"../victim", "/" + victim, `..\victim`, "a/../../victim", victim} {
		assert.ErrorIs(t, s.Put(ctx, key, strings.NewReader("owned")), ticket.ErrValidation, key)
		assert.ErrorIs(t, s.Delete(ctx, key), ticket.ErrValidation, key)
		_, err := s.Get(ctx, key)
		assert.ErrorIs(t, err, ticket.ErrValidation, key)
	}
	data, err := os.ReadFile(victim)
	require.NoError(t, err)
	assert.Equal(t, "keep", string(data))
	assert.Empty(t, files(t, s.Root()))
}

func TestFailedPutLeavesNoTemporary(t *testing.T) {
	s := newStore(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	assert.ErrorIs(t, s.Put(ctx, "k", strings.NewReader("x")), context.Canceled)
	_, err := s.Get(context.Background(), "k")
	assert.ErrorIs(t, err, ticket.ErrNotFound)
	assert.Empty(t, files(t, s.Root()))
}

func TestNewRefusesEmptyRoot(t *testing.T) {
	_, err := fsblob.New("")
	assert.Error(t, err)
}

func FuzzKeys(f *testing.F) {
	for _, seed := range []string{"a", "a/b", "../x", "a/./b", "A/b.C", "x//y", "/abs", `a\b`} {
		f.Add(seed)
	}
	root := f.TempDir()
	s, err := fsblob.New(root)
	require.NoError(f, err)
	f.Fuzz(func(t *testing.T, key string) {
		err := s.Put(context.Background(), key, strings.NewReader(key))
		if !ticket.ValidBlobKey(key) {
			if !errors.Is(err, ticket.ErrValidation) {
				t.Fatalf("invalid key %q: got %v", key, err)
			}
			return
		}
		if err != nil {
			t.Fatalf("valid key %q: %v", key, err)
		}
		rc, err := s.Get(context.Background(), key)
		if err != nil {
			t.Fatalf("get %q: %v", key, err)
		}
		if data := readAll(t, rc); data != key {
			t.Fatalf("get %q: %q", key, data)
		}
		if err := s.Delete(context.Background(), key); err != nil {
			t.Fatalf("delete %q: %v", key, err)
		}
	})
}

func hexSum(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

func readAll(t *testing.T, rc io.ReadCloser) string {
	t.Helper()
	defer func() { require.NoError(t, rc.Close()) }()
	data, err := io.ReadAll(rc)
	require.NoError(t, err)
	return string(data)
}

func newBenchStore(b *testing.B) (*fsblob.Store, error) {
	return fsblob.New(filepath.Join(b.TempDir(), "blobs"))
}

// A filesystem failure matches ticket.ErrUnavailable and shows no path.
func TestFilesystemFailureIsUnavailable(t *testing.T) {
	root := filepath.Join(t.TempDir(), "blobs")
	s, err := fsblob.New(root)
	if err != nil {
		t.Fatal(err)
	}
	// The root's place is taken by a plain file: nothing can be created
	// below it.
	if err := os.RemoveAll(root); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(root, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	err = s.Put(context.Background(), "t1/r1/a1", strings.NewReader("data"))
	if !errors.Is(err, ticket.ErrUnavailable) {
		t.Fatalf("got %v, want ErrUnavailable", err)
	}
	if strings.Contains(err.Error(), root) || strings.Contains(err.Error(), "t1") {
		t.Errorf("error %q shows a path", err)
	}
	if _, err := s.Get(context.Background(), "t1/r1/a1"); !errors.Is(err, ticket.ErrUnavailable) && !errors.Is(err, ticket.ErrNotFound) {
		t.Errorf("get: %v", err)
	}
}
