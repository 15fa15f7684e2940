package alerts

// Built-in reply drafts in the languages earshot analyses besides
// English. Each is one template for reviews and posts (.Social tells
// them apart) with a full and a Short form, like the English ones: thank
// the customer, apologise for each issue in the customer's own words,
// promise nothing, and invite them to a private conversation. Customer
// is empty when the author is unknown, so each language greets in its
// own way ("お客様", "Hola"). Issues are the analyzer's terms in the
// reviewer's language ("料理が冷めていた", "comida fría"), which is why
// they are listed after a colon or in brackets rather than fitted into a
// sentence whose grammar they might not match.
//
// The Japanese one is the form a Japanese business writes in public:
// 様 after the name (お客様 without one), 申し訳ございません and
// ご迷惑をおかけしました, and no casual forms.
var builtinDrafts = map[string]string{
	"ja": `{{if .Customer}}{{.Customer}}様{{else}}お客様{{end}}
{{- if .Short}}、{{else}}、この度は{{.Business}}をご利用いただき、誠にありがとうございます。{{end}}
{{- if .Issues}}ご指摘いただいた点（{{list .Issues "、" "、"}}）につきまして、{{end}}ご迷惑をおかけしましたこと、誠に申し訳ございません。
{{- if .Short}}{{if .Social}}お手数ですが、DMにてご連絡いただけますでしょうか。{{else}}お手数ですが、直接ご連絡いただけますと幸いです。{{end}}
{{- else}}いただいたご意見はスタッフ全員で共有し、再発防止に努めてまいります。
{{- if .Social}}お手数ですが、詳しい状況をDMにてお知らせいただけますでしょうか。{{else}}詳しいお話をお伺いしたく、お手数ですが直接ご連絡いただけますと幸いです。{{end}}{{end}}`,

	"es": `Hola{{if .Customer}} {{.Customer}}{{end}}, gracias por contarnos su experiencia.
{{- if .Issues}} Lamentamos mucho los problemas que tuvo: {{list .Issues ", " " y "}}.{{else}} Lamentamos mucho lo ocurrido.{{end}}
{{- if .Short}} Por favor, {{if .Social}}escríbanos por mensaje privado{{else}}póngase en contacto con nosotros{{end}}.
{{- else}} No es lo que queremos para nadie en {{.Business}}, y hemos compartido sus comentarios con el equipo para que no vuelva a ocurrir. Nos gustaría saber más y solucionarlo: {{if .Social}}escríbanos por mensaje privado{{else}}póngase en contacto con nosotros directamente{{end}}.{{end}}`,

	"de": `Hallo{{if .Customer}} {{.Customer}}{{end}}, vielen Dank für Ihre Rückmeldung.
{{- if .Issues}} Es tut uns sehr leid, dass Sie Probleme hatten: {{list .Issues ", " " und "}}.{{else}} Es tut uns sehr leid, was passiert ist.{{end}}
{{- if .Short}} Bitte {{if .Social}}schreiben Sie uns eine Direktnachricht{{else}}melden Sie sich bei uns{{end}}.
{{- else}} So soll es bei {{.Business}} nicht sein; wir haben Ihr Feedback an das Team weitergegeben, damit es nicht wieder vorkommt. Wir würden gern mehr erfahren und es wiedergutmachen: {{if .Social}}schreiben Sie uns bitte eine Direktnachricht{{else}}bitte melden Sie sich direkt bei uns{{end}}.{{end}}`,

	"fr": `Bonjour{{if .Customer}} {{.Customer}}{{end}}, merci de nous avoir fait part de votre expérience.
{{- if .Issues}} Nous sommes sincèrement désolés pour les problèmes rencontrés : {{list .Issues ", " " et "}}.{{else}} Nous sommes sincèrement désolés.{{end}}
{{- if .Short}} Merci de {{if .Social}}nous écrire en message privé{{else}}nous contacter{{end}}.
{{- else}} Ce n'est pas ce que nous voulons chez {{.Business}}, et nous avons transmis vos remarques à l'équipe pour que cela ne se reproduise pas. Nous aimerions en savoir plus et arranger les choses : {{if .Social}}écrivez-nous en message privé{{else}}contactez-nous directement{{end}}.{{end}}`,

	"it": `Ciao{{if .Customer}} {{.Customer}}{{end}}, grazie per averci raccontato la sua esperienza.
{{- if .Issues}} Ci dispiace molto per i problemi che ha avuto: {{list .Issues ", " " e "}}.{{else}} Ci dispiace molto per quanto accaduto.{{end}}
{{- if .Short}} La preghiamo di {{if .Social}}scriverci in privato{{else}}contattarci{{end}}.
{{- else}} Non è ciò che vogliamo per nessuno da {{.Business}}, e abbiamo condiviso il suo commento con il team perché non succeda più. Vorremmo saperne di più e rimediare: la preghiamo di {{if .Social}}scriverci in privato{{else}}contattarci direttamente{{end}}.{{end}}`,
}
