package pgstore

import (
	"time"

	"github.com/sportello/sportello/ticket"
)

// The JSONB shapes of the nested parts. They are the stored schema, with
// stable snake_case names, independent of the Go field names; durations
// are nanoseconds and instants RFC 3339 UTC to the microsecond, absent
// when zero.

type extraFieldJSON struct {
	Name      string   `json:"name"`
	Label     string   `json:"label"`
	Type      string   `json:"type"`
	Required  bool     `json:"required,omitempty"`
	Choices   []string `json:"choices,omitempty"`
	MaxLength int      `json:"max_length,omitempty"`
}

type logJSON struct {
	ID         string     `json:"id"`
	Visibility string     `json:"visibility"`
	AuthorID   string     `json:"author_id"`
	At         *time.Time `json:"at,omitempty"`
	Text       string     `json:"text"`
}

type attachmentJSON struct {
	ID       string     `json:"id"`
	Name     string     `json:"name"`
	Size     int64      `json:"size"`
	MIME     string     `json:"mime"`
	SHA256   string     `json:"sha256"`
	BlobKey  string     `json:"blob_key"`
	AuthorID string     `json:"author_id"`
	At       *time.Time `json:"at,omitempty"`
}

type stopwatchJSON struct {
	Goal         int64      `json:"goal_ns,omitempty"`
	StartedAt    *time.Time `json:"started_at,omitempty"`
	RunningSince *time.Time `json:"running_since,omitempty"`
	Elapsed      int64      `json:"elapsed_ns,omitempty"`
	Paused       bool       `json:"paused,omitempty"`
	WarnAt       *time.Time `json:"warn_at,omitempty"`
	DueAt        *time.Time `json:"due_at,omitempty"`
	Warned       bool       `json:"warned,omitempty"`
	WarnedAt     *time.Time `json:"warned_at,omitempty"`
	Fired        bool       `json:"fired,omitempty"`
	FiredAt      *time.Time `json:"fired_at,omitempty"`
}

type slaJSON struct {
	TTO stopwatchJSON `json:"tto"`
	TTR stopwatchJSON `json:"ttr"`
}

func toExtraFields(fs []ticket.ExtraField) []extraFieldJSON {
	out := make([]extraFieldJSON, len(fs))
	for i, f := range fs {
		out[i] = extraFieldJSON{
			Name: f.Name, Label: f.Label, Type: string(f.Type), Required: f.Required,
			Choices: f.Choices, MaxLength: f.MaxLength,
		}
	}
	return out
}

func fromExtraFields(fs []extraFieldJSON) []ticket.ExtraField {
	if len(fs) == 0 {
		return nil
	}
	out := make([]ticket.ExtraField, len(fs))
	for i, f := range fs {
		out[i] = ticket.ExtraField{
			Name: f.Name, Label: f.Label, Type: ticket.FieldType(f.Type), Required: f.Required,
			Choices: f.Choices, MaxLength: f.MaxLength,
		}
	}
	return out
}

func toExtra(m map[string]string) map[string]string {
	if m == nil {
		return map[string]string{}
	}
	return m
}

func fromExtra(m map[string]string) map[string]string {
	if len(m) == 0 {
		return nil
	}
	return m
}

func toLogs(ls []ticket.LogEntry) []logJSON {
	out := make([]logJSON, len(ls))
	for i, l := range ls {
		out[i] = logJSON{ID: l.ID, Visibility: string(l.Visibility), AuthorID: l.AuthorID, At: nullTime(l.At), Text: l.Text}
	}
	return out
}

func fromLogs(ls []logJSON) []ticket.LogEntry {
	if len(ls) == 0 {
		return nil
	}
	out := make([]ticket.LogEntry, len(ls))
	for i, l := range ls {
		out[i] = ticket.LogEntry{ID: l.ID, Visibility: ticket.Visibility(l.Visibility), AuthorID: l.AuthorID, At: fromNull(l.At), Text: l.Text}
	}
	return out
}

func toAttachments(as []ticket.Attachment) []attachmentJSON {
	out := make([]attachmentJSON, len(as))
	for i, a := range as {
		out[i] = attachmentJSON{
			ID: a.ID, Name: a.Name, Size: a.Size, MIME: a.MIME, SHA256: a.SHA256,
			BlobKey: a.BlobKey, AuthorID: a.AuthorID, At: nullTime(a.At),
		}
	}
	return out
}

func fromAttachments(as []attachmentJSON) []ticket.Attachment {
	if len(as) == 0 {
		return nil
	}
	out := make([]ticket.Attachment, len(as))
	for i, a := range as {
		out[i] = ticket.Attachment{
			ID: a.ID, Name: a.Name, Size: a.Size, MIME: a.MIME, SHA256: a.SHA256,
			BlobKey: a.BlobKey, AuthorID: a.AuthorID, At: fromNull(a.At),
		}
	}
	return out
}

func toStopwatch(w ticket.Stopwatch) stopwatchJSON {
	return stopwatchJSON{
		Goal: int64(w.Goal), StartedAt: nullTime(w.StartedAt), RunningSince: nullTime(w.RunningSince),
		Elapsed: int64(w.Elapsed), Paused: w.Paused, WarnAt: nullTime(w.WarnAt), DueAt: nullTime(w.DueAt),
		Warned: w.Warned, WarnedAt: nullTime(w.WarnedAt), Fired: w.Fired, FiredAt: nullTime(w.FiredAt),
	}
}

func fromStopwatch(w stopwatchJSON) ticket.Stopwatch {
	return ticket.Stopwatch{
		Goal: time.Duration(w.Goal), StartedAt: fromNull(w.StartedAt), RunningSince: fromNull(w.RunningSince),
		Elapsed: time.Duration(w.Elapsed), Paused: w.Paused, WarnAt: fromNull(w.WarnAt), DueAt: fromNull(w.DueAt),
		Warned: w.Warned, WarnedAt: fromNull(w.WarnedAt), Fired: w.Fired, FiredAt: fromNull(w.FiredAt),
	}
}

func toSLA(s ticket.SLA) slaJSON { return slaJSON{TTO: toStopwatch(s.TTO), TTR: toStopwatch(s.TTR)} }

func fromSLA(s slaJSON) ticket.SLA {
	return ticket.SLA{TTO: fromStopwatch(s.TTO), TTR: fromStopwatch(s.TTR)}
}
