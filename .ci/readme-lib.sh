# Sourced by the .ci/readme-*.sh and three-terminals scripts: reading README.md's commands as written.

# readme_blocks FILE HEADING: every ```bash block of the "## HEADING..." section (until the next "## "),
# each line prefixed with its block's number and a tab.
readme_blocks() {
  awk -v heading="## $2" '
    index($0, heading) == 1 { insec = 1; next }
    insec && /^## / { exit }
    insec && !inblk && /^```bash[[:space:]]*$/ { n++; inblk = 1; next }
    inblk && /^```[[:space:]]*$/ { inblk = 0; next }
    inblk { print n "\t" $0 }
  ' "$1"
}

# readme_block_with FILE HEADING TEXT: the first bash block of that section that contains TEXT (fails if none).
readme_block_with() {
  local blocks n
  blocks="$(readme_blocks "$1" "$2")"
  n="$(printf '%s\n' "$blocks" | awk -F'\t' -v t="$3" 'index($0, t) { print $1; exit }')"
  if [[ -z "$n" ]]; then
    echo "README.md: no bash block containing '$3' in the section '## $2'" >&2
    return 1
  fi
  printf '%s\n' "$blocks" | awk -F'\t' -v n="$n" '$1 == n { sub(/^[0-9]+\t/, ""); print }'
}

# fresh_clone DIR: a clone of this repository's committed HEAD, as a user gets it (no target/, no local edits).
fresh_clone() {
  local root
  root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
  git clone -q "$root" "$1"
}
