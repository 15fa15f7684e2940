package sentiment

import (
	"context"
	"testing"
)

// TestComplaintFlag is the complaint definition of GitHub issue 10, in
// sentences an owner and a brand's followers write: a breach of
// expectations is a complaint however it is put (one-liners with no
// opinion word, sarcasm, polite requests, plain reports); praise put
// negatively and a neutral service request are not.
func TestComplaintFlag(t *testing.T) {
	a := analyzer(t)
	cases := []struct {
		text      string
		source    string
		complaint bool
		reason    string // a reason that must be given, by prefix
	}{
		// owners' reviews
		{"Slow service.", "", true, "complaint cue"},
		{"Waited forever.", "", true, "complaint cue"},
		{"Nobody answered the phone for two days.", "", true, "complaint cue"},
		{"I would give zero stars if I could.", "", true, "fell short of expectations"},
		{"I was hoping for better.", "", true, "fell short of expectations"},
		{"The room was clean, but the bed had bugs.", "", true, "health and safety"},
		{"The staff could not have been nicer.", "", false, "praise put negatively"},
		{"I can't say I wasn't impressed.", "", false, "praise put negatively"},
		// tweets to brands (the examples of the issue)
		{"Was happy to find out @Showtime had an app to watch all their shows, until 6 episodes in it stops working. Thanks!", "twitter", true, "sarcasm: positive words then failure"},
		{"These m5 instances are really really good, you simply can't boot them.", "twitter", true, "sarcasm: positive words then failure"},
		{"I placed an order on the 5th of December and it says it has been dispatched and delivered however have got nothing?", "twitter", true, "complaint model"},
		{"I don't know how @comcast still only has the DVR capabilities of 1997.", "twitter", true, "complaint model"},
		{"I'm moving out of state and need to stop my service as of September 15th", "twitter", false, "complaint model"},
	}
	for _, c := range cases {
		t.Run(c.text, func(t *testing.T) {
			got := a.Analyze(context.Background(), Input{Text: c.text, SourceKind: c.source})
			if got.Complaint != c.complaint {
				t.Errorf("complaint = %v (score %.2f), want %v; reasons %q", got.Complaint, got.ComplaintScore, c.complaint, got.Reasons)
			}
			if got.Complaint != (got.ComplaintScore >= 0.5) {
				t.Errorf("complaint %v disagrees with its score %.2f", got.Complaint, got.ComplaintScore)
			}
			if got.Complaint != (got.Severity > 0) {
				t.Errorf("complaint %v with severity %d", got.Complaint, got.Severity)
			}
			if !hasReason(got, c.reason) {
				t.Errorf("reasons %q lack %q", got.Reasons, c.reason)
			}
		})
	}
}

// TestSeverityRanks checks that the learned severity orders complaints
// like the annotators' levels, with earshot's overrides on top.
func TestSeverityRanks(t *testing.T) {
	a := analyzer(t)
	sev := func(text string) int {
		t.Helper()
		got := a.Analyze(context.Background(), Input{Text: text, SourceKind: "twitter"})
		if !got.Complaint {
			t.Fatalf("%q: not a complaint; reasons %q", text, got.Reasons)
		}
		return got.Severity
	}
	request := sev("@AskeBay hi, can you please check my order? It still hasn't arrived.")
	blame := sev("@united you are the worst airline ever, you lost my bag again and lied to my face. Disgraceful.")
	health := sev("@burgerplace your chicken gave my whole family food poisoning.")
	if !(request < blame) {
		t.Errorf("severity of a polite request %d, of open blame %d: want the request lower", request, blame)
	}
	if health != 5 || blame >= 5 {
		t.Errorf("health %d, blame %d: want 5 reserved for health and safety", health, blame)
	}
}

// TestCorrections shows a business's staff corrections changing the
// verdict on its later mentions, and saying so.
func TestCorrections(t *testing.T) {
	a := analyzer(t)
	ctx := context.Background()
	java := "Java streams are slow and the build keeps failing, terrible."
	if got := a.Analyze(ctx, Input{Text: java}); !got.Complaint {
		t.Fatalf("precondition: %q not flagged; reasons %q", java, got.Reasons)
	}
	corr := &Corrections{NotComplaint: []string{"java"}, Complaint: []string{"invoice still missing"}}
	got := a.Analyze(ctx, Input{Text: java, Corrections: corr})
	if got.Complaint || !hasReason(got, "business correction") {
		t.Errorf("corrected text still flagged: %v %q", got.Complaint, got.Reasons)
	}
	// a health problem is never unmarked
	got = a.Analyze(ctx, Input{Text: "The java chip muffin gave me food poisoning.", Corrections: corr})
	if !got.Complaint || got.Severity != 5 {
		t.Errorf("health complaint unmarked by a correction: %v sev %d %q", got.Complaint, got.Severity, got.Reasons)
	}
	plain := "Hello, my invoice still missing from the portal."
	if got := a.Analyze(ctx, Input{Text: plain, SourceKind: "twitter", Corrections: corr}); !got.Complaint || !hasReason(got, "business correction") {
		t.Errorf("phrase marked a complaint not flagged: %v %q", got.Complaint, got.Reasons)
	}
	// a negative bias lowers the score of everything for that business
	txt := "@shop my order is late again"
	base := a.Analyze(ctx, Input{Text: txt, SourceKind: "twitter"})
	low := a.Analyze(ctx, Input{Text: txt, SourceKind: "twitter", Corrections: &Corrections{Bias: -2}})
	if low.ComplaintScore >= base.ComplaintScore {
		t.Errorf("bias -2: score %.3f, without %.3f; want lower", low.ComplaintScore, base.ComplaintScore)
	}
}

// TestSeverityWhetherFlagged: Severity ranks a mention the flag missed
// (a sarcastic or mild tweet) instead of calling it 0, and agrees with
// Analyze on what is flagged; Analyze still gives 0 to what is not a
// complaint, so nothing unflagged looks urgent to the alerter.
func TestSeverityWhetherFlagged(t *testing.T) {
	a := analyzer(t)
	ctx := context.Background()
	for _, c := range []struct {
		name string
		in   Input
	}{
		{"flagged review", Input{Text: "Waited 45 minutes and the food was cold. Never again.", Rating: stars(1)}},
		{"flagged health", Input{Text: "I got food poisoning after the chicken.", SourceKind: "twitter"}},
		{"not flagged: a 5-star remark", Input{Text: "Lovely dinner, the music was a bit loud.", Rating: stars(5)}},
		{"not flagged: service request", Input{Text: "I'm moving out of state and need to stop my service as of September 15th", SourceKind: "twitter"}},
		{"not flagged: praise", Input{Text: "The staff could not have been nicer.", SourceKind: "twitter"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			an := a.Analyze(ctx, c.in)
			sev := a.Severity(ctx, c.in)
			if sev < 1 || sev > 5 {
				t.Errorf("Severity = %d, want 1..5 for any readable mention", sev)
			}
			if an.Complaint && sev != an.Severity {
				t.Errorf("complaint: Severity %d, Analyze %d", sev, an.Severity)
			}
			if !an.Complaint && an.Severity != 0 {
				t.Errorf("not a complaint but Analyze gave severity %d", an.Severity)
			}
			// The pooled scratch is back to Analyze's rule afterwards.
			if again := a.Analyze(ctx, c.in); again.Severity != an.Severity {
				t.Errorf("Analyze after Severity: %d, before %d", again.Severity, an.Severity)
			}
		})
	}
	// What Severity adds: the order among mentions the flag left at 0.
	mild := a.Severity(ctx, Input{Text: "The fries were a bit soggy.", SourceKind: "twitter"})
	bad := a.Severity(ctx, Input{Text: "You charged me twice and ignored three emails. Third time this year, I'm cancelling.", SourceKind: "twitter"})
	if bad <= mild {
		t.Errorf("Severity of a repeated double charge with churn %d, of soggy fries %d: want it higher", bad, mild)
	}
}
