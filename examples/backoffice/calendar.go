package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/sportello/sportello/appointment"
	appointmentmem "github.com/sportello/sportello/appointment/memstore"
	appointmentpg "github.com/sportello/sportello/appointment/pgstore"
	"github.com/sportello/sportello/auth"
	"github.com/sportello/sportello/calendar"
	calendarmem "github.com/sportello/sportello/calendar/memstore"
	calendarpg "github.com/sportello/sportello/calendar/pgstore"
	"github.com/sportello/sportello/practice"
)

// calendarWing holds the calendar and appointment Desks: office calendars
// with their availability, and the bookings made on them.
type calendarWing struct {
	calendars    *calendar.Desk
	appointments *appointment.Desk
}

// bookingCounter hands the calendar Desk's questions to the appointment
// Desk, which is made after it (each needs the other).
type bookingCounter struct{ w *calendarWing }

// FutureActiveBookings asks the appointment Desk.
func (b bookingCounter) FutureActiveBookings(ctx context.Context, tenant string, cal calendar.ID, hour string, after time.Time) (int, error) {
	return b.w.appointments.FutureActiveBookings(ctx, tenant, cal, hour, after)
}

// wireCalendars makes the calendar and appointment Desks, in memory or on
// pool.
func (sys *system) wireCalendars(ctx context.Context, pool *pgxpool.Pool) error {
	var cs calendar.Store
	var as appointment.Store
	if pool == nil {
		cs, as = calendarmem.New(), appointmentmem.New()
	} else {
		var err error
		if cs, err = calendarpg.New(ctx, pool); err != nil {
			return err
		}
		if as, err = appointmentpg.New(ctx, pool); err != nil {
			return err
		}
	}
	w := &calendarWing{}
	var err error
	if w.calendars, err = calendar.New(calendar.Config{Store: cs, Bookings: bookingCounter{w}, Now: sys.clock.Now, Logger: sys.log}); err != nil {
		return err
	}
	if w.appointments, err = appointment.New(appointment.Config{Store: as, Calendars: w.calendars,
		Notifier: sys.mail.appointmentNotifier(), Now: sys.clock.Now, Logger: sys.log}); err != nil {
		return err
	}
	sys.cal = w
	return nil
}

// appointmentNotifier delivers the bookings' outbox.
func (m *mailroom) appointmentNotifier() appointment.Notifier {
	return appointment.NotifierFunc(func(_ context.Context, n appointment.Notification) error {
		m.mu.Lock()
		defer m.mu.Unlock()
		m.count("appointment." + string(n.Kind))
		return nil
	})
}

// chores are the calendar wings' system steps: expired drafts, the outbox.
func (w *calendarWing) chores(ctx context.Context, tenant string) error {
	return errors.Join(second(w.appointments.SweepDrafts(ctx, tenant)), second(w.appointments.DeliverNotifications(ctx, tenant, 0)))
}

// followOutcome applies the status a pratica entered to its linked
// bookings.
func (w *calendarWing) followOutcome(ctx context.Context, tenant string, id practice.ID, status practice.Status) error {
	effect := appointment.PracticeEffect(practice.AppointmentEffectOf(status))
	if effect == appointment.EffectNone {
		return nil
	}
	_, err := w.appointments.ApplyPracticeOutcome(ctx, auth.System(tenant), tenant, string(id), effect)
	return err
}

// routes registers the calendar pages.
func (w *calendarWing) routes(s *server) {
	s.route("GET /calendari", s.calendarList)
	s.route("GET /calendari/{id}", s.calendarWeek)
	s.route("GET /calendari/{id}/prenota", s.bookingForm)
	s.route("POST /calendari/{id}/prenota", s.bookingCreate)
	s.route("GET /prenotazioni/{id}", s.bookingPage)
	s.route("GET /prenotazioni/{id}/ics", s.bookingICS)
}

// seed adds a calendar for the local police's counter with its opening
// hours, lets anna use it, and books a few appointments.
func (w *calendarWing) seed(ctx context.Context, s *seeder) error {
	s.at(0)
	anna := s.ops["anna"]
	cal, err := w.calendars.CreateCalendar(ctx, s.admin, calendar.NewCalendar{
		Title: "Polizia locale – sportello permessi", Location: "Via Roma 1, piano terra",
		ContactEmail: "polizia@comune.example", Moderators: []string{anna.ID}, RollingDays: 30,
		Limits: calendar.Limits{PerCitizen: 2},
	})
	if err != nil {
		return err
	}
	if _, err := s.sys.auth.SetCalendars(ctx, s.admin, anna.ID, []string{string(cal.ID)}); err != nil {
		return err
	}
	from := calendar.DateOf(time.Now().In(rome).AddDate(0, 0, -30))
	for _, h := range []calendar.NewOpeningHour{
		{Name: "Mattina", Days: []int{1, 2, 3, 4, 5}, ValidFrom: from, Begin: calendar.Clock(9, 0), End: calendar.Clock(12, 30),
			MeetingMinutes: 30, Queue: 2},
		{Name: "Pomeriggio", Days: []int{2, 4}, ValidFrom: from, Begin: calendar.Clock(14, 30), End: calendar.Clock(16, 30),
			MeetingMinutes: 30, Queue: 1},
	} {
		if _, err := w.calendars.AddOpeningHour(ctx, s.admin, cal.ID, h); err != nil {
			return err
		}
	}
	// Book the first free slots from the day after tomorrow.
	start := time.Now().In(rome).AddDate(0, 0, 2)
	slots, err := w.appointments.Availability(ctx, anna, cal.ID, start, start.AddDate(0, 0, 7))
	if err != nil {
		return err
	}
	booked := 0
	for i, sl := range slots {
		if booked == 3 || i%3 != 0 || sl.Remaining == 0 {
			continue
		}
		c := citizens[booked]
		fc, err := withCheckChar(c.fiscalCode)
		if err != nil {
			return err
		}
		if _, _, err := w.appointments.Create(ctx, anna, appointment.NewBooking{Calendar: cal.ID, Start: sl.Start, End: sl.End,
			FiscalCode: fc.String(), Name: c.name + " " + c.family, Notes: "Ritiro del permesso"}); err != nil {
			return err
		}
		booked++
	}
	s.result.Calendar = string(cal.ID)
	return nil
}

// The calendar wings' error categories, for problem.
func calendarNotFound(err error) bool {
	return isAny(err, calendar.ErrNotFound, appointment.ErrNotFound)
}
func calendarInvalid(err error) bool {
	return isAny(err, calendar.ErrValidation, appointment.ErrValidation)
}
func calendarRefused(err error) bool {
	return isAny(err, appointment.ErrInvalidTransition, calendar.ErrSlotUnavailable,
		appointment.ErrSlotFull, appointment.ErrDayFull, appointment.ErrCitizenLimit)
}
func calendarConflict(err error) bool {
	return isAny(err, calendar.ErrConflict, appointment.ErrConflict)
}
func calendarUnavailable(err error) bool {
	return isAny(err, calendar.ErrUnavailable, appointment.ErrUnavailable)
}

// calendarSelftestPaths are the calendar pages the self-test requests.
func calendarSelftestPaths(s *seeded) []selftestPath {
	if s.Calendar == "" {
		return nil
	}
	return []selftestPath{
		{"/calendari", "/calendari", http.StatusOK},
		{"/calendari/{id}", "/calendari/" + s.Calendar, http.StatusOK},
		{"/calendari/{id} with a bad week", "/calendari/" + s.Calendar + "?settimana=ieri", http.StatusBadRequest},
		{"/calendari/{unknown id}", "/calendari/nope", http.StatusNotFound},
		{"/prenotazioni/{unknown id}", "/prenotazioni/nope", http.StatusNotFound},
	}
}

// calendarRow is one calendar in the list.
type calendarRow struct {
	ID, Title, Location string
}

// calendarList lists the calendars the operator may use.
func (s *server) calendarList(w http.ResponseWriter, r *http.Request, c *call) error {
	var rows []calendarRow
	cursor := ""
	for range 20 {
		pg, err := s.sys.cal.calendars.ListCalendars(r.Context(), c.who, calendar.CalendarQuery{}, cursor, 100)
		if err != nil {
			return err
		}
		for _, cal := range pg.Items {
			if calendar.Authorize(c.who, calendar.ActionView, cal) == nil {
				rows = append(rows, calendarRow{ID: string(cal.ID), Title: cal.Title, Location: cal.Location})
			}
		}
		if cursor = pg.Next; cursor == "" {
			break
		}
	}
	s.render(w, r, c, http.StatusOK, "calendars", page{Title: "Appuntamenti", Section: "calendari", Data: rows})
	return nil
}

// slotView is one slot of the week view.
type slotView struct {
	Time, BookURL, Label string
	Remaining, Capacity  int
}

// dayView is one day of the week view.
type dayView struct {
	Name  string
	Slots []slotView
}

// bookingRow is one booking in a list.
type bookingRow struct {
	ID, When, Name, Status string
}

// weekData is the week view.
type weekData struct {
	ID, Title, Location, Week string
	PrevURL, NextURL, ThisURL string
	Days                      []dayView
	Bookings                  []bookingRow
}

// weekOf returns the Monday (local midnight) of the week holding day, from
// a YYYY-MM-DD value ("" is this week).
func weekOf(v string, now time.Time) (time.Time, error) {
	day := now.In(rome)
	if v != "" {
		t, err := time.ParseInLocation(time.DateOnly, v, rome)
		if err != nil {
			return time.Time{}, &badRequest{"La settimana indicata non è una data (AAAA-MM-GG)."}
		}
		day = t
	}
	offset := (int(day.Weekday()) + 6) % 7 // days since Monday
	return time.Date(day.Year(), day.Month(), day.Day()-offset, 0, 0, 0, 0, rome), nil
}

// weekdays are the Italian day names, Monday first.
var weekdays = []string{"lunedì", "martedì", "mercoledì", "giovedì", "venerdì", "sabato", "domenica"}

// calendarWeek shows one week of a calendar: every slot with its free
// places, a booking link for the free ones, and the week's bookings.
func (s *server) calendarWeek(w http.ResponseWriter, r *http.Request, c *call) error {
	ctx, id := r.Context(), calendar.ID(r.PathValue("id"))
	monday, err := weekOf(r.URL.Query().Get("settimana"), s.sys.clock.Now())
	if err != nil {
		return err
	}
	cal, err := s.sys.cal.calendars.Calendar(ctx, c.who, id)
	if err != nil {
		return err
	}
	next := monday.AddDate(0, 0, 7)
	slots, err := s.sys.cal.appointments.Availability(ctx, c.who, id, monday, next)
	if err != nil {
		return err
	}
	d := weekData{ID: string(cal.ID), Title: cal.Title, Location: cal.Location,
		Week:    fmt.Sprintf("%s – %s", monday.Format("02/01/2006"), next.AddDate(0, 0, -1).Format("02/01/2006")),
		PrevURL: weekURL(cal.ID, monday.AddDate(0, 0, -7)), NextURL: weekURL(cal.ID, next), ThisURL: "/calendari/" + url.PathEscape(string(cal.ID))}
	for i := range 7 {
		day := monday.AddDate(0, 0, i)
		d.Days = append(d.Days, dayView{Name: weekdays[i] + " " + day.Format("02/01")})
	}
	for _, sl := range slots {
		i := int(sl.Start.In(rome).Sub(monday).Hours()) / 24
		if i < 0 || i > 6 {
			continue
		}
		v := slotView{Time: sl.Start.In(rome).Format("15:04") + "–" + sl.End.In(rome).Format("15:04"), Remaining: sl.Remaining, Capacity: sl.Capacity}
		if sl.Remaining > 0 {
			v.BookURL = "/calendari/" + url.PathEscape(string(cal.ID)) + "/prenota?" + url.Values{
				"inizio": {sl.Start.UTC().Format(time.RFC3339)}, "fine": {sl.End.UTC().Format(time.RFC3339)}}.Encode()
		}
		v.Label = fmt.Sprintf("%s, %s: %s", d.Days[i].Name, v.Time, places(sl.Remaining))
		d.Days[i].Slots = append(d.Days[i].Slots, v)
	}
	pg, err := s.sys.cal.appointments.Search(ctx, c.who, appointment.Query{Calendar: id, From: monday, To: next,
		Statuses: []appointment.Status{appointment.StatusPending, appointment.StatusApproved}}, "", 100)
	if err != nil {
		return err
	}
	for _, b := range pg.Items {
		d.Bookings = append(d.Bookings, bookingRow{ID: string(b.ID), When: when(b.Start, b.End), Name: b.Name, Status: b.Status.Label("it")})
	}
	s.render(w, r, c, http.StatusOK, "week", page{Title: cal.Title, Section: "calendari", Data: d})
	return nil
}

// weekURL is the week view of the week starting monday.
func weekURL(id calendar.ID, monday time.Time) string {
	return "/calendari/" + url.PathEscape(string(id)) + "?settimana=" + monday.Format(time.DateOnly)
}

// places says how many places are free.
func places(n int) string {
	switch n {
	case 0:
		return "completo"
	case 1:
		return "1 posto libero"
	}
	return fmt.Sprintf("%d posti liberi", n)
}

// when formats a booking's time in Rome.
func when(start, end time.Time) string {
	s, e := start.In(rome), end.In(rome)
	return fmt.Sprintf("%s %s, %s–%s", weekdays[(int(s.Weekday())+6)%7], s.Format("02/01/2006"), s.Format("15:04"), e.Format("15:04"))
}

// bookingFormData is the booking form.
type bookingFormData struct {
	CalendarID, Calendar, When, Start, End string
	Name, FiscalCode, Email, Phone, Notes  string
	Practice                               string
}

// slotParams reads the slot a booking link names.
func slotParams(v url.Values) (time.Time, time.Time, error) {
	start, err1 := time.Parse(time.RFC3339, v.Get("inizio"))
	end, err2 := time.Parse(time.RFC3339, v.Get("fine"))
	if err1 != nil || err2 != nil || !end.After(start) {
		return time.Time{}, time.Time{}, &badRequest{"L'orario scelto non è valido: torna al calendario e scegli un orario."}
	}
	return start, end, nil
}

// newBookingForm fills the form from v.
func (s *server) newBookingForm(ctx context.Context, who auth.Principal, id calendar.ID, v url.Values) (*bookingFormData, error) {
	start, end, err := slotParams(v)
	if err != nil {
		return nil, err
	}
	cal, err := s.sys.cal.calendars.Calendar(ctx, who, id)
	if err != nil {
		return nil, err
	}
	return &bookingFormData{CalendarID: string(cal.ID), Calendar: cal.Title, When: when(start, end),
		Start: start.UTC().Format(time.RFC3339), End: end.UTC().Format(time.RFC3339),
		Name: v.Get("nome"), FiscalCode: v.Get("codice_fiscale"), Email: v.Get("email"), Phone: v.Get("telefono"),
		Notes: v.Get("note"), Practice: v.Get("pratica")}, nil
}

// bookingForm asks for the citizen the operator books for.
func (s *server) bookingForm(w http.ResponseWriter, r *http.Request, c *call) error {
	d, err := s.newBookingForm(r.Context(), c.who, calendar.ID(r.PathValue("id")), r.URL.Query())
	if err != nil {
		return err
	}
	s.render(w, r, c, http.StatusOK, "booking_new", page{Title: "Nuovo appuntamento", Section: "calendari", Data: d})
	return nil
}

// bookingCreate books the slot on behalf of the citizen; a refusal (slot
// taken meanwhile, limits, bad data) shows the form again with the reason.
func (s *server) bookingCreate(w http.ResponseWriter, r *http.Request, c *call) error {
	ctx, id := r.Context(), calendar.ID(r.PathValue("id"))
	d, err := s.newBookingForm(ctx, c.who, id, r.PostForm)
	if err != nil {
		return err
	}
	form := func(k string) string { return strings.TrimSpace(r.PostFormValue(k)) }
	start, end, _ := slotParams(r.PostForm)
	b, _, err := s.sys.cal.appointments.Create(ctx, c.who, appointment.NewBooking{
		Calendar: id, Start: start, End: end, FiscalCode: strings.ToUpper(form("codice_fiscale")), Name: form("nome"),
		Email: form("email"), Phone: form("telefono"), Notes: form("note"), PracticeID: form("pratica"),
	})
	if err != nil {
		status, msg := problem(err)
		if status >= 500 || status == http.StatusNotFound {
			return err
		}
		s.render(w, r, c, status, "booking_new", page{Title: "Nuovo appuntamento", Section: "calendari", Alert: msg, Data: d})
		return nil
	}
	s.redirect(w, r, c, "/prenotazioni/"+url.PathEscape(string(b.ID)), "Appuntamento prenotato per "+when(b.Start, b.End)+".")
	return nil
}

// bookingData is the booking page.
type bookingData struct {
	ID, CalendarID, Calendar, Location, When, Status string
	Name, FiscalCode, Email, Phone, Notes, Practice  string
	By                                               string
	Created                                          time.Time
}

// bookingPage shows one booking.
func (s *server) bookingPage(w http.ResponseWriter, r *http.Request, c *call) error {
	ctx := r.Context()
	b, err := s.sys.cal.appointments.Get(ctx, c.who, appointment.ID(r.PathValue("id")))
	if err != nil {
		return err
	}
	d := bookingData{ID: string(b.ID), CalendarID: string(b.Calendar), When: when(b.Start, b.End), Status: b.Status.Label("it"),
		Name: b.Name, FiscalCode: b.FiscalCode, Email: b.Email, Phone: b.Phone, Notes: b.Notes, Practice: b.PracticeID,
		By: s.username(ctx, b.CreatedBy), Created: b.Created}
	if cal, err := s.sys.cal.calendars.Calendar(ctx, c.who, b.Calendar); err == nil {
		d.Calendar, d.Location = cal.Title, cal.Location
	}
	s.render(w, r, c, http.StatusOK, "booking", page{Title: "Appuntamento", Section: "calendari", Data: d})
	return nil
}

// bookingICS downloads the booking as an iCalendar file to save in a
// personal calendar.
func (s *server) bookingICS(w http.ResponseWriter, r *http.Request, c *call) error {
	data, err := s.sys.cal.appointments.ICS(r.Context(), c.who, appointment.ID(r.PathValue("id")), appointment.MethodPublish)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/calendar; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="appuntamento.ics"`)
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write(data)
	return nil
}
