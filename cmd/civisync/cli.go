package main

import (
	_ "embed"
	"fmt"
	"runtime/debug"
	"strings"

	"github.com/urfave/cli/v2"
)

// version is the module's version when built with `go install …@vX`, else
// the commit it was built from (with +dirty for uncommitted changes).
func version() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown"
	}
	v := info.Main.Version
	if v != "" && v != "(devel)" {
		return v
	}
	var rev, at string
	dirty := false
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.time":
			at = s.Value
		case "vcs.modified":
			dirty = s.Value == "true"
		}
	}
	if rev == "" {
		return "devel (" + info.GoVersion + ")"
	}
	if len(rev) > 12 {
		rev = rev[:12]
	}
	if dirty {
		rev += "+dirty"
	}
	if at != "" {
		rev += " " + at
	}
	return "devel " + rev + " (" + info.GoVersion + ")"
}

// envVar is the environment variable a flag reads: CIVISYNC_ and its name
// in capitals, - as _ (--uf-match: CIVISYNC_UF_MATCH).
func envVar(flag string) string {
	return "CIVISYNC_" + strings.ToUpper(strings.ReplaceAll(flag, "-", "_"))
}

func envVars(flag string) []string { return []string{envVar(flag)} }

// withEnvVars gives every flag its CIVISYNC_ variable; help shows it.
// Hidden flags (profiling) are left to the command line.
func withEnvVars(flags []cli.Flag) {
	for _, f := range flags {
		name := f.Names()[0]
		switch f := f.(type) {
		case *cli.StringFlag:
			if !f.Hidden && f.EnvVars == nil {
				f.EnvVars = envVars(name)
			}
		case *cli.BoolFlag:
			if !f.Hidden && f.EnvVars == nil {
				f.EnvVars = envVars(name)
			}
		case *cli.Int64Flag:
			if !f.Hidden && f.EnvVars == nil {
				f.EnvVars = envVars(name)
			}
		case *cli.StringSliceFlag:
			if !f.Hidden && f.EnvVars == nil {
				f.EnvVars = envVars(name)
			}
		}
	}
}

// The shell scripts ask civisync itself for the words that may come next
// (urfave/cli's --generate-bash-completion), so they never go stale. When
// nothing is offered (a flag's FILE), the shell completes file names.
const bashCompletion = `# civisync completion for bash: source <(civisync completion bash)
_civisync_complete() {
  local cur="${COMP_WORDS[COMP_CWORD]}" opts
  local words=("${COMP_WORDS[@]:0:COMP_CWORD}")
  if [[ "$cur" == -* ]]; then
    opts=$("${words[@]}" "$cur" --generate-bash-completion 2>/dev/null)
  else
    opts=$("${words[@]}" --generate-bash-completion 2>/dev/null)
  fi
  COMPREPLY=($(compgen -W "${opts}" -- "$cur"))
}
complete -o bashdefault -o default -F _civisync_complete civisync
`

const zshCompletion = `#compdef civisync
# civisync completion for zsh: civisync completion zsh > "${fpath[1]}/_civisync"
_civisync() {
  local -a opts
  local cur=${words[CURRENT]}
  if [[ "$cur" == -* ]]; then
    opts=("${(@f)$(${words[@]:0:CURRENT-1} $cur --generate-bash-completion 2>/dev/null)}")
  else
    opts=("${(@f)$(${words[@]:0:CURRENT-1} --generate-bash-completion 2>/dev/null)}")
  fi
  if [[ "${opts[1]}" != "" ]]; then
    _describe 'values' opts
  else
    _files
  fi
}
if [[ "$funcstack[1]" == "_civisync" ]]; then
  _civisync "$@"
else
  compdef _civisync civisync
fi
`

func completionCommand() *cli.Command {
	return &cli.Command{
		Name:      "completion",
		Usage:     "print a shell completion script: bash, zsh or fish",
		UsageText: "civisync completion bash|zsh|fish",
		ArgsUsage: "SHELL",
		Description: "bash:  source <(civisync completion bash)       (or save it in /etc/bash_completion.d/civisync)\n" +
			"zsh:   civisync completion zsh > \"${fpath[1]}/_civisync\"\n" +
			"fish:  civisync completion fish > ~/.config/fish/completions/civisync.fish",
		Action: func(c *cli.Context) error {
			if c.Args().Len() != 1 {
				return usagef("completion takes one SHELL: bash, zsh or fish")
			}
			switch sh := c.Args().First(); sh {
			case "bash":
				_, err := fmt.Fprint(c.App.Writer, bashCompletion)
				return err
			case "zsh":
				_, err := fmt.Fprint(c.App.Writer, zshCompletion)
				return err
			case "fish":
				script, err := c.App.ToFishCompletion()
				if err != nil {
					return err
				}
				_, err = fmt.Fprint(c.App.Writer, script)
				return err
			default:
				return usagef("completion %q: want bash, zsh or fish", sh)
			}
		},
	}
}

// completing is true for a shell's completion request.
func completing(args []string) bool {
	return len(args) > 1 && args[len(args)-1] == "--generate-bash-completion"
}

// refuseStdout: a run writes a folder of files, which standard output
// cannot hold.
func refuseStdout(c *cli.Context) error {
	if c.String("out") == "-" {
		return usagef("--out -: the outputs are a folder of files and cannot go to standard output; give a folder (civisync extract writes one table to standard output)")
	}
	return nil
}
