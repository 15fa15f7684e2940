// Package browsertest starts a real headless Chromium (Debian's chromium
// package) for tests that check what a person sees. Tests skip with a
// clear message where Chromium is not installed; CI installs it.
package browsertest

import (
	"context"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// Chromium returns the path of the browser ($EARSHOT_CHROMIUM, else the
// first of chromium, chromium-browser, google-chrome on PATH), or skips
// the test.
func Chromium(t testing.TB) string {
	t.Helper()
	if p := os.Getenv("EARSHOT_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Skip("chromium is not installed (apt-get install chromium); scripts/test.sh installs it")
	return ""
}

// Options adjust the browser for one test.
type Options struct {
	// Width and Height of the window; 0 means 1200×900.
	Width, Height int
	// Context options, such as a listener for page errors.
	Context []chromedp.ContextOption
}

// New starts a headless browser for one test and returns its context,
// bounded by timeout. The flags keep Chromium off the network: on a
// closed machine its background connections would otherwise fail by the
// dozen.
func New(t testing.TB, timeout time.Duration, o ...Options) context.Context {
	t.Helper()
	opt := Options{Width: 1200, Height: 900}
	if len(o) > 0 {
		opt = o[0]
		if opt.Width == 0 || opt.Height == 0 {
			opt.Width, opt.Height = 1200, 900
		}
	}
	flags := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(Chromium(t)),
		chromedp.Flag("headless", true),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(opt.Width, opt.Height),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), flags...)
	ctx, cancelCtx := chromedp.NewContext(actx, opt.Context...)
	ctx, cancelTimeout := context.WithTimeout(ctx, timeout)
	t.Cleanup(func() { cancelTimeout(); cancelCtx(); cancelAlloc() })
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return ctx
}
