package similar

import "strings"

// nicknameGroups are given names and the short forms people go by, one
// group per line: two first names in a group can be the same person.
const nicknameGroups = `
abigail abby abbie gail
albert al bert bertie
alexander alex alec sandy xander
alexandra alex sandra sandy lexi
andrew andy drew
anthony tony
barbara barb babs
benjamin ben benny benji
catherine katherine kathryn cathy kathy kate katie cat kat
charles charlie chuck chas
christopher chris kit topher
christine christina chris tina chrissy
daniel dan danny
david dave davey
deborah debbie deb debra
donald don donnie
dorothy dot dottie
edward ed eddie ted ned
elizabeth liz beth betty eliza lizzie libby betsy bess elisabeth
frances fran frankie
francis frank frankie
frederick fred freddie
gregory greg
henry harry hank
jacob jake
james jim jimmy jamie
jennifer jen jenny
jessica jess jessie
john jack johnny jon
jonathan jon jonny nathan
joseph joe joey jose
joshua josh
katherine kate katie kathy kat
kenneth ken kenny
lawrence larry laurence
leonard leo len lenny
margaret maggie meg peggy marge margie greta
matthew matt
michael mike mikey mick
nicholas nick nicky
nancy ann anne
patricia pat patty trish tricia
patrick pat paddy
peter pete
philip phil phillip
rebecca becky becca
richard rick dick rich richie ricky
robert bob rob bobby robbie bert
ronald ron ronnie
samantha sam sammy
samuel sam sammy
stephen steve stephan steven
susan sue susie suzanne
theodore ted teddy theo
thomas tom tommy
timothy tim timmy
victoria vicky tori
william bill will billy willy liam
`

// nicknames maps a folded first name to its groups.
var nicknames = func() map[string][]int32 {
	m := map[string][]int32{}
	for g, line := range strings.Split(strings.TrimSpace(nicknameGroups), "\n") {
		for _, n := range strings.Fields(line) {
			m[n] = append(m[n], int32(g))
		}
	}
	return m
}()

// Nicknames reports whether two folded first names are the same name in
// two forms (Bob and Robert, Bill and William).
func Nicknames(a, b string) bool {
	for _, g := range nicknames[a] {
		for _, h := range nicknames[b] {
			if g == h {
				return true
			}
		}
	}
	return false
}

// FirstNameKeys yields a folded first name's blocking forms: its phonetic
// code and each of its nickname groups, so Bob meets Robert.
func FirstNameKeys(folded string, yield func(string)) {
	if s := Soundex(folded); s != "" {
		yield(s)
	}
	for _, g := range nicknames[folded] {
		yield("#" + string(rune('A'+g%26)) + string(rune('A'+g/26)))
	}
}
