#!/usr/bin/env bash
# Builds cli/target/gf.jsa, the AppCDS archive bin/gf starts the JVM with: the classes gf's common
# commands load, already parsed and verified, so a command spends its time on its own work.
# Run by `mvnw package` (cli module); a failed or skipped archive only makes gf slower.
set -euo pipefail
target="$(cd "${1:?usage: cli-cds.sh CLI_TARGET_DIR}" && pwd)"
root="$(cd "$target/../.." && pwd)"
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
jar="$target/gf.jar"
archive="$target/gf.jsa"
rm -f "$archive"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# JDK 17 crashes dumping classes of a signed jar (JGit's): gf uses a copy without the signature.
python3 - "$target"/lib/org.eclipse.jgit-*.jar <<'PY'
import re, shutil, sys, zipfile
for path in sys.argv[1:]:
    with zipfile.ZipFile(path) as z:
        names = [n for n in z.namelist() if re.match(r"META-INF/[^/]+\.(SF|RSA|DSA|EC)$", n)]
        if not names:
            continue
        with zipfile.ZipFile(path + ".tmp", "w", zipfile.ZIP_DEFLATED) as out:
            for info in z.infolist():
                if info.filename not in names:
                    out.writestr(info, z.read(info.filename))
    shutil.move(path + ".tmp", path)
PY

# Training runs: a Git copy of the examples saved into a throw-away catalog.
lib="$work/lib"
cp -r "$root/examples/functions" "$lib"
git_() { git -C "$lib" -c user.name=cds -c user.email=cds@localhost "$@"; }
git_ init -q -b master && git_ add -A && git_ commit -qm training
export GF_HOME="$work/home" TZ=UTC LC_ALL=C.UTF-8
n=0
train() {
  n=$((n + 1))
  (cd "$lib" && "$java" -Xshare:auto -XX:DumpLoadedClassList="$work/$n.classes" -jar "$jar" "$@") \
    >/dev/null 2>&1 || true
}
train --help
train branch --json
train scan
train save --all
train list
train search mean
train describe Util.mean
train call Util.mean 'values:=[1,2]' --url http://127.0.0.1:9
train call Util.mean 'values:=[1,2]' --local
train gen Util.mean --to "$work/gen"
cat "$work"/*.classes | sort -u >"$work/classes"
"$java" -Xshare:dump -XX:SharedClassListFile="$work/classes" -XX:SharedArchiveFile="$archive" \
  -cp "$jar" >"$work/dump.log" 2>&1 || {
  echo "cli-cds: no archive (gf starts without it):" >&2
  tail -5 "$work/dump.log" >&2
  exit 0
}
