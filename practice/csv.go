package practice

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/sportello/sportello/auth"
)

// CSVOptions shape an export.
type CSVOptions struct {
	// Lang is "it" (default) or "en": the headers, the status labels and
	// the paid flag.
	Lang string
	// Location is the zone of the dates (default Europe/Rome).
	Location *time.Location
	// ApplicantField is the form data key holding the applicant's name
	// (default "applicant"); empty in the export when absent.
	ApplicantField string
	// Fields are extra columns taken from the form data of the pratiche
	// (normally those of one service), one per key, headed by the key.
	Fields []string
}

// csvHeaders are the fixed columns, per language.
var csvHeaders = map[string][]string{
	"it": {"ID", "Numero di protocollo", "Login", "Pagato", "Richiedente", "Codice fiscale", "Data di invio",
		"Ultimo cambio di stato", "Stato", "Operatore", "Servizio"},
	"en": {"ID", "Protocol number", "Login", "Paid", "Applicant", "Codice fiscale", "Submitted",
		"Last status change", "Status", "Operator", "Service"},
}

// csvDate formats t as dd/mm/yyyy hh:mm:ss in loc; empty for the zero time.
func csvDate(t time.Time, loc *time.Location) string {
	if t.IsZero() {
		return ""
	}
	return t.In(loc).Format("02/01/2006 15:04:05")
}

// csvCell neutralizes values a spreadsheet would run as a formula.
func csvCell(s string) string {
	if s != "" {
		switch s[0] {
		case '=', '+', '-', '@', '\t', '\r':
			return "'" + s
		}
	}
	return s
}

// csvValue renders a form value.
func csvValue(v any) string {
	switch t := v.(type) {
	case nil:
		return ""
	case string:
		return t
	case float64:
		return strconv.FormatFloat(t, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(t)
	}
	b, err := json.Marshal(v)
	if err != nil {
		return ""
	}
	return string(b)
}

// CSVRow returns the export row of p (pure): the fixed columns, then opt's
// Fields. serviceName is shown in the service column.
func CSVRow(p *Practice, serviceName string, opt CSVOptions) []string {
	opt = opt.withDefaults()
	paid := "no"
	if paymentMade(p) {
		paid = map[string]string{"it": "si", "en": "yes"}[opt.Lang]
	}
	applicant := ""
	if v, ok := p.Data[opt.ApplicantField]; ok {
		applicant = csvValue(v)
	}
	row := []string{
		string(p.ID), p.ProtocolNumber, p.Owner.Provider, paid, applicant, p.Owner.FiscalCode,
		csvDate(p.SubmittedAt, opt.Location), csvDate(p.LastStatusChange(), opt.Location),
		p.Status.Label(opt.Lang), p.Assignee, serviceName,
	}
	for _, f := range opt.Fields {
		row = append(row, csvValue(p.Data[f]))
	}
	for i := range row {
		row[i] = csvCell(row[i])
	}
	return row
}

// rome is the default zone of the dates, loaded once (UTC when the system
// has no zone database).
var rome = sync.OnceValue(func() *time.Location {
	loc, err := time.LoadLocation("Europe/Rome")
	if err != nil {
		return time.UTC
	}
	return loc
})

// withDefaults fills o's zero fields with the documented defaults.
func (o CSVOptions) withDefaults() CSVOptions {
	if o.Lang != "en" {
		o.Lang = "it"
	}
	if o.Location == nil {
		o.Location = rome()
	}
	if o.ApplicantField == "" {
		o.ApplicantField = "applicant"
	}
	return o
}

// ExportCSV writes the pratiche matching q that who may see to w as CSV
// for spreadsheets in Italian locales: a UTF-8 byte order mark, ';' as
// separator, CRLF line ends, a header row, then one row per pratica
// (CSVRow), streamed a store page at a time. It returns the number of
// rows written (header excluded).
func (d *Desk) ExportCSV(ctx context.Context, who auth.Principal, q OfficeQuery, w io.Writer, opt CSVOptions) (int, error) {
	opt = opt.withDefaults()
	bw := bufio.NewWriter(w)
	if _, err := bw.WriteString("\uFEFF"); err != nil {
		return 0, err
	}
	cw := csv.NewWriter(bw)
	cw.Comma = ';'
	cw.UseCRLF = true
	if err := cw.Write(slices.Concat(csvHeaders[opt.Lang], opt.Fields)); err != nil {
		return 0, err
	}
	names := map[string]string{}
	n := 0
	for p, err := range d.Iterate(ctx, who, q) {
		if err != nil {
			return n, err
		}
		name, ok := names[p.Service]
		if !ok {
			name = p.Service
			if svc, err := d.store.GetService(ctx, p.Tenant, p.Service); err == nil {
				name = svc.Name
			}
			names[p.Service] = name
		}
		if err := cw.Write(CSVRow(p, name, opt)); err != nil {
			return n, err
		}
		n++
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return n, fmt.Errorf("practice: csv: %w", err)
	}
	return n, bw.Flush()
}
