package payment

import (
	"strings"
	"testing"

	"github.com/sportello/sportello/internal/golden"
)

// lifecycleMarkdown is the content of LIFECYCLE.md.
func lifecycleMarkdown() string {
	var b strings.Builder
	b.WriteString("# Payment lifecycle\n\n")
	b.WriteString("Generated from `payment.Transitions()` by `go test ./payment -run TestLifecycleDiagram -update`; do not edit.\n")
	b.WriteString("Arrows are labelled with the `payment.Step` that moves the record; final statuses are left only by a late receipt (`complete`).\n\n")
	b.WriteString("```mermaid\n")
	b.WriteString(Diagram())
	b.WriteString("```\n")
	return b.String()
}

// TestLifecycleDiagram keeps LIFECYCLE.md in step with the table.
func TestLifecycleDiagram(t *testing.T) {
	want := lifecycleMarkdown()
	golden.Check(t, "LIFECYCLE.md", []byte(want))
	for _, s := range Statuses() {
		if !strings.Contains(want, "    "+string(s)+" : ") {
			t.Errorf("status %v missing from the diagram", s)
		}
	}
	for _, tr := range Transitions() {
		arrow := "    " + string(tr.From) + " --> " + string(tr.To) + " : " + string(tr.Step) + "\n"
		if !strings.Contains(want, arrow) {
			t.Errorf("transition %v missing from the diagram", tr)
		}
	}
}

func TestStatusLabelsAndNames(t *testing.T) {
	for _, s := range Statuses() {
		if s.Label("it") == string(s) || s.Label("en") == string(s) || s.Label("fr") != s.Label("en") {
			t.Errorf("%s: labels %q, %q", s, s.Label("it"), s.Label("en"))
		}
		if s.String() != string(s) || !s.Valid() || s.IsFinal() == s.IsOpen() {
			t.Errorf("%s: String %q, Valid %v, IsFinal %v, IsOpen %v", s, s, s.Valid(), s.IsFinal(), s.IsOpen())
		}
	}
	if len(Statuses()) != len(statusLabels) {
		t.Errorf("Statuses lists %d statuses, the labels %d", len(Statuses()), len(statusLabels))
	}
	if Status("paid").Valid() || Status("paid").Label("it") != "paid" {
		t.Error("an unknown status is not valid and is labelled by its name")
	}
}
