package store_test

import (
	"context"
	"testing"

	"github.com/earshot/earshot/models"
)

// TestAspectProblemKept: whether an aspect names a problem survives
// storage on both dialects, since the reply draft written from the stored
// analysis apologises for problems only ("the cold food", not "the
// waiter").
func TestAspectProblemKept(t *testing.T) {
	for name, s := range openStores(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			src := setup(t, s)
			res, err := s.SaveMentions(ctx, src, []models.Mention{{ExternalID: "p", Text: "Cold food, the waiter shrugged.", PostedAt: s.Now()}})
			if err != nil || len(res.NewIDs) != 1 {
				t.Fatalf("save: %v %v", res, err)
			}
			an := models.Analysis{MentionID: res.NewIDs[0], MentionVersion: 1, BusinessID: src.BusinessID, Complaint: true, Label: models.LabelNegative,
				Aspects: []models.Aspect{
					{Category: "food", Term: "cold food", Polarity: models.PolarityNegative, Problem: true},
					{Category: "service", Term: "waiter", Polarity: models.PolarityNegative},
				}}
			if _, err := s.SaveAnalysis(ctx, &an); err != nil {
				t.Fatal(err)
			}
			got, err := s.LatestAnalysis(ctx, res.NewIDs[0])
			if err != nil {
				t.Fatal(err)
			}
			problems := map[string]bool{}
			for _, x := range got.Aspects {
				problems[x.Term] = x.Problem
			}
			if len(problems) != 2 || !problems["cold food"] || problems["waiter"] {
				t.Errorf("stored problems %v, want cold food only", problems)
			}
		})
	}
}
