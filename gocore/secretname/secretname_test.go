package secretname

import "testing"

func TestIsKeyAndIsPath(t *testing.T) {
	for key, want := range map[string]bool{
		"password": true, "DB_PASSWORD": true, "paſſword": true, "github_token": true, "api-key": true,
		"host": false, "": false, "pass": false, "keys": false,
	} {
		if got := IsKey(key); got != want {
			t.Errorf("IsKey(%q) = %v, want %v", key, got, want)
		}
	}
	if !IsPath([]string{"secrets", "a"}) || IsPath([]string{"db", "host"}) || IsPath(nil) {
		t.Error("IsPath")
	}
}

func TestWordEnd(t *testing.T) {
	for text, want := range map[string]int{
		"db.passwordHunter2": len("db.password"),
		"PASSWORD:x":         len("PASSWORD"),
		"a.paſſwordX":        len("a.paſſword"),
		"my_pwd_and_token":   len("my_pwd"),
		"db.host:5":          -1,
		"\xffpassword\xff":   len("\xffpassword"),
		"":                   -1,
	} {
		if got := WordEnd(text); got != want {
			t.Errorf("WordEnd(%q) = %d, want %d", text, got, want)
		}
	}
}

// The codecs ask about every key they read: an ASCII key costs no
// allocation.
func TestIsKeyDoesNotAllocateForASCII(t *testing.T) {
	if n := testing.AllocsPerRun(100, func() { IsKey("a_rather_long_database_hostname") }); n != 0 {
		t.Errorf("IsKey allocates %v times", n)
	}
}
