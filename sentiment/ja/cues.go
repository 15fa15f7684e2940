package ja

import (
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/earshot/earshot/models"
	"github.com/earshot/earshot/sentiment/internal/verdict"
)

// issueSpec names the issue a cue raises, in Japanese: form holds %s for
// the subject the reviewer named ("%sが冷めていた" -> 料理が冷めていた),
// def is the term without one.
type issueSpec struct {
	form, def string
	cats      []string
	always    bool // kept under "other" when the pack has none of cats
	wait      bool // "30分待ち"
}

// cue is one pattern: lit must occur; re, when set, must match too.
type cue struct {
	kind verdict.Kind
	lit  []string
	re   *regexp.Regexp
	iss  *issueSpec
	// negatable cues are cancelled by a negation after them in the same
	// clause (虫はいませんでした, 最悪ではない).
	negatable bool
}

var (
	catsWait    = []string{"wait time", "service", "front desk", "customer service", "support", "delivery"}
	catsFood    = []string{"food", "product quality", "quality", "room"}
	catsStaff   = []string{"service", "customer service", "front desk", "support"}
	catsReply   = []string{"customer service", "support", "service", "front desk"}
	catsRefund  = []string{"refund", "billing", "price"}
	catsBilling = []string{"billing", "price", "refund"}
	catsDeliv   = []string{"delivery", "shipping", "service"}
	catsBroken  = []string{"product quality", "room", "amenities", "bugs", "quality"}
	catsClean   = []string{"cleanliness", "room"}
	catsNoise   = []string{"noise", "ambience"}
	catsHealth  = []string{"health and safety"}
	catsCrash   = []string{"crashes", "bugs", "performance"}
	catsLogin   = []string{"login", "website"}
	catsBooking = []string{"booking", "service", "front desk"}
	catsPrice   = []string{"price", "billing"}
	catsBugs    = []string{"bugs", "product quality", "quality"}
	catsData    = []string{"data", "bugs"}
	catsOrder   = []string{"service", "delivery", "website", "customer service"}
)

func lits(s string) []string { return strings.Split(s, "|") }

var waitRe = regexp.MustCompile(`([0-9]+|[一二三四五六七八九十半]+)(分|時間)(以上|近く|ほど|くらい|ぐらい|程|も)*(待|かか)`)

var cueList = []cue{
	// waits
	{kind: verdict.Complaint, lit: lits("待|かか"), re: waitRe, iss: &issueSpec{def: "長い待ち時間", cats: catsWait, wait: true}},
	{kind: verdict.Complaint, lit: lits("待たされ|長時間待|毎回待"), iss: &issueSpec{def: "長い待ち時間", cats: catsWait}},
	{kind: verdict.Complaint, lit: lits("出てくるのが遅|提供が遅|出てこな|料理が遅"), iss: &issueSpec{def: "提供が遅い", cats: catsWait}},
	// food
	{kind: verdict.Complaint, lit: lits("冷めて|冷めた"), iss: &issueSpec{form: "%sが冷めていた", def: "料理が冷めていた", cats: catsFood}},
	{kind: verdict.Complaint, lit: lits("ぬるかった|ぬるくて|ぬるい"), iss: &issueSpec{form: "%sがぬるかった", def: "ぬるかった", cats: catsFood}},
	{kind: verdict.Complaint, lit: lits("まずい|不味い|美味しくな|おいしくな|美味しくありませ"), iss: &issueSpec{form: "%sがまずい", def: "味が悪い", cats: catsFood}},
	{kind: verdict.Complaint, lit: lits("伸びて"), iss: &issueSpec{form: "%sが伸びていた", def: "麺が伸びていた", cats: catsFood}},
	// staff
	{kind: verdict.Complaint, lit: lits("態度が悪|態度が最悪|態度がひどい|態度が横柄|態度も悪"), iss: &issueSpec{form: "%sの態度が悪い", def: "態度が悪い", cats: catsStaff}},
	{kind: verdict.Complaint, lit: lits("対応が悪|対応がひどい|対応が最悪|対応も悪|対応が雑"), iss: &issueSpec{form: "%sの対応が悪い", def: "対応が悪い", cats: catsStaff}},
	{kind: verdict.Complaint, lit: lits("対応が遅|対応も遅"), iss: &issueSpec{form: "%sの対応が遅い", def: "対応が遅い", cats: catsStaff}},
	{kind: verdict.Complaint, lit: lits("対応してくれな|対応してもらえな|対応してくれませ"), iss: &issueSpec{def: "対応してくれない", cats: catsStaff}},
	{kind: verdict.Complaint, lit: lits("無愛想|横柄"), iss: &issueSpec{form: "%sが無愛想", def: "無愛想な接客", cats: catsStaff}},
	{kind: verdict.Complaint, lit: lits("失礼|言葉遣い"), iss: &issueSpec{def: "失礼な対応", cats: catsStaff}},
	{kind: verdict.Complaint, lit: lits("不親切"), iss: &issueSpec{def: "不親切な対応", cats: catsStaff}},
	{kind: verdict.Complaint, lit: lits("無視され|無視した"), iss: &issueSpec{def: "無視された", cats: catsStaff}},
	{kind: verdict.Complaint, lit: lits("怒鳴ら|怒鳴っ"), iss: &issueSpec{def: "怒鳴られた", cats: catsStaff}},
	{kind: verdict.Complaint, lit: lits("忘れられ"), iss: &issueSpec{def: "注文を忘れられた", cats: catsOrder}},
	{kind: verdict.Complaint, lit: lits("違う料理|違う商品|注文と違|頼んだものと違|間違え|間違って"), iss: &issueSpec{form: "%sの間違い", def: "注文の間違い", cats: catsOrder}},
	// replies
	{kind: verdict.Complaint, lit: lits("返事がな|返事があり|返信がな|返信が来な|返信もな|連絡がな|連絡もな|誰も出な"), iss: &issueSpec{def: "返事がない", cats: catsReply}},
	{kind: verdict.Complaint, lit: lits("繋がらな|つながらな|繋がらず|つながらず"), iss: &issueSpec{form: "%sがつながらない", def: "電話がつながらない", cats: catsReply}},
	// money
	{kind: verdict.Complaint, lit: lits("返金"), iss: &issueSpec{def: "返金", cats: catsRefund}},
	{kind: verdict.Complaint, lit: lits("返品した|返品を"), iss: &issueSpec{def: "返品", cats: catsRefund}},
	{kind: verdict.Complaint, lit: lits("説明もな|説明がな|説明と全く違|説明と違"), iss: &issueSpec{def: "説明がない", cats: catsReply}},
	{kind: verdict.Complaint, lit: lits("高すぎ|値段の割に|料金が高|値段が高|価格が高"), iss: &issueSpec{def: "値段が高い", cats: catsPrice}},
	// delivery and things
	{kind: verdict.Complaint, lit: lits("届かな|届きません|届いていな|届かず|届いてな"), iss: &issueSpec{form: "%sが届かない", def: "商品が届かない", cats: catsDeliv}},
	{kind: verdict.Complaint, lit: lits("配送が遅|届くのが遅|発送が遅|間に合わなかった"), iss: &issueSpec{def: "配送の遅れ", cats: catsDeliv}},
	{kind: verdict.Complaint, lit: lits("壊れて|壊れた|破損|故障|動かな|動いていな|潰れて|穴が開"), iss: &issueSpec{form: "%sが壊れていた", def: "破損", cats: catsBroken}},
	{kind: verdict.Complaint, lit: lits("初期不良|不良品"), iss: &issueSpec{def: "不良品", cats: catsBroken}},
	{kind: verdict.Complaint, lit: lits("汚い|汚く|汚れて|不潔|ほこり|ホコリ|ベタベタ|行き届いておらず|行き届いていな|交換されていな"), iss: &issueSpec{form: "%sが汚い", def: "清潔さ", cats: catsClean}},
	{kind: verdict.Complaint, lit: lits("うるさ|騒音|騒がし"), iss: &issueSpec{form: "%sがうるさい", def: "騒音", cats: catsNoise}},
	{kind: verdict.Complaint, lit: lits("予約が取れていな|用意されていな|予約していたのに"), iss: &issueSpec{def: "予約の不備", cats: catsBooking}},
	// software
	{kind: verdict.Complaint, lit: lits("落ちる|落ちます|落ちて|強制終了|クラッシュ|フリーズ"), iss: &issueSpec{def: "アプリが落ちる", cats: catsCrash}},
	{kind: verdict.Complaint, lit: lits("ログインでき|ログイン画面から進|ログアウトされ|リセットでき"), iss: &issueSpec{def: "ログインできない", cats: catsLogin}},
	{kind: verdict.Complaint, lit: lits("バグ|不具合|エラー"), iss: &issueSpec{def: "不具合", cats: catsBugs}},
	{kind: verdict.Complaint, lit: lits("データが消え|ファイルが消え|消えていた|消えました"), iss: &issueSpec{def: "データが消えた", cats: catsData}},
	// tone only
	{kind: verdict.Complaint, lit: lits("最悪|最低|ひどい|酷い|がっかり|残念|不満|不快|期待外れ|クレーム|改善して|ありえない|あり得ない|許せない|謝罪|腹が立|腹立|使い物にならない|使いにくい|分かりにくい|わかりにくい|イマイチ|いまいち|気持ち悪"), negatable: true},
	// health and safety
	{kind: verdict.Health, lit: lits("食中毒|食あたり"), iss: &issueSpec{def: "食中毒", cats: catsHealth, always: true}, negatable: true},
	{kind: verdict.Health, lit: lits("お腹を壊|腹痛|下痢|嘔吐|吐き気|吐いた|体調を崩"), iss: &issueSpec{def: "体調不良", cats: catsHealth, always: true}, negatable: true},
	{kind: verdict.Health, lit: lits("異物"), iss: &issueSpec{def: "異物混入", cats: catsHealth, always: true}, negatable: true},
	{kind: verdict.Health, lit: lits("髪の毛"), iss: &issueSpec{def: "髪の毛の混入", cats: catsHealth, always: true}, negatable: true},
	{kind: verdict.Health, lit: lits("虫が|虫は|虫も|虫を|虫がい|ゴキブリ|ダニ|ネズミ|ねずみ"), iss: &issueSpec{def: "虫", cats: catsHealth, always: true}, negatable: true},
	{kind: verdict.Health, lit: lits("カビ"), iss: &issueSpec{def: "カビ", cats: catsHealth, always: true}, negatable: true},
	{kind: verdict.Health, lit: lits("生焼け|生煮え"), iss: &issueSpec{def: "生焼け", cats: catsHealth, always: true}, negatable: true},
	{kind: verdict.Health, lit: lits("アレルギー"), iss: &issueSpec{def: "アレルギー", cats: catsHealth, always: true}, negatable: true},
	{kind: verdict.Health, lit: lits("怪我|ケガ|けがを|やけど|火傷"), iss: &issueSpec{def: "けが", cats: catsHealth, always: true}, negatable: true},
	// law
	{kind: verdict.Legal, lit: lits("弁護士|訴え|訴訟|裁判|消費者センター|保健所|警察|通報"), negatable: true},
	// fraud
	{kind: verdict.Fraud, lit: lits("二重に請求|二重請求|二重に課金|二重課金|多く請求|不正請求|不正利用"), iss: &issueSpec{def: "二重請求", cats: catsBilling}},
	{kind: verdict.Fraud, lit: lits("勝手に課金|勝手に請求|勝手に定期|解約したのに|キャンセルしたのに"), iss: &issueSpec{def: "不正な請求", cats: catsBilling}},
	{kind: verdict.Fraud, lit: lits("詐欺|偽物|盗まれ"), negatable: true},
	// discrimination
	{kind: verdict.Discrimination, lit: lits("差別|セクハラ|パワハラ|嫌がらせ|暴言"), negatable: true},
	// churn and repeats
	{kind: verdict.Churn, lit: lits("二度と|もう行かな|もう行きませ|もう来な|もう利用しな|解約|退会|リピートはな|リピートなし|乗り換え")},
	{kind: verdict.Repeat, lit: lits("前回も|また同じ|何度も同じ|毎回|いつも同じ|再発|相変わらず")},
}

// clauseStop ends the clause a negation is looked for in.
var clauseStop = []string{"。", "、", "！", "？", "!", "?", "\n", "のに", "けど", "が、"}

// negatedFrom reports a negation after a cue, before the clause ends:
// 虫はいませんでした, 最悪ではなかった.
func negatedFrom(text string, from int) bool {
	rest := text[from:]
	end := len(rest)
	for _, s := range clauseStop {
		if i := strings.Index(rest, s); i >= 0 && i < end {
			end = i
		}
	}
	if end > 30 {
		end = 30
		for end > 0 && !utf8.RuneStart(rest[end]) {
			end--
		}
	}
	c := rest[:end]
	return strings.Contains(c, "ない") || strings.Contains(c, "なかった") || strings.Contains(c, "ません") ||
		strings.Contains(c, "なく") || strings.Contains(c, "なし") || strings.Contains(c, "ず")
}

// found is an issue named in the text.
type found struct {
	term, category, evidence string
	start                    int
	iss                      *issueSpec
}

// cues finds the cues and the issues they name.
func (a *Analyzer) cues(text string, toks []token) ([]verdict.Cue, []found) {
	var out []verdict.Cue
	var issues []found
	var spans []cueSpan
	for ci := range cueList {
		c := &cueList[ci]
		at, hit := -1, ""
		for _, l := range c.lit {
			if i := strings.Index(text, l); i >= 0 && (at < 0 || i < at) {
				at, hit = i, l
			}
		}
		if at < 0 {
			continue
		}
		end := at + len(hit)
		if c.re != nil {
			m := c.re.FindStringSubmatchIndex(text)
			if m == nil {
				continue
			}
			at, end = m[0], m[1]
		}
		if c.negatable && negatedFrom(text, end) {
			continue
		}
		shown := phraseEnd(toks, end, c.kind == verdict.Churn)
		inside := false
		for _, sp := range spans {
			if sp.kind == c.kind && sp.from <= at && shown <= sp.to {
				inside = true // 待たされ within 30分も待たされました
			}
		}
		spans = append(spans, cueSpan{c.kind, at, shown})
		if !inside {
			out = append(out, verdict.Cue{Kind: c.kind, Text: text[at:shown]})
		}
		if c.iss == nil {
			continue
		}
		term := c.iss.def
		subj := ""
		if c.iss.wait {
			m := c.re.FindStringSubmatch(text)
			term = arabic(m[1]) + m[2] + "待ち"
		} else if c.iss.form != "" {
			if subj = subjectBefore(toks, at); subj != "" {
				term = strings.Replace(c.iss.form, "%s", subj, 1)
			}
		}
		dup := false
		for _, f := range issues {
			if f.term == term {
				dup = true
			}
		}
		if !dup {
			issues = append(issues, found{term: term, start: at, iss: c.iss, evidence: subj})
		}
	}
	// a wait of a given length says more than "a long wait"
	for _, f := range issues {
		if f.iss.wait {
			kept := issues[:0]
			for _, g := range issues {
				if g.term != "長い待ち時間" {
					kept = append(kept, g)
				}
			}
			issues = kept
			break
		}
	}
	return out, issues
}

type cueSpan struct {
	kind     verdict.Kind
	from, to int
}

// phraseEnd extends a cue to the end of its word and the auxiliaries
// after it, so a reason quotes 最悪でした and 30分も待たされました rather
// than 最悪 and 30分も待; after 二度と the verb it governs comes too.
func phraseEnd(toks []token, end int, verb bool) int {
	k := -1
	for i, t := range toks {
		if t.start < end && end <= t.end {
			k = i
			break
		}
	}
	if k < 0 {
		return end
	}
	end = toks[k].end
	for j := k + 1; j < len(toks); j++ {
		t := toks[j]
		switch {
		case t.pos == "助動詞", t.pos == "動詞" && t.pos1 == "接尾":
		case verb && t.pos == "動詞" && j == k+1:
		default:
			return end
		}
		end = t.end
	}
	return end
}

// subjectBefore is the noun phrase right before the particle before at:
// 料理 in 料理が冷めていて, 店員 in 店員の態度が悪い.
func subjectBefore(toks []token, at int) string {
	k := -1
	for i, t := range toks {
		if t.start >= at {
			k = i
			break
		}
	}
	if k < 2 {
		return ""
	}
	p := toks[k-1]
	if p.pos != "助詞" || !(p.surf == "が" || p.surf == "は" || p.surf == "も" || p.surf == "の" || p.surf == "を") {
		return ""
	}
	var parts []string
	for j := k - 2; j >= 0 && len(parts) < 3; j-- {
		t := toks[j]
		if t.pos != "名詞" || t.pos1 == "数" || t.pos1 == "代名詞" || t.pos1 == "非自立" {
			break
		}
		parts = append([]string{t.surf}, parts...)
	}
	return strings.Join(parts, "")
}

var kanjiNum = map[rune]int{'一': 1, '二': 2, '三': 3, '四': 4, '五': 5, '六': 6, '七': 7, '八': 8, '九': 9, '十': 10}

// arabic writes a wait's length in digits: 一時間 -> 1時間, 半 stays.
func arabic(s string) string {
	if s == "" || s[0] >= '0' && s[0] <= '9' || s == "半" {
		return s
	}
	n := 0
	for _, r := range s {
		v, ok := kanjiNum[r]
		if !ok {
			return s
		}
		if v == 10 {
			if n == 0 {
				n = 1
			}
			n *= 10
		} else {
			n += v
		}
	}
	return itoa(n)
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b []byte
	for n > 0 {
		b = append([]byte{byte('0' + n%10)}, b...)
		n /= 10
	}
	return string(b)
}

// aspects files what the text judges: the issues cues named first, then
// every pack word with the tone of its clause.
func aspects(text string, toks []token, sents []span, clauseScore []float64, pk *pack, issues []found) []models.Aspect {
	var out []models.Aspect
	sentOf := func(pos int) string {
		for _, s := range sents {
			if s.to > s.from && toks[s.from].start <= pos && pos < toks[s.to-1].end {
				return strings.TrimSpace(text[toks[s.from].start:toks[s.to-1].end])
			}
		}
		return strings.TrimSpace(text)
	}
	for _, f := range issues {
		cat := pk.category(f.evidence, f.iss.cats)
		if cat == "" {
			cat = "other"
		}
		out = append(out, models.Aspect{Category: cat, Term: f.term, Polarity: models.PolarityNegative, Evidence: cut(sentOf(f.start)), Problem: true})
	}
	seen := map[string]bool{}
	for i := 0; i < len(toks); i++ {
		term, cat, n := pk.match(toks, i)
		if n == 0 || seen[term] {
			continue
		}
		covered := false
		for _, f := range issues {
			if strings.Contains(f.term, term) || strings.Contains(term, f.term) {
				covered = true
			}
		}
		if covered {
			i += n - 1
			continue
		}
		seen[term] = true
		pol := models.PolarityNeutral
		switch s := clauseScore[i]; {
		case s >= 0.3:
			pol = models.PolarityPositive
		case s <= -0.3:
			pol = models.PolarityNegative
		}
		out = append(out, models.Aspect{Category: cat, Term: term, Polarity: pol, Evidence: cut(sentOf(toks[i].start))})
		if len(out) >= 12 {
			break
		}
		i += n - 1
	}
	return out
}

func cut(s string) string {
	if len(s) <= 300 {
		return s
	}
	n := 300
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}
