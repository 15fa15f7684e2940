package cli_test

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"testing"
)

// TestTasksInJapanese reads a Japanese business's tasks the way its
// owner does: `tasks list` and `tasks show` speak Japanese, with the
// deadline as a Japanese date in the business's zone, while --json keeps
// the machine words scripts rely on, and scraped text stays harmless.
func TestTasksInJapanese(t *testing.T) {
	cfg, ids := seedTasksFor(t, "    locale: ja\n    time_zone: Asia/Tokyo\n")
	env := map[string]string{"USER": "sam"}
	id := fmt.Sprint(ids[0])
	jaDate := regexp.MustCompile(`期限：\d{4}年\d{1,2}月\d{1,2}日\([日月火水木金土]\) \d{2}:\d{2} JST`)
	for _, c := range []struct {
		args     []string
		want     []string
		pattern  *regexp.Regexp
		unwanted []string
	}{
		{[]string{"tasks", "list"}, []string{"状態", "期限", "担当", "未対応", "期限まであと", "Cold food"}, nil,
			[]string{"STATE", "DEADLINE", " open ", "due in", "\x1b"}},
		{[]string{"tasks", "show", id}, []string{"タスク " + id + "（お詫び）— 未対応、期限まであと", "店舗：rosies", "担当：Sam", "重大度：3",
			"返信の下書き：", "履歴：", "起票", "上のリンク先で返信してから"}, jaDate,
			[]string{"Draft reply:", "History:", "Deadline", "\x1b"}},
		{[]string{"tasks", "ack", id, "--as", "Sam"}, []string{"タスク " + id + " をSamさんが確認しました。"}, nil, []string{"acknowledged by"}},
		{[]string{"tasks", "show", id}, []string{"対応中", "確認"}, nil, nil},
	} {
		t.Run(strings.Join(c.args, " "), func(t *testing.T) {
			r := run(t, env, append([]string{"-config", cfg}, c.args...)...)
			if r.code != 0 {
				t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
			}
			for _, w := range c.want {
				if !strings.Contains(r.stdout, w) {
					t.Errorf("output lacks %q:\n%s", w, r.stdout)
				}
			}
			if c.pattern != nil && !c.pattern.MatchString(r.stdout) {
				t.Errorf("output lacks a Japanese deadline (%s):\n%s", c.pattern, r.stdout)
			}
			for _, w := range c.unwanted {
				if strings.Contains(r.stdout, w) {
					t.Errorf("output has %q:\n%s", w, r.stdout)
				}
			}
		})
	}
	t.Run("json unchanged", func(t *testing.T) {
		r := run(t, env, "-config", cfg, "tasks", "show", id, "--json")
		var d struct {
			State, Kind, Remaining string
		}
		if err := json.Unmarshal([]byte(r.stdout), &d); err != nil {
			t.Fatalf("%v\n%s", err, r.stdout)
		}
		if d.State != "acknowledged" || d.Kind != "apology" || !strings.HasPrefix(d.Remaining, "due in") {
			t.Errorf("--json of a Japanese business's task changed: %+v", d)
		}
	})
}

// TestAnalyzeReasonsInJapanese: the reasons `earshot analyze --business`
// adds about a Japanese business are in Japanese; the analyzer's own
// reasons (which name no business) stay as they are.
func TestAnalyzeReasonsInJapanese(t *testing.T) {
	cfg, _ := seedTasksFor(t, "    locale: ja\n")
	for _, c := range []struct {
		text, want, unwanted string
	}{
		{"Rosie's Diner lost my booking and nobody called back", `関連あり："Rosie's Diner" に言及`, "relevant:"},
		{"Java at Netflix is a disaster, the build is broken", "この店舗についての投稿ではありません", "not about the business"},
	} {
		t.Run(c.text, func(t *testing.T) {
			r := run(t, nil, "-config", cfg, "analyze", "--business", "rosies", "--source", "mastodon", c.text)
			if r.code != 0 || !strings.Contains(r.stdout, c.want) || strings.Contains(r.stdout, c.unwanted) {
				t.Errorf("exit %d; want %q and not %q:\n%s%s", r.code, c.want, c.unwanted, r.stdout, r.stderr)
			}
		})
	}
}
