package practice_test

import (
	"testing"

	"github.com/sportello/sportello/practice"
)

// BenchmarkCommandOnMemstore measures one command (an operator assigning
// the pratica: load, authorize, check the table, save with version check)
// on memstore. A fresh pratica every 16 commands keeps its history at a
// realistic length. Target: under 5 µs.
func BenchmarkCommandOnMemstore(b *testing.B) {
	f := newFixture(b, baseService())
	fresh := func() *practice.Practice {
		p := f.draft()
		return f.must(f.desk.Submit(f.ctx, f.act.owner, p.ID))
	}
	p := fresh()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if i%16 == 15 {
			b.StopTimer()
			p = fresh()
			b.StartTimer()
		}
		i++
		if _, err := f.desk.Assign(f.ctx, f.act.enabled, p.ID, officeID, assigneeID); err != nil {
			b.Fatal(err)
		}
	}
}
