package ticket_test

import (
	"context"
	"errors"
	"testing"

	"github.com/sportello/sportello/auth"
	"github.com/sportello/sportello/ticket"
)

// assignOutcome names the outcome of an assignment: ok, forbidden or the
// failed fields of a *ValidationError.
func assignOutcome(err error) string {
	var ve *ticket.ValidationError
	switch {
	case err == nil:
		return "ok"
	case errors.As(err, &ve):
		out := ""
		for _, f := range ve.Fields {
			out += f.Field + ":" + f.Rule
		}
		return out
	case errors.Is(err, auth.ErrForbidden):
		return "forbidden"
	}
	return err.Error()
}

// Without Config.Agents the Desk checks what the principal tells about
// itself: self-assignment needs the target team; any other agent ID is
// taken on the assigner's word.
func TestAssignWithoutAgentDirectory(t *testing.T) {
	tests := []struct {
		name        string
		who         func(*fixture) auth.Principal
		team, agent string
		want        string
	}{
		{"agent takes it in its team", func(f *fixture) auth.Principal { return f.agent }, "team-a", "ag-a", "ok"},
		{"agent takes it into a team it is not in", func(f *fixture) auth.Principal { return f.agent }, "team-b", "ag-a", "agent_id:agent"},
		{"agent gives it to another ID", func(f *fixture) auth.Principal { return f.agent }, "team-b", "ag-b", "ok"},
		{"admin takes it in any team", func(f *fixture) auth.Principal { return f.admin }, "team-z", "adm", "ok"},
		{"agent of another team", func(f *fixture) auth.Principal { return f.otherAgent }, "team-b", "ag-b", "forbidden"},
		{"requester", func(f *fixture) auth.Principal { return f.requester }, "team-a", "u-req", "forbidden"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, nil)
			r := f.newRequest(t)
			f.drain(t)
			_, err := f.desk.Assign(f.ctx, tt.who(f), r.ID, tt.team, tt.agent)
			if got := assignOutcome(err); got != tt.want {
				t.Fatalf("got %s, want %s", got, tt.want)
			}
			got := must(f.store.GetRequest(f.ctx, "t1", r.ID))(t)
			if tt.want != "ok" && (got.Version != r.Version || len(f.drain(t)) != 0) {
				t.Errorf("a refused assignment changed the store")
			}
			if tt.want == "ok" && (got.AgentID != tt.agent || got.TeamID != tt.team) {
				t.Errorf("assigned to %s/%s", got.TeamID, got.AgentID)
			}
		})
	}
}

// With Config.Agents every assign and reassign asks the directory about
// the resulting team and agent.
func TestAssignAsksTheAgentDirectory(t *testing.T) {
	members := map[string]string{"ag-a": "team-a", "ag-a2": "team-a", "ag-b": "team-b"}
	var asked []string
	down := errors.New("directory down")
	dir := ticket.AgentDirectoryFunc(func(_ context.Context, tenant, team, agent string) (bool, error) {
		asked = append(asked, tenant+"/"+team+"/"+agent)
		if agent == "ag-down" {
			return false, down
		}
		return members[agent] == team, nil
	})
	f := newFixture(t, func(c *ticket.Config) { c.Agents = dir })
	r := f.newRequest(t)
	if _, err := f.desk.Assign(f.ctx, f.agent, r.ID, "team-a", "ghost"); assignOutcome(err) != "agent_id:agent" {
		t.Errorf("unknown agent: %v", err)
	}
	if _, err := f.desk.Assign(f.ctx, f.agent, r.ID, "team-a", "ag-b"); assignOutcome(err) != "agent_id:agent" {
		t.Errorf("agent of another team: %v", err)
	}
	if _, err := f.desk.Assign(f.ctx, f.agent, r.ID, "team-a", "ag-down"); !errors.Is(err, down) {
		t.Errorf("directory error: %v", err)
	}
	if got := must(f.store.GetRequest(f.ctx, "t1", r.ID))(t); got.Version != 1 {
		t.Errorf("refused assignments were saved")
	}
	must(f.desk.Assign(f.ctx, f.agent, r.ID, "team-a", "ag-a2"))(t)
	// Moving the request to team-b while keeping ag-a2 is refused.
	if _, err := f.desk.Reassign(f.ctx, f.agent, r.ID, "team-b", ""); assignOutcome(err) != "agent_id:agent" {
		t.Errorf("reassign to a team the agent is not in: %v", err)
	}
	got := must(f.desk.Reassign(f.ctx, f.agent, r.ID, "team-b", "ag-b"))(t)
	if got.TeamID != "team-b" || got.AgentID != "ag-b" {
		t.Errorf("reassigned to %s/%s", got.TeamID, got.AgentID)
	}
	want := []string{"t1/team-a/ghost", "t1/team-a/ag-b", "t1/team-a/ag-down", "t1/team-a/ag-a2", "t1/team-b/ag-a2", "t1/team-b/ag-b"}
	if len(asked) != len(want) {
		t.Fatalf("asked %v, want %v", asked, want)
	}
	for i := range want {
		if asked[i] != want[i] {
			t.Errorf("asked %v, want %v", asked, want)
			break
		}
	}
}
