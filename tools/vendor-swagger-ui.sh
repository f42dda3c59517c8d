#!/usr/bin/env bash
# Vendors Swagger UI (npm package swagger-ui-dist, Apache-2.0) into docs/reference/swagger-ui/:
# the files the /docs page serves, compiled into the binary (lib/api/CMakeLists.txt). The build
# needs neither node nor the network; only this script does, when the pinned version changes.
#   tools/vendor-swagger-ui.sh
# Fetches the pinned tarball with `npm pack`, checks it against the pinned sha512 (the
# registry's `dist.integrity`) before unpacking anything, copies the bundle, its stylesheet and
# the licence files, drops the source-map comments (no .map is shipped, so a browser with
# devtools open would ask for one and get a 404), and writes VENDORED.md with the checksums.
# To move to another version: change VERSION, set INTEGRITY to `npm view
# swagger-ui-dist@VERSION dist.integrity`, run this, review and commit the folder.
set -euo pipefail
cd "$(dirname "$0")/.."
NAME=swagger-ui-dist
VERSION=5.36.0
INTEGRITY=sha512-Lt6/Kb0gXmLdiabLhvso4VdJP9V7qJWB0zh0gzeXUV3+CMOTzMmvpJRSXN7EAjfwixwmoi9ezDbLHiexC7lA9A==
# The bundle's third-party licences are in swagger-ui-bundle.js.LICENSE.txt (its first line points there).
FILES=(swagger-ui-bundle.js swagger-ui.css LICENSE NOTICE swagger-ui-bundle.js.LICENSE.txt)
dest=docs/reference/swagger-ui

# Node's own CA list may not know a CA this machine trusts (a TLS-inspecting proxy's).
if [ -z "${NODE_EXTRA_CA_CERTS:-}" ] && [ -f /etc/ssl/certs/ca-certificates.crt ]; then
  export NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt
fi
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent --ignore-scripts "$NAME@$VERSION" >/dev/null)
tarball="$tmp/$NAME-$VERSION.tgz"
[ -f "$tarball" ] || { echo "npm pack did not produce $tarball" >&2; exit 1; }
got="sha512-$(openssl dgst -sha512 -binary "$tarball" | base64 -w0)"
if [ "$got" != "$INTEGRITY" ]; then
  echo "integrity mismatch for $NAME@$VERSION:" >&2
  echo "  pinned $INTEGRITY" >&2
  echo "  got    $got" >&2
  exit 1
fi
tar_sha256="$(sha256sum "$tarball" | cut -d' ' -f1)"
mkdir "$tmp/x"
tar -xzf "$tarball" -C "$tmp/x" --no-same-owner --no-same-permissions
src="$tmp/x/package"
[ "$(node -p "require('$src/package.json').version" 2>/dev/null || grep -o '"version": *"[^"]*"' "$src/package.json" | cut -d'"' -f4)" = "$VERSION" ] \
  || { echo "the tarball's package.json is not version $VERSION" >&2; exit 1; }

rm -rf "$dest"
mkdir -p "$dest"
copied=()
for f in "${FILES[@]}"; do
  [ -f "$src/$f" ] || { [ "$f" = NOTICE ] && continue; echo "$f is missing from the tarball" >&2; exit 1; }
  case "$f" in
    # A `//# sourceMappingURL=` (JS) or `/*# sourceMappingURL= */` (CSS) line: drop it.
    *.js | *.css) grep -v '^[/][/*]# sourceMappingURL=' "$src/$f" > "$dest/$f" ;;
    *) cp "$src/$f" "$dest/$f" ;;
  esac
  chmod 644 "$dest/$f"
  copied+=("$f")
done
if grep -l 'sourceMappingURL=' "$dest"/*.js "$dest"/*.css; then
  echo "a sourceMappingURL is left in the files above" >&2
  exit 1
fi

{
  echo "# Vendored: Swagger UI"
  echo
  echo "Written by tools/vendor-swagger-ui.sh; do not edit by hand (run the script instead)."
  echo "The /docs page (docs/reference/index.html, init.js) loads these files; they are compiled"
  echo "into mixtaped (lib/api/CMakeLists.txt), so the page works offline and the build needs no node."
  echo
  echo "| | |"
  echo "| --- | --- |"
  echo "| package | \`$NAME\` (npm) |"
  echo "| version | $VERSION |"
  echo "| licence | Apache-2.0 (LICENSE$( [ -f "$dest/NOTICE" ] && echo ", NOTICE"); the bundled libraries' licences: swagger-ui-bundle.js.LICENSE.txt) |"
  echo "| tarball | \`$NAME-$VERSION.tgz\` |"
  echo "| tarball integrity (checked) | \`$INTEGRITY\` |"
  echo "| tarball sha256 | \`$tar_sha256\` |"
  echo
  echo "Changes: any \`sourceMappingURL\` comment line is removed from the .js and .css (no .map is"
  echo "shipped). Nothing else is changed."
  echo
  echo "| file | sha256 (as committed) |"
  echo "| --- | --- |"
  for f in "${copied[@]}"; do
    echo "| $f | \`$(sha256sum "$dest/$f" | cut -d' ' -f1)\` |"
  done
} > "$dest/VENDORED.md"
echo "vendored $NAME@$VERSION into $dest: ${copied[*]}"
