#!/usr/bin/env sh
# Renders every Graphviz source in docs/diagrams/ to an SVG beside it. Needs `dot`
# (Debian: apt-get install -y graphviz). Run after editing a .dot file and commit both.
set -eu
cd "$(dirname "$0")"
command -v dot >/dev/null 2>&1 || { echo "render.sh: Graphviz's dot is missing (apt-get install -y graphviz)" >&2; exit 1; }
for source in *.dot; do
  dot -Tsvg "$source" -o "${source%.dot}.svg"
  echo "rendered docs/diagrams/${source%.dot}.svg"
done
