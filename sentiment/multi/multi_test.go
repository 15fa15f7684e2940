package multi

import (
	"strings"
	"testing"

	"github.com/earshot/earshot/sentiment/internal/verdict"
)

func TestIssueSentences(t *testing.T) {
	a := New()
	restaurant := func(c string) bool { return c != "wait time" || true }
	for _, tc := range []struct {
		lang, text string
		neg        bool
		issues     []string
		kind       verdict.Kind
	}{
		{"es", "La comida llegó fría y el camarero fue grosero", true, []string{"comida fría", "camarero grosero"}, verdict.Complaint},
		{"de", "Das Essen war kalt und der Service unfreundlich", true, []string{"Essen kalt", "Service unfreundlich"}, verdict.Complaint},
		{"fr", "Service très lent, plus jamais", true, []string{"Service lent"}, verdict.Churn},
		{"es", "Muy mal servicio", true, []string{"mal servicio"}, verdict.Complaint},
		{"de", "Sehr schlecht", true, nil, verdict.Complaint},
		{"es", "Esperamos una hora y nadie vino", true, []string{"esperamos una hora"}, verdict.Complaint},
		{"de", "Wir haben 40 Minuten gewartet", true, []string{"40 Minuten gewartet"}, verdict.Complaint},
		{"fr", "Facturé deux fois, c'est une arnaque", true, []string{"double facturation"}, verdict.Fraud},
	} {
		t.Run(tc.text, func(t *testing.T) {
			r := a.Analyze(tc.text, tc.lang, restaurant)
			if tc.neg && r.Compound > -0.05 {
				t.Errorf("compound %.2f, want negative", r.Compound)
			}
			var got []string
			for _, x := range r.Aspects {
				got = append(got, x.Term)
			}
			if strings.Join(got, ",") != strings.Join(tc.issues, ",") {
				t.Errorf("issues %q, want %q", got, tc.issues)
			}
			kind := false
			for _, c := range r.Cues {
				kind = kind || c.Kind == tc.kind
			}
			if !kind {
				t.Errorf("no cue of kind %d in %+v", tc.kind, r.Cues)
			}
		})
	}
}

func TestPolarity(t *testing.T) {
	a := New()
	for _, tc := range []struct {
		lang, text string
		pos        bool
	}{
		{"es", "Excelente comida, muy buena atención", true},
		{"es", "No es bueno", false},
		{"de", "Das Essen war nicht gut", false},
		{"de", "Super Essen, netter Service", true},
		{"fr", "Ce n'était pas bon", false},
		{"fr", "Très bon accueil, je recommande", true},
		{"es", "La comida es buena pero el servicio es pésimo", false},
		{"de", "Nicht schlecht", true},
	} {
		t.Run(tc.text, func(t *testing.T) {
			r := a.Analyze(tc.text, tc.lang, nil)
			if (r.Compound > 0) != tc.pos || r.Compound == 0 {
				t.Errorf("compound %.2f, want positive=%v", r.Compound, tc.pos)
			}
		})
	}
}

func FuzzAnalyze(f *testing.F) {
	a := New()
	for _, s := range []string{"Muy mal servicio", "Sehr schlecht", "n'est pas", "1 2 3", "\xff\xfe", "attendu 30"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, l := range []string{"es", "de", "fr"} {
			r := a.Analyze(s, l, nil)
			if r.Compound < -1 || r.Compound > 1 {
				t.Fatalf("compound %v", r.Compound)
			}
		}
	})
}
