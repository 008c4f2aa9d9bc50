// Command backoffice is a small web back office that embeds sportello the
// way a municipal portal would: operators log in (argon2id passwords
// through auth's Desk), browse and work the pratiche, use the help-desk
// portal and, when the calendar wings are present, book appointments on
// behalf of citizens. Pages are rendered on the server with html/template;
// there is no JavaScript.
//
//	go run ./examples/backoffice                 # in-memory stores, demo data
//	go run ./examples/backoffice -pg postgres://...  # PostgreSQL stores
//	go run ./examples/backoffice -selftest       # start, check the main pages, exit
//
// It prints the URL and the demo logins at start and shuts down gracefully
// on SIGINT or SIGTERM.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/rs/zerolog"
)

// options are the command-line flags.
type options struct {
	addr     string
	tenant   string
	pg       string
	selftest bool
	quiet    bool
}

func main() {
	var o options
	flag.StringVar(&o.addr, "addr", "127.0.0.1:8080", "address to listen on")
	flag.StringVar(&o.tenant, "tenant", "comune-di-esempio", "the public body (tenant) this back office serves")
	flag.StringVar(&o.pg, "pg", "", "PostgreSQL URL: keep the data in PostgreSQL instead of memory")
	flag.BoolVar(&o.selftest, "selftest", false, "start on a random port, request the main pages, check their statuses and exit")
	flag.BoolVar(&o.quiet, "quiet", false, "no access log")
	flag.Parse()
	if flag.NArg() > 0 {
		fmt.Fprintln(os.Stderr, "backoffice: unexpected arguments:", flag.Args())
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, o, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "backoffice:", err)
		os.Exit(1)
	}
}

// run builds the system, seeds it, serves until ctx ends (or, with
// -selftest, until the self-test is over) and shuts down gracefully.
func run(ctx context.Context, o options, out io.Writer) error {
	// The log stays closed while the demo data is seeded, so that the
	// welcome message is not buried under the seeding's own log lines.
	logOut := &gate{w: os.Stderr}
	if o.quiet || o.selftest {
		logOut.w = io.Discard
	}
	logger := zerolog.New(zerolog.ConsoleWriter{Out: logOut, TimeFormat: time.TimeOnly, NoColor: true}).Level(zerolog.InfoLevel).With().Timestamp().Logger()

	sys, err := openSystem(ctx, o.tenant, o.pg, &logger)
	if err != nil {
		return err
	}
	defer sys.Close()
	seeded, err := seed(ctx, sys)
	if err != nil {
		return fmt.Errorf("seeding the demo data: %w", err)
	}

	logOut.open.Store(true)
	srv, err := newServer(sys, &logger)
	if err != nil {
		return err
	}
	addr := o.addr
	if o.selftest {
		addr = "127.0.0.1:0"
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	hs := &http.Server{
		Handler:           srv,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       time.Minute,
		WriteTimeout:      time.Minute,
		IdleTimeout:       2 * time.Minute,
	}
	url := "http://" + ln.Addr().String() + "/"
	served := make(chan error, 1)
	go func() { served <- hs.Serve(ln) }()

	chores, stopChores := context.WithCancel(ctx)
	choresDone := make(chan struct{})
	go func() {
		defer close(choresDone)
		sys.RunChores(chores, 5*time.Second)
	}()

	if o.selftest {
		err = selftest(ctx, url, seeded, out)
	} else {
		printWelcome(out, url, o.tenant, seeded)
		select {
		case <-ctx.Done():
			fmt.Fprintln(out, "\nshutting down…")
		case err = <-served:
		}
	}
	stopChores()
	<-choresDone
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if serr := hs.Shutdown(shutdownCtx); serr != nil && err == nil {
		err = serr
	}
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	return err
}

// gate is a writer that drops everything until opened.
type gate struct {
	w    io.Writer
	open atomic.Bool
}

// Write writes p once the gate is open.
func (g *gate) Write(p []byte) (int, error) {
	if !g.open.Load() {
		return len(p), nil
	}
	return g.w.Write(p)
}

// printWelcome tells where the back office listens and who can log in.
func printWelcome(out io.Writer, url, tenant string, s *seeded) {
	fmt.Fprintf(out, "sportello back office for %q listening on %s\n", tenant, url)
	if s == nil || len(s.Logins) == 0 {
		fmt.Fprintln(out, "existing data: log in with the accounts you created")
		return
	}
	fmt.Fprintln(out, "demo logins (password for all:", s.Password+")")
	for _, l := range s.Logins {
		fmt.Fprintf(out, "  %-8s %s\n", l.Username, l.What)
	}
	fmt.Fprintln(out, "stop with Ctrl-C")
}
