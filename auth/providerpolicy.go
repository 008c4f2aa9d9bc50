package auth

import (
	"errors"
	"slices"
	"strings"
)

// ProviderPolicy says which login providers each class of users may use
// (a one-provider policy: "for all users of this class the only allowed provider
// is X").
type ProviderPolicy struct {
	// OneProvider maps a user class to the only provider it may use.
	OneProvider map[string]string
	// Providers lists the providers classes without an entry in OneProvider
	// may use. Empty means any non-empty provider name.
	Providers []string
}

func (p ProviderPolicy) validate() error {
	for class, prov := range p.OneProvider {
		if strings.TrimSpace(class) == "" || strings.TrimSpace(prov) == "" {
			return errors.New("auth: ProviderPolicy.OneProvider has an empty class or provider")
		}
	}
	return nil
}

// Allowed reports whether users of class may log in through provider.
func (p ProviderPolicy) Allowed(class, provider string) bool {
	if provider == "" {
		return false
	}
	if only, ok := p.OneProvider[class]; ok {
		return provider == only
	}
	return len(p.Providers) == 0 || slices.Contains(p.Providers, provider)
}

// Default returns the provider a new profile of class gets when none is
// asked for: the class's only provider, or the first listed one.
func (p ProviderPolicy) Default(class string) string {
	if only, ok := p.OneProvider[class]; ok {
		return only
	}
	if len(p.Providers) > 0 {
		return p.Providers[0]
	}
	return ""
}

// HasOneProvider reports whether class is bound to exactly one provider.
func (p ProviderPolicy) HasOneProvider(class string) bool {
	_, ok := p.OneProvider[class]
	return ok
}
