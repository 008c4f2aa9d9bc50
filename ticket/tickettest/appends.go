package tickettest

import (
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sportello/sportello/auth"
	"github.com/sportello/sportello/ticket"
)

// appenders are the principals that comment in turn: the requester, a
// contact and an agent of the request's team.
var appenders = []auth.Principal{kitRequester, kitContact, kitAgent}

// testConcurrentComments: 50 comments on one request at once, through
// two Desks over two stores sharing the data (two application instances),
// all land, each exactly once: an append never fails because another
// write of the request happened.
func testConcurrentComments(t *testing.T, k *kit) {
	dk := k.desks(t, 2)
	r, err := dk.desks[0].Create(k.ctx, kitRequester, dk.newRequest())
	require.NoError(t, err)
	const n = 50
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := dk.desks[i%2].Comment(k.ctx, appenders[i%len(appenders)], r.ID, fmt.Sprintf("comment %02d", i))
			assert.NoError(t, err, "comment %d", i)
		}()
	}
	wg.Wait()
	got, err := dk.stores[1].GetRequest(k.ctx, "t1", r.ID)
	require.NoError(t, err)
	count := map[string]int{}
	for _, e := range got.Logs {
		count[e.Text]++
	}
	for i := range n {
		assert.Equal(t, 1, count[fmt.Sprintf("comment %02d", i)], "comment %d", i)
	}
	assert.Len(t, got.Logs, n)
	assert.Equal(t, int64(1+n), got.Version, "one write per comment")
	ids := map[string]bool{}
	for _, e := range got.Logs {
		assert.False(t, ids[e.ID], "log entry ID %s given twice", e.ID)
		ids[e.ID] = true
	}
}

// testConcurrentAppends: comments, private logs, attachments and contact
// additions on one request at once, through two Desks over two stores,
// all land exactly once.
func testConcurrentAppends(t *testing.T, k *kit) {
	dk := k.desks(t, 2)
	r, err := dk.desks[0].Create(k.ctx, kitRequester, dk.newRequest())
	require.NoError(t, err)
	const each = 8
	var wg sync.WaitGroup
	run := func(i int, fn func(d *ticket.Desk) error) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			assert.NoError(t, fn(dk.desks[i%2]))
		}()
	}
	for i := range each {
		run(i, func(d *ticket.Desk) error {
			_, err := d.Comment(k.ctx, kitRequester, r.ID, fmt.Sprintf("public %d", i))
			return err
		})
		run(i+1, func(d *ticket.Desk) error {
			_, err := d.PrivateLog(k.ctx, kitAgent, r.ID, fmt.Sprintf("private %d", i))
			return err
		})
		run(i, func(d *ticket.Desk) error {
			_, err := d.Attach(k.ctx, kitContact, r.ID, fmt.Sprintf("file-%d.txt", i), strings.NewReader(fmt.Sprintf("content %d", i)))
			return err
		})
		run(i+1, func(d *ticket.Desk) error {
			_, err := d.AddContact(k.ctx, kitRequester, r.ID, fmt.Sprintf("user-x%d", i))
			return err
		})
	}
	wg.Wait()
	got, err := dk.stores[0].GetRequest(k.ctx, "t1", r.ID)
	require.NoError(t, err)
	texts := map[string]int{}
	for _, e := range got.Logs {
		texts[e.Text]++
	}
	names := map[string]int{}
	for _, a := range got.Attachments {
		names[a.Name]++
	}
	for i := range each {
		assert.Equal(t, 1, texts[fmt.Sprintf("public %d", i)])
		assert.Equal(t, 1, texts[fmt.Sprintf("private %d", i)])
		assert.Equal(t, 1, names[fmt.Sprintf("file-%d.txt", i)])
		assert.Contains(t, got.Contacts, fmt.Sprintf("user-x%d", i))
	}
	assert.Len(t, got.Logs, 2*each)
	assert.Len(t, got.Attachments, each)
	assert.Len(t, got.Contacts, 1+each)
	assert.Equal(t, each, dk.blobs.Len(), "one blob per attachment, none orphaned")
}
