// Package sentiment is earshot's judgement of a mention: how it feels
// (a VADER-style compound score refined by a model learned from
// human-rated text), whether it is a complaint an owner must answer, how
// urgent it is, and which issues it names in the owner's own words
// ("waitstaff", "beer selection"). Everything here is pure computation:
// no I/O, no global state, and a single Analyzer serves all goroutines.
package sentiment

import (
	"context"
	_ "embed"
	"fmt"
	"log/slog"
	"math"
	"strings"
	"sync"

	"github.com/earshot/earshot/models"
	"github.com/earshot/earshot/scrapers/registry"
	"github.com/earshot/earshot/sentiment/internal/nlp"
	"github.com/earshot/earshot/sentiment/ja"
	"github.com/earshot/earshot/sentiment/lang"
	"github.com/earshot/earshot/sentiment/multi"
)

//go:generate go run ./internal/gen -shared ../../shared/datasets -out model.bin

// embeddedModel is the learned model built by `go generate` from the
// public datasets in ../shared (see sentiment/train).
//
//go:embed model.bin
var embeddedModel []byte

// Input is what the pipeline hands the analyzer for one mention.
type Input struct {
	Text        string
	Title       string   // review title, may be empty; analyse it with the text
	Rating      *float64 // stars out of 5, nil when the source has none
	SourceKind  string   // a scrapers/registry kind; its row's Text says whether to read it as a short post
	AuthorReach int64    // followers, 0 when unknown
	Domain      string   // taxonomy pack: restaurant, hospitality, retail, software, general ("" = general)
	Language    string   // the site's own language tag for the mention ("ja", "en-US"), "" when none
	Locale      string   // the business's locale ("ja"): settles kanji-only text between Japanese and Chinese
	// Corrections are the business's staff corrections of earlier
	// complaint flags; nil applies none.
	Corrections *Corrections
}

// Options configures an Analyzer. Taxonomies extends or adds packs:
// domain -> category -> extra terms (from the user's config file).
type Options struct {
	Taxonomies map[string]map[string][]string
	// Model replaces the embedded learned model with one written by
	// sentiment/train (retrained on other data, or cross-validation
	// folds); nil uses the embedded model.
	Model []byte
	// Logger receives one line when the analyzer is built; nil is silent.
	Logger *slog.Logger
	// PreloadJapanese loads the Japanese dictionary in New instead of on
	// the first Japanese mention (a few seconds, about 150 MB resident).
	PreloadJapanese bool
}

// Analyzer turns mentions into analyses. Build it once with New: it loads
// the lexicon and the learned model, which takes tens of milliseconds,
// after which Analyze costs tens of microseconds and is safe for
// concurrent use.
type Analyzer struct {
	pred  *nlp.Predictor
	lex   *nlp.Lexicon
	tax   map[string]*taxonomy
	cues  map[string][]cue
	name  string
	pool  sync.Pool
	nCues int
	det   *lang.Detector
	eu    *multi.Analyzer
	// japanese loads the Japanese analyzer once, on first use.
	japanese func() (*ja.Analyzer, error)
}

// MaxTextBytes bounds the text analysed per mention; longer texts are cut
// (and say so in Reasons) so one pasted novel cannot stall the pipeline.
const MaxTextBytes = 20000

// New loads every model once and compiles the taxonomies.
func New(opts Options) (*Analyzer, error) {
	tax, err := compileTaxonomies(opts.Taxonomies)
	if err != nil {
		return nil, err
	}
	data := opts.Model
	if data == nil {
		data = embeddedModel
	}
	b, err := nlp.Unmarshal(data)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrBadModel, err)
	}
	lex := nlp.NewLexicon()
	a := &Analyzer{pred: nlp.NewPredictor(lex, b), lex: lex, tax: tax, name: b.Version}
	a.cues, a.nCues = compileCues()
	a.pool.New = func() any { return newWork() }
	a.det, a.eu = a.newDetector(b.POS), multi.New()
	a.japanese = sync.OnceValues(func() (*ja.Analyzer, error) {
		j, err := ja.New()
		if err != nil {
			return nil, err
		}
		return j.WithTerms(opts.Taxonomies), nil
	})
	if opts.PreloadJapanese {
		if _, err := a.japanese(); err != nil {
			return nil, fmt.Errorf("sentiment: Japanese dictionary: %w", err)
		}
	}
	if opts.Logger != nil {
		opts.Logger.Info("sentiment analyzer ready", "model", b.Version, "domains", len(tax), "cues", a.nCues)
	}
	return a, nil
}

// Name is the analyzer name and model version stored with each Analysis.
func (a *Analyzer) Name() string { return a.name }

type work struct {
	sc    *nlp.Scratch
	cues  []cueHit
	spans [][2]int
	cats  []nlp.CatPred
	sent  []sentInfo
	// aspSpan is parallel to the analysis' aspects while they are built.
	aspSpan []aspSpan
	// anySeverity scores the severity of a mention that is not flagged
	// too (Severity); Analyze leaves it at 0, as tasks and deadlines need.
	anySeverity bool
}

type sentInfo struct {
	z        float64
	compound float64
	lex      nlp.Score
}

func newWork() *work { return &work{sc: nlp.NewScratch()} }

// socialMarkers are words that mark a text as a social post when its
// source kind is unknown (the analyze command, the accuracy report).
var socialMarkers = map[string]bool{"lol": true, "omg": true, "lmao": true, "haha": true, "u": true, "ur": true, "im": true, "rt": true, "http": true, "https": true, "wtf": true, "smh": true}

// postKind reports whether a source kind's registry row says its text is
// short public posts.
func postKind(kind string) bool {
	k, ok := registry.Resolve(kind)
	return ok && k.Text == registry.Post
}

// isSocial reports whether a text should be read as a social post: its
// source kind's registry row says its text is short posts (an RSS item
// is a social mention but reads like prose, so it is not), or, with no
// source given, it has @mentions, hashtags, links, emoji, emoticons or
// chat words.
func isSocial(kind string, toks []nlp.Token) bool {
	if kind != "" {
		return postKind(kind)
	}
	for i := range toks {
		t := &toks[i]
		if t.Emoji || socialMarkers[t.Lower] || nlp.IsEmoticon(t.Text) || strings.Contains(t.PunctAfter, "!!") {
			return true
		}
		if len(t.Lower) > 1 && (t.Lower[0] == '@' || t.Lower[0] == '#') {
			return true
		}
	}
	return false
}

// Weight of the lexicon compound added to the learned log-odds: large for
// social posts, where VADER's rules were tuned, small elsewhere.
const (
	socialLexWeight = 14.0
	reviewLexWeight = 0.0
)

// Severity is how bad a mention would be as a complaint, 1 to 5,
// whether or not it is flagged: the Severity of Analyze for a complaint,
// and for a mention that is not one the level it would have had. It lets
// the accuracy report rank severity over every annotated complaint
// without a miss counting as 0. Analyze itself keeps severity 0 for what
// is not a complaint, because deadlines, routing and urgency read it.
func (a *Analyzer) Severity(ctx context.Context, in Input) int {
	w := a.pool.Get().(*work)
	defer func() {
		w.anySeverity = false
		a.pool.Put(w)
	}()
	w.anySeverity = true
	var out models.Analysis
	a.analyze(w, in, &out)
	return out.Severity
}

// Analyze judges one mention. It never panics and never blocks: a
// cancelled context yields an analysis that says so.
func (a *Analyzer) Analyze(ctx context.Context, in Input) (out models.Analysis) {
	out = models.Analysis{Analyzer: a.name, Label: models.LabelNeutral, Language: "und"}
	defer func() {
		if r := recover(); r != nil {
			out = models.Analysis{Analyzer: a.name, Label: models.LabelNeutral, Language: "und",
				Reasons: []string{fmt.Sprintf("internal error: %v", r)}}
		}
	}()
	if ctx != nil && ctx.Err() != nil {
		out.Reasons = append(out.Reasons, "not analysed: "+ctx.Err().Error())
		return out
	}
	w := a.pool.Get().(*work)
	defer a.pool.Put(w)
	a.analyze(w, in, &out)
	return out
}

func (a *Analyzer) analyze(w *work, in Input, out *models.Analysis) {
	text := in.Text
	if t := strings.TrimSpace(in.Title); t != "" {
		sep := ". "
		if strings.ContainsAny(t[len(t)-1:], ".!?") {
			sep = " "
		}
		text = t + sep + text
	}
	if len(text) > MaxTextBytes {
		cut := MaxTextBytes
		for cut > 0 && text[cut]&0xC0 == 0x80 {
			cut--
		}
		text = text[:cut]
		out.Reasons = append(out.Reasons, fmt.Sprintf("text cut to %d bytes", cut))
	}
	tax := a.tax[strings.ToLower(in.Domain)]
	domain := strings.ToLower(in.Domain)
	if tax == nil {
		tax = a.tax["general"]
		domain = "general"
	}
	sc := w.sc
	sc.Toks, sc.Sents = nlp.Tokenize(text, sc.Toks, sc.Sents)
	rating, hasRating := ratingOf(in.Rating)
	if hasRating {
		out.Reasons = append(out.Reasons, fmt.Sprintf("rating %s/5", fmtRating(rating)))
	}
	lang := a.detect(text, in)
	out.Language = lang
	if len(sc.Toks) == 0 {
		out.Reasons = append(out.Reasons, "empty text")
		a.ratingOnly(in, rating, hasRating, out)
		return
	}
	if lang != "en" && lang != "und" {
		a.foreign(w, in, text, lang, rating, hasRating, out)
		return
	}
	n := len(sc.Toks)
	z, lexScore := a.pred.Polarity(sc, 0, n)
	social := isSocial(in.SourceKind, sc.Toks)
	lw := reviewLexWeight
	if social {
		lw = socialLexWeight
	}
	z += lw * lexScore.Compound
	compound := math.Tanh(z / 2)
	if lexScore.Hits == 0 && math.Abs(z) < noEvidenceLogit && !social {
		// No sentiment word at all and only weak learned evidence: a
		// factual statement, not an opinion.
		compound *= 0.1
	}
	// Per-sentence scores, for aspects, mixed labels and evidence.
	w.sent = w.sent[:0]
	w.cues = w.cues[:0]
	for si, sp := range sc.Sents {
		zs, ls := a.pred.Polarity(sc, sp.From, sp.To)
		zs += lw * ls.Compound
		cs := math.Tanh(zs / 2)
		if ls.Hits == 0 && math.Abs(zs) < noEvidenceLogit && !social {
			cs *= 0.1
		}
		w.sent = append(w.sent, sentInfo{z: zs, compound: cs, lex: ls})
		w.cues = a.findCues(sc.Toks, sp.From, sp.To, si, text, w.cues)
	}
	if strings.HasSuffix(strings.TrimSpace(text), "/s") {
		w.cues = append(w.cues, cueHit{kind: cueSarcasm, text: "/s", sentence: len(sc.Sents) - 1})
	}
	// Sarcasm: a reliable marker, or praise wrapped around a complaint
	// ("love waiting 45 minutes for cold fries").
	sarcasm := ""
	for _, c := range w.cues {
		if c.kind == cueSarcasm {
			sarcasm = c.text
			break
		}
	}
	if sarcasm == "" {
		for _, c := range w.cues {
			if c.kind != cueComplaint || c.sentence >= len(sc.Sents) {
				continue
			}
			sp := sc.Sents[c.sentence]
			if praiseBefore(a.lex, sc.Toks, sp.From, c.tok) && w.sent[c.sentence].lex.Neg == 0 {
				sarcasm = "praise around " + c.text
				break
			}
		}
	}
	if sarcasm != "" {
		out.Reasons = append(out.Reasons, fmt.Sprintf("sarcasm cue: %q", sarcasm))
		if compound > -0.3 {
			compound = -math.Max(0.3, math.Abs(compound)*0.7)
		}
	}
	w.cues = dedupeCues(w.cues)
	if math.Abs(compound) < 0.05 && namesIssue(w.cues) {
		// "arrived late and cold" has no opinion word, but the customer
		// names a problem: that is negative, not a neutral fact.
		compound = -0.3
	}
	out.Compound = round3(compound)
	out.Label = labelOf(compound, w.sent)
	if out.Label == models.LabelNeutral && lexScore.Hits == 0 {
		out.Reasons = append(out.Reasons, "no opinion words")
	}
	a.aspects(w, text, tax, domain, out)
	a.addIssues(w, text, tax, out)
	if out.Label != models.LabelMixed && math.Abs(compound) < 0.8 {
		pos, neg := false, false
		for _, x := range out.Aspects {
			pos = pos || x.Polarity == models.PolarityPositive
			neg = neg || x.Polarity == models.PolarityNegative
		}
		if pos && neg {
			out.Label = models.LabelMixed
		}
	}
	a.complaint(w, in, rating, hasRating, compound, z, lexScore, sarcasm != "", out)
}

// namesIssue reports a matched cue that names a problem ("waited 45
// minutes", "charged twice").
func namesIssue(hits []cueHit) bool {
	for _, c := range hits {
		if c.iss != nil {
			return true
		}
	}
	return false
}

// noEvidenceLogit is the learned log-odds below which a text with no
// lexicon word is called neutral.
const noEvidenceLogit = 0.8

// praiseBefore reports strong praise in the same clause before a
// complaint cue ("Love waiting 40 minutes"); a contrast word in between
// ("Great food but we waited 45 minutes") means an honest mixed review.
func praiseBefore(lex *nlp.Lexicon, toks []nlp.Token, from, at int) bool {
	for i := at - 1; i >= from; i-- {
		if clauseWords[toks[i].Lower] && toks[i].Lower != "and" {
			return false
		}
	}
	for i := from; i < at; i++ {
		if v := lex.Words[toks[i].Lower]; v >= 1.5 {
			// "not great" is not praise
			if i > from && lex.Negated(toks[i-1].Lower) {
				continue
			}
			return true
		}
	}
	return false
}

func labelOf(compound float64, sents []sentInfo) string {
	strongPos, strongNeg := false, false
	for _, s := range sents {
		if s.compound >= 0.5 && s.lex.Pos > 0 {
			strongPos = true
		}
		if s.compound <= -0.5 && s.lex.Neg < 0 {
			strongNeg = true
		}
	}
	switch {
	case strongPos && strongNeg && math.Abs(compound) < 0.6:
		return models.LabelMixed
	case compound >= 0.05:
		return models.LabelPositive
	case compound <= -0.05:
		return models.LabelNegative
	}
	return models.LabelNeutral
}

func ratingOf(r *float64) (float64, bool) {
	if r == nil || math.IsNaN(*r) || math.IsInf(*r, 0) {
		return 0, false
	}
	v := *r
	if v < 0 {
		v = 0
	}
	if v > 5 {
		v = 5
	}
	return v, true
}

func fmtRating(r float64) string {
	if r == math.Trunc(r) {
		return fmt.Sprintf("%d", int(r))
	}
	return fmt.Sprintf("%.1f", r)
}

func round3(x float64) float64 { return math.Round(x*1000) / 1000 }

// ratingOnly fills an analysis for text that cannot be read (empty or in
// an unsupported language) from the star rating alone.
func (a *Analyzer) ratingOnly(in Input, rating float64, has bool, out *models.Analysis) {
	if !has {
		return
	}
	switch {
	case rating <= 2:
		out.Label = models.LabelNegative
		out.Compound = round3(math.Max(-1, math.Min(1, (rating-3)/2)))
		out.Complaint = true
		out.ComplaintScore = round3(0.9 - 0.1*rating)
		out.Severity = 1
		if rating <= 1 {
			out.Severity = 2
			out.Reasons = append(out.Reasons, "very low rating")
		}
		out.Severity = reachBoost(out.Severity, in.AuthorReach, &out.Reasons)
	case rating >= 4:
		out.Label = models.LabelPositive
		out.Compound = round3(math.Max(-1, math.Min(1, (rating-3)/2)))
	}
}

func reachBoost(sev int, reach int64, reasons *[]string) int {
	switch {
	case reach >= 100000:
		*reasons = append(*reasons, fmt.Sprintf("public reach: %d followers", reach))
		sev += 2
	case reach >= 10000:
		*reasons = append(*reasons, fmt.Sprintf("public reach: %d followers", reach))
		sev++
	}
	if sev > 5 {
		sev = 5
	}
	return sev
}

// Compound scores text alone: the cheap path for callers that need only
// how a text feels (no complaint, severity or aspects). sourceKind picks
// the social or review weighting as in Analyze. Analyze may lean further:
// a text with no opinion word that names a problem ("arrived late and
// cold") is negative there, since spotting problems needs the cues.
func (a *Analyzer) Compound(text, sourceKind string) float64 {
	w := a.pool.Get().(*work)
	defer a.pool.Put(w)
	sc := w.sc
	sc.Toks, sc.Sents = nlp.Tokenize(text, sc.Toks, sc.Sents)
	if len(sc.Toks) == 0 {
		return 0
	}
	z, ls := a.pred.Polarity(sc, 0, len(sc.Toks))
	social := isSocial(sourceKind, sc.Toks)
	if social {
		z += socialLexWeight * ls.Compound
	} else {
		z += reviewLexWeight * ls.Compound
	}
	c := math.Tanh(z / 2)
	if ls.Hits == 0 && math.Abs(z) < noEvidenceLogit && !social {
		c *= 0.1
	}
	return c
}

// InputFromMention builds the analyzer's input from a stored mention and
// its business's taxonomy domain, so every caller maps fields the same way.
func InputFromMention(m models.Mention, domain string) Input {
	return Input{Text: m.Text, Title: m.Title, Rating: m.Rating, SourceKind: m.SourceKind, AuthorReach: m.AuthorReach, Domain: domain, Language: m.Language}
}

// MentionAnalyzer adapts an Analyzer to the pipeline, which hands over
// stored mentions and the business's taxonomy domain.
type MentionAnalyzer struct{ A *Analyzer }

// Analyze judges one stored mention.
func (m MentionAnalyzer) Analyze(ctx context.Context, mention models.Mention, domain string) models.Analysis {
	return m.A.Analyze(ctx, InputFromMention(mention, domain))
}

// AnalyzeIn judges one stored mention of a business whose locale is known
// ("ja"): the locale settles text the detector cannot place on its own.
func (m MentionAnalyzer) AnalyzeIn(ctx context.Context, mention models.Mention, domain, locale string) models.Analysis {
	in := InputFromMention(mention, domain)
	in.Locale = locale
	return m.A.Analyze(ctx, in)
}
