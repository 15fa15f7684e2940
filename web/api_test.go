package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/earshot/earshot/auth"
	"github.com/earshot/earshot/models"
	"github.com/earshot/earshot/web"
	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
)

// token creates an API token for an account.
func (f *fixture) token(t *testing.T, a models.Account) string {
	t.Helper()
	tok, hash, err := auth.NewToken()
	if err != nil {
		t.Fatal(err)
	}
	if err := f.app.Store.CreateAPIToken(context.Background(), &models.APIToken{AccountID: a.ID, TokenHash: hash}); err != nil {
		t.Fatal(err)
	}
	return tok
}

type apiResult struct {
	status int
	header http.Header
	body   []byte
}

func (f *fixture) api(t *testing.T, token, method, path string, body string) apiResult {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, _ := http.NewRequest(method, f.srv.URL+path, rd)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return apiResult{resp.StatusCode, resp.Header, b}
}

func loadOpenAPI(t *testing.T) *openapi3.T {
	t.Helper()
	doc, err := openapi3.NewLoader().LoadFromData(web.OpenAPI)
	if err != nil {
		t.Fatalf("openapi.yaml: %v", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatalf("openapi.yaml is not valid OpenAPI 3: %v", err)
	}
	return doc
}

// TestAPIMatchesOpenAPI checks web/openapi.yaml against the real handlers
// on a seeded database: every documented path and method is routed and
// answers with a documented status and a body of the documented shape,
// and every API route is documented.
func TestAPIMatchesOpenAPI(t *testing.T) {
	doc := loadOpenAPI(t)
	var documented []string
	for path, item := range doc.Paths.Map() {
		for method := range item.Operations() {
			documented = append(documented, method+" "+path)
		}
	}
	routed := web.APIRoutes()
	slices.Sort(documented)
	slices.Sort(routed)
	if !slices.Equal(documented, routed) {
		t.Errorf("documented and routed API endpoints differ:\ndocumented: %v\nrouted:     %v", documented, routed)
	}

	f := newFixture(t, "")
	ctx := context.Background()
	olive, err := f.app.Store.AccountByName(ctx, "olive")
	if err != nil {
		t.Fatal(err)
	}
	tok := f.token(t, olive)
	hana := f.token(t, f.account(t, "hana", ""))
	vic := f.token(t, f.account(t, "vic", models.RoleViewer, "rosies-diner"))
	b, _ := f.app.Store.BusinessByName(ctx, "rosies-diner")
	open, err := f.app.Store.Tasks(ctx, storeFilterOpen(b.ID))
	if err != nil || len(open) < 5 {
		t.Fatalf("need 5 open tasks, have %d (%v)", len(open), err)
	}
	id := func(i int) string { return itoa(open[i].ID) }
	cases := []struct {
		token, method, doc, path, body string
		want                           int
	}{
		{tok, "GET", "/api/v1/openapi.yaml", "/api/v1/openapi.yaml", "", 200},
		{tok, "GET", "/api/v1/me", "/api/v1/me", "", 200},
		{"", "GET", "/api/v1/me", "/api/v1/me", "", 401},
		{"esk_forged", "GET", "/api/v1/me", "/api/v1/me", "", 401},
		{tok, "GET", "/api/v1/tasks", "/api/v1/tasks?limit=3&business=rosies-diner", "", 200},
		{tok, "GET", "/api/v1/tasks", "/api/v1/tasks?all=true&state=open&offset=1", "", 200},
		{tok, "GET", "/api/v1/tasks", "/api/v1/tasks?limit=0", "", 400},
		{tok, "GET", "/api/v1/tasks", "/api/v1/tasks?business=no-such", "", 404},
		{tok, "GET", "/api/v1/tasks/{id}", "/api/v1/tasks/" + id(0), "", 200},
		{tok, "GET", "/api/v1/tasks/{id}", "/api/v1/tasks/999999", "", 404},
		{hana, "GET", "/api/v1/tasks/{id}", "/api/v1/tasks/" + id(0), "", 404},
		{tok, "POST", "/api/v1/tasks/{id}/ack", "/api/v1/tasks/" + id(1) + "/ack", "", 200},
		{tok, "POST", "/api/v1/tasks/{id}/ack", "/api/v1/tasks/" + id(1) + "/ack", "", 409},
		{vic, "POST", "/api/v1/tasks/{id}/ack", "/api/v1/tasks/" + id(4) + "/ack", "", 403},
		{hana, "POST", "/api/v1/tasks/{id}/ack", "/api/v1/tasks/" + id(4) + "/ack", "", 404},
		{tok, "POST", "/api/v1/tasks/{id}/assign", "/api/v1/tasks/" + id(2) + "/assign", `{"user": "Max"}`, 200},
		{tok, "POST", "/api/v1/tasks/{id}/assign", "/api/v1/tasks/" + id(2) + "/assign", `{"user": `, 400},
		{tok, "POST", "/api/v1/tasks/{id}/resolve", "/api/v1/tasks/" + id(3) + "/resolve", `{"note": "refunded"}`, 200},
		{tok, "POST", "/api/v1/tasks/{id}/reply", "/api/v1/tasks/" + id(0) + "/reply", `{"text": "Sorry, we have refunded you."}`, 200},
		{tok, "POST", "/api/v1/tasks/{id}/reply", "/api/v1/tasks/" + id(0) + "/reply", "", 409},
		{vic, "POST", "/api/v1/tasks/{id}/draft", "/api/v1/tasks/" + id(4) + "/draft", `{"text": "viewer's go"}`, 403},
		{tok, "POST", "/api/v1/tasks/{id}/draft", "/api/v1/tasks/" + id(4) + "/draft", `{"text": "We are sorry."}`, 200},
		{tok, "POST", "/api/v1/tasks/{id}/approve", "/api/v1/tasks/" + id(4) + "/approve", "", 409},
		{tok, "POST", "/api/v1/tasks/{id}/suggest", "/api/v1/tasks/" + id(4) + "/suggest", `{"text": "We are sorry."}`, 200},
		{tok, "POST", "/api/v1/tasks/{id}/send-back", "/api/v1/tasks/" + id(4) + "/send-back", `{"note": "say what we did"}`, 200},
		{tok, "POST", "/api/v1/tasks/{id}/suggest", "/api/v1/tasks/" + id(4) + "/suggest", `{"text": "Sorry; we refunded you."}`, 200},
		{tok, "POST", "/api/v1/tasks/{id}/approve", "/api/v1/tasks/" + id(4) + "/approve", "", 200},
		{tok, "POST", "/api/v1/tasks/{id}/send-back", "/api/v1/tasks/" + id(4) + "/send-back", "", 409},
		{tok, "GET", "/api/v1/mentions", "/api/v1/mentions?limit=5&offset=2", "", 200},
		{tok, "GET", "/api/v1/mentions", "/api/v1/mentions?offset=-1", "", 400},
		{tok, "GET", "/api/v1/sources", "/api/v1/sources", "", 200},
		{tok, "GET", "/api/v1/stats", "/api/v1/stats", "", 200},
		{"", "GET", "/api/v1/stats", "/api/v1/stats", "", 401},
	}
	ok := map[string]bool{}
	for _, c := range cases {
		t.Run(c.method+" "+c.path, func(t *testing.T) {
			res := f.api(t, c.token, c.method, c.path, c.body)
			if res.status != c.want {
				t.Fatalf("status %d, want %d: %s", res.status, c.want, res.body)
			}
			item := doc.Paths.Find(c.doc)
			if item == nil {
				t.Fatalf("%s is not documented", c.doc)
			}
			op := item.GetOperation(c.method)
			req, _ := http.NewRequest(c.method, f.srv.URL+c.path, nil)
			params := map[string]string{}
			if strings.Contains(c.doc, "{id}") {
				params["id"] = strings.Split(strings.TrimPrefix(c.path, "/api/v1/tasks/"), "/")[0]
			}
			in := &openapi3filter.ResponseValidationInput{
				RequestValidationInput: &openapi3filter.RequestValidationInput{Request: req, PathParams: params,
					Route: &routers.Route{Spec: doc, Path: c.doc, PathItem: item, Method: c.method, Operation: op}},
				Status: res.status, Header: res.header, Options: &openapi3filter.Options{IncludeResponseStatus: true},
			}
			in.SetBodyBytes(res.body)
			if err := openapi3filter.ValidateResponse(ctx, in); err != nil {
				t.Errorf("response does not match openapi.yaml: %v\n%s", err, res.body)
			}
			if res.status < 300 {
				ok[c.method+" "+c.doc] = true
			}
		})
	}
	for _, d := range documented {
		if !ok[d] {
			t.Errorf("%s was never answered successfully", d)
		}
	}
}

func TestAPIVisibilityPagingAndEscaping(t *testing.T) {
	f := newFixture(t, "")
	ctx := context.Background()
	olive, _ := f.app.Store.AccountByName(ctx, "olive")
	tok := f.token(t, olive)
	hana := f.token(t, f.account(t, "hana", ""))

	var list struct {
		Items []struct {
			ID       int64  `json:"id"`
			Business string `json:"business"`
		} `json:"items"`
		NextOffset *int `json:"next_offset"`
	}
	decode := func(r apiResult, v any) {
		t.Helper()
		if r.status != 200 {
			t.Fatalf("status %d: %s", r.status, r.body)
		}
		if err := json.Unmarshal(r.body, v); err != nil {
			t.Fatal(err)
		}
	}
	// Paging walks every task once.
	all := map[int64]bool{}
	for off := 0; ; {
		decode(f.api(t, tok, "GET", "/api/v1/tasks?limit=4&offset="+itoa(int64(off)), ""), &list)
		for _, it := range list.Items {
			if all[it.ID] {
				t.Fatalf("task %d on two pages", it.ID)
			}
			all[it.ID] = true
		}
		if list.NextOffset == nil {
			break
		}
		off = *list.NextOffset
	}
	decode(f.api(t, tok, "GET", "/api/v1/tasks?limit=200", ""), &list)
	if len(all) != len(list.Items) || len(all) < 10 {
		t.Errorf("paging saw %d tasks, one page of 200 has %d", len(all), len(list.Items))
	}
	// Hana (staff of harbour-cafe) sees only harbour-cafe.
	decode(f.api(t, hana, "GET", "/api/v1/tasks?limit=200", ""), &list)
	if len(list.Items) == 0 {
		t.Error("hana sees no tasks")
	}
	for _, it := range list.Items {
		if it.Business != "harbour-cafe" {
			t.Errorf("hana sees task %d of %s", it.ID, it.Business)
		}
	}
	for _, path := range []string{"/api/v1/mentions?limit=200", "/api/v1/sources", "/api/v1/stats", "/api/v1/me"} {
		r := f.api(t, hana, "GET", path, "")
		if r.status != 200 || bytes.Contains(r.body, []byte("rosies-diner")) || bytes.Contains(r.body, []byte("kiosk-north")) {
			t.Errorf("%s for hana: %d, mentions other businesses: %s", path, r.status, r.body[:min(len(r.body), 300)])
		}
	}
	if r := f.api(t, hana, "GET", "/api/v1/tasks?business=rosies-diner", ""); r.status != 404 {
		t.Errorf("hana filtering on another business: %d, want 404", r.status)
	}
	// Scraped markup leaves the API JSON-escaped, never as raw HTML.
	task := f.hostileTask(t)
	r := f.api(t, tok, "GET", "/api/v1/tasks/"+itoa(task.ID), "")
	if r.status != 200 || bytes.Contains(r.body, []byte("<script>")) || !bytes.Contains(r.body, []byte(`\u003cscript\u003e`)) {
		t.Errorf("hostile task in the API: %d %s", r.status, r.body)
	}
	if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") || r.header.Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("headers %q / %q", ct, r.header.Get("X-Content-Type-Options"))
	}
	// A disabled account's token stops working; a session cookie is no
	// API credential.
	if err := f.app.Store.SetDisabled(ctx, olive.ID, true); err != nil {
		t.Fatal(err)
	}
	if r := f.api(t, tok, "GET", "/api/v1/me", ""); r.status != 401 {
		t.Errorf("disabled account's token: %d", r.status)
	}
}
