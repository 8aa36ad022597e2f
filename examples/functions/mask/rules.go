package mask

// The masking rules. They work on bytes, not on a parsed document, so CSV,
// JSON and plain text are masked alike and stay valid. Only ASCII digits
// and letters inside a detected value change, each into '*'. The output
// keeps the length and every separator, quote and line break.
//
// Whether a byte is masked depends only on the bytes at most Context
// positions before and after it. That makes the rules streamable and lets a
// Range be answered from a window around it.

// Context is how many bytes on each side of a byte decide whether it is
// masked. It is larger than the longest value the rules mask (an e-mail
// address of 64+1+255 bytes) plus the bytes looked at around it.
const Context = 1024

// Limits of the values that are masked. A longer candidate is never masked,
// which keeps the decision local, because a window that cuts a long
// candidate holds a piece that is already too long.
const (
	maxNumberDigits = 19  // card numbers have at most 19 digits
	maxNumberBytes  = 40  // digits, separators, '+' and check character
	maxLocalPart    = 64  // RFC 5321 limit of an e-mail local part
	maxDomainRun    = 255 // RFC 1035 limit of a domain name
	maxJSONSpace    = 64  // whitespace looked across to find a bare JSON number
)

// maskBlock writes src to dst with every sensitive value masked; dst and src
// have the same length. jsonMode selects how bare JSON numbers are masked.
// The ends of src are treated as the ends of the text.
func maskBlock(dst, src []byte, jsonMode bool) {
	copy(dst, src)
	maskNumbers(dst, src, jsonMode)
	maskEmails(dst, src)
}

func isDigit(b byte) bool { return '0' <= b && b <= '9' }

func isLetter(b byte) bool { return 'a' <= b && b <= 'z' || 'A' <= b && b <= 'Z' }

// isWord reports whether b may not touch a masked number: an ASCII letter or
// digit. Other bytes, including those of multi-byte UTF-8 characters, are
// boundaries.
func isWord(b byte) bool { return isDigit(b) || isLetter(b) }

// isGroupSeparator reports whether b may join two digit groups of one
// number, as in "138 0013 8000" or "4111-1111-1111-1111".
func isGroupSeparator(b byte) bool { return b == ' ' || b == '-' }

// span is a half-open byte range [start, end).
type span struct{ start, end int }

// maskNumbers finds numbers: maximal chains of digit groups joined by single
// separators, optionally preceded by '+' and followed by an 'X' check
// character. A chain is masked as a whole when it is one of the values of
// classifyNumber. Otherwise each group of a chain of several groups is tried
// on its own, so "born 1990 13800138000" still masks the phone number.
func maskNumbers(dst, src []byte, jsonMode bool) {
	var groups []span
	for i := 0; i < len(src); {
		if !isDigit(src[i]) {
			i++
			continue
		}

		groups = groups[:0]
		end := i
		for {
			groupEnd := end
			for groupEnd < len(src) && isDigit(src[groupEnd]) {
				groupEnd++
			}
			groups = append(groups, span{end, groupEnd})
			if groupEnd+1 < len(src) && isGroupSeparator(src[groupEnd]) && isDigit(src[groupEnd+1]) {
				end = groupEnd + 1
				continue
			}
			end = groupEnd
			break
		}

		if !maskChain(dst, src, groups, jsonMode) && len(groups) > 1 {
			for _, g := range groups {
				maskToken(dst, src, g.start, g.end, false, false, 0, jsonMode)
			}
		}
		i = end
	}
}

// maskChain masks the chain of digit groups if it is a sensitive value as a
// whole, and reports whether it did.
func maskChain(dst, src []byte, groups []span, jsonMode bool) bool {
	start, end := groups[0].start, groups[len(groups)-1].end
	plus := start > 0 && src[start-1] == '+' && (start == 1 || !isWord(src[start-2]))
	check := end < len(src) && (src[end] == 'X' || src[end] == 'x')
	if plus {
		start--
	}
	if check {
		end++
	}
	return maskToken(dst, src, start, end, plus, check, len(groups)-1, jsonMode)
}

// maskToken masks src[start:end] if it is a sensitive value not joined to
// other text. The number has the given count of separators, a leading '+'
// when plus and a trailing check character when check. It reports whether
// it masked.
func maskToken(dst, src []byte, start, end int, plus, check bool, separators int, jsonMode bool) bool {
	if end-start > maxNumberBytes || !standsAlone(src, start, end) {
		return false
	}
	value := make([]byte, 0, maxNumberDigits+1)
	for _, b := range src[start:end] {
		if isDigit(b) || b == 'X' || b == 'x' {
			value = append(value, b)
		}
	}
	keepHead, keepTail, ok := classifyNumber(value, plus, check, separators)
	if !ok {
		return false
	}

	// A bare JSON number such as {"phone": 13800138000} must stay a JSON
	// number, so its masked digits become '0' and its first digit stays.
	mask := byte('*')
	if jsonMode && !plus && !check && separators == 0 && isBareJSONNumber(src, start, end) {
		mask = '0'
		keepHead = max(keepHead, 1)
	}

	index := 0
	for i := start; i < end; i++ {
		if !isDigit(src[i]) && src[i] != 'X' && src[i] != 'x' {
			continue
		}
		if index >= keepHead && index < len(value)-keepTail && isDigit(src[i]) {
			dst[i] = mask
		}
		index++
	}
	return true
}

// standsAlone reports whether src[start:end] is not part of a longer word or
// a decimal number. The byte before it must not be a letter, digit or '+'.
// The byte after it must not be a letter or digit. Neither may be a '.'
// that joins it to other digits.
func standsAlone(src []byte, start, end int) bool {
	if start > 0 {
		before := src[start-1]
		if isWord(before) || before == '+' || before == '.' && start >= 2 && isDigit(src[start-2]) {
			return false
		}
	}
	if end < len(src) {
		after := src[end]
		if isWord(after) || after == '.' && end+1 < len(src) && isDigit(src[end+1]) {
			return false
		}
	}
	return true
}

// classifyNumber decides whether a number is masked and which of its
// characters stay visible: keepHead at the start and keepTail at the end.
// value holds the digits and the check character. The kinds, tried in this
// order:
//
//   - resident identity card number of mainland China: 18 characters, 17
//     digits and a digit or X whose ISO 7064 MOD 11-2 check is valid,
//     written without separators. The first 3 and last 4 stay.
//   - mobile number of mainland China: 11 digits starting 13 to 19, in any
//     grouping. The first 3 and last 4 stay. With "+86" in front, "86" and
//     the next 3 stay, and the last 4.
//   - payment card number: 13 to 19 digits in any grouping whose Luhn check
//     is valid. The last 4 stay.
//   - international phone number: '+' and 8 to 15 digits (E.164) in any
//     grouping. The last 4 stay.
func classifyNumber(value []byte, plus, check bool, separators int) (keepHead, keepTail int, ok bool) {
	n := len(value)
	if n > maxNumberDigits+1 {
		return 0, 0, false
	}
	switch {
	case !plus && separators == 0 && n == 18 && validIDNumber(value):
		return 3, 4, true
	case check:
		return 0, 0, false
	case !plus && n == 11 && isChinaMobile(value):
		return 3, 4, true
	case plus && n == 13 && value[0] == '8' && value[1] == '6' && isChinaMobile(value[2:]):
		return 5, 4, true
	case !plus && n >= 13 && n <= maxNumberDigits && validLuhn(value):
		return 0, 4, true
	case plus && n >= 8 && n <= 15:
		return 0, 4, true
	}
	return 0, 0, false
}

func isChinaMobile(d []byte) bool {
	return len(d) == 11 && d[0] == '1' && d[1] >= '3' && d[1] <= '9'
}

// validIDNumber checks the 18-character number of a resident identity card
// of mainland China (GB 11643): ISO 7064 MOD 11-2 over the first 17 digits
// gives the last character, where 10 is written X.
func validIDNumber(value []byte) bool {
	weights := [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i, w := range weights {
		if !isDigit(value[i]) {
			return false
		}
		sum += int(value[i]-'0') * w
	}
	want := "10X98765432"[sum%11]
	last := value[17]
	if last == 'x' {
		last = 'X'
	}
	return last == want
}

// validLuhn checks the Luhn (mod 10) check digit of a card number.
func validLuhn(digits []byte) bool {
	sum := 0
	for i := range digits {
		d := int(digits[len(digits)-1-i] - '0')
		if d < 0 || d > 9 {
			return false
		}
		if i%2 == 1 {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return sum%10 == 0
}

// isBareJSONNumber reports whether src[start:end] looks like a JSON number
// outside a string: after ':', '[' or ',' and before ',', ']' or '}', with
// at most maxJSONSpace whitespace bytes between.
func isBareJSONNumber(src []byte, start, end int) bool {
	i := start - 1
	for i >= 0 && start-1-i < maxJSONSpace && isJSONSpace(src[i]) {
		i--
	}
	if i < 0 || (src[i] != ':' && src[i] != '[' && src[i] != ',') {
		return false
	}
	j := end
	for j < len(src) && j-end < maxJSONSpace && isJSONSpace(src[j]) {
		j++
	}
	return j < len(src) && (src[j] == ',' || src[j] == ']' || src[j] == '}')
}

func isJSONSpace(b byte) bool { return b == ' ' || b == '\t' || b == '\n' || b == '\r' }

// maskEmails masks e-mail addresses: a local part of 1 to 64 bytes from
// [A-Za-z0-9._%+-], '@', and a domain of at least two dot-separated labels
// of [A-Za-z0-9-] whose last label is two or more letters. Dots and hyphens
// that end the domain are not part of it ("mail a@b.com." ends at "com").
// The first character of the local part and the domain stay; the rest of the
// local part becomes '*'.
func maskEmails(dst, src []byte) {
	for at, b := range src {
		if b != '@' {
			continue
		}

		// Both runs are walked at most one byte past their limit.
		localStart := at
		for localStart > 0 && isLocalChar(src[localStart-1]) && at-localStart <= maxLocalPart {
			localStart--
		}
		if at-localStart < 1 || at-localStart > maxLocalPart {
			continue
		}

		domainEnd := at + 1
		for domainEnd < len(src) && isDomainChar(src[domainEnd]) && domainEnd-(at+1) <= maxDomainRun {
			domainEnd++
		}
		if domainEnd-(at+1) > maxDomainRun {
			continue
		}
		for domainEnd > at+1 && (src[domainEnd-1] == '.' || src[domainEnd-1] == '-') {
			domainEnd--
		}
		if !validDomain(src[at+1 : domainEnd]) {
			continue
		}

		for i := localStart + 1; i < at; i++ {
			dst[i] = '*'
		}
	}
}

func isLocalChar(b byte) bool {
	return isWord(b) || b == '.' || b == '_' || b == '%' || b == '+' || b == '-'
}

func isDomainChar(b byte) bool { return isWord(b) || b == '.' || b == '-' }

// validDomain checks a domain of two or more non-empty labels whose last
// label is letters only, at least two.
func validDomain(domain []byte) bool {
	labels, labelLen, tldLetters := 0, 0, true
	for _, b := range domain {
		if b == '.' {
			if labelLen == 0 {
				return false
			}
			labels++
			labelLen, tldLetters = 0, true
			continue
		}
		labelLen++
		tldLetters = tldLetters && isLetter(b)
	}
	return labels >= 1 && labelLen >= 2 && tldLetters
}
