/**
 * Fake `terraform`, `bicep` and `az` executables for the IaC tests (the real
 * binaries are not installed on build machines, and nothing may be
 * downloaded). They really rewrite files the way the tools do for simple
 * inputs: terraform fmt re-indents blocks by two spaces and aligns the `=`
 * of consecutive attributes; bicep format re-indents by two spaces and
 * normalises the blanks around `=` and `:`. Every call's argv is appended to
 * `calls.log` beside the script.
 *
 * @module
 */

/** The awk program both formatters share: indent by braces, align or normalise. */
function _awk(align: boolean): string {
  return String.raw`
function flush(   i, k, pad) {
  for (i = 1; i <= n; i++) {
    if (${align ? 1 : 0} && keys[i] != "") {
      k = keys[i]; pad = sprintf("%-" max "s", k)
      out = out ind[i] pad " = " vals[i] "\n"
    } else out = out ind[i] raw[i] "\n"
  }
  n = 0; max = 0
}
{
  line = $0; sub(/^[ \t]+/, "", line); sub(/[ \t]+$/, "", line)
  if (line == "") { flush(); out = out "\n"; next }
  if (line ~ /^[}\]]/) { flush(); depth-- }
  if (depth < 0) { bad = NR; depth = 0 }
  indent = sprintf("%" (depth * 2) "s", "")
  key = ""; val = ""
  if (match(line, /^[A-Za-z0-9_"-]+[ \t]*=[ \t]*/) && line !~ /[{[]$/) {
    key = substr(line, 1, RLENGTH); sub(/[ \t]*=[ \t]*$/, "", key); val = substr(line, RLENGTH + 1)
  } else if (!${align ? 1 : 0}) {
    if (line !~ /[=!<>]=/) sub(/[ \t]*=[ \t]*/, " = ", line)
    if (line ~ /^[A-Za-z0-9_]+[ \t]*:/) sub(/[ \t]*:[ \t]*/, ": ", line)
  }
  if (key == "" || (n > 0 && ind[n] != indent)) flush()
  n++; ind[n] = indent; raw[n] = line; keys[n] = key; vals[n] = val
  if (key != "" && length(key) > max) max = length(key)
  if (key == "") flush()
  if (line ~ /[{[]$/) depth++
}
END { flush(); if (bad || depth != 0) exit 2; printf "%s", out }`;
}

/**
 * A fake `terraform`: `[-chdir=DIR] fmt [-check] [-diff] [-write=false]
 * [-list=false] [-recursive] [target...]`. Exit 3 when -check finds files to
 * format, 2 with a boxed `Error:` diagnostic on unbalanced braces, 0
 * otherwise. `validate` prints nothing and succeeds; `plan` does what
 * `FAKE_PLAN` says (`changes`, `error`, or no changes).
 */
export const FAKE_TERRAFORM = `#!/usr/bin/env bash
printf '%s\\n' "$(basename "$0") $*" >> "$(dirname "$0")/calls.log"
fmt_awk='${_awk(true).replaceAll("'", "'\\''")}'
while [[ "$1" == -* ]]; do case "$1" in -chdir=*) cd "\${1#-chdir=}" || exit 1 ;; esac; shift; done
cmd="$1"; shift
[ "$cmd" = validate ] && exit 0
if [ "$cmd" = plan ]; then
  # FAKE_PLAN: "changes" (exit 2 with -detailed-exitcode), "error" (a diagnostic, exit 1), else no changes.
  case "\${FAKE_PLAN:-}" in
    changes) echo "Plan: 1 to add, 0 to change, 0 to destroy."; [[ " $* " == *" -detailed-exitcode "* ]] && exit 2; exit 0 ;;
    error) printf '\\nError: Unsupported argument\\n\\n  on main.tf line 3, in resource "terraform_data" "x":\\n   3:   bogus = 1\\n\\nAn argument named "bogus" is not expected here.\\n' >&2; exit 1 ;;
    *) echo "No changes. Your infrastructure matches the configuration."; exit 0 ;;
  esac
fi
[ "$cmd" = fmt ] || { echo "fake terraform: unsupported command $cmd" >&2; exit 1; }
check=0; diff=0; write=1; list=1; rec=0; targets=()
for a in "$@"; do
  case "$a" in
    -check|--check|-check=true) check=1; write=0 ;;
    -diff|--diff|-diff=true) diff=1 ;;
    -write=false) write=0 ;;
    -list=false) list=0 ;;
    -recursive|--recursive) rec=1 ;;
    -*) ;;
    *) targets+=("$a") ;;
  esac
done
[ \${#targets[@]} -eq 0 ] && targets=(.)
files=()
for t in "\${targets[@]}"; do
  if [ -d "$t" ]; then
    depth=(-maxdepth 1); [ $rec = 1 ] && depth=()
    while IFS= read -r f; do files+=("\${f#./}"); done < <(find "$t" "\${depth[@]}" -name '*.tf' -not -path '*/.terraform/*' -type f | sort)
  else files+=("$t"); fi
done
status=0
for f in "\${files[@]}"; do
  if ! formatted=$(awk "$fmt_awk" "$f" && printf x); then
    printf '╷\\n│ Error: Invalid block definition\\n│\\n│   on %s line 1:\\n│\\n│ Unbalanced braces.\\n╵\\n' "$f" >&2
    status=2; continue
  fi
  formatted="\${formatted%x}"
  if ! printf '%s' "$formatted" | cmp -s - "$f"; then
    [ $list = 1 ] && echo "$f"
    [ $diff = 1 ] && printf '%s' "$formatted" | diff -u --label "old/$f" --label "new/$f" "$f" -
    [ $write = 1 ] && printf '%s' "$formatted" > "$f"
    [ $check = 1 ] && [ $status = 0 ] && status=3
  fi
done
exit $status
`;

/** The bicep formatter body shared by the `bicep` and `az` fakes. */
const _BICEP_FORMAT = `
stdout=0; outfile=""; file=""
while [ $# -gt 0 ]; do
  case "$1" in
    --stdout) stdout=1 ;;
    --outfile) outfile="$2"; shift ;;
    --outfile=*) outfile="\${1#--outfile=}" ;;
    --file|-f) file="$2"; shift ;;
    -*) ;;
    *) file="$1" ;;
  esac
  shift
done
formatted=$(awk "$fmt_awk" "$file" && printf x) || { echo "$file(1,1) : Error BCP018: Expected the \\"}\\" character at this location." >&2; exit 1; }
formatted="\${formatted%x}"
if [ $stdout = 1 ]; then printf '%s' "$formatted"
elif [ -n "$outfile" ]; then printf '%s' "$formatted" > "$outfile"
else printf '%s' "$formatted" > "$file"; fi
`;

/** A fake `bicep`: `format [--stdout] [--outfile F] FILE`; `build` succeeds silently. */
export const FAKE_BICEP = `#!/usr/bin/env bash
printf '%s\\n' "$(basename "$0") $*" >> "$(dirname "$0")/calls.log"
fmt_awk='${_awk(false).replaceAll("'", "'\\''")}'
cmd="$1"; shift
[ "$cmd" = build ] && exit 0
[ "$cmd" = format ] || { echo "fake bicep: unsupported command $cmd" >&2; exit 1; }
${_BICEP_FORMAT}`;

/** A fake `az` that only knows `bicep format`. */
export const FAKE_AZ = `#!/usr/bin/env bash
printf '%s\\n' "$(basename "$0") $*" >> "$(dirname "$0")/calls.log"
fmt_awk='${_awk(false).replaceAll("'", "'\\''")}'
[ "$1 $2" = "bicep format" ] || { echo "fake az: unsupported command $*" >&2; exit 2; }
shift 2
${_BICEP_FORMAT}`;
