package sentiment

import (
	"github.com/earshot/earshot/sentiment/internal/nlp"
	"context"
	"testing"
)

func TestProbe(t *testing.T) {
	a := analyzer(t)
	for _, s := range []string{"Slow service.", "Waited forever.", "Nobody answered the phone for two days.", "I would give zero stars if I could.", "I was hoping for better.", "The room was clean, but the bed had bugs.", "The staff could not have been nicer.", "I can't say I wasn't impressed.",
		"Was happy to find out @Showtime had an app to watch all their shows, until 6 episodes in it stops working. Thanks!", "These m5 instances are really really good, you simply can't boot them.",
		"I placed an order on the 5th of December … it has been dispatched and delivered however have got nothing?", "I don't know how @comcast still only has the DVR capabilities of 1997.",
		"I'm moving out of state and need to stop my service as of September 15th"} {
		sc := a.pool.Get().(*work).sc
		sc.Toks, sc.Sents = nlpTokenize(s, sc)
		v, _ := a.pred.Complaint(sc)
		got := a.Analyze(context.Background(), Input{Text: s})
		t.Logf("%.2f sev %.2f | %v %v %q %q", v.Prob, v.Severity, got.Complaint, got.Severity, s, got.Reasons)
	}
}

func nlpTokenize(s string, sc *nlp.Scratch) ([]nlp.Token, []nlp.Span) { return nlp.Tokenize(s, sc.Toks, sc.Sents) }
