package ticket_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/rs/zerolog"

	"github.com/sportello/sportello/ticket"
)

// The Desk logs with the keys every wing shares (tenant, action, from, to,
// request_id) and never the text, names or free input of a request.
func TestLogKeys(t *testing.T) {
	var buf bytes.Buffer
	log := zerolog.New(&buf)
	f := newFixture(t, func(c *ticket.Config) { c.Logger = &log })
	r := f.newRequest(t)
	must(f.desk.Assign(f.ctx, f.agent, r.ID, "team-a", f.agent.ID))(t)
	must(f.desk.Attach(f.ctx, f.requester, r.ID, "mario.rossi.txt", strings.NewReader("secret")))(t)
	var lines []map[string]any
	for _, l := range strings.Split(strings.TrimSpace(buf.String()), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("%q: %v", l, err)
		}
		lines = append(lines, m)
	}
	want := []map[string]any{
		{"tenant": "t1", "request_id": r.ID, "action": "create", "to": "new"},
		{"tenant": "t1", "request_id": r.ID, "action": "assign", "from": "new", "to": "assigned"},
		{"tenant": "t1", "request_id": r.ID, "action": "attach"},
	}
	if len(lines) != len(want) {
		t.Fatalf("%d log lines, want %d:\n%s", len(lines), len(want), buf.String())
	}
	for i, w := range want {
		for k, v := range w {
			if lines[i][k] != v {
				t.Errorf("line %d: %s = %v, want %v", i, k, lines[i][k], v)
			}
		}
		for _, old := range []string{"request", "stimulus", "status", "attachment"} {
			if _, ok := lines[i][old]; ok {
				t.Errorf("line %d still has the key %q", i, old)
			}
		}
	}
	for _, secret := range []string{"mario", "secret", "Black screen", "does not boot", "u-req", "u-con"} {
		if strings.Contains(buf.String(), secret) {
			t.Errorf("the log shows %q", secret)
		}
	}
}
