package digest

import (
	"net/url"
	"strconv"
	"strings"

	"github.com/earshot/earshot/i18n"
)

// Filters of the inbox a digest figure links to.
const (
	inboxAll     = "all"
	inboxOverdue = "overdue"
)

// webURL is a page of the web app under d.BaseURL (server.base_url), or
// "" when the digest is rendered without one (a preview in a terminal).
// Paths are fixed words and ids; the only names in queries are the
// business's and its sources' names from the config, never scraped text.
func (d *Digest) webURL(path string, q url.Values) string {
	if d.BaseURL == "" {
		return ""
	}
	u := strings.TrimRight(d.BaseURL, "/") + path
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	return safeURL(u)
}

// inboxURL is the inbox filtered to the business's tasks: every one
// (inboxAll, the complaints behind the week's figures) or the overdue
// ones.
func (d *Digest) inboxURL(filter string) string {
	q := url.Values{"business": {d.Business.Name}}
	switch filter {
	case inboxOverdue:
		q.Set("overdue", "1")
	default:
		q.Set("all", "1")
	}
	return d.webURL("/inbox", q)
}

// sourceInboxURL is the inbox filtered to one source's tasks.
func (d *Digest) sourceInboxURL(source string) string {
	return d.webURL("/inbox", url.Values{"business": {d.Business.Name}, "source": {source}, "all": {"1"}})
}

func (d *Digest) taskURL(id int64) string {
	return d.webURL("/tasks/"+strconv.FormatInt(id, 10), nil)
}

// overdueArgs are the facts of one overdue task for its line.
func overdueArgs(p i18n.Printer, t OverdueTask) map[string]any {
	who := ""
	if t.Assignee != "" {
		who = p.T("digest.overdue.who", map[string]any{"Name": oneLine(t.Assignee, 40)})
	}
	return map[string]any{"ID": t.ID, "Kind": t.Kind, "Sev": t.Severity, "Who": who, "Late": human(p, t.Late), "Due": p.ShortDateTime(t.DueAt)}
}
