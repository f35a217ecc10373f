#!/usr/bin/env bash
# update.sh re-downloads the vendored GraphiQL assets from the npm registry with `npm pack` at the pinned
# versions below, copies only the built files the playground serves (and the licences), and checks them
# against the SHA-256 sums recorded in SHA256SUMS. To move to new versions: change the pins, run
# `./update.sh --accept`, review the diff (README.md lists the versions too), and commit.
set -euo pipefail

GRAPHIQL_VERSION=3.8.3
REACT_VERSION=18.3.1
REACT_DOM_VERSION=18.3.1

here="$(cd "$(dirname "$0")" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

cd "$work"
npm pack --silent "graphiql@${GRAPHIQL_VERSION}" "react@${REACT_VERSION}" "react-dom@${REACT_DOM_VERSION}" >/dev/null
for pkg in "graphiql-${GRAPHIQL_VERSION}" "react-${REACT_VERSION}" "react-dom-${REACT_DOM_VERSION}"; do
  mkdir -p "$pkg"
  tar -xzf "$pkg.tgz" -C "$pkg"
done

install -m 0644 "graphiql-${GRAPHIQL_VERSION}/package/graphiql.min.js" "$here/graphiql.min.js"
install -m 0644 "graphiql-${GRAPHIQL_VERSION}/package/graphiql.min.css" "$here/graphiql.min.css"
install -m 0644 "react-${REACT_VERSION}/package/umd/react.production.min.js" "$here/react.production.min.js"
install -m 0644 "react-dom-${REACT_DOM_VERSION}/package/umd/react-dom.production.min.js" "$here/react-dom.production.min.js"
install -m 0644 "graphiql-${GRAPHIQL_VERSION}/package/LICENSE" "$here/LICENSE.graphiql"
install -m 0644 "react-${REACT_VERSION}/package/LICENSE" "$here/LICENSE.react"
install -m 0644 "react-dom-${REACT_DOM_VERSION}/package/LICENSE" "$here/LICENSE.react-dom"

cd "$here"
if [[ "${1:-}" == "--accept" ]]; then
  sha256sum graphiql.min.js graphiql.min.css react.production.min.js react-dom.production.min.js >SHA256SUMS
  echo "updated; new sums written to SHA256SUMS"
else
  sha256sum --check SHA256SUMS
fi
