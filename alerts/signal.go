package alerts

import (
	"context"
	"fmt"
	"github.com/earshot/earshot/i18n"
	"strings"
	"time"
	"unicode"

	"github.com/earshot/earshot/models"
	"github.com/earshot/earshot/scrapers/registry"
)

// This file is the policy between the model's complaint flag and a task:
// whether a social mention is about the business at all (relevance), and
// what the business's staff taught earshot by correcting the flag
// (corrections). Both run before the analysis is stored, so what the
// inbox, the digest and `earshot analyze` show is the verdict that
// decided, with its reasons.

// Signal judges mentions for one business: its names, handles and
// keywords, and its staff's corrections. It is pure (no I/O), so the
// pipeline and `earshot analyze --business` judge alike.
type Signal struct {
	terms   []term
	samples []sample
	// own are the words of the business's names, left out when comparing
	// mentions: every mention of it contains them.
	own map[string]bool
	// p writes the reasons in the business's locale: they name the
	// business and are what its owner reads under "why it was flagged".
	p i18n.Printer
}

// term is one way a mention can name the business.
type term struct {
	text   string // normalised, as searched for
	show   string // as reported in reasons
	handle bool
}

// sample is one correction, as compared with later mentions.
type sample struct {
	verdict   string
	mentionID int64
	words     map[string]bool
}

// Correction learning thresholds. A mention is like a corrected one when
// at least minOverlap of the smaller set of content words is shared.
// "Not a complaint" needs notComplaintVotes such corrections (one
// mistaken click must not hide real complaints), or one near-duplicate;
// "this is a complaint" needs one, since a missed complaint costs more
// than a false alarm.
const (
	minOverlap        = 0.6
	nearDuplicate     = 0.9
	notComplaintVotes = 2
	minWords          = 3
)

// NewSignal builds the judge for biz from its corrections (newest first).
func NewSignal(biz models.Business, cs []models.Correction) *Signal {
	s := &Signal{own: map[string]bool{}, p: i18n.For(biz.Locale, nil)}
	add := func(raw string, handle bool) {
		n := normalise(raw)
		if handle {
			n = strings.TrimPrefix(n, "@")
			if n == "" {
				return
			}
			s.terms = append(s.terms, term{text: "@" + n, show: "@" + n, handle: true}, term{text: "#" + n, show: "#" + n, handle: true}, term{text: n, show: "@" + n, handle: true})
			s.own[n] = true
			return
		}
		if len([]rune(n)) < 3 {
			return
		}
		s.terms = append(s.terms, term{text: n, show: fmt.Sprintf("%q", strings.TrimSpace(raw))})
		for w := range contentWords(n, nil) {
			s.own[w] = true
		}
	}
	for _, h := range biz.Handles {
		add(h, true)
	}
	add(biz.DisplayName, false)
	if strings.TrimSpace(biz.DisplayName) == "" {
		// The config name is an identifier ("rosies-diner"); it names the
		// business only when there is no display name.
		add(strings.NewReplacer("-", " ", "_", " ").Replace(biz.Name), false)
	}
	for _, k := range biz.Keywords {
		add(k, false)
	}
	for _, c := range cs {
		if c.Verdict != models.VerdictComplaint && c.Verdict != models.VerdictNotComplaint {
			continue
		}
		w := contentWords(normalise(c.Text), s.own)
		if len(w) < minWords {
			continue
		}
		s.samples = append(s.samples, sample{verdict: c.Verdict, mentionID: c.MentionID, words: w})
	}
	return s
}

// Social reports whether m comes from a social kind (a search or feed,
// where a mention may not be about the business at all). Review pages
// are the business's own.
func Social(m models.Mention) bool {
	if k, ok := registry.Lookup(m.SourceKind); ok {
		return k.Social()
	}
	return m.Rating == nil
}

// Relevance says whether a mention is about the business, and why.
func (s *Signal) Relevance(m models.Mention) (bool, string) {
	text := normalise(m.Title + " \n " + m.Text)
	trimmed := strings.TrimLeftFunc(text, unicode.IsSpace)
	for _, t := range s.terms {
		if t.handle && strings.HasPrefix(t.text, "@") && hasWordPrefix(trimmed, t.text) {
			return true, s.p.T("signal.reply_to", map[string]any{"Term": t.show})
		}
	}
	for _, t := range s.terms {
		if containsWord(text, t.text) {
			return true, s.p.T("signal.names", map[string]any{"Term": t.show})
		}
	}
	return false, s.p.T("signal.unrelated", nil)
}

// Judge applies relevance (social kinds only) and the business's
// corrections to an analysis, in place, adding its reasons.
func (s *Signal) Judge(m models.Mention, an *models.Analysis) {
	if Social(m) {
		ok, why := s.Relevance(m)
		an.Reasons = append(an.Reasons, why)
		if !ok {
			an.Unrelated = true
			if an.Complaint {
				an.Complaint = false
				an.Reasons = append(an.Reasons, s.p.T("signal.no_task", nil))
			}
			return
		}
	}
	s.correct(m, an)
}

// correct flips the complaint flag when the mention is like ones the
// business's staff corrected.
func (s *Signal) correct(m models.Mention, an *models.Analysis) {
	if len(s.samples) == 0 {
		return
	}
	words := contentWords(normalise(m.Title+" "+m.Text), s.own)
	if len(words) < minWords {
		return
	}
	var not, yes []int64
	near := ""
	for _, c := range s.samples {
		sim := overlap(words, c.words)
		if sim < minOverlap {
			continue
		}
		if c.verdict == models.VerdictComplaint {
			yes = append(yes, c.mentionID)
		} else {
			not = append(not, c.mentionID)
			if sim >= nearDuplicate && near == "" {
				near = fmt.Sprintf("mention %d", c.mentionID)
			}
		}
	}
	switch {
	case an.Complaint && len(not) > len(yes) && (len(not) >= notComplaintVotes || near != ""):
		an.Complaint = false
		an.Reasons = append(an.Reasons, s.p.N("signal.used_not", len(not), map[string]any{"IDs": ids(not)}))
	case !an.Complaint && len(yes) > 0 && len(yes) >= len(not):
		an.Complaint = true
		if an.Severity < 1 {
			an.Severity = 1
		}
		an.Reasons = append(an.Reasons, s.p.N("signal.used_yes", len(yes), map[string]any{"IDs": ids(yes)}))
	case len(not)+len(yes) > 0:
		an.Reasons = append(an.Reasons, s.p.T("signal.checked", map[string]any{"Count": len(not) + len(yes)}))
	}
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}

func ids(xs []int64) string {
	var b strings.Builder
	for i, x := range xs {
		if i == 5 {
			fmt.Fprintf(&b, ", …")
			break
		}
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%d", x)
	}
	return b.String()
}

// normalise lower-cases text and folds typographic apostrophes, so
// "Rosie’s Diner" names "rosie's diner"; apostrophes are then dropped so
// "rosies diner" matches too.
func normalise(s string) string {
	s = strings.ToLower(s)
	return strings.NewReplacer("’", "", "'", "", "‘", "", "`", "").Replace(s)
}

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_' }

// containsWord reports whether needle occurs in text with no letter or
// digit right before or after it ("java" is not in "javascript").
func containsWord(text, needle string) bool {
	for i := 0; ; {
		j := strings.Index(text[i:], needle)
		if j < 0 {
			return false
		}
		at := i + j
		end := at + len(needle)
		before, after := ' ', ' '
		if at > 0 {
			before = lastRune(text[:at])
		}
		if end < len(text) {
			after = []rune(text[end:min(end+4, len(text))])[0]
		}
		first := []rune(needle)[0]
		if after == 's' && !isWordRune(runeAt(text, end+1)) {
			// A possessive with its apostrophe folded away: "grind houses".
			after = ' '
		}
		if (at == 0 || !isWordRune(first) || !isWordRune(before)) && (end == len(text) || !isWordRune(after)) {
			return true
		}
		i = at + 1
		for i < len(text) && text[i]&0xC0 == 0x80 {
			i++
		}
	}
}

// runeAt is the rune starting at byte i of s, or a space past its end.
func runeAt(s string, i int) rune {
	if i >= len(s) {
		return ' '
	}
	return []rune(s[i:min(i+4, len(s))])[0]
}

func hasWordPrefix(text, needle string) bool {
	if !strings.HasPrefix(text, needle) {
		return false
	}
	rest := text[len(needle):]
	return rest == "" || !isWordRune([]rune(rest[:min(4, len(rest))])[0])
}

func lastRune(s string) rune {
	r := []rune(s[max(0, len(s)-4):])
	return r[len(r)-1]
}

// stop are words too common to make two mentions alike.
var stop = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`the and for are but not you your our was were this that with have has had its
		they them their there then than what when who how all any can just from out about into over very really
		too also been being will would could should get got one here some more most much such only own same
		him her his she he we me my i a an of to in on at it is be as or by so do did does no yes if up`) {
		stop[w] = true
	}
}

// contentWords are the distinct words of text worth comparing: letters
// and digits, at least three long or any non-Latin run, minus stop words
// and the business's own names.
func contentWords(text string, own map[string]bool) map[string]bool {
	out := map[string]bool{}
	for _, w := range strings.FieldsFunc(text, func(r rune) bool { return !isWordRune(r) }) {
		if stop[w] || own[w] {
			continue
		}
		if len([]rune(w)) < 3 && isASCII(w) {
			continue
		}
		out[w] = true
	}
	return out
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// overlap is the share of the smaller word set found in the other.
func overlap(a, b map[string]bool) float64 {
	if len(a) > len(b) {
		a, b = b, a
	}
	if len(a) == 0 {
		return 0
	}
	n := 0
	for w := range a {
		if b[w] {
			n++
		}
	}
	return float64(n) / float64(len(a))
}

// Unreadable reports whether the analysis could not read the mention's
// language (it was judged from the star rating alone, if any).
func Unreadable(an models.Analysis) bool {
	for _, r := range an.Reasons {
		if strings.HasPrefix(r, "unsupported language") || strings.HasPrefix(r, "needs a human read") {
			return true
		}
	}
	return false
}

// foreign is the mention's language when it is a known one other than
// English, for the task and the inbox.
func foreign(an models.Analysis) string {
	switch an.Language {
	case "", "en", "und":
		return ""
	}
	return an.Language
}

// JudgeTx is what Judge reads.
type JudgeTx interface {
	Business(ctx context.Context, id int64) (models.Business, error)
	Corrections(ctx context.Context, businessID int64) ([]models.Correction, error)
}

// Judge applies the business's relevance and corrections to an analysis
// before it is stored (see Signal).
func (a *Alerter) Judge(ctx context.Context, tx JudgeTx, m models.Mention, an *models.Analysis) error {
	ans := []models.Analysis{*an}
	err := a.JudgeAll(ctx, tx, []models.Mention{m}, ans)
	*an = ans[0]
	return err
}

// JudgeAll is Judge for a batch (ans[i] made from ms[i]): each business's
// corrections are read, and its Signal built, once per batch rather than
// once per mention. It judges ans in place.
func (a *Alerter) JudgeAll(ctx context.Context, tx JudgeTx, ms []models.Mention, ans []models.Analysis) error {
	signals := map[int64]*Signal{}
	for i, m := range ms {
		sig := signals[m.BusinessID]
		if sig == nil {
			biz, err := tx.Business(ctx, m.BusinessID)
			if err != nil {
				return fmt.Errorf("alerts: judge mention %d: %w", m.ID, err)
			}
			cs, err := tx.Corrections(ctx, biz.ID)
			if err != nil {
				return fmt.Errorf("alerts: judge mention %d: %w", m.ID, err)
			}
			sig = NewSignal(biz, cs)
			signals[m.BusinessID] = sig
		}
		sig.Judge(m, &ans[i])
	}
	return nil
}

// SilentTx is what Silent reads.
type SilentTx interface {
	ExistingDedupKeys(ctx context.Context, keys []string) (map[string]bool, error)
}

// Silent reports, for each analysis of a batch (ans[i] made from ms[i]),
// whether OnAnalysis would do nothing with it, so a backfill of history
// need not call it 20,000 times: a complaint held back (answered on the
// site, or posted before the alert window) that opens no follow-up and
// whose mention has no apology task yet to reopen. One query per batch
// looks for those tasks. Anything else is not silent.
func (a *Alerter) Silent(ctx context.Context, tx SilentTx, ms []models.Mention, ans []models.Analysis) ([]bool, error) {
	out, whys := make([]bool, len(ms)), make([]string, len(ms))
	var keys []string
	for i, m := range ms {
		if !ans[i].Complaint {
			continue
		}
		why, held, followUp := a.withoutApology(m)
		whys[i] = why
		if !held || followUp {
			continue
		}
		out[i] = true
		keys = append(keys, dedupKey(m.ID))
	}
	if len(keys) == 0 {
		return out, nil
	}
	tasked, err := tx.ExistingDedupKeys(ctx, keys)
	if err != nil {
		return nil, fmt.Errorf("alerts: tasks of %d complaints: %w", len(keys), err)
	}
	for i, m := range ms {
		if out[i] && tasked[dedupKey(m.ID)] {
			out[i] = false
		} else if out[i] {
			a.log.Debug("complaint opens no task", "mention", m.ID, "why", whys[i])
		}
	}
	return out, nil
}

// withoutApology is how a complaint whose mention has no task yet is
// handled when it is held back (held, with why): it opens nothing, or,
// when it was answered on the site within the alert window and the
// policy wants it, a follow-up (followUp). OnAnalysis acts on it and
// Silent predicts it, from this one rule.
func (a *Alerter) withoutApology(m models.Mention) (why string, held, followUp bool) {
	why, held = a.held(m)
	if !held {
		return "", false, false
	}
	_, old := a.Old(m)
	return why, true, !old && a.cfg.Alerts.FollowUpAnswered
}

// held says why a mention, although a complaint, opens no apology task:
// the owner already answered it on the site, or it was posted before the
// alert window (a first import or a backfill reading history).
func (a *Alerter) held(m models.Mention) (string, bool) {
	if strings.TrimSpace(m.Reply) != "" {
		return "already answered on the site", true
	}
	if old, ok := a.Old(m); ok {
		return old, true
	}
	return "", false
}

// Old reports whether m was posted (or last edited) before the alert
// window; a mention with no posting time is taken as new.
func (a *Alerter) Old(m models.Mention) (string, bool) {
	win := a.cfg.Alerts.AlertWindow.D()
	if !isOld(m, a.clock.Now(), win) {
		return "", false
	}
	return fmt.Sprintf("posted %s, before the alert window of %s", lastTouched(m).UTC().Format(time.DateOnly), win), true
}

func lastTouched(m models.Mention) time.Time {
	at := m.PostedAt
	if m.EditedAt != nil && m.EditedAt.After(at) {
		at = *m.EditedAt
	}
	return at
}

func isOld(m models.Mention, now time.Time, win time.Duration) bool {
	at := lastTouched(m)
	return !at.IsZero() && win > 0 && now.Sub(at) > win
}
