package practicetest_test

import (
	"testing"

	"github.com/sportello/sportello/auth"
	"github.com/sportello/sportello/practice"
	"github.com/sportello/sportello/practice/practicetest"
)

// Generated pratiche pass the import check, so benchmarks of Import
// measure imports, not refusals; the same seed gives the same data.
func TestGeneratedPratichePassTheImportCheck(t *testing.T) {
	var first []practice.ID
	for p := range practicetest.Generate("t1", 500, 7) {
		if _, err := auth.ParseFiscalCode(p.Owner.FiscalCode); err != nil {
			t.Fatalf("%s: codice fiscale: %v", p.ID, err)
		}
		if _, err := practice.CheckImport(p, "t1"); err != nil {
			t.Fatalf("%s: %v", p.ID, err)
		}
		first = append(first, p.ID)
	}
	i := 0
	for p := range practicetest.Generate("t1", 500, 7) {
		if p.ID != first[i] {
			t.Fatal("the same seed gives other data")
		}
		i++
	}
}
