package ram

import "unicode/utf8"

// Limits on names and texts, from the RAM and STS API references.
const (
	maxUserNameLength    = 64
	maxRoleNameLength    = 64
	maxPolicyNameLength  = 128
	maxDescriptionLength = 1024
	minSessionNameLength = 2
	maxSessionNameLength = 64
	maxAccountNameLength = 64
)

// nameChars reports whether every byte of s is a letter, a digit or one of
// extra.
func nameChars(s, extra string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		default:
			ok := false
			for j := 0; j < len(extra); j++ {
				if c == extra[j] {
					ok = true
					break
				}
			}
			if !ok {
				return false
			}
		}
	}
	return true
}

// checkUserName validates a RAM user name: 1 to 64 letters, digits, periods,
// hyphens and underscores.
func checkUserName(name string) error {
	if name == "" || len(name) > maxUserNameLength || !nameChars(name, ".-_") {
		return invalidParameter("UserName",
			"The UserName %q is invalid: use 1 to %d letters, digits, periods (.), hyphens (-) or underscores (_).",
			name, maxUserNameLength)
	}
	return nil
}

// checkRoleName validates a RAM role name: 1 to 64 letters, digits, periods,
// hyphens and underscores.
func checkRoleName(name string) error {
	if name == "" || len(name) > maxRoleNameLength || !nameChars(name, ".-_") {
		return invalidParameter("RoleName",
			"The RoleName %q is invalid: use 1 to %d letters, digits, periods (.), hyphens (-) or underscores (_).",
			name, maxRoleNameLength)
	}
	return nil
}

// checkPolicyName validates a policy name: 1 to 128 letters, digits,
// periods, hyphens and underscores.
func checkPolicyName(name string) error {
	if name == "" || len(name) > maxPolicyNameLength || !nameChars(name, ".-_") {
		return invalidParameter("PolicyName",
			"The PolicyName %q is invalid: use 1 to %d letters, digits, periods (.), hyphens (-) or underscores (_).",
			name, maxPolicyNameLength)
	}
	return nil
}

// checkSessionName validates a RoleSessionName: 2 to 64 letters, digits,
// periods, at signs, hyphens and underscores.
func checkSessionName(name string) error {
	if len(name) < minSessionNameLength || len(name) > maxSessionNameLength || !nameChars(name, ".@-_") {
		return invalidParameter("RoleSessionName",
			"The RoleSessionName %q is invalid: use %d to %d letters, digits, periods (.), at signs (@), hyphens (-) or underscores (_).",
			name, minSessionNameLength, maxSessionNameLength)
	}
	return nil
}

// checkText validates a free text such as a description or display name.
func checkText(field, s string, max int) error {
	if !utf8.ValidString(s) || utf8.RuneCountInString(s) > max {
		return invalidParameter(field, "The %s must be valid UTF-8 of at most %d characters.", field, max)
	}
	return nil
}
