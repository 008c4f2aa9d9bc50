package tickettest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sportello/sportello/internal/conctest"
	"github.com/sportello/sportello/ticket"
)

// RunBlobStore runs the BlobStore kit. newBlobStore is called once per
// subtest and returns a fresh, empty store; it registers its own cleanup
// with t.
func RunBlobStore(t *testing.T, newBlobStore func(t *testing.T) ticket.BlobStore) {
	tests := []struct {
		name string
		fn   func(*testing.T, ticket.BlobStore)
	}{
		{"PutGetRoundTrip", testBlobRoundTrip},
		{"PutReplaces", testBlobOverwrite},
		{"GetMissingIsNotFound", testBlobMissing},
		{"DeleteRemoves", testBlobDelete},
		{"NestedKeysAreIndependent", testBlobNested},
		{"InvalidKeysRefused", testBlobInvalidKeys},
		{"FailedPutLeavesPrevious", testBlobFailedPut},
		{"ConcurrentPutsAtomic", testBlobConcurrent},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { tc.fn(t, newBlobStore(t)) })
	}
}

// content returns n deterministic bytes seeded by seed.
func content(seed byte, n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = seed + byte(i*7+i/251)
	}
	return b
}

func read(t *testing.T, b ticket.BlobStore, key string) ([]byte, error) {
	t.Helper()
	rc, err := b.Get(context.Background(), key)
	if err != nil {
		return nil, err
	}
	defer func() { assert.NoError(t, rc.Close()) }()
	return io.ReadAll(rc)
}

func mustRead(t *testing.T, b ticket.BlobStore, key string) []byte {
	t.Helper()
	data, err := read(t, b, key)
	require.NoError(t, err, "key %s", key)
	return data
}

func testBlobRoundTrip(t *testing.T, b ticket.BlobStore) {
	ctx := context.Background()
	cases := map[string][]byte{
		"t1/req-1/att-1":        []byte("%PDF-1.7 hello"),
		"empty":                 {},
		"big.bin":               content(3, 1<<20+17),
		"A-b_c.D/e.f/g-H_i.jpg": content(200, 4096),
		strings.Repeat("k", 255) + "/" + strings.Repeat("v", 250): []byte("long key"),
	}
	for key, data := range cases {
		require.NoError(t, b.Put(ctx, key, bytes.NewReader(data)), "put %.20s", key)
	}
	for key, data := range cases {
		got := mustRead(t, b, key)
		assert.True(t, bytes.Equal(data, got), "key %.20s: content comes back byte for byte (%d vs %d bytes)", key, len(data), len(got))
	}
	// Two readers of one blob are independent.
	r1, err := b.Get(ctx, "t1/req-1/att-1")
	require.NoError(t, err)
	r2, err := b.Get(ctx, "t1/req-1/att-1")
	require.NoError(t, err)
	first := make([]byte, 4)
	_, err = io.ReadFull(r1, first)
	require.NoError(t, err)
	all, err := io.ReadAll(r2)
	require.NoError(t, err)
	assert.Equal(t, "%PDF", string(first))
	assert.Equal(t, cases["t1/req-1/att-1"], all)
	require.NoError(t, r1.Close())
	require.NoError(t, r2.Close())
}

func testBlobOverwrite(t *testing.T, b ticket.BlobStore) {
	ctx := context.Background()
	require.NoError(t, b.Put(ctx, "k/v", strings.NewReader("a much longer first content")))
	require.NoError(t, b.Put(ctx, "k/v", strings.NewReader("short")))
	assert.Equal(t, "short", string(mustRead(t, b, "k/v")), "Put replaces, it does not append nor leave a tail")
	require.NoError(t, b.Put(ctx, "k/v", strings.NewReader("")))
	assert.Empty(t, mustRead(t, b, "k/v"), "an empty Put replaces too")
}

func testBlobMissing(t *testing.T, b ticket.BlobStore) {
	_, err := b.Get(context.Background(), "never/stored")
	assert.ErrorIs(t, err, ticket.ErrNotFound)
	_, err = b.Get(context.Background(), "never")
	assert.ErrorIs(t, err, ticket.ErrNotFound)
}

func testBlobDelete(t *testing.T, b ticket.BlobStore) {
	ctx := context.Background()
	require.NoError(t, b.Put(ctx, "d/one", strings.NewReader("1")))
	require.NoError(t, b.Put(ctx, "d/two", strings.NewReader("2")))
	require.NoError(t, b.Delete(ctx, "d/one"))
	_, err := read(t, b, "d/one")
	assert.ErrorIs(t, err, ticket.ErrNotFound, "a deleted key is missing")
	assert.Equal(t, "2", string(mustRead(t, b, "d/two")), "Delete removes only its key")
	assert.NoError(t, b.Delete(ctx, "d/one"), "deleting a missing key is not an error")
	assert.NoError(t, b.Delete(ctx, "never/stored"), "deleting a missing key is not an error")
	require.NoError(t, b.Put(ctx, "d/one", strings.NewReader("again")))
	assert.Equal(t, "again", string(mustRead(t, b, "d/one")), "a deleted key may be stored again")
}

func testBlobNested(t *testing.T, b ticket.BlobStore) {
	ctx := context.Background()
	keys := []string{"n", "n/m", "n/m/o", "n.d/m", "n/m.d"}
	for i, key := range keys {
		require.NoError(t, b.Put(ctx, key, strings.NewReader(fmt.Sprintf("content %d", i))), "put %s", key)
	}
	for i, key := range keys {
		assert.Equal(t, fmt.Sprintf("content %d", i), string(mustRead(t, b, key)), "key %s", key)
	}
	require.NoError(t, b.Delete(ctx, "n/m"))
	assert.Equal(t, "content 2", string(mustRead(t, b, "n/m/o")), "deleting a key leaves the keys below it")
	assert.Equal(t, "content 0", string(mustRead(t, b, "n")))
}

// InvalidBlobKeys are keys every BlobStore must refuse with
// ticket.ErrValidation (none satisfies ticket.ValidBlobKey).
var InvalidBlobKeys = []string{
	"", "/", "/abs", "abs/", "a//b", ".", "..", "../up", "a/../b", "a/..", "./a", "a/./b",
	`a\b`, `..\up`, "C:x", "a b", "a\x00b", "a\nb", "é", "~user", "a/*", "$HOME",
	strings.Repeat("x", 513),
}

func testBlobInvalidKeys(t *testing.T, b ticket.BlobStore) {
	ctx := context.Background()
	for _, key := range InvalidBlobKeys {
		require.False(t, ticket.ValidBlobKey(key), "kit error: %q is valid", key)
		assert.ErrorIs(t, b.Put(ctx, key, strings.NewReader("x")), ticket.ErrValidation, "Put %q", key)
		_, err := b.Get(ctx, key)
		assert.ErrorIs(t, err, ticket.ErrValidation, "Get %q", key)
		assert.ErrorIs(t, b.Delete(ctx, key), ticket.ErrValidation, "Delete %q", key)
	}
	require.True(t, ticket.ValidBlobKey(strings.Repeat("x", 512)))
	require.NoError(t, b.Put(ctx, strings.Repeat("x", 255)+"/"+strings.Repeat("y", 256), strings.NewReader("max")))
}

// failingReader yields some bytes and then an error.
type failingReader struct {
	data []byte
	err  error
}

// Read returns data, then err.
func (r *failingReader) Read(p []byte) (int, error) {
	if len(r.data) == 0 {
		return 0, r.err
	}
	n := copy(p, r.data)
	r.data = r.data[n:]
	return n, nil
}

func testBlobFailedPut(t *testing.T, b ticket.BlobStore) {
	ctx := context.Background()
	boom := errors.New("connection reset")
	require.NoError(t, b.Put(ctx, "f/old", strings.NewReader("previous")))
	err := b.Put(ctx, "f/old", &failingReader{data: content(1, 70000), err: boom})
	require.Error(t, err, "a failing reader fails the Put")
	data, err := read(t, b, "f/old")
	if err == nil {
		assert.Equal(t, "previous", string(data), "a failed Put leaves the previous content, never a part")
	} else {
		assert.ErrorIs(t, err, ticket.ErrNotFound)
	}
	err = b.Put(ctx, "f/new", &failingReader{data: []byte("partial"), err: boom})
	require.Error(t, err)
	_, err = read(t, b, "f/new")
	assert.ErrorIs(t, err, ticket.ErrNotFound, "a failed Put of a new key leaves nothing")
}

// testBlobConcurrent has writers replace one key with whole contents while
// readers read it: a reader sees one whole content, never a mix or a part.
func testBlobConcurrent(t *testing.T, b ticket.BlobStore) {
	ctx := context.Background()
	const writers, size = 6, 96 << 10
	contents := make([][]byte, writers)
	for i := range contents {
		contents[i] = content(byte(i*40), size)
	}
	require.NoError(t, b.Put(ctx, "c/key", bytes.NewReader(contents[0])))
	// Calls 2w write contents[w]; calls 2w+1 read.
	conctest.Run(t, 2*writers, nil, func(i int) error {
		w := i / 2
		for range 4 {
			if i%2 == 0 {
				if err := b.Put(ctx, "c/key", bytes.NewReader(contents[w])); err != nil {
					return fmt.Errorf("writer %d: %w", w, err)
				}
				continue
			}
			data, err := read(t, b, "c/key")
			if err != nil {
				return fmt.Errorf("reader %d: %w", w, err)
			}
			if !slices.ContainsFunc(contents, func(c []byte) bool { return bytes.Equal(c, data) }) {
				t.Errorf("reader %d: read %d bytes that are no whole content", w, len(data))
			}
		}
		return nil
	})
}
