package practice

import (
	"fmt"
	"strings"
	"testing"

	"github.com/sportello/sportello/internal/golden"
)

// lifecycleMarkdown is the content of LIFECYCLE.md.
func lifecycleMarkdown() string {
	var b strings.Builder
	b.WriteString("# Pratica lifecycle\n\n")
	b.WriteString("Generated from `practice.Transitions()` by `go test ./practice -run TestLifecycleDiagram -update`; do not edit.\n")
	b.WriteString("Labels are `action [conditions]`; conditions name service settings and facts about the pratica (see `practice.Facts`).\n\n")
	b.WriteString("```mermaid\n")
	b.WriteString(Diagram())
	b.WriteString("```\n\n")
	b.WriteString("## Actions that keep the status\n\n| action | allowed in | conditions |\n|---|---|---|\n")
	type row struct {
		froms []string
		cond  string
	}
	var order []Action
	rows := map[Action]*row{}
	for _, t := range transitions {
		if t.From != t.To {
			continue
		}
		r, ok := rows[t.Action]
		if !ok {
			r = &row{cond: conditionLabel(t)}
			rows[t.Action] = r
			order = append(order, t.Action)
		}
		r.froms = append(r.froms, fmt.Sprint(int(t.From)))
	}
	for _, a := range order {
		cond := rows[a].cond
		if cond == "" {
			cond = "-"
		}
		fmt.Fprintf(&b, "| %s | %s | %s |\n", a, strings.Join(rows[a].froms, ", "), cond)
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
}
