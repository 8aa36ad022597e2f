package policy

import (
	"fmt"
	"strings"

	"github.com/ossfc/ossfc/internal/arn"
	"github.com/ossfc/ossfc/internal/osserr"
)

// Parse parses and validates a policy document of the given kind.
//
// A rejected document gives an *osserr.Error with code MalformedPolicy
// (400) whose message names the element and the bad value, such as
// `Statement[1].Effect: "Alow" is not Allow or Deny`. Array indices in
// messages count from 0.
//
// The accepted language:
//
//   - Version must be the string "1".
//   - Statement is an array of statements, or a single statement object,
//     because RAM's grammar allows one value wherever it allows a list.
//   - A statement has Effect (Allow or Deny), Action or NotAction, Resource
//     or NotResource (not in trust policies), Principal (resource and trust
//     policies only, and required there), an optional Condition and an
//     optional Sid. Element names are matched exactly, and any other
//     element is rejected.
//   - Action, Resource and Principal values are a string or an array of
//     strings, with the wildcards '*' and '?'.
//
// Unknown condition keys are accepted, because services add keys over time.
// A key that no request carries never matches a positive operator.
func Parse(raw []byte, kind Kind) (*Policy, error) {
	if kind != Identity && kind != Resource && kind != Trust {
		return nil, osserr.Internal(fmt.Errorf("policy.Parse called with %v", kind))
	}
	if len(raw) == 0 {
		return nil, malformed("the policy document is empty")
	}
	if len(raw) > MaxSize {
		return nil, malformed(fmt.Sprintf("the policy document is %d bytes, over the limit of %d bytes", len(raw), MaxSize))
	}

	root, err := decodeTree(raw)
	if err != nil {
		return nil, malformed(err.Error())
	}
	if root.kind != nodeObject {
		return nil, malformed(fmt.Sprintf("the policy document is %s, not a JSON object", root.describe()))
	}

	var version, statements *node
	for _, m := range root.members {
		switch m.name {
		case "Version":
			version = m.value
		case "Statement":
			statements = m.value
		default:
			return nil, malformedAt(m.name, "unknown element; a policy has only Version and Statement")
		}
	}

	if version == nil {
		return nil, malformedAt("Version", `missing; it must be "1"`)
	}
	if version.kind != nodeString || version.text != "1" {
		return nil, malformedAt("Version", version.describe()+` is not "1"`)
	}

	items, err := statementItems(statements)
	if err != nil {
		return nil, err
	}
	p := &Policy{kind: kind, statements: make([]statement, 0, len(items))}
	for _, item := range items {
		st, err := parseStatement(item.value, item.path, kind)
		if err != nil {
			return nil, err
		}
		p.statements = append(p.statements, st)
	}
	return p, nil
}

type located struct {
	value *node
	path  string
}

// statementItems returns the statements of a Statement element that is an
// array or a single object.
func statementItems(n *node) ([]located, error) {
	const path = "Statement"
	if n == nil {
		return nil, malformedAt(path, "missing; a policy needs at least one statement")
	}
	switch n.kind {
	case nodeObject:
		return []located{{n, path}}, nil
	case nodeArray:
		if len(n.items) == 0 {
			return nil, malformedAt(path, "empty; a policy needs at least one statement")
		}
		items := make([]located, len(n.items))
		for i, item := range n.items {
			items[i] = located{item, itemPath(path, i)}
		}
		return items, nil
	}
	return nil, malformedAt(path, n.describe()+" is not an array of statements")
}

// parseStatement compiles the statement n found at path.
func parseStatement(n *node, path string, kind Kind) (statement, error) {
	var st statement
	if n.kind != nodeObject {
		return st, malformedAt(path, n.describe()+" is not a statement object")
	}

	elements := map[string]*node{}
	for _, m := range n.members {
		switch m.name {
		case "Sid", "Effect", "Action", "NotAction", "Resource", "NotResource", "Principal", "Condition":
			elements[m.name] = m.value
		default:
			return st, malformedAt(memberPath(path, m.name),
				"unknown element; a statement has Sid, Effect, Action, NotAction, Resource, NotResource, Principal and Condition")
		}
	}

	if sid := elements["Sid"]; sid != nil && sid.kind != nodeString {
		return st, malformedAt(memberPath(path, "Sid"), sid.describe()+" is not a string")
	}

	deny, err := parseEffect(elements["Effect"], path)
	if err != nil {
		return st, err
	}
	st.deny = deny

	if err := st.parseActions(elements, path); err != nil {
		return st, err
	}
	if err := st.parseResources(elements, path, kind); err != nil {
		return st, err
	}
	if err := st.parsePrincipal(elements["Principal"], path, kind); err != nil {
		return st, err
	}

	if cond := elements["Condition"]; cond != nil {
		st.conditions, err = parseConditions(cond, memberPath(path, "Condition"))
		if err != nil {
			return st, err
		}
	}
	return st, nil
}

func parseEffect(n *node, path string) (deny bool, err error) {
	path = memberPath(path, "Effect")
	if n == nil {
		return false, malformedAt(path, "missing; it must be Allow or Deny")
	}
	if n.kind == nodeString {
		switch n.text {
		case "Allow":
			return false, nil
		case "Deny":
			return true, nil
		}
	}
	return false, malformedAt(path, n.describe()+" is not Allow or Deny")
}

func (st *statement) parseActions(elements map[string]*node, path string) error {
	action, notAction := elements["Action"], elements["NotAction"]
	name := "Action"
	switch {
	case action != nil && notAction != nil:
		return malformedAt(path, "has both Action and NotAction; use one")
	case action == nil && notAction == nil:
		return malformedAt(path, "missing Action or NotAction")
	case notAction != nil:
		action, name = notAction, "NotAction"
		st.notActions = true
	}

	values, err := stringList(action, memberPath(path, name))
	if err != nil {
		return err
	}
	for _, v := range values {
		if v.text != "*" && !validAction(v.text) {
			return malformedAt(v.path, fmt.Sprintf(`%q is not "*" or <service>:<action>, such as oss:GetObject`, v.text))
		}
		st.actions = append(st.actions, strings.ToLower(v.text))
	}
	return nil
}

func validAction(s string) bool {
	service, name, ok := strings.Cut(s, ":")
	return ok && service != "" && name != ""
}

func (st *statement) parseResources(elements map[string]*node, path string, kind Kind) error {
	resource, notResource := elements["Resource"], elements["NotResource"]
	if kind == Trust {
		if resource != nil {
			return malformedAt(memberPath(path, "Resource"), "not allowed in a trust policy, whose resource is the role itself")
		}
		if notResource != nil {
			return malformedAt(memberPath(path, "NotResource"), "not allowed in a trust policy, whose resource is the role itself")
		}
		st.anyResource = true
		return nil
	}

	name := "Resource"
	switch {
	case resource != nil && notResource != nil:
		return malformedAt(path, "has both Resource and NotResource; use one")
	case resource == nil && notResource == nil:
		return malformedAt(path, "missing Resource or NotResource")
	case notResource != nil:
		resource, name = notResource, "NotResource"
		st.notResources = true
	}

	values, err := stringList(resource, memberPath(path, name))
	if err != nil {
		return err
	}
	for _, v := range values {
		if v.text != "*" && !strings.HasPrefix(v.text, "acs:") {
			return malformedAt(v.path, fmt.Sprintf(`%q is not "*" or an ARN such as acs:oss:*:*:mybucket/*`, v.text))
		}
		st.resources = append(st.resources, compileResource(v.text))
	}
	return nil
}

// parsePrincipal compiles the Principal element: "*", a string or an array
// of ids and ARNs, or an object with RAM, Service and Federated lists.
func (st *statement) parsePrincipal(n *node, path string, kind Kind) error {
	path = memberPath(path, "Principal")
	if kind == Identity {
		if n != nil {
			return malformedAt(path, "not allowed in an identity policy; the identity it is attached to is the principal")
		}
		return nil
	}
	if n == nil {
		return malformedAt(path, fmt.Sprintf("missing; every statement of a %v policy needs one", kind))
	}

	set := &principalSet{}
	st.principals = set

	// OSS reads an empty Principal list in a bucket policy as "*", and its
	// documentation warns that such a list does not deny everyone.
	if n.kind == nodeArray && len(n.items) == 0 {
		if kind == Trust {
			return malformedAt(path, "empty; name the principals that may assume the role")
		}
		set.anyone = true
		return nil
	}

	if n.kind != nodeObject {
		values, err := stringList(n, path)
		if err != nil {
			return err
		}
		return set.addRAM(values)
	}

	if len(n.members) == 0 {
		return malformedAt(path, "empty object; use the RAM, Service or Federated list")
	}
	for _, m := range n.members {
		values, err := stringList(m.value, memberPath(path, m.name))
		if err != nil {
			return err
		}
		switch m.name {
		case "RAM":
			err = set.addRAM(values)
		case "Service":
			set.services = appendLower(set.services, values)
		case "Federated":
			set.federated = appendLower(set.federated, values)
		default:
			return malformedAt(memberPath(path, m.name), "unknown principal type; use RAM, Service or Federated")
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// addRAM adds account ids, RAM user ids and RAM ARNs. An unknown id is
// accepted, as OSS does: it names no one until such an identity exists.
func (s *principalSet) addRAM(values []textValue) error {
	for _, v := range values {
		if v.text == "*" {
			s.anyone = true
			continue
		}
		pattern := strings.ToLower(v.text)
		if rest, ok := strings.CutPrefix(pattern, "arn:sts::"); ok {
			pattern = "acs:ram::" + rest
		}
		if strings.Contains(pattern, ":") && !strings.HasPrefix(pattern, "acs:ram::") {
			return malformedAt(v.path, fmt.Sprintf("%q is not an account or user id, an acs:ram ARN or an arn:sts assumed-role ARN", v.text))
		}
		s.ram = append(s.ram, pattern)
	}
	return nil
}

func appendLower(list []string, values []textValue) []string {
	for _, v := range values {
		list = append(list, strings.ToLower(v.text))
	}
	return list
}

// textValue is a string found at path.
type textValue struct {
	text string
	path string
}

// stringList reads a string or a non-empty array of strings. Elements of an
// array get an index in their path, a lone string does not.
func stringList(n *node, path string) ([]textValue, error) {
	switch n.kind {
	case nodeString:
		return []textValue{{n.text, path}}, nil
	case nodeArray:
		if len(n.items) == 0 {
			return nil, malformedAt(path, "empty list")
		}
		values := make([]textValue, len(n.items))
		for i, item := range n.items {
			if item.kind != nodeString {
				return nil, malformedAt(itemPath(path, i), item.describe()+" is not a string")
			}
			values[i] = textValue{item.text, itemPath(path, i)}
		}
		return values, nil
	}
	return nil, malformedAt(path, n.describe()+" is not a string or an array of strings")
}

// parseConditions compiles a Condition element:
// {"<operator>": {"<key>": <value or array of values>, ...}, ...}.
func parseConditions(n *node, path string) ([]condition, error) {
	if n.kind != nodeObject {
		return nil, malformedAt(path, n.describe()+` is not an object such as {"StringLike": {"oss:Prefix": "dir/*"}}`)
	}

	var conditions []condition
	for _, opMember := range n.members {
		opPath := memberPath(path, opMember.name)
		op, ok := operators[opMember.name]
		if !ok {
			return nil, malformedAt(opPath, "unknown condition operator")
		}
		if opMember.value.kind != nodeObject {
			return nil, malformedAt(opPath, opMember.value.describe()+" is not an object of condition keys")
		}

		for _, keyMember := range opMember.value.members {
			if keyMember.name == "" {
				return nil, malformedAt(opPath, "empty condition key")
			}
			c, err := parseCondition(op, keyMember, memberPath(opPath, keyMember.name))
			if err != nil {
				return nil, err
			}
			conditions = append(conditions, c)
		}
	}
	return conditions, nil
}

func parseCondition(op operator, m member, path string) (condition, error) {
	c := condition{op: op, key: strings.ToLower(m.name)}

	values, err := conditionValues(m.value, path)
	if err != nil {
		return c, err
	}
	for _, v := range values {
		switch op.family {
		case familyString:
			s := v.text
			if c.key == keyDataAccessPointArnLower {
				s = arn.NormalizeAccessPoint(s)
			}
			c.strings = append(c.strings, s)
		case familyNumeric:
			n, err := parseNumber(v.text)
			if err != nil {
				return c, malformedAt(v.path, fmt.Sprintf("%q is not a number", v.text))
			}
			c.numbers = append(c.numbers, n)
		case familyDate:
			t, err := parseDate(v.text)
			if err != nil {
				return c, malformedAt(v.path, fmt.Sprintf("%q is not a date such as 2019-08-12T17:00:00+08:00", v.text))
			}
			c.times = append(c.times, t)
		case familyBool:
			b, err := parseBool(v.text)
			if err != nil {
				return c, malformedAt(v.path, fmt.Sprintf("%q is not true or false", v.text))
			}
			c.bools = append(c.bools, b)
		case familyIP:
			prefix, err := parsePrefix(v.text)
			if err != nil {
				return c, malformedAt(v.path, fmt.Sprintf("%q is not an IP address or CIDR block", v.text))
			}
			c.prefixes = append(c.prefixes, prefix)
		}
	}
	return c, nil
}

// conditionValues reads a condition value or a non-empty array of them.
// Strings, numbers and booleans are all accepted and read as text, so
// {"Bool": {"acs:SecureTransport": true}} equals the quoted form.
func conditionValues(n *node, path string) ([]textValue, error) {
	if n.kind != nodeArray {
		text, ok := scalarText(n)
		if !ok {
			return nil, malformedAt(path, n.describe()+" is not a string, number, boolean or an array of them")
		}
		return []textValue{{text, path}}, nil
	}

	if len(n.items) == 0 {
		return nil, malformedAt(path, "empty list")
	}
	values := make([]textValue, len(n.items))
	for i, item := range n.items {
		text, ok := scalarText(item)
		if !ok {
			return nil, malformedAt(itemPath(path, i), item.describe()+" is not a string, number or boolean")
		}
		values[i] = textValue{text, itemPath(path, i)}
	}
	return values, nil
}

func scalarText(n *node) (string, bool) {
	switch n.kind {
	case nodeString, nodeNumber:
		return n.text, true
	case nodeBool:
		return n.describe(), true
	}
	return "", false
}

func malformed(message string) error {
	return osserr.New(osserr.MalformedPolicy, message)
}

func malformedAt(path, message string) error {
	return osserr.New(osserr.MalformedPolicy, path+": "+message)
}
