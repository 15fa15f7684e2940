package app

import (
	"context"

	"github.com/earshot/earshot/onetap"
)

// OneTapSigner returns the signer of the one-tap links (acknowledge,
// assign to me) that alert emails carry; links start with
// server.base_url and are checked by the inbox at /t/.
func (a *App) OneTapSigner(ctx context.Context) (*onetap.Signer, error) {
	return onetap.New(ctx, a.Store, a.Config.Server.BaseURL, a.Clock)
}
