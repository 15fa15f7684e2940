package multi

import (
	"strconv"
	"strings"

	"github.com/earshot/earshot/sentiment/internal/verdict"
)

// issue names what a cue is about.
type issue struct {
	adj    bool     // pair with the noun it judges ("comida fría")
	def    string   // term without a noun ("" = no issue without one)
	cats   []string // categories to file it under, first the pack has
	wait   bool     // the words as written when they give a length
	always bool     // kept under "other" when the pack has none of cats
}

type cue struct {
	kind      verdict.Kind
	pos       [][]string // alternatives per position; "#" a number, "x~" a prefix
	iss       *issue
	negatable bool
}

type pack struct {
	lang     string
	lex      map[string]float64
	negate   map[string]bool
	boost    map[string]float64
	contrast map[string]bool
	nouns    map[string][]string
	numbers  map[string]bool
	cues     map[string][]cue // by first word (prefixes under "~" + 3 letters)
}

type cueSrc struct {
	kind      verdict.Kind
	pat       string
	iss       *issue
	negatable bool
}

type source struct {
	lex, negate, boost, contrast, numbers string
	nouns                                 map[string]string // category -> nouns
	cues                                  []cueSrc
}

func (c cue) matches(toks []token, i int) bool {
	if i+len(c.pos) > len(toks) {
		return false
	}
	for k, alts := range c.pos {
		if k > 0 && toks[i+k-1].clauseEnd {
			return false
		}
		w := toks[i+k].w
		ok := false
		for _, a := range alts {
			switch {
			case a == "#":
				ok = w != "" && (w[0] >= '0' && w[0] <= '9')
			case strings.HasSuffix(a, "~"):
				ok = strings.HasPrefix(w, a[:len(a)-1])
			default:
				ok = a == w
			}
			if ok {
				break
			}
		}
		if !ok {
			return false
		}
	}
	return true
}

func compile(s source, lang string) *pack {
	p := &pack{lang: lang, lex: map[string]float64{}, negate: map[string]bool{}, boost: map[string]float64{}, contrast: map[string]bool{},
		nouns: map[string][]string{}, numbers: map[string]bool{}, cues: map[string][]cue{}}
	for _, f := range strings.Fields(s.lex) {
		w, v, _ := strings.Cut(f, ":")
		x, err := strconv.ParseFloat(v, 64)
		if err != nil {
			panic("multi: bad lexicon entry " + f)
		}
		p.lex[strings.ReplaceAll(fold(w, lang), "_", " ")] = x
	}
	for _, w := range strings.Fields(s.negate) {
		p.negate[fold(w, lang)] = true
	}
	for _, f := range strings.Fields(s.boost) {
		w, v, _ := strings.Cut(f, ":")
		x, _ := strconv.ParseFloat(v, 64)
		p.boost[fold(w, lang)] = x
	}
	for _, w := range strings.Fields(s.contrast) {
		p.contrast[fold(w, lang)] = true
	}
	for _, w := range strings.Fields(s.numbers) {
		p.numbers[fold(w, lang)] = true
	}
	for _, cat := range sortedKeys(s.nouns) {
		for _, w := range strings.Fields(s.nouns[cat]) {
			w = fold(w, lang)
			p.nouns[w] = append(p.nouns[w], cat)
		}
	}
	for _, c := range s.cues {
		var pos [][]string
		for _, f := range strings.Fields(c.pat) {
			alts := strings.Split(f, "|")
			for i := range alts {
				if alts[i] != "#" {
					alts[i] = fold(alts[i], lang)
				}
			}
			pos = append(pos, alts)
		}
		cc := cue{kind: c.kind, pos: pos, iss: c.iss, negatable: c.negatable}
		for _, a := range pos[0] {
			if strings.HasSuffix(a, "~") {
				panic("multi: a cue must start with a word: " + c.pat)
			}
			p.cues[a] = append(p.cues[a], cc)
		}
	}
	return p
}

func sortedKeys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	// insertion sort: a handful of keys
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j] < out[j-1]; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

var (
	cFood   = []string{"food", "product quality", "quality"}
	cStaff  = []string{"staff attitude", "service", "customer service", "support"}
	cWait   = []string{"wait time", "service", "customer service", "support", "delivery"}
	cClean  = []string{"cleanliness", "room"}
	cPrice  = []string{"price", "billing"}
	cBill   = []string{"billing", "price", "refund"}
	cRefund = []string{"refund", "billing", "price"}
	cProd   = []string{"product quality", "bugs", "quality", "room"}
	cDeliv  = []string{"delivery", "shipping", "service"}
	cNoise  = []string{"noise", "ambience"}
	cHealth = []string{"health and safety"}
	cCrash  = []string{"crashes", "bugs", "performance"}
	cBad    = []string{"service", "quality", "food"}
)

// Nouns are filed under the English packs' categories; a noun may sit
// under several, the first one the business's pack has wins.
var sources = map[string]source{
	"es": {
		lex: `bueno:1.9 buena:1.9 buenos:1.9 buenas:1.9 buen:1.9 excelente:2.7 perfecto:2.5 perfecta:2.5 genial:2.5 estupendo:2.5
rico:2 rica:2 delicioso:2.5 deliciosa:2.5 amable:2 amables:2 atento:1.8 atenta:1.8 limpio:1.5 limpia:1.5 recomendable:2 recomiendo:2
encanto:2.5 encantó:2.5 encanta:2.5 gusto:1.5 gustó:1.5 maravilloso:2.7 fantastico:2.7 increible:2 rapido:1 rapida:1 gracias:1.5
mejor:2 agradable:1.8 volveremos:2 volvere:2 espectacular:2.7 feliz:2 contento:2 contenta:2 bien:1.5 muy_bien:2.2
malo:-2.5 mala:-2.5 malos:-2.5 malas:-2.5 mal:-2.5 pesimo:-3 pesima:-3 horrible:-3 terrible:-3 fatal:-2.7 malisimo:-3 malisima:-3 buenisimo:2.7 buenisima:2.7 riquisimo:2.7 riquisima:2.7
peor:-2.7 asco:-2.7 asqueroso:-3 sucio:-2 sucia:-2 frio:-1.5 fria:-1.5 lento:-1.5 lenta:-1.5 grosero:-2.5 grosera:-2.5
maleducado:-2.5 caro:-1.2 cara:-1.2 decepcion:-2.5 decepcionante:-2.5 decepcionado:-2.5 desastre:-3 vergüenza:-2.5
estafa:-3 roto:-2 rota:-2 tarde:-1 nunca_mas:-2.5 esperar:-0.5 problema:-1.5 queja:-2 reclamacion:-2 insoportable:-2.5
mediocre:-1.5 regular:-0.5 ruidoso:-1.5 desagradable:-2.5 lamentable:-2.7`,
		negate:   "no nunca jamas ni tampoco nada sin ningun ninguna",
		boost:    "muy:1.3 tan:1.3 super:1.3 demasiado:1.3 bastante:1.2 realmente:1.3 totalmente:1.3 extremadamente:1.4 poco:0.6 algo:0.7",
		contrast: "pero aunque sino",
		numbers:  "un una dos tres cuatro cinco diez veinte treinta cuarenta media",
		nouns: map[string]string{
			"food":             "comida plato platos carne pescado pizza pasta sopa postre paella tapas menu cena almuerzo desayuno",
			"service":          "servicio camarero camarera camareros mesero mesera atencion personal recepcion",
			"staff attitude":   "personal trato encargado",
			"customer service": "servicio atencion personal soporte",
			"support":          "soporte servicio atencion",
			"price":            "precio precios cuenta",
			"cleanliness":      "bano banos mesa limpieza",
			"room":             "habitacion cama",
			"delivery":         "pedido entrega envio paquete",
			"product quality":  "producto calidad articulo",
			"bugs":             "aplicacion app",
			"wait time":        "espera",
		},
		cues: []cueSrc{
			{verdict.Complaint, "fria|frio|frias|frios|helada|helado", &issue{adj: true, def: "comida fría", cats: cFood}, false},
			{verdict.Complaint, "grosero|grosera|groseros|maleducado|maleducada|borde|antipatico|antipatica", &issue{adj: true, def: "personal grosero", cats: cStaff}, false},
			{verdict.Complaint, "lento|lenta|lentos", &issue{adj: true, def: "servicio lento", cats: cWait}, true},
			{verdict.Complaint, "sucio|sucia|sucios|sucias", &issue{adj: true, def: "suciedad", cats: cClean}, true},
			{verdict.Complaint, "mal|malo|mala|pesimo|pesima|horrible|terrible|malisimo|malisima", &issue{adj: true, cats: cBad}, true},
			{verdict.Complaint, "caro|cara|carisimo", &issue{adj: true, def: "precio caro", cats: cPrice}, true},
			{verdict.Complaint, "roto|rota|rotos|defectuoso|defectuosa", &issue{adj: true, def: "producto roto", cats: cProd}, true},
			{verdict.Complaint, "ruidoso|ruidosa", &issue{adj: true, def: "ruido", cats: cNoise}, true},
			{verdict.Complaint, "esperamos|espere|esperando|esperar # minutos|hora|horas", &issue{wait: true, def: "larga espera", cats: cWait}, false},
			{verdict.Complaint, "esperamos|espere|esperando|esperar una|media|mas hora|horas", &issue{wait: true, def: "larga espera", cats: cWait}, false},
			{verdict.Complaint, "mas de una|media|# hora|horas|minutos", &issue{wait: true, def: "larga espera", cats: cWait}, false},
			{verdict.Complaint, "nunca llego|llegaron", &issue{def: "pedido no recibido", cats: cDeliv}, false},
			{verdict.Complaint, "no funciona|funcionan", &issue{def: "no funciona", cats: cProd}, false},
			{verdict.Complaint, "dinero de vuelta", &issue{def: "reembolso", cats: cRefund}, false},
			{verdict.Complaint, "reembolso|devolucion", &issue{def: "reembolso", cats: cRefund}, false},
			{verdict.Complaint, "no lo|la recomiendo", nil, false},
			{verdict.Complaint, "no recomiendo", nil, false},
			{verdict.Complaint, "peor|asco|decepcion|decepcionante|decepcionado|decepcionada|desastre|lamentable|vergüenza|fatal", nil, true},
			{verdict.Fraud, "cobraron|cobro dos veces", &issue{def: "cobro doble", cats: cBill}, false},
			{verdict.Fraud, "estafa|fraude|robo", nil, true},
			{verdict.Health, "intoxicacion", &issue{def: "intoxicación", cats: cHealth, always: true}, true},
			{verdict.Health, "cucaracha|cucarachas|raton|ratas|chinches", &issue{def: "plagas", cats: cHealth, always: true}, true},
			{verdict.Health, "pelo en", &issue{def: "pelo en la comida", cats: cHealth, always: true}, true},
			{verdict.Legal, "abogado|denuncia|denunciar|demanda", nil, true},
			{verdict.Churn, "nunca mas", nil, false},
			{verdict.Churn, "no volvere|volveremos|vuelvo|volvemos", nil, false},
			{verdict.Repeat, "otra vez", nil, false},
			{verdict.Repeat, "siempre lo mismo", nil, false},
		},
	},
	"de": {
		lex: `gut:1.9 gute:1.9 guter:1.9 gutes:1.9 super:2.2 toll:2.3 tolle:2.3 tolles:2.3 toller:2.3 lecker:2.3 leckeres:2.3 leckere:2.3
freundlich:2 freundliche:2 nett:1.8 nette:1.8 netter:1.8 sauber:1.5 ausgezeichnet:2.7 hervorragend:2.7 perfekt:2.5 empfehlenswert:2
empfehlen:1.5 bestens:2.5 wunderbar:2.7 schoen:2 schoene:2 klasse:2.3 zufrieden:2 danke:1.5 ruhig:1 schnell:1 prima:2.3 top:2.3 gerne:1
schlecht:-2.5 schlechte:-2.5 schlechter:-2.5 schlechtes:-2.5 schlechteste:-3 schlechtesten:-3 schrecklich:-3 schrecklicher:-3 furchtbar:-3
katastrophe:-3 katastrophal:-3 unfreundlich:-2.3 unfreundliche:-2.3 unfreundlicher:-2.3 unfreundliches:-2.3 unhoeflich:-2.3
kalt:-1.2 kalte:-1.2 kaltes:-1.2 kalter:-1.2 langsam:-1.5 schmutzig:-2 dreckig:-2.3 teuer:-1.2 ueberteuert:-2 enttaeuscht:-2.3
enttaeuschend:-2.3 leider:-1 ekelhaft:-3 mies:-2.5 miserabel:-3 unverschaemt:-2.7 frech:-2 laut:-1 kaputt:-2 defekt:-2 betrug:-3
nie_wieder:-2.5 zu_spaet:-1.5 warten:-0.5 gewartet:-1 problem:-1.5 beschwerde:-2 mangelhaft:-2.5 unzumutbar:-2.7`,
		negate:   "nicht kein keine keinen keiner keinem nie niemals ohne nichts kaum",
		boost:    "sehr:1.3 so:1.2 total:1.3 echt:1.3 wirklich:1.3 extrem:1.4 ziemlich:1.2 absolut:1.3 voellig:1.3 etwas:0.7 bisschen:0.6 zu:1.2",
		contrast: "aber jedoch allerdings trotzdem",
		numbers:  "ein eine einer zwei drei vier fuenf zehn zwanzig dreissig vierzig halbe",
		nouns: map[string]string{
			"food":             "essen gericht speisen fleisch fisch pizza pasta suppe pommes schnitzel nachtisch fruehstueck mittagessen abendessen",
			"service":          "service bedienung kellner kellnerin personal mitarbeiter rezeption",
			"staff attitude":   "personal mitarbeiter chef",
			"customer service": "kundenservice kundendienst service personal support hotline",
			"support":          "support kundenservice",
			"price":            "preis preise rechnung",
			"cleanliness":      "toilette toiletten tisch bad sauberkeit",
			"room":             "zimmer bett",
			"delivery":         "lieferung bestellung paket",
			"product quality":  "produkt qualitaet ware artikel",
			"bugs":             "app",
			"wait time":        "wartezeit",
		},
		cues: []cueSrc{
			{verdict.Complaint, "kalt|kalte|kalter|kaltes|kalten|lauwarm", &issue{adj: true, def: "Essen kalt", cats: cFood}, false},
			{verdict.Complaint, "unfreundlich|unfreundliche|unfreundlicher|unfreundliches|unhoeflich|frech|unverschaemt", &issue{adj: true, def: "Personal unfreundlich", cats: cStaff}, false},
			{verdict.Complaint, "langsam|langsame|langsamer", &issue{adj: true, def: "Service langsam", cats: cWait}, true},
			{verdict.Complaint, "schmutzig|schmutzige|schmutziges|dreckig|dreckige|verdreckt", &issue{adj: true, def: "Schmutz", cats: cClean}, true},
			{verdict.Complaint, "schlecht|schlechte|schlechter|schlechtes|schlechteste|schrecklich|schrecklicher|furchtbar|mies|miserabel", &issue{adj: true, cats: cBad}, true},
			{verdict.Complaint, "teuer|ueberteuert", &issue{adj: true, def: "zu teuer", cats: cPrice}, true},
			{verdict.Complaint, "kaputt|defekt|beschaedigt", &issue{adj: true, def: "Produkt defekt", cats: cProd}, true},
			{verdict.Complaint, "laut|laute", &issue{adj: true, def: "Lärm", cats: cNoise}, true},
			{verdict.Complaint, "# minuten|stunde|stunden gewartet|warten|wartezeit", &issue{wait: true, def: "lange Wartezeit", cats: cWait}, false},
			{verdict.Complaint, "eine|einer|halbe stunde|stunden gewartet|warten", &issue{wait: true, def: "lange Wartezeit", cats: cWait}, false},
			{verdict.Complaint, "lange wartezeit", &issue{def: "lange Wartezeit", cats: cWait}, false},
			{verdict.Complaint, "zu spaet", &issue{def: "Lieferung zu spät", cats: cDeliv}, false},
			{verdict.Complaint, "nie angekommen", &issue{def: "Lieferung nie angekommen", cats: cDeliv}, false},
			{verdict.Complaint, "funktioniert nicht", &issue{def: "funktioniert nicht", cats: cProd}, false},
			{verdict.Complaint, "stuerzt|stuerzte staendig|immer|dauernd ab", &issue{def: "App stürzt ab", cats: cCrash}, false},
			{verdict.Complaint, "stuerzt|stuerzte ab", &issue{def: "App stürzt ab", cats: cCrash}, false},
			{verdict.Complaint, "geld zurueck", &issue{def: "Geld zurück", cats: cRefund}, false},
			{verdict.Complaint, "erstattung|rueckerstattung", &issue{def: "Erstattung", cats: cRefund}, false},
			{verdict.Complaint, "nicht zu empfehlen", nil, false},
			{verdict.Complaint, "nicht empfehlenswert", nil, false},
			{verdict.Complaint, "katastrophe|katastrophal|enttaeuscht|enttaeuschend|ekelhaft|unzumutbar|mangelhaft", nil, true},
			{verdict.Fraud, "doppelt abgebucht|berechnet|bezahlt", &issue{def: "doppelte Abbuchung", cats: cBill}, false},
			{verdict.Fraud, "betrug|abzocke|betrueger", nil, true},
			{verdict.Health, "lebensmittelvergiftung", &issue{def: "Lebensmittelvergiftung", cats: cHealth, always: true}, true},
			{verdict.Health, "kakerlake|kakerlaken|maeuse|ratten|bettwanzen", &issue{def: "Ungeziefer", cats: cHealth, always: true}, true},
			{verdict.Health, "haar|haare im|in", &issue{def: "Haar im Essen", cats: cHealth, always: true}, true},
			{verdict.Legal, "anwalt|anzeige|verbraucherzentrale|gesundheitsamt", nil, true},
			{verdict.Churn, "nie wieder", nil, false},
			{verdict.Churn, "nie mehr", nil, false},
			{verdict.Churn, "nicht wieder", nil, false},
			{verdict.Repeat, "schon wieder", nil, false},
			{verdict.Repeat, "jedes mal", nil, false},
		},
	},
	"fr": {
		lex: `bon:1.9 bonne:1.9 bons:1.9 bonnes:1.9 excellent:2.7 excellente:2.7 parfait:2.5 parfaite:2.5 delicieux:2.5 delicieuse:2.5
super:2.2 genial:2.5 sympa:1.8 aimable:2 chaleureux:2 chaleureuse:2 propre:1.5 recommande:2 merci:1.5 agreable:1.8 top:2.3
magnifique:2.7 bravo:2.3 rapide:1 reviendra:2 reviendrons:2 satisfait:2 ravi:2.3 ravie:2.3 bien:1.5 tres_bien:2.2
mauvais:-2.5 mauvaise:-2.5 nul:-2.7 nulle:-2.7 horrible:-3 pire:-2.7 immonde:-3 lent:-1.5 lente:-1.5 froid:-1.2 froide:-1.2
impoli:-2.3 impolie:-2.3 desagreable:-2.3 grossier:-2.5 sale:-2 cher:-1.2 chere:-1.2 decu:-2.3 decue:-2.3 decevant:-2.3
mediocre:-1.5 interminable:-2 inadmissible:-2.7 honteux:-2.7 lamentable:-2.7 catastrophe:-3 arnaque:-3 bof:-1 eviter:-2
plus_jamais:-2.5 bruyant:-1.2 casse:-2 defectueux:-2 probleme:-1.5 plainte:-2 degoutant:-3 attente:-1`,
		negate:   "pas jamais rien sans aucun aucune ni ne n",
		boost:    "tres:1.3 trop:1.3 vraiment:1.3 tellement:1.3 super:1.3 assez:1.1 extremement:1.4 peu:0.6",
		contrast: "mais cependant pourtant",
		numbers:  "un une deux trois quatre cinq dix vingt trente quarante demi",
		nouns: map[string]string{
			"food":             "repas plat plats nourriture cuisine viande poisson pizza pates soupe dessert dejeuner diner entree",
			"service":          "service serveur serveuse accueil personnel reception",
			"staff attitude":   "personnel equipe patron",
			"customer service": "service accueil personnel sav support",
			"support":          "support service",
			"price":            "prix addition",
			"cleanliness":      "toilettes table proprete",
			"room":             "chambre lit salle",
			"delivery":         "commande livraison colis",
			"product quality":  "produit qualite article",
			"bugs":             "application appli",
			"wait time":        "attente",
		},
		cues: []cueSrc{
			{verdict.Complaint, "froid|froide|froids|froides|tiede|tiedes", &issue{adj: true, def: "plat froid", cats: cFood}, false},
			{verdict.Complaint, "impoli|impolie|impolis|desagreable|desagreables|grossier|grossiere|malpoli|malpolie|odieux", &issue{adj: true, def: "personnel désagréable", cats: cStaff}, false},
			{verdict.Complaint, "lent|lente|lents", &issue{adj: true, def: "service lent", cats: cWait}, true},
			{verdict.Complaint, "sale|sales|crasseux|crasseuse", &issue{adj: true, def: "saleté", cats: cClean}, true},
			{verdict.Complaint, "mauvais|mauvaise|nul|nulle|horrible|mediocre|immonde", &issue{adj: true, cats: cBad}, true},
			{verdict.Complaint, "cher|chere|chers", &issue{adj: true, def: "trop cher", cats: cPrice}, true},
			{verdict.Complaint, "casse|cassee|defectueux|defectueuse|abime|abimee", &issue{adj: true, def: "produit défectueux", cats: cProd}, true},
			{verdict.Complaint, "bruyant|bruyante", &issue{adj: true, def: "bruit", cats: cNoise}, true},
			{verdict.Complaint, "attente interminable", &issue{def: "attente interminable", cats: cWait}, false},
			{verdict.Complaint, "attendu|attendre|attente # minutes|min|heure|heures", &issue{wait: true, def: "longue attente", cats: cWait}, false},
			{verdict.Complaint, "attendu|attendre une|deux heure|heures", &issue{wait: true, def: "longue attente", cats: cWait}, false},
			{verdict.Complaint, "jamais arrive|arrivee|recu|recue", &issue{def: "commande jamais arrivée", cats: cDeliv}, false},
			{verdict.Complaint, "fonctionne|marche pas", &issue{def: "ne fonctionne pas", cats: cProd}, false},
			{verdict.Complaint, "plante|plantes|crashe", &issue{def: "l'application plante", cats: cCrash}, false},
			{verdict.Complaint, "remboursez|rembourser|remboursement|rembourse", &issue{def: "remboursement", cats: cRefund}, false},
			{verdict.Complaint, "a eviter", nil, false},
			{verdict.Complaint, "pire|decu|decue|decevant|decevante|inadmissible|honteux|lamentable|catastrophe|degoutant", nil, true},
			{verdict.Fraud, "facture|factures|facturee|preleve deux fois", &issue{def: "double facturation", cats: cBill}, false},
			{verdict.Fraud, "double facturation", &issue{def: "double facturation", cats: cBill}, false},
			{verdict.Fraud, "arnaque|escroquerie|escroc|escrocs|fraude", nil, true},
			{verdict.Health, "intoxication", &issue{def: "intoxication alimentaire", cats: cHealth, always: true}, true},
			{verdict.Health, "cafard|cafards|souris|rats|punaises", &issue{def: "nuisibles", cats: cHealth, always: true}, true},
			{verdict.Health, "cheveu|cheveux dans", &issue{def: "cheveu dans le plat", cats: cHealth, always: true}, true},
			{verdict.Legal, "avocat|plainte|tribunal", nil, true},
			{verdict.Churn, "plus jamais", nil, false},
			{verdict.Churn, "reviendrai|reviendrons plus|pas|jamais", nil, false},
			{verdict.Repeat, "encore une fois", nil, false},
			{verdict.Repeat, "a chaque fois", nil, false},
		},
	},
}
