package store

import (
	"context"
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/earshot/earshot/models"
)

// TaskSort is an order of task lists. Each is backed by an index
// (idx_tasks_next, idx_tasks_newest, idx_tasks_severity), so a page of
// any of them is an index range, and each ends in the task ID so the
// order is total and keyset paging never skips or repeats a task.
type TaskSort string

// The sorts of the inbox.
const (
	// SortDeadline: when the task needs attention next (the follow-up
	// date once replied, else the reply deadline), soonest first.
	SortDeadline TaskSort = "deadline"
	// SortNewest: most recently opened first.
	SortNewest TaskSort = "newest"
	// SortSeverity: most severe first, then by deadline.
	SortSeverity TaskSort = "severity"
)

// TaskSorts lists the sorts, the default first.
var TaskSorts = []TaskSort{SortDeadline, SortNewest, SortSeverity}

// ParseTaskSort reads a sort name; "" is SortDeadline.
func ParseTaskSort(s string) (TaskSort, error) {
	if s == "" {
		return SortDeadline, nil
	}
	for _, x := range TaskSorts {
		if string(x) == s {
			return x, nil
		}
	}
	return SortDeadline, fmt.Errorf("store: sort %q: %w (use deadline, newest or severity)", s, ErrBadSort)
}

const nextAt = "COALESCE(follow_up_at, due_at)"

// order is the ORDER BY of a sort.
func (o TaskSort) order() string {
	switch o {
	case SortNewest:
		return "opened_at DESC, id DESC"
	case SortSeverity:
		return "severity DESC, " + nextAt + ", id"
	}
	return nextAt + ", id"
}

// TaskCursor is where a page of tasks ended: the sort it was made for
// and the sort key and ID of the page's last task. The zero cursor is
// the start of the list.
type TaskCursor struct {
	Sort TaskSort
	// NextAt is the deadline key (SortDeadline, SortSeverity); OpenedAt
	// the key of SortNewest; Severity that of SortSeverity.
	NextAt   time.Time
	OpenedAt time.Time
	Severity int
	ID       int64
}

// IsZero reports the start of the list.
func (c TaskCursor) IsZero() bool { return c.ID == 0 }

// String is the cursor as an opaque token for a URL or a flag. A
// deadline cursor keeps the form earlier versions handed out
// ("time|id"), so bookmarked page links still work.
func (c TaskCursor) String() string {
	if c.IsZero() {
		return ""
	}
	var raw string
	switch c.Sort {
	case SortNewest:
		raw = "n|" + c.OpenedAt.UTC().Format(time.RFC3339Nano) + "|" + strconv.FormatInt(c.ID, 10)
	case SortSeverity:
		raw = "s|" + strconv.Itoa(c.Severity) + "|" + c.NextAt.UTC().Format(time.RFC3339Nano) + "|" + strconv.FormatInt(c.ID, 10)
	default:
		raw = c.NextAt.UTC().Format(time.RFC3339Nano) + "|" + strconv.FormatInt(c.ID, 10)
	}
	return base64.RawURLEncoding.EncodeToString([]byte(raw))
}

// ParseTaskCursor reads a token made by TaskCursor.String ("" is the
// start).
func ParseTaskCursor(tok string) (TaskCursor, error) {
	if tok == "" {
		return TaskCursor{}, nil
	}
	bad := fmt.Errorf("store: %w: cursor %q", ErrBadCursor, tok)
	raw, err := base64.RawURLEncoding.DecodeString(tok)
	if err != nil {
		return TaskCursor{}, bad
	}
	parts := strings.Split(string(raw), "|")
	c := TaskCursor{Sort: SortDeadline}
	var at string
	switch {
	case len(parts) == 2:
		at = parts[0]
	case len(parts) == 3 && parts[0] == "n":
		c.Sort, at = SortNewest, parts[1]
	case len(parts) == 4 && parts[0] == "s":
		c.Sort, at = SortSeverity, parts[2]
		if c.Severity, err = strconv.Atoi(parts[1]); err != nil {
			return TaskCursor{}, bad
		}
	default:
		return TaskCursor{}, bad
	}
	t, terr := time.Parse(time.RFC3339Nano, at)
	n, nerr := strconv.ParseInt(parts[len(parts)-1], 10, 64)
	if terr != nil || nerr != nil || n <= 0 {
		return TaskCursor{}, bad
	}
	c.ID = n
	if c.Sort == SortNewest {
		c.OpenedAt = t
	} else {
		c.NextAt = t
	}
	return c, nil
}

// CursorOf is the cursor just after task t in the deadline order.
func CursorOf(t models.Task) TaskCursor { return cursorIn(SortDeadline, t) }

// cursorIn is the cursor just after task t in order o.
func cursorIn(o TaskSort, t models.Task) TaskCursor {
	next := t.DueAt
	if t.FollowUpAt != nil {
		next = *t.FollowUpAt
	}
	return TaskCursor{Sort: o, NextAt: next, OpenedAt: t.OpenedAt, Severity: t.Severity, ID: t.ID}
}

// after is the keyset condition of the tasks after c in its order.
func (c TaskCursor) after() (string, []any) {
	switch c.Sort {
	case SortNewest:
		at := c.OpenedAt.UTC()
		return "(opened_at < ? OR (opened_at = ? AND id < ?))", []any{at, at, c.ID}
	case SortSeverity:
		at := c.NextAt.UTC()
		return "(severity < ? OR (severity = ? AND (" + nextAt + " > ? OR (" + nextAt + " = ? AND id > ?))))",
			[]any{c.Severity, c.Severity, at, at, c.ID}
	}
	at := c.NextAt.UTC()
	return "(" + nextAt + " > ? OR (" + nextAt + " = ? AND id > ?))", []any{at, at, c.ID}
}

// searchClause is the condition keeping tasks whose mention matches
// every word of q, and its one argument; ok is false for a query with no
// words. The words are passed as a bound parameter, never spliced into
// the SQL: on SQLite each word becomes a quoted FTS5 string (so "OR",
// "NEAR" or a stray quote are words to find, not query syntax), on
// PostgreSQL plainto_tsquery reads the text as plain words.
func (s *Store) searchClause(q string) (string, any, bool) {
	words := searchWords(q)
	if len(words) == 0 {
		return "", nil, false
	}
	if s.driver == "postgres" {
		// The task's own copy of its mention's words (migration 00280,
		// kept by triggers): its GIN index is ANDed with the tasks'
		// state, business or order index, where matching the mentions'
		// index and joining the matches to the tasks cost 80–170 ms at
		// 1,000,000 mentions (BENCHMARKS.md, inbox run 6).
		return "search_vector @@ plainto_tsquery('simple', ?)", strings.Join(words, " "), true
	}
	quoted := make([]string, len(words))
	for i, w := range words {
		quoted[i] = `"` + strings.ReplaceAll(w, `"`, `""`) + `"`
	}
	// Driven from the matches: the few thousand tasks of matching
	// mentions are found by rowid and sorted, rather than the task order
	// index walked and each task tested (CROSS JOIN fixes the join order
	// in SQLite).
	return "id IN (SELECT t.id FROM mentions_fts CROSS JOIN tasks AS t ON t.mention_id = mentions_fts.rowid WHERE mentions_fts MATCH ?)", strings.Join(quoted, " "), true
}

// searchWords splits a search into words the way both tokenizers do
// (letters and digits; everything else separates), at most 16 of them.
func searchWords(q string) []string {
	words := strings.FieldsFunc(q, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsNumber(r) && !unicode.Is(unicode.Mn, r) })
	return words[:min(len(words), 16)]
}

// Conversation lists, newest first and at most limit, the other
// mentions around m: by the same author at the same business and source
// (idx_mentions_author), and in the same thread when the source gave one
// (idx_mentions_thread). Staff answering a complaint see what else the
// customer said and what was said around it.
func (s *Store) Conversation(ctx context.Context, m models.Mention, limit int) ([]models.Mention, error) {
	var out []models.Mention
	q := s.q(ctx).Where("business_id = ? AND source_kind = ? AND id <> ?", m.BusinessID, m.SourceKind, m.ID)
	switch {
	case m.ThreadID != "" && m.Author != "":
		q = q.Where("(author = ? OR thread_id = ?)", m.Author, m.ThreadID)
	case m.ThreadID != "":
		q = q.Where("thread_id = ?", m.ThreadID)
	case m.Author != "":
		q = q.Where("author = ?", m.Author)
	default:
		return nil, nil
	}
	if err := q.Order("posted_at DESC, id DESC").Limit(limit).Find(&out).Error; err != nil {
		return nil, fmt.Errorf("store: conversation of mention %d: %w", m.ID, err)
	}
	return out, nil
}
