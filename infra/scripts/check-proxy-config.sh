#!/bin/sh
# Runs `nginx -t` on infra/proxy/default.conf, wrapped in a main configuration shaped like the one
# of nginxinc/nginx-unprivileged (the conf.d file is included inside its http block).
#
#   check-proxy-config.sh [config]   default: infra/proxy/default.conf
#
# Needs an nginx binary: NGINX_BIN=/path/to/nginx, or nginx on PATH (Debian: apt-get install nginx).
# Not NGINX: nginx itself reads that variable, as a list of inherited sockets.
set -eu

nginx=${NGINX_BIN:-nginx}
command -v "$nginx" >/dev/null 2>&1 || {
  echo "check-proxy-config.sh: no nginx binary (set NGINX_BIN or install nginx)" >&2
  exit 2
}

config=$(realpath "${1:-$(dirname "$0")/../proxy/default.conf}")
prefix=$(mktemp -d)
trap 'rm -rf "$prefix"' EXIT

cat >"$prefix/nginx.conf" <<CONF
worker_processes 1;
pid $prefix/nginx.pid;
error_log stderr;
events {}
http {
  access_log off;
  client_body_temp_path $prefix/client_temp;
  proxy_temp_path $prefix/proxy_temp;
  fastcgi_temp_path $prefix/fastcgi_temp;
  uwsgi_temp_path $prefix/uwsgi_temp;
  scgi_temp_path $prefix/scgi_temp;
  include $config;
}
CONF

# -e: nginx opens its error log before reading any configuration; the compiled-in one may not be writable.
"$nginx" -t -q -e stderr -p "$prefix" -c "$prefix/nginx.conf"
echo "nginx -t: $config is valid for $("$nginx" -v 2>&1)"
