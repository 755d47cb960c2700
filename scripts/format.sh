#!/usr/bin/env bash
# Rewrite the sources with the OCA's formatters, as its pre-commit hooks would,
# from the tools scripts/setup.sh installed (works offline):
#   - prettier with @prettier/plugin-xml and the OCA's options
#     (prettier.config.cjs) on the XML, JS, SCSS, CSS, JSON and YAML files
#     git tracks, less the ones .pre-commit-config.yaml excludes;
#   - then each add-on's README.rst and index.html (scripts/gen_readme.py).
#
# Usage: scripts/format.sh            prettier, then the READMEs
#        scripts/format.sh --readme   the READMEs only
#        scripts/format.sh --check    write nothing; exit 1 if prettier would
#                                     change a file (the lint runs this)
set -euo pipefail
# shellcheck source=scripts/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

MODE=write
case "${1:-}" in
"") ;;
--readme) MODE=readme ;;
--check) MODE=check ;;
*) die "unknown argument: $1 (see header of $0)" ;;
esac

mapfile -t ADDON_DIRS < <(echo "$MODULE_DIR"; for m in $(extra_modules); do echo "$ADDONS_DIR/$m"; done)

# The files the OCA's prettier hook would format, as paths from the top.
prettier_files() {
    git -C "$REPO_ROOT" ls-files -- \
        '*.css' '*.htm' '*.html' '*.js' '*.json' '*.jsx' '*.less' '*.md' \
        '*.scss' '*.toml' '*.ts' '*.xml' '*.yaml' '*.yml' |
        grep -Ev '/static/description/index\.html$|\.svg$|/tests/([^/]+/)?cassettes/|/static/(src/)?lib/|readme/.*\.(rst|md)$|^README\.md$|^docs/|/build/|/dist/|/tests/samples/|(^|/)(LICENSE|COPYING)' ||
        true
}

if [ "$MODE" != readme ]; then
    [ -x "$PRETTIER" ] || die "prettier is missing from $NPM_DIR: run scripts/setup.sh"
    mapfile -t files < <(prettier_files)
    cd "$REPO_ROOT"
    # The plugin is resolved from prettier.config.cjs through NODE_PATH.
    if [ "$MODE" = check ]; then
        NODE_PATH="$NPM_DIR/node_modules" "$PRETTIER" --check --log-level=warn \
            --ignore-unknown "${files[@]}" ||
            die "prettier would reformat the files above: run scripts/format.sh (make format)"
        exit 0
    fi
    log "prettier on ${#files[@]} files"
    NODE_PATH="$NPM_DIR/node_modules" "$PRETTIER" --write --list-different --ignore-unknown "${files[@]}" || true
fi
"$PYTHON" "$REPO_ROOT/scripts/gen_readme.py" "${ADDON_DIRS[@]}"
