// Package ramcli implements the `ossfc admin` commands that manage
// identities: accounts, RAM users, access keys, roles, policies, temporary
// credentials and quick authorization, on top of ramclient. The ossfc
// binary calls Main with the arguments after "admin".
//
// ramcli imports ramclient, ramapi's JSON types and the standard library.
package ramcli

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/ossfc/ossfc/internal/ram/ramclient"
)

const usage = `Usage: ossfc admin <command> <subcommand> [arguments]

Manage accounts, RAM users, access keys, roles, policies and temporary
credentials. Commands act in the account of the credentials they are signed
with.

Commands:
  account create [--name N]          create an account and its root access key
  account list                       list accounts (admin account root only)
  account disable|enable ID          reject or accept again every credential of an account
  user create NAME                   create a RAM user
  user list                          list RAM users
  user delete NAME                   delete a RAM user, its keys and attachments
  key create [--user U]              create an access key; prints the secret once
  key list [--user U]                list access keys
  key disable|enable|delete ID [--user U]
  role create NAME --trust DOC       create a role (or --trust-service, --trust-account)
  role get NAME                      show a role with its trust policy
  role list                          list roles
  role delete NAME                   delete a role; its sessions stop working
  policy create NAME --document DOC  create a custom policy
  policy get NAME                    show a policy with its document
  policy list                        list system and custom policies
  policy delete NAME                 delete a custom policy
  policy attach|detach NAME --user U | --role R [--type System]
  sts assume-role --role-arn ARN --session-name S
                                     obtain temporary credentials of a role
  quick-authorize                    create the Object FC Access Point service roles
  whoami                             show the identity of the credentials in use

Without --user, key commands act on the caller's own identity. A DOC is the
JSON text itself or @FILE to read it from a file.

Run "ossfc admin <command> <subcommand> -h" for the options of a command.
`

// Main runs one admin command and returns the process exit code: 0 on
// success, 1 when the command failed, 2 for a usage error.
func Main(ctx context.Context, args []string, client *ramclient.Client, stdout, stderr io.Writer) int {
	if len(args) > 0 && args[0] == "admin" {
		args = args[1:]
	}
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprint(stdout, usage)
		if len(args) == 0 {
			return 2
		}
		return 0
	}

	c := &cli{ctx: ctx, client: client, stdout: stdout, stderr: stderr}
	commands := map[string]func([]string) error{
		"account":         c.account,
		"user":            c.user,
		"key":             c.key,
		"role":            c.role,
		"policy":          c.policy,
		"sts":             c.sts,
		"quick-authorize": c.quickAuthorize,
		"whoami":          c.whoami,
	}
	run, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "ossfc admin: unknown command %q\n\n%s", args[0], usage)
		return 2
	}
	err := run(args[1:])
	var ue usageError
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return 0
	case errors.As(err, &ue):
		fmt.Fprintf(stderr, "ossfc admin %s: %s\n", args[0], ue)
		return 2
	default:
		fmt.Fprintf(stderr, "ossfc admin %s: %v\n", args[0], err)
		return 1
	}
}

// usageError is a mistake on the command line, reported with exit code 2.
type usageError string

func (e usageError) Error() string { return string(e) }

type cli struct {
	ctx            context.Context
	client         *ramclient.Client
	stdout, stderr io.Writer
}

// subcommands dispatches the first argument to one of subs.
func (c *cli) subcommands(command string, args []string, subs map[string]func([]string) error) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" {
		names := slices.Sorted(maps.Keys(subs))
		fmt.Fprintf(c.stderr, "Usage: ossfc admin %s %s\n", command, strings.Join(names, "|"))
		if len(args) == 0 {
			return usageError("missing subcommand")
		}
		return flag.ErrHelp
	}
	run, ok := subs[args[0]]
	if !ok {
		return usageError(fmt.Sprintf("unknown subcommand %q", args[0]))
	}
	return run(args[1:])
}

// parse parses flags that may come before, between or after the positional
// arguments, and checks the number of positional arguments.
func (c *cli) parse(fs *flag.FlagSet, args []string, positional string, count int) ([]string, error) {
	fs.SetOutput(c.stderr)
	fs.Usage = func() {
		fmt.Fprintf(c.stderr, "Usage: ossfc admin %s %s\n", fs.Name(), positional)
		if hasFlags(fs) {
			fmt.Fprintln(c.stderr, "\nOptions:")
			fs.PrintDefaults()
		}
	}
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, usageError(err.Error())
		}
		args = fs.Args()
		if len(args) == 0 {
			break
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
	if len(pos) != count {
		fs.Usage()
		if count == 0 {
			return nil, usageError("unexpected argument " + pos[0])
		}
		return nil, usageError("expected " + positional)
	}
	return pos, nil
}

func hasFlags(fs *flag.FlagSet) bool {
	found := false
	fs.VisitAll(func(*flag.Flag) { found = true })
	return found
}

// document returns the JSON text of a DOC argument: the text itself, or the
// contents of FILE for @FILE.
func document(arg string) (string, error) {
	path, isFile := strings.CutPrefix(arg, "@")
	if !isFile {
		return arg, nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	return string(b), nil
}

// table starts a tab-aligned table on stdout with the given header.
func (c *cli) table(header ...string) *tabwriter.Writer {
	tw := tabwriter.NewWriter(c.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, strings.Join(header, "\t"))
	return tw
}

// printJSON writes v as indented JSON.
func (c *cli) printJSON(v any) error {
	enc := json.NewEncoder(c.stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
