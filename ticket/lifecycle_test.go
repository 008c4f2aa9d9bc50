package ticket

import (
	"errors"
	"reflect"
	"slices"
	"testing"
	"time"
)

// referenceMoves is reference/ticket.md's table, written out independently
// of the package's own table.
var referenceMoves = map[Status]map[Stimulus]Status{
	"new":                  {"assign": "assigned", "timeout": "escalated_tto", "wait_for_approval": "waiting_for_approval", "autoresolve": "resolved"},
	"escalated_tto":        {"assign": "assigned"},
	"waiting_for_approval": {"approve": "approved", "reject": "rejected"},
	"approved":             {"assign": "assigned", "timeout": "escalated_tto", "autoresolve": "resolved"},
	"rejected":             {"reopen": "new"},
	"assigned":             {"pending": "pending", "resolve": "resolved", "reassign": "assigned", "timeout": "escalated_ttr", "autoresolve": "resolved"},
	"escalated_ttr":        {"pending": "pending", "resolve": "resolved", "reassign": "assigned", "autoresolve": "resolved"},
	"pending":              {"assign": "assigned", "autoresolve": "resolved"},
	"resolved":             {"close": "closed", "reopen": "assigned", "autoresolve": "resolved"},
	"closed":               {},
}

var t0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// fullStep carries every datum any target status needs.
func fullStep(s Stimulus) Step {
	return Step{Stimulus: s, TeamID: "team-a", AgentID: "agent-1", Reason: "waiting for the user",
		ResolutionCode: "fixed", Solution: "restarted the service", Satisfaction: 2, Comment: "a comment"}
}

func TestTransitionsAreTheReferenceTable(t *testing.T) {
	n := 0
	for _, tr := range Transitions() {
		want, ok := referenceMoves[tr.From][tr.Stimulus]
		if !ok || want != tr.To {
			t.Errorf("Transitions has %v, not in the reference", tr)
		}
		n++
	}
	total := 0
	for _, m := range referenceMoves {
		total += len(m)
	}
	if n != total {
		t.Errorf("Transitions has %d moves, the reference %d", n, total)
	}
	for _, s := range Statuses() {
		if _, ok := referenceMoves[s]; !ok {
			t.Errorf("status %q is not in the reference", s)
		}
	}
	if len(Statuses()) != len(referenceMoves) {
		t.Errorf("Statuses has %d entries, the reference %d", len(Statuses()), len(referenceMoves))
	}
}

func TestEveryTransitionApplies(t *testing.T) {
	for _, tr := range Transitions() {
		t.Run(string(tr.From)+"/"+string(tr.Stimulus), func(t *testing.T) {
			r := &Request{ID: "r1", Status: tr.From, CreatedAt: t0}
			now := t0.Add(time.Hour)
			if err := r.apply(fullStep(tr.Stimulus), "actor", now, nil); err != nil {
				t.Fatalf("apply: %v", err)
			}
			if r.Status != tr.To {
				t.Fatalf("status %q, want %q", r.Status, tr.To)
			}
			if r.UpdatedAt != now {
				t.Errorf("UpdatedAt not set")
			}
			switch tr.To {
			case StatusAssigned:
				if r.TeamID != "team-a" || r.AgentID != "agent-1" {
					t.Errorf("team/agent %q/%q", r.TeamID, r.AgentID)
				}
			case StatusPending:
				if r.PendingReason == "" {
					t.Errorf("pending reason not set")
				}
			case StatusResolved:
				if r.ResolutionCode != "fixed" || r.Solution == "" || r.ResolvedAt != now || r.TimeSpent != time.Hour {
					t.Errorf("resolution not recorded: %+v", r)
				}
			case StatusClosed:
				if r.Satisfaction != 2 || r.CloseComment == "" || r.ClosedAt != now {
					t.Errorf("closing not recorded")
				}
			}
		})
	}
}

func TestForbiddenStimulusFromEveryStatus(t *testing.T) {
	for _, from := range Statuses() {
		for _, s := range Stimuli() {
			if _, ok := referenceMoves[from][s]; ok {
				continue
			}
			r := &Request{ID: "r1", Status: from, CreatedAt: t0, TeamID: "team-a"}
			before := r.Clone()
			err := r.apply(fullStep(s), "actor", t0.Add(time.Hour), nil)
			var te *TransitionError
			if !errors.As(err, &te) || !errors.Is(err, ErrInvalidTransition) {
				t.Fatalf("%s from %s: got %v, want *TransitionError", s, from, err)
			}
			if te.From != from || te.Stimulus != s || te.ID != "r1" {
				t.Errorf("%s from %s: error detail %+v", s, from, te)
			}
			if !reflect.DeepEqual(before, r) {
				t.Errorf("%s from %s changed the request", s, from)
			}
			if to, ok := Next(from, s); ok || to != "" {
				t.Errorf("Next(%s, %s) = %q, %v", from, s, to, ok)
			}
		}
	}
	// Closed has no way out at all.
	for _, s := range Stimuli() {
		if _, ok := Next(StatusClosed, s); ok {
			t.Errorf("closed accepts %s", s)
		}
	}
}

func TestRequiredDataPerTargetStatus(t *testing.T) {
	tests := []struct {
		name   string
		r      Request
		step   Step
		fields []string
	}{
		{"assign needs team and agent", Request{Status: StatusNew}, Step{Stimulus: StimulusAssign}, []string{"team_id", "agent_id"}},
		{"assign keeps the team", Request{Status: StatusNew, TeamID: "t"}, Step{Stimulus: StimulusAssign}, []string{"agent_id"}},
		{"pending needs a reason", Request{Status: StatusAssigned}, Step{Stimulus: StimulusPending}, []string{"reason"}},
		{"resolve needs code and solution", Request{Status: StatusAssigned}, Step{Stimulus: StimulusResolve, Solution: " "}, []string{"resolution_code", "solution"}},
		{"autoresolve needs code and solution", Request{Status: StatusPending}, Step{Stimulus: StimulusAutoresolve}, []string{"resolution_code", "solution"}},
		{"close needs satisfaction and comment", Request{Status: StatusResolved}, Step{Stimulus: StimulusClose}, []string{"satisfaction", "comment"}},
		{"satisfaction is 1 to 4", Request{Status: StatusResolved}, Step{Stimulus: StimulusClose, Satisfaction: 5, Comment: "ok"}, []string{"satisfaction"}},
		{"reopen needs a comment", Request{Status: StatusRejected}, Step{Stimulus: StimulusReopen}, []string{"comment"}},
		{"reopen resolved needs a comment", Request{Status: StatusResolved, TeamID: "t", AgentID: "a"}, Step{Stimulus: StimulusReopen}, []string{"comment"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := tt.r
			before := r.Clone()
			err := r.apply(tt.step, "actor", t0, nil)
			var ve *ValidationError
			if !errors.As(err, &ve) || !errors.Is(err, ErrValidation) {
				t.Fatalf("got %v, want *ValidationError", err)
			}
			var got []string
			for _, f := range ve.Fields {
				got = append(got, f.Field)
			}
			if !slices.Equal(got, tt.fields) {
				t.Errorf("fields %v, want %v", got, tt.fields)
			}
			if !reflect.DeepEqual(before, &r) {
				t.Errorf("request changed")
			}
		})
	}
}

func TestCommentsGoToThePublicLogNewestFirst(t *testing.T) {
	r := &Request{ID: "r1", Status: StatusResolved, TeamID: "t", AgentID: "a"}
	if err := r.apply(Step{Stimulus: StimulusReopen, Comment: "still broken"}, "u1", t0, nil); err != nil {
		t.Fatal(err)
	}
	r.addLog(Private, "a", t0.Add(time.Minute), "looking")
	if len(r.Logs) != 2 || r.Logs[0].Text != "looking" || r.Logs[1].Text != "still broken" {
		t.Fatalf("logs %+v", r.Logs)
	}
	if r.Logs[1].Visibility != Public || r.Logs[1].AuthorID != "u1" || !r.Logs[1].At.Equal(t0) {
		t.Errorf("entry %+v", r.Logs[1])
	}
	if pub := r.PublicLogs(); len(pub) != 1 || pub[0].Text != "still broken" {
		t.Errorf("public logs %+v", pub)
	}
}

func TestPriorityMatrix(t *testing.T) {
	want := map[Impact][4]Priority{
		ImpactDepartment: {1, 1, 2, 4},
		ImpactService:    {1, 2, 3, 4},
		ImpactPerson:     {2, 3, 3, 4},
	}
	urg := []Urgency{UrgencyCritical, UrgencyHigh, UrgencyMedium, UrgencyLow}
	for imp, row := range want {
		for i, u := range urg {
			p, ok := PriorityOf(imp, u)
			if !ok || p != row[i] {
				t.Errorf("PriorityOf(%s, %s) = %d, %v; want %d", imp, u, p, ok, row[i])
			}
		}
	}
	if _, ok := PriorityOf("planet", UrgencyLow); ok {
		t.Error("unknown impact accepted")
	}
	if _, ok := PriorityOf(ImpactPerson, "whenever"); ok {
		t.Error("unknown urgency accepted")
	}
}

// Every status has an Italian and an English label; only closed is
// final, and it is the only status the table leaves no way out of.
func TestStatusLabelsAndFinal(t *testing.T) {
	from := map[Status]bool{}
	for _, tr := range Transitions() {
		from[tr.From] = true
	}
	for _, s := range Statuses() {
		if s.Label("it") == string(s) || s.Label("en") == string(s) || s.Label("it") == s.Label("en") {
			t.Errorf("%s: labels %q, %q", s, s.Label("it"), s.Label("en"))
		}
		if s.Label("fr") != s.Label("en") {
			t.Errorf("%s: another language does not get English", s)
		}
		if s.IsFinal() == from[s] {
			t.Errorf("%s: IsFinal %v, yet has moves %v", s, s.IsFinal(), from[s])
		}
		if s.String() != string(s) {
			t.Errorf("String %q", s.String())
		}
	}
	if Status("lost").Label("it") != "lost" || Status("lost").IsFinal() {
		t.Error("an unknown status")
	}
}
