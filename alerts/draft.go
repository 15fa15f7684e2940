package alerts

import (
	"fmt"
	"hash/fnv"
	"strconv"
	"strings"
	"text/template"
	"unicode"
	"unicode/utf8"

	"github.com/earshot/earshot/config"
	"github.com/earshot/earshot/models"
)

// DraftData is what a reply-draft template sees. Templates are written by
// the operator (alerts.templates in the config); every field is plain
// text, and drafts are plain text too: they are posted to platforms, not
// rendered as HTML.
type DraftData struct {
	// Customer is the name to greet: the author's first name, or their
	// @handle on social networks, or "there" when unknown (empty in the
	// templates of other languages, which greet in their own way).
	Customer string
	// Business is the business's display name.
	Business string
	// Issues are the problems the analyzer named, in plain words ("the
	// 45-minute wait", "the cold food"), for apologising for each one; a
	// noun only mentioned in a negative sentence is not one; in other
	// languages, the analyzer's terms in the reviewer's words
	// ("料理が冷めていた", "comida fría").
	Issues []string
	// Language is the ISO 639-1 code of the draft's language.
	Language string
	// Social is true for posts on social networks.
	Social bool
	// Contact is the private channel to invite the customer to.
	Contact string
	// Kind is the source kind (twitter, mastodon, trustpilot...).
	Kind string
	// Stars is the rating, 0 for posts without one.
	Stars int
	// Short asks for the shortest version: set on the second try when the
	// first draft exceeds the platform's length limit.
	Short bool
}

// DefaultReviewDraft is the first of the built-in review drafts, the one
// the README shows.
const DefaultReviewDraft = `Hi {{.Customer}}, thank you for telling us about your experience
{{- if .Issues}}, and we're sorry about {{and .Issues}}{{end}}.
{{- if .Short}} We have passed this on to the team.{{else}} That is not what we want for anyone at {{.Business}}, and we have shared your feedback with the team so it does not happen again.{{end}}
{{- if .Short}} Please get in touch so we can help.{{else}} We would like to hear more and put this right: please get in touch with us directly.{{end}}`

// DefaultSocialDraft is the first of the built-in social drafts: shorter,
// and inviting the customer to a private channel, where details belong.
const DefaultSocialDraft = `{{if .Short}}Sorry, {{.Customer}}{{else}}Hi {{.Customer}}, we're sorry{{end}}
{{- if .Issues}} about {{and .Issues}}{{end}}.
{{- if .Short}} Could you {{.Contact}}?{{else}} That's not the experience we want at {{.Business}}. Could you {{.Contact}} so we can put this right?{{end}}`

// DefaultReviewDrafts are the built-in English review drafts. A page of
// public replies that all open with the same sentence reads as a form
// letter (Birdeye rotates up to ten templates for that reason), so each
// complaint gets one of these, chosen by the mention (draftVariant), and
// a re-draft of the same mention gets the same one. Each apologises for
// the problems the customer named, or for the experience when none was
// named, promises nothing, offers no compensation and invites the
// customer to get in touch; each has a Short form for tight limits.
// "there" is the Customer of an unknown author, so every greeting must
// read well with it ("Hi there", "Hello there").
var DefaultReviewDrafts = []string{
	DefaultReviewDraft,

	`Hi {{.Customer}}, we're sorry {{if .Issues}}about {{and .Issues}}{{else}}that we let you down{{end}}, and thank you for letting us know.
{{- if .Short}} The team has heard about it.{{else}} The team at {{.Business}} has read your review, and we are looking at what went wrong.{{end}}
{{- if .Short}} Please contact us so we can help.{{else}} Please contact us directly so we can talk it through and make it right.{{end}}`,

	`Hello {{.Customer}}, thank you for your honest review
{{- if .Issues}}. We apologise for {{and .Issues}}.{{else}}, and we apologise that we let you down.{{end}}
{{- if .Short}} We have shared it with the team.{{else}} It is not the standard we hold ourselves to at {{.Business}}, and the team has been told so it is not repeated.{{end}}
{{- if .Short}} Please reach out to us directly.{{else}} If you are willing, please reach out to us directly so we can hear the whole story.{{end}}`,

	`Hi {{.Customer}}, we were sorry to read about {{if .Issues}}{{and .Issues}}{{else}}your experience{{end}}.
{{- if .Short}} Thank you for telling us.{{else}} Thank you for taking the time to tell us; it has gone straight to the team at {{.Business}}.{{end}}
{{- if .Short}} Please get in touch with us.{{else}} We would welcome the chance to put things right, so please get in touch with us directly.{{end}}`,

	`Hello {{.Customer}}, this is not the experience we want anyone to have at {{.Business}}
{{- if .Issues}}, and we apologise for {{and .Issues}}{{end}}.
{{- if .Short}} We have told the team.{{else}} Thank you for raising it: we have shared your review with the team and are looking into it.{{end}}
{{- if .Short}} Please contact us directly.{{else}} Please contact us directly so we can understand what happened and make it right.{{end}}`,

	`Hi {{.Customer}}, thank you for your review
{{- if .Issues}}. We're truly sorry about {{and .Issues}}.{{else}}, and we're truly sorry it was not what you expected.{{end}}
{{- if .Short}} The team knows.{{else}} Your feedback has been passed to the team at {{.Business}} so we can do better.{{end}}
{{- if .Short}} Please get in touch so we can help.{{else}} We would like to make this right, so please get in touch with us directly.{{end}}`,

	`Hi {{.Customer}}, we owe you an apology{{if .Issues}} for {{and .Issues}}{{end}}.
{{- if .Short}} We have passed this on.{{else}} That falls short of what we aim for at {{.Business}}, and the team has heard about it.{{end}}
{{- if .Short}} Please get in touch.{{else}} Please get in touch with us directly; we would like to hear more and put it right.{{end}}`,

	`Hello {{.Customer}}, thank you for letting us know{{if .Issues}} about {{and .Issues}}{{end}}, and please accept our apologies.
{{- if .Short}} The team is looking into it.{{else}} Everyone at {{.Business}} wants to get this right, and the team is looking into what happened.{{end}}
{{- if .Short}} Please contact us directly.{{else}} We would be grateful for the chance to talk it through: please contact us directly.{{end}}`,
}

// DefaultSocialDrafts are the built-in English drafts for posts on social
// networks, rotated like DefaultReviewDrafts; each asks the customer to
// {{.Contact}} and keeps its Short form within a post's limit.
var DefaultSocialDrafts = []string{
	DefaultSocialDraft,

	`Hello {{.Customer}}, sorry to hear {{if .Issues}}about {{and .Issues}}{{else}}this{{end}}.
{{- if .Short}} Could you {{.Contact}}?{{else}} We'd like to help: could you {{.Contact}} so the team at {{.Business}} can look into it?{{end}}`,

	`Hi {{.Customer}}, thanks for telling us{{if .Issues}} about {{and .Issues}}{{end}}, and sorry we let you down.
{{- if .Short}} Could you {{.Contact}}?{{else}} Could you {{.Contact}} with the details so we can put it right?{{end}}`,

	`Hi {{.Customer}}, we apologise for {{if .Issues}}{{and .Issues}}{{else}}this{{end}}.
{{- if .Short}} Please {{.Contact}}.{{else}} That's not what we want at {{.Business}}. Please {{.Contact}} so we can sort it out.{{end}}`,

	`Hello {{.Customer}}, that isn't good enough{{if .Issues}}, and we're sorry about {{and .Issues}}{{end}}.
{{- if .Short}} Please {{.Contact}}.{{else}} Could you {{.Contact}} so the team at {{.Business}} can help?{{end}}`,

	`Hi {{.Customer}}, sorry{{if .Issues}} about {{and .Issues}}{{end}}: this isn't how it should be.
{{- if .Short}} Could you {{.Contact}}?{{else}} Could you {{.Contact}} so we can make it right?{{end}}`,
}

// drafter renders reply drafts from the configured templates.
type drafter struct {
	// review and social are the English drafts a complaint's is chosen
	// from (draftVariant): the built-in rotations, or the one template the
	// operator configured.
	review, social []*template.Template
	byKind         map[string]*template.Template
	// byLang are the templates of languages other than English, built-in
	// or from alerts.templates.by_language.
	byLang  map[string]*template.Template
	limits  map[string]int
	contact string
}

// sampleDraft exercises every field, so a template that names a field
// that does not exist fails at start.
var sampleDraft = DraftData{Customer: "Dana", Business: "Rosie's Diner", Issues: []string{"the slow service", "the cold food"},
	Social: true, Contact: config.DefaultContact, Kind: "trustpilot", Stars: 1}

func newDrafter(cfg *config.Config) (*drafter, error) {
	a := cfg.Alerts
	d := &drafter{byKind: map[string]*template.Template{}, byLang: map[string]*template.Template{}, limits: a.ReplyLimits, contact: a.Contact}
	parse := func(path, src, def string) (*template.Template, error) {
		if src == "" {
			src = def
		}
		t, err := template.New(path).Funcs(config.DraftFuncs()).Option("missingkey=error").Parse(src)
		if err != nil {
			return nil, fmt.Errorf("alerts: %w: %w", cfg.ErrorAt(path, "malformed template: %s", config.CleanTemplateErr(err, path)), ErrTemplate)
		}
		for _, sample := range []struct{ short, anon bool }{{false, false}, {true, false}, {false, true}} {
			data := sampleDraft
			data.Short = sample.short
			if sample.anon && strings.Contains(path, "by_language") {
				data.Customer = ""
			}
			if err := t.Execute(new(strings.Builder), data); err != nil {
				return nil, fmt.Errorf("alerts: %w: %w", cfg.ErrorAt(path, "template fails on a sample complaint: %s", config.CleanTemplateErr(err, path)), ErrTemplate)
			}
		}
		return t, nil
	}
	var err error
	rotation := func(path, src string, builtin []string) ([]*template.Template, error) {
		if src != "" {
			t, err := parse(path, src, "")
			return []*template.Template{t}, err
		}
		out := make([]*template.Template, len(builtin))
		for i, b := range builtin {
			if out[i], err = parse(fmt.Sprintf("built-in %s draft %d", path, i+1), b, ""); err != nil {
				return nil, err
			}
		}
		return out, nil
	}
	if d.review, err = rotation("alerts.templates.draft", a.Templates.Draft, DefaultReviewDrafts); err != nil {
		return nil, err
	}
	if d.social, err = rotation("alerts.templates.social", a.Templates.Social, DefaultSocialDrafts); err != nil {
		return nil, err
	}
	for k, src := range a.Templates.ByKind {
		if d.byKind[k], err = parse("alerts.templates.by_kind."+k, src, ""); err != nil {
			return nil, err
		}
	}
	for k, src := range builtinDrafts {
		if d.byLang[k], err = parse("alerts.templates.by_language."+k, a.Templates.ByLanguage[k], src); err != nil {
			return nil, err
		}
	}
	for k, src := range a.Templates.ByLanguage {
		if _, ok := d.byLang[k]; ok || k == "en" {
			continue
		}
		if d.byLang[k], err = parse("alerts.templates.by_language."+k, src, ""); err != nil {
			return nil, err
		}
	}
	if src, ok := a.Templates.ByLanguage["en"]; ok {
		// English by_language replaces both English defaults; draft,
		// social and by_kind, when set, are more specific and still win.
		en, err := parse("alerts.templates.by_language.en", src, "")
		if err != nil {
			return nil, err
		}
		if a.Templates.Draft == "" {
			d.review = []*template.Template{en}
		}
		if a.Templates.Social == "" {
			d.social = []*template.Template{en}
		}
	}
	return d, nil
}

// Language is the language a complaint's draft is written in: the
// reviewer's (models.Analysis.Language) when there is a template for
// it, else English. fellBack is true when the reviewer wrote in another
// language (or one earshot could not identify) and the draft is in
// English for want of a template, which the task and the alert say.
func (d *drafter) Language(a models.Analysis) (lang string, fellBack bool) {
	switch a.Language {
	case "", "en":
		return "en", false
	}
	if _, ok := d.byLang[a.Language]; ok {
		return a.Language, false
	}
	return "en", true
}

// Draft writes the reply for a complaint, within the platform's limit:
// if the full draft is too long it is rendered again in its Short form,
// and if that is still too long it is cut at the last sentence or word
// that fits.
func (d *drafter) Draft(biz models.Business, m models.Mention, a models.Analysis) (string, error) {
	lang, _ := d.Language(a)
	data := DraftData{
		Customer: customerName(m),
		Business: displayName(biz),
		Issues:   ProblemWords(a),
		Social:   PolicyChannel(m) == ChannelSocial,
		Contact:  d.contact,
		Kind:     m.SourceKind,
		Language: lang,
	}
	if m.Rating != nil {
		data.Stars = int(*m.Rating + 0.5)
	}
	ts := d.review
	if data.Social {
		ts = d.social
	}
	t := ts[draftVariant(m, len(ts))]
	if k, ok := d.byKind[m.SourceKind]; ok {
		t = k
	}
	if lang != "en" {
		t = d.byLang[lang]
		data.Issues = IssueTerms(a)
		if data.Customer == "there" {
			data.Customer = ""
		}
	}
	limit := d.limits[m.SourceKind]
	var out string
	for _, short := range []bool{false, true} {
		data.Short = short
		var b strings.Builder
		if err := t.Execute(&b, data); err != nil {
			return "", fmt.Errorf("alerts: draft for mention %d with %s: %w: %w", m.ID, t.Name(), ErrTemplate, err)
		}
		out = strings.TrimSpace(b.String())
		if limit <= 0 || utf8.RuneCountInString(out) <= limit {
			return out, nil
		}
	}
	return Fit(out, limit), nil
}

// Fit shortens s to at most limit characters, at the end of a sentence
// when one fits in the second half, else at a word, marking the cut.
func Fit(s string, limit int) string {
	r := []rune(s)
	if len(r) <= limit {
		return s
	}
	cut := string(r[:limit])
	if i := strings.LastIndexAny(cut, ".!?"); i >= 0 && utf8.RuneCountInString(cut[:i+1]) >= limit/2 {
		return cut[:i+1]
	}
	cut = string(r[:limit-1])
	if i := strings.LastIndexFunc(cut, unicode.IsSpace); i > 0 {
		cut = cut[:i]
	}
	return strings.TrimRightFunc(cut, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsPunct(r) }) + "…"
}

// draftVariant chooses which of n drafts a mention gets. It depends on
// the mention alone (its site id, else its row id), so a re-draft, a
// re-render or another replica writes the same reply, while different
// complaints spread over the whole rotation.
func draftVariant(m models.Mention, n int) int {
	if n <= 1 {
		return 0
	}
	h := fnv.New32a()
	if m.ExternalID != "" {
		h.Write([]byte(m.SourceKind + "\x00" + m.ExternalID))
	} else {
		h.Write([]byte(strconv.FormatInt(m.ID, 10)))
	}
	return int(h.Sum32() % uint32(n))
}

// ProblemWords are the problems a reply apologises for: the issues the
// sentiment stage named in the customer's words (Aspect.Problem: "the
// cold food", "the 45-minute wait", "the double charge"), shaped like
// IssueWords. A noun that merely sat in a negative sentence ("the
// waiter", "the dessert") is left out: apologising for it reads as
// apologising for a person or a dish rather than for what went wrong.
func ProblemWords(a models.Analysis) []string {
	var named models.Analysis
	for _, x := range a.Issues() {
		if x.Problem {
			named.Aspects = append(named.Aspects, x)
		}
	}
	return IssueWords(named)
}

// IssueWords turns the negative aspects of an analysis into plain words,
// each once and at most three: "the slow service", "the cold food",
// "being charged twice". A term that contains or is contained in one
// already chosen ("table" and "table tonight") is dropped.
func IssueWords(a models.Analysis) []string {
	var out, bare []string
	for _, x := range a.Issues() {
		w := strings.TrimSpace(x.Term)
		if w == "" {
			w = strings.TrimSpace(x.Category)
		}
		w = strings.ToLower(strings.Join(strings.Fields(w), " "))
		if w == "" || w == "other" {
			continue
		}
		dup := false
		for _, b := range bare {
			if strings.Contains(" "+b+" ", " "+w+" ") || strings.Contains(" "+w+" ", " "+b+" ") {
				dup = true
			}
		}
		if dup {
			continue
		}
		bare = append(bare, w)
		switch {
		case strings.HasSuffix(w, "ed") && !strings.Contains(w, " "):
			// A verb ("charged"): quote the customer's short phrase.
			out = append(out, "being "+phraseFrom(x.Evidence, w))
		case strings.HasPrefix(w, "the ") || strings.HasPrefix(w, "your ") || strings.HasPrefix(w, "our "):
			out = append(out, w)
		default:
			out = append(out, "the "+w)
		}
		if len(out) == 3 {
			break
		}
	}
	return out
}

// IssueTerms are the negative aspects of an analysis in the reviewer's
// own words, for drafts in languages other than English: each term once
// (a term inside one already chosen is dropped), at most three, with no
// English article added.
func IssueTerms(a models.Analysis) []string {
	var out []string
	for _, x := range a.Issues() {
		w := strings.Join(strings.Fields(x.Term), " ")
		if w == "" || strings.EqualFold(w, "other") {
			continue
		}
		dup := false
		for i, b := range out {
			switch {
			case strings.Contains(b, w):
				dup = true
			case strings.Contains(w, b):
				out[i], dup = w, true
			}
		}
		if !dup {
			out = append(out, w)
		}
		if len(out) == 3 {
			break
		}
	}
	return out
}

// phraseFrom returns word w of the evidence with up to two words that
// follow it, stopping at a small word ("charged twice" from "I was
// charged twice for the same meal"), or w alone.
func phraseFrom(evidence, w string) string {
	words := strings.FieldsFunc(strings.ToLower(evidence), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '\''
	})
	for i, x := range words {
		if x != w {
			continue
		}
		out := []string{x}
		for _, next := range words[i+1:] {
			if len(out) == 3 || stopWords[next] {
				break
			}
			out = append(out, next)
		}
		return strings.Join(out, " ")
	}
	return w
}

var stopWords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields("a an the and or but for of to in on at by with from when while as so that this it is was were be " +
		"i me my we us our you your he him his she her they them their") {
		m[w] = true
	}
	return m
}()

// IssueKey is the issue complaints are grouped by in a burst: the first
// negative aspect's category and term.
func IssueKey(a models.Analysis) string {
	for _, x := range a.Issues() {
		k := strings.ToLower(strings.TrimSpace(x.Category))
		if t := strings.ToLower(strings.TrimSpace(x.Term)); t != "" {
			k += "/" + t
		}
		if k != "" && k != "/" {
			return k
		}
	}
	return ""
}

// customerName picks how to greet the author: their first name on review
// sites, the @handle on social networks.
func customerName(m models.Mention) string {
	name := strings.TrimSpace(strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, m.Author))
	if name == "" || strings.EqualFold(name, "anonymous") || strings.EqualFold(name, "a customer") {
		return "there"
	}
	if PolicyChannel(m) == ChannelSocial && strings.HasPrefix(name, "@") {
		return strings.Fields(name)[0]
	}
	f := strings.Fields(name)[0]
	if r := []rune(f); len(r) > 40 {
		f = string(r[:40])
	}
	return f
}

func displayName(b models.Business) string {
	if b.DisplayName != "" {
		return b.DisplayName
	}
	return b.Name
}
