package cli_test

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"testing"
)

var snake = regexp.MustCompile(`^[a-z][a-z0-9]*(_[a-z0-9]+)*$`)

// nonSnakeKeys lists every object key in v, at any depth, that is not
// snake_case.
func nonSnakeKeys(v any, path string, bad *[]string) {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			if !snake.MatchString(k) {
				*bad = append(*bad, path+"."+k)
			}
			nonSnakeKeys(e, path+"."+k, bad)
		}
	case []any:
		for i, e := range x {
			nonSnakeKeys(e, fmt.Sprintf("%s[%d]", path, i), bad)
		}
	}
}

// What a user of `tasks` notices: a name assigned with any case lists
// back with any case, an empty JSON list is [] (not null), the JSON keys
// are all snake_case, the table names the business, and a wrong number
// of arguments is said in plain words.
func TestTasksListAssigneeJSONAndBusiness(t *testing.T) {
	cfg, ids := seedTasks(t)
	env := map[string]string{"USER": "sam"}
	id := fmt.Sprint(ids[0])
	tasks := func(args ...string) result {
		t.Helper()
		r := run(t, env, append([]string{"-config", cfg, "tasks"}, args...)...)
		if r.code != 0 {
			t.Fatalf("tasks %s: exit %d\n%s%s", strings.Join(args, " "), r.code, r.stdout, r.stderr)
		}
		return r
	}
	if r := tasks("assign", id, "rosie"); !strings.Contains(r.stdout, "assigned to Rosie") {
		t.Fatalf("assign: %s", r.stdout)
	}
	for _, name := range []string{"rosie", "ROSIE", "Rosie"} {
		t.Run("assignee "+name, func(t *testing.T) {
			var got []map[string]any
			if err := json.Unmarshal([]byte(tasks("list", "--assignee", name, "--json").stdout), &got); err != nil {
				t.Fatal(err)
			}
			if len(got) != 1 || fmt.Sprint(got[0]["id"]) != id || got[0]["assignee"] != "Rosie" {
				t.Fatalf("--assignee %s: %v, want task %s assigned to Rosie", name, got, id)
			}
		})
	}
	t.Run("empty list is []", func(t *testing.T) {
		if out := strings.TrimSpace(tasks("list", "--assignee", "nobody", "--json").stdout); out != "[]" {
			t.Fatalf("empty --json list prints %q, want []", out)
		}
	})
	t.Run("snake_case keys", func(t *testing.T) {
		var list, show any
		if err := json.Unmarshal([]byte(tasks("list", "--json").stdout), &list); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal([]byte(tasks("show", id, "--json").stdout), &show); err != nil {
			t.Fatal(err)
		}
		var bad []string
		nonSnakeKeys(list, "list", &bad)
		nonSnakeKeys(show, "show", &bad)
		if len(bad) > 0 {
			t.Errorf("keys not in snake_case: %s", strings.Join(bad, ", "))
		}
		m := show.(map[string]any)
		for _, k := range []string{"business", "author", "remaining", "mention", "events", "can_post"} {
			if _, ok := m[k]; !ok {
				t.Errorf("show --json lacks %q", k)
			}
		}
	})
	t.Run("business column", func(t *testing.T) {
		out := tasks("list").stdout
		header, rest, _ := strings.Cut(out, "\n")
		if !strings.Contains(header, "BUSINESS") || !strings.Contains(rest, "rosies") {
			t.Fatalf("tasks list has no business column:\n%s", out)
		}
	})
	t.Run("argument count in words", func(t *testing.T) {
		r := run(t, env, "-config", cfg, "tasks", "show")
		if r.code != 2 || !strings.Contains(r.stderr, "takes 1 argument, got 0") || strings.Contains(r.stderr, "(s)") {
			t.Fatalf("exit %d: %s", r.code, r.stderr)
		}
		r = run(t, env, "-config", cfg, "tasks", "assign", id)
		if !strings.Contains(r.stderr, "takes 2 arguments, got 1") {
			t.Fatalf("exit %d: %s", r.code, r.stderr)
		}
	})
}
