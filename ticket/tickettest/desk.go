package tickettest

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sportello/sportello/auth"
	"github.com/sportello/sportello/ticket"
	"github.com/sportello/sportello/ticket/memstore"
)

// The principals of the Desk-level sections, all of tenant t1.
var (
	kitAdmin     = auth.Principal{ID: "adm-1", Tenant: "t1", Kind: auth.KindOperator, Roles: []auth.Role{auth.RoleOperator, auth.RoleAdmin}}
	kitAgent     = auth.Principal{ID: "agent-1", Tenant: "t1", Kind: auth.KindOperator, Roles: []auth.Role{auth.RoleOperator}, Offices: []string{"team-1"}}
	kitRequester = auth.Principal{ID: "user-1", Tenant: "t1", Kind: auth.KindCitizen, Roles: []auth.Role{auth.RoleCitizen}}
	kitContact   = auth.Principal{ID: "user-2", Tenant: "t1", Kind: auth.KindCitizen, Roles: []auth.Role{auth.RoleCitizen}}
)

// deskKit is a catalogue of one service ("team-1" receives its requests,
// with a text, a choice and a number extra field) and one incident
// subcategory, made through Desks over stores that share one data set.
type deskKit struct {
	stores  []ticket.Store
	desks   []*ticket.Desk
	blobs   *memstore.Blobs
	service *ticket.Service
	sub     *ticket.Subcategory
}

// desks returns n Desks, one over each of n stores sharing a fresh data
// set (n application instances), with one attachment blob store, and
// the catalogue made through the first.
func (k *kit) desks(t *testing.T, n int, mods ...func(*ticket.Config)) *deskKit {
	t.Helper()
	dk := &deskKit{blobs: memstore.NewBlobs(), stores: k.stores(t, n)}
	for _, s := range dk.stores {
		cfg := ticket.Config{Store: s, Blobs: dk.blobs, Notifier: discard}
		for _, m := range mods {
			m(&cfg)
		}
		d, err := ticket.New(cfg)
		require.NoError(t, err)
		dk.desks = append(dk.desks, d)
	}
	d := dk.desks[0]
	fam, err := d.CreateFamily(k.ctx, kitAdmin, ticket.FamilyInput{Name: "Digital"})
	require.NoError(t, err)
	dk.service, err = d.CreateService(k.ctx, kitAdmin, ticket.ServiceInput{
		FamilyID: fam.ID, Name: "Workplace", TeamID: "team-1",
		ExtraFields: []ticket.ExtraField{
			{Name: "room", Label: "Room", Type: ticket.FieldText},
			{Name: "site", Label: "Site", Type: ticket.FieldChoice, Choices: []string{"north", "south"}},
			{Name: "seats", Label: "Seats", Type: ticket.FieldNumber},
		},
	})
	require.NoError(t, err)
	dk.sub, err = d.CreateSubcategory(k.ctx, kitAdmin, ticket.SubcategoryInput{ServiceID: dk.service.ID, Name: "Broken PC", Type: ticket.TypeIncident})
	require.NoError(t, err)
	return dk
}

// discard is a Notifier that delivers every notification nowhere.
var discard = ticket.NotifierFunc(func(context.Context, ticket.Notification) error { return nil })

// newRequest is a valid request input for the kit's catalogue.
func (dk *deskKit) newRequest() ticket.NewRequest {
	return ticket.NewRequest{
		ServiceID: dk.service.ID, SubcategoryID: dk.sub.ID,
		Title: "PC does not boot", Description: "Black screen\nsince this morning",
		Contacts: []string{kitContact.ID},
	}
}

// testDeskInstantsRoundTrip: a Desk whose clock and SLA goals have
// nanoseconds saves instants the store returns unchanged (the Desk
// truncates to the microsecond, what every store keeps), so a request
// read back equals the one the Desk returned.
func testDeskInstantsRoundTrip(t *testing.T, k *kit) {
	clock := time.Date(2026, 3, 2, 9, 0, 0, 123456789, time.UTC)
	dk := k.desks(t, 1, func(c *ticket.Config) {
		c.Now = func() time.Time { clock = clock.Add(time.Minute + 7*time.Nanosecond); return clock }
		c.Targets = []ticket.Target{
			{Metric: ticket.MetricTTO, Duration: time.Hour + 333*time.Nanosecond},
			{Metric: ticket.MetricTTR, Duration: 5*time.Hour + 999*time.Nanosecond},
		}
	})
	d := dk.desks[0]
	r, err := d.Create(k.ctx, kitRequester, dk.newRequest())
	require.NoError(t, err)
	r, err = d.Comment(k.ctx, kitRequester, r.ID, "hello")
	require.NoError(t, err)
	r, err = d.Assign(k.ctx, kitAgent, r.ID, "team-1", kitAgent.ID)
	require.NoError(t, err)
	got, err := dk.stores[0].GetRequest(k.ctx, "t1", r.ID)
	require.NoError(t, err)
	equalRequest(t, r, got)
	assert.Zero(t, r.UpdatedAt.Nanosecond()%1000, "instants are whole microseconds")
	assert.Zero(t, r.SLA.TTR.DueAt.Nanosecond()%1000, "SLA deadlines too")
}
