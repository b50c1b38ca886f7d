#!/usr/bin/env bash
# Builds what makes `gf` start fast, from one training run over gf's common commands:
#  - cli/target/gf.aot: the AOT cache (JDK 25+, JEPs 483/514/515: classes loaded and linked,
#    method profiles) for the first JDK 25+ found (scripts/gf-jdk.sh); its java is recorded in
#    cli/target/gf.aot.java, and bin/gf runs gf on that java with that cache;
#  - cli/target/gf.jsa: the AppCDS archive for the default java, which bin/gf uses otherwise.
# Run by `mvnw package` (cli module); a failed or skipped archive only makes gf slower.
set -euo pipefail
target="$(cd "${1:?usage: cli-cds.sh CLI_TARGET_DIR}" && pwd)"
root="$(cd "$target/../.." && pwd)"
# shellcheck source=scripts/gf-jdk.sh
. "$root/scripts/gf-jdk.sh"
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
jar="$target/gf.jar"
rm -f "$target/gf.jsa" "$target/gf.aot" "$target/gf.aot.java"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# JDK 17 crashes dumping classes of a signed jar (JGit's) and JDK 25 leaves them out of its cache:
# gf uses a copy without the signature.
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

# The training: a Git copy of the examples saved into a throw-away catalog, then the commands
# people run every day, each line one gf command line (tab-separated), run in one JVM by
# io.globalfunc.cli.AotTraining ({runtime}: its loopback stand-in for a runtime's /gfgo/).
lib="$work/lib"
cp -r "$root/examples/functions" "$lib"
git_() { git -C "$lib" -c user.name=cds -c user.email=cds@localhost "$@"; }
git_ init -q -b master && git_ add -A && git_ commit -qm training
export GF_HOME="$work/home" TZ=UTC LC_ALL=C.UTF-8
tr ' ' '\t' >"$work/commands" <<'EOF'
--help
--version
branch --json
branch
scan
save --all
list
list --json
search mean
search 时间戳
describe Util.mean
call Util.mean values:=[1,2] --url {runtime}
call Util.mean values:=[1,2,3] --url {runtime}
call Util.mean values:=[1,2] --local
gen Util.mean --to WORK/gen
map Util.mean --input WORK/items.jsonl --output WORK/map-url.jsonl --url {runtime}
map Util.mean --input WORK/items.jsonl --output WORK/map-redis.jsonl --redis redis://127.0.0.1:9
list
search mean
branch
EOF
sed -i "s|WORK|$work|" "$work/commands"
for i in $(seq 1 200); do echo "{\"values\": [$i, 2]}"; done >"$work/items.jsonl"
train() { (cd "$lib" && "$@" -cp "$jar" io.globalfunc.cli.AotTraining "$work/commands"); }

# AppCDS for the default java: the classes the training loads, archived.
if train "$java" -Xshare:auto -XX:DumpLoadedClassList="$work/classes" >"$work/train.log" 2>&1 &&
  "$java" -Xshare:dump -XX:SharedClassListFile="$work/classes" \
    -XX:SharedArchiveFile="$target/gf.jsa" -cp "$jar" >"$work/dump.log" 2>&1; then
  :
else
  echo "cli-cds: no AppCDS archive (gf starts without it):" >&2
  tail -5 "$work/train.log" "$work/dump.log" >&2 2>/dev/null || true
  rm -f "$target/gf.jsa"
fi

# AOT cache for a JDK 25+, trained with the flags bin/gf runs it with (gf_aot_flags).
aot_java="$(gf_aot_java || true)"
if [ -z "$aot_java" ]; then
  echo "cli-cds: no JDK 25+ found (GF_JAVA, JAVA_HOME, /usr/lib/jvm): gf runs on $java with AppCDS" >&2
  exit 0
fi
rm -rf "$GF_HOME" "$work"/map-*.jsonl* # the AOT run trains a first save and map too
# shellcheck disable=SC2046 # gf_aot_flags prints flags, one word each
if train "$aot_java" $(gf_aot_flags) -XX:AOTCacheOutput="$target/gf.aot" >"$work/aot.log" 2>&1 &&
  [ -s "$target/gf.aot" ]; then
  echo "$aot_java" >"$target/gf.aot.java"
else
  echo "cli-cds: no AOT cache for $aot_java (gf runs on $java with AppCDS):" >&2
  grep -v '^\[' "$work/aot.log" | tail -5 >&2 || true
  rm -f "$target/gf.aot"
fi
