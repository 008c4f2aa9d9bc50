package fsblob_test

import (
	"bytes"
	"context"
	"io"
	"testing"
)

// BenchmarkPutGet writes and reads back a 256 KiB attachment.
func BenchmarkPutGet(b *testing.B) {
	s, err := newBenchStore(b)
	if err != nil {
		b.Fatal(err)
	}
	data := bytes.Repeat([]byte("0123456789abcdef"), 16<<10)
	ctx := context.Background()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if err := s.Put(ctx, "t1/req-1/att-1", bytes.NewReader(data)); err != nil {
			b.Fatal(err)
		}
		rc, err := s.Get(ctx, "t1/req-1/att-1")
		if err != nil {
			b.Fatal(err)
		}
		if _, err := io.Copy(io.Discard, rc); err != nil {
			b.Fatal(err)
		}
		rc.Close()
	}
}
