package main

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// chromiumPath is Debian's chromium, which .ci/run installs.
const chromiumPath = "/usr/bin/chromium"

// screenshotsEnv names a directory that receives the screenshots too.
const screenshotsEnv = "SPORTELLO_SCREENSHOTS"

// browserRun is one headless Chromium session on a test app.
type browserRun struct {
	t        *testing.T
	ctx      context.Context
	app      *testApp
	shots    []string // screenshot directories
	download string   // download directory

	mu       sync.Mutex
	problems []string // console errors, exceptions, 5xx responses
}

// newBrowser starts headless Chromium with a fresh profile, or skips the
// test when Chromium is not installed.
func newBrowser(t *testing.T, app *testApp) *browserRun {
	t.Helper()
	if _, err := os.Stat(chromiumPath); err != nil {
		t.Skipf("%s is not installed (apt-get install chromium chromium-driver): skipping the browser test", chromiumPath)
	}
	profile, err := os.MkdirTemp("", "backoffice-chromium-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		// Chromium's children may still write for a moment after it stops.
		for range 50 {
			if os.RemoveAll(profile) == nil {
				return
			}
			time.Sleep(100 * time.Millisecond)
		}
	})
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(chromiumPath),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("lang", "it-IT"),
		chromedp.UserDataDir(profile),
		chromedp.WindowSize(1280, 900),
	)
	ctx, cancelCtx := chromedp.NewContext(allocCtx)
	t.Cleanup(func() {
		cancelCtx()
		cancelAlloc()
	})
	b := &browserRun{t: t, ctx: ctx, app: app, shots: []string{t.TempDir()}, download: t.TempDir()}
	if dir := os.Getenv(screenshotsEnv); dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		b.shots = append(b.shots, dir)
	}
	if err := chromedp.Do(ctx); err != nil { // starts the browser, with no timeout
		t.Fatalf("starting %s: %v", chromiumPath, err)
	}
	if err := chromedp.Listen(ctx, b.watch); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
		Behavior: browser.SetDownloadBehaviorBehaviorAllowAndName, DownloadPath: b.download, EventsEnabled: ptr(true),
	}); err != nil {
		t.Fatal(err)
	}
	return b
}

func ptr[T any](v T) *T { return &v }

// watch records every console error, uncaught exception, browser log
// error and 5xx response. It runs in the tab's event loop: no commands.
func (b *browserRun) watch(ev any) {
	var problem string
	switch ev := ev.(type) {
	case *runtime.EventConsoleAPICalled:
		if ev.Type == runtime.ConsoleAPICalledTypeError || ev.Type == runtime.ConsoleAPICalledTypeAssert {
			problem = fmt.Sprintf("console.%s", ev.Type)
		}
	case *runtime.EventExceptionThrown:
		problem = "exception: " + ev.ExceptionDetails.Text
	case *log.EventEntryAdded:
		if ev.Entry.Level == log.EntryLevelError {
			problem = fmt.Sprintf("browser log: %s (%s)", ev.Entry.Text, ev.Entry.URL)
		}
	case *network.EventResponseReceived:
		if ev.Response.Status >= 500 {
			problem = fmt.Sprintf("HTTP %d for %s", ev.Response.Status, ev.Response.URL)
		}
	}
	if problem != "" {
		b.mu.Lock()
		b.problems = append(b.problems, problem)
		b.mu.Unlock()
	}
}

// check fails the test on any problem the browser reported so far.
func (b *browserRun) check(step string) {
	b.t.Helper()
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(b.problems) > 0 {
		b.t.Fatalf("%s: the browser reported: %s", step, strings.Join(b.problems, "; "))
	}
}

// step runs actions with a timeout and fails the test on error.
func (b *browserRun) step(name string, actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		b.t.Fatalf("%s: %v", name, err)
	}
	b.check(name)
}

// open navigates to path and checks the response's status.
func (b *browserRun) open(path string, want int64) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	resp, err := chromedp.Run(ctx, chromedp.NavigateResponse(b.app.srv.URL+path))
	if err != nil {
		b.t.Fatalf("open %s: %v", path, err)
	}
	if resp.Status != want {
		b.t.Fatalf("open %s: status %d, want %d", path, resp.Status, want)
	}
	b.check("open " + path)
}

// submit clicks sel (a submit button or a link) and waits for the page it
// leads to, which must answer want.
func (b *browserRun) submit(name string, sel chromedp.CSS, want int64) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	resp, err := chromedp.RunResponse(ctx, chromedp.Click(sel))
	if err != nil {
		b.t.Fatalf("%s: %v", name, err)
	}
	if resp.Status != want {
		b.t.Fatalf("%s: status %d, want %d", name, resp.Status, want)
	}
	b.check(name)
}

// text returns the text of the first element sel matches.
func (b *browserRun) text(sel chromedp.CSS) string {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.Text(sel))
	if err != nil {
		b.t.Fatalf("text of %s: %v", sel, err)
	}
	return s
}

// expect fails unless the element sel holds want.
func (b *browserRun) expect(sel chromedp.CSS, want string) {
	b.t.Helper()
	if got := b.text(sel); !strings.Contains(got, want) {
		b.t.Fatalf("%s shows %q, want it to contain %q", sel, got, want)
	}
}

// screenshot saves a full-page PNG of the current page as name.png.
func (b *browserRun) screenshot(name string) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		b.t.Fatalf("screenshot %s: %v", name, err)
	}
	for _, dir := range b.shots {
		if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
			b.t.Fatal(err)
		}
	}
}

// accessible checks the page in the browser: every visible form control
// has a label, there is one h1 and headings never skip a level, and the
// first Tab stop is the skip link.
func (b *browserRun) accessible(page string) {
	b.t.Helper()
	const script = `(() => {
		const out = [];
		for (const el of document.querySelectorAll('input, select, textarea')) {
			if (el.type === 'hidden') continue;
			if (!el.labels || el.labels.length === 0) out.push('no label: ' + (el.name || el.id));
		}
		let level = 0, h1 = 0;
		for (const h of document.querySelectorAll('h1, h2, h3, h4, h5, h6')) {
			const n = Number(h.tagName[1]);
			if (n === 1) h1++;
			if (n > level + 1) out.push('h' + n + ' after h' + level + ': ' + h.textContent.trim());
			level = n;
		}
		if (h1 !== 1) out.push(h1 + ' h1 headings');
		return out;
	})()`
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	issues, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](script))
	if err != nil {
		b.t.Fatalf("%s: %v", page, err)
	}
	if len(issues) > 0 {
		b.t.Errorf("%s: accessibility: %s", page, strings.Join(issues, "; "))
	}
	if err := chromedp.Do(ctx, chromedp.KeyEvent("\t")); err != nil {
		b.t.Fatal(err)
	}
	focused, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.activeElement.className`))
	if err != nil {
		b.t.Fatal(err)
	}
	if focused != "skip" {
		b.t.Errorf("%s: the first Tab stop is %q, want the skip link", page, focused)
	}
	if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](`document.activeElement.blur()`)); err != nil {
		b.t.Fatal(err)
	}
}

// downloadVia clicks the link sel and returns the downloaded file.
func (b *browserRun) downloadVia(sel chromedp.CSS) []byte {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	progress := chromedp.Events(ctx, browser.DownloadProgress)
	if err := chromedp.Do(ctx, chromedp.Click(sel)); err != nil {
		b.t.Fatalf("download %s: %v", sel, err)
	}
	for ev, err := range progress {
		if err != nil {
			b.t.Fatalf("download %s: %v", sel, err)
		}
		switch ev.State {
		case browser.DownloadProgressStateCompleted:
			data, err := os.ReadFile(filepath.Join(b.download, ev.GUID))
			if err != nil {
				b.t.Fatal(err)
			}
			b.check("download " + string(sel))
			return data
		case browser.DownloadProgressStateCanceled:
			b.t.Fatalf("download %s was cancelled", sel)
		}
	}
	b.t.Fatalf("download %s: no progress", sel)
	return nil
}

func TestBackOfficeInABrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("the browser test is not short")
	}
	app := newTestApp(t, false)
	b := newBrowser(t, app)

	// Log in.
	b.open("/", 200)
	b.accessible("login")
	b.screenshot("01-login")
	b.step("type the credentials",
		chromedp.SendKeys(chromedp.ID("username"), "anna"),
		chromedp.SendKeys(chromedp.ID("password"), demoPassword))
	b.submit("log in", `form[action="/login"] button[type=submit]`, 200)
	b.expect("h1", "Pratiche")
	b.expect("header .who", "anna")
	b.accessible("list")
	b.screenshot("02-list")

	// Filter the list: the acquired pratiche of one service.
	b.step("choose the filters",
		chromedp.SetValue(chromedp.ID("f-servizio"), "suolo-pubblico"),
		chromedp.SetValue(chromedp.ID("f-stato"), "2000"))
	b.submit("filter", `form.filters button[type=submit]`, 200)
	rows := b.text("table tbody")
	if !strings.Contains(rows, "Occupazione di suolo pubblico") || strings.Contains(rows, "Passo carrabile") {
		t.Fatalf("the filtered list shows other services: %q", rows)
	}
	for _, line := range strings.Split(rows, "\n") {
		if strings.Contains(line, "Acquisita") != strings.Contains(line, "2000") {
			t.Fatalf("a row of another status: %q", line)
		}
	}
	b.screenshot("03-list-filtered")

	// Open the first pratica, take it in charge, accept it.
	b.submit("open the first pratica", `table tbody tr:first-child a`, 200)
	b.expect(".facts", "2000 Acquisita")
	b.accessible("pratica")
	loc, err := chromedp.Run(b.ctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	id := loc[strings.LastIndex(loc, "/")+1:]
	b.submit("take it in charge", `form[action$="/take_in_charge"] button`, 200)
	b.expect(".flash", "Pratica presa in carico.")
	b.expect(".facts", "4000 Presa in carico")
	b.expect(".facts", "anna")
	b.step("open the accept form", chromedp.Click(chromedp.CSS(`details:has(form[action$="/accept"]) summary`)))
	b.screenshot("04-pratica-in-charge")
	b.step("write the motivation", chromedp.SendKeys(chromedp.ID("accept-motivazione"), "Concessa: occupazione compatibile con la viabilità."))
	b.submit("accept", `form[action$="/accept"] button[type=submit]`, 200)
	b.expect(".flash", "Pratica accettata.")
	b.expect(".facts", "7000 Accettata")
	b.expect("#history-title + table", "accept")
	b.screenshot("05-pratica-accepted")

	b.calendarSteps(id)

	// Download the CSV of the service's accepted pratiche and read it.
	b.open("/pratiche?servizio=suolo-pubblico&stato=7000", 200)
	csv := string(b.downloadVia(`a[href^="/pratiche.csv"]`))
	if !strings.HasPrefix(csv, "\uFEFFID;Numero di protocollo;Login;Pagato;Richiedente;Codice fiscale;") {
		t.Fatalf("the CSV starts with %.80q", csv)
	}
	var row string
	for _, l := range strings.Split(csv, "\r\n") {
		if strings.HasPrefix(l, id+";") {
			row = l
		}
	}
	anna, err := app.sys.authStore.FindAccount(context.Background(), app.sys.tenant, "anna")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(row, ";Accettata;"+anna.ID+";Occupazione di suolo pubblico") {
		t.Fatalf("the CSV row of the accepted pratica is %q", row)
	}

	// File a help-desk request with an attachment.
	b.open("/helpdesk", 200)
	b.accessible("help desk")
	b.screenshot("07-helpdesk")
	b.submit("choose a service in the mosaic", `.mosaic li:nth-child(2) a`, 200)
	b.expect("h1", "Postazioni di lavoro")
	b.expect("h1", "Nuova richiesta")
	b.accessible("new request")
	attachment := filepath.Join(t.TempDir(), "errore.txt")
	if err := os.WriteFile(attachment, []byte("Schermata di errore: codice 0x42 al passo 3.\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	b.step("fill in the request",
		chromedp.SendKeys(chromedp.ID("r-titolo"), "Il PC dell'ufficio non si accende"),
		chromedp.SendKeys(chromedp.ID("r-descrizione"), "Da stamattina il PC della postazione 4 resta spento."),
		chromedp.SetValue(chromedp.ID("r-urgenza"), "high"),
		chromedp.SetUploadFiles(chromedp.ID("r-allegato"), []string{attachment}))
	b.screenshot("08-request-form")
	b.submit("send the request", `form[action="/helpdesk/richieste"] button[type=submit]`, 200)
	b.expect(".flash", "inviata con l'allegato")
	b.expect("h1", "Il PC dell'ufficio non si accende")
	b.expect("#att-title + ul", "errore.txt")
	b.accessible("request")
	b.step("write a comment", chromedp.SendKeys(chromedp.ID("commento"), "Aggiungo: la spia dell'alimentatore è spenta."))
	b.submit("comment", `form[action$="/commento"] button[type=submit]`, 200)
	b.expect(".messages", "spia dell'alimentatore")
	b.step("name a colleague", chromedp.SendKeys(chromedp.ID("utente"), "carla"))
	b.submit("add a contact", `form[action$="/contatti"] button[type=submit]`, 200)
	b.expect(".contacts", "carla")
	b.screenshot("09-request")
	b.open("/helpdesk", 200)
	b.expect("#mine-title + ul", "Il PC dell'ufficio non si accende")

	// Log out.
	b.submit("log out", `form.logout button[type=submit]`, 200)
	b.expect("h1", "Uscita effettuata")
	b.open("/pratiche", 200)
	b.expect("h1", "Accesso operatori")
	b.check("the end")
}

// pngSignature starts every PNG file.
var pngSignature = []byte("\x89PNG\r\n\x1a\n")

func TestScreenshotIsAPNG(t *testing.T) {
	data, err := os.ReadFile("screenshot.png")
	if err != nil {
		t.Skip("no screenshot.png yet")
	}
	if !bytes.HasPrefix(data, pngSignature) {
		t.Fatal("screenshot.png is not a PNG file")
	}
}

// TestBrowserWatchCatchesErrors makes sure the browser test would notice
// what it must fail on: a console error, an uncaught exception and a 5xx.
func TestBrowserWatchCatchesErrors(t *testing.T) {
	if testing.Short() {
		t.Skip("the browser test is not short")
	}
	bad := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/broken" {
			http.Error(w, "boom", http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, `<!doctype html><title>t</title><script>console.error("bad"); null.x;</script><img src="/broken" alt="">`)
	}))
	defer bad.Close()
	b := newBrowser(t, &testApp{srv: bad})
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.Navigate(bad.URL), chromedp.Sleep(500*time.Millisecond)); err != nil {
		t.Fatal(err)
	}
	b.mu.Lock()
	got := strings.Join(b.problems, "; ")
	b.mu.Unlock()
	for _, want := range []string{"console.error", "exception", "HTTP 500"} {
		if !strings.Contains(got, want) {
			t.Errorf("the watch missed %q; it saw: %s", want, got)
		}
	}
}
