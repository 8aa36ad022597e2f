package sampledata

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strconv"
	"time"
)

// Person is one invented customer. Email, Phone, IDNumber and CardNumber
// are the values a mask function must hide.
type Person struct {
	ID         int
	Name       string
	Email      string
	Phone      string // a mobile number of mainland China, with or without "+86 "
	IDNumber   string // an 18-character resident identity card number
	CardNumber string // a 16-digit payment card number, maybe in groups of 4
	City       string
	Joined     string // a date, YYYY-MM-DD
}

// CSVHeader is the first line of PeopleCSV, naming its columns.
var CSVHeader = []string{"id", "name", "email", "phone", "id_number", "card_number", "city", "joined"}

// Record returns p as a CSV record in the order of CSVHeader.
func (p Person) Record() []string {
	return []string{strconv.Itoa(p.ID), p.Name, p.Email, p.Phone, p.IDNumber, p.CardNumber, p.City, p.Joined}
}

var (
	givenNames  = []string{"Wei", "Fang", "Min", "Jing", "Lei", "Yan", "Jun", "Xiu", "Hui", "Tao", "Ling", "Qiang", "Alice", "Bob", "Carol", "Dmitri", "Eva", "Farid", "Grace", "Hiro"}
	familyNames = []string{"Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Zhao", "Huang", "Zhou", "Wu", "Smith", "Garcia", "Tanaka", "Kim", "Novak"}
	cities      = []string{"Hangzhou", "Shanghai", "Beijing", "Shenzhen", "Chengdu", "Singapore", "Frankfurt", "London", "Tokyo", "Jakarta"}
	domains     = []string{"example.com", "example.org", "example.net"}
)

// newPerson invents person number id from r.
func newPerson(r *rand.Rand, id int) Person {
	given, family := givenNames[r.IntN(len(givenNames))], familyNames[r.IntN(len(familyNames))]
	email := fmt.Sprintf("%s.%s%d@%s", lower(given), lower(family), id, domains[r.IntN(len(domains))])

	mobile := fmt.Sprintf("1%d%09d", 3+r.IntN(7), r.IntN(1_000_000_000))
	phone := mobile
	if r.IntN(3) == 0 {
		phone = "+86 " + mobile[:3] + " " + mobile[3:7] + " " + mobile[7:]
	}

	birth := time.Date(1950, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, r.IntN(365*55))
	id17 := fmt.Sprintf("%06d%s%03d", 110000+r.IntN(540000), birth.Format("20060102"), r.IntN(1000))
	card := withLuhn(fmt.Sprintf("6222%011d", r.Int64N(100_000_000_000)))
	if r.IntN(2) == 0 {
		card = card[:4] + " " + card[4:8] + " " + card[8:12] + " " + card[12:]
	}

	joined := time.Date(2015, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, r.IntN(365*10))
	return Person{
		ID: id, Name: given + " " + family, Email: email, Phone: phone,
		IDNumber: id17 + idCheck(id17), CardNumber: card,
		City: cities[r.IntN(len(cities))], Joined: joined.Format(time.DateOnly),
	}
}

// PeopleCSV returns a CSV file of at least size bytes: the CSVHeader line,
// then one line per person. It also returns the people in file order. The
// same size always gives the same bytes.
func PeopleCSV(size int) ([]byte, []Person) {
	r := rand.New(rand.NewPCG(2025, 9))
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	w.Write(CSVHeader)
	var people []Person
	for id := 1; buf.Len() < size; id++ {
		p := newPerson(r, id)
		w.Write(p.Record())
		people = append(people, p)
		if id%256 == 0 {
			w.Flush()
		}
	}
	w.Flush()
	return buf.Bytes(), people
}

// LogEntry is one line of AccessLog. PhoneNumber is the person's mobile
// number as a bare JSON number, which a mask function must mask so that it
// stays a number.
type LogEntry struct {
	Time   string    `json:"time"`
	Level  string    `json:"level"`
	Event  string    `json:"event"`
	User   LogUser   `json:"user"`
	Client LogClient `json:"client"`
	Amount float64   `json:"amount_cny"`
}

// LogUser identifies who caused a log entry.
type LogUser struct {
	Name        string `json:"name"`
	Email       string `json:"email"`
	PhoneNumber int64  `json:"phone_number"`
	CardNumber  string `json:"card_number,omitempty"`
}

// LogClient describes where a request came from.
type LogClient struct {
	IP        string `json:"ip"`
	UserAgent string `json:"user_agent"`
}

var (
	events     = []string{"login", "logout", "payment", "profile_update", "password_reset"}
	userAgents = []string{"aliyun-sdk-go/v2", "Mozilla/5.0 (X11; Linux x86_64)", "okhttp/4.12.0", "curl/8.5.0"}
)

// AccessLog returns a JSON Lines log of at least size bytes, one JSON object
// per line, and its entries in order. The same size always gives the same
// bytes.
func AccessLog(size int) ([]byte, []LogEntry) {
	r := rand.New(rand.NewPCG(2025, 10))
	start := time.Date(2025, 3, 1, 8, 0, 0, 0, time.UTC)
	var buf bytes.Buffer
	var entries []LogEntry
	for i := 1; buf.Len() < size; i++ {
		p := newPerson(r, i)
		digits := digitsOf(p.Phone)
		mobile, _ := strconv.ParseInt(digits[len(digits)-11:], 10, 64) // without the 86 of +86
		e := LogEntry{
			Time:  start.Add(time.Duration(i) * 1700 * time.Millisecond).Format(time.RFC3339Nano),
			Level: "info",
			Event: events[r.IntN(len(events))],
			User:  LogUser{Name: p.Name, Email: p.Email, PhoneNumber: mobile},
			Client: LogClient{
				IP:        fmt.Sprintf("10.%d.%d.%d", r.IntN(256), r.IntN(256), 1+r.IntN(254)),
				UserAgent: userAgents[r.IntN(len(userAgents))],
			},
		}
		if e.Event == "payment" {
			e.User.CardNumber = p.CardNumber
			e.Amount = float64(r.IntN(1_000_000)) / 100
		}
		if r.IntN(20) == 0 {
			e.Level = "warn"
		}
		line, err := json.Marshal(e)
		if err != nil {
			panic(err)
		}
		buf.Write(line)
		buf.WriteByte('\n')
		entries = append(entries, e)
	}
	return buf.Bytes(), entries
}

// withLuhn appends the Luhn check digit to the digits of prefix.
func withLuhn(prefix string) string {
	sum := 0
	for i := range len(prefix) {
		d := int(prefix[len(prefix)-1-i] - '0')
		if i%2 == 0 {
			// Doubled, because the check digit will be appended after it.
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return prefix + strconv.Itoa((10-sum%10)%10)
}

// idCheck returns the check character of the first 17 digits of a resident
// identity card number (GB 11643, ISO 7064 MOD 11-2).
func idCheck(first17 string) string {
	weights := [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i, w := range weights {
		sum += int(first17[i]-'0') * w
	}
	return string("10X98765432"[sum%11])
}

func lower(s string) string { return string(bytes.ToLower([]byte(s))) }

// digitsOf returns the ASCII digits of s.
func digitsOf(s string) string {
	var b []byte
	for i := range len(s) {
		if s[i] >= '0' && s[i] <= '9' {
			b = append(b, s[i])
		}
	}
	return string(b)
}
