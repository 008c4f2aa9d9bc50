package appointment

import (
	"bufio"
	"io"
	"strings"
	"unicode/utf8"

	ics "github.com/arran4/golang-ical"

	"github.com/sportello/sportello/calendar"
)

// Method is the iCalendar METHOD of an export (RFC 5546).
type Method string

// The methods.
const (
	// MethodPublish: a copy to save in a personal calendar ("save to an
	// external calendar") or a feed.
	MethodPublish Method = "PUBLISH"
	// MethodRequest: an invitation, sent when a booking is confirmed or
	// moved.
	MethodRequest Method = "REQUEST"
	// MethodCancel: the cancellation of an invitation; every event carries
	// STATUS:CANCELLED and the same UID as before.
	MethodCancel Method = "CANCEL"
)

// prodID names sportello as the producer of the files.
const prodID = "-//sportello//appointment//IT"

// UID returns the iCalendar UID of b: the same for every export of the
// booking, whatever its status or slot, so that calendar programs update
// one event.
func UID(b *Booking) string { return string(b.ID) + "@" + b.Tenant + ".sportello" }

// WriteICS writes bookings of cal as one RFC 5545 calendar with method m:
// CRLF line ends, lines folded at 75 octets never inside a UTF-8
// character, text escaped (\\ \; \, \n), times in UTC, a stable UID per
// booking (UID), DTSTAMP = the booking's last change, SEQUENCE = its
// reschedule counter, STATUS (TENTATIVE for drafts and pending bookings,
// CANCELLED for cancelled and refused ones and for every event of
// MethodCancel, CONFIRMED otherwise), SUMMARY = the calendar's title,
// DESCRIPTION = the booking's notes, LOCATION = the calendar's location and
// URL = the video-conference link. Text is made safe first: invalid UTF-8
// becomes U+FFFD, CR LF and lone CR become a newline, other control
// characters but tab are dropped.
//
// The events are built with github.com/arran4/golang-ical, which folds,
// escapes and formats times as RFC 5545 asks; see the package
// documentation for what it does not do by itself.
func WriteICS(w io.Writer, m Method, cal *calendar.Calendar, bookings ...*Booking) error {
	x, err := newICSWriter(w, m)
	if err != nil {
		return err
	}
	for _, b := range bookings {
		if err := x.add(m, cal, b); err != nil {
			return err
		}
	}
	return x.close()
}

// icsWriter streams one VCALENDAR: the header, the events as they come,
// the footer; nothing but the current event is held in memory.
type icsWriter struct {
	w   *bufio.Writer
	cfg *ics.SerializationConfiguration
}

func newICSWriter(w io.Writer, m Method) (*icsWriter, error) {
	c := ics.NewCalendarFor("sportello")
	c.SetProductId(prodID)
	c.SetMethod(ics.Method(m))
	c.SetCalscale("GREGORIAN")
	head := strings.TrimSuffix(c.Serialize(ics.WithNewLineWindows), "END:VCALENDAR\r\n")
	x := &icsWriter{w: bufio.NewWriterSize(w, 64<<10),
		cfg: &ics.SerializationConfiguration{MaxLength: 75, PropertyMaxLength: 75, NewLine: "\r\n"}}
	_, err := x.w.WriteString(head)
	return x, err
}

func (x *icsWriter) add(m Method, cal *calendar.Calendar, b *Booking) error {
	return event(m, cal, b).SerializeTo(x.w, x.cfg)
}

func (x *icsWriter) close() error {
	if _, err := x.w.WriteString("END:VCALENDAR\r\n"); err != nil {
		return err
	}
	return x.w.Flush()
}

// ICS returns the iCalendar file of one booking (see WriteICS).
func ICS(m Method, cal *calendar.Calendar, b *Booking) []byte {
	var sb strings.Builder
	_ = WriteICS(&sb, m, cal, b) // a strings.Builder never fails
	return []byte(sb.String())
}

func event(m Method, cal *calendar.Calendar, b *Booking) *ics.VEvent {
	e := ics.NewEvent(icsText(UID(b)))
	e.SetDtStampTime(b.Updated)
	e.SetCreatedTime(b.Created)
	e.SetModifiedAt(b.Updated)
	e.SetStartAt(b.Start)
	e.SetEndAt(b.End)
	e.SetSequence(b.Reschedules)
	e.SetStatus(icsStatus(m, b.Status))
	if cal != nil {
		if t := icsText(cal.Title); t != "" {
			e.SetSummary(t)
		}
		if l := icsText(cal.Location); l != "" {
			e.SetLocation(l)
		}
	}
	if d := icsText(b.Notes); d != "" {
		e.SetDescription(d)
	}
	if u := icsText(b.VideoLink); u != "" {
		e.SetURL(u)
	}
	return e
}

func icsStatus(m Method, s Status) ics.ObjectStatus {
	switch {
	case m == MethodCancel, s == StatusCancelled, s == StatusRefused:
		return ics.ObjectStatusCancelled
	case s == StatusDraft, s == StatusPending:
		return ics.ObjectStatusTentative
	}
	return ics.ObjectStatusConfirmed
}

// icsText returns s as text RFC 5545 may carry: valid UTF-8, line breaks
// as "\n" (which the library escapes), no control characters but tab. The
// library escapes "\n" but not "\r", and passes other control characters
// through, both of which would break the file.
func icsText(s string) string {
	clean := true
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 && c != '\t' && c != '\n' || c == 0x7f || c >= utf8.RuneSelf {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\r':
			return '\n'
		case r == '\n' || r == '\t':
			return r
		case r < 0x20 || r == 0x7f:
			return -1
		}
		return r
	}, s)
}
