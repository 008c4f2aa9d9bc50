package calendar_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/sportello/sportello/auth"
	"github.com/sportello/sportello/calendar"
)

// TestAuthorizeMatrix is the permission matrix: every action × every kind
// of principal. "y" allows, "." refuses.
func TestAuthorizeMatrix(t *testing.T) {
	cal := &calendar.Calendar{ID: "cal-1", Tenant: "t1", Owner: "op-owner", Moderators: []string{"op-mod"}}
	staff := func(id string, roles []auth.Role, calendars ...string) auth.Principal {
		return auth.Principal{ID: id, Tenant: "t1", Kind: auth.KindOperator, Roles: roles, Calendars: calendars}
	}
	operator := []auth.Role{auth.RoleOperator}
	principals := []struct {
		name string
		who  auth.Principal
	}{
		{"admin", staff("op-admin", []auth.Role{auth.RoleOperator, auth.RoleAdmin})},
		{"owner", staff("op-owner", operator)},
		{"moderator", staff("op-mod", operator)},
		{"enabled operator", staff("op-enabled", operator, "cal-1")},
		{"other operator", staff("op-other", operator, "cal-2")},
		{"manager", staff("op-manager", []auth.Role{auth.RoleOperator, auth.RoleManager})},
		{"citizen", auth.Principal{ID: "cit-1", Tenant: "t1", Kind: auth.KindCitizen, Roles: []auth.Role{auth.RoleCitizen}}},
		{"system", auth.System("t1")},
		{"other tenant admin", auth.Principal{ID: "op-admin", Tenant: "t2", Kind: auth.KindOperator, Roles: []auth.Role{auth.RoleOperator, auth.RoleAdmin}}},
		{"other tenant owner", auth.Principal{ID: "op-owner", Tenant: "t2", Kind: auth.KindOperator, Roles: operator, Calendars: []string{"cal-1"}}},
	}
	// Columns follow principals: admin, owner, moderator, enabled, other,
	// manager, citizen, system, other tenant admin, other tenant owner.
	matrix := map[calendar.Action]string{
		calendar.ActionCreate:         "y.........",
		calendar.ActionView:           "yyyy...y..",
		calendar.ActionUpdate:         "yyy.......",
		calendar.ActionDelete:         "yy........",
		calendar.ActionAssign:         "yy........",
		calendar.ActionManageHours:    "yyy.......",
		calendar.ActionManageClosures: "yyy.......",
		calendar.ActionAvailability:   "yyyyyyyy..",
	}
	for _, a := range calendar.Actions() {
		row, ok := matrix[a]
		if !ok || len(row) != len(principals) {
			t.Fatalf("matrix row for %s missing or of the wrong length", a)
		}
		for i, p := range principals {
			t.Run(fmt.Sprintf("%s/%s", a, strings.ReplaceAll(p.name, " ", "_")), func(t *testing.T) {
				err := calendar.Authorize(p.who, a, cal)
				if row[i] == 'y' {
					assert.NoError(t, err)
				} else {
					assert.ErrorIs(t, err, auth.ErrForbidden)
				}
			})
		}
	}
	assert.ErrorIs(t, calendar.Authorize(principals[0].who, "rename", cal), auth.ErrForbidden)
	assert.ErrorIs(t, calendar.Authorize(principals[0].who, calendar.ActionView, nil), auth.ErrForbidden)
}
