package main

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/rs/zerolog"

	"github.com/sportello/sportello/auth"
)

//go:embed templates/*.tmpl
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// rome is the zone the back office shows dates in.
var rome = mustZone("Europe/Rome")

func mustZone(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// server is the back office's HTTP handler.
type server struct {
	sys      *system
	log      *zerolog.Logger
	sessions *sessions
	pages    map[string]*template.Template
	mux      *http.ServeMux

	namesMu sync.Mutex
	names   map[string]string // account ID -> username
}

// newServer parses the templates and registers the routes.
func newServer(sys *system, log *zerolog.Logger) (*server, error) {
	s := &server{sys: sys, log: log, sessions: newSessions(8 * time.Hour), mux: http.NewServeMux(), names: map[string]string{}}
	if err := s.parseTemplates(); err != nil {
		return nil, err
	}
	static, err := fs.Sub(staticFS, "static")
	if err != nil {
		return nil, err
	}
	s.mux.Handle("GET /static/", http.StripPrefix("/static/", http.FileServerFS(static)))
	s.mux.HandleFunc("GET /{$}", s.home)
	s.mux.HandleFunc("GET /login", s.loginPage)
	s.mux.HandleFunc("POST /login", s.login)
	s.route("POST /logout", s.logout)

	s.route("GET /pratiche", s.practiceList)
	s.route("GET /pratiche.csv", s.practiceCSV)
	s.route("GET /pratiche/{id}", s.practicePage)
	s.route("POST /pratiche/{id}/{action}", s.practiceAction)

	s.route("GET /helpdesk", s.helpdeskHome)
	s.route("GET /helpdesk/nuova", s.requestForm)
	s.route("POST /helpdesk/richieste", s.requestCreate)
	s.route("GET /helpdesk/richieste/{id}", s.requestPage)
	s.route("POST /helpdesk/richieste/{id}/{action}", s.requestAction)
	s.route("GET /helpdesk/richieste/{id}/allegati/{att}", s.requestAttachment)

	if sys.cal != nil {
		sys.cal.routes(s)
	}
	s.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		s.renderError(w, r, http.StatusNotFound, "La pagina richiesta non esiste.")
	})
	return s, nil
}

// parseTemplates parses every page with the layout.
func (s *server) parseTemplates() error {
	funcs := template.FuncMap{
		"when": func(t time.Time) string {
			if t.IsZero() {
				return "—"
			}
			return t.In(rome).Format("02/01/2006 15:04")
		},
		"day": func(t time.Time) string { return t.In(rome).Format("02/01/2006") },
		"isoDay": func(t time.Time) string {
			if t.IsZero() {
				return ""
			}
			return t.In(rome).Format(time.DateOnly)
		},
		"clock": func(t time.Time) string { return t.In(rome).Format("15:04") },
	}
	layout, err := template.New("layout").Funcs(funcs).ParseFS(templateFS, "templates/layout.tmpl")
	if err != nil {
		return err
	}
	names, err := fs.Glob(templateFS, "templates/*.tmpl")
	if err != nil {
		return err
	}
	s.pages = map[string]*template.Template{}
	for _, n := range names {
		base := strings.TrimSuffix(strings.TrimPrefix(n, "templates/"), ".tmpl")
		if base == "layout" {
			continue
		}
		t, err := template.Must(layout.Clone()).ParseFS(templateFS, n)
		if err != nil {
			return err
		}
		s.pages[base] = t
	}
	return nil
}

// ServeHTTP adds the security headers and the access log (method, path
// without query, status, duration: no personal data) around the routes,
// and turns a panic into a 500 page.
func (s *server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	h := w.Header()
	h.Set("Content-Security-Policy", "default-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "same-origin")
	rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
	defer func() {
		if v := recover(); v != nil {
			if v == http.ErrAbortHandler {
				panic(v)
			}
			s.log.Error().Str("path", r.URL.Path).Str("panic", fmt.Sprint(v)).Msg("handler panicked")
			if !rec.wrote {
				s.renderError(rec, r, http.StatusInternalServerError, "Si è verificato un errore interno.")
			}
		}
		s.log.Info().Str("method", r.Method).Str("path", r.URL.Path).Int("status", rec.status).
			Dur("took", time.Since(start)).Msg("request")
	}()
	s.mux.ServeHTTP(rec, r)
}

// statusRecorder remembers the status a handler wrote.
type statusRecorder struct {
	http.ResponseWriter
	status int
	wrote  bool
}

// WriteHeader records the status.
func (r *statusRecorder) WriteHeader(code int) {
	if !r.wrote {
		r.status, r.wrote = code, true
	}
	r.ResponseWriter.WriteHeader(code)
}

// Write records an implicit 200.
func (r *statusRecorder) Write(b []byte) (int, error) {
	r.wrote = true
	return r.ResponseWriter.Write(b)
}

// call is one authenticated request: the session and the operator acting.
type call struct {
	sess *session
	who  auth.Principal
	user string // username, for the header
}

// handler is a page or action of a logged-in operator. A returned error is
// rendered as the error page its category calls for.
type handler func(w http.ResponseWriter, r *http.Request, c *call) error

// route registers h behind the login check (and, for POST, the CSRF
// check).
func (s *server) route(pattern string, h handler) {
	s.mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		c, ok := s.authenticate(w, r)
		if !ok {
			return
		}
		if r.Method == http.MethodPost && !s.checkCSRF(w, r, c.sess) {
			return
		}
		if err := h(w, r, c); err != nil {
			s.fail(w, r, c, err)
		}
	})
}

// page is what every template receives.
type page struct {
	Title    string
	Section  string
	Tenant   string
	User     string
	CSRF     string
	Flash    string
	Alert    string
	Calendar bool
	Data     any
}

// render writes the named page with status.
func (s *server) render(w http.ResponseWriter, r *http.Request, c *call, status int, name string, p page) {
	p.Tenant = s.sys.tenant
	p.Calendar = s.sys.cal != nil
	if c != nil {
		p.User = c.user
		p.CSRF = c.sess.csrf
		if p.Flash == "" {
			p.Flash = s.sessions.takeFlash(c.sess)
		}
	}
	t, ok := s.pages[name]
	if !ok {
		panic("no template " + name)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", p); err != nil {
		s.log.Error().Err(err).Str("page", name).Msg("template")
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = buf.WriteTo(w)
}

// redirect sends the browser to path after a successful POST, with a
// message for the next page.
func (s *server) redirect(w http.ResponseWriter, r *http.Request, c *call, path, flash string) {
	if c != nil && flash != "" {
		s.sessions.setFlash(c.sess, flash)
	}
	http.Redirect(w, r, path, http.StatusSeeOther)
}

// home sends the operator to the pratiche, or to the login.
func (s *server) home(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.sessions.current(r); ok {
		http.Redirect(w, r, "/pratiche", http.StatusSeeOther)
		return
	}
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}
