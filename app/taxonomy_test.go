package app_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/earshot/earshot/app"
	"github.com/earshot/earshot/config"
	"github.com/earshot/earshot/models"
)

// The README's `vet:` example: a domain that exists only in the config's
// sentiment.taxonomies is assigned to a business, and the pipeline's
// analyzer files that business's mentions under its categories.
func TestCustomTaxonomyDomainIsUsed(t *testing.T) {
	dir := t.TempDir()
	yml := `database: {path: ` + filepath.Join(dir, "e.db") + `}
sentiment:
  taxonomies:
    vet:
      pets: [dog, cat, puppy]
      appointments: [appointment, waiting room]
businesses:
  - name: paws
    domain: vet
`
	cfg, err := config.Parse([]byte(yml), filepath.Join(dir, "e.yaml"), nil)
	if err != nil {
		t.Fatal(err)
	}
	a, err := app.New(context.Background(), cfg, app.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	rating := 2.0
	m := models.Mention{SourceKind: "jsonld", Rating: &rating, Text: "We sat in the waiting room for two hours past our appointment and nobody told us anything."}
	an := a.Analyzer.Analyze(context.Background(), m, cfg.Businesses[0].Domain)
	cats := map[string]bool{}
	for _, x := range an.Aspects {
		cats[x.Category] = true
	}
	if !cats["appointments"] {
		t.Errorf("aspects %+v lack the vet domain's appointments category", an.Aspects)
	}
}
