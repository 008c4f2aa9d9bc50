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
	// Office adds the assigned office's column ("Ufficio", "Office")
	// after the service, for bulk changes of office through ApplyCSV.
	Office bool
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
	r := ExportRow{Summary: p.Summary(), Values: make([]any, 0, 1+len(opt.Fields))}
	for _, k := range opt.keys() {
		r.Values = append(r.Values, p.Data[k])
	}
	return appendCSVRow(nil, r, serviceName, opt)
}

// keys are the form data keys an export reads: the applicant's, then
// Fields.
func (o CSVOptions) keys() []string { return append([]string{o.ApplicantField}, o.Fields...) }

// paidLabel returns the paid column's value in lang ("it" or "en").
func paidLabel(paid bool, lang string) string {
	switch {
	case !paid:
		return "no"
	case lang == "en":
		return "yes"
	}
	return "si"
}

// appendCSVRow appends the export row of r to row[:0] (pure; opt has its
// defaults and r.Values follow opt.keys()). The applicant column shows
// the owner's name, or the applicant field of the form data when the
// host gave none.
func appendCSVRow(row []string, r ExportRow, serviceName string, opt CSVOptions) []string {
	paid := paidLabel(r.Paid, opt.Lang)
	applicant := r.Owner.Name
	if applicant == "" && len(r.Values) > 0 {
		applicant = csvValue(r.Values[0])
	}
	row = append(row[:0],
		string(r.ID), r.ProtocolNumber, r.Owner.Provider, paid, applicant, r.Owner.FiscalCode,
		csvDate(r.SubmittedAt, opt.Location), csvDate(r.LastChange, opt.Location),
		r.Status.Label(opt.Lang), r.Assignee, serviceName,
	)
	if opt.Office {
		row = append(row, r.Office)
	}
	for i := range opt.Fields {
		var v any
		if i+1 < len(r.Values) {
			v = r.Values[i+1]
		}
		row = append(row, csvValue(v))
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
// (CSVRow), streamed in one pass over the store (Export): memory does
// not grow with the number of rows. It returns the number of rows
// written (header excluded).
func (d *Desk) ExportCSV(ctx context.Context, who auth.Principal, q OfficeQuery, w io.Writer, opt CSVOptions) (int, error) {
	opt = opt.withDefaults()
	bw := bufio.NewWriterSize(w, 64<<10)
	if _, err := bw.WriteString("\uFEFF"); err != nil {
		return 0, err
	}
	cw := csv.NewWriter(bw)
	cw.Comma = ';'
	cw.UseCRLF = true
	header := slices.Clone(csvHeaders[opt.Lang])
	if opt.Office {
		header = append(header, map[string]string{"it": "Ufficio", "en": "Office"}[opt.Lang])
	}
	if err := cw.Write(slices.Concat(header, opt.Fields)); err != nil {
		return 0, err
	}
	names := map[string]string{}
	var row []string
	n := 0
	lastID, lastName := "", ""
	for r, err := range d.Export(ctx, who, q, opt.keys()) {
		if err != nil {
			return n, err
		}
		name, ok := lastName, r.Service == lastID && n > 0
		if !ok {
			name, ok = names[r.Service]
		}
		if !ok {
			name = r.Service
			if svc, err := d.store.GetService(ctx, who.Tenant, r.Service); err == nil {
				name = svc.Name
			}
			names[r.Service] = name
		}
		lastID, lastName = r.Service, name
		row = appendCSVRow(row, r, name, opt)
		if err := cw.Write(row); err != nil {
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
