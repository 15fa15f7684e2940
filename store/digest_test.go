package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/earshot/earshot/models"
)

// TestDigestQueries checks the digest's aggregate queries on both
// dialects: buckets by posting time, the current analysis only (an edited
// mention's old verdict does not count), and extremes without their text
// loaded for every row.
func TestDigestQueries(t *testing.T) {
	ctx := context.Background()
	day0 := time.Date(2026, 11, 16, 0, 0, 0, 0, time.UTC)
	for name, s := range openStores(t) {
		t.Run(name, func(t *testing.T) {
			src := setup(t, s)
			type in struct {
				at      time.Time
				rating  *float64
				label   string
				comp    float64
				aspects []models.Aspect
			}
			ins := []in{
				{day0.Add(2 * time.Hour), rating(5), models.LabelPositive, 0.9, []models.Aspect{{Category: "food", Term: "pizza", Polarity: models.PolarityPositive}}},
				{day0.Add(26 * time.Hour), rating(1), models.LabelNegative, -0.9, []models.Aspect{{Category: "service", Term: "waiter", Polarity: models.PolarityNegative}, {Category: "service", Term: "Waiter", Polarity: models.PolarityNegative}}},
				{day0.Add(27 * time.Hour), nil, models.LabelNegative, -0.2, []models.Aspect{{Category: "service", Term: "waiter", Polarity: models.PolarityNegative}}},
				{day0.Add(-time.Hour), rating(3), models.LabelNeutral, 0, nil},           // before the range
				{day0.Add(7 * 24 * time.Hour), rating(1), models.LabelNegative, -1, nil}, // after it
			}
			var ids []int64
			for i, x := range ins {
				res, err := s.SaveMentions(ctx, src, []models.Mention{{ExternalID: fmt.Sprint("d", i), Text: fmt.Sprint("text ", i), Rating: x.rating, PostedAt: x.at}})
				if err != nil {
					t.Fatal(err)
				}
				id := res.NewIDs[0]
				ids = append(ids, id)
				if _, err := s.SaveAnalysis(ctx, &models.Analysis{MentionID: id, MentionVersion: 1, BusinessID: src.BusinessID, Label: x.label, Compound: x.comp, Complaint: x.comp < -0.5, Aspects: x.aspects}); err != nil {
					t.Fatal(err)
				}
			}
			// Edit mention 0 to a 2-star complaint: its version-1 praise no
			// longer counts once version 2 is analyzed.
			if _, err := s.SaveMentions(ctx, src, []models.Mention{{ExternalID: "d0", Text: "changed my mind", Rating: rating(2), PostedAt: ins[0].at}}); err != nil {
				t.Fatal(err)
			}
			if _, err := s.SaveAnalysis(ctx, &models.Analysis{MentionID: ids[0], MentionVersion: 2, BusinessID: src.BusinessID, Label: models.LabelNegative, Compound: -0.5}); err != nil {
				t.Fatal(err)
			}
			bounds := []time.Time{day0, day0.Add(24 * time.Hour), day0.Add(7 * 24 * time.Hour)}
			buckets, err := s.DigestMentionBuckets(ctx, src.BusinessID, bounds)
			if err != nil {
				t.Fatal(err)
			}
			got := fmt.Sprintf("%+v", buckets)
			want := "[{Bucket:0 Mentions:1 Rated:1 RatingSum:2 Analyzed:1 Negative:1 Positive:0 Complaints:0} {Bucket:1 Mentions:2 Rated:1 RatingSum:1 Analyzed:2 Negative:2 Positive:0 Complaints:1}]"
			if got != want {
				t.Errorf("buckets\n got %s\nwant %s", got, want)
			}
			aspects, err := s.DigestAspectBuckets(ctx, src.BusinessID, bounds)
			if err != nil {
				t.Fatal(err)
			}
			if got, want := fmt.Sprintf("%+v", aspects), "[{Bucket:1 Category:service Polarity:negative Term:Waiter Mentions:1} {Bucket:1 Category:service Polarity:negative Term:waiter Mentions:2}]"; got != want {
				t.Errorf("aspects\n got %s\nwant %s", got, want)
			}
			counts, err := s.DigestSourceCounts(ctx, []int64{src.ID}, bounds[0], bounds[2])
			if err != nil || len(counts) != 1 || counts[0].Mentions != 3 || counts[0].Rated != 2 {
				t.Errorf("source counts %+v, %v", counts, err)
			}
			worst, err := s.DigestExtremeMentions(ctx, src.BusinessID, bounds[0], bounds[2], true, 2)
			if err != nil || len(worst) != 2 || worst[0].ID != ids[1] || worst[1].ID != ids[0] || worst[1].Text != "changed my mind" {
				t.Errorf("worst %+v, %v", worst, err)
			}
			if _, err := s.DigestMentionBuckets(ctx, src.BusinessID, []time.Time{bounds[1], bounds[0]}); err == nil {
				t.Errorf("bounds out of order accepted")
			}
		})
	}
}
