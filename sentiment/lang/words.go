package lang

// wordLists are everyday words of short reviews and posts, per language:
// function words, opinion words, and the things customers talk about.
// They were written for earshot (no third-party list); a word in several
// lists votes for each of them with a share of one.
var wordLists = map[string]string{
	"en": `the a an and is was were are to of it this that with for not but very you i we they my our have had has be at on in so
your he she his her me just all do get got can what when how if or from by about no yes will would should there their them him
been it's i'm don't lol as its too really never ever again always still more most much than then back here one two three five
food service staff place time order room hotel app price money waiter waitress manager delivery coffee pizza burger fries tacos
sushi breakfast dinner lunch drinks beer wine view pool team support customer refund update login account shipping quality
value experience stars star minutes hours wait waited waiting arrived came went told asked said made make take took went
great good bad best worst nice lovely amazing awesome excellent terrible horrible awful rude slow fast quick friendly clean dirty
cold hot late wrong broken poor perfect fine okay ok meh love loved like liked hate hated recommend recommended highly
delicious tasty bland overpriced cheap expensive helpful useless disappointed disappointing fantastic wonderful superb decent
pretty super totally absolutely crashing crashes keeps buggy since thanks thank please why who which where worth whole
charged twice keep keeps stopped working fresh spot town ripoff underwhelming poisoning bugs bed room view terrace hung up
`,
	"es": `de en a se le les su sus son hay ha han he estoy estamos estan también cuando donde porque cerca aqui ahí mucho dos tres uno ese esa eso este estos estas muy sobre entre hasta desde sin sino ni ya aún
el la los las y es era un una yo nosotros con para muy pero del al que por lo se nos fue está esta estaba estuvo me mi
no sí nunca más menos todo toda todos bien mal malo mala buen bueno buena mejor peor pésimo pésima horrible excelente
servicio comida camarero camarera mesero atención personal habitación precio dinero pedido cuenta aplicación ambiente música
fría frío caliente grosero grosera amable lento rápido sucio sucia limpio caro barato rico rica delicioso deliciosa asco
llegó esperamos esperar espera hora horas minutos recomiendo recomendable volveremos volver gracias encantó encanta gustó
quiero vuelta funciona cobraron veces dos totalmente seguro experiencia ciudad restaurante lugar malísimo buenísimo qué
cuando donde como muy también ya nada siempre hoy ayer mucho poco demasiado tarde
`,
	"de": `am im vom zum zur ins sind haben hatten hat wird werden kann können muss dass wenn weil oder doch man sich hier dort direkt liegt gibt ganz viel mehr einmal heute gestern zwei drei vier immer wieder wo wer was dann nach vor über unter zwischen
der die das und ist war nicht ein eine ich wir sie es zu mit auf für sehr aber auch bei uns den dem des noch nur wie
schon kein keine mein meine haben hat hatte wurde waren sind nie wieder immer alles nichts gut schlecht schlechter schlechteste
super toll tolles toller lecker freundlich unfreundlich unfreundliches nett netter nette kalt kalte warm heiß schmutzig sauber
ruhig laut teuer billig langsam schnell essen service zimmer kellner kellnerin personal bedienung preis geld lieferung bestellung
frühstück hotel wartezeit gewartet warten stunde stunden minuten empfehlenswert empfehlen danke für kommen komme kam spät zu
katastrophe katastrophal schrecklich schrecklicher furchtbar enttäuscht enttäuschend leider ausgezeichnet bestens absolut
zurück will stürzt ständig ab doppelt abgebucht pommes kundenservice stadt eine einer einem leckeres fantastisch
`,
	"fr": `de à en se son sa ses leur leurs ils elles y être avoir fait faire avons avez ont sont sommes été deux trois aussi comme où quand lui dont ici là chez après avant près entre sous peu encore déjà trouve si ou donc car par tout toute
le la les et est était pas un une je nous vous il elle avec pour très mais des du au aux ce cette qui que sur dans ne
plus jamais rien tout tous toujours bon bonne bien mal mauvais mauvaise meilleur pire nul nulle super parfait parfaite excellent
délicieux délicieuse froid froide chaud sale propre cher chère lent lente rapide impoli impolie désagréable aimable sympa
chaleureux accueil serveur serveuse personnel service repas plat nourriture chambre prix commande application attente
interminable arrivée arrivé recommande vivement déçu déçue décevant horrible immonde médiocre merci beaucoup reviendra
reviendrons éviter remboursez rembourser remboursement plante arrêt rapport qualité facturé fois équipe ambiance hôtel
c'était bof vraiment trop on moi mon ma mes
`,
	"it": `di da in con su per tra fra si sì ha hanno abbiamo siamo sono era erano anche molto poco due tre dove quando perché qui
il lo la gli le è era non una io noi con per molto ma del della che di sono ci siamo anche questo questa mai più
buono buona ottimo ottima pessimo pessima cattivo servizio cibo cameriere camera prezzi prezzo personale esperienza freddo
fredda sporco sporca scortese gentile gentilissimo perfetto grazie consiglio abbiamo aspettato ora torneremo sicuramente
schifo troppo alti terribile tutto
`,
	"pt": `de do dos das em no nos se seu sua ao aos à às tem têm temos somos são muito pouco dois três onde quando porque aqui
os é era não um uma eu nós com para muito mas da que em na foi está também atendimento péssimo comida boa bom nunca
mais volto recomendo adorei tudo obrigado obrigada quarto estava sujo caro experiência horrível ótimo ótima
`,
	"nl": `het zijn hebben heeft wordt worden kan moet als omdat waar wanneer hier daar twee drie naar bij uit aan om nog wel
de het een en is was niet ik wij we zij met voor zeer heel maar ook van dat die op te zijn er geen slechte slecht
service lekker gegeten nooit meer eten koud vriendelijk personeel goed
`,
}

// letterHints are letters that mark a language (each one seen adds a
// vote): ñ and inverted marks for Spanish, ß and umlauts for German, the
// French accents, ã and õ for Portuguese.
var letterHints = map[string]string{
	"es": "ñ¿¡",
	"de": "ßäöü",
	"fr": "œçêèâîôûëïù",
	"it": "ìò",
	"pt": "ãõ",
}

// japaneseOnlyHan are character forms Japanese writes and Chinese does
// not (Japanese simplifications, kokuji): 悪 is 恶 or 惡 in Chinese.
const japaneseOnlyHan = "悪気対様駅円図広売読楽薬浅桜沢伝団労栄営変恋実写斉済渋渇乗剰帰県稲弁辺拝払仏芸焼絵継続壊懐戦践銭浜径経軽験検険剣剤与予嬢譲醸鉄関戻涙込込畑峠枠働匂凪込丼枠噂"

// chineseOnlyHan are simplified forms and function characters Chinese
// writes and Japanese does not.
const chineseOnlyHan = "这们个说时会过对还没给吗呢啊吧么难贵钱务态错满荐够优质价环让尝听觉见东车门问间题开关发现样话应该头买卖们很是吃"

// japaneseHanWords are kanji compounds of Japanese reviews.
var japaneseHanWords = []string{"最悪", "最高", "満足", "残念", "不満", "丁寧", "親切", "返金", "詐欺", "注文", "店員", "料理", "期待外"}
