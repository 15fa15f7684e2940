package ja

import (
	"strings"
	"unicode"
)

// pack is a taxonomy in Japanese: a customer's word -> category. The
// categories are the English packs' own (food, service, room ...), so an
// owner's digest groups Japanese and English issues together.
type pack struct {
	term map[string]string
	cats map[string]bool
}

var packSource = map[string]map[string]string{
	"restaurant": {
		"food":              "料理 食事 味 ラーメン 寿司 肉 お肉 魚 パスタ ピザ メニュー 量 デザート ケーキ ご飯 スープ 定食 ランチ ディナー 天ぷら 焼き鳥 餃子 うどん そば サラダ カレー 鶏肉 ネタ 盛り付け 素材 コース",
		"drinks":            "ドリンク 飲み物 ビール 酒 お酒 ワイン コーヒー お茶 水",
		"service":           "接客 サービス 店員 店員さん スタッフ 従業員 店長 対応 注文 予約 電話",
		"wait time":         "待ち時間 提供 待ち 行列",
		"price":             "値段 価格 料金 コスパ 会計 お会計",
		"ambience":          "雰囲気 内装 店内 席 BGM",
		"cleanliness":       "清潔 トイレ 衛生 掃除 テーブル 床 お皿 皿",
		"noise":             "騒音 声",
		"health and safety": "食中毒 異物 虫 髪の毛 アレルギー",
	},
	"hospitality": {
		"room":              "部屋 お部屋 客室 ベッド 布団 シャワー 浴室 風呂 お風呂 浴槽 エアコン 暖房 枕 タオル シーツ 冷蔵庫 鍵 窓 設備 アメニティ トイレ",
		"cleanliness":       "清掃 掃除 清潔 衛生",
		"front desk":        "フロント チェックイン チェックアウト 受付 精算",
		"service":           "スタッフ 接客 サービス 従業員 対応 おもてなし 電話",
		"food":              "朝食 夕食 食事 バイキング レストラン 朝ごはん 懐石料理 料理",
		"amenities":         "温泉 大浴場 露天風呂 プール Wi-Fi WiFi 駐車場 エレベーター",
		"noise":             "騒音 音 隣",
		"location":          "立地 場所 駅 景色 眺め 夜景",
		"price":             "値段 価格 料金 コスパ キャンセル料",
		"booking":           "予約 キャンセル",
		"health and safety": "ダニ ゴキブリ カビ 非常ベル",
	},
	"retail": {
		"shipping":         "発送 配送 送料 梱包",
		"delivery":         "配達 荷物 宅配 到着",
		"refund":           "返金 返品 交換",
		"product quality":  "商品 品質 製品 サイズ 素材 電池 充電 色 ボタン 部品 デザイン",
		"customer service": "カスタマーサービス サポート 問い合わせ 窓口 電話 店員 店員さん スタッフ 対応 お店の人 接客 返信",
		"billing":          "請求 支払い 決済 価格 値段 クーポン レシート 定期購入",
		"website":          "サイト アプリ 注文 アカウント",
	},
	"software": {
		"bugs":        "バグ 不具合 エラー アップデート 更新 文字化け",
		"crashes":     "クラッシュ 強制終了 フリーズ",
		"login":       "ログイン パスワード 認証 アカウント 二段階認証 ログアウト",
		"performance": "動作 速度 読み込み 起動 バッテリー",
		"billing":     "課金 料金 サブスク 請求 返金 プラン 有料版 決済 広告",
		"support":     "サポート 問い合わせ ヘルプ カスタマーサポート 開発者",
		"usability":   "使い勝手 操作 UI 画面 デザイン 設定 使い方",
		"features":    "機能 通知 同期 連携 カメラ",
		"data":        "データ バックアップ 個人情報 セキュリティ ファイル",
	},
	"general": {
		"service":           "サービス スタッフ 従業員 店員 接客",
		"customer service":  "サポート 対応 問い合わせ 電話 返信",
		"wait time":         "待ち時間 待ち",
		"price":             "値段 価格 料金 コスパ",
		"quality":           "品質 商品 製品",
		"billing":           "請求 支払い 返金 課金",
		"delivery":          "配送 発送 配達",
		"cleanliness":       "清潔 トイレ 掃除",
		"health and safety": "食中毒 異物 虫 けが",
	},
}

var packs = func() map[string]*pack {
	out := map[string]*pack{}
	for dom, cats := range packSource {
		p := &pack{term: map[string]string{}, cats: map[string]bool{}}
		for cat, words := range cats {
			p.cats[cat] = true
			for _, w := range strings.Fields(words) {
				p.term[w] = cat
			}
		}
		out[dom] = p
	}
	out["hotel"] = out["hospitality"]
	return out
}()

// match finds the longest pack term of up to three morphemes at toks[i]
// (待ち時間 is 待ち + 時間): the term, its category and the morphemes used.
func (p *pack) match(toks []token, i int) (string, string, int) {
	for n := min(3, len(toks)-i); n >= 1; n-- {
		term := toks[i].surf
		for k := 1; k < n; k++ {
			term += toks[i+k].surf
		}
		if c, ok := p.term[term]; ok {
			return term, c, n
		}
	}
	return "", "", 0
}

// WithTerms returns an Analyzer whose packs also hold the Japanese terms
// of the user's taxonomies (sentiment: taxonomies: in the config): domain
// -> category -> terms; terms without Japanese script are left to the
// English analyzer.
func (a *Analyzer) WithTerms(extra map[string]map[string][]string) *Analyzer {
	if len(extra) == 0 {
		return a
	}
	out := &Analyzer{tok: a.tok, packs: map[string]*pack{}}
	for d, p := range a.packs {
		cp := &pack{term: map[string]string{}, cats: map[string]bool{}}
		for k, v := range p.term {
			cp.term[k] = v
		}
		for k, v := range p.cats {
			cp.cats[k] = v
		}
		out.packs[d] = cp
	}
	for d, cats := range extra {
		d = strings.ToLower(d)
		p := out.packs[d]
		if p == nil {
			p = &pack{term: map[string]string{}, cats: map[string]bool{}}
			out.packs[d] = p
		}
		for cat, terms := range cats {
			for _, t := range terms {
				if japanese(t) {
					p.term[t] = cat
					p.cats[cat] = true
				}
			}
		}
	}
	return out
}

func japanese(s string) bool {
	for _, r := range s {
		if unicode.In(r, unicode.Hiragana, unicode.Katakana, unicode.Han) {
			return true
		}
	}
	return false
}

// category files a term by the first of its words the pack knows, else by
// the first of cats the pack has.
func (p *pack) category(subject string, cats []string) string {
	if c, ok := p.term[subject]; ok && subject != "" {
		return c
	}
	for _, c := range cats {
		if p.cats[c] {
			return c
		}
	}
	return ""
}
