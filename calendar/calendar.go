package calendar

import (
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/sportello/sportello/internal/fielderr"
)

// ID identifies a calendar. Opening hours and closures have their own
// string IDs.
type ID string

// SlotKind says how a calendar cuts its opening hours into slots.
type SlotKind uint8

const (
	// SlotsFixed (the default): slots start at the opening hour's begin and
	// follow each other every meeting + interval minutes.
	SlotsFixed SlotKind = iota
	// SlotsVariable: a booking may start on any 5-minute mark and last at
	// least the opening hour's meeting minutes.
	SlotsVariable
)

// String returns "fixed" or "variable".
func (k SlotKind) String() string {
	if k == SlotsVariable {
		return "variable"
	}
	return "fixed"
}

// Limits are booking limits beyond each slot's queue; 0 means no limit.
// The calendar only states them; the appointment store enforces them
// atomically.
type Limits struct {
	// PerDay is the most bookings holding a place per local day on this
	// calendar.
	PerDay int `json:"per_day" validate:"gte=0,lte=100000"`
	// PerCitizen is the most active bookings per citizen on this calendar
	// whose start lies within CitizenPeriod around the new start (0 =
	// anywhere in the future).
	PerCitizen    int           `json:"per_citizen" validate:"gte=0,lte=1000"`
	CitizenPeriod time.Duration `json:"citizen_period" validate:"gte=0"`
}

// The defaults of a new calendar.
const (
	DefaultRollingDays     = 30
	MaxRollingDays         = 180
	DefaultAllowCancelDays = 3
	DefaultDraftsDuration  = 600 * time.Second
)

// noticeHours are the allowed minimum-notice values, in hours (the
// min_notice_hours tag of NewCalendar lists them too).
var noticeHours = [...]int{0, 1, 2, 4, 8, 24, 48, 72, 168, 336, 504, 720}

// NoticeHours returns the allowed minimum-notice values, in hours.
func NoticeHours() []int { return slices.Clone(noticeHours[:]) }

// Calendar is an office calendar on which citizens book appointments.
type Calendar struct {
	// ID identifies the calendar; Tenant is the public body owning it.
	ID     ID
	Tenant string
	// Title is required and unique per tenant (compared as TitleKey).
	Title string
	// Owner and Moderators are operator IDs (auth.Principal.ID) who manage
	// the calendar.
	Owner      string
	Moderators []string
	// Location is the office's address; ContactEmail receives the
	// calendar's notifications.
	Location     string
	ContactEmail string
	// Zone is the IANA zone of the opening hours (default Europe/Rome).
	Zone string
	// Slots is fixed (default) or variable.
	Slots SlotKind
	// RollingDays is how many days ahead citizens may book (default 30,
	// at most 180).
	RollingDays int
	// MinNoticeHours is the minimum notice, one of NoticeHours(), less than
	// RollingDays × 24.
	MinNoticeHours int
	// AllowCancelDays: a citizen may cancel until this many days before
	// the start (default 3).
	AllowCancelDays int
	// Moderated: bookings wait for an operator's approval.
	Moderated bool
	// AllowOverlaps: a citizen may hold overlapping bookings.
	AllowOverlaps bool
	// DraftsDuration is how long a chosen slot is held as a draft
	// (default 600 s).
	DraftsDuration time.Duration
	// Notifications may be switched off per calendar.
	Notifications bool
	// VideoCalls: an appointment may carry a video-conference link.
	VideoCalls bool
	// ExternalCalendars are iCalendar URLs of busy times (the host fetches
	// them and hands their text to Desk.ImportBusy).
	ExternalCalendars []string
	// Limits are the booking limits beyond each slot's queue.
	Limits Limits
	// ItalianHolidays closes the calendar, every year, on Italy's national
	// holidays (see ItalianHolidays), and PatronDays on the local ones: the
	// engine treats each as a closed whole local day in the calendar's zone
	// for every year its window touches, with no stored closure. HolidaysOf
	// lists them for one year.
	ItalianHolidays bool
	PatronDays      []YearlyDay
	// Version counts the changes of the calendar, its opening hours and
	// its closures; Created and Updated are UTC instants.
	Version          int64
	Created, Updated time.Time
}

// Clone returns a deep copy of c.
func (c *Calendar) Clone() *Calendar {
	if c == nil {
		return nil
	}
	n := *c
	n.Moderators = slices.Clone(c.Moderators)
	n.ExternalCalendars = slices.Clone(c.ExternalCalendars)
	n.PatronDays = slices.Clone(c.PatronDays)
	return &n
}

// TimeLocation returns the calendar's zone (Europe/Rome when Zone is
// empty), or a *ValidationError on "zone".
func (c *Calendar) TimeLocation() (*time.Location, error) { return loadZone(c.Zone) }

// IsModerator reports whether principalID is the calendar's owner or one
// of its moderators.
func (c *Calendar) IsModerator(principalID string) bool {
	return principalID != "" && (principalID == c.Owner || slices.Contains(c.Moderators, principalID))
}

// TitleKey is the form in which titles are compared for uniqueness:
// lower case, runs of white space as one space, trimmed. Stores keep it
// beside the title.
func TitleKey(title string) string { return strings.ToLower(strings.Join(strings.Fields(title), " ")) }

// NewCalendar is the input of a calendar's creation and of its update
// (which replaces every field).
type NewCalendar struct {
	Title             string        `json:"title" validate:"required,line,max=200"`
	Owner             string        `json:"owner" validate:"omitempty,line,max=128"`
	Moderators        []string      `json:"moderators" validate:"max=50,dive,required,line,max=128"`
	Location          string        `json:"location" validate:"required,line,max=300"`
	ContactEmail      string        `json:"contact_email" validate:"omitempty,max=254,email"`
	Zone              string        `json:"zone" validate:"omitempty,line,max=64"`
	Slots             SlotKind      `json:"slots" validate:"lte=1"`
	RollingDays       int           `json:"rolling_days" validate:"gte=0,lte=180"`
	MinNoticeHours    int           `json:"min_notice_hours" validate:"oneof=0 1 2 4 8 24 48 72 168 336 504 720"`
	AllowCancelDays   *int          `json:"allow_cancel_days" validate:"omitnil,gte=0,lte=365"`
	Moderated         bool          `json:"moderated"`
	AllowOverlaps     bool          `json:"allow_overlaps"`
	DraftsDuration    time.Duration `json:"drafts_duration" validate:"gte=0,lte=86400000000000"`
	Notifications     *bool         `json:"notifications"`
	VideoCalls        bool          `json:"video_calls"`
	ExternalCalendars []string      `json:"external_calendars" validate:"max=20,dive,required,max=2000,url"`
	Limits            Limits        `json:"limits"`
	ItalianHolidays   bool          `json:"italian_holidays"`
	PatronDays        []YearlyDay   `json:"patron_days" validate:"max=20,dive"`
}

// The meaning of NewCalendar's zero values: Zone "" is Europe/Rome,
// RollingDays 0 is DefaultRollingDays, AllowCancelDays nil is
// DefaultAllowCancelDays, DraftsDuration 0 is DefaultDraftsDuration,
// Notifications nil is true; Owner "" is the creating operator.

// build validates in (every invalid field in one *ValidationError) and
// returns the calendar it describes, defaults filled, without identity,
// version or times.
func (in NewCalendar) build(v *fielderr.Validator) (*Calendar, error) {
	var errs validationErrors
	if err := validateStruct(v, in, &errs); err != nil {
		return nil, err
	}
	c := &Calendar{
		Title: strings.TrimSpace(in.Title), Owner: in.Owner, Moderators: normalizeSet(in.Moderators),
		Location: strings.TrimSpace(in.Location), ContactEmail: in.ContactEmail, Zone: in.Zone,
		Slots: in.Slots, RollingDays: in.RollingDays, MinNoticeHours: in.MinNoticeHours,
		AllowCancelDays: DefaultAllowCancelDays, Moderated: in.Moderated, AllowOverlaps: in.AllowOverlaps,
		DraftsDuration: in.DraftsDuration, Notifications: true, VideoCalls: in.VideoCalls,
		ExternalCalendars: slices.Clip(slices.Clone(in.ExternalCalendars)), Limits: in.Limits,
		ItalianHolidays: in.ItalianHolidays, PatronDays: slices.Clip(slices.Clone(in.PatronDays)),
	}
	if len(c.PatronDays) == 0 {
		c.PatronDays = nil
	}
	for i, p := range c.PatronDays {
		c.PatronDays[i].Name = strings.TrimSpace(p.Name)
		f := "patron_days[" + itoa(i) + "].day"
		if !errs.has(f) && !errs.has("patron_days["+itoa(i)+"].month") && !(Date{2000, p.Month, p.Day}).Valid() {
			errs.add(f, "date", "must be a real day of the month")
		}
	}
	if len(c.ExternalCalendars) == 0 {
		c.ExternalCalendars = nil
	}
	if c.Zone == "" {
		c.Zone = DefaultZone
	} else if _, err := loadZone(c.Zone); err != nil && !errs.has("zone") {
		errs.add("zone", "zone", "must be an IANA time zone name")
	}
	if c.RollingDays == 0 {
		c.RollingDays = DefaultRollingDays
	}
	if in.AllowCancelDays != nil {
		c.AllowCancelDays = *in.AllowCancelDays
	}
	if c.DraftsDuration == 0 {
		c.DraftsDuration = DefaultDraftsDuration
	} else if c.DraftsDuration < time.Minute && !errs.has("drafts_duration") {
		errs.add("drafts_duration", "min", "must be at least one minute")
	}
	if in.Notifications != nil {
		c.Notifications = *in.Notifications
	}
	if c.MinNoticeHours >= c.RollingDays*24 && !errs.has("min_notice_hours") && !errs.has("rolling_days") {
		errs.add("min_notice_hours", "notice", "must be less than rolling days × 24 hours")
	}
	for i, raw := range in.ExternalCalendars {
		if u, err := url.Parse(raw); err == nil && !errs.has(externalField(i)) {
			switch strings.ToLower(u.Scheme) {
			case "http", "https", "webcal", "webcals":
			default:
				errs.add(externalField(i), "scheme", "must be an http, https or webcal URL")
			}
		}
	}
	if err := errs.err(); err != nil {
		return nil, err
	}
	return c, nil
}

func externalField(i int) string { return "external_calendars[" + itoa(i) + "]" }

// has reports whether field already failed.
func (v validationErrors) has(field string) bool {
	for _, f := range v {
		if f.Field == field {
			return true
		}
	}
	return false
}

// normalizeSet returns the distinct non-empty values of s, sorted (nil
// when none).
func normalizeSet(s []string) []string {
	var out []string
	for _, x := range s {
		if x != "" {
			out = append(out, x)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}
