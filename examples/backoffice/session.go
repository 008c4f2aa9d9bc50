package main

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/sportello/sportello/auth"
)

// sessionCookie names the session cookie.
const sessionCookie = "sportello_session"

// session is one browser's state on the server: the CSRF token of its
// forms, and once logged in the operator's account and the credentials
// version it logged in with (a password change ends the session).
type session struct {
	id          string
	csrf        string
	accountID   string
	username    string
	credentials int64
	flash       string
	expires     time.Time
}

// sessions keeps the sessions in memory; a restart logs everybody out.
type sessions struct {
	ttl time.Duration

	mu sync.Mutex
	m  map[string]*session
}

func newSessions(ttl time.Duration) *sessions {
	return &sessions{ttl: ttl, m: map[string]*session{}}
}

// randomToken returns 32 random bytes, URL-safe base64.
func randomToken() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// start makes a new session (anonymous until login) and sets its cookie.
func (ss *sessions) start(w http.ResponseWriter, r *http.Request) *session {
	s := &session{id: randomToken(), csrf: randomToken(), expires: time.Now().Add(ss.ttl)}
	ss.mu.Lock()
	now := time.Now()
	for id, old := range ss.m { // drop the expired ones now and then
		if now.After(old.expires) {
			delete(ss.m, id)
		}
	}
	ss.m[s.id] = s
	ss.mu.Unlock()
	http.SetCookie(w, &http.Cookie{
		Name: sessionCookie, Value: s.id, Path: "/", HttpOnly: true, Secure: r.TLS != nil,
		SameSite: http.SameSiteLaxMode, MaxAge: int(ss.ttl / time.Second),
	})
	return s
}

// get returns the request's session, anonymous or not.
func (ss *sessions) get(r *http.Request) (*session, bool) {
	ck, err := r.Cookie(sessionCookie)
	if err != nil {
		return nil, false
	}
	ss.mu.Lock()
	defer ss.mu.Unlock()
	s, ok := ss.m[ck.Value]
	if !ok {
		return nil, false
	}
	if time.Now().After(s.expires) {
		delete(ss.m, s.id)
		return nil, false
	}
	s.expires = time.Now().Add(ss.ttl)
	return s, true
}

// current returns the request's session when an operator is logged in.
func (ss *sessions) current(r *http.Request) (*session, bool) {
	s, ok := ss.get(r)
	if !ok || s.accountID == "" {
		return nil, false
	}
	return s, true
}

// end deletes the session and its cookie.
func (ss *sessions) end(w http.ResponseWriter, r *http.Request, s *session) {
	ss.mu.Lock()
	delete(ss.m, s.id)
	ss.mu.Unlock()
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", HttpOnly: true, Secure: r.TLS != nil,
		SameSite: http.SameSiteLaxMode, MaxAge: -1})
}

// setFlash leaves a message for the next page of s.
func (ss *sessions) setFlash(s *session, msg string) {
	ss.mu.Lock()
	s.flash = msg
	ss.mu.Unlock()
}

// takeFlash returns and clears the message left for s.
func (ss *sessions) takeFlash(s *session) string {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	msg := s.flash
	s.flash = ""
	return msg
}

// checkCSRF checks the form's token against the session's, in constant
// time; a missing or wrong token is a 403 page.
func (s *server) checkCSRF(w http.ResponseWriter, r *http.Request, sess *session) bool {
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		r.Body = http.MaxBytesReader(w, r.Body, maxUpload+1<<20)
		if err := r.ParseMultipartForm(1 << 20); err != nil {
			s.renderError(w, r, http.StatusBadRequest, "Il modulo inviato non è leggibile o il file è troppo grande.")
			return false
		}
	} else {
		r.Body = http.MaxBytesReader(w, r.Body, 1<<20)
	}
	got := r.PostFormValue("csrf")
	if got == "" || subtle.ConstantTimeCompare([]byte(got), []byte(sess.csrf)) != 1 {
		s.renderError(w, r, http.StatusForbidden, "Il modulo è scaduto o non proviene da questa applicazione: ricarica la pagina e riprova.")
		return false
	}
	return true
}

// authenticate returns the logged-in operator of r, reading the account
// again so that a disabled account or a changed password ends the session.
// Without one it redirects to the login page.
func (s *server) authenticate(w http.ResponseWriter, r *http.Request) (*call, bool) {
	sess, ok := s.sessions.current(r)
	if !ok {
		http.Redirect(w, r, "/login", http.StatusSeeOther)
		return nil, false
	}
	a, err := s.sys.authStore.GetAccount(r.Context(), s.sys.tenant, sess.accountID)
	if err != nil && !errors.Is(err, auth.ErrNotFound) {
		s.fail(w, r, nil, err)
		return nil, false
	}
	if a == nil || a.Disabled || a.CredentialsVersion != sess.credentials {
		s.sessions.end(w, r, sess)
		http.Redirect(w, r, "/login", http.StatusSeeOther)
		return nil, false
	}
	return &call{sess: sess, who: a.Principal(), user: a.Username}, true
}

// loginData is the login form.
type loginData struct {
	Username string
}

// loginPage shows the login form, starting an anonymous session for its
// CSRF token.
func (s *server) loginPage(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.sessions.current(r); ok {
		http.Redirect(w, r, "/pratiche", http.StatusSeeOther)
		return
	}
	sess, ok := s.sessions.get(r)
	if !ok {
		sess = s.sessions.start(w, r)
	}
	s.render(w, r, nil, http.StatusOK, "login", page{Title: "Accesso operatori", CSRF: sess.csrf, Data: loginData{}})
}

// login checks the credentials through auth's Desk and, on success,
// replaces the anonymous session with a new one (no session fixation).
func (s *server) login(w http.ResponseWriter, r *http.Request) {
	sess, ok := s.sessions.get(r)
	if !ok {
		s.renderError(w, r, http.StatusForbidden, "La sessione è scaduta: ricarica la pagina di accesso e riprova.")
		return
	}
	if !s.checkCSRF(w, r, sess) {
		return
	}
	username := strings.TrimSpace(r.PostFormValue("username"))
	a, err := s.sys.auth.Login(r.Context(), s.sys.tenant, username, r.PostFormValue("password"))
	if err != nil {
		status, msg := http.StatusUnauthorized, "Nome utente o password non corretti."
		var th *auth.ThrottledError
		switch {
		case errors.As(err, &th):
			status, msg = http.StatusTooManyRequests, "Troppi tentativi non riusciti: riprova fra qualche minuto."
		case !errors.Is(err, auth.ErrInvalidCredentials):
			s.fail(w, r, nil, err)
			return
		}
		s.render(w, r, nil, status, "login", page{Title: "Accesso operatori", CSRF: sess.csrf, Alert: msg,
			Data: loginData{Username: username}})
		return
	}
	s.sessions.end(w, r, sess)
	next := s.sessions.start(w, r)
	s.sessions.mu.Lock()
	next.accountID, next.username, next.credentials = a.ID, a.Username, a.CredentialsVersion
	s.sessions.mu.Unlock()
	s.log.Info().Str("tenant", s.sys.tenant).Str("account_id", a.ID).Msg("login")
	http.Redirect(w, r, "/pratiche", http.StatusSeeOther)
}

// logout ends the session.
func (s *server) logout(w http.ResponseWriter, r *http.Request, c *call) error {
	s.sessions.end(w, r, c.sess)
	s.render(w, r, nil, http.StatusOK, "loggedout", page{Title: "Uscita effettuata"})
	return nil
}
