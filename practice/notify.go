package practice

// citizenNotified reports whether entering s notifies the owner: 1000,
// 1500, 1510, 1520, 1530, 1900, 2000, 3000, 4000 (only if configured),
// 7000, 9000, 20000, 50000; never 4100–4500, 6000, 8000.
func citizenNotified(s Status) bool {
	switch s {
	case StatusDraft, StatusPaymentPending, StatusPaymentOutcomePending, StatusPaymentSuccess,
		StatusPaymentError, StatusPreSubmit, StatusSubmitted, StatusRegistered, StatusPending,
		StatusComplete, StatusCancelled, StatusWithdrawn, StatusRevoked:
		return true
	}
	return false
}

// Notifications returns the notifications p entering status to causes,
// without IDs and creation times: the citizen's (with the service's
// template for the status) and, on 2000 and 3000, the operators enabled
// for the service. A template that is present but not active suppresses
// the citizen's notification; 4000 notifies only with an active template,
// and only the first time the pratica enters it (p.History must not yet
// hold the entry of this change). Pure.
func Notifications(svc *Service, p *Practice, to Status) []Notification {
	var out []Notification
	if citizenNotified(to) && p.Owner.ID != "" {
		tpl, ok := svc.Templates[to]
		send := !ok || tpl.Active
		if to == StatusPending {
			send = ok && tpl.Active && !enteredBefore(p, StatusPending)
		}
		if send {
			out = append(out, Notification{
				Tenant: p.Tenant, Kind: NotifyCitizenStatus, Practice: p.ID, Service: p.Service,
				Status: to, Recipient: p.Owner.ID, Subject: tpl.Subject, Body: tpl.Body,
			})
		}
	}
	if to == StatusSubmitted || to == StatusRegistered {
		out = append(out, Notification{
			Tenant: p.Tenant, Kind: NotifyOperatorsNew, Practice: p.ID, Service: p.Service, Status: to,
		})
	}
	return out
}

// enteredBefore reports whether p's history shows it entering s.
func enteredBefore(p *Practice, s Status) bool {
	for _, h := range p.History {
		if h.To == s && h.From != s {
			return true
		}
	}
	return false
}
