package fetch

import (
	"bytes"
	"net/http"
)

// blockMarkers are fragments that only bot walls and captcha interstitials
// carry. Each names the reason reported to the owner.
var blockMarkers = []struct{ marker, reason string }{
	{"captcha-delivery.com", "DataDome captcha"},
	{"datadome captcha", "DataDome captcha"},
	{"px-captcha", "PerimeterX captcha"},
	{"/errors/validatecaptcha", "Amazon robot check"},
	{"<title>robot check</title>", "Amazon robot check"},
	{"cf-chl-", "Cloudflare challenge"},
	{"challenge-platform", "Cloudflare challenge"},
	{"<title>just a moment...</title>", "Cloudflare challenge"},
	{"<title>attention required! | cloudflare</title>", "Cloudflare block"},
	{"distil_r_captcha", "Distil captcha"},
	{"sorry, you're not allowed to access this page", "IP block page"},
	{"sorry, you&#39;re not allowed to access this page", "IP block page"},
	{"our systems have detected unusual traffic", "Google unusual-traffic block"},
	{"<title>access denied</title>", "access denied page"},
	{"request unsuccessful. incapsula incident", "Incapsula block"},
}

// challengeMarkers are the widgets of a captcha challenge (reCAPTCHA,
// hCaptcha, Turnstile). A real review page can carry one (a login or
// "report review" form), so they are not a block on a page that has
// reviews; on a page that yielded none they are, whatever its size: a
// challenge page padded past smallPage with inline scripts is common.
var challengeMarkers = []struct{ marker, reason string }{
	{"class=\"g-recaptcha", "reCAPTCHA challenge"},
	{"www.google.com/recaptcha/", "reCAPTCHA challenge"},
	{"www.recaptcha.net/recaptcha/", "reCAPTCHA challenge"},
	{"class=\"h-captcha", "hCaptcha challenge"},
	{"hcaptcha.com/1/api.js", "hCaptcha challenge"},
	{"challenges.cloudflare.com/turnstile", "Cloudflare Turnstile challenge"},
}

// weakMarkers are phrases a real review could quote ("are you a robot?"),
// so they only count on a page that yielded no reviews at all.
var weakMarkers = []struct{ marker, reason string }{
	{"please verify you are a human", "human verification page"},
	{"are you a robot", "robot check page"},
	{"captcha", "captcha page"},
}

// smallPage is the size under which a 200 answer carrying a block marker is
// treated as a block page. Real review pages are far larger and may mention
// a captcha vendor in a script tag; interstitials are a few KB.
const smallPage = 64 << 10

// DetectBlock reports why a response is a captcha, bot wall or IP block
// page, or "" when it is not. Blocks must never be read as "0 reviews".
func DetectBlock(status int, body []byte) string {
	reason := markerIn(body)
	switch {
	case reason != "" && (status != http.StatusOK || len(body) < smallPage):
		return reason
	case status == http.StatusForbidden && len(body) < smallPage && bytes.Contains(bytes.ToLower(body), []byte("captcha")):
		return "captcha page"
	}
	return ""
}

// LooksBlocked is the lenient check parsers use when a page yielded no
// reviews at all: any block marker, whatever the page size.
func LooksBlocked(body []byte) string {
	if r := markerIn(body); r != "" {
		return r
	}
	head := body
	if len(head) > 1<<20 {
		head = head[:1<<20]
	}
	lowerHead := bytes.ToLower(head)
	for _, m := range challengeMarkers {
		if bytes.Contains(lowerHead, []byte(m.marker)) {
			return m.reason
		}
	}
	if len(body) < smallPage {
		lower := bytes.ToLower(body)
		for _, m := range weakMarkers {
			if bytes.Contains(lower, []byte(m.marker)) {
				return m.reason
			}
		}
	}
	return ""
}

func markerIn(body []byte) string {
	head := body
	if len(head) > 1<<20 {
		head = head[:1<<20]
	}
	lower := bytes.ToLower(head)
	for _, m := range blockMarkers {
		if bytes.Contains(lower, []byte(m.marker)) {
			return m.reason
		}
	}
	return ""
}
