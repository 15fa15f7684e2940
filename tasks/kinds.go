package tasks

import "github.com/earshot/earshot/models"

// KindRow describes one task kind: what lists call it and whether it
// asks staff for an apology (the digest's answered-on-time figures and
// the import summary count those only). A new kind is a row here.
type KindRow struct {
	Kind string
	// Label is what task lists show beside the task; empty for the
	// ordinary apology task.
	Label   string
	Apology bool
}

var kinds = []KindRow{
	{Kind: models.TaskApology, Apology: true},
	{Kind: models.TaskHumanRead, Label: "needs a human read"},
	{Kind: models.TaskFollowUp, Label: "follow-up: already answered on the site"},
}

// KindOf returns the row of a task kind; an unknown kind gets a row that
// labels it by name.
func KindOf(kind string) KindRow {
	for _, k := range kinds {
		if k.Kind == kind {
			return k
		}
	}
	return KindRow{Kind: kind, Label: kind}
}
