package googleplay

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/earshot/earshot/scrapers"
	"github.com/earshot/earshot/scrapers/internal/scrapertest"
)

// rpcAnswer is a batchexecute answer with reviews first..first+n-1 and
// the continuation token next.
func rpcAnswer(first, n int, next string) string {
	var reviews []any
	for i := first; i < first+n; i++ {
		reviews = append(reviews, []any{fmt.Sprintf("uuid-%04d", i), []any{fmt.Sprintf("User %d", i)}, 1 + i%5, nil, fmt.Sprintf("review %d", i), []any{1763900000 - i*3600, 0}, 0, nil, "1.0"})
	}
	var tok any
	if next != "" {
		tok = next
	}
	payload, _ := json.Marshal([]any{reviews, nil, []any{nil, tok}})
	rows, _ := json.Marshal([]any{[]any{"wrb.fr", "UsvDTd", string(payload), nil, nil, nil, "generic"}, []any{"di", 40}})
	return fmt.Sprintf(")]}'\n\n%d\n%s\n", len(rows), rows)
}

// playServer serves the testdata app page, and the reviews RPC in three
// pages of 100 (tokens t2, t3); it records each RPC call's token.
func playServer(t *testing.T) (string, *[]string) {
	page, err := os.ReadFile(filepath.Join("testdata", "details_id=com.harbour.app"))
	if err != nil {
		t.Fatal(err)
	}
	var tokens []string
	srv := scrapertest.Serve(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/store/apps/details":
			w.Write(page)
		case "/_/PlayStoreUi/data/batchexecute":
			if r.Method != http.MethodPost || r.URL.Query().Get("hl") != "de" {
				http.Error(w, "want POST in the page's language", http.StatusBadRequest)
				return
			}
			r.ParseForm()
			freq := r.PostForm.Get("f.req")
			var outer [][][]any
			if err := json.Unmarshal([]byte(freq), &outer); err != nil || outer[0][0][0] != "UsvDTd" {
				http.Error(w, "bad f.req", http.StatusBadRequest)
				return
			}
			var inner []any
			json.Unmarshal([]byte(outer[0][0][1].(string)), &inner)
			if app := inner[3].([]any)[0]; app != "com.harbour.app" {
				http.Error(w, "wrong app", http.StatusBadRequest)
				return
			}
			tok, _ := inner[2].([]any)[2].([]any)[2].(string)
			tokens = append(tokens, tok)
			switch tok {
			case "":
				w.Write([]byte(rpcAnswer(0, 100, "t2")))
			case "t2":
				w.Write([]byte(rpcAnswer(100, 100, "t3")))
			case "t3":
				w.Write([]byte(rpcAnswer(200, 40, "")))
			}
		default:
			http.NotFound(w, r)
		}
	})
	return srv.URL + "/store/apps/details?id=com.harbour.app&hl=de", &tokens
}

func TestRPCPagination(t *testing.T) {
	tests := []struct {
		name       string
		maxPages   int
		seen       func(string) bool
		wantN      int
		wantPages  int
		wantTokens string
	}{
		{name: "past the embedded reviews to the last RPC page", wantN: 2 + 240, wantPages: 4, wantTokens: ",t2,t3"},
		{name: "bounded by pages", maxPages: 2, wantN: 2 + 100, wantPages: 2, wantTokens: ""},
		{name: "stops at a page of stored reviews", seen: func(id string) bool { return id >= "uuid-0100" }, wantN: 2 + 200, wantPages: 3, wantTokens: ",t2"},
		{name: "embedded reviews all stored: no RPC call", seen: func(id string) bool { return true }, wantN: 2, wantPages: 1, wantTokens: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			target, tokens := playServer(t)
			src, _ := New(scrapertest.Options())
			res, err := src.Fetch(context.Background(), scrapers.Request{Target: target, MaxPages: tt.maxPages, Seen: tt.seen})
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Mentions) != tt.wantN || res.Pages != tt.wantPages || strings.Join(*tokens, ",") != tt.wantTokens {
				t.Fatalf("%d reviews over %d pages, RPC tokens %q; want %d over %d, %q", len(res.Mentions), res.Pages, strings.Join(*tokens, ","), tt.wantN, tt.wantPages, tt.wantTokens)
			}
			ids := map[string]bool{}
			for _, m := range res.Mentions {
				if ids[m.ExternalID] || m.Rating == nil || m.PostedAt.IsZero() || m.Author == "" {
					t.Fatalf("duplicate or incomplete review %+v", scrapers.ToRecord(m))
				}
				ids[m.ExternalID] = true
			}
		})
	}
}

func TestParseRPCWrongShape(t *testing.T) {
	for _, tc := range []struct{ name, body, says string }{
		{"html page", "<html><body>Sorry</body></html>", "not a batchexecute answer"},
		{"other rpc", ")]}'\n\n30\n" + `[["wrb.fr","xyz","[]",null,null,null,"generic"]]`, "no UsvDTd result"},
		{"rpc error", ")]}'\n\n30\n" + `[["wrb.fr","UsvDTd",null,null,null,[3],"generic"]]`, "no data (error [3])"},
		{"truncated", ")]}'\n\n30\n" + `[["wrb.fr","UsvDTd","[[[\"a\"`, "truncated"},
		{"unreadable entries", ")]}'\n\n30\n" + `[["wrb.fr","UsvDTd","[[[1,2,3]],null,[null,null]]",null,null,null,"generic"]]`, "no review could be read"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ms, _, err := ParseRPC([]byte(tc.body), "https://play.google.com/store/apps/details?id=x")
			if !errors.Is(err, scrapers.ErrParse) || !strings.Contains(err.Error(), tc.says) || len(ms) != 0 {
				t.Fatalf("ParseRPC = %d, %v; want a parse error saying %q", len(ms), err, tc.says)
			}
		})
	}
	ms, tok, err := ParseRPC([]byte(rpcAnswer(0, 3, "next-1")), "https://play.google.com/store/apps/details?id=x")
	if err != nil || len(ms) != 3 || tok != "next-1" {
		t.Fatalf("ParseRPC = %d reviews, token %q, %v", len(ms), tok, err)
	}
	if body, _ := url.QueryUnescape(string(RPCBody("com.x", "tok\"1"))); !strings.Contains(body, `[100,null,\"tok\\\"1\"]`) || !strings.Contains(body, `[\"com.x\",7]`) {
		t.Errorf("RPC body = %s", body)
	}
}

func FuzzParseRPC(f *testing.F) {
	f.Add([]byte(rpcAnswer(0, 2, "t")))
	f.Add([]byte(")]}'\n\n10\n[[\"wrb.fr\",\"UsvDTd\",\"[[[\\\"a\\\",[\\\"b\\\"],3,null,\\\"c\\\",[1]]]]\"]]"))
	f.Fuzz(func(t *testing.T, b []byte) {
		scrapertest.NoHang(t, b, func() {
			ms, _, err := ParseRPC(b, "https://play.google.com/store/apps/details?id=x")
			if err != nil && len(ms) > 0 {
				t.Fatal("mentions with an error")
			}
		})
	})
}
