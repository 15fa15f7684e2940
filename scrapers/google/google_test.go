package google

import (
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"

	"github.com/earshot/earshot/scrapers"
	"github.com/earshot/earshot/scrapers/internal/scrapertest"
)

func server(t *testing.T) *httptest.Server {
	return scrapertest.Serve(t, func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.URL.Path == "/token":
			r.ParseForm()
			if r.Form.Get("grant_type") != "refresh_token" || r.Form.Get("refresh_token") != "refresh-s3cr3t" || r.Form.Get("client_secret") != "client-s3cr3t" {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(http.StatusBadRequest)
				w.Write([]byte(`{"error":"invalid_grant"}`))
				return
			}
			w.Header().Set("Content-Type", "application/json")
			w.Write([]byte(`{"access_token":"at-9","token_type":"Bearer","expires_in":3600}`))
		case r.URL.Path == "/v4/accounts/1/locations/2/reviews":
			if auth := r.Header.Get("Authorization"); auth != "Bearer at-9" && auth != "Bearer direct-token" {
				w.WriteHeader(http.StatusUnauthorized)
				return
			}
			name := "reviews1.json"
			if r.URL.Query().Get("pageToken") == "p2" {
				name = "reviews2.json"
			}
			scrapertest.WriteFile(w, r, filepath.Join("testdata", name))
		case r.URL.Path == "/v4/accounts/1/locations/8/reviews":
			w.Write([]byte(`{"reviews":[{"name":"accounts/1/locations/8/reviews/A","reviewId":"A","comment":"cut`))
		case r.URL.Path == "/v4/accounts/1/locations/7/reviews":
			w.Write([]byte(`{"totalReviewCount":0}`))
		case r.URL.Path == "/v4/accounts/1/locations/9/reviews":
			w.Write([]byte(`{"averageRating":4.1,"totalReviewCount":57,"reviewList":[]}`))
		default:
			http.NotFound(w, r)
		}
	})
}

func TestFetch(t *testing.T) {
	srv := server(t)
	refresh := map[string]string{EnvClientID: "cid", EnvClientSecret: "client-s3cr3t", EnvRefreshToken: "refresh-s3cr3t"}
	scrapertest.FetchCalls(t, New, srv.URL, "s3cr3t", []scrapertest.Call{
		{Name: "refresh token, two pages", Target: "accounts/1/locations/2", Env: refresh, Mentions: 3, Pages: 2, Golden: "reviews.golden.json"},
		{Name: "access token", Target: "accounts/1/locations/2", Env: map[string]string{EnvAccessToken: "direct-token"}, Mentions: 3, Pages: 2, Golden: "reviews.golden.json"},
		{Name: "bad refresh token", Target: "accounts/1/locations/2", Env: map[string]string{EnvClientID: "cid", EnvClientSecret: "client-s3cr3t", EnvRefreshToken: "old-s3cr3t"}, Err: scrapers.ErrConfig},
		{Name: "no credentials", Target: "accounts/1/locations/2", Err: scrapers.ErrConfig},
		{Name: "bad target", Target: "Harbour Bistro", Env: refresh, Err: scrapers.ErrConfig},
		{Name: "truncated answer", Target: "accounts/1/locations/8", Env: refresh, Err: scrapers.ErrParse},
		{Name: "new location without reviews", Target: "accounts/1/locations/7", Env: refresh, Mentions: 0, Pages: 1},
		{Name: "count but no reviews", Target: "accounts/1/locations/9", Env: refresh, Err: scrapers.ErrParse},
	})
}

func FuzzParse(f *testing.F) {
	scrapertest.FuzzParse(f, DefaultAPIBase+"/v4/accounts/1/locations/2/reviews", Parse, nil)
}

// The poster replies with PUT {name}/reply, so every review must carry
// its full resource name, even from an answer that left the name out.
func TestReviewResourceName(t *testing.T) {
	page := DefaultAPIBase + "/v4/accounts/11/locations/22/reviews?pageSize=50"
	ms, info, err := Parse([]byte(`{"reviews":[
{"name":"accounts/11/locations/22/reviews/A1","reviewId":"A1","starRating":"TWO"},
{"reviewId":"B2","starRating":"FIVE"},
{"name":"reviews/C3","reviewId":"C3"}],"averageRating":4.3,"totalReviewCount":3}`), page)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"A1": "accounts/11/locations/22/reviews/A1",
		"B2": "accounts/11/locations/22/reviews/B2",
		"C3": "accounts/11/locations/22/reviews/C3",
	}
	for _, m := range ms {
		if m.PlatformID != want[m.ExternalID] {
			t.Errorf("review %s: resource name %q, want %q", m.ExternalID, m.PlatformID, want[m.ExternalID])
		}
	}
	if len(ms) != 3 {
		t.Fatalf("%d reviews, want 3", len(ms))
	}
	if a := info.Aggregate; a == nil || a.Rating == nil || *a.Rating != 4.3 || a.Count != 3 {
		t.Errorf("aggregate = %+v, want 4.3 from 3 reviews", a)
	}
}
