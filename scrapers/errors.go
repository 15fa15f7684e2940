package scrapers

import (
	"context"
	"errors"
	"net"

	"github.com/earshot/earshot/models"
)

// Sentinel errors. Scrapers wrap them with the page and the detail
// (fmt.Errorf("scrapers: yelp %s: %w", url, ErrBlocked)); Classify turns
// them into a source's health.
var (
	// ErrBlocked means the site answered with a captcha, a bot wall, or a
	// 403/429 that retries did not clear. It is never "0 reviews".
	ErrBlocked = errors.New("blocked by the site (captcha, bot wall or rate limit)")
	// ErrParse means a page was fetched but its mentions could not be read:
	// the layout changed, the embedded JSON is truncated, or the page shows
	// a review count above zero but yields no reviews.
	ErrParse = errors.New("page could not be parsed")
	// ErrHTTP means a non-2xx answer other than a block.
	ErrHTTP = errors.New("unexpected HTTP status")
	// ErrTimeout means the site did not answer in time.
	ErrTimeout = errors.New("request timed out")
	// ErrConfig means the source cannot run as configured (missing token,
	// malformed target URL).
	ErrConfig = errors.New("source misconfigured")
	// ErrTooLarge means an answer was larger than earshot reads (after
	// decompression: a gzip bomb), so it was refused rather than parsed.
	ErrTooLarge = errors.New("answer too large")
	// ErrUnknownKind means no scraper is registered for a kind.
	ErrUnknownKind = errors.New("unknown source kind")
	// ErrNoCredentials means a Poster's credential variable is not set.
	ErrNoCredentials = errors.New("credentials not set")
	// ErrBadTarget means a mention's ID (or the source's API base) cannot
	// be replied to.
	ErrBadTarget = errors.New("mention cannot be replied to")
	// ErrPostRefused means the platform answered a post with a client
	// error (4xx): nothing was published, so trying again needs no look
	// on the platform first. A timeout or a 5xx does not wrap it, since
	// the reply may have gone out.
	ErrPostRefused = errors.New("the platform refused the post")
)

// Classify maps an error returned by a Source to the coarse error class
// recorded in the source's health (models.ErrorClass*).
func Classify(err error) string {
	var netErr net.Error
	switch {
	case err == nil:
		return models.ErrorClassNone
	case errors.Is(err, ErrTooLarge):
		return models.ErrorClassTooLarge
	case errors.Is(err, ErrBlocked):
		return models.ErrorClassBlocked
	case errors.Is(err, ErrParse):
		return models.ErrorClassParse
	case errors.Is(err, ErrTimeout), errors.Is(err, context.DeadlineExceeded):
		return models.ErrorClassTimeout
	case errors.Is(err, ErrHTTP):
		return models.ErrorClassHTTP
	case errors.Is(err, ErrConfig), errors.Is(err, ErrUnknownKind):
		return models.ErrorClassConfig
	case errors.As(err, &netErr) && netErr.Timeout():
		return models.ErrorClassTimeout
	case errors.As(err, &netErr):
		return models.ErrorClassNetwork
	default:
		return models.ErrorClassOther
	}
}
