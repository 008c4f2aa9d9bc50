package pgstore_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/sportello/sportello/auth"
	"github.com/sportello/sportello/internal/pgtest"
	"github.com/sportello/sportello/practice"
	"github.com/sportello/sportello/practice/pgstore"
)

// benchPractice is a pratica with a realistic history and message thread.
func benchPractice(id practice.ID) *practice.Practice {
	at := time.Date(2026, 3, 2, 8, 30, 0, 0, time.UTC)
	p := &practice.Practice{ID: id, Tenant: "t1", Service: "svc-1", Owner: practice.Owner{ID: "c-1", FiscalCode: "RSSMRA80A01H501U"},
		Related: []string{"VRDGPP75B02F205X"}, Data: map[string]any{"name": "Mario", "income": 23456.78},
		Status: practice.StatusPending, Assignee: "op-1", Office: "off-1", CreatedAt: at, UpdatedAt: at}
	for i := range 20 {
		p.History = append(p.History, practice.HistoryEntry{At: at.Add(time.Duration(i) * time.Minute), From: practice.StatusPending,
			To: practice.StatusPending, Event: practice.ActionNote, Operator: "op-1", Office: "off-1"})
		p.Messages = append(p.Messages, practice.Message{ID: fmt.Sprintf("m-%d", i), Author: "op-1", AuthorKind: auth.KindOperator,
			Visibility: practice.VisibilityInternal, Text: "nota", CreatedAt: at})
	}
	return p
}

func newBenchStore(b *testing.B) (*pgstore.Store, *practice.Practice) {
	ctx := context.Background()
	s, err := pgstore.New(ctx, pgtest.NewPool(b))
	if err != nil {
		b.Fatal(err)
	}
	p := benchPractice("p-1")
	if _, _, err := s.Create(ctx, p, nil); err != nil {
		b.Fatal(err)
	}
	return s, p
}

// BenchmarkGet reads a pratica with 20 history entries and 20 messages.
func BenchmarkGet(b *testing.B) {
	s, p := newBenchStore(b)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.Get(ctx, p.Tenant, p.ID); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkUpdate appends one history entry and one message per update,
// with one outbox notification: the shape of a typical command.
func BenchmarkUpdate(b *testing.B) {
	s, p := newBenchStore(b)
	ctx := context.Background()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		i++
		p.History = append(p.History, practice.HistoryEntry{At: p.CreatedAt, From: p.Status, To: p.Status, Event: practice.ActionNote, Operator: "op-1"})
		p.Messages = append(p.Messages, practice.Message{ID: fmt.Sprintf("b-%d", i), Author: "op-1", AuthorKind: auth.KindOperator,
			Visibility: practice.VisibilityInternal, Text: "nota", CreatedAt: p.CreatedAt})
		note := practice.Notification{ID: fmt.Sprintf("n-%d", i), Tenant: "t1", Kind: practice.NotifyCitizenStatus, Practice: p.ID, CreatedAt: p.CreatedAt}
		if err := s.Update(ctx, p, []practice.Notification{note}); err != nil {
			b.Fatal(err)
		}
	}
}
