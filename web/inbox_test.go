package web_test

import (
	"context"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/earshot/earshot/models"
	"github.com/earshot/earshot/store"
	"github.com/earshot/earshot/tasks"
)

var (
	rowRE  = regexp.MustCompile(`<tr data-task="(\d+)" data-business="([^"]*)" data-severity="(\d)" data-state="([a-z_]+)"`)
	nextRE = regexp.MustCompile(`<a href="([^"]+)" rel="next"`)
)

type row struct {
	ID       int64
	Business string
	Severity int
	State    string
}

func rows(body string) []row {
	var out []row
	for _, m := range rowRE.FindAllStringSubmatch(body, -1) {
		id, _ := strconv.ParseInt(m[1], 10, 64)
		sev, _ := strconv.Atoi(m[3])
		out = append(out, row{id, m[2], sev, m[4]})
	}
	return out
}

// manyTasks stores n open tasks at business, each on its own mention
// whose text says "parking ticket", with severities 0..5 in turn.
func (f *fixture) manyTasks(t *testing.T, business string, n int) {
	t.Helper()
	ctx := context.Background()
	b, err := f.app.Store.BusinessByName(ctx, business)
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(f.app.Sources(), func(s models.Source) bool { return s.BusinessID == b.ID })
	src := f.app.Sources()[i]
	var ms []models.Mention
	for k := range n {
		ms = append(ms, models.Mention{ExternalID: fmt.Sprintf("bulk-%d", k), Author: fmt.Sprintf("Driver %d", k), Text: fmt.Sprintf("Parking ticket number %d, outrageous.", k), PostedAt: time.Now()})
	}
	res, err := f.app.Store.SaveMentions(ctx, src, ms)
	if err != nil {
		t.Fatal(err)
	}
	now := f.app.Clock.Now()
	for k, id := range res.NewIDs {
		task := models.Task{BusinessID: b.ID, MentionID: id, Kind: models.TaskApology, Severity: k % 6,
			DedupKey: fmt.Sprintf("apology:%d", id), DueAt: now.Add(time.Duration(k%7) * time.Hour), OpenedAt: now.Add(-time.Duration(k) * time.Minute)}
		if _, err := tasks.Create(ctx, f.app.Store, &task, "test"); err != nil {
			t.Fatal(err)
		}
	}
}

func TestInboxFiltersSearchSortAndPaging(t *testing.T) {
	f := newFixture(t, "")
	f.manyTasks(t, "kiosk-north", 130)

	t.Run("filters", func(t *testing.T) {
		for _, c := range []struct {
			query string
			keep  func(row) bool
		}{
			{"business=harbour-cafe", func(r row) bool { return r.Business == "harbour-cafe" }},
			{"severity=4", func(r row) bool { return r.Severity >= 4 }},
			{"state=open&business=kiosk-north", func(r row) bool { return r.State == "open" && r.Business == "kiosk-north" }},
			{"source=jsonld&severity=5", func(r row) bool { return r.Severity == 5 }},
		} {
			t.Run(c.query, func(t *testing.T) {
				code, body := f.get(t, "/inbox?"+c.query)
				rs := rows(body)
				if code != 200 || len(rs) == 0 {
					t.Fatalf("GET /inbox?%s: %d with %d rows", c.query, code, len(rs))
				}
				for _, r := range rs {
					if !c.keep(r) {
						t.Errorf("row %+v does not match %s", r, c.query)
					}
				}
			})
		}
	})

	t.Run("dashboard links: issue and period", func(t *testing.T) {
		ctx := context.Background()
		all, err := f.app.Store.Tasks(ctx, store.TaskFilter{})
		if err != nil {
			t.Fatal(err)
		}
		i := slices.IndexFunc(all, func(x models.Task) bool { return x.Issue != "" })
		if i < 0 {
			t.Fatal("no task has an issue")
		}
		want := all[i]
		day := want.OpenedAt.UTC().Format(time.DateOnly)
		_, body := f.get(t, "/inbox?all=1&issue="+url.QueryEscape(want.Issue)+"&from="+day+"&to="+day)
		rs := rows(body)
		if !slices.ContainsFunc(rs, func(r row) bool { return r.ID == want.ID }) {
			t.Errorf("the dashboard's issue link does not list task %d", want.ID)
		}
		for _, r := range rs {
			got, _ := f.app.Store.Task(ctx, r.ID)
			if got.Issue != want.Issue || got.OpenedAt.UTC().Format(time.DateOnly) != day {
				t.Errorf("task %d (%s, opened %s) listed for %s on %s", r.ID, got.Issue, got.OpenedAt, want.Issue, day)
			}
		}
		next := want.OpenedAt.UTC().AddDate(0, 0, 1).Format(time.DateOnly)
		_, body = f.get(t, "/inbox?all=1&issue="+url.QueryEscape(want.Issue)+"&from="+next+"&to="+next)
		if slices.ContainsFunc(rows(body), func(r row) bool { return r.ID == want.ID }) {
			t.Errorf("task %d listed for the day after it was opened", want.ID)
		}
	})

	t.Run("search, sort and pages", func(t *testing.T) {
		path := "/inbox?business=kiosk-north&q=parking+TICKET&sort=severity"
		var got []row
		for pages := 0; path != ""; pages++ {
			if pages > 3 {
				t.Fatal("paging does not end")
			}
			code, body := f.get(t, path)
			if code != 200 {
				t.Fatalf("GET %s: %d", path, code)
			}
			if pages == 0 && !strings.Contains(body, "130 open") {
				t.Errorf("first page counts: %q", regexp.MustCompile(`id="counts">[^<]*`).FindString(body))
			}
			got = append(got, rows(body)...)
			path = ""
			if m := nextRE.FindStringSubmatch(body); m != nil {
				path = html.UnescapeString(m[1])
				u, _ := url.Parse(path)
				if q := u.Query(); q.Get("q") != "parking TICKET" || q.Get("sort") != "severity" || q.Get("business") != "kiosk-north" {
					t.Errorf("next page link %s lost the view's filters", path)
				}
			}
		}
		seen := map[int64]bool{}
		for i, r := range got {
			if seen[r.ID] {
				t.Errorf("task %d on two pages", r.ID)
			}
			seen[r.ID] = true
			if i > 0 && got[i-1].Severity < r.Severity {
				t.Errorf("severity order broken at %d: %d then %d", i, got[i-1].Severity, r.Severity)
			}
		}
		if len(got) != 130 {
			t.Errorf("paged through %d tasks, want the 130 that match", len(got))
		}
	})

	t.Run("search finds the review's words", func(t *testing.T) {
		hostile := f.hostileTask(t)
		_, body := f.get(t, "/inbox?q=charged+twice")
		if !slices.ContainsFunc(rows(body), func(r row) bool { return r.ID == hostile.ID }) {
			t.Errorf("searching for its words does not find task %d", hostile.ID)
		}
		_, body = f.get(t, "/inbox?q=charged+twice+parking")
		if len(rows(body)) != 0 {
			t.Error("a search needing every word matched tasks with only some")
		}
	})

	t.Run("hostile search term stays text", func(t *testing.T) {
		code, body := f.get(t, "/inbox?q="+url.QueryEscape(`"><script>alert(1)</script> OR NEAR(`))
		if code != 200 || strings.Contains(body, "<script>alert(1)") || !strings.Contains(body, `&#34;&gt;&lt;script&gt;alert(1)&lt;/script&gt; OR NEAR(`) {
			t.Errorf("reflected search term (%d) not escaped", code)
		}
	})

	t.Run("bad links", func(t *testing.T) {
		_, body := f.get(t, "/inbox?sort=severity")
		next := html.UnescapeString(nextRE.FindStringSubmatch(body)[1])
		for _, path := range []string{"/inbox?sort=loudest", "/inbox?severity=9", "/inbox?business=no-such-place", "/inbox?state=lost", "/inbox?from=yesterday",
			"/inbox?after=bm9wZQ", strings.Replace(next, "sort=severity", "sort=newest", 1)} {
			if code, _ := f.get(t, path); code != http.StatusBadRequest {
				t.Errorf("GET %s: %d, want 400", path, code)
			}
		}
	})

	t.Run("staff filter within their businesses", func(t *testing.T) {
		f.account(t, "hana", "")
		hana := f.login(t, "hana", testPassword)
		if code, _ := getWith(t, hana, f.srv.URL+"/inbox?business=kiosk-north"); code != http.StatusBadRequest {
			t.Errorf("hana filtering on a business she is not in: %d, want 400 like an unknown one", code)
		}
		_, body := getWith(t, hana, f.srv.URL+"/inbox?q=parking")
		if n := len(rows(body)); n != 0 {
			t.Errorf("hana's search shows %d tasks of kiosk-north", n)
		}
	})
}

func TestInboxBulkActions(t *testing.T) {
	f := newFixture(t, "")
	f.account(t, "hana", "")
	hana := f.login(t, "hana", testPassword)
	ctx := context.Background()
	b, _ := f.app.Store.BusinessByName(ctx, "harbour-cafe")
	open, err := f.app.Store.Tasks(ctx, storeFilterOpen(b.ID))
	if err != nil || len(open) < 2 {
		t.Fatalf("harbour-cafe has %d open tasks: %v", len(open), err)
	}
	mine, done := open[0], open[1]
	if _, err := f.app.Tasks.Resolve(ctx, done.ID, "olive", "fixed"); err != nil {
		t.Fatal(err)
	}
	other := f.taskOf(t, "rosies-diner")

	bulk := func(c *http.Client, form url.Values, hdr map[string]string) (int, string) {
		t.Helper()
		req, _ := http.NewRequest("POST", f.srv.URL+"/inbox/bulk", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		for k, v := range hdr {
			req.Header.Set(k, v)
		}
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(body)
	}
	form := url.Values{"action": {"ack"}, "id": {itoa(mine.ID), itoa(done.ID), itoa(other.ID)}, "back": {"business=harbour-cafe"}}
	if code, _ := bulk(hana, form, crossSite); code != http.StatusForbidden {
		t.Errorf("cross-site bulk action: %d, want 403", code)
	}
	if got, _ := f.app.Store.Task(ctx, mine.ID); got.State != models.TaskOpen {
		t.Fatalf("a refused cross-site bulk action changed task %d", mine.ID)
	}
	code, body := bulk(hana, form, nil)
	if code != 200 {
		t.Fatalf("bulk ack: %d", code)
	}
	results := regexp.MustCompile(`(?s)id="bulk-results".*?</div>`).FindString(body)
	for _, want := range []string{"#" + itoa(mine.ID) + ": done", "#" + itoa(done.ID) + ": <span class=\"error-text\">it is resolved", "#" + itoa(other.ID) + ": <span class=\"error-text\">no such task"} {
		if !strings.Contains(results, want) {
			t.Errorf("bulk results lack %q:\n%s", want, results)
		}
	}
	if strings.Contains(results, "tasks:") || strings.Contains(results, "store:") {
		t.Errorf("bulk results show internal prefixes: %s", results)
	}
	if got, _ := f.app.Store.Task(ctx, mine.ID); got.State != models.TaskAcknowledged {
		t.Errorf("hana's task is %s after the bulk ack", got.State)
	}
	if got, _ := f.app.Store.Task(ctx, other.ID); got.State != models.TaskOpen {
		t.Errorf("another business's task is %s after hana's bulk ack", got.State)
	}
	for _, c := range []struct {
		action string
		extra  url.Values
		check  func(models.Task) bool
	}{
		{"assign", url.Values{"user": {"Hana"}}, func(x models.Task) bool { return x.Assignee == "Hana" }},
		{"resolve", nil, func(x models.Task) bool { return x.State == models.TaskResolved }},
	} {
		t.Run(c.action, func(t *testing.T) {
			form := url.Values{"action": {c.action}, "id": {itoa(mine.ID)}}
			for k, v := range c.extra {
				form[k] = v
			}
			if code, _ := bulk(hana, form, nil); code != 200 {
				t.Fatalf("bulk %s: %d", c.action, code)
			}
			got, _ := f.app.Store.Task(ctx, mine.ID)
			events, _ := f.app.Store.TaskEvents(ctx, mine.ID)
			if !c.check(got) || events[len(events)-1].Actor != "hana" {
				t.Errorf("after bulk %s: %+v, last event %+v", c.action, got, events[len(events)-1])
			}
		})
	}
	if code, _ := bulk(hana, url.Values{"action": {"delete"}, "id": {itoa(mine.ID)}}, nil); code != http.StatusBadRequest {
		t.Errorf("unknown bulk action: %d, want 400", code)
	}
}

func TestApprovalStep(t *testing.T) {
	f := newFixture(t, "")
	for _, n := range []string{"kei", "kaz", "hana"} {
		f.account(t, n, "") // roles from the config
	}
	kei, kaz, hana := f.login(t, "kei", testPassword), f.login(t, "kaz", testPassword), f.login(t, "hana", testPassword)
	ctx := context.Background()
	task := f.taskOf(t, "tokyo-ramen")
	page := "/tasks/" + itoa(task.ID)
	post := func(c *http.Client, action string, form url.Values) int {
		t.Helper()
		return postWith(t, c, f.srv.URL+page+"/"+action, form, nil).StatusCode
	}
	state := func() models.Task {
		t.Helper()
		got, err := f.app.Store.Task(ctx, task.ID)
		if err != nil {
			t.Fatal(err)
		}
		return got
	}

	code, body := getWith(t, kei, f.srv.URL+page)
	if code != 200 || !strings.Contains(body, `id="suggest"`) || strings.Contains(body, `id="reply"`) {
		t.Errorf("staff at a business needing approval: %d, suggest button %v, reply button %v", code, strings.Contains(body, `id="suggest"`), strings.Contains(body, `id="reply"`))
	}
	if !strings.Contains(body, "JST") || !strings.Contains(body, "返信") || !regexp.MustCompile(`\d+年\d+月\d+日\(.\) \d\d:\d\d JST`).MatchString(body) {
		t.Error("the Tokyo business's task page is not in Japanese with times in JST")
	}
	if code := post(kei, "reply", url.Values{"text": {"Sorry!"}}); code != http.StatusForbidden || state().State != models.TaskOpen {
		t.Errorf("staff replying directly: %d, task %s; want 403 and unchanged", code, state().State)
	}
	if code := post(kei, "draft", url.Values{"text": {"Kei's first go"}}); code != http.StatusSeeOther || state().Draft != "Kei's first go" {
		t.Errorf("saving the draft: %d, draft %q", code, state().Draft)
	}
	if code := post(kei, "suggest", url.Values{"text": {"Kei's suggestion <b>"}}); code != http.StatusSeeOther || state().State != models.TaskAwaitingApproval {
		t.Fatalf("suggesting: %d, task %s", code, state().State)
	}
	if code := post(kei, "approve", nil); code != http.StatusForbidden || state().State != models.TaskAwaitingApproval {
		t.Errorf("staff approving: %d, task %s; want 403", code, state().State)
	}
	if code, _ := getWith(t, hana, f.srv.URL+page); code != http.StatusNotFound {
		t.Errorf("staff of another business opening the task: %d, want 404", code)
	}
	if code := post(hana, "approve", nil); code != http.StatusNotFound {
		t.Errorf("staff of another business approving: %d, want 404", code)
	}
	_, body = getWith(t, kaz, f.srv.URL+page)
	if !strings.Contains(body, `id="approve"`) || !strings.Contains(body, "Kei&#39;s suggestion &lt;b&gt;") {
		t.Error("the manager's task page offers no approval of Kei's (escaped) suggestion")
	}
	if code := post(kaz, "approve", url.Values{"text": {"Kaz's final words"}}); code != http.StatusSeeOther {
		t.Fatalf("approving: %d", code)
	}
	got := state()
	events, _ := f.app.Store.TaskEvents(ctx, task.ID)
	var actions []string
	for _, e := range events {
		actions = append(actions, e.Actor+" "+e.Action)
	}
	last := events[len(events)-1]
	if got.State != models.TaskReplied || got.ReplyText != "Kaz's final words" || last.Action != "approved" || last.Actor != "kaz" || !strings.Contains(last.Note, "Kaz's final words") {
		t.Errorf("after approval: %s %q, last event %+v", got.State, got.ReplyText, last)
	}
	if !slices.Contains(actions, "kei draft_edited") || !slices.Contains(actions, "kei suggested") {
		t.Errorf("history %v lacks the draft and the suggestion", actions)
	}

	t.Run("send back", func(t *testing.T) {
		other := f.taskOf(t, "tokyo-ramen")
		p := "/tasks/" + itoa(other.ID)
		postWith(t, kei, f.srv.URL+p+"/suggest", url.Values{"text": {"Try this"}}, nil)
		if resp := postWith(t, kaz, f.srv.URL+p+"/send-back", url.Values{"note": {"too short"}}, nil); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("send back: %d", resp.StatusCode)
		}
		got, _ := f.app.Store.Task(ctx, other.ID)
		if got.State != models.TaskAcknowledged {
			t.Errorf("sent back task is %s, want acknowledged (back with staff)", got.State)
		}
	})

	t.Run("api", func(t *testing.T) {
		other := f.taskOf(t, "tokyo-ramen")
		a, _ := f.app.Store.AccountByName(ctx, "kei")
		res := f.api(t, f.token(t, a), "POST", "/api/v1/tasks/"+itoa(other.ID)+"/reply", `{"text":"direct"}`)
		if res.status != http.StatusForbidden {
			t.Errorf("staff replying through the API at a business needing approval: %d, want 403", res.status)
		}
	})

	// The same step through the JSON API, with the web pages' role
	// checks: staff draft and suggest, only a manager approves or sends
	// back, and another business's staff get 404.
	t.Run("api approval", func(t *testing.T) {
		other := f.taskOf(t, "tokyo-ramen")
		tokOf := func(name string) string {
			a, err := f.app.Store.AccountByName(ctx, name)
			if err != nil {
				t.Fatal(err)
			}
			return f.token(t, a)
		}
		keiTok, kazTok, hanaTok := tokOf("kei"), tokOf("kaz"), tokOf("hana")
		path := "/api/v1/tasks/" + itoa(other.ID) + "/"
		now := func() models.Task {
			t.Helper()
			got, err := f.app.Store.Task(ctx, other.ID)
			if err != nil {
				t.Fatal(err)
			}
			return got
		}
		for _, c := range []struct {
			name, token, action, body string
			status                    int
			state                     models.TaskState
		}{
			{"staff saves a draft", keiTok, "draft", `{"text":"Kei's draft"}`, 200, ""},
			{"staff suggests", keiTok, "suggest", `{"text":"Kei's <b>suggestion</b>"}`, 200, models.TaskAwaitingApproval},
			{"staff cannot approve", keiTok, "approve", "", 403, models.TaskAwaitingApproval},
			{"staff cannot send back", keiTok, "send-back", `{"note":"no"}`, 403, models.TaskAwaitingApproval},
			{"another business's staff", hanaTok, "approve", "", 404, models.TaskAwaitingApproval},
			{"manager sends back", kazTok, "send-back", `{"note":"name the refund"}`, 200, models.TaskAcknowledged},
			{"staff suggests again", keiTok, "suggest", `{"text":"We refunded you."}`, 200, models.TaskAwaitingApproval},
			{"manager approves", kazTok, "approve", `{"text":"We refunded you, sorry."}`, 200, models.TaskReplied},
			{"nothing left to approve", kazTok, "approve", "", 409, models.TaskReplied},
		} {
			res := f.api(t, c.token, "POST", path+c.action, c.body)
			got := now()
			if res.status != c.status || (c.state != "" && got.State != c.state) {
				t.Errorf("%s: %d, task %s; want %d, %s: %s", c.name, res.status, got.State, c.status, c.state, res.body)
			}
		}
		got := now()
		events, _ := f.app.Store.TaskEvents(ctx, other.ID)
		last := events[len(events)-1]
		if got.ReplyText != "We refunded you, sorry." || last.Action != "approved" || last.Actor != "kaz" {
			t.Errorf("after approval through the API: reply %q, last event %+v", got.ReplyText, last)
		}
	})
}

// TestTimesInTheBusinessZone: the inbox and the task page write each
// task's times in its business's zone with the zone's abbreviation.
func TestTimesInTheBusinessZone(t *testing.T) {
	f := newFixture(t, "")
	london := f.taskOf(t, "harbour-cafe")
	_, body := f.get(t, "/tasks/"+itoa(london.ID))
	want := london.DueAt.In(mustZone(t, "Europe/London")).Format("Mon 2 Jan 15:04 MST")
	if !strings.Contains(body, want) {
		t.Errorf("harbour-cafe's task page lacks its deadline in London time %q", want)
	}
	if strings.Contains(body, " UTC") {
		t.Error("the task page still writes times in UTC")
	}
	_, body = f.get(t, "/inbox?business=tokyo-ramen")
	if !strings.Contains(body, "受信箱") || !strings.Contains(body, " JST") {
		t.Error("the inbox of the Tokyo business is not in Japanese with JST times")
	}
	// Its task page names the flag's reasons and the issue categories in
	// Japanese too.
	_, body = f.get(t, "/tasks/"+itoa(f.taskOf(t, "tokyo-ramen").ID))
	if !strings.Contains(body, "苦情と判断した理由") || strings.Contains(body, "Why it was flagged") {
		t.Error("the Tokyo business's task page explains the flag in English")
	}
	// So does its dashboard, figures, charts and tables alike.
	_, body = f.get(t, "/dashboard?business=tokyo-ramen")
	for _, want := range []string{"平均評価", "日ごとの投稿と苦情", "取得元"} {
		if !strings.Contains(body, want) {
			t.Errorf("the Tokyo business's dashboard lacks %q", want)
		}
	}
	for _, english := range []string{"Average rating", "Rating trend", "Top issues", "Failed runs"} {
		if strings.Contains(body, english) {
			t.Errorf("the Tokyo business's dashboard still says %q", english)
		}
	}
}

func mustZone(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// TestTaskPageHistoryAndConversation: the task page shows the review's
// earlier version after an edit and the author's other posts at the
// same business and source, escaped like everything scraped.
func TestTaskPageHistoryAndConversation(t *testing.T) {
	f := newFixture(t, "")
	ctx := context.Background()
	task := f.hostileTask(t)
	m, err := f.app.Store.Mention(ctx, task.MentionID)
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(f.app.Sources(), func(s models.Source) bool { return s.ID == m.SourceID })
	src := f.app.Sources()[i]
	edited := m
	edited.Text = "Edited: still <i>cold</i>."
	other := models.Mention{ExternalID: "r-667", Author: m.Author, Text: "Earlier visit: <script>x()</script> fine.", PostedAt: time.Now().Add(-48 * time.Hour)}
	if _, err := f.app.Store.SaveMentions(ctx, src, []models.Mention{edited, other}); err != nil {
		t.Fatal(err)
	}
	_, body := f.get(t, "/tasks/"+itoa(task.ID))
	versions := regexp.MustCompile(`(?s)<details id="versions">.*?</details>`).FindString(body)
	if !strings.Contains(versions, "&lt;script&gt;alert(&#39;owned&#39;)&lt;/script&gt;") {
		t.Errorf("the edit history does not show the earlier text (escaped): %.300s", versions)
	}
	conv := regexp.MustCompile(`(?s)<div class="card" id="conversation">.*?</div>\s*</li></ul>`).FindString(body)
	if !strings.Contains(conv, "Earlier visit: &lt;script&gt;x()&lt;/script&gt; fine.") {
		t.Errorf("the conversation does not show the author's other post (escaped): %.300s", conv)
	}
	if strings.Contains(body, "<script>x()") || strings.Contains(body, "<i>cold</i>") {
		t.Error("scraped markup reached the task page unescaped")
	}
}
