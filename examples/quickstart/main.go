// Command quickstart plays sportello's account flows on the embedded
// in-memory store, printing each step:
//
//  1. an installation bootstraps its first administrator;
//  2. the administrator creates a manager;
//  3. the manager creates an operator, who receives a set-password link
//     (never a password), sets a password and logs in;
//  4. a citizen arrives from SPID attributes and meets a service's level;
//  5. a profile is provisioned under a one-provider policy.
//
// Run it with: go run ./examples/quickstart
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"

	"github.com/sportello/sportello/auth"
	"github.com/sportello/sportello/auth/memstore"
)

const tenant = "comune-di-esempio"

// mailbox stands for the host's mailer: it keeps the last link per
// recipient so the demo can "click" it.
type mailbox struct {
	mu    sync.Mutex
	links map[string]string
}

// Notify prints the message and keeps its link.
func (m *mailbox) Notify(_ context.Context, n auth.Notification) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if n.Token != "" {
		m.links[n.Recipient] = n.Token
		fmt.Printf("    ✉  %s to %s: https://portal.example/password?token=%s…\n", n.Kind, n.Recipient, n.Token[:8])
	} else {
		fmt.Printf("    ✉  %s to %s\n", n.Kind, n.Recipient)
	}
	return nil
}

func (m *mailbox) link(to string) string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.links[to]
}

// directory stands for the external login provider of the one-provider
// policy: it knows no one yet, so it creates accounts.
type directory struct{ n int }

// FindAccount finds nobody.
func (d *directory) FindAccount(context.Context, auth.DirectoryQuery) (string, bool, error) {
	return "", false, nil
}

// CreateAccount numbers new accounts per provider.
func (d *directory) CreateAccount(_ context.Context, q auth.DirectoryQuery) (string, error) {
	d.n++
	return fmt.Sprintf("%s-%03d", q.Provider, d.n), nil
}

func main() {
	if err := run(context.Background()); err != nil {
		fmt.Fprintln(os.Stderr, "quickstart:", err)
		os.Exit(1)
	}
}

func step(format string, args ...any) { fmt.Printf("\n▸ "+format+"\n", args...) }

func run(ctx context.Context) error {
	mail := &mailbox{links: map[string]string{}}
	desk, err := auth.New(auth.Config{
		Store:     memstore.New(),
		Notifier:  mail,
		Directory: &directory{},
		Providers: auth.ProviderPolicy{OneProvider: map[string]string{"installers": "sistemi"}},
	})
	if err != nil {
		return err
	}

	step("Bootstrap the first administrator of %q", tenant)
	admin, err := desk.Bootstrap(ctx, tenant, auth.NewOperator{Username: "amministratore", Email: "admin@comune.example"})
	if err != nil {
		return err
	}
	if _, err := desk.SetPassword(ctx, tenant, mail.link("admin@comune.example"), "tre gatti sul tetto di via roma"); err != nil {
		return err
	}
	fmt.Printf("    administrator %s has set a password\n", admin.Username)
	adminAcc, err := desk.Login(ctx, tenant, "amministratore", "tre gatti sul tetto di via roma")
	if err != nil {
		return err
	}
	asAdmin := adminAcc.Principal()

	step("The administrator creates a manager for the registry office")
	manager, err := desk.CreateOperator(ctx, asAdmin, auth.NewOperator{
		Username: "Giulia Bianchi", Email: "g.bianchi@comune.example", Manager: true,
		Services: []string{"residence-change", "id-card"}, Calendars: []string{"registry-desk"}, Offices: []string{"registry"},
	})
	if err != nil {
		return err
	}
	if _, err := desk.SetPassword(ctx, tenant, mail.link("g.bianchi@comune.example"), "giulia sceglie una passphrase"); err != nil {
		return err
	}
	managerAcc, err := desk.Login(ctx, tenant, "g.bianchi@comune.example", "giulia sceglie una passphrase")
	if err != nil {
		return err
	}
	asManager := managerAcc.Principal()
	fmt.Printf("    manager %s: roles %v, services %v\n", manager.Username, manager.Roles, manager.Services)

	step("The manager creates an operator, within her own rights")
	_, err = desk.CreateOperator(ctx, asManager, auth.NewOperator{Username: "Too Far", Email: "far@comune.example", Services: []string{"building-permits"}})
	fmt.Printf("    enabling a service she lacks: %v (forbidden: %t)\n", err, errors.Is(err, auth.ErrForbidden))
	op, err := desk.CreateOperator(ctx, asManager, auth.NewOperator{
		Username: "Marco Verdi", Email: "m.verdi@comune.example", Services: []string{"residence-change"}, Offices: []string{"registry"},
	})
	if err != nil {
		return err
	}
	fmt.Printf("    operator %s created without a password; the link went by e-mail\n", op.Username)

	step("The operator sets a password through the e-mailed link and logs in")
	_, err = desk.SetPassword(ctx, tenant, mail.link("m.verdi@comune.example"), "password")
	fmt.Printf("    %q refused: %v\n", "password", err)
	if _, err := desk.SetPassword(ctx, tenant, mail.link("m.verdi@comune.example"), "verdi marco lavora all'anagrafe"); err != nil {
		return err
	}
	_, err = desk.Login(ctx, tenant, "Marco Verdi", "wrong guess 12345")
	fmt.Printf("    wrong password: %v\n", err)
	opAcc, err := desk.Login(ctx, tenant, "Marco Verdi", "verdi marco lavora all'anagrafe")
	if err != nil {
		return err
	}
	who := opAcc.Principal()
	fmt.Printf("    logged in; may work on residence-change: %t, on id-card: %t, in office registry: %t\n",
		who.CanWorkOnService("residence-change"), who.CanWorkOnService("id-card"), who.InOffice("registry"))

	step("A citizen arrives from SPID")
	id, err := auth.IdentityFromAttributes("spid", auth.LevelL2, auth.Attributes{
		auth.AttrName: "Mario", auth.AttrFamilyName: "Rossi", auth.AttrFiscalNumber: "TINIT-RSSMRA80A01H501U",
		auth.AttrEmail: "mario.rossi@example.org",
	})
	if err != nil {
		return err
	}
	citizen := id.Principal(tenant)
	born, _ := id.FiscalCode.BirthDate(adminAcc.CreatedAt)
	fmt.Printf("    citizen at level %s, born %s in %s\n", citizen.Level, born.Format("02/01/2006"), id.FiscalCode.PlaceCode())
	fmt.Printf("    meets a service requiring L2: %v; one requiring L3: %v\n",
		auth.CheckLevel(citizen, auth.LevelL2), auth.CheckLevel(citizen, auth.LevelL3))

	step("A profile is provisioned under the one-provider policy")
	_, err = desk.ProvisionProfile(ctx, asAdmin, auth.ProfileInput{
		Subject: auth.Subject{ID: "subj-1", Name: "Anna", Surname: "Neri", FiscalCode: "XXXXXXXXXXXXXXXX"},
		Class:   "installers", Email: "anna@installer.example",
	})
	fmt.Printf("    a placeholder codice fiscale: %v\n", err)
	prof, err := desk.ProvisionProfile(ctx, asAdmin, auth.ProfileInput{
		Subject: auth.Subject{ID: "subj-1", Name: "Matteo", Surname: "Martini", FiscalCode: "MRTMTT91D08F205J"},
		Class:   "installers", Email: "matteo@installer.example",
	})
	if err != nil {
		return err
	}
	fmt.Printf("    profile of %s %s on provider %q, associated with account %s\n", prof.Name, prof.Surname, prof.Provider, prof.ProviderAccount)
	_, err = desk.SwitchProvider(ctx, asAdmin, prof.ID, "local")
	fmt.Printf("    switching the class's only provider: %v\n", err)

	step("The host drains the outbox (password-changed notices, registration e-mail)")
	n, err := desk.DeliverNotifications(ctx, tenant, 0)
	if err != nil {
		return err
	}
	fmt.Printf("    %d notifications delivered\n%s\n", n, strings.Repeat("─", 60))
	return nil
}
