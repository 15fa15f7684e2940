package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/earshot/earshot/models"
)

func TestCorrectionsAndSignalFigures(t *testing.T) {
	for name, s := range openStores(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			src := setup(t, s)
			now := s.Now()
			res, err := s.SaveMentions(ctx, src, []models.Mention{
				{ExternalID: "a", Text: "open mic was insane", PostedAt: now},
				{ExternalID: "b", Text: "cold coffee", PostedAt: now},
				{ExternalID: "c", Text: "커피가 차갑고", PostedAt: now},
			})
			if err != nil || len(res.NewIDs) != 3 {
				t.Fatalf("save: %v %v", res, err)
			}
			var taskIDs []int64
			for i, kind := range []string{models.TaskApology, models.TaskApology, models.TaskHumanRead} {
				lang := ""
				if kind == models.TaskHumanRead {
					lang = "ko"
				}
				tk := models.Task{BusinessID: src.BusinessID, MentionID: res.NewIDs[i], Kind: kind, State: models.TaskOpen,
					DedupKey: kind + ":" + name + ":" + time.Now().String() + string(rune('a'+i)), OpenedAt: now, DueAt: now.Add(time.Hour), Language: lang}
				if _, err := s.CreateTask(ctx, &tk); err != nil {
					t.Fatal(err)
				}
				taskIDs = append(taskIDs, tk.ID)
			}
			c := models.Correction{BusinessID: src.BusinessID, MentionID: res.NewIDs[0], TaskID: &taskIDs[0], Verdict: models.VerdictNotComplaint,
				Actor: "Sam", Text: "open mic was insane"}
			if err := s.AddCorrection(ctx, &c); err != nil {
				t.Fatal(err)
			}
			if err := s.AddCorrection(ctx, &models.Correction{BusinessID: src.BusinessID, MentionID: res.NewIDs[1], Verdict: models.VerdictComplaint, Actor: "Max", Text: "cold coffee"}); err != nil {
				t.Fatal(err)
			}
			cs, err := s.Corrections(ctx, src.BusinessID)
			if err != nil || len(cs) != 2 || cs[0].Actor != "Max" || cs[1].Actor != "Sam" || cs[1].TaskID == nil || *cs[1].TaskID != taskIDs[0] {
				t.Fatalf("corrections %+v, %v; want Max's then Sam's", cs, err)
			}
			an := models.Analysis{MentionID: res.NewIDs[0], MentionVersion: 1, BusinessID: src.BusinessID, Unrelated: true, Label: models.LabelNeutral}
			if _, err := s.SaveAnalysis(ctx, &an); err != nil {
				t.Fatal(err)
			}
			sig, err := s.DigestSignalStats(ctx, src.BusinessID, now.Add(-time.Hour), now.Add(time.Hour))
			if err != nil {
				t.Fatal(err)
			}
			if sig.Opened != 3 || sig.Corrected != 1 || sig.Unrelated != 1 || sig.HumanRead["ko"] != 1 {
				t.Errorf("signal %+v; want 3 opened, 1 corrected, 1 unrelated, 1 human read in ko", sig)
			}
			ts, err := s.TasksOfMentions(ctx, res.NewIDs[:2])
			if err != nil || len(ts) != 2 {
				t.Errorf("TasksOfMentions: %d, %v; want 2", len(ts), err)
			}
		})
	}
}
