package main

import (
	"context"
	"errors"
	"net/http"

	"github.com/sportello/sportello/auth"
	"github.com/sportello/sportello/payment"
	"github.com/sportello/sportello/practice"
	"github.com/sportello/sportello/ticket"
)

// badRequest is a request the back office itself refuses (a malformed
// filter, a missing field).
type badRequest struct{ msg string }

func (e *badRequest) Error() string { return e.msg }

// notFound is an unknown record the back office itself looks up.
type notFound struct{ what string }

func (e *notFound) Error() string { return e.what + " non trovato" }

// problem maps err to a status and a message for the operator. Every
// sportello error matches one category sentinel; only the unknown rest is
// a 500, and its text is never shown.
func problem(err error) (int, string) {
	var br *badRequest
	var nf *notFound
	switch {
	case errors.As(err, &br):
		return http.StatusBadRequest, br.msg
	case errors.As(err, &nf):
		return http.StatusNotFound, "Non trovato: " + nf.what + "."
	case errors.Is(err, auth.ErrForbidden):
		return http.StatusForbidden, "Operazione non consentita al tuo profilo (" + err.Error() + ")."
	case isAny(err, practice.ErrNotFound, ticket.ErrNotFound, payment.ErrNotFound, auth.ErrNotFound) || calendarNotFound(err):
		return http.StatusNotFound, "Il documento richiesto non esiste."
	case isAny(err, practice.ErrValidation, ticket.ErrValidation, payment.ErrValidation, auth.ErrValidation) || calendarInvalid(err):
		return http.StatusBadRequest, "Dati non validi: " + err.Error()
	case isAny(err, practice.ErrInvalidTransition, ticket.ErrInvalidTransition, ticket.ErrClosed) || calendarRefused(err):
		return http.StatusConflict, "Azione non possibile nello stato attuale: " + err.Error()
	case isAny(err, practice.ErrConflict, ticket.ErrConflict, payment.ErrConflict, auth.ErrConflict) || calendarConflict(err):
		return http.StatusConflict, "Qualcun altro ha appena modificato questo documento: ricarica la pagina e riprova."
	case isAny(err, practice.ErrUnavailable, ticket.ErrUnavailable, context.DeadlineExceeded) || calendarUnavailable(err):
		return http.StatusServiceUnavailable, "Il servizio è momentaneamente non disponibile: riprova fra poco."
	case errors.Is(err, context.Canceled):
		return 499, "Richiesta annullata."
	}
	return http.StatusInternalServerError, "Si è verificato un errore interno."
}

// isAny reports whether err matches one of targets.
func isAny(err error, targets ...error) bool {
	for _, t := range targets {
		if errors.Is(err, t) {
			return true
		}
	}
	return false
}

// fail renders the error page err calls for, and logs the unexpected ones
// (error text only: sportello's errors carry no personal data).
func (s *server) fail(w http.ResponseWriter, r *http.Request, c *call, err error) {
	status, msg := problem(err)
	if status >= 500 {
		s.log.Error().Err(err).Str("tenant", s.sys.tenant).Str("path", r.URL.Path).Msg("request failed")
	}
	if status == 499 {
		return
	}
	s.renderErrorAs(w, r, c, status, msg)
}

// errorData is the error page.
type errorData struct {
	Status int
	Text   string
}

// renderError renders the error page for a request without a known
// operator.
func (s *server) renderError(w http.ResponseWriter, r *http.Request, status int, msg string) {
	var c *call
	if sess, ok := s.sessions.current(r); ok {
		c = &call{sess: sess, user: sess.username}
	}
	s.renderErrorAs(w, r, c, status, msg)
}

func (s *server) renderErrorAs(w http.ResponseWriter, r *http.Request, c *call, status int, msg string) {
	title := http.StatusText(status)
	switch status {
	case http.StatusBadRequest:
		title = "Richiesta non valida"
	case http.StatusForbidden:
		title = "Operazione non consentita"
	case http.StatusNotFound:
		title = "Pagina non trovata"
	case http.StatusConflict:
		title = "Azione non possibile"
	case http.StatusServiceUnavailable:
		title = "Servizio non disponibile"
	case http.StatusInternalServerError:
		title = "Errore interno"
	}
	s.render(w, r, c, status, "error", page{Title: title, Data: errorData{Status: status, Text: msg}})
}
