package notify

import (
	"fmt"
	"net/mail"
	"slices"
	"strings"

	"github.com/earshot/earshot/config"
	"github.com/earshot/earshot/notify/console"
	"github.com/earshot/earshot/notify/email"
	"github.com/earshot/earshot/notify/slack"
	"github.com/earshot/earshot/notify/webhook"
)

// Channel types: the values of `type:` under `channels:`. A type's name
// is also a channel a notification can name to reach its Recipient
// directly, without a configured channel (the digest mails each
// recipient through ChannelEmail).
const (
	ChannelEmail   = "email"
	ChannelSlack   = "slack"
	ChannelWebhook = "webhook"
	ChannelConsole = "console"
)

// channelType is one row of the channel table: everything about one type
// of channel. To add a channel, write a sub-package with a Notifier and
// add one row here.
type channelType struct {
	name string
	// check reports problems with a configured channel's settings, at
	// path p ("channels[2]").
	check func(k *config.Checker, p string, ch config.Channel)
	// build makes the notifier of a configured channel.
	build func(cfg *config.Config, ch config.Channel, o Options) (Notifier, error)
	// direct makes the notifier used when a notification names the type
	// itself; nil when the type needs a configured channel.
	direct func(cfg *config.Config, o Options) Notifier
}

var channelTypes = []channelType{
	{
		name: ChannelEmail,
		check: func(k *config.Checker, p string, ch config.Channel) {
			if len(ch.To) == 0 {
				k.Errorf(p, "an email channel needs `to:` with at least one address")
			}
			for j, a := range ch.To {
				if _, err := mail.ParseAddress(a); err != nil {
					k.Errorf(fmt.Sprintf("%s.to[%d]", p, j), "%q is not an email address", a)
				}
			}
		},
		build: func(cfg *config.Config, ch config.Channel, o Options) (Notifier, error) {
			return email.New(cfg.SMTP, ch.To), nil
		},
		direct: func(cfg *config.Config, o Options) Notifier { return email.New(cfg.SMTP, nil) },
	},
	{
		name:  ChannelSlack,
		check: checkURLChannel,
		build: func(cfg *config.Config, ch config.Channel, o Options) (Notifier, error) {
			if ch.URL.Value() == "" {
				return nil, fmt.Errorf("slack channel %s: variable %s is empty", ch.Name, ch.URLEnv)
			}
			return slack.New(ch.URL.Value(), o.HTTPClient), nil
		},
	},
	{
		name:  ChannelWebhook,
		check: checkURLChannel,
		build: func(cfg *config.Config, ch config.Channel, o Options) (Notifier, error) {
			if ch.URL.Value() == "" {
				return nil, fmt.Errorf("webhook channel %s: variable %s is empty", ch.Name, ch.URLEnv)
			}
			return webhook.New(ch.URL.Value(), ch.Secret.Value(), o.HTTPClient, o.Clock.Now), nil
		},
	},
	{
		name:  ChannelConsole,
		check: func(*config.Checker, string, config.Channel) {},
		build: func(cfg *config.Config, ch config.Channel, o Options) (Notifier, error) {
			return console.New(o.Console), nil
		},
		direct: func(cfg *config.Config, o Options) Notifier { return console.New(o.Console) },
	},
}

// checkURLChannel checks a channel whose URL is a secret in a variable.
func checkURLChannel(k *config.Checker, p string, ch config.Channel) {
	if ch.URLEnv == "" {
		k.Errorf(p, "a %s channel needs url_env: the name of the variable holding its URL", ch.Type)
	}
	// Whether the variables are set is config's send-only secrets
	// check (config.RequireSecrets), for every channel type alike.
}

func lookupType(name string) (channelType, bool) {
	i := slices.IndexFunc(channelTypes, func(t channelType) bool { return t.name == name })
	if i < 0 {
		return channelType{}, false
	}
	return channelTypes[i], true
}

func typeNames() string {
	names := make([]string, len(channelTypes))
	for i, t := range channelTypes {
		names[i] = t.name
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}

// CheckChannels reports every problem with the configured channels, each
// with the file and line of its key (`earshot config check` and startup).
func CheckChannels(cfg *config.Config) error {
	k := cfg.Checker()
	for i, ch := range cfg.Channels {
		p := fmt.Sprintf("channels[%d]", i)
		t, ok := lookupType(ch.Type)
		switch {
		case ch.Type == "":
			k.Errorf(p, "a channel needs type: %s", typeNames())
		case !ok:
			k.Errorf(p+".type", "unknown channel type %q; use %s", ch.Type, typeNames())
		default:
			t.check(k, p, ch)
		}
	}
	return k.Err()
}

// buildNotifiers makes the notifier of every configured channel and the
// direct notifier of every type that has one.
func buildNotifiers(cfg *config.Config, o Options) (map[string]Notifier, error) {
	if err := CheckChannels(cfg); err != nil {
		return nil, fmt.Errorf("notify: %w", err)
	}
	out := map[string]Notifier{}
	for i, ch := range cfg.Channels {
		t, _ := lookupType(ch.Type)
		n, err := t.build(cfg, ch, o)
		if err != nil {
			return nil, fmt.Errorf("notify: %w", cfg.ErrorAt(fmt.Sprintf("channels[%d]", i), "%v", err))
		}
		out[ch.Name] = n
	}
	for _, t := range channelTypes {
		if _, ok := out[t.name]; !ok && t.direct != nil {
			out[t.name] = t.direct(cfg, o)
		}
	}
	return out, nil
}
