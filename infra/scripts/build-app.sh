#!/bin/sh
# Builds one app of the workspace. infra/Dockerfile and a rehearsal on a plain machine both run this
# script, so the two cannot build differently.
#
#   build-app.sh install <app>          install what the app needs to build, from the lockfile only
#   build-app.sh build <app> <outdir>   install, build, then copy the app's production files to <outdir>
#
# <outdir> receives dist/ and a package.json holding only the app's module "type", so that node reads
# the bundle the same way it does inside apps/<app>. The bundles need no node_modules.
set -eu

usage() {
  echo "usage: $0 install <web|client>" >&2
  echo "       $0 build <web|client> <outdir>" >&2
  exit 2
}

fail() {
  echo "build-app.sh: $*" >&2
  exit 1
}

# Paths, relative to apps/<app>, of everything the app needs at runtime.
production_paths() {
  case "$1" in
    web) echo 'dist/server dist/migrations dist/public' ;;
    client) echo 'dist' ;;
  esac
}

entry_point() {
  case "$1" in
    web) echo 'dist/server/index.js' ;;
    client) echo 'dist/index.js' ;;
  esac
}

install_dependencies() {
  # "<app>..." selects the app and the workspace packages it depends on, nothing else.
  pnpm install --frozen-lockfile --filter "$1..."
}

build_app() {
  pnpm --filter "$1" build
}

copy_production_files() {
  app=$1
  outdir=$2
  if [ -e "$outdir" ] && [ -n "$(ls -A "$outdir")" ]; then
    fail "$outdir is not empty; refusing to mix builds"
  fi
  mkdir -p "$outdir"
  for path in $(production_paths "$app"); do
    [ -e "apps/$app/$path" ] || fail "the build of $app did not produce $path"
    mkdir -p "$outdir/$(dirname "$path")"
    cp -R "apps/$app/$path" "$outdir/$path"
  done
  [ -f "$outdir/$(entry_point "$app")" ] || fail "entry point $(entry_point "$app") is missing"
  module_type=$(node -p "require('./apps/$app/package.json').type ?? 'commonjs'")
  printf '{ "type": "%s" }\n' "$module_type" >"$outdir/package.json"
}

command=${1:-}
app=${2:-}
case "$app" in
  web | client) ;;
  *) usage ;;
esac

if [ "$command" = build ]; then
  [ $# -eq 3 ] || usage
  case "$3" in
    /*) outdir=$3 ;;
    *) outdir="$PWD/$3" ;;
  esac
elif [ "$command" != install ] || [ $# -ne 2 ]; then
  usage
fi

cd "$(dirname "$0")/../.."

install_dependencies "$app"
if [ "$command" = build ]; then
  build_app "$app"
  copy_production_files "$app" "$outdir"
fi
