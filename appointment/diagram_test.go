package appointment

import (
	"fmt"
	"strings"
	"testing"

	"github.com/sportello/sportello/internal/golden"
)

// lifecycleMarkdown is the content of LIFECYCLE.md.
func lifecycleMarkdown() string {
	var b strings.Builder
	b.WriteString("# Booking lifecycle\n\n")
	b.WriteString("Generated from `appointment.Transitions()` by `go test ./appointment -run TestLifecycleDiagram -update`; do not edit.\n")
	b.WriteString("Labels are `action [conditions]`; `moderated` is the calendar or the slot's opening hour, `started` the booking's start having passed.\n\n")
	b.WriteString("```mermaid\n")
	b.WriteString(Diagram())
	b.WriteString("```\n\n")
	b.WriteString("## Actions that keep the status\n\n| action | allowed in | conditions |\n|---|---|---|\n")
	var order []Action
	froms := map[Action][]string{}
	conds := map[Action]string{}
	for _, t := range transitions {
		if t.From != t.To {
			continue
		}
		if _, ok := froms[t.Action]; !ok {
			order = append(order, t.Action)
			conds[t.Action] = conditionLabel(t)
		}
		froms[t.Action] = append(froms[t.Action], fmt.Sprintf("%d %s", int(t.From), t.From))
	}
	for _, a := range order {
		c := conds[a]
		if c == "" {
			c = "-"
		}
		fmt.Fprintf(&b, "| %s | %s | %s |\n", a, strings.Join(froms[a], ", "), c)
	}
	return b.String()
}

// TestLifecycleDiagram keeps LIFECYCLE.md in step with the table.
func TestLifecycleDiagram(t *testing.T) {
	want := lifecycleMarkdown()
	golden.Check(t, "LIFECYCLE.md", []byte(want))
	for _, s := range Statuses() {
		if !strings.Contains(want, stateID(s)+" : ") {
			t.Errorf("status %v missing from the diagram", s)
		}
	}
	for _, tr := range transitions {
		if tr.From != tr.To && !strings.Contains(want, stateID(tr.From)+" --> "+stateID(tr.To)+" : "+string(tr.Action)) {
			t.Errorf("transition %v missing from the diagram", tr)
		}
	}
}
