package practice

import (
	"errors"
	"testing"

	"github.com/sportello/sportello/auth"
)

// matrixActors are the ten kinds of actor of the authorization matrix, in
// column order.
func matrixActors() []auth.Principal {
	fc := func(s string) auth.FiscalCode {
		f, err := auth.ParseFiscalCode(s)
		if err != nil {
			panic(err)
		}
		return f
	}
	cit := func(id, code string) auth.Principal {
		return auth.Principal{ID: id, Tenant: "t", Kind: auth.KindCitizen, Roles: []auth.Role{auth.RoleCitizen}, FiscalCode: fc(code)}
	}
	op := func(id string, services, offices []string, roles ...auth.Role) auth.Principal {
		return auth.Principal{ID: id, Tenant: "t", Kind: auth.KindOperator, Roles: append([]auth.Role{auth.RoleOperator}, roles...),
			Services: services, Offices: offices}
	}
	return []auth.Principal{
		cit("owner", "RSSMRA80A01H501U"),
		cit("other", "MRTMTT91D08F205J"),
		cit("related", "BNCLRA85T50F205A"),
		op("enabled", []string{"svc"}, nil),
		op("stranger", []string{"svc-x"}, []string{"office-x"}),
		op("assigned", []string{"svc"}, []string{"office"}),
		op("office-member", nil, []string{"office"}),
		op("manager", nil, nil, auth.RoleManager),
		op("admin", nil, nil, auth.RoleAdmin),
		auth.System("t"),
	}
}

var matrixColumns = []string{"owner", "other citizen", "related citizen", "operator enabled", "operator not enabled",
	"assigned operator", "office member", "manager", "admin", "system"}

// TestAuthorizationMatrix: every action × every kind of actor, on a
// pratica owned by "owner", naming "related", assigned to "assigned" in
// "office". 'y' allowed, '.' refused with *auth.PermissionError.
func TestAuthorizationMatrix(t *testing.T) {
	const (
		owner   = "y........."
		workers = "...y.yy.y."
		system  = ".........y"
	)
	matrix := map[Action]string{
		ActionView:               "y.yy.yy.yy",
		ActionCreate:             owner,
		ActionEdit:               owner,
		ActionDelete:             owner,
		ActionSubmit:             owner,
		ActionPay:                owner,
		ActionAnswerIntegration:  owner,
		ActionWithdraw:           owner,
		ActionCitizenMessage:     owner,
		ActionTakeInCharge:       ".....y....", // held by "assigned": the others take over instead
		ActionChangeAssignee:     workers,
		ActionTakeOver:           "...y..y.y.",
		ActionMessage:            workers,
		ActionNote:               workers,
		ActionRequestIntegration: workers,
		ActionAcceptIntegration:  workers,
		ActionCancelIntegration:  workers,
		ActionRegisterPayment:    workers,
		ActionAccept:             ".....y....",
		ActionReject:             ".....y....",
		ActionRequestStampDuty:   workers,
		ActionChangeStatus:       workers,
		ActionReopen:             workers,
		ActionAcquire:            system,
		ActionRegisterProtocol:   system,
		ActionSkipProtocol:       system,
		ActionPaymentOutcome:     system,
		ActionPaymentDone:        system,
	}
	p := &Practice{ID: "p1", Tenant: "t", Service: "svc", Owner: Owner{ID: "owner"},
		Related: []string{"BNCLRA85T50F205A"}, Assignee: "assigned", Office: "office", Status: StatusPending}
	actors := matrixActors()
	for _, a := range Actions() {
		row, ok := matrix[a]
		if !ok {
			t.Errorf("action %s missing from the matrix", a)
			continue
		}
		for i, who := range actors {
			err := Authorize(who, a, p)
			want := row[i] == 'y'
			if want && err != nil {
				t.Errorf("%s by %s: refused: %v", a, matrixColumns[i], err)
			}
			if !want {
				var pe *auth.PermissionError
				if !errors.As(err, &pe) || !errors.Is(err, auth.ErrForbidden) {
					t.Errorf("%s by %s: %v, want *auth.PermissionError", a, matrixColumns[i], err)
				}
			}
		}
	}
}

func TestTakeInChargeOfAnUnassignedPratica(t *testing.T) {
	p := &Practice{ID: "p1", Tenant: "t", Service: "svc", Owner: Owner{ID: "owner"}, Office: "office", Status: StatusRegistered}
	want := "...y.yy.y."
	for i, who := range matrixActors() {
		err := Authorize(who, ActionTakeInCharge, p)
		if (err == nil) != (want[i] == 'y') {
			t.Errorf("take in charge by %s: %v", matrixColumns[i], err)
		}
		if err := Authorize(who, ActionTakeOver, p); err == nil {
			t.Errorf("take over of an unassigned pratica by %s allowed", matrixColumns[i])
		}
	}
}

func TestAuthorizeRefusesAnotherTenant(t *testing.T) {
	p := &Practice{ID: "p1", Tenant: "t", Service: "svc", Owner: Owner{ID: "owner"}}
	for _, who := range matrixActors() {
		who.Tenant = "t2"
		for _, a := range Actions() {
			if err := Authorize(who, a, p); !errors.Is(err, auth.ErrForbidden) {
				t.Fatalf("%s by %s of another tenant: %v", a, who.ID, err)
			}
		}
	}
	if err := Authorize(matrixActors()[0], Action(200), p); !errors.Is(err, auth.ErrForbidden) {
		t.Fatalf("unknown action: %v", err)
	}
}
