package ramcli

import (
	"flag"
	"fmt"
	"time"

	"github.com/ossfc/ossfc/internal/ram/ramapi"
)

// dateFormat prints RAM dates as RAM does.
const dateFormat = time.RFC3339

func (c *cli) account(args []string) error {
	return c.subcommands("account", args, map[string]func([]string) error{
		"create": func(args []string) error {
			fs := flag.NewFlagSet("account create", flag.ContinueOnError)
			name := fs.String("name", "", "display `name` of the account")
			if _, err := c.parse(fs, args, "[--name N]", 0); err != nil {
				return err
			}
			out, err := c.client.CreateAccount(c.ctx, *name)
			if err != nil {
				return err
			}
			fmt.Fprintf(c.stdout, "AccountId:       %s\nAccessKeyId:     %s\nAccessKeySecret: %s\n",
				out.Account.AccountID, out.AccessKey.AccessKeyID, out.AccessKey.AccessKeySecret)
			fmt.Fprintln(c.stderr, "Store the AccessKeySecret now: it is not shown again.")
			return nil
		},
		"list": func(args []string) error {
			if _, err := c.parse(flag.NewFlagSet("account list", flag.ContinueOnError), args, "", 0); err != nil {
				return err
			}
			accounts, err := c.client.ListAccounts(c.ctx)
			if err != nil {
				return err
			}
			tw := c.table("ACCOUNT ID", "NAME", "STATUS", "CREATED")
			for _, a := range accounts {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", a.AccountID, a.AccountName, a.Status, a.CreateDate.Format(dateFormat))
			}
			return tw.Flush()
		},
		"disable": c.accountStatus("disable", "Inactive"),
		"enable":  c.accountStatus("enable", "Active"),
	})
}

// accountStatus returns the account subcommand that sets an account's
// status; a disabled account's credentials are all rejected.
func (c *cli) accountStatus(name, status string) func([]string) error {
	return func(args []string) error {
		pos, err := c.parse(flag.NewFlagSet("account "+name, flag.ContinueOnError), args, "ACCOUNT_ID", 1)
		if err != nil {
			return err
		}
		a, err := c.client.UpdateAccount(c.ctx, pos[0], status)
		if err != nil {
			return err
		}
		fmt.Fprintf(c.stdout, "AccountId: %s\nStatus:    %s\n", a.AccountID, a.Status)
		return nil
	}
}

func (c *cli) user(args []string) error {
	return c.subcommands("user", args, map[string]func([]string) error{
		"create": func(args []string) error {
			fs := flag.NewFlagSet("user create", flag.ContinueOnError)
			display := fs.String("display-name", "", "display `name`")
			comments := fs.String("comments", "", "comments")
			pos, err := c.parse(fs, args, "NAME", 1)
			if err != nil {
				return err
			}
			u, err := c.client.CreateUser(c.ctx, ramapi.CreateUserInput{UserName: pos[0], DisplayName: *display, Comments: *comments})
			if err != nil {
				return err
			}
			fmt.Fprintf(c.stdout, "UserId: %s\nArn:    %s\n", u.UserID, u.Arn)
			return nil
		},
		"list": func(args []string) error {
			if _, err := c.parse(flag.NewFlagSet("user list", flag.ContinueOnError), args, "", 0); err != nil {
				return err
			}
			users, err := c.client.ListUsers(c.ctx)
			if err != nil {
				return err
			}
			tw := c.table("NAME", "USER ID", "DISPLAY NAME", "CREATED")
			for _, u := range users {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", u.UserName, u.UserID, u.DisplayName, u.CreateDate.Format(dateFormat))
			}
			return tw.Flush()
		},
		"delete": func(args []string) error {
			pos, err := c.parse(flag.NewFlagSet("user delete", flag.ContinueOnError), args, "NAME", 1)
			if err != nil {
				return err
			}
			return c.client.DeleteUser(c.ctx, pos[0])
		},
	})
}

func (c *cli) key(args []string) error {
	// keyStatus returns a subcommand that sets the status of one key.
	keyStatus := func(name, status string) func([]string) error {
		return func(args []string) error {
			fs := flag.NewFlagSet("key "+name, flag.ContinueOnError)
			user := fs.String("user", "", "RAM user `name` that owns the key (default: the caller)")
			pos, err := c.parse(fs, args, "ACCESS_KEY_ID", 1)
			if err != nil {
				return err
			}
			return c.client.UpdateAccessKey(c.ctx, *user, pos[0], status)
		}
	}
	return c.subcommands("key", args, map[string]func([]string) error{
		"create": func(args []string) error {
			fs := flag.NewFlagSet("key create", flag.ContinueOnError)
			user := fs.String("user", "", "RAM user `name` to create the key for (default: the caller)")
			if _, err := c.parse(fs, args, "[--user U]", 0); err != nil {
				return err
			}
			k, err := c.client.CreateAccessKey(c.ctx, *user)
			if err != nil {
				return err
			}
			fmt.Fprintf(c.stdout, "AccessKeyId:     %s\nAccessKeySecret: %s\n", k.AccessKeyID, k.AccessKeySecret)
			fmt.Fprintln(c.stderr, "Store the AccessKeySecret now: it is not shown again.")
			return nil
		},
		"list": func(args []string) error {
			fs := flag.NewFlagSet("key list", flag.ContinueOnError)
			user := fs.String("user", "", "RAM user `name` whose keys to list (default: the caller)")
			if _, err := c.parse(fs, args, "[--user U]", 0); err != nil {
				return err
			}
			keys, err := c.client.ListAccessKeys(c.ctx, *user)
			if err != nil {
				return err
			}
			tw := c.table("ACCESS KEY ID", "STATUS", "CREATED")
			for _, k := range keys {
				fmt.Fprintf(tw, "%s\t%s\t%s\n", k.AccessKeyID, k.Status, k.CreateDate.Format(dateFormat))
			}
			return tw.Flush()
		},
		"disable": keyStatus("disable", "Inactive"),
		"enable":  keyStatus("enable", "Active"),
		"delete": func(args []string) error {
			fs := flag.NewFlagSet("key delete", flag.ContinueOnError)
			user := fs.String("user", "", "RAM user `name` that owns the key (default: the caller)")
			pos, err := c.parse(fs, args, "ACCESS_KEY_ID", 1)
			if err != nil {
				return err
			}
			return c.client.DeleteAccessKey(c.ctx, *user, pos[0])
		},
	})
}

// trustDocument builds the trust policy of role create from its flags.
func trustDocument(trust, service, account string) (string, error) {
	set := 0
	for _, v := range []string{trust, service, account} {
		if v != "" {
			set++
		}
	}
	if set != 1 {
		return "", usageError("set exactly one of --trust, --trust-service and --trust-account")
	}
	principal := ""
	switch {
	case trust != "":
		return document(trust)
	case service != "":
		principal = `{"Service":["` + service + `"]}`
	default:
		principal = `{"RAM":["acs:ram::` + account + `:root"]}`
	}
	return `{"Version":"1","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Principal":` + principal + `}]}`, nil
}

func (c *cli) role(args []string) error {
	return c.subcommands("role", args, map[string]func([]string) error{
		"create": func(args []string) error {
			fs := flag.NewFlagSet("role create", flag.ContinueOnError)
			trust := fs.String("trust", "", "trust policy `DOC`: JSON text or @FILE")
			service := fs.String("trust-service", "", "trust this service `principal`, such as fc.aliyuncs.com")
			account := fs.String("trust-account", "", "trust every identity of this account `UID`")
			description := fs.String("description", "", "description")
			maxSession := fs.Int("max-session-duration", 0, "longest session in `seconds`, 3600 to 43200 (default 3600)")
			pos, err := c.parse(fs, args, "NAME --trust DOC", 1)
			if err != nil {
				return err
			}
			doc, err := trustDocument(*trust, *service, *account)
			if err != nil {
				return err
			}
			r, err := c.client.CreateRole(c.ctx, ramapi.CreateRoleInput{RoleName: pos[0], Description: *description,
				AssumeRolePolicyDocument: doc, MaxSessionDuration: *maxSession})
			if err != nil {
				return err
			}
			fmt.Fprintf(c.stdout, "RoleId: %s\nArn:    %s\n", r.RoleID, r.Arn)
			return nil
		},
		"get": func(args []string) error {
			pos, err := c.parse(flag.NewFlagSet("role get", flag.ContinueOnError), args, "NAME", 1)
			if err != nil {
				return err
			}
			r, err := c.client.GetRole(c.ctx, pos[0])
			if err != nil {
				return err
			}
			policies, err := c.client.ListPoliciesForRole(c.ctx, pos[0])
			if err != nil {
				return err
			}
			return c.printJSON(struct {
				Role     any `json:"Role"`
				Policies any `json:"AttachedPolicies"`
			}{r, policies})
		},
		"list": func(args []string) error {
			if _, err := c.parse(flag.NewFlagSet("role list", flag.ContinueOnError), args, "", 0); err != nil {
				return err
			}
			roles, err := c.client.ListRoles(c.ctx)
			if err != nil {
				return err
			}
			tw := c.table("NAME", "ARN", "MAX SESSION", "CREATED")
			for _, r := range roles {
				fmt.Fprintf(tw, "%s\t%s\t%ds\t%s\n", r.RoleName, r.Arn, r.MaxSessionDuration, r.CreateDate.Format(dateFormat))
			}
			return tw.Flush()
		},
		"delete": func(args []string) error {
			pos, err := c.parse(flag.NewFlagSet("role delete", flag.ContinueOnError), args, "NAME", 1)
			if err != nil {
				return err
			}
			return c.client.DeleteRole(c.ctx, pos[0])
		},
	})
}

func (c *cli) policy(args []string) error {
	// attachment returns the attach or detach subcommand.
	attachment := func(name string, apply func(policy string, in ramapi.AttachPolicyInput) error) func([]string) error {
		return func(args []string) error {
			fs := flag.NewFlagSet("policy "+name, flag.ContinueOnError)
			user := fs.String("user", "", "RAM user `name`")
			role := fs.String("role", "", "role `name`")
			policyType := fs.String("type", "Custom", "policy `type`: Custom or System")
			pos, err := c.parse(fs, args, "NAME --user U | --role R", 1)
			if err != nil {
				return err
			}
			if (*user == "") == (*role == "") {
				return usageError("set exactly one of --user and --role")
			}
			if err := apply(pos[0], ramapi.AttachPolicyInput{PolicyType: *policyType, UserName: *user, RoleName: *role}); err != nil {
				return err
			}

			target := "user " + *user
			if *role != "" {
				target = "role " + *role
			}
			verb := map[string]string{"attach": "attached to", "detach": "detached from"}[name]
			fmt.Fprintf(c.stdout, "%s policy %s %s %s\n", *policyType, pos[0], verb, target)
			return nil
		}
	}
	return c.subcommands("policy", args, map[string]func([]string) error{
		"create": func(args []string) error {
			fs := flag.NewFlagSet("policy create", flag.ContinueOnError)
			doc := fs.String("document", "", "policy `DOC`: JSON text or @FILE (required)")
			description := fs.String("description", "", "description")
			pos, err := c.parse(fs, args, "NAME --document DOC", 1)
			if err != nil {
				return err
			}
			if *doc == "" {
				return usageError("--document is required")
			}
			text, err := document(*doc)
			if err != nil {
				return err
			}
			p, err := c.client.CreatePolicy(c.ctx, ramapi.CreatePolicyInput{PolicyName: pos[0], Description: *description, PolicyDocument: text})
			if err != nil {
				return err
			}
			fmt.Fprintf(c.stdout, "PolicyName: %s\nPolicyType: %s\n", p.PolicyName, p.PolicyType)
			return nil
		},
		"get": func(args []string) error {
			fs := flag.NewFlagSet("policy get", flag.ContinueOnError)
			policyType := fs.String("type", "", "policy `type`: Custom or System (default: either)")
			pos, err := c.parse(fs, args, "NAME", 1)
			if err != nil {
				return err
			}
			p, err := c.client.GetPolicy(c.ctx, *policyType, pos[0])
			if err != nil {
				return err
			}
			return c.printJSON(p)
		},
		"list": func(args []string) error {
			fs := flag.NewFlagSet("policy list", flag.ContinueOnError)
			policyType := fs.String("type", "", "list only policies of this `type`: Custom or System")
			if _, err := c.parse(fs, args, "", 0); err != nil {
				return err
			}
			policies, err := c.client.ListPolicies(c.ctx, *policyType)
			if err != nil {
				return err
			}
			tw := c.table("NAME", "TYPE", "DESCRIPTION")
			for _, p := range policies {
				fmt.Fprintf(tw, "%s\t%s\t%s\n", p.PolicyName, p.PolicyType, p.Description)
			}
			return tw.Flush()
		},
		"delete": func(args []string) error {
			pos, err := c.parse(flag.NewFlagSet("policy delete", flag.ContinueOnError), args, "NAME", 1)
			if err != nil {
				return err
			}
			return c.client.DeletePolicy(c.ctx, pos[0])
		},
		"attach": attachment("attach", func(policy string, in ramapi.AttachPolicyInput) error {
			return c.client.AttachPolicy(c.ctx, policy, in)
		}),
		"detach": attachment("detach", func(policy string, in ramapi.AttachPolicyInput) error {
			return c.client.DetachPolicy(c.ctx, policy, in)
		}),
	})
}

func (c *cli) sts(args []string) error {
	return c.subcommands("sts", args, map[string]func([]string) error{
		"assume-role": func(args []string) error {
			fs := flag.NewFlagSet("sts assume-role", flag.ContinueOnError)
			roleArn := fs.String("role-arn", "", "`ARN` of the role, acs:ram::<account>:role/<name> (required)")
			session := fs.String("session-name", "", "role session `name`, 2 to 64 characters (required)")
			policyDoc := fs.String("policy", "", "session policy `DOC` that narrows the role: JSON text or @FILE")
			duration := fs.Int("duration", 0, "validity in `seconds`, 900 to the role's maximum (default 3600)")
			if _, err := c.parse(fs, args, "--role-arn ARN --session-name S", 0); err != nil {
				return err
			}
			if *roleArn == "" || *session == "" {
				return usageError("--role-arn and --session-name are required")
			}
			text, err := document(*policyDoc)
			if err != nil {
				return err
			}
			out, err := c.client.AssumeRole(c.ctx, ramapi.AssumeRoleInput{RoleArn: *roleArn, RoleSessionName: *session,
				Policy: text, DurationSeconds: *duration})
			if err != nil {
				return err
			}
			return c.printJSON(out)
		},
	})
}

func (c *cli) quickAuthorize(args []string) error {
	if _, err := c.parse(flag.NewFlagSet("quick-authorize", flag.ContinueOnError), args, "", 0); err != nil {
		return err
	}
	roles, err := c.client.QuickAuthorize(c.ctx)
	if err != nil {
		return err
	}
	tw := c.table("ROLE", "ARN")
	for _, r := range roles {
		fmt.Fprintf(tw, "%s\t%s\n", r.RoleName, r.Arn)
	}
	return tw.Flush()
}

func (c *cli) whoami(args []string) error {
	if _, err := c.parse(flag.NewFlagSet("whoami", flag.ContinueOnError), args, "", 0); err != nil {
		return err
	}
	who, err := c.client.GetCallerIdentity(c.ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(c.stdout, "AccountId:    %s\nIdentityType: %s\nArn:          %s\nPrincipalId:  %s\n",
		who.AccountID, who.IdentityType, who.Arn, who.PrincipalID)
	return nil
}
