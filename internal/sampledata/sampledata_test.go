package sampledata

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"image"
	_ "image/jpeg"
	_ "image/png"
	"strings"
	"testing"
)

func TestPhotosDecode(t *testing.T) {
	for _, p := range Photos() {
		img, format, err := image.Decode(bytes.NewReader(p.Data))
		if err != nil {
			t.Errorf("%s: %v", p.Name, err)
			continue
		}
		if format != p.Format || img.Bounds().Dx() != p.Width || img.Bounds().Dy() != p.Height {
			t.Errorf("%s: %s %v, want %s %dx%d", p.Name, format, img.Bounds(), p.Format, p.Width, p.Height)
		}
	}
}

func TestPeopleCSV(t *testing.T) {
	data, people := PeopleCSV(200_000)
	again, _ := PeopleCSV(200_000)
	if !bytes.Equal(data, again) {
		t.Error("two calls with the same size gave different bytes")
	}
	if len(data) < 200_000 {
		t.Errorf("%d bytes, want at least 200000", len(data))
	}

	records, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(records) != len(people)+1 || strings.Join(records[0], ",") != strings.Join(CSVHeader, ",") {
		t.Fatalf("%d records with header %v, want %d with %v", len(records), records[0], len(people)+1, CSVHeader)
	}
	for i, p := range people {
		if got := strings.Join(records[i+1], ","); got != strings.Join(p.Record(), ",") {
			t.Fatalf("row %d = %s, want %v", i+1, got, p.Record())
		}
		if !validLuhn(digitsOf(p.CardNumber)) {
			t.Errorf("card number %s fails the Luhn check", p.CardNumber)
		}
		if len(p.IDNumber) != 18 || idCheck(p.IDNumber[:17]) != p.IDNumber[17:] {
			t.Errorf("identity card number %s has a wrong check character", p.IDNumber)
		}
		if d := digitsOf(p.Phone); d[len(d)-11] != '1' {
			t.Errorf("phone %s is not a mobile number", p.Phone)
		}
	}
}

func TestAccessLog(t *testing.T) {
	data, entries := AccessLog(50_000)
	lines := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
	if len(lines) != len(entries) {
		t.Fatalf("%d lines for %d entries", len(lines), len(entries))
	}
	for i, line := range lines {
		var e LogEntry
		if err := json.Unmarshal([]byte(line), &e); err != nil {
			t.Fatalf("line %d: %v", i+1, err)
		}
		if e != entries[i] {
			t.Errorf("line %d = %+v, want %+v", i+1, e, entries[i])
		}
		if e.User.PhoneNumber < 13_000_000_000 || e.User.PhoneNumber > 19_999_999_999 {
			t.Errorf("line %d: phone number %d is not a mobile number", i+1, e.User.PhoneNumber)
		}
	}
}

// validLuhn checks a Luhn check digit independently of withLuhn.
func validLuhn(digits string) bool {
	sum := 0
	for i := range len(digits) {
		d := int(digits[len(digits)-1-i] - '0')
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
