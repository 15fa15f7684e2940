package fetch

import (
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/earshot/earshot/scrapers"
)

// TruncatedWarning is the note a run carries when a page was cut at
// MaxBody: whatever came after the cut (older reviews, usually) was not
// read, and the owner must be able to see that.
func TruncatedWarning(pageURL string) string {
	return fmt.Sprintf("truncated: %s is larger than %d MB; reviews past that point were not read", redact(pageURL), MaxBody>>20)
}

// gunzipTransport decompresses gzip files (Content-Type application/x-gzip,
// a *.gz path, or a Content-Encoding net/http did not undo itself) with a
// bound: past MaxBody decompressed bytes the body fails with
// scrapers.ErrTooLarge. colly would otherwise gunzip such answers itself,
// into memory, without a limit: 1 MB of gzip expands to 1 GB. The answer is
// marked Uncompressed so colly leaves it alone.
type gunzipTransport struct{ next http.RoundTripper }

func (t gunzipTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	res, err := t.next.RoundTrip(req)
	if err != nil || !isGzipFile(res, req) {
		return res, err
	}
	raw := res.Body
	zr, err := gzip.NewReader(raw)
	if err != nil {
		raw.Close()
		return nil, fmt.Errorf("answer says gzip but is not: %v: %w", err, scrapers.ErrParse)
	}
	res.Body = &limitedBody{ctx: req.Context(), r: zr, close: raw.Close, left: MaxBody, limit: MaxBody, what: "decompressed answer"}
	res.Uncompressed = true
	res.Header.Del("Content-Encoding")
	res.Header.Del("Content-Length")
	res.ContentLength = -1
	return res, nil
}

// isGzipFile is colly's own test for answers it would gunzip.
func isGzipFile(res *http.Response, req *http.Request) bool {
	if res.Uncompressed {
		return false
	}
	ce := strings.ToLower(res.Header.Get("Content-Encoding"))
	ct := strings.ToLower(res.Header.Get("Content-Type"))
	path := req.URL.Path
	if res.Request != nil {
		path = res.Request.URL.Path
	}
	return strings.Contains(ce, "gzip") || (ce == "" && strings.Contains(ct, "gzip")) || strings.HasSuffix(strings.ToLower(path), ".gz")
}

// limitedBody reads at most left bytes of r and fails with
// scrapers.ErrTooLarge when there are more; it also stops when ctx ends,
// so decompression cannot outlive scraping.timeout.
type limitedBody struct {
	ctx   context.Context
	r     io.Reader
	close func() error
	left  int64
	limit int64
	what  string
}

func (b *limitedBody) Read(p []byte) (int, error) {
	if err := b.ctx.Err(); err != nil {
		return 0, err
	}
	if b.left <= 0 {
		var one [1]byte
		for {
			n, err := b.r.Read(one[:])
			if n > 0 {
				return 0, fmt.Errorf("%s is larger than %s: %w", b.what, size(b.limit), scrapers.ErrTooLarge)
			}
			if err != nil {
				return 0, err
			}
		}
	}
	if int64(len(p)) > b.left {
		p = p[:b.left]
	}
	n, err := b.r.Read(p)
	b.left -= int64(n)
	return n, err
}

func (b *limitedBody) Close() error { return b.close() }

// Gunzip decompresses data with the same bound as fetched answers: at
// most max bytes, else scrapers.ErrTooLarge. It is the fuzzed core of
// gunzipTransport.
func Gunzip(ctx context.Context, r io.Reader, max int64) ([]byte, error) {
	zr, err := gzip.NewReader(r)
	if err != nil {
		return nil, fmt.Errorf("not gzip: %v: %w", err, scrapers.ErrParse)
	}
	return io.ReadAll(&limitedBody{ctx: ctx, r: zr, close: func() error { return nil }, left: max, limit: max, what: "decompressed data"})
}

func size(n int64) string {
	if n >= 1<<20 && n%(1<<20) == 0 {
		return fmt.Sprintf("%d MB", n>>20)
	}
	return fmt.Sprintf("%d bytes", n)
}
