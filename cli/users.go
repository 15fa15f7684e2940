package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/user"
	"strings"
	"text/tabwriter"

	"github.com/earshot/earshot/auth"
	"github.com/earshot/earshot/models"
	"github.com/earshot/earshot/store"
)

const usersHelp = `
Manage the accounts that sign in to the web inbox and the JSON API.

  add NAME --role ROLE [--business NAME ...] [--email ADDR]
                     create an account; ROLE is owner, manager, staff or
                     viewer, in the businesses named (default: every one)
  list               accounts with their roles and state
  passwd NAME        set a new password
  role NAME --role ROLE [--business NAME ...]
                     give an account a role in businesses
  disable NAME       stop an account signing in (sessions and tokens too)
  enable NAME        let a disabled account sign in again
  token NAME [--label TEXT]
                     create an API token (shown once; earshot keeps a hash)

Passwords are read from the first line of standard input (for example
"earshot users add sam --role staff < pw.txt"), or from the environment
variable named by --password-env; never from a flag, which others could
read in the process list. A user of a business in the config with the same
name as an account gives the account that user's role there too.`

// runUsers manages accounts.
func runUsers(ctx context.Context, e *Env, args []string) error {
	fs := e.FlagSet("users", "add|list|passwd|role|disable|enable|token [flags] [NAME]", usersHelp)
	e.ConfigFlag(fs)
	role := fs.String("role", "", "add, role: owner, manager, staff or viewer")
	email := fs.String("email", "", "add: the account's email address")
	var businesses []string
	fs.Func("business", "add, role: a business (config name) the role is for; repeat for several (default: every business)", func(v string) error {
		businesses = append(businesses, v)
		return nil
	})
	pwEnv := fs.String("password-env", "", "add, passwd: read the password from this environment variable instead of standard input")
	label := fs.String("label", "", "token: what the token is for")
	if err := parse(fs, interspersed(fs, args)); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return fmt.Errorf("%w: say what to do: add, list, passwd, role, disable, enable or token", ErrUsage)
	}
	verb, rest := fs.Arg(0), fs.Args()[1:]
	want := map[string]int{"add": 1, "list": 0, "passwd": 1, "role": 1, "disable": 1, "enable": 1, "token": 1}
	n, ok := want[verb]
	if !ok {
		fs.Usage()
		return fmt.Errorf("%w: unknown users command %q", ErrUsage, verb)
	}
	if len(rest) != n {
		return fmt.Errorf("%w: users %s takes %d argument(s), got %d", ErrUsage, verb, n, len(rest))
	}
	if (verb == "add" || verb == "role") && !auth.ValidRole(*role) {
		return fmt.Errorf("%w: users %s needs --role owner, manager, staff or viewer", ErrUsage, verb)
	}
	// The app syncs the config's businesses into the database, so
	// --business can name one that was never served.
	a, err := e.openApp(ctx)
	if err != nil {
		return err
	}
	defer a.Close()
	st := a.Store
	who := e.Actor("")
	var name string
	if n > 0 {
		name = strings.TrimSpace(rest[0])
	}
	switch verb {
	case "list":
		return listAccounts(ctx, e, st)
	case "add":
		if name == "" || strings.ContainsAny(name, "\r\n\t") {
			return fmt.Errorf("%w: %q is not an account name", ErrUsage, rest[0])
		}
		ids, err := businessIDs(ctx, st, businesses)
		if err != nil {
			return err
		}
		pw, err := e.readPassword(*pwEnv, name)
		if err != nil {
			return err
		}
		hash, err := auth.HashPassword(pw)
		if err != nil {
			return err
		}
		acct := models.Account{Name: name, Email: *email, PasswordHash: hash}
		err = st.Tx(ctx, func(tx *store.Store) error {
			if err := tx.CreateAccount(ctx, &acct); err != nil {
				return err
			}
			for _, id := range ids {
				if err := tx.SetMembership(ctx, acct.ID, id, *role); err != nil {
					return err
				}
			}
			return nil
		})
		if errors.Is(err, store.ErrExists) {
			return fmt.Errorf("an account named %q already exists; see `earshot users list`", name)
		}
		if err != nil {
			return err
		}
		e.Logger.Info("account created", "account", name, "role", *role, "by", who)
		fmt.Fprintf(e.Stdout, "Account %s created (%s of %s). Sign in at %s/login\n", name, *role, scope(businesses), strings.TrimRight(a.Config.Server.BaseURL, "/"))
		return nil
	}
	acct, err := st.AccountByName(ctx, name)
	if errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("no account named %q; see `earshot users list`", name)
	}
	if err != nil {
		return err
	}
	switch verb {
	case "passwd":
		pw, err := e.readPassword(*pwEnv, acct.Name)
		if err != nil {
			return err
		}
		hash, err := auth.HashPassword(pw)
		if err != nil {
			return err
		}
		if err := st.SetPassword(ctx, acct.ID, hash); err != nil {
			return err
		}
		e.Logger.Info("password changed", "account", acct.Name, "by", who)
		fmt.Fprintf(e.Stdout, "Password of %s changed; their other sessions are signed out.\n", acct.Name)
	case "role":
		ids, err := businessIDs(ctx, st, businesses)
		if err != nil {
			return err
		}
		for _, id := range ids {
			if err := st.SetMembership(ctx, acct.ID, id, *role); err != nil {
				return err
			}
		}
		e.Logger.Info("role set", "account", acct.Name, "role", *role, "businesses", scope(businesses), "by", who)
		fmt.Fprintf(e.Stdout, "%s is now %s of %s.\n", acct.Name, *role, scope(businesses))
	case "disable", "enable":
		if err := st.SetDisabled(ctx, acct.ID, verb == "disable"); err != nil {
			return err
		}
		e.Logger.Info("account "+verb+"d", "account", acct.Name, "by", who)
		fmt.Fprintf(e.Stdout, "Account %s %sd.\n", acct.Name, verb)
	case "token":
		tok, hash, err := auth.NewToken()
		if err != nil {
			return err
		}
		if err := st.CreateAPIToken(ctx, &models.APIToken{AccountID: acct.ID, Label: *label, TokenHash: hash}); err != nil {
			return err
		}
		e.Logger.Info("API token created", "account", acct.Name, "label", *label, "by", who)
		fmt.Fprintf(e.Stderr, "API token for %s (shown once; earshot keeps only its hash). Send it as: Authorization: Bearer <token>\n", acct.Name)
		fmt.Fprintln(e.Stdout, tok)
	}
	return nil
}

func scope(businesses []string) string {
	if len(businesses) == 0 {
		return "every business"
	}
	return strings.Join(businesses, ", ")
}

// businessIDs maps business names to IDs; none means every business.
func businessIDs(ctx context.Context, st *store.Store, names []string) ([]int64, error) {
	if len(names) == 0 {
		return []int64{models.AllBusinesses}, nil
	}
	var ids []int64
	for _, n := range names {
		b, err := st.BusinessByName(ctx, n)
		if errors.Is(err, store.ErrNotFound) {
			return nil, fmt.Errorf("%w: no business named %q in the config", ErrUsage, n)
		}
		if err != nil {
			return nil, err
		}
		ids = append(ids, b.ID)
	}
	return ids, nil
}

// readPassword reads a new password from the variable envName names, or
// else from the first line of standard input.
func (e *Env) readPassword(envName, account string) (string, error) {
	if envName != "" {
		pw := e.Getenv(envName)
		if pw == "" {
			return "", fmt.Errorf("environment variable %s (the password for %s) is not set", envName, account)
		}
		return pw, nil
	}
	if f, ok := e.Stdin.(*os.File); ok {
		if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
			fmt.Fprintf(e.Stderr, "Password for %s (at least %d characters; it will be visible as you type — pipe it in or use --password-env to avoid that): ", account, auth.MinPasswordLen)
		}
	}
	line, err := bufio.NewReader(e.Stdin).ReadString('\n')
	if err != nil && line == "" {
		return "", fmt.Errorf("no password on standard input for %s; pipe it in or use --password-env", account)
	}
	return strings.TrimRight(line, "\r\n"), nil
}

func listAccounts(ctx context.Context, e *Env, st *store.Store) error {
	accts, err := st.Accounts(ctx)
	if err != nil {
		return err
	}
	if len(accts) == 0 {
		fmt.Fprintln(e.Stdout, "No accounts yet. Create the first owner: earshot users add NAME --role owner")
		return nil
	}
	bs, err := st.Businesses(ctx)
	if err != nil {
		return err
	}
	names := map[int64]string{models.AllBusinesses: "*"}
	for _, b := range bs {
		names[b.ID] = b.Name
	}
	w := tabwriter.NewWriter(e.Stdout, 2, 4, 2, ' ', 0)
	fmt.Fprintln(w, "NAME\tEMAIL\tSTATE\tROLES")
	for _, a := range accts {
		ms, err := st.Memberships(ctx, a)
		if err != nil {
			return err
		}
		var roles []string
		for _, m := range ms {
			roles = append(roles, names[m.BusinessID]+":"+m.Role)
		}
		state := "active"
		if a.DisabledAt != nil {
			state = "disabled"
		} else if a.PasswordHash == "" {
			state = "no password"
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\n", cell(a.Name, 40), dash(a.Email), state, dash(strings.Join(roles, ", ")))
	}
	return w.Flush()
}

// Actor is who a CLI command acts as: --as, else $EARSHOT_USER, else
// the operating system user.
func (e *Env) Actor(as string) string {
	if as != "" {
		return as
	}
	if u := e.Getenv("EARSHOT_USER"); u != "" {
		return u
	}
	if u := e.Getenv("USER"); u != "" {
		return u
	}
	if u, err := user.Current(); err == nil && u.Username != "" {
		return u.Username
	}
	return "cli"
}
