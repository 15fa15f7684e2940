package sentiment

import (
	"fmt"
	"sort"
	"strings"
)

// builtinPacks are the taxonomies earshot ships: domain -> category ->
// terms a customer writes. They name issues in a shop owner's words
// ("wait time", not "latency of service encounter"); users extend them in
// the config under sentiment: taxonomies:.
var builtinPacks = map[string]map[string][]string{
	"restaurant": {
		"food": {"food", "dish", "dishes", "meal", "meals", "pizza", "burger", "burgers", "pasta", "steak", "sushi", "salad", "soup",
			"dessert", "desserts", "bread", "fries", "chicken", "fish", "taste", "flavor", "flavour", "portion", "portions", "menu",
			"appetizer", "appetizers", "entree", "entrees", "sauce", "cheese", "rice", "noodles", "seafood", "brunch", "breakfast",
			"lunch", "dinner", "cake", "sandwich", "sandwiches", "tacos", "curry", "dumplings", "ramen", "pork", "beef", "lamb", "shrimp",
			"lobster", "salmon", "tuna", "eggs", "bagel", "bagels", "wings", "specials", "starter", "starters", "main course", "mains", "cooking", "nut", "nuts", "peanut", "peanuts"},
		"drinks":         {"drinks", "drink", "beer", "beers", "beer selection", "wine", "wines", "wine list", "cocktail", "cocktails", "coffee", "tea", "bar", "sake", "martini", "margaritas", "juice"},
		"service":        {"service", "waiter", "waiters", "waitress", "waitresses", "waitstaff", "wait staff", "server", "servers", "host", "hostess", "manager", "bartender", "reservation", "reservations", "delivery", "takeout", "order"},
		"wait time":      {"wait", "wait time", "waiting", "delay", "slow service", "line", "queue"},
		"staff attitude": {"staff", "attitude", "rude staff", "manners", "owner"},
		"price":          {"price", "prices", "pricing", "cost", "value", "bill", "check", "money", "tip", "charge", "portion size"},
		"ambience":       {"ambience", "ambiance", "atmosphere", "decor", "décor", "music", "vibe", "interior", "seating", "view", "lighting", "setting", "space", "patio", "terrace"},
		"cleanliness":    {"cleanliness", "bathroom", "bathrooms", "restroom", "restrooms", "toilet", "toilets", "hygiene", "tables", "floor"},
		"noise":          {"noise", "noise level", "music volume"},
		"health and safety": {"food poisoning", "allergy", "allergies", "allergic reaction", "nut allergy", "peanut allergy", "hair", "cockroach", "cockroaches", "roach",
			"mold", "rat", "rats", "mice"},
	},
	"hospitality": {
		"room":              {"room", "rooms", "suite", "bed", "beds", "pillow", "pillows", "shower", "towels", "sheets", "air conditioning", "ac", "heating", "tv"},
		"cleanliness":       {"cleanliness", "bathroom", "housekeeping", "carpet", "stains", "bed bugs", "bedbugs", "dust"},
		"front desk":        {"front desk", "reception", "check-in", "check in", "checkout", "check-out", "concierge", "receptionist"},
		"service":           {"service", "staff", "manager", "room service", "valet"},
		"food":              {"breakfast", "restaurant", "buffet", "food", "bar", "dinner", "coffee"},
		"amenities":         {"pool", "gym", "spa", "wifi", "wi-fi", "internet", "parking", "elevator", "lift", "sauna"},
		"noise":             {"noise", "walls", "street noise", "neighbors"},
		"location":          {"location", "view", "neighborhood", "area", "beach"},
		"price":             {"price", "rate", "rates", "value", "bill", "fees", "resort fee", "deposit", "charge"},
		"booking":           {"booking", "reservation", "cancellation", "overbooked"},
		"health and safety": {"bed bugs", "bedbugs", "mold", "injury", "safe", "lock", "smoke alarm"},
	},
	"retail": {
		"shipping":         {"shipping", "shipment", "shipping cost", "tracking", "tracking number", "dispatch", "postage"},
		"delivery":         {"delivery", "courier", "package", "parcel", "driver", "box", "arrival"},
		"refund":           {"refund", "refunds", "return", "returns", "money back", "exchange", "store credit", "return policy"},
		"product quality":  {"quality", "product", "products", "item", "items", "material", "fabric", "size", "fit", "stitching", "battery", "packaging", "color", "colour"},
		"customer service": {"customer service", "support", "agent", "representative", "rep", "live chat", "email", "phone call", "phone support", "hold", "staff", "store", "manager", "cashier"},
		"billing":          {"billing", "charge", "charges", "invoice", "payment", "card", "credit card", "price", "prices", "coupon", "discount", "checkout"},
		"website":          {"website", "site", "app", "order", "account", "cart"},
	},
	"software": {
		"bugs":        {"bug", "bugs", "glitch", "glitches", "error", "errors", "issue", "issues", "problem", "update"},
		"crashes":     {"crash", "crashes", "crashing", "freeze", "freezes", "freezing", "hang", "blue screen"},
		"login":       {"login", "log in", "sign in", "sign-in", "password", "password reset", "2fa", "two-factor", "account", "authentication", "sso", "lockout"},
		"performance": {"performance", "speed", "lag", "latency", "loading", "load time", "battery", "memory", "cpu", "startup"},
		"billing":     {"billing", "subscription", "charge", "invoice", "refund", "pricing", "price", "plan", "trial", "renewal", "payment"},
		"support":     {"support", "help desk", "ticket", "tickets", "customer service", "response", "documentation", "docs", "agent"},
		"usability":   {"ui", "interface", "design", "ux", "navigation", "settings", "layout", "onboarding"},
		"features":    {"feature", "features", "integration", "integrations", "api", "sync", "export", "notifications"},
		"data":        {"data", "backup", "data loss", "privacy", "security", "files"},
	},
	"general": {
		"service":           {"service", "staff", "employee", "employees", "manager", "team"},
		"customer service":  {"customer service", "support", "response", "reply", "phone call", "phone support", "email", "agent"},
		"wait time":         {"wait", "wait time", "waiting", "delay", "delays", "queue", "line"},
		"price":             {"price", "prices", "pricing", "cost", "value", "fee", "fees", "money"},
		"quality":           {"quality", "product", "products", "work", "job", "results"},
		"billing":           {"billing", "bill", "charge", "charges", "invoice", "payment", "refund"},
		"delivery":          {"delivery", "shipping", "order", "package"},
		"cleanliness":       {"cleanliness", "bathroom", "restroom", "hygiene"},
		"location":          {"location", "parking", "place", "area"},
		"communication":     {"communication", "information", "website", "app"},
		"health and safety": {"injury", "safety", "allergic reaction", "food poisoning"},
	},
}

// Domains lists the built-in taxonomy packs.
func Domains() []string {
	out := make([]string, 0, len(builtinPacks))
	for d := range builtinPacks {
		out = append(out, d)
	}
	sort.Strings(out)
	return out
}

// taxonomy is a compiled pack: phrases indexed by their first word.
type taxonomy struct {
	byFirst map[string][]phrase
	// coarse maps a category to the SemEval-style parent used by the
	// learned restaurant classifier (food, service, price, ambience).
	coarse map[string]string
	cats   map[string]bool
}

type phrase struct {
	words    []string
	category string
}

// restaurantCoarse maps the restaurant pack's fine categories to the
// learned model's coarse categories, so a term the pack does not know can
// still be filed under food, service, price or ambience.
var restaurantCoarse = map[string]string{
	"food": "food", "drinks": "food", "health and safety": "food",
	"service": "service", "wait time": "service", "staff attitude": "service",
	"price": "price", "ambience": "ambience", "cleanliness": "ambience", "noise": "ambience",
}

func compileTaxonomies(extra map[string]map[string][]string) (map[string]*taxonomy, error) {
	merged := map[string]map[string][]string{}
	add := func(domain, cat string, terms []string, user bool) error {
		d := strings.ToLower(strings.TrimSpace(domain))
		c := strings.ToLower(strings.TrimSpace(cat))
		if d == "" {
			return fmt.Errorf("%w: empty domain name", ErrBadTaxonomy)
		}
		if c == "" {
			return fmt.Errorf("%w: domain %q has a category with an empty name", ErrBadTaxonomy, d)
		}
		if merged[d] == nil {
			merged[d] = map[string][]string{}
		}
		for i, t := range terms {
			t = strings.ToLower(strings.Join(strings.Fields(t), " "))
			if t == "" {
				return fmt.Errorf("%w: %s/%s: term %d is empty", ErrBadTaxonomy, d, c, i+1)
			}
			merged[d][c] = append(merged[d][c], t)
		}
		if user && len(terms) == 0 {
			merged[d][c] = append(merged[d][c], c)
		}
		return nil
	}
	for d, cats := range builtinPacks {
		for c, terms := range cats {
			if err := add(d, c, terms, false); err != nil {
				return nil, err
			}
		}
	}
	// user entries, in a stable order so errors are reproducible
	doms := make([]string, 0, len(extra))
	for d := range extra {
		doms = append(doms, d)
	}
	sort.Strings(doms)
	for _, d := range doms {
		cats := make([]string, 0, len(extra[d]))
		for c := range extra[d] {
			cats = append(cats, c)
		}
		sort.Strings(cats)
		for _, c := range cats {
			if err := add(d, c, extra[d][c], true); err != nil {
				return nil, err
			}
		}
	}
	out := map[string]*taxonomy{}
	for d, cats := range merged {
		tx := &taxonomy{byFirst: map[string][]phrase{}, coarse: map[string]string{}, cats: map[string]bool{}}
		names := make([]string, 0, len(cats))
		for c := range cats {
			names = append(names, c)
		}
		sort.Strings(names)
		for _, c := range names {
			tx.cats[c] = true
			for _, t := range cats[c] {
				w := strings.Fields(t)
				tx.byFirst[w[0]] = append(tx.byFirst[w[0]], phrase{words: w, category: c})
			}
		}
		// longest phrase first, so "wine list" wins over "wine"
		for k, ps := range tx.byFirst {
			sort.SliceStable(ps, func(i, j int) bool { return len(ps[i].words) > len(ps[j].words) })
			tx.byFirst[k] = ps
		}
		if d == "restaurant" {
			for k, v := range restaurantCoarse {
				tx.coarse[k] = v
			}
		}
		out[d] = tx
	}
	return out, nil
}

// match returns the category and length of the longest phrase starting
// at toks[i], or ("", 0).
func (tx *taxonomy) match(lower func(int) string, i, to int) (string, int) {
	ps := tx.byFirst[lower(i)]
	if ps == nil {
		// plural fallback: "waiters" -> "waiter"
		w := lower(i)
		if len(w) > 3 && strings.HasSuffix(w, "s") {
			ps = tx.byFirst[w[:len(w)-1]]
		}
		if ps == nil {
			return "", 0
		}
	}
	for _, p := range ps {
		if i+len(p.words) > to {
			continue
		}
		ok := true
		for k := 1; k < len(p.words); k++ {
			if lower(i+k) != p.words[k] {
				ok = false
				break
			}
		}
		if ok {
			return p.category, len(p.words)
		}
	}
	return "", 0
}
