// Renders a listmonk campaign export for sample subscribers the way listmonk does, with Go's
// html/template and the Sprig functions listmonk registers. Read from stdin: {"campaign": <POST
// /api/campaigns body>, "template": <campaign template body>, "subscribers": [{"uuid", "email", "name"}]};
// written to stdout: per subscriber {"subject", "body", "altbody"}.
//
// Following listmonk (https://github.com/knadh/listmonk, AGPL-3.0): models/common.go regTplFuncs,
// models/campaigns.go CompileTemplate, models/subscribers.go FirstName, internal/manager/manager.go
// TemplateFuncs and makeGnericFuncMap (tracking disabled, as with DisableTracking: Sprig's
// GenericFuncMap without env, expandenv and getHostByName), cmd/init.go's URL formats. Sprig itself
// (github.com/Masterminds/sprig/v3, MIT) comes from Debian's golang-github-masterminds-sprig-dev.
package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html/template"
	"os"
	"regexp"
	"strings"
	txttpl "text/template"
	"time"

	"github.com/Masterminds/sprig/v3"
)

const root = "https://lists.example.com"

type Subscriber struct {
	UUID  string `json:"uuid"`
	Email string `json:"email"`
	Name  string `json:"name"`
}

// FirstName: the first chunk of the name longer than 2 characters (models/subscribers.go).
func (s Subscriber) FirstName() string {
	for _, s := range strings.Split(s.Name, " ") {
		if len(s) > 2 {
			return s
		}
	}
	return s.Name
}

type Campaign struct {
	UUID    string `json:"uuid"`
	Name    string `json:"name"`
	Subject string `json:"subject"`
	Body    string `json:"body"`
	AltBody string `json:"altbody"`
}

type CampaignMessage struct {
	Campaign   *Campaign
	Subscriber Subscriber
}

type regTplFunc struct {
	regExp  *regexp.Regexp
	replace string
}

var regTplFuncs = []regTplFunc{
	{regexp.MustCompile(`{{\s*TrackLink\s+"([^"]+)"\s*}}`), `{{ TrackLink "$1" . }}`},
	{regexp.MustCompile(`(https?://[\p{L}\p{N}_\-\.~!#$&'()*+,/:;=?@\[\]%]*)@TrackLink`), `{{ TrackLink "$1" . }}`},
	{regexp.MustCompile(`{{(\s+)?(TrackView|UnsubscribeURL|ManageURL|OptinURL|MessageURL)(\s+)?}}`), `{{ $2 . }}`},
}

func rewrite(s string) string {
	for _, r := range regTplFuncs {
		s = r.regExp.ReplaceAllString(s, r.replace)
	}
	return s
}

func hasTplExpr(s string) bool {
	_, after, ok := strings.Cut(s, "{{")
	return ok && strings.Contains(after, "}}")
}

func funcs(c *Campaign) template.FuncMap {
	f := template.FuncMap{
		"TrackLink": func(url string, msg *CampaignMessage) string { return url },
		"TrackView": func(msg *CampaignMessage) template.HTML { return template.HTML("") },
		"UnsubscribeURL": func(msg *CampaignMessage) string {
			return fmt.Sprintf(root+"/subscription/%s/%s", c.UUID, msg.Subscriber.UUID)
		},
		"ManageURL": func(msg *CampaignMessage) string {
			return fmt.Sprintf(root+"/subscription/%s/%s", c.UUID, msg.Subscriber.UUID) + "?manage=true"
		},
		"OptinURL": func(msg *CampaignMessage) string {
			return fmt.Sprintf(root+"/subscription/optin/%s?%s", msg.Subscriber.UUID, "")
		},
		"MessageURL": func(msg *CampaignMessage) string {
			return fmt.Sprintf(root+"/campaign/%s/%s", c.UUID, msg.Subscriber.UUID)
		},
		"ArchiveURL": func() string { return root + "/archive" },
		"RootURL":    func() string { return root },
		"Date": func(layout string) string {
			if layout == "" {
				layout = time.ANSIC
			}
			return time.Now().Format(layout)
		},
		"L":    func() interface{} { return nil },
		"Safe": func(safeHTML string) template.HTML { return template.HTML(safeHTML) },
	}
	generic := sprig.GenericFuncMap()
	delete(generic, "env")
	delete(generic, "expandenv")
	delete(generic, "getHostByName")
	for name, function := range generic {
		if _, own := f[name]; !own { // listmonk's own functions first (TemplateFuncs), Sprig's beside them
			f[name] = function
		}
	}
	return f
}

// campaignRequest: the JSON fields listmonk's POST /api/campaigns decodes (cmd/campaigns.go campReq:
// models.Campaign's fields, lists, media, subscribers), with their Go types; an unknown field is an error.
type campaignRequest struct {
	UUID              string              `json:"uuid"`
	Type              string              `json:"type"`
	Name              string              `json:"name"`
	Subject           string              `json:"subject"`
	FromEmail         string              `json:"from_email"`
	Body              string              `json:"body"`
	BodySource        *string             `json:"body_source"`
	AltBody           *string             `json:"altbody"`
	SendAt            *time.Time          `json:"send_at"`
	Status            string              `json:"status"`
	ContentType       string              `json:"content_type"`
	Tags              []string            `json:"tags"`
	Headers           []map[string]string `json:"headers"`
	Attribs           map[string]any      `json:"attribs"`
	TemplateID        *int                `json:"template_id"`
	Messenger         string              `json:"messenger"`
	Archive           bool                `json:"archive"`
	ArchiveSlug       *string             `json:"archive_slug"`
	ArchiveTemplateID *int                `json:"archive_template_id"`
	ArchiveMeta       json.RawMessage     `json:"archive_meta"`
	ListIDs           []int               `json:"lists"`
	MediaIDs          []int               `json:"media"`
	SubscriberEmails  []string            `json:"subscribers"`
}

type input struct {
	Campaign    json.RawMessage `json:"campaign"`
	Template    string          `json:"template"`
	Subscribers []Subscriber    `json:"subscribers"`
}

func main() {
	var in input
	if err := json.NewDecoder(os.Stdin).Decode(&in); err != nil {
		fail(err)
	}
	strict := json.NewDecoder(bytes.NewReader(in.Campaign))
	strict.DisallowUnknownFields()
	var request campaignRequest
	check(strict.Decode(&request))
	c := &Campaign{}
	check(json.Unmarshal(in.Campaign, c))
	c.UUID = "c0ffee00-0000-4000-8000-000000000001"
	f := funcs(c)
	base, err := template.New("base").Funcs(f).Parse(rewrite(in.Template))
	check(err)
	msg, err := template.New("content").Funcs(f).Parse(rewrite(c.Body))
	check(err)
	tpl, err := base.AddParseTree("content", msg.Tree)
	check(err)
	var subj *txttpl.Template
	if hasTplExpr(c.Subject) {
		subj, err = txttpl.New("content").Funcs(txttpl.FuncMap(f)).Parse(rewrite(c.Subject))
		check(err)
	}
	var alt *template.Template
	if hasTplExpr(c.AltBody) {
		alt, err = template.New("content").Funcs(f).Parse(rewrite(c.AltBody))
		check(err)
	}
	out := []map[string]string{}
	for _, s := range in.Subscribers {
		m := &CampaignMessage{Campaign: c, Subscriber: s}
		r := map[string]string{"subject": c.Subject, "altbody": c.AltBody}
		var b bytes.Buffer
		check(tpl.ExecuteTemplate(&b, "base", m))
		r["body"] = b.String()
		if subj != nil {
			b.Reset()
			check(subj.ExecuteTemplate(&b, "content", m))
			r["subject"] = b.String()
		}
		if alt != nil {
			b.Reset()
			check(alt.ExecuteTemplate(&b, "content", m))
			r["altbody"] = b.String()
		}
		out = append(out, r)
	}
	check(json.NewEncoder(os.Stdout).Encode(out))
}

func check(err error) {
	if err != nil {
		fail(err)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, err)
	os.Exit(1)
}
