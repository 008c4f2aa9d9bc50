package appointment

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	ics "github.com/arran4/golang-ical"

	"github.com/sportello/sportello/calendar"

	"github.com/sportello/sportello/internal/golden"
)

func icsCalendar() *calendar.Calendar {
	return &calendar.Calendar{ID: "anagrafe", Tenant: "t1", Title: "Ufficio anagrafe, sportello; Carta d'identità",
		Location: "Piazza del Comune 1, 00100 Roma (RM)", Zone: "Europe/Rome"}
}

func icsBooking() *Booking {
	t := time.Date(2026, 3, 3, 8, 0, 0, 0, time.UTC)
	return &Booking{
		ID: "0190f3a2-7c1e-7b55-9a40-2f1c3d4e5f60", Tenant: "t1", Calendar: "anagrafe", OpeningHour: "mattina",
		Start: t, End: t.Add(30 * time.Minute), Status: StatusApproved, Reschedules: 2,
		Notes:     "Portare: carta d'identità scaduta, codice fiscale; due foto.\nSecondo rigo con \\ barra, virgole, punti e virgola; città già più perché 😀 fine.",
		VideoLink: "https://meet.example.org/anagrafe/0190f3a2-7c1e-7b55-9a40-2f1c3d4e5f60?pwd=abc",
		Created:   t.Add(-48 * time.Hour), Updated: t.Add(-24 * time.Hour),
	}
}

// checkRFC5545 checks the rules the package promises on any output.
func checkRFC5545(t testing.TB, out []byte) {
	t.Helper()
	if !bytes.HasSuffix(out, []byte("\r\n")) {
		t.Fatalf("output does not end with CRLF")
	}
	for i, line := range bytes.Split(bytes.TrimSuffix(out, []byte("\r\n")), []byte("\r\n")) {
		if len(line) > 75 {
			t.Fatalf("line %d has %d octets", i+1, len(line))
		}
		if !utf8.Valid(line) {
			t.Fatalf("line %d splits a UTF-8 character: %q", i+1, line)
		}
		if bytes.ContainsAny(line, "\r\n") {
			t.Fatalf("line %d holds a bare CR or LF", i+1)
		}
		for _, c := range line {
			if c < 0x20 && c != '\t' || c == 0x7f {
				t.Fatalf("line %d holds control character %#x", i+1, c)
			}
		}
	}
}

func parseBack(t testing.TB, out []byte) *ics.Calendar {
	t.Helper()
	c, err := ics.ParseCalendar(bytes.NewReader(out))
	if err != nil {
		t.Fatalf("parse back: %v\n%s", err, out)
	}
	return c
}

func prop(e *ics.VEvent, p ics.ComponentProperty) string {
	if v := e.GetProperty(p); v != nil {
		return v.Value
	}
	return ""
}

func TestICSOfOneBooking(t *testing.T) {
	b := icsBooking()
	out := ICS(MethodRequest, icsCalendar(), b)
	checkRFC5545(t, out)
	golden.Check(t, filepath.Join("testdata", "booking-request.ics"), out)
	c := parseBack(t, out)
	evs := c.Events()
	if len(evs) != 1 {
		t.Fatalf("%d events", len(evs))
	}
	e := evs[0]
	checks := map[ics.ComponentProperty]string{
		ics.ComponentPropertyUniqueId:    UID(b),
		ics.ComponentPropertySummary:     icsCalendar().Title,
		ics.ComponentPropertyDescription: b.Notes,
		ics.ComponentPropertyLocation:    icsCalendar().Location,
		ics.ComponentPropertyUrl:         b.VideoLink,
		ics.ComponentPropertySequence:    "2",
		ics.ComponentPropertyStatus:      "CONFIRMED",
		ics.ComponentPropertyDtStart:     "20260303T080000Z",
		ics.ComponentPropertyDtEnd:       "20260303T083000Z",
		ics.ComponentPropertyDtstamp:     "20260302T080000Z",
	}
	for p, want := range checks {
		if got := prop(e, p); got != want {
			t.Errorf("%s = %q, want %q", p, got, want)
		}
	}
	if !bytes.Contains(out, []byte("METHOD:REQUEST\r\n")) || !bytes.Contains(out, []byte(`\;`)) || !bytes.Contains(out, []byte(`\,`)) ||
		!bytes.Contains(out, []byte(`\n`)) || !bytes.Contains(out, []byte(`\\`)) {
		t.Error("method or escaping missing")
	}
}

func TestICSCancelKeepsTheUID(t *testing.T) {
	b := icsBooking()
	before := prop(parseBack(t, ICS(MethodRequest, icsCalendar(), b)).Events()[0], ics.ComponentPropertyUniqueId)
	b.Status, b.Reschedules = StatusCancelled, 3
	out := ICS(MethodCancel, icsCalendar(), b)
	checkRFC5545(t, out)
	golden.Check(t, filepath.Join("testdata", "booking-cancel.ics"), out)
	e := parseBack(t, out).Events()[0]
	if prop(e, ics.ComponentPropertyUniqueId) != before || prop(e, ics.ComponentPropertyStatus) != "CANCELLED" ||
		prop(e, ics.ComponentPropertySequence) != "3" || !bytes.Contains(out, []byte("METHOD:CANCEL\r\n")) {
		t.Fatalf("cancel:\n%s", out)
	}
}

func TestICSFeed(t *testing.T) {
	var bs []*Booking
	for i, st := range []Status{StatusApproved, StatusPending, StatusCancelled, StatusRefused, StatusDone} {
		b := icsBooking()
		b.ID = ID("b" + string(rune('1'+i)))
		b.Status, b.Start, b.End = st, b.Start.Add(time.Duration(i)*time.Hour), b.End.Add(time.Duration(i)*time.Hour)
		b.Notes, b.VideoLink, b.Reschedules = "", "", i
		bs = append(bs, b)
	}
	var buf bytes.Buffer
	if err := WriteICS(&buf, MethodPublish, icsCalendar(), bs...); err != nil {
		t.Fatal(err)
	}
	out := buf.Bytes()
	checkRFC5545(t, out)
	golden.Check(t, filepath.Join("testdata", "feed.ics"), out)
	evs := parseBack(t, out).Events()
	want := []string{"CONFIRMED", "TENTATIVE", "CANCELLED", "CANCELLED", "CONFIRMED"}
	for i, e := range evs {
		if prop(e, ics.ComponentPropertyStatus) != want[i] || prop(e, ics.ComponentPropertyUniqueId) != UID(bs[i]) {
			t.Errorf("event %d: %s %s", i, prop(e, ics.ComponentPropertyStatus), prop(e, ics.ComponentPropertyUniqueId))
		}
		if e.GetProperty(ics.ComponentPropertyUrl) != nil || e.GetProperty(ics.ComponentPropertyDescription) != nil {
			t.Errorf("event %d: empty fields written", i)
		}
	}
}

func TestICSTextIsMadeSafe(t *testing.T) {
	tests := map[string]string{
		"plain":        "plain",
		"a\r\nb":       "a\nb",
		"a\rb":         "a\nb",
		"a\x00b\x1bc":  "abc",
		"tab\there":    "tab\there",
		"bad \xff utf": "bad \uFFFD utf",
		"del\x7f":      "del",
	}
	for in, want := range tests {
		if got := icsText(in); got != want {
			t.Errorf("icsText(%q) = %q, want %q", in, got, want)
		}
	}
}

// FuzzICSText writes any summary and description and checks the file's
// rules, then parses it back with the same library and finds the same
// text (as made safe by icsText).
func FuzzICSText(f *testing.F) {
	f.Add("Ufficio anagrafe", "Portare il documento")
	f.Add("", "")
	f.Add(strings.Repeat("è", 80), strings.Repeat("😀 ", 40))
	f.Add("a;b,c\\d", "riga 1\nriga 2\r\nriga 3")
	f.Add(strings.Repeat("x", 74)+"é", strings.Repeat(" ", 100))
	f.Add("<a> <b>", strings.Repeat("ab<c>", 30))
	f.Fuzz(func(t *testing.T, summary, description string) {
		cal := icsCalendar()
		cal.Title = summary
		b := icsBooking()
		b.Notes = description
		out := ICS(MethodPublish, cal, b)
		checkRFC5545(t, out)
		evs := parseBack(t, out).Events()
		if len(evs) != 1 {
			t.Fatalf("%d events", len(evs))
		}
		if got, want := prop(evs[0], ics.ComponentPropertySummary), icsText(summary); got != want {
			t.Fatalf("summary %q, want %q", got, want)
		}
		if got, want := prop(evs[0], ics.ComponentPropertyDescription), icsText(description); got != want {
			t.Fatalf("description %q, want %q", got, want)
		}
	})
}
