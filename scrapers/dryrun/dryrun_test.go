package dryrun

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/earshot/earshot/models"
	"github.com/earshot/earshot/scrapers"
	"github.com/earshot/earshot/scrapers/internal/scrapertest"
)

const reviewPage = `<html><head><script type="application/ld+json">{"@type":"Restaurant","review":[
{"@type":"Review","@id":"r1","author":"Ana","datePublished":"2026-01-02","reviewBody":"Cold soup","reviewRating":{"ratingValue":1}},
{"@type":"Review","@id":"r2","author":"Bo\u001b[31m","datePublished":"2026-01-03","reviewBody":"Nice","reviewRating":{"ratingValue":5}}]}</script></head></html>`

func server(t *testing.T) *httptest.Server {
	return scrapertest.Serve(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/reviews":
			fmt.Fprint(w, reviewPage)
		case "/none":
			fmt.Fprint(w, "<html><body>No reviews yet</body></html>")
		case "/blocked":
			w.WriteHeader(http.StatusForbidden)
			fmt.Fprint(w, `<html><iframe src="https://geo.captcha-delivery.com/captcha/"></iframe></html>`)
		default:
			http.NotFound(w, r)
		}
	})
}

func TestRun(t *testing.T) {
	srv := server(t)
	tests := []struct {
		name      string
		cfg       Config
		wantErr   error
		wantLines int
	}{
		{name: "jsonl", cfg: Config{Kind: "jsonld", Target: srv.URL + "/reviews", Format: FormatJSONL}, wantLines: 2},
		{name: "no reviews is success", cfg: Config{Kind: "jsonld", Target: srv.URL + "/none", Format: FormatJSONL}, wantLines: 0},
		{name: "blocked fails", cfg: Config{Kind: "jsonld", Target: srv.URL + "/blocked", Format: FormatJSONL}, wantErr: scrapers.ErrBlocked},
		{name: "unreachable fails", cfg: Config{Kind: "jsonld", Target: "http://127.0.0.1:1/x", Format: FormatJSONL}, wantErr: nil},
		{name: "unknown kind", cfg: Config{Kind: "myspace", Target: srv.URL}, wantErr: scrapers.ErrUnknownKind},
		{name: "missing target", cfg: Config{Kind: "jsonld"}, wantErr: scrapers.ErrConfig},
		{name: "bad format", cfg: Config{Kind: "jsonld", Target: srv.URL, Format: "xml"}, wantErr: scrapers.ErrConfig},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var out bytes.Buffer
			_, err := Run(context.Background(), tc.cfg, scrapertest.Options(), &out)
			switch {
			case tc.name == "unreachable fails":
				if err == nil || scrapers.Classify(err) != models.ErrorClassNetwork {
					t.Fatalf("error = %v (class %q), want a network error", err, scrapers.Classify(err))
				}
				return
			case tc.wantErr != nil:
				if !errors.Is(err, tc.wantErr) {
					t.Fatalf("error = %v, want %v", err, tc.wantErr)
				}
				return
			case err != nil:
				t.Fatal(err)
			}
			lines := strings.Split(strings.TrimSpace(out.String()), "\n")
			if out.Len() == 0 {
				lines = nil
			}
			if len(lines) != tc.wantLines {
				t.Fatalf("%d lines, want %d:\n%s", len(lines), tc.wantLines, out.String())
			}
			for _, l := range lines {
				var rec map[string]any
				if err := json.Unmarshal([]byte(l), &rec); err != nil {
					t.Fatalf("line is not JSON: %v", err)
				}
				for _, k := range []string{"source", "external_id", "url", "author", "rating", "title", "text", "language", "posted_at", "edited_at", "reply"} {
					if _, ok := rec[k]; !ok {
						t.Errorf("line lacks %q: %s", k, l)
					}
				}
			}
		})
	}
}

func TestTableStripsControlCharacters(t *testing.T) {
	r := 4.0
	var out bytes.Buffer
	err := WriteTable(&out, []models.Mention{{ExternalID: "x", Author: "Bo\x1b[31mred", Text: "line1\nline2", Rating: &r, PostedAt: time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC)}})
	if err != nil {
		t.Fatal(err)
	}
	s := out.String()
	if strings.ContainsRune(s, 0x1b) || !strings.Contains(s, "line1 line2") || !strings.Contains(s, "2026-01-02") || !strings.Contains(s, "4.0") {
		t.Errorf("table:\n%s", s)
	}
}

func TestTableCountsInWords(t *testing.T) {
	for n, want := range map[int]string{0: "0 mentions", 1: "1 mention", 2: "2 mentions"} {
		var out bytes.Buffer
		if err := WriteTable(&out, make([]models.Mention, n)); err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(strings.TrimSpace(out.String()), "\n")
		if got := strings.TrimSpace(lines[len(lines)-1]); got != want {
			t.Errorf("%d mentions: last line %q, want %q", n, got, want)
		}
	}
}
