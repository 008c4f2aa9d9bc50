package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/rs/zerolog"
)

// testApp is a back office on seeded in-memory stores behind an
// httptest server that records every 5xx it answers.
type testApp struct {
	t    testing.TB
	sys  *system
	seed *seeded
	srv  *httptest.Server
	logs *syncBuffer

	mu      sync.Mutex
	errors5 []string
}

// syncBuffer is a bytes.Buffer safe for concurrent writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// newTestApp starts a seeded back office; tls serves it over HTTPS.
func newTestApp(t testing.TB, tls bool) *testApp {
	t.Helper()
	a := &testApp{t: t, logs: &syncBuffer{}}
	logger := zerolog.New(a.logs)
	ctx := context.Background()
	sys, err := openSystem(ctx, "comune-di-prova", "", &logger)
	if err != nil {
		t.Fatal(err)
	}
	a.sys = sys
	if a.seed, err = seed(ctx, sys); err != nil {
		t.Fatal(err)
	}
	srv, err := newServer(sys, &logger)
	if err != nil {
		t.Fatal(err)
	}
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		srv.ServeHTTP(rec, r)
		if rec.status >= 500 {
			a.mu.Lock()
			a.errors5 = append(a.errors5, r.Method+" "+r.URL.Path)
			a.mu.Unlock()
		}
	})
	if tls {
		a.srv = httptest.NewTLSServer(h)
	} else {
		a.srv = httptest.NewServer(h)
	}
	t.Cleanup(func() {
		a.srv.Close()
		sys.Close()
		a.mu.Lock()
		defer a.mu.Unlock()
		if len(a.errors5) > 0 {
			t.Errorf("the server answered 5xx to: %s", strings.Join(a.errors5, ", "))
		}
	})
	return a
}

// client is a browser stand-in: a cookie jar and no redirects followed
// unless follow.
type client struct {
	t      testing.TB
	app    *testApp
	http   *http.Client
	csrf   string
	follow bool
}

// newClient returns a client of the app that follows redirects.
func (a *testApp) newClient() *client {
	jar, err := cookiejar.New(nil)
	if err != nil {
		a.t.Fatal(err)
	}
	hc := a.srv.Client()
	hc.Jar = jar
	c := &client{t: a.t, app: a, http: hc, follow: true}
	hc.CheckRedirect = func(*http.Request, []*http.Request) error {
		if c.follow {
			return nil
		}
		return http.ErrUseLastResponse
	}
	return c
}

// get requests path and returns the status and body; it remembers the
// page's CSRF token.
func (c *client) get(path string) (int, string) {
	c.t.Helper()
	resp, err := c.http.Get(c.app.srv.URL + path)
	if err != nil {
		c.t.Fatal(err)
	}
	return c.read(resp)
}

// post submits form to path.
func (c *client) post(path string, form url.Values) (int, string) {
	c.t.Helper()
	resp, err := c.http.PostForm(c.app.srv.URL+path, form)
	if err != nil {
		c.t.Fatal(err)
	}
	return c.read(resp)
}

func (c *client) read(resp *http.Response) (int, string) {
	c.t.Helper()
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		c.t.Fatal(err)
	}
	if m := csrfField.FindSubmatch(b); m != nil {
		c.csrf = string(m[1])
	}
	return resp.StatusCode, string(b)
}

// login logs in as username with the demo password.
func (c *client) login(username string) {
	c.t.Helper()
	c.get("/login")
	code, body := c.post("/login", url.Values{"csrf": {c.csrf}, "username": {username}, "password": {demoPassword}})
	if code != http.StatusOK || !strings.Contains(body, "<h1>Pratiche</h1>") {
		c.t.Fatalf("login as %s: status %d", username, code)
	}
}
