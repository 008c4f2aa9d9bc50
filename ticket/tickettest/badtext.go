package tickettest

import (
	"bytes"
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sportello/sportello/auth"
	"github.com/sportello/sportello/internal/cursor"
	"github.com/sportello/sportello/ticket"
)

// Text that breaks the text rule, and the messages of its two kinds.
const (
	nul       = "a\x00b"
	notUTF8   = "a\xffb"
	escape    = "a\x1bb"
	lineMsg   = "must be valid UTF-8 text on one line, without control characters"
	longMsg   = "must be valid UTF-8 text without control characters other than newline and tab"
	unknownKv = "has a value for a field the service does not define"
)

// snapshot is everything tenant t1 holds in a store.
type snapshot struct {
	requests      []*ticket.Request
	notes         []ticket.Notification
	families      []*ticket.Family
	services      []*ticket.Service
	subcategories []*ticket.Subcategory
	blobs         int
}

func (k *kit) snapshot(t *testing.T, s ticket.Store, dk *deskKit) snapshot {
	t.Helper()
	var sn snapshot
	var err error
	sn.requests, err = s.ListRequests(k.ctx, "t1", ticket.Filter{}, "", 1000)
	require.NoError(t, err)
	sn.notes = k.peek(t, s, "t1")
	sn.families, err = s.ListFamilies(k.ctx, "t1")
	require.NoError(t, err)
	sn.services, err = s.ListServices(k.ctx, "t1")
	require.NoError(t, err)
	sn.subcategories, err = s.ListSubcategories(k.ctx, "t1")
	require.NoError(t, err)
	sn.blobs = dk.blobs.Len()
	return sn
}

// testBadTextRefused: every string field of every command, given text
// that breaks the text rule (NUL, invalid UTF-8, a control character, a
// newline in a single-line field), and every catalogue position beyond a
// 32-bit integer, is a *ValidationError naming exactly that field with
// the one message of the rule, the same on every store, and nothing is
// saved.
func testBadTextRefused(t *testing.T, k *kit) {
	dk := k.desks(t, 1)
	d, s := dk.desks[0], k.store0(t, dk)
	open, err := d.Create(k.ctx, kitRequester, dk.newRequest())
	require.NoError(t, err)
	assigned, err := d.Create(k.ctx, kitRequester, dk.newRequest())
	require.NoError(t, err)
	_, err = d.Assign(k.ctx, kitAgent, assigned.ID, "team-1", kitAgent.ID)
	require.NoError(t, err)
	fam := dk.service.FamilyID

	create := func(change func(*ticket.NewRequest)) func() error {
		return func() error {
			in := dk.newRequest()
			change(&in)
			_, err := d.Create(k.ctx, kitAdmin, in)
			return err
		}
	}
	line := func(field string) ticket.FieldError {
		return ticket.FieldError{Field: field, Rule: "line", Message: lineMsg}
	}
	long := func(field string) ticket.FieldError {
		return ticket.FieldError{Field: field, Rule: "text", Message: longMsg}
	}
	bigPosition, smallPosition := 0, 0
	if strconv.IntSize == 64 {
		big := int64(math.MaxInt32) + 1
		bigPosition, smallPosition = int(big), int(-big-1)
	}

	tests := []struct {
		name string
		run  func() error
		want ticket.FieldError
	}{
		{"title with NUL", create(func(in *ticket.NewRequest) { in.Title = nul }), line("title")},
		{"title on two lines", create(func(in *ticket.NewRequest) { in.Title = "a\nb" }), line("title")},
		{"description not UTF-8", create(func(in *ticket.NewRequest) { in.Description = notUTF8 }), long("description")},
		{"description with escape", create(func(in *ticket.NewRequest) { in.Description = escape }), long("description")},
		{"service ID with NUL", create(func(in *ticket.NewRequest) { in.ServiceID = nul }), line("service_id")},
		{"subcategory ID not UTF-8", create(func(in *ticket.NewRequest) { in.SubcategoryID = notUTF8 }), line("subcategory_id")},
		{"requester ID with NUL", create(func(in *ticket.NewRequest) { in.RequesterID = nul }), line("requester_id")},
		{"contact with NUL", create(func(in *ticket.NewRequest) { in.Contacts = []string{nul} }), line("contacts[0]")},
		{"parent ID not UTF-8", create(func(in *ticket.NewRequest) { in.ParentID = notUTF8 }), line("parent_id")},
		{"idempotency key with NUL", create(func(in *ticket.NewRequest) { in.IdempotencyKey = nul }), line("idempotency_key")},
		{"text extra field with NUL", create(func(in *ticket.NewRequest) { in.Extra = map[string]string{"room": nul} }), long("extra.room")},
		{"extra key with NUL", create(func(in *ticket.NewRequest) { in.Extra = map[string]string{nul: "x"} }),
			ticket.FieldError{Field: "extra", Rule: "unknown", Message: unknownKv}},
		{"principal ID with NUL", func() error {
			who := kitRequester
			who.ID = nul
			_, err := d.Create(k.ctx, who, dk.newRequest())
			return err
		}, line("principal_id")},
		{"principal tenant not UTF-8", func() error {
			who := kitRequester
			who.Tenant = notUTF8
			_, err := d.Create(k.ctx, who, dk.newRequest())
			return err
		}, line("tenant")},

		{"comment with NUL", func() error { _, err := d.Comment(k.ctx, kitRequester, open.ID, nul); return err }, long("text")},
		{"private log not UTF-8", func() error { _, err := d.PrivateLog(k.ctx, kitAgent, open.ID, notUTF8); return err }, long("text")},
		{"comment by a principal ID with NUL", func() error {
			who := kitAdmin
			who.ID = nul
			_, err := d.Comment(k.ctx, who, open.ID, "hello")
			return err
		}, line("principal_id")},
		{"contact with escape", func() error { _, err := d.AddContact(k.ctx, kitRequester, open.ID, escape); return err }, line("contact")},
		{"attachment name with NUL", func() error {
			_, err := d.Attach(k.ctx, kitRequester, open.ID, nul, strings.NewReader("plain text"))
			return err
		}, line("name")},
		{"team ID with NUL", func() error { _, err := d.Assign(k.ctx, kitAdmin, open.ID, nul, "agent-1"); return err }, line("team_id")},
		{"agent ID not UTF-8", func() error { _, err := d.Assign(k.ctx, kitAdmin, open.ID, "team-1", notUTF8); return err }, line("agent_id")},
		{"comment of a move with NUL", func() error {
			_, err := d.Apply(k.ctx, kitAdmin, open.ID, ticket.Step{Stimulus: ticket.StimulusAssign, TeamID: "team-1", AgentID: "agent-1", Comment: nul})
			return err
		}, long("comment")},
		{"pending reason with NUL", func() error { _, err := d.SetPending(k.ctx, kitAgent, assigned.ID, nul); return err }, long("reason")},
		{"resolution code on two lines", func() error {
			_, err := d.Resolve(k.ctx, kitAgent, assigned.ID, "a\nb", "done")
			return err
		}, line("resolution_code")},
		{"solution not UTF-8", func() error { _, err := d.Resolve(k.ctx, kitAgent, assigned.ID, "fixed", notUTF8); return err }, long("solution")},

		{"family name with NUL", func() error {
			_, err := d.CreateFamily(k.ctx, kitAdmin, ticket.FamilyInput{Name: nul})
			return err
		}, line("name")},
		{"family description not UTF-8", func() error {
			_, err := d.CreateFamily(k.ctx, kitAdmin, ticket.FamilyInput{Name: "n", Description: notUTF8})
			return err
		}, long("description")},
		{"service team with NUL", func() error {
			_, err := d.CreateService(k.ctx, kitAdmin, ticket.ServiceInput{FamilyID: fam, Name: "n", TeamID: nul})
			return err
		}, line("team_id")},
		{"service family ID not UTF-8", func() error {
			_, err := d.CreateService(k.ctx, kitAdmin, ticket.ServiceInput{FamilyID: notUTF8, Name: "n"})
			return err
		}, line("family_id")},
		{"extra field label with NUL", func() error {
			_, err := d.CreateService(k.ctx, kitAdmin, ticket.ServiceInput{FamilyID: fam, Name: "n",
				ExtraFields: []ticket.ExtraField{{Name: "x", Label: nul, Type: ticket.FieldText}}})
			return err
		}, line("extra_fields[0].label")},
		{"extra field choice not UTF-8", func() error {
			_, err := d.CreateService(k.ctx, kitAdmin, ticket.ServiceInput{FamilyID: fam, Name: "n",
				ExtraFields: []ticket.ExtraField{{Name: "x", Label: "X", Type: ticket.FieldChoice, Choices: []string{"ok", notUTF8}}}})
			return err
		}, line("extra_fields[0].choices[1]")},
		{"subcategory name with escape", func() error {
			_, err := d.CreateSubcategory(k.ctx, kitAdmin, ticket.SubcategoryInput{ServiceID: dk.service.ID, Name: escape, Type: ticket.TypeIncident})
			return err
		}, line("name")},
	}
	if strconv.IntSize == 64 {
		tooBig := ticket.FieldError{Field: "position", Rule: "max", Message: "must be at most 2147483647"}
		tooSmall := ticket.FieldError{Field: "position", Rule: "min", Message: "must be at least -2147483648"}
		tests = append(tests, []struct {
			name string
			run  func() error
			want ticket.FieldError
		}{
			{"family position beyond int4", func() error {
				_, err := d.CreateFamily(k.ctx, kitAdmin, ticket.FamilyInput{Name: "n", Position: bigPosition})
				return err
			}, tooBig},
			{"service position beyond int4", func() error {
				_, err := d.CreateService(k.ctx, kitAdmin, ticket.ServiceInput{FamilyID: fam, Name: "n", Position: smallPosition})
				return err
			}, tooSmall},
			{"subcategory position beyond int4", func() error {
				_, err := d.CreateSubcategory(k.ctx, kitAdmin, ticket.SubcategoryInput{ServiceID: dk.service.ID, Name: "n",
					Type: ticket.TypeIncident, Position: bigPosition})
				return err
			}, tooBig},
		}...)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := k.snapshot(t, s, dk)
			err := tt.run()
			require.ErrorIs(t, err, ticket.ErrValidation)
			var ve *ticket.ValidationError
			require.ErrorAs(t, err, &ve)
			assert.Equal(t, []ticket.FieldError{tt.want}, ve.Fields)
			assert.NotContains(t, err.Error(), "\x00", "the error does not echo the input")
			assert.Equal(t, before, k.snapshot(t, s, dk), "nothing is saved")
		})
	}
}

// store0 returns the store under the first Desk of dk (the kit keeps it
// for reading back what the Desk saved).
func (k *kit) store0(t *testing.T, dk *deskKit) ticket.Store {
	t.Helper()
	require.NotEmpty(t, dk.stores)
	return dk.stores[0]
}

// testImpossibleIDsNotFound: a lookup by an ID or tenant that no record
// can have (NUL, invalid UTF-8, longer than any ID) is ErrNotFound, from
// the Desk and from the store alike, never a storage error; a listing
// for such a tenant is empty, and a cursor holding such an ID is a
// *ValidationError on "cursor".
func testImpossibleIDsNotFound(t *testing.T, k *kit) {
	dk := k.desks(t, 1)
	d, s := dk.desks[0], k.store0(t, dk)
	r, err := d.Create(k.ctx, kitRequester, dk.newRequest())
	require.NoError(t, err)
	for _, id := range []string{nul, notUTF8, strings.Repeat("x", 200)} {
		_, err := d.Get(k.ctx, kitAdmin, id)
		assert.ErrorIs(t, err, ticket.ErrNotFound, "Get %q", id)
		_, err = d.Comment(k.ctx, kitAdmin, id, "hello")
		assert.ErrorIs(t, err, ticket.ErrNotFound, "Comment %q", id)
		_, err = d.Assign(k.ctx, kitAdmin, id, "team-1", "agent-1")
		assert.ErrorIs(t, err, ticket.ErrNotFound, "Assign %q", id)
		_, err = d.Attach(k.ctx, kitAdmin, id, "a.txt", bytes.NewReader([]byte("text")))
		assert.ErrorIs(t, err, ticket.ErrNotFound, "Attach %q", id)
		_, _, err = d.OpenAttachment(k.ctx, kitAdmin, id, "att")
		assert.ErrorIs(t, err, ticket.ErrNotFound, "OpenAttachment %q", id)
		_, err = d.UpdateFamily(k.ctx, kitAdmin, id, 1, ticket.FamilyInput{Name: "n"})
		assert.ErrorIs(t, err, ticket.ErrNotFound, "UpdateFamily %q", id)
		assert.ErrorIs(t, d.DeleteSubcategory(k.ctx, kitAdmin, id, 1), ticket.ErrNotFound, "DeleteSubcategory %q", id)
		who := auth.Principal{ID: "user-1", Tenant: id, Kind: auth.KindCitizen}
		_, err = d.Get(k.ctx, who, r.ID)
		assert.ErrorIs(t, err, ticket.ErrNotFound, "Get in tenant %q", id)
		page, err := d.Ongoing(k.ctx, who, "", 10)
		assert.NoError(t, err, "Ongoing in tenant %q", id)
		assert.Empty(t, page.Items)
		n, err := d.DeliverNotifications(k.ctx, id, 10)
		assert.NoError(t, err)
		assert.Zero(t, n)
	}
	_, err = d.Ongoing(k.ctx, kitRequester, cursor.Encode("ticket/requests", nul), 10)
	assert.ErrorIs(t, err, ticket.ErrValidation, "a cursor holding an impossible ID")

	// The store itself answers lookups by text no database column can hold.
	for _, id := range []string{nul, notUTF8} {
		_, err := s.GetRequest(k.ctx, "t1", id)
		assert.ErrorIs(t, err, ticket.ErrNotFound, "GetRequest %q", id)
		_, err = s.GetRequest(k.ctx, id, r.ID)
		assert.ErrorIs(t, err, ticket.ErrNotFound, "GetRequest in tenant %q", id)
		_, err = s.FindRequestByIdempotencyKey(k.ctx, "t1", id)
		assert.ErrorIs(t, err, ticket.ErrNotFound, "FindRequestByIdempotencyKey %q", id)
		_, err = s.GetFamily(k.ctx, "t1", id)
		assert.ErrorIs(t, err, ticket.ErrNotFound, "GetFamily %q", id)
		_, err = s.GetService(k.ctx, "t1", id)
		assert.ErrorIs(t, err, ticket.ErrNotFound, "GetService %q", id)
		_, err = s.GetSubcategory(k.ctx, "t1", id)
		assert.ErrorIs(t, err, ticket.ErrNotFound, "GetSubcategory %q", id)
		_, err = s.GetRequestByNumber(k.ctx, id, 1)
		assert.ErrorIs(t, err, ticket.ErrNotFound, "GetRequestByNumber in tenant %q", id)
		rs, err := s.ListRequests(k.ctx, id, ticket.Filter{}, "", 10)
		assert.NoError(t, err, "ListRequests in tenant %q", id)
		assert.Empty(t, rs)
		sums, err := s.ListSummaries(k.ctx, id, ticket.Filter{}, "", 10)
		assert.NoError(t, err, "ListSummaries in tenant %q", id)
		assert.Empty(t, sums)
	}
}
